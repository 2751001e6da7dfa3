"""Regenerate validation/golden/cells/*.json (geometry goldens) with NEURON 9.0.2 + BMTK 1.2.0.

usage: NRNMECH_LIB=/path/to/libnrnmech.so /opt/ref/bin/python make_golden.py
(libnrnmech.so built with nrnivmodl from BMTK's example modfiles,
bmtk/utils/scripts/bionet/mechanisms/modfiles; run from a folder without an x86_64/ subfolder.)
"""
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, '..', '..'))
COMP = os.path.normpath(os.path.join(ROOT, '..', 'shared', 'components'))
OUT = os.path.join(ROOT, 'validation', 'golden', 'cells')

# morphology -> perisomatic fit (Scnn1a as in the BMTK tutorial; the others chosen by
# the section types they need: apical cells get fits with an 'apic' cm entry)
CELLS = {
    'Scnn1a_473845048_m': '472363762_fit.json',
    'Rorb_325404214_m': '473863510_fit.json',
    'Nr5a1_471087815_m': '473863035_fit.json',
    'Pvalb_470522102_m': '472912177_fit.json',
    'Pvalb_469628681_m': '473862421_fit.json',
}
# small synthetic SWCs exercising Import3d rules the Allen cells do not (validation/cells/swc)
SYNTHETIC = {
    'soma3pt': '472363762_fit.json',
    'somachain': '472363762_fit.json',
}


def main():
    os.makedirs(OUT, exist_ok=True)
    script = os.path.join(HERE, 'cell_geometry.py')
    cases = [(c, os.path.join(COMP, 'morphologies', c + '.swc'), f) for c, f in CELLS.items()]
    cases += [(c, os.path.join(HERE, 'swc', c + '.swc'), f) for c, f in SYNTHETIC.items()]
    for cell, swc, fit in cases:
        fitp = os.path.join(COMP, 'biophysical_neuron_models', fit)
        for variant in ('raw', 'plain', 'peri', 'allax'):
            out = os.path.join(OUT, f'{cell}.{variant}.json')
            cmd = [sys.executable, script, swc, variant, out] + ([fitp] if variant == 'peri' else [])
            subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            print('wrote', os.path.relpath(out, ROOT))


if __name__ == '__main__':
    main()
