//! Shared helpers of the rall-bionet parity tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use rall_bionet::{Observer, PlanOptions, RunOptions, RunSummary};
use rall_sonata::{ReportReader, SpikeTable};

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// BMTK's Allen `.mod` files (not in the repo): `RALL_BMTK_MODFILES`, else the reference venv.
/// Fails — never skips — when they are absent.
pub fn modfiles() -> PathBuf {
    let dir = std::env::var("RALL_BMTK_MODFILES")
        .map(PathBuf::from)
        .unwrap_or_else(|_| {
            PathBuf::from(
                "/opt/ref/lib/python3.11/site-packages/bmtk/utils/scripts/bionet/mechanisms/modfiles",
            )
        });
    assert!(
        dir.join("NaTs.mod").exists(),
        "Allen mod files not found in {}; set RALL_BMTK_MODFILES",
        dir.display()
    );
    dir
}

pub struct Collect(pub Vec<String>);
impl Observer for Collect {
    fn log(&mut self, line: &str) {
        self.0.push(line.to_string());
    }
}

pub fn run_case(config: &Path, out: &Path) -> (RunSummary, Vec<String>) {
    run_case_threads(config, out, None)
}

pub fn run_case_threads(
    config: &Path,
    out: &Path,
    threads: Option<usize>,
) -> (RunSummary, Vec<String>) {
    let opts = RunOptions {
        plan: PlanOptions {
            mechanisms_dir: Some(modfiles()),
            output_dir: Some(out.to_path_buf()),
        },
        threads,
        ..Default::default()
    };
    let mut obs = Collect(Vec::new());
    let s = rall_bionet::run_config(config, &opts, &mut obs)
        .unwrap_or_else(|e| panic!("rall run {}: {e}", config.display()));
    (s, obs.0)
}

