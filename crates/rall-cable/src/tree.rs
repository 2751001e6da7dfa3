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
    pub nroots: usize,
    /// Local parent of each local node (`NO_PARENT` for roots).
    pub parent: Vec<usize>,
}

/// Hines solve of one [`LaneBlock`].
pub fn hines_solve_lanes(blk: &LaneBlock, a: &[f64], b: &[f64], d: &mut [f64], rhs: &mut [f64]) {
    const W: usize = LANES;
    #[inline(always)]
    fn ld(x: &[f64]) -> [f64; W] {
        let mut r = [0.0; W];
        r.copy_from_slice(&x[..W]);
        r
    }
    let off = blk.off;
    for i in (blk.nroots..blk.n).rev() {
        let p = blk.parent[i];
        let (ni, np) = (off + W * i, off + W * p);
        let (ai, bi, dn, rn) = (ld(&a[ni..]), ld(&b[ni..]), ld(&d[ni..]), ld(&rhs[ni..]));
        let (mut dp, mut rp) = (ld(&d[np..]), ld(&rhs[np..]));
        let mut f = [0.0; W];
        for k in 0..W {
            f[k] = ai[k] / dn[k];
        }
        for k in 0..W {
            dp[k] -= f[k] * bi[k];
            rp[k] -= f[k] * rn[k];
        }
        d[np..np + W].copy_from_slice(&dp);
        rhs[np..np + W].copy_from_slice(&rp);
    }
    for i in 0..blk.nroots {
        let ni = off + W * i;
        let (mut r, dn) = (ld(&rhs[ni..]), ld(&d[ni..]));
        for k in 0..W {
            r[k] /= dn[k];
        }
        rhs[ni..ni + W].copy_from_slice(&r);
    }
    for i in blk.nroots..blk.n {
        let p = blk.parent[i];
        let (ni, np) = (off + W * i, off + W * p);
        let (rp, bi, dn, mut rn) = (ld(&rhs[np..]), ld(&b[ni..]), ld(&d[ni..]), ld(&rhs[ni..]));
        for k in 0..W {
            rn[k] -= bi[k] * rp[k];
        }
        for k in 0..W {
            rn[k] /= dn[k];
        }
        rhs[ni..ni + W].copy_from_slice(&rn);
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
