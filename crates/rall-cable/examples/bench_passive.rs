//! Benchmark: passive compartment-steps per second, single-threaded (see bench/README.md).
//! usage: cargo run --release -p rall-cable --example bench_passive -- SWC FIT_JSON [NCELLS] [STEPS]
//! The cell is the passive Scnn1a of validation/golden/cells/passive_scnn1a (pas everywhere,
//! IClamp at the soma, dL 20); NCELLS copies are stepped as one group.
use std::time::Instant;

use rall_cable::{native, read_swc, GroupBuilder};

/// CPU time of this thread (ns) from /proc/self/schedstat (the machine is shared: wall time
/// includes waiting for a core).
fn cpu_ns() -> f64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| {
            s.split_whitespace()
                .next()
                .and_then(|x| x.parse::<f64>().ok())
        })
        .unwrap_or(f64::NAN)
}

fn main() {
    let a: Vec<String> = std::env::args().collect();
    if a.len() < 3 {
        eprintln!("usage: bench_passive SWC FIT_JSON [NCELLS] [STEPS]");
        std::process::exit(2);
    }
    let ncells: usize = a.get(3).map(|s| s.parse().unwrap()).unwrap_or(100);
    let steps: u64 = a.get(4).map(|s| s.parse().unwrap()).unwrap_or(4000);
    let mut m = read_swc(&a[1], &std::fs::read_to_string(&a[1]).unwrap()).unwrap();
    m.fix_axon_perisomatic().unwrap();
    let fit: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&a[2]).unwrap()).unwrap();
    let pas = &fit["passive"][0];
    let cm: Vec<(String, f64)> = pas["cm"]
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
    let cmr: Vec<(&str, f64)> = cm.iter().map(|(s, c)| (s.as_str(), *c)).collect();
    m.set_passive_by_prefix(pas["ra"].as_f64().unwrap(), &cmr)
        .unwrap();
    m.set_nseg_by_dl(20.0).unwrap();
    let gpas = |p: &str| {
        fit["genome"]
            .as_array()
            .unwrap()
            .iter()
            .find(|g| g["name"] == "g_pas" && g["section"] == p)
            .unwrap()["value"]
            .as_f64()
            .unwrap()
    };
    let e_pas = pas["e_pas"].as_f64().unwrap();
    // RALL_BENCH_NMODL=1: rall-nmodl's compiled pas/IClamp instead of the native kernels
    let (pas_t, iclamp) = if std::env::var("RALL_BENCH_NMODL").is_ok_and(|v| v == "1") {
        let c = rall_nmodl::Catalogue::builtin();
        (
            rall_cable::MechType::Nmodl(c.get("pas").unwrap().clone()),
            rall_cable::MechType::Nmodl(c.get("IClamp").unwrap().clone()),
        )
    } else {
        (native::pas(), native::iclamp())
    };
    let soma = m.find("soma[0]").unwrap();
    let mut b = GroupBuilder::new();
    let mut nseg = 0;
    for _ in 0..ncells {
        let c = b.add_cell(&m).unwrap();
        for &s in &m.all {
            let p: String = m.sections[s].name().chars().take(4).collect();
            b.insert(c, s, &pas_t, &[("g", gpas(&p)), ("e", e_pas)])
                .unwrap();
            nseg += m.sections[s].nseg;
        }
        b.add_point(
            c,
            soma,
            0.5,
            &iclamp,
            &[("del", 10.0), ("dur", 50.0), ("amp", 0.2)],
        )
        .unwrap();
    }
    let mut g = b.build(0.025, 34.0).unwrap();
    g.finitialize(-80.0).unwrap();
    let t0 = Instant::now();
    let c0 = cpu_ns();
    g.advance(steps).unwrap();
    let cpu = (cpu_ns() - c0) * 1e-9;
    let el = t0.elapsed().as_secs_f64();
    let checksum: f64 = g.v.iter().sum();
    let cs = nseg as f64 * steps as f64;
    println!(
        "rall cells {ncells} segments {nseg} nodes {} steps {steps}: wall {:.3} s, cpu {:.3} s, {:.2} ns/compartment-step (cpu), {:.3e} compartment-steps/s (cpu), checksum sum(v) = {checksum:.12e}",
        g.n_nodes(),
        el,
        cpu,
        cpu / cs * 1e9,
        cs / cpu
    );
}
