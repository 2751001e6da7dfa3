//! Resolved config stage: defaults, typed sections, output path joining, errors.

use std::path::{Path, PathBuf};

use rall_sonata::config::{Config, ConfigError, LoadOptions, NodeSet, RawConfig, Sections};
use serde_json::{json, Value};

fn write(dir: &Path, rel: &str, v: &Value) -> PathBuf {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(&p, serde_json::to_string_pretty(v).unwrap()).unwrap();
    p
}

fn resolve(path: &Path, wd: &Path) -> Result<Config, ConfigError> {
    let raw = RawConfig::load_with_options(
        path,
        &LoadOptions {
            working_dir: Some(wd.to_path_buf()),
            ..LoadOptions::default()
        },
    )?;
    Config::from_raw(raw)
}

#[test]
fn run_defaults_follow_bmtk() {
    let tmp = tempfile::tempdir().unwrap();
    let p = write(tmp.path(), "config.json", &json!({"run": {"tstop": 100.0}}));
    let c = resolve(&p, tmp.path()).unwrap();
    assert_eq!(c.run.tstop, 100.0);
    assert_eq!(c.run.dt, 0.1);
    assert_eq!(c.run.dl, 20.0);
    assert_eq!(c.run.spike_threshold, -15.0);
    assert_eq!(c.run.tstart, 0.0);
    // BMTK's default 0 crashes; Rall: one block at the end.
    assert_eq!(c.run.nsteps_block, None);
    assert_eq!(c.run.nsteps(), 1000);
    assert_eq!(c.conditions.celsius, None);
    assert_eq!(c.conditions.v_init, None);
    assert_eq!(c.output.output_dir, tmp.path());
    assert_eq!(c.output.log_file, None);
    assert_eq!(c.output.spikes_file, None);
    assert!(!c.output.overwrite_output_dir);
    assert!(c.output.cache_to_disk);
    assert_eq!(c.output.compression.as_deref(), Some("gzip"));
    assert!(c.inputs.is_empty() && c.reports.is_empty() && c.node_sets.is_empty());
    assert!(c.networks.nodes.is_empty());
    assert_eq!(c.config_path, p);
    assert_eq!(c.config_dir, tmp.path());
}

#[test]
fn run_values_and_null_dt() {
    let tmp = tempfile::tempdir().unwrap();
    let p = write(
        tmp.path(),
        "config.json",
        &json!({"run": {"tstop": 3000, "dt": null, "dL": 10, "spike_threshold": -20,
                        "nsteps_block": 5000, "tstart": 1.0, "custom": "kept"},
                "conditions": {"celsius": 34.0, "v_init": -80}}),
    );
    let c = resolve(&p, tmp.path()).unwrap();
    assert_eq!(c.run.tstop, 3000.0);
    assert_eq!(c.run.dt, 0.1);
    assert_eq!(c.run.dl, 10.0);
    assert_eq!(c.run.spike_threshold, -20.0);
    assert_eq!(c.run.nsteps_block, Some(5000));
    assert_eq!(c.run.tstart, 1.0);
    assert_eq!(c.run.params["custom"], json!("kept"));
    assert_eq!(c.conditions.celsius, Some(34.0));
    assert_eq!(c.conditions.v_init, Some(-80.0));
}

#[test]
fn missing_tstop_names_the_file() {
    let tmp = tempfile::tempdir().unwrap();
    let p = write(tmp.path(), "config.json", &json!({"run": {"dt": 0.1}}));
    match resolve(&p, tmp.path()).unwrap_err() {
        ConfigError::Missing { path, key, .. } => {
            assert_eq!(path, p);
            assert_eq!(key, "run.tstop");
        }
        other => panic!("wrong error: {other}"),
    }
}

