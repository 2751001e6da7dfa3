//! SWC reading with NEURON Import3d's rules (`Import3d_SWC_read` + `Import3d_GUI.instantiate`,
//! as BMTK's Biophys1 template uses them). The caller supplies the text; no file I/O here.

use crate::error::SwcError;
use crate::morph::{type_name, Morphology, SecId};

/// One SWC row (diameter = 2 × radius).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SwcPoint {
    pub id: i64,
    pub ty: i32,
    pub x: f64,
    pub y: f64,
    pub z: f64,
    pub d: f64,
    pub pid: i64,
    /// 1-based line number in the file.
    pub line: usize,
}

fn is_blank(s: &str) -> bool {
    s.chars().all(|c| c == ' ' || c == '\t' || c == '\r')
}

/// Parse SWC rows. Comment lines (`#` after optional blanks) and blank lines are skipped;
/// a row needs 7 numbers (extra trailing fields are ignored, as `sscanf` does). Numbers are
/// read in single precision, as hoc's `sscanf("%f")` reads them.
pub fn parse_swc(file: &str, text: &str) -> Result<Vec<SwcPoint>, SwcError> {
    let mut pts = Vec::new();
    for (k, raw) in text.lines().enumerate() {
        let line = k + 1;
        let trimmed = raw.trim_start_matches([' ', '\t']);
        if trimmed.starts_with('#') || is_blank(raw) {
            continue;
        }
        let mut vals = [0f64; 7];
        let mut n = 0;
        for tok in raw.split_whitespace() {
            if n == 7 {
                break;
            }
            // hoc's sscanf reads %f into single precision
            match tok.parse::<f32>() {
                Ok(v) => {
                    vals[n] = v as f64;
                    n += 1;
                }
                Err(_) => break,
            }
        }
        if n != 7 {
            return Err(SwcError::BadColumns {
                file: file.into(),
                line,
                text: raw.to_string(),
            });
        }
        let int = |v: f64, what: &'static str| -> Result<i64, SwcError> {
            if v.fract() == 0.0 && v.abs() < 1e15 {
                Ok(v as i64)
            } else {
                Err(SwcError::NotInteger {
                    file: file.into(),
                    line,
                    what,
                    value: v,
                })
            }
        };
        let id = int(vals[0], "id")?;
        let ty = int(vals[1], "type")?;
        if ty.abs() > 10_000 {
            return Err(SwcError::BadColumns {
                file: file.into(),
                line,
                text: raw.to_string(),
            });
        }
        let pid = int(vals[6], "parent id")?;
        for &v in &vals[2..6] {
            if !v.is_finite() || vals[5] < 0.0 {
                return Err(SwcError::BadColumns {
                    file: file.into(),
                    line,
                    text: raw.to_string(),
                });
            }
        }
        pts.push(SwcPoint {
            id,
            ty: ty as i32,
            x: vals[2],
            y: vals[3],
            z: vals[4],
            d: vals[5] * 2.0,
            pid,
            line,
        });
    }
    Ok(pts)
}

/// Import3d's intermediate section: `pts` are point indices (the first may be the parent point).
#[derive(Debug, Clone)]
struct ISec {
    /// index of the first own point (Import3d `id`)
    id: usize,
    pts: Vec<usize>,
    /// diameters (may differ from the point's for the first point)
    d: Vec<f64>,
    ty: i32,
    parent: Option<usize>,
    parentx: f64,
    first: usize,
    nameindex: usize,
}

/// Round to 8 significant digits like `%.8g` (Import3d writes hoc commands with it).
fn g8(x: f64) -> f64 {
    if !x.is_finite() || x == 0.0 {
        return x;
    }
    format!("{x:.7e}").parse().unwrap_or(x)
}

/// Read an SWC text into a cell as NEURON's Import3d + BMTK's Biophys1 build it.
/// `file` is used in error messages only.
pub fn read_swc(file: &str, text: &str) -> Result<Morphology, SwcError> {
    let mut p = parse_swc(file, text)?;
    build(file, &mut p)
}

