//! The portable (non-SIMD) paths of the cable engine — taken on CPUs without AVX/AVX2 — against
//! NEURON 9.0.2 and against the SIMD paths: the level-scheduled solve, the axial pass, the
//! 4-cell lane blocks and the native `pas` current with the SIMD switch off. Pass criteria as
//! golden_dynamics.rs and golden_multi.rs (1e-9 mV, identical spikes), and bitwise equality
//! with the SIMD paths. One test in its own binary: the switch is process-wide.
mod common;

use rall_cable::native;

#[test]
fn portable_paths_match_neuron_and_simd_paths() {
    let with_simd = common::lane_network();
    rall_cable::set_simd_enabled(false);
    let (maxdev, soma_dev) = common::passive_case(&native::pas(), &native::iclamp(), "portable");
    assert!(maxdev <= 1e-9 && soma_dev <= 1e-9, "{maxdev} {soma_dev}");
    let mm = common::MultiMechs {
        pas: native::pas(),
        iclamp: native::iclamp(),
        expsyn: native::expsyn(),
        exp2syn: native::exp2syn(),
        vecstim: native::vecstim(),
        nats: common::chan("NaTs", true),
        kv3: common::chan("Kv3_1", false),
    };
    let (maxdev, _, _, _, spikes, want) = common::multi_case(&mm, "portable");
    assert_eq!(spikes, want);
    assert!(maxdev <= 1e-9, "{maxdev}");
    let portable = common::lane_network();
    assert_eq!(
        portable.0, portable.1,
        "lane blocks vs cells alone, portable"
    );
    assert_eq!(portable, with_simd, "portable vs SIMD paths");
    rall_cable::set_simd_enabled(true);
}
