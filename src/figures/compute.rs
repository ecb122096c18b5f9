//! Figures computed from facts, and every check the facts must pass on the way.
//!
//! Each fact is read through the kind of the figure that needs it, so a type error says what
//! was expected ("应是整数") at the value's own line and column. Every problem is collected: one
//! run shows them all.

use crate::diagnostic::Diagnostic;
use crate::facts::{Facts, Resolved, describe};
use crate::yaml::{Node, Pos, Value};

use super::declaration::{Declarations, FactRef, FigureDecl, Kind, RuleDecl, RuleKind};
use super::format;

pub use crate::pipeline::FigureStatus;

/// A figure with its value, or with what keeps it from having one.
#[derive(Debug, Clone)]
pub struct Figure {
    pub id: String,
    pub label: String,
    pub unit: String,
    pub kind: &'static str,
    /// The printed text (`96.7`, `1200多`, `两`, `“小讲堂”“微课堂”`), None when unfilled or invalid.
    pub text: Option<String>,
    /// Printed in digits, so `--mask` replaces the number with `*`.
    pub digits: bool,
    pub status: FigureStatus,
    pub formula: String,
    /// Concrete fact paths read, each with where its value stands in the facts file.
    pub sources: Vec<(String, Pos)>,
}

impl Figure {
    /// The text with the number starred, as the redacted copy prints it (1200多 → *多).
    pub fn masked_text(&self) -> Option<String> {
        let text = self.text.as_ref()?;
        if !self.digits {
            return Some(text.clone());
        }
        let suffix: String = text
            .chars()
            .skip_while(|c| c.is_ascii_digit() || *c == '.')
            .collect();
        Some(format!("*{suffix}"))
    }
}

#[derive(Debug, Clone)]
pub struct Evaluation {
    pub figures: Vec<Figure>,
    pub diagnostics: Vec<Diagnostic>,
}

impl Evaluation {
    pub fn figure(&self, id: &str) -> Option<&Figure> {
        self.figures.iter().find(|f| f.id == id)
    }
}

/// Computes every declared figure and checks every rule against one year's facts.
pub fn evaluate(decls: &Declarations, facts: &Facts) -> Evaluation {
    let mut ev = Evaluator {
        decls,
        facts,
        diagnostics: Vec::new(),
        figure: None,
    };
    let figures = decls.figures.iter().map(|d| ev.figure_value(d)).collect();
    for rule in &decls.rules {
        ev.figure = None;
        ev.rule(rule);
    }
    let mut diagnostics = ev.diagnostics;
    diagnostics.extend(facts.unknown_keys(&decls.fact_patterns()));
    if facts.sample {
        let pos = facts
            .doc
            .root
            .get("sample")
            .map(|e| e.key_pos)
            .unwrap_or(facts.doc.root.pos);
        diagnostics.push(
            facts
                .doc
                .warning(
                    "sample-data",
                    pos,
                    "这是样例数据（sample: true）：数字是虚构的，不能用于正式讲话",
                )
                .with_hint("填入真实数据并核对后，删除 sample: true 这一行"),
        );
    }
    dedup(&mut diagnostics);
    Evaluation {
        figures,
        diagnostics,
    }
}

/// A fact read by several figures is reported once, for the first figure that reads it.
fn dedup(diagnostics: &mut Vec<Diagnostic>) {
    let mut kept: Vec<Diagnostic> = Vec::with_capacity(diagnostics.len());
    for d in diagnostics.drain(..) {
        if !kept
            .iter()
            .any(|k| k.code == d.code && k.location == d.location)
        {
            kept.push(d);
        }
    }
    *diagnostics = kept;
}

/// Why a fact could not be read: it decides the figure's status.
/// Ordered so that the worse of two problems (invalid beats unfilled) decides the status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Problem {
    Unfilled,
    Invalid,
}

type Read<T> = Result<T, Problem>;

struct Evaluator<'a> {
    decls: &'a Declarations,
    facts: &'a Facts,
    diagnostics: Vec<Diagnostic>,
    /// The figure being computed, named in every diagnostic it causes.
    figure: Option<&'a FigureDecl>,
}

impl<'a> Evaluator<'a> {
    fn report(
        &mut self,
        code: &'static str,
        pos: Pos,
        fact: &str,
        message: String,
        hint: Option<String>,
    ) {
        let mut d = self.facts.doc.error(code, pos, message);
        d.fact = Some(fact.to_owned());
        d.figure = self.figure.map(|f| f.id.clone());
        d.hint = hint;
        self.diagnostics.push(d);
    }

    /// "图 deputy_secretaries（已配备专职副书记）" or nothing, to say who needs a fact.
    fn needed_by(&self) -> String {
        match self.figure {
            Some(f) => format!("（图 {}“{}”需要）", f.id, f.label),
            None => String::new(),
        }
    }

