//! Geometry golden tests against NEURON 9.0.2 + BMTK 1.2.0 (validation/golden/cells).
//! Pass criterion: section count, names, parents, nseg equal; L, area and ri within 1e-12
//! relative; diam and distance exact (see validation/golden/cells/README.md).

use std::path::PathBuf;

use rall_cable::{read_swc, GeometryReport, Morphology};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

const CELLS: &[(&str, &str)] = &[
    ("Scnn1a_473845048_m", "472363762_fit.json"),
    ("Rorb_325404214_m", "473863510_fit.json"),
    ("Nr5a1_471087815_m", "473863035_fit.json"),
    ("Pvalb_470522102_m", "472912177_fit.json"),
    ("Pvalb_469628681_m", "473862421_fit.json"),
];

/// Synthetic SWCs in validation/cells/swc (3-point soma, multi-point soma with interior and end
/// children, axon from a dendrite).
const SYNTHETIC: &[(&str, &str)] = &[
    ("soma3pt", "472363762_fit.json"),
    ("somachain", "472363762_fit.json"),
];

fn all_cases() -> Vec<(String, PathBuf, &'static str)> {
    let mut v: Vec<(String, PathBuf, &'static str)> = CELLS
        .iter()
        .map(|(c, f)| {
            (
                c.to_string(),
                root().join(format!("../shared/components/morphologies/{c}.swc")),
                *f,
            )
        })
        .collect();
    v.extend(SYNTHETIC.iter().map(|(c, f)| {
        (
            c.to_string(),
            root().join(format!("validation/cells/swc/{c}.swc")),
            *f,
        )
    }));
    v
}

fn load_golden(cell: &str, variant: &str) -> GeometryReport {
    let p = root().join(format!("validation/golden/cells/{cell}.{variant}.json"));
    let text = std::fs::read_to_string(&p).unwrap_or_else(|e| {
        panic!(
            "golden file {} missing ({e}); run validation/cells/make_golden.py",
            p.display()
        )
    });
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("bad golden {}: {e}", p.display()))
}

fn load_cell(p: &std::path::Path) -> Morphology {
    let text = std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    read_swc(&p.display().to_string(), &text).unwrap()
}

/// Ra and cm per section prefix from an Allen perisomatic fit file (the few numbers the
/// geometry needs; full fit parsing belongs to rall-bionet).
fn passive(fit: &str) -> (f64, Vec<(String, f64)>) {
    let p = root().join(format!(
        "../shared/components/biophysical_neuron_models/{fit}"
    ));
    let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap();
    let pas = &v["passive"][0];
    let ra = pas["ra"].as_f64().unwrap();
    let cm = pas["cm"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["section"].as_str().unwrap().to_string(),
                c["cm"].as_f64().unwrap(),
            )
        })
        .collect();
    (ra, cm)
}

fn rel(a: f64, b: f64) -> f64 {
    if a == b {
        0.0
    } else {
        (a - b).abs() / b.abs().max(1e-300)
    }
}

#[derive(Default, Debug)]
struct Dev {
    l: f64,
    area: f64,
    ri: f64,
    diam: f64,
    dist: f64,
}

