//! Building the network from a [`Plan`] and running it as BioNet does: cells, recurrent
//! connections, spike inputs (virtual cells), current clamps, reports, spikes, log.

use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use rall_cable::{CellId, GroupBuilder, IonVar, MechType, PointId, ProbeSpec, SecId, SourceId};
use rall_sonata::config::PropValue;
use rall_sonata::h5::{Array, Data};
use rall_sonata::{ReportMapping, ReportWriter, Sorting, SpikePopulation, SpikeTable};
use rall_spikes::SpikeTrains;
use serde_json::Value;

use crate::cell::{add_to_builder, build_biophysical, seg_table, BioCell, SegRow};
use crate::error::{BionetError, Result};
use crate::plan::{CellKind, Plan, PlanOptions, SPIKE_MODULES};
use crate::synapse::{section_type, EdgeView, Placer, WeightFns};

/// Options of a run.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    pub plan: PlanOptions,
    /// Worker threads = cell groups stepped in parallel (results never depend on it); default
    /// every core, with at least 8 cells per group.
    pub threads: Option<usize>,
    /// Write every synapse to this CSV.
    pub dump_synapses: Option<PathBuf>,
    /// Weight functions (built-ins plus registered ones).
    pub weight_fns: WeightFns,
}

/// Receives log lines (already formatted as in `log.txt`) and progress.
pub trait Observer {
    fn log(&mut self, _line: &str) {}
    fn progress(&mut self, _step: u64, _nsteps: u64) {}
}

/// An observer that ignores everything.
#[derive(Debug, Default)]
pub struct Quiet;
impl Observer for Quiet {}

/// One synapse (or, for point-cell targets, one NetCon) as created.
#[derive(Debug, Clone, PartialEq)]
pub struct SynapseRecord {
    pub target_gid: u64,
    pub target_population: String,
    pub target_node_id: u64,
    /// Section index in `all` (-1 for point-cell targets).
    pub section_id: i64,
    pub x: f64,
    pub source_population: String,
    pub source_node_id: u64,
    pub weight: f64,
    pub delay: f64,
}

/// What a run produced.
#[derive(Debug, Clone, Default)]
pub struct RunSummary {
    pub synapses: Vec<SynapseRecord>,
    /// (population, node_id, time) in recording order.
    pub spikes: Vec<(String, u64, f64)>,
    pub n_steps: u64,
    pub seconds: f64,
    pub output_dir: PathBuf,
}

struct Log {
    file: Option<std::fs::File>,
}

fn civil(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// `%(asctime)s` of Python logging (UTC).
fn asctime() -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    let secs = now.as_secs() as i64;
    let (y, mo, d) = civil(secs.div_euclid(86_400));
    let s = secs.rem_euclid(86_400);
    format!(
        "{y:04}-{mo:02}-{d:02} {:02}:{:02}:{:02},{:03}",
        s / 3600,
        (s / 60) % 60,
        s % 60,
        now.subsec_millis()
    )
}

impl Log {
    fn info(&mut self, obs: &mut dyn Observer, msg: &str) {
        self.line(obs, "INFO", msg);
    }
    fn line(&mut self, obs: &mut dyn Observer, level: &str, msg: &str) {
        let l = format!("{} [{level}] {msg}", asctime());
        if let Some(f) = &mut self.file {
            let _ = writeln!(f, "{l}");
        }
        obs.log(&l);
    }
}

fn prop_f64(v: Option<PropValue>) -> Option<f64> {
    match v? {
        PropValue::Int(i) => Some(i as f64),
        PropValue::Float(f) => Some(f),
        PropValue::Str(s) => s.trim().parse().ok(),
        PropValue::Bool(b) => Some(f64::from(u8::from(b))),
        PropValue::Null => None,
    }
}

struct EdgeCtx<'a> {
    plan: &'a Plan,
    pop: &'a rall_sonata::EdgePopulation,
    types: &'a rall_sonata::TypeTable,
    row: usize,
}

impl EdgeView for EdgeCtx<'_> {
    fn edge_f64(&self, key: &str) -> Option<f64> {
        self.pop.property(self.row, key, self.types)?.as_f64()
    }
    fn source_f64(&self, key: &str) -> Option<f64> {
        use rall_sonata::config::NodeProps;
        prop_f64(self.plan.circuit.property(
            &self.pop.source_population,
            self.pop.source_node_id[self.row],
            key,
        ))
    }
    fn target_f64(&self, key: &str) -> Option<f64> {
        use rall_sonata::config::NodeProps;
        prop_f64(self.plan.circuit.property(
            &self.pop.target_population,
            self.pop.target_node_id[self.row],
            key,
        ))
    }
}

/// Parses a list cell such as `['basal', 'apical']` or `[0.0, 150.0]`.
fn parse_list(s: &str) -> Vec<String> {
    let t = s.trim().trim_start_matches('[').trim_end_matches(']');
    t.split(',')
        .map(|x| x.trim().trim_matches(|c| c == '\'' || c == '"').to_string())
        .filter(|x| !x.is_empty())
        .collect()
}

/// A built cell of the group.
enum Built {
    Bio {
        group: usize,
        id: CellId,
        table: std::sync::Arc<Vec<SegRow>>,
        morph_all: Vec<SecId>,
        soma: SecId,
        placer: Box<Placer>,
    },
    Point(usize, PointId),
    Virtual,
}

/// Where a connection's events come from, seen from the target's group.
#[derive(Clone, Copy)]
enum Src {
    Local(SourceId),
    Remote(u64),
}

impl Src {
    fn connect(self, b: &mut GroupBuilder, target: PointId, w: f64, delay: f64) -> Result<()> {
        match self {
            Src::Local(s) => b.add_netcon(s, Some(target), vec![w], delay).map(|_| ()),
            Src::Remote(gid) => b.add_remote_netcon(gid, Some(target), vec![w], delay),
        }
        .map_err(BionetError::Build)
    }
}

