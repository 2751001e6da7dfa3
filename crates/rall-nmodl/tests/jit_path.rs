//! The native-code tier (`jit.rs`) is bit-identical to the VM: every Allen mechanism and every
//! built-in with kernels, 1, 3 and 40 instances (40 spans two VM blocks), point processes
//! with several instances on one node (the order of the `rhs`/`d` accumulation), INITIAL then
//! 400 steps of `current` + `state` on a voltage sweep; every column, GLOBAL, `rhs`, `d` and
//! ion array compared bitwise after every step. One test in its own binary: it flips the
//! process-wide switch.
mod common;
use rall_nmodl::runtime::{IonArrays, MechKind};
use rall_nmodl::{Catalogue, Ctx, Globals, Mechanism, NoEvents};

fn trace(mech: &Mechanism, n: usize, jit: bool) -> Vec<u64> {
    rall_nmodl::jit::set_jit_enabled(jit);
    let meta = mech.meta();
    let mut ions: Vec<IonArrays> = meta
        .ions
        .iter()
        .map(|u| {
            let mut a = IonArrays::new(&u.ion, u.valence, n);
            for k in 0..n {
                a.style[k] = u.style_bits(0);
            }
            a
        })
        .collect();
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
    let slots: Vec<usize> = (0..ions.len()).collect();
    let mut mi = mech.instantiate(&nodes, &slots);
    let mut v: Vec<f64> = (0..n).map(|k| -65.0 + 3.0 * k as f64).collect();
    let (mut rhs, mut d) = (vec![0.0; n], vec![0.0; n]);
    let area = vec![500.0; n];
    let diam = vec![10.0; n];
    let mut g = Globals {
        t: 0.0,
        dt: 0.025,
        celsius: 34.0,
    };
    for a in ions.iter_mut() {
        for k in 0..n {
            a.init_node(k, g.celsius);
        }
    }
    let mut out = vec![];
    {
        let mut ctx = Ctx {
            v: &v,
            rhs: &mut rhs,
            d: &mut d,
            area: &area,
            diam: &diam,
            ions: &mut ions,
            globals: g,
        };
        mi.init(&mut ctx, &mut NoEvents).unwrap();
    }
    for step in 0..400 {
        for (k, x) in v.iter_mut().enumerate() {
            *x = -90.0 + 130.0 * ((step * 7 + k * 13) % 400) as f64 / 400.0;
        }
        g.t += g.dt / 2.0;
        for a in ions.iter_mut() {
            for k in 0..n {
                a.cur_node(k, g.celsius);
            }
        }
        rhs.fill(0.0);
        d.fill(0.0);
        let mut ctx = Ctx {
            v: &v,
            rhs: &mut rhs,
            d: &mut d,
            area: &area,
            diam: &diam,
            ions: &mut ions,
            globals: g,
        };
        mi.current(&mut ctx).unwrap();
        ctx.globals.t += g.dt / 2.0;
        g.t = ctx.globals.t;
        mi.state(&mut ctx).unwrap();
        for c in 0..meta.range.len() {
            out.extend(
                mi.column(rall_nmodl::runtime::VarId(c))
                    .iter()
                    .map(|x| x.to_bits()),
            );
        }
        out.extend(rhs.iter().chain(&d).map(|x| x.to_bits()));
        for gl in &meta.globals {
            out.push(mi.global(&gl.name).unwrap().to_bits());
        }
        for a in &ions {
            for arr in [&a.e, &a.ci, &a.co, &a.i, &a.di_dv] {
                out.extend(arr.iter().map(|x| x.to_bits()));
            }
        }
    }
    rall_nmodl::jit::set_jit_enabled(true);
    out
}

#[test]
fn jit_equals_vm_bitwise() {
    let mut cat = Catalogue::builtin();
    let dir = common::bmtk_modfiles();
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "mod"))
        .collect();
    files.sort();
    for f in files {
        cat.load_file(&f).unwrap_or_else(|e| panic!("{e}"));
    }
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
    // the tier must actually have run: all 16 Allen mechanisms but NaV (KINETIC) compile, and
    // the built-in pas/hh-free synapses and clamps
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
