//! Rall's own `.mod` files for the Allen channel set (examples/components/mechanisms/modfiles)
//! against the NEURON 9.0.2 golden runs made with the Allen/BMTK files (validation/golden/mechs,
//! the same protocols as golden_mechs.rs). "Results must equal those with Allen's files": every
//! sample of v, every state and every ion variable within 1e-9 absolute, the tolerance of
//! golden_mechs.rs (see validation/golden/mechs/README.md for its justification).
//!
//! A second check runs each case in Rall with Allen's files and with ours and requires the two
//! to be bit-identical: our files are written so that the floating-point operations are the same
//! (examples/components/mechanisms/modfiles/README.md).
mod common;
use common::sim::{load_case, run_case, Sim};
use rall_nmodl::Catalogue;

/// Tolerance: NEURON's own two translators differ by up to 5e-10 mV (numerics doc §0.2).
const TOL: f64 = 1e-9;

fn own_catalogue() -> Catalogue {
    let mut cat = Catalogue::builtin();
    common::load_mod_dir(&mut cat, &common::own_modfiles());
    cat
}

fn allen_catalogue() -> Catalogue {
    let mut cat = Catalogue::builtin();
    common::load_mod_dir(&mut cat, &common::bmtk_modfiles());
    cat
}

/// Against NEURON with Allen's files: every column within TOL at every sample.
fn check_neuron(name: &str) {
    let cat = own_catalogue();
    let case = load_case(name);
    let res = run_case(&cat, &case);
    let mut worst = 0.0f64;
    let mut bad = vec![];
    for (col, d, same) in &res {
        eprintln!(
            "{name:24} {col:24} max|diff| = {d:.3e}  identical = {same}/{}",
            case.rows
        );
        worst = worst.max(*d);
        if d.is_nan() || *d > TOL {
            bad.push(col.clone());
        }
    }
    eprintln!("{name}: worst {worst:.3e} (own files vs NEURON with Allen's)");
    assert!(bad.is_empty(), "{name}: columns over {TOL}: {bad:?}");
}

/// Against Rall with Allen's files: every column bit-identical at every sample.
fn check_rall(name: &str) {
    let case = load_case(name);
    let (own, allen) = (own_catalogue(), allen_catalogue());
    let mut a = Sim::new(&own, &case.json);
    let mut b = Sim::new(&allen, &case.json);
    let v_init = case.json["v_init"].as_f64().unwrap();
    a.finitialize(v_init);
    b.finitialize(v_init);
    let cols: Vec<String> = case
        .columns
        .iter()
        .cloned()
        .chain(
            case.json["constants"]
                .as_object()
                .into_iter()
                .flat_map(|o| o.keys().cloned()),
        )
        .collect();
    for r in 0..case.rows {
        if r > 0 {
            a.fadvance();
            b.fadvance();
        }
        for col in &cols {
            let (x, y) = (a.column(col), b.column(col));
            assert!(
                x.to_bits() == y.to_bits(),
                "{name}: row {r} column {col}: own {x:e} vs Allen's {y:e}"
            );
        }
    }
}

fn check(name: &str) {
    check_neuron(name);
    check_rall(name);
}

macro_rules! own {
    ($($t:ident => $n:expr),* $(,)?) => { $( #[test] fn $t() { check($n); } )* };
}

own! {
    own_cadynamics => "allen_CaDynamics",
    own_ca_hva => "allen_Ca_HVA",
    own_ca_lva => "allen_Ca_LVA",
    own_ih => "allen_Ih",
    own_im => "allen_Im",
    own_im_v2 => "allen_Im_v2",
    own_k_p => "allen_K_P",
    own_k_t => "allen_K_T",
    own_kd => "allen_Kd",
    own_kv2like => "allen_Kv2like",
    own_kv3_1 => "allen_Kv3_1",
    own_nata => "allen_NaTa",
    own_nats => "allen_NaTs",
    own_nav => "allen_NaV",
    own_nap => "allen_Nap",
    own_sk => "allen_SK",
    own_all9 => "allen_all9",
}

/// Same interface as Allen's files: every mechanism, with the same RANGE/GLOBAL names and
/// parameter defaults, ion use and states (fit files set these by name).
#[test]
fn own_interface_matches_allen() {
    let (own, allen) = (own_catalogue(), allen_catalogue());
    let names = [
        "CaDynamics",
        "Ca_HVA",
        "Ca_LVA",
        "Ih",
        "Im",
        "Im_v2",
        "K_P",
        "K_T",
        "Kd",
        "Kv2like",
        "Kv3_1",
        "NaTa",
        "NaTs",
        "NaV",
        "Nap",
        "SK",
    ];
    for n in names {
        let a = own.get(n).unwrap_or_else(|| panic!("own {n} missing"));
        let b = allen.get(n).unwrap();
        let (ma, mb) = (a.meta(), b.meta());
        assert_eq!(ma.ions, mb.ions, "{n}: ions");
        assert_eq!(ma.kind, mb.kind, "{n}: kind");
        assert_eq!(ma.nonspecific, mb.nonspecific, "{n}: nonspecific currents");
        assert_eq!(ma.solve_methods, mb.solve_methods, "{n}: solve methods");
        // public range variables (RANGE, states, currents) with role and default
        let range = |m: &rall_nmodl::MechMeta| {
            let mut v: Vec<String> = m
                .range
                .iter()
                .filter(|r| r.public)
                .map(|r| format!("{} {:?} {:e}", r.name, r.role, r.default))
                .collect();
            v.sort();
            v
        };
        assert_eq!(range(ma), range(mb), "{n}: public range variables");
        // GLOBAL parameters (PARAMETERs not in RANGE) with defaults
        let globals = |m: &rall_nmodl::MechMeta| {
            let mut v: Vec<String> = m
                .globals
                .iter()
                .filter(|g| !g.assigned)
                .map(|g| format!("{} {:e}", g.name, g.default))
                .collect();
            v.sort();
            v
        };
        assert_eq!(globals(ma), globals(mb), "{n}: GLOBAL parameters");
    }
}
