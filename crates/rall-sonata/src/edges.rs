//! SONATA edge files: `*_edges.h5` (`/edges/<population>/…`, edge groups, both index
//! directions) plus `*_edge_types.csv`.
//!
//! Edge rows may carry `nsyns` (BMTK: several synapses per row) or per-synapse properties such
//! as `afferent_section_id`/`afferent_section_pos`/`syn_weight`. Per-edge (group) values
//! override edge-type values.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::h5::{Array, Attr, Compression, Data, H5Error, H5File, H5Writer};
use crate::types_csv::{TypeTable, TypesCsvError, Value};

#[derive(Debug, thiserror::Error)]
pub enum EdgesError {
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
        "{path}: population '{population}' edge {edge}: edge_type_id {type_id} is not in {csv}"
    )]
    UnknownType {
        path: PathBuf,
        population: String,
        edge: usize,
        type_id: u64,
        csv: PathBuf,
    },
}

/// One index direction (`target_to_source` or `source_to_target`):
/// `node_id_to_range[id] = [first, end)` rows of `range_to_edge_id`, whose rows are
/// `[begin, end)` runs of edge rows.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EdgeIndex {
    pub node_id_to_range: Vec<[u64; 2]>,
    pub range_to_edge_id: Vec<[u64; 2]>,
}

impl EdgeIndex {
    /// Builds an index over `ids` (edge row → node id) as BMTK does: runs of contiguous equal
    /// ids, ordered by id (ties keep file order), `node_id_to_range` for ids `0..=max`, `[0,0]`
    /// for ids without edges.
    pub fn build(ids: &[u64]) -> EdgeIndex {
        let mut runs: Vec<(u64, u64, u64)> = Vec::new(); // (id, begin, end)
        for (i, &id) in ids.iter().enumerate() {
            match runs.last_mut() {
                Some(r) if r.0 == id && r.2 == i as u64 => r.2 += 1,
                _ => runs.push((id, i as u64, i as u64 + 1)),
            }
        }
        runs.sort_by_key(|r| r.0); // stable: ties keep file order
        let max = ids.iter().copied().max();
        let mut node_id_to_range = vec![[0u64, 0u64]; max.map_or(0, |m| m as usize + 1)];
        let mut k = 0;
        while k < runs.len() {
            let id = runs[k].0;
            let first = k;
            while k < runs.len() && runs[k].0 == id {
                k += 1;
            }
            node_id_to_range[id as usize] = [first as u64, k as u64];
        }
        EdgeIndex {
            node_id_to_range,
            range_to_edge_id: runs.iter().map(|r| [r.1, r.2]).collect(),
        }
    }

    /// Edge rows of `node_id`, in index order; empty if none.
    pub fn rows_of(&self, node_id: u64) -> Vec<usize> {
        let Some(&[a, b]) = self.node_id_to_range.get(node_id as usize) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for r in a..b {
            if let Some(&[s, e]) = self.range_to_edge_id.get(r as usize) {
                out.extend(s as usize..e as usize);
            }
        }
        out
    }
}

/// One edge group's per-edge datasets (`dynamics_params/x` stored under that name).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EdgeGroup {
    pub datasets: BTreeMap<String, Array>,
}

/// An edge population as stored in `/edges/<name>`.
#[derive(Debug, Clone, PartialEq)]
pub struct EdgePopulation {
    pub name: String,
    pub source_population: String,
    pub target_population: String,
    pub source_node_id: Vec<u64>,
    pub target_node_id: Vec<u64>,
    pub edge_type_id: Vec<u64>,
    pub edge_group_id: Vec<u64>,
    pub edge_group_index: Vec<u64>,
    pub groups: BTreeMap<u64, EdgeGroup>,
    pub target_to_source: EdgeIndex,
    pub source_to_target: EdgeIndex,
    /// Whether the file carried its own indices (else they were built on load).
    pub indexed_in_file: bool,
}

impl EdgePopulation {
    pub fn len(&self) -> usize {
        self.edge_type_id.len()
    }

    pub fn is_empty(&self) -> bool {
        self.edge_type_id.is_empty()
    }

    /// Edge rows onto `target`, through the `target_to_source` index (no scan).
    pub fn edges_onto(&self, target: u64) -> Vec<usize> {
        self.target_to_source.rows_of(target)
    }

    /// Edge rows from `source`, through the `source_to_target` index.
    pub fn edges_from(&self, source: u64) -> Vec<usize> {
        self.source_to_target.rows_of(source)
    }

    /// The dataset `key` of the group of edge `row`, if present.
    pub fn group_array(&self, row: usize, key: &str) -> Option<(&Array, usize)> {
        let g = self.groups.get(&self.edge_group_id[row])?;
        Some((g.datasets.get(key)?, self.edge_group_index[row] as usize))
    }

    pub fn group_has(&self, row: usize, key: &str) -> bool {
        self.group_array(row, key).is_some()
    }

