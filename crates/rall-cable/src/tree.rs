//! Discretisation: NEURON's node order, node areas, axial coefficients, and the Hines solver.

use crate::error::CableError;
use crate::geom::section_geometry;
use crate::morph::{Morphology, SecId};

/// Marks a root node in [`Tree::parent`].
pub const NO_PARENT: usize = usize::MAX;

/// Which node of the morphology a node is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NodeKind {
    /// The x = 0 node of a root section (area 100, no membrane).
    Root(SecId),
    /// Node `j` of a section: `j < nseg` is a segment centre, `j == nseg` the x = 1 end node.
    Sec(SecId, usize),
}

/// The matrix structure of one cell (or several, concatenated): node arrays in NEURON's order.
#[derive(Debug, Clone, PartialEq)]
pub struct Tree {
    /// Parent node index, [`NO_PARENT`] for roots. Always `parent[i] < i`.
    pub parent: Vec<usize>,
    /// `a[i]`: effect of node i on its parent's equation.
    pub a: Vec<f64>,
    /// `b[i]`: effect of the parent on node i's equation.
    pub b: Vec<f64>,
    /// Node area (µm²); 100 for zero-length nodes.
    pub area: Vec<f64>,
    /// Node diameter (µm; 0 for zero-length nodes).
    pub diam: Vec<f64>,
    /// Specific capacitance (µF/cm²) for segment nodes, 0 for zero-area nodes.
    pub cm: Vec<f64>,
    /// What each node is.
    pub kind: Vec<NodeKind>,
    /// `axial_rinv[i]`: NEURON's NODERINV (µS), `1/seg.ri()`.
    pub rinv: Vec<f64>,
}

/// Node indices of one section: `first` is node j = 0, nodes are contiguous up to j = nseg.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SecNodes {
    pub first: usize,
    pub nseg: usize,
    /// Node the section's 0 end attaches to.
    pub parent_node: usize,
}

/// A discretised cell: the tree plus the section → node map.
#[derive(Debug, Clone, PartialEq)]
pub struct Discretization {
    pub tree: Tree,
    /// Indexed by [`SecId`]; `None` for deleted sections.
    pub sec_nodes: Vec<Option<SecNodes>>,
}

impl Discretization {
    /// Build the node order of NEURON (root nodes first, then breadth first over sections,
    /// nodes 0..=nseg within a section) and the geometry of every node.
    pub fn new(m: &Morphology) -> Result<Discretization, CableError> {
        let order = m.section_order();
        let roots = m.roots();
        let n_nodes: usize =
            roots.len() + order.iter().map(|&s| m.sections[s].nseg + 1).sum::<usize>();
        let mut t = Tree {
            parent: Vec::with_capacity(n_nodes),
            a: vec![0.0; n_nodes],
            b: vec![0.0; n_nodes],
            area: Vec::with_capacity(n_nodes),
            diam: Vec::with_capacity(n_nodes),
            cm: Vec::with_capacity(n_nodes),
            kind: Vec::with_capacity(n_nodes),
            rinv: Vec::with_capacity(n_nodes),
        };
        let mut root_node = vec![NO_PARENT; m.sections.len()];
        for &r in &roots {
            root_node[r] = t.parent.len();
            t.parent.push(NO_PARENT);
            t.area.push(100.0);
            t.diam.push(0.0);
            t.cm.push(0.0);
            t.kind.push(NodeKind::Root(r));
            t.rinv.push(0.0);
        }
        let mut sec_nodes: Vec<Option<SecNodes>> = vec![None; m.sections.len()];
        for &s in &order {
            let sec = &m.sections[s];
            let nseg = sec.nseg;
            let parent_node = match sec.parent {
                None => root_node[s],
                Some(p) => parent_node_at(m, &sec_nodes, &root_node, p, sec.parent_x)?,
            };
            let first = t.parent.len();
            let g = section_geometry(sec);
            for j in 0..=nseg {
                t.parent
                    .push(if j == 0 { parent_node } else { first + j - 1 });
                t.area.push(g.area[j]);
                t.diam.push(if j < nseg { g.diam[j] } else { 0.0 });
                t.cm.push(if j < nseg { sec.cm } else { 0.0 });
                t.kind.push(NodeKind::Sec(s, j));
                t.rinv.push(g.rinv[j]);
            }
            sec_nodes[s] = Some(SecNodes {
                first,
                nseg,
                parent_node,
            });
        }
        for i in 0..t.parent.len() {
            let p = t.parent[i];
            if p == NO_PARENT {
                continue;
            }
            let r = t.rinv[i];
            // NEURON multiplies the first node of a section by rallbranch (always 1 here;
            // -1e2*1.0 is exactly -1e2)
            t.a[i] = -1.0e2 * r / t.area[p];
            t.b[i] = -1.0e2 * r / t.area[i];
        }
        Ok(Discretization { tree: t, sec_nodes })
    }

