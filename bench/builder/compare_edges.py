"""Check that the Rall- and BMTK-built benchmark edge files hold the same edges.

BMTK sorts rows by target with numpy's unstable argsort, so rows with equal targets may be in a
different order: compare the multiset of (source, target, edge_type_id, nsyns) rows, and check
both target columns are sorted. usage: compare_edges.py RALL_EDGES.h5 BMTK_EDGES.h5
"""
import sys

import h5py
import numpy as np


def rows(path):
    with h5py.File(path, 'r') as f:
        p = f['edges/cube_to_cube']
        src = p['source_node_id'][()]
        trg = p['target_node_id'][()]
        et = p['edge_type_id'][()]
        ns = p['0/nsyns'][()][p['edge_group_index'][()]]
        assert np.all(np.diff(trg.astype(np.int64)) >= 0), path + ': not sorted by target'
        m = np.stack([trg, src, et.astype(np.uint64), ns.astype(np.uint64)], axis=1)
        return m[np.lexsort(m.T[::-1])]


a, b = rows(sys.argv[1]), rows(sys.argv[2])
same = a.shape == b.shape and np.array_equal(a, b)
print(f'rall rows {len(a)}, bmtk rows {len(b)}, synapses {int(a[:, 3].sum())} vs {int(b[:, 3].sum())}, '
      f'same edges: {same}')
sys.exit(0 if same else 1)
