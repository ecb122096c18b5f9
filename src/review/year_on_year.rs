//! `speechgen diff OLD NEW`: what a reviewer must see between two years. The printed figures
//! that differ are not enough: 318 → 322 prints 300多 both years, and a name copied over by
//! `next-year` prints exactly as last year. So the report has three parts: the figures printed
//! differently, the raw facts that changed (each with the figures that print the same in spite
//! of it), and every value carried over unchanged (names, and numbers identical to last year's),
//! marked where the facts file's `confirmed:` list confirms it.
//!
//! Written as text (`text`), a page (`html`) or one JSON document (`json`).

mod html;
mod json;
mod text;

use std::collections::{HashMap, HashSet};

use crate::compare::{self, Compared, FactKind};
use crate::confirmed;
use crate::figures::{FigureReport, FigureStatus};
use crate::pipeline::Checked;
use crate::review::{Change, DiffFormat};

/// One year of the two compared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Side {
    pub year: i64,
    /// `facts/2021.yaml`.
    pub file: String,
    /// Marked `sample: true`: its values are invented, so a value the other year shares with
    /// it is a sample value left in, not last year's.
    pub sample: bool,
}

impl Side {
    /// The note every format prints for a side of sample data, or None.
    pub fn sample_note(&self) -> Option<String> {
        self.sample.then(|| {
            format!(
                "注意：{} 标着 sample: true（样例数据，数字是虚构的）：与它相同的值只说明还是样例里的值",
                self.file
            )
        })
    }
}

/// Where a value stands in a facts file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    pub file: String,
    pub line: usize,
    pub column: usize,
}

impl std::fmt::Display for Place {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.column)
    }
}

/// A raw fact whose value differs between the two years (or that only one of them holds).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FactChange {
    /// `service.responsibility_areas`.
    pub path: String,
    /// The label of the first figure or rule that reads it.
    pub label: String,
    /// As written in the earlier year's file; （无） when it has no such fact, 【未填】 when empty.
    pub before: String,
    pub after: String,
    /// In the later year's file, or in the earlier's when only it holds the fact.
    pub place: Option<Place>,
    /// The figures reading this fact that print the same in both years, as shown
    /// (`认领责任区 300多个`): the change a reader of the speech would not see.
    pub printed_same: Vec<String>,
}

/// A value the later year holds exactly as the earlier one did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Carried {
    pub path: String,
    pub label: String,
    /// `true`: a name (document, campaign, platform); `false`: a number.
    pub name: bool,
    /// As written (a list of names joined with 、).
    pub value: String,
    pub place: Place,
    /// Listed under the later year's `confirmed:`.
    pub confirmed: bool,
}

/// Two years compared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YearOnYear {
    pub old: Side,
    pub new: Side,
    /// Figures printed differently, in the later year's order.
    pub figures: Vec<Change>,
    /// Raw facts that changed, in the later year's file order.
    pub facts: Vec<FactChange>,
    /// Values carried over unchanged: names first, then numbers, each in file order.
    pub carried: Vec<Carried>,
}

impl YearOnYear {
    /// Compares two years, each read and checked (a year with errors is compared as it stands:
    /// an unfilled value shows as 【未填】). The facts compared are those the later year's
    /// declarations read.
    pub fn build(old: &Checked, new: &Checked) -> YearOnYear {
        let (old_figures, new_figures) = (old.figure_reports(), new.figure_reports());
        let listed = confirmed::read(&new.facts);
        let compared = compare::compare(&new.declarations, &old.facts, &new.facts);
        let unchanged = PrintedUnchanged::new(&old_figures, &new_figures);
        let facts = compared
            .iter()
            .filter(|c| c.is_changed())
            .map(|c| fact_change(c, old, new, &unchanged))
            .collect();
        let mut carried: Vec<Carried> = compared
            .iter()
            .filter(|c| c.kind != FactKind::SeriesEntry && c.is_same())
            .filter_map(|c| {
                Some(Carried {
                    path: c.path.clone(),
                    label: c.label.clone(),
                    name: c.kind == FactKind::Names,
                    value: compare::raw_text(c.new),
                    place: place(new, c.new?),
                    confirmed: listed.iter().any(|e| confirmed::covers(e, &c.path)),
                })
            })
            .collect();
        // Names first: the part of the speech most often copied without a look.
        carried.sort_by_key(|c| !c.name);
        YearOnYear {
            old: side(old),
            new: side(new),
            figures: crate::review::diff(&old_figures, &new_figures),
            facts,
            carried,
        }
    }

