//! Errors of the analysis functions.

use std::path::PathBuf;

use rall_sonata::config::ConfigError;
use rall_sonata::{CircuitError, ReportError, SpikesError};

#[derive(Debug, thiserror::Error)]
pub enum AnalysisError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Spikes(#[from] SpikesError),
    #[error(transparent)]
    Report(#[from] ReportError),
    #[error(transparent)]
    Circuit(#[from] CircuitError),
    /// Options that do not go together.
    #[error("{detail}")]
    Usage { detail: String },
    /// `--group-by` cannot be applied.
    #[error("{detail}")]
    GroupBy { detail: String },
    /// The config's `output` section names no spikes file.
    #[error(
        "{config}: output: no spikes_file or spikes_file_csv (give the spike file itself instead)"
    )]
    NoSpikesFile { config: PathBuf },
    /// The spikes file named by the config does not exist (the simulation has not run).
    #[error("{path}: spike file named by {config} (output.{key}) does not exist; has the simulation run?")]
    SpikesFileMissing {
        path: PathBuf,
        config: PathBuf,
        key: &'static str,
    },
    /// Several populations and none chosen.
    #[error("{path}: holds populations {populations:?}; choose one with --population")]
    AmbiguousPopulation {
        path: PathBuf,
        populations: Vec<String>,
    },
    /// The chosen population is not in the file.
    #[error("{path}: no population '{population}' (found {found:?})")]
    NoPopulation {
        path: PathBuf,
        population: String,
        found: Vec<String>,
    },
    /// The file has no spikes at all, so nothing to plot.
    #[error("{path}: no spikes{}", population.as_ref().map(|p| format!(" in population '{p}'")).unwrap_or_default())]
    NoSpikes {
        path: PathBuf,
        population: Option<String>,
    },
    /// The requested membrane report is not in the config (or several and none chosen).
    #[error("{config}: reports: {detail}")]
    ReportChoice { config: PathBuf, detail: String },
    /// A report file named by the config does not exist.
    #[error("{path}: report '{report}' named by {config} does not exist; has the simulation run?")]
    ReportFileMissing {
        path: PathBuf,
        config: PathBuf,
        report: String,
    },
    /// A node id asked for is not in the report population.
    #[error(
        "{path}: population '{population}' has no node {node_id} (it records {n} nodes: {sample})"
    )]
    NodeNotInReport {
        path: PathBuf,
        population: String,
        node_id: u64,
        n: usize,
        sample: String,
    },
    /// A report with no rows or no nodes.
    #[error("{path}: population '{population}': {detail}")]
    EmptyReport {
        path: PathBuf,
        population: String,
        detail: String,
    },
    /// A time window that is not `start < stop`.
    #[error("time window {start}..{stop} ms: start must be below stop")]
    BadWindow { start: f64, stop: f64 },
    /// An image name whose extension is not .png or .svg.
    #[error("{path}: image type by extension: expected .png or .svg")]
    ImageFormat { path: PathBuf },
    /// Drawing or writing the image failed.
    #[error("{path}: {detail}")]
    Draw { path: PathBuf, detail: String },
}
