//! Semantic analysis and lowering: from the syntax tree to VM kernels that reproduce nocmodl's
//! translation (numerics doc §2.2, §2.6–§2.10).

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use crate::ast::*;
use crate::error::{Loc, NmodlError};
use crate::runtime::{
    Backend, GlobalInfo, IonUseInfo, MechInner, MechKind, MechMeta, Mechanism, RangeVarInfo,
    VarRole,
};
use crate::symb;
use crate::vm::{
    Compiled, ImplicitSys, IonField, Kernel, KineticSys, LinearSys, Op, Reaction, Reg, Special,
    TableDef, F1, F2,
};

/// Compile one mechanism from NMODL text (not a built-in).
pub fn compile(file: &str, text: &str) -> Result<Mechanism, NmodlError> {
    compile_with(file, text, false, 0)
}

/// Analyse NMODL text and return its metadata without building kernels' back end.
pub fn analyse(file: &str, text: &str) -> Result<Mechanism, NmodlError> {
    compile(file, text)
}

pub(crate) fn compile_with(
    file: &str,
    text: &str,
    builtin: bool,
    rank: usize,
) -> Result<Mechanism, NmodlError> {
    let prog = crate::parser::parse(file, text)?;
    let base = std::path::Path::new(file)
        .file_name()
        .map(|s| s.to_string_lossy().to_string());
    let sema = Sema::new(file, &prog)?;
    let mut meta = sema.meta(builtin, rank, if builtin { None } else { base });
    // VecStim idiom (vecevent.mod): native implementation
    if sema.kind == MechKind::Artificial && sema.name == "VecStim" && sema.is_vecstim_idiom() {
        meta.range
            .retain(|r| r.name == "index" || r.name == "etime");
        return Ok(Mechanism(Arc::new(MechInner {
            meta,
            backend: Backend::VecStim,
        })));
    }
    sema.check_verbatim()?;
    let compiled = sema.lower()?;
    Ok(Mechanism(Arc::new(MechInner {
        meta,
        backend: Backend::Vm(Box::new(compiled)),
    })))
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Store {
    Col(usize),
    Glob(usize),
}

struct IonVar {
    slot: usize,
    field: IonField,
    col: usize,
    read: bool,
    write: bool,
}

pub(crate) struct Sema<'p> {
    file: String,
    prog: &'p Program,
    pub(crate) name: String,
    pub(crate) kind: MechKind,
    range: Vec<RangeVarInfo>,
    globals: Vec<GlobalInfo>,
    /// name -> (store, array length)
    vars: HashMap<String, (Store, usize)>,
    ions: Vec<IonUseInfo>,
    ion_vars: HashMap<String, IonVar>,
    consts: HashMap<String, f64>,
    currents: Vec<String>,
    electrode: bool,
    states: Vec<String>,
    out: std::cell::RefCell<Systems>,
}

#[derive(Default)]
struct Systems {
    kinetic: Vec<KineticSys>,
    linear: Vec<LinearSys>,
    implicit: Vec<ImplicitSys>,
    tables: Vec<TableDef>,
    table_ids: HashMap<String, u32>,
    nregs: usize,
}

fn neuron_units_constant(units: &[String]) -> Option<f64> {
    // NEURON 9 (nrnunits.lib, modern values): ratio of the first unit to the second
    let first = units.first()?.as_str();
    let second = units.get(1).map(|s| s.as_str()).unwrap_or("");
    let f = 1.602176634e-19 * 6.02214076e+23;
    let r = 1.380649e-23 * 6.02214076e+23;
    Some(match (first, second) {
        ("faraday", "coulomb")
        | ("faraday", "coulombs")
        | ("faraday", "coul")
        | ("faraday", "C") => f,
        ("faraday", "kilocoulombs") | ("faraday", "kilocoulomb") => f / 1000.0,
        ("faraday", "") => f,
        ("k-mole", "joule/degC") | ("k-mole", "joule/degK") | ("k-mole", "") => r,
        ("e", "coulombs") | ("e", "coulomb") | ("e", "") => 1.602176634e-19,
        ("k", "joule/degC") | ("boltzmann", "joule/degC") => 1.380649e-23,
        ("avogadro", "") | ("avogadro", "/mole") => 6.02214076e+23,
        _ => return None,
    })
}

impl<'p> Sema<'p> {
    fn loc(&self, p: Pos) -> Loc {
        Loc {
            file: self.file.clone(),
            line: p.line,
            col: p.col,
        }
    }
    fn err<T>(&self, p: Pos, msg: impl Into<String>) -> Result<T, NmodlError> {
        Err(NmodlError::Semantic {
            loc: self.loc(p),
            msg: msg.into(),
        })
    }

