: LINEAR block solved in INITIAL (SOLVE name), then a KINETIC scheme
NEURON {
    SUFFIX flin
    USEION na READ ena WRITE ina
    RANGE gbar
}
PARAMETER { gbar = 0.02 (S/cm2) }
ASSIGNED { v (mV) ena (mV) ina (mA/cm2) a1 b1 a2 b2 }
STATE { X Y Z }
INITIAL {
    rates(v)
    SOLVE eq
}
BREAKPOINT {
    SOLVE kin METHOD sparse
    ina = gbar*Z*(v - ena)
}
LINEAR eq {
    ~ X*a1 - Y*b1 = 0
    ~ Y*a2 - Z*b2 = 0
    ~ X + Y + Z = 1
}
KINETIC kin {
    rates(v)
    ~ X <-> Y (a1, b1)
    ~ Y <-> Z (a2, b2)
    CONSERVE X + Y + Z = 1
}
PROCEDURE rates(v) {
    a1 = 0.2*exp((v + 50)/10)
    b1 = 0.5*exp(-(v + 50)/15)
    a2 = 0.8*exp((v + 40)/9)
    b2 = 2.0*exp(-(v + 40)/20)
}
