//! BMTK's firing-rate correction for refractoriness (`fr_corr`).
//!
//! BMTK samples the "rate after refractoriness" curve `f(r)` at 40 log-spaced rates between 1 and
//! 1000 Hz, keeps the rising part (up to, not including, the maximum), and fits the inverse map
//! `r_before = p(r_after)` with a degree-10 least-squares polynomial (numpy `polyfit`: Vandermonde
//! matrix with columns scaled to unit norm, minimum-norm least squares with `rcond = len(x)·eps`).
//!
//! The curve is
//! * `tau_ref != 0`: `f(r) = (e^{-r·a} − r·e^{a/τ}·τ/(r·τ+1)·e^{-(r+1/τ)·a})·r`
//! * otherwise:     `f(r) = e^{-r·a}·r`
//!
//! with `a = abs_ref`, `τ = tau_ref` in seconds. The maximum of the sampled curve is the highest
//! rate that can be achieved.
//!
//! Two solvers:
//! * [`RateCorrection::fit`]: a one-sided Jacobi SVD plus one refinement step, for CPUs Rall does
//!   not model. Agrees with BMTK to the conditioning of the problem, not bit for bit.
//! * [`RateCorrection::fit_numpy`] / [`RateCorrection::fit_lapack`]: numpy's own path (`lstsq` →
//!   LAPACK `dgelsd`) re-implemented with the floating-point behaviour of an OpenBLAS kernel set
//!   ([`Kernels`]; module `dgelsd`), on the curve samples numpy computes ([`NumpyMath`]).
//!   [`RateCorrection::polyfit_samples`] applies it to given samples.
//!
//! # Bit-identity with BMTK depends on the CPU — twice
//! Measured with numpy 2.4.6 / OpenBLAS 0.3.31 in `/opt/ref` on an AMD EPYC with AVX-512
//! (`validation/psg/openblas_dependence.py`, `openblas_kernels.py`, `polyfit_golden.py`; data in
//! `validation/golden/psg/`):
//! 1. **OpenBLAS kernel set.** `np.polyfit` → `lstsq` → `dgelsd`: for m ≥ ⌊1.6·11⌋ = 17 samples
//!    `dgeqrf` (unblocked) → `dormqr` → `dgebrd` of R (unblocked) → `dormbr` Q → `dlalsd`
//!    (n ≤ 25: `dbdsqr` implicit QR, ascending sort, σ ≤ rcond·σmax dropped, `dgemm`) →
//!    `dormbr` P; for 11 ≤ m < 17 the same without the QR step; for m < 11 dgelsd's
//!    underdetermined paths (module `dgelsd`). The LAPACK code is reference
//!    3.12.0 compiled without FMA contraction, but its BLAS calls run the kernels OpenBLAS picks
//!    by CPU: `OPENBLAS_CORETYPE` gives five different results (SkylakeX = this machine's
//!    default = Cooperlake = SapphireRapids; Haswell = Zen; Sandybridge; Nehalem; Katmai =
//!    Prescott): all 11 coefficients differ, and every refractory timestamp (by up to 1.7e-12
//!    relative for the golden case, 6.1e-12 for others). SkylakeX and Haswell differ in three
//!    kernels on this path (`dgemv('N')`, `dger`, small `dgemm`; details in `dgelsd.rs`).
//! 2. **numpy's SIMD math.** On CPUs with numpy's X86_V4 group (AVX-512) numpy evaluates
//!    `np.power` (`logspace`) and `np.exp` (the curve samples) with its AVX-512 routines, which
//!    differ from glibc in the last bit for ~5% of arguments (3 of the 40 `logspace` values).
//!    Without AVX-512 (or with `NPY_DISABLE_CPU_FEATURES="X86_V4 AVX512_ICL AVX512_SPR"`) they
//!    equal glibc's. [`NumpyMath`] selects either: the `logspace` values are fixed, so Rall
//!    carries numpy's AVX-512 ones ([`NUMPY_X86_V4_LOGSPACE`]), and `exp` is modelled in
//!    [`crate::npmath`] (bitwise for |x| ≤ 707.7, all arguments of refractory periods ≤ 0.2 s).
//!
//! Consequences, all tested bit for bit in `tests/psg_golden.rs` on 49 (abs_ref, tau_ref) pairs:
//! * Given numpy's own samples, [`RateCorrection::polyfit_samples`] equals `np.polyfit` in all
//!   three recorded configurations (SkylakeX with and without AVX-512 math, Haswell without).
//! * **CPUs without AVX-512** (numpy's math = glibc, OpenBLAS Haswell kernels — Intel Haswell and
//!   later AVX2 parts, AMD Zen 1–3): `fit_lapack(…, Kernels::Haswell)` equals BMTK's coefficients
//!   and maximum rate, and refractory trains generated with it equal BMTK's node ids and
//!   timestamps (5 trains). The same holds for SkylakeX kernels with numpy's AVX-512 math off.
//! * **CPUs with AVX-512** as BMTK runs by default (configuration `default`, and the committed
//!   `refractory_homogeneous` and `inhomogeneous` goldens): `fit_numpy(…, SkylakeX,
//!   NumpyMath::X86V4)` equals BMTK's coefficients and maximum rate (49 pairs) and the refractory
//!   trains.
//!
//! The generator's default is [`RateCorrection::fit_for_host`] = [`RateCorrection::fit_for`] the
//! CPU class Rall runs on ([`NumpyCpu::host`]: numpy's math there, and the kernel set numpy's
//! OpenBLAS picks, [`host_kernels`]: AVX-512F → SkylakeX, AVX2 + FMA → Haswell), so that it
//! reproduces what BMTK computes on the same machine, bit for bit; elsewhere (other CPUs, or
//! Haswell kernels with fewer than 11 samples) the Jacobi solver. To reproduce another CPU
//! class's bits, give the generator that class (`PoissonSpikeGenerator::set_numpy_cpu`,
//! `rall poisson --numpy-cpu`).

