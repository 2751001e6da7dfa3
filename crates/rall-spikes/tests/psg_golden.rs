//! Golden tests against BMTK 1.2.0's PoissonSpikeGenerator (validation/golden/psg, produced by
//! validation/psg/make_golden.py; pass criteria in validation/psg/README.md). Missing golden
//! files fail the test.

use rall_spikes::ratefit::Kernels::{self, Haswell, SkylakeX};
use rall_spikes::ratefit::{sample_curve, NumpyMath, NUMPY_X86_V4_LOGSPACE};
use rall_spikes::{
    FiringRate, NumpyCpu, PoissonSpikeGenerator, RateCorrection, SortOrder, SpikeTrains, TimeUnits,
};
use serde_json::Value as J;
use std::path::PathBuf;

fn golden_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../validation/golden")
}

fn load(case: &str) -> J {
    let p = golden_dir().join("psg").join(format!("{case}.json"));
    let text = std::fs::read_to_string(&p)
        .unwrap_or_else(|e| panic!("golden file {} missing: {e}", p.display()));
    serde_json::from_str(&text).unwrap()
}

fn f64s(v: &J) -> Vec<f64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect()
}

fn u64s(v: &J) -> Vec<u64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_u64().unwrap())
        .collect()
}

/// Run the case's call; `correction` overrides the fitted polynomial.
fn run(g: &J, correction: Option<RateCorrection>) -> (Vec<u64>, Vec<f64>) {
    let p = &g["params"];
    let pop = p["population"].as_str().unwrap();
    let mut psg = PoissonSpikeGenerator::new(
        Some(pop),
        Some(p["seed"].as_u64().unwrap() as u32),
        TimeUnits::Ms,
    );
    psg.set_rate_correction(correction);
    // The goldens in validation/golden/psg were made on an AVX-512 CPU with OpenBLAS's SkylakeX
    // kernels (PROVENANCE.json).
    psg.set_numpy_cpu(NumpyCpu::AVX512);
    let rate = if p["firing_rate"].is_array() {
        FiringRate::Samples(f64s(&p["firing_rate"]))
    } else {
        FiringRate::Constant(p["firing_rate"].as_f64().unwrap())
    };
    let abs_ref = p.get("abs_ref").and_then(J::as_f64).unwrap_or(0.0);
    let tau_ref = p.get("tau_ref").and_then(J::as_f64).unwrap_or(0.0);
    psg.add(
        &u64s(&p["node_ids"]),
        &rate,
        &f64s(&p["times"]),
        abs_ref,
        tau_ref,
        None,
    )
    .unwrap();
    let s = psg.trains().population(pop).unwrap().clone();
    (s.node_ids, s.timestamps)
}

fn bmtk_correction(g: &J) -> RateCorrection {
    let rc = &g["rate_correction"];
    RateCorrection::from_coefficients(
        f64s(&rc["poly1d_coeffs_highest_first"]),
        rc["max_fr_lim"].as_f64().unwrap(),
    )
}

#[test]
fn tutorial_bit_identical() {
    let g = load("tutorial_homogeneous");
    let (ids, ts) = run(&g, None);
    assert_eq!(ids.len(), 283);
    assert_eq!(ids, u64s(&g["node_ids"]));
    // Bit-exact: f64 == on every timestamp.
    assert_eq!(ts, f64s(&g["timestamps"]));
}

#[test]
fn tutorial_matches_bmtk_sonata_file() {
    let path = golden_dir().join("ch02/inputs/mthalamus_spikes.h5");
    assert!(path.exists(), "golden file {} missing", path.display());
    let bmtk = SpikeTrains::load(&path, None).unwrap();
    let g = load("tutorial_homogeneous");
    let (ids, ts) = run(&g, None);
    let p = bmtk.population("mthalamus").unwrap();
    assert_eq!(p.node_ids, ids);
    assert_eq!(p.timestamps, ts);
    assert_eq!(bmtk.units(), "ms");
}

