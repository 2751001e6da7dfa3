//! Cells as data and NEURON's fixed step (secondorder 0).
//!
//! A [`GroupBuilder`] collects cells (discretised morphologies), mechanisms, point processes,
//! NetCons and spike sources; [`GroupBuilder::build`] produces a [`CellGroup`]: structure-of-arrays
//! node data, mechanism instance sets in NEURON's `memb_order`, an event queue. A group can be
//! stepped on its own between spike exchanges ([`Network`] coordinates several groups with the
//! minimum cross-group delay).

use std::cmp::Ordering;
use std::collections::{BinaryHeap, HashMap};

use rall_nmodl::runtime::{IonArrays, IonUseInfo};
use rall_nmodl::{Ctx, EventSink, ExecError, Globals, MechKind};

use crate::axial::AxialPlan;
use crate::error::CableError;
use crate::mech::{memb_order_key, MechSet, MechType};
use crate::morph::{Morphology, SecId};
use crate::tree::{
    hines_solve_lanes, hines_solve_scheduled, root_spans, Discretization, LaneBlock, SolveSchedule,
    Tree, LANES, NO_PARENT,
};

/// A cell added to a builder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CellId(pub usize);

/// A point process or artificial cell added to a builder (resolved to a type/instance at build).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PointId(pub usize);

/// A spike source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SourceId(pub usize);

/// A NetCon.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct NetConId(pub usize);

/// What a probe records.
#[derive(Debug, Clone, PartialEq)]
pub enum ProbeSpec {
    /// Membrane potential of `cell`'s `sec(x)` (the node NEURON maps x to).
    V { cell: CellId, sec: SecId, x: f64 },
    /// A range variable of a density mechanism at `sec(x)` (`"m"` or `"m_NaTs"`).
    Density {
        cell: CellId,
        sec: SecId,
        x: f64,
        mech: String,
        var: String,
    },
    /// A range variable of a point process.
    Point { point: PointId, var: String },
    /// An ion variable at `sec(x)` (`ion` = "ca", var = E, Ci or Co).
    Ion {
        cell: CellId,
        sec: SecId,
        x: f64,
        ion: String,
        var: IonVar,
    },
}

#[derive(Debug, Clone)]
struct CellRec {
    disc: Discretization,
    node_offset: usize,
    /// Sections in `all` order.
    all: Vec<SecId>,
}

#[derive(Debug, Clone)]
struct DensityInsert {
    ty: usize,
    node: usize,
    values: Vec<(String, f64)>,
}

#[derive(Debug, Clone)]
struct PointRec {
    ty: usize,
    node: usize,
    values: Vec<(String, f64)>,
    play: Option<Vec<f64>>,
}

/// Where a spike source's events come from.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum SourceKind {
    /// `NetCon(seg._ref_v, …)` with a threshold (mV), checked at the start of each step.
    Threshold { node: usize, threshold: f64 },
    /// An artificial cell or point process calling `net_event`.
    Point(PointId),
}

#[derive(Debug, Clone)]
struct NetConRec {
    source: SourceId,
    target: Option<PointId>,
    weight: Vec<f64>,
    delay: f64,
}

/// Collects one cell group.
#[derive(Debug, Clone, Default)]
pub struct GroupBuilder {
    types: Vec<MechType>,
    cells: Vec<CellRec>,
    n_nodes: usize,
    trees: Vec<Tree>,
    density: Vec<DensityInsert>,
    points: Vec<PointRec>,
    sources: Vec<(SourceKind, Option<u64>)>,
    netcons: Vec<NetConRec>,
    probes: Vec<ProbeSpec>,
    ion_values: Vec<(String, IonVar, usize, f64)>,
    remote: Vec<(u64, Option<PointId>, Vec<f64>, f64)>,
    plays: Vec<(PointId, String, f64, Vec<f64>)>,
    density_index: HashMap<(usize, usize), usize>,
}

/// An ion variable settable per segment (`ena`, `nai`, `nao` in hoc).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IonVar {
    /// Reversal potential (mV).
    E,
    /// Internal concentration (mM).
    Ci,
    /// External concentration (mM).
    Co,
    /// Total ionic current (mA/cm², as summed by the mechanisms in the last current pass;
    /// read-only: setting it has no lasting effect).
    I,
}

impl GroupBuilder {
    pub fn new() -> GroupBuilder {
        GroupBuilder::default()
    }

    fn type_index(&mut self, ty: &MechType) -> usize {
        match self.types.iter().position(|t| t.name() == ty.name()) {
            Some(i) => i,
            None => {
                self.types.push(ty.clone());
                self.types.len() - 1
            }
        }
    }

    /// Add a cell (its current geometry is discretised now; later edits of `m` are ignored).
    pub fn add_cell(&mut self, m: &Morphology) -> Result<CellId, CableError> {
        let disc = Discretization::new(m)?;
        let off = self.n_nodes;
        self.n_nodes += disc.tree.parent.len();
        self.trees.push(disc.tree.clone());
        self.cells.push(CellRec {
            disc,
            node_offset: off,
            all: m.all.clone(),
        });
        Ok(CellId(self.cells.len() - 1))
    }

    fn cell(&self, c: CellId) -> Result<&CellRec, CableError> {
        self.cells
            .get(c.0)
            .ok_or_else(|| CableError::Model(format!("no cell {}", c.0)))
    }

    /// Builder-internal node index of `cell`'s `sec(x)` (before the group's node layout is
    /// chosen; after [`GroupBuilder::build`] use [`CellGroup::node`]).
    pub fn node(&self, cell: CellId, sec: SecId, x: f64) -> Result<usize, CableError> {
        let c = self.cell(cell)?;
        Ok(c.node_offset + c.disc.node_at(sec, x)?)
    }

    /// Insert a density mechanism in every segment of a section with the given parameter values
    /// (`name` or `name_suffix`); values are checked at build.
    pub fn insert(
        &mut self,
        cell: CellId,
        sec: SecId,
        ty: &MechType,
        values: &[(&str, f64)],
    ) -> Result<(), CableError> {
        if ty.kind() != MechKind::Density {
            return Err(CableError::Model(format!(
                "{} is not a density mechanism",
                ty.name()
            )));
        }
        let t = self.type_index(ty);
        let c = self.cell(cell)?;
        let sn = c
            .disc
            .sec_nodes
            .get(sec)
            .copied()
            .flatten()
            .ok_or(CableError::NoSection(sec))?;
        let off = c.node_offset;
        for j in 0..sn.nseg {
            let node = off + sn.first + j;
            let vals = values.iter().map(|(n, v)| (n.to_string(), *v));
            match self.density_index.get(&(t, node)) {
                Some(&k) => self.density[k].values.extend(vals),
                None => {
                    self.density_index.insert((t, node), self.density.len());
                    self.density.push(DensityInsert {
                        ty: t,
                        node,
                        values: vals.collect(),
                    });
                }
            }
        }
        Ok(())
    }

