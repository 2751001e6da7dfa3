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
ap.add_argument('--features', default=os.path.join(here, '..', '..', 'crates', 'rall-nmodl', 'tests', 'mods'))
args = ap.parse_args()

scratch = args.scratch
lib = os.path.join(scratch, 'x86_64', 'libnrnmech.so')
if not os.path.exists(lib):
    os.makedirs(scratch, exist_ok=True)
    for f in os.listdir(args.modfiles):
        if f.endswith('.mod'):
            shutil.copy(os.path.join(args.modfiles, f), scratch)
    subprocess.check_call([os.path.join(sys.prefix, 'bin', 'nrnivmodl'), '.'], cwd=scratch,
                          stdout=subprocess.DEVNULL)

# our own one-feature test mods (crates/rall-nmodl/tests/mods), compiled separately
fscratch = args.scratch + '-features'
flib = os.path.join(fscratch, 'x86_64', 'libnrnmech.so')
os.makedirs(fscratch, exist_ok=True)
for f in os.listdir(args.features):
    if f.endswith('.mod'):
        shutil.copy(os.path.join(args.features, f), fscratch)
subprocess.check_call([os.path.join(sys.prefix, 'bin', 'nrnivmodl'), '.'], cwd=fscratch,
                      stdout=subprocess.DEVNULL)

import neuron
from neuron import h
h.nrn_load_dll(lib)
h.nrn_load_dll(flib)
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

SPIKY = [('pas', {'g': 3e-5, 'e': -80.0}), ('NaTs', {'gbar': 0.5}), ('Kv3_1', {'gbar': 0.3})]
IC = [dict(delay=5.0, dur=50.0, amp=0.25)]
FEATURES = [
    dict(name='feature_global', mechanisms=[('pas', {'g': 3e-5, 'e': -80.0}), ('fglob', {'gbar': 3e-4})],
         globals={'k_fglob': 3.0, 'erev_fglob': -50.0}, iclamp=[dict(delay=5.0, dur=50.0, amp=0.05)]),
    dict(name='feature_proc', mechanisms=SPIKY + [('fproc', {'gbar': 0.01})], section_ions={'ena': 53.0, 'ek': -90.0}, iclamp=IC),
    dict(name='feature_vwrite', mechanisms=SPIKY + [('fvw', {})], section_ions={'ena': 53.0, 'ek': -90.0}, iclamp=IC),
    dict(name='feature_special', mechanisms=[('pas', {'g': 3e-5, 'e': -80.0}), ('fspec', {})], celsius=30.0,
         iclamp=[dict(delay=5.0, dur=50.0, amp=0.05)]),
    dict(name='feature_units', mechanisms=[('pas', {'g': 3e-5, 'e': -80.0}), ('funits', {})],
         iclamp=[dict(delay=5.0, dur=50.0, amp=0.05)]),
    dict(name='feature_exp', mechanisms=SPIKY + [('fexp', {})], section_ions={'ena': 53.0, 'ek': -90.0}, iclamp=IC),
    dict(name='feature_cnexp', mechanisms=SPIKY + [('fcnexp', {})], section_ions={'ena': 53.0, 'ek': -90.0}, iclamp=IC),
    dict(name='feature_derivimplicit', mechanisms=SPIKY + [('fdimp', {})], section_ions={'ena': 53.0, 'ek': -90.0}, iclamp=IC),
    dict(name='feature_cnexp_fallback', mechanisms=SPIKY + [('ffall', {})], section_ions={'ena': 53.0, 'ek': -90.0}, iclamp=IC),
    dict(name='feature_kinetic', mechanisms=[('pas', {'g': 3e-5, 'e': -80.0}), ('NaTs', {'gbar': 0.5}), ('fkin', {})],
         section_ions={'ena': 53.0, 'ek': -90.0}, iclamp=IC),
    dict(name='feature_linear', mechanisms=[('pas', {'g': 3e-5, 'e': -80.0}), ('Kv3_1', {'gbar': 0.3}), ('flin', {})],
         section_ions={'ena': 53.0, 'ek': -90.0}, iclamp=IC),
    dict(name='feature_table', mechanisms=SPIKY + [('ftab', {})], globals={'sh_ftab': 5.0},
         section_ions={'ena': 53.0, 'ek': -90.0}, iclamp=IC),
    dict(name='feature_table_off', mechanisms=SPIKY + [('ftab', {})], globals={'sh_ftab': 5.0, 'usetable_ftab': 0.0},
         section_ions={'ena': 53.0, 'ek': -90.0}, iclamp=IC),
    dict(name='feature_ion', mechanisms=[('pas', {'g': 3e-5, 'e': -80.0}), ('Ca_HVA', {'gbar': 5e-4}), ('fion', {})],
         iclamp=[dict(delay=5.0, dur=50.0, amp=0.1)], ions=['na', 'ca', 'xx']),
    dict(name='feature_point', mechanisms=[('pas', {'g': 1e-4, 'e': -70.0}), ('hh', {})], ions=['na', 'k', 'ca'],
         synapses=[dict(type='FPoint', params={'tau': 3.0}, delay=0.5, weight=0.003,
                        source=dict(type='VecStim', times=[3.0, 12.5, 12.6, 40.0, 41.0125, 70.0]))]),
    dict(name='feature_artcell', mechanisms=[('pas', {'g': 1e-4, 'e': -70.0})],
         artificial=[dict(type='FArt', params={'thresh': 1.0, 'period': 3.0}, delay=1.0, weight=0.45,
                          source=dict(type='NetStim', params={'start': 2.0, 'interval': 1.7, 'number': 40, 'noise': 0.0}))]),
]
for f in FEATURES:
    f.setdefault('tstop', 50.0)  # one-feature cases: 50 ms keeps the golden set small
