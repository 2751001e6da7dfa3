//! Errors of planning and running a BioNet simulation. Each names the file, cell or input at
//! fault.

use std::path::PathBuf;

/// Anything that stops `rall run` / `rall check`.
#[derive(Debug, thiserror::Error)]
pub enum BionetError {
    #[error(transparent)]
    Config(#[from] rall_sonata::config::ConfigError),
    #[error(transparent)]
    Circuit(#[from] rall_sonata::circuit::CircuitError),
    #[error("{what} {path} does not exist (referenced by {referenced_by})")]
    MissingFile {
        what: &'static str,
        path: PathBuf,
        referenced_by: String,
    },
    #[error("{path}: {detail}")]
    BadFile { path: PathBuf, detail: String },
    #[error("cannot read {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("mechanism '{mechanism}' named by {referenced_by} was not found: not built in and no .mod file defines it (looked in: {searched})")]
    UnknownMechanism {
        mechanism: String,
        referenced_by: String,
        searched: String,
    },
    #[error("{file}: {source}")]
    Nmodl {
        file: PathBuf,
        #[source]
        source: rall_nmodl::NmodlError,
    },
    #[error("population '{population}' node {node_id} (gid {gid}): {detail}")]
    Node {
        population: String,
        node_id: u64,
        gid: u64,
        detail: String,
    },
    #[error("{file}: edge population '{population}' row {row}: {detail}")]
    Edge {
        file: PathBuf,
        population: String,
        row: usize,
        detail: String,
    },
    #[error("input '{name}': {detail}")]
    Input { name: String, detail: String },
    #[error("report '{name}': {detail}")]
    Report { name: String, detail: String },
    #[error("cell gid {gid} ({population} node {node_id}): {source}")]
    Cable {
        gid: u64,
        population: String,
        node_id: u64,
        #[source]
        source: rall_cable::CableError,
    },
    #[error("building the simulation: {0}")]
    Build(#[source] rall_cable::CableError),
    #[error("simulation failed at t = {t} ms: {detail}")]
    Numerical { t: f64, detail: String },
    #[error("simulation failed at t = {t} ms: {source}")]
    Run {
        t: f64,
        #[source]
        source: rall_cable::RunError,
    },
    #[error(transparent)]
    Spikes(#[from] rall_sonata::spikes::SpikesError),
    #[error(transparent)]
    SpikeInput(#[from] rall_spikes::SpikeError),
    #[error(transparent)]
    ReportIo(#[from] rall_sonata::report::ReportError),
    #[error("{0}")]
    Unsupported(String),
}

pub type Result<T> = std::result::Result<T, BionetError>;
