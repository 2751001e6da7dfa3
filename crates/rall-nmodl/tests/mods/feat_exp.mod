: exp is NEURON's clamped exp; ^ is pow
NEURON { SUFFIX fexp }
ASSIGNED { v (mV) pw }
STATE { s p }
INITIAL { s = 0 p = 0 }
BREAKPOINT { SOLVE st METHOD cnexp }
DERIVATIVE st {
    pw = (v + 100)^1.5/100 + 2^(-3)
    s' = (1e-300*exp(10*(v + 100)) - s)/5
    p' = (pw - p)/3
}
