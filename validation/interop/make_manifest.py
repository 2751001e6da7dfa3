#!/usr/bin/env python
"""Write an interop manifest (for check_rall_files.py) describing a SONATA folder, read with h5py
and the csv module only (no BMTK), so the manifest is independent of the BMTK readers it will
be checked with.

usage: python validation/interop/make_manifest.py DIR OUT.json [--reference-dir R] [--report-tol T]
                                                   [--time-tol T] [--config config.json ...]

Collects every *_nodes.h5 / *_edges.h5 (with their *_types.csv), every h5 with a /spikes group and
every h5 with a /report group under DIR. With --reference-dir, spikes/reports also get a
`reference_file` (path relative to OUT's directory) so a Rall run can be compared with a golden run
at the given tolerances.
"""
import argparse
import csv
import json
import os

import h5py
import numpy as np


def _token(s):
    if s == 'NULL' or s == 'NONE' or s == '':
        return None
    for cast in (int, float):
        try:
            return cast(s)
        except ValueError:
            pass
    return s


def read_types_csv(path):
    with open(path, newline='') as f:
        rows = list(csv.reader(f, delimiter=' '))
    header = rows[0]
    id_col = header[0]
    out = {}
    for r in rows[1:]:
        d = {h: _token(v) for h, v in zip(header, r)}
        out[int(d[id_col])] = d
    return header, out


def _plain(v):
    if isinstance(v, np.ndarray):
        return [_plain(x) for x in v.tolist()]
    if isinstance(v, bytes):
        return v.decode()
    if isinstance(v, np.generic):
        return v.item()
    return v


def _group_value(grp, gid, gidx, name):
    ds = grp[str(gid)][name]
    if h5py.check_string_dtype(ds.dtype) is not None:
        return ds.asstr()[gidx]
    return _plain(ds[gidx])


def nodes_entry(base, rel, types_rel):
    _, types = read_types_csv(os.path.join(base, types_rel)) if types_rel else ([], {})
    pops = {}
    with h5py.File(os.path.join(base, rel), 'r') as f:
        for pop in f['nodes']:
            g = f['nodes'][pop]
            nids = [int(x) for x in g['node_id'][()]] if 'node_id' in g else list(range(g['node_type_id'].shape[0]))
            tids = [int(x) for x in g['node_type_id'][()]]
            gids = [int(x) for x in g['node_group_id'][()]]
            gix = [int(x) for x in g['node_group_index'][()]]
            props = {}
            names = set()
            for t in types.values():
                names.update(k for k in t if k != 'node_type_id')
            for k in g:
                if isinstance(g[k], h5py.Group):
                    names.update(n for n in g[k] if isinstance(g[k][n], h5py.Dataset) and g[k][n].ndim == 1)
            for name in sorted(names):
                vals = []
                for tid, gi, gx in zip(tids, gids, gix):
                    if str(gi) in g and name in g[str(gi)]:
                        vals.append(_group_value(g, gi, gx, name))
                    else:
                        vals.append(types.get(tid, {}).get(name))
                props[name] = vals
            pops[pop] = {'n_nodes': len(nids), 'node_ids': nids, 'node_type_ids': tids, 'group_ids': gids,
                         'group_indices': gix, 'properties': props}
        root = {k: _plain(v) for k, v in f.attrs.items()}
    e = {'kind': 'nodes', 'path': rel, 'expect': {'h5': {'root_attrs': root}, 'populations': pops}}
    if types_rel:
        e['types_path'] = types_rel
    return e


