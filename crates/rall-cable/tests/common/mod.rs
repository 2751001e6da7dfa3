//! Shared golden-case drivers (used with native kernels and with rall-nmodl's mechanisms).
#![allow(dead_code)]

use std::path::PathBuf;

use rall_cable::mech::{MechSet, MechType, NativeMech};
use rall_cable::native::{builtin_meta, hoc_exp, Columns};
use rall_cable::{read_swc, section_geometry, GroupBuilder, IonVar, Morphology, ProbeSpec};
use rall_nmodl::runtime::{IonUseInfo, MechMeta, VarRole};
use rall_nmodl::{Ctx, EventSink, ExecError, MechKind};

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}
pub fn read(p: &str) -> Vec<u8> {
    let p = root().join(p);
    std::fs::read(&p).unwrap_or_else(|e| {
        panic!(
            "golden file {} missing ({e}); run the validation/cells scripts",
            p.display()
        )
    })
}
pub fn f64s(bytes: &[u8]) -> Vec<f64> {
    bytes
        .chunks_exact(8)
        .map(|c| f64::from_le_bytes(c.try_into().unwrap()))
        .collect()
}
pub fn json(p: &str) -> serde_json::Value {
    serde_json::from_slice(&read(p)).unwrap()
}

fn vtrap(x: f64, y: f64) -> f64 {
    if (x / y).abs() < 1e-6 {
        y * (1.0 - x / y / 2.0)
    } else {
        x / (hoc_exp(x / y) - 1.0)
    }
}
fn cnexp(s: f64, inf: f64, tau: f64, dt: f64) -> f64 {
    s + (1.0 - hoc_exp(dt * ((-1.0) / tau))) * (-(inf / tau) / ((-1.0) / tau) - s)
}
fn rates_nats(v: f64, celsius: f64) -> (f64, f64, f64, f64) {
    let qt = 2.3f64.powf((celsius - 23.0) / 10.0);
    let ma = 0.182 * vtrap(-(v - (-40.0)), 6.0);
    let mb = 0.124 * vtrap(v - (-40.0), 6.0);
    let ha = 0.015 * vtrap(v - (-66.0), 6.0);
    let hb = 0.015 * vtrap(-(v - (-66.0)), 6.0);
    (
        ma / (ma + mb),
        (1.0 / (ma + mb)) / qt,
        ha / (ha + hb),
        (1.0 / (ha + hb)) / qt,
    )
}
fn rates_kv3(v: f64) -> (f64, f64) {
    let vshift = 0.0;
    (
        1.0 / (1.0 + hoc_exp((v - (18.700 + vshift)) / (-9.700))),
        0.2 * 20.000 / (1.0 + hoc_exp((v - (-46.560 + vshift)) / (-44.140))),
    )
}

/// NaTs (cols: gbar, m, h) and Kv3_1 (cols: gbar, m) with one USEION each.
struct Chan {
    c: Columns,
    nats: bool,
    slot: usize,
}
impl MechSet for Chan {
    fn meta(&self) -> &MechMeta {
        &self.c.meta
    }
    fn nodes(&self) -> &[usize] {
        &self.c.nodes
    }
    fn get(&self, var: &str, i: usize) -> Option<f64> {
        self.c.get(var, i)
    }
    fn set(&mut self, var: &str, i: usize, value: f64) -> bool {
        self.c.set(var, i, value)
    }
    fn init(&mut self, ctx: &mut Ctx<'_>, _: &mut dyn EventSink) -> Result<(), ExecError> {
        for (k, &nd) in self.c.nodes.iter().enumerate() {
            let v = ctx.v[nd];
            if self.nats {
                let (mi, _, hi, _) = rates_nats(v, ctx.globals.celsius);
                self.c.cols[1][k] = mi;
                self.c.cols[2][k] = hi;
            } else {
                self.c.cols[1][k] = rates_kv3(v).0;
            }
        }
        Ok(())
    }
    fn current(&mut self, ctx: &mut Ctx<'_>) -> Result<(), ExecError> {
        for (k, &nd) in self.c.nodes.iter().enumerate() {
            let v = ctx.v[nd];
            let e = ctx.ions[self.slot].e[nd];
            let gbar = self.c.cols[0][k];
            let g = if self.nats {
                let (m, h) = (self.c.cols[1][k], self.c.cols[2][k]);
                gbar * m * m * m * h
            } else {
                gbar * self.c.cols[1][k]
            };
            let i1 = g * ((v + 0.001) - e);
            let i0 = g * (v - e);
            let ion = &mut ctx.ions[self.slot];
            ion.di_dv[nd] += (i1 - i0) / 0.001;
            ion.i[nd] += i0;
            ctx.rhs[nd] -= i0;
            ctx.d[nd] += (i1 - i0) / 0.001;
        }
        Ok(())
    }
    fn state(&mut self, ctx: &mut Ctx<'_>) -> Result<(), ExecError> {
        let dt = ctx.globals.dt;
        for (k, &nd) in self.c.nodes.iter().enumerate() {
            let v = ctx.v[nd];
            if self.nats {
                let (mi, mt, hi, ht) = rates_nats(v, ctx.globals.celsius);
                self.c.cols[1][k] = cnexp(self.c.cols[1][k], mi, mt, dt);
                self.c.cols[2][k] = cnexp(self.c.cols[2][k], hi, ht, dt);
            } else {
                let (mi, mt) = rates_kv3(v);
                self.c.cols[1][k] = cnexp(self.c.cols[1][k], mi, mt, dt);
            }
        }
        Ok(())
    }
    fn net_receive(
        &mut self,
        _: &mut Ctx<'_>,
        _: usize,
        _: &mut [f64],
        _: f64,
        _: &mut dyn EventSink,
    ) -> Result<(), ExecError> {
        Ok(())
    }
}

