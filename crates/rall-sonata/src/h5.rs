//! The one place in Rall that touches HDF5.
//!
//! Everything goes through the pinned `hdf5-pure` crate (pure Rust, so `cargo build` needs no
//! system library). The rest of the project sees only the small vocabulary defined here:
//! [`H5File`] to read, [`H5Writer`] to write a whole file at once, and [`RowStream`] to stream
//! the rows of a large 2-D `f64` dataset to disk with bounded memory.
//!
//! # Streaming 2-D datasets (the workaround)
//! `hdf5-pure` 0.47 can append in place only to rank-1 datasets, but SONATA compartment reports
//! are 2-D (`data[n_steps, n_elements]`). [`H5Writer::reserve_f64`] therefore lays the
//! dataset out *pre-sized* and *contiguous*: the file is written once with the whole extent
//! reserved (the reserved bytes come from a zero-initialised allocation, which the OS backs
//! lazily with the shared zero page, so reserving gigabytes costs no resident memory), the
//! dataset's contiguous address is read back from the file, and [`RowStream::write_rows`] then
//! writes each block of rows in place with positioned writes. The result is an ordinary
//! contiguous dataset that libhdf5/h5py read like any other. Rows not yet written read as 0.

use std::collections::BTreeMap;
use std::fs;
use std::io::{Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use hdf5_pure as h5p;

mod objref;

/// Errors from HDF5 access. Every variant names the file; object-level ones name the object.
#[derive(Debug, thiserror::Error)]
pub enum H5Error {
    #[error("{path}: cannot open: {source}")]
    Open {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "{path}: not an HDF5 file (the HDF5 signature is missing; expected a SONATA .h5 file)"
    )]
    NotHdf5 { path: PathBuf },
    #[error("{path}: malformed or truncated HDF5 file: {detail}")]
    Malformed { path: PathBuf, detail: String },
    #[error("{path}: no {kind} '{object}'")]
    Missing {
        path: PathBuf,
        kind: &'static str,
        object: String,
    },
    #[error("{path}: '{object}': {detail}")]
    Object {
        path: PathBuf,
        object: String,
        detail: String,
    },
    #[error("{path}: cannot write: {detail}")]
    Write { path: PathBuf, detail: String },
}

type Result<T> = std::result::Result<T, H5Error>;

/// Typed contents of a dataset (row-major).
#[derive(Debug, Clone, PartialEq)]
pub enum Data {
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
    /// Variable-length UTF-8 strings (h5py's `object` dtype), or fixed-width strings on read.
    Str(Vec<String>),
}

macro_rules! each_numeric {
    ($self:expr, $v:ident => $e:expr, $s:ident => $se:expr) => {
        match $self {
            Data::I8($v) => $e,
            Data::I16($v) => $e,
            Data::I32($v) => $e,
            Data::I64($v) => $e,
            Data::U8($v) => $e,
            Data::U16($v) => $e,
            Data::U32($v) => $e,
            Data::U64($v) => $e,
            Data::F32($v) => $e,
            Data::F64($v) => $e,
            Data::Str($s) => $se,
        }
    };
}

impl Data {
    /// Number of elements.
    pub fn len(&self) -> usize {
        each_numeric!(self, v => v.len(), s => s.len())
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The numpy name of the element type, as h5py reports it (`object` for strings).
    pub fn dtype_name(&self) -> &'static str {
        match self {
            Data::I8(_) => "int8",
            Data::I16(_) => "int16",
            Data::I32(_) => "int32",
            Data::I64(_) => "int64",
            Data::U8(_) => "uint8",
            Data::U16(_) => "uint16",
            Data::U32(_) => "uint32",
            Data::U64(_) => "uint64",
            Data::F32(_) => "float32",
            Data::F64(_) => "float64",
            Data::Str(_) => "object",
        }
    }

    /// Integer values as u64; `None` for floats, strings, or a negative value.
    pub fn to_u64s(&self) -> Option<Vec<u64>> {
        fn conv<T: Copy + TryInto<u64>>(v: &[T]) -> Option<Vec<u64>> {
            v.iter().map(|&x| x.try_into().ok()).collect()
        }
        match self {
            Data::I8(v) => conv(v),
            Data::I16(v) => conv(v),
            Data::I32(v) => conv(v),
            Data::I64(v) => conv(v),
            Data::U8(v) => conv(v),
            Data::U16(v) => conv(v),
            Data::U32(v) => conv(v),
            Data::U64(v) => Some(v.clone()),
            _ => None,
        }
    }

