#!/usr/bin/env bash
# Interop check for issue 3: BMTK 1.2.0 + NEURON 9.0.2 run the tutorial folder *built by Rall*
# (network/ + inputs/mthalamus_spikes.h5 from `cargo run -p rall-builder --example ch02_build`)
# and must produce exactly the 44 output spikes of BMTK's own build
# (validation/golden/ch02/output/spikes.h5).
#
# Pass criterion: same number of spikes, same node ids, timestamps equal (==) after sorting by
# (node id, time). Same simulator on identical input files, so nothing but exact equality is
# acceptable.
#
# usage: crates/rall-builder/validation/interop_ch02.sh     (venv /opt/ref, or REF_VENV=...)
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../../.." && pwd)"
VENV="${REF_VENV:-/opt/ref}"
SCRATCH="${RALL_VALIDATION_SCRATCH:-/tmp/rall-validation}/ch02-rall-build"
GOLDEN="$REPO/validation/golden/ch02"
export PATH="$VENV/bin:$PATH"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$REPO/target}"
PY="$VENV/bin/python"

rm -rf "$SCRATCH"
mkdir -p "$SCRATCH"
(cd "$REPO" && cargo run -q --release -p rall-builder --example ch02_build -- "$SCRATCH")
cd "$SCRATCH"
"$PY" "$REPO/validation/ch02/setup_env.py" . > setup_env.log 2>&1 || { cat setup_env.log; exit 1; }
# BMTK's build_env_bionet lists node files in os.walk (filesystem) order, which fixes the gid
# offsets; the golden run had mthalamus first (gids 0-9, mcortex node = gid 10). Same check as
# validation/ch02/make_golden.sh.
"$PY" - <<'PYEOF'
import json, sys
nodes = json.load(open('circuit_config.json'))['networks']['nodes']
order = [n['nodes_file'].split('/')[-1] for n in nodes]
print('node files in circuit_config order:', order)
if order != ['mthalamus_nodes.h5', 'mcortex_nodes.h5']:
    sys.exit('unexpected node-file order (filesystem dependent): ' + repr(order))
PYEOF
"$PY" "$REPO/validation/ch02/run_bionet.py" config.json > run.log 2>&1 || { tail -30 run.log; exit 1; }
"$PY" - "$SCRATCH/output/spikes.h5" "$GOLDEN/output/spikes.h5" <<'PYEOF'
import sys, h5py, numpy as np
def load(p):
    with h5py.File(p, 'r') as f:
        pops = list(f['spikes'])
        out = {}
        for pop in pops:
            ids = f['spikes'][pop]['node_ids'][()]
            ts = f['spikes'][pop]['timestamps'][()]
            order = np.lexsort((ts, ids))
            out[pop] = (ids[order], ts[order])
        return out
a, b = load(sys.argv[1]), load(sys.argv[2])
ok = sorted(a) == sorted(b)
for pop in b:
    if pop not in a:
        continue
    same = len(a[pop][0]) == len(b[pop][0]) and np.array_equal(a[pop][0], b[pop][0]) \
        and np.array_equal(a[pop][1], b[pop][1])
    print(f'{pop}: rall-built run {len(a[pop][0])} spikes, BMTK-built run {len(b[pop][0])} spikes, identical: {same}')
    ok &= same
print('PASS' if ok else 'FAIL')
sys.exit(0 if ok else 1)
PYEOF
