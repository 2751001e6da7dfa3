//! Node-set parsing and evaluation against a small in-memory circuit.

use std::path::{Path, PathBuf};

use rall_sonata::config::{ConfigError, NodeProps, NodeSet, NodeSets, PropValue};
use serde_json::json;

/// Two populations: `thal` (virtual, ids 0..5) and `cortex` (ids 0..4, node 3 point).
struct Circuit;

impl NodeProps for Circuit {
    fn populations(&self) -> Vec<String> {
        vec!["thal".into(), "cortex".into()]
    }
    fn node_ids(&self, population: &str) -> Vec<u64> {
        match population {
            "thal" => (0..5).collect(),
            "cortex" => (0..4).collect(),
            _ => Vec::new(),
        }
    }
    fn property(&self, population: &str, node_id: u64, key: &str) -> Option<PropValue> {
        match (population, key) {
            ("thal", "model_type") => Some(PropValue::Str("virtual".into())),
            ("cortex", "model_type") => Some(PropValue::Str(
                if node_id == 3 {
                    "point_process"
                } else {
                    "biophysical"
                }
                .into(),
            )),
            ("cortex", "ei") => Some(PropValue::Str(
                if node_id.is_multiple_of(2) { "e" } else { "i" }.into(),
            )),
            ("cortex", "layer") => Some(PropValue::Int(node_id as i64 + 1)),
            ("cortex", "depth") => Some(if node_id == 0 {
                PropValue::Null
            } else {
                PropValue::Float(100.0 * node_id as f64)
            }),
            ("cortex", "tuned") => Some(PropValue::Bool(node_id == 1)),
            _ => None,
        }
    }
}

fn file() -> PathBuf {
    PathBuf::from("/cfg/node_sets.json")
}

fn sets(v: serde_json::Value) -> NodeSets {
    NodeSets::from_json(&v, Some(&file())).unwrap()
}

fn sel(v: &[(&str, &[u64])]) -> Vec<(String, Vec<u64>)> {
    v.iter()
        .map(|(p, ids)| (p.to_string(), ids.to_vec()))
        .collect()
}

#[test]
fn builtin_all_and_population_sets() {
    let ns = NodeSets::default();
    assert_eq!(
        ns.select("all", &Circuit).unwrap(),
        sel(&[("thal", &[0, 1, 2, 3, 4]), ("cortex", &[0, 1, 2, 3])])
    );
    assert_eq!(
        ns.select("cortex", &Circuit).unwrap(),
        sel(&[("cortex", &[0, 1, 2, 3])])
    );
    assert_eq!(ns.names(&Circuit), ["thal", "cortex", "all"]);
}

#[test]
fn dict_filters() {
    let ns = sets(json!({
        "bio": {"model_type": "biophysical"},
        "ei": {"ei": ["e", "i"], "population": "cortex"},
        "exc_bio": {"model_type": "biophysical", "ei": "e"},
        "ids": {"populations": ["cortex", "thal"], "node_id": [1], "node_ids": [3]},
        "layer": {"layer": [2.0, 4]},
        "deep": {"depth": 300},
        "tuned": {"tuned": 1},
        "nodepth": {"depth": [0, 100]},
        "unknown_key": {"population": "cortex", "color": "red"},
        "both": {"population": "thal", "populations": ["cortex"]},
    }));
    let c = &Circuit;
    assert_eq!(
        ns.select("bio", c).unwrap(),
        sel(&[("thal", &[]), ("cortex", &[0, 1, 2])])
    );
    assert_eq!(
        ns.select("ei", c).unwrap(),
        sel(&[("cortex", &[0, 1, 2, 3])])
    );
    assert_eq!(
        ns.select("exc_bio", c).unwrap(),
        sel(&[("thal", &[]), ("cortex", &[0, 2])])
    );
    // population list order is kept; node_id and node_ids are concatenated
    assert_eq!(
        ns.select("ids", c).unwrap(),
        sel(&[("cortex", &[1, 3]), ("thal", &[1, 3])])
    );
    // Python equality: 2.0 == 2, True == 1. `thal` nodes have no `layer`/`depth`/`tuned`
    // property at all, so (as in BMTK) the condition is ignored for them and all are kept.
    let thal: (&str, &[u64]) = ("thal", &[0, 1, 2, 3, 4]);
    assert_eq!(
        ns.select("layer", c).unwrap(),
        sel(&[thal, ("cortex", &[1, 3])])
    );
    assert_eq!(
        ns.select("deep", c).unwrap(),
        sel(&[thal, ("cortex", &[3])])
    );
    assert_eq!(
        ns.select("tuned", c).unwrap(),
        sel(&[thal, ("cortex", &[1])])
    );
    // an empty value never matches
    assert_eq!(
        ns.select("nodepth", c).unwrap(),
        sel(&[thal, ("cortex", &[1])])
    );
    // a key no node has is ignored (BMTK prints a notice and ignores it)
    assert_eq!(
        ns.select("unknown_key", c).unwrap(),
        sel(&[("cortex", &[0, 1, 2, 3])])
    );
    // `population` wins over `populations`, which becomes an (ignored) property
    assert_eq!(
        ns.select("both", c).unwrap(),
        sel(&[("thal", &[0, 1, 2, 3, 4])])
    );
}

#[test]
fn lists_of_ids_apply_to_every_population() {
    let ns = sets(json!({"some": [1, 4], "none_means_all": []}));
    assert_eq!(
        ns.select("some", &Circuit).unwrap(),
        sel(&[("thal", &[1, 4]), ("cortex", &[1])])
    );
    // BMTK quirk kept: an empty id list is no restriction at all
    assert_eq!(
        ns.select("none_means_all", &Circuit).unwrap(),
        ns.select("all", &Circuit).unwrap()
    );
}

