//! The verification sheet (核对表): what a reviewer signs before the speech is given.
//!
//! One row per figure the speech prints, in reading order: the value as printed, the exact
//! inputs behind it (part and whole, every addend, the count behind 多/余), the formula in words
//! with those numbers, where each input stands in the facts file, who stated it (`sources:`),
//! last year's value and the change, a flag when the change is beyond the plausible range, and
//! blank columns for the reviewer's tick and initials. Then one row per claim a rule checks
//! (逐年提升 with the whole series, 全部 and 全覆盖 with both counts, a total within its whole).
//! The header names the year, the facts file and the digest of the inputs, so a signed sheet can
//! be matched to a printout.
//!
//! `build` makes the model; `text`, `csv`, `json`, `html` and `pdf` write it.

pub mod csv;
pub mod html;
pub mod json;
pub mod pdf;
pub mod text;

use std::path::{Path, PathBuf};

use crate::diagnostic::Diagnostic;
use crate::digest::{self, Digest};
use crate::error::Error;
use crate::facts::Facts;
use crate::figures::format::trim_number;
use crate::figures::{Claim, Figure, FigureDecl, FigureStatus, Kind, evaluate};
pub use crate::figures::{Input, InputValue};
use crate::pipeline;
use crate::project::Project;
use crate::sources::{self, Source};

/// The formats the sheet is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SheetFormat {
    /// 纯文字，显示在终端（plain text, to the terminal）
    Text,
    /// 每个数字、每个判断一行，供电子表格使用（带 BOM 的 UTF-8，Excel 才能读中文）（one row each,
    /// for a spreadsheet）
    Csv,
    /// 核对表的全部内容，供程序读取（everything the sheet holds, for programs）
    Json,
    /// 网页，A4 横向打印（a page to print on A4 landscape）
    Html,
    /// 有表格线的 PDF，A4 横向（a ruled table on A4 landscape）
    Pdf,
}

impl SheetFormat {
    /// html and pdf are files to print; the others go to standard output unless `-o FILE`.
    pub fn is_document(self) -> bool {
        matches!(self, SheetFormat::Html | SheetFormat::Pdf)
    }

    /// `figures.html`, `figures.pdf`: the default file name beside the speech.
    pub fn file_name(self) -> &'static str {
        match self {
            SheetFormat::Text => "figures.txt",
            SheetFormat::Csv => "figures.csv",
            SheetFormat::Json => "figures.json",
            SheetFormat::Html => "figures.html",
            SheetFormat::Pdf => "figures.pdf",
        }
    }
}

/// Changes beyond these are flagged unless a figure declares its own `plausible_change`.
pub const DEFAULT_PLAUSIBLE_PERCENT: f64 = 30.0;
pub const DEFAULT_PLAUSIBLE_POINTS: f64 = 10.0;

/// The whole sheet for one year.
#[derive(Debug, Clone)]
pub struct Sheet {
    pub year: i64,
    /// `facts/2021.yaml`, as people in the project know it.
    pub facts_file: String,
    pub sample: bool,
    /// Who gives the speech (`templates/speech.yaml`): the PDF sheet's Author.
    pub author: Option<String>,
    /// The meeting's date from the settings, for the PDF's creation date (as the speech's).
    pub date: Option<crate::date::Date>,
    pub digest: Digest,
    pub previous: Previous,
    /// The errors `check` reports for these facts and templates: while there is any, nothing on
    /// the sheet can be signed, whatever its rows say.
    pub errors: usize,
    pub figures: Vec<FigureRow>,
    pub claims: Vec<ClaimRow>,
}

/// Last year's facts, where the last-year column comes from.
#[derive(Debug, Clone, PartialEq)]
pub enum Previous {
    Loaded {
        file: String,
        year: i64,
        /// Last year's facts are sample data (`sample: true`): the 上年 and 变化 columns compare
        /// with invented numbers, and the sheet says so.
        sample: bool,
    },
    Missing {
        file: String,
    },
    /// The file exists but cannot be read (a YAML mistake, a wrong year).
    Unreadable {
        file: String,
        reason: String,
    },
}

