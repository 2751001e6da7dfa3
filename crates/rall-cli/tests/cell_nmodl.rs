//! `rall cell` against NEURON's geometry (validation/golden/cells/*.plain.json, made by
//! validation/cells/make_golden.py with NEURON 9.0.2's Import3d + BMTK 1.2.0's nseg rule), and
//! `rall nmodl check` on BMTK's 17 Allen mod files (found through RALL_BMTK_MODFILES, which
//! scripts/test.sh sets; the test fails, never skips, without them).

use std::path::{Path, PathBuf};
use std::process::Command;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn rall(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_rall"))
        .args(args)
        .output()
        .unwrap()
}

/// Equal within 1e-12 relative (the geometry is bit-identical in rall-cable's own tests; the
/// JSON text round trip through serde keeps that, the margin only guards formatting).
fn close(a: &serde_json::Value, b: &serde_json::Value, ctx: &str) {
    match (a, b) {
        (serde_json::Value::Number(x), serde_json::Value::Number(y)) => {
            let (x, y) = (x.as_f64().unwrap(), y.as_f64().unwrap());
            assert!(
                (x - y).abs() <= 1e-12 * y.abs().max(1e-300),
                "{ctx}: {x} vs {y}"
            );
        }
        (serde_json::Value::Object(x), serde_json::Value::Object(y)) => {
            for (k, v) in y {
                close(&x[k], v, &format!("{ctx}.{k}"));
            }
        }
        (serde_json::Value::Array(x), serde_json::Value::Array(y)) => {
            assert_eq!(x.len(), y.len(), "{ctx}: length");
            for (i, (p, q)) in x.iter().zip(y).enumerate() {
                close(p, q, &format!("{ctx}[{i}]"));
            }
        }
        _ => assert_eq!(a, b, "{ctx}"),
    }
}

#[test]
fn cell_geometry_matches_neuron_for_all_five_allen_cells() {
    let morph = repo().join("../shared/components/morphologies");
    for cell in [
        "Scnn1a_473845048_m",
        "Rorb_325404214_m",
        "Nr5a1_471087815_m",
        "Pvalb_470522102_m",
        "Pvalb_469628681_m",
    ] {
        let swc = morph.join(format!("{cell}.swc"));
        let o = rall(&[
            "cell",
            "--morphology",
            swc.to_str().unwrap(),
            "--dL",
            "20",
            "--json",
        ]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let got: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        let golden = repo().join(format!("validation/golden/cells/{cell}.plain.json"));
        let want: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&golden).expect("golden present"))
                .unwrap();
        close(&got["sections"], &want["sections"], cell);
        close(&got["segments"], &want["segments"], cell);
    }
}

#[test]
fn cell_perisomatic_matches_neuron_for_all_five_allen_cells() {
    // Cell ↔ fit pairings as in validation/golden/cells/README.md.
    let comps = repo().join("../shared/components");
    for (cell, fit) in [
        ("Scnn1a_473845048_m", "472363762"),
        ("Rorb_325404214_m", "473863510"),
        ("Nr5a1_471087815_m", "473863035"),
        ("Pvalb_470522102_m", "472912177"),
        ("Pvalb_469628681_m", "473862421"),
    ] {
        let swc = comps.join(format!("morphologies/{cell}.swc"));
        let fit = comps.join(format!("biophysical_neuron_models/{fit}_fit.json"));
        let o = rall(&[
            "cell",
            "--morphology",
            swc.to_str().unwrap(),
            "--dynamics",
            fit.to_str().unwrap(),
            "--processing",
            "aibs_perisomatic",
            "--dL",
            "20",
            "--json",
        ]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let got: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        let golden = repo().join(format!("validation/golden/cells/{cell}.peri.json"));
        let want: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&golden).expect("golden present"))
                .unwrap();
        close(&got["sections"], &want["sections"], cell);
        close(&got["segments"], &want["segments"], cell);
    }
}

#[test]
fn cell_bad_swc_names_file_and_line() {
    let d = tempfile::tempdir().unwrap();
    let swc = d.path().join("bad.swc");
    std::fs::write(&swc, "1 1 0 0 0 5 -1\n2 3 0 10 0 1 7\n").unwrap();
    let o = rall(&["cell", "--morphology", swc.to_str().unwrap(), "--json"]);
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("bad.swc") && err.contains('2'), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn nmodl_check_bmtk_modfiles() {
    let dir = std::env::var("RALL_BMTK_MODFILES").map(PathBuf::from).unwrap_or_else(|_| {
        PathBuf::from("/opt/ref/lib/python3.11/site-packages/bmtk/utils/scripts/bionet/mechanisms/modfiles")
    });
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| {
            panic!(
                "BMTK mod files not found at {} ({e}); set RALL_BMTK_MODFILES",
                dir.display()
            )
        })
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "mod"))
        .collect();
    files.sort();
    assert_eq!(files.len(), 17);
    let args: Vec<&str> = std::iter::once("nmodl")
        .chain(std::iter::once("check"))
        .chain(files.iter().map(|p| p.to_str().unwrap()))
        .collect();
    let o = rall(&args);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(
        out.matches("density mechanism (SUFFIX)").count(),
        16,
        "{out}"
    );
    assert!(out.contains("VecStim"), "{out}");
    for m in ["NaTs", "Kv3_1", "Ca_HVA", "CaDynamics", "NaV", "SK", "Ih"] {
        assert!(out.contains(&format!(": {m} ")), "{m} missing:\n{out}");
    }
}

#[test]
fn nmodl_check_syntax_error_has_file_line_col() {
    let d = tempfile::tempdir().unwrap();
    let f = d.path().join("broken.mod");
    std::fs::write(&f, "NEURON { SUFFIX x }\nPARAMETER { a = 1 \n").unwrap();
    let o = rall(&["nmodl", "check", f.to_str().unwrap()]);
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("broken.mod:3:1"), "{err}");
}
