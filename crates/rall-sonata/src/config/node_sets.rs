//! Node sets: parsing (`node_sets_file`, inline `node_sets`, `node_set` / `cells` of inputs and
//! reports) and evaluation against a circuit.
//!
//! Semantics follow BMTK 1.2.0 (`bmtk.simulator.core.node_sets.NodeSet`,
//! `SimNetwork.get_node_set`, `NodeGroup.filter`):
//!
//! * Named sets: one per population (`{"population": <name>}`), then `all` (every node of every
//!   population), then the config's sets — each later one replacing an earlier one of the same
//!   name, so a config set may redefine `all` or a population name.
//! * A dict is a filter. `population` (or, if absent, `populations`; a string or a list)
//!   selects populations — an unknown one is an error — default all populations in circuit
//!   order. `node_id` and `node_ids` (lists, concatenated) restrict node ids; an empty list
//!   means no restriction (BMTK quirk, kept). Every other key is a property condition: a
//!   scalar must equal the node's value, a list must contain it (Python `==`: `1 == 1.0`,
//!   `true == 1`, strings only equal strings, empty values never match). A key the node has
//!   no such property for (neither in its HDF5 group nor in its node-types row) is ignored
//!   for that node, as BMTK ignores it (with a printed notice).
//! * A list of integers selects those node ids in every population (BMTK turns a list into
//!   `{"node_id": list}`; so `[]` selects every node).
//!
//! Extensions where BMTK has no (working) behaviour:
//! * A list of strings is a SONATA compound set: the union of the named sets (BMTK would treat
//!   the names as node ids and select nothing).
//! * A string entry in a node-sets file is an alias of another named set (BMTK raises).
//! * A scalar `node_id` is accepted as a one-element list (BMTK raises `TypeError`).
//! * A list value for an HDF5-group property is membership (BMTK compares the scalar with the
//!   list and errors or selects nothing); BMTK already does membership for node-types columns.
//! * When both `population` and `populations` are given, BMTK uses `population` and treats
//!   `populations` as an (unknown, hence ignored) property; Rall does the same.

use std::path::{Path, PathBuf};

use serde_json::Value;

use super::error::{json_kind, ConfigError};

/// A node property value as a circuit reports it.
#[derive(Debug, Clone, PartialEq)]
pub enum PropValue {
    Int(i64),
    Float(f64),
    Str(String),
    Bool(bool),
    /// The property exists but this node's value is empty (`NONE`/`NaN` in a types CSV).
    Null,
}

impl PropValue {
    /// Python-style `==` (see the module docs).
    pub fn py_eq(&self, other: &PropValue) -> bool {
        use PropValue::*;
        match (self, other) {
            (Null, _) | (_, Null) => false,
            (Str(a), Str(b)) => a == b,
            (Str(_), _) | (_, Str(_)) => false,
            (Int(a), Int(b)) => a == b,
            (a, b) => a.as_f64() == b.as_f64(),
        }
    }

    fn as_f64(&self) -> f64 {
        match self {
            PropValue::Int(i) => *i as f64,
            PropValue::Float(f) => *f,
            PropValue::Bool(b) => f64::from(u8::from(*b)),
            _ => f64::NAN,
        }
    }

    fn from_json(v: &Value) -> Option<PropValue> {
        Some(match v {
            Value::Bool(b) => PropValue::Bool(*b),
            Value::Number(n) => match n.as_i64() {
                Some(i) => PropValue::Int(i),
                None => PropValue::Float(n.as_f64()?),
            },
            Value::String(s) => PropValue::Str(s.clone()),
            _ => return None,
        })
    }
}

/// What node sets are evaluated against.
pub trait NodeProps {
    /// Population names in config order (the gid order).
    fn populations(&self) -> Vec<String>;
    /// Node ids of `population` in the order BMTK iterates them (group by group, row order).
    fn node_ids(&self, population: &str) -> Vec<u64>;
    /// The node's value for `key` (HDF5 group value, else node-types value). `None` when the
    /// node has no such property at all; [`PropValue::Null`] when it has an empty value.
    fn property(&self, population: &str, node_id: u64, key: &str) -> Option<PropValue>;
}

