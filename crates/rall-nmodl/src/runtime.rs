//! The interface between compiled mechanisms and the cable engine (`rall-cable`).
//!
//! # Ownership
//!
//! * The **engine** owns the node arrays (`v`, `rhs`, `d`, `area` in µm², `diam` in µm) and one
//!   [`IonArrays`] per ion species (per-node `e`, `ci`, `co`, `i`, `di_dv`, `style`).
//!   Mechanisms see them through a [`Ctx`] for the duration of one kernel call.
//! * A [`Mechanism`] is a compiled mechanism *type* (from a `.mod` file or a built-in). It is
//!   cheap to clone (an `Arc`). It exposes [`MechMeta`] and creates [`MechInstances`].
//! * [`MechInstances`] holds the structure-of-arrays data of **all** instances of one type in one
//!   model (one instance per segment for density mechanisms, one per point process), the type's
//!   GLOBAL values, and the kernel scratch space. Kernels never allocate per step.
//!
//! # Who does what in one `fadvance` (numerics doc §2.1)
//!
//! Engine, in this order, with `Ctx::globals.t` as stated:
//! 1. deliver events (`t` = event time) → [`MechInstances::net_receive`];
//! 2. `t += dt/2`; for every ion at every node where it exists, [`IonArrays::cur_node`]
//!    (zeroes `i`, `di_dv`; recomputes `e` by Nernst when the eadvance bit is set) — this is
//!    NEURON's `ion_cur` and must happen *before* any mechanism that uses the ion and *after*
//!    `pas` (ions sit right after capacitance/pas/extracellular in `memb_order`);
//!    `rhs[:] = 0` and `d[:] = 0` before the first mechanism;
//! 3. for each mechanism type in NEURON's `memb_order` ([`memb_order`]), [`MechInstances::current`]:
//!    it performs nocmodl's `nrn_cur` **and** `nrn_jacob` (adds to `rhs` and to `d`; the order of
//!    the additions to `d` across types is the same as NEURON's because `d` only receives the
//!    per-type conductances before the capacitance term);
//! 4. the engine adds the capacitance term `d += (0.001/dt)*cm`, the axial terms, solves, and
//!    updates `v`; `t += dt/2`;
//! 5. for each type in `memb_order`, [`MechInstances::state`] with the new `v` (nrn_state);
//! 6. deliver events with time `<= t`.
//!
//! # `finitialize(v_init)` (numerics doc §2.12, §2.4)
//!
//! 1. Engine: `t = 0`, `v = v_init` at all nodes, compute ion styles with [`promote_style`]
//!    from the [`IonUseInfo`] of every mechanism instance at each node (start from 0 at every
//!    node where the ion exists), then [`IonArrays::init_node`] at every node where the ion
//!    exists (NEURON's `ion_init`: `ci/co = ci0/co0` if cinit; `e = nernst` if einit).
//! 2. For each type in `memb_order` (concentration writers come first, they are ordered so by
//!    [`memb_order`]), [`MechInstances::init`] (INITIAL). A concentration writer copies its
//!    concentration back into the ion array and recomputes `e` by Nernst when the node's style
//!    has the einit bit (NEURON's `nrn_wrote_conc`) — the mechanism side does that.
//!    Artificial cells (`MechKind::Artificial`) are initialised after all others
//!    (they are last in [`memb_order`]).
//! 3. NetCon weight initialisation: [`MechInstances::net_receive_init`] per NetCon whose target
//!    type has a NET_RECEIVE INITIAL block ([`MechMeta::net_receive_has_init`]).
//! 4. Deliver events at t = 0, then one `current` pass (steps 2–3 above, with `t = 0`) so that
//!    assigned currents are defined; `v` does not change.
//!
//! TABLEs are checked (rebuilt when a DEPEND value changed) by the mechanism itself at the start
//! of `init` and of every `current` call, which is where NEURON's `nrn_thread_table_check` runs;
//! `usetable_<suffix>` is an ordinary GLOBAL of such types.
//!
//! Events: the engine owns the queue. `net_send` from a kernel arrives at [`EventSink::net_send`]
//! with the absolute delivery time already computed as nocmodl does (`t + delay`, textually);
//! deliver with `t` set to the event time (§2.1: events with time ≤ t_n + dt/2 at the start of a
//! step). VecStim is native: give each instance its times with
//! [`MechInstances::set_play_times`]. The built-in NetStim refuses `noise > 0` at `init`.
//!
//! # Ions
//!
//! The mechanism side: copying ion values in (`ena = e[node]`, `cai = ci[node]`, …), adding its
//! currents to `i[node]` and `dI/dv` to `di_dv[node]` (`current`), writing concentrations back
//! (`init` and `state`) and the einit Nernst after a concentration write in `init`.
//! The engine side: allocating ion arrays for every ion any mechanism uses (names from
//! [`MechMeta::ions`]; charge from [`ion_defaults`] or the `VALENCE` in [`IonUseInfo`]), the
//! style bits ([`promote_style`], optionally overridden like hoc's `ion_style`), `ion_init`
//! ([`IonArrays::init_node`]) and `ion_cur` ([`IonArrays::cur_node`]).
//!
//! Ion arrays are indexed by **node index**, the same index as `v`; the engine may allocate them
//! for all nodes. Each instance stores the index (in `Ctx::ions`) of every ion its type uses —
//! `ion_slots` given to [`Mechanism::instantiate`], in the order of [`MechMeta::ions`].

