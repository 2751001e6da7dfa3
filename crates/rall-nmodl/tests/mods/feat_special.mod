: celsius, dt and t inside blocks
NEURON {
    SUFFIX fspec
    NONSPECIFIC_CURRENT i
    RANGE g
}
PARAMETER { g = 1e-4 (S/cm2) celsius = 22 (degC) }
ASSIGNED { v (mV) i (mA/cm2) }
STATE { s c }
INITIAL { s = celsius/100  c = dt }
BREAKPOINT {
    SOLVE st METHOD cnexp
    i = g*s*(v + 50)*(1 + 0.001*t)
}
DERIVATIVE st {
    s' = (celsius/34 - s)/(1 + t/50)
    c' = dt*(1 - c)
}
