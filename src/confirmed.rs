//! Values that are last year's: a warning each, until the clerk confirms them. `next-year`
//! carries every name over and leaves last year's numbers in comments, so a value identical to
//! last year's is most often one nobody updated. Some are meant (the platform still has its name,
//! the committees still number 52): the clerk lists those in the facts file's optional top-level
//! `confirmed:` list, and the warning goes away for this year. `next-year` empties the list, so
//! each year's values are confirmed again.
//!
//! ```yaml
//! confirmed:
//!   - political.lecture_hall
//!   - supervision.party_committees
//! ```

use std::path::{Path, PathBuf};

use crate::diagnostic::Diagnostic;
use crate::facts::{Facts, Resolved, describe, did_you_mean};
use crate::figures::Declarations;
use crate::review::compare::{self, FactKind};
use crate::yaml::Value;

/// The top-level key of the list.
pub const KEY: &str = "confirmed";

/// The fact paths listed under `confirmed:` (entries that are not text are left out: `check`
/// reports them).
pub fn read(facts: &Facts) -> Vec<String> {
    let Some(entry) = facts.doc.root.get(KEY) else {
        return Vec::new();
    };
    match &entry.value.value {
        Value::Seq(items) => items
            .iter()
            .filter_map(|n| n.as_str())
            .map(|s| s.trim().to_owned())
            .collect(),
        _ => Vec::new(),
    }
}

/// Whether a listed entry confirms a concrete fact path; `*` in the entry stands for every item
/// of a list (`organisation.training_classes.*.name`).
pub fn covers(entry: &str, path: &str) -> bool {
    let (e, p): (Vec<&str>, Vec<&str>) = (entry.split('.').collect(), path.split('.').collect());
    e.len() == p.len() && e.iter().zip(&p).all(|(e, p)| *e == "*" || e == p)
}

/// Problems in the `confirmed:` list itself: not a list, an entry that is not text, an entry
/// that names no fact the declarations read (most likely a typo, which would leave the warning
/// it was meant to settle standing).
pub fn check(facts: &Facts, patterns: &[&str]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let Some(entry) = facts.doc.root.get(KEY) else {
        return out;
    };
    let example = "confirmed:\n  - political.lecture_hall";
    let items = match &entry.value.value {
        Value::Null => return out,
        Value::Seq(items) => items,
        _ => {
            let d = facts
                .doc
                .error(
                    "wrong-type",
                    entry.value.pos,
                    format!(
                        "confirmed 应是事实路径的列表（每行“- 路径”），这里是{}",
                        describe(&entry.value)
                    ),
                )
                .with_fact(KEY)
                .with_hint(format!("例如：\n{example}"));
            out.push(d);
            return out;
        }
    };
    let names_a_fact = |listed: &str| {
        patterns.iter().any(|p| {
            let (p, e): (Vec<&str>, Vec<&str>) =
                (p.split('.').collect(), listed.split('.').collect());
            p.len() == e.len()
                && p.iter().zip(&e).all(|(p, e)| {
                    p == e || (*p == "*" && (*e == "*" || e.bytes().all(|b| b.is_ascii_digit())))
                })
        })
    };
    for (i, item) in items.iter().enumerate() {
        let Some(listed) = item.as_str().map(str::trim) else {
            let d = facts
                .doc
                .error(
                    "wrong-type",
                    item.pos,
                    format!(
                        "confirmed 的第 {} 项应是事实路径（文字），这里是{}",
                        i + 1,
                        describe(item)
                    ),
                )
                .with_fact(format!("{KEY}.{i}"))
                .with_hint("  - political.lecture_hall");
            out.push(d);
            continue;
        };
        if names_a_fact(listed) {
            continue;
        }
        let known = concrete_paths(facts, patterns);
        let candidates: Vec<&str> = known.iter().map(String::as_str).collect();
        let d = facts
            .doc
            .error(
                "unknown-key",
                item.pos,
                format!(
                    "confirmed 中的“{}”不是任何数据项读取的事实：要写完整的事实路径",
                    crate::facts::escape_invisible(listed)
                ),
            )
            .with_fact(format!("{KEY}.{i}"))
            .with_hint(match did_you_mean(listed, &candidates) {
                Some(s) => format!("是不是想写“{s}”？"),
                None => "写事实路径，如 political.lecture_hall、service.daily_on_duty".into(),
            });
        out.push(d);
    }
    out
}