use std::sync::Arc;

use crate::error::ExecError;
use crate::vm;

/// Bits of the per-node ion style word (NEURON `eion.cpp`, numerics doc §2.4).
pub mod style {
    /// Concentration level mask (0 unused, 1 CONST/read, 2 ASSIGNED, 3 STATE/written).
    pub const CONC_MASK: u32 = 0o3;
    /// Concentrations are initialised to `ci0/co0` in `ion_init` (cinit).
    pub const CINIT: u32 = 0o4;
    /// Reversal potential level mask (shifted by 3): 0 unused, 1 PARAMETER, 2 DEP, 3 STATE.
    pub const REV_MASK: u32 = 0o30;
    /// `e` is computed by Nernst in `ion_init` and after an INITIAL concentration write (einit).
    pub const EINIT: u32 = 0o40;
    /// `e` is recomputed by Nernst at every `ion_cur` (eadvance).
    pub const EADVANCE: u32 = 0o100;
    /// Some mechanism writes the internal concentration at this node.
    pub const WRITES_CI: u32 = 0o200;
    /// Some mechanism writes the external concentration at this node.
    pub const WRITES_CO: u32 = 0o400;
}

/// NEURON's `nrn_promote(ion, conc, rev)`: fold one USEION's requirements into a node's style.
///
/// `conc`: 0 none, 1 reads `ci`/`co`, 3 writes `ci`/`co`. `rev`: 0 none, 1 reads `e`, 3 writes
/// `e`. Use [`IonUseInfo::conc_level`] and [`IonUseInfo::rev_level`]. Writers of `ci`/`co` must
/// additionally OR in [`style::WRITES_CI`]/[`style::WRITES_CO`] (see [`IonUseInfo::style_bits`],
/// which does both).
pub fn promote_style(old: u32, conc: u32, rev: u32) -> u32 {
    let mut c = old & style::CONC_MASK;
    let mut r = (old & style::REV_MASK) >> 3;
    if c < conc {
        c = conc;
    }
    if r < rev {
        r = rev;
    }
    if c > 0 && r < 2 {
        r = 2;
    }
    let mut s = old & !0o177;
    s += c + 0o10 * r;
    if c == 3 {
        s += style::CINIT;
        if r == 2 {
            s += style::EADVANCE;
        }
    }
    if c > 0 && r == 2 {
        s += style::EINIT;
    }
    s
}

/// Faraday constant (C/mol), NEURON 9 (CODATA 2018 product e·N_A).
pub const FARADAY: f64 = 1.602176634e-19 * 6.02214076e+23;
/// Gas constant (J/(K·mol)), NEURON 9 (CODATA 2018 product k·N_A).
pub const GAS_CONSTANT: f64 = 1.380649e-23 * 6.02214076e+23;

/// NEURON's `nrn_nernst`: `ktf/z*log(co/ci)` with `ktf = 1000*R*(celsius+273.15)/F`;
/// `1e6` if `ci <= 0`, `-1e6` if `co <= 0`.
pub fn nernst(ci: f64, co: f64, charge: f64, celsius: f64) -> f64 {
    let ktf = 1000.0 * GAS_CONSTANT * (celsius + 273.15) / FARADAY;
    if ci <= 0.0 {
        1e6
    } else if co <= 0.0 {
        -1e6
    } else {
        ktf / charge * (co / ci).ln()
    }
}

