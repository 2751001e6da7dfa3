//! `rall nmodl check`: parse and analyse mod files and describe each mechanism.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::error::NmodlError;
use crate::runtime::{GlobalInfo, IonUseInfo, MechKind, Mechanism, RangeVarInfo, VarRole};

/// What `rall nmodl check` prints for one mechanism.
#[derive(Debug, Clone)]
pub struct MechanismSummary {
    /// The file.
    pub file: PathBuf,
    /// Mechanism name.
    pub name: String,
    /// Kind.
    pub kind: MechKind,
    /// USEION statements.
    pub ions: Vec<IonUseInfo>,
    /// Range parameters (name, default, units).
    pub parameters: Vec<RangeVarInfo>,
    /// Globals (per type).
    pub globals: Vec<GlobalInfo>,
    /// States.
    pub states: Vec<RangeVarInfo>,
    /// Solve methods of BREAKPOINT's SOLVE statements.
    pub solve_methods: Vec<String>,
    /// Recognised and replaced by a native implementation (e.g. "VecStim").
    pub native: Option<String>,
    /// NONSPECIFIC/ELECTRODE currents.
    pub currents: Vec<String>,
    /// NET_RECEIVE arity.
    pub net_receive: Option<usize>,
}

impl MechanismSummary {
    /// Summary of a compiled mechanism.
    pub fn of(file: &Path, m: &Mechanism) -> MechanismSummary {
        let meta = m.meta();
        MechanismSummary {
            file: file.to_path_buf(),
            name: meta.name.clone(),
            kind: meta.kind,
            ions: meta.ions.clone(),
            parameters: meta
                .range
                .iter()
                .filter(|r| r.role == VarRole::Parameter)
                .cloned()
                .collect(),
            globals: meta.globals.clone(),
            states: meta
                .range
                .iter()
                .filter(|r| r.role == VarRole::State)
                .cloned()
                .collect(),
            solve_methods: meta.solve_methods.clone(),
            native: matches!(m.0.backend, crate::runtime::Backend::VecStim)
                .then(|| "VecStim".to_string()),
            currents: meta
                .nonspecific
                .iter()
                .chain(&meta.electrode)
                .cloned()
                .collect(),
            net_receive: meta.net_receive_arity,
        }
    }
}

fn units(u: &Option<String>) -> String {
    u.as_ref().map(|u| format!(" ({u})")).unwrap_or_default()
}

impl fmt::Display for MechanismSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.kind {
            MechKind::Density => "density mechanism (SUFFIX)",
            MechKind::Point => "point process",
            MechKind::Artificial => "artificial cell",
        };
        writeln!(f, "{}: {} — {kind}", self.file.display(), self.name)?;
        if let Some(n) = &self.native {
            writeln!(f, "  recognised as {n} (native implementation)")?;
        }
        for i in &self.ions {
            write!(
                f,
                "  ion {}: read [{}] write [{}]",
                i.ion,
                i.reads.join(", "),
                i.writes.join(", ")
            )?;
            if let Some(v) = i.valence {
                write!(f, " valence {v}")?;
            }
            writeln!(f)?;
        }
        if !self.currents.is_empty() {
            writeln!(f, "  currents: {}", self.currents.join(", "))?;
        }
        for p in &self.parameters {
            writeln!(
                f,
                "  parameter {} = {}{}",
                p.name,
                p.default,
                units(&p.units)
            )?;
        }
        for g in &self.globals {
            writeln!(
                f,
                "  global {} = {}{}{}",
                g.name,
                g.default,
                units(&g.units),
                if g.assigned { " [assigned]" } else { "" }
            )?;
        }
        for s in &self.states {
            writeln!(f, "  state {}{}", s.name, units(&s.units))?;
        }
        if !self.solve_methods.is_empty() {
            writeln!(f, "  solve: {}", self.solve_methods.join(", "))?;
        }
        if let Some(n) = self.net_receive {
            writeln!(f, "  NET_RECEIVE with {n} argument(s)")?;
        }
        Ok(())
    }
}

/// Parse, analyse and compile one file.
pub fn check_file(path: &Path) -> Result<MechanismSummary, NmodlError> {
    let text = std::fs::read_to_string(path).map_err(|e| NmodlError::Io {
        file: path.display().to_string(),
        source: e,
    })?;
    let m = crate::compile::compile(&path.display().to_string(), &text)?;
    Ok(MechanismSummary::of(path, &m))
}

/// `rall nmodl check FILE…`: one result per file, in order. The CLI prints each summary (or
/// the error, which carries file:line:col) and exits non-zero if any is an error.
pub fn check_files<P: AsRef<Path>>(paths: &[P]) -> Vec<Result<MechanismSummary, NmodlError>> {
    paths.iter().map(|p| check_file(p.as_ref())).collect()
}
