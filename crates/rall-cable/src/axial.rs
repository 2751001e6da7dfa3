//! The axial and capacitance terms of NEURON's `setup_tree_matrix` (`nrn_rhs` axial loop and
//! `nrn_lhs`), added to `rhs`/`d` after the mechanisms' currents.
//!
//! NEURON's loop, for every non-root node `i` in index order with parent `p`:
//! `dv = v[p] - v[i]; rhs[i] -= b[i]*dv; rhs[p] += a[i]*dv` and, for `d`, the capacitance
//! `d[i] += cap[i]` (before any axial term touching `i`), then `d[i] -= b[i]; d[p] -= a[i]`.
//! Per element that is: its own terms first, then its children's terms in increasing child
//! index. The passes here keep exactly that per-element sequence (so the result is bitwise the
//! same) while avoiding the store-to-load chains of the plain loop: the next node of a chain
//! (`parent[i+1] == i`) is always the smallest-index child of `i`, so its term can be added while
//! row `i` is still in registers; the other children (first nodes of later chains) add theirs
//! afterwards, in increasing node order.

use crate::tree::NO_PARENT;

/// Precomputed structure of the axial pass over cells stored node by node.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AxialPlan {
    /// Runs of non-root nodes `[start, end)`: one per cell (the non-root nodes of a cell are
    /// contiguous).
    spans: Vec<(usize, usize)>,
    /// Chains `[s, e)` with `parent[i] == i - 1` inside, and the parent of `s` (scalar pass).
    runs: Vec<(usize, usize, usize)>,
    /// Per node: all bits set if node `i + 1` is in the same span and `parent[i + 1] == i`.
    cont: Vec<u64>,
    /// Parent of every node as i32 (gather indices; 0 for roots, never used).
    par32: Vec<i32>,
    /// First nodes of chains and their parents, increasing.
    starts: Vec<(usize, usize)>,
}

impl AxialPlan {
    /// Plan of the non-root nodes in `spans` (every parent of a span node is a root or a node of
    /// the same span, and `parent[i] < i`). `None` if that does not hold or node indices do
    /// not fit in i32.
    pub fn new(parent: &[usize], spans: &[(usize, usize)]) -> Option<AxialPlan> {
        let n = parent.len();
        i32::try_from(n).ok()?;
        if spans
            .iter()
            .any(|&(s, e)| s > e || e > n || (s..e).any(|i| parent[i] >= i))
        {
            return None;
        }
        let mut plan = AxialPlan {
            spans: spans.to_vec(),
            par32: parent
                .iter()
                .map(|&p| if p == NO_PARENT { 0 } else { p as i32 })
                .collect(),
            cont: vec![0; n],
            ..AxialPlan::default()
        };
        for &(s, e) in spans {
            for i in s..e {
                let p = parent[i];
                let chained = i > s && p + 1 == i;
                if chained {
                    plan.cont[i - 1] = u64::MAX;
                }
                match plan.runs.last_mut() {
                    Some(r) if chained => r.1 = i + 1,
                    _ => {
                        plan.runs.push((i, i + 1, p));
                        plan.starts.push((i, p));
                    }
                }
            }
        }
        Some(plan)
    }

    /// Add the axial and capacitance terms (see the module doc) to `rhs` and `d`.
    #[allow(clippy::too_many_arguments)]
    pub fn apply(
        &self,
        v: &[f64],
        a: &[f64],
        b: &[f64],
        cap: &[f64],
        rhs: &mut [f64],
        d: &mut [f64],
    ) {
        #[cfg(target_arch = "x86_64")]
        if crate::simd_enabled() && std::arch::is_x86_feature_detected!("avx2") {
            let n = self.par32.len();
            assert!(
                [v.len(), a.len(), b.len(), cap.len(), rhs.len(), d.len()]
                    .iter()
                    .all(|&l| l >= n),
                "node arrays shorter than the plan"
            );
            // SAFETY: the CPU supports AVX2 (checked above) and every array has at least as
            // many elements as the plan's nodes (asserted above).
            unsafe { self.apply_avx2(v, a, b, cap, rhs, d) };
            return;
        }
        self.apply_scalar(v, a, b, cap, rhs, d);
    }

