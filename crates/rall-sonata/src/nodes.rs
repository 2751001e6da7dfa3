//! SONATA node files: `*_nodes.h5` (`/nodes/<population>/…`) plus `*_node_types.csv`.
//!
//! A node's property is its group value if the group has that dataset, else its node type's
//! CSV value (SONATA: the h5 instance overrides the type).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::h5::{Array, Compression, Data, H5Error, H5File, H5Writer};
use crate::types_csv::{TypeTable, TypesCsvError, Value};

/// Errors reading or writing node files.
#[derive(Debug, thiserror::Error)]
pub enum NodesError {
    #[error(transparent)]
    H5(#[from] H5Error),
    #[error(transparent)]
    Csv(#[from] TypesCsvError),
    #[error("{path}: population '{population}': {detail}")]
    Layout {
        path: PathBuf,
        population: String,
        detail: String,
    },
    #[error(
        "{path}: population '{population}' node {node_id}: node_type_id {type_id} is not in {csv}"
    )]
    UnknownType {
        path: PathBuf,
        population: String,
        node_id: u64,
        type_id: u64,
        csv: PathBuf,
    },
    #[error("{path}: cannot write: {detail}")]
    Write { path: PathBuf, detail: String },
}

/// One node group: per-node datasets (`dynamics_params/x` stored under that name).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NodeGroup {
    /// Dataset name → values (one row per group member; 2-D datasets keep their shape).
    pub datasets: BTreeMap<String, Array>,
}

/// A node population as stored in `/nodes/<name>`.
#[derive(Debug, Clone, PartialEq)]
pub struct NodePopulation {
    pub name: String,
    pub node_id: Vec<u64>,
    pub node_type_id: Vec<u64>,
    pub node_group_id: Vec<u64>,
    pub node_group_index: Vec<u64>,
    /// Groups by group id.
    pub groups: BTreeMap<u64, NodeGroup>,
}

impl NodePopulation {
    pub fn len(&self) -> usize {
        self.node_id.len()
    }

    pub fn is_empty(&self) -> bool {
        self.node_id.is_empty()
    }

    /// Row of a node id (a linear scan is avoided when ids are 0..N in order).
    pub fn row_of(&self, node_id: u64) -> Option<usize> {
        let i = node_id as usize;
        if self.node_id.get(i) == Some(&node_id) {
            return Some(i);
        }
        self.node_id.iter().position(|&n| n == node_id)
    }

    /// The group value of `key` for the node at `row`, if its group has that dataset.
    pub fn group_value(&self, row: usize, key: &str) -> Option<Value> {
        let g = self.groups.get(&self.node_group_id[row])?;
        let a = g.datasets.get(key)?;
        let gi = self.node_group_index[row] as usize;
        if a.shape.len() > 1 {
            return None; // vector-valued (e.g. positions N×3): read the dataset itself
        }
        Some(match &a.data {
            Data::Str(v) => Value::Str(v.get(gi)?.clone()),
            Data::F32(v) => Value::Float(f64::from(*v.get(gi)?)),
            Data::F64(v) => Value::Float(*v.get(gi)?),
            d => Value::Int(*d.to_i64s()?.get(gi)?),
        })
    }

    /// The value of `key` for the node at `row`: its group value, else its node type's.
    pub fn property(&self, row: usize, key: &str, types: &TypeTable) -> Option<Value> {
        match key {
            "node_id" => return Some(Value::Int(self.node_id[row] as i64)),
            "node_type_id" => return Some(Value::Int(self.node_type_id[row] as i64)),
            _ => {}
        }
        self.group_value(row, key)
            .or_else(|| types.value(self.node_type_id[row], key))
    }

    /// Counts of nodes per node type, in first-appearance order.
    pub fn type_counts(&self) -> Vec<(u64, usize)> {
        let mut out: Vec<(u64, usize)> = Vec::new();
        for &t in &self.node_type_id {
            match out.iter_mut().find(|(id, _)| *id == t) {
                Some(e) => e.1 += 1,
                None => out.push((t, 1)),
            }
        }
        out
    }
}

/// A nodes h5 file with its node-types table.
#[derive(Debug, Clone)]
pub struct NodesFile {
    pub path: PathBuf,
    pub types_path: PathBuf,
    pub populations: Vec<NodePopulation>,
    pub types: TypeTable,
}

