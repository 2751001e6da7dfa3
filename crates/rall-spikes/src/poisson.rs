//! Poisson spike generators, bit-compatible with BMTK's `PoissonSpikeGenerator`.
//!
//! Conventions as BMTK: rates in Hz, times and refractory periods in seconds, output timestamps
//! in ms (×1000) unless `s` units are requested. One MT19937 stream (numpy legacy seeding) is
//! shared by all `add` calls of a generator, nodes are processed in the order given. Each interval
//! is `−log(1 − u)/rate` with numpy's `log` of the generator's CPU class ([`NumpyCpu`]).

use crate::mt::Mt19937;
use crate::ratefit::{NumpyCpu, RateCorrection};
use crate::{SpikeError, SpikeTrains};
use std::path::Path;

/// Units of generated timestamps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TimeUnits {
    /// Milliseconds (seconds × 1000.0), BMTK's default.
    #[default]
    Ms,
    /// Seconds.
    S,
}

impl TimeUnits {
    /// Factor from seconds.
    pub fn conversion(self) -> f64 {
        match self {
            TimeUnits::Ms => 1000.0,
            TimeUnits::S => 1.0,
        }
    }

    /// Label (`"ms"`/`"s"`).
    pub fn as_str(self) -> &'static str {
        match self {
            TimeUnits::Ms => "ms",
            TimeUnits::S => "s",
        }
    }
}

/// Firing rate of an `add` call.
#[derive(Debug, Clone, PartialEq)]
pub enum FiringRate {
    /// Homogeneous rate (Hz); `times` gives the window.
    Constant(f64),
    /// Rate samples (Hz) at the `times` of the call (same length), linearly interpolated.
    Samples(Vec<f64>),
}

/// BMTK's `PoissonSpikeGenerator`.
#[derive(Debug, Clone)]
pub struct PoissonSpikeGenerator {
    rng: Mt19937,
    units: TimeUnits,
    trains: SpikeTrains,
    /// Optional override of the refractory rate correction (see [`RateCorrection`]).
    correction_override: Option<RateCorrection>,
    /// The CPU class whose numpy the trains reproduce (see [`NumpyCpu`]).
    cpu: NumpyCpu,
}

impl PoissonSpikeGenerator {
    /// `population` is the default population; `seed` seeds MT19937 as `np.random.seed(seed)`.
    pub fn new(population: Option<&str>, seed: Option<u32>, units: TimeUnits) -> Self {
        let mut trains = SpikeTrains::new(population);
        trains.set_units(units.as_str());
        PoissonSpikeGenerator {
            rng: seed.map_or_else(Mt19937::from_entropy, Mt19937::new),
            units,
            trains,
            correction_override: None,
            cpu: NumpyCpu::host(),
        }
    }

    /// Reproduce BMTK as its numpy runs on CPU class `cpu` (default: this CPU's,
    /// [`NumpyCpu::host`]). It decides every interval's `log`, the rate correction (curve samples
    /// and least-squares kernels) and the refractory weight's `exp`.
    pub fn set_numpy_cpu(&mut self, cpu: NumpyCpu) {
        self.cpu = cpu;
    }

    /// The CPU class the trains follow.
    pub fn numpy_cpu(&self) -> NumpyCpu {
        self.cpu
    }

    /// Use the given rate-correction polynomial instead of fitting one (e.g. the coefficients
    /// numpy computed, for bit-identical refractory trains).
    pub fn set_rate_correction(&mut self, correction: Option<RateCorrection>) {
        self.correction_override = correction;
    }

    fn correction(&self, abs_ref: f64, tau_ref: f64) -> Result<RateCorrection, SpikeError> {
        match &self.correction_override {
            Some(c) => Ok(c.clone()),
            None => RateCorrection::fit_for(abs_ref, tau_ref, self.cpu),
        }
    }

