//! Native-code tier: a kernel's ops compiled by Cranelift into a loop over instances.
//!
//! The compiled function performs, per instance and in op order, exactly the IEEE operations
//! the scalar path (`vm.rs`, `exec_scalar`) performs: the same adds, multiplies and divisions
//! (Cranelift neither reassociates nor contracts floating-point operations into FMAs), the same
//! comparisons (`!=` is "unordered or not equal", as in Rust), and the same libm functions,
//! called through the very Rust functions the VM calls ([`hoc_exp`], `powf`, …). So its results
//! are bitwise the VM's; `tests/jit_path.rs` checks that for every Allen mechanism and built-in.
//!
//! Semantics kept from the scalar path:
//! * VM registers are SSA variables that live across the instance loop, so a register read
//!   before it is written in an instance sees the previous instance's value; registers that
//!   may be read that way ("live-in", found by a forward pass over the ops and their skips)
//!   are loaded from and stored back to a persistent register file, so they also carry over
//!   from call to call, as the scalar path's register file does.
//! * `Unless`/`SkipIfZero`/`Skip` are real forward branches: an untaken branch makes no call.
//! * GLOBAL loads and stores go to memory in instance order (NEURON's sequential semantics).
//! * Every libm call site remembers its last argument(s) and result (in the persistent file):
//!   a call with bit-identical arguments reuses the result instead of calling (the functions are
//!   deterministic), e.g. the `exp(-dt/tau)` of synapses sharing their time constants or the
//!   `2.3^((celsius - 23)/10)` of rate procedures.
//!
//! What is compiled: the `current` and `state` kernels of types whose ops are all supported
//! (arithmetic, comparisons, selects, math calls, column/GLOBAL/node/ion loads and stores, rhs
//! and d accumulation, `nrn_wrote_conc`, skips, and KINETIC `sparse` steps — a call into
//! `solvers::kinetic` on lane 0 of the VM's register file, so the solve is the VM's own; a
//! singular matrix stops the call with the instance). Kernels with LINEAR or derivimplicit
//! solves, TABLEs, events or weights stay on the VM, as do INITIAL and NET_RECEIVE (run once
//! or per event). Compilation happens on a kernel's first run; any failure (an
//! unsupported host, a Cranelift error) silently leaves the kernel on the VM, which computes
//! the same bits. `RALL_NMODL_JIT=0` in the environment, or [`set_jit_enabled`], turns the tier
//! off.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};

use cranelift_codegen::ir::condcodes::{FloatCC, IntCC};
use cranelift_codegen::ir::{
    types, AbiParam, BlockArg, InstBuilder, MemFlagsData, Signature, UserFuncName, Value,
};
use cranelift_codegen::settings::{self, Configurable};
use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext, Variable};
use cranelift_jit::{JITBuilder, JITModule};
use cranelift_module::{default_libcall_names, Linkage, Module};

use crate::runtime::{nernst, style, IonArrays};
use crate::vm::{hoc_exp, IonField, Kernel, KineticSys, Op, Reg, Special, F1, F2, LANES};

static JIT_ENABLED: AtomicBool = AtomicBool::new(true);

/// Turn the native-code tier on or off (tests and benchmarks; results are bit-identical).
#[doc(hidden)]
pub fn set_jit_enabled(on: bool) {
    JIT_ENABLED.store(on, Ordering::Relaxed);
}

/// Is the tier on (not switched off by [`set_jit_enabled`] or `RALL_NMODL_JIT=0`)?
pub(crate) fn enabled() -> bool {
    static ENV: OnceLock<bool> = OnceLock::new();
    JIT_ENABLED.load(Ordering::Relaxed)
        && *ENV.get_or_init(|| std::env::var("RALL_NMODL_JIT").map_or(true, |v| v != "0"))
}

/// The argument block of a compiled kernel (`#[repr(C)]`: the generated code reads it by
/// offset).
#[repr(C)]
pub(crate) struct Args {
    pub n: u64,
    pub nodes: *const usize,
    /// The instances' columns: column `c`, instance `i` at `cols[c*n + i]`.
    pub cols: *mut f64,
    pub globals: *mut f64,
    pub v: *const f64,
    pub rhs: *mut f64,
    pub d: *mut f64,
    pub area: *const f64,
    pub diam: *const f64,
    /// `ions[5*slot + field]`: the field arrays of the ion in `slot`.
    pub ions: *const *mut f64,
    /// Persistent register file (live-in registers, then 3 words per call site).
    pub regs: *mut f64,
    pub t: f64,
    pub dt: f64,
    pub celsius: f64,
    /// The model's ion arrays and this type's slot → ion index map (for `nrn_wrote_conc`).
    pub ion_arrays: *mut IonArrays,
    pub ion_slots: *const usize,
    /// For KINETIC solves: the type's compiled program, the VM register file (lane 0 of each
    /// register: `kin_regs[r*LANES]`, `kin_regs_len` entries) and the solver's work vectors.
    pub compiled: *const crate::vm::Compiled,
    pub kin_regs: *mut f64,
    pub kin_regs_len: u64,
    pub kin_mat: *mut Vec<f64>,
    pub kin_v1: *mut Vec<f64>,
    pub kin_v2: *mut Vec<f64>,
}

macro_rules! off {
    ($f:ident) => {
        std::mem::offset_of!(Args, $f) as i32
    };
}

/// Index of an ion field in [`Args::ions`].
pub(crate) fn field_index(f: IonField) -> usize {
    match f {
        IonField::E => 0,
        IonField::Ci => 1,
        IonField::Co => 2,
        IonField::I => 3,
        IonField::DiDv => 4,
    }
}

/// Executable memory of one compiled kernel.
struct Code(Option<JITModule>);

// SAFETY: the module is only used to own (and finally free) the finalized, immutable code
// pages; nothing mutates it after `finalize_definitions`.
unsafe impl Send for Code {}
// SAFETY: as above; shared references never touch the module.
unsafe impl Sync for Code {}

impl Drop for Code {
    fn drop(&mut self) {
        if let Some(m) = self.0.take() {
            // SAFETY: the only function pointer into this memory lives in the `JitKernel`
            // that owns this `Code`, which is being dropped.
            unsafe { m.free_memory() };
        }
    }
}

