//! Writing (and importing) networks the way BMTK's `DenseNetwork` does: node groups, node/edge
//! type CSVs, edge collation into groups, sorting by target and the two edge indices. Files are
//! written through `rall-sonata`.

use crate::network::{EdgeTable, Node};
use crate::value::{Column, DType, Value};
use crate::{BuilderError, NetworkBuilder};
use rall_sonata::edges::{write_edges_h5, EdgeGroup};
use rall_sonata::h5::{Array, Data};
use rall_sonata::nodes::{write_nodes_h5, NodeGroup};
use rall_sonata::{EdgeIndex, EdgePopulation, NodePopulation, NodesFile, TypeTable};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Convert a column to an h5 array (2-D for float rows).
pub fn column_to_array(c: &Column) -> Array {
    match c {
        Column::I8(v) => Array::vec(Data::I8(v.clone())),
        Column::I16(v) => Array::vec(Data::I16(v.clone())),
        Column::I32(v) => Array::vec(Data::I32(v.clone())),
        Column::I64(v) => Array::vec(Data::I64(v.clone())),
        Column::U8(v) => Array::vec(Data::U8(v.clone())),
        Column::U16(v) => Array::vec(Data::U16(v.clone())),
        Column::U32(v) => Array::vec(Data::U32(v.clone())),
        Column::U64(v) => Array::vec(Data::U64(v.clone())),
        Column::F32(v) => Array::vec(Data::F32(v.clone())),
        Column::F64(v) => Array::vec(Data::F64(v.clone())),
        Column::Str(v) => Array::vec(Data::Str(v.clone())),
        Column::F64Rows { cols, data } => Array::matrix(Data::F64(data.clone()), *cols as u64),
    }
}

/// Convert an h5 array back to a column.
pub fn array_to_column(a: &Array) -> Column {
    if a.shape.len() == 2 {
        if let Some(v) = a.data.to_f64s() {
            return Column::F64Rows {
                cols: a.shape[1] as usize,
                data: v,
            };
        }
    }
    match &a.data {
        Data::I8(v) => Column::I8(v.clone()),
        Data::I16(v) => Column::I16(v.clone()),
        Data::I32(v) => Column::I32(v.clone()),
        Data::I64(v) => Column::I64(v.clone()),
        Data::U8(v) => Column::U8(v.clone()),
        Data::U16(v) => Column::U16(v.clone()),
        Data::U32(v) => Column::U32(v.clone()),
        Data::U64(v) => Column::U64(v.clone()),
        Data::F32(v) => Column::F32(v.clone()),
        Data::F64(v) => Column::F64(v.clone()),
        Data::Str(v) => Column::Str(v.clone()),
    }
}

fn io_err(path: &Path, source: std::io::Error) -> BuilderError {
    BuilderError::Io {
        path: path.to_path_buf(),
        source,
    }
}

fn file_err(path: &Path, e: impl std::fmt::Display) -> BuilderError {
    BuilderError::File {
        path: path.to_path_buf(),
        reason: e.to_string(),
    }
}

/// Build a type table: id column first, then the other property names in first-appearance
/// order (BMTK uses Python set order here, which depends on PYTHONHASHSEED).
fn type_table(
    path: PathBuf,
    id_column: &str,
    leading: &[&str],
    rows: &[(u64, Vec<(String, Value)>)],
    none_as: Option<&str>,
) -> TypeTable {
    let mut columns: Vec<String> = std::iter::once(id_column)
        .chain(leading.iter().copied())
        .map(str::to_string)
        .collect();
    for (_, props) in rows {
        for (k, _) in props {
            if !columns.contains(k) {
                columns.push(k.clone());
            }
        }
    }
    let cells = rows
        .iter()
        .map(|(id, props)| {
            columns
                .iter()
                .map(|c| {
                    if c == id_column {
                        return Some(id.to_string());
                    }
                    match props.iter().find(|(k, _)| k == c) {
                        None => None,
                        Some((_, Value::None)) => none_as.map(str::to_string),
                        Some((_, v)) => Some(v.py_str()),
                    }
                })
                .collect()
        })
        .collect();
    TypeTable {
        path,
        id_column: id_column.to_string(),
        columns,
        ids: rows.iter().map(|r| r.0).collect(),
        rows: cells,
    }
}

