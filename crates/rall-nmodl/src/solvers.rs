//! Small dense solvers used by KINETIC (`sparse`), LINEAR (`simeq`) and derivimplicit.
//!
//! NEURON's `sparse` eliminates in a minimum-degree order without pivoting; this module uses
//! Gaussian elimination with partial pivoting on the same assembled system, which agrees with
//! NEURON to roundoff (numerics doc §2.8: about 1e-10 mV on NaV).

use crate::vm::{KineticSys, LinearSys, LANES};

/// Gaussian elimination with partial pivoting, `a` row-major n×n, solution left in `b`.
/// Err(()) if a pivot is (numerically) zero.
#[allow(clippy::result_unit_err)]
pub fn gauss(a: &mut [f64], b: &mut [f64], n: usize) -> Result<(), ()> {
    // small systems use stack buffers: no allocation per step
    let mut pbuf = [0usize; 32];
    let mut xbuf = [0.0f64; 32];
    let mut pvec;
    let mut xvec;
    let (perm, x): (&mut [usize], &mut [f64]) = if n <= 32 {
        (&mut pbuf[..n], &mut xbuf[..n])
    } else {
        pvec = vec![0usize; n];
        xvec = vec![0.0; n];
        (&mut pvec[..], &mut xvec[..])
    };
    for (i, p) in perm.iter_mut().enumerate() {
        *p = i;
    }
    for j in 0..n {
        let mut ip = j;
        let mut max = a[perm[j] * n + j].abs();
        for i in j + 1..n {
            let v = a[perm[i] * n + j].abs();
            if v > max {
                max = v;
                ip = i;
            }
        }
        if max < 1e-20 {
            return Err(());
        }
        perm.swap(j, ip);
        let pr = perm[j];
        let piv = a[pr * n + j];
        for i in j + 1..n {
            let r = perm[i];
            let f = a[r * n + j];
            if f != 0.0 {
                let ratio = f / piv;
                for k in j + 1..n {
                    a[r * n + k] -= ratio * a[pr * n + k];
                }
                b[r] -= ratio * b[pr];
            }
        }
    }
    for j in (0..n).rev() {
        let r = perm[j];
        let mut s = b[r];
        for k in j + 1..n {
            s -= a[r * n + k] * x[k];
        }
        x[j] = s / a[r * n + j];
    }
    b[..n].copy_from_slice(x);
    Ok(())
}

fn assemble(
    sys: &KineticSys,
    regs: &[f64],
    lane: usize,
    dt1: f64,
    s_old: &[f64],
    s: &[f64],
    mat: &mut [f64],
    rhs: &mut [f64],
) {
    let n = sys.states.len();
    mat[..n * n].fill(0.0);
    for i in 0..n {
        rhs[i] = -dt1 * (s[i] - s_old[i]);
        mat[i * n + i] = dt1;
    }
    let g = |r: u32| regs[r as usize * LANES + lane];
    for rx in &sys.reactions {
        let kf = g(rx.kf);
        let mut f_flux = kf;
        for (row, c) in &rx.lhs {
            for _ in 0..*c {
                f_flux *= s[*row];
            }
        }
        let (b_flux, kb) = match rx.kb {
            Some(kb) => {
                let kb = g(kb);
                let mut b = kb;
                for (row, c) in &rx.rhs {
                    for _ in 0..*c {
                        b *= s[*row];
                    }
                }
                (b, kb)
            }
            None => (0.0, 0.0),
        };
        let net = f_flux - b_flux;
        for (row, c) in &rx.lhs {
            for _ in 0..*c {
                rhs[*row] -= net;
            }
        }
        for (row, c) in &rx.rhs {
            for _ in 0..*c {
                rhs[*row] += net;
            }
        }
        // d(f_flux)/d(lhs species)
        for (col, cc) in &rx.lhs {
            let mut term = kf * *cc as f64;
            for (row, c) in &rx.lhs {
                let p = if row == col { c - 1 } else { *c };
                for _ in 0..p {
                    term *= s[*row];
                }
            }
            for (row, c) in &rx.lhs {
                mat[*row * n + *col] += term * *c as f64;
            }
            for (row, c) in &rx.rhs {
                mat[*row * n + *col] -= term * *c as f64;
            }
        }
        if rx.kb.is_some() {
            for (col, cc) in &rx.rhs {
                let mut term = kb * *cc as f64;
                for (row, c) in &rx.rhs {
                    let p = if row == col { c - 1 } else { *c };
                    for _ in 0..p {
                        term *= s[*row];
                    }
                }
                for (row, c) in &rx.lhs {
                    mat[*row * n + *col] -= term * *c as f64;
                }
                for (row, c) in &rx.rhs {
                    mat[*row * n + *col] += term * *c as f64;
                }
            }
        }
    }
    for (row, terms, total) in &sys.conserve {
        rhs[*row] = g(*total);
        for t in terms {
            mat[*row * n + *t] = 1.0;
            rhs[*row] -= s[*t];
        }
    }
}

