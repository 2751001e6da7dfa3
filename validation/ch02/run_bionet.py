"""Run a BioNet simulation the way BMTK's generated run_bionet.py does, and optionally dump what
BMTK/NEURON actually built (synapse locations, cell geometry) from the live simulation objects.

usage: python run_bionet.py <config.json> [--dump <dir>]

With --dump, after sim.run() (so the run itself is not perturbed) it writes
  <dir>/synapses.json        every synapse of every local biophysical cell, in creation order
  <dir>/cell_geometry.json   per cell: sections in hobj.all order and their segments
"""
import argparse
import json
import os

import numpy as np
from bmtk.simulator import bionet
from bmtk.simulator.bionet.biocell import BioCell
from neuron import h


def _short_name(sec):
    # 'Biophys1[0].dend[12]' -> 'dend[12]'
    return sec.name().split('.')[-1]


def _src_population(src):
    # VirtualCell keeps its population in _population; SONATA nodes expose population_name
    for attr in ('population_name', '_population'):
        if hasattr(src, attr):
            return getattr(src, attr)
    return None


def _cells(net):
    out = []
    for gid, cell in sorted(net.get_local_cells().items()):
        if isinstance(cell, BioCell):
            out.append((gid, cell))
    return out


def dump_synapses(net, cells):
    result = {'cells': []}
    for gid, cell in cells:
        secs = list(cell.get_sections())
        sec_index = {s.name(): i for i, s in enumerate(secs)}
        sp = cell.morphology.seg_props
        syns = []
        for k, conn in enumerate(cell._connections):
            syn = conn._syn
            nc = conn._connector
            seg = syn.get_segment()
            src = conn.source_node
            syns.append({
                'index': k,
                'target_gid': int(gid),
                'section_index': int(sec_index[seg.sec.name()]),
                'section_name': _short_name(seg.sec),
                'x': float(seg.x),
                'get_loc': float(syn.get_loc()),
                'postloc': float(nc.postloc()),
                'source_population': _src_population(src),
                'source_node_id': int(src.node_id),
                'is_virtual_source': bool(conn.is_virtual),
                'edge_type_id': int(conn._edge_prop.edge_type_id),
                'weight': float(nc.weight[0]),
                'delay': float(nc.delay),
                'synapse_type': syn.hname().split('[')[0],
                'tau1': float(syn.tau1) if hasattr(syn, 'tau1') else None,
                'tau2': float(syn.tau2) if hasattr(syn, 'tau2') else None,
                'e': float(syn.e) if hasattr(syn, 'e') else None,
            })
            h.pop_section()  # syn.get_loc() pushes the section ...
            h.pop_section()  # ... and so does nc.postloc()
        # candidate segments BMTK drew from, per (target_sections, distance_range) it cached
        cands = []
        for (names, drange), (ix, p) in cell.morphology._trg_segs_cache.items():
            cands.append({'target_sections': list(names), 'distance_range': [float(d) for d in drange],
                          'segment_indices': [int(i) for i in ix], 'p': [float(v) for v in p],
                          'section_index': [int(sp.sec_id[i]) for i in ix],
                          'x': [float(sp.x[i]) for i in ix]})
        result['cells'].append({'gid': int(gid), 'population': cell.population_name,
                                'node_id': int(cell.node_id), 'rng_seed': int(gid),
                                'n_synapses': len(syns), 'synapses': syns, 'candidates': cands})
    return result


def _f32(v):
    """NEURON stores 3-D points as single precision. Emit the shortest decimal that round-trips
    that float32 (parsed as f64 and cast to f32, as serde does) -- checked here for every value."""
    v = float(v)
    f = np.float32(v)
    if float(f) != v:
        raise ValueError('pt3d value {!r} is not a float32'.format(v))
    short = float(str(f))
    if np.float32(short) != f:
        raise ValueError('shortest repr of {!r} does not round-trip'.format(v))
    return short


_PARAM_CACHE = {}


