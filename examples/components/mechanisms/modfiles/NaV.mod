TITLE NaV -- mouse sodium current, 12-state Markov scheme
:
: Rall's own NMODL file, written for Rall from the published kinetics; it is not a copy of the
: Allen Institute's / BMTK's file. Only the interface is shared with the Allen perisomatic
: mechanism of the same name (SUFFIX, RANGE/GLOBAL names, ion use, parameter defaults), so that
: Allen/BMTK fit files work unchanged.
:
: Kinetics: the allosteric scheme of Carter, Giessel, Sabatini & Bean (2012) Neuron 75:1081
: (37 degC recordings from mouse CA1 pyramidal cells), as used by the Allen Cell Types Database
: perisomatic models (technical white paper "Biophysical modeling - perisomatic", 2017);
: q10 = 2.3 from 37 degC.
:
: Scheme: closed C1..C5 -> open O along the activation path (alpha exp(V/x1), beta exp(V/x2),
: multiplicities 4,3,2,1 and 1,2,3,4; C5 <-> O with gamma/delta); a parallel inactivated row
: I1..I6 with activation rates scaled by alfac (forward) and 1/btfac (backward); Ci <-> Ii with
: Con alfac^(i-1) / Coff btfac^-(i-1); O <-> I6 with Oon/Ooff.
:
: Initial state: the published Allen model solves a linear system for the equilibrium in which
: the I3 balance uses I4*bi3 (not I4*b13). That system is reproduced here on purpose, so that
: results equal those of the Allen model; its solution is therefore not exactly the true steady
: state (see README).

NEURON {
    SUFFIX NaV
    USEION na READ ena WRITE ina
    RANGE g, gbar
}

UNITS {
    (mV) = (millivolt)
    (S) = (siemens)
}

PARAMETER {
    gbar = .015 (S/cm2)
    : transition rates at 37 degC
    Con = 0.01 (/ms)    : closed -> inactivated
    Coff = 40 (/ms)     : inactivated -> closed
    Oon = 8 (/ms)       : open -> I6
    Ooff = 0.05 (/ms)   : I6 -> open
    alpha = 400 (/ms)   : activation step
    beta = 12 (/ms)     : deactivation step
    gamma = 250 (/ms)   : C5 -> open
    delta = 60 (/ms)    : open -> C5
    alfac = 2.51        : allosteric factor on forward rates in the inactivated row
    btfac = 5.32        : allosteric factor on backward rates in the inactivated row
    x1 = 24 (mV)        : voltage sensitivity of alpha
    x2 = -24 (mV)       : voltage sensitivity of beta
}

ASSIGNED {
    v (mV)
    celsius (degC)
    ena (mV)
    ina (milliamp/cm2)
    g (S/cm2)
    : forward rates: activation path (0x), inactivated row (1x), closed -> inactivated (ix)
    f01 (/ms)  f02 (/ms)  f03 (/ms)  f04 (/ms)  f0O (/ms)
    f11 (/ms)  f12 (/ms)  f13 (/ms)  f14 (/ms)  f1n (/ms)
    fi1 (/ms)  fi2 (/ms)  fi3 (/ms)  fi4 (/ms)  fi5 (/ms)  fin (/ms)
    : backward rates
    b01 (/ms)  b02 (/ms)  b03 (/ms)  b04 (/ms)  b0O (/ms)
    b11 (/ms)  b12 (/ms)  b13 (/ms)  b14 (/ms)  b1n (/ms)
    bi1 (/ms)  bi2 (/ms)  bi3 (/ms)  bi4 (/ms)  bi5 (/ms)  bin (/ms)
}

: declaration order kept as in the Allen model (it fixes the state order of the sparse solver)
STATE {
    C1 FROM 0 TO 1
    C2 FROM 0 TO 1
    C3 FROM 0 TO 1
    C4 FROM 0 TO 1
    C5 FROM 0 TO 1
    I1 FROM 0 TO 1
    I2 FROM 0 TO 1
    I3 FROM 0 TO 1
    I4 FROM 0 TO 1
    I5 FROM 0 TO 1
    O FROM 0 TO 1
    I6 FROM 0 TO 1
}

INITIAL {
    rates(v)
    SOLVE equilibrium
}

