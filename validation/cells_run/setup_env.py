"""build_env_bionet for one cells_run case (dt 0.1, soma v report; thalamic spikes or IClamp).

usage: python setup_env.py <base_dir> <case>
"""
import os
import sys

from bmtk.utils.sim_setup import build_env_bionet

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cases import CASES, ICLAMP  # noqa: E402


def setup(base_dir, case):
    c = CASES[case]
    base_dir = os.path.abspath(base_dir)
    kw = {}
    if c['input'] == 'thalamus':
        kw['spikes_inputs'] = [('mthalamus', os.path.join(base_dir, 'inputs', 'mthalamus_spikes.h5'))]
    else:
        kw['current_clamp'] = dict(c.get('iclamp', ICLAMP))
    build_env_bionet(base_dir=base_dir,
                     network_dir=os.path.join(base_dir, 'network'),
                     tstop=c['tstop'], dt=0.1,
                     report_vars=c.get('report_vars', ['v']),
                     include_examples=True,
                     compile_mechanisms=True,
                     config_file='config.json',
                     **kw)
    if c.get('extra_reports'):
        # build_env_bionet only writes soma reports: add the case's extra reports (same JSON style)
        import json
        path = os.path.join(base_dir, 'simulation_config.json')
        with open(path) as f:
            sim = json.load(f)
        sim.setdefault('reports', {}).update(c['extra_reports'])
        with open(path, 'w') as f:
            json.dump(sim, f, indent=2)


if __name__ == '__main__':
    setup(sys.argv[1], sys.argv[2])