    /// Set a range variable of a density mechanism at one segment (`sec(x)`).
    pub fn set_density(
        &mut self,
        cell: CellId,
        sec: SecId,
        x: f64,
        mech: &str,
        var: &str,
        value: f64,
    ) -> Result<(), CableError> {
        let node = self.node(cell, sec, x)?;
        let k = self
            .types
            .iter()
            .position(|t| t.name() == mech)
            .and_then(|t| self.density_index.get(&(t, node)).copied())
            .ok_or_else(|| CableError::Model(format!("{mech} is not inserted at node {node}")))?;
        self.density[k].values.push((var.to_string(), value));
        Ok(())
    }

    /// A point process at `sec(x)` (mapped to the node NEURON uses).
    pub fn add_point(
        &mut self,
        cell: CellId,
        sec: SecId,
        x: f64,
        ty: &MechType,
        values: &[(&str, f64)],
    ) -> Result<PointId, CableError> {
        if ty.kind() != MechKind::Point {
            return Err(CableError::Model(format!(
                "{} is not a point process",
                ty.name()
            )));
        }
        let node = self.node(cell, sec, x)?;
        let t = self.type_index(ty);
        self.points.push(PointRec {
            ty: t,
            node,
            values: values.iter().map(|(n, v)| (n.to_string(), *v)).collect(),
            play: None,
        });
        Ok(PointId(self.points.len() - 1))
    }

    /// An artificial cell (e.g. VecStim; `play` = event times for players).
    pub fn add_artificial(
        &mut self,
        ty: &MechType,
        values: &[(&str, f64)],
        play: Option<Vec<f64>>,
    ) -> Result<PointId, CableError> {
        if ty.kind() != MechKind::Artificial {
            return Err(CableError::Model(format!(
                "{} is not an artificial cell",
                ty.name()
            )));
        }
        let t = self.type_index(ty);
        self.points.push(PointRec {
            ty: t,
            node: usize::MAX,
            values: values.iter().map(|(n, v)| (n.to_string(), *v)).collect(),
            play,
        });
        Ok(PointId(self.points.len() - 1))
    }

    /// A threshold spike detector on `v` at `sec(x)`; `gid` makes it visible to other groups.
    pub fn add_threshold_source(
        &mut self,
        cell: CellId,
        sec: SecId,
        x: f64,
        threshold: f64,
        gid: Option<u64>,
    ) -> Result<SourceId, CableError> {
        let node = self.node(cell, sec, x)?;
        self.sources
            .push((SourceKind::Threshold { node, threshold }, gid));
        Ok(SourceId(self.sources.len() - 1))
    }

    /// A point process or artificial cell as spike source.
    pub fn add_point_source(
        &mut self,
        p: PointId,
        gid: Option<u64>,
    ) -> Result<SourceId, CableError> {
        if p.0 >= self.points.len() {
            return Err(CableError::Model(format!("no point process {}", p.0)));
        }
        self.sources.push((SourceKind::Point(p), gid));
        Ok(SourceId(self.sources.len() - 1))
    }

    /// A NetCon from a local source to a point process (or to nothing: a recorder).
    pub fn add_netcon(
        &mut self,
        source: SourceId,
        target: Option<PointId>,
        weight: Vec<f64>,
        delay: f64,
    ) -> Result<NetConId, CableError> {
        if source.0 >= self.sources.len() {
            return Err(CableError::Model(format!("no source {}", source.0)));
        }
        if delay.is_nan() || delay < 0.0 {
            return Err(CableError::Model(format!(
                "NetCon delay must be >= 0, got {delay}"
            )));
        }
        self.netcons.push(NetConRec {
            source,
            target,
            weight,
            delay,
        });
        Ok(NetConId(self.netcons.len() - 1))
    }

    /// `Vector.play(&point.var, dt_play)`: `var` takes `values[i]` at `t = i*dt_play`, through the
    /// event queue as NEURON's VecPlayStep does (so a change at `t_e` takes effect at the step
    /// boundary `t_k` with `t_k - dt/2 < t_e <= t_k + dt/2`); `values[0]` is set in finitialize.
    pub fn add_play(
        &mut self,
        point: PointId,
        var: &str,
        dt_play: f64,
        values: Vec<f64>,
    ) -> Result<(), CableError> {
        if point.0 >= self.points.len() {
            return Err(CableError::Model(format!("no point process {}", point.0)));
        }
        if dt_play.is_nan() || dt_play <= 0.0 {
            return Err(CableError::Model(format!(
                "play interval must be positive, got {dt_play}"
            )));
        }
        self.plays.push((point, var.to_string(), dt_play, values));
        Ok(())
    }

    /// A NetCon fed by the source with `gid` in another group of a [`Network`].
    pub fn add_remote_netcon(
        &mut self,
        gid: u64,
        target: Option<PointId>,
        weight: Vec<f64>,
        delay: f64,
    ) -> Result<(), CableError> {
        if delay.is_nan() || delay < 0.0 {
            return Err(CableError::Model(format!(
                "NetCon delay must be >= 0, got {delay}"
            )));
        }
        if let Some(p) = target {
            if p.0 >= self.points.len() {
                return Err(CableError::Model(format!("no point process {}", p.0)));
            }
        }
        self.remote.push((gid, target, weight, delay));
        Ok(())
    }

    /// Set an ion variable in every segment of a section (hoc `sec.ena = 53`). Applied at build
    /// (the ion must be used by some mechanism); `finitialize` may recompute it (einit/cinit).
    pub fn set_ion(
        &mut self,
        cell: CellId,
        sec: SecId,
        ion: &str,
        var: IonVar,
        value: f64,
    ) -> Result<(), CableError> {
        let c = self.cell(cell)?;
        let sn = c
            .disc
            .sec_nodes
            .get(sec)
            .copied()
            .flatten()
            .ok_or(CableError::NoSection(sec))?;
        let off = c.node_offset;
        for j in 0..sn.nseg {
            self.ion_values
                .push((ion.to_string(), var, off + sn.first + j, value));
        }
        Ok(())
    }

    /// Record something after finitialize and after every step.
    pub fn add_probe(&mut self, p: ProbeSpec) -> usize {
        self.probes.push(p);
        self.probes.len() - 1
    }

