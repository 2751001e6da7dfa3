//! rall-builder: BMTK `NetworkBuilder` equivalent — node types, nodes, filters, connection
//! rules, per-synapse properties, and SONATA nodes/edges/type-CSV output (see ARCHITECTURE.md).
//!
//! ```no_run
//! use rall_builder::*;
//! # fn main() -> Result<(), BuilderError> {
//! let mut net = NetworkBuilder::new("v1")?;
//! // Scalars become node-type properties (CSV), arrays per-node group datasets (h5).
//! net.add_nodes(100, NodeProps::new().set("model_type", "point_neuron")
//!     .array("x", (0..100).map(|i| i as f64).collect::<Vec<_>>()))?;
//! net.add_edges(
//!     Filter::all(),
//!     Filter::all(),
//!     ConnectionRule::per_pair(|s, t| {
//!         let d = (s.get_f64("x")? - t.get_f64("x")?).abs();
//!         (s.node_id() != t.node_id() && d < 10.0).then_some(2)
//!     }),
//!     vec![("syn_weight".into(), Value::from(0.5))],
//! )?
//! // One row per synapse once a property is added (BMTK's add_properties).
//! .add_property("delay", DType::F64, |s, t| Value::Float(1.0 + 0.01 * (s.node_id() + t.node_id()) as f64))?;
//! net.save(std::path::Path::new("network"))?; // v1_nodes.h5, v1_node_types.csv, v1_v1_edges.h5, ...
//! # Ok(()) }
//! ```
//!
//! Differences from BMTK 1.2.0 (deliberate): edges are sorted by target with a *stable* sort
//! (BMTK uses numpy's unstable argsort; the order of equal-target rows differs, the set of rows
//! does not), type-CSV columns are in first-use order (BMTK: Python set order), a filter on a
//! property no node has is an error (BMTK: empty selection), rebuilding gives the same node ids.

mod builder;
mod edges;
mod error;
mod network;
pub mod save;
mod value;

pub use builder::{Edge, NetworkBuilder};
pub use error::BuilderError;
pub use network::{
    Cond, ConnectionMap, ConnectionRule, EdgeTable, Filter, Node, NodePool, NodeProps, NodeType,
    PropertyRule, Selection,
};
pub use value::{python_float_repr, Column, DType, Value};
