//! Native kernels for NEURON built-ins (`pas`, `IClamp`, `ExpSyn`, `Exp2Syn`, `VecStim`),
//! written from the numerics brief with nocmodl's expression forms (finite-difference
//! conductance with 1e-3, `1e2/area` for point processes, cnexp as
//! `s + (1 - exp(dt*A))*(-B/A - s)`, hoc_Exp clamp). They let the engine run before the
//! `rall-nmodl` catalogue lands and serve as a differential oracle afterwards.

use std::sync::Arc;

use rall_nmodl::runtime::{MechMeta, RangeVarInfo, VarRole};
use rall_nmodl::{Ctx, EventSink, ExecError, MechKind};

use crate::mech::{MechSet, MechType, NativeMech};

/// NEURON's `hoc_Exp`: 0 below -700, exp(700) above 700.
#[inline]
pub fn hoc_exp(x: f64) -> f64 {
    if x < -700.0 {
        0.0
    } else if x > 700.0 {
        700f64.exp()
    } else {
        x.exp()
    }
}

/// Build a [`MechMeta`] for a built-in.
pub fn builtin_meta(
    name: &str,
    kind: MechKind,
    rank: usize,
    vars: &[(&str, VarRole, f64)],
) -> MechMeta {
    MechMeta {
        name: name.to_string(),
        kind,
        range: vars
            .iter()
            .map(|(n, r, d)| RangeVarInfo {
                name: n.to_string(),
                role: *r,
                default: *d,
                units: None,
                public: true,
            })
            .collect(),
        globals: Vec::new(),
        ions: Vec::new(),
        nonspecific: Vec::new(),
        electrode: Vec::new(),
        writes_conc: false,
        net_receive_arity: None,
        net_receive_has_init: false,
        solve_methods: Vec::new(),
        builtin: true,
        rank,
        file: None,
    }
}

/// Generic SoA storage: one column per range variable.
#[derive(Debug, Clone)]
pub struct Columns {
    pub meta: MechMeta,
    pub nodes: Vec<usize>,
    pub cols: Vec<Vec<f64>>,
}

impl Columns {
    pub fn new(meta: &MechMeta, nodes: &[usize]) -> Columns {
        Columns {
            meta: meta.clone(),
            nodes: nodes.to_vec(),
            cols: meta
                .range
                .iter()
                .map(|r| vec![r.default; nodes.len()])
                .collect(),
        }
    }
    pub fn get(&self, var: &str, i: usize) -> Option<f64> {
        self.meta.range_index(var).map(|k| self.cols[k][i])
    }
    pub fn set(&mut self, var: &str, i: usize, value: f64) -> bool {
        match self.meta.range_index(var) {
            Some(k) => {
                self.cols[k][i] = value;
                true
            }
            None => false,
        }
    }
}

macro_rules! columns_accessors {
    () => {
        fn meta(&self) -> &MechMeta {
            &self.c.meta
        }
        fn nodes(&self) -> &[usize] {
            &self.c.nodes
        }
        fn get(&self, var: &str, instance: usize) -> Option<f64> {
            self.c.get(var, instance)
        }
        fn set(&mut self, var: &str, instance: usize, value: f64) -> bool {
            self.c.set(var, instance, value)
        }
    };
}

struct Type<F> {
    meta: MechMeta,
    make: F,
}

impl<F> NativeMech for Type<F>
where
    F: Fn(&MechMeta, &[usize]) -> Box<dyn MechSet> + Send + Sync,
{
    fn meta(&self) -> &MechMeta {
        &self.meta
    }
    fn instantiate(&self, nodes: &[usize], _ion_slots: &[usize]) -> Box<dyn MechSet> {
        (self.make)(&self.meta, nodes)
    }
}

fn mk<F>(meta: MechMeta, make: F) -> MechType
where
    F: Fn(&MechMeta, &[usize]) -> Box<dyn MechSet> + Send + Sync + 'static,
{
    MechType::Native(Arc::new(Type { meta, make }))
}

