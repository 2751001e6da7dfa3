#!/usr/bin/env python
"""Self-test of check_rall_files.py against the BMTK-built golden folder.

1. golden/ch02 + manifests/golden_ch02.json must pass (exit 0).
2. A mutated copy of golden/ch02 (in a temp dir) must fail, once per mutation:
   v_report sample +1e-5 mV, spike dropped, root magic removed, node_type_id changed,
   edge syn_weight changed in the edge-types CSV; and a manifest with a wrong spike count.
usage: /opt/ref/bin/python validation/interop/selftest.py
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

import h5py

HERE = os.path.dirname(os.path.abspath(__file__))
GOLDEN = os.path.normpath(os.path.join(HERE, '..', 'golden', 'ch02'))
MANIFEST = os.path.join(HERE, 'manifests', 'golden_ch02.json')
CHECK = [sys.executable, os.path.join(HERE, 'check_rall_files.py')]


def run(d, manifest):
    p = subprocess.run(CHECK + [d, '--manifest', manifest], capture_output=True, text=True)
    last = p.stdout.strip().splitlines()[-1] if p.stdout.strip() else ''
    return p.returncode, last, p.stdout


def mut_v(d):
    with h5py.File(os.path.join(d, 'output/v_report.h5'), 'r+') as f:
        f['report/mcortex/data'][15000, 0] += 1e-5


def mut_drop_spike(d):
    p = os.path.join(d, 'output/spikes.h5')
    with h5py.File(p, 'r+') as f:
        g = f['spikes/mcortex']
        ids, ts = g['node_ids'][()][:-1], g['timestamps'][()][:-1]
        del g['node_ids'], g['timestamps']
        g.create_dataset('node_ids', data=ids)
        g.create_dataset('timestamps', data=ts).attrs['units'] = 'ms'


def mut_magic(d):
    with h5py.File(os.path.join(d, 'inputs/mthalamus_spikes.h5'), 'r+') as f:
        del f.attrs['magic']


def mut_node_type(d):
    with h5py.File(os.path.join(d, 'network/mthalamus_nodes.h5'), 'r+') as f:
        f['nodes/mthalamus/node_type_id'][3] = 101


def mut_edge_csv(d):
    p = os.path.join(d, 'network/mthalamus_mcortex_edge_types.csv')
    s = open(p).read().replace(' 0.001 ', ' 0.002 ')
    open(p, 'w').write(s)


def main():
    failures = 0
    rc, last, out = run(GOLDEN, MANIFEST)
    ok = rc == 0 and last.endswith(' 0 failed')
    print('{} golden passes: {}'.format('ok  ' if ok else 'FAIL', last))
    failures += not ok

    muts = [('v_report sample +1e-5', mut_v), ('spike dropped', mut_drop_spike), ('magic removed', mut_magic),
            ('node_type_id changed', mut_node_type), ('edge-type syn_weight changed', mut_edge_csv)]
    with tempfile.TemporaryDirectory() as tmp:
        for name, fn in muts:
            d = os.path.join(tmp, 'case')
            if os.path.exists(d):
                shutil.rmtree(d)
            shutil.copytree(GOLDEN, d)
            fn(d)
            rc, last, out = run(d, MANIFEST)
            ok = rc != 0 and not last.endswith(' 0 failed')
            print('{} mutation "{}" detected: {}'.format('ok  ' if ok else 'FAIL', name, last))
            failures += not ok
        m = json.load(open(MANIFEST))
        for e in m['files']:
            if e['kind'] == 'spikes' and e['path'] == 'output/spikes.h5':
                e['expect']['populations']['mcortex']['n_spikes'] = 45
        mp = os.path.join(HERE, 'manifests', '.selftest_tmp.json')  # same dir: reference paths stay valid
        try:
            json.dump(m, open(mp, 'w'))
            rc, last, out = run(GOLDEN, mp)
        finally:
            os.remove(mp)
        ok = rc != 0 and not last.endswith(' 0 failed')
        print('{} wrong manifest n_spikes detected: {}'.format('ok  ' if ok else 'FAIL', last))
        failures += not ok
    print('selftest: {}'.format('PASSED' if failures == 0 else '{} FAILED'.format(failures)))
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
