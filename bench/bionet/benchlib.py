"""Shared pieces of the whole-run benchmarks (tutorial.py, network.py)."""
import os
import shutil
import subprocess
import sys

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
