//! rall-analysis: what BMTK's `bmtk.analyzer` does after a run, without its bugs.
//!
//! * [`spikes`] — the spike table of `to_dataframe` (`timestamps`, `node_ids`, `population`, in
//!   file order), found from a config's `output` section or read from a spike file.
//! * [`stats`] — per-node spike statistics as `spike_statistics` (count, mean ISI with numpy's
//!   summation, so the numbers are bit-identical) plus the firing rate of `plot_rates`.
//! * [`traces`] — compartment-report traces from a config's `reports`, with the **true** sample
//!   times: row k of a BMTK report is taken after step k+1, at `t = (k+1)·dt` (BMTK's
//!   `plot_traces` draws it at `linspace(tstart, tstop, n)` instead).
//! * [`plot`] — raster (+ histogram), firing rates and traces as PNG or SVG (by extension),
//!   drawn with `plotters` and a bundled DejaVu Sans font (no system font libraries).
//!
//! * [`groups`] — nodes grouped by a node property of the config's circuit (`group_by`).
//!
//! The library does not print; errors are [`AnalysisError`] values naming the file and place.
//!
//! # Command line (`rall-cli`)
//!
//! ```text
//! rall spikes CONFIG|FILE [--population P] [--spikes-file F] [--csv]
//! rall stats  CONFIG|FILE [--population P] [--spikes-file F] [--times START,STOP] [--csv]
//! rall plot raster CONFIG|FILE -o raster.png [--group-by KEY [--group-excludes V,…]] [--times A,B]
//! rall plot rates  CONFIG|FILE -o rates.svg  [--group-by KEY …] [--times A,B]
//! rall plot traces CONFIG|REPORT.h5 [--report v_report] [--node-ids 0] [--average] -o v.png
//! ```
//!
//! On the BMTK tutorial (`validation/golden/ch02/config.json`):
//!
//! ```text
//! $ rall spikes config.json | head -3
//!             timestamps  node_ids  population
//!  0  55.000000000099014         0  mcortex
//!  1  1450.6999999993284         0  mcortex
//! $ rall stats config.json
//! # mcortex: rates over 0.0 to 3000.0 ms
//! population  node_id  count             rate_hz        mean_isi_ms
//! mcortex           0     44  14.666666666666666  67.43488372097637
//! ```
//!
//! Every value equals BMTK's `to_dataframe` / `spike_statistics` / `plot_rates` to the bit
//! (`validation/analysis/README.md`). Images are PNG or SVG by the `-o` extension, 1000×600 by
//! default (`--width`, `--height`, `--title`).

pub mod error;
pub mod groups;
pub mod plot;
pub mod spikes;
pub mod stats;
pub mod traces;

pub use error::AnalysisError;
pub use groups::{group_nodes, NodeGroup};
pub use plot::{ImageFormat, PlotOptions};
pub use spikes::{load_spikes, load_spikes_with, SpikeRow, Spikes};
pub use stats::{numpy_mean, pairwise_sum, spike_statistics, NodeStats};
pub use traces::{load_traces, report_times, TraceOptions, Traces};
