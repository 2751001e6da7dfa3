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