def edges_entry(base, rel, types_rel):
    _, types = read_types_csv(os.path.join(base, types_rel)) if types_rel else ([], {})
    pops = {}
    with h5py.File(os.path.join(base, rel), 'r') as f:
        for pop in f['edges']:
            g = f['edges'][pop]
            src = [int(x) for x in g['source_node_id'][()]]
            trg = [int(x) for x in g['target_node_id'][()]]
            tids = [int(x) for x in g['edge_type_id'][()]]
            gids = [int(x) for x in g['edge_group_id'][()]]
            gix = [int(x) for x in g['edge_group_index'][()]]
            names = set()
            for t in types.values():
                names.update(k for k in t if k not in ('edge_type_id', 'target_query', 'source_query'))
            for k in g:
                if isinstance(g[k], h5py.Group) and k != 'indices':
                    names.update(n for n in g[k] if isinstance(g[k][n], h5py.Dataset) and g[k][n].ndim == 1)
            props = {}
            for name in sorted(names):
                vals = []
                for tid, gi, gx in zip(tids, gids, gix):
                    # BMTK's Edge[] looks in the edge-type table first, then the group (bmtk-behaviour 1.8)
                    t = types.get(tid, {})
                    if name in t:
                        vals.append(t[name])
                    elif str(gi) in g and name in g[str(gi)]:
                        vals.append(_group_value(g, gi, gx, name))
                    else:
                        vals.append(None)
                props[name] = vals
            pops[pop] = {'n_edges': len(src),
                         'source_population': _plain(g['source_node_id'].attrs.get('node_population')),
                         'target_population': _plain(g['target_node_id'].attrs.get('node_population')),
                         'source_node_ids': src, 'target_node_ids': trg, 'edge_type_ids': tids,
                         'group_ids': gids, 'group_indices': gix, 'properties': props}
        root = {k: _plain(v) for k, v in f.attrs.items()}
    e = {'kind': 'edges', 'path': rel, 'expect': {'h5': {'root_attrs': root}, 'populations': pops}}
    if types_rel:
        e['types_path'] = types_rel
    return e


def spikes_entry(base, rel, ref_rel, time_tol):
    pops = {}
    dtypes = {}
    with h5py.File(os.path.join(base, rel), 'r') as f:
        for pop in f['spikes']:
            g = f['spikes'][pop]
            ids = [int(x) for x in g['node_ids'][()]]
            ts = [float(x) for x in g['timestamps'][()]]
            pairs = sorted(zip(ts, ids))
            p = {'n_spikes': len(ts), 'unique_node_ids': sorted(set(ids)), 'order': 'sorted',
                 'node_ids': [q[1] for q in pairs], 'timestamps': [q[0] for q in pairs], 'time_tol': time_tol,
                 'units': _plain(g['timestamps'].attrs.get('units')), 'sorting': _plain(g.attrs.get('sorting'))}
            if ref_rel:
                p['reference_file'] = ref_rel
            pops[pop] = p
            dtypes['/spikes/{}/node_ids'.format(pop)] = g['node_ids'].dtype.name
            dtypes['/spikes/{}/timestamps'.format(pop)] = g['timestamps'].dtype.name
        root = {k: _plain(v) for k, v in f.attrs.items()}
    return {'kind': 'spikes', 'path': rel, 'expect': {'h5': {'root_attrs': root, 'dtypes': dtypes}, 'populations': pops}}


def report_entry(base, rel, ref_rel, tol):
    pops = {}
    dtypes = {}
    with h5py.File(os.path.join(base, rel), 'r') as f:
        for pop in f['report']:
            g = f['report'][pop]
            m = g['mapping']
            data = g['data'][()]
            p = {k: _plain(m[k][()]) for k in ['node_ids', 'element_ids', 'element_pos', 'index_pointer', 'time']
                 if k in m}
            p['variable'] = _plain(g['data'].attrs.get('variable'))
            p['n_steps'] = int(data.shape[0])
            p['data'] = {'shape': list(data.shape), 'first_rows': data[:3].tolist(), 'last_rows': data[-3:].tolist(),
                         'mean': float(np.mean(data)), 'min': float(np.min(data)), 'max': float(np.max(data)),
                         'tol': tol}
            if ref_rel:
                p['data']['reference_file'] = ref_rel
            pops[pop] = p
            dtypes['/report/{}/data'.format(pop)] = g['data'].dtype.name
            for k in m:
                dtypes['/report/{}/mapping/{}'.format(pop, k)] = m[k].dtype.name
        root = {k: _plain(v) for k, v in f.attrs.items()}
    return {'kind': 'report', 'path': rel, 'expect': {'h5': {'root_attrs': root, 'dtypes': dtypes}, 'populations': pops}}


