"""Produce the golden single-compartment runs for rall-nmodl (NEURON 9.0.2 + BMTK 1.2.0).

Usage: /opt/ref/bin/python validation/mechs/make_golden.py [--modfiles DIR] [--out DIR]

The Allen mod files are BMTK's copies (never copied into the repository): they are compiled with
nrnivmodl in a scratch folder outside the repo (/tmp/rall-mechs/bmtk). Each case writes
<name>.json (the full protocol, the column names and provenance) and <name>.bin (little-endian
f64 samples, row-major: one row per recorded time, columns as listed).
"""
import argparse, json, os, shutil, subprocess, sys
import numpy as np

ap = argparse.ArgumentParser()
here = os.path.dirname(os.path.abspath(__file__))
default_mods = os.path.join(sys.prefix, 'lib', 'python%d.%d' % sys.version_info[:2], 'site-packages',
                            'bmtk', 'utils', 'scripts', 'bionet', 'mechanisms', 'modfiles')
ap.add_argument('--modfiles', default=os.environ.get('RALL_BMTK_MODFILES', default_mods))
ap.add_argument('--out', default=os.path.join(here, '..', 'golden', 'mechs'))
ap.add_argument('--scratch', default='/tmp/rall-mechs/bmtk')
args = ap.parse_args()

scratch = args.scratch
lib = os.path.join(scratch, 'x86_64', '.libs', 'libnrnmech.so')
if not os.path.exists(lib):
    os.makedirs(scratch, exist_ok=True)
    for f in os.listdir(args.modfiles):
        if f.endswith('.mod'):
            shutil.copy(os.path.join(args.modfiles, f), scratch)
    subprocess.check_call([os.path.join(sys.prefix, 'bin', 'nrnivmodl'), '.'], cwd=scratch,
                          stdout=subprocess.DEVNULL)
if not os.path.exists(lib):
    lib = os.path.join(scratch, 'x86_64', 'libnrnmech.so')

import neuron
from neuron import h
h.nrn_load_dll(lib)
h.load_file('stdrun.hoc')

ALLEN_GBAR = {  # conductances chosen to exercise each channel in one compartment
    'NaTs': 0.5, 'NaTa': 0.5, 'Nap': 1e-3, 'NaV': 0.05, 'Kv3_1': 0.3, 'Kv2like': 0.05, 'Kd': 0.01,
    'K_P': 0.01, 'K_T': 0.01, 'Im': 0.005, 'Im_v2': 0.005, 'SK': 2e-3, 'Ih': 1e-4,
    'Ca_HVA': 5e-4, 'Ca_LVA': 3e-3,
}


def case_allen(mech):
    """pas + a spike generator (NaTs, Kv3_1) + the mechanism; calcium users get CaDynamics."""
    mechs = [('pas', {'g': 3e-5, 'e': -80.0})]
    base = [('NaTs', {'gbar': 0.5}), ('Kv3_1', {'gbar': 0.3})]
    if mech == 'NaV':
        base = [('Kv3_1', {'gbar': 0.3})]
    for b in base:
        if b[0] != mech:
            mechs.append(b)
    if mech == 'CaDynamics':
        mechs.append(('Ca_HVA', {'gbar': 5e-4}))
        mechs.append(('CaDynamics', {'gamma': 0.002, 'decay': 200.0}))
    else:
        mechs.append((mech, {'gbar': ALLEN_GBAR[mech]}))
        if mech in ('Ca_HVA', 'Ca_LVA', 'SK'):
            if mech == 'SK':
                mechs.append(('Ca_HVA', {'gbar': 5e-4}))
            mechs.append(('CaDynamics', {'gamma': 0.002, 'decay': 200.0}))
    return dict(name='allen_' + mech, mechanisms=mechs,
                section_ions={'ena': 53.0, 'ek': -107.0},
                iclamp=[dict(delay=5.0, dur=50.0, amp=0.25)])


CASES = [case_allen(m) for m in ['CaDynamics', 'Ca_HVA', 'Ca_LVA', 'Ih', 'Im', 'Im_v2', 'K_P', 'K_T',
                                 'Kd', 'Kv2like', 'Kv3_1', 'NaTa', 'NaTs', 'NaV', 'Nap', 'SK']]
