#!/usr/bin/env bash
# The one test command (README, .ci/run): formatting, lints, every Rust test, and the interop
# checks that need BMTK's Python readers. Parity tests never skip: a missing reference fails.
set -euo pipefail
cd "$(dirname "$0")/.."

# Reference Python (BMTK 1.2.0 + h5py; BMTK also ships the Allen .mod files our NMODL parity
# tests read). Use RALL_REF_PYTHON, else /opt/ref, else a venv made here on first use.
if [ -n "${RALL_REF_PYTHON:-}" ]; then
  PY="$RALL_REF_PYTHON"
elif [ -x /opt/ref/bin/python ] && /opt/ref/bin/python -c "import bmtk, h5py" 2>/dev/null; then
  PY=/opt/ref/bin/python
else
  if ! [ -x .venv-ref/bin/python ] || ! .venv-ref/bin/python -c "import bmtk, h5py" 2>/dev/null; then
    echo "== creating .venv-ref (pip install bmtk==1.2.0 h5py)"
    if ! python3 -m venv --help >/dev/null 2>&1 || ! python3 -c "import ensurepip" 2>/dev/null; then
      if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        apt-get update -qq && apt-get install -y -qq python3-venv python3-pip >/dev/null
      else
        echo "error: Python 3 with venv is needed (Debian: apt-get install python3-venv)" >&2
        exit 1
      fi
    fi
    rm -rf .venv-ref
    python3 -m venv .venv-ref
    .venv-ref/bin/pip install --quiet "bmtk==1.2.0" h5py
  fi
  PY="$PWD/.venv-ref/bin/python"
fi
export RALL_REF_PYTHON="$PY"
SITE=$("$PY" -c "import bmtk, os; print(os.path.dirname(bmtk.__file__))")
export RALL_BMTK_MODFILES="${RALL_BMTK_MODFILES:-$SITE/utils/scripts/bionet/mechanisms/modfiles}"

echo "== cargo fmt --check"
cargo fmt --all -- --check
echo "== cargo clippy -D warnings"
cargo clippy --workspace --all-targets --quiet -- -D warnings
echo "== cargo test"
cargo test --workspace --quiet

echo "== interop: files written by Rall, read by h5py and BMTK"
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
cargo run --quiet -p rall-sonata --example interop_roundtrip -- "$OUT/sonata"
"$PY" validation/interop/check_rall_files.py "$OUT/sonata"
echo "== interop: rall poisson's NWB 2 units file (object reference, scalars), read by h5py"
mkdir -p "$OUT/nwb"
cargo run --quiet --bin rall -- poisson --population mthalamus --node-ids 0-9 --rate 10 \
  --times 0,3 --seed 100 -o "$OUT/nwb/mthalamus_spikes.nwb" >/dev/null
"$PY" validation/interop/check_rall_files.py "$OUT/nwb" \
  --manifest validation/interop/manifests/rall_poisson_nwb.json
echo "== interop: rall run's tutorial output, read by h5py and BMTK"
mkdir -p "$OUT/ch02"
cargo run --quiet --bin rall -- run validation/golden/ch02/config.json \
  --mechanisms "$RALL_BMTK_MODFILES" --output "$OUT/ch02/output" --quiet
"$PY" validation/interop/check_rall_files.py "$OUT/ch02" \
  --manifest validation/interop/manifests/rall_ch02_output.json
echo "== all tests passed"
