//! Minimum-norm least squares as numpy's `lstsq` computes it: LAPACK `dgelsd` (reference LAPACK
//! 3.12.0, as bundled in numpy 2.4.6's OpenBLAS 0.3.31), with the floating-point
//! behaviour of the BLAS kernels of one OpenBLAS kernel set ([`Kernels`]: `SkylakeX`, which
//! AVX-512 CPUs get, or `Haswell`, which AVX2 CPUs incl. AMD Zen get).
//!
//! Everything here is written from the algorithms' descriptions and from black-box measurements
//! of the library (`validation/psg/openblas_kernels.py` re-checks them); no LAPACK or OpenBLAS
//! code is reproduced. The result equals numpy's bit for bit where numpy runs that kernel set (see
//! `ratefit.rs`); elsewhere it differs in the last bits, as numpy itself does between CPUs.
//!
//! Path (`m ≥ n`): `m ≥ ⌊1.6·n⌋` → Householder QR (`dgeqr2`), `Qᵀb` (`dorm2r`), bidiagonalise the
//! `n×n` R (`dgebd2`); otherwise bidiagonalise A directly. Then `Q_Bᵀ` on b, the bidiagonal solve
//! (`dlalsd` for `n ≤ 25`: implicit-shift QR `dbdsqr` with rotations applied to `Vᵀ` and b, then
//! `dlasdq`'s ascending sort, singular values ≤ rcond·σ_max dropped, `Vᵀᵀ` product) and `P` on the
//! result. Paths for `m < n` (SkylakeX only; checked against numpy on 9 fits with 3 … 10 samples):
//! `n ≥ ⌊1.6·m⌋` → LQ (`dgelq2`), the `m×m` L solved as above, `Qᵀ` (`dorml2`) on the
//! zero-padded result; otherwise lower-bidiagonalise A (`dgebd2`), `Q_Bᵀ` on b(2:m), rotate to
//! upper bidiagonal form with b (`dlalsd`'s `dlartg`/`drot` step), solve, and `P` over all n rows.
//!
//! Kernel behaviour reproduced (measured against the library; both sets unless noted):
//! * `dnrm2`: x87 extended precision — squares rounded to 64-bit significands, elements
//!   `i < n − n mod 8` summed into four accumulators by `i mod 4`, the rest into the first,
//!   total `a3 + ((a2 + a0) + a1)`, extended square root, rounded to double.
//! * `dgemv` transposed: columns in groups of four with four fused-multiply-add row lanes
//!   (`i mod 4`), lane sum `(l0 + l2) + (l1 + l3)`; a remaining pair of columns with two unfused
//!   lanes (`l0 + l1`); a last single column with four unfused lanes; the `m mod 4` trailing rows
//!   added after: one row `fma(a, x, s)`, two `s + fma(a0, x0, a1·x1)`, three
//!   `s + fma(a2, x2, fma(a0, x0, a1·x1))`.
//! * `dgemv` not transposed, strided x: rows `i < m − m mod 4` add, per 4-column block,
//!   `fma(a3, x3, fma(a2, x2, fma(a0, x0, a1·x1)))` (SkylakeX) or
//!   `fma(a2, x2, a0·x0) + fma(a3, x3, a1·x1)` (Haswell), then leftover columns unfused; the
//!   trailing rows are one chain over all columns, fused (SkylakeX) or not (Haswell).
//! * `dger`: `a[i,j] = fma(α·y[j], x[i], a[i,j])` — on Haswell only for `i < m − m mod 16`, the
//!   rest unfused; `dscal`: `x·α`; `drot`: `x' = fma(c, x, s·y)`, `y' = fma(c, y, −(s·x))`.
//! * small `dgemm` (`Wᵀc`, n×n by n×1): one fused chain per output (SkylakeX); on Haswell, for
//!   n = 11 (the only size measured, so the only one accepted), outputs 0–7 sum four fused lanes
//!   `fma(w[k+4], c[k+4], w[k]·c[k])`, fuse k = 8…10 into lane 0, add `(l0 + l1) + (l2 + l3)`;
//!   outputs 8–10 are one fused chain.
//! * LAPACK itself is compiled without contraction: every `a*b + c` there rounds twice, and
//!   Fortran's `x**2` is `x*x`.

/// Machine epsilon as LAPACK's `DLAMCH('E')` (relative rounding unit).
const EPS: f64 = f64::EPSILON / 2.0;
/// `DLAMCH('S')`.
const SAFMIN: f64 = f64::MIN_POSITIVE;

/// The OpenBLAS kernel set whose floating-point behaviour is reproduced (numpy's bundled
/// OpenBLAS picks one by CPU; `OPENBLAS_CORETYPE` overrides).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kernels {
    /// AVX-512 CPUs (also chosen for Cooperlake, SapphireRapids).
    SkylakeX,
    /// AVX2 CPUs (also chosen for Zen).
    Haswell,
}

// ---------------------------------------------------------------------------------------------
// x87 extended-precision arithmetic for dnrm2 (non-negative values only).

/// A non-negative number `m·2^e` with a 64-bit significand (bit 63 set), or zero (`m == 0`).
#[derive(Clone, Copy, Debug, PartialEq)]
struct Ext {
    m: u64,
    e: i32,
}

impl Ext {
    const ZERO: Ext = Ext { m: 0, e: 0 };

    /// `v·2^e` rounded to a 64-bit significand, ties to even.
    fn round(v: u128, e: i32) -> Ext {
        if v == 0 {
            return Ext::ZERO;
        }
        let bits = 128 - v.leading_zeros() as i32;
        if bits <= 64 {
            let sh = 64 - bits;
            return Ext {
                m: (v << sh) as u64,
                e: e - sh,
            };
        }
        let sh = (bits - 64) as u32;
        let kept = (v >> sh) as u64;
        let rem = v & ((1u128 << sh) - 1);
        let half = 1u128 << (sh - 1);
        let (mut m, mut ee) = (kept, e + sh as i32);
        if rem > half || (rem == half && m & 1 == 1) {
            m = m.wrapping_add(1);
            if m == 0 {
                m = 1 << 63;
                ee += 1;
            }
        }
        Ext { m, e: ee }
    }

    /// `x²` rounded to extended precision (`fld x; fmul st, st`).
    fn square(x: f64) -> Ext {
        let bits = x.to_bits();
        let exp = ((bits >> 52) & 0x7ff) as i32;
        let frac = bits & ((1u64 << 52) - 1);
        let (mant, e) = if exp == 0 {
            (frac, -1074)
        } else {
            (frac | (1 << 52), exp - 1075)
        };
        let mm = u128::from(mant) * u128::from(mant);
        Ext::round(mm, 2 * e)
    }

    fn add(a: Ext, b: Ext) -> Ext {
        if a.m == 0 {
            return b;
        }
        if b.m == 0 {
            return a;
        }
        let (hi, lo) = if a.e >= b.e { (a, b) } else { (b, a) };
        let diff = (hi.e - lo.e) as u32;
        let lov = u128::from(lo.m) << 63;
        let shifted = if diff >= 127 {
            1
        } else {
            let sticky = u128::from(lov & ((1u128 << diff) - 1) != 0);
            (lov >> diff) | sticky
        };
        let sum = (u128::from(hi.m) << 63) + shifted;
        Ext::round(sum, hi.e - 63)
    }

