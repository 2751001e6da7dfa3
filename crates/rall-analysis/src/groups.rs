//! Node groups by a node property (BMTK's `group_by` / `group_excludes` in `plot_raster` and
//! `plot_rates`).

use rall_sonata::config::{NodeProps, PropValue};
use rall_sonata::pyfmt::py_float;
use rall_sonata::Circuit;

use crate::spikes::Spikes;
use crate::AnalysisError;

/// Nodes sharing one value of a property.
#[derive(Debug, Clone, PartialEq)]
pub struct NodeGroup {
    /// The value, as Python prints it (the legend label).
    pub label: String,
    pub node_ids: Vec<u64>,
}

fn label(v: &PropValue) -> Option<String> {
    Some(match v {
        PropValue::Str(s) => s.clone(),
        PropValue::Int(i) => i.to_string(),
        PropValue::Float(f) => py_float(*f),
        PropValue::Bool(b) => if *b { "True" } else { "False" }.to_string(),
        PropValue::Null => return None,
    })
}

/// Sort key as pandas' `groupby` orders keys: numbers by value, strings lexically.
fn order(v: &PropValue) -> (u8, f64, String) {
    match v {
        PropValue::Int(i) => (0, *i as f64, String::new()),
        PropValue::Float(f) => (0, *f, String::new()),
        PropValue::Bool(b) => (0, *b as u8 as f64, String::new()),
        PropValue::Str(s) => (1, 0.0, s.clone()),
        PropValue::Null => (2, 0.0, String::new()),
    }
}

/// Groups the nodes of `population` (from the circuit of the config the spikes came through)
/// by the value of `key`, sorted by value, leaving out the values in `excludes` and nodes
/// without a value.
pub fn group_nodes(
    spikes: &Spikes,
    population: &str,
    key: &str,
    excludes: &[String],
) -> Result<Vec<NodeGroup>, AnalysisError> {
    let config = spikes
        .config
        .as_ref()
        .ok_or_else(|| AnalysisError::GroupBy {
            detail: format!(
                "grouping by '{key}' needs the node properties: give a config (with \
                 --spikes-file for another spike file), not {}",
                spikes.file.display()
            ),
        })?;
    let circuit = Circuit::load(config)?;
    if !circuit.populations().iter().any(|p| p == population) {
        return Err(AnalysisError::GroupBy {
            detail: format!(
                "{}: no node population '{population}' in the circuit (it has {:?})",
                config.config_path.display(),
                circuit.populations()
            ),
        });
    }
    let mut groups: Vec<(PropValue, NodeGroup)> = Vec::new();
    for n in circuit.node_ids(population) {
        let Some(v) = circuit.property(population, n, key) else {
            continue;
        };
        let Some(l) = label(&v) else { continue };
        if excludes.contains(&l) {
            continue;
        }
        match groups.iter_mut().find(|(_, g)| g.label == l) {
            Some((_, g)) => g.node_ids.push(n),
            None => groups.push((
                v,
                NodeGroup {
                    label: l,
                    node_ids: vec![n],
                },
            )),
        }
    }
    if groups.is_empty() {
        return Err(AnalysisError::GroupBy {
            detail: format!(
                "{}: no node of population '{population}' has a value for '{key}'{}",
                config.config_path.display(),
                if excludes.is_empty() {
                    String::new()
                } else {
                    format!(" (excluding {excludes:?})")
                }
            ),
        });
    }
    groups.sort_by(|a, b| {
        let (x, y) = (order(&a.0), order(&b.0));
        x.0.cmp(&y.0).then(x.1.total_cmp(&y.1)).then(x.2.cmp(&y.2))
    });
    Ok(groups
        .into_iter()
        .map(|(_, mut g)| {
            g.node_ids.sort_unstable();
            g
        })
        .collect())
}
