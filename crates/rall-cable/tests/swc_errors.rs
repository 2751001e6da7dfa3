//! Bad SWC input gives typed errors naming the file and line; Import3d rules on small cases.

use rall_cable::{read_swc, SwcError};

#[test]
fn bad_columns() {
    let e = read_swc("a.swc", "# c\n1 1 0 0 0 5 -1\n2 3 1 2 x 1 1\n").unwrap_err();
    assert!(matches!(e, SwcError::BadColumns { line: 3, .. }), "{e}");
    assert!(e.to_string().starts_with("a.swc:3:"));
    let e = read_swc("a.swc", "1 1 0 0 0 5 -1\n2 300000000 1 2 3 1 1\n").unwrap_err();
    assert!(matches!(e, SwcError::BadColumns { line: 2, .. }), "{e}");
    let e = read_swc("a.swc", "1 1 0 0 0 -5 -1\n").unwrap_err();
    assert!(matches!(e, SwcError::BadColumns { line: 1, .. }), "{e}");
    let e = read_swc("a.swc", "1 1.5 0 0 0 5 -1\n").unwrap_err();
    assert!(matches!(e, SwcError::NotInteger { line: 1, .. }), "{e}");
    let e = read_swc("a.swc", "1 1 0 0 0 5 -1\n2 3 1 2 3 1\n").unwrap_err();
    assert!(matches!(e, SwcError::BadColumns { line: 2, .. }), "{e}");
}

#[test]
fn cycle_and_forward_parent() {
    let e = read_swc("c.swc", "1 1 0 0 0 5 -1\n2 3 1 0 0 1 3\n3 3 2 0 0 1 2\n").unwrap_err();
    assert!(
        matches!(
            e,
            SwcError::ParentNotLess {
                line: 2,
                id: 2,
                pid: 3,
                ..
            }
        ),
        "{e}"
    );
}

#[test]
fn missing_parent() {
    let e = read_swc("m.swc", "1 1 0 0 0 5 -1\n2 3 1 0 0 1 1\n4 3 2 0 0 1 3\n").unwrap_err();
    assert!(
        matches!(
            e,
            SwcError::MissingParent {
                line: 3,
                pid: 3,
                ..
            }
        ),
        "{e}"
    );
}

#[test]
fn no_soma_duplicate_roots_empty() {
    let e = read_swc("n.swc", "1 3 0 0 0 5 -1\n2 3 1 0 0 1 1\n").unwrap_err();
    assert!(matches!(e, SwcError::NoSoma { .. }), "{e}");
    let e = read_swc("d.swc", "1 1 0 0 0 5 -1\n1 3 1 0 0 1 -1\n").unwrap_err();
    assert!(
        matches!(
            e,
            SwcError::ParentNotLess { .. } | SwcError::DuplicateId { .. }
        ),
        "{e}"
    );
    let e = read_swc("r.swc", "1 1 0 0 0 5 -1\n2 3 1 0 0 1 1\n3 3 9 0 0 1 -1\n").unwrap_err();
    assert!(
        matches!(
            e,
            SwcError::MultipleRoots {
                line: 3,
                first_line: 1,
                ..
            }
        ),
        "{e}"
    );
    assert!(matches!(
        read_swc("e.swc", "# only\n\n").unwrap_err(),
        SwcError::Empty { .. }
    ));
}

#[test]
fn unsorted_ids_are_sorted() {
    let a = read_swc("u.swc", "1 1 0 0 0 5 -1\n3 3 0 20 0 1 2\n2 3 0 10 0 1 1\n").unwrap();
    let b = read_swc("s.swc", "1 1 0 0 0 5 -1\n2 3 0 10 0 1 1\n3 3 0 20 0 1 2\n").unwrap();
    assert_eq!(a.geometry_report(), b.geometry_report());
}