/// Default values of an ion species (NEURON's `ion_reg`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct IonDefaults {
    /// Valence.
    pub charge: f64,
    /// `ci0_x_ion` (mM), used when the cinit bit is set.
    pub ci0: f64,
    /// `co0_x_ion` (mM).
    pub co0: f64,
    /// Initial value of `e` (mV) when `e` is a parameter.
    pub e0: f64,
}

/// NEURON's defaults for the predefined ions `na`, `k`, `ca`; other ions: 1 mM/1 mM, e = 0,
/// charge from VALENCE (returns `None` for unknown ions — use 1/1/0 and the declared VALENCE).
pub fn ion_defaults(name: &str) -> Option<IonDefaults> {
    match name {
        "na" => Some(IonDefaults {
            charge: 1.0,
            ci0: 10.0,
            co0: 140.0,
            e0: 50.0,
        }),
        "k" => Some(IonDefaults {
            charge: 1.0,
            ci0: 54.4,
            co0: 2.5,
            e0: -77.0,
        }),
        "ca" => Some(IonDefaults {
            charge: 2.0,
            ci0: 5e-5,
            co0: 2.0,
            e0: 12.5 * (2.0f64 / 5e-5).ln(),
        }),
        _ => None,
    }
}

/// Per-node arrays of one ion species, owned by the engine. All vectors have one entry per node
/// (indexed like `v`).
#[derive(Debug, Clone)]
pub struct IonArrays {
    /// Ion name (`"na"`, `"ca"`, …).
    pub name: String,
    /// Valence.
    pub charge: f64,
    /// `ci0` used by `ion_init` when cinit is set.
    pub ci0: f64,
    /// `co0` used by `ion_init` when cinit is set.
    pub co0: f64,
    /// Reversal potential `ex` (mV).
    pub e: Vec<f64>,
    /// Internal concentration `xi` (mM).
    pub ci: Vec<f64>,
    /// External concentration `xo` (mM).
    pub co: Vec<f64>,
    /// Total ionic current `ix` (mA/cm²), rebuilt every step.
    pub i: Vec<f64>,
    /// `dix/dv` (S/cm²), rebuilt every step.
    pub di_dv: Vec<f64>,
    /// Style word per node (see [`style`]); 0 where the ion does not exist.
    pub style: Vec<u32>,
}

impl IonArrays {
    /// Arrays for `n_nodes` nodes with NEURON's defaults; `valence` is used for ions that NEURON
    /// does not predefine (and must then be given).
    pub fn new(name: &str, valence: Option<f64>, n_nodes: usize) -> IonArrays {
        let d = ion_defaults(name).unwrap_or(IonDefaults {
            charge: valence.unwrap_or(1.0),
            ci0: 1.0,
            co0: 1.0,
            e0: 0.0,
        });
        IonArrays {
            name: name.to_string(),
            charge: d.charge,
            ci0: d.ci0,
            co0: d.co0,
            e: vec![d.e0; n_nodes],
            ci: vec![d.ci0; n_nodes],
            co: vec![d.co0; n_nodes],
            i: vec![0.0; n_nodes],
            di_dv: vec![0.0; n_nodes],
            style: vec![0; n_nodes],
        }
    }

    /// NEURON's `ion_init` at one node (finitialize, before any INITIAL block).
    pub fn init_node(&mut self, node: usize, celsius: f64) {
        let s = self.style[node];
        if s & style::CINIT != 0 {
            self.ci[node] = self.ci0;
            self.co[node] = self.co0;
        }
        if s & style::EINIT != 0 {
            self.e[node] = nernst(self.ci[node], self.co[node], self.charge, celsius);
        }
    }

    /// NEURON's `ion_cur` at one node (start of every `current` pass): Nernst if eadvance, then
    /// zero the current and its derivative.
    pub fn cur_node(&mut self, node: usize, celsius: f64) {
        if self.style[node] & style::EADVANCE != 0 {
            self.e[node] = nernst(self.ci[node], self.co[node], self.charge, celsius);
        }
        self.i[node] = 0.0;
        self.di_dv[node] = 0.0;
    }
}

/// Global simulation variables visible to mechanisms.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Globals {
    /// Time (ms), with the value NEURON has at that phase (see the module doc).
    pub t: f64,
    /// Time step (ms).
    pub dt: f64,
    /// Temperature (°C).
    pub celsius: f64,
}

impl Default for Globals {
    fn default() -> Self {
        Globals {
            t: 0.0,
            dt: 0.025,
            celsius: 6.3,
        }
    }
}

