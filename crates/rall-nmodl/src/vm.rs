//! Batched structure-of-arrays bytecode VM.
//!
//! A kernel is straight-line code (branches are if-converted into selects) over registers that
//! each hold one value per lane; each instruction is applied to a block of up to [`LANES`]
//! instances before the next instruction runs. Per lane, the arithmetic is exactly the scalar
//! arithmetic nocmodl's C code performs (same operations, same order, libm `exp`/`pow`/`log`).

use crate::error::ExecError;
use crate::runtime::{nernst, style, Ctx, EventSink, MechInstances};

/// Lanes per block.
pub const LANES: usize = 32;

/// A register index.
pub type Reg = u32;

/// Ion array selector.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IonField {
    /// `e`
    E,
    /// `ci`
    Ci,
    /// `co`
    Co,
    /// `i`
    I,
    /// `di_dv`
    DiDv,
}

/// Uniform values loaded at kernel entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Special {
    /// `t`
    T,
    /// `dt`
    Dt,
    /// `celsius`
    Celsius,
    /// NET_RECEIVE `flag`
    Flag,
}

/// Single-argument math functions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum F1 {
    /// hoc_Exp (clamped)
    Exp,
    /// natural log
    Log,
    /// log10
    Log10,
    /// fabs
    Fabs,
    /// sqrt
    Sqrt,
    /// sin
    Sin,
    /// cos
    Cos,
    /// tan
    Tan,
    /// tanh
    Tanh,
    /// floor
    Floor,
    /// ceil
    Ceil,
    /// atan
    Atan,
    /// sinh
    Sinh,
    /// cosh
    Cosh,
    /// asin
    Asin,
    /// acos
    Acos,
}

/// Two-argument math functions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum F2 {
    /// pow
    Pow,
    /// atan2
    Atan2,
    /// fmod
    Fmod,
    /// fmin
    Min,
    /// fmax
    Max,
}

/// hoc_Exp: 0 below -700, exp(700) above 700 (NEURON warns), libm exp otherwise.
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

impl F1 {
    #[inline]
    pub(crate) fn apply(self, x: f64) -> f64 {
        match self {
            F1::Exp => hoc_exp(x),
            F1::Log => x.ln(),
            F1::Log10 => x.log10(),
            F1::Fabs => x.abs(),
            F1::Sqrt => x.sqrt(),
            F1::Sin => x.sin(),
            F1::Cos => x.cos(),
            F1::Tan => x.tan(),
            F1::Tanh => x.tanh(),
            F1::Floor => x.floor(),
            F1::Ceil => x.ceil(),
            F1::Atan => x.atan(),
            F1::Sinh => x.sinh(),
            F1::Cosh => x.cosh(),
            F1::Asin => x.asin(),
            F1::Acos => x.acos(),
        }
    }
}

impl F2 {
    #[inline]
    pub(crate) fn apply(self, a: f64, b: f64) -> f64 {
        match self {
            F2::Pow => a.powf(b),
            F2::Atan2 => a.atan2(b),
            F2::Fmod => a % b,
            F2::Min => a.min(b),
            F2::Max => a.max(b),
        }
    }
}

/// VM instructions. `d` is the destination register.
#[derive(Debug, Clone, PartialEq)]
pub enum Op {
    /// d = a
    Mov(Reg, Reg),
    /// d = a + b
    Add(Reg, Reg, Reg),
    /// d = a - b
    Sub(Reg, Reg, Reg),
    /// d = a * b
    Mul(Reg, Reg, Reg),
    /// d = a / b
    Div(Reg, Reg, Reg),
    /// d = -a
    Neg(Reg, Reg),
    /// d = (a < b) as f64
    Lt(Reg, Reg, Reg),
    /// d = (a <= b)
    Le(Reg, Reg, Reg),
    /// d = (a > b)
    Gt(Reg, Reg, Reg),
    /// d = (a >= b)
    Ge(Reg, Reg, Reg),
    /// d = (a == b)
    Eq(Reg, Reg, Reg),
    /// d = (a != b)
    Ne(Reg, Reg, Reg),
    /// d = a && b
    And(Reg, Reg, Reg),
    /// d = a || b
    Or(Reg, Reg, Reg),
    /// d = !a
    Not(Reg, Reg),
    /// d = c != 0 ? a : b
    Sel(Reg, Reg, Reg, Reg),
    /// d = f(a)
    Call1(F1, Reg, Reg),
    /// d = f(a, b)
    Call2(F2, Reg, Reg, Reg),
    /// `d = column[instance]`
    LdCol(Reg, u32),
    /// `column[instance] = a`
    StCol(u32, Reg),
    /// d = global (broadcast)
    LdGlob(Reg, u32),
    /// global = a (of the last lane)
    StGlob(u32, Reg),
    /// `d = v[node]`
    LdV(Reg),
    /// `d = area[node]`
    LdArea(Reg),
    /// `d = diam[node]`
    LdDiam(Reg),
    /// `d = ion[slot].field[node]`
    LdIon(Reg, u32, IonField),
    /// `ion[slot].field[node] = a`
    StIon(u32, IonField, Reg),
    /// `ion[slot].field[node] += a (lanes in order)`
    AddIon(u32, IonField, Reg),
    /// `nrn_wrote_conc`: e = nernst(ci, co) at the node if the style has einit
    WroteConc(u32),
    /// `rhs[node] += sign * a (lanes in order)`
    AccRhs(Reg, f64),
    /// `d[node] += sign * a (lanes in order)`
    AccD(Reg, f64),
    /// `d = weight[k] (NET_RECEIVE, one lane)`
    LdW(Reg, u32),
    /// `weight[k] = a`
    StW(u32, Reg),
    /// if mask: net_send at time `time` with flag
    NetSend(Option<Reg>, Reg, Reg),
    /// if mask: net_event at time
    NetEvent(Option<Reg>, Reg),
    /// if mask: net_move to time
    NetMove(Option<Reg>, Reg),
    /// KINETIC/sparse solve (index into `Compiled::kinetic`)
    Kinetic(u32),
    /// LINEAR solve (index into `Compiled::linear`)
    Linear(u32),
    /// derivimplicit Newton (index into `Compiled::implicit`)
    Implicit(u32),
    /// TABLE lookup (index into `Compiled::tables`): argument register, destinations
    Table(u32, Reg, Vec<Reg>),
    /// Skip the next `n` instructions if the (uniform) register is 0 (`usetable` switch)
    SkipIfZero(Reg, u32),
    /// Skip the next `n` instructions
    Skip(u32),
    /// The next `n` instructions only have effects where the mask register is non-zero (an
    /// if-converted branch): the scalar path skips them when it is 0, the batched path runs
    /// them (their effects are selected by the mask).
    Unless(Reg, u32),
}

/// The ops computing a value from registers (arithmetic, comparisons, logic, selects, math
/// calls), binding their destination to `$d`: a pattern.
macro_rules! value_op {
    ($d:ident) => {
        Op::Mov($d, _)
            | Op::Add($d, _, _)
            | Op::Sub($d, _, _)
            | Op::Mul($d, _, _)
            | Op::Div($d, _, _)
            | Op::Neg($d, _)
            | Op::Lt($d, _, _)
            | Op::Le($d, _, _)
            | Op::Gt($d, _, _)
            | Op::Ge($d, _, _)
            | Op::Eq($d, _, _)
            | Op::Ne($d, _, _)
            | Op::And($d, _, _)
            | Op::Or($d, _, _)
            | Op::Not($d, _)
            | Op::Sel($d, _, _, _)
            | Op::Call1(_, $d, _)
            | Op::Call2(_, $d, _, _)
    };
}

impl Op {
    /// The destination of an op computing a value from registers: the ops whose result the
    /// compiler may retarget.
    pub(crate) fn value_dest_mut(&mut self) -> Option<&mut Reg> {
        match self {
            value_op!(d) => Some(d),
            _ => None,
        }
    }

    /// The register an op writes: a value's destination or a load's.
    fn dest(&self) -> Option<Reg> {
        match self {
            value_op!(d)
            | Op::LdCol(d, _)
            | Op::LdGlob(d, _)
            | Op::LdV(d)
            | Op::LdArea(d)
            | Op::LdDiam(d)
            | Op::LdIon(d, _, _)
            | Op::LdW(d, _) => Some(*d),
            _ => None,
        }
    }
}

/// A straight-line kernel.
#[derive(Debug, Clone, Default)]
pub struct Kernel {
    /// Instructions.
    pub ops: Vec<Op>,
    /// Constants to fill in at entry: (register, value).
    pub consts: Vec<(Reg, f64)>,
    /// Uniform specials to fill at entry.
    pub specials: Vec<(Reg, Special)>,
    /// Scalar form (one instance at a time), if every op has one.
    pub scalar: Option<Box<ScalarKernel>>,
    /// Native code, compiled on first use (`jit.rs`).
    #[cfg(feature = "jit")]
    pub jit: crate::jit::JitSlot,
    /// Some op stores a GLOBAL (set by `Compiled::build_scalar`): the batched path then runs
    /// one instance per block.
    pub stores_global: bool,
}

/// A KINETIC scheme solved by `sparse` (here: Gaussian elimination with partial pivoting on
/// nocmodl's assembled system; numerics doc §2.8).
#[derive(Debug, Clone)]
pub struct KineticSys {
    /// State registers, in row order.
    pub states: Vec<Reg>,
    /// Reactions: (lhs terms (row, coef), rhs terms, kf reg, kb reg (None for ->)).
    pub reactions: Vec<Reaction>,
    /// CONSERVE rows: (replaced row, terms rows in evaluation order, total register).
    pub conserve: Vec<(usize, Vec<usize>, Reg)>,
    /// Solve for the steady state (STEADYSTATE) instead of one step.
    pub steady: bool,
}

/// One reaction of a KINETIC scheme.
#[derive(Debug, Clone)]
pub struct Reaction {
    /// Left side (row, stoichiometry).
    pub lhs: Vec<(usize, u32)>,
    /// Right side.
    pub rhs: Vec<(usize, u32)>,
    /// Forward rate.
    pub kf: Reg,
    /// Backward rate.
    pub kb: Option<Reg>,
}

/// A LINEAR block: rows of (column, coefficient register) and the right-hand side register.
#[derive(Debug, Clone)]
pub struct LinearSys {
    /// Unknown registers (columns).
    pub unknowns: Vec<Reg>,
    /// Row coefficient registers: `coef[row][col]` (None = 0).
    pub coef: Vec<Vec<Option<Reg>>>,
    /// Right-hand sides.
    pub rhs: Vec<Reg>,
}

/// derivimplicit: states, the kernel evaluating the derivatives (state regs → deriv regs).
#[derive(Debug, Clone)]
pub struct ImplicitSys {
    /// State registers.
    pub states: Vec<Reg>,
    /// Derivative registers (written by `body`).
    pub derivs: Vec<Reg>,
    /// Kernel evaluating the derivatives from the current states.
    pub body: Kernel,
}

