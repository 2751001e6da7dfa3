: cnexp on an equation that is not linear in its state: nocmodl uses derivimplicit
NEURON { SUFFIX ffall }
ASSIGNED { v (mV) }
STATE { w }
INITIAL { w = 0.2 }
BREAKPOINT { SOLVE st METHOD cnexp }
DERIVATIVE st { w' = 1/(1 + w) - 0.3*w + 0.002*(v + 70) }
