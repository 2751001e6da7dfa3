#!/usr/bin/env python
"""Regenerate validation/golden/cells_run from BMTK 1.2.0 + NEURON 9.0.2.

usage: /opt/ref/bin/python validation/cells_run/make_golden.py [case ...]   (default: all cases)

Each case is built and run in its own scratch dir (${RALL_VALIDATION_SCRATCH:-/tmp/rall-validation}/
cells_run/<case>, separate processes: NEURON state is global), then the allowed files are copied to
validation/golden/cells_run/<case>/ and described in <case>/expected/.
"""
import datetime
import hashlib
import json
import os
import platform
import shutil
import subprocess
import sys

import h5py
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, '..', '..'))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, '..', 'common'))
from cases import CASES, ICLAMP  # noqa: E402
import h5json  # noqa: E402
import config_json  # noqa: E402

VENV = os.environ.get('REF_VENV', '/opt/ref')
PY = os.path.join(VENV, 'bin', 'python')
SCRATCH = os.path.join(os.environ.get('RALL_VALIDATION_SCRATCH', '/tmp/rall-validation'), 'cells_run')
GOLDEN = os.path.join(REPO, 'validation', 'golden', 'cells_run')
CH02 = os.path.join(HERE, '..', 'ch02')
# components are not duplicated: the cases point at golden/ch02/components (same free data files)
COMPONENTS_REL = '$BASE_DIR/../../ch02/components'


def env():
    e = dict(os.environ)
    e['PATH'] = os.path.join(VENV, 'bin') + os.pathsep + e.get('PATH', '')
    e['PYTHONHASHSEED'] = '0'
    return e


def sh(args, cwd, log):
    with open(os.path.join(cwd, log), 'w') as f:
        r = subprocess.run(args, cwd=cwd, env=env(), stdout=f, stderr=subprocess.STDOUT)
    if r.returncode != 0:
        print(open(os.path.join(cwd, log)).read()[-3000:])
        sys.exit('{} failed in {}'.format(' '.join(args), cwd))


def sha256(p):
    with open(p, 'rb') as f:
        return hashlib.sha256(f.read()).hexdigest()


def dump(obj, path):
    with open(path, 'w') as f:
        json.dump(obj, f, indent=1)
        f.write('\n')


def run_case(name):
    c = CASES[name]
    d = os.path.join(SCRATCH, name)
    if os.path.exists(d):
        shutil.rmtree(d)
    os.makedirs(d)
    sh([PY, os.path.join(HERE, 'build_network.py'), 'network', name], d, 'build.log')
    if c['input'] == 'thalamus':
        sh([PY, os.path.join(CH02, 'make_inputs.py'), 'inputs/mthalamus_spikes.h5'], d, 'inputs.log')
    sh([PY, os.path.join(HERE, 'setup_env.py'), '.', name], d, 'setup_env.log')
    order = [n['nodes_file'].split('/')[-1] for n in json.load(open(os.path.join(d, 'circuit_config.json')))
             ['networks']['nodes']]
    want = ['mthalamus_nodes.h5', 'mcortex_nodes.h5'] if c['input'] == 'thalamus' else ['mcortex_nodes.h5']
    if order != want:
        sys.exit('{}: node-file order {} (filesystem dependent), expected {}'.format(name, order, want))
    sh([PY, os.path.join(CH02, 'run_bionet.py'), 'config.json', '--dump', os.path.join(d, 'dump')], d, 'run.log')
    return d


