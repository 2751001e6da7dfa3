//! Synapse placement exactly as BioNet does it (per-cell numpy `RandomState(gid)`, candidate
//! segments by `target_sections` and `distance_range` weighted by overlap, numpy's legacy
//! `choice(p=…)`), and synaptic weight functions.

use std::collections::HashMap;
use std::sync::Arc;

use rall_spikes::Mt19937;

use crate::cell::SegRow;

/// numpy's pairwise summation (`np.sum` of a contiguous float64 array).
pub fn numpy_sum(a: &[f64]) -> f64 {
    fn pw(a: &[f64]) -> f64 {
        let n = a.len();
        if n < 8 {
            let mut res = 0.0;
            for &x in a {
                res += x;
            }
            res
        } else if n <= 128 {
            let mut r = [0.0f64; 8];
            r.copy_from_slice(&a[..8]);
            let mut i = 8;
            while i < n - (n % 8) {
                for k in 0..8 {
                    r[k] += a[i + k];
                }
                i += 8;
            }
            let mut res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
            while i < n {
                res += a[i];
                i += 1;
            }
            res
        } else {
            let mut n2 = n / 2;
            n2 -= n2 % 8;
            pw(&a[..n2]) + pw(&a[n2..])
        }
    }
    pw(a)
}

/// Section-type code of a `target_sections` name.
pub fn section_type(name: &str) -> Option<u8> {
    Some(match name {
        "somatic" | "soma" => 1,
        "axonal" | "axon" => 2,
        "basal" | "dend" => 3,
        "apical" | "apic" => 4,
        _ => return None,
    })
}

/// Candidate segments (indices into the segment table, ascending) and the normalised cdf.
#[derive(Debug, Clone)]
pub struct Candidates {
    pub segs: Vec<usize>,
    pub cdf: Vec<f64>,
}

/// BMTK's `find_sections` + probabilities: segments of the given types overlapping
/// `[dmin, dmax]`, weighted by length × overlap fraction.
pub fn candidates(table: &[SegRow], types: &[u8], dmin: f64, dmax: f64) -> Candidates {
    let mut segs = Vec::new();
    let mut w = Vec::new();
    for (i, s) in table.iter().enumerate() {
        let d0 = s.dist - s.length / 2.0;
        let d1 = s.dist + s.length / 2.0;
        let frac = (d1.min(dmax) - d0.max(dmin)).max(0.0) / s.length;
        if frac > 0.0 && types.contains(&s.ty) {
            segs.push(i);
            w.push(s.length * frac);
        }
    }
    let total = numpy_sum(&w);
    let mut cdf = Vec::with_capacity(w.len());
    let mut acc = 0.0;
    for x in &w {
        acc += x / total;
        cdf.push(acc);
    }
    if let Some(&last) = cdf.last() {
        for c in &mut cdf {
            *c /= last;
        }
    }
    Candidates { segs, cdf }
}

/// numpy legacy `choice(candidates, n, p=p)`: one uniform per draw, `searchsorted(cdf, u,
/// 'right')`.
pub fn choose(rng: &mut Mt19937, c: &Candidates, n: u64) -> Vec<usize> {
    (0..n)
        .map(|_| {
            let u = rng.random_sample();
            let k = c.cdf.partition_point(|&x| x <= u);
            c.segs[k.min(c.segs.len() - 1)]
        })
        .collect()
}

/// Per-cell placement state: the RNG seeded with the gid and cached candidate sets.
#[derive(Debug)]
pub struct Placer {
    pub rng: Mt19937,
    cache: HashMap<(Vec<u8>, u64, u64), Candidates>,
}

impl Placer {
    pub fn new(gid: u64) -> Placer {
        Placer {
            rng: Mt19937::new(gid as u32),
            cache: HashMap::new(),
        }
    }

    /// Chooses `n` segments; `None` when no segment qualifies (BMTK warns and creates none).
    pub fn place(
        &mut self,
        table: &[SegRow],
        types: &[u8],
        dmin: f64,
        dmax: f64,
        n: u64,
    ) -> Option<Vec<usize>> {
        let key = (types.to_vec(), dmin.to_bits(), dmax.to_bits());
        let c = self
            .cache
            .entry(key)
            .or_insert_with(|| candidates(table, types, dmin, dmax));
        if c.segs.is_empty() {
            return None;
        }
        Some(choose(&mut self.rng, c, n))
    }
}

/// What a weight function sees of one edge.
pub trait EdgeView {
    /// Edge property (per-edge value, else edge-type value) as a number.
    fn edge_f64(&self, key: &str) -> Option<f64>;
    /// Source node property as a number.
    fn source_f64(&self, key: &str) -> Option<f64>;
    /// Target node property as a number.
    fn target_f64(&self, key: &str) -> Option<f64>;
}

/// A synaptic weight function `f(edge, source, target)` (BMTK's `add_weight_function`).
pub type WeightFn = Arc<dyn Fn(&dyn EdgeView) -> Result<f64, String> + Send + Sync>;

/// Named weight functions: the built-ins plus any registered through [`WeightFns::register`].
#[derive(Clone)]
pub struct WeightFns {
    fns: HashMap<String, WeightFn>,
}

impl std::fmt::Debug for WeightFns {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut k: Vec<&String> = self.fns.keys().collect();
        k.sort();
        write!(f, "WeightFns({k:?})")
    }
}

fn syn_weight(e: &dyn EdgeView) -> Result<f64, String> {
    e.edge_f64("syn_weight")
        .ok_or_else(|| "no numeric syn_weight".to_string())
}

impl Default for WeightFns {
    fn default() -> Self {
        let mut w = WeightFns {
            fns: HashMap::new(),
        };
        for n in ["default_weight_fnc", "set_syn_weight", "wmax"] {
            w.register(n, Arc::new(syn_weight));
        }
        w.register(
            "gaussianLL",
            Arc::new(|e: &dyn EdgeView| {
                let w0 = syn_weight(e)?;
                let sigma = e
                    .edge_f64("weight_sigma")
                    .ok_or("gaussianLL needs the edge property weight_sigma")?;
                let ts = e
                    .source_f64("tuning_angle")
                    .ok_or("gaussianLL needs the source node property tuning_angle")?;
                let tt = e
                    .target_f64("tuning_angle")
                    .ok_or("gaussianLL needs the target node property tuning_angle")?;
                let d = ((180.0 - (tt - ts).abs()).abs().rem_euclid(360.0) - 180.0)
                    .abs()
                    .abs();
                Ok(w0 * (-(d / sigma).powi(2)).exp())
            }),
        );
        w
    }
}

impl WeightFns {
    /// Registers (or replaces) a named weight function.
    pub fn register(&mut self, name: &str, f: WeightFn) {
        self.fns.insert(name.to_string(), f);
    }

    pub fn get(&self, name: &str) -> Option<&WeightFn> {
        self.fns.get(name)
    }
}
