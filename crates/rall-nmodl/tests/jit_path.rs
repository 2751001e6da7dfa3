//! The native-code tier (`jit.rs`) is bit-identical to the VM: every Allen mechanism and every
//! built-in with kernels, 1, 3 and 40 instances (40 spans two VM blocks), point processes
//! with several instances on one node (the order of the `rhs`/`d` accumulation), INITIAL then
//! 400 steps of `current` + `state` on a voltage sweep; every column, GLOBAL, `rhs`, `d` and
//! ion array compared bitwise after every step. One test in its own binary: it flips the
//! process-wide switch.
mod common;
use rall_nmodl::runtime::MechKind;
use rall_nmodl::{Catalogue, Mechanism};

fn trace(mech: &Mechanism, n: usize, jit: bool) -> Vec<u64> {
    rall_nmodl::jit::set_jit_enabled(jit);
    // point processes: instances share nodes in a scrambled order, and instances 4j and
    // 4j + 1 (one pair of the two-instance loop) always share one
    let nodes: Vec<usize> = if mech.meta().kind == MechKind::Point {
        (0..n)
            .map(|k| {
                let k = if k % 4 == 1 { k - 1 } else { k };
                (k * 7 + k / 2) % n.div_ceil(2)
            })
            .collect()
    } else {
        (0..n).collect()
    };
    let out = common::kernel_trace(mech, &nodes);
    rall_nmodl::jit::set_jit_enabled(true);
    out
}

#[test]
fn jit_equals_vm_bitwise() {
    let mut cat = Catalogue::builtin();
    common::load_mod_dir(&mut cat, &common::bmtk_modfiles());
    let mut checked = 0;
    let mut compiled = vec![];
    let mut vectorized = vec![];
    for mech in cat.mechanisms() {
        if mech.meta().kind == MechKind::Artificial {
            continue;
        }
        for n in [1, 3, 40] {
            let a = trace(mech, n, true);
            let b = trace(mech, n, false);
            let status = mech.jit_status();
            if status.contains(&Some(true)) && !compiled.contains(&mech.name()) {
                compiled.push(mech.name());
            }
            if mech.jit_vectorized()[0] && !vectorized.contains(&mech.name()) {
                vectorized.push(mech.name());
            }
            assert_eq!(a.len(), b.len());
            if let Some(i) = a.iter().zip(&b).position(|(x, y)| x != y) {
                panic!(
                    "{} with {n} instances: JIT and VM differ at value {i}: {} vs {}",
                    mech.name(),
                    f64::from_bits(a[i]),
                    f64::from_bits(b[i])
                );
            }
            checked += 1;
        }
    }
    assert!(checked >= 45, "only {checked} cases");
    // the tier must actually have run: all 16 Allen mechanisms compile (NaV's KINETIC solve is
    // a call from the compiled code), and the built-in synapses and clamps
    for name in [
        "Ca_HVA",
        "Ca_LVA",
        "CaDynamics",
        "Ih",
        "Im",
        "Im_v2",
        "K_P",
        "K_T",
        "Kd",
        "Kv2like",
        "Kv3_1",
        "NaTa",
        "NaTs",
        "NaV",
        "Nap",
        "SK",
        "ExpSyn",
        "Exp2Syn",
        "IClamp",
    ] {
        assert!(
            compiled.contains(&name),
            "{name} was not compiled: {compiled:?}"
        );
    }
}

/// Comparisons, logical ops and selects in both compiled loops (f64x2 pairs and the scalar
/// tail), against the VM: a straight-line current (vectorised) and one with a branch (scalar).
#[test]
fn logic_ops_equal_vm_in_both_loops() {
    let mut cat = Catalogue::empty();
    let straight = cat
        .load_source(
            "logic.mod",
            "NEURON { SUFFIX logic NONSPECIFIC_CURRENT i RANGE g, x }
             PARAMETER { g = 0.001 }
             ASSIGNED { v (mV) i (mA/cm2) x }
             BREAKPOINT {
               x = (v > -50) + (v <= -60)*2 + ((v < 0) && (v > -70))*4 + ((v < -80) || (v > 10))*8
                   + (!(v < -30))*16 + (v == -65)*32 + (v != -62)*64 + (v >= -20)*128
               i = g*(v - 10)*(1 + x)
             }",
        )
        .unwrap();
    let branchy = cat
        .load_source(
            "branchy.mod",
            "NEURON { SUFFIX branchy NONSPECIFIC_CURRENT i RANGE g }
             PARAMETER { g = 0.001 }
             ASSIGNED { v (mV) i (mA/cm2) }
             BREAKPOINT { if (v > -40 && v < 20) { i = g*(v + 10) } else { i = g*(v - 70) } }",
        )
        .unwrap();
    for mech in [&straight, &branchy] {
        for n in [1, 2, 7, 40] {
            let a = trace(mech, n, true);
            let b = trace(mech, n, false);
            assert!(
                a == b,
                "{} with {n} instances: JIT and VM differ",
                mech.name()
            );
        }
        assert_eq!(mech.jit_status()[0], Some(true), "{}", mech.name());
    }
    assert!(straight.jit_vectorized()[0]);
}