#[test]
fn inhomogeneous_bit_identical() {
    let g = load("inhomogeneous");
    let (ids, ts) = run(&g, None);
    assert_eq!(ids.len() as u64, g["n_spikes"].as_u64().unwrap());
    assert_eq!(ids, u64s(&g["node_ids"]));
    assert_eq!(ts, f64s(&g["timestamps"]));
}

#[test]
fn refractory_with_own_fit() {
    let g = load("refractory_homogeneous");
    let p = &g["params"];
    let fit = RateCorrection::fit(
        p["abs_ref"].as_f64().unwrap(),
        p["tau_ref"].as_f64().unwrap(),
    )
    .unwrap();
    let want_rate = f64s(&g["rate_correction"]["corrected_rates"])[0];
    let got_rate = fit.apply(p["firing_rate"].as_f64().unwrap());
    // Tolerance 2e-12 (README suggests 1e-12): numpy's own lstsq (LAPACK dgelsd) result is
    // 1.6e-12 away from the exact least-squares solution on its own inputs (exact rational
    // solve: p(30) = 33.12433360262000; numpy 33.12433360256744; Rall 33.124333602616666, i.e.
    // 1e-13 from exact). No float re-implementation can land closer than numpy's error.
    assert!(
        ((got_rate - want_rate) / want_rate).abs() <= 2e-12,
        "corrected rate {got_rate} vs BMTK {want_rate}"
    );
    let max_lim = g["rate_correction"]["max_fr_lim"].as_f64().unwrap();
    assert!(((fit.max_rate - max_lim) / max_lim).abs() <= 1e-14);
    let (ids, ts) = run(&g, None);
    assert_eq!(ids, u64s(&g["node_ids"]));
    let want = f64s(&g["timestamps"]);
    assert_eq!(ts.len(), want.len());
    for (a, b) in ts.iter().zip(&want) {
        // Every interval is divided by the corrected rate: its relative error (above) carries
        // over to the timestamps.
        assert!(((a - b) / b).abs() <= 2e-12, "{a} vs {b}");
    }
}

/// A long absolute refractory period leaves 7 samples for 11 coefficients: numpy's `polyfit`
/// warns (RankWarning) and returns dgelsd's minimum-norm solution, and BMTK generates with it.
/// With the golden's CPU class (AVX-512: SkylakeX kernels) Rall's fit is BMTK's polynomial bit for
/// bit. The Jacobi solver (CPUs whose kernels Rall does not model) once looped forever on the
/// numerically zero columns of such a system; it must converge, within 5e-10 of BMTK's corrected
/// rate: the scaled Vandermonde matrix is rank-deficient at rcond = 7·eps, the minimum-norm
/// solution ill-conditioned, and BMTK's own timestamps move by up to 4.7e-11 between OpenBLAS
/// kernel sets (Haswell 2.0e-11, Sandybridge/Prescott 4.7e-11 from this SkylakeX golden); the
/// Jacobi fit is 1.2e-10 away.
#[test]
fn refractory_underdetermined_fit() {
    let g = load("refractory_underdetermined");
    let bmtk = bmtk_correction(&g);
    let fr = g["params"]["firing_rate"].as_f64().unwrap();
    let fit = RateCorrection::fit_for(0.3, 0.0, NumpyCpu::AVX512).unwrap();
    assert_eq!(fit, bmtk);
    let jacobi = RateCorrection::fit(0.3, 0.0).unwrap();
    assert!(((jacobi.apply(fr) - bmtk.apply(fr)) / bmtk.apply(fr)).abs() <= 5e-10);
    // The train, with numpy's AVX-512 `log` for the intervals too: BMTK's, bit for bit. (With
    // glibc's `log` one of its ~2,400 draws rounds differently, moving three spikes by 1–2 ulp.)
    let (ids, ts) = run(&g, None);
    assert_eq!(ids, u64s(&g["node_ids"]));
    assert_eq!(ts, f64s(&g["timestamps"]));
}

