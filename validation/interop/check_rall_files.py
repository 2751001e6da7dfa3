#!/usr/bin/env python
"""Check that files written by Rall load with h5py AND with BMTK 1.2.0's own readers, and contain
what a JSON manifest says.

usage:
    /opt/ref/bin/python validation/interop/check_rall_files.py DIR [--manifest M] [-v]

DIR holds the files; the manifest defaults to DIR/manifest.json. Paths inside the manifest are
relative to DIR; `reference_file` paths are relative to the manifest's own directory.
Exit status 0 only if every check passed; the last line is "N passed, M failed".

Manifest (see README.md for the full schema):
{
  "schema": "rall-interop-manifest/1",
  "description": "...",
  "float_tol": 0.0,                      # default absolute tolerance for float comparisons
  "files": [
    {"kind": "nodes",  "path": "network/x_nodes.h5", "types_path": "network/x_node_types.csv",
     "expect": {"h5": {...}, "populations": {"x": {"n_nodes": 3, "node_ids": [...], "node_type_ids": [...],
                "group_ids": [...], "group_indices": [...], "properties": {"model_type": [...]}}}}},
    {"kind": "edges",  "path": ..., "types_path": ...,
     "expect": {"populations": {"a_to_b": {"n_edges": .., "source_population": "a", "target_population": "b",
                "source_node_ids": [...], "target_node_ids": [...], "edge_type_ids": [...],
                "group_ids": [...], "group_indices": [...], "properties": {"nsyns": [...]}}}}},
    {"kind": "spikes", "path": "output/spikes.h5",
     "expect": {"populations": {"p": {"n_spikes": 44, "unique_node_ids": [0], "units": "ms", "sorting": "none",
                "order": "sorted"|"file", "node_ids": [...], "timestamps": [...], "time_tol": 0.0,
                "reference_file": "..."}}}},
    {"kind": "report", "path": "output/v_report.h5",
     "expect": {"populations": {"p": {"node_ids": [0], "variable": "v", "units": null,
                "time": [0.0, 3000.0, 0.1], "n_steps": 30000, "element_ids": [0], "element_pos": [0.5],
                "index_pointer": [0, 1], "data": {"shape": [30000, 1], "first_rows": [[...]],
                "last_rows": [[...]], "mean": -67.02, "min": .., "max": .., "tol": 1e-6,
                "reference_file": "..."}}}}},
    {"kind": "nwb", "path": "spikes.nwb",     # NWB 2 units table, h5py only (see check_nwb)
     "expect": {"populations": {"p": {...same keys as spikes...}}}},
    {"kind": "config", "path": "config.json", "expect": {"values": {"run.tstop": 3000.0}}}
  ]
}
Every "expect" key is optional; only what is given is checked. The optional "h5" block
({"root_attrs": {...}, "dtypes": {"/path": "uint64"}, "attrs": {"/path": {"name": value}}}) is
checked with h5py for any kind.
"""
import argparse
import json
import math
import os
import sys
import traceback
import warnings

import h5py
import numpy as np

warnings.filterwarnings('ignore')


class Results(object):
    def __init__(self, verbose):
        self.passed = 0
        self.failed = 0
        self.verbose = verbose
        self.failures = []

    def ok(self, label, cond, detail=''):
        if cond:
            self.passed += 1
            if self.verbose:
                print('  PASS ' + label)
        else:
            self.failed += 1
            msg = label + (': ' + detail if detail else '')
            self.failures.append(msg)
            print('  FAIL ' + msg)
        return cond

    def error(self, label, exc):
        self.failed += 1
        msg = '{}: raised {}: {}'.format(label, type(exc).__name__, exc)
        self.failures.append(msg)
        print('  FAIL ' + msg)
        if self.verbose:
            traceback.print_exc()