impl NetworkBuilder {
    /// The nodes population as BMTK writes it (groups by identical per-node keys, numbered in
    /// order of first appearance; `node_group_index` counted in write order).
    pub fn nodes_population(&mut self) -> NodePopulation {
        let nodes = self.all_nodes();
        let mut group_of_key: Vec<Vec<String>> = Vec::new();
        let mut group_cols: Vec<Vec<(String, Column)>> = Vec::new();
        let mut group_count: Vec<usize> = Vec::new();
        let mut pop = NodePopulation {
            name: self.name().to_string(),
            node_id: Vec::with_capacity(nodes.len()),
            node_type_id: Vec::with_capacity(nodes.len()),
            node_group_id: Vec::with_capacity(nodes.len()),
            node_group_index: Vec::with_capacity(nodes.len()),
            groups: BTreeMap::new(),
        };
        // Consecutive nodes of one node set are appended as one block.
        let mut i = 0;
        while i < nodes.len() {
            let set = nodes[i].set_data().clone();
            let mut j = i;
            while j < nodes.len() && Arc::ptr_eq(nodes[j].set_data(), &set) {
                j += 1;
            }
            let gid = match group_of_key.iter().position(|k| *k == set.group_key) {
                Some(g) => g,
                None => {
                    group_of_key.push(set.group_key.clone());
                    group_cols.push(
                        set.params
                            .iter()
                            .filter(|(k, _)| k != "node_id")
                            .map(|(k, c)| (k.clone(), c.take(&[])))
                            .collect(),
                    );
                    group_count.push(0);
                    group_of_key.len() - 1
                }
            };
            let rows: Vec<usize> = nodes[i..j].iter().map(Node::row).collect();
            let start = group_count[gid];
            group_count[gid] += j - i;
            for (k, n) in nodes[i..j].iter().enumerate() {
                pop.node_id.push(n.node_id());
                pop.node_type_id.push(n.node_type_id());
                pop.node_group_id.push(gid as u64);
                pop.node_group_index.push((start + k) as u64);
            }
            for (name, col) in group_cols[gid].iter_mut() {
                let src = &set.params.iter().find(|(n, _)| n == name).unwrap().1;
                col.extend_from(&src.take(&rows));
            }
            i = j;
        }
        for (gid, cols) in group_cols.into_iter().enumerate() {
            pop.groups.insert(
                gid as u64,
                NodeGroup {
                    datasets: cols
                        .iter()
                        .map(|(k, c)| (k.clone(), column_to_array(c)))
                        .collect(),
                },
            );
        }
        pop
    }

    /// The node-types table (`None` values are written empty, as Python's csv writer does).
    pub fn node_types_table(&self, path: PathBuf) -> TypeTable {
        let rows: Vec<(u64, Vec<(String, Value)>)> = self
            .node_types()
            .iter()
            .map(|t| (t.node_type_id, t.props.clone()))
            .collect();
        type_table(path, "node_type_id", &[], &rows, Some(""))
    }

    /// The edge-types table of one (source, target) network pair.
    pub fn edge_types_table(&self, path: PathBuf, source: &str, target: &str) -> TypeTable {
        let rows: Vec<(u64, Vec<(String, Value)>)> = self
            .connection_maps()
            .iter()
            .filter(|c| pool_network(&c.source, self.name()) == source)
            .filter(|c| pool_network(&c.target, self.name()) == target)
            .map(|c| {
                (
                    c.edge_type_id(),
                    c.edge_type_properties()
                        .iter()
                        .filter(|(k, _)| k != "edge_type_id")
                        .cloned()
                        .collect(),
                )
            })
            .collect();
        type_table(
            path,
            "edge_type_id",
            &["target_query", "source_query"],
            &rows,
            None,
        )
    }

    /// The edges population for one network pair as BMTK writes it (`None` when there are no
    /// edges: BMTK then writes no file). Rows: edge types in creation order, then a stable sort
    /// by target id — skipped when the target column is already non-increasing, as BMTK does
    /// (BMTK's numpy sort is not stable: equal-target rows of unsorted input may come out in a
    /// different order there).
    pub fn edges_population(
        &mut self,
        source: &str,
        target: &str,
        name: Option<&str>,
    ) -> Result<Option<EdgePopulation>, BuilderError> {
        let tables: Vec<&EdgeTable> = self
            .edge_tables()?
            .iter()
            .filter(|t| t.source_network == source && t.target_network == target)
            .collect();
        Ok(collate(&tables, source, target, name))
    }