/// A property condition of a filter.
#[derive(Debug, Clone, PartialEq)]
pub enum Condition {
    /// The value equals this.
    Equals(PropValue),
    /// The value equals one of these.
    OneOf(Vec<PropValue>),
}

impl Condition {
    fn matches(&self, v: &PropValue) -> bool {
        match self {
            Condition::Equals(x) => v.py_eq(x),
            Condition::OneOf(xs) => xs.iter().any(|x| v.py_eq(x)),
        }
    }
}

/// A dict node-set filter.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct NodeFilter {
    /// Populations to search (`None`: all).
    pub populations: Option<Vec<String>>,
    /// Node ids to keep (empty: all).
    pub node_ids: Vec<u64>,
    /// Property conditions, all of which must hold.
    pub conditions: Vec<(String, Condition)>,
}

/// One node-set definition.
#[derive(Debug, Clone, PartialEq)]
pub enum NodeSet {
    /// Another set, by name.
    Named(String),
    /// A dict filter.
    Filter(NodeFilter),
    /// Node ids, searched in every population (empty: every node).
    Ids(Vec<u64>),
    /// Union of named sets.
    Compound(Vec<String>),
}

/// Nodes selected by a node set: `(population, node ids)` in population order.
pub type Selection = Vec<(String, Vec<u64>)>;

impl NodeSet {
    /// Parses one node-set definition. `name` and `file` only label errors.
    pub fn from_json(v: &Value, name: &str, file: Option<&Path>) -> Result<NodeSet, ConfigError> {
        let invalid = |reason: String| ConfigError::InvalidNodeSet {
            node_set: name.to_string(),
            reason,
            file: file.map(Path::to_path_buf),
        };
        match v {
            Value::String(s) => Ok(NodeSet::Named(s.clone())),
            Value::Array(items) => {
                if items.iter().all(Value::is_string) && !items.is_empty() {
                    Ok(NodeSet::Compound(
                        items
                            .iter()
                            .map(|i| i.as_str().unwrap_or_default().to_string())
                            .collect(),
                    ))
                } else {
                    let ids = items
                        .iter()
                        .map(json_node_id)
                        .collect::<Option<Vec<u64>>>()
                        .ok_or_else(|| {
                            invalid(
                                "a list must hold only node ids (non-negative integers) or only \
                                 node-set names"
                                    .into(),
                            )
                        })?;
                    Ok(NodeSet::Ids(ids))
                }
            }
            Value::Object(m) => {
                let mut f = NodeFilter::default();
                let pop_key = if m.contains_key("population") {
                    Some("population")
                } else if m.contains_key("populations") {
                    Some("populations")
                } else {
                    None
                };
                for (k, val) in m {
                    if Some(k.as_str()) == pop_key {
                        let pops = match val {
                            Value::String(s) => vec![s.clone()],
                            Value::Array(a) if a.iter().all(Value::is_string) => a
                                .iter()
                                .map(|s| s.as_str().unwrap_or_default().to_string())
                                .collect(),
                            other => {
                                return Err(invalid(format!(
                                    "`{k}` must be a population name or a list of names, found {}",
                                    json_kind(other)
                                )))
                            }
                        };
                        f.populations = Some(pops);
                    } else if k == "node_id" || k == "node_ids" {
                        let ids = match val {
                            Value::Array(a) => a.iter().map(json_node_id).collect(),
                            single => json_node_id(single).map(|i| vec![i]),
                        };
                        let ids = ids.ok_or_else(|| {
                            invalid(format!(
                                "`{k}` must be a list of non-negative integers, found {}",
                                json_kind(val)
                            ))
                        })?;
                        f.node_ids.extend(ids);
                    } else {
                        let cond = match val {
                            Value::Array(a) => a
                                .iter()
                                .map(PropValue::from_json)
                                .collect::<Option<Vec<_>>>()
                                .map(Condition::OneOf),
                            single => PropValue::from_json(single).map(Condition::Equals),
                        };
                        let cond = cond.ok_or_else(|| {
                            invalid(format!(
                                "property `{k}` must be a number, string, boolean or a list of \
                                 those, found {}",
                                json_kind(val)
                            ))
                        })?;
                        f.conditions.push((k.clone(), cond));
                    }
                }
                Ok(NodeSet::Filter(f))
            }
            other => Err(invalid(format!(
                "expected an object (filter), a list (node ids or set names) or a set name, \
                 found {}",
                json_kind(other)
            ))),
        }
    }
}

