//! `*_node_types.csv` / `*_edge_types.csv`: space-separated tables (one or more spaces between
//! columns, `"` quoting with `""` as an escaped quote), `NULL` (and BMTK/pandas' other missing
//! markers) for a missing value, one row per type.

use std::fs;
use std::path::{Path, PathBuf};

use crate::pyfmt::py_float;

/// Errors reading a types CSV; each names the file and the line.
#[derive(Debug, thiserror::Error)]
pub enum TypesCsvError {
    #[error("{path}: cannot read: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: empty file, expected a header line with a '{id_column}' column")]
    Empty { path: PathBuf, id_column: String },
    #[error("{path}:1: missing column '{column}' in header {header:?}")]
    MissingColumn {
        path: PathBuf,
        column: String,
        header: Vec<String>,
    },
    #[error("{path}:{line}: {found} values, but the header has {expected} columns")]
    RowLength {
        path: PathBuf,
        line: usize,
        found: usize,
        expected: usize,
    },
    #[error("{path}:{line}: unterminated quoted value")]
    Quote { path: PathBuf, line: usize },
    #[error("{path}:{line}: {column} '{value}' is not a non-negative integer")]
    BadId {
        path: PathBuf,
        line: usize,
        column: String,
        value: String,
    },
    #[error("{path}:{line}: duplicate {column} {id}")]
    DuplicateId {
        path: PathBuf,
        line: usize,
        column: String,
        id: u64,
    },
}

/// A value of a type-table cell or node/edge property, typed the way pandas would infer it
/// per cell (integers, then floats, then booleans, else the text).
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Int(i64),
    Float(f64),
    Bool(bool),
    Str(String),
}

impl Value {
    /// Parses one CSV cell.
    pub fn parse(s: &str) -> Value {
        if let Ok(i) = s.parse::<i64>() {
            return Value::Int(i);
        }
        if let Ok(f) = s.parse::<f64>() {
            if !s.eq_ignore_ascii_case("inf")
                && !s.eq_ignore_ascii_case("nan")
                && !s.eq_ignore_ascii_case("infinity")
            {
                return Value::Float(f);
            }
        }
        match s {
            "True" | "true" | "TRUE" => Value::Bool(true),
            "False" | "false" | "FALSE" => Value::Bool(false),
            _ => Value::Str(s.to_string()),
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Int(i) => Some(*i as f64),
            Value::Float(f) => Some(*f),
            _ => None,
        }
    }

    /// The text as BMTK would write it (Python `str()`).
    pub fn to_text(&self) -> String {
        match self {
            Value::Int(i) => i.to_string(),
            Value::Float(f) => py_float(*f),
            Value::Bool(b) => if *b { "True" } else { "False" }.to_string(),
            Value::Str(s) => s.clone(),
        }
    }
}

/// Cells that pandas (`na_values` defaults plus BMTK's `NONE`) reads as missing.
fn is_missing(s: &str) -> bool {
    matches!(
        s,
        "NULL" | "NONE" | "None" | "null" | "NaN" | "nan" | "NA" | "N/A" | "n/a" | "<NA>" | ""
    )
}

/// A parsed types table.
#[derive(Debug, Clone, PartialEq)]
pub struct TypeTable {
    pub path: PathBuf,
    /// The id column's name (`node_type_id` or `edge_type_id`).
    pub id_column: String,
    /// All columns in file order (the id column included).
    pub columns: Vec<String>,
    /// Type ids in row order.
    pub ids: Vec<u64>,
    /// `rows[r][c]`: the cell, `None` when missing (`NULL`).
    pub rows: Vec<Vec<Option<String>>>,
}

fn tokenize(line: &str, path: &Path, lineno: usize) -> Result<Vec<(String, bool)>, TypesCsvError> {
    let mut out = Vec::new();
    let mut chars = line.chars().peekable();
    loop {
        while matches!(chars.peek(), Some(' ') | Some('\t')) {
            chars.next();
        }
        let Some(&c) = chars.peek() else { break };
        if c == '"' {
            chars.next();
            let mut s = String::new();
            loop {
                match chars.next() {
                    Some('"') => {
                        if chars.peek() == Some(&'"') {
                            chars.next();
                            s.push('"');
                        } else {
                            break;
                        }
                    }
                    Some(ch) => s.push(ch),
                    None => {
                        return Err(TypesCsvError::Quote {
                            path: path.to_path_buf(),
                            line: lineno,
                        })
                    }
                }
            }
            out.push((s, true));
        } else {
            let mut s = String::new();
            while let Some(&ch) = chars.peek() {
                if ch == ' ' || ch == '\t' {
                    break;
                }
                s.push(ch);
                chars.next();
            }
            out.push((s, false));
        }
    }
    Ok(out)
}

