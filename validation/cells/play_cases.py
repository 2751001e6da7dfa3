"""IClamp.amp driven by Vector.play(&amp, Dt) (BMTK's current-clamp-from-file input): NEURON reference.

usage: /opt/ref/bin/python play_cases.py OUT_DIR
soma L 20 diam 20 + dend L 200 diam 1 nseg 5 (Ra 100, cm 1, pas g 1e-3 e -65). IClamp at
soma(0.5) (del 0, dur 1e9) with amp = A1[i] at t = i*0.1; IClamp at dend(0.5) with amp = A2[i]
at t = i*0.037 (not a multiple of dt). dt 0.025, finitialize(-65), 600 steps.
Writes play_cases.json (amplitudes, Dt) + play_cases.v.bin ([601][2]: soma(0.5), dend(0.5)).
"""
import json
import os
import struct
import sys

from neuron import h


def main():
    out = sys.argv[1]
    h.load_file('stdrun.hoc')
    soma = h.Section(name='soma')
    soma.L = soma.diam = 20
    dend = h.Section(name='dend')
    dend.L, dend.diam, dend.nseg = 200, 1, 5
    dend.connect(soma(1), 0)
    for s in (soma, dend):
        s.Ra, s.cm = 100.0, 1.0
        s.insert('pas')
        for seg in s:
            seg.pas.g, seg.pas.e = 1e-3, -65.0
    a1 = [0.05 * ((7 * i) % 11 - 5) for i in range(100)]
    a2 = [0.01 * ((5 * i) % 13 - 6) for i in range(300)]
    c1 = h.IClamp(soma(0.5))
    c2 = h.IClamp(dend(0.5))
    for c in (c1, c2):
        c.delay, c.dur = 0.0, 1e9
    v1, v2 = h.Vector(a1), h.Vector(a2)
    v1.play(c1._ref_amp, 0.1)
    v2.play(c2._ref_amp, 0.037)
    h.dt = 0.025
    h.finitialize(-65.0)
    rows = [[soma(0.5).v, dend(0.5).v]]
    for _ in range(600):
        h.fadvance()
        rows.append([soma(0.5).v, dend(0.5).v])
    meta = {'a1': a1, 'dt1': 0.1, 'a2': a2, 'dt2': 0.037, 'shape': [len(rows), 2], 't_end': h.t}
    with open(os.path.join(out, 'play_cases.json'), 'w') as f:
        json.dump(meta, f)
    with open(os.path.join(out, 'play_cases.v.bin'), 'wb') as f:
        for r in rows:
            f.write(struct.pack('<2d', *r))
    print('rows', len(rows))


if __name__ == '__main__':
    main()
