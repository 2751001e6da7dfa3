//! Builder behaviour (BMTK semantics from ../shared/docs/bmtk-behaviour.md §1).

use rall_builder::*;
use std::sync::Arc;

fn props(n: usize) -> NodeProps {
    NodeProps::new()
        .set("model_type", "virtual")
        .array("x", (0..n).map(|i| i as f64).collect::<Vec<_>>())
}

#[test]
fn node_ids_and_types_as_bmtk() {
    let mut net = NetworkBuilder::new("n").unwrap();
    assert_eq!(net.add_nodes(3, props(3)).unwrap(), 100);
    let t = net
        .add_nodes(2, props(2).array("node_id", vec![10i64, 4]).set("pop", "b"))
        .unwrap();
    assert_eq!(t, 101);
    assert_eq!(
        net.add_nodes(3, NodeProps::new().set("pop", "c")).unwrap(),
        102
    );
    let ids: Vec<u64> = net.all_nodes().iter().map(Node::node_id).collect();
    assert_eq!(ids, vec![0, 1, 2, 10, 4, 3, 5, 6]);
    let pop = net.nodes_population();
    assert_eq!(pop.node_id, ids);
    assert_eq!(
        pop.node_type_id,
        vec![100, 100, 100, 101, 101, 102, 102, 102]
    );
    // set 1 keys [x], set 2 keys [node_id, x] (node_id counts for grouping), set 3 none.
    assert_eq!(pop.node_group_id, vec![0, 0, 0, 1, 1, 2, 2, 2]);
    assert_eq!(pop.node_group_index, vec![0, 1, 2, 0, 1, 0, 1, 2]);
    let g1 = &pop.groups[&1].datasets;
    assert_eq!(
        g1.keys().collect::<Vec<_>>(),
        vec!["x"],
        "node_id is not a group dataset"
    );
    assert!(pop.groups[&2].datasets.is_empty());
    // Same keys share a group; group index keeps counting.
    net.add_nodes(2, props(2)).unwrap();
    let pop = net.nodes_population();
    assert_eq!(&pop.node_group_id[8..], &[0, 0]);
    assert_eq!(&pop.node_group_index[8..], &[3, 4]);
    assert_eq!(&pop.node_id[8..], &[7, 8]);
}

#[test]
fn typed_errors() {
    assert!(matches!(
        NetworkBuilder::new(""),
        Err(BuilderError::EmptyName)
    ));
    let mut net = NetworkBuilder::new("n").unwrap();
    let e = net.add_nodes(3, props(2)).unwrap_err();
    assert!(
        matches!(
            e,
            BuilderError::LengthMismatch {
                expected: 3,
                got: 2,
                ..
            }
        ),
        "{e}"
    );
    net.add_nodes(2, NodeProps::new().array("node_id", vec![1i64, 2]))
        .unwrap();
    let e = net
        .add_nodes(1, NodeProps::new().array("node_id", vec![2i64]))
        .unwrap_err();
    assert!(
        matches!(e, BuilderError::DuplicateNodeId { id: 2, .. }),
        "{e}"
    );
    let e = net
        .add_nodes(2, NodeProps::new().array("node_id", vec![7i64, 7]))
        .unwrap_err();
    assert!(
        matches!(e, BuilderError::DuplicateNodeId { id: 7, .. }),
        "{e}"
    );
    net.add_nodes(1, NodeProps::new().set("node_type_id", 500))
        .unwrap();
    let e = net
        .add_nodes(1, NodeProps::new().set("node_type_id", 500))
        .unwrap_err();
    assert!(matches!(
        e,
        BuilderError::DuplicateNodeTypeId { id: 500, .. }
    ));
    let e = net.nodes(&Filter::all().eq("no_such_key", 1)).unwrap_err();
    assert!(matches!(e, BuilderError::BadFilter { .. }), "{e}");
    net.add_edges(
        Filter::all(),
        Filter::all(),
        ConnectionRule::one_to_all(|_, t| vec![1; t.len() + 1]),
        vec![],
    )
    .unwrap();
    let e = net.build().unwrap_err();
    assert!(matches!(e, BuilderError::RuleLength { .. }), "{e}");
    let e = net
        .add_edges(
            Filter::all(),
            Filter::all(),
            ConnectionRule::Constant(1),
            vec![("edge_type_id".into(), Value::Int(100))],
        )
        .unwrap_err();
    assert!(
        matches!(e, BuilderError::DuplicateEdgeTypeId { id: 100, .. }),
        "{e}"
    );
}

