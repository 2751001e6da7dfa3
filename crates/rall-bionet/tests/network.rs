//! validation/golden/bionet_net: a 10-cell recurrent network (two of each Allen perisomatic
//! cell; exc→exc, exc→inh, inh→exc with weight_function wmax, inh→inh exp2syn edges with
//! threshold-detector sources and delays 1–2 ms) plus the tutorial's thalamic input, built and
//! run by BMTK 1.2.0 + NEURON 9.0.2 (validation/bionet_net/make_golden.py).
//! Criteria: all 161 spikes bit-identical (threshold margin 0.0106 mV ≫ 1e-6 mV), soma v of the
//! 10 cells |Δ| ≤ 1e-6 mV at every step, all 584 synapses identical (section, x, source,
//! weight, delay).
mod common;

#[test]
fn recurrent_network_matches_bmtk_neuron() {
    common::check_dir(
        &common::root().join("validation/golden/bionet_net"),
        "bionet_net",
        &[("v_report", 1e-6)],
    );
}

/// `--threads N`: cells are dealt to N groups stepped on N threads, exchanging spikes every
/// min-delay; spikes, reports and synapses must be bit-identical for every N (and to NEURON).
#[test]
fn results_do_not_depend_on_thread_count() {
    let case = common::root().join("validation/golden/bionet_net");
    let mut first: Option<(Vec<f64>, Vec<f64>, usize)> = None;
    for n in [1usize, 2, 3, 7] {
        let out = tempfile::tempdir().unwrap();
        let t0 = std::time::Instant::now();
        let (sum, _) = common::run_case_threads(&case.join("config.json"), out.path(), Some(n));
        let secs = t0.elapsed().as_secs_f64();
        let spikes = common::sorted_spikes(&out.path().join("spikes.h5"), "mcortex");
        let rep = rall_sonata::ReportReader::open(out.path().join("v_report.h5")).unwrap();
        let rows = rep.rows("mcortex", 0, 10_000).unwrap();
        let (dv, _) = common::report_dev(
            &out.path().join("v_report.h5"),
            &case.join("output/v_report.h5"),
            "mcortex",
        );
        assert!(dv <= 1e-6, "threads {n}: v differs from NEURON by {dv:e}");
        let cur = (spikes, rows, sum.synapses.len());
        match &first {
            None => first = Some(cur),
            Some(f) => {
                assert_eq!(f.0, cur.0, "threads {n}: spikes differ from threads 1");
                assert!(
                    f.1 == cur.1,
                    "threads {n}: v report not bit-identical to threads 1"
                );
                assert_eq!(f.2, cur.2);
            }
        }
        eprintln!(
            "threads {n}: {} spikes, v max |Δ| vs NEURON {dv:e}, {secs:.2} s",
            first.as_ref().unwrap().0.len()
        );
    }
}
