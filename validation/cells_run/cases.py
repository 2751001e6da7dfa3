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
SYN_TSTOP = 3000.0

CASES = {}
for name, c in CELLS.items():
    # the Scnn1a thalamic-input case is exactly tutorial ch02 (validation/golden/ch02): not repeated
    if name != 'Scnn1a_473845048':
        CASES['syn_' + name] = dict(c, cell_name=name, input='thalamus', tstop=SYN_TSTOP)
    CASES['iclamp_' + name] = dict(c, cell_name=name, input='iclamp', tstop=ICLAMP_TSTOP)
