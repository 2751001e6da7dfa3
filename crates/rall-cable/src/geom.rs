//! Segment geometry exactly as NEURON computes it (`nrn_area_ri`, `diam_from_list`),
//! path distance, and the geometry report printed by `rall cell --json`.

use serde::{Deserialize, Serialize};

use crate::morph::{Morphology, Pt3d, SecId, Section};

const PI: f64 = std::f64::consts::PI;

/// Per-section discretised geometry: `nseg` segments plus the zero-area end node.
#[derive(Debug, Clone, PartialEq)]
pub struct SecGeom {
    /// Node areas (µm²); index `nseg` is the end node (area 100).
    pub area: Vec<f64>,
    /// Node axial conductance to the parent node (µS); `1/rinv` is NEURON's `seg.ri()`.
    pub rinv: Vec<f64>,
    /// Segment diameters (µm), `nseg` entries.
    pub diam: Vec<f64>,
}

/// NEURON's geometry of one section.
pub fn section_geometry(sec: &Section) -> SecGeom {
    let nseg = sec.nseg;
    let mut g = SecGeom {
        area: vec![100.0; nseg + 1],
        rinv: vec![0.0; nseg + 1],
        diam: vec![0.0; nseg],
    };
    let ra = sec.ra;
    let mut rright = 0.0;
    if sec.pt3d.len() > 1 {
        let pts: &[Pt3d] = &sec.pt3d;
        let npt = pts.len();
        let mut j = 0usize;
        let mut x1 = pts[0].arc;
        let mut y1 = (pts[0].d as f64).abs();
        let ds = pts[npt - 1].arc / nseg as f64;
        for inode in 0..nseg {
            let mut si = inode as f64 * ds;
            let mut diam = 0.0;
            let mut area = 0.0;
            let mut rleft = 0.0;
            let mut ri = 0.0;
            for ihalf in 0..2 {
                ri = 0.0;
                let sip = si + ds / 2.0;
                loop {
                    let jp = j + 1;
                    let xj = pts[j].arc;
                    let xjp = pts[jp].arc;
                    let (x2, y2, jnext);
                    if xjp > sip || jp == npt - 1 {
                        let frac = if (xjp - xj).abs() < 1e-10 {
                            1.0
                        } else {
                            (sip - xj) / (xjp - xj)
                        };
                        x2 = sip;
                        y2 = (1.0 - frac) * (pts[j].d as f64).abs()
                            + frac * (pts[jp].d as f64).abs();
                        jnext = j;
                    } else {
                        x2 = xjp;
                        y2 = (pts[jp].d as f64).abs();
                        jnext = jp;
                    }
                    let mut delta = x2 - x1;
                    diam += (y2 + y1) * delta;
                    if delta < 1e-15 {
                        delta = 1e-15;
                    }
                    let mut temp = y2 * y1 / delta;
                    if temp == 0.0 {
                        temp = 1e-15;
                    }
                    ri += 1.0 / temp;
                    let t = 0.5 * (y2 - y1);
                    let t = (delta * delta + t * t).sqrt();
                    area += (y2 + y1) * t;
                    x1 = x2;
                    y1 = y2;
                    if j == jnext {
                        break;
                    }
                    j = jnext;
                }
                if ihalf == 0 {
                    rleft = ri * ra / PI * (4.0 * 0.01);
                } else {
                    ri = ri * ra / PI * (4.0 * 0.01);
                }
                si = sip;
            }
            g.rinv[inode] = 1.0 / (rright + rleft);
            let diam = diam * (0.5 / ds);
            // NEURON only overwrites the segment's diam parameter when it changes by > 1e-9
            g.diam[inode] = if sec.diam_assigned && (diam - sec.diam).abs() <= 1e-9 && diam >= 1e-5
            {
                sec.diam
            } else {
                diam
            };
            g.area[inode] = area * 0.5 * PI;
            rright = ri;
        }
    } else {
        let dx = sec.length() / nseg as f64;
        let d = if sec.pt3d.len() == 1 {
            sec.pt3d[0].d as f64
        } else {
            sec.diam
        };
        for j in 0..nseg {
            g.diam[j] = d;
            g.area[j] = PI * d * dx;
            let rleft = 1e-2 * ra * (dx / 2.0) / (PI * d * d / 4.0);
            g.rinv[j] = 1.0 / (rleft + rright);
            rright = rleft;
        }
    }
    g.area[nseg] = 100.0;
    g.rinv[nseg] = 1.0 / rright;
    g
}

/// Segment centres of a section, `(2i+1)/(2 nseg)`.
pub fn seg_x(nseg: usize, i: usize) -> f64 {
    (i as f64 + 0.5) / nseg as f64
}