impl Previous {
    /// For the header: `facts/2020.yaml`, or why there is no last-year column.
    pub fn describe(&self) -> String {
        match self {
            Previous::Loaded {
                file, sample: true, ..
            } => format!("{file}（样例数据 sample: true：上年与变化两列比较的是虚构的数字）"),
            Previous::Loaded { file, .. } => file.clone(),
            Previous::Missing { file } => format!("无（没有 {file}）"),
            Previous::Unreadable { file, reason } => format!("无（{file} 无法读取：{reason}）"),
        }
    }
}

/// Where the inputs stand, each place once, in the inputs' order.
fn places(inputs: &[Input]) -> Vec<&str> {
    // A set beside the list: a sum over a list of 20 000 items has as many places, and a
    // search of the list for each was quadratic (issue 18 §8).
    let mut seen = std::collections::HashSet::new();
    inputs
        .iter()
        .filter_map(|i| i.place.as_deref())
        .filter(|p| seen.insert(*p))
        .collect()
}

#[derive(Debug, Clone, PartialEq)]
pub struct FigureRow {
    pub number: usize,
    pub id: String,
    pub label: String,
    pub unit: String,
    pub kind: &'static str,
    pub status: FigureStatus,
    /// As the speech prints it, unit included where it follows the number: `96.7%`, `1200多人`.
    pub printed: Option<String>,
    pub inputs: Vec<Input>,
    /// How the printed value comes from the inputs, in words and with the numbers.
    pub formula: String,
    pub source: Option<String>,
    /// None when there are no usable facts for last year.
    pub last_year: Option<LastYear>,
    pub change: Option<Change>,
}

impl FigureRow {
    pub fn places(&self) -> Vec<&str> {
        places(&self.inputs)
    }

    /// The last-year column: last year's value and the change, or only 同上年 for names
    /// carried over unchanged (repeating a long title helps nobody), then the flag if any.
    pub fn last_year_lines(&self) -> Vec<String> {
        let mut out = Vec::new();
        let same_names = self
            .change
            .as_ref()
            .is_some_and(|c| c.unit == ChangeUnit::Names && c.text == "同上年");
        if same_names {
            let confirmed = self.change.as_ref().is_some_and(|c| c.confirmed);
            out.push(if confirmed {
                "同上年（名称沿用，已确认仍适用）".to_owned()
            } else {
                "同上年（名称沿用，请确认仍适用）".to_owned()
            });
            return out;
        }
        if let Some(l) = &self.last_year {
            out.push(format!("上年 {}", l.shown()));
        }
        if let Some(c) = &self.change {
            if c.confirmed {
                out.push(format!("变化 {}（已确认）", c.text));
            } else {
                out.push(format!("变化 {}", c.text));
            }
        }
        out
    }

    /// The printed value, or the marker a reviewer cannot miss (as `figures::format::shown` shows it
    /// everywhere outside the speech).
    pub fn printed_or_marker(&self) -> String {
        match &self.printed {
            Some(p) if self.status == FigureStatus::Ok => p.clone(),
            _ => crate::figures::format::shown(None, self.status, &self.unit, self.kind),
        }
    }
}

/// The figure in last year's facts.
#[derive(Debug, Clone, PartialEq)]
pub struct LastYear {
    pub status: FigureStatus,
    pub printed: Option<String>,
}

impl LastYear {
    pub fn shown(&self) -> String {
        match (&self.printed, self.status) {
            (Some(p), FigureStatus::Ok) => p.clone(),
            (_, FigureStatus::Invalid) => "（上年有误）".into(),
            _ => "（上年未填）".into(),
        }
    }
}

/// How this year's value compares with last year's.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    /// `+7.1%`, `-0.6 个百分点`, `持平`, `同上年`, `有变化`, `上年为 0`.
    pub text: String,
    /// Percent (counts) or percentage points (percentages); None for names.
    pub amount: Option<f64>,
    pub unit: ChangeUnit,
    /// Beyond the plausible range: the reviewer should ask.
    pub flagged: bool,
    /// The plausible range, in `unit`.
    pub limit: Option<f64>,
    /// Unchanged from last year, and every input listed in the facts file's `confirmed:`: the
    /// clerk has said the value is meant.
    pub confirmed: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeUnit {
    Percent,
    Points,
    Names,
}