pub fn sorted_spikes(path: &Path, pop: &str) -> Vec<f64> {
    let t = SpikeTable::read_h5(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut v = t
        .population(pop)
        .map(|p| p.timestamps.clone())
        .unwrap_or_default();
    v.sort_by(f64::total_cmp);
    v
}

/// Max |Δ| between two reports' populations (same shape and mapping asserted).
pub fn report_dev(ours: &Path, golden: &Path, pop: &str) -> (f64, u64) {
    let a = ReportReader::open(ours).unwrap_or_else(|e| panic!("{}: {e}", ours.display()));
    let b = ReportReader::open(golden).unwrap_or_else(|e| panic!("{}: {e}", golden.display()));
    let pa = a.population(pop).expect("population in our report");
    let pb = b.population(pop).expect("population in golden report");
    assert_eq!(pa.shape, pb.shape, "report shape");
    assert_eq!(pa.mapping.node_ids, pb.mapping.node_ids);
    assert_eq!(pa.mapping.element_ids, pb.mapping.element_ids);
    assert_eq!(pa.mapping.element_pos, pb.mapping.element_pos);
    assert_eq!(pa.mapping.index_pointer, pb.mapping.index_pointer);
    assert_eq!(pa.mapping.time, pb.mapping.time);
    assert_eq!(pa.variable, pb.variable);
    let names = |m: &rall_sonata::ReportMapping| {
        let mut v: Vec<String> = m.extra.iter().map(|(n, _)| n.clone()).collect();
        v.sort();
        v
    };
    assert_eq!(
        names(&pa.mapping),
        names(&pb.mapping),
        "extra mapping datasets"
    );
    for (k, arr) in &pa.mapping.extra {
        if let Some((_, want)) = pb.mapping.extra.iter().find(|(n, _)| n == k) {
            assert_eq!(arr.data, want.data, "mapping/{k}");
        }
    }
    let ra = a.rows(pop, 0, pa.shape[0]).unwrap();
    let rb = b.rows(pop, 0, pb.shape[0]).unwrap();
    let mut dev = 0.0f64;
    for (x, y) in ra.iter().zip(&rb) {
        dev = dev.max((x - y).abs());
        assert!(x.is_finite(), "non-finite value in our report");
    }
    (dev, pa.shape[0])
}

/// Runs a golden case folder and compares spikes (exact), reports (tolerance each) and
/// `expected/synapses.json` when present.
pub fn check_dir(case: &Path, name: &str, reports: &[(&str, f64)]) {
    let out = tempfile::tempdir().unwrap();
    let (sum, _) = run_case(&case.join("config.json"), out.path());

    let ours = sorted_spikes(&out.path().join("spikes.h5"), "mcortex");
    let gold = sorted_spikes(&case.join("output/spikes.h5"), "mcortex");
    assert_eq!(ours.len(), gold.len(), "{name}: spike count");
    assert_eq!(ours, gold, "{name}: spike times");

    let mut devs = Vec::new();
    for (rep, tol) in reports {
        let f = format!("{rep}.h5");
        let (d, _) = report_dev(
            &out.path().join(&f),
            &case.join("output").join(&f),
            "mcortex",
        );
        assert!(
            d <= *tol,
            "{name}: {rep} differs by {d:e} (tolerance {tol:e})"
        );
        devs.push(format!("{rep} {d:e}"));
    }

    let syn_path = case.join("expected/synapses.json");
    let mut nsyn = 0;
    if syn_path.exists() {
        let want: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&syn_path).unwrap()).unwrap();
        for cell in want["cells"].as_array().unwrap() {
            let gid = cell["gid"].as_u64().unwrap();
            let got: Vec<_> = sum
                .synapses
                .iter()
                .filter(|s| s.target_gid == gid)
                .collect();
            let ws = cell["synapses"].as_array().unwrap();
            assert_eq!(got.len(), ws.len(), "{name}: synapses onto gid {gid}");
            for (g, w) in got.iter().zip(ws) {
                let i = &w["index"];
                assert_eq!(
                    g.section_id,
                    w["section_index"].as_i64().unwrap(),
                    "{name} gid {gid} syn {i}"
                );
                assert!(
                    (g.x - w["x"].as_f64().unwrap()).abs() <= 1e-12,
                    "{name} gid {gid} syn {i} x"
                );
                assert_eq!(g.source_node_id, w["source_node_id"].as_u64().unwrap());
                assert_eq!(g.weight, w["weight"].as_f64().unwrap());
                assert_eq!(g.delay, w["delay"].as_f64().unwrap());
                nsyn += 1;
            }
        }
    }
    eprintln!(
        "{name}: {} spikes identical, {nsyn} synapses identical, max |Δ| {}",
        ours.len(),
        devs.join(", ")
    );
}

/// A copy of the ch02 fixture (no outputs) with `tstop` ms, in a temp dir.
pub fn fixture(tstop: f64) -> tempfile::TempDir {
    let src = root().join("validation/golden/ch02");
    let dir = tempfile::tempdir().unwrap();
    fn copy(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).unwrap();
        for e in std::fs::read_dir(from).unwrap().flatten() {
            let p = e.path();
            let name = e.file_name();
            if name == "output" || name == "expected" {
                continue;
            }
            if p.is_dir() {
                copy(&p, &to.join(&name));
            } else {
                std::fs::copy(&p, to.join(&name)).unwrap();
            }
        }
    }
    copy(&src, dir.path());
    edit_json(&dir.path().join("simulation_config.json"), |v| {
        v["run"]["tstop"] = tstop.into();
    });
    dir
}

pub fn edit_json(p: &Path, f: impl FnOnce(&mut serde_json::Value)) {
    let mut v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap();
    f(&mut v);
    std::fs::write(p, serde_json::to_string_pretty(&v).unwrap()).unwrap();
}

pub fn edit_text(p: &Path, from: &str, to: &str) {
    let t = std::fs::read_to_string(p).unwrap();
    assert!(t.contains(from), "{} lacks {from}", p.display());
    std::fs::write(p, t.replace(from, to)).unwrap();
}
