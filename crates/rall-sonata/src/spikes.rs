//! Spike files: SONATA h5 (`/spikes/<population>/{timestamps,node_ids}`) and BMTK's CSV
//! (`timestamps population node_ids`, space separated). NWB lives in `rall-spikes`.

use std::fs;
use std::path::{Path, PathBuf};

use crate::h5::{Array, Attr, Compression, Data, H5Error, H5File, H5Writer};
use crate::pyfmt::py_float;

#[derive(Debug, thiserror::Error)]
pub enum SpikesError {
    #[error(transparent)]
    H5(#[from] H5Error),
    #[error("{path}: {detail}")]
    Layout { path: PathBuf, detail: String },
    #[error("{path}:{line}: {detail}")]
    Csv {
        path: PathBuf,
        line: usize,
        detail: String,
    },
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: unknown spike file type '{ext}' (expected .h5/.hdf5/.hdf/.sonata or .csv)")]
    UnknownFormat { path: PathBuf, ext: String },
}

/// Sorting declared by a SONATA spikes group (`sorting` attribute).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sorting {
    #[default]
    None,
    ByTime,
    ById,
}

impl Sorting {
    pub fn as_str(self) -> &'static str {
        match self {
            Sorting::None => "none",
            Sorting::ByTime => "by_time",
            Sorting::ById => "by_id",
        }
    }

    /// Parses BMTK's spellings (`time`, `by_time`, `id`, `by_id`, `node_id`, `gid`, `none`, `na`).
    pub fn parse(s: &str) -> Option<Sorting> {
        match s {
            "by_time" | "time" => Some(Sorting::ByTime),
            "by_id" | "id" | "node_id" | "gid" => Some(Sorting::ById),
            "none" | "na" | "" => Some(Sorting::None),
            _ => None,
        }
    }
}

/// The spikes of one population, in file order.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SpikePopulation {
    pub name: String,
    pub node_ids: Vec<u64>,
    pub timestamps: Vec<f64>,
    pub sorting: Sorting,
    /// `ms` or `s`.
    pub units: String,
}

impl SpikePopulation {
    pub fn new(name: impl Into<String>) -> SpikePopulation {
        SpikePopulation {
            name: name.into(),
            units: "ms".into(),
            ..Default::default()
        }
    }

    pub fn len(&self) -> usize {
        self.timestamps.len()
    }

    pub fn is_empty(&self) -> bool {
        self.timestamps.is_empty()
    }

    /// Sorts in place (stable) and records the order.
    pub fn sort(&mut self, order: Sorting) {
        let mut idx: Vec<usize> = (0..self.len()).collect();
        match order {
            Sorting::None => return,
            Sorting::ByTime => idx.sort_by(|&a, &b| {
                self.timestamps[a]
                    .total_cmp(&self.timestamps[b])
                    .then(self.node_ids[a].cmp(&self.node_ids[b]))
            }),
            Sorting::ById => idx.sort_by(|&a, &b| {
                self.node_ids[a]
                    .cmp(&self.node_ids[b])
                    .then(self.timestamps[a].total_cmp(&self.timestamps[b]))
            }),
        }
        self.node_ids = idx.iter().map(|&i| self.node_ids[i]).collect();
        self.timestamps = idx.iter().map(|&i| self.timestamps[i]).collect();
        self.sorting = order;
    }

    /// Spike times of one node (ms or the file's units), in file order.
    pub fn times_of(&self, node_id: u64) -> Vec<f64> {
        self.node_ids
            .iter()
            .zip(&self.timestamps)
            .filter(|(&n, _)| n == node_id)
            .map(|(_, &t)| t)
            .collect()
    }
}

/// All populations of a spike file.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SpikeTable {
    pub populations: Vec<SpikePopulation>,
}

impl SpikeTable {
    pub fn population(&self, name: &str) -> Option<&SpikePopulation> {
        self.populations.iter().find(|p| p.name == name)
    }

    pub fn n_spikes(&self) -> usize {
        self.populations.iter().map(|p| p.len()).sum()
    }

