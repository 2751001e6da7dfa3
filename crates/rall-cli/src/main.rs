//! The `rall` binary: the only crate that prints or uses `anyhow`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod inspect;

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

#[derive(Subcommand)]
enum Command {
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
        /// Absolute refractory period in seconds.
        #[arg(long, default_value_t = 0.0)]
        abs_ref: f64,
        /// Relative refractory time constant in seconds.
        #[arg(long, default_value_t = 0.0)]
        tau_ref: f64,
        /// Output file.
        #[arg(short, long)]
        output: PathBuf,
    },
}

fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Inspect { config, json } => {
            let v = inspect::inspect(&config)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&v)?);
            } else {
                print!("{}", inspect::render(&v));
            }
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
            let st = opts.generate_to(&output)?;
            println!(
                "wrote {} spikes for {} nodes of '{}' to {}",
                st.n_spikes(None),
                opts.node_ids.len(),
                population,
                output.display()
            );
        }
    }
    Ok(())
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
