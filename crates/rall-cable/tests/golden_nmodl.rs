//! The same dynamics goldens with rall-nmodl's mechanisms: its built-in catalogue (pas, IClamp,
//! ExpSyn, Exp2Syn, VecStim compiled from our own .mod sources / native VecStim) and the Allen
//! NaTs.mod / Kv3_1.mod from BMTK's copy (never skipped: fails if they cannot be found; set
//! RALL_BMTK_MODFILES). Pass criterion: every voltage within 1e-9 mV, identical spike times.
mod common;

use std::path::PathBuf;

use rall_cable::MechType;
use rall_nmodl::Catalogue;

fn bmtk_modfiles() -> PathBuf {
    if let Ok(p) = std::env::var("RALL_BMTK_MODFILES") {
        return PathBuf::from(p);
    }
    PathBuf::from(
        "/opt/ref/lib/python3.11/site-packages/bmtk/utils/scripts/bionet/mechanisms/modfiles",
    )
}

fn catalogue() -> Catalogue {
    let mut c = Catalogue::builtin();
    let dir = bmtk_modfiles();
    for f in ["NaTs.mod", "Kv3_1.mod"] {
        let p = dir.join(f);
        let text = std::fs::read_to_string(&p)
            .unwrap_or_else(|e| panic!("{} not found ({e}); set RALL_BMTK_MODFILES", p.display()));
        c.load_source(&p.display().to_string(), &text).unwrap();
    }
    c
}

fn get(c: &Catalogue, name: &str) -> MechType {
    MechType::Nmodl(
        c.get(name)
            .unwrap_or_else(|| panic!("no {name} in catalogue"))
            .clone(),
    )
}

#[test]
fn passive_scnn1a_with_nmodl_mechanisms() {
    let c = catalogue();
    let (maxdev, soma_dev) = common::passive_case(&get(&c, "pas"), &get(&c, "IClamp"), "nmodl");
    assert!(maxdev <= 1e-9 && soma_dev <= 1e-9);
}

#[test]
fn ref_multi_with_nmodl_mechanisms() {
    let c = catalogue();
    let mm = common::MultiMechs {
        pas: get(&c, "pas"),
        iclamp: get(&c, "IClamp"),
        expsyn: get(&c, "ExpSyn"),
        exp2syn: get(&c, "Exp2Syn"),
        vecstim: get(&c, "VecStim"),
        nats: get(&c, "NaTs"),
        kv3: get(&c, "Kv3_1"),
    };
    let (maxdev, _, _, _, spikes, want) = common::multi_case(&mm, "nmodl");
    assert_eq!(spikes, want);
    assert!(maxdev <= 1e-9);
}