/// Everything a kernel can see: node arrays, ion arrays, globals.
pub struct Ctx<'a> {
    /// Membrane potential per node (mV).
    pub v: &'a [f64],
    /// Right-hand side per node (mA/cm² before the solve).
    pub rhs: &'a mut [f64],
    /// Diagonal per node (S/cm²).
    pub d: &'a mut [f64],
    /// Node area (µm²).
    pub area: &'a [f64],
    /// Node diameter (µm).
    pub diam: &'a [f64],
    /// All ions of the model; each instance refers to them by its `ion_slots`.
    pub ions: &'a mut [IonArrays],
    /// `t`, `dt`, `celsius`.
    pub globals: Globals,
}

/// Receives the events a mechanism emits. Implemented by the engine.
///
/// The instance index is the index within the [`MechInstances`] whose kernel is running (the
/// engine knows which type it called). A `net_send` emitted from `net_receive` carries the weight
/// vector of the NetCon being delivered (NEURON semantics); one emitted from `init` carries none.
pub trait EventSink {
    /// Self-event: deliver `flag` to `instance` at absolute time `time`
    /// (already computed as nocmodl does: `t + delay`).
    fn net_send(&mut self, instance: usize, time: f64, flag: f64);
    /// The instance (an artificial cell or a point process) emits a spike at `time` to its
    /// outgoing NetCons.
    fn net_event(&mut self, instance: usize, time: f64);
    /// Move the pending self-event of `instance` to `time` (`net_move`).
    fn net_move(&mut self, instance: usize, time: f64) {
        let _ = (instance, time);
    }
}

/// An [`EventSink`] that ignores everything (for mechanisms without events).
#[derive(Debug, Default)]
pub struct NoEvents;
impl EventSink for NoEvents {
    fn net_send(&mut self, _: usize, _: f64, _: f64) {}
    fn net_event(&mut self, _: usize, _: f64) {}
}

/// What kind of mechanism a type is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MechKind {
    /// `SUFFIX`: one instance per segment, currents in mA/cm².
    Density,
    /// `POINT_PROCESS`: currents in nA, scaled by `1e2/area` into the node.
    Point,
    /// `ARTIFICIAL_CELL`: no node, no currents, only events.
    Artificial,
}

/// Role of a range variable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VarRole {
    /// PARAMETER.
    Parameter,
    /// ASSIGNED.
    Assigned,
    /// STATE.
    State,
}

/// One range (per-instance) variable.
#[derive(Debug, Clone, PartialEq)]
pub struct RangeVarInfo {
    /// Name as written in the mod file (`gbar`); hoc spells it `gbar_<suffix>` for density
    /// mechanisms — both spellings are accepted by [`MechInstances::var_id`].
    pub name: String,
    /// Parameter, assigned or state.
    pub role: VarRole,
    /// Default value (0 for assigned/state unless given).
    pub default: f64,
    /// Units as written, if any.
    pub units: Option<String>,
    /// Listed in RANGE (or a state/current): visible to hoc/probes.
    pub public: bool,
}

/// One GLOBAL (per-type) variable.
#[derive(Debug, Clone, PartialEq)]
pub struct GlobalInfo {
    /// Name as written (`zTau`); hoc spells it `zTau_SK`.
    pub name: String,
    /// Default value.
    pub default: f64,
    /// Units, if any.
    pub units: Option<String>,
    /// Written by a block (an "assigned GLOBAL"; per-type scratch).
    pub assigned: bool,
}

/// One `USEION` statement.
#[derive(Debug, Clone, PartialEq)]
pub struct IonUseInfo {
    /// Ion name.
    pub ion: String,
    /// Variables read (`ena`, `cai`, `ica`, …).
    pub reads: Vec<String>,
    /// Variables written (`ina`, `cai`, …).
    pub writes: Vec<String>,
    /// `VALENCE`, if given.
    pub valence: Option<f64>,
}