    /// Integer values as i64; `None` for floats, strings, or a u64 above i64::MAX.
    pub fn to_i64s(&self) -> Option<Vec<i64>> {
        fn conv<T: Copy + TryInto<i64>>(v: &[T]) -> Option<Vec<i64>> {
            v.iter().map(|&x| x.try_into().ok()).collect()
        }
        match self {
            Data::I8(v) => conv(v),
            Data::I16(v) => conv(v),
            Data::I32(v) => conv(v),
            Data::I64(v) => Some(v.clone()),
            Data::U8(v) => conv(v),
            Data::U16(v) => conv(v),
            Data::U32(v) => conv(v),
            Data::U64(v) => conv(v),
            _ => None,
        }
    }

    /// Numeric values as f64 (exact for every integer below 2^53); `None` for strings.
    #[allow(clippy::unnecessary_cast)] // the macro arm for F64 casts f64 to f64
    pub fn to_f64s(&self) -> Option<Vec<f64>> {
        each_numeric!(self, v => Some(v.iter().map(|&x| x as f64).collect()), _s => None)
    }

    pub fn as_strings(&self) -> Option<&[String]> {
        match self {
            Data::Str(s) => Some(s),
            _ => None,
        }
    }
}

/// A dataset read from or to be written to a file.
#[derive(Debug, Clone, PartialEq)]
pub struct Array {
    pub data: Data,
    /// Dimensions; empty for a scalar.
    pub shape: Vec<u64>,
}

impl Array {
    /// A 1-D array.
    pub fn vec(data: Data) -> Array {
        let n = data.len() as u64;
        Array {
            data,
            shape: vec![n],
        }
    }

    /// A scalar (rank 0; `data` holds one element).
    pub fn scalar(data: Data) -> Array {
        Array {
            data,
            shape: Vec::new(),
        }
    }

    /// A 2-D array with `cols` columns (row-major data).
    pub fn matrix(data: Data, cols: u64) -> Array {
        let n = data.len() as u64;
        let rows = n.checked_div(cols).unwrap_or(0);
        Array {
            data,
            shape: vec![rows, cols],
        }
    }
}

/// An attribute value. On read every integer width maps to `Int`/`UInt`; on write the variant
/// chooses the stored type (`UInt32` etc.), so files match BMTK's byte for byte in type.
#[derive(Debug, Clone, PartialEq)]
pub enum Attr {
    Int(i64),
    UInt(u64),
    Float(f64),
    Str(String),
    IntArray(Vec<i64>),
    UIntArray(Vec<u64>),
    FloatArray(Vec<f64>),
    StrArray(Vec<String>),
    /// Write-side: a uint32 scalar (SONATA `magic`).
    UInt32(u32),
    /// Write-side: a uint32 array (SONATA `version`).
    UInt32Array(Vec<u32>),
    /// Write-side: an HDF5 object reference (`H5T_STD_REF_OBJ`, h5py's `h5py.Reference`) to the
    /// group or dataset at this absolute path in the same file (NWB's `VectorIndex.target`).
    /// See [`H5Writer::write`] for how it is written.
    ObjectRef(String),
    /// Something this module does not interpret (compound, enum …), described in text.
    Other(String),
}

