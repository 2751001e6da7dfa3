//! BMTK's space-separated spike CSV (`timestamps population node_ids`).

use crate::{SortOrder, SpikeError, SpikeTrains};
use std::io::Write;
use std::path::Path;

/// Format a float as Python/numpy `repr` does (shortest round-trip digits; scientific notation
/// below 1e-4 and from 1e16, with a two-digit signed exponent).
pub use rall_sonata::pyfmt::py_float as python_float_repr;

fn io_err(path: &Path, source: std::io::Error) -> SpikeError {
    SpikeError::Io {
        path: path.to_path_buf(),
        source,
    }
}

fn quote(s: &str) -> String {
    if s.contains([' ', '"', '\n']) || s.is_empty() {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

impl SpikeTrains {
    /// Write BMTK's CSV: header `timestamps population node_ids`, space separated.
    pub fn to_csv(&self, path: &Path, order: SortOrder) -> Result<(), SpikeError> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| io_err(dir, e))?;
        }
        let f = std::fs::File::create(path).map_err(|e| io_err(path, e))?;
        let mut w = std::io::BufWriter::new(f);
        let mut out = String::from("timestamps population node_ids\n");
        for s in self.spikes(order) {
            out.push_str(&python_float_repr(s.timestamp));
            out.push(' ');
            out.push_str(&quote(s.population));
            out.push(' ');
            out.push_str(&s.node_id.to_string());
            out.push('\n');
        }
        w.write_all(out.as_bytes()).map_err(|e| io_err(path, e))?;
        w.flush().map_err(|e| io_err(path, e))
    }

    /// Read a BMTK spike CSV. With a header the columns are found by name (`timestamps`,
    /// `node_ids`, optional `population`); without one, two columns are `timestamps node_ids`
    /// and three `timestamps population node_ids`. Rows without a population go to
    /// `population` (or `"default"`).
    pub fn from_csv(path: &Path, population: Option<&str>) -> Result<SpikeTrains, SpikeError> {
        let text = std::fs::read_to_string(path).map_err(|e| io_err(path, e))?;
        let default_pop = population.unwrap_or("default");
        let mut st = SpikeTrains::new(Some(default_pop));
        let perr = |line: usize, reason: String| SpikeError::Parse {
            path: path.to_path_buf(),
            line,
            reason,
        };
        let mut cols: Option<(usize, Option<usize>, usize)> = None;
        for (i, raw) in text.lines().enumerate() {
            let toks = split_fields(raw);
            if toks.is_empty() {
                continue;
            }
            if cols.is_none() {
                if toks.iter().any(|t| t == "timestamps") {
                    let find = |n: &str| toks.iter().position(|t| t == n);
                    let ts = find("timestamps").unwrap();
                    let ni = find("node_ids")
                        .or_else(|| find("node_id"))
                        .or_else(|| find("gids"))
                        .ok_or_else(|| perr(i + 1, "header has no `node_ids` column".into()))?;
                    cols = Some((ts, find("population"), ni));
                    continue;
                }
                cols = Some(match toks.len() {
                    2 => (0, None, 1),
                    3 => (0, Some(1), 2),
                    n => return Err(perr(i + 1, format!("expected 2 or 3 columns, got {n}"))),
                });
            }
            let (ti, pi, ni) = cols.unwrap();
            let get = |k: usize| {
                toks.get(k)
                    .ok_or_else(|| perr(i + 1, format!("missing column {}", k + 1)))
            };
            let t: f64 = get(ti)?
                .parse()
                .map_err(|_| perr(i + 1, format!("timestamp `{}` is not a number", toks[ti])))?;
            let n_str = get(ni)?;
            let n: u64 = n_str
                .parse()
                .or_else(|_| {
                    n_str
                        .parse::<f64>()
                        .ok()
                        .filter(|v| v.fract() == 0.0 && *v >= 0.0)
                        .map(|v| v as u64)
                        .ok_or(())
                })
                .map_err(|_| perr(i + 1, format!("node id `{n_str}` is not an id")))?;
            let pop = match pi {
                Some(k) => get(k)?.as_str(),
                None => default_pop,
            };
            if population.is_some_and(|p| pi.is_some() && p != pop) {
                continue;
            }
            st.add_spike(n, t, Some(pop))?;
        }
        Ok(st)
    }
}

/// Split a CSV line on runs of spaces/tabs, honouring double quotes.
fn split_fields(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut in_q = false;
    let mut has = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        if in_q {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    cur.push('"');
                    chars.next();
                } else {
                    in_q = false;
                }
            } else {
                cur.push(c);
            }
        } else if c == '"' {
            in_q = true;
            has = true;
        } else if c == ' ' || c == '\t' || c == '\r' {
            if has {
                out.push(std::mem::take(&mut cur));
                has = false;
            }
        } else {
            cur.push(c);
            has = true;
        }
    }
    if has {
        out.push(cur);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn float_repr_like_python() {
        let cases = [
            (55.03, "55.03"),
            (100.0, "100.0"),
            (1e-5, "1e-05"),
            (0.0001, "0.0001"),
            (1e16, "1e+16"),
            (1234567890123456.0, "1234567890123456.0"),
            (-2.5e-7, "-2.5e-07"),
            (0.1 + 0.2, "0.30000000000000004"),
        ];
        for (v, s) in cases {
            assert_eq!(python_float_repr(v), s);
        }
    }

    #[test]
    fn csv_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("s.csv");
        let mut st = SpikeTrains::new(Some("a"));
        st.add_spikes(&[1, 0, 1], &[3.5, 1.25, 0.1], None).unwrap();
        st.add_spike(7, 2.0, Some("pop b")).unwrap();
        st.to_csv(&p, SortOrder::None).unwrap();
        let text = std::fs::read_to_string(&p).unwrap();
        assert!(text.starts_with("timestamps population node_ids\n3.5 a 1\n"));
        let back = SpikeTrains::from_csv(&p, None).unwrap();
        assert_eq!(back.populations(), vec!["a", "pop b"]);
        assert_eq!(back.population("a"), st.population("a"));
        assert_eq!(back.population("pop b"), st.population("pop b"));
    }
}
