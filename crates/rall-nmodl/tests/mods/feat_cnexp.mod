: cnexp forms: gate, alpha/beta, A = 0 (explicit Euler), polynomial (nocmodl linearises), affine
NEURON { SUFFIX fcnexp }
ASSIGNED { v (mV) al be }
STATE { a b c d e }
INITIAL { a = 0.1 b = 0.2 c = 0.3 d = 0.4 e = 0.5 }
BREAKPOINT { SOLVE st METHOD cnexp }
DERIVATIVE st {
    al = 0.1*exp((v + 60)/20)
    be = 0.2*exp(-(v + 60)/30)
    a' = (1/(1 + exp(-(v + 40)/6)) - a)/(2 + al)
    b' = al*(1 - b) - be*b
    c' = 0.01*cos(t/7)
    d' = 0.01 - d*d
    e' = -e/3 + 0.1*al
}
