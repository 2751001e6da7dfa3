//! Dump Poisson trains as `node time` lines (full precision) for ad-hoc comparison with BMTK.
//! usage: psg_dump SEED ABS_REF TAU_REF (rate|r0,r1,..) TIMES(t0,t1,..) NODES
use rall_spikes::{parse_node_ids, parse_times, FiringRate, PoissonSpikeGenerator, TimeUnits};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let a: Vec<String> = std::env::args().collect();
    let seed: u32 = a[1].parse()?;
    let abs_ref: f64 = a[2].parse()?;
    let tau_ref: f64 = a[3].parse()?;
    let rates = parse_times(&a[4])?;
    let times = parse_times(&a[5])?;
    let nodes = parse_node_ids(&a[6])?;
    let mut g = PoissonSpikeGenerator::new(Some("p"), Some(seed), TimeUnits::Ms);
    let rate = if rates.len() == 1 {
        FiringRate::Constant(rates[0])
    } else {
        FiringRate::Samples(rates)
    };
    g.add(&nodes, &rate, &times, abs_ref, tau_ref, None)?;
    let p = g.trains().population("p").cloned().unwrap_or_default();
    for (n, t) in p.node_ids.iter().zip(&p.timestamps) {
        println!("{n} {:?}", t);
    }
    Ok(())
}