    fn new(file: &str, prog: &'p Program) -> Result<Sema<'p>, NmodlError> {
        let mut s = Sema {
            file: file.to_string(),
            prog,
            name: String::new(),
            kind: MechKind::Density,
            range: vec![],
            globals: vec![],
            vars: HashMap::new(),
            ions: vec![],
            ion_vars: HashMap::new(),
            consts: HashMap::new(),
            currents: prog.neuron.current_order.clone(),
            electrode: !prog.neuron.electrode.is_empty(),
            states: vec![],
            out: Default::default(),
        };
        let Some((kw, name, _)) = &prog.neuron.kind else {
            return s.err(
                Pos { line: 1, col: 1 },
                "no SUFFIX, POINT_PROCESS or ARTIFICIAL_CELL in the NEURON block",
            );
        };
        s.name = name.clone();
        s.kind = match kw.as_str() {
            "SUFFIX" => MechKind::Density,
            "POINT_PROCESS" => MechKind::Point,
            _ => MechKind::Artificial,
        };
        if let Some((n, p)) = prog.neuron.pointer.first() {
            return s.err(
                *p,
                format!("POINTER/BBCOREPOINTER `{n}` is not supported yet"),
            );
        }
        s.consts.insert("PI".into(), std::f64::consts::PI);
        s.consts.insert("FARADAY".into(), crate::runtime::FARADAY);
        s.consts.insert("R".into(), crate::runtime::GAS_CONSTANT);
        for u in &prog.units {
            if u.name.starts_with('(') {
                continue;
            }
            let v = match u.value {
                Some(v) => v,
                None => match neuron_units_constant(&u.units) {
                    Some(v) => v,
                    None => {
                        return s.err(
                            u.pos,
                            format!(
                                "unknown unit constant `{}` = ({})",
                                u.name,
                                u.units.join(") (")
                            ),
                        )
                    }
                },
            };
            s.consts.insert(u.name.clone(), v);
        }
        for c in &prog.constants {
            if let Some(v) = c.value {
                s.consts.insert(c.name.clone(), v);
            }
        }
        let special = |n: &str| matches!(n, "v" | "t" | "dt" | "celsius" | "area" | "diam");
        // ions
        let mut ion_names: Vec<String> = vec![];
        for (slot, u) in prog.neuron.useions.iter().enumerate() {
            s.ions.push(IonUseInfo {
                ion: u.ion.clone(),
                reads: u.read.clone(),
                writes: u.write.clone(),
                valence: u.valence,
            });
            for (list, is_write) in [(&u.read, false), (&u.write, true)] {
                for n in list {
                    let field = if *n == format!("e{}", u.ion) {
                        IonField::E
                    } else if *n == format!("{}i", u.ion) {
                        IonField::Ci
                    } else if *n == format!("{}o", u.ion) {
                        IonField::Co
                    } else if *n == format!("i{}", u.ion) {
                        IonField::I
                    } else {
                        return s.err(u.pos, format!("`{n}` is not a variable of ion `{}`", u.ion));
                    };
                    if let Some(iv) = s.ion_vars.get_mut(n) {
                        if is_write {
                            iv.write = true;
                        } else {
                            iv.read = true;
                        }
                    } else {
                        s.ion_vars.insert(
                            n.clone(),
                            IonVar {
                                slot,
                                field,
                                col: 0,
                                read: !is_write,
                                write: is_write,
                            },
                        );
                        ion_names.push(n.clone());
                    }
                }
            }
        }
        let is_range_listed = |n: &str| prog.neuron.range.iter().any(|r| r == n);
        let is_global_listed = |n: &str| prog.neuron.global.iter().any(|r| r == n);
        let add_range = |s: &mut Sema, d: &VarDecl, role: VarRole, public: bool| {
            let len = d.len.unwrap_or(1);
            let col = s.range.len();
            for k in 0..len {
                let name = if d.len.is_some() {
                    format!("{}[{k}]", d.name)
                } else {
                    d.name.clone()
                };
                s.range.push(RangeVarInfo {
                    name,
                    role,
                    default: d.value.unwrap_or(0.0),
                    units: d.units.clone(),
                    public,
                });
            }
            s.vars.insert(d.name.clone(), (Store::Col(col), len));
        };
        let add_global = |s: &mut Sema, d: &VarDecl| {
            let len = d.len.unwrap_or(1);
            let g = s.globals.len();
            for k in 0..len {
                let name = if d.len.is_some() {
                    format!("{}[{k}]", d.name)
                } else {
                    d.name.clone()
                };
                s.globals.push(GlobalInfo {
                    name,
                    default: d.value.unwrap_or(0.0),
                    units: d.units.clone(),
                    assigned: false,
                });
            }
            s.vars.insert(d.name.clone(), (Store::Glob(g), len));
        };
        for d in &prog.parameters {
            if special(&d.name) || s.ion_vars.contains_key(&d.name) || s.vars.contains_key(&d.name)
            {
                continue;
            }
            if is_range_listed(&d.name) && !is_global_listed(&d.name) {
                add_range(&mut s, d, VarRole::Parameter, true);
            } else {
                add_global(&mut s, d);
            }
        }
        for d in &prog.assigned {
            if special(&d.name) || s.ion_vars.contains_key(&d.name) || s.vars.contains_key(&d.name)
            {
                continue;
            }
            if is_global_listed(&d.name) {
                add_global(&mut s, d);
                if let Some((Store::Glob(g), len)) = s.vars.get(&d.name).copied() {
                    for k in 0..len {
                        s.globals[g + k].assigned = true;
                    }
                }
            } else {
                let public = is_range_listed(&d.name) || s.currents.contains(&d.name);
                add_range(&mut s, d, VarRole::Assigned, public);
            }
        }
        for d in &prog.states {
            s.states.push(d.name.clone());
            if s.ion_vars.contains_key(&d.name) || s.vars.contains_key(&d.name) {
                continue;
            }
            add_range(&mut s, d, VarRole::State, true);
        }
        // ion variables get their own columns (nocmodl keeps a copy per instance)
        for n in ion_names {
            let decl_role = if prog.states.iter().any(|d| d.name == n) {
                VarRole::State
            } else {
                VarRole::Assigned
            };
            let units = prog
                .parameters
                .iter()
                .chain(&prog.assigned)
                .chain(&prog.states)
                .find(|d| d.name == n)
                .and_then(|d| d.units.clone());
            let col = s.range.len();
            s.range.push(RangeVarInfo {
                name: n.clone(),
                role: decl_role,
                default: 0.0,
                units,
                public: is_range_listed(&n) || s.currents.contains(&n),
            });
            s.vars.insert(n.clone(), (Store::Col(col), 1));
            s.ion_vars.get_mut(&n).unwrap().col = col;
        }
        // currents that were not declared
        for c in s.currents.clone() {
            if !s.vars.contains_key(&c) {
                let col = s.range.len();
                s.range.push(RangeVarInfo {
                    name: c.clone(),
                    role: VarRole::Assigned,
                    default: 0.0,
                    units: None,
                    public: true,
                });
                s.vars.insert(c.clone(), (Store::Col(col), 1));
            }
        }
        // TABLE users get NEURON's usetable_<suffix> switch (default 1)
        let has_table = prog
            .procedures
            .iter()
            .chain(&prog.functions)
            .any(|c| c.body.iter().any(|st| matches!(st, Stmt::Table { .. })));
        if has_table && !s.vars.contains_key("usetable") {
            let d = VarDecl {
                name: "usetable".into(),
                len: None,
                value: Some(1.0),
                units: None,
                pos: Pos::default(),
            };
            add_global(&mut s, &d);
        }
        // top-level LOCALs are per-type statics
        for (n, len) in &prog.locals {
            let d = VarDecl {
                name: n.clone(),
                len: *len,
                value: None,
                units: None,
                pos: Pos::default(),
            };
            add_global(&mut s, &d);
        }
        Ok(s)
    }

    fn meta(&self, builtin: bool, rank: usize, file: Option<String>) -> MechMeta {
        let mut methods = vec![];
        if let Some((bp, _)) = &self.prog.breakpoint {
            for st in bp {
                if let Stmt::Solve {
                    method,
                    steadystate,
                    name,
                    ..
                } = st
                {
                    methods.push(
                        method
                            .clone()
                            .or(steadystate.clone())
                            .unwrap_or_else(|| format!("procedure {name}")),
                    );
                }
            }
        }
        let nr = self.prog.net_receive.as_ref();
        MechMeta {
            name: self.name.clone(),
            kind: self.kind,
            range: self.range.clone(),
            globals: self.globals.clone(),
            ions: self.ions.clone(),
            nonspecific: self.prog.neuron.nonspecific.clone(),
            electrode: self.prog.neuron.electrode.clone(),
            writes_conc: self.ions.iter().any(|i| i.writes_conc()),
            net_receive_arity: nr.map(|c| c.args.len()),
            net_receive_has_init: nr.is_some_and(|c| find_initial(&c.body).is_some()),
            solve_methods: methods,
            builtin,
            rank,
            file,
        }
    }

    fn is_vecstim_idiom(&self) -> bool {
        let all: String = self
            .prog
            .procedures
            .iter()
            .flat_map(|p| p.body.iter())
            .filter_map(|s| {
                if let Stmt::Verbatim(t, _) = s {
                    Some(t.as_str())
                } else {
                    None
                }
            })
            .collect();
        all.contains("vector_vec") || all.contains("vector_arg")
    }

    fn check_verbatim(&self) -> Result<(), NmodlError> {
        if let Some((what, p)) = self.prog.other_blocks.first() {
            return self.err(*p, format!("{what} blocks are not supported yet"));
        }
        for (t, p) in &self.prog.verbatims {
            let ok = t.lines().all(|l| {
                let l = l.trim();
                l.is_empty()
                    || l.starts_with("extern ")
                    || l.starts_with("#include")
                    || l.starts_with("//")
            });
            if !ok {
                return self.err(*p, "VERBATIM block with C code is not supported (only extern declarations and `return 0;` are recognised); rewrite it in NMODL");
            }
        }
        Ok(())
    }

    fn callable(&self, name: &str) -> Option<(&'p Callable, bool)> {
        if let Some(c) = self.prog.procedures.iter().find(|c| c.name == name) {
            return Some((c, false));
        }
        self.prog
            .functions
            .iter()
            .find(|c| c.name == name)
            .map(|c| (c, true))
    }

    #[allow(clippy::too_many_arguments)]
    fn build_table(
        &self,
        c: &Callable,
        is_fn: bool,
        vars: &[String],
        depend: &[String],
        lo: &Expr,
        hi: &Expr,
        n: &Expr,
        pos: Pos,
    ) -> Result<u32, NmodlError> {
        let mut depend_globals = vec![];
        let mut depend_celsius = false;
        let mut depend_dt = false;
        for d in depend {
            match d.as_str() {
                "celsius" => depend_celsius = true,
                "dt" => depend_dt = true,
                _ => match self.vars.get(d) {
                    Some((Store::Glob(g), _)) => depend_globals.push(*g as u32),
                    _ => {
                        return self.err(
                            pos,
                            format!("TABLE DEPEND `{d}` must be a GLOBAL, celsius or dt"),
                        )
                    }
                },
            }
        }
        // body
        let mut g = Gen::new(self, KKind::TableBody);
        g.prologue_common()?;
        g.no_table = Some(c.name.clone());
        let arg = g.perm();
        let mut sc = HashMap::new();
        sc.insert(c.args[0].clone(), arg);
        let ret = if is_fn {
            let r = g.perm();
            sc.insert(c.name.clone(), r);
            Some(r)
        } else {
            None
        };
        g.scopes = vec![sc];
        g.call_stack.push(c.name.clone());
        g.stmts(&c.body)?;
        g.call_stack.pop();
        let mut body_outs = vec![];
        if let Some(r) = ret {
            body_outs.push(r);
        } else {
            for v in vars {
                let r = g.rvalue(v, None, pos)?;
                body_outs.push(r);
            }
        }
        let (body, n1) = g.finish();
        let mut b = Gen::new(self, KKind::TableBody);
        b.prologue_common()?;
        let mut regs = [0; 3];
        for (k, e) in [lo, hi, n].into_iter().enumerate() {
            let r = b.expr(e)?;
            let pr = b.perm();
            b.body.push(Op::Mov(pr, r));
            regs[k] = pr;
        }
        let (bounds, n2) = b.finish();
        let mut out = self.out.borrow_mut();
        out.nregs = out.nregs.max(n1).max(n2);
        let id = out.tables.len() as u32;
        out.tables.push(TableDef {
            body,
            arg,
            body_outs,
            bounds,
            bounds_regs: regs,
            depend_globals,
            depend_celsius,
            depend_dt,
        });
        out.table_ids.insert(c.name.clone(), id);
        Ok(id)
    }

    fn lower(&self) -> Result<Compiled, NmodlError> {
        let mut comp = Compiled {
            name: self.name.clone(),
            artificial: self.kind == MechKind::Artificial,
            ..Default::default()
        };
        let mut nregs = 0usize;
        // INITIAL
        {
            let mut g = Gen::new(self, KKind::Init);
            g.prologue_common()?;
            // states = s0 (0) for non-ion states
            for st in &self.states {
                if self.ion_vars.contains_key(st) {
                    continue;
                }
                if let Some((Store::Col(c), len)) = self.vars.get(st).copied() {
                    for k in 0..len {
                        let r = g.col_reg(c + k);
                        let z = g.konst(0.0);
                        g.body.push(Op::Mov(r, z));
                        g.dirty_cols.insert(c + k);
                    }
                }
            }
            if let Some((body, _)) = &self.prog.initial {
                g.stmts(body)?;
            }
            g.epilogue_init();
            let (k, n) = g.finish();
            nregs = nregs.max(n);
            comp.init = k;
        }
        // current
        if !self.currents.is_empty() && self.kind != MechKind::Artificial {
            let mut g = Gen::new(self, KKind::Current);
            g.prologue_common()?;
            let v0 = g.v0;
            let c001 = g.konst(0.001);
            let vr = g.v_reg;
            g.body.push(Op::Add(vr, v0, c001));
            let bp = self
                .prog
                .breakpoint
                .as_ref()
                .map(|b| &b.0[..])
                .unwrap_or(&[]);
            g.scopes.push(HashMap::new());
            g.stmts(bp)?;
            g.scopes.pop();
            let cur_hi = g.sum_currents()?;
            // save written ion currents
            let mut saved = vec![];
            for c in &self.currents {
                if let Some(iv) = self.ion_vars.get(c) {
                    let r = g.perm();
                    let src = g.col_reg(iv.col);
                    g.body.push(Op::Mov(r, src));
                    saved.push((iv.slot, iv.col, r));
                }
            }
            g.body.push(Op::Mov(vr, v0));
            g.scopes.push(HashMap::new());
            g.stmts(bp)?;
            g.scopes.pop();
            let cur = g.sum_currents()?;
            let point = self.kind == MechKind::Point;
            let area = if point {
                let a = g.perm();
                g.prologue.push(Op::LdArea(a));
                Some(a)
            } else {
                None
            };
            let c100 = g.konst(1.0e2);
            for (slot, col, sr) in &saved {
                let ir = g.col_reg(*col);
                let t1 = g.perm();
                g.body.push(Op::Sub(t1, *sr, ir));
                g.body.push(Op::Div(t1, t1, c001));
                if let Some(a) = area {
                    g.body.push(Op::Mul(t1, t1, c100));
                    g.body.push(Op::Div(t1, t1, a));
                }
                g.body.push(Op::AddIon(*slot as u32, IonField::DiDv, t1));
            }
            let gg = g.perm();
            g.body.push(Op::Sub(gg, cur_hi, cur));
            g.body.push(Op::Div(gg, gg, c001));
            for (slot, col, _) in &saved {
                let ir = g.col_reg(*col);
                if let Some(a) = area {
                    let t1 = g.perm();
                    g.body.push(Op::Mul(t1, ir, c100));
                    g.body.push(Op::Div(t1, t1, a));
                    g.body.push(Op::AddIon(*slot as u32, IonField::I, t1));
                } else {
                    g.body.push(Op::AddIon(*slot as u32, IonField::I, ir));
                }
            }
            if let Some(a) = area {
                let mf = g.perm();
                g.body.push(Op::Div(mf, c100, a));
                g.body.push(Op::Mul(gg, gg, mf));
                g.body.push(Op::Mul(cur, cur, mf));
            }
            if self.electrode {
                g.body.push(Op::AccRhs(cur, 1.0));
                g.body.push(Op::AccD(gg, -1.0));
            } else {
                g.body.push(Op::AccRhs(cur, -1.0));
                g.body.push(Op::AccD(gg, 1.0));
            }
            g.epilogue_plain();
            let (k, n) = g.finish();
            nregs = nregs.max(n);
            comp.current = Some(k);
        }
        // state
        if let Some((bp, _)) = &self.prog.breakpoint {
            let solves: Vec<&Stmt> = bp
                .iter()
                .filter(|s| matches!(s, Stmt::Solve { .. }))
                .collect();
            // without currents, nocmodl runs the other BREAKPOINT statements in nrn_state,
            // after the SOLVEs
            let rest: Vec<Stmt> = if self.currents.is_empty() {
                bp.iter()
                    .filter(|s| !matches!(s, Stmt::Solve { .. }))
                    .cloned()
                    .collect()
            } else {
                vec![]
            };
            if (!solves.is_empty() || !rest.is_empty()) && self.kind != MechKind::Artificial {
                let mut g = Gen::new(self, KKind::State);
                g.prologue_common()?;
                for s in solves {
                    g.solve(s)?;
                }
                g.scopes.push(HashMap::new());
                g.stmts(&rest)?;
                g.scopes.pop();
                g.epilogue_state();
                let (k, n) = g.finish();
                nregs = nregs.max(n);
                comp.state = Some(k);
            }
        }
        // NET_RECEIVE
        if let Some(nr) = &self.prog.net_receive {
            let mut g = Gen::new(self, KKind::NetReceive);
            g.prologue_common()?;
            let mut sc = HashMap::new();
            for (k, a) in nr.args.iter().enumerate() {
                let r = g.perm();
                g.prologue.push(Op::LdW(r, k as u32));
                sc.insert(a.clone(), r);
                g.weights.push((a.clone(), r));
            }
            g.scopes.push(sc.clone());
            let body: Vec<Stmt> = nr
                .body
                .iter()
                .filter(|s| !is_initial_block(s))
                .cloned()
                .collect();
            g.stmts(&body)?;
            g.scopes.pop();
            for (k, (_, r)) in g.weights.clone().iter().enumerate() {
                g.body.push(Op::StW(k as u32, *r));
            }
            g.epilogue_plain();
            let (k, n) = g.finish();
            nregs = nregs.max(n);
            comp.net_receive = Some(k);
            if let Some(init) = find_initial(&nr.body) {
                let mut g = Gen::new(self, KKind::NetReceive);
                g.prologue_common()?;
                for (k, a) in nr.args.iter().enumerate() {
                    let r = g.perm();
                    g.prologue.push(Op::LdW(r, k as u32));
                    sc.insert(a.clone(), r);
                    g.weights.push((a.clone(), r));
                }
                g.scopes.push(sc);
                g.stmts(init)?;
                g.scopes.pop();
                for (k, (_, r)) in g.weights.clone().iter().enumerate() {
                    g.body.push(Op::StW(k as u32, *r));
                }
                g.epilogue_plain();
                let (k, n) = g.finish();
                nregs = nregs.max(n);
                comp.net_receive_init = Some(k);
            }
        }
        let out = std::mem::take(&mut *self.out.borrow_mut());
        comp.kinetic = out.kinetic;
        comp.linear = out.linear;
        comp.implicit = out.implicit;
        comp.tables = out.tables;
        comp.nregs = nregs.max(out.nregs);
        comp.build_scalar();
        Ok(comp)
    }
}

fn is_initial_block(s: &Stmt) -> bool {
    matches!(s, Stmt::Initial(..))
}

fn find_initial(body: &[Stmt]) -> Option<&[Stmt]> {
    body.iter().find_map(|s| {
        if let Stmt::Initial(b, _) = s {
            Some(&b[..])
        } else {
            None
        }
    })
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum KKind {
    Init,
    Current,
    State,
    NetReceive,
    TableBody,
}

const TEMP: Reg = 1 << 30;

struct Gen<'s, 'p> {
    s: &'s Sema<'p>,
    kind: KKind,
    prologue: Vec<Op>,
    body: Vec<Op>,
    epilogue: Vec<Op>,
    consts: Vec<(Reg, f64)>,
    const_map: HashMap<u64, Reg>,
    specials: Vec<(Reg, Special)>,
    special_map: HashMap<u8, Reg>,
    nperm: Reg,
    ntemp: Reg,
    maxtemp: Reg,
    scopes: Vec<HashMap<String, Reg>>,
    col_regs: HashMap<usize, Reg>,
    dirty_cols: BTreeSet<usize>,
    glob_regs: HashMap<usize, Reg>,
    dirty_globs: BTreeSet<usize>,
    v0: Reg,
    v_reg: Reg,
    area_reg: Option<Reg>,
    diam_reg: Option<Reg>,
    mask: Option<Reg>,
    call_stack: Vec<String>,
    weights: Vec<(String, Reg)>,
    /// when generating a table body: the table's callable is computed, not looked up
    no_table: Option<String>,
    sub_kernels: Vec<(usize, Vec<Op>)>,
    /// FROM iterations unrolled so far (bounded)
    unrolled: usize,
}

type GR<T> = Result<T, NmodlError>;

impl<'s, 'p> Gen<'s, 'p> {
    fn new(s: &'s Sema<'p>, kind: KKind) -> Self {
        let mut g = Gen {
            s,
            kind,
            prologue: vec![],
            body: vec![],
            epilogue: vec![],
            consts: vec![],
            const_map: HashMap::new(),
            specials: vec![],
            special_map: HashMap::new(),
            nperm: 0,
            ntemp: 0,
            maxtemp: 0,
            scopes: vec![HashMap::new()],
            col_regs: HashMap::new(),
            dirty_cols: BTreeSet::new(),
            glob_regs: HashMap::new(),
            dirty_globs: BTreeSet::new(),
            v0: 0,
            v_reg: 0,
            area_reg: None,
            diam_reg: None,
            mask: None,
            call_stack: vec![],
            weights: vec![],
            no_table: None,
            sub_kernels: vec![],
            unrolled: 0,
        };
        g.v0 = g.perm();
        g.v_reg = g.perm();
        g
    }
    fn err<T>(&self, p: Pos, msg: impl Into<String>) -> GR<T> {
        self.s.err(p, msg)
    }
    fn perm(&mut self) -> Reg {
        self.nperm += 1;
        self.nperm - 1
    }
    fn temp(&mut self) -> Reg {
        self.ntemp += 1;
        self.maxtemp = self.maxtemp.max(self.ntemp);
        TEMP + self.ntemp - 1
    }
    fn konst(&mut self, v: f64) -> Reg {
        if let Some(r) = self.const_map.get(&v.to_bits()) {
            return *r;
        }
        let r = self.perm();
        self.consts.push((r, v));
        self.const_map.insert(v.to_bits(), r);
        r
    }
    fn special(&mut self, sp: Special) -> Reg {
        let key = sp as u8;
        if let Some(r) = self.special_map.get(&key) {
            return *r;
        }
        let r = self.perm();
        self.specials.push((r, sp));
        self.special_map.insert(key, r);
        r
    }
    fn col_reg(&mut self, c: usize) -> Reg {
        if let Some(r) = self.col_regs.get(&c) {
            return *r;
        }
        let r = self.perm();
        self.prologue.push(Op::LdCol(r, c as u32));
        self.col_regs.insert(c, r);
        r
    }
    fn glob_reg(&mut self, g: usize) -> Reg {
        if let Some(r) = self.glob_regs.get(&g) {
            return *r;
        }
        let r = self.perm();
        self.prologue.push(Op::LdGlob(r, g as u32));
        self.glob_regs.insert(g, r);
        r
    }

    /// Load v and copy ion variables in (what nocmodl does at the top of every kernel).
    fn prologue_common(&mut self) -> GR<()> {
        let art = self.s.kind == MechKind::Artificial;
        if !art && self.kind != KKind::TableBody {
            self.prologue.push(Op::LdV(self.v0));
        }
        let (v0, vr) = (self.v0, self.v_reg);
        if self.kind != KKind::Current {
            // the current kernel sets v itself (v + 0.001, then v)
            self.prologue.push(Op::Mov(vr, v0));
        }
        if art || self.kind == KKind::TableBody {
            return Ok(());
        }
        let mut ivs: Vec<(&String, &IonVar)> = self.s.ion_vars.iter().collect();
        ivs.sort_by_key(|(_, iv)| iv.col);
        for (_, iv) in ivs {
            let copy_in = iv.read || (iv.write && matches!(iv.field, IonField::Ci | IonField::Co));
            if copy_in {
                let r = self.perm();
                self.prologue.push(Op::LdIon(r, iv.slot as u32, iv.field));
                self.col_regs.insert(iv.col, r);
                self.dirty_cols.insert(iv.col);
            }
        }
        Ok(())
    }

    fn store_dirty(&mut self) {
        for c in self.dirty_cols.clone() {
            let r = self.col_regs[&c];
            self.epilogue.push(Op::StCol(c as u32, r));
        }
        for g in self.dirty_globs.clone() {
            let r = self.glob_regs[&g];
            self.epilogue.push(Op::StGlob(g as u32, r));
        }
    }
    fn epilogue_plain(&mut self) {
        self.store_dirty();
    }
    fn epilogue_init(&mut self) {
        self.store_dirty();
        let mut wrote = BTreeSet::new();
        let mut ivs: Vec<&IonVar> = self.s.ion_vars.values().collect();
        ivs.sort_by_key(|iv| iv.col);
        for iv in ivs {
            if iv.write && matches!(iv.field, IonField::Ci | IonField::Co | IonField::E) {
                let r = self.col_reg(iv.col);
                self.epilogue.push(Op::StIon(iv.slot as u32, iv.field, r));
                if iv.field != IonField::E {
                    wrote.insert(iv.slot);
                }
            }
        }
        for slot in wrote {
            self.epilogue.push(Op::WroteConc(slot as u32));
        }
    }
    fn epilogue_state(&mut self) {
        self.store_dirty();
        let mut ivs: Vec<&IonVar> = self.s.ion_vars.values().collect();
        ivs.sort_by_key(|iv| iv.col);
        for iv in ivs {
            if iv.write && matches!(iv.field, IonField::Ci | IonField::Co) {
                let r = self.col_reg(iv.col);
                self.epilogue.push(Op::StIon(iv.slot as u32, iv.field, r));
            }
        }
    }

    fn finish(self) -> (Kernel, usize) {
        let np = self.nperm;
        let remap = |r: Reg| if r >= TEMP { np + (r - TEMP) } else { r };
        for (id, ops) in self.sub_kernels {
            let ops = ops.into_iter().map(|o| remap_op(o, &remap)).collect();
            self.s.out.borrow_mut().implicit[id].body = Kernel {
                ops,
                consts: vec![],
                specials: vec![],
                scalar: None,
                #[cfg(feature = "jit")]
                jit: Default::default(),
                stores_global: false,
            };
        }
        let mut ops = self.prologue;
        ops.extend(self.body);
        ops.extend(self.epilogue);
        let ops = ops.into_iter().map(|o| remap_op(o, &remap)).collect();
        (
            Kernel {
                ops,
                consts: self.consts,
                specials: self.specials,
                scalar: None,
                #[cfg(feature = "jit")]
                jit: Default::default(),
                stores_global: false,
            },
            (np + self.maxtemp) as usize,
        )
    }

    fn sum_currents(&mut self) -> GR<Reg> {
        // `_current = 0; _current += ix; …`: the first addition reads the constant 0
        let r = self.perm();
        let z = self.konst(0.0);
        let mut acc = z;
        for c in &self.s.currents {
            let src = match self.s.vars.get(c) {
                Some((Store::Col(col), _)) => self.col_reg(*col),
                Some((Store::Glob(g), _)) => self.glob_reg(*g),
                None => return self.err(Pos::default(), format!("current `{c}` is not declared")),
            };
            self.body.push(Op::Add(r, acc, src));
            acc = r;
        }
        if acc == z {
            self.body.push(Op::Mov(r, z));
        }
        Ok(r)
    }

    // ---------- statements
    fn stmts(&mut self, body: &[Stmt]) -> GR<()> {
        let mut i = 0;
        while i < body.len() {
            self.stmt(&body[i])?;
            i += 1;
        }
        Ok(())
    }

    /// `dst = val`, unmasked: retargets the op that produced the temporary `val` when it is
    /// the last one emitted.
    fn mov_into(&mut self, dst: Reg, val: Reg) {
        if val >= TEMP {
            if let Some(last) = self.body.last_mut() {
                if let Some(d) = last.value_dest_mut().filter(|d| **d == val) {
                    *d = dst;
                    return;
                }
            }
        }
        self.body.push(Op::Mov(dst, val));
    }

    /// Start of a branch whose every effect is masked by `mask`: a placeholder
    /// [`Op::Unless`] that [`Gen::branch_end`] fills with the branch length.
    fn branch_start(&mut self, mask: Reg) -> usize {
        self.body.push(Op::Unless(mask, 0));
        self.body.len() - 1
    }
    fn branch_end(&mut self, at: usize, mask: Reg) {
        let len = self.body.len() - at - 1;
        if self.body.get(at) == Some(&Op::Unless(mask, 0)) {
            self.body[at] = Op::Unless(mask, len as u32);
        }
    }

    fn assign_reg(&mut self, dst: Reg, val: Reg) {
        match self.mask {
            Some(m) => self.body.push(Op::Sel(dst, m, val, dst)),
            None => {
                // retarget the producing op when possible
                if val >= TEMP {
                    if let Some(last) = self.body.last_mut() {
                        if let Some(d) = last.value_dest_mut().filter(|d| **d == val) {
                            *d = dst;
                            return;
                        }
                    }
                }
                self.body.push(Op::Mov(dst, val));
            }
        }
    }

    fn lvalue(&mut self, name: &str, idx: Option<&Expr>, p: Pos) -> GR<Reg> {
        if idx.is_none() {
            for sc in self.scopes.iter().rev() {
                if let Some(r) = sc.get(name) {
                    return Ok(*r);
                }
            }
        }
        if name == "v" {
            return Ok(self.v_reg);
        }
        let k = match idx {
            None => 0,
            Some(e) => self.const_index(e)?,
        };
        match self.s.vars.get(name).copied() {
            Some((Store::Col(c), len)) => {
                if k >= len {
                    return self.err(p, format!("index {k} out of range for `{name}`"));
                }
                let r = self.col_reg(c + k);
                self.dirty_cols.insert(c + k);
                Ok(r)
            }
            Some((Store::Glob(g), len)) => {
                if k >= len {
                    return self.err(p, format!("index {k} out of range for `{name}`"));
                }
                let r = self.glob_reg(g + k);
                self.dirty_globs.insert(g + k);
                Ok(r)
            }
            None => {
                if matches!(name, "t" | "dt" | "celsius") || self.s.consts.contains_key(name) {
                    self.err(p, format!("cannot assign to `{name}`"))
                } else {
                    self.err(p, format!("undefined variable `{name}`"))
                }
            }
        }
    }

    fn const_index(&mut self, e: &Expr) -> GR<usize> {
        match self.const_eval(e) {
            Some(v) if v >= 0.0 && v.fract() == 0.0 => Ok(v as usize),
            _ => self.err(
                e.pos(),
                "array index must be a constant (variable indices are not supported yet)",
            ),
        }
    }

    fn const_eval(&self, e: &Expr) -> Option<f64> {
        match e {
            Expr::Num(v, _) => Some(*v),
            Expr::Paren(a) => self.const_eval(a),
            Expr::Neg(a, _) => self.const_eval(a).map(|v| -v),
            Expr::Var(n, None, _) => {
                for sc in self.scopes.iter().rev() {
                    if let Some(r) = sc.get(n) {
                        // a loop variable bound to a constant register
                        return self.consts.iter().find(|(cr, _)| cr == r).map(|(_, v)| *v);
                    }
                }
                self.s.consts.get(n).copied()
            }
            Expr::Bin(op, a, b, _) => {
                let (a, b) = (self.const_eval(a)?, self.const_eval(b)?);
                Some(match op {
                    BinOp::Add => a + b,
                    BinOp::Sub => a - b,
                    BinOp::Mul => a * b,
                    BinOp::Div => a / b,
                    _ => return None,
                })
            }
            _ => None,
        }
    }

    fn stmt(&mut self, st: &Stmt) -> GR<()> {
        let mark = self.ntemp;
        match st {
            Stmt::Nop(_) => {}
            Stmt::Local(names, _) => {
                for (n, len) in names {
                    if len.is_some() {
                        return self.err(st_pos(st), "LOCAL arrays are not supported yet");
                    }
                    let r = self.perm();
                    let z = self.konst(0.0);
                    self.body.push(Op::Mov(r, z));
                    self.scopes.last_mut().unwrap().insert(n.clone(), r);
                }
            }
            Stmt::Assign(name, idx, e, p) => {
                let val = self.expr(e)?;
                let dst = self.lvalue(name, idx.as_ref(), *p)?;
                self.assign_reg(dst, val);
            }
            Stmt::Deriv(_, _, _, p) => {
                return self.err(
                    *p,
                    "a derivative equation outside a DERIVATIVE block solved by SOLVE",
                );
            }
            Stmt::Expr(e, p) => {
                if let Expr::Call(name, args, cp) = e {
                    self.call(name, args, *cp, false)?;
                } else {
                    return self.err(*p, "expression statement without effect");
                }
            }
            Stmt::If(c, then, els, _) => {
                let cr = self.expr(c)?;
                let cond = self.perm();
                self.mov_into(cond, cr);
                let outer = self.mask;
                let mt = match outer {
                    Some(m) => {
                        let r = self.perm();
                        self.body.push(Op::And(r, m, cond));
                        r
                    }
                    None => cond,
                };
                self.mask = Some(mt);
                self.scopes.push(HashMap::new());
                let at = self.branch_start(mt);
                self.stmts(then)?;
                self.branch_end(at, mt);
                self.scopes.pop();
                if !els.is_empty() {
                    let nc = self.perm();
                    self.body.push(Op::Not(nc, cond));
                    let me = match outer {
                        Some(m) => {
                            let r = self.perm();
                            self.body.push(Op::And(r, m, nc));
                            r
                        }
                        None => nc,
                    };
                    self.mask = Some(me);
                    self.scopes.push(HashMap::new());
                    let at = self.branch_start(me);
                    self.stmts(els)?;
                    self.branch_end(at, me);
                    self.scopes.pop();
                }
                self.mask = outer;
            }
            Stmt::Block(b, _) => {
                self.scopes.push(HashMap::new());
                self.stmts(b)?;
                self.scopes.pop();
            }
            Stmt::Protect(s, _) => self.stmt(s)?,
            Stmt::From(var, lo, hi, by, body, p) => {
                let (Some(lo), Some(hi)) = (self.const_eval(lo), self.const_eval(hi)) else {
                    return self.err(
                        *p,
                        "FROM loop bounds must be constants (not supported yet otherwise)",
                    );
                };
                let step = match by {
                    Some(b) => match self.const_eval(b) {
                        Some(s) if s != 0.0 => s,
                        _ => return self.err(*p, "FROM … BY must be a non-zero constant"),
                    },
                    None => 1.0,
                };
                let mut i = lo;
                let mut count = 0;
                while (step > 0.0 && i <= hi) || (step < 0.0 && i >= hi) {
                    count += 1;
                    self.unrolled += 1;
                    if count > 10000 || self.unrolled > 100_000 {
                        return self.err(*p, "FROM loop too long to unroll");
                    }
                    let r = self.konst(i);
                    let mut sc = HashMap::new();
                    sc.insert(var.clone(), r);
                    self.scopes.push(sc);
                    self.stmts(body)?;
                    self.scopes.pop();
                    i += step;
                }
            }
            Stmt::While(_, _, p) => return self.err(*p, "`while` loops are not supported yet"),
            Stmt::Solve { pos, .. } => {
                if self.kind == KKind::Init {
                    self.solve_initial(st)?;
                } else if self.kind == KKind::Current {
                    // SOLVE is not part of the current evaluation
                } else {
                    return self.err(*pos, "SOLVE is only allowed in BREAKPOINT and INITIAL");
                }
            }
            Stmt::Table { .. } => {}
            Stmt::Verbatim(t, p) => {
                let norm: String = t.split_whitespace().collect::<Vec<_>>().join(" ");
                if !(norm.is_empty() || norm == "return 0;") {
                    return self.err(*p, "VERBATIM block with C code is not supported (only `return 0;` is recognised); rewrite it in NMODL");
                }
            }
            Stmt::Reaction { pos, .. } | Stmt::Conserve(_, _, pos) | Stmt::Equation(_, _, pos) => {
                return self.err(
                    *pos,
                    "reaction/equation outside a KINETIC/LINEAR/NONLINEAR block",
                );
            }
            Stmt::Unsupported(what, p) => {
                return self.err(*p, format!("{what} is not supported yet"))
            }
            Stmt::Watch(_, p) => return self.err(*p, "WATCH is not supported yet"),
            Stmt::Initial(_, p) => {
                return self.err(*p, "INITIAL block inside a block other than NET_RECEIVE")
            }
            Stmt::ForNetcons(_, _, p) => return self.err(*p, "FOR_NETCONS is not supported yet"),
        }
        self.ntemp = mark;
        Ok(())
    }

    // ---------- SOLVE
    fn solve(&mut self, st: &Stmt) -> GR<()> {
        let Stmt::Solve {
            name,
            method,
            steadystate,
            pos,
        } = st
        else {
            return Ok(());
        };
        let s = self.s;
        let method = method.as_deref();
        if steadystate.is_some() {
            return self.err(*pos, "STEADYSTATE in BREAKPOINT is not supported");
        }
        if let Some(d) = s.prog.derivatives.iter().find(|d| d.name == *name) {
            match method {
                Some("cnexp") => return self.cnexp(d),
                Some("derivimplicit") => return self.derivimplicit(d),
                Some("euler") => return self.euler(d),
                Some(m) => return self.err(*pos, format!("METHOD {m} for a DERIVATIVE block is not supported (use cnexp, derivimplicit or euler)")),
                None => return self.err(*pos, "a DERIVATIVE block needs a METHOD"),
            }
        }
        if let Some(k) = s.prog.kinetics.iter().find(|d| d.name == *name) {
            return match method {
                Some("sparse") | None => self.kinetic(k, false),
                Some(m) => self.err(
                    *pos,
                    format!("METHOD {m} for a KINETIC block is not supported (use sparse)"),
                ),
            };
        }
        if s.prog.procedures.iter().any(|p| p.name == *name) {
            self.call(name, &[], *pos, false)?;
            return Ok(());
        }
        if let Some(l) = s.prog.linears.iter().find(|d| d.name == *name) {
            return self.linear(l);
        }
        if s.prog.nonlinears.iter().any(|d| d.name == *name) {
            return self.err(
                *pos,
                format!("NONLINEAR block `{name}` is not supported yet"),
            );
        }
        self.err(*pos, format!("SOLVE of unknown block `{name}`"))
    }

    fn solve_initial(&mut self, st: &Stmt) -> GR<()> {
        let Stmt::Solve {
            name,
            method,
            steadystate,
            pos,
        } = st
        else {
            return Ok(());
        };
        let s = self.s;
        if let Some(l) = s.prog.linears.iter().find(|d| d.name == *name) {
            return self.linear(l);
        }
        if let Some(k) = s.prog.kinetics.iter().find(|d| d.name == *name) {
            if steadystate.is_some() {
                return self.kinetic(k, true);
            }
            return self.kinetic(k, false);
        }
        if s.prog.procedures.iter().any(|p| p.name == *name) {
            self.call(name, &[], *pos, false)?;
            return Ok(());
        }
        if let Some(d) = s.prog.derivatives.iter().find(|d| d.name == *name) {
            if steadystate.is_some() {
                return self.err(
                    *pos,
                    "STEADYSTATE for a DERIVATIVE block is not supported yet",
                );
            }
            return match method.as_deref() {
                Some("cnexp") => self.cnexp(d),
                Some("derivimplicit") => self.derivimplicit(d),
                _ => self.euler(d),
            };
        }
        self.err(*pos, format!("SOLVE of unknown block `{name}`"))
    }

    fn cnexp(&mut self, d: &Callable) -> GR<()> {
        // nocmodl falls back to derivimplicit when an equation cannot be put in cnexp form
        for st in walk(&d.body) {
            if let Stmt::Deriv(s, _, f, _) = st {
                if symb::deriv(f, s).is_none() {
                    return self.derivimplicit(d);
                }
            }
        }
        let body = rewrite_derivs(&d.body, &|s, f| {
            let a = symb::deriv(f, s).expect("checked");
            let zero = Expr::Num(0.0, Pos::default());
            let b = symb::subst(f, s, &zero);
            let p = Pos::default();
            let var = Expr::Var(s.to_string(), None, p);
            let dt = Expr::Var("dt".into(), None, p);
            if is_zero(&a) {
                // explicit Euler: s = s - dt*(-(f))
                return Expr::Bin(
                    BinOp::Sub,
                    Box::new(var),
                    Box::new(Expr::Bin(
                        BinOp::Mul,
                        Box::new(dt),
                        Box::new(Expr::Neg(Box::new(f.clone()), p)),
                        p,
                    )),
                    p,
                );
            }
            let e = Expr::Call(
                "__rawexp_dt".into(),
                vec![Expr::Bin(BinOp::Mul, Box::new(dt), Box::new(a.clone()), p)],
                p,
            );
            let one_minus = Expr::Bin(BinOp::Sub, Box::new(Expr::Num(1.0, p)), Box::new(e), p);
            if symb::depends(&a, s) {
                // polynomial in the state: nocmodl linearises and drops the constant term,
                // emitting s + (1 - exp(dt*A(s)))*(-s)
                let neg = Expr::Neg(Box::new(var.clone()), p);
                return Expr::Bin(
                    BinOp::Add,
                    Box::new(var),
                    Box::new(Expr::Bin(BinOp::Mul, Box::new(one_minus), Box::new(neg), p)),
                    p,
                );
            }
            let ratio = Expr::Bin(
                BinOp::Div,
                Box::new(Expr::Neg(Box::new(b), p)),
                Box::new(a),
                p,
            );
            let inner = Expr::Bin(BinOp::Sub, Box::new(ratio), Box::new(var.clone()), p);
            Expr::Bin(
                BinOp::Add,
                Box::new(var),
                Box::new(Expr::Bin(
                    BinOp::Mul,
                    Box::new(one_minus),
                    Box::new(inner),
                    p,
                )),
                p,
            )
        });
        self.scopes.push(HashMap::new());
        self.stmts(&body)?;
        self.scopes.pop();
        Ok(())
    }

    fn euler(&mut self, d: &Callable) -> GR<()> {
        let body = rewrite_derivs(&d.body, &|s, f| {
            let p = Pos::default();
            Expr::Bin(
                BinOp::Add,
                Box::new(Expr::Var(s.to_string(), None, p)),
                Box::new(Expr::Bin(
                    BinOp::Mul,
                    Box::new(Expr::Var("dt".into(), None, p)),
                    Box::new(f.clone()),
                    p,
                )),
                p,
            )
        });
        self.scopes.push(HashMap::new());
        self.stmts(&body)?;
        self.scopes.pop();
        Ok(())
    }

    fn derivimplicit(&mut self, d: &Callable) -> GR<()> {
        let mut states = vec![];
        let mut derivs = vec![];
        let mut dmap = HashMap::new();
        for st in walk(&d.body) {
            if let Stmt::Deriv(s, idx, _, p) = st {
                if idx.is_some() {
                    return self.err(*p, "indexed derivative equations are not supported yet");
                }
                let sr = self.lvalue(s, None, *p)?;
                let dr = self.perm();
                states.push(sr);
                derivs.push(dr);
                dmap.insert(s.clone(), dr);
            }
        }
        let body = rewrite_derivs(&d.body, &|s, f| {
            let _ = s;
            f.clone()
        });
        // generate the body into a separate op list; derivative results go to `D<state>` regs
        let saved = std::mem::take(&mut self.body);
        let marker = "__deriv_targets".to_string();
        self.scopes.push(HashMap::new());
        let mut sc = HashMap::new();
        for (k, v) in &dmap {
            sc.insert(format!("{marker}:{k}"), *v);
        }
        self.scopes.push(sc);
        let mut i = 0;
        while i < body.len() {
            // derivative equations were rewritten to `s = f`; redirect them
            match &body[i] {
                Stmt::Assign(n, None, e, _)
                    if dmap.contains_key(n) && is_deriv_stmt(&d.body, n) =>
                {
                    let val = self.expr(e)?;
                    let dst = dmap[n];
                    self.assign_reg(dst, val);
                }
                other => self.stmt(other)?,
            }
            i += 1;
        }
        self.scopes.pop();
        self.scopes.pop();
        let ops = std::mem::replace(&mut self.body, saved);
        let id = self.s.out.borrow().implicit.len() as u32;
        self.sub_kernels.push((id as usize, ops));
        self.s.out.borrow_mut().implicit.push(ImplicitSys {
            states,
            derivs,
            body: Kernel::default(),
        });
        self.body.push(Op::Implicit(id));
        Ok(())
    }

    fn kinetic(&mut self, k: &Callable, steady: bool) -> GR<()> {
        // state rows: STATE declaration order of the states used in reactions/CONSERVE
        let mut used = BTreeSet::new();
        for st in walk(&k.body) {
            match st {
                Stmt::Reaction { lhs, rhs, .. } => {
                    for t in lhs.iter().chain(rhs) {
                        used.insert(t.name.clone());
                    }
                }
                Stmt::Conserve(e, _, _) => {
                    // a malformed CONSERVE is reported where the statement is compiled
                    for n in sum_terms(e).unwrap_or_default() {
                        used.insert(n);
                    }
                }
                _ => {}
            }
        }
        let rows: Vec<String> = self
            .s
            .states
            .iter()
            .filter(|s| used.contains(*s))
            .cloned()
            .collect();
        let row_of = |n: &str| rows.iter().position(|r| r == n);
        let mut reactions = vec![];
        let mut conserve = vec![];
        self.scopes.push(HashMap::new());
        for st in &k.body {
            match st {
                Stmt::Reaction {
                    lhs,
                    arrow,
                    rhs,
                    kf,
                    kb,
                    pos,
                } => {
                    let kfr = self.expr(kf)?;
                    let kfp = self.perm();
                    self.body.push(Op::Mov(kfp, kfr));
                    let kbp = match kb {
                        Some(kb) => {
                            let r = self.expr(kb)?;
                            let p = self.perm();
                            self.body.push(Op::Mov(p, r));
                            Some(p)
                        }
                        None => None,
                    };
                    if *arrow == Arrow::Flux {
                        return self.err(*pos, "`<<` flux reactions are not supported yet");
                    }
                    let side = |v: &Vec<ReactTerm>| -> GR<Vec<(usize, u32)>> {
                        v.iter()
                            .map(|t| match row_of(&t.name) {
                                _ if t.coef == 0 => self.err(
                                    *pos,
                                    format!("stoichiometric coefficient 0 for `{}`", t.name),
                                ),
                                Some(r) if t.index.is_none() => Ok((r, t.coef)),
                                _ => {
                                    self.err(*pos, format!("`{}` is not a (scalar) STATE", t.name))
                                }
                            })
                            .collect()
                    };
                    reactions.push(Reaction {
                        lhs: side(lhs)?,
                        rhs: side(rhs)?,
                        kf: kfp,
                        kb: kbp,
                    });
                }
                Stmt::Conserve(e, total, pos) => {
                    let Some(terms) = sum_terms(e).filter(|t| !t.is_empty()) else {
                        return self.err(
                            *pos,
                            "CONSERVE: only a sum of STATEs (`A + B + …`) is supported",
                        );
                    };
                    let mut rws = vec![];
                    for t in terms.iter().rev() {
                        match row_of(t) {
                            Some(r) => rws.push(r),
                            None => {
                                return self.err(*pos, format!("`{t}` in CONSERVE is not a STATE"))
                            }
                        }
                    }
                    let tr = self.expr(total)?;
                    let tp = self.perm();
                    self.body.push(Op::Mov(tp, tr));
                    let replaced = rws[0];
                    conserve.push((replaced, rws, tp));
                }
                Stmt::Unsupported(w, p) => {
                    return self.err(*p, format!("{w} is not supported yet"))
                }
                other => self.stmt(other)?,
            }
        }
        self.scopes.pop();
        let mut sregs = vec![];
        for r in &rows {
            sregs.push(self.lvalue(r, None, k.pos)?);
        }
        let id = self.s.out.borrow().kinetic.len() as u32;
        self.s.out.borrow_mut().kinetic.push(KineticSys {
            states: sregs,
            reactions,
            conserve,
            steady,
        });
        self.body.push(Op::Kinetic(id));
        Ok(())
    }

    fn linear(&mut self, l: &Callable) -> GR<()> {
        let mut unknowns: Vec<String> = vec![];
        let mut eqs = vec![];
        for st in walk(&l.body) {
            if let Stmt::Equation(a, b, _) = st {
                for n in var_names(a).into_iter().chain(var_names(b)) {
                    if self.s.states.contains(&n) && !unknowns.contains(&n) {
                        unknowns.push(n);
                    }
                }
            }
        }
        self.scopes.push(HashMap::new());
        for st in &l.body {
            match st {
                Stmt::Equation(a, b, p) => {
                    let e = Expr::Bin(BinOp::Sub, Box::new(a.clone()), Box::new(b.clone()), *p);
                    let mut row = vec![];
                    for u in &unknowns {
                        let Some(c) = symb::linear_in(&e, u) else {
                            return self.err(*p, "equation is not linear in the states");
                        };
                        if unknowns.iter().any(|o| symb::depends(&c, o)) {
                            return self.err(*p, "equation is not linear in the states");
                        }
                        if is_zero(&c) {
                            row.push(None);
                        } else {
                            let r = self.expr(&c)?;
                            let pr = self.perm();
                            self.body.push(Op::Mov(pr, r));
                            row.push(Some(pr));
                        }
                    }
                    let mut c0 = e.clone();
                    for u in &unknowns {
                        c0 = symb::subst(&c0, u, &Expr::Num(0.0, Pos::default()));
                    }
                    let r = self.expr(&Expr::Neg(Box::new(c0), *p))?;
                    let pr = self.perm();
                    self.body.push(Op::Mov(pr, r));
                    eqs.push((row, pr));
                }
                other => self.stmt(other)?,
            }
        }
        self.scopes.pop();
        if eqs.len() != unknowns.len() {
            return self.err(
                l.pos,
                format!(
                    "LINEAR block has {} equations for {} states",
                    eqs.len(),
                    unknowns.len()
                ),
            );
        }
        let mut ur = vec![];
        for u in &unknowns {
            ur.push(self.lvalue(u, None, l.pos)?);
        }
        let id = self.s.out.borrow().linear.len() as u32;
        self.s.out.borrow_mut().linear.push(LinearSys {
            unknowns: ur,
            coef: eqs.iter().map(|e| e.0.clone()).collect(),
            rhs: eqs.iter().map(|e| e.1).collect(),
        });
        self.body.push(Op::Linear(id));
        Ok(())
    }

    // ---------- expressions
    fn expr(&mut self, e: &Expr) -> GR<Reg> {
        Ok(match e {
            Expr::Num(v, _) => self.konst(*v),
            Expr::Paren(a) => self.expr(a)?,
            Expr::Str(_, p) => return self.err(*p, "string outside printf"),
            Expr::Var(n, idx, p) => self.rvalue(n, idx.as_deref(), *p)?,
            Expr::Neg(a, _) => {
                let a = self.expr(a)?;
                let d = self.temp();
                self.body.push(Op::Neg(d, a));
                d
            }
            Expr::Not(a, _) => {
                let a = self.expr(a)?;
                let d = self.temp();
                self.body.push(Op::Not(d, a));
                d
            }
            Expr::Bin(op, a, b, _) => {
                let a = self.expr(a)?;
                let b = self.expr(b)?;
                let d = self.temp();
                self.body.push(match op {
                    BinOp::Add => Op::Add(d, a, b),
                    BinOp::Sub => Op::Sub(d, a, b),
                    BinOp::Mul => Op::Mul(d, a, b),
                    BinOp::Div => Op::Div(d, a, b),
                    BinOp::Pow => Op::Call2(F2::Pow, d, a, b),
                    BinOp::Lt => Op::Lt(d, a, b),
                    BinOp::Le => Op::Le(d, a, b),
                    BinOp::Gt => Op::Gt(d, a, b),
                    BinOp::Ge => Op::Ge(d, a, b),
                    BinOp::Eq => Op::Eq(d, a, b),
                    BinOp::Ne => Op::Ne(d, a, b),
                    BinOp::And => Op::And(d, a, b),
                    BinOp::Or => Op::Or(d, a, b),
                });
                d
            }
            Expr::Call(name, args, p) => match self.call(name, args, *p, true)? {
                Some(r) => r,
                None => return self.err(*p, format!("`{name}` does not return a value")),
            },
        })
    }

    fn rvalue(&mut self, n: &str, idx: Option<&Expr>, p: Pos) -> GR<Reg> {
        if idx.is_none() {
            for sc in self.scopes.iter().rev() {
                if let Some(r) = sc.get(n) {
                    return Ok(*r);
                }
            }
        }
        match n {
            "v" => return Ok(self.v_reg),
            "t" => return Ok(self.special(Special::T)),
            "dt" => return Ok(self.special(Special::Dt)),
            "celsius" => return Ok(self.special(Special::Celsius)),
            "flag" if self.kind == KKind::NetReceive => return Ok(self.special(Special::Flag)),
            "area" => {
                if let Some(r) = self.area_reg {
                    return Ok(r);
                }
                let r = self.perm();
                self.prologue.push(Op::LdArea(r));
                self.area_reg = Some(r);
                return Ok(r);
            }
            "diam" => {
                if let Some(r) = self.diam_reg {
                    return Ok(r);
                }
                let r = self.perm();
                self.prologue.push(Op::LdDiam(r));
                self.diam_reg = Some(r);
                return Ok(r);
            }
            _ => {}
        }
        let k = match idx {
            None => 0,
            Some(e) => self.const_index(e)?,
        };
        match self.s.vars.get(n).copied() {
            Some((Store::Col(c), len)) => {
                if k >= len {
                    return self.err(p, format!("index {k} out of range for `{n}`"));
                }
                Ok(self.col_reg(c + k))
            }
            Some((Store::Glob(g), len)) => {
                if k >= len {
                    return self.err(p, format!("index {k} out of range for `{n}`"));
                }
                Ok(self.glob_reg(g + k))
            }
            None => match self.s.consts.get(n) {
                Some(v) => Ok(self.konst(*v)),
                None => self.err(p, format!("undefined variable `{n}`")),
            },
        }
    }

    fn call(&mut self, name: &str, args: &[Expr], p: Pos, want: bool) -> GR<Option<Reg>> {
        let f1 = match name {
            "exp" => Some(F1::Exp),
            "__rawexp_dt" => Some(F1::Exp),
            "log" => Some(F1::Log),
            "log10" => Some(F1::Log10),
            "fabs" => Some(F1::Fabs),
            "sqrt" => Some(F1::Sqrt),
            "sin" => Some(F1::Sin),
            "cos" => Some(F1::Cos),
            "tan" => Some(F1::Tan),
            "tanh" => Some(F1::Tanh),
            "floor" => Some(F1::Floor),
            "ceil" => Some(F1::Ceil),
            "atan" => Some(F1::Atan),
            "sinh" => Some(F1::Sinh),
            "cosh" => Some(F1::Cosh),
            "asin" => Some(F1::Asin),
            "acos" => Some(F1::Acos),
            _ => None,
        };
        let user = self.s.callable(name);
        if let (Some(f), None) = (f1, user) {
            if args.len() != 1 {
                return self.err(p, format!("`{name}` takes one argument"));
            }
            let a = self.expr(&args[0])?;
            let d = self.temp();
            self.body.push(Op::Call1(f, d, a));
            return Ok(Some(d));
        }
        let f2 = match name {
            "pow" => Some(F2::Pow),
            "atan2" => Some(F2::Atan2),
            "fmod" => Some(F2::Fmod),
            "fmin" => Some(F2::Min),
            "fmax" => Some(F2::Max),
            _ => None,
        };
        if let (Some(f), None) = (f2, user) {
            if args.len() != 2 {
                return self.err(p, format!("`{name}` takes two arguments"));
            }
            let a = self.expr(&args[0])?;
            let b = self.expr(&args[1])?;
            let d = self.temp();
            self.body.push(Op::Call2(f, d, a, b));
            return Ok(Some(d));
        }
        match name {
            "net_send" => {
                if args.len() != 2 {
                    return self.err(p, "net_send takes (delay, flag)");
                }
                // nocmodl emits the text `t + <delay>`
                let t = Expr::Var("t".into(), None, p);
                let time = textual_plus(t, &args[0]);
                let tr = self.expr(&time)?;
                let fr = self.expr(&args[1])?;
                self.body.push(Op::NetSend(self.mask, tr, fr));
                return Ok(None);
            }
            "net_event" => {
                if args.len() != 1 {
                    return self.err(p, "net_event takes (time)");
                }
                let tr = self.expr(&args[0])?;
                self.body.push(Op::NetEvent(self.mask, tr));
                return Ok(None);
            }
            "net_move" => {
                if args.len() != 1 {
                    return self.err(p, "net_move takes (time)");
                }
                let tr = self.expr(&args[0])?;
                self.body.push(Op::NetMove(self.mask, tr));
                return Ok(None);
            }
            "at_time" => {
                // fixed step: (te - 1e-11) <= t && (te - 1e-11) > t - dt
                let te = self.expr(&args[0])?;
                let c = self.konst(1e-11);
                let x = self.temp();
                self.body.push(Op::Sub(x, te, c));
                let t = self.special(Special::T);
                let dt = self.special(Special::Dt);
                let a = self.temp();
                self.body.push(Op::Le(a, x, t));
                let tm = self.temp();
                self.body.push(Op::Sub(tm, t, dt));
                let b = self.temp();
                self.body.push(Op::Gt(b, x, tm));
                let d = self.temp();
                self.body.push(Op::And(d, a, b));
                return Ok(Some(d));
            }
            "printf" | "fprintf" | "hoc_execerror" => {
                return Ok(if want { Some(self.konst(0.0)) } else { None });
            }
            _ => {}
        }
        if let Some(ft) = self.s.prog.function_tables.iter().find(|f| f.name == name) {
            return self.err(
                ft.pos,
                format!("FUNCTION_TABLE `{name}` is not supported yet (it is filled from hoc)"),
            );
        }
        let Some((c, is_fn)) = user else {
            return self.err(p, format!("call of unknown function or procedure `{name}`"));
        };
        if self.body.len() > 1_000_000 {
            return self.err(p, "code too large after inlining calls");
        }
        if self.call_stack.iter().any(|n| n == name) {
            return self.err(p, format!("recursive call of `{name}` is not supported"));
        }
        if c.args.len() != args.len() {
            return self.err(
                p,
                format!(
                    "`{name}` takes {} arguments, {} given",
                    c.args.len(),
                    args.len()
                ),
            );
        }
        // TABLE?
        let table = c.body.iter().find(|s| matches!(s, Stmt::Table { .. }));
        if let Some(tab) = table {
            if self.no_table.as_deref() != Some(name) {
                return self.table_call(c, is_fn, tab, args, p);
            }
        }
        let mut sc = HashMap::new();
        // each argument is copied into its parameter register right after it is evaluated
        // (the evaluation of the others cannot see the parameter registers)
        for (n, a) in c.args.iter().zip(args) {
            let r = self.expr(a)?;
            let pr = self.perm();
            self.mov_into(pr, r);
            sc.insert(n.clone(), pr);
        }
        let ret = if is_fn {
            let r = self.perm();
            let z = self.konst(0.0);
            self.body.push(Op::Mov(r, z));
            sc.insert(c.name.clone(), r);
            Some(r)
        } else {
            None
        };
        // a callee sees only its own scope (plus mechanism variables)
        let saved_scopes = std::mem::replace(&mut self.scopes, vec![sc]);
        self.call_stack.push(name.to_string());
        let mark = self.ntemp;
        let res = self.stmts(&c.body);
        self.ntemp = mark;
        self.call_stack.pop();
        self.scopes = saved_scopes;
        res?;
        if is_fn {
            let _ = want;
        }
        Ok(ret)
    }

    fn table_call(
        &mut self,
        c: &Callable,
        is_fn: bool,
        tab: &Stmt,
        args: &[Expr],
        p: Pos,
    ) -> GR<Option<Reg>> {
        let Stmt::Table {
            vars,
            depend,
            lo,
            hi,
            n,
            pos,
        } = tab
        else {
            unreachable!()
        };
        if c.args.len() != 1 || args.len() != 1 {
            return self.err(
                *pos,
                "TABLE needs a PROCEDURE/FUNCTION with exactly one argument",
            );
        }
        let tid = self.s.out.borrow().table_ids.get(&c.name).copied();
        let tid = match tid {
            Some(t) => t,
            None => self
                .s
                .build_table(c, is_fn, vars, depend, lo, hi, n, *pos)?,
        };
        let a = self.expr(&args[0])?;
        let ar = self.perm();
        self.mov_into(ar, a);
        // usetable_<suffix> (uniform per type): 0 evaluates the PROCEDURE/FUNCTION exactly
        let Some((Store::Glob(ug), _)) = self.s.vars.get("usetable").copied() else {
            return self.err(*pos, "internal: usetable global missing");
        };
        let ut = self.glob_reg(ug);
        let res = if is_fn { Some(self.perm()) } else { None };
        let skip_at = self.body.len();
        self.body.push(Op::SkipIfZero(ut, 0));
        // table lookup
        let mut outs = vec![];
        for _ in 0..if is_fn { 1 } else { vars.len() } {
            let r = self.perm();
            outs.push(r);
        }
        self.body.push(Op::Table(tid, ar, outs.clone()));
        if let Some(res) = res {
            self.body.push(Op::Mov(res, outs[0]));
        } else {
            for (v, r) in vars.iter().zip(&outs) {
                let dst = self.lvalue(v, None, p)?;
                match self.mask {
                    Some(m) => self.body.push(Op::Sel(dst, m, *r, dst)),
                    None => self.body.push(Op::Mov(dst, *r)),
                }
            }
        }
        let jump_at = self.body.len();
        self.body.push(Op::Skip(0));
        self.body[skip_at] = Op::SkipIfZero(ut, (jump_at - skip_at) as u32);
        // exact evaluation
        let saved = self.no_table.replace(c.name.clone());
        let arg = Expr::Var("__table_arg".into(), None, p);
        self.scopes
            .push(HashMap::from([("__table_arg".to_string(), ar)]));
        let r = self.call(&c.name, std::slice::from_ref(&arg), p, is_fn);
        self.scopes.pop();
        self.no_table = saved;
        let r = r?;
        if let (Some(res), Some(r)) = (res, r) {
            self.body.push(Op::Mov(res, r));
        }
        let end = self.body.len();
        self.body[jump_at] = Op::Skip((end - jump_at - 1) as u32);
        Ok(res)
    }
}

fn st_pos(s: &Stmt) -> Pos {
    match s {
        Stmt::Local(_, p)
        | Stmt::Assign(_, _, _, p)
        | Stmt::Deriv(_, _, _, p)
        | Stmt::Expr(_, p) => *p,
        _ => Pos::default(),
    }
}

fn is_zero(e: &Expr) -> bool {
    match e {
        Expr::Num(v, _) => *v == 0.0,
        Expr::Paren(a) => is_zero(a),
        _ => false,
    }
}

/// `t + <e>` as nocmodl writes it textually: `t + a - b` re-associates as `(t + a) - b`.
fn textual_plus(t: Expr, e: &Expr) -> Expr {
    match e {
        Expr::Bin(op @ (BinOp::Add | BinOp::Sub), a, b, p) => {
            Expr::Bin(*op, Box::new(textual_plus(t, a)), b.clone(), *p)
        }
        _ => {
            let p = e.pos();
            Expr::Bin(BinOp::Add, Box::new(t), Box::new(e.clone()), p)
        }
    }
}

fn walk(body: &[Stmt]) -> Vec<&Stmt> {
    let mut out = vec![];
    for s in body {
        out.push(s);
        match s {
            Stmt::If(_, a, b, _) => {
                out.extend(walk(a));
                out.extend(walk(b));
            }
            Stmt::Block(b, _) | Stmt::While(_, b, _) | Stmt::From(_, _, _, _, b, _) => {
                out.extend(walk(b))
            }
            _ => {}
        }
    }
    out
}

fn is_deriv_stmt(body: &[Stmt], name: &str) -> bool {
    walk(body)
        .iter()
        .any(|s| matches!(s, Stmt::Deriv(n, _, _, _) if n == name))
}

fn rewrite_derivs(body: &[Stmt], f: &dyn Fn(&str, &Expr) -> Expr) -> Vec<Stmt> {
    body.iter()
        .map(|s| match s {
            Stmt::Deriv(n, idx, e, p) => Stmt::Assign(n.clone(), idx.clone(), f(n, e), *p),
            Stmt::If(c, a, b, p) => {
                Stmt::If(c.clone(), rewrite_derivs(a, f), rewrite_derivs(b, f), *p)
            }
            Stmt::Block(b, p) => Stmt::Block(rewrite_derivs(b, f), *p),
            other => other.clone(),
        })
        .collect()
}

/// The names of a plain sum of variables (`a + b + (c + d)`), or `None` for any other form.
fn sum_terms(e: &Expr) -> Option<Vec<String>> {
    match e {
        Expr::Bin(BinOp::Add, a, b, _) => {
            let mut v = sum_terms(a)?;
            v.extend(sum_terms(b)?);
            Some(v)
        }
        Expr::Paren(a) => sum_terms(a),
        Expr::Var(n, None, _) => Some(vec![n.clone()]),
        _ => None,
    }
}

fn var_names(e: &Expr) -> Vec<String> {
    match e {
        Expr::Var(n, None, _) => vec![n.clone()],
        Expr::Var(_, Some(i), _) => var_names(i),
        Expr::Bin(_, a, b, _) => {
            let mut v = var_names(a);
            v.extend(var_names(b));
            v
        }
        Expr::Neg(a, _) | Expr::Not(a, _) | Expr::Paren(a) => var_names(a),
        Expr::Call(_, a, _) => a.iter().flat_map(var_names).collect(),
        _ => vec![],
    }
}

fn remap_op(op: Op, f: &dyn Fn(Reg) -> Reg) -> Op {
    match op {
        Op::Mov(d, a) => Op::Mov(f(d), f(a)),
        Op::Add(d, a, b) => Op::Add(f(d), f(a), f(b)),
        Op::Sub(d, a, b) => Op::Sub(f(d), f(a), f(b)),
        Op::Mul(d, a, b) => Op::Mul(f(d), f(a), f(b)),
        Op::Div(d, a, b) => Op::Div(f(d), f(a), f(b)),
        Op::Neg(d, a) => Op::Neg(f(d), f(a)),
        Op::Lt(d, a, b) => Op::Lt(f(d), f(a), f(b)),
        Op::Le(d, a, b) => Op::Le(f(d), f(a), f(b)),
        Op::Gt(d, a, b) => Op::Gt(f(d), f(a), f(b)),
        Op::Ge(d, a, b) => Op::Ge(f(d), f(a), f(b)),
        Op::Eq(d, a, b) => Op::Eq(f(d), f(a), f(b)),
        Op::Ne(d, a, b) => Op::Ne(f(d), f(a), f(b)),
        Op::And(d, a, b) => Op::And(f(d), f(a), f(b)),
        Op::Or(d, a, b) => Op::Or(f(d), f(a), f(b)),
        Op::Not(d, a) => Op::Not(f(d), f(a)),
        Op::Sel(d, c, a, b) => Op::Sel(f(d), f(c), f(a), f(b)),
        Op::Call1(g, d, a) => Op::Call1(g, f(d), f(a)),
        Op::Call2(g, d, a, b) => Op::Call2(g, f(d), f(a), f(b)),
        Op::LdCol(d, c) => Op::LdCol(f(d), c),
        Op::StCol(c, a) => Op::StCol(c, f(a)),
        Op::LdGlob(d, g) => Op::LdGlob(f(d), g),
        Op::StGlob(g, a) => Op::StGlob(g, f(a)),
        Op::LdV(d) => Op::LdV(f(d)),
        Op::LdArea(d) => Op::LdArea(f(d)),
        Op::LdDiam(d) => Op::LdDiam(f(d)),
        Op::LdIon(d, s, fl) => Op::LdIon(f(d), s, fl),
        Op::StIon(s, fl, a) => Op::StIon(s, fl, f(a)),
        Op::AddIon(s, fl, a) => Op::AddIon(s, fl, f(a)),
        Op::WroteConc(s) => Op::WroteConc(s),
        Op::AccRhs(a, s) => Op::AccRhs(f(a), s),
        Op::AccD(a, s) => Op::AccD(f(a), s),
        Op::LdW(d, k) => Op::LdW(f(d), k),
        Op::StW(k, a) => Op::StW(k, f(a)),
        Op::NetSend(m, t, fl) => Op::NetSend(m.map(f), f(t), f(fl)),
        Op::NetEvent(m, t) => Op::NetEvent(m.map(f), f(t)),
        Op::NetMove(m, t) => Op::NetMove(m.map(f), f(t)),
        Op::Kinetic(i) => Op::Kinetic(i),
        Op::Linear(i) => Op::Linear(i),
        Op::Implicit(i) => Op::Implicit(i),
        Op::Table(i, a, outs) => Op::Table(i, f(a), outs.into_iter().map(f).collect()),
        Op::SkipIfZero(c, n) => Op::SkipIfZero(f(c), n),
        Op::Skip(n) => Op::Skip(n),
        Op::Unless(m, n) => Op::Unless(f(m), n),
    }
}