/// A TABLE: grid and tabulated outputs (per type).
#[derive(Debug, Clone)]
pub struct TableDef {
    /// Kernel computing the outputs from the argument register `arg` (scalar build).
    pub body: Kernel,
    /// Argument register inside `body`.
    pub arg: Reg,
    /// Output registers inside `body`.
    pub body_outs: Vec<Reg>,
    /// FROM, TO, WITH (computed at build time from registers of `bounds`).
    pub bounds: Kernel,
    /// Registers holding lo, hi, n after `bounds` runs.
    pub bounds_regs: [Reg; 3],
    /// Globals this table depends on (indices into the type's globals; celsius is special).
    pub depend_globals: Vec<u32>,
    /// Depends on celsius.
    pub depend_celsius: bool,
    /// Depends on dt.
    pub depend_dt: bool,
}

/// Built table data.
#[derive(Debug, Clone, Default)]
pub struct TableData {
    /// Built at least once.
    pub built: bool,
    /// Saved DEPEND values.
    pub saved: Vec<f64>,
    /// lo.
    pub lo: f64,
    /// 1/dx.
    pub mfac: f64,
    /// WITH.
    pub n: usize,
    /// Values per output: n+1 points each.
    pub vals: Vec<Vec<f64>>,
}

/// Per-type scratch registers (allocated once).
#[derive(Debug, Default)]
#[cfg_attr(not(feature = "jit"), allow(dead_code))]
pub struct Scratch {
    pub(crate) regs: Vec<f64>,
    pub(crate) tables: Vec<TableData>,
    pub(crate) mat: Vec<f64>,
    pub(crate) vec: Vec<f64>,
    pub(crate) vec2: Vec<f64>,
    pub(crate) newton: Vec<f64>,
    /// Register files of the scalar kernels (by [`ScalarKernel`] slot).
    pub(crate) scalar: Vec<Vec<f64>>,
    /// Persistent register files of the compiled `current` (0) and `state` (1) kernels.
    pub(crate) jit_files: [Vec<f64>; 2],
    /// Ion field addresses (`5*slot + field`) for a compiled kernel call.
    pub(crate) jit_ions: Vec<*mut f64>,
    /// Largest node index + 1, computed on the first compiled call (instances' nodes never
    /// change).
    pub(crate) jit_shape: Option<usize>,
}

// SAFETY: `jit_ions` only carries addresses from one compiled-kernel call to the
// next rebuild; they are rewritten before every call and never dereferenced otherwise.
unsafe impl Send for Scratch {}
// SAFETY: as above; `&Scratch` gives no access to the addresses' targets.
unsafe impl Sync for Scratch {}

/// Extra per-instance storage (reserved).
#[derive(Debug, Default)]
pub struct Extra {}

/// A compiled mechanism program.
#[derive(Debug, Default)]
pub struct Compiled {
    /// Number of registers.
    pub nregs: usize,
    /// INITIAL.
    pub init: Kernel,
    /// nrn_cur + nrn_jacob (None: the type has no current).
    pub current: Option<Kernel>,
    /// nrn_state (None: nothing to integrate).
    pub state: Option<Kernel>,
    /// NET_RECEIVE.
    pub net_receive: Option<Kernel>,
    /// NET_RECEIVE's INITIAL block.
    pub net_receive_init: Option<Kernel>,
    /// KINETIC systems.
    pub kinetic: Vec<KineticSys>,
    /// LINEAR systems.
    pub linear: Vec<LinearSys>,
    /// derivimplicit systems.
    pub implicit: Vec<ImplicitSys>,
    /// TABLEs.
    pub tables: Vec<TableDef>,
    /// Artificial cell (no node).
    #[allow(dead_code)]
    pub artificial: bool,
    /// Mechanism name (for errors).
    pub name: String,
    /// The current kernel has the shape of a linear leak (`i = g*(v - e)`, e.g. `pas`) and is
    /// run by the native loop `leak_current` (when the JIT does not take it): columns (g, e, i).
    pub leak: Option<[u32; 3]>,
}

struct Env<'a, 'b, 'c> {
    nodes: &'a [usize],
    base: usize,
    n: usize,
    ion_slots: &'a [usize],
    ctx: &'a mut Ctx<'b>,
    sink: Option<&'a mut (dyn EventSink + 'c)>,
    weights: Option<&'a mut [f64]>,
    flag: f64,
}

impl Compiled {
    pub fn new_scratch(&self) -> Scratch {
        Scratch {
            regs: vec![0.0; self.nregs * LANES],
            tables: vec![TableData::default(); self.tables.len()],
            mat: Vec::new(),
            vec: Vec::new(),
            vec2: Vec::new(),
            newton: Vec::new(),
            scalar: Vec::new(),
            jit_files: [Vec::new(), Vec::new()],
            jit_ions: Vec::new(),
            jit_shape: None,
        }
    }
    pub fn new_extra(&self, _n: usize) -> Extra {
        Extra {}
    }

    fn check_tables(&self, m: &mut MechInstances, ctx: &mut Ctx<'_>) -> Result<(), ExecError> {
        if m.nodes.is_empty() {
            return Ok(());
        }
        for (ti, td) in self.tables.iter().enumerate() {
            let dep = |k: usize| -> f64 {
                let mut k = k;
                if td.depend_celsius {
                    if k == 0 {
                        return ctx.globals.celsius;
                    }
                    k -= 1;
                }
                if td.depend_dt {
                    if k == 0 {
                        return ctx.globals.dt;
                    }
                    k -= 1;
                }
                m.globals[td.depend_globals[k] as usize]
            };
            let ndep = td.depend_celsius as usize + td.depend_dt as usize + td.depend_globals.len();
            let data = &m.scratch.tables[ti];
            if data.built && (0..ndep).all(|k| data.saved[k].to_bits() == dep(k).to_bits()) {
                continue;
            }
            let cur: Vec<f64> = (0..ndep).map(dep).collect();
            // build: run bounds, then the body at each grid point (scalar, lane 0, instance 0)
            let nodes = m.nodes.clone();
            let slots = m.ion_slots.clone();
            let mut regs = std::mem::take(&mut m.scratch.regs);
            let mut tables = std::mem::take(&mut m.scratch.tables);
            {
                let mut env = Env {
                    nodes: &nodes,
                    base: 0,
                    n: 1,
                    ion_slots: &slots,
                    ctx: &mut *ctx,
                    sink: None,
                    weights: None,
                    flag: 0.0,
                };
                self.exec(&td.bounds, m, &mut regs, &mut tables, &mut env)?;
                let lo = regs[td.bounds_regs[0] as usize * LANES];
                let hi = regs[td.bounds_regs[1] as usize * LANES];
                let nn = regs[td.bounds_regs[2] as usize * LANES];
                if !(1.0..=1e7).contains(&nn) {
                    m.scratch.regs = regs;
                    m.scratch.tables = tables;
                    return Err(ExecError::BadTable {
                        mech: self.name.clone(),
                        lo,
                        hi,
                        with: nn,
                    });
                }
                let n = nn as usize;
                let dx = (hi - lo) / nn;
                let mut vals = vec![Vec::with_capacity(n + 1); td.body_outs.len()];
                let mut x = lo;
                for _ in 0..=n {
                    for l in 0..LANES {
                        regs[td.arg as usize * LANES + l] = x;
                    }
                    self.exec(&td.body, m, &mut regs, &mut tables, &mut env)?;
                    for (k, r) in td.body_outs.iter().enumerate() {
                        vals[k].push(regs[*r as usize * LANES]);
                    }
                    x += dx;
                }
                tables[ti] = TableData {
                    built: true,
                    saved: cur,
                    lo,
                    mfac: 1.0 / dx,
                    n,
                    vals,
                };
            }
            m.scratch.regs = regs;
            m.scratch.tables = tables;
        }
        Ok(())
    }

    fn run_blocks(
        &self,
        k: &Kernel,
        m: &mut MechInstances,
        ctx: &mut Ctx<'_>,
        mut sink: Option<&mut dyn EventSink>,
    ) -> Result<(), ExecError> {
        let total = m.nodes.len();
        if let Some(r) = self.try_scalar(k, m, ctx, 0..total, None, 0.0, sink.as_deref_mut()) {
            return r;
        }
        let nodes = std::mem::take(&mut m.nodes);
        let slots = std::mem::take(&mut m.ion_slots);
        let mut regs = std::mem::take(&mut m.scratch.regs);
        let mut tables = std::mem::take(&mut m.scratch.tables);
        let mut base = 0;
        let mut res = Ok(());
        // A kernel that stores a GLOBAL runs one instance per block: NEURON runs instances one
        // after the other, so an instance reads the GLOBAL as the previous one left it (a block
        // would load it once for all its lanes).
        let lanes = if k.stores_global { 1 } else { LANES };
        while base < total {
            let n = (total - base).min(lanes);
            let mut env = Env {
                nodes: &nodes,
                base,
                n,
                ion_slots: &slots,
                ctx: &mut *ctx,
                sink: sink.as_deref_mut(),
                weights: None,
                flag: 0.0,
            };
            if let Err(e) = self.exec(k, m, &mut regs, &mut tables, &mut env) {
                res = Err(e);
                break;
            }
            base += n;
        }
        m.nodes = nodes;
        m.ion_slots = slots;
        m.scratch.regs = regs;
        m.scratch.tables = tables;
        res
    }

    pub fn run_init(
        &self,
        m: &mut MechInstances,
        c: &mut Ctx<'_>,
        s: &mut dyn EventSink,
    ) -> Result<(), ExecError> {
        self.check_tables(m, c)?;
        self.run_blocks(&self.init, m, c, Some(s))
    }
    pub fn run_current(&self, m: &mut MechInstances, c: &mut Ctx<'_>) -> Result<(), ExecError> {
        let Some(k) = &self.current else {
            return Ok(());
        };
        self.check_tables(m, c)?;
        #[cfg(feature = "jit")]
        if let Some(r) = self.try_jit(k, 0, m, c) {
            return self.jit_result(r);
        }
        if let Some(cols) = self.leak {
            leak_current(m, c, cols);
            return Ok(());
        }
        self.run_blocks(k, m, c, None)
    }
    pub fn run_state(&self, m: &mut MechInstances, c: &mut Ctx<'_>) -> Result<(), ExecError> {
        match &self.state {
            Some(k) => {
                #[cfg(feature = "jit")]
                if let Some(r) = self.try_jit(k, 1, m, c) {
                    return self.jit_result(r);
                }
                self.run_blocks(k, m, c, None)
            }
            None => Ok(()),
        }
    }

    /// The result of a compiled kernel call: 0, or 1 + the instance whose KINETIC system was
    /// singular.
    #[cfg(feature = "jit")]
    #[inline]
    fn jit_result(&self, r: u64) -> Result<(), ExecError> {
        if r == 0 {
            Ok(())
        } else {
            Err(self.singular(r as usize - 1))
        }
    }

    #[cfg(feature = "jit")]
    #[cold]
    fn singular(&self, instance: usize) -> ExecError {
        ExecError::Singular {
            mech: self.name.clone(),
            method: "sparse",
            instance,
        }
    }