    /// Reads a spike file, choosing the format by extension as BMTK does.
    pub fn read(path: impl AsRef<Path>) -> Result<SpikeTable, SpikesError> {
        let path = path.as_ref();
        let ext = path
            .extension()
            .map(|e| e.to_string_lossy().to_lowercase())
            .unwrap_or_default();
        match ext.as_str() {
            "h5" | "hdf5" | "hdf" | "sonata" => SpikeTable::read_h5(path),
            "csv" => SpikeTable::read_csv(path, None),
            _ => Err(SpikesError::UnknownFormat {
                path: path.to_path_buf(),
                ext,
            }),
        }
    }

    /// Reads a SONATA spikes h5 (also the legacy `/spikes/gids` + `/spikes/timestamps` layout).
    pub fn read_h5(path: impl AsRef<Path>) -> Result<SpikeTable, SpikesError> {
        let path = path.as_ref();
        let f = H5File::open(path)?;
        let lay = |detail: String| SpikesError::Layout {
            path: path.to_path_buf(),
            detail,
        };
        if !f.has_group("/spikes") {
            return Err(lay("no /spikes group (not a SONATA spikes file)".into()));
        }
        let mut out = SpikeTable::default();
        if f.has_dataset("/spikes/gids") && f.has_dataset("/spikes/timestamps") {
            let mut p = SpikePopulation::new("");
            p.node_ids = f
                .read("/spikes/gids")?
                .data
                .to_u64s()
                .ok_or_else(|| lay("/spikes/gids is not integer".into()))?;
            p.timestamps = f
                .read("/spikes/timestamps")?
                .data
                .to_f64s()
                .ok_or_else(|| lay("/spikes/timestamps is not numeric".into()))?;
            out.populations.push(p);
            return Ok(out);
        }
        for name in f.groups("/spikes")? {
            let base = format!("/spikes/{name}");
            let ts = format!("{base}/timestamps");
            let ids = format!("{base}/node_ids");
            let mut p = SpikePopulation::new(name.clone());
            p.timestamps = f
                .read(&ts)?
                .data
                .to_f64s()
                .ok_or_else(|| lay(format!("{ts} is not numeric")))?;
            p.node_ids = f
                .read(&ids)?
                .data
                .to_u64s()
                .ok_or_else(|| lay(format!("{ids} must hold non-negative integers")))?;
            if p.node_ids.len() != p.timestamps.len() {
                return Err(lay(format!(
                    "population '{name}': {} node_ids but {} timestamps",
                    p.node_ids.len(),
                    p.timestamps.len()
                )));
            }
            let gattrs = f.attrs(&base)?;
            let iattrs = f.attrs(&ids)?;
            let sorting = gattrs.get("sorting").or_else(|| iattrs.get("sorting"));
            p.sorting = sorting
                .and_then(|a| a.as_str())
                .and_then(Sorting::parse)
                .unwrap_or_default();
            if let Some(u) = f.attrs(&ts)?.get("units").and_then(|a| a.as_str()) {
                p.units = u.to_string();
            }
            out.populations.push(p);
        }
        Ok(out)
    }

