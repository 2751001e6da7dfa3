//! NMODL parser (recursive descent over the token stream).
#![allow(clippy::needless_return)]

use crate::ast::*;
use crate::error::{Loc, NmodlError};
use crate::lexer::{lex, Tok, Token};

/// Parse a whole NMODL file.
pub fn parse(file: &str, src: &str) -> Result<Program, NmodlError> {
    let toks = lex(file, src)?;
    let mut p = Parser {
        file,
        src,
        toks,
        i: 0,
        depth: 0,
    };
    p.program()
}

struct Parser<'a> {
    file: &'a str,
    src: &'a str,
    toks: Vec<Token>,
    i: usize,
    depth: usize,
}

type R<T> = Result<T, NmodlError>;

const MAX_DEPTH: usize = 200;

impl<'a> Parser<'a> {
    fn peek(&self) -> &Tok {
        &self.toks[self.i].tok
    }
    fn peek_at(&self, k: usize) -> &Tok {
        let j = (self.i + k).min(self.toks.len() - 1);
        &self.toks[j].tok
    }
    fn pos(&self) -> Pos {
        let t = &self.toks[self.i];
        Pos {
            line: t.line,
            col: t.col,
        }
    }
    fn bump(&mut self) -> Token {
        let t = self.toks[self.i].clone();
        if self.i + 1 < self.toks.len() {
            self.i += 1;
        }
        t
    }
    fn loc(&self, p: Pos) -> Loc {
        Loc {
            file: self.file.to_string(),
            line: p.line,
            col: p.col,
        }
    }
    fn err<T>(&self, msg: impl Into<String>) -> R<T> {
        let found = match self.peek() {
            Tok::Name(n) => format!("`{n}`"),
            Tok::Num(_, s) => format!("number `{s}`"),
            Tok::Str(_) => "a string".into(),
            Tok::Verbatim(_) => "VERBATIM".into(),
            Tok::Title(_) => "TITLE".into(),
            Tok::Op(o) => format!("`{o}`"),
            Tok::Eof => "end of file".into(),
        };
        Err(NmodlError::Syntax {
            loc: self.loc(self.pos()),
            msg: format!("expected {}, found {found}", msg.into()),
        })
    }
    fn is_op(&self, o: &str) -> bool {
        matches!(self.peek(), Tok::Op(x) if *x == o)
    }
    fn is_name(&self, n: &str) -> bool {
        matches!(self.peek(), Tok::Name(x) if x == n)
    }
    fn eat_op(&mut self, o: &str) -> bool {
        if self.is_op(o) {
            self.bump();
            true
        } else {
            false
        }
    }
    fn expect_op(&mut self, o: &str) -> R<()> {
        if self.eat_op(o) {
            Ok(())
        } else {
            self.err(format!("`{o}`"))
        }
    }
    fn name(&mut self) -> R<String> {
        match self.peek().clone() {
            Tok::Name(n) => {
                self.bump();
                Ok(n)
            }
            _ => self.err("a name"),
        }
    }
    fn number(&mut self) -> R<f64> {
        let neg = self.eat_op("-");
        if !neg {
            self.eat_op("+");
        }
        match self.peek().clone() {
            Tok::Num(v, _) => {
                self.bump();
                Ok(if neg { -v } else { v })
            }
            _ => self.err("a number"),
        }
    }
    fn integer(&mut self) -> R<usize> {
        match self.peek().clone() {
            Tok::Num(v, s) if v >= 0.0 && v.fract() == 0.0 && !s.contains('.') => {
                self.bump();
                Ok(v as usize)
            }
            _ => self.err("an integer"),
        }
    }
    /// Raw text of a parenthesised units expression; the `(` is the current token.
    fn units(&mut self) -> R<String> {
        let open = self.bump();
        let start = open.end;
        let mut depth = 1;
        loop {
            match self.peek() {
                Tok::Op("(") => depth += 1,
                Tok::Op(")") => {
                    depth -= 1;
                    if depth == 0 {
                        let t = self.bump();
                        return Ok(self.src[start..t.start].trim().to_string());
                    }
                }
                Tok::Eof => return self.err("`)` closing the units"),
                Tok::Op("{") | Tok::Op("}") => return self.err("`)` closing the units"),
                _ => {}
            }
            self.bump();
        }
    }
    fn opt_units(&mut self) -> R<Option<String>> {
        if self.is_op("(") {
            Ok(Some(self.units()?))
        } else {
            Ok(None)
        }
    }

