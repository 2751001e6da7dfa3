//! Raw stage: read a config file (and the `network` / `simulation` files it names), resolve
//! manifest variables, merge, and apply BMTK's post-processing — producing the same merged
//! document BMTK's `SonataConfig.from_json` builds, plus provenance for error messages.

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};
use std::time::SystemTime;

use serde_json::{Map, Value};

use super::error::{json_kind, ConfigError, ConfigWarning};
use super::manifest::{builtin_vars, resolve_manifest, substitute_tree, Scope};

/// Options for [`RawConfig::load_with_options`].
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// User variables (BMTK's `**opts` of `from_json`, e.g. `validate=True` from
    /// `run_bionet.py`). They shadow manifest entries and built-ins everywhere, including
    /// inside manifest values; a non-string value used as a whole string keeps its type.
    pub vars: Map<String, Value>,
    /// Directory that relative paths are relative to (BMTK: the process working directory,
    /// also the `${workingdir}` variable). Default: [`std::env::current_dir`].
    pub working_dir: Option<PathBuf>,
    /// Clock for the `time` / `date` / `datetime` built-ins. Default: now.
    pub now: Option<SystemTime>,
}

/// A config after variable substitution, merging and post-processing, still as JSON.
///
/// The document equals what BMTK 1.2.0 builds for the same file (`config_path`,
/// `config_dir`, resolved `manifest`, merged `network`/`simulation` parts, output paths joined
/// to `output_dir`, `node_sets` loaded from `node_sets_file`), with the exceptions listed on
/// [`RawConfig::load_with_options`].
#[derive(Debug, Clone)]
pub struct RawConfig {
    path: PathBuf,
    working_dir: PathBuf,
    doc: Map<String, Value>,
    origins: BTreeMap<String, PathBuf>,
    warnings: Vec<ConfigWarning>,
}

impl RawConfig {
    /// Loads `path` with no user variables, relative paths against the current directory.
    pub fn load(path: impl AsRef<Path>) -> Result<Self, ConfigError> {
        Self::load_with_options(path, &LoadOptions::default())
    }

    /// Loads `path` with user variables (see [`LoadOptions::vars`]).
    pub fn load_with_vars(
        path: impl AsRef<Path>,
        vars: Map<String, Value>,
    ) -> Result<Self, ConfigError> {
        Self::load_with_options(
            path,
            &LoadOptions {
                vars,
                ..LoadOptions::default()
            },
        )
    }

    /// Loads `path`.
    ///
    /// Per file, as BMTK does: `config_path` (absolute, lexically normalised) and `config_dir`
    /// are set; the manifest is resolved ([`resolve_manifest`]) with the built-ins
    /// `workingdir`, `configdir` (this file's directory), `configfname`, `time`, `date`,
    /// `datetime`; every string of the document except `manifest` members is substituted; the
    /// resolved manifest is stored under `manifest`. Then `network` and then `simulation`, when
    /// they hold strings, are loaded the same way (own manifest, own `configdir`), their
    /// `config_path` dropped, and merged with a shallow update (later wins, so a split
    /// config's `manifest` and `config_dir` end up being the simulation file's). Finally
    /// `output.log_file` and every `output.spikes_file*` are joined to `output.output_dir`
    /// (only when `output_dir` is given, and unless absolute or textually starting with
    /// `output_dir`), and `node_sets_file` is read into `node_sets` unless `node_sets` exists.
    ///
    /// Where Rall deliberately differs from BMTK 1.2.0:
    /// * A relative `network`/`simulation` path is resolved against the directory of the file
    ///   that names it. BMTK resolves `simulation` against whatever `config_dir` is after the
    ///   `network` merge, i.e. the *network* file's directory.
    /// * `node_sets_file` and other relative paths are taken relative to
    ///   [`LoadOptions::working_dir`] (BMTK: the process working directory — the same thing
    ///   by default).
    /// * Non-string `log_file` / `spikes_file*` values (e.g. `null`) are left alone instead of
    ///   crashing.
    /// * Built-in times are UTC (BMTK: local time).
    /// * Including a file from itself is an error instead of infinite recursion.
    pub fn load_with_options(
        path: impl AsRef<Path>,
        opts: &LoadOptions,
    ) -> Result<Self, ConfigError> {
        let working_dir = match &opts.working_dir {
            Some(w) => w.clone(),
            None => std::env::current_dir().map_err(|e| ConfigError::Io {
                path: PathBuf::from("."),
                source: e,
            })?,
        };
        let path = absolute(&working_dir, path.as_ref());
        let mut loader = Loader {
            opts,
            working_dir: &working_dir,
            now: opts.now.unwrap_or_else(SystemTime::now),
            stack: Vec::new(),
            warnings: Vec::new(),
        };
        let text = std::fs::read_to_string(&path).map_err(|e| ConfigError::Io {
            path: path.clone(),
            source: e,
        })?;
        let (doc, origins) = loader.parse(&path, &text)?;
        let warnings = loader.warnings;
        Ok(RawConfig {
            path,
            working_dir,
            doc,
            origins,
            warnings,
        })
    }