    /// Run `k` as native code (`jit.rs`) if it compiles and every array it indexes is large
    /// enough; `None` leaves it to the VM, else the call's result (see [`Self::jit_result`]).
    /// `which`: 0 current, 1 state.
    #[cfg(feature = "jit")]
    fn try_jit(
        &self,
        k: &Kernel,
        which: usize,
        m: &mut MechInstances,
        ctx: &mut Ctx<'_>,
    ) -> Option<u64> {
        if !crate::jit::enabled() {
            return None;
        }
        let jk = k.jit.get(k, self.nregs, &self.kinetic)?;
        let n = m.nodes.len();
        if n == 0 {
            return Some(0);
        }
        // bounds: the compiled code does not check indices, so check everything it may touch
        let need = *m
            .scratch
            .jit_shape
            .get_or_insert_with(|| m.nodes.iter().copied().max().unwrap_or(0) + 1);
        if m.columns.len() < jk.ncols as usize
            || m.columns.rows() != n
            || m.scratch.regs.len() < self.nregs * LANES
        {
            return None;
        }
        let need = if jk.uses_nodes { need } else { 0 };
        if ctx.v.len() < need
            || ctx.rhs.len() < need
            || ctx.d.len() < need
            || ctx.area.len() < need
            || ctx.diam.len() < need
        {
            return None;
        }
        let sc = &mut m.scratch;
        // ion field addresses, checking the lengths of the ions the kernel touches
        sc.jit_ions
            .resize(5 * m.ion_slots.len(), std::ptr::null_mut());
        for (s, &i) in m.ion_slots.iter().enumerate() {
            let ion = ctx.ions.get_mut(i)?;
            if s < 32 && jk.ion_mask & (1 << s) != 0 {
                let l = ion.e.len().min(ion.ci.len()).min(ion.co.len());
                let l = l.min(ion.i.len()).min(ion.di_dv.len()).min(ion.style.len());
                if l < need {
                    return None;
                }
            }
            let p = &mut sc.jit_ions[5 * s..5 * s + 5];
            p[0] = ion.e.as_mut_ptr();
            p[1] = ion.ci.as_mut_ptr();
            p[2] = ion.co.as_mut_ptr();
            p[3] = ion.i.as_mut_ptr();
            p[4] = ion.di_dv.as_mut_ptr();
        }
        if m.ion_slots.len() < 32 && jk.ion_mask >> m.ion_slots.len() != 0 {
            return None;
        }
        let file = &mut sc.jit_files[which];
        if file.len() != jk.file_len as usize {
            file.clear();
            file.resize(jk.file_len as usize, 0.0);
            for &(i, v) in &jk.owner.file_init {
                file[i] = v;
            }
        }
        let args = crate::jit::Args {
            n: n as u64,
            nodes: m.nodes.as_ptr(),
            cols: m.columns.as_mut_ptr(),
            globals: m.globals.as_mut_ptr(),
            v: ctx.v.as_ptr(),
            rhs: ctx.rhs.as_mut_ptr(),
            d: ctx.d.as_mut_ptr(),
            area: ctx.area.as_ptr(),
            diam: ctx.diam.as_ptr(),
            ions: sc.jit_ions.as_ptr(),
            regs: sc.jit_files[which].as_mut_ptr(),
            t: ctx.globals.t,
            dt: ctx.globals.dt,
            celsius: ctx.globals.celsius,
            ion_arrays: ctx.ions.as_mut_ptr(),
            ion_slots: m.ion_slots.as_ptr(),
            compiled: self,
            kin_regs: sc.regs.as_mut_ptr(),
            kin_regs_len: sc.regs.len() as u64,
            kin_mat: &mut sc.mat,
            kin_v1: &mut sc.vec,
            kin_v2: &mut sc.vec2,
        };
        // SAFETY: checked above: `n` nodes and `n` entries in every column, every node below
        // the length of every node and ion array; `globals` is the type's GLOBAL vector (the
        // compiler only emits indices of declared globals); the file has `file_len` entries.
        // The VM register file has `nregs * LANES` entries (checked) and is not otherwise in use
        // (the VM takes it only inside its own calls). Nothing else borrows these arrays during
        // the call.
        Some(unsafe { jk.call(&args) })
    }
    fn run_one(
        &self,
        k: &Kernel,
        m: &mut MechInstances,
        ctx: &mut Ctx<'_>,
        inst: usize,
        w: &mut [f64],
        flag: f64,
        mut sink: Option<&mut dyn EventSink>,
    ) -> Result<(), ExecError> {
        if let Some(r) = self.try_scalar(
            k,
            m,
            ctx,
            inst..inst + 1,
            Some(&mut *w),
            flag,
            sink.as_deref_mut(),
        ) {
            return r;
        }
        let nodes = std::mem::take(&mut m.nodes);
        let slots = std::mem::take(&mut m.ion_slots);
        let mut regs = std::mem::take(&mut m.scratch.regs);
        let mut tables = std::mem::take(&mut m.scratch.tables);
        let mut env = Env {
            nodes: &nodes,
            base: inst,
            n: 1,
            ion_slots: &slots,
            ctx,
            sink,
            weights: Some(w),
            flag,
        };
        let r = self.exec(k, m, &mut regs, &mut tables, &mut env);
        m.nodes = nodes;
        m.ion_slots = slots;
        m.scratch.regs = regs;
        m.scratch.tables = tables;
        r
    }
    pub fn run_net_receive(
        &self,
        m: &mut MechInstances,
        c: &mut Ctx<'_>,
        i: usize,
        w: &mut [f64],
        f: f64,
        s: &mut dyn EventSink,
    ) -> Result<(), ExecError> {
        match &self.net_receive {
            Some(k) => self.run_one(k, m, c, i, w, f, Some(s)),
            None => Ok(()),
        }
    }
    pub fn run_net_receive_init(
        &self,
        m: &mut MechInstances,
        c: &mut Ctx<'_>,
        i: usize,
        w: &mut [f64],
    ) -> Result<(), ExecError> {
        match &self.net_receive_init {
            Some(k) => self.run_one(k, m, c, i, w, 0.0, None),
            None => Ok(()),
        }
    }

