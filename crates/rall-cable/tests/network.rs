//! Cell groups stepped independently between spike exchanges give the same results as one group.

mod common;

use common::ball_and_stick;
use rall_cable::{native, GroupBuilder, Network, ProbeSpec};

fn add(b: &mut GroupBuilder, driver: bool) -> (rall_cable::CellId, rall_cable::PointId) {
    let (m, soma, dend) = ball_and_stick();
    let c = b.add_cell(&m).unwrap();
    for s in [soma, dend] {
        b.insert(c, s, &native::pas(), &[("g", 2e-3), ("e", -65.0)])
            .unwrap();
    }
    if driver {
        for del in [1.0, 10.0, 20.3] {
            b.add_point(
                c,
                soma,
                0.5,
                &native::iclamp(),
                &[("del", del), ("dur", 1.5), ("amp", 6.0)],
            )
            .unwrap();
        }
    }
    let syn = b
        .add_point(
            c,
            dend,
            0.8,
            &native::exp2syn(),
            &[("tau1", 0.3), ("tau2", 3.0), ("e", 0.0)],
        )
        .unwrap();
    (c, syn)
}

#[test]
fn two_groups_equal_one_group() {
    let (nsteps, dt) = (1200u64, 0.025);
    // one group
    let mut b = GroupBuilder::new();
    let (ca, _) = add(&mut b, true);
    let (cb, syn_b) = add(&mut b, false);
    let (m, soma, dend) = ball_and_stick();
    let _ = m;
    let src = b
        .add_threshold_source(ca, soma, 0.5, -20.0, Some(1))
        .unwrap();
    b.add_netcon(src, Some(syn_b), vec![0.05], 2.5).unwrap();
    let p1 = b.add_probe(ProbeSpec::V {
        cell: cb,
        sec: dend,
        x: 0.5,
    });
    let mut g = b.build(dt, 34.0).unwrap();
    g.finitialize(-65.0).unwrap();
    g.advance(nsteps).unwrap();
    let spikes1: Vec<f64> = g.spikes.iter().map(|s| s.0).collect();
    assert!(spikes1.len() >= 2, "driver must spike: {spikes1:?}");

    // two groups
    let mut b1 = GroupBuilder::new();
    let (ca, _) = add(&mut b1, true);
    b1.add_threshold_source(ca, soma, 0.5, -20.0, Some(1))
        .unwrap();
    let mut b2 = GroupBuilder::new();
    let (cb, syn_b) = add(&mut b2, false);
    b2.add_remote_netcon(1, Some(syn_b), vec![0.05], 2.5)
        .unwrap();
    let p2 = b2.add_probe(ProbeSpec::V {
        cell: cb,
        sec: dend,
        x: 0.5,
    });
    let mut net = Network {
        groups: vec![b1.build(dt, 34.0).unwrap(), b2.build(dt, 34.0).unwrap()],
    };
    for g in &mut net.groups {
        g.finitialize(-65.0).unwrap();
    }
    net.run(nsteps).unwrap();
    let spikes2: Vec<f64> = net.groups[0].spikes.iter().map(|s| s.0).collect();
    assert_eq!(spikes1, spikes2);
    assert_eq!(g.trace(p1), net.groups[1].trace(p2));
    assert_eq!(g.t, net.groups[1].t);
    // the same on two threads
    let trace_seq = net.groups[1].trace(p2).to_vec();
    for g in &mut net.groups {
        g.finitialize(-65.0).unwrap();
    }
    net.run_threads(nsteps, 2).unwrap();
    assert_eq!(net.groups[1].trace(p2), &trace_seq[..]);
}

#[test]
fn groups_can_move_to_threads() {
    fn assert_send<T: Send>() {}
    assert_send::<rall_cable::CellGroup>();
}

/// Cells with identical topology are interleaved in lanes; every cell must still produce
/// exactly what it produces alone.
#[test]
fn lane_interleaved_cells_equal_cells_alone() {
    let (group, alone) = common::lane_network();
    assert_eq!(group, alone);
}

#[test]
fn segment_nodes_follow_all_order_and_layout() {
    let mut b = GroupBuilder::new();
    let mut cells = Vec::new();
    for _ in 0..5 {
        let (m, soma, dend) = ball_and_stick();
        let c = b.add_cell(&m).unwrap();
        b.insert(c, soma, &native::pas(), &[]).unwrap();
        b.insert(c, dend, &native::pas(), &[]).unwrap();
        cells.push((c, soma, dend));
    }
    let g = b.build(0.025, 34.0).unwrap();
    for &(c, soma, dend) in &cells {
        let nodes = g.segment_nodes(c).unwrap();
        assert_eq!(nodes.len(), 1 + 9);
        assert_eq!(nodes[0], g.node(c, soma, 0.5).unwrap());
        for j in 0..9 {
            assert_eq!(
                nodes[1 + j],
                g.node(c, dend, (j as f64 + 0.5) / 9.0).unwrap()
            );
        }
    }
    let mut all: Vec<usize> = cells
        .iter()
        .flat_map(|&(c, _, _)| g.segment_nodes(c).unwrap())
        .collect();
    all.sort();
    all.dedup();
    assert_eq!(all.len(), 50, "segment nodes are distinct across cells");
}

#[test]
fn cross_group_delay_shorter_than_dt_is_an_error() {
    let mut b1 = GroupBuilder::new();
    let (ca, _) = add(&mut b1, true);
    let (_, soma, _) = ball_and_stick();
    b1.add_threshold_source(ca, soma, 0.5, -20.0, Some(1))
        .unwrap();
    let mut b2 = GroupBuilder::new();
    let (_, syn_b) = add(&mut b2, false);
    b2.add_remote_netcon(1, Some(syn_b), vec![0.05], 0.01)
        .unwrap();
    let mut net = Network {
        groups: vec![
            b1.build(0.025, 34.0).unwrap(),
            b2.build(0.025, 34.0).unwrap(),
        ],
    };
    for g in &mut net.groups {
        g.finitialize(-65.0).unwrap();
    }
    assert!(matches!(
        net.run(10),
        Err(rall_cable::RunError::DelayTooShort { .. })
    ));
}
