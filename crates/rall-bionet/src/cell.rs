//! Biophysical cells as BioNet builds them from `ctdb:Biophys1.hoc` (SWC + fit JSON) and
//! `model_processing` (`aibs_perisomatic`, `aibs_allactive`), and BMTK's segment table.

use std::collections::HashMap;
use std::path::Path;

use rall_cable::{CellId, GroupBuilder, IonVar, Morphology, SecId};
use serde_json::Value;

use crate::error::{BionetError, Result};
use crate::mechs::Mechanisms;

/// What to do to a cell's sections once it is in a [`GroupBuilder`].
#[derive(Debug, Clone, PartialEq)]
pub enum MechOp {
    /// Insert `mech` (if not yet) and set range variables.
    Insert {
        sec: SecId,
        mech: String,
        values: Vec<(String, f64)>,
    },
    /// `sec.e<ion> = value` where the ion exists.
    Erev { sec: SecId, ion: String, value: f64 },
}

/// A biophysical cell ready to add: processed morphology (nseg set) and its mechanism plan.
#[derive(Debug, Clone)]
pub struct BioCell {
    pub morph: Morphology,
    pub ops: Vec<MechOp>,
    /// SWC rows per original section (report mapping `swc_ids_*`).
    pub swc: SwcMap,
}

fn prefix(m: &Morphology, s: SecId) -> String {
    m.sections[s].name().chars().take(4).collect()
}

