"""A 10-cell recurrent BioNet network (two of each Allen perisomatic cell) with the tutorial's
thalamic feed-forward input, built with BMTK 1.2.0's NetworkBuilder.

usage: PYTHONHASHSEED=0 python build_network.py <network_dir>

mcortex node ids 0..9: Scnn1a x2, Rorb x2, Nr5a1 x2 (exc), PV1 x2, PV2 x2 (inh).
Recurrent edges (deterministic rules, no RNG in the builder):
  exc->exc  AMPA_ExcToExc  exp2syn  basal+apical 0-150 um    w 0.002  delay 2.0  nsyns 2 where (s+2t) % 3 == 0
  exc->inh  AMPA_ExcToInh  exp2syn  somatic+basal 0-1e20     w 0.002  delay 1.5  nsyns 3 where (s+t) % 2 == 0
  inh->exc  GABA_InhToExc  exp2syn  somatic+basal 0-50 um    w 0.003  delay 1.0  nsyns 2 where (s+t) % 2 == 1, weight_function wmax
  inh->inh  GABA_InhToInh  exp2syn  somatic+basal 0-1e20     w 0.002  delay 1.0  nsyns 1 where s != t
Thalamus: 10 virtual nodes -> every mcortex cell, 5 synapses per pair, w 0.001, delay 2.0, as ch02.
"""
import os
import sys

from bmtk.builder.networks import NetworkBuilder

CELLS = [
    ('Scnn1a_473845048', '472363762_fit.json', 'exc'),
    ('Rorb_325404214', '473863510_fit.json', 'exc'),
    ('Nr5a1_471087815', '473863035_fit.json', 'exc'),
    ('Pvalb_470522102', '472912177_fit.json', 'inh'),
    ('Pvalb_469628681', '473862421_fit.json', 'inh'),
]


def rule(n, cond):
    def f(source, target):
        s, t = source.node_id, target.node_id
        return n if (s != t and cond(s, t)) else 0
    return f


def build(network_dir):
    if os.environ.get('PYTHONHASHSEED') != '0':
        sys.exit('run with PYTHONHASHSEED=0 (CSV column order depends on it)')
    os.makedirs(network_dir, exist_ok=True)
    net = NetworkBuilder('mcortex')
    for name, fit, pot in CELLS:
        net.add_nodes(N=2, cell_name=name, potential=pot, model_type='biophysical',
                      model_template='ctdb:Biophys1.hoc', model_processing='aibs_perisomatic',
                      dynamics_params=fit, morphology=name + '_m.swc')
    common = dict(model_template='exp2syn')
    net.add_edges(source={'potential': 'exc'}, target={'potential': 'exc'},
                  connection_rule=rule(2, lambda s, t: (s + 2 * t) % 3 == 0),
                  syn_weight=0.002, delay=2.0, target_sections=['basal', 'apical'],
                  distance_range=[0.0, 150.0], dynamics_params='AMPA_ExcToExc.json', **common)
    net.add_edges(source={'potential': 'exc'}, target={'potential': 'inh'},
                  connection_rule=rule(3, lambda s, t: (s + t) % 2 == 0),
                  syn_weight=0.002, delay=1.5, target_sections=['somatic', 'basal'],
                  distance_range=[0.0, 1e20], dynamics_params='AMPA_ExcToInh.json', **common)
    net.add_edges(source={'potential': 'inh'}, target={'potential': 'exc'},
                  connection_rule=rule(2, lambda s, t: (s + t) % 2 == 1),
                  syn_weight=0.003, delay=1.0, weight_function='wmax',
                  target_sections=['somatic', 'basal'], distance_range=[0.0, 50.0],
                  dynamics_params='GABA_InhToExc.json', **common)
    net.add_edges(source={'potential': 'inh'}, target={'potential': 'inh'},
                  connection_rule=rule(1, lambda s, t: True),
                  syn_weight=0.002, delay=1.0, target_sections=['somatic', 'basal'],
                  distance_range=[0.0, 1e20], dynamics_params='GABA_InhToInh.json', **common)
    net.build()
    net.save(output_dir=network_dir)

    thalamus = NetworkBuilder('mthalamus')
    thalamus.add_nodes(N=10, pop_name='tON', potential='exc', model_type='virtual')
    thalamus.add_edges(source={'pop_name': 'tON'}, target=net.nodes(), connection_rule=5,
                       syn_weight=0.001, delay=2.0, weight_function=None,
                       target_sections=['basal', 'apical'], distance_range=[0.0, 150.0],
                       dynamics_params='AMPA_ExcToExc.json', model_template='exp2syn')
    thalamus.build()
    thalamus.save(output_dir=network_dir)


if __name__ == '__main__':
    build(sys.argv[1])
