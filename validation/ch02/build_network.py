"""Build the BMTK BioNet tutorial ch02 network ("single cell with external feed-forward input").

Calls BMTK's NetworkBuilder exactly as the tutorial does (parameters as in
../../../shared/docs/bmtk-behaviour.md section 0). Run with PYTHONHASHSEED=0: the column order of
the *_types.csv files depends on Python's set iteration order.

usage: PYTHONHASHSEED=0 python build_network.py <network_dir>
"""
import os
import sys

from bmtk.builder.networks import NetworkBuilder


def build(network_dir):
    if os.environ.get('PYTHONHASHSEED') != '0':
        sys.exit('run with PYTHONHASHSEED=0 (CSV column order depends on it)')
    os.makedirs(network_dir, exist_ok=True)

    cortex = NetworkBuilder('mcortex')
    cortex.add_nodes(cell_name='Scnn1a_473845048',
                     potential='exc',
                     model_type='biophysical',
                     model_template='ctdb:Biophys1.hoc',
                     model_processing='aibs_perisomatic',
                     dynamics_params='472363762_fit.json',
                     morphology='Scnn1a_473845048_m.swc')
    cortex.build()
    cortex.save_nodes(output_dir=network_dir)

    thalamus = NetworkBuilder('mthalamus')
    thalamus.add_nodes(N=10,
                       pop_name='tON',
                       potential='exc',
                       model_type='virtual')

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
    build(sys.argv[1] if len(sys.argv) > 1 else 'network')
