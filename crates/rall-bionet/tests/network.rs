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
