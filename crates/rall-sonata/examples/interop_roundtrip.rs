//! Round trip for the interop check: reads every SONATA file of the BMTK-built tutorial
//! (`validation/golden/ch02`) with rall-sonata and writes it again with rall-sonata's writers
//! into OUT_DIR (same relative paths; spikes also as CSV; reports through the streaming
//! writer), plus `manifest.json` for `validation/interop/check_rall_files.py`, which then loads
//! every file with h5py and with BMTK's own readers.
//!
//! usage: cargo run -p rall-sonata --example interop_roundtrip -- OUT_DIR

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use rall_sonata::edges::write_edges_h5;
use rall_sonata::nodes::write_nodes_h5;
use rall_sonata::{EdgesFile, NodesFile, ReportReader, ReportWriter, SpikeTable};

fn run(out: &Path) -> Result<(), Box<dyn std::error::Error>> {
    let golden = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../validation/golden/ch02")
        .canonicalize()?;
    std::fs::create_dir_all(out.join("network"))?;
    std::fs::create_dir_all(out.join("inputs"))?;
    std::fs::create_dir_all(out.join("output"))?;

    for pop in ["mcortex", "mthalamus"] {
        let h5 = format!("network/{pop}_nodes.h5");
        let csv = format!("network/{pop}_node_types.csv");
        let n = NodesFile::read(golden.join(&h5), golden.join(&csv))?;
        write_nodes_h5(out.join(&h5), &n.populations)?;
        n.types.write(out.join(&csv))?;
    }
    let (h5, csv) = (
        "network/mthalamus_mcortex_edges.h5",
        "network/mthalamus_mcortex_edge_types.csv",
    );
    let e = EdgesFile::read(golden.join(h5), golden.join(csv))?;
    write_edges_h5(out.join(h5), &e.populations)?;
    e.types.write(out.join(csv))?;

    for rel in ["inputs/mthalamus_spikes.h5", "output/spikes.h5"] {
        let s = SpikeTable::read(golden.join(rel))?;
        s.write_h5(out.join(rel))?;
        s.write_csv(out.join(rel).with_extension("csv"))?;
    }

    for rel in ["output/v_report.h5", "output/cai_report.h5"] {
        let r = ReportReader::open(golden.join(rel))?;
        let pops: Vec<_> = r
            .populations
            .iter()
            .map(|p| (p.name.clone(), p.mapping.clone()))
            .collect();
        let p0 = &r.populations[0];
        let var = p0.variable.clone().unwrap_or_default();
        let mut w = ReportWriter::create(out.join(rel), &pops, p0.shape[0], &var, None, 5000)?;
        for (k, p) in r.populations.iter().enumerate() {
            let rows = r.rows(&p.name, 0, p.shape[0])?;
            for row in rows.chunks_exact(p.shape[1] as usize) {
                w.push_row(k, row)?;
            }
        }
        w.finish()?;
    }

    // A spike file larger than one 65,535-row chunk (h5py must read multi-chunk datasets).
    let mut big = rall_sonata::SpikePopulation::new("big");
    big.node_ids = (0..100_000u64).map(|i| i % 1000).collect();
    big.timestamps = (0..100_000u64).map(|i| i as f64 * 0.03125).collect();
    let big_table = SpikeTable {
        populations: vec![big],
    };
    big_table.write_h5(out.join("output/big_spikes.h5"))?;

    // The golden manifest describes exactly these contents; point its references at the golden
    // folder and add the CSV spike files.
    let manifest_path = golden.join("../../interop/manifests/golden_ch02.json");
    let mut m: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&manifest_path)?)?;
    let files = m["files"].as_array_mut().ok_or("manifest has no files")?;
    files.retain(|f| f["kind"] != "config");
    let mut csvs = Vec::new();
    for f in files.iter_mut() {
        fix_refs(f, &golden);
        if f["kind"] == "spikes" {
            let mut c = f.clone();
            let p = c["path"]
                .as_str()
                .unwrap_or_default()
                .replace(".h5", ".csv");
            c["path"] = p.into();
            if let Some(e) = c["expect"].as_object_mut() {
                e.remove("h5");
            }
            csvs.push(c);
        }
    }
    files.extend(csvs);
    files.push(serde_json::json!({
        "kind": "spikes",
        "path": "output/big_spikes.h5",
        "expect": {"populations": {"big": {"n_spikes": 100000, "units": "ms", "sorting": "none"}}}
    }));
    m["description"] =
        "tutorial files re-written by rall-sonata (interop_roundtrip example)".into();
    std::fs::write(out.join("manifest.json"), serde_json::to_string_pretty(&m)?)?;
    Ok(())
}

/// Rewrites `reference_file` entries (relative to the manifests folder) as absolute paths.
fn fix_refs(v: &mut serde_json::Value, golden: &Path) {
    match v {
        serde_json::Value::Object(o) => {
            for (k, x) in o.iter_mut() {
                if k == "reference_file" {
                    if let Some(s) = x.as_str() {
                        let rel = s.trim_start_matches("../../golden/ch02/");
                        *x = golden.join(rel).to_string_lossy().into_owned().into();
                    }
                } else {
                    fix_refs(x, golden);
                }
            }
        }
        serde_json::Value::Array(a) => a.iter_mut().for_each(|x| fix_refs(x, golden)),
        _ => {}
    }
}

fn main() -> ExitCode {
    let Some(out) = std::env::args().nth(1).map(PathBuf::from) else {
        eprintln!("usage: interop_roundtrip OUT_DIR");
        return ExitCode::from(2);
    };
    match run(&out) {
        Ok(()) => {
            println!("wrote {}", out.display());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
