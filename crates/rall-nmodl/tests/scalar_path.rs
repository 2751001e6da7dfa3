//! The scalar kernel path (few instances) is bit-identical to the batched path: every Allen
//! mechanism and every built-in with kernels, 1 and 3 instances, INITIAL then 400 steps of
//! `current` + `state` on a voltage sweep; every column, `rhs`, `d` and ion array compared
//! bitwise after every step. One test in its own binary: it flips the process-wide switch.
mod common;
use rall_nmodl::runtime::MechKind;
use rall_nmodl::{Catalogue, Mechanism};

fn trace(mech: &Mechanism, n: usize, scalar: bool) -> Vec<u64> {
    // the VM's two paths are compared here; the native tier is compared with them in jit_path.rs
    #[cfg(feature = "jit")]
    rall_nmodl::jit::set_jit_enabled(false);
    rall_nmodl::vm::set_scalar_enabled(scalar);
    let nodes: Vec<usize> = (0..n).collect();
    let out = common::kernel_trace(mech, &nodes);
    rall_nmodl::vm::set_scalar_enabled(true);
    out
}

#[test]
fn scalar_path_equals_batched_path_bitwise() {
    let mut cat = Catalogue::builtin();
    common::load_mod_dir(&mut cat, &common::bmtk_modfiles());
    let mut checked = 0;
    for mech in cat.mechanisms() {
        if mech.meta().kind == MechKind::Artificial {
            continue;
        }
        for n in [1, 3] {
            let a = trace(mech, n, true);
            let b = trace(mech, n, false);
            assert_eq!(a.len(), b.len());
            if let Some(i) = a.iter().zip(&b).position(|(x, y)| x != y) {
                panic!(
                    "{} with {n} instances: scalar and batched differ at value {i}: {} vs {}",
                    mech.name(),
                    f64::from_bits(a[i]),
                    f64::from_bits(b[i])
                );
            }
            checked += 1;
        }
    }
    assert!(checked >= 30, "only {checked} cases");
}
