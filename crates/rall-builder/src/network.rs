//! The in-memory network model: node types, node sets, nodes, filters, connection maps, edges.

use crate::value::{Column, DType, Value};
use crate::BuilderError;
use std::collections::HashSet;
use std::sync::Arc;

/// Id generator as BMTK's: counts up from a start value, skipping ids already taken.
#[derive(Debug, Clone)]
pub(crate) struct IdGenerator {
    next: u64,
    taken: HashSet<u64>,
}

impl IdGenerator {
    pub(crate) fn new(start: u64) -> Self {
        IdGenerator {
            next: start,
            taken: HashSet::new(),
        }
    }
    pub(crate) fn contains(&self, id: u64) -> bool {
        self.taken.contains(&id)
    }
    pub(crate) fn reserve(&mut self, id: u64) {
        self.taken.insert(id);
    }
    pub(crate) fn next_id(&mut self) -> u64 {
        while self.taken.contains(&self.next) {
            self.next += 1;
        }
        let id = self.next;
        self.taken.insert(id);
        self.next += 1;
        id
    }
}

/// A node type: id and its scalar properties (in the order given).
#[derive(Debug, Clone, PartialEq)]
pub struct NodeType {
    pub node_type_id: u64,
    pub props: Vec<(String, Value)>,
}

/// Properties of an `add_nodes` call: scalars become node-type properties, per-node columns go
/// to the nodes file.
#[derive(Debug, Clone, Default)]
pub struct NodeProps {
    pub scalars: Vec<(String, Value)>,
    pub arrays: Vec<(String, Column)>,
}

impl NodeProps {
    /// Empty property set.
    pub fn new() -> Self {
        Self::default()
    }

    /// A node-type (scalar) property.
    pub fn set(mut self, name: &str, v: impl Into<Value>) -> Self {
        self.scalars.push((name.to_string(), v.into()));
        self
    }

    /// A per-node property (one value per node).
    pub fn array(mut self, name: &str, c: impl Into<Column>) -> Self {
        self.arrays.push((name.to_string(), c.into()));
        self
    }
}

/// Shared data of one node set (an `add_nodes` call).
#[derive(Debug)]
pub(crate) struct NodeSetData {
    pub(crate) node_type_id: u64,
    pub(crate) type_props: Vec<(String, Value)>,
    pub(crate) params: Vec<(String, Column)>,
    /// Sorted per-node keys (incl. `node_id` if given): the node-group key.
    pub(crate) group_key: Vec<String>,
}

/// A built node: id, type, per-node params then node-type properties.
#[derive(Debug, Clone)]
pub struct Node {
    node_id: u64,
    set: Arc<NodeSetData>,
    row: usize,
}

impl Node {
    /// The node id.
    pub fn node_id(&self) -> u64 {
        self.node_id
    }

    /// The node type id.
    pub fn node_type_id(&self) -> u64 {
        self.set.node_type_id
    }

    /// Property lookup as BMTK's `Node[...]`: per-node params first, then node-type properties.
    pub fn get(&self, name: &str) -> Option<Value> {
        match name {
            "node_id" => return Some(Value::Int(self.node_id as i64)),
            "node_type_id" => return Some(Value::Int(self.set.node_type_id as i64)),
            _ => {}
        }
        if let Some((_, c)) = self.set.params.iter().find(|(k, _)| k == name) {
            return c.get(self.row);
        }
        self.set
            .type_props
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    }

    /// Numeric property without allocation (per-node params, then type properties).
    pub fn get_f64(&self, name: &str) -> Option<f64> {
        if let Some((_, c)) = self.set.params.iter().find(|(k, _)| k == name) {
            return c.get_f64(self.row);
        }
        self.get(name).and_then(|v| v.as_f64())
    }

