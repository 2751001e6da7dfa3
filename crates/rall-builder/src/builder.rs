//! `NetworkBuilder`: BMTK's builder API over the in-memory model.

use crate::network::*;
use crate::value::{Column, Value};
use crate::BuilderError;
use std::sync::Arc;

#[derive(Debug, Clone)]
struct NodeSetSpec {
    n: usize,
    node_type_id: u64,
    type_props: Vec<(String, Value)>,
    params: Vec<(String, Column)>,
    explicit_ids: Option<Vec<u64>>,
}

/// A network (one SONATA population) being built, as BMTK's `NetworkBuilder` with
/// `DenseNetwork`.
#[derive(Debug, Clone)]
pub struct NetworkBuilder {
    name: String,
    node_id_gen: IdGenerator,
    node_type_id_gen: IdGenerator,
    edge_type_id_gen: IdGenerator,
    node_types: Vec<NodeType>,
    node_sets: Vec<NodeSetSpec>,
    /// Nodes imported with `import_nodes` (kept before the built node sets).
    imported: Vec<Node>,
    nodes: Option<Arc<Vec<Node>>>,
    connection_maps: Vec<ConnectionMap>,
    edges: Option<Vec<EdgeTable>>,
}

impl NetworkBuilder {
    /// New empty network; the name must not be empty.
    pub fn new(name: &str) -> Result<Self, BuilderError> {
        if name.is_empty() {
            return Err(BuilderError::EmptyName);
        }
        Ok(NetworkBuilder {
            name: name.to_string(),
            node_id_gen: IdGenerator::new(0),
            node_type_id_gen: IdGenerator::new(100),
            edge_type_id_gen: IdGenerator::new(100),
            node_types: Vec::new(),
            node_sets: Vec::new(),
            imported: Vec::new(),
            nodes: None,
            connection_maps: Vec::new(),
            edges: None,
        })
    }

    /// The network (population) name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Node types in creation order.
    pub fn node_types(&self) -> &[NodeType] {
        &self.node_types
    }

    /// Edge types (connection maps) in creation order.
    pub fn connection_maps(&self) -> &[ConnectionMap] {
        &self.connection_maps
    }

    /// Mutable access to an edge type by id (to add properties later).
    pub fn connection_map_mut(&mut self, edge_type_id: u64) -> Option<&mut ConnectionMap> {
        self.edges = None;
        self.connection_maps
            .iter_mut()
            .find(|c| c.edge_type_id == edge_type_id)
    }

    fn err_invalid(&self, reason: String) -> BuilderError {
        BuilderError::Invalid {
            network: self.name.clone(),
            reason,
        }
    }

    /// Register a node type (used by `add_nodes` and `import_nodes`).
    pub(crate) fn add_node_type(
        &mut self,
        mut props: Vec<(String, Value)>,
    ) -> Result<u64, BuilderError> {
        let given = props.iter().position(|(k, _)| k == "node_type_id");
        let id = match given {
            Some(i) => {
                let v = props.remove(i).1;
                let id = match v {
                    Value::Int(x) if x >= 0 => x as u64,
                    Value::Float(x) if x >= 0.0 && x.fract() == 0.0 => x as u64,
                    _ => {
                        return Err(BuilderError::NotScalar {
                            network: self.name.clone(),
                            name: "node_type_id".into(),
                        })
                    }
                };
                if self.node_types.iter().any(|t| t.node_type_id == id) {
                    return Err(BuilderError::DuplicateNodeTypeId {
                        network: self.name.clone(),
                        id,
                    });
                }
                self.node_type_id_gen.reserve(id);
                id
            }
            None => self.node_type_id_gen.next_id(),
        };
        self.node_types.push(NodeType {
            node_type_id: id,
            props,
        });
        Ok(id)
    }