/// One `sparse` step (or a steady state) of a KINETIC scheme for lanes `0..nl`.
/// Err(lane) on a singular matrix.
pub fn kinetic(
    sys: &KineticSys,
    regs: &mut [f64],
    nl: usize,
    dt: f64,
    mat: &mut Vec<f64>,
    v1: &mut Vec<f64>,
    v2: &mut Vec<f64>,
) -> Result<(), usize> {
    let n = sys.states.len();
    mat.resize(n * n, 0.0);
    v1.resize(2 * n, 0.0);
    v2.resize(n, 0.0);
    let linear = sys.reactions.iter().all(|r| {
        r.lhs.iter().map(|x| x.1).sum::<u32>() <= 1 && r.rhs.iter().map(|x| x.1).sum::<u32>() <= 1
    });
    // STEADYSTATE (scopmath `_ss_sparse`): dt = 1e9; a linear scheme is iterated as a
    // non-linear one (clipping, until converged); a non-linear one must converge 7 times.
    let (dt, outer, iterate) = if sys.steady {
        (1e9, if linear { 1 } else { 7 }, true)
    } else {
        (dt, 1, !linear)
    };
    let dt1 = 1.0 / dt;
    for lane in 0..nl {
        for _ in 0..outer {
            let (s_old, s) = v1.split_at_mut(n);
            for i in 0..n {
                s_old[i] = regs[sys.states[i] as usize * LANES + lane];
                s[i] = s_old[i];
            }
            for _iter in 0..21 {
                assemble(sys, regs, lane, dt1, s_old, s, mat, v2);
                gauss(mat, v2, n).map_err(|_| lane)?;
                let mut err = 0.0;
                for i in 0..n {
                    s[i] += v2[i];
                    if iterate && s[i] < 0.0 {
                        s[i] = 0.0;
                    }
                    err += v2[i].abs();
                }
                if !iterate || err <= 1e-6 {
                    break;
                }
            }
            for i in 0..n {
                regs[sys.states[i] as usize * LANES + lane] = s[i];
            }
        }
    }
    Ok(())
}

/// LINEAR block solve (`simeq`) for lanes `0..nl`. Err(lane) on a singular matrix.
pub fn linear(
    sys: &LinearSys,
    regs: &mut [f64],
    nl: usize,
    mat: &mut Vec<f64>,
    v: &mut Vec<f64>,
) -> Result<(), usize> {
    let n = sys.unknowns.len();
    mat.resize(n * n, 0.0);
    v.resize(n, 0.0);
    for lane in 0..nl {
        for i in 0..n {
            for j in 0..n {
                mat[i * n + j] = match sys.coef[i][j] {
                    Some(r) => regs[r as usize * LANES + lane],
                    None => 0.0,
                };
            }
            v[i] = regs[sys.rhs[i] as usize * LANES + lane];
        }
        gauss(mat, v, n).map_err(|_| lane)?;
        for i in 0..n {
            regs[sys.unknowns[i] as usize * LANES + lane] = v[i];
        }
    }
    Ok(())
}
