use std::path::PathBuf;

/// Errors of the spike-train container, generators and file I/O.
#[derive(Debug, thiserror::Error)]
pub enum SpikeError {
    #[error("invalid generator parameter `{name}`: {reason}")]
    InvalidParameter { name: &'static str, reason: String },
    #[error("cannot fit the refractory rate correction (abs_ref {abs_ref} s, tau_ref {tau_ref} s): {reason}")]
    RateCorrection {
        abs_ref: f64,
        tau_ref: f64,
        reason: String,
    },
    #[error("firing rate {rate} Hz is above the maximum {max_rate} Hz reachable with abs_ref {abs_ref} s, tau_ref {tau_ref} s")]
    RateTooHigh {
        rate: f64,
        max_rate: f64,
        abs_ref: f64,
        tau_ref: f64,
    },
    #[error("no spike population given and no default population set")]
    NoPopulation,
    #[error("unknown population `{0}`")]
    UnknownPopulation(String),
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}:{line}: {reason}")]
    Parse {
        path: PathBuf,
        line: usize,
        reason: String,
    },
    #[error("{path}: unknown spike file type (expected .h5/.hdf5/.hdf/.sonata, .csv, .nwb)")]
    UnknownFileType { path: PathBuf },
    #[error("{path}: {reason}")]
    Format { path: PathBuf, reason: String },
    #[error("{path}: HDF5: {reason}")]
    Hdf5 { path: PathBuf, reason: String },
    #[error("node id list `{spec}`: {reason}")]
    NodeIdSpec { spec: String, reason: String },
}
