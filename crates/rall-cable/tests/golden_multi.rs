//! The branched Exp2Syn/ExpSyn/VecStim/NetCon cell of ../shared/reference/ref_multi.py against
//! NEURON 9.0.2 (validation/golden/cells/multi.*). NaTs and Kv3_1 are written here natively with
//! nocmodl's expression forms (stand-ins until rall-nmodl compiles the Allen mods).
//! Pass criterion: every voltage within 1e-9 mV, identical spike times, geometry (area, ri,
//! diam, L) within 1e-12 relative.

use std::path::PathBuf;

use rall_cable::mech::{MechSet, MechType, NativeMech};
use rall_cable::native::{self, builtin_meta, hoc_exp, Columns};
use rall_cable::{section_geometry, GroupBuilder, IonVar, Morphology, ProbeSpec};
use rall_nmodl::runtime::{IonUseInfo, MechMeta, VarRole};
use rall_nmodl::{Ctx, EventSink, ExecError, MechKind};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}
fn read(p: &str) -> Vec<u8> {
    let p = root().join(p);
    std::fs::read(&p).unwrap_or_else(|e| {
        panic!(
            "golden file {} missing ({e}); run validation/cells/multi_golden.py",
            p.display()
        )
    })
}
fn f64s(bytes: &[u8]) -> Vec<f64> {
    bytes
        .chunks_exact(8)
        .map(|c| f64::from_le_bytes(c.try_into().unwrap()))
        .collect()
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
fn chan(name: &str, nats: bool) -> MechType {
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

#[test]
fn ref_multi_matches_neuron() {
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
    let pas = native::pas();
    let (nats, kv3) = (chan("NaTs", true), chan("Kv3_1", false));
    for &s in &secs {
        b.insert(cell, s, &pas, &[("g", 5e-5), ("e", -72.0)])
            .unwrap();
    }
    for &s in &[soma, ax] {
        b.insert(cell, s, &nats, &[("gbar", 0.8)]).unwrap();
        b.insert(cell, s, &kv3, &[("gbar", 0.5)]).unwrap();
        b.set_ion(cell, s, "na", IonVar::E, 53.0).unwrap();
        b.set_ion(cell, s, "k", IonVar::E, -107.0).unwrap();
    }
    let syn = b
        .add_point(
            cell,
            da,
            0.7,
            &native::exp2syn(),
            &[("tau1", 0.5), ("tau2", 5.0), ("e", 0.0)],
        )
        .unwrap();
    let syn2 = b
        .add_point(
            cell,
            dc,
            0.3,
            &native::expsyn(),
            &[("tau", 2.0), ("e", 0.0)],
        )
        .unwrap();
    let mut tv = vec![2.0, 7.3125, 7.31, 15.0126, 30.0, 30.0, 41.23456];
    tv.sort_by(f64::total_cmp);
    let vs = b.add_artificial(&native::vecstim(), &[], Some(tv)).unwrap();
    let vs2 = b
        .add_artificial(
            &native::vecstim(),
            &[],
            Some(vec![5.0, 12.0125, 12.0375, 25.5]),
        )
        .unwrap();
    let s1 = b.add_point_source(vs, None).unwrap();
    let s2 = b.add_point_source(vs2, None).unwrap();
    b.add_netcon(s1, Some(syn), vec![0.02], 1.0).unwrap();
    b.add_netcon(s2, Some(syn2), vec![0.01], 0.5).unwrap();
    b.add_point(
        cell,
        soma,
        0.5,
        &native::iclamp(),
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
        "ref_multi: max |dv| {maxdev:e} mV, {identical}/{} bit-identical, syn g max dev {gdev:e}, spikes {spikes:?}",
        nsamp * nseg
    );
    assert_eq!(spikes, want_spikes);
    assert!(maxdev <= 1e-9);
}
