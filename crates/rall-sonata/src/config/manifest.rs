//! Manifest variables and `$VAR` / `${VAR}` substitution, with BMTK 1.2.0's semantics
//! (`bmtk.utils.sonata.config.ConfigParser`):
//!
//! * A variable reference is a match of the pattern `\$\{?\w+\}?` (`$` + optional `{` + one or
//!   more word characters + optional `}`), scanned left to right without overlap. `${NAME}`
//!   names `NAME`, anything else starting with `$` names the rest of the match, so the
//!   unbalanced forms `${NAME` and `$NAME}` name `{NAME` / `NAME}` and never resolve.
//! * Lookup order: user variables first, then the manifest (which includes the built-ins).
//! * Each resolved reference is replaced with plain string replacement of the matched text,
//!   *all* occurrences, in the string as modified so far (so `$A` also rewrites the start of a
//!   later `$AB` when only `A` is defined — BMTK does exactly this).
//! * If the whole string is exactly one reference and the variable's value is not a string,
//!   the value itself (number, boolean, null, array, object) replaces the string, keeping its
//!   JSON type. Inside a longer string a non-string value is written as Python's `str()` would
//!   (`True`, `None`, `0.001`, `1e-05`).
//! * References to unknown variables are left untouched (BMTK does not complain); the loader
//!   records them as [`ConfigWarning`]s.

use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{Map, Value};

use super::error::{ConfigError, ConfigWarning};

/// Byte ranges of the variable references in `s`, as BMTK's regex `\$\{?\w+\}?` finds them.
pub fn find_references(s: &str) -> Vec<std::ops::Range<usize>> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'$' {
            i += 1;
            continue;
        }
        let mut j = i + 1;
        if j < b.len() && b[j] == b'{' {
            j += 1;
        }
        let word_start = j;
        for (off, c) in s[word_start..].char_indices() {
            if is_word_char(c) {
                j = word_start + off + c.len_utf8();
            } else {
                break;
            }
        }
        if j == word_start {
            // No word characters after `$` / `${`: no match starting here.
            i += 1;
            continue;
        }
        if j < b.len() && b[j] == b'}' {
            j += 1;
        }
        out.push(i..j);
        i = j;
    }
    out
}

/// Python's `\w` for `str` patterns: Unicode letters and digits plus `_`.
fn is_word_char(c: char) -> bool {
    c == '_' || c.is_alphanumeric()
}

/// The variable name a reference names: `${X}` → `X`, otherwise the text after `$`.
pub fn reference_name(token: &str) -> &str {
    if token.len() >= 3 && token.starts_with("${") && token.ends_with('}') {
        &token[2..token.len() - 1]
    } else {
        token.strip_prefix('$').unwrap_or(token)
    }
}

/// Variable scopes used for substitution: user variables shadow the manifest.
#[derive(Debug, Clone, Copy)]
pub struct Scope<'a> {
    pub user: &'a Map<String, Value>,
    pub manifest: &'a Map<String, Value>,
}

impl<'a> Scope<'a> {
    pub fn lookup(&self, name: &str) -> Option<&'a Value> {
        self.user.get(name).or_else(|| self.manifest.get(name))
    }
}

/// Result of substituting one string.
#[derive(Debug, Clone, PartialEq)]
pub struct Substituted {
    /// The new value (a string, or the typed value of a whole-string reference).
    pub value: Value,
    /// References (as written) that named no known variable and were left in place.
    pub unknown: Vec<String>,
}

/// Substitutes the variable references of one string (see the module docs).
pub fn substitute(s: &str, scope: Scope<'_>) -> Substituted {
    let mut out = s.to_string();
    let mut unknown = Vec::new();
    for r in find_references(s) {
        let token = &s[r];
        let Some(val) = scope.lookup(reference_name(token)) else {
            unknown.push(token.to_string());
            continue;
        };
        match val {
            Value::String(v) => out = out.replace(token, v),
            other if token.len() < s.len() => out = out.replace(token, &python_str(other)),
            other => {
                return Substituted {
                    value: other.clone(),
                    unknown,
                }
            }
        }
    }
    Substituted {
        value: Value::String(out),
        unknown,
    }
}

