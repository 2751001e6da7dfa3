//! Error types. Every error names the place (file and line for SWC input, section for edits).

use thiserror::Error;

/// A malformed SWC file. `file` is the name the caller passed to the parser.
#[derive(Debug, Error, Clone, PartialEq)]
pub enum SwcError {
    #[error("{file}:{line}: could not parse SWC row (expected 7 numbers: id type x y z radius parent): {text:?}")]
    BadColumns {
        file: String,
        line: usize,
        text: String,
    },
    #[error("{file}:{line}: {what} must be an integer, got {value}")]
    NotInteger {
        file: String,
        line: usize,
        what: &'static str,
        value: f64,
    },
    #[error("{file}:{line}: parent id {pid} is not less than id {id} (cycles and forward references are not allowed)")]
    ParentNotLess {
        file: String,
        line: usize,
        id: i64,
        pid: i64,
    },
    #[error("{file}:{line}: parent id {pid} of point {id} does not exist")]
    MissingParent {
        file: String,
        line: usize,
        id: i64,
        pid: i64,
    },
    #[error("{file}:{line}: duplicate id {id} (first at line {first_line})")]
    DuplicateId {
        file: String,
        line: usize,
        first_line: usize,
        id: i64,
    },
    #[error("{file}:{line}: more than one tree (a second root point, parent -1; first root at line {first_line})")]
    MultipleRoots {
        file: String,
        line: usize,
        first_line: usize,
    },
    #[error("{file}: no soma (no point of type 1)")]
    NoSoma { file: String },
    #[error("{file}: no points")]
    Empty { file: String },
    #[error("{file}: read error: {msg}")]
    Read { file: String, msg: String },
}

/// Errors from editing or discretising a morphology.
#[derive(Debug, Error, Clone, PartialEq)]
pub enum CableError {
    #[error(transparent)]
    Swc(#[from] SwcError),
    #[error("section {0} does not exist (deleted or out of range)")]
    NoSection(usize),
    #[error("section {section}: {what}")]
    BadSection { section: String, what: String },
    #[error("connecting {child} to {parent} would create a loop")]
    Loop { child: String, parent: String },
    #[error("x = {x} outside [0, 1] for section {section}")]
    BadX { section: String, x: f64 },
    #[error("no section named {0}")]
    NoSuchName(String),
    #[error("{0}")]
    Model(String),
}