impl IonUseInfo {
    /// `conc` argument of NEURON's `nrn_promote` (0, 1 or 3).
    pub fn conc_level(&self) -> u32 {
        let ci = format!("{}i", self.ion);
        let co = format!("{}o", self.ion);
        if self.writes.iter().any(|w| *w == ci || *w == co) {
            3
        } else if self.reads.iter().any(|w| *w == ci || *w == co) {
            1
        } else {
            0
        }
    }
    /// `rev` argument of NEURON's `nrn_promote` (0, 1 or 3).
    pub fn rev_level(&self) -> u32 {
        let e = format!("e{}", self.ion);
        if self.writes.contains(&e) {
            3
        } else if self.reads.contains(&e) {
            1
        } else {
            0
        }
    }
    /// Fold this use into a node's style word (promote + writer bits).
    pub fn style_bits(&self, old: u32) -> u32 {
        let mut s = promote_style(old, self.conc_level(), self.rev_level());
        if self.writes.iter().any(|w| *w == format!("{}i", self.ion)) {
            s |= style::WRITES_CI;
        }
        if self.writes.iter().any(|w| *w == format!("{}o", self.ion)) {
            s |= style::WRITES_CO;
        }
        s
    }
    /// Writes `xi` or `xo`.
    pub fn writes_conc(&self) -> bool {
        self.conc_level() == 3
    }
}

/// Metadata of a mechanism type.
#[derive(Debug, Clone, PartialEq)]
pub struct MechMeta {
    /// SUFFIX / POINT_PROCESS / ARTIFICIAL_CELL name.
    pub name: String,
    /// Kind.
    pub kind: MechKind,
    /// Range variables in storage order (parameters, assigned, states).
    pub range: Vec<RangeVarInfo>,
    /// GLOBAL variables (including PARAMETERs not listed in RANGE).
    pub globals: Vec<GlobalInfo>,
    /// USEION statements in declaration order (this is the order of `ion_slots`).
    pub ions: Vec<IonUseInfo>,
    /// NONSPECIFIC_CURRENT names.
    pub nonspecific: Vec<String>,
    /// ELECTRODE_CURRENT names (sign reversed).
    pub electrode: Vec<String>,
    /// Writes some ion concentration (ordered first by [`memb_order`]).
    pub writes_conc: bool,
    /// Number of NET_RECEIVE arguments (weight vector length), if it has NET_RECEIVE.
    pub net_receive_arity: Option<usize>,
    /// NET_RECEIVE has an INITIAL block ([`MechInstances::net_receive_init`]).
    pub net_receive_has_init: bool,
    /// Solve method(s) of the BREAKPOINT's SOLVE statements (`cnexp`, `sparse`, …).
    pub solve_methods: Vec<String>,
    /// Is a built-in (part of NEURON's core in NEURON); used for ordering.
    pub builtin: bool,
    /// Registration rank of a built-in in NEURON (0 for user mods).
    pub rank: usize,
    /// Base name of the `.mod` file (user mods are registered in byte order of these names,
    /// as nrnivmodl does).
    pub file: Option<String>,
}

impl MechMeta {
    /// Index of a range variable by name (accepts `name` or `name_<suffix>`).
    pub fn range_index(&self, name: &str) -> Option<usize> {
        let bare = strip_suffix(name, &self.name);
        self.range.iter().position(|r| r.name == bare).or_else(|| {
            // NEURON's Python alias for IClamp's `del` (a Python keyword)
            if bare == "delay" {
                self.range.iter().position(|r| r.name == "del")
            } else {
                None
            }
        })
    }
    /// Index of a global by name (accepts `name` or `name_<suffix>`).
    pub fn global_index(&self, name: &str) -> Option<usize> {
        let bare = strip_suffix(name, &self.name);
        self.globals.iter().position(|r| r.name == bare)
    }
}

fn strip_suffix<'a>(name: &'a str, suffix: &str) -> &'a str {
    if let Some(stem) = name.strip_suffix(suffix) {
        if let Some(stem) = stem.strip_suffix('_') {
            if !stem.is_empty() {
                return stem;
            }
        }
    }
    name
}

/// Sort mechanism types in NEURON's `memb_order` (numerics doc §2.3): `pas` first, then
/// concentration writers in reverse registration order, then other built-ins in registration
/// order, then user mods in alphabetical file order; artificial cells last (their INITIAL runs
/// after all others; they have no current or state kernels that would depend on the order).
/// Capacitance and the ions are the engine's and come right after `pas`.
pub fn memb_order(mechs: &[Mechanism]) -> Vec<Mechanism> {
    let mut v: Vec<Mechanism> = mechs.to_vec();
    v.sort_by_key(|m| {
        let meta = m.meta();
        let group = if meta.name == "pas" {
            0
        } else if meta.kind == MechKind::Artificial {
            4
        } else if meta.writes_conc {
            1
        } else if meta.builtin {
            2
        } else {
            3
        };
        // registration position: built-ins (by rank) before user mods (by file name)
        let reg = (
            !meta.builtin,
            meta.rank,
            meta.file.clone().unwrap_or_default(),
        );
        (
            group,
            if group == 1 {
                Some(std::cmp::Reverse(reg.clone()))
            } else {
                None
            },
            reg,
        )
    });
    v
}

