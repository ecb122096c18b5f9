//! How a figure is computed and what a claim compared, in words for reviewers: the formula with
//! fact paths, the same with this year's numbers, and each claim's values side by side.

use std::cmp::Ordering;

use super::declaration::{FigureDecl, Kind};
use super::format::{approx_step, trim_number};
use super::trace::{Input, InputValue};

/// How a figure is computed, in words for reviewers.
pub(super) fn formula(kind: &Kind) -> String {
    match kind {
        Kind::Count { fact } => format!("取事实 {}", fact.path),
        Kind::CnCount { fact } => format!("取事实 {}，写成汉字（2 写作“两”）", fact.path),
        Kind::Approx { fact, suffix } => format!(
            "事实 {} 向下取整（10–99 取到十位，100–9999 取到百位，10000 起取到千位）后加“{suffix}”；恰为整数时照写、不加“{suffix}”",
            fact.path
        ),
        Kind::Sum { facts } => {
            let terms: Vec<String> = facts
                .iter()
                .map(|f| {
                    if f.path.contains('*') {
                        format!("{} 各项", f.path)
                    } else {
                        f.path.clone()
                    }
                })
                .collect();
            format!("{} 之和", terms.join(" + "))
        }
        Kind::Percent {
            part,
            whole,
            full_coverage,
        } => {
            let mut s = format!(
                "{} ÷ {} × 100，四舍五入保留一位小数（未满时至多 99.9）",
                part.path, whole.path
            );
            if *full_coverage {
                s.push_str("；“全覆盖”要求正好 100");
            }
            s
        }
        Kind::Rate {
            fact,
            full_coverage,
        } => {
            let mut s = format!("填报的比率 {}（0–100），保留一位小数", fact.path);
            if *full_coverage {
                s.push_str("；“全覆盖”要求正好 100");
            }
            s
        }
        Kind::Names {
            fact, open, close, ..
        } => {
            if open.is_empty() {
                format!("事实 {} 中的名称，以顿号连接", fact.path)
            } else {
                format!("事实 {} 中的名称，各加 {open}{close}", fact.path)
            }
        }
    }
}

/// The formula in words, with this year's numbers: what a reviewer recomputes by hand.
pub(super) fn formula_with_numbers(decl: &FigureDecl, inputs: &[Input], printed: &str) -> String {
    let first = inputs.first().map(|i| i.value.shown()).unwrap_or_default();
    match &decl.kind {
        Kind::Count { .. } => format!("{first}，照印"),
        Kind::CnCount { .. } => format!("{first} 写成汉字“{printed}”"),
        Kind::Approx { suffix, .. } => {
            let Some(n) = inputs.first().and_then(|i| i.value.count()) else {
                return formula(&decl.kind);
            };
            let Some(step) = approx_step(n) else {
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
                return formula(&decl.kind);
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

/// `96.706` : a ratio × 100 with up to three decimals, trailing zeros dropped.
fn exact_percent(part: u64, whole: u64) -> String {
    trim_number(part as f64 * 100.0 / whole as f64)
}

/// 逐年提升 with the series' numbers in year order: `286 → 315 → 342，逐年上升`, and the last
/// year when it is not this one.
pub(super) fn rising(
    shown: &[String],
    rises: bool,
    ends_before_or_after: bool,
    year: i64,
) -> String {
    let mut detail = format!(
        "{}，{}",
        shown.join(" → "),
        if rises {
            "逐年上升"
        } else {
            "并非逐年上升"
        }
    );
    if ends_before_or_after {
        detail.push_str(&format!("（最后一年不是 {year}）"));
    }
    detail
}

/// 全部 with both counts: `1380 = 1380，全部`, `1380 < 1427，不是全部`.
pub(super) fn all(part: u64, whole: u64, order: Ordering) -> String {
    match order {
        Ordering::Equal => format!("{part} = {whole}，全部"),
        Ordering::Less => format!("{part} < {whole}，不是全部"),
        Ordering::Greater => format!("{part} > {whole}，不是全部"),
    }
}

/// 合计不超过 with every part: `12 + 30 = 42 ≤ 50`.
pub(super) fn sum_at_most(terms: &[String], total: u64, whole: u64, holds: bool) -> String {
    let op = if holds { "≤" } else { ">" };
    format!("{} = {total} {op} {whole}", terms.join(" + "))
}

/// 全覆盖 of a percentage: `1427 = 1427，全覆盖`, `1380 ≠ 1427，未全覆盖`.
pub(super) fn coverage_counts(part: u64, whole: u64, covered: bool) -> String {
    if covered {
        format!("{part} = {whole}，全覆盖")
    } else {
        format!("{part} ≠ {whole}，未全覆盖")
    }
}

/// 全覆盖 of a reported rate: `填报比率 96.65`.
pub(super) fn coverage_rate(text: &str) -> String {
    match text.parse::<f64>() {
        Ok(r) => format!("填报比率 {}", trim_number(r)),
        Err(_) => format!("填报比率 {text}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_percent_has_three_decimals_at_most() {
        assert_eq!(exact_percent(1380, 1427), "96.706");
    }
}