    /// BMTK `add(node_ids, firing_rate, population, times, abs_ref, tau_ref)`. Returns the number
    /// of spikes added.
    pub fn add(
        &mut self,
        node_ids: &[u64],
        firing_rate: &FiringRate,
        times: &[f64],
        abs_ref: f64,
        tau_ref: f64,
        population: Option<&str>,
    ) -> Result<usize, SpikeError> {
        check_nonneg("tau_ref", tau_ref)?;
        check_nonneg("abs_ref", abs_ref)?;
        match firing_rate {
            FiringRate::Constant(r) => {
                self.add_homogeneous(node_ids, *r, times, abs_ref, tau_ref, population)
            }
            FiringRate::Samples(r) => {
                self.add_inhomogeneous(node_ids, r, times, abs_ref, tau_ref, population)
            }
        }
    }

    /// Homogeneous Poisson trains in `times` (`[t]` = (0, t), else (first, last)).
    pub fn add_homogeneous(
        &mut self,
        node_ids: &[u64],
        rate: f64,
        times: &[f64],
        abs_ref: f64,
        tau_ref: f64,
        population: Option<&str>,
    ) -> Result<usize, SpikeError> {
        check_nonneg("tau_ref", tau_ref)?;
        check_nonneg("abs_ref", abs_ref)?;
        let (tstart, tstop) = match times {
            [t] if *t > 0.0 => (0.0, *t),
            [a, .., b] if a < b => (*a, *b),
            _ => {
                return Err(SpikeError::InvalidParameter {
                    name: "times",
                    reason: format!("invalid start and stop times {times:?}"),
                })
            }
        };
        if rate.is_nan() || rate < 0.0 {
            return Err(SpikeError::InvalidParameter {
                name: "firing_rate",
                reason: format!("firing rate {rate} must not be negative"),
            });
        }
        let mut fr = rate;
        if abs_ref != 0.0 || tau_ref != 0.0 {
            let p = self.correction(abs_ref, tau_ref)?;
            if fr > p.max_rate {
                return Err(SpikeError::RateTooHigh {
                    rate: fr,
                    max_rate: p.max_rate,
                    abs_ref,
                    tau_ref,
                });
            }
            fr = p.apply(fr);
        }
        let pop = self.population_name(population)?;
        let conv = self.units.conversion();
        let mut ids = Vec::new();
        let mut ts = Vec::new();
        for &node in node_ids {
            let mut t = tstart;
            loop {
                let interval = -self.cpu.math.ln(1.0 - self.rng.random_sample()) / fr;
                t += interval;
                // NaN (rate 0 and a zero draw) ends the train as well.
                if t > tstop || t.is_nan() {
                    break;
                }
                let w = refractory_weight(interval, abs_ref, tau_ref, self.cpu.math);
                if w == 1.0 || self.rng.random_sample() < w {
                    ids.push(node);
                    ts.push(t * conv);
                }
            }
        }
        let n = ids.len();
        self.trains.add_spikes(&ids, &ts, Some(&pop))?;
        Ok(n)
    }