    /// Freeze into a steppable group.
    pub fn build(mut self, dt: f64, celsius: f64) -> Result<CellGroup, CableError> {
        if dt.is_nan() || dt <= 0.0 {
            return Err(CableError::Model(format!("dt must be positive, got {dt}")));
        }
        // Node layout: cells with identical topology are interleaved LANES at a time (node i
        // of lane k at off + LANES*i + k); others are contiguous. Per-node arithmetic is the
        // same in both layouts, so results are bitwise independent of it.
        let n = self.n_nodes;
        let mut perm = vec![0usize; n];
        let mut blocks: Vec<LaneBlock> = Vec::new();
        {
            // cells grouped by topology (first-appearance order); full groups of LANES become
            // lane blocks, the rest are laid out one after the other
            let mut groups: Vec<(Vec<usize>, Vec<usize>)> = Vec::new();
            let mut index: HashMap<&[usize], usize> = HashMap::new();
            for c in 0..self.cells.len() {
                let key: &[usize] = &self.trees[c].parent;
                match index.get(key) {
                    Some(&gi) => groups[gi].1.push(c),
                    None => {
                        index.insert(key, groups.len());
                        groups.push((key.to_vec(), vec![c]));
                    }
                }
            }
            let mut next = 0usize;
            let mut solo: Vec<usize> = Vec::new();
            for (parent, members) in &groups {
                let nn = parent.len();
                let full = members.len() / LANES * LANES;
                for chunk in members[..full].chunks(LANES) {
                    for (k, &c) in chunk.iter().enumerate() {
                        let o = self.cells[c].node_offset;
                        for i in 0..nn {
                            perm[o + i] = next + LANES * i + k;
                        }
                    }
                    blocks.push(LaneBlock::new(next, parent.clone()).ok_or_else(|| {
                        CableError::Model("cell nodes not in NEURON's order".to_string())
                    })?);
                    next += LANES * nn;
                }
                solo.extend_from_slice(&members[full..]);
            }
            solo.sort_unstable();
            for c in solo {
                let o = self.cells[c].node_offset;
                for i in 0..self.trees[c].parent.len() {
                    perm[o + i] = next + i;
                }
                next += self.trees[c].parent.len();
            }
        }
        let mut tree = Tree {
            parent: vec![NO_PARENT; n],
            a: vec![0.0; n],
            b: vec![0.0; n],
            area: vec![0.0; n],
            diam: vec![0.0; n],
            cm: vec![0.0; n],
            kind: vec![crate::tree::NodeKind::Root(0); n],
            rinv: vec![0.0; n],
        };
        for (c, t) in self.cells.iter().zip(&self.trees) {
            let off = c.node_offset;
            for i in 0..t.parent.len() {
                let q = perm[off + i];
                tree.parent[q] = if t.parent[i] == NO_PARENT {
                    NO_PARENT
                } else {
                    perm[t.parent[i] + off]
                };
                tree.a[q] = t.a[i];
                tree.b[q] = t.b[i];
                tree.area[q] = t.area[i];
                tree.diam[q] = t.diam[i];
                tree.cm[q] = t.cm[i];
                tree.kind[q] = t.kind[i];
                tree.rinv[q] = t.rinv[i];
            }
        }
        // remap every stored node index
        for d in &mut self.density {
            d.node = perm[d.node];
        }
        for p in &mut self.points {
            if p.node != usize::MAX {
                p.node = perm[p.node];
            }
        }
        for (k, _) in &mut self.sources {
            if let SourceKind::Threshold { node, .. } = k {
                *node = perm[*node];
            }
        }
        for iv in &mut self.ion_values {
            iv.2 = perm[iv.2];
        }
        // type order
        let mut order: Vec<usize> = (0..self.types.len()).collect();
        order.sort_by_key(|&i| memb_order_key(self.types[i].meta()));
        // ions used by any type
        let mut ion_names: Vec<(String, Option<f64>)> = Vec::new();
        for t in &self.types {
            for u in t.ions() {
                if !ion_names.iter().any(|(n, _)| *n == u.ion) {
                    ion_names.push((u.ion.clone(), u.valence));
                }
            }
        }
        let mut ions: Vec<IonArrays> = ion_names
            .iter()
            .map(|(nme, val)| IonArrays::new(nme, *val, n))
            .collect();
        let mut ion_present: Vec<Vec<bool>> = vec![vec![false; n]; ions.len()];

        let mut mechs: Vec<Box<dyn MechSet>> = Vec::new();
        let mut point_slot: Vec<(usize, usize)> = vec![(0, 0); self.points.len()];
        let mut density_slot: Vec<Vec<(usize, usize)>> = Vec::new(); // per mech: (node, instance)
        for &ti in &order {
            let ty = &self.types[ti];
            let slots: Vec<usize> = ty
                .ions()
                .iter()
                .map(|u| {
                    ion_names
                        .iter()
                        .position(|(nme, _)| *nme == u.ion)
                        .unwrap_or(0)
                })
                .collect();
            let kind = ty.kind();
            // instances
            let mut inst: Vec<(usize, Vec<(String, f64)>, Option<usize>)> = Vec::new();
            match kind {
                MechKind::Density => {
                    let mut ds: Vec<&DensityInsert> =
                        self.density.iter().filter(|d| d.ty == ti).collect();
                    ds.sort_by_key(|d| d.node);
                    for d in ds {
                        inst.push((d.node, d.values.clone(), None));
                    }
                }
                MechKind::Point => {
                    let mut ps: Vec<usize> = (0..self.points.len())
                        .filter(|&k| self.points[k].ty == ti)
                        .collect();
                    // node order; several at one node: most recently created first
                    ps.sort_by(|&x, &y| {
                        self.points[x]
                            .node
                            .cmp(&self.points[y].node)
                            .then(y.cmp(&x))
                    });
                    for k in ps {
                        inst.push((self.points[k].node, self.points[k].values.clone(), Some(k)));
                    }
                }
                MechKind::Artificial => {
                    for k in (0..self.points.len()).filter(|&k| self.points[k].ty == ti) {
                        inst.push((0, self.points[k].values.clone(), Some(k)));
                    }
                }
            }
            let nodes: Vec<usize> = inst.iter().map(|i| i.0).collect();
            let mut set = ty.instantiate(&nodes, &slots);
            let mslot = mechs.len();
            let mut dslots = Vec::new();
            for (k, (node, values, pk)) in inst.iter().enumerate() {
                for (var, val) in values {
                    if !set.set(var, k, *val) && !set.set_global(var, *val) {
                        return Err(CableError::Model(format!(
                            "{} has no variable {var}",
                            ty.name()
                        )));
                    }
                }
                if let Some(pk) = pk {
                    point_slot[*pk] = (mslot, k);
                    if let Some(play) = &self.points[*pk].play {
                        if !set.set_play_times(k, play.clone()) {
                            return Err(CableError::Model(format!(
                                "{} cannot play event times",
                                ty.name()
                            )));
                        }
                    }
                } else {
                    dslots.push((*node, k));
                }
                if kind != MechKind::Artificial {
                    for &s in &slots {
                        ion_present[s][*node] = true;
                    }
                }
            }
            density_slot.push(dslots);
            mechs.push(set);
        }
        // ion styles from every instance's USEION
        for (mi, m) in mechs.iter().enumerate() {
            let uses: Vec<IonUseInfo> = m.meta().ions.clone();
            let _ = mi;
            for &node in m.nodes() {
                if m.meta().kind == MechKind::Artificial {
                    continue;
                }
                for u in &uses {
                    if let Some(s) = ion_names.iter().position(|(nme, _)| *nme == u.ion) {
                        ions[s].style[node] = u.style_bits(ions[s].style[node]);
                    }
                }
            }
        }
        for (ion, var, node, value) in &self.ion_values {
            let k = ion_names
                .iter()
                .position(|(nme, _)| nme == ion)
                .ok_or_else(|| CableError::Model(format!("no mechanism uses ion {ion}")))?;
            match var {
                IonVar::E => ions[k].e[*node] = *value,
                IonVar::Ci => ions[k].ci[*node] = *value,
                IonVar::Co => ions[k].co[*node] = *value,
                IonVar::I => ions[k].i[*node] = *value,
            }
        }
        let sources: Vec<Source> = self
            .sources
            .iter()
            .map(|(k, gid)| Source {
                kind: match *k {
                    SourceKind::Threshold { node, threshold } => SrcKind::Threshold {
                        node,
                        threshold,
                        above: false,
                    },
                    SourceKind::Point(p) => SrcKind::Point(point_slot[p.0]),
                },
                gid: *gid,
                netcons: Vec::new(),
            })
            .collect();
        let mut g = CellGroup {
            tree,
            v: vec![0.0; n],
            rhs: vec![0.0; n],
            d: vec![0.0; n],
            ions,
            ion_nodes: ion_present
                .iter()
                .map(|pr| (0..n).filter(|&i| pr[i]).collect())
                .collect(),
            mechs,
            t: 0.0,
            dt,
            celsius,
            queue: BinaryHeap::new(),
            seq: 0,
            netcons: Vec::new(),
            sources,
            spikes: Vec::new(),
            outbox: Vec::new(),
            probes: Vec::new(),
            traces: Vec::new(),
            remote_netcons: Vec::new(),
            remote_by_gid: HashMap::new(),
            point_sources: HashMap::new(),
            steps: 0,
            pending: Vec::new(),
            spans: Vec::new(),
            solo_roots: Vec::new(),
            solo_spans: Vec::new(),
            schedule: SolveSchedule::default(),
            axial: AxialPlan::default(),
            lane_blocks: Vec::new(),
            plays: Vec::new(),
            cells: Vec::new(),
            perm: Vec::new(),
            cap: Vec::new(),
        };
        for (k, src) in g.sources.iter().enumerate() {
            if let SrcKind::Point(key) = src.kind {
                g.point_sources.entry(key).or_default().push(k);
            }
        }
        let (roots, spans) = root_spans(&g.tree.parent);
        let in_block = |i: usize| blocks.iter().any(|b| i >= b.off && i < b.off + b.len());
        g.solo_roots = roots.into_iter().filter(|&r| !in_block(r)).collect();
        g.solo_spans = spans
            .iter()
            .copied()
            .filter(|&(s, _)| !in_block(s))
            .collect();
        g.schedule = SolveSchedule::new(
            &g.tree.parent,
            &g.tree.a,
            &g.tree.b,
            &g.solo_roots,
            &g.solo_spans,
        )
        .ok_or_else(|| CableError::Model(format!("too many nodes in one group ({n})")))?;
        g.axial = AxialPlan::new(&g.tree.parent, &g.solo_spans)
            .ok_or_else(|| CableError::Model(format!("too many nodes in one group ({n})")))?;
        g.spans = spans;
        g.lane_blocks = blocks;
        let cfac = 0.001 * (1.0 / dt);
        g.cap = g.tree.cm.iter().map(|&cm| cfac * cm).collect();
        for nc in &self.netcons {
            let target = nc.target.map(|p| point_slot[p.0]);
            g.netcons.push(NetCon {
                target,
                weight: nc.weight.clone(),
                delay: nc.delay,
            });
            let id = g.netcons.len() - 1;
            g.sources[nc.source.0].netcons.push(id);
        }
        for (p, var, dtp, values) in &self.plays {
            let (mi, k) = point_slot[p.0];
            if g.mechs[mi].get(var, k).is_none() {
                return Err(CableError::Model(format!(
                    "{} has no variable {var}",
                    g.mechs[mi].meta().name
                )));
            }
            g.plays.push(Play {
                mech: mi,
                inst: k,
                var: var.clone(),
                dt: *dtp,
                values: values.clone(),
                current: 0,
            });
        }
        for (gid, target, weight, delay) in &self.remote {
            let t = target.map(|p| point_slot[p.0]);
            g.add_remote_netcon(*gid, t, weight.clone(), *delay);
        }
        for p in &self.probes {
            let pr = match p {
                ProbeSpec::V { cell, sec, x } => Probe::V(perm[self.node(*cell, *sec, *x)?]),
                ProbeSpec::Density {
                    cell,
                    sec,
                    x,
                    mech,
                    var,
                } => {
                    let node = perm[self.node(*cell, *sec, *x)?];
                    let mi = g
                        .mechs
                        .iter()
                        .position(|m| m.meta().name == *mech)
                        .ok_or_else(|| CableError::Model(format!("no mechanism {mech}")))?;
                    let k = density_slot[mi]
                        .iter()
                        .find(|(nd, _)| *nd == node)
                        .map(|(_, k)| *k)
                        .ok_or_else(|| {
                            CableError::Model(format!("{mech} not inserted at that segment"))
                        })?;
                    if g.mechs[mi].get(var, k).is_none() {
                        return Err(CableError::Model(format!("{mech} has no variable {var}")));
                    }
                    Probe::Mech(mi, k, var.clone())
                }
                ProbeSpec::Ion {
                    cell,
                    sec,
                    x,
                    ion,
                    var,
                } => {
                    let node = perm[self.node(*cell, *sec, *x)?];
                    let k =
                        g.ions.iter().position(|i| i.name == *ion).ok_or_else(|| {
                            CableError::Model(format!("no mechanism uses ion {ion}"))
                        })?;
                    Probe::Ion(k, *var, node)
                }
                ProbeSpec::Point { point, var } => {
                    let (mi, k) = point_slot.get(point.0).copied().ok_or_else(|| {
                        CableError::Model(format!("no point process {}", point.0))
                    })?;
                    if g.mechs[mi].get(var, k).is_none() {
                        return Err(CableError::Model(format!(
                            "{} has no variable {var}",
                            g.mechs[mi].meta().name
                        )));
                    }
                    Probe::Mech(mi, k, var.clone())
                }
            };
            g.probes.push(pr);
            g.traces.push(Vec::new());
        }
        g.cells = std::mem::take(&mut self.cells);
        g.perm = perm;
        Ok(g)
    }
}

