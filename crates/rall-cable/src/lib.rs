//! rall-cable: the numerical core — morphology (SWC via NEURON Import3d's rules), editing,
//! discretisation with NEURON's node order and geometry, and NEURON's fixed step.
//! No file I/O: callers pass text in.
//!
//! * [`read_swc`] → [`Morphology`] (sections, section lists, 3-D points as `f32`).
//! * Editing: [`Morphology::delete`], [`Morphology::create_cable`], [`Morphology::connect`],
//!   [`Morphology::set_nseg`], [`Morphology::set_nseg_by_dl`], [`Morphology::define_shape`],
//!   [`Morphology::fix_axon_perisomatic`], [`Morphology::set_passive_by_prefix`].
//! * Geometry: [`cell_geometry`] / [`Morphology::geometry_report`] (the `rall cell --json` data,
//!   serde-serialisable [`GeometryReport`]), [`section_geometry`].
//! * Discretisation and solver: [`Discretization`], [`hines_solve`].
//! * Engine: [`GroupBuilder`] → [`CellGroup`] (`finitialize`, `fadvance`), [`Network`].

pub mod engine;
pub mod error;
pub mod geom;
pub mod mech;
pub mod morph;
pub mod native;
pub mod swc;
pub mod tree;

pub use engine::{
    CellGroup, CellId, GroupBuilder, IonVar, NetConId, Network, PointId, ProbeSpec, RunError,
    SourceId,
};
pub use error::{CableError, SwcError};
pub use geom::{
    cell_geometry, section_geometry, GeometryReport, Processing, SecGeom, SectionReport,
    SegmentReport,
};
pub use mech::{MechSet, MechType, NativeMech};
pub use morph::{Morphology, Pt3d, SecId, Section};
pub use swc::{parse_swc, read_swc, SwcPoint};
pub use tree::{
    dense_solve, hines_solve, hines_solve_spans, root_spans, Discretization, NodeKind, Tree,
    NO_PARENT,
};
