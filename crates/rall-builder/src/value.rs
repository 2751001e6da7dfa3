//! Property values (node/edge-type scalars) and typed per-node / per-synapse columns.

/// A scalar property value as BMTK keeps it in a node or edge type (written with Python's
/// `str()` into the type CSVs).
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    None,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    /// A Python list, e.g. `['basal', 'apical']`.
    List(Vec<Value>),
    /// A Python tuple.
    Tuple(Vec<Value>),
}

impl Value {
    /// Python `str()` of the value (strings unquoted at top level).
    pub fn py_str(&self) -> String {
        match self {
            Value::Str(s) => s.clone(),
            other => other.py_repr(),
        }
    }

    /// Python `repr()` of the value.
    pub fn py_repr(&self) -> String {
        match self {
            Value::None => "None".into(),
            Value::Bool(b) => if *b { "True" } else { "False" }.into(),
            Value::Int(i) => i.to_string(),
            Value::Float(f) => python_float_repr(*f),
            Value::Str(s) => {
                if s.contains('\'') && !s.contains('"') {
                    format!("\"{s}\"")
                } else {
                    format!("'{}'", s.replace('\\', "\\\\").replace('\'', "\\'"))
                }
            }
            Value::List(v) => format!(
                "[{}]",
                v.iter().map(Value::py_repr).collect::<Vec<_>>().join(", ")
            ),
            Value::Tuple(v) => {
                let inner: Vec<String> = v.iter().map(Value::py_repr).collect();
                if inner.len() == 1 {
                    format!("({},)", inner[0])
                } else {
                    format!("({})", inner.join(", "))
                }
            }
        }
    }

    /// Numeric value as f64 (ints, floats, bools).
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Int(i) => Some(*i as f64),
            Value::Float(f) => Some(*f),
            Value::Bool(b) => Some(if *b { 1.0 } else { 0.0 }),
            _ => None,
        }
    }

    /// The string, if this is a string.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    /// Python `==` semantics for the supported types (1 == 1.0 == True).
    pub fn py_eq(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::Str(a), Value::Str(b)) => a == b,
            (Value::None, Value::None) => true,
            (Value::List(a), Value::List(b)) | (Value::Tuple(a), Value::Tuple(b)) => {
                a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.py_eq(y))
            }
            (a, b) => match (a.as_f64(), b.as_f64()) {
                (Some(x), Some(y)) => x == y,
                _ => false,
            },
        }
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::Str(s.to_string())
    }
}
impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::Str(s)
    }
}
impl From<f64> for Value {
    fn from(v: f64) -> Self {
        Value::Float(v)
    }
}
impl From<i64> for Value {
    fn from(v: i64) -> Self {
        Value::Int(v)
    }
}
impl From<i32> for Value {
    fn from(v: i32) -> Self {
        Value::Int(v.into())
    }
}
impl From<u32> for Value {
    fn from(v: u32) -> Self {
        Value::Int(v.into())
    }
}
impl From<bool> for Value {
    fn from(v: bool) -> Self {
        Value::Bool(v)
    }
}
impl<T: Into<Value>> From<Vec<T>> for Value {
    fn from(v: Vec<T>) -> Self {
        Value::List(v.into_iter().map(Into::into).collect())
    }
}
impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Self {
        v.map_or(Value::None, Into::into)
    }
}

/// Storage type of a per-synapse property (numpy dtype names).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DType {
    I8,
    I16,
    I32,
    I64,
    U8,
    U16,
    U32,
    U64,
    F32,
    F64,
    Str,
}

impl DType {
    /// numpy name (`float64`, `int32`, … ; `object` for strings).
    pub fn name(self) -> &'static str {
        match self {
            DType::I8 => "int8",
            DType::I16 => "int16",
            DType::I32 => "int32",
            DType::I64 => "int64",
            DType::U8 => "uint8",
            DType::U16 => "uint16",
            DType::U32 => "uint32",
            DType::U64 => "uint64",
            DType::F32 => "float32",
            DType::F64 => "float64",
            DType::Str => "object",
        }
    }
}

/// A typed column of values (per-node params, per-synapse properties, `nsyns`).
#[derive(Debug, Clone, PartialEq)]
pub enum Column {
    I8(Vec<i8>),
    I16(Vec<i16>),
    I32(Vec<i32>),
    I64(Vec<i64>),
    U8(Vec<u8>),
    U16(Vec<u16>),
    U32(Vec<u32>),
    U64(Vec<u64>),
    F32(Vec<f32>),
    F64(Vec<f64>),
    Str(Vec<String>),
    /// Rows of `cols` floats (e.g. `positions=[(x, y, z), …]`), row-major.
    F64Rows {
        cols: usize,
        data: Vec<f64>,
    },
}