    /// The per-edge value of `key` for edge `row`, if its group has it.
    pub fn edge_value(&self, row: usize, key: &str) -> Option<Value> {
        let (a, gi) = self.group_array(row, key)?;
        Some(match &a.data {
            Data::Str(v) => Value::Str(v.get(gi)?.clone()),
            Data::F32(v) => Value::Float(f64::from(*v.get(gi)?)),
            Data::F64(v) => Value::Float(*v.get(gi)?),
            d => Value::Int(*d.to_i64s()?.get(gi)?),
        })
    }

    /// Per-edge value if present, else the edge type's value.
    pub fn property(&self, row: usize, key: &str, types: &TypeTable) -> Option<Value> {
        self.edge_value(row, key)
            .or_else(|| types.value(self.edge_type_id[row], key))
    }

    /// Number of synapses of edge `row`: its `nsyns` when the group has that column, else 1.
    pub fn nsyns(&self, row: usize) -> u64 {
        match self.edge_value(row, "nsyns") {
            Some(Value::Int(n)) => n.max(0) as u64,
            _ => 1,
        }
    }

    /// Total synapses (Σ nsyns).
    pub fn synapse_count(&self) -> u64 {
        (0..self.len()).map(|r| self.nsyns(r)).sum()
    }
}

/// An edges h5 file with its edge-types table.
#[derive(Debug, Clone)]
pub struct EdgesFile {
    pub path: PathBuf,
    pub types_path: PathBuf,
    pub populations: Vec<EdgePopulation>,
    pub types: TypeTable,
}

fn pairs(f: &H5File, p: &str, pop: &str) -> Result<Vec<[u64; 2]>, EdgesError> {
    let shape = f.shape(p)?;
    let v = f.read_u64s(p)?;
    if shape.len() != 2 || shape[1] != 2 {
        return Err(EdgesError::Layout {
            path: f.path().to_path_buf(),
            population: pop.to_string(),
            detail: format!("'{p}' has shape {shape:?}, expected (n, 2)"),
        });
    }
    Ok(v.chunks_exact(2).map(|c| [c[0], c[1]]).collect())
}

fn read_index(
    f: &H5File,
    base: &str,
    dir: &str,
    pop: &str,
) -> Result<Option<EdgeIndex>, EdgesError> {
    let g = format!("{base}/indices/{dir}");
    if !f.has_group(&g) {
        return Ok(None);
    }
    // BMTK writes the singular `node_id_to_range`; the SONATA text says `node_id_to_ranges`.
    let n2r = ["node_id_to_range", "node_id_to_ranges"]
        .iter()
        .map(|n| format!("{g}/{n}"))
        .find(|p| f.has_dataset(p));
    let r2e = format!("{g}/range_to_edge_id");
    match n2r {
        Some(n2r) if f.has_dataset(&r2e) => Ok(Some(EdgeIndex {
            node_id_to_range: pairs(f, &n2r, pop)?,
            range_to_edge_id: pairs(f, &r2e, pop)?,
        })),
        _ => Ok(None),
    }
}

/// Reads one edge population from an open file.
pub fn read_population(f: &H5File, name: &str) -> Result<EdgePopulation, EdgesError> {
    let base = format!("/edges/{name}");
    let lay = |detail: String| EdgesError::Layout {
        path: f.path().to_path_buf(),
        population: name.to_string(),
        detail,
    };
    let pop_attr = |ds: &str| -> Result<String, EdgesError> {
        let attrs = f.attrs(&format!("{base}/{ds}"))?;
        attrs
            .get("node_population")
            .and_then(|a| a.as_str().map(str::to_string))
            .ok_or_else(|| lay(format!("'{ds}' lacks its 'node_population' attribute")))
    };
    let source_node_id = f.read_u64s(&format!("{base}/source_node_id"))?;
    let target_node_id = f.read_u64s(&format!("{base}/target_node_id"))?;
    let edge_type_id = f.read_u64s(&format!("{base}/edge_type_id"))?;
    let n = edge_type_id.len();
    let edge_group_id = f.read_u64s_or(&format!("{base}/edge_group_id"), || vec![0; n])?;
    let edge_group_index = f.read_u64s_or(&format!("{base}/edge_group_index"), || {
        (0..n as u64).collect()
    })?;
    for (what, len) in [
        ("source_node_id", source_node_id.len()),
        ("target_node_id", target_node_id.len()),
        ("edge_group_id", edge_group_id.len()),
        ("edge_group_index", edge_group_index.len()),
    ] {
        if len != n {
            return Err(lay(format!("{what} has {len} rows, edge_type_id has {n}")));
        }
    }
    let groups: BTreeMap<u64, EdgeGroup> = f
        .numbered_groups(&base)?
        .into_iter()
        .map(|(id, datasets)| (id, EdgeGroup { datasets }))
        .collect();
    let t2s = read_index(f, &base, "target_to_source", name)?;
    let s2t = read_index(f, &base, "source_to_target", name)?;
    let indexed_in_file = t2s.is_some() && s2t.is_some();
    Ok(EdgePopulation {
        name: name.to_string(),
        source_population: pop_attr("source_node_id")?,
        target_population: pop_attr("target_node_id")?,
        target_to_source: t2s.unwrap_or_else(|| EdgeIndex::build(&target_node_id)),
        source_to_target: s2t.unwrap_or_else(|| EdgeIndex::build(&source_node_id)),
        source_node_id,
        target_node_id,
        edge_type_id,
        edge_group_id,
        edge_group_index,
        groups,
        indexed_in_file,
    })
}

