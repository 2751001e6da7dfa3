//! rall-spikes: spike-train container, SONATA/CSV/NWB spike files and BMTK-compatible Poisson
//! spike generators (see ARCHITECTURE.md).

mod csvio;
mod error;
mod files;
pub mod mt;
mod poisson;
pub mod ratefit;
mod trains;

pub use error::SpikeError;
pub use files::FileType;
pub use mt::Mt19937;
pub use poisson::{
    parse_node_ids, parse_times, read_rate_table, FiringRate, PoissonOptions,
    PoissonSpikeGenerator, RateSpec, TimeUnits,
};
pub use ratefit::RateCorrection;
pub use trains::{PopulationSpikes, SortOrder, Spike, SpikeTrains};