/// A compiled mechanism type. Cheap to clone.
#[derive(Clone)]
pub struct Mechanism(pub(crate) Arc<MechInner>);

impl std::fmt::Debug for Mechanism {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Mechanism({})", self.0.meta.name)
    }
}

pub(crate) struct MechInner {
    pub meta: MechMeta,
    pub backend: Backend,
}

pub(crate) enum Backend {
    Vm(Box<vm::Compiled>),
    VecStim,
}

impl Mechanism {
    /// Metadata.
    pub fn meta(&self) -> &MechMeta {
        &self.0.meta
    }
    /// Internal representation, for debugging.
    /// Native-code status of the `current` and `state` kernels (`None`: no such kernel, or not
    /// run yet; `Some(true)`: compiled; `Some(false)`: on the VM). Always `[None, None]`
    /// without the `jit` feature.
    #[doc(hidden)]
    pub fn jit_status(&self) -> [Option<bool>; 2] {
        match &self.0.backend {
            #[cfg(feature = "jit")]
            Backend::Vm(c) => [
                c.current.as_ref().and_then(|k| k.jit.status()),
                c.state.as_ref().and_then(|k| k.jit.status()),
            ],
            _ => [None, None],
        }
    }
    /// Whether the compiled `current` and `state` kernels run two instances at a time.
    #[doc(hidden)]
    pub fn jit_vectorized(&self) -> [bool; 2] {
        match &self.0.backend {
            #[cfg(feature = "jit")]
            Backend::Vm(c) => [
                c.current.as_ref().is_some_and(|k| k.jit.vectorized()),
                c.state.as_ref().is_some_and(|k| k.jit.vectorized()),
            ],
            _ => [false, false],
        }
    }
    #[doc(hidden)]
    pub fn debug_dump(&self) -> String {
        match &self.0.backend {
            Backend::Vm(c) => format!("{c:#?}"),
            Backend::VecStim => "native VecStim".into(),
        }
    }
    /// Name (suffix).
    pub fn name(&self) -> &str {
        &self.0.meta.name
    }
    /// Create storage for `nodes.len()` instances; instance `k` sits at node `nodes[k]` (ignored
    /// for artificial cells). `ion_slots[j]` is the index in [`Ctx::ions`] of the ion of
    /// `meta().ions[j]`. Range variables start at their defaults, globals at theirs.
    pub fn instantiate(&self, nodes: &[usize], ion_slots: &[usize]) -> MechInstances {
        let meta = &self.0.meta;
        assert_eq!(ion_slots.len(), meta.ions.len(), "one ion slot per USEION");
        #[cfg(feature = "jit")]
        if !nodes.is_empty() {
            crate::jit::request(self);
        }
        let n = nodes.len();
        let columns = Columns::new(meta.range.iter().map(|r| r.default), n);
        let globals = meta.globals.iter().map(|g| g.default).collect();
        let scratch = match &self.0.backend {
            Backend::Vm(c) => c.new_scratch(),
            Backend::VecStim => vm::Scratch::default(),
        };
        let extra = match &self.0.backend {
            Backend::Vm(c) => c.new_extra(n),
            Backend::VecStim => vm::Extra::default(),
        };
        MechInstances {
            mech: self.clone(),
            nodes: nodes.to_vec(),
            ion_slots: ion_slots.to_vec(),
            columns,
            globals,
            scratch,
            extra,
            play: vec![
                Vec::new();
                if matches!(self.0.backend, Backend::VecStim) {
                    n
                } else {
                    0
                }
            ],
            play_index: vec![0; n],
        }
    }
}

/// Identifies a range variable column of a [`MechInstances`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct VarId(pub usize);

/// The range variables of all instances of a type: column `c` (one value per instance) is
/// `data[c*n .. (c+1)*n]`, all in one allocation (a kernel reaches every column from one base
/// address; see `jit.rs`). Indexing by column gives the column's slice.
#[derive(Debug, Clone, Default)]
pub(crate) struct Columns {
    data: Vec<f64>,
    n: usize,
    count: usize,
}