def _plain(v):
    if isinstance(v, bytes):
        return v.decode('utf-8')
    if isinstance(v, np.ndarray):
        return [_plain(x) for x in v.tolist()]
    if isinstance(v, (list, tuple)):
        return [_plain(x) for x in v]
    if isinstance(v, np.generic):
        return _plain(v.item())
    return v


def same(actual, expected, tol=0.0):
    """Compare plain values: numbers within tol (absolute), strings exactly (a non-string actual is
    compared through str() when a string is expected), lists elementwise. Returns (bool, detail)."""
    a = _plain(actual)
    e = expected
    if e is None:
        if a is None or (isinstance(a, float) and math.isnan(a)):
            return True, ''
        return False, 'expected null, got {!r}'.format(a)
    if isinstance(e, list):
        if not isinstance(a, list):
            return False, 'expected a list of {}, got {!r}'.format(len(e), _short(a))
        if len(a) != len(e):
            return False, 'length {} != expected {}'.format(len(a), len(e))
        for i, (x, y) in enumerate(zip(a, e)):
            good, d = same(x, y, tol)
            if not good:
                return False, '[{}]: {}'.format(i, d)
        return True, ''
    if isinstance(e, bool):
        return (a == e), 'got {!r}, expected {!r}'.format(a, e)
    if isinstance(e, (int, float)):
        if isinstance(a, str) or a is None or isinstance(a, list):
            return False, 'got {!r}, expected number {!r}'.format(_short(a), e)
        if isinstance(e, int) and isinstance(a, int):
            return a == e, 'got {}, expected {}'.format(a, e)
        d = abs(float(a) - float(e))
        return d <= tol, 'got {!r}, expected {!r} (|diff| {:.3g} > tol {:.3g})'.format(a, e, d, tol)
    if isinstance(e, str):
        s = a if isinstance(a, str) else str(a)
        return s == e, 'got {!r}, expected {!r}'.format(s, e)
    return a == e, 'got {!r}, expected {!r}'.format(a, e)


def _short(v, n=8):
    if isinstance(v, list) and len(v) > n:
        return v[:n] + ['...({} items)'.format(len(v))]
    return v


def check_value(res, label, actual, expected, tol=0.0):
    good, detail = same(actual, expected, tol)
    return res.ok(label, good, detail)


# ----------------------------------------------------------------------------------------------
# generic h5 block
def check_h5_block(res, path, exp, tag):
    try:
        with h5py.File(path, 'r') as f:
            for name, val in (exp.get('root_attrs') or {}).items():
                if name not in f.attrs:
                    res.ok('{} h5py root attr {}'.format(tag, name), False, 'missing')
                else:
                    check_value(res, '{} h5py root attr {}'.format(tag, name), f.attrs[name], val)
            for dpath, dt in (exp.get('dtypes') or {}).items():
                if dpath not in f:
                    res.ok('{} h5py dtype {}'.format(tag, dpath), False, 'dataset missing')
                    continue
                sdt = h5py.check_string_dtype(f[dpath].dtype)
                got = 'string' if sdt is not None else f[dpath].dtype.name
                res.ok('{} h5py dtype {}'.format(tag, dpath), got == dt, 'got {}, expected {}'.format(got, dt))
            for opath, attrs in (exp.get('attrs') or {}).items():
                for name, val in attrs.items():
                    if opath not in f or name not in f[opath].attrs:
                        res.ok('{} h5py attr {}@{}'.format(tag, opath, name), False, 'missing')
                    else:
                        check_value(res, '{} h5py attr {}@{}'.format(tag, opath, name), f[opath].attrs[name], val)
    except Exception as exc:  # noqa: BLE001
        res.error('{} h5 block'.format(tag), exc)


def _open_h5(res, path, tag):
    try:
        f = h5py.File(path, 'r')
        res.ok('{} opens with h5py'.format(tag), True)
        return f
    except Exception as exc:  # noqa: BLE001
        res.error('{} opens with h5py'.format(tag), exc)
        return None


