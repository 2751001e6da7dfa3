#!/usr/bin/env bash
# Interop: BMTK 1.2.0 + NEURON 9.0.2 run a folder made by `rall sim-setup` (its .mod files compiled
# by nrnivmodl) and give the same spikes as `rall run` on the same folder.
#
#   bash validation/sim_setup/interop.sh        (needs /opt/ref or REF_VENV with bmtk + neuron)
#
# Scratch in ${RALL_VALIDATION_SCRATCH:-/tmp/rall-validation}/sim_setup (nothing in the repo).
# Pass criterion: for every case, the sorted (population, node_id, timestamp) spike lists are
# identical (exact float equality) and soma v of the first report differs by <= 1e-6 mV.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
VENV="${REF_VENV:-/opt/ref}"
PY="$VENV/bin/python"
SCRATCH="${RALL_VALIDATION_SCRATCH:-/tmp/rall-validation}/sim_setup"
export PATH="$VENV/bin:$PATH"

cd "$REPO"
cargo build --release -q -p rall-cli --bin rall -p rall-builder --example ch02_build
TARGET="${CARGO_TARGET_DIR:-$REPO/target}"
case "$TARGET" in /*) ;; *) TARGET="$REPO/$TARGET" ;; esac
RALL="$TARGET/release/rall"

rm -rf "$SCRATCH"
mkdir -p "$SCRATCH"

run_case() {   # name, sim-setup args...
    local name="$1"; shift
    local sim="$SCRATCH/$name"
    "$TARGET/release/examples/ch02_build" "$sim" > /dev/null
    local cfg="$sim/config.json"
    for a in "$@"; do case "$a" in *.json) cfg="$sim/$a" ;; esac; done
    "$RALL" sim-setup --network "$sim/network" --include-examples "$@" bionet "$sim" > "$SCRATCH/$name.setup.log"
    # VecStim (virtual cells): NEURON compiles the bundled vecevent.mod, Rall's own file (Rall
    # recognises it and uses its built-in VecStim). Nothing of BMTK's is added.
    if [ ! -e "$sim/components/mechanisms/modfiles/vecevent.mod" ]; then
        echo "$name: sim-setup --include-examples did not copy vecevent.mod" >&2
        exit 1
    fi
    (cd "$sim/components/mechanisms" && nrnivmodl modfiles > "$SCRATCH/$name.nrnivmodl.log" 2>&1) \
        || { tail -20 "$SCRATCH/$name.nrnivmodl.log"; exit 1; }
    (cd "$sim" && "$PY" run_bionet.py "$(basename "$cfg")" > "$SCRATCH/$name.bmtk.log" 2>&1) \
        || { tail -20 "$SCRATCH/$name.bmtk.log"; exit 1; }
    "$RALL" run "$cfg" --quiet --output "$sim/output_rall"
    "$PY" - "$sim" "$name" <<'PYEOF'
import glob, os, sys
import h5py, numpy as np
sim, name = sys.argv[1], sys.argv[2]
def spikes(d):
    out = []
    with h5py.File(os.path.join(sim, d, 'spikes.h5'), 'r') as f:
        for pop in f['spikes']:
            g = f['spikes'][pop]
            out += [(pop, int(n), float(t)) for n, t in zip(g['node_ids'][()], g['timestamps'][()])]
    return sorted(out)
a, b = spikes('output'), spikes('output_rall')
ok = a == b
msg = f'{name}: BMTK+NEURON {len(a)} spikes, rall {len(b)} spikes, identical={ok}'
reps = sorted(os.path.basename(p) for p in glob.glob(os.path.join(sim, 'output', '*_report.h5')))
for r in reps:
    with h5py.File(os.path.join(sim, 'output', r)) as f, h5py.File(os.path.join(sim, 'output_rall', r)) as g:
        for pop in f['report']:
            x, y = f['report'][pop]['data'][()], g['report'][pop]['data'][()]
            d = float(np.max(np.abs(x - y))) if x.shape == y.shape else float('inf')
            msg += f'; {r} {pop} {x.shape} max|diff| {d:.3g}'
            if r.startswith('v_') and not d <= 1e-6:
                ok = False
print(msg)
sys.exit(0 if ok else 1)
PYEOF
}

# current clamp on every cell (no spike input), recorded nodes by population, another config name
run_case iclamp --report-vars v,cai --report-nodes mcortex --iclamp 0.12,500,1000 --dt 0.1 \
    --tstop 2000.0 --config-file config.iclamp.json
# the tutorial's sim_setup command (virtual cells need VecStim: vecevent.mod)
run_case tutorial --report-vars v,cai --spikes-inputs "mthalamus:$SCRATCH/tutorial/inputs/mthalamus_spikes.h5" \
    --dt 0.1 --tstop 3000.0
echo "interop: all cases passed"