    /// Correctly rounded square root (`fsqrt` with 64-bit precision control).
    fn sqrt(a: Ext) -> Ext {
        if a.m == 0 {
            return Ext::ZERO;
        }
        let s = if (a.e - 64).rem_euclid(2) == 0 {
            64
        } else {
            63
        };
        let r2 = u128::from(a.m) << s;
        let mut r = isqrt(r2);
        let rem = r2 - r * r;
        let mut e = (a.e - s) / 2;
        if rem > r {
            r += 1;
        }
        if r == 1u128 << 64 {
            r >>= 1;
            e += 1;
        }
        Ext { m: r as u64, e }
    }

    /// Rounded to double, ties to even (the `fstp` to a 64-bit memory operand).
    fn to_f64(a: Ext) -> f64 {
        if a.m == 0 {
            return 0.0;
        }
        let mut kept = a.m >> 11;
        let rem = a.m & 0x7ff;
        let mut e = a.e + 11;
        if rem > 0x400 || (rem == 0x400 && kept & 1 == 1) {
            kept += 1;
            if kept == 1 << 53 {
                kept >>= 1;
                e += 1;
            }
        }
        // kept < 2^53 is exact; scaling by a power of two is exact in the normal range.
        kept as f64 * 2f64.powi(e)
    }
}

/// ⌊√v⌋ for v < 2^128.
fn isqrt(v: u128) -> u128 {
    if v == 0 {
        return 0;
    }
    let mut r = (v as f64).sqrt() as u128;
    for _ in 0..4 {
        if r == 0 {
            r = 1;
        }
        r = (r + v / r) / 2;
    }
    while r.checked_mul(r).is_none_or(|sq| sq > v) {
        r -= 1;
    }
    while (r + 1).checked_mul(r + 1).is_some_and(|sq| sq <= v) {
        r += 1;
    }
    r
}

/// `dnrm2` of `n` elements of `a` from `start` with stride `inc` (x87 kernel, see module docs).
fn dnrm2(a: &[f64], start: usize, n: usize, inc: usize) -> f64 {
    let mut acc = [Ext::ZERO; 4];
    let n8 = n - n % 8;
    for i in 0..n {
        let sq = Ext::square(a[start + i * inc]);
        let k = if i < n8 { i % 4 } else { 0 };
        acc[k] = Ext::add(acc[k], sq);
    }
    let total = Ext::add(acc[3], Ext::add(Ext::add(acc[2], acc[0]), acc[1]));
    Ext::to_f64(Ext::sqrt(total))
}

// ---------------------------------------------------------------------------------------------
// BLAS kernels (SkylakeX behaviour, alpha = 1 and beta = 0 where LAPACK uses them so).

/// A column-major view: element (i, j) at `off + i + j·ld`.
#[derive(Clone, Copy)]
struct View {
    off: usize,
    ld: usize,
}

impl View {
    fn at(self, i: usize, j: usize) -> usize {
        self.off + i + j * self.ld
    }
}

/// The trailing `m mod 4` rows of a transposed-gemv column, added to the lane sum `s`.
fn gemv_t_tail(a: &[f64], x: &[f64], m1: usize, s: f64) -> f64 {
    match a.len() - m1 {
        0 => s,
        1 => a[m1].mul_add(x[m1], s),
        2 => s + a[m1].mul_add(x[m1], a[m1 + 1] * x[m1 + 1]),
        _ => s + a[m1 + 2].mul_add(x[m1 + 2], a[m1].mul_add(x[m1], a[m1 + 1] * x[m1 + 1])),
    }
}

/// One column's dot product in the transposed gemv; `kind` = columns handled together (4, 2, 1).
fn gemv_t_dot(a: &[f64], x: &[f64], kind: usize) -> f64 {
    let m = a.len();
    let m1 = m - m % 4;
    let s = match kind {
        4 => {
            let mut l = [0.0f64; 4];
            for i in 0..m1 {
                l[i % 4] = a[i].mul_add(x[i], l[i % 4]);
            }
            (l[0] + l[2]) + (l[1] + l[3])
        }
        2 => {
            let mut l = [0.0f64; 2];
            for i in 0..m1 {
                l[i % 2] += a[i] * x[i];
            }
            l[0] + l[1]
        }
        _ => {
            let mut l = [0.0f64; 4];
            for i in 0..m1 {
                l[i % 4] += a[i] * x[i];
            }
            (l[0] + l[2]) + (l[1] + l[3])
        }
    };
    gemv_t_tail(a, x, m1, if m1 == 0 { 0.0 } else { s })
}

/// `y = Aᵀx` for an `m×n` block of `a` at `v`, x gathered beforehand.
fn gemv_t(a: &[f64], v: View, m: usize, n: usize, x: &[f64]) -> Vec<f64> {
    let col = |j: usize| &a[v.at(0, j)..v.at(0, j) + m];
    let mut y = vec![0.0; n];
    let n4 = n - n % 4;
    for j in 0..n4 {
        y[j] = gemv_t_dot(col(j), x, 4);
    }
    let mut j = n4;
    if n % 4 >= 2 {
        y[j] = gemv_t_dot(col(j), x, 2);
        y[j + 1] = gemv_t_dot(col(j + 1), x, 2);
        j += 2;
    }
    if n % 2 == 1 {
        y[j] = gemv_t_dot(col(j), x, 1);
    }
    y
}

/// `y = A x` for an `m×n` block at `v` (x gathered from a strided source).
fn gemv_n(k: Kernels, a: &[f64], v: View, m: usize, n: usize, x: &[f64]) -> Vec<f64> {
    let m4 = m - m % 4;
    let n4 = n - n % 4;
    (0..m)
        .map(|i| {
            let e = |j: usize| a[v.at(i, j)];
            if i < m4 {
                let mut y = 0.0;
                for b in (0..n4).step_by(4) {
                    y += match k {
                        Kernels::SkylakeX => {
                            let mut t = e(b).mul_add(x[b], e(b + 1) * x[b + 1]);
                            t = e(b + 2).mul_add(x[b + 2], t);
                            e(b + 3).mul_add(x[b + 3], t)
                        }
                        Kernels::Haswell => {
                            e(b + 2).mul_add(x[b + 2], e(b) * x[b])
                                + e(b + 3).mul_add(x[b + 3], e(b + 1) * x[b + 1])
                        }
                    };
                }
                for j in n4..n {
                    y += e(j) * x[j];
                }
                y
            } else {
                match k {
                    Kernels::SkylakeX => (0..n).fold(0.0, |y, j| e(j).mul_add(x[j], y)),
                    Kernels::Haswell => (0..n).fold(0.0, |y, j| y + e(j) * x[j]),
                }
            }
        })
        .collect()
}

