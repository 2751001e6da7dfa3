: Kv3_1 -- fast non-inactivating Kv3-type potassium current.
:
: Rall's own NMODL file, written for Rall from the published kinetics; it is not a copy of the
: Allen Institute's / BMTK's file. Only the interface is shared with the Allen perisomatic
: mechanism of the same name (SUFFIX, RANGE/GLOBAL names, ion use, parameter defaults), so that
: Allen/BMTK fit files work unchanged.
:
: Kinetics: Rettig et al. (1992) EMBO J 11:2473, in the form of Hay et al. (2011)
: PLoS Comput Biol 7:e1002107 (supplementary channel models):
:   m_inf = 1/(1 + exp((V - 18.7)/-9.7)),  tau_m = 4/(1 + exp((V + 46.56)/-44.14)) ms
:   g = gbar m.  vshift moves both curves along the voltage axis (GLOBAL, default 0).

NEURON {
    SUFFIX Kv3_1
    USEION k READ ek WRITE ik
    RANGE gbar, g, ik
}

UNITS {
    (mA) = (milliamp)
    (mV) = (millivolt)
    (S) = (siemens)
}

PARAMETER {
    gbar = 0.00001 (S/cm2)
    vshift = 0 (mV)
}

STATE { m }

ASSIGNED {
    v (mV)
    ek (mV)
    ik (mA/cm2)
    g (S/cm2)
    mInf
    mTau
}

INITIAL {
    rates()
    m = mInf
}

BREAKPOINT {
    SOLVE states METHOD cnexp
    g = gbar*m
    ik = g*(v - ek)
}

DERIVATIVE states {
    rates()
    m' = (mInf - m)/mTau
}

PROCEDURE rates() {
    UNITSOFF
    mInf = 1/(1 + exp((v - (18.7 + vshift))/(-9.7)))
    mTau = 4/(1 + exp((v - (-46.56 + vshift))/(-44.14)))
    UNITSON
}
