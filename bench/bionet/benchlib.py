"""Shared pieces of the whole-run benchmarks (tutorial.py, network.py)."""
import os
import shutil
import statistics
import subprocess
import sys
import time

import h5py

REPO = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..'))


def checksum(path, population='mcortex'):
    """Spike count and sum of the sorted spike times of `population` in a SONATA spikes file."""
    with h5py.File(path, 'r') as f:
        t = f['spikes/{}/timestamps'.format(population)][()]
    return len(t), float(sum(sorted(t)))


def run_env():
    """The environment both simulators run in (the reference venv first on PATH)."""
    env = dict(os.environ, PYTHONHASHSEED='0')
    env['PATH'] = os.path.dirname(sys.executable) + os.pathsep + env.get('PATH', '')
    return env


def add_bmtk_components(components, env):
    """Copy BMTK's Allen mechanisms and hoc templates into `components` and compile the
    mechanisms with nrnivmodl (NEURON needs them; rall reads the same .mod files)."""
    import bmtk
    src = os.path.join(os.path.dirname(bmtk.__file__), 'utils', 'scripts', 'bionet')
    for sub in ['mechanisms', 'templates']:
        shutil.copytree(os.path.join(src, sub), os.path.join(components, sub))
    subprocess.run(['nrnivmodl', 'modfiles'], cwd=os.path.join(components, 'mechanisms'),
                   env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def time_alternating(cmds, runs, cwd, env, after_run=None):
    """Run every command of `cmds` (name -> argv) once per round, `runs` rounds, alternating so
    that load changes hit all alike; `after_run(name)` is called after each run. Prints and
    returns the median wall time per name."""
    times = {k: [] for k in cmds}
    for _ in range(runs):
        for k, c in cmds.items():
            t0 = time.perf_counter()
            subprocess.run(c, cwd=cwd, env=env, check=True, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
            times[k].append(time.perf_counter() - t0)
            if after_run:
                after_run(k)
    med = {k: statistics.median(v) for k, v in times.items()}
    for k in cmds:
        print('{:5s} median {:.3f} s   all: {}'.format(k, med[k], ' '.join('{:.3f}'.format(x) for x in times[k])))
    return med
