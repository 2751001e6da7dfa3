//! Spike file types and the SONATA / NWB readers and writers.

use crate::{PopulationSpikes, SortOrder, SpikeError, SpikeTrains};
use rall_sonata::h5::{Array, Attr, Compression, Data, H5File, H5Writer};
use rall_sonata::{Sorting, SpikePopulation, SpikeTable};
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

fn h5_err(path: &Path, e: impl std::fmt::Display) -> SpikeError {
    SpikeError::Hdf5 {
        path: path.to_path_buf(),
        reason: e.to_string(),
    }
}

fn sorting(order: SortOrder) -> Sorting {
    match order {
        SortOrder::None => Sorting::None,
        SortOrder::ByTime => Sorting::ByTime,
        SortOrder::ById => Sorting::ById,
    }
}

/// A stable pseudo object id (NWB wants one per object; derived from the path and name).
fn object_id(seed: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in seed.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    let h2 = h.rotate_left(29).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    format!(
        "{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}",
        h >> 32,
        (h >> 16) & 0xffff,
        h & 0xfff,
        (h2 >> 52) & 0xfff,
        h2 & 0xffff_ffff_ffff
    )
}

impl SpikeTrains {
    /// Write SONATA spikes as BMTK does (through `rall-sonata`): root `magic`/`version`,
    /// `/spikes/<pop>` with attribute `sorting`, `timestamps` float64 (attribute `units`),
    /// `node_ids` int64, gzip.
    pub fn to_sonata(&self, path: &Path, order: SortOrder) -> Result<(), SpikeError> {
        let mut table = SpikeTable::default();
        for name in self.populations() {
            let p = self.population(name).unwrap().sorted(order);
            table.populations.push(SpikePopulation {
                name: name.to_string(),
                node_ids: p.node_ids,
                timestamps: p.timestamps,
                sorting: sorting(order),
                units: self.units().to_string(),
            });
        }
        table.write_h5(path).map_err(|e| h5_err(path, e))
    }

    /// Read SONATA spikes (all populations, or only `population`). Units come from the file.
    pub fn from_sonata(path: &Path, population: Option<&str>) -> Result<Self, SpikeError> {
        let table = SpikeTable::read_h5(path).map_err(|e| h5_err(path, e))?;
        if let Some(p) = population {
            if table.population(p).is_none() {
                return Err(SpikeError::Format {
                    path: path.to_path_buf(),
                    reason: format!("no spike population `{p}`"),
                });
            }
        }
        let first = table.populations.first().map(|p| p.name.clone());
        let mut st = SpikeTrains::new(population.or(first.as_deref()));
        for p in &table.populations {
            if population.is_some_and(|q| q != p.name) {
                continue;
            }
            st.set_units(&p.units);
            st.set_population(
                &p.name,
                PopulationSpikes {
                    node_ids: p.node_ids.clone(),
                    timestamps: p.timestamps.clone(),
                },
            );
        }
        Ok(st)
    }

    /// Write an NWB 2 `units` table: one unit per (population, node) with spikes, columns
    /// `spike_times` (ragged, via `spike_times_index`), `population` and `node_id`; `id` = node
    /// id, as BMTK's writer (which also stores the times in the container's units, ms by
    /// default). `spike_times_index.target` is an HDF5 object reference to `spike_times`, and
    /// the file's text fields are scalars where NWB's schema has scalars, so pynwb reads it.
    pub fn to_nwb(&self, path: &Path) -> Result<(), SpikeError> {
        let mut w = H5Writer::new();
        let s = |v: &str| Attr::Str(v.to_string());
        let seed = path.display().to_string();
        w.attr("/", "namespace", s("core"));
        w.attr("/", "neurodata_type", s("NWBFile"));
        w.attr("/", "nwb_version", s("2.6.0"));
        w.attr("/", "object_id", s(&object_id(&seed)));
        // NWB: scalar text, except `file_create_date`, a 1-D array of datetimes (as pynwb).
        let text = |w: &mut H5Writer, p: &str, v: &str| {
            w.dataset(
                p,
                Array::scalar(Data::Str(vec![v.to_string()])),
                Compression::None,
            )
        };
        text(&mut w, "/identifier", "Generated in-silico by Rall");
        text(
            &mut w,
            "/session_description",
            "Rall generated NWB spikes file",
        );
        text(&mut w, "/session_start_time", "1970-01-01T00:00:00+00:00");
        text(
            &mut w,
            "/timestamps_reference_time",
            "1970-01-01T00:00:00+00:00",
        );
        w.dataset(
            "/file_create_date",
            Array::vec(Data::Str(vec!["1970-01-01T00:00:00+00:00".to_string()])),
            Compression::None,
        );
        for g in [
            "/acquisition",
            "/analysis",
            "/general",
            "/processing",
            "/stimulus/presentation",
            "/stimulus/templates",
        ] {
            w.group(g);
        }
        let (mut ids, mut pops, mut times, mut index) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for name in self.populations() {
            for (node, t) in self.times_by_node(name) {
                if t.is_empty() {
                    continue;
                }
                ids.push(node as i64);
                pops.push(name.to_string());
                times.extend_from_slice(&t);
                index.push(times.len() as u64);
            }
        }
        w.group("/units");
        w.attr("/units", "namespace", s("core"));
        w.attr("/units", "neurodata_type", s("Units"));
        w.attr("/units", "description", s("BMTK/Rall spike trains"));
        w.attr(
            "/units",
            "object_id",
            s(&object_id(&(seed.clone() + "/units"))),
        );
        w.attr(
            "/units",
            "colnames",
            Attr::StrArray(vec![
                "spike_times".into(),
                "population".into(),
                "node_id".into(),
            ]),
        );
        let col = |w: &mut H5Writer, name: &str, a: Array, ty: &str, desc: &str| {
            let p = format!("/units/{name}");
            w.dataset(&p, a, Compression::None);
            w.attr(&p, "namespace", s("hdmf-common"));
            w.attr(&p, "neurodata_type", s(ty));
            w.attr(&p, "object_id", s(&object_id(&format!("{seed}{p}"))));
            if !desc.is_empty() {
                w.attr(&p, "description", s(desc));
            }
        };
        col(
            &mut w,
            "id",
            Array::vec(Data::I64(ids.clone())),
            "ElementIdentifiers",
            "",
        );
        col(
            &mut w,
            "spike_times",
            Array::vec(Data::F64(times)),
            "VectorData",
            "the spike times for each unit",
        );
        col(
            &mut w,
            "spike_times_index",
            Array::vec(Data::U64(index)),
            "VectorIndex",
            "Index for VectorData 'spike_times'",
        );
        w.attr(
            "/units/spike_times_index",
            "target",
            Attr::ObjectRef("/units/spike_times".into()),
        );
        col(
            &mut w,
            "population",
            Array::vec(Data::Str(pops)),
            "VectorData",
            "node population identifier",
        );
        col(
            &mut w,
            "node_id",
            Array::vec(Data::I64(ids)),
            "VectorData",
            "id of each node within a population",
        );
        w.write(path).map_err(|e| h5_err(path, e))
    }

