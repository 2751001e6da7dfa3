: Im -- muscarinic-sensitive (M-type) potassium current.
:
: Rall's own NMODL file, written for Rall from the published kinetics; it is not a copy of the
: Allen Institute's / BMTK's file. Only the interface is shared with the Allen perisomatic
: mechanism of the same name (SUFFIX, RANGE/GLOBAL names, ion use, parameter defaults), so that
: Allen/BMTK fit files work unchanged.
:
: Kinetics: Adams, Brown & Constanti (1982) J Physiol 330:537, in the form of Hay et al. (2011)
: PLoS Comput Biol 7:e1002107 (supplementary channel models), q10 = 2.3 from 21 degC:
:   alpha = 3.3e-3 exp( 2.5*0.04 (V + 35)),  beta = 3.3e-3 exp(-2.5*0.04 (V + 35))  (1/ms)
:   g = gbar m.

NEURON {
    SUFFIX Im
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
}

STATE { m }

ASSIGNED {
    v (mV)
    celsius (degC)
    ek (mV)
    ik (mA/cm2)
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
    ik = g*(v - ek)
}

DERIVATIVE states {
    rates()
    m' = (mInf - m)/mTau
}

PROCEDURE rates() {
    LOCAL qt
    UNITSOFF
    qt = 2.3^((celsius - 21)/10)
    mAlpha = 3.3e-3*exp(2.5*0.04*(v + 35))
    mBeta = 3.3e-3*exp(-2.5*0.04*(v + 35))
    mInf = mAlpha/(mAlpha + mBeta)
    mTau = (1/(mAlpha + mBeta))/qt
    UNITSON
}
