//! Kernel benchmark: the Allen NaTs, Kv3_1 and Ca_HVA kernels (nrn_state and nrn_cur) run by the
//! batched VM and by the native-code tier (Cranelift, `src/jit.rs`) vs the same arithmetic
//! written by hand in Rust, in ns per instance-step.
//! `cargo bench -p rall-nmodl --bench kernels` (needs BMTK's mod files: RALL_BMTK_MODFILES or
//! /opt/ref). Results in bench/README.md. Also checks that all three give bit-identical states
//! (gate `m` after the state steps, and `rhs`, `d` after the current steps).

use rall_nmodl::{Catalogue, Ctx, Globals, IonArrays, MechInstances, NoEvents};
use std::path::PathBuf;
use std::time::Instant;

const N: usize = 20_000;
const STEPS: usize = 100;

fn modfiles() -> PathBuf {
    if let Ok(p) = std::env::var("RALL_BMTK_MODFILES") {
        return PathBuf::from(p);
    }
    PathBuf::from(
        "/opt/ref/lib/python3.11/site-packages/bmtk/utils/scripts/bionet/mechanisms/modfiles",
    )
}

#[inline]
fn hoc_exp(x: f64) -> f64 {
    if x < -700.0 {
        0.0
    } else if x > 700.0 {
        700f64.exp()
    } else {
        x.exp()
    }
}

#[inline]
fn vtrap(x: f64, y: f64) -> f64 {
    if (x / y).abs() < 1e-6 {
        y * (1.0 - x / y / 2.0)
    } else {
        x / (hoc_exp(x / y) - 1.0)
    }
}

#[inline]
fn cnexp(s: f64, inf: f64, tau: f64, dt: f64) -> f64 {
    s + (1.0 - hoc_exp(dt * ((-1.0) / tau))) * (-(inf / tau) / ((-1.0) / tau) - s)
}

struct Native {
    m: Vec<f64>,
    h: Vec<f64>,
    minf: Vec<f64>,
    mtau: Vec<f64>,
    hinf: Vec<f64>,
    htau: Vec<f64>,
    g: Vec<f64>,
    i: Vec<f64>,
    gbar: f64,
    /// gbar per instance (the same value), for the same-layout variant
    gbar_col: Vec<f64>,
}

impl Native {
    fn new(m0: &[f64], h0: &[f64], gbar: f64) -> Native {
        Native {
            m: m0.to_vec(),
            h: h0.to_vec(),
            minf: vec![0.0; N],
            mtau: vec![0.0; N],
            hinf: vec![0.0; N],
            htau: vec![0.0; N],
            g: vec![0.0; N],
            i: vec![0.0; N],
            gbar,
            gbar_col: vec![gbar; N],
        }
    }
}

fn nats_state(s: &mut Native, v: &[f64], celsius: f64, dt: f64) {
    for k in 0..N {
        let v = v[k];
        let qt = 2.3f64.powf((celsius - 23.0) / 10.0);
        let ma = 0.182 * vtrap(-(v - -40.0), 6.0);
        let mb = 0.124 * vtrap(v - -40.0, 6.0);
        s.minf[k] = ma / (ma + mb);
        s.mtau[k] = (1.0 / (ma + mb)) / qt;
        let ha = 0.015 * vtrap(v - -66.0, 6.0);
        let hb = 0.015 * vtrap(-(v - -66.0), 6.0);
        s.hinf[k] = ha / (ha + hb);
        s.htau[k] = (1.0 / (ha + hb)) / qt;
        s.m[k] = cnexp(s.m[k], s.minf[k], s.mtau[k], dt);
        s.h[k] = cnexp(s.h[k], s.hinf[k], s.htau[k], dt);
    }
}

const NATS: u8 = 0;
const KV3: u8 = 1;
const HVA: u8 = 2;

