"""Golden data for Rall's numpy-faithful rate-correction fit (RateCorrection::fit_lapack,
polyfit_samples): BMTK 1.2.0's fr_corr samples and coefficients, and refractory spike trains.

usage: /opt/ref/bin/python validation/psg/polyfit_golden.py [out.json]
       (default validation/golden/psg/polyfit_cases.json)

Three configurations, each in its own child process:
  * "default": numpy as it runs on this machine (AVX-512 SIMD math: np.exp and np.power differ
    from glibc in the last bit for ~5% of arguments), OpenBLAS kernel set chosen by CPU (SkylakeX).
  * "no_avx512_math": NPY_DISABLE_CPU_FEATURES="X86_V4 AVX512_ICL AVX512_SPR" — numpy's exp/power
    then equal glibc's, as on a CPU without AVX-512; OpenBLAS unchanged (SkylakeX).
  * "haswell_no_avx512_math": the same plus OPENBLAS_CORETYPE=Haswell — what numpy runs on an
    AVX2 CPU without AVX-512 (Haswell … Zen 3 pick the Haswell kernel set).
Per configuration and case (abs_ref, tau_ref): the samples BMTK fits (fr_afters[:max_ind],
fr_befores[:max_ind]), the poly1d coefficients and max_fr_lim (all as float.hex), and for
the two "no_avx512_math" configurations also refractory PoissonSpikeGenerator trains (node_ids, timestamps).
The OpenBLAS kernel set and numpy's enabled CPU features are recorded per configuration.
"""
import json
import os
import platform
import subprocess
import sys

import numpy as np

NO_AVX512 = 'X86_V4 AVX512_ICL AVX512_SPR'


def cases():
    out = [(0.002, 0.001), (0.002, 0.0), (0.001, 0.003), (0.0, 0.005), (0.003, 0.002), (0.0005, 0.0005),
           (0.0, 0.0), (0.01, 0.0), (0.03, 0.0), (0.05, 0.01), (0.08, 0.0), (0.1, 0.0), (0.0, 0.05), (0.0, 0.1)]
    rng = np.random.default_rng(20261126)
    while len(out) < 40:
        a = round(float(rng.uniform(0, 0.02)), 4) if rng.uniform() < 0.8 else 0.0
        t = round(float(rng.uniform(0, 0.02)), 4) if rng.uniform() < 0.8 else 0.0
        if (a, t) not in out:
            out.append((a, t))
    # Long absolute refractory periods: 3 … 10 samples for 11 coefficients (numpy's polyfit warns
    # and returns dgelsd's minimum-norm solution; both of dgelsd's underdetermined paths).
    return out + [(0.16, 0.0), (0.2, 0.01), (0.22, 0.05), (0.25, 0.0), (0.3, 0.0), (0.35, 0.05),
                  (0.4, 0.01), (0.5, 0.0), (0.6, 0.01)]


TRAINS = [
    # name, population, seed, node_ids, firing_rate, times, abs_ref, tau_ref
    ('refractory_homogeneous', 'refr', 42, list(range(5)), 30.0, [0.0, 2.0], 0.002, 0.001),
    ('refr_50hz', 'r2', 7, list(range(6)), 50.0, [0.0, 3.0], 0.003, 0.002),
    ('refr_80hz', 'r3', 11, list(range(4)), 80.0, [0.0, 3.0], 0.001, 0.003),
    ('refr_abs_only', 'r4', 3, list(range(10)), 20.0, [0.0, 2.0], 0.005, 0.0),
    ('refr_tau_only', 'r5', 5, list(range(10)), 40.0, [0.5, 2.5], 0.0, 0.004),
]

