//! `import FILE --year Y`: a delivered speech made year Y's template again, each figure bound to
//! its declaration.
//!
//! The speech Y's template prints now (with Y's facts) is aligned with the delivered one,
//! character by character (Myers), each figure one unit where a .docx kept its tag and its
//! printed characters where not. Then each figure of the template is, in this order:
//! - **bound by its tag** (a .docx): the content control `fig:<id>` is the figure, whatever it
//!   says now; if it says something other than the facts give, it was changed by hand: reported
//!   (sentence, value computed, text typed), never taken as a fact; the template keeps the figure;
//! - **bound by place**: its printed characters are where they were, unchanged;
//! - **changed by hand at its place**: the text around it is unchanged and another number stands
//!   where it printed: reported as above;
//! - **found by value** in the rewritten text: when exactly one figure prints that value and it
//!   stands at exactly one new place. Otherwise it is ambiguous (两, 100, a value printed twice):
//!   listed for the clerk with the sentences, never guessed; the text stays as written.
//!
//! A figure of the template that the delivered speech no longer prints (its sentence deleted) is
//! reported as unused; a number in new wording that no figure prints is reported too: it would
//! be a number no fact stands behind.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use similar::{Algorithm, DiffOp, capture_diff_slices};

use super::numbers::{self, CN_NUMERALS};
use super::read::Delivered;
use super::template_source;
use crate::document::{Block, Document, Inline, InlineStyle};
use crate::error::Error;
use crate::pipeline::{self, FigureStatus, RenderRequest};
use crate::project::{Project, TEMPLATE_FILE};
use crate::wording::{self, ChangeKind, Key, SENTENCE_ENDS, WordingDiff, level};

/// Something the clerk must decide.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Report {
    /// A figure's text differs from what the facts give: changed by hand in the copy.
    HandChanged {
        id: String,
        label: String,
        sentence: String,
        computed: String,
        typed: String,
    },
    /// A figure's value stands at several places, or several figures print it.
    Ambiguous {
        ids: Vec<String>,
        value: String,
        sentences: Vec<String>,
    },
    /// A figure of the template that the delivered speech no longer prints.
    Unused {
        id: String,
        label: String,
        value: String,
    },
    /// A number in new wording that no figure prints.
    UnboundNumber { text: String, sentence: String },
    /// A content control tagged with a figure the year does not declare.
    UnknownTag {
        id: String,
        text: String,
        sentence: String,
    },
}

impl Report {
    /// The report in words, with what to do.
    pub fn message(&self) -> String {
        match self {
            Report::HandChanged {
                id,
                label,
                sentence,
                computed,
                typed,
            } => format!(
                "数据项 {id}（{label}）在文稿中被手工改成了“{typed}”，按事实文件应为“{computed}”：\n    {sentence}\n    模板仍印出数据项，未把“{typed}”当作事实；若新数字正确，请改事实文件"
            ),
            Report::Ambiguous {
                ids,
                value,
                sentences,
            } => {
                let mut m = format!(
                    "“{value}”不能确定是哪个数据项（{}）或哪一处，未作绑定、保留为文字：",
                    ids.join("、")
                );
                for s in sentences {
                    m.push_str(&format!("\n    {s}"));
                }
                m.push_str(&format!(
                    "\n    请在模板中把应印出数据项的那一处写作 {{{{ fig.{} }}}}",
                    ids[0]
                ));
                m
            }
            Report::Unused { id, label, value } => format!(
                "数据项 {id}（{label}，{value}）在文稿中已不再出现（所在句子已删去）：模板不再印出它；若不再需要，可从数字声明中删去"
            ),
            Report::UnboundNumber { text, sentence } => format!(
                "新写的文字中有数字“{text}”，没有对应的数据项：\n    {sentence}\n    若它是统计数字，请在数字声明中声明一个数据项，并在模板中写作 {{{{ fig.<id> }}}}"
            ),
            Report::UnknownTag { id, text, sentence } => format!(
                "文稿中标记为数据项 {id} 的“{text}”在这一年的数字声明中没有：按文字读入\n    {sentence}"
            ),
        }
    }
}

