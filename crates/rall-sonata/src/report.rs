//! Compartment (membrane) reports, laid out exactly as BMTK 1.2.0 writes them:
//! `/report/<population>/data` float64 `[n_steps, n_elements]` (attribute `variable`, `units`
//! when known) and `/report/<population>/mapping/{node_ids uint64, element_ids uint64,
//! element_pos float64, index_pointer uint64 [n_nodes+1], time float64 [tstart, tstop, dt]}`.
//!
//! [`ReportWriter`] streams rows to disk in blocks (memory: one block), through the in-place
//! workaround documented in [`crate::h5`]. Rows not written (a run stopped early) read as 0, and
//! everything written before the stop stays readable.

use std::path::{Path, PathBuf};

use crate::h5::{Array, Attr, Compression, Data, H5Error, H5File, H5Writer, RowStream};

#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error(transparent)]
    H5(#[from] H5Error),
    #[error("{path}: population '{population}': {detail}")]
    Layout {
        path: PathBuf,
        population: String,
        detail: String,
    },
    #[error("report '{path}': {detail}")]
    Usage { path: PathBuf, detail: String },
}

/// Which elements of which nodes a population's columns hold.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ReportMapping {
    pub node_ids: Vec<u64>,
    /// `index_pointer[i]..index_pointer[i+1]` are node i's columns (length n_nodes + 1).
    pub index_pointer: Vec<u64>,
    /// Section id of each column.
    pub element_ids: Vec<u64>,
    /// Position along the section of each column.
    pub element_pos: Vec<f64>,
    /// `[tstart, tstop, dt]`.
    pub time: [f64; 3],
    /// Extra mapping datasets BMTK adds for `sections: all` (`seg_types`, `swc_ids_beg`, …).
    pub extra: Vec<(String, Array)>,
}

impl ReportMapping {
    pub fn n_elements(&self) -> usize {
        self.element_ids.len()
    }

    /// Number of rows BMTK writes: `int((tstop - tstart) / dt)`.
    pub fn n_steps(&self) -> u64 {
        let [t0, t1, dt] = self.time;
        if dt > 0.0 {
            ((t1 - t0) / dt) as u64
        } else {
            0
        }
    }

    /// Columns of `node_id`.
    pub fn columns_of(&self, node_id: u64) -> Option<std::ops::Range<usize>> {
        let i = self.node_ids.iter().position(|&n| n == node_id)?;
        Some(self.index_pointer[i] as usize..self.index_pointer[i + 1] as usize)
    }
}

/// Upper bound of the rows buffered per population before they go to disk.
pub const BLOCK_BYTES: usize = 16 << 20;

/// One population's stream inside a report file being written.
#[derive(Debug)]
struct PopStream {
    stream: RowStream,
    block: Vec<f64>,
    cols: usize,
}

/// Writes a compartment report, one row per recorded step, in blocks of `block_rows` rows.
#[derive(Debug)]
pub struct ReportWriter {
    path: PathBuf,
    pops: Vec<PopStream>,
    block_rows: usize,
}