/// `A += α x yᵀ` on an `m×n` block at `v`.
fn ger(k: Kernels, a: &mut [f64], v: View, alpha: f64, x: &[f64], y: &[f64]) {
    // Rows fused: all (SkylakeX), or those below the last multiple of 16 (Haswell).
    let fused = match k {
        Kernels::SkylakeX => x.len(),
        Kernels::Haswell => x.len() - x.len() % 16,
    };
    for (j, &yj) in y.iter().enumerate() {
        let t = alpha * yj;
        for (i, &xi) in x.iter().enumerate() {
            let idx = v.at(i, j);
            a[idx] = if i < fused {
                t.mul_add(xi, a[idx])
            } else {
                a[idx] + t * xi
            };
        }
    }
}

/// `x = Wᵀ c` for the `n×n` W (`w[k][i]` = W(k, i)) as the small `dgemm('T','N', n, 1, n)`.
fn gemm_tn(k: Kernels, w: &[Vec<f64>], c: &[f64]) -> Vec<f64> {
    let n = c.len();
    let chain = |i: usize| (0..n).fold(0.0, |s, kk| w[kk][i].mul_add(c[kk], s));
    match k {
        Kernels::SkylakeX => (0..n).map(chain).collect(),
        Kernels::Haswell => (0..n)
            .map(|i| {
                // Measured for n = 11 only (lstsq refuses other n with this kernel set): the
                // first eight outputs sum four fused lanes over k < 8, the rest of k fused into
                // lane 0, lanes (l0 + l1) + (l2 + l3); the last three are one fused chain.
                if i < 8 {
                    let mut l = [0.0f64; 4];
                    for (j, lj) in l.iter_mut().enumerate() {
                        *lj = w[j + 4][i].mul_add(c[j + 4], w[j][i] * c[j]);
                    }
                    for kk in 8..n {
                        l[0] = w[kk][i].mul_add(c[kk], l[0]);
                    }
                    (l[0] + l[1]) + (l[2] + l[3])
                } else {
                    chain(i)
                }
            })
            .collect(),
    }
}

// ---------------------------------------------------------------------------------------------
// Householder reflectors (dlarfg, dlarf) and the factorizations.

fn dlapy2(x: f64, y: f64) -> f64 {
    let (xa, ya) = (x.abs(), y.abs());
    let w = xa.max(ya);
    let z = xa.min(ya);
    if z == 0.0 || w > f64::MAX {
        w
    } else {
        let q = z / w;
        w * (1.0 + q * q).sqrt()
    }
}

/// Generates a reflector for `alpha = a[ai]` and `x` = `n − 1` elements from `xs` with stride
/// `inc`; overwrites alpha with β and x with v(2:n); returns τ.
fn dlarfg(a: &mut [f64], n: usize, ai: usize, xs: usize, inc: usize) -> f64 {
    if n <= 1 {
        return 0.0;
    }
    let xnorm = dnrm2(a, xs, n - 1, inc);
    if xnorm == 0.0 {
        return 0.0;
    }
    let alpha = a[ai];
    let beta = -dlapy2(alpha, xnorm).copysign(alpha);
    // |β| ≥ SAFMIN/EPS always holds for these problems (entries of order 1e-20 … 1); the
    // rescaling loop LAPACK has for tinier β is not needed.
    let tau = (beta - alpha) / beta;
    let scal = 1.0 / (alpha - beta);
    for k in 0..n - 1 {
        a[xs + k * inc] *= scal;
    }
    a[ai] = beta;
    tau
}

/// Which side a reflector is applied from.
#[derive(Clone, Copy)]
enum Side {
    Left,
    Right,
}

/// Applies `H = I − τ v vᵀ` (`dlarf`) to the `m×n` block of `c` at `cv` from `side`; `v` has `m`
/// (left) or `n` (right) elements, v(1) already set to 1 by the caller. Trailing zeros of v and
/// all-zero trailing columns (left) or rows (right) of the block are skipped, as LAPACK's
/// `iladlr`/`iladlc` scans do, before `dgemv` and `dger`.
#[allow(clippy::too_many_arguments)]
fn dlarf(k: Kernels, side: Side, v: &[f64], tau: f64, c: &mut [f64], cv: View, m: usize, n: usize) {
    if tau == 0.0 {
        return;
    }
    let lastv = v.iter().rposition(|&x| x != 0.0).map_or(0, |i| i + 1);
    let v = &v[..lastv];
    // The other dimension, shortened past zero columns (left) or rows (right) of the block;
    // `at(cv, along_v, other)` indexes the block.
    let (mut lastc, at): (usize, fn(View, usize, usize) -> usize) = match side {
        Side::Left => (n, |cv, along_v, other| cv.at(along_v, other)),
        Side::Right => (m, |cv, along_v, other| cv.at(other, along_v)),
    };
    while lastc > 0 && (0..lastv).all(|i| c[at(cv, i, lastc - 1)] == 0.0) {
        lastc -= 1;
    }
    if lastv == 0 || lastc == 0 {
        return;
    }
    match side {
        Side::Left => {
            let w = gemv_t(c, cv, lastv, lastc, v);
            ger(k, c, cv, -tau, v, &w);
        }
        Side::Right => {
            let w = gemv_n(k, c, cv, lastc, lastv, v);
            ger(k, c, cv, -tau, &w, v);
        }
    }
}

/// Householder QR of the `m×n` matrix `a` (leading dimension `m`); returns τ.
fn dgeqr2(k: Kernels, a: &mut [f64], m: usize, n: usize) -> Vec<f64> {
    let ld = m;
    let mut tau = vec![0.0; n];
    for i in 0..n.min(m) {
        let d = i + i * ld;
        tau[i] = dlarfg(a, m - i, d, (i + 1).min(m - 1) + i * ld, 1);
        if i + 1 < n {
            let aii = a[d];
            a[d] = 1.0;
            let v: Vec<f64> = a[d..d + (m - i)].to_vec();
            dlarf(
                k,
                Side::Left,
                &v,
                tau[i],
                a,
                View { off: d + ld, ld },
                m - i,
                n - i - 1,
            );
            a[d] = aii;
        }
    }
    tau
}

/// `C := Qᵀ C` for `Q = H(1)…H(k)` stored below the diagonal of `a` (`lda` rows), C an `m`-row
/// column (`c`).
fn dorm2r_lt(k: Kernels, a: &mut [f64], lda: usize, tau: &[f64], c: &mut [f64]) {
    let m = c.len();
    for (i, &t) in tau.iter().enumerate() {
        let d = i + i * lda;
        let aii = a[d];
        a[d] = 1.0;
        let v: Vec<f64> = a[d..d + (m - i)].to_vec();
        dlarf(k, Side::Left, &v, t, c, View { off: i, ld: m }, m - i, 1);
        a[d] = aii;
    }
}

