//! `rall sim-setup bionet DIR` as a user types it (BMTK's flags), then `rall check` on the result.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn rall(cwd: &Path, args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_rall"))
        .current_dir(cwd)
        .env_remove("RALL_EXAMPLES_DIR")
        .args(args)
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// `tmp/sim_ch02/{network,inputs}` from the BMTK-built tutorial.
fn tutorial_inputs(tmp: &Path) {
    let src = repo().join("validation/golden/ch02");
    for d in ["network", "inputs"] {
        fs::create_dir_all(tmp.join("sim_ch02").join(d)).unwrap();
        for e in fs::read_dir(src.join(d)).unwrap() {
            let p = e.unwrap().path();
            fs::copy(
                &p,
                tmp.join("sim_ch02").join(d).join(p.file_name().unwrap()),
            )
            .unwrap();
        }
    }
}

#[test]
fn tutorial_command_line() {
    let tmp = tempfile::tempdir().unwrap();
    tutorial_inputs(tmp.path());
    // the tutorial's command, relative paths from the current directory
    let args = [
        "sim-setup",
        "--report-vars",
        "v,cai",
        "--network",
        "sim_ch02/network",
        "--spikes-inputs",
        "mthalamus:sim_ch02/inputs/mthalamus_spikes.h5",
        "--dt",
        "0.1",
        "--tstop",
        "3000.0",
        "--include-examples",
        "--compile-mechanisms",
        "bionet",
        "sim_ch02",
    ];
    let (ok, out, err) = rall(tmp.path(), &args);
    assert!(ok, "{err}");
    assert!(out.contains("populations mthalamus, mcortex"), "{out}");
    assert!(out.contains("--compile-mechanisms: nothing to do"), "{out}");
    assert!(out.contains("run it: rall run"), "{out}");
    let base = tmp.path().join("sim_ch02");
    for f in [
        "config.json",
        "circuit_config.json",
        "simulation_config.json",
        "node_sets.json",
        "run_bionet.py",
        "components/README.md",
        "components/morphologies/Scnn1a_473845048_m.swc",
        "components/biophysical_neuron_models/472363762_fit.json",
        "components/synaptic_models/AMPA_ExcToExc.json",
    ] {
        assert!(base.join(f).is_file(), "{f} missing");
    }
    assert!(fs::read_dir(base.join("components/mechanisms/modfiles"))
        .unwrap()
        .any(|e| e.unwrap().path().extension().is_some_and(|x| x == "mod")));
    let sim: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(base.join("simulation_config.json")).unwrap())
            .unwrap();
    assert_eq!(
        sim["inputs"]["mthalamus_spikes"]["input_file"],
        "$BASE_DIR/inputs/mthalamus_spikes.h5"
    );
    assert_eq!(sim["run"]["dt"], 0.1);

    // Rall accepts the folder as it is
    let (ok, out, err) = rall(tmp.path(), &["check", "sim_ch02/config.json"]);
    assert!(ok, "{out}{err}");

    // a second time: configs are kept, and said so
    let (ok, out, _) = rall(tmp.path(), &args);
    assert!(ok);
    assert!(out.contains("kept") && out.contains("--overwrite"), "{out}");
}

#[test]
fn iclamp_and_defaults() {
    let tmp = tempfile::tempdir().unwrap();
    let (ok, out, err) = rall(
        tmp.path(),
        &[
            "sim-setup",
            "--iclamp",
            "-0.1,500,1000",
            "--report-vars",
            "v",
            "--report-nodes",
            "0",
            "--dL",
            "10",
            "bionet",
            "sim",
        ],
    );
    assert!(ok, "{err}");
    // an empty network folder is created and reported
    assert!(out.contains("no SONATA nodes or edges files"), "{out}");
    assert!(out.contains("no --dt: run.dt = 0.001 ms"), "{out}");
    let sim: serde_json::Value = serde_json::from_str(
        &fs::read_to_string(tmp.path().join("sim/simulation_config.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(sim["inputs"]["current_clamp"]["amp"], -0.1);
    assert_eq!(sim["run"]["dt"], 0.001);
    assert_eq!(sim["run"]["dL"], 10.0);
    assert_eq!(sim["reports"]["v_report"]["cells"], "recorded_nodes");
    let ns: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(tmp.path().join("sim/node_sets.json")).unwrap())
            .unwrap();
    assert_eq!(ns["recorded_nodes"]["node_ids"], serde_json::json!([0]));
}

#[test]
fn errors_name_the_argument() {
    let tmp = tempfile::tempdir().unwrap();
    let (ok, _, err) = rall(tmp.path(), &["sim-setup", "pointnet", "sim"]);
    assert!(!ok && err.contains("BioNet only"), "{err}");
    let (ok, _, err) = rall(
        tmp.path(),
        &["sim-setup", "--iclamp", "1,2", "bionet", "sim"],
    );
    assert!(!ok && err.contains("--iclamp"), "{err}");
    let (ok, _, err) = rall(
        tmp.path(),
        &[
            "sim-setup",
            "--include-examples",
            "--examples-dir",
            "nowhere",
            "bionet",
            "sim",
        ],
    );
    assert!(!ok && err.contains("example components not found"), "{err}");
    let (ok, _, err) = rall(tmp.path(), &["sim-setup", "--dt", "0", "bionet", "sim"]);
    assert!(!ok && err.contains("--dt"), "{err}");
}
