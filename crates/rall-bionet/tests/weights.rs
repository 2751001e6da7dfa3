//! Weight functions: a `weight_function` named in the edge-types CSV is looked up among the
//! built-ins (`default_weight_fnc`, `set_syn_weight`, `wmax`, `gaussianLL`) and the functions
//! registered through the Rust API; an unknown name is an error naming the edge file and row.
mod common;

use std::sync::Arc;

use common::{edit_text, fixture};
use rall_bionet::{PlanOptions, RunOptions, WeightFns};

fn opts(out: &std::path::Path, w: WeightFns) -> RunOptions {
    RunOptions {
        plan: PlanOptions {
            mechanisms_dir: Some(common::modfiles()),
            output_dir: Some(out.to_path_buf()),
        },
        weight_fns: w,
        ..Default::default()
    }
}

#[test]
fn registered_weight_function_is_used() {
    let d = fixture(20.0);
    edit_text(
        &d.path().join("network/mthalamus_mcortex_edge_types.csv"),
        " NULL ",
        " scaled_by_source ",
    );
    let mut w = WeightFns::default();
    // weight = syn_weight × (1 + source node id)
    w.register(
        "scaled_by_source",
        Arc::new(|e: &dyn rall_bionet::EdgeView| {
            let base = e.edge_f64("syn_weight").ok_or("no syn_weight")?;
            let id = e.source_f64("node_id").ok_or("no node_id")?;
            Ok(base * (1.0 + id))
        }),
    );
    let out = d.path().join("output");
    let s = rall_bionet::run_config(
        &d.path().join("config.json"),
        &opts(&out, w),
        &mut rall_bionet::Quiet,
    )
    .unwrap();
    assert_eq!(s.synapses.len(), 50);
    for syn in &s.synapses {
        assert_eq!(syn.weight, 0.001 * (1.0 + syn.source_node_id as f64));
    }
}

#[test]
fn builtin_weight_functions_and_unknown_name() {
    for (name, ok) in [
        ("wmax", true),
        ("set_syn_weight", true),
        ("no_such_fn", false),
    ] {
        let d = fixture(20.0);
        edit_text(
            &d.path().join("network/mthalamus_mcortex_edge_types.csv"),
            " NULL ",
            &format!(" {name} "),
        );
        let out = d.path().join("output");
        let r = rall_bionet::run_config(
            &d.path().join("config.json"),
            &opts(&out, WeightFns::default()),
            &mut rall_bionet::Quiet,
        );
        if ok {
            let s = r.unwrap();
            assert!(s.synapses.iter().all(|x| x.weight == 0.001), "{name}");
        } else {
            let msg = r.unwrap_err().to_string();
            assert!(
                msg.contains("no_such_fn") && msg.contains("mthalamus_mcortex_edges.h5"),
                "{msg}"
            );
        }
    }
}