    fn exec(
        &self,
        k: &Kernel,
        m: &mut MechInstances,
        regs: &mut [f64],
        tables: &mut [TableData],
        env: &mut Env<'_, '_, '_>,
    ) -> Result<(), ExecError> {
        let n = env.n;
        let base = env.base;
        macro_rules! r {
            ($x:expr) => {
                ($x as usize) * LANES
            };
        }
        for (reg, val) in &k.consts {
            regs[r!(*reg)..r!(*reg) + LANES].fill(*val);
        }
        for (reg, sp) in &k.specials {
            let val = match sp {
                Special::T => env.ctx.globals.t,
                Special::Dt => env.ctx.globals.dt,
                Special::Celsius => env.ctx.globals.celsius,
                Special::Flag => env.flag,
            };
            regs[r!(*reg)..r!(*reg) + LANES].fill(val);
        }
        // Arithmetic runs over all LANES lanes (fixed-size arrays: no bounds checks, the loops
        // vectorise); lanes past `n` hold values that are never stored.
        // Arithmetic runs over all LANES lanes on fixed-size arrays (no bounds checks; the
        // loops vectorise); lanes past `n` hold values that are never stored.
        // Registers as LANES-wide blocks; results are written in place when the destination
        // is distinct from the operands (else the operands are copied first).
        macro_rules! bin {
            ($d:expr, $a:expr, $b:expr, $f:expr) => {{
                let (d, a, b) = (*$d as usize, *$a as usize, *$b as usize);
                let rr = regs.as_chunks_mut::<LANES>().0;
                if d != a && d != b && a != b {
                    let [o, x, y] = rr.get_disjoint_mut([d, a, b]).unwrap();
                    for l in 0..LANES {
                        o[l] = $f(x[l], y[l]);
                    }
                } else {
                    let (x, y) = (rr[a], rr[b]);
                    let o = &mut rr[d];
                    for l in 0..LANES {
                        o[l] = $f(x[l], y[l]);
                    }
                }
            }};
        }
        macro_rules! un {
            ($d:expr, $a:expr, $f:expr) => {{
                let (d, a) = (*$d as usize, *$a as usize);
                let rr = regs.as_chunks_mut::<LANES>().0;
                if d != a {
                    let [o, x] = rr.get_disjoint_mut([d, a]).unwrap();
                    for l in 0..LANES {
                        o[l] = $f(x[l]);
                    }
                } else {
                    let x = rr[a];
                    let o = &mut rr[d];
                    for l in 0..LANES {
                        o[l] = $f(x[l]);
                    }
                }
            }};
        }
        let b2f = |b: bool| if b { 1.0 } else { 0.0 };
        let mut pc = 0usize;
        while pc < k.ops.len() {
            let op = &k.ops[pc];
            pc += 1;
            match op {
                Op::Mov(d, a) => un!(d, a, |x| x),
                Op::Add(d, a, b) => bin!(d, a, b, |x: f64, y: f64| x + y),
                Op::Sub(d, a, b) => bin!(d, a, b, |x: f64, y: f64| x - y),
                Op::Mul(d, a, b) => bin!(d, a, b, |x: f64, y: f64| x * y),
                Op::Div(d, a, b) => bin!(d, a, b, |x: f64, y: f64| x / y),
                Op::Neg(d, a) => un!(d, a, |x: f64| -x),
                Op::Lt(d, a, b) => bin!(d, a, b, |x: f64, y: f64| b2f(x < y)),
                Op::Le(d, a, b) => bin!(d, a, b, |x: f64, y: f64| b2f(x <= y)),
                Op::Gt(d, a, b) => bin!(d, a, b, |x: f64, y: f64| b2f(x > y)),
                Op::Ge(d, a, b) => bin!(d, a, b, |x: f64, y: f64| b2f(x >= y)),
                Op::Eq(d, a, b) => bin!(d, a, b, |x: f64, y: f64| b2f(x == y)),
                Op::Ne(d, a, b) => bin!(d, a, b, |x: f64, y: f64| b2f(x != y)),
                Op::And(d, a, b) => bin!(d, a, b, |x: f64, y: f64| b2f(x != 0.0 && y != 0.0)),
                Op::Or(d, a, b) => bin!(d, a, b, |x: f64, y: f64| b2f(x != 0.0 || y != 0.0)),
                Op::Not(d, a) => un!(d, a, |x: f64| b2f(x == 0.0)),
                Op::Sel(d, c, a, b) => {
                    let (d, c, a, b) = (*d as usize, *c as usize, *a as usize, *b as usize);
                    let rr = regs.as_chunks_mut::<LANES>().0;
                    let (cc, x, y) = (rr[c], rr[a], rr[b]);
                    let o = &mut rr[d];
                    for l in 0..LANES {
                        o[l] = if cc[l] != 0.0 { x[l] } else { y[l] };
                    }
                }
                // libm calls only on the live lanes (the others are never stored); a lane whose
                // argument has the same bits as the previous lane's reuses its result (the
                // functions are deterministic: the same bits as calling again), e.g. the
                // `exp(dt*(-1/tau))` of synapses sharing their time constants
                Op::Call1(f, d, a) => {
                    let (d, a) = (r!(*d), r!(*a));
                    let mut last: Option<(u64, f64)> = None;
                    for l in 0..n {
                        let x = regs[a + l];
                        let y = match last {
                            Some((bits, y)) if bits == x.to_bits() => y,
                            _ => f.apply(x),
                        };
                        last = Some((x.to_bits(), y));
                        regs[d + l] = y;
                    }
                }
                Op::Call2(f, d, a, b) => {
                    let (d, a, b) = (r!(*d), r!(*a), r!(*b));
                    let mut last: Option<(u64, u64, f64)> = None;
                    for l in 0..n {
                        let (x, z) = (regs[a + l], regs[b + l]);
                        let y = match last {
                            Some((bx, bz, y)) if bx == x.to_bits() && bz == z.to_bits() => y,
                            _ => f.apply(x, z),
                        };
                        last = Some((x.to_bits(), z.to_bits(), y));
                        regs[d + l] = y;
                    }
                }
                Op::LdCol(d, c) => {
                    let col = &m.columns[*c as usize][base..base + n];
                    regs[r!(*d)..r!(*d) + n].copy_from_slice(col);
                }
                Op::StCol(c, a) => {
                    let col = &mut m.columns[*c as usize][base..base + n];
                    col.copy_from_slice(&regs[r!(*a)..r!(*a) + n]);
                }
                Op::LdGlob(d, g) => {
                    let v = m.globals[*g as usize];
                    regs[r!(*d)..r!(*d) + n].fill(v);
                }
                Op::StGlob(g, a) => {
                    m.globals[*g as usize] = regs[r!(*a) + n - 1];
                }
                Op::LdV(d) => {
                    let d = r!(*d);
                    let nodes = &env.nodes[base..base + n];
                    for (x, nd) in regs[d..d + n].iter_mut().zip(nodes) {
                        *x = env.ctx.v[*nd];
                    }
                }
                Op::LdArea(d) => {
                    let d = r!(*d);
                    for l in 0..n {
                        regs[d + l] = env.ctx.area[env.nodes[base + l]];
                    }
                }
                Op::LdDiam(d) => {
                    let d = r!(*d);
                    for l in 0..n {
                        regs[d + l] = env.ctx.diam[env.nodes[base + l]];
                    }
                }
                Op::LdIon(d, s, f) => {
                    let ion = &env.ctx.ions[env.ion_slots[*s as usize]];
                    let arr = ion_arr(ion, *f);
                    let d = r!(*d);
                    let nodes = &env.nodes[base..base + n];
                    for (x, nd) in regs[d..d + n].iter_mut().zip(nodes) {
                        *x = arr[*nd];
                    }
                }
                Op::StIon(s, f, a) => {
                    let ion = &mut env.ctx.ions[env.ion_slots[*s as usize]];
                    let arr = ion_arr_mut(ion, *f);
                    let a = r!(*a);
                    for l in 0..n {
                        arr[env.nodes[base + l]] = regs[a + l];
                    }
                }
                Op::AddIon(s, f, a) => {
                    let ion = &mut env.ctx.ions[env.ion_slots[*s as usize]];
                    let arr = ion_arr_mut(ion, *f);
                    let a = r!(*a);
                    let nodes = &env.nodes[base..base + n];
                    for (nd, x) in nodes.iter().zip(&regs[a..a + n]) {
                        arr[*nd] += *x;
                    }
                }
                Op::WroteConc(s) => {
                    let celsius = env.ctx.globals.celsius;
                    let ion = &mut env.ctx.ions[env.ion_slots[*s as usize]];
                    for l in 0..n {
                        let nd = env.nodes[base + l];
                        if ion.style[nd] & style::EINIT != 0 {
                            ion.e[nd] = nernst(ion.ci[nd], ion.co[nd], ion.charge, celsius);
                        }
                    }
                }
                Op::AccRhs(a, sign) => {
                    let a = r!(*a);
                    let nodes = &env.nodes[base..base + n];
                    let vals = &regs[a..a + n];
                    if *sign > 0.0 {
                        for (nd, x) in nodes.iter().zip(vals) {
                            env.ctx.rhs[*nd] += *x;
                        }
                    } else {
                        for (nd, x) in nodes.iter().zip(vals) {
                            env.ctx.rhs[*nd] -= *x;
                        }
                    }
                }
                Op::AccD(a, sign) => {
                    let a = r!(*a);
                    let nodes = &env.nodes[base..base + n];
                    let vals = &regs[a..a + n];
                    if *sign > 0.0 {
                        for (nd, x) in nodes.iter().zip(vals) {
                            env.ctx.d[*nd] += *x;
                        }
                    } else {
                        for (nd, x) in nodes.iter().zip(vals) {
                            env.ctx.d[*nd] -= *x;
                        }
                    }
                }
                Op::LdW(d, k) => {
                    let v = env
                        .weights
                        .as_ref()
                        .and_then(|w| w.get(*k as usize).copied())
                        .unwrap_or(0.0);
                    regs[r!(*d)..r!(*d) + n].fill(v);
                }
                Op::StW(k, a) => {
                    let v = regs[r!(*a)];
                    if let Some(w) = env.weights.as_mut() {
                        if let Some(x) = w.get_mut(*k as usize) {
                            *x = v;
                        }
                    }
                }
                Op::NetSend(mask, time, flag) => {
                    for l in 0..n {
                        if mask.is_none_or(|mk| regs[r!(mk) + l] != 0.0) {
                            if let Some(s) = env.sink.as_mut() {
                                s.net_send(base + l, regs[r!(*time) + l], regs[r!(*flag) + l]);
                            }
                        }
                    }
                }
                Op::NetEvent(mask, time) => {
                    for l in 0..n {
                        if mask.is_none_or(|mk| regs[r!(mk) + l] != 0.0) {
                            if let Some(s) = env.sink.as_mut() {
                                s.net_event(base + l, regs[r!(*time) + l]);
                            }
                        }
                    }
                }
                Op::NetMove(mask, time) => {
                    for l in 0..n {
                        if mask.is_none_or(|mk| regs[r!(mk) + l] != 0.0) {
                            if let Some(s) = env.sink.as_mut() {
                                s.net_move(base + l, regs[r!(*time) + l]);
                            }
                        }
                    }
                }
                Op::Kinetic(i) => {
                    let sys = &self.kinetic[*i as usize];
                    crate::solvers::kinetic(
                        sys,
                        regs,
                        n,
                        env.ctx.globals.dt,
                        &mut m.scratch.mat,
                        &mut m.scratch.vec,
                        &mut m.scratch.vec2,
                    )
                    .map_err(|l| ExecError::Singular {
                        mech: self.name.clone(),
                        method: "sparse",
                        instance: base + l,
                    })?;
                }
                Op::Linear(i) => {
                    let sys = &self.linear[*i as usize];
                    crate::solvers::linear(sys, regs, n, &mut m.scratch.mat, &mut m.scratch.vec)
                        .map_err(|l| ExecError::Singular {
                            mech: self.name.clone(),
                            method: "simeq",
                            instance: base + l,
                        })?;
                }
                Op::Implicit(i) => {
                    let sys = &self.implicit[*i as usize];
                    let dt = env.ctx.globals.dt;
                    for l in 0..n {
                        self.newton(sys, m, regs, tables, env, l, dt)?;
                    }
                }
                Op::SkipIfZero(c, skip) => {
                    if regs[r!(*c)] == 0.0 {
                        pc += *skip as usize;
                    }
                }
                Op::Skip(skip) => pc += *skip as usize,
                Op::Unless(..) => {}
                Op::Table(i, arg, outs) => {
                    let data = &tables[*i as usize];
                    let a = r!(*arg);
                    for l in 0..n {
                        let x = regs[a + l];
                        let xi = data.mfac * (x - data.lo);
                        for (k, out) in outs.iter().enumerate() {
                            let t = &data.vals[k];
                            let v = if xi.is_nan() {
                                xi
                            } else if xi <= 0.0 {
                                t[0]
                            } else if xi >= data.n as f64 {
                                t[data.n]
                            } else {
                                let i = xi as usize;
                                let theta = xi - i as f64;
                                t[i] + theta * (t[i + 1] - t[i])
                            };
                            regs[r!(*out) + l] = v;
                        }
                    }
                }
            }
        }
        Ok(())
    }

    /// derivimplicit for one lane: backward Euler by Newton iteration with a numerical
    /// Jacobian (scopmath `newton` constants, numerics doc §2.7).
    #[allow(clippy::too_many_arguments)]
    fn newton(
        &self,
        sys: &ImplicitSys,
        m: &mut MechInstances,
        regs: &mut [f64],
        tables: &mut [TableData],
        env: &mut Env<'_, '_, '_>,
        lane: usize,
        dt: f64,
    ) -> Result<(), ExecError> {
        let ns = sys.states.len();
        // work space reused across calls (no allocation per step once sized)
        let mut buf = std::mem::take(&mut m.scratch.newton);
        buf.resize(7 * ns + 2 * ns * ns, 0.0);
        let (obase, on) = (env.base, env.n);
        // evaluate with n = lane+1 (lanes before `lane` recompute harmlessly)
        env.n = lane + 1;
        let r = self.newton_in(sys, m, regs, tables, env, lane, dt, &mut buf);
        env.base = obase;
        env.n = on;
        m.scratch.newton = buf;
        r
    }

