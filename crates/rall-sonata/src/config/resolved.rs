//! Resolved stage: the merged JSON of a [`RawConfig`] checked and turned into typed structs.
//!
//! Defaults are BMTK 1.2.0's (`SonataConfig._set_class_props`, `SimInput`, `SimReport`).
//! Relative paths are made absolute against the working directory (BMTK opens them relative
//! to the process working directory, which is what [`RawConfig::working_dir`] defaults to).

use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use super::error::{json_kind, ConfigError, ConfigWarning};
use super::node_sets::{NodeSet, NodeSets};
use super::raw::{absolute, py_join, RawConfig};

/// A fully resolved BMTK/SONATA simulation config.
#[derive(Debug, Clone)]
pub struct Config {
    /// Absolute path of the top-level config file.
    pub config_path: PathBuf,
    /// Directory of the top-level config file. (BMTK's merged `config_dir` is the directory of
    /// the last merged part, usually the simulation config's; that value stays in
    /// [`RawConfig`].)
    pub config_dir: PathBuf,
    /// Directory relative paths were resolved against.
    pub working_dir: PathBuf,
    /// `target_simulator` (e.g. `"NEURON"`); informational.
    pub target_simulator: Option<String>,
    /// `run` section.
    pub run: RunParams,
    /// `conditions` section.
    pub conditions: Conditions,
    /// `output` section.
    pub output: OutputParams,
    /// `components` section.
    pub components: Components,
    /// `networks` section.
    pub networks: Networks,
    /// `inputs`, in config order (disabled ones included, see [`InputSpec::enabled`]).
    pub inputs: Vec<InputSpec>,
    /// `reports`, in config order (disabled ones included, see [`ReportSpec::enabled`]).
    pub reports: Vec<ReportSpec>,
    /// Named node sets (from inline `node_sets`, else `node_sets_file`).
    pub node_sets: NodeSets,
    /// `node_sets_file`, absolute, when given.
    pub node_sets_file: Option<PathBuf>,
    /// The merged document this was resolved from.
    pub raw: RawConfig,
}

/// `run` section.
#[derive(Debug, Clone, PartialEq)]
pub struct RunParams {
    /// `tstart` (default 0). BioNet ignores it: simulations always start at t = 0.
    pub tstart: f64,
    /// `tstop` (required; BMTK defaults to `None` and fails later).
    pub tstop: f64,
    /// `dt` (default 0.1 ms; `null` also means the default, where BMTK would crash).
    pub dt: f64,
    /// `dL`, maximum segment length in µm (default 20).
    pub dl: f64,
    /// `spike_threshold` in mV (default −15).
    pub spike_threshold: f64,
    /// `nsteps_block`: steps between block flushes of reports and the progress log.
    /// BMTK's default is 0, which crashes (`ZeroDivisionError`) on the first step; Rall maps a
    /// missing or 0 value to `None`, meaning "one block at the end of the run". Values larger
    /// than the number of steps are clamped by BioNet; that is left to the engine.
    pub nsteps_block: Option<u64>,
    /// The whole `run` object, unknown keys included.
    pub params: Map<String, Value>,
}

impl RunParams {
    /// Number of fixed steps, `round(tstop / dt)` as NEURON's `continuerun` takes.
    pub fn nsteps(&self) -> u64 {
        (self.tstop / self.dt).round().max(0.0) as u64
    }
}

/// `conditions` section.
#[derive(Debug, Clone, PartialEq)]
pub struct Conditions {
    /// `celsius`. BMTK passes a missing value to NEURON as `None` and crashes; `None` here
    /// lets the engine choose (NEURON's default is 6.3 °C).
    pub celsius: Option<f64>,
    /// `v_init` in mV; missing as for `celsius` (NEURON's default is −65 mV).
    pub v_init: Option<f64>,
    /// The whole `conditions` object.
    pub params: Map<String, Value>,
}