/// Bidiagonalisation (`m ≥ n`, upper) of the `m×n` matrix `a` with leading dimension `lda`.
/// Returns (d, e, τq, τp).
fn dgebd2(
    k: Kernels,
    a: &mut [f64],
    lda: usize,
    m: usize,
    n: usize,
) -> (Vec<f64>, Vec<f64>, Vec<f64>, Vec<f64>) {
    let (mut d, mut e) = (vec![0.0; n], vec![0.0; n.saturating_sub(1)]);
    let (mut tq, mut tp) = (vec![0.0; n], vec![0.0; n]);
    for i in 0..n {
        let di = i + i * lda;
        tq[i] = dlarfg(a, m - i, di, (i + 1).min(m - 1) + i * lda, 1);
        d[i] = a[di];
        a[di] = 1.0;
        if i + 1 < n {
            let v: Vec<f64> = a[di..di + (m - i)].to_vec();
            dlarf(
                k,
                Side::Left,
                &v,
                tq[i],
                a,
                View {
                    off: di + lda,
                    ld: lda,
                },
                m - i,
                n - i - 1,
            );
        }
        a[di] = d[i];
        if i + 1 < n {
            let ei = i + (i + 1) * lda;
            tp[i] = dlarfg(a, n - i - 1, ei, i + (i + 2).min(n - 1) * lda, lda);
            e[i] = a[ei];
            a[ei] = 1.0;
            let v: Vec<f64> = (0..n - i - 1).map(|k| a[ei + k * lda]).collect();
            dlarf(
                k,
                Side::Right,
                &v,
                tp[i],
                a,
                View {
                    off: (i + 1) + (i + 1) * lda,
                    ld: lda,
                },
                m - i - 1,
                n - i - 1,
            );
            a[ei] = e[i];
        } else {
            tp[i] = 0.0;
        }
    }
    (d, e, tq, tp)
}

/// `x := P x` (dormbr 'P','L','N'): the row reflectors `G(i)` stored right of the diagonal of
/// `a` applied, as `dorml2('L','T')` on x(2:n), from the last to the first.
fn apply_p(kset: Kernels, a: &mut [f64], lda: usize, n: usize, taup: &[f64], x: &mut [f64]) {
    let sub = &mut x[1..];
    let k = n - 1;
    for i in (0..k).rev() {
        // v = row i of A(·, 2:n) from column i (v(1) = 1), stride lda.
        let d = i + (i + 1) * lda;
        let aii = a[d];
        a[d] = 1.0;
        let v: Vec<f64> = (0..k - i).map(|j| a[d + j * lda]).collect();
        dlarf(
            kset,
            Side::Left,
            &v,
            taup[i],
            sub,
            View { off: i, ld: k },
            k - i,
            1,
        );
        a[d] = aii;
    }
}

// ---------------------------------------------------------------------------------------------
// The bidiagonal SVD solve (dlalsd, n ≤ 25 branch).

fn sign(a: f64, b: f64) -> f64 {
    a.abs().copysign(b)
}

/// Plane rotation (LAPACK 3.10+ `dlartg`): returns (c, s, r).
fn dlartg(f: f64, g: f64) -> (f64, f64, f64) {
    let rtmin = SAFMIN.sqrt();
    let rtmax = (1.0 / SAFMIN / 2.0).sqrt();
    let (f1, g1) = (f.abs(), g.abs());
    if g == 0.0 {
        (1.0, 0.0, f)
    } else if f == 0.0 {
        (0.0, sign(1.0, g), g1)
    } else if f1 > rtmin && f1 < rtmax && g1 > rtmin && g1 < rtmax {
        let d = (f * f + g * g).sqrt();
        let r = sign(d, f);
        (f1 / d, g / r, r)
    } else {
        let u = (1.0 / SAFMIN).min(SAFMIN.max(f1).max(g1));
        let (fs, gs) = (f / u, g / u);
        let d = (fs * fs + gs * gs).sqrt();
        let r = sign(d, f);
        (fs.abs() / d, gs / r, r * u)
    }
}

/// Singular values of [[f, g], [0, h]]: (σmin, σmax).
fn dlas2(f: f64, g: f64, h: f64) -> (f64, f64) {
    let (fa, ga, ha) = (f.abs(), g.abs(), h.abs());
    let fhmn = fa.min(ha);
    let fhmx = fa.max(ha);
    if fhmn == 0.0 {
        let ssmax = if fhmx == 0.0 {
            ga
        } else {
            let q = fhmx.min(ga) / fhmx.max(ga);
            fhmx.max(ga) * (1.0 + q * q).sqrt()
        };
        (0.0, ssmax)
    } else if ga < fhmx {
        let as_ = 1.0 + fhmn / fhmx;
        let at = (fhmx - fhmn) / fhmx;
        let au = (ga / fhmx) * (ga / fhmx);
        let c = 2.0 / ((as_ * as_ + au).sqrt() + (at * at + au).sqrt());
        (fhmn * c, fhmx / c)
    } else {
        let au = fhmx / ga;
        if au == 0.0 {
            ((fhmn * fhmx) / ga, ga)
        } else {
            let as_ = 1.0 + fhmn / fhmx;
            let at = (fhmx - fhmn) / fhmx;
            let c = 1.0
                / ((1.0 + (as_ * au) * (as_ * au)).sqrt() + (1.0 + (at * au) * (at * au)).sqrt());
            let ssmin = (fhmn * c) * au;
            (ssmin + ssmin, ga / (c + c))
        }
    }
}

/// SVD of [[f, g], [0, h]]: (σmin, σmax, sinr, cosr, sinl, cosl).
fn dlasv2(f: f64, g: f64, h: f64) -> (f64, f64, f64, f64, f64, f64) {
    let (mut ft, mut fa, mut ht, mut ha) = (f, f.abs(), h, h.abs());
    let mut pmax = 1;
    let swap = ha > fa;
    if swap {
        pmax = 3;
        std::mem::swap(&mut ft, &mut ht);
        std::mem::swap(&mut fa, &mut ha);
    }
    let (gt, ga) = (g, g.abs());
    let (mut ssmin, mut ssmax, mut clt, mut crt, mut slt, mut srt) = (0.0, 0.0, 1.0, 1.0, 0.0, 0.0);
    if ga == 0.0 {
        ssmin = ha;
        ssmax = fa;
    } else {
        let mut gasmal = true;
        if ga > fa {
            pmax = 2;
            if fa / ga < EPS {
                gasmal = false;
                ssmax = ga;
                ssmin = if ha > 1.0 {
                    fa / (ga / ha)
                } else {
                    (fa / ga) * ha
                };
                clt = 1.0;
                slt = ht / gt;
                srt = 1.0;
                crt = ft / gt;
            }
        }
        if gasmal {
            let d = fa - ha;
            let mut l = if d == fa { 1.0 } else { d / fa };
            let m = gt / ft;
            let mut t = 2.0 - l;
            let mm = m * m;
            let tt = t * t;
            let s = (tt + mm).sqrt();
            let r = if l == 0.0 {
                m.abs()
            } else {
                (l * l + mm).sqrt()
            };
            let a = 0.5 * (s + r);
            ssmin = ha / a;
            ssmax = fa * a;
            if mm == 0.0 {
                t = if l == 0.0 {
                    sign(2.0, ft) * sign(1.0, gt)
                } else {
                    gt / sign(d, ft) + m / t
                };
            } else {
                t = (m / (s + t) + m / (r + l)) * (1.0 + a);
            }
            l = (t * t + 4.0).sqrt();
            crt = 2.0 / l;
            srt = t / l;
            clt = (crt + srt * m) / a;
            slt = (ht / ft) * srt / a;
        }
    }
    let (csl, snl, csr, snr) = if swap {
        (srt, crt, slt, clt)
    } else {
        (clt, slt, crt, srt)
    };
    let tsign = match pmax {
        1 => sign(1.0, csr) * sign(1.0, csl) * sign(1.0, f),
        2 => sign(1.0, snr) * sign(1.0, csl) * sign(1.0, g),
        _ => sign(1.0, snr) * sign(1.0, snl) * sign(1.0, h),
    };
    ssmax = sign(ssmax, tsign);
    ssmin = sign(ssmin, tsign * sign(1.0, f) * sign(1.0, h));
    (ssmin, ssmax, snr, csr, snl, csl)
}

