//! Compartment-report traces for plotting, with their true sample times.
//!
//! BMTK labels a report with `time = [tstart, tstop, dt]` but records row k after NEURON's step
//! k+1 (BioNet's `post_fadvance` hands the step counter s = 0, 1, … to the report *after*
//! `fadvance`, so the value is the one at `t = (s+1)·dt_sim`; the initial state is never
//! saved). With a report `dt` that is a multiple m of the simulation dt, a row is written when
//! `start_step ≤ s < end_step` and `s % m == 0`. [`report_times`] turns that into times.

use std::path::{Path, PathBuf};

use rall_sonata::config::Config;
use rall_sonata::ReportReader;

use crate::spikes::is_config;
use crate::AnalysisError;

/// What to read.
#[derive(Debug, Clone, Default)]
pub struct TraceOptions {
    /// Report name in the config (needed when it has several membrane reports).
    pub report: Option<String>,
    /// Report population (needed when the file has several).
    pub population: Option<String>,
    /// Nodes; all nodes of the population when `None`.
    pub node_ids: Option<Vec<u64>>,
    /// Keep samples with `start ≤ t ≤ stop` (ms).
    pub window: Option<(f64, f64)>,
}

/// Traces of the first element (`sections='origin'`: the soma for BioNet) of each node.
#[derive(Debug, Clone)]
pub struct Traces {
    pub file: PathBuf,
    /// Config report name, or the file stem for a report file given directly.
    pub report_name: String,
    pub population: String,
    /// Dataset attribute `variable` (`v`, `cai`, …).
    pub variable: Option<String>,
    /// Dataset attribute `units`, else guessed from the variable name (see [`units_for`]).
    pub units: Option<String>,
    /// Sample times in ms (true times, see the module doc).
    pub times: Vec<f64>,
    pub node_ids: Vec<u64>,
    /// `values[i][k]`: node `node_ids[i]` at `times[k]`.
    pub values: Vec<Vec<f64>>,
}

/// Modules whose reports are compartment reports (BMTK's analyzer looks at the first two;
/// BioNet records `multimeter` the same way).
const MEMBRANE: [&str; 3] = ["membrane_report", "multimeter_report", "multimeter"];

/// True sample times of the `n` rows of a report with mapping `time = [tstart, tstop, dt]`.
/// `sim_dt` is the simulation step (the config's `run.dt`); without it the report dt is taken
/// as the simulation dt (BMTK's default report sampling).
pub fn report_times(time: [f64; 3], n: usize, sim_dt: Option<f64>) -> Vec<f64> {
    let [t0, _, dt] = time;
    let sdt = sim_dt.filter(|d| *d > 0.0).unwrap_or(dt);
    if sdt.is_nan() || sdt <= 0.0 {
        return (0..n).map(|k| k as f64).collect();
    }
    let m = ((dt / sdt).round() as u64).max(1);
    // BMTK: start_step = int(start_time / dt); first recorded s is the first multiple of m.
    let start_step = (t0 / sdt).trunc().max(0.0) as u64;
    let first = start_step.div_ceil(m) * m;
    (0..n as u64)
        .map(|k| (first + k * m + 1) as f64 * sdt)
        .collect()
}

/// Units of a report variable: the file's own `units` attribute, else NEURON's units for the
/// usual names (`v` mV, ion concentrations `<ion>i`/`<ion>o` mM, `i_membrane_` nA, densities
/// of ionic currents mA/cm2).
pub fn units_for(variable: Option<&str>, attr: Option<&str>) -> Option<String> {
    if let Some(u) = attr.filter(|u| !u.is_empty()) {
        return Some(u.to_string());
    }
    let v = variable?;
    let ions = ["ca", "na", "k", "cl"];
    let u = if v == "v" {
        "mV"
    } else if ions
        .iter()
        .any(|ion| v.strip_prefix(ion).is_some_and(|r| r == "i" || r == "o"))
    {
        "mM"
    } else if v == "i_membrane_" || v == "i_membrane" {
        "nA"
    } else if ions.iter().any(|ion| v.strip_prefix('i') == Some(ion)) || v == "i_pas" {
        "mA/cm2"
    } else {
        return None;
    };
    Some(u.to_string())
}

