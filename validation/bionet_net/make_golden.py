#!/usr/bin/env python
"""Regenerate validation/golden/bionet_net (10-cell recurrent network) with BMTK 1.2.0 + NEURON 9.0.2.

usage: /opt/ref/bin/python validation/bionet_net/make_golden.py [net|point]
  net   (default) the 10-cell recurrent network -> golden/bionet_net
  point IntFire1 point cells + one Scnn1a cell  -> golden/bionet_point
  allactive two cells with the all-active fit 318331342 (aibs_allactive), IClamp -> golden/bionet_allactive
  vars   one Scnn1a cell, IClamp, soma reports of ica and m_NaTs -> golden/bionet_vars
  clamps two Scnn1a cells: IClamp CSV waveform (node 0), SEClamp (node 1) -> golden/bionet_clamps

Scratch: ${RALL_VALIDATION_SCRATCH:-/tmp/rall-validation}/bionet_net. Reuses ch02's make_inputs.py
(283 thalamic spikes, seed 100) and run_bionet.py (--dump writes synapses.json from the live
NEURON objects after the run). tstop 1000 ms, dt 0.1 ms, soma v report of all 10 cells.
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
CH02 = os.path.join(HERE, '..', 'ch02')
VENV = os.environ.get('REF_VENV', '/opt/ref')
PY = os.path.join(VENV, 'bin', 'python')
CASE = sys.argv[1] if len(sys.argv) > 1 else 'net'
if CASE not in ('net', 'point', 'clamps', 'allactive', 'vars'):
    sys.exit('case must be net, point, clamps, allactive or vars')
NAME = 'bionet_' + CASE
SCRATCH = os.path.join(os.environ.get('RALL_VALIDATION_SCRATCH', '/tmp/rall-validation'), NAME)
GOLDEN = os.path.join(REPO, 'validation', 'golden', NAME)


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


SETUP = """
import os
from bmtk.utils.sim_setup import build_env_bionet
base = os.path.abspath('.')
build_env_bionet(base_dir=base, network_dir=os.path.join(base, 'network'), tstop=1000.0, dt=0.1,
                 report_vars=['v'], include_examples=True, compile_mechanisms=True,
                 spikes_inputs=[('mthalamus', os.path.join(base, 'inputs', 'mthalamus_spikes.h5'))],
                 config_file='config.json')
"""


SETUP_CLAMPS = """
import json, os
from bmtk.utils.sim_setup import build_env_bionet
base = os.path.abspath('.')
build_env_bionet(base_dir=base, network_dir=os.path.join(base, 'network'), tstop=700.0, dt=0.1,
                 report_vars=['v'], include_examples=True, compile_mechanisms=True,
                 config_file='config.json')
os.makedirs('inputs', exist_ok=True)
with open('inputs/waveform.csv', 'w') as f:
    f.write('timestamps amps\\n100.0 0.25\\n200.0 0.4\\n300.0 0.15\\n400.0 0.0\\n')
with open('simulation_config.json') as f:
    sim = json.load(f)
sim['inputs'] = {
    'wave': {'input_type': 'csv', 'module': 'IClamp', 'file': '$BASE_DIR/inputs/waveform.csv',
             'node_set': {'population': 'mcortex', 'node_id': [0]}},
    'vclamp': {'input_type': 'voltage_clamp', 'module': 'SEClamp', 'amp': -50.0, 'delay': 200.0,
               'duration': 300.0, 'resistance': 0.01,
               'node_set': {'population': 'mcortex', 'node_id': [1]}},
}
with open('simulation_config.json', 'w') as f:
    json.dump(sim, f, indent=2)
"""


SETUP_ALLACTIVE = """
import os
from bmtk.utils.sim_setup import build_env_bionet
base = os.path.abspath('.')
build_env_bionet(base_dir=base, network_dir=os.path.join(base, 'network'), tstop=1000.0, dt=0.1,
                 report_vars=['v', 'cai'], include_examples=True, compile_mechanisms=True,
                 current_clamp={'amp': 1.5, 'delay': 100.0, 'duration': 700.0},
                 config_file='config.json')
os.makedirs('inputs', exist_ok=True)
"""


SETUP_VARS = """
import json, os
from bmtk.utils.sim_setup import build_env_bionet
base = os.path.abspath('.')
build_env_bionet(base_dir=base, network_dir=os.path.join(base, 'network'), tstop=500.0, dt=0.1,
                 report_vars=['v'], include_examples=True, compile_mechanisms=True,
                 current_clamp={'amp': 0.3, 'delay': 100.0, 'duration': 300.0},
                 config_file='config.json')
os.makedirs('inputs', exist_ok=True)
with open('simulation_config.json') as f:
    sim = json.load(f)
sim['reports']['ica_report'] = {'variable_name': 'ica', 'cells': 'all', 'module': 'membrane_report',
                                'sections': 'soma'}
sim['reports']['m_report'] = {'variable_name': 'm_NaTs', 'cells': 'all', 'module': 'membrane_report',
                              'sections': 'soma'}
with open('simulation_config.json', 'w') as f:
    json.dump(sim, f, indent=2)
