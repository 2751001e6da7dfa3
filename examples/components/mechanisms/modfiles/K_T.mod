: K_T -- fast transient (A-type) potassium current.
:
: Rall's own NMODL file, written for Rall from the published kinetics; it is not a copy of the
: Allen Institute's / BMTK's file. Only the interface is shared with the Allen perisomatic
: mechanism of the same name (SUFFIX, RANGE/GLOBAL names, ion use, parameter defaults), so that
: Allen/BMTK fit files work unchanged.
:
: Kinetics: Korngreen & Sakmann (2000) J Physiol 525:621 (transient component), in the form of
: Hay et al. (2011) PLoS Comput Biol 7:e1002107 (supplementary channel models), q10 = 2.3 from
: 21 degC:
:   m_inf = 1/(1 + exp(-(V + 47)/29)),   tau_m = (0.34 + 0.92 exp(-((V + 71)/59)^2))/qt ms
:   h_inf = 1/(1 + exp(-(V + 66)/-10)),  tau_h = (8 + 49 exp(-((V + 73)/23)^2))/qt ms
:   g = gbar m^4 h.  GLOBALs: vshift, mTauF and hTauF (scale the voltage-dependent part of tau).

NEURON {
    SUFFIX K_T
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
    mTauF = 1.0
    hTauF = 1.0
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
    g = gbar*m*m*m*m*h
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
    mInf = 1/(1 + exp(-(v - (-47 + vshift))/29))
    mTau = (0.34 + mTauF*0.92*exp(-((v + 71 - vshift)/59)^2))/qt
    hInf = 1/(1 + exp(-(v + 66 - vshift)/(-10)))
    hTau = (8 + hTauF*49*exp(-((v + 73 - vshift)/23)^2))/qt
    UNITSON
}
