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

use std::cmp::Ordering;
use std::path::{Path, PathBuf};

use crate::diagnostic::Diagnostic;
use crate::digest::{self, Digest};
use crate::error::Error;
use crate::facts::{Facts, Resolved};
use crate::figures::compute::compare_decimal;
use crate::figures::declaration::{FactRef, FigureDecl, Kind, RuleKind};
use crate::figures::evaluate;
use crate::pipeline::{self, FigureStatus};
use crate::project::Project;
use crate::review;
use crate::sources::{self, Source};
use crate::yaml::{Node, Value};

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
            Previous::Loaded { file, .. } => file.clone(),
            Previous::Missing { file } => format!("无（没有 {file}）"),
            Previous::Unreadable { file, reason } => format!("无（{file} 无法读取：{reason}）"),
        }
    }
}

/// A value a figure or claim reads, as it stands in the facts file.
#[derive(Debug, Clone, PartialEq)]
pub enum InputValue {
    Count(u64),
    /// A rate or a series entry, as written (`96.65`).
    Number(String),
    Names(Vec<String>),
    Unfilled,
    /// Not in the facts file at all.
    Missing,
    /// Written, but not what the figure needs (`"126人"`, a negative count): as written.
    Invalid(String),
}

impl InputValue {
    /// As shown in the sheet: `1380`, `小讲堂、微课堂`, `【未填】`.
    pub fn shown(&self) -> String {
        match self {
            InputValue::Count(n) => n.to_string(),
            InputValue::Number(t) => t.clone(),
            InputValue::Names(names) => names.join("、"),
            InputValue::Unfilled => "【未填】".into(),
            InputValue::Missing => "【缺】".into(),
            InputValue::Invalid(t) => format!("【有误：{t}】"),
        }
    }

    fn count(&self) -> Option<u64> {
        match self {
            InputValue::Count(n) => Some(*n),
            _ => None,
        }
    }

    /// A count or a number as written, for an exact comparison (`compare_decimal`).
    fn decimal(&self) -> Option<String> {
        match self {
            InputValue::Count(n) => Some(n.to_string()),
            InputValue::Number(t) => Some(t.clone()),
            _ => None,
        }
    }

    fn number(&self) -> Option<f64> {
        match self {
            InputValue::Count(n) => Some(*n as f64),
            InputValue::Number(t) => t.parse().ok(),
            _ => None,
        }
    }
}

/// One input of a row: what it is to the figure, its fact path, value and place.
#[derive(Debug, Clone, PartialEq)]
pub struct Input {
    /// 取值, 确数, 加数, 部分, 整体, 比率, 名称, or a series' year.
    pub role: String,
    /// The concrete fact path: `organisation.training_classes.0.trainees`.
    pub path: String,
    pub value: InputValue,
    /// `facts/2021.yaml:34`, None when the fact is missing.
    pub place: Option<String>,
}

impl Input {
    /// `部分 organisation.branches_qualified = 1380`.
    pub fn shown(&self) -> String {
        format!("{} {} = {}", self.role, self.path, self.value.shown())
    }
}