#[derive(Debug, Clone)]
struct Play {
    mech: usize,
    inst: usize,
    var: String,
    dt: f64,
    values: Vec<f64>,
    current: usize,
}

#[derive(Debug, Clone)]
enum Probe {
    V(usize),
    Mech(usize, usize, String),
    Ion(usize, IonVar, usize),
}

#[derive(Debug, Clone, PartialEq)]
enum SrcKind {
    Threshold {
        node: usize,
        threshold: f64,
        above: bool,
    },
    Point((usize, usize)),
}

#[derive(Debug, Clone)]
struct Source {
    kind: SrcKind,
    gid: Option<u64>,
    netcons: Vec<usize>,
}

/// A NetCon as the engine holds it.
#[derive(Debug, Clone, PartialEq)]
pub struct NetCon {
    /// (mechanism set, instance)
    pub target: Option<(usize, usize)>,
    pub weight: Vec<f64>,
    pub delay: f64,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum EvKind {
    NetCon(usize),
    Play(usize),
    SelfEv {
        mech: usize,
        inst: usize,
        flag: f64,
        netcon: Option<usize>,
    },
}

#[derive(Debug, Clone, Copy)]
struct Event {
    time: f64,
    seq: u64,
    kind: EvKind,
}
impl PartialEq for Event {
    fn eq(&self, o: &Self) -> bool {
        self.cmp(o) == Ordering::Equal
    }
}
impl Eq for Event {}
impl PartialOrd for Event {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for Event {
    // BinaryHeap is a max-heap: earliest time (then first inserted) is "greatest"
    fn cmp(&self, o: &Self) -> Ordering {
        o.time.total_cmp(&self.time).then(o.seq.cmp(&self.seq))
    }
}

enum Emitted {
    Send { inst: usize, time: f64, flag: f64 },
    Event { inst: usize, time: f64 },
}

struct Sink<'a> {
    out: &'a mut Vec<Emitted>,
}
impl EventSink for Sink<'_> {
    fn net_send(&mut self, instance: usize, time: f64, flag: f64) {
        self.out.push(Emitted::Send {
            inst: instance,
            time,
            flag,
        });
    }
    fn net_event(&mut self, instance: usize, time: f64) {
        self.out.push(Emitted::Event {
            inst: instance,
            time,
        });
    }
}