/// `output` section, with BMTK's path rules applied.
#[derive(Debug, Clone, PartialEq)]
pub struct OutputParams {
    /// `output_dir` (default `.`), absolute.
    pub output_dir: PathBuf,
    /// `log_file` joined to `output_dir` (none by default).
    pub log_file: Option<PathBuf>,
    /// `spikes_file` (HDF5), joined to `output_dir`.
    pub spikes_file: Option<PathBuf>,
    /// `spikes_file_csv`, joined to `output_dir`.
    pub spikes_file_csv: Option<PathBuf>,
    /// `spikes_file_nwb`, joined to `output_dir`.
    pub spikes_file_nwb: Option<PathBuf>,
    /// `spikes_sort_order` (`time`, `by_time`, `id`, `by_id`, `node_id`, `gid`, `none`, `na`).
    pub spikes_sort_order: Option<String>,
    /// `overwrite_output_dir` (default false; BioNet ignores it and always recreates the
    /// output directory).
    pub overwrite_output_dir: bool,
    /// `cache_to_disk` (default true).
    pub cache_to_disk: bool,
    /// `compression` of the spikes file (default `gzip`).
    pub compression: Option<String>,
    /// The whole `output` object (after BMTK's joining of `log_file` / `spikes_file*`).
    pub params: Map<String, Value>,
}

/// `components` section.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Components {
    pub morphologies_dir: Option<PathBuf>,
    pub biophysical_neuron_models_dir: Option<PathBuf>,
    pub synaptic_models_dir: Option<PathBuf>,
    pub point_neuron_models_dir: Option<PathBuf>,
    pub mechanisms_dir: Option<PathBuf>,
    pub templates_dir: Option<PathBuf>,
    pub filter_models_dir: Option<PathBuf>,
    /// Every string entry (the above included, and e.g. sim_setup's stray `__pycache___dir`),
    /// absolute, in config order.
    pub dirs: Vec<(String, PathBuf)>,
    /// The whole `components` object.
    pub params: Map<String, Value>,
}

impl Components {
    /// A component directory by key.
    pub fn dir(&self, key: &str) -> Option<&Path> {
        self.dirs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, p)| p.as_path())
    }
}

/// `networks` section.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Networks {
    /// Node files in config order (the order fixes population order, hence gids).
    pub nodes: Vec<NodesFiles>,
    /// Edge files in config order.
    pub edges: Vec<EdgesFiles>,
    /// `gap_juncs` entries: each `gap_juncs_file`, absolute.
    pub gap_juncs: Vec<PathBuf>,
}

/// One `networks.nodes` entry.
#[derive(Debug, Clone, PartialEq)]
pub struct NodesFiles {
    pub nodes_file: PathBuf,
    pub node_types_file: PathBuf,
    /// The whole entry.
    pub params: Map<String, Value>,
}

/// One `networks.edges` entry.
#[derive(Debug, Clone, PartialEq)]
pub struct EdgesFiles {
    pub edges_file: PathBuf,
    pub edge_types_file: PathBuf,
    /// `enabled` (default true); BMTK skips disabled edge files.
    pub enabled: bool,
    /// The whole entry.
    pub params: Map<String, Value>,
}

/// One `inputs` entry.
#[derive(Debug, Clone, PartialEq)]
pub struct InputSpec {
    /// Key in `inputs`.
    pub name: String,
    /// `input_type` (required).
    pub input_type: String,
    /// `module` (required).
    pub module: String,
    /// `enabled` (default true); BMTK drops disabled inputs.
    pub enabled: bool,
    /// `node_set` (a name or an inline definition); BMTK has no default.
    pub node_set: Option<NodeSet>,
    /// `input_file`, absolute.
    pub input_file: Option<PathBuf>,
    /// `trial`.
    pub trial: Option<String>,
    /// `population` (passed to the spikes reader; works around BMTK reading a spikes file's
    /// first population).
    pub population: Option<String>,
    /// The whole entry, unknown keys included.
    pub params: Map<String, Value>,
}