pub use crate::dgelsd::Kernels;
use crate::SpikeError;

/// The OpenBLAS kernel set numpy's bundled OpenBLAS picks on this CPU, if it is one Rall
/// models: AVX-512F → [`Kernels::SkylakeX`], AVX2 with FMA → [`Kernels::Haswell`] (Intel
/// Haswell and later without AVX-512, AMD Zen); `None` otherwise (older x86, other
/// architectures).
pub fn host_kernels() -> Option<Kernels> {
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx512f") {
            return Some(Kernels::SkylakeX);
        }
        if std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma")
        {
            return Some(Kernels::Haswell);
        }
    }
    None
}

pub use crate::npmath::NumpyMath;

/// What BMTK's numpy computes with on a class of CPU: its float64 math and the OpenBLAS kernel
/// set behind `np.polyfit`. Rall reproduces BMTK's refractory fit bit for bit for a given class.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NumpyCpu {
    /// numpy's `exp`/`log`/`power`.
    pub math: NumpyMath,
    /// OpenBLAS's kernels, if Rall models them (else the fit uses the Jacobi solver).
    pub kernels: Option<Kernels>,
}

impl NumpyCpu {
    /// CPUs with AVX-512 (Intel Skylake-SP and later servers, Ice Lake and later clients, AMD Zen
    /// 4 and later): numpy's AVX-512 math, OpenBLAS SkylakeX kernels.
    pub const AVX512: NumpyCpu = NumpyCpu {
        math: NumpyMath::X86V4,
        kernels: Some(Kernels::SkylakeX),
    };
    /// CPUs with AVX2 and FMA but no AVX-512 (Intel Haswell … Comet Lake, AMD Zen 1–3): glibc's
    /// math, OpenBLAS Haswell kernels.
    pub const AVX2: NumpyCpu = NumpyCpu {
        math: NumpyMath::Libm,
        kernels: Some(Kernels::Haswell),
    };

