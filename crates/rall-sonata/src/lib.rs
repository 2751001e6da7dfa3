//! SONATA data model and I/O for Rall: nodes, edges, type CSVs, spikes, compartment reports,
//! configs and node sets, as BMTK 1.2.0 writes and reads them.
//!
//! All HDF5 access goes through [`h5`]; nothing else in the workspace touches `hdf5-pure`.

pub mod circuit;
pub mod config;
pub mod edges;
pub mod h5;
pub mod nodes;
pub mod pyfmt;
pub mod report;
pub mod spikes;
pub mod types_csv;

pub use circuit::{Circuit, CircuitError};
pub use edges::{EdgeIndex, EdgePopulation, EdgesError, EdgesFile};
pub use nodes::{NodePopulation, NodesError, NodesFile};
pub use report::{ReportError, ReportMapping, ReportReader, ReportWriter};
pub use spikes::{Sorting, SpikePopulation, SpikeTable, SpikesError};
pub use types_csv::{TypeTable, TypesCsvError, Value};