// ---------------------------------------------------------------- pas
struct Pas {
    c: Columns,
}
impl MechSet for Pas {
    columns_accessors!();
    fn init(&mut self, _: &mut Ctx<'_>, _: &mut dyn EventSink) -> Result<(), ExecError> {
        Ok(())
    }
    fn current(&mut self, ctx: &mut Ctx<'_>) -> Result<(), ExecError> {
        let (g, e) = (&self.c.cols[0], &self.c.cols[1]);
        #[cfg(target_arch = "x86_64")]
        if crate::simd_enabled() && std::arch::is_x86_feature_detected!("avx") {
            // SAFETY: the CPU supports AVX (checked just above).
            let k = unsafe { pas_current_avx(&self.c.nodes, g, e, ctx) };
            pas_current(&self.c.nodes[k..], &g[k..], &e[k..], ctx);
            return Ok(());
        }
        pas_current(&self.c.nodes, g, e, ctx);
        Ok(())
    }
    fn state(&mut self, _: &mut Ctx<'_>) -> Result<(), ExecError> {
        Ok(())
    }
    fn net_receive(
        &mut self,
        _: &mut Ctx<'_>,
        _: usize,
        _: &mut [f64],
        _: f64,
        _: &mut dyn EventSink,
    ) -> Result<(), ExecError> {
        Ok(())
    }
}

/// nocmodl's `pas` current, instance by instance.
fn pas_current(nodes: &[usize], g: &[f64], e: &[f64], ctx: &mut Ctx<'_>) {
    for (k, &nd) in nodes.iter().enumerate() {
        let v = ctx.v[nd];
        let i1 = g[k] * ((v + 0.001) - e[k]);
        let i0 = g[k] * (v - e[k]);
        let gg = (i1 - i0) / 0.001;
        ctx.rhs[nd] -= i0;
        ctx.d[nd] += gg;
    }
}

/// [`pas_current`] on groups of 4 instances with packed IEEE operations (the same ones per
/// lane, no FMA); returns how many leading instances it did (a multiple of 4). Instances are at
/// distinct nodes, so the 4 lanes never write the same element.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx")]
fn pas_current_avx(nodes: &[usize], g: &[f64], e: &[f64], ctx: &mut Ctx<'_>) -> usize {
    use std::arch::x86_64::*;
    let n = nodes.len().min(g.len()).min(e.len());
    let nn = ctx.v.len().min(ctx.rhs.len()).min(ctx.d.len());
    let mut k = 0;
    while k + 4 <= n {
        let o = &nodes[k..k + 4];
        if o.iter().any(|&x| x >= nn) {
            break; // leave it to the checked scalar loop
        }
        let contiguous = o[1] == o[0] + 1 && o[2] == o[0] + 2 && o[3] == o[0] + 3;
        let (vp, rp, dp) = (ctx.v.as_ptr(), ctx.rhs.as_mut_ptr(), ctx.d.as_mut_ptr());
        // SAFETY: every node in o is < nn (checked above), k + 4 <= n.
        unsafe {
            let gather = |p: *const f64| {
                if contiguous {
                    _mm256_loadu_pd(p.add(o[0]))
                } else {
                    _mm256_set_pd(*p.add(o[3]), *p.add(o[2]), *p.add(o[1]), *p.add(o[0]))
                }
            };
            let v = gather(vp);
            let g4 = _mm256_loadu_pd(g.as_ptr().add(k));
            let e4 = _mm256_loadu_pd(e.as_ptr().add(k));
            let i1 = _mm256_mul_pd(
                g4,
                _mm256_sub_pd(_mm256_add_pd(v, _mm256_set1_pd(0.001)), e4),
            );
            let i0 = _mm256_mul_pd(g4, _mm256_sub_pd(v, e4));
            let gg = _mm256_div_pd(_mm256_sub_pd(i1, i0), _mm256_set1_pd(0.001));
            let r = _mm256_sub_pd(gather(rp), i0);
            let d = _mm256_add_pd(gather(dp), gg);
            if contiguous {
                _mm256_storeu_pd(rp.add(o[0]), r);
                _mm256_storeu_pd(dp.add(o[0]), d);
            } else {
                let (mut rr, mut dd) = ([0.0f64; 4], [0.0f64; 4]);
                _mm256_storeu_pd(rr.as_mut_ptr(), r);
                _mm256_storeu_pd(dd.as_mut_ptr(), d);
                for j in 0..4 {
                    *rp.add(o[j]) = rr[j];
                    *dp.add(o[j]) = dd[j];
                }
            }
        }
        k += 4;
    }
    k
}