struct ChanType {
    meta: MechMeta,
    nats: bool,
}
impl NativeMech for ChanType {
    fn meta(&self) -> &MechMeta {
        &self.meta
    }
    fn instantiate(&self, nodes: &[usize], ion_slots: &[usize]) -> Box<dyn MechSet> {
        Box::new(Chan {
            c: Columns::new(&self.meta, nodes),
            nats: self.nats,
            slot: ion_slots[0],
        })
    }
}
/// Native NaTs/Kv3_1 stand-ins (nocmodl expression forms).
pub fn chan(name: &str, nats: bool) -> MechType {
    let mut vars = vec![
        ("gbar", VarRole::Parameter, 1e-5),
        ("m", VarRole::State, 0.0),
    ];
    if nats {
        vars.push(("h", VarRole::State, 0.0));
    }
    let mut meta = builtin_meta(name, MechKind::Density, 0, &vars);
    meta.builtin = false;
    meta.file = Some(name.to_string());
    let ion = if nats { "na" } else { "k" };
    meta.ions = vec![IonUseInfo {
        ion: ion.into(),
        reads: vec![format!("e{ion}")],
        writes: vec![format!("i{ion}")],
        valence: None,
    }];
    MechType::Native(std::sync::Arc::new(ChanType { meta, nats }))
}