    /// Inhomogeneous Poisson trains by thinning: `rates[i]` (Hz) at `times[i]` (s).
    pub fn add_inhomogeneous(
        &mut self,
        node_ids: &[u64],
        rates: &[f64],
        times: &[f64],
        abs_ref: f64,
        tau_ref: f64,
        population: Option<&str>,
    ) -> Result<usize, SpikeError> {
        check_nonneg("tau_ref", tau_ref)?;
        check_nonneg("abs_ref", abs_ref)?;
        if rates.is_empty() || rates.iter().any(|r| r.is_nan() || *r < 0.0) {
            return Err(SpikeError::InvalidParameter {
                name: "firing_rate",
                reason: "firing rates must be given and not negative".into(),
            });
        }
        if rates.len() != times.len() {
            return Err(SpikeError::InvalidParameter {
                name: "times",
                reason: format!(
                    "{} rate samples but {} times (must be equal)",
                    rates.len(),
                    times.len()
                ),
            });
        }
        if times.len() < 2 || times.windows(2).any(|w| w[0] >= w[1]) {
            return Err(SpikeError::InvalidParameter {
                name: "times",
                reason: "sample times must be at least two, strictly increasing".into(),
            });
        }
        let max_fr = rates.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
        let p = self.correction(abs_ref, tau_ref)?;
        if max_fr > p.max_rate {
            return Err(SpikeError::RateTooHigh {
                rate: max_fr,
                max_rate: p.max_rate,
                abs_ref,
                tau_ref,
            });
        }
        let fr: Vec<f64> = rates.iter().map(|&r| p.apply(r)).collect();
        let (tstart, tstop) = (times[0], times[times.len() - 1]);
        let pop = self.population_name(population)?;
        let conv = self.units.conversion();
        let mut ids = Vec::new();
        let mut ts = Vec::new();
        for &node in node_ids {
            let mut t = tstart;
            let mut k = 0usize;
            loop {
                let interval = -self.cpu.math.ln(1.0 - self.rng.random_sample()) / max_fr;
                t += interval;
                if t > tstop || t.is_nan() {
                    break;
                }
                let w = refractory_weight(interval, abs_ref, tau_ref, self.cpu.math);
                while times[k] <= t {
                    k += 1;
                    if k == times.len() {
                        // BMTK raises IndexError here (a candidate exactly at the last time).
                        return Err(SpikeError::InvalidParameter {
                            name: "times",
                            reason: format!("candidate spike at the end time {t} s"),
                        });
                    }
                }
                let (t0, t1, f0, f1) = (times[k - 1], times[k], fr[k - 1], fr[k]);
                let fr_t = f0 + (f1 - f0) * (t - t0) / (t1 - t0);
                let u = self.rng.random_sample();
                // BMTK keeps the spike unless `accept < u` (NaN keeps it too).
                let accept = fr_t / max_fr * w;
                if accept.partial_cmp(&u) != Some(std::cmp::Ordering::Less) {
                    ids.push(node);
                    ts.push(t * conv);
                }
            }
        }
        let n = ids.len();
        self.trains.add_spikes(&ids, &ts, Some(&pop))?;
        Ok(n)
    }

    fn population_name(&self, population: Option<&str>) -> Result<String, SpikeError> {
        population
            .or(self.trains.default_population())
            .map(str::to_string)
            .ok_or(SpikeError::NoPopulation)
    }

    /// The spikes generated so far.
    pub fn trains(&self) -> &SpikeTrains {
        &self.trains
    }

    /// Take the generated spikes.
    pub fn into_trains(self) -> SpikeTrains {
        self.trains
    }

    /// Number of spikes (all populations or one).
    pub fn n_spikes(&self, population: Option<&str>) -> usize {
        self.trains.n_spikes(population)
    }

    /// (min, max) timestamp of a population (or all).
    pub fn time_range(&self, population: Option<&str>) -> Option<(f64, f64)> {
        let mut r: Option<(f64, f64)> = None;
        for name in self.trains.populations() {
            if population.is_some_and(|p| p != name) {
                continue;
            }
            for &t in &self.trains.population(name).unwrap().timestamps {
                r = Some(r.map_or((t, t), |(a, b)| (a.min(t), b.max(t))));
            }
        }
        r
    }
}

fn check_nonneg(name: &'static str, v: f64) -> Result<(), SpikeError> {
    if v.is_nan() || v < 0.0 {
        return Err(SpikeError::InvalidParameter {
            name,
            reason: format!("{v} s cannot be negative"),
        });
    }
    Ok(())
}

/// BMTK's acceptance weight for an inter-spike interval (1 without refractoriness).
fn refractory_weight(interval: f64, abs_ref: f64, tau_ref: f64, math: crate::NumpyMath) -> f64 {
    let mut w = if tau_ref != 0.0 {
        1.0 - math.exp(-(interval - abs_ref) / tau_ref)
    } else {
        1.0
    };
    if abs_ref != 0.0 {
        w *= if interval > abs_ref { 1.0 } else { 0.0 };
    }
    w
}