    /// Node of `sec(x)` as NEURON maps point processes and connections: x = 0 → the node
    /// the section attaches to, x = 1 → the end node, else segment `int(x*nseg)`
    /// (clamped to nseg-1).
    pub fn node_at(&self, sec: SecId, x: f64) -> Result<usize, CableError> {
        let sn = self
            .sec_nodes
            .get(sec)
            .copied()
            .flatten()
            .ok_or(CableError::NoSection(sec))?;
        if !(0.0..=1.0).contains(&x) {
            return Err(CableError::BadX {
                section: format!("#{sec}"),
                x,
            });
        }
        Ok(node_in(sn, x))
    }

    /// Node of segment `i` (0-based) of a section.
    pub fn segment_node(&self, sec: SecId, i: usize) -> Option<usize> {
        let sn = self.sec_nodes.get(sec).copied().flatten()?;
        (i < sn.nseg).then_some(sn.first + i)
    }
}

fn node_in(sn: SecNodes, x: f64) -> usize {
    if x == 0.0 {
        sn.parent_node
    } else if x == 1.0 {
        sn.first + sn.nseg
    } else {
        let mut i = (sn.nseg as f64 * x) as usize;
        if i >= sn.nseg {
            i = sn.nseg - 1;
        }
        sn.first + i
    }
}

fn parent_node_at(
    m: &Morphology,
    sec_nodes: &[Option<SecNodes>],
    root_node: &[usize],
    p: SecId,
    x: f64,
) -> Result<usize, CableError> {
    if x == 0.0 {
        // the parent's own attachment node (recursively for chains of x = 0 connections)
        return match m.sections[p].parent {
            None => Ok(root_node[p]),
            Some(_) => sec_nodes[p]
                .map(|sn| sn.parent_node)
                .ok_or(CableError::NoSection(p)),
        };
    }
    let sn = sec_nodes[p].ok_or(CableError::NoSection(p))?;
    Ok(node_in(sn, x))
}

/// NEURON's Hines elimination (`triang`) and back substitution (`bksub`) over a tree in which
/// `parent[i] < i`. `rhs` holds the solution afterwards; `d` is overwritten.
pub fn hines_solve(parent: &[usize], a: &[f64], b: &[f64], d: &mut [f64], rhs: &mut [f64]) {
    let n = parent.len();
    for i in (0..n).rev() {
        let p = parent[i];
        if p == NO_PARENT {
            continue;
        }
        let f = a[i] / d[i];
        d[p] -= f * b[i];
        rhs[p] -= f * rhs[i];
    }
    for i in 0..n {
        let p = parent[i];
        if p == NO_PARENT {
            rhs[i] /= d[i];
        } else {
            rhs[i] -= b[i] * rhs[p];
            rhs[i] /= d[i];
        }
    }
}

/// Root nodes and maximal runs `[start, end)` of non-root nodes of a tree (for branch-free loops).
pub fn root_spans(parent: &[usize]) -> (Vec<usize>, Vec<(usize, usize)>) {
    let mut roots = Vec::new();
    let mut spans: Vec<(usize, usize)> = Vec::new();
    for (i, &p) in parent.iter().enumerate() {
        if p == NO_PARENT {
            roots.push(i);
        } else {
            match spans.last_mut() {
                Some(s) if s.1 == i => s.1 = i + 1,
                _ => spans.push((i, i + 1)),
            }
        }
    }
    (roots, spans)
}

