//! Figure declarations: `templates/figures.yaml`, what each `{{ fig.<id> }}` of the template is.
//!
//! The Rust code knows the kinds of figure, never a particular figure: a new figure next year is a
//! new entry here, a fact, and a sentence in the template.

use std::path::Path;

use crate::diagnostic::Diagnostic;
use crate::text::did_you_mean;
use crate::yaml::{self, Node, Pos, Value};

/// A fact path as written in a declaration, with where it is written.
#[derive(Debug, Clone)]
pub struct FactRef {
    pub path: String,
    pub pos: Pos,
}

#[derive(Debug, Clone)]
pub enum Kind {
    /// A whole number ≥ 0 printed in digits.
    Count { fact: FactRef },
    /// A whole number printed in Chinese words (两次).
    CnCount { fact: FactRef },
    /// "More than": the exact count rounded down, with 多 or 余.
    Approx { fact: FactRef, suffix: String },
    /// The sum of counts (a `*` path sums every item).
    Sum { facts: Vec<FactRef> },
    /// part ÷ whole × 100; `claim: 全覆盖` demands 100.
    Percent {
        part: FactRef,
        whole: FactRef,
        full_coverage: bool,
    },
    /// A rate reported as 0–100, only where no counts exist.
    Rate { fact: FactRef, full_coverage: bool },
    /// Names of campaigns, documents, platforms: one or a list, quoted and joined.
    Names {
        fact: FactRef,
        open: String,
        close: String,
        separator: String,
    },
}

#[derive(Debug, Clone)]
pub struct FigureDecl {
    pub id: String,
    pub label: String,
    pub unit: String,
    pub kind: Kind,
    /// How far from last year's value this year's may be before the verification sheet flags
    /// it: percent for counts, percentage points for percentages (`plausible_change: 50`).
    /// None: the sheet's defaults (30% and 10 points).
    pub plausible_change: Option<f64>,
    /// `zero: ok`: a count printed as 0 or 零 is meant, not a slip (otherwise a warning: a
    /// speech saying 专项监督检查零次 claims an activity that did not happen).
    pub zero_ok: bool,
    /// `mask: true`: hidden in the circulation copy (`--mask`) even though it is not printed in
    /// digits (a cn_count 两次, a name). Figures in digits are always hidden.
    pub mask: bool,
    /// Where the figure's id stands in the declarations file.
    pub pos: Pos,
}

/// A rule across facts, declared in data beside the figures.
#[derive(Debug, Clone)]
pub enum RuleKind {
    /// The parts together are no more than the whole (star ratings ≤ all rated organisations).
    SumAtMost { parts: Vec<FactRef>, whole: FactRef },
    /// A yearly series rises every year (逐年提升).
    Rising { fact: FactRef },
    /// The part equals the whole (全部).
    All { part: FactRef, whole: FactRef },
}

#[derive(Debug, Clone)]
pub struct RuleDecl {
    pub id: String,
    /// The claim in the speech that this rule guards, in Chinese.
    pub label: String,
    pub kind: RuleKind,
    pub pos: Pos,
}

#[derive(Debug, Clone)]
pub struct Declarations {
    pub doc: yaml::Document,
    pub figures: Vec<FigureDecl>,
    pub rules: Vec<RuleDecl>,
}

const KINDS: &[&str] = &["count", "cn_count", "approx", "sum", "percent", "names"];
const RULE_KINDS: &[&str] = &["sum_at_most", "rising", "all"];

impl Kind {
    pub fn name(&self) -> &'static str {
        match self {
            Kind::Count { .. } => "count",
            Kind::CnCount { .. } => "cn_count",
            Kind::Approx { .. } => "approx",
            Kind::Sum { .. } => "sum",
            Kind::Percent { .. } | Kind::Rate { .. } => "percent",
            Kind::Names { .. } => "names",
        }
    }

    /// Every fact path this figure reads.
    pub fn facts(&self) -> Vec<&FactRef> {
        match self {
            Kind::Count { fact }
            | Kind::CnCount { fact }
            | Kind::Approx { fact, .. }
            | Kind::Rate { fact, .. }
            | Kind::Names { fact, .. } => vec![fact],
            Kind::Sum { facts } => facts.iter().collect(),
            Kind::Percent { part, whole, .. } => vec![part, whole],
        }
    }

    /// The speech says 全覆盖 of this percentage or rate: it must be exactly 100.
    pub fn full_coverage(&self) -> bool {
        matches!(
            self,
            Kind::Percent {
                full_coverage: true,
                ..
            } | Kind::Rate {
                full_coverage: true,
                ..
            }
        )
    }

    /// Printed in digits, hence starred by `--mask`.
    pub fn is_digits(&self) -> bool {
        !matches!(self, Kind::CnCount { .. } | Kind::Names { .. })
    }
}