#[test]
fn type_errors_name_the_declaring_part_and_key() {
    let tmp = tempfile::tempdir().unwrap();
    let sim = write(
        tmp.path(),
        "sim.json",
        &json!({"run": {"tstop": 10, "dt": "0.1"}}),
    );
    let p = write(
        tmp.path(),
        "config.json",
        &json!({"simulation": "sim.json"}),
    );
    let err = resolve(&p, tmp.path()).unwrap_err();
    match &err {
        ConfigError::Invalid { path, key, .. } => {
            assert_eq!(path, &sim);
            assert_eq!(key, "run.dt");
        }
        other => panic!("wrong error: {other}"),
    }
    assert!(err.to_string().contains("sim.json"), "{err}");
    assert!(err.to_string().contains("run.dt"), "{err}");
}

#[test]
fn non_positive_dt_is_an_error() {
    let tmp = tempfile::tempdir().unwrap();
    let p = write(
        tmp.path(),
        "config.json",
        &json!({"run": {"tstop": 10, "dt": 0}}),
    );
    assert!(matches!(
        resolve(&p, tmp.path()).unwrap_err(),
        ConfigError::Invalid { key, .. } if key == "run.dt"
    ));
}

#[test]
fn output_paths_join_output_dir_as_bmtk() {
    let tmp = tempfile::tempdir().unwrap();
    let p = write(
        tmp.path(),
        "config.json",
        &json!({
            "run": {"tstop": 10},
            "output": {
                "output_dir": "out",
                "log_file": "log.txt",
                "spikes_file": "/abs/spikes.h5",
                "spikes_file_csv": "out/spikes.csv",
                // textual prefix check: "output/..." starts with "out" -> left alone
                "spikes_file_nwb": "output/spikes.nwb",
                "spikes_sort_order": "time",
            },
            "reports": {
                "v_report": {"module": "membrane_report", "variable_name": "v", "cells": "all",
                             "sections": "soma"},
                "x.h5": {"module": "membrane_report", "variable_name": ["cai", "v"]},
                "named": {"module": "membrane_report", "variable_name": "v",
                          "file_name": "sub/n.h5", "dt": 0.5, "start_time": 1, "end_time": 2},
                "abs": {"module": "extracellular", "file_name": "/abs/ecp.h5",
                        "electrode_positions": "e.csv"},
                "other": {"module": "save_synapses"},
            },
        }),
    );
    let c = resolve(&p, tmp.path()).unwrap();
    let out = tmp.path().join("out");
    assert_eq!(c.output.output_dir, out);
    assert_eq!(c.output.log_file, Some(out.join("log.txt")));
    assert_eq!(c.output.spikes_file, Some(PathBuf::from("/abs/spikes.h5")));
    assert_eq!(c.output.spikes_file_csv, Some(out.join("spikes.csv")));
    assert_eq!(
        c.output.spikes_file_nwb,
        Some(tmp.path().join("output/spikes.nwb"))
    );
    assert_eq!(c.output.spikes_sort_order.as_deref(), Some("time"));

    let r: Vec<_> = c.reports.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(r, ["v_report", "x.h5", "named", "abs", "other"]);
    let v = &c.reports[0];
    assert_eq!(v.file_name, Some(out.join("v_report.h5")));
    assert_eq!(v.cells, NodeSet::Named("all".into()));
    assert_eq!(v.sections, Some(Sections::Named("soma".into())));
    assert_eq!(v.variable_name, ["v"]);
    assert!(v.enabled);
    let x = &c.reports[1];
    assert_eq!(x.file_name, Some(out.join("x.h5")));
    assert_eq!(x.cells, NodeSet::Named("biophysical".into()));
    assert_eq!(x.sections, Some(Sections::Named("all".into())));
    assert_eq!(x.variable_name, ["cai", "v"]);
    let n = &c.reports[2];
    assert_eq!(n.file_name, Some(out.join("sub/n.h5")));
    assert_eq!(
        (n.dt, n.start_time, n.end_time),
        (Some(0.5), Some(1.0), Some(2.0))
    );
    assert_eq!(c.reports[3].file_name, Some(PathBuf::from("/abs/ecp.h5")));
    assert_eq!(c.reports[3].cells, NodeSet::Named("all".into()));
    assert_eq!(c.reports[3].params["electrode_positions"], json!("e.csv"));
    assert_eq!(c.reports[4].file_name, None);
    assert_eq!(c.reports[4].sections, None);
}

