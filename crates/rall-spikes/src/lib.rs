//! rall-spikes: spike-train container, SONATA/CSV/NWB spike files and BMTK-compatible Poisson
//! spike generators (see ARCHITECTURE.md).
//!
//! [`PoissonSpikeGenerator`] reproduces BMTK's generator bit for bit for the same seed (MT19937
//! with numpy's legacy seeding and `random_sample`), homogeneous, inhomogeneous (thinning) and
//! refractory trains, as BMTK computes them on a given class of CPU ([`NumpyCpu`]; by default the
//! one Rall runs on): numpy's float64 `log`/`exp`/`power` differ between CPUs with and without
//! AVX-512 (module [`npmath`]), and so does the OpenBLAS kernel set behind the refractory rate
//! correction ([`RateCorrection`], module [`ratefit`]), which Rall fits itself or takes from the
//! caller.
//!
//! What `rall poisson` calls:
//!
//! ```no_run
//! use rall_spikes::*;
//! # fn main() -> Result<(), SpikeError> {
//! let mut opts = PoissonOptions::new("mthalamus", parse_node_ids("0-9")?, RateSpec::Constant(10.0), Some(100));
//! opts.times = parse_times("0,3")?; // seconds
//! // .h5/.hdf5/.hdf/.sonata → SONATA, .csv → BMTK CSV, .nwb → NWB 2 units table
//! let trains = opts.generate_to(std::path::Path::new("inputs/mthalamus_spikes.h5"))?;
//! assert_eq!(trains.n_spikes(None), 283);
//! // --rate-file: RateSpec::Table from read_rate_table(path) (columns `time_s rate_hz`).
//! # Ok(()) }
//! ```

mod csvio;
mod dgelsd;
mod error;
mod files;
pub mod mt;
pub mod npmath;
mod poisson;
pub mod ratefit;
mod trains;

pub use error::SpikeError;
pub use files::FileType;
pub use mt::Mt19937;
pub use npmath::NumpyMath;
pub use poisson::{
    parse_node_ids, parse_times, read_rate_table, FiringRate, PoissonOptions,
    PoissonSpikeGenerator, RateSpec, TimeUnits,
};
pub use ratefit::{NumpyCpu, RateCorrection};
pub use trains::{PopulationSpikes, SortOrder, Spike, SpikeTrains};
