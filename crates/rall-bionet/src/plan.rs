//! Config → a validated plan: every referenced file exists, every mechanism is found, every
//! module is known — before anything is built or run (`rall check` stops here).

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use rall_sonata::config::{Config, Selection};
use rall_sonata::{Circuit, Value as CsvValue};
use serde_json::Value;

use crate::cell::fit_mechanisms;
use crate::error::{BionetError, Result};
use crate::mechs::Mechanisms;

/// How a node is simulated.
#[derive(Debug, Clone)]
pub enum CellKind {
    Virtual,
    Biophysical {
        morphology: PathBuf,
        /// fit JSON path and contents
        dynamics: Option<(PathBuf, Value)>,
        processing: Vec<String>,
    },
    /// `nrn:IntFire1` (tau, refrac in ms).
    IntFire1 {
        tau: f64,
        refrac: f64,
    },
}

/// One node of the circuit.
#[derive(Debug, Clone)]
pub struct CellPlan {
    pub gid: u64,
    pub population: String,
    pub node_id: u64,
    pub kind: CellKind,
}

/// Synapse model of an edge type.
#[derive(Debug, Clone, PartialEq)]
pub struct SynModel {
    /// NEURON mechanism (`Exp2Syn`, `ExpSyn`, or a user point process).
    pub mechanism: String,
    /// Parameters to set on it.
    pub params: Vec<(String, f64)>,
    /// `sign` of point-neuron models (weights onto point cells are multiplied by it).
    pub sign: Option<f64>,
}

/// Options that change what is loaded.
#[derive(Debug, Clone, Default)]
pub struct PlanOptions {
    /// Overrides `components.mechanisms_dir`.
    pub mechanisms_dir: Option<PathBuf>,
    /// Overrides `output.output_dir`; output files under the configured directory move with it.
    pub output_dir: Option<PathBuf>,
}

/// The validated plan.
#[derive(Debug)]
pub struct Plan {
    pub cfg: Config,
    pub circuit: Circuit,
    pub mechs: Mechanisms,
    /// Every node in gid order.
    pub cells: Vec<CellPlan>,
    /// gid → index in `cells`.
    pub by_gid: HashMap<u64, usize>,
    /// Synapse model per (edges file index, edge_type_id, dynamics_params file name).
    pub syn_models: HashMap<(usize, u64, String), SynModel>,
    /// Node selection of every enabled input (config order).
    pub input_nodes: Vec<Selection>,
    /// Non-fatal findings.
    pub warnings: Vec<String>,
}

fn text(v: Option<CsvValue>) -> Option<String> {
    match v {
        None => None,
        Some(CsvValue::Str(s)) if s.is_empty() => None,
        Some(v) => Some(v.to_text()),
    }
}

fn must_exist(what: &'static str, path: &Path, by: impl FnOnce() -> String) -> Result<()> {
    if path.exists() {
        Ok(())
    } else {
        Err(BionetError::MissingFile {
            what,
            path: path.to_path_buf(),
            referenced_by: by(),
        })
    }
}

fn read_json(path: &Path) -> Result<Value> {
    let t = std::fs::read_to_string(path).map_err(|source| BionetError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    serde_json::from_str(&t).map_err(|e| BionetError::BadFile {
        path: path.to_path_buf(),
        detail: format!("invalid JSON: {e}"),
    })
}

fn comp_dir<'a>(cfg: &'a Config, key: &str) -> Option<&'a Path> {
    cfg.components.dir(key)
}

/// Input modules Rall runs.
pub const SPIKE_MODULES: [&str; 4] = ["sonata", "h5", "csv", "nwb"];

impl Plan {
    /// Loads a config and checks everything a run needs.
    pub fn from_file(path: &Path, opts: &PlanOptions) -> Result<Plan> {
        Plan::new(Config::from_file(path)?, opts)
    }