/// What importing a delivered speech as year Y's wording gives.
#[derive(Debug, Clone)]
pub struct Update {
    pub year: i64,
    /// Where the new template goes: `templates/<year>/speech.md.tera`.
    pub target: PathBuf,
    /// The new template's text.
    pub template: String,
    /// The year's speech now → the delivered one, figures as placeholders.
    pub diff: WordingDiff,
    pub reports: Vec<Report>,
    /// How it was read and bound, where worth knowing.
    pub notes: Vec<String>,
    /// Figure occurrences bound (by tag, place or value).
    pub bound: usize,
}

impl Update {
    /// Whether the wording differs (not only figures): then there is a template to write.
    pub fn wording_changed(&self) -> bool {
        self.diff
            .changes
            .iter()
            .any(|c| c.kind != ChangeKind::Figures)
    }
}

struct Occurrence {
    id: String,
    text: String,
    /// Its tokens in the old stream (one `Figure` token when bound by tag).
    start: usize,
    end: usize,
}

/// How a stretch of the delivered speech's characters was bound.
#[derive(Debug, Clone)]
struct Claim {
    id: String,
    start: usize,
    end: usize,
}

/// Makes the delivered speech year `facts`'s template (see the module comment).
pub fn update(project: &Project, facts: &Path, delivered: &Delivered) -> Result<Update, Error> {
    let checked = pipeline::check(&project.root, facts)?;
    // The draft built from the inputs just read: a render would read and check them all again.
    let old = pipeline::build(
        checked.clone(),
        &RenderRequest {
            root: project.root.clone(),
            facts: facts.to_path_buf(),
            kind: pipeline::RenderKind::Draft,
        },
    )?;
    let year = checked.facts.year;
    let declared = |id: &str| checked.declarations.figure(id);
    let label = |id: &str| declared(id).map_or_else(String::new, |d| d.label.clone());
    // What each figure prints now: its value, or the draft's marker.
    let mut computed: BTreeMap<String, String> = BTreeMap::new();
    for inline in old.document.blocks.iter().flat_map(|b| b.inlines()) {
        if let Some(id) = &inline.figure {
            computed.insert(id.clone(), inline.text.clone());
        }
    }
    for f in &checked.evaluation.figures {
        computed
            .entry(f.id.clone())
            .or_insert_with(|| f.text.clone().unwrap_or_default());
    }
    let masked = |id: &str| checked.evaluation.figure(id).and_then(|f| f.masked_text());

    let new_tokens = wording::tokens(&delivered.document);
    let tagged: BTreeSet<String> = new_tokens
        .iter()
        .filter_map(|t| match &t.key {
            Key::Figure(id) => Some(id.clone()),
            _ => None,
        })
        .collect();
    let (old_keys, occurrences) = old_tokens(&old.document, &tagged);
    let new_keys: Vec<Key> = new_tokens.iter().map(|t| t.key.clone()).collect();
    let mut map: Vec<Option<usize>> = vec![None; old_keys.len()];
    // New characters paired with the template's own words (not with a figure's printed
    // characters, which any 6 or 两 of a rewritten sentence may have been paired with).
    let mut equal_new = vec![false; new_keys.len()];
    let in_figure: Vec<bool> = {
        let mut v = vec![false; old_keys.len()];
        for occ in &occurrences {
            v[occ.start..occ.end].iter_mut().for_each(|x| *x = true);
        }
        v
    };
    for op in capture_diff_slices(Algorithm::Myers, &old_keys, &new_keys) {
        if let DiffOp::Equal {
            old_index,
            new_index,
            len,
        } = op
        {
            for k in 0..len {
                map[old_index + k] = Some(new_index + k);
                equal_new[new_index + k] = !in_figure[old_index + k];
            }
        }
    }
    let new_chars: Vec<char> = new_tokens
        .iter()
        .map(|t| match t.key {
            Key::Char(c) => c,
            _ => '\u{0}',
        })
        .collect();
    let kind_of = |id: &str| declared(id).map_or("names", |d| d.kind.name());

    let mut reports = Vec::new();
    let mut notes = Vec::new();
    let mut claims: Vec<Claim> = Vec::new();
    let mut hand_changed: Vec<Claim> = Vec::new();
    let mut pending: Vec<&Occurrence> = Vec::new();
    let mut untagged_found = BTreeSet::new();
    for occ in &occurrences {
        if tagged.contains(&occ.id) {
            continue;
        }
        let mapped: Vec<Option<usize>> = map[occ.start..occ.end].to_vec();
        let contiguous = mapped.iter().all(Option::is_some)
            && mapped.windows(2).all(|w| w[1] == w[0].map(|x| x + 1));
        if let (true, Some(Some(first))) = (contiguous, mapped.first()) {
            let (start, end) = (*first, *first + occ.end - occ.start);
            // Its place is certain only with the text on one side of it still beside it: a lone
            // 两 or 6 of a rewritten sentence may have been paired with any 两 or 6.
            let anchored = (occ.start > 0
                && map[occ.start - 1].is_some()
                && map[occ.start - 1] == start.checked_sub(1))
                || map.get(occ.end).copied().flatten() == Some(end);
            if anchored && fits(&new_chars, start, end, kind_of(&occ.id)) {
                claims.push(Claim {
                    id: occ.id.clone(),
                    start,
                    end,
                });
                if !tagged.is_empty() {
                    untagged_found.insert(occ.id.clone());
                }
                continue;
            }
        }
        if let Some((start, end)) = changed_at_place(&map, &new_chars, occ) {
            // The circulation copy's * (or *多) where the figure stood is the figure, masked.
            let typed: String = new_chars[start..end].iter().collect();
            if masked(&occ.id).as_deref() == Some(typed.as_str()) {
                claims.push(Claim {
                    id: occ.id.clone(),
                    start,
                    end,
                });
                continue;
            }
            hand_changed.push(Claim {
                id: occ.id.clone(),
                start,
                end,
            });
            continue;
        }
        pending.push(occ);
    }

    // Figures whose place is gone: found by their value in the rewritten text, if certainly.
    let claimed = |claims: &[Claim], hand: &[Claim], i: usize| {
        claims
            .iter()
            .chain(hand)
            .any(|c| (c.start..c.end).contains(&i))
    };
    let mut by_value: BTreeMap<String, Vec<&Occurrence>> = BTreeMap::new();
    for occ in &pending {
        by_value.entry(occ.text.clone()).or_default().push(occ);
    }
    let mut ambiguous_ids = BTreeSet::new();
    for (value, occs) in by_value {
        let ids: Vec<String> = occs
            .iter()
            .map(|o| o.id.clone())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let needle: Vec<char> = value.chars().collect();
        if needle.is_empty() {
            continue;
        }
        let kind = kind_of(&ids[0]);
        let places: Vec<usize> = (0..new_chars.len().saturating_sub(needle.len() - 1))
            .filter(|&s| {
                new_chars[s..s + needle.len()] == needle[..]
                    && (s..s + needle.len())
                        .all(|i| !equal_new[i] && !claimed(&claims, &hand_changed, i))
                    && fits(&new_chars, s, s + needle.len(), kind)
            })
            .collect();
        if places.is_empty() {
            continue;
        }
        if ids.len() == 1 && places.len() == occs.len() {
            for s in places {
                claims.push(Claim {
                    id: ids[0].clone(),
                    start: s,
                    end: s + needle.len(),
                });
            }
            continue;
        }
        ambiguous_ids.extend(ids.iter().cloned());
        reports.push(Report::Ambiguous {
            ids,
            value,
            sentences: places
                .iter()
                .map(|&s| sentence_at(&new_tokens, s))
                .collect(),
        });
    }

    // The new document, figures in place.
    let mut document = Document::default();
    let mut block: Option<(u8, Vec<Inline>)> = None;
    let mut used: BTreeSet<String> = BTreeSet::new();
    let mut bound = 0;
    let finish = |block: Option<(u8, Vec<Inline>)>, document: &mut Document| {
        let Some((level, inlines)) = block else {
            return;
        };
        match level {
            0 => document.blocks.push(Block::Paragraph { inlines }),
            1 => document.title = inlines.iter().map(|i| i.text.as_str()).collect(),
            level => document.blocks.push(Block::Heading { level, inlines }),
        }
    };
    let mut i = 0;
    while i < new_tokens.len() {
        let token = &new_tokens[i];
        match &token.key {
            Key::Break(level) => {
                finish(block.take(), &mut document);
                block = Some((*level, Vec::new()));
                i += 1;
            }
            Key::Figure(id) => {
                let inlines = &mut block.get_or_insert((0, Vec::new())).1;
                let style = style(token.lead);
                if declared(id).is_some() {
                    let now = computed.get(id).cloned().unwrap_or_default();
                    let same =
                        token.text == now || masked(id).as_deref() == Some(token.text.as_str());
                    if !same {
                        reports.push(Report::HandChanged {
                            id: id.clone(),
                            label: label(id),
                            sentence: sentence_at(&new_tokens, i),
                            computed: shown(&now, &checked, id),
                            typed: token.text.clone(),
                        });
                    }
                    used.insert(id.clone());
                    bound += 1;
                    inlines.push(Inline {
                        text: token.text.clone(),
                        style,
                        figure: Some(id.clone()),
                        unfilled: false,
                    });
                } else {
                    reports.push(Report::UnknownTag {
                        id: id.clone(),
                        text: token.text.clone(),
                        sentence: sentence_at(&new_tokens, i),
                    });
                    push_text(inlines, &token.text, style);
                }
                i += 1;
            }
            Key::Char(c) => {
                let inlines = &mut block.get_or_insert((0, Vec::new())).1;
                let claim = claims
                    .iter()
                    .chain(&hand_changed)
                    .find(|cl| cl.start == i)
                    .cloned();
                match claim {
                    Some(cl) => {
                        let typed: String = new_chars[cl.start..cl.end].iter().collect();
                        if hand_changed.iter().any(|h| h.start == cl.start) {
                            let now = computed.get(&cl.id).cloned().unwrap_or_default();
                            reports.push(Report::HandChanged {
                                id: cl.id.clone(),
                                label: label(&cl.id),
                                sentence: sentence_at(&new_tokens, i),
                                computed: shown(&now, &checked, &cl.id),
                                typed: typed.clone(),
                            });
                        }
                        used.insert(cl.id.clone());
                        bound += 1;
                        inlines.push(Inline {
                            text: typed,
                            style: style(token.lead),
                            figure: Some(cl.id.clone()),
                            unfilled: false,
                        });
                        i = cl.end;
                    }
                    None => {
                        push_text(inlines, &c.to_string(), style(token.lead));
                        i += 1;
                    }
                }
            }
        }
    }
    finish(block.take(), &mut document);

    // Numbers in new wording that no figure prints.
    let chars_claimed = |i: usize| claimed(&claims, &hand_changed, i);
    let mut reported_numbers = BTreeSet::new();
    for block in split_blocks(&new_tokens) {
        let chars: Vec<char> = block
            .iter()
            .map(|i| i.map_or('\u{0}', |i| new_chars[i]))
            .collect();
        for n in numbers::numbers(&chars) {
            let Some(at) = block[n.start..n.end]
                .iter()
                .copied()
                .collect::<Option<Vec<usize>>>()
            else {
                continue;
            };
            // Written anew (a digit of it at least: the diff may pair a stray digit with the
            // old text) and printed by no figure.
            let new_text =
                at.iter().any(|&i| !equal_new[i]) && !at.iter().any(|&i| chars_claimed(i));
            let digits = n.text.chars().any(|c| c.is_ascii_digit());
            let is_ambiguous = reports
                .iter()
                .any(|r| matches!(r, Report::Ambiguous { value, .. } if *value == n.text));
            if new_text && digits && !is_ambiguous && reported_numbers.insert(at[0]) {
                reports.push(Report::UnboundNumber {
                    text: format!("{}{}", n.text, n.unit),
                    sentence: sentence_at(&new_tokens, at[0]),
                });
            }
        }
    }

    // Figures the template printed that the delivered speech does not.
    let mut seen = BTreeSet::new();
    for occ in &occurrences {
        if !used.contains(&occ.id) && !ambiguous_ids.contains(&occ.id) && seen.insert(&occ.id) {
            reports.push(Report::Unused {
                id: occ.id.clone(),
                label: label(&occ.id),
                value: shown(&occ.text, &checked, &occ.id),
            });
        }
    }
    let found_without_tag: Vec<&String> = untagged_found
        .iter()
        .filter(|id| used.contains(*id))
        .collect();
    if !found_without_tag.is_empty() {
        notes.push(format!(
            "{} 个数据项在文稿中没有标记（内容控件可能在另存时丢失），按位置找回：{}",
            found_without_tag.len(),
            found_without_tag
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join("、")
        ));
    }
    if checked.template.source.contains("{%") {
        notes.push(format!(
            "{} 中的 {{% … %}} 语句（条件、循环）在导入后的模板中写成了它们这一年印出的文字",
            pipeline::display_path(&checked.template.path)
        ));
    }

    let header = leading_comment(&checked.template.source);
    let template = template_source(&header, &document);
    // The template made must read back as a speech: a defect here, never the clerk's.
    let made = crate::template::Template::new(
        project.year_dir(year).join(TEMPLATE_FILE),
        template.clone(),
    );
    let readable = made
        .render(&made.figure_ids(), year)
        .ok()
        .is_some_and(|md| crate::markdown::to_document(&made, &md, &[], false).is_ok());
    if !readable {
        return Err(Error::Internal(
            "导入后生成的模板无法读回（请报告这个问题）".into(),
        ));
    }
    let file_name = delivered
        .path
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    let diff = wording::diff_years(
        &old.document,
        &document,
        &format!("{year} 年现在的讲话"),
        &format!("导入的 {file_name}"),
        Some((year, year)),
    );
    Ok(Update {
        year,
        target: project.year_dir(year).join(TEMPLATE_FILE),
        template,
        diff,
        reports,
        notes,
        bound,
    })
}

