//! Rall's models of numpy's AVX-512 float64 math against numpy's own results
//! (`validation/psg/numpy_math_golden.py` → `validation/golden/psg/numpy_x86v4_*.bin`, made on an
//! AVX-512 CPU; pass criteria in validation/psg/README.md). These run on any CPU: the models are
//! plain Rust.

use rall_spikes::npmath::{exp_x86v4, log_x86v4};
use std::path::PathBuf;

/// (argument, numpy result) pairs of a golden file.
fn pairs(name: &str) -> Vec<(f64, f64)> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../validation/golden/psg")
        .join(name);
    let bytes =
        std::fs::read(&p).unwrap_or_else(|e| panic!("golden file {} missing: {e}", p.display()));
    assert_eq!(bytes.len() % 16, 0, "{}: not (f64, f64) pairs", p.display());
    bytes
        .chunks_exact(16)
        .map(|c| {
            (
                f64::from_le_bytes(c[..8].try_into().unwrap()),
                f64::from_le_bytes(c[8..].try_into().unwrap()),
            )
        })
        .collect()
}

fn same(a: f64, b: f64) -> bool {
    a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan())
}

/// Compares `model` with numpy on the recorded arguments `x` for which `in_scope(x)`, bit for
/// bit; returns (arguments compared, arguments where glibc's `libm` differs from numpy).
fn check(
    name: &str,
    file: &str,
    model: fn(f64) -> f64,
    libm: fn(f64) -> f64,
    in_scope: fn(f64) -> bool,
) -> (usize, usize) {
    let (mut compared, mut glibc_differs) = (0, 0);
    for (x, want) in pairs(file).into_iter().filter(|&(x, _)| in_scope(x)) {
        compared += 1;
        glibc_differs += usize::from(!same(libm(x), want));
        let got = model(x);
        assert!(
            same(got, want),
            "{name}({x:e} = {:#x}): {got:e} vs numpy {want:e}",
            x.to_bits()
        );
    }
    (compared, glibc_differs)
}

/// `exp_x86v4` equals numpy's `np.exp` bit for bit on the main path (|x| ≤ 1021·ln2 ≈ 707.7:
/// 16,000 seeded arguments in the ranges BMTK's rate correction uses and 2,000 whose exact result
/// lies closest to a rounding boundary), and the golden really exercises the difference from glibc
/// (over a thousand arguments where glibc's `exp` rounds the other way).
#[test]
fn exp_matches_numpy_x86v4() {
    let (compared, glibc_differs) = check("exp", "numpy_x86v4_exp.bin", exp_x86v4, f64::exp, |x| {
        x.abs() <= 707.7
    });
    assert!(compared > 15_000);
    assert!(glibc_differs > 1000, "{glibc_differs}");
}

/// `log_x86v4` equals numpy's `np.log` bit for bit on all 19,007 recorded arguments: 15,000
/// values `1 − random_sample()` (what BMTK's generators pass; 3,000 of them within 1/16 of 1),
/// 2,000 log-uniform positive doubles, specials, and 2,000 whose exact logarithm lies closest to a
/// rounding boundary; more than 300 of them differ from glibc.
#[test]
fn log_matches_numpy_x86v4() {
    let (compared, glibc_differs) =
        check("log", "numpy_x86v4_log.bin", log_x86v4, f64::ln, |_| true);
    assert!(compared > 19_000);
    assert!(glibc_differs > 300, "{glibc_differs}");
}
