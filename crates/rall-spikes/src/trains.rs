//! In-memory spike trains, grouped by population (BMTK's `SpikeTrains`).

use crate::SpikeError;
use std::collections::BTreeMap;

/// Order of spikes when exporting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortOrder {
    /// Insertion order.
    #[default]
    None,
    /// By timestamp (ties keep insertion order).
    ByTime,
    /// By node id, then timestamp (ties keep insertion order).
    ById,
}

impl SortOrder {
    /// The value of the SONATA `sorting` attribute.
    pub fn as_str(self) -> &'static str {
        match self {
            SortOrder::None => "none",
            SortOrder::ByTime => "by_time",
            SortOrder::ById => "by_id",
        }
    }

    /// Parse a SONATA `sorting` value (`none`, `by_time`, `by_id`; also `time`/`id`).
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "none" | "unknown" | "" => Some(SortOrder::None),
            "by_time" | "time" => Some(SortOrder::ByTime),
            "by_id" | "id" | "by_node_id" => Some(SortOrder::ById),
            _ => None,
        }
    }
}

/// The spikes of one population, in insertion order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PopulationSpikes {
    pub node_ids: Vec<u64>,
    pub timestamps: Vec<f64>,
}

impl PopulationSpikes {
    /// Number of spikes.
    pub fn len(&self) -> usize {
        self.timestamps.len()
    }

    /// True when no spikes are stored.
    pub fn is_empty(&self) -> bool {
        self.timestamps.is_empty()
    }

    /// Permutation of row indices for `order` (stable).
    pub fn order(&self, order: SortOrder) -> Vec<usize> {
        let mut idx: Vec<usize> = (0..self.len()).collect();
        match order {
            SortOrder::None => {}
            SortOrder::ByTime => {
                idx.sort_by(|&a, &b| self.timestamps[a].total_cmp(&self.timestamps[b]))
            }
            SortOrder::ById => idx.sort_by(|&a, &b| {
                self.node_ids[a]
                    .cmp(&self.node_ids[b])
                    .then(self.timestamps[a].total_cmp(&self.timestamps[b]))
            }),
        }
        idx
    }

    /// Node ids and timestamps in the given order.
    pub fn sorted(&self, order: SortOrder) -> PopulationSpikes {
        let idx = self.order(order);
        PopulationSpikes {
            node_ids: idx.iter().map(|&i| self.node_ids[i]).collect(),
            timestamps: idx.iter().map(|&i| self.timestamps[i]).collect(),
        }
    }
}

/// One spike: population name, node id, time.
#[derive(Debug, Clone, PartialEq)]
pub struct Spike<'a> {
    pub population: &'a str,
    pub node_id: u64,
    pub timestamp: f64,
}

/// Spike trains of several populations. Populations keep the order in which they were first
/// used; timestamps are in `units` (`"ms"` by default, or `"s"`).
#[derive(Debug, Clone, PartialEq)]
pub struct SpikeTrains {
    populations: Vec<(String, PopulationSpikes)>,
    default_population: Option<String>,
    units: String,
}

impl Default for SpikeTrains {
    fn default() -> Self {
        SpikeTrains::new(None)
    }
}

impl SpikeTrains {
    /// Empty container; `default_population` is used when a call gives no population.
    pub fn new(default_population: Option<&str>) -> Self {
        SpikeTrains {
            populations: Vec::new(),
            default_population: default_population.map(str::to_string),
            units: "ms".to_string(),
        }
    }

    /// Time units of the stored timestamps (`"ms"` or `"s"`).
    pub fn units(&self) -> &str {
        &self.units
    }

    /// Set the time units label (values are not converted).
    pub fn set_units(&mut self, units: &str) {
        self.units = units.to_string();
    }

    /// The default population, if any.
    pub fn default_population(&self) -> Option<&str> {
        self.default_population.as_deref()
    }

    fn resolve<'a>(&'a self, population: Option<&'a str>) -> Result<&'a str, SpikeError> {
        population
            .or(self.default_population.as_deref())
            .ok_or(SpikeError::NoPopulation)
    }

    fn pop_mut(&mut self, name: &str) -> &mut PopulationSpikes {
        let i = match self.populations.iter().position(|(n, _)| n == name) {
            Some(i) => i,
            None => {
                self.populations
                    .push((name.to_string(), PopulationSpikes::default()));
                self.populations.len() - 1
            }
        };
        &mut self.populations[i].1
    }

    /// Add one spike.
    pub fn add_spike(
        &mut self,
        node_id: u64,
        timestamp: f64,
        population: Option<&str>,
    ) -> Result<(), SpikeError> {
        let name = self.resolve(population)?.to_string();
        let p = self.pop_mut(&name);
        p.node_ids.push(node_id);
        p.timestamps.push(timestamp);
        Ok(())
    }

    /// Add several spikes (equal-length slices).
    pub fn add_spikes(
        &mut self,
        node_ids: &[u64],
        timestamps: &[f64],
        population: Option<&str>,
    ) -> Result<(), SpikeError> {
        if node_ids.len() != timestamps.len() {
            return Err(SpikeError::InvalidParameter {
                name: "node_ids",
                reason: format!(
                    "{} node ids but {} timestamps",
                    node_ids.len(),
                    timestamps.len()
                ),
            });
        }
        let name = self.resolve(population)?.to_string();
        let p = self.pop_mut(&name);
        p.node_ids.extend_from_slice(node_ids);
        p.timestamps.extend_from_slice(timestamps);
        Ok(())
    }

