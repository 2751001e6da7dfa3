//! `rall inspect` end to end: on the BMTK-built tutorial, and on broken copies of it (each bad
//! input must give a non-zero exit, a message naming the file and the place, no panic, and no
//! file written).

use std::path::{Path, PathBuf};
use std::process::Command;

fn golden() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../validation/golden/ch02")
}

fn rall(args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_rall"))
        .args(args)
        .output()
        .expect("rall runs");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn copy_dir(src: &Path, dst: &Path) {
    std::fs::create_dir_all(dst).unwrap();
    for e in std::fs::read_dir(src).unwrap() {
        let e = e.unwrap();
        let to = dst.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &to);
        } else {
            std::fs::copy(e.path(), to).unwrap();
        }
    }
}

/// A writable copy of the tutorial folder.
fn tutorial_copy() -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    for sub in ["network", "inputs", "components"] {
        copy_dir(&golden().join(sub), &d.path().join(sub));
    }
    for f in [
        "config.json",
        "circuit_config.json",
        "simulation_config.json",
        "node_sets.json",
    ] {
        std::fs::copy(golden().join(f), d.path().join(f)).unwrap();
    }
    d
}

fn listing(dir: &Path) -> Vec<PathBuf> {
    let mut v = Vec::new();
    fn walk(d: &Path, v: &mut Vec<PathBuf>) {
        for e in std::fs::read_dir(d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(&p, v);
            } else {
                v.push(p);
            }
        }
    }
    walk(dir, &mut v);
    v.sort();
    v
}

#[test]
fn inspect_tutorial_text_and_json() {
    let cfg = golden().join("config.json");
    let (ok, out, err) = rall(&["inspect", cfg.to_str().unwrap()]);
    assert!(ok, "{err}");
    assert!(
        out.contains("total: 11 nodes (10 virtual, 1 biophysical)"),
        "{out}"
    );
    assert!(
        out.contains("mthalamus -> mcortex  10 edges, 50 synapses"),
        "{out}"
    );
    assert!(out.contains("inputs/mthalamus_spikes.h5 exists"), "{out}");
    assert!(
        out.contains("v_report") && out.contains("cai_report"),
        "{out}"
    );

    let (ok, out, err) = rall(&["inspect", "--json", cfg.to_str().unwrap()]);
    assert!(ok, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["nodes_by_model_type"]["virtual"], 10);
    assert_eq!(v["nodes_by_model_type"]["biophysical"], 1);
    assert_eq!(v["total_edges"], 10);
    assert_eq!(v["total_synapses"], 50);
    assert_eq!(v["inputs"][0]["input_file_exists"], true);
    assert!(v["inputs"][0]["input_file"]
        .as_str()
        .unwrap()
        .ends_with("inputs/mthalamus_spikes.h5"));
    let reports: Vec<&str> = v["reports"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert_eq!(reports, ["v_report", "cai_report"]);
    assert_eq!(v["run"]["nsteps"], 30000);
    // gids: mthalamus first in the circuit config.
    assert_eq!(v["node_populations"][0]["gids"], serde_json::json!([0, 9]));
    assert_eq!(
        v["node_populations"][1]["gids"],
        serde_json::json!([10, 10])
    );
}

/// Breaks a tutorial copy with `mutate`, runs inspect, and checks the failure.
fn expect_failure(mutate: impl FnOnce(&Path), needles: &[&str]) {
    let d = tutorial_copy();
    mutate(d.path());
    let before = listing(d.path());
    let cfg = d.path().join("config.json");
    let (ok, out, err) = rall(&["inspect", cfg.to_str().unwrap()]);
    assert!(!ok, "expected failure, got success:\n{out}");
    assert!(!err.contains("panicked"), "panic: {err}");
    for n in needles {
        assert!(err.contains(n), "stderr lacks {n:?}:\n{err}");
    }
    assert_eq!(listing(d.path()), before, "inspect wrote files");
}

fn edit(path: &Path, from: &str, to: &str) {
    let s = std::fs::read_to_string(path).unwrap();
    assert!(s.contains(from), "{} lacks {from:?}", path.display());
    std::fs::write(path, s.replace(from, to)).unwrap();
}

#[test]
fn missing_file() {
    expect_failure(
        |d| std::fs::remove_file(d.join("network/mcortex_nodes.h5")).unwrap(),
        &["mcortex_nodes.h5", "cannot open"],
    );
}

#[test]
fn not_hdf5_and_truncated() {
    expect_failure(
        |d| std::fs::write(d.join("network/mcortex_nodes.h5"), b"this is not hdf5").unwrap(),
        &["mcortex_nodes.h5", "not an HDF5 file"],
    );
    expect_failure(
        |d| {
            let p = d.join("network/mthalamus_mcortex_edges.h5");
            let bytes = std::fs::read(&p).unwrap();
            std::fs::write(&p, &bytes[..bytes.len() / 2]).unwrap();
        },
        &["mthalamus_mcortex_edges.h5", "truncated"],
    );
}

#[test]
fn csv_missing_column() {
    expect_failure(
        |d| {
            edit(
                &d.join("network/mcortex_node_types.csv"),
                "node_type_id",
                "type_id",
            )
        },
        &["mcortex_node_types.csv:1", "missing column 'node_type_id'"],
    );
}

#[test]
fn unknown_manifest_variable() {
    expect_failure(
        |d| {
            edit(
                &d.join("circuit_config.json"),
                "$BASE_DIR/network",
                "$NO_SUCH_DIR/network",
            )
        },
        &["circuit_config.json", "NO_SUCH_DIR"],
    );
}

#[test]
fn circular_manifest() {
    expect_failure(
        |d| {
            edit(
                &d.join("circuit_config.json"),
                "\"$NETWORK_DIR\": \"$BASE_DIR/network\"",
                "\"$NETWORK_DIR\": \"$LOOP_DIR/network\", \"$LOOP_DIR\": \"$NETWORK_DIR/x\"",
            )
        },
        &["circuit_config.json", "NETWORK_DIR", "LOOP_DIR"],
    );
}

#[test]
fn node_set_unknown_population() {
    expect_failure(
        |d| {
            std::fs::write(
                d.join("node_sets.json"),
                r#"{"bad": {"population": "no_such_pop"}}"#,
            )
            .unwrap()
        },
        &["node_sets.json", "no_such_pop"],
    );
}
