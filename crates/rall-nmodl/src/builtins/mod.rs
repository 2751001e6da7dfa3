//! Built-in mechanisms: our own `.mod` sources embedded in the binary, compiled by this crate,
//! plus a native VecStim (its NMODL original plays a hoc Vector through VERBATIM C).
//!
//! Ranks follow NEURON's registration order of its built-ins (numerics doc §2.3), which decides
//! the `memb_order` position of each type.

use std::sync::Arc;

use crate::runtime::{
    Backend, Ctx, EventSink, MechInner, MechInstances, MechKind, MechMeta, Mechanism, RangeVarInfo,
    VarRole,
};

/// (name, source, NEURON registration rank)
pub const SOURCES: &[(&str, &str, usize)] = &[
    ("pas", include_str!("pas.mod"), 4),
    ("IClamp", include_str!("IClamp.mod"), 10),
    ("ExpSyn", include_str!("ExpSyn.mod"), 12),
    ("Exp2Syn", include_str!("Exp2Syn.mod"), 13),
    ("SEClamp", include_str!("SEClamp.mod"), 14),
    ("hh", include_str!("hh.mod"), 18),
    ("NetStim", include_str!("NetStim.mod"), 20),
    ("IntFire1", include_str!("IntFire1.mod"), 21),
];

/// The built-in catalogue.
pub fn catalogue() -> crate::Catalogue {
    let mut c = crate::Catalogue::empty();
    for (name, src, rank) in SOURCES {
        let m = crate::compile::compile_with(&format!("<builtin>/{name}.mod"), src, true, *rank)
            .unwrap_or_else(|e| panic!("internal error: built-in {name} does not compile: {e}"));
        c.insert(m);
    }
    c.insert(vecstim());
    c
}

/// The native VecStim type (artificial cell playing a vector of event times).
pub fn vecstim() -> Mechanism {
    let rv = |n: &str| RangeVarInfo {
        name: n.into(),
        role: VarRole::Assigned,
        default: 0.0,
        units: None,
        public: true,
    };
    let meta = MechMeta {
        name: "VecStim".into(),
        kind: MechKind::Artificial,
        range: vec![rv("index"), rv("etime")],
        globals: vec![],
        ions: vec![],
        nonspecific: vec![],
        electrode: vec![],
        writes_conc: false,
        net_receive_arity: Some(1),
        net_receive_has_init: false,
        solve_methods: vec![],
        builtin: true,
        rank: 100,
        file: None,
    };
    Mechanism(Arc::new(MechInner {
        meta,
        backend: Backend::VecStim,
    }))
}

const INDEX: usize = 0;
const ETIME: usize = 1;

/// `element()`: advance to the next event time, or index = -1 at the end.
fn element(m: &mut MechInstances, i: usize) {
    let idx = m.columns[INDEX][i];
    if idx >= 0.0 {
        let k = idx as usize;
        match m.play.get(i) {
            Some(v) if k < v.len() => {
                m.columns[ETIME][i] = v[k];
                m.columns[INDEX][i] += 1.0;
            }
            _ => m.columns[INDEX][i] = -1.0,
        }
    }
}

pub(crate) fn vecstim_init(m: &mut MechInstances, c: &mut Ctx<'_>, s: &mut dyn EventSink) {
    let t = c.globals.t;
    for i in 0..m.len() {
        m.columns[INDEX][i] = 0.0;
        element(m, i);
        if m.columns[INDEX][i] > 0.0 {
            // nocmodl: net_send(etime - t, 1) becomes t + etime - t
            s.net_send(i, t + m.columns[ETIME][i] - t, 1.0);
        }
    }
}

pub(crate) fn vecstim_receive(
    m: &mut MechInstances,
    c: &mut Ctx<'_>,
    i: usize,
    f: f64,
    s: &mut dyn EventSink,
) {
    let t = c.globals.t;
    if f == 1.0 {
        s.net_event(i, t);
        element(m, i);
        if m.columns[INDEX][i] > 0.0 {
            s.net_send(i, t + m.columns[ETIME][i] - t, 1.0);
        }
    }
}
