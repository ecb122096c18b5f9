//! Starting next year's facts from last year's: the same file, names kept, every number emptied
//! with last year's value left beside it as a comment, and each yearly series given the new year.
//!
//! Numbers are emptied rather than copied because a copied number passes every check and is
//! printed as if it were this year's: the stale figure this program exists to prevent. An empty
//! value is *unfilled*, which `check` and `render` refuse until someone fills it in. So the text
//! made is read back before it is written: it must parse, and no number may be left in it.

use std::path::{Path, PathBuf};

use crate::diagnostic::Diagnostic;
use crate::error::Error;
use crate::facts::{Facts, RESERVED_KEYS};
use crate::figures::FigureStatus;
use crate::figures::declaration::{Kind, RuleKind};
use crate::figures::{Declarations, Evaluation};
use crate::output;
use crate::pipeline;
use crate::project::{FIGURES_FILE, Project, TEMPLATE_FILE};
use crate::yaml::{self, Node, Pos, Value, comment_start};

/// The wording the new year starts from: the template and the figure declarations the year
/// started from reads (its own in `templates/<year>/`, else the shared ones), copied into
/// `templates/<year+1>/`. Rewording the new year then happens in its own folder and never
/// changes what a past year's speech says. A file the new year's folder already holds is kept:
/// it may hold wording already rewritten.
#[derive(Debug, Default)]
pub struct CarriedWording {
    /// The copies to write, with their bytes.
    pub copies: Vec<(PathBuf, Vec<u8>)>,
    /// The new year's own files that exist already and are left as they are.
    pub kept: Vec<PathBuf>,
}

pub fn carry_wording(project: &Project, from: i64, to: i64) -> Result<CarriedWording, Error> {
    let mut carried = CarriedWording::default();
    for name in [TEMPLATE_FILE, FIGURES_FILE] {
        let target = project.year_dir(to).join(name);
        if target.exists() {
            carried.kept.push(target);
            continue;
        }
        let source = project.wording_file(Some(from), name);
        let bytes = crate::input::read(&source, crate::input::TEXT_LIMIT)
            .map_err(|e| Error::io(&source, "无法读取", &e))?;
        carried.copies.push((target, bytes));
    }
    Ok(carried)
}

/// What `speechgen next-year` made and wrote: next year's facts, the wording carried into its
/// folder, and the editors' schema beside the facts.
#[derive(Debug)]
pub struct Made {
    /// The year started from.
    pub from: i64,
    /// The new year.
    pub year: i64,
    /// Next year's facts file (`facts/2022.yaml`).
    pub facts: PathBuf,
    pub wording: CarriedWording,
    /// The schema the new file's first line names (`facts/facts.schema.json`).
    pub schema: PathBuf,
    /// Where the new year's speech is reworded (`templates/2022/speech.md.tera`).
    pub template: PathBuf,
    /// The new year's figures still to fill in.
    pub to_fill: usize,
}

/// Why `speechgen next-year` wrote nothing.
#[derive(Debug)]
pub enum NotMade {
    /// The year started from is not filled in itself (see [`Refusal::Unfilled`]).
    Unfilled {
        diagnostics: Vec<Diagnostic>,
        figures: Vec<String>,
    },
    Failed(Error),
}

impl From<Error> for NotMade {
    fn from(e: Error) -> NotMade {
        NotMade::Failed(e)
    }
}

