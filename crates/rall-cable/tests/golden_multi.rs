//! The branched Exp2Syn/ExpSyn/VecStim/NetCon cell of ../shared/reference/ref_multi.py against
//! NEURON 9.0.2 (validation/golden/cells/multi.*) with rall-cable's native kernels (NaTs and
//! Kv3_1 as native stand-ins). Pass criterion: every voltage within 1e-9 mV, identical spike
//! times, geometry (area, ri, diam, L) exact.
mod common;

use rall_cable::native;

#[test]
fn ref_multi_matches_neuron() {
    let mm = common::MultiMechs {
        pas: native::pas(),
        iclamp: native::iclamp(),
        expsyn: native::expsyn(),
        exp2syn: native::exp2syn(),
        vecstim: native::vecstim(),
        nats: common::chan("NaTs", true),
        kv3: common::chan("Kv3_1", false),
    };
    let (maxdev, _, _, _, spikes, want) = common::multi_case(&mm, "native");
    assert_eq!(spikes, want);
    assert!(maxdev <= 1e-9);
}
