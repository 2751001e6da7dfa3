//! `sim-setup`: write a BioNet run environment as BMTK 1.2.0's `build_env_bionet` /
//! `python -m bmtk.utils.sim_setup bionet DIR` does — `config.json`, `circuit_config.json`,
//! `simulation_config.json`, `node_sets.json`, `run_bionet.py` and the `components/` folders —
//! with the same keys, key order, manifest variables and input/report blocks, so BMTK and Rall
//! both run the folder.
//!
//! Deliberate differences from BMTK (its bugs, `../shared/docs/bmtk-behaviour.md` §3, §6):
//! * the default config name (`config.json`) works (BMTK's `config_file=None` crashes);
//! * no `__pycache__` component folder or `__pycache___dir` entry;
//! * `dt` is always a number (create_environment writes `"dt": null`);
//! * `config.json` names its two parts relative to itself (`./circuit_config.json`) when they sit
//!   next to it, so the folder can move (BMTK writes absolute paths; both read either);
//! * network files are classified by suffix (`_nodes.h5`, `_node_types.csv`, `_edges.h5`,
//!   `_edge_types.csv`, `_gap_juncs.h5`) and ordered deterministically: virtual populations first,
//!   then by name (BMTK lists them in filesystem order, which decides gids and so synapse seeds);
//! * `$BASE_DIR` replaces a path prefix only at a directory boundary;
//! * `--report-nodes 5` is node id 5 (BMTK reads one value as a population name);
//! * an existing `node_sets.json`, run script or changed component file is replaced only with
//!   `overwrite` (BMTK overwrites component files and never rewrites node sets);
//! * `run_bionet.py` is our own script and takes the config path (default: the config written).

use std::collections::BTreeMap;
use std::fs;
use std::path::{Component, Path, PathBuf};

use serde_json::{json, Map, Value};

/// Errors of sim-setup; each names the path or the argument at fault.
#[derive(Debug, thiserror::Error)]
pub enum SimSetupError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path} exists and is not a directory")]
    NotADirectory { path: PathBuf },
    #[error("{what}: {detail}")]
    BadArgument { what: String, detail: String },
    #[error("example components not found at {path} (expected its subfolders morphologies/, biophysical_neuron_models/, …)")]
    NoExamples { path: PathBuf },
}

pub type Result<T> = std::result::Result<T, SimSetupError>;

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> SimSetupError + '_ {
    move |source| SimSetupError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// The component subfolders BMTK's bionet template creates (its order), `__pycache__` excluded.
pub const COMPONENT_DIRS: [&str; 7] = [
    "synaptic_models",
    "biophysical_neuron_models",
    "templates",
    "mechanisms",
    "filter_models",
    "point_neuron_models",
    "morphologies",
];

/// One `--spikes-inputs` entry: `pop:file` or just `file`.
#[derive(Debug, Clone, PartialEq)]
pub struct SpikesInput {
    pub population: Option<String>,
    pub file: PathBuf,
}

impl SpikesInput {
    /// Parses `pop:file[,pop:file…]`.
    pub fn parse_list(s: &str) -> Result<Vec<SpikesInput>> {
        s.split(',')
            .map(|item| {
                let parts: Vec<&str> = item.split(':').collect();
                match parts.as_slice() {
                    [f] if !f.is_empty() => Ok(SpikesInput {
                        population: None,
                        file: PathBuf::from(f),
                    }),
                    [p, f] if !p.is_empty() && !f.is_empty() => Ok(SpikesInput {
                        population: Some(p.to_string()),
                        file: PathBuf::from(f),
                    }),
                    _ => Err(SimSetupError::BadArgument {
                        what: "--spikes-inputs".into(),
                        detail: format!("cannot parse '{item}': expected POP:FILE[,POP:FILE…]"),
                    }),
                }
            })
            .collect()
    }
}

/// `--report-nodes`: node ids (recorded in every population) or one population name.
#[derive(Debug, Clone, PartialEq)]
pub enum ReportNodes {
    NodeIds(Vec<u64>),
    Population(String),
}

