//! The BMTK-built tutorial config in validation/golden/ch02: `config.json` naming
//! `circuit_config.json` and `simulation_config.json`, with `node_sets.json`. Fails (never
//! skips) when the fixture is missing.
//!
//! The merged raw document was checked once against BMTK 1.2.0's
//! `SonataConfig.from_json('config.json')` on the same files: identical (keys, order and values,
//! apart from the clock built-ins).

use std::path::PathBuf;

use rall_sonata::config::{Config, LoadOptions, NodeSet, RawConfig, Sections};
use serde_json::json;

fn golden() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../validation/golden/ch02")
}

fn load() -> (PathBuf, Config) {
    let dir = normalize(golden());
    let path = dir.join("config.json");
    assert!(
        path.is_file(),
        "tutorial fixture missing: {}",
        path.display()
    );
    let raw = RawConfig::load_with_options(
        &path,
        &LoadOptions {
            working_dir: Some(dir.clone()),
            ..LoadOptions::default()
        },
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert!(raw.warnings().is_empty(), "{:?}", raw.warnings());
    (dir, Config::from_raw(raw).unwrap_or_else(|e| panic!("{e}")))
}

/// Lexically normalised absolute path (the config stage never resolves symlinks).
fn normalize(p: PathBuf) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other.as_os_str()),
        }
    }
    out
}

#[test]
fn tutorial_config_resolves() {
    let (dir, c) = load();
    let comp = dir.join("components");
    let net = dir.join("network");
    let out = dir.join("output");

    assert_eq!(c.config_path, dir.join("config.json"));
    assert_eq!(c.target_simulator.as_deref(), Some("NEURON"));

    assert_eq!(c.run.tstart, 0.0);
    assert_eq!(c.run.tstop, 3000.0);
    assert_eq!(c.run.dt, 0.1);
    assert_eq!(c.run.dl, 20.0);
    assert_eq!(c.run.spike_threshold, -15.0);
    assert_eq!(c.run.nsteps_block, Some(5000));
    assert_eq!(c.run.nsteps(), 30000);
    assert_eq!(c.conditions.celsius, Some(34.0));
    assert_eq!(c.conditions.v_init, Some(-80.0));

    assert_eq!(c.output.output_dir, out);
    assert_eq!(c.output.log_file, Some(out.join("log.txt")));
    assert_eq!(c.output.spikes_file, Some(out.join("spikes.h5")));
    assert_eq!(c.output.spikes_file_csv, None);

    assert_eq!(
        c.components.morphologies_dir,
        Some(comp.join("morphologies"))
    );
    assert_eq!(
        c.components.biophysical_neuron_models_dir,
        Some(comp.join("biophysical_neuron_models"))
    );
    assert_eq!(
        c.components.synaptic_models_dir,
        Some(comp.join("synaptic_models"))
    );
    assert_eq!(
        c.components.point_neuron_models_dir,
        Some(comp.join("point_neuron_models"))
    );
    assert_eq!(c.components.mechanisms_dir, Some(comp.join("mechanisms")));
    assert_eq!(c.components.templates_dir, Some(comp.join("templates")));
    assert_eq!(
        c.components.filter_models_dir,
        Some(comp.join("filter_models"))
    );
    assert_eq!(
        c.components.dirs.len(),
        8,
        "sim_setup's stray __pycache___dir included"
    );

    // Population order = file order (thalamus first: gids 0-9, cortex gid 10).
    let nodes: Vec<_> = c
        .networks
        .nodes
        .iter()
        .map(|n| n.nodes_file.clone())
        .collect();
    assert_eq!(
        nodes,
        [net.join("mthalamus_nodes.h5"), net.join("mcortex_nodes.h5")]
    );
    assert_eq!(
        c.networks.nodes[1].node_types_file,
        net.join("mcortex_node_types.csv")
    );
    assert_eq!(c.networks.edges.len(), 1);
    assert_eq!(
        c.networks.edges[0].edges_file,
        net.join("mthalamus_mcortex_edges.h5")
    );
    assert_eq!(
        c.networks.edges[0].edge_types_file,
        net.join("mthalamus_mcortex_edge_types.csv")
    );
    assert!(c.networks.edges[0].enabled);
    assert!(c.networks.gap_juncs.is_empty());

    assert_eq!(c.inputs.len(), 1);
    let i = &c.inputs[0];
    assert_eq!(i.name, "mthalamus_spikes");
    assert_eq!(
        (i.input_type.as_str(), i.module.as_str()),
        ("spikes", "sonata")
    );
    assert_eq!(i.input_file, Some(dir.join("inputs/mthalamus_spikes.h5")));
    assert_eq!(i.node_set, Some(NodeSet::Named("mthalamus".into())));

    let names: Vec<_> = c.reports.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, ["v_report", "cai_report"]);
    for (r, var) in c.reports.iter().zip(["v", "cai"]) {
        assert_eq!(r.module, "membrane_report");
        assert_eq!(r.variable_name, [var]);
        assert_eq!(r.cells, NodeSet::Named("all".into()));
        assert_eq!(r.sections, Some(Sections::Named("soma".into())));
        assert_eq!(r.file_name, Some(out.join(format!("{var}_report.h5"))));
    }

    assert_eq!(c.node_sets_file, Some(dir.join("node_sets.json")));
    assert_eq!(
        c.node_sets.file(),
        Some(dir.join("node_sets.json").as_path())
    );
    let ns: Vec<_> = c.node_sets.iter().map(|(n, _)| n).collect();
    assert_eq!(ns, ["biophysical_nodes", "point_nodes"]);

    // Provenance and BMTK's merged bookkeeping.
    assert_eq!(c.raw.origin("run"), dir.join("simulation_config.json"));
    assert_eq!(c.raw.origin("components"), dir.join("circuit_config.json"));
    assert_eq!(c.raw.get("config_dir"), Some(&json!(dir.to_str().unwrap())));
    let manifest = c.raw.get("manifest").unwrap();
    assert_eq!(manifest["OUTPUT_DIR"], json!(out.to_str().unwrap()));
    assert_eq!(manifest["BASE_DIR"], json!(dir.to_str().unwrap()));
}
