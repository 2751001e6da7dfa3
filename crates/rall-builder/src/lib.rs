//! rall-builder: BMTK `NetworkBuilder` equivalent — node types, nodes, filters, connection
//! rules, per-synapse properties, and SONATA nodes/edges/type-CSV output (see ARCHITECTURE.md).

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
