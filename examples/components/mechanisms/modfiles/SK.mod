: SK -- small-conductance calcium-activated potassium current.
:
: Rall's own NMODL file, written for Rall from the published kinetics; it is not a copy of the
: Allen Institute's / BMTK's file. Only the interface is shared with the Allen perisomatic
: mechanism of the same name (SUFFIX, RANGE/GLOBAL names, ion use, parameter defaults), so that
: Allen/BMTK fit files work unchanged.
:
: Kinetics: Koehler et al. (1996) Science 273:1709 (Hill fit of the calcium dependence), in the
: form of Hay et al. (2011) PLoS Comput Biol 7:e1002107 (supplementary channel models):
:   z_inf = 1/(1 + (0.00043/[Ca]i)^4.8)  ([Ca]i in mM, raised by 1e-7 mM when below 1e-7 mM),
:   tau_z = zTau (GLOBAL, 1 ms),  g = gbar z.

NEURON {
    SUFFIX SK
    USEION k READ ek WRITE ik
    USEION ca READ cai
    RANGE gbar, g, ik
}

UNITS {
    (mA) = (milliamp)
    (mV) = (millivolt)
    (mM) = (milli/liter)
}

PARAMETER {
    gbar = .000001 (mho/cm2)
    zTau = 1 (ms)
}

STATE { z FROM 0 TO 1 }

ASSIGNED {
    v (mV)
    ek (mV)
    cai (mM)
    ik (mA/cm2)
    g (S/cm2)
    zInf
}

INITIAL {
    rates(cai)
    z = zInf
}

BREAKPOINT {
    SOLVE states METHOD cnexp
    g = gbar*z
    ik = g*(v - ek)
}

DERIVATIVE states {
    rates(cai)
    z' = (zInf - z)/zTau
}

PROCEDURE rates(c (mM)) {
    LOCAL cc
    cc = c
    if (cc < 1e-7) {
        cc = cc + 1e-7  : keeps the Hill term finite at zero calcium
    }
    zInf = 1/(1 + (0.00043/cc)^4.8)
}