    /// `save_nodes`: `<dir>/<name>_nodes.h5` and `<dir>/<name>_node_types.csv`.
    pub fn save_nodes(&mut self, dir: &Path) -> Result<(), BuilderError> {
        std::fs::create_dir_all(dir).map_err(|e| io_err(dir, e))?;
        let h5 = dir.join(format!("{}_nodes.h5", self.name()));
        let csv = dir.join(format!("{}_node_types.csv", self.name()));
        let pop = self.nodes_population();
        write_nodes_h5(&h5, &[pop]).map_err(|e| file_err(&h5, e))?;
        self.node_types_table(csv.clone())
            .write(&csv)
            .map_err(|e| io_err(&csv, e))
    }

    /// `save_edges`: for every (source, target) pair `<src>_<trg>_edges.h5` (population
    /// `<src>_to_<trg>`) and `<src>_<trg>_edge_types.csv`. Pairs without edges are skipped.
    /// Returns the written h5 paths.
    pub fn save_edges(&mut self, dir: &Path) -> Result<Vec<PathBuf>, BuilderError> {
        std::fs::create_dir_all(dir).map_err(|e| io_err(dir, e))?;
        let mut written = Vec::new();
        for (s, t) in self.network_pairs()? {
            let h5 = dir.join(format!("{s}_{t}_edges.h5"));
            let csv = dir.join(format!("{s}_{t}_edge_types.csv"));
            let Some(pop) = self.edges_population(&s, &t, None)? else {
                continue;
            };
            self.edge_types_table(csv.clone(), &s, &t)
                .write(&csv)
                .map_err(|e| io_err(&csv, e))?;
            write_edges_h5(&h5, &[pop]).map_err(|e| file_err(&h5, e))?;
            written.push(h5);
        }
        Ok(written)
    }

    /// `save`: build, then nodes and edges files into `dir`.
    pub fn save(&mut self, dir: &Path) -> Result<(), BuilderError> {
        self.build()?;
        self.save_nodes(dir)?;
        self.save_edges(dir)?;
        Ok(())
    }

    /// BMTK `import_nodes(nodes_h5, node_types_csv, population)`: copy node types (keeping
    /// their ids) and nodes (keeping their ids and group values). Later `add_nodes` calls
    /// continue the numbering after the imported ids.
    pub fn import_nodes(
        &mut self,
        nodes_h5: &Path,
        node_types_csv: &Path,
        population: Option<&str>,
    ) -> Result<(), BuilderError> {
        let file = NodesFile::read(nodes_h5, node_types_csv).map_err(|e| file_err(nodes_h5, e))?;
        let pop = match population {
            Some(p) => file
                .population(p)
                .ok_or_else(|| file_err(nodes_h5, format!("no node population `{p}`")))?,
            None if file.populations.len() == 1 => &file.populations[0],
            None => {
                return Err(file_err(
                    nodes_h5,
                    "several populations: name the one to import",
                ))
            }
        };
        let types = &file.types;
        let mut type_props: BTreeMap<u64, Vec<(String, Value)>> = BTreeMap::new();
        for (r, &id) in types.ids.iter().enumerate() {
            let props: Vec<(String, Value)> = types
                .columns
                .iter()
                .zip(&types.rows[r])
                .filter(|(c, _)| *c != "node_type_id")
                .map(|(c, cell)| {
                    let v = match cell {
                        None => Value::None,
                        Some(s) => match rall_sonata::Value::parse(s) {
                            rall_sonata::Value::Int(i) => Value::Int(i),
                            rall_sonata::Value::Float(f) => Value::Float(f),
                            rall_sonata::Value::Bool(b) => Value::Bool(b),
                            rall_sonata::Value::Str(s) => Value::Str(s),
                        },
                    };
                    (c.clone(), v)
                })
                .collect();
            let mut with_id = vec![("node_type_id".to_string(), Value::Int(id as i64))];
            with_id.extend(props.clone());
            self.add_node_type(with_id)?;
            type_props.insert(id, props);
        }
        // Nodes: consecutive runs with the same (type, group) become one imported set.
        let mut i = 0;
        while i < pop.len() {
            let (t, g) = (pop.node_type_id[i], pop.node_group_id[i]);
            let mut j = i;
            while j < pop.len() && pop.node_type_id[j] == t && pop.node_group_id[j] == g {
                j += 1;
            }
            let group = pop.groups.get(&g);
            let rows: Vec<usize> = (i..j).map(|k| pop.node_group_index[k] as usize).collect();
            let mut params = Vec::new();
            if let Some(group) = group {
                for (k, a) in &group.datasets {
                    let col = array_to_column(a);
                    if rows.iter().any(|&r| r >= col.len()) {
                        return Err(file_err(
                            nodes_h5,
                            format!("group {g} dataset `{k}` is shorter than node_group_index"),
                        ));
                    }
                    params.push((k.clone(), col.take(&rows)));
                }
            }
            self.push_imported(
                t,
                type_props.get(&t).cloned().unwrap_or_default(),
                pop.node_id[i..j].to_vec(),
                params,
            )?;
            i = j;
        }
        Ok(())
    }
}

