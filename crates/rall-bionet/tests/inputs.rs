//! Spike inputs in every format BioNet reads, and the spikes CSV output: the tutorial's thalamic
//! spikes as CSV, as NWB (units table) and as a SONATA file whose *first* population is another
//! one (BMTK 1.2.0 would read that one — Rall reads the input's population). Each run must give
//! the golden ch02 spikes (the first 1000 ms of the 3 s run, bit-identical).
mod common;

use std::path::Path;

use common::{edit_json, fixture};
use rall_spikes::{SortOrder, SpikeTrains};

fn run_with_input(module: &str, file: &str, write: impl FnOnce(&SpikeTrains, &Path)) {
    let d = fixture(1000.0);
    let golden_in = common::root().join("validation/golden/ch02/inputs/mthalamus_spikes.h5");
    let st = SpikeTrains::from_sonata(&golden_in, None).unwrap();
    let path = d.path().join("inputs").join(file);
    write(&st, &path);
    edit_json(&d.path().join("simulation_config.json"), |v| {
        v["inputs"]["mthalamus_spikes"]["module"] = module.into();
        v["inputs"]["mthalamus_spikes"]["input_file"] = path.display().to_string().into();
        v["output"]["spikes_file_csv"] = "spikes.csv".into();
    });
    let out = d.path().join("output");
    common::run_case(&d.path().join("config.json"), &out);
    let ours = common::sorted_spikes(&out.join("spikes.h5"), "mcortex");
    let mut gold = common::sorted_spikes(
        &common::root().join("validation/golden/ch02/output/spikes.h5"),
        "mcortex",
    );
    gold.retain(|&t| t < 1000.0);
    assert_eq!(ours, gold, "{module} input");
    let csv = rall_sonata::SpikeTable::read_csv(out.join("spikes.csv"), None).unwrap();
    let mut t = csv.population("mcortex").unwrap().timestamps.clone();
    t.sort_by(f64::total_cmp);
    assert_eq!(t, gold, "spikes.csv");
    eprintln!(
        "{module}: {} spikes identical (h5 and csv output)",
        ours.len()
    );
}

#[test]
fn csv_spike_input() {
    run_with_input("csv", "thalamus.csv", |st, p| {
        st.to_csv(p, SortOrder::ByTime).unwrap()
    });
}

#[test]
fn nwb_spike_input() {
    run_with_input("nwb", "thalamus.nwb", |st, p| st.to_nwb(p).unwrap());
}

#[test]
fn sonata_input_population_is_honoured() {
    run_with_input("sonata", "two_pops.h5", |st, p| {
        // another population first in the file, with different spikes for the same node ids
        let mut two = SpikeTrains::new(None);
        for n in 0..10 {
            two.add_times(n, &[5.0 + n as f64, 400.0], Some("aaa_other"))
                .unwrap();
        }
        for (n, t) in st.times_by_node("mthalamus") {
            two.add_times(n, &t, Some("mthalamus")).unwrap();
        }
        assert_eq!(two.populations()[0], "aaa_other");
        two.to_sonata(p, SortOrder::ByTime).unwrap();
    });
}

#[test]
fn input_in_seconds_is_converted_to_ms() {
    run_with_input("sonata", "seconds.h5", |st, p| {
        let mut sec = SpikeTrains::new(None);
        for (n, t) in st.times_by_node("mthalamus") {
            let ts: Vec<f64> = t.iter().map(|x| x / 1000.0).collect();
            sec.add_times(n, &ts, Some("mthalamus")).unwrap();
        }
        sec.set_units("s");
        sec.to_sonata(p, SortOrder::ByTime).unwrap();
    });
}