/// A compiled kernel: what a call needs, kept small and inline (`Copy`) so that a call touches
/// few cache lines; the code's owner and the cold data sit behind `owner`.
#[derive(Clone)]
pub(crate) struct JitKernel {
    func: unsafe extern "C" fn(*const Args) -> u64,
    /// Size of the persistent register file.
    pub file_len: u32,
    /// Largest column index used (+1).
    pub ncols: u32,
    /// Bit `s` set: the kernel touches ion slot `s` (slots < 32, else not compiled).
    pub ion_mask: u32,
    /// The kernel reads node-indexed arrays (needs `nodes`).
    pub uses_nodes: bool,
    /// Runs two instances at a time (f64x2) before the scalar loop.
    pub vector: bool,
    pub owner: Arc<Owner>,
}

/// The executable memory and the cold data of a compiled kernel.
pub(crate) struct Owner {
    _code: Code,
    /// Initial contents of the file: (index, value) — the call sites' "no previous call".
    pub file_init: Vec<(usize, f64)>,
}

impl std::fmt::Debug for JitKernel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "JitKernel(file {})", self.file_len)
    }
}

impl JitKernel {
    /// Run the kernel.
    ///
    /// # Safety
    /// Every pointer of `args` must be valid for the accesses the kernel makes: `n` entries of
    /// `nodes` and of each used column, every node index below the length of every node and ion
    /// array used, `globals` covering the type's globals, `regs` of `file_len` entries, and no
    /// other reference to those arrays alive during the call.
    /// Returns 0, or 1 + the instance whose KINETIC system was singular (the call stops there).
    #[inline]
    pub unsafe fn call(&self, args: &Args) -> u64 {
        // SAFETY: the caller's contract.
        unsafe { (self.func)(args) }
    }
}

/// A kernel's lazily compiled form.
#[derive(Default)]
pub struct JitSlot(OnceLock<Option<JitKernel>>, AtomicBool);

impl Clone for JitSlot {
    fn clone(&self) -> Self {
        let s = JitSlot::default();
        if let Some(v) = self.0.get() {
            let _ = s.0.set(v.clone());
        }
        s
    }
}

/// Compile the per-step kernels of `mech` on a background thread (once per mechanism type),
/// so that compilation overlaps with building the model. The first run of a kernel waits for
/// its compilation if it is still going on (or compiles it itself if it has not started).
pub(crate) fn request(mech: &crate::runtime::Mechanism) {
    if !enabled() {
        return;
    }
    let crate::runtime::Backend::Vm(c) = &mech.0.backend else {
        return;
    };
    // mark both kernels (no short-circuit)
    let mut fresh = false;
    for k in [&c.current, &c.state].into_iter().flatten() {
        if !k.jit.1.swap(true, Ordering::Relaxed) {
            fresh = true;
        }
    }
    if !fresh {
        return;
    }
    let m = mech.clone();
    // no thread (resource limits): the kernels compile on first use instead
    let _ = std::thread::Builder::new()
        .name("rall-jit".into())
        .spawn(move || {
            if let crate::runtime::Backend::Vm(c) = &m.0.backend {
                for k in [&c.current, &c.state].into_iter().flatten() {
                    k.jit.get(k, c.nregs, &c.kinetic);
                }
            }
        });
}

impl std::fmt::Debug for JitSlot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0.get() {
            None => write!(f, "JitSlot(not compiled)"),
            Some(None) => write!(f, "JitSlot(VM)"),
            Some(Some(k)) => write!(f, "{k:?}"),
        }
    }
}

impl JitSlot {
    /// `None`: not tried yet; `Some(true)`: compiled; `Some(false)`: runs on the VM.
    pub fn status(&self) -> Option<bool> {
        self.0.get().map(|k| k.is_some())
    }
    /// Compiled with the two-instance (f64x2) loop.
    pub fn vectorized(&self) -> bool {
        matches!(self.0.get(), Some(Some(k)) if k.vector)
    }
    /// The compiled kernel (compiling it on first use), or `None` if it must run on the VM.
    #[inline]
    pub(crate) fn get(
        &self,
        k: &Kernel,
        nregs: usize,
        kinetic: &[KineticSys],
    ) -> Option<&JitKernel> {
        self.0
            .get_or_init(|| {
                // A panic inside the code generator would be a bug in it (or in us); the VM
                // computes the same bits, so fall back to it rather than abort the run.
                std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    compile(k, nregs, kinetic)
                }))
                .ok()
                .flatten()
            })
            .as_ref()
    }
}

extern "C" fn c_exp(x: f64) -> f64 {
    hoc_exp(x)
}
extern "C" fn c_call1(f: u64, x: f64) -> f64 {
    F1_TABLE[f as usize].apply(x)
}
extern "C" fn c_call2(f: u64, a: f64, b: f64) -> f64 {
    F2_TABLE[f as usize].apply(a, b)
}
extern "C" fn c_pow(a: f64, b: f64) -> f64 {
    a.powf(b)
}

const F1_TABLE: [F1; 16] = [
    F1::Exp,
    F1::Log,
    F1::Log10,
    F1::Fabs,
    F1::Sqrt,
    F1::Sin,
    F1::Cos,
    F1::Tan,
    F1::Tanh,
    F1::Floor,
    F1::Ceil,
    F1::Atan,
    F1::Sinh,
    F1::Cosh,
    F1::Asin,
    F1::Acos,
];
const F2_TABLE: [F2; 5] = [F2::Pow, F2::Atan2, F2::Fmod, F2::Min, F2::Max];

/// `nrn_wrote_conc` at one node (`e` by Nernst if the node's style has einit).
///
/// # Safety
/// Called only by compiled kernels with the `Args` they were given.
unsafe extern "C" fn c_wrote_conc(args: *const Args, slot: u64, node: u64) {
    // SAFETY: `args` is the live argument block of the running kernel; `ion_arrays` and
    // `ion_slots` point to the model's ions and the type's slot map, and the kernel holds no
    // reference into the `e`/`ci`/`co`/`style` arrays across this call.
    unsafe {
        let a = &*args;
        let ion = &mut *a.ion_arrays.add(*a.ion_slots.add(slot as usize));
        let nd = node as usize;
        if ion.style[nd] & style::EINIT != 0 {
            ion.e[nd] = nernst(ion.ci[nd], ion.co[nd], ion.charge, a.celsius);
        }
    }
}

