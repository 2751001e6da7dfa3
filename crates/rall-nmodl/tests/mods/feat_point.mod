: POINT_PROCESS writing an ion current (area scaling), NET_RECEIVE with a weight vector and its
: INITIAL block, net_send self-events
NEURON {
    POINT_PROCESS FPoint
    USEION ca READ eca WRITE ica
    NONSPECIFIC_CURRENT i
    RANGE tau, e, i, nsp
}
PARAMETER { tau = 3 (ms) e = -10 (mV) }
ASSIGNED { v (mV) i (nA) ica (nA) eca (mV) nsp }
STATE { g }
INITIAL { g = 0 nsp = 0 }
BREAKPOINT {
    SOLVE st METHOD cnexp
    i = g*(v - e)
    ica = 0.1*g*(v - eca)
}
DERIVATIVE st { g' = -g/tau }
NET_RECEIVE(w, count, last) {
    INITIAL { count = 0 last = -1 }
    if (flag == 0) {
        count = count + 1
        g = g + w*(1 + 0.1*count)
        last = t
        net_send(0.7 - t + t, 2)
    } else {
        g = g + 0.5*w
        nsp = nsp + 1
    }
}