/// One section in the `rall cell --json` report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SectionReport {
    pub index: usize,
    pub name: String,
    pub parent: i64,
    pub parent_x: f64,
    #[serde(rename = "L")]
    pub l: f64,
    pub nseg: usize,
    #[serde(rename = "Ra")]
    pub ra: f64,
    pub cm: f64,
}

/// One segment in the `rall cell --json` report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SegmentReport {
    pub section: usize,
    pub x: f64,
    /// µm²
    pub area: f64,
    /// MΩ, NEURON's `seg.ri()`
    pub ri: f64,
    /// µm
    pub diam: f64,
    /// path distance from `soma[0](0)`, µm
    pub distance: f64,
}

/// The geometry report of issue 5 item 6: sections in `all` order, segments in section
/// order then x.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GeometryReport {
    pub sections: Vec<SectionReport>,
    pub segments: Vec<SegmentReport>,
}

/// Path distance from the origin `soma[0](0)` (or the first root's 0 end) to `sec(x)`:
/// the length along the tree.
pub fn path_distance(m: &Morphology, origin: SecId, sec: SecId, x: f64) -> f64 {
    // NEURON's order: start with x*L of the section itself, then add the connection
    // positions walking up to the root (origin is the root's 0 end in every case BMTK uses)
    let _ = origin;
    let mut d = x * m.sections[sec].length();
    let mut s = sec;
    while let Some(p) = m.sections[s].parent {
        d += m.sections[s].parent_x * m.sections[p].length();
        s = p;
    }
    d
}

impl Morphology {
    /// Geometry report (issue 5 item 6) for the current state of the cell.
    pub fn geometry_report(&self) -> GeometryReport {
        let index_of = |id: SecId| self.all.iter().position(|&s| s == id);
        let origin = self
            .find("soma[0]")
            .ok()
            .or_else(|| self.roots().first().copied())
            .unwrap_or(0);
        let mut sections = Vec::new();
        let mut segments = Vec::new();
        for (k, &id) in self.all.iter().enumerate() {
            let s = &self.sections[id];
            let parent = s.parent.and_then(index_of).map(|i| i as i64).unwrap_or(-1);
            sections.push(SectionReport {
                index: k,
                name: s.name(),
                parent,
                parent_x: if s.parent.is_some() { s.parent_x } else { 0.0 },
                l: s.length(),
                nseg: s.nseg,
                ra: s.ra,
                cm: s.cm,
            });
            let g = section_geometry(s);
            for i in 0..s.nseg {
                let x = seg_x(s.nseg, i);
                segments.push(SegmentReport {
                    section: k,
                    x,
                    area: g.area[i],
                    ri: if g.rinv[i] != 0.0 {
                        1.0 / g.rinv[i]
                    } else {
                        1e30
                    },
                    diam: g.diam[i],
                    distance: path_distance(self, origin, id, x),
                });
            }
        }
        GeometryReport { sections, segments }
    }
}

/// Model processing applied before discretisation by [`cell_geometry`] (the geometric part of
/// BMTK's processors; channel insertion belongs to the bionet layer).
#[derive(Debug, Clone, PartialEq)]
pub enum Processing {
    /// Import3d only (NEURON defaults Ra 35.4, cm 1).
    None,
    /// `aibs_perisomatic`: axon → 2 × 30 µm diam-1 stubs at soma(0.5), `define_shape`, then
    /// `Ra` everywhere and `cm` per section-name prefix (`soma`, `axon`, `dend`, `apic`).
    Perisomatic { ra: f64, cm: Vec<(String, f64)> },
    /// The axon replacement of `aibs_allactive` (stubs with the original axon's diameters at
    /// soma(1)); Ra/cm are left as they are.
    AllactiveAxon,
}

/// What `rall cell --json` prints: read the SWC text (`file` names it in errors), apply the
/// processing, set `nseg = 1 + 2*floor(L/(2*dL))` when `dl` is given, and report the geometry.
pub fn cell_geometry(
    file: &str,
    swc_text: &str,
    processing: &Processing,
    dl: Option<f64>,
) -> Result<GeometryReport, crate::CableError> {
    let mut m = crate::read_swc(file, swc_text)?;
    match processing {
        Processing::None => {}
        Processing::Perisomatic { ra, cm } => {
            m.fix_axon_perisomatic()?;
            let cm: Vec<(&str, f64)> = cm.iter().map(|(s, c)| (s.as_str(), *c)).collect();
            m.set_passive_by_prefix(*ra, &cm)?;
        }
        Processing::AllactiveAxon => m.fix_axon_allactive()?,
    }
    if let Some(dl) = dl {
        m.set_nseg_by_dl(dl)?;
    }
    Ok(m.geometry_report())
}