/// The fused axial/capacitance pass of one lane block: the chain pass of
/// [`AxialPlan::apply_scalar`] on [`LANES`] cells at once (the same per-node operations and
/// order as NEURON's loop).
fn axial_lanes(
    blk: &LaneBlock,
    v: &[f64],
    a: &[f64],
    b: &[f64],
    cap: &[f64],
    rhs: &mut [f64],
    d: &mut [f64],
) {
    let end = blk.off + blk.len();
    assert!(
        [v.len(), a.len(), b.len(), cap.len(), rhs.len(), d.len()]
            .iter()
            .all(|&l| l >= end),
        "lane block beyond the node arrays"
    );
    #[cfg(target_arch = "x86_64")]
    if crate::simd_enabled() && std::arch::is_x86_feature_detected!("avx") {
        // SAFETY: the CPU supports AVX (checked just above); arrays checked above.
        unsafe { axial_lanes_avx(blk, v, a, b, cap, rhs, d) };
        return;
    }
    // SAFETY: arrays checked above.
    unsafe { axial_lanes_body(blk, v, a, b, cap, rhs, d) };
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx")]
/// # Safety
/// As [`axial_lanes_body`].
unsafe fn axial_lanes_avx(
    blk: &LaneBlock,
    v: &[f64],
    a: &[f64],
    b: &[f64],
    cap: &[f64],
    rhs: &mut [f64],
    d: &mut [f64],
) {
    // the same code with 256-bit registers; AVX only, no FMA
    // SAFETY: forwarded from the caller.
    unsafe { axial_lanes_body(blk, v, a, b, cap, rhs, d) };
}

/// # Safety
/// Every array has at least `blk.off + blk.len()` elements (runs and parents are local nodes
/// `< blk.n`: checked by [`LaneBlock::new`]).
#[inline(always)]
unsafe fn axial_lanes_body(
    blk: &LaneBlock,
    v: &[f64],
    a: &[f64],
    b: &[f64],
    cap: &[f64],
    rhs: &mut [f64],
    d: &mut [f64],
) {
    const W: usize = LANES;
    type V = [f64; W];
    let (vp, ap, bp, cp) = (v.as_ptr(), a.as_ptr(), b.as_ptr(), cap.as_ptr());
    let (rp, dp) = (rhs.as_mut_ptr(), d.as_mut_ptr());
    // SAFETY (all accesses): off + W*i + W <= off + len for every local node i < n.
    let ld = |p: *const f64, i: usize| unsafe { p.add(i).cast::<V>().read_unaligned() };
    let st = |p: *mut f64, i: usize, x: V| unsafe { p.add(i).cast::<V>().write_unaligned(x) };
    let at = |i: usize| blk.off + W * i;
    let parent = blk.parent();
    for &(s, e) in blk.runs() {
        // SAFETY: s is a local non-root node, its parent < s.
        let (ns, np) = (at(s), at(unsafe { *parent.get_unchecked(s) }));
        let (mut vi, vpar, a0, b0) = (ld(vp, ns), ld(vp, np), ld(ap, ns), ld(bp, ns));
        let (mut r, mut dd, c0) = (ld(rp, ns), ld(dp, ns), ld(cp, ns));
        let (mut rpar, mut dpar) = (ld(rp, np), ld(dp, np));
        for k in 0..W {
            let dv = vpar[k] - vi[k];
            r[k] -= b0[k] * dv;
            rpar[k] += a0[k] * dv;
            dd[k] += c0[k];
            dd[k] -= b0[k];
            dpar[k] -= a0[k];
        }
        st(rp, np, rpar);
        st(dp, np, dpar);
        for i in s + 1..e {
            let ni = at(i);
            let (vj, ai, bi, ci) = (ld(vp, ni), ld(ap, ni), ld(bp, ni), ld(cp, ni));
            let (ri, di) = (ld(rp, ni), ld(dp, ni));
            let mut dv = [0.0; W];
            for k in 0..W {
                dv[k] = vi[k] - vj[k];
                r[k] += ai[k] * dv[k];
                dd[k] -= ai[k];
            }
            st(rp, ni - W, r);
            st(dp, ni - W, dd);
            for k in 0..W {
                r[k] = ri[k] - bi[k] * dv[k];
                dd[k] = di[k] + ci[k];
                dd[k] -= bi[k];
            }
            vi = vj;
        }
        st(rp, at(e - 1), r);
        st(dp, at(e - 1), dd);
    }
}

/// Errors while running.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error("mechanism {mech}: {source}")]
    Mech {
        mech: String,
        #[source]
        source: ExecError,
    },
    #[error("a NetCon between cell groups has delay {delay} ms, less than the time step {dt} ms (spikes could not be exchanged in time)")]
    DelayTooShort { delay: f64, dt: f64 },
}