fn compare(tag: &str, got: &GeometryReport, want: &GeometryReport) -> Dev {
    assert_eq!(
        got.sections.len(),
        want.sections.len(),
        "{tag}: section count"
    );
    assert_eq!(
        got.segments.len(),
        want.segments.len(),
        "{tag}: segment count"
    );
    let mut d = Dev::default();
    for (g, w) in got.sections.iter().zip(&want.sections) {
        assert_eq!(
            (g.index, &g.name, g.parent, g.nseg),
            (w.index, &w.name, w.parent, w.nseg),
            "{tag}: section {}",
            w.name
        );
        assert_eq!(g.parent_x, w.parent_x, "{tag}: {} parent_x", w.name);
        assert_eq!((g.ra, g.cm), (w.ra, w.cm), "{tag}: {} Ra/cm", w.name);
        d.l = d.l.max(rel(g.l, w.l));
    }
    for (g, w) in got.segments.iter().zip(&want.segments) {
        assert_eq!((g.section, g.x), (w.section, w.x), "{tag}: segment order");
        d.area = d.area.max(rel(g.area, w.area));
        d.ri = d.ri.max(rel(g.ri, w.ri));
        d.diam = d.diam.max(rel(g.diam, w.diam));
        d.dist = d.dist.max(rel(g.distance, w.distance));
    }
    eprintln!("{tag}: max rel dev {d:?}");
    // 1e-12 relative: the acceptance bound for L, area, ri
    assert!(
        d.l <= 1e-12 && d.area <= 1e-12 && d.ri <= 1e-12,
        "{tag}: {d:?}"
    );
    // diam and distance are not part of the acceptance, but match exactly too
    assert!(d.diam == 0.0 && d.dist == 0.0, "{tag}: {d:?}");
    d
}

#[test]
fn raw_import3d_matches_neuron() {
    for (cell, path, _) in all_cases() {
        let cell = cell.as_str();
        let m = load_cell(&path);
        compare(
            &format!("{cell}.raw"),
            &m.geometry_report(),
            &load_golden(cell, "raw"),
        );
    }
}

#[test]
fn plain_dl20_matches_neuron() {
    for (cell, path, _) in all_cases() {
        let cell = cell.as_str();
        let mut m = load_cell(&path);
        m.set_nseg_by_dl(20.0).unwrap();
        compare(
            &format!("{cell}.plain"),
            &m.geometry_report(),
            &load_golden(cell, "plain"),
        );
    }
}

#[test]
fn perisomatic_dl20_matches_neuron() {
    for (cell, path, fit) in all_cases() {
        let cell = cell.as_str();
        let mut m = load_cell(&path);
        m.fix_axon_perisomatic().unwrap();
        let (ra, cm) = passive(fit);
        let cm: Vec<(&str, f64)> = cm.iter().map(|(s, c)| (s.as_str(), *c)).collect();
        m.set_passive_by_prefix(ra, &cm).unwrap();
        m.set_nseg_by_dl(20.0).unwrap();
        compare(
            &format!("{cell}.peri"),
            &m.geometry_report(),
            &load_golden(cell, "peri"),
        );
    }
}

#[test]
fn allactive_axon_dl20_matches_neuron() {
    for (cell, path, _) in all_cases() {
        let cell = cell.as_str();
        let mut m = load_cell(&path);
        m.fix_axon_allactive().unwrap();
        m.set_nseg_by_dl(20.0).unwrap();
        compare(
            &format!("{cell}.allax"),
            &m.geometry_report(),
            &load_golden(cell, "allax"),
        );
    }
}

#[test]
fn cell_geometry_entry_point_matches_golden() {
    let (cell, fit) = CELLS[0];
    let p = root().join(format!("../shared/components/morphologies/{cell}.swc"));
    let text = std::fs::read_to_string(&p).unwrap();
    let (ra, cm) = passive(fit);
    let got = rall_cable::cell_geometry(
        cell,
        &text,
        &rall_cable::Processing::Perisomatic { ra, cm },
        Some(20.0),
    )
    .unwrap();
    compare("cell_geometry peri", &got, &load_golden(cell, "peri"));
    // the JSON the CLI prints round-trips exactly
    let s = serde_json::to_string(&got).unwrap();
    let back: GeometryReport = serde_json::from_str(&s).unwrap();
    assert_eq!(back, got);
    let e = rall_cable::cell_geometry(
        "bad.swc",
        "1 1 0 0 0\n",
        &rall_cable::Processing::None,
        None,
    )
    .unwrap_err();
    assert!(e.to_string().starts_with("bad.swc:1:"), "{e}");
}
