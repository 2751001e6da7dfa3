//! Spike file types and the SONATA / NWB readers and writers.

use crate::{SortOrder, SpikeError, SpikeTrains};
use std::path::Path;

/// Spike file type, chosen by extension as BMTK does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileType {
    Sonata,
    Csv,
    Nwb,
}

impl FileType {
    /// `.h5`/`.hdf5`/`.hdf`/`.sonata` → SONATA, `.csv` → CSV, `.nwb` → NWB.
    pub fn from_path(path: &Path) -> Result<FileType, SpikeError> {
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        match ext.as_deref() {
            Some("h5" | "hdf5" | "hdf" | "sonata") => Ok(FileType::Sonata),
            Some("csv" | "txt") => Ok(FileType::Csv),
            Some("nwb") => Ok(FileType::Nwb),
            _ => Err(SpikeError::UnknownFileType {
                path: path.to_path_buf(),
            }),
        }
    }
}

impl SpikeTrains {
    /// Write SONATA spikes (BMTK layout, see module docs).
    pub fn to_sonata(&self, path: &Path, _order: SortOrder) -> Result<(), SpikeError> {
        Err(SpikeError::Hdf5 {
            path: path.to_path_buf(),
            reason: "HDF5 support pending".into(),
        })
    }

    /// Read SONATA spikes.
    pub fn from_sonata(path: &Path, _population: Option<&str>) -> Result<Self, SpikeError> {
        Err(SpikeError::Hdf5 {
            path: path.to_path_buf(),
            reason: "HDF5 support pending".into(),
        })
    }

    /// Write an NWB 2 `units` table.
    pub fn to_nwb(&self, path: &Path) -> Result<(), SpikeError> {
        Err(SpikeError::Hdf5 {
            path: path.to_path_buf(),
            reason: "HDF5 support pending".into(),
        })
    }

    /// Read NWB spikes.
    pub fn from_nwb(
        path: &Path,
        _population: Option<&str>,
        _trial: Option<&str>,
    ) -> Result<Self, SpikeError> {
        Err(SpikeError::Hdf5 {
            path: path.to_path_buf(),
            reason: "HDF5 support pending".into(),
        })
    }
}

impl SpikeTrains {
    /// Write to `path`, type from the extension: `.csv` → BMTK CSV; `.h5`/`.hdf5`/`.hdf`/`.sonata`
    /// → SONATA spikes; `.nwb` → NWB 2 `units` table.
    pub fn write(&self, path: &Path, order: SortOrder) -> Result<(), SpikeError> {
        match FileType::from_path(path)? {
            FileType::Csv => self.to_csv(path, order),
            FileType::Sonata => self.to_sonata(path, order),
            FileType::Nwb => self.to_nwb(path),
        }
    }

    /// Read from `path`, type from the extension (see [`SpikeTrains::write`]). `population`
    /// restricts SONATA files to one population and names CSV/NWB rows without one.
    pub fn load(path: &Path, population: Option<&str>) -> Result<Self, SpikeError> {
        match FileType::from_path(path)? {
            FileType::Csv => Self::from_csv(path, population),
            FileType::Sonata => Self::from_sonata(path, population),
            FileType::Nwb => Self::from_nwb(path, population, None),
        }
    }
}