struct Report {
    name: String,
    path: PathBuf,
    variable: String,
    /// (population, (group, probe) in column order)
    pops: Vec<(String, Vec<(usize, usize)>)>,
    mappings: Vec<(String, ReportMapping)>,
    writer: Option<ReportWriter>,
    /// First sampled step index (BMTK's tstep, 0 = after the first fadvance).
    start_step: u64,
    /// Steps between samples.
    stride: u64,
    /// Rows of the file.
    n_rows: u64,
    /// Rows written so far.
    written: u64,
}

fn probe_for(
    var: &str,
    cell: CellId,
    sec: SecId,
    x: f64,
    ions: &[String],
) -> std::result::Result<ProbeSpec, String> {
    if var == "v" {
        return Ok(ProbeSpec::V { cell, sec, x });
    }
    for ion in ions {
        let iv = if var == format!("{ion}i") {
            Some(IonVar::Ci)
        } else if var == format!("{ion}o") {
            Some(IonVar::Co)
        } else if var == format!("e{ion}") {
            Some(IonVar::E)
        } else if var == format!("i{ion}") {
            Some(IonVar::I)
        } else {
            None
        };
        if let Some(iv) = iv {
            return Ok(ProbeSpec::Ion {
                cell,
                sec,
                x,
                ion: ion.clone(),
                var: iv,
            });
        }
    }
    match var.rsplit_once('_') {
        Some((v, m)) => Ok(ProbeSpec::Density {
            cell,
            sec,
            x,
            mech: m.to_string(),
            var: v.to_string(),
        }),
        None => Err(format!(
            "variable '{var}' is not v, an ion concentration/reversal or a range variable name_mechanism"
        )),
    }
}

/// Loads, builds and runs `config`.
pub fn run_config(config: &Path, opts: &RunOptions, obs: &mut dyn Observer) -> Result<RunSummary> {
    let plan = Plan::from_file(config, &opts.plan)?;
    run(&plan, opts, obs)
}