/// Makes and writes next year's facts from the year in `file` (all or nothing), with the wording
/// and the schema it needs; an existing file for the new year is overwritten only with `force`.
pub fn make(project: &Project, file: &Path, force: bool) -> Result<Made, NotMade> {
    let checked = pipeline::check(&project.root, file).map_err(Error::from)?;
    let (from, year) = (checked.facts.year, checked.facts.year + 1);
    let target = project.facts_dir().join(format!("{year}.yaml"));
    if target.exists() && !force {
        return Err(Error::WouldOverwrite { path: target }.into());
    }
    let text = match next_year(
        &checked.facts,
        &checked.declarations,
        &checked.evaluation,
        &target,
    ) {
        Ok(text) => text,
        Err(Refusal::Unfilled {
            diagnostics,
            figures,
        }) => {
            return Err(NotMade::Unfilled {
                diagnostics,
                figures,
            });
        }
        Err(Refusal::Internal(message)) => {
            return Err(Error::Internal(format!(
                "未写入 {}：{message}",
                crate::report::shown_path(&target)
            ))
            .into());
        }
    };
    let wording = carry_wording(project, from, year)?;
    let mut files = vec![(target.clone(), text.into_bytes())];
    files.extend(wording.copies.iter().cloned());
    // The schema the new file's first line names, beside it, from the declarations it is
    // checked against.
    let schema = project.facts_dir().join(crate::schema::FILE_NAME);
    let schema_text = crate::schema::to_string(&checked.declarations);
    files.push((schema.clone(), schema_text.into_bytes()));
    output::write_all(&files)?;
    let to_fill = pipeline::check(&project.root, &target)
        .map(|c| {
            c.evaluation
                .figures
                .iter()
                .filter(|f| f.status != FigureStatus::Ok)
                .count()
        })
        .unwrap_or(0);
    Ok(Made {
        from,
        year,
        facts: target,
        wording,
        schema,
        template: project.year_dir(year).join(TEMPLATE_FILE),
        to_fill,
    })
}

/// Why next year's facts were not made.
#[derive(Debug)]
pub enum Refusal {
    /// The year started from is not filled in itself (most often: `next-year` run twice, from the
    /// year it made). Its empty values would be carried on with the comments of the year before,
    /// labelled 上年. The problems, and the labels of the unfilled figures.
    Unfilled {
        diagnostics: Vec<Diagnostic>,
        figures: Vec<String>,
    },
    /// The text made does not read back as next year's facts: a defect here, and nothing written.
    Internal(String),
}

/// The text of next year's facts file, to be written at `target` (`facts/2022.yaml`), made from a
/// year whose figures are all filled in.
pub fn next_year(
    facts: &Facts,
    decls: &Declarations,
    evaluation: &Evaluation,
    target: &Path,
) -> Result<String, Refusal> {
    let unfilled: Vec<String> = evaluation
        .figures
        .iter()
        .filter(|f| f.status == FigureStatus::Unfilled)
        .map(|f| format!("{}（{}）", f.label, f.id))
        .collect();
    if !unfilled.is_empty() {
        let diagnostics = evaluation
            .diagnostics
            .iter()
            .filter(|d| d.code == "unfilled" || d.code == "missing-fact")
            .cloned()
            .collect();
        return Err(Refusal::Unfilled {
            diagnostics,
            figures: unfilled,
        });
    }
    // The editor's schema is named in the first line: VS Code's YAML extension then completes
    // keys and underlines a typo as the clerk fills the year in.
    let text = crate::schema::with_modeline(
        &next_year_text(facts, decls, Some(evaluation)),
        crate::schema::FILE_NAME,
    );
    verify(&text, facts, decls, target).map_err(Refusal::Internal)?;
    Ok(text)
}

/// What next-year needs from the declarations: which paths hold yearly series (kept, extended)
/// and which hold numbers (emptied, however they are written).
struct Plan<'a> {
    series: Vec<&'a str>,
    /// Fact paths, `*` for every item of a list (as `confirmed:` entries are written).
    numeric: Vec<&'a str>,
    new_year: i64,
}