    /// This CPU's class ([`NumpyMath::host`], [`host_kernels`]).
    pub fn host() -> NumpyCpu {
        NumpyCpu {
            math: NumpyMath::host(),
            kernels: host_kernels(),
        }
    }
}

/// `np.logspace(0, 3, 40)` as numpy 2.4.6's X86_V4 `power` loop computes it (recorded on an AVX-512
/// CPU; `validation/golden/psg/polyfit_cases.json`, configuration `default`, holds the same values
/// and `tests/psg_golden.rs` checks them). Entries 15, 33 and 38 are one ulp below glibc's
/// `pow(10, y)`; all others equal it.
pub const NUMPY_X86_V4_LOGSPACE: [f64; N_SAMPLES] = {
    const fn f(b: u64) -> f64 {
        f64::from_bits(b)
    }
    [
        f(0x3ff0000000000000),
        f(0x3ff319b5892e4682),
        f(0x3ff6cd3875264c61),
        f(0x3ffb3856686259b5),
        f(0x40003f51bcd53f6b),
        f(0x4003654c578e1a34),
        f(0x40072774ff7ca201),
        f(0x400ba40f4b138e96),
        f(0x40107f9e0efb1ece),
        f(0x4013b20e49e21768),
        f(0x40178316a52f21ec),
        f(0x401c11727c10b0f8),
        f(0x4020c0e8d61daceb),
        f(0x4024000000000000),
        f(0x4027e022eb79d826),
        f(0x402c8086926fdf7b),
        f(0x40310336013d7812),
        f(0x40344f262c0a8f46),
        f(0x40383e9f6d71a0c0),
        f(0x403cf1523f5bca83),
        f(0x404146898eec391e),
        f(0x40449f8592b9e681),
        f(0x40489e91dc5a9d45),
        f(0x404d63dc4e7aea69),
        f(0x40518ae78d8a6e9b),
        f(0x4054f1230ba51826),
        f(0x4059000000000000),
        f(0x405dd82ba6584e2f),
        f(0x4061d0541b85ebb0),
        f(0x40654403818cd616),
        f(0x406962efb70d331b),
        f(0x406e4e4748ce08f0),
        f(0x407216d367995e92),
        f(0x4075982bf2a74768),
        f(0x4079c766f7686021),
        f(0x407ec63653714497),
        f(0x40825e69b10cd27f),
        f(0x4085eda170ed0a41),
        f(0x408a2d6bce8e5e33),
        f(0x408f400000000000),
    ]
};

const N_SAMPLES: usize = 40;
const DEGREE: usize = 10;

/// A fitted rate-correction polynomial and the highest achievable rate.
#[derive(Debug, Clone, PartialEq)]
pub struct RateCorrection {
    /// Polynomial coefficients, highest power first (numpy `poly1d` order).
    pub coefficients: Vec<f64>,
    /// Highest firing rate (Hz) reachable with these refractory settings.
    pub max_rate: f64,
}

impl RateCorrection {
    /// Fit the correction for `abs_ref`, `tau_ref` (seconds) as BMTK does, with the Jacobi
    /// least-squares solver: within BMTK's own cross-CPU spread of BMTK's coefficients, not
    /// bitwise (see the module docs).
    pub fn fit(abs_ref: f64, tau_ref: f64) -> Result<Self, SpikeError> {
        Self::fit_with(abs_ref, tau_ref, Solver::Jacobi, NumpyMath::Libm)
    }

    /// The generator's default fit: [`fit_for`](Self::fit_for) this CPU's class.
    pub fn fit_for_host(abs_ref: f64, tau_ref: f64) -> Result<Self, SpikeError> {
        Self::fit_for(abs_ref, tau_ref, NumpyCpu::host())
    }