#[test]
fn filters() {
    let mut net = NetworkBuilder::new("n").unwrap();
    net.add_nodes(
        4,
        NodeProps::new()
            .set("ei", "e")
            .array("layer", vec!["L2", "L4", "L4", "L5"]),
    )
    .unwrap();
    net.add_nodes(2, NodeProps::new().set("ei", "i").set("tag", Value::None))
        .unwrap();
    let ids = |f: Filter, net: &mut NetworkBuilder| net.nodes(&f).unwrap().node_ids();
    assert_eq!(ids(Filter::all().eq("ei", "e"), &mut net), vec![0, 1, 2, 3]);
    assert_eq!(ids(Filter::all().eq("layer", "L4"), &mut net), vec![1, 2]);
    assert_eq!(
        ids(
            Filter::all().is_in("layer", vec!["L2".into(), "L5".into()]),
            &mut net
        ),
        vec![0, 3]
    );
    assert_eq!(
        ids(
            Filter::all().pred("node_id", |v| v.as_f64().unwrap() >= 4.0),
            &mut net
        ),
        vec![4, 5]
    );
    // None never matches.
    assert!(ids(Filter::all().pred("tag", |_| true), &mut net).is_empty());
    let pool = net
        .nodes(&Filter::all().eq("ei", "e").eq("layer", "L4"))
        .unwrap();
    assert_eq!(pool.query, "ei=='e'&layer=='L4'");
}

fn two_pops() -> (NetworkBuilder, NodePool) {
    let mut trg = NetworkBuilder::new("trg").unwrap();
    trg.add_nodes(3, NodeProps::new().array("y", vec![0.0, 1.0, 2.0]))
        .unwrap();
    let pool = trg.nodes(&Filter::all()).unwrap();
    let mut src = NetworkBuilder::new("src").unwrap();
    src.add_nodes(4, NodeProps::new().array("y", vec![0.0, 1.0, 2.0, 3.0]))
        .unwrap();
    (src, pool)
}

fn pair_rule(s: &Node, t: &Node) -> Option<u32> {
    let k = (s.node_id() + 2 * t.node_id()) % 3;
    (k > 0).then_some(k as u32)
}

#[test]
fn rule_forms_agree() {
    let mut tables = Vec::new();
    let rules = vec![
        ConnectionRule::per_pair(pair_rule),
        ConnectionRule::one_to_all(|s, ts| {
            ts.iter().map(|t| pair_rule(s, t).unwrap_or(0)).collect()
        }),
        ConnectionRule::all_to_one(|ss, t| {
            ss.iter().map(|s| pair_rule(s, t).unwrap_or(0)).collect()
        }),
        ConnectionRule::List(
            (0..4u64)
                .flat_map(|s| (0..3u64).map(move |t| ((s + 2 * t) % 3) as u32))
                .collect(),
        ),
    ];
    for rule in rules {
        let (mut src, pool) = two_pops();
        src.add_edges(Filter::all(), pool, rule, vec![]).unwrap();
        let t = src.edge_tables().unwrap()[0].clone();
        tables.push((t.source_ids, t.target_ids, t.nsyns));
    }
    for t in &tables[1..] {
        assert_eq!(t, &tables[0]);
    }
    // Source-major order, zero pairs dropped.
    assert_eq!(tables[0].0, vec![0, 0, 1, 1, 2, 2, 3, 3]);
    assert_eq!(tables[0].1, vec![1, 2, 0, 2, 0, 1, 1, 2]);
    assert_eq!(tables[0].2, Some(vec![2, 1, 1, 2, 2, 1, 2, 1]));
}

#[test]
fn per_synapse_properties_groups_sorting_indices() {
    let (mut src, pool) = two_pops();
    // Edge type 100: nsyns only. Edge type 101: per-synapse properties (one row per synapse).
    src.add_edges(
        Filter::all().pred("y", |v| v.as_f64().unwrap() >= 2.0),
        pool.clone(),
        ConnectionRule::Constant(3),
        vec![("syn_weight".into(), Value::from(1.0))],
    )
    .unwrap();
    let counter = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let c2 = counter.clone();
    src.add_edges(
        Filter::all().eq("node_id", 0),
        pool.clone(),
        ConnectionRule::Constant(2),
        vec![("nsyns".into(), Value::Int(2))],
    )
    .unwrap()
    .add_properties(
        &["sec_id", "weight"],
        &[DType::I32, DType::F64],
        move |s, t| {
            c2.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            vec![
                Value::Float(7.9),
                Value::Float(s.get_f64("y").unwrap() + t.get_f64("y").unwrap()),
            ]
        },
    )
    .unwrap();
    src.build().unwrap();
    assert_eq!(
        counter.load(std::sync::atomic::Ordering::SeqCst),
        6,
        "once per synapse"
    );
    assert_eq!(src.nedges().unwrap(), 2 * 3 * 3 + 6);
    let pop = src.edges_population("src", "trg", None).unwrap().unwrap();
    assert_eq!(pop.name, "src_to_trg");
    // Rows before sorting: type 100 (sources 2,3 × targets 0..3), then type 101 (6 rows).
    // Stable sort by target.
    assert_eq!(pop.target_node_id, vec![0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2]);
    assert_eq!(pop.source_node_id, vec![2, 3, 0, 0, 2, 3, 0, 0, 2, 3, 0, 0]);
    assert_eq!(
        pop.edge_type_id,
        vec![100, 100, 101, 101, 100, 100, 101, 101, 100, 100, 101, 101]
    );
    assert_eq!(pop.edge_group_id, vec![0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1]);
    assert_eq!(
        pop.edge_group_index,
        vec![0, 1, 0, 1, 2, 3, 2, 3, 4, 5, 4, 5]
    );
    let g0 = &pop.groups[&0].datasets;
    assert_eq!(g0["nsyns"].data, rall_sonata::h5::Data::U32(vec![3; 6]));
    let g1 = &pop.groups[&1].datasets;
    assert_eq!(g1["sec_id"].data, rall_sonata::h5::Data::I32(vec![7; 6]));
    assert_eq!(
        g1["weight"].data,
        rall_sonata::h5::Data::F64(vec![0.0, 0.0, 1.0, 1.0, 2.0, 2.0])
    );
    assert_eq!(
        pop.target_to_source.node_id_to_range,
        vec![[0, 1], [1, 2], [2, 3]]
    );
    assert_eq!(
        pop.target_to_source.range_to_edge_id,
        vec![[0, 4], [4, 8], [8, 12]]
    );
    assert_eq!(pop.source_to_target.node_id_to_range[1], [0, 0]);

    // Type CSV: None → NULL, lists via str().
    let t = src.edge_types_table("x.csv".into(), "src", "trg");
    assert_eq!(
        &t.columns[..3],
        &["edge_type_id", "target_query", "source_query"]
    );
    assert_eq!(t.get(101, "source_query"), Some("node_id=='0'"));
    assert_eq!(t.get(101, "syn_weight"), None);
    assert_eq!(t.get(100, "syn_weight"), Some("1.0"));
}