impl<'a> Plan<'a> {
    fn new(facts: &Facts, decls: &'a Declarations) -> Plan<'a> {
        let series = decls
            .rules
            .iter()
            .filter_map(|r| match &r.kind {
                RuleKind::Rising { fact } => Some(fact.path.as_str()),
                _ => None,
            })
            .collect();
        let figure_facts = decls
            .figures
            .iter()
            .filter(|f| !matches!(f.kind, Kind::Names { .. }))
            .flat_map(|f| f.kind.facts());
        let rule_facts = decls
            .rules
            .iter()
            .filter(|r| !matches!(r.kind, RuleKind::Rising { .. }))
            .flat_map(|r| r.kind.facts());
        let numeric = figure_facts
            .chain(rule_facts)
            .map(|f| f.path.as_str())
            .collect();
        Plan {
            series,
            numeric,
            new_year: facts.year + 1,
        }
    }

    fn is_numeric(&self, path: &str) -> bool {
        self.numeric
            .iter()
            .any(|p| crate::confirmed::covers(p, path))
    }
}

/// The text of the new year's facts file (not yet read back: see [`next_year`]).
/// With the year's `evaluation`, each comment saying how the speech prints a value
/// (`讲话写作“1200多人”`) is refreshed to what this year's value printed, beside its 上年 note.
pub fn next_year_text(
    facts: &Facts,
    decls: &Declarations,
    evaluation: Option<&Evaluation>,
) -> String {
    let source = match evaluation {
        Some(evaluation) => refresh_speech_notes(facts, decls, evaluation),
        None => facts.doc.text.clone(),
    };
    let plan = Plan::new(facts, decls);
    let mut edits: Vec<Edit> = Vec::new();
    for entry in facts.doc.root.entries() {
        if entry.key == "year" {
            if let Some(len) = token_len(&facts.doc.text, &entry.value) {
                edits.push(Edit::Replace {
                    pos: entry.value.pos,
                    len,
                    new: plan.new_year.to_string(),
                    old: None,
                });
            }
        } else if entry.key == crate::confirmed::KEY {
            // Last year's confirmations were for last year's values: each year confirms its own.
            if entry.value.value != Value::Null {
                edits.push(Edit::ReplaceLines {
                    first: entry.key_pos.line,
                    last: last_line(&facts.doc.text, &entry.value),
                    line: format!("{}:{CONFIRMED_NOTE}", entry.key),
                });
            }
        } else if !RESERVED_KEYS.contains(&entry.key.as_str()) {
            collect(
                &facts.doc.text,
                &entry.key,
                &entry.key,
                &entry.value,
                &plan,
                false,
                &mut edits,
            );
        }
    }
    let text = apply(&source, edits);
    if facts.sample {
        without_sample_mark(&text)
    } else {
        text
    }
}

/// The facts text with each `讲话写作“…”` (or `讲话写作汉字：…`) comment on a figure's fact line
/// saying what the figure printed this year. Only the comment changes: every value keeps its
/// line and column for the edits that follow.
fn refresh_speech_notes(facts: &Facts, decls: &Declarations, evaluation: &Evaluation) -> String {
    let mut lines: Vec<String> = facts.doc.text.lines().map(str::to_owned).collect();
    for decl in &decls.figures {
        let [fact] = decl.kind.facts()[..] else {
            continue;
        };
        if matches!(decl.kind, Kind::Names { .. }) {
            continue;
        }
        let (Some(figure), Some(pos)) = (
            evaluation.figure(&decl.id),
            facts
                .key_pos(&fact.path)
                .filter(|_| !fact.path.contains('*')),
        ) else {
            continue;
        };
        let (Some(printed), Some(line)) = (&figure.text, lines.get_mut(pos.line - 1)) else {
            continue;
        };
        let Some(comment) = comment_start(&line.chars().collect::<Vec<_>>()) else {
            continue;
        };
        let comment_byte = line
            .char_indices()
            .nth(comment)
            .map_or(line.len(), |(b, _)| b);
        let new = format!("{printed}{}", decl.unit);
        for (open, closes) in [
            ("讲话写作“", &['”'][..]),
            ("讲话写作汉字：", &['）', '，', '；'][..]),
        ] {
            let Some(at) = line[comment_byte..].find(open) else {
                continue;
            };
            let from = comment_byte + at + open.len();
            let len = line[from..].find(closes).unwrap_or(line.len() - from);
            let old = &line[from..from + len];
            if old != new && old.ends_with(decl.unit.as_str()) {
                line.replace_range(from..from + len, &new);
            }
            break;
        }
    }
    let mut out = lines.join("\n");
    if facts.doc.text.ends_with('\n') {
        out.push('\n');
    }
    out
}

/// The text without what marks it as sample data: the top-level `sample: true` line, and the
/// comment block opening the file when it speaks of sample data (the sample's 样例数据 banner).
/// Next year's facts are to be filled with real numbers; left marked, a year of real numbers
/// would be rendered with the 样例 mark on every page, and the mark would soon be ignored.
fn without_sample_mark(text: &str) -> String {
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let opening = lines
        .iter()
        .take_while(|l| l.trim().is_empty() || l.trim_start().starts_with('#'))
        .count();
    let banner = lines[..opening].iter().any(|l| {
        l.trim_start().starts_with('#')
            && (l.contains("样例") || l.to_lowercase().contains("sample"))
    });
    let skip = if banner { opening } else { 0 };
    lines[skip..]
        .iter()
        .filter(|l| !(l.starts_with("sample:") || l.starts_with("sample :")))
        .copied()
        .collect()
}

/// The comment on the emptied `confirmed:` line.
const CONFIRMED_NOTE: &str =
    "   # 与上年相同而确属无误的数值、名称，核实后在此逐项列出（- 事实路径），每年重新确认";

/// The last line a value spans: its closing bracket in flow style, else its last item's.
fn last_line(text: &str, node: &Node) -> usize {
    if is_flow(text, node) {
        return closing_bracket(text, node.pos).map_or(node.pos.line, |p| p.line);
    }
    let children = match &node.value {
        Value::Seq(items) => items.iter().map(|n| last_line(text, n)).max(),
        Value::Map(entries) => entries.iter().map(|e| last_line(text, &e.value)).max(),
        _ => None,
    };
    children.unwrap_or(node.pos.line).max(node.pos.line)
}

enum Edit {
    /// Replace `len` characters at `pos` with `new`; `old` is (label, last year's text) for the
    /// line's comment.
    Replace {
        pos: Pos,
        len: usize,
        new: String,
        old: Option<(String, String)>,
    },
    /// Insert text at a place in a line (an entry at the end of a flow mapping).
    Insert { pos: Pos, text: String },
    /// Insert a whole line after line `after`.
    InsertLine { after: usize, line: String },
    /// Replace lines `first..=last` with one line.
    ReplaceLines {
        first: usize,
        last: usize,
        line: String,
    },
}

/// Whether a collection is written in flow style (`[…]`, `{…}`): its values are then emptied to
/// `~`, since `[, ]` is no YAML.
fn is_flow(text: &str, node: &Node) -> bool {
    let line = text.lines().nth(node.pos.line - 1).unwrap_or("");
    matches!(line.chars().nth(node.pos.column - 1), Some('[' | '{'))
}

fn collect(
    text: &str,
    path: &str,
    label: &str,
    node: &Node,
    plan: &Plan,
    in_flow: bool,
    edits: &mut Vec<Edit>,
) {
    let empty = if in_flow { "~" } else { "" };
    match &node.value {
        Value::Int(_) | Value::Float(..) => empty_value(text, label, node, empty, edits),
        // A number written as text ("1,380", 68人, 4_2) is still last year's number.
        Value::Str(_) if plan.is_numeric(path) => empty_value(text, label, node, empty, edits),
        Value::Map(entries) if plan.series.contains(&path) => {
            // A yearly series keeps its history and gains an empty entry for the new year.
            let new_key = plan.new_year.to_string();
            if entries.iter().any(|e| e.key == new_key) {
                return;
            }
            if is_flow(text, node) {
                if let Some(close) = closing_bracket(text, node.pos) {
                    let sep = if entries.is_empty() { "" } else { ", " };
                    edits.push(Edit::Insert {
                        pos: close,
                        text: format!("{sep}{new_key}: ~"),
                    });
                }
            } else if let Some(last) = entries.last() {
                let indent = " ".repeat(last.key_pos.column - 1);
                edits.push(Edit::InsertLine {
                    after: last.value.pos.line,
                    line: format!("{indent}{new_key}:"),
                });
            }
        }
        Value::Map(entries) => {
            let flow = in_flow || is_flow(text, node);
            for e in entries {
                collect(
                    text,
                    &format!("{path}.{}", e.key),
                    &e.key,
                    &e.value,
                    plan,
                    flow,
                    edits,
                );
            }
        }
        Value::Seq(items) => {
            let flow = in_flow || is_flow(text, node);
            for (i, item) in items.iter().enumerate() {
                collect(
                    text,
                    &format!("{path}.{i}"),
                    &format!("第 {} 项", i + 1),
                    item,
                    plan,
                    flow,
                    edits,
                );
            }
        }
        _ => {}
    }
}

fn empty_value(text: &str, label: &str, node: &Node, empty: &str, edits: &mut Vec<Edit>) {
    // Where the token cannot be found, nothing is edited: the read-back refuses the result.
    let Some(len) = token_len(text, node) else {
        return;
    };
    let line = text.lines().nth(node.pos.line - 1).unwrap_or("");
    let old: String = line.chars().skip(node.pos.column - 1).take(len).collect();
    edits.push(Edit::Replace {
        pos: node.pos,
        len,
        new: empty.to_owned(),
        old: Some((label.to_owned(), old)),
    });
}

/// How many characters a scalar takes in its line: an unquoted one exactly as written (`+1380`,
/// `037`), a quoted one up to its closing quote. None when it is not found there (a scalar that
/// runs over several lines).
fn token_len(text: &str, node: &Node) -> Option<usize> {
    let line = text.lines().nth(node.pos.line.checked_sub(1)?)?;
    let chars: Vec<char> = line.chars().skip(node.pos.column - 1).collect();
    if let Some(written) = &node.written {
        let n = written.chars().count();
        return (chars.len() >= n && chars[..n].iter().copied().eq(written.chars())).then_some(n);
    }
    let quote = *chars.first()?;
    let mut i = 1;
    while i < chars.len() {
        match (quote, chars[i]) {
            ('"', '\\') => i += 1,
            ('"', '"') => return Some(i + 1),
            ('\'', '\'') if chars.get(i + 1) == Some(&'\'') => i += 1,
            ('\'', '\'') => return Some(i + 1),
            _ => {}
        }
        i += 1;
    }
    None
}

/// The `}` or `]` that closes the flow collection opened at `open`.
fn closing_bracket(text: &str, open: Pos) -> Option<Pos> {
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    for (index, line) in text.lines().enumerate().skip(open.line - 1) {
        let skip = if index == open.line - 1 {
            open.column - 1
        } else {
            0
        };
        let chars: Vec<char> = line.chars().collect();
        let mut i = skip;
        while i < chars.len() {
            let c = chars[i];
            match quote {
                Some('"') if c == '\\' => i += 1,
                Some(q) if c == q => quote = None,
                Some(_) => {}
                None => match c {
                    '"' | '\'' => quote = Some(c),
                    '#' if i == 0 || chars[i - 1].is_whitespace() => break,
                    '[' | '{' => depth += 1,
                    ']' | '}' => {
                        depth = depth.checked_sub(1)?;
                        if depth == 0 {
                            return Some(Pos {
                                line: index + 1,
                                column: i + 1,
                            });
                        }
                    }
                    _ => {}
                },
            }
            i += 1;
        }
    }
    None
}

fn apply(text: &str, edits: Vec<Edit>) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    let (mut new_lines, mut in_line): (Vec<Edit>, Vec<Edit>) = edits
        .into_iter()
        .partition(|e| matches!(e, Edit::InsertLine { .. } | Edit::ReplaceLines { .. }));
    // Right to left within a line, so that earlier columns stay valid.
    in_line.sort_by_key(|e| match e {
        Edit::Replace { pos, .. } | Edit::Insert { pos, .. } => std::cmp::Reverse(*pos),
        Edit::InsertLine { .. } | Edit::ReplaceLines { .. } => unreachable!("partitioned above"),
    });
    let mut notes: Vec<(usize, Vec<(String, String)>)> = Vec::new();
    for edit in in_line {
        let (pos, len, new, old) = match edit {
            Edit::Replace { pos, len, new, old } => (pos, len, new, old),
            Edit::Insert { pos, text } => (pos, 0, text, None),
            Edit::InsertLine { .. } | Edit::ReplaceLines { .. } => continue,
        };
        let Some(line) = lines.get_mut(pos.line - 1) else {
            continue;
        };
        let mut chars: Vec<char> = line.chars().collect();
        let start = (pos.column - 1).min(chars.len());
        let end = (start + len).min(chars.len());
        chars.splice(start..end, new.chars());
        *line = chars.into_iter().collect();
        if let Some(old) = old {
            match notes.iter_mut().find(|(l, _)| *l == pos.line) {
                Some((_, olds)) => olds.insert(0, old),
                None => notes.push((pos.line, vec![old])),
            }
        }
    }
    for (line_no, olds) in notes {
        let line = &mut lines[line_no - 1];
        let note = match olds.as_slice() {
            [(_, old)] => format!("上年：{old}"),
            _ => {
                let each: Vec<String> = olds.iter().map(|(k, v)| format!("{k} {v}")).collect();
                format!("上年：{}", each.join("，"))
            }
        };
        let chars: Vec<char> = line.chars().collect();
        *line = match comment_start(&chars) {
            Some(i) => {
                let code: String = chars[..i].iter().collect();
                let comment: String = chars[i + 1..].iter().collect();
                // Last year's own 上年 note (a file made by next-year) is replaced, not kept
                // behind the new one: `# 上年：74；上年：71；…` would grow every year.
                let comment = comment.trim_start();
                let comment = match comment.strip_prefix("上年：") {
                    Some(rest) => rest.split_once('；').map_or("", |(_, after)| after),
                    None => comment,
                };
                if comment.trim().is_empty() {
                    format!("{code}# {note}")
                } else {
                    format!("{code}# {note}；{}", comment.trim_start())
                }
            }
            None => format!("{}  # {note}", line.trim_end()),
        };
    }
    // From the bottom up, so that earlier line numbers stay valid.
    new_lines.sort_by_key(|e| match e {
        Edit::InsertLine { after, .. } => std::cmp::Reverse(*after),
        Edit::ReplaceLines { first, .. } => std::cmp::Reverse(*first),
        _ => std::cmp::Reverse(0),
    });
    for edit in new_lines {
        match edit {
            Edit::InsertLine { after, line } => lines.insert(after.min(lines.len()), line),
            Edit::ReplaceLines { first, last, line } if first <= last && last <= lines.len() => {
                lines.splice(first - 1..last, [line]);
            }
            _ => {}
        }
    }
    let mut out = lines.join("\n");
    out.push('\n');
    out
}

