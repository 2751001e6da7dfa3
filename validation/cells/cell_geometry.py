"""Build one Allen morphology the way BMTK 1.2.0 BioNet does and dump its geometry as JSON.

usage: /opt/ref/bin/python cell_geometry.py SWC VARIANT OUT_JSON [FIT_JSON] [--pt3d]
  VARIANT: raw   Biophys1 template only (Import3d_SWC_read + Import3d_GUI.instantiate), nseg 1
           plain raw + BMTK's Morphology.set_segment_dl(20)   (BioCell does this for every cell)
           peri  raw + BMTK's own aibs_perisomatic(hobj, None, fit) + set_segment_dl(20)
           allax raw + BMTK's own fix_axon_allactive(hobj) + set_segment_dl(20) (the geometric
                 part of aibs_allactive; Ra/cm stay at NEURON's defaults)
Output (OUT_JSON): the `rall cell --json` format of issue 5, floats written with Python repr (exact).
Run each case in its own process: define_shape() is global to the NEURON instance.
Needs NRNMECH_LIB pointing at a libnrnmech.so built from BMTK's example modfiles (for 'peri').
"""
import json
import os
import sys

from neuron import h

BIONET = os.path.join(os.path.dirname(__import__('bmtk').__file__), 'simulator', 'bionet')


def main():
    args = [a for a in sys.argv[1:] if not a.startswith('--')]
    want_pt3d = '--pt3d' in sys.argv
    swc, variant, out_path = args[0], args[1], args[2]
    lib = os.environ.get('NRNMECH_LIB')
    if lib:
        h.nrn_load_dll(lib)
    h.load_file('stdrun.hoc')
    h.load_file('import3d.hoc')
    h.load_file(os.path.join(BIONET, 'default_templates', 'Biophys1.hoc'))
    from bmtk.simulator.bionet.default_setters.cell_models import aibs_perisomatic, fix_axon_allactive
    from bmtk.simulator.bionet.morphology import Morphology

    hobj = h.Biophys1(swc)
    if variant == 'peri':
        with open(args[3]) as f:
            fit = json.load(f)
        aibs_perisomatic(hobj, None, fit)
    if variant == 'allax':
        fix_axon_allactive(hobj)
    if variant in ('plain', 'peri', 'allax'):
        Morphology(hobj).set_segment_dl(20.0)

    secs = list(hobj.all)
    index = {s.name(): i for i, s in enumerate(secs)}
    h.distance(sec=hobj.soma[0])
    out_secs, out_segs = [], []
    for i, s in enumerate(secs):
        ps = s.parentseg()
        sec = {
            'index': i,
            'name': s.name().split('.', 1)[1],
            'parent': index[ps.sec.name()] if ps is not None else -1,
            'parent_x': ps.x if ps is not None else 0.0,
            'L': s.L,
            'nseg': s.nseg,
            'Ra': s.Ra,
            'cm': s.cm,
        }
        if want_pt3d:
            sec['pt3d'] = [[s.x3d(k), s.y3d(k), s.z3d(k), s.diam3d(k), s.arc3d(k)] for k in range(s.n3d())]
        out_secs.append(sec)
        for seg in s:
            out_segs.append({
                'section': i,
                'x': seg.x,
                'area': seg.area(),
                'ri': seg.ri(),
                'diam': seg.diam,
                'distance': h.distance(seg),
            })
    with open(out_path, 'w') as f:
        json.dump({'sections': out_secs, 'segments': out_segs}, f, separators=(',', ':'))
        f.write('\n')


if __name__ == '__main__':
    main()