impl ReportNodes {
    /// `0,1,5` → node ids; a single non-numeric value → population.
    pub fn parse(s: &str) -> Result<ReportNodes> {
        let parts: Vec<&str> = s.split(',').map(str::trim).collect();
        if let Ok(ids) = parts.iter().map(|p| p.parse::<u64>()).collect() {
            return Ok(ReportNodes::NodeIds(ids));
        }
        match parts.as_slice() {
            [p] if !p.is_empty() => Ok(ReportNodes::Population(p.to_string())),
            _ => Err(SimSetupError::BadArgument {
                what: "--report-nodes".into(),
                detail: format!("'{s}': expected node ids (0,1,5) or one population name"),
            }),
        }
    }
}

/// `--iclamp amp,delay,dur` (nA, ms, ms) on the soma of every cell.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct IClampSpec {
    pub amp: f64,
    pub delay: f64,
    pub duration: f64,
}

impl IClampSpec {
    pub fn parse(s: &str) -> Result<IClampSpec> {
        let bad = |detail: String| SimSetupError::BadArgument {
            what: "--iclamp".into(),
            detail,
        };
        let v: Vec<f64> = s
            .split(',')
            .map(|p| {
                p.trim()
                    .parse::<f64>()
                    .ok()
                    .filter(|x| x.is_finite())
                    .ok_or_else(|| bad(format!("'{p}' is not a number")))
            })
            .collect::<Result<_>>()?;
        if v.len() != 3 {
            return Err(bad(format!(
                "'{s}': expected three numbers AMP,DELAY,DURATION (nA, ms, ms)"
            )));
        }
        Ok(IClampSpec {
            amp: v[0],
            delay: v[1],
            duration: v[2],
        })
    }
}

/// Everything sim-setup needs; defaults are `build_env_bionet`'s.
#[derive(Debug, Clone)]
pub struct SimSetupOptions {
    pub base_dir: PathBuf,
    /// `None`: an existing `network`/`networks`/`circuit`/… subfolder of base, else `base/network`.
    pub network_dir: Option<PathBuf>,
    /// `None`: `base/components`.
    pub components_dir: Option<PathBuf>,
    pub spikes_inputs: Vec<SpikesInput>,
    pub report_vars: Vec<String>,
    pub report_nodes: Option<ReportNodes>,
    pub iclamp: Option<IClampSpec>,
    pub tstart: f64,
    pub tstop: f64,
    pub dt: f64,
    pub dl: f64,
    pub spike_threshold: f64,
    pub nsteps_block: u64,
    pub v_init: f64,
    pub celsius: f64,
    /// Copy example components from this folder (its subfolders named as [`COMPONENT_DIRS`]).
    pub include_examples: Option<PathBuf>,
    /// Name (or path) of the top config; `config.json` → `circuit_config.json`,
    /// `simulation_config.json`.
    pub config_file: PathBuf,
    pub overwrite: bool,
    /// Relative paths in the options are relative to this directory.
    pub cwd: PathBuf,
}

impl SimSetupOptions {
    /// BMTK's defaults (tstop 1000 ms, dt 0.001 ms, dL 20 µm, threshold −15 mV, nsteps_block
    /// 5000, v_init −80 mV, celsius 34 °C, `config.json`).
    pub fn new(base_dir: impl Into<PathBuf>, cwd: impl Into<PathBuf>) -> SimSetupOptions {
        SimSetupOptions {
            base_dir: base_dir.into(),
            network_dir: None,
            components_dir: None,
            spikes_inputs: Vec::new(),
            report_vars: Vec::new(),
            report_nodes: None,
            iclamp: None,
            tstart: 0.0,
            tstop: 1000.0,
            dt: 0.001,
            dl: 20.0,
            spike_threshold: -15.0,
            nsteps_block: 5000,
            v_init: -80.0,
            celsius: 34.0,
            include_examples: None,
            config_file: PathBuf::from("config.json"),
            overwrite: false,
            cwd: cwd.into(),
        }
    }
}