# ----------------------------------------------------------------------------------------------
# nodes
def check_nodes(res, base, entry, float_tol):
    path = os.path.join(base, entry['path'])
    tag = entry['path']
    pops_exp = (entry.get('expect') or {}).get('populations') or {}
    f = _open_h5(res, path, tag)
    if f is not None:
        with f:
            for pop, e in pops_exp.items():
                grp = f.get('nodes/' + pop)
                if not res.ok('{} h5py population {}'.format(tag, pop), grp is not None, 'missing /nodes/' + pop):
                    continue
                if 'n_nodes' in e:
                    check_value(res, '{} h5py {} n_nodes'.format(tag, pop), int(grp['node_type_id'].shape[0]),
                                e['n_nodes'])
                for key, ds in [('node_ids', 'node_id'), ('node_type_ids', 'node_type_id'),
                                ('group_ids', 'node_group_id'), ('group_indices', 'node_group_index')]:
                    if key in e:
                        if ds not in grp:
                            res.ok('{} h5py {} {}'.format(tag, pop, ds), False, 'dataset missing')
                        else:
                            check_value(res, '{} h5py {} {}'.format(tag, pop, ds), grp[ds][()], e[key])
    # BMTK reader
    try:
        from bmtk.utils.sonata import File
        types = [os.path.join(base, entry['types_path'])] if entry.get('types_path') else []
        sf = File(data_files=[path], data_type_files=types)
        res.ok('{} opens with bmtk.utils.sonata.File'.format(tag), True)
    except Exception as exc:  # noqa: BLE001
        res.error('{} opens with bmtk.utils.sonata.File'.format(tag), exc)
        return
    for pop, e in pops_exp.items():
        try:
            p = sf.nodes[pop]
            nodes = list(p)
            if 'n_nodes' in e:
                check_value(res, '{} bmtk {} n_nodes'.format(tag, pop), len(nodes), e['n_nodes'])
            if 'node_ids' in e:
                check_value(res, '{} bmtk {} node_ids'.format(tag, pop), [int(n.node_id) for n in nodes],
                            e['node_ids'])
            if 'node_type_ids' in e:
                check_value(res, '{} bmtk {} node_type_ids'.format(tag, pop), [int(n.node_type_id) for n in nodes],
                            e['node_type_ids'])
            if 'group_ids' in e:
                check_value(res, '{} bmtk {} group_ids'.format(tag, pop), [int(n.group_id) for n in nodes],
                            e['group_ids'])
            for prop, vals in (e.get('properties') or {}).items():
                got = [n[prop] if prop in n else None for n in nodes]
                check_value(res, '{} bmtk {} property {}'.format(tag, pop, prop), got, vals,
                            e.get('float_tol', float_tol))
        except Exception as exc:  # noqa: BLE001
            res.error('{} bmtk population {}'.format(tag, pop), exc)


