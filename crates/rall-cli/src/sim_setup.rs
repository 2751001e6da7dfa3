//! `rall sim-setup bionet DIR`: BMTK's `python -m bmtk.utils.sim_setup` for BioNet.

use std::fmt::Write as _;
use std::path::PathBuf;

use anyhow::Context;
use clap::Args;
use rall_bionet::sim_setup::{
    sim_setup as setup, IClampSpec, ReportNodes, SimSetupOptions, SpikesInput,
};

#[derive(Args, Debug)]
pub struct SimSetupArgs {
    /// Target simulator: `bionet` (the only one Rall implements).
    pub simulator: String,
    /// The simulation folder to create or complete.
    pub dir: PathBuf,
    /// Folder with the SONATA network files (default: an existing DIR/network, DIR/networks,
    /// DIR/circuit… else DIR/network, created).
    #[arg(
        short = 'n',
        long = "network",
        visible_alias = "network-dir",
        alias = "network_dir"
    )]
    pub network: Option<PathBuf>,
    /// Components folder (default DIR/components).
    #[arg(long)]
    pub components_dir: Option<PathBuf>,
    /// Spike inputs for virtual populations: `POP:FILE[,POP:FILE…]` (.h5 SONATA, .csv, .nwb).
    #[arg(long)]
    pub spikes_inputs: Option<String>,
    /// Membrane reports at the soma, one per variable: e.g. `v,cai`.
    #[arg(long)]
    pub report_vars: Option<String>,
    /// Record only these nodes: node ids `0,1,5` or one population name (default: all cells).
    #[arg(long)]
    pub report_nodes: Option<String>,
    /// Somatic current clamp on every cell: `AMP,DELAY,DURATION` (nA, ms, ms).
    #[arg(long, allow_hyphen_values = true)]
    pub iclamp: Option<String>,
    /// Time step in ms [default: 0.001, BMTK's sim_setup default; the tutorial uses 0.1].
    #[arg(long)]
    pub dt: Option<f64>,
    /// Simulation end in ms.
    #[arg(long, default_value_t = 1000.0)]
    pub tstop: f64,
    /// Simulation start in ms (written as BMTK does; BioNet always starts at 0).
    #[arg(long, default_value_t = 0.0)]
    pub tstart: f64,
    /// Maximum segment length in µm (run.dL).
    #[arg(long = "dL", alias = "dl", default_value_t = 20.0)]
    pub dl: f64,
    /// Spike detection threshold in mV.
    #[arg(long, default_value_t = -15.0, allow_hyphen_values = true)]
    pub spike_threshold: f64,
    /// Steps between report flushes.
    #[arg(long, default_value_t = 5000)]
    pub nsteps_block: u64,
    /// Initial membrane potential in mV.
    #[arg(long, default_value_t = -80.0, allow_hyphen_values = true)]
    pub v_init: f64,
    /// Temperature in °C.
    #[arg(long, default_value_t = 34.0)]
    pub celsius: f64,
    /// Copy the bundled example components (Allen morphologies, fits, synapse and point models,
    /// Rall's .mod files for the Allen channels) into the components folders.
    #[arg(long)]
    pub include_examples: bool,
    /// Where the example components are (default: env RALL_EXAMPLES_DIR, else the repository's
    /// examples/components).
    #[arg(long)]
    pub examples_dir: Option<PathBuf>,
    /// Accepted for BMTK compatibility; Rall loads .mod files at run time, nothing to compile.
    #[arg(long)]
    pub compile_mechanisms: bool,
    /// Name of the top config; its parts are named circuit_<stem>.json, simulation_<stem>.json.
    #[arg(long, default_value = "config.json")]
    pub config_file: PathBuf,
    /// Replace existing configs, node_sets.json, run_bionet.py and changed component files.
    #[arg(long, alias = "overwrite-config")]
    pub overwrite: bool,
}

