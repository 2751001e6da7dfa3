: NaTs -- fast-inactivating (transient) sodium current, somatic variant.
:
: Rall's own NMODL file, written for Rall from the published kinetics; it is not a copy of the
: Allen Institute's / BMTK's file. Only the interface is shared with the Allen perisomatic
: mechanism of the same name (SUFFIX, RANGE/GLOBAL names, ion use, parameter defaults), so that
: Allen/BMTK fit files work unchanged.
:
: Kinetics: Colbert & Pan (2002) Nat Neurosci 5:533, in the Hodgkin-Huxley form of Hay et al.
: (2011) PLoS Comput Biol 7:e1002107 (supplementary channel models):
:   alpha_m = 0.182 (V - Vm)/(1 - exp(-(V - Vm)/6)),  beta_m = 0.124 (Vm - V)/(1 - exp(-(Vm - V)/6))
:   alpha_h = 0.015 (Vh - V)/(1 - exp(-(Vh - V)/6)),  beta_h = 0.015 (V - Vh)/(1 - exp(-(V - Vh)/6))
:   g = gbar m^3 h; rates scaled by q10 = 2.3 from 23 degC.
: Half-activation Vm = -40 mV and Vh = -66 mV (the somatic values of the Allen fits).

NEURON {
    SUFFIX NaTs
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
    : activation: rate scales, half point and slope
    malphaF = 0.182
    mbetaF = 0.124
    mvhalf = -40 (mV)
    mk = 6 (mV)
    : inactivation
    halphaF = 0.015
    hbetaF = 0.015
    hvhalf = -66 (mV)
    hk = 6 (mV)
}

STATE { m h }

ASSIGNED {
    v (mV)
    celsius (degC)
    ena (mV)
    ina (mA/cm2)
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
    g = gbar*m*m*m*h
    ina = g*(v - ena)
}

DERIVATIVE states {
    rates()
    m' = (mInf - m)/mTau
    h' = (hInf - h)/hTau
}

PROCEDURE rates() {
    LOCAL qt
    UNITSOFF
    qt = 2.3^((celsius - 23)/10)
    mAlpha = malphaF*linoid(mvhalf - v, mk)
    mBeta = mbetaF*linoid(v - mvhalf, mk)
    mInf = mAlpha/(mAlpha + mBeta)
    mTau = (1/(mAlpha + mBeta))/qt
    hAlpha = halphaF*linoid(v - hvhalf, hk)
    hBeta = hbetaF*linoid(hvhalf - v, hk)
    hInf = hAlpha/(hAlpha + hBeta)
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
