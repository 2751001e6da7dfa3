: derivimplicit: backward Euler by Newton iteration
NEURON { SUFFIX fdimp }
ASSIGNED { v (mV) }
STATE { s q }
INITIAL { s = 0.1 q = 0.5 }
BREAKPOINT { SOLVE st METHOD derivimplicit }
DERIVATIVE st {
    s' = (1 - s)/(1 + s*s) + 0.001*(v + 60)
    q' = 0.2*(s - q*q)
}