impl ReportWriter {
    /// Creates the file with every population's mapping and a reserved `data` dataset of
    /// `n_steps` rows. `variable` and `units` become attributes of `data`.
    pub fn create(
        path: impl AsRef<Path>,
        populations: &[(String, ReportMapping)],
        n_steps: u64,
        variable: &str,
        units: Option<&str>,
        block_rows: usize,
    ) -> Result<ReportWriter, ReportError> {
        let path = path.as_ref().to_path_buf();
        let mut w = H5Writer::sonata();
        w.group("/report");
        for (pop, m) in populations {
            if m.index_pointer.len() != m.node_ids.len() + 1
                || m.element_pos.len() != m.element_ids.len()
                || m.index_pointer.last().copied().unwrap_or(0) as usize != m.element_ids.len()
            {
                return Err(ReportError::Layout {
                    path,
                    population: pop.clone(),
                    detail: "inconsistent mapping (index_pointer/element_ids/element_pos)".into(),
                });
            }
            let base = format!("/report/{pop}");
            let mp = format!("{base}/mapping");
            let none = Compression::None;
            w.dataset(
                &format!("{mp}/node_ids"),
                Array::vec(Data::U64(m.node_ids.clone())),
                none,
            );
            w.dataset(
                &format!("{mp}/element_ids"),
                Array::vec(Data::U64(m.element_ids.clone())),
                none,
            );
            w.dataset(
                &format!("{mp}/element_pos"),
                Array::vec(Data::F64(m.element_pos.clone())),
                none,
            );
            w.dataset(
                &format!("{mp}/index_pointer"),
                Array::vec(Data::U64(m.index_pointer.clone())),
                none,
            );
            w.dataset(
                &format!("{mp}/time"),
                Array::vec(Data::F64(m.time.to_vec())),
                none,
            );
            for (k, a) in &m.extra {
                w.dataset(&format!("{mp}/{k}"), a.clone(), none);
            }
            let mut attrs = vec![("variable".to_string(), Attr::Str(variable.to_string()))];
            if let Some(u) = units {
                attrs.push(("units".to_string(), Attr::Str(u.to_string())));
            }
            w.reserve_f64(
                &format!("{base}/data"),
                n_steps,
                m.n_elements() as u64,
                attrs,
            );
        }
        let streams = w.write_with_streams(&path)?;
        let pops = streams
            .into_iter()
            .zip(populations)
            .map(|(stream, (_, m))| PopStream {
                stream,
                block: Vec::new(),
                cols: m.n_elements(),
            })
            .collect();
        // Bound the buffer whatever the caller asks (BMTK's nsteps_block is 5000 rows, which
        // for 10,000 elements would be 400 MB): at most BLOCK_BYTES per population.
        let widest = populations
            .iter()
            .map(|(_, m)| m.n_elements())
            .max()
            .unwrap_or(1)
            .max(1);
        let cap = (BLOCK_BYTES / (widest * 8)).max(1);
        Ok(ReportWriter {
            path,
            pops,
            block_rows: block_rows.clamp(1, cap),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Adds one row (one recorded step) for population `pop` (index in creation order).
    pub fn push_row(&mut self, pop: usize, row: &[f64]) -> Result<(), ReportError> {
        let block_rows = self.block_rows;
        let path = self.path.clone();
        let p = self.pops.get_mut(pop).ok_or_else(|| ReportError::Usage {
            path: path.clone(),
            detail: format!("no population #{pop}"),
        })?;
        if row.len() != p.cols {
            return Err(ReportError::Usage {
                path,
                detail: format!(
                    "row of {} values, the mapping has {} elements",
                    row.len(),
                    p.cols
                ),
            });
        }
        p.block.extend_from_slice(row);
        if p.block.len() >= block_rows * p.cols.max(1) {
            p.stream.write_rows(&p.block)?;
            p.block.clear();
        }
        Ok(())
    }

    /// Writes buffered rows now (e.g. every `nsteps_block` steps).
    pub fn flush(&mut self) -> Result<(), ReportError> {
        for p in &mut self.pops {
            if !p.block.is_empty() {
                p.stream.write_rows(&p.block)?;
                p.block.clear();
            }
        }
        Ok(())
    }

    /// Flushes and closes.
    pub fn finish(mut self) -> Result<(), ReportError> {
        self.flush()?;
        for p in self.pops {
            p.stream.finish()?;
        }
        Ok(())
    }
}

/// A report population read back.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportPopulation {
    pub name: String,
    pub mapping: ReportMapping,
    pub variable: Option<String>,
    pub units: Option<String>,
    /// `[n_steps, n_elements]`.
    pub shape: [u64; 2],
}

/// Reader for compartment reports (BMTK's and ours). Rows are read on demand.
#[derive(Debug)]
pub struct ReportReader {
    file: H5File,
    pub populations: Vec<ReportPopulation>,
}

impl ReportReader {
    pub fn open(path: impl AsRef<Path>) -> Result<ReportReader, ReportError> {
        let file = H5File::open(path.as_ref())?;
        let mut populations = Vec::new();
        for name in file.groups("/report")? {
            let base = format!("/report/{name}");
            let lay = |detail: String| ReportError::Layout {
                path: file.path().to_path_buf(),
                population: name.clone(),
                detail,
            };
            let mp = format!("{base}/mapping");
            let u64s = |n: &str| -> Result<Vec<u64>, ReportError> {
                file.read(&format!("{mp}/{n}"))?
                    .data
                    .to_u64s()
                    .ok_or_else(|| lay(format!("mapping/{n} is not integer")))
            };
            // BMTK writes `index_pointer`; the SONATA text says `index_pointers`.
            let ip_name = if file.has_dataset(&format!("{mp}/index_pointer")) {
                "index_pointer"
            } else {
                "index_pointers"
            };
            let time = file
                .read(&format!("{mp}/time"))?
                .data
                .to_f64s()
                .ok_or_else(|| lay("mapping/time is not numeric".into()))?;
            if time.len() != 3 {
                return Err(lay(format!(
                    "mapping/time has {} values, expected 3",
                    time.len()
                )));
            }
            let element_ids = u64s("element_ids")?;
            let element_pos = if file.has_dataset(&format!("{mp}/element_pos")) {
                file.read(&format!("{mp}/element_pos"))?
                    .data
                    .to_f64s()
                    .ok_or_else(|| lay("mapping/element_pos is not numeric".into()))?
            } else {
                vec![f64::NAN; element_ids.len()]
            };
            let known = [
                "node_ids",
                "element_ids",
                "element_pos",
                "index_pointer",
                "index_pointers",
                "time",
            ];
            let mut extra = Vec::new();
            for d in file.datasets(&mp)? {
                if !known.contains(&d.as_str()) {
                    extra.push((d.clone(), file.read(&format!("{mp}/{d}"))?));
                }
            }
            let mapping = ReportMapping {
                node_ids: u64s("node_ids")?,
                index_pointer: u64s(ip_name)?,
                element_ids,
                element_pos,
                time: [time[0], time[1], time[2]],
                extra,
            };
            let data = format!("{base}/data");
            let shape = file.shape(&data)?;
            if shape.len() != 2 || shape[1] as usize != mapping.n_elements() {
                return Err(lay(format!(
                    "data has shape {shape:?}, the mapping has {} elements",
                    mapping.n_elements()
                )));
            }
            let attrs = file.attrs(&data)?;
            populations.push(ReportPopulation {
                name: name.clone(),
                variable: attrs
                    .get("variable")
                    .and_then(|a| a.as_str())
                    .map(str::to_string),
                units: attrs
                    .get("units")
                    .and_then(|a| a.as_str())
                    .map(str::to_string),
                mapping,
                shape: [shape[0], shape[1]],
            });
        }
        Ok(ReportReader { file, populations })
    }

    pub fn population(&self, name: &str) -> Option<&ReportPopulation> {
        self.populations.iter().find(|p| p.name == name)
    }

    /// Rows `[start, start+count)` of a population's data, row-major.
    pub fn rows(&self, pop: &str, start: u64, count: u64) -> Result<Vec<f64>, ReportError> {
        Ok(self
            .file
            .read_f64_rows(&format!("/report/{pop}/data"), start, count)?)
    }

    /// The whole trace of each column of `node_id`: `traces[col][step]`, read a block at a time.
    pub fn node_traces(&self, pop: &str, node_id: u64) -> Result<Vec<Vec<f64>>, ReportError> {
        let p = self.population(pop).ok_or_else(|| ReportError::Usage {
            path: self.file.path().to_path_buf(),
            detail: format!("no population '{pop}'"),
        })?;
        let cols = p
            .mapping
            .columns_of(node_id)
            .ok_or_else(|| ReportError::Usage {
                path: self.file.path().to_path_buf(),
                detail: format!("node {node_id} is not in population '{pop}'"),
            })?;
        let [n, ncol] = p.shape;
        let mut out = vec![Vec::with_capacity(n as usize); cols.len()];
        let block = (1 << 20) / ncol.max(1) + 1;
        let mut start = 0;
        while start < n {
            let rows = self.rows(pop, start, block)?;
            for r in rows.chunks_exact(ncol as usize) {
                for (k, c) in cols.clone().enumerate() {
                    out[k].push(r[c]);
                }
            }
            start += block;
        }
        Ok(out)
    }
}