/// The rate of a `rall poisson` run.
#[derive(Debug, Clone, PartialEq)]
pub enum RateSpec {
    /// Homogeneous rate (Hz) over `PoissonOptions::times`.
    Constant(f64),
    /// Rate samples (Hz) at sample times (s); `PoissonOptions::times` is ignored.
    Table { times: Vec<f64>, rates: Vec<f64> },
}

/// Everything `rall poisson` needs: one population, one rate, one seeded generator.
#[derive(Debug, Clone, PartialEq)]
pub struct PoissonOptions {
    pub population: String,
    pub node_ids: Vec<u64>,
    pub rate: RateSpec,
    /// Window in seconds (`[t]` = (0, t), or `[start, stop]`) for a constant rate.
    pub times: Vec<f64>,
    pub seed: Option<u32>,
    /// Absolute refractory period (s).
    pub abs_ref: f64,
    /// Relative refractory time constant (s).
    pub tau_ref: f64,
    pub units: TimeUnits,
    /// Whose numpy to reproduce; `None` = this CPU's ([`NumpyCpu::host`]).
    pub numpy_cpu: Option<NumpyCpu>,
}

impl PoissonOptions {
    /// Homogeneous options with BMTK defaults (times (0, 1) s, no refractoriness, ms).
    pub fn new(population: &str, node_ids: Vec<u64>, rate: RateSpec, seed: Option<u32>) -> Self {
        PoissonOptions {
            population: population.to_string(),
            node_ids,
            rate,
            times: vec![0.0, 1.0],
            seed,
            abs_ref: 0.0,
            tau_ref: 0.0,
            units: TimeUnits::Ms,
            numpy_cpu: None,
        }
    }

    /// Run the generator.
    pub fn generate(&self) -> Result<SpikeTrains, SpikeError> {
        let mut g = PoissonSpikeGenerator::new(Some(&self.population), self.seed, self.units);
        if let Some(c) = self.numpy_cpu {
            g.set_numpy_cpu(c);
        }
        match &self.rate {
            RateSpec::Constant(r) => g.add_homogeneous(
                &self.node_ids,
                *r,
                &self.times,
                self.abs_ref,
                self.tau_ref,
                None,
            )?,
            RateSpec::Table { times, rates } => g.add_inhomogeneous(
                &self.node_ids,
                rates,
                times,
                self.abs_ref,
                self.tau_ref,
                None,
            )?,
        };
        Ok(g.into_trains())
    }

    /// Generate and write to `path` (type from the extension, see [`SpikeTrains::write`]).
    pub fn generate_to(&self, path: &Path) -> Result<SpikeTrains, SpikeError> {
        let st = self.generate()?;
        st.write(path, crate::SortOrder::None)?;
        Ok(st)
    }
}

/// Parse a node-id list such as `0-9`, `0,2,5-7` (ranges inclusive).
pub fn parse_node_ids(spec: &str) -> Result<Vec<u64>, SpikeError> {
    let err = |reason: String| SpikeError::NodeIdSpec {
        spec: spec.to_string(),
        reason,
    };
    let mut out = Vec::new();
    for part in spec.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        if let Some((a, b)) = part.split_once('-') {
            let a: u64 = a
                .trim()
                .parse()
                .map_err(|_| err(format!("`{part}`: bad range start")))?;
            let b: u64 = b
                .trim()
                .parse()
                .map_err(|_| err(format!("`{part}`: bad range end")))?;
            if b < a {
                return Err(err(format!("`{part}`: range end below start")));
            }
            out.extend(a..=b);
        } else {
            out.push(
                part.parse()
                    .map_err(|_| err(format!("`{part}` is not a node id")))?,
            );
        }
    }
    if out.is_empty() {
        return Err(err("no node ids".into()));
    }
    Ok(out)
}

