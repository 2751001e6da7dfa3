//! Golden tests: every HDF5/CSV file of the BMTK-built tutorial folder
//! (`validation/golden/ch02`, made by `validation/ch02/make_golden.sh` with BMTK 1.2.0 +
//! NEURON 9.0.2) is read by rall-sonata and compared with what h5py read from it
//! (`validation/golden/ch02/expected/*.json`).
//!
//! Pass criterion (validation/ch02/README.md): structure, dtypes, shapes and attributes equal;
//! every value bit-exact (JSON floats are Python reprs, which round-trip exactly). The only
//! tolerance is on the sum of a large report, which h5py summed pairwise and we sum in order:
//! 1e-9 relative covers that reordering for 30,000 values of magnitude ~1e2.
//! A missing golden file is a failure, never a skip.

use std::path::{Path, PathBuf};

use rall_sonata::h5::{Attr, Data, H5File};
use rall_sonata::{EdgesFile, NodesFile, ReportReader, SpikeTable, TypeTable};
use serde_json::Value as J;

fn golden() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../validation/golden/ch02")
}

fn load(name: &str) -> J {
    let p = golden().join("expected").join(name);
    let text = std::fs::read_to_string(&p).unwrap_or_else(|e| {
        panic!(
            "golden file {} missing ({e}); run validation/ch02/make_golden.sh",
            p.display()
        )
    });
    serde_json::from_str(&text).expect("golden JSON parses")
}

fn flat_f64(v: &J, out: &mut Vec<f64>) {
    match v {
        J::Array(a) => a.iter().for_each(|x| flat_f64(x, out)),
        J::Number(n) => out.push(n.as_f64().expect("number")),
        other => panic!("expected number, got {other}"),
    }
}

fn flat_str(v: &J, out: &mut Vec<String>) {
    match v {
        J::Array(a) => a.iter().for_each(|x| flat_str(x, out)),
        J::String(s) => out.push(s.clone()),
        other => panic!("expected string, got {other}"),
    }
}

fn check_attr(file: &str, object: &str, name: &str, want: &J, got: Option<&Attr>) {
    let got = got.unwrap_or_else(|| panic!("{file}:{object}: attribute '{name}' missing"));
    let val = &want["value"];
    let ctx = format!("{file}:{object}@{name}");
    match want["dtype"].as_str().unwrap_or("") {
        "string" | "object" => assert_eq!(got.as_str(), val.as_str(), "{ctx}"),
        d if d.starts_with("float") => match (got, val) {
            (Attr::Float(x), J::Number(n)) => assert_eq!(*x, n.as_f64().unwrap(), "{ctx}"),
            (Attr::FloatArray(x), J::Array(_)) => {
                let mut w = Vec::new();
                flat_f64(val, &mut w);
                assert_eq!(x, &w, "{ctx}");
            }
            other => panic!("{ctx}: {other:?}"),
        },
        _ => {
            let mut w = Vec::new();
            flat_f64(val, &mut w);
            let g: Vec<f64> = got
                .as_u64s()
                .or_else(|| match got {
                    Attr::Int(i) => Some(vec![*i as u64]),
                    _ => None,
                })
                .unwrap_or_else(|| panic!("{ctx}: not an integer attribute: {got:?}"))
                .into_iter()
                .map(|x| x as f64)
                .collect();
            assert_eq!(g, w, "{ctx}");
        }
    }
}