impl Attr {
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Attr::Str(s) => Some(s),
            Attr::StrArray(v) if v.len() == 1 => Some(&v[0]),
            _ => None,
        }
    }

    pub fn as_u64(&self) -> Option<u64> {
        match self {
            Attr::UInt(v) => Some(*v),
            Attr::UInt32(v) => Some(u64::from(*v)),
            Attr::Int(v) => u64::try_from(*v).ok(),
            _ => None,
        }
    }

    pub fn as_u64s(&self) -> Option<Vec<u64>> {
        match self {
            Attr::UIntArray(v) => Some(v.clone()),
            Attr::UInt32Array(v) => Some(v.iter().map(|&x| u64::from(x)).collect()),
            Attr::IntArray(v) => v.iter().map(|&x| u64::try_from(x).ok()).collect(),
            other => other.as_u64().map(|x| vec![x]),
        }
    }

    fn from_h5(v: &h5p::AttrValue) -> Attr {
        use h5p::AttrValue as A;
        match v {
            A::I8(x) => Attr::Int(i64::from(*x)),
            A::I16(x) => Attr::Int(i64::from(*x)),
            A::I32(x) => Attr::Int(i64::from(*x)),
            A::I64(x) => Attr::Int(*x),
            A::U8(x) => Attr::UInt(u64::from(*x)),
            A::U16(x) => Attr::UInt(u64::from(*x)),
            A::U32(x) => Attr::UInt(u64::from(*x)),
            A::U64(x) => Attr::UInt(*x),
            A::F32(x) => Attr::Float(f64::from(*x)),
            A::F64(x) => Attr::Float(*x),
            A::I8Array(v) => Attr::IntArray(v.iter().map(|&x| i64::from(x)).collect()),
            A::I16Array(v) => Attr::IntArray(v.iter().map(|&x| i64::from(x)).collect()),
            A::I32Array(v) => Attr::IntArray(v.iter().map(|&x| i64::from(x)).collect()),
            A::I64Array(v) => Attr::IntArray(v.clone()),
            A::U8Array(v) => Attr::UIntArray(v.iter().map(|&x| u64::from(x)).collect()),
            A::U16Array(v) => Attr::UIntArray(v.iter().map(|&x| u64::from(x)).collect()),
            A::U32Array(v) => Attr::UIntArray(v.iter().map(|&x| u64::from(x)).collect()),
            A::U64Array(v) => Attr::UIntArray(v.clone()),
            A::F32Array(v) => Attr::FloatArray(v.iter().map(|&x| f64::from(x)).collect()),
            A::F64Array(v) => Attr::FloatArray(v.clone()),
            other => {
                if let Some(s) = other.as_str() {
                    Attr::Str(s.to_string())
                } else if let Some(v) = other.as_strings() {
                    Attr::StrArray(v.to_vec())
                } else {
                    Attr::Other(other.type_name().to_string())
                }
            }
        }
    }

    fn to_h5(&self) -> h5p::AttrValue {
        use h5p::AttrValue as A;
        match self {
            Attr::Int(x) => A::I64(*x),
            Attr::UInt(x) => A::U64(*x),
            Attr::Float(x) => A::F64(*x),
            Attr::Str(s) => A::VarLenString(s.clone()),
            Attr::IntArray(v) => A::I64Array(v.clone()),
            Attr::UIntArray(v) => A::U64Array(v.clone()),
            Attr::FloatArray(v) => A::F64Array(v.clone()),
            Attr::StrArray(v) => A::VarLenStringArray(v.clone()),
            Attr::UInt32(x) => A::U32(*x),
            Attr::UInt32Array(v) => A::U32Array(v.clone()),
            Attr::Other(s) => A::VarLenString(s.clone()),
            // An 8-byte fixed string in the reference's place; patched after layout.
            Attr::ObjectRef(_) => A::AsciiString(REF_PLACEHOLDER.to_string()),
        }
    }
}

/// An HDF5 file opened for reading. Data are fetched from disk on demand (bounded memory).
pub struct H5File {
    path: PathBuf,
    file: h5p::File,
}

impl std::fmt::Debug for H5File {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("H5File").field("path", &self.path).finish()
    }
}

fn norm(object: &str) -> &str {
    let o = object.trim_start_matches('/');
    if o.is_empty() {
        "/"
    } else {
        o
    }
}