/// What sim-setup did.
#[derive(Debug, Default, Clone)]
pub struct SimSetupReport {
    /// The top config (what `rall run` takes).
    pub config: PathBuf,
    pub base_dir: PathBuf,
    pub network_dir: PathBuf,
    pub components_dir: PathBuf,
    /// Files written (configs, node sets, run script, components README).
    pub written: Vec<PathBuf>,
    /// Existing files left as they were (use `overwrite` to replace them).
    pub kept: Vec<PathBuf>,
    /// Example component files copied (or already identical).
    pub copied: usize,
    /// Population names in circuit order (gid offsets follow it).
    pub populations: Vec<String>,
    /// Warnings worth showing (missing spike files, files not recognised, …).
    pub notes: Vec<String>,
}

const NETWORK_DIR_SYNONYMS: [&str; 6] = [
    "network",
    "networks",
    "circuit",
    "circuits",
    "network_dir",
    "circuit_dir",
];

/// Absolute, lexically normalised path (like Python's `os.path.abspath`: no symlinks resolved).
pub fn abspath(p: &Path, cwd: &Path) -> PathBuf {
    let joined = if p.is_absolute() {
        p.to_path_buf()
    } else {
        cwd.join(p)
    };
    let mut out = PathBuf::new();
    for c in joined.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// `path` written relative to `dir` as `VAR/rest` when it lies inside `dir` (directory boundary),
/// else the absolute path.
fn with_var(path: &Path, dir: &Path, var: &str) -> String {
    match path.strip_prefix(dir) {
        Ok(rest) if rest.as_os_str().is_empty() => var.to_string(),
        Ok(rest) => {
            let parts: Vec<String> = rest
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            format!("{var}/{}", parts.join("/"))
        }
        Err(_) => path.to_string_lossy().into_owned(),
    }
}

fn write_atomic(path: &Path, text: &str) -> Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.rall-tmp"));
    fs::write(&tmp, text).map_err(io_err(&tmp))?;
    fs::rename(&tmp, path).map_err(io_err(path))
}

fn mkdirs(path: &Path) -> Result<()> {
    if path.exists() && !path.is_dir() {
        return Err(SimSetupError::NotADirectory {
            path: path.to_path_buf(),
        });
    }
    fs::create_dir_all(path).map_err(io_err(path))
}

fn pretty(v: &Value) -> String {
    // serde_json's pretty printer indents by two spaces, as BMTK's json.dump(indent=2).
    let mut s = serde_json::to_string_pretty(v).expect("JSON values always serialise");
    s.push('\n');
    s
}

fn positive(what: &str, x: f64) -> Result<()> {
    if x.is_finite() && x > 0.0 {
        Ok(())
    } else {
        Err(SimSetupError::BadArgument {
            what: what.into(),
            detail: format!("must be a positive number, got {x}"),
        })
    }
}

fn finite(what: &str, x: f64) -> Result<()> {
    if x.is_finite() {
        Ok(())
    } else {
        Err(SimSetupError::BadArgument {
            what: what.into(),
            detail: format!("must be a finite number, got {x}"),
        })
    }
}

fn validate(o: &SimSetupOptions) -> Result<()> {
    positive("--dt", o.dt)?;
    positive("--dL", o.dl)?;
    finite("--tstart", o.tstart)?;
    finite("--tstop", o.tstop)?;
    finite("--spike-threshold", o.spike_threshold)?;
    finite("--v-init", o.v_init)?;
    finite("--celsius", o.celsius)?;
    if o.tstop <= o.tstart {
        return Err(SimSetupError::BadArgument {
            what: "--tstop".into(),
            detail: format!("{} must be after tstart {}", o.tstop, o.tstart),
        });
    }
    if o.nsteps_block == 0 {
        return Err(SimSetupError::BadArgument {
            what: "--nsteps-block".into(),
            detail: "must be at least 1".into(),
        });
    }
    for v in &o.report_vars {
        if v.is_empty() || v.contains(char::is_whitespace) {
            return Err(SimSetupError::BadArgument {
                what: "--report-vars".into(),
                detail: format!("'{v}' is not a variable name"),
            });
        }
    }
    let mut names = std::collections::BTreeSet::new();
    for s in &o.spikes_inputs {
        spikes_module(&s.file)?;
        let name = format!("{}_spikes", s.population.as_deref().unwrap_or("input"));
        if !names.insert(name.clone()) {
            return Err(SimSetupError::BadArgument {
                what: "--spikes-inputs".into(),
                detail: format!("input '{name}' given twice"),
            });
        }
    }
    let name = o.config_file.file_name().map(|n| n.to_string_lossy());
    match name {
        Some(n) if n.ends_with(".json") && n.len() > 5 => Ok(()),
        _ => Err(SimSetupError::BadArgument {
            what: "--config-file".into(),
            detail: format!("'{}': expected a NAME.json file", o.config_file.display()),
        }),
    }
}

