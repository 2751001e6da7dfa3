//! sim-setup against what BMTK 1.2.0's `python -m bmtk.utils.sim_setup … bionet DIR` wrote for
//! the same arguments (validation/golden/sim_setup, made by validation/sim_setup/make_golden.py).
//! Pass criterion (validation/sim_setup/README.md): every JSON file BMTK wrote has the same keys,
//! key order and values, except the documented differences (no `__pycache__` component, config.json
//! naming its parts relative to itself); the same folders; the same example data files.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use rall_bionet::sim_setup::{
    sim_setup, IClampSpec, ReportNodes, SimSetupError, SimSetupOptions, SpikesInput,
};
use serde_json::Value;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn golden(case: &str) -> PathBuf {
    repo().join("validation/golden/sim_setup").join(case)
}

/// A fresh base dir holding the tutorial network and input spikes (as make_golden.py does).
fn fresh() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let base = tmp.path().join("sim");
    let src = repo().join("validation/golden/ch02");
    fs::create_dir_all(base.join("network")).unwrap();
    fs::create_dir_all(base.join("inputs")).unwrap();
    for e in fs::read_dir(src.join("network")).unwrap() {
        let p = e.unwrap().path();
        fs::copy(&p, base.join("network").join(p.file_name().unwrap())).unwrap();
    }
    fs::copy(
        src.join("inputs/mthalamus_spikes.h5"),
        base.join("inputs/mthalamus_spikes.h5"),
    )
    .unwrap();
    (tmp, base)
}

fn read_json(p: &Path) -> Value {
    let t = fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    serde_json::from_str(&t).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// A golden JSON file with `<BASE>` replaced by `base`.
fn golden_json(case: &str, name: &str, base: &Path) -> Value {
    let t = fs::read_to_string(golden(case).join(name)).unwrap();
    serde_json::from_str(&t.replace("<BASE>", &base.display().to_string())).unwrap()
}

fn keys(v: &Value) -> Vec<String> {
    v.as_object().unwrap().keys().cloned().collect()
}

fn as_set(v: &Value) -> BTreeSet<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| serde_json::to_string(x).unwrap())
        .collect()
}

/// Compares everything sim-setup wrote with BMTK's golden for `case`.
fn compare_with_bmtk(case: &str, base: &Path, config: &str) {
    let stem = config.trim_end_matches(".json");
    // simulation config: identical, key order included
    let sim_name = format!("simulation_{stem}.json");
    let ours = read_json(&base.join(&sim_name));
    let theirs = golden_json(case, &sim_name, base);
    assert_eq!(keys(&ours), keys(&theirs), "{sim_name} key order");
    assert_eq!(ours, theirs, "{sim_name}");
    for k in ["run", "conditions", "output"] {
        assert_eq!(keys(&ours[k]), keys(&theirs[k]), "{sim_name} {k} key order");
    }
    // circuit config: BMTK's minus its `__pycache__` folder; network lists compared as sets
    // (BMTK's order is the filesystem's)
    let circ_name = format!("circuit_{stem}.json");
    let ours = read_json(&base.join(&circ_name));
    let mut theirs = golden_json(case, &circ_name, base);
    assert_eq!(keys(&ours), keys(&theirs), "{circ_name} key order");
    assert_eq!(ours["manifest"], theirs["manifest"]);
    theirs["components"]
        .as_object_mut()
        .unwrap()
        .remove("__pycache___dir")
        .expect("BMTK 1.2.0 writes the stray __pycache___dir entry");
    // (components key order is BMTK's os.listdir order of its package folder: filesystem order)
    assert_eq!(ours["components"], theirs["components"]);
    for k in ["nodes", "edges", "gap_juncs"] {
        assert_eq!(
            as_set(&ours["networks"][k]),
            as_set(&theirs["networks"][k]),
            "networks.{k}"
        );
    }
    // virtual population first: mthalamus gids 0-9, mcortex gid 10 (BMTK's reference run)
    assert!(ours["networks"]["nodes"][0]["nodes_file"]
        .as_str()
        .unwrap()
        .ends_with("mthalamus_nodes.h5"));
    // config.json: the same two files (ours relative to the config, BMTK's absolute)
    let ours = read_json(&base.join(config));
    let theirs = golden_json(case, config, base);
    assert_eq!(keys(&ours), keys(&theirs));
    for k in ["network", "simulation"] {
        let p = ours[k].as_str().unwrap();
        assert!(p.starts_with("./"), "{k}: {p}");
        assert_eq!(
            base.join(&p[2..]),
            PathBuf::from(theirs[k].as_str().unwrap())
        );
    }
    // node sets: identical
    assert_eq!(
        read_json(&base.join("node_sets.json")),
        golden_json(case, "node_sets.json", base)
    );
    // folders: BMTK's without __pycache__
    let files: Vec<String> =
        serde_json::from_value(read_json(&golden(case).join("files.json"))).unwrap();
    for f in &files {
        if f.ends_with('/') && !f.contains("__pycache__") {
            assert!(base.join(f).is_dir(), "folder {f} missing");
        }
    }
    assert!(!base.join("components/__pycache__").exists());
    assert!(base.join("run_bionet.py").is_file());
}