fn num(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn bad(path: &Path, detail: impl Into<String>) -> BionetError {
    BionetError::BadFile {
        path: path.to_path_buf(),
        detail: detail.into(),
    }
}

/// The mechanism a genome entry `{name, mechanism}` inserts or sets: `mechanism` when given,
/// else the suffix of `name` (`g_pas` → `pas`); `None` for section properties (`cm`, `Ra`).
pub fn genome_mechanism(name: &str, mechanism: &str) -> Option<String> {
    if !mechanism.is_empty() {
        return Some(mechanism.to_string());
    }
    match name {
        "cm" | "Ra" | "ra" => None,
        _ => name.rsplit_once('_').map(|(_, m)| m.to_string()),
    }
}

/// Every mechanism a fit file needs (for validation before anything runs).
pub fn fit_mechanisms(fit: &Value, processing: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    if processing.is_empty() {
        return out;
    }
    out.push("pas".to_string());
    if let Some(g) = fit.get("genome").and_then(Value::as_array) {
        for e in g {
            if e.get("section").and_then(Value::as_str) == Some("glob") {
                continue;
            }
            let name = e.get("name").and_then(Value::as_str).unwrap_or("");
            let mech = e.get("mechanism").and_then(Value::as_str).unwrap_or("");
            if let Some(m) = genome_mechanism(name, mech) {
                if !out.contains(&m) {
                    out.push(m);
                }
            }
        }
    }
    out
}

/// Reads the SWC and applies `processing` with the fit `fit` (`fit_path` names it in errors),
/// then sets nseg by the dL rule.
pub fn build_biophysical(
    swc_path: &Path,
    fit: Option<(&Path, &Value)>,
    processing: &[String],
    dl: f64,
) -> Result<BioCell> {
    let text = std::fs::read_to_string(swc_path).map_err(|source| BionetError::Io {
        path: swc_path.to_path_buf(),
        source,
    })?;
    let mut m = rall_cable::read_swc(&swc_path.display().to_string(), &text)
        .map_err(|e| bad(swc_path, e.to_string()))?;
    let mut ops = Vec::new();
    for p in processing {
        let Some((fpath, fit)) = fit else {
            // BMTK applies aibs_* only when dynamics_params is given
            continue;
        };
        match p.as_str() {
            "aibs_perisomatic" => perisomatic(&mut m, fpath, fit, &mut ops)?,
            "aibs_allactive" => allactive(&mut m, fpath, fit, &mut ops)?,
            other => {
                return Err(BionetError::Unsupported(format!(
                    "model_processing '{other}' is not supported (aibs_perisomatic, aibs_allactive)"
                )))
            }
        }
    }
    m.set_nseg_by_dl(dl)
        .map_err(|e| bad(swc_path, e.to_string()))?;
    Ok(BioCell {
        morph: m,
        ops,
        swc: SwcMap::from_swc(&text),
    })
}

fn passive0(fit: &Value) -> Option<&Value> {
    fit.get("passive").and_then(|p| p.get(0))
}

fn genome_ops(m: &mut Morphology, fpath: &Path, fit: &Value, ops: &mut Vec<MechOp>) -> Result<()> {
    let genome = fit
        .get("genome")
        .and_then(Value::as_array)
        .ok_or_else(|| bad(fpath, "no 'genome' list"))?;
    for (i, e) in genome.iter().enumerate() {
        let sec = e.get("section").and_then(Value::as_str).unwrap_or("");
        if sec == "glob" {
            continue;
        }
        let name = e
            .get("name")
            .and_then(Value::as_str)
            .ok_or_else(|| bad(fpath, format!("genome[{i}] has no 'name'")))?;
        let value = e.get("value").and_then(num).ok_or_else(|| {
            bad(
                fpath,
                format!("genome[{i}] ({name}) has no numeric 'value'"),
            )
        })?;
        let mech = e.get("mechanism").and_then(Value::as_str).unwrap_or("");
        let secs: Vec<SecId> = m
            .all
            .iter()
            .copied()
            .filter(|&s| prefix(m, s) == sec)
            .collect();
        match genome_mechanism(name, mech) {
            None => {
                for s in secs {
                    match name {
                        "cm" => m.sections[s].cm = value,
                        _ => m.sections[s].ra = value,
                    }
                }
            }
            Some(mk) => {
                for s in secs {
                    ops.push(MechOp::Insert {
                        sec: s,
                        mech: mk.clone(),
                        values: vec![(name.to_string(), value)],
                    });
                }
            }
        }
    }
    Ok(())
}

fn erev_ops(m: &Morphology, fit: &Value, ops: &mut Vec<MechOp>) {
    let Some(erev) = fit
        .get("conditions")
        .and_then(|c| c.get(0))
        .and_then(|c| c.get("erev"))
        .and_then(Value::as_array)
    else {
        return;
    };
    for e in erev {
        let sec = e.get("section").and_then(Value::as_str).unwrap_or("");
        for &s in &m.all {
            if prefix(m, s) != sec {
                continue;
            }
            for ion in ["na", "k"] {
                if let Some(v) = e.get(format!("e{ion}")).and_then(num) {
                    ops.push(MechOp::Erev {
                        sec: s,
                        ion: ion.into(),
                        value: v,
                    });
                }
            }
        }
    }
}

fn perisomatic(m: &mut Morphology, fpath: &Path, fit: &Value, ops: &mut Vec<MechOp>) -> Result<()> {
    m.fix_axon_perisomatic()
        .map_err(|e| bad(fpath, e.to_string()))?;
    let pas = passive0(fit).ok_or_else(|| bad(fpath, "no 'passive' entry"))?;
    let ra = pas
        .get("ra")
        .and_then(num)
        .ok_or_else(|| bad(fpath, "passive[0].ra missing"))?;
    let cm: Vec<(String, f64)> = pas
        .get("cm")
        .and_then(Value::as_array)
        .ok_or_else(|| bad(fpath, "passive[0].cm missing"))?
        .iter()
        .filter_map(|c| {
            Some((
                c.get("section")?.as_str()?.to_string(),
                c.get("cm").and_then(num)?,
            ))
        })
        .collect();
    let cmr: Vec<(&str, f64)> = cm.iter().map(|(s, c)| (s.as_str(), *c)).collect();
    m.set_passive_by_prefix(ra, &cmr)
        .map_err(|e| bad(fpath, e.to_string()))?;
    let e_pas = pas
        .get("e_pas")
        .and_then(num)
        .ok_or_else(|| bad(fpath, "passive[0].e_pas missing"))?;
    for &s in &m.all {
        ops.push(MechOp::Insert {
            sec: s,
            mech: "pas".into(),
            values: vec![("e_pas".into(), e_pas)],
        });
    }
    genome_ops(m, fpath, fit, ops)?;
    erev_ops(m, fit, ops);
    Ok(())
}

fn allactive(m: &mut Morphology, fpath: &Path, fit: &Value, ops: &mut Vec<MechOp>) -> Result<()> {
    m.fix_axon_allactive()
        .map_err(|e| bad(fpath, e.to_string()))?;
    for &s in &m.all {
        ops.push(MechOp::Insert {
            sec: s,
            mech: "pas".into(),
            values: vec![],
        });
    }
    if let Some(pas) = passive0(fit) {
        let all = m.all.clone();
        for s in all {
            if let Some(ra) = pas.get("ra").and_then(num) {
                m.sections[s].ra = ra;
            }
            if let Some(cm) = pas.get("cm").and_then(num) {
                m.sections[s].cm = cm;
            }
            if let Some(e) = pas.get("e_pas").and_then(num) {
                ops.push(MechOp::Insert {
                    sec: s,
                    mech: "pas".into(),
                    values: vec![("e_pas".into(), e)],
                });
            }
        }
    }
    genome_ops(m, fpath, fit, ops)?;
    erev_ops(m, fit, ops);
    Ok(())
}

/// Adds the processed cell to `b` and applies its mechanism plan; `what` names the cell in
/// errors. Reversal potentials are set only where a mechanism uses the ion.
pub fn add_to_builder(
    b: &mut GroupBuilder,
    cell: &BioCell,
    mechs: &Mechanisms,
    fit_name: &str,
) -> std::result::Result<CellId, BionetError> {
    let id = b.add_cell(&cell.morph).map_err(BionetError::Build)?;
    let mut ions_at: HashMap<SecId, Vec<String>> = HashMap::new();
    for op in &cell.ops {
        if let MechOp::Insert { sec, mech, values } = op {
            let ty = mechs.get(mech, fit_name)?;
            for u in ty.ions() {
                ions_at.entry(*sec).or_default().push(u.ion.clone());
            }
            let vals: Vec<(&str, f64)> = values.iter().map(|(n, v)| (n.as_str(), *v)).collect();
            b.insert(id, *sec, &ty, &vals).map_err(BionetError::Build)?;
        }
    }
    for op in &cell.ops {
        if let MechOp::Erev { sec, ion, value } = op {
            if ions_at.get(sec).is_some_and(|v| v.contains(ion)) {
                b.set_ion(id, *sec, ion, IonVar::E, *value)
                    .map_err(BionetError::Build)?;
            }
        }
    }
    Ok(id)
}

/// One row of BMTK's segment table (`Morphology.seg_props`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SegRow {
    /// Section index in `all`.
    pub sec_index: usize,
    pub sec: SecId,
    pub x: f64,
    /// 1 soma, 2 axon, 3 dend, 4 apic (by name), 0 other.
    pub ty: u8,
    pub length: f64,
    /// Path distance from soma[0](0) to the segment centre.
    pub dist: f64,
}

