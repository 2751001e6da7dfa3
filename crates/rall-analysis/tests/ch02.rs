//! The library on the BMTK-built tutorial (`validation/golden/ch02`): report traces against
//! the golden summary of `v_report.h5`, true sample times, and figures that draw something.

use std::path::{Path, PathBuf};

use rall_analysis::plot::{Figure, RasterPlot, RatesPlot, TracesPlot};
use rall_analysis::{load_spikes, load_traces, spike_statistics, PlotOptions, TraceOptions};
use serde_json::Value;

fn ch02() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../validation/golden/ch02")
}

fn json(p: &Path) -> Value {
    let text = std::fs::read_to_string(p)
        .unwrap_or_else(|e| panic!("{}: {e} (golden reference missing)", p.display()));
    serde_json::from_str(&text).unwrap()
}

#[test]
fn v_trace_matches_the_golden_summary_with_true_times() {
    let opts = TraceOptions {
        report: Some("v_report".into()),
        node_ids: Some(vec![0]),
        ..Default::default()
    };
    let tr = load_traces(&ch02().join("config.json"), &opts).unwrap();
    assert_eq!(tr.report_name, "v_report");
    assert_eq!(tr.population, "mcortex");
    assert_eq!(tr.variable.as_deref(), Some("v"));
    assert_eq!(tr.units.as_deref(), Some("mV"));
    assert_eq!(tr.times.len(), 30000);
    // Row k is at (k+1)·dt (BMTK's plot_traces would put row 0 at 0 and space rows 0.10000333).
    assert_eq!(tr.times[0], 0.1);
    assert_eq!(tr.times[29999], 3000.0);
    for k in [1usize, 9, 99, 12345] {
        assert!((tr.times[k] - (k + 1) as f64 * 0.1).abs() < 1e-9);
    }
    let g = json(&ch02().join("expected/v_report.json"));
    let d = &g["populations"]["mcortex"]["data"];
    let v = &tr.values[0];
    for (k, row) in d["first_rows"].as_array().unwrap().iter().enumerate() {
        assert_eq!(v[k], row[0].as_f64().unwrap());
    }
    let last = d["last_rows"].as_array().unwrap();
    let n = last.len();
    for (k, row) in last.iter().enumerate() {
        assert_eq!(v[v.len() - n + k], row[0].as_f64().unwrap());
    }
    let min = v.iter().copied().fold(f64::INFINITY, f64::min);
    let max = v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    assert_eq!(min, d["min"].as_f64().unwrap());
    assert_eq!(max, d["max"].as_f64().unwrap());

    // A window keeps the samples inside it.
    let opts = TraceOptions {
        report: Some("cai_report".into()),
        window: Some((100.0, 200.0)),
        ..Default::default()
    };
    let tr = load_traces(&ch02().join("config.json"), &opts).unwrap();
    assert_eq!(tr.units.as_deref(), Some("mM"));
    assert_eq!(tr.node_ids, vec![0]);
    assert!(tr.times.iter().all(|&t| (100.0..=200.0).contains(&t)));
    assert!(
        (tr.times.len() as i64 - 1000).abs() <= 1,
        "{}",
        tr.times.len()
    );
}

/// Share of non-white pixels.
fn inked(rgb: &[u8]) -> f64 {
    let px = rgb.chunks_exact(3);
    let n = px.len();
    px.filter(|p| p.iter().any(|&c| c < 250)).count() as f64 / n as f64
}

#[test]
fn figures_draw_something() {
    let spikes = load_spikes(&ch02().join("config.json"), None).unwrap();
    assert_eq!(spikes.len(), 44);
    let opts = PlotOptions::default();

    let raster = RasterPlot::new(&spikes, None).unwrap();
    assert_eq!(raster.window, (0.0, 3000.0));
    assert_eq!(raster.histogram().iter().sum::<u64>(), 44);
    let a = inked(&raster.render_rgb(&opts).unwrap());
    assert!(a > 0.01 && a < 0.9, "{a}");

    let rates = RatesPlot::new(&spikes, None).unwrap();
    assert_eq!(rates.rates, vec![(0, 44.0 / 3.0)]);
    let a = inked(&rates.render_rgb(&opts).unwrap());
    assert!(a > 0.01 && a < 0.9, "{a}");

    let tr = load_traces(
        &ch02().join("config.json"),
        &TraceOptions {
            report: Some("v_report".into()),
            ..Default::default()
        },
    )
    .unwrap();
    for average in [false, true] {
        let fig = TracesPlot {
            traces: &tr,
            average,
        };
        let a = inked(&fig.render_rgb(&opts).unwrap());
        assert!(a > 0.01 && a < 0.9, "{a}");
    }
}

#[test]
fn statistics_of_the_tutorial() {
    let spikes = load_spikes(&ch02().join("output/spikes.h5"), None).unwrap();
    // Without a config the rate window is the spikes' span (plot_rates without times).
    let (rows, windows) = spike_statistics(&spikes, None).unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].count, 44);
    assert_eq!(rows[0].mean_isi, 67.43488372097637);
    let (a, b) = windows[0].1.unwrap();
    assert!((a - 55.0).abs() < 1e-6 && (b - 2954.7).abs() < 1e-6);
    let (rows, _) = spike_statistics(&spikes, Some((0.0, 3000.0))).unwrap();
    assert_eq!(rows[0].rate_hz, Some(44.0 / 3.0));
}