/// nrn_cur of NaTs (`K = NATS`), Kv3_1 or Ca_HVA by hand. `IDX = false`: the idealised
/// layout (instance k at node k, `gbar` one scalar) that rustc vectorises; `IDX = true`: the
/// layout a simulator has (instances reach their node through `nodes`, `gbar` is a
/// per-instance column, `rhs`/`d`/ion accumulations are scatters), as the VM and the JIT see it.
fn cur<const K: u8, const IDX: bool>(
    s: &mut Native,
    nodes: &[usize],
    v: &[f64],
    rhs: &mut [f64],
    d: &mut [f64],
    ion: &mut IonArrays,
) {
    for k in 0..N {
        let nd = if IDX { nodes[k] } else { k };
        let gbar = if IDX { s.gbar_col[k] } else { s.gbar };
        let v0 = v[nd];
        let e = ion.e[nd];
        let cur = |vv: f64, s: &mut Native| {
            s.g[k] = match K {
                NATS => gbar * s.m[k] * s.m[k] * s.m[k] * s.h[k],
                KV3 => gbar * s.m[k],
                _ => gbar * s.m[k] * s.m[k] * s.h[k],
            };
            s.i[k] = s.g[k] * (vv - e);
            0.0 + s.i[k]
        };
        let hi = cur(v0 + 0.001, s);
        let di = s.i[k];
        let lo = cur(v0, s);
        ion.di_dv[nd] += (di - s.i[k]) / 0.001;
        let g = (hi - lo) / 0.001;
        ion.i[nd] += s.i[k];
        rhs[nd] -= lo;
        d[nd] += g;
    }
}

fn kv3_state(s: &mut Native, v: &[f64], dt: f64) {
    let vshift = 0.0;
    for k in 0..N {
        let v = v[k];
        s.minf[k] = 1.0 / (1.0 + hoc_exp((v - (18.700 + vshift)) / (-9.700)));
        s.mtau[k] = 0.2 * 20.000 / (1.0 + hoc_exp((v - (-46.560 + vshift)) / (-44.140)));
        s.m[k] = cnexp(s.m[k], s.minf[k], s.mtau[k], dt);
    }
}

fn hva_state(s: &mut Native, v: &[f64], dt: f64) {
    for k in 0..N {
        let v = v[k];
        let ma = 0.055 * vtrap(-27.0 - v, 3.8);
        let mb = 0.94 * hoc_exp((-75.0 - v) / 17.0);
        s.minf[k] = ma / (ma + mb);
        s.mtau[k] = 1.0 / (ma + mb);
        let ha = 0.000457 * hoc_exp((-13.0 - v) / 50.0);
        let hb = 0.0065 / (hoc_exp((-v - 15.0) / 28.0) + 1.0);
        s.hinf[k] = ha / (ha + hb);
        s.htau[k] = 1.0 / (ha + hb);
        s.m[k] = cnexp(s.m[k], s.minf[k], s.mtau[k], dt);
        s.h[k] = cnexp(s.h[k], s.hinf[k], s.htau[k], dt);
    }
}

/// CPU time of this thread in ns (the machine is a shared VM: wall time is not reliable).
fn thread_cpu_ns() -> Option<f64> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    s.split_whitespace().next()?.parse().ok()
}

fn best<F: FnMut()>(reps: usize, mut f: F) -> f64 {
    let mut b = f64::INFINITY;
    for _ in 0..5 {
        let t = Instant::now();
        let c0 = thread_cpu_ns();
        for _ in 0..reps {
            f();
        }
        let el = match (c0, thread_cpu_ns()) {
            (Some(a), Some(b)) => (b - a) * 1e-9,
            _ => t.elapsed().as_secs_f64(),
        };
        b = b.min(el);
    }
    b * 1e9 / (N * STEPS * reps) as f64
}

