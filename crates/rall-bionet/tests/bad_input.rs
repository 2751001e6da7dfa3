//! Bad input: each gives a clear error naming the cell or file, before anything runs (or, for a
//! numerical blow-up, after keeping every output written so far readable).
mod common;

use std::path::{Path, PathBuf};

use common::{edit_json, edit_text, fixture};

use rall_bionet::{BionetError, PlanOptions, RunOptions};
use rall_sonata::{ReportReader, SpikeTable};

fn opts(out: &Path) -> RunOptions {
    RunOptions {
        plan: PlanOptions {
            mechanisms_dir: Some(common::modfiles()),
            output_dir: Some(out.to_path_buf()),
        },
        ..Default::default()
    }
}

fn run(dir: &Path) -> (Result<rall_bionet::RunSummary, BionetError>, PathBuf) {
    let out = dir.join("output");
    let r = rall_bionet::run_config(
        &dir.join("config.json"),
        &opts(&out),
        &mut rall_bionet::Quiet,
    );
    (r, out)
}

#[test]
fn missing_morphology_names_file_and_node() {
    let d = fixture(10.0);
    edit_text(
        &d.path().join("network/mcortex_node_types.csv"),
        "Scnn1a_473845048_m.swc",
        "NoSuchCell_m.swc",
    );
    let (r, out) = run(d.path());
    let e = r.unwrap_err();
    let msg = e.to_string();
    assert!(matches!(e, BionetError::MissingFile { .. }), "{msg}");
    assert!(
        msg.contains("NoSuchCell_m.swc") && msg.contains("mcortex") && msg.contains("gid 10"),
        "{msg}"
    );
    assert!(
        !out.join("spikes.h5").exists(),
        "nothing runs after a failed check"
    );
}

#[test]
fn fit_naming_unknown_mechanism_names_mechanism_fit_and_search_path() {
    let d = fixture(10.0);
    let fit = d
        .path()
        .join("components/biophysical_neuron_models/472363762_fit.json");
    edit_json(&fit, |v| {
        v["genome"].as_array_mut().unwrap().push(serde_json::json!({
            "section": "soma", "name": "gbar_NoSuchChannel", "value": 1.0, "mechanism": "NoSuchChannel"
        }));
    });
    let (r, _) = run(d.path());
    let msg = r.unwrap_err().to_string();
    assert!(msg.contains("'NoSuchChannel'"), "{msg}");
    assert!(msg.contains("472363762_fit.json"), "{msg}");
    assert!(
        msg.contains(&common::modfiles().display().to_string()),
        "{msg}"
    );
}

#[test]
fn edge_type_naming_missing_synaptic_model_names_file() {
    let d = fixture(10.0);
    edit_text(
        &d.path().join("network/mthalamus_mcortex_edge_types.csv"),
        "AMPA_ExcToExc.json",
        "NoSuchSyn.json",
    );
    let (r, _) = run(d.path());
    let msg = r.unwrap_err().to_string();
    assert!(
        msg.contains("NoSuchSyn.json") && msg.contains("edge type 100"),
        "{msg}"
    );
    assert!(msg.contains("mthalamus_mcortex_edge_types.csv"), "{msg}");
}

#[test]
fn unknown_model_type_and_input_module_are_clear_errors() {
    let d = fixture(10.0);
    edit_text(
        &d.path().join("network/mcortex_node_types.csv"),
        " biophysical ",
        " point_soma ",
    );
    let msg = run(d.path()).0.unwrap_err().to_string();
    assert!(
        msg.contains("model_type 'point_soma'") && msg.contains("gid 10"),
        "{msg}"
    );

    let d = fixture(10.0);
    edit_json(&d.path().join("simulation_config.json"), |v| {
        v["inputs"]["mthalamus_spikes"]["module"] = "xstim_foo".into();
    });
    let msg = run(d.path()).0.unwrap_err().to_string();
    assert!(
        msg.contains("mthalamus_spikes") && msg.contains("xstim_foo"),
        "{msg}"
    );
}

#[test]
fn nan_in_v_names_cell_and_keeps_outputs_readable() {
    let d = fixture(200.0);
    edit_json(&d.path().join("simulation_config.json"), |v| {
        // an absurd current drives v to inf/NaN within a few steps
        v["inputs"]["blowup"] = serde_json::json!({
            "input_type": "current_clamp", "module": "IClamp", "node_set": "mcortex",
            "amp": 1e9, "delay": 10.0, "duration": 100.0
        });
    });
    let (r, out) = run(d.path());
    let e = r.unwrap_err();
    let msg = e.to_string();
    assert!(matches!(e, BionetError::Numerical { .. }), "{msg}");
    assert!(msg.contains("gid 10") && msg.contains("NaN"), "{msg}");
    // outputs so far are readable: spikes file and reports with the rows before the failure
    SpikeTable::read_h5(out.join("spikes.h5")).unwrap();
    let rep = ReportReader::open(out.join("v_report.h5")).unwrap();
    let rows = rep.rows("mcortex", 0, 50).unwrap();
    assert!(rows.iter().all(|x| x.is_finite()));
    assert_eq!(
        rows[0], -80.06293883235384,
        "first row as in the golden run"
    );
    let log = std::fs::read_to_string(out.join("log.txt")).unwrap();
    assert!(log.contains("[ERROR]") && log.contains("NaN"), "{log}");
}

#[test]
fn edge_types_csv_is_read_at_run_time() {
    // syn_weight 0 in the edge-types CSV: the next run places the same synapses with weight 0
    // and the cell never fires
    let d = fixture(300.0);
    edit_text(
        &d.path().join("network/mthalamus_mcortex_edge_types.csv"),
        " 0.001 exp2syn",
        " 0.0 exp2syn",
    );
    let (r, _) = run(d.path());
    let s = r.unwrap();
    assert_eq!(s.synapses.len(), 50);
    assert!(s.synapses.iter().all(|x| x.weight == 0.0));
    assert!(s.spikes.is_empty());
}