/// Every concrete fact path the file holds (for "did you mean").
fn concrete_paths(facts: &Facts, patterns: &[&str]) -> Vec<String> {
    let mut out = Vec::new();
    for p in patterns {
        if let Resolved::Found(nodes) = facts.resolve(p) {
            out.extend(nodes.into_iter().map(|(path, _)| path));
        }
    }
    out
}

/// Where last year's facts are: `facts/2021.yaml` beside `facts/2022.yaml`.
pub fn last_year_path(facts: &Facts) -> PathBuf {
    facts
        .doc
        .path
        .parent()
        .unwrap_or(Path::new("."))
        .join(format!("{}.yaml", facts.year - 1))
}

/// A warning for each number identical to last year's and each name carried over from it,
/// unless confirmed. Nothing when there are no readable facts for last year (the first year, or
/// a broken file: that year's own `check` reports it).
pub fn carried_over(decls: &Declarations, facts: &Facts) -> Vec<Diagnostic> {
    let path = last_year_path(facts);
    if !path.is_file() {
        return Vec::new();
    }
    match Facts::load(&path) {
        Ok(last) => warnings(decls, &last, facts),
        Err(_) => Vec::new(),
    }
}

/// The warnings of [`carried_over`], against facts already read.
pub fn warnings(decls: &Declarations, last: &Facts, facts: &Facts) -> Vec<Diagnostic> {
    // An entry without `*` covers its own path only: those are looked up, not each compared
    // with every fact (a year may confirm a list of thousands item by item).
    let (patterns, exact): (Vec<String>, Vec<String>) =
        read(facts).into_iter().partition(|e| e.contains('*'));
    let exact: std::collections::HashSet<String> = exact.into_iter().collect();
    let mut out = Vec::new();
    for c in compare::compare(decls, last, facts) {
        // A series keeps its history by design; its new year is checked by its rule.
        if c.kind == FactKind::SeriesEntry || !c.is_same() {
            continue;
        }
        if exact.contains(&c.path) || patterns.iter().any(|e| covers(e, &c.path)) {
            continue;
        }
        let Some(node) = c.new else { continue };
        let value = compare::raw_text(c.new);
        let (code, message) = match c.kind {
            FactKind::Names => (
                "carried-over-name",
                format!(
                    "{}（{}）沿用了 {} 年的名称“{value}”：请确认今年仍是这个名称",
                    c.label, c.path, last.year
                ),
            ),
            _ => (
                "same-as-last-year",
                format!(
                    "{}（{}）与 {} 年相同，都是 {value}：可能沿用了上年的数，忘了更新",
                    c.label, c.path, last.year
                ),
            ),
        };
        out.push(
            facts
                .doc
                .warning(code, node.pos, message)
                .with_fact(c.path.clone())
                .with_hint(hint(facts, &c.path)),
        );
    }
    out
}

/// How to confirm `path`, as YAML to paste: the whole list when the file has none yet, one line
/// when it has one.
pub fn hint(facts: &Facts, path: &str) -> String {
    match facts.doc.root.get(KEY) {
        None => format!(
            "核实无误后列入 confirmed:（加在文件末尾），警告即消失：\nconfirmed:\n  - {path}"
        ),
        Some(e) if matches!(e.value.value, Value::Seq(_)) && is_flow(facts, e.value.pos) => {
            format!("核实无误后在 confirmed: 的方括号中加上 {path}，警告即消失")
        }
        Some(_) => format!("核实无误后在 confirmed: 下加一行，警告即消失：\n  - {path}"),
    }
}