impl H5File {
    /// Opens `path`, checking that it exists and carries the HDF5 signature.
    pub fn open(path: impl AsRef<Path>) -> Result<H5File> {
        let path = path.as_ref().to_path_buf();
        let meta = fs::metadata(&path).map_err(|source| H5Error::Open {
            path: path.clone(),
            source,
        })?;
        if meta.is_dir() {
            return Err(H5Error::Open {
                path,
                source: std::io::Error::other("is a directory, expected an HDF5 file"),
            });
        }
        match h5p::is_hdf5(&path) {
            Ok(true) => {}
            Ok(false) => return Err(H5Error::NotHdf5 { path }),
            Err(source) => return Err(H5Error::Open { path, source }),
        }
        let file = h5p::File::open_streaming(&path).map_err(|e| H5Error::Malformed {
            path: path.clone(),
            detail: e.to_string(),
        })?;
        // A file cut short (interrupted copy or write) still parses up to the cut; the
        // superblock records where the file should end.
        let eof = file.superblock().eof_address;
        if eof > meta.len() {
            return Err(H5Error::Malformed {
                path,
                detail: format!(
                    "truncated: the file is {} bytes but its superblock says {eof}",
                    meta.len()
                ),
            });
        }
        Ok(H5File { path, file })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn err(&self, object: &str, e: impl std::fmt::Display) -> H5Error {
        H5Error::Object {
            path: self.path.clone(),
            object: object.to_string(),
            detail: e.to_string(),
        }
    }

    fn group(&self, group: &str) -> Result<h5p::Group> {
        let g = norm(group);
        if g == "/" {
            return Ok(self.file.root());
        }
        self.file.group(g).map_err(|_| H5Error::Missing {
            path: self.path.clone(),
            kind: "group",
            object: group.to_string(),
        })
    }

    fn dataset(&self, ds: &str) -> Result<h5p::Dataset> {
        self.file.dataset(norm(ds)).map_err(|_| H5Error::Missing {
            path: self.path.clone(),
            kind: "dataset",
            object: ds.to_string(),
        })
    }

    pub fn has_group(&self, group: &str) -> bool {
        norm(group) == "/" || self.file.group(norm(group)).is_ok()
    }

    pub fn has_dataset(&self, ds: &str) -> bool {
        self.file.dataset(norm(ds)).is_ok()
    }

    /// Names of the sub-groups of `group`, sorted (HDF5's name order, as h5py iterates).
    pub fn groups(&self, group: &str) -> Result<Vec<String>> {
        let mut v = self
            .group(group)?
            .groups()
            .map_err(|e| self.err(group, e))?;
        v.sort();
        Ok(v)
    }

    /// Names of the datasets directly in `group`, sorted.
    pub fn datasets(&self, group: &str) -> Result<Vec<String>> {
        let mut v = self
            .group(group)?
            .datasets()
            .map_err(|e| self.err(group, e))?;
        v.sort();
        Ok(v)
    }

    /// Attributes of a group or dataset.
    pub fn attrs(&self, object: &str) -> Result<BTreeMap<String, Attr>> {
        let raw = if self.has_dataset(object) {
            self.dataset(object)?
                .attrs()
                .map_err(|e| self.err(object, e))?
        } else {
            self.group(object)?
                .attrs()
                .map_err(|e| self.err(object, e))?
        };
        Ok(raw
            .iter()
            .map(|(k, v)| (k.clone(), Attr::from_h5(v)))
            .collect())
    }

    pub fn shape(&self, ds: &str) -> Result<Vec<u64>> {
        self.dataset(ds)?.shape().map_err(|e| self.err(ds, e))
    }

    /// Reads a whole dataset with its stored element type.
    pub fn read(&self, ds: &str) -> Result<Array> {
        let d = self.dataset(ds)?;
        let shape = d.shape().map_err(|e| self.err(ds, e))?;
        let dtype = d.dtype().map_err(|e| self.err(ds, e))?;
        let e = |e: h5p::Error| self.err(ds, e);
        use h5p::DType as T;
        let data = match dtype {
            T::I8 => Data::I8(d.read_i8().map_err(e)?),
            T::I16 => Data::I16(d.read_i16().map_err(e)?),
            T::I32 => Data::I32(d.read_i32().map_err(e)?),
            T::I64 => Data::I64(d.read_i64().map_err(e)?),
            T::U8 => Data::U8(d.read_u8().map_err(e)?),
            T::U16 => Data::U16(d.read_u16().map_err(e)?),
            T::U32 => Data::U32(d.read_u32().map_err(e)?),
            T::U64 => Data::U64(d.read_u64().map_err(e)?),
            T::F32 => Data::F32(d.read_f32().map_err(e)?),
            T::F64 => Data::F64(d.read_f64().map_err(e)?),
            T::String | T::VariableLengthString => Data::Str(d.read_string().map_err(e)?),
            other => {
                return Err(self.err(
                    ds,
                    format!("unsupported element type {other}; expected numbers or strings"),
                ))
            }
        };
        let expect: u64 = shape.iter().product();
        if data.len() as u64 != expect {
            return Err(self.err(
                ds,
                format!(
                    "read {} elements, shape {shape:?} says {expect}",
                    data.len()
                ),
            ));
        }
        Ok(Array { data, shape })
    }

    /// Reads an integer dataset as u64 (ids, indices); any other element type, or a negative
    /// value, is an error naming the dataset.
    pub fn read_u64s(&self, ds: &str) -> Result<Vec<u64>> {
        let a = self.read(ds)?;
        a.data.to_u64s().ok_or_else(|| {
            self.err(
                ds,
                format!(
                    "must hold non-negative integers, found {}",
                    a.data.dtype_name()
                ),
            )
        })
    }

    /// [`read_u64s`](H5File::read_u64s) when the dataset exists, else `default()` (SONATA's
    /// optional columns such as `node_id` or `edge_group_index`).
    pub fn read_u64s_or(&self, ds: &str, default: impl FnOnce() -> Vec<u64>) -> Result<Vec<u64>> {
        if self.has_dataset(ds) {
            self.read_u64s(ds)
        } else {
            Ok(default())
        }
    }

    /// Every dataset below `group`, recursively, keyed by its path relative to `group`
    /// (`dynamics_params/x` for a dataset in a sub-group).
    pub fn read_tree(&self, group: &str) -> Result<BTreeMap<String, Array>> {
        fn walk(
            f: &H5File,
            g: &str,
            prefix: &str,
            out: &mut BTreeMap<String, Array>,
        ) -> Result<()> {
            for ds in f.datasets(g)? {
                out.insert(format!("{prefix}{ds}"), f.read(&format!("{g}/{ds}"))?);
            }
            for sub in f.groups(g)? {
                walk(f, &format!("{g}/{sub}"), &format!("{prefix}{sub}/"), out)?;
            }
            Ok(())
        }
        let mut out = BTreeMap::new();
        walk(self, group, "", &mut out)?;
        Ok(out)
    }

    /// The sub-groups of `group` whose names are numbers (SONATA node/edge groups), each read
    /// with [`read_tree`](H5File::read_tree).
    pub fn numbered_groups(&self, group: &str) -> Result<BTreeMap<u64, BTreeMap<String, Array>>> {
        let mut out = BTreeMap::new();
        for g in self.groups(group)? {
            if let Ok(id) = g.parse::<u64>() {
                out.insert(id, self.read_tree(&format!("{group}/{g}"))?);
            }
        }
        Ok(out)
    }

    /// Reads rows `[start, start+count)` of a floating-point dataset as f64 (bounded memory).
    pub fn read_f64_rows(&self, ds: &str, start: u64, count: u64) -> Result<Vec<f64>> {
        let d = self.dataset(ds)?;
        match d.dtype().map_err(|e| self.err(ds, e))? {
            h5p::DType::F64 => d.read_f64_rows(start, count).map_err(|e| self.err(ds, e)),
            h5p::DType::F32 => Ok(d
                .read_f32_rows(start, count)
                .map_err(|e| self.err(ds, e))?
                .into_iter()
                .map(f64::from)
                .collect()),
            other => Err(self.err(ds, format!("element type {other}, expected float"))),
        }
    }
}

/// Largest leading chunk dimension we write (see `emit_dataset`).
const MAX_CHUNK_ROWS: u64 = 65_535;

/// Storage options for a dataset to be written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Compression {
    /// Contiguous, uncompressed.
    #[default]
    None,
    /// Chunked (one chunk = the whole dataset, as h5py does for BMTK) and deflated at this level.
    Gzip(u32),
}

