//! Files with several populations, single spikes, and the population choice.

use rall_analysis::plot::{Figure, RasterPlot};
use rall_analysis::{load_spikes, spike_statistics, AnalysisError, PlotOptions};
use rall_sonata::{SpikePopulation, SpikeTable};

fn two_populations(dir: &std::path::Path) -> std::path::PathBuf {
    let mut a = SpikePopulation::new("v1");
    a.timestamps = vec![30.0, 10.0, 20.0, 5.0];
    a.node_ids = vec![3, 3, 3, 7];
    let mut b = SpikePopulation::new("lgn");
    b.timestamps = vec![1.5, 2.5];
    b.node_ids = vec![0, 1];
    let t = SpikeTable {
        populations: vec![a, b],
    };
    let p = dir.join("two.h5");
    t.write_h5(&p).unwrap();
    p
}

#[test]
fn population_choice_and_statistics() {
    let d = tempfile::tempdir().unwrap();
    let f = two_populations(d.path());
    match load_spikes(&f, None) {
        Err(AnalysisError::AmbiguousPopulation { populations, .. }) => {
            let mut p = populations.clone();
            p.sort();
            assert_eq!(p, ["lgn", "v1"]);
        }
        other => panic!("expected AmbiguousPopulation, got {other:?}"),
    }
    let e = load_spikes(&f, Some("x")).unwrap_err();
    assert!(
        e.to_string().contains("two.h5") && e.to_string().contains("'x'"),
        "{e}"
    );

    let s = load_spikes(&f, Some("v1")).unwrap();
    assert_eq!(s.len(), 4);
    // File order is kept in the table.
    let ts: Vec<f64> = s.rows().map(|r| r.timestamp).collect();
    assert_eq!(ts, [30.0, 10.0, 20.0, 5.0]);
    let (rows, w) = spike_statistics(&s, None).unwrap();
    // Window from the spikes' span (5–30 ms) without a config.
    assert_eq!(w[0].1, Some((5.0, 30.0)));
    assert_eq!(rows.len(), 2);
    assert_eq!(
        (rows[0].node_id, rows[0].count, rows[0].mean_isi),
        (3, 3, 10.0)
    );
    assert_eq!(rows[0].rate_hz, Some(3.0 / 0.025));
    // A single spike: ISI 0 as BMTK.
    assert_eq!(
        (rows[1].node_id, rows[1].count, rows[1].mean_isi),
        (7, 1, 0.0)
    );

    let fig = RasterPlot::new(&s, Some((0.0, 40.0))).unwrap();
    assert_eq!(fig.times.len(), 4);
    let rgb = fig
        .render_rgb(&PlotOptions {
            width: 400,
            height: 300,
            title: None,
        })
        .unwrap();
    assert_eq!(rgb.len(), 400 * 300 * 3);
    assert!(RasterPlot::new(&s, Some((5.0, 1.0))).is_err());
}

#[test]
fn a_file_without_spikes() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("none.h5");
    SpikeTable::default().write_h5(&p).unwrap();
    let s = load_spikes(&p, None).unwrap();
    assert!(s.is_empty());
    assert_eq!(s.to_csv(), "timestamps,node_ids,population\n");
    assert!(spike_statistics(&s, None).unwrap().0.is_empty());
    let e = RasterPlot::new(&s, None).unwrap_err();
    assert!(e.to_string().contains("none.h5: no spikes"), "{e}");
}

#[test]
fn report_populations_without_nodes_are_skipped() {
    use rall_analysis::{load_traces, TraceOptions};
    use rall_sonata::{ReportMapping, ReportWriter};
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("v.h5");
    let cells = ReportMapping {
        node_ids: vec![4, 2],
        index_pointer: vec![0, 2, 3],
        element_ids: vec![0, 1, 0],
        element_pos: vec![0.5, 0.5, 0.5],
        time: [0.0, 1.0, 0.25],
        extra: vec![],
    };
    let virt = ReportMapping {
        index_pointer: vec![0],
        time: [0.0, 1.0, 0.25],
        ..Default::default()
    };
    let mut w = ReportWriter::create(
        &p,
        &[("cells".into(), cells), ("virt".into(), virt)],
        4,
        "v",
        None,
        16,
    )
    .unwrap();
    for k in 0..4 {
        let k = k as f64;
        w.push_row(0, &[k, 100.0 + k, 200.0 + k]).unwrap();
        w.push_row(1, &[]).unwrap();
    }
    w.finish().unwrap();

    let tr = load_traces(&p, &TraceOptions::default()).unwrap();
    assert_eq!(tr.population, "cells");
    assert_eq!(tr.node_ids, vec![4, 2]);
    // Without a config the report dt is the step: rows at 0.25, 0.5, 0.75, 1.0 ms.
    assert_eq!(tr.times, vec![0.25, 0.5, 0.75, 1.0]);
    // Each node's first element ("origin").
    assert_eq!(
        tr.values,
        vec![vec![0.0, 1.0, 2.0, 3.0], vec![200.0, 201.0, 202.0, 203.0]]
    );
    let e = load_traces(
        &p,
        &TraceOptions {
            node_ids: Some(vec![3]),
            ..Default::default()
        },
    )
    .unwrap_err();
    assert!(e.to_string().contains("no node 3"), "{e}");
}
