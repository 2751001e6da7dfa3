"""Point processes and connections at section ends and shared nodes: NEURON reference.

usage: NRNMECH_LIB=... /opt/ref/bin/python edge_cases.py OUT_DIR   (VecStim from BMTK's vecevent.mod)
Cell (L/diam sections, Ra 100, cm 1, pas g 1e-3 e -65 everywhere):
  soma L 20 diam 20 nseg 1; dend L 300 diam 2 nseg 3 at soma(1); d2 L 100 diam 1 nseg 5 at
  dend(0.3) (interior); d3 L 50 diam 1.5 nseg 2 at d2(0) (x = 0 of a non-root section: attaches
  to d2's parent node); d4 L 80 diam 0.8 nseg 4 at soma(0) (root node); d5 L 60 diam 0.7 nseg 3
  at dend(1) and d6 L 40 diam 0.9 nseg 1 also at dend(1) (sibling order at one point).
Point processes: IClamp at dend(1) (end node), IClamp at soma(0) (root node), IClamp at d2(0.55);
two ExpSyns at dend(0.5) (same node; created in order A, B) and one ExpSyn at d5(1), all driven by
one VecStim through NetCons with different weights.
dt 0.025, celsius 6.3 default, finitialize(-65), 2000 steps. Records v at every segment (sections
in creation order, then x) and at the x = 1 end of dend, d2, d5.
Writes edge_cases.json + edge_cases.v.bin ([2001][columns] little-endian f64).
"""
import json
import os
import struct
import sys

from neuron import h


def main():
    out = sys.argv[1]
    lib = os.environ.get('NRNMECH_LIB')
    if lib:
        h.nrn_load_dll(lib)
    h.load_file('stdrun.hoc')

    def mk(name, L, diam, nseg):
        s = h.Section(name=name)
        s.L, s.diam, s.nseg, s.Ra, s.cm = L, diam, nseg, 100.0, 1.0
        s.insert('pas')
        for seg in s:
            seg.pas.g, seg.pas.e = 1e-3, -65.0
        return s

    soma = mk('soma', 20, 20, 1)
    dend = mk('dend', 300, 2, 3)
    d2 = mk('d2', 100, 1, 5)
    d3 = mk('d3', 50, 1.5, 2)
    d4 = mk('d4', 80, 0.8, 4)
    d5 = mk('d5', 60, 0.7, 3)
    d6 = mk('d6', 40, 0.9, 1)
    dend.connect(soma(1), 0)
    d2.connect(dend(0.3), 0)
    d3.connect(d2(0), 0)
    d4.connect(soma(0), 0)
    d5.connect(dend(1), 0)
    d6.connect(dend(1), 0)
    secs = [soma, dend, d2, d3, d4, d5, d6]
    st = []
    for seg, (dl, du, amp) in [(dend(1), (1.0, 20.0, 0.05)), (soma(0), (5.0, 10.0, -0.1)),
                               (d2(0.55), (2.0, 30.0, 0.02))]:
        c = h.IClamp(seg)
        c.delay, c.dur, c.amp = dl, du, amp
        st.append(c)
    sa = h.ExpSyn(dend(0.5)); sa.tau, sa.e = 2.0, 0.0
    sb = h.ExpSyn(dend(0.5)); sb.tau, sb.e = 5.0, -80.0
    sc = h.ExpSyn(d5(1)); sc.tau, sc.e = 1.0, 0.0
    tv = h.Vector([3.0, 7.5, 7.5, 20.0, 33.3])
    vs = h.VecStim()
    vs.play(tv)
    ncs = []
    for syn, w, dl in [(sa, 0.003, 1.0), (sb, 0.002, 0.5), (sc, 0.004, 2.0)]:
        nc = h.NetCon(vs, syn)
        nc.weight[0], nc.delay = w, dl
        ncs.append(nc)
    cols = [(i, seg.x) for i, s in enumerate(secs) for seg in s] + [(1, 1.0), (2, 1.0), (5, 1.0)]
    refs = [secs[i](x) for i, x in cols]
    h.dt = 0.025
    h.finitialize(-65.0)
    rows = [[r.v for r in refs]]
    for _ in range(2000):
        h.fadvance()
        rows.append([r.v for r in refs])
    meta = {'columns': cols, 'shape': [len(rows), len(cols)], 't_end': h.t, 'dt': 0.025,
            'v_init': -65.0, 'celsius': h.celsius, 'v_bin': 'edge_cases.v.bin'}
    with open(os.path.join(out, 'edge_cases.json'), 'w') as f:
        json.dump(meta, f, indent=1)
    with open(os.path.join(out, 'edge_cases.v.bin'), 'wb') as f:
        for r in rows:
            f.write(struct.pack('<%dd' % len(r), *r))
    print('columns', len(cols), 'rows', len(rows))


if __name__ == '__main__':
    main()