#[cfg_attr(not(feature = "jit"), allow(dead_code))]
impl Columns {
    fn new(defaults: impl Iterator<Item = f64>, n: usize) -> Columns {
        let mut data = Vec::new();
        let mut count = 0;
        for d in defaults {
            data.extend(std::iter::repeat_n(d, n));
            count += 1;
        }
        Columns { data, n, count }
    }
    /// Number of columns.
    pub(crate) fn len(&self) -> usize {
        self.count
    }
    /// Values per column (the instance count).
    pub(crate) fn rows(&self) -> usize {
        self.n
    }
    /// Base address of column 0 (column `c`, instance `i` at `c*rows + i`).
    pub(crate) fn as_mut_ptr(&mut self) -> *mut f64 {
        self.data.as_mut_ptr()
    }
    /// Column `w` mutably and columns `r1`, `r2` shared (`w` distinct from both).
    pub(crate) fn split3(
        &mut self,
        w: usize,
        r1: usize,
        r2: usize,
    ) -> (&mut [f64], &[f64], &[f64]) {
        assert!(w != r1 && w != r2 && w < self.count && r1 < self.count && r2 < self.count);
        let n = self.n;
        let (lo, hi) = self.data.split_at_mut(w * n);
        let (wcol, rest) = hi.split_at_mut(n);
        let get = |c: usize| -> &[f64] {
            if c < w {
                &lo[c * n..(c + 1) * n]
            } else {
                &rest[(c - w - 1) * n..(c - w) * n]
            }
        };
        (wcol, get(r1), get(r2))
    }
}

impl std::ops::Index<usize> for Columns {
    type Output = [f64];
    fn index(&self, c: usize) -> &[f64] {
        assert!(c < self.count, "column {c} of {}", self.count);
        &self.data[c * self.n..(c + 1) * self.n]
    }
}

impl std::ops::IndexMut<usize> for Columns {
    fn index_mut(&mut self, c: usize) -> &mut [f64] {
        assert!(c < self.count, "column {c} of {}", self.count);
        &mut self.data[c * self.n..(c + 1) * self.n]
    }
}

/// [`Backend`] by pointer (see [`MechInstances::backend`]).
enum BackendRef {
    Vm(*const vm::Compiled),
    VecStim,
}

/// SoA storage and kernels for all instances of one mechanism type.
pub struct MechInstances {
    pub(crate) mech: Mechanism,
    pub(crate) nodes: Vec<usize>,
    pub(crate) ion_slots: Vec<usize>,
    pub(crate) columns: Columns,
    pub(crate) globals: Vec<f64>,
    pub(crate) scratch: vm::Scratch,
    #[allow(dead_code)]
    pub(crate) extra: vm::Extra,
    pub(crate) play: Vec<Vec<f64>>,
    #[allow(dead_code)]
    pub(crate) play_index: Vec<usize>,
}

impl std::fmt::Debug for MechInstances {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "MechInstances({}, n={})",
            self.mech.name(),
            self.nodes.len()
        )
    }
}