macro_rules! col_each {
    ($c:expr, $v:ident => $e:expr) => {
        match $c {
            Column::I8($v) => $e,
            Column::I16($v) => $e,
            Column::I32($v) => $e,
            Column::I64($v) => $e,
            Column::U8($v) => $e,
            Column::U16($v) => $e,
            Column::U32($v) => $e,
            Column::U64($v) => $e,
            Column::F32($v) => $e,
            Column::F64($v) => $e,
            Column::Str($v) => $e,
            Column::F64Rows { .. } => unreachable!(),
        }
    };
}

impl Column {
    /// Number of rows.
    pub fn len(&self) -> usize {
        match self {
            Column::F64Rows { cols, data } => {
                if *cols == 0 {
                    0
                } else {
                    data.len() / cols
                }
            }
            c => col_each!(c, v => v.len()),
        }
    }

    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The dtype (rows of floats count as `F64`).
    pub fn dtype(&self) -> DType {
        match self {
            Column::I8(_) => DType::I8,
            Column::I16(_) => DType::I16,
            Column::I32(_) => DType::I32,
            Column::I64(_) => DType::I64,
            Column::U8(_) => DType::U8,
            Column::U16(_) => DType::U16,
            Column::U32(_) => DType::U32,
            Column::U64(_) => DType::U64,
            Column::F32(_) => DType::F32,
            Column::F64(_) | Column::F64Rows { .. } => DType::F64,
            Column::Str(_) => DType::Str,
        }
    }

    /// Empty column of a dtype with capacity.
    pub fn with_capacity(dtype: DType, n: usize) -> Column {
        match dtype {
            DType::I8 => Column::I8(Vec::with_capacity(n)),
            DType::I16 => Column::I16(Vec::with_capacity(n)),
            DType::I32 => Column::I32(Vec::with_capacity(n)),
            DType::I64 => Column::I64(Vec::with_capacity(n)),
            DType::U8 => Column::U8(Vec::with_capacity(n)),
            DType::U16 => Column::U16(Vec::with_capacity(n)),
            DType::U32 => Column::U32(Vec::with_capacity(n)),
            DType::U64 => Column::U64(Vec::with_capacity(n)),
            DType::F32 => Column::F32(Vec::with_capacity(n)),
            DType::F64 => Column::F64(Vec::with_capacity(n)),
            DType::Str => Column::Str(Vec::with_capacity(n)),
        }
    }

    /// Append a value with numpy assignment semantics (floats truncated toward zero into
    /// integer columns). Returns false when the value cannot be stored.
    pub fn push_value(&mut self, v: &Value) -> bool {
        macro_rules! int {
            ($vec:expr, $t:ty) => {{
                let x = match v {
                    Value::Int(i) => <$t>::try_from(*i).ok(),
                    Value::Bool(b) => Some(*b as $t),
                    Value::Float(f) if f.is_finite() => {
                        let t = f.trunc();
                        if t >= <$t>::MIN as f64 && t <= <$t>::MAX as f64 {
                            Some(t as $t)
                        } else {
                            None
                        }
                    }
                    _ => None,
                };
                match x {
                    Some(x) => {
                        $vec.push(x);
                        true
                    }
                    None => false,
                }
            }};
        }
        match self {
            Column::I8(c) => int!(c, i8),
            Column::I16(c) => int!(c, i16),
            Column::I32(c) => int!(c, i32),
            Column::I64(c) => int!(c, i64),
            Column::U8(c) => int!(c, u8),
            Column::U16(c) => int!(c, u16),
            Column::U32(c) => int!(c, u32),
            Column::U64(c) => int!(c, u64),
            Column::F32(c) => v.as_f64().map(|x| c.push(x as f32)).is_some(),
            Column::F64(c) => v.as_f64().map(|x| c.push(x)).is_some(),
            Column::Str(c) => {
                c.push(v.py_str());
                true
            }
            Column::F64Rows { .. } => false,
        }
    }

    /// Value at row `i` (rows of floats become tuples).
    pub fn get(&self, i: usize) -> Option<Value> {
        if i >= self.len() {
            return None;
        }
        Some(match self {
            Column::I8(v) => Value::Int(v[i].into()),
            Column::I16(v) => Value::Int(v[i].into()),
            Column::I32(v) => Value::Int(v[i].into()),
            Column::I64(v) => Value::Int(v[i]),
            Column::U8(v) => Value::Int(v[i].into()),
            Column::U16(v) => Value::Int(v[i].into()),
            Column::U32(v) => Value::Int(v[i].into()),
            Column::U64(v) => Value::Int(v[i] as i64),
            Column::F32(v) => Value::Float(v[i].into()),
            Column::F64(v) => Value::Float(v[i]),
            Column::Str(v) => Value::Str(v[i].clone()),
            Column::F64Rows { cols, data } => Value::Tuple(
                data[i * cols..(i + 1) * cols]
                    .iter()
                    .map(|&x| Value::Float(x))
                    .collect(),
            ),
        })
    }