#[derive(Debug, Default)]
struct NodeSpec {
    attrs: Vec<(String, Attr)>,
    children: Vec<(String, Child)>,
}

#[derive(Debug)]
enum Child {
    Group(NodeSpec),
    Dataset(DatasetSpec),
}

#[derive(Debug)]
struct DatasetSpec {
    array: Option<Array>,
    /// (rows, cols) of a reserved f64 matrix (see the module docs).
    reserved: Option<(u64, u64)>,
    compression: Compression,
    attrs: Vec<(String, Attr)>,
}

/// Builds a whole HDF5 file in memory and writes it atomically (temporary file + rename), so an
/// error never leaves a half-written file in place of a good one.
#[derive(Debug, Default)]
pub struct H5Writer {
    root: NodeSpec,
    streaming: Vec<String>,
}

fn split(path: &str) -> Vec<&str> {
    path.split('/').filter(|s| !s.is_empty()).collect()
}

impl NodeSpec {
    fn node_mut(&mut self, parts: &[&str]) -> Option<&mut NodeSpec> {
        let Some((first, rest)) = parts.split_first() else {
            return Some(self);
        };
        let idx = match self.children.iter().position(|(n, _)| n == first) {
            Some(i) => i,
            None => {
                self.children
                    .push((first.to_string(), Child::Group(NodeSpec::default())));
                self.children.len() - 1
            }
        };
        match &mut self.children[idx].1 {
            Child::Group(g) => g.node_mut(rest),
            Child::Dataset(_) => None,
        }
    }