CHILD = r'''
import ctypes, glob, json, os, sys, warnings
warnings.simplefilter('ignore')  # RankWarning of the underdetermined fits
import numpy as np
from numpy._core._multiarray_umath import __cpu_features__
from bmtk.utils.reports.spike_trains import PoissonSpikeGenerator
from bmtk.utils.reports.spike_trains.spike_trains import fr_corr
lib = ctypes.CDLL(glob.glob(os.path.join(os.path.dirname(np.__file__), '..', 'numpy.libs',
                                         'libscipy_openblas*.so'))[0])
lib.scipy_openblas_get_corename64_.restype = ctypes.c_char_p
cases, trains = json.loads(sys.argv[1])
out = {'openblas_core': lib.scipy_openblas_get_corename64_().decode(),
       'numpy_cpu_features': sorted(k for k, v in __cpu_features__.items() if v), 'cases': [], 'trains': {}}
for a, t in cases:
    if t != 0:
        f = lambda fb: (np.exp(-fb * a) - fb * np.exp(a / t) * t / (fb * t + 1) * (np.exp(-(fb + 1 / t) * a))) * fb
    else:
        f = lambda fb: np.exp(-fb * a) * fb
    fb = np.logspace(0, 3, 40)
    fa = f(fb)
    mi = int(np.argmax(fa))
    lim, p = fr_corr(a, t)
    assert float(lim) == float(np.max(fa))
    out['cases'].append({'abs_ref': a, 'tau_ref': t, 'n_samples': mi,
                         'after': [float(v).hex() for v in fa[:mi]], 'before': [float(v).hex() for v in fb[:mi]],
                         'coefficients': [float(c).hex() for c in p.coeffs], 'max_fr_lim': float(lim).hex()})
for name, pop, seed, ids, fr, times, a, t in trains:
    g = PoissonSpikeGenerator(population=pop, seed=seed, output_units='ms')
    g.add(node_ids=ids, firing_rate=fr, times=tuple(times), abs_ref=a, tau_ref=t)
    df = g.to_dataframe(sort_order=None)
    lim, p = fr_corr(a, t)
    out['trains'][name] = {'population': pop, 'seed': seed, 'node_ids_in': ids, 'firing_rate': fr, 'times': times,
                           'abs_ref': a, 'tau_ref': t, 'corrected_rate': float(p(fr)).hex(),
                           'node_ids': [int(v) for v in df['node_ids']],
                           'timestamps': [float(v) for v in df['timestamps']]}
print(json.dumps(out))
'''


def run(disable, coretype=None):
    env = dict(os.environ)
    env.pop('NPY_DISABLE_CPU_FEATURES', None)
    env.pop('OPENBLAS_CORETYPE', None)
    if disable:
        env['NPY_DISABLE_CPU_FEATURES'] = disable
    if coretype:
        env['OPENBLAS_CORETYPE'] = coretype
    res = subprocess.run([sys.executable, '-c', CHILD, json.dumps([cases(), TRAINS])], env=env,
                         capture_output=True, text=True, check=True)
    return json.loads(res.stdout.strip().splitlines()[-1])


def main():
    out_path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), '..', 'golden', 'psg', 'polyfit_cases.json')
    import bmtk
    default = run(None)
    noavx = run(NO_AVX512)
    haswell = run(NO_AVX512, 'Haswell')
    del default['trains']  # trains of the default configuration: refractory_homogeneous.json
    doc = {'produced_by': 'validation/psg/polyfit_golden.py',
           'versions': {'bmtk': bmtk.__version__, 'numpy': np.__version__, 'python': platform.python_version()},
           'platform': platform.platform(),
           'configurations': {'default': default,
                              'no_avx512_math': dict(noavx, NPY_DISABLE_CPU_FEATURES=NO_AVX512),
                              'haswell_no_avx512_math': dict(haswell, NPY_DISABLE_CPU_FEATURES=NO_AVX512,
                                                             OPENBLAS_CORETYPE='Haswell')}}
    with open(out_path, 'w') as f:
        json.dump(doc, f, indent=1)
        f.write('\n')
    same = sum(c1['coefficients'] == c2['coefficients'] for c1, c2 in zip(default['cases'], noavx['cases']))
    same_hw = sum(c1['coefficients'] == c2['coefficients'] for c1, c2 in zip(noavx['cases'], haswell['cases']))
    print('%d cases; coefficients equal default/no_avx512 in %d, no_avx512 SkylakeX/Haswell in %d; '
          'OpenBLAS %s / %s / %s; trains: %s' % (
        len(default['cases']), same, same_hw, default['openblas_core'], noavx['openblas_core'], haswell['openblas_core'],
        ', '.join('%s %d spikes' % (k, len(v['timestamps'])) for k, v in noavx['trains'].items())))


if __name__ == '__main__':
    main()
