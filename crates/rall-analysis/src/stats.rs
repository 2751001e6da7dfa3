//! Per-node spike statistics: BMTK's `spike_statistics` (count, mean inter-spike interval) and
//! the firing rate `plot_rates` draws.

use std::collections::BTreeMap;

use crate::spikes::Spikes;
use crate::AnalysisError;

/// Statistics of one node.
#[derive(Debug, Clone, PartialEq)]
pub struct NodeStats {
    pub population: String,
    pub node_id: u64,
    /// Number of spikes (all of them, as `spike_statistics`).
    pub count: usize,
    /// Mean interval between consecutive spikes (sorted) in ms; 0 with fewer than two spikes
    /// (BMTK's convention). Summed as numpy sums, so equal to BMTK's value to the bit.
    pub mean_isi: f64,
    /// Spikes within the rate window divided by its length in seconds (`plot_rates`); `None`
    /// when the window is empty (a file without a config and a single spike time).
    pub rate_hz: Option<f64>,
}

/// The statistics of every node that spiked, sorted by population then node id (pandas'
/// `groupby` order), and the window the rates were computed over.
///
/// The rate window is `window` if given, else the run's `(tstart, tstop)` when the spikes came
/// through a config, else — as `plot_rates` without `times` — from the first to the last spike of
/// the population.
pub fn spike_statistics(
    spikes: &Spikes,
    window: Option<(f64, f64)>,
) -> Result<(Vec<NodeStats>, Vec<(String, Option<(f64, f64)>)>), AnalysisError> {
    if let Some((a, b)) = window {
        if a.partial_cmp(&b) != Some(std::cmp::Ordering::Less) {
            return Err(AnalysisError::BadWindow { start: a, stop: b });
        }
    }
    let window = window.or(spikes.run_window());
    let mut out = Vec::new();
    let mut windows = Vec::new();
    let mut pops: Vec<_> = spikes.populations.iter().collect();
    pops.sort_by(|a, b| a.name.cmp(&b.name));
    for p in pops {
        let win = window.or_else(|| {
            let lo = p.timestamps.iter().copied().fold(f64::INFINITY, f64::min);
            let hi = p
                .timestamps
                .iter()
                .copied()
                .fold(f64::NEG_INFINITY, f64::max);
            (lo < hi).then_some((lo, hi))
        });
        windows.push((p.name.clone(), win));
        let mut by_node: BTreeMap<u64, Vec<f64>> = BTreeMap::new();
        for (&t, &n) in p.timestamps.iter().zip(&p.node_ids) {
            by_node.entry(n).or_default().push(t);
        }
        for (node_id, mut ts) in by_node {
            ts.sort_by(f64::total_cmp);
            let diffs: Vec<f64> = ts.windows(2).map(|w| w[1] - w[0]).collect();
            let mean_isi = if diffs.is_empty() {
                0.0
            } else {
                numpy_mean(&diffs)
            };
            let rate_hz = win.map(|(a, b)| {
                let n = ts.iter().filter(|&&t| t >= a && t <= b).count();
                n as f64 / ((b - a) / 1000.0)
            });
            out.push(NodeStats {
                population: p.name.clone(),
                node_id,
                count: ts.len(),
                mean_isi,
                rate_hz,
            });
        }
    }
    Ok((out, windows))
}

/// `numpy.mean` of a float64 array: numpy's pairwise sum divided by the length.
pub fn numpy_mean(a: &[f64]) -> f64 {
    (0.0 + pairwise_sum(a)) / a.len() as f64
}

/// numpy's pairwise summation of float64 (`add.reduce` on a contiguous array): below 8
/// elements a plain loop; up to 128, eight interleaved partial sums combined as
/// `((r0+r1)+(r2+r3))+((r4+r5)+(r6+r7))` followed by the remainder; above, the halves (the first
/// rounded down to a multiple of 8) summed recursively.
pub fn pairwise_sum(a: &[f64]) -> f64 {
    const BLOCK: usize = 128;
    let n = a.len();
    if n < 8 {
        let mut s = 0.0;
        for &x in a {
            s += x;
        }
        s
    } else if n <= BLOCK {
        let mut r = [0.0f64; 8];
        r.copy_from_slice(&a[..8]);
        let full = n - n % 8;
        let mut i = 8;
        while i < full {
            for j in 0..8 {
                r[j] += a[i + j];
            }
            i += 8;
        }
        let mut s = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
        for &x in &a[i..] {
            s += x;
        }
        s
    } else {
        let mut half = n / 2;
        half -= half % 8;
        pairwise_sum(&a[..half]) + pairwise_sum(&a[half..])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairwise_small_and_blocked() {
        assert_eq!(pairwise_sum(&[]), 0.0);
        assert_eq!(pairwise_sum(&[1.0, 2.0, 3.0]), 6.0);
        let a: Vec<f64> = (0..1000).map(|i| i as f64 * 0.5).collect();
        assert_eq!(pairwise_sum(&a), 249750.0);
        // Order matters for roundoff: 1e16 + 1 + ... cancels differently than a plain loop.
        let mut b = vec![1.0; 16];
        b[0] = 1e16;
        b[8] = -1e16;
        // r0 = 1e16 + -1e16 = 0, the others 2 each → 14 (a plain loop would give 14 too, but
        // via 1e16 + 1 = 1e16, losing the ones before the cancellation: 7).
        assert_eq!(pairwise_sum(&b), 14.0);
        let plain: f64 = b.iter().sum();
        assert_eq!(plain, 7.0);
    }
}