    /// scopmath's newton: Jacobian by central differences perturbing x in place, rebuilt while
    /// the relative change exceeds MAXCHANGE; convergence needs change <= CONVERGE and
    /// max |F| <= ZERO after the update.
    #[allow(clippy::too_many_arguments)]
    fn newton_in(
        &self,
        sys: &ImplicitSys,
        m: &mut MechInstances,
        regs: &mut [f64],
        tables: &mut [TableData],
        env: &mut Env<'_, '_, '_>,
        lane: usize,
        dt: f64,
        buf: &mut [f64],
    ) -> Result<(), ExecError> {
        const MAXCHANGE: f64 = 0.05;
        const CONVERGE: f64 = 1e-6;
        const ZERO: f64 = 1e-8;
        const MAXITERS: usize = 50;
        let ns = sys.states.len();
        let (saved, rest) = buf.split_at_mut(ns);
        let (x, rest) = rest.split_at_mut(ns);
        let (value, rest) = rest.split_at_mut(ns);
        let (f, rest) = rest.split_at_mut(ns);
        let (hi, rest) = rest.split_at_mut(ns);
        let (lo, rest) = rest.split_at_mut(ns);
        let (delta, rest) = rest.split_at_mut(ns);
        let (jac, lu) = rest.split_at_mut(ns * ns);
        for (k, r) in sys.states.iter().enumerate() {
            saved[k] = regs[*r as usize * LANES + lane];
            x[k] = saved[k];
        }
        let saved: &[f64] = saved;
        let mut eval = |x: &[f64],
                        out: &mut [f64],
                        regs: &mut [f64],
                        m: &mut MechInstances,
                        env: &mut Env<'_, '_, '_>|
         -> Result<(), ExecError> {
            for (k, r) in sys.states.iter().enumerate() {
                regs[*r as usize * LANES + lane] = x[k];
            }
            self.exec(&sys.body, m, regs, tables, env)?;
            for k in 0..ns {
                out[k] = regs[sys.derivs[k] as usize * LANES + lane] - (x[k] - saved[k]) / dt;
            }
            Ok(())
        };
        let mut ok = false;
        let mut change = 1.0f64;
        let mut count = 0usize;
        loop {
            if change > MAXCHANGE {
                for j in 0..ns {
                    let inc = (0.02 * x[j]).abs().max(1e-6);
                    x[j] += inc;
                    eval(x, hi, regs, m, env)?;
                    x[j] -= 2.0 * inc;
                    eval(x, lo, regs, m, env)?;
                    for i in 0..ns {
                        jac[i * ns + j] = (hi[i] - lo[i]) / (2.0 * inc);
                    }
                    x[j] += inc;
                }
                eval(x, f, regs, m, env)?;
                for i in 0..ns {
                    value[i] = -f[i];
                }
            }
            lu.copy_from_slice(jac);
            delta.copy_from_slice(value);
            if crate::solvers::gauss(lu, delta, ns).is_err() {
                return Err(ExecError::Singular {
                    mech: self.name.clone(),
                    method: "derivimplicit",
                    instance: env.base + lane,
                });
            }
            change = 0.0;
            for i in 0..ns {
                if x[i].abs() > ZERO {
                    let t = (delta[i] / x[i]).abs();
                    if t > change {
                        change = t;
                    }
                }
                x[i] += delta[i];
            }
            eval(x, f, regs, m, env)?;
            let mut max_dev = 0.0f64;
            for i in 0..ns {
                value[i] = -f[i];
                max_dev = max_dev.max(value[i].abs());
            }
            if change <= CONVERGE && max_dev <= ZERO {
                ok = true;
                break;
            }
            count += 1;
            if count >= MAXITERS {
                break;
            }
        }
        // the block runs once more at the solution (assigned values consistent)
        eval(x, f, regs, m, env)?;
        for (k, r) in sys.states.iter().enumerate() {
            regs[*r as usize * LANES + lane] = x[k];
        }
        if !ok {
            return Err(ExecError::NoConvergence {
                mech: self.name.clone(),
                method: "derivimplicit",
                instance: env.base + lane,
                t: env.ctx.globals.t,
            });
        }
        Ok(())
    }
}

fn ion_arr(ion: &crate::runtime::IonArrays, f: IonField) -> &[f64] {
    match f {
        IonField::E => &ion.e,
        IonField::Ci => &ion.ci,
        IonField::Co => &ion.co,
        IonField::I => &ion.i,
        IonField::DiDv => &ion.di_dv,
    }
}

fn ion_arr_mut(ion: &mut crate::runtime::IonArrays, f: IonField) -> &mut [f64] {
    match f {
        IonField::E => &mut ion.e,
        IonField::Ci => &mut ion.ci,
        IonField::Co => &mut ion.co,
        IonField::I => &mut ion.i,
        IonField::DiDv => &mut ion.di_dv,
    }
}

// ---------------------------------------------------------------------------------------------
// Scalar path: one instance at a time on a compact register file.

/// Kernels run with at most this many instances go through the scalar path (when allowed).
pub const SCALAR_MAX: usize = 4;

static SCALAR_ENABLED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(true);

/// Benchmarks only: route every kernel through the batched path (`false`) or let few-instance
/// kernels take the scalar path (`true`, the default). Results are bit-identical either way.
#[doc(hidden)]
pub fn set_scalar_enabled(on: bool) {
    SCALAR_ENABLED.store(on, std::sync::atomic::Ordering::Relaxed);
}

/// A scalar instruction: the same operations as [`Op`], on a compact `f64` register file
/// (register `r` is `regs[r]`), with the constants filled once.
#[derive(Debug, Clone, Copy, PartialEq)]
enum SOp {
    Mov(u32, u32),
    Add(u32, u32, u32),
    Sub(u32, u32, u32),
    Mul(u32, u32, u32),
    Div(u32, u32, u32),
    Neg(u32, u32),
    Lt(u32, u32, u32),
    Le(u32, u32, u32),
    Gt(u32, u32, u32),
    Ge(u32, u32, u32),
    Eq(u32, u32, u32),
    Ne(u32, u32, u32),
    And(u32, u32, u32),
    Or(u32, u32, u32),
    Not(u32, u32),
    Sel(u32, u32, u32, u32),
    Exp(u32, u32),
    Call1(F1, u32, u32),
    Pow(u32, u32, u32),
    /// `d = pow(a, b)`, remembering the last arguments and result in registers `c..c + 3`
    /// (pow is deterministic: an unchanged argument pair gives the same bits without a call,
    /// e.g. the `2.3^((celsius - 23)/10)` that rate procedures compute at every step)
    PowMemo(u32, u32, u32, u32),
    Call2(F2, u32, u32, u32),
    /// d = (a - b) / c (`(i(v+0.001) - i(v)) / 0.001` and the like)
    SubDiv(u32, u32, u32, u32),
    // Pairs of consecutive arithmetic ops, `[d1, a1, b1, d2, a2, b2]` (b unused by the unary
    // ones), executed in order: one dispatch for two ops.
    PAddAdd([u16; 6]),
    PAddSub([u16; 6]),
    PAddMul([u16; 6]),
    PAddDiv([u16; 6]),
    PAddNeg([u16; 6]),
    PAddExp([u16; 6]),
    PAddMov([u16; 6]),
    PSubAdd([u16; 6]),
    PSubSub([u16; 6]),
    PSubMul([u16; 6]),
    PSubDiv([u16; 6]),
    PSubNeg([u16; 6]),
    PSubExp([u16; 6]),
    PSubMov([u16; 6]),
    PMulAdd([u16; 6]),
    PMulSub([u16; 6]),
    PMulMul([u16; 6]),
    PMulDiv([u16; 6]),
    PMulNeg([u16; 6]),
    PMulExp([u16; 6]),
    PMulMov([u16; 6]),
    PDivAdd([u16; 6]),
    PDivSub([u16; 6]),
    PDivMul([u16; 6]),
    PDivDiv([u16; 6]),
    PDivNeg([u16; 6]),
    PDivExp([u16; 6]),
    PDivMov([u16; 6]),
    PNegAdd([u16; 6]),
    PNegSub([u16; 6]),
    PNegMul([u16; 6]),
    PNegDiv([u16; 6]),
    PNegNeg([u16; 6]),
    PNegExp([u16; 6]),
    PNegMov([u16; 6]),
    PExpAdd([u16; 6]),
    PExpSub([u16; 6]),
    PExpMul([u16; 6]),
    PExpDiv([u16; 6]),
    PExpNeg([u16; 6]),
    PExpExp([u16; 6]),
    PExpMov([u16; 6]),
    PMovAdd([u16; 6]),
    PMovSub([u16; 6]),
    PMovMul([u16; 6]),
    PMovDiv([u16; 6]),
    PMovNeg([u16; 6]),
    PMovExp([u16; 6]),
    PMovMov([u16; 6]),
    /// `LdCol` for the (register, column) pairs `cols[start..start + len]`
    LdCols(u32, u32),
    /// `StCol` for the (column, register) pairs `cols[start..start + len]`
    StCols(u32, u32),
    LdCol(u32, u32),
    StCol(u32, u32),
    LdGlob(u32, u32),
    StGlob(u32, u32),
    LdV(u32),
    LdArea(u32),
    LdDiam(u32),
    LdIon(u32, u32, IonField),
    StIon(u32, IonField, u32),
    AddIon(u32, IonField, u32),
    WroteConc(u32),
    AddRhs(u32),
    SubRhs(u32),
    AddD(u32),
    SubD(u32),
    LdW(u32, u32),
    StW(u32, u32),
    NetSend(u32, u32, u32),
    NetEvent(u32, u32),
    NetMove(u32, u32),
    SkipIfZero(u32, u32),
    Skip(u32),
}

/// Register that is always 1.0 (the mask of unmasked event ops), appended after the kernel's.
const NO_MASK: u32 = u32::MAX;

/// The scalar form of a [`Kernel`] (built when every op has one).
#[derive(Debug, Clone, Default)]
pub struct ScalarKernel {
    ops: Vec<SOp>,
    /// Operands of `LdCols`/`StCols`.
    cols: Vec<(u32, u32)>,
    nregs: usize,
    /// Index of this kernel's register file in the scratch.
    slot: usize,
    /// Some op writes a constant register: refill the constants at every call.
    consts_dirty: bool,
    /// Base registers of the `PowMemo` caches.
    memo: Vec<u32>,
    /// Running instances one after the other equals running them in a block (no GLOBAL
    /// stores, no events): the scalar path may serve several instances.
    multi_ok: bool,
}

