"""NEURON side of bench/cable_passive.sh: the same passive Scnn1a cells, timed h.fadvance steps.
usage: /opt/ref/bin/python bench/cable_passive_neuron.py NCELLS STEPS"""
import json
import os
import sys
import time

from neuron import h

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
COMP = os.path.join(os.path.dirname(ROOT), 'shared', 'components')
BIONET = os.path.join(os.path.dirname(__import__('bmtk').__file__), 'simulator', 'bionet')


def main():
    ncells, steps = int(sys.argv[1]), int(sys.argv[2])
    h.load_file('stdrun.hoc')
    h.load_file('import3d.hoc')
    h.load_file(os.path.join(BIONET, 'default_templates', 'Biophys1.hoc'))
    from bmtk.simulator.bionet.default_setters.cell_models import fix_axon_peri
    fit = json.load(open(os.path.join(COMP, 'biophysical_neuron_models', '472363762_fit.json')))
    pas = fit['passive'][0]
    cm = {c['section']: c['cm'] for c in pas['cm']}
    gpas = {g['section']: g['value'] for g in fit['genome'] if g['name'] == 'g_pas'}
    cells, stims, nseg = [], [], 0
    for _ in range(ncells):
        hobj = h.Biophys1(os.path.join(COMP, 'morphologies', 'Scnn1a_473845048_m.swc'))
        fix_axon_peri(hobj)
        for sec in hobj.all:
            t = sec.name().split('.')[1][:4]
            sec.Ra = pas['ra']
            sec.cm = cm[t]
            sec.insert('pas')
            sec.nseg = 1 + 2 * int(sec.L / 40.0)
            nseg += sec.nseg
            for seg in sec:
                seg.pas.e = pas['e_pas']
                seg.pas.g = gpas[t]
        s = h.IClamp(hobj.soma[0](0.5))
        s.delay, s.dur, s.amp = 10.0, 50.0, 0.2
        cells.append(hobj)
        stims.append(s)
    h.dt = 0.025
    h.celsius = 34.0
    h.finitialize(-80.0)
    h.tstop = steps * h.dt
    t0 = time.perf_counter()
    c0 = time.thread_time()
    h.continuerun(h.tstop)  # steps while t < tstop - dt/2, in C
    cpu = time.thread_time() - c0
    el = time.perf_counter() - t0
    cs = nseg * steps
    v = sum(seg.v for c in cells for sec in c.all for seg in sec)
    print(f'NEURON cells {ncells} segments {nseg} steps {steps}: wall {el:.3f} s, cpu {cpu:.3f} s, '
          f'{cpu / cs * 1e9:.2f} ns/compartment-step (cpu), {cs / cpu:.3e} compartment-steps/s (cpu), '
          f'sum(v over segments) = {v:.12e}')


if __name__ == '__main__':
    main()