BREAKPOINT {
    SOLVE scheme METHOD sparse
    g = gbar*O
    ina = g*(v - ena)
}

KINETIC scheme {
    rates(v)
    : activation path
    ~ C1 <-> C2 (f01, b01)
    ~ C2 <-> C3 (f02, b02)
    ~ C3 <-> C4 (f03, b03)
    ~ C4 <-> C5 (f04, b04)
    ~ C5 <-> O (f0O, b0O)
    ~ O <-> I6 (fin, bin)
    : inactivated row
    ~ I1 <-> I2 (f11, b11)
    ~ I2 <-> I3 (f12, b12)
    ~ I3 <-> I4 (f13, b13)
    ~ I4 <-> I5 (f14, b14)
    ~ I5 <-> I6 (f1n, b1n)
    : closed <-> inactivated
    ~ C1 <-> I1 (fi1, bi1)
    ~ C2 <-> I2 (fi2, bi2)
    ~ C3 <-> I3 (fi3, bi3)
    ~ C4 <-> I4 (fi4, bi4)
    ~ C5 <-> I5 (fi5, bi5)
    CONSERVE C1 + C2 + C3 + C4 + C5 + O + I1 + I2 + I3 + I4 + I5 + I6 = 1
}

: balance of each state but I6, plus the normalisation (see the header about I4*bi3)
LINEAR equilibrium {
    ~ I1*bi1 + C2*b01 - C1*(fi1 + f01) = 0
    ~ C1*f01 + I2*bi2 + C3*b02 - C2*(b01 + fi2 + f02) = 0
    ~ C2*f02 + I3*bi3 + C4*b03 - C3*(b02 + fi3 + f03) = 0
    ~ C3*f03 + I4*bi4 + C5*b04 - C4*(b03 + fi4 + f04) = 0
    ~ C4*f04 + I5*bi5 + O*b0O - C5*(b04 + fi5 + f0O) = 0
    ~ C5*f0O + I6*bin - O*(b0O + fin) = 0
    ~ C1*fi1 + I2*b11 - I1*(bi1 + f11) = 0
    ~ I1*f11 + C2*fi2 + I3*b12 - I2*(b11 + bi2 + f12) = 0
    ~ I2*f12 + C3*fi3 + I4*bi3 - I3*(b12 + bi3 + f13) = 0
    ~ I3*f13 + C4*fi4 + I5*b14 - I4*(b13 + bi4 + f14) = 0
    ~ I4*f14 + C5*fi5 + I6*b1n - I5*(b14 + bi5 + f1n) = 0
    ~ C1 + C2 + C3 + C4 + C5 + O + I1 + I2 + I3 + I4 + I5 + I6 = 1
}

PROCEDURE rates(v (mV)) {
    LOCAL qt, ea, eb
    qt = 2.3^((celsius - 37)/10)
    ea = exp(v/x1)
    eb = exp(v/x2)

    f01 = qt*4*alpha*ea
    f02 = qt*3*alpha*ea
    f03 = qt*2*alpha*ea
    f04 = qt*1*alpha*ea
    f0O = qt*gamma
    f11 = qt*4*alpha*alfac*ea
    f12 = qt*3*alpha*alfac*ea
    f13 = qt*2*alpha*alfac*ea
    f14 = qt*1*alpha*alfac*ea
    f1n = qt*gamma
    fi1 = qt*Con
    fi2 = qt*Con*alfac
    fi3 = qt*Con*alfac^2
    fi4 = qt*Con*alfac^3
    fi5 = qt*Con*alfac^4
    fin = qt*Oon

    b01 = qt*1*beta*eb
    b02 = qt*2*beta*eb
    b03 = qt*3*beta*eb
    b04 = qt*4*beta*eb
    b0O = qt*delta
    b11 = qt*1*beta*eb/btfac
    b12 = qt*2*beta*eb/btfac
    b13 = qt*3*beta*eb/btfac
    b14 = qt*4*beta*eb/btfac
    b1n = qt*delta
    bi1 = qt*Coff
    bi2 = qt*Coff/btfac
    bi3 = qt*Coff/(btfac^2)
    bi4 = qt*Coff/(btfac^3)
    bi5 = qt*Coff/(btfac^4)
    bin = qt*Ooff
}
