//! Each figure's value from its facts, by kind: the printed text, or what keeps it from having
//! one, and the 全覆盖 a percentage or rate claims.

use crate::text::is_scientific;
use crate::yaml::describe;
use crate::yaml::{Pos, Value};

use super::declaration::{FigureDecl, Kind};
use super::evaluate::Evaluator;
use super::format;
use super::inputs::{exact, figure_inputs};
use super::read::{Problem, Read};
use super::rules::{Covered, coverage_claim};
use super::trace::{Figure, FigureStatus};
use super::wording::{formula, formula_with_numbers};

impl<'a> Evaluator<'a> {
    pub(super) fn figure_value(&mut self, decl: &'a FigureDecl) -> Figure {
        self.figure = Some(decl);
        let mut sources = Vec::new();
        let mut covered = None;
        let formula = formula(&decl.kind);
        let result = self.compute(&decl.kind, &mut sources, &mut covered);
        if let Ok(text) = &result {
            self.zero(decl, text, &sources);
        }
        let (text, status) = match result {
            Ok(text) => (Some(text), FigureStatus::Ok),
            Err(Problem::Unfilled) => (None, FigureStatus::Unfilled),
            Err(Problem::Invalid) => (None, FigureStatus::Invalid),
        };
        let inputs = figure_inputs(self.facts, decl);
        let worked = match &text {
            Some(t) => formula_with_numbers(decl, &inputs, t),
            None => formula.clone(),
        };
        let coverage = decl
            .kind
            .full_coverage()
            .then(|| coverage_claim(decl, &inputs, covered, status));
        Figure {
            id: decl.id.clone(),
            label: decl.label.clone(),
            unit: decl.unit.clone(),
            kind: decl.kind.name(),
            text,
            masked: decl.kind.is_digits() || decl.mask,
            in_digits: decl.kind.is_digits(),
            status,
            formula,
            sources,
            exact: exact(decl, &inputs),
            inputs,
            worked,
            coverage,
        }
    }

    /// A count printed as 0 or 零 says an activity happened zero times (专项监督检查零次): a warning,
    /// unless the declaration says `zero: ok`.
    fn zero(&mut self, decl: &FigureDecl, text: &str, sources: &[(String, Pos)]) {
        let counted = matches!(
            decl.kind,
            Kind::Count { .. } | Kind::CnCount { .. } | Kind::Approx { .. }
        );
        if !counted || decl.zero_ok || (text != "0" && text != "零") {
            return;
        }
        let Some((path, pos)) = sources.first() else {
            return;
        };
        let msg = format!(
            "{path} 为 0：讲话稿将印出“{}{text}{}”，等于说这件事没有做过",
            decl.label, decl.unit
        );
        let hint = format!(
            "若确实为 0，请改写讲话稿这一句；若有意印出 0，在 templates/figures.yaml 的 {}: 下面加一行 zero: ok",
            decl.id
        );
        let mut warning = self
            .facts
            .doc
            .warning("zero-count", *pos, msg)
            .with_fact(path)
            .with_hint(hint);
        warning.figure = Some(decl.id.clone());
        self.diagnostics.push(warning);
    }