impl RuleKind {
    pub fn facts(&self) -> Vec<&FactRef> {
        match self {
            RuleKind::SumAtMost { parts, whole } => parts.iter().chain([whole]).collect(),
            RuleKind::Rising { fact } => vec![fact],
            RuleKind::All { part, whole } => vec![part, whole],
        }
    }
}

impl Declarations {
    pub fn load(path: &Path) -> Result<Declarations, Vec<Diagnostic>> {
        let doc = yaml::load(path).map_err(|d| vec![d])?;
        Declarations::from_document(doc)
    }

    pub fn from_document(doc: yaml::Document) -> Result<Declarations, Vec<Diagnostic>> {
        let mut reader = Reader {
            doc: &doc,
            errors: Vec::new(),
        };
        let (figures, rules) = reader.read_all();
        let errors = reader.errors;
        if errors.is_empty() {
            Ok(Declarations {
                doc,
                figures,
                rules,
            })
        } else {
            Err(errors)
        }
    }

    pub fn figure(&self, id: &str) -> Option<&FigureDecl> {
        self.figures.iter().find(|f| f.id == id)
    }

    /// Every fact path any figure or rule reads (patterns, `*` included).
    pub fn fact_patterns(&self) -> Vec<&str> {
        let figure_facts = self.figures.iter().flat_map(|f| f.kind.facts());
        let rule_facts = self.rules.iter().flat_map(|r| r.kind.facts());
        figure_facts
            .chain(rule_facts)
            .map(|f| f.path.as_str())
            .collect()
    }
}

struct Reader<'a> {
    doc: &'a yaml::Document,
    errors: Vec<Diagnostic>,
}

