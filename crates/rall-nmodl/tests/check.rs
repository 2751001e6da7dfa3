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

#[test]
fn unsupported_features_are_clear_errors() {
    let cases = [
        ("NEURON { SUFFIX a }\nBEFORE BREAKPOINT { }\n", "a.mod:2:1: error: BEFORE BREAKPOINT blocks are not supported yet"),
        ("NEURON { SUFFIX a POINTER p }\n", "a.mod:1:19: error: POINTER/BBCOREPOINTER `p` is not supported yet"),
        ("NEURON { SUFFIX a }\nASSIGNED { x }\nBREAKPOINT { while (x < 1) { x = x + 1 } }\n", "a.mod:3:14: error: `while` loops are not supported yet"),
        ("NEURON { SUFFIX a }\nPROCEDURE p() {\nVERBATIM\n  foo();\nENDVERBATIM\n}\nBREAKPOINT { p() }\n", "a.mod:3:1: error: VERBATIM block with C code is not supported"),
        // found by the differential fuzz test (jit_path.rs): a non-sum CONSERVE used to panic
        ("NEURON { SUFFIX a }\nSTATE { A B }\nBREAKPOINT { SOLVE k METHOD sparse }\nKINETIC k { ~ A <-> B (1, 2) CONSERVE A - B = 1 }\n", "a.mod:4:30: error: CONSERVE: only a sum of STATEs"),
        // and a zero stoichiometric coefficient made the sparse assembly underflow
        ("NEURON { SUFFIX a }\nSTATE { A B }\nBREAKPOINT { SOLVE k METHOD sparse }\nKINETIC k { ~ A <-> 0B (1, 2) }\n", "a.mod:4:13: error: stoichiometric coefficient 0 for `B`"),
    ];
    for (src, want) in cases {
        let e = rall_nmodl::compile::compile("a.mod", src).unwrap_err();
        assert!(e.to_string().starts_with(want), "{e} / {want}");
        assert!(e.is_user_error());
    }
}