/// NEURON's `pas`: `g` (S/cm², default 0.001), `e` (mV, default -70).
pub fn pas() -> MechType {
    let meta = builtin_meta(
        "pas",
        MechKind::Density,
        0,
        &[
            ("g", VarRole::Parameter, 0.001),
            ("e", VarRole::Parameter, -70.0),
            ("i", VarRole::Assigned, 0.0),
        ],
    );
    mk(meta, |m, n| {
        Box::new(Pas {
            c: Columns::new(m, n),
        })
    })
}

// ---------------------------------------------------------------- IClamp
struct IClamp {
    c: Columns,
}
impl MechSet for IClamp {
    columns_accessors!();
    fn init(&mut self, _: &mut Ctx<'_>, _: &mut dyn EventSink) -> Result<(), ExecError> {
        for k in 0..self.c.nodes.len() {
            self.c.cols[3][k] = 0.0;
        }
        Ok(())
    }
    fn current(&mut self, ctx: &mut Ctx<'_>) -> Result<(), ExecError> {
        let t = ctx.globals.t;
        for (k, &nd) in self.c.nodes.iter().enumerate() {
            let (del, dur, amp) = (self.c.cols[0][k], self.c.cols[1][k], self.c.cols[2][k]);
            let i = if t < del + dur && t >= del { amp } else { 0.0 };
            let mfactor = 1.0e2 / ctx.area[nd];
            // nocmodl: g = (i(v+.001) - i(v))/.001; the current does not depend on v
            let i1 = i;
            let g = (i1 - i) / 0.001 * mfactor;
            self.c.cols[3][k] = i;
            ctx.rhs[nd] += i * mfactor;
            ctx.d[nd] -= g;
        }
        Ok(())
    }
    fn state(&mut self, _: &mut Ctx<'_>) -> Result<(), ExecError> {
        Ok(())
    }
    fn net_receive(
        &mut self,
        _: &mut Ctx<'_>,
        _: usize,
        _: &mut [f64],
        _: f64,
        _: &mut dyn EventSink,
    ) -> Result<(), ExecError> {
        Ok(())
    }
}

/// NEURON's `IClamp` (ELECTRODE_CURRENT): `del`, `dur`, `amp` (nA), assigned `i`.
pub fn iclamp() -> MechType {
    let mut meta = builtin_meta(
        "IClamp",
        MechKind::Point,
        10,
        &[
            ("del", VarRole::Parameter, 0.0),
            ("dur", VarRole::Parameter, 0.0),
            ("amp", VarRole::Parameter, 0.0),
            ("i", VarRole::Assigned, 0.0),
        ],
    );
    meta.electrode = vec!["i".into()];
    mk(meta, |m, n| {
        Box::new(IClamp {
            c: Columns::new(m, n),
        })
    })
}

// ---------------------------------------------------------------- ExpSyn
struct ExpSyn {
    c: Columns,
}
impl MechSet for ExpSyn {
    columns_accessors!();
    fn init(&mut self, _: &mut Ctx<'_>, _: &mut dyn EventSink) -> Result<(), ExecError> {
        for k in 0..self.c.nodes.len() {
            self.c.cols[3][k] = 0.0;
        }
        Ok(())
    }
    fn current(&mut self, ctx: &mut Ctx<'_>) -> Result<(), ExecError> {
        for (k, &nd) in self.c.nodes.iter().enumerate() {
            let (e, g) = (self.c.cols[1][k], self.c.cols[3][k]);
            let v = ctx.v[nd];
            let i1 = g * ((v + 0.001) - e);
            let i0 = g * (v - e);
            let mfactor = 1.0e2 / ctx.area[nd];
            let gg = (i1 - i0) / 0.001 * mfactor;
            self.c.cols[2][k] = i0;
            ctx.rhs[nd] -= i0 * mfactor;
            ctx.d[nd] += gg;
        }
        Ok(())
    }
    fn state(&mut self, ctx: &mut Ctx<'_>) -> Result<(), ExecError> {
        let dt = ctx.globals.dt;
        for k in 0..self.c.nodes.len() {
            let tau = self.c.cols[0][k];
            let g = self.c.cols[3][k];
            self.c.cols[3][k] =
                g + (1.0 - hoc_exp(dt * ((-1.0) / tau))) * (-(0.0) / ((-1.0) / tau) - g);
        }
        Ok(())
    }
    fn net_receive(
        &mut self,
        _: &mut Ctx<'_>,
        k: usize,
        w: &mut [f64],
        _: f64,
        _: &mut dyn EventSink,
    ) -> Result<(), ExecError> {
        self.c.cols[3][k] += w.first().copied().unwrap_or(0.0);
        Ok(())
    }
}