/// `drot` on two rows of Vᵀ.
fn drot(x: &mut [f64], y: &mut [f64], c: f64, s: f64) {
    for (xi, yi) in x.iter_mut().zip(y.iter_mut()) {
        let (a, b) = (*xi, *yi);
        *xi = c.mul_add(a, s * b);
        *yi = c.mul_add(b, -(s * a));
    }
}

/// Vᵀ (n×n, stored by rows) and the right-hand side c (n), rotated together with the bidiagonal.
struct Vecs {
    vt: Vec<Vec<f64>>,
    c: Vec<f64>,
}

impl Vecs {
    fn rot_vt(&mut self, r1: usize, r2: usize, c: f64, s: f64) {
        let (a, b) = two_rows(&mut self.vt, r1, r2);
        drot(a, b, c, s);
    }

    fn rot_c(&mut self, r1: usize, r2: usize, c: f64, s: f64) {
        let (a, b) = (self.c[r1], self.c[r2]);
        self.c[r1] = c.mul_add(a, s * b);
        self.c[r2] = c.mul_add(b, -(s * a));
    }

    fn swap(&mut self, i: usize, j: usize) {
        self.vt.swap(i, j);
        self.c.swap(i, j);
    }
}

fn two_rows(v: &mut [Vec<f64>], r1: usize, r2: usize) -> (&mut [f64], &mut [f64]) {
    assert!(r1 < r2);
    let (lo, hi) = v.split_at_mut(r2);
    (&mut lo[r1], &mut hi[0])
}

/// `dlasr` side 'L', pivot 'V': rotation j acts on rows (r0+j, r0+j+1) of every column.
fn dlasr_rows(rows: &mut [Vec<f64>], r0: usize, cs: &[f64], sn: &[f64], forward: bool) {
    let k = cs.len();
    let order: Vec<usize> = if forward {
        (0..k - 1).collect()
    } else {
        (0..k - 1).rev().collect()
    };
    for j in order {
        let (ct, st) = (cs[j], sn[j]);
        if ct != 1.0 || st != 0.0 {
            let (a, b) = two_rows(rows, r0 + j, r0 + j + 1);
            for (aj, bj) in a.iter_mut().zip(b.iter_mut()) {
                let temp = *bj;
                *bj = ct * temp - st * *aj;
                *aj = st * temp + ct * *aj;
            }
        }
    }
}

fn dlasr_vec(c: &mut [f64], r0: usize, cs: &[f64], sn: &[f64], forward: bool) {
    let k = cs.len();
    let order: Vec<usize> = if forward {
        (0..k - 1).collect()
    } else {
        (0..k - 1).rev().collect()
    };
    for j in order {
        let (ct, st) = (cs[j], sn[j]);
        if ct != 1.0 || st != 0.0 {
            let temp = c[r0 + j + 1];
            c[r0 + j + 1] = ct * temp - st * c[r0 + j];
            c[r0 + j] = st * temp + ct * c[r0 + j];
        }
    }
}

