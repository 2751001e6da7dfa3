: PROCEDURE and FUNCTION with LOCALs, by-value arguments, nested calls and if/else
NEURON {
    SUFFIX fproc
    USEION k READ ek WRITE ik
    RANGE gbar
}
PARAMETER { gbar = 0.01 (S/cm2) }
ASSIGNED { v (mV) ek (mV) ik (mA/cm2) ninf ntau }
STATE { n }
INITIAL { rates(v) n = ninf }
BREAKPOINT {
    SOLVE st METHOD cnexp
    ik = gbar*n*n*(v - ek)
}
DERIVATIVE st {
    rates(v)
    n' = (ninf - n)/ntau
}
PROCEDURE rates(vm) {
    LOCAL a, b
    a = trap(vm + 30, 9)
    vm = vm + 5
    b = 0.2*exp(-(vm + 35)/20)
    if (a + b > 100) {
        ninf = 1
    } else if (a + b < 1e-12) {
        ninf = 0
    } else {
        ninf = a/(a + b)
    }
    ntau = 1/(a + b) + offs(2)
}
FUNCTION trap(x, y) {
    LOCAL r
    r = x/y
    if (fabs(r) < 1e-6) {
        trap = y*(1 + r/2)
    } else {
        trap = x/(1 - exp(-r))
    }
    trap = 0.02*trap
}
FUNCTION offs(x) { offs = x*0.5 }