    /// Numeric value at row `i` without allocating.
    pub fn get_f64(&self, i: usize) -> Option<f64> {
        match self {
            Column::I8(v) => v.get(i).map(|&x| x.into()),
            Column::I16(v) => v.get(i).map(|&x| x.into()),
            Column::I32(v) => v.get(i).map(|&x| x.into()),
            Column::I64(v) => v.get(i).map(|&x| x as f64),
            Column::U8(v) => v.get(i).map(|&x| x.into()),
            Column::U16(v) => v.get(i).map(|&x| x.into()),
            Column::U32(v) => v.get(i).map(|&x| x.into()),
            Column::U64(v) => v.get(i).map(|&x| x as f64),
            Column::F32(v) => v.get(i).map(|&x| x.into()),
            Column::F64(v) => v.get(i).copied(),
            _ => None,
        }
    }

    /// Keep rows in `order` (a permutation or selection).
    pub fn take(&self, order: &[usize]) -> Column {
        match self {
            Column::F64Rows { cols, data } => Column::F64Rows {
                cols: *cols,
                data: order
                    .iter()
                    .flat_map(|&i| data[i * cols..(i + 1) * cols].iter().copied())
                    .collect(),
            },
            Column::I8(v) => Column::I8(order.iter().map(|&i| v[i]).collect()),
            Column::I16(v) => Column::I16(order.iter().map(|&i| v[i]).collect()),
            Column::I32(v) => Column::I32(order.iter().map(|&i| v[i]).collect()),
            Column::I64(v) => Column::I64(order.iter().map(|&i| v[i]).collect()),
            Column::U8(v) => Column::U8(order.iter().map(|&i| v[i]).collect()),
            Column::U16(v) => Column::U16(order.iter().map(|&i| v[i]).collect()),
            Column::U32(v) => Column::U32(order.iter().map(|&i| v[i]).collect()),
            Column::U64(v) => Column::U64(order.iter().map(|&i| v[i]).collect()),
            Column::F32(v) => Column::F32(order.iter().map(|&i| v[i]).collect()),
            Column::F64(v) => Column::F64(order.iter().map(|&i| v[i]).collect()),
            Column::Str(v) => Column::Str(order.iter().map(|&i| v[i].clone()).collect()),
        }
    }

    /// Append all rows of `other` (same variant); false when the variants differ.
    pub fn extend_from(&mut self, other: &Column) -> bool {
        match (self, other) {
            (Column::F64Rows { cols: a, data }, Column::F64Rows { cols: b, data: d }) if a == b => {
                data.extend_from_slice(d)
            }
            (Column::I8(a), Column::I8(b)) => a.extend_from_slice(b),
            (Column::I16(a), Column::I16(b)) => a.extend_from_slice(b),
            (Column::I32(a), Column::I32(b)) => a.extend_from_slice(b),
            (Column::I64(a), Column::I64(b)) => a.extend_from_slice(b),
            (Column::U8(a), Column::U8(b)) => a.extend_from_slice(b),
            (Column::U16(a), Column::U16(b)) => a.extend_from_slice(b),
            (Column::U32(a), Column::U32(b)) => a.extend_from_slice(b),
            (Column::U64(a), Column::U64(b)) => a.extend_from_slice(b),
            (Column::F32(a), Column::F32(b)) => a.extend_from_slice(b),
            (Column::F64(a), Column::F64(b)) => a.extend_from_slice(b),
            (Column::Str(a), Column::Str(b)) => a.extend_from_slice(b),
            _ => return false,
        }
        true
    }
}

impl From<Vec<f64>> for Column {
    fn from(v: Vec<f64>) -> Self {
        Column::F64(v)
    }
}
impl From<Vec<i64>> for Column {
    fn from(v: Vec<i64>) -> Self {
        Column::I64(v)
    }
}
impl From<Vec<String>> for Column {
    fn from(v: Vec<String>) -> Self {
        Column::Str(v)
    }
}
impl From<Vec<&str>> for Column {
    fn from(v: Vec<&str>) -> Self {
        Column::Str(v.into_iter().map(str::to_string).collect())
    }
}
impl From<Vec<[f64; 3]>> for Column {
    fn from(v: Vec<[f64; 3]>) -> Self {
        Column::F64Rows {
            cols: 3,
            data: v.into_iter().flatten().collect(),
        }
    }
}

/// Python/numpy `repr` of a float (shortest round trip; scientific below 1e-4 and from 1e16).
pub use rall_sonata::pyfmt::py_float as python_float_repr;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_strs() {
        assert_eq!(Value::from(vec![0.0, 150.0]).py_str(), "[0.0, 150.0]");
        assert_eq!(
            Value::from(vec!["basal", "apical"]).py_str(),
            "['basal', 'apical']"
        );
        assert_eq!(Value::from(0.001).py_str(), "0.001");
        assert_eq!(Value::from(1e20).py_str(), "1e+20");
        assert_eq!(Value::from(true).py_str(), "True");
        assert!(Value::Int(1).py_eq(&Value::Float(1.0)));
    }
}