/// One `reports` entry.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportSpec {
    /// Key in `reports`.
    pub name: String,
    /// `module` (required).
    pub module: String,
    /// `enabled` (default true); BMTK skips disabled reports.
    pub enabled: bool,
    /// `cells`: default `biophysical` for membrane-type modules (`membrane_report`,
    /// `multimeter`, `multimeter_report`, `netcon_report` — a set that does not exist unless
    /// the node-sets file defines it), `all` otherwise.
    pub cells: NodeSet,
    /// `variable_name` as a list (a single name becomes a one-element list); required by
    /// membrane-type modules.
    pub variable_name: Vec<String>,
    /// `sections`: default `all` for membrane-type modules.
    pub sections: Option<Sections>,
    /// Output file: `file_name`, or for membrane-type, `clamp_report` and `extracellular`
    /// modules the default `<name>.h5` (the name itself when it already ends in `.h5`,
    /// `.hdf` or `.hdf5`); relative names are joined to `output_dir` (no prefix check, unlike
    /// the spikes files), then made absolute.
    pub file_name: Option<PathBuf>,
    /// `dt` (sampling interval, a multiple of the simulation dt).
    pub dt: Option<f64>,
    /// `start_time`.
    pub start_time: Option<f64>,
    /// `end_time`.
    pub end_time: Option<f64>,
    /// The whole entry, unknown keys included.
    pub params: Map<String, Value>,
}

/// A report's `sections`.
#[derive(Debug, Clone, PartialEq)]
pub enum Sections {
    /// One name: `soma`, `all`, `dend`, …
    Named(String),
    /// Several section names.
    List(Vec<String>),
}

const MEMBRANE_MODULES: [&str; 4] = [
    "membrane_report",
    "multimeter",
    "multimeter_report",
    "netcon_report",
];

impl Config {
    /// Loads and resolves `path` (see [`RawConfig::load`] and [`Config::from_raw`]).
    pub fn from_file(path: impl AsRef<Path>) -> Result<Config, ConfigError> {
        Config::from_raw(RawConfig::load(path)?)
    }

    /// Checks and types a loaded config.
    pub fn from_raw(raw: RawConfig) -> Result<Config, ConfigError> {
        let r = Resolver { raw: &raw };
        let wd = raw.working_dir().to_path_buf();
        let config_path = raw.path().to_path_buf();
        let config_dir = config_path.parent().unwrap_or(Path::new("/")).to_path_buf();

        let target_simulator = r.opt_string(&r.top("target_simulator"), "target_simulator")?;
        let run = r.run()?;
        let conditions = r.conditions()?;
        let output = r.output()?;
        let components = r.components()?;
        let networks = r.networks()?;
        let inputs = r.inputs()?;
        let reports = r.reports()?;

        let node_sets_file = match raw.get("node_sets_file") {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(absolute(&wd, Path::new(s))),
            Some(other) => {
                return Err(r.invalid("node_sets_file", "node_sets_file", "a path", other))
            }
        };
        let node_sets = match raw.get("node_sets") {
            None | Some(Value::Null) => NodeSets::default(),
            Some(v) => NodeSets::from_json(v, Some(raw.origin("node_sets")))?,
        };

        Ok(Config {
            config_path,
            config_dir,
            working_dir: wd,
            target_simulator,
            run,
            conditions,
            output,
            components,
            networks,
            inputs,
            reports,
            node_sets,
            node_sets_file,
            raw,
        })
    }

    /// Inputs with `enabled` true, in order (what BMTK builds).
    pub fn enabled_inputs(&self) -> impl Iterator<Item = &InputSpec> {
        self.inputs.iter().filter(|i| i.enabled)
    }

    /// Reports with `enabled` true, in order.
    pub fn enabled_reports(&self) -> impl Iterator<Item = &ReportSpec> {
        self.reports.iter().filter(|r| r.enabled)
    }

    /// Non-fatal findings of loading.
    pub fn warnings(&self) -> &[ConfigWarning] {
        self.raw.warnings()
    }
}

struct Resolver<'a> {
    raw: &'a RawConfig,
}