/// A figure's value as people read it (with its unit), or 未填 when the facts leave it empty.
fn shown(text: &str, checked: &pipeline::Checked, id: &str) -> String {
    match checked.evaluation.figure(id) {
        Some(f) if f.status == FigureStatus::Ok => text.to_owned(),
        Some(_) => "（事实文件中未填或有误）".to_owned(),
        None => text.to_owned(),
    }
}

fn style(lead: bool) -> InlineStyle {
    if lead {
        InlineStyle::Lead
    } else {
        InlineStyle::Plain
    }
}

fn push_text(inlines: &mut Vec<Inline>, text: &str, style: InlineStyle) {
    if let Some(last) = inlines.last_mut()
        && last.figure.is_none()
        && last.style == style
    {
        last.text.push_str(text);
        return;
    }
    inlines.push(Inline {
        text: text.to_owned(),
        style,
        figure: None,
        unfilled: false,
    });
}

/// The template's opening Tera comment (`{#- … -#}` and the line break after it), kept.
fn leading_comment(source: &str) -> String {
    if !source.starts_with("{#") {
        return String::new();
    }
    match source.find("#}") {
        Some(end) => {
            let mut end = end + 2;
            if source[end..].starts_with('\n') {
                end += 1;
            }
            source[..end].to_owned()
        }
        None => String::new(),
    }
}