fn json_node_id(v: &Value) -> Option<u64> {
    match v {
        Value::Number(n) => n.as_u64().or_else(|| {
            let f = n.as_f64()?;
            (f >= 0.0 && f.fract() == 0.0 && f < u64::MAX as f64).then_some(f as u64)
        }),
        _ => None,
    }
}

/// The named node sets of a config.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NodeSets {
    sets: Vec<(String, NodeSet)>,
    file: Option<PathBuf>,
}

impl NodeSets {
    /// Parses a node-sets object (`{name: definition}`); `file` is where it came from (the
    /// node-sets file, or the config holding inline `node_sets`).
    pub fn from_json(v: &Value, file: Option<&Path>) -> Result<NodeSets, ConfigError> {
        let Value::Object(m) = v else {
            return Err(ConfigError::Invalid {
                path: file.map(Path::to_path_buf).unwrap_or_default(),
                key: "node_sets".into(),
                expected: "an object of named node sets".into(),
                found: json_kind(v),
            });
        };
        let sets = m
            .iter()
            .map(|(k, d)| Ok((k.clone(), NodeSet::from_json(d, k, file)?)))
            .collect::<Result<Vec<_>, ConfigError>>()?;
        Ok(NodeSets {
            sets,
            file: file.map(Path::to_path_buf),
        })
    }

