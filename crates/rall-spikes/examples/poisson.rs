//! What `rall poisson` does, as a stand-alone example of the library API.
//!
//! usage: poisson --population NAME --node-ids 0-9 (--rate HZ --times 0,3 | --rate-file F)
//!                [--seed N] [--abs-ref S] [--tau-ref S] -o FILE(.h5|.csv|.nwb)
use rall_spikes::{parse_node_ids, parse_times, read_rate_table, PoissonOptions, RateSpec};
use std::path::PathBuf;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let get = |k: &str| {
        args.iter()
            .position(|a| a == k)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let population = get("--population").ok_or("--population is required")?;
    let node_ids = parse_node_ids(&get("--node-ids").ok_or("--node-ids is required")?)?;
    let rate = match (get("--rate"), get("--rate-file")) {
        (Some(r), None) => RateSpec::Constant(r.parse()?),
        (None, Some(f)) => {
            let (times, rates) = read_rate_table(&PathBuf::from(f))?;
            RateSpec::Table { times, rates }
        }
        _ => return Err("give exactly one of --rate and --rate-file".into()),
    };
    let mut opts = PoissonOptions::new(
        &population,
        node_ids,
        rate,
        get("--seed").map(|s| s.parse()).transpose()?,
    );
    if let Some(t) = get("--times") {
        opts.times = parse_times(&t)?;
    }
    opts.abs_ref = get("--abs-ref").map_or(Ok(0.0), |s| s.parse())?;
    opts.tau_ref = get("--tau-ref").map_or(Ok(0.0), |s| s.parse())?;
    let out = PathBuf::from(get("-o").ok_or("-o FILE is required")?);
    let st = opts.generate_to(&out)?;
    println!("{}: {} spikes", out.display(), st.n_spikes(None));
    Ok(())
}
