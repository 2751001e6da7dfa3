"""Record what BMTK 1.2.0's sim_setup writes, as a golden for `rall sim-setup`.

usage: /opt/ref/bin/python validation/sim_setup/make_golden.py
Runs `python -m bmtk.utils.sim_setup ... bionet BASE` (BMTK's own CLI) for each case below in a
fresh temporary directory holding a copy of the tutorial network (validation/golden/ch02/network)
and its input spikes, then writes validation/golden/sim_setup/<case>/:
  files.json  every file and directory under BASE (relative paths, sorted; directories end in /)
  <name>.json every JSON file BMTK wrote (config, circuit, simulation, node sets), with the
              absolute BASE path replaced by "<BASE>" (key order kept as written).
Network file order in circuit_config depends on os.walk (filesystem) order in BMTK, so files.json
and the tests compare networks.nodes/edges as sets.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
CH02 = os.path.join(REPO, 'validation', 'golden', 'ch02')
OUT = os.path.join(REPO, 'validation', 'golden', 'sim_setup')

# name -> CLI arguments after `-m bmtk.utils.sim_setup` (BASE is substituted)
CASES = {
    # the tutorial's command (--compile-mechanisms left out: it only runs nrnivmodl)
    'tutorial': ['--report-vars', 'v,cai', '--network', '{BASE}/network',
                 '--spikes-inputs', 'mthalamus:{BASE}/inputs/mthalamus_spikes.h5',
                 '--dt', '0.1', '--tstop', '3000.0', '--include-examples', 'bionet', '{BASE}'],
    # defaults, recorded nodes, current clamp, another config name, no examples
    'iclamp_nodes': ['--report-vars', 'v', '--report-nodes', '0,1', '--iclamp', '0.12,500,1000',
                     '--config-file', 'config.iclamp.json', 'bionet', '{BASE}'],
}


def rel_tree(base):
    out = []
    for root, dirs, files in os.walk(base):
        rr = os.path.relpath(root, base)
        for d in dirs:
            out.append(os.path.normpath(os.path.join(rr, d)) + '/')
        for f in files:
            out.append(os.path.normpath(os.path.join(rr, f)))
    return sorted(out)


def main():
    import bmtk
    prov = {'bmtk': bmtk.__version__, 'python': sys.version.split()[0], 'cases': {}}
    for name, args in CASES.items():
        tmp = tempfile.mkdtemp(prefix='simsetup_')
        base = os.path.join(tmp, 'sim')
        os.makedirs(os.path.join(base, 'inputs'))
        shutil.copytree(os.path.join(CH02, 'network'), os.path.join(base, 'network'))
        shutil.copy(os.path.join(CH02, 'inputs', 'mthalamus_spikes.h5'), os.path.join(base, 'inputs'))
        argv = [a.replace('{BASE}', base) for a in args]
        subprocess.run([sys.executable, '-m', 'bmtk.utils.sim_setup'] + argv, check=True, cwd=tmp,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        dst = os.path.join(OUT, name)
        shutil.rmtree(dst, ignore_errors=True)
        os.makedirs(dst)
        tree = rel_tree(base)
        with open(os.path.join(dst, 'files.json'), 'w') as f:
            json.dump(tree, f, indent=1)
            f.write('\n')
        for rel in tree:
            if rel.endswith('.json') and '/' not in rel:
                with open(os.path.join(base, rel)) as f:
                    text = f.read()
                text = text.replace(base, '<BASE>')
                with open(os.path.join(dst, rel), 'w') as f:
                    f.write(text)
        prov['cases'][name] = ['python', '-m', 'bmtk.utils.sim_setup'] + [a.replace('{BASE}', '<BASE>') for a in args]
        shutil.rmtree(tmp)
    with open(os.path.join(OUT, 'PROVENANCE.json'), 'w') as f:
        json.dump(prov, f, indent=1)
        f.write('\n')


if __name__ == '__main__':
    main()
