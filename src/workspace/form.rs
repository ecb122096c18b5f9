//! The facts file as a form: groups in the file's top-level order, each labelled by the comment
//! heading above it, every fact a field typed by the figure declarations and the fact's shape.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::diagnostic::{Diagnostic, Severity};
use crate::digest::{sha256_hex, shown_path};
use crate::error::Error;
use crate::facts::{Facts, RESERVED_KEYS};
use crate::figures::Declarations;
use crate::figures::declaration::{Kind, RuleKind};
use crate::pipeline::{self, Checked};
use crate::project::Project;
use crate::yaml::{self, Document, Node, Span, Value};

/// One year's facts file as the page shows it.
#[derive(Debug, Clone, Serialize)]
pub struct Form {
    pub year: i64,
    /// The facts file's path as shown to the clerk (relative to the project).
    pub facts_file: String,
    /// SHA-256 of the file's bytes, in hex: the page sends it back with an edit.
    pub sha256: String,
    pub groups: Vec<Group>,
    /// Problems not tied to one field.
    pub problems: Vec<Problem>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Group {
    pub key: String,
    /// The comment heading before the group (`一、强化政治引领…`), else the key.
    pub label: String,
    pub fields: Vec<Field>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Field {
    /// The fact path: `organisation.branches_qualified`, `political.party_funds.2021`,
    /// `organisation.training_classes.0.trainees`.
    pub path: String,
    /// The line's Chinese comment, else the figure's label, else the key.
    pub label: String,
    pub kind: FieldKind,
    /// The value's text exactly as in the file ("" when empty).
    pub raw: String,
    pub last_year: Option<String>,
    pub unfilled: bool,
    pub carried_over: bool,
    pub problems: Vec<Problem>,
    /// Ids of the figures that read it.
    pub figures: Vec<String>,
    /// For a part: the percentage it gives, as printed.
    pub percent: Option<String>,
    /// For lists of records, series and maps of counts.
    pub children: Vec<Field>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldKind {
    /// A whole number ≥ 0.
    Count,
    /// A number with a fraction (a reported rate).
    Decimal,
    /// A part or a whole of a percentage.
    PartWhole,
    /// A yearly series (`2019: 286`); its years are the children.
    Series,
    /// A list of names (flow or block list).
    Names,
    /// One name.
    Name,
    /// Any other text.
    Text,
    /// true / false.
    Flag,
    /// A list of records (`- name: … trainees: 214`); each record's values are the children.
    Records,
    /// A map of values (`stars: three: 148 …`); its values are the children.
    Group,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// "error" | "warning"
    pub severity: String,
    pub code: String,
    /// check's words, in Chinese.
    pub message: String,
    /// check's hint, YAML to paste where it has one.
    pub hint: Option<String>,
    pub line: usize,
    pub column: usize,
}

impl Problem {
    /// A diagnostic of `check`, in its words.
    pub fn from_diagnostic(d: &Diagnostic) -> Problem {
        Problem {
            severity: match d.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
            }
            .into(),
            code: d.code.into(),
            message: d.message.clone(),
            hint: d.hint.clone(),
            line: d.location.as_ref().map_or(0, |l| l.line),
            column: d.location.as_ref().map_or(0, |l| l.column),
        }
    }

    /// An error of the workspace's own, with no place in the file.
    pub(crate) fn error(code: &str, message: impl Into<String>) -> Problem {
        Problem {
            severity: "error".into(),
            code: code.into(),
            message: message.into(),
            hint: None,
            line: 0,
            column: 0,
        }
    }
}

/// The codes of `check`'s warnings for a value still last year's (`carried_over`).
pub const CARRIED_OVER: [&str; 2] = ["same-as-last-year", "carried-over-name"];

/// `facts/<year>.yaml` of the project, when it is there.
pub fn facts_path(project: &Project, year: i64) -> Result<PathBuf, Error> {
    project
        .years()
        .into_iter()
        .find(|(y, _)| *y == year)
        .map(|(_, p)| p)
        .ok_or_else(|| Error::FactsNotFound {
            arg: project.facts_dir().join(format!("{year}.yaml")),
        })
}

/// The form for `year`'s facts file: read and checked as `check` does.
pub fn form(project: &Project, year: i64) -> Result<Form, Error> {
    let path = facts_path(project, year)?;
    form_of_file(project, year, &path)
}

/// The form of the facts file at `path`. A file that cannot be parsed gives a form without
/// groups, its problems listed: the page shows what to mend.
pub(crate) fn form_of_file(project: &Project, year: i64, path: &Path) -> Result<Form, Error> {
    let facts_file = shown_path(&project.root, path);
    // The hash is of the bytes `check` read: read before and after it, the same bytes both times
    // (a file saved by another program meanwhile is read again).
    let mut tries = 0;
    let (sha256, result) = loop {
        let before = read_hash(path)?;
        let result = pipeline::check(&project.root, path);
        let after = read_hash(path)?;
        tries += 1;
        if before == after || tries == 3 {
            break (after, result);
        }
    };
    match result {
        Ok(checked) => Ok(build(year, facts_file, sha256, &checked)),
        Err(diagnostics) => {
            if let Some(io) = diagnostics.iter().find(|d| d.is_io()) {
                return Err(Error::Io {
                    path: path.to_path_buf(),
                    message: io.message.clone(),
                });
            }
            Ok(Form {
                year,
                facts_file,
                sha256,
                groups: Vec::new(),
                problems: diagnostics.iter().map(Problem::from_diagnostic).collect(),
            })
        }
    }
}

/// The SHA-256 of the file's bytes, read through the bounded reader.
fn read_hash(path: &Path) -> Result<String, Error> {
    let bytes = yaml::read_bounded(path).map_err(|d| Error::Io {
        path: path.to_path_buf(),
        message: d.message,
    })?;
    Ok(sha256_hex(&bytes))
}

/// What the declarations say of the facts: per concrete-path pattern, the figures reading it.
struct Readers<'d> {
    /// (pattern, figure id, figure label, kind)
    facts: Vec<(String, &'d str, &'d str, FieldKind)>,
    /// Patterns a `rising` rule reads: yearly series.
    series: Vec<String>,
    /// Facts read by a rule across figures (全部, 合计不超过): (pattern, rule label, kind).
    ruled: Vec<(String, &'d str, FieldKind)>,
}

impl<'d> Readers<'d> {
    fn new(decls: &'d Declarations) -> Readers<'d> {
        let mut facts = Vec::new();
        for f in &decls.figures {
            let kind = match &f.kind {
                Kind::Count { .. }
                | Kind::CnCount { .. }
                | Kind::Approx { .. }
                | Kind::Sum { .. } => FieldKind::Count,
                Kind::Percent { .. } => FieldKind::PartWhole,
                Kind::Rate { .. } => FieldKind::Decimal,
                Kind::Names { .. } => FieldKind::Name,
            };
            for r in f.kind.facts() {
                facts.push((r.path.clone(), f.id.as_str(), f.label.as_str(), kind));
            }
        }
        let mut series = Vec::new();
        let mut ruled = Vec::new();
        for r in &decls.rules {
            match &r.kind {
                RuleKind::Rising { fact } => series.push(fact.path.clone()),
                RuleKind::All { part, whole } => {
                    ruled.push((part.path.clone(), r.label.as_str(), FieldKind::PartWhole));
                    ruled.push((whole.path.clone(), r.label.as_str(), FieldKind::PartWhole));
                }
                RuleKind::SumAtMost { parts, whole } => ruled.extend(
                    parts
                        .iter()
                        .chain([whole])
                        .map(|f| (f.path.clone(), r.label.as_str(), FieldKind::Count)),
                ),
            }
        }
        Readers {
            facts,
            series,
            ruled,
        }
    }

    fn reading(&self, path: &str) -> impl Iterator<Item = &(String, &'d str, &'d str, FieldKind)> {
        self.facts
            .iter()
            .filter(move |(p, ..)| crate::confirmed::covers(p, path))
    }

    /// The ids of the figures reading `path` or anything under it.
    fn figures_under(&self, path: &str) -> Vec<String> {
        let mut ids: Vec<String> = Vec::new();
        for (p, id, ..) in &self.facts {
            let depth = path.split('.').count();
            let prefix: Vec<&str> = p.split('.').take(depth).collect();
            let under = crate::confirmed::covers(&prefix.join("."), path);
            if under && !ids.iter().any(|i| i == id) {
                ids.push((*id).to_owned());
            }
        }
        ids
    }

    /// The kind a declaration gives a scalar at `path`: a part or whole before a count.
    fn kind(&self, path: &str) -> Option<FieldKind> {
        let mut kinds: Vec<FieldKind> = self.reading(path).map(|r| r.3).collect();
        kinds.extend(
            self.ruled
                .iter()
                .filter(|(p, ..)| crate::confirmed::covers(p, path))
                .map(|r| r.2),
        );
        [
            FieldKind::PartWhole,
            FieldKind::Count,
            FieldKind::Decimal,
            FieldKind::Name,
        ]
        .into_iter()
        .find(|k| kinds.contains(k))
    }

    fn is_series(&self, path: &str) -> bool {
        self.series
            .iter()
            .any(|p| crate::confirmed::covers(p, path))
    }
}

/// The kind of the field at `path` of `doc`, as the form gives it: for the save, which judges the
/// typed text by it.
pub(crate) fn kind_at(decls: Option<&Declarations>, doc: &Document, path: &str) -> FieldKind {
    let readers = decls.map(Readers::new);
    if let Some(kind) = readers.as_ref().and_then(|r| r.kind(path)) {
        return kind;
    }
    let Some((node, _)) = yaml::span_at(doc, path) else {
        return FieldKind::Text;
    };
    let own = kind_of_value(node);
    if own != FieldKind::Text {
        return own;
    }
    // As the form types it: a year of a series is a number, an item of a list a name.
    let parent_path = path.rsplit_once('.').map_or("", |(p, _)| p);
    let parent = if parent_path.is_empty() {
        None
    } else {
        yaml::span_at(doc, parent_path).map(|(n, _)| n)
    };
    match parent.map(|p| &p.value) {
        Some(Value::Seq(_)) => FieldKind::Name,
        Some(Value::Map(entries))
            if readers.as_ref().is_some_and(|r| r.is_series(parent_path))
                || entries.iter().all(|e| is_year(&e.key)) =>
        {
            let float = entries
                .iter()
                .any(|e| matches!(e.value.value, Value::Float(..)));
            if float {
                FieldKind::Decimal
            } else {
                FieldKind::Count
            }
        }
        _ => own,
    }
}

fn kind_of_value(node: &Node) -> FieldKind {
    match &node.value {
        Value::Int(_) => FieldKind::Count,
        Value::Float(..) => FieldKind::Decimal,
        Value::Bool(_) => FieldKind::Flag,
        Value::Null | Value::Str(_) => FieldKind::Text,
        Value::Seq(_) => FieldKind::Names,
        Value::Map(_) => FieldKind::Group,
    }
}

struct Builder<'a> {
    checked: &'a Checked,
    doc: &'a Document,
    readers: Readers<'a>,
    last: Option<Facts>,
    spans: HashMap<String, Span>,
    /// Diagnostics in the facts file, each placed once.
    placed: Vec<bool>,
}

fn build(year: i64, facts_file: String, sha256: String, checked: &Checked) -> Form {
    let doc = &checked.facts.doc;
    let last_path = crate::carried_over::last_year_path(&checked.facts);
    let last = last_path
        .is_file()
        .then(|| Facts::load(&last_path).ok())
        .flatten();
    let spans = yaml::spans(doc)
        .into_iter()
        .filter_map(|(p, s)| Some((p, s?)))
        .collect();
    let mut b = Builder {
        checked,
        doc,
        readers: Readers::new(&checked.declarations),
        last,
        spans,
        placed: vec![false; checked.diagnostics.len()],
    };
    let mut groups = Vec::new();
    for entry in doc.root.entries() {
        if RESERVED_KEYS.contains(&entry.key.as_str()) {
            continue;
        }
        let label = heading(doc, entry.key_pos.line).unwrap_or_else(|| entry.key.clone());
        let fields = match &entry.value.value {
            Value::Map(entries) => entries
                .iter()
                .map(|e| {
                    b.field(
                        &format!("{}.{}", entry.key, e.key),
                        &e.key,
                        e.key_pos.line,
                        &e.value,
                    )
                })
                .collect(),
            _ => vec![b.field(&entry.key, &entry.key, entry.key_pos.line, &entry.value)],
        };
        groups.push(Group {
            key: entry.key.clone(),
            label,
            fields,
        });
    }
    let problems = checked
        .diagnostics
        .iter()
        .zip(&b.placed)
        .filter(|(_, placed)| !**placed)
        .map(|(d, _)| Problem::from_diagnostic(d))
        .collect();
    Form {
        year,
        facts_file,
        sha256,
        groups,
        problems,
    }
}

/// The comment heading right above line `line` (`# 一、强化政治引领…`): the last line of the
/// comment block that ends there, rules of `=` or `-` left out.
fn heading(doc: &Document, line: usize) -> Option<String> {
    let mut l = line.checked_sub(1)?;
    while l >= 1 {
        let text = doc.line_text(l)?;
        let t = text.trim();
        let Some(comment) = t.strip_prefix('#') else {
            return None;
        };
        let comment = comment.trim();
        if !comment.is_empty() && !comment.chars().all(|c| matches!(c, '=' | '-' | '*' | '#')) {
            return Some(comment.to_owned());
        }
        l -= 1;
    }
    None
}

/// A line's comment as a label: `next-year`'s `上年：…；` note taken off (last year's value is
/// shown beside the field anyway).
fn comment_label(doc: &Document, line: usize) -> Option<String> {
    let c = yaml::line_comment(doc, line)?;
    let c = match c.strip_prefix("上年：") {
        Some(rest) => rest
            .split_once('；')
            .map_or("", |(_, after)| after)
            .trim()
            .to_owned(),
        None => c,
    };
    (!c.is_empty()).then_some(c)
}

impl Builder<'_> {
    fn field(&mut self, path: &str, key: &str, key_line: usize, node: &Node) -> Field {
        let figure_label = self.readers.reading(path).map(|r| r.2.to_owned()).next();
        let own_line = match &node.value {
            Value::Map(_) | Value::Seq(_) => key_line,
            _ => node.pos.line,
        };
        let label = comment_label(self.doc, own_line)
            .or(figure_label)
            .unwrap_or_else(|| key.to_owned());
        let mut children = Vec::new();
        let kind = match &node.value {
            Value::Map(entries) => {
                let series = self.readers.is_series(path)
                    || (!entries.is_empty() && entries.iter().all(|e| is_year(&e.key)));
                for e in entries {
                    let p = format!("{path}.{}", e.key);
                    children.push(self.field(&p, &e.key, e.key_pos.line, &e.value));
                }
                if series {
                    // A year not filled in yet is a number like the years before it.
                    let number = children
                        .iter()
                        .map(|c| c.kind)
                        .find(|k| matches!(k, FieldKind::Count | FieldKind::Decimal))
                        .unwrap_or(FieldKind::Count);
                    for c in children.iter_mut().filter(|c| c.kind == FieldKind::Text) {
                        c.kind = number;
                    }
                    FieldKind::Series
                } else {
                    FieldKind::Group
                }
            }
            Value::Seq(items) => {
                let records =
                    !items.is_empty() && items.iter().all(|n| matches!(n.value, Value::Map(_)));
                for (i, item) in items.iter().enumerate() {
                    let p = format!("{path}.{i}");
                    let label = format!("第 {} 项", i + 1);
                    let mut f = self.field(&p, &label, item.pos.line, item);
                    if f.label == label || records || item.pos.line == key_line {
                        f.label = label;
                    }
                    // An item of a list of names is a name, read as the list is.
                    if f.kind == FieldKind::Text {
                        f.kind = FieldKind::Name;
                    }
                    children.push(f);
                }
                if records {
                    FieldKind::Records
                } else {
                    FieldKind::Names
                }
            }
            _ => self
                .readers
                .kind(path)
                .unwrap_or_else(|| kind_of_value(node)),
        };
        let scalar = !matches!(node.value, Value::Map(_) | Value::Seq(_));
        let raw = if scalar {
            yaml::typed_text(node).unwrap_or_default()
        } else {
            String::new()
        };
        let last_year = self.last.as_ref().and_then(|last| {
            let (n, _) = yaml::span_at(&last.doc, path)?;
            let t = yaml::typed_text(n)?;
            (!t.is_empty()).then_some(t)
        });
        let unfilled = match &node.value {
            Value::Null => true,
            Value::Seq(items) => items.is_empty(),
            Value::Map(entries) => entries.is_empty(),
            _ => false,
        };
        // check's problems whose place is this value's bytes (or, for a list or group, its key
        // line when nothing under it holds them).
        let span = self.spans.get(path).cloned();
        let mut problems = Vec::new();
        let mut carried_over = false;
        for (i, d) in self.checked.diagnostics.iter().enumerate() {
            if self.placed[i] {
                continue;
            }
            let Some(loc) = &d.location else { continue };
            if loc.file != self.doc.path {
                continue;
            }
            let here = match &span {
                Some(s) if scalar => {
                    self.holds(s, loc.line, loc.column) || d.fact.as_deref() == Some(path)
                }
                _ if scalar => loc.line == node.pos.line,
                _ => false,
            };
            if here {
                self.placed[i] = true;
                carried_over |= CARRIED_OVER.contains(&d.code);
                problems.push(Problem::from_diagnostic(d));
            }
        }
        let figures = self.readers.figures_under(path);
        let percent = if kind == FieldKind::PartWhole {
            self.readers
                .reading(path)
                .filter(|r| r.3 == FieldKind::PartWhole)
                .find_map(|r| {
                    let f = self.checked.evaluation.figure(r.1)?;
                    Some(format!("{}{}", f.text.as_ref()?, f.unit))
                })
        } else {
            None
        };
        let mut field = Field {
            path: path.to_owned(),
            label,
            kind,
            raw,
            last_year,
            unfilled,
            carried_over,
            problems,
            figures,
            percent,
            children,
        };
        // A collection's own problems (a series not rising is reported at its key): after its
        // children took theirs.
        if !scalar {
            for (i, d) in self.checked.diagnostics.iter().enumerate() {
                let Some(loc) = &d.location else { continue };
                if self.placed[i] || loc.file != self.doc.path {
                    continue;
                }
                if loc.line == key_line || d.fact.as_deref() == Some(path) {
                    self.placed[i] = true;
                    field.carried_over |= CARRIED_OVER.contains(&d.code);
                    field.problems.push(Problem::from_diagnostic(d));
                }
            }
        }
        field
    }

    /// Whether the 1-based `line` and character `column` fall in `span` (an empty value's
    /// span holds the place right after its colon, where `check` puts it).
    fn holds(&self, span: &Span, line: usize, column: usize) -> bool {
        let Some(start) = yaml::byte_offset(self.doc, line, column) else {
            return false;
        };
        if span.start == span.end {
            // check places an empty value right after its colon; the span starts a space later.
            return start == span.start || start + 1 == span.start;
        }
        span.start <= start && start < span.end
    }
}

fn is_year(key: &str) -> bool {
    key.len() == 4 && key.bytes().all(|b| b.is_ascii_digit())
}