/// The speech as the template prints it now: a figure tagged in the delivered copy is one token,
/// any other figure its printed characters, each marked with its occurrence.
fn old_tokens(doc: &Document, tagged: &BTreeSet<String>) -> (Vec<Key>, Vec<Occurrence>) {
    let mut tokens = Vec::new();
    let mut occurrences = Vec::new();
    if !doc.title.is_empty() {
        tokens.push(Key::Break(1));
        tokens.extend(doc.title.chars().map(Key::Char));
    }
    for block in &doc.blocks {
        tokens.push(Key::Break(level(block)));
        for inline in block.inlines() {
            match &inline.figure {
                Some(id) => {
                    let start = tokens.len();
                    if tagged.contains(id) {
                        tokens.push(Key::Figure(id.clone()));
                    } else {
                        tokens.extend(inline.text.chars().map(Key::Char));
                    }
                    occurrences.push(Occurrence {
                        id: id.clone(),
                        text: inline.text.clone(),
                        start,
                        end: tokens.len(),
                    });
                }
                None => tokens.extend(inline.text.chars().map(Key::Char)),
            }
        }
    }
    (tokens, occurrences)
}

/// Whether `chars[start..end]` can be a figure of this kind standing alone: a number is not
/// part of a longer one (37 in 137 or 37.5), a percentage is followed by %, a count by no %.
fn fits(chars: &[char], start: usize, end: usize, kind: &str) -> bool {
    let first = chars[start];
    let last = chars[end - 1];
    let before = start.checked_sub(1).map(|i| chars[i]);
    let after = chars.get(end).copied();
    if first.is_ascii_digit() && before.is_some_and(|b| b.is_ascii_digit() || b == '.') {
        return false;
    }
    if last.is_ascii_digit() {
        if after.is_some_and(|a| a.is_ascii_digit())
            || (after == Some('.') && chars.get(end + 1).is_some_and(char::is_ascii_digit))
        {
            return false;
        }
        let percent_after = matches!(after, Some('%' | '％'));
        match kind {
            "percent" if !percent_after => return false,
            "count" | "sum" | "approx" if percent_after || matches!(after, Some('多' | '余')) => {
                return false;
            }
            _ => {}
        }
    }
    if kind == "cn_count"
        && (before.is_some_and(|b| CN_NUMERALS.contains(b))
            || after.is_some_and(|a| CN_NUMERALS.contains(a)))
    {
        return false;
    }
    true
}

