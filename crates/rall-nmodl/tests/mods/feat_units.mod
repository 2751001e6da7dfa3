: UNITS constants with NEURON 9's values and a CONSTANT block
NEURON {
    SUFFIX funits
    NONSPECIFIC_CURRENT i
    RANGE g
}
UNITS {
    (mV) = (millivolt)
    FARADAY = (faraday) (coulombs)
    FK = (faraday) (kilocoulombs)
    R = (k-mole) (joule/degC)
    ee = (e) (coulombs)
}
CONSTANT { c0 = 3 }
PARAMETER { g = 1e-4 (S/cm2) }
ASSIGNED { v (mV) i (mA/cm2) }
STATE { s }
INITIAL { s = R*(celsius + 273.15)/FARADAY*1000 }
BREAKPOINT {
    SOLVE st METHOD cnexp
    i = g*(v - s*c0*(FK/FARADAY*1000) + ee*1e19)
}
DERIVATIVE st { s' = (R*(celsius + 273.15)/FARADAY*1000*log(2) - s)/c0 }