/// The bundled example components: `--examples-dir`/`RALL_EXAMPLES_DIR`, else the repository's
/// `examples/components` (found from the source tree this binary was built from, or from the
/// binary's place in `target/<profile>/`).
fn examples_dir(given: &Option<PathBuf>) -> anyhow::Result<PathBuf> {
    if let Some(p) = given {
        return Ok(p.clone());
    }
    if let Some(p) = std::env::var_os("RALL_EXAMPLES_DIR") {
        return Ok(PathBuf::from(p));
    }
    let mut tried = Vec::new();
    let from_src = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/components");
    tried.push(from_src);
    if let Ok(exe) = std::env::current_exe() {
        for up in ["../..", "../../.."] {
            if let Some(dir) = exe.parent() {
                tried.push(dir.join(up).join("examples/components"));
            }
        }
    }
    for t in &tried {
        if t.join("morphologies").is_dir() {
            return Ok(t.clone());
        }
    }
    let list: Vec<String> = tried.iter().map(|t| t.display().to_string()).collect();
    anyhow::bail!(
        "--include-examples: bundled components not found (looked in {}); give --examples-dir \
         PATH or set RALL_EXAMPLES_DIR to a clone's examples/components",
        list.join(", ")
    )
}

pub fn sim_setup(a: &SimSetupArgs) -> anyhow::Result<String> {
    if !a.simulator.eq_ignore_ascii_case("bionet") {
        anyhow::bail!(
            "simulator '{}': Rall implements BioNet only (`rall sim-setup bionet DIR`)",
            a.simulator
        );
    }
    let cwd = std::env::current_dir().context("cannot read the current directory")?;
    let mut o = SimSetupOptions::new(&a.dir, cwd);
    o.network_dir = a.network.clone();
    o.components_dir = a.components_dir.clone();
    if let Some(s) = &a.spikes_inputs {
        o.spikes_inputs = SpikesInput::parse_list(s)?;
    }
    if let Some(v) = &a.report_vars {
        o.report_vars = v.split(',').map(|s| s.trim().to_string()).collect();
    }
    if let Some(n) = &a.report_nodes {
        o.report_nodes = Some(ReportNodes::parse(n)?);
    }
    if let Some(c) = &a.iclamp {
        o.iclamp = Some(IClampSpec::parse(c)?);
    }
    o.tstart = a.tstart;
    o.tstop = a.tstop;
    if let Some(dt) = a.dt {
        o.dt = dt;
    }
    o.dl = a.dl;
    o.spike_threshold = a.spike_threshold;
    o.nsteps_block = a.nsteps_block;
    o.v_init = a.v_init;
    o.celsius = a.celsius;
    o.config_file = a.config_file.clone();
    o.overwrite = a.overwrite;
    if a.include_examples {
        o.include_examples = Some(examples_dir(&a.examples_dir)?);
    }
    let rep = setup(&o)?;

    let mut s = String::new();
    let _ = writeln!(s, "simulation folder {}", rep.base_dir.display());
    let _ = writeln!(s, "  network     {}", rep.network_dir.display());
    if !rep.populations.is_empty() {
        let _ = writeln!(
            s,
            "  populations {} (gids are assigned in this order)",
            rep.populations.join(", ")
        );
    }
    let _ = writeln!(s, "  components  {}", rep.components_dir.display());
    if a.include_examples {
        let _ = writeln!(s, "  example component files: {}", rep.copied);
    }
    for w in &rep.written {
        let _ = writeln!(s, "wrote {}", w.display());
    }
    for k in &rep.kept {
        let _ = writeln!(s, "kept  {} (exists; --overwrite replaces it)", k.display());
    }
    for n in &rep.notes {
        let _ = writeln!(s, "note: {n}");
    }
    if a.dt.is_none() {
        let _ = writeln!(
            s,
            "note: no --dt: run.dt = {} ms, BMTK's sim_setup default (the tutorials use --dt 0.1)",
            o.dt
        );
    }
    if a.compile_mechanisms {
        let _ = writeln!(
            s,
            "--compile-mechanisms: nothing to do — Rall reads the .mod files in \
             components/mechanisms/modfiles at run time. (For BMTK + NEURON: cd {} && nrnivmodl \
             modfiles)",
            rep.components_dir.join("mechanisms").display()
        );
        let modfiles = rep.components_dir.join("mechanisms/modfiles");
        if !o.spikes_inputs.is_empty() && !modfiles.join("vecevent.mod").exists() {
            let _ = writeln!(
                s,
                "  NEURON also needs VecStim for the spike inputs: add a vecevent.mod to {} first \
                 (--include-examples copies Rall's own); Rall has VecStim built in.",
                modfiles.display()
            );
        }
    }
    let _ = writeln!(s, "run it: rall run {}", rep.config.display());
    Ok(s)
}
