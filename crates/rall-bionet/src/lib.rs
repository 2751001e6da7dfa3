//! rall-bionet: BioNet semantics (BMTK 1.2.0) on rall-cable's NEURON-exact engine.
//!
//! * [`Plan`]: config → validated plan (files, mechanisms, modules checked before anything
//!   runs; what `rall check` does).
//! * [`run`] / [`run_config`]: cells (biophysical `ctdb:Biophys1.hoc` with `aibs_perisomatic`
//!   / `aibs_allactive`, `nrn:IntFire1` point cells, virtual cells), synapses placed as BioNet
//!   places them, spike and current-clamp inputs, membrane reports, spikes, `log.txt`.
//! * [`WeightFns`]: named synaptic weight functions; register more with
//!   [`WeightFns::register`].
//!
//! No printing: log lines and progress go to an [`Observer`].

pub mod cell;
pub mod error;
pub mod mechs;
pub mod plan;
pub mod sim;
pub mod sim_setup;
pub mod synapse;

pub use error::{BionetError, Result};
pub use plan::{CellKind, CellPlan, Plan, PlanOptions};
pub use sim::{run, run_config, Observer, Quiet, RunOptions, RunSummary, SynapseRecord};
pub use synapse::{EdgeView, WeightFn, WeightFns};