    fn program(&mut self) -> R<Program> {
        let mut prog = Program::default();
        loop {
            let pos = self.pos();
            match self.peek().clone() {
                Tok::Eof => break,
                Tok::Title(t) => {
                    self.bump();
                    prog.title = Some(t);
                }
                Tok::Verbatim(t) => {
                    self.bump();
                    prog.verbatims.push((t, pos));
                }
                Tok::Name(n) => {
                    self.bump();
                    match n.as_str() {
                        "NEURON" => self.neuron_block(&mut prog.neuron)?,
                        "UNITS" => self.units_block(&mut prog.units)?,
                        "PARAMETER" => self.decl_block(&mut prog.parameters, true)?,
                        "ASSIGNED" => self.decl_block(&mut prog.assigned, false)?,
                        "STATE" => self.decl_block(&mut prog.states, false)?,
                        "CONSTANT" => self.decl_block(&mut prog.constants, true)?,
                        "INDEPENDENT" | "DEPENDENT" => {
                            self.skip_braced()?;
                        }
                        "UNITSON" | "UNITSOFF" | "NEURON_UNITS_ON" => {}
                        "DEFINE" => {
                            let name = self.name()?;
                            let v = self.number()?;
                            prog.constants.push(VarDecl {
                                name,
                                len: None,
                                value: Some(v),
                                units: None,
                                pos,
                            });
                        }
                        "LOCAL" => {
                            let l = self.local_list()?;
                            prog.locals.extend(l);
                        }
                        "BREAKPOINT" => prog.breakpoint = Some((self.block()?, pos)),
                        "INITIAL" => prog.initial = Some((self.block()?, pos)),
                        "PROCEDURE" => {
                            let c = self.callable(pos, true)?;
                            prog.procedures.push(c)
                        }
                        "FUNCTION" => {
                            let c = self.callable(pos, true)?;
                            prog.functions.push(c)
                        }
                        "FUNCTION_TABLE" => {
                            let name = self.name()?;
                            let args = self.arg_list()?;
                            self.opt_units()?;
                            prog.function_tables.push(Callable {
                                name,
                                args,
                                body: vec![],
                                pos,
                            });
                        }
                        "DERIVATIVE" => {
                            let c = self.callable(pos, false)?;
                            prog.derivatives.push(c)
                        }
                        "KINETIC" => {
                            let c = self.callable(pos, false)?;
                            prog.kinetics.push(c)
                        }
                        "LINEAR" => {
                            let c = self.callable(pos, false)?;
                            prog.linears.push(c)
                        }
                        "NONLINEAR" => {
                            let c = self.callable(pos, false)?;
                            prog.nonlinears.push(c)
                        }
                        "NET_RECEIVE" => {
                            let args = if self.is_op("(") {
                                self.arg_list()?
                            } else {
                                vec![]
                            };
                            let body = self.block()?;
                            prog.net_receive = Some(Callable {
                                name: "NET_RECEIVE".into(),
                                args,
                                body,
                                pos,
                            });
                        }
                        "BEFORE" | "AFTER" => {
                            let what = self.name()?;
                            self.block()?;
                            prog.other_blocks.push((format!("{n} {what}"), pos));
                        }
                        "CONSTRUCTOR" | "DESTRUCTOR" | "TERMINAL" | "PLOT" => {
                            self.block()?;
                            prog.other_blocks.push((n.clone(), pos));
                        }
                        "DISCRETE" | "PARTIAL" | "SENS" => {
                            self.name()?;
                            self.block()?;
                            prog.other_blocks.push((n.clone(), pos));
                        }
                        "MODEL" => {
                            while !matches!(self.peek(), Tok::Eof) && self.pos().line == pos.line {
                                self.bump();
                            }
                        }
                        _ => {
                            self.i -= 1;
                            return self
                                .err("a top-level block (NEURON, PARAMETER, BREAKPOINT, …)");
                        }
                    }
                }
                _ => return self.err("a top-level block"),
            }
        }
        Ok(prog)
    }

