"""Generate the tutorial's thalamic input spikes with BMTK's PoissonSpikeGenerator.

usage: python make_inputs.py <output .h5>
Expected: 283 spikes (seed 100, 10 Hz, 10 nodes, 0-3 s).
"""
import os
import sys

from bmtk.utils.reports.spike_trains import PoissonSpikeGenerator


def make(path):
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    psg = PoissonSpikeGenerator(population='mthalamus', seed=100)
    psg.add(node_ids=range(10), firing_rate=10.0, times=(0.0, 3.0))
    psg.to_sonata(path)
    n = psg.n_spikes()
    print('input spikes: {} (units {})'.format(n, psg.units()))
    if n != 283:
        sys.exit('expected 283 input spikes, got {}'.format(n))


if __name__ == '__main__':
    make(sys.argv[1] if len(sys.argv) > 1 else 'inputs/mthalamus_spikes.h5')
