//! Raw config stage: manifest variables, substitution, split configs and merge order.
//! Expected values follow BMTK 1.2.0's `ConfigParser` (checked against
//! `SonataConfig.from_json` on the same inputs).

use std::path::{Path, PathBuf};
use std::time::{Duration, UNIX_EPOCH};

use rall_sonata::config::{ConfigError, LoadOptions, RawConfig};
use serde_json::{json, Map, Value};

fn write(dir: &Path, rel: &str, v: &Value) -> PathBuf {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(&p, serde_json::to_string_pretty(v).unwrap()).unwrap();
    p
}

fn opts(wd: &Path) -> LoadOptions {
    LoadOptions {
        working_dir: Some(wd.to_path_buf()),
        // 2024-02-29T12:34:56Z
        now: Some(UNIX_EPOCH + Duration::from_secs(1_709_210_096)),
        ..LoadOptions::default()
    }
}

fn load(path: &Path, wd: &Path) -> RawConfig {
    RawConfig::load_with_options(path, &opts(wd)).unwrap()
}

fn s(v: &str) -> Value {
    Value::String(v.to_string())
}

#[test]
fn configdir_and_both_reference_forms() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("sim");
    let p = write(
        tmp.path(),
        "sim/config.json",
        &json!({
            "manifest": {"$BASE_DIR": "${configdir}", "$OUT": "$BASE_DIR/output"},
            "a": "${BASE_DIR}/x.h5",
            "b": "$OUT/y",
            "c": ["$BASE_DIR", {"d": "${OUT}_z"}],
        }),
    );
    let raw = load(&p, tmp.path());
    let base = dir.to_str().unwrap();
    assert_eq!(raw.get("a").unwrap(), &s(&format!("{base}/x.h5")));
    assert_eq!(raw.get("b").unwrap(), &s(&format!("{base}/output/y")));
    assert_eq!(
        raw.get("c").unwrap(),
        &json!([base, {"d": format!("{base}/output_z")}])
    );
    // BMTK adds config_path / config_dir and stores the resolved manifest (keys without `$`,
    // built-ins included).
    assert_eq!(raw.get("config_path").unwrap(), &s(p.to_str().unwrap()));
    assert_eq!(raw.get("config_dir").unwrap(), &s(base));
    let m = raw.get("manifest").unwrap();
    assert_eq!(m["BASE_DIR"], s(base));
    assert_eq!(m["OUT"], s(&format!("{base}/output")));
    assert_eq!(m["configdir"], s(base));
    assert!(raw.warnings().is_empty(), "{:?}", raw.warnings());
}

#[test]
fn builtin_variables() {
    let tmp = tempfile::tempdir().unwrap();
    let wd = tmp.path().join("wd");
    std::fs::create_dir_all(&wd).unwrap();
    let p = write(
        tmp.path(),
        "c/config.json",
        &json!({"w": "$workingdir", "f": "${configfname}", "t": "run_${datetime}",
                "d": "$date", "h": "$time"}),
    );
    let raw = load(&p, &wd);
    assert_eq!(raw.get("w").unwrap(), &s(wd.to_str().unwrap()));
    assert_eq!(raw.get("f").unwrap(), &s(p.to_str().unwrap()));
    assert_eq!(raw.get("t").unwrap(), &s("run_2024-02-29_12-34-56"));
    assert_eq!(raw.get("d").unwrap(), &s("2024-02-29"));
    assert_eq!(raw.get("h").unwrap(), &s("12-34-56"));
}

#[test]
fn manifest_resolves_iteratively_in_any_order() {
    let tmp = tempfile::tempdir().unwrap();
    let p = write(
        tmp.path(),
        "config.json",
        &json!({
            "manifest": {"$D": "${C}/d", "$C": "$B/c", "$B": "$A/b", "A": "/root"},
            "x": "$D",
        }),
    );
    let raw = load(&p, tmp.path());
    assert_eq!(raw.get("x").unwrap(), &s("/root/b/c/d"));
}

#[test]
fn whole_string_user_variable_keeps_its_type() {
    let tmp = tempfile::tempdir().unwrap();
    let p = write(
        tmp.path(),
        "config.json",
        &json!({
            "manifest": {"$N": "7"},
            "run": {"dt": "${time_step}", "flag": "$overwrite", "none": "$nothing",
                    "label": "dt=$time_step,$overwrite", "n": "$N"},
            "target_simulator": "${simulator}",
        }),
    );
    let mut vars = Map::new();
    vars.insert("time_step".into(), json!(0.001));
    vars.insert("overwrite".into(), json!(true));
    vars.insert("nothing".into(), Value::Null);
    vars.insert("simulator".into(), json!("CoreNeuron"));
    let raw = RawConfig::load_with_options(
        &p,
        &LoadOptions {
            vars,
            ..opts(tmp.path())
        },
    )
    .unwrap();
    let run = raw.get("run").unwrap();
    assert_eq!(run["dt"], json!(0.001));
    assert_eq!(run["flag"], json!(true));
    assert_eq!(run["none"], Value::Null);
    // Inside a longer string the value is spliced in as Python's str() writes it.
    assert_eq!(run["label"], s("dt=0.001,True"));
    // Manifest values are strings: the result stays a string.
    assert_eq!(run["n"], s("7"));
    assert_eq!(raw.get("target_simulator").unwrap(), &s("CoreNeuron"));
}