impl Reader<'_> {
    fn error(&mut self, code: &'static str, pos: Pos, message: String, hint: Option<String>) {
        let mut d = self.doc.error(code, pos, message);
        d.hint = hint;
        self.errors.push(d);
    }

    fn read_all(&mut self) -> (Vec<FigureDecl>, Vec<RuleDecl>) {
        let root = &self.doc.root;
        for entry in root.entries() {
            if !["figures", "rules"].contains(&entry.key.as_str()) {
                self.error(
                    "unknown-key",
                    entry.key_pos,
                    format!("声明文件中未知的键“{}”", entry.key),
                    Some("最外层只能有 figures:（数据项）和 rules:（规则）".into()),
                );
            }
        }
        let mut figures = Vec::new();
        match root.get("figures") {
            None => self.error(
                "unfilled",
                root.pos,
                "声明文件缺少 figures:（数据项的声明）".into(),
                None,
            ),
            Some(e) => {
                for fe in e.value.entries() {
                    if let Some(f) = self.figure(&fe.key, fe.key_pos, &fe.value) {
                        figures.push(f);
                    }
                }
            }
        }
        let mut rules = Vec::new();
        if let Some(e) = root.get("rules") {
            for re in e.value.entries() {
                if let Some(r) = self.rule(&re.key, re.key_pos, &re.value) {
                    rules.push(r);
                }
            }
        }
        (figures, rules)
    }

    fn check_keys(&mut self, node: &Node, allowed: &[&str], what: &str) {
        for e in node.entries() {
            if !allowed.contains(&e.key.as_str()) {
                let hint = match did_you_mean(&e.key, allowed) {
                    Some(s) => format!("是不是想写“{s}”？"),
                    None => format!("{what} 可以有：{}", allowed.join("、")),
                };
                self.error(
                    "unknown-key",
                    e.key_pos,
                    format!("{what} 中未知的键“{}”", e.key),
                    Some(hint),
                );
            }
        }
    }

    fn text(&mut self, node: &Node, key: &str, owner: &str, required: bool) -> Option<String> {
        match node.get(key) {
            None if required => {
                self.error("unfilled", node.pos, format!("{owner} 缺少 {key}:"), None);
                None
            }
            None => None,
            Some(e) => match &e.value.value {
                Value::Str(s) if !s.trim().is_empty() => Some(s.clone()),
                Value::Int(i) => Some(i.to_string()),
                _ => {
                    self.error(
                        "wrong-type",
                        e.value.pos,
                        format!("{owner} 的 {key} 应是一段文字"),
                        None,
                    );
                    None
                }
            },
        }
    }

    fn fact_ref(&mut self, node: &Node, key: &str, owner: &str) -> Option<FactRef> {
        let path = self.text(node, key, owner, true)?;
        let pos = node.get(key).map(|e| e.value.pos).unwrap_or(node.pos);
        self.valid_path(&path, pos).then_some(FactRef { path, pos })
    }

    fn fact_refs(&mut self, node: &Node, key: &str, owner: &str) -> Option<Vec<FactRef>> {
        let Some(entry) = node.get(key) else {
            self.error("unfilled", node.pos, format!("{owner} 缺少 {key}:"), None);
            return None;
        };
        let items: Vec<&Node> = match &entry.value.value {
            Value::Seq(items) => items.iter().collect(),
            Value::Str(_) => vec![&entry.value],
            _ => {
                self.error(
                    "wrong-type",
                    entry.value.pos,
                    format!("{owner} 的 {key} 应是事实路径的列表"),
                    None,
                );
                return None;
            }
        };
        let mut refs = Vec::new();
        for item in items {
            match item.as_str() {
                Some(p) if self.valid_path(p, item.pos) => refs.push(FactRef {
                    path: p.to_owned(),
                    pos: item.pos,
                }),
                Some(_) => {}
                None => self.error(
                    "wrong-type",
                    item.pos,
                    format!("{owner} 的 {key} 中每项应是事实路径（如 part.group.fact）"),
                    None,
                ),
            }
        }
        Some(refs)
    }

    fn valid_path(&mut self, path: &str, pos: Pos) -> bool {
        let ok = path.split('.').all(|seg| {
            seg == "*"
                || (!seg.is_empty()
                    && seg
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-'))
        });
        if !ok {
            self.error(
                "bad-declaration",
                pos,
                format!("“{path}”不是有效的事实路径"),
                Some(
                    "事实路径由英文键名和点组成，如 organisation.branches；* 表示列表中的每一项"
                        .into(),
                ),
            );
        }
        ok
    }

    fn claim(&mut self, node: &Node, owner: &str) -> bool {
        match node.get("claim") {
            None => false,
            Some(e) => match e.value.as_str() {
                Some("全覆盖") => true,
                _ => {
                    self.error(
                        "bad-declaration",
                        e.value.pos,
                        format!("{owner} 的 claim 只能是“全覆盖”"),
                        Some("全覆盖要求百分比正好是 100".into()),
                    );
                    false
                }
            },
        }
    }

    /// `zero: ok`: this figure may be printed as 0 (or 零) without a warning.
    fn zero_ok(&mut self, node: &Node, owner: &str) -> bool {
        let Some(e) = node.get("zero") else {
            return false;
        };
        if e.value.as_str() == Some("ok") {
            return true;
        }
        self.error(
            "bad-declaration",
            e.value.pos,
            format!("{owner} 的 zero 只能写 ok（允许印出 0）"),
            Some("zero: ok".into()),
        );
        false
    }

    /// `mask: true`: hidden by `--mask` whatever its kind.
    fn mask(&mut self, node: &Node, owner: &str) -> bool {
        let Some(e) = node.get("mask") else {
            return false;
        };
        match e.value.value {
            Value::Bool(b) => b,
            _ => {
                self.error(
                    "bad-declaration",
                    e.value.pos,
                    format!("{owner} 的 mask 只能写 true 或 false（传阅稿中是否隐去）"),
                    Some("mask: true".into()),
                );
                false
            }
        }
    }

    fn figure(&mut self, id: &str, pos: Pos, node: &Node) -> Option<FigureDecl> {
        let owner = format!("数据项 {id}");
        if !id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
            || id.starts_with(|c: char| c.is_ascii_digit())
        {
            self.error(
                "bad-declaration",
                pos,
                format!("数据项的 id“{id}”只能由英文字母、数字和下划线组成，且不以数字开头"),
                None,
            );
            return None;
        }
        if !matches!(node.value, Value::Map(_)) {
            self.error(
                "wrong-type",
                node.pos,
                format!("{owner} 应是一个分组（label、unit、kind……）"),
                None,
            );
            return None;
        }
        self.check_keys(
            node,
            &[
                "label",
                "unit",
                "kind",
                "fact",
                "facts",
                "part",
                "whole",
                "rate",
                "suffix",
                "claim",
                "quote",
                "separator",
                "plausible_change",
                "zero",
                "mask",
            ],
            &owner,
        );
        let zero_ok = self.zero_ok(node, &owner);
        let mask = self.mask(node, &owner);
        let label = self.text(node, "label", &owner, true);
        let unit = self.text(node, "unit", &owner, false).unwrap_or_default();
        let kind_name = self.text(node, "kind", &owner, true)?;
        let kind_pos = node.get("kind").map(|e| e.value.pos).unwrap_or(pos);
        let kind = match kind_name.as_str() {
            "count" => Kind::Count {
                fact: self.fact_ref(node, "fact", &owner)?,
            },
            "cn_count" => Kind::CnCount {
                fact: self.fact_ref(node, "fact", &owner)?,
            },
            "approx" => {
                let suffix = self
                    .text(node, "suffix", &owner, false)
                    .unwrap_or_else(|| "多".into());
                if suffix != "多" && suffix != "余" {
                    let p = node.get("suffix").map(|e| e.value.pos).unwrap_or(pos);
                    self.error(
                        "bad-declaration",
                        p,
                        format!("{owner} 的 suffix 只能是“多”或“余”"),
                        None,
                    );
                }
                Kind::Approx {
                    fact: self.fact_ref(node, "fact", &owner)?,
                    suffix,
                }
            }
            "sum" => Kind::Sum {
                facts: self.fact_refs(node, "facts", &owner)?,
            },
            "percent" => {
                let full_coverage = self.claim(node, &owner);
                if node.get("rate").is_some() {
                    Kind::Rate {
                        fact: self.fact_ref(node, "rate", &owner)?,
                        full_coverage,
                    }
                } else {
                    let part = self.fact_ref(node, "part", &owner);
                    let whole = self.fact_ref(node, "whole", &owner);
                    Kind::Percent {
                        part: part?,
                        whole: whole?,
                        full_coverage,
                    }
                }
            }
            "names" => {
                let quote = self.text(node, "quote", &owner, false).unwrap_or_default();
                let (open, close) = match quote.as_str() {
                    "" | "none" => ("", ""),
                    "“”" => ("“", "”"),
                    "《》" => ("《", "》"),
                    _ => {
                        let p = node.get("quote").map(|e| e.value.pos).unwrap_or(pos);
                        self.error(
                            "bad-declaration",
                            p,
                            format!("{owner} 的 quote 只能是“”、《》或 none"),
                            None,
                        );
                        ("", "")
                    }
                };
                // GB/T 15834: items in quotes or title marks need no 、 between them.
                let default_sep = if open.is_empty() { "、" } else { "" };
                let separator = match node.get("separator") {
                    Some(e) => e.value.as_str().unwrap_or(default_sep).to_owned(),
                    None => default_sep.to_owned(),
                };
                Kind::Names {
                    fact: self.fact_ref(node, "fact", &owner)?,
                    open: open.into(),
                    close: close.into(),
                    separator,
                }
            }
            other => {
                let hint = match did_you_mean(other, KINDS) {
                    Some(s) => format!("是不是想写“{s}”？"),
                    None => format!("可用的种类：{}", KINDS.join("、")),
                };
                self.error(
                    "bad-declaration",
                    kind_pos,
                    format!("{owner} 的种类“{other}”不存在"),
                    Some(hint),
                );
                return None;
            }
        };
        let plausible_change = self.plausible_change(node, &owner);
        Some(FigureDecl {
            id: id.to_owned(),
            label: label?,
            unit,
            kind,
            plausible_change,
            zero_ok,
            mask,
            pos,
        })
    }

    /// `plausible_change: 50`: a number above 0.
    fn plausible_change(&mut self, node: &Node, owner: &str) -> Option<f64> {
        let e = node.get("plausible_change")?;
        match e.value.value {
            Value::Int(i) if i > 0 => Some(i as f64),
            Value::Float(f, _) if f > 0.0 && f.is_finite() => Some(f),
            _ => {
                self.error(
                    "bad-declaration",
                    e.value.pos,
                    format!("{owner} 的 plausible_change 应是大于 0 的数"),
                    Some(
                        "计数写百分比（50 即上下浮动 50%），百分比写百分点（5 即 5 个百分点）"
                            .into(),
                    ),
                );
                None
            }
        }
    }

    fn rule(&mut self, id: &str, pos: Pos, node: &Node) -> Option<RuleDecl> {
        let owner = format!("规则 {id}");
        self.check_keys(
            node,
            &["label", "kind", "fact", "parts", "part", "whole"],
            &owner,
        );
        let label = self.text(node, "label", &owner, true);
        let kind_name = self.text(node, "kind", &owner, true)?;
        let kind = match kind_name.as_str() {
            "sum_at_most" => {
                let parts = self.fact_refs(node, "parts", &owner);
                let whole = self.fact_ref(node, "whole", &owner);
                RuleKind::SumAtMost {
                    parts: parts?,
                    whole: whole?,
                }
            }
            "rising" => RuleKind::Rising {
                fact: self.fact_ref(node, "fact", &owner)?,
            },
            "all" => {
                let part = self.fact_ref(node, "part", &owner);
                let whole = self.fact_ref(node, "whole", &owner);
                RuleKind::All {
                    part: part?,
                    whole: whole?,
                }
            }
            other => {
                let p = node.get("kind").map(|e| e.value.pos).unwrap_or(pos);
                self.error(
                    "bad-declaration",
                    p,
                    format!("{owner} 的种类“{other}”不存在"),
                    Some(format!("可用的规则种类：{}", RULE_KINDS.join("、"))),
                );
                return None;
            }
        };
        Some(RuleDecl {
            id: id.to_owned(),
            label: label?,
            kind,
            pos,
        })
    }
}