/// BMTK's segment table of a processed cell.
pub fn seg_table(m: &Morphology) -> Vec<SegRow> {
    let origin = m.find("soma[0]").unwrap_or(0);
    let mut out = Vec::new();
    for (k, &s) in m.all.iter().enumerate() {
        let sec = &m.sections[s];
        let ty = match prefix(m, s).as_str() {
            "soma" => 1,
            "axon" => 2,
            "dend" => 3,
            "apic" => 4,
            _ => 0,
        };
        let n = sec.nseg;
        let l = sec.length();
        for i in 0..n {
            let x = rall_cable::geom::seg_x(n, i);
            out.push(SegRow {
                sec_index: k,
                sec: s,
                x,
                ty,
                length: l / n as f64,
                dist: rall_cable::geom::path_distance(m, origin, s, x),
            });
        }
    }
    out
}

/// SWC rows of each Import3d section, keyed by (SWC type, name index): what BioNet's
/// `Morphology.swc_map` gives for the `swc_ids_beg`/`swc_ids_end` report mapping datasets.
/// Sections follow Import3d's rule (a point whose child count is not exactly one — children not
/// listed right after it and type changes count extra — ends a section; consecutive soma points
/// stay together); name indices count sections per type in section order.
#[derive(Debug, Clone, Default)]
pub struct SwcMap {
    rows: HashMap<(i32, usize), Vec<i64>>,
}

