"""What BMTK's bionet.Config makes of a config file, made location-independent for golden use.

The fixture's absolute directory is replaced by "${FIXTURE}"; the run-dependent built-in manifest
variables (time, date, datetime) by "<time>", "<date>", "<datetime>". Call with the fixture dir as
the current working directory (BMTK's `workingdir` built-in is the cwd).
"""
import json
import os


def _relativize(obj, root):
    if isinstance(obj, dict):
        return {k: _relativize(v, root) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_relativize(v, root) for v in obj]
    if isinstance(obj, str):
        return obj.replace(root, '${FIXTURE}')
    return obj


def resolved_config(config_path):
    from bmtk.simulator import bionet
    root = os.path.dirname(os.path.abspath(config_path))
    cfg = bionet.Config.from_json(config_path)
    d = json.loads(json.dumps(cfg, default=str))
    for k in ('time', 'date', 'datetime'):
        if k in d.get('manifest', {}):
            d['manifest'][k] = '<{}>'.format(k)
    props = {}
    for name in ['tstart', 'tstop', 'dt', 'dL', 'spike_threshold', 'block_step', 'v_init', 'celsius',
                 'output_dir', 'log_file', 'mechanisms_dir', 'templates_dir', 'target_simulator',
                 'use_old_import3d', 'use_default_templates']:
        try:
            v = getattr(cfg, name)
            props[name] = v if isinstance(v, (int, float, str, bool, type(None))) else str(v)
        except Exception as exc:  # noqa: BLE001 - record what BMTK does, including failures
            props[name] = {'error': '{}: {}'.format(type(exc).__name__, exc)}
    return {'note': 'bionet.Config.from_json({!r}) with cwd = the fixture dir; absolute fixture path -> '
                    '${{FIXTURE}}'.format(os.path.basename(config_path)),
            'merged': _relativize(d, root),
            'properties': _relativize(props, root)}
