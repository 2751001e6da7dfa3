//! Full perisomatic Allen cell (Scnn1a + 472363762_fit.json: 10 Allen channels, CaDynamics with
//! Nernst-driven eca, IClamp) against NEURON 9.0.2 + BMTK 1.2.0
//! (validation/golden/cells/active_scnn1a.*), with rall-nmodl's compiled Allen mods (BMTK's copy,
//! never skipped: fails if not found; set RALL_BMTK_MODFILES).
//! Pass criterion: every stored voltage within 1e-9 mV, identical spike times.
mod common;

use std::path::PathBuf;

use common::{f64s, json, read, root};
use rall_cable::{read_swc, GroupBuilder, IonVar, MechType, ProbeSpec};
use rall_nmodl::Catalogue;

fn catalogue() -> Catalogue {
    let dir = std::env::var("RALL_BMTK_MODFILES").map(PathBuf::from).unwrap_or_else(|_| {
        PathBuf::from("/opt/ref/lib/python3.11/site-packages/bmtk/utils/scripts/bionet/mechanisms/modfiles")
    });
    let mut c = Catalogue::builtin();
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}; set RALL_BMTK_MODFILES", dir.display()))
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "mod") && !p.ends_with("vecevent.mod"))
        .collect();
    files.sort();
    for p in files {
        let text = std::fs::read_to_string(&p).unwrap();
        c.load_source(&p.display().to_string(), &text).unwrap();
    }
    c
}

#[test]
fn active_scnn1a_matches_neuron() {
    let meta = json("validation/golden/cells/active_scnn1a.json");
    let cat = catalogue();
    let mech = |n: &str| {
        MechType::Nmodl(
            cat.get(n)
                .unwrap_or_else(|| panic!("no mechanism {n}"))
                .clone(),
        )
    };
    let swc = root().join("../shared/components/morphologies/Scnn1a_473845048_m.swc");
    let mut m = read_swc("Scnn1a", &std::fs::read_to_string(&swc).unwrap()).unwrap();
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
    let prefix = |s: usize| -> String { m.sections[s].name().chars().take(4).collect() };

    let mut b = GroupBuilder::new();
    let cell = b.add_cell(&m).unwrap();
    let pas_t = mech("pas");
    for &s in &m.all {
        b.insert(cell, s, &pas_t, &[("e", pas["e_pas"].as_f64().unwrap())])
            .unwrap();
    }
    for gnm in fit["genome"].as_array().unwrap() {
        let name = gnm["name"].as_str().unwrap();
        let value = gnm["value"].as_f64().unwrap();
        let mname = match gnm["mechanism"].as_str().unwrap() {
            "" => name.rsplit('_').next().unwrap().to_string(),
            x => x.to_string(),
        };
        let ty = mech(&mname);
        for &s in &m.all {
            if prefix(s) == gnm["section"].as_str().unwrap() {
                b.insert(cell, s, &ty, &[(name, value)]).unwrap();
            }
        }
    }
    for er in fit["conditions"][0]["erev"].as_array().unwrap() {
        for &s in &m.all {
            if prefix(s) == er["section"].as_str().unwrap() {
                b.set_ion(cell, s, "na", IonVar::E, er["ena"].as_f64().unwrap())
                    .unwrap();
                b.set_ion(cell, s, "k", IonVar::E, er["ek"].as_f64().unwrap())
                    .unwrap();
            }
        }
    }
    let soma = m.find("soma[0]").unwrap();
    let ic = &meta["iclamp"];
    b.add_point(
        cell,
        soma,
        0.5,
        &mech("IClamp"),
        &[
            ("del", ic["del"].as_f64().unwrap()),
            ("dur", ic["dur"].as_f64().unwrap()),
            ("amp", ic["amp"].as_f64().unwrap()),
        ],
    )
    .unwrap();
    let det = b
        .add_threshold_source(cell, soma, 0.5, meta["threshold"].as_f64().unwrap(), None)
        .unwrap();
    let segs = meta["segments"].as_array().unwrap();
    let probes: Vec<usize> = segs
        .iter()
        .map(|sg| {
            let sec = m.all[sg[0].as_u64().unwrap() as usize];
            b.add_probe(ProbeSpec::V {
                cell,
                sec,
                x: sg[1].as_f64().unwrap(),
            })
        })
        .collect();
    let cai = b.add_probe(ProbeSpec::Ion {
        cell,
        sec: soma,
        x: 0.5,
        ion: "ca".into(),
        var: IonVar::Ci,
    });
    let mut g = b
        .build(
            meta["dt"].as_f64().unwrap(),
            meta["celsius"].as_f64().unwrap(),
        )
        .unwrap();
    g.finitialize(meta["v_init"].as_f64().unwrap()).unwrap();
    g.advance(meta["nsteps"].as_u64().unwrap()).unwrap();

    let stride = meta["stride"].as_u64().unwrap() as usize;
    let want = f64s(&read("validation/golden/cells/active_scnn1a.v.bin"));
    let nseg = segs.len();
    let (mut maxdev, mut identical, mut n) = (0.0f64, 0usize, 0usize);
    for (k, &p) in probes.iter().enumerate() {
        for (r, s) in (0..g.trace(p).len()).step_by(stride).enumerate() {
            let w = want[r * nseg + k];
            maxdev = maxdev.max((g.trace(p)[s] - w).abs());
            identical += usize::from(g.trace(p)[s] == w);
            n += 1;
        }
    }
    let soma_want = f64s(&read("validation/golden/cells/active_scnn1a.soma.bin"));
    let soma_probe = probes[segs.iter().position(|s| s[0] == 0).unwrap()];
    let soma_dev = g
        .trace(soma_probe)
        .iter()
        .zip(&soma_want)
        .map(|(a, b)| (a - b).abs())
        .fold(0.0, f64::max);
    let cai_want = f64s(&read("validation/golden/cells/active_scnn1a.cai.bin"));
    let cai_dev = g
        .trace(cai)
        .iter()
        .zip(&cai_want)
        .map(|(a, b)| ((a - b) / b).abs())
        .fold(0.0, f64::max);
    let spikes: Vec<f64> = g
        .spikes
        .iter()
        .filter(|s| s.1 == det.0)
        .map(|s| s.0)
        .collect();
    let want_spikes: Vec<f64> = meta["spikes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect();
    eprintln!(
        "active Scnn1a: max |dv| {maxdev:e} mV ({identical}/{n} bit-identical), soma every step {soma_dev:e} mV, cai rel {cai_dev:e}, spikes {spikes:?}"
    );
    assert_eq!(spikes, want_spikes);
    assert!(
        maxdev <= 1e-9 && soma_dev <= 1e-9,
        "max |dv| {maxdev:e}, soma {soma_dev:e}"
    );
}
