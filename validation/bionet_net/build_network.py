"""A 10-cell recurrent BioNet network (two of each Allen perisomatic cell) with the tutorial's
thalamic feed-forward input, built with BMTK 1.2.0's NetworkBuilder.

usage: PYTHONHASHSEED=0 python build_network.py <network_dir> [net|point|clamps|vars|allactive]
       PYTHONHASHSEED=0 python build_network.py <network_dir> net PER_TYPE   (bench: PER_TYPE
       cells of each of the 5 Allen cells instead of 2; same rules)

Case `point` (build_point below): IntFire1 point cells mixed with a biophysical cell.

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


def build(network_dir, per_type=2):
    if os.environ.get('PYTHONHASHSEED') != '0':
        sys.exit('run with PYTHONHASHSEED=0 (CSV column order depends on it)')
    os.makedirs(network_dir, exist_ok=True)
    net = NetworkBuilder('mcortex')
    for name, fit, pot in CELLS:
        net.add_nodes(N=per_type, cell_name=name, potential=pot, model_type='biophysical',
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


def build_point(network_dir):
    """`mpoint`: 6 nrn:IntFire1 cells (IntFire1_exc_1.json: tau 24 ms, refrac 3 ms) driven by the
    thalamus (instantaneousExc, sign 1: weight = syn_weight * sign * nsyns), recurrent among
    themselves (s -> s+1 mod 6, nsyns 1, w 0.3, delay 1.5) and onto `mcortex` (one Scnn1a cell,
    exp2syn AMPA_ExcToExc basal+apical 0-150 um, nsyns 3, w 0.002, delay 2); the Scnn1a cell
    projects back onto every point cell (instantaneousExc, nsyns 1, w 0.5, delay 1)."""
    if os.environ.get('PYTHONHASHSEED') != '0':
        sys.exit('run with PYTHONHASHSEED=0 (CSV column order depends on it)')
    os.makedirs(network_dir, exist_ok=True)
    cortex = NetworkBuilder('mcortex')
    name, fit, pot = CELLS[0]
    cortex.add_nodes(N=1, cell_name=name, potential=pot, model_type='biophysical',
                     model_template='ctdb:Biophys1.hoc', model_processing='aibs_perisomatic',
                     dynamics_params=fit, morphology=name + '_m.swc')
    cortex.build()
    point = NetworkBuilder('mpoint')
    point.add_nodes(N=6, pop_name='IF', potential='exc', model_type='point_process',
                    model_template='nrn:IntFire1', dynamics_params='IntFire1_exc_1.json')
    point.add_edges(source=point.nodes(), target=point.nodes(),
                    connection_rule=lambda s, t: 1 if t.node_id == (s.node_id + 1) % 6 else 0,
                    syn_weight=0.3, delay=1.5, dynamics_params='instantaneousExc.json')
    point.add_edges(source=point.nodes(), target=cortex.nodes(), connection_rule=3,
                    syn_weight=0.002, delay=2.0, target_sections=['basal', 'apical'],
                    distance_range=[0.0, 150.0], dynamics_params='AMPA_ExcToExc.json',
                    model_template='exp2syn')
    point.build()
    point.save(output_dir=network_dir)
    cortex.add_edges(source=cortex.nodes(), target=point.nodes(), connection_rule=1,
                     syn_weight=0.5, delay=1.0, dynamics_params='instantaneousExc.json')
    cortex.build()
    cortex.save(output_dir=network_dir)
    thalamus = NetworkBuilder('mthalamus')
    thalamus.add_nodes(N=10, pop_name='tON', potential='exc', model_type='virtual')
    thalamus.add_edges(source={'pop_name': 'tON'}, target=point.nodes(),
                       connection_rule=lambda s, t: 2 if (s.node_id + t.node_id) % 3 == 0 else 0,
                       syn_weight=0.2, delay=2.0, dynamics_params='instantaneousExc.json')
    thalamus.add_edges(source={'pop_name': 'tON'}, target=cortex.nodes(), connection_rule=5,
                       syn_weight=0.001, delay=2.0, weight_function=None,
                       target_sections=['basal', 'apical'], distance_range=[0.0, 150.0],
                       dynamics_params='AMPA_ExcToExc.json', model_template='exp2syn')
    thalamus.build()
    thalamus.save(output_dir=network_dir)


def build_clamps(network_dir, n=2):
    """`mcortex` = two Scnn1a cells, no edges (inputs are an IClamp CSV waveform on node 0 and an
    SEClamp on node 1; see make_golden.py)."""
    if os.environ.get('PYTHONHASHSEED') != '0':
        sys.exit('run with PYTHONHASHSEED=0 (CSV column order depends on it)')
    os.makedirs(network_dir, exist_ok=True)
    cortex = NetworkBuilder('mcortex')
    name, fit, pot = CELLS[0]
    cortex.add_nodes(N=n, cell_name=name, potential=pot, model_type='biophysical',
                     model_template='ctdb:Biophys1.hoc', model_processing='aibs_perisomatic',
                     dynamics_params=fit, morphology=name + '_m.swc')
    cortex.build()
    cortex.save(output_dir=network_dir)


def build_allactive(network_dir):
    """`mcortex` = two cells with the all-active fit 318331342_fit.json and
    model_processing aibs_allactive: node 0 on the Scnn1a morphology, node 1 on Rorb (the fit's
    own cell is not among BMTK's free morphologies). IClamp input (make_golden.py)."""
    if os.environ.get('PYTHONHASHSEED') != '0':
        sys.exit('run with PYTHONHASHSEED=0 (CSV column order depends on it)')
    os.makedirs(network_dir, exist_ok=True)
    cortex = NetworkBuilder('mcortex')
    for name in ['Scnn1a_473845048', 'Rorb_325404214']:
        cortex.add_nodes(N=1, cell_name=name + '_allactive', potential='exc', model_type='biophysical',
                         model_template='ctdb:Biophys1.hoc', model_processing='aibs_allactive',
                         dynamics_params='318331342_fit.json', morphology=name + '_m.swc')
    cortex.build()
    cortex.save(output_dir=network_dir)


if __name__ == '__main__':
    if len(sys.argv) > 2 and sys.argv[2] == 'allactive':
        build_allactive(sys.argv[1])
    elif len(sys.argv) > 2 and sys.argv[2] == 'point':
        build_point(sys.argv[1])
    elif len(sys.argv) > 2 and sys.argv[2] == 'clamps':
        build_clamps(sys.argv[1])
    elif len(sys.argv) > 2 and sys.argv[2] == 'vars':
        build_clamps(sys.argv[1], n=1)
    else:
        build(sys.argv[1], int(sys.argv[3]) if len(sys.argv) > 3 else 2)
