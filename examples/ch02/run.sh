#!/usr/bin/env bash
# BMTK BioNet tutorial 2 ("single cell with external feed-forward input") with Rall alone:
# build -> sim-setup -> run -> analyse. Needs only Rust (cargo); nothing is compiled for NEURON.
#
#   bash examples/ch02/run.sh            (from anywhere in a clone)
#
# Everything goes to examples/ch02/out/ (regenerated on each run, gitignored).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
OUT="$ROOT/examples/ch02/out"
SIM="$OUT/sim_ch02"
PLOTS="$OUT/plots"
cd "$ROOT"

echo "== building rall and the tutorial's build script (cargo build --release, once)"
cargo build --release -q -p rall-cli --bin rall -p rall-builder --example ch02_build
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
case "$TARGET" in /*) ;; *) TARGET="$ROOT/$TARGET" ;; esac
RALL="$TARGET/release/rall"
BUILD="$TARGET/release/examples/ch02_build"

rm -rf "$OUT"
mkdir -p "$PLOTS"

echo "== step 1: build the network (1 Scnn1a cell, 10 thalamic cells, 50 synapses) and 10 Hz Poisson input"
"$BUILD" "$SIM"

echo "== step 2: set up the run environment (python -m bmtk.utils.sim_setup ... bionet sim_ch02)"
"$RALL" sim-setup \
    --report-vars v,cai \
    --network "$SIM/network" \
    --spikes-inputs "mthalamus:$SIM/inputs/mthalamus_spikes.h5" \
    --dt 0.1 \
    --tstop 3000.0 \
    --include-examples \
    --compile-mechanisms \
    bionet "$SIM"

echo "== step 3: run (python run_bionet.py config.json)"
"$RALL" run "$SIM/config.json"

echo "== step 4: analyse"
"$RALL" spikes "$SIM/config.json" | tee "$OUT/spikes.txt" | head -8
echo "   ($(($(wc -l < "$OUT/spikes.txt") - 1)) spikes; full table in $OUT/spikes.txt)"
"$RALL" stats "$SIM/config.json" | tee "$OUT/stats.txt"
"$RALL" plot raster "$SIM/config.json" -o "$PLOTS/raster.png"
"$RALL" plot traces "$SIM/config.json" --report v_report --node-ids 0 -o "$PLOTS/v_report.png"
"$RALL" plot traces "$SIM/config.json" --report cai_report --node-ids 0 -o "$PLOTS/cai_report.png"

echo
echo "outputs : $SIM/output/ (spikes.h5, v_report.h5, cai_report.h5, log.txt)"
echo "tables  : $OUT/spikes.txt, $OUT/stats.txt"
echo "plots   : $PLOTS/raster.png $PLOTS/v_report.png $PLOTS/cai_report.png"
