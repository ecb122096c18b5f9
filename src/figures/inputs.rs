//! The inputs as written, for the trace: every value a figure or claim reads, unusable ones
//! included, each with its place. The typed reading that judges them is `read`.

use crate::facts::{Facts, Resolved};
use crate::yaml::describe;
use crate::yaml::{Node, Value};

use super::declaration::{FactRef, FigureDecl, Kind};
use super::place::line_ref;
use super::trace::{Input, InputValue};

fn value_of(node: &Node) -> InputValue {
    match &node.value {
        Value::Int(i) if *i >= 0 => InputValue::Count(*i as u64),
        Value::Int(i) => InputValue::Invalid(i.to_string()),
        Value::Float(_, t) => InputValue::Number(t.clone()),
        Value::Null => InputValue::Unfilled,
        Value::Str(s) if s.trim().is_empty() => InputValue::Unfilled,
        Value::Str(s) => InputValue::Names(vec![s.trim().to_owned()]),
        Value::Seq(items) if items.is_empty() => InputValue::Unfilled,
        Value::Seq(items) => {
            let names: Option<Vec<String>> = items
                .iter()
                .map(|i| i.as_str().map(|s| s.trim().to_owned()))
                .collect();
            match names {
                Some(n) => InputValue::Names(n),
                None => InputValue::Invalid("列表".into()),
            }
        }
        Value::Bool(b) => InputValue::Invalid(b.to_string()),
        Value::Map(_) => InputValue::Invalid("分组".into()),
    }
}

/// Every value a fact path reaches, with `role` (a `*` path gives one input per item).
pub(super) fn read_inputs(facts: &Facts, role: &str, fact: &FactRef) -> Vec<Input> {
    match facts.resolve(&fact.path) {
        Resolved::Found(nodes) if !nodes.is_empty() => nodes
            .into_iter()
            .map(|(path, node)| {
                let mut value = value_of(node);
                // A number where names are read, or a name where a count is: as written.
                if role != "名称" && matches!(value, InputValue::Names(_)) {
                    value = InputValue::Invalid(value.shown());
                }
                Input {
                    role: role.to_owned(),
                    path,
                    value,
                    place: Some(line_ref(facts, node.pos)),
                }
            })
            .collect(),
        Resolved::Found(_) | Resolved::Missing { .. } => vec![Input {
            role: role.to_owned(),
            path: fact.path.clone(),
            value: InputValue::Missing,
            place: None,
        }],
        Resolved::NotAGroup { node, .. } => vec![Input {
            role: role.to_owned(),
            path: fact.path.clone(),
            value: InputValue::Invalid(describe(node)),
            place: Some(line_ref(facts, node.pos)),
        }],
    }
}

pub(super) fn figure_inputs(facts: &Facts, decl: &FigureDecl) -> Vec<Input> {
    match &decl.kind {
        Kind::Count { fact } | Kind::CnCount { fact } => read_inputs(facts, "取值", fact),
        Kind::Approx { fact, .. } => read_inputs(facts, "确数", fact),
        Kind::Sum { facts: list } => list
            .iter()
            .flat_map(|f| read_inputs(facts, "加数", f))
            .collect(),
        Kind::Percent { part, whole, .. } => {
            let mut v = read_inputs(facts, "部分", part);
            v.extend(read_inputs(facts, "整体", whole));
            v
        }
        Kind::Rate { fact, .. } => read_inputs(facts, "比率", fact),
        Kind::Names { fact, .. } => read_inputs(facts, "名称", fact),
    }
}

/// One input per year of a series `check` could not read, as written, in year order where the
/// keys are years, and why no verdict is given.
pub(super) fn unread_series(facts: &Facts, fact: &FactRef) -> (Vec<Input>, String) {
    let node = match facts.resolve(&fact.path) {
        Resolved::Found(nodes) if !nodes.is_empty() => nodes[0].1,
        _ => return (read_inputs(facts, "数列", fact), "数列缺失或有误".into()),
    };
    let entries: Vec<(String, &Node)> = match &node.value {
        Value::Map(entries) => entries.iter().map(|e| (e.key.clone(), &e.value)).collect(),
        Value::Seq(items) => {
            // A list has no years: whether it reaches this year is unknowable.
            let inputs = items
                .iter()
                .enumerate()
                .map(|(i, n)| Input {
                    role: format!("第 {} 项", i + 1),
                    path: format!("{}.{i}", fact.path),
                    value: value_of(n),
                    place: Some(line_ref(facts, n.pos)),
                })
                .collect();
            return (inputs, "数列没有写明年份，无法判断".into());
        }
        _ => return (read_inputs(facts, "数列", fact), "数列未填或有误".into()),
    };
    let mut entries = entries;
    if entries.iter().all(|(k, _)| is_year_key(k)) {
        // Four ASCII digits each: the text order is the year order.
        entries.sort_by(|a, b| a.0.cmp(&b.0));
    }
    let inputs: Vec<Input> = entries
        .iter()
        .map(|(key, n)| series_input(facts, fact, key, n))
        .collect();
    let shown: Vec<String> = inputs.iter().map(|i| i.value.shown()).collect();
    (inputs, format!("{}：有数未填或有误", shown.join(" → ")))
}

/// One year of a series: the year as its role.
pub(super) fn series_input(facts: &Facts, fact: &FactRef, key: &str, node: &Node) -> Input {
    let value = match &node.value {
        // A series may fall below zero (a balance); it is a number here, not a wrong count.
        Value::Int(i) if *i < 0 => InputValue::Number(i.to_string()),
        _ => value_of(node),
    };
    Input {
        role: key.to_owned(),
        path: format!("{}.{key}", fact.path),
        value,
        place: Some(line_ref(facts, node.pos)),
    }
}

fn is_year_key(k: &str) -> bool {
    k.len() == 4 && k.bytes().all(|b| b.is_ascii_digit())
}

/// The sum of the inputs when every one is a count.
fn counts(inputs: &[Input]) -> Option<u64> {
    inputs
        .iter()
        .map(|i| i.value.count())
        .try_fold(0u64, |acc, n| Some(acc.saturating_add(n?)))
}

/// The number a change is measured on: the exact count (not the rounded 1200多), the sum, or
/// the exact percentage.
pub(super) fn exact(decl: &FigureDecl, inputs: &[Input]) -> Option<f64> {
    match &decl.kind {
        Kind::Count { .. } | Kind::CnCount { .. } | Kind::Approx { .. } | Kind::Sum { .. } => {
            counts(inputs).map(|n| n as f64)
        }
        Kind::Percent { .. } => {
            let p = inputs.first()?.value.count()?;
            let w = inputs.get(1)?.value.count()?;
            (w > 0).then(|| p as f64 * 100.0 / w as f64)
        }
        Kind::Rate { .. } => inputs.first()?.value.number(),
        Kind::Names { .. } => None,
    }
}