/// Where a figure's characters were replaced by another number with the text around it
/// unchanged (37人 → 40人): the new number's place.
fn changed_at_place(
    map: &[Option<usize>],
    new_chars: &[char],
    occ: &Occurrence,
) -> Option<(usize, usize)> {
    // The text right before and after the figure is still there, unchanged: the place is
    // certain, whatever the diff made of the number's own characters.
    let before = occ.start.checked_sub(1)?;
    let (start, end) = (map[before]? + 1, (*map.get(occ.end)?)?);
    if start >= end || end - start > 16 {
        return None;
    }
    let span = &new_chars[start..end];
    let numeric = span.iter().all(|c| {
        c.is_ascii_digit() || matches!(c, '.' | '多' | '余' | '*') || CN_NUMERALS.contains(*c)
    });
    let has_number = span
        .iter()
        .any(|c| c.is_ascii_digit() || *c == '*' || CN_NUMERALS.contains(*c));
    (numeric && has_number).then_some((start, end))
}

/// Each block's characters by index; `None` where a figure stands (it parts the text around it).
fn split_blocks(tokens: &[wording::Token]) -> Vec<Vec<Option<usize>>> {
    let mut out: Vec<Vec<Option<usize>>> = Vec::new();
    for (i, t) in tokens.iter().enumerate() {
        if matches!(t.key, Key::Break(_)) || out.is_empty() {
            out.push(Vec::new());
        }
        let block = out.last_mut().expect("a block");
        match t.key {
            Key::Break(_) => {}
            Key::Char(_) => block.push(Some(i)),
            Key::Figure(_) => block.push(None),
        }
    }
    out
}

/// The sentence of the delivered speech that the token at `at` stands in, figures as typed.
fn sentence_at(tokens: &[wording::Token], at: usize) -> String {
    let text_of = |t: &wording::Token| match &t.key {
        Key::Char(c) => c.to_string(),
        Key::Figure(_) => t.text.clone(),
        Key::Break(_) => String::new(),
    };
    let ends = |t: &wording::Token| matches!(t.key, Key::Char(c) if SENTENCE_ENDS.contains(&c));
    let mut start = at;
    while start > 0 && !matches!(tokens[start - 1].key, Key::Break(_)) && !ends(&tokens[start - 1])
    {
        start -= 1;
    }
    let mut end = at;
    while end < tokens.len() && !matches!(tokens[end].key, Key::Break(_)) {
        end += 1;
        if ends(&tokens[end - 1]) {
            break;
        }
    }
    tokens[start..end].iter().map(text_of).collect()
}
