//! Two years' facts side by side, fact by fact: what `diff` lists as changed raw values and
//! carried-over names, and what `check` warns about when this year's value is last year's.
//!
//! The facts compared are those the declarations read, resolved to concrete paths in each file
//! (`organisation.training_classes.*.trainees` → `….0.trainees`, `….1.trainees`), so a key no
//! figure reads is not a fact here (`check` reports it as unknown). A yearly series is compared
//! year by year (`political.party_funds.2021`): its history is the same by design, a revised
//! past year is worth seeing.

use std::collections::{HashMap, HashSet};

use crate::facts::{Facts, Resolved};
use crate::figures::Declarations;
use crate::figures::declaration::{Kind, RuleKind};
use crate::yaml::{Node, Value};

/// What a fact holds, as far as comparing two years goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FactKind {
    /// A count or rate, however written.
    Number,
    /// Names of documents, campaigns, platforms: the text `next-year` carries over.
    Names,
    /// One year of a yearly series (`political.party_funds.2021`).
    SeriesEntry,
}

/// One concrete fact in either year's file.
#[derive(Debug, Clone)]
pub struct Compared<'a> {
    /// `service.responsibility_areas`, `organisation.training_classes.0.trainees`.
    pub path: String,
    pub kind: FactKind,
    /// The label of the first figure or rule that reads the fact.
    pub label: String,
    /// Its value in the earlier year's file; None when that file has no such fact.
    pub old: Option<&'a Node>,
    pub new: Option<&'a Node>,
}

impl Compared<'_> {
    /// Both years hold the fact with the same value (an unfilled value is never the same).
    pub fn is_same(&self) -> bool {
        match (self.old, self.new) {
            (Some(a), Some(b)) => a.value != Value::Null && same_value(a, b),
            _ => false,
        }
    }

    /// Changed, added or removed.
    pub fn is_changed(&self) -> bool {
        match (self.old, self.new) {
            (Some(a), Some(b)) => !same_value(a, b),
            _ => true,
        }
    }
}

/// Every fact the declarations read, in either file: the later year's in the order of its file,
/// then those only the earlier year holds.
pub fn compare<'a>(decls: &Declarations, old: &'a Facts, new: &'a Facts) -> Vec<Compared<'a>> {
    let mut out: Vec<Compared<'a>> = Vec::new();
    // The paths already in `out`, and last year's nodes by path: a list of 20 000 names was
    // compared item by item against every other item before.
    let mut listed: HashSet<String> = HashSet::new();
    for (pattern, kind, label) in facts_read(decls) {
        let series = kind == FactKind::SeriesEntry;
        let (in_new, in_old) = (found(new, pattern, series), found(old, pattern, series));
        let mut old_at: HashMap<&str, &'a Node> = HashMap::with_capacity(in_old.len());
        for (path, node) in &in_old {
            // The first of a path, as a search from the front finds it.
            old_at.entry(path.as_str()).or_insert(*node);
        }
        for (path, node) in &in_new {
            if listed.insert(path.clone()) {
                let old = old_at.get(path.as_str()).copied();
                out.push(Compared {
                    path: path.clone(),
                    kind,
                    label: label.clone(),
                    old,
                    new: Some(node),
                });
            }
        }
        for (path, node) in in_old {
            if listed.insert(path.clone()) {
                out.push(Compared {
                    path,
                    kind,
                    label: label.clone(),
                    old: Some(node),
                    new: None,
                });
            }
        }
    }
    // File order of the later year; facts it lacks keep their place after it.
    out.sort_by_key(|c| {
        c.new
            .map_or((usize::MAX, 0), |n| (n.pos.line, n.pos.column))
    });
    out
}

