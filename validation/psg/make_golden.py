"""Golden spike trains from BMTK 1.2.0's PoissonSpikeGenerator.

usage: /opt/ref/bin/python validation/psg/make_golden.py [out_dir]   (default validation/golden/psg)

For every case writes <case>.json (parameters, node_ids, timestamps in generation order, the
refractory/rate-correction polynomial BMTK used) and <case>.csv (BMTK's own to_csv output).
"""
import datetime
import json
import os
import platform
import sys

import numpy as np
import bmtk
from bmtk.utils.reports.spike_trains import PoissonSpikeGenerator
from bmtk.utils.reports.spike_trains.spike_trains import fr_corr

CASES = [
    {'name': 'tutorial_homogeneous',
     'description': 'BMTK tutorial ch02 thalamic input',
     'population': 'mthalamus', 'seed': 100, 'node_ids': list(range(10)), 'firing_rate': 10.0,
     'times': [0.0, 3.0], 'abs_ref': 0, 'tau_ref': 0, 'expect_n': 283},
    {'name': 'inhomogeneous',
     'description': 'rate given as samples over time, linearly interpolated (thinning)',
     'population': 'inhom', 'seed': 7, 'node_ids': list(range(5)), 'firing_rate': [5.0, 20.0, 40.0, 10.0],
     'times': [0.0, 0.5, 1.0, 2.0], 'abs_ref': 0, 'tau_ref': 0, 'expect_n': None},
    {'name': 'refractory_homogeneous',
     'description': 'homogeneous with absolute + relative refractoriness',
     'population': 'refr', 'seed': 42, 'node_ids': list(range(5)), 'firing_rate': 30.0,
     'times': [0.0, 2.0], 'abs_ref': 0.002, 'tau_ref': 0.001, 'expect_n': None},
    {'name': 'refractory_underdetermined',
     'description': 'long absolute refractory period (0.3 s): only 7 samples on the rising part of the '
                    'curve for 11 coefficients, numpy returns the minimum-norm fit (RankWarning)',
     'population': 'slow', 'seed': 3, 'node_ids': list(range(20)), 'firing_rate': 0.5,
     'times': [0.0, 100.0], 'abs_ref': 0.3, 'tau_ref': 0, 'expect_n': None},
    {'name': 'tutorial_seconds',
     'description': 'tutorial train with output_units="s" and scalar times=3.0 (-> (0, 3.0)): same draws, '
                    'timestamps are the raw seconds (no *1000.0)',
     'population': 'mthalamus', 'seed': 100, 'node_ids': list(range(10)), 'firing_rate': 10.0,
     'times': 3.0, 'abs_ref': 0, 'tau_ref': 0, 'expect_n': 283, 'output_units': 's'},
]


def run_case(c, out_dir):
    psg = PoissonSpikeGenerator(population=c['population'], seed=c['seed'],
                                output_units=c.get('output_units', 'ms'))
    fr = c['firing_rate']
    psg.add(node_ids=c['node_ids'], firing_rate=fr if np.isscalar(fr) else list(fr),
            times=tuple(c['times']) if isinstance(c['times'], list) else c['times'],
            abs_ref=c['abs_ref'], tau_ref=c['tau_ref'])
    df = psg.to_dataframe(with_population_col=True)  # generation order (sort_order none)
    node_ids = [int(x) for x in df['node_ids']]
    ts = [float(x) for x in df['timestamps']]
    assert list(df['population'].unique()) == [c['population']]
    # the rate correction BMTK applied (same call as inside add(); deterministic, no RNG use)
    corr = None
    if (not np.isscalar(fr)) or c['abs_ref'] != 0 or c['tau_ref'] != 0:
        max_lim, p = fr_corr(c['abs_ref'], c['tau_ref'])
        corr = {'max_fr_lim': float(max_lim),
                'poly1d_coeffs_highest_first': [float(x) for x in p.coeffs],
                'corrected_rates': [float(x) for x in np.atleast_1d(p(np.asarray(fr, dtype=float)))]}
    n = len(ts)
    if c['expect_n'] is not None and n != c['expect_n']:
        sys.exit('{}: expected {} spikes, got {}'.format(c['name'], c['expect_n'], n))
    csv_path = os.path.join(out_dir, c['name'] + '.csv')
    psg.to_csv(csv_path)
    per_node = {str(i): node_ids.count(i) for i in c['node_ids']}
    out = {
        'case': c['name'], 'description': c['description'],
        'call': 'PoissonSpikeGenerator(population={!r}, seed={}, output_units={!r}).add(node_ids={}, '
                'firing_rate={!r}, times={!r}, abs_ref={!r}, tau_ref={!r})'.format(
                    c['population'], c['seed'], c.get('output_units', 'ms'), c['node_ids'], fr,
                    tuple(c['times']) if isinstance(c['times'], list) else c['times'], c['abs_ref'], c['tau_ref']),
        'params': dict({k: c[k] for k in ['population', 'seed', 'node_ids', 'firing_rate', 'times', 'abs_ref',
                                          'tau_ref']}, output_units=c.get('output_units', 'ms')),
        'units': psg.units(), 'n_spikes': n, 'n_spikes_per_node': per_node,
        'rate_correction': corr,
        'node_ids': node_ids, 'timestamps': ts,
        'csv': os.path.basename(csv_path),
    }
    with open(os.path.join(out_dir, c['name'] + '.json'), 'w') as f:
        json.dump(out, f, indent=1)
        f.write('\n')
    print('{}: {} spikes, per node {}'.format(c['name'], n, per_node))
    return out


def openblas_core():
    """The OpenBLAS kernel set numpy runs with (DYNAMIC_ARCH picks it by CPU unless
    OPENBLAS_CORETYPE is set). np.polyfit's result — hence the refractory timestamps — depends on
    it: see openblas_dependence.py."""
    import ctypes
    import glob
    libs = glob.glob(os.path.join(os.path.dirname(np.__file__), '..', 'numpy.libs', 'libscipy_openblas*.so'))
    if not libs:
        return None
    lib = ctypes.CDLL(libs[0])
    for sym in ('scipy_openblas_get_corename64_', 'scipy_openblas_get_corename'):
        if hasattr(lib, sym):
            f = getattr(lib, sym)
            f.restype = ctypes.c_char_p
            return f().decode()
    return None


def main():
    out_dir = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else
                              os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'golden', 'psg'))
    os.makedirs(out_dir, exist_ok=True)
    summary = {}
    for c in CASES:
        o = run_case(c, out_dir)
        summary[c['name']] = o['n_spikes']
    prov = {'produced_by': 'validation/psg/make_golden.py',
            'date_utc': datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ'),
            'versions': {'bmtk': bmtk.__version__, 'numpy': np.__version__, 'python': platform.python_version()},
            'platform': platform.platform(), 'openblas_core': openblas_core(),
            'OPENBLAS_CORETYPE': os.environ.get('OPENBLAS_CORETYPE'), 'n_spikes': summary}
    with open(os.path.join(out_dir, 'PROVENANCE.json'), 'w') as f:
        json.dump(prov, f, indent=1)
        f.write('\n')


if __name__ == '__main__':
    main()
