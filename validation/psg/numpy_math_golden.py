"""Golden data for Rall's models of numpy's AVX-512 float64 math (crates/rall-spikes/src/npmath.rs).

usage: /opt/ref/bin/python validation/psg/numpy_math_golden.py [out_dir]
       (default validation/golden/psg/)

On CPUs with numpy's X86_V4 feature group (AVX-512 F/CD/BW/DQ/VL) numpy 2.x evaluates float64
`np.exp` and `np.log` with its own SIMD routines, also for Python-float scalars; they differ from
glibc's (correctly rounded) results in the last bit for ~4.6% (exp) and ~0.35% (log) of
arguments. BMTK's PoissonSpikeGenerator calls `np.log` for every interval and `np.exp` in the
refractory rate correction, so its spikes on such CPUs carry these roundings. This script records
numpy's results on seeded arguments in the ranges Rall needs, plus arguments whose exact result
lies close to a rounding boundary (found with 40-digit `decimal` arithmetic) and, for `exp`,
arguments on which Rall's model is most fragile (an internal fused multiply-add within 2e-6 ulp of
a tie; Rust example `npmath_critical_args`, so this script needs cargo), where any model error
shows first. It refuses to run where numpy does not dispatch X86_V4 for these functions.

Output, per function F in (exp, log): `numpy_x86v4_F.bin`, little-endian float64 pairs
(argument, numpy result), and one entry in `numpy_x86v4_math.json` (provenance, counts, recipe).
"""
import datetime
import json
import math
import os
import platform
import subprocess
import sys
from decimal import Decimal, getcontext

import numpy as np

getcontext().prec = 40
SEED = 20261126


def dispatch(name):
    info = np._core._multiarray_umath.__cpu_targets_info__
    return info[name]['dd']['current']


def near_boundary(xs, f_exact, keep):
    """The `keep` arguments whose exact f(x) lies closest (in ulps of the result) to a rounding
    boundary of glibc's result, i.e. to the midpoint between two doubles."""
    scored = []
    for x in xs:
        x = float(x)
        e = f_exact(Decimal(x))
        y = float(e)
        if y == 0.0 or not math.isfinite(y):
            continue
        u = Decimal(math.ulp(y))
        frac = ((e - Decimal(y)) / u)  # in (-0.5, 0.5]
        scored.append((0.5 - abs(float(frac)), x))
    scored.sort()
    return np.array([x for _, x in scored[:keep]])


ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..'))


def model_critical(function, seed, count, lo, hi, margin, keep):
    """Arguments on which Rall's model of `function` is most fragile: some internal fused
    multiply-add lies within `margin` ulps of a rounding tie (crates/rall-spikes/examples/
    npmath_critical_args.rs). numpy's results on them pin the model's coefficients and operation
    order far more tightly than random arguments do."""
    out = subprocess.run(
        ['cargo', 'run', '--quiet', '--release', '-p', 'rall-spikes', '--example',
         'npmath_critical_args', '--', function, str(seed), str(count), repr(lo), repr(hi),
         repr(margin)], cwd=ROOT, check=True, capture_output=True).stdout
    xs = np.frombuffer(out, dtype='<f8')
    return xs[:keep]


def exp_arguments(rng):
    parts = [
        rng.uniform(-200.0, 10.0, 6000),               # -r*abs_ref, -(r + 1/tau)*abs_ref
        -rng.uniform(1.0, 1000.0, 3000) * rng.uniform(0.0, 0.2, 3000),
        rng.uniform(-1.0, 1.0, 2000),
        rng.uniform(-707.7, 707.7, 2000),              # the whole main path
        rng.uniform(-0.05, 0.05, 1000),
        np.array([0.0, -0.0, 1.0, -1.0, 1e-300, -1e-300, 5e-324, -5e-324]),
    ]
    critical = np.concatenate([
        near_boundary(rng.uniform(-200.0, 10.0, 50000), lambda d: d.exp(), 500),
        model_critical('exp', 1, 100_000_000, 0.0, math.log(2) / 16, 2e-6, 2000),
        model_critical('exp', 2, 100_000_000, -200.0, 10.0, 2e-6, 2000),
        model_critical('exp', 3, 100_000_000, -707.7, 707.7, 2e-6, 1500),
    ])
    return np.concatenate(parts + [critical]), len(critical)


def log_arguments(rng):
    # 1 - random_sample(): what BMTK's generators pass to np.log, in (0, 1].
    u = rng.integers(0, 2**53, 12000, dtype=np.int64).astype(np.float64) * 2.0**-53
    near_one = 1.0 - rng.integers(0, 2**53 // 16, 3000, dtype=np.int64).astype(np.float64) * 2.0**-53
    cand = 1.0 - rng.integers(0, 2**53, 150000, dtype=np.int64).astype(np.float64) * 2.0**-53
    critical = near_boundary(cand[cand > 0], lambda d: d.ln(), 2000)
    wide = np.exp(rng.uniform(math.log(1e-300), math.log(1e300), 2000))
    specials = np.array([1.0, 0.5, 2.0, 2.0**-1022, 5e-324, 1e-300, 1e300])
    return np.concatenate([1.0 - u, near_one, wide, specials, critical]), len(critical)


def main():
    out_dir = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), '..', 'golden', 'psg'))
    for name in ('exp', 'log'):
        if dispatch(name) != 'X86_V4':
            sys.exit(f'numpy dispatches {name} to {dispatch(name)}, not X86_V4: run this on a CPU '
                     'with AVX-512 and without NPY_DISABLE_CPU_FEATURES')
    os.makedirs(out_dir, exist_ok=True)
    rng = np.random.default_rng(SEED)
    meta = {
        'produced_by': 'validation/psg/numpy_math_golden.py',
        'date_utc': datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ'),
        'numpy': np.__version__, 'python': platform.python_version(),
        'platform': platform.platform(), 'seed': SEED,
        'format': 'little-endian float64 pairs (argument, numpy result)',
        'functions': {},
    }
    with np.errstate(all='ignore'):
        for name, make, fn in (('exp', exp_arguments, np.exp), ('log', log_arguments, np.log)):
            xs, n_critical = make(rng)
            ys = fn(xs)
            # Scalars go through the same loop (BMTK calls np.log on Python floats).
            for x, y in zip(xs[:200], ys[:200]):
                assert float(fn(float(x))) == float(y) or (math.isnan(y)), (name, x)
            pairs = np.empty(2 * len(xs))
            pairs[0::2] = xs
            pairs[1::2] = ys
            path = os.path.join(out_dir, f'numpy_x86v4_{name}.bin')
            pairs.astype('<f8').tofile(path)
            glibc = np.array([getattr(math, name)(float(x)) if (name == 'exp' and x < 709.7) or
                              (name == 'log' and x > 0) else float(fn(x)) for x in xs])
            differ = int(np.sum(glibc != ys))
            meta['functions'][name] = {
                'file': os.path.basename(path), 'dispatch': dispatch(name), 'n': int(len(xs)),
                'n_rounding_critical': int(n_critical), 'differ_from_glibc': differ,
            }
            print(f'{name}: {len(xs)} arguments ({n_critical} rounding-critical), '
                  f'{differ} differ from glibc')
    with open(os.path.join(out_dir, 'numpy_x86v4_math.json'), 'w') as f:
        json.dump(meta, f, indent=1)
        f.write('\n')


if __name__ == '__main__':
    main()