/// One population's files in the network folder.
#[derive(Debug, Default)]
struct NetFiles {
    main: Option<PathBuf>,
    types: Option<PathBuf>,
}

fn find_network_dir(o: &SimSetupOptions, base: &Path) -> Result<PathBuf> {
    match &o.network_dir {
        None => {
            let mut found: Vec<PathBuf> = Vec::new();
            if let Ok(rd) = fs::read_dir(base) {
                for e in rd.flatten() {
                    let n = e.file_name().to_string_lossy().to_lowercase();
                    if e.path().is_dir() && NETWORK_DIR_SYNONYMS.contains(&n.as_str()) {
                        found.push(e.path());
                    }
                }
            }
            found.sort();
            match found.into_iter().next() {
                Some(d) => Ok(d),
                None => {
                    let d = base.join("network");
                    mkdirs(&d)?;
                    Ok(d)
                }
            }
        }
        Some(p) if p.is_absolute() => {
            mkdirs(p)?;
            Ok(abspath(p, &o.cwd))
        }
        Some(p) => {
            let in_cwd = abspath(p, &o.cwd);
            if in_cwd.is_dir() {
                Ok(in_cwd)
            } else {
                let d = abspath(p, base);
                mkdirs(&d)?;
                Ok(d)
            }
        }
    }
}

fn is_virtual(types_csv: &Path) -> bool {
    let Ok(t) = rall_sonata::TypeTable::read(types_csv, "node_type_id") else {
        return false;
    };
    let Some(c) = t.columns.iter().position(|c| c == "model_type") else {
        return false;
    };
    !t.rows.is_empty() && t.rows.iter().all(|r| r[c].as_deref() == Some("virtual"))
}