def collect(name, scratch):
    c = CASES[name]
    g = os.path.join(GOLDEN, name)
    if os.path.exists(g):
        shutil.rmtree(g)
    os.makedirs(os.path.join(g, 'network'))
    for fn in sorted(os.listdir(os.path.join(scratch, 'network'))):
        if fn.endswith('.h5') or fn.endswith('.csv'):
            shutil.copy2(os.path.join(scratch, 'network', fn), os.path.join(g, 'network', fn))
    if c['input'] == 'thalamus':
        os.makedirs(os.path.join(g, 'inputs'))
        shutil.copy2(os.path.join(scratch, 'inputs', 'mthalamus_spikes.h5'), os.path.join(g, 'inputs'))
    for fn in ['simulation_config.json', 'node_sets.json']:
        shutil.copy2(os.path.join(scratch, fn), os.path.join(g, fn))
    # circuit_config: only the manifest's $COMPONENTS_DIR is rewritten (shared data in golden/ch02)
    cc = json.load(open(os.path.join(scratch, 'circuit_config.json')))
    assert cc['manifest']['$COMPONENTS_DIR'] == '$BASE_DIR/components', cc['manifest']
    cc['manifest']['$COMPONENTS_DIR'] = COMPONENTS_REL
    with open(os.path.join(g, 'circuit_config.json'), 'w') as f:
        json.dump(cc, f, indent=2)
    with open(os.path.join(g, 'config.json'), 'w') as f:
        json.dump({'network': './circuit_config.json', 'simulation': './simulation_config.json'}, f, indent=2)
    os.makedirs(os.path.join(g, 'output'))
    for fn in sorted(os.listdir(os.path.join(scratch, 'output'))):
        if fn.endswith('.h5') or fn == 'log.txt':
            shutil.copy2(os.path.join(scratch, 'output', fn), os.path.join(g, 'output', fn))
    # the components BMTK used must equal the shared copies
    for sub, fn in ([('morphologies', x['morphology']) for x in c.get('cells', [c])] +
                    [('biophysical_neuron_models', x['fit']) for x in c.get('cells', [c])] +
                    [('synaptic_models', 'AMPA_ExcToExc.json')]):
        a = os.path.join(scratch, 'components', sub, fn)
        b = os.path.join(GOLDEN, '..', 'ch02', 'components', sub, fn)
        if sha256(a) != sha256(b):
            sys.exit('{}: {} differs from golden/ch02/components'.format(name, fn))

    exp = os.path.join(g, 'expected')
    os.makedirs(exp)
    cells = c.get('cells', [c])
    summary = {'case': name, 'cells': [{'node_id': i, 'cell_name': x['cell_name'], 'morphology': x['morphology'],
                                        'fit': x['fit']} for i, x in enumerate(cells)],
               'input': c['input'], 'tstop': c['tstop'], 'dt': 0.1}
    if c['input'] == 'iclamp':
        summary['iclamp'] = dict(c.get('iclamp', ICLAMP), location='soma[0](0.5)')
    sp = os.path.join(g, 'output', 'spikes.h5')
    with h5py.File(sp, 'r') as f:
        if 'mcortex' in f.get('spikes', {}):
            ts = f['spikes/mcortex/timestamps'][()]
            ids = f['spikes/mcortex/node_ids'][()]
        else:
            ts, ids = np.zeros(0), np.zeros(0, dtype=np.int64)
    order = np.lexsort((ids, ts))
    summary['n_spikes'] = int(len(ts))
    summary['n_spikes_per_node'] = {str(i): int(np.sum(ids == i)) for i in range(len(cells))}
    summary['spike_times_sorted'] = [float(x) for x in ts[order]]
    summary['spikes_h5'] = h5json.describe_h5(sp, full_limit=10 ** 7)
    vr = os.path.join(g, 'output', 'v_report.h5')
    summary['v_report_h5'] = h5json.describe_h5(vr, full_limit=100)
    if os.path.exists(os.path.join(g, 'output', 'cai_report.h5')):
        summary['cai_report_h5'] = h5json.describe_h5(os.path.join(g, 'output', 'cai_report.h5'), full_limit=100)
    for rep, rc in sorted(c.get('extra_reports', {}).items()):
        summary[rep + '_h5'] = h5json.describe_h5(os.path.join(g, 'output', rc['file_name']), full_limit=300)
        summary[rep + '_config'] = rc
    # check the spike-time convention on this case too: t after k half-step-accumulated steps + 1e-10
    grid, t = {}, 0.0
    for k in range(1, int(round(c['tstop'] / 0.1)) + 1):
        t = (t + 0.05) + 0.05
        grid[k] = t + 1e-10
    summary['spike_times_on_step_grid'] = bool(all(grid[int(round(x / 0.1))] == x for x in ts))
    # robustness of the spike count: the smallest distance of any recorded soma v sample from the
    # -15 mV threshold (detection uses the same per-step values). If a Rall trace is within tol of
    # NEURON's and tol << margin, the detection steps (hence the spike times) must be identical.
    with h5py.File(vr, 'r') as f:
        vv = f['report/mcortex/data'][()]
    summary['threshold_mV'] = -15.0
    summary['threshold_margin_mV'] = float(np.min(np.abs(vv + 15.0)))
    dump(summary, os.path.join(exp, 'summary.json'))
    cwd = os.getcwd()
    try:
        os.chdir(g)
        dump(config_json.resolved_config('config.json'), os.path.join(exp, 'config_resolved.json'))
    finally:
        os.chdir(cwd)
    # geometry once per cell: iclamp cases only, and not for Scnn1a (= golden/ch02/expected/cell_geometry.json)
    wanted = ['synapses.json'] if c['input'] == 'thalamus' else \
        ([] if c.get('cell_name') == 'Scnn1a_473845048' else ['cell_geometry.json'])
    if c.get('cell_name') == 'Scnn1a_473845048' and c['input'] == 'iclamp' and 'cell_geometry.json' not in wanted:
        mine = json.load(open(os.path.join(scratch, 'dump', 'cell_geometry.json')))['cells'][0]['sections']
        ref = json.load(open(os.path.join(GOLDEN, '..', 'ch02', 'expected', 'cell_geometry.json')))['cells'][0]
        if mine != ref['sections']:
            sys.exit('iclamp_Scnn1a geometry differs from golden/ch02 (run ch02/make_golden.sh first?)')
        summary['cell_geometry'] = 'identical to golden/ch02/expected/cell_geometry.json (same cell, fit, dL)'
        dump(summary, os.path.join(exp, 'summary.json'))
    for fn in wanted:
        shutil.copy2(os.path.join(scratch, 'dump', fn), os.path.join(exp, fn))
    with h5py.File(vr, 'r') as f:
        v = f['report/mcortex/data'][()]
    print('{:32s} spikes {:3d}  v[0] {!r}  v[-1] {!r}  on-grid {}  margin {:.3g} mV'.format(
        name, len(ts), float(v[0, 0]), float(v[-1, 0]), summary['spike_times_on_step_grid'],
        summary['threshold_margin_mV']))
    return summary


