"""Golden files for rall-builder's `rich_network` test, built with BMTK 1.2.0's NetworkBuilder.

usage: PYTHONHASHSEED=0 /opt/ref/bin/python make_rich.py OUT_DIR   (writes OUT_DIR/*.h5, *.csv)
Committed output: tests/golden/rich/. The Rust test builds the same networks (same rules) and
compares: nodes files dataset by dataset; edges files as sets of rows (BMTK's target sort is
numpy's unstable argsort, so equal-target rows may come in another order) plus sortedness and
index consistency; type CSVs by column name.
"""
import os
import sys

from bmtk.builder.networks import NetworkBuilder


def build(out):
    if os.environ.get('PYTHONHASHSEED') != '0':
        sys.exit('run with PYTHONHASHSEED=0')
    os.makedirs(out, exist_ok=True)
    lgn = NetworkBuilder('lgn')
    lgn.add_nodes(N=3, model_type='virtual', ei='e', rate=[1.5, 2.5, 3.5])
    lgn.build()
    lgn.save_nodes(output_dir=out)

    v1 = NetworkBuilder('v1')
    v1.add_nodes(N=4, ei='e', model_type='biophysical', layer=['L2', 'L4', 'L4', 'L5'],
                 x=[0.0, 10.0, 20.0, 30.0], tags=('a', 1))
    v1.add_nodes(N=3, node_id=[20, 21, 7], ei='i', model_type='biophysical',
                 layer=['L4', 'L4', 'L5'], x=[5.0, 15.0, 25.0])
    v1.add_nodes(N=2, ei='e', model_type='point_neuron', node_type_id=300,
                 positions=[(1.0, 2.0, 3.0), (4.0, 5.0, 6.0)], depth=0.25)
    v1.add_nodes(N=2, ei='e', model_type='biophysical', layer=['L6', 'L6'], x=[40.0, 50.0])

    def ee(s, t):
        n = (s.node_id + 2 * t.node_id) % 3
        return n if s.node_id != t.node_id else None

    cm = v1.add_edges(source={'ei': 'e'}, target={'ei': 'e', 'model_type': 'biophysical'},
                      connection_rule=ee, syn_weight=0.5, model_template='exp2syn',
                      dynamics_params='AMPA.json')
    cm.add_properties('delay', rule=lambda s, t: 1.0 + 0.1 * ((s.node_id * 7 + t.node_id) % 5),
                      dtypes=float)
    cm.add_properties(['sec_id', 'sec_x'],
                      rule=lambda s, t: ((s.node_id + t.node_id) % 4, 0.25 * (t.node_id % 3)),
                      dtypes=[int, float])
    v1.add_edges(source={'ei': 'i'}, target={'ei': 'e'}, connection_rule=2, edge_type_id=500,
                 syn_weight=-1.0, target_sections=['somatic'], distance_range=[0.0, 1e20])

    def e_to_all_i(s, targets):
        return [(s.node_id + t.node_id) % 2 for t in targets]

    v1.add_edges(source={'ei': 'e', 'layer': 'L4'}, target={'ei': 'i'},
                 connection_rule=e_to_all_i, iterator='one_to_all', syn_weight=0.25)
    v1.build()
    v1.save(output_dir=out)

    lgn_nodes = lgn.nodes()
    v1.add_nodes  # noqa (v1 already saved; cross-network edges come from a second builder)
    lgn2 = NetworkBuilder('lgn')
    lgn2.import_nodes(os.path.join(out, 'lgn_nodes.h5'), os.path.join(out, 'lgn_node_types.csv'))

    def all_to_one(sources, t):
        return [1 + (s.node_id + t.node_id) % 2 for s in sources]

    lgn2.add_edges(source=lgn2.nodes(), target=v1.nodes(model_type='biophysical'),
                   connection_rule=all_to_one, iterator='all_to_one', syn_weight=0.75,
                   delay=1.0)
    lgn2.build()
    lgn2.save_edges(output_dir=out)
    del lgn_nodes


if __name__ == '__main__':
    build(sys.argv[1])