/// Each fact pattern once, with its kind and the label of the first figure or rule reading it.
fn facts_read(decls: &Declarations) -> Vec<(&str, FactKind, String)> {
    let mut out: Vec<(&str, FactKind, String)> = Vec::new();
    // What the fact is to its reader: a percentage's part and whole share the figure's label.
    let role = |label: &str, role: &str| format!("{label}（{role}）");
    for f in &decls.figures {
        let read: Vec<(&str, FactKind, String)> = match &f.kind {
            Kind::Names { fact, .. } => vec![(&fact.path, FactKind::Names, f.label.clone())],
            Kind::Percent { part, whole, .. } => vec![
                (&part.path, FactKind::Number, role(&f.label, "分子")),
                (&whole.path, FactKind::Number, role(&f.label, "分母")),
            ],
            Kind::Sum { facts } => facts
                .iter()
                .map(|fact| (fact.path.as_str(), FactKind::Number, role(&f.label, "加数")))
                .collect(),
            other => other
                .facts()
                .into_iter()
                .map(|fact| (fact.path.as_str(), FactKind::Number, f.label.clone()))
                .collect(),
        };
        for fact in read {
            if !out.iter().any(|(p, ..)| *p == fact.0) {
                out.push(fact);
            }
        }
    }
    for r in &decls.rules {
        let read: Vec<(&str, FactKind, String)> = match &r.kind {
            RuleKind::Rising { fact } => vec![(&fact.path, FactKind::SeriesEntry, r.label.clone())],
            RuleKind::All { part, whole } => vec![
                (&part.path, FactKind::Number, role(&r.label, "部分")),
                (&whole.path, FactKind::Number, role(&r.label, "总数")),
            ],
            RuleKind::SumAtMost { parts, whole } => parts
                .iter()
                .map(|p| (p.path.as_str(), FactKind::Number, role(&r.label, "部分")))
                .chain([(
                    whole.path.as_str(),
                    FactKind::Number,
                    role(&r.label, "总数"),
                )])
                .collect(),
        };
        for (path, kind, label) in read {
            match out.iter_mut().find(|(p, ..)| *p == path) {
                // A series read by a figure too is still compared year by year.
                Some(known) if kind == FactKind::SeriesEntry => known.1 = kind,
                Some(_) => {}
                None => out.push((path, kind, label)),
            }
        }
    }
    out
}

/// The concrete facts a pattern reaches in a file; a series' years as facts of their own.
fn found<'a>(facts: &'a Facts, pattern: &str, series: bool) -> Vec<(String, &'a Node)> {
    let Resolved::Found(nodes) = facts.resolve(pattern) else {
        return Vec::new();
    };
    if !series {
        return nodes;
    }
    let mut out = Vec::new();
    for (path, node) in nodes {
        match &node.value {
            Value::Map(entries) => {
                out.extend(
                    entries
                        .iter()
                        .map(|e| (format!("{path}.{}", e.key), &e.value)),
                );
            }
            Value::Seq(items) => {
                out.extend(
                    items
                        .iter()
                        .enumerate()
                        .map(|(i, n)| (format!("{path}.{i}"), n)),
                );
            }
            _ => out.push((path, node)),
        }
    }
    out
}

/// The same value, wherever it stands in its file and however it is laid out: numbers by value
/// (1.50 is 1.5), text exactly.
pub fn same_value(a: &Node, b: &Node) -> bool {
    match (&a.value, &b.value) {
        (Value::Float(x, _), Value::Float(y, _)) => x == y,
        (Value::Seq(x), Value::Seq(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same_value(a, b))
        }
        (Value::Map(x), Value::Map(y)) => {
            x.len() == y.len()
                && x.iter()
                    .zip(y)
                    .all(|(a, b)| a.key == b.key && same_value(&a.value, &b.value))
        }
        (x, y) => x == y,
    }
}