    /// The fit BMTK computes on CPU class `cpu`: [`fit_numpy`](Self::fit_numpy) with its kernel
    /// set and math when the kernels are modelled and the fit size is supported, else the Jacobi
    /// solver on the same curve samples.
    pub fn fit_for(abs_ref: f64, tau_ref: f64, cpu: NumpyCpu) -> Result<Self, SpikeError> {
        if let Some(k) = cpu.kernels {
            if let Ok(c) = Self::fit_numpy(abs_ref, tau_ref, k, cpu.math) {
                return Ok(c);
            }
        }
        Self::fit_with(abs_ref, tau_ref, Solver::Jacobi, cpu.math)
    }

    /// Fit the correction as [`fit`](Self::fit), solving the least-squares problem the way
    /// numpy's `dgelsd` does on the given OpenBLAS kernel set (module `dgelsd`), with glibc's
    /// `exp`/`pow` for the curve samples ([`NumpyMath::Libm`]). Bit-identical to BMTK where numpy
    /// runs its scalar math (every CPU without AVX-512) and OpenBLAS runs that kernel set; see
    /// the module docs. With fewer than 11 samples on the rising part of the curve (abs_ref above
    /// ≈ 0.15 s) numpy solves an underdetermined problem; Rall models that for SkylakeX kernels
    /// only (error for Haswell).
    pub fn fit_lapack(abs_ref: f64, tau_ref: f64, kernels: Kernels) -> Result<Self, SpikeError> {
        Self::fit_numpy(abs_ref, tau_ref, kernels, NumpyMath::Libm)
    }

    /// [`fit_lapack`](Self::fit_lapack) with the curve samples numpy computes under `math`.
    pub fn fit_numpy(
        abs_ref: f64,
        tau_ref: f64,
        kernels: Kernels,
        math: NumpyMath,
    ) -> Result<Self, SpikeError> {
        Self::fit_with(abs_ref, tau_ref, Solver::Lapack(kernels), math)
    }

    fn fit_with(
        abs_ref: f64,
        tau_ref: f64,
        solver: Solver,
        math: NumpyMath,
    ) -> Result<Self, SpikeError> {
        let (before, after) = sample_curve(abs_ref, tau_ref, math);
        let mut max_i = 0;
        for i in 1..after.len() {
            if after[i] > after[max_i] {
                max_i = i;
            }
        }
        let max_rate = after[max_i];
        if max_i == 0 || !max_rate.is_finite() {
            return Err(SpikeError::RateCorrection {
                abs_ref,
                tau_ref,
                reason: "the refractory curve has no rising part between 1 and 1000 Hz".into(),
            });
        }
        let x = &after[..max_i];
        let y = &before[..max_i];
        let coefficients =
            polyfit(x, y, DEGREE, solver).ok_or_else(|| SpikeError::RateCorrection {
                abs_ref,
                tau_ref,
                reason: if solver != Solver::Jacobi && x.len() <= DEGREE {
                    format!(
                        "{} samples for 11 coefficients (use the Jacobi fit)",
                        x.len()
                    )
                } else {
                    "least-squares fit did not converge".into()
                },
            })?;
        Ok(RateCorrection {
            coefficients,
            max_rate,
        })
    }

    /// numpy's `polyfit(after, before, 10)` on given samples, solved as
    /// [`fit_lapack`](Self::fit_lapack) does: bit-identical to numpy on that kernel set for the
    /// same samples. `None` with fewer than 11 samples.
    pub fn polyfit_samples(after: &[f64], before: &[f64], kernels: Kernels) -> Option<Vec<f64>> {
        if after.len() != before.len() {
            return None;
        }
        polyfit(after, before, DEGREE, Solver::Lapack(kernels))
    }

    /// Use given coefficients (highest power first) and maximum rate.
    pub fn from_coefficients(coefficients: Vec<f64>, max_rate: f64) -> Self {
        RateCorrection {
            coefficients,
            max_rate,
        }
    }

    /// Evaluate the polynomial (Horner, starting from 0 as numpy's `polyval`).
    pub fn apply(&self, rate: f64) -> f64 {
        let mut y = 0.0;
        for &c in &self.coefficients {
            y = y * rate + c;
        }
        y
    }
}