# ----------------------------------------------------------------------------------------------
# edges
def check_edges(res, base, entry, float_tol):
    path = os.path.join(base, entry['path'])
    tag = entry['path']
    pops_exp = (entry.get('expect') or {}).get('populations') or {}
    f = _open_h5(res, path, tag)
    if f is not None:
        with f:
            for pop, e in pops_exp.items():
                grp = f.get('edges/' + pop)
                if not res.ok('{} h5py population {}'.format(tag, pop), grp is not None, 'missing /edges/' + pop):
                    continue
                if 'n_edges' in e:
                    check_value(res, '{} h5py {} n_edges'.format(tag, pop), int(grp['source_node_id'].shape[0]),
                                e['n_edges'])
                for key, ds in [('source_node_ids', 'source_node_id'), ('target_node_ids', 'target_node_id'),
                                ('edge_type_ids', 'edge_type_id'), ('group_ids', 'edge_group_id'),
                                ('group_indices', 'edge_group_index')]:
                    if key in e:
                        if ds not in grp:
                            res.ok('{} h5py {} {}'.format(tag, pop, ds), False, 'dataset missing')
                        else:
                            check_value(res, '{} h5py {} {}'.format(tag, pop, ds), grp[ds][()], e[key])
                for key, ds in [('source_population', 'source_node_id'), ('target_population', 'target_node_id')]:
                    if key in e and ds in grp:
                        check_value(res, '{} h5py {} {}@node_population'.format(tag, pop, ds),
                                    grp[ds].attrs.get('node_population'), e[key])
    try:
        from bmtk.utils.sonata import File
        types = [os.path.join(base, entry['types_path'])] if entry.get('types_path') else []
        sf = File(data_files=[path], data_type_files=types)
        res.ok('{} opens with bmtk.utils.sonata.File'.format(tag), True)
    except Exception as exc:  # noqa: BLE001
        res.error('{} opens with bmtk.utils.sonata.File'.format(tag), exc)
        return
    for pop, e in pops_exp.items():
        try:
            p = sf.edges[pop]
            edges = list(p)
            if 'n_edges' in e:
                check_value(res, '{} bmtk {} n_edges'.format(tag, pop), len(edges), e['n_edges'])
            if 'source_population' in e:
                check_value(res, '{} bmtk {} source_population'.format(tag, pop), p.source_population,
                            e['source_population'])
            if 'target_population' in e:
                check_value(res, '{} bmtk {} target_population'.format(tag, pop), p.target_population,
                            e['target_population'])
            for key, attr in [('source_node_ids', 'source_node_id'), ('target_node_ids', 'target_node_id'),
                              ('edge_type_ids', 'edge_type_id'), ('group_ids', 'group_id')]:
                if key in e:
                    check_value(res, '{} bmtk {} {}'.format(tag, pop, key), [int(getattr(x, attr)) for x in edges],
                                e[key])
            for prop, vals in (e.get('properties') or {}).items():
                got = [x[prop] if prop in x else None for x in edges]
                check_value(res, '{} bmtk {} property {}'.format(tag, pop, prop), got, vals,
                            e.get('float_tol', float_tol))
        except Exception as exc:  # noqa: BLE001
            res.error('{} bmtk population {}'.format(tag, pop), exc)


# ----------------------------------------------------------------------------------------------
# spikes
def _ordered(node_ids, timestamps, order):
    node_ids = [int(x) for x in node_ids]
    timestamps = [float(x) for x in timestamps]
    if order == 'file':
        return node_ids, timestamps
    pairs = sorted(zip(timestamps, node_ids))
    return [p[1] for p in pairs], [p[0] for p in pairs]


def _spike_checks(res, label, node_ids, timestamps, e, manifest_dir, float_tol, units=None, sorting=None):
    order = e.get('order', 'sorted')
    tol = e.get('time_tol', float_tol)
    ids, ts = _ordered(node_ids, timestamps, order)
    if 'n_spikes' in e:
        check_value(res, label + ' n_spikes', len(ts), e['n_spikes'])
    if 'unique_node_ids' in e:
        check_value(res, label + ' unique_node_ids', sorted(set(ids)), e['unique_node_ids'])
    if 'node_ids' in e:
        check_value(res, label + ' node_ids ({} order)'.format(order), ids, e['node_ids'])
    if 'timestamps' in e:
        check_value(res, label + ' timestamps ({} order)'.format(order), ts, e['timestamps'], tol)
    if 'units' in e and units is not None:
        check_value(res, label + ' units', units, e['units'])
    if 'sorting' in e and sorting is not False:
        check_value(res, label + ' sorting attr', sorting, e['sorting'])
    if e.get('reference_file'):
        ref = os.path.join(manifest_dir, e['reference_file'])
        pop = e.get('reference_population')
        with h5py.File(ref, 'r') as rf:
            g = rf['spikes'][pop or e['_pop']]
            rids, rts = _ordered(g['node_ids'][()], g['timestamps'][()], order)
        check_value(res, label + ' node_ids vs reference_file', ids, rids)
        check_value(res, label + ' timestamps vs reference_file', ts, rts, tol)


