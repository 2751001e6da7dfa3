: VecStim -- an artificial cell that emits an event at each time stored in a Vector.
:
: Rall's own NMODL file, written for Rall; it is not a copy of NEURON's or BMTK's vecevent.mod.
: It shares only the interface BMTK relies on: an ARTIFICIAL_CELL named VecStim whose event
: times are given from hoc/Python by `stim.play(vec)` (vec: a Vector of times in ms, in
: increasing order), so that BMTK's virtual cells run on NEURON with this file.
:
: Rall does not need this file: VecStim is a Rall built-in (a native implementation of the same
: behaviour), and Rall recognises this file as VecStim and uses the built-in. NEURON needs it
: compiled with the other mechanisms (`nrnivmodl modfiles`).
:
: Behaviour (that of NEURON's VecStim, as recorded in Rall's notes on NEURON's numerics,
: neuron-numerics.md sections 1a/1b):
:   INITIAL: index = 0, then the first time is fetched; if there is one, a self-event is sent
:   for it. Each self-event (flag 1) emits an output event (net_event) at t, fetches the next
:   time and, if there is one, sends the next self-event. `index` counts the times fetched so
:   far and becomes -1 when the Vector is exhausted (or none was given); `etime` is the time
:   of the pending event.
:   The self-event is sent as `net_send(etime - t, 1)`: nocmodl emits the delivery time as
:   `t + etime - t`, i.e. (t + etime) - t, which is not always bit-equal to etime; Rall's
:   built-in uses the same expression, so both deliver at the same floating-point times.
:
: The Vector is not copied and no reference to it is held: keep it alive while the simulation
: runs (BMTK does). Its size is read at every fetch, so times appended before they are reached
: are played too.
:
: The Vector is reached through NEURON's C API in VERBATIM blocks (`ifarg`, `vector_arg`,
: `vector_capacity`, `vector_vec`). Each instance keeps its Vector's address in the ASSIGNED
: variable `tvec`: a double has room for a pointer's bytes, which are copied in and out with
: memcpy (bits unchanged). A BBCOREPOINTER would be NEURON's newer way to hold it, but Rall's
: NMODL reader does not accept pointer declarations, while it recognises this file as VecStim.
: Not for CoreNEURON (the address does not survive a transfer).

NEURON {
    THREADSAFE
    ARTIFICIAL_CELL VecStim
}

ASSIGNED {
    index
    etime (ms)
    tvec        : address of the played Vector (0: none), see tvec_get/tvec_set below
}

VERBATIM
/* (C names avoid `v`, which nocmodl defines as a macro for the membrane potential.) */
#include <string.h>
static_assert(sizeof(IvocVect*) <= sizeof(double), "a Vector address must fit in a double");
static IvocVect* tvec_get(const double* slot) {
    IvocVect* vec = nullptr;
    memcpy(&vec, slot, sizeof vec);
    return vec;
}
static void tvec_set(double* slot, IvocVect* vec) {
    *slot = 0.;
    memcpy(slot, &vec, sizeof vec);
}
ENDVERBATIM

INITIAL {
    index = 0
    next_time()
    if (index > 0) {
        net_send(etime - t, 1)
    }
}

NET_RECEIVE (w) {
    if (flag == 1) {
        net_event(t)
        next_time()
        if (index > 0) {
            net_send(etime - t, 1)
        }
    }
}

: Fetches the next time of the Vector into etime (index counts the times fetched), or sets
: index = -1 when there is none. Once -1, index stays -1 until INITIAL resets it.
PROCEDURE next_time() {
    if (index >= 0) {
        if (index < n_times()) {
            etime = time_at(index)
            index = index + 1
        } else {
            index = -1
        }
    }
}

: play(vec): attach the Vector whose times this VecStim plays (INITIAL starts at its first
: time; a Vector attached later is read from the current index on); play() with no argument
: detaches it (no further events).
PROCEDURE play() {
VERBATIM
    tvec_set(&tvec, ifarg(1) ? vector_arg(1) : nullptr);
ENDVERBATIM
}

: Number of times in the attached Vector (0 when none is attached).
FUNCTION n_times() {
VERBATIM
    IvocVect* vec = tvec_get(&tvec);
    _ln_times = vec ? (double) vector_capacity(vec) : 0.;
ENDVERBATIM
}

: Time number k (0-based) of the attached Vector (next_time calls it with 0 <= k < n_times()).
FUNCTION time_at(k) {
VERBATIM
    IvocVect* vec = tvec_get(&tvec);
    if (!vec || _lk < 0. || _lk >= (double) vector_capacity(vec)) {
        hoc_execerror("VecStim.time_at:", "no such element in the played Vector");
    }
    _ltime_at = vector_vec(vec)[(int) _lk];
ENDVERBATIM
}