    /// Row `i` of a per-node float-rows property (e.g. `positions`).
    pub fn get_row(&self, name: &str) -> Option<&[f64]> {
        match self.set.params.iter().find(|(k, _)| k == name) {
            Some((_, Column::F64Rows { cols, data })) => {
                Some(&data[self.row * cols..(self.row + 1) * cols])
            }
            _ => None,
        }
    }

    pub(crate) fn from_parts(node_id: u64, set: Arc<NodeSetData>, row: usize) -> Node {
        Node { node_id, set, row }
    }

    pub(crate) fn set_data(&self) -> &Arc<NodeSetData> {
        &self.set
    }

    pub(crate) fn row(&self) -> usize {
        self.row
    }
}

/// One condition of a [`Filter`].
#[derive(Clone)]
pub enum Cond {
    /// Property equals the value.
    Eq(Value),
    /// Property is one of the values.
    In(Vec<Value>),
    /// Property satisfies the predicate.
    Pred(Arc<dyn Fn(&Value) -> bool + Send + Sync>),
}

impl std::fmt::Debug for Cond {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Cond::Eq(v) => write!(f, "Eq({v:?})"),
            Cond::In(v) => write!(f, "In({v:?})"),
            Cond::Pred(_) => write!(f, "Pred(..)"),
        }
    }
}

/// A node filter (BMTK's dict filter): every key must exist on the node (not None) and match.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub conds: Vec<(String, Cond)>,
}

impl Filter {
    /// Match every node.
    pub fn all() -> Self {
        Self::default()
    }

    /// Add `key == value`.
    pub fn eq(mut self, key: &str, v: impl Into<Value>) -> Self {
        self.conds.push((key.to_string(), Cond::Eq(v.into())));
        self
    }

    /// Add `key in values`.
    pub fn is_in(mut self, key: &str, v: Vec<Value>) -> Self {
        self.conds.push((key.to_string(), Cond::In(v)));
        self
    }

    /// Add a predicate on `key`.
    pub fn pred(mut self, key: &str, f: impl Fn(&Value) -> bool + Send + Sync + 'static) -> Self {
        self.conds.push((key.to_string(), Cond::Pred(Arc::new(f))));
        self
    }

    /// Does the node pass?
    pub fn matches(&self, node: &Node) -> bool {
        self.conds.iter().all(|(k, c)| match node.get(k) {
            None | Some(Value::None) => false,
            Some(v) => match c {
                Cond::Eq(x) => v.py_eq(x),
                Cond::In(xs) => xs.iter().any(|x| v.py_eq(x)),
                Cond::Pred(f) => f(&v),
            },
        })
    }

    /// BMTK's query string: `*`, or `key=='value'` joined by `&`.
    pub fn query_str(&self) -> String {
        if self.conds.is_empty() {
            return "*".into();
        }
        self.conds
            .iter()
            .map(|(k, c)| match c {
                Cond::Eq(v) => format!("{k}=='{}'", v.py_str()),
                Cond::In(v) => format!("{k}=='{}'", Value::List(v.clone()).py_str()),
                Cond::Pred(_) => format!("{k}=='<function>'"),
            })
            .collect::<Vec<_>>()
            .join("&")
    }
}

/// Nodes selected from a (built) network: BMTK's `NodePool`.
#[derive(Debug, Clone)]
pub struct NodePool {
    pub network: String,
    pub nodes: Arc<Vec<Node>>,
    pub query: String,
}

impl NodePool {
    /// Number of nodes.
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// Node ids in order.
    pub fn node_ids(&self) -> Vec<u64> {
        self.nodes.iter().map(Node::node_id).collect()
    }
}

/// Source or target of `add_edges`.
#[derive(Debug, Clone)]
pub enum Selection {
    /// Nodes of this network matching a filter (evaluated at build time).
    Filter(Filter),
    /// An already selected pool (possibly of another network).
    Pool(NodePool),
}

impl From<Filter> for Selection {
    fn from(f: Filter) -> Self {
        Selection::Filter(f)
    }
}
impl From<NodePool> for Selection {
    fn from(p: NodePool) -> Self {
        Selection::Pool(p)
    }
}