/// Scans the network folder (top level) and returns the `networks` block and population order.
fn scan_network(net: &Path, notes: &mut Vec<String>) -> Result<(Value, Vec<String>)> {
    let mut nodes: BTreeMap<String, NetFiles> = BTreeMap::new();
    let mut edges: BTreeMap<String, NetFiles> = BTreeMap::new();
    let mut gaps: BTreeMap<String, PathBuf> = BTreeMap::new();
    let rd = fs::read_dir(net).map_err(io_err(net))?;
    let mut names: Vec<(String, PathBuf)> = rd
        .flatten()
        .filter(|e| e.path().is_file())
        .map(|e| (e.file_name().to_string_lossy().into_owned(), e.path()))
        .filter(|(n, _)| !n.starts_with('.'))
        .collect();
    names.sort();
    for (n, p) in names {
        if let Some(pop) = n.strip_suffix("_nodes.h5") {
            nodes.entry(pop.into()).or_default().main = Some(p);
        } else if let Some(pop) = n.strip_suffix("_node_types.csv") {
            nodes.entry(pop.into()).or_default().types = Some(p);
        } else if let Some(pop) = n.strip_suffix("_edges.h5") {
            edges.entry(pop.into()).or_default().main = Some(p);
        } else if let Some(pop) = n.strip_suffix("_edge_types.csv") {
            edges.entry(pop.into()).or_default().types = Some(p);
        } else if let Some(pop) = n.strip_suffix("_gap_juncs.h5") {
            gaps.insert(pop.into(), p);
        } else {
            notes.push(format!(
                "{}: not a SONATA network file name, skipped",
                p.display()
            ));
        }
    }
    if nodes.is_empty() && edges.is_empty() {
        notes.push(format!(
            "{}: no SONATA nodes or edges files (build the network into this folder; the \
             circuit config will need its networks block)",
            net.display()
        ));
    }
    let var = |p: &Path| with_var(p, net, "$NETWORK_DIR");
    // Virtual (input) populations first, then the rest; by name within each group.
    let mut order: Vec<(bool, String)> = nodes
        .iter()
        .map(|(name, f)| {
            let virt = f.types.as_deref().map(is_virtual).unwrap_or(false);
            (!virt, name.clone())
        })
        .collect();
    order.sort();
    let mut node_list = Vec::new();
    for (_, name) in &order {
        let f = &nodes[name];
        let mut m = Map::new();
        if let Some(t) = &f.types {
            m.insert("node_types_file".into(), json!(var(t)));
        }
        if let Some(h) = &f.main {
            m.insert("nodes_file".into(), json!(var(h)));
        }
        if f.main.is_none() || f.types.is_none() {
            notes.push(format!(
                "nodes '{name}': only one of _nodes.h5 / _node_types.csv found"
            ));
        }
        node_list.push(Value::Object(m));
    }
    let mut edge_list = Vec::new();
    for (name, f) in &edges {
        let mut m = Map::new();
        if let Some(h) = &f.main {
            m.insert("edges_file".into(), json!(var(h)));
        }
        if let Some(t) = &f.types {
            m.insert("edge_types_file".into(), json!(var(t)));
        }
        if f.main.is_none() || f.types.is_none() {
            notes.push(format!(
                "edges '{name}': only one of _edges.h5 / _edge_types.csv found"
            ));
        }
        edge_list.push(Value::Object(m));
    }
    let gap_list: Vec<Value> = gaps
        .values()
        .map(|p| json!({ "gap_juncs_file": var(p) }))
        .collect();
    let pops = order.into_iter().map(|(_, n)| n).collect();
    Ok((
        json!({ "nodes": node_list, "edges": edge_list, "gap_juncs": gap_list }),
        pops,
    ))
}

/// Copies `src` into `dst` recursively (hidden files and `__pycache__` skipped). Existing files
/// with other contents are replaced only with `overwrite`.
fn copy_tree(src: &Path, dst: &Path, overwrite: bool, rep: &mut SimSetupReport) -> Result<()> {
    mkdirs(dst)?;
    let mut entries: Vec<_> = fs::read_dir(src)
        .map_err(io_err(src))?
        .flatten()
        .map(|e| e.path())
        .collect();
    entries.sort();
    for p in entries {
        let name = p
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        if name.starts_with('.') || name == "__pycache__" {
            continue;
        }
        let t = dst.join(&name);
        if p.is_dir() {
            copy_tree(&p, &t, overwrite, rep)?;
            continue;
        }
        let data = fs::read(&p).map_err(io_err(&p))?;
        if t.exists() {
            let old = fs::read(&t).map_err(io_err(&t))?;
            if old == data {
                rep.copied += 1;
                continue;
            }
            if !overwrite {
                rep.kept.push(t);
                continue;
            }
        }
        let tmp = dst.join(format!(".{name}.rall-tmp"));
        fs::write(&tmp, &data).map_err(io_err(&tmp))?;
        fs::rename(&tmp, &t).map_err(io_err(&t))?;
        rep.copied += 1;
    }
    Ok(())
}

fn has_mod_files(dir: &Path) -> bool {
    fs::read_dir(dir)
        .map(|rd| {
            rd.flatten()
                .any(|e| e.path().extension().is_some_and(|x| x == "mod"))
        })
        .unwrap_or(false)
}

/// Writes `text` to `path` unless it exists and `overwrite` is off.
fn write_config(path: &Path, text: &str, overwrite: bool, rep: &mut SimSetupReport) -> Result<()> {
    if path.exists() && !overwrite {
        rep.kept.push(path.to_path_buf());
        return Ok(());
    }
    write_atomic(path, text)?;
    rep.written.push(path.to_path_buf());
    Ok(())
}

