: a PROCEDURE that writes v: the change is local to this mechanism's block call
NEURON {
    SUFFIX fvw
    USEION na READ ena WRITE ina
    RANGE gbar
}
PARAMETER { gbar = 0.002 (S/cm2) }
ASSIGNED { v (mV) ena (mV) ina (mA/cm2) minf mtau }
STATE { m }
INITIAL { rates() m = minf }
BREAKPOINT {
    SOLVE st METHOD cnexp
    ina = gbar*m*(v - ena)
}
DERIVATIVE st { rates() m' = (minf - m)/mtau }
PROCEDURE rates() {
    v = v + 7.3
    minf = 1/(1 + exp(-(v + 40)/5))
    mtau = 0.5 + 3/(1 + exp((v + 40)/10))
    v = v - 7.3
}