    pub fn names_carried(&self) -> usize {
        self.carried.iter().filter(|c| c.name).count()
    }

    pub fn numbers_carried(&self) -> usize {
        self.carried.iter().filter(|c| !c.name).count()
    }

    /// `3 个印出的数字不同；4 项原始数值不同（其中 1 项印出不变）；12 个名称、2 个数值与上年相同（已确认 3 个）`.
    pub fn summary(&self) -> String {
        let hidden = self
            .facts
            .iter()
            .filter(|f| !f.printed_same.is_empty())
            .count();
        let confirmed = self.carried.iter().filter(|c| c.confirmed).count();
        format!(
            "{} 个印出的数字不同；{} 项原始数值不同（其中 {hidden} 项印出不变）；{} 个名称、{} 个数值与上年相同（已确认 {confirmed} 个）",
            self.figures.len(),
            self.facts.len(),
            self.names_carried(),
            self.numbers_carried(),
        )
    }

    /// The report in a format, ending with a newline.
    pub fn write(&self, format: DiffFormat) -> String {
        match format {
            DiffFormat::Text => text::write(self),
            DiffFormat::Html => html::write(self),
            DiffFormat::Json => json::write(self),
        }
    }
}

fn side(checked: &Checked) -> Side {
    Side {
        year: checked.facts.year,
        file: crate::figures::display_path(&checked.facts.doc.path),
        sample: checked.facts.sample,
    }
}

fn place(checked: &Checked, node: &crate::yaml::Node) -> Place {
    Place {
        file: crate::figures::display_path(&checked.facts.doc.path),
        line: node.pos.line,
        column: node.pos.column,
    }
}

/// The figures that print the same in both years (`label shown`, in the declarations' order)
/// and, per fact path, which of them read it. Made once: a sum over a list of 20 000 items reads
/// as many paths, and searching each figure's paths for each changed fact was quadratic (issue
/// 18 §8). A line is copied only for a fact that changed: a list of names prints long.
struct PrintedUnchanged<'a> {
    lines: Vec<String>,
    by_path: HashMap<&'a str, Vec<usize>>,
}

impl<'a> PrintedUnchanged<'a> {
    fn new(old_figures: &[FigureReport], new_figures: &'a [FigureReport]) -> Self {
        let mut lines = Vec::new();
        let mut by_path: HashMap<&str, Vec<usize>> = HashMap::new();
        for f in new_figures.iter().filter(|f| f.status == FigureStatus::Ok) {
            let same = old_figures
                .iter()
                .any(|o| o.id == f.id && o.status == FigureStatus::Ok && o.shown() == f.shown());
            if !same {
                continue;
            }
            let line = lines.len();
            lines.push(format!("{} {}", f.label, f.shown()));
            // A figure names each fact once, however often it reads it.
            let mut seen = HashSet::new();
            for path in f.facts.iter().map(String::as_str) {
                if seen.insert(path) {
                    by_path.entry(path).or_default().push(line);
                }
            }
        }
        PrintedUnchanged { lines, by_path }
    }

    fn of(&self, path: &str) -> Vec<String> {
        self.by_path
            .get(path)
            .map(|ids| ids.iter().map(|&i| self.lines[i].clone()).collect())
            .unwrap_or_default()
    }
}

fn fact_change(
    c: &Compared,
    old: &Checked,
    new: &Checked,
    unchanged: &PrintedUnchanged,
) -> FactChange {
    let place = match (c.new, c.old) {
        (Some(n), _) => Some(place(new, n)),
        (None, Some(o)) => Some(place(old, o)),
        (None, None) => None,
    };
    let printed_same = match (c.old, c.new) {
        (Some(_), Some(_)) => unchanged.of(&c.path),
        _ => Vec::new(),
    };
    FactChange {
        path: c.path.clone(),
        label: c.label.clone(),
        before: compare::raw_text(c.old),
        after: compare::raw_text(c.new),
        place,
        printed_same,
    }
}