    /// BMTK `add_nodes(N, **props)`: one new node type; scalar props go to the node type,
    /// per-node arrays (length N) to the nodes file. A per-node `node_id` array sets the ids.
    /// Returns the node type id.
    pub fn add_nodes(&mut self, n: usize, props: NodeProps) -> Result<u64, BuilderError> {
        let mut explicit_ids = None;
        for (name, col) in &props.arrays {
            if col.len() != n {
                return Err(BuilderError::LengthMismatch {
                    network: self.name.clone(),
                    name: name.clone(),
                    expected: n,
                    got: col.len(),
                });
            }
            if name == "node_type_id" {
                return Err(BuilderError::NotScalar {
                    network: self.name.clone(),
                    name: name.clone(),
                });
            }
            if name == "node_id" {
                let ids: Vec<u64> = (0..n)
                    .map(|i| col.get_f64(i).filter(|v| *v >= 0.0 && v.fract() == 0.0))
                    .map(|v| v.map(|x| x as u64))
                    .collect::<Option<_>>()
                    .ok_or_else(|| {
                        self.err_invalid("node_id values must be non-negative integers".into())
                    })?;
                let mut seen = std::collections::HashSet::new();
                for &id in &ids {
                    if self.node_id_gen.contains(id) || !seen.insert(id) {
                        return Err(BuilderError::DuplicateNodeId {
                            network: self.name.clone(),
                            id,
                        });
                    }
                }
                explicit_ids = Some(ids);
            }
        }
        let mut seen = std::collections::HashSet::new();
        for k in props
            .scalars
            .iter()
            .map(|(k, _)| k)
            .chain(props.arrays.iter().map(|(k, _)| k))
        {
            if !seen.insert(k.clone()) {
                return Err(self.err_invalid(format!("property `{k}` given twice")));
            }
        }
        if let Some(ids) = &explicit_ids {
            for &id in ids {
                self.node_id_gen.reserve(id);
            }
        }
        let type_id = self.add_node_type(props.scalars.clone())?;
        let type_props = self.node_types.last().unwrap().props.clone();
        self.node_sets.push(NodeSetSpec {
            n,
            node_type_id: type_id,
            type_props,
            params: props.arrays,
            explicit_ids,
        });
        self.nodes = None;
        self.edges = None;
        Ok(type_id)
    }

    /// Add already-built nodes (from `import_nodes`), reserving their ids.
    pub(crate) fn push_imported(
        &mut self,
        node_type_id: u64,
        type_props: Vec<(String, Value)>,
        ids: Vec<u64>,
        params: Vec<(String, Column)>,
    ) -> Result<(), BuilderError> {
        for &id in &ids {
            if self.node_id_gen.contains(id) {
                return Err(BuilderError::DuplicateNodeId {
                    network: self.name.clone(),
                    id,
                });
            }
            self.node_id_gen.reserve(id);
        }
        let mut group_key: Vec<String> = params.iter().map(|(k, _)| k.clone()).collect();
        group_key.sort();
        let set = Arc::new(NodeSetData {
            node_type_id,
            type_props,
            params,
            group_key,
        });
        for (row, id) in ids.into_iter().enumerate() {
            self.imported.push(Node::new(id, set.clone(), row));
        }
        self.nodes = None;
        self.edges = None;
        Ok(())
    }

    fn build_nodes(&mut self) -> Arc<Vec<Node>> {
        if let Some(n) = &self.nodes {
            return n.clone();
        }
        let mut nodes = self.imported.clone();
        // Ids are drawn afresh from a copy of the generator so that rebuilding gives the same ids.
        let mut gen = self.node_id_gen.clone();
        for ns in &self.node_sets {
            let mut group_key: Vec<String> = ns.params.iter().map(|(k, _)| k.clone()).collect();
            group_key.sort();
            let set = Arc::new(NodeSetData {
                node_type_id: ns.node_type_id,
                type_props: ns.type_props.clone(),
                params: ns.params.clone(),
                group_key,
            });
            match &ns.explicit_ids {
                Some(ids) => {
                    for (row, &id) in ids.iter().enumerate() {
                        nodes.push(Node::new(id, set.clone(), row));
                    }
                }
                None => {
                    for row in 0..ns.n {
                        nodes.push(Node::new(gen.next_id(), set.clone(), row));
                    }
                }
            }
        }
        let nodes = Arc::new(nodes);
        self.nodes = Some(nodes.clone());
        nodes
    }

    /// All nodes in write order (building them if needed).
    pub fn all_nodes(&mut self) -> Arc<Vec<Node>> {
        self.build_nodes()
    }