fn build(file: &str, p: &mut [SwcPoint]) -> Result<Morphology, SwcError> {
    if p.is_empty() {
        return Err(SwcError::Empty { file: file.into() });
    }
    // pid < id check on the raw rows (check_pid)
    for q in p.iter() {
        if q.pid >= q.id {
            return Err(SwcError::ParentNotLess {
                file: file.into(),
                line: q.line,
                id: q.id,
                pid: q.pid,
            });
        }
    }
    // sort by id if needed (stable)
    if p.windows(2).any(|w| w[1].id <= w[0].id) {
        p.sort_by_key(|q| q.id);
    }
    for w in p.windows(2) {
        if w[1].id == w[0].id {
            return Err(SwcError::DuplicateId {
                file: file.into(),
                line: w[1].line,
                first_line: w[0].line,
                id: w[1].id,
            });
        }
    }
    let mut first_root: Option<usize> = None;
    for q in p.iter() {
        if q.pid < 0 {
            if let Some(l) = first_root {
                return Err(SwcError::MultipleRoots {
                    file: file.into(),
                    line: q.line,
                    first_line: l,
                });
            }
            first_root = Some(q.line);
        }
    }
    if !p.iter().any(|q| q.ty == 1) {
        return Err(SwcError::NoSoma { file: file.into() });
    }
    // id -> index
    let mut par: Vec<isize> = Vec::with_capacity(p.len());
    for q in p.iter() {
        if q.pid < 0 {
            par.push(-1);
        } else {
            match p.binary_search_by_key(&q.pid, |r| r.id) {
                Ok(k) => par.push(k as isize),
                Err(_) => {
                    return Err(SwcError::MissingParent {
                        file: file.into(),
                        line: q.line,
                        id: q.id,
                        pid: q.pid,
                    })
                }
            }
        }
    }
    let n = p.len();
    let ty: Vec<i32> = p.iter().map(|q| q.ty).collect();
    let pix = |i: usize| -> isize { par[i] };

    // mark_branch
    let mut nchild = vec![0f64; n];
    let mut connect2prox = vec![false; n];
    for i in 0..n {
        let pp = pix(i);
        if pp >= 0 {
            let pu = pp as usize;
            nchild[pu] += 1.0;
            if pu as isize != i as isize - 1 {
                nchild[pu] += 0.01;
                if pu > 1 {
                    let gp = pix(pu);
                    if ty[pu] != 1 && gp >= 0 && ty[gp as usize] == 1 {
                        connect2prox[i] = true;
                        nchild[pu] = 1.0;
                    }
                } else if pu == 0 && ty[pu] != 1 {
                    connect2prox[i] = true;
                    nchild[pu] = 1.0;
                }
            }
            if ty[pu] != ty[i] {
                nchild[pu] += 0.01;
            }
        }
    }
    // sectionify
    let mut nchild_soma = vec![0f64; n];
    let mut nsoma_pts = usize::from(ty[0] == 1);
    for i in 1..n {
        if ty[i] == 1 {
            nsoma_pts += 1;
            let pp = pix(i);
            if pp >= 0 && ty[pp as usize] == 1 {
                nchild_soma[pp as usize] += 1.0;
            }
        }
    }
    let mut soma3geom = false;
    if nsoma_pts == 3
        && n >= 3
        && pix(1) == 0
        && pix(2) == 0
        && nchild[1] == 0.0
        && nchild[2] == 0.0
    {
        let q = &p[..];
        if q[1].d == q[0].d && q[2].d == q[0].d {
            let mut len = 0.0;
            for k in 1..=2 {
                len += ((q[k].x - q[0].x).powi(2)
                    + (q[k].y - q[0].y).powi(2)
                    + (q[k].z - q[0].z).powi(2))
                .sqrt();
            }
            if (len / q[0].d - 1.0).abs() < 0.01 {
                soma3geom = true;
                par[2] = 1; // prevent treating as two soma sections
            }
        }
    }
    let pix = |i: usize| -> isize { par[i] };
    for i in 0..n.saturating_sub(1) {
        if ty[i] == 1 && ty[i + 1] == 1 && pix(i + 1) == i as isize {
            if i != 0 && nchild_soma[i] > 1.0 {
            } else {
                nchild[i] = 1.0;
            }
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

    // mksections
    let mut secs: Vec<ISec> = Vec::new();
    let mk = |isec: usize, first: usize, i_end: usize, secs: &mut Vec<ISec>| {
        if isec == 0 {
            let i_end = if soma3geom { 1 } else { i_end };
            let pts: Vec<usize> = (first..i_end).collect();
            let d = pts.iter().map(|&k| p[k].d).collect();
            secs.push(ISec {
                id: first,
                pts,
                d,
                ty: ty[first],
                parent: None,
                parentx: 1.0,
                first: 0,
                nameindex: 0,
            });
            return;
        }
        let pfirst = pix(first) as usize;
        let psec = point2sec[pfirst];
        let (ps_ty, ps_id, ps_size) = (secs[psec].ty, secs[psec].id, secs[psec].pts.len());
        let mut s = ISec {
            id: first,
            pts: Vec::new(),
            d: Vec::new(),
            ty: ty[first],
            parent: Some(psec),
            parentx: 1.0,
            first: 0,
            nameindex: 0,
        };
        let den_con_soma = ps_ty == 1 && ty[first] != 1;
        let con_soma = ps_ty == 1;
        let mut handled = false;
        let own = i_end - first;
        if psec == 0 {
            handled = true;
            if den_con_soma && ps_size == 1 {
                s.parentx = 0.5;
                if own > 1 {
                    s.first = 1;
                }
            } else if pfirst == ps_id {
                s.parentx = 0.0;
                if ty[first] != 1 && nchild_soma[pfirst] > 1.0 {
                    s.first = 1;
                }
            } else {
                handled = false;
            }
        }
        if !handled && con_soma {
            let offset: isize = if ps_id == 0 { -1 } else { -2 };
            if (pfirst as isize) < ps_id as isize + ps_size as isize + offset {
                s.parentx = 0.5;
                if den_con_soma && own > 1 {
                    s.first = 1;
                }
            } else if own > 1 && nchild_soma[pfirst] > 1.0 && ty[first] != 1 {
                s.first = 1;
            }
        }
        s.pts.push(pfirst);
        s.pts.extend(first..i_end);
        s.d = s.pts.iter().map(|&k| p[k].d).collect();
        if ps_ty == 1 && s.ty != 1 && s.d.len() > 1 {
            s.d[0] = s.d[1];
        }
        if connect2prox[first] {
            s.parentx = 0.0;
        }
        secs.push(s);
    };
    let mut isec = 0;
    let mut first = 0;
    for i in 0..n {
        if point2sec[i] > isec {
            mk(isec, first, i, &mut secs);
            isec += 1;
            first = i;
        }
    }
    mk(isec, first, n, &mut secs);

    // chk_valid: remove one-point and zero-length two-point non-root sections
    let mut alive = vec![true; secs.len()];
    for i in (0..secs.len()).rev() {
        let s = &secs[i];
        if s.parent.is_none() {
            continue;
        }
        let npt = s.pts.len() - s.first;
        let remove = if npt <= 1 {
            true
        } else if npt <= 2 {
            let a = &p[s.pts[s.first]];
            let b = &p[s.pts[s.first + 1]];
            a.x == b.x && a.y == b.y && a.z == b.z
        } else {
            false
        };
        if remove {
            alive[i] = false;
            let (pp, px) = (secs[i].parent, secs[i].parentx);
            for j in i + 1..secs.len() {
                if alive[j] && secs[j].parent == Some(i) {
                    secs[j].parent = pp;
                    secs[j].parentx = px;
                }
            }
        }
    }
    let live: Vec<usize> = (0..secs.len()).filter(|&i| alive[i]).collect();

    // set_nameindex: per type, in section order
    let tmin = *ty.iter().min().unwrap_or(&0);
    let tmax = *ty.iter().max().unwrap_or(&0);
    let mut counts = vec![0usize; (tmax - tmin + 1) as usize];
    for &i in &live {
        let k = (secs[i].ty - tmin) as usize;
        secs[i].nameindex = counts[k];
        counts[k] += 1;
    }

    // instantiate: create arrays by type, `all` in creation order
    let mut m = Morphology::new();
    let mut sec_of: Vec<Option<SecId>> = vec![None; secs.len()];
    let mut by_type: Vec<Vec<usize>> = vec![Vec::new(); counts.len()];
    for &i in &live {
        by_type[(secs[i].ty - tmin) as usize].push(i);
    }
    for (k, list) in by_type.iter().enumerate() {
        let t = tmin + k as i32;
        let base = type_name(t);
        for &i in list {
            let id = m.create(&base, secs[i].nameindex, t);
            sec_of[i] = Some(id);
        }
    }
    for (k, list) in by_type.iter().enumerate() {
        let t = tmin + k as i32;
        for &i in list {
            let id = sec_of[i].unwrap_or_default();
            m.all.push(id);
            match t {
                1 => m.somatic.push(id),
                2 => m.axonal.push(id),
                3 => m.basal.push(id),
                4 => m.apical.push(id),
                _ => {}
            }
        }
    }
    // connect and add 3-D points, in Import3d section order
    for &i in &live {
        let s = &secs[i];
        let id = sec_of[i].unwrap_or_default();
        if let Some(pp) = s.parent {
            let pid = sec_of[pp].unwrap_or_default();
            // cannot fail: parent exists, x in [0,1], tree order
            let _ = m.connect(id, pid, s.parentx);
        }
        if s.first == 1 {
            let q = &p[s.pts[0]];
            m.sections[id].logical_connection =
                Some([g8(q.x) as f32, g8(q.y) as f32, g8(q.z) as f32]);
        }
        let mut xs: Vec<[f64; 4]> = s.pts[s.first..]
            .iter()
            .zip(&s.d[s.first..])
            .map(|(&k, &d)| [p[k].x, p[k].y, p[k].z, d])
            .collect();
        if xs.len() == 1 {
            let [x, y, z, d] = xs[0];
            xs = vec![[x - d / 2.0, y, z, d], [x, y, z, d], [x + d / 2.0, y, z, d]];
        }
        let sec = &mut m.sections[id];
        for [x, y, z, d] in xs {
            sec.pt3dadd(g8(x), g8(y), g8(z), g8(d));
        }
    }
    Ok(m)
}
