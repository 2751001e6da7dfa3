"""Run ../shared/reference/ref_multi.py (NEURON 9.0.2) and store its outputs as a small golden.

usage: NRNMECH_LIB=/path/to/libnrnmech.so /opt/ref/bin/python multi_golden.py OUT_DIR
(libnrnmech.so from BMTK's example modfiles: ref_multi uses NaTs and Kv3_1.)
Writes multi.json (metadata: spikes, areas, ri, diams, L, syn_g shape) and multi.v.bin
(little-endian f64 [2401 samples][18 segments], every step incl. t = 0) and multi.syn_g.bin.
"""
import json
import os
import struct
import subprocess
import sys
import tempfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
REF = os.path.normpath(os.path.join(HERE, '..', '..', '..', 'shared', 'reference', 'ref_multi.py'))


def main():
    out = sys.argv[1]
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([sys.executable, REF], cwd=tmp, check=True, stdout=subprocess.DEVNULL)
        z = np.load(os.path.join(tmp, 'ref_multi.npz'))
        nseg = len(z['areas'])
        v = np.stack([z[f'v{i}'] for i in range(nseg)], axis=1)
        meta = {
            'source': '../shared/reference/ref_multi.py', 'dt': 0.025, 'tstop': 60.0,
            'v_init': -70.0, 'celsius': 34.0,
            'shape': list(v.shape), 't_end': float(z['t'][-1]),
            'spikes': [float(x) for x in z['spikes']],
            'areas': [float(x) for x in z['areas']], 'ri': [float(x) for x in z['ri']],
            'diams': [float(x) for x in z['diams']], 'L': [float(x) for x in z['L']],
            'segments': 'soma(1), dA(5), dB(3), dC(4), dD(2), ax(3) in that order',
        }
        with open(os.path.join(out, 'multi.json'), 'w') as f:
            json.dump(meta, f, indent=1)
        with open(os.path.join(out, 'multi.v.bin'), 'wb') as f:
            f.write(v.astype('<f8').tobytes())
        with open(os.path.join(out, 'multi.syn_g.bin'), 'wb') as f:
            f.write(np.asarray(z['syn_g'], dtype='<f8').tobytes())
        print('shape', v.shape, 'spikes', meta['spikes'])


if __name__ == '__main__':
    main()
