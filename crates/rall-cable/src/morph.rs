//! Sections, 3-D points and the editing operations BMTK's model processing needs
//! (delete, create, connect, nseg, `define_shape`). Numbers follow NEURON: 3-D points are
//! `f32`, arc lengths are accumulated in `f64` from `f32` coordinate differences.

use crate::error::CableError;

/// Index of a section in [`Morphology::sections`] (stable across deletions of other sections).
pub type SecId = usize;

/// One 3-D point, stored with NEURON's single precision; `arc` is the path length from the
/// section's first point (double precision, as NEURON keeps it).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pt3d {
    pub x: f32,
    pub y: f32,
    pub z: f32,
    pub d: f32,
    pub arc: f64,
}

/// NEURON's name for an SWC type code (Import3d's `type2name`).
pub fn type_name(ty: i32) -> String {
    match ty {
        1 => "soma".into(),
        2 => "axon".into(),
        3 => "dend".into(),
        4 => "apic".into(),
        t if t < 0 => format!("minus_{}", -t),
        t => format!("dend_{t}"),
    }
}

/// One unbranched cable.
#[derive(Debug, Clone, PartialEq)]
pub struct Section {
    /// Array name without index, e.g. `dend`.
    pub base: String,
    /// Index in its array, e.g. 3 for `dend[3]`.
    pub index: usize,
    /// SWC type code (1 soma, 2 axon, 3 dend, 4 apic, …).
    pub swc_type: i32,
    pub parent: Option<SecId>,
    /// Position on the parent where this section's 0 end connects.
    pub parent_x: f64,
    /// Children ordered as NEURON orders them: increasing connection x, ties most recent first.
    pub children: Vec<SecId>,
    pub pt3d: Vec<Pt3d>,
    /// `pt3dstyle(1, x, y, z)`: logical connection point (wire to the parent).
    pub logical_connection: Option<[f32; 3]>,
    /// Length when the section has no 3-D points (otherwise the last arc).
    len: f64,
    /// Diameter when the section has no 3-D points (µm, uniform).
    pub diam: f64,
    /// `diam` was assigned (NEURON then keeps this value for a segment whose diameter computed
    /// from 3-D points, e.g. after `define_shape`, differs by at most 1e-9).
    pub diam_assigned: bool,
    pub nseg: usize,
    /// Axial resistivity (Ω·cm).
    pub ra: f64,
    /// Specific membrane capacitance (µF/cm²).
    pub cm: f64,
    pub alive: bool,
}

impl Section {
    /// `name` as NEURON prints it inside a cell, e.g. `dend[3]`.
    pub fn name(&self) -> String {
        format!("{}[{}]", self.base, self.index)
    }

    /// Section length (µm): the last 3-D point's arc, else the assigned length.
    pub fn length(&self) -> f64 {
        match self.pt3d.len() {
            0 => self.len,
            n => self.pt3d[n - 1].arc,
        }
    }

    /// Set the section length. Only allowed without 3-D points (rall does not rescale
    /// 3-D points as NEURON's `nrn_length_change` does).
    pub fn set_length(&mut self, l: f64) -> Result<(), CableError> {
        if !self.pt3d.is_empty() {
            return Err(CableError::BadSection {
                section: self.name(),
                what: "setting L of a section with 3-D points is not supported".into(),
            });
        }
        if !(l > 0.0 && l.is_finite()) {
            return Err(CableError::BadSection {
                section: self.name(),
                what: format!("L must be positive, got {l}"),
            });
        }
        self.len = l;
        Ok(())
    }

    /// Append a 3-D point (NEURON `pt3dadd`): values are rounded to `f32`, the arc is
    /// accumulated from the `f32` differences.
    pub fn pt3dadd(&mut self, x: f64, y: f64, z: f64, d: f64) {
        let (x, y, z, d) = (x as f32, y as f32, z as f32, d as f32);
        let arc = match self.pt3d.last() {
            None => 0.0,
            Some(p) => {
                let t1 = (x - p.x) as f64;
                let t2 = (y - p.y) as f64;
                let t3 = (z - p.z) as f64;
                p.arc + (t1 * t1 + t2 * t2 + t3 * t3).sqrt()
            }
        };
        self.pt3d.push(Pt3d { x, y, z, d, arc });
    }

    fn new(base: &str, index: usize, swc_type: i32) -> Section {
        Section {
            base: base.to_string(),
            index,
            swc_type,
            parent: None,
            parent_x: 1.0,
            children: Vec::new(),
            pt3d: Vec::new(),
            logical_connection: None,
            len: 100.0,
            diam: 500.0,
            diam_assigned: false,
            nseg: 1,
            ra: 35.4,
            cm: 1.0,
            alive: true,
        }
    }
}