/// A value as written in its file, for a reviewer: `1380`, `"1,380"` as 1,380, a list of names
/// joined with 、, 【未填】 for an empty value. None (not in the file) is （无）.
pub fn raw_text(node: Option<&Node>) -> String {
    let Some(node) = node else {
        return "（无）".to_owned();
    };
    match &node.value {
        Value::Null => "【未填】".to_owned(),
        Value::Bool(b) => b.to_string(),
        Value::Int(i) => node.written.clone().unwrap_or_else(|| i.to_string()),
        Value::Float(_, t) => t.clone(),
        Value::Str(s) => crate::text::escape_invisible(s),
        Value::Seq(items) => items
            .iter()
            .map(|n| raw_text(Some(n)))
            .collect::<Vec<_>>()
            .join("、"),
        Value::Map(entries) => entries
            .iter()
            .map(|e| format!("{}: {}", e.key, raw_text(Some(&e.value))))
            .collect::<Vec<_>>()
            .join("，"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    const FIGURES: &str = "figures:\n  n:\n    label: 责任区\n    kind: approx\n    fact: a.n\n  \
        t:\n    label: 名称\n    kind: names\n    fact: a.list.*.name\n  \
        c:\n    label: 学员\n    kind: sum\n    facts: [a.list.*.count]\n\
        rules:\n  r:\n    label: 逐年提升\n    kind: rising\n    fact: a.funds\n";

    fn facts(name: &str, text: &str) -> Facts {
        Facts::from_document(crate::yaml::parse(Path::new(name), text.into()).unwrap()).unwrap()
    }

    #[test]
    fn facts_are_compared_path_by_path_series_year_by_year() {
        let decls = Declarations::from_document(
            crate::yaml::parse(Path::new("figures.yaml"), FIGURES.into()).unwrap(),
        )
        .unwrap();
        let old = facts(
            "2021.yaml",
            "year: 2021\na:\n  n: 318\n  list:\n    - name: 甲\n      count: 3\n    - name: 乙\n      count: 4\n  funds: {2020: 1, 2021: 2}\n",
        );
        let new = facts(
            "2022.yaml",
            "year: 2022\na:\n  n: 322\n  list:\n    - name: 甲\n      count: 3\n  funds: {2020: 1, 2021: 2, 2022: 3}\n",
        );
        let all = compare(&decls, &old, &new);
        let rows: Vec<(String, FactKind, String, String, bool)> = all
            .iter()
            .map(|c| {
                (
                    c.path.clone(),
                    c.kind,
                    raw_text(c.old),
                    raw_text(c.new),
                    c.is_same(),
                )
            })
            .collect();
        use FactKind::*;
        let row = |p: &str, k, o: &str, n: &str, same| (p.to_owned(), k, o.into(), n.into(), same);
        assert_eq!(
            rows,
            [
                row("a.n", Number, "318", "322", false),
                row("a.list.0.name", Names, "甲", "甲", true),
                row("a.list.0.count", Number, "3", "3", true),
                row("a.funds.2020", SeriesEntry, "1", "1", true),
                row("a.funds.2021", SeriesEntry, "2", "2", true),
                row("a.funds.2022", SeriesEntry, "（无）", "3", false),
                row("a.list.1.name", Names, "乙", "（无）", false),
                row("a.list.1.count", Number, "4", "（无）", false),
            ]
        );
        assert_eq!(all[0].label, "责任区");
    }

    #[test]
    fn values_are_the_same_by_value_not_by_place() {
        let a = facts(
            "2021.yaml",
            "year: 2021\nx: [小讲堂, 微课堂]\ny: 1.50\nz:\n",
        );
        let b = facts(
            "2022.yaml",
            "year: 2022\n\nx:\n  - 小讲堂\n  - 微课堂\ny: 1.5\nz:\n",
        );
        let get = |f: &Facts, k: &str| f.doc.root.get(k).unwrap().value.clone();
        assert!(same_value(&get(&a, "x"), &get(&b, "x")));
        assert!(same_value(&get(&a, "y"), &get(&b, "y")), "1.50 is 1.5");
        let z = Compared {
            path: "z".into(),
            kind: FactKind::Number,
            label: String::new(),
            old: a.doc.root.get("z").map(|e| &e.value),
            new: b.doc.root.get("z").map(|e| &e.value),
        };
        assert!(
            !z.is_same(),
            "two empty values are unfilled, not carried over"
        );
        assert!(!z.is_changed());
    }
}