impl Kernel {
    /// Build the scalar form (None if some op has none: solvers, TABLEs).
    fn scalar_form(&self, slot: usize) -> Option<ScalarKernel> {
        let mut nregs = 0u32;
        let mut see = |r: Reg| nregs = nregs.max(r + 1);
        for (r, _) in &self.consts {
            see(*r);
        }
        for (r, _) in &self.specials {
            see(*r);
        }
        let mut ops = Vec::with_capacity(self.ops.len());
        let mut multi_ok = true;
        let mut writes = Vec::new();
        for op in &self.ops {
            if let Some(d) = op.dest() {
                writes.push(d);
            }
            let s = match op {
                Op::Mov(d, a) => SOp::Mov(*d, *a),
                Op::Add(d, a, b) => SOp::Add(*d, *a, *b),
                Op::Sub(d, a, b) => SOp::Sub(*d, *a, *b),
                Op::Mul(d, a, b) => SOp::Mul(*d, *a, *b),
                Op::Div(d, a, b) => SOp::Div(*d, *a, *b),
                Op::Neg(d, a) => SOp::Neg(*d, *a),
                Op::Lt(d, a, b) => SOp::Lt(*d, *a, *b),
                Op::Le(d, a, b) => SOp::Le(*d, *a, *b),
                Op::Gt(d, a, b) => SOp::Gt(*d, *a, *b),
                Op::Ge(d, a, b) => SOp::Ge(*d, *a, *b),
                Op::Eq(d, a, b) => SOp::Eq(*d, *a, *b),
                Op::Ne(d, a, b) => SOp::Ne(*d, *a, *b),
                Op::And(d, a, b) => SOp::And(*d, *a, *b),
                Op::Or(d, a, b) => SOp::Or(*d, *a, *b),
                Op::Not(d, a) => SOp::Not(*d, *a),
                Op::Sel(d, c, a, b) => SOp::Sel(*d, *c, *a, *b),
                Op::Call1(F1::Exp, d, a) => SOp::Exp(*d, *a),
                Op::Call1(f, d, a) => SOp::Call1(*f, *d, *a),
                Op::Call2(F2::Pow, d, a, b) => SOp::Pow(*d, *a, *b),
                Op::Call2(f, d, a, b) => SOp::Call2(*f, *d, *a, *b),
                Op::LdCol(d, c) => SOp::LdCol(*d, *c),
                Op::StCol(c, a) => SOp::StCol(*c, *a),
                Op::LdGlob(d, g) => SOp::LdGlob(*d, *g),
                Op::StGlob(g, a) => {
                    multi_ok = false;
                    SOp::StGlob(*g, *a)
                }
                Op::LdV(d) => SOp::LdV(*d),
                Op::LdArea(d) => SOp::LdArea(*d),
                Op::LdDiam(d) => SOp::LdDiam(*d),
                Op::LdIon(d, s, f) => SOp::LdIon(*d, *s, *f),
                Op::StIon(s, f, a) => SOp::StIon(*s, *f, *a),
                Op::AddIon(s, f, a) => SOp::AddIon(*s, *f, *a),
                Op::WroteConc(s) => SOp::WroteConc(*s),
                Op::AccRhs(a, sign) => {
                    if *sign > 0.0 {
                        SOp::AddRhs(*a)
                    } else {
                        SOp::SubRhs(*a)
                    }
                }
                Op::AccD(a, sign) => {
                    if *sign > 0.0 {
                        SOp::AddD(*a)
                    } else {
                        SOp::SubD(*a)
                    }
                }
                Op::LdW(d, k) => SOp::LdW(*d, *k),
                Op::StW(k, a) => SOp::StW(*k, *a),
                Op::NetSend(m, t, f) => {
                    multi_ok = false;
                    SOp::NetSend(m.unwrap_or(NO_MASK), *t, *f)
                }
                Op::NetEvent(m, t) => {
                    multi_ok = false;
                    SOp::NetEvent(m.unwrap_or(NO_MASK), *t)
                }
                Op::NetMove(m, t) => {
                    multi_ok = false;
                    SOp::NetMove(m.unwrap_or(NO_MASK), *t)
                }
                Op::SkipIfZero(c, n) | Op::Unless(c, n) => SOp::SkipIfZero(*c, *n),
                Op::Skip(n) => SOp::Skip(*n),
                Op::Kinetic(_) | Op::Linear(_) | Op::Implicit(_) | Op::Table(..) => return None,
            };
            for r in sop_regs(&s) {
                if r != NO_MASK {
                    see(r);
                }
            }
            ops.push(s);
        }
        let consts_dirty = self.consts.iter().any(|(r, _)| writes.contains(r));
        let mut memo = vec![];
        for o in ops.iter_mut() {
            if let SOp::Pow(d, a, b) = *o {
                *o = SOp::PowMemo(d, a, b, nregs);
                memo.push(nregs);
                nregs += 3;
            }
        }
        let (ops, cols) = fuse(ops);
        Some(ScalarKernel {
            ops,
            cols,
            nregs: nregs as usize,
            slot,
            consts_dirty,
            memo,
            multi_ok,
        })
    }
}

fn sop_regs(s: &SOp) -> Vec<u32> {
    match *s {
        SOp::Mov(d, a) | SOp::Neg(d, a) | SOp::Not(d, a) | SOp::Exp(d, a) => vec![d, a],
        SOp::Call1(_, d, a) => vec![d, a],
        SOp::Add(d, a, b)
        | SOp::Sub(d, a, b)
        | SOp::Mul(d, a, b)
        | SOp::Div(d, a, b)
        | SOp::Lt(d, a, b)
        | SOp::Le(d, a, b)
        | SOp::Gt(d, a, b)
        | SOp::Ge(d, a, b)
        | SOp::Eq(d, a, b)
        | SOp::Ne(d, a, b)
        | SOp::And(d, a, b)
        | SOp::Or(d, a, b)
        | SOp::Pow(d, a, b)
        | SOp::Call2(_, d, a, b) => vec![d, a, b],
        SOp::Sel(d, c, a, b) | SOp::SubDiv(d, a, b, c) => {
            vec![d, c, a, b]
        }
        SOp::LdCol(d, _)
        | SOp::LdGlob(d, _)
        | SOp::LdV(d)
        | SOp::LdArea(d)
        | SOp::LdDiam(d)
        | SOp::LdIon(d, _, _)
        | SOp::LdW(d, _) => vec![d],
        SOp::StCol(_, a)
        | SOp::StGlob(_, a)
        | SOp::StIon(_, _, a)
        | SOp::AddIon(_, _, a)
        | SOp::AddRhs(a)
        | SOp::SubRhs(a)
        | SOp::AddD(a)
        | SOp::SubD(a)
        | SOp::StW(_, a) => vec![a],
        SOp::NetSend(m, t, f) => vec![m, t, f],
        SOp::NetEvent(m, t) | SOp::NetMove(m, t) => vec![m, t],
        SOp::SkipIfZero(c, _) => vec![c],
        // the rest have no registers, or are built after the registers were counted (pairs)
        _ => vec![],
    }
}

/// Arithmetic op as (kind, d, a, b) for pairing (kinds in the order of [`pair_op`]).
fn arith(o: &SOp) -> Option<(u8, u32, u32, u32)> {
    Some(match *o {
        SOp::Add(d, a, b) => (0, d, a, b),
        SOp::Sub(d, a, b) => (1, d, a, b),
        SOp::Mul(d, a, b) => (2, d, a, b),
        SOp::Div(d, a, b) => (3, d, a, b),
        SOp::Neg(d, a) => (4, d, a, 0),
        SOp::Exp(d, a) => (5, d, a, 0),
        SOp::Mov(d, a) => (6, d, a, 0),
        _ => return None,
    })
}

fn pair_op(k1: u8, k2: u8, r: [u16; 6]) -> SOp {
    match (k1, k2) {
        (0, 0) => SOp::PAddAdd(r),
        (0, 1) => SOp::PAddSub(r),
        (0, 2) => SOp::PAddMul(r),
        (0, 3) => SOp::PAddDiv(r),
        (0, 4) => SOp::PAddNeg(r),
        (0, 5) => SOp::PAddExp(r),
        (0, 6) => SOp::PAddMov(r),
        (1, 0) => SOp::PSubAdd(r),
        (1, 1) => SOp::PSubSub(r),
        (1, 2) => SOp::PSubMul(r),
        (1, 3) => SOp::PSubDiv(r),
        (1, 4) => SOp::PSubNeg(r),
        (1, 5) => SOp::PSubExp(r),
        (1, 6) => SOp::PSubMov(r),
        (2, 0) => SOp::PMulAdd(r),
        (2, 1) => SOp::PMulSub(r),
        (2, 2) => SOp::PMulMul(r),
        (2, 3) => SOp::PMulDiv(r),
        (2, 4) => SOp::PMulNeg(r),
        (2, 5) => SOp::PMulExp(r),
        (2, 6) => SOp::PMulMov(r),
        (3, 0) => SOp::PDivAdd(r),
        (3, 1) => SOp::PDivSub(r),
        (3, 2) => SOp::PDivMul(r),
        (3, 3) => SOp::PDivDiv(r),
        (3, 4) => SOp::PDivNeg(r),
        (3, 5) => SOp::PDivExp(r),
        (3, 6) => SOp::PDivMov(r),
        (4, 0) => SOp::PNegAdd(r),
        (4, 1) => SOp::PNegSub(r),
        (4, 2) => SOp::PNegMul(r),
        (4, 3) => SOp::PNegDiv(r),
        (4, 4) => SOp::PNegNeg(r),
        (4, 5) => SOp::PNegExp(r),
        (4, 6) => SOp::PNegMov(r),
        (5, 0) => SOp::PExpAdd(r),
        (5, 1) => SOp::PExpSub(r),
        (5, 2) => SOp::PExpMul(r),
        (5, 3) => SOp::PExpDiv(r),
        (5, 4) => SOp::PExpNeg(r),
        (5, 5) => SOp::PExpExp(r),
        (5, 6) => SOp::PExpMov(r),
        (6, 0) => SOp::PMovAdd(r),
        (6, 1) => SOp::PMovSub(r),
        (6, 2) => SOp::PMovMul(r),
        (6, 3) => SOp::PMovDiv(r),
        (6, 4) => SOp::PMovNeg(r),
        (6, 5) => SOp::PMovExp(r),
        (6, 6) => SOp::PMovMov(r),
        _ => unreachable!("arith kinds are 0..7"),
    }
}

/// Superinstructions: `t = a - b; t = t / c` → `t = (a - b) / c` (the same two roundings)
/// when the intermediate only lives in `t`. Skip distances are recomputed; no pair is fused
/// across a skip target.
fn fuse(ops: Vec<SOp>) -> (Vec<SOp>, Vec<(u32, u32)>) {
    let n = ops.len();
    let skip_len = |o: &SOp| match o {
        SOp::SkipIfZero(_, k) | SOp::Skip(k) => Some(*k as usize),
        _ => None,
    };
    let mut target = vec![false; n + 1];
    for (i, o) in ops.iter().enumerate() {
        if let Some(k) = skip_len(o) {
            target[(i + 1 + k).min(n)] = true;
        }
    }
    let mut out: Vec<SOp> = Vec::with_capacity(n);
    let mut map = vec![0usize; n + 1];
    let mut cols = Vec::new();
    let mut i = 0;
    while i < n {
        map[i] = out.len();
        // runs of column loads / stores: one dispatch
        let pair = |o: &SOp| match *o {
            SOp::LdCol(d, c) => Some((true, (d, c))),
            SOp::StCol(c, a) => Some((false, (c, a))),
            _ => None,
        };
        if let Some((ld, p0)) = pair(&ops[i]) {
            let start = cols.len();
            cols.push(p0);
            let mut j = i + 1;
            while j < n && !target[j] {
                match pair(&ops[j]) {
                    Some((l2, p)) if l2 == ld => {
                        cols.push(p);
                        map[j] = out.len();
                        j += 1;
                    }
                    _ => break,
                }
            }
            if j - i >= 2 {
                let len = (j - i) as u32;
                out.push(if ld {
                    SOp::LdCols(start as u32, len)
                } else {
                    SOp::StCols(start as u32, len)
                });
                i = j;
                continue;
            }
            cols.truncate(start);
        }
        if i + 1 < n && !target[i + 1] {
            if let (SOp::Sub(d1, a, b), SOp::Div(d2, t, c)) = (ops[i], ops[i + 1]) {
                if d1 == t && d2 == d1 && c != d1 {
                    map[i + 1] = out.len();
                    out.push(SOp::SubDiv(d2, a, b, c));
                    i += 2;
                    continue;
                }
            }
            if let (Some((k1, d1, a1, b1)), Some((k2, d2, a2, b2))) =
                (arith(&ops[i]), arith(&ops[i + 1]))
            {
                let regs = [d1, a1, b1, d2, a2, b2];
                if regs.iter().all(|r| *r <= u16::MAX as u32) {
                    map[i + 1] = out.len();
                    out.push(pair_op(k1, k2, regs.map(|r| r as u16)));
                    i += 2;
                    continue;
                }
            }
        }
        out.push(ops[i]);
        i += 1;
    }
    map[n] = out.len();
    for (i, o) in ops.iter().enumerate() {
        if let Some(k) = skip_len(o) {
            let nk = (map[(i + 1 + k).min(n)] - map[i] - 1) as u32;
            out[map[i]] = match *o {
                SOp::SkipIfZero(c, _) => SOp::SkipIfZero(c, nk),
                _ => SOp::Skip(nk),
            };
        }
    }
    (out, cols)
}