    /// BMTK `nodes(**filter)`: a pool of this network's nodes passing `filter`.
    pub fn nodes(&mut self, filter: &Filter) -> Result<NodePool, BuilderError> {
        let all = self.build_nodes();
        self.check_filter(filter, &all)?;
        Ok(NodePool {
            network: self.name.clone(),
            nodes: Arc::new(all.iter().filter(|n| filter.matches(n)).cloned().collect()),
            query: filter.query_str(),
        })
    }

    /// A filter naming a property that no node of the network has is an error.
    fn check_filter(&self, filter: &Filter, nodes: &[Node]) -> Result<(), BuilderError> {
        for (k, _) in &filter.conds {
            if k == "node_id" || k == "node_type_id" {
                continue;
            }
            let known = nodes.iter().any(|n| n.get(k).is_some());
            if !known {
                return Err(BuilderError::BadFilter {
                    network: self.name.clone(),
                    reason: format!("no node has a property `{k}`"),
                });
            }
        }
        Ok(())
    }

    /// Number of nodes.
    pub fn nnodes(&mut self) -> usize {
        self.build_nodes().len()
    }

    /// BMTK `add_edges(source, target, connection_rule, **edge_type_props)`. An `nsyns` property
    /// replaces the rule with that constant; an `edge_type_id` property sets the id (else
    /// 100, 101, …). Returns the connection map (to add per-synapse properties).
    pub fn add_edges(
        &mut self,
        source: impl Into<Selection>,
        target: impl Into<Selection>,
        rule: ConnectionRule,
        edge_type_props: Vec<(String, Value)>,
    ) -> Result<&mut ConnectionMap, BuilderError> {
        let source = source.into();
        let target = target.into();
        let mut props = edge_type_props;
        let mut rule = rule;
        if let Some(i) = props.iter().position(|(k, _)| k == "nsyns") {
            let v = props.remove(i).1;
            match v {
                Value::Int(x) if x >= 0 && x <= u32::MAX as i64 => {
                    rule = ConnectionRule::Constant(x as u32)
                }
                _ => return Err(self.err_invalid("nsyns must be a non-negative integer".into())),
            }
        }
        let id = match props.iter().position(|(k, _)| k == "edge_type_id") {
            Some(i) => {
                let id = match &props[i].1 {
                    Value::Int(x) if *x >= 0 => *x as u64,
                    _ => return Err(self.err_invalid("edge_type_id must be an integer".into())),
                };
                if self.edge_type_id_gen.contains(id) {
                    return Err(BuilderError::DuplicateEdgeTypeId {
                        network: self.name.clone(),
                        id,
                    });
                }
                self.edge_type_id_gen.reserve(id);
                props.remove(i);
                id
            }
            None => self.edge_type_id_gen.next_id(),
        };
        let query = |s: &Selection| match s {
            Selection::Filter(f) => f.query_str(),
            Selection::Pool(p) => p.query.clone(),
        };
        let mut all_props = vec![("edge_type_id".to_string(), Value::Int(id as i64))];
        all_props.extend(props);
        all_props.push(("source_query".into(), Value::Str(query(&source))));
        all_props.push(("target_query".into(), Value::Str(query(&target))));
        self.connection_maps.push(ConnectionMap {
            network: self.name.clone(),
            source,
            target,
            rule,
            edge_type_id: id,
            props: all_props,
            properties: Vec::new(),
        });
        self.edges = None;
        Ok(self.connection_maps.last_mut().unwrap())
    }

    fn resolve(&mut self, sel: &Selection) -> Result<(String, Arc<Vec<Node>>), BuilderError> {
        match sel {
            Selection::Pool(p) => Ok((p.network.clone(), p.nodes.clone())),
            Selection::Filter(f) => {
                let pool = self.nodes(f)?;
                Ok((pool.network, pool.nodes))
            }
        }
    }