/// NEURON's `ExpSyn`: `tau` (ms), `e` (mV), assigned `i`, state `g` (µS).
pub fn expsyn() -> MechType {
    let mut meta = builtin_meta(
        "ExpSyn",
        MechKind::Point,
        12,
        &[
            ("tau", VarRole::Parameter, 0.1),
            ("e", VarRole::Parameter, 0.0),
            ("i", VarRole::Assigned, 0.0),
            ("g", VarRole::State, 0.0),
        ],
    );
    meta.net_receive_arity = Some(1);
    meta.solve_methods = vec!["cnexp".into()];
    mk(meta, |m, n| {
        Box::new(ExpSyn {
            c: Columns::new(m, n),
        })
    })
}

// ---------------------------------------------------------------- Exp2Syn
// columns: 0 tau1, 1 tau2, 2 e, 3 i, 4 g, 5 factor, 6 A, 7 B
struct Exp2Syn {
    c: Columns,
}
impl MechSet for Exp2Syn {
    columns_accessors!();
    fn init(&mut self, _: &mut Ctx<'_>, _: &mut dyn EventSink) -> Result<(), ExecError> {
        for k in 0..self.c.nodes.len() {
            let c = &mut self.c.cols;
            if c[0][k] / c[1][k] > 0.9999 {
                c[0][k] = 0.9999 * c[1][k];
            }
            if c[0][k] / c[1][k] < 1e-9 {
                c[0][k] = c[1][k] * 1e-9;
            }
            let (tau1, tau2) = (c[0][k], c[1][k]);
            c[6][k] = 0.0;
            c[7][k] = 0.0;
            let tp = (tau1 * tau2) / (tau2 - tau1) * (tau2 / tau1).ln();
            let f = -hoc_exp(-tp / tau1) + hoc_exp(-tp / tau2);
            c[5][k] = 1.0 / f;
        }
        Ok(())
    }
    fn current(&mut self, ctx: &mut Ctx<'_>) -> Result<(), ExecError> {
        for (k, &nd) in self.c.nodes.iter().enumerate() {
            let c = &mut self.c.cols;
            let e = c[2][k];
            let v = ctx.v[nd];
            let g = c[7][k] - c[6][k];
            let i1 = g * ((v + 0.001) - e);
            let i0 = g * (v - e);
            c[4][k] = g;
            c[3][k] = i0;
            let mfactor = 1.0e2 / ctx.area[nd];
            let gg = (i1 - i0) / 0.001 * mfactor;
            ctx.rhs[nd] -= i0 * mfactor;
            ctx.d[nd] += gg;
        }
        Ok(())
    }
    fn state(&mut self, ctx: &mut Ctx<'_>) -> Result<(), ExecError> {
        let dt = ctx.globals.dt;
        for k in 0..self.c.nodes.len() {
            let c = &mut self.c.cols;
            let (tau1, tau2) = (c[0][k], c[1][k]);
            let a = c[6][k];
            c[6][k] = a + (1.0 - hoc_exp(dt * ((-1.0) / tau1))) * (-(0.0) / ((-1.0) / tau1) - a);
            let b = c[7][k];
            c[7][k] = b + (1.0 - hoc_exp(dt * ((-1.0) / tau2))) * (-(0.0) / ((-1.0) / tau2) - b);
        }
        Ok(())
    }
    fn net_receive(
        &mut self,
        _: &mut Ctx<'_>,
        k: usize,
        w: &mut [f64],
        _: f64,
        _: &mut dyn EventSink,
    ) -> Result<(), ExecError> {
        let w0 = w.first().copied().unwrap_or(0.0);
        let c = &mut self.c.cols;
        c[6][k] += w0 * c[5][k];
        c[7][k] += w0 * c[5][k];
        Ok(())
    }
}

