: RANGE vs GLOBAL: a PARAMETER not listed in RANGE is per type; an assigned GLOBAL is scratch
NEURON {
    SUFFIX fglob
    NONSPECIFIC_CURRENT i
    RANGE gbar
    GLOBAL k, scratch
}
PARAMETER {
    gbar = 2e-4 (S/cm2)
    erev = -60 (mV)
    k = 2
}
ASSIGNED {
    v (mV)
    i (mA/cm2)
    scratch
}
STATE { s }
INITIAL { s = 0.1 }
BREAKPOINT {
    SOLVE st METHOD cnexp
    scratch = k*erev
    i = gbar*s*(v - scratch/k)
}
DERIVATIVE st { s' = (1 - s)/(10*k) }
