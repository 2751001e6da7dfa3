: USEION: reading a concentration (einit), writing a concentration (STATE), VALENCE of a new ion
NEURON {
    SUFFIX fion
    USEION na READ nai, ena WRITE ina
    USEION ca READ ica WRITE cai, cao
    USEION xx READ exx WRITE ixx VALENCE 1
    RANGE g
}
UNITS { FARADAY = (faraday) (coulombs) }
PARAMETER { g = 1e-4 (S/cm2) tau = 50 (ms) }
ASSIGNED { v (mV) ena (mV) nai (mM) ina (mA/cm2) ica (mA/cm2) exx (mV) ixx (mA/cm2) }
STATE { cai (mM) cao (mM) }
INITIAL { cai = 2e-4  cao = 2.5 }
BREAKPOINT {
    SOLVE st METHOD cnexp
    ina = g*(v - ena)*nai/10
    ixx = g*(v - exx)
}
DERIVATIVE st {
    cai' = -ica*1e4/(2*FARADAY*0.1) + (1e-4 - cai)/tau
    cao' = (2 - cao)/tau
}
