//! rall-cable: the numerical core — morphology (SWC via NEURON Import3d's rules), editing,
//! discretisation with NEURON's node order and geometry, and the fixed-step engine.
//! No file I/O: callers pass text in.

pub mod error;
pub mod geom;
pub mod morph;
pub mod swc;

pub use error::{CableError, SwcError};
pub use geom::{section_geometry, GeometryReport, SecGeom, SectionReport, SegmentReport};
pub use morph::{Morphology, Pt3d, SecId, Section};
pub use swc::{parse_swc, read_swc, SwcPoint};
