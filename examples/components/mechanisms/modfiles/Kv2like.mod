: Kv2like -- delayed-rectifier potassium current with two inactivation components (Kv2-like).
:
: Rall's own NMODL file, written for Rall from the published kinetics; it is not a copy of the
: Allen Institute's / BMTK's file. Only the interface is shared with the Allen perisomatic
: mechanism of the same name (SUFFIX, RANGE/GLOBAL names, ion use, parameter defaults), so that
: Allen/BMTK fit files work unchanged.
:
: Kinetics: the Kv2 model of Keren, Peled, Korngreen (2005) J Neurophysiol 94:3730, adjusted to
: the guangxitoxin-sensitive current of mouse CA1 pyramidal cells of Liu & Bean (2014)
: J Neurosci 34:4991, as described in the Allen Cell Types Database technical white paper
: "Biophysical modeling - perisomatic" (2017); q10 = 2.3 from 21 degC:
:   alpha_m = 0.12 (43 - V)/(exp((43 - V)/11) - 1),  beta_m = 0.02 exp(-(V + 1.27)/120)
:   tau_m = 2.5/(qt (alpha_m + beta_m)),  h_inf = 1/(1 + exp((V + 58)/11))
:   tau_h1 = (360 + (1010 + 23.7 (V + 54)) exp(-((V + 75)/48)^2))/qt
:   tau_h2 = (2350 + 1380 exp(-0.011 V) - 210 exp(-0.03 V))/qt
:   g = gbar m^2 (h1 + h2)/2.

NEURON {
    SUFFIX Kv2like
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

STATE { m h1 h2 }

ASSIGNED {
    v (mV)
    celsius (degC)
    ek (mV)
    ik (mA/cm2)
    g (S/cm2)
    mAlpha  mBeta  mInf  mTau
    hInf  h1Tau  h2Tau
}

INITIAL {
    rates()
    m = mInf
    h1 = hInf
    h2 = hInf
}

BREAKPOINT {
    SOLVE states METHOD cnexp
    g = gbar*m*m*(0.5*h1 + 0.5*h2)
    ik = g*(v - ek)
}

DERIVATIVE states {
    rates()
    m' = (mInf - m)/mTau
    h1' = (hInf - h1)/h1Tau
    h2' = (hInf - h2)/h2Tau
}

PROCEDURE rates() {
    LOCAL qt
    UNITSOFF
    qt = 2.3^((celsius - 21)/10)
    mAlpha = 0.12*linoid(43 - v, 11)
    mBeta = 0.02*exp(-(v + 1.27)/120)
    mInf = mAlpha/(mAlpha + mBeta)
    mTau = 2.5*(1/(qt*(mAlpha + mBeta)))
    hInf = 1/(1 + exp((v + 58)/11))
    h1Tau = (360 + (1010 + 23.7*(v + 54))*exp(-((v + 75)/48)^2))/qt
    h2Tau = (2350 + 1380*exp(-0.011*v) - 210*exp(-0.03*v))/qt
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