/// One sparse step of KINETIC system `sys` on lane 0 of the VM register file: 0, or 1 if the
/// matrix was singular.
///
/// # Safety
/// Called only by compiled kernels with the `Args` they were given.
unsafe extern "C" fn c_kinetic(args: *const Args, sys: u64) -> u64 {
    // SAFETY: `args` is the live argument block of the running kernel: `compiled` is the type's
    // program, `kin_regs` its VM register file of `kin_regs_len` entries and `kin_*` the
    // solver's work vectors, none of them referenced elsewhere during the call.
    unsafe {
        let a = &*args;
        let compiled = &*a.compiled;
        let sys = &compiled.kinetic[sys as usize];
        let regs = std::slice::from_raw_parts_mut(a.kin_regs, a.kin_regs_len as usize);
        let r = crate::solvers::kinetic(
            sys,
            regs,
            1,
            a.dt,
            &mut *a.kin_mat,
            &mut *a.kin_v1,
            &mut *a.kin_v2,
        );
        u64::from(r.is_err())
    }
}

/// Registers read and written by a supported op; `None` for ops the tier does not compile.
fn operands(op: &Op, kinetic: &[KineticSys]) -> Option<(Vec<Reg>, Vec<Reg>)> {
    Some(match op {
        Op::Mov(d, a) | Op::Neg(d, a) | Op::Not(d, a) | Op::Call1(_, d, a) => (vec![*a], vec![*d]),
        Op::Add(d, a, b)
        | Op::Sub(d, a, b)
        | Op::Mul(d, a, b)
        | Op::Div(d, a, b)
        | Op::Lt(d, a, b)
        | Op::Le(d, a, b)
        | Op::Gt(d, a, b)
        | Op::Ge(d, a, b)
        | Op::Eq(d, a, b)
        | Op::Ne(d, a, b)
        | Op::And(d, a, b)
        | Op::Or(d, a, b)
        | Op::Call2(_, d, a, b) => (vec![*a, *b], vec![*d]),
        Op::Sel(d, c, a, b) => (vec![*c, *a, *b], vec![*d]),
        Op::LdCol(d, _) | Op::LdGlob(d, _) | Op::LdV(d) | Op::LdArea(d) | Op::LdDiam(d) => {
            (vec![], vec![*d])
        }
        Op::LdIon(d, _, _) => (vec![], vec![*d]),
        Op::StCol(_, a) | Op::StGlob(_, a) | Op::StIon(_, _, a) | Op::AddIon(_, _, a) => {
            (vec![*a], vec![])
        }
        Op::AccRhs(a, _) | Op::AccD(a, _) => (vec![*a], vec![]),
        Op::WroteConc(_) | Op::Skip(_) => (vec![], vec![]),
        Op::SkipIfZero(c, _) | Op::Unless(c, _) => (vec![*c], vec![]),
        // a one-step sparse solve (not STEADYSTATE, which only INITIAL uses): reads the states,
        // the rate registers and the CONSERVE totals, writes the states
        Op::Kinetic(i) => {
            let sys = kinetic.get(*i as usize).filter(|s| !s.steady)?;
            (kinetic_reads(sys), sys.states.clone())
        }
        Op::LdW(..)
        | Op::StW(..)
        | Op::NetSend(..)
        | Op::NetEvent(..)
        | Op::NetMove(..)
        | Op::Linear(_)
        | Op::Implicit(_)
        | Op::Table(..) => return None,
    })
}

/// The registers a KINETIC solve reads (`solvers::kinetic`): states, rates, CONSERVE totals.
fn kinetic_reads(sys: &KineticSys) -> Vec<Reg> {
    let mut r = sys.states.clone();
    for rx in &sys.reactions {
        r.push(rx.kf);
        r.extend(rx.kb);
    }
    r.extend(sys.conserve.iter().map(|c| c.2));
    r.sort_unstable();
    r.dedup();
    r
}

/// Registers that may be read before being written within one instance (given that the
/// constants and specials are set at entry), following the forward skips.
fn live_in(k: &Kernel, nregs: usize, kinetic: &[KineticSys]) -> Option<Vec<bool>> {
    let mut def = vec![false; nregs];
    for (r, _) in &k.consts {
        def[*r as usize] = true;
    }
    for (r, _) in &k.specials {
        def[*r as usize] = true;
    }
    let mut live = vec![false; nregs];
    let mut pending: BTreeMap<usize, Vec<bool>> = BTreeMap::new();
    let mut reachable = true;
    let merge = |p: &mut BTreeMap<usize, Vec<bool>>, at: usize, d: &[bool]| {
        p.entry(at)
            .and_modify(|e| e.iter_mut().zip(d).for_each(|(x, y)| *x &= *y))
            .or_insert_with(|| d.to_vec());
    };
    for (i, op) in k.ops.iter().enumerate() {
        if let Some(p) = pending.remove(&i) {
            if reachable {
                def.iter_mut().zip(&p).for_each(|(x, y)| *x &= *y);
            } else {
                def = p;
                reachable = true;
            }
        }
        let (reads, writes) = operands(op, kinetic)?;
        if !reachable {
            continue;
        }
        for r in reads {
            if !def[r as usize] {
                live[r as usize] = true;
            }
        }
        for w in writes {
            def[w as usize] = true;
        }
        match op {
            Op::SkipIfZero(_, n) | Op::Unless(_, n) => {
                merge(&mut pending, i + 1 + *n as usize, &def)
            }
            Op::Skip(n) => {
                merge(&mut pending, i + 1 + *n as usize, &def);
                reachable = false;
            }
            _ => {}
        }
    }
    Some(live)
}

/// Import a signature with the given parameter and return types.
fn import_sig(
    b: &mut FunctionBuilder,
    cc: cranelift_codegen::isa::CallConv,
    params: &[types::Type],
    ret: Option<types::Type>,
) -> cranelift_codegen::ir::SigRef {
    let mut s = Signature::new(cc);
    s.params.extend(params.iter().map(|t| AbiParam::new(*t)));
    s.returns.extend(ret.map(AbiParam::new));
    b.import_signature(s)
}