/// Reads the text made back as next year's facts: it parses, holds the new year, and no number of
/// last year's is left in it (outside the history of a yearly series). A failure is a defect of
/// this module: the file is then not written.
fn verify(text: &str, facts: &Facts, decls: &Declarations, target: &Path) -> Result<(), String> {
    let plan = Plan::new(facts, decls);
    let doc = yaml::parse(target, text.to_owned())
        .map_err(|d| format!("生成的文件无法解析（{}）", d.message))?;
    let new = Facts::from_document(doc).map_err(|d| {
        let first = d.first().map_or("", |d| d.message.as_str()).to_owned();
        format!("生成的文件不是 {} 年的事实（{first}）", plan.new_year)
    })?;
    if new.sample {
        return Err("生成的文件仍标着 sample: true".into());
    }
    let mut left = Vec::new();
    for entry in new.doc.root.entries() {
        if !RESERVED_KEYS.contains(&entry.key.as_str()) {
            numbers_left(&entry.key, &entry.value, &plan, &mut left);
        }
    }
    for series in &plan.series {
        if let crate::facts::Resolved::Found(nodes) = new.resolve(series)
            && let Some((_, node)) = nodes.first()
            && matches!(node.value, Value::Map(_))
            && node
                .get(&plan.new_year.to_string())
                .is_none_or(|e| e.value.value != Value::Null)
        {
            left.push(format!("{series} 没有空的 {} 年", plan.new_year));
        }
    }
    if let Some(entry) = new.doc.root.get(crate::confirmed::KEY)
        && entry.value.value != Value::Null
    {
        left.push("confirmed 没有清空".to_owned());
    }
    if left.is_empty() {
        Ok(())
    } else {
        Err(format!("生成的文件中仍有上年的数：{}", left.join("、")))
    }
}

