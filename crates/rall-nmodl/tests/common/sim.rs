//! A one-compartment fixed-step driver (numerics doc §2.1, §2.4, §2.12) used by the golden
//! tests. One section, nseg = 1: nodes [root x=0 (area 100), centre, end x=1 (area 100)].
//! The real multi-compartment engine is rall-cable's.

use rall_nmodl::{
    memb_order, Catalogue, Ctx, EventSink, Globals, IonArrays, MechInstances, MechKind, Mechanism,
};
use serde_json::Value;
use std::collections::HashMap;

pub struct Case {
    pub name: String,
    pub json: Value,
    pub columns: Vec<String>,
    pub rows: usize,
    pub data: Vec<f64>,
}

pub fn golden_dir() -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../validation/golden/mechs")
}

pub fn load_case(name: &str) -> Case {
    let dir = golden_dir();
    let text = std::fs::read_to_string(dir.join(format!("{name}.json")))
        .unwrap_or_else(|e| panic!("golden file {name}.json missing: {e}"));
    let json: Value = serde_json::from_str(&text).unwrap();
    let bytes = std::fs::read(dir.join(format!("{name}.bin"))).unwrap();
    let data: Vec<f64> = bytes
        .chunks_exact(8)
        .map(|c| f64::from_le_bytes(c.try_into().unwrap()))
        .collect();
    let columns: Vec<String> = json["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_string())
        .collect();
    let rows = json["rows"].as_u64().unwrap() as usize;
    assert_eq!(data.len(), rows * columns.len());
    Case {
        name: name.into(),
        json,
        columns,
        rows,
        data,
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
struct Target {
    ty: usize,
    inst: usize,
}

#[derive(Debug)]
struct Event {
    time: f64,
    seq: u64,
    target: Target,
    flag: f64,
    netcon: Option<usize>,
}

struct NetCon {
    src: Target,
    dst: Target,
    delay: f64,
    weights: Vec<f64>,
}

#[derive(Default)]
struct Queue {
    events: Vec<Event>,
    seq: u64,
    spikes: HashMap<Target, Vec<f64>>,
}

struct Sink<'a> {
    q: &'a mut Queue,
    ty: usize,
    netcons: &'a [NetCon],
    netcon: Option<usize>,
}

impl EventSink for Sink<'_> {
    fn net_send(&mut self, instance: usize, time: f64, flag: f64) {
        self.q.seq += 1;
        let target = Target {
            ty: self.ty,
            inst: instance,
        };
        self.q.events.push(Event {
            time,
            seq: self.q.seq,
            target,
            flag,
            netcon: self.netcon,
        });
    }
    fn net_event(&mut self, instance: usize, time: f64) {
        let src = Target {
            ty: self.ty,
            inst: instance,
        };
        self.q.spikes.entry(src).or_default().push(time);
        for (k, nc) in self.netcons.iter().enumerate() {
            if nc.src == src {
                self.q.seq += 1;
                self.q.events.push(Event {
                    time: time + nc.delay,
                    seq: self.q.seq,
                    target: nc.dst,
                    flag: 0.0,
                    netcon: Some(k),
                });
            }
        }
    }
}

pub struct Sim {
    pub types: Vec<MechInstances>,
    pub ions: Vec<IonArrays>,
    pub v: Vec<f64>,
    area: Vec<f64>,
    diam: Vec<f64>,
    a: [f64; 3],
    b: [f64; 3],
    cm: f64,
    pub g: Globals,
    netcons: Vec<NetCon>,
    q: Queue,
    /// (type name, case tag) -> type index, instance
    pub tags: HashMap<String, Target2>,
}

#[derive(Clone, Copy, Debug)]
pub struct Target2 {
    pub ty: usize,
    pub inst: usize,
}

fn num(v: &Value) -> f64 {
    v.as_f64().unwrap()
}

impl Sim {
    pub fn new(cat: &Catalogue, case: &Value) -> Sim {
        let geom = &case["geometry"];
        let (l, diam, cm, ra) = (
            num(&geom["L"]),
            num(&geom["diam"]),
            num(&geom["cm"]),
            num(&geom["Ra"]),
        );
        let pi = std::f64::consts::PI;
        let dx = l / 1.0;
        let area = vec![100.0, pi * diam * dx, 100.0];
        let rleft = 1e-2 * ra * (dx / 2.0) / (pi * diam * diam / 4.0);
        let rinv = [0.0, 1.0 / (rleft + 0.0), 1.0 / rleft];
        let a = [
            0.0,
            -1.0e2 * 1.0 * rinv[1] / area[0],
            -1.0e2 * rinv[2] / area[1],
        ];
        let b = [0.0, -1.0e2 * rinv[1] / area[1], -1.0e2 * rinv[2] / area[2]];
        // mechanism types at the centre node (1)
        let mut list: Vec<(Mechanism, Vec<(String, Vec<(String, f64)>)>)> = vec![];
        let mut add = |m: &Mechanism, tag: String, params: Vec<(String, f64)>| {
            if let Some(e) = list.iter_mut().find(|(x, _)| x.name() == m.name()) {
                e.1.push((tag, params));
            } else {
                list.push((m.clone(), vec![(tag, params)]));
            }
        };
        let get = |n: &str| {
            cat.get(n)
                .unwrap_or_else(|| panic!("mechanism {n} not in the catalogue"))
                .clone()
        };
        let params = |v: &Value| -> Vec<(String, f64)> {
            v.as_object()
                .map(|o| o.iter().map(|(k, x)| (k.clone(), num(x))).collect())
                .unwrap_or_default()
        };
        for m in case["mechanisms"].as_array().unwrap() {
            let name = m[0].as_str().unwrap();
            add(&get(name), name.to_string(), params(&m[1]));
        }
        for ic in case["iclamp"].as_array().into_iter().flatten() {
            let p = vec![
                ("del".into(), num(&ic["delay"])),
                ("dur".into(), num(&ic["dur"])),
                ("amp".into(), num(&ic["amp"])),
            ];
            add(&get("IClamp"), "IClamp".into(), p);
        }
        if let Some(se) = case.get("seclamp") {
            add(&get("SEClamp"), "SEClamp".into(), params(se));
        }
        let mut conns = vec![];
        let syns: Vec<(&Value, bool)> = case["synapses"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|s| (s, false))
            .chain(
                case["artificial"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|s| (s, true)),
            )
            .collect();
        for (j, (s, _art)) in syns.iter().enumerate() {
            let ty = s["type"].as_str().unwrap();
            let tag = format!("{ty}_{j}");
            add(&get(ty), tag.clone(), params(&s["params"]));
            let src = &s["source"];
            let sty = src["type"].as_str().unwrap();
            let stag = format!("{tag}_source");
            add(&get(sty), stag.clone(), params(&src["params"]));
            conns.push((
                stag,
                tag,
                num(&s["delay"]),
                num(&s["weight"]),
                src["times"]
                    .as_array()
                    .map(|t| t.iter().map(num).collect::<Vec<f64>>()),
            ));
        }
        let mechs: Vec<Mechanism> = list.iter().map(|(m, _)| m.clone()).collect();
        let ordered = memb_order(&mechs);
        // ions
        let mut ion_names: Vec<String> = vec![];
        for m in &ordered {
            for u in &m.meta().ions {
                if !ion_names.contains(&u.ion) {
                    ion_names.push(u.ion.clone());
                }
            }
        }
        let mut ions: Vec<IonArrays> = ion_names
            .iter()
            .map(|n| IonArrays::new(n, None, 3))
            .collect();
        let mut types = vec![];
        let mut tags = HashMap::new();
        for m in &ordered {
            let insts = &list.iter().find(|(x, _)| x.name() == m.name()).unwrap().1;
            let slots: Vec<usize> = m
                .meta()
                .ions
                .iter()
                .map(|u| ion_names.iter().position(|n| *n == u.ion).unwrap())
                .collect();
            let nodes = vec![1usize; insts.len()];
            let mut mi = m.instantiate(&nodes, &slots);
            for (k, (tag, ps)) in insts.iter().enumerate() {
                for (pn, pv) in ps {
                    if !mi.set(pn, k, *pv) {
                        assert!(mi.set_global(pn, *pv), "{}: no parameter {pn}", m.name());
                    }
                }
                tags.insert(
                    tag.clone(),
                    Target2 {
                        ty: types.len(),
                        inst: k,
                    },
                );
                // ion style at node 1 (instances sit at node 1 unless artificial)
                if m.meta().kind != MechKind::Artificial {
                    for (u, s) in m.meta().ions.iter().zip(&slots) {
                        ions[*s].style[1] = u.style_bits(ions[*s].style[1]);
                    }
                }
            }
            types.push(mi);
        }
        // section-level ion parameters
        if let Some(o) = case.get("section_ions").and_then(|x| x.as_object()) {
            for (k, val) in o {
                let ion = k.trim_start_matches('e');
                if let Some(i) = ion_names.iter().position(|n| n == ion) {
                    ions[i].e[1] = num(val);
                }
            }
        }
        let mut netcons = vec![];
        for (stag, tag, delay, w, times) in conns {
            let s = tags[&stag];
            let d = tags[&tag];
            if let Some(times) = times {
                assert!(types[s.ty].set_play_times(s.inst, times));
            }
            let arity = types[d.ty]
                .mechanism()
                .meta()
                .net_receive_arity
                .unwrap_or(1);
            let mut weights = vec![0.0; arity];
            weights[0] = w;
            netcons.push(NetCon {
                src: Target {
                    ty: s.ty,
                    inst: s.inst,
                },
                dst: Target {
                    ty: d.ty,
                    inst: d.inst,
                },
                delay,
                weights,
            });
        }
        if let Some(o) = case.get("globals").and_then(|x| x.as_object()) {
            for (k, val) in o {
                let ok = types.iter_mut().any(|t| t.set_global(k, num(val)));
                assert!(ok, "no global {k}");
            }
        }
        let g = Globals {
            t: 0.0,
            dt: num(&case["dt"]),
            celsius: num(&case["celsius"]),
        };
        Sim {
            types,
            ions,
            v: vec![0.0; 3],
            area,
            diam: vec![diam; 3],
            a,
            b,
            cm,
            g,
            netcons,
            q: Queue::default(),
            tags,
        }
    }

    fn deliver(&mut self, tmax: f64) {
        loop {
            // earliest event (ties: first scheduled)
            let mut best: Option<usize> = None;
            for (k, e) in self.q.events.iter().enumerate() {
                if e.time <= tmax {
                    match best {
                        None => best = Some(k),
                        Some(b) => {
                            let eb = &self.q.events[b];
                            if e.time < eb.time || (e.time == eb.time && e.seq < eb.seq) {
                                best = Some(k)
                            }
                        }
                    }
                }
            }
            let Some(k) = best else { break };
            let ev = self.q.events.remove(k);
            let tsave = self.g.t;
            self.g.t = ev.time;
            let mut w = match ev.netcon {
                Some(nc) => std::mem::take(&mut self.netcons[nc].weights),
                None => vec![0.0; 1],
            };
            {
                let mut rhs = vec![0.0; 3];
                let mut d = vec![0.0; 3];
                let mut ctx = Ctx {
                    v: &self.v,
                    rhs: &mut rhs,
                    d: &mut d,
                    area: &self.area,
                    diam: &self.diam,
                    ions: &mut self.ions,
                    globals: self.g,
                };
                let mut sink = Sink {
                    q: &mut self.q,
                    ty: ev.target.ty,
                    netcons: &self.netcons,
                    netcon: ev.netcon,
                };
                self.types[ev.target.ty]
                    .net_receive(&mut ctx, ev.target.inst, &mut w, ev.flag, &mut sink)
                    .unwrap();
            }
            if let Some(nc) = ev.netcon {
                self.netcons[nc].weights = w;
            }
            self.g.t = tsave;
        }
    }

    fn currents(&mut self, rhs: &mut [f64], d: &mut [f64]) {
        rhs.fill(0.0);
        d.fill(0.0);
        let mut ions_done = false;
        for k in 0..self.types.len() {
            let is_pas = self.types[k].mechanism().name() == "pas";
            if !is_pas && !ions_done {
                for ion in self.ions.iter_mut() {
                    if ion.style[1] != 0 {
                        ion.cur_node(1, self.g.celsius);
                    }
                }
                ions_done = true;
            }
            let mut ctx = Ctx {
                v: &self.v,
                rhs,
                d,
                area: &self.area,
                diam: &self.diam,
                ions: &mut self.ions,
                globals: self.g,
            };
            self.types[k].current(&mut ctx).unwrap();
        }
        if !ions_done {
            for ion in self.ions.iter_mut() {
                if ion.style[1] != 0 {
                    ion.cur_node(1, self.g.celsius);
                }
            }
        }
    }

    pub fn finitialize(&mut self, v_init: f64) {
        self.g.t = 0.0;
        self.v.fill(v_init);
        for ion in self.ions.iter_mut() {
            if ion.style[1] != 0 {
                ion.init_node(1, self.g.celsius);
            }
        }
        let mut rhs = vec![0.0; 3];
        let mut d = vec![0.0; 3];
        for k in 0..self.types.len() {
            let mut ctx = Ctx {
                v: &self.v,
                rhs: &mut rhs,
                d: &mut d,
                area: &self.area,
                diam: &self.diam,
                ions: &mut self.ions,
                globals: self.g,
            };
            let mut sink = Sink {
                q: &mut self.q,
                ty: k,
                netcons: &self.netcons,
                netcon: None,
            };
            self.types[k].init(&mut ctx, &mut sink).unwrap();
        }
        for nc in 0..self.netcons.len() {
            let dst = self.netcons[nc].dst;
            if self.types[dst.ty].mechanism().meta().net_receive_has_init {
                let mut w = std::mem::take(&mut self.netcons[nc].weights);
                let mut ctx = Ctx {
                    v: &self.v,
                    rhs: &mut rhs,
                    d: &mut d,
                    area: &self.area,
                    diam: &self.diam,
                    ions: &mut self.ions,
                    globals: self.g,
                };
                self.types[dst.ty]
                    .net_receive_init(&mut ctx, dst.inst, &mut w)
                    .unwrap();
                self.netcons[nc].weights = w;
            }
        }
        self.deliver(0.0);
        self.currents(&mut rhs, &mut d);
    }

    pub fn fadvance(&mut self) {
        let dt = self.g.dt;
        self.deliver(self.g.t + 0.5 * dt);
        self.g.t += 0.5 * dt;
        let mut rhs = vec![0.0; 3];
        let mut d = vec![0.0; 3];
        self.currents(&mut rhs, &mut d);
        let parent = [usize::MAX, 0, 1];
        for i in 1..3 {
            let p = parent[i];
            let dv = self.v[p] - self.v[i];
            rhs[i] -= self.b[i] * dv;
            rhs[p] += self.a[i] * dv;
        }
        d[1] += (0.001 * (1.0 / dt)) * self.cm;
        for i in 1..3 {
            d[i] -= self.b[i];
            d[parent[i]] -= self.a[i];
        }
        for i in [2usize, 1] {
            let p = self.a[i] / d[i];
            let pi = parent[i];
            d[pi] -= p * self.b[i];
            rhs[pi] -= p * rhs[i];
        }
        rhs[0] /= d[0];
        for i in 1..3 {
            rhs[i] -= self.b[i] * rhs[parent[i]];
            rhs[i] /= d[i];
        }
        for i in 0..3 {
            self.v[i] += rhs[i];
        }
        self.g.t += 0.5 * dt;
        for k in 0..self.types.len() {
            let mut ctx = Ctx {
                v: &self.v,
                rhs: &mut rhs,
                d: &mut d,
                area: &self.area,
                diam: &self.diam,
                ions: &mut self.ions,
                globals: self.g,
            };
            self.types[k].state(&mut ctx).unwrap();
        }
    }

    pub fn spikes(&self, tag: &str) -> Vec<f64> {
        let t = self.tags[tag];
        self.q
            .spikes
            .get(&Target {
                ty: t.ty,
                inst: t.inst,
            })
            .cloned()
            .unwrap_or_default()
    }

    /// Value of a golden column.
    pub fn column(&self, col: &str) -> f64 {
        match col {
            "t" => return self.g.t,
            "v" => return self.v[1],
            _ => {}
        }
        if let Some((tag, var)) = col.split_once('.') {
            let t = self.tags[tag];
            return self.types[t.ty]
                .get(var, t.inst)
                .unwrap_or_else(|| panic!("no {var} in {tag}"));
        }
        if col == "i_SEClamp" {
            let t = self.tags["SEClamp"];
            return self.types[t.ty].get("i", t.inst).unwrap();
        }
        for ion in &self.ions {
            let n = &ion.name;
            if col == format!("e{n}") {
                return ion.e[1];
            } else if col == format!("{n}i") {
                return ion.ci[1];
            } else if col == format!("{n}o") {
                return ion.co[1];
            } else if col == format!("i{n}") {
                return ion.i[1];
            }
        }
        for ty in &self.types {
            let name = ty.mechanism().name();
            if let Some(var) = col.strip_suffix(&format!("_{name}")) {
                if let Some(v) = ty.get(var, 0) {
                    return v;
                }
            }
        }
        panic!("unknown golden column {col}")
    }
}

/// Run a golden case; returns per-column max |diff| and the number of bit-identical samples.
pub fn run_case(cat: &Catalogue, case: &Case) -> Vec<(String, f64, usize)> {
    let mut sim = Sim::new(cat, &case.json);
    sim.finitialize(num(&case.json["v_init"]));
    let nc = case.columns.len();
    let consts: Vec<(String, f64)> = case.json["constants"]
        .as_object()
        .map(|o| o.iter().map(|(k, v)| (k.clone(), num(v))).collect())
        .unwrap_or_default();
    let mut cmax = vec![0.0f64; consts.len()];
    let mut csame = vec![0usize; consts.len()];
    let mut maxd = vec![0.0f64; nc];
    let mut same = vec![0usize; nc];
    for r in 0..case.rows {
        if r > 0 {
            sim.fadvance();
        }
        for (c, col) in case.columns.iter().enumerate() {
            let ours = sim.column(col);
            let theirs = case.data[r * nc + c];
            let d = (ours - theirs).abs();
            if d.is_nan() || ours.is_nan() != theirs.is_nan() {
                maxd[c] = f64::INFINITY;
            } else {
                maxd[c] = maxd[c].max(d);
            }
            if ours.to_bits() == theirs.to_bits() {
                same[c] += 1;
            }
        }
        for (c, (col, theirs)) in consts.iter().enumerate() {
            let ours = sim.column(col);
            let d = (ours - theirs).abs();
            cmax[c] = if d.is_nan() {
                f64::INFINITY
            } else {
                cmax[c].max(d)
            };
            if ours.to_bits() == theirs.to_bits() {
                csame[c] += 1;
            }
        }
    }
    // event times (spike outputs)
    let mut out: Vec<(String, f64, usize)> = case
        .columns
        .iter()
        .cloned()
        .zip(maxd)
        .zip(same)
        .map(|((a, b), c)| (a, b, c))
        .collect();
    for (k, (col, _)) in consts.iter().enumerate() {
        out.push((format!("{col} (constant)"), cmax[k], csame[k]));
    }
    if let Some(ev) = case.json["events"].as_object() {
        for (tag, times) in ev {
            let theirs: Vec<f64> = times.as_array().unwrap().iter().map(num).collect();
            let ours = sim.spikes(tag);
            let mut d = if ours.len() == theirs.len() {
                0.0f64
            } else {
                f64::INFINITY
            };
            if ours.len() == theirs.len() {
                for (a, b) in ours.iter().zip(&theirs) {
                    d = d.max((a - b).abs());
                }
            }
            out.push((format!("events:{tag}"), d, ours.len()));
        }
    }
    out
}
