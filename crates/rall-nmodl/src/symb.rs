//! Symbolic helpers on expressions: dependence, substitution, differentiation (with nocmodl's
//! zero/one simplifications, which do not change the value of any operation performed).
#![allow(clippy::collapsible_match, clippy::collapsible_else_if)]

use crate::ast::{BinOp, Expr, Pos};

/// Does `e` mention variable `x`?
pub fn depends(e: &Expr, x: &str) -> bool {
    match e {
        Expr::Num(..) | Expr::Str(..) => false,
        Expr::Var(n, i, _) => n == x || i.as_ref().is_some_and(|i| depends(i, x)),
        Expr::Call(_, a, _) => a.iter().any(|a| depends(a, x)),
        Expr::Bin(_, a, b, _) => depends(a, x) || depends(b, x),
        Expr::Neg(a, _) | Expr::Not(a, _) | Expr::Paren(a) => depends(a, x),
    }
}

/// Replace variable `x` by `by`.
pub fn subst(e: &Expr, x: &str, by: &Expr) -> Expr {
    match e {
        Expr::Var(n, None, _) if n == x => by.clone(),
        Expr::Num(..) | Expr::Str(..) | Expr::Var(..) => e.clone(),
        Expr::Call(f, a, p) => {
            Expr::Call(f.clone(), a.iter().map(|a| subst(a, x, by)).collect(), *p)
        }
        Expr::Bin(op, a, b, p) => Expr::Bin(
            *op,
            Box::new(subst(a, x, by)),
            Box::new(subst(b, x, by)),
            *p,
        ),
        Expr::Neg(a, p) => Expr::Neg(Box::new(subst(a, x, by)), *p),
        Expr::Not(a, p) => Expr::Not(Box::new(subst(a, x, by)), *p),
        Expr::Paren(a) => Expr::Paren(Box::new(subst(a, x, by))),
    }
}

fn num(v: f64) -> Expr {
    Expr::Num(v, Pos::default())
}

fn is_num(e: &Expr, v: f64) -> bool {
    match e {
        Expr::Num(x, _) => *x == v,
        Expr::Paren(a) => is_num(a, v),
        _ => false,
    }
}

fn bin(op: BinOp, a: Expr, b: Expr) -> Expr {
    Expr::Bin(op, Box::new(a), Box::new(b), Pos::default())
}

/// d e / d x. Returns None if the expression is not differentiable here (a call depending on x,
/// a comparison, …).
pub fn deriv(e: &Expr, x: &str) -> Option<Expr> {
    if !depends(e, x) {
        return Some(num(0.0));
    }
    Some(match e {
        Expr::Var(n, None, _) if n == x => num(1.0),
        Expr::Paren(a) => deriv(a, x)?,
        Expr::Neg(a, p) => {
            let d = deriv(a, x)?;
            Expr::Neg(Box::new(d), *p)
        }
        Expr::Bin(op, a, b, _) => {
            let da = deriv(a, x)?;
            let db = deriv(b, x)?;
            let za = is_num(&da, 0.0);
            let zb = is_num(&db, 0.0);
            match op {
                BinOp::Add => {
                    if za {
                        db
                    } else if zb {
                        da
                    } else {
                        bin(BinOp::Add, da, db)
                    }
                }
                BinOp::Sub => {
                    if za {
                        Expr::Neg(Box::new(db), Pos::default())
                    } else if zb {
                        da
                    } else {
                        bin(BinOp::Sub, da, db)
                    }
                }
                BinOp::Mul => {
                    let t1 = if za {
                        None
                    } else if is_num(&da, 1.0) {
                        Some((**b).clone())
                    } else {
                        Some(bin(BinOp::Mul, da, (**b).clone()))
                    };
                    let t2 = if zb {
                        None
                    } else if is_num(&db, 1.0) {
                        Some((**a).clone())
                    } else {
                        Some(bin(BinOp::Mul, (**a).clone(), db))
                    };
                    match (t1, t2) {
                        (Some(p), Some(q)) => bin(BinOp::Add, p, q),
                        (Some(p), None) => p,
                        (None, Some(q)) => q,
                        (None, None) => num(0.0),
                    }
                }
                BinOp::Div => {
                    if zb {
                        bin(BinOp::Div, da, (**b).clone())
                    } else {
                        // the variable in a denominator: nocmodl gives up on cnexp here
                        return None;
                    }
                }
                BinOp::Pow => {
                    if zb {
                        // a^c: c*a^(c-1)*da
                        let c = (**b).clone();
                        let p = bin(
                            BinOp::Pow,
                            (**a).clone(),
                            bin(BinOp::Sub, c.clone(), num(1.0)),
                        );
                        bin(BinOp::Mul, bin(BinOp::Mul, c, p), da)
                    } else {
                        return None;
                    }
                }
                _ => return None,
            }
        }
        _ => return None,
    })
}

/// Is the expression linear in `x` (its derivative does not depend on `x`)?
pub fn linear_in(e: &Expr, x: &str) -> Option<Expr> {
    let d = deriv(e, x)?;
    if depends(&d, x) {
        None
    } else {
        Some(d)
    }
}
