//! The spike table of BMTK's `to_dataframe`.

use std::path::{Path, PathBuf};

use rall_sonata::config::Config;
use rall_sonata::pyfmt::py_float;
use rall_sonata::{SpikePopulation, SpikeTable};

use crate::AnalysisError;

/// Spikes selected for analysis, with where they came from.
#[derive(Debug, Clone)]
pub struct Spikes {
    /// The spike file read.
    pub file: PathBuf,
    /// The config it was found through, if any.
    pub config: Option<Config>,
    /// The selected populations (one when a population was chosen or the file has only one),
    /// each in file order.
    pub populations: Vec<SpikePopulation>,
}

/// One row of the table.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SpikeRow<'a> {
    pub timestamp: f64,
    pub node_id: u64,
    pub population: &'a str,
}

/// True when `path` looks like a config (`.json`) rather than a spike or report file.
pub fn is_config(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"))
}

/// Finds the spikes as `to_dataframe(config_file=…, population=…)` does.
///
/// `input` is a config (`.json`: `output.spikes_file`, else `output.spikes_file_csv`) or a spike
/// file (SONATA `.h5` or BMTK `.csv`). Without `population`, a file with several populations is
/// an error (as in BMTK); with it, only that population is kept (BMTK would return every
/// population of the file that holds it). A file with no population at all gives an empty table.
pub fn load_spikes(input: &Path, population: Option<&str>) -> Result<Spikes, AnalysisError> {
    load_spikes_with(input, None, population)
}

/// [`load_spikes`] with BMTK's `spikes_file` option: with a config as `input`, read
/// `spikes_file` instead of the config's output spikes (the config still gives the node
/// properties and the run window).
pub fn load_spikes_with(
    input: &Path,
    spikes_file: Option<&Path>,
    population: Option<&str>,
) -> Result<Spikes, AnalysisError> {
    let (file, config) = if let Some(f) = spikes_file {
        if !is_config(input) {
            return Err(AnalysisError::Usage {
                detail: format!(
                    "a spike file to read instead ({}) goes with a config, not with {}",
                    f.display(),
                    input.display()
                ),
            });
        }
        (f.to_path_buf(), Some(Config::from_file(input)?))
    } else if is_config(input) {
        let config = Config::from_file(input)?;
        let (key, file) = match (&config.output.spikes_file, &config.output.spikes_file_csv) {
            (Some(f), _) => ("spikes_file", f.clone()),
            (None, Some(f)) => ("spikes_file_csv", f.clone()),
            (None, None) => {
                return Err(AnalysisError::NoSpikesFile {
                    config: input.to_path_buf(),
                })
            }
        };
        if !file.exists() {
            return Err(AnalysisError::SpikesFileMissing {
                path: file,
                config: input.to_path_buf(),
                key,
            });
        }
        (file, Some(config))
    } else {
        (input.to_path_buf(), None)
    };
    let table = SpikeTable::read(&file)?;
    let names: Vec<String> = table.populations.iter().map(|p| p.name.clone()).collect();
    let populations = match population {
        Some(want) => match table.populations.into_iter().find(|p| p.name == want) {
            Some(p) => vec![p],
            None => {
                return Err(AnalysisError::NoPopulation {
                    path: file,
                    population: want.to_string(),
                    found: names,
                })
            }
        },
        None if table.populations.len() > 1 => {
            return Err(AnalysisError::AmbiguousPopulation {
                path: file,
                populations: names,
            })
        }
        None => table.populations,
    };
    Ok(Spikes {
        file,
        config,
        populations,
    })
}

impl Spikes {
    /// Number of spikes.
    pub fn len(&self) -> usize {
        self.populations.iter().map(|p| p.len()).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The rows in `to_dataframe` order (populations in file order, spikes in file order).
    pub fn rows(&self) -> impl Iterator<Item = SpikeRow<'_>> {
        self.populations.iter().flat_map(|p| {
            p.timestamps
                .iter()
                .zip(&p.node_ids)
                .map(move |(&t, &n)| SpikeRow {
                    timestamp: t,
                    node_id: n,
                    population: &p.name,
                })
        })
    }

    /// The one population, for plots (which show one population, as BMTK's do).
    pub fn single(&self) -> Result<&SpikePopulation, AnalysisError> {
        match self.populations.as_slice() {
            [p] if !p.is_empty() => Ok(p),
            [p] => Err(AnalysisError::NoSpikes {
                path: self.file.clone(),
                population: Some(p.name.clone()),
            }),
            [] => Err(AnalysisError::NoSpikes {
                path: self.file.clone(),
                population: None,
            }),
            many => Err(AnalysisError::AmbiguousPopulation {
                path: self.file.clone(),
                populations: many.iter().map(|p| p.name.clone()).collect(),
            }),
        }
    }

    /// The run window `(run.tstart, run.tstop)` when the spikes came through a config.
    pub fn run_window(&self) -> Option<(f64, f64)> {
        self.config.as_ref().map(|c| (c.run.tstart, c.run.tstop))
    }

    /// The table as pandas' `to_dataframe(...).to_csv(index=False)` writes it: header
    /// `timestamps,node_ids,population`, floats as Python reprs (exact).
    pub fn to_csv(&self) -> String {
        let mut s = String::from("timestamps,node_ids,population\n");
        for r in self.rows() {
            s.push_str(&format!(
                "{},{},{}\n",
                py_float(r.timestamp),
                r.node_id,
                r.population
            ));
        }
        s
    }

    /// The table as aligned text columns with a row index (like pandas' display, but every
    /// timestamp printed in full so the values are exact).
    pub fn to_text(&self) -> String {
        let rows: Vec<[String; 4]> = self
            .rows()
            .enumerate()
            .map(|(i, r)| {
                [
                    i.to_string(),
                    py_float(r.timestamp),
                    r.node_id.to_string(),
                    r.population.to_string(),
                ]
            })
            .collect();
        let head = [
            String::new(),
            "timestamps".into(),
            "node_ids".into(),
            "population".into(),
        ];
        let mut w = [0usize; 4];
        for r in std::iter::once(&head).chain(&rows) {
            for (k, c) in r.iter().enumerate() {
                w[k] = w[k].max(c.len());
            }
        }
        let mut s = String::new();
        for r in std::iter::once(&head).chain(&rows) {
            let line = format!(
                "{:>w0$}  {:>w1$}  {:>w2$}  {}",
                r[0],
                r[1],
                r[2],
                r[3],
                w0 = w[0],
                w1 = w[1],
                w2 = w[2]
            );
            s.push_str(line.trim_end());
            s.push('\n');
        }
        s
    }
}