def check_spikes(res, base, entry, float_tol, manifest_dir):
    path = os.path.join(base, entry['path'])
    tag = entry['path']
    pops_exp = (entry.get('expect') or {}).get('populations') or {}
    # A CSV spike file is BMTK's text format: only BMTK's reader applies to it.
    f = None if path.lower().endswith('.csv') else _open_h5(res, path, tag)
    if f is not None:
        with f:
            for pop, e in pops_exp.items():
                e = dict(e, _pop=pop)
                grp = f.get('spikes/' + pop)
                if not res.ok('{} h5py population {}'.format(tag, pop), grp is not None, 'missing /spikes/' + pop):
                    continue
                units = grp['timestamps'].attrs.get('units')
                sorting = grp.attrs.get('sorting')
                if sorting is None and 'sorting' in grp['node_ids'].attrs:
                    sorting = grp['node_ids'].attrs['sorting']
                _spike_checks(res, '{} h5py {}'.format(tag, pop), grp['node_ids'][()], grp['timestamps'][()], e,
                              manifest_dir, float_tol, units=_plain(units), sorting=_plain(sorting))
    try:
        from bmtk.utils.reports.spike_trains import SpikeTrains
        st = SpikeTrains.load(path)
        res.ok('{} opens with bmtk SpikeTrains.load'.format(tag), True)
    except Exception as exc:  # noqa: BLE001
        res.error('{} opens with bmtk SpikeTrains.load'.format(tag), exc)
        return
    for pop, e in pops_exp.items():
        e = dict(e, _pop=pop)
        try:
            res.ok('{} bmtk population {} listed'.format(tag, pop), pop in st.populations,
                   'populations {}'.format(st.populations))
            df = st.to_dataframe(populations=pop, with_population_col=False)
            units = st.units(population=pop) if callable(getattr(st, 'units', None)) else None
            _spike_checks(res, '{} bmtk {}'.format(tag, pop), df['node_ids'].values, df['timestamps'].values, e,
                          manifest_dir, float_tol, units=units, sorting=False)
            if 'n_spikes' in e:
                check_value(res, '{} bmtk {} n_spikes()'.format(tag, pop), int(st.n_spikes(population=pop)),
                            e['n_spikes'])
        except Exception as exc:  # noqa: BLE001
            res.error('{} bmtk population {}'.format(tag, pop), exc)


# ----------------------------------------------------------------------------------------------
# NWB 2 spike files (a `units` table). BMTK 1.2.0's NWB reader reads only the NWB-1 layout
# /processing/<trial>/spike_train/<node_id>/data (for any NWB 2 units file, pynwb's included, it
# raises "Please specify a trial"), so this kind is checked with h5py against what the NWB 2
# schema / pynwb expect.
NWB_SCALAR_TEXT = ['identifier', 'session_description', 'session_start_time', 'timestamps_reference_time']