/// Where the inputs stand, each place once, in the inputs' order.
fn places(inputs: &[Input]) -> Vec<&str> {
    let mut out: Vec<&str> = Vec::new();
    for p in inputs.iter().filter_map(|i| i.place.as_deref()) {
        if !out.contains(&p) {
            out.push(p);
        }
    }
    out
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
            out.push("同上年（名称沿用，请确认仍适用）".to_owned());
            return out;
        }
        if let Some(l) = &self.last_year {
            out.push(format!("上年 {}", l.shown()));
        }
        if let Some(c) = &self.change {
            out.push(format!("变化 {}", c.text));
        }
        out
    }

    /// The printed value, or the marker a reviewer cannot miss (as `review::shown` shows it
    /// everywhere outside the speech).
    pub fn printed_or_marker(&self) -> String {
        match &self.printed {
            Some(p) if self.status == FigureStatus::Ok => p.clone(),
            _ => review::shown(None, self.status, &self.unit, self.kind),
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
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeUnit {
    Percent,
    Points,
    Names,
}

impl Change {
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

/// A claim of the speech that a rule checks.
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
    /// None when an input is unfilled or invalid.
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
        let inputs = figure_inputs(facts, decl);
        let printed = figure.text.as_ref().map(|t| with_unit(t, decl));
        let formula = match (&figure.text, figure.status) {
            (Some(t), FigureStatus::Ok) => formula_with_numbers(decl, &inputs, t),
            _ => crate::figures::compute::formula(&decl.kind),
        };
        let source = sources::for_facts(&stated, inputs.iter().map(|i| i.path.as_str()));
        let (last_year, change) = match (&prev_eval, &prev_facts) {
            (Some(ev), Some(pf)) => {
                let last = ev.figure(id).map(|f| LastYear {
                    status: f.status,
                    printed: f.text.as_ref().map(|t| with_unit(t, decl)),
                });
                let change = match (figure.status, last.as_ref().map(|l| l.status)) {
                    (FigureStatus::Ok, Some(FigureStatus::Ok)) => change(
                        decl,
                        &inputs,
                        &figure_inputs(pf, decl),
                        figure.text.as_deref(),
                        last.as_ref().and_then(|l| l.printed.as_deref()),
                    ),
                    _ => None,
                };
                (last, change)
            }
            _ => (None, None),
        };
        figures.push(FigureRow {
            number,
            id: id.clone(),
            label: decl.label.clone(),
            unit: decl.unit.clone(),
            kind: decl.kind.name(),
            status: figure.status,
            printed,
            inputs,
            formula,
            source,
            last_year,
            change,
        });
    }

    let mut claims = Vec::new();
    let mut number = figures.len();
    for id in &ids {
        let Some(decl) = decls.figure(id) else {
            continue;
        };
        if let Kind::Percent {
            full_coverage: true,
            ..
        }
        | Kind::Rate {
            full_coverage: true,
            ..
        } = &decl.kind
        {
            number += 1;
            let mut claim = coverage_claim(number, facts, decl, &stated);
            let computed = checked.evaluation.figure(id);
            claim.holds = agreed(
                claim.holds,
                computed.is_some_and(|f| f.status == FigureStatus::Ok),
            );
            claims.push(claim);
        }
    }
    for rule in &decls.rules {
        number += 1;
        let (kind, inputs, detail, holds) = match &rule.kind {
            RuleKind::Rising { fact } => rising(facts, fact),
            RuleKind::All { part, whole } => {
                let mut inputs = read_inputs(facts, "部分", part);
                inputs.extend(read_inputs(facts, "整体", whole));
                let (detail, holds) = match (counts(&inputs[..1]), counts(&inputs[1..])) {
                    (Some(p), Some(w)) if p == w => (format!("{p} = {w}，全部"), Some(true)),
                    (Some(p), Some(w)) => (
                        format!("{p} {} {w}，不是全部", if p < w { "<" } else { ">" }),
                        Some(false),
                    ),
                    _ => ("有数未填或有误".into(), None),
                };
                ("全部", inputs, detail, holds)
            }
            RuleKind::SumAtMost { parts, whole } => {
                let mut inputs: Vec<Input> = parts
                    .iter()
                    .flat_map(|p| read_inputs(facts, "部分", p))
                    .collect();
                let n = inputs.len();
                inputs.extend(read_inputs(facts, "整体", whole));
                let (detail, holds) = match (counts(&inputs[..n]), counts(&inputs[n..])) {
                    (Some(total), Some(w)) => {
                        let terms: Vec<String> =
                            inputs[..n].iter().map(|i| i.value.shown()).collect();
                        let holds = total <= w;
                        let op = if holds { "≤" } else { ">" };
                        (
                            format!("{} = {total} {op} {w}", terms.join(" + ")),
                            Some(holds),
                        )
                    }
                    _ => ("有数未填或有误".into(), None),
                };
                ("合计不超过", inputs, detail, holds)
            }
        };
        let source = sources::for_facts(&stated, inputs.iter().map(|i| i.path.as_str()));
        let computed = checked.evaluation.rule(&rule.id);
        claims.push(ClaimRow {
            number,
            id: rule.id.clone(),
            label: rule.label.clone(),
            kind,
            inputs,
            detail,
            holds: agreed(holds, computed.is_some_and(|r| r.holds)),
            source,
        });
    }

    Ok(Sheet {
        year: facts.year,
        facts_file: digest::shown_path(root, facts_path),
        sample: facts.sample,
        author: checked.settings.author.clone(),
        digest,
        previous,
        errors: checked.diagnostics.iter().filter(|d| d.is_error()).count(),
        figures,
        claims,
    })
}

/// The printed text with the unit where the speech puts it after the number (`review::shown`).
fn with_unit(text: &str, decl: &FigureDecl) -> String {
    review::shown(Some(text), FigureStatus::Ok, &decl.unit, decl.kind.name())
}

/// The sum of the inputs when every one is a count.
fn counts(inputs: &[Input]) -> Option<u64> {
    inputs
        .iter()
        .map(|i| i.value.count())
        .try_fold(0u64, |acc, n| Some(acc.saturating_add(n?)))
}

fn place(facts: &Facts, node: &Node) -> String {
    format!(
        "{}:{}",
        pipeline::display_path(&facts.doc.path),
        node.pos.line
    )
}

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
fn read_inputs(facts: &Facts, role: &str, fact: &FactRef) -> Vec<Input> {
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
                    place: Some(place(facts, node)),
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
            value: InputValue::Invalid(crate::yaml::describe(node)),
            place: Some(place(facts, node)),
        }],
    }
}