/// A cell's sections with NEURON's section lists.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Morphology {
    /// All sections ever created; deleted ones have `alive == false`.
    pub sections: Vec<Section>,
    /// `all` in order (creation order, then appended sections).
    pub all: Vec<SecId>,
    pub somatic: Vec<SecId>,
    pub axonal: Vec<SecId>,
    pub basal: Vec<SecId>,
    pub apical: Vec<SecId>,
    /// Creation order of live sections (NEURON's global section list order).
    pub(crate) creation: Vec<SecId>,
}

impl Morphology {
    pub fn new() -> Morphology {
        Morphology::default()
    }

    /// The section, if it exists and is alive.
    pub fn get(&self, id: SecId) -> Result<&Section, CableError> {
        match self.sections.get(id) {
            Some(s) if s.alive => Ok(s),
            _ => Err(CableError::NoSection(id)),
        }
    }

    pub fn get_mut(&mut self, id: SecId) -> Result<&mut Section, CableError> {
        match self.sections.get_mut(id) {
            Some(s) if s.alive => Ok(s),
            _ => Err(CableError::NoSection(id)),
        }
    }

    /// Section by NEURON name (`soma[0]`, `dend[12]`).
    pub fn find(&self, name: &str) -> Result<SecId, CableError> {
        self.creation
            .iter()
            .copied()
            .find(|&i| self.sections[i].name() == name)
            .ok_or_else(|| CableError::NoSuchName(name.to_string()))
    }

    /// Live sections of an array (`axon`), in index order.
    pub fn array(&self, base: &str) -> Vec<SecId> {
        let mut v: Vec<SecId> = self
            .creation
            .iter()
            .copied()
            .filter(|&i| self.sections[i].base == base)
            .collect();
        v.sort_by_key(|&i| self.sections[i].index);
        v
    }

    /// Create a section `base[index]` with no 3-D points, not in any section list.
    pub fn create(&mut self, base: &str, index: usize, swc_type: i32) -> SecId {
        let id = self.sections.len();
        self.sections.push(Section::new(base, index, swc_type));
        self.creation.push(id);
        id
    }

    /// Create a section with length and diameter (no 3-D points) and append it to `all`
    /// and to the section list of its type.
    pub fn create_cable(
        &mut self,
        base: &str,
        index: usize,
        swc_type: i32,
        l: f64,
        diam: f64,
    ) -> Result<SecId, CableError> {
        let id = self.create(base, index, swc_type);
        self.sections[id].set_length(l)?;
        if !(diam > 0.0 && diam.is_finite()) {
            return Err(CableError::BadSection {
                section: self.sections[id].name(),
                what: format!("diam must be positive, got {diam}"),
            });
        }
        self.sections[id].diam = diam;
        self.sections[id].diam_assigned = true;
        self.all.push(id);
        self.type_list_mut(swc_type).push(id);
        Ok(id)
    }

    pub(crate) fn type_list_mut(&mut self, swc_type: i32) -> &mut Vec<SecId> {
        match swc_type {
            1 => &mut self.somatic,
            2 => &mut self.axonal,
            4 => &mut self.apical,
            _ => &mut self.basal,
        }
    }

    /// Connect `child`'s 0 end to `parent(x)` (NEURON `child.connect(parent(x), 0)`).
    /// An existing parent connection is replaced.
    pub fn connect(&mut self, child: SecId, parent: SecId, x: f64) -> Result<(), CableError> {
        self.get(child)?;
        self.get(parent)?;
        if !(0.0..=1.0).contains(&x) {
            return Err(CableError::BadX {
                section: self.sections[parent].name(),
                x,
            });
        }
        // loop check: parent must not be in child's subtree
        let mut p = Some(parent);
        while let Some(q) = p {
            if q == child {
                return Err(CableError::Loop {
                    child: self.sections[child].name(),
                    parent: self.sections[parent].name(),
                });
            }
            p = self.sections[q].parent;
        }
        self.disconnect(child);
        let sec = &mut self.sections[child];
        sec.parent = Some(parent);
        sec.parent_x = x;
        let list = &self.sections[parent].children;
        let k = list
            .iter()
            .position(|&c| x <= self.sections[c].parent_x)
            .unwrap_or(list.len());
        self.sections[parent].children.insert(k, child);
        Ok(())
    }

    fn disconnect(&mut self, child: SecId) {
        if let Some(p) = self.sections[child].parent.take() {
            self.sections[p].children.retain(|&c| c != child);
        }
    }