fn main() {
    let mut cat = Catalogue::empty();
    let dir = modfiles();
    for m in ["NaTs", "Kv3_1", "Ca_HVA"] {
        cat.load_file(&dir.join(format!("{m}.mod")))
            .expect("Allen mod files (RALL_BMTK_MODFILES)");
    }
    let v: Vec<f64> = (0..N)
        .map(|k| -90.0 + 130.0 * (k as f64) / (N as f64))
        .collect();
    let area = vec![1000.0; N];
    let diam = vec![10.0; N];
    let mut ions = vec![
        IonArrays::new("na", None, N),
        IonArrays::new("k", None, N),
        IonArrays::new("ca", None, N),
    ];
    let nodes: Vec<usize> = (0..N).collect();
    let g = Globals {
        t: 0.0,
        dt: 0.025,
        celsius: 34.0,
    };
    println!(
        "| kernel | VM ns/instance-step | native code (JIT) | hand-written Rust, same layout | VM/hand | JIT/hand | identical |"
    );
    println!("|---|---|---|---|---|---|---|");
    for (name, slot, gbar) in [
        ("NaTs", 0usize, 0.5),
        ("Kv3_1", 1, 0.3),
        ("Ca_HVA", 2, 5e-4),
    ] {
        let mech = cat.get(name).unwrap().clone();
        // one tier: (state ns, current ns, final m bits, rhs/d bits after the current steps)
        let mut tier = |jit: bool| -> (f64, f64, Vec<u64>, Vec<u64>) {
            rall_nmodl::jit::set_jit_enabled(jit);
            let mut mi: MechInstances = mech.instantiate(&nodes, &[slot]);
            mi.column_mut(mi.var_id("gbar").unwrap()).fill(gbar);
            let mut rhs = vec![0.0; N];
            let mut d = vec![0.0; N];
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
            // compile outside the timed region (the first call compiles), on a throwaway copy
            if jit {
                let mut mw: MechInstances = mech.instantiate(&nodes, &[slot]);
                mw.init(&mut ctx, &mut NoEvents).unwrap();
                mw.state(&mut ctx).unwrap();
                mw.current(&mut ctx).unwrap();
            }
            let st = best(1, || {
                for _ in 0..STEPS {
                    mi.state(&mut ctx).unwrap();
                }
            });
            let m = mi
                .column(mi.var_id("m").unwrap())
                .iter()
                .map(|x| x.to_bits())
                .collect();
            let cu = best(20, || {
                for _ in 0..STEPS {
                    ctx.rhs.fill(0.0);
                    ctx.d.fill(0.0);
                    mi.current(&mut ctx).unwrap();
                }
            });
            let rd = ctx
                .rhs
                .iter()
                .chain(ctx.d.iter())
                .map(|x| x.to_bits())
                .collect();
            (st, cu, m, rd)
        };
        let (vm_state, vm_cur, vm_m, vm_rd) = tier(false);
        let (jit_state, jit_cur, jit_m, jit_rd) = tier(true);
        rall_nmodl::jit::set_jit_enabled(true);
        let mi: MechInstances = mech.instantiate(&nodes, &[slot]);
        let mut mi = mi;
        mi.column_mut(mi.var_id("gbar").unwrap()).fill(gbar);
        let mut rhs = vec![0.0; N];
        let mut d = vec![0.0; N];
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
        let m0 = mi.column(mi.var_id("m").unwrap()).to_vec();
        let h0 = mi
            .var_id("h")
            .map(|h| mi.column(h).to_vec())
            .unwrap_or_else(|| vec![0.0; N]);
        let mut nat = Native::new(&m0, &h0, gbar);
        let nat_state = best(1, || {
            for _ in 0..STEPS {
                match name {
                    "NaTs" => nats_state(&mut nat, &v, 34.0, 0.025),
                    "Kv3_1" => kv3_state(&mut nat, &v, 0.025),
                    _ => hva_state(&mut nat, &v, 0.025),
                }
            }
        });
        let nat_m: Vec<u64> = nat.m.iter().map(|x| x.to_bits()).collect();
        let nat_cur = best(20, || {
            for _ in 0..STEPS {
                rhs.fill(0.0);
                d.fill(0.0);
                let (r, dd) = (&mut rhs, &mut d);
                match name {
                    "NaTs" => cur::<NATS, false>(&mut nat, &nodes, &v, r, dd, &mut ions[0]),
                    "Kv3_1" => cur::<KV3, false>(&mut nat, &nodes, &v, r, dd, &mut ions[1]),
                    _ => cur::<HVA, false>(&mut nat, &nodes, &v, r, dd, &mut ions[2]),
                }
            }
        });
        let idx_cur = best(20, || {
            for _ in 0..STEPS {
                rhs.fill(0.0);
                d.fill(0.0);
                let (r, dd) = (&mut rhs, &mut d);
                match name {
                    "NaTs" => cur::<NATS, true>(&mut nat, &nodes, &v, r, dd, &mut ions[0]),
                    "Kv3_1" => cur::<KV3, true>(&mut nat, &nodes, &v, r, dd, &mut ions[1]),
                    _ => cur::<HVA, true>(&mut nat, &nodes, &v, r, dd, &mut ions[2]),
                }
            }
        });
        let nat_rd: Vec<u64> = rhs.iter().chain(&d).map(|x| x.to_bits()).collect();
        let same_state = vm_m == nat_m && jit_m == nat_m;
        let same_cur = vm_rd == nat_rd && jit_rd == nat_rd;
        println!(
            "| {name} state | {vm_state:.1} | {jit_state:.1} | {nat_state:.1} | {:.2} | {:.2} | {same_state} |",
            vm_state / nat_state,
            jit_state / nat_state
        );
        println!(
            "| {name} current | {vm_cur:.1} | {jit_cur:.1} | {idx_cur:.1} | {:.2} | {:.2} | {same_cur} |",
            vm_cur / idx_cur,
            jit_cur / idx_cur
        );
        println!(
            "| {name} current, idealised hand-written (node k = instance k, scalar gbar; vectorised) | | | {nat_cur:.1} | {:.2} | {:.2} | |",
            vm_cur / nat_cur,
            jit_cur / nat_cur
        );
    }
    single_instance(&cat, &area, &diam, g);
}