fn figure_inputs(facts: &Facts, decl: &FigureDecl) -> Vec<Input> {
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

/// `96.706` : a ratio × 100 with up to three decimals, trailing zeros dropped.
fn exact_percent(part: u64, whole: u64) -> String {
    trim_number(part as f64 * 100.0 / whole as f64)
}

/// A number with at most three decimals, no trailing zeros.
fn trim_number(x: f64) -> String {
    let s = format!("{x:.3}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".into() } else { s.into() }
}

/// The formula in words, with this year's numbers: what a reviewer recomputes by hand.
fn formula_with_numbers(decl: &FigureDecl, inputs: &[Input], printed: &str) -> String {
    let first = inputs.first().map(|i| i.value.shown()).unwrap_or_default();
    match &decl.kind {
        Kind::Count { .. } => format!("{first}，照印"),
        Kind::CnCount { .. } => format!("{first} 写成汉字“{printed}”"),
        Kind::Approx { suffix, .. } => {
            let Some(n) = inputs.first().and_then(|i| i.value.count()) else {
                return crate::figures::compute::formula(&decl.kind);
            };
            let Some(step) = crate::figures::format::approx_step(n) else {
                return format!("{n} 不足 10，照印");
            };
            let place = match step {
                10 => "十",
                100 => "百",
                _ => "千",
            };
            if n % step == 0 {
                format!("{n} 恰为整{place}，照印，不加“{suffix}”")
            } else {
                format!("{n} 向下取到{place}位为 {}，加“{suffix}”", n / step * step)
            }
        }
        Kind::Sum { .. } => {
            let terms: Vec<String> = inputs.iter().map(|i| i.value.shown()).collect();
            format!("{} = {printed}", terms.join(" + "))
        }
        Kind::Percent { full_coverage, .. } => {
            let (Some(p), Some(w)) = (
                inputs.first().and_then(|i| i.value.count()),
                inputs.get(1).and_then(|i| i.value.count()),
            ) else {
                return crate::figures::compute::formula(&decl.kind);
            };
            let exact = exact_percent(p, w);
            let mut s = format!("{p} ÷ {w} × 100 = {exact}，保留一位小数为 {printed}");
            if exact != printed && p < w && printed == "99.9" {
                s.push_str("（未满，至多印 99.9）");
            }
            if *full_coverage {
                s.push_str("；讲话称“全覆盖”，须正好 100");
            }
            s
        }
        Kind::Rate { full_coverage, .. } => {
            let mut s = format!("填报比率 {first}，保留一位小数为 {printed}");
            if *full_coverage {
                s.push_str("；讲话称“全覆盖”，须正好 100");
            }
            s
        }
        Kind::Names {
            open, separator, ..
        } => {
            let n = inputs
                .iter()
                .map(|i| match &i.value {
                    InputValue::Names(v) => v.len(),
                    _ => 0,
                })
                .sum::<usize>();
            match (marks(open), n) {
                (None, 1) => "照印".into(),
                (None, _) => format!("共 {n} 项，以“{separator}”连接"),
                (Some(m), 1) => format!("加{m}"),
                (Some(m), _) => format!("共 {n} 项，各加{m}"),
            }
        }
    }
}

/// The marks a name is printed in, in words: 书名号《》, 引号“”.
fn marks(open: &str) -> Option<&'static str> {
    match open {
        "《" => Some("书名号《》"),
        "“" => Some("引号“”"),
        _ => None,
    }
}

/// The number a change is measured on: the exact count (not the rounded 1200多), the sum, or
/// the exact percentage.
fn numeric(decl: &FigureDecl, inputs: &[Input]) -> Option<f64> {
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

fn signed(x: f64) -> String {
    let rounded = (x * 10.0).round() / 10.0;
    if rounded > 0.0 {
        format!("+{}", trim_number(rounded))
    } else {
        trim_number(rounded)
    }
}

fn change(
    decl: &FigureDecl,
    now: &[Input],
    then: &[Input],
    printed_now: Option<&str>,
    printed_then: Option<&str>,
) -> Option<Change> {
    if let Kind::Names { .. } = decl.kind {
        let same = printed_now.zip(printed_then).is_some_and(|(a, b)| a == b);
        return Some(Change {
            text: if same { "同上年" } else { "有变化" }.into(),
            amount: None,
            unit: ChangeUnit::Names,
            flagged: false,
            limit: None,
        });
    }
    let (new, old) = (numeric(decl, now)?, numeric(decl, then)?);
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
    })
}

