"""The cells_run cases. Morphology <-> perisomatic fit pairing as in BMTK's own examples
(bio_14cells / bio_basic_features: Scnn1a 472363762, Rorb 473863510, Nr5a1 473863035,
PV1 Pvalb_470522102 472912177, PV2 Pvalb_469628681 473862421)."""

CELLS = {
    'Scnn1a_473845048': {'morphology': 'Scnn1a_473845048_m.swc', 'fit': '472363762_fit.json', 'potential': 'exc'},
    'Rorb_325404214': {'morphology': 'Rorb_325404214_m.swc', 'fit': '473863510_fit.json', 'potential': 'exc'},
    'Nr5a1_471087815': {'morphology': 'Nr5a1_471087815_m.swc', 'fit': '473863035_fit.json', 'potential': 'exc'},
    'Pvalb_470522102': {'morphology': 'Pvalb_470522102_m.swc', 'fit': '472912177_fit.json', 'potential': 'inh'},
    'Pvalb_469628681': {'morphology': 'Pvalb_469628681_m.swc', 'fit': '473862421_fit.json', 'potential': 'inh'},
}

# IClamp: one step into soma[0](0.5) (BMTK's IClamp module defaults), amp in nA, times in ms
ICLAMP = {'amp': 0.3, 'delay': 100.0, 'duration': 700.0}
ICLAMP_TSTOP = 1000.0
SYN_TSTOP = 1000.0  # 1 s of the tutorial input (3 s = golden/ch02 for Scnn1a); keeps the fixtures small

CASES = {}
for name, c in CELLS.items():
    # the Scnn1a thalamic-input case is exactly tutorial ch02 (validation/golden/ch02): not repeated
    if name != 'Scnn1a_473845048':
        CASES['syn_' + name] = dict(c, cell_name=name, input='thalamus', tstop=SYN_TSTOP)
    CASES['iclamp_' + name] = dict(c, cell_name=name, input='iclamp', tstop=ICLAMP_TSTOP)

# all five cells in one population (node ids 0..4 in the order of CELLS, one node type each),
# thalamic input to every cell: multi-target edge file (BMTK sorts rows by target with an unstable
# argsort), gids 10..14 = five synapse RNG seeds, one 5-column soma report. 1 s to keep files small.
CASES['net5_thalamus'] = {'cells': [dict(c, cell_name=n) for n, c in CELLS.items()],
                          'input': 'thalamus', 'tstop': 1000.0}

# BMTK tutorial 1 ("single cell with current injection"): the Scnn1a cell alone, build_env_bionet(
# tstop=2000.0, dt=0.1, report_vars=['v', 'cai'], current_clamp={'amp': 0.120, 'delay': 500.0,
# 'duration': 1000.0}, include_examples=True, compile_mechanisms=True, config_file='config.json').
CASES['ch01_tutorial'] = dict(CELLS['Scnn1a_473845048'], cell_name='Scnn1a_473845048', input='iclamp',
                              iclamp={'amp': 0.120, 'delay': 500.0, 'duration': 1000.0},
                              tstop=2000.0, report_vars=['v', 'cai'])

# Scnn1a with the thalamic input (the first 200 ms of ch02: spikes at 55.0, 84.4, 116.8, 146.3,
# 163.4, 178.3, 195.6) plus extra membrane reports added to simulation_config.json after
# build_env_bionet (which only writes soma reports):
#   v_all       sections 'all' (all 264 segments), report dt 1.0 ms
#   v_window    soma, start_time 50.0, end_time 150.0, dt 0.5 ms
# (report dt must divide exactly in floating point: BMTK checks float(dt/sim_dt).is_integer(), so
#  0.3, 0.6, 0.7, 2.3 ms are rejected with ValueError while 0.2, 0.5, 0.9, 1.1 are accepted.)
CASES['reports_Scnn1a_473845048'] = dict(
    CELLS['Scnn1a_473845048'], cell_name='Scnn1a_473845048', input='thalamus', tstop=200.0,
    extra_reports={
        'v_all': {'variable_name': 'v', 'cells': 'all', 'module': 'membrane_report', 'sections': 'all',
                  'dt': 1.0, 'file_name': 'v_all.h5'},
        'v_window': {'variable_name': 'v', 'cells': 'all', 'module': 'membrane_report', 'sections': 'soma',
                     'start_time': 50.0, 'end_time': 150.0, 'dt': 0.5, 'file_name': 'v_window.h5'},
    })