/// Reads the traces a `plot_traces(config_file=…, report_name=…, node_ids=…)` would show.
/// `input` is a config (`.json`) or a report file.
pub fn load_traces(input: &Path, opts: &TraceOptions) -> Result<Traces, AnalysisError> {
    let (file, report_name, sim_dt) = if is_config(input) {
        let config = Config::from_file(input)?;
        let reports: Vec<_> = config
            .enabled_reports()
            .filter(|r| MEMBRANE.contains(&r.module.as_str()))
            .collect();
        let names: Vec<&str> = reports.iter().map(|r| r.name.as_str()).collect();
        let choice = |detail: String| AnalysisError::ReportChoice {
            config: input.to_path_buf(),
            detail,
        };
        let spec = match &opts.report {
            Some(want) => reports.iter().find(|r| &r.name == want).ok_or_else(|| {
                choice(format!(
                    "no membrane report '{want}' (membrane reports: {names:?})"
                ))
            })?,
            None => match reports.as_slice() {
                [one] => one,
                [] => return Err(choice("no enabled membrane report".into())),
                _ => {
                    return Err(choice(format!(
                        "several membrane reports {names:?}; choose one with --report"
                    )))
                }
            },
        };
        let file = spec
            .file_name
            .clone()
            .ok_or_else(|| choice(format!("report '{}' has no file_name", spec.name)))?;
        if !file.exists() {
            return Err(AnalysisError::ReportFileMissing {
                path: file,
                config: input.to_path_buf(),
                report: spec.name.clone(),
            });
        }
        (file, spec.name.clone(), Some(config.run.dt))
    } else {
        let stem = input
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        (input.to_path_buf(), stem, None)
    };

    let reader = ReportReader::open(&file)?;
    let pop_names: Vec<String> = reader.populations.iter().map(|p| p.name.clone()).collect();
    let pop = match &opts.population {
        Some(want) => reader
            .population(want)
            .ok_or_else(|| AnalysisError::NoPopulation {
                path: file.clone(),
                population: want.clone(),
                found: pop_names.clone(),
            })?,
        // Populations that record no node (a writer may add one for virtual cells) are skipped.
        None => match reader
            .populations
            .iter()
            .filter(|p| !p.mapping.node_ids.is_empty())
            .collect::<Vec<_>>()
            .as_slice()
        {
            [one] => *one,
            [] => {
                return Err(AnalysisError::EmptyReport {
                    path: file,
                    population: pop_names.join(", "),
                    detail: "no population under /report records any node".into(),
                })
            }
            many => {
                return Err(AnalysisError::AmbiguousPopulation {
                    path: file,
                    populations: many.iter().map(|p| p.name.clone()).collect(),
                })
            }
        },
    };
    let map = &pop.mapping;
    let node_ids = opts
        .node_ids
        .clone()
        .unwrap_or_else(|| map.node_ids.clone());
    if node_ids.is_empty() {
        return Err(AnalysisError::EmptyReport {
            path: file,
            population: pop.name.clone(),
            detail: "no nodes recorded".into(),
        });
    }
    let mut cols = Vec::with_capacity(node_ids.len());
    for &n in &node_ids {
        match map.columns_of(n) {
            Some(r) if !r.is_empty() => cols.push(r.start),
            _ => {
                let mut sample: Vec<String> = map
                    .node_ids
                    .iter()
                    .take(10)
                    .map(|n| n.to_string())
                    .collect();
                if map.node_ids.len() > 10 {
                    sample.push("…".into());
                }
                return Err(AnalysisError::NodeNotInReport {
                    path: file,
                    population: pop.name.clone(),
                    node_id: n,
                    n: map.node_ids.len(),
                    sample: sample.join(", "),
                });
            }
        }
    }
    let [nrows, ncols] = pop.shape;
    if nrows == 0 {
        return Err(AnalysisError::EmptyReport {
            path: file,
            population: pop.name.clone(),
            detail: "the report has no rows".into(),
        });
    }
    let all_times = report_times(map.time, nrows as usize, sim_dt);
    let keep: Vec<bool> = all_times
        .iter()
        .map(|&t| opts.window.is_none_or(|(a, b)| t >= a && t <= b))
        .collect();
    let times: Vec<f64> = all_times
        .iter()
        .zip(&keep)
        .filter(|(_, &k)| k)
        .map(|(&t, _)| t)
        .collect();
    let mut values = vec![Vec::with_capacity(times.len()); node_ids.len()];
    // One pass over the file, a block of rows at a time (≈ 8 MB).
    let block = ((1u64 << 20) / ncols.max(1)).max(1);
    let mut start = 0;
    while start < nrows {
        let count = block.min(nrows - start);
        let rows = reader.rows(&pop.name, start, count)?;
        for (k, row) in rows.chunks_exact(ncols as usize).enumerate() {
            if keep[start as usize + k] {
                for (i, &c) in cols.iter().enumerate() {
                    values[i].push(row[c]);
                }
            }
        }
        start += count;
    }
    Ok(Traces {
        units: units_for(pop.variable.as_deref(), pop.units.as_deref()),
        variable: pop.variable.clone(),
        population: pop.name.clone(),
        file,
        report_name,
        times,
        node_ids,
        values,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_after_each_step() {
        let t = report_times([0.0, 3000.0, 0.1], 30000, Some(0.1));
        assert_eq!(t[0], 0.1);
        assert_eq!(t[1], 0.2);
        assert_eq!(t[29999], 3000.0);
        // Report every 5 steps of 0.1 ms, from 0: s = 0, 5, 10 → t = 0.1, 0.6, 1.1.
        let t = report_times([0.0, 10.0, 0.5], 3, Some(0.1));
        assert_eq!(t, vec![0.1, 0.6000000000000001, 1.1]);
        // start_time 0.3 with a 0.5 ms report: start_step 3, first multiple of 5 is 5.
        let t = report_times([0.3, 10.0, 0.5], 2, Some(0.1));
        assert_eq!(t, vec![0.6000000000000001, 1.1]);
        // Without the simulation dt the report dt is used.
        assert_eq!(report_times([0.0, 1.0, 0.25], 2, None), vec![0.25, 0.5]);
    }

    #[test]
    fn units() {
        assert_eq!(units_for(Some("v"), None).as_deref(), Some("mV"));
        assert_eq!(units_for(Some("cai"), None).as_deref(), Some("mM"));
        assert_eq!(units_for(Some("nao"), None).as_deref(), Some("mM"));
        assert_eq!(units_for(Some("ik"), None).as_deref(), Some("mA/cm2"));
        assert_eq!(units_for(Some("v"), Some("V")).as_deref(), Some("V"));
        assert_eq!(units_for(Some("m_NaTs"), None), None);
    }
}
