"""Describe HDF5 files and BMTK's space-separated CSVs as JSON-able dicts, exactly as h5py/pandas read them.

Floats are emitted as Python floats (json writes repr, which round-trips bit-exactly).
Small datasets (<= FULL_LIMIT elements) are written in full; larger ones get shape, first/last
rows and summary statistics (sum = numpy's pairwise sum, fsum = correctly rounded math.fsum).
"""
import csv
import math

import h5py
import numpy as np
import pandas as pd

FULL_LIMIT = 10000
EDGE_ROWS = 3


def _py(v):
    """numpy scalar / array / bytes -> plain JSON value."""
    if isinstance(v, bytes):
        return v.decode('utf-8')
    if isinstance(v, np.ndarray):
        return [_py(x) for x in v.tolist()] if v.dtype.kind in 'OSU' else _py(v.tolist())
    if isinstance(v, list):
        return [_py(x) for x in v]
    if isinstance(v, (np.floating, float)):
        f = float(v)
        if math.isnan(f) or math.isinf(f):
            return repr(f)  # strict JSON has no NaN/inf; never expected in these files
        return f
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, np.bool_):
        return bool(v)
    return v


def dtype_info(dt):
    """A short, stable description of an h5py dtype."""
    s = h5py.check_string_dtype(dt)
    if s is not None:
        return {'dtype': 'string', 'encoding': s.encoding, 'length': s.length}  # length None = variable
    return {'dtype': dt.name}


def attrs_dict(obj):
    out = {}
    for k in sorted(obj.attrs.keys()):
        v = obj.attrs[k]
        aid = obj.attrs.get_id(k)
        d = dtype_info(aid.dtype)
        d['shape'] = list(aid.shape) if aid.shape is not None else None
        d['value'] = _py(v)
        out[k] = d
    return out


def dataset_dict(ds, full_limit=FULL_LIMIT):
    d = dtype_info(ds.dtype)
    d['shape'] = list(ds.shape)
    d['chunks'] = list(ds.chunks) if ds.chunks else None
    d['compression'] = ds.compression
    d['compression_opts'] = _py(ds.compression_opts) if ds.compression_opts is not None else None
    d['attrs'] = attrs_dict(ds)
    data = ds[()]
    if h5py.check_string_dtype(ds.dtype) is not None:
        data = ds.asstr()[()]
    if data.size <= full_limit:
        d['values'] = _py(data)
    else:
        d['values'] = None
        d['first_rows'] = _py(data[:EDGE_ROWS])
        d['last_rows'] = _py(data[-EDGE_ROWS:])
        if data.dtype.kind in 'fiu':
            flat = data.astype(np.float64).ravel()
            d['sum'] = float(np.sum(flat))
            d['fsum'] = math.fsum(flat.tolist())
            d['min'] = float(np.min(flat))
            d['max'] = float(np.max(flat))
            d['mean'] = float(np.mean(flat))
            if data.ndim == 2:
                d['column_sums'] = [math.fsum(data[:, j].astype(np.float64).tolist()) for j in range(data.shape[1])]
    return d


def describe_h5(path, full_limit=FULL_LIMIT):
    out = {'root_attrs': None, 'groups': {}, 'datasets': {}}
    with h5py.File(path, 'r') as f:
        out['root_attrs'] = attrs_dict(f)

        def visit(name, obj):
            if isinstance(obj, h5py.Dataset):
                out['datasets']['/' + name] = dataset_dict(obj, full_limit)
            else:
                out['groups']['/' + name] = {'attrs': attrs_dict(obj), 'members': sorted(obj.keys())}
        f.visititems(visit)
    out['groups']['/'] = {'attrs': out['root_attrs'], 'members': None}
    with h5py.File(path, 'r') as f:
        out['groups']['/']['members'] = sorted(f.keys())
    return out


def _typed(v):
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return None
    return _py(v)


def describe_types_csv(path):
    """BMTK *_types.csv: raw tokens (csv module, space delimiter) and what BMTK's reader
    (pandas.read_csv(sep=' ', na_values='NONE')) makes of them."""
    with open(path, newline='') as f:
        rows = list(csv.reader(f, delimiter=' '))
    header, body = rows[0], rows[1:]
    df = pd.read_csv(path, sep=' ', na_values='NONE')
    parsed = []
    for _, r in df.iterrows():
        parsed.append({c: _typed(r[c]) for c in df.columns})
    return {'columns': header,
            'raw_rows': body,
            'pandas_dtypes': {c: str(df[c].dtype) for c in df.columns},
            'pandas_rows': parsed}