/// Substitutes every string in `value` (not object keys), skipping any object member named
/// `manifest` at any depth as BMTK does. Unknown references become warnings.
pub fn substitute_tree(
    value: &mut Value,
    scope: Scope<'_>,
    file: &Path,
    json_path: &str,
    warnings: &mut Vec<ConfigWarning>,
) {
    match value {
        Value::String(s) => {
            let sub = substitute(s, scope);
            for u in sub.unknown {
                warnings.push(ConfigWarning {
                    path: file.to_path_buf(),
                    key: json_path.to_string(),
                    message: format!("unknown variable `{u}` left as is"),
                });
            }
            *value = sub.value;
        }
        Value::Array(items) => {
            for (i, item) in items.iter_mut().enumerate() {
                substitute_tree(item, scope, file, &format!("{json_path}[{i}]"), warnings);
            }
        }
        Value::Object(map) => {
            for (k, v) in map.iter_mut() {
                if k == "manifest" {
                    continue;
                }
                let p = if json_path.is_empty() {
                    k.clone()
                } else {
                    format!("{json_path}.{k}")
                };
                substitute_tree(v, scope, file, &p, warnings);
            }
        }
        _ => {}
    }
}

/// BMTK's built-in variables for the config file `config_path` (absolute):
/// `workingdir`, `configdir`, `configfname` (the full path, despite the name), `time`
/// (`HH-MM-SS`), `date` (`YYYY-MM-DD`), `datetime` (`YYYY-MM-DD_HH-MM-SS`).
///
/// BMTK formats the clock in local time; Rall has no time-zone database and uses UTC.
pub fn builtin_vars(config_path: &Path, working_dir: &Path, now: SystemTime) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("workingdir".into(), path_value(working_dir));
    let dir = config_path.parent().unwrap_or(Path::new("/"));
    m.insert("configdir".into(), path_value(dir));
    m.insert("configfname".into(), path_value(config_path));
    let secs = now
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    let (y, mo, d, h, mi, s) = civil_utc(secs);
    m.insert(
        "time".into(),
        Value::String(format!("{h:02}-{mi:02}-{s:02}")),
    );
    m.insert(
        "date".into(),
        Value::String(format!("{y:04}-{mo:02}-{d:02}")),
    );
    m.insert(
        "datetime".into(),
        Value::String(format!("{y:04}-{mo:02}-{d:02}_{h:02}-{mi:02}-{s:02}")),
    );
    m
}

fn path_value(p: &Path) -> Value {
    Value::String(p.to_string_lossy().into_owned())
}

/// Seconds since the Unix epoch → (year, month, day, hour, minute, second) in UTC
/// (proleptic Gregorian calendar, days-from-civil inverse).
fn civil_utc(secs: i64) -> (i64, u32, u32, u32, u32, u32) {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (h, mi, s) = (rem / 3600, (rem % 3600) / 60, rem % 60);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m as u32, d as u32, h as u32, mi as u32, s as u32)
}