#[test]
fn refractory_bit_identical_with_bmtk_polynomial() {
    let g = load("refractory_homogeneous");
    let c = bmtk_correction(&g);
    // Made by BMTK on an AVX-512 CPU: the fit numpy computes there is BMTK's polynomial.
    let p = &g["params"];
    let (a, t) = (
        p["abs_ref"].as_f64().unwrap(),
        p["tau_ref"].as_f64().unwrap(),
    );
    assert_eq!(
        RateCorrection::fit_numpy(a, t, SkylakeX, NumpyMath::X86V4).unwrap(),
        c
    );
    let want_rate = f64s(&g["rate_correction"]["corrected_rates"])[0];
    assert_eq!(
        c.apply(g["params"]["firing_rate"].as_f64().unwrap()),
        want_rate
    );
    let (ids, ts) = run(&g, Some(c));
    assert_eq!(ids, u64s(&g["node_ids"]));
    assert_eq!(ts, f64s(&g["timestamps"]));
}

#[test]
fn inhomogeneous_corrected_rates_match() {
    let g = load("inhomogeneous");
    let c = bmtk_correction(&g);
    let fit = RateCorrection::fit(0.0, 0.0).unwrap();
    for (r, want) in f64s(&g["params"]["firing_rate"])
        .iter()
        .zip(f64s(&g["rate_correction"]["corrected_rates"]))
    {
        assert_eq!(c.apply(*r), want, "poly1d evaluation order");
        assert!(((fit.apply(*r) - want) / want).abs() <= 1e-12);
    }
}

#[test]
fn csv_reader_and_writer_match_bmtk() {
    for case in [
        "tutorial_homogeneous",
        "inhomogeneous",
        "refractory_homogeneous",
    ] {
        let g = load(case);
        let csv = golden_dir().join("psg").join(g["csv"].as_str().unwrap());
        let st = SpikeTrains::from_csv(&csv, None).unwrap();
        let pop = g["params"]["population"].as_str().unwrap();
        let p = st.population(pop).unwrap();
        assert_eq!(p.node_ids, u64s(&g["node_ids"]), "{case}");
        assert_eq!(p.timestamps, f64s(&g["timestamps"]), "{case}");
        // Writer: same text as BMTK's to_csv.
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("x.csv");
        st.to_csv(&out, SortOrder::None).unwrap();
        assert_eq!(
            std::fs::read_to_string(&out).unwrap(),
            std::fs::read_to_string(&csv).unwrap(),
            "{case}"
        );
    }
}