/// Parse a comma-separated list of times in seconds (e.g. `0,3`).
pub fn parse_times(spec: &str) -> Result<Vec<f64>, SpikeError> {
    spec.split(',')
        .map(|s| {
            s.trim()
                .parse::<f64>()
                .map_err(|_| SpikeError::InvalidParameter {
                    name: "times",
                    reason: format!("`{s}` in `{spec}` is not a number"),
                })
        })
        .collect()
}

/// Read an inhomogeneous rate table: two columns `time rate` (seconds, Hz), separated by
/// spaces, tabs or commas; an optional header line and `#` comments are skipped.
pub fn read_rate_table(path: &Path) -> Result<(Vec<f64>, Vec<f64>), SpikeError> {
    let text = std::fs::read_to_string(path).map_err(|source| SpikeError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let mut times = Vec::new();
    let mut rates = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.split('#').next().unwrap_or("").trim();
        if line.is_empty() {
            continue;
        }
        let cols: Vec<&str> = line
            .split(|c: char| c == ',' || c.is_whitespace())
            .filter(|s| !s.is_empty())
            .collect();
        let parsed: Option<Vec<f64>> = cols.iter().map(|c| c.parse::<f64>().ok()).collect();
        match parsed {
            Some(v) if v.len() == 2 => {
                times.push(v[0]);
                rates.push(v[1]);
            }
            None if times.is_empty() && i == 0 => continue, // header
            _ => {
                return Err(SpikeError::Parse {
                    path: path.to_path_buf(),
                    line: i + 1,
                    reason: format!("expected two numbers `time_s rate_hz`, got `{line}`"),
                })
            }
        }
    }
    if times.len() < 2 {
        return Err(SpikeError::Parse {
            path: path.to_path_buf(),
            line: 0,
            reason: "a rate table needs at least two rows".into(),
        });
    }
    Ok((times, rates))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn node_id_specs() {
        assert_eq!(parse_node_ids("0-3").unwrap(), vec![0, 1, 2, 3]);
        assert_eq!(parse_node_ids("5, 1-2,9").unwrap(), vec![5, 1, 2, 9]);
        assert!(parse_node_ids("3-1").is_err());
        assert!(parse_node_ids("a").is_err());
        assert!(parse_node_ids("").is_err());
    }

    #[test]
    fn tutorial_count() {
        let opts = PoissonOptions {
            times: vec![0.0, 3.0],
            ..PoissonOptions::new(
                "mthalamus",
                (0..10).collect(),
                RateSpec::Constant(10.0),
                Some(100),
            )
        };
        let st = opts.generate().unwrap();
        assert_eq!(st.n_spikes(None), 283);
    }

    #[test]
    fn bad_parameters() {
        let mut g = PoissonSpikeGenerator::new(Some("p"), Some(1), TimeUnits::Ms);
        assert!(g
            .add_homogeneous(&[0], -1.0, &[0.0, 1.0], 0.0, 0.0, None)
            .is_err());
        assert!(g
            .add_homogeneous(&[0], 1.0, &[2.0, 1.0], 0.0, 0.0, None)
            .is_err());
        assert!(g
            .add_homogeneous(&[0], 1.0, &[0.0, 1.0], -1.0, 0.0, None)
            .is_err());
        assert!(g
            .add_homogeneous(&[0], 500.0, &[0.0, 1.0], 0.01, 0.0, None)
            .is_err());
        assert!(g
            .add_inhomogeneous(&[0], &[1.0, 2.0], &[0.0], 0.0, 0.0, None)
            .is_err());
        assert!(g
            .add_inhomogeneous(&[0], &[1.0, 2000.0], &[0.0, 1.0], 0.0, 0.0, None)
            .is_err());
        assert_eq!(
            g.add_homogeneous(&[0], 0.0, &[0.0, 1.0], 0.0, 0.0, None)
                .unwrap(),
            0
        );
    }
}