/// Builds and runs a validated plan.
pub fn run(plan: &Plan, opts: &RunOptions, obs: &mut dyn Observer) -> Result<RunSummary> {
    let cfg = &plan.cfg;
    let out_dir = cfg.output.output_dir.clone();
    std::fs::create_dir_all(&out_dir).map_err(|source| BionetError::Io {
        path: out_dir.clone(),
        source,
    })?;
    let log_file = match &cfg.output.log_file {
        Some(p) => Some(std::fs::File::create(p).map_err(|source| BionetError::Io {
            path: p.clone(),
            source,
        })?),
        None => None,
    };
    let mut log = Log { file: log_file };
    log.info(obs, "Created log file");
    for w in &plan.warnings {
        log.line(obs, "WARNING", w);
    }
    // config copy
    let cfg_copy = out_dir.join("config.json");
    let text = serde_json::to_string_pretty(&cfg.raw.to_value()).unwrap_or_default();
    std::fs::write(&cfg_copy, text).map_err(|source| BionetError::Io {
        path: cfg_copy.clone(),
        source,
    })?;

    let dt = cfg.run.dt;
    let celsius = cfg.conditions.celsius.unwrap_or(6.3);
    let v_init = cfg.conditions.v_init.unwrap_or(-65.0);
    let threshold = cfg.run.spike_threshold;
    // cells are split in gid order into contiguous, equal-sized groups stepped on separate
    // threads (neighbouring gids usually share a morphology, which rall-cable lays out 4 cells
    // at a time); spikes between groups go through gid exchange every min-delay (results do not
    // depend on the split)
    let n_real = plan
        .cells
        .iter()
        .filter(|c| !matches!(c.kind, CellKind::Virtual))
        .count();
    // default: every core, but at least 8 cells per group (smaller groups cost more in
    // synchronisation than they gain); an explicit thread count is taken as given
    let n_groups = match opts.threads {
        Some(n) => n,
        None => std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .min(n_real.div_ceil(8)),
    }
    .clamp(1, n_real.max(1));
    let mut bs: Vec<GroupBuilder> = (0..n_groups).map(|_| GroupBuilder::new()).collect();
    let mut next_group = 0usize;
    let intfire = plan.mechs.get("IntFire1", "point_process cells")?;
    let vecstim = plan.mechs.get("VecStim", "virtual cells")?;

    // ---- cells
    log.info(obs, "Building cells.");
    let mut built: Vec<Built> = Vec::with_capacity(plan.cells.len());
    let mut sources: HashMap<u64, (usize, SourceId)> = HashMap::new();
    let mut source_gid: HashMap<(usize, usize), u64> = HashMap::new();
    let mut cache: HashMap<
        (PathBuf, Option<PathBuf>, Vec<String>),
        (BioCell, std::sync::Arc<Vec<SegRow>>),
    > = HashMap::new();
    for c in &plan.cells {
        let cerr = |source| BionetError::Cable {
            gid: c.gid,
            population: c.population.clone(),
            node_id: c.node_id,
            source,
        };
        match &c.kind {
            CellKind::Virtual => built.push(Built::Virtual),
            CellKind::IntFire1 { tau, refrac } => {
                let gi = next_group * n_groups / n_real.max(1);
                next_group += 1;
                let b = &mut bs[gi];
                let p = b
                    .add_artificial(&intfire, &[("tau", *tau), ("refrac", *refrac)], None)
                    .map_err(cerr)?;
                let s = b.add_point_source(p, Some(c.gid)).map_err(cerr)?;
                sources.insert(c.gid, (gi, s));
                source_gid.insert((gi, s.0), c.gid);
                built.push(Built::Point(gi, p));
            }
            CellKind::Biophysical {
                morphology,
                dynamics,
                processing,
            } => {
                let key = (
                    morphology.clone(),
                    dynamics.as_ref().map(|d| d.0.clone()),
                    processing.clone(),
                );
                if !cache.contains_key(&key) {
                    let bc = build_biophysical(
                        morphology,
                        dynamics.as_ref().map(|(p, v)| (p.as_path(), v)),
                        processing,
                        cfg.run.dl,
                    )?;
                    let t = std::sync::Arc::new(seg_table(&bc.morph));
                    cache.insert(key.clone(), (bc, t));
                }
                let (bc, table) = &cache[&key];
                let fit_name = match dynamics {
                    Some((p, _)) => format!("fit file {}", p.display()),
                    None => format!("cell gid {}", c.gid),
                };
                let gi = next_group * n_groups / n_real.max(1);
                next_group += 1;
                let b = &mut bs[gi];
                let id = add_to_builder(b, bc, &plan.mechs, &fit_name)?;
                let soma = bc.morph.find("soma[0]").map_err(cerr)?;
                let s = b
                    .add_threshold_source(id, soma, 0.5, threshold, Some(c.gid))
                    .map_err(cerr)?;
                sources.insert(c.gid, (gi, s));
                source_gid.insert((gi, s.0), c.gid);
                built.push(Built::Bio {
                    group: gi,
                    id,
                    table: table.clone(),
                    morph_all: bc.morph.all.clone(),
                    soma,
                    placer: Box::new(Placer::new(c.gid)),
                });
            }
        }
    }

    // ---- connections
    let mut synapses: Vec<SynapseRecord> = Vec::new();
    let mut vecstims: HashMap<(usize, String, u64), SourceId> = HashMap::new();
    let all_virtual = |pop: &str| {
        plan.circuit
            .model_types(pop)
            .iter()
            .all(|m| m.as_deref() == Some("virtual"))
    };

    // Connect every edge of population (fi, pi) onto its local targets. `virt` = Some(trains)
    // for virtual sources driven by an input.
    let mut connect = |fi: usize,
                       pi: usize,
                       trains: Option<(&SpikeTrains, &str, &str)>,
                       bs: &mut Vec<GroupBuilder>,
                       built: &mut Vec<Built>|
     -> Result<()> {
        let ef = &plan.circuit.edges[fi];
        let p = &ef.populations[pi];
        let types = &ef.types;
        let (tpop, _) = plan
            .circuit
            .node_population(&p.target_population)
            .expect("checked by Circuit::load");
        let offset = plan
            .circuit
            .gid(&p.target_population, 0)
            .expect("checked by Circuit::load");
        for &tnode in &tpop.node_id {
            let tgid = offset + tnode;
            let ci = plan.by_gid[&tgid];
            let rows = p.edges_onto(tnode);
            if rows.is_empty() {
                continue;
            }
            for row in rows {
                let eerr = |detail: String| BionetError::Edge {
                    file: ef.path.clone(),
                    population: p.name.clone(),
                    row,
                    detail,
                };
                let snode = p.source_node_id[row];
                let tg = match &built[ci] {
                    Built::Bio { group, .. } | Built::Point(group, _) => *group,
                    Built::Virtual => {
                        return Err(eerr(format!(
                            "target gid {tgid} is a virtual cell; virtual cells take no input"
                        )))
                    }
                };
                // Local(source) or Remote(source gid) for another group's cell
                let src: Src = match trains {
                    Some((st, spop, iname)) => {
                        let key = (tg, p.source_population.clone(), snode);
                        match vecstims.get(&key) {
                            Some(s) => Src::Local(*s),
                            None => {
                                let mut t =
                                    st.get_times(snode, Some(spop), None).unwrap_or_default();
                                if t.iter().any(|&x| x < 0.0) {
                                    return Err(BionetError::Input {
                                        name: iname.to_string(),
                                        detail: format!(
                                            "negative spike time for node {snode} of '{spop}'"
                                        ),
                                    });
                                }
                                if st.units() == "s" {
                                    // a file in seconds (BMTK would use the numbers as ms)
                                    t.iter_mut().for_each(|x| *x *= 1000.0);
                                }
                                t.sort_by(f64::total_cmp);
                                let v = bs[tg]
                                    .add_artificial(&vecstim, &[], Some(t))
                                    .map_err(BionetError::Build)?;
                                let s = bs[tg]
                                    .add_point_source(v, None)
                                    .map_err(BionetError::Build)?;
                                vecstims.insert(key, s);
                                Src::Local(s)
                            }
                        }
                    }
                    None => {
                        let sgid = plan
                            .circuit
                            .gid(&p.source_population, snode)
                            .expect("checked by Circuit::load");
                        match sources.get(&sgid) {
                            Some(&(sg, s)) if sg == tg => Src::Local(s),
                            Some(_) => Src::Remote(sgid),
                            None => continue, // virtual source in a mixed population: skipped
                        }
                    }
                };
                let et = p.edge_type_id[row];
                let dyn_name = p
                    .property(row, "dynamics_params", types)
                    .map(|v| v.to_text())
                    .unwrap_or_default();
                let model = plan
                    .syn_models
                    .get(&(fi, et, dyn_name))
                    .ok_or_else(|| eerr(format!("no synapse model for edge type {et}")))?;
                let has_wf =
                    p.group_has(row, "weight_function") || types.has_column("weight_function");
                let ctx = EdgeCtx {
                    plan,
                    pop: p,
                    types,
                    row,
                };
                let weight = if has_wf {
                    let name = p
                        .property(row, "weight_function", types)
                        .map(|v| v.to_text())
                        .filter(|s| !s.is_empty())
                        .unwrap_or_else(|| "default_weight_fnc".into());
                    let f = opts
                        .weight_fns
                        .get(&name)
                        .ok_or_else(|| eerr(format!("unknown weight_function '{name}'")))?;
                    f(&ctx).map_err(|e| eerr(format!("weight_function '{name}': {e}")))?
                } else {
                    ctx.edge_f64("syn_weight")
                        .ok_or_else(|| eerr("no syn_weight and no weight_function".into()))?
                };
                let delay = ctx
                    .edge_f64("delay")
                    .ok_or_else(|| eerr("no numeric delay".into()))?;
                let rec = |sec: i64, x: f64, w: f64| SynapseRecord {
                    target_gid: tgid,
                    target_population: p.target_population.clone(),
                    target_node_id: tnode,
                    section_id: sec,
                    x,
                    source_population: p.source_population.clone(),
                    source_node_id: snode,
                    weight: w,
                    delay,
                };
                match &mut built[ci] {
                    Built::Virtual => {
                        return Err(eerr(format!(
                            "target gid {tgid} is a virtual cell; virtual cells take no input"
                        )))
                    }
                    Built::Point(_, pt) => {
                        let mut w = weight;
                        if p.group_has(row, "nsyns") {
                            w *= model.sign.unwrap_or(1.0) * p.nsyns(row) as f64;
                        }
                        src.connect(&mut bs[tg], *pt, w, delay)?;
                        synapses.push(rec(-1, 0.5, w));
                    }
                    Built::Bio {
                        id,
                        table,
                        morph_all,
                        placer,
                        ..
                    } => {
                        if model.mechanism.is_empty() {
                            return Err(eerr(format!(
                                "edge type {et} has no synapse model_template for a biophysical target"
                            )));
                        }
                        let mech: MechType = plan.mechs.get(
                            &model.mechanism,
                            &format!("edge type {et} in {}", types.path.display()),
                        )?;
                        let sec_id = p
                            .edge_value(row, "afferent_section_id")
                            .or_else(|| p.edge_value(row, "sec_id"));
                        let mut locs: Vec<(usize, f64)> = Vec::new();
                        if let Some(sid) = sec_id {
                            let sid = sid.as_f64().unwrap_or(-1.0);
                            let pos = p
                                .edge_value(row, "afferent_section_pos")
                                .or_else(|| p.edge_value(row, "sec_x"))
                                .and_then(|v| v.as_f64())
                                .unwrap_or(0.5);
                            if sid < 0.0 || sid as usize >= morph_all.len() {
                                return Err(eerr(format!(
                                    "afferent_section_id {sid} out of range (cell gid {tgid} has {} sections)",
                                    morph_all.len()
                                )));
                            }
                            locs.push((sid as usize, pos));
                        } else if p.group_has(row, "nsyns") {
                            let ts = p
                                .property(row, "target_sections", types)
                                .map(|v| v.to_text())
                                .ok_or_else(|| eerr("no target_sections".into()))?;
                            let mut tys = Vec::new();
                            for n in parse_list(&ts) {
                                tys.push(section_type(&n).ok_or_else(|| {
                                    eerr(format!("unknown target section '{n}'"))
                                })?);
                            }
                            let dr = p
                                .property(row, "distance_range", types)
                                .ok_or_else(|| eerr("no distance_range".into()))?;
                            let (dmin, dmax) = match dr.as_f64() {
                                Some(x) => (0.0, x),
                                None => {
                                    let l: Vec<f64> = parse_list(&dr.to_text())
                                        .iter()
                                        .filter_map(|x| x.parse().ok())
                                        .collect();
                                    if l.len() != 2 {
                                        return Err(eerr(format!(
                                            "distance_range '{}' is not [min, max]",
                                            dr.to_text()
                                        )));
                                    }
                                    (l[0], l[1])
                                }
                            };
                            if let Some(segs) = placer.place(table, &tys, dmin, dmax, p.nsyns(row))
                            {
                                for s in segs {
                                    locs.push((table[s].sec_index, table[s].x));
                                }
                            }
                        } else {
                            return Err(eerr(
                                "edge has neither nsyns nor afferent_section_id: cannot place a synapse on a biophysical cell".into(),
                            ));
                        }
                        let params: Vec<(&str, f64)> =
                            model.params.iter().map(|(k, v)| (k.as_str(), *v)).collect();
                        for (sidx, x) in locs {
                            let pt = bs[tg]
                                .add_point(*id, morph_all[sidx], x, &mech, &params)
                                .map_err(BionetError::Build)?;
                            src.connect(&mut bs[tg], pt, weight, delay)?;
                            synapses.push(rec(sidx as i64, x, weight));
                        }
                    }
                }
            }
        }
        Ok(())
    };

    log.info(obs, "Building recurrent connections");
    let mut pops: Vec<(usize, usize)> = Vec::new();
    for (fi, ef) in plan.circuit.edges.iter().enumerate() {
        for pi in 0..ef.populations.len() {
            pops.push((fi, pi));
        }
    }
    for &(fi, pi) in &pops {
        let p = &plan.circuit.edges[fi].populations[pi];
        if !all_virtual(&p.source_population) {
            connect(fi, pi, None, &mut bs, &mut built)?;
        }
    }

    // ---- inputs
    let mut clamps: Vec<PointId> = Vec::new();
    for (ii, inp) in plan.cfg.enabled_inputs().enumerate() {
        let sel = &plan.input_nodes[ii];
        if inp.input_type == "spikes" && SPIKE_MODULES.contains(&inp.module.as_str()) {
            log.info(
                obs,
                &format!("Building virtual cell stimulations for {}", inp.name),
            );
            let path = inp.input_file.as_ref().expect("checked by the plan");
            let sel_pops: Vec<&str> = sel.iter().map(|(p, _)| p.as_str()).collect();
            for &(fi, pi) in &pops {
                let p = &plan.circuit.edges[fi].populations[pi];
                if !sel_pops.contains(&p.source_population.as_str())
                    || !all_virtual(&p.source_population)
                {
                    continue;
                }
                let spop = inp
                    .population
                    .clone()
                    .unwrap_or_else(|| p.source_population.clone());
                let ierr = |e: rall_spikes::SpikeError| BionetError::Input {
                    name: inp.name.clone(),
                    detail: e.to_string(),
                };
                let st = match inp.module.as_str() {
                    "csv" => SpikeTrains::from_csv(path, Some(&spop)).map_err(ierr)?,
                    "nwb" => SpikeTrains::from_nwb(path, Some(&spop), inp.trial.as_deref())
                        .map_err(ierr)?,
                    _ => SpikeTrains::from_sonata(path, Some(&spop)).map_err(ierr)?,
                };
                connect(fi, pi, Some((&st, &spop, &inp.name)), &mut bs, &mut built)?;
            }
        } else if inp.module == "IClamp" || inp.module == "SEClamp" {
            let ierr = |detail: String| BionetError::Input {
                name: inp.name.clone(),
                detail,
            };
            let specs = clamp_specs(plan, inp, dt, cfg.run.nsteps()).map_err(ierr)?;
            let sec_name = inp
                .params
                .get("section_name")
                .and_then(Value::as_str)
                .unwrap_or("soma")
                .to_string();
            let sec_index = match inp.params.get("section_index") {
                None => 0,
                Some(v) => v.as_u64().ok_or_else(|| {
                    ierr(format!(
                        "section_index {v} is not supported (a section number; BioNet's random segment within a distance range is not implemented)"
                    ))
                })?,
            };
            let sec_x = inp
                .params
                .get("section_dist")
                .and_then(Value::as_f64)
                .unwrap_or(0.5);
            let mut mechs_of: Vec<MechType> = Vec::new();
            for s in &specs {
                mechs_of.push(plan.mechs.get(s.mech, &format!("input '{}'", inp.name))?);
            }
            for (pop, ids) in sel {
                for &nid in ids {
                    let gid = plan.circuit.gid(pop, nid).expect("selected node");
                    let ci = plan.by_gid[&gid];
                    if let Built::Bio { id, group, .. } = &built[ci] {
                        let b = &mut bs[*group];
                        let key = cache_key(&plan.cells[ci].kind);
                        let m = &cache[&key].0.morph;
                        let sec = m
                            .find(&format!("{sec_name}[{sec_index}]"))
                            .map_err(|e| ierr(format!("cell gid {gid}: {e}")))?;
                        for (s, ty) in specs.iter().zip(&mechs_of) {
                            let p = b
                                .add_point(*id, sec, sec_x, ty, &s.values)
                                .map_err(BionetError::Build)?;
                            if let Some((var, pdt, vals)) = &s.play {
                                b.add_play(p, var, *pdt, vals.clone())
                                    .map_err(BionetError::Build)?;
                            }
                            clamps.push(p);
                        }
                    }
                }
            }
        }
    }

    // ---- reports
    let ions: Vec<String> = {
        let mut v: Vec<String> = Vec::new();
        for m in plan.mechs.catalogue.mechanisms() {
            for u in &m.meta().ions {
                if !v.contains(&u.ion) {
                    v.push(u.ion.clone());
                }
            }
        }
        v
    };
    let nsteps = cfg.run.nsteps();
    let mut reports: Vec<Report> = Vec::new();
    for r in cfg.enabled_reports() {
        if !matches!(
            r.module.as_str(),
            "membrane_report" | "multimeter" | "multimeter_report"
        ) {
            continue;
        }
        let rerr = |detail: String| BionetError::Report {
            name: r.name.clone(),
            detail,
        };
        let var = r
            .variable_name
            .first()
            .cloned()
            .ok_or_else(|| rerr("no variable_name".into()))?;
        let sel = cfg.node_sets.evaluate(
            &r.cells,
            &format!("reports.{}.cells", r.name),
            Some(&cfg.config_path),
            &plan.circuit,
        )?;
        let rdt = r.dt.unwrap_or(dt);
        let ratio = rdt / dt;
        if ratio.fract() != 0.0 || ratio < 1.0 {
            return Err(rerr(format!(
                "report dt {rdt} ms is not a multiple of the simulation dt {dt} ms"
            )));
        }
        let t0 = r.start_time.unwrap_or(0.0);
        let t1 = r.end_time.unwrap_or(cfg.run.tstop);
        let soma_only =
            matches!(&r.sections, Some(rall_sonata::config::Sections::Named(s)) if s == "soma");
        let mut by_pop: BTreeMap<usize, (String, Vec<u64>)> = BTreeMap::new();
        for (pop, ids) in &sel {
            let order = plan
                .circuit
                .populations
                .iter()
                .position(|p| &p.name == pop)
                .unwrap_or(0);
            let e = by_pop
                .entry(order)
                .or_insert_with(|| (pop.clone(), Vec::new()));
            e.1.extend(ids.iter().copied());
        }
        let mut rep = Report {
            name: r.name.clone(),
            path: r
                .file_name
                .clone()
                .unwrap_or_else(|| out_dir.join(format!("{}.h5", r.name))),
            variable: var.clone(),
            pops: Vec::new(),
            mappings: Vec::new(),
            writer: None,
            start_step: (t0 / dt).round().max(0.0) as u64,
            stride: ratio as u64,
            n_rows: ((t1 - t0) / rdt).max(0.0) as u64,
            written: 0,
        };
        for (_, (pop, mut ids)) in by_pop {
            ids.sort_unstable();
            ids.dedup();
            let mut mapping = ReportMapping {
                time: [t0, t1, rdt],
                index_pointer: vec![0],
                ..Default::default()
            };
            let mut seg_types: Vec<i64> = Vec::new();
            let (mut swc_beg, mut swc_end): (Vec<i64>, Vec<i64>) = (Vec::new(), Vec::new());
            let mut probes = Vec::new();
            for nid in ids {
                let gid = plan.circuit.gid(&pop, nid).expect("selected node");
                let ci = plan.by_gid[&gid];
                let Built::Bio {
                    group,
                    id,
                    soma,
                    table,
                    morph_all,
                    ..
                } = &built[ci]
                else {
                    continue; // only biophysical cells are recorded
                };
                let locs: Vec<(usize, SecId, f64, u8)> = if soma_only {
                    vec![(0, *soma, 0.5, 1)]
                } else {
                    table
                        .iter()
                        .map(|s| (s.sec_index, morph_all[s.sec_index], s.x, s.ty))
                        .collect()
                };
                if !soma_only {
                    let (bc, _) = &cache[&cache_key(&plan.cells[ci].kind)];
                    for &(_, sec, x, _) in &locs {
                        let name = bc.morph.sections[sec].name();
                        let half = 1.0 / (bc.morph.sections[sec].nseg * 2) as f64;
                        swc_beg.push(bc.swc.swc_id(&name, x - half));
                        swc_end.push(bc.swc.swc_id(&name, x + half));
                    }
                }
                for (k, sec, x, ty) in locs {
                    let spec = probe_for(&var, *id, sec, x, &ions).map_err(rerr)?;
                    probes.push((*group, bs[*group].add_probe(spec)));
                    mapping.element_ids.push(k as u64);
                    mapping.element_pos.push(x);
                    seg_types.push(i64::from(ty));
                }
                mapping.node_ids.push(nid);
                mapping.index_pointer.push(mapping.element_ids.len() as u64);
            }
            if !soma_only {
                mapping
                    .extra
                    .push(("seg_types".into(), Array::vec(Data::I64(seg_types))));
                mapping
                    .extra
                    .push(("swc_ids_beg".into(), Array::vec(Data::I64(swc_beg))));
                mapping
                    .extra
                    .push(("swc_ids_end".into(), Array::vec(Data::I64(swc_end))));
            }
            rep.pops.push((pop.clone(), probes));
            rep.mappings.push((pop, mapping));
        }
        reports.push(rep);
    }

    // ---- synapse dump
    if let Some(p) = &opts.dump_synapses {
        write_synapses(p, &synapses)?;
    }

    // ---- build and run
    let mut groups = Vec::with_capacity(n_groups);
    for b in bs {
        groups.push(b.build(dt, celsius).map_err(BionetError::Build)?);
    }
    // node -> gid per group, to name the cell of a blow-up
    let mut owner: Vec<Vec<Option<u64>>> = groups.iter().map(|g| vec![None; g.n_nodes()]).collect();
    for (ci, bt) in built.iter().enumerate() {
        if let Built::Bio { group, id, .. } = bt {
            for n in groups[*group]
                .segment_nodes(*id)
                .map_err(BionetError::Build)?
            {
                owner[*group][n] = Some(plan.cells[ci].gid);
            }
        }
    }
    let mut net = rall_cable::Network { groups };
    let threads = n_groups;
    let block = cfg
        .run
        .nsteps_block
        .unwrap_or(nsteps)
        .clamp(1, nsteps.max(1));
    for rep in &mut reports {
        rep.writer = Some(
            ReportWriter::create(
                &rep.path,
                &rep.mappings,
                rep.n_rows,
                &rep.variable,
                None,
                block as usize,
            )
            .map_err(|e| BionetError::Report {
                name: rep.name.clone(),
                detail: e.to_string(),
            })?,
        );
    }
    log.info(
        obs,
        &format!(
            "Running simulation for {tstop:.3} ms with the time step {dt:.3} ms",
            tstop = cfg.run.tstop
        ),
    );
    log.info(obs, "Starting timestep: 0 at t_sim: 0.000 ms");
    log.info(obs, &format!("Block save every {block} steps"));
    let started = Instant::now();
    let mut samples = Samples {
        chunks: vec![Vec::new(); net.groups.len()],
        base: vec![0; net.groups.len()],
    };
    let result: Result<()> = (|| {
        for g in &mut net.groups {
            g.finitialize(v_init)
                .map_err(|source| BionetError::Run { t: 0.0, source })?;
        }
        let mut step = 0u64;
        while step < nsteps {
            // one step at a time with a single group; with several, up to 100 steps between
            // checks (the groups exchange spikes every min-delay inside)
            let next_block = (step / block + 1) * block;
            let chunk = if net.groups.len() == 1 {
                1
            } else {
                100.min(next_block.min(nsteps) - step)
            };
            if net.groups.len() == 1 {
                let g = &mut net.groups[0];
                g.fadvance()
                    .map_err(|source| BionetError::Run { t: g.t, source })?;
            } else {
                let t = net.groups[0].t;
                net.run_threads(chunk, threads)
                    .map_err(|source| BionetError::Run { t, source })?;
            }
            step += chunk;
            for (gi, g) in net.groups.iter().enumerate() {
                if let Some(first) = g.v.iter().position(|x| !x.is_finite()) {
                    // name the cell of the first non-finite segment node (end nodes have no owner)
                    let bad = (first..g.v.len())
                        .find(|&n| !g.v[n].is_finite() && owner[gi][n].is_some())
                        .unwrap_or(first);
                    let who = match owner[gi][bad].and_then(|gid| plan.by_gid.get(&gid)) {
                        Some(&ci) => format!(
                            "cell gid {} ({} node {})",
                            plan.cells[ci].gid, plan.cells[ci].population, plan.cells[ci].node_id
                        ),
                        None => "a cell".into(),
                    };
                    return Err(BionetError::Numerical {
                        t: g.t,
                        detail: format!(
                            "membrane potential of {who} became {} at step {step} (numerical blow-up: dt = {dt} ms too large, or an input too strong)",
                            g.v[bad]
                        ),
                    });
                }
            }
            if step.is_multiple_of(block) || step == nsteps {
                flush_reports(&mut reports, &mut net.groups, &mut samples, step)?;
                log.info(
                    obs,
                    &format!("    step:{step} t_sim:{:.2} ms", step as f64 * dt),
                );
            }
            if step.is_multiple_of(100) || step == nsteps {
                obs.progress(step, nsteps);
            }
        }
        Ok(())
    })();
    let seconds = started.elapsed().as_secs_f64();

    // ---- outputs (also after a failure: everything so far stays readable)
    let steps_done = net.groups.iter().map(|g| g.steps()).min().unwrap_or(0);
    let flushed = flush_reports(&mut reports, &mut net.groups, &mut samples, steps_done);
    for rep in &mut reports {
        if let Some(w) = rep.writer.take() {
            w.finish().map_err(|e| BionetError::Report {
                name: rep.name.clone(),
                detail: e.to_string(),
            })?;
        }
    }
    let mut recorded: Vec<(f64, u64)> = Vec::new();
    for (gi, g) in net.groups.iter().enumerate() {
        for &(t, s) in &g.spikes {
            if let Some(&gid) = source_gid.get(&(gi, s)) {
                recorded.push((t, gid));
            }
        }
    }
    recorded.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let mut spikes = Vec::new();
    let mut table: Vec<SpikePopulation> = Vec::new();
    for &(t, gid) in &recorded {
        {
            let c = &plan.cells[plan.by_gid[&gid]];
            spikes.push((c.population.clone(), c.node_id, t));
            let k = match table.iter().position(|p| p.name == c.population) {
                Some(k) => k,
                None => {
                    table.push(SpikePopulation::new(c.population.clone()));
                    table.len() - 1
                }
            };
            table[k].node_ids.push(c.node_id);
            table[k].timestamps.push(t);
        }
    }
    let order = cfg
        .output
        .spikes_sort_order
        .as_deref()
        .and_then(Sorting::parse)
        .unwrap_or(Sorting::None);
    for p in &mut table {
        p.sort(order);
    }
    let st = SpikeTable { populations: table };
    if let Some(p) = &cfg.output.spikes_file {
        st.write_h5(p)?;
    }
    if let Some(p) = &cfg.output.spikes_file_csv {
        st.write_csv(p)?;
    }
    if let Err(e) = result {
        log.line(obs, "ERROR", &e.to_string());
        return Err(e);
    }
    flushed?;
    log.info(
        obs,
        &format!("Simulation completed in {seconds:.4} seconds "),
    );
    Ok(RunSummary {
        synapses,
        spikes,
        n_steps: nsteps,
        seconds,
        output_dir: out_dir,
    })
}

