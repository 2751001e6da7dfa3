//! Rall side of the builder benchmark (bench/builder/README.md).
//!
//! usage: bench_build OUT_DIR [N [BMTK_EDGES_H5]]
//! With BMTK_EDGES_H5 the written edges are compared with BMTK's file (as a multiset of rows,
//! read through rall-sonata: h5py cannot open Rall's files with ≥ 65,536-row datasets yet, see
//! README).
//! Same network as bench/builder/bmtk_build.py: N nodes (default 10000) at uniform positions in
//! a 1000 µm cube (MT19937 seed 1, numpy's random_sample, x,y,z per node — the same values as
//! numpy), per-pair rule nsyns = int(5·(1 − d/200)) + 1 for 0 < d < 200 µm. Prints one JSON line.

use rall_builder::{ConnectionRule, Filter, NetworkBuilder, NodeProps, Value};
use rall_spikes::Mt19937;
use std::path::PathBuf;
use std::time::Instant;

const R: f64 = 200.0;

fn peak_rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse::<f64>().ok())
        })
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let out = PathBuf::from(args.next().ok_or("usage: bench_build OUT_DIR [N]")?);
    let n: usize = args.next().map_or(Ok(10_000), |s| s.parse())?;
    let mut mt = Mt19937::new(1);
    let (mut x, mut y, mut z) = (
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
    );
    for _ in 0..n {
        x.push(mt.random_sample() * 1000.0);
        y.push(mt.random_sample() * 1000.0);
        z.push(mt.random_sample() * 1000.0);
    }
    let t0 = Instant::now();
    let mut net = NetworkBuilder::new("cube")?;
    net.add_nodes(
        n,
        NodeProps::new()
            .array("x", x)
            .array("y", y)
            .array("z", z)
            .set("model_type", "point_neuron")
            .set("model_template", "nest:iaf_psc_alpha"),
    )?;
    let rule = ConnectionRule::per_pair(|s, t| {
        if s.node_id() == t.node_id() {
            return None;
        }
        let dx = s.get_f64("x")? - t.get_f64("x")?;
        let dy = s.get_f64("y")? - t.get_f64("y")?;
        let dz = s.get_f64("z")? - t.get_f64("z")?;
        let d = (dx * dx + dy * dy + dz * dz).sqrt();
        if d >= R {
            return None;
        }
        Some((5.0 * (1.0 - d / R)) as u32 + 1)
    });
    net.add_edges(
        Filter::all(),
        Filter::all(),
        rule,
        vec![
            ("syn_weight".into(), Value::from(2.0)),
            ("delay".into(), Value::from(1.5)),
            ("model_template".into(), Value::from("static_synapse")),
        ],
    )?;
    net.build()?;
    let t_build = t0.elapsed().as_secs_f64();
    let rss_build = peak_rss_mib();
    let nsyn = net.nedges()?;
    net.save_nodes(&out)?;
    net.save_edges(&out)?;
    let wall = t0.elapsed().as_secs_f64();
    eprintln!(
        "build {t_build:.2} s (peak {rss_build:.0} MiB), save {:.2} s",
        wall - t_build
    );
    println!(
        "{{\"tool\": \"rall\", \"n_nodes\": {n}, \"synapses\": {nsyn}, \"wall_s\": {wall}, \"peak_rss_mib\": {}, \"threads\": {}}}",
        peak_rss_mib(),
        rayon::current_num_threads()
    );
    if let Some(bmtk) = args.next() {
        let rows = |p: &std::path::Path| -> Result<Vec<[u64; 4]>, Box<dyn std::error::Error>> {
            let f = rall_sonata::h5::H5File::open(p)?;
            let b = "/edges/cube_to_cube";
            let col = |n: &str| -> Result<Vec<u64>, Box<dyn std::error::Error>> {
                f.read(&format!("{b}/{n}"))?
                    .data
                    .to_u64s()
                    .ok_or_else(|| format!("{n}: not integer").into())
            };
            let (s, t, e, gi, ns) = (
                col("source_node_id")?,
                col("target_node_id")?,
                col("edge_type_id")?,
                col("edge_group_index")?,
                col("0/nsyns")?,
            );
            if !t.windows(2).all(|w| w[0] <= w[1]) {
                return Err(format!("{}: not sorted by target", p.display()).into());
            }
            let mut r: Vec<[u64; 4]> = (0..s.len())
                .map(|i| [t[i], s[i], e[i], ns[gi[i] as usize]])
                .collect();
            r.sort_unstable();
            Ok(r)
        };
        let a = rows(&out.join("cube_cube_edges.h5"))?;
        let b = rows(std::path::Path::new(&bmtk))?;
        let syn = |r: &[[u64; 4]]| r.iter().map(|x| x[3]).sum::<u64>();
        eprintln!(
            "rall rows {}, bmtk rows {}, synapses {} vs {}, same edges: {}",
            a.len(),
            b.len(),
            syn(&a),
            syn(&b),
            a == b
        );
        if a != b {
            return Err("edges differ from BMTK's".into());
        }
    }
    Ok(())
}