def check_nwb(res, base, entry, float_tol, manifest_dir):
    path = os.path.join(base, entry['path'])
    tag = entry['path']
    e = entry.get('expect') or {}
    f = _open_h5(res, path, tag)
    if f is None:
        return
    with f:
        check_value(res, tag + ' root neurodata_type', f.attrs.get('neurodata_type'), 'NWBFile')
        for name in NWB_SCALAR_TEXT:
            if not res.ok('{} /{} present'.format(tag, name), name in f, 'missing'):
                continue
            ds = f[name]
            res.ok('{} /{} is a scalar string'.format(tag, name),
                   ds.shape == () and h5py.check_string_dtype(ds.dtype) is not None,
                   'shape {} dtype {}'.format(ds.shape, ds.dtype))
        if res.ok(tag + ' /file_create_date present', 'file_create_date' in f, 'missing'):
            res.ok(tag + ' /file_create_date is 1-D', f['file_create_date'].ndim == 1,
                   'shape {}'.format(f['file_create_date'].shape))
        if not res.ok(tag + ' /units group', isinstance(f.get('units'), h5py.Group), 'missing'):
            return
        u = f['units']
        for ds in ['id', 'spike_times', 'spike_times_index']:
            res.ok('{} units/{} present'.format(tag, ds), ds in u, 'missing')
        if 'spike_times_index' not in u or 'spike_times' not in u:
            return
        idx = u['spike_times_index']
        check_value(res, tag + ' spike_times_index neurodata_type', idx.attrs.get('neurodata_type'), 'VectorIndex')
        target = idx.attrs.get('target')
        if res.ok(tag + ' spike_times_index@target is an object reference', isinstance(target, h5py.Reference),
                  'got {!r} ({})'.format(target, type(target).__name__)):
            try:
                obj = f[target]
                res.ok(tag + ' spike_times_index@target dereferences to units/spike_times',
                       obj.name == '/units/spike_times' and obj.id == u['spike_times'].id,
                       'dereferences to {}'.format(obj.name))
            except Exception as exc:  # noqa: BLE001
                res.error(tag + ' spike_times_index@target dereferences', exc)
        colnames = [_plain(c) for c in u.attrs.get('colnames', [])]
        for c in colnames:
            res.ok('{} units column {} present'.format(tag, c), c in u, 'listed in colnames but missing')
        times = u['spike_times'][()]
        ends = [int(x) for x in idx[()]]
        ids = [int(x) for x in (u['node_id'] if 'node_id' in u else u['id'])[()]]
        pops = [_plain(x) for x in u['population'][()]] if 'population' in u else None
        good = len(ends) == len(ids) and ends == sorted(ends) and (not ends or ends[-1] == len(times))
        res.ok(tag + ' index consistent with spike_times and ids', good,
               '{} ends (last {}), {} ids, {} times'.format(len(ends), ends[-1] if ends else None, len(ids),
                                                            len(times)))
        if not good:
            return
        rows = {}
        start = 0
        for k, end in enumerate(ends):
            pop = pops[k] if pops is not None else None
            for t in times[start:end]:
                rows.setdefault(pop, ([], []))
                rows[pop][0].append(ids[k])
                rows[pop][1].append(float(t))
            start = end
        for pop, pe in (e.get('populations') or {}).items():
            pe = dict(pe, _pop=pop)
            if not res.ok('{} units population {}'.format(tag, pop), pop in rows,
                          'populations {}'.format(sorted(rows, key=str))):
                continue
            _spike_checks(res, '{} h5py units {}'.format(tag, pop), rows[pop][0], rows[pop][1], pe, manifest_dir,
                          float_tol)


# ----------------------------------------------------------------------------------------------
# compartment reports
def _data_checks(res, label, data, d, manifest_dir, float_tol, pop):
    tol = d.get('tol', float_tol)
    data = np.asarray(data)
    if 'shape' in d:
        check_value(res, label + ' data shape', list(data.shape), d['shape'])
    if 'first_rows' in d:
        n = len(d['first_rows'])
        check_value(res, label + ' data first rows', data[:n].tolist(), d['first_rows'], tol)
    if 'last_rows' in d:
        n = len(d['last_rows'])
        check_value(res, label + ' data last rows', data[-n:].tolist(), d['last_rows'], tol)
    for stat, fn in [('mean', np.mean), ('min', np.min), ('max', np.max)]:
        if stat in d:
            check_value(res, label + ' data ' + stat, float(fn(data)), d[stat], tol)
    if d.get('reference_file'):
        with h5py.File(os.path.join(manifest_dir, d['reference_file']), 'r') as rf:
            ref = rf['report'][d.get('reference_population', pop)]['data'][()]
        if res.ok(label + ' data shape vs reference_file', ref.shape == data.shape,
                  '{} vs {}'.format(data.shape, ref.shape)):
            diff = float(np.max(np.abs(data - ref))) if data.size else 0.0
            res.ok(label + ' data vs reference_file (max |diff| {:.3g})'.format(diff), diff <= tol,
                   'max |diff| {:.3g} > tol {:.3g}'.format(diff, tol))