CASES.append(dict(name='allen_all9', mechanisms=[
    ('pas', {'g': 3e-5, 'e': -80.0}), ('NaTs', {'gbar': 0.5}), ('Kv3_1', {'gbar': 0.3}),
    ('Ca_HVA', {'gbar': 5e-4}), ('Ca_LVA', {'gbar': 3e-3}), ('CaDynamics', {'gamma': 0.002, 'decay': 200.0}),
    ('SK', {'gbar': 2e-3}), ('Ih', {'gbar': 1e-4}), ('Nap', {'gbar': 1e-3})],
    section_ions={'ena': 53.0, 'ek': -107.0}, iclamp=[dict(delay=5.0, dur=50.0, amp=0.25)]))
# built-ins
CASES.append(dict(name='builtin_pas', mechanisms=[('pas', {'g': 1e-3, 'e': -65.0})],
                  iclamp=[dict(delay=5.0, dur=50.0, amp=0.1), dict(delay=20.01, dur=10.0, amp=-0.05)]))
CASES.append(dict(name='builtin_hh', mechanisms=[('hh', {})], celsius=6.3 + 10.0,
                  iclamp=[dict(delay=5.0, dur=80.0, amp=0.2)], v_init=-65.0))
CASES.append(dict(name='builtin_hh_celsius34', mechanisms=[('hh', {'gnabar': 0.12})],
                  iclamp=[dict(delay=5.0, dur=80.0, amp=0.3)], v_init=-65.0))
CASES.append(dict(name='builtin_seclamp', mechanisms=[('pas', {'g': 1e-4, 'e': -70.0}), ('hh', {})],
                  seclamp=dict(dur1=10.0, amp1=-70.0, dur2=30.0, amp2=-20.0, dur3=40.0, amp3=-90.0, rs=0.01)))
CASES.append(dict(name='builtin_syn', mechanisms=[('pas', {'g': 1e-4, 'e': -70.0}), ('hh', {})],
                  synapses=[dict(type='Exp2Syn', params={'tau1': 0.5, 'tau2': 5.0, 'e': 0.0},
                                 source=dict(type='VecStim', times=[2.0, 10.0125, 10.5, 30.33, 60.0, 60.0, 71.2]),
                                 delay=1.0, weight=0.002),
                            dict(type='ExpSyn', params={'tau': 2.0, 'e': -80.0},
                                 source=dict(type='NetStim', params={'start': 15.0, 'interval': 7.3, 'number': 6, 'noise': 0.0}),
                                 delay=0.5, weight=0.004)]))
CASES.append(dict(name='builtin_intfire1', mechanisms=[('pas', {'g': 1e-4, 'e': -70.0})],
                  artificial=[dict(type='IntFire1', params={'tau': 10.0, 'refrac': 5.0},
                                   source=dict(type='NetStim', params={'start': 3.0, 'interval': 4.1, 'number': 15, 'noise': 0.0}),
                                   delay=1.0, weight=0.4)]))

ION_VARS = {'na': ['ena', 'nai', 'ina'], 'k': ['ek', 'ki', 'ik'], 'ca': ['eca', 'cai', 'ica']}
USES = {'NaTs': 'na', 'NaTa': 'na', 'Nap': 'na', 'NaV': 'na', 'Kv3_1': 'k', 'Kv2like': 'k', 'Kd': 'k', 'K_P': 'k',
        'K_T': 'k', 'Im': 'k', 'Im_v2': 'k', 'SK': 'kca', 'Ca_HVA': 'ca', 'Ca_LVA': 'ca', 'CaDynamics': 'ca', 'hh': 'nak'}