#[test]
fn non_string_manifest_value_keeps_its_type() {
    // BMTK crashes on non-string manifest values; Rall accepts them as already resolved.
    let tmp = tempfile::tempdir().unwrap();
    let p = write(
        tmp.path(),
        "config.json",
        &json!({"manifest": {"$DT": 0.025}, "run": {"dt": "$DT", "s": "dt_$DT"}}),
    );
    let raw = load(&p, tmp.path());
    assert_eq!(raw.get("run").unwrap()["dt"], json!(0.025));
    assert_eq!(raw.get("run").unwrap()["s"], s("dt_0.025"));
}

#[test]
fn user_variables_shadow_the_manifest() {
    let tmp = tempfile::tempdir().unwrap();
    let p = write(
        tmp.path(),
        "config.json",
        &json!({"manifest": {"$BASE": "/from/manifest", "$SUB": "$BASE/sub"}, "x": "$SUB"}),
    );
    let mut vars = Map::new();
    vars.insert("BASE".into(), json!("/from/user"));
    let raw = RawConfig::load_with_options(
        &p,
        &LoadOptions {
            vars,
            ..opts(tmp.path())
        },
    )
    .unwrap();
    assert_eq!(raw.get("x").unwrap(), &s("/from/user/sub"));
}

#[test]
fn unknown_variables_outside_the_manifest_are_left_with_a_warning() {
    let tmp = tempfile::tempdir().unwrap();
    let p = write(
        tmp.path(),
        "config.json",
        &json!({"manifest": {"$A": "/a"}, "x": {"y": "$A/$MISSING/${ALSO}/${half"}}),
    );
    let raw = load(&p, tmp.path());
    assert_eq!(raw.get("x").unwrap()["y"], s("/a/$MISSING/${ALSO}/${half"));
    let w: Vec<String> = raw.warnings().iter().map(|w| w.to_string()).collect();
    assert_eq!(w.len(), 3, "{w:?}");
    assert!(w[0].contains("x.y") && w[0].contains("$MISSING"), "{w:?}");
}

#[test]
fn plain_replacement_quirk_is_kept() {
    // BMTK replaces every occurrence of the matched text: `$A` also rewrites the start of
    // `$AB` when only `A` is defined.
    let tmp = tempfile::tempdir().unwrap();
    let p = write(
        tmp.path(),
        "config.json",
        &json!({"manifest": {"$A": "x"}, "v": "$A/$AB"}),
    );
    let raw = load(&p, tmp.path());
    assert_eq!(raw.get("v").unwrap(), &s("x/xB"));
}

#[test]
fn unknown_manifest_variable_is_an_error() {
    let tmp = tempfile::tempdir().unwrap();
    let p = write(
        tmp.path(),
        "config.json",
        &json!({"manifest": {"$BASE_DIR": "${configdir}", "$OUT": "$BASE_DIRR/out"}}),
    );
    let err = RawConfig::load_with_options(&p, &opts(tmp.path())).unwrap_err();
    match &err {
        ConfigError::UnknownManifestVariable {
            path,
            key,
            variable,
        } => {
            assert_eq!(path, &p);
            assert_eq!(key, "OUT");
            assert_eq!(variable, "$BASE_DIRR");
        }
        other => panic!("wrong error: {other}"),
    }
    let msg = err.to_string();
    assert!(
        msg.contains("config.json") && msg.contains("$BASE_DIRR"),
        "{msg}"
    );
}

#[test]
fn circular_manifest_is_an_error() {
    let tmp = tempfile::tempdir().unwrap();
    let p = write(
        tmp.path(),
        "config.json",
        &json!({"manifest": {"$OK": "/ok", "$A": "$B/a", "$B": "${C}/b", "$C": "$A/c"}}),
    );
    let err = RawConfig::load_with_options(&p, &opts(tmp.path())).unwrap_err();
    match &err {
        ConfigError::ManifestCycle { path, cycle } => {
            assert_eq!(path, &p);
            assert_eq!(cycle, &["A", "B", "C", "A"]);
        }
        other => panic!("wrong error: {other}"),
    }
    assert!(err.to_string().contains("A -> B -> C -> A"), "{err}");
}

#[test]
fn stray_dollar_in_manifest_is_an_error() {
    let tmp = tempfile::tempdir().unwrap();
    let p = write(
        tmp.path(),
        "config.json",
        &json!({"manifest": {"$PRICE": "5$"}}),
    );
    let err = RawConfig::load_with_options(&p, &opts(tmp.path())).unwrap_err();
    assert!(
        matches!(&err, ConfigError::ManifestUnresolvable { key, .. } if key == "PRICE"),
        "{err}"
    );
}

