#!/usr/bin/env bash
# Regenerate validation/golden/ch02 from BMTK 1.2.0 + NEURON 9.0.2 (venv /opt/ref).
# Everything runs in a scratch dir outside the repo; only allowed files are copied back.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
VENV="${REF_VENV:-/opt/ref}"
SCRATCH="${RALL_VALIDATION_SCRATCH:-/tmp/rall-validation}/ch02"
SHARED_COMPONENTS="${SHARED_COMPONENTS:-$REPO/../shared/components}"
GOLDEN="$REPO/validation/golden/ch02"
export PATH="$VENV/bin:$PATH"      # nrnivmodl for compile_mechanisms=True
export PYTHONHASHSEED=0            # *_types.csv column order depends on it
PY="$VENV/bin/python"

rm -rf "$SCRATCH"
mkdir -p "$SCRATCH"
cd "$SCRATCH"
"$PY" "$HERE/build_network.py" network
"$PY" "$HERE/make_inputs.py" inputs/mthalamus_spikes.h5
"$PY" "$HERE/setup_env.py" . > setup_env.log 2>&1 || { cat setup_env.log; exit 1; }
# gid offsets follow the order of the node files in circuit_config.json, which build_env_bionet
# takes from os.walk (filesystem order). The reference numbers need mthalamus first (gids 0-9).
"$PY" - <<'PYEOF'
import json, sys
nodes = json.load(open('circuit_config.json'))['networks']['nodes']
order = [n['nodes_file'].split('/')[-1] for n in nodes]
print('node files in circuit_config order:', order)
if order != ['mthalamus_nodes.h5', 'mcortex_nodes.h5']:
    sys.exit('unexpected node-file order (filesystem dependent): ' + repr(order))
PYEOF
"$PY" "$HERE/run_bionet.py" config.json --dump "$SCRATCH/dump" > run.log 2>&1 || { tail -30 run.log; exit 1; }
"$PY" "$HERE/collect_golden.py" "$SCRATCH" "$GOLDEN" "$SHARED_COMPONENTS" "validation/ch02/make_golden.sh"
