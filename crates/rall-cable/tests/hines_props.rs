//! Property tests: the Hines solver against a dense solver on random trees (seeded by proptest's
//! deterministic runner), and on the matrices of real morphologies.

use proptest::prelude::*;
use rall_cable::{dense_solve, hines_solve, NO_PARENT};

/// Random tree in NEURON order (parent < index), with one or more roots, diagonally dominant
/// like a cable matrix (d = -sum of off-diagonals + positive membrane term).
fn system() -> impl Strategy<Value = (Vec<usize>, Vec<f64>, Vec<f64>, Vec<f64>, Vec<f64>)> {
    system_with(0)
}

/// As [`system`]; each non-root node continues a chain (`parent = i - 1`, like the nodes of a
/// section) with probability `chain_pct` %, else has a random parent (a branch).
fn system_with(
    chain_pct: u32,
) -> impl Strategy<Value = (Vec<usize>, Vec<f64>, Vec<f64>, Vec<f64>, Vec<f64>)> {
    (2usize..120, 1usize..4).prop_flat_map(move |(n, roots)| {
        let roots = roots.min(n);
        (
            proptest::collection::vec(any::<prop::sample::Index>(), n),
            proptest::collection::vec(0u32..100, n),
            proptest::collection::vec(0.01f64..100.0, n),
            proptest::collection::vec(0.01f64..100.0, n),
            proptest::collection::vec(0.001f64..10.0, n),
            proptest::collection::vec(-100.0f64..100.0, n),
        )
            .prop_map(move |(pi, ch, ra, rb, g, rhs)| {
                let parent: Vec<usize> = (0..n)
                    .map(|i| {
                        if i < roots {
                            NO_PARENT
                        } else if ch[i] < chain_pct {
                            i - 1
                        } else {
                            pi[i].index(i)
                        }
                    })
                    .collect();
                let a: Vec<f64> = (0..n)
                    .map(|i| if parent[i] == NO_PARENT { 0.0 } else { -ra[i] })
                    .collect();
                let b: Vec<f64> = (0..n)
                    .map(|i| if parent[i] == NO_PARENT { 0.0 } else { -rb[i] })
                    .collect();
                let mut d = g.clone();
                for i in 0..n {
                    if parent[i] != NO_PARENT {
                        d[i] -= b[i];
                        d[parent[i]] -= a[i];
                    }
                }
                (parent, a, b, d, rhs)
            })
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, rng_seed: proptest::test_runner::RngSeed::Fixed(0x5eed), ..ProptestConfig::default() })]
    #[test]
    fn hines_equals_dense((parent, a, b, d, rhs) in system()) {
        let want = dense_solve(&parent, &a, &b, &d, &rhs);
        let mut d2 = d.clone();
        let mut x = rhs.clone();
        hines_solve(&parent, &a, &b, &mut d2, &mut x);
        let scale = want.iter().fold(1e-300f64, |m, v| m.max(v.abs()));
        for (u, w) in x.iter().zip(&want) {
            // both are backward stable; diagonally dominant systems: 1e-10 relative to max |x|
            prop_assert!((u - w).abs() <= 1e-10 * scale, "{u} vs {w}");
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, rng_seed: proptest::test_runner::RngSeed::Fixed(0x5eee), ..ProptestConfig::default() })]
    #[test]
    fn spans_solver_is_bitwise_the_generic_one((parent, a, b, d, rhs) in system()) {
        let (roots, spans) = rall_cable::root_spans(&parent);
        let (mut d1, mut x1) = (d.clone(), rhs.clone());
        hines_solve(&parent, &a, &b, &mut d1, &mut x1);
        let (mut d2, mut x2) = (d.clone(), rhs.clone());
        rall_cable::hines_solve_spans(&parent, &a, &b, &mut d2, &mut x2, &roots, &spans);
        prop_assert_eq!(x1, x2);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, rng_seed: proptest::test_runner::RngSeed::Fixed(0x5eef), ..ProptestConfig::default() })]
    /// The level schedule (packed divisions, nodes visited out of index order) performs every
    /// element's operations in NEURON's order: bitwise the plain serial solve, `d` included.
    #[test]
    fn scheduled_solver_is_bitwise_the_generic_one((parent, a, b, d, rhs) in system()) {
        let (roots, spans) = rall_cable::root_spans(&parent);
        let (mut d1, mut x1) = (d.clone(), rhs.clone());
        hines_solve(&parent, &a, &b, &mut d1, &mut x1);
        let s = rall_cable::SolveSchedule::new(&parent, &a, &b, &roots, &spans).unwrap();
        let (mut d2, mut x2) = (d.clone(), rhs.clone());
        rall_cable::hines_solve_scheduled(&s, &mut d2, &mut x2);
        let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<u64>>();
        prop_assert_eq!(bits(&x1), bits(&x2));
        prop_assert_eq!(bits(&d1), bits(&d2));
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 100, rng_seed: proptest::test_runner::RngSeed::Fixed(0x5ef0), ..ProptestConfig::default() })]
    /// Several independent trees in one schedule (a group's cells), portable path and the
    /// dispatched (vector) path: bitwise the serial solve.
    #[test]
    fn scheduled_forest_is_bitwise_the_generic_one(trees in proptest::collection::vec(system_with(70), 1..6)) {
        let (mut parent, mut a, mut b, mut d, mut rhs) = (vec![], vec![], vec![], vec![], vec![]);
        for (p, aa, bb, dd, rr) in trees {
            let off = parent.len();
            parent.extend(p.iter().map(|&x| if x == NO_PARENT { x } else { x + off }));
            a.extend(aa);
            b.extend(bb);
            d.extend(dd);
            rhs.extend(rr);
        }
        let (roots, spans) = rall_cable::root_spans(&parent);
        let (mut d1, mut x1) = (d.clone(), rhs.clone());
        hines_solve(&parent, &a, &b, &mut d1, &mut x1);
        let s = rall_cable::SolveSchedule::new(&parent, &a, &b, &roots, &spans).unwrap();
        let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<u64>>();
        let (mut d2, mut x2) = (d.clone(), rhs.clone());
        rall_cable::hines_solve_scheduled(&s, &mut d2, &mut x2);
        prop_assert_eq!(bits(&x1), bits(&x2));
        prop_assert_eq!(bits(&d1), bits(&d2));
        let (mut d3, mut x3) = (d.clone(), rhs.clone());
        rall_cable::tree::hines_solve_scheduled_portable(&s, &mut d3, &mut x3);
        prop_assert_eq!(bits(&x1), bits(&x3));
        prop_assert_eq!(bits(&d1), bits(&d3));
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, rng_seed: proptest::test_runner::RngSeed::Fixed(0x5ef1), ..ProptestConfig::default() })]
    /// The axial/capacitance passes (vector path with masks, scalar chain path) add
    /// bitwise what NEURON's node-order loop adds, on random forests.
    #[test]
    fn axial_passes_are_bitwise_neurons_loop(
        trees in proptest::collection::vec(system_with(70), 1..6),
        seed in any::<u64>(),
    ) {
        use rall_cable::axial::{axial_reference, AxialPlan};
        let (mut parent, mut a, mut b, mut d, mut rhs) = (vec![], vec![], vec![], vec![], vec![]);
        for (p, aa, bb, dd, rr) in trees {
            let off = parent.len();
            parent.extend(p.iter().map(|&x| if x == NO_PARENT { x } else { x + off }));
            a.extend(aa);
            b.extend(bb);
            d.extend(dd);
            rhs.extend(rr);
        }
        // voltages and capacitance terms from a small LCG (any finite values will do)
        let mut x = seed | 1;
        let mut next = || {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (x >> 11) as f64 / (1u64 << 53) as f64
        };
        let v: Vec<f64> = parent.iter().map(|_| -90.0 + 130.0 * next()).collect();
        let cap: Vec<f64> = parent
            .iter()
            .map(|&p| if p == NO_PARENT { 0.0 } else { 40.0 * next() })
            .collect();
        let (_, spans) = rall_cable::root_spans(&parent);
        let plan = AxialPlan::new(&parent, &spans).unwrap();
        let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<u64>>();
        let (mut r0, mut d0) = (rhs.clone(), d.clone());
        axial_reference(&parent, &v, &a, &b, &cap, &mut r0, &mut d0);
        let (mut r1, mut d1) = (rhs.clone(), d.clone());
        plan.apply(&v, &a, &b, &cap, &mut r1, &mut d1);
        prop_assert_eq!(bits(&r0), bits(&r1));
        prop_assert_eq!(bits(&d0), bits(&d1));
        let (mut r2, mut d2) = (rhs.clone(), d.clone());
        plan.apply_scalar(&v, &a, &b, &cap, &mut r2, &mut d2);
        prop_assert_eq!(bits(&r0), bits(&r2));
        prop_assert_eq!(bits(&d0), bits(&d2));
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 150, rng_seed: proptest::test_runner::RngSeed::Fixed(0x5ef2), ..ProptestConfig::default() })]
    /// A lane block (4 cells of one topology interleaved, level order, packed divisions) gives
    /// every cell bitwise what the serial solve gives it alone.
    #[test]
    fn lane_block_is_bitwise_the_generic_one(
        (parent, a, b, d, rhs) in system_with(70),
        scale in proptest::collection::vec(0.5f64..2.0, 4),
        pad in 0usize..5,
    ) {
        use rall_cable::tree::{hines_solve_lanes, LaneBlock, LANES};
        let n = parent.len();
        let lane = |x: &[f64], k: usize| x.iter().map(|v| v * scale[k]).collect::<Vec<f64>>();
        // lane k: a, b, rhs scaled (d recomputed so that the system stays the same shape)
        let (mut ia, mut ib, mut id, mut ir) = (
            vec![0.0; pad + LANES * n],
            vec![0.0; pad + LANES * n],
            vec![0.0; pad + LANES * n],
            vec![0.0; pad + LANES * n],
        );
        let mut want = Vec::new();
        for k in 0..LANES {
            let (ak, bk, rk) = (lane(&a, k), lane(&b, k), lane(&rhs, k));
            let dk: Vec<f64> = d.iter().enumerate().map(|(i, v)| v + 0.1 * k as f64 * (i % 3) as f64).collect();
            for i in 0..n {
                let j = pad + LANES * i + k;
                ia[j] = ak[i];
                ib[j] = bk[i];
                id[j] = dk[i];
                ir[j] = rk[i];
            }
            let (mut d1, mut x1) = (dk.clone(), rk.clone());
            hines_solve(&parent, &ak, &bk, &mut d1, &mut x1);
            want.push((d1, x1));
        }
        let blk = LaneBlock::new(pad, parent.clone()).unwrap();
        hines_solve_lanes(&blk, &ia, &ib, &mut id, &mut ir);
        for (k, (d1, x1)) in want.iter().enumerate() {
            for i in 0..n {
                let j = pad + LANES * i + k;
                prop_assert_eq!(x1[i].to_bits(), ir[j].to_bits(), "lane {} node {} rhs", k, i);
                prop_assert_eq!(d1[i].to_bits(), id[j].to_bits(), "lane {} node {} d", k, i);
            }
        }
    }
}
