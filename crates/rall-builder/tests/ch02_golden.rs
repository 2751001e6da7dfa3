//! Golden test: the ch02 example's files equal BMTK 1.2.0's tutorial build
//! (validation/golden/ch02, produced by validation/ch02/make_golden.sh) dataset by dataset:
//! names, dtypes, shapes, values and attributes; CSVs with the same columns (order free) and
//! values. Missing golden files fail the test.

#[allow(dead_code)]
#[path = "../examples/ch02_build.rs"]
mod ch02;

use rall_sonata::h5::H5File;
use rall_sonata::TypeTable;
use std::path::{Path, PathBuf};

fn golden() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../validation/golden/ch02")
}

/// Walk both files and compare every group (members, attributes) and dataset (dtype via the
/// data variant, shape, values, attributes). Returns the number of objects compared.
fn compare_h5(ours: &Path, theirs: &Path) -> usize {
    let a = H5File::open(ours).unwrap();
    let b = H5File::open(theirs)
        .unwrap_or_else(|e| panic!("golden file {} missing: {e}", theirs.display()));
    let mut stack = vec!["/".to_string()];
    let mut n = 0;
    while let Some(g) = stack.pop() {
        let join = |c: &str| {
            if g == "/" {
                format!("/{c}")
            } else {
                format!("{g}/{c}")
            }
        };
        assert_eq!(a.attrs(&g).unwrap(), b.attrs(&g).unwrap(), "attrs of {g}");
        let (mut ga, mut gb) = (a.groups(&g).unwrap(), b.groups(&g).unwrap());
        ga.sort();
        gb.sort();
        assert_eq!(ga, gb, "subgroups of {g} in {}", theirs.display());
        let (mut da, mut db) = (a.datasets(&g).unwrap(), b.datasets(&g).unwrap());
        da.sort();
        db.sort();
        assert_eq!(da, db, "datasets of {g} in {}", theirs.display());
        for d in &da {
            let p = join(d);
            let (x, y) = (a.read(&p).unwrap(), b.read(&p).unwrap());
            assert_eq!(x.data.dtype_name(), y.data.dtype_name(), "dtype of {p}");
            assert_eq!(x.shape, y.shape, "shape of {p}");
            assert_eq!(x.data, y.data, "values of {p}");
            assert_eq!(a.attrs(&p).unwrap(), b.attrs(&p).unwrap(), "attrs of {p}");
            n += 1;
        }
        n += 1;
        stack.extend(ga.iter().map(|s| join(s)));
    }
    n
}

fn compare_csv(ours: &Path, theirs: &Path, id: &str) {
    let a = TypeTable::read(ours, id).unwrap();
    let b = TypeTable::read(theirs, id)
        .unwrap_or_else(|e| panic!("golden file {} missing: {e}", theirs.display()));
    let mut ca = a.columns.clone();
    let mut cb = b.columns.clone();
    ca.sort();
    cb.sort();
    assert_eq!(ca, cb, "columns of {}", theirs.display());
    assert_eq!(a.ids, b.ids);
    for &t in &a.ids {
        for c in &ca {
            assert_eq!(
                a.get(t, c),
                b.get(t, c),
                "{} type {t} column {c}",
                theirs.display()
            );
        }
    }
}

#[test]
fn ch02_network_and_inputs_equal_bmtk() {
    let dir = tempfile::tempdir().unwrap();
    let (n_syn, n_spikes) = ch02::build(dir.path()).unwrap();
    assert_eq!((n_syn, n_spikes), (50, 283));
    let g = golden();
    let mut objects = 0;
    for f in [
        "network/mcortex_nodes.h5",
        "network/mthalamus_nodes.h5",
        "network/mthalamus_mcortex_edges.h5",
        "inputs/mthalamus_spikes.h5",
    ] {
        objects += compare_h5(&dir.path().join(f), &g.join(f));
    }
    assert!(objects >= 38, "compared only {objects} objects");
    compare_csv(
        &dir.path().join("network/mcortex_node_types.csv"),
        &g.join("network/mcortex_node_types.csv"),
        "node_type_id",
    );
    compare_csv(
        &dir.path().join("network/mthalamus_node_types.csv"),
        &g.join("network/mthalamus_node_types.csv"),
        "node_type_id",
    );
    compare_csv(
        &dir.path().join("network/mthalamus_mcortex_edge_types.csv"),
        &g.join("network/mthalamus_mcortex_edge_types.csv"),
        "edge_type_id",
    );
    // No extra files.
    let mut names: Vec<String> = std::fs::read_dir(dir.path().join("network"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let mut want: Vec<String> = std::fs::read_dir(g.join("network"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    want.sort();
    assert_eq!(names, want);
}