/// [`hines_solve`] with precomputed [`root_spans`]: the same operations per node in the same
/// order within each span, no branches. Independent spans (cells) are processed eight at a time in
/// lockstep so that their division chains overlap; per-node arithmetic is unchanged, so the
/// result is bitwise that of [`hines_solve`] when spans are separate cells.
pub fn hines_solve_spans(
    parent: &[usize],
    a: &[f64],
    b: &[f64],
    d: &mut [f64],
    rhs: &mut [f64],
    roots: &[usize],
    spans: &[(usize, usize)],
) {
    // spans must be independent (no node of one span is the parent of a node of another) for
    // the lockstep; that holds for separate cells. A single span is solved alone.
    let independent = roots.len() == spans.len();
    let chunk = if independent { 8 } else { 1 };
    for group in spans.rchunks(chunk) {
        let maxlen = group.iter().map(|&(s, e)| e - s).max().unwrap_or(0);
        for j in 0..maxlen {
            for &(s, e) in group.iter().rev() {
                let len = e - s;
                if j < len {
                    let i = e - 1 - j;
                    let p = parent[i];
                    let f = a[i] / d[i];
                    d[p] -= f * b[i];
                    rhs[p] -= f * rhs[i];
                }
            }
        }
    }
    for &r in roots {
        rhs[r] /= d[r];
    }
    for group in spans.chunks(chunk) {
        let maxlen = group.iter().map(|&(s, e)| e - s).max().unwrap_or(0);
        for j in 0..maxlen {
            for &(s, e) in group {
                if j < e - s {
                    let i = s + j;
                    let p = parent[i];
                    rhs[i] -= b[i] * rhs[p];
                    rhs[i] /= d[i];
                }
            }
        }
    }
}

/// A precomputed operation order for the Hines solve of one or more trees stored node by node
/// (the cells of a group that are not lane-interleaved).
///
/// NEURON's loops visit nodes in index order, so along a section every step waits for the
/// division of the step before (a serial chain of dependent divisions). The schedule visits the
/// same per-node operations level by level instead: all operations of one level are independent,
/// so their divisions overlap, four at a time as one packed IEEE division. Every array element
/// still receives exactly NEURON's operations in NEURON's order:
/// * triang: node `i` is visited after all its children (so `d[i]`, `rhs[i]` are final) and
///   after its next larger sibling (so `d[parent]` and `rhs[parent]` receive the children's
///   terms in decreasing child index, as in NEURON's downward loop);
/// * bksub: node `i` is visited after its parent.
///
/// Hence the result is bitwise that of [`hines_solve`] (checked on random trees by
/// `tests/hines_props.rs`).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SolveSchedule {
    /// Smallest length of `d`/`rhs` the schedule may be applied to.
    n: usize,
    roots: Vec<u32>,
    /// triang: (node, parent) level by level; `a`, `b` of the node in the same order.
    tri: Vec<[u32; 2]>,
    tri_a: Vec<f64>,
    tri_b: Vec<f64>,
    /// Start of each triang level in `tri` (plus the end).
    tri_levels: Vec<usize>,
    /// bksub: (node, parent) level by level, `b` of the node.
    bk: Vec<[u32; 2]>,
    bk_b: Vec<f64>,
    bk_levels: Vec<usize>,
}

