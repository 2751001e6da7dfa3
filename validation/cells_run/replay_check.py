"""Replay check for golden/cells_run: copies golden/ch02 + golden/cells_run to a scratch tree
(keeping their relative layout, since the cases' $COMPONENTS_DIR is ../../ch02/components), adds the
code directories the fixtures lack (components/mechanisms with the compiled library and
components/templates, taken from the ch02 scratch run of make_golden.sh -- never from the repo), runs
BioNet on every case's own config.json and requires every output h5 dataset to be bit-identical.

usage: /opt/ref/bin/python validation/cells_run/replay_check.py [case ...]   (after ch02/make_golden.sh)
"""
import os
import shutil
import subprocess
import sys

import h5py
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
GOLDEN = os.path.normpath(os.path.join(HERE, '..', 'golden'))
SCRATCH_ROOT = os.environ.get('RALL_VALIDATION_SCRATCH', '/tmp/rall-validation')
CODE_FROM = os.path.join(SCRATCH_ROOT, 'ch02', 'components')
REPLAY = os.path.join(SCRATCH_ROOT, 'cells_run_replay')


def datasets(path):
    out = {}
    with h5py.File(path, 'r') as f:
        f.visititems(lambda n, o: out.__setitem__(n, o[()]) if isinstance(o, h5py.Dataset) else None)
    return out


def main():
    for sub in ['mechanisms', 'templates']:
        if not os.path.isdir(os.path.join(CODE_FROM, sub)):
            sys.exit('run validation/ch02/make_golden.sh first (needs {}/{})'.format(CODE_FROM, sub))
    if os.path.exists(REPLAY):
        shutil.rmtree(REPLAY)
    shutil.copytree(os.path.join(GOLDEN, 'ch02'), os.path.join(REPLAY, 'ch02'))
    shutil.copytree(os.path.join(GOLDEN, 'cells_run'), os.path.join(REPLAY, 'cells_run'))
    for sub in ['mechanisms', 'templates']:
        shutil.copytree(os.path.join(CODE_FROM, sub), os.path.join(REPLAY, 'ch02', 'components', sub))
    cases = sys.argv[1:] or sorted(d for d in os.listdir(os.path.join(REPLAY, 'cells_run'))
                                   if os.path.isdir(os.path.join(REPLAY, 'cells_run', d)))
    bad = 0
    for case in cases:
        d = os.path.join(REPLAY, 'cells_run', case)
        shutil.rmtree(os.path.join(d, 'output'))
        r = subprocess.run([sys.executable, os.path.join(HERE, '..', 'ch02', 'run_bionet.py'), 'config.json'],
                           cwd=d, env=dict(os.environ, PYTHONHASHSEED='0'), stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True)
        if r.returncode != 0:
            print(r.stdout[-2000:])
            print('FAIL {}: run failed'.format(case))
            bad += 1
            continue
        n, nbad = 0, 0
        for fn in sorted(os.listdir(os.path.join(GOLDEN, 'cells_run', case, 'output'))):
            if not fn.endswith('.h5'):
                continue
            a = datasets(os.path.join(GOLDEN, 'cells_run', case, 'output', fn))
            b = datasets(os.path.join(d, 'output', fn))
            for k in a:
                n += 1
                if k not in b or not np.array_equal(a[k], b[k]):
                    nbad += 1
                    print('  differs: {} {}'.format(fn, k))
        print('{} {}: {} datasets bit-identical{}'.format('ok  ' if nbad == 0 else 'FAIL', case, n - nbad,
                                                         '' if nbad == 0 else ', {} differ'.format(nbad)))
        bad += nbad > 0
    print('replay: ' + ('PASSED' if bad == 0 else '{} case(s) FAILED'.format(bad)))
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
