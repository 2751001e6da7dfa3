"""Active (perisomatic) Allen cell with an IClamp at the soma: NEURON reference voltages.

usage: NRNMECH_LIB=... /opt/ref/bin/python active_dynamics.py OUT_DIR
Cell: Scnn1a_473845048_m.swc through BMTK's Biophys1 template and BMTK's own
aibs_perisomatic(hobj, None, 472363762_fit.json) (axon stubs, Ra/cm, pas, all Allen channels of
the fit, ena/ek), BMTK's set_segment_dl(20). IClamp at soma[0](0.5): del 10 ms, dur 50 ms,
amp 0.25 nA. dt 0.025 ms, celsius 34, finitialize(-80), 4000 fadvance() (100 ms).
Writes active_scnn1a.json (metadata incl. spike times of a -15 mV soma detector),
active_scnn1a.v.bin ([sample][segment], every `stride` steps incl. t = 0),
active_scnn1a.soma.bin (soma v every step) and active_scnn1a.cai.bin (soma cai every step).
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
    lib = os.environ.get('NRNMECH_LIB')
    if lib:
        h.nrn_load_dll(lib)
    h.load_file('stdrun.hoc')
    h.load_file('import3d.hoc')
    h.load_file(os.path.join(BIONET, 'default_templates', 'Biophys1.hoc'))
    from bmtk.simulator.bionet.default_setters.cell_models import aibs_perisomatic
    from bmtk.simulator.bionet.morphology import Morphology

    hobj = h.Biophys1(os.path.join(COMP, 'morphologies', 'Scnn1a_473845048_m.swc'))
    with open(os.path.join(COMP, 'biophysical_neuron_models', '472363762_fit.json')) as f:
        fit = json.load(f)
    aibs_perisomatic(hobj, None, fit)
    Morphology(hobj).set_segment_dl(20.0)
    stim = h.IClamp(hobj.soma[0](0.5))
    stim.delay = 10.0
    stim.dur = 50.0
    stim.amp = 0.25
    h.celsius = 34.0
    h.dt = 0.025
    segs = [(i, seg) for i, sec in enumerate(hobj.all) for seg in sec]
    stride, nsteps = 10, 4000
    spikes = h.Vector()
    det = h.NetCon(hobj.soma[0](0.5)._ref_v, None, sec=hobj.soma[0])
    det.threshold = -15.0
    det.record(spikes)
    h.finitialize(-80.0)
    cai = [hobj.soma[0](0.5).cai]
    rows = [[seg.v for _, seg in segs]]
    soma = [hobj.soma[0](0.5).v]
    for k in range(1, nsteps + 1):
        h.fadvance()
        soma.append(hobj.soma[0](0.5).v)
        cai.append(hobj.soma[0](0.5).cai)
        if k % stride == 0:
            rows.append([seg.v for _, seg in segs])
    meta = {
        'cell': 'Scnn1a_473845048_m', 'fit': '472363762_fit.json', 'dt': 0.025, 'celsius': 34.0,
        'v_init': -80.0, 'nsteps': nsteps, 'stride': stride, 't_end': h.t,
        'iclamp': {'section': 'soma[0]', 'x': 0.5, 'del': 10.0, 'dur': 50.0, 'amp': 0.25},
        'spikes': list(spikes), 'threshold': -15.0,
        'segments': [[i, seg.x] for i, seg in segs],
        'v_bin': 'active_scnn1a.v.bin', 'soma_bin': 'active_scnn1a.soma.bin', 'cai_bin': 'active_scnn1a.cai.bin',
        'shape': [len(rows), len(segs)],
    }
    with open(os.path.join(out, 'active_scnn1a.json'), 'w') as f:
        json.dump(meta, f, indent=1)
    with open(os.path.join(out, 'active_scnn1a.v.bin'), 'wb') as f:
        for r in rows:
            f.write(struct.pack('<%dd' % len(r), *r))
    with open(os.path.join(out, 'active_scnn1a.soma.bin'), 'wb') as f:
        f.write(struct.pack('<%dd' % len(soma), *soma))
    with open(os.path.join(out, 'active_scnn1a.cai.bin'), 'wb') as f:
        f.write(struct.pack('<%dd' % len(cai), *cai))
    print('spikes', list(spikes), 'segments', len(segs), 'samples', len(rows), 'soma v end', soma[-1], 't', h.t)


if __name__ == '__main__':
    main()