/// numpy `logspace(0, 3, 40)` (`10**linspace(0, 3, 40)`) under `math`, and the refractory curve at
/// those rates.
pub fn sample_curve(abs_ref: f64, tau_ref: f64, math: NumpyMath) -> (Vec<f64>, Vec<f64>) {
    let before = match math {
        NumpyMath::Libm => {
            let step = 3.0 / (N_SAMPLES - 1) as f64;
            (0..N_SAMPLES)
                .map(|i| {
                    let e = if i == N_SAMPLES - 1 {
                        3.0
                    } else {
                        i as f64 * step
                    };
                    10f64.powf(e)
                })
                .collect()
        }
        NumpyMath::X86V4 => NUMPY_X86_V4_LOGSPACE.to_vec(),
    };
    let after = before
        .iter()
        .map(|&r| {
            if tau_ref != 0.0 {
                (math.exp(-r * abs_ref)
                    - r * math.exp(abs_ref / tau_ref) * tau_ref / (r * tau_ref + 1.0)
                        * math.exp(-(r + 1.0 / tau_ref) * abs_ref))
                    * r
            } else {
                math.exp(-r * abs_ref) * r
            }
        })
        .collect();
    (before, after)
}

/// Which least-squares solver [`polyfit`] uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Solver {
    /// One-sided Jacobi SVD plus one refinement step (any m, n).
    Jacobi,
    /// numpy's `dgelsd` path as it runs on an OpenBLAS kernel set (`m < n` for SkylakeX only).
    Lapack(Kernels),
}

/// Least-squares polynomial fit, numpy `polyfit` conventions (highest power first): Vandermonde
/// columns by repeated multiplication, divided by their 2-norms (sequential sum of squares),
/// `rcond = len(x)·eps`, the solution divided by the norms.
fn polyfit(x: &[f64], y: &[f64], degree: usize, solver: Solver) -> Option<Vec<f64>> {
    let m = x.len();
    let n = degree + 1;
    // Vandermonde, column j holds x^(degree - j); stored column-major.
    let mut a = vec![0.0f64; m * n];
    for i in 0..m {
        let mut p = 1.0;
        for j in (0..n).rev() {
            a[j * m + i] = p;
            p *= x[i];
        }
    }
    let mut scale = vec![0.0f64; n];
    for j in 0..n {
        let col = &mut a[j * m..(j + 1) * m];
        let s = col.iter().map(|v| v * v).sum::<f64>().sqrt();
        scale[j] = if s == 0.0 { 1.0 } else { s };
        for v in col.iter_mut() {
            *v /= scale[j];
        }
    }
    let rcond = m as f64 * f64::EPSILON;
    if let Solver::Lapack(kernels) = solver {
        let c = crate::dgelsd::lstsq(kernels, &a, m, n, y, rcond)?;
        return Some(c.iter().zip(&scale).map(|(c, s)| c / s).collect());
    }
    let mut c = lstsq_jacobi(&a, m, n, y, rcond)?;
    // One step of iterative refinement on the residual.
    let mut r = y.to_vec();
    for i in 0..m {
        let mut s = 0.0;
        for j in 0..n {
            s += a[j * m + i] * c[j];
        }
        r[i] -= s;
    }
    let dc = lstsq_jacobi(&a, m, n, &r, rcond)?;
    for j in 0..n {
        c[j] += dc[j];
    }
    Some(c.iter().zip(&scale).map(|(c, s)| c / s).collect())
}

