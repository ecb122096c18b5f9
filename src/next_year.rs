//! Starting next year's facts from last year's: the same file, names kept, every number emptied
//! with last year's value left beside it as a comment, and each yearly series given the new year.
//!
//! Numbers are emptied rather than copied because a copied number passes every check and is
//! printed as if it were this year's: the stale figure this program exists to prevent. An empty
//! value is *unfilled*, which `check` and `render` refuse until someone fills it in.

use crate::facts::{Facts, RESERVED_KEYS};
use crate::figures::Declarations;
use crate::figures::declaration::RuleKind;
use crate::yaml::{Node, Pos, Value};

/// The text of the new year's facts file.
pub fn next_year_text(facts: &Facts, decls: &Declarations) -> String {
    let new_year = facts.year + 1;
    let series: Vec<&str> = decls
        .rules
        .iter()
        .filter_map(|r| match &r.kind {
            RuleKind::Rising { fact } => Some(fact.path.as_str()),
            _ => None,
        })
        .collect();
    let mut edits: Vec<Edit> = Vec::new();
    for entry in facts.doc.root.entries() {
        if entry.key == "year" {
            edits.push(Edit::Replace {
                pos: entry.value.pos,
                old: facts.year.to_string(),
                new: new_year.to_string(),
                note: None,
            });
        } else if !RESERVED_KEYS.contains(&entry.key.as_str()) {
            collect(&entry.key, &entry.value, &series, new_year, &mut edits);
        }
    }
    apply(&facts.doc.text, edits)
}

enum Edit {
    /// Replace the value at `pos` (its text `old`) with `new`, noting `note` in the line's comment.
    Replace {
        pos: Pos,
        old: String,
        new: String,
        note: Option<String>,
    },
    /// Insert a whole line after line `after`.
    InsertLine { after: usize, line: String },
}

fn collect(path: &str, node: &Node, series: &[&str], new_year: i64, edits: &mut Vec<Edit>) {
    match &node.value {
        Value::Int(i) => edits.push(Edit::Replace {
            pos: node.pos,
            old: i.to_string(),
            new: String::new(),
            note: Some(format!("上年：{i}")),
        }),
        Value::Float(_, t) => edits.push(Edit::Replace {
            pos: node.pos,
            old: t.clone(),
            new: String::new(),
            note: Some(format!("上年：{t}")),
        }),
        Value::Map(entries) if series.contains(&path) => {
            // A yearly series keeps its history and gains an empty entry for the new year.
            if let Some(last) = entries.last() {
                let indent = " ".repeat(last.key_pos.column - 1);
                edits.push(Edit::InsertLine {
                    after: last.value.pos.line,
                    line: format!("{indent}{new_year}:"),
                });
            }
        }
        Value::Map(entries) => {
            for e in entries {
                collect(
                    &format!("{path}.{}", e.key),
                    &e.value,
                    series,
                    new_year,
                    edits,
                );
            }
        }
        Value::Seq(items) => {
            for (i, item) in items.iter().enumerate() {
                // Numbers inside a flow list ([1, 2]) stay: emptying them would break the list.
                if matches!(item.value, Value::Map(_)) {
                    collect(&format!("{path}.{i}"), item, series, new_year, edits);
                }
            }
        }
        _ => {}
    }
}

fn apply(text: &str, mut edits: Vec<Edit>) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    // From the bottom up, so that earlier line numbers stay valid.
    edits.sort_by_key(|e| {
        std::cmp::Reverse(match e {
            Edit::Replace { pos, .. } => (pos.line, 0),
            Edit::InsertLine { after, .. } => (*after, 1),
        })
    });
    for edit in edits {
        match edit {
            Edit::InsertLine { after, line } => lines.insert(after.min(lines.len()), line),
            Edit::Replace {
                pos,
                old,
                new,
                note,
            } => {
                let Some(line) = lines.get_mut(pos.line - 1) else {
                    continue;
                };
                let chars: Vec<char> = line.chars().collect();
                let start = pos.column - 1;
                let end = start + old.chars().count();
                if chars.get(start..end).map(|s| s.iter().collect::<String>()) != Some(old.clone())
                {
                    continue;
                }
                let before: String = chars[..start].iter().collect();
                let after: String = chars[end..].iter().collect();
                let mut out = format!("{before}{new}{after}");
                if let Some(note) = note {
                    out = match out.find('#') {
                        Some(i) => format!("{}# {note}；{}", &out[..i], out[i + 1..].trim_start()),
                        None => format!("{}  # {note}", out.trim_end()),
                    };
                }
                *line = out;
            }
        }
    }
    let mut out = lines.join("\n");
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn numbers_are_emptied_names_kept_series_extended() {
        let facts_text = "year: 2021\na:\n  n: 12   # 个数\n  m: 5\n  name: 党课大讲堂\n  funds:\n    2020: 1\n    2021: 2\n  list:\n    - name: x\n      count: 3\n";
        let figures_text = "figures:\n  n:\n    label: n\n    kind: count\n    fact: a.n\nrules:\n  r:\n    label: 逐年提升\n    kind: rising\n    fact: a.funds\n";
        let facts = Facts::from_document(
            crate::yaml::parse(Path::new("2021.yaml"), facts_text.into()).unwrap(),
        )
        .unwrap();
        let decls = Declarations::from_document(
            crate::yaml::parse(Path::new("figures.yaml"), figures_text.into()).unwrap(),
        )
        .unwrap();
        let out = next_year_text(&facts, &decls);
        assert_eq!(
            out,
            "year: 2022\na:\n  n:    # 上年：12；个数\n  m:  # 上年：5\n  name: 党课大讲堂\n  funds:\n    2020: 1\n    2021: 2\n    2022:\n  list:\n    - name: x\n      count:  # 上年：3\n"
        );
    }
}