/// Implicit-shift QR on the upper bidiagonal (d, e) (`dbdsqr`, relative accuracy), updating
/// Vᵀ's rows and c. `None` if it does not converge.
fn dbdsqr(d: &mut [f64], e: &mut [f64], w: &mut Vecs) -> Option<()> {
    let n = d.len();
    const MAXITR: usize = 6;
    if n > 1 {
        let tolmul = 10f64.max(100f64.min(EPS.powf(-0.125)));
        let tol = tolmul * EPS;
        let mut sminoa = d[0].abs();
        if sminoa != 0.0 {
            let mut mu = sminoa;
            for i in 1..n {
                mu = d[i].abs() * (mu / (mu + e[i - 1].abs()));
                sminoa = sminoa.min(mu);
                if sminoa == 0.0 {
                    break;
                }
            }
        }
        sminoa /= (n as f64).sqrt();
        let thresh = (tol * sminoa).max(MAXITR as f64 * (n as f64 * (n as f64 * SAFMIN)));
        let maxitdivn = MAXITR * n;
        let (mut iterdivn, mut iter) = (0usize, -1i64);
        let (mut oldll, mut oldm) = (-1i64, -1i64);
        let mut idir = 0;
        // 1-based indices as in the algorithm's description: d(i) = d[i-1], e(i) = e[i-1].
        let mut m = n;
        'main: loop {
            if m <= 1 {
                break;
            }
            if iter >= n as i64 {
                iter -= n as i64;
                iterdivn += 1;
                if iterdivn >= maxitdivn {
                    return None;
                }
            }
            let mut smax = d[m - 1].abs();
            let mut ll = 0usize;
            let mut split = false;
            for lll in 1..m {
                ll = m - lll;
                let abss = d[ll - 1].abs();
                let abse = e[ll - 1].abs();
                if abse <= thresh {
                    split = true;
                    break;
                }
                smax = smax.max(abss).max(abse);
            }
            if split {
                e[ll - 1] = 0.0;
                if ll == m - 1 {
                    m -= 1;
                    continue 'main;
                }
            } else {
                ll = 0;
            }
            ll += 1;
            if ll == m - 1 {
                let (sigmn, sigmx, sinr, cosr, sinl, cosl) = dlasv2(d[m - 2], e[m - 2], d[m - 1]);
                d[m - 2] = sigmx;
                e[m - 2] = 0.0;
                d[m - 1] = sigmn;
                w.rot_vt(m - 2, m - 1, cosr, sinr);
                w.rot_c(m - 2, m - 1, cosl, sinl);
                m -= 2;
                continue 'main;
            }
            if ll as i64 > oldm || (m as i64) < oldll {
                idir = if d[ll - 1].abs() >= d[m - 1].abs() {
                    1
                } else {
                    2
                };
            }
            let mut smin;
            if idir == 1 {
                if e[m - 2].abs() <= tol.abs() * d[m - 1].abs() {
                    e[m - 2] = 0.0;
                    continue 'main;
                }
                let mut mu = d[ll - 1].abs();
                smin = mu;
                for lll in ll..m {
                    if e[lll - 1].abs() <= tol * mu {
                        e[lll - 1] = 0.0;
                        continue 'main;
                    }
                    mu = d[lll].abs() * (mu / (mu + e[lll - 1].abs()));
                    smin = smin.min(mu);
                }
            } else {
                if e[ll - 1].abs() <= tol.abs() * d[ll - 1].abs() {
                    e[ll - 1] = 0.0;
                    continue 'main;
                }
                let mut mu = d[m - 1].abs();
                smin = mu;
                for lll in (ll..m).rev() {
                    if e[lll - 1].abs() <= tol * mu {
                        e[lll - 1] = 0.0;
                        continue 'main;
                    }
                    mu = d[lll - 1].abs() * (mu / (mu + e[lll - 1].abs()));
                    smin = smin.min(mu);
                }
            }
            oldll = ll as i64;
            oldm = m as i64;
            let mut shift;
            if n as f64 * tol * (smin / smax) <= EPS.max(0.01 * tol) {
                shift = 0.0;
            } else {
                let sll;
                if idir == 1 {
                    sll = d[ll - 1].abs();
                    shift = dlas2(d[m - 2], e[m - 2], d[m - 1]).0;
                } else {
                    sll = d[m - 1].abs();
                    shift = dlas2(d[ll - 1], e[ll - 1], d[ll]).0;
                }
                if sll > 0.0 && (shift / sll) * (shift / sll) < EPS {
                    shift = 0.0;
                }
            }
            iter += (m - ll) as i64;
            let k = m - ll + 1;
            let (mut w1, mut w2, mut w3, mut w4) =
                (vec![0.0; k], vec![0.0; k], vec![0.0; k], vec![0.0; k]);
            if shift == 0.0 {
                if idir == 1 {
                    let (mut cs, mut oldcs, mut oldsn) = (1.0, 1.0, 0.0);
                    for i in ll..m {
                        let (c1, sn, r) = dlartg(d[i - 1] * cs, e[i - 1]);
                        cs = c1;
                        if i > ll {
                            e[i - 2] = oldsn * r;
                        }
                        let (oc, os, di) = dlartg(oldcs * r, d[i] * sn);
                        oldcs = oc;
                        oldsn = os;
                        d[i - 1] = di;
                        w1[i - ll] = cs;
                        w2[i - ll] = sn;
                        w3[i - ll] = oldcs;
                        w4[i - ll] = oldsn;
                    }
                    let h = d[m - 1] * cs;
                    d[m - 1] = h * oldcs;
                    e[m - 2] = h * oldsn;
                    dlasr_rows(&mut w.vt, ll - 1, &w1, &w2, true);
                    dlasr_vec(&mut w.c, ll - 1, &w3, &w4, true);
                    if e[m - 2].abs() <= thresh {
                        e[m - 2] = 0.0;
                    }
                } else {
                    let (mut cs, mut oldcs, mut oldsn) = (1.0, 1.0, 0.0);
                    for i in (ll + 1..=m).rev() {
                        let (c1, sn, r) = dlartg(d[i - 1] * cs, e[i - 2]);
                        cs = c1;
                        if i < m {
                            e[i - 1] = oldsn * r;
                        }
                        let (oc, os, di) = dlartg(oldcs * r, d[i - 2] * sn);
                        oldcs = oc;
                        oldsn = os;
                        d[i - 1] = di;
                        w1[i - ll - 1] = cs;
                        w2[i - ll - 1] = -sn;
                        w3[i - ll - 1] = oldcs;
                        w4[i - ll - 1] = -oldsn;
                    }
                    let h = d[ll - 1] * cs;
                    d[ll - 1] = h * oldcs;
                    e[ll - 1] = h * oldsn;
                    dlasr_rows(&mut w.vt, ll - 1, &w3, &w4, false);
                    dlasr_vec(&mut w.c, ll - 1, &w1, &w2, false);
                    if e[ll - 1].abs() <= thresh {
                        e[ll - 1] = 0.0;
                    }
                }
            } else if idir == 1 {
                let mut f = (d[ll - 1].abs() - shift) * (sign(1.0, d[ll - 1]) + shift / d[ll - 1]);
                let mut g = e[ll - 1];
                for i in ll..m {
                    let (cosr, sinr, r) = dlartg(f, g);
                    if i > ll {
                        e[i - 2] = r;
                    }
                    f = cosr * d[i - 1] + sinr * e[i - 1];
                    e[i - 1] = cosr * e[i - 1] - sinr * d[i - 1];
                    g = sinr * d[i];
                    d[i] *= cosr;
                    let (cosl, sinl, r) = dlartg(f, g);
                    d[i - 1] = r;
                    f = cosl * e[i - 1] + sinl * d[i];
                    d[i] = cosl * d[i] - sinl * e[i - 1];
                    if i < m - 1 {
                        g = sinl * e[i];
                        e[i] *= cosl;
                    }
                    w1[i - ll] = cosr;
                    w2[i - ll] = sinr;
                    w3[i - ll] = cosl;
                    w4[i - ll] = sinl;
                }
                e[m - 2] = f;
                dlasr_rows(&mut w.vt, ll - 1, &w1, &w2, true);
                dlasr_vec(&mut w.c, ll - 1, &w3, &w4, true);
                if e[m - 2].abs() <= thresh {
                    e[m - 2] = 0.0;
                }
            } else {
                let mut f = (d[m - 1].abs() - shift) * (sign(1.0, d[m - 1]) + shift / d[m - 1]);
                let mut g = e[m - 2];
                for i in (ll + 1..=m).rev() {
                    let (cosr, sinr, r) = dlartg(f, g);
                    if i < m {
                        e[i - 1] = r;
                    }
                    f = cosr * d[i - 1] + sinr * e[i - 2];
                    e[i - 2] = cosr * e[i - 2] - sinr * d[i - 1];
                    g = sinr * d[i - 2];
                    d[i - 2] *= cosr;
                    let (cosl, sinl, r) = dlartg(f, g);
                    d[i - 1] = r;
                    f = cosl * e[i - 2] + sinl * d[i - 2];
                    d[i - 2] = cosl * d[i - 2] - sinl * e[i - 2];
                    if i > ll + 1 {
                        g = sinl * e[i - 3];
                        e[i - 3] *= cosl;
                    }
                    w1[i - ll - 1] = cosr;
                    w2[i - ll - 1] = -sinr;
                    w3[i - ll - 1] = cosl;
                    w4[i - ll - 1] = -sinl;
                }
                e[ll - 1] = f;
                if e[ll - 1].abs() <= thresh {
                    e[ll - 1] = 0.0;
                }
                dlasr_rows(&mut w.vt, ll - 1, &w3, &w4, false);
                dlasr_vec(&mut w.c, ll - 1, &w1, &w2, false);
            }
        }
    }
    // Singular values made positive (sign moved into Vᵀ's row), then sorted decreasing by
    // selection with one exchange per position.
    for i in 0..n {
        if d[i] < 0.0 {
            d[i] = -d[i];
            for v in w.vt[i].iter_mut() {
                *v = -*v;
            }
        }
    }
    for i in 1..n {
        let (mut isub, mut smin) = (1usize, d[0]);
        for j in 2..=n + 1 - i {
            if d[j - 1] <= smin {
                isub = j;
                smin = d[j - 1];
            }
        }
        if isub != n + 1 - i {
            d[isub - 1] = d[n - i];
            d[n - i] = smin;
            w.swap(isub - 1, n - i);
        }
    }
    Some(())
}