/// Orders a config object as BMTK's `_save_config` does.
fn ordered(obj: Map<String, Value>) -> Value {
    const ORDER: [&str; 9] = [
        "manifest",
        "target_simulator",
        "run",
        "conditions",
        "inputs",
        "components",
        "output",
        "reports",
        "networks",
    ];
    let mut items: Vec<(String, Value)> = obj.into_iter().collect();
    items.sort_by_key(|(k, _)| ORDER.iter().position(|o| o == k).unwrap_or(100));
    Value::Object(items.into_iter().collect())
}

fn spikes_module(file: &Path) -> Result<&'static str> {
    let ext = file
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "h5" | "hdf5" => Ok("sonata"),
        "csv" => Ok("csv"),
        "nwb" => Ok("nwb"),
        _ => Err(SimSetupError::BadArgument {
            what: "--spikes-inputs".into(),
            detail: format!(
                "{}: unknown spike file type '.{ext}' (expected .h5/.hdf5 SONATA, .csv or .nwb)",
                file.display()
            ),
        }),
    }
}

/// Writes the run environment. Nothing is removed; existing configs are kept unless
/// `overwrite` (reported in [`SimSetupReport::kept`]).
pub fn sim_setup(o: &SimSetupOptions) -> Result<SimSetupReport> {
    validate(o)?;
    let mut rep = SimSetupReport::default();
    let base = abspath(&o.base_dir, &o.cwd);
    mkdirs(&base)?;
    let examples = match &o.include_examples {
        Some(e) => {
            let e = abspath(e, &o.cwd);
            if !e.join("morphologies").is_dir() {
                return Err(SimSetupError::NoExamples { path: e });
            }
            Some(e)
        }
        None => None,
    };
    let net = find_network_dir(o, &base)?;
    let comps = match &o.components_dir {
        None => base.join("components"),
        Some(c) if c.is_absolute() || abspath(c, &o.cwd).exists() => abspath(c, &o.cwd),
        Some(c) => abspath(c, &base),
    };
    rep.base_dir = base.clone();
    rep.network_dir = net.clone();
    rep.components_dir = comps.clone();

    // config.json (+ its two parts, named after its stem as BMTK does)
    let config_path = abspath(&o.config_file, &base);
    let fname = config_path
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    let stem = &fname[..fname.len() - ".json".len()];
    let circuit_path = base.join(format!("circuit_{stem}.json"));
    let simulation_path = base.join(format!("simulation_{stem}.json"));
    let part = |p: &Path| -> String {
        if config_path.parent() == Some(base.as_path()) {
            format!("./{}", p.file_name().unwrap().to_string_lossy())
        } else {
            p.to_string_lossy().into_owned()
        }
    };
    if let Some(parent) = config_path.parent() {
        mkdirs(parent)?;
    }
    let top = json!({ "network": part(&circuit_path), "simulation": part(&simulation_path) });
    write_config(&config_path, &pretty(&top), o.overwrite, &mut rep)?;
    rep.config = config_path;

    // circuit config
    let (networks, pops) = scan_network(&net, &mut rep.notes)?;
    rep.populations = pops;
    mkdirs(&comps)?;
    let mut components = Map::new();
    for sub in COMPONENT_DIRS {
        let trg = comps.join(sub);
        mkdirs(&trg)?;
        components.insert(
            format!("{sub}_dir"),
            json!(with_var(&trg, &comps, "$COMPONENTS_DIR")),
        );
        if let Some(ex) = &examples {
            let src = ex.join(sub);
            if src.is_dir() {
                copy_tree(&src, &trg, o.overwrite, &mut rep)?;
            }
        }
    }
    if examples.is_some() && !has_mod_files(&comps.join("mechanisms").join("modfiles")) {
        rep.notes.push(format!(
            "no .mod files in {}: Allen cells need the channel mechanisms (CaDynamics, NaTs, …)",
            comps.join("mechanisms/modfiles").display()
        ));
    }
    let readme = comps.join("README.md");
    if !readme.exists() || o.overwrite {
        write_atomic(&readme, COMPONENTS_README)?;
        rep.written.push(readme);
    }
    let mut manifest = Map::new();
    manifest.insert("$BASE_DIR".into(), json!("${configdir}"));
    manifest.insert(
        "$NETWORK_DIR".into(),
        json!(with_var(&net, &base, "$BASE_DIR")),
    );
    manifest.insert(
        "$COMPONENTS_DIR".into(),
        json!(with_var(&comps, &base, "$BASE_DIR")),
    );
    let mut circuit = Map::new();
    circuit.insert("manifest".into(), Value::Object(manifest));
    circuit.insert("components".into(), Value::Object(components));
    circuit.insert("networks".into(), networks);
    write_config(
        &circuit_path,
        &pretty(&ordered(circuit)),
        o.overwrite,
        &mut rep,
    )?;

    // node sets
    let node_sets_path = base.join("node_sets.json");
    let cells = if o.report_nodes.is_some() {
        "recorded_nodes"
    } else {
        "all"
    };
    let mut ns = Map::new();
    ns.insert(
        "biophysical_nodes".into(),
        json!({"model_type": "biophysical"}),
    );
    ns.insert("point_nodes".into(), json!({"model_type": "point_process"}));
    match &o.report_nodes {
        Some(ReportNodes::NodeIds(ids)) => {
            ns.insert("recorded_nodes".into(), json!({ "node_ids": ids }));
        }
        Some(ReportNodes::Population(p)) => {
            ns.insert("recorded_nodes".into(), json!({ "population": p }));
        }
        None => {}
    }
    if node_sets_path.exists() && !o.overwrite {
        rep.kept.push(node_sets_path.clone());
        if o.report_nodes.is_some() {
            let has = fs::read_to_string(&node_sets_path)
                .ok()
                .and_then(|t| serde_json::from_str::<Value>(&t).ok())
                .is_some_and(|v| v.get("recorded_nodes") == ns.get("recorded_nodes"));
            if !has {
                rep.notes.push(format!(
                    "{} was kept and does not define this recorded_nodes set; use --overwrite",
                    node_sets_path.display()
                ));
            }
        }
    } else {
        write_atomic(&node_sets_path, &pretty(&Value::Object(ns)))?;
        rep.written.push(node_sets_path.clone());
    }

    // simulation config
    let mut inputs = Map::new();
    if let Some(c) = &o.iclamp {
        inputs.insert(
            "current_clamp".into(),
            json!({
                "input_type": "current_clamp",
                "module": "IClamp",
                "node_set": "all",
                "gids": "all",
                "amp": c.amp,
                "delay": c.delay,
                "duration": c.duration,
            }),
        );
    }
    for s in &o.spikes_inputs {
        let file = abspath(&s.file, &o.cwd);
        let module = spikes_module(&file)?;
        let name = format!("{}_spikes", s.population.as_deref().unwrap_or("input"));
        if !file.is_file() {
            rep.notes.push(format!(
                "spike input {} does not exist yet (input '{name}')",
                file.display()
            ));
        }
        inputs.insert(
            name,
            json!({
                "input_type": "spikes",
                "module": module,
                "input_file": with_var(&file, &base, "$BASE_DIR"),
                "node_set": s.population.as_deref().unwrap_or("all"),
            }),
        );
    }
    let mut reports = Map::new();
    for v in &o.report_vars {
        reports.insert(
            format!("{v}_report"),
            json!({
                "variable_name": v,
                "cells": cells,
                "module": "membrane_report",
                "sections": "soma",
            }),
        );
    }
    let output_dir = base.join("output");
    let mut manifest = Map::new();
    manifest.insert("$BASE_DIR".into(), json!("${configdir}"));
    manifest.insert(
        "$OUTPUT_DIR".into(),
        json!(with_var(&output_dir, &base, "$BASE_DIR")),
    );
    let mut sim = Map::new();
    sim.insert("manifest".into(), Value::Object(manifest));
    sim.insert(
        "node_sets_file".into(),
        json!(with_var(&node_sets_path, &base, "$BASE_DIR")),
    );
    sim.insert("reports".into(), Value::Object(reports));
    sim.insert(
        "output".into(),
        json!({ "log_file": "log.txt", "output_dir": "$OUTPUT_DIR", "spikes_file": "spikes.h5" }),
    );
    sim.insert("target_simulator".into(), json!("NEURON"));
    sim.insert(
        "run".into(),
        json!({
            "tstart": o.tstart,
            "tstop": o.tstop,
            "dt": o.dt,
            "dL": o.dl,
            "spike_threshold": o.spike_threshold,
            "nsteps_block": o.nsteps_block,
        }),
    );
    sim.insert(
        "conditions".into(),
        json!({ "celsius": o.celsius, "v_init": o.v_init }),
    );
    sim.insert("inputs".into(), Value::Object(inputs));
    write_config(
        &simulation_path,
        &pretty(&ordered(sim)),
        o.overwrite,
        &mut rep,
    )?;

    // run script for BMTK + NEURON
    let script = base.join("run_bionet.py");
    let default_config = if rep.config.parent() == Some(base.as_path()) {
        fname.clone()
    } else {
        rep.config.to_string_lossy().into_owned()
    };
    let text = RUN_BIONET_PY.replace("@CONFIG@", &default_config);
    write_config(&script, &text, o.overwrite, &mut rep)?;
    Ok(rep)
}

