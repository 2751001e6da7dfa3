//! A circuit: every node and edge file a config names, loaded, with BMTK's gid numbering.
//!
//! gids: populations are numbered in the order their node files (and, inside a file, their
//! populations) appear in the config; each population's offset is the previous offset plus
//! `max(node_id) + 1` (BMTK 1.2.0, virtual populations included).

use std::path::PathBuf;

use crate::config::{Config, NodeProps, PropValue};
use crate::edges::{EdgePopulation, EdgesError, EdgesFile};
use crate::nodes::{NodePopulation, NodesError, NodesFile};
use crate::types_csv::{TypeTable, Value};

#[derive(Debug, thiserror::Error)]
pub enum CircuitError {
    #[error(transparent)]
    Nodes(#[from] NodesError),
    #[error(transparent)]
    Edges(#[from] EdgesError),
    #[error("node population '{population}' appears twice: in {first} and {second}")]
    DuplicatePopulation {
        population: String,
        first: PathBuf,
        second: PathBuf,
    },
    #[error("{file}: edge population '{edges}' connects {role} population '{population}', which no nodes file of the config defines")]
    UnknownNodePopulation {
        file: PathBuf,
        edges: String,
        role: &'static str,
        population: String,
    },
    #[error("{file}: edge population '{edges}' row {row}: {role} node {node_id} is not in population '{population}'")]
    UnknownNode {
        file: PathBuf,
        edges: String,
        row: usize,
        role: &'static str,
        node_id: u64,
        population: String,
    },
}

/// Where a node population lives and its gid offset.
#[derive(Debug, Clone)]
pub struct PopulationRef {
    pub name: String,
    pub file: usize,
    pub index: usize,
    pub gid_offset: u64,
}

/// All node and edge files of a config.
#[derive(Debug, Clone)]
pub struct Circuit {
    pub nodes: Vec<NodesFile>,
    pub edges: Vec<EdgesFile>,
    /// Node populations in gid order.
    pub populations: Vec<PopulationRef>,
}

impl Circuit {
    /// Loads every nodes file, and every enabled edges file, of `cfg`; checks that edges connect
    /// known populations and existing nodes.
    pub fn load(cfg: &Config) -> Result<Circuit, CircuitError> {
        let mut nodes = Vec::new();
        let mut populations: Vec<PopulationRef> = Vec::new();
        let mut offset = 0u64;
        for (fi, nf) in cfg.networks.nodes.iter().enumerate() {
            let f = NodesFile::read(&nf.nodes_file, &nf.node_types_file)?;
            for (pi, p) in f.populations.iter().enumerate() {
                if let Some(prev) = populations.iter().find(|r| r.name == p.name) {
                    return Err(CircuitError::DuplicatePopulation {
                        population: p.name.clone(),
                        first: cfg.networks.nodes[prev.file].nodes_file.clone(),
                        second: nf.nodes_file.clone(),
                    });
                }
                populations.push(PopulationRef {
                    name: p.name.clone(),
                    file: fi,
                    index: pi,
                    gid_offset: offset,
                });
                offset += p.node_id.iter().copied().max().map_or(0, |m| m + 1);
            }
            nodes.push(f);
        }
        let mut circuit = Circuit {
            nodes,
            edges: Vec::new(),
            populations,
        };
        for ef in cfg.networks.edges.iter().filter(|e| e.enabled) {
            let f = EdgesFile::read(&ef.edges_file, &ef.edge_types_file)?;
            for p in &f.populations {
                circuit.check_edges(&ef.edges_file, p)?;
            }
            circuit.edges.push(f);
        }
        Ok(circuit)
    }

    fn check_edges(&self, file: &std::path::Path, p: &EdgePopulation) -> Result<(), CircuitError> {
        for (role, pop, ids) in [
            ("source", &p.source_population, &p.source_node_id),
            ("target", &p.target_population, &p.target_node_id),
        ] {
            let Some((np, _)) = self.node_population(pop) else {
                return Err(CircuitError::UnknownNodePopulation {
                    file: file.to_path_buf(),
                    edges: p.name.clone(),
                    role,
                    population: pop.clone(),
                });
            };
            let max = np.node_id.iter().copied().max();
            let dense = np.node_id.iter().enumerate().all(|(i, &n)| n == i as u64);
            for (row, &id) in ids.iter().enumerate() {
                let known = if dense {
                    max.is_some_and(|m| id <= m)
                } else {
                    np.row_of(id).is_some()
                };
                if !known {
                    return Err(CircuitError::UnknownNode {
                        file: file.to_path_buf(),
                        edges: p.name.clone(),
                        row,
                        role,
                        node_id: id,
                        population: pop.clone(),
                    });
                }
            }
        }
        Ok(())
    }

    /// A node population and its node-types table.
    pub fn node_population(&self, name: &str) -> Option<(&NodePopulation, &TypeTable)> {
        let r = self.populations.iter().find(|r| r.name == name)?;
        let f = &self.nodes[r.file];
        Some((&f.populations[r.index], &f.types))
    }

    /// The gid of a node (population offset + node id).
    pub fn gid(&self, population: &str, node_id: u64) -> Option<u64> {
        let r = self.populations.iter().find(|r| r.name == population)?;
        Some(r.gid_offset + node_id)
    }

    /// Every edge population with its edge-types table, in config order.
    pub fn edge_populations(
        &self,
    ) -> impl Iterator<Item = (&EdgePopulation, &TypeTable, &EdgesFile)> {
        self.edges
            .iter()
            .flat_map(|f| f.populations.iter().map(move |p| (p, &f.types, f)))
    }

    /// The `model_type` of every node of a population (group value, else type value).
    pub fn model_types(&self, population: &str) -> Vec<Option<String>> {
        let Some((p, t)) = self.node_population(population) else {
            return Vec::new();
        };
        (0..p.len())
            .map(|r| p.property(r, "model_type", t).map(|v| v.to_text()))
            .collect()
    }
}

impl NodeProps for Circuit {
    fn populations(&self) -> Vec<String> {
        self.populations.iter().map(|r| r.name.clone()).collect()
    }

    fn node_ids(&self, population: &str) -> Vec<u64> {
        self.node_population(population)
            .map(|(p, _)| p.node_id.clone())
            .unwrap_or_default()
    }

    fn property(&self, population: &str, node_id: u64, key: &str) -> Option<PropValue> {
        let (p, t) = self.node_population(population)?;
        let row = p.row_of(node_id)?;
        let known = p
            .groups
            .get(&p.node_group_id[row])
            .is_some_and(|g| g.datasets.contains_key(key))
            || t.has_column(key)
            || matches!(key, "node_id" | "node_type_id");
        if !known {
            return None;
        }
        Some(match p.property(row, key, t) {
            None => PropValue::Null,
            Some(Value::Int(i)) => PropValue::Int(i),
            Some(Value::Float(f)) => PropValue::Float(f),
            Some(Value::Bool(b)) => PropValue::Bool(b),
            Some(Value::Str(s)) => PropValue::Str(s),
        })
    }
}
