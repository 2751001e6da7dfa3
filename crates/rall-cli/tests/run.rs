//! `rall run` / `rall check` end to end on the BMTK tutorial (validation/golden/ch02): exit
//! status, outputs and messages. Numerical parity is tested in crates/rall-bionet/tests; here the
//! spikes only have to equal the golden ones (bit-identical there).
use std::path::PathBuf;
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// BMTK's Allen .mod files (not in the repo); fails, never skips, when absent.
fn modfiles() -> PathBuf {
    let dir = std::env::var("RALL_BMTK_MODFILES")
        .map(PathBuf::from)
        .unwrap_or_else(|_| {
            PathBuf::from(
                "/opt/ref/lib/python3.11/site-packages/bmtk/utils/scripts/bionet/mechanisms/modfiles",
            )
        });
    assert!(
        dir.join("NaTs.mod").exists(),
        "Allen mod files not found in {}; set RALL_BMTK_MODFILES",
        dir.display()
    );
    dir
}

fn rall() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_rall"));
    c.env_remove("RALL_MECHANISMS_DIR");
    c
}

#[test]
fn run_tutorial_writes_bmtk_outputs_and_synapse_dump() {
    let cfg = root().join("validation/golden/ch02/config.json");
    let out = tempfile::tempdir().unwrap();
    let dump = out.path().join("syn.csv");
    let o = rall()
        .arg("run")
        .arg(&cfg)
        .arg("--mechanisms")
        .arg(modfiles())
        .arg("--output")
        .arg(out.path().join("output"))
        .arg("--dump-synapses")
        .arg(&dump)
        .arg("--threads")
        .arg("2")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        o.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(stdout.contains("[INFO] Building cells."), "{stdout}");
    assert!(stdout.contains("44 spikes, 50 synapses"), "{stdout}");
    for f in [
        "spikes.h5",
        "v_report.h5",
        "cai_report.h5",
        "log.txt",
        "config.json",
    ] {
        assert!(out.path().join("output").join(f).exists(), "{f}");
    }
    let ours = rall_sonata::SpikeTable::read_h5(out.path().join("output/spikes.h5")).unwrap();
    let gold =
        rall_sonata::SpikeTable::read_h5(root().join("validation/golden/ch02/output/spikes.h5"))
            .unwrap();
    let sorted = |t: &rall_sonata::SpikeTable| {
        let mut v = t.population("mcortex").unwrap().timestamps.clone();
        v.sort_by(f64::total_cmp);
        v
    };
    assert_eq!(sorted(&ours), sorted(&gold));
    let csv = std::fs::read_to_string(&dump).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 51);
    assert_eq!(
        lines[0],
        "target_gid,target_population,target_node_id,section_id,x,source_population,source_node_id,weight,delay"
    );
    assert_eq!(
        lines[1],
        "10,mcortex,0,78,0.8333333333333334,mthalamus,0,0.001,2.0"
    );
}

#[test]
fn quiet_run_prints_nothing() {
    let out = tempfile::tempdir().unwrap();
    let d = out.path().join("case");
    // a 50 ms run of the tutorial
    let src = root().join("validation/golden/ch02");
    std::fs::create_dir_all(&d).unwrap();
    for f in ["config.json", "circuit_config.json", "node_sets.json"] {
        std::fs::copy(src.join(f), d.join(f)).unwrap();
    }
    let mut sim: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(src.join("simulation_config.json")).unwrap())
            .unwrap();
    sim["run"]["tstop"] = 50.0.into();
    sim["manifest"]["$BASE_DIR"] = src.display().to_string().into();
    sim["manifest"]["$OUTPUT_DIR"] = d.join("output").display().to_string().into();
    std::fs::write(d.join("simulation_config.json"), sim.to_string()).unwrap();
    let mut cc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(src.join("circuit_config.json")).unwrap())
            .unwrap();
    cc["manifest"]["$BASE_DIR"] = src.display().to_string().into();
    std::fs::write(d.join("circuit_config.json"), cc.to_string()).unwrap();
    let o = rall()
        .arg("run")
        .arg(d.join("config.json"))
        .arg("--quiet")
        .env("RALL_MECHANISMS_DIR", modfiles())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(o.stdout.is_empty() && o.stderr.is_empty());
    assert!(d.join("output/spikes.h5").exists());
    assert!(d.join("output/log.txt").exists());
}

#[test]
fn check_reports_plan_or_missing_mechanism() {
    let cfg = root().join("validation/golden/ch02/config.json");
    let o = rall()
        .arg("check")
        .arg(&cfg)
        .arg("--mechanisms")
        .arg(modfiles())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(
        stdout.contains("OK") && stdout.contains("1 biophysical"),
        "{stdout}"
    );

    // the fixture has no components/mechanisms: the Allen channels cannot be found
    let o = rall().arg("check").arg(&cfg).output().unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success());
    assert!(
        stderr.contains("mechanism '") && stderr.contains("472363762_fit.json"),
        "{stderr}"
    );
    assert!(stderr.contains("components/mechanisms"), "{stderr}");
}
