: Ca_HVA -- high-voltage-activated calcium current.
:
: Rall's own NMODL file, written for Rall from the published kinetics; it is not a copy of the
: Allen Institute's / BMTK's file. Only the interface is shared with the Allen perisomatic
: mechanism of the same name (SUFFIX, RANGE/GLOBAL names, ion use, parameter defaults), so that
: Allen/BMTK fit files work unchanged.
:
: Kinetics: Reuveni, Friedman, Amitai & Gutnick (1993) J Neurosci 13:4609, in the form of
: Hay et al. (2011) PLoS Comput Biol 7:e1002107 (supplementary channel models):
:   alpha_m = 0.055 (-27 - V)/(exp((-27 - V)/3.8) - 1),  beta_m = 0.94 exp((-75 - V)/17)
:   alpha_h = 0.000457 exp((-13 - V)/50),                beta_h = 0.0065/(exp((-V - 15)/28) + 1)
:   g = gbar m^2 h (no temperature scaling).

NEURON {
    SUFFIX Ca_HVA
    USEION ca READ eca WRITE ica
    RANGE gbar, g, ica
}

UNITS {
    (mA) = (milliamp)
    (mV) = (millivolt)
    (S) = (siemens)
}

PARAMETER {
    gbar = 0.00001 (S/cm2)
}

STATE { m h }

ASSIGNED {
    v (mV)
    eca (mV)
    ica (mA/cm2)
    g (S/cm2)
    mAlpha  mBeta  mInf  mTau
    hAlpha  hBeta  hInf  hTau
}

INITIAL {
    rates()
    m = mInf
    h = hInf
}

BREAKPOINT {
    SOLVE states METHOD cnexp
    g = gbar*m*m*h
    ica = g*(v - eca)
}

DERIVATIVE states {
    rates()
    m' = (mInf - m)/mTau
    h' = (hInf - h)/hTau
}

PROCEDURE rates() {
    UNITSOFF
    : activation (the removable singularity at V = -27 mV is handled by linoid)
    mAlpha = 0.055*linoid(-27 - v, 3.8)
    mBeta = 0.94*exp((-75 - v)/17)
    mInf = mAlpha/(mAlpha + mBeta)
    mTau = 1/(mAlpha + mBeta)
    : inactivation
    hAlpha = 0.000457*exp((-13 - v)/50)
    hBeta = 0.0065/(exp((-v - 15)/28) + 1)
    hInf = hAlpha/(hAlpha + hBeta)
    hTau = 1/(hAlpha + hBeta)
    UNITSON
}

: x/(exp(x/k) - 1), replaced near x = 0 by its first-order expansion k (1 - x/(2k))
FUNCTION linoid(x, k) {
    UNITSOFF
    if (fabs(x/k) < 1e-6) {
        linoid = k*(1 - x/k/2)
    } else {
        linoid = x/(exp(x/k) - 1)
    }
    UNITSON
}