fn coverage_claim(number: usize, facts: &Facts, decl: &FigureDecl, stated: &[Source]) -> ClaimRow {
    let inputs = figure_inputs(facts, decl);
    let (detail, holds) = match &decl.kind {
        Kind::Rate { .. } => match inputs.first().and_then(|i| i.value.number()) {
            Some(r) => (format!("填报比率 {}", trim_number(r)), Some(r == 100.0)),
            None => ("比率未填或有误".into(), None),
        },
        _ => match (counts(&inputs[..1]), counts(&inputs[1..])) {
            (Some(p), Some(w)) if p == w && w > 0 => (format!("{p} = {w}，全覆盖"), Some(true)),
            (Some(p), Some(w)) => (format!("{p} ≠ {w}，未全覆盖"), Some(false)),
            _ => ("有数未填或有误".into(), None),
        },
    };
    ClaimRow {
        number,
        id: decl.id.clone(),
        label: format!("{}：全覆盖", decl.label),
        kind: "全覆盖",
        source: sources::for_facts(stated, inputs.iter().map(|i| i.path.as_str())),
        inputs,
        detail,
        holds,
    }
}

/// 逐年提升: the whole series as inputs, one per year, in year order (as `check` reads it,
/// whatever the order in the file). The verdict shown is `check`'s (`agreed`).
fn rising(facts: &Facts, fact: &FactRef) -> (&'static str, Vec<Input>, String, Option<bool>) {
    let kind = "逐年提升";
    let node = match facts.resolve(&fact.path) {
        Resolved::Found(nodes) if !nodes.is_empty() => nodes[0].1,
        _ => {
            let inputs = read_inputs(facts, "数列", fact);
            return (kind, inputs, "数列缺失或有误".into(), None);
        }
    };
    let entries: Vec<(String, &Node)> = match &node.value {
        Value::Map(entries) => entries.iter().map(|e| (e.key.clone(), &e.value)).collect(),
        Value::Seq(items) => {
            // A list has no years: whether it reaches this year is unknowable (`check` refuses it).
            let inputs = items
                .iter()
                .enumerate()
                .map(|(i, n)| Input {
                    role: format!("第 {} 项", i + 1),
                    path: format!("{}.{i}", fact.path),
                    value: value_of(n),
                    place: Some(place(facts, n)),
                })
                .collect();
            return (kind, inputs, "数列没有写明年份，无法判断".into(), None);
        }
        _ => {
            let inputs = read_inputs(facts, "数列", fact);
            return (kind, inputs, "数列未填或有误".into(), None);
        }
    };
    let is_year = |k: &str| k.len() == 4 && k.bytes().all(|b| b.is_ascii_digit());
    let mut entries = entries;
    if entries.iter().all(|(k, _)| is_year(k)) {
        // Four ASCII digits each: the text order is the year order.
        entries.sort_by(|a, b| a.0.cmp(&b.0));
    }
    let inputs: Vec<Input> = entries
        .iter()
        .map(|(key, n)| Input {
            role: key.clone(),
            path: format!("{}.{key}", fact.path),
            value: value_of(n),
            place: Some(place(facts, n)),
        })
        .collect();
    let shown: Vec<String> = inputs.iter().map(|i| i.value.shown()).collect();
    let texts: Option<Vec<String>> = inputs.iter().map(|i| i.value.decimal()).collect();
    let Some(texts) = texts.filter(|_| entries.iter().all(|(k, _)| is_year(k))) else {
        return (
            kind,
            inputs,
            format!("{}：有数未填或有误", shown.join(" → ")),
            None,
        );
    };
    let rises = texts.len() >= 2
        && texts
            .windows(2)
            .all(|w| compare_decimal(&w[1], &w[0]) == Some(Ordering::Greater));
    let mut detail = format!(
        "{}，{}",
        shown.join(" → "),
        if rises {
            "逐年上升"
        } else {
            "并非逐年上升"
        }
    );
    let year = facts.year.to_string();
    if entries.last().is_some_and(|(k, _)| *k != year) {
        detail.push_str(&format!("（最后一年不是 {year}）"));
    }
    (kind, inputs, detail, Some(rises))
}

/// The sheet's reading of a claim, held to `check`'s verdict: never 成立 where `check` refuses.
fn agreed(own: Option<bool>, check_holds: bool) -> Option<bool> {
    own.map(|holds| holds && check_holds)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_trimmed_and_signed() {
        assert_eq!(trim_number(96.70588), "96.706");
        assert_eq!(trim_number(100.0), "100");
        assert_eq!(signed(7.14), "+7.1");
        assert_eq!(signed(-0.04), "0");
        assert_eq!(signed(-12.25), "-12.3");
        assert_eq!(exact_percent(1380, 1427), "96.706");
    }
}
