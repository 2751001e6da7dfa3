: Kd -- slowly inactivating (D-type, Kv1) potassium current.
:
: Rall's own NMODL file, written for Rall from the published kinetics; it is not a copy of the
: Allen Institute's / BMTK's file. Only the interface is shared with the Allen perisomatic
: mechanism of the same name (SUFFIX, RANGE/GLOBAL names, ion use, parameter defaults), so that
: Allen/BMTK fit files work unchanged.
:
: Kinetics: Foust, Yu, Popovic, Zecevic & McCormick (2011) J Neurosci 31:15490, as described in
: the Allen Cell Types Database technical white paper "Biophysical modeling - perisomatic" (2017):
:   m_inf = 1 - 1/(1 + exp((V + 43)/8)),  tau_m = 1 ms
:   h_inf = 1/(1 + exp((V + 67)/7.3)),    tau_h = 1500 ms
:   g = gbar m h (time constants not temperature-scaled).

NEURON {
    SUFFIX Kd
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
    g = gbar*m*h
    ik = g*(v - ek)
}

DERIVATIVE states {
    rates()
    m' = (mInf - m)/mTau
    h' = (hInf - h)/hTau
}

PROCEDURE rates() {
    UNITSOFF
    mInf = 1 - 1/(1 + exp((v + 43)/8))
    mTau = 1
    hInf = 1/(1 + exp((v + 67)/7.3))
    hTau = 1500
    UNITSON
}
