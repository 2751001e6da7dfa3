"""Does BMTK's refractory rate correction depend on the CPU? (It does: on numpy's OpenBLAS kernels.)

usage: /opt/ref/bin/python validation/psg/openblas_dependence.py [out.json]
       (default validation/golden/psg/openblas_dependence.json)

numpy's wheels bundle OpenBLAS built with DYNAMIC_ARCH: at load time it picks a kernel set for the
CPU, or the one named by OPENBLAS_CORETYPE. BMTK's fr_corr fits its rate-correction polynomial with
np.polyfit -> np.linalg.lstsq -> LAPACK dgelsd, whose BLAS calls (dnrm2, dgemv, dger, dgemm, drot)
run those kernels. This script runs, in one child process per OPENBLAS_CORETYPE value, BMTK 1.2.0's
fr_corr for several (abs_ref, tau_ref) and the refractory golden case
(validation/golden/psg/refractory_homogeneous.json), and records per kernel set: the poly1d
coefficients (hex), the corrected rate and a digest of the spike timestamps. The summary compares
every kernel set with the default one of this machine.
"""
import hashlib
import json
import os
import subprocess
import sys

CORETYPES = ['', 'Haswell', 'Zen', 'SkylakeX', 'Cooperlake', 'SapphireRapids', 'Sandybridge', 'Nehalem',
             'Prescott']
FITS = [(0.002, 0.001), (0.002, 0.0), (0.001, 0.003), (0.0, 0.005), (0.003, 0.002), (0.0005, 0.0005),
        (0.0, 0.0)]
TRAINS = {'refractory_homogeneous': ('refr', 42, list(range(5)), 30.0, (0.0, 2.0), 0.002, 0.001),
          'refr_50hz_20n': ('r2', 7, list(range(20)), 50.0, (0.0, 3.0), 0.003, 0.002),
          'refr_80hz_20n': ('r3', 11, list(range(20)), 80.0, (0.0, 3.0), 0.001, 0.003)}

CHILD = r'''
import ctypes, glob, hashlib, json, os, sys
import numpy as np
from bmtk.utils.reports.spike_trains import PoissonSpikeGenerator
from bmtk.utils.reports.spike_trains.spike_trains import fr_corr
lib = ctypes.CDLL(glob.glob(os.path.join(os.path.dirname(np.__file__), '..', 'numpy.libs',
                                         'libscipy_openblas*.so'))[0])
lib.scipy_openblas_get_corename64_.restype = ctypes.c_char_p
fits, trains = json.loads(sys.argv[1])
out = {'core': lib.scipy_openblas_get_corename64_().decode(), 'fits': {}, 'trains': {}}
for a, t in fits:
    lim, p = fr_corr(a, t)
    out['fits']['%r,%r' % (a, t)] = [float(c).hex() for c in p.coeffs]
for name, (pop, seed, ids, fr, times, a, t) in trains.items():
    g = PoissonSpikeGenerator(population=pop, seed=seed, output_units='ms')
    g.add(node_ids=ids, firing_rate=fr, times=tuple(times), abs_ref=a, tau_ref=t)
    df = g.to_dataframe(sort_order=None)
    ts = np.ascontiguousarray(df['timestamps'].values, dtype='<f8')
    lim, p = fr_corr(a, t)
    out['trains'][name] = {'n': int(len(ts)), 'rate': float(p(fr)).hex(),
                           'ids_md5': hashlib.md5(np.ascontiguousarray(df['node_ids'].values, dtype='<i8').tobytes()).hexdigest(),
                           'ts_md5': hashlib.md5(ts.tobytes()).hexdigest(), 'ts': ts.tolist()}
print(json.dumps(out))
'''


def main():
    out_path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), '..', 'golden', 'psg', 'openblas_dependence.json')
    runs = {}
    for ct in CORETYPES:
        env = dict(os.environ)
        env.pop('OPENBLAS_CORETYPE', None)
        if ct:
            env['OPENBLAS_CORETYPE'] = ct
        res = subprocess.run([sys.executable, '-c', CHILD, json.dumps([FITS, TRAINS])], env=env,
                             capture_output=True, text=True, check=True)
        runs[ct or 'default'] = json.loads(res.stdout.strip().splitlines()[-1])
    ref = runs['default']
    summary = {}
    for ct, r in runs.items():
        s = {'kernel_set': r['core'],
             'fits_bit_identical_to_default': all(r['fits'][k] == ref['fits'][k] for k in ref['fits']),
             'trains': {}}
        for name, tr in r['trains'].items():
            rt = ref['trains'][name]
            rel = max(abs(a - b) / abs(b) for a, b in zip(tr['ts'], rt['ts'])) if tr['n'] == rt['n'] else None
            s['trains'][name] = {'n': tr['n'], 'same_node_ids': tr['ids_md5'] == rt['ids_md5'],
                                 'timestamps_bit_identical': tr['ts_md5'] == rt['ts_md5'],
                                 'max_rel_timestamp_diff': rel, 'corrected_rate': float.fromhex(tr['rate'])}
        summary[ct or 'default'] = s
    for r in runs.values():
        for tr in r['trains'].values():
            del tr['ts']
    import bmtk
    import numpy as np
    import platform
    doc = {'produced_by': 'validation/psg/openblas_dependence.py',
           'versions': {'bmtk': bmtk.__version__, 'numpy': np.__version__, 'python': platform.python_version()},
           'platform': platform.platform(), 'fits': FITS,
           'trains': {k: dict(zip(['population', 'seed', 'node_ids', 'firing_rate', 'times', 'abs_ref', 'tau_ref'], v))
                      for k, v in TRAINS.items()},
           'summary_vs_default': summary, 'runs': runs}
    with open(out_path, 'w') as f:
        json.dump(doc, f, indent=1)
        f.write('\n')
    for ct, s in summary.items():
        print('%-15s -> %-11s fits==default: %-5s  %s' % (
            ct, s['kernel_set'], s['fits_bit_identical_to_default'],
            '; '.join('%s: ts bit-identical %s, max rel diff %.2e' % (n, t['timestamps_bit_identical'],
                                                                      t['max_rel_timestamp_diff'] or 0.0)
                      for n, t in s['trains'].items())))


if __name__ == '__main__':
    main()
