//! Single-compartment golden tests against NEURON 9.0.2 (validation/golden/mechs, produced by
//! validation/mechs/make_golden.py). Pass criterion: every sample of v, every state and every
//! ion variable within 1e-9 absolute (see validation/golden/mechs/README.md).
mod common;
use common::sim::{load_case, run_case};
use rall_nmodl::Catalogue;

/// Tolerance: NEURON's own two translators differ by up to 5e-10 mV (numerics doc §0.2).
const TOL: f64 = 1e-9;

fn catalogue() -> Catalogue {
    let mut cat = Catalogue::builtin();
    load_dir(&mut cat, &common::bmtk_modfiles());
    load_dir(
        &mut cat,
        &std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/mods"),
    );
    cat
}

fn load_dir(cat: &mut Catalogue, dir: &std::path::Path) {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "mod"))
        .collect();
    files.sort();
    for f in files {
        cat.load_file(&f).unwrap_or_else(|e| panic!("{e}"));
    }
}

fn check(name: &str) {
    let cat = catalogue();
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
    eprintln!("{name}: worst {worst:.3e}");
    assert!(bad.is_empty(), "{name}: columns over {TOL}: {bad:?}");
}

macro_rules! golden {
    ($($t:ident => $n:expr),* $(,)?) => { $( #[test] fn $t() { check($n); } )* };
}

golden! {
    allen_cadynamics => "allen_CaDynamics",
    allen_ca_hva => "allen_Ca_HVA",
    allen_ca_lva => "allen_Ca_LVA",
    allen_ih => "allen_Ih",
    allen_im => "allen_Im",
    allen_im_v2 => "allen_Im_v2",
    allen_k_p => "allen_K_P",
    allen_k_t => "allen_K_T",
    allen_kd => "allen_Kd",
    allen_kv2like => "allen_Kv2like",
    allen_kv3_1 => "allen_Kv3_1",
    allen_nata => "allen_NaTa",
    allen_nats => "allen_NaTs",
    allen_nav => "allen_NaV",
    allen_nap => "allen_Nap",
    allen_sk => "allen_SK",
    allen_all9 => "allen_all9",
    builtin_pas => "builtin_pas",
    builtin_hh => "builtin_hh",
    builtin_hh_celsius34 => "builtin_hh_celsius34",
    builtin_seclamp => "builtin_seclamp",
    builtin_syn => "builtin_syn",
    builtin_intfire1 => "builtin_intfire1",
    feature_global => "feature_global",
    feature_proc => "feature_proc",
    feature_vwrite => "feature_vwrite",
    feature_special => "feature_special",
    feature_units => "feature_units",
    feature_exp => "feature_exp",
    feature_cnexp => "feature_cnexp",
    feature_derivimplicit => "feature_derivimplicit",
    feature_cnexp_fallback => "feature_cnexp_fallback",
    feature_kinetic => "feature_kinetic",
    feature_linear => "feature_linear",
    feature_table => "feature_table",
    feature_table_off => "feature_table_off",
    feature_ion => "feature_ion",
    feature_point => "feature_point",
    feature_artcell => "feature_artcell",
}
