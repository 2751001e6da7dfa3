//! The BMTK tutorial (validation/golden/ch02, built by BMTK 1.2.0, run by NEURON 9.0.2):
//! `rall run` must place the same 50 synapses (section, x exact; source, weight, delay exact),
//! produce the same 44 spikes (|Δt| ≤ 1e-6 ms; in practice bit-identical), and soma v / cai
//! reports within 1e-6 of NEURON's at every one of the 30000 steps (the threshold margin of
//! the run is 0.028 mV, so 1e-6 mV cannot move a detection step).
mod common;

use common::{report_dev, root, run_case, sorted_spikes};

#[test]
fn ch02_tutorial_matches_bmtk_neuron() {
    let case = root().join("validation/golden/ch02");
    let out = tempfile::tempdir().unwrap();
    let (sum, log) = run_case(&case.join("config.json"), out.path());

    // synapses
    let want: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(case.join("expected/synapses.json")).unwrap(),
    )
    .unwrap();
    let ws = want["cells"][0]["synapses"].as_array().unwrap();
    assert_eq!(sum.synapses.len(), ws.len(), "synapse count");
    let mut matched = 0;
    for (got, w) in sum.synapses.iter().zip(ws) {
        assert_eq!(got.target_gid, w["target_gid"].as_u64().unwrap());
        assert_eq!(
            got.section_id,
            w["section_index"].as_i64().unwrap(),
            "synapse {}",
            w["index"]
        );
        assert!(
            (got.x - w["x"].as_f64().unwrap()).abs() <= 1e-12,
            "synapse {} x",
            w["index"]
        );
        assert_eq!(got.source_node_id, w["source_node_id"].as_u64().unwrap());
        assert_eq!(got.weight, w["weight"].as_f64().unwrap());
        assert_eq!(got.delay, w["delay"].as_f64().unwrap());
        matched += 1;
    }

    // spikes
    let ours = sorted_spikes(&out.path().join("spikes.h5"), "mcortex");
    let gold = sorted_spikes(&case.join("output/spikes.h5"), "mcortex");
    assert_eq!(ours.len(), gold.len(), "spike count");
    let dt_max = ours
        .iter()
        .zip(&gold)
        .map(|(a, b)| (a - b).abs())
        .fold(0.0, f64::max);

    // reports
    let (dv, nv) = report_dev(
        &out.path().join("v_report.h5"),
        &case.join("output/v_report.h5"),
        "mcortex",
    );
    let (dc, _) = report_dev(
        &out.path().join("cai_report.h5"),
        &case.join("output/cai_report.h5"),
        "mcortex",
    );
    eprintln!(
        "ch02: {matched}/50 synapses, {} spikes, max |dt| {dt_max:e} ms, v max |dv| {dv:e} mV over {nv} steps, cai max |d| {dc:e} mM",
        ours.len()
    );
    assert!(dt_max <= 1e-6, "spike times differ by {dt_max:e}");
    assert!(dv <= 1e-6, "v differs by {dv:e}");
    assert!(dc <= 1e-6, "cai differs by {dc:e}");

    // log messages as BMTK's
    let msgs: Vec<&str> = log.iter().map(|l| l.split_once("] ").unwrap().1).collect();
    for m in [
        "Created log file",
        "Building cells.",
        "Building recurrent connections",
        "Building virtual cell stimulations for mthalamus_spikes",
        "Running simulation for 3000.000 ms with the time step 0.100 ms",
        "Starting timestep: 0 at t_sim: 0.000 ms",
        "Block save every 5000 steps",
        "    step:5000 t_sim:500.00 ms",
        "    step:30000 t_sim:3000.00 ms",
    ] {
        assert!(msgs.contains(&m), "log lacks '{m}': {msgs:?}");
    }
    let file_log = std::fs::read_to_string(out.path().join("log.txt")).unwrap();
    assert_eq!(file_log.lines().count(), log.len());
    assert!(out.path().join("config.json").exists());
}