#[test]
fn sonata_nwb_round_trips() {
    let g = load("inhomogeneous");
    let (ids, ts) = run(&g, None);
    let mut st = SpikeTrains::new(Some("inhom"));
    st.add_spikes(&ids, &ts, None).unwrap();
    st.add_spike(3, 12.5, Some("other")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let h5 = dir.path().join("s.h5");
    st.write(&h5, SortOrder::None).unwrap();
    assert_eq!(SpikeTrains::load(&h5, None).unwrap(), st);
    let sorted = dir.path().join("t.h5");
    st.write(&sorted, SortOrder::ByTime).unwrap();
    let back = SpikeTrains::load(&sorted, Some("inhom")).unwrap();
    let mut t = ts.clone();
    t.sort_by(f64::total_cmp);
    assert_eq!(back.population("inhom").unwrap().timestamps, t);
    assert!(back.population("other").is_none());

    let nwb = dir.path().join("s.nwb");
    st.write(&nwb, SortOrder::None).unwrap();
    {
        // NWB 2 layout details pynwb relies on (h5py's view is checked by
        // validation/interop/check_rall_files.py in scripts/test.sh).
        let f = rall_sonata::h5::H5File::open(&nwb).unwrap();
        assert_eq!(f.shape("/identifier").unwrap(), Vec::<u64>::new());
        assert_eq!(f.shape("/file_create_date").unwrap(), vec![1]);
        // The object-reference attribute does not stop the other attributes from reading
        // (hdf5-pure's attribute reader leaves reference-typed ones out).
        let attrs = f.attrs("/units/spike_times_index").unwrap();
        assert_eq!(attrs["neurodata_type"].as_str(), Some("VectorIndex"));
    }
    let back = SpikeTrains::load(&nwb, None).unwrap();
    assert!(back.approx_eq(&st));
    for n in 0..5 {
        assert_eq!(
            back.get_times(n, Some("inhom"), None).unwrap(),
            st.get_times(n, Some("inhom"), None).unwrap()
        );
    }
}

#[test]
fn reads_bmtk_nwb_input_layout() {
    use rall_sonata::h5::{Array, Compression, Data, H5Writer};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("in.nwb");
    let mut w = H5Writer::new();
    for (trial, node, t) in [
        ("trial_0", 0u64, vec![1.0, 5.5]),
        ("trial_0", 7, vec![2.25]),
        ("trial_1", 0, vec![9.0]),
    ] {
        w.dataset(
            &format!("/processing/{trial}/spike_train/{node}/data"),
            Array::vec(Data::F64(t)),
            Compression::None,
        );
    }
    w.write(&path).unwrap();
    assert!(
        SpikeTrains::from_nwb(&path, None, None).is_err(),
        "two trials"
    );
    let st = SpikeTrains::from_nwb(&path, Some("lgn"), Some("trial_0")).unwrap();
    assert_eq!(st.get_times(0, Some("lgn"), None).unwrap(), vec![1.0, 5.5]);
    assert_eq!(st.get_times(7, Some("lgn"), None).unwrap(), vec![2.25]);
    assert_eq!(st.n_spikes(None), 3);
}

/// A float in Python's `float.hex()` form (`-0x1.8p+1`, `0x0.0p+0`).
fn from_hex(s: &str) -> f64 {
    let (neg, s) = s.strip_prefix('-').map_or((false, s), |r| (true, r));
    let s = s.strip_prefix("0x").expect("hex float");
    let (mant, exp) = s.split_once('p').expect("hex float exponent");
    let (int, frac) = mant.split_once('.').unwrap_or((mant, ""));
    let mut v = u64::from_str_radix(int, 16).unwrap() as f64;
    let mut scale = 1.0 / 16.0;
    for c in frac.chars() {
        v += c.to_digit(16).unwrap() as f64 * scale;
        scale /= 16.0;
    }
    let v = v * 2f64.powi(exp.parse::<i32>().unwrap());
    if neg {
        -v
    } else {
        v
    }
}

/// BMTK's own fit differs between the OpenBLAS kernel sets numpy picks by CPU
/// (validation/psg/openblas_dependence.py). Rall's fit must stay within that spread of the
/// default kernel set's fit (the one the golden trains were made with): per (abs_ref, tau_ref),
/// max over a rate grid of |p_rall − p_default|/p_default ≤ 1.5 × the max over kernel sets and
/// grid of |p_k − p_default|/p_default. Measured ratios: 0.29–0.71 for the six refractory fits,
/// 1.28 for the identity fit (abs_ref = tau_ref = 0, 5.6e-13 vs 4.4e-13; it only feeds the
/// acceptance test of inhomogeneous rates, which is insensitive at 1e-11 — validation/psg/README).
/// The 1.5 allows that one case; a fit drifting beyond BMTK's own cross-CPU noise fails.
#[test]
fn fit_within_bmtk_cross_cpu_spread() {
    let p = golden_dir().join("psg/openblas_dependence.json");
    let text = std::fs::read_to_string(&p)
        .unwrap_or_else(|e| panic!("golden file {} missing: {e}", p.display()));
    let d: J = serde_json::from_str(&text).unwrap();
    let runs = d["runs"].as_object().unwrap();
    let poly = |coeffs: &J| -> RateCorrection {
        let c = coeffs
            .as_array()
            .unwrap()
            .iter()
            .map(|h| from_hex(h.as_str().unwrap()))
            .collect();
        RateCorrection::from_coefficients(c, 0.0)
    };
    for key in d["runs"]["default"]["fits"].as_object().unwrap().keys() {
        let (a, t) = key.split_once(',').unwrap();
        let (a, t): (f64, f64) = (a.parse().unwrap(), t.parse().unwrap());
        let ours = RateCorrection::fit(a, t).unwrap();
        let def = poly(&d["runs"]["default"]["fits"][key]);
        let (mut worst_ours, mut spread) = (0.0f64, 0.0f64);
        for i in 0..60 {
            // Log-spaced 1 Hz … 0.98·max rate.
            let r = (0.98 * ours.max_rate).powf(i as f64 / 59.0);
            let base = def.apply(r);
            worst_ours = worst_ours.max(((ours.apply(r) - base) / base).abs());
            for run in runs.values() {
                let k = poly(&run["fits"][key]);
                spread = spread.max(((k.apply(r) - base) / base).abs());
            }
        }
        eprintln!("abs_ref {a} tau_ref {t}: Rall {worst_ours:.2e}, BMTK across CPUs {spread:.2e}");
        assert!(
            spread > 0.0,
            "{key}: kernel sets agree; the premise of this test changed"
        );
        assert!(
            worst_ours <= 1.5 * spread,
            "abs_ref {a} tau_ref {t}: Rall's fit {worst_ours:.2e} from BMTK's, BMTK's own spread {spread:.2e}"
        );
    }
}

fn polyfit_golden() -> J {
    let p = golden_dir().join("psg/polyfit_cases.json");
    let text = std::fs::read_to_string(&p)
        .unwrap_or_else(|e| panic!("golden file {} missing: {e}", p.display()));
    serde_json::from_str(&text).unwrap()
}

fn hexes(v: &J) -> Vec<f64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|h| from_hex(h.as_str().unwrap()))
        .collect()
}

