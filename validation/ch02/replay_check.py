"""Replay check: the committed fixture folder is what produced the golden output.

Copies validation/golden/ch02 to a scratch dir, adds the two code directories the fixture lacks
(components/mechanisms with the compiled library, components/templates — taken from the scratch
run of make_golden.sh, never from the repo), runs BioNet on the fixture's own config.json and
compares the new output with the golden output: spikes and both reports must be bit-identical.

usage: /opt/ref/bin/python validation/ch02/replay_check.py     (after make_golden.sh has run)
"""
import os
import shutil
import subprocess
import sys

import h5py
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
GOLDEN = os.path.normpath(os.path.join(HERE, '..', 'golden', 'ch02'))
SCRATCH_ROOT = os.environ.get('RALL_VALIDATION_SCRATCH', '/tmp/rall-validation')
RUN = os.path.join(SCRATCH_ROOT, 'ch02')            # make_golden.sh's scratch run (has the code dirs)
REPLAY = os.path.join(SCRATCH_ROOT, 'ch02_replay')


def main():
    for sub in ['mechanisms', 'templates']:
        if not os.path.isdir(os.path.join(RUN, 'components', sub)):
            sys.exit('run validation/ch02/make_golden.sh first (needs {}/components/{})'.format(RUN, sub))
    if os.path.exists(REPLAY):
        shutil.rmtree(REPLAY)
    shutil.copytree(GOLDEN, REPLAY)
    shutil.rmtree(os.path.join(REPLAY, 'output'))
    for sub in ['mechanisms', 'templates']:
        shutil.copytree(os.path.join(RUN, 'components', sub), os.path.join(REPLAY, 'components', sub))
    env = dict(os.environ, PYTHONHASHSEED='0')
    r = subprocess.run([sys.executable, os.path.join(HERE, 'run_bionet.py'), 'config.json'], cwd=REPLAY, env=env,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if r.returncode != 0:
        print(r.stdout[-3000:])
        sys.exit('replay run failed')
    bad = 0
    for fn, paths in [('spikes.h5', ['spikes/mcortex/node_ids', 'spikes/mcortex/timestamps']),
                      ('v_report.h5', ['report/mcortex/data']), ('cai_report.h5', ['report/mcortex/data'])]:
        with h5py.File(os.path.join(GOLDEN, 'output', fn), 'r') as a, \
                h5py.File(os.path.join(REPLAY, 'output', fn), 'r') as b:
            for p in paths:
                same = np.array_equal(a[p][()], b[p][()])
                print('{} {}:{} bit-identical'.format('ok  ' if same else 'FAIL', fn, p))
                bad += not same
    print('replay: ' + ('PASSED' if bad == 0 else 'FAILED'))
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