#[test]
fn save_and_import_nodes() {
    let dir = tempfile::tempdir().unwrap();
    let mut net = NetworkBuilder::new("v1").unwrap();
    net.add_nodes(3, props(3).set("ei", "e")).unwrap();
    net.add_nodes(
        2,
        NodeProps::new()
            .set("ei", "i")
            .set("range", Value::from(vec![0.0, 1.5]))
            .array("positions", vec![[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]),
    )
    .unwrap();
    net.add_edges(
        Filter::all().eq("ei", "i"),
        Filter::all().eq("ei", "e"),
        ConnectionRule::Constant(1),
        vec![],
    )
    .unwrap();
    net.save(dir.path()).unwrap();
    assert!(dir.path().join("v1_v1_edges.h5").exists());
    let csv = std::fs::read_to_string(dir.path().join("v1_node_types.csv")).unwrap();
    assert!(csv.contains("\"[0.0, 1.5]\""), "{csv}");

    let mut again = NetworkBuilder::new("v1").unwrap();
    again
        .import_nodes(
            &dir.path().join("v1_nodes.h5"),
            &dir.path().join("v1_node_types.csv"),
            None,
        )
        .unwrap();
    assert_eq!(
        again.add_nodes(1, NodeProps::new().set("ei", "x")).unwrap(),
        102
    );
    let nodes = again.all_nodes();
    assert_eq!(
        nodes.iter().map(Node::node_id).collect::<Vec<_>>(),
        vec![0, 1, 2, 3, 4, 5]
    );
    assert_eq!(nodes[1].get_f64("x"), Some(1.0));
    assert_eq!(nodes[4].get_row("positions"), Some(&[4.0, 5.0, 6.0][..]));
    assert_eq!(nodes[4].get("ei"), Some(Value::from("i")));
    let pool = again.nodes(&Filter::all().eq("ei", "e")).unwrap();
    assert_eq!(pool.node_ids(), vec![0, 1, 2]);
    let orig = net.nodes_population();
    let mut re = NetworkBuilder::new("v1").unwrap();
    re.import_nodes(
        &dir.path().join("v1_nodes.h5"),
        &dir.path().join("v1_node_types.csv"),
        Some("v1"),
    )
    .unwrap();
    assert_eq!(re.nodes_population(), orig);
}

#[test]
fn edges_query() {
    let (mut src, pool) = two_pops();
    src.add_edges(
        Filter::all(),
        pool,
        ConnectionRule::per_pair(pair_rule),
        vec![("syn_weight".into(), Value::from(0.5))],
    )
    .unwrap()
    .add_property("syn_weight", DType::F64, |_, _| Value::Float(9.0))
    .unwrap();
    let e = src.edges(Some(&[1]), None, None, Some("trg")).unwrap();
    // Pair (1,0) has 1 synapse, (1,2) has 2: per-synapse rows.
    assert_eq!(e.len(), 3);
    assert_eq!(e[0].target_node_id, 0);
    // BMTK looks up edge-type properties first.
    assert_eq!(e[0].get("syn_weight"), Some(Value::Float(0.5)));
    assert_eq!(e[0].nsyns(), 1);
    assert!(src
        .edges(None, None, Some("other"), None)
        .unwrap()
        .is_empty());
}