/// Passive Scnn1a + IClamp vs NEURON; returns (max |dv| over stored samples, soma max |dv|).
pub fn passive_case(pas_t: &MechType, iclamp: &MechType, tag: &str) -> (f64, f64) {
    let meta = json("validation/golden/cells/passive_scnn1a.json");
    let swc = root().join("../shared/components/morphologies/Scnn1a_473845048_m.swc");
    let mut m: Morphology = read_swc("Scnn1a", &std::fs::read_to_string(&swc).unwrap()).unwrap();
    m.fix_axon_perisomatic().unwrap();
    let fit = json("../shared/components/biophysical_neuron_models/472363762_fit.json");
    let pas = &fit["passive"][0];
    let cm: Vec<(String, f64)> = pas["cm"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["section"].as_str().unwrap().to_string(),
                c["cm"].as_f64().unwrap(),
            )
        })
        .collect();
    let cmr: Vec<(&str, f64)> = cm.iter().map(|(s, c)| (s.as_str(), *c)).collect();
    m.set_passive_by_prefix(pas["ra"].as_f64().unwrap(), &cmr)
        .unwrap();
    m.set_nseg_by_dl(20.0).unwrap();
    let e_pas = pas["e_pas"].as_f64().unwrap();
    let gpas = |prefix: &str| {
        fit["genome"]
            .as_array()
            .unwrap()
            .iter()
            .find(|g| g["name"] == "g_pas" && g["section"] == prefix)
            .unwrap()["value"]
            .as_f64()
            .unwrap()
    };
    let mut b = GroupBuilder::new();
    let cell = b.add_cell(&m).unwrap();
    for &s in &m.all {
        let prefix: String = m.sections[s].name().chars().take(4).collect();
        b.insert(cell, s, pas_t, &[("g", gpas(&prefix)), ("e", e_pas)])
            .unwrap();
    }
    let soma = m.find("soma[0]").unwrap();
    b.add_point(
        cell,
        soma,
        0.5,
        iclamp,
        &[("del", 10.0), ("dur", 50.0), ("amp", 0.2)],
    )
    .unwrap();
    let segs = meta["segments"].as_array().unwrap();
    let mut probes = Vec::new();
    for sg in segs {
        let sec = m.all[sg[0].as_u64().unwrap() as usize];
        probes.push(b.add_probe(ProbeSpec::V {
            cell,
            sec,
            x: sg[1].as_f64().unwrap(),
        }));
    }
    let mut g = b
        .build(
            meta["dt"].as_f64().unwrap(),
            meta["celsius"].as_f64().unwrap(),
        )
        .unwrap();
    g.finitialize(meta["v_init"].as_f64().unwrap()).unwrap();
    let nsteps = meta["nsteps"].as_u64().unwrap();
    g.advance(nsteps).unwrap();
    assert_eq!(
        g.t,
        meta["t_end"].as_f64().unwrap(),
        "t accumulated as NEURON does"
    );
    let stride = meta["stride"].as_u64().unwrap() as usize;
    let want = f64s(&read("validation/golden/cells/passive_scnn1a.v.bin"));
    let nseg = segs.len();
    let mut maxdev = 0.0f64;
    let mut identical = 0usize;
    for (k, &p) in probes.iter().enumerate() {
        let tr = g.trace(p);
        for (r, s) in (0..tr.len()).step_by(stride).enumerate() {
            let w = want[r * nseg + k];
            maxdev = maxdev.max((tr[s] - w).abs());
            identical += usize::from(tr[s] == w);
        }
    }
    let soma_want = f64s(&read("validation/golden/cells/passive_scnn1a.soma.bin"));
    let soma_probe = probes[segs.iter().position(|s| s[0] == 0).unwrap()];
    let mut soma_dev = 0.0f64;
    for (a, b) in g.trace(soma_probe).iter().zip(&soma_want) {
        soma_dev = soma_dev.max((a - b).abs());
    }
    eprintln!(
        "{tag} passive Scnn1a: max |dv| {maxdev:e} mV over {} samples ({identical} bit-identical); soma every step max |dv| {soma_dev:e}",
        want.len()
    );
    assert_eq!(soma_want.len(), g.trace(soma_probe).len());
    (maxdev, soma_dev)
}

/// Mechanism types for the ref_multi case.
pub struct MultiMechs {
    pub pas: MechType,
    pub iclamp: MechType,
    pub expsyn: MechType,
    pub exp2syn: MechType,
    pub vecstim: MechType,
    pub nats: MechType,
    pub kv3: MechType,
}