    /// Delete a section (NEURON `delete_section`): it leaves every section list, its
    /// children become roots.
    pub fn delete(&mut self, id: SecId) -> Result<(), CableError> {
        self.get(id)?;
        self.disconnect(id);
        let children = std::mem::take(&mut self.sections[id].children);
        for c in children {
            self.sections[c].parent = None;
        }
        self.sections[id].alive = false;
        for l in [
            &mut self.all,
            &mut self.somatic,
            &mut self.axonal,
            &mut self.basal,
            &mut self.apical,
            &mut self.creation,
        ] {
            l.retain(|&s| s != id);
        }
        Ok(())
    }

    /// Set nseg of one section (must be ≥ 1).
    pub fn set_nseg(&mut self, id: SecId, nseg: usize) -> Result<(), CableError> {
        let s = self.get_mut(id)?;
        if nseg == 0 || nseg > 32767 {
            return Err(CableError::BadSection {
                section: s.name(),
                what: format!("nseg must be in 1..=32767, got {nseg}"),
            });
        }
        s.nseg = nseg;
        Ok(())
    }

    /// BMTK's rule for every section in `all`: `nseg = 1 + 2*floor(L/(2*dL))`.
    pub fn set_nseg_by_dl(&mut self, dl: f64) -> Result<(), CableError> {
        if !(dl > 0.0 && dl.is_finite()) {
            return Err(CableError::Model(format!("dL must be positive, got {dl}")));
        }
        for i in self.all.clone() {
            let l = self.sections[i].length();
            let n = 1 + 2 * ((l / (2.0 * dl)) as i64).max(0) as usize;
            self.set_nseg(i, n)?;
        }
        Ok(())
    }

    /// Root sections in creation order.
    pub fn roots(&self) -> Vec<SecId> {
        self.creation
            .iter()
            .copied()
            .filter(|&i| self.sections[i].parent.is_none())
            .collect()
    }

    /// NEURON's section order: roots, then breadth first over children lists.
    pub fn section_order(&self) -> Vec<SecId> {
        let mut order = self.roots();
        let mut k = 0;
        while k < order.len() {
            let s = order[k];
            order.extend(self.sections[s].children.iter().copied());
            k += 1;
        }
        order
    }

    /// NEURON's `define_shape()`: every live section without 3-D points gets nseg+2 points
    /// laid out from its parent's connection point; sections with points are translated to
    /// their connection point (which moves points but not arcs).
    pub fn define_shape(&mut self) {
        let order = self.section_order();
        for (i, &sid) in order.iter().enumerate() {
            let arc = self.sections[sid].parent_x;
            let (x, y, z, mut x1, mut y1): (f32, f32, f32, f32, f32);
            let parent = self.sections[sid].parent;
            match parent {
                None => {
                    x = 0.0;
                    y = 0.0;
                    z = (i as f64 * 100.0) as f32;
                    x1 = 1.0;
                    y1 = 0.0;
                }
                Some(p) => {
                    let ps = &self.sections[p];
                    // a parent always has points here: it comes earlier in section order
                    let (first, last) = match (ps.pt3d.first(), ps.pt3d.last()) {
                        (Some(f), Some(l)) => (*f, *l),
                        _ => continue,
                    };
                    x1 = last.x - first.x;
                    y1 = last.y - first.y;
                    let arc1 = arc;
                    if arc1 < 0.5 {
                        x1 = -x1;
                        y1 = -y1;
                    }
                    x = (last.x as f64 * arc1 + first.x as f64 * (1.0 - arc1)) as f32;
                    y = (last.y as f64 * arc1 + first.y as f64 * (1.0 - arc1)) as f32;
                    z = (last.z as f64 * arc1 + first.z as f64 * (1.0 - arc1)) as f32;
                }
            }
            if !self.sections[sid].pt3d.is_empty() {
                if parent.is_some() {
                    self.translate(sid, x, y, z);
                }
                continue;
            }
            let mut angle: f32 = if y1.abs() < 1e-6 && x1.abs() < 1e-6 {
                0.0
            } else {
                // C++ overload resolution picks the float functions (atan2f, cosf, sinf)
                y1.atan2(x1)
            };
            if arc > 0.0 && arc < 1.0 {
                angle = (angle as f64 + std::f64::consts::PI / 2.0) as f32;
            }
            if let Some(p) = parent {
                let mut nch: f32 = 0.0;
                let mut ich: f32 = 0.0;
                for &c in &self.sections[p].children {
                    if c == sid {
                        ich = nch;
                    }
                    if arc == self.sections[c].parent_x {
                        nch += 1.0;
                    }
                }
                if nch > 1.0 {
                    angle = (angle as f64 + (ich as f64 / (nch as f64 - 1.0) * 0.8 - 0.4)) as f32;
                }
            }
            let sec = &mut self.sections[sid];
            let len = sec.len;
            let xe = (x as f64 + len * angle.cos() as f64) as f32;
            let ye = (y as f64 + len * angle.sin() as f64) as f32;
            let d = sec.diam;
            sec.pt3dadd(x as f64, y as f64, z as f64, d);
            let nseg = sec.nseg;
            for j in 0..nseg {
                let frac = (j as f64 + 0.5) / nseg as f64;
                sec.pt3dadd(
                    x as f64 * (1.0 - frac) + xe as f64 * frac,
                    y as f64 * (1.0 - frac) + ye as f64 * frac,
                    z as f64,
                    d,
                );
            }
            sec.pt3dadd(xe as f64, ye as f64, z as f64, d);
            // NEURON keeps the length exact despite the rounding of the points
            let n = sec.pt3d.len();
            sec.pt3d[n - 1].arc = len;
        }
    }

