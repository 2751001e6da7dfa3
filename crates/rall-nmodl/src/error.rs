//! Error types.

use std::fmt;

/// A place in a source file (1-based line and column).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Loc {
    /// File name as given.
    pub file: String,
    /// Line (1-based).
    pub line: u32,
    /// Column (1-based, in characters).
    pub col: u32,
}

impl fmt::Display for Loc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.col)
    }
}

/// Errors from loading a mechanism. `Syntax` and `Semantic` are the user's; `Internal` is ours.
#[derive(Debug, thiserror::Error)]
pub enum NmodlError {
    /// The file could not be read.
    #[error("{file}: cannot read: {source}")]
    Io {
        /// File name.
        file: String,
        /// Cause.
        source: std::io::Error,
    },
    /// Lexical or syntax error.
    #[error("{loc}: syntax error: {msg}")]
    Syntax {
        /// Where.
        loc: Loc,
        /// What was expected / found.
        msg: String,
    },
    /// The file parses but cannot be analysed or executed (unknown name, unsupported feature…).
    #[error("{loc}: error: {msg}")]
    Semantic {
        /// Where.
        loc: Loc,
        /// What is wrong.
        msg: String,
    },
    /// A bug in rall-nmodl (never the user's fault).
    #[error("internal error in rall-nmodl (please report): {0}")]
    Internal(String),
}

impl NmodlError {
    /// True for errors caused by the input (syntax, semantics, I/O), false for internal ones.
    pub fn is_user_error(&self) -> bool {
        !matches!(self, NmodlError::Internal(_))
    }
}

/// Errors while running a kernel.
#[derive(Debug, thiserror::Error)]
pub enum ExecError {
    /// Newton iteration (derivimplicit) did not converge.
    #[error("{mech}: {method} did not converge at instance {instance} (t = {t})")]
    NoConvergence {
        /// Mechanism name.
        mech: String,
        /// Method.
        method: &'static str,
        /// Instance.
        instance: usize,
        /// Time.
        t: f64,
    },
    /// A linear system was singular.
    #[error("{mech}: singular matrix in {method} at instance {instance}")]
    Singular {
        /// Mechanism name.
        mech: String,
        /// Method.
        method: &'static str,
        /// Instance.
        instance: usize,
    },
    /// The model uses something this implementation cannot reproduce.
    #[error("{0}")]
    Unsupported(String),
    /// A TABLE's `WITH` evaluated to something that is not a usable point count.
    #[error("{mech}: TABLE grid FROM {lo} TO {hi} WITH {with}: WITH must be a number of intervals between 1 and 10,000,000")]
    BadTable {
        /// Mechanism name.
        mech: String,
        /// FROM.
        lo: f64,
        /// TO.
        hi: f64,
        /// WITH.
        with: f64,
    },
    /// A bug in rall-nmodl.
    #[error("internal error in rall-nmodl (please report): {0}")]
    Internal(String),
}
