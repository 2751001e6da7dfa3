"""Build a one-cell BioNet network for one Allen perisomatic model, optionally with the tutorial's
thalamic feed-forward input (10 virtual nodes, same edge rule as tutorial ch02).

usage: PYTHONHASHSEED=0 python build_network.py <network_dir> <case name from cases.py>
"""
import os
import sys

from bmtk.builder.networks import NetworkBuilder

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cases import CASES  # noqa: E402


def build(network_dir, case):
    if os.environ.get('PYTHONHASHSEED') != '0':
        sys.exit('run with PYTHONHASHSEED=0 (CSV column order depends on it)')
    c = CASES[case]
    os.makedirs(network_dir, exist_ok=True)
    cortex = NetworkBuilder('mcortex')
    for cell in c.get('cells', [c]):
        cortex.add_nodes(cell_name=cell['cell_name'],
                         potential=cell['potential'],
                         model_type='biophysical',
                         model_template='ctdb:Biophys1.hoc',
                         model_processing='aibs_perisomatic',
                         dynamics_params=cell['fit'],
                         morphology=cell['morphology'])
    cortex.build()
    cortex.save_nodes(output_dir=network_dir)
    if c['input'] == 'thalamus':
        thalamus = NetworkBuilder('mthalamus')
        thalamus.add_nodes(N=10, pop_name='tON', potential='exc', model_type='virtual')
        thalamus.add_edges(source={'pop_name': 'tON'}, target=cortex.nodes(),
                           connection_rule=5,
                           syn_weight=0.001,
                           delay=2.0,
                           weight_function=None,
                           target_sections=['basal', 'apical'],
                           distance_range=[0.0, 150.0],
                           dynamics_params='AMPA_ExcToExc.json',
                           model_template='exp2syn')
        thalamus.build()
        thalamus.save_nodes(output_dir=network_dir)
        thalamus.save_edges(output_dir=network_dir)


if __name__ == '__main__':
    build(sys.argv[1], sys.argv[2])
