"""NEURON runs Rall's own Allen-set mod files with the same results as Allen's files.

Usage: /opt/ref/bin/python validation/own_mods/check_neuron.py [--scratch DIR]

1. Copies examples/components/mechanisms/modfiles/*.mod to a scratch folder outside the
   repository (default /tmp/rall-ownmods/own) and compiles them with NEURON's nrnivmodl.
2. Runs the allen_* protocols of validation/mechs/make_golden.py with that library (same script,
   `--modfiles` pointing at our files), writing to /tmp/rall-ownmods/out.
3. Compares every sample, constant and event time with the committed golden runs
   (validation/golden/mechs, made with BMTK's copy of Allen's files).

Pass criterion: every case bit-identical (max |diff| = 0), the expected result given that our
files evaluate the same floating-point operations (see the modfiles README). Exit status 1
otherwise, with the worst difference per case.
"""
import argparse, glob, json, os, shutil, subprocess, sys
import numpy as np

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.abspath(os.path.join(here, '..', '..'))
ap = argparse.ArgumentParser()
ap.add_argument('--scratch', default='/tmp/rall-ownmods/own')
ap.add_argument('--out', default='/tmp/rall-ownmods/out')
ap.add_argument('--dump', help=argparse.SUPPRESS)  # internal: describe the mechanisms of a library
args = ap.parse_args()

MECHS = ['CaDynamics', 'Ca_HVA', 'Ca_LVA', 'Ih', 'Im', 'Im_v2', 'K_P', 'K_T', 'Kd', 'Kv2like',
         'Kv3_1', 'NaTa', 'NaTs', 'NaV', 'Nap', 'SK']

if args.dump:
    # The hoc-visible interface of each mechanism of the library: PARAMETER range variables with
    # their defaults, ASSIGNED and STATE range variables (MechanismStandard), and GLOBALs.
    from neuron import h
    h.nrn_load_dll(args.dump)
    out = {}
    for m in MECHS:
        d = {}
        for vt, kind in ((1, 'parameter'), (2, 'assigned'), (3, 'state')):
            ms = h.MechanismStandard(m, vt)
            name = h.ref('')
            items = []
            for i in range(int(ms.count())):
                ms.name(name, i)
                items.append([name[0], ms.get(name[0]) if vt == 1 else None])
            d[kind] = sorted(items)
        out[m] = d
    # GLOBALs: a name declared in the mod's PARAMETER/ASSIGNED blocks but not RANGE is visible as
    # <name>_<suffix> (e.g. zTau_SK); probe the names either set of files could declare.
    probe = {'SK': ['zTau'], 'Ih': ['ehcn'], 'Kv3_1': ['vshift'], 'K_P': ['vshift', 'tauF'],
             'K_T': ['vshift', 'mTauF', 'hTauF'],
             'NaTs': ['malphaF', 'mbetaF', 'mvhalf', 'mk', 'halphaF', 'hbetaF', 'hvhalf', 'hk'],
             'NaTa': ['malphaF', 'mbetaF', 'mvhalf', 'mk', 'halphaF', 'hbetaF', 'hvhalf', 'hk'],
             'NaV': ['Con', 'Coff', 'Oon', 'Ooff', 'alpha', 'beta', 'gamma', 'delta', 'alfac',
                     'btfac', 'x1', 'x2']}
    for m, names in probe.items():
        out[m]['global'] = sorted([n, getattr(h, n + '_' + m)] for n in names if hasattr(h, n + '_' + m))
    print(json.dumps(out))
    sys.exit(0)

ours = os.path.join(root, 'examples', 'components', 'mechanisms', 'modfiles')
golden = os.path.join(root, 'validation', 'golden', 'mechs')
nrnivmodl = os.path.join(sys.prefix, 'bin', 'nrnivmodl')

# 1. compile (always afresh, so the result reflects the files as they are now)
shutil.rmtree(args.scratch, ignore_errors=True)
os.makedirs(args.scratch)
mods = sorted(glob.glob(os.path.join(ours, '*.mod')))
for f in mods:
    shutil.copy(f, args.scratch)
log = subprocess.run([nrnivmodl, '.'], cwd=args.scratch, capture_output=True, text=True)
if log.returncode != 0:
    print((log.stdout + log.stderr)[-4000:])
    sys.exit('nrnivmodl failed')
warn = [l for l in (log.stdout + log.stderr).splitlines()
        if 'warning' in l.lower() or 'error' in l.lower() or 'not thread safe' in l.lower()
        or 'cnexp' in l.lower()]