#[test]
fn output_dir_absent_leaves_paths_relative_to_working_dir() {
    let tmp = tempfile::tempdir().unwrap();
    let p = write(
        tmp.path(),
        "config.json",
        &json!({"run": {"tstop": 10}, "output": {"log_file": "log.txt"},
                "reports": {"v": {"module": "membrane_report", "variable_name": "v"}}}),
    );
    let c = resolve(&p, tmp.path()).unwrap();
    assert_eq!(c.output.log_file, Some(tmp.path().join("log.txt")));
    assert_eq!(c.reports[0].file_name, Some(tmp.path().join("v.h5")));
}

#[test]
fn membrane_report_needs_variable_name() {
    let tmp = tempfile::tempdir().unwrap();
    let p = write(
        tmp.path(),
        "config.json",
        &json!({"run": {"tstop": 10}, "reports": {"v": {"module": "membrane_report"}}}),
    );
    assert!(matches!(
        resolve(&p, tmp.path()).unwrap_err(),
        ConfigError::Missing { key, .. } if key == "reports.v.variable_name"
    ));
}

#[test]
fn inputs_keep_typed_fields_and_unknown_keys() {
    let tmp = tempfile::tempdir().unwrap();
    let p = write(
        tmp.path(),
        "config.json",
        &json!({
            "run": {"tstop": 10},
            "inputs": {
                "LGN_spikes": {"input_type": "spikes", "module": "sonata",
                               "input_file": "inputs/lgn.h5", "node_set": "LGN",
                               "population": "LGN", "trial": "trial_0", "extra": [1, 2]},
                "clamp": {"input_type": "current_clamp", "module": "IClamp",
                          "node_set": {"population": "V1", "node_ids": [0]},
                          "amp": 0.1, "delay": 10, "duration": 100, "enabled": false},
            },
        }),
    );
    let c = resolve(&p, tmp.path()).unwrap();
    assert_eq!(c.inputs.len(), 2);
    let a = &c.inputs[0];
    assert_eq!(a.name, "LGN_spikes");
    assert_eq!(a.input_type, "spikes");
    assert_eq!(a.module, "sonata");
    assert_eq!(a.input_file, Some(tmp.path().join("inputs/lgn.h5")));
    assert_eq!(a.node_set, Some(NodeSet::Named("LGN".into())));
    assert_eq!(a.population.as_deref(), Some("LGN"));
    assert_eq!(a.trial.as_deref(), Some("trial_0"));
    assert_eq!(a.params["extra"], json!([1, 2]));
    let b = &c.inputs[1];
    assert!(!b.enabled);
    assert!(matches!(&b.node_set, Some(NodeSet::Filter(f)) if f.node_ids == [0]));
    assert_eq!(b.params["amp"], json!(0.1));
    assert_eq!(c.enabled_inputs().count(), 1);
}

#[test]
fn input_without_module_is_an_error() {
    let tmp = tempfile::tempdir().unwrap();
    let p = write(
        tmp.path(),
        "config.json",
        &json!({"run": {"tstop": 10}, "inputs": {"x": {"input_type": "spikes"}}}),
    );
    match resolve(&p, tmp.path()).unwrap_err() {
        ConfigError::Missing { path, key, .. } => {
            assert_eq!(path, p);
            assert_eq!(key, "inputs.x.module");
        }
        other => panic!("wrong error: {other}"),
    }
}