/// ref_multi vs NEURON; returns (max |dv|, bit-identical count, total, syn g max dev, spikes, wanted spikes).
pub fn multi_case(mm: &MultiMechs, tag: &str) -> (f64, usize, usize, f64, Vec<f64>, Vec<f64>) {
    let meta: serde_json::Value =
        serde_json::from_slice(&read("validation/golden/cells/multi.json")).unwrap();
    let mut m = Morphology::new();
    let mk = |m: &mut Morphology,
              name: &str,
              pts: &[[f64; 4]],
              ld: Option<(f64, f64)>,
              nseg: usize,
              cm: f64| {
        let id = match ld {
            Some((l, d)) => m.create_cable(name, 0, 3, l, d).unwrap(),
            None => {
                let id = m.create(name, 0, 3);
                for p in pts {
                    m.sections[id].pt3dadd(p[0], p[1], p[2], p[3]);
                }
                m.all.push(id);
                id
            }
        };
        m.set_nseg(id, nseg).unwrap();
        m.sections[id].ra = 150.0;
        m.sections[id].cm = cm;
        id
    };
    let soma = mk(
        &mut m,
        "soma",
        &[
            [0., 0., 0., 15.3],
            [0., 7.5, 0., 15.3],
            [0., 15.2, 0., 14.9],
        ],
        None,
        1,
        1.0,
    );
    let da = mk(
        &mut m,
        "dA",
        &[
            [0., 15.2, 0., 3.1],
            [0., 40., 3., 2.2],
            [5., 80., 1., 1.7],
            [9., 120., -2., 0.9],
        ],
        None,
        5,
        2.0,
    );
    let db = mk(
        &mut m,
        "dB",
        &[[0., 0., 0., 2.5], [-30., -40., 0., 1.3]],
        None,
        3,
        2.0,
    );
    let dc = mk(
        &mut m,
        "dC",
        &[
            [9., 120., -2., 0.9],
            [20., 160., -2., 0.8],
            [33., 190., 4., 0.61],
        ],
        None,
        4,
        2.0,
    );
    let dd = mk(
        &mut m,
        "dD",
        &[[9., 120., -2., 0.9], [-12., 150., 0., 0.7]],
        None,
        2,
        2.0,
    );
    let ax = mk(&mut m, "ax", &[], Some((60.0, 1.0)), 3, 1.0);
    m.connect(da, soma, 1.0).unwrap();
    m.connect(db, soma, 0.0).unwrap();
    m.connect(dc, da, 1.0).unwrap();
    m.connect(dd, da, 1.0).unwrap();
    m.connect(ax, soma, 0.5).unwrap();
    let secs = [soma, da, db, dc, dd, ax];

    // geometry
    let mut k = 0;
    let (areas, ris, diams, ls) = (&meta["areas"], &meta["ri"], &meta["diams"], &meta["L"]);
    for (si, &s) in secs.iter().enumerate() {
        assert_eq!(
            m.sections[s].length(),
            ls[si].as_f64().unwrap(),
            "L of section {si}"
        );
        let g = section_geometry(&m.sections[s]);
        for j in 0..m.sections[s].nseg {
            assert_eq!(g.area[j], areas[k].as_f64().unwrap(), "area {k}");
            assert_eq!(1.0 / g.rinv[j], ris[k].as_f64().unwrap(), "ri {k}");
            assert_eq!(g.diam[j], diams[k].as_f64().unwrap(), "diam {k}");
            k += 1;
        }
    }

    let mut b = GroupBuilder::new();
    let cell = b.add_cell(&m).unwrap();
    let (pas, nats, kv3) = (&mm.pas, &mm.nats, &mm.kv3);
    for &s in &secs {
        b.insert(cell, s, pas, &[("g", 5e-5), ("e", -72.0)])
            .unwrap();
    }
    for &s in &[soma, ax] {
        b.insert(cell, s, nats, &[("gbar", 0.8)]).unwrap();
        b.insert(cell, s, kv3, &[("gbar", 0.5)]).unwrap();
        b.set_ion(cell, s, "na", IonVar::E, 53.0).unwrap();
        b.set_ion(cell, s, "k", IonVar::E, -107.0).unwrap();
    }
    let syn = b
        .add_point(
            cell,
            da,
            0.7,
            &mm.exp2syn,
            &[("tau1", 0.5), ("tau2", 5.0), ("e", 0.0)],
        )
        .unwrap();
    let syn2 = b
        .add_point(cell, dc, 0.3, &mm.expsyn, &[("tau", 2.0), ("e", 0.0)])
        .unwrap();
    let mut tv = vec![2.0, 7.3125, 7.31, 15.0126, 30.0, 30.0, 41.23456];
    tv.sort_by(f64::total_cmp);
    let vs = b.add_artificial(&mm.vecstim, &[], Some(tv)).unwrap();
    let vs2 = b
        .add_artificial(&mm.vecstim, &[], Some(vec![5.0, 12.0125, 12.0375, 25.5]))
        .unwrap();
    let s1 = b.add_point_source(vs, None).unwrap();
    let s2 = b.add_point_source(vs2, None).unwrap();
    b.add_netcon(s1, Some(syn), vec![0.02], 1.0).unwrap();
    b.add_netcon(s2, Some(syn2), vec![0.01], 0.5).unwrap();
    b.add_point(
        cell,
        soma,
        0.5,
        &mm.iclamp,
        &[("del", 10.0123), ("dur", 20.0), ("amp", 0.3)],
    )
    .unwrap();
    let det = b
        .add_threshold_source(cell, soma, 0.5, -10.0, None)
        .unwrap();
    let mut probes = Vec::new();
    for &s in &secs {
        let n = m.sections[s].nseg;
        for j in 0..n {
            probes.push(b.add_probe(ProbeSpec::V {
                cell,
                sec: s,
                x: (j as f64 + 0.5) / n as f64,
            }));
        }
    }
    let gprobe = b.add_probe(ProbeSpec::Point {
        point: syn,
        var: "g".into(),
    });
    let mut g = b.build(0.025, 34.0).unwrap();
    g.finitialize(-70.0).unwrap();
    let shape = meta["shape"].as_array().unwrap();
    let (nsamp, nseg) = (
        shape[0].as_u64().unwrap() as usize,
        shape[1].as_u64().unwrap() as usize,
    );
    g.advance(nsamp as u64 - 1).unwrap();
    assert_eq!(g.t, meta["t_end"].as_f64().unwrap());
    let want = f64s(&read("validation/golden/cells/multi.v.bin"));
    let mut maxdev = 0.0f64;
    let mut identical = 0;
    for (kseg, &p) in probes.iter().enumerate() {
        let tr = g.trace(p);
        assert_eq!(tr.len(), nsamp);
        for r in 0..nsamp {
            let w = want[r * nseg + kseg];
            maxdev = maxdev.max((tr[r] - w).abs());
            identical += usize::from(tr[r] == w);
        }
    }
    let gwant = f64s(&read("validation/golden/cells/multi.syn_g.bin"));
    let gdev = g
        .trace(gprobe)
        .iter()
        .zip(&gwant)
        .map(|(a, b)| (a - b).abs())
        .fold(0.0, f64::max);
    let spikes: Vec<f64> = g
        .spikes
        .iter()
        .filter(|s| s.1 == det.0)
        .map(|s| s.0)
        .collect();
    let want_spikes: Vec<f64> = meta["spikes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect();
    eprintln!(
        "{tag} ref_multi: max |dv| {maxdev:e} mV, {identical}/{} bit-identical, syn g max dev {gdev:e}, spikes {spikes:?}",
        nsamp * nseg
    );
    (maxdev, identical, nsamp * nseg, gdev, spikes, want_spikes)
}

/// A ball-and-stick cell (soma 20×20 µm, dendrite 200×1 µm with 9 segments).
pub fn ball_and_stick() -> (Morphology, usize, usize) {
    let mut m = Morphology::new();
    let soma = m.create_cable("soma", 0, 1, 20.0, 20.0).unwrap();
    let dend = m.create_cable("dend", 0, 3, 200.0, 1.0).unwrap();
    m.connect(dend, soma, 1.0).unwrap();
    m.set_nseg(dend, 9).unwrap();
    (m, soma, dend)
}

/// Nine ball-and-stick cells (two with another nseg) with pas, an IClamp and an ExpSyn driven
/// by a VecStim, in one group (identical topologies share 4-cell lane blocks) and each alone:
/// the dendrite and soma voltage traces of every cell, (in the group, alone).
pub fn lane_network() -> (Vec<Vec<f64>>, Vec<Vec<f64>>) {
    use rall_cable::native;
    let build = |m: &Morphology, soma: usize, dend: usize, amp: f64, b: &mut GroupBuilder| {
        let c = b.add_cell(m).unwrap();
        for s in [soma, dend] {
            b.insert(c, s, &native::pas(), &[("g", 1e-3), ("e", -65.0)])
                .unwrap();
        }
        b.add_point(
            c,
            soma,
            0.5,
            &native::iclamp(),
            &[("del", 1.0), ("dur", 5.0), ("amp", amp)],
        )
        .unwrap();
        let syn = b
            .add_point(c, dend, 0.3, &native::expsyn(), &[("tau", 2.0), ("e", 0.0)])
            .unwrap();
        let vs = b
            .add_artificial(&native::vecstim(), &[], Some(vec![2.0 + amp, 4.0]))
            .unwrap();
        let src = b.add_point_source(vs, None).unwrap();
        b.add_netcon(src, Some(syn), vec![0.01 * amp], 1.0).unwrap();
        (
            b.add_probe(ProbeSpec::V {
                cell: c,
                sec: dend,
                x: 0.9,
            }),
            b.add_probe(ProbeSpec::V {
                cell: c,
                sec: soma,
                x: 0.5,
            }),
        )
    };
    let mut cells = Vec::new();
    for k in 0..9 {
        let (mut m, soma, dend) = ball_and_stick();
        if k == 2 || k == 5 {
            m.set_nseg(dend, 5).unwrap();
        }
        cells.push((m, soma, dend, 0.3 + 0.1 * k as f64));
    }
    let mut b = GroupBuilder::new();
    let probes: Vec<(usize, usize)> = cells
        .iter()
        .map(|(m, s, d, amp)| build(m, *s, *d, *amp, &mut b))
        .collect();
    let mut g = b.build(0.025, 34.0).unwrap();
    g.finitialize(-65.0).unwrap();
    g.advance(400).unwrap();
    let (mut in_group, mut alone) = (vec![], vec![]);
    for (k, (m, s, d, amp)) in cells.iter().enumerate() {
        let mut b1 = GroupBuilder::new();
        let (p1, p2) = build(m, *s, *d, *amp, &mut b1);
        let mut g1 = b1.build(0.025, 34.0).unwrap();
        g1.finitialize(-65.0).unwrap();
        g1.advance(400).unwrap();
        in_group.push(g.trace(probes[k].0).to_vec());
        in_group.push(g.trace(probes[k].1).to_vec());
        alone.push(g1.trace(p1).to_vec());
        alone.push(g1.trace(p2).to_vec());
    }
    (in_group, alone)
}