    /// The nodes at a fact path; reports a missing or misplaced fact.
    fn nodes(&mut self, fact: &FactRef) -> Read<Vec<(String, &'a Node)>> {
        match self.facts.resolve(&fact.path) {
            Resolved::Found(nodes) if nodes.is_empty() => {
                let prefix = fact.path.split(".*").next().unwrap_or(&fact.path);
                let pos = self
                    .facts
                    .key_pos(prefix)
                    .unwrap_or(self.facts.doc.root.pos);
                let msg = format!("{} 是空的，至少要有一项{}", prefix, self.needed_by());
                self.report("unfilled", pos, &fact.path, msg, None);
                Err(Problem::Unfilled)
            }
            Resolved::Found(nodes) => Ok(nodes),
            Resolved::Missing {
                missing,
                parent: Some((parent, pos)),
            } => {
                let key = missing.rsplit('.').next().unwrap_or(&missing).to_owned();
                let msg = format!("缺少事实 {missing}{}", self.needed_by());
                let hint = format!("在 {parent}: 下面添加一行 {key}: <数值>");
                self.report("unfilled", pos, &missing, msg, Some(hint));
                Err(Problem::Unfilled)
            }
            Resolved::Missing {
                missing,
                parent: None,
            } => {
                // Not even the group exists in the facts: point at the declaration that reads it.
                let mut d = self.decls.doc.error(
                    "missing-fact",
                    fact.pos,
                    format!(
                        "声明读取事实 {}，但 {} 中没有 {missing}{}",
                        fact.path,
                        self.facts.doc.path.display(),
                        self.needed_by()
                    ),
                );
                d.fact = Some(fact.path.clone());
                d.figure = self.figure.map(|f| f.id.clone());
                d.hint = Some(format!("在事实文件中添加 {missing}:，或改正这里的路径"));
                self.diagnostics.push(d);
                Err(Problem::Unfilled)
            }
            Resolved::NotAGroup { path, node } => {
                let msg = format!(
                    "{path} 应是一个分组（下面还有 {}），这里是{}",
                    fact.path,
                    describe(node)
                );
                self.report("wrong-type", node.pos, &fact.path, msg, None);
                Err(Problem::Invalid)
            }
        }
    }

    fn null(&mut self, path: &str, node: &Node) -> Problem {
        let msg = format!("{path} 还没有填写{}", self.needed_by());
        self.report(
            "unfilled",
            node.pos,
            path,
            msg,
            Some("填入数值；不知道的数请向统计口径负责人核实".into()),
        );
        Problem::Unfilled
    }

    /// A whole number ≥ 0.
    fn count_node(&mut self, path: &str, node: &Node) -> Read<u64> {
        match &node.value {
            Value::Int(i) if *i >= 0 => Ok(*i as u64),
            Value::Int(i) => {
                let msg = format!("{path} 是个数，不能为负数（这里是 {i}）");
                self.report("negative", node.pos, path, msg, None);
                Err(Problem::Invalid)
            }
            // Digits alone that do not fit in 64 bits: a typo (a doubled paste), not a fraction.
            Value::Float(_, text)
                if text
                    .trim_start_matches(['-', '+'])
                    .bytes()
                    .all(|b| b.is_ascii_digit()) =>
            {
                let msg = format!("{path} 为 {text}，数值太大，超出可处理的范围");
                self.report(
                    "out-of-range",
                    node.pos,
                    path,
                    msg,
                    Some("检查是否多粘贴了数字".into()),
                );
                Err(Problem::Invalid)
            }
            Value::Float(_, text) => {
                let msg = format!("{path} 是个数，应是整数，这里是小数 {text}");
                self.report("not-integer", node.pos, path, msg, None);
                Err(Problem::Invalid)
            }
            Value::Null => Err(self.null(path, node)),
            Value::Str(s) => {
                let digits: String = s.chars().filter(|c| c.is_ascii_digit()).collect();
                // "1,380", "1380人", "1 380": the number is clear, only its dress is wrong. With
                // other letters in it ("6a8") nobody can tell which number was meant.
                let only_dressed = s
                    .chars()
                    .all(|c| c.is_ascii_digit() || ",， _'".contains(c) || !c.is_ascii());
                let hint = if !digits.is_empty() && only_dressed {
                    format!("只写数字，不加千位分隔符、单位或引号：{path}: {digits}")
                } else {
                    "这里要填一个整数".to_owned()
                };
                let msg = format!("{path} 应是整数，这里是{}", describe(node));
                self.report("wrong-type", node.pos, path, msg, Some(hint));
                Err(Problem::Invalid)
            }
            _ => {
                let msg = format!("{path} 应是整数，这里是{}", describe(node));
                self.report("wrong-type", node.pos, path, msg, None);
                Err(Problem::Invalid)
            }
        }
    }

