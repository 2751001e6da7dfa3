//! BMTK BioNet tutorial ch02, step 1: build the network and the thalamic input spikes.
//!
//! usage: cargo run --release -p rall-builder --example ch02_build -- OUT_DIR
//! writes OUT_DIR/network/{mcortex,mthalamus}_nodes.h5, *_node_types.csv,
//! mthalamus_mcortex_edges.h5, mthalamus_mcortex_edge_types.csv and
//! OUT_DIR/inputs/mthalamus_spikes.h5 (10 Hz, 0–3 s, seed 100).

use rall_builder::{ConnectionRule, Filter, NetworkBuilder, NodeProps, Value};
use rall_spikes::{PoissonOptions, RateSpec};
use std::path::{Path, PathBuf};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let out = PathBuf::from(std::env::args().nth(1).ok_or("usage: ch02_build OUT_DIR")?);
    let (n_syn, n_spikes) = build(&out)?;
    println!(
        "wrote {} (1 + 10 nodes, {n_syn} synapses) and {n_spikes} input spikes",
        out.display()
    );
    Ok(())
}

/// Build the tutorial into `out`; returns (synapses, input spikes).
pub fn build(out: &Path) -> Result<(u64, usize), Box<dyn std::error::Error>> {
    let network_dir = out.join("network");

    let mut cortex = NetworkBuilder::new("mcortex")?;
    cortex.add_nodes(
        1,
        NodeProps::new()
            .set("cell_name", "Scnn1a_473845048")
            .set("potential", "exc")
            .set("model_type", "biophysical")
            .set("model_template", "ctdb:Biophys1.hoc")
            .set("model_processing", "aibs_perisomatic")
            .set("dynamics_params", "472363762_fit.json")
            .set("morphology", "Scnn1a_473845048_m.swc"),
    )?;
    cortex.build()?;
    cortex.save_nodes(&network_dir)?;

    let mut thalamus = NetworkBuilder::new("mthalamus")?;
    thalamus.add_nodes(
        10,
        NodeProps::new()
            .set("pop_name", "tON")
            .set("potential", "exc")
            .set("model_type", "virtual"),
    )?;
    let targets = cortex.nodes(&Filter::all())?;
    thalamus.add_edges(
        Filter::all().eq("pop_name", "tON"),
        targets,
        ConnectionRule::Constant(5),
        vec![
            ("syn_weight".into(), Value::from(0.001)),
            ("delay".into(), Value::from(2.0)),
            ("weight_function".into(), Value::None),
            (
                "target_sections".into(),
                Value::from(vec!["basal", "apical"]),
            ),
            ("distance_range".into(), Value::from(vec![0.0, 150.0])),
            ("dynamics_params".into(), Value::from("AMPA_ExcToExc.json")),
            ("model_template".into(), Value::from("exp2syn")),
        ],
    )?;
    thalamus.build()?;
    thalamus.save_nodes(&network_dir)?;
    thalamus.save_edges(&network_dir)?;

    let spikes = PoissonOptions {
        times: vec![0.0, 3.0],
        ..PoissonOptions::new(
            "mthalamus",
            (0..10).collect(),
            RateSpec::Constant(10.0),
            Some(100),
        )
    };
    let st = spikes.generate_to(&out.join("inputs").join("mthalamus_spikes.h5"))?;
    Ok((thalamus.nedges()?, st.n_spikes(None)))
}