"""


def main():
    if os.path.exists(SCRATCH):
        shutil.rmtree(SCRATCH)
    os.makedirs(SCRATCH)
    d = SCRATCH
    sh([PY, os.path.join(HERE, 'build_network.py'), 'network', CASE], d, 'build.log')
    if CASE not in ('clamps', 'allactive', 'vars'):
        sh([PY, os.path.join(CH02, 'make_inputs.py'), 'inputs/mthalamus_spikes.h5'], d, 'inputs.log')
    with open(os.path.join(d, 'setup_env.py'), 'w') as f:
        f.write({'clamps': SETUP_CLAMPS, 'allactive': SETUP_ALLACTIVE, 'vars': SETUP_VARS}.get(CASE, SETUP))
    sh([PY, 'setup_env.py'], d, 'setup_env.log')
    sh([PY, os.path.join(CH02, 'run_bionet.py'), 'config.json', '--dump', os.path.join(d, 'dump')], d, 'run.log')

    g = GOLDEN
    if os.path.exists(g):
        shutil.rmtree(g)
    os.makedirs(os.path.join(g, 'network'))
    for fn in sorted(os.listdir(os.path.join(d, 'network'))):
        if fn.endswith('.h5') or fn.endswith('.csv'):
            shutil.copy2(os.path.join(d, 'network', fn), os.path.join(g, 'network', fn))
    os.makedirs(os.path.join(g, 'inputs'))
    for fn in sorted(os.listdir(os.path.join(d, 'inputs'))):
        shutil.copy2(os.path.join(d, 'inputs', fn), os.path.join(g, 'inputs'))
    for fn in ['simulation_config.json', 'node_sets.json']:
        shutil.copy2(os.path.join(d, fn), os.path.join(g, fn))
    cc = json.load(open(os.path.join(d, 'circuit_config.json')))
    assert cc['manifest']['$COMPONENTS_DIR'] == '$BASE_DIR/components', cc['manifest']
    cc['manifest']['$COMPONENTS_DIR'] = '$BASE_DIR/../ch02/components'
    with open(os.path.join(g, 'circuit_config.json'), 'w') as f:
        json.dump(cc, f, indent=2)
    with open(os.path.join(g, 'config.json'), 'w') as f:
        json.dump({'network': './circuit_config.json', 'simulation': './simulation_config.json'}, f, indent=2)
    os.makedirs(os.path.join(g, 'output'))
    for fn in ['spikes.h5', 'v_report.h5', 'cai_report.h5', 'ica_report.h5', 'm_report.h5', 'log.txt']:
        if not os.path.exists(os.path.join(d, 'output', fn)):
            continue
        shutil.copy2(os.path.join(d, 'output', fn), os.path.join(g, 'output', fn))
    os.makedirs(os.path.join(g, 'expected'))
    shutil.copy2(os.path.join(d, 'dump', 'synapses.json'), os.path.join(g, 'expected', 'synapses.json'))

    with h5py.File(os.path.join(g, 'output', 'spikes.h5'), 'r') as f:
        ts = f['spikes/mcortex/timestamps'][()] if 'mcortex' in f['spikes'] else np.zeros(0)
        ids = f['spikes/mcortex/node_ids'][()] if 'mcortex' in f['spikes'] else np.zeros(0)
        other = {p: int(len(f['spikes'][p]['timestamps'])) for p in f['spikes'] if p != 'mcortex'}
    with h5py.File(os.path.join(g, 'output', 'v_report.h5'), 'r') as f:
        v = f['report/mcortex/data'][()]
        node_ids = f['report/mcortex/mapping/node_ids'][()]
    syn = json.load(open(os.path.join(g, 'expected', 'synapses.json')))
    summary = {
        'n_spikes': int(len(ts)),
        'n_spikes_per_node': {str(i): int(np.sum(ids == i)) for i in range(10)},
        'n_spikes_other_populations': other,
        'report_node_ids': [int(x) for x in node_ids],
        'n_synapses': {str(c['gid']): c['n_synapses'] for c in syn['cells']},
        'recurrent_synapses': sum(1 for c in syn['cells'] for s in c['synapses'] if not s['is_virtual_source']),
        'threshold_margin_mV': float(np.min(np.abs(v + 15.0))),
    }
    with open(os.path.join(g, 'expected', 'summary.json'), 'w') as f:
        json.dump(summary, f, indent=1)
    import bmtk
    import neuron
    files = {}
    for root, _, fns in os.walk(g):
        for fn in sorted(fns):
            p = os.path.join(root, fn)
            files[os.path.relpath(p, g)] = {'sha256': hashlib.sha256(open(p, 'rb').read()).hexdigest(),
                                            'bytes': os.path.getsize(p)}
    prov = {'produced_by': 'validation/bionet_net/make_golden.py ' + CASE,
            'date_utc': datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ'),
            'versions': {'bmtk': bmtk.__version__, 'neuron': neuron.__version__, 'numpy': np.__version__,
                         'h5py': h5py.__version__, 'python': platform.python_version()},
            'platform': platform.platform(), 'pythonhashseed': '0', 'files': files}
    with open(os.path.join(g, 'PROVENANCE.json'), 'w') as f:
        json.dump(prov, f, indent=1)
    print(json.dumps(summary, indent=1))


if __name__ == '__main__':
    main()