    /// Reads and parses a node-sets JSON file.
    pub fn from_file(path: impl AsRef<Path>) -> Result<NodeSets, ConfigError> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|e| ConfigError::Io {
            path: path.to_path_buf(),
            source: e,
        })?;
        let v: Value = serde_json::from_str(&text).map_err(|e| super::raw::json_error(path, &e))?;
        NodeSets::from_json(&v, Some(path))
    }

    /// The file the sets came from.
    pub fn file(&self) -> Option<&Path> {
        self.file.as_deref()
    }

    /// Config-defined sets, in file order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &NodeSet)> {
        self.sets.iter().map(|(n, s)| (n.as_str(), s))
    }

    /// A config-defined set.
    pub fn get(&self, name: &str) -> Option<&NodeSet> {
        self.sets.iter().find(|(n, _)| n == name).map(|(_, s)| s)
    }

    /// Number of config-defined sets.
    pub fn len(&self) -> usize {
        self.sets.len()
    }

    /// Whether there are no config-defined sets.
    pub fn is_empty(&self) -> bool {
        self.sets.is_empty()
    }

    /// Adds or replaces a set.
    pub fn insert(&mut self, name: impl Into<String>, set: NodeSet) {
        let name = name.into();
        match self.sets.iter_mut().find(|(n, _)| *n == name) {
            Some(slot) => slot.1 = set,
            None => self.sets.push((name, set)),
        }
    }

    /// Every name that resolves against `circuit`: one per population, `all`, then the
    /// config's sets (without duplicates).
    pub fn names(&self, circuit: &dyn NodeProps) -> Vec<String> {
        let mut out = circuit.populations();
        out.push("all".into());
        for (n, _) in &self.sets {
            if !out.contains(n) {
                out.push(n.clone());
            }
        }
        out
    }

    /// The definition `name` stands for against `circuit` (config sets first, then `all`,
    /// then population names).
    pub fn lookup(&self, name: &str, circuit: &dyn NodeProps) -> Option<NodeSet> {
        if let Some(s) = self.get(name) {
            return Some(s.clone());
        }
        if name == "all" {
            return Some(NodeSet::Filter(NodeFilter::default()));
        }
        circuit.populations().iter().any(|p| p == name).then(|| {
            NodeSet::Filter(NodeFilter {
                populations: Some(vec![name.to_string()]),
                ..NodeFilter::default()
            })
        })
    }

    /// Evaluates the named set `name`.
    pub fn select(&self, name: &str, circuit: &dyn NodeProps) -> Result<Selection, ConfigError> {
        let mut stack = Vec::new();
        self.eval_named(name, None, circuit, &mut stack)
    }

    /// Evaluates a definition that is not in the table (an input's `node_set` or a report's
    /// `cells`); `label` names it in errors (e.g. `inputs.LGN.node_set`), `file` is the config
    /// that holds it.
    pub fn evaluate(
        &self,
        set: &NodeSet,
        label: &str,
        file: Option<&Path>,
        circuit: &dyn NodeProps,
    ) -> Result<Selection, ConfigError> {
        let mut stack = Vec::new();
        self.eval(set, label, file, circuit, &mut stack)
    }

    fn eval_named(
        &self,
        name: &str,
        referrer: Option<&str>,
        circuit: &dyn NodeProps,
        stack: &mut Vec<String>,
    ) -> Result<Selection, ConfigError> {
        if let Some(pos) = stack.iter().position(|s| s == name) {
            let mut cycle = stack[pos..].to_vec();
            cycle.push(name.to_string());
            return Err(ConfigError::NodeSetCycle {
                cycle,
                file: self.file.clone(),
            });
        }
        let from_table = self.get(name).is_some();
        let Some(def) = self.lookup(name, circuit) else {
            return Err(ConfigError::UnknownNodeSet {
                name: name.to_string(),
                referenced_by: referrer.map(str::to_string),
                file: self.file.clone(),
            });
        };
        let file = if from_table { self.file.clone() } else { None };
        stack.push(name.to_string());
        let r = self.eval(&def, name, file.as_deref(), circuit, stack);
        stack.pop();
        r
    }

    fn eval(
        &self,
        set: &NodeSet,
        label: &str,
        file: Option<&Path>,
        circuit: &dyn NodeProps,
        stack: &mut Vec<String>,
    ) -> Result<Selection, ConfigError> {
        match set {
            NodeSet::Named(n) => self.eval_named(n, Some(label), circuit, stack),
            NodeSet::Ids(ids) => Ok(filter_nodes(
                circuit,
                &circuit.populations(),
                &NodeFilter {
                    populations: None,
                    node_ids: ids.clone(),
                    conditions: Vec::new(),
                },
            )),
            NodeSet::Filter(f) => {
                let all = circuit.populations();
                let pops = match &f.populations {
                    None => all,
                    Some(wanted) => {
                        for p in wanted {
                            if !all.contains(p) {
                                return Err(ConfigError::UnknownPopulation {
                                    node_set: label.to_string(),
                                    population: p.clone(),
                                    known: all,
                                    file: file.map(Path::to_path_buf),
                                });
                            }
                        }
                        wanted.clone()
                    }
                };
                Ok(filter_nodes(circuit, &pops, f))
            }
            NodeSet::Compound(names) => {
                let mut out: Selection = Vec::new();
                for n in names {
                    for (pop, ids) in self.eval_named(n, Some(label), circuit, stack)? {
                        match out.iter_mut().find(|(p, _)| *p == pop) {
                            Some((_, have)) => {
                                for id in ids {
                                    if !have.contains(&id) {
                                        have.push(id);
                                    }
                                }
                            }
                            None => out.push((pop, ids)),
                        }
                    }
                }
                Ok(out)
            }
        }
    }
}

fn filter_nodes(circuit: &dyn NodeProps, pops: &[String], f: &NodeFilter) -> Selection {
    pops.iter()
        .map(|pop| {
            let ids = circuit
                .node_ids(pop)
                .into_iter()
                .filter(|id| f.node_ids.is_empty() || f.node_ids.contains(id))
                .filter(|id| {
                    f.conditions.iter().all(|(key, cond)| {
                        match circuit.property(pop, *id, key) {
                            None => true, // no such property: ignored, as BMTK does
                            Some(v) => cond.matches(&v),
                        }
                    })
                })
                .collect();
            (pop.clone(), ids)
        })
        .collect()
}