def check_report(res, base, entry, float_tol, manifest_dir):
    path = os.path.join(base, entry['path'])
    tag = entry['path']
    pops_exp = (entry.get('expect') or {}).get('populations') or {}
    f = _open_h5(res, path, tag)
    if f is not None:
        with f:
            for pop, e in pops_exp.items():
                grp = f.get('report/' + pop)
                if not res.ok('{} h5py population {}'.format(tag, pop), grp is not None, 'missing /report/' + pop):
                    continue
                m = grp['mapping']
                for key in ['node_ids', 'element_ids', 'element_pos', 'index_pointer', 'time']:
                    if key in e:
                        if key not in m:
                            res.ok('{} h5py {} mapping/{}'.format(tag, pop, key), False, 'dataset missing')
                        else:
                            check_value(res, '{} h5py {} mapping/{}'.format(tag, pop, key), m[key][()], e[key])
                if 'variable' in e:
                    check_value(res, '{} h5py {} data@variable'.format(tag, pop), grp['data'].attrs.get('variable'),
                                e['variable'])
                if 'units' in e:
                    check_value(res, '{} h5py {} data@units'.format(tag, pop), grp['data'].attrs.get('units'),
                                e['units'])
                if 'n_steps' in e:
                    check_value(res, '{} h5py {} n_steps'.format(tag, pop), int(grp['data'].shape[0]), e['n_steps'])
                if 'data' in e:
                    _data_checks(res, '{} h5py {}'.format(tag, pop), grp['data'][()], e['data'], manifest_dir,
                                 float_tol, pop)
    try:
        from bmtk.utils.reports.compartment import CompartmentReport
        rep = CompartmentReport(path)
        res.ok('{} opens with bmtk CompartmentReport'.format(tag), True)
    except Exception as exc:  # noqa: BLE001
        res.error('{} opens with bmtk CompartmentReport'.format(tag), exc)
        return
    for pop, e in pops_exp.items():
        try:
            res.ok('{} bmtk population {} listed'.format(tag, pop), pop in rep.populations,
                   'populations {}'.format(rep.populations))
            lab = '{} bmtk {}'.format(tag, pop)
            if 'node_ids' in e:
                check_value(res, lab + ' node_ids()', rep.node_ids(population=pop), e['node_ids'])
            if 'variable' in e:
                check_value(res, lab + ' variable()', rep.variable(population=pop), e['variable'])
            if 'units' in e:
                check_value(res, lab + ' units()', rep.units(population=pop), e['units'])
            if 'time' in e:
                check_value(res, lab + ' tstart/tstop/dt', [rep.tstart(population=pop), rep.tstop(population=pop),
                                                            rep.dt(population=pop)], e['time'])
            if 'n_steps' in e:
                check_value(res, lab + ' len(time_trace())', len(rep.time_trace(population=pop)), e['n_steps'])
            if 'element_ids' in e:
                check_value(res, lab + ' element_ids()', rep.element_ids(population=pop), e['element_ids'])
            if 'element_pos' in e:
                check_value(res, lab + ' element_pos()', rep.element_pos(population=pop), e['element_pos'])
            if 'data' in e:
                nids = [int(x) for x in rep.node_ids(population=pop)]
                cols = [np.asarray(rep.data(node_id=n, population=pop)) for n in nids]
                cols = [c.reshape(c.shape[0], -1) for c in cols]
                data = np.concatenate(cols, axis=1) if cols else np.zeros((0, 0))
                _data_checks(res, lab + ' (via data(node_id))', data, e['data'], manifest_dir, float_tol, pop)
        except Exception as exc:  # noqa: BLE001
            res.error('{} bmtk population {}'.format(tag, pop), exc)