#[test]
fn networks_and_components() {
    let tmp = tempfile::tempdir().unwrap();
    let p = write(
        tmp.path(),
        "config.json",
        &json!({
            "run": {"tstop": 10},
            "components": {"morphologies_dir": "comp/morph", "templates_dir": "/t",
                           "__pycache___dir": "comp/__pycache__", "flag": true},
            "networks": {
                "nodes": [{"nodes_file": "net/b_nodes.h5", "node_types_file": "net/b_types.csv"},
                          {"nodes_file": "net/a_nodes.h5", "node_types_file": "net/a_types.csv"}],
                "edges": [{"edges_file": "net/e.h5", "edge_types_file": "net/e.csv",
                           "enabled": false}],
                "gap_juncs": [],
            },
        }),
    );
    let c = resolve(&p, tmp.path()).unwrap();
    let t = tmp.path();
    assert_eq!(c.components.morphologies_dir, Some(t.join("comp/morph")));
    assert_eq!(c.components.templates_dir, Some(PathBuf::from("/t")));
    assert_eq!(
        c.components.dir("__pycache___dir"),
        Some(t.join("comp/__pycache__").as_path())
    );
    assert_eq!(c.components.dirs.len(), 3);
    assert_eq!(c.networks.nodes[0].nodes_file, t.join("net/b_nodes.h5"));
    assert_eq!(
        c.networks.nodes[1].node_types_file,
        t.join("net/a_types.csv")
    );
    assert!(!c.networks.edges[0].enabled);
    assert!(c.networks.gap_juncs.is_empty());
}

#[test]
fn nodes_entry_without_types_file_is_an_error() {
    let tmp = tempfile::tempdir().unwrap();
    let p = write(
        tmp.path(),
        "config.json",
        &json!({"run": {"tstop": 10}, "networks": {"nodes": [{"nodes_file": "a.h5"}]}}),
    );
    assert!(matches!(
        resolve(&p, tmp.path()).unwrap_err(),
        ConfigError::Missing { key, .. } if key == "networks.nodes[0].node_types_file"
    ));
}

#[test]
fn node_sets_file_is_loaded_and_inline_node_sets_win() {
    let tmp = tempfile::tempdir().unwrap();
    let ns = write(
        tmp.path(),
        "node_sets.json",
        &json!({"bio": {"model_type": "biophysical"}}),
    );
    let p = write(
        tmp.path(),
        "config.json",
        &json!({"run": {"tstop": 10}, "node_sets_file": "${configdir}/node_sets.json"}),
    );
    let c = resolve(&p, tmp.path()).unwrap();
    assert_eq!(c.node_sets.len(), 1);
    assert!(c.node_sets.get("bio").is_some());
    assert_eq!(c.node_sets.file(), Some(ns.as_path()));
    assert_eq!(c.node_sets_file, Some(ns.clone()));

    // Inline `node_sets` present: BMTK does not even open node_sets_file.
    let p2 = write(
        tmp.path(),
        "config2.json",
        &json!({"run": {"tstop": 10}, "node_sets_file": "does/not/exist.json",
                "node_sets": {"mine": [1, 2]}}),
    );
    let c2 = resolve(&p2, tmp.path()).unwrap();
    assert_eq!(c2.node_sets.get("mine"), Some(&NodeSet::Ids(vec![1, 2])));
    assert!(c2.node_sets.get("bio").is_none());
    assert_eq!(c2.node_sets.file(), Some(p2.as_path()));
}

#[test]
fn missing_node_sets_file_names_the_config() {
    let tmp = tempfile::tempdir().unwrap();
    let p = write(
        tmp.path(),
        "config.json",
        &json!({"run": {"tstop": 10}, "node_sets_file": "nope.json"}),
    );
    match RawConfig::load_with_options(
        &p,
        &LoadOptions {
            working_dir: Some(tmp.path().to_path_buf()),
            ..LoadOptions::default()
        },
    )
    .unwrap_err()
    {
        ConfigError::Referenced {
            config, key, path, ..
        } => {
            assert_eq!(config, p);
            assert_eq!(key, "node_sets_file");
            assert_eq!(path, tmp.path().join("nope.json"));
        }
        other => panic!("wrong error: {other}"),
    }
}
