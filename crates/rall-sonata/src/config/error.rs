//! Errors and warnings of config loading, resolution and node-set evaluation.

use std::path::PathBuf;

/// Everything that can go wrong while loading a BMTK/SONATA config, resolving it into a
/// [`Config`](super::Config) or evaluating a node set. Every variant names the file and the
/// place in it (a JSON path such as `run.dt` or `networks.nodes[0].nodes_file`).
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("cannot read {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// A file referenced from a config (`network`, `simulation`, `node_sets_file`) could not
    /// be read.
    #[error("{config}: `{key}` refers to {path}, which cannot be read: {source}")]
    Referenced {
        config: PathBuf,
        key: String,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The file is not valid JSON.
    #[error("{path}:{line}:{column}: invalid JSON: {message}")]
    Json {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
    /// A value has the wrong JSON type or an invalid value.
    #[error("{path}: `{key}`: expected {expected}, found {found}")]
    Invalid {
        path: PathBuf,
        key: String,
        expected: String,
        found: String,
    },
    /// A required key is missing.
    #[error("{path}: missing required key `{key}`{}", hint_suffix(.hint))]
    Missing {
        path: PathBuf,
        key: String,
        hint: String,
    },
    /// A manifest value uses a variable that is neither a manifest entry, a built-in
    /// (`configdir`, `workingdir`, `configfname`, `time`, `date`, `datetime`) nor a user
    /// variable.
    #[error("{path}: manifest entry `{key}` uses undefined variable `{variable}`")]
    UnknownManifestVariable {
        path: PathBuf,
        key: String,
        variable: String,
    },
    /// Manifest entries refer to each other in a circle (`A -> B -> A`).
    #[error("{path}: circular manifest variables: {}", .cycle.join(" -> "))]
    ManifestCycle { path: PathBuf, cycle: Vec<String> },
    /// A manifest value still contains a `$` that is not a variable reference (BMTK requires
    /// resolved manifest values to contain no `$` at all).
    #[error("{path}: manifest entry `{key}` cannot be resolved: {value:?} contains a `$` that is not a variable")]
    ManifestUnresolvable {
        path: PathBuf,
        key: String,
        value: String,
    },
    /// `network`/`simulation` references form a loop.
    #[error("{path}: config includes itself (via `{key}`)")]
    IncludeLoop { path: PathBuf, key: String },
    /// A node set refers to a named set that does not exist.
    #[error("{}node set `{name}` is not defined{}", origin_prefix(.file), referrer_suffix(.referenced_by))]
    UnknownNodeSet {
        name: String,
        referenced_by: Option<String>,
        file: Option<PathBuf>,
    },
    /// A node-set filter names a population that is not in the circuit.
    #[error("{}node set `{node_set}`: unknown population `{population}` (circuit has: {})", origin_prefix(.file), .known.join(", "))]
    UnknownPopulation {
        node_set: String,
        population: String,
        known: Vec<String>,
        file: Option<PathBuf>,
    },
    /// A node-set definition has an invalid shape.
    #[error("{}node set `{node_set}`: {reason}", origin_prefix(.file))]
    InvalidNodeSet {
        node_set: String,
        reason: String,
        file: Option<PathBuf>,
    },
    /// Named node sets refer to each other in a circle.
    #[error("{}node sets refer to each other in a circle: {}", origin_prefix(.file), .cycle.join(" -> "))]
    NodeSetCycle {
        cycle: Vec<String>,
        file: Option<PathBuf>,
    },
}

fn hint_suffix(hint: &str) -> String {
    if hint.is_empty() {
        String::new()
    } else {
        format!(" ({hint})")
    }
}

fn origin_prefix(file: &Option<PathBuf>) -> String {
    match file {
        Some(f) => format!("{}: ", f.display()),
        None => String::new(),
    }
}

fn referrer_suffix(r: &Option<String>) -> String {
    match r {
        Some(r) => format!(" (referenced by `{r}`)"),
        None => String::new(),
    }
}

/// A non-fatal finding, reported to the user but not stopping the run (BMTK silently accepts
/// or prints these).
#[derive(Debug, Clone, PartialEq)]
pub struct ConfigWarning {
    /// File the finding is in.
    pub path: PathBuf,
    /// JSON path of the value.
    pub key: String,
    /// What was found.
    pub message: String,
}

impl std::fmt::Display for ConfigWarning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}: `{}`: {}",
            self.path.display(),
            self.key,
            self.message
        )
    }
}

/// Short description of a JSON value's type for error messages.
pub(crate) fn json_kind(v: &serde_json::Value) -> String {
    use serde_json::Value;
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => format!("boolean {b}"),
        Value::Number(n) => format!("number {n}"),
        Value::String(s) => {
            if s.chars().count() > 60 {
                let short: String = s.chars().take(57).collect();
                format!("string {short:?}...")
            } else {
                format!("string {s:?}")
            }
        }
        Value::Array(_) => "an array".into(),
        Value::Object(_) => "an object".into(),
    }
}
