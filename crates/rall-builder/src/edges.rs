//! Evaluating connection rules and per-synapse properties into edge tables.

use crate::network::*;
use crate::value::Column;
use crate::BuilderError;
use rayon::prelude::*;

/// (source index, target index, nsyns) in source-major order.
type Pairs = Vec<(u32, u32, u32)>;

fn rule_len(network: &str, id: u64, expected: usize, got: usize) -> BuilderError {
    BuilderError::RuleLength {
        network: network.to_string(),
        edge_type_id: id,
        expected,
        got,
    }
}

fn evaluate_rule(
    network: &str,
    cm: &ConnectionMap,
    sources: &[Node],
    targets: &[Node],
) -> Result<Pairs, BuilderError> {
    let (ns, nt) = (sources.len(), targets.len());
    let id = cm.edge_type_id;
    if ns > u32::MAX as usize || nt > u32::MAX as usize {
        return Err(BuilderError::Invalid {
            network: network.to_string(),
            reason: "too many nodes in an edge selection".into(),
        });
    }
    let mut pairs: Pairs = Vec::new();
    match &cm.rule {
        ConnectionRule::Constant(n) => {
            if *n > 0 {
                pairs.reserve(ns * nt);
                for s in 0..ns {
                    for t in 0..nt {
                        pairs.push((s as u32, t as u32, *n));
                    }
                }
            }
        }
        ConnectionRule::PerPair(f) => {
            // Rows are independent: evaluate per source in parallel, concatenate in order.
            let rows: Vec<Pairs> = sources
                .par_iter()
                .enumerate()
                .map(|(si, s)| {
                    let mut row = Vec::new();
                    for (ti, t) in targets.iter().enumerate() {
                        if let Some(k) = f(s, t) {
                            if k > 0 {
                                row.push((si as u32, ti as u32, k));
                            }
                        }
                    }
                    row
                })
                .collect();
            pairs = rows.concat();
        }
        ConnectionRule::OneToAll(f) => {
            let rows: Vec<Result<Pairs, BuilderError>> = sources
                .par_iter()
                .enumerate()
                .map(|(si, s)| {
                    let v = f(s, targets);
                    if v.len() != nt {
                        return Err(rule_len(network, id, nt, v.len()));
                    }
                    Ok(v.iter()
                        .enumerate()
                        .filter(|(_, &k)| k > 0)
                        .map(|(ti, &k)| (si as u32, ti as u32, k))
                        .collect())
                })
                .collect();
            for r in rows {
                pairs.extend(r?);
            }
        }
        ConnectionRule::AllToOne(f) => {
            for (ti, t) in targets.iter().enumerate() {
                let v = f(sources, t);
                if v.len() != ns {
                    return Err(rule_len(network, id, ns, v.len()));
                }
                for (si, &k) in v.iter().enumerate() {
                    if k > 0 {
                        pairs.push((si as u32, ti as u32, k));
                    }
                }
            }
            pairs.sort_unstable_by_key(|&(s, t, _)| (s, t));
        }
        ConnectionRule::List(v) => {
            if v.len() != ns * nt {
                return Err(rule_len(network, id, ns * nt, v.len()));
            }
            for s in 0..ns {
                for t in 0..nt {
                    let k = v[s * nt + t];
                    if k > 0 {
                        pairs.push((s as u32, t as u32, k));
                    }
                }
            }
        }
        ConnectionRule::ListOneToAll(v) => {
            if v.len() != nt {
                return Err(rule_len(network, id, nt, v.len()));
            }
            for s in 0..ns {
                for (t, &k) in v.iter().enumerate() {
                    if k > 0 {
                        pairs.push((s as u32, t as u32, k));
                    }
                }
            }
        }
        ConnectionRule::ListAllToOne(v) => {
            if v.len() != ns {
                return Err(rule_len(network, id, ns, v.len()));
            }
            for s in 0..ns {
                for t in 0..nt {
                    if v[s] > 0 {
                        pairs.push((s as u32, t as u32, v[s]));
                    }
                }
            }
        }
    }
    Ok(pairs)
}

pub(crate) fn build_edge_table(
    network: &str,
    cm: &ConnectionMap,
    source_network: String,
    sources: &[Node],
    target_network: String,
    targets: &[Node],
) -> Result<EdgeTable, BuilderError> {
    let pairs = evaluate_rule(network, cm, sources, targets)?;
    let id = cm.edge_type_id;
    if cm.properties.is_empty() {
        return Ok(EdgeTable {
            edge_type_id: id,
            source_network,
            target_network,
            source_ids: pairs
                .iter()
                .map(|p| sources[p.0 as usize].node_id())
                .collect(),
            target_ids: pairs
                .iter()
                .map(|p| targets[p.1 as usize].node_id())
                .collect(),
            nsyns: Some(pairs.iter().map(|p| p.2).collect()),
            props: Vec::new(),
        });
    }
    // One row per synapse.
    let n_syn: usize = pairs.iter().map(|p| p.2 as usize).sum();
    let mut syn_pairs: Vec<(u32, u32)> = Vec::with_capacity(n_syn);
    for &(s, t, k) in &pairs {
        for _ in 0..k {
            syn_pairs.push((s, t));
        }
    }
    let mut props: Vec<(String, Column)> = Vec::new();
    for spec in &cm.properties {
        let perr = |name: &str, reason: String| BuilderError::Property {
            network: network.to_string(),
            edge_type_id: id,
            name: name.to_string(),
            reason,
        };
        match &spec.rule {
            PropertyRule::Values(cols) => {
                for (name, col) in spec.names.iter().zip(cols) {
                    if col.len() != n_syn {
                        return Err(perr(
                            name,
                            format!("{} values for {} synapses", col.len(), n_syn),
                        ));
                    }
                    props.push((name.clone(), col.clone()));
                }
            }
            PropertyRule::Closure(f) => {
                let mut cols: Vec<Column> = spec
                    .dtypes
                    .iter()
                    .map(|&d| Column::with_capacity(d, n_syn))
                    .collect();
                for &(s, t) in &syn_pairs {
                    let vals = f(&sources[s as usize], &targets[t as usize]);
                    if vals.len() != spec.names.len() {
                        return Err(perr(
                            &spec.names.join(","),
                            format!(
                                "rule returned {} values for {} names",
                                vals.len(),
                                spec.names.len()
                            ),
                        ));
                    }
                    for (k, v) in vals.iter().enumerate() {
                        if !cols[k].push_value(v) {
                            return Err(perr(
                                &spec.names[k],
                                format!("cannot store {v:?} as {}", spec.dtypes[k].name()),
                            ));
                        }
                    }
                }
                for (name, col) in spec.names.iter().zip(cols) {
                    props.push((name.clone(), col));
                }
            }
        }
    }
    Ok(EdgeTable {
        edge_type_id: id,
        source_network,
        target_network,
        source_ids: syn_pairs
            .iter()
            .map(|p| sources[p.0 as usize].node_id())
            .collect(),
        target_ids: syn_pairs
            .iter()
            .map(|p| targets[p.1 as usize].node_id())
            .collect(),
        nsyns: None,
        props,
    })
}
