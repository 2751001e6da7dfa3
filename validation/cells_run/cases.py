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