    /// Absolute path of the top-level config file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Directory relative paths are relative to.
    pub fn working_dir(&self) -> &Path {
        &self.working_dir
    }

    /// The merged, substituted document.
    pub fn document(&self) -> &Map<String, Value> {
        &self.doc
    }

    /// A top-level entry of the merged document.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.doc.get(key)
    }

    /// The file that declared top-level key `key` (for `node_sets` loaded from
    /// `node_sets_file`: that file). Falls back to the top-level config.
    pub fn origin(&self, key: &str) -> &Path {
        self.origins
            .get(key)
            .map(PathBuf::as_path)
            .unwrap_or(&self.path)
    }

    /// Findings that did not stop loading (unknown variables left in strings).
    pub fn warnings(&self) -> &[ConfigWarning] {
        &self.warnings
    }

    /// The merged document as a JSON value.
    pub fn to_value(&self) -> Value {
        Value::Object(self.doc.clone())
    }
}

struct Loader<'a> {
    opts: &'a LoadOptions,
    working_dir: &'a Path,
    now: SystemTime,
    stack: Vec<PathBuf>,
    warnings: Vec<ConfigWarning>,
}

type Parsed = (Map<String, Value>, BTreeMap<String, PathBuf>);

impl Loader<'_> {
    fn parse(&mut self, path: &Path, text: &str) -> Result<Parsed, ConfigError> {
        let value: Value = serde_json::from_str(text).map_err(|e| json_error(path, &e))?;
        let Value::Object(mut conf) = value else {
            return Err(ConfigError::Invalid {
                path: path.to_path_buf(),
                key: "(top level)".into(),
                expected: "a JSON object".into(),
                found: json_kind(&value),
            });
        };
        self.stack.push(path.to_path_buf());
        let dir = path.parent().unwrap_or(Path::new("/")).to_path_buf();
        conf.insert("config_path".into(), path_str(path));
        conf.insert("config_dir".into(), path_str(&dir));

        let builtins = builtin_vars(path, self.working_dir, self.now);
        let manifest = resolve_manifest(conf.get("manifest"), builtins, &self.opts.vars, path)?;
        {
            let scope = Scope {
                user: &self.opts.vars,
                manifest: &manifest,
            };
            let mut tree = Value::Object(std::mem::take(&mut conf));
            substitute_tree(&mut tree, scope, path, "", &mut self.warnings);
            let Value::Object(m) = tree else {
                unreachable!("an object stays an object")
            };
            conf = m;
        }
        conf.insert("manifest".into(), Value::Object(manifest));

        let mut origins: BTreeMap<String, PathBuf> = conf
            .keys()
            .map(|k| (k.clone(), path.to_path_buf()))
            .collect();

        for key in ["network", "simulation"] {
            let Some(Value::String(child)) = conf.get(key) else {
                continue;
            };
            let child_path = if child.starts_with('/') {
                normalize(Path::new(child))
            } else {
                normalize(&dir.join(child))
            };
            if self.stack.contains(&child_path) {
                return Err(ConfigError::IncludeLoop {
                    path: child_path,
                    key: key.into(),
                });
            }
            let text =
                std::fs::read_to_string(&child_path).map_err(|e| ConfigError::Referenced {
                    config: path.to_path_buf(),
                    key: key.into(),
                    path: child_path.clone(),
                    source: e,
                })?;
            let (mut child_doc, child_origins) = self.parse(&child_path, &text)?;
            child_doc.shift_remove("config_path");
            for (k, v) in child_doc {
                let origin = child_origins
                    .get(&k)
                    .cloned()
                    .unwrap_or_else(|| child_path.clone());
                origins.insert(k.clone(), origin);
                conf.insert(k, v);
            }
        }

        self.post_process(&mut conf, &mut origins, path)?;
        self.stack.pop();
        Ok((conf, origins))
    }

    fn post_process(
        &mut self,
        conf: &mut Map<String, Value>,
        origins: &mut BTreeMap<String, PathBuf>,
        path: &Path,
    ) -> Result<(), ConfigError> {
        let output_origin = origins.get("output").cloned().unwrap_or(path.to_path_buf());
        if let Some(Value::Object(out)) = conf.get_mut("output") {
            if let Some(od) = out.get("output_dir") {
                let Value::String(od) = od else {
                    return Err(ConfigError::Invalid {
                        path: output_origin,
                        key: "output.output_dir".into(),
                        expected: "a path string".into(),
                        found: json_kind(od),
                    });
                };
                let od = od.clone();
                for (k, v) in out.iter_mut() {
                    if k == "log_file" || k.starts_with("spikes_file") {
                        join_output(v, &od);
                    }
                }
            }
        }
        if !conf.contains_key("node_sets") {
            if let Some(f) = conf.get("node_sets_file") {
                let origin = origins
                    .get("node_sets_file")
                    .cloned()
                    .unwrap_or(path.to_path_buf());
                let Value::String(f) = f else {
                    return Err(ConfigError::Invalid {
                        path: origin,
                        key: "node_sets_file".into(),
                        expected: "a path string".into(),
                        found: json_kind(f),
                    });
                };
                let ns_path = absolute(self.working_dir, Path::new(f));
                let text =
                    std::fs::read_to_string(&ns_path).map_err(|e| ConfigError::Referenced {
                        config: origin.clone(),
                        key: "node_sets_file".into(),
                        path: ns_path.clone(),
                        source: e,
                    })?;
                let ns: Value =
                    serde_json::from_str(&text).map_err(|e| json_error(&ns_path, &e))?;
                conf.insert("node_sets".into(), ns);
                origins.insert("node_sets".into(), ns_path);
            }
        }
        Ok(())
    }
}