    fn dataset_mut(&mut self, parts: &[&str]) -> Option<&mut DatasetSpec> {
        let (last, parents) = parts.split_last()?;
        let parent = self.node_mut(parents)?;
        parent.children.iter_mut().find_map(|(n, c)| match c {
            Child::Dataset(d) if n == last => Some(d),
            _ => None,
        })
    }
}

impl H5Writer {
    pub fn new() -> H5Writer {
        H5Writer::default()
    }

    /// A writer with SONATA's root attributes (`magic` = 0x0A7A, `version` = [0, 1]) as BMTK writes.
    pub fn sonata() -> H5Writer {
        let mut w = H5Writer::new();
        w.attr("/", "magic", Attr::UInt32(0x0A7A));
        w.attr("/", "version", Attr::UInt32Array(vec![0, 1]));
        w
    }

    /// Ensures a (possibly empty) group exists.
    pub fn group(&mut self, path: &str) {
        let _ = self.root.node_mut(&split(path));
    }

    /// Sets an attribute on a group or on a dataset already added.
    pub fn attr(&mut self, object: &str, name: &str, value: Attr) {
        let parts = split(object);
        if let Some(d) = self.root.dataset_mut(&parts) {
            d.attrs.push((name.to_string(), value));
        } else if let Some(g) = self.root.node_mut(&parts) {
            g.attrs.push((name.to_string(), value));
        }
    }

    /// Adds a dataset at `path` (parent groups are created as needed).
    pub fn dataset(&mut self, path: &str, array: Array, compression: Compression) {
        self.add(path, Some(array), None, compression);
    }

    fn add(
        &mut self,
        path: &str,
        array: Option<Array>,
        reserved: Option<(u64, u64)>,
        compression: Compression,
    ) {
        let parts = split(path);
        let Some((last, parents)) = parts.split_last() else {
            return;
        };
        if let Some(parent) = self.root.node_mut(parents) {
            parent.children.retain(|(n, _)| n != last);
            parent.children.push((
                last.to_string(),
                Child::Dataset(DatasetSpec {
                    array,
                    reserved,
                    compression,
                    attrs: Vec::new(),
                }),
            ));
        }
    }

    /// Writes the file atomically.
    pub fn write(self, path: impl AsRef<Path>) -> Result<()> {
        let path = path.as_ref();
        let tmp = tmp_path(path);
        let werr = |detail: String| H5Error::Write {
            path: path.to_path_buf(),
            detail,
        };
        let mut refs = Vec::new();
        collect_refs(&self.root, "", &mut refs);
        let mut fb = h5p::FileBuilder::new();
        for (k, v) in &self.root.attrs {
            fb.set_attr(k, v.to_h5());
        }
        for (name, child) in self.root.children {
            match child {
                Child::Group(g) => {
                    let mut gb = fb.create_group(&name);
                    emit_group(&mut gb, g).map_err(werr)?;
                    fb.add_group(gb.finish());
                }
                Child::Dataset(d) => emit_dataset(fb.create_dataset(&name), d).map_err(werr)?,
            }
        }
        if let Some(parent) = path.parent() {
            if !parent.as_os_str().is_empty() {
                fs::create_dir_all(parent).map_err(|e| werr(e.to_string()))?;
            }
        }
        if refs.is_empty() {
            fb.write(&tmp).map_err(|e| {
                let _ = fs::remove_file(&tmp);
                werr(e.to_string())
            })?;
        } else {
            // Object references: `hdf5-pure` 0.47 writes them only as dataset elements, never as
            // attribute values, so each is laid out as an 8-byte string placeholder and patched
            // in the finished image (see `objref`). Only files with references take this path
            // (it holds the whole image in memory; reserved streaming datasets never have one).
            let mut bytes = fb.finish().map_err(|e| werr(e.to_string()))?;
            for r in &refs {
                objref::patch(&mut bytes, &r.holder, &r.name, &r.target, REF_PLACEHOLDER).map_err(
                    |e| {
                        werr(format!(
                            "object reference attribute '{}' on '{}' → '{}': {e}",
                            r.name, r.holder, r.target
                        ))
                    },
                )?;
            }
            fs::write(&tmp, &bytes).map_err(|e| {
                let _ = fs::remove_file(&tmp);
                werr(e.to_string())
            })?;
        }
        fs::rename(&tmp, path).map_err(|e| werr(e.to_string()))
    }