/// A set of cells stepped together (one Hines matrix per cell, one event queue).
pub struct CellGroup {
    pub tree: Tree,
    pub v: Vec<f64>,
    rhs: Vec<f64>,
    d: Vec<f64>,
    pub ions: Vec<IonArrays>,
    /// Per ion: the nodes where some mechanism uses it (increasing).
    ion_nodes: Vec<Vec<usize>>,
    mechs: Vec<Box<dyn MechSet>>,
    /// Current time (ms), accumulated by half steps as NEURON does.
    pub t: f64,
    pub dt: f64,
    pub celsius: f64,
    queue: BinaryHeap<Event>,
    seq: u64,
    netcons: Vec<NetCon>,
    sources: Vec<Source>,
    /// Recorded spikes: (time, source index).
    pub spikes: Vec<(f64, usize)>,
    /// Spikes of sources with a gid, for other groups: (time, gid).
    pub outbox: Vec<(f64, u64)>,
    probes: Vec<Probe>,
    traces: Vec<Vec<f64>>,
    /// NetCons fed by sources in other groups: (gid, netcon index).
    remote_netcons: Vec<(u64, usize)>,
    remote_by_gid: HashMap<u64, Vec<usize>>,
    point_sources: HashMap<(usize, usize), Vec<usize>>,
    steps: u64,
    pending: Vec<Emitted>,
    /// Root nodes and non-root spans over all nodes (axial pass).
    spans: Vec<(usize, usize)>,
    /// Roots and spans of the cells solved one by one (not in a lane block).
    solo_roots: Vec<usize>,
    solo_spans: Vec<(usize, usize)>,
    /// Order of the Hines solve of those cells (levels of independent nodes).
    schedule: SolveSchedule,
    /// Axial/capacitance pass of those cells.
    axial: AxialPlan,
    lane_blocks: Vec<LaneBlock>,
    plays: Vec<Play>,
    /// Per cell: discretisation, node offset before layout, sections in `all` order.
    cells: Vec<CellRec>,
    /// Builder node index → group node index.
    perm: Vec<usize>,
    /// `(0.001/dt)*cm` per node (0 at zero-area nodes), as NEURON multiplies it every step.
    cap: Vec<f64>,
}

impl std::fmt::Debug for CellGroup {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "CellGroup(nodes={}, mechs={}, t={})",
            self.v.len(),
            self.mechs.len(),
            self.t
        )
    }
}

impl CellGroup {
    /// Number of nodes.
    pub fn n_nodes(&self) -> usize {
        self.v.len()
    }

    /// Node of `cell`'s `sec(x)` in this group (NEURON's mapping of x to a node).
    pub fn node(&self, cell: CellId, sec: SecId, x: f64) -> Result<usize, CableError> {
        let c = self
            .cells
            .get(cell.0)
            .ok_or_else(|| CableError::Model(format!("no cell {}", cell.0)))?;
        Ok(self.perm[c.node_offset + c.disc.node_at(sec, x)?])
    }

    /// Nodes of all segments of a cell, sections in `all` order then x (BMTK's segment
    /// indexing, e.g. for compartment reports: `v[node]`).
    pub fn segment_nodes(&self, cell: CellId) -> Result<Vec<usize>, CableError> {
        let c = self
            .cells
            .get(cell.0)
            .ok_or_else(|| CableError::Model(format!("no cell {}", cell.0)))?;
        let mut out = Vec::new();
        for &s in &c.all {
            let sn = c
                .disc
                .sec_nodes
                .get(s)
                .copied()
                .flatten()
                .ok_or(CableError::NoSection(s))?;
            out.extend((0..sn.nseg).map(|j| self.perm[c.node_offset + sn.first + j]));
        }
        Ok(out)
    }

    /// Number of steps taken since finitialize.
    pub fn steps(&self) -> u64 {
        self.steps
    }

    /// Recorded values of probe `k` (index from [`GroupBuilder::add_probe`]).
    pub fn trace(&self, k: usize) -> &[f64] {
        &self.traces[k]
    }

    /// Moves every probe's recorded values out (those since finitialize or the previous call)
    /// and leaves the traces empty, so long recordings can be streamed with bounded memory.
    pub fn take_traces(&mut self) -> Vec<Vec<f64>> {
        self.traces.iter_mut().map(std::mem::take).collect()
    }

    /// A range variable of a mechanism set instance.
    pub fn mech_names(&self) -> Vec<String> {
        self.mechs.iter().map(|m| m.meta().name.clone()).collect()
    }

    /// Add a NetCon fed by a source in another group (identified by gid); `target` is
    /// (mechanism set, instance). Prefer [`GroupBuilder::add_remote_netcon`].
    pub fn add_remote_netcon(
        &mut self,
        gid: u64,
        target: Option<(usize, usize)>,
        weight: Vec<f64>,
        delay: f64,
    ) -> usize {
        self.netcons.push(NetCon {
            target,
            weight,
            delay,
        });
        let id = self.netcons.len() - 1;
        self.remote_netcons.push((gid, id));
        self.remote_by_gid.entry(gid).or_default().push(id);
        id
    }

    /// Deliver a spike of a remote source `gid` at `time` to the NetCons that listen to it.
    pub fn receive_spike(&mut self, gid: u64, time: f64) {
        let ids = self.remote_by_gid.get(&gid).cloned().unwrap_or_default();
        for k in ids {
            let te = time + self.netcons[k].delay;
            self.push(te, EvKind::NetCon(k));
        }
    }

    /// Smallest delay of the NetCons fed by other groups (the exchange interval).
    pub fn min_remote_delay(&self) -> Option<f64> {
        self.remote_netcons
            .iter()
            .map(|(_, k)| self.netcons[*k].delay)
            .min_by(|a, b| a.total_cmp(b))
    }

    fn push(&mut self, time: f64, kind: EvKind) {
        self.seq += 1;
        self.queue.push(Event {
            time,
            seq: self.seq,
            kind,
        });
    }

