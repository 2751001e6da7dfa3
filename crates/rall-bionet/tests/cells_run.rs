//! validation/golden/cells_run (BMTK 1.2.0 + NEURON 9.0.2): the five Allen cells driven by the
//! tutorial's thalamic input and by a somatic IClamp, tutorial 1 (IClamp, v + cai) and a
//! five-cell network. Criteria (validation/cells_run/README.md): spike count exact, sorted spike
//! times bit-exact (every threshold margin ≥ 1.7e-3 mV ≫ 1e-6 mV), soma v every sample
//! |Δ| ≤ 1e-6 mV, cai |Δ| ≤ 1e-11 mM, synapses (order, section, source, weight, delay exact,
//! |Δx| ≤ 1e-12), report mappings exact.
mod common;

use common::{report_dev, root, run_case, sorted_spikes};

fn check_case(name: &str, reports: &[(&str, f64)]) {
    let case = root().join("validation/golden/cells_run").join(name);
    let out = tempfile::tempdir().unwrap();
    let (sum, _) = run_case(&case.join("config.json"), out.path());

    let ours = sorted_spikes(&out.path().join("spikes.h5"), "mcortex");
    let gold = sorted_spikes(&case.join("output/spikes.h5"), "mcortex");
    assert_eq!(ours.len(), gold.len(), "{name}: spike count");
    assert_eq!(ours, gold, "{name}: spike times");

    let mut devs = Vec::new();
    for (rep, tol) in reports {
        let f = format!("{rep}.h5");
        let (d, _) = report_dev(
            &out.path().join(&f),
            &case.join("output").join(&f),
            "mcortex",
        );
        assert!(
            d <= *tol,
            "{name}: {rep} differs by {d:e} (tolerance {tol:e})"
        );
        devs.push(format!("{rep} {d:e}"));
    }

    let syn_path = case.join("expected/synapses.json");
    let mut nsyn = 0;
    if syn_path.exists() {
        let want: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&syn_path).unwrap()).unwrap();
        for cell in want["cells"].as_array().unwrap() {
            let gid = cell["gid"].as_u64().unwrap();
            let got: Vec<_> = sum
                .synapses
                .iter()
                .filter(|s| s.target_gid == gid)
                .collect();
            let ws = cell["synapses"].as_array().unwrap();
            assert_eq!(got.len(), ws.len(), "{name}: synapses onto gid {gid}");
            for (g, w) in got.iter().zip(ws) {
                let i = &w["index"];
                assert_eq!(
                    g.section_id,
                    w["section_index"].as_i64().unwrap(),
                    "{name} gid {gid} syn {i}"
                );
                assert!(
                    (g.x - w["x"].as_f64().unwrap()).abs() <= 1e-12,
                    "{name} gid {gid} syn {i} x"
                );
                assert_eq!(g.source_node_id, w["source_node_id"].as_u64().unwrap());
                assert_eq!(g.weight, w["weight"].as_f64().unwrap());
                assert_eq!(g.delay, w["delay"].as_f64().unwrap());
                nsyn += 1;
            }
        }
    }
    eprintln!(
        "{name}: {} spikes identical, {nsyn} synapses identical, max |Δ| {}",
        ours.len(),
        devs.join(", ")
    );
}

const V: (&str, f64) = ("v_report", 1e-6);

#[test]
fn iclamp_nr5a1() {
    check_case("iclamp_Nr5a1_471087815", &[V]);
}
#[test]
fn iclamp_pvalb_469628681() {
    check_case("iclamp_Pvalb_469628681", &[V]);
}
#[test]
fn iclamp_pvalb_470522102() {
    check_case("iclamp_Pvalb_470522102", &[V]);
}
#[test]
fn iclamp_rorb() {
    check_case("iclamp_Rorb_325404214", &[V]);
}
#[test]
fn iclamp_scnn1a() {
    check_case("iclamp_Scnn1a_473845048", &[V]);
}
#[test]
fn syn_nr5a1() {
    check_case("syn_Nr5a1_471087815", &[V]);
}
#[test]
fn syn_pvalb_469628681() {
    check_case("syn_Pvalb_469628681", &[V]);
}
#[test]
fn syn_pvalb_470522102() {
    check_case("syn_Pvalb_470522102", &[V]);
}
#[test]
fn syn_rorb() {
    check_case("syn_Rorb_325404214", &[V]);
}
#[test]
fn ch01_tutorial_iclamp_v_cai() {
    check_case("ch01_tutorial", &[V, ("cai_report", 1e-11)]);
}
#[test]
fn reports_all_sections_and_window() {
    check_case(
        "reports_Scnn1a_473845048",
        &[V, ("v_all", 1e-6), ("v_window", 1e-6)],
    );
}
#[test]
fn net5_thalamus() {
    check_case("net5_thalamus", &[V]);
}