def run(case):
    dt, tstop = case.get('dt', 0.025), case.get('tstop', 100.0)
    celsius, v_init = case.get('celsius', 34.0), case.get('v_init', -75.0)
    geom = case.get('geometry', dict(L=20.0, diam=20.0, cm=1.0, Ra=100.0, nseg=1))
    s = h.Section(name='soma')
    s.L, s.diam, s.cm, s.Ra, s.nseg = geom['L'], geom['diam'], geom['cm'], geom['Ra'], geom['nseg']
    seg = s(0.5)
    cols, refs = ['t', 'v'], [h._ref_t, seg._ref_v]
    ions = []
    for name, params in case['mechanisms']:
        s.insert(name)
        mech = getattr(seg, name)
        for k, val in params.items():
            setattr(mech, k, val)
        for u in USES.get(name, ''):
            pass
        for ion in {'na': ['na'], 'k': ['k'], 'ca': ['ca'], 'kca': ['k', 'ca'], 'nak': ['na', 'k']}.get(USES.get(name, ''), []):
            if ion not in ions:
                ions.append(ion)
    for k, val in case.get('section_ions', {}).items():
        setattr(s, k, val)
    for name, params in case['mechanisms']:
        ms = h.MechanismStandard(name, 0)  # parameters
        for kind in (1, 2, 3):  # parameters, assigned, states
            ms = h.MechanismStandard(name, kind)
            nm = h.ref('')
            for j in range(int(ms.count())):
                ms.name(nm, j)
                full = nm[0]
                if kind == 3 or full.startswith('g') and kind == 2 and False:
                    cols.append(full)
                    refs.append(getattr(seg, '_ref_' + full))
    for ion in ions:
        for var in ION_VARS[ion]:
            cols.append(var)
            refs.append(getattr(seg, '_ref_' + var))
    keep = []
    stims = []
    for st in case.get('iclamp', []):
        c = h.IClamp(seg)
        c.delay, c.dur, c.amp = st['delay'], st['dur'], st['amp']
        stims.append(c)
    if 'seclamp' in case:
        c = h.SEClamp(seg)
        for k, val in case['seclamp'].items():
            setattr(c, k, val)
        stims.append(c)
        cols.append('i_SEClamp'); refs.append(c._ref_i)
    events = {}
    for j, syn in enumerate(case.get('synapses', []) + case.get('artificial', [])):
        is_art = syn in case.get('artificial', [])
        target = getattr(h, syn['type'])() if is_art else getattr(h, syn['type'])(seg)
        for k, val in syn['params'].items():
            setattr(target, k, val)
        src = syn['source']
        if src['type'] == 'VecStim':
            ss = h.VecStim(); vec = h.Vector(src['times']); ss.play(vec); keep.append(vec)
        else:
            ss = h.NetStim()
            for k, val in src['params'].items():
                setattr(ss, k, val)
        nc = h.NetCon(ss, target); nc.delay = syn['delay']; nc.weight[0] = syn['weight']
        keep += [target, ss, nc]
        tv = h.Vector(); keep.append(tv)
        if is_art:
            nco = h.NetCon(target, None); nco.record(tv); keep.append(nco)
            events['%s_%d' % (syn['type'], j)] = tv
        else:
            events['%s_%d_source' % (syn['type'], j)] = tv
            nc.record(tv)
        tag = '%s_%d' % (syn['type'], j)
        ms = h.MechanismStandard(syn['type'], 3)
        nm = h.ref('')
        for q in range(int(ms.count())):
            ms.name(nm, q)
            cols.append('%s.%s' % (tag, nm[0])); refs.append(getattr(target, '_ref_' + nm[0]))
        for extra in (['i'] if not is_art else ['m']):
            cols.append('%s.%s' % (tag, extra)); refs.append(getattr(target, '_ref_' + extra))
    vecs = []
    for r in refs:
        vv = h.Vector(); vv.record(r); vecs.append(vv)
    h.dt = dt
    h.celsius = celsius
    h.finitialize(v_init)
    h.continuerun(tstop)
    data = np.array([np.array(vv) for vv in vecs]).T.astype('<f8')
    out = dict(case)
    out.update(dt=dt, tstop=tstop, celsius=celsius, v_init=v_init, geometry=geom, columns=cols,
               rows=int(data.shape[0]), events={k: list(v) for k, v in events.items()},
               provenance=dict(neuron=neuron.__version__, bmtk_modfiles=args.modfiles,
                               script='validation/mechs/make_golden.py'))
    out['mechanisms'] = [[n, p] for n, p in case['mechanisms']]
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, case['name'] + '.json'), 'w') as f:
        json.dump(out, f, indent=1)
    data.tofile(os.path.join(args.out, case['name'] + '.bin'))
    print('%-24s rows=%d cols=%d vmax=%.2f' % (case['name'], data.shape[0], data.shape[1], data[:, 1].max()))
    h.delete_section(sec=s)
    del keep, stims


for c in CASES:
    run(c)