    fn globals(&self) -> Globals {
        Globals {
            t: self.t,
            dt: self.dt,
            celsius: self.celsius,
        }
    }

    fn spike(&mut self, src: usize, time: f64) {
        self.spikes.push((time, src));
        if let Some(g) = self.sources[src].gid {
            self.outbox.push((time, g));
        }
        for i in 0..self.sources[src].netcons.len() {
            let k = self.sources[src].netcons[i];
            let te = time + self.netcons[k].delay;
            self.push(te, EvKind::NetCon(k));
        }
    }

    fn flush_emitted(&mut self, mech: usize, netcon: Option<usize>) {
        let em = std::mem::take(&mut self.pending);
        for e in &em {
            match *e {
                Emitted::Send { inst, time, flag } => self.push(
                    time,
                    EvKind::SelfEv {
                        mech,
                        inst,
                        flag,
                        netcon,
                    },
                ),
                Emitted::Event { inst, time } => {
                    let srcs = self
                        .point_sources
                        .get(&(mech, inst))
                        .cloned()
                        .unwrap_or_default();
                    for s in srcs {
                        self.spike(s, time);
                    }
                }
            }
        }
        self.pending = em;
        self.pending.clear();
    }

    fn deliver(&mut self, ev: Event) -> Result<(), RunError> {
        self.t = ev.time;
        let g = self.globals();
        if let EvKind::Play(k) = ev.kind {
            let p = &mut self.plays[k];
            if let Some(&val) = p.values.get(p.current) {
                self.mechs[p.mech].set(&p.var, p.inst, val);
            }
            p.current += 1;
            if p.current < p.values.len() {
                let te = p.current as f64 * p.dt;
                self.push(te, EvKind::Play(k));
            }
            return Ok(());
        }
        let (mech, inst, flag, nc) = match ev.kind {
            EvKind::Play(_) => return Ok(()),
            EvKind::NetCon(k) => match self.netcons[k].target {
                Some((m, i)) => (m, i, 0.0, Some(k)),
                None => return Ok(()),
            },
            EvKind::SelfEv {
                mech,
                inst,
                flag,
                netcon,
            } => (mech, inst, flag, netcon),
        };
        let mut weights = match nc {
            Some(k) => std::mem::take(&mut self.netcons[k].weight),
            // a self-event sent from INITIAL has no NetCon: give it a zero weight vector of the
            // type's arity rather than an empty one
            None => vec![0.0; self.mechs[mech].meta().net_receive_arity.unwrap_or(0)],
        };
        let mut out = std::mem::take(&mut self.pending);
        let r = {
            let mut ctx = Ctx {
                v: &self.v,
                rhs: &mut self.rhs,
                d: &mut self.d,
                area: &self.tree.area,
                diam: &self.tree.diam,
                ions: &mut self.ions,
                globals: g,
            };
            let mut sink = Sink { out: &mut out };
            self.mechs[mech].net_receive(&mut ctx, inst, &mut weights, flag, &mut sink)
        };
        if let Some(k) = nc {
            self.netcons[k].weight = weights;
        }
        self.pending = out;
        r.map_err(|e| RunError::Mech {
            mech: self.mechs[mech].meta().name.clone(),
            source: e,
        })?;
        self.flush_emitted(mech, nc);
        Ok(())
    }

    fn deliver_events(&mut self, til: f64) -> Result<(), RunError> {
        let tsav = self.t;
        while let Some(top) = self.queue.peek() {
            if top.time > til {
                break;
            }
            let ev = self.queue.pop().expect("peeked");
            self.deliver(ev)?;
        }
        self.t = tsav;
        Ok(())
    }

    fn check_thresholds(&mut self) {
        for s in 0..self.sources.len() {
            if let SrcKind::Threshold {
                node,
                threshold,
                above,
            } = self.sources[s].kind
            {
                if self.v[node] - threshold > 0.0 {
                    if !above {
                        self.sources[s].kind = SrcKind::Threshold {
                            node,
                            threshold,
                            above: true,
                        };
                        let t = self.t + 1e-10;
                        self.spike(s, t);
                    }
                } else if above {
                    self.sources[s].kind = SrcKind::Threshold {
                        node,
                        threshold,
                        above: false,
                    };
                }
            }
        }
    }

    /// rhs and d of the linear system at the current `t` (NEURON's setup_tree_matrix).
    fn setup_tree_matrix(&mut self) -> Result<(), RunError> {
        self.rhs.iter_mut().for_each(|x| *x = 0.0);
        self.d.iter_mut().for_each(|x| *x = 0.0);
        let g = self.globals();
        let mut ions_done = self.ions.is_empty();
        for m in 0..self.mechs.len() {
            if self.mechs[m].meta().kind == MechKind::Artificial {
                continue; // no membrane current (NEURON keeps them out of the thread lists)
            }
            if !ions_done && self.mechs[m].meta().name != "pas" {
                self.ion_cur();
                ions_done = true;
            }
            let mut ctx = Ctx {
                v: &self.v,
                rhs: &mut self.rhs,
                d: &mut self.d,
                area: &self.tree.area,
                diam: &self.tree.diam,
                ions: &mut self.ions,
                globals: g,
            };
            self.mechs[m]
                .current(&mut ctx)
                .map_err(|e| RunError::Mech {
                    mech: self.mechs[m].meta().name.clone(),
                    source: e,
                })?;
        }
        if !ions_done {
            self.ion_cur();
        }
        let (a, b) = (&self.tree.a, &self.tree.b);
        let (v, rhs, d, cap) = (&self.v, &mut self.rhs, &mut self.d, &self.cap);
        // NEURON's per-array operation order: rhs gets the axial terms in node order (nrn_rhs);
        // d gets the capacitance term of node i (nrn_lhs: after all mechanisms, before any axial
        // term touching i, which come from i itself and from its children, all later in node
        // order) and then the axial terms in node order. Root nodes have no capacitance.
        self.axial.apply(v, a, b, cap, rhs, d);
        for blk in &self.lane_blocks {
            axial_lanes(blk, v, a, b, cap, rhs, d);
        }
        Ok(())
    }

    fn ion_cur(&mut self) {
        let c = self.celsius;
        for (ion, nodes) in self.ions.iter_mut().zip(&self.ion_nodes) {
            for &node in nodes {
                ion.cur_node(node, c);
            }
        }
    }

    fn record(&mut self) {
        for (k, p) in self.probes.iter().enumerate() {
            let val = match p {
                Probe::V(node) => self.v[*node],
                Probe::Mech(m, i, var) => self.mechs[*m].get(var, *i).unwrap_or(f64::NAN),
                Probe::Ion(k, IonVar::E, node) => self.ions[*k].e[*node],
                Probe::Ion(k, IonVar::Ci, node) => self.ions[*k].ci[*node],
                Probe::Ion(k, IonVar::Co, node) => self.ions[*k].co[*node],
                Probe::Ion(k, IonVar::I, node) => self.ions[*k].i[*node],
            };
            self.traces[k].push(val);
        }
    }

