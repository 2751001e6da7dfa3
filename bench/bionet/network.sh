#!/usr/bin/env bash
# `rall run` (1 and 2 threads) vs BMTK 1.2.0 + NEURON 9.0.2 on a recurrent network of
# 5*PER_TYPE Allen cells built by BMTK's NetworkBuilder, side by side.
# usage: bash bench/bionet/network.sh [PER_TYPE] [RUNS]   (defaults 10 and 3; needs the
# reference venv, /opt/ref or RALL_REF_PYTHON)
set -euo pipefail
cd "$(dirname "$0")/../.."
PY="${RALL_REF_PYTHON:-/opt/ref/bin/python}"
cargo build --release --quiet -p rall-cli
TARGET="${CARGO_TARGET_DIR:-target}"
exec "$PY" bench/bionet/network.py "${1:-10}" "${2:-3}" "$(realpath "$TARGET/release/rall")"