CASES += FEATURES

ION_VARS = {'xx': ['exx', 'ixx'], 'na': ['ena', 'ina'], 'k': ['ek', 'ik'], 'ca': ['eca', 'cai', 'ica', 'cao']}
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
    if 'ions' in case:
        ions = list(case['ions'])
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
    for ion in ions:
        for var in ION_VARS[ion]:
            cols.append(var)
            refs.append(getattr(seg, '_ref_' + var))
    vecs = []
    for r in refs:
        vv = h.Vector(); vv.record(r); vecs.append(vv)
    h.dt = dt
    h.celsius = celsius
    for k, val in case.get('globals', {}).items():
        setattr(h, k, val)
    h.finitialize(v_init)
    h.continuerun(tstop)
    data = np.array([np.array(vv) for vv in vecs]).T.astype('<f8')
    # columns that never change are stored once, in "constants" (still checked at every row)
    constants = {}
    keepc = []
    for j, c in enumerate(cols):
        if c not in ('v',) and np.all(data[:, j] == data[0, j]):
            constants[c] = float(data[0, j])
        else:
            keepc.append(j)
    keepc = [j for j in keepc if cols[j] != 't']  # t is recomputed by accumulation; checked via rows
    cols = [cols[j] for j in keepc]
    data = np.ascontiguousarray(data[:, keepc])
    out = dict(case)
    out['constants'] = constants
    out.update(dt=dt, tstop=tstop, celsius=celsius, v_init=v_init, geometry=geom, columns=cols,
               rows=int(data.shape[0]), events={k: list(v) for k, v in events.items()},
               provenance=dict(neuron=neuron.__version__, bmtk_modfiles=args.modfiles,
                               script='validation/mechs/make_golden.py'))
    out['mechanisms'] = [[n, p] for n, p in case['mechanisms']]
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, case['name'] + '.json'), 'w') as f:
        json.dump(out, f, indent=1)
    data.tofile(os.path.join(args.out, case['name'] + '.bin'))
    if 'ions' in out: out['ions'] = list(out['ions'])
    print('%-24s rows=%d cols=%d vmax=%.2f' % (case['name'], data.shape[0], data.shape[1], data[:, cols.index('v')].max()))
    h.delete_section(sec=s)
    del keep, stims


only = set(os.environ.get('RALL_GOLDEN_ONLY', '').split(',')) - {''}
for c in CASES:
    if not only or c['name'] in only:
        run(c)
