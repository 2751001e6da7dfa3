//! Dynamics golden test against NEURON 9.0.2 (validation/golden/cells/passive_scnn1a.*), with
//! rall-cable's native pas/IClamp. Pass criterion: every stored voltage within 1e-9 mV.
mod common;

use rall_cable::native;

#[test]
fn passive_scnn1a_iclamp_matches_neuron() {
    let (maxdev, soma_dev) = common::passive_case(&native::pas(), &native::iclamp(), "native");
    // 1e-9 mV: the bound (NEURON's own two translators differ by ~5e-10 mV)
    assert!(maxdev <= 1e-9 && soma_dev <= 1e-9);
}