impl SwcMap {
    /// From SWC text (rows that do not parse are skipped; the cell itself was read by
    /// rall-cable, which reports malformed files).
    pub fn from_swc(text: &str) -> SwcMap {
        let mut p: Vec<(i64, i32, i64)> = Vec::new();
        for l in text.lines() {
            let l = l.trim();
            if l.is_empty() || l.starts_with('#') {
                continue;
            }
            let f: Vec<&str> = l.split_whitespace().collect();
            if f.len() < 7 {
                continue;
            }
            let (Ok(id), Ok(ty), Ok(pid)) = (
                f[0].parse::<f64>(),
                f[1].parse::<f64>(),
                f[6].parse::<f64>(),
            ) else {
                continue;
            };
            p.push((id as i64, ty as i32, pid as i64));
        }
        p.sort_by_key(|q| q.0);
        let n = p.len();
        if n == 0 {
            return SwcMap::default();
        }
        let par: Vec<isize> = p
            .iter()
            .map(|q| {
                if q.2 < 0 {
                    -1
                } else {
                    p.binary_search_by_key(&q.2, |r| r.0)
                        .map_or(-1, |k| k as isize)
                }
            })
            .collect();
        let ty: Vec<i32> = p.iter().map(|q| q.1).collect();
        let mut nchild = vec![0f64; n];
        for i in 0..n {
            let pp = par[i];
            if pp < 0 {
                continue;
            }
            let pu = pp as usize;
            nchild[pu] += 1.0;
            if pu as isize != i as isize - 1 {
                nchild[pu] += 0.01;
                if pu > 1 {
                    let gp = par[pu];
                    if ty[pu] != 1 && gp >= 0 && ty[gp as usize] == 1 {
                        nchild[pu] = 1.0;
                    }
                } else if pu == 0 && ty[pu] != 1 {
                    nchild[pu] = 1.0;
                }
            }
            if ty[pu] != ty[i] {
                nchild[pu] += 0.01;
            }
        }
        let mut nchild_soma = vec![0f64; n];
        for i in 1..n {
            if ty[i] == 1 && par[i] >= 0 && ty[par[i] as usize] == 1 {
                nchild_soma[par[i] as usize] += 1.0;
            }
        }
        for i in 0..n - 1 {
            if ty[i] == 1
                && ty[i + 1] == 1
                && par[i + 1] == i as isize
                && !(i != 0 && nchild_soma[i] > 1.0)
            {
                nchild[i] = 1.0;
            }
        }
        let sec2point: Vec<usize> = (0..n).filter(|&i| nchild[i] != 1.0).collect();
        let mut point2sec = vec![0usize; n];
        let mut si = 0usize;
        for i in 1..n {
            if si < sec2point.len() && i > sec2point[si] {
                si += 1;
            }
            point2sec[i] = si;
        }
        // name index of each section: per type, in section order (type of its first point)
        let nsec = point2sec.last().map_or(0, |s| s + 1);
        let mut first = vec![usize::MAX; nsec];
        for i in (0..n).rev() {
            first[point2sec[i]] = i;
        }
        let mut count: HashMap<i32, usize> = HashMap::new();
        let mut nameindex = vec![0usize; nsec];
        for s in 0..nsec {
            if first[s] == usize::MAX {
                continue;
            }
            let c = count.entry(ty[first[s]]).or_insert(0);
            nameindex[s] = *c;
            *c += 1;
        }
        let mut rows: HashMap<(i32, usize), Vec<i64>> = HashMap::new();
        for i in 0..n {
            rows.entry((ty[i], nameindex[point2sec[i]]))
                .or_default()
                .push(p[i].0);
        }
        SwcMap { rows }
    }

    /// BioNet's `get_swc_id(sec, x)`: the SWC id nearest position `x` of the section named
    /// `name` (`dend[3]`), -1 when no row belongs to it.
    pub fn swc_id(&self, name: &str, x: f64) -> i64 {
        let ty = match name.get(..4) {
            Some("soma") => 1,
            Some("axon") => 2,
            Some("dend") => 3,
            Some("apic") => 4,
            _ => return -1,
        };
        let idx = name
            .split_once('[')
            .and_then(|(_, r)| r.trim_end_matches(']').parse::<usize>().ok())
            .unwrap_or(0);
        match self.rows.get(&(ty, idx)) {
            None => -1,
            Some(ids) if ids.is_empty() => -1,
            Some(ids) if ids.len() == 1 => ids[0],
            Some(ids) => {
                let place = (x * ids.len() as f64 - 1.0).max(0.0);
                ids[(place.ceil() as usize).min(ids.len() - 1)]
            }
        }
    }
}