impl EdgesFile {
    /// Reads every population of an edges file and its edge-types CSV.
    pub fn read(
        h5: impl AsRef<Path>,
        types_csv: impl AsRef<Path>,
    ) -> Result<EdgesFile, EdgesError> {
        let f = H5File::open(h5.as_ref())?;
        let types = TypeTable::read(types_csv.as_ref(), "edge_type_id")?;
        let mut populations = Vec::new();
        for name in f.groups("/edges")? {
            let p = read_population(&f, &name)?;
            for (edge, &t) in p.edge_type_id.iter().enumerate() {
                if types.row_of(t).is_none() {
                    return Err(EdgesError::UnknownType {
                        path: h5.as_ref().to_path_buf(),
                        population: name.clone(),
                        edge,
                        type_id: t,
                        csv: types_csv.as_ref().to_path_buf(),
                    });
                }
            }
            populations.push(p);
        }
        Ok(EdgesFile {
            path: h5.as_ref().to_path_buf(),
            types_path: types_csv.as_ref().to_path_buf(),
            populations,
            types,
        })
    }
}

/// Writes edge populations with BMTK's layout and dtypes: `source_node_id`/`target_node_id`
/// uint64 with a `node_population` attribute, `edge_group_id` uint16, `edge_group_index` and
/// `edge_type_id` uint32, group datasets as given, both index directions as uint64 (n, 2).
pub fn write_edges_h5(path: impl AsRef<Path>, pops: &[EdgePopulation]) -> Result<(), EdgesError> {
    let mut w = H5Writer::sonata();
    w.group("/edges");
    let gz = Compression::Gzip(4);
    for p in pops {
        let base = format!("/edges/{}", p.name);
        let s = format!("{base}/source_node_id");
        w.dataset(&s, Array::vec(Data::U64(p.source_node_id.clone())), gz);
        w.attr(
            &s,
            "node_population",
            Attr::Str(p.source_population.clone()),
        );
        let t = format!("{base}/target_node_id");
        w.dataset(&t, Array::vec(Data::U64(p.target_node_id.clone())), gz);
        w.attr(
            &t,
            "node_population",
            Attr::Str(p.target_population.clone()),
        );
        w.dataset(
            &format!("{base}/edge_group_id"),
            Array::vec(Data::U16(
                p.edge_group_id.iter().map(|&x| x as u16).collect(),
            )),
            gz,
        );
        w.dataset(
            &format!("{base}/edge_group_index"),
            Array::vec(Data::U32(
                p.edge_group_index.iter().map(|&x| x as u32).collect(),
            )),
            gz,
        );
        w.dataset(
            &format!("{base}/edge_type_id"),
            Array::vec(Data::U32(
                p.edge_type_id.iter().map(|&x| x as u32).collect(),
            )),
            gz,
        );
        for (gid, g) in &p.groups {
            w.group(&format!("{base}/{gid}"));
            for (k, a) in &g.datasets {
                w.dataset(&format!("{base}/{gid}/{k}"), a.clone(), gz);
            }
        }
        for (dir, idx) in [
            ("target_to_source", &p.target_to_source),
            ("source_to_target", &p.source_to_target),
        ] {
            let flat =
                |v: &[[u64; 2]]| Array::matrix(Data::U64(v.iter().flatten().copied().collect()), 2);
            w.dataset(
                &format!("{base}/indices/{dir}/node_id_to_range"),
                flat(&idx.node_id_to_range),
                gz,
            );
            w.dataset(
                &format!("{base}/indices/{dir}/range_to_edge_id"),
                flat(&idx.range_to_edge_id),
                gz,
            );
        }
    }
    w.write(path).map_err(EdgesError::from)
}

#[cfg(test)]
mod tests {
    use super::EdgeIndex;

    #[test]
    fn index_runs_ordered_by_id() {
        let idx = EdgeIndex::build(&[2, 2, 0, 2, 1, 1]);
        assert_eq!(idx.range_to_edge_id, vec![[2, 3], [4, 6], [0, 2], [3, 4]]);
        assert_eq!(idx.node_id_to_range, vec![[0, 1], [1, 2], [2, 4]]);
        assert_eq!(idx.rows_of(2), vec![0, 1, 3]);
        assert_eq!(idx.rows_of(7), Vec::<usize>::new());
    }
}