/// The kernel set a golden configuration was made with.
fn kernels_of(conf: &str, c: &J) -> Kernels {
    match c["openblas_core"].as_str().unwrap() {
        "SkylakeX" => SkylakeX,
        "Haswell" => Haswell,
        other => panic!("{conf}: golden made on kernel set {other}, which Rall does not model"),
    }
}

/// Whether Rall models numpy's least squares for this case on kernel set `k`: fewer samples than
/// coefficients (dgelsd's underdetermined paths) are modelled for SkylakeX only.
fn models_fit_size(k: Kernels, case: &J) -> bool {
    k == SkylakeX || case["n_samples"].as_u64().unwrap() >= 11
}

/// Given numpy's own samples, Rall's dgelsd path reproduces np.polyfit bit for bit — in every
/// recorded configuration (validation/psg/README.md), each with its OpenBLAS kernel set.
#[test]
fn lapack_polyfit_bit_identical_on_numpy_samples() {
    let g = polyfit_golden();
    let confs = g["configurations"].as_object().unwrap();
    assert!(confs.len() >= 3);
    for (conf, c) in confs {
        let k = kernels_of(conf, c);
        for case in c["cases"].as_array().unwrap() {
            let got =
                RateCorrection::polyfit_samples(&hexes(&case["after"]), &hexes(&case["before"]), k);
            if !models_fit_size(k, case) {
                assert_eq!(got, None, "{conf}: not modelled, must say so");
                continue;
            }
            let got = got.expect("fit");
            let want = hexes(&case["coefficients"]);
            assert_eq!(
                got.iter().map(|v| v.to_bits()).collect::<Vec<_>>(),
                want.iter().map(|v| v.to_bits()).collect::<Vec<_>>(),
                "{conf}: abs_ref {} tau_ref {}",
                case["abs_ref"],
                case["tau_ref"]
            );
        }
    }
}

