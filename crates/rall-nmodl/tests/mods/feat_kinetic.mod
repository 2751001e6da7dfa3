: KINETIC scheme solved by sparse, CONSERVE, STEADYSTATE in INITIAL
NEURON {
    SUFFIX fkin
    USEION k READ ek WRITE ik
    RANGE gbar
}
PARAMETER { gbar = 0.01 (S/cm2) }
ASSIGNED { v (mV) ek (mV) ik (mA/cm2) kf1 kb1 kf2 kb2 }
STATE { C1 C2 O I }
INITIAL { SOLVE kin STEADYSTATE sparse }
BREAKPOINT {
    SOLVE kin METHOD sparse
    ik = gbar*O*(v - ek)
}
KINETIC kin {
    rates(v)
    ~ C1 <-> C2 (kf1, kb1)
    ~ C2 <-> O (kf2, kb2)
    ~ O <-> I (0.05, 0.01)
    CONSERVE C1 + C2 + O + I = 1
}
PROCEDURE rates(v) {
    kf1 = 0.5*exp((v + 40)/15)
    kb1 = 0.3*exp(-(v + 40)/20)
    kf2 = 1.2*exp((v + 30)/12)
    kb2 = 0.4*exp(-(v + 30)/25)
}
