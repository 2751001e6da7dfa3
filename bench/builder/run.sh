#!/usr/bin/env bash
# Builder benchmark: Rall vs BMTK 1.2.0 on the same 10,000-node distance rule (README.md).
# usage: bench/builder/run.sh [N]   (default 10000; BMTK needs ~25-40 min at N=10000)
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
N="${1:-10000}"
VENV="${REF_VENV:-/opt/ref}"
OUT="${BENCH_SCRATCH:-/tmp/rall-bench-builder}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$REPO/target}"
rm -rf "$OUT" && mkdir -p "$OUT"
(cd "$REPO" && cargo build -q --release -p rall-builder --example bench_build)
"$VENV/bin/python" "$HERE/bmtk_build.py" "$OUT/bmtk" "$N" | tee "$OUT/bmtk.json"
# The Rall run also checks its edges against BMTK's file (read through rall-sonata).
"$CARGO_TARGET_DIR/release/examples/bench_build" "$OUT/rall" "$N" "$OUT/bmtk/cube_cube_edges.h5" | tee "$OUT/rall.json"
RAYON_NUM_THREADS=1 "$CARGO_TARGET_DIR/release/examples/bench_build" "$OUT/rall1" "$N" | tee "$OUT/rall1.json"
cmp "$OUT/rall/cube_cube_edges.h5" "$OUT/rall1/cube_cube_edges.h5" && echo "thread count does not change the file"
