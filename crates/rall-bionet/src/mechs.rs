//! Mechanism lookup: NEURON's built-ins plus every `.mod` file of the mechanisms directory
//! (`components.mechanisms_dir`, or its `modfiles/` subdirectory, as BMTK's layout has it).

use std::path::{Path, PathBuf};

use rall_cable::MechType;
use rall_nmodl::Catalogue;

use crate::error::{BionetError, Result};

/// The mechanisms available to a run and where they were searched.
#[derive(Debug, Clone)]
pub struct Mechanisms {
    pub catalogue: Catalogue,
    /// Directories searched for `.mod` files.
    pub searched: Vec<PathBuf>,
    /// `.mod` files that failed to compile (file, message); only an error when a mechanism
    /// they might define is needed.
    pub failed: Vec<(PathBuf, String)>,
}

impl Mechanisms {
    /// Built-ins plus the `.mod` files under `dir` and `dir/modfiles` (sorted by file name, as
    /// nrnivmodl registers them). A `.mod` defining a built-in name (e.g. `vecevent.mod`'s
    /// VecStim) does not replace the built-in.
    pub fn load(dir: Option<&Path>) -> Result<Mechanisms> {
        let mut catalogue = Catalogue::builtin();
        let builtin: Vec<String> = catalogue
            .mechanisms()
            .iter()
            .map(|m| m.name().to_string())
            .collect();
        let mut searched = Vec::new();
        let mut failed = Vec::new();
        let mut files = Vec::new();
        if let Some(d) = dir {
            for cand in [d.to_path_buf(), d.join("modfiles")] {
                searched.push(cand.clone());
                let Ok(rd) = std::fs::read_dir(&cand) else {
                    continue;
                };
                for e in rd.flatten() {
                    let p = e.path();
                    if p.extension().is_some_and(|x| x == "mod") {
                        files.push(p);
                    }
                }
            }
        }
        files.sort_by(|a, b| a.file_name().cmp(&b.file_name()));
        for p in files {
            let text = std::fs::read_to_string(&p).map_err(|source| BionetError::Io {
                path: p.clone(),
                source,
            })?;
            let mut scratch = Catalogue::empty();
            match scratch.load_source(&p.display().to_string(), &text) {
                Ok(m) => {
                    if !builtin.iter().any(|b| b == m.name()) {
                        catalogue.insert(m);
                    }
                }
                Err(e) => failed.push((p.clone(), e.to_string())),
            }
        }
        Ok(Mechanisms {
            catalogue,
            searched,
            failed,
        })
    }

    /// The mechanism `name`, or an error saying who wanted it and where it was looked for.
    pub fn get(&self, name: &str, referenced_by: &str) -> Result<MechType> {
        match self.catalogue.get(name) {
            Some(m) => Ok(MechType::Nmodl(m.clone())),
            None => Err(self.unknown(name, referenced_by)),
        }
    }

    pub fn has(&self, name: &str) -> bool {
        self.catalogue.get(name).is_some()
    }

    pub fn unknown(&self, name: &str, referenced_by: &str) -> BionetError {
        let mut searched = if self.searched.is_empty() {
            "built-ins only (no mechanisms_dir)".to_string()
        } else {
            format!(
                "built-ins, {}",
                self.searched
                    .iter()
                    .map(|p| p.display().to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        if !self.failed.is_empty() {
            searched.push_str("; files that failed to compile: ");
            searched.push_str(
                &self
                    .failed
                    .iter()
                    .map(|(p, e)| format!("{} ({e})", p.display()))
                    .collect::<Vec<_>>()
                    .join(", "),
            );
        }
        BionetError::UnknownMechanism {
            mechanism: name.to_string(),
            referenced_by: referenced_by.to_string(),
            searched,
        }
    }
}
