"""Passive Allen cell with an IClamp at the soma: NEURON reference voltages at every segment.

usage: /opt/ref/bin/python passive_dynamics.py OUT_DIR
Cell: Scnn1a_473845048_m.swc through BMTK's Biophys1 template, BMTK's own fix_axon_peri
(axon stub + define_shape), Ra/cm/e_pas from 472363762_fit.json, `pas` in every section with the
fit's g_pas per section type, BMTK's set_segment_dl(20). IClamp at soma[0](0.5): del 10 ms,
dur 50 ms, amp 0.2 nA. dt 0.025 ms, celsius 34, finitialize(-80), 4000 fadvance() (100 ms).
Writes passive_scnn1a.json (metadata) and passive_scnn1a.v.bin (little-endian f64,
[sample][segment], samples every `stride` steps incl. t = 0) and passive_scnn1a.soma.bin
(soma(0.5) v at every step).
"""
import json
import os
import struct
import sys

from neuron import h

HERE = os.path.dirname(os.path.abspath(__file__))
COMP = os.path.normpath(os.path.join(HERE, '..', '..', '..', 'shared', 'components'))
BIONET = os.path.join(os.path.dirname(__import__('bmtk').__file__), 'simulator', 'bionet')


def main():
    out = sys.argv[1]
    h.load_file('stdrun.hoc')
    h.load_file('import3d.hoc')
    h.load_file(os.path.join(BIONET, 'default_templates', 'Biophys1.hoc'))
    from bmtk.simulator.bionet.default_setters.cell_models import fix_axon_peri
    from bmtk.simulator.bionet.morphology import Morphology

    hobj = h.Biophys1(os.path.join(COMP, 'morphologies', 'Scnn1a_473845048_m.swc'))
    fix_axon_peri(hobj)
    with open(os.path.join(COMP, 'biophysical_neuron_models', '472363762_fit.json')) as f:
        fit = json.load(f)
    pas = fit['passive'][0]
    cm = {c['section']: c['cm'] for c in pas['cm']}
    gpas = {g['section']: g['value'] for g in fit['genome'] if g['name'] == 'g_pas'}
    for sec in hobj.all:
        t = sec.name().split('.')[1][:4]
        sec.Ra = pas['ra']
        sec.cm = cm[t]
        sec.insert('pas')
        for seg in sec:
            seg.pas.e = pas['e_pas']
            seg.pas.g = gpas[t]
    Morphology(hobj).set_segment_dl(20.0)
    stim = h.IClamp(hobj.soma[0](0.5))
    stim.delay = 10.0
    stim.dur = 50.0
    stim.amp = 0.2
    h.celsius = 34.0
    h.dt = 0.025
    segs = [(i, seg) for i, sec in enumerate(hobj.all) for seg in sec]
    stride, nsteps = 10, 4000
    h.finitialize(-80.0)
    rows = [[seg.v for _, seg in segs]]
    soma = [hobj.soma[0](0.5).v]
    for k in range(1, nsteps + 1):
        h.fadvance()
        soma.append(hobj.soma[0](0.5).v)
        if k % stride == 0:
            rows.append([seg.v for _, seg in segs])
    meta = {
        'cell': 'Scnn1a_473845048_m', 'fit': '472363762_fit.json', 'dt': 0.025, 'celsius': 34.0,
        'v_init': -80.0, 'nsteps': nsteps, 'stride': stride, 't_end': h.t,
        'iclamp': {'section': 'soma[0]', 'x': 0.5, 'del': 10.0, 'dur': 50.0, 'amp': 0.2},
        'segments': [[i, seg.x] for i, seg in segs],
        'v_bin': 'passive_scnn1a.v.bin', 'soma_bin': 'passive_scnn1a.soma.bin',
        'shape': [len(rows), len(segs)],
    }
    with open(os.path.join(out, 'passive_scnn1a.json'), 'w') as f:
        json.dump(meta, f, indent=1)
    with open(os.path.join(out, 'passive_scnn1a.v.bin'), 'wb') as f:
        for r in rows:
            f.write(struct.pack('<%dd' % len(r), *r))
    with open(os.path.join(out, 'passive_scnn1a.soma.bin'), 'wb') as f:
        f.write(struct.pack('<%dd' % len(soma), *soma))
    print('segments', len(segs), 'samples', len(rows), 'soma v end', soma[-1], 't', h.t)


if __name__ == '__main__':
    main()
