: Im_v2 -- M-type (Kv7) potassium current, second Allen variant.
:
: Rall's own NMODL file, written for Rall from the published kinetics; it is not a copy of the
: Allen Institute's / BMTK's file. Only the interface is shared with the Allen perisomatic
: mechanism of the same name (SUFFIX, RANGE/GLOBAL names, ion use, parameter defaults), so that
: Allen/BMTK fit files work unchanged.
:
: Kinetics: Vervaeke et al. (2006) J Neurophysiol 95:3474 (M-current of CA1 pyramidal cells;
: Eyring-type rates with valence 6, asymmetry 0.4, half point -48 mV), as described in the Allen
: Cell Types Database technical white paper "Biophysical modeling - perisomatic" (2017);
: q10 = 2.3 from 30 degC:
:   alpha = 0.007 exp( 6*0.4 (V + 48)/26.12),  beta = 0.007 exp(-6*(1 - 0.4) (V + 48)/26.12)
:   tau = (15 + 1/(alpha + beta))/qt ms,  g = gbar m.

NEURON {
    SUFFIX Im_v2
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
    qt = 2.3^((celsius - 30)/10)
    mAlpha = 0.007*exp((6*0.4*(v + 48))/26.12)
    mBeta = 0.007*exp((-6*(1 - 0.4)*(v + 48))/26.12)
    mInf = mAlpha/(mAlpha + mBeta)
    mTau = (15 + 1/(mAlpha + mBeta))/qt
    UNITSON
}