    /// Reads BMTK's spike CSV. With a header, columns are found by name (`timestamps`,
    /// `node_ids`, optional `population`); without one, `timestamps node_ids` is assumed.
    /// Rows without a population take `default_population` (else the file's first one, else "").
    pub fn read_csv(
        path: impl AsRef<Path>,
        default_population: Option<&str>,
    ) -> Result<SpikeTable, SpikesError> {
        let path = path.as_ref();
        let text = fs::read_to_string(path).map_err(|source| SpikesError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let csv_err = |line: usize, detail: String| SpikesError::Csv {
            path: path.to_path_buf(),
            line,
            detail,
        };
        let mut lines = text
            .lines()
            .enumerate()
            .map(|(i, l)| (i + 1, l.trim()))
            .filter(|(_, l)| !l.is_empty())
            .peekable();
        let split = |l: &str| -> Vec<String> {
            l.split([' ', '\t', ','])
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect()
        };
        let (mut ti, mut ni, mut pi) = (0usize, 1usize, None);
        if let Some(&(_, first)) = lines.peek() {
            let cols = split(first);
            if cols.iter().any(|c| c == "timestamps") {
                ti = cols.iter().position(|c| c == "timestamps").unwrap_or(0);
                ni = cols
                    .iter()
                    .position(|c| c == "node_ids" || c == "node_id" || c == "gids")
                    .ok_or_else(|| {
                        csv_err(1, format!("header {cols:?} has no 'node_ids' column"))
                    })?;
                pi = cols.iter().position(|c| c == "population");
                lines.next();
            }
        }
        let mut out = SpikeTable::default();
        for (lineno, line) in lines {
            let cells = split(line);
            let need = ti.max(ni).max(pi.unwrap_or(0)) + 1;
            if cells.len() < need {
                return Err(csv_err(
                    lineno,
                    format!("{} values, expected at least {need}", cells.len()),
                ));
            }
            let t: f64 = cells[ti].parse().map_err(|_| {
                csv_err(lineno, format!("timestamp '{}' is not a number", cells[ti]))
            })?;
            let n: u64 = cells[ni].parse().map_err(|_| {
                csv_err(
                    lineno,
                    format!("node id '{}' is not a non-negative integer", cells[ni]),
                )
            })?;
            let pop = match pi {
                Some(i) => cells[i].clone(),
                None => default_population
                    .map(str::to_string)
                    .or_else(|| out.populations.first().map(|p| p.name.clone()))
                    .unwrap_or_default(),
            };
            let p = match out.populations.iter().position(|p| p.name == pop) {
                Some(i) => &mut out.populations[i],
                None => {
                    out.populations.push(SpikePopulation::new(pop));
                    out.populations.last_mut().expect("just pushed")
                }
            };
            p.timestamps.push(t);
            p.node_ids.push(n);
        }
        Ok(out)
    }

    /// Writes SONATA spikes h5 as BMTK does: root magic/version, `/spikes/<pop>` with attribute
    /// `sorting`, `timestamps` float64 (attribute `units`), `node_ids` int64. With no spike at
    /// all only an empty `/spikes` group is written (as BMTK).
    pub fn write_h5(&self, path: impl AsRef<Path>) -> Result<(), SpikesError> {
        let mut w = H5Writer::sonata();
        w.group("/spikes");
        let gz = Compression::Gzip(4);
        for p in &self.populations {
            if p.is_empty() && self.n_spikes() == 0 {
                continue;
            }
            let base = format!("/spikes/{}", p.name);
            w.group(&base);
            w.attr(&base, "sorting", Attr::Str(p.sorting.as_str().into()));
            let ts = format!("{base}/timestamps");
            w.dataset(&ts, Array::vec(Data::F64(p.timestamps.clone())), gz);
            w.attr(&ts, "units", Attr::Str(p.units.clone()));
            w.dataset(
                &format!("{base}/node_ids"),
                Array::vec(Data::I64(p.node_ids.iter().map(|&n| n as i64).collect())),
                gz,
            );
        }
        w.write(path).map_err(SpikesError::from)
    }

    /// BMTK's CSV text: header `timestamps population node_ids`, Python float repr.
    pub fn to_csv_string(&self) -> String {
        let mut s = String::from("timestamps population node_ids\n");
        for p in &self.populations {
            for (t, n) in p.timestamps.iter().zip(&p.node_ids) {
                s.push_str(&format!("{} {} {}\n", py_float(*t), p.name, n));
            }
        }
        s
    }

    /// Writes BMTK's CSV (atomically).
    pub fn write_csv(&self, path: impl AsRef<Path>) -> Result<(), SpikesError> {
        let path = path.as_ref();
        let tmp = path.with_extension("csv.rall-tmp");
        fs::write(&tmp, self.to_csv_string())
            .and_then(|_| fs::rename(&tmp, path))
            .map_err(|source| SpikesError::Io {
                path: path.to_path_buf(),
                source,
            })
    }

    /// Writes by extension (`.csv` → CSV, otherwise SONATA h5).
    pub fn write(&self, path: impl AsRef<Path>) -> Result<(), SpikesError> {
        let path = path.as_ref();
        match path.extension().and_then(|e| e.to_str()) {
            Some("csv") => self.write_csv(path),
            _ => self.write_h5(path),
        }
    }
}