impl MechInstances {
    /// The type.
    /// The backend, as a pointer so that a kernel can borrow the instances mutably (no `Arc`
    /// clone per kernel call: the per-step kernels are called tens of thousands of times).
    /// The pointee lives in the `Arc` held by `self.mech`, which no kernel replaces or drops
    /// (`Compiled::run_*` only touch nodes, columns, globals and scratch), so it outlives the
    /// call that dereferences it.
    fn backend(&self) -> BackendRef {
        match &self.mech.0.backend {
            Backend::Vm(c) => BackendRef::Vm(&**c as *const vm::Compiled),
            Backend::VecStim => BackendRef::VecStim,
        }
    }
    pub fn mechanism(&self) -> &Mechanism {
        &self.mech
    }
    /// Number of instances.
    pub fn len(&self) -> usize {
        self.nodes.len()
    }
    /// No instances.
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }
    /// Node index of each instance.
    pub fn nodes(&self) -> &[usize] {
        &self.nodes
    }
    /// Column id of a range variable (`gbar` or `gbar_NaTs`).
    pub fn var_id(&self, name: &str) -> Option<VarId> {
        self.mech.meta().range_index(name).map(VarId)
    }
    /// All values of a range variable, by instance.
    pub fn column(&self, id: VarId) -> &[f64] {
        &self.columns[id.0]
    }
    /// Mutable column (e.g. to set a parameter for all instances).
    pub fn column_mut(&mut self, id: VarId) -> &mut [f64] {
        &mut self.columns[id.0]
    }
    /// Value of a range variable of one instance.
    pub fn get(&self, name: &str, instance: usize) -> Option<f64> {
        self.var_id(name).map(|id| self.columns[id.0][instance])
    }
    /// Set a range variable of one instance; `false` if there is no such variable.
    pub fn set(&mut self, name: &str, instance: usize, value: f64) -> bool {
        match self.var_id(name) {
            Some(id) => {
                self.columns[id.0][instance] = value;
                true
            }
            None => false,
        }
    }
    /// Value of a GLOBAL of this type (`zTau` or `zTau_SK`).
    pub fn global(&self, name: &str) -> Option<f64> {
        self.mech.meta().global_index(name).map(|i| self.globals[i])
    }
    /// Set a GLOBAL of this type; `false` if there is no such global.
    pub fn set_global(&mut self, name: &str, value: f64) -> bool {
        match self.mech.meta().global_index(name) {
            Some(i) => {
                self.globals[i] = value;
                true
            }
            None => false,
        }
    }
    /// VecStim only: the event times (ms) the instance plays (`VecStim.play(vec)`). Returns
    /// `false` if this type is not a VecStim.
    pub fn set_play_times(&mut self, instance: usize, times: Vec<f64>) -> bool {
        if !matches!(self.mech.0.backend, Backend::VecStim) {
            return false;
        }
        self.play[instance] = times;
        true
    }

    /// INITIAL for all instances (nocmodl `nrn_init`), `t = 0`.
    pub fn init(&mut self, ctx: &mut Ctx<'_>, sink: &mut dyn EventSink) -> Result<(), ExecError> {
        // the built-in NetStim reproduces NEURON only without noise (NEURON's random stream)
        if self.mech.meta().builtin && self.mech.name() == "NetStim" {
            if let Some(id) = self.var_id("noise") {
                if let Some(i) = self.columns[id.0].iter().position(|x| *x != 0.0) {
                    return Err(ExecError::Unsupported(format!(
                        "NetStim instance {i}: noise > 0 needs NEURON's random stream, which is not implemented"
                    )));
                }
            }
        }
        match &self.mech.clone().0.backend {
            Backend::Vm(c) => c.run_init(self, ctx, sink),
            Backend::VecStim => {
                crate::builtins::vecstim_init(self, ctx, sink);
                Ok(())
            }
        }
    }
    /// `nrn_cur` + `nrn_jacob` for all instances: adds currents to `rhs` (subtracts for
    /// ordinary currents, adds for ELECTRODE_CURRENT), conductances to `d`, ion currents to
    /// `ions[..].i` and `di_dv`. `t` is the midpoint time.
    pub fn current(&mut self, ctx: &mut Ctx<'_>) -> Result<(), ExecError> {
        match self.backend() {
            // SAFETY: see `backend`.
            BackendRef::Vm(c) => unsafe { &*c }.run_current(self, ctx),
            BackendRef::VecStim => Ok(()),
        }
    }
    /// `nrn_state` for all instances, with the new `v` and `t = t_{n+1}`.
    pub fn state(&mut self, ctx: &mut Ctx<'_>) -> Result<(), ExecError> {
        match self.backend() {
            // SAFETY: see `backend`.
            BackendRef::Vm(c) => unsafe { &*c }.run_state(self, ctx),
            BackendRef::VecStim => Ok(()),
        }
    }
    /// NET_RECEIVE of one instance with `ctx.globals.t` = the event time. `weights` is the
    /// NetCon's weight vector (length [`MechMeta::net_receive_arity`]); it may be modified.
    /// `flag` is 0 for NetCon events and the `net_send` flag for self-events.
    pub fn net_receive(
        &mut self,
        ctx: &mut Ctx<'_>,
        instance: usize,
        weights: &mut [f64],
        flag: f64,
        sink: &mut dyn EventSink,
    ) -> Result<(), ExecError> {
        match &self.mech.clone().0.backend {
            Backend::Vm(c) => c.run_net_receive(self, ctx, instance, weights, flag, sink),
            Backend::VecStim => {
                crate::builtins::vecstim_receive(self, ctx, instance, flag, sink);
                Ok(())
            }
        }
    }
    /// The INITIAL block inside NET_RECEIVE, for one NetCon's weight vector (finitialize).
    pub fn net_receive_init(
        &mut self,
        ctx: &mut Ctx<'_>,
        instance: usize,
        weights: &mut [f64],
    ) -> Result<(), ExecError> {
        match &self.mech.clone().0.backend {
            Backend::Vm(c) => c.run_net_receive_init(self, ctx, instance, weights),
            Backend::VecStim => Ok(()),
        }
    }
}