    /// The printed text. `covered` gets the values a 全覆盖 claim compares once they are read.
    fn compute(
        &mut self,
        kind: &Kind,
        sources: &mut Vec<(String, Pos)>,
        covered: &mut Option<Covered>,
    ) -> Read<String> {
        match kind {
            Kind::Count { fact } => {
                let (n, path, pos) = self.count(fact)?;
                sources.push((path, pos));
                Ok(n.to_string())
            }
            Kind::CnCount { fact } => {
                let (n, path, pos) = self.count(fact)?;
                sources.push((path.clone(), pos));
                format::chinese_count(n).ok_or_else(|| {
                    let msg = format!("{path} 为 {n}，太大，不能写成汉字");
                    self.report("out-of-range", pos, &path, msg, None);
                    Problem::Invalid
                })
            }
            Kind::Approx { fact, suffix } => {
                let (n, path, pos) = self.count(fact)?;
                sources.push((path, pos));
                Ok(format::approx(n, suffix))
            }
            Kind::Sum { facts } => {
                let mut total: Option<u64> = Some(0);
                let mut problem = None;
                for fact in facts {
                    match self.counts(fact) {
                        Ok(items) => {
                            for (n, path, pos) in items {
                                total = self.add(total, n, &path, pos);
                                sources.push((path, pos));
                            }
                        }
                        Err(p) => problem = problem.max(Some(p)),
                    }
                }
                match (problem, total) {
                    (Some(p), _) => Err(p),
                    (None, None) => Err(Problem::Invalid),
                    (None, Some(total)) => Ok(total.to_string()),
                }
            }
            Kind::Percent {
                part,
                whole,
                full_coverage,
            } => {
                let p = self.count(part);
                let w = self.count(whole);
                let ((p, p_path, p_pos), (w, w_path, w_pos)) = (p?, w?);
                sources.push((p_path.clone(), p_pos));
                sources.push((w_path.clone(), w_pos));
                *covered = Some(Covered::Counts { part: p, whole: w });
                if w == 0 {
                    let msg = format!("{w_path} 是计算百分比的总数，不能为 0{}", self.needed_by());
                    self.report("zero-whole", w_pos, &w_path, msg, None);
                    return Err(Problem::Invalid);
                }
                if p > w {
                    let msg = format!(
                        "部分大于整体：{p_path} 为 {p}，超过了 {w_path} 的 {w}{}",
                        self.needed_by()
                    );
                    let hint = format!("{p_path} 是 {w_path} 中的一部分，不能比它大；请核对两个数");
                    self.report("part-exceeds-whole", p_pos, &p_path, msg, Some(hint));
                    return Err(Problem::Invalid);
                }
                if *full_coverage && p < w {
                    let msg = format!(
                        "讲话说“全覆盖”，但 {p_path} 为 {p}，少于 {w_path} 的 {w}（{}%）",
                        format::percent_of(p, w)
                    );
                    let hint = "若确未全覆盖，请改写讲话稿这一句；否则核对两个数".to_owned();
                    self.report("claim-full-coverage", p_pos, &p_path, msg, Some(hint));
                    return Err(Problem::Invalid);
                }
                Ok(format::percent_of(p, w))
            }
            Kind::Rate {
                fact,
                full_coverage,
            } => {
                let nodes = self.nodes(fact)?;
                let (path, node) = nodes[0].clone();
                sources.push((path.clone(), node.pos));
                let text = match &node.value {
                    Value::Int(i) => {
                        self.number_format(&path, node)?;
                        i.to_string()
                    }
                    Value::Float(_, t) if !is_scientific(t) => {
                        self.number_format(&path, node)?;
                        t.clone()
                    }
                    Value::Null => return Err(self.null(&path, node)),
                    _ => {
                        let msg = format!(
                            "{path} 是比率，应是 0 到 100 之间的数，这里是{}",
                            describe(node)
                        );
                        self.report(
                            "wrong-type",
                            node.pos,
                            &path,
                            msg,
                            Some("不要带 % 号".into()),
                        );
                        return Err(Problem::Invalid);
                    }
                };
                *covered = Some(Covered::Rate(text.clone()));
                let Some(printed) = format::reported_rate(&text) else {
                    let msg = format!("{path} 是比率，应在 0 到 100 之间，这里是 {text}");
                    self.report("rate-out-of-range", node.pos, &path, msg, None);
                    return Err(Problem::Invalid);
                };
                // A rate below 100 never prints as 100 (format::reported_rate), so this is exact.
                if *full_coverage && printed != "100" {
                    let msg = format!("讲话说“全覆盖”，但 {path} 为 {text}，不是 100");
                    self.report("claim-full-coverage", node.pos, &path, msg, None);
                    return Err(Problem::Invalid);
                }
                Ok(printed)
            }
            Kind::Names {
                fact,
                open,
                close,
                separator,
            } => {
                let mut names = Vec::new();
                for (path, node) in self.nodes(fact)? {
                    sources.push((path.clone(), node.pos));
                    names.extend(self.names(&path, node)?);
                }
                let quoted: Vec<String> =
                    names.iter().map(|n| format!("{open}{n}{close}")).collect();
                Ok(quoted.join(separator))
            }
        }
    }
}