impl SolveSchedule {
    /// Schedule of the trees whose root nodes are `roots` and whose non-root nodes are the
    /// `spans` (as from [`root_spans`]; every parent of a span node must be one of these roots
    /// or span nodes). `a`, `b` are copied in visiting order: the tree must not change later.
    /// `None` if that does not hold (`parent[i] < i` for span nodes, indices within the tree)
    /// or a node index does not fit in 32 bits.
    pub fn new(
        parent: &[usize],
        a: &[f64],
        b: &[f64],
        roots: &[usize],
        spans: &[(usize, usize)],
    ) -> Option<SolveSchedule> {
        let n = parent.len();
        if u32::try_from(n).is_err()
            || a.len() < n
            || b.len() < n
            || roots.iter().any(|&r| r >= n)
            || spans
                .iter()
                .any(|&(s, e)| s > e || e > n || (s..e).any(|i| parent[i] >= i))
        {
            return None;
        }
        let u = |x: usize| x as u32;
        let nodes = || spans.iter().flat_map(|&(s, e)| s..e);
        // triang levels: level(i) >= level(child) + 1 for every child, and >= level of the next
        // larger sibling + 1
        let mut tri_lvl = vec![0usize; n];
        let mut need_children = vec![0usize; n];
        let mut need_sibling = vec![0usize; n];
        let mut rev: Vec<usize> = nodes().collect();
        rev.sort_unstable_by(|x, y| y.cmp(x));
        for &i in &rev {
            let p = parent[i];
            let l = need_children[i].max(need_sibling[p]);
            tri_lvl[i] = l;
            need_children[p] = need_children[p].max(l + 1);
            need_sibling[p] = l + 1;
        }
        // bksub levels: depth below the root (roots are done first)
        let mut bk_lvl = vec![0usize; n];
        let mut depth = vec![0usize; n];
        let mut fwd = rev.clone();
        fwd.reverse();
        for &i in &fwd {
            let p = parent[i];
            depth[i] = depth[p] + 1;
            bk_lvl[i] = depth[i] - 1;
        }
        let bucket = |order: &[usize], lvl: &[usize]| -> (Vec<usize>, Vec<usize>) {
            let nl = order.iter().map(|&i| lvl[i] + 1).max().unwrap_or(0);
            let mut count = vec![0usize; nl + 1];
            for &i in order {
                count[lvl[i] + 1] += 1;
            }
            for l in 0..nl {
                count[l + 1] += count[l];
            }
            let levels = count.clone();
            let mut out = vec![0usize; order.len()];
            for &i in order {
                out[count[lvl[i]]] = i;
                count[lvl[i]] += 1;
            }
            (out, levels)
        };
        let (tri_order, tri_levels) = bucket(&rev, &tri_lvl);
        let (bk_order, bk_levels) = bucket(&fwd, &bk_lvl);
        Some(SolveSchedule {
            n,
            roots: roots.iter().map(|&r| u(r)).collect(),
            tri: tri_order.iter().map(|&i| [u(i), u(parent[i])]).collect(),
            tri_a: tri_order.iter().map(|&i| a[i]).collect(),
            tri_b: tri_order.iter().map(|&i| b[i]).collect(),
            tri_levels,
            bk: bk_order.iter().map(|&i| [u(i), u(parent[i])]).collect(),
            bk_b: bk_order.iter().map(|&i| b[i]).collect(),
            bk_levels,
        })
    }

    /// Number of triang and bksub levels (the length of the longest dependency chains).
    pub fn levels(&self) -> (usize, usize) {
        (
            self.tri_levels.len().saturating_sub(1),
            self.bk_levels.len().saturating_sub(1),
        )
    }
}

/// [`hines_solve`] by a [`SolveSchedule`]: bitwise the same result.
pub fn hines_solve_scheduled(s: &SolveSchedule, d: &mut [f64], rhs: &mut [f64]) {
    assert!(
        d.len() >= s.n && rhs.len() >= s.n,
        "schedule of {} nodes applied to {} / {}",
        s.n,
        d.len(),
        rhs.len()
    );
    #[cfg(target_arch = "x86_64")]
    if crate::simd_enabled() && std::arch::is_x86_feature_detected!("avx") {
        // SAFETY: the CPU supports AVX (checked just above).
        unsafe { solve_scheduled_avx(s, d, rhs) };
        return;
    }
    solve_scheduled_portable(s, d, rhs);
}