/// BMTK's output-path rule for one `log_file` / `spikes_file*` value (lists element-wise).
fn join_output(v: &mut Value, output_dir: &str) {
    match v {
        Value::String(s) if !(s.starts_with('/') || s.starts_with(output_dir)) => {
            *s = py_join(output_dir, s);
        }
        Value::Array(items) => items.iter_mut().for_each(|i| join_output(i, output_dir)),
        _ => {}
    }
}

/// `os.path.join(a, b)` for two components.
pub(crate) fn py_join(a: &str, b: &str) -> String {
    if b.starts_with('/') || a.is_empty() {
        b.to_string()
    } else if a.ends_with('/') {
        format!("{a}{b}")
    } else {
        format!("{a}/{b}")
    }
}

fn path_str(p: &Path) -> Value {
    Value::String(p.to_string_lossy().into_owned())
}

pub(crate) fn json_error(path: &Path, e: &serde_json::Error) -> ConfigError {
    let full = e.to_string();
    let message = match full.rfind(" at line ") {
        Some(i) => full[..i].to_string(),
        None => full,
    };
    ConfigError::Json {
        path: path.to_path_buf(),
        line: e.line(),
        column: e.column(),
        message,
    }
}

/// `os.path.abspath`: join to `base` if relative, then normalise `.` and `..` lexically.
pub(crate) fn absolute(base: &Path, p: &Path) -> PathBuf {
    if p.is_absolute() {
        normalize(p)
    } else {
        normalize(&base.join(p))
    }
}

/// Lexical normalisation (`os.path.normpath` for absolute paths): drops `.`, folds `..`.
pub(crate) fn normalize(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => match out.components().next_back() {
                Some(Component::Normal(_)) => {
                    out.pop();
                }
                Some(Component::RootDir) | Some(Component::Prefix(_)) => {}
                _ => out.push(".."),
            },
            other => out.push(other.as_os_str()),
        }
    }
    if out.as_os_str().is_empty() {
        out.push(".");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalize_like_python_normpath() {
        for (a, b) in [
            ("/a/./b/../c", "/a/c"),
            ("/..", "/"),
            ("/a/../../b", "/b"),
            ("a/../..", ".."),
            ("./x/", "x"),
        ] {
            assert_eq!(normalize(Path::new(a)), PathBuf::from(b), "{a}");
        }
    }

    #[test]
    fn py_join_like_os_path_join() {
        assert_eq!(py_join("out", "log.txt"), "out/log.txt");
        assert_eq!(py_join("out/", "log.txt"), "out/log.txt");
        assert_eq!(py_join("out", "/abs/log.txt"), "/abs/log.txt");
        assert_eq!(py_join("", "log.txt"), "log.txt");
    }
}
