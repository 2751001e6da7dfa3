: ARTIFICIAL_CELL with net_send / net_event and VERBATIM `return 0;`
NEURON {
    ARTIFICIAL_CELL FArt
    RANGE m, thresh, period
}
PARAMETER { thresh = 1 period = 3 (ms) }
ASSIGNED { m tl }
INITIAL { m = 0 tl = t net_send(period, 1) }
NET_RECEIVE(w) {
    if (flag == 1) {
        m = m*0.9
        net_send(period, 1)
        touch()
    } else {
        m = m + w
        if (m > thresh) {
            net_event(t)
            m = 0
        }
    }
}
PROCEDURE touch() {
    tl = t
VERBATIM
    return 0;
ENDVERBATIM
}
