//! Golden test against BMTK 1.2.0 on a richer network (tests/golden/make_rich.py, output in
//! tests/golden/rich/): explicit node ids, node_type_id, per-node strings/floats/N×3 arrays,
//! tuple/list type properties, filters with several keys, per-pair / one-to-all / all-to-one /
//! constant rules, per-synapse properties (single and multi-name, int64 and float64), shared
//! edge groups, an edges file onto another network, and importing BMTK's nodes files.
//!
//! Nodes files and type CSVs must be equal (CSV column order free). Edges files: BMTK sorts by
//! target with numpy's unstable argsort (rows with equal targets come out in an arbitrary
//! order), so rows are compared as a multiset of (target, source, edge type, group id, group
//! values), plus: the same datasets/dtypes/attributes, targets sorted, and the same number of
//! rows per node id in both indices. Missing golden files fail the test.

use rall_builder::*;
use rall_sonata::h5::{Data, H5File};
use rall_sonata::TypeTable;
use std::path::{Path, PathBuf};

fn golden() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden/rich")
}

fn build(out: &Path) {
    let g = golden();
    let mut v1 = NetworkBuilder::new("v1").unwrap();
    v1.add_nodes(
        4,
        NodeProps::new()
            .set("ei", "e")
            .set("model_type", "biophysical")
            .array("layer", vec!["L2", "L4", "L4", "L5"])
            .array("x", vec![0.0, 10.0, 20.0, 30.0])
            .set("tags", Value::Tuple(vec!["a".into(), Value::Int(1)])),
    )
    .unwrap();
    v1.add_nodes(
        3,
        NodeProps::new()
            .array("node_id", vec![20i64, 21, 7])
            .set("ei", "i")
            .set("model_type", "biophysical")
            .array("layer", vec!["L4", "L4", "L5"])
            .array("x", vec![5.0, 15.0, 25.0]),
    )
    .unwrap();
    v1.add_nodes(
        2,
        NodeProps::new()
            .set("ei", "e")
            .set("model_type", "point_neuron")
            .set("node_type_id", 300)
            .array("positions", vec![[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
            .set("depth", 0.25),
    )
    .unwrap();
    v1.add_nodes(
        2,
        NodeProps::new()
            .set("ei", "e")
            .set("model_type", "biophysical")
            .array("layer", vec!["L6", "L6"])
            .array("x", vec![40.0, 50.0]),
    )
    .unwrap();
    v1.add_edges(
        Filter::all().eq("ei", "e"),
        Filter::all().eq("ei", "e").eq("model_type", "biophysical"),
        ConnectionRule::per_pair(|s, t| {
            let (s, t) = (s.node_id(), t.node_id());
            (s != t).then_some(((s + 2 * t) % 3) as u32)
        }),
        vec![
            ("syn_weight".into(), Value::from(0.5)),
            ("model_template".into(), Value::from("exp2syn")),
            ("dynamics_params".into(), Value::from("AMPA.json")),
        ],
    )
    .unwrap()
    .add_property("delay", DType::F64, |s, t| {
        Value::Float(1.0 + 0.1 * ((s.node_id() * 7 + t.node_id()) % 5) as f64)
    })
    .unwrap()
    .add_properties(&["sec_id", "sec_x"], &[DType::I64, DType::F64], |s, t| {
        vec![
            Value::Int(((s.node_id() + t.node_id()) % 4) as i64),
            Value::Float(0.25 * (t.node_id() % 3) as f64),
        ]
    })
    .unwrap();
    v1.add_edges(
        Filter::all().eq("ei", "i"),
        Filter::all().eq("ei", "e"),
        ConnectionRule::Constant(2),
        vec![
            ("edge_type_id".into(), Value::Int(500)),
            ("syn_weight".into(), Value::from(-1.0)),
            ("target_sections".into(), Value::from(vec!["somatic"])),
            ("distance_range".into(), Value::from(vec![0.0, 1e20])),
        ],
    )
    .unwrap();
    v1.add_edges(
        Filter::all().eq("ei", "e").eq("layer", "L4"),
        Filter::all().eq("ei", "i"),
        ConnectionRule::one_to_all(|s, ts| {
            ts.iter()
                .map(|t| ((s.node_id() + t.node_id()) % 2) as u32)
                .collect()
        }),
        vec![("syn_weight".into(), Value::from(0.25))],
    )
    .unwrap();
    v1.save(out).unwrap();

    let mut lgn = NetworkBuilder::new("lgn").unwrap();
    lgn.import_nodes(&g.join("lgn_nodes.h5"), &g.join("lgn_node_types.csv"), None)
        .unwrap();
    let targets = v1
        .nodes(&Filter::all().eq("model_type", "biophysical"))
        .unwrap();
    lgn.add_edges(
        Filter::all(),
        targets,
        ConnectionRule::all_to_one(|ss, t| {
            ss.iter()
                .map(|s| 1 + ((s.node_id() + t.node_id()) % 2) as u32)
                .collect()
        }),
        vec![
            ("syn_weight".into(), Value::from(0.75)),
            ("delay".into(), Value::from(1.0)),
        ],
    )
    .unwrap();
    lgn.build().unwrap();
    lgn.save_nodes(out).unwrap();
    lgn.save_edges(out).unwrap();
}

fn open(p: &Path) -> H5File {
    H5File::open(p).unwrap_or_else(|e| panic!("{} missing: {e}", p.display()))
}

/// All datasets below `g` (recursive), sorted.
fn datasets(f: &H5File, g: &str) -> Vec<String> {
    let mut out: Vec<String> = f
        .datasets(g)
        .unwrap()
        .into_iter()
        .map(|d| format!("{g}/{d}"))
        .collect();
    for sub in f.groups(g).unwrap() {
        out.extend(datasets(f, &format!("{g}/{sub}")));
    }
    out.sort();
    out
}

fn compare_nodes(name: &str, dir: &Path) {
    let (a, b) = (open(&dir.join(name)), open(&golden().join(name)));
    assert_eq!(a.attrs("/").unwrap(), b.attrs("/").unwrap());
    let (da, db) = (datasets(&a, "/nodes"), datasets(&b, "/nodes"));
    assert_eq!(da, db, "{name}");
    for d in &da {
        let (x, y) = (a.read(d).unwrap(), b.read(d).unwrap());
        assert_eq!(x, y, "{name}:{d}");
        assert_eq!(a.attrs(d).unwrap(), b.attrs(d).unwrap(), "{name}:{d}");
    }
}

fn cell(d: &Data, i: usize) -> String {
    match d {
        Data::Str(v) => v[i].clone(),
        Data::F64(v) => format!("{:?}", v[i]),
        Data::F32(v) => format!("{:?}", v[i]),
        other => other.to_i64s().unwrap()[i].to_string(),
    }
}

fn edge_rows(f: &H5File, pop: &str) -> Vec<Vec<String>> {
    let base = format!("/edges/{pop}");
    let col = |n: &str| {
        f.read(&format!("{base}/{n}"))
            .unwrap()
            .data
            .to_u64s()
            .unwrap()
    };
    let (src, trg, et, gid, gix) = (
        col("source_node_id"),
        col("target_node_id"),
        col("edge_type_id"),
        col("edge_group_id"),
        col("edge_group_index"),
    );
    assert!(
        trg.windows(2).all(|w| w[0] <= w[1]),
        "{pop}: sorted by target"
    );
    let mut rows = Vec::new();
    for i in 0..src.len() {
        let g = format!("{base}/{}", gid[i]);
        let mut r = vec![
            trg[i].to_string(),
            src[i].to_string(),
            et[i].to_string(),
            gid[i].to_string(),
        ];
        let mut names = f.datasets(&g).unwrap();
        names.sort();
        for n in names {
            let d = f.read(&format!("{g}/{n}")).unwrap();
            r.push(format!("{n}={}", cell(&d.data, gix[i] as usize)));
        }
        rows.push(r);
    }
    rows.sort();
    rows
}

fn compare_edges(name: &str, pop: &str, dir: &Path) {
    let (a, b) = (open(&dir.join(name)), open(&golden().join(name)));
    assert_eq!(a.attrs("/").unwrap(), b.attrs("/").unwrap());
    let (da, db) = (datasets(&a, "/edges"), datasets(&b, "/edges"));
    assert_eq!(da, db, "{name}");
    for d in &da {
        let (x, y) = (a.read(d).unwrap(), b.read(d).unwrap());
        assert_eq!(x.data.dtype_name(), y.data.dtype_name(), "{name}:{d}");
        // The number of runs in range_to_edge_id depends on the order of equal-target rows.
        if !d.ends_with("range_to_edge_id") {
            assert_eq!(x.shape, y.shape, "{name}:{d}");
        }
        assert_eq!(a.attrs(d).unwrap(), b.attrs(d).unwrap(), "{name}:{d}");
    }
    assert_eq!(edge_rows(&a, pop), edge_rows(&b, pop), "{name}");
    // Rows per node id in each index.
    for dir_ in ["target_to_source", "source_to_target"] {
        let counts = |f: &H5File| -> Vec<u64> {
            let base = format!("/edges/{pop}/indices/{dir_}");
            let n2r = f
                .read(&format!("{base}/node_id_to_range"))
                .unwrap()
                .data
                .to_u64s()
                .unwrap();
            let r2e = f
                .read(&format!("{base}/range_to_edge_id"))
                .unwrap()
                .data
                .to_u64s()
                .unwrap();
            n2r.chunks(2)
                .map(|r| {
                    (r[0]..r[1])
                        .map(|k| r2e[2 * k as usize + 1] - r2e[2 * k as usize])
                        .sum()
                })
                .collect()
        };
        assert_eq!(counts(&a), counts(&b), "{name} {dir_}");
    }
}

fn compare_csv(name: &str, id: &str, dir: &Path) {
    let a = TypeTable::read(dir.join(name), id).unwrap();
    let b = TypeTable::read(golden().join(name), id)
        .unwrap_or_else(|e| panic!("golden {name} missing: {e}"));
    let (mut ca, mut cb) = (a.columns.clone(), b.columns.clone());
    ca.sort();
    cb.sort();
    assert_eq!(ca, cb, "{name}");
    assert_eq!(a.ids, b.ids, "{name}");
    for &t in &a.ids {
        for c in &ca {
            assert_eq!(a.get(t, c), b.get(t, c), "{name} type {t} column {c}");
        }
    }
}

#[test]
fn rich_network_equals_bmtk() {
    let dir = tempfile::tempdir().unwrap();
    build(dir.path());
    compare_nodes("v1_nodes.h5", dir.path());
    compare_nodes("lgn_nodes.h5", dir.path());
    compare_csv("v1_node_types.csv", "node_type_id", dir.path());
    compare_csv("lgn_node_types.csv", "node_type_id", dir.path());
    compare_csv("v1_v1_edge_types.csv", "edge_type_id", dir.path());
    compare_csv("lgn_v1_edge_types.csv", "edge_type_id", dir.path());
    compare_edges("v1_v1_edges.h5", "v1_to_v1", dir.path());
    compare_edges("lgn_v1_edges.h5", "lgn_to_v1", dir.path());
}
