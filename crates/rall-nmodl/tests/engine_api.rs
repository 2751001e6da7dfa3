//! How the engine uses the runtime API with the built-ins only (no mod files needed).
mod common;
use rall_nmodl::{memb_order, Catalogue, Ctx, EventSink, Globals, IonArrays, MechKind};

#[derive(Default)]
struct Sink {
    sent: Vec<(usize, f64, f64)>,
    spikes: Vec<(usize, f64)>,
}
impl EventSink for Sink {
    fn net_send(&mut self, i: usize, t: f64, f: f64) {
        self.sent.push((i, t, f));
    }
    fn net_event(&mut self, i: usize, t: f64) {
        self.spikes.push((i, t));
    }
}

#[test]
fn builtins_exist_with_metadata() {
    let cat = Catalogue::builtin();
    for n in [
        "pas", "hh", "ExpSyn", "Exp2Syn", "IClamp", "SEClamp", "VecStim", "NetStim", "IntFire1",
    ] {
        assert!(cat.get(n).is_some(), "{n}");
    }
    let hh = cat.get("hh").unwrap().meta();
    assert_eq!(hh.kind, MechKind::Density);
    assert_eq!(hh.ions.len(), 2);
    assert!(hh.range_index("gnabar_hh").is_some());
    let syn = cat.get("Exp2Syn").unwrap().meta();
    assert_eq!(syn.kind, MechKind::Point);
    assert_eq!(syn.net_receive_arity, Some(1));
    let ic = cat.get("IClamp").unwrap().meta();
    assert_eq!(ic.electrode, vec!["i"]);
    assert!(ic.range_index("delay").is_some());
    // memb order: pas first, then built-ins by NEURON registration order, artificial last
    let order = memb_order(&[
        cat.get("VecStim").unwrap().clone(),
        cat.get("hh").unwrap().clone(),
        cat.get("Exp2Syn").unwrap().clone(),
        cat.get("pas").unwrap().clone(),
        cat.get("IClamp").unwrap().clone(),
    ]);
    let names: Vec<&str> = order.iter().map(|m| m.name()).collect();
    assert_eq!(names, ["pas", "IClamp", "Exp2Syn", "hh", "VecStim"]);
}

#[test]
fn point_process_current_and_events() {
    let cat = Catalogue::builtin();
    let n = 4;
    let v = vec![-65.0; n];
    let mut rhs = vec![0.0; n];
    let mut d = vec![0.0; n];
    let area = vec![500.0; n];
    let diam = vec![1.0; n];
    let mut ions: Vec<IonArrays> = vec![];
    let g = Globals {
        t: 0.0,
        dt: 0.025,
        celsius: 34.0,
    };
    let syn = cat.get("ExpSyn").unwrap();
    let mut inst = syn.instantiate(&[1, 3, 3], &[]);
    inst.set("e", 0, 0.0);
    let mut ctx = Ctx {
        v: &v,
        rhs: &mut rhs,
        d: &mut d,
        area: &area,
        diam: &diam,
        ions: &mut ions,
        globals: g,
    };
    let mut sink = Sink::default();
    inst.init(&mut ctx, &mut sink).unwrap();
    let mut w = vec![0.01];
    inst.net_receive(&mut ctx, 2, &mut w, 0.0, &mut sink)
        .unwrap();
    inst.current(&mut ctx).unwrap();
    // i = g*(v - e) = 0.01*(-65) nA, scaled by 1e2/area into mA/cm2, subtracted from rhs
    let expected = -(0.01 * (-65.0 - 0.0) * (1.0e2 / 500.0));
    assert_eq!(rhs[3], expected);
    assert_eq!(rhs[1], 0.0);
    assert!(d[3] > 0.0);
    // VecStim playback
    let vs = cat.get("VecStim").unwrap();
    let mut vi = vs.instantiate(&[0], &[]);
    assert!(vi.set_play_times(0, vec![1.0, 2.5]));
    let mut ctx = Ctx {
        v: &v,
        rhs: &mut rhs,
        d: &mut d,
        area: &area,
        diam: &diam,
        ions: &mut ions,
        globals: g,
    };
    vi.init(&mut ctx, &mut sink).unwrap();
    assert_eq!(sink.sent.last(), Some(&(0, 1.0, 1.0)));
    ctx.globals.t = 1.0;
    vi.net_receive(&mut ctx, 0, &mut [0.0], 1.0, &mut sink)
        .unwrap();
    assert_eq!(sink.spikes, vec![(0, 1.0)]);
    assert_eq!(sink.sent.last(), Some(&(0, 2.5, 1.0)));
}

#[test]
fn types_can_cross_threads() {
    fn send_sync<T: Send + Sync>() {}
    fn send<T: Send>() {}
    send_sync::<rall_nmodl::Mechanism>();
    send_sync::<Catalogue>();
    send::<rall_nmodl::MechInstances>();
    send::<IonArrays>();
}

#[test]
fn ion_style_and_nernst() {
    use rall_nmodl::runtime::{style, IonUseInfo};
    // CaDynamics: WRITE cai -> cinit, einit, eadvance
    let writer = IonUseInfo {
        ion: "ca".into(),
        reads: vec!["ica".into()],
        writes: vec!["cai".into()],
        valence: None,
    };
    let s = writer.style_bits(0);
    assert!(s & style::CINIT != 0 && s & style::EINIT != 0 && s & style::EADVANCE != 0);
    assert!(s & style::WRITES_CI != 0);
    // READ eca only: e stays a parameter
    let reader = IonUseInfo {
        ion: "ca".into(),
        reads: vec!["eca".into()],
        writes: vec!["ica".into()],
        valence: None,
    };
    assert_eq!(
        reader.style_bits(0) & (style::EINIT | style::EADVANCE | style::CINIT),
        0
    );
    // READ cai: einit only
    let creader = IonUseInfo {
        ion: "ca".into(),
        reads: vec!["cai".into()],
        writes: vec![],
        valence: None,
    };
    let s = creader.style_bits(0);
    assert!(s & style::EINIT != 0 && s & style::EADVANCE == 0 && s & style::CINIT == 0);
    let mut ca = IonArrays::new("ca", None, 1);
    ca.style[0] = writer.style_bits(0);
    ca.init_node(0, 34.0);
    assert_eq!(ca.ci[0], 5e-5);
    assert_eq!(ca.e[0], rall_nmodl::nernst(5e-5, 2.0, 2.0, 34.0));
}

/// A TABLE whose WITH is not a usable interval count is an error naming the mechanism and the
/// grid, not a crash (found by the differential fuzz test in jit_path.rs: `WITH 1/0`).
#[test]
fn table_with_unusable_grid_is_an_error() {
    let mut cat = rall_nmodl::Catalogue::empty();
    let mech = cat
        .load_source(
            "tab.mod",
            "NEURON { SUFFIX tab RANGE minf }
             ASSIGNED { v (mV) minf }
             BREAKPOINT { rates(v) }
             PROCEDURE rates(v (mV)) {
               TABLE minf FROM -100 TO 50 WITH 1/0
               minf = 1/(1 + exp(-(v + 40)/5))
             }",
        )
        .unwrap();
    let e = common::try_kernel_trace(&mech, &[0], 2).unwrap_err();
    let msg = e.to_string();
    assert!(
        msg.starts_with("tab: TABLE grid FROM -100 TO 50 WITH inf: WITH must be"),
        "{msg}"
    );
}