/// Resolves a `manifest` section into the variable table used for the rest of the file.
///
/// Mirrors BMTK: keys lose one leading `$`; the table starts with the built-ins; values are
/// resolved in passes (later entries of a pass see entries resolved earlier in the same pass)
/// until every entry is resolved; an entry counts as resolved once its substituted value
/// contains no `$`. A pass without progress is an error — BMTK raises one generic exception,
/// Rall says which entry uses an undefined variable, which entries form a cycle, or which
/// entry holds a stray `$`.
///
/// Differences from BMTK (where BMTK crashes or is nondeterministic):
/// * A non-string manifest value (number, boolean, …) is accepted as already resolved and
///   keeps its JSON type (BMTK raises a `TypeError`).
/// * Entries are evaluated in file order within a pass (BMTK iterates a Python `set`, so when a
///   manifest entry shadows a built-in such as `configdir`, which value other entries see is
///   decided by string hashing).
pub fn resolve_manifest(
    manifest: Option<&Value>,
    builtins: Map<String, Value>,
    user: &Map<String, Value>,
    file: &Path,
) -> Result<Map<String, Value>, ConfigError> {
    let mut resolved = builtins;
    let entries = match manifest {
        None => return Ok(resolved),
        Some(Value::Object(m)) => m,
        Some(other) => {
            return Err(ConfigError::Invalid {
                path: file.to_path_buf(),
                key: "manifest".into(),
                expected: "an object of variables".into(),
                found: super::error::json_kind(other),
            })
        }
    };
    // Key normalisation; a later duplicate (`$A` and `A`) wins, as with Python dict assignment.
    let mut defs: Vec<(String, Value)> = Vec::new();
    for (k, v) in entries {
        let name = k.strip_prefix('$').unwrap_or(k).to_string();
        if let Some(slot) = defs.iter_mut().find(|(n, _)| *n == name) {
            slot.1 = v.clone();
        } else {
            defs.push((name, v.clone()));
        }
    }
    let mut unresolved: Vec<(String, String)> = Vec::new();
    for (name, v) in defs {
        match v {
            Value::String(s) => unresolved.push((name, s)),
            other => {
                resolved.insert(name, other);
            }
        }
    }
    while !unresolved.is_empty() {
        let mut progressed = false;
        let mut still = Vec::new();
        for (name, raw) in std::mem::take(&mut unresolved) {
            let sub = substitute(
                &raw,
                Scope {
                    user,
                    manifest: &resolved,
                },
            );
            let done = match &sub.value {
                Value::String(s) => !s.contains('$'),
                _ => true,
            };
            if done {
                resolved.insert(name, sub.value);
                progressed = true;
            } else {
                still.push((name, raw));
            }
        }
        unresolved = still;
        if !progressed {
            return Err(diagnose(&unresolved, &resolved, user, file));
        }
    }
    Ok(resolved)
}

/// Explains why the remaining manifest entries cannot be resolved.
fn diagnose(
    unresolved: &[(String, String)],
    resolved: &Map<String, Value>,
    user: &Map<String, Value>,
    file: &Path,
) -> ConfigError {
    let pending: Vec<&str> = unresolved.iter().map(|(n, _)| n.as_str()).collect();
    // 1. References to names nobody defines.
    for (name, raw) in unresolved {
        for r in find_references(raw) {
            let token = &raw[r];
            let var = reference_name(token);
            if !user.contains_key(var) && !resolved.contains_key(var) && !pending.contains(&var) {
                return ConfigError::UnknownManifestVariable {
                    path: file.to_path_buf(),
                    key: name.clone(),
                    variable: token.to_string(),
                };
            }
        }
    }
    // 2. Cycles among pending entries (edges: entry -> pending entries it references).
    let deps = |name: &str| -> Vec<String> {
        let raw = &unresolved
            .iter()
            .find(|(n, _)| n == name)
            .expect("pending")
            .1;
        find_references(raw)
            .into_iter()
            .map(|r| reference_name(&raw[r]).to_string())
            .filter(|v| {
                pending.contains(&v.as_str()) && !user.contains_key(v) && !resolved.contains_key(v)
            })
            .collect()
    };
    for (start, _) in unresolved {
        let mut stack = vec![start.clone()];
        if let Some(cycle) = find_cycle(&mut stack, &deps) {
            return ConfigError::ManifestCycle {
                path: file.to_path_buf(),
                cycle,
            };
        }
    }
    // 3. Everything it references resolves, but a `$` remains (stray `$`, or a value that
    //    itself contains `$`). Report the first such entry (a pending entry that depends only
    //    on resolved names).
    let culprit = unresolved
        .iter()
        .find(|(n, _)| deps(n).is_empty())
        .unwrap_or(&unresolved[0]);
    let value = match substitute(
        &culprit.1,
        Scope {
            user,
            manifest: resolved,
        },
    )
    .value
    {
        Value::String(s) => s,
        other => other.to_string(),
    };
    ConfigError::ManifestUnresolvable {
        path: file.to_path_buf(),
        key: culprit.0.clone(),
        value,
    }
}