    fn count(&mut self, fact: &FactRef) -> Read<(u64, String, Pos)> {
        let nodes = self.nodes(fact)?;
        let (path, node) = nodes[0].clone();
        let n = self.count_node(&path, node)?;
        Ok((n, path, node.pos))
    }

    /// Every count a (possibly `*`) path reaches; all are checked before giving up.
    fn counts(&mut self, fact: &FactRef) -> Read<Vec<(u64, String, Pos)>> {
        let nodes = self.nodes(fact)?;
        let mut out = Vec::new();
        let mut problem = None;
        for (path, node) in nodes {
            match self.count_node(&path, node) {
                Ok(n) => out.push((n, path, node.pos)),
                Err(p) => problem = problem.max(Some(p)),
            }
        }
        match problem {
            Some(p) => Err(p),
            None => Ok(out),
        }
    }

    fn figure_value(&mut self, decl: &'a FigureDecl) -> Figure {
        self.figure = Some(decl);
        let mut sources = Vec::new();
        let formula = formula(&decl.kind);
        let result = self.compute(&decl.kind, &mut sources);
        let (text, status) = match result {
            Ok(text) => (Some(text), FigureStatus::Ok),
            Err(Problem::Unfilled) => (None, FigureStatus::Unfilled),
            Err(Problem::Invalid) => (None, FigureStatus::Invalid),
        };
        Figure {
            id: decl.id.clone(),
            label: decl.label.clone(),
            unit: decl.unit.clone(),
            kind: decl.kind.name(),
            text,
            digits: decl.kind.is_digits(),
            status,
            formula,
            sources,
        }
    }

