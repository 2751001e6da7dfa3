: Nap -- persistent sodium current.
:
: Rall's own NMODL file, written for Rall from the published kinetics; it is not a copy of the
: Allen Institute's / BMTK's file. Only the interface is shared with the Allen perisomatic
: mechanism of the same name (SUFFIX, RANGE/GLOBAL names, ion use, parameter defaults), so that
: Allen/BMTK fit files work unchanged.
:
: Kinetics: Magistretti & Alonso (1999) J Gen Physiol 114:491, in the form of Hay et al. (2011)
: PLoS Comput Biol 7:e1002107 (supplementary channel models), q10 = 2.3 from 21 degC.
: Activation is instantaneous (m = m_inf(V) is used directly in the current):
:   m_inf = 1/(1 + exp((V + 52.6)/-4.6)),  h_inf = 1/(1 + exp((V + 48.8)/10))
:   alpha_h = 2.88e-6 (V + 17)/(exp((V + 17)/4.63) - 1)
:   beta_h  = 6.94e-6 (V + 64.4)/(1 - exp(-(V + 64.4)/2.63))
:   tau_h = 1/(qt (alpha_h + beta_h)),  g = gbar m_inf h.

NEURON {
    SUFFIX Nap
    USEION na READ ena WRITE ina
    RANGE gbar, g, ina
}

UNITS {
    (mA) = (milliamp)
    (mV) = (millivolt)
    (S) = (siemens)
}

PARAMETER {
    gbar = 0.00001 (S/cm2)
}

STATE { h }

ASSIGNED {
    v (mV)
    celsius (degC)
    ena (mV)
    ina (mA/cm2)
    g (S/cm2)
    mInf
    hAlpha  hBeta  hInf  hTau
}

INITIAL {
    rates()
    h = hInf
}

BREAKPOINT {
    SOLVE states METHOD cnexp
    rates()  : m_inf at the present voltage (instantaneous activation)
    g = gbar*mInf*h
    ina = g*(v - ena)
}

DERIVATIVE states {
    rates()
    h' = (hInf - h)/hTau
}

PROCEDURE rates() {
    LOCAL qt
    UNITSOFF
    qt = 2.3^((celsius - 21)/10)
    mInf = 1/(1 + exp((v + 52.6)/(-4.6)))
    hInf = 1/(1 + exp((v + 48.8)/10))
    hAlpha = 2.88e-6*linoid(v + 17, 4.63)
    hBeta = 6.94e-6*linoid(-64.4 - v, 2.63)
    hTau = (1/(hAlpha + hBeta))/qt
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
