use std::path::PathBuf;

/// Errors of the network builder.
#[derive(Debug, thiserror::Error)]
pub enum BuilderError {
    #[error("network name must not be empty")]
    EmptyName,
    #[error("network `{network}`: property `{name}` has {got} values but N = {expected}")]
    LengthMismatch {
        network: String,
        name: String,
        expected: usize,
        got: usize,
    },
    #[error("network `{network}`: duplicate node_id {id}")]
    DuplicateNodeId { network: String, id: u64 },
    #[error("network `{network}`: node_type_id {id} already exists")]
    DuplicateNodeTypeId { network: String, id: u64 },
    #[error("network `{network}`: edge_type_id {id} already exists")]
    DuplicateEdgeTypeId { network: String, id: u64 },
    #[error("network `{network}`: `{name}` must be a single (scalar) value per node set")]
    NotScalar { network: String, name: String },
    #[error("network `{network}`: bad filter: {reason}")]
    BadFilter { network: String, reason: String },
    #[error("network `{network}`, edge type {edge_type_id}: connection rule returned {got} values, expected {expected}")]
    RuleLength {
        network: String,
        edge_type_id: u64,
        expected: usize,
        got: usize,
    },
    #[error("network `{network}`, edge type {edge_type_id}: property `{name}`: {reason}")]
    Property {
        network: String,
        edge_type_id: u64,
        name: String,
        reason: String,
    },
    #[error("network `{network}`: {reason}")]
    Invalid { network: String, reason: String },
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: {reason}")]
    File { path: PathBuf, reason: String },
}
