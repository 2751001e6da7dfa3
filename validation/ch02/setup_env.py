"""Create the BioNet run environment with BMTK's build_env_bionet (tutorial ch02 settings).

usage: python setup_env.py <base_dir>   (expects <base_dir>/network and <base_dir>/inputs/mthalamus_spikes.h5)
nrnivmodl must be on PATH (compile_mechanisms=True).
"""
import os
import sys

from bmtk.utils.sim_setup import build_env_bionet


def setup(base_dir):
    base_dir = os.path.abspath(base_dir)
    build_env_bionet(base_dir=base_dir,
                     network_dir=os.path.join(base_dir, 'network'),
                     tstop=3000.0, dt=0.1,
                     report_vars=['v', 'cai'],
                     spikes_inputs=[('mthalamus', os.path.join(base_dir, 'inputs', 'mthalamus_spikes.h5'))],
                     include_examples=True,
                     compile_mechanisms=True,
                     config_file='config.json')


if __name__ == '__main__':
    setup(sys.argv[1] if len(sys.argv) > 1 else '.')
