//! What a reviewer reads beside the speech: every figure as shown and what changed from one year
//! to the next (`speechgen diff`: [`year_on_year`], over the facts compared path by path in
//! `crate::compare`; `diff --wording`: the two speeches' [`wording`]).
//! The figure listing (`speechgen figures`) is the verification sheet's text form
//! (`sheet::text`), which shows values as [`shown`] does.

pub mod wording;
pub mod year_on_year;

use crate::figures::FigureReport;
use crate::figures::format::shown;

/// How `speechgen diff` writes its report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DiffFormat {
    /// 文字，供阅读（text）
    Text,
    /// 网页，供打印或传阅（html）
    Html,
    /// 一个 JSON 文档，供程序读取（json）
    Json,
}

impl FigureReport {
    /// The value as people outside the speech see it (see [`shown`]).
    pub fn shown(&self) -> String {
        shown(self.value.as_deref(), self.status, &self.unit, &self.kind)
    }
}

/// A figure shown differently in two years.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub id: String,
    pub label: String,
    /// As shown in the earlier year; `（无此数字）` when it had no such figure.
    pub before: String,
    pub after: String,
}

/// The figures whose shown value differs between two years, in the later year's order, then
/// those only the earlier year has.
pub fn diff(old: &[FigureReport], new: &[FigureReport]) -> Vec<Change> {
    let shown_in = |figures: &[FigureReport], id: &str| {
        figures
            .iter()
            .find(|f| f.id == id)
            .map_or_else(|| "（无此数字）".to_owned(), FigureReport::shown)
    };
    let only_old = old.iter().filter(|o| !new.iter().any(|n| n.id == o.id));
    new.iter()
        .chain(only_old)
        .map(|f| Change {
            id: f.id.clone(),
            label: f.label.clone(),
            before: shown_in(old, &f.id),
            after: shown_in(new, &f.id),
        })
        .filter(|c| c.before != c.after)
        .collect()
}

impl std::fmt::Display for Change {
    /// `branches_qualified  达标党支部：1380个 → 1400个`
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}  {}：{} → {}",
            self.id, self.label, self.before, self.after
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::figures::FigureStatus;

    fn figure(id: &str, value: Option<&str>, status: FigureStatus, unit: &str) -> FigureReport {
        FigureReport {
            id: id.into(),
            label: format!("{id}的名称"),
            unit: unit.into(),
            kind: if unit.is_empty() { "names" } else { "count" }.into(),
            value: value.map(str::to_owned),
            status,
            formula: String::new(),
            sources: Vec::new(),
            facts: Vec::new(),
        }
    }

    #[test]
    fn a_value_is_shown_with_its_unit_or_as_a_marker() {
        use FigureStatus::*;
        assert_eq!(figure("a", Some("96.7"), Ok, "%").shown(), "96.7%");
        assert_eq!(figure("a", Some("“先锋”"), Ok, "").shown(), "“先锋”");
        assert_eq!(shown(Some("两"), Ok, "次", "names"), "两");
        assert_eq!(figure("a", None, Unfilled, "个").shown(), "【未填】");
        assert_eq!(figure("a", None, Invalid, "个").shown(), "【有误】");
    }

    #[test]
    fn diff_lists_changed_added_and_removed_figures() {
        use FigureStatus::*;
        let old = [
            figure("same", Some("1"), Ok, "个"),
            figure("changed", Some("1"), Ok, "个"),
            figure("gone", Some("1"), Ok, "个"),
        ];
        let new = [
            figure("added", None, Unfilled, "个"),
            figure("same", Some("1"), Ok, "个"),
            figure("changed", Some("2"), Ok, "个"),
        ];
        let lines: Vec<String> = diff(&old, &new).iter().map(ToString::to_string).collect();
        assert_eq!(
            lines,
            [
                "added  added的名称：（无此数字） → 【未填】",
                "changed  changed的名称：1个 → 2个",
                "gone  gone的名称：1个 → （无此数字）",
            ]
        );
    }
}
