//! validation/golden/bionet_point (BMTK 1.2.0 + NEURON 9.0.2): six nrn:IntFire1 point cells
//! driven by the thalamus (weight = syn_weight × sign × nsyns), recurrent among themselves,
//! projecting onto a Scnn1a cell (exp2syn, placed synapses) which projects back onto them.
//! Criteria: spikes of both populations bit-identical (116 IntFire1 + 34 Scnn1a), soma v
//! |Δ| ≤ 1e-6 mV, the 68 synapses on the Scnn1a cell identical.
mod common;

#[test]
fn intfire1_point_cells_match_bmtk_neuron() {
    let case = common::root().join("validation/golden/bionet_point");
    common::check_dir(&case, "bionet_point", &[("v_report", 1e-6)]);
    let out = tempfile::tempdir().unwrap();
    common::run_case(&case.join("config.json"), out.path());
    let ours = common::sorted_spikes(&out.path().join("spikes.h5"), "mpoint");
    let gold = common::sorted_spikes(&case.join("output/spikes.h5"), "mpoint");
    assert_eq!(ours.len(), gold.len(), "IntFire1 spike count");
    assert_eq!(ours, gold, "IntFire1 spike times");
    eprintln!("bionet_point: {} IntFire1 spikes identical", ours.len());
}

/// validation/golden/bionet_clamps: two Scnn1a cells, node 0 driven by an IClamp CSV waveform
/// (Vector.play into IClamp.amp, 100 ms grid from 100 ms), node 1 clamped by BioNet's SEClamp
/// module (-50 mV from 200 to 500 ms, rs 0.01 MΩ, switched every step; the first step runs with
/// the clamp's default rs 1 MΩ towards 0 mV, as in BioNet). Spikes bit-identical, v ≤ 1e-6 mV.
#[test]
fn iclamp_waveform_and_seclamp_match_bmtk_neuron() {
    common::check_dir(
        &common::root().join("validation/golden/bionet_clamps"),
        "bionet_clamps",
        &[("v_report", 1e-6)],
    );
}

/// validation/golden/bionet_allactive: the all-active fit 318331342_fit.json with
/// model_processing aibs_allactive (axon stubs from the reconstructed axon's diameters, attached
/// at soma(1); Ra/cm/e_pas/g_pas per section from the genome; ena/ek where the ions exist) on
/// the Scnn1a and Rorb morphologies, IClamp 1.5 nA. Spikes bit-identical, v ≤ 1e-6 mV,
/// cai ≤ 1e-11 mM.
#[test]
fn allactive_cells_match_bmtk_neuron() {
    common::check_dir(
        &common::root().join("validation/golden/bionet_allactive"),
        "bionet_allactive",
        &[("v_report", 1e-6), ("cai_report", 1e-11)],
    );
}

/// validation/golden/bionet_vars: soma reports of an ion current (`ica`) and a channel state
/// (`m_NaTs`) besides v, on a Scnn1a cell with an IClamp. Values within 1e-9 (ica in mA/cm²,
/// m dimensionless; v ≤ 1e-6 mV).
#[test]
fn ion_current_and_state_reports_match_bmtk_neuron() {
    common::check_dir(
        &common::root().join("validation/golden/bionet_vars"),
        "bionet_vars",
        &[("v_report", 1e-6), ("ica_report", 1e-9), ("m_report", 1e-9)],
    );
}