#[test]
fn single_point_soma_and_wires() {
    // single-point soma: 3-point cylinder along x, L = diam; dendrites attach at soma(0.5)
    let m = read_swc(
        "w.swc",
        "1 1 0 0 0 5 -1\n2 3 0 6 0 1 1\n3 3 0 12 0 1 2\n4 4 0 -6 0 1 1\n5 4 0 -12 0 1 4\n6 2 6 0 0 0.5 1\n7 2 12 0 0 0.5 6\n",
    )
    .unwrap();
    let names: Vec<String> = m.all.iter().map(|&i| m.sections[i].name()).collect();
    assert_eq!(names, ["soma[0]", "axon[0]", "dend[0]", "apic[0]"]);
    let soma = &m.sections[m.all[0]];
    assert_eq!(soma.pt3d.len(), 3);
    assert_eq!(soma.length(), 10.0);
    for &i in &m.all[1..] {
        let s = &m.sections[i];
        assert_eq!(s.parent_x, 0.5);
        assert!(s.logical_connection.is_some());
        assert_eq!(s.pt3d.len(), 2, "{}", s.name());
    }
    assert_eq!(
        (
            m.somatic.len(),
            m.axonal.len(),
            m.basal.len(),
            m.apical.len()
        ),
        (1, 1, 1, 1)
    );
}

#[test]
fn branches_split_sections() {
    // a dendrite that branches: 3 sections, children start with a copy of the branch point
    let m = read_swc(
        "b.swc",
        "1 1 0 0 0 5 -1\n2 3 0 5 0 1 1\n3 3 0 10 0 1 2\n4 3 5 15 0 0.5 3\n5 3 -5 15 0 0.5 3\n",
    )
    .unwrap();
    assert_eq!(m.basal.len(), 3);
    let d1 = &m.sections[m.basal[1]];
    assert_eq!((d1.pt3d[0].x, d1.pt3d[0].y), (0.0, 10.0));
    assert_eq!(d1.parent_x, 1.0);
    assert_eq!(d1.pt3d[0].d, 2.0, "first point takes the parent's diameter");
}

mod fuzz {
    use proptest::prelude::*;
    use rall_cable::{read_swc, Discretization};

    fn row() -> impl Strategy<Value = String> {
        (
            0i64..40,
            prop_oneof![Just(1i64), Just(2), Just(3), Just(4), -2i64..8],
            -50.0f64..50.0,
            -50.0f64..50.0,
            -5.0f64..5.0,
            prop_oneof![Just(0.0f64), 0.01f64..5.0],
            -2i64..40,
        )
            .prop_map(|(id, t, x, y, z, r, p)| format!("{id} {t} {x} {y} {z} {r} {p}"))
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 500, rng_seed: proptest::test_runner::RngSeed::Fixed(7), ..ProptestConfig::default() })]
        /// Arbitrary SWC-like input never panics: it is rejected with an error or imported,
        /// and an imported cell can be processed and discretised.
        #[test]
        fn no_panic_on_arbitrary_rows(rows in proptest::collection::vec(row(), 0..30), junk in "[ -~]{0,20}") {
            let mut text = rows.join("\n");
            text.push('\n');
            text.push_str(&junk);
            if let Ok(mut m) = read_swc("f.swc", &text) {
                let _ = m.geometry_report();
                let _ = Discretization::new(&m);
                if m.fix_axon_perisomatic().is_ok() {
                    let _ = m.set_nseg_by_dl(20.0);
                    let _ = m.geometry_report();
                }
            }
        }
    }

    fn tree() -> impl Strategy<Value = String> {
        proptest::collection::vec(
            (
                any::<prop::sample::Index>(),
                prop_oneof![Just(1i32), Just(2), Just(3), Just(4)],
                -30.0f64..30.0,
                -30.0f64..30.0,
                0.05f64..4.0,
            ),
            1..60,
        )
        .prop_map(|pts| {
            let mut s = String::from("# random tree\n1 1 0 0 0 5 -1\n");
            for (k, (pi, t, x, y, r)) in pts.iter().enumerate() {
                let id = k + 2;
                let pid = pi.index(id - 1) + 1;
                s.push_str(&format!("{id} {t} {x} {y} 0 {r} {pid}\n"));
            }
            s
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 300, rng_seed: proptest::test_runner::RngSeed::Fixed(11), ..ProptestConfig::default() })]
        /// Any valid tree with a soma imports; every segment has finite positive area and ri.
        #[test]
        fn valid_trees_import(text in tree()) {
            let mut m = read_swc("t.swc", &text).unwrap();
            m.set_nseg_by_dl(5.0).unwrap();
            let g = m.geometry_report();
            for s in &g.segments {
                prop_assert!(s.area.is_finite() && s.area > 0.0 && s.ri.is_finite() && s.ri > 0.0, "{s:?}");
            }
            let d = Discretization::new(&m).unwrap();
            for (i, &p) in d.tree.parent.iter().enumerate() {
                prop_assert!(p == rall_cable::NO_PARENT || p < i);
            }
        }
    }
}