impl Change {
    /// The same as last year: a name carried over, a number 持平.
    pub fn is_same(&self) -> bool {
        matches!(self.text.as_str(), "同上年" | "持平")
    }

    /// What the 提示 column says: the flag, or that the clerk confirmed an unchanged value.
    pub fn note(&self) -> Option<String> {
        self.flag_text()
            .or_else(|| self.confirmed.then(|| "已确认（confirmed:）".to_owned()))
    }

    /// `超出合理范围 ±30%` for a flagged change.
    pub fn flag_text(&self) -> Option<String> {
        if !self.flagged {
            return None;
        }
        Some(match (self.unit, self.limit) {
            (ChangeUnit::Percent, Some(l)) => format!("超出合理范围 ±{}%", trim_number(l)),
            (ChangeUnit::Points, Some(l)) => format!("超出合理范围 ±{} 个百分点", trim_number(l)),
            _ => "请核实".into(),
        })
    }
}

/// A claim of the speech that a rule checks, as `check` judged it ([`Claim`]).
#[derive(Debug, Clone, PartialEq)]
pub struct ClaimRow {
    pub number: usize,
    /// The rule's id, or the figure's for 全覆盖.
    pub id: String,
    /// The claim in words: 党建经费逐年提升.
    pub label: String,
    /// 逐年提升, 全部, 合计不超过, 全覆盖.
    pub kind: &'static str,
    pub inputs: Vec<Input>,
    /// The check with its numbers: `286 → 315 → 342，逐年上升`.
    pub detail: String,
    /// `check`'s verdict; None when an input is missing, unfilled or invalid.
    pub holds: Option<bool>,
    pub source: Option<String>,
}

impl ClaimRow {
    pub fn places(&self) -> Vec<&str> {
        places(&self.inputs)
    }

    pub fn verdict(&self) -> &'static str {
        match self.holds {
            Some(true) => "成立",
            Some(false) => "不成立",
            None => "【无法判断】",
        }
    }
}

impl Sheet {
    /// Rows a reviewer cannot sign: figures unfilled or invalid, claims that fail or cannot be
    /// judged. The command exits 1 when there is any.
    pub fn open_rows(&self) -> usize {
        self.figures
            .iter()
            .filter(|f| f.status != FigureStatus::Ok)
            .count()
            + self.claims.iter().filter(|c| c.holds != Some(true)).count()
    }

    pub fn flagged(&self) -> usize {
        self.figures
            .iter()
            .filter(|f| f.change.as_ref().is_some_and(|c| c.flagged))
            .count()
    }

    /// The header lines every format shows, in this order.
    pub fn header(&self) -> Vec<(&'static str, String)> {
        let mut h = vec![
            ("年度", self.year.to_string()),
            ("事实文件", self.facts_file.clone()),
            ("上年事实", self.previous.describe()),
            (
                "摘要",
                format!("{}（SHA-256：{}）", self.digest.short(), self.digest.sha256),
            ),
            ("程序版本", format!("speechgen {}", self.digest.version)),
        ];
        if self.errors > 0 {
            h.push((
                "检查",
                format!(
                    "speechgen check 报告 {} 个错误，改正之前不得签发",
                    self.errors
                ),
            ));
        }
        if self.sample {
            h.push((
                "注意",
                "样例数据（sample: true）：数字是虚构的，不得签发".into(),
            ));
        }
        h
    }

    /// Where the sheet goes: `output` when given (`-o FILE`), else beside the speech,
    /// `output/<year>/figures.html|pdf`, for the formats to print; None: standard output.
    pub fn destination(
        &self,
        project: &Project,
        format: SheetFormat,
        output: Option<&Path>,
    ) -> Option<PathBuf> {
        match output {
            Some(path) => Some(path.to_path_buf()),
            None if format.is_document() => Some(
                project
                    .output_dir(None, Path::new(&self.facts_file), false, self.year)
                    .join(format.file_name()),
            ),
            None => None,
        }
    }