    fn skip_braced(&mut self) -> R<()> {
        self.expect_op("{")?;
        let mut depth = 1;
        loop {
            match self.peek() {
                Tok::Op("{") => depth += 1,
                Tok::Op("}") => {
                    depth -= 1;
                    if depth == 0 {
                        self.bump();
                        return Ok(());
                    }
                }
                Tok::Eof => return self.err("`}`"),
                _ => {}
            }
            self.bump();
        }
    }

    fn name_list(&mut self) -> R<Vec<String>> {
        let mut v = vec![self.name()?];
        while self.eat_op(",") {
            v.push(self.name()?);
        }
        Ok(v)
    }

    fn neuron_block(&mut self, nb: &mut NeuronBlock) -> R<()> {
        self.expect_op("{")?;
        loop {
            let pos = self.pos();
            if self.eat_op("}") {
                return Ok(());
            }
            if let Tok::Verbatim(_) = self.peek() {
                self.bump();
                continue;
            }
            let kw = self.name()?;
            match kw.as_str() {
                "SUFFIX" | "POINT_PROCESS" | "ARTIFICIAL_CELL" => {
                    let n = self.name()?;
                    nb.kind = Some((kw.clone(), n, pos));
                }
                "USEION" => {
                    let ion = self.name()?;
                    let mut u = UseIon {
                        ion,
                        read: vec![],
                        write: vec![],
                        valence: None,
                        pos,
                    };
                    loop {
                        if self.is_name("READ") {
                            self.bump();
                            u.read.extend(self.name_list()?);
                        } else if self.is_name("WRITE") {
                            self.bump();
                            u.write.extend(self.name_list()?);
                        } else if self.is_name("VALENCE") {
                            self.bump();
                            u.valence = Some(self.number()?);
                        } else if self.is_name("REPRESENTS") {
                            self.bump();
                            self.representation()?;
                        } else {
                            break;
                        }
                    }
                    for w in &u.write {
                        if *w == format!("i{}", u.ion) {
                            nb.current_order.push(w.clone());
                        }
                    }
                    nb.useions.push(u);
                }
                "NONSPECIFIC_CURRENT" => {
                    let l = self.name_list()?;
                    nb.current_order.extend(l.iter().cloned());
                    nb.nonspecific.extend(l);
                }
                "ELECTRODE_CURRENT" => {
                    let l = self.name_list()?;
                    nb.current_order.extend(l.iter().cloned());
                    nb.electrode.extend(l);
                }
                "RANGE" => nb.range.extend(self.name_list()?),
                "GLOBAL" => nb.global.extend(self.name_list()?),
                "POINTER" | "BBCOREPOINTER" | "RANDOM" => {
                    for n in self.name_list()? {
                        nb.pointer.push((n, pos));
                    }
                }
                "EXTERNAL" => nb.external.extend(self.name_list()?),
                "THREADSAFE" => nb.threadsafe = true,
                "REPRESENTS" => self.representation()?,
                "SECTION" => {
                    self.name_list()?;
                }
                _ => {
                    self.i -= 1;
                    return self.err("a NEURON block statement (SUFFIX, USEION, RANGE, …)");
                }
            }
        }
    }

    fn representation(&mut self) -> R<()> {
        // REPRESENTS NCIT:C17145 — skip the ontology term
        self.name()?;
        if self.is_op(":") {
            self.bump();
        }
        if let Tok::Num(..) | Tok::Name(_) = self.peek() {
            self.bump();
        }
        Ok(())
    }

    fn units_block(&mut self, out: &mut Vec<UnitConst>) -> R<()> {
        self.expect_op("{")?;
        loop {
            let pos = self.pos();
            if self.eat_op("}") {
                return Ok(());
            }
            if self.is_op("(") {
                let u1 = self.units()?;
                self.expect_op("=")?;
                let u2 = self.units()?;
                out.push(UnitConst {
                    name: format!("({u1})"),
                    value: None,
                    units: vec![u2],
                    pos,
                });
                continue;
            }
            let name = self.name()?;
            self.expect_op("=")?;
            if self.is_op("(") {
                let mut units = vec![self.units()?];
                if self.is_op("(") {
                    units.push(self.units()?);
                }
                out.push(UnitConst {
                    name,
                    value: None,
                    units,
                    pos,
                });
            } else {
                let v = self.number()?;
                let u = self.opt_units()?;
                out.push(UnitConst {
                    name,
                    value: Some(v),
                    units: u.into_iter().collect(),
                    pos,
                });
            }
        }
    }

