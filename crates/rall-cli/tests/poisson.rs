//! `rall poisson` reproduces the tutorial's input spikes, which BMTK 1.2.0's
//! PoissonSpikeGenerator(seed=100) wrote (validation/golden/ch02/inputs): bit for bit.

use std::path::Path;
use std::process::Command;

use rall_sonata::SpikeTable;

#[test]
fn tutorial_spikes_bit_identical_to_bmtk() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("mthalamus_spikes.h5");
    let st = Command::new(env!("CARGO_BIN_EXE_rall"))
        .args([
            "poisson",
            "--population",
            "mthalamus",
            "--node-ids",
            "0-9",
            "--rate",
            "10",
        ])
        .args([
            "--times",
            "0,3",
            "--seed",
            "100",
            "-o",
            out.to_str().unwrap(),
        ])
        .status()
        .unwrap();
    assert!(st.success());
    let golden = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../validation/golden/ch02/inputs/mthalamus_spikes.h5");
    let want = SpikeTable::read(golden).unwrap();
    let got = SpikeTable::read(&out).unwrap();
    let (w, g) = (
        want.population("mthalamus").unwrap(),
        got.population("mthalamus").unwrap(),
    );
    assert_eq!(g.len(), 283);
    assert_eq!(g.node_ids, w.node_ids);
    let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
    assert_eq!(bits(&g.timestamps), bits(&w.timestamps));
}

#[test]
fn bad_node_ids_is_a_clear_error() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("x.h5");
    let o = Command::new(env!("CARGO_BIN_EXE_rall"))
        .args([
            "poisson",
            "--population",
            "p",
            "--node-ids",
            "9-3",
            "--rate",
            "10",
        ])
        .args(["-o", out.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("9-3"), "{err}");
    assert!(!out.exists());
}