    fn compute(&mut self, kind: &Kind, sources: &mut Vec<(String, Pos)>) -> Read<String> {
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
                let mut total: u64 = 0;
                let mut problem = None;
                for fact in facts {
                    match self.counts(fact) {
                        Ok(items) => {
                            for (n, path, pos) in items {
                                total = total.saturating_add(n);
                                sources.push((path, pos));
                            }
                        }
                        Err(p) => problem = problem.max(Some(p)),
                    }
                }
                match problem {
                    Some(p) => Err(p),
                    None => Ok(total.to_string()),
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
                    Value::Int(i) => i.to_string(),
                    Value::Float(_, t) => t.clone(),
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
                let Some(printed) = format::reported_rate(&text) else {
                    let msg = format!("{path} 是比率，应在 0 到 100 之间，这里是 {text}");
                    self.report("rate-out-of-range", node.pos, &path, msg, None);
                    return Err(Problem::Invalid);
                };
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

    /// One name or a list of names, none empty.
    fn names(&mut self, path: &str, node: &Node) -> Read<Vec<String>> {
        let items: Vec<&Node> = match &node.value {
            Value::Null => return Err(self.null(path, node)),
            Value::Str(_) => vec![node],
            Value::Seq(items) if items.is_empty() => return Err(self.null(path, node)),
            Value::Seq(items) => items.iter().collect(),
            _ => {
                let msg = format!(
                    "{path} 应是名称（文字）或名称的列表，这里是{}",
                    describe(node)
                );
                self.report("wrong-type", node.pos, path, msg, None);
                return Err(Problem::Invalid);
            }
        };
        let mut names = Vec::new();
        for item in items {
            match &item.value {
                Value::Str(s) if !s.trim().is_empty() => {
                    let bare = s.trim().trim_matches(['“', '”', '《', '》']);
                    names.push(bare.to_owned());
                }
                Value::Null => return Err(self.null(path, item)),
                Value::Str(_) => return Err(self.null(path, item)),
                _ => {
                    let msg = format!("{path} 中每一项应是名称（文字），这里是{}", describe(item));
                    self.report(
                        "wrong-type",
                        item.pos,
                        path,
                        msg,
                        Some("数字形式的名称请加引号".into()),
                    );
                    return Err(Problem::Invalid);
                }
            }
        }
        Ok(names)
    }

    /// A yearly series: `{2019: 120, 2020: 135}` or `[120, 135]`, in order.
    fn series(&mut self, fact: &FactRef) -> Read<Vec<(String, f64, String, Pos)>> {
        let nodes = self.nodes(fact)?;
        let (path, node) = nodes[0].clone();
        let items: Vec<(String, &Node)> = match &node.value {
            Value::Map(entries) => entries.iter().map(|e| (e.key.clone(), &e.value)).collect(),
            Value::Seq(items) => items
                .iter()
                .enumerate()
                .map(|(i, n)| (format!("第 {} 项", i + 1), n))
                .collect(),
            Value::Null => return Err(self.null(&path, node)),
            _ => {
                let msg = format!(
                    "{path} 应是逐年的数列（如 2020: 135），这里是{}",
                    describe(node)
                );
                self.report("wrong-type", node.pos, &path, msg, None);
                return Err(Problem::Invalid);
            }
        };
        let mut out = Vec::new();
        for (label, item) in items {
            let (value, text) = match &item.value {
                Value::Int(i) => (*i as f64, i.to_string()),
                Value::Float(f, t) => (*f, t.clone()),
                Value::Null => return Err(self.null(&format!("{path}.{label}"), item)),
                _ => {
                    let msg = format!("{path} 中 {label} 的值应是数字，这里是{}", describe(item));
                    self.report("wrong-type", item.pos, &path, msg, None);
                    return Err(Problem::Invalid);
                }
            };
            out.push((label, value, text, item.pos));
        }
        Ok(out)
    }

    fn rule(&mut self, rule: &RuleDecl) {
        match &rule.kind {
            RuleKind::SumAtMost { parts, whole } => {
                let mut total = 0u64;
                let mut names = Vec::new();
                let mut ok = true;
                for part in parts {
                    match self.counts(part) {
                        Ok(items) => {
                            for (n, path, _) in items {
                                total = total.saturating_add(n);
                                names.push(format!("{path} {n}"));
                            }
                        }
                        Err(_) => ok = false,
                    }
                }
                let Ok((w, w_path, w_pos)) = self.count(whole) else {
                    return;
                };
                if ok && total > w {
                    let msg = format!(
                        "{} 合计 {total}，超过了 {w_path} 的 {w}（规则：{}）",
                        names.join("、"),
                        rule.label
                    );
                    let hint = "各部分之和不能超过总数；请核对这些数".to_owned();
                    self.report("sum-exceeds-whole", w_pos, &w_path, msg, Some(hint));
                }
            }
            RuleKind::Rising { fact } => {
                let Ok(series) = self.series(fact) else {
                    return;
                };
                if series.len() < 2 {
                    let pos = series.first().map(|s| s.3).unwrap_or(fact.pos);
                    let msg = format!(
                        "{}需要至少两年的数才能说明，{} 只有 {} 项",
                        rule.label,
                        fact.path,
                        series.len()
                    );
                    self.report("claim-rising", pos, &fact.path, msg, None);
                    return;
                }
                for pair in series.windows(2) {
                    let (before, after) = (&pair[0], &pair[1]);
                    if after.1 <= before.1 {
                        let msg = format!(
                            "讲话说“{}”，但 {} 中 {} 的 {} 不高于 {} 的 {}",
                            rule.label, fact.path, after.0, after.2, before.0, before.2
                        );
                        let hint = "若确未逐年提升，请改写讲话稿这一句；否则核对数列".to_owned();
                        self.report("claim-rising", after.3, &fact.path, msg, Some(hint));
                        return;
                    }
                }
                let year = self.facts.year.to_string();
                let keyed_by_year = series
                    .iter()
                    .all(|s| s.0.len() == 4 && s.0.bytes().all(|b| b.is_ascii_digit()));
                if keyed_by_year && series.last().is_some_and(|s| s.0 != year) {
                    let pos = series.last().map(|s| s.3).unwrap_or(fact.pos);
                    let msg = format!(
                        "{} 的最后一年不是本年度 {year}：数列可能没有更新",
                        fact.path
                    );
                    let warning = self
                        .facts
                        .doc
                        .warning("stale-series", pos, msg)
                        .with_fact(&fact.path);
                    self.diagnostics.push(warning);
                }
            }
            RuleKind::All { part, whole } => {
                let p = self.count(part);
                let w = self.count(whole);
                let (Ok((p, p_path, p_pos)), Ok((w, w_path, _))) = (p, w) else {
                    return;
                };
                if p > w {
                    let msg = format!("部分大于整体：{p_path} 为 {p}，超过了 {w_path} 的 {w}");
                    self.report("part-exceeds-whole", p_pos, &p_path, msg, None);
                } else if p < w {
                    let msg = format!(
                        "讲话说“{}”，但 {p_path} 为 {p}，少于 {w_path} 的 {w}",
                        rule.label
                    );
                    let hint = "若确未全部做到，请改写讲话稿这一句；否则核对两个数".to_owned();
                    self.report("claim-all", p_pos, &p_path, msg, Some(hint));
                }
            }
        }
    }
}

/// How a figure is computed, in words for reviewers.
pub fn formula(kind: &Kind) -> String {
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