fn is_flow(facts: &Facts, pos: crate::yaml::Pos) -> bool {
    facts
        .doc
        .line_text(pos.line)
        .and_then(|l| l.chars().nth(pos.column - 1))
        == Some('[')
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIGURES: &str = "figures:\n  n:\n    label: 责任区\n    kind: approx\n    fact: a.n\n  \
        h:\n    label: 讲堂\n    kind: names\n    fact: a.hall\n  \
        t:\n    label: 培训班\n    kind: names\n    fact: a.list.*.name\n\
        rules:\n  r:\n    label: 逐年提升\n    kind: rising\n    fact: a.funds\n";

    fn facts(name: &str, text: &str) -> Facts {
        Facts::from_document(crate::yaml::parse(Path::new(name), text.into()).unwrap()).unwrap()
    }

    fn decls() -> Declarations {
        Declarations::from_document(
            crate::yaml::parse(Path::new("figures.yaml"), FIGURES.into()).unwrap(),
        )
        .unwrap()
    }

    const LAST: &str = "year: 2021\na:\n  n: 318\n  hall: 党课大讲堂\n  list:\n    - name: 甲\n  funds: {2020: 1, 2021: 2}\n";

    fn codes(text: &str) -> Vec<(&'static str, String, usize)> {
        let last = facts("facts/2021.yaml", LAST);
        let this = facts("facts/2022.yaml", text);
        warnings(&decls(), &last, &this)
            .into_iter()
            .map(|d| (d.code, d.fact.unwrap(), d.location.unwrap().line))
            .collect()
    }

    #[test]
    fn last_years_values_warn_until_confirmed() {
        let text = "year: 2022\na:\n  n: 318\n  hall: 党课大讲堂\n  list:\n    - name: 甲\n  funds: {2020: 1, 2021: 2, 2022: 3}\n";
        assert_eq!(
            codes(text),
            [
                ("same-as-last-year", "a.n".to_owned(), 3),
                ("carried-over-name", "a.hall".to_owned(), 4),
                ("carried-over-name", "a.list.0.name".to_owned(), 6),
            ]
        );
        let confirmed = format!("{text}confirmed:\n  - a.n\n  - a.list.*.name\n");
        assert_eq!(
            codes(&confirmed),
            [("carried-over-name", "a.hall".to_owned(), 4)]
        );
        let changed = text.replace("n: 318", "n: 322").replace("大讲堂", "小讲堂");
        assert_eq!(codes(&format!("{changed}confirmed: [a.list.0.name]\n")), []);
    }

    #[test]
    fn the_hint_is_yaml_to_paste_where_it_belongs() {
        let without = facts("facts/2022.yaml", "year: 2022\n");
        assert!(hint(&without, "a.n").ends_with("：\nconfirmed:\n  - a.n"));
        let with = facts("facts/2022.yaml", "year: 2022\nconfirmed:\n  - a.hall\n");
        assert!(hint(&with, "a.n").ends_with("：\n  - a.n"));
        let emptied = facts("facts/2022.yaml", "year: 2022\nconfirmed:\n");
        assert!(hint(&emptied, "a.n").ends_with("：\n  - a.n"));
        let flow = facts("facts/2022.yaml", "year: 2022\nconfirmed: [a.hall]\n");
        assert!(hint(&flow, "a.n").contains("方括号"));
    }

    #[test]
    fn listed_entries_must_name_facts() {
        let d = decls();
        let patterns = d.fact_patterns();
        let f = facts(
            "facts/2022.yaml",
            "year: 2022\na:\n  n: 1\n  hall: x\nconfirmed:\n  - a.hall\n  - a.list.0.name\n  - a.list.*.name\n  - a.hal\n  - a\n  - 3\n",
        );
        let found: Vec<(&str, usize)> = check(&f, &patterns)
            .iter()
            .map(|d| (d.code, d.location.as_ref().unwrap().line))
            .collect();
        assert_eq!(
            found,
            [("unknown-key", 9), ("unknown-key", 10), ("wrong-type", 11)]
        );
        let typo = check(&f, &patterns);
        assert_eq!(typo[0].hint.as_deref(), Some("是不是想写“a.hall”？"));
        let not_a_list = facts("facts/2022.yaml", "year: 2022\nconfirmed: a.hall\n");
        assert_eq!(check(&not_a_list, &patterns)[0].code, "wrong-type");
        assert!(
            check(
                &facts("facts/2022.yaml", "year: 2022\nconfirmed:\n"),
                &patterns
            )
            .is_empty()
        );
    }
}
