//! Figures computed from facts, and every check the facts must pass on the way.
//!
//! Each fact is read through the kind of the figure that needs it, so a type error says what
//! was expected ("应是整数") at the value's own line and column. Every problem is collected: one
//! run shows them all.

use std::cmp::Ordering;

use crate::diagnostic::Diagnostic;
use crate::facts::{Facts, Resolved};
use crate::text::{escape_invisible, is_invisible, is_scientific};
use crate::yaml::{Node, Pos, Value, describe};

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
    /// Hidden in the circulation copy (`--mask`): printed in digits, or declared `mask: true`.
    pub masked: bool,
    /// Printed in digits (a count, a percent, …), not in words or names.
    pub in_digits: bool,
    pub status: FigureStatus,
    pub formula: String,
    /// Concrete fact paths read, each with where its value stands in the facts file.
    pub sources: Vec<(String, Pos)>,
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
}

#[derive(Debug, Clone)]
pub struct Evaluation {
    pub figures: Vec<Figure>,
    /// Each declared rule's verdict, in declaration order.
    pub rules: Vec<RuleVerdict>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Whether a rule's claim holds, as `check` judges it: the sheet shows this verdict rather than
/// judging again (its own judgement once called a series rising in file order 成立).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleVerdict {
    pub id: String,
    /// False when checking the rule found any error (the claim fails, or an input is missing,
    /// unfilled or not what the rule reads).
    pub holds: bool,
}

impl Evaluation {
    pub fn figure(&self, id: &str) -> Option<&Figure> {
        self.figures.iter().find(|f| f.id == id)
    }

    pub fn rule(&self, id: &str) -> Option<&RuleVerdict> {
        self.rules.iter().find(|r| r.id == id)
    }
}

