//! The scalar kernel path (few instances) is bit-identical to the batched path: every Allen
//! mechanism and every built-in with kernels, 1 and 3 instances, INITIAL then 400 steps of
//! `current` + `state` on a voltage sweep; every column, `rhs`, `d` and ion array compared
//! bitwise after every step. One test in its own binary: it flips the process-wide switch.
mod common;
use rall_nmodl::runtime::{IonArrays, MechKind};
use rall_nmodl::{Catalogue, Ctx, Globals, Mechanism, NoEvents};

fn trace(mech: &Mechanism, n: usize, scalar: bool) -> Vec<u64> {
    // the VM's two paths are compared here; the native tier is compared with them in jit_path.rs
    #[cfg(feature = "jit")]
    rall_nmodl::jit::set_jit_enabled(false);
    rall_nmodl::vm::set_scalar_enabled(scalar);
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
    let nodes: Vec<usize> = (0..n).collect();
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
        for a in &ions {
            for arr in [&a.e, &a.ci, &a.co, &a.i, &a.di_dv] {
                out.extend(arr.iter().map(|x| x.to_bits()));
            }
        }
    }
    rall_nmodl::vm::set_scalar_enabled(true);
    out
}

#[test]
fn scalar_path_equals_batched_path_bitwise() {
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
