//! What [`evaluate`](super::evaluate) hands every view: per figure and per claim, the inputs
//! with their places, the formula with its numbers, the value shown and the verdict. `check`,
//! the sheet, `diff`, the preview and the tooltips format these; none of them judges again.

use crate::diagnostic::Diagnostic;
use crate::facts::Facts;
use crate::yaml::Pos;

use super::place::source_ref;

/// Whether a figure has a value: filled and valid, unfilled, or written but not usable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FigureStatus {
    Ok,
    Unfilled,
    Invalid,
}

impl FigureStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            FigureStatus::Ok => "ok",
            FigureStatus::Unfilled => "unfilled",
            FigureStatus::Invalid => "invalid",
        }
    }
}

/// A figure with its value, or with what keeps it from having one.
#[derive(Debug, Clone)]
pub struct Figure {
    pub id: String,
    pub label: String,
    pub unit: String,
    pub kind: &'static str,
    /// The printed text (`96.7`, `1200多`, `两`, `“小讲堂”“微课堂”`), None when unfilled or invalid.
    pub text: Option<String>,
    /// Hidden in the circulation copy (`--mask`): printed in digits, or declared `mask: true`.
    pub masked: bool,
    /// Printed in digits (a count, a percent, …), not in words or names.
    pub in_digits: bool,
    pub status: FigureStatus,
    /// How the figure is computed, in words (the tooltip's 算法).
    pub formula: String,
    /// Concrete fact paths read, each with where its value stands in the facts file.
    pub sources: Vec<(String, Pos)>,
    /// Every input as written, unusable ones too (a reviewer must see what is wrong), in the
    /// order the formula reads them.
    pub inputs: Vec<Input>,
    /// The formula with this year's numbers when the figure has a value (`1380 ÷ 1427 × 100 =
    /// 96.706，保留一位小数为 96.7`), else `formula`.
    pub worked: String,
    /// The exact number behind the printed one, which a year-on-year change is measured on: the
    /// count (not the rounded 1200多), the sum, the exact percentage. None for names.
    pub exact: Option<f64>,
    /// The 全覆盖 claim when the figure makes one.
    pub coverage: Option<Claim>,
}

impl Figure {
    /// The text as the circulation copy prints it: the number starred (1200多 → *多), a figure
    /// declared `mask: true` wholly (两 → *), any other as it is.
    pub fn masked_text(&self) -> Option<String> {
        let text = self.text.as_ref()?;
        if !self.masked {
            return Some(text.clone());
        }
        if !self.in_digits {
            return Some("*".to_owned());
        }
        let suffix: String = text
            .chars()
            .skip_while(|c| c.is_ascii_digit() || *c == '.')
            .collect();
        Some(format!("*{suffix}"))
    }

    /// The figure as the preview and `diff` list it, its places written out.
    pub fn report(&self, facts: &Facts) -> FigureReport {
        FigureReport {
            id: self.id.clone(),
            label: self.label.clone(),
            unit: self.unit.clone(),
            kind: self.kind.to_owned(),
            value: self.text.clone(),
            status: self.status,
            formula: self.formula.clone(),
            sources: self
                .sources
                .iter()
                .map(|(_, pos)| source_ref(facts, *pos))
                .collect(),
            facts: self.sources.iter().map(|(path, _)| path.clone()).collect(),
        }
    }
}

/// One figure as a reviewer sees it.
#[derive(Debug, Clone)]
pub struct FigureReport {
    pub id: String,
    pub label: String,
    pub unit: String,
    pub kind: String,
    /// The printed text (e.g. `96.6`, `1200多`, `两`), or None when unfilled or invalid.
    pub value: Option<String>,
    pub status: FigureStatus,
    /// How it is computed, in words, e.g. `organisation.branches_qualified ÷ organisation.branches × 100…`.
    pub formula: String,
    /// Where its facts' values stand: `facts/2021.yaml:12:5` for each fact read.
    pub sources: Vec<String>,
    /// The fact paths read, in the order of `sources` (`organisation.branches`).
    pub facts: Vec<String>,
}

/// A claim of the speech that a rule checks (逐年提升, 全部, a total within its whole) or that a
/// figure makes (全覆盖), judged once, here.
#[derive(Debug, Clone, PartialEq)]
pub struct Claim {
    /// The rule's id, or the figure's for 全覆盖.
    pub id: String,
    /// The claim in words: 党建经费逐年提升.
    pub label: String,
    /// 逐年提升, 全部, 合计不超过, 全覆盖.
    pub kind: &'static str,
    pub inputs: Vec<Input>,
    /// The values compared, with the numbers: `286 → 315 → 342，逐年上升`.
    pub detail: String,
    /// `check`'s verdict: Some(true) when checking the claim found no error, Some(false) when
    /// it did, None when an input is missing, unfilled or not what the claim reads (`check`
    /// reports that input).
    pub holds: Option<bool>,
}

#[derive(Debug, Clone)]
pub struct Evaluation {
    pub figures: Vec<Figure>,
    /// Each declared rule's claim with its verdict, in declaration order.
    pub rules: Vec<Claim>,
    pub diagnostics: Vec<Diagnostic>,
}

impl Evaluation {
    pub fn figure(&self, id: &str) -> Option<&Figure> {
        self.figures.iter().find(|f| f.id == id)
    }

    pub fn rule(&self, id: &str) -> Option<&Claim> {
        self.rules.iter().find(|r| r.id == id)
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

    pub(super) fn count(&self) -> Option<u64> {
        match self {
            InputValue::Count(n) => Some(*n),
            _ => None,
        }
    }

    pub(super) fn number(&self) -> Option<f64> {
        match self {
            InputValue::Count(n) => Some(*n as f64),
            InputValue::Number(t) => t.parse().ok(),
            _ => None,
        }
    }
}

/// One input of a figure or claim: what it is to it, its fact path, value and place.
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