/// Compares one h5 file against h5py's generic dump `{root_attrs, groups, datasets}`.
fn check_dump(rel: &str, dump: &J) {
    let path = golden().join(rel);
    let f = H5File::open(&path).unwrap_or_else(|e| panic!("{e}"));
    for (g, spec) in dump["groups"].as_object().expect("groups") {
        assert!(f.has_group(g), "{rel}: group {g} missing");
        let mut members: Vec<String> = f.groups(g).unwrap();
        members.extend(f.datasets(g).unwrap());
        members.sort();
        let mut want: Vec<String> = spec["members"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m.as_str().unwrap().to_string())
            .collect();
        want.sort();
        assert_eq!(members, want, "{rel}: members of {g}");
        let attrs = f.attrs(g).unwrap();
        for (name, a) in spec["attrs"].as_object().unwrap() {
            check_attr(rel, g, name, a, attrs.get(name));
        }
        assert_eq!(
            attrs.len(),
            spec["attrs"].as_object().unwrap().len(),
            "{rel}:{g} attr count"
        );
    }
    for (d, spec) in dump["datasets"].as_object().expect("datasets") {
        let arr = f.read(d).unwrap_or_else(|e| panic!("{e}"));
        let want_shape: Vec<u64> = spec["shape"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_u64().unwrap())
            .collect();
        assert_eq!(arr.shape, want_shape, "{rel}:{d} shape");
        let dt = spec["dtype"].as_str().unwrap();
        let is_str =
            matches!(dt, "object" | "string") || dt.starts_with("|S") || dt.starts_with("<U");
        if is_str {
            assert!(
                matches!(arr.data, Data::Str(_)),
                "{rel}:{d}: expected strings"
            );
        } else {
            assert_eq!(arr.data.dtype_name(), dt, "{rel}:{d} dtype");
        }
        let values = &spec["values"];
        if values.is_null() {
            // Large dataset: h5py recorded first/last rows and the sum.
            let got = arr.data.to_f64s().expect("numeric");
            let cols = arr.shape.get(1).copied().unwrap_or(1) as usize;
            let mut first = Vec::new();
            flat_f64(&spec["first_rows"], &mut first);
            assert_eq!(&got[..first.len()], &first[..], "{rel}:{d} first rows");
            let mut last = Vec::new();
            flat_f64(&spec["last_rows"], &mut last);
            assert_eq!(
                &got[got.len() - last.len()..],
                &last[..],
                "{rel}:{d} last rows"
            );
            let sum: f64 = got.iter().sum();
            let want = spec["fsum"].as_f64().unwrap();
            assert!(
                (sum - want).abs() <= 1e-9 * want.abs(),
                "{rel}:{d} sum {sum} vs {want}"
            );
            assert_eq!(got.len() % cols.max(1), 0);
        } else if is_str {
            let mut w = Vec::new();
            flat_str(values, &mut w);
            assert_eq!(arr.data.as_strings().unwrap(), &w[..], "{rel}:{d} values");
        } else {
            let mut w = Vec::new();
            flat_f64(values, &mut w);
            assert_eq!(arr.data.to_f64s().unwrap(), w, "{rel}:{d} values");
        }
        let attrs = f.attrs(d).unwrap();
        for (name, a) in spec["attrs"].as_object().unwrap() {
            check_attr(rel, d, name, a, attrs.get(name));
        }
    }
    let root = f.attrs("/").unwrap();
    for (name, a) in dump["root_attrs"].as_object().unwrap() {
        check_attr(rel, "/", name, a, root.get(name));
    }
}

#[test]
fn every_h5_file_reads_as_h5py_reads_it() {
    let mut n = 0;
    for name in ["nodes.json", "edges.json"] {
        let j = load(name);
        for (rel, dump) in j["files"].as_object().unwrap() {
            check_dump(rel, dump);
            n += 1;
        }
    }
    for name in [
        "input_spikes.json",
        "output_spikes.json",
        "v_report.json",
        "cai_report.json",
    ] {
        let j = load(name);
        check_dump(j["file"].as_str().unwrap(), &j["h5"]);
        n += 1;
    }
    assert_eq!(n, 7, "the tutorial has 7 h5 files");
}