/// The portable (scalar) body of [`hines_solve_scheduled`], public so that tests can compare it
/// with the vector path on machines with AVX.
#[doc(hidden)]
pub fn hines_solve_scheduled_portable(s: &SolveSchedule, d: &mut [f64], rhs: &mut [f64]) {
    assert!(d.len() >= s.n && rhs.len() >= s.n);
    solve_scheduled_portable(s, d, rhs);
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx")]
fn solve_scheduled_avx(s: &SolveSchedule, d: &mut [f64], rhs: &mut [f64]) {
    // The scalar body with every full group of 4 operations of a level as one packed IEEE
    // division (vdivpd) and packed products/differences: the same operations per lane. AVX
    // only (no FMA), so nothing is contracted.
    use std::arch::x86_64::*;
    const W: usize = 4;
    let (dp, rp) = (d.as_mut_ptr(), rhs.as_mut_ptr());
    // SAFETY (all unchecked accesses below): every node index in the schedule is < s.n and d,
    // rhs have at least s.n elements (asserted by the caller); k + W <= the level's length.
    let ld = |p: *mut f64, i: u32| unsafe { *p.add(i as usize) };
    let st = |p: *mut f64, i: u32, x: f64| unsafe { *p.add(i as usize) = x };
    let gather = |p: *mut f64, o: &[[u32; 2]], c: usize| {
        _mm256_set_pd(
            ld(p, o[3][c]),
            ld(p, o[2][c]),
            ld(p, o[1][c]),
            ld(p, o[0][c]),
        )
    };
    for l in 0..s.tri_levels.len().saturating_sub(1) {
        let (lo, hi) = (s.tri_levels[l], s.tri_levels[l + 1]);
        let ops = &s.tri[lo..hi];
        let (aa, bb) = (&s.tri_a[lo..hi], &s.tri_b[lo..hi]);
        let mut k = 0;
        while k + W <= ops.len() {
            let o = &ops[k..k + W];
            let (mut x, mut y) = ([0.0f64; W], [0.0f64; W]);
            // SAFETY: aa, bb have at least k + W elements; x, y are W long.
            unsafe {
                let a4 = _mm256_loadu_pd(aa.as_ptr().add(k));
                let b4 = _mm256_loadu_pd(bb.as_ptr().add(k));
                let f = _mm256_div_pd(a4, gather(dp, o, 0));
                _mm256_storeu_pd(x.as_mut_ptr(), _mm256_mul_pd(f, b4));
                _mm256_storeu_pd(y.as_mut_ptr(), _mm256_mul_pd(f, gather(rp, o, 0)));
            }
            // parents of one level are distinct (siblings are in different levels)
            for j in 0..W {
                let p = o[j][1];
                st(dp, p, ld(dp, p) - x[j]);
                st(rp, p, ld(rp, p) - y[j]);
            }
            k += W;
        }
        for j in k..ops.len() {
            let [i, p] = ops[j];
            let f = aa[j] / ld(dp, i);
            st(dp, p, ld(dp, p) - f * bb[j]);
            st(rp, p, ld(rp, p) - f * ld(rp, i));
        }
    }
    for &r in &s.roots {
        st(rp, r, ld(rp, r) / ld(dp, r));
    }
    for l in 0..s.bk_levels.len().saturating_sub(1) {
        let (lo, hi) = (s.bk_levels[l], s.bk_levels[l + 1]);
        let ops = &s.bk[lo..hi];
        let bb = &s.bk_b[lo..hi];
        let mut k = 0;
        while k + W <= ops.len() {
            let o = &ops[k..k + W];
            let mut r = [0.0f64; W];
            // SAFETY: bb has at least k + W elements; r is W long.
            unsafe {
                let b4 = _mm256_loadu_pd(bb.as_ptr().add(k));
                let t = _mm256_mul_pd(b4, gather(rp, o, 1));
                let q = _mm256_sub_pd(gather(rp, o, 0), t);
                _mm256_storeu_pd(r.as_mut_ptr(), _mm256_div_pd(q, gather(dp, o, 0)));
            }
            for j in 0..W {
                st(rp, o[j][0], r[j]);
            }
            k += W;
        }
        for j in k..ops.len() {
            let [i, p] = ops[j];
            let r = ld(rp, i) - bb[j] * ld(rp, p);
            st(rp, i, r / ld(dp, i));
        }
    }
}

fn solve_scheduled_portable(s: &SolveSchedule, d: &mut [f64], rhs: &mut [f64]) {
    // levels are contiguous in the operation lists: the whole list is a valid order
    for (j, &[i, p]) in s.tri.iter().enumerate() {
        let (i, p) = (i as usize, p as usize);
        let f = s.tri_a[j] / d[i];
        d[p] -= f * s.tri_b[j];
        rhs[p] -= f * rhs[i];
    }
    for &r in &s.roots {
        rhs[r as usize] /= d[r as usize];
    }
    for (j, &[i, p]) in s.bk.iter().enumerate() {
        let (i, p) = (i as usize, p as usize);
        rhs[i] -= s.bk_b[j] * rhs[p];
        rhs[i] /= d[i];
    }
}

/// Cells of identical topology stored lane-interleaved: node `i` of lane `k` is at
/// `off + LANES*i + k`. The solve then runs the same per-node arithmetic on `LANES` cells at
/// once (contiguous, vectorisable; IEEE division per lane, so bitwise the scalar result).
pub const LANES: usize = 4;

/// One lane-interleaved block of [`LANES`] cells.
#[derive(Debug, Clone, PartialEq)]
pub struct LaneBlock {
    /// First node index of the block.
    pub off: usize,
    /// Nodes per cell.
    pub n: usize,
    /// Root nodes per cell (local indices `0..nroots`).
    nroots: usize,
    /// Local parent of each local node (`NO_PARENT` for roots; `parent[i] < i` otherwise).
    parent: Vec<usize>,
    /// Non-root local nodes in triang visiting order (levels of [`SolveSchedule`]).
    tri_order: Vec<usize>,
    /// Non-root local nodes in bksub visiting order (by depth).
    bk_order: Vec<usize>,
    /// Chains `[s, e)` of local non-root nodes with `parent[i] == i - 1` inside (axial pass).
    runs: Vec<(usize, usize)>,
}

impl LaneBlock {
    /// The block of the cells of topology `parent` at `off`; `None` unless the roots come first
    /// and every other node's parent precedes it (NEURON's order).
    pub fn new(off: usize, parent: Vec<usize>) -> Option<LaneBlock> {
        let nroots = parent.iter().take_while(|&&p| p == NO_PARENT).count();
        if parent.iter().enumerate().skip(nroots).any(|(i, &p)| p >= i) {
            return None;
        }
        let (roots, spans) = root_spans(&parent);
        let zero = vec![0.0; parent.len()];
        let s = SolveSchedule::new(&parent, &zero, &zero, &roots, &spans)?;
        let tri_order = s.tri.iter().map(|o| o[0] as usize).collect();
        let bk_order = s.bk.iter().map(|o| o[0] as usize).collect();
        let mut runs: Vec<(usize, usize)> = Vec::new();
        for i in nroots..parent.len() {
            match runs.last_mut() {
                Some(r) if parent[i] + 1 == i && r.1 == i => r.1 += 1,
                _ => runs.push((i, i + 1)),
            }
        }
        Some(LaneBlock {
            off,
            n: parent.len(),
            nroots,
            parent,
            tri_order,
            bk_order,
            runs,
        })
    }

    /// Local parent of each local node.
    pub fn parent(&self) -> &[usize] {
        &self.parent
    }

    /// Chains `[s, e)` of local non-root nodes with `parent[i] == i - 1` inside, increasing.
    pub fn runs(&self) -> &[(usize, usize)] {
        &self.runs
    }

    /// Number of nodes the block spans from `off` (all lanes).
    pub fn len(&self) -> usize {
        LANES * self.n
    }

    /// Whether the block has no nodes.
    pub fn is_empty(&self) -> bool {
        self.n == 0
    }
}

/// Hines solve of one [`LaneBlock`]: NEURON's per-node operations on [`LANES`] cells at once,
/// nodes visited in the order of a [`SolveSchedule`] (so consecutive nodes are independent and
/// their divisions overlap); bitwise the serial solve of each cell.
pub fn hines_solve_lanes(blk: &LaneBlock, a: &[f64], b: &[f64], d: &mut [f64], rhs: &mut [f64]) {
    let end = blk.off + blk.len();
    assert!(
        a.len() >= end && b.len() >= end && d.len() >= end && rhs.len() >= end,
        "lane block beyond the node arrays"
    );
    #[cfg(target_arch = "x86_64")]
    if crate::simd_enabled() && std::arch::is_x86_feature_detected!("avx") {
        // SAFETY: the CPU supports AVX (checked just above); arrays checked above.
        unsafe { hines_solve_lanes_avx(blk, a, b, d, rhs) };
        return;
    }
    // SAFETY: arrays checked above.
    unsafe { lanes_body(blk, a, b, d, rhs) };
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx")]
/// # Safety
/// As [`lanes_body`].
unsafe fn hines_solve_lanes_avx(
    blk: &LaneBlock,
    a: &[f64],
    b: &[f64],
    d: &mut [f64],
    rhs: &mut [f64],
) {
    // the same code with 256-bit registers (one vdivpd per node for the 4 lanes); no FMA
    // SAFETY: forwarded from the caller.
    unsafe { lanes_body(blk, a, b, d, rhs) };
}

/// # Safety
/// `a`, `b`, `d`, `rhs` have at least `blk.off + blk.len()` elements. (Every local node and
/// parent index of a block is `< blk.n`: checked by [`LaneBlock::new`], fields private.)
#[inline(always)]
unsafe fn lanes_body(blk: &LaneBlock, a: &[f64], b: &[f64], d: &mut [f64], rhs: &mut [f64]) {
    const W: usize = LANES;
    type V = [f64; W];
    let (ap, bp, dp, rp) = (a.as_ptr(), b.as_ptr(), d.as_mut_ptr(), rhs.as_mut_ptr());
    // SAFETY (all accesses): off + W*i + W <= off + len for every local node i < n.
    let ld = |p: *const f64, i: usize| unsafe { p.add(i).cast::<V>().read_unaligned() };
    let st = |p: *mut f64, i: usize, x: V| unsafe { p.add(i).cast::<V>().write_unaligned(x) };
    let off = blk.off;
    for &i in &blk.tri_order {
        // SAFETY: i < n and parent[i] < i (LaneBlock::new).
        let p = unsafe { *blk.parent.get_unchecked(i) };
        let (ni, np) = (off + W * i, off + W * p);
        let (ai, bi, dn, rn) = (ld(ap, ni), ld(bp, ni), ld(dp, ni), ld(rp, ni));
        let (mut dpar, mut rpar) = (ld(dp, np), ld(rp, np));
        let mut f = [0.0; W];
        for k in 0..W {
            f[k] = ai[k] / dn[k];
        }
        for k in 0..W {
            dpar[k] -= f[k] * bi[k];
            rpar[k] -= f[k] * rn[k];
        }
        st(dp, np, dpar);
        st(rp, np, rpar);
    }
    for i in 0..blk.nroots {
        let ni = off + W * i;
        let (mut r, dn) = (ld(rp, ni), ld(dp, ni));
        for k in 0..W {
            r[k] /= dn[k];
        }
        st(rp, ni, r);
    }
    for &i in &blk.bk_order {
        // SAFETY: as above.
        let p = unsafe { *blk.parent.get_unchecked(i) };
        let (ni, np) = (off + W * i, off + W * p);
        let (rpar, bi, dn, mut rn) = (ld(rp, np), ld(bp, ni), ld(dp, ni), ld(rp, ni));
        for k in 0..W {
            rn[k] -= bi[k] * rpar[k];
        }
        for k in 0..W {
            rn[k] /= dn[k];
        }
        st(rp, ni, rn);
    }
}

/// Dense Gaussian elimination of the same system (for tests): row i has `d[i]` on the
/// diagonal, `b[i]` at column parent(i); row parent(i) has `a[i]` at column i.
pub fn dense_solve(parent: &[usize], a: &[f64], b: &[f64], d: &[f64], rhs: &[f64]) -> Vec<f64> {
    let n = parent.len();
    let mut m = vec![vec![0.0; n + 1]; n];
    for i in 0..n {
        m[i][i] = d[i];
        m[i][n] = rhs[i];
        let p = parent[i];
        if p != NO_PARENT {
            m[i][p] = b[i];
            m[p][i] = a[i];
        }
    }
    for c in 0..n {
        let piv = (c..n)
            .max_by(|&x, &y| m[x][c].abs().total_cmp(&m[y][c].abs()))
            .unwrap_or(c);
        m.swap(c, piv);
        for r in c + 1..n {
            let f = m[r][c] / m[c][c];
            if f != 0.0 {
                for k in c..=n {
                    m[r][k] -= f * m[c][k];
                }
            }
        }
    }
    let mut x = vec![0.0; n];
    for i in (0..n).rev() {
        let mut s = m[i][n];
        for k in i + 1..n {
            s -= m[i][k] * x[k];
        }
        x[i] = s / m[i][i];
    }
    x
}