    /// Add the same times for one node.
    pub fn add_times(
        &mut self,
        node_id: u64,
        timestamps: &[f64],
        population: Option<&str>,
    ) -> Result<(), SpikeError> {
        let ids = vec![node_id; timestamps.len()];
        self.add_spikes(&ids, timestamps, population)
    }

    /// Replace (or create) a whole population.
    pub fn set_population(&mut self, name: &str, spikes: PopulationSpikes) {
        *self.pop_mut(name) = spikes;
    }

    /// Population names in first-use order.
    pub fn populations(&self) -> Vec<&str> {
        self.populations.iter().map(|(n, _)| n.as_str()).collect()
    }

    /// The spikes of one population.
    pub fn population(&self, name: &str) -> Option<&PopulationSpikes> {
        self.populations
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, p)| p)
    }

    /// Total spikes (all populations, or one).
    pub fn n_spikes(&self, population: Option<&str>) -> usize {
        match population {
            Some(p) => self.population(p).map_or(0, |p| p.len()),
            None => self.populations.iter().map(|(_, p)| p.len()).sum(),
        }
    }

    /// Sorted unique node ids of a population that have spikes.
    pub fn node_ids(&self, population: Option<&str>) -> Result<Vec<u64>, SpikeError> {
        let name = self.resolve(population)?;
        let p = self
            .population(name)
            .ok_or_else(|| SpikeError::UnknownPopulation(name.to_string()))?;
        let mut ids = p.node_ids.clone();
        ids.sort_unstable();
        ids.dedup();
        Ok(ids)
    }

    /// Sorted spike times of one node, optionally restricted to `[t0, t1]`.
    pub fn get_times(
        &self,
        node_id: u64,
        population: Option<&str>,
        time_window: Option<(f64, f64)>,
    ) -> Result<Vec<f64>, SpikeError> {
        let name = self.resolve(population)?;
        let p = self
            .population(name)
            .ok_or_else(|| SpikeError::UnknownPopulation(name.to_string()))?;
        let mut t: Vec<f64> = p
            .node_ids
            .iter()
            .zip(&p.timestamps)
            .filter(|(&n, &t)| n == node_id && time_window.is_none_or(|(a, b)| t >= a && t <= b))
            .map(|(_, &t)| t)
            .collect();
        t.sort_by(f64::total_cmp);
        Ok(t)
    }

    /// Per-node times of a population: node id → sorted times.
    pub fn times_by_node(&self, population: &str) -> BTreeMap<u64, Vec<f64>> {
        let mut m: BTreeMap<u64, Vec<f64>> = BTreeMap::new();
        if let Some(p) = self.population(population) {
            for (&n, &t) in p.node_ids.iter().zip(&p.timestamps) {
                m.entry(n).or_default().push(t);
            }
        }
        for v in m.values_mut() {
            v.sort_by(f64::total_cmp);
        }
        m
    }

    /// All spikes (populations in order, each population in `order`).
    pub fn spikes(&self, order: SortOrder) -> Vec<Spike<'_>> {
        let mut out = Vec::with_capacity(self.n_spikes(None));
        for (name, p) in &self.populations {
            for i in p.order(order) {
                out.push(Spike {
                    population: name,
                    node_id: p.node_ids[i],
                    timestamp: p.timestamps[i],
                });
            }
        }
        if order == SortOrder::ByTime && self.populations.len() > 1 {
            out.sort_by(|a, b| a.timestamp.total_cmp(&b.timestamp));
        }
        out
    }

    /// Equality as BMTK's `==`: same populations, same node ids and times within 1e-5 after
    /// sorting by (node id, time).
    pub fn approx_eq(&self, other: &SpikeTrains) -> bool {
        let mut a = self.populations();
        let mut b = other.populations();
        a.sort_unstable();
        b.sort_unstable();
        if a != b {
            return false;
        }
        a.iter().all(|name| {
            let x = self.population(name).unwrap().sorted(SortOrder::ById);
            let y = other.population(name).unwrap().sorted(SortOrder::ById);
            x.node_ids == y.node_ids
                && x.timestamps.len() == y.timestamps.len()
                && x.timestamps
                    .iter()
                    .zip(&y.timestamps)
                    .all(|(p, q)| (p - q).abs() <= 1e-5)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn add_and_query() {
        let mut st = SpikeTrains::new(Some("a"));
        st.add_spike(3, 5.0, None).unwrap();
        st.add_spike(1, 2.0, None).unwrap();
        st.add_spikes(&[3, 3], &[1.0, 9.0], Some("b")).unwrap();
        st.add_spike(3, 0.5, None).unwrap();
        assert_eq!(st.populations(), vec!["a", "b"]);
        assert_eq!(st.n_spikes(None), 5);
        assert_eq!(st.node_ids(None).unwrap(), vec![1, 3]);
        assert_eq!(st.get_times(3, None, None).unwrap(), vec![0.5, 5.0]);
        assert_eq!(
            st.get_times(3, Some("b"), Some((0.0, 5.0))).unwrap(),
            vec![1.0]
        );
        let s = st.population("a").unwrap().sorted(SortOrder::ByTime);
        assert_eq!(s.timestamps, vec![0.5, 2.0, 5.0]);
        let s = st.population("a").unwrap().sorted(SortOrder::ById);
        assert_eq!(s.node_ids, vec![1, 3, 3]);
        assert!(SpikeTrains::new(None).add_spike(1, 1.0, None).is_err());
        assert!(st.add_spikes(&[1], &[], None).is_err());
    }
}