/// Reads one population from an open file.
pub fn read_population(f: &H5File, name: &str) -> Result<NodePopulation, NodesError> {
    let base = format!("/nodes/{name}");
    let lay = |detail: String| NodesError::Layout {
        path: f.path().to_path_buf(),
        population: name.to_string(),
        detail,
    };
    let node_type_id = f.read_u64s(&format!("{base}/node_type_id"))?;
    let n = node_type_id.len();
    let node_id = f.read_u64s_or(&format!("{base}/node_id"), || (0..n as u64).collect())?;
    let node_group_id = f.read_u64s_or(&format!("{base}/node_group_id"), || vec![0; n])?;
    let node_group_index = f.read_u64s_or(&format!("{base}/node_group_index"), || {
        (0..n as u64).collect()
    })?;
    for (what, len) in [
        ("node_id", node_id.len()),
        ("node_group_id", node_group_id.len()),
        ("node_group_index", node_group_index.len()),
    ] {
        if len != n {
            return Err(lay(format!("{what} has {len} rows, node_type_id has {n}")));
        }
    }
    let groups: BTreeMap<u64, NodeGroup> = f
        .numbered_groups(&base)?
        .into_iter()
        .map(|(id, datasets)| (id, NodeGroup { datasets }))
        .collect();
    for (row, (&g, &gi)) in node_group_id.iter().zip(&node_group_index).enumerate() {
        let Some(grp) = groups.get(&g) else {
            if n > 0 && groups.is_empty() && g == 0 {
                continue; // a population without any group datasets
            }
            return Err(lay(format!(
                "node row {row} names group {g}, which does not exist"
            )));
        };
        for (k, a) in &grp.datasets {
            let rows = a.shape.first().copied().unwrap_or(0);
            if gi >= rows {
                return Err(lay(format!(
                    "node row {row}: node_group_index {gi} is past the {rows} rows of group {g} dataset '{k}'"
                )));
            }
        }
    }
    Ok(NodePopulation {
        name: name.to_string(),
        node_id,
        node_type_id,
        node_group_id,
        node_group_index,
        groups,
    })
}

impl NodesFile {
    /// Reads every population of a nodes file and its node-types CSV, and checks that every
    /// node's type exists in the CSV.
    pub fn read(
        h5: impl AsRef<Path>,
        types_csv: impl AsRef<Path>,
    ) -> Result<NodesFile, NodesError> {
        let f = H5File::open(h5.as_ref())?;
        let types = TypeTable::read(types_csv.as_ref(), "node_type_id")?;
        let mut populations = Vec::new();
        for name in f.groups("/nodes")? {
            let p = read_population(&f, &name)?;
            for (row, &t) in p.node_type_id.iter().enumerate() {
                if types.row_of(t).is_none() {
                    return Err(NodesError::UnknownType {
                        path: h5.as_ref().to_path_buf(),
                        population: name.clone(),
                        node_id: p.node_id[row],
                        type_id: t,
                        csv: types_csv.as_ref().to_path_buf(),
                    });
                }
            }
            populations.push(p);
        }
        Ok(NodesFile {
            path: h5.as_ref().to_path_buf(),
            types_path: types_csv.as_ref().to_path_buf(),
            populations,
            types,
        })
    }

    pub fn population(&self, name: &str) -> Option<&NodePopulation> {
        self.populations.iter().find(|p| p.name == name)
    }
}

/// Writes populations to a nodes h5 file with BMTK's layout and dtypes (`node_id`,
/// `node_type_id`, `node_group_index` uint64, `node_group_id` uint32; group datasets as given,
/// gzip-compressed like BMTK's default).
pub fn write_nodes_h5(path: impl AsRef<Path>, pops: &[NodePopulation]) -> Result<(), NodesError> {
    let mut w = H5Writer::sonata();
    w.group("/nodes");
    let gz = Compression::Gzip(4);
    for p in pops {
        let base = format!("/nodes/{}", p.name);
        w.dataset(
            &format!("{base}/node_id"),
            Array::vec(Data::U64(p.node_id.clone())),
            gz,
        );
        w.dataset(
            &format!("{base}/node_type_id"),
            Array::vec(Data::U64(p.node_type_id.clone())),
            gz,
        );
        w.dataset(
            &format!("{base}/node_group_id"),
            Array::vec(Data::U32(
                p.node_group_id.iter().map(|&x| x as u32).collect(),
            )),
            gz,
        );
        w.dataset(
            &format!("{base}/node_group_index"),
            Array::vec(Data::U64(p.node_group_index.clone())),
            gz,
        );
        for (gid, g) in &p.groups {
            w.group(&format!("{base}/{gid}"));
            for (k, a) in &g.datasets {
                w.dataset(&format!("{base}/{gid}/{k}"), a.clone(), gz);
            }
        }
    }
    w.write(path).map_err(NodesError::from)
}
