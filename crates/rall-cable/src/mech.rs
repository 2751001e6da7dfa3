//! Mechanism plumbing: the engine-side view of a mechanism type ([`MechType`]) and of all its
//! instances in a cell group ([`MechSet`]). NMODL mechanisms come from `rall-nmodl`; a few
//! native kernels ([`native`](crate::native)) implement NEURON's built-ins directly.

use std::sync::Arc;

use rall_nmodl::runtime::{IonUseInfo, MechMeta};
use rall_nmodl::{Ctx, EventSink, ExecError, MechInstances, MechKind, Mechanism};

/// All instances of one mechanism type in one cell group.
pub trait MechSet: Send {
    /// Metadata of the type.
    fn meta(&self) -> &MechMeta;
    /// Node of each instance (meaningless for artificial cells).
    fn nodes(&self) -> &[usize];
    /// INITIAL.
    fn init(&mut self, ctx: &mut Ctx<'_>, sink: &mut dyn EventSink) -> Result<(), ExecError>;
    /// nrn_cur + nrn_jacob.
    fn current(&mut self, ctx: &mut Ctx<'_>) -> Result<(), ExecError>;
    /// nrn_state.
    fn state(&mut self, ctx: &mut Ctx<'_>) -> Result<(), ExecError>;
    /// NET_RECEIVE of one instance with `ctx.globals.t` = event time.
    fn net_receive(
        &mut self,
        ctx: &mut Ctx<'_>,
        instance: usize,
        weights: &mut [f64],
        flag: f64,
        sink: &mut dyn EventSink,
    ) -> Result<(), ExecError>;
    /// NET_RECEIVE INITIAL for one NetCon.
    fn net_receive_init(
        &mut self,
        ctx: &mut Ctx<'_>,
        instance: usize,
        weights: &mut [f64],
    ) -> Result<(), ExecError> {
        let _ = (ctx, instance, weights);
        Ok(())
    }
    /// Range variable of one instance (`name` or `name_<suffix>`).
    fn get(&self, var: &str, instance: usize) -> Option<f64>;
    /// Set a range variable; `false` if there is no such variable.
    fn set(&mut self, var: &str, instance: usize, value: f64) -> bool;
    /// Set a GLOBAL; `false` if there is none.
    fn set_global(&mut self, var: &str, value: f64) -> bool {
        let _ = (var, value);
        false
    }
    /// VecStim-like players: the times to play.
    fn set_play_times(&mut self, instance: usize, times: Vec<f64>) -> bool {
        let _ = (instance, times);
        false
    }
    /// Number of instances.
    fn len(&self) -> usize {
        self.nodes().len()
    }
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl MechSet for MechInstances {
    fn meta(&self) -> &MechMeta {
        self.mechanism().meta()
    }
    fn nodes(&self) -> &[usize] {
        MechInstances::nodes(self)
    }
    fn init(&mut self, ctx: &mut Ctx<'_>, sink: &mut dyn EventSink) -> Result<(), ExecError> {
        MechInstances::init(self, ctx, sink)
    }
    fn current(&mut self, ctx: &mut Ctx<'_>) -> Result<(), ExecError> {
        MechInstances::current(self, ctx)
    }
    fn state(&mut self, ctx: &mut Ctx<'_>) -> Result<(), ExecError> {
        MechInstances::state(self, ctx)
    }
    fn net_receive(
        &mut self,
        ctx: &mut Ctx<'_>,
        instance: usize,
        weights: &mut [f64],
        flag: f64,
        sink: &mut dyn EventSink,
    ) -> Result<(), ExecError> {
        MechInstances::net_receive(self, ctx, instance, weights, flag, sink)
    }
    fn net_receive_init(
        &mut self,
        ctx: &mut Ctx<'_>,
        instance: usize,
        weights: &mut [f64],
    ) -> Result<(), ExecError> {
        MechInstances::net_receive_init(self, ctx, instance, weights)
    }
    fn get(&self, var: &str, instance: usize) -> Option<f64> {
        MechInstances::get(self, var, instance)
    }
    fn set(&mut self, var: &str, instance: usize, value: f64) -> bool {
        MechInstances::set(self, var, instance, value)
    }
    fn set_global(&mut self, var: &str, value: f64) -> bool {
        MechInstances::set_global(self, var, value)
    }
    fn set_play_times(&mut self, instance: usize, times: Vec<f64>) -> bool {
        MechInstances::set_play_times(self, instance, times)
    }
}

/// A native (Rust) mechanism type.
pub trait NativeMech: Send + Sync {
    fn meta(&self) -> &MechMeta;
    /// Storage for instances at `nodes` (`ion_slots` as in `rall-nmodl`).
    fn instantiate(&self, nodes: &[usize], ion_slots: &[usize]) -> Box<dyn MechSet>;
}

/// A mechanism type the engine can instantiate.
#[derive(Clone)]
pub enum MechType {
    Nmodl(Mechanism),
    Native(Arc<dyn NativeMech>),
}

impl std::fmt::Debug for MechType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "MechType({})", self.meta().name)
    }
}

impl MechType {
    pub fn meta(&self) -> &MechMeta {
        match self {
            MechType::Nmodl(m) => m.meta(),
            MechType::Native(n) => n.meta(),
        }
    }
    pub fn name(&self) -> &str {
        &self.meta().name
    }
    pub fn kind(&self) -> MechKind {
        self.meta().kind
    }
    pub(crate) fn instantiate(&self, nodes: &[usize], ion_slots: &[usize]) -> Box<dyn MechSet> {
        match self {
            MechType::Nmodl(m) => Box::new(m.instantiate(nodes, ion_slots)),
            MechType::Native(n) => n.instantiate(nodes, ion_slots),
        }
    }
    pub fn ions(&self) -> &[IonUseInfo] {
        &self.meta().ions
    }
}

/// NEURON's `memb_order` key of a type (numerics doc §2.3): pas, concentration writers in
/// reverse registration order, other built-ins in registration order, user mods by file name,
/// artificial cells last. (Same rule as `rall_nmodl::memb_order`, over metadata so that native
/// and NMODL types can be mixed.)
pub fn memb_order_key(
    meta: &MechMeta,
) -> (
    u8,
    Option<std::cmp::Reverse<(bool, usize, String)>>,
    (bool, usize, String),
) {
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
        meta.file.clone().unwrap_or_else(|| meta.name.clone()),
    );
    (
        group,
        (group == 1).then(|| std::cmp::Reverse(reg.clone())),
        reg,
    )
}