/// `dlascl('G')`: multiply by cto/cfrom as LAPACK does (one factor when no over/underflow).
fn dlascl(cfrom: f64, cto: f64, vals: &mut [f64]) {
    let smlnum = SAFMIN;
    let bignum = 1.0 / smlnum;
    let (mut cfromc, mut ctoc) = (cfrom, cto);
    loop {
        let cfrom1 = cfromc * smlnum;
        let (mul, done);
        if cfrom1 == cfromc {
            mul = ctoc / cfromc;
            done = true;
        } else {
            let cto1 = ctoc / bignum;
            if cto1 == ctoc {
                mul = ctoc;
                done = true;
                cfromc = 1.0;
            } else if cfrom1.abs() > ctoc.abs() && ctoc != 0.0 {
                mul = smlnum;
                done = false;
                cfromc = cfrom1;
            } else if cto1.abs() > cfromc.abs() {
                mul = bignum;
                done = false;
                ctoc = cto1;
            } else {
                mul = ctoc / cfromc;
                done = true;
                if mul == 1.0 {
                    return;
                }
            }
        }
        for v in vals.iter_mut() {
            *v *= mul;
        }
        if done {
            return;
        }
    }
}

/// Solves the upper-bidiagonal least-squares problem (`dlalsd`, n ≤ 25): returns x.
fn dlalsd(k: Kernels, d: &mut [f64], e: &mut [f64], b: &[f64], rcond: f64) -> Option<Vec<f64>> {
    let n = d.len();
    let rcnd = if rcond <= 0.0 || rcond >= 1.0 {
        EPS
    } else {
        rcond
    };
    let orgnrm = d.iter().chain(e.iter()).fold(0.0f64, |a, v| a.max(v.abs()));
    if orgnrm == 0.0 {
        return Some(vec![0.0; n]);
    }
    dlascl(orgnrm, 1.0, d);
    dlascl(orgnrm, 1.0, e);
    let mut w = Vecs {
        vt: (0..n)
            .map(|i| (0..n).map(|j| if i == j { 1.0 } else { 0.0 }).collect())
            .collect(),
        c: b.to_vec(),
    };
    dbdsqr(d, e, &mut w)?;
    // dlasdq then orders the singular values ascending (selection, one exchange per position).
    for i in 0..n {
        let (mut isub, mut smin) = (i, d[i]);
        for j in i + 1..n {
            if d[j] < smin {
                isub = j;
                smin = d[j];
            }
        }
        if isub != i {
            d[isub] = d[i];
            d[i] = smin;
            w.swap(isub, i);
        }
    }
    let imax = (0..n).fold(0, |k, i| if d[i].abs() > d[k].abs() { i } else { k });
    let tol = rcnd * d[imax].abs();
    let mut c = w.c.clone();
    for i in 0..n {
        if d[i] <= tol {
            c[i] = 0.0;
        } else {
            let mut one = [c[i]];
            dlascl(d[i], 1.0, &mut one);
            c[i] = one[0];
        }
    }
    // x = (Vᵀ)ᵀ c: one fused chain per output over k.
    let mut x = gemm_tn(k, &w.vt, &c);
    dlascl(orgnrm, 1.0, &mut x);
    Some(x)
}

/// Minimum-norm least-squares solution of `A x ≈ b` for a column-major `m×n` A, `n ≤ 25`, as
/// `dgelsd` computes it (see the module docs; `m < n` in [`lstsq_underdetermined`]). `None` when
/// `n > 25`, for a case the kernel models do not cover, or when the bidiagonal QR does not
/// converge.
pub(crate) fn lstsq(
    k: Kernels,
    a: &[f64],
    m: usize,
    n: usize,
    b: &[f64],
    rcond: f64,
) -> Option<Vec<f64>> {
    if n > 25 || n == 0 || a.len() != m * n || b.len() != m {
        return None;
    }
    if m < n {
        return lstsq_underdetermined(k, a, m, n, b, rcond);
    }
    if k == Kernels::Haswell && n != 11 {
        // The Haswell small-dgemm order was measured for n = 11 only (degree-10 fits).
        return None;
    }
    let mut a = a.to_vec();
    let mut rhs = b.to_vec();
    let mnthr = (n as f64 * 1.6) as usize;
    let mm = if m >= mnthr {
        let tau = dgeqr2(k, &mut a, m, n);
        dorm2r_lt(k, &mut a, m, &tau, &mut rhs);
        for j in 0..n {
            for i in j + 1..m {
                a[i + j * m] = 0.0;
            }
        }
        n
    } else {
        m
    };
    let (mut d, mut e, tq, tp) = dgebd2(k, &mut a, m, mm, n);
    let mut qb = rhs[..mm].to_vec();
    dorm2r_lt(k, &mut a, m, &tq, &mut qb);
    let mut x = dlalsd(k, &mut d, &mut e, &qb[..n], rcond)?;
    apply_p(k, &mut a, m, n, &tp, &mut x);
    Some(x)
}

/// `dgelsd` for `2 ≤ m < n` (numpy's `polyfit` with fewer samples than coefficients): B is
/// padded with zeros to `n` rows. For `n ≥ ⌊1.6·m⌋` (path 2a) A = L·Q (`dgelq2`), L is
/// bidiagonalised and solved as in the `m ≥ n` case, and `x = Qᵀ [y; 0]`; otherwise (path 2) A
/// is reduced to lower bidiagonal form, rotated to upper form inside `dlalsd`, and solved. SkylakeX
/// kernels only (the Haswell small-`dgemm` order is modelled for 11×11 only).
fn lstsq_underdetermined(
    k: Kernels,
    a: &[f64],
    m: usize,
    n: usize,
    b: &[f64],
    rcond: f64,
) -> Option<Vec<f64>> {
    if m < 2 || k != Kernels::SkylakeX {
        return None;
    }
    let mut a = a.to_vec();
    let mut x = vec![0.0; n];
    x[..m].copy_from_slice(b);
    let mnthr = (m as f64 * 1.6) as usize;
    if n >= mnthr {
        let tau = dgelq2(k, &mut a, m, n);
        // L (lower triangle of the first m columns) in its own m×m array, zeros above.
        let mut l = vec![0.0; m * m];
        for j in 0..m {
            for i in j..m {
                l[i + j * m] = a[i + j * m];
            }
        }
        let (mut d, mut e, tq, tp) = dgebd2(k, &mut l, m, m, m);
        let mut qb = x[..m].to_vec();
        dorm2r_lt(k, &mut l, m, &tq, &mut qb);
        let mut y = dlalsd(k, &mut d, &mut e, &qb, rcond)?;
        apply_p(k, &mut l, m, m, &tp, &mut y);
        x[..m].copy_from_slice(&y);
        // x := Qᵀ x (dorml2 'L','T'): H(m) first, H(1) last.
        for i in (0..m).rev() {
            apply_row_reflector(k, &mut a, m, n, i, tau[i], &mut x);
        }
    } else {
        let (mut d, mut e, tq, tp) = dgebd2_lower(k, &mut a, m, n);
        // Qᵀ b (dormbr 'Q' with nq = m < k = n): the m − 1 reflectors below the subdiagonal,
        // applied to b(2:m).
        dorm2r_lt(k, &mut a[1..], m, &tq[..m - 1], &mut x[1..m]);
        // dlalsd('L') first rotates the lower bidiagonal to upper form, rotating b alike.
        for i in 0..m - 1 {
            let (cs, sn, r) = dlartg(d[i], e[i]);
            d[i] = r;
            e[i] = sn * d[i + 1];
            d[i + 1] *= cs;
            let (head, tail) = x.split_at_mut(i + 1);
            drot(&mut head[i..], &mut tail[..1], cs, sn);
        }
        let y = dlalsd(k, &mut d, &mut e[..m - 1], &x[..m], rcond)?;
        x[..m].copy_from_slice(&y);
        // P x (dormbr 'P' with nq = n > k = m: dorml2 'L','T' over the row reflectors G(i)).
        for i in (0..m).rev() {
            apply_row_reflector(k, &mut a, m, n, i, tp[i], &mut x);
        }
    }
    Some(x)
}