fn tutorial_options(base: &Path) -> SimSetupOptions {
    let mut o = SimSetupOptions::new(base, base.parent().unwrap());
    o.network_dir = Some(base.join("network"));
    o.spikes_inputs = SpikesInput::parse_list(&format!(
        "mthalamus:{}",
        base.join("inputs/mthalamus_spikes.h5").display()
    ))
    .unwrap();
    o.report_vars = vec!["v".into(), "cai".into()];
    o.dt = 0.1;
    o.tstop = 3000.0;
    o.include_examples = Some(repo().join("examples/components"));
    o
}

#[test]
fn tutorial_matches_bmtk() {
    let (_tmp, base) = fresh();
    let rep = sim_setup(&tutorial_options(&base)).unwrap();
    assert_eq!(rep.populations, ["mthalamus", "mcortex"]);
    assert!(rep.kept.is_empty(), "{:?}", rep.kept);
    compare_with_bmtk("tutorial", &base, "config.json");

    // the Allen data files BMTK copies with include_examples are all there, byte for byte
    let files: Vec<String> =
        serde_json::from_value(read_json(&golden("tutorial").join("files.json"))).unwrap();
    let data: Vec<&String> = files
        .iter()
        .filter(|f| {
            [
                "components/morphologies/",
                "components/biophysical_neuron_models/",
                "components/synaptic_models/",
                "components/point_neuron_models/",
            ]
            .iter()
            .any(|d| f.starts_with(d) && f.len() > d.len())
        })
        .collect();
    assert_eq!(data.len(), 5 + 7 + 6 + 2);
    for f in data {
        let name = f.trim_start_matches("components/");
        assert_eq!(
            fs::read(base.join(f)).unwrap(),
            fs::read(repo().join("validation/golden/ch02/components").join(name)).unwrap(),
            "{f}"
        );
    }
    assert!(base.join("components/README.md").is_file());

    // Rall plans the folder (mechanisms from the copied .mod files; nothing compiled)
    let plan = rall_bionet::Plan::from_file(
        &base.join("config.json"),
        &rall_bionet::PlanOptions::default(),
    )
    .unwrap();
    assert_eq!(plan.cells.len(), 11);
    // every copied .mod file compiles in Rall, including Rall's own vecevent.mod (NEURON's
    // VecStim), which Rall recognises and replaces by its native VecStim
    assert!(plan.mechs.failed.is_empty(), "{:?}", plan.mechs.failed);
    let vecevent = base.join("components/mechanisms/modfiles/vecevent.mod");
    let m = rall_nmodl::Catalogue::empty().load_file(&vecevent).unwrap();
    let summary = rall_nmodl::MechanismSummary::of(&vecevent, &m);
    assert_eq!(summary.native.as_deref(), Some("VecStim"));
}

#[test]
fn iclamp_report_nodes_matches_bmtk() {
    let (_tmp, base) = fresh();
    let mut o = SimSetupOptions::new(&base, base.parent().unwrap());
    o.report_vars = vec!["v".into()];
    o.report_nodes = Some(ReportNodes::parse("0,1").unwrap());
    o.iclamp = Some(IClampSpec::parse("0.12,500,1000").unwrap());
    o.config_file = PathBuf::from("config.iclamp.json");
    let rep = sim_setup(&o).unwrap();
    // no --network: the existing base/network folder is found, as BMTK does
    assert_eq!(rep.network_dir, base.join("network"));
    compare_with_bmtk("iclamp_nodes", &base, "config.iclamp.json");
    // without --include-examples the component folders are empty (README aside)
    assert_eq!(
        fs::read_dir(base.join("components/morphologies"))
            .unwrap()
            .count(),
        0
    );
}