#[test]
fn compounds_and_aliases() {
    let ns = sets(json!({
        "exc": {"population": "cortex", "ei": "e"},
        "first": [0],
        "union": ["exc", "first", "thal"],
        "alias": "union",
        "override_thal": {"population": "thal", "node_ids": [2]},
    }));
    assert_eq!(
        ns.select("union", &Circuit).unwrap(),
        sel(&[("cortex", &[0, 2]), ("thal", &[0, 1, 2, 3, 4])])
    );
    assert_eq!(
        ns.select("alias", &Circuit).unwrap(),
        ns.select("union", &Circuit).unwrap()
    );
    assert_eq!(
        ns.get("union"),
        Some(&NodeSet::Compound(vec![
            "exc".into(),
            "first".into(),
            "thal".into()
        ]))
    );
}

#[test]
fn config_sets_override_builtin_names() {
    let ns = sets(json!({"thal": {"population": "thal", "node_ids": [2]}, "all": [0]}));
    assert_eq!(ns.select("thal", &Circuit).unwrap(), sel(&[("thal", &[2])]));
    assert_eq!(
        ns.select("all", &Circuit).unwrap(),
        sel(&[("thal", &[0]), ("cortex", &[0])])
    );
    assert_eq!(ns.names(&Circuit), ["thal", "cortex", "all"]);
}

#[test]
fn unknown_named_set_is_an_error() {
    let ns = sets(json!({"u": ["bio", "nope"], "bio": {"model_type": "biophysical"}}));
    match ns.select("u", &Circuit).unwrap_err() {
        ConfigError::UnknownNodeSet {
            name,
            referenced_by,
            file: f,
        } => {
            assert_eq!(name, "nope");
            assert_eq!(referenced_by.as_deref(), Some("u"));
            assert_eq!(f, Some(file()));
        }
        other => panic!("wrong error: {other}"),
    }
    assert!(matches!(
        ns.select("missing", &Circuit).unwrap_err(),
        ConfigError::UnknownNodeSet { name, .. } if name == "missing"
    ));
}

#[test]
fn unknown_population_is_an_error_naming_set_and_file() {
    let ns = sets(json!({"v1": {"population": ["cortex", "V1"]}}));
    let err = ns.select("v1", &Circuit).unwrap_err();
    match &err {
        ConfigError::UnknownPopulation {
            node_set,
            population,
            known,
            file: f,
        } => {
            assert_eq!(node_set, "v1");
            assert_eq!(population, "V1");
            assert_eq!(known, &["thal", "cortex"]);
            assert_eq!(f.as_deref(), Some(file().as_path()));
        }
        other => panic!("wrong error: {other}"),
    }
    let msg = err.to_string();
    assert!(
        msg.contains("/cfg/node_sets.json") && msg.contains("`v1`") && msg.contains("V1"),
        "{msg}"
    );
}

#[test]
fn inline_sets_from_inputs_evaluate_with_their_label() {
    let ns = sets(json!({"bio": {"model_type": "biophysical"}}));
    let cfg = Path::new("/cfg/simulation_config.json");
    let inline = NodeSet::from_json(
        &json!({"population": "cortex", "node_ids": [0, 3]}),
        "inputs.clamp.node_set",
        Some(cfg),
    )
    .unwrap();
    assert_eq!(
        ns.evaluate(&inline, "inputs.clamp.node_set", Some(cfg), &Circuit)
            .unwrap(),
        sel(&[("cortex", &[0, 3])])
    );
    let bad = NodeSet::from_json(
        &json!({"population": "LGN"}),
        "inputs.x.node_set",
        Some(cfg),
    )
    .unwrap();
    match ns
        .evaluate(&bad, "inputs.x.node_set", Some(cfg), &Circuit)
        .unwrap_err()
    {
        ConfigError::UnknownPopulation { node_set, file, .. } => {
            assert_eq!(node_set, "inputs.x.node_set");
            assert_eq!(file.as_deref(), Some(cfg));
        }
        other => panic!("wrong error: {other}"),
    }
    let named = NodeSet::Named("bio".into());
    assert_eq!(
        ns.evaluate(&named, "reports.v.cells", Some(cfg), &Circuit)
            .unwrap(),
        sel(&[("thal", &[]), ("cortex", &[0, 1, 2])])
    );
}

#[test]
fn cycles_and_bad_definitions_are_errors() {
    let ns = sets(json!({"a": ["b"], "b": ["c", "a"], "c": [0]}));
    match ns.select("a", &Circuit).unwrap_err() {
        ConfigError::NodeSetCycle { cycle, .. } => assert_eq!(cycle, ["a", "b", "a"]),
        other => panic!("wrong error: {other}"),
    }
    for bad in [
        json!({"x": 5}),
        json!({"x": [1, "a"]}),
        json!({"x": [-1]}),
        json!({"x": {"node_ids": ["a"]}}),
        json!({"x": {"population": 3}}),
        json!({"x": {"model_type": {"nested": 1}}}),
        json!({"x": {"model_type": null}}),
    ] {
        match NodeSets::from_json(&bad, Some(&file())).unwrap_err() {
            ConfigError::InvalidNodeSet {
                node_set, file: f, ..
            } => {
                assert_eq!(node_set, "x");
                assert_eq!(f, Some(file()));
            }
            other => panic!("wrong error for {bad}: {other}"),
        }
    }
}