fn find_cycle(stack: &mut Vec<String>, deps: &dyn Fn(&str) -> Vec<String>) -> Option<Vec<String>> {
    let top = stack.last().expect("non-empty").clone();
    for d in deps(&top) {
        if let Some(pos) = stack.iter().position(|s| *s == d) {
            let mut cycle: Vec<String> = stack[pos..].to_vec();
            cycle.push(d);
            return Some(cycle);
        }
        stack.push(d);
        if let Some(c) = find_cycle(stack, deps) {
            return Some(c);
        }
        stack.pop();
    }
    None
}

/// Python's `str()` of a JSON value (used when a non-string variable is spliced into a
/// longer string).
pub fn python_str(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => python_repr(other),
    }
}

fn python_repr(v: &Value) -> String {
    match v {
        Value::Null => "None".into(),
        Value::Bool(true) => "True".into(),
        Value::Bool(false) => "False".into(),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                i.to_string()
            } else if let Some(u) = n.as_u64() {
                u.to_string()
            } else {
                crate::pyfmt::py_float(n.as_f64().unwrap_or(f64::NAN))
            }
        }
        Value::String(s) => {
            if s.contains('\'') && !s.contains('"') {
                format!("\"{}\"", s.replace('\\', "\\\\"))
            } else {
                format!("'{}'", s.replace('\\', "\\\\").replace('\'', "\\'"))
            }
        }
        Value::Array(items) => {
            let parts: Vec<String> = items.iter().map(python_repr).collect();
            format!("[{}]", parts.join(", "))
        }
        Value::Object(m) => {
            let parts: Vec<String> = m
                .iter()
                .map(|(k, v)| {
                    format!(
                        "{}: {}",
                        python_repr(&Value::String(k.clone())),
                        python_repr(v)
                    )
                })
                .collect();
            format!("{{{}}}", parts.join(", "))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn map(v: Value) -> Map<String, Value> {
        v.as_object().unwrap().clone()
    }

    #[test]
    fn references_follow_bmtk_regex() {
        let s = "$A/${B}/x$C}/${D/$/${}/$_e1";
        let toks: Vec<&str> = find_references(s).into_iter().map(|r| &s[r]).collect();
        assert_eq!(toks, vec!["$A", "${B}", "$C}", "${D", "$_e1"]);
        assert_eq!(reference_name("${B}"), "B");
        assert_eq!(reference_name("$C}"), "C}");
        assert_eq!(reference_name("${D"), "{D");
    }

    #[test]
    fn plain_replace_hits_prefixes() {
        let user = Map::new();
        let m = map(json!({"A": "x"}));
        let s = substitute(
            "$A/$AB",
            Scope {
                user: &user,
                manifest: &m,
            },
        );
        // `$AB` is unknown, but replacing `$A` everywhere rewrites its prefix (BMTK quirk).
        assert_eq!(s.value, json!("x/xB"));
        assert_eq!(s.unknown, vec!["$AB".to_string()]);
    }

    #[test]
    fn typed_whole_string_and_python_str() {
        let user = map(json!({"dt": 0.001, "flag": true, "n": null, "big": 1e-5}));
        let m = Map::new();
        let sc = Scope {
            user: &user,
            manifest: &m,
        };
        assert_eq!(substitute("${dt}", sc).value, json!(0.001));
        assert_eq!(substitute("$flag", sc).value, json!(true));
        assert_eq!(substitute("$n", sc).value, Value::Null);
        assert_eq!(substitute("dt=$dt", sc).value, json!("dt=0.001"));
        assert_eq!(substitute("$flag!", sc).value, json!("True!"));
        assert_eq!(substitute("x$n", sc).value, json!("xNone"));
        assert_eq!(substitute("x$big", sc).value, json!("x1e-05"));
    }

    #[test]
    fn civil_dates() {
        assert_eq!(civil_utc(0), (1970, 1, 1, 0, 0, 0));
        // 2024-02-29T12:34:56Z
        assert_eq!(civil_utc(1_709_210_096), (2024, 2, 29, 12, 34, 56));
    }
}
