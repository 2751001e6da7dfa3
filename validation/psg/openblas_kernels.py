"""Black-box checks of the floating-point behaviour of numpy's bundled OpenBLAS, as modelled by
Rall's crates/rall-spikes/src/dgelsd.rs (which reproduces numpy's lstsq/polyfit bit for bit on the
SkylakeX kernel set).

usage: /opt/ref/bin/python validation/psg/openblas_kernels.py      (exit 0 iff every model holds)

Each BLAS routine is called through ctypes on seeded random inputs (the shapes and strides
dgelsd uses) and compared with a plain-Python model of its operation order; fused multiply-adds
are evaluated exactly with fractions. Also checked: dgelsd equals its six LAPACK stages called one
by one, and numpy.polyfit equals a direct dgelsd call with numpy's column scaling.
Models for the SkylakeX and Haswell kernel sets (chosen by the kernel set OpenBLAS reports): see
the module docs of dgelsd.rs. Run with OPENBLAS_CORETYPE=Haswell to check the Haswell models;
other kernel sets fall back to the SkylakeX models (and are expected to fail some).
"""
import ctypes
import glob
import math
import os
import sys
from fractions import Fraction as F

import numpy as np

LIB = ctypes.CDLL(glob.glob(os.path.join(os.path.dirname(np.__file__), '..', 'numpy.libs',
                                         'libscipy_openblas*.so'))[0])
LIB.scipy_openblas_get_corename64_.restype = ctypes.c_char_p
I64 = ctypes.c_int64
DP = ctypes.POINTER(ctypes.c_double)


def fn(name):
    return getattr(LIB, 'scipy_%s_64_' % name)


def ip(v):
    return ctypes.byref(I64(v))


def dp(v):
    return ctypes.byref(ctypes.c_double(v))


def ch(s):
    return ctypes.c_char_p(s.encode())


def ptr(a):
    return a.ctypes.data_as(DP)


def fma(a, b, c):
    return float(F(a) * F(b) + F(c))


fn('dnrm2').restype = ctypes.c_double


# ---- dnrm2: x87 extended precision ----------------------------------------------------------
def rnd64(q):
    """Fraction q >= 0 rounded to a 64-bit significand, ties to even."""
    if q == 0:
        return F(0)
    e = q.numerator.bit_length() - q.denominator.bit_length()
    if F(2) ** e > q:
        e -= 1
    scale = F(2) ** (63 - e)
    v = q * scale
    fl = v.numerator // v.denominator
    rem = v - fl
    if rem > F(1, 2) or (rem == F(1, 2) and fl % 2 == 1):
        fl += 1
    return F(fl) / scale


def sqrt64(q):
    if q == 0:
        return F(0)
    r = F(math.sqrt(float(q)))
    for _ in range(3):
        r = (r + q / r) / 2
    c = rnd64(r)
    e = c.numerator.bit_length() - c.denominator.bit_length()
    ulp = F(2) ** (e - 63)
    return min([c - ulp, c, c + ulp], key=lambda z: abs(z * z - q))


def nrm2_model(x):
    n = len(x)
    n8 = n - n % 8
    acc = [F(0)] * 4
    for i, v in enumerate(x):
        k = i % 4 if i < n8 else 0
        acc[k] = rnd64(acc[k] + rnd64(F(v) * F(v)))
    total = rnd64(acc[3] + rnd64(rnd64(acc[2] + acc[0]) + acc[1]))
    return float(sqrt64(total))


# ---- dgemv 'T' -------------------------------------------------------------------------------
def gemv_t_model(A, x):
    m, n = A.shape

    def dot(a, kind):
        m1 = m - m % 4
        if kind == 4:
            lanes = [0.0] * 4
            for i in range(m1):
                lanes[i % 4] = fma(a[i], x[i], lanes[i % 4])
            s = (lanes[0] + lanes[2]) + (lanes[1] + lanes[3])
        elif kind == 2:
            lanes = [0.0] * 2
            for i in range(m1):
                lanes[i % 2] = lanes[i % 2] + a[i] * x[i]
            s = lanes[0] + lanes[1]
        else:
            lanes = [0.0] * 4
            for i in range(m1):
                lanes[i % 4] = lanes[i % 4] + a[i] * x[i]
            s = (lanes[0] + lanes[2]) + (lanes[1] + lanes[3])
        if m1 == 0:
            s = 0.0
        t = m - m1
        if t == 1:
            s = fma(a[m1], x[m1], s)
        elif t == 2:
            s = s + fma(a[m1], x[m1], a[m1 + 1] * x[m1 + 1])
        elif t == 3:
            s = s + fma(a[m1 + 2], x[m1 + 2], fma(a[m1], x[m1], a[m1 + 1] * x[m1 + 1]))
        return s

    y = np.zeros(n)
    n4 = n - n % 4
    for j in range(n4):
        y[j] = dot(A[:, j], 4)
    j = n4
    if n % 4 >= 2:
        y[j], y[j + 1] = dot(A[:, j], 2), dot(A[:, j + 1], 2)
        j += 2
    if n % 2 == 1:
        y[j] = dot(A[:, j], 1)
    return y


