//! validation/golden/cells_run (BMTK 1.2.0 + NEURON 9.0.2): the five Allen cells driven by the
//! tutorial's thalamic input and by a somatic IClamp, tutorial 1 (IClamp, v + cai) and a
//! five-cell network. Criteria (validation/cells_run/README.md): spike count exact, sorted spike
//! times bit-exact (every threshold margin ≥ 1.7e-3 mV ≫ 1e-6 mV), soma v every sample
//! |Δ| ≤ 1e-6 mV, cai |Δ| ≤ 1e-11 mM, synapses (order, section, source, weight, delay exact,
//! |Δx| ≤ 1e-12), report mappings exact.
mod common;

use common::root;

fn check_case(name: &str, reports: &[(&str, f64)]) {
    common::check_dir(
        &root().join("validation/golden/cells_run").join(name),
        name,
        reports,
    );
}

const V: (&str, f64) = ("v_report", 1e-6);

#[test]
fn iclamp_nr5a1() {
    check_case("iclamp_Nr5a1_471087815", &[V]);
}
#[test]
fn iclamp_pvalb_469628681() {
    check_case("iclamp_Pvalb_469628681", &[V]);
}
#[test]
fn iclamp_pvalb_470522102() {
    check_case("iclamp_Pvalb_470522102", &[V]);
}
#[test]
fn iclamp_rorb() {
    check_case("iclamp_Rorb_325404214", &[V]);
}
#[test]
fn iclamp_scnn1a() {
    check_case("iclamp_Scnn1a_473845048", &[V]);
}
#[test]
fn syn_nr5a1() {
    check_case("syn_Nr5a1_471087815", &[V]);
}
#[test]
fn syn_pvalb_469628681() {
    check_case("syn_Pvalb_469628681", &[V]);
}
#[test]
fn syn_pvalb_470522102() {
    check_case("syn_Pvalb_470522102", &[V]);
}
#[test]
fn syn_rorb() {
    check_case("syn_Rorb_325404214", &[V]);
}
#[test]
fn ch01_tutorial_iclamp_v_cai() {
    check_case("ch01_tutorial", &[V, ("cai_report", 1e-11)]);
}
#[test]
fn reports_all_sections_and_window() {
    check_case(
        "reports_Scnn1a_473845048",
        &[V, ("v_all", 1e-6), ("v_window", 1e-6)],
    );
}
#[test]
fn net5_thalamus() {
    check_case("net5_thalamus", &[V]);
}