/// Applies the reflector stored in row `i` of the `m×n` array `a` (v(i) = 1, v(i+1:n) = a(i,
/// i+1:n)) from the left to `x(i:n)`.
fn apply_row_reflector(
    k: Kernels,
    a: &mut [f64],
    m: usize,
    n: usize,
    i: usize,
    tau: f64,
    x: &mut [f64],
) {
    let d = i + i * m;
    let aii = a[d];
    a[d] = 1.0;
    let v: Vec<f64> = (0..n - i).map(|j| a[d + j * m]).collect();
    dlarf(k, Side::Left, &v, tau, x, View { off: i, ld: n }, n - i, 1);
    a[d] = aii;
}

/// LQ factorisation (`dgelq2`) of the `m×n` matrix `a` (leading dimension `m`, `m < n`);
/// returns τ. L is left in the lower triangle, the reflectors in the rows right of it.
fn dgelq2(k: Kernels, a: &mut [f64], m: usize, n: usize) -> Vec<f64> {
    let mut tau = vec![0.0; m];
    for i in 0..m {
        let d = i + i * m;
        tau[i] = dlarfg(a, n - i, d, i + (i + 1).min(n - 1) * m, m);
        if i + 1 < m {
            let aii = a[d];
            a[d] = 1.0;
            let v: Vec<f64> = (0..n - i).map(|j| a[d + j * m]).collect();
            dlarf(
                k,
                Side::Right,
                &v,
                tau[i],
                a,
                View { off: d + 1, ld: m },
                m - i - 1,
                n - i,
            );
            a[d] = aii;
        }
    }
    tau
}

/// Bidiagonalisation (`m < n`, lower) of the `m×n` matrix `a` (leading dimension `m`).
/// Returns (d, e, τq, τp); τq has m − 1 meaningful entries.
fn dgebd2_lower(
    k: Kernels,
    a: &mut [f64],
    m: usize,
    n: usize,
) -> (Vec<f64>, Vec<f64>, Vec<f64>, Vec<f64>) {
    let lda = m;
    let (mut d, mut e) = (vec![0.0; m], vec![0.0; m]);
    let (mut tq, mut tp) = (vec![0.0; m], vec![0.0; m]);
    for i in 0..m {
        let di = i + i * lda;
        tp[i] = dlarfg(a, n - i, di, i + (i + 1).min(n - 1) * lda, lda);
        d[i] = a[di];
        if i + 1 < m {
            a[di] = 1.0;
            let v: Vec<f64> = (0..n - i).map(|j| a[di + j * lda]).collect();
            dlarf(
                k,
                Side::Right,
                &v,
                tp[i],
                a,
                View {
                    off: di + 1,
                    ld: lda,
                },
                m - i - 1,
                n - i,
            );
        }
        a[di] = d[i];
        if i + 1 < m {
            let si = (i + 1) + i * lda;
            tq[i] = dlarfg(a, m - i - 1, si, (i + 2).min(m - 1) + i * lda, 1);
            e[i] = a[si];
            a[si] = 1.0;
            let v: Vec<f64> = a[si..si + (m - i - 1)].to_vec();
            dlarf(
                k,
                Side::Left,
                &v,
                tq[i],
                a,
                View {
                    off: si + lda,
                    ld: lda,
                },
                m - i - 1,
                n - i - 1,
            );
            a[si] = e[i];
        }
    }
    (d, e, tq, tp)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extended_arithmetic() {
        // Exact cases: 3² + 4² = 25, √25 = 5.
        let s = Ext::add(Ext::square(3.0), Ext::square(4.0));
        assert_eq!(Ext::to_f64(Ext::sqrt(s)), 5.0);
        assert_eq!(Ext::to_f64(Ext::square(1.5)), 2.25);
        assert_eq!(dnrm2(&[1e-3, -2e-3, 2e-3], 0, 3, 1), 3e-3);
        // (1 + 2⁻³⁰)² needs 61 bits: kept exactly in extended precision, rounded once to double.
        let u = 1.0 + 2f64.powi(-30);
        assert_eq!(Ext::to_f64(Ext::square(u)), u * u);
        // 1 + 2⁻⁶⁴ is a tie in extended precision: rounds to even (1).
        let one = Ext::add(Ext::square(1.0), Ext::round(1, -64));
        assert_eq!(one, Ext::square(1.0));
    }

    #[test]
    fn solves_a_small_exact_system() {
        // A x = b with an exact solution: the least-squares solution is that x (to roundoff).
        let (m, n) = (20, 3);
        let mut a = vec![0.0; m * n];
        let mut b = vec![0.0; m];
        for i in 0..m {
            let t = i as f64 / 7.0;
            a[i] = 1.0;
            a[i + m] = t;
            a[i + 2 * m] = t * t;
            b[i] = 2.0 - 3.0 * t + 0.5 * t * t;
        }
        let x = lstsq(Kernels::SkylakeX, &a, m, n, &b, m as f64 * f64::EPSILON).unwrap();
        for (got, want) in x.iter().zip([2.0, -3.0, 0.5]) {
            assert!((got - want).abs() < 1e-12, "{x:?}");
        }
        // Direct path (m < 1.6 n).
        let x = lstsq(Kernels::SkylakeX, &a[..], m, n, &b, 1e-15).unwrap();
        assert!((x[1] + 3.0).abs() < 1e-12);
        assert!(lstsq(Kernels::SkylakeX, &a, 2, 3, &b[..2], 1e-15).is_none());
    }
}