/// One instance per type (the tutorial cell's soma): scalar path vs the batched VM with one
/// live lane, ns per kernel call (state + current), final states compared bitwise.
fn single_instance(cat: &Catalogue, area: &[f64], diam: &[f64], g: Globals) {
    const CALLS: usize = 200_000;
    println!();
    println!(
        "| kernel (1 instance) | JIT ns/call | scalar VM ns/call | batched VM ns/call | identical |"
    );
    println!("|---|---|---|---|---|");
    for (name, slot, gbar) in [
        ("NaTs", 0usize, 0.5),
        ("Kv3_1", 1, 0.3),
        ("Ca_HVA", 2, 5e-4),
    ] {
        let mech = cat.get(name).unwrap().clone();
        let run = |scalar: bool, jit: bool| -> (f64, f64, Vec<u64>) {
            rall_nmodl::jit::set_jit_enabled(jit);
            rall_nmodl::vm::set_scalar_enabled(scalar);
            let mut ions = vec![
                IonArrays::new("na", None, 1),
                IonArrays::new("k", None, 1),
                IonArrays::new("ca", None, 1),
            ];
            let mut mi = mech.instantiate(&[0], &[slot]);
            mi.column_mut(mi.var_id("gbar").unwrap()).fill(gbar);
            let (mut rhs, mut d) = (vec![0.0], vec![0.0]);
            // a slow voltage sweep, so that every call sees a new v
            let vs: Vec<f64> = (0..CALLS)
                .map(|k| -80.0 + 100.0 * (k as f64 / CALLS as f64))
                .collect();
            let mut ctx = Ctx {
                v: &vs[..1],
                rhs: &mut rhs,
                d: &mut d,
                area: &area[..1],
                diam: &diam[..1],
                ions: &mut ions,
                globals: g,
            };
            mi.init(&mut ctx, &mut NoEvents).unwrap();
            let mut st = f64::INFINITY;
            let mut cu = f64::INFINITY;
            for _ in 0..5 {
                // wall clock: the thread CPU clock is too coarse for calls this short
                let t0 = Instant::now();
                for k in 0..CALLS {
                    ctx.v = &vs[k..k + 1];
                    mi.state(&mut ctx).unwrap();
                }
                let t1 = Instant::now();
                for k in 0..CALLS {
                    ctx.v = &vs[k..k + 1];
                    mi.current(&mut ctx).unwrap();
                }
                let t2 = Instant::now();
                st = st.min((t1 - t0).as_secs_f64() * 1e9 / CALLS as f64);
                cu = cu.min((t2 - t1).as_secs_f64() * 1e9 / CALLS as f64);
            }
            let mut bits: Vec<u64> = ["m", "h", "i"]
                .iter()
                .filter_map(|n| mi.var_id(n).map(|id| mi.column(id)[0].to_bits()))
                .collect();
            bits.push(ctx.rhs[0].to_bits());
            bits.push(ctx.d[0].to_bits());
            (st, cu, bits)
        };
        let _ = run(true, true); // compile
        let (js, jc, jb) = run(true, true);
        let (ss, sc, sb) = run(true, false);
        let (bs, bc, bb) = run(false, false);
        rall_nmodl::vm::set_scalar_enabled(true);
        rall_nmodl::jit::set_jit_enabled(true);
        println!(
            "| {name} state | {js:.1} | {ss:.1} | {bs:.1} | {} |",
            sb == bb && jb == sb
        );
        println!("| {name} current | {jc:.1} | {sc:.1} | {bc:.1} | |");
    }
}