/// Differential fuzzing: seeded random mutations of real mod files (as in `fuzz_smoke.rs`);
/// every mutant that compiles and has a density or point-process type must give the same
/// result with native code as on the VM — the same bits (NaNs compared as NaN), or an error in
/// both.
#[test]
fn mutated_mods_equal_vm() {
    let mut files = vec![];
    for dir in [
        common::bmtk_modfiles(),
        std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/mods"),
    ] {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.extension().is_some_and(|x| x == "mod") {
                files.push(std::fs::read_to_string(p).unwrap());
            }
        }
    }
    files.sort();
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    let mut next = move |n: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n.max(1) as u64) as usize
    };
    let canon = |v: Vec<u64>| -> Vec<u64> {
        v.into_iter()
            .map(|b| {
                if f64::from_bits(b).is_nan() {
                    u64::MAX
                } else {
                    b
                }
            })
            .collect()
    };
    let (mut ran, mut compiled) = (0, 0);
    for it in 0..6000 {
        let mut s: Vec<char> = files[it % files.len()].chars().collect();
        for _ in 0..1 + next(3) {
            if s.is_empty() {
                break;
            }
            let at = next(s.len());
            match next(3) {
                // numbers and operators are what survive compilation most often
                0 => s[at] = ['1', '2', '5', '0', '.', '+', '-', '*', '/', '<', '>'][next(11)],
                1 => {
                    let n = next(4).min(s.len() - at);
                    s.drain(at..at + n);
                }
                _ => {
                    let b = next(s.len());
                    s.swap(at, b);
                }
            }
        }
        let text: String = s.into_iter().collect();
        let mut cat = Catalogue::empty();
        let Ok(mech) = cat.load_source("mutant.mod", &text) else {
            continue;
        };
        if mech.meta().kind == MechKind::Artificial {
            continue;
        }
        // one instance per node: with shared nodes, a kernel that reads an ion value another
        // instance wrote (a concentration) sees it in NEURON's sequential order natively and
        // on the VM's scalar path, but not on its batched path, which loads a block first
        // (real density mechanisms never share nodes; the point processes that do are
        // compared in `jit_equals_vm_bitwise`)
        let nodes: Vec<usize> = vec![0, 1, 2, 3, 4];
        rall_nmodl::jit::set_jit_enabled(true);
        let a = common::try_kernel_trace(&mech, &nodes, 30);
        rall_nmodl::jit::set_jit_enabled(false);
        let b = common::try_kernel_trace(&mech, &nodes, 30);
        rall_nmodl::jit::set_jit_enabled(true);
        match (a, b) {
            (Ok(a), Ok(b)) => assert!(
                canon(a) == canon(b),
                "mutant {it} ({}): JIT and VM differ\n{text}",
                mech.name()
            ),
            (Err(_), Err(_)) => {}
            (a, b) => panic!(
                "mutant {it}: JIT {:?} vs VM {:?}\n{text}",
                a.map(|_| ()),
                b.map(|_| ())
            ),
        }
        ran += 1;
        if mech.jit_status().contains(&Some(true)) {
            compiled += 1;
        }
    }
    eprintln!("{ran} mutants ran, {compiled} of them compiled");
    assert!(
        ran >= 100 && compiled >= 50,
        "only {ran} mutants ran, {compiled} compiled"
    );
}

/// A singular KINETIC system stops the compiled kernel with the same error as the VM, naming
/// the mechanism, the method and the instance. (Rates chosen so that the row left after the
/// CONSERVE replacement is proportional to it: kf = 0, kb = -1/dt.)
#[test]
fn singular_kinetic_is_the_same_error_in_both_tiers() {
    let mut cat = Catalogue::empty();
    let mech = cat
        .load_source(
            "sing.mod",
            "NEURON { SUFFIX sing }
             STATE { A B }
             BREAKPOINT { SOLVE k METHOD sparse }
             KINETIC k { ~ A <-> B (0, -40) CONSERVE A + B = 1 }",
        )
        .unwrap();
    let mut errors = vec![];
    for jit in [true, false] {
        rall_nmodl::jit::set_jit_enabled(jit);
        let e = common::try_kernel_trace(&mech, &[0, 1, 2], 3).unwrap_err();
        errors.push(e.to_string());
    }
    rall_nmodl::jit::set_jit_enabled(true);
    assert_eq!(mech.jit_status()[1], Some(true));
    assert_eq!(errors[0], errors[1]);
    assert!(
        errors[0].starts_with("sing: singular matrix in sparse at instance 0"),
        "{}",
        errors[0]
    );
}