# ---- dgemv 'N' with strided x ------------------------------------------------------------------
def gemv_n_model(A, x, haswell):
    m, n = A.shape
    m4, n4 = m - m % 4, n - n % 4
    y = np.zeros(m)
    for i in range(m):
        a = A[i]
        if i < m4:
            yi = 0.0
            for b in range(0, n4, 4):
                if haswell:
                    t = fma(a[b + 2], x[b + 2], a[b] * x[b]) + fma(a[b + 3], x[b + 3], a[b + 1] * x[b + 1])
                else:
                    t = fma(a[b], x[b], a[b + 1] * x[b + 1])
                    t = fma(a[b + 2], x[b + 2], t)
                    t = fma(a[b + 3], x[b + 3], t)
                yi = yi + t
            for j in range(n4, n):
                yi = yi + a[j] * x[j]
        else:
            yi = 0.0
            for j in range(n):
                yi = yi + a[j] * x[j] if haswell else fma(a[j], x[j], yi)
        y[i] = yi
    return y


def gemm_tn_model(W, b, haswell):
    k = W.shape[0]
    out = []
    for i in range(k):
        if haswell and i < 8:
            lanes = [fma(W[j + 4, i], b[j + 4], W[j, i] * b[j]) for j in range(4)]
            for kk in range(8, k):
                lanes[0] = fma(W[kk, i], b[kk], lanes[0])
            out.append((lanes[0] + lanes[1]) + (lanes[2] + lanes[3]))
        else:
            s = 0.0
            for j in range(k):
                s = fma(W[j, i], b[j], s)
            out.append(s)
    return np.array(out)


def main():
    core = LIB.scipy_openblas_get_corename64_().decode()
    haswell = core == 'Haswell'
    rng = np.random.default_rng(20261126)
    results = {}

    def tally(name, ok):
        r = results.setdefault(name, [0, 0])
        r[0] += int(ok)
        r[1] += 1

    for _ in range(3000):
        n = int(rng.integers(1, 40))
        inc = int(rng.choice([1, 1, 11, 33]))
        buf = rng.standard_normal(1 + (n - 1) * inc) * 10.0 ** rng.integers(-3, 3)
        tally('dnrm2 (x87 model)', fn('dnrm2')(ip(n), ptr(buf), ip(inc)) == nrm2_model(buf[::inc]))
    for _ in range(300):
        m, n = int(rng.integers(1, 42)), int(rng.integers(1, 12))
        lda = m + int(rng.integers(0, 20))
        incx = int(rng.choice([1, 1, lda]))
        A = np.asfortranarray(rng.standard_normal((lda, n)))
        x = rng.standard_normal(1 + (m - 1) * incx)
        y = np.zeros(n)
        fn('dgemv')(ch('T'), ip(m), ip(n), dp(1.0), ptr(A), ip(lda), ptr(x), ip(incx), dp(0.0), ptr(y), ip(1))
        tally("dgemv 'T'", np.array_equal(y, gemv_t_model(A[:m], x[::incx])))
    for _ in range(300):
        m, n = int(rng.integers(1, 12)), int(rng.integers(1, 12))
        lda = m + int(rng.integers(0, 30))
        A = np.asfortranarray(rng.standard_normal((lda, n)))
        x = rng.standard_normal(1 + (n - 1) * lda)
        y = np.zeros(m)
        fn('dgemv')(ch('N'), ip(m), ip(n), dp(1.0), ptr(A), ip(lda), ptr(x), ip(lda), dp(0.0), ptr(y), ip(1))
        tally("dgemv 'N' (incx = lda)", np.array_equal(y, gemv_n_model(A[:m], x[::lda], haswell)))
    for _ in range(300):
        m, n = int(rng.integers(1, 42)), int(rng.integers(1, 12))
        inc = int(rng.choice([1, 1, 11]))
        A = np.asfortranarray(rng.standard_normal((m, n)))
        x = rng.standard_normal(m)
        yv = rng.standard_normal(1 + (n - 1) * inc)
        alpha = float(rng.standard_normal())
        B = A.copy(order='F')
        fn('dger')(ip(m), ip(n), dp(alpha), ptr(x), ip(1), ptr(yv), ip(inc), ptr(B), ip(m))
        fused = m - m % 16 if haswell else m
        want = np.array([[fma(alpha * yv[j * inc], x[i], A[i, j]) if i < fused else A[i, j] + (alpha * yv[j * inc]) * x[i]
                          for j in range(n)] for i in range(m)])
        tally('dger (fma(alpha*y_j, x_i, a_ij); Haswell: rows >= m&-16 unfused)', np.array_equal(B, want))
    for _ in range(300):
        n = int(rng.integers(1, 14))
        inc = int(rng.choice([1, 11]))
        x = rng.standard_normal(1 + (n - 1) * inc)
        y = rng.standard_normal(1 + (n - 1) * inc)
        th = rng.uniform(0, 6.3)
        c, s = math.cos(th), math.sin(th)
        x0, y0 = x.copy(), y.copy()
        fn('drot')(ip(n), ptr(x), ip(inc), ptr(y), ip(inc), dp(c), dp(s))
        ok = all(x[k * inc] == fma(c, x0[k * inc], s * y0[k * inc]) and
                 y[k * inc] == fma(c, y0[k * inc], -(s * x0[k * inc])) for k in range(n))
        tally('drot (fma(c,x,s*y), fma(c,y,-(s*x)))', ok)
    for _ in range(300):
        k = 11 if haswell else int(rng.integers(1, 26))  # Haswell: measured for k = 11 only
        W = np.asfortranarray(rng.standard_normal((k, k)))
        b = np.asfortranarray(rng.standard_normal((k, 1)))
        C = np.zeros((k, 1), order='F')
        fn('dgemm')(ch('T'), ch('N'), ip(k), ip(1), ip(k), dp(1.0), ptr(W), ip(k), ptr(b), ip(k), dp(0.0),
                    ptr(C), ip(k))
        tally("dgemm 'T','N' n=1", np.array_equal(C[:, 0], gemm_tn_model(W, b[:, 0], haswell)))
    # dgelsd = its stages; polyfit = scaled dgelsd
    for _ in range(20):
        m, n = int(rng.integers(18, 40)), 11
        A = np.asfortranarray(rng.standard_normal((m, n)))
        b = rng.standard_normal(m)
        rc = m * np.finfo(float).eps
        tally('dgelsd == dgeqrf,dormqr,dgebrd,dormbr,dlalsd,dormbr', np.array_equal(dgelsd(A, b, rc), stages(A, b, rc)))
        x = np.sort(rng.uniform(0.5, 200, m))
        y = rng.uniform(1, 300, m)
        lhs = np.vander(x, n)
        scale = np.sqrt((lhs * lhs).sum(axis=0))
        tally('np.polyfit == dgelsd(vander/scale)/scale', np.array_equal(np.polyfit(x, y, n - 1),
                                                                          dgelsd(lhs / scale, y, rc) / scale))
    print('OpenBLAS kernel set:', core)
    bad = 0
    for name, (ok, tot) in results.items():
        print('  %-55s %5d / %d' % (name, ok, tot))
        bad += ok != tot
    return 1 if bad else 0


