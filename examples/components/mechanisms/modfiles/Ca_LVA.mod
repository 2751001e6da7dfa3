: Ca_LVA -- low-voltage-activated (T-type) calcium current.
:
: Rall's own NMODL file, written for Rall from the published kinetics; it is not a copy of the
: Allen Institute's / BMTK's file. Only the interface is shared with the Allen perisomatic
: mechanism of the same name (SUFFIX, RANGE/GLOBAL names, ion use, parameter defaults), so that
: Allen/BMTK fit files work unchanged.
:
: Kinetics: Avery & Johnston (1996) J Neurosci 16:5567 (steady state) with time constants from
: Randall & Tsien (1997) Neuropharmacology 36:879, in the form of Hay et al. (2011)
: PLoS Comput Biol 7:e1002107 (supplementary channel models); curves shifted by 10 mV for the
: junction potential, q10 = 2.3 from 21 degC:
:   with u = V + 10:
:   m_inf = 1/(1 + exp((u + 30)/-6)),   tau_m = (5 + 20/(1 + exp((u + 25)/5)))/qt ms
:   h_inf = 1/(1 + exp((u + 80)/6.4)),  tau_h = (20 + 50/(1 + exp((u + 40)/7)))/qt ms
:   g = gbar m^2 h.

NEURON {
    SUFFIX Ca_LVA
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
    celsius (degC)
    eca (mV)
    ica (mA/cm2)
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
    ica = g*(v - eca)
}

DERIVATIVE states {
    rates()
    m' = (mInf - m)/mTau
    h' = (hInf - h)/hTau
}

PROCEDURE rates() {
    LOCAL qt, u
    UNITSOFF
    qt = 2.3^((celsius - 21)/10)
    u = v + 10  : junction-potential shift
    mInf = 1/(1 + exp((u + 30)/(-6)))
    mTau = (5 + 20/(1 + exp((u + 25)/5)))/qt
    hInf = 1/(1 + exp((u + 80)/6.4))
    hTau = (20 + 50/(1 + exp((u + 40)/7)))/qt
    UNITSON
}