    pub fn new(mut cfg: Config, opts: &PlanOptions) -> Result<Plan> {
        if let Some(new) = &opts.output_dir {
            let new = std::path::absolute(new).unwrap_or_else(|_| new.clone());
            let old = cfg.output.output_dir.clone();
            let rebase = |p: &mut Option<PathBuf>| {
                if let Some(x) = p {
                    if let Ok(rel) = x.strip_prefix(&old) {
                        *x = new.join(rel);
                    }
                }
            };
            rebase(&mut cfg.output.log_file);
            rebase(&mut cfg.output.spikes_file);
            rebase(&mut cfg.output.spikes_file_csv);
            rebase(&mut cfg.output.spikes_file_nwb);
            for r in &mut cfg.reports {
                rebase(&mut r.file_name);
            }
            cfg.output.output_dir = new;
        }
        let circuit = Circuit::load(&cfg)?;
        let mut warnings: Vec<String> = cfg.warnings().iter().map(|w| w.to_string()).collect();
        let mech_dir = opts
            .mechanisms_dir
            .clone()
            .or_else(|| cfg.components.mechanisms_dir.clone());
        let mechs = Mechanisms::load(mech_dir.as_deref())?;

        // cells
        let mut cells = Vec::new();
        let mut by_gid = HashMap::new();
        let mut fits: HashMap<PathBuf, Value> = HashMap::new();
        for pr in &circuit.populations {
            let (pop, types) = circuit
                .node_population(&pr.name)
                .expect("population listed by the circuit");
            for row in 0..pop.len() {
                let node_id = pop.node_id[row];
                let gid = pr.gid_offset + node_id;
                let prop = |k: &str| text(pop.property(row, k, types));
                let node_err = |detail: String| BionetError::Node {
                    population: pr.name.clone(),
                    node_id,
                    gid,
                    detail,
                };
                let mt = prop("model_type").unwrap_or_default();
                let kind = match mt.as_str() {
                    "virtual" => CellKind::Virtual,
                    "biophysical" => {
                        let tmpl = prop("model_template").unwrap_or_default();
                        if tmpl != "ctdb:Biophys1.hoc" {
                            return Err(node_err(format!(
                                "model_template '{tmpl}' is not supported for biophysical cells (only ctdb:Biophys1.hoc)"
                            )));
                        }
                        let morph = prop("morphology")
                            .ok_or_else(|| node_err("no morphology".into()))?;
                        let mut mp = PathBuf::from(&morph);
                        if mp.extension().is_none() {
                            mp.set_extension("swc");
                        }
                        let mp = match comp_dir(&cfg, "morphologies_dir") {
                            Some(d) => d.join(mp),
                            None => mp,
                        };
                        let by = || {
                            format!(
                                "node {node_id} of population '{}' (gid {gid}), {}",
                                pr.name,
                                cfg.networks.nodes[pr.file].node_types_file.display()
                            )
                        };
                        must_exist("morphology", &mp, by)?;
                        let processing: Vec<String> = prop("model_processing")
                            .map(|s| {
                                s.split(',')
                                    .map(|x| x.trim().to_string())
                                    .filter(|x| !x.is_empty())
                                    .collect()
                            })
                            .unwrap_or_default();
                        for p in &processing {
                            if !matches!(p.as_str(), "aibs_perisomatic" | "aibs_allactive") {
                                return Err(node_err(format!(
                                    "model_processing '{p}' is not supported (aibs_perisomatic, aibs_allactive)"
                                )));
                            }
                        }
                        let dynamics = match prop("dynamics_params") {
                            None => None,
                            Some(d) => {
                                let dp = match comp_dir(&cfg, "biophysical_neuron_models_dir") {
                                    Some(dir) => dir.join(&d),
                                    None => PathBuf::from(&d),
                                };
                                must_exist("dynamics_params", &dp, by)?;
                                if !fits.contains_key(&dp) {
                                    let v = read_json(&dp)?;
                                    for m in fit_mechanisms(&v, &processing) {
                                        if !mechs.has(&m) {
                                            return Err(mechs.unknown(
                                                &m,
                                                &format!("fit file {}", dp.display()),
                                            ));
                                        }
                                    }
                                    fits.insert(dp.clone(), v);
                                }
                                Some((dp.clone(), fits[&dp].clone()))
                            }
                        };
                        CellKind::Biophysical {
                            morphology: mp,
                            dynamics,
                            processing,
                        }
                    }
                    "point_process" | "point_neuron" => {
                        let tmpl = prop("model_template").unwrap_or_default();
                        if tmpl != "nrn:IntFire1" {
                            return Err(node_err(format!(
                                "model_template '{tmpl}' is not supported for point cells (only nrn:IntFire1)"
                            )));
                        }
                        let d = prop("dynamics_params")
                            .ok_or_else(|| node_err("no dynamics_params".into()))?;
                        let dp = match comp_dir(&cfg, "point_neuron_models_dir") {
                            Some(dir) => dir.join(&d),
                            None => PathBuf::from(&d),
                        };
                        must_exist("dynamics_params", &dp, || {
                            format!("node {node_id} of population '{}'", pr.name)
                        })?;
                        let v = read_json(&dp)?;
                        let g = |k: &str| {
                            v.get(k).and_then(Value::as_f64).ok_or_else(|| {
                                BionetError::BadFile {
                                    path: dp.clone(),
                                    detail: format!("no numeric '{k}'"),
                                }
                            })
                        };
                        CellKind::IntFire1 {
                            tau: g("tau")? * 1000.0,
                            refrac: g("refrac")? * 1000.0,
                        }
                    }
                    other => {
                        return Err(node_err(format!(
                            "model_type '{other}' is not supported (biophysical, point_process, virtual)"
                        )))
                    }
                };
                by_gid.insert(gid, cells.len());
                cells.push(CellPlan {
                    gid,
                    population: pr.name.clone(),
                    node_id,
                    kind,
                });
            }
        }

        // edge types: synaptic models
        let mut syn_models = HashMap::new();
        let syn_dir = comp_dir(&cfg, "synaptic_models_dir").map(Path::to_path_buf);
        for (fi, ef) in circuit.edges.iter().enumerate() {
            for p in &ef.populations {
                let mut seen: BTreeMap<(u64, String), ()> = BTreeMap::new();
                for row in 0..p.len() {
                    let et = p.edge_type_id[row];
                    let dyn_name = text(p.property(row, "dynamics_params", &ef.types));
                    let key = (et, dyn_name.clone().unwrap_or_default());
                    if seen.insert(key.clone(), ()).is_some() {
                        continue;
                    }
                    let edge_err = |detail: String| BionetError::Edge {
                        file: ef.types_path.clone(),
                        population: p.name.clone(),
                        row,
                        detail,
                    };
                    if let Some(wf) = text(p.property(row, "weight_function", &ef.types)) {
                        if crate::WeightFns::default().get(&wf).is_none() {
                            warnings.push(format!(
                                "{}: edge type {et} names weight_function '{wf}', which is not built in (default_weight_fnc, set_syn_weight, wmax, gaussianLL): register it with rall_bionet::WeightFns or the run fails",
                                ef.types_path.display()
                            ));
                        }
                    }
                    let tmpl = text(p.property(row, "model_template", &ef.types));
                    let params = match &dyn_name {
                        Some(d) => {
                            let dp = match &syn_dir {
                                Some(dir) => dir.join(d),
                                None => PathBuf::from(d),
                            };
                            must_exist("synaptic model", &dp, || {
                                format!(
                                    "edge type {et} in {} (population '{}')",
                                    ef.types_path.display(),
                                    p.name
                                )
                            })?;
                            read_json(&dp)?
                        }
                        None => Value::Object(Default::default()),
                    };
                    let f = |k: &str| params.get(k).and_then(Value::as_f64);
                    let mut model = SynModel {
                        mechanism: String::new(),
                        params: Vec::new(),
                        sign: f("sign"),
                    };
                    match tmpl.as_deref() {
                        Some("exp2syn") | Some("Exp2Syn") => {
                            model.mechanism = "Exp2Syn".into();
                            for (k, n) in [("erev", "e"), ("tau1", "tau1"), ("tau2", "tau2")] {
                                if let Some(v) = f(k) {
                                    model.params.push((n.into(), v));
                                }
                            }
                        }
                        Some("expsyn") | Some("ExpSyn") => {
                            model.mechanism = "ExpSyn".into();
                            for (k, n) in [("erev", "e"), ("tau1", "tau")] {
                                if let Some(v) = f(k) {
                                    model.params.push((n.into(), v));
                                }
                            }
                        }
                        None => {} // point-cell targets need no synapse object
                        Some(other) => {
                            let name = other.trim_start_matches("nrn:");
                            if !mechs.has(name) {
                                return Err(edge_err(format!(
                                    "edge type {et}: unknown synapse model_template '{other}'"
                                )));
                            }
                            model.mechanism = name.into();
                            if let Some(o) = params.as_object() {
                                for (k, v) in o {
                                    if let Some(x) = v.as_f64() {
                                        model.params.push((k.clone(), x));
                                    }
                                }
                            }
                        }
                    }
                    syn_models.insert((fi, et, key.1), model);
                }
            }
        }

        // inputs
        let mut input_nodes = Vec::new();
        for inp in cfg.enabled_inputs() {
            let ierr = |detail: String| BionetError::Input {
                name: inp.name.clone(),
                detail,
            };
            match (inp.input_type.as_str(), inp.module.as_str()) {
                ("spikes", m) if SPIKE_MODULES.contains(&m) => {
                    let f = inp
                        .input_file
                        .as_ref()
                        .ok_or_else(|| ierr("no input_file".into()))?;
                    must_exist("input_file", f, || format!("input '{}'", inp.name))?;
                }
                (_, "IClamp") => {
                    for k in ["amp", "delay", "duration"] {
                        let file_based = inp.params.contains_key("file");
                        if !file_based && !inp.params.contains_key(k) {
                            return Err(ierr(format!("IClamp needs '{k}'")));
                        }
                    }
                    if let Some(f) = inp.params.get("file").and_then(Value::as_str) {
                        let p = cfg.working_dir.join(f);
                        must_exist("current clamp file", &p, || {
                            format!("input '{}'", inp.name)
                        })?;
                    }
                }
                (_, "SEClamp") => {
                    for k in ["amp", "delay", "duration"] {
                        if !inp.params.get(k).is_some_and(Value::is_number) {
                            return Err(ierr(format!("SEClamp needs a numeric '{k}'")));
                        }
                    }
                }
                (t, m) => {
                    return Err(ierr(format!(
                        "Can not parse input format {m} (input_type {t}); Rall runs spikes (sonata, h5, csv, nwb), IClamp and SEClamp"
                    )))
                }
            }
            let set = inp
                .node_set
                .clone()
                .ok_or_else(|| ierr("no node_set".into()))?;
            let sel = cfg.node_sets.evaluate(
                &set,
                &format!("inputs.{}.node_set", inp.name),
                Some(&cfg.config_path),
                &circuit,
            )?;
            input_nodes.push(sel);
        }

        // reports
        for r in cfg.enabled_reports() {
            match r.module.as_str() {
                "membrane_report" | "multimeter" | "multimeter_report" => {
                    cfg.node_sets.evaluate(
                        &r.cells,
                        &format!("reports.{}.cells", r.name),
                        Some(&cfg.config_path),
                        &circuit,
                    )?;
                }
                m => warnings.push(format!("Unrecognized module {m}, skipping.")),
            }
        }

        Ok(Plan {
            cfg,
            circuit,
            mechs,
            cells,
            by_gid,
            syn_models,
            input_nodes,
            warnings,
        })
    }

    /// A short description of what will be simulated.
    pub fn summary(&self) -> String {
        let mut n = [0usize; 3];
        for c in &self.cells {
            match c.kind {
                CellKind::Virtual => n[0] += 1,
                CellKind::Biophysical { .. } => n[1] += 1,
                CellKind::IntFire1 { .. } => n[2] += 1,
            }
        }
        let edges: usize = self
            .circuit
            .edge_populations()
            .map(|(p, _, _)| p.len())
            .sum();
        format!(
            "{} biophysical, {} point (IntFire1), {} virtual cells; {} edges; {} inputs; {} reports; tstop {} ms, dt {} ms",
            n[1],
            n[2],
            n[0],
            edges,
            self.input_nodes.len(),
            self.cfg.enabled_reports().count(),
            self.cfg.run.tstop,
            self.cfg.run.dt
        )
    }
}
