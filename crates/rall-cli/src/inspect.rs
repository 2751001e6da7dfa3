//! `rall inspect CONFIG.json`: what a user checks before running — populations, node types,
//! edges and synapses, inputs (and whether their files exist), reports, run parameters and
//! resolved paths. Builds one JSON value; `--json` prints it, otherwise it is rendered as text.

use std::path::Path;

use anyhow::{Context, Result};
use rall_sonata::config::{Config, NodeProps, NodeSet, Sections};
use rall_sonata::Circuit;
use serde_json::{json, Map, Value};

fn p(path: &Path) -> Value {
    Value::String(path.display().to_string())
}

fn opt_p(path: &Option<std::path::PathBuf>) -> Value {
    path.as_deref().map_or(Value::Null, p)
}

fn node_set_text(s: &Option<NodeSet>) -> Value {
    match s {
        None => Value::Null,
        Some(NodeSet::Named(n)) => Value::String(n.clone()),
        Some(other) => Value::String(format!("{other:?}")),
    }
}

/// Gathers everything `rall inspect` shows. Errors (missing files, bad node sets …) abort.
pub fn inspect(config_path: &Path) -> Result<Value> {
    let cfg = Config::from_file(config_path)?;
    let circuit = Circuit::load(&cfg)?;

    let mut pops = Vec::new();
    let mut totals: Map<String, Value> = Map::new();
    for r in &circuit.populations {
        let (np, types) = circuit
            .node_population(&r.name)
            .expect("listed population exists");
        let mut type_rows = Vec::new();
        for (tid, count) in np.type_counts() {
            let row = np.node_type_id.iter().position(|&t| t == tid).unwrap_or(0);
            let get = |k: &str| np.property(row, k, types).map(|v| v.to_text());
            let model_type = get("model_type");
            let key = model_type.clone().unwrap_or_else(|| "unknown".into());
            let prev = totals.get(&key).and_then(Value::as_u64).unwrap_or(0);
            totals.insert(key, json!(prev + count as u64));
            type_rows.push(json!({
                "node_type_id": tid,
                "count": count,
                "model_type": model_type,
                "model_template": get("model_template"),
                "model_processing": get("model_processing"),
                "morphology": get("morphology"),
                "dynamics_params": get("dynamics_params"),
            }));
        }
        let max_id = np.node_id.iter().copied().max();
        pops.push(json!({
            "name": r.name,
            "nodes": np.len(),
            "gids": max_id.map(|m| json!([r.gid_offset, r.gid_offset + m])),
            "nodes_file": p(&circuit.nodes[r.file].path),
            "node_types_file": p(&circuit.nodes[r.file].types_path),
            "node_types": type_rows,
        }));
    }

    let mut edges = Vec::new();
    for (ep, types, file) in circuit.edge_populations() {
        let mut by_type: Vec<(u64, u64, u64)> = Vec::new(); // (type, edges, synapses)
        for row in 0..ep.len() {
            let t = ep.edge_type_id[row];
            let n = ep.nsyns(row);
            match by_type.iter_mut().find(|x| x.0 == t) {
                Some(x) => {
                    x.1 += 1;
                    x.2 += n;
                }
                None => by_type.push((t, 1, n)),
            }
        }
        let type_rows: Vec<Value> = by_type
            .iter()
            .map(|&(t, n, s)| {
                let g = |k: &str| types.get(t, k).map(str::to_string);
                json!({
                    "edge_type_id": t, "edges": n, "synapses": s,
                    "model_template": g("model_template"),
                    "dynamics_params": g("dynamics_params"),
                    "syn_weight": g("syn_weight"), "delay": g("delay"),
                    "target_sections": g("target_sections"),
                    "distance_range": g("distance_range"),
                })
            })
            .collect();
        edges.push(json!({
            "name": ep.name,
            "source": ep.source_population,
            "target": ep.target_population,
            "edges": ep.len(),
            "synapses": ep.synapse_count(),
            "edges_file": p(&file.path),
            "edge_types_file": p(&file.types_path),
            "edge_types": type_rows,
        }));
    }

    let mut inputs = Vec::new();
    for i in &cfg.inputs {
        let selected = match &i.node_set {
            Some(s) => {
                let sel = cfg
                    .node_sets
                    .evaluate(
                        s,
                        &format!("inputs.{}.node_set", i.name),
                        Some(&cfg.config_path),
                        &circuit,
                    )
                    .with_context(|| format!("input '{}'", i.name))?;
                Some(sel.iter().map(|(_, ids)| ids.len()).sum::<usize>())
            }
            None => None,
        };
        inputs.push(json!({
            "name": i.name,
            "input_type": i.input_type,
            "module": i.module,
            "enabled": i.enabled,
            "input_file": opt_p(&i.input_file),
            "input_file_exists": i.input_file.as_ref().map(|f| f.exists()),
            "node_set": node_set_text(&i.node_set),
            "nodes_selected": selected,
            "trial": i.trial,
            "population": i.population,
        }));
    }

    let mut reports = Vec::new();
    for r in &cfg.reports {
        let sel = cfg
            .node_sets
            .evaluate(
                &r.cells,
                &format!("reports.{}.cells", r.name),
                Some(&cfg.config_path),
                &circuit,
            )
            .with_context(|| format!("report '{}'", r.name))?;
        reports.push(json!({
            "name": r.name,
            "module": r.module,
            "enabled": r.enabled,
            "variable_name": r.variable_name,
            "cells": node_set_text(&Some(r.cells.clone())),
            "nodes_selected": sel.iter().map(|(_, ids)| ids.len()).sum::<usize>(),
            "sections": r.sections.as_ref().map(|s| match s {
                Sections::Named(n) => n.clone(),
                Sections::List(l) => l.join(","),
            }),
            "file_name": opt_p(&r.file_name),
        }));
    }

    let mut node_sets = Vec::new();
    for name in cfg.node_sets.names(&circuit) {
        let sel = cfg.node_sets.select(&name, &circuit)?;
        node_sets.push(
            json!({"name": name, "nodes": sel.iter().map(|(_, ids)| ids.len()).sum::<usize>()}),
        );
    }

    let comps: Map<String, Value> = cfg
        .components
        .dirs
        .iter()
        .map(|(k, v)| (k.clone(), json!({"path": p(v), "exists": v.exists()})))
        .collect();

    Ok(json!({
        "config": p(&cfg.config_path),
        "target_simulator": cfg.target_simulator,
        "run": {
            "tstart": cfg.run.tstart, "tstop": cfg.run.tstop, "dt": cfg.run.dt,
            "nsteps": cfg.run.nsteps(), "dL": cfg.run.dl,
            "spike_threshold": cfg.run.spike_threshold, "nsteps_block": cfg.run.nsteps_block,
        },
        "conditions": {"celsius": cfg.conditions.celsius, "v_init": cfg.conditions.v_init},
        "node_populations": pops,
        "nodes_by_model_type": totals,
        "total_nodes": circuit.populations().iter().map(|n| circuit.node_ids(n).len()).sum::<usize>(),
        "edge_populations": edges,
        "total_edges": circuit.edge_populations().map(|(e, _, _)| e.len()).sum::<usize>(),
        "total_synapses": circuit.edge_populations().map(|(e, _, _)| e.synapse_count()).sum::<u64>(),
        "inputs": inputs,
        "reports": reports,
        "node_sets": node_sets,
        "output": {
            "output_dir": p(&cfg.output.output_dir),
            "log_file": opt_p(&cfg.output.log_file),
            "spikes_file": opt_p(&cfg.output.spikes_file),
            "spikes_file_csv": opt_p(&cfg.output.spikes_file_csv),
        },
        "components": comps,
    }))
}