    /// The portable pass: chain by chain, the running row in registers.
    #[doc(hidden)]
    pub fn apply_scalar(
        &self,
        v: &[f64],
        a: &[f64],
        b: &[f64],
        cap: &[f64],
        rhs: &mut [f64],
        d: &mut [f64],
    ) {
        for &(s, e, p) in &self.runs {
            let (vv, aa, bb, cc) = (&v[s..e], &a[s..e], &b[s..e], &cap[s..e]);
            let mut vi = vv[0];
            let dv = v[p] - vi;
            let mut r = rhs[s] - bb[0] * dv;
            rhs[p] += aa[0] * dv;
            let mut dd = d[s] + cc[0];
            dd -= bb[0];
            d[p] -= aa[0];
            let (rr, ds) = (&mut rhs[s..e], &mut d[s..e]);
            for j in 1..vv.len() {
                let vj = vv[j];
                let dv = vi - vj;
                r += aa[j] * dv;
                dd -= aa[j];
                rr[j - 1] = r;
                ds[j - 1] = dd;
                r = rr[j] - bb[j] * dv;
                dd = ds[j] + cc[j];
                dd -= bb[j];
                vi = vj;
            }
            rr[vv.len() - 1] = r;
            ds[vv.len() - 1] = dd;
        }
    }

    /// Two passes: (1) every row's own terms plus its chain successor's term, 4 rows at a time
    /// (parent voltages gathered, the successor's term selected by the `cont` mask); (2) the
    /// first nodes of chains add their terms to their parents in increasing node order.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    fn apply_avx2(
        &self,
        v: &[f64],
        a: &[f64],
        b: &[f64],
        cap: &[f64],
        rhs: &mut [f64],
        d: &mut [f64],
    ) {
        use std::arch::x86_64::*;
        let (vp, ap, bp, cp) = (v.as_ptr(), a.as_ptr(), b.as_ptr(), cap.as_ptr());
        let (rp, dp) = (rhs.as_mut_ptr(), d.as_mut_ptr());
        // SAFETY (unchecked accesses): spans, parents and successors (i + 1 < e) are nodes of
        // the plan, < par32.len() <= every array's length (asserted by `apply`).
        let row = |i: usize| unsafe {
            let dv = *vp.add(self.par32[i] as usize) - *vp.add(i);
            let mut r = *rp.add(i) - *bp.add(i) * dv;
            let mut dd = *dp.add(i) + *cp.add(i);
            dd -= *bp.add(i);
            if self.cont[i] != 0 {
                let dvn = *vp.add(i) - *vp.add(i + 1);
                r += *ap.add(i + 1) * dvn;
                dd -= *ap.add(i + 1);
            }
            *rp.add(i) = r;
            *dp.add(i) = dd;
        };
        for &(s, e) in &self.spans {
            let mut i = s;
            // the successor loads read i + 4, so stop while i + 4 < e
            while i + 5 <= e {
                // SAFETY: i..i+5 are nodes of the span (see above); par32/cont have n elements.
                unsafe {
                    let vi = _mm256_loadu_pd(vp.add(i));
                    let idx = _mm_loadu_si128(self.par32.as_ptr().add(i) as *const __m128i);
                    let vpar = _mm256_i32gather_pd::<8>(vp, idx);
                    let dv = _mm256_sub_pd(vpar, vi);
                    let b4 = _mm256_loadu_pd(bp.add(i));
                    let r = _mm256_sub_pd(_mm256_loadu_pd(rp.add(i)), _mm256_mul_pd(b4, dv));
                    let dd = _mm256_sub_pd(
                        _mm256_add_pd(_mm256_loadu_pd(dp.add(i)), _mm256_loadu_pd(cp.add(i))),
                        b4,
                    );
                    let dvn = _mm256_sub_pd(vi, _mm256_loadu_pd(vp.add(i + 1)));
                    let an = _mm256_loadu_pd(ap.add(i + 1));
                    let rc = _mm256_add_pd(r, _mm256_mul_pd(an, dvn));
                    let dc = _mm256_sub_pd(dd, an);
                    let m = _mm256_castsi256_pd(_mm256_loadu_si256(
                        self.cont.as_ptr().add(i) as *const __m256i
                    ));
                    _mm256_storeu_pd(rp.add(i), _mm256_blendv_pd(r, rc, m));
                    _mm256_storeu_pd(dp.add(i), _mm256_blendv_pd(dd, dc, m));
                }
                i += 4;
            }
            while i < e {
                row(i);
                i += 1;
            }
        }
        for &(s, p) in &self.starts {
            // SAFETY: s and p are nodes of the plan.
            unsafe {
                let dv = *vp.add(p) - *vp.add(s);
                *rp.add(p) += *ap.add(s) * dv;
                *dp.add(p) -= *ap.add(s);
            }
        }
    }
}

/// NEURON's loop as written (the reference of the tests).
#[doc(hidden)]
pub fn axial_reference(
    parent: &[usize],
    v: &[f64],
    a: &[f64],
    b: &[f64],
    cap: &[f64],
    rhs: &mut [f64],
    d: &mut [f64],
) {
    for i in 0..parent.len() {
        let p = parent[i];
        if p == NO_PARENT {
            continue;
        }
        let dv = v[p] - v[i];
        rhs[i] -= b[i] * dv;
        rhs[p] += a[i] * dv;
        d[i] += cap[i];
        d[i] -= b[i];
        d[p] -= a[i];
    }
}