def _parameter_names(mech):
    """Names (without the _<mech> suffix) of a density mechanism's PARAMETER range variables."""
    if mech not in _PARAM_CACHE:
        ms = h.MechanismStandard(mech, 1)
        names = set()
        for i in range(int(ms.count())):
            ref = h.ref('')
            ms.name(ref, i)
            n = ref[0]
            suffix = '_' + mech
            names.add(n[:-len(suffix)] if n.endswith(suffix) else n)
        _PARAM_CACHE[mech] = names
    return _PARAM_CACHE[mech]


def dump_geometry(cells):
    result = {'cells': []}
    for gid, cell in cells:
        secs = list(cell.get_sections())
        sec_index = {s.name(): i for i, s in enumerate(secs)}
        soma = cell.hobj.soma[0]
        h.distance(0, 0.0, sec=soma)  # origin soma[0](0), as BMTK's seg_props
        sp = cell.morphology.seg_props
        sections = []
        seg_counter = 0
        for i, sec in enumerate(secs):
            psec = sec.psection()
            parent = sec.parentseg()
            segs = []
            for seg in sec:
                segs.append({'global_index': seg_counter, 'x': float(seg.x), 'area': float(seg.area()),
                             'diam': float(seg.diam), 'ri': float(seg.ri()), 'cm': float(seg.cm),
                             'distance': float(h.distance(seg)),
                             'bmtk_dist': float(sp.dist[seg_counter]), 'bmtk_length': float(sp.length[seg_counter]),
                             'bmtk_type': int(sp.type[seg_counter])})
                seg_counter += 1
            sections.append({
                'index': i, 'name': _short_name(sec), 'nseg': int(sec.nseg), 'L': float(sec.L),
                'Ra': float(sec.Ra),
                'parent_index': None if parent is None else int(sec_index[parent.sec.name()]),
                'parent_x': None if parent is None else float(parent.x),
                'orientation': float(sec.orientation()),
                'pt3d': [[_f32(sec.x3d(k)), _f32(sec.y3d(k)), _f32(sec.z3d(k)), _f32(sec.diam3d(k))]
                         for k in range(sec.n3d())],
                'density_mechs': sorted(psec['density_mechs'].keys()),
                # PARAMETER range variables only (states/currents would be end-of-run values)
                'mech_params': {m: {p: [float(v) for v in vals] for p, vals in d.items()
                                    if p in _parameter_names(m)}
                                for m, d in sorted(psec['density_mechs'].items())},
                'ions': {ion: {k: [float(v) for v in vals] for k, vals in d.items() if k in ('ena', 'ek')}
                         for ion, d in sorted(psec['ions'].items()) if ion in ('na', 'k')},
                'segments': segs,
            })
        result['cells'].append({'gid': int(gid), 'population': cell.population_name,
                                'node_id': int(cell.node_id),
                                'pt3d_format': 'x, y, z, diam as the shortest decimal of NEURON\'s float32 value: '
                                               'parse as f64 and cast to f32 to get it exactly (checked)',
                                'n_sections': len(sections),
                                'n_segments': seg_counter, 'sections': sections})
    return result


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('config')
    ap.add_argument('--dump', default=None)
    args = ap.parse_args()

    conf = bionet.Config.from_json(args.config, validate=True)
    conf.build_env()
    net = bionet.BioNetwork.from_config(conf)
    sim = bionet.BioSimulator.from_config(conf, network=net)
    sim.run()

    if args.dump:
        os.makedirs(args.dump, exist_ok=True)
        cells = _cells(net)
        with open(os.path.join(args.dump, 'synapses.json'), 'w') as f:
            json.dump(dump_synapses(net, cells), f, indent=1)
        with open(os.path.join(args.dump, 'cell_geometry.json'), 'w') as f:
            json.dump(dump_geometry(cells), f, separators=(',', ':'))
    bionet.nrn.quit_execution()


if __name__ == '__main__':
    main()
