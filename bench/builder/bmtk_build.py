"""BMTK 1.2.0 side of the builder benchmark (see README.md).

usage: /opt/ref/bin/python bmtk_build.py OUT_DIR [N]
N nodes (default 10000) at uniform random positions in a 1000 µm cube (numpy legacy seed 1,
positions drawn x,y,z per node), one edge type with the per-pair distance rule
nsyns = int(5*(1 - d/200)) + 1 if 0 < d < 200 µm else none (self-pairs excluded).
Prints one JSON line: wall seconds of build+save, peak RSS (MiB), nodes, edges rows, synapses.
"""
import json
import math
import resource
import sys
import time

import numpy as np
from bmtk.builder.networks import NetworkBuilder

R = 200.0


def rule(src, trg):
    if src.node_id == trg.node_id:
        return None
    dx = src['x'] - trg['x']
    dy = src['y'] - trg['y']
    dz = src['z'] - trg['z']
    d = math.sqrt(dx * dx + dy * dy + dz * dz)
    if d >= R:
        return None
    return int(5.0 * (1.0 - d / R)) + 1


def main(out_dir, n):
    np.random.seed(1)
    pos = np.random.random_sample((n, 3)) * 1000.0
    t0 = time.perf_counter()
    net = NetworkBuilder('cube')
    net.add_nodes(N=n, x=pos[:, 0], y=pos[:, 1], z=pos[:, 2], model_type='point_neuron',
                  model_template='nest:iaf_psc_alpha')
    net.add_edges(source=net.nodes(), target=net.nodes(), connection_rule=rule,
                  syn_weight=2.0, delay=1.5, model_template='static_synapse')
    net.build()
    nsyn = net.nedges
    net.save(output_dir=out_dir)
    wall = time.perf_counter() - t0
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    print(json.dumps({'tool': 'bmtk', 'n_nodes': n, 'synapses': int(nsyn), 'wall_s': wall,
                      'peak_rss_mib': rss}))


if __name__ == '__main__':
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 10000)