#[test]
fn existing_files_are_kept_unless_overwrite() {
    let (_tmp, base) = fresh();
    let mut o = tutorial_options(&base);
    sim_setup(&o).unwrap();
    let sim = base.join("simulation_config.json");
    fs::write(&sim, "{\"mine\": 1}").unwrap();
    let fit = base.join("components/biophysical_neuron_models/472363762_fit.json");
    fs::write(&fit, "{}").unwrap();
    o.tstop = 500.0;
    let rep = sim_setup(&o).unwrap();
    assert!(rep.kept.contains(&sim) && rep.kept.contains(&fit));
    assert_eq!(fs::read_to_string(&sim).unwrap(), "{\"mine\": 1}");
    assert_eq!(fs::read_to_string(&fit).unwrap(), "{}");
    o.overwrite = true;
    let rep = sim_setup(&o).unwrap();
    assert!(rep.kept.is_empty());
    assert_eq!(read_json(&sim)["run"]["tstop"], 500.0);
    assert_ne!(fs::read_to_string(&fit).unwrap(), "{}");
}

#[test]
fn paths_outside_base_stay_absolute() {
    let (tmp, base) = fresh();
    // a sibling whose name starts with the base's name: no `$BASE_DIR` prefix (BMTK's
    // str.startswith would write `$BASE_DIR2/…`)
    let other = tmp.path().join("sim2");
    fs::create_dir_all(&other).unwrap();
    let spikes = other.join("in.csv");
    fs::write(&spikes, "timestamps population node_ids\n").unwrap();
    let mut o = SimSetupOptions::new(&base, tmp.path());
    o.spikes_inputs = vec![SpikesInput {
        population: None,
        file: PathBuf::from("sim2/in.csv"),
    }];
    sim_setup(&o).unwrap();
    let sim = read_json(&base.join("simulation_config.json"));
    let input = &sim["inputs"]["input_spikes"];
    assert_eq!(input["input_file"], spikes.display().to_string());
    assert_eq!(input["module"], "csv");
    assert_eq!(input["node_set"], "all");
    assert_eq!(sim["run"]["dt"], 0.001);
}

#[test]
fn bad_arguments_are_named() {
    let bad = |e: SimSetupError, what: &str| match e {
        SimSetupError::BadArgument { what: w, .. } => assert_eq!(w, what),
        other => panic!("{other}"),
    };
    bad(IClampSpec::parse("0.1,500").unwrap_err(), "--iclamp");
    bad(IClampSpec::parse("0.1,x,5").unwrap_err(), "--iclamp");
    bad(
        SpikesInput::parse_list("a:b:c").unwrap_err(),
        "--spikes-inputs",
    );
    bad(ReportNodes::parse("a,b").unwrap_err(), "--report-nodes");
    assert_eq!(
        ReportNodes::parse("5").unwrap(),
        ReportNodes::NodeIds(vec![5])
    );
    assert_eq!(
        ReportNodes::parse("mcortex").unwrap(),
        ReportNodes::Population("mcortex".into())
    );
    let (_tmp, base) = fresh();
    let mut o = SimSetupOptions::new(&base, base.parent().unwrap());
    o.dt = 0.0;
    bad(sim_setup(&o).unwrap_err(), "--dt");
    o.dt = 0.1;
    o.config_file = PathBuf::from("config.txt");
    bad(sim_setup(&o).unwrap_err(), "--config-file");
    o.config_file = PathBuf::from("config.json");
    o.spikes_inputs = SpikesInput::parse_list("p:spikes.txt").unwrap();
    bad(sim_setup(&o).unwrap_err(), "--spikes-inputs");
    o.spikes_inputs.clear();
    o.include_examples = Some(base.join("nowhere"));
    assert!(matches!(
        sim_setup(&o).unwrap_err(),
        SimSetupError::NoExamples { .. }
    ));
}