type PairFn = dyn Fn(&Node, &Node) -> Option<u32> + Send + Sync;
type OneToAllFn = dyn Fn(&Node, &[Node]) -> Vec<u32> + Send + Sync;
type AllToOneFn = dyn Fn(&[Node], &Node) -> Vec<u32> + Send + Sync;

/// How many synapses connect each (source, target) pair.
#[derive(Clone)]
pub enum ConnectionRule {
    /// The same count for every pair.
    Constant(u32),
    /// `rule(source, target)` for every pair (source-major order); `None`/0 = not connected.
    PerPair(Arc<PairFn>),
    /// `rule(source, all_targets)` → one count per target.
    OneToAll(Arc<OneToAllFn>),
    /// `rule(all_sources, target)` → one count per source.
    AllToOne(Arc<AllToOneFn>),
    /// Counts in source-major pair order (length S·T).
    List(Vec<u32>),
    /// Counts per target, reused for every source (length T).
    ListOneToAll(Vec<u32>),
    /// Counts per source, reused for every target (length S).
    ListAllToOne(Vec<u32>),
}

impl std::fmt::Debug for ConnectionRule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ConnectionRule::Constant(n) => write!(f, "Constant({n})"),
            ConnectionRule::PerPair(_) => write!(f, "PerPair(..)"),
            ConnectionRule::OneToAll(_) => write!(f, "OneToAll(..)"),
            ConnectionRule::AllToOne(_) => write!(f, "AllToOne(..)"),
            ConnectionRule::List(v) => write!(f, "List(len {})", v.len()),
            ConnectionRule::ListOneToAll(v) => write!(f, "ListOneToAll(len {})", v.len()),
            ConnectionRule::ListAllToOne(v) => write!(f, "ListAllToOne(len {})", v.len()),
        }
    }
}

impl ConnectionRule {
    /// Per-pair closure rule.
    pub fn per_pair(f: impl Fn(&Node, &Node) -> Option<u32> + Send + Sync + 'static) -> Self {
        ConnectionRule::PerPair(Arc::new(f))
    }
    /// One-to-all closure rule.
    pub fn one_to_all(f: impl Fn(&Node, &[Node]) -> Vec<u32> + Send + Sync + 'static) -> Self {
        ConnectionRule::OneToAll(Arc::new(f))
    }
    /// All-to-one closure rule.
    pub fn all_to_one(f: impl Fn(&[Node], &Node) -> Vec<u32> + Send + Sync + 'static) -> Self {
        ConnectionRule::AllToOne(Arc::new(f))
    }
}

type PropFn = dyn Fn(&Node, &Node) -> Vec<Value> + Send + Sync;

/// Per-synapse property source (`ConnectionMap.add_properties`).
#[derive(Clone)]
pub enum PropertyRule {
    /// Called once per synapse, returns one value per property name.
    Closure(Arc<PropFn>),
    /// Values consumed in synapse order, one column per property name.
    Values(Vec<Column>),
}

impl std::fmt::Debug for PropertyRule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PropertyRule::Closure(_) => write!(f, "Closure(..)"),
            PropertyRule::Values(v) => write!(f, "Values({} columns)", v.len()),
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) struct PropertySpec {
    pub(crate) names: Vec<String>,
    pub(crate) dtypes: Vec<DType>,
    pub(crate) rule: PropertyRule,
}

/// One edge type (`add_edges` call): selections, rule, type properties, per-synapse properties.
#[derive(Debug, Clone)]
pub struct ConnectionMap {
    pub(crate) network: String,
    pub(crate) source: Selection,
    pub(crate) target: Selection,
    pub(crate) rule: ConnectionRule,
    pub(crate) edge_type_id: u64,
    /// Edge-type properties incl. `edge_type_id`, `source_query`, `target_query` (last).
    pub(crate) props: Vec<(String, Value)>,
    pub(crate) properties: Vec<PropertySpec>,
}

