//! rall-nmodl: NMODL mechanisms loaded at run time and executed with NEURON's exact arithmetic
//! (no C compiler).
//!
//! * [`runtime`] is the interface the cable engine uses ([`Mechanism`], [`MechInstances`],
//!   [`Ctx`], [`EventSink`], [`IonArrays`], [`memb_order`]); its module documentation says which
//!   side (engine or mechanism) does what in `finitialize` and `fadvance`.
//! * [`Catalogue`] holds mechanism types: the built-ins (`pas`, `hh`, `ExpSyn`, `Exp2Syn`,
//!   `IClamp`, `SEClamp`, `VecStim`, `NetStim`, `IntFire1`) and those compiled from `.mod` files.
//! * [`check_files`] is what `rall nmodl check` calls.
//!
//! Pipeline: [`lexer`] → [`parser`] ([`ast`]) → [`compile`] (semantic analysis and lowering that
//! reproduce nocmodl's forms: BREAKPOINT evaluated at v+0.001 and v, cnexp's
//! `s + (1 - exp(dt*A))*(-B/A - s)`, derivimplicit's Newton, KINETIC/sparse assembly with
//! CONSERVE, LINEAR, TABLE, `t + delay` for net_send, by-value arguments, local `v`) → kernels
//! (`vm::Kernel`) executed by one of three tiers that perform the same IEEE operations in the
//! same order, so they give the same bits:
//! * [`jit`] (feature `jit`, on by default): the `current`/`state` kernels compiled to native
//!   code with Cranelift on first use (pure Rust; two instances per iteration in f64x2
//!   registers for straight-line kernels);
//! * the VM's scalar path for types with at most 4 instances, and its batched
//!   structure-of-arrays path (`vm`, 32 lanes per instruction) for the rest — the tier for
//!   kernels the JIT does not compile (LINEAR/derivimplicit solves, TABLEs, events),
//!   INITIAL and NET_RECEIVE.
//!
//! ```no_run
//! use rall_nmodl::{Catalogue, Ctx, Globals, IonArrays, NoEvents};
//! let mut cat = Catalogue::builtin();
//! cat.load_file(std::path::Path::new("NaTs.mod")).unwrap();
//! let nats = cat.get("NaTs").unwrap();
//! let mut ions = vec![IonArrays::new("na", None, 3)];
//! let mut inst = nats.instantiate(&[1], &[0]); // one instance at node 1, ion "na" in slot 0
//! inst.set("gbar", 0, 0.5);
//! let (v, area, diam) = (vec![-65.0; 3], vec![100.0; 3], vec![1.0; 3]);
//! let (mut rhs, mut d) = (vec![0.0; 3], vec![0.0; 3]);
//! let mut ctx = Ctx { v: &v, rhs: &mut rhs, d: &mut d, area: &area, diam: &diam,
//!                     ions: &mut ions, globals: Globals { t: 0.0, dt: 0.025, celsius: 34.0 } };
//! inst.init(&mut ctx, &mut NoEvents).unwrap();
//! inst.current(&mut ctx).unwrap();
//! inst.state(&mut ctx).unwrap();
//! ```

pub mod ast;
pub mod builtins;
pub mod check;
pub mod compile;
pub mod error;
#[cfg(feature = "jit")]
pub mod jit;
pub mod lexer;
pub mod parser;
pub mod runtime;
pub(crate) mod solvers;
pub(crate) mod symb;
pub mod vm;

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