impl Compiled {
    /// Build the scalar forms of the per-step and per-event kernels.
    pub(crate) fn build_scalar(&mut self) {
        self.leak = self.current.as_ref().and_then(leak_shape);
        if !self.tables.is_empty() {
            self.leak = None;
        }
        for k in [&mut self.init]
            .into_iter()
            .chain(self.current.as_mut())
            .chain(self.state.as_mut())
            .chain(self.net_receive.as_mut())
            .chain(self.net_receive_init.as_mut())
        {
            k.stores_global = k.ops.iter().any(|o| matches!(o, Op::StGlob(..)));
        }
        self.init.scalar = self.init.scalar_form(0).map(Box::new);
        if let Some(k) = self.current.as_mut() {
            k.scalar = k.scalar_form(1).map(Box::new);
        }
        if let Some(k) = self.state.as_mut() {
            k.scalar = k.scalar_form(2).map(Box::new);
        }
        if let Some(k) = self.net_receive.as_mut() {
            k.scalar = k.scalar_form(3).map(Box::new);
        }
        if let Some(k) = self.net_receive_init.as_mut() {
            k.scalar = k.scalar_form(4).map(Box::new);
        }
    }

    /// Run `k` through its scalar form for instances `insts`, if it has one and the count
    /// allows. Returns `None` when the batched path must be used.
    #[allow(clippy::too_many_arguments)]
    fn try_scalar<'c>(
        &self,
        k: &Kernel,
        m: &mut MechInstances,
        ctx: &mut Ctx<'_>,
        insts: std::ops::Range<usize>,
        mut weights: Option<&mut [f64]>,
        flag: f64,
        mut sink: Option<&mut (dyn EventSink + 'c)>,
    ) -> Option<Result<(), ExecError>> {
        let sk = k.scalar.as_deref()?;
        if !SCALAR_ENABLED.load(std::sync::atomic::Ordering::Relaxed) {
            return None;
        }
        let n = insts.len();
        if n == 0 || n > SCALAR_MAX || (n > 1 && !sk.multi_ok) {
            return None;
        }
        let mut files = std::mem::take(&mut m.scratch.scalar);
        if files.len() <= sk.slot {
            files.resize_with(sk.slot + 1, Vec::new);
        }
        let regs = &mut files[sk.slot];
        let fresh = regs.len() != sk.nregs;
        if fresh {
            regs.resize(sk.nregs, 0.0);
            // an argument pair no kernel computes (a NaN payload of our own), with its result
            let x = f64::from_bits(0x7ff8_0000_5ca1_a400);
            for &c in &sk.memo {
                let c = c as usize;
                regs[c] = x;
                regs[c + 1] = x;
                regs[c + 2] = x.powf(x);
            }
        }
        if fresh || sk.consts_dirty {
            for (r, v) in &k.consts {
                regs[*r as usize] = *v;
            }
        }
        for (r, sp) in &k.specials {
            regs[*r as usize] = match sp {
                Special::T => ctx.globals.t,
                Special::Dt => ctx.globals.dt,
                Special::Celsius => ctx.globals.celsius,
                Special::Flag => flag,
            };
        }
        for inst in insts {
            if sk.consts_dirty {
                for (r, v) in &k.consts {
                    regs[*r as usize] = *v;
                }
            }
            exec_scalar(
                sk,
                m,
                regs,
                inst,
                ctx,
                sink.as_deref_mut(),
                weights.as_deref_mut(),
            );
        }
        m.scratch.scalar = files;
        Some(Ok(()))
    }
}