impl ConnectionMap {
    /// The edge type id.
    pub fn edge_type_id(&self) -> u64 {
        self.edge_type_id
    }

    /// Edge-type properties (as written to the edge-types CSV).
    pub fn edge_type_properties(&self) -> &[(String, Value)] {
        &self.props
    }

    /// Per-synapse properties computed by a closure returning one value per name.
    pub fn add_properties(
        &mut self,
        names: &[&str],
        dtypes: &[DType],
        rule: impl Fn(&Node, &Node) -> Vec<Value> + Send + Sync + 'static,
    ) -> Result<&mut Self, BuilderError> {
        self.add_spec(names, dtypes, PropertyRule::Closure(Arc::new(rule)))
    }

    /// One per-synapse property from a closure (`dtype` as numpy's; BMTK default is float64).
    pub fn add_property(
        &mut self,
        name: &str,
        dtype: DType,
        rule: impl Fn(&Node, &Node) -> Value + Send + Sync + 'static,
    ) -> Result<&mut Self, BuilderError> {
        self.add_spec(
            &[name],
            &[dtype],
            PropertyRule::Closure(Arc::new(move |s, t| vec![rule(s, t)])),
        )
    }

    /// One per-synapse property from explicit values (one per synapse, synapse order).
    pub fn add_property_values(
        &mut self,
        name: &str,
        values: Column,
    ) -> Result<&mut Self, BuilderError> {
        let dt = values.dtype();
        self.add_spec(&[name], &[dt], PropertyRule::Values(vec![values]))
    }

    fn add_spec(
        &mut self,
        names: &[&str],
        dtypes: &[DType],
        rule: PropertyRule,
    ) -> Result<&mut Self, BuilderError> {
        let err = |reason: String| BuilderError::Property {
            network: self.network.clone(),
            edge_type_id: self.edge_type_id,
            name: names.join(","),
            reason,
        };
        if names.is_empty() || names.len() != dtypes.len() {
            return Err(err(format!(
                "{} names but {} dtypes",
                names.len(),
                dtypes.len()
            )));
        }
        if let PropertyRule::Values(v) = &rule {
            if v.len() != names.len() {
                return Err(err("one value column per name is required".into()));
            }
        }
        for n in names {
            if *n == "nsyns"
                || self
                    .properties
                    .iter()
                    .any(|p| p.names.iter().any(|m| m == n))
            {
                return Err(err(format!("property `{n}` already exists")));
            }
        }
        self.properties.push(PropertySpec {
            names: names.iter().map(|s| s.to_string()).collect(),
            dtypes: dtypes.to_vec(),
            rule,
        });
        Ok(self)
    }
}

/// The built rows of one edge type.
#[derive(Debug, Clone)]
pub struct EdgeTable {
    pub edge_type_id: u64,
    pub source_network: String,
    pub target_network: String,
    pub source_ids: Vec<u64>,
    pub target_ids: Vec<u64>,
    /// `nsyns` per row when the type has no per-synapse properties.
    pub nsyns: Option<Vec<u32>>,
    /// Per-synapse properties (name, column) in `add_properties` order.
    pub props: Vec<(String, Column)>,
}

impl EdgeTable {
    /// Rows (edges in the file).
    pub fn n_edges(&self) -> usize {
        self.source_ids.len()
    }

    /// Synapses (nsyns-weighted).
    pub fn n_syns(&self) -> u64 {
        match &self.nsyns {
            Some(n) => n.iter().map(|&x| u64::from(x)).sum(),
            None => self.source_ids.len() as u64,
        }
    }

    /// (name, dtype) signature of the stored group properties, in storage order.
    pub fn group_signature(&self) -> Vec<(String, DType)> {
        if self.nsyns.is_some() {
            vec![("nsyns".into(), DType::U32)]
        } else {
            self.props
                .iter()
                .map(|(n, c)| (n.clone(), c.dtype()))
                .collect()
        }
    }
}