    /// Reserves a `rows × cols` f64 dataset at `dataset`, to be filled after
    /// [`write_with_streams`](H5Writer::write_with_streams) through a [`RowStream`] (see the
    /// module docs). `attrs` go on the dataset.
    pub fn reserve_f64(&mut self, dataset: &str, rows: u64, cols: u64, attrs: Vec<(String, Attr)>) {
        self.add(dataset, None, Some((rows, cols)), Compression::None);
        for (k, v) in attrs {
            self.attr(dataset, &k, v);
        }
        self.streaming.push(dataset.to_string());
    }

    /// Writes the file, then opens one [`RowStream`] per reserved dataset, in reservation order.
    pub fn write_with_streams(self, path: impl AsRef<Path>) -> Result<Vec<RowStream>> {
        let path = path.as_ref().to_path_buf();
        let reserved = self.streaming.clone();
        self.write(&path)?;
        let f = H5File::open(&path)?;
        let mut out = Vec::new();
        for dataset in &reserved {
            let d = f.dataset(dataset)?;
            let shape = d.shape().map_err(|e| f.err(dataset, e))?;
            let (rows, cols) = (shape[0], shape[1]);
            let (address, size) = match d.layout().map_err(|e| f.err(dataset, e))? {
                h5p::Layout::Contiguous {
                    address: Some(a),
                    size,
                } => (a, size),
                // An empty reservation has no storage to write into.
                h5p::Layout::Contiguous {
                    address: None,
                    size: 0,
                } => (0, 0),
                other => {
                    return Err(H5Error::Write {
                        path,
                        detail: format!(
                        "reserved dataset '{dataset}' got layout {other:?}, expected contiguous"
                    ),
                    })
                }
            };
            if size != rows * cols * 8 {
                return Err(H5Error::Write {
                    path,
                    detail: format!(
                        "'{dataset}': reserved {size} bytes, expected {}",
                        rows * cols * 8
                    ),
                });
            }
            let file = fs::OpenOptions::new()
                .write(true)
                .open(&path)
                .map_err(|source| H5Error::Open {
                    path: path.clone(),
                    source,
                })?;
            out.push(RowStream {
                path: path.clone(),
                file,
                address,
                rows,
                cols,
                written: 0,
                buf: Vec::new(),
            });
        }
        Ok(out)
    }
}

/// The value written where an [`Attr::ObjectRef`] goes, until `objref::patch` replaces it: 8
/// bytes, the size of an object reference.
const REF_PLACEHOLDER: &str = "RALL-REF";

/// An object-reference attribute to patch: on object `holder`, attribute `name` → `target`.
struct RefAttr {
    holder: String,
    name: String,
    target: String,
}

fn collect_refs(node: &NodeSpec, prefix: &str, out: &mut Vec<RefAttr>) {
    let here = if prefix.is_empty() { "/" } else { prefix };
    let push = |attrs: &[(String, Attr)], holder: &str, out: &mut Vec<RefAttr>| {
        for (k, v) in attrs {
            if let Attr::ObjectRef(t) = v {
                out.push(RefAttr {
                    holder: holder.to_string(),
                    name: k.clone(),
                    target: t.clone(),
                });
            }
        }
    };
    push(&node.attrs, here, out);
    for (name, child) in &node.children {
        let p = format!("{prefix}/{name}");
        match child {
            Child::Group(g) => collect_refs(g, &p, out),
            Child::Dataset(d) => push(&d.attrs, &p, out),
        }
    }
}

fn tmp_path(path: &Path) -> PathBuf {
    let mut name = path
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_default();
    name.push(".rall-tmp");
    path.with_file_name(name)
}

fn emit_group(gb: &mut h5p::GroupBuilder, node: NodeSpec) -> std::result::Result<(), String> {
    for (k, v) in &node.attrs {
        gb.set_attr(k, v.to_h5());
    }
    for (name, child) in node.children {
        match child {
            Child::Group(g) => {
                let mut sub = gb.create_group(&name);
                emit_group(&mut sub, g)?;
                gb.add_group(sub.finish());
            }
            Child::Dataset(d) => emit_dataset(gb.create_dataset(&name), d)?,
        }
    }
    Ok(())
}