/// Minimum-norm least squares via one-sided Jacobi SVD. `a` is column-major m×n.
fn lstsq_jacobi(a: &[f64], m: usize, n: usize, y: &[f64], rcond: f64) -> Option<Vec<f64>> {
    let mut u = a.to_vec(); // columns become U·Σ
    let mut v = vec![0.0f64; n * n]; // column-major
    for j in 0..n {
        v[j * n + j] = 1.0;
    }
    // Columns this small are numerically zero (m < n leaves at least n − m of them after
    // orthogonalisation); rotating them against each other would chase rounding noise forever.
    // Their singular values fall below rcond·σmax and are dropped anyway.
    let negligible = 1e-30 * a.iter().map(|x| x * x).sum::<f64>();
    let mut converged = false;
    for _sweep in 0..100 {
        let mut rotated = false;
        for p in 0..n {
            for q in p + 1..n {
                let (mut alpha, mut beta, mut gamma) = (0.0, 0.0, 0.0);
                for i in 0..m {
                    let up = u[p * m + i];
                    let uq = u[q * m + i];
                    alpha += up * up;
                    beta += uq * uq;
                    gamma += up * uq;
                }
                if gamma == 0.0
                    || gamma.abs() <= 1e-15 * (alpha * beta).sqrt()
                    || alpha <= negligible
                    || beta <= negligible
                {
                    continue;
                }
                rotated = true;
                let zeta = (beta - alpha) / (2.0 * gamma);
                let t = zeta.signum() / (zeta.abs() + (1.0 + zeta * zeta).sqrt());
                let t = if zeta == 0.0 { 1.0 } else { t };
                let c = 1.0 / (1.0 + t * t).sqrt();
                let s = c * t;
                for i in 0..m {
                    let up = u[p * m + i];
                    let uq = u[q * m + i];
                    u[p * m + i] = c * up - s * uq;
                    u[q * m + i] = s * up + c * uq;
                }
                for i in 0..n {
                    let vp = v[p * n + i];
                    let vq = v[q * n + i];
                    v[p * n + i] = c * vp - s * vq;
                    v[q * n + i] = s * vp + c * vq;
                }
            }
        }
        if !rotated {
            converged = true;
            break;
        }
    }
    if !converged {
        return None;
    }
    let sigma: Vec<f64> = (0..n)
        .map(|j| {
            u[j * m..(j + 1) * m]
                .iter()
                .map(|x| x * x)
                .sum::<f64>()
                .sqrt()
        })
        .collect();
    let smax = sigma.iter().cloned().fold(0.0, f64::max);
    let mut c = vec![0.0f64; n];
    for j in 0..n {
        if sigma[j] <= rcond * smax || sigma[j] == 0.0 {
            continue;
        }
        // coefficient along singular vector j: (u_j · y) / sigma_j^2 (u holds U·Σ)
        let proj: f64 = (0..m).map(|i| u[j * m + i] * y[i]).sum::<f64>() / (sigma[j] * sigma[j]);
        for k in 0..n {
            c[k] += v[j * n + k] * proj;
        }
    }
    Some(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identity_without_refractoriness() {
        let p = RateCorrection::fit(0.0, 0.0).unwrap();
        assert_eq!(p.max_rate, 1000.0);
        for r in [1.0, 10.0, 50.0, 500.0] {
            assert!((p.apply(r) - r).abs() < 1e-9 * r, "{r} -> {}", p.apply(r));
        }
    }

    #[test]
    fn close_to_numpy_polyfit() {
        // Values from BMTK 1.2.0 fr_corr (numpy lstsq): p(10), p(50), max rate.
        let cases = [
            (
                0.002,
                0.0,
                183.91818862950845,
                10.231084965562935,
                55.997211471835264,
            ),
            (
                0.001,
                0.003,
                122.04305759093616,
                10.501173862163776,
                63.27587296659758,
            ),
            (
                0.0,
                0.005,
                166.66666666666663,
                10.534639803317152,
                66.68425816981497,
            ),
        ];
        for (a, t, lim, p10, p50) in cases {
            let p = RateCorrection::fit(a, t).unwrap();
            assert!((p.max_rate - lim).abs() < 1e-12 * lim);
            assert!(
                (p.apply(10.0) - p10).abs() < 1e-10 * p10,
                "{} vs {p10}",
                p.apply(10.0)
            );
            assert!(
                (p.apply(50.0) - p50).abs() < 1e-10 * p50,
                "{} vs {p50}",
                p.apply(50.0)
            );
        }
    }
}