fn pool_network<'a>(sel: &'a crate::Selection, own: &'a str) -> &'a str {
    match sel {
        crate::Selection::Filter(_) => own,
        crate::Selection::Pool(p) => &p.network,
    }
}

/// Collate edge tables of one network pair into an edges population.
pub(crate) fn collate(
    tables: &[&EdgeTable],
    source: &str,
    target: &str,
    name: Option<&str>,
) -> Option<EdgePopulation> {
    let n: usize = tables.iter().map(|t| t.n_edges()).sum();
    if n == 0 {
        return None;
    }
    // Groups: edge types with the same (name, dtype) set share one, numbered by first use.
    let mut sigs: Vec<Vec<(String, DType)>> = Vec::new();
    let mut group_cols: Vec<Vec<(String, Column)>> = Vec::new();
    let mut src = Vec::with_capacity(n);
    let mut trg = Vec::with_capacity(n);
    let mut etype = Vec::with_capacity(n);
    let mut egroup = Vec::with_capacity(n);
    let mut eindex = Vec::with_capacity(n);
    for t in tables {
        let mut sig = t.group_signature();
        sig.sort_by(|a, b| a.0.cmp(&b.0));
        let gid = match sigs.iter().position(|s| *s == sig) {
            Some(g) => g,
            None => {
                sigs.push(sig);
                let cols = match &t.nsyns {
                    Some(_) => vec![("nsyns".to_string(), Column::U32(Vec::new()))],
                    None => t
                        .props
                        .iter()
                        .map(|(k, c)| (k.clone(), Column::with_capacity(c.dtype(), 0)))
                        .collect(),
                };
                group_cols.push(cols);
                sigs.len() - 1
            }
        };
        let start = group_cols[gid][0].1.len();
        src.extend_from_slice(&t.source_ids);
        trg.extend_from_slice(&t.target_ids);
        etype.extend(std::iter::repeat_n(t.edge_type_id, t.n_edges()));
        egroup.extend(std::iter::repeat_n(gid as u64, t.n_edges()));
        eindex.extend((start..start + t.n_edges()).map(|x| x as u64));
        for (k, col) in group_cols[gid].iter_mut() {
            match &t.nsyns {
                Some(ns) => {
                    col.extend_from(&Column::U32(ns.clone()));
                }
                None => {
                    let c = &t.props.iter().find(|(n, _)| n == k).unwrap().1;
                    col.extend_from(c);
                }
            }
        }
    }
    // Sort by target unless already non-increasing (BMTK's quirk).
    let non_increasing = trg.windows(2).all(|w| w[1] <= w[0]);
    if !non_increasing {
        let mut order: Vec<usize> = (0..n).collect();
        order.sort_by_key(|&i| trg[i]);
        let p = |v: &Vec<u64>| order.iter().map(|&i| v[i]).collect::<Vec<u64>>();
        src = p(&src);
        trg = p(&trg);
        etype = p(&etype);
        egroup = p(&egroup);
        eindex = p(&eindex);
        for (g, cols) in group_cols.iter_mut().enumerate() {
            let rows: Vec<usize> = (0..n).filter(|&i| egroup[i] == g as u64).collect();
            let new_order: Vec<usize> = rows.iter().map(|&i| eindex[i] as usize).collect();
            for (_, c) in cols.iter_mut() {
                *c = c.take(&new_order);
            }
            for (k, &i) in rows.iter().enumerate() {
                eindex[i] = k as u64;
            }
        }
    }
    let groups = group_cols
        .iter()
        .enumerate()
        .map(|(g, cols)| {
            (
                g as u64,
                EdgeGroup {
                    datasets: cols
                        .iter()
                        .map(|(k, c)| (k.clone(), column_to_array(c)))
                        .collect(),
                },
            )
        })
        .collect();
    Some(EdgePopulation {
        name: name.map_or_else(|| format!("{source}_to_{target}"), str::to_string),
        source_population: source.to_string(),
        target_population: target.to_string(),
        target_to_source: EdgeIndex::build(&trg),
        source_to_target: EdgeIndex::build(&src),
        source_node_id: src,
        target_node_id: trg,
        edge_type_id: etype,
        edge_group_id: egroup,
        edge_group_index: eindex,
        groups,
        indexed_in_file: true,
    })
}