impl Resolver<'_> {
    fn file(&self, top_key: &str) -> PathBuf {
        self.raw.origin(top_key).to_path_buf()
    }

    fn top(&self, key: &str) -> Option<Value> {
        self.raw.get(key).cloned()
    }

    fn invalid(&self, top: &str, key: &str, expected: &str, found: &Value) -> ConfigError {
        ConfigError::Invalid {
            path: self.file(top),
            key: key.to_string(),
            expected: expected.to_string(),
            found: json_kind(found),
        }
    }

    fn wd(&self) -> &Path {
        self.raw.working_dir()
    }

    /// A section that must be an object when present.
    fn section(&self, key: &str) -> Result<Map<String, Value>, ConfigError> {
        match self.raw.get(key) {
            None | Some(Value::Null) => Ok(Map::new()),
            Some(Value::Object(m)) => Ok(m.clone()),
            Some(other) => Err(self.invalid(key, key, "an object", other)),
        }
    }

    fn opt_string(&self, v: &Option<Value>, key: &str) -> Result<Option<String>, ConfigError> {
        let top = key.split(['.', '[']).next().unwrap_or(key);
        match v {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(other) => Err(self.invalid(top, key, "a string", other)),
        }
    }

    fn opt_f64(
        &self,
        m: &Map<String, Value>,
        sec: &str,
        k: &str,
    ) -> Result<Option<f64>, ConfigError> {
        match m.get(k) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Number(n)) => Ok(n.as_f64()),
            Some(other) => Err(self.invalid(sec, &format!("{sec}.{k}"), "a number", other)),
        }
    }

    fn opt_bool(
        &self,
        m: &Map<String, Value>,
        sec: &str,
        k: &str,
    ) -> Result<Option<bool>, ConfigError> {
        match m.get(k) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(other) => Err(self.invalid(sec, &format!("{sec}.{k}"), "true or false", other)),
        }
    }

    fn opt_path(
        &self,
        m: &Map<String, Value>,
        sec: &str,
        k: &str,
    ) -> Result<Option<PathBuf>, ConfigError> {
        match m.get(k) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(absolute(self.wd(), Path::new(s)))),
            Some(other) => Err(self.invalid(sec, &format!("{sec}.{k}"), "a path string", other)),
        }
    }

    fn req_path(
        &self,
        m: &Map<String, Value>,
        top: &str,
        at: &str,
        k: &str,
    ) -> Result<PathBuf, ConfigError> {
        match m.get(k) {
            None | Some(Value::Null) => Err(ConfigError::Missing {
                path: self.file(top),
                key: format!("{at}.{k}"),
                hint: String::new(),
            }),
            Some(Value::String(s)) => Ok(absolute(self.wd(), Path::new(s))),
            Some(other) => Err(self.invalid(top, &format!("{at}.{k}"), "a path string", other)),
        }
    }

    fn positive(&self, sec: &str, k: &str, v: f64) -> Result<f64, ConfigError> {
        if v.is_finite() && v > 0.0 {
            Ok(v)
        } else {
            Err(ConfigError::Invalid {
                path: self.file(sec),
                key: format!("{sec}.{k}"),
                expected: "a positive number".into(),
                found: format!("{v}"),
            })
        }
    }

    fn run(&self) -> Result<RunParams, ConfigError> {
        let m = self.section("run")?;
        let tstop = self
            .opt_f64(&m, "run", "tstop")?
            .ok_or_else(|| ConfigError::Missing {
                path: self.file("run"),
                key: "run.tstop".into(),
                hint: "simulation end time in ms".into(),
            })?;
        let tstart = self.opt_f64(&m, "run", "tstart")?.unwrap_or(0.0);
        if !(tstop.is_finite() && tstop >= 0.0) {
            return Err(ConfigError::Invalid {
                path: self.file("run"),
                key: "run.tstop".into(),
                expected: "a non-negative number".into(),
                found: format!("{tstop}"),
            });
        }
        let dt = self.positive("run", "dt", self.opt_f64(&m, "run", "dt")?.unwrap_or(0.1))?;
        let dl = self.positive("run", "dL", self.opt_f64(&m, "run", "dL")?.unwrap_or(20.0))?;
        let spike_threshold = self.opt_f64(&m, "run", "spike_threshold")?.unwrap_or(-15.0);
        let nsteps_block = match m.get("nsteps_block") {
            None | Some(Value::Null) => None,
            Some(Value::Number(n)) => {
                let f = n.as_f64().unwrap_or(f64::NAN);
                if !(f >= 0.0 && f.fract() == 0.0) {
                    return Err(ConfigError::Invalid {
                        path: self.file("run"),
                        key: "run.nsteps_block".into(),
                        expected: "a non-negative integer".into(),
                        found: n.to_string(),
                    });
                }
                (f > 0.0).then_some(f as u64)
            }
            Some(other) => {
                return Err(self.invalid("run", "run.nsteps_block", "an integer", other))
            }
        };
        Ok(RunParams {
            tstart,
            tstop,
            dt,
            dl,
            spike_threshold,
            nsteps_block,
            params: m,
        })
    }

    fn conditions(&self) -> Result<Conditions, ConfigError> {
        let m = self.section("conditions")?;
        Ok(Conditions {
            celsius: self.opt_f64(&m, "conditions", "celsius")?,
            v_init: self.opt_f64(&m, "conditions", "v_init")?,
            params: m,
        })
    }

    fn output(&self) -> Result<OutputParams, ConfigError> {
        let m = self.section("output")?;
        let output_dir = self
            .opt_path(&m, "output", "output_dir")?
            .unwrap_or_else(|| absolute(self.wd(), Path::new(".")));
        // log_file / spikes_file* were already joined to output_dir by the raw stage (when
        // output_dir is given); what is left relative is relative to the working directory.
        let string = |k: &str| -> Result<Option<String>, ConfigError> {
            match m.get(k) {
                None | Some(Value::Null) => Ok(None),
                Some(Value::String(s)) => Ok(Some(s.clone())),
                Some(other) => {
                    Err(self.invalid("output", &format!("output.{k}"), "a string", other))
                }
            }
        };
        Ok(OutputParams {
            log_file: self.opt_path(&m, "output", "log_file")?,
            spikes_file: self.opt_path(&m, "output", "spikes_file")?,
            spikes_file_csv: self.opt_path(&m, "output", "spikes_file_csv")?,
            spikes_file_nwb: self.opt_path(&m, "output", "spikes_file_nwb")?,
            spikes_sort_order: string("spikes_sort_order")?,
            overwrite_output_dir: self
                .opt_bool(&m, "output", "overwrite_output_dir")?
                .unwrap_or(false),
            cache_to_disk: self
                .opt_bool(&m, "output", "cache_to_disk")?
                .unwrap_or(true),
            compression: match m.get("compression") {
                None => Some("gzip".into()),
                Some(Value::Null) => None,
                Some(Value::String(s)) => Some(s.clone()),
                Some(other) => {
                    return Err(self.invalid("output", "output.compression", "a string", other))
                }
            },
            output_dir,
            params: m,
        })
    }

    fn components(&self) -> Result<Components, ConfigError> {
        let m = self.section("components")?;
        let dirs: Vec<(String, PathBuf)> = m
            .iter()
            .filter_map(|(k, v)| {
                v.as_str()
                    .map(|s| (k.clone(), absolute(self.wd(), Path::new(s))))
            })
            .collect();
        let get = |k: &str| -> Result<Option<PathBuf>, ConfigError> {
            self.opt_path(&m, "components", k)
        };
        Ok(Components {
            morphologies_dir: get("morphologies_dir")?,
            biophysical_neuron_models_dir: get("biophysical_neuron_models_dir")?,
            synaptic_models_dir: get("synaptic_models_dir")?,
            point_neuron_models_dir: get("point_neuron_models_dir")?,
            mechanisms_dir: get("mechanisms_dir")?,
            templates_dir: get("templates_dir")?,
            filter_models_dir: get("filter_models_dir")?,
            dirs,
            params: m,
        })
    }

    fn entries(
        &self,
        m: &Map<String, Value>,
        k: &str,
    ) -> Result<Vec<Map<String, Value>>, ConfigError> {
        match m.get(k) {
            None | Some(Value::Null) => Ok(Vec::new()),
            Some(Value::Array(items)) => items
                .iter()
                .enumerate()
                .map(|(i, it)| match it {
                    Value::Object(o) => Ok(o.clone()),
                    other => Err(self.invalid(
                        "networks",
                        &format!("networks.{k}[{i}]"),
                        "an object",
                        other,
                    )),
                })
                .collect(),
            Some(other) => Err(self.invalid("networks", &format!("networks.{k}"), "a list", other)),
        }
    }

    fn networks(&self) -> Result<Networks, ConfigError> {
        let m = self.section("networks")?;
        let mut out = Networks::default();
        for (i, e) in self.entries(&m, "nodes")?.into_iter().enumerate() {
            let at = format!("networks.nodes[{i}]");
            out.nodes.push(NodesFiles {
                nodes_file: self.req_path(&e, "networks", &at, "nodes_file")?,
                node_types_file: self.req_path(&e, "networks", &at, "node_types_file")?,
                params: e,
            });
        }
        for (i, e) in self.entries(&m, "edges")?.into_iter().enumerate() {
            let at = format!("networks.edges[{i}]");
            let enabled = match e.get("enabled") {
                None | Some(Value::Null) => true,
                Some(Value::Bool(b)) => *b,
                Some(other) => {
                    return Err(self.invalid(
                        "networks",
                        &format!("{at}.enabled"),
                        "true or false",
                        other,
                    ))
                }
            };
            out.edges.push(EdgesFiles {
                edges_file: self.req_path(&e, "networks", &at, "edges_file")?,
                edge_types_file: self.req_path(&e, "networks", &at, "edge_types_file")?,
                enabled,
                params: e,
            });
        }
        for (i, e) in self.entries(&m, "gap_juncs")?.into_iter().enumerate() {
            let at = format!("networks.gap_juncs[{i}]");
            out.gap_juncs
                .push(self.req_path(&e, "networks", &at, "gap_juncs_file")?);
        }
        Ok(out)
    }

    fn enabled(&self, m: &Map<String, Value>, top: &str, at: &str) -> Result<bool, ConfigError> {
        match m.get("enabled") {
            None | Some(Value::Null) => Ok(true),
            Some(Value::Bool(b)) => Ok(*b),
            Some(other) => Err(self.invalid(top, &format!("{at}.enabled"), "true or false", other)),
        }
    }

    fn req_str(
        &self,
        m: &Map<String, Value>,
        top: &str,
        at: &str,
        k: &str,
    ) -> Result<String, ConfigError> {
        match m.get(k) {
            None | Some(Value::Null) => Err(ConfigError::Missing {
                path: self.file(top),
                key: format!("{at}.{k}"),
                hint: String::new(),
            }),
            Some(Value::String(s)) => Ok(s.clone()),
            Some(other) => Err(self.invalid(top, &format!("{at}.{k}"), "a string", other)),
        }
    }

    fn inputs(&self) -> Result<Vec<InputSpec>, ConfigError> {
        let m = self.section("inputs")?;
        let file = self.file("inputs");
        let mut out = Vec::new();
        for (name, v) in &m {
            let at = format!("inputs.{name}");
            let Value::Object(p) = v else {
                return Err(self.invalid("inputs", &at, "an object", v));
            };
            let node_set = match p.get("node_set") {
                None | Some(Value::Null) => None,
                Some(ns) => Some(NodeSet::from_json(
                    ns,
                    &format!("{at}.node_set"),
                    Some(&file),
                )?),
            };
            let trial = match p.get("trial") {
                None | Some(Value::Null) => None,
                Some(Value::String(s)) => Some(s.clone()),
                Some(Value::Number(n)) => Some(n.to_string()),
                Some(other) => {
                    return Err(self.invalid("inputs", &format!("{at}.trial"), "a string", other))
                }
            };
            out.push(InputSpec {
                name: name.clone(),
                input_type: self.req_str(p, "inputs", &at, "input_type")?,
                module: self.req_str(p, "inputs", &at, "module")?,
                enabled: self.enabled(p, "inputs", &at)?,
                node_set,
                input_file: self
                    .opt_path(p, &at, "input_file")
                    .map_err(|e| self.refile(e, "inputs"))?,
                trial,
                population: self
                    .opt_string(&p.get("population").cloned(), &format!("{at}.population"))
                    .map_err(|e| self.refile(e, "inputs"))?,
                params: p.clone(),
            });
        }
        Ok(out)
    }

    /// Errors built with a nested JSON path as "section" name the wrong file; point them at
    /// the file declaring `top`.
    fn refile(&self, e: ConfigError, top: &str) -> ConfigError {
        match e {
            ConfigError::Invalid {
                key,
                expected,
                found,
                ..
            } => ConfigError::Invalid {
                path: self.file(top),
                key,
                expected,
                found,
            },
            other => other,
        }
    }

    fn reports(&self) -> Result<Vec<ReportSpec>, ConfigError> {
        let m = self.section("reports")?;
        let file = self.file("reports");
        let out_dir = match self.raw.get("output") {
            Some(Value::Object(o)) => match o.get("output_dir") {
                Some(Value::String(s)) => s.clone(),
                _ => ".".to_string(),
            },
            _ => ".".to_string(),
        };
        let mut out = Vec::new();
        for (name, v) in &m {
            let at = format!("reports.{name}");
            let Value::Object(p) = v else {
                return Err(self.invalid("reports", &at, "an object", v));
            };
            let module = self.req_str(p, "reports", &at, "module")?;
            let membrane = MEMBRANE_MODULES.contains(&module.as_str());
            let cells = match p.get("cells") {
                None | Some(Value::Null) => {
                    NodeSet::Named(if membrane { "biophysical" } else { "all" }.into())
                }
                Some(c) => NodeSet::from_json(c, &format!("{at}.cells"), Some(&file))?,
            };
            let variable_name = match p.get("variable_name") {
                None | Some(Value::Null) if membrane => {
                    return Err(ConfigError::Missing {
                        path: file.clone(),
                        key: format!("{at}.variable_name"),
                        hint: format!("required by module `{module}`"),
                    })
                }
                None | Some(Value::Null) => Vec::new(),
                Some(Value::String(s)) => vec![s.clone()],
                Some(Value::Array(a)) if a.iter().all(Value::is_string) => a
                    .iter()
                    .map(|s| s.as_str().unwrap_or_default().to_string())
                    .collect(),
                Some(other) => {
                    return Err(self.invalid(
                        "reports",
                        &format!("{at}.variable_name"),
                        "a name or a list of names",
                        other,
                    ))
                }
            };
            let sections = match p.get("sections") {
                None | Some(Value::Null) => membrane.then(|| Sections::Named("all".into())),
                Some(Value::String(s)) => Some(Sections::Named(s.clone())),
                Some(Value::Array(a)) if a.iter().all(Value::is_string) => Some(Sections::List(
                    a.iter()
                        .map(|s| s.as_str().unwrap_or_default().to_string())
                        .collect(),
                )),
                Some(other) => {
                    return Err(self.invalid(
                        "reports",
                        &format!("{at}.sections"),
                        "a section name or a list of names",
                        other,
                    ))
                }
            };
            let has_default_file =
                membrane || module == "clamp_report" || module == "extracellular";
            let file_name = match p.get("file_name") {
                Some(Value::String(s)) => Some(s.clone()),
                None | Some(Value::Null) if has_default_file => Some(default_report_file(name)),
                None | Some(Value::Null) => None,
                Some(other) => {
                    return Err(self.invalid(
                        "reports",
                        &format!("{at}.file_name"),
                        "a file name",
                        other,
                    ))
                }
            }
            .map(|f| absolute(self.wd(), Path::new(&py_join(&out_dir, &f))));
            let num = |k: &str| -> Result<Option<f64>, ConfigError> {
                self.opt_f64(p, &at, k)
                    .map_err(|e| self.refile(e, "reports"))
            };
            out.push(ReportSpec {
                name: name.clone(),
                enabled: self.enabled(p, "reports", &at)?,
                cells,
                variable_name,
                sections,
                file_name,
                dt: num("dt")?,
                start_time: num("start_time")?,
                end_time: num("end_time")?,
                params: p.clone(),
                module,
            });
        }
        Ok(out)
    }
}

/// BMTK's default report file name.
fn default_report_file(name: &str) -> String {
    if name.ends_with(".h5") || name.ends_with(".hdf") || name.ends_with(".hdf5") {
        name.to_string()
    } else {
        format!("{name}.h5")
    }
}