    /// Ok when every row can be signed and `check` finds no error; else [`Error::Failed`]
    /// (exit 1): the sheet shows which.
    pub fn signable(&self) -> Result<(), Error> {
        if self.open_rows() > 0 || self.errors > 0 {
            Err(Error::Failed)
        } else {
            Ok(())
        }
    }

    /// A title for the sheet: `2021 年讲话稿数字核对表`.
    pub fn title(&self) -> String {
        format!("{} 年讲话稿数字核对表", self.year)
    }
}

/// Writes the sheet in `format`. The PDF is set in the bundled faces.
pub fn write(sheet: &Sheet, format: SheetFormat) -> Result<Vec<u8>, crate::pdf::PdfError> {
    Ok(match format {
        SheetFormat::Text => text::write(sheet).into_bytes(),
        SheetFormat::Csv => csv::write(sheet).into_bytes(),
        SheetFormat::Json => json::write(sheet).into_bytes(),
        SheetFormat::Html => html::write(sheet).into_bytes(),
        SheetFormat::Pdf => pdf::write(sheet)?,
    })
}

/// Reads and checks the year (as `check` does), last year's facts when they exist, and makes the
/// sheet. `Err` only when an input cannot be read or parsed at all.
pub fn build(root: &Path, facts_path: &Path) -> Result<Sheet, Vec<Diagnostic>> {
    let checked = pipeline::check(root, facts_path)?;
    let digest = checked.digest.clone();
    let facts = &checked.facts;
    let decls = &checked.declarations;
    let stated = sources::read(facts);
    let listed = crate::confirmed::read(facts);

    let prev_path = facts_path
        .parent()
        .unwrap_or(Path::new("."))
        .join(format!("{}.yaml", facts.year - 1));
    let prev_file = digest::shown_path(root, &prev_path);
    let (previous, prev_facts) = if !prev_path.is_file() {
        (Previous::Missing { file: prev_file }, None)
    } else {
        match Facts::load(&prev_path) {
            Ok(f) => (
                Previous::Loaded {
                    file: prev_file,
                    year: f.year,
                    sample: f.sample,
                },
                Some(f),
            ),
            Err(d) => (
                Previous::Unreadable {
                    file: prev_file,
                    reason: d.first().map(|d| d.message.clone()).unwrap_or_default(),
                },
                None,
            ),
        }
    };
    let prev_eval = prev_facts.as_ref().map(|f| evaluate(decls, f));

    // Reading order: each figure once, where the template first prints it.
    let mut ids: Vec<String> = Vec::new();
    for usage in checked.template.usages() {
        if !ids.contains(&usage.id) {
            ids.push(usage.id);
        }
    }
    let mut figures = Vec::new();
    for (i, id) in ids.iter().enumerate() {
        let number = i + 1;
        let Some(decl) = decls.figure(id) else {
            figures.push(FigureRow {
                number,
                id: id.clone(),
                label: "（模板使用了未声明的数字）".into(),
                unit: String::new(),
                kind: "",
                status: FigureStatus::Invalid,
                printed: None,
                inputs: Vec::new(),
                formula: format!("templates/figures.yaml 中没有 {id}"),
                source: None,
                last_year: None,
                change: None,
            });
            continue;
        };
        let figure = checked
            .evaluation
            .figure(id)
            .expect("every declared figure is evaluated");
        let source = sources::for_facts(&stated, figure.inputs.iter().map(|i| i.path.as_str()));
        let (last_year, change) = match &prev_eval {
            Some(ev) => {
                let then = ev.figure(id);
                let last = then.map(|f| LastYear {
                    status: f.status,
                    printed: f.text.as_ref().map(|t| with_unit(t, decl)),
                });
                let change = match (figure.status, then) {
                    (FigureStatus::Ok, Some(then)) if then.status == FigureStatus::Ok => {
                        change(decl, figure, then)
                    }
                    _ => None,
                };
                let change = change.map(|mut c| {
                    c.confirmed = c.is_same()
                        && !figure.inputs.is_empty()
                        && figure
                            .inputs
                            .iter()
                            .all(|i| listed.iter().any(|e| crate::confirmed::covers(e, &i.path)));
                    c
                });
                (last, change)
            }
            None => (None, None),
        };
        figures.push(FigureRow {
            number,
            id: id.clone(),
            label: decl.label.clone(),
            unit: decl.unit.clone(),
            kind: decl.kind.name(),
            status: figure.status,
            printed: figure.text.as_ref().map(|t| with_unit(t, decl)),
            inputs: figure.inputs.clone(),
            formula: figure.worked.clone(),
            source,
            last_year,
            change,
        });
    }

    // The claims as `check` judged them: each 全覆盖 in reading order, then the rules.
    let coverage = ids
        .iter()
        .filter_map(|id| checked.evaluation.figure(id)?.coverage.as_ref());
    let claims = coverage
        .chain(&checked.evaluation.rules)
        .enumerate()
        .map(|(i, claim)| claim_row(figures.len() + i + 1, claim, &stated))
        .collect();

    Ok(Sheet {
        year: facts.year,
        facts_file: digest::shown_path(root, facts_path),
        sample: facts.sample,
        author: checked.settings.author.clone(),
        date: checked.facts.date.or(checked.settings.date),
        digest,
        previous,
        errors: checked.diagnostics.iter().filter(|d| d.is_error()).count(),
        figures,
        claims,
    })
}