const RUN_BIONET_PY: &str = r#""""Run this folder with BMTK BioNet on NEURON (written by `rall sim-setup`).

Rall runs the same folder with `rall run @CONFIG@` and needs nothing compiled. NEURON needs the
channel mechanisms compiled first:  cd components/mechanisms && nrnivmodl modfiles
Virtual cells (spike inputs) also need NEURON's VecStim: vecevent.mod in
components/mechanisms/modfiles (--include-examples copies Rall's own). Rall has VecStim built in.

usage: python run_bionet.py [CONFIG]      (default: @CONFIG@)
"""
import sys

from bmtk.simulator import bionet


def main(config_file):
    conf = bionet.Config.from_json(config_file)
    conf.build_env()
    net = bionet.BioNetwork.from_config(conf)
    sim = bionet.BioSimulator.from_config(conf, network=net)
    sim.run()
    bionet.nrn.quit_execution()


if __name__ == '__main__':
    main(sys.argv[1] if len(sys.argv) > 1 else '@CONFIG@')
"#;

const COMPONENTS_README: &str = "# components/

Written by `rall sim-setup` with the folders a BMTK BioNet user expects (named in
`circuit_config.json` as `<folder>_dir`). `--include-examples` fills them with the Allen Cell
Types data used by BMTK's examples and tutorials.

| folder | what | Rall | BMTK + NEURON |
| --- | --- | --- | --- |
| `morphologies/` | SWC morphologies | used | used |
| `biophysical_neuron_models/` | Allen fits (`*_fit.json`, `dynamics_params`) | used | used |
| `synaptic_models/` | synapse parameters (`Exp2Syn`, instantaneous) | used | used |
| `point_neuron_models/` | `IntFire1` parameters | used | used |
| `mechanisms/modfiles/` | NMODL `.mod` files of the Allen channels and VecStim (`vecevent.mod`) | read at run time, nothing to compile | compile first: `cd mechanisms && nrnivmodl modfiles` |
| `templates/` | hoc cell templates | not needed: `ctdb:Biophys1.hoc` is built in | not needed for `ctdb:` templates (BMTK loads its own); put custom `.hoc` templates here |
| `filter_models/` | FilterNet (LGN) filters | not used by BioNet | not used by BioNet |

The `.mod` files are Rall's own implementations of the Allen channel set and of VecStim
(`vecevent.mod`, the artificial cell of virtual cells fed by spike inputs); NEURON compiles and
runs them too. Rall has VecStim built in: it recognises `vecevent.mod` and uses the built-in.
`validation/sim_setup/interop.sh` in Rall's repository checks that BMTK + NEURON and `rall run`
give the same spikes on a folder made by `rall sim-setup`.
";
