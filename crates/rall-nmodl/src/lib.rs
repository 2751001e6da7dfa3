//! rall-nmodl: NMODL mechanisms loaded at run time and executed with NEURON's exact arithmetic.
//!
//! * [`runtime`] is the interface the cable engine uses ([`Mechanism`], [`MechInstances`],
//!   [`Ctx`], [`EventSink`], [`IonArrays`]).
//! * [`Catalogue`] holds mechanism types: the built-ins and those compiled from `.mod` files.
//! * [`check_files`] is what `rall nmodl check` calls.

pub mod ast;
pub mod builtins;
pub mod check;
pub mod compile;
pub mod error;
pub mod lexer;
pub mod parser;
pub mod runtime;
pub(crate) mod solvers;
pub(crate) mod symb;
pub(crate) mod vm;

pub use check::{check_file, check_files, MechanismSummary};
pub use error::{ExecError, Loc, NmodlError};
pub use runtime::{
    memb_order, nernst, promote_style, Ctx, EventSink, Globals, IonArrays, MechInstances, MechKind,
    MechMeta, Mechanism, NoEvents, VarId,
};

/// A set of mechanism types by name: the built-ins plus any loaded `.mod` files.
#[derive(Debug, Clone, Default)]
pub struct Catalogue {
    mechs: Vec<Mechanism>,
}

impl Catalogue {
    /// An empty catalogue.
    pub fn empty() -> Catalogue {
        Catalogue::default()
    }
    /// The built-ins: `pas`, `hh`, `ExpSyn`, `Exp2Syn`, `IClamp`, `SEClamp`, `VecStim`,
    /// `NetStim`, `IntFire1`.
    pub fn builtin() -> Catalogue {
        builtins::catalogue()
    }
    /// Compile a `.mod` file and add (or replace) its mechanism; returns it.
    /// User mods are ranked (for [`memb_order`]) in alphabetical order of their file names,
    /// as nrnivmodl registers them.
    pub fn load_file(&mut self, path: &std::path::Path) -> Result<Mechanism, NmodlError> {
        let text = std::fs::read_to_string(path).map_err(|e| NmodlError::Io {
            file: path.display().to_string(),
            source: e,
        })?;
        self.load_source(&path.display().to_string(), &text)
    }
    /// Compile NMODL text (`file` is used in diagnostics) and add its mechanism.
    pub fn load_source(&mut self, file: &str, text: &str) -> Result<Mechanism, NmodlError> {
        let m = compile::compile(file, text)?;
        self.insert(m.clone());
        Ok(m)
    }
    /// Add a mechanism (replacing one of the same name).
    pub fn insert(&mut self, m: Mechanism) {
        self.mechs.retain(|x| x.name() != m.name());
        self.mechs.push(m);
    }
    /// Look a mechanism up by name.
    pub fn get(&self, name: &str) -> Option<&Mechanism> {
        self.mechs.iter().find(|m| m.name() == name)
    }
    /// All mechanisms.
    pub fn mechanisms(&self) -> &[Mechanism] {
        &self.mechs
    }
}