/// Emit `op` if it is one of the arithmetic ops whose Cranelift form is the same for `f64` and
/// `f64x2` values (`vars` of either type); `false` for any other op.
fn emit_arith(b: &mut FunctionBuilder, vars: &[Variable], op: &Op) -> bool {
    let u = |b: &mut FunctionBuilder, r: &Reg| b.use_var(vars[*r as usize]);
    let (d, x) = match op {
        Op::Mov(d, a) => (d, u(b, a)),
        Op::Add(d, a, c) | Op::Sub(d, a, c) | Op::Mul(d, a, c) | Op::Div(d, a, c) => {
            let (x, y) = (u(b, a), u(b, c));
            let r = match op {
                Op::Add(..) => b.ins().fadd(x, y),
                Op::Sub(..) => b.ins().fsub(x, y),
                Op::Mul(..) => b.ins().fmul(x, y),
                _ => b.ins().fdiv(x, y),
            };
            (d, r)
        }
        Op::Neg(d, a) => {
            let x = u(b, a);
            (d, b.ins().fneg(x))
        }
        Op::Call1(F1::Fabs, d, a) => {
            let x = u(b, a);
            (d, b.ins().fabs(x))
        }
        Op::Call1(F1::Sqrt, d, a) => {
            let x = u(b, a);
            (d, b.ins().sqrt(x))
        }
        _ => return false,
    };
    b.def_var(vars[*d as usize], x);
    true
}

/// Emit `op` if it is a comparison, a logical op or a select (`false` otherwise). The
/// condition values differ between the scalar loop (`i8` from `fcmp`) and the f64x2 loop (lane
/// masks): `b2f` turns a condition into 1.0/0.0, `sel` selects by a condition; `zero` is 0.0 of
/// the value type.
fn emit_logic(
    b: &mut FunctionBuilder,
    vars: &[Variable],
    op: &Op,
    zero: Value,
    b2f: &dyn Fn(&mut FunctionBuilder, Value) -> Value,
    sel: &dyn Fn(&mut FunctionBuilder, Value, Value, Value) -> Value,
) -> bool {
    let u = |b: &mut FunctionBuilder, r: &Reg| b.use_var(vars[*r as usize]);
    let (d, x) = match op {
        Op::Lt(d, a, c)
        | Op::Le(d, a, c)
        | Op::Gt(d, a, c)
        | Op::Ge(d, a, c)
        | Op::Eq(d, a, c)
        | Op::Ne(d, a, c) => {
            let cc = match op {
                Op::Lt(..) => FloatCC::LessThan,
                Op::Le(..) => FloatCC::LessThanOrEqual,
                Op::Gt(..) => FloatCC::GreaterThan,
                Op::Ge(..) => FloatCC::GreaterThanOrEqual,
                Op::Eq(..) => FloatCC::Equal,
                // Rust's `!=`: unordered or not equal
                _ => FloatCC::NotEqual,
            };
            let (x, y) = (u(b, a), u(b, c));
            let t = b.ins().fcmp(cc, x, y);
            (d, b2f(b, t))
        }
        Op::And(d, a, c) | Op::Or(d, a, c) => {
            let (x, y) = (u(b, a), u(b, c));
            let tx = b.ins().fcmp(FloatCC::NotEqual, x, zero);
            let ty = b.ins().fcmp(FloatCC::NotEqual, y, zero);
            let t = if matches!(op, Op::And(..)) {
                b.ins().band(tx, ty)
            } else {
                b.ins().bor(tx, ty)
            };
            (d, b2f(b, t))
        }
        Op::Not(d, a) => {
            let x = u(b, a);
            let t = b.ins().fcmp(FloatCC::Equal, x, zero);
            (d, b2f(b, t))
        }
        Op::Sel(d, c, a, e) => {
            let (cx, x, y) = (u(b, c), u(b, a), u(b, e));
            let t = b.ins().fcmp(FloatCC::NotEqual, cx, zero);
            (d, sel(b, t, x, y))
        }
        _ => return false,
    };
    b.def_var(vars[*d as usize], x);
    true
}

/// Can the kernel run two instances at a time in f64x2 registers? Only straight-line kernels
/// whose instances are independent apart from the node accumulations (which stay in order):
/// no branches, no libm calls (their memories are sequential), no GLOBAL stores, no
/// `nrn_wrote_conc`, no register carried from one instance to the next, constants never
/// overwritten.
fn vectorizable(k: &Kernel, live: &[bool], consts_dirty: bool) -> bool {
    !consts_dirty
        && !live.iter().any(|&l| l)
        && k.ops.iter().all(|op| {
            matches!(
                op,
                Op::Mov(..)
                    | Op::Add(..)
                    | Op::Sub(..)
                    | Op::Mul(..)
                    | Op::Div(..)
                    | Op::Neg(..)
                    | Op::Lt(..)
                    | Op::Le(..)
                    | Op::Gt(..)
                    | Op::Ge(..)
                    | Op::Eq(..)
                    | Op::Ne(..)
                    | Op::And(..)
                    | Op::Or(..)
                    | Op::Not(..)
                    | Op::Sel(..)
                    | Op::Call1(F1::Fabs | F1::Sqrt, _, _)
                    | Op::LdCol(..)
                    | Op::StCol(..)
                    | Op::LdGlob(..)
                    | Op::LdV(..)
                    | Op::LdArea(..)
                    | Op::LdDiam(..)
                    | Op::LdIon(..)
                    | Op::StIon(..)
                    | Op::AddIon(..)
                    | Op::AccRhs(..)
                    | Op::AccD(..)
            )
        })
}