#[test]
fn nodes_and_types() {
    let g = golden().join("network");
    let cortex =
        NodesFile::read(g.join("mcortex_nodes.h5"), g.join("mcortex_node_types.csv")).unwrap();
    let thal = NodesFile::read(
        g.join("mthalamus_nodes.h5"),
        g.join("mthalamus_node_types.csv"),
    )
    .unwrap();
    let c = cortex.population("mcortex").unwrap();
    let t = thal.population("mthalamus").unwrap();
    assert_eq!(c.len(), 1);
    assert_eq!(t.len(), 10);
    assert_eq!(t.node_id, (0..10).collect::<Vec<u64>>());
    let mt = c.property(0, "model_type", &cortex.types).unwrap();
    assert_eq!(mt.as_str(), Some("biophysical"));
    assert_eq!(
        c.property(0, "morphology", &cortex.types).unwrap().as_str(),
        Some("Scnn1a_473845048_m.swc")
    );
    assert_eq!(
        t.property(3, "model_type", &thal.types).unwrap().as_str(),
        Some("virtual")
    );

    // CSV columns and values as pandas read them.
    let j = load("types_csv.json");
    for (rel, spec) in j.as_object().unwrap() {
        let id = if rel.contains("edge_types") {
            "edge_type_id"
        } else {
            "node_type_id"
        };
        let tt = TypeTable::read(golden().join(rel), id).unwrap();
        let cols: Vec<String> = spec["columns"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_str().unwrap().to_string())
            .collect();
        assert_eq!(tt.columns, cols, "{rel}");
        for (r, raw) in spec["raw_rows"].as_array().unwrap().iter().enumerate() {
            for (c, cell) in raw.as_array().unwrap().iter().enumerate() {
                let want = cell.as_str().unwrap();
                let got = tt.rows[r][c].as_deref().unwrap_or("NULL");
                assert_eq!(got, want, "{rel} row {r} col {}", cols[c]);
            }
        }
    }
}

#[test]
fn edges_with_index() {
    let g = golden().join("network");
    let e = EdgesFile::read(
        g.join("mthalamus_mcortex_edges.h5"),
        g.join("mthalamus_mcortex_edge_types.csv"),
    )
    .unwrap();
    let p = &e.populations[0];
    assert_eq!(p.name, "mthalamus_to_mcortex");
    assert_eq!(p.source_population, "mthalamus");
    assert_eq!(p.target_population, "mcortex");
    assert!(p.indexed_in_file);
    assert_eq!(p.len(), 10);
    assert_eq!(p.synapse_count(), 50);
    assert_eq!(p.edges_onto(0), (0..10).collect::<Vec<usize>>());
    assert_eq!(p.edges_from(7).len(), 1);
    let w = p.property(0, "syn_weight", &e.types).unwrap();
    assert_eq!(w.as_f64(), Some(0.001));
    let j = load("edges.json");
    let pj = &j["populations"]["mthalamus_to_mcortex"];
    assert_eq!(pj["total_nsyns"].as_u64(), Some(50));
}

#[test]
fn spikes_bit_exact() {
    for (name, rel, pop, n) in [
        (
            "input_spikes.json",
            "inputs/mthalamus_spikes.h5",
            "mthalamus",
            283usize,
        ),
        ("output_spikes.json", "output/spikes.h5", "mcortex", 44),
    ] {
        let j = load(name);
        let t = SpikeTable::read(golden().join(rel)).unwrap();
        let p = t.population(pop).unwrap();
        assert_eq!(p.len(), n);
        let pj = &j["populations"][pop];
        let mut ts = Vec::new();
        flat_f64(&pj["timestamps"]["values"], &mut ts);
        let mut ids = Vec::new();
        flat_f64(&pj["node_ids"]["values"], &mut ids);
        // Bit-exact: compare the bit patterns.
        let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&p.timestamps), bits(&ts), "{rel}");
        assert_eq!(
            p.node_ids.iter().map(|&x| x as f64).collect::<Vec<_>>(),
            ids
        );
        assert_eq!(p.units, "ms");
    }
}

#[test]
fn reports_mapping_and_rows() {
    for (name, rel, var) in [
        ("v_report.json", "output/v_report.h5", "v"),
        ("cai_report.json", "output/cai_report.h5", "cai"),
    ] {
        let j = load(name);
        let r = ReportReader::open(golden().join(rel)).unwrap();
        let p = r.population("mcortex").unwrap();
        assert_eq!(p.shape, [30000, 1]);
        assert_eq!(p.variable.as_deref(), Some(var));
        assert_eq!(p.mapping.node_ids, vec![0]);
        assert_eq!(p.mapping.index_pointer, vec![0, 1]);
        assert_eq!(p.mapping.element_ids, vec![0]);
        assert_eq!(p.mapping.element_pos, vec![0.5]);
        assert_eq!(p.mapping.time, [0.0, 3000.0, 0.1]);
        let trace = &r.node_traces("mcortex", 0).unwrap()[0];
        let mut first = Vec::new();
        flat_f64(
            &j["populations"]["mcortex"]["data"]["first_rows"],
            &mut first,
        );
        assert_eq!(&trace[..3], &first[..]);
        assert_eq!(trace.len(), 30000);
    }
}
