: K_P -- persistent (slowly inactivating) potassium current.
:
: Rall's own NMODL file, written for Rall from the published kinetics; it is not a copy of the
: Allen Institute's / BMTK's file. Only the interface is shared with the Allen perisomatic
: mechanism of the same name (SUFFIX, RANGE/GLOBAL names, ion use, parameter defaults), so that
: Allen/BMTK fit files work unchanged.
:
: Kinetics: Korngreen & Sakmann (2000) J Physiol 525:621 (persistent component), in the form of
: Hay et al. (2011) PLoS Comput Biol 7:e1002107 (supplementary channel models), q10 = 2.3 from
: 21 degC:
:   m_inf = 1/(1 + exp(-(V + 14.3)/14.6))
:   tau_m = (1.25 + 175.03 exp( 0.026 V))/qt ms for V < -50 mV,
:           (1.25 + 13 exp(-0.026 V))/qt ms otherwise
:   h_inf = 1/(1 + exp(-(V + 54)/-11))
:   tau_h = (360 + (1010 + 24 (V + 55)) exp(-((V + 75)/48)^2))/qt ms
:   g = gbar m^2 h.  GLOBALs: vshift (shifts all curves), tauF (scales tau_m).

NEURON {
    SUFFIX K_P
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
    tauF = 1
}

STATE { m h }

ASSIGNED {
    v (mV)
    celsius (degC)
    ek (mV)
    ik (mA/cm2)
    g (S/cm2)
    mInf  mTau
    hInf  hTau
}

INITIAL {
    rates()
    m = mInf
    h = hInf
}

BREAKPOINT {
    SOLVE states METHOD cnexp
    g = gbar*m*m*h
    ik = g*(v - ek)
}

DERIVATIVE states {
    rates()
    m' = (mInf - m)/mTau
    h' = (hInf - h)/hTau
}

PROCEDURE rates() {
    LOCAL qt
    UNITSOFF
    qt = 2.3^((celsius - 21)/10)
    mInf = 1/(1 + exp(-(v - (-14.3 + vshift))/14.6))
    if (v < -50 + vshift) {
        mTau = tauF*(1.25 + 175.03*exp(-(v - vshift)*(-0.026)))/qt
    } else {
        mTau = tauF*(1.25 + 13*exp(-(v - vshift)*0.026))/qt
    }
    hInf = 1/(1 + exp(-(v - (-54 + vshift))/(-11)))
    hTau = (360 + (1010 + 24*(v - (-55 + vshift)))*exp(-((v - (-75 + vshift))/48)^2))/qt
    UNITSON
}