# ----------------------------------------------------------------------------------------------
# configs (BMTK's SonataConfig: manifest substitution, network/simulation merge)
def check_config(res, base, entry, float_tol):
    path = os.path.join(base, entry['path'])
    tag = entry['path']
    try:
        from bmtk.utils.sonata.config import SonataConfig
        cfg = SonataConfig.from_json(path)
        res.ok('{} parses with bmtk SonataConfig.from_json'.format(tag), True)
    except Exception as exc:  # noqa: BLE001
        res.error('{} parses with bmtk SonataConfig.from_json'.format(tag), exc)
        return
    base_abs = os.path.abspath(base)
    for dotted, val in ((entry.get('expect') or {}).get('values') or {}).items():
        try:
            cur = cfg
            for k in dotted.split('.'):
                cur = cur[int(k)] if isinstance(cur, list) else cur[k]
            if isinstance(val, str) and '{DIR}' in val:
                val = val.replace('{DIR}', base_abs)
                cur = os.path.normpath(cur) if isinstance(cur, str) else cur
                val = os.path.normpath(val)
            check_value(res, '{} bmtk config {}'.format(tag, dotted), cur, val, float_tol)
        except Exception as exc:  # noqa: BLE001
            res.error('{} bmtk config {}'.format(tag, dotted), exc)


# ----------------------------------------------------------------------------------------------
def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[1])
    ap.add_argument('dir', help='directory holding the files to check')
    ap.add_argument('--manifest', default=None, help='manifest JSON (default DIR/manifest.json)')
    ap.add_argument('-v', '--verbose', action='store_true', help='print passing checks too')
    args = ap.parse_args(argv)

    base = os.path.abspath(args.dir)
    mpath = os.path.abspath(args.manifest or os.path.join(base, 'manifest.json'))
    res = Results(args.verbose)
    try:
        with open(mpath) as f:
            manifest = json.load(f)
    except Exception as exc:  # noqa: BLE001
        res.error('manifest {}'.format(mpath), exc)
        print('{} passed, {} failed'.format(res.passed, res.failed))
        return 1
    mdir = os.path.dirname(mpath)
    float_tol = float(manifest.get('float_tol', 0.0))
    entries = manifest.get('files') or []
    if not entries:
        res.ok('manifest lists files', False, 'no "files" in manifest')
    for entry in entries:
        kind = entry.get('kind')
        print('[{}] {}'.format(kind, entry.get('path')))
        path = os.path.join(base, entry.get('path', ''))
        if not res.ok('{} exists'.format(entry.get('path')), os.path.isfile(path), path):
            continue
        try:
            if kind == 'nodes':
                check_nodes(res, base, entry, float_tol)
            elif kind == 'edges':
                check_edges(res, base, entry, float_tol)
            elif kind == 'spikes':
                check_spikes(res, base, entry, float_tol, mdir)
            elif kind == 'report':
                check_report(res, base, entry, float_tol, mdir)
            elif kind == 'nwb':
                check_nwb(res, base, entry, float_tol, mdir)
            elif kind == 'config':
                check_config(res, base, entry, float_tol)
            else:
                res.ok('{} kind'.format(entry.get('path')), False, 'unknown kind {!r}'.format(kind))
                continue
            if kind != 'config' and (entry.get('expect') or {}).get('h5'):
                check_h5_block(res, path, entry['expect']['h5'], entry['path'])
        except Exception as exc:  # noqa: BLE001
            res.error('{} ({})'.format(entry.get('path'), kind), exc)
    print('{} passed, {} failed'.format(res.passed, res.failed))
    return 0 if res.failed == 0 else 1


if __name__ == '__main__':
    sys.exit(main())
