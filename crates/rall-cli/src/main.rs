//! The `rall` binary: the only crate that prints or uses `anyhow`.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand};

mod analysis;
mod inspect;
mod run;
mod sim_setup;

#[derive(Parser)]
#[command(
    name = "rall",
    version,
    about = "Rall: BMTK BioNet workflows in Rust, NEURON-exact"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// `rall poisson --numpy-cpu`.
#[derive(Clone, Copy, Debug, clap::ValueEnum)]
enum NumpyCpuArg {
    Auto,
    Avx512,
    Avx2,
}

#[derive(Subcommand)]
enum NmodlCommand {
    /// Parse and analyse .mod files; describe each mechanism (name, kind, ions, parameters,
    /// states, solve method). Exits non-zero with file:line:col on any error.
    Check {
        /// The .mod files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
}

#[derive(Subcommand)]
enum Command {
    /// Print the spike table of BMTK's `to_dataframe` (timestamps, node_ids, population) of a
    /// config's output spikes or of a spike file.
    Spikes(analysis::SpikesArgs),
    /// Per-node spike statistics (BMTK's `spike_statistics`): count, firing rate, mean ISI.
    Stats(analysis::StatsArgs),
    /// Plot spikes or report traces to a PNG or SVG file.
    Plot {
        #[command(subcommand)]
        command: analysis::PlotCommand,
    },
    /// Run a BioNet simulation (BMTK config) and write spikes, reports, log.txt.
    Run {
        /// The config file (single or split BMTK config).
        config: PathBuf,
        /// Worker threads (default: all cores); results are identical for every value.
        #[arg(long)]
        threads: Option<usize>,
        /// No log lines, progress bar or summary on the terminal.
        #[arg(long)]
        quiet: bool,
        /// Write every synapse (target gid, section id, x, source, weight, delay) to this CSV.
        #[arg(long)]
        dump_synapses: Option<PathBuf>,
        /// Directory of .mod files (overrides components.mechanisms_dir; env RALL_MECHANISMS_DIR).
        #[arg(long)]
        mechanisms: Option<PathBuf>,
        /// Output directory (overrides output.output_dir).
        #[arg(long)]
        output: Option<PathBuf>,
    },
    /// Write a BioNet run environment as BMTK's sim_setup does: config.json,
    /// circuit_config.json, simulation_config.json, node_sets.json, components/.
    SimSetup(sim_setup::SimSetupArgs),
    /// Check a BioNet config without running it: files, mechanisms, modules, node sets.
    Check {
        /// The config file.
        config: PathBuf,
        /// Directory of .mod files (overrides components.mechanisms_dir; env RALL_MECHANISMS_DIR).
        #[arg(long)]
        mechanisms: Option<PathBuf>,
    },
    /// NMODL tools (mechanisms are loaded at run time; nothing is compiled).
    Nmodl {
        #[command(subcommand)]
        command: NmodlCommand,
    },
    /// Build a cell from an SWC morphology as NEURON's Import3d does and print its sections and
    /// segments (L, nseg, area, ri, diam, distance from soma(0)).
    Cell {
        /// SWC morphology.
        #[arg(long)]
        morphology: PathBuf,
        /// Fit parameters (Allen JSON); needs --processing.
        #[arg(long, requires = "processing")]
        dynamics: Option<PathBuf>,
        /// Model processing: aibs_perisomatic or aibs_allactive.
        #[arg(long, requires = "dynamics")]
        processing: Option<String>,
        /// Maximum segment length (BMTK's run.dL): nseg = 1 + 2*floor(L/(2*dL)).
        #[arg(long = "dL", default_value_t = 20.0)]
        dl: f64,
        /// Print JSON (the only format for now).
        #[arg(long)]
        json: bool,
    },
    /// Show what a BMTK/SONATA config describes: populations, edges, inputs, reports, paths.
    Inspect {
        /// The config file (single or split BMTK config).
        config: PathBuf,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Generate Poisson spike trains exactly as BMTK's PoissonSpikeGenerator (same seed, same
    /// spikes). Output type by extension: .h5 (SONATA), .csv (BMTK CSV), .nwb (NWB 2 units).
    Poisson {
        /// Population name written into the file.
        #[arg(long)]
        population: String,
        /// Node ids, e.g. `0-9` or `0,2,5-7`.
        #[arg(long)]
        node_ids: String,
        /// Constant firing rate in Hz.
        #[arg(
            long,
            conflicts_with = "rate_file",
            required_unless_present = "rate_file"
        )]
        rate: Option<f64>,
        /// Inhomogeneous rate table: two columns, time (s) and rate (Hz).
        #[arg(long)]
        rate_file: Option<PathBuf>,
        /// Time window in seconds: `STOP` or `START,STOP` (BMTK's `times`).
        #[arg(long, default_value = "0,1")]
        times: String,
        /// Seed of numpy's legacy MT19937 (as `PoissonSpikeGenerator(seed=…)`).
        #[arg(long)]
        seed: Option<u32>,
        /// Absolute refractory period in seconds. With refractoriness the rate goes through BMTK's
        /// fitted correction, computed as numpy computes it (see --numpy-cpu).
        #[arg(long, default_value_t = 0.0)]
        abs_ref: f64,
        /// Relative refractory time constant in seconds.
        #[arg(long, default_value_t = 0.0)]
        tau_ref: f64,
        /// Reproduce BMTK as its numpy computes on this CPU (`auto`), on CPUs with AVX-512
        /// (`avx512`: numpy's SIMD math, OpenBLAS SkylakeX kernels) or on AVX2 CPUs without it
        /// (`avx2`: glibc's math, OpenBLAS Haswell kernels). Refractory trains depend on it.
        #[arg(long, value_enum, default_value_t = NumpyCpuArg::Auto)]
        numpy_cpu: NumpyCpuArg,
        /// Output file.
        #[arg(short, long)]
        output: PathBuf,
    },
}

fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Spikes(args) => emit(&analysis::spikes(&args)?),
        Command::Stats(args) => emit(&analysis::stats(&args)?),
        Command::Plot { command } => emit(&analysis::plot(&command)?),
        Command::Run {
            config,
            threads,
            quiet,
            dump_synapses,
            mechanisms,
            output,
        } => run::run(run::RunArgs {
            config,
            threads,
            quiet,
            dump_synapses,
            mechanisms,
            output,
        })?,
        Command::SimSetup(args) => emit(&sim_setup::sim_setup(&args)?),
        Command::Check { config, mechanisms } => emit(&run::check(&config, mechanisms)?),
        Command::Inspect { config, json } => {
            let v = inspect::inspect(&config)?;
            if json {
                emit(&format!("{}\n", serde_json::to_string_pretty(&v)?));
            } else {
                emit(&inspect::render(&v));
            }
        }
        Command::Nmodl {
            command: NmodlCommand::Check { files },
        } => {
            let mut failed = 0;
            for r in rall_nmodl::check_files(&files) {
                match r {
                    Ok(summary) => emit(&summary.to_string()),
                    Err(e) => {
                        eprintln!("error: {e}");
                        failed += 1;
                    }
                }
            }
            if failed > 0 {
                anyhow::bail!("{failed} of {} file(s) failed", files.len());
            }
        }
        Command::Cell {
            morphology,
            dynamics,
            processing,
            dl,
            json: _,
        } => {
            let report = match (&processing, &dynamics) {
                (Some(p), Some(fit_path)) => {
                    // The same code path `rall run` uses for a biophysical cell.
                    let fit_text = std::fs::read_to_string(fit_path)
                        .with_context(|| format!("cannot read {}", fit_path.display()))?;
                    let fit: serde_json::Value = serde_json::from_str(&fit_text)
                        .with_context(|| format!("{}: not valid JSON", fit_path.display()))?;
                    let procs: Vec<String> = p.split(',').map(|s| s.trim().to_string()).collect();
                    let cell = rall_bionet::cell::build_biophysical(
                        &morphology,
                        Some((fit_path, &fit)),
                        &procs,
                        dl,
                    )?;
                    cell.morph.geometry_report()
                }
                _ => {
                    let text = std::fs::read_to_string(&morphology)
                        .with_context(|| format!("cannot read {}", morphology.display()))?;
                    let mut m = rall_cable::read_swc(&morphology.display().to_string(), &text)?;
                    m.set_nseg_by_dl(dl)?;
                    m.geometry_report()
                }
            };
            emit(&format!("{}\n", serde_json::to_string_pretty(&report)?));
        }
        Command::Poisson {
            population,
            node_ids,
            rate,
            rate_file,
            times,
            seed,
            abs_ref,
            tau_ref,
            numpy_cpu,
            output,
        } => {
            let ids = rall_spikes::parse_node_ids(&node_ids)?;
            let spec = match (rate, rate_file) {
                (Some(r), _) => rall_spikes::RateSpec::Constant(r),
                (None, Some(f)) => {
                    let (times, rates) = rall_spikes::read_rate_table(&f)?;
                    rall_spikes::RateSpec::Table { times, rates }
                }
                (None, None) => anyhow::bail!("give --rate or --rate-file"),
            };
            let mut opts = rall_spikes::PoissonOptions::new(&population, ids, spec, seed);
            opts.times = rall_spikes::parse_times(&times)?;
            opts.abs_ref = abs_ref;
            opts.tau_ref = tau_ref;
            opts.numpy_cpu = match numpy_cpu {
                NumpyCpuArg::Auto => None,
                NumpyCpuArg::Avx512 => Some(rall_spikes::NumpyCpu::AVX512),
                NumpyCpuArg::Avx2 => Some(rall_spikes::NumpyCpu::AVX2),
            };
            let st = opts.generate_to(&output)?;
            emit(&format!(
                "wrote {} spikes for {} nodes of '{}' to {}\n",
                st.n_spikes(None),
                opts.node_ids.len(),
                population,
                output.display()
            ));
        }
    }
    Ok(())
}

/// Writes to stdout; a closed pipe (`rall … | head`) ends the program quietly, like `cat`.
fn emit(text: &str) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("error: writing to stdout: {e}");
        std::process::exit(1);
    }
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
