: CaDynamics -- submembrane calcium shell with first-order removal.
:
: Rall's own NMODL file, written for Rall from the published kinetics; it is not a copy of the
: Allen Institute's / BMTK's file. Only the interface is shared with the Allen perisomatic
: mechanism of the same name (SUFFIX, RANGE/GLOBAL names, ion use, parameter defaults), so that
: Allen/BMTK fit files work unchanged.
:
: Dynamics: the shell model of Destexhe, Babloyantz & Sejnowski (1993) Biophys J 65:1538 /
: Destexhe et al. (1994), in the form of Hay et al. (2011) PLoS Comput Biol 7:e1002107
: (supplementary material):
:   d[Ca]i/dt = -10000 gamma ica/(2 F depth) - ([Ca]i - minCai)/decay
: (gamma: free, unbuffered fraction; depth in um, hence the factor 1e4; F: Faraday's constant).

NEURON {
    SUFFIX CaDynamics
    USEION ca READ ica WRITE cai
    RANGE decay, gamma, minCai, depth
}

UNITS {
    (mA) = (milliamp)
    (mV) = (millivolt)
    (um) = (micron)
    (molar) = (1/liter)
    (mM) = (millimolar)
    FARADAY = (faraday) (coulombs)
}

PARAMETER {
    gamma = 0.05       : free fraction of the calcium entering the shell
    decay = 80 (ms)    : removal time constant
    depth = 0.1 (um)   : shell thickness
    minCai = 1e-4 (mM) : resting concentration
}

STATE { cai (mM) }

ASSIGNED { ica (mA/cm2) }

INITIAL {
    cai = minCai
}

BREAKPOINT {
    SOLVE states METHOD cnexp
}

DERIVATIVE states {
    cai' = -(10000)*(ica*gamma/(2*FARADAY*depth)) - (cai - minCai)/decay
}