/// The printed text with the unit where the speech puts it after the number (`figures::format::shown`).
fn with_unit(text: &str, decl: &FigureDecl) -> String {
    crate::figures::format::shown(Some(text), FigureStatus::Ok, &decl.unit, decl.kind.name())
}

fn signed(x: f64) -> String {
    let rounded = (x * 10.0).round() / 10.0;
    if rounded > 0.0 {
        format!("+{}", trim_number(rounded))
    } else {
        trim_number(rounded)
    }
}

/// How this year's figure compares with last year's, both with a value.
fn change(decl: &FigureDecl, now: &Figure, then: &Figure) -> Option<Change> {
    if let Kind::Names { .. } = decl.kind {
        let same = now.text.is_some() && now.text == then.text;
        return Some(Change {
            text: if same { "同上年" } else { "有变化" }.into(),
            amount: None,
            unit: ChangeUnit::Names,
            flagged: false,
            limit: None,
            confirmed: false,
        });
    }
    let (new, old) = (now.exact?, then.exact?);
    let percent = matches!(decl.kind, Kind::Percent { .. } | Kind::Rate { .. });
    if percent {
        let limit = decl.plausible_change.unwrap_or(DEFAULT_PLAUSIBLE_POINTS);
        let points = new - old;
        let text = if points.abs() < 0.05 {
            "持平".into()
        } else {
            format!("{} 个百分点", signed(points))
        };
        return Some(Change {
            text,
            amount: Some(points),
            unit: ChangeUnit::Points,
            flagged: points.abs() > limit,
            limit: Some(limit),
            confirmed: false,
        });
    }
    let limit = decl.plausible_change.unwrap_or(DEFAULT_PLAUSIBLE_PERCENT);
    if old == 0.0 {
        return Some(Change {
            text: if new == 0.0 { "持平" } else { "上年为 0" }.into(),
            amount: None,
            unit: ChangeUnit::Percent,
            flagged: new != 0.0,
            limit: Some(limit),
            confirmed: false,
        });
    }
    let relative = (new - old) / old * 100.0;
    let text = if new == old {
        "持平".into()
    } else {
        format!("{}%", signed(relative))
    };
    Some(Change {
        text,
        amount: Some(relative),
        unit: ChangeUnit::Percent,
        flagged: relative.abs() > limit,
        limit: Some(limit),
        confirmed: false,
    })
}

/// A claim as the sheet lists it: numbered, with who stated its inputs.
fn claim_row(number: usize, claim: &Claim, stated: &[Source]) -> ClaimRow {
    ClaimRow {
        number,
        id: claim.id.clone(),
        label: claim.label.clone(),
        kind: claim.kind,
        inputs: claim.inputs.clone(),
        detail: claim.detail.clone(),
        holds: claim.holds,
        source: sources::for_facts(stated, claim.inputs.iter().map(|i| i.path.as_str())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_are_signed() {
        assert_eq!(signed(7.14), "+7.1");
        assert_eq!(signed(-0.04), "0");
        assert_eq!(signed(-12.25), "-12.3");
    }
}