print('nrnivmodl: compiled %d files in %s' % (len(mods), args.scratch))
for l in warn:
    print('  nrnivmodl says:', l.strip())

# 2. the allen_* protocols of make_golden.py, run with our files
cases = sorted(os.path.basename(p)[:-5] for p in glob.glob(os.path.join(golden, 'allen_*.json')))
shutil.rmtree(args.out, ignore_errors=True)
env = dict(os.environ, RALL_GOLDEN_ONLY=','.join(cases))
subprocess.check_call([sys.executable, os.path.join(root, 'validation', 'mechs', 'make_golden.py'),
                       '--modfiles', ours, '--scratch', args.scratch, '--out', args.out], env=env)

# 2b. the hoc-visible interface equals that of Allen's files (names and parameter defaults)
def dump(lib):
    r = subprocess.run([sys.executable, os.path.abspath(__file__), '--dump', lib],
                       capture_output=True, text=True, check=True)
    return json.loads(r.stdout.strip().splitlines()[-1])

allen_lib = '/tmp/rall-mechs/bmtk/x86_64/libnrnmech.so'
if not os.path.exists(allen_lib):  # make_golden.py's scratch build of BMTK's Allen files
    allen_dir = os.path.join(sys.prefix, 'lib', 'python%d.%d' % sys.version_info[:2], 'site-packages',
                             'bmtk', 'utils', 'scripts', 'bionet', 'mechanisms', 'modfiles')
    os.makedirs('/tmp/rall-mechs/bmtk', exist_ok=True)
    for f in glob.glob(os.path.join(allen_dir, '*.mod')):
        shutil.copy(f, '/tmp/rall-mechs/bmtk')
    subprocess.check_call([nrnivmodl, '.'], cwd='/tmp/rall-mechs/bmtk', stdout=subprocess.DEVNULL)
mine, theirs = dump(os.path.join(args.scratch, 'x86_64', 'libnrnmech.so')), dump(allen_lib)
fail = False
for m in MECHS:
    if mine[m] != theirs[m]:
        fail = True
        print('interface %-10s DIFFERENT: ours %s, Allen %s' % (m, mine[m], theirs[m]))
nvars = sum(len(v) for d in mine.values() for v in d.values())
print('interface (hoc names, parameter defaults, GLOBALs) of %d mechanisms, %d names: %s'
      % (len(MECHS), nvars, 'DIFFERENT' if fail else 'identical'))

# 2c. every Allen fit file of ../shared/components applies unchanged with our library
from neuron import h
h.nrn_load_dll(os.path.join(args.scratch, 'x86_64', 'libnrnmech.so'))
fits = sorted(glob.glob(os.path.join(root, '..', 'shared', 'components', 'biophysical_neuron_models', '*.json')))
nset = 0
for f in fits:
    fit = json.load(open(f))
    sec = h.Section(name='probe')
    sec.insert('pas')
    for g in fit['genome']:
        if g.get('mechanism'):
            sec.insert(g['mechanism'])
    for g in fit['genome']:
        target = sec if g['name'] == 'Ra' else sec(0.5)  # Ra is a section variable
        setattr(target, g['name'], float(g['value']))
        nset += 1
    h.delete_section(sec=sec)
print('fit files: %d applied with our mechanisms (%d genome values set)' % (len(fits), nset))

# 3. compare with the golden runs made with Allen's files
for c in cases:
    gj = json.load(open(os.path.join(golden, c + '.json')))
    oj = json.load(open(os.path.join(args.out, c + '.json')))
    gd = np.fromfile(os.path.join(golden, c + '.bin'), dtype='<f8')
    od = np.fromfile(os.path.join(args.out, c + '.bin'), dtype='<f8')
    problems = []
    if gj['columns'] != oj['columns'] or gj['rows'] != oj['rows'] or gd.shape != od.shape:
        problems.append('shape/columns differ')
        worst = float('inf')
    else:
        worst = float(np.max(np.abs(gd - od))) if gd.size else 0.0
        if not np.array_equal(gd.view('<u8'), od.view('<u8')):
            problems.append('samples not bit-identical')
    for k, val in gj.get('constants', {}).items():
        ov = oj.get('constants', {}).get(k)
        if ov is None or ov != val:
            problems.append('constant %s' % k)
    if gj.get('events') != oj.get('events'):
        problems.append('events')
    status = 'identical' if not problems else 'DIFFERENT (%s)' % ', '.join(problems)
    print('%-20s rows=%5d cols=%2d max|diff|=%.3e  %s' % (c, gj['rows'], len(gj['columns']), worst, status))
    fail |= bool(problems)
sys.exit(1 if fail else 0)
