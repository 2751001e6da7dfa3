: Ih -- hyperpolarization-activated cation current (HCN), non-specific.
:
: Rall's own NMODL file, written for Rall from the published kinetics; it is not a copy of the
: Allen Institute's / BMTK's file. Only the interface is shared with the Allen perisomatic
: mechanism of the same name (SUFFIX, RANGE/GLOBAL names, ion use, parameter defaults), so that
: Allen/BMTK fit files work unchanged.
:
: Kinetics: Kole, Hallermann & Stuart (2006) J Neurosci 26:1677, in the form of Hay et al. (2011)
: PLoS Comput Biol 7:e1002107 (supplementary channel models):
:   alpha = 0.00643 (V + 154.9)/(exp((V + 154.9)/11.9) - 1),  beta = 0.193 exp(V/33.1)  (1/ms)
:   g = gbar m, reversal ehcn = -45 mV (GLOBAL).

NEURON {
    SUFFIX Ih
    NONSPECIFIC_CURRENT ihcn
    RANGE gbar, g, ihcn
}

UNITS {
    (mA) = (milliamp)
    (mV) = (millivolt)
    (S) = (siemens)
}

PARAMETER {
    gbar = 0.00001 (S/cm2)
    ehcn = -45.0 (mV)
}

STATE { m }

ASSIGNED {
    v (mV)
    ihcn (mA/cm2)
    g (S/cm2)
    mAlpha  mBeta  mInf  mTau
}

INITIAL {
    rates()
    m = mInf
}

BREAKPOINT {
    SOLVE states METHOD cnexp
    g = gbar*m
    ihcn = g*(v - ehcn)
}

DERIVATIVE states {
    rates()
    m' = (mInf - m)/mTau
}

PROCEDURE rates() {
    UNITSOFF
    : rates in 1/s in the paper, times 0.001 for 1/ms
    mAlpha = 0.001*6.43*linoid(v + 154.9, 11.9)
    mBeta = 0.001*193*exp(v/33.1)
    mInf = mAlpha/(mAlpha + mBeta)
    mTau = 1/(mAlpha + mBeta)
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
