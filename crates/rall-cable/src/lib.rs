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
//! * Engine: [`GroupBuilder`] → [`CellGroup`] (`finitialize`, `fadvance`, probes, spikes),
//!   [`Network`] (groups exchanging spikes every minimum delay, optionally on threads).
//!   Mechanisms are [`MechType`]s: `MechType::Nmodl(rall_nmodl::Mechanism)` or the native
//!   kernels in [`native`] (`pas`, `IClamp`, `ExpSyn`, `Exp2Syn`, `VecStim`).
//!
//! Every result is bit-identical to NEURON 9.0.2 on the goldens in `validation/golden/cells`.
//!
//! ```
//! use rall_cable::{native, read_swc, GroupBuilder, ProbeSpec};
//! let swc = "1 1 0 0 0 5 -1\n2 3 0 5 0 1 1\n3 3 0 100 0 0.5 2\n";
//! let mut m = read_swc("ball.swc", swc).unwrap();
//! m.set_nseg_by_dl(20.0).unwrap();
//! let mut b = GroupBuilder::new();
//! let cell = b.add_cell(&m).unwrap();
//! for &s in &m.all {
//!     b.insert(cell, s, &native::pas(), &[("g", 1e-4), ("e", -70.0)]).unwrap();
//! }
//! let soma = m.find("soma[0]").unwrap();
//! b.add_point(cell, soma, 0.5, &native::iclamp(), &[("del", 1.0), ("dur", 2.0), ("amp", 0.1)]).unwrap();
//! let v = b.add_probe(ProbeSpec::V { cell, sec: soma, x: 0.5 });
//! let mut g = b.build(0.025, 34.0).unwrap();
//! g.finitialize(-70.0).unwrap();
//! g.advance(200).unwrap();
//! assert_eq!(g.trace(v).len(), 201);
//! assert!(g.trace(v)[200] > -70.0);
//! ```

pub mod axial;

static SIMD: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(true);

/// Tests only: route every solve, axial pass and native `pas` current through the portable
/// (non-SIMD) code, which otherwise runs only on CPUs without AVX/AVX2. Results are bitwise the
/// same either way (`tests/golden_portable.rs`).
#[doc(hidden)]
pub fn set_simd_enabled(on: bool) {
    SIMD.store(on, std::sync::atomic::Ordering::Relaxed);
}

/// May the SIMD paths be taken (besides the CPU having the feature)?
#[inline]
pub(crate) fn simd_enabled() -> bool {
    SIMD.load(std::sync::atomic::Ordering::Relaxed)
}
pub mod engine;
pub mod error;
pub mod geom;
pub mod mech;
pub mod morph;
pub mod native;
mod parallel;
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
    dense_solve, hines_solve, hines_solve_scheduled, hines_solve_spans, root_spans, Discretization,
    NodeKind, SolveSchedule, Tree, NO_PARENT,
};