    /// NEURON's `finitialize(v_init)`.
    pub fn finitialize(&mut self, v_init: f64) -> Result<(), RunError> {
        self.t = 0.0;
        self.steps = 0;
        self.queue.clear();
        self.spikes.clear();
        self.outbox.clear();
        for tr in &mut self.traces {
            tr.clear();
        }
        for s in &mut self.sources {
            if let SrcKind::Threshold {
                node, threshold, ..
            } = s.kind
            {
                s.kind = SrcKind::Threshold {
                    node,
                    threshold,
                    above: false,
                };
            }
        }
        // Vector.play: initialise and deliver the t = 0 values before anything else
        for k in 0..self.plays.len() {
            self.plays[k].current = 0;
            if !self.plays[k].values.is_empty() {
                self.push(0.0, EvKind::Play(k));
            }
        }
        self.deliver_events(0.0)?;
        self.v.iter_mut().for_each(|x| *x = v_init);
        let c = self.celsius;
        for (ion, nodes) in self.ions.iter_mut().zip(&self.ion_nodes) {
            for &node in nodes {
                ion.init_node(node, c);
            }
        }
        let g = self.globals();
        for m in 0..self.mechs.len() {
            let mut out = std::mem::take(&mut self.pending);
            let r = {
                let mut ctx = Ctx {
                    v: &self.v,
                    rhs: &mut self.rhs,
                    d: &mut self.d,
                    area: &self.tree.area,
                    diam: &self.tree.diam,
                    ions: &mut self.ions,
                    globals: g,
                };
                let mut sink = Sink { out: &mut out };
                self.mechs[m].init(&mut ctx, &mut sink)
            };
            self.pending = out;
            r.map_err(|e| RunError::Mech {
                mech: self.mechs[m].meta().name.clone(),
                source: e,
            })?;
            self.flush_emitted(m, None);
        }
        for k in 0..self.netcons.len() {
            if let Some((m, i)) = self.netcons[k].target {
                if self.mechs[m].meta().net_receive_has_init {
                    let mut w = std::mem::take(&mut self.netcons[k].weight);
                    let mut ctx = Ctx {
                        v: &self.v,
                        rhs: &mut self.rhs,
                        d: &mut self.d,
                        area: &self.tree.area,
                        diam: &self.tree.diam,
                        ions: &mut self.ions,
                        globals: g,
                    };
                    let r = self.mechs[m].net_receive_init(&mut ctx, i, &mut w);
                    self.netcons[k].weight = w;
                    r.map_err(|e| RunError::Mech {
                        mech: self.mechs[m].meta().name.clone(),
                        source: e,
                    })?;
                }
            }
        }
        self.deliver_events(self.t)?;
        self.setup_tree_matrix()?;
        self.record();
        Ok(())
    }

    /// One `fadvance()` (secondorder 0).
    pub fn fadvance(&mut self) -> Result<(), RunError> {
        self.check_thresholds();
        self.deliver_events(self.t + 0.5 * self.dt)?;
        self.t += 0.5 * self.dt;
        self.setup_tree_matrix()?;
        hines_solve_scheduled(&self.schedule, &mut self.d, &mut self.rhs);
        for blk in &self.lane_blocks {
            hines_solve_lanes(blk, &self.tree.a, &self.tree.b, &mut self.d, &mut self.rhs);
        }
        for (v, dv) in self.v.iter_mut().zip(&self.rhs) {
            *v += dv;
        }
        self.t += 0.5 * self.dt;
        let g = self.globals();
        for m in 0..self.mechs.len() {
            if self.mechs[m].meta().kind == MechKind::Artificial {
                continue;
            }
            let mut ctx = Ctx {
                v: &self.v,
                rhs: &mut self.rhs,
                d: &mut self.d,
                area: &self.tree.area,
                diam: &self.tree.diam,
                ions: &mut self.ions,
                globals: g,
            };
            self.mechs[m].state(&mut ctx).map_err(|e| RunError::Mech {
                mech: self.mechs[m].meta().name.clone(),
                source: e,
            })?;
        }
        self.deliver_events(self.t)?;
        self.steps += 1;
        self.record();
        Ok(())
    }

    /// Step `n` times.
    pub fn advance(&mut self, n: u64) -> Result<(), RunError> {
        for _ in 0..n {
            self.fadvance()?;
        }
        Ok(())
    }
}

/// Several groups exchanging spikes every `min delay` (as NEURON's ParallelContext does);
/// delivery times do not depend on the grouping.
#[derive(Debug, Default)]
pub struct Network {
    pub groups: Vec<CellGroup>,
}

impl Network {
    /// Run `n_steps` fixed steps (after each group's finitialize), exchanging spikes between
    /// groups every `floor(min_delay/dt)` steps, one group after the other.
    pub fn run(&mut self, n_steps: u64) -> Result<(), RunError> {
        self.run_threads(n_steps, 1)
    }

    /// As [`Network::run`], stepping the groups on up to `threads` OS threads between
    /// exchanges. Groups share nothing while stepping and spikes are exchanged in a fixed order,
    /// so results do not depend on `threads`.
    pub fn run_threads(&mut self, n_steps: u64, threads: usize) -> Result<(), RunError> {
        let dt = self.groups.first().map(|g| g.dt).unwrap_or(0.025);
        let min_delay = self
            .groups
            .iter()
            .filter_map(|g| g.min_remote_delay())
            .min_by(|a, b| a.total_cmp(b));
        if let Some(d) = min_delay {
            if d < dt {
                return Err(RunError::DelayTooShort { delay: d, dt });
            }
        }
        let interval = match min_delay {
            Some(d) => ((d / dt).floor() as u64).max(1),
            None => n_steps.max(1),
        };
        if threads > 1 && self.groups.len() > 1 {
            let per = self.groups.len().div_ceil(threads);
            let chunks: Vec<&mut [CellGroup]> = self.groups.chunks_mut(per).collect();
            return crate::parallel::run_chunks(chunks, n_steps, interval);
        }
        let mut done = 0;
        while done < n_steps {
            let k = interval.min(n_steps - done);
            for g in &mut self.groups {
                g.advance(k)?;
            }
            done += k;
            let mut spikes: Vec<(f64, u64)> = Vec::new();
            for g in &mut self.groups {
                spikes.append(&mut g.outbox);
            }
            spikes.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            for g in &mut self.groups {
                for &(t, gid) in &spikes {
                    g.receive_spike(gid, t);
                }
            }
        }
        Ok(())
    }
}