/// Configurations where numpy's exp/power equal glibc's (numpy without AVX-512 math, as on CPUs
/// without AVX-512): there Rall's whole fit is BMTK's.
fn glibc_math_configurations(g: &J) -> Vec<(String, J)> {
    let v: Vec<(String, J)> = g["configurations"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(k, _)| k.contains("no_avx512_math"))
        .map(|(k, c)| (k.clone(), c.clone()))
        .collect();
    assert_eq!(v.len(), 2, "expected SkylakeX and Haswell configurations");
    v
}

/// Curve samples and least squares: Rall's `fit_lapack` equals BMTK's coefficients and maximum
/// rate bit for bit (40 pairs, SkylakeX and Haswell kernel sets).
#[test]
fn fit_lapack_bit_identical_without_avx512_math() {
    let g = polyfit_golden();
    for (conf, c) in glibc_math_configurations(&g) {
        let k = kernels_of(&conf, &c);
        for case in c["cases"].as_array().unwrap() {
            let (a, t) = (
                case["abs_ref"].as_f64().unwrap(),
                case["tau_ref"].as_f64().unwrap(),
            );
            if !models_fit_size(k, case) {
                assert!(
                    RateCorrection::fit_lapack(a, t, k).is_err(),
                    "{conf}: {a} {t}"
                );
                continue;
            }
            let fit = RateCorrection::fit_lapack(a, t, k).unwrap();
            assert_eq!(
                fit.max_rate,
                from_hex(case["max_fr_lim"].as_str().unwrap()),
                "{conf}: {a} {t}"
            );
            assert_eq!(
                fit.coefficients,
                hexes(&case["coefficients"]),
                "{conf}: abs_ref {a} tau_ref {t}"
            );
        }
    }
}

/// Refractory trains: with `fit_lapack`, corrected rate, node ids and timestamps equal BMTK's bit
/// for bit (5 trains per configuration where BMTK's fit is reproducible).
#[test]
fn refractory_trains_bit_identical_with_fit_lapack() {
    let g = polyfit_golden();
    for (conf, c) in glibc_math_configurations(&g) {
        let k = kernels_of(&conf, &c);
        let trains = c["trains"].as_object().unwrap();
        assert!(trains.len() >= 5);
        for (name, tr) in trains {
            let (a, t) = (
                tr["abs_ref"].as_f64().unwrap(),
                tr["tau_ref"].as_f64().unwrap(),
            );
            let fit = RateCorrection::fit_lapack(a, t, k).unwrap();
            let fr = tr["firing_rate"].as_f64().unwrap();
            assert_eq!(
                fit.apply(fr),
                from_hex(tr["corrected_rate"].as_str().unwrap()),
                "{conf} {name}"
            );
            let pop = tr["population"].as_str().unwrap();
            let mut psg = PoissonSpikeGenerator::new(
                Some(pop),
                Some(tr["seed"].as_u64().unwrap() as u32),
                TimeUnits::Ms,
            );
            psg.set_rate_correction(Some(fit));
            psg.set_numpy_cpu(NumpyCpu {
                math: NumpyMath::Libm,
                kernels: Some(k),
            });
            psg.add(
                &u64s(&tr["node_ids_in"]),
                &FiringRate::Constant(fr),
                &f64s(&tr["times"]),
                a,
                t,
                None,
            )
            .unwrap();
            let s = psg.trains().population(pop).unwrap();
            assert_eq!(s.node_ids, u64s(&tr["node_ids"]), "{conf} {name}");
            assert_eq!(s.timestamps, f64s(&tr["timestamps"]), "{conf} {name}");
        }
    }
}