    fn decl_block(&mut self, out: &mut Vec<VarDecl>, allow_value: bool) -> R<()> {
        self.expect_op("{")?;
        loop {
            let pos = self.pos();
            if self.eat_op("}") {
                return Ok(());
            }
            if self.is_name("UNITSON") || self.is_name("UNITSOFF") {
                self.bump();
                continue;
            }
            let name = self.name()?;
            let mut d = VarDecl {
                name,
                len: None,
                value: None,
                units: None,
                pos,
            };
            if self.eat_op("[") {
                d.len = Some(self.integer()?);
                self.expect_op("]")?;
            }
            if self.eat_op("=") {
                let _ = allow_value;
                d.value = Some(self.number()?);
            }
            d.units = self.opt_units()?;
            if self.is_name("FROM") {
                self.bump();
                self.number()?;
                if !self.is_name("TO") {
                    return self.err("`TO`");
                }
                self.bump();
                self.number()?;
            }
            if self.eat_op("<") {
                self.number()?;
                self.expect_op(",")?;
                self.number()?;
                self.expect_op(">")?;
            }
            if self.is_name("START") {
                self.bump();
                d.value = Some(self.number()?);
            }
            out.push(d);
        }
    }

    fn local_list(&mut self) -> R<Vec<(String, Option<usize>)>> {
        let mut v = vec![];
        loop {
            let n = self.name()?;
            let mut len = None;
            if self.eat_op("[") {
                len = Some(self.integer()?);
                self.expect_op("]")?;
            }
            v.push((n, len));
            if !self.eat_op(",") {
                return Ok(v);
            }
        }
    }

    fn arg_list(&mut self) -> R<Vec<String>> {
        self.expect_op("(")?;
        let mut v = vec![];
        if self.eat_op(")") {
            return Ok(v);
        }
        loop {
            v.push(self.name()?);
            if self.is_op("(") {
                self.units()?;
            }
            if self.eat_op(")") {
                return Ok(v);
            }
            self.expect_op(",")?;
        }
    }

    fn callable(&mut self, pos: Pos, has_args: bool) -> R<Callable> {
        let name = self.name()?;
        let args = if has_args && self.is_op("(") {
            self.arg_list()?
        } else {
            vec![]
        };
        if self.is_op("(") {
            self.units()?;
        }
        let body = self.block()?;
        Ok(Callable {
            name,
            args,
            body,
            pos,
        })
    }

