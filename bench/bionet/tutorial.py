#!/usr/bin/env python
"""Whole-run benchmark: `rall run` vs BMTK 1.2.0 + NEURON 9.0.2 (`run_bionet.py`) on the tutorial
folder (validation/golden/ch02: 1 Allen cell, 50 synapses, 3 s at dt 0.1 ms, v + cai reports).

usage: bash bench/bionet/tutorial.sh [RUNS]      (this script is called by it)

Both runs are whole processes (start-up, mechanism loading, build, simulation, output files),
timed by wall clock, alternating rall and BMTK; the median of RUNS each is reported. Both use
the same folder, with components/mechanisms (BMTK's Allen .mod files, compiled by nrnivmodl for
NEURON; read and compiled at start-up by rall) and components/templates copied in. The checksum
(spike count and sum of spike times of each output) must agree.
"""
import os
import shutil
import sys

from benchlib import REPO, add_bmtk_components, checksum, run_env, time_alternating


def main():
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    rall = sys.argv[2]
    scratch = os.path.join(os.environ.get('TMPDIR', '/tmp'), 'rall-bench-bionet')
    case = os.path.join(scratch, 'case')
    if os.path.exists(scratch):
        shutil.rmtree(scratch)
    shutil.copytree(os.path.join(REPO, 'validation', 'golden', 'ch02'), case)
    shutil.rmtree(os.path.join(case, 'output'))
    env = run_env()
    add_bmtk_components(os.path.join(case, 'components'), env)
    rall_out = os.path.join(scratch, 'rall_out')
    cmds = {
        'rall': [rall, 'run', os.path.join(case, 'config.json'), '--quiet', '--output', rall_out],
        'bmtk': [sys.executable, os.path.join(REPO, 'validation', 'ch02', 'run_bionet.py'), 'config.json'],
    }
    print('runs each: {}'.format(runs))
    med = time_alternating(cmds, runs, case, env)
    cs_r = checksum(os.path.join(rall_out, 'spikes.h5'))
    cs_b = checksum(os.path.join(case, 'output', 'spikes.h5'))
    print('speed-up (BMTK+NEURON / rall): {:.2f}x'.format(med['bmtk'] / med['rall']))
    print('checksum rall {} | bmtk {} | {}'.format(cs_r, cs_b, 'equal' if cs_r == cs_b else 'DIFFERENT'))
    if cs_r != cs_b:
        sys.exit(1)


if __name__ == '__main__':
    main()