/// Rall's `logspace(0, 3, 40)` per numpy math is what numpy computed in each recorded
/// configuration: the recorded X86_V4 table in `default` (numpy's AVX-512 `power`), glibc's `pow`
/// without AVX-512 math.
#[test]
fn logspace_matches_numpy_per_math() {
    let g = polyfit_golden();
    for (conf, c) in g["configurations"].as_object().unwrap() {
        let math = if conf.contains("no_avx512_math") {
            NumpyMath::Libm
        } else {
            NumpyMath::X86V4
        };
        let (before, _) = sample_curve(0.0, 0.0, math);
        for case in c["cases"].as_array().unwrap() {
            let want = hexes(&case["before"]);
            assert_eq!(before[..want.len()], want[..], "{conf}");
        }
    }
    let (libm, _) = sample_curve(0.0, 0.0, NumpyMath::Libm);
    let differ: Vec<usize> = (0..libm.len())
        .filter(|&i| libm[i] != NUMPY_X86_V4_LOGSPACE[i])
        .collect();
    assert_eq!(differ, [15, 33, 38], "numpy's AVX-512 pow vs glibc");
}

/// BMTK as it runs by default on an AVX-512 CPU (configuration `default`): with the X86_V4
/// math (recorded `logspace`, modelled `exp`) Rall's curve samples are numpy's, and `fit_numpy`
/// with SkylakeX kernels equals BMTK's coefficients and maximum rate bit for bit, 49 pairs (9 of
/// them with 3 … 10 samples: dgelsd's underdetermined paths).
#[test]
fn fit_numpy_bit_identical_with_avx512_math() {
    let g = polyfit_golden();
    let c = &g["configurations"]["default"];
    let k = kernels_of("default", c);
    for case in c["cases"].as_array().unwrap() {
        let (a, t) = (
            case["abs_ref"].as_f64().unwrap(),
            case["tau_ref"].as_f64().unwrap(),
        );
        let want_after = hexes(&case["after"]);
        let (_, after) = sample_curve(a, t, NumpyMath::X86V4);
        assert_eq!(after[..want_after.len()], want_after[..], "samples {a} {t}");
        let fit = RateCorrection::fit_numpy(a, t, k, NumpyMath::X86V4).unwrap();
        assert_eq!(
            fit.max_rate,
            from_hex(case["max_fr_lim"].as_str().unwrap()),
            "{a} {t}"
        );
        assert_eq!(
            fit.coefficients,
            hexes(&case["coefficients"]),
            "abs_ref {a} tau_ref {t}"
        );
    }
}

/// The inhomogeneous golden (made with numpy's AVX-512 math): its identity fit is reproduced bit
/// for bit with the X86_V4 logspace, and not with glibc's (the logspace table matters).
#[test]
fn inhomogeneous_fit_bit_identical_with_avx512_logspace() {
    let g = load("inhomogeneous");
    let want = bmtk_correction(&g);
    let fit = RateCorrection::fit_numpy(0.0, 0.0, SkylakeX, NumpyMath::X86V4).unwrap();
    assert_eq!(fit.coefficients, want.coefficients);
    assert_eq!(fit.max_rate, want.max_rate);
    let libm = RateCorrection::fit_numpy(0.0, 0.0, SkylakeX, NumpyMath::Libm).unwrap();
    assert_ne!(libm.coefficients, want.coefficients);
}

/// The generator's default fit is the one BMTK computes on this CPU's class (see `ratefit`).
#[test]
fn generator_default_fit_follows_the_host_cpu() {
    let (a, t) = (0.002, 0.003);
    let default = RateCorrection::fit_for_host(a, t).unwrap();
    assert_eq!(
        default,
        RateCorrection::fit_for(a, t, NumpyCpu::host()).unwrap()
    );
    match NumpyCpu::host().kernels {
        Some(k) => assert_eq!(
            default,
            RateCorrection::fit_numpy(a, t, k, NumpyMath::host()).unwrap()
        ),
        None => assert_eq!(
            default.max_rate,
            RateCorrection::fit(a, t).unwrap().max_rate
        ),
    }
    assert_eq!(
        PoissonSpikeGenerator::new(None, Some(1), TimeUnits::Ms).numpy_cpu(),
        NumpyCpu::host()
    );
}
