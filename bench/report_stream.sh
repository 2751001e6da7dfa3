#!/usr/bin/env bash
# Report streaming benchmark: 30,000 steps × 10,000 elements through rall-sonata's ReportWriter.
# Prints wall time, peak resident memory (target < 100 MB) and a read-back checksum.
set -euo pipefail
cd "$(dirname "$0")/.."
STEPS=${1:-30000}; ELEMENTS=${2:-10000}
cargo build --quiet --release -p rall-sonata --example bench_report_stream
BIN=${CARGO_TARGET_DIR:-target}/release/examples/bench_report_stream
OUT=$(mktemp -d)/report.h5
/usr/bin/time -v "$BIN" "$OUT" "$STEPS" "$ELEMENTS" 2> "$OUT.time"
grep -E "Maximum resident set size|Elapsed \(wall clock\)" "$OUT.time"
ls -l "$OUT" | awk '{print "file bytes:", $5}'
rm -f "$OUT" "$OUT.time"
