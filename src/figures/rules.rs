//! The claims a rule checks (逐年提升, 全部, a total within its whole) and the 全覆盖 a figure
//! makes, each judged here and only here: the verdict `check` reports is the one every view shows.

use std::cmp::Ordering;

use crate::diagnostic::Diagnostic;

use super::declaration::{FactRef, FigureDecl, RuleDecl, RuleKind};
use super::evaluate::Evaluator;
use super::inputs::{read_inputs, series_input, unread_series};
use super::trace::{Claim, FigureStatus, Input};
use super::wording;

/// The values a 全覆盖 claim compares, once read: part and whole, or the rate as written.
pub(super) enum Covered {
    Counts { part: u64, whole: u64 },
    Rate(String),
}

/// The 全覆盖 claim of a figure: it holds when the figure has its value (a percentage or rate
/// short of 100 is refused by `check`), and cannot be judged when its inputs were not read.
pub(super) fn coverage_claim(
    decl: &FigureDecl,
    inputs: &[Input],
    covered: Option<Covered>,
    status: FigureStatus,
) -> Claim {
    let (detail, holds) = match covered {
        Some(Covered::Counts { part, whole }) => (
            wording::coverage_counts(part, whole, part == whole && whole > 0),
            Some(status == FigureStatus::Ok),
        ),
        Some(Covered::Rate(text)) => (
            wording::coverage_rate(&text),
            Some(status == FigureStatus::Ok),
        ),
        None if matches!(decl.kind, super::Kind::Rate { .. }) => ("比率未填或有误".into(), None),
        None => ("有数未填或有误".into(), None),
    };
    Claim {
        id: decl.id.clone(),
        label: format!("{}：全覆盖", decl.label),
        kind: "全覆盖",
        inputs: inputs.to_vec(),
        detail,
        holds,
    }
}

/// A rule's inputs and the values it compared, before the verdict.
struct Judged {
    inputs: Vec<Input>,
    detail: String,
    /// Every input was read: the claim could be judged.
    read: bool,
}

impl Judged {
    fn read(inputs: Vec<Input>, detail: String) -> Judged {
        Judged {
            inputs,
            detail,
            read: true,
        }
    }

    fn unread(inputs: Vec<Input>, detail: String) -> Judged {
        Judged {
            inputs,
            detail,
            read: false,
        }
    }
}

