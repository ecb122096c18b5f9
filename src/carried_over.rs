//! Values that are last year's: a warning each, until the clerk confirms them. `next-year`
//! carries every name over and leaves last year's numbers in comments, so a value identical to
//! last year's is most often one nobody updated. Some are meant: the clerk lists those in the
//! facts file's `confirmed:` list (see `confirmed`), and the warning goes away for this year.

use std::path::{Path, PathBuf};

use crate::compare::{self, FactKind};
use crate::confirmed;
use crate::diagnostic::Diagnostic;
use crate::facts::Facts;
use crate::figures::Declarations;

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
pub fn warnings(decls: &Declarations, facts: &Facts) -> Vec<Diagnostic> {
    let path = last_year_path(facts);
    if !path.is_file() {
        return Vec::new();
    }
    match Facts::load(&path) {
        Ok(last) => warnings_against(decls, &last, facts),
        Err(_) => Vec::new(),
    }
}

/// The warnings of [`warnings`], against last year's facts already read.
pub fn warnings_against(decls: &Declarations, last: &Facts, facts: &Facts) -> Vec<Diagnostic> {
    // An entry without `*` covers its own path only: those are looked up, not each compared
    // with every fact (a year may confirm a list of thousands item by item).
    let (patterns, exact): (Vec<String>, Vec<String>) = confirmed::read(facts)
        .into_iter()
        .partition(|e| e.contains('*'));
    let exact: std::collections::HashSet<String> = exact.into_iter().collect();
    // Last year marked as sample data is named: a value shared with it is a sample value.
    let last_year = if last.sample {
        format!("{} 年（样例数据）", last.year)
    } else {
        format!("{} 年", last.year)
    };
    let mut out = Vec::new();
    for c in compare::compare(decls, last, facts) {
        // A series keeps its history by design; its new year is checked by its rule.
        if c.kind == FactKind::SeriesEntry || !c.is_same() {
            continue;
        }
        if exact.contains(&c.path) || patterns.iter().any(|e| confirmed::covers(e, &c.path)) {
            continue;
        }
        let Some(node) = c.new else { continue };
        let value = compare::raw_text(c.new);
        let (code, message) = match c.kind {
            FactKind::Names => (
                "carried-over-name",
                format!(
                    "{}（{}）沿用了 {last_year}的名称“{value}”：请确认今年仍是这个名称",
                    c.label, c.path
                ),
            ),
            _ => (
                "same-as-last-year",
                format!(
                    "{}（{}）与 {last_year}相同，都是 {value}：可能沿用了上年的数，忘了更新",
                    c.label, c.path
                ),
            ),
        };
        out.push(
            facts
                .doc
                .warning(code, node.pos, message)
                .with_fact(c.path.clone())
                .with_hint(confirmed::hint(facts, &c.path)),
        );
    }
    out
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
        warnings_against(&decls(), &last, &this)
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
}
