//! Dynamics golden tests against NEURON 9.0.2 (validation/golden/cells).
//! Pass criterion (see validation/golden/cells/README.md): every compared voltage within
//! 1e-9 mV of NEURON (the bound; NEURON's own two translators differ by ~5e-10 mV).

use std::path::PathBuf;

use rall_cable::{native, read_swc, GroupBuilder, Morphology, ProbeSpec};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn read(p: &str) -> Vec<u8> {
    let p = root().join(p);
    std::fs::read(&p).unwrap_or_else(|e| {
        panic!(
            "golden file {} missing ({e}); run the validation/cells scripts",
            p.display()
        )
    })
}

fn f64s(bytes: &[u8]) -> Vec<f64> {
    bytes
        .chunks_exact(8)
        .map(|c| f64::from_le_bytes(c.try_into().unwrap()))
        .collect()
}

fn json(p: &str) -> serde_json::Value {
    serde_json::from_slice(&read(p)).unwrap()
}

#[test]
fn passive_scnn1a_iclamp_matches_neuron() {
    let meta = json("validation/golden/cells/passive_scnn1a.json");
    let swc = root().join("../shared/components/morphologies/Scnn1a_473845048_m.swc");
    let mut m: Morphology = read_swc("Scnn1a", &std::fs::read_to_string(&swc).unwrap()).unwrap();
    m.fix_axon_perisomatic().unwrap();
    let fit = json("../shared/components/biophysical_neuron_models/472363762_fit.json");
    let pas = &fit["passive"][0];
    let cm: Vec<(String, f64)> = pas["cm"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["section"].as_str().unwrap().to_string(),
                c["cm"].as_f64().unwrap(),
            )
        })
        .collect();
    let cmr: Vec<(&str, f64)> = cm.iter().map(|(s, c)| (s.as_str(), *c)).collect();
    m.set_passive_by_prefix(pas["ra"].as_f64().unwrap(), &cmr)
        .unwrap();
    m.set_nseg_by_dl(20.0).unwrap();
    let e_pas = pas["e_pas"].as_f64().unwrap();
    let gpas = |prefix: &str| {
        fit["genome"]
            .as_array()
            .unwrap()
            .iter()
            .find(|g| g["name"] == "g_pas" && g["section"] == prefix)
            .unwrap()["value"]
            .as_f64()
            .unwrap()
    };
    let mut b = GroupBuilder::new();
    let cell = b.add_cell(&m).unwrap();
    let pas_t = native::pas();
    for &s in &m.all {
        let prefix: String = m.sections[s].name().chars().take(4).collect();
        b.insert(cell, s, &pas_t, &[("g", gpas(&prefix)), ("e", e_pas)])
            .unwrap();
    }
    let soma = m.find("soma[0]").unwrap();
    b.add_point(
        cell,
        soma,
        0.5,
        &native::iclamp(),
        &[("del", 10.0), ("dur", 50.0), ("amp", 0.2)],
    )
    .unwrap();
    let segs = meta["segments"].as_array().unwrap();
    let mut probes = Vec::new();
    for sg in segs {
        let sec = m.all[sg[0].as_u64().unwrap() as usize];
        probes.push(b.add_probe(ProbeSpec::V {
            cell,
            sec,
            x: sg[1].as_f64().unwrap(),
        }));
    }
    let mut g = b
        .build(
            meta["dt"].as_f64().unwrap(),
            meta["celsius"].as_f64().unwrap(),
        )
        .unwrap();
    g.finitialize(meta["v_init"].as_f64().unwrap()).unwrap();
    let nsteps = meta["nsteps"].as_u64().unwrap();
    g.advance(nsteps).unwrap();
    assert_eq!(
        g.t,
        meta["t_end"].as_f64().unwrap(),
        "t accumulated as NEURON does"
    );
    let stride = meta["stride"].as_u64().unwrap() as usize;
    let want = f64s(&read("validation/golden/cells/passive_scnn1a.v.bin"));
    let nseg = segs.len();
    let mut maxdev = 0.0f64;
    let mut identical = 0usize;
    for (k, &p) in probes.iter().enumerate() {
        let tr = g.trace(p);
        for (r, s) in (0..tr.len()).step_by(stride).enumerate() {
            let w = want[r * nseg + k];
            maxdev = maxdev.max((tr[s] - w).abs());
            identical += usize::from(tr[s] == w);
        }
    }
    let soma_want = f64s(&read("validation/golden/cells/passive_scnn1a.soma.bin"));
    let soma_probe = probes[segs.iter().position(|s| s[0] == 0).unwrap()];
    let mut soma_dev = 0.0f64;
    for (a, b) in g.trace(soma_probe).iter().zip(&soma_want) {
        soma_dev = soma_dev.max((a - b).abs());
    }
    eprintln!(
        "passive Scnn1a: max |dv| {maxdev:e} mV over {} samples ({identical} bit-identical); soma every step max |dv| {soma_dev:e}",
        want.len()
    );
    assert_eq!(soma_want.len(), g.trace(soma_probe).len());
    assert!(maxdev <= 1e-9 && soma_dev <= 1e-9);
}
