//! IClamp.amp driven by Vector.play(&amp, Dt) against NEURON 9.0.2
//! (validation/golden/cells/play_cases.*). Pass criterion: every voltage within 1e-9 mV.
mod common;

use common::{f64s, json, read};
use rall_cable::{native, GroupBuilder, Morphology, ProbeSpec};

#[test]
fn vector_play_matches_neuron() {
    let meta = json("validation/golden/cells/play_cases.json");
    let mut m = Morphology::new();
    let soma = m.create_cable("soma", 0, 1, 20.0, 20.0).unwrap();
    let dend = m.create_cable("dend", 0, 3, 200.0, 1.0).unwrap();
    m.set_nseg(dend, 5).unwrap();
    m.connect(dend, soma, 1.0).unwrap();
    for s in [soma, dend] {
        m.sections[s].ra = 100.0;
    }
    let mut b = GroupBuilder::new();
    let c = b.add_cell(&m).unwrap();
    for s in [soma, dend] {
        b.insert(c, s, &native::pas(), &[("g", 1e-3), ("e", -65.0)])
            .unwrap();
    }
    let vals = |k: &str| -> Vec<f64> {
        meta[k]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_f64().unwrap())
            .collect()
    };
    let ic = native::iclamp();
    let c1 = b
        .add_point(c, soma, 0.5, &ic, &[("del", 0.0), ("dur", 1e9)])
        .unwrap();
    let c2 = b
        .add_point(c, dend, 0.5, &ic, &[("del", 0.0), ("dur", 1e9)])
        .unwrap();
    b.add_play(c1, "amp", meta["dt1"].as_f64().unwrap(), vals("a1"))
        .unwrap();
    b.add_play(c2, "amp", meta["dt2"].as_f64().unwrap(), vals("a2"))
        .unwrap();
    let p1 = b.add_probe(ProbeSpec::V {
        cell: c,
        sec: soma,
        x: 0.5,
    });
    let p2 = b.add_probe(ProbeSpec::V {
        cell: c,
        sec: dend,
        x: 0.5,
    });
    let mut g = b.build(0.025, 6.3).unwrap();
    g.finitialize(-65.0).unwrap();
    let rows = meta["shape"][0].as_u64().unwrap() as usize;
    g.advance(rows as u64 - 1).unwrap();
    let want = f64s(&read("validation/golden/cells/play_cases.v.bin"));
    let mut maxdev = 0.0f64;
    for r in 0..rows {
        maxdev = maxdev.max((g.trace(p1)[r] - want[2 * r]).abs());
        maxdev = maxdev.max((g.trace(p2)[r] - want[2 * r + 1]).abs());
    }
    eprintln!("Vector.play: max |dv| {maxdev:e} mV");
    assert!(maxdev <= 1e-9, "max |dv| {maxdev:e}");
}