#[test]
fn json_syntax_error_names_file_line_and_column() {
    let tmp = tempfile::tempdir().unwrap();
    let p = tmp.path().join("config.json");
    std::fs::write(&p, "{\n  \"run\": {\"dt\": 0.1,}\n}\n").unwrap();
    let err = RawConfig::load_with_options(&p, &opts(tmp.path())).unwrap_err();
    match &err {
        ConfigError::Json {
            path, line, column, ..
        } => {
            assert_eq!(path, &p);
            assert_eq!(*line, 2);
            assert!(*column > 10, "column {column}");
        }
        other => panic!("wrong error: {other}"),
    }
    assert!(err.to_string().contains("config.json:2:"), "{err}");
}

#[test]
fn missing_file_is_an_io_error() {
    let tmp = tempfile::tempdir().unwrap();
    let err =
        RawConfig::load_with_options(tmp.path().join("nope.json"), &opts(tmp.path())).unwrap_err();
    assert!(matches!(err, ConfigError::Io { .. }), "{err}");
}

/// config.json → network (net/circuit.json) + simulation (sim/simulation.json).
fn split_fixture(root: &Path) -> PathBuf {
    write(
        root,
        "net/circuit.json",
        &json!({
            "manifest": {"$BASE_DIR": "${configdir}"},
            "components": {"morphologies_dir": "$BASE_DIR/morph"},
            "networks": {"nodes": [{"nodes_file": "$BASE_DIR/a_nodes.h5",
                                    "node_types_file": "$BASE_DIR/a_node_types.csv"}]},
            "shared": "from network",
            "only_network": 1,
        }),
    );
    write(
        root,
        "sim/simulation.json",
        &json!({
            "manifest": {"$BASE_DIR": "${configdir}", "$OUTPUT_DIR": "$BASE_DIR/output"},
            "run": {"tstop": 10.0, "dt": 0.1},
            "output": {"output_dir": "$OUTPUT_DIR", "log_file": "log.txt"},
            "shared": "from simulation",
        }),
    );
    write(
        root,
        "config.json",
        &json!({
            "network": "net/circuit.json",
            "simulation": "./sim/simulation.json",
            "shared": "from parent",
            "only_parent": true,
        }),
    )
}

#[test]
fn split_config_merges_network_then_simulation() {
    let tmp = tempfile::tempdir().unwrap();
    let p = split_fixture(tmp.path());
    let raw = load(&p, tmp.path());
    let root = tmp.path().to_str().unwrap();
    // Later wins: parent < network < simulation.
    assert_eq!(raw.get("shared").unwrap(), &s("from simulation"));
    assert_eq!(raw.get("only_network").unwrap(), &json!(1));
    assert_eq!(raw.get("only_parent").unwrap(), &json!(true));
    // Each part resolves ${configdir} against its own directory.
    assert_eq!(
        raw.get("components").unwrap()["morphologies_dir"],
        s(&format!("{root}/net/morph"))
    );
    assert_eq!(
        raw.get("output").unwrap()["log_file"],
        s(&format!("{root}/sim/output/log.txt"))
    );
    // config_path stays the parent's; manifest / config_dir are the simulation part's.
    assert_eq!(raw.get("config_path").unwrap(), &s(p.to_str().unwrap()));
    assert_eq!(raw.get("config_dir").unwrap(), &s(&format!("{root}/sim")));
    assert!(raw.get("manifest").unwrap().get("OUTPUT_DIR").is_some());
    // The merged keys keep the parent's order, new keys are appended.
    let keys: Vec<&str> = raw.document().keys().map(String::as_str).collect();
    assert_eq!(
        &keys[..4],
        &["network", "simulation", "shared", "only_parent"]
    );
    // Provenance of top-level keys.
    assert!(raw.origin("components").ends_with("net/circuit.json"));
    assert!(raw.origin("run").ends_with("sim/simulation.json"));
    assert!(raw.origin("shared").ends_with("sim/simulation.json"));
    assert_eq!(raw.origin("only_parent"), p.as_path());
}

#[test]
fn missing_part_names_the_referencing_config() {
    let tmp = tempfile::tempdir().unwrap();
    let p = write(
        tmp.path(),
        "config.json",
        &json!({"network": "${configdir}/circuit.json"}),
    );
    let err = RawConfig::load_with_options(&p, &opts(tmp.path())).unwrap_err();
    match &err {
        ConfigError::Referenced {
            config, key, path, ..
        } => {
            assert_eq!(config, &p);
            assert_eq!(key, "network");
            assert_eq!(path, &tmp.path().join("circuit.json"));
        }
        other => panic!("wrong error: {other}"),
    }
}

#[test]
fn self_inclusion_is_an_error() {
    let tmp = tempfile::tempdir().unwrap();
    let p = write(
        tmp.path(),
        "config.json",
        &json!({"simulation": "config.json"}),
    );
    let err = RawConfig::load_with_options(&p, &opts(tmp.path())).unwrap_err();
    assert!(matches!(err, ConfigError::IncludeLoop { .. }), "{err}");
}