fn emit_dataset(db: &mut h5p::DatasetBuilder, d: DatasetSpec) -> std::result::Result<(), String> {
    if let Some((rows, cols)) = d.reserved {
        let n = rows
            .checked_mul(cols)
            .and_then(|n| n.checked_mul(8))
            .ok_or("reserved dataset too large")?;
        if n == 0 {
            db.with_dtype(h5p::make_f64_type())
                .with_shape(&[rows, cols]);
            for (k, v) in &d.attrs {
                db.set_attr(k, v.to_h5());
            }
            return Ok(());
        }
        // A zero-initialised allocation is backed lazily by the OS: no resident memory.
        let bytes = vec![0u8; usize::try_from(n).map_err(|_| "reserved dataset too large")?];
        db.with_raw_data(h5p::make_f64_type(), bytes, rows * cols)
            .with_shape(&[rows, cols]);
    } else if let Some(a) = d.array {
        let n = a.data.len();
        let is_str = matches!(a.data, Data::Str(_));
        match &a.data {
            Data::I8(v) => db.with_i8_data(v),
            Data::I16(v) => db.with_i16_data(v),
            Data::I32(v) => db.with_i32_data(v),
            Data::I64(v) => db.with_i64_data(v),
            Data::U8(v) => db.with_u8_data(v),
            Data::U16(v) => db.with_u16_data(v),
            Data::U32(v) => db.with_u32_data(v),
            Data::U64(v) => db.with_u64_data(v),
            Data::F32(v) => db.with_f32_data(v),
            Data::F64(v) => db.with_f64_data(v),
            Data::Str(v) => {
                let refs: Vec<&str> = v.iter().map(String::as_str).collect();
                db.with_vlen_strings(&refs)
            }
        };
        db.with_shape(&a.shape);
        if let Compression::Gzip(level) = d.compression {
            if n > 0 && !is_str {
                // One chunk = the whole dataset (as h5py does for BMTK), except that the leading
                // chunk dimension stays below 65,536: hdf5-pure 0.47 encodes larger chunk
                // dimensions in a width libhdf5 rejects ("stored chunk dimension encoding length
                // does not match"), which made big nodes/edges/spikes files unreadable by h5py.
                let mut chunks = a.shape.clone();
                if let Some(first) = chunks.first_mut() {
                    *first = (*first).clamp(1, MAX_CHUNK_ROWS);
                }
                db.with_chunks(&chunks).with_deflate(level);
            }
        }
    }
    for (k, v) in &d.attrs {
        db.set_attr(k, v.to_h5());
    }
    Ok(())
}

/// Streams rows of a reserved 2-D f64 dataset into its file, in place (see the module docs).
/// Memory is one block of rows; each [`write_rows`](RowStream::write_rows) goes to disk.
#[derive(Debug)]
pub struct RowStream {
    path: PathBuf,
    file: fs::File,
    address: u64,
    rows: u64,
    cols: u64,
    written: u64,
    buf: Vec<u8>,
}

impl RowStream {
    pub fn rows_written(&self) -> u64 {
        self.written
    }

    pub fn rows(&self) -> u64 {
        self.rows
    }

    pub fn cols(&self) -> u64 {
        self.cols
    }

    /// Appends whole rows (row-major, `values.len()` a multiple of the column count).
    pub fn write_rows(&mut self, values: &[f64]) -> Result<()> {
        let werr = |detail: String| H5Error::Write {
            path: self.path.clone(),
            detail,
        };
        if self.cols == 0 {
            return Ok(());
        }
        if !(values.len() as u64).is_multiple_of(self.cols) {
            return Err(werr(format!(
                "{} values is not a whole number of rows of {}",
                values.len(),
                self.cols
            )));
        }
        let n = values.len() as u64 / self.cols;
        if self.written + n > self.rows {
            return Err(werr(format!(
                "writing rows {}..{} past the reserved {} rows",
                self.written,
                self.written + n,
                self.rows
            )));
        }
        self.buf.clear();
        self.buf.reserve(values.len() * 8);
        for v in values {
            self.buf.extend_from_slice(&v.to_le_bytes());
        }
        let off = self.address + self.written * self.cols * 8;
        self.file
            .seek(SeekFrom::Start(off))
            .and_then(|_| self.file.write_all(&self.buf))
            .map_err(|e| werr(e.to_string()))?;
        self.written += n;
        Ok(())
    }

    /// Flushes to disk.
    pub fn finish(mut self) -> Result<()> {
        self.file
            .flush()
            .and_then(|_| self.file.sync_data())
            .map_err(|e| H5Error::Write {
                path: self.path.clone(),
                detail: e.to_string(),
            })
    }
}
