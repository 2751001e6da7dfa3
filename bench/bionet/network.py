#!/usr/bin/env python
"""Whole-run benchmark on a recurrent network: `rall run` (1 and 2 threads) vs BMTK 1.2.0 +
NEURON 9.0.2 on the same folder, which BMTK's own NetworkBuilder builds.

usage: bash bench/bionet/network.sh [PER_TYPE] [RUNS]   (this script is called by it)

The network is validation/bionet_net's 10-cell recurrent network scaled up: PER_TYPE cells of
each of the 5 Allen perisomatic cells (default 10: 50 cells), the same deterministic
connection rules (exp2syn, delays 1-2 ms) and the tutorial's thalamic input; 1 s at dt 0.1 ms,
soma v report of every cell. Whole processes, wall clock, alternating, median of RUNS. The
checksum (spike count and sum of spike times) of every run must equal BMTK's.
"""
import os
import shutil
import subprocess
import sys

from benchlib import REPO, add_bmtk_components, checksum, run_env, time_alternating


def main():
    per_type = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    rall = sys.argv[3]
    scratch = os.path.join(os.environ.get('TMPDIR', '/tmp'), 'rall-bench-network')
    if os.path.exists(scratch):
        shutil.rmtree(scratch)
    os.makedirs(scratch)
    case = os.path.join(scratch, 'case')
    golden = os.path.join(REPO, 'validation', 'golden')
    shutil.copytree(os.path.join(golden, 'bionet_net'), case,
                    ignore=shutil.ignore_patterns('network', 'output', 'expected'))
    shutil.copytree(os.path.join(golden, 'ch02', 'components'),
                    os.path.join(scratch, 'ch02', 'components'))
    env = run_env()
    add_bmtk_components(os.path.join(scratch, 'ch02', 'components'), env)
    subprocess.run([sys.executable, os.path.join(REPO, 'validation', 'bionet_net', 'build_network.py'),
                    os.path.join(case, 'network'), 'net', str(per_type)],
                   env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    outs = {k: os.path.join(scratch, 'out_' + k) for k in ['rall1', 'rall2']}
    cmds = {
        'rall1': [rall, 'run', 'config.json', '--quiet', '--threads', '1', '--output', outs['rall1']],
        'rall2': [rall, 'run', 'config.json', '--quiet', '--threads', '2', '--output', outs['rall2']],
        'bmtk': [sys.executable, os.path.join(REPO, 'validation', 'ch02', 'run_bionet.py'), 'config.json'],
    }
    sums = {k: set() for k in cmds}

    def record(k):
        out = outs.get(k, os.path.join(case, 'output'))
        sums[k].add(checksum(os.path.join(out, 'spikes.h5')))

    print('cells: {} biophysical ({} per Allen cell), runs each: {}'.format(5 * per_type, per_type, runs))
    med = time_alternating(cmds, runs, case, env, record)
    for k in ['rall1', 'rall2']:
        print('speed-up {} (BMTK+NEURON / rall): {:.2f}x'.format(k, med['bmtk'] / med[k]))
    print('checksums: ' + ' | '.join('{} {}'.format(k, sorted(v)) for k, v in sums.items()))
    if len(set().union(*sums.values())) != 1:
        print('checksums DIFFER')
        sys.exit(1)
    print('checksums equal')


if __name__ == '__main__':
    main()
