#!/usr/bin/env bash
# Passive compartment-steps per second, rall vs NEURON 9.0.2, single-threaded (issue 5).
# usage: bash bench/cable_passive.sh [NCELLS] [STEPS]
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-100}; S=${2:-4000}
C=../shared/components
cargo run -q --release -p rall-cable --example bench_passive -- \
  $C/morphologies/Scnn1a_473845048_m.swc $C/biophysical_neuron_models/472363762_fit.json "$N" "$S"
(cd /tmp && /opt/ref/bin/python "$OLDPWD/bench/cable_passive_neuron.py" "$N" "$S" 2>/dev/null | grep NEURON)
