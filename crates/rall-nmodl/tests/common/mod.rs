#![allow(dead_code)]
pub mod sim;
use std::path::PathBuf;

/// BMTK's copy of the Allen mod files. Never skipped: panics (test failure) when not found.
pub fn bmtk_modfiles() -> PathBuf {
    if let Ok(p) = std::env::var("RALL_BMTK_MODFILES") {
        let p = PathBuf::from(p);
        assert!(
            p.join("NaTs.mod").exists(),
            "RALL_BMTK_MODFILES={} has no NaTs.mod",
            p.display()
        );
        return p;
    }
    let rel = "lib/python3.11/site-packages/bmtk/utils/scripts/bionet/mechanisms/modfiles";
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut cands = vec![
        PathBuf::from("/opt/ref").join(rel),
        root.join(".venv-ref").join(rel),
    ];
    // any python version inside .venv-ref
    if let Ok(rd) = std::fs::read_dir(root.join(".venv-ref/lib")) {
        for e in rd.flatten() {
            cands.push(
                e.path()
                    .join("site-packages/bmtk/utils/scripts/bionet/mechanisms/modfiles"),
            );
        }
    }
    for c in &cands {
        if c.join("NaTs.mod").exists() {
            return c.clone();
        }
    }
    panic!(
        "BMTK's Allen mod files not found (set RALL_BMTK_MODFILES or install bmtk into /opt/ref or .venv-ref); tried {cands:?}"
    );
}

/// Rall's own `.mod` files for the Allen channel set (examples/components/mechanisms/modfiles).
pub fn own_modfiles() -> PathBuf {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples/components/mechanisms/modfiles");
    assert!(
        p.join("NaTs.mod").exists(),
        "Rall's own mod files not found in {}",
        p.display()
    );
    p
}

/// Load every `.mod` file of `dir` into `cat`, in file-name order (NEURON's `mod_func` order).
pub fn load_mod_dir(cat: &mut rall_nmodl::Catalogue, dir: &std::path::Path) {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "mod"))
        .collect();
    files.sort();
    for f in files {
        cat.load_file(&f).unwrap_or_else(|e| panic!("{e}"));
    }
}

use rall_nmodl::runtime::IonArrays;
use rall_nmodl::{Ctx, Globals, Mechanism, NoEvents};

/// Run `mech`'s kernels on instances at `nodes` (node count = instance count): INITIAL, then 400
/// steps of `current` + `state` on a voltage sweep; returns the bits of every column, `rhs`,
/// `d`, GLOBAL and ion array after every step. The tier comparisons (`scalar_path.rs`,
/// `jit_path.rs`) call it once per tier.
pub fn kernel_trace(mech: &Mechanism, nodes: &[usize]) -> Vec<u64> {
    try_kernel_trace(mech, nodes, 400).unwrap_or_else(|e| panic!("{}: {e}", mech.name()))
}

/// [`kernel_trace`] with a step count, returning the first kernel error instead of panicking.
pub fn try_kernel_trace(
    mech: &Mechanism,
    nodes: &[usize],
    steps: usize,
) -> Result<Vec<u64>, rall_nmodl::ExecError> {
    let n = nodes.len();
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
    let slots: Vec<usize> = (0..ions.len()).collect();
    let mut mi = mech.instantiate(nodes, &slots);
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
        mi.init(&mut ctx, &mut NoEvents)?;
    }
    for step in 0..steps {
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
        mi.current(&mut ctx)?;
        ctx.globals.t += g.dt / 2.0;
        g.t = ctx.globals.t;
        mi.state(&mut ctx)?;
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
    Ok(out)
}
