#!/usr/bin/env bash
# Whole `rall run` of the BMTK tutorial vs BMTK 1.2.0 + NEURON 9.0.2's whole run, side by side.
# usage: bash bench/bionet/tutorial.sh [RUNS]   (default 5; needs the reference venv, /opt/ref or
# RALL_REF_PYTHON)
set -euo pipefail
cd "$(dirname "$0")/../.."
PY="${RALL_REF_PYTHON:-/opt/ref/bin/python}"
cargo build --release --quiet -p rall-cli
TARGET="${CARGO_TARGET_DIR:-target}"
exec "$PY" bench/bionet/tutorial.py "${1:-5}" "$(realpath "$TARGET/release/rall")"
