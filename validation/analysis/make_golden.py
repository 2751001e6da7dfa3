"""Reference numbers from BMTK 1.2.0's own analyzer, for `rall spikes` / `rall stats` / `rall plot rates`.

    /opt/ref/bin/python validation/analysis/make_golden.py     # writes validation/golden/analysis/

Inputs are the committed tutorial fixture (validation/golden/ch02): the simulation output
`output/spikes.h5` (found through `config.json`, 44 spikes of mcortex node 0) and the input
`inputs/mthalamus_spikes.h5` (283 spikes of 10 virtual nodes, several nodes per population).
Floats are written as Python reprs (json), so they round-trip bit-exactly.
"""
import datetime
import hashlib
import json
import os
import platform
import sys

import matplotlib

matplotlib.use("Agg")

import bmtk  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from bmtk.analyzer.spike_trains import plot_rates, spike_statistics, to_dataframe  # noqa: E402
from bmtk.utils.reports import SpikeTrains  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
CH02 = os.path.join(ROOT, "validation", "golden", "ch02")
OUT = os.path.join(ROOT, "validation", "golden", "analysis")


def rel(p):
    return os.path.relpath(p, ROOT)


def sha256(p):
    with open(p, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def frame(df):
    return {
        "columns": list(df.columns),
        "dtypes": [str(t) for t in df.dtypes],
        "timestamps": [float(x) for x in df["timestamps"]],
        "node_ids": [int(x) for x in df["node_ids"]],
        "population": [str(x) for x in df["population"]],
    }


def stats(df):
    rows = []
    for (pop, nid), r in df.iterrows():
        rows.append({"population": str(pop), "node_id": int(nid),
                     "count": float(r["count"]), "isi": float(r["isi"])})
    return {"columns": ["population", "node_id"] + list(df.columns), "rows": rows}


def rates(fig):
    # plot_rates draws one '.' line: x = node ids, y = count / ((t1 - t0) / 1000) spikes in [t0, t1].
    line = fig.axes[0].lines[0]
    return [{"node_id": int(x), "rate_hz": float(y)} for x, y in zip(line.get_xdata(), line.get_ydata())]


def main():
    os.makedirs(OUT, exist_ok=True)
    config = os.path.join(CH02, "config.json")
    out_spikes = os.path.join(CH02, "output", "spikes.h5")
    in_spikes = os.path.join(CH02, "inputs", "mthalamus_spikes.h5")

    # BMTK's CSV writer, so the CSV reading path is checked against the same numbers.
    in_csv = os.path.join(OUT, "mthalamus_spikes.csv")
    SpikeTrains.load(in_spikes).to_csv(in_csv)

    cases = {}
    cases["ch02_output"] = {
        "call": "to_dataframe(config_file='validation/golden/ch02/config.json'); "
                "spike_statistics(None, config_file=...); plot_rates(config_file=..., show=False)",
        "config": rel(config),
        "spikes_file": rel(out_spikes),
        "spikes_sha256": sha256(out_spikes),
        "times": [0.0, 3000.0],
        "to_dataframe": frame(to_dataframe(config_file=config)),
        "spike_statistics": stats(spike_statistics(None, config_file=config)),
        "plot_rates": rates(plot_rates(config_file=config, show=False)),
    }
    for name, path in [("mthalamus_input_h5", in_spikes), ("mthalamus_input_csv", in_csv)]:
        cases[name] = {
            "call": "to_dataframe(None, spikes_file=F); spike_statistics(F); "
                    "plot_rates(spikes_file=F, times=(0.0, 3000.0), show=False)",
            "spikes_file": rel(path),
            "spikes_sha256": sha256(path),
            "times": [0.0, 3000.0],
            "to_dataframe": frame(to_dataframe(None, spikes_file=path)),
            "spike_statistics": stats(spike_statistics(path)),
            "plot_rates": rates(plot_rates(spikes_file=path, times=(0.0, 3000.0), show=False)),
        }

    doc = {
        "produced_by": rel(os.path.abspath(__file__)),
        "date_utc": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "versions": {"bmtk": bmtk.__version__, "numpy": np.__version__, "pandas": pd.__version__,
                     "matplotlib": matplotlib.__version__, "python": platform.python_version()},
        "cases": cases,
    }
    with open(os.path.join(OUT, "analyzer.json"), "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    for name, c in cases.items():
        print(name, len(c["to_dataframe"]["timestamps"]), "spikes,",
              len(c["spike_statistics"]["rows"]), "nodes", file=sys.stderr)


if __name__ == "__main__":
    main()