/// NEURON's `Exp2Syn`: `tau1`, `tau2` (ms), `e` (mV); assigned `i`, `g`, `factor`; states `A`, `B`.
pub fn exp2syn() -> MechType {
    let mut meta = builtin_meta(
        "Exp2Syn",
        MechKind::Point,
        13,
        &[
            ("tau1", VarRole::Parameter, 0.1),
            ("tau2", VarRole::Parameter, 10.0),
            ("e", VarRole::Parameter, 0.0),
            ("i", VarRole::Assigned, 0.0),
            ("g", VarRole::Assigned, 0.0),
            ("factor", VarRole::Assigned, 0.0),
            ("A", VarRole::State, 0.0),
            ("B", VarRole::State, 0.0),
        ],
    );
    meta.net_receive_arity = Some(1);
    meta.solve_methods = vec!["cnexp".into()];
    mk(meta, |m, n| {
        Box::new(Exp2Syn {
            c: Columns::new(m, n),
        })
    })
}

// ---------------------------------------------------------------- VecStim
struct VecStim {
    c: Columns, // 0 index, 1 etime
    play: Vec<Vec<f64>>,
}
impl VecStim {
    fn element(&mut self, k: usize) {
        let i = self.c.cols[0][k] as i64;
        if i >= 0 {
            if (i as usize) < self.play[k].len() {
                self.c.cols[1][k] = self.play[k][i as usize];
                self.c.cols[0][k] += 1.0;
            } else {
                self.c.cols[0][k] = -1.0;
            }
        }
    }
}
impl MechSet for VecStim {
    columns_accessors!();
    fn init(&mut self, ctx: &mut Ctx<'_>, sink: &mut dyn EventSink) -> Result<(), ExecError> {
        let t = ctx.globals.t;
        for k in 0..self.c.nodes.len() {
            self.c.cols[0][k] = 0.0;
            self.element(k);
            if self.c.cols[0][k] > 0.0 {
                sink.net_send(k, t + self.c.cols[1][k] - t, 1.0);
            }
        }
        Ok(())
    }
    fn current(&mut self, _: &mut Ctx<'_>) -> Result<(), ExecError> {
        Ok(())
    }
    fn state(&mut self, _: &mut Ctx<'_>) -> Result<(), ExecError> {
        Ok(())
    }
    fn net_receive(
        &mut self,
        ctx: &mut Ctx<'_>,
        k: usize,
        _: &mut [f64],
        flag: f64,
        sink: &mut dyn EventSink,
    ) -> Result<(), ExecError> {
        let t = ctx.globals.t;
        if flag == 1.0 {
            sink.net_event(k, t);
            self.element(k);
            if self.c.cols[0][k] > 0.0 {
                sink.net_send(k, t + self.c.cols[1][k] - t, 1.0);
            }
        }
        Ok(())
    }
    fn set_play_times(&mut self, instance: usize, times: Vec<f64>) -> bool {
        self.play[instance] = times;
        true
    }
}

/// `VecStim` (artificial cell playing a sorted vector of event times).
pub fn vecstim() -> MechType {
    let mut meta = builtin_meta(
        "VecStim",
        MechKind::Artificial,
        100,
        &[
            ("index", VarRole::Assigned, 0.0),
            ("etime", VarRole::Assigned, 0.0),
        ],
    );
    meta.net_receive_arity = Some(1);
    mk(meta, |m, n| {
        Box::new(VecStim {
            c: Columns::new(m, n),
            play: vec![Vec::new(); n.len()],
        })
    })
}