    fn translate(&mut self, sid: SecId, x: f32, y: f32, z: f32) {
        let sec = &mut self.sections[sid];
        let (dx, dy, dz);
        if let Some(p) = sec.logical_connection.as_mut() {
            dx = x - p[0];
            dy = y - p[1];
            dz = z - p[2];
            *p = [x, y, z];
        } else {
            dx = x - sec.pt3d[0].x;
            dy = y - sec.pt3d[0].y;
            dz = z - sec.pt3d[0].z;
        }
        for p in &mut sec.pt3d {
            p.x += dx;
            p.y += dy;
            p.z += dz;
        }
    }

    /// Replace the axon as BMTK's `aibs_perisomatic` (`fix_axon_peri`) does: delete every
    /// `axon` section, create `axon[0..2]` (L 30 µm, diam 1 µm) appended to `axonal` and `all`,
    /// connect `axon[0](0)` to `soma[0](0.5)` and `axon[1](0)` to `axon[0](1)`, then `define_shape()`.
    pub fn fix_axon_perisomatic(&mut self) -> Result<(), CableError> {
        let soma = self.find("soma[0]")?;
        for a in self.array("axon") {
            self.delete(a)?;
        }
        let a0 = self.create_cable("axon", 0, 2, 30.0, 1.0)?;
        let a1 = self.create_cable("axon", 1, 2, 30.0, 1.0)?;
        self.connect(a0, soma, 0.5)?;
        self.connect(a1, a0, 1.0)?;
        self.define_shape();
        Ok(())
    }

    /// Replace the axon as BMTK's `aibs_allactive` (`fix_axon_allactive`) does: stub diameters
    /// are `axon[0].diam` and the `diam` of the last axon section in `all` (the diameter of the
    /// middle segment at the current nseg), every `axon` section is deleted, `axon[0..2]`
    /// (L 30 µm) are appended to `axonal` and `all`, `axon[0](0)` connects to `soma[0](1)` (not 0.5),
    /// `axon[1](0)` to `axon[0](1)`, then `define_shape()`.
    pub fn fix_axon_allactive(&mut self) -> Result<(), CableError> {
        let soma = self.find("soma[0]")?;
        let a0 = self.find("axon[0]")?;
        let mid_diam = |s: &Section| {
            let g = crate::geom::section_geometry(s);
            let i = ((0.5 * s.nseg as f64) as usize).min(s.nseg - 1);
            g.diam[i]
        };
        let d0 = mid_diam(&self.sections[a0]);
        let mut d1 = d0;
        for &i in &self.all {
            if self.sections[i].name().starts_with("axon") {
                d1 = mid_diam(&self.sections[i]);
            }
        }
        for a in self.array("axon") {
            self.delete(a)?;
        }
        let n0 = self.create_cable("axon", 0, 2, 30.0, d0)?;
        let n1 = self.create_cable("axon", 1, 2, 30.0, d1)?;
        self.connect(n0, soma, 1.0)?;
        self.connect(n1, n0, 1.0)?;
        self.define_shape();
        Ok(())
    }

    /// Set Ra and cm of every section in `all` from a per-type-prefix table, the passive
    /// part of `aibs_perisomatic` (`cm` keyed by the first four letters of the name).
    pub fn set_passive_by_prefix(&mut self, ra: f64, cm: &[(&str, f64)]) -> Result<(), CableError> {
        for i in self.all.clone() {
            let name = self.sections[i].name();
            let prefix: String = name.chars().take(4).collect();
            let c = cm
                .iter()
                .find(|(p, _)| *p == prefix)
                .map(|(_, c)| *c)
                .ok_or_else(|| {
                    CableError::Model(format!("no cm given for section {name} (prefix {prefix})"))
                })?;
            let s = &mut self.sections[i];
            s.ra = ra;
            s.cm = c;
        }
        Ok(())
    }
}