def config_entry(base, rel):
    """A few resolved values BMTK's SonataConfig must produce ({DIR} = the checked directory)."""
    with open(os.path.join(base, rel)) as f:
        top = json.load(f)
    values = {}
    sim_path = top.get('simulation')
    sim = top
    if isinstance(sim_path, str):
        with open(os.path.normpath(os.path.join(base, os.path.dirname(rel), sim_path))) as f:
            sim = json.load(f)
    for sect in ('run', 'conditions'):
        for k, v in (sim.get(sect) or {}).items():
            values['{}.{}'.format(sect, k)] = v
    if 'target_simulator' in sim:
        values['target_simulator'] = sim['target_simulator']
    return {'kind': 'config', 'path': rel, 'expect': {'values': values}}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('dir')
    ap.add_argument('out')
    ap.add_argument('--reference-dir', default=None)
    ap.add_argument('--report-tol', type=float, default=0.0)
    ap.add_argument('--time-tol', type=float, default=0.0)
    ap.add_argument('--config', action='append', default=[])
    ap.add_argument('--description', default=None)
    ap.add_argument('--only', action='append', default=[],
                    help='only files whose path (relative to DIR) starts with this prefix (repeatable)')
    ap.add_argument('--report-tol-for', action='append', default=[], metavar='FILE=TOL',
                    help='per-report tolerance override, e.g. output/cai_report.h5=1e-11')
    args = ap.parse_args()
    base = os.path.abspath(args.dir)
    out_dir = os.path.dirname(os.path.abspath(args.out))
    entries = []
    for root, dirs, files in os.walk(base):
        dirs[:] = sorted(d for d in dirs if d != 'components' and d != 'expected')
        for fn in sorted(files):
            full = os.path.join(root, fn)
            rel = os.path.relpath(full, base)
            if args.only and not any(rel.startswith(p) for p in args.only):
                continue
            ref_rel = None
            if args.reference_dir:
                ref_rel = os.path.relpath(os.path.join(os.path.abspath(args.reference_dir), rel), out_dir)
            if fn.endswith('_nodes.h5'):
                t = fn.replace('_nodes.h5', '_node_types.csv')
                entries.append(nodes_entry(base, rel, os.path.relpath(os.path.join(root, t), base)
                                           if os.path.exists(os.path.join(root, t)) else None))
            elif fn.endswith('_edges.h5'):
                t = fn.replace('_edges.h5', '_edge_types.csv')
                entries.append(edges_entry(base, rel, os.path.relpath(os.path.join(root, t), base)
                                           if os.path.exists(os.path.join(root, t)) else None))
            elif fn.endswith('.h5'):
                with h5py.File(full, 'r') as f:
                    keys = set(f.keys())
                if 'spikes' in keys:
                    entries.append(spikes_entry(base, rel, ref_rel, args.time_tol))
                elif 'report' in keys:
                    tol = dict((k, float(v)) for k, v in (x.split('=', 1) for x in args.report_tol_for)).get(
                        rel, args.report_tol)
                    entries.append(report_entry(base, rel, ref_rel, tol))
    for c in args.config:
        entries.append(config_entry(base, c))
    manifest = {'schema': 'rall-interop-manifest/1',
                'description': args.description or 'generated by validation/interop/make_manifest.py from ' + base,
                'float_tol': 0.0, 'files': entries}
    with open(args.out, 'w') as f:
        json.dump(manifest, f, indent=1)
        f.write('\n')
    print('wrote {} ({} files)'.format(args.out, len(entries)))


if __name__ == '__main__':
    main()
