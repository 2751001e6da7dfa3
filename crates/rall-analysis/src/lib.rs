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
//! The library does not print; errors are [`AnalysisError`] values naming the file and place.

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