/// Computes every declared figure and checks every rule against one year's facts.
pub fn evaluate(decls: &Declarations, facts: &Facts) -> Evaluation {
    let patterns = decls.fact_patterns();
    let unknown = facts.unknown_keys(&patterns);
    let mut ev = Evaluator {
        decls,
        facts,
        diagnostics: Vec::new(),
        figure: None,
        typos: unknown.iter().filter_map(|u| u.meant.clone()).collect(),
    };
    let figures = decls.figures.iter().map(|d| ev.figure_value(d)).collect();
    let mut rules = Vec::with_capacity(decls.rules.len());
    for rule in &decls.rules {
        ev.figure = None;
        let before = ev.diagnostics.len();
        ev.rule(rule);
        rules.push(RuleVerdict {
            id: rule.id.clone(),
            holds: !ev.diagnostics[before..].iter().any(Diagnostic::is_error),
        });
    }
    let mut diagnostics = ev.diagnostics;
    diagnostics.extend(unknown.into_iter().map(|u| u.diagnostic));
    diagnostics.extend(facts.reserved_key_problems());
    diagnostics.extend(crate::sources::check(facts, &patterns));
    diagnostics.extend(crate::confirmed::check(facts, &patterns));
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
        rules,
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
    /// Fact paths an unknown key was probably meant to be: missing because of that one typo,
    /// which is reported once, as the unknown key.
    typos: Vec<String>,
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

    /// "（数据项 deputy_secretaries“已配备专职副书记”需要）" or nothing, to say who needs a fact.
    fn needed_by(&self) -> String {
        match self.figure {
            Some(f) => format!("（数据项 {}“{}”需要）", f.id, f.label),
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
            Resolved::Missing { missing, .. } if self.typos.contains(&missing) => {
                Err(Problem::Unfilled)
            }
            Resolved::Missing {
                missing,
                parent: Some((parent, pos)),
            } => {
                let key = missing.rsplit('.').next().unwrap_or(&missing).to_owned();
                let msg = format!("缺少事实 {missing}{}", self.needed_by());
                // YAML as it is pasted: the key under its own parent, never a dotted path.
                let parent_key = parent.rsplit('.').next().unwrap_or(&parent);
                let hint = if parent_key.bytes().all(|b| b.is_ascii_digit()) {
                    format!(
                        "在第 {} 行开始的这一项里添加一行 {key}: 并在冒号后填入数值，与这一项的其他键对齐",
                        pos.line
                    )
                } else {
                    format!(
                        "在第 {} 行 {parent_key}: 下面添加一行 {key}: 并在冒号后填入数值，与同组的键对齐",
                        pos.line
                    )
                };
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

    /// A number written with a sign or leading zeros (`+1380`, `037`): read as 1380 and 37 here,
    /// but `010` is 8 to YAML 1.1 tools (and to many spreadsheets' importers), so a file that two
    /// programs read differently is refused, with the plain number as the hint.
    fn number_format(&mut self, path: &str, node: &Node) -> Read<()> {
        let Some(written) = node.written.as_deref() else {
            return Ok(());
        };
        let unsigned = written.trim_start_matches(['+', '-']);
        // A minus sign on a zero (`-0`) is a sign on a count too; on anything else it makes a
        // negative number, which its kind refuses or accepts on its own.
        let zero = unsigned.bytes().all(|b| matches!(b, b'0' | b'.'));
        let plus = written.starts_with('+') || (written.starts_with('-') && zero);
        let int_part = unsigned.split(['.', 'e', 'E']).next().unwrap_or("");
        let leading_zeros = int_part.len() > 1 && int_part.starts_with('0');
        if !plus && !leading_zeros {
            return Ok(());
        }
        let trimmed = int_part.trim_start_matches('0');
        let plain_int = if trimmed.is_empty() { "0" } else { trimmed };
        let plain = format!("{plain_int}{}", &unsigned[int_part.len()..]);
        let plain = if written.starts_with('-') && !zero {
            format!("-{plain}")
        } else {
            plain
        };
        let key = last_segment(path);
        let msg = if leading_zeros && int_part.bytes().all(|b| (b'0'..=b'7').contains(&b)) {
            let octal = u64::from_str_radix(int_part, 8).unwrap_or(0);
            format!(
                "{path} 写作 {written}：开头多了 0。这里读作 {plain}，但有的 YAML 工具按八进制读作 {octal}；请只写 {plain}"
            )
        } else if leading_zeros {
            format!("{path} 写作 {written}：开头多了 0；请只写 {plain}")
        } else {
            let sign = &written[..1];
            format!("{path} 写作 {written}：数字前不加“{sign}”号；请只写 {plain}")
        };
        self.report(
            "number-format",
            node.pos,
            path,
            msg,
            Some(format!("{key}: {plain}")),
        );
        Err(Problem::Invalid)
    }

    /// A whole number ≥ 0.
    fn count_node(&mut self, path: &str, node: &Node) -> Read<u64> {
        let key = last_segment(path);
        match &node.value {
            Value::Int(i) if *i >= 0 => {
                self.number_format(path, node)?;
                Ok(*i as u64)
            }
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
            Value::Float(f, text) if is_scientific(text) => {
                let msg = format!("{path} 是个数，应是整数，这里是科学记数法 {text}");
                // 1e3 is 1000 exactly; 1.5e-1 is no whole number and gets no guessed one.
                let hint = (f.fract() == 0.0 && *f >= 0.0 && *f < 9.0e15)
                    .then(|| format!("{key}: {}", *f as u64));
                self.report("not-integer", node.pos, path, msg, hint);
                Err(Problem::Invalid)
            }
            Value::Float(_, text) => {
                let msg = format!("{path} 是个数，应是整数，这里是小数 {text}");
                self.report("not-integer", node.pos, path, msg, None);
                Err(Problem::Invalid)
            }
            Value::Null => Err(self.null(path, node)),
            Value::Str(s) if s.chars().any(is_full_width_digit) => {
                // Typed with the Chinese input method on: １２６ is 126 to a person, text to YAML.
                let half: String = s.chars().map(half_width).collect();
                let number = half.trim();
                let hint = if !number.is_empty() && number.bytes().all(|b| b.is_ascii_digit()) {
                    format!("{key}: {}", number.trim_start_matches('0').max("0"))
                } else {
                    "这里要填一个半角数字写的整数".to_owned()
                };
                let msg = format!(
                    "{path} 是全角数字“{}”（中文输入法下打出的）：应写半角数字",
                    escape_invisible(s)
                );
                self.report("wrong-type", node.pos, path, msg, Some(hint));
                Err(Problem::Invalid)
            }
            Value::Str(s) => {
                let digits: String = s.chars().filter(|c| c.is_ascii_digit()).collect();
                // "1,380", "1380人", "1 380": the number is clear, only its dress is wrong. With
                // other letters in it ("6a8") nobody can tell which number was meant.
                let only_dressed = s
                    .chars()
                    .all(|c| c.is_ascii_digit() || ",， _'".contains(c) || !c.is_ascii());
                let (msg, hint) = if !digits.is_empty() && only_dressed {
                    (
                        format!(
                            "{path} 应是整数，这里是{}：只写数字，不加千位分隔符、单位或引号",
                            describe(node)
                        ),
                        format!("{key}: {digits}"),
                    )
                } else {
                    (
                        format!("{path} 应是整数，这里是{}", describe(node)),
                        "这里要填一个整数".to_owned(),
                    )
                };
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
        if let Ok(text) = &result {
            self.zero(decl, text, &sources);
        }
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
            masked: decl.kind.is_digits() || decl.mask,
            in_digits: decl.kind.is_digits(),
            status,
            formula,
            sources,
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
                Value::Str(s) if s.chars().any(is_invisible) => {
                    let c = s.chars().find(|c| is_invisible(*c)).expect("found above");
                    let msg = format!(
                        "{path} 的名称“{}”中有看不见的{}（U+{:04X}）：印出来会断行、错乱或丢字",
                        escape_invisible(s),
                        invisible_name(c),
                        u32::from(c)
                    );
                    self.report(
                        "control-character",
                        item.pos,
                        path,
                        msg,
                        Some(
                            "把名称写在一行里，删去这个字符（从别处复制来的名称请重新输入）".into(),
                        ),
                    );
                    return Err(Problem::Invalid);
                }
                Value::Str(s) if !s.trim().is_empty() => {
                    names.push(unwrap_marks(s.trim()).to_owned());
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

    /// Adds `n` to a running total, reporting the value that makes it overflow (once).
    fn add(&mut self, total: Option<u64>, n: u64, path: &str, pos: Pos) -> Option<u64> {
        let sum = total?.checked_add(n);
        if sum.is_none() {
            let msg = format!(
                "合计超出可处理的范围：加上 {path} 的 {n} 后超过 {}{}",
                u64::MAX,
                self.needed_by()
            );
            self.report(
                "out-of-range",
                pos,
                path,
                msg,
                Some("检查是否多粘贴了数字".into()),
            );
        }
        sum
    }

    /// A yearly series `{2019: 120, 2020: 135}`, in year order whatever the order in the file.
    fn series(&mut self, fact: &FactRef) -> Read<Series> {
        let nodes = self.nodes(fact)?;
        let (path, node) = nodes[0].clone();
        let key_pos = self.facts.key_pos(&path).unwrap_or(node.pos);
        let entries = match &node.value {
            Value::Map(entries) => entries,
            Value::Null => return Err(self.null(&path, node)),
            Value::Seq(items) => {
                // A list has no years: whether it reaches this year, or skips one, is unknowable.
                let year = self.facts.year;
                let first = year + 1 - items.len() as i64;
                let example = items
                    .iter()
                    .zip(first..)
                    .map(|(n, y)| match n.written.as_deref() {
                        Some(v) => format!("{y}: {v}"),
                        None => format!("{y}: …"),
                    })
                    .collect::<Vec<_>>()
                    .join(", ");
                let msg = format!(
                    "{path} 是逐年的数列，要写明每个数是哪一年的，这里是{}",
                    describe(node)
                );
                let hint = format!("若最后一项是 {year} 年，写成 {{{example}}}");
                self.report("wrong-type", node.pos, &path, msg, Some(hint));
                return Err(Problem::Invalid);
            }
            _ => {
                let msg = format!(
                    "{path} 应是逐年的数列（如 2020: 135），这里是{}",
                    describe(node)
                );
                self.report("wrong-type", node.pos, &path, msg, None);
                return Err(Problem::Invalid);
            }
        };
        let mut years = Vec::new();
        let mut problem = None;
        for e in entries {
            let item_path = format!("{path}.{}", e.key);
            let year = match e.key.parse::<i64>() {
                Ok(y) if e.key.len() == 4 && e.key.bytes().all(|b| b.is_ascii_digit()) => y,
                _ => {
                    let msg = format!(
                        "{path} 是逐年的数列，键应是四位数的年份，这里是“{}”",
                        escape_invisible(&e.key)
                    );
                    self.report("wrong-type", e.key_pos, &path, msg, None);
                    problem = problem.max(Some(Problem::Invalid));
                    continue;
                }
            };
            let value = match &e.value.value {
                Value::Int(i) => self
                    .number_format(&item_path, &e.value)
                    .map(|()| i.to_string()),
                Value::Float(_, t) if !is_scientific(t) => {
                    self.number_format(&item_path, &e.value).map(|()| t.clone())
                }
                Value::Null => Err(self.null(&item_path, &e.value)),
                _ => {
                    let msg = format!(
                        "{path} 中 {} 年的值应是数字，这里是{}",
                        e.key,
                        describe(&e.value)
                    );
                    self.report("wrong-type", e.value.pos, &item_path, msg, None);
                    Err(Problem::Invalid)
                }
            };
            match value {
                Ok(text) => years.push(YearValue {
                    year,
                    text,
                    key_pos: e.key_pos,
                    pos: e.value.pos,
                }),
                Err(p) => problem = problem.max(Some(p)),
            }
        }
        if let Some(p) = problem {
            return Err(p);
        }
        years.sort_by_key(|y| y.year);
        Ok(Series {
            path,
            key_pos,
            years,
        })
    }

    /// 逐年提升: the series holds every year up to this one, none missing, and rises every year.
    fn rising(&mut self, rule: &RuleDecl, fact: &FactRef) {
        let Ok(series) = self.series(fact) else {
            return;
        };
        let path = series.path.as_str();
        let years = &series.years;
        let current = self.facts.year;
        if years.len() < 2 {
            let pos = years.first().map_or(series.key_pos, |y| y.key_pos);
            let msg = format!(
                "{}需要至少两年的数才能说明，{path} 只有 {} 项",
                rule.label,
                years.len()
            );
            self.report("claim-rising", pos, path, msg, None);
            return;
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
        for pair in years.windows(2) {
            let (before, after) = (&pair[0], &pair[1]);
            if compare_decimal(&after.text, &before.text) != Some(Ordering::Greater) {
                let msg = format!(
                    "讲话说“{}”，但 {path} 中 {} 年的 {} 不高于 {} 年的 {}",
                    rule.label, after.year, after.text, before.year, before.text
                );
                let hint = "若确未逐年提升，请改写讲话稿这一句；否则核对数列".to_owned();
                self.report("claim-rising", after.pos, path, msg, Some(hint));
                return;
            }
        }
    }

    fn rule(&mut self, rule: &RuleDecl) {
        match &rule.kind {
            RuleKind::SumAtMost { parts, whole } => {
                let mut total = Some(0u64);
                let mut names = Vec::new();
                let mut ok = true;
                for part in parts {
                    match self.counts(part) {
                        Ok(items) => {
                            for (n, path, pos) in items {
                                total = self.add(total, n, &path, pos);
                                names.push(format!("{path} {n}"));
                            }
                        }
                        Err(_) => ok = false,
                    }
                }
                let Ok((w, w_path, w_pos)) = self.count(whole) else {
                    return;
                };
                let Some(total) = total else {
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
            RuleKind::Rising { fact } => self.rising(rule, fact),
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

/// A yearly series read from the facts, in year order.
struct Series {
    path: String,
    /// Where the series' own key stands (`party_funds:`).
    key_pos: Pos,
    years: Vec<YearValue>,
}

struct YearValue {
    year: i64,
    /// The number as written (a plain decimal), compared exactly.
    text: String,
    key_pos: Pos,
    pos: Pos,
}

/// Two plain decimals (`-12`, `286.5`) compared exactly, however many digits: a float would make
/// 9007199254740993 equal to 9007199254740992.
pub(crate) fn compare_decimal(a: &str, b: &str) -> Option<Ordering> {
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

/// The last key of a fact path: what is written in the file (`members` of `political.members`).
fn last_segment(path: &str) -> &str {
    path.rsplit('.').next().unwrap_or(path)
}

fn is_full_width_digit(c: char) -> bool {
    ('０'..='９').contains(&c)
}

/// Full-width digits and the full-width point and comma as typed by a Chinese input method.
fn half_width(c: char) -> char {
    match c {
        '０'..='９' => char::from(b'0' + (u32::from(c) - u32::from('０')) as u8),
        '．' => '.',
        '，' => ',',
        '\u{3000}' => ' ',
        c => c,
    }
}

fn invisible_name(c: char) -> &'static str {
    match c {
        '\n' | '\r' | '\u{2028}' | '\u{2029}' | '\u{85}' => "换行符",
        '\t' => "制表符",
        '\0' => "空字符",
        '\u{200E}'
        | '\u{200F}'
        | '\u{061C}'
        | '\u{202A}'..='\u{202E}'
        | '\u{2066}'..='\u{2069}' => "文字方向控制符",
        '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}' => "零宽字符",
        _ => "控制字符",
    }
}

/// A name written with the marks the template adds anyway (`《工作方案》` for a 《》 figure) loses
/// that one enclosing pair; any other mark is part of the name (`学习《条例（试行）》` keeps its 》,
/// `《战疫》与《同心》` is not one title).
fn unwrap_marks(name: &str) -> &str {
    for (open, close) in [('《', '》'), ('“', '”')] {
        let Some(inner) = name
            .strip_prefix(open)
            .and_then(|rest| rest.strip_suffix(close))
        else {
            continue;
        };
        // The opening mark must close at the very end: depth never returns to 0 inside.
        let mut depth = 1usize;
        let mut encloses = true;
        for c in inner.chars() {
            if c == open {
                depth += 1;
            } else if c == close {
                depth -= 1;
                if depth == 0 {
                    encloses = false;
                    break;
                }
            }
        }
        if encloses && depth == 1 {
            return inner;
        }
    }
    name
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