impl Evaluator<'_> {
    /// The rule's claim with `check`'s verdict: any error found while checking it (the claim
    /// fails, or an input is missing, unfilled or not what the rule reads) refuses it.
    pub(super) fn claim(&mut self, rule: &RuleDecl) -> Claim {
        let before = self.diagnostics.len();
        let (kind, judged) = match &rule.kind {
            RuleKind::SumAtMost { parts, whole } => {
                ("合计不超过", self.sum_at_most(rule, parts, whole))
            }
            RuleKind::Rising { fact } => ("逐年提升", self.rising(rule, fact)),
            RuleKind::All { part, whole } => ("全部", self.all(rule, part, whole)),
        };
        let failed = self.diagnostics[before..].iter().any(Diagnostic::is_error);
        Claim {
            id: rule.id.clone(),
            label: rule.label.clone(),
            kind,
            inputs: judged.inputs,
            detail: judged.detail,
            holds: judged.read.then_some(!failed),
        }
    }

    /// 合计不超过: the parts together are no more than the whole.
    fn sum_at_most(&mut self, rule: &RuleDecl, parts: &[FactRef], whole: &FactRef) -> Judged {
        let mut inputs: Vec<Input> = parts
            .iter()
            .flat_map(|p| read_inputs(self.facts, "部分", p))
            .collect();
        inputs.extend(read_inputs(self.facts, "整体", whole));
        let unread = |inputs| Judged::unread(inputs, "有数未填或有误".into());
        let mut total = Some(0u64);
        let mut names = Vec::new();
        let mut terms = Vec::new();
        let mut ok = true;
        for part in parts {
            match self.counts(part) {
                Ok(items) => {
                    for (n, path, pos) in items {
                        total = self.add(total, n, &path, pos);
                        names.push(format!("{path} {n}"));
                        terms.push(n.to_string());
                    }
                }
                Err(_) => ok = false,
            }
        }
        let Ok((w, w_path, w_pos)) = self.count(whole) else {
            return unread(inputs);
        };
        let (Some(total), true) = (total, ok) else {
            return unread(inputs);
        };
        let holds = total <= w;
        if !holds {
            let msg = format!(
                "{} 合计 {total}，超过了 {w_path} 的 {w}（规则：{}）",
                names.join("、"),
                rule.label
            );
            let hint = "各部分之和不能超过总数；请核对这些数".to_owned();
            self.report("sum-exceeds-whole", w_pos, &w_path, msg, Some(hint));
        }
        Judged::read(inputs, wording::sum_at_most(&terms, total, w, holds))
    }

    /// 全部: the part is the whole.
    fn all(&mut self, rule: &RuleDecl, part: &FactRef, whole: &FactRef) -> Judged {
        let mut inputs = read_inputs(self.facts, "部分", part);
        inputs.extend(read_inputs(self.facts, "整体", whole));
        let p = self.count(part);
        let w = self.count(whole);
        let (Ok((p, p_path, p_pos)), Ok((w, w_path, _))) = (p, w) else {
            return Judged::unread(inputs, "有数未填或有误".into());
        };
        let order = p.cmp(&w);
        match order {
            Ordering::Greater => {
                let msg = format!("部分大于整体：{p_path} 为 {p}，超过了 {w_path} 的 {w}");
                self.report("part-exceeds-whole", p_pos, &p_path, msg, None);
            }
            Ordering::Less => {
                let msg = format!(
                    "讲话说“{}”，但 {p_path} 为 {p}，少于 {w_path} 的 {w}",
                    rule.label
                );
                let hint = "若确未全部做到，请改写讲话稿这一句；否则核对两个数".to_owned();
                self.report("claim-all", p_pos, &p_path, msg, Some(hint));
            }
            Ordering::Equal => {}
        }
        Judged::read(inputs, wording::all(p, w, order))
    }

    /// 逐年提升: the series holds every year up to this one, none missing, and rises every year.
    ///
    /// The inputs are the whole series, one per year, in year order whatever the order in the
    /// file; the detail shows them with whether each year is higher than the one before.
    fn rising(&mut self, rule: &RuleDecl, fact: &FactRef) -> Judged {
        let Ok(series) = self.series(fact) else {
            let (inputs, detail) = unread_series(self.facts, fact);
            return Judged::unread(inputs, detail);
        };
        let path = series.path.as_str();
        let years = &series.years;
        let current = self.facts.year;
        let inputs: Vec<Input> = years
            .iter()
            .map(|y| series_input(self.facts, fact, &y.key, y.node))
            .collect();
        // The first year not higher than the one before it.
        let not_higher = years.windows(2).position(|pair| {
            compare_decimal(&pair[1].text, &pair[0].text) != Some(Ordering::Greater)
        });
        let shown: Vec<String> = inputs.iter().map(|i| i.value.shown()).collect();
        let detail = wording::rising(
            &shown,
            years.len() >= 2 && not_higher.is_none(),
            years.last().is_some_and(|y| y.year != current),
            current,
        );
        let judged = Judged::read(inputs, detail);
        if years.len() < 2 {
            let pos = years.first().map_or(series.key_pos, |y| y.key_pos);
            let msg = format!(
                "{}需要至少两年的数才能说明，{path} 只有 {} 项",
                rule.label,
                years.len()
            );
            self.report("claim-rising", pos, path, msg, None);
            return judged;
        }
        for pair in years.windows(2) {
            let (before, after) = (&pair[0], &pair[1]);
            if after.year > before.year + 1 {
                let gap = if after.year == before.year + 2 {
                    format!("{} 年", before.year + 1)
                } else {
                    format!("{}–{} 年", before.year + 1, after.year - 1)
                };
                let msg = format!(
                    "讲话说“{}”，但 {path} 缺少 {gap}的数（{} 年之后是 {} 年）",
                    rule.label, before.year, after.year
                );
                let hint = format!(
                    "在 {}: {} 下面添加一行 {}: 并填入当年的数",
                    before.year,
                    before.text,
                    before.year + 1
                );
                self.report("claim-rising", after.key_pos, path, msg, Some(hint));
            }
        }
        let last = years.last().expect("two or more");
        if last.year > current {
            let msg = format!(
                "{path} 中的 {} 年晚于本年度 {current}：事实文件只写到本年",
                last.year
            );
            let hint = format!("删去 {} 年这一行，或把它移到 {}.yaml", last.year, last.year);
            self.report("claim-rising", last.key_pos, path, msg, Some(hint));
        } else if last.year < current {
            let msg = format!(
                "讲话说“{}”，但 {path} 中没有本年度 {current} 年的数（最后一年是 {}）",
                rule.label, last.year
            );
            let hint = format!(
                "在 {}: {} 下面添加一行 {current}: 并填入本年的数",
                last.year, last.text
            );
            self.report("claim-rising", series.key_pos, path, msg, Some(hint));
        }
        if let Some(i) = not_higher {
            let (before, after) = (&years[i], &years[i + 1]);
            let msg = format!(
                "讲话说“{}”，但 {path} 中 {} 年的 {} 不高于 {} 年的 {}",
                rule.label, after.year, after.text, before.year, before.text
            );
            let hint = "若确未逐年提升，请改写讲话稿这一句；否则核对数列".to_owned();
            self.report("claim-rising", after.pos, path, msg, Some(hint));
        }
        judged
    }
}

/// Two plain decimals (`-12`, `286.5`) compared exactly, however many digits: a float would make
/// 9007199254740993 equal to 9007199254740992.
fn compare_decimal(a: &str, b: &str) -> Option<Ordering> {
    fn parts(text: &str) -> Option<(bool, &str, &str)> {
        let (negative, digits) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text.strip_prefix('+').unwrap_or(text)),
        };
        let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
        if !int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit()) {
            return None;
        }
        let int = int.trim_start_matches('0');
        let frac = frac.trim_end_matches('0');
        let zero = int.is_empty() && frac.is_empty();
        Some((negative && !zero, int, frac))
    }
    let (a_neg, a_int, a_frac) = parts(a)?;
    let (b_neg, b_int, b_frac) = parts(b)?;
    let magnitude = a_int
        .len()
        .cmp(&b_int.len())
        .then_with(|| a_int.cmp(b_int))
        .then_with(|| a_frac.cmp(b_frac));
    Some(match (a_neg, b_neg) {
        (false, true) => Ordering::Greater,
        (true, false) => Ordering::Less,
        (false, false) => magnitude,
        (true, true) => magnitude.reverse(),
    })
}