fn numbers_left(path: &str, node: &Node, plan: &Plan, out: &mut Vec<String>) {
    match &node.value {
        Value::Int(_) | Value::Float(..) => out.push(path.to_owned()),
        Value::Str(_) if plan.is_numeric(path) => out.push(path.to_owned()),
        Value::Map(_) if plan.series.contains(&path) => {}
        Value::Map(entries) => {
            for e in entries {
                numbers_left(&format!("{path}.{}", e.key), &e.value, plan, out);
            }
        }
        Value::Seq(items) => {
            for (i, item) in items.iter().enumerate() {
                numbers_left(&format!("{path}.{i}"), item, plan, out);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    const FIGURES: &str = "figures:\n  n:\n    label: n\n    kind: count\n    fact: a.n\n  s:\n    label: s\n    kind: sum\n    facts: [a.stars.*]\nrules:\n  r:\n    label: 逐年提升\n    kind: rising\n    fact: a.funds\n";

    fn made(facts_text: &str) -> String {
        let facts = Facts::from_document(
            crate::yaml::parse(Path::new("2021.yaml"), facts_text.into()).unwrap(),
        )
        .unwrap();
        let decls = Declarations::from_document(
            crate::yaml::parse(Path::new("figures.yaml"), FIGURES.into()).unwrap(),
        )
        .unwrap();
        let text = next_year_text(&facts, &decls, None);
        verify(&text, &facts, &decls, Path::new("2022.yaml"))
            .unwrap_or_else(|e| panic!("{e}\n{text}"));
        text
    }

    #[test]
    fn numbers_are_emptied_names_kept_series_extended() {
        let out = made(
            "year: 2021\na:\n  n: 12   # 个数\n  m: 5\n  name: 党课大讲堂\n  funds:\n    2020: 1\n    2021: 2\n  list:\n    - name: x\n      count: 3\n",
        );
        assert_eq!(
            out,
            "year: 2022\na:\n  n:    # 上年：12；个数\n  m:  # 上年：5\n  name: 党课大讲堂\n  funds:\n    2020: 1\n    2021: 2\n    2022:\n  list:\n    - name: x\n      count:  # 上年：3\n"
        );
    }

    #[test]
    fn last_years_note_is_replaced_not_kept() {
        let out = made("year: 2021\na:\n  n: 12   # 上年：10；个数\n  m: 5  # 上年：4\n");
        assert_eq!(
            out,
            "year: 2022\na:\n  n:    # 上年：12；个数\n  m:   # 上年：5\n"
        );
    }

    #[test]
    fn last_years_confirmations_are_emptied() {
        let out = made(
            "year: 2021\na:\n  n: 12\nconfirmed:\n  - a.n   # 确实未变\n\n  - a.m\nsources:\n  a: 甲\n",
        );
        assert_eq!(
            out,
            format!(
                "year: 2022\na:\n  n:  # 上年：12\nconfirmed:{CONFIRMED_NOTE}\nsources:\n  a: 甲\n"
            )
        );
        let flow = made("year: 2021\na:\n  n: 12\nconfirmed: [a.n,\n  a.m]\n");
        assert!(
            flow.ends_with(&format!("\nconfirmed:{CONFIRMED_NOTE}\n")),
            "{flow}"
        );
    }

    #[test]
    fn numbers_however_written_are_emptied() {
        let out = made(
            "year: 2021\na:\n  n: +12 # x\n  m: 037\n  funds: {2020: 1, 2021: 2}\n  stars: {three: \"1,4\", four: 9}\n  list: [1, 2]\n  name: C#语言 # 名称\n",
        );
        assert_eq!(
            out,
            "year: 2022\na:\n  n:  # 上年：+12；x\n  m:  # 上年：037\n  funds: {2020: 1, 2021: 2, 2022: ~}\n  stars: {three: ~, four: ~}  # 上年：three \"1,4\"，four 9\n  list: [~, ~]  # 上年：第 1 项 1，第 2 项 2\n  name: C#语言 # 名称\n"
        );
    }
}