def dgelsd(A, b, rcond):
    m, n = A.shape
    a = np.asfortranarray(A.copy())
    bb = b.astype(float).copy()
    s = np.zeros(n)
    rank, info = I64(0), I64(0)
    work = np.zeros(20000)
    iwork = np.zeros(20000, dtype=np.int64)
    fn('dgelsd')(ip(m), ip(n), ip(1), ptr(a), ip(m), ptr(bb), ip(m), ptr(s), dp(rcond), ctypes.byref(rank),
                 ptr(work), ip(len(work)), iwork.ctypes.data_as(ctypes.POINTER(I64)), ctypes.byref(info))
    return bb[:n].copy()


def stages(A, b, rcond):
    m, n = A.shape
    a = np.asfortranarray(A.copy())
    bb = b.astype(float).copy()
    W = np.zeros(20000)
    info = I64(0)
    tau = np.zeros(n)
    fn('dgeqrf')(ip(m), ip(n), ptr(a), ip(m), ptr(tau), ptr(W), ip(len(W)), ctypes.byref(info))
    fn('dormqr')(ch('L'), ch('T'), ip(m), ip(1), ip(n), ptr(a), ip(m), ptr(tau), ptr(bb), ip(m), ptr(W), ip(len(W)),
                 ctypes.byref(info))
    r = np.asfortranarray(np.triu(a[:n, :n]))
    d, e, tq, tp = np.zeros(n), np.zeros(n - 1), np.zeros(n), np.zeros(n)
    fn('dgebrd')(ip(n), ip(n), ptr(r), ip(n), ptr(d), ptr(e), ptr(tq), ptr(tp), ptr(W), ip(len(W)), ctypes.byref(info))
    c = np.asfortranarray(bb[:n].copy())
    fn('dormbr')(ch('Q'), ch('L'), ch('T'), ip(n), ip(1), ip(n), ptr(r), ip(n), ptr(tq), ptr(c), ip(n), ptr(W),
                 ip(len(W)), ctypes.byref(info))
    rank = I64(0)
    iw = np.zeros(20000, dtype=np.int64)
    fn('dlalsd')(ch('U'), ip(25), ip(n), ip(1), ptr(d), ptr(e), ptr(c), ip(n), dp(rcond), ctypes.byref(rank), ptr(W),
                 iw.ctypes.data_as(ctypes.POINTER(I64)), ctypes.byref(info))
    fn('dormbr')(ch('P'), ch('L'), ch('N'), ip(n), ip(1), ip(n), ptr(r), ip(n), ptr(tp), ptr(c), ip(n), ptr(W),
                 ip(len(W)), ctypes.byref(info))
    return c


if __name__ == '__main__':
    sys.exit(main())