    fn block(&mut self) -> R<Vec<Stmt>> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return self.err("less deeply nested code");
        }
        self.expect_op("{")?;
        let mut v = vec![];
        while !self.eat_op("}") {
            if matches!(self.peek(), Tok::Eof) {
                return self.err("`}`");
            }
            if let Some(s) = self.stmt()? {
                v.push(s);
            }
        }
        self.depth -= 1;
        Ok(v)
    }

    fn stmt(&mut self) -> R<Option<Stmt>> {
        let pos = self.pos();
        match self.peek().clone() {
            Tok::Verbatim(t) => {
                self.bump();
                return Ok(Some(Stmt::Verbatim(t, pos)));
            }
            Tok::Op("{") => return Ok(Some(Stmt::Block(self.block()?, pos))),
            Tok::Op(";") => {
                self.bump();
                return Ok(None);
            }
            Tok::Op("~") => {
                self.bump();
                return self.tilde(pos).map(Some);
            }
            Tok::Name(n) => {
                match n.as_str() {
                    "LOCAL" => {
                        self.bump();
                        return Ok(Some(Stmt::Local(self.local_list()?, pos)));
                    }
                    "UNITSON" | "UNITSOFF" | "MUTEXLOCK" | "MUTEXUNLOCK" => {
                        self.bump();
                        return Ok(Some(Stmt::Nop(pos)));
                    }
                    "INITIAL" => {
                        self.bump();
                        let b = self.block()?;
                        return Ok(Some(Stmt::Initial(b, pos)));
                    }
                    "PROTECT" => {
                        self.bump();
                        let s = self.stmt()?.unwrap_or(Stmt::Nop(pos));
                        return Ok(Some(Stmt::Protect(Box::new(s), pos)));
                    }
                    "if" => {
                        self.bump();
                        return self.if_stmt(pos).map(Some);
                    }
                    "while" => {
                        self.bump();
                        self.expect_op("(")?;
                        let c = self.expr()?;
                        self.expect_op(")")?;
                        let b = self.block()?;
                        return Ok(Some(Stmt::While(c, b, pos)));
                    }
                    "FROM" => {
                        self.bump();
                        let var = self.name()?;
                        self.expect_op("=")?;
                        let lo = self.expr()?;
                        if !self.is_name("TO") {
                            return self.err("`TO`");
                        }
                        self.bump();
                        let hi = self.expr()?;
                        let by = if self.is_name("BY") {
                            self.bump();
                            Some(self.expr()?)
                        } else {
                            None
                        };
                        let b = self.block()?;
                        return Ok(Some(Stmt::From(var, lo, hi, by, b, pos)));
                    }
                    "SOLVE" => {
                        self.bump();
                        let name = self.name()?;
                        let mut method = None;
                        let mut steadystate = None;
                        loop {
                            if self.is_name("METHOD") {
                                self.bump();
                                method = Some(self.name()?);
                            } else if self.is_name("STEADYSTATE") {
                                self.bump();
                                steadystate = Some(self.name()?);
                            } else if self.is_name("IFERROR") {
                                self.bump();
                                self.block()?;
                            } else {
                                break;
                            }
                        }
                        return Ok(Some(Stmt::Solve {
                            name,
                            method,
                            steadystate,
                            pos,
                        }));
                    }
                    "CONSERVE" => {
                        self.bump();
                        let l = self.expr()?;
                        self.expect_op("=")?;
                        let r = self.expr()?;
                        return Ok(Some(Stmt::Conserve(l, r, pos)));
                    }
                    "COMPARTMENT" | "LONGITUDINAL_DIFFUSION" => {
                        self.bump();
                        // COMPARTMENT [i,] expr { states }
                        let mut depth = 0;
                        loop {
                            match self.peek() {
                                Tok::Op("{") => depth += 1,
                                Tok::Op("}") => {
                                    depth -= 1;
                                    if depth == 0 {
                                        self.bump();
                                        break;
                                    }
                                }
                                Tok::Eof => return self.err("`}`"),
                                _ => {}
                            }
                            self.bump();
                        }
                        return Ok(Some(Stmt::Unsupported(n.clone(), pos)));
                    }
                    "TABLE" => {
                        self.bump();
                        let mut vars = vec![];
                        if !self.is_name("DEPEND") && !self.is_name("FROM") {
                            vars = self.name_list()?;
                        }
                        let mut depend = vec![];
                        if self.is_name("DEPEND") {
                            self.bump();
                            depend = self.name_list()?;
                        }
                        if !self.is_name("FROM") {
                            return self.err("`FROM`");
                        }
                        self.bump();
                        let lo = self.expr()?;
                        if !self.is_name("TO") {
                            return self.err("`TO`");
                        }
                        self.bump();
                        let hi = self.expr()?;
                        if !self.is_name("WITH") {
                            return self.err("`WITH`");
                        }
                        self.bump();
                        let n = self.expr()?;
                        return Ok(Some(Stmt::Table {
                            vars,
                            depend,
                            lo,
                            hi,
                            n,
                            pos,
                        }));
                    }
                    "WATCH" => {
                        self.bump();
                        let mut v = vec![];
                        loop {
                            self.expect_op("(")?;
                            let c = self.expr()?;
                            self.expect_op(")")?;
                            let f = self.expr()?;
                            v.push((c, f));
                            if !self.eat_op(",") {
                                break;
                            }
                        }
                        return Ok(Some(Stmt::Watch(v, pos)));
                    }
                    "FOR_NETCONS" => {
                        self.bump();
                        let args = self.arg_list()?;
                        let b = self.block()?;
                        return Ok(Some(Stmt::ForNetcons(args, b, pos)));
                    }
                    _ => {}
                }
                // assignment, derivative or call
                if matches!(self.peek_at(1), Tok::Op("(")) {
                    let e = self.expr()?;
                    return Ok(Some(Stmt::Expr(e, pos)));
                }
                let name = self.name()?;
                let mut idx = None;
                if self.eat_op("[") {
                    idx = Some(self.expr()?);
                    self.expect_op("]")?;
                }
                if self.eat_op("'") {
                    self.expect_op("=")?;
                    let e = self.expr()?;
                    return Ok(Some(Stmt::Deriv(name, idx, e, pos)));
                }
                if self.eat_op("=") {
                    let e = self.expr()?;
                    return Ok(Some(Stmt::Assign(name, idx, e, pos)));
                }
                self.err("`=` (assignment) or `(` (call)")
            }
            _ => self.err("a statement"),
        }
    }

    fn if_stmt(&mut self, pos: Pos) -> R<Stmt> {
        self.expect_op("(")?;
        let c = self.expr()?;
        self.expect_op(")")?;
        let then = self.block()?;
        let mut els = vec![];
        if self.is_name("else") {
            self.bump();
            if self.is_name("if") {
                let p2 = self.pos();
                self.bump();
                els.push(self.if_stmt(p2)?);
            } else {
                els = self.block()?;
            }
        }
        Ok(Stmt::If(c, then, els, pos))
    }

    fn react_side(&mut self) -> R<Vec<ReactTerm>> {
        let mut v = vec![];
        loop {
            let mut coef = 1;
            if let Tok::Num(..) = self.peek() {
                coef = self.integer()? as u32;
            }
            let name = self.name()?;
            let mut index = None;
            if self.eat_op("[") {
                index = Some(self.expr()?);
                self.expect_op("]")?;
            }
            v.push(ReactTerm { coef, name, index });
            if !self.eat_op("+") {
                return Ok(v);
            }
        }
    }

    fn tilde(&mut self, pos: Pos) -> R<Stmt> {
        // Either a reaction (names joined by + followed by an arrow) or an equation `e = e`.
        let save = self.i;
        if let Ok(lhs) = self.react_side() {
            let arrow = if self.eat_op("<->") {
                Some(Arrow::Both)
            } else if self.eat_op("->") {
                Some(Arrow::Forward)
            } else if self.eat_op("<<") {
                Some(Arrow::Flux)
            } else {
                None
            };
            if let Some(arrow) = arrow {
                let rhs = if arrow == Arrow::Flux {
                    vec![]
                } else {
                    self.react_side()?
                };
                self.expect_op("(")?;
                let kf = self.expr()?;
                let kb = if self.eat_op(",") {
                    Some(self.expr()?)
                } else {
                    None
                };
                self.expect_op(")")?;
                if arrow == Arrow::Both && kb.is_none() {
                    return self.err("`,` and a backward rate");
                }
                return Ok(Stmt::Reaction {
                    lhs,
                    arrow,
                    rhs,
                    kf,
                    kb,
                    pos,
                });
            }
        }
        self.i = save;
        let l = self.expr()?;
        self.expect_op("=")?;
        let r = self.expr()?;
        Ok(Stmt::Equation(l, r, pos))
    }

    // ---- expressions: || < && < relational < + - < * / < unary < ^
    pub fn expr(&mut self) -> R<Expr> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return self.err("a less deeply nested expression");
        }
        let r = self.or_expr();
        self.depth -= 1;
        r
    }
    fn or_expr(&mut self) -> R<Expr> {
        let mut l = self.and_expr()?;
        while self.is_op("||") {
            let p = self.pos();
            self.bump();
            let r = self.and_expr()?;
            l = Expr::Bin(BinOp::Or, Box::new(l), Box::new(r), p);
        }
        Ok(l)
    }
    fn and_expr(&mut self) -> R<Expr> {
        let mut l = self.rel_expr()?;
        while self.is_op("&&") {
            let p = self.pos();
            self.bump();
            let r = self.rel_expr()?;
            l = Expr::Bin(BinOp::And, Box::new(l), Box::new(r), p);
        }
        Ok(l)
    }
    fn rel_expr(&mut self) -> R<Expr> {
        let mut l = self.add_expr()?;
        loop {
            let op = match self.peek() {
                Tok::Op("<") => BinOp::Lt,
                Tok::Op("<=") => BinOp::Le,
                Tok::Op(">") => BinOp::Gt,
                Tok::Op(">=") => BinOp::Ge,
                Tok::Op("==") => BinOp::Eq,
                Tok::Op("!=") => BinOp::Ne,
                _ => return Ok(l),
            };
            let p = self.pos();
            self.bump();
            let r = self.add_expr()?;
            l = Expr::Bin(op, Box::new(l), Box::new(r), p);
        }
    }
    fn add_expr(&mut self) -> R<Expr> {
        let mut l = self.mul_expr()?;
        loop {
            let op = match self.peek() {
                Tok::Op("+") => BinOp::Add,
                Tok::Op("-") => BinOp::Sub,
                _ => return Ok(l),
            };
            let p = self.pos();
            self.bump();
            let r = self.mul_expr()?;
            l = Expr::Bin(op, Box::new(l), Box::new(r), p);
        }
    }
    fn mul_expr(&mut self) -> R<Expr> {
        let mut l = self.unary()?;
        loop {
            let op = match self.peek() {
                Tok::Op("*") => BinOp::Mul,
                Tok::Op("/") => BinOp::Div,
                _ => return Ok(l),
            };
            let p = self.pos();
            self.bump();
            let r = self.unary()?;
            l = Expr::Bin(op, Box::new(l), Box::new(r), p);
        }
    }
    fn unary(&mut self) -> R<Expr> {
        let p = self.pos();
        if self.eat_op("-") {
            self.depth += 1;
            if self.depth > MAX_DEPTH {
                return self.err("a less deeply nested expression");
            }
            let e = self.unary()?;
            self.depth -= 1;
            return Ok(Expr::Neg(Box::new(e), p));
        }
        if self.eat_op("+") {
            return self.unary();
        }
        if self.eat_op("!") {
            self.depth += 1;
            if self.depth > MAX_DEPTH {
                return self.err("a less deeply nested expression");
            }
            let e = self.unary()?;
            self.depth -= 1;
            return Ok(Expr::Not(Box::new(e), p));
        }
        self.pow_expr()
    }
    fn pow_expr(&mut self) -> R<Expr> {
        let base = self.primary()?;
        if self.is_op("^") {
            let p = self.pos();
            self.bump();
            // right associative, binds tighter than unary minus on its left but allows -x on
            // its right
            self.depth += 1;
            if self.depth > MAX_DEPTH {
                return self.err("a less deeply nested expression");
            }
            let e = self.unary()?;
            self.depth -= 1;
            return Ok(Expr::Bin(BinOp::Pow, Box::new(base), Box::new(e), p));
        }
        Ok(base)
    }
    fn primary(&mut self) -> R<Expr> {
        let p = self.pos();
        match self.peek().clone() {
            Tok::Num(v, _) => {
                self.bump();
                // a number may carry units: `2 (mV)`
                if self.is_op("(") {
                    self.units()?;
                }
                Ok(Expr::Num(v, p))
            }
            Tok::Str(s) => {
                self.bump();
                Ok(Expr::Str(s, p))
            }
            Tok::Op("(") => {
                self.bump();
                let e = self.expr()?;
                self.expect_op(")")?;
                Ok(Expr::Paren(Box::new(e)))
            }
            Tok::Name(n) => {
                self.bump();
                if self.eat_op("(") {
                    let mut args = vec![];
                    if !self.eat_op(")") {
                        loop {
                            args.push(self.expr()?);
                            if self.eat_op(")") {
                                break;
                            }
                            self.expect_op(",")?;
                        }
                    }
                    return Ok(Expr::Call(n, args, p));
                }
                let mut idx = None;
                if self.eat_op("[") {
                    idx = Some(Box::new(self.expr()?));
                    self.expect_op("]")?;
                }
                Ok(Expr::Var(n, idx, p))
            }
            _ => self.err("an expression"),
        }
    }
}