impl TypeTable {
    /// Reads a types CSV whose id column is `id_column`.
    pub fn read(path: impl AsRef<Path>, id_column: &str) -> Result<TypeTable, TypesCsvError> {
        let path = path.as_ref();
        let text = fs::read_to_string(path).map_err(|source| TypesCsvError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        TypeTable::parse(&text, path, id_column)
    }

    /// Parses CSV text (`path` is used in messages only).
    pub fn parse(text: &str, path: &Path, id_column: &str) -> Result<TypeTable, TypesCsvError> {
        let mut lines = text
            .lines()
            .enumerate()
            .map(|(i, l)| (i + 1, l.trim_end_matches('\r')))
            .filter(|(_, l)| !l.trim().is_empty());
        let Some((hl, header)) = lines.next() else {
            return Err(TypesCsvError::Empty {
                path: path.to_path_buf(),
                id_column: id_column.to_string(),
            });
        };
        let columns: Vec<String> = tokenize(header, path, hl)?
            .into_iter()
            .map(|(s, _)| s)
            .collect();
        let Some(id_idx) = columns.iter().position(|c| c == id_column) else {
            return Err(TypesCsvError::MissingColumn {
                path: path.to_path_buf(),
                column: id_column.to_string(),
                header: columns,
            });
        };
        let mut ids = Vec::new();
        let mut rows = Vec::new();
        for (lineno, line) in lines {
            let cells = tokenize(line, path, lineno)?;
            if cells.len() != columns.len() {
                return Err(TypesCsvError::RowLength {
                    path: path.to_path_buf(),
                    line: lineno,
                    found: cells.len(),
                    expected: columns.len(),
                });
            }
            let row: Vec<Option<String>> = cells
                .into_iter()
                .map(|(s, quoted)| {
                    if !quoted && is_missing(&s) {
                        None
                    } else {
                        Some(s)
                    }
                })
                .collect();
            let raw = row[id_idx].clone().unwrap_or_default();
            let id: u64 = raw.parse().map_err(|_| TypesCsvError::BadId {
                path: path.to_path_buf(),
                line: lineno,
                column: id_column.to_string(),
                value: raw.clone(),
            })?;
            if ids.contains(&id) {
                return Err(TypesCsvError::DuplicateId {
                    path: path.to_path_buf(),
                    line: lineno,
                    column: id_column.to_string(),
                    id,
                });
            }
            ids.push(id);
            rows.push(row);
        }
        Ok(TypeTable {
            path: path.to_path_buf(),
            id_column: id_column.to_string(),
            columns,
            ids,
            rows,
        })
    }

    /// Row index of a type id.
    pub fn row_of(&self, type_id: u64) -> Option<usize> {
        self.ids.iter().position(|&i| i == type_id)
    }

    /// Raw text of a cell, `None` when missing or no such column/type.
    pub fn get(&self, type_id: u64, column: &str) -> Option<&str> {
        let r = self.row_of(type_id)?;
        let c = self.columns.iter().position(|x| x == column)?;
        self.rows[r][c].as_deref()
    }

    /// Typed value of a cell.
    pub fn value(&self, type_id: u64, column: &str) -> Option<Value> {
        self.get(type_id, column).map(Value::parse)
    }

    pub fn has_column(&self, column: &str) -> bool {
        self.columns.iter().any(|c| c == column)
    }

    /// Serialises as BMTK does: space-separated, minimal quoting (a cell containing a space, a
    /// quote or a newline is quoted), `NULL` for missing, `\n` line endings.
    pub fn to_csv_string(&self) -> String {
        fn cell(s: &Option<String>) -> String {
            match s {
                None => "NULL".to_string(),
                Some(v) if v.is_empty() || v.contains([' ', '"', '\n', '\r', '\t']) => {
                    format!("\"{}\"", v.replace('"', "\"\""))
                }
                Some(v) => v.clone(),
            }
        }
        let mut out = String::new();
        out.push_str(
            &self
                .columns
                .iter()
                .map(|c| cell(&Some(c.clone())))
                .collect::<Vec<_>>()
                .join(" "),
        );
        out.push('\n');
        for r in &self.rows {
            out.push_str(&r.iter().map(cell).collect::<Vec<_>>().join(" "));
            out.push('\n');
        }
        out
    }

    /// Writes the table to `path` (atomically: temporary file, then rename).
    pub fn write(&self, path: impl AsRef<Path>) -> std::io::Result<()> {
        let path = path.as_ref();
        let tmp = path.with_extension("csv.rall-tmp");
        fs::write(&tmp, self.to_csv_string())?;
        fs::rename(&tmp, path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_bmtk_style_table() {
        let text = "node_type_id model_type dynamics_params \"target sections\"\n\
                    100 biophysical  472363762_fit.json \"['basal', 'apical']\"\n\
                    101 virtual NULL \"a \"\"q\"\"\"\n";
        let t = TypeTable::parse(text, Path::new("x.csv"), "node_type_id").unwrap();
        assert_eq!(t.columns[3], "target sections");
        assert_eq!(t.ids, vec![100, 101]);
        assert_eq!(t.get(100, "target sections"), Some("['basal', 'apical']"));
        assert_eq!(t.get(101, "dynamics_params"), None);
        assert_eq!(t.get(101, "target sections"), Some("a \"q\""));
        let again = TypeTable::parse(&t.to_csv_string(), Path::new("y"), "node_type_id").unwrap();
        assert_eq!(again.rows, t.rows);
    }

    #[test]
    fn errors_name_file_and_line() {
        let e = TypeTable::parse("a b\n1 2\n", Path::new("t.csv"), "node_type_id").unwrap_err();
        assert!(
            e.to_string()
                .contains("t.csv:1: missing column 'node_type_id'"),
            "{e}"
        );
        let e = TypeTable::parse(
            "node_type_id b\n1 2 3\n",
            Path::new("t.csv"),
            "node_type_id",
        )
        .unwrap_err();
        assert!(e.to_string().contains("t.csv:2:"), "{e}");
        let e = TypeTable::parse("node_type_id b\nx 2\n", Path::new("t.csv"), "node_type_id")
            .unwrap_err();
        assert!(e.to_string().contains("not a non-negative integer"), "{e}");
    }

    #[test]
    fn values_are_typed_like_pandas() {
        assert_eq!(Value::parse("5"), Value::Int(5));
        assert_eq!(Value::parse("0.001"), Value::Float(0.001));
        assert_eq!(Value::parse("True"), Value::Bool(true));
        assert_eq!(Value::parse("exp2syn"), Value::Str("exp2syn".into()));
        assert_eq!(Value::Float(2.0).to_text(), "2.0");
    }
}