fn s(v: &Value) -> String {
    match v {
        Value::Null => "-".into(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Renders the inspection as text.
pub fn render(v: &Value) -> String {
    let mut o = String::new();
    let r = &v["run"];
    o += &format!("config: {}\n", s(&v["config"]));
    o += &format!(
        "run: tstop {} ms, dt {} ms ({} steps), dL {} um, spike_threshold {} mV, nsteps_block {}\n",
        s(&r["tstop"]),
        s(&r["dt"]),
        s(&r["nsteps"]),
        s(&r["dL"]),
        s(&r["spike_threshold"]),
        s(&r["nsteps_block"])
    );
    o += &format!(
        "conditions: celsius {}, v_init {} mV\n\n",
        s(&v["conditions"]["celsius"]),
        s(&v["conditions"]["v_init"])
    );
    o += "node populations (gid order):\n";
    for pop in v["node_populations"].as_array().into_iter().flatten() {
        let g = &pop["gids"];
        o += &format!(
            "  {:<16} {:>6} nodes  gids {}..{}  {}\n",
            s(&pop["name"]),
            s(&pop["nodes"]),
            s(&g[0]),
            s(&g[1]),
            s(&pop["nodes_file"])
        );
        for t in pop["node_types"].as_array().into_iter().flatten() {
            o += &format!(
                "      node_type {}: {} x {}  template {}  processing {}  morphology {}  dynamics {}\n",
                s(&t["node_type_id"]), s(&t["count"]), s(&t["model_type"]), s(&t["model_template"]),
                s(&t["model_processing"]), s(&t["morphology"]), s(&t["dynamics_params"])
            );
        }
    }
    let totals: Vec<String> = v["nodes_by_model_type"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(k, n)| format!("{} {}", s(n), k))
        .collect();
    o += &format!(
        "  total: {} nodes ({})\n\n",
        s(&v["total_nodes"]),
        totals.join(", ")
    );
    o += "edge populations:\n";
    for e in v["edge_populations"].as_array().into_iter().flatten() {
        o += &format!(
            "  {:<24} {} -> {}  {} edges, {} synapses  {}\n",
            s(&e["name"]),
            s(&e["source"]),
            s(&e["target"]),
            s(&e["edges"]),
            s(&e["synapses"]),
            s(&e["edges_file"])
        );
        for t in e["edge_types"].as_array().into_iter().flatten() {
            o += &format!(
                "      edge_type {}: {} edges, {} synapses  {} {}  weight {} delay {}  sections {} range {}\n",
                s(&t["edge_type_id"]), s(&t["edges"]), s(&t["synapses"]), s(&t["model_template"]),
                s(&t["dynamics_params"]), s(&t["syn_weight"]), s(&t["delay"]),
                s(&t["target_sections"]), s(&t["distance_range"])
            );
        }
    }
    o += &format!(
        "  total: {} edges, {} synapses\n\ninputs:\n",
        s(&v["total_edges"]),
        s(&v["total_synapses"])
    );
    for i in v["inputs"].as_array().into_iter().flatten() {
        let exists = match i["input_file_exists"].as_bool() {
            Some(true) => "exists",
            Some(false) => "MISSING",
            None => "",
        };
        o += &format!(
            "  {:<20} {}/{}  node_set {} ({} nodes)  file {} {}\n",
            s(&i["name"]),
            s(&i["input_type"]),
            s(&i["module"]),
            s(&i["node_set"]),
            s(&i["nodes_selected"]),
            s(&i["input_file"]),
            exists
        );
    }
    o += "\nreports:\n";
    for r in v["reports"].as_array().into_iter().flatten() {
        o += &format!(
            "  {:<20} {} {}  cells {} ({} nodes)  sections {}  -> {}\n",
            s(&r["name"]),
            s(&r["module"]),
            s(&r["variable_name"]),
            s(&r["cells"]),
            s(&r["nodes_selected"]),
            s(&r["sections"]),
            s(&r["file_name"])
        );
    }
    o += "\nnode sets:";
    for n in v["node_sets"].as_array().into_iter().flatten() {
        o += &format!(" {} ({})", s(&n["name"]), s(&n["nodes"]));
    }
    let out = &v["output"];
    o += &format!(
        "\n\noutput: dir {}\n  spikes {}  csv {}  log {}\n\ncomponents:\n",
        s(&out["output_dir"]),
        s(&out["spikes_file"]),
        s(&out["spikes_file_csv"]),
        s(&out["log_file"])
    );
    for (k, c) in v["components"].as_object().into_iter().flatten() {
        let ex = if c["exists"].as_bool() == Some(true) {
            ""
        } else {
            "  (missing)"
        };
        o += &format!("  {:<30} {}{}\n", k, s(&c["path"]), ex);
    }
    o
}
