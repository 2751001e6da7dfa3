//! Running a simulation from Rust with a weight function of your own — what BMTK users do with
//! `@synaptic_weight` / `add_weight_function` in Python.
//!
//! Name the function in the edge-types CSV (`weight_function` column, e.g. `scaled_by_source`),
//! register it here, run:
//!
//!     cargo run --release -p rall-bionet --example custom_weight -- CONFIG.json
//!
//! The function sees the edge (`edge_f64`: per-edge value, else the edge-type value) and the
//! source and target nodes' properties, and returns the NetCon weight.

use std::path::PathBuf;
use std::sync::Arc;

use rall_bionet::{EdgeView, Observer, RunOptions, WeightFns};

/// Prints BMTK's log lines as they come.
struct Print;
impl Observer for Print {
    fn log(&mut self, line: &str) {
        println!("{line}");
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let config: PathBuf = std::env::args()
        .nth(1)
        .ok_or("usage: custom_weight CONFIG.json")?
        .into();
    let mut weights = WeightFns::default();
    // weight = syn_weight × (1 + source node id): later thalamic cells drive harder.
    weights.register(
        "scaled_by_source",
        Arc::new(|e: &dyn EdgeView| {
            let w = e.edge_f64("syn_weight").ok_or("edge has no syn_weight")?;
            let id = e.source_f64("node_id").ok_or("source has no node_id")?;
            Ok(w * (1.0 + id))
        }),
    );
    let opts = RunOptions {
        weight_fns: weights,
        ..Default::default()
    };
    let summary = rall_bionet::run_config(&config, &opts, &mut Print)?;
    println!(
        "{} spikes, {} synapses (weights {:?}…)",
        summary.spikes.len(),
        summary.synapses.len(),
        summary
            .synapses
            .iter()
            .take(3)
            .map(|s| s.weight)
            .collect::<Vec<_>>()
    );
    Ok(())
}
