//! Point processes and connections at section ends, root node, interior points, x = 0 of a
//! non-root section, siblings at one point, two point processes at one node — against NEURON
//! 9.0.2 (validation/golden/cells/edge_cases.*). Pass criterion: every voltage within 1e-9 mV.
mod common;

use common::{f64s, json, read};
use rall_cable::{native, GroupBuilder, Morphology, ProbeSpec};

#[test]
fn edge_cases_match_neuron() {
    let meta = json("validation/golden/cells/edge_cases.json");
    let mut m = Morphology::new();
    let spec = [
        ("soma", 1, 20.0, 20.0, 1),
        ("dend", 3, 300.0, 2.0, 3),
        ("d2", 3, 100.0, 1.0, 5),
        ("d3", 3, 50.0, 1.5, 2),
        ("d4", 3, 80.0, 0.8, 4),
        ("d5", 3, 60.0, 0.7, 3),
        ("d6", 3, 40.0, 0.9, 1),
    ];
    let mut secs = Vec::new();
    for (name, ty, l, d, nseg) in spec {
        let s = m.create_cable(name, 0, ty, l, d).unwrap();
        m.set_nseg(s, nseg).unwrap();
        m.sections[s].ra = 100.0;
        secs.push(s);
    }
    let [soma, dend, d2, d3, d4, d5, d6] = secs[..] else {
        unreachable!()
    };
    m.connect(dend, soma, 1.0).unwrap();
    m.connect(d2, dend, 0.3).unwrap();
    m.connect(d3, d2, 0.0).unwrap();
    m.connect(d4, soma, 0.0).unwrap();
    m.connect(d5, dend, 1.0).unwrap();
    m.connect(d6, dend, 1.0).unwrap();

    let mut b = GroupBuilder::new();
    let c = b.add_cell(&m).unwrap();
    for &s in &secs {
        b.insert(c, s, &native::pas(), &[("g", 1e-3), ("e", -65.0)])
            .unwrap();
    }
    let ic = native::iclamp();
    for (sec, x, del, dur, amp) in [
        (dend, 1.0, 1.0, 20.0, 0.05),
        (soma, 0.0, 5.0, 10.0, -0.1),
        (d2, 0.55, 2.0, 30.0, 0.02),
    ] {
        b.add_point(c, sec, x, &ic, &[("del", del), ("dur", dur), ("amp", amp)])
            .unwrap();
    }
    let es = native::expsyn();
    let sa = b
        .add_point(c, dend, 0.5, &es, &[("tau", 2.0), ("e", 0.0)])
        .unwrap();
    let sb = b
        .add_point(c, dend, 0.5, &es, &[("tau", 5.0), ("e", -80.0)])
        .unwrap();
    let sc = b
        .add_point(c, d5, 1.0, &es, &[("tau", 1.0), ("e", 0.0)])
        .unwrap();
    let vs = b
        .add_artificial(
            &native::vecstim(),
            &[],
            Some(vec![3.0, 7.5, 7.5, 20.0, 33.3]),
        )
        .unwrap();
    let src = b.add_point_source(vs, None).unwrap();
    for (syn, w, d) in [(sa, 0.003, 1.0), (sb, 0.002, 0.5), (sc, 0.004, 2.0)] {
        b.add_netcon(src, Some(syn), vec![w], d).unwrap();
    }
    let cols = meta["columns"].as_array().unwrap();
    let probes: Vec<usize> = cols
        .iter()
        .map(|cx| {
            let sec = secs[cx[0].as_u64().unwrap() as usize];
            b.add_probe(ProbeSpec::V {
                cell: c,
                sec,
                x: cx[1].as_f64().unwrap(),
            })
        })
        .collect();
    let mut g = b
        .build(
            meta["dt"].as_f64().unwrap(),
            meta["celsius"].as_f64().unwrap(),
        )
        .unwrap();
    g.finitialize(meta["v_init"].as_f64().unwrap()).unwrap();
    let rows = meta["shape"][0].as_u64().unwrap() as usize;
    g.advance(rows as u64 - 1).unwrap();
    assert_eq!(g.t, meta["t_end"].as_f64().unwrap());
    let want = f64s(&read("validation/golden/cells/edge_cases.v.bin"));
    let ncol = cols.len();
    let (mut maxdev, mut same) = (0.0f64, 0usize);
    for (k, &p) in probes.iter().enumerate() {
        for r in 0..rows {
            let (a, w) = (g.trace(p)[r], want[r * ncol + k]);
            maxdev = maxdev.max((a - w).abs());
            same += usize::from(a == w);
        }
    }
    eprintln!(
        "edge cases: max |dv| {maxdev:e} mV, {same}/{} bit-identical",
        rows * ncol
    );
    assert!(maxdev <= 1e-9, "max |dv| {maxdev:e}");
}
