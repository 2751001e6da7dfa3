//! BMTK / SONATA configuration: loading, manifest variables, split configs, typed resolution
//! and node sets.
//!
//! Two stages, as DEVELOPERS.md asks:
//! 1. [`RawConfig::load`] reads a config file the way BMTK 1.2.0's
//!    `SonataConfig.from_json` does — manifest and `$VAR` / `${VAR}` substitution
//!    ([`manifest`]), `network` / `simulation` parts merged (network first, simulation second,
//!    later wins), `log_file` / `spikes_file*` joined to `output_dir`, `node_sets_file` read
//!    into `node_sets` — and keeps the result as JSON plus the file each top-level key came
//!    from.
//! 2. [`Config::from_raw`] checks that document and types it ([`RunParams`],
//!    [`OutputParams`], [`InputSpec`], [`ReportSpec`], …) with BMTK's defaults; every error is
//!    a [`ConfigError`] naming the file and the JSON path.
//!
//! Node sets ([`NodeSets`], [`NodeSet`]) are evaluated against any circuit implementing
//! [`NodeProps`].
//!
//! ```no_run
//! use rall_sonata::config::Config;
//! let cfg = Config::from_file("config.json")?;
//! println!("tstop {} ms, dt {} ms", cfg.run.tstop, cfg.run.dt);
//! # Ok::<(), rall_sonata::config::ConfigError>(())
//! ```

mod error;
pub mod manifest;
pub mod node_sets;
mod raw;
mod resolved;

pub use error::{ConfigError, ConfigWarning};
pub use node_sets::{Condition, NodeFilter, NodeProps, NodeSet, NodeSets, PropValue, Selection};
pub use raw::{LoadOptions, RawConfig};
pub use resolved::{
    Components, Conditions, Config, EdgesFiles, InputSpec, Networks, NodesFiles, OutputParams,
    ReportSpec, RunParams, Sections,
};