/// One clamp to attach to each selected cell.
struct ClampSpec {
    mech: &'static str,
    values: Vec<(&'static str, f64)>,
    /// `Vector.play(&clamp.var, dt)` values.
    play: Option<(&'static str, f64, Vec<f64>)>,
}

fn gcd(a: i64, b: i64) -> i64 {
    if b == 0 {
        a.abs()
    } else {
        gcd(b, a % b)
    }
}

/// The clamps of an `IClamp` (scalars, lists, or a CSV waveform `file`) or `SEClamp` input,
/// as BioNet's modules create them.
fn clamp_specs(
    plan: &Plan,
    inp: &rall_sonata::config::InputSpec,
    dt: f64,
    nsteps: u64,
) -> std::result::Result<Vec<ClampSpec>, String> {
    let p = &inp.params;
    let num = |k: &str| -> std::result::Result<f64, String> {
        p.get(k)
            .and_then(Value::as_f64)
            .ok_or_else(|| format!("{} needs a numeric '{k}'", inp.module))
    };
    if inp.module == "SEClamp" {
        let (amp, delay, duration) = (num("amp")?, num("delay")?, num("duration")?);
        let rs = p.get("resistance").and_then(Value::as_f64).unwrap_or(1.0);
        // BioNet sets rs after every step k (k = 0, 1, …, after fadvance k+1): `resistance`
        // when delay <= dt*k <= delay+duration, else 1e21; the first step runs with the
        // clamp's default rs (1 MΩ). `vc` is recomputed by SEClamp itself every step.
        let mut play = Vec::with_capacity(nsteps as usize + 1);
        play.push(1.0);
        for k in 0..nsteps {
            let t = dt * k as f64;
            play.push(if delay <= t && t <= delay + duration {
                rs
            } else {
                10.0e20
            });
        }
        return Ok(vec![ClampSpec {
            mech: "SEClamp",
            values: vec![
                ("dur1", delay),
                ("dur2", duration),
                ("dur3", 0.0),
                ("amp1", 0.0),
                ("amp2", amp),
                ("amp3", 0.0),
            ],
            play: Some(("rs", dt, play)),
        }]);
    }
    if let Some(f) = p.get("file").and_then(Value::as_str) {
        let path = plan.cfg.working_dir.join(f);
        let text = std::fs::read_to_string(&path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let sep = p.get("separator").and_then(Value::as_str).unwrap_or(" ");
        let split = |l: &str| -> Vec<String> {
            if sep == " " {
                l.split_whitespace().map(str::to_string).collect()
            } else {
                l.split(sep).map(|x| x.trim().to_string()).collect()
            }
        };
        let mut lines = text.lines().filter(|l| !l.trim().is_empty());
        let header = split(lines.next().unwrap_or_default());
        let tcol = p
            .get("timestamps_column")
            .and_then(Value::as_str)
            .unwrap_or("timestamps");
        let acol = p
            .get("amplitudes_column")
            .and_then(Value::as_str)
            .unwrap_or("amps");
        let col = |c: &str| {
            header
                .iter()
                .position(|h| h == c)
                .ok_or_else(|| format!("{}: no column '{c}'", path.display()))
        };
        let (ti, ai) = (col(tcol)?, col(acol)?);
        let (mut ts, mut amps) = (Vec::new(), Vec::new());
        for (n, l) in lines.enumerate() {
            let cells = split(l);
            let get = |i: usize| -> std::result::Result<f64, String> {
                cells
                    .get(i)
                    .and_then(|x| x.parse().ok())
                    .ok_or_else(|| format!("{} line {}: not a number", path.display(), n + 2))
            };
            ts.push(get(ti)?);
            amps.push(get(ai)?);
        }
        if ts.len() < 2 {
            return Err(format!("{}: needs two or more rows", path.display()));
        }
        let mut diffs: Vec<f64> = ts.windows(2).map(|w| w[1] - w[0]).collect();
        diffs.sort_by(f64::total_cmp);
        let mut idt = diffs[0];
        let mut istart = ts[0];
        if istart < 0.0 {
            return Err(format!("{}: negative onset {istart}", path.display()));
        }
        if istart > 0.0 {
            if istart - idt == 0.0 {
                amps.insert(0, 0.0);
                ts.insert(0, 0.0);
            } else {
                let g = gcd(idt as i64, istart as i64);
                if g <= 0 {
                    return Err(format!(
                        "{}: onset {istart} is not on the {idt} ms grid",
                        path.display()
                    ));
                }
                let rep = (idt as i64 / g) as usize;
                let mut a = vec![0.0; (istart as i64 / g) as usize];
                for &x in &amps {
                    a.extend(std::iter::repeat_n(x, rep));
                }
                amps = a;
                ts.insert(0, 0.0);
                idt = g as f64;
            }
            istart = 0.0;
        }
        let last = *ts.last().expect("two or more rows");
        let istop = if *amps.last().expect("rows") != 0.0 {
            last + idt
        } else {
            last
        };
        return Ok(vec![ClampSpec {
            mech: "IClamp",
            values: vec![("del", istart), ("dur", istop)],
            play: Some(("amp", idt, amps)),
        }]);
    }
    let list = |k: &str| -> std::result::Result<Vec<f64>, String> {
        match p.get(k) {
            Some(Value::Number(n)) => Ok(vec![n.as_f64().unwrap_or(f64::NAN)]),
            Some(Value::Array(a)) => a
                .iter()
                .map(|v| v.as_f64().ok_or_else(|| format!("'{k}' must hold numbers")))
                .collect(),
            _ => Err(format!("'{k}' must be a number or a list of numbers")),
        }
    };
    let (amp, del, dur) = (list("amp")?, list("delay")?, list("duration")?);
    if amp.len() != del.len() || amp.len() != dur.len() {
        return Err("amp, delay and duration lists differ in length".into());
    }
    Ok((0..amp.len())
        .map(|k| ClampSpec {
            mech: "IClamp",
            values: vec![("del", del[k]), ("dur", dur[k]), ("amp", amp[k])],
            play: None,
        })
        .collect())
}

fn cache_key(k: &CellKind) -> (PathBuf, Option<PathBuf>, Vec<String>) {
    match k {
        CellKind::Biophysical {
            morphology,
            dynamics,
            processing,
        } => (
            morphology.clone(),
            dynamics.as_ref().map(|d| d.0.clone()),
            processing.clone(),
        ),
        _ => (PathBuf::new(), None, Vec::new()),
    }
}

/// Probe samples taken out of the groups (bounded memory): `chunks[g][probe]` holds the
/// samples with global trace index `base[g]..`.
struct Samples {
    chunks: Vec<Vec<Vec<f64>>>,
    base: Vec<usize>,
}

/// Writes the report rows available after `steps` steps: row k is the sample after fadvance
/// number `start_step + k·stride + 1` (trace index `start_step + k·stride + 1`). The groups'
/// traces are taken out and dropped after use, so memory stays bounded by one block.
fn flush_reports(
    reports: &mut [Report],
    groups: &mut [rall_cable::CellGroup],
    samples: &mut Samples,
    steps: u64,
) -> Result<()> {
    for (gi, g) in groups.iter_mut().enumerate() {
        let old_len = samples.chunks[gi].first().map_or(0, Vec::len);
        samples.base[gi] += old_len;
        samples.chunks[gi] = g.take_traces();
    }
    for rep in reports.iter_mut() {
        let Some(w) = rep.writer.as_mut() else {
            continue;
        };
        let avail = if steps > rep.start_step {
            ((steps - 1 - rep.start_step) / rep.stride + 1).min(rep.n_rows)
        } else {
            0
        };
        let mut row = Vec::new();
        for k in rep.written..avail {
            let ti = (rep.start_step + k * rep.stride + 1) as usize;
            for (pi, (_, probes)) in rep.pops.iter().enumerate() {
                row.clear();
                row.extend(probes.iter().map(|&(gi, p)| {
                    samples.chunks[gi][p]
                        .get(ti - samples.base[gi])
                        .copied()
                        .unwrap_or(f64::NAN)
                }));
                w.push_row(pi, &row).map_err(|e| BionetError::Report {
                    name: rep.name.clone(),
                    detail: e.to_string(),
                })?;
            }
        }
        rep.written = rep.written.max(avail);
        w.flush().map_err(|e| BionetError::Report {
            name: rep.name.clone(),
            detail: e.to_string(),
        })?;
    }
    Ok(())
}

/// `--dump-synapses`: one CSV row per synapse.
pub fn write_synapses(path: &Path, syns: &[SynapseRecord]) -> Result<()> {
    let mut s = String::from(
        "target_gid,target_population,target_node_id,section_id,x,source_population,source_node_id,weight,delay\n",
    );
    for r in syns {
        s.push_str(&format!(
            "{},{},{},{},{},{},{},{},{}\n",
            r.target_gid,
            r.target_population,
            r.target_node_id,
            r.section_id,
            rall_sonata::pyfmt::py_float(r.x),
            r.source_population,
            r.source_node_id,
            rall_sonata::pyfmt::py_float(r.weight),
            rall_sonata::pyfmt::py_float(r.delay)
        ));
    }
    std::fs::write(path, s).map_err(|source| BionetError::Io {
        path: path.to_path_buf(),
        source,
    })
}