/// Compile `k` (registers `0..nregs`), or `None` if it has an unsupported op or Cranelift is
/// not available for this host.
fn compile(k: &Kernel, nregs: usize, kinetic: &[KineticSys]) -> Option<JitKernel> {
    if k.ops.is_empty() {
        return None;
    }
    let live = live_in(k, nregs, kinetic)?;
    let mut flags = settings::builder();
    flags.set("opt_level", "speed").ok()?;
    flags.set("use_colocated_libcalls", "false").ok()?;
    flags.set("is_pic", "false").ok()?;
    // the IR comes from our own generator and is checked by the tests; verifying it at every
    // compilation costs more than the rest of code generation for small kernels
    flags.set("enable_verifier", "false").ok()?;
    let isa = cranelift_native::builder()
        .ok()?
        .finish(settings::Flags::new(flags))
        .ok()?;
    if isa.pointer_type() != types::I64 || std::mem::size_of::<usize>() != 8 {
        return None;
    }
    let call_conv = isa.default_call_conv();
    let mut module = JITModule::new(JITBuilder::with_isa(isa, default_libcall_names()));
    let mut ctx = module.make_context();
    let mut sig = module.make_signature();
    sig.params.push(AbiParam::new(types::I64));
    sig.returns.push(AbiParam::new(types::I64));
    let fid = module
        .declare_function("kernel", Linkage::Local, &sig)
        .ok()?;
    ctx.func.signature = sig;
    ctx.func.name = UserFuncName::user(0, fid.as_u32());

    // persistent file: registers 0..nregs (only the live-in ones are used), then call sites
    let mut sites = 0usize;
    for op in &k.ops {
        if matches!(op, Op::Call1(f, _, _) if !matches!(f, F1::Fabs | F1::Sqrt))
            || matches!(op, Op::Call2(..))
        {
            sites += 1;
        }
    }
    let file_len = nregs + 3 * sites;
    let sentinel = f64::from_bits(0x7ff8_0000_5ca1_a400);
    let mut file_init = Vec::new();
    let uses_nodes;
    let vector;
    let mut ion_slots_used: Vec<u32> = Vec::new();
    let mut ncols = 0usize;

    let tcfg = module.target_config();
    let mut fbc = FunctionBuilderContext::new();
    {
        let mut b = FunctionBuilder::new(&mut ctx.func, &mut fbc);
        // register `r` of the variables `vs` (scalar or f64x2): read, define
        macro_rules! u {
            ($vs:expr, $r:expr) => {
                b.use_var($vs[*$r as usize])
            };
        }
        macro_rules! set {
            ($vs:expr, $r:expr, $x:expr) => {{
                let x = $x;
                b.def_var($vs[*$r as usize], x)
            }};
        }
        let fl = MemFlagsData::trusted();
        let entry = b.create_block();
        b.append_block_params_for_function_params(entry);
        b.switch_to_block(entry);
        let args = b.block_params(entry)[0];
        let ld_ptr = |b: &mut FunctionBuilder, off: i32| b.ins().load(types::I64, fl, args, off);
        let n = ld_ptr(&mut b, off!(n));
        let nodes = ld_ptr(&mut b, off!(nodes));
        let cols = ld_ptr(&mut b, off!(cols));
        let globals = ld_ptr(&mut b, off!(globals));
        let regs = ld_ptr(&mut b, off!(regs));
        let mut node_arr = BTreeMap::new();
        let mut col_ptr = BTreeMap::new();
        let mut ion_ptr = BTreeMap::new();
        for op in &k.ops {
            match op {
                Op::LdV(_) => {
                    node_arr.entry(off!(v)).or_insert(0);
                }
                Op::LdArea(_) => {
                    node_arr.entry(off!(area)).or_insert(0);
                }
                Op::LdDiam(_) => {
                    node_arr.entry(off!(diam)).or_insert(0);
                }
                Op::AccRhs(..) => {
                    node_arr.entry(off!(rhs)).or_insert(0);
                }
                Op::AccD(..) => {
                    node_arr.entry(off!(d)).or_insert(0);
                }
                Op::LdCol(_, c) | Op::StCol(c, _) => {
                    col_ptr.entry(*c).or_insert(0);
                    ncols = ncols.max(*c as usize + 1);
                }
                Op::LdIon(_, s, f) | Op::StIon(s, f, _) | Op::AddIon(s, f, _) => {
                    ion_ptr.entry((*s, field_index(*f))).or_insert(0);
                    if !ion_slots_used.contains(s) {
                        ion_slots_used.push(*s);
                    }
                }
                Op::WroteConc(s) if !ion_slots_used.contains(s) => ion_slots_used.push(*s),
                _ => {}
            }
        }
        uses_nodes = !node_arr.is_empty() || !ion_slots_used.is_empty();
        let node_arr: BTreeMap<i32, Value> =
            node_arr.keys().map(|&o| (o, ld_ptr(&mut b, o))).collect();
        let col_ptr: BTreeMap<u32, Value> = col_ptr
            .keys()
            .map(|&c| {
                // cols + 8*c*n
                let off = b.ins().imul_imm_u(n, 8 * i64::from(c));
                (c, b.ins().iadd(cols, off))
            })
            .collect();
        let ions = if ion_ptr.is_empty() {
            None
        } else {
            Some(ld_ptr(&mut b, off!(ions)))
        };
        let ion_ptr: BTreeMap<(u32, usize), Value> = ion_ptr
            .keys()
            .map(|&(s, f)| {
                let p = b.ins().load(
                    types::I64,
                    fl,
                    ions.unwrap(),
                    (8 * (5 * s as usize + f)) as i32,
                );
                ((s, f), p)
            })
            .collect();

        // registers
        let vars: Vec<Variable> = (0..nregs).map(|_| b.declare_var(types::F64)).collect();
        let zero = b.ins().f64const(0.0);
        let one = b.ins().f64const(1.0);
        for r in 0..nregs {
            let x = if live[r] {
                b.ins().load(types::F64, fl, regs, (8 * r) as i32)
            } else {
                zero
            };
            b.def_var(vars[r], x);
        }
        let consts_dirty = k
            .ops
            .iter()
            .filter_map(|o| operands(o, kinetic).map(|x| x.1))
            .flatten()
            .any(|w| k.consts.iter().any(|(r, _)| *r == w));
        let def_consts = |b: &mut FunctionBuilder| {
            for (r, v) in &k.consts {
                let c = b.ins().f64const(*v);
                b.def_var(vars[*r as usize], c);
            }
        };
        def_consts(&mut b);
        for (r, sp) in &k.specials {
            let x = match sp {
                Special::T => b.ins().load(types::F64, fl, args, off!(t)),
                Special::Dt => b.ins().load(types::F64, fl, args, off!(dt)),
                Special::Celsius => b.ins().load(types::F64, fl, args, off!(celsius)),
                Special::Flag => zero,
            };
            b.def_var(vars[*r as usize], x);
        }
        // call-site memories: last a, last b, last result
        let mut memo: Vec<[Variable; 3]> = Vec::with_capacity(sites);
        for s in 0..sites {
            let base = nregs + 3 * s;
            let vs = [
                b.declare_var(types::F64),
                b.declare_var(types::F64),
                b.declare_var(types::F64),
            ];
            for (j, v) in vs.iter().enumerate() {
                let x = b.ins().load(types::F64, fl, regs, (8 * (base + j)) as i32);
                b.def_var(*v, x);
            }
            memo.push(vs);
        }
        let ivar = b.declare_var(types::I64);
        let i0 = b.ins().iconst(types::I64, 0);
        b.def_var(ivar, i0);

        let header = b.create_block();
        let body = b.create_block();
        let exit = b.create_block();
        vector = vectorizable(k, &live, consts_dirty);
        if vector {
            // Two instances per iteration in f64x2 registers (packed IEEE operations are
            // bitwise the scalar ones per lane); gathers and scatters go lane by lane, lane 0
            // first, so accumulations into shared nodes keep the instance order. The scalar
            // loop below finishes an odd count.
            let vt = types::F64X2;
            let vflags = MemFlagsData::new().with_notrap();
            let lanes =
                MemFlagsData::new().with_endianness(cranelift_codegen::ir::Endianness::Little);
            let vvars: Vec<Variable> = (0..nregs).map(|_| b.declare_var(vt)).collect();
            let vzero = b.ins().splat(vt, zero);
            let vone = b.ins().splat(vt, one);
            for r in 0..nregs {
                b.def_var(vvars[r], vzero);
            }
            let uniform = k.consts.iter().map(|(r, _)| *r);
            for r in uniform.chain(k.specials.iter().map(|(r, _)| *r)) {
                let x = b.use_var(vars[r as usize]);
                let v = b.ins().splat(vt, x);
                b.def_var(vvars[r as usize], v);
            }
            let vheader = b.create_block();
            let vbody = b.create_block();
            b.ins().jump(vheader, &[]);
            b.switch_to_block(vheader);
            let i = b.use_var(ivar);
            let i2 = b.ins().iadd_imm_u(i, 2);
            let more = b.ins().icmp(IntCC::UnsignedLessThanOrEqual, i2, n);
            b.ins().brif(more, vbody, &[], header, &[]);
            b.switch_to_block(vbody);
            let i = b.use_var(ivar);
            let i8 = b.ins().ishl_imm_u(i, 3);
            let nodes8 = if uses_nodes {
                let na = b.ins().iadd(nodes, i8);
                let n0 = b.ins().load(types::I64, fl, na, 0);
                let n1 = b.ins().load(types::I64, fl, na, 8);
                Some([b.ins().ishl_imm_u(n0, 3), b.ins().ishl_imm_u(n1, 3)])
            } else {
                None
            };
            let mask_to_f = |b: &mut FunctionBuilder, m: Value| b.ins().bitcast(vt, lanes, m);
            for op in &k.ops {
                // addresses of lanes 0 and 1 in a node-indexed array
                macro_rules! lane_addrs {
                    ($base:expr) => {{
                        let base = $base;
                        let [n0, n1] = nodes8.unwrap();
                        [b.ins().iadd(base, n0), b.ins().iadd(base, n1)]
                    }};
                }
                macro_rules! gather {
                    ($base:expr) => {{
                        let [p0, p1] = lane_addrs!($base);
                        let x0 = b.ins().load(types::F64, fl, p0, 0);
                        let x1 = b.ins().load(types::F64, fl, p1, 0);
                        let v = b.ins().scalar_to_vector(vt, x0);
                        b.ins().insertlane(v, x1, 1)
                    }};
                }
                if emit_arith(&mut b, &vvars, op)
                    || emit_logic(
                        &mut b,
                        &vvars,
                        op,
                        vzero,
                        &|b, m| {
                            let m = mask_to_f(b, m);
                            b.ins().band(m, vone)
                        },
                        &|b, m, x, y| {
                            let m = mask_to_f(b, m);
                            b.ins().bitselect(m, x, y)
                        },
                    )
                {
                    continue;
                }
                match op {
                    Op::LdCol(d, c) => {
                        let p = b.ins().iadd(col_ptr[c], i8);
                        set!(vvars, d, b.ins().load(vt, vflags, p, 0))
                    }
                    Op::StCol(c, a) => {
                        let x = u!(vvars, a);
                        let p = b.ins().iadd(col_ptr[c], i8);
                        b.ins().store(vflags, x, p, 0);
                    }
                    Op::LdGlob(d, g) => {
                        let x = b.ins().load(types::F64, fl, globals, (8 * *g) as i32);
                        set!(vvars, d, b.ins().splat(vt, x))
                    }
                    Op::LdV(d) | Op::LdArea(d) | Op::LdDiam(d) => {
                        let o = match op {
                            Op::LdV(_) => off!(v),
                            Op::LdArea(_) => off!(area),
                            _ => off!(diam),
                        };
                        set!(vvars, d, gather!(node_arr[&o]))
                    }
                    Op::LdIon(d, s, f) => {
                        set!(vvars, d, gather!(ion_ptr[&(*s, field_index(*f))]))
                    }
                    Op::StIon(s, f, a) => {
                        let x = u!(vvars, a);
                        let ps = lane_addrs!(ion_ptr[&(*s, field_index(*f))]);
                        for (l, p) in ps.into_iter().enumerate() {
                            let xl = b.ins().extractlane(x, l as u8);
                            b.ins().store(fl, xl, p, 0);
                        }
                    }
                    Op::AddIon(s, f, a) => {
                        let x = u!(vvars, a);
                        let ps = lane_addrs!(ion_ptr[&(*s, field_index(*f))]);
                        for (l, p) in ps.into_iter().enumerate() {
                            let xl = b.ins().extractlane(x, l as u8);
                            let old = b.ins().load(types::F64, fl, p, 0);
                            let new = b.ins().fadd(old, xl);
                            b.ins().store(fl, new, p, 0);
                        }
                    }
                    Op::AccRhs(a, sign) | Op::AccD(a, sign) => {
                        let x = u!(vvars, a);
                        let o = if matches!(op, Op::AccRhs(..)) {
                            off!(rhs)
                        } else {
                            off!(d)
                        };
                        let ps = lane_addrs!(node_arr[&o]);
                        for (l, p) in ps.into_iter().enumerate() {
                            let xl = b.ins().extractlane(x, l as u8);
                            let old = b.ins().load(types::F64, fl, p, 0);
                            let new = if *sign > 0.0 {
                                b.ins().fadd(old, xl)
                            } else {
                                b.ins().fsub(old, xl)
                            };
                            b.ins().store(fl, new, p, 0);
                        }
                    }
                    _ => return None,
                }
            }
            let i = b.use_var(ivar);
            let i2 = b.ins().iadd_imm_u(i, 2);
            b.def_var(ivar, i2);
            b.ins().jump(vheader, &[]);
        } else {
            b.ins().jump(header, &[]);
        }
        b.switch_to_block(header);
        let i = b.use_var(ivar);
        let more = b.ins().icmp(IntCC::UnsignedLessThan, i, n);
        b.ins().brif(more, body, &[], exit, &[]);

        b.switch_to_block(body);
        let i = b.use_var(ivar);
        let i8 = b.ins().ishl_imm_u(i, 3);
        let node8 = if uses_nodes {
            let na = b.ins().iadd(nodes, i8);
            let node = b.ins().load(types::I64, fl, na, 0);
            Some(b.ins().ishl_imm_u(node, 3))
        } else {
            None
        };
        if consts_dirty {
            def_consts(&mut b);
        }
        let mut targets: BTreeMap<usize, cranelift_codegen::ir::Block> = BTreeMap::new();
        for (pc, op) in k.ops.iter().enumerate() {
            if let Op::SkipIfZero(_, s) | Op::Unless(_, s) | Op::Skip(s) = op {
                let t = pc + 1 + *s as usize;
                if t > k.ops.len() {
                    return None;
                }
                targets.entry(t).or_insert_with(|| b.create_block());
            }
        }
        let mut open = true;
        let mut site = 0usize;
        let (f, i) = (types::F64, types::I64);
        let sig1 = import_sig(&mut b, call_conv, &[f], Some(f));
        let sig2 = import_sig(&mut b, call_conv, &[f, f], Some(f));
        let sig1f = import_sig(&mut b, call_conv, &[i, f], Some(f));
        let sig2f = import_sig(&mut b, call_conv, &[i, f, f], Some(f));
        let sigw = import_sig(&mut b, call_conv, &[i, i, i], None);
        let sigk = import_sig(&mut b, call_conv, &[i, i], Some(i));
        let b2f = |b: &mut FunctionBuilder, c: Value| b.ins().select(c, one, zero);
        for (pc, op) in k.ops.iter().enumerate() {
            if let Some(&blk) = targets.get(&pc) {
                if open {
                    b.ins().jump(blk, &[]);
                }
                b.switch_to_block(blk);
                open = true;
            }
            if !open {
                // unreachable code after an unconditional skip: give it a block of its own
                let blk = b.create_block();
                b.switch_to_block(blk);
                open = true;
            }
            macro_rules! node_addr {
                ($base:expr) => {{
                    let base = $base;
                    b.ins().iadd(base, node8.unwrap())
                }};
            }
            if emit_arith(&mut b, &vars, op)
                || emit_logic(&mut b, &vars, op, zero, &b2f, &|b, t, x, y| {
                    b.ins().select(t, x, y)
                })
            {
                continue;
            }
            match op {
                Op::Call1(_, _, _) | Op::Call2(..) => {
                    let (d, xa, xb) = match op {
                        Op::Call1(_, d, a) => (*d, u!(vars, a), None),
                        Op::Call2(_, d, a, c) => (*d, u!(vars, a), Some(u!(vars, c))),
                        _ => unreachable!(),
                    };
                    let mv = memo[site];
                    let base = nregs + 3 * site;
                    site += 1;
                    // the "no previous call" state: sentinel arguments and their result
                    let init = match op {
                        Op::Call1(f, ..) => f.apply(sentinel),
                        Op::Call2(f, ..) => f.apply(sentinel, sentinel),
                        _ => unreachable!(),
                    };
                    file_init.push((base, sentinel));
                    file_init.push((base + 1, sentinel));
                    file_init.push((base + 2, init));
                    let ma = b.use_var(mv[0]);
                    let mb = b.use_var(mv[1]);
                    let mr = b.use_var(mv[2]);
                    let bx = b.ins().bitcast(types::I64, MemFlagsData::new(), xa);
                    let bma = b.ins().bitcast(types::I64, MemFlagsData::new(), ma);
                    let mut hit = b.ins().icmp(IntCC::Equal, bx, bma);
                    if let Some(y) = xb {
                        let by = b.ins().bitcast(types::I64, MemFlagsData::new(), y);
                        let bmb = b.ins().bitcast(types::I64, MemFlagsData::new(), mb);
                        let h2 = b.ins().icmp(IntCC::Equal, by, bmb);
                        hit = b.ins().band(hit, h2);
                    }
                    let call_blk = b.create_block();
                    let join = b.create_block();
                    b.append_block_param(join, types::F64);
                    b.ins()
                        .brif(hit, join, &[BlockArg::Value(mr)], call_blk, &[]);
                    b.switch_to_block(call_blk);
                    let res = match op {
                        Op::Call1(F1::Exp, ..) => {
                            let f = b.ins().iconst(types::I64, c_exp as *const () as i64);
                            let c = b.ins().call_indirect(sig1, f, &[xa]);
                            b.inst_results(c)[0]
                        }
                        Op::Call1(f1, ..) => {
                            let idx = F1_TABLE.iter().position(|x| x == f1).unwrap();
                            let f = b.ins().iconst(types::I64, c_call1 as *const () as i64);
                            let which = b.ins().iconst(types::I64, idx as i64);
                            let c = b.ins().call_indirect(sig1f, f, &[which, xa]);
                            b.inst_results(c)[0]
                        }
                        Op::Call2(F2::Pow, ..) => {
                            let f = b.ins().iconst(types::I64, c_pow as *const () as i64);
                            let c = b.ins().call_indirect(sig2, f, &[xa, xb.unwrap()]);
                            b.inst_results(c)[0]
                        }
                        Op::Call2(f2, ..) => {
                            let idx = F2_TABLE.iter().position(|x| x == f2).unwrap();
                            let f = b.ins().iconst(types::I64, c_call2 as *const () as i64);
                            let which = b.ins().iconst(types::I64, idx as i64);
                            let c = b.ins().call_indirect(sig2f, f, &[which, xa, xb.unwrap()]);
                            b.inst_results(c)[0]
                        }
                        _ => unreachable!(),
                    };
                    b.ins().jump(join, &[BlockArg::Value(res)]);
                    b.switch_to_block(join);
                    let r = b.block_params(join)[0];
                    b.def_var(mv[0], xa);
                    if let Some(y) = xb {
                        b.def_var(mv[1], y);
                    }
                    b.def_var(mv[2], r);
                    b.def_var(vars[d as usize], r);
                }
                Op::LdCol(d, c) => {
                    let p = b.ins().iadd(col_ptr[c], i8);
                    set!(vars, d, b.ins().load(types::F64, fl, p, 0))
                }
                Op::StCol(c, a) => {
                    let x = u!(vars, a);
                    let p = b.ins().iadd(col_ptr[c], i8);
                    b.ins().store(fl, x, p, 0);
                }
                Op::LdGlob(d, g) => {
                    set!(
                        vars,
                        d,
                        b.ins().load(types::F64, fl, globals, (8 * *g) as i32)
                    )
                }
                Op::StGlob(g, a) => {
                    let x = u!(vars, a);
                    b.ins().store(fl, x, globals, (8 * *g) as i32);
                }
                Op::LdV(d) | Op::LdArea(d) | Op::LdDiam(d) => {
                    let o = match op {
                        Op::LdV(_) => off!(v),
                        Op::LdArea(_) => off!(area),
                        _ => off!(diam),
                    };
                    let p = node_addr!(node_arr[&o]);
                    set!(vars, d, b.ins().load(types::F64, fl, p, 0))
                }
                Op::LdIon(d, s, f) => {
                    let p = node_addr!(ion_ptr[&(*s, field_index(*f))]);
                    set!(vars, d, b.ins().load(types::F64, fl, p, 0))
                }
                Op::StIon(s, f, a) => {
                    let x = u!(vars, a);
                    let p = node_addr!(ion_ptr[&(*s, field_index(*f))]);
                    b.ins().store(fl, x, p, 0);
                }
                Op::AddIon(s, f, a) => {
                    let x = u!(vars, a);
                    let p = node_addr!(ion_ptr[&(*s, field_index(*f))]);
                    let old = b.ins().load(types::F64, fl, p, 0);
                    let new = b.ins().fadd(old, x);
                    b.ins().store(fl, new, p, 0);
                }
                Op::AccRhs(a, sign) | Op::AccD(a, sign) => {
                    let x = u!(vars, a);
                    let o = if matches!(op, Op::AccRhs(..)) {
                        off!(rhs)
                    } else {
                        off!(d)
                    };
                    let p = node_addr!(node_arr[&o]);
                    let old = b.ins().load(types::F64, fl, p, 0);
                    let new = if *sign > 0.0 {
                        b.ins().fadd(old, x)
                    } else {
                        b.ins().fsub(old, x)
                    };
                    b.ins().store(fl, new, p, 0);
                }
                Op::WroteConc(s) => {
                    let f = b.ins().iconst(types::I64, c_wrote_conc as *const () as i64);
                    let slot = b.ins().iconst(types::I64, *s as i64);
                    let node = b.ins().ushr_imm_u(node8.unwrap(), 3);
                    b.ins().call_indirect(sigw, f, &[args, slot, node]);
                }
                Op::Kinetic(si) => {
                    // the registers go through lane 0 of the VM's register file, where the
                    // solver reads and writes them; a singular matrix stops the call with
                    // 1 + the instance
                    let sys = &kinetic[*si as usize];
                    let kregs = b.ins().load(types::I64, fl, args, off!(kin_regs));
                    for r in kinetic_reads(sys) {
                        let x = b.use_var(vars[r as usize]);
                        b.ins().store(fl, x, kregs, (8 * r as usize * LANES) as i32);
                    }
                    let f = b.ins().iconst(types::I64, c_kinetic as *const () as i64);
                    let which = b.ins().iconst(types::I64, i64::from(*si));
                    let c = b.ins().call_indirect(sigk, f, &[args, which]);
                    let bad = b.inst_results(c)[0];
                    let fail = b.create_block();
                    let next = b.create_block();
                    b.ins().brif(bad, fail, &[], next, &[]);
                    b.switch_to_block(fail);
                    let i = b.use_var(ivar);
                    let code = b.ins().iadd_imm_u(i, 1);
                    b.ins().return_(&[code]);
                    b.switch_to_block(next);
                    for &r in &sys.states {
                        let x =
                            b.ins()
                                .load(types::F64, fl, kregs, (8 * r as usize * LANES) as i32);
                        b.def_var(vars[r as usize], x);
                    }
                }
                Op::SkipIfZero(c, s) | Op::Unless(c, s) => {
                    let x = u!(vars, c);
                    let t = b.ins().fcmp(FloatCC::Equal, x, zero);
                    let next = b.create_block();
                    let target = targets[&(pc + 1 + *s as usize)];
                    b.ins().brif(t, target, &[], next, &[]);
                    b.switch_to_block(next);
                }
                Op::Skip(s) => {
                    let target = targets[&(pc + 1 + *s as usize)];
                    b.ins().jump(target, &[]);
                    open = false;
                }
                _ => return None,
            }
        }
        if let Some(&blk) = targets.get(&k.ops.len()) {
            if open {
                b.ins().jump(blk, &[]);
            }
            b.switch_to_block(blk);
            open = true;
        }
        if !open {
            let blk = b.create_block();
            b.switch_to_block(blk);
        }
        let i = b.use_var(ivar);
        let i1 = b.ins().iadd_imm_u(i, 1);
        b.def_var(ivar, i1);
        b.ins().jump(header, &[]);

        b.switch_to_block(exit);
        for r in 0..nregs {
            if live[r] {
                let x = b.use_var(vars[r]);
                b.ins().store(fl, x, regs, (8 * r) as i32);
            }
        }
        for (s, mv) in memo.iter().enumerate() {
            for (j, v) in mv.iter().enumerate() {
                let x = b.use_var(*v);
                b.ins().store(fl, x, regs, (8 * (nregs + 3 * s + j)) as i32);
            }
        }
        let ok = b.ins().iconst(types::I64, 0);
        b.ins().return_(&[ok]);
        b.seal_all_blocks();
        b.finalize(tcfg);
    }
    module.define_function(fid, &mut ctx).ok()?;
    module.clear_context(&mut ctx);
    module.finalize_definitions().ok()?;
    let ptr = module.get_finalized_function(fid);
    // SAFETY: `ptr` is the entry of the function just compiled with the signature
    // `extern "C" fn(*const Args) -> u64` (the host's default convention).
    let func =
        unsafe { std::mem::transmute::<*const u8, unsafe extern "C" fn(*const Args) -> u64>(ptr) };
    if ion_slots_used.iter().any(|&s| s >= 32) {
        return None;
    }
    Some(JitKernel {
        func,
        file_len: u32::try_from(file_len).ok()?,
        ncols: ncols as u32,
        ion_mask: ion_slots_used.iter().fold(0, |m, &s| m | 1 << s),
        uses_nodes,
        vector,
        owner: Arc::new(Owner {
            _code: Code(Some(module)),
            file_init,
        }),
    })
}