    /// Read NWB spikes: an NWB 2 `units` table (columns `spike_times`/`spike_times_index`,
    /// optional `population` and `node_id`, else `id`), or the layout BMTK's `nwb` input reads,
    /// `/processing/<trial>/spike_train/<node_id>/data` (`trial` required when there are
    /// several). Rows without a population go to `population` (or `"default"`).
    pub fn from_nwb(
        path: &Path,
        population: Option<&str>,
        trial: Option<&str>,
    ) -> Result<Self, SpikeError> {
        let f = H5File::open(path).map_err(|e| h5_err(path, e))?;
        let fmt = |reason: String| SpikeError::Format {
            path: path.to_path_buf(),
            reason,
        };
        let default_pop = population.unwrap_or("default");
        let mut st = SpikeTrains::new(Some(default_pop));
        if f.has_group("/units") && f.has_dataset("/units/spike_times") {
            let rd = |ds: &str| f.read(ds).map_err(|e| h5_err(path, e));
            let times = rd("/units/spike_times")?
                .data
                .to_f64s()
                .ok_or_else(|| fmt("/units/spike_times is not numeric".into()))?;
            let index = if f.has_dataset("/units/spike_times_index") {
                rd("/units/spike_times_index")?
                    .data
                    .to_u64s()
                    .ok_or_else(|| fmt("/units/spike_times_index is not integer".into()))?
            } else {
                vec![times.len() as u64]
            };
            let id_ds = if f.has_dataset("/units/node_id") {
                "/units/node_id"
            } else {
                "/units/id"
            };
            let ids = rd(id_ds)?
                .data
                .to_u64s()
                .ok_or_else(|| fmt(format!("{id_ds} must hold non-negative integers")))?;
            let pops: Option<Vec<String>> = if f.has_dataset("/units/population") {
                rd("/units/population")?
                    .data
                    .as_strings()
                    .map(|s| s.to_vec())
            } else {
                None
            };
            if ids.len() != index.len() || pops.as_ref().is_some_and(|p| p.len() != ids.len()) {
                return Err(fmt(format!(
                    "units table: {} ids, {} index entries",
                    ids.len(),
                    index.len()
                )));
            }
            let mut start = 0usize;
            for (u, &end) in index.iter().enumerate() {
                let end = end as usize;
                if end < start || end > times.len() {
                    return Err(fmt(format!("spike_times_index[{u}] = {end} out of range")));
                }
                let pop = pops.as_ref().map_or(default_pop, |p| p[u].as_str());
                if population.is_none_or(|q| q == pop || pops.is_none()) {
                    st.add_times(ids[u], &times[start..end], Some(pop))?;
                }
                start = end;
            }
            return Ok(st);
        }
        if !f.has_group("/processing") {
            return Err(fmt(
                "neither a /units table nor /processing/<trial>/spike_train".into(),
            ));
        }
        let trials = f.groups("/processing").map_err(|e| h5_err(path, e))?;
        let trial = match trial {
            Some(t) => t.to_string(),
            None if trials.len() == 1 => trials[0].clone(),
            None => return Err(fmt(format!("several trials {trials:?}: name one"))),
        };
        let base = format!("/processing/{trial}/spike_train");
        if !f.has_group(&base) {
            return Err(fmt(format!("no group {base}")));
        }
        for node in f.groups(&base).map_err(|e| h5_err(path, e))? {
            let id: u64 = node
                .parse()
                .map_err(|_| fmt(format!("{base}/{node}: group name is not a node id")))?;
            let ds = format!("{base}/{node}/data");
            let t = f
                .read(&ds)
                .map_err(|e| h5_err(path, e))?
                .data
                .to_f64s()
                .ok_or_else(|| fmt(format!("{ds} is not numeric")))?;
            st.add_times(id, &t, None)?;
        }
        Ok(st)
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
