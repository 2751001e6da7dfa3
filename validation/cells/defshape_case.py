"""define_shape() on L/diam sections (after ../shared/reference/defshape.py): NEURON reference.

usage: /opt/ref/bin/python defshape_case.py OUT_JSON
soma from three 3-D points; ax (L 30, diam 1, nseg 3) at soma(0.5); d (L 123.456, diam 1.37,
nseg 5) at soma(1); e (L 40, diam 0.9, nseg 2) and f (L 25, diam 2.2, nseg 1) both at d(1)
(sibling angle spread); then h.define_shape(). Ra 100, cm 1. Writes the `rall cell --json`
format (sections in creation order) plus every section's 3-D points.
"""
import json
import sys

from neuron import h


def main():
    soma = h.Section(name='soma')
    for p in [(0.3, 1.7, 0.1, 12.3), (5.1, 9.9, -2.2, 11.0), (9.7, 17.3, 0.9, 10.1)]:
        h.pt3dadd(*p, sec=soma)
    secs = [soma]
    for name, L, diam, nseg in [('ax', 30, 1, 3), ('d', 123.456, 1.37, 5), ('e', 40, 0.9, 2), ('f', 25, 2.2, 1)]:
        s = h.Section(name=name)
        s.L, s.diam, s.nseg = L, diam, nseg
        secs.append(s)
    ax, d, e, f = secs[1:]
    ax.connect(soma(0.5), 0)
    d.connect(soma(1), 0)
    e.connect(d(1), 0)
    f.connect(d(1), 0)
    for s in secs:
        s.Ra, s.cm = 100.0, 1.0
    h.define_shape()
    index = {s.name(): i for i, s in enumerate(secs)}
    h.distance(sec=soma)
    out = {'sections': [], 'segments': []}
    for i, s in enumerate(secs):
        ps = s.parentseg()
        out['sections'].append({
            'index': i, 'name': s.name(), 'parent': index[ps.sec.name()] if ps else -1,
            'parent_x': ps.x if ps else 0.0, 'L': s.L, 'nseg': s.nseg, 'Ra': s.Ra, 'cm': s.cm,
            'pt3d': [[s.x3d(k), s.y3d(k), s.z3d(k), s.diam3d(k), s.arc3d(k)] for k in range(s.n3d())],
        })
        for seg in s:
            out['segments'].append({'section': i, 'x': seg.x, 'area': seg.area(), 'ri': seg.ri(),
                                    'diam': seg.diam, 'distance': h.distance(seg)})
    with open(sys.argv[1], 'w') as fh:
        json.dump(out, fh)


if __name__ == '__main__':
    main()