fn exec_scalar<'c>(
    sk: &ScalarKernel,
    m: &mut MechInstances,
    regs: &mut [f64],
    inst: usize,
    ctx: &mut Ctx<'_>,
    mut sink: Option<&mut (dyn EventSink + 'c)>,
    mut weights: Option<&mut [f64]>,
) {
    let node = m.nodes.get(inst).copied().unwrap_or(0);
    let b2f = |b: bool| if b { 1.0 } else { 0.0 };
    let ops = &sk.ops[..];
    let mut pc = 0usize;
    // Every register index in `sk.ops` and `sk.cols` is below `sk.nregs` (checked when the
    // scalar form is built, `scalar_form`), and the register file has `sk.nregs` entries.
    assert!(regs.len() >= sk.nregs);
    macro_rules! g {
        ($r:expr) => {
            // SAFETY: see the assertion above.
            *unsafe { regs.get_unchecked_mut($r as usize) }
        };
    }
    let mask = |regs: &[f64], mk: u32| mk == NO_MASK || regs[mk as usize] != 0.0;
    while pc < ops.len() {
        let op = ops[pc];
        pc += 1;
        match op {
            SOp::Mov(d, a) => g!(d) = g!(a),
            SOp::Add(d, a, b) => g!(d) = g!(a) + g!(b),
            SOp::Sub(d, a, b) => g!(d) = g!(a) - g!(b),
            SOp::Mul(d, a, b) => g!(d) = g!(a) * g!(b),
            SOp::Div(d, a, b) => g!(d) = g!(a) / g!(b),
            SOp::SubDiv(d, a, b, c) => g!(d) = (g!(a) - g!(b)) / g!(c),
            SOp::PAddAdd(r) => {
                g!(r[0]) = g!(r[1]) + g!(r[2]);
                g!(r[3]) = g!(r[4]) + g!(r[5]);
            }
            SOp::PAddSub(r) => {
                g!(r[0]) = g!(r[1]) + g!(r[2]);
                g!(r[3]) = g!(r[4]) - g!(r[5]);
            }
            SOp::PAddMul(r) => {
                g!(r[0]) = g!(r[1]) + g!(r[2]);
                g!(r[3]) = g!(r[4]) * g!(r[5]);
            }
            SOp::PAddDiv(r) => {
                g!(r[0]) = g!(r[1]) + g!(r[2]);
                g!(r[3]) = g!(r[4]) / g!(r[5]);
            }
            SOp::PAddNeg(r) => {
                g!(r[0]) = g!(r[1]) + g!(r[2]);
                g!(r[3]) = -g!(r[4]);
            }
            SOp::PAddExp(r) => {
                g!(r[0]) = g!(r[1]) + g!(r[2]);
                g!(r[3]) = hoc_exp(g!(r[4]));
            }
            SOp::PAddMov(r) => {
                g!(r[0]) = g!(r[1]) + g!(r[2]);
                g!(r[3]) = g!(r[4]);
            }
            SOp::PSubAdd(r) => {
                g!(r[0]) = g!(r[1]) - g!(r[2]);
                g!(r[3]) = g!(r[4]) + g!(r[5]);
            }
            SOp::PSubSub(r) => {
                g!(r[0]) = g!(r[1]) - g!(r[2]);
                g!(r[3]) = g!(r[4]) - g!(r[5]);
            }
            SOp::PSubMul(r) => {
                g!(r[0]) = g!(r[1]) - g!(r[2]);
                g!(r[3]) = g!(r[4]) * g!(r[5]);
            }
            SOp::PSubDiv(r) => {
                g!(r[0]) = g!(r[1]) - g!(r[2]);
                g!(r[3]) = g!(r[4]) / g!(r[5]);
            }
            SOp::PSubNeg(r) => {
                g!(r[0]) = g!(r[1]) - g!(r[2]);
                g!(r[3]) = -g!(r[4]);
            }
            SOp::PSubExp(r) => {
                g!(r[0]) = g!(r[1]) - g!(r[2]);
                g!(r[3]) = hoc_exp(g!(r[4]));
            }
            SOp::PSubMov(r) => {
                g!(r[0]) = g!(r[1]) - g!(r[2]);
                g!(r[3]) = g!(r[4]);
            }
            SOp::PMulAdd(r) => {
                g!(r[0]) = g!(r[1]) * g!(r[2]);
                g!(r[3]) = g!(r[4]) + g!(r[5]);
            }
            SOp::PMulSub(r) => {
                g!(r[0]) = g!(r[1]) * g!(r[2]);
                g!(r[3]) = g!(r[4]) - g!(r[5]);
            }
            SOp::PMulMul(r) => {
                g!(r[0]) = g!(r[1]) * g!(r[2]);
                g!(r[3]) = g!(r[4]) * g!(r[5]);
            }
            SOp::PMulDiv(r) => {
                g!(r[0]) = g!(r[1]) * g!(r[2]);
                g!(r[3]) = g!(r[4]) / g!(r[5]);
            }
            SOp::PMulNeg(r) => {
                g!(r[0]) = g!(r[1]) * g!(r[2]);
                g!(r[3]) = -g!(r[4]);
            }
            SOp::PMulExp(r) => {
                g!(r[0]) = g!(r[1]) * g!(r[2]);
                g!(r[3]) = hoc_exp(g!(r[4]));
            }
            SOp::PMulMov(r) => {
                g!(r[0]) = g!(r[1]) * g!(r[2]);
                g!(r[3]) = g!(r[4]);
            }
            SOp::PDivAdd(r) => {
                g!(r[0]) = g!(r[1]) / g!(r[2]);
                g!(r[3]) = g!(r[4]) + g!(r[5]);
            }
            SOp::PDivSub(r) => {
                g!(r[0]) = g!(r[1]) / g!(r[2]);
                g!(r[3]) = g!(r[4]) - g!(r[5]);
            }
            SOp::PDivMul(r) => {
                g!(r[0]) = g!(r[1]) / g!(r[2]);
                g!(r[3]) = g!(r[4]) * g!(r[5]);
            }
            SOp::PDivDiv(r) => {
                g!(r[0]) = g!(r[1]) / g!(r[2]);
                g!(r[3]) = g!(r[4]) / g!(r[5]);
            }
            SOp::PDivNeg(r) => {
                g!(r[0]) = g!(r[1]) / g!(r[2]);
                g!(r[3]) = -g!(r[4]);
            }
            SOp::PDivExp(r) => {
                g!(r[0]) = g!(r[1]) / g!(r[2]);
                g!(r[3]) = hoc_exp(g!(r[4]));
            }
            SOp::PDivMov(r) => {
                g!(r[0]) = g!(r[1]) / g!(r[2]);
                g!(r[3]) = g!(r[4]);
            }
            SOp::PNegAdd(r) => {
                g!(r[0]) = -g!(r[1]);
                g!(r[3]) = g!(r[4]) + g!(r[5]);
            }
            SOp::PNegSub(r) => {
                g!(r[0]) = -g!(r[1]);
                g!(r[3]) = g!(r[4]) - g!(r[5]);
            }
            SOp::PNegMul(r) => {
                g!(r[0]) = -g!(r[1]);
                g!(r[3]) = g!(r[4]) * g!(r[5]);
            }
            SOp::PNegDiv(r) => {
                g!(r[0]) = -g!(r[1]);
                g!(r[3]) = g!(r[4]) / g!(r[5]);
            }
            SOp::PNegNeg(r) => {
                g!(r[0]) = -g!(r[1]);
                g!(r[3]) = -g!(r[4]);
            }
            SOp::PNegExp(r) => {
                g!(r[0]) = -g!(r[1]);
                g!(r[3]) = hoc_exp(g!(r[4]));
            }
            SOp::PNegMov(r) => {
                g!(r[0]) = -g!(r[1]);
                g!(r[3]) = g!(r[4]);
            }
            SOp::PExpAdd(r) => {
                g!(r[0]) = hoc_exp(g!(r[1]));
                g!(r[3]) = g!(r[4]) + g!(r[5]);
            }
            SOp::PExpSub(r) => {
                g!(r[0]) = hoc_exp(g!(r[1]));
                g!(r[3]) = g!(r[4]) - g!(r[5]);
            }
            SOp::PExpMul(r) => {
                g!(r[0]) = hoc_exp(g!(r[1]));
                g!(r[3]) = g!(r[4]) * g!(r[5]);
            }
            SOp::PExpDiv(r) => {
                g!(r[0]) = hoc_exp(g!(r[1]));
                g!(r[3]) = g!(r[4]) / g!(r[5]);
            }
            SOp::PExpNeg(r) => {
                g!(r[0]) = hoc_exp(g!(r[1]));
                g!(r[3]) = -g!(r[4]);
            }
            SOp::PExpExp(r) => {
                g!(r[0]) = hoc_exp(g!(r[1]));
                g!(r[3]) = hoc_exp(g!(r[4]));
            }
            SOp::PExpMov(r) => {
                g!(r[0]) = hoc_exp(g!(r[1]));
                g!(r[3]) = g!(r[4]);
            }
            SOp::PMovAdd(r) => {
                g!(r[0]) = g!(r[1]);
                g!(r[3]) = g!(r[4]) + g!(r[5]);
            }
            SOp::PMovSub(r) => {
                g!(r[0]) = g!(r[1]);
                g!(r[3]) = g!(r[4]) - g!(r[5]);
            }
            SOp::PMovMul(r) => {
                g!(r[0]) = g!(r[1]);
                g!(r[3]) = g!(r[4]) * g!(r[5]);
            }
            SOp::PMovDiv(r) => {
                g!(r[0]) = g!(r[1]);
                g!(r[3]) = g!(r[4]) / g!(r[5]);
            }
            SOp::PMovNeg(r) => {
                g!(r[0]) = g!(r[1]);
                g!(r[3]) = -g!(r[4]);
            }
            SOp::PMovExp(r) => {
                g!(r[0]) = g!(r[1]);
                g!(r[3]) = hoc_exp(g!(r[4]));
            }
            SOp::PMovMov(r) => {
                g!(r[0]) = g!(r[1]);
                g!(r[3]) = g!(r[4]);
            }
            SOp::Neg(d, a) => g!(d) = -g!(a),
            SOp::Lt(d, a, b) => g!(d) = b2f(g!(a) < g!(b)),
            SOp::Le(d, a, b) => g!(d) = b2f(g!(a) <= g!(b)),
            SOp::Gt(d, a, b) => g!(d) = b2f(g!(a) > g!(b)),
            SOp::Ge(d, a, b) => g!(d) = b2f(g!(a) >= g!(b)),
            SOp::Eq(d, a, b) => g!(d) = b2f(g!(a) == g!(b)),
            SOp::Ne(d, a, b) => g!(d) = b2f(g!(a) != g!(b)),
            SOp::And(d, a, b) => g!(d) = b2f(g!(a) != 0.0 && g!(b) != 0.0),
            SOp::Or(d, a, b) => g!(d) = b2f(g!(a) != 0.0 || g!(b) != 0.0),
            SOp::Not(d, a) => g!(d) = b2f(g!(a) == 0.0),
            SOp::Sel(d, c, a, b) => g!(d) = if g!(c) != 0.0 { g!(a) } else { g!(b) },
            SOp::Exp(d, a) => g!(d) = hoc_exp(g!(a)),
            SOp::Call1(f, d, a) => g!(d) = f.apply(g!(a)),
            SOp::Pow(d, a, b) => g!(d) = g!(a).powf(g!(b)),
            SOp::PowMemo(d, a, b, c) => {
                let (x, y) = (g!(a), g!(b));
                if x.to_bits() == g!(c).to_bits() && y.to_bits() == g!(c + 1).to_bits() {
                    g!(d) = g!(c + 2);
                } else {
                    let r = x.powf(y);
                    g!(c) = x;
                    g!(c + 1) = y;
                    g!(c + 2) = r;
                    g!(d) = r;
                }
            }
            SOp::Call2(f, d, a, b) => g!(d) = f.apply(g!(a), g!(b)),
            SOp::LdCol(d, c) => g!(d) = m.columns[c as usize][inst],
            SOp::StCol(c, a) => m.columns[c as usize][inst] = g!(a),
            SOp::LdCols(s, len) => {
                for &(d, c) in &sk.cols[s as usize..(s + len) as usize] {
                    g!(d) = m.columns[c as usize][inst];
                }
            }
            SOp::StCols(s, len) => {
                for &(c, a) in &sk.cols[s as usize..(s + len) as usize] {
                    m.columns[c as usize][inst] = g!(a);
                }
            }
            SOp::LdGlob(d, gl) => g!(d) = m.globals[gl as usize],
            SOp::StGlob(gl, a) => m.globals[gl as usize] = g!(a),
            SOp::LdV(d) => g!(d) = ctx.v[node],
            SOp::LdArea(d) => g!(d) = ctx.area[node],
            SOp::LdDiam(d) => g!(d) = ctx.diam[node],
            SOp::LdIon(d, s, f) => {
                g!(d) = ion_arr(&ctx.ions[m.ion_slots[s as usize]], f)[node];
            }
            SOp::StIon(s, f, a) => {
                ion_arr_mut(&mut ctx.ions[m.ion_slots[s as usize]], f)[node] = g!(a);
            }
            SOp::AddIon(s, f, a) => {
                ion_arr_mut(&mut ctx.ions[m.ion_slots[s as usize]], f)[node] += g!(a);
            }
            SOp::WroteConc(s) => {
                let celsius = ctx.globals.celsius;
                let ion = &mut ctx.ions[m.ion_slots[s as usize]];
                if ion.style[node] & style::EINIT != 0 {
                    ion.e[node] = nernst(ion.ci[node], ion.co[node], ion.charge, celsius);
                }
            }
            SOp::AddRhs(a) => ctx.rhs[node] += g!(a),
            SOp::SubRhs(a) => ctx.rhs[node] -= g!(a),
            SOp::AddD(a) => ctx.d[node] += g!(a),
            SOp::SubD(a) => ctx.d[node] -= g!(a),
            SOp::LdW(d, k) => {
                g!(d) = weights
                    .as_ref()
                    .and_then(|w| w.get(k as usize).copied())
                    .unwrap_or(0.0);
            }
            SOp::StW(k, a) => {
                let v = g!(a);
                if let Some(x) = weights.as_mut().and_then(|w| w.get_mut(k as usize)) {
                    *x = v;
                }
            }
            SOp::NetSend(mk, t, f) => {
                if mask(regs, mk) {
                    if let Some(s) = sink.as_mut() {
                        s.net_send(inst, g!(t), g!(f));
                    }
                }
            }
            SOp::NetEvent(mk, t) => {
                if mask(regs, mk) {
                    if let Some(s) = sink.as_mut() {
                        s.net_event(inst, g!(t));
                    }
                }
            }
            SOp::NetMove(mk, t) => {
                if mask(regs, mk) {
                    if let Some(s) = sink.as_mut() {
                        s.net_move(inst, g!(t));
                    }
                }
            }
            SOp::SkipIfZero(c, n) => {
                if g!(c) == 0.0 {
                    pc += n as usize;
                }
            }
            SOp::Skip(n) => pc += n as usize,
        }
    }
}

/// Recognise the current kernel of a linear leak: exactly the ops nocmodl's `nrn_cur` performs
/// for `i = g*(v - e)` with one NONSPECIFIC_CURRENT (what `pas` compiles to).
fn leak_shape(k: &Kernel) -> Option<[u32; 3]> {
    let (cg, ce, ci) = match k.ops.get(1..4)? {
        [Op::LdCol(3, cg), Op::LdCol(4, ce), Op::LdCol(5, ci)] => (*cg, *ce, *ci),
        _ => return None,
    };
    if cg == ce || cg == ci || ce == ci {
        return None;
    }
    let expect = [
        Op::LdV(0),
        Op::LdCol(3, cg),
        Op::LdCol(4, ce),
        Op::LdCol(5, ci),
        Op::Add(1, 0, 2),
        Op::Sub(11, 1, 4),
        Op::Mul(5, 3, 11),
        Op::Add(6, 7, 5),
        Op::Mov(1, 0),
        Op::Sub(11, 1, 4),
        Op::Mul(5, 3, 11),
        Op::Add(8, 7, 5),
        Op::Sub(10, 6, 8),
        Op::Div(10, 10, 2),
        Op::AccRhs(8, -1.0),
        Op::AccD(10, 1.0),
        Op::StCol(ci, 5),
    ];
    let konst = |r: Reg| {
        k.consts
            .iter()
            .find(|(c, _)| *c == r)
            .map(|(_, x)| x.to_bits())
    };
    let ok = k.ops[..] == expect[..]
        && k.specials.is_empty()
        && konst(2) == Some(0.001f64.to_bits())
        && konst(7) == Some(0.0f64.to_bits());
    ok.then_some([cg, ce, ci])
}

/// The leak current kernel of [`leak_shape`], per instance with the same operations in the
/// same order: `i(v + 0.001)`, `i(v)`, `g = (0 + i(v+0.001) - (0 + i(v))) / 0.001`,
/// `rhs -= 0 + i(v)`, `d += g`, store `i`.
fn leak_current(m: &mut MechInstances, ctx: &mut Ctx<'_>, [cg, ce, ci]: [u32; 3]) {
    let (icol, g, e) = m.columns.split3(ci as usize, cg as usize, ce as usize);
    for (k, &nd) in m.nodes.iter().enumerate() {
        let v = ctx.v[nd];
        let i_hi = g[k] * ((v + 0.001) - e[k]);
        let cur_hi = 0.0 + i_hi;
        let i = g[k] * (v - e[k]);
        let cur = 0.0 + i;
        let gg = (cur_hi - cur) / 0.001;
        ctx.rhs[nd] -= cur;
        ctx.d[nd] += gg;
        icol[k] = i;
    }
}
