: TABLE in a PROCEDURE (DEPEND celsius) and in a FUNCTION (DEPEND a GLOBAL)
NEURON {
    SUFFIX ftab
    USEION k READ ek WRITE ik
    RANGE gbar
    GLOBAL minf, mtau, sh
}
PARAMETER { gbar = 0.005 (S/cm2) sh = 3 (mV) }
ASSIGNED { v (mV) ek (mV) ik (mA/cm2) minf mtau }
STATE { m }
INITIAL { rates(v) m = minf }
BREAKPOINT {
    SOLVE st METHOD cnexp
    ik = gbar*m*hfun(v)*(v - ek)
}
DERIVATIVE st { rates(v) m' = (minf - m)/mtau }
PROCEDURE rates(v (mV)) {
    TABLE minf, mtau DEPEND celsius FROM -120 TO 60 WITH 180
    minf = 1/(1 + exp(-(v + 35)/7))
    mtau = (1 + 4*exp(-((v + 40)/25)^2))/3^((celsius - 22)/10)
}
FUNCTION hfun(v (mV)) {
    TABLE DEPEND sh FROM -100 TO 50 WITH 75
    hfun = 1/(1 + exp((v + 60 - sh)/8))
}