    /// Build nodes and edges (edges are rebuilt every time, as BMTK's `build()`).
    pub fn build(&mut self) -> Result<(), BuilderError> {
        self.build_nodes();
        let maps = self.connection_maps.clone();
        let mut tables = Vec::with_capacity(maps.len());
        for cm in &maps {
            let (src_net, sources) = self.resolve(&cm.source)?;
            let (trg_net, targets) = self.resolve(&cm.target)?;
            tables.push(crate::edges::build_edge_table(
                &self.name, cm, src_net, &sources, trg_net, &targets,
            )?);
        }
        self.edges = Some(tables);
        Ok(())
    }

    /// Built edge tables (one per edge type), building if needed.
    pub fn edge_tables(&mut self) -> Result<&[EdgeTable], BuilderError> {
        if self.edges.is_none() {
            self.build()?;
        }
        Ok(self.edges.as_deref().unwrap_or(&[]))
    }

    /// Total synapses (nsyns-weighted), building if needed.
    pub fn nedges(&mut self) -> Result<u64, BuilderError> {
        Ok(self.edge_tables()?.iter().map(EdgeTable::n_syns).sum())
    }

    /// (source, target) network pairs this network has edge types for, in first-use order.
    pub fn network_pairs(&mut self) -> Result<Vec<(String, String)>, BuilderError> {
        let mut out: Vec<(String, String)> = Vec::new();
        for t in self.edge_tables()? {
            let p = (t.source_network.clone(), t.target_network.clone());
            if !out.contains(&p) {
                out.push(p);
            }
        }
        Ok(out)
    }
}

impl Node {
    pub(crate) fn new(node_id: u64, set: Arc<NodeSetData>, row: usize) -> Node {
        Node::from_parts(node_id, set, row)
    }
}

/// One edge (row) as BMTK's `Edge`: ids, type, and property lookup.
#[derive(Debug, Clone)]
pub struct Edge<'a> {
    pub source_node_id: u64,
    pub target_node_id: u64,
    pub edge_type_id: u64,
    pub source_network: &'a str,
    pub target_network: &'a str,
    table: &'a EdgeTable,
    row: usize,
    type_props: &'a [(String, Value)],
}

impl Edge<'_> {
    /// Synapses of this row (`nsyns`, or 1 for per-synapse rows).
    pub fn nsyns(&self) -> u32 {
        self.table.nsyns.as_ref().map_or(1, |n| n[self.row])
    }

    /// Property lookup in BMTK's order: edge-type properties first, then per-synapse values.
    pub fn get(&self, name: &str) -> Option<Value> {
        if let Some((_, v)) = self.type_props.iter().find(|(k, _)| k == name) {
            return Some(v.clone());
        }
        if name == "nsyns" {
            return Some(Value::Int(self.nsyns().into()));
        }
        self.table
            .props
            .iter()
            .find(|(k, _)| k == name)
            .and_then(|(_, c)| c.get(self.row))
    }
}

impl NetworkBuilder {
    /// BMTK `edges(target_nodes, source_nodes, target_network, source_network)`: built edges
    /// (building if needed) whose ids / networks match the given selections, in edge-type order.
    pub fn edges(
        &mut self,
        source_ids: Option<&[u64]>,
        target_ids: Option<&[u64]>,
        source_network: Option<&str>,
        target_network: Option<&str>,
    ) -> Result<Vec<Edge<'_>>, BuilderError> {
        self.edge_tables()?;
        let tables = self.edges.as_deref().unwrap_or(&[]);
        let mut out = Vec::new();
        for t in tables {
            if source_network.is_some_and(|n| n != t.source_network)
                || target_network.is_some_and(|n| n != t.target_network)
            {
                continue;
            }
            let type_props = self
                .connection_maps
                .iter()
                .find(|c| c.edge_type_id == t.edge_type_id)
                .map_or(&[][..], |c| &c.props[..]);
            for row in 0..t.n_edges() {
                let (s, d) = (t.source_ids[row], t.target_ids[row]);
                if source_ids.is_some_and(|ids| !ids.contains(&s))
                    || target_ids.is_some_and(|ids| !ids.contains(&d))
                {
                    continue;
                }
                out.push(Edge {
                    source_node_id: s,
                    target_node_id: d,
                    edge_type_id: t.edge_type_id,
                    source_network: &t.source_network,
                    target_network: &t.target_network,
                    table: t,
                    row,
                    type_props,
                });
            }
        }
        Ok(out)
    }
}
