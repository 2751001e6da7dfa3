mod common;
use rall_nmodl::{check_files, MechKind, NmodlError};

#[test]
fn check_bmtk_mods() {
    let dir = common::bmtk_modfiles();
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "mod"))
        .collect();
    files.sort();
    assert_eq!(files.len(), 17);
    let res = check_files(&files);
    let mut density = 0;
    for r in &res {
        let s = r.as_ref().unwrap_or_else(|e| panic!("{e}"));
        println!("{s}");
        if s.kind == MechKind::Density {
            density += 1;
        } else {
            assert_eq!(s.name, "VecStim");
            assert_eq!(s.native.as_deref(), Some("VecStim"));
        }
    }
    assert_eq!(density, 16);
    let nats = res.iter().flatten().find(|s| s.name == "NaTs").unwrap();
    assert!(nats
        .parameters
        .iter()
        .any(|p| p.name == "gbar" && p.default == 1e-5));
    assert!(nats.globals.iter().any(|g| g.name == "malphaF"));
    assert_eq!(nats.solve_methods, vec!["cnexp"]);
    let cad = res
        .iter()
        .flatten()
        .find(|s| s.name == "CaDynamics")
        .unwrap();
    assert_eq!(cad.ions[0].writes, vec!["cai"]);
}

#[test]
fn syntax_error_has_location() {
    let dir = std::env::temp_dir().join("rall-nmodl-check-test");
    std::fs::create_dir_all(&dir).unwrap();
    let f = dir.join("bad.mod");
    std::fs::write(
        &f,
        "NEURON {\n  SUFFIX bad\n}\nPARAMETER {\n  g = 1\n}\nBREAKPOINT {\n  g = (1 + \n}\n",
    )
    .unwrap();
    let r = check_files(&[&f]);
    let e = r[0].as_ref().unwrap_err();
    assert!(matches!(e, NmodlError::Syntax { .. }));
    let msg = e.to_string();
    assert!(msg.contains("bad.mod:9:1"), "{msg}");
    assert!(e.is_user_error());
}

#[test]
fn semantic_error_has_location() {
    let src = "NEURON { SUFFIX s }\nBREAKPOINT {\n  x = 1\n}\n";
    let e = rall_nmodl::compile::compile("s.mod", src).unwrap_err();
    assert_eq!(e.to_string(), "s.mod:3:3: error: undefined variable `x`");
}