def main():
    names = sys.argv[1:] or list(CASES)
    for n in names:
        if n not in CASES:
            sys.exit('unknown case ' + n)
    os.makedirs(GOLDEN, exist_ok=True)
    results = {}
    for n in names:
        results[n] = collect(n, run_case(n))
    # provenance over the whole golden/cells_run tree
    import bmtk
    import neuron
    files = {}
    for root, _, fns in os.walk(GOLDEN):
        for fn in sorted(fns):
            p = os.path.join(root, fn)
            rel = os.path.relpath(p, GOLDEN)
            if rel in ('PROVENANCE.json', 'README.md'):
                continue
            files[rel] = {'sha256': sha256(p), 'bytes': os.path.getsize(p)}
    prov_path = os.path.join(GOLDEN, 'PROVENANCE.json')
    prov = json.load(open(prov_path)) if os.path.exists(prov_path) else {}
    prov.update({
        'produced_by': 'validation/cells_run/make_golden.py',
        'date_utc': datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ'),
        'versions': {'bmtk': bmtk.__version__, 'neuron': neuron.__version__, 'numpy': np.__version__,
                     'h5py': h5py.__version__, 'hdf5': h5py.version.hdf5_version,
                     'python': platform.python_version()},
        'platform': platform.platform(), 'pythonhashseed': '0',
        'rewritten': 'config.json paths made relative; circuit_config.json manifest $COMPONENTS_DIR set to '
                     + COMPONENTS_REL,
        'files': dict(sorted(files.items())),
    })
    prov.setdefault('n_spikes', {}).update({n: r['n_spikes'] for n, r in results.items()})
    dump(prov, prov_path)


if __name__ == '__main__':
    main()
