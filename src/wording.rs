//! What changed in the wording between two speeches (`speechgen diff OLD NEW --wording`, and the
//! diff `import` shows before it writes): sentence by sentence, then character by character
//! inside the sentences that were rewritten.
//!
//! The speeches are compared with their figures as placeholders: a figure is one unit, known by
//! its id, whatever it prints. So a figure whose value changed (1380 → 1400) is a change of a
//! figure, shown as one, never as rewording; and a sentence whose only change is its figures is
//! not a reworded sentence.
//!
//! Sentences end at 。！？； (with the closing quotes or brackets after them); a heading or a
//! paragraph always starts a new one. Both levels are diffed with Myers' algorithm (the
//! `similar` crate). Rewritten sentences that share too little with what replaced them are shown
//! as deleted and inserted, not as a jumble of character changes.

use std::fmt::Write as _;

use similar::{Algorithm, DiffOp, capture_diff_slices};

use crate::document::{Block, Document, InlineStyle};
use crate::html::escape;

/// The characters a sentence ends at.
pub const SENTENCE_ENDS: &[char] = &['。', '！', '？', '；'];
/// What may follow a sentence's end and still belong to it (`。”`).
const CLOSERS: &[char] = &['”', '’', '）', '》', '」', '』', ')'];

/// A change's part of the speech: the same in both, or only in the old or the new one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Same,
    Inserted,
    Deleted,
}

impl Op {
    fn name(self) -> &'static str {
        match self {
            Op::Same => "same",
            Op::Inserted => "inserted",
            Op::Deleted => "deleted",
        }
    }
}

/// One piece of the compared text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mark {
    /// A block starts here: a paragraph (`level` 0), the title (1) or a heading (2, 3, …).
    Break { level: u8, op: Op },
    /// Words, all of one kind of change and one style (a lead sentence is `lead`).
    Text { text: String, lead: bool, op: Op },
    /// A figure, with what it prints in each speech (`None` where it is not printed). With
    /// [`Op::Same`], a figure whose `old` and `new` differ changed its value, not its wording.
    Figure {
        id: String,
        old: Option<String>,
        new: Option<String>,
        lead: bool,
        op: Op,
    },
}

impl Mark {
    /// A figure printed in both speeches with another value in each.
    pub fn is_changed_figure(&self) -> bool {
        matches!(self, Mark::Figure { op: Op::Same, old, new, .. } if old != new)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeKind {
    /// Sentences rewritten: the marks show what was taken out and put in.
    Reworded,
    /// A sentence only the new speech has.
    Inserted,
    /// A sentence only the old speech has.
    Deleted,
    /// The same sentence, with a figure printing another value.
    Figures,
}

impl ChangeKind {
    pub fn name(self) -> &'static str {
        match self {
            ChangeKind::Reworded => "reworded",
            ChangeKind::Inserted => "inserted",
            ChangeKind::Deleted => "deleted",
            ChangeKind::Figures => "figures",
        }
    }

    /// The word the text view and the messages use.
    pub fn word(self) -> &'static str {
        match self {
            ChangeKind::Reworded => "改写",
            ChangeKind::Inserted => "新增",
            ChangeKind::Deleted => "删除",
            ChangeKind::Figures => "数字",
        }
    }
}

/// A sentence (or a run of rewritten sentences) that differs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub kind: ChangeKind,
    /// The part heading it stands under (一、强化政治引领…), if any.
    pub part: Option<String>,
    pub marks: Vec<Mark>,
}

impl Change {
    /// The old speech's text of the change, figures as printed there.
    pub fn old_text(&self) -> String {
        side_text(&self.marks, Op::Deleted)
    }

    /// The new speech's text of the change.
    pub fn new_text(&self) -> String {
        side_text(&self.marks, Op::Inserted)
    }
}

/// The two speeches compared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WordingDiff {
    /// What the old and the new speech are, for headings (`2021 年`, `templates/2022/…`).
    pub old_name: String,
    pub new_name: String,
    pub changes: Vec<Change>,
    /// The whole new speech with the old one's deletions in place: the tracked-changes view.
    pub marks: Vec<Mark>,
}

/// A token of a speech: a block start, a character, or a whole figure.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Key {
    Break(u8),
    Char(char),
    Figure(String),
}

#[derive(Debug, Clone)]
pub(crate) struct Token {
    pub(crate) key: Key,
    pub(crate) lead: bool,
    /// A figure's printed text.
    pub(crate) text: String,
}

type Sentence = Vec<Token>;

/// A document's blocks as tokens, its title first.
pub(crate) fn tokens(doc: &Document) -> Vec<Token> {
    let mut out = Vec::new();
    let brk = |level| Token {
        key: Key::Break(level),
        lead: false,
        text: String::new(),
    };
    if !doc.title.is_empty() {
        out.push(brk(1));
        out.extend(doc.title.chars().map(|c| Token {
            key: Key::Char(c),
            lead: false,
            text: String::new(),
        }));
    }
    for block in &doc.blocks {
        out.push(brk(level(block)));
        for inline in block.inlines() {
            let lead = inline.style == InlineStyle::Lead;
            match &inline.figure {
                Some(id) => out.push(Token {
                    key: Key::Figure(id.clone()),
                    lead,
                    text: inline.text.clone(),
                }),
                None => out.extend(inline.text.chars().map(|c| Token {
                    key: Key::Char(c),
                    lead,
                    text: String::new(),
                })),
            }
        }
    }
    out
}

/// A block's level as its `Key::Break`: a heading's level, 0 for a paragraph.
pub(crate) fn level(block: &Block) -> u8 {
    match block {
        Block::Heading { level, .. } => *level,
        Block::Paragraph { .. } => 0,
    }
}

/// The id the speech's own year goes by as a figure.
pub const YEAR_FIGURE: &str = "year";

/// The year's digits, where they stand alone (not in 12021 or 2021.5), made one figure token.
fn with_year(tokens: Vec<Token>, year: Option<i64>) -> Vec<Token> {
    let Some(year) = year else {
        return tokens;
    };
    let digits: Vec<char> = year.to_string().chars().collect();
    let is_digit = |t: Option<&Token>| matches!(t, Some(Token { key: Key::Char(c), .. }) if c.is_ascii_digit() || *c == '.');
    let mut out: Vec<Token> = Vec::with_capacity(tokens.len());
    let mut i = 0;
    while i < tokens.len() {
        let here = tokens.len() - i >= digits.len()
            && tokens[i..i + digits.len()]
                .iter()
                .zip(&digits)
                .all(|(t, d)| t.key == Key::Char(*d))
            && !is_digit(i.checked_sub(1).and_then(|b| tokens.get(b)))
            && !is_digit(tokens.get(i + digits.len()));
        if here {
            out.push(Token {
                key: Key::Figure(YEAR_FIGURE.to_owned()),
                lead: tokens[i].lead,
                text: year.to_string(),
            });
            i += digits.len();
        } else {
            out.push(tokens[i].clone());
            i += 1;
        }
    }
    out
}

/// The tokens cut into sentences: at each block start, and after 。！？； and what closes with them.
fn sentences(tokens: Vec<Token>) -> Vec<Sentence> {
    let mut out: Vec<Sentence> = Vec::new();
    let mut current: Sentence = Vec::new();
    let mut ended = false;
    for token in tokens {
        let starts_new = match &token.key {
            Key::Break(_) => true,
            Key::Char(c) if ended && CLOSERS.contains(c) => false,
            _ => ended,
        };
        if starts_new && !current.is_empty() {
            out.push(std::mem::take(&mut current));
        }
        ended = matches!(&token.key, Key::Char(c) if SENTENCE_ENDS.contains(c) || (ended && CLOSERS.contains(c)));
        current.push(token);
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

fn keys(sentence: &Sentence) -> Vec<Key> {
    sentence.iter().map(|t| t.key.clone()).collect()
}

/// The heading text each sentence stands under (level-2 headings: the speech's parts).
fn parts(sentences: &[Sentence]) -> Vec<Option<String>> {
    let mut current = None;
    sentences
        .iter()
        .map(|s| {
            if let Some(Token {
                key: Key::Break(level),
                ..
            }) = s.first()
            {
                if *level == 2 {
                    current = Some(plain(s));
                } else if *level == 1 {
                    current = None;
                }
            }
            current.clone()
        })
        .collect()
}

fn plain(sentence: &[Token]) -> String {
    sentence
        .iter()
        .map(|t| match &t.key {
            Key::Char(c) => c.to_string(),
            Key::Figure(_) => t.text.clone(),
            Key::Break(_) => String::new(),
        })
        .collect()
}

/// Appends a token as a mark, merging runs of text of one op and style.
fn push(marks: &mut Vec<Mark>, token: &Token, op: Op, other: Option<&Token>) {
    match &token.key {
        Key::Break(level) => marks.push(Mark::Break { level: *level, op }),
        Key::Char(c) => {
            if let Some(Mark::Text {
                text,
                lead,
                op: last_op,
            }) = marks.last_mut()
                && *lead == token.lead
                && *last_op == op
            {
                text.push(*c);
                return;
            }
            marks.push(Mark::Text {
                text: c.to_string(),
                lead: token.lead,
                op,
            });
        }
        Key::Figure(id) => {
            let (old, new) = match op {
                Op::Same => (other.map(|o| o.text.clone()), Some(token.text.clone())),
                Op::Inserted => (None, Some(token.text.clone())),
                Op::Deleted => (Some(token.text.clone()), None),
            };
            marks.push(Mark::Figure {
                id: id.clone(),
                old,
                new,
                lead: token.lead,
                op,
            });
        }
    }
}

/// Compares two speeches (see the module comment). `old_name` and `new_name` say what they are.
pub fn diff(old: &Document, new: &Document, old_name: &str, new_name: &str) -> WordingDiff {
    diff_years(old, new, old_name, new_name, None)
}

/// [`diff`] of two years' speeches: each speech's own year, where it prints it (`{{ year }}`),
/// is a figure too (〔2021→2022〕), not a reworded number.
pub fn diff_years(
    old: &Document,
    new: &Document,
    old_name: &str,
    new_name: &str,
    years: Option<(i64, i64)>,
) -> WordingDiff {
    let old_s = sentences(with_year(tokens(old), years.map(|y| y.0)));
    let new_s = sentences(with_year(tokens(new), years.map(|y| y.1)));
    let old_parts = parts(&old_s);
    let new_parts = parts(&new_s);
    let old_keys: Vec<Vec<Key>> = old_s.iter().map(keys).collect();
    let new_keys: Vec<Vec<Key>> = new_s.iter().map(keys).collect();
    let part_at = |new_index: usize, old_index: usize| {
        if new_index < new_s.len() {
            new_parts[new_index].clone()
        } else {
            old_parts.get(old_index).cloned().flatten()
        }
    };
    let mut changes = Vec::new();
    let mut all = Vec::new();
    for op in capture_diff_slices(Algorithm::Myers, &old_keys, &new_keys) {
        match op {
            DiffOp::Equal {
                old_index,
                new_index,
                len,
            } => {
                for k in 0..len {
                    let (o, n) = (&old_s[old_index + k], &new_s[new_index + k]);
                    let mut marks = Vec::new();
                    for (ot, nt) in o.iter().zip(n) {
                        push(&mut marks, nt, Op::Same, Some(ot));
                    }
                    if marks.iter().any(Mark::is_changed_figure) {
                        changes.push(Change {
                            kind: ChangeKind::Figures,
                            part: new_parts[new_index + k].clone(),
                            marks: marks.clone(),
                        });
                    }
                    all.extend(marks);
                }
            }
            DiffOp::Delete {
                old_index,
                old_len,
                new_index,
            } => {
                for s in &old_s[old_index..old_index + old_len] {
                    whole(
                        s,
                        Op::Deleted,
                        part_at(new_index, old_index),
                        &mut changes,
                        &mut all,
                    );
                }
            }
            DiffOp::Insert {
                new_index, new_len, ..
            } => {
                for (k, s) in new_s[new_index..new_index + new_len].iter().enumerate() {
                    whole(
                        s,
                        Op::Inserted,
                        new_parts[new_index + k].clone(),
                        &mut changes,
                        &mut all,
                    );
                }
            }
            DiffOp::Replace {
                old_index,
                old_len,
                new_index,
                new_len,
            } => {
                let olds = &old_s[old_index..old_index + old_len];
                let news = &new_s[new_index..new_index + new_len];
                for pair in pair_up(olds, news) {
                    match pair {
                        Pair::Reworded(o, n) => {
                            let marks = reworded(&olds[o], &news[n]);
                            changes.push(Change {
                                kind: ChangeKind::Reworded,
                                part: new_parts[new_index + n].clone(),
                                marks: marks.clone(),
                            });
                            all.extend(marks);
                        }
                        Pair::Deleted(o, n) => whole(
                            &olds[o],
                            Op::Deleted,
                            part_at(new_index + n, old_index + o),
                            &mut changes,
                            &mut all,
                        ),
                        Pair::Inserted(n) => whole(
                            &news[n],
                            Op::Inserted,
                            new_parts[new_index + n].clone(),
                            &mut changes,
                            &mut all,
                        ),
                    }
                }
            }
        }
    }
    WordingDiff {
        old_name: old_name.to_owned(),
        new_name: new_name.to_owned(),
        changes,
        marks: all,
    }
}

/// A sentence inserted or deleted whole.
fn whole(
    s: &Sentence,
    op: Op,
    part: Option<String>,
    changes: &mut Vec<Change>,
    all: &mut Vec<Mark>,
) {
    let mut marks = Vec::new();
    for t in s {
        push(&mut marks, t, op, None);
    }
    changes.push(Change {
        kind: if op == Op::Inserted {
            ChangeKind::Inserted
        } else {
            ChangeKind::Deleted
        },
        part,
        marks: marks.clone(),
    });
    all.extend(marks);
}

/// How the sentences of a rewritten stretch correspond: a sentence rewritten (old, new), one
/// deleted (old, and the new sentence it stands before), one inserted (new).
enum Pair {
    Reworded(usize, usize),
    Deleted(usize, usize),
    Inserted(usize),
}

/// Two sentences are one rewritten when they share at least a third of the longer one's text.
fn similar_enough(a: &[Token], b: &[Token]) -> Option<usize> {
    let ak: Vec<Key> = a.iter().map(|t| t.key.clone()).collect();
    let bk: Vec<Key> = b.iter().map(|t| t.key.clone()).collect();
    let shared: usize = capture_diff_slices(Algorithm::Myers, &ak, &bk)
        .iter()
        .map(|op| match op {
            DiffOp::Equal { len, .. } => *len,
            _ => 0,
        })
        .sum();
    (shared * 3 >= a.len().max(b.len())).then_some(shared)
}

/// Pairs the old and new sentences of a rewritten stretch, in order, so that the pairs share as
/// much text as they can (an alignment weighted by shared characters); the rest are deleted or
/// inserted whole.
fn pair_up(olds: &[Sentence], news: &[Sentence]) -> Vec<Pair> {
    let (m, n) = (olds.len(), news.len());
    let shared: Vec<Vec<Option<usize>>> = olds
        .iter()
        .map(|o| news.iter().map(|s| similar_enough(o, s)).collect())
        .collect();
    // best[i][j]: the most text shared pairing olds[i..] with news[j..].
    let mut best = vec![vec![0usize; n + 1]; m + 1];
    for i in (0..m).rev() {
        for j in (0..n).rev() {
            let paired = shared[i][j].map_or(0, |s| s + best[i + 1][j + 1]);
            best[i][j] = paired.max(best[i + 1][j]).max(best[i][j + 1]);
        }
    }
    let (mut i, mut j) = (0, 0);
    let mut pairs = Vec::new();
    while i < m || j < n {
        if i < m && j < n && shared[i][j].is_some_and(|s| s + best[i + 1][j + 1] == best[i][j]) {
            pairs.push(Pair::Reworded(i, j));
            i += 1;
            j += 1;
        } else if i < m
            && (j == n || best[i + 1][j] == best[i][j])
            && !(j < n
                && best[i][j + 1] == best[i][j]
                && starts_block(&olds[i])
                && !starts_block(&news[j]))
        {
            // A sentence that goes on the paragraph before is inserted before a paragraph
            // deleted whole, so that each shows in its own paragraph.
            pairs.push(Pair::Deleted(i, j));
            i += 1;
        } else {
            pairs.push(Pair::Inserted(j));
            j += 1;
        }
    }
    pairs
}

fn starts_block(s: &Sentence) -> bool {
    matches!(
        s.first(),
        Some(Token {
            key: Key::Break(_),
            ..
        })
    )
}

/// One step of a character diff: a token both have, or one side's.
enum Step<'a> {
    Same(&'a Token, &'a Token),
    Deleted(&'a Token),
    Inserted(&'a Token),
}

/// The character changes from `old` to `new`, tidied for reading: a run of one or two unchanged
/// characters between changes is taken into them (疫情 between two rewritten phrases is not
/// worth showing as kept), and in each changed stretch what was taken out comes before what was
/// put in.
fn reworded(old: &[Token], new: &[Token]) -> Vec<Mark> {
    let ok: Vec<Key> = old.iter().map(|t| t.key.clone()).collect();
    let nk: Vec<Key> = new.iter().map(|t| t.key.clone()).collect();
    let mut steps = Vec::new();
    for op in capture_diff_slices(Algorithm::Myers, &ok, &nk) {
        let (o, olen, n, nlen, same) = match op {
            DiffOp::Equal {
                old_index,
                new_index,
                len,
            } => (old_index, len, new_index, len, true),
            DiffOp::Delete {
                old_index,
                old_len,
                new_index,
            } => (old_index, old_len, new_index, 0, false),
            DiffOp::Insert {
                old_index,
                new_index,
                new_len,
            } => (old_index, 0, new_index, new_len, false),
            DiffOp::Replace {
                old_index,
                old_len,
                new_index,
                new_len,
            } => (old_index, old_len, new_index, new_len, false),
        };
        if same {
            steps.extend((0..olen).map(|k| Step::Same(&old[o + k], &new[n + k])));
        } else {
            steps.extend(old[o..o + olen].iter().map(Step::Deleted));
            steps.extend(new[n..n + nlen].iter().map(Step::Inserted));
        }
    }
    // Short unchanged runs between changes become part of them.
    let changed = |s: &Step| !matches!(s, Step::Same(..));
    let mut i = 0;
    while i < steps.len() {
        let run = steps[i..].iter().take_while(|s| !changed(s)).count();
        let short_text = run > 0
            && run <= 2
            && steps[i..i + run]
                .iter()
                .all(|s| matches!(s, Step::Same(t, _) if matches!(t.key, Key::Char(_))));
        if short_text && i > 0 && changed(&steps[i - 1]) && steps.get(i + run).is_some_and(changed)
        {
            let taken: Vec<Step> = steps.drain(i..i + run).collect();
            let mut replaced: Vec<Step> = taken
                .iter()
                .map(|s| match s {
                    Step::Same(o, _) => Step::Deleted(o),
                    _ => unreachable!(),
                })
                .collect();
            replaced.extend(taken.iter().map(|s| match s {
                Step::Same(_, n) => Step::Inserted(n),
                _ => unreachable!(),
            }));
            let count = replaced.len();
            steps.splice(i..i, replaced);
            i += count;
        } else {
            i += run.max(1);
        }
    }
    let mut marks = Vec::new();
    let mut i = 0;
    while i < steps.len() {
        if let Step::Same(o, n) = &steps[i] {
            push(&mut marks, n, Op::Same, Some(o));
            i += 1;
            continue;
        }
        let end = i + steps[i..].iter().take_while(|s| changed(s)).count();
        for s in &steps[i..end] {
            if let Step::Deleted(t) = s {
                push(&mut marks, t, Op::Deleted, None);
            }
        }
        for s in &steps[i..end] {
            if let Step::Inserted(t) = s {
                push(&mut marks, t, Op::Inserted, None);
            }
        }
        i = end;
    }
    marks
}

/// One side's text: `Op::Deleted` for the old speech, `Op::Inserted` for the new.
fn side_text(marks: &[Mark], side: Op) -> String {
    let mut out = String::new();
    for m in marks {
        match m {
            Mark::Text { text, op, .. } if *op == Op::Same || *op == side => out.push_str(text),
            Mark::Figure { old, new, op, .. } if *op == Op::Same || *op == side => {
                let value = if side == Op::Deleted { old } else { new };
                out.push_str(value.as_deref().unwrap_or(""));
            }
            _ => {}
        }
    }
    out
}

impl WordingDiff {
    pub fn count(&self, kind: ChangeKind) -> usize {
        self.changes.iter().filter(|c| c.kind == kind).count()
    }

    /// `改写 2 处，新增 1 句，删除 3 句，数字变化 5 句`, or `措辞相同` when there is no change.
    pub fn summary(&self) -> String {
        if self.changes.is_empty() {
            return "措辞相同，数字也相同".to_owned();
        }
        format!(
            "改写 {} 处，新增 {} 句，删除 {} 句，数字变化 {} 句",
            self.count(ChangeKind::Reworded),
            self.count(ChangeKind::Inserted),
            self.count(ChangeKind::Deleted),
            self.count(ChangeKind::Figures)
        )
    }

    /// The changes as text, one a line under its part's heading:
    ///
    /// ```text
    /// ## 四、服务中心大局，当好高质量发展“助推器”
    /// 改写  [-面对突如其来的新冠肺炎疫情-]{+坚持常态化疫情防控+}，第一时间响应市委号召，……
    /// 数字  所属党支部中，达标〔1380→1400〕个，占比〔96.7→98.1〕%；
    /// ```
    pub fn text(&self) -> String {
        let mut out = format!(
            "{} → {}的措辞变化（[-删去-]{{+新增+}}，〔原数字→新数字〕）\n",
            self.old_name, self.new_name
        );
        let mut part: Option<&Option<String>> = None;
        for change in &self.changes {
            if part != Some(&change.part) {
                out.push('\n');
                if let Some(p) = &change.part {
                    let _ = writeln!(out, "## {p}");
                }
                part = Some(&change.part);
            }
            let text = match change.kind {
                ChangeKind::Inserted => change.new_text(),
                ChangeKind::Deleted => change.old_text(),
                _ => marked_text(&change.marks),
            };
            let _ = writeln!(out, "{}  {}", change.kind.word(), text.trim_start());
        }
        if self.changes.is_empty() {
            out.push_str("\n措辞相同，数字也相同。\n");
        }
        out
    }

    /// A page showing the new speech with the changes marked as Word's tracked changes show
    /// them: deletions struck through in red (`<del>`), insertions underlined (`<ins>`), a figure
    /// whose value changed boxed with both values.
    pub fn html(&self) -> String {
        let title = format!("措辞变化：{} → {}", self.old_name, self.new_name);
        let mut h = format!(
            "<!doctype html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n<style>\n{STYLE}</style>\n</head>\n<body>\n<header><h1>{}</h1><p class=\"summary\">{}</p><p class=\"legend\"><del>删去的文字</del> <ins>新增的文字</ins> <span class=\"figure changed\"><del>原数字</del><ins>新数字</ins></span> 数字变化（不是措辞变化）</p></header>\n<article class=\"speech\">\n",
            escape(&title),
            escape(&title),
            escape(&self.summary())
        );
        let mut open: Option<String> = None;
        let mut wrap = Wrap(Op::Same);
        let close = |h: &mut String, open: &mut Option<String>, wrap: &mut Wrap| {
            wrap.to(h, Op::Same);
            if let Some(tag) = open.take() {
                let _ = writeln!(h, "</{tag}>");
            }
        };
        for (i, mark) in self.marks.iter().enumerate() {
            match mark {
                Mark::Break { level, op } => {
                    // A paragraph deleted whole is shown as a struck-through paragraph; a break
                    // deleted inside a passage (two paragraphs made one) as a struck ¶.
                    let rest_deleted = self.marks[i + 1..]
                        .iter()
                        .take_while(|m| !matches!(m, Mark::Break { .. }))
                        .all(|m| op_of(m) == Op::Deleted);
                    if *op == Op::Deleted && !rest_deleted {
                        wrap.to(&mut h, Op::Same);
                        h.push_str("<del class=\"break\">¶</del>");
                        continue;
                    }
                    close(&mut h, &mut open, &mut wrap);
                    let tag = match level {
                        0 => "p".to_owned(),
                        l => format!("h{}", (*l).clamp(1, 6)),
                    };
                    let class = match op {
                        Op::Same => "",
                        Op::Inserted => " class=\"inserted\"",
                        Op::Deleted => " class=\"deleted\"",
                    };
                    let _ = write!(h, "<{tag}{class}>");
                    open = Some(tag);
                }
                Mark::Text { text, lead, op } => {
                    let inner = if *lead {
                        format!("<strong>{}</strong>", escape(text))
                    } else {
                        escape(text)
                    };
                    wrap.to(&mut h, *op);
                    h.push_str(&inner);
                }
                Mark::Figure {
                    id, old, new, op, ..
                } => {
                    let id_attr = escape(id);
                    let figure = match op {
                        Op::Same if old != new => format!(
                            "<span class=\"figure changed\" data-figure=\"{id_attr}\" title=\"数字 {id_attr}：{} → {}\"><del>{}</del><ins>{}</ins></span>",
                            escape(old.as_deref().unwrap_or("")),
                            escape(new.as_deref().unwrap_or("")),
                            escape(old.as_deref().unwrap_or("")),
                            escape(new.as_deref().unwrap_or(""))
                        ),
                        _ => format!(
                            "<span class=\"figure\" data-figure=\"{id_attr}\" title=\"数字 {id_attr}\">{}</span>",
                            escape(new.as_deref().or(old.as_deref()).unwrap_or(""))
                        ),
                    };
                    wrap.to(&mut h, *op);
                    h.push_str(&figure);
                }
            }
        }
        close(&mut h, &mut open, &mut wrap);
        h.push_str("</article>\n</body>\n</html>\n");
        h
    }

    /// The changes as JSON, for other programs.
    pub fn json(&self) -> serde_json::Value {
        let changes: Vec<serde_json::Value> = self
            .changes
            .iter()
            .map(|c| {
                serde_json::json!({
                    "kind": c.kind.name(),
                    "part": c.part,
                    "old": c.old_text(),
                    "new": c.new_text(),
                    "marks": c.marks.iter().filter_map(mark_json).collect::<Vec<_>>(),
                })
            })
            .collect();
        serde_json::json!({
            "old": self.old_name,
            "new": self.new_name,
            "summary": {
                "reworded": self.count(ChangeKind::Reworded),
                "inserted": self.count(ChangeKind::Inserted),
                "deleted": self.count(ChangeKind::Deleted),
                "figures": self.count(ChangeKind::Figures),
            },
            "changes": changes,
        })
    }
}

fn op_of(mark: &Mark) -> Op {
    match mark {
        Mark::Break { op, .. } | Mark::Text { op, .. } | Mark::Figure { op, .. } => *op,
    }
}

/// The `<ins>` or `<del>` open in the HTML view: consecutive marks of one change share one.
struct Wrap(Op);

impl Wrap {
    fn to(&mut self, h: &mut String, op: Op) {
        if op == self.0 {
            return;
        }
        h.push_str(match self.0 {
            Op::Same => "",
            Op::Inserted => "</ins>",
            Op::Deleted => "</del>",
        });
        h.push_str(match op {
            Op::Same => "",
            Op::Inserted => "<ins>",
            Op::Deleted => "<del>",
        });
        self.0 = op;
    }
}

fn mark_json(mark: &Mark) -> Option<serde_json::Value> {
    match mark {
        Mark::Break { .. } => None,
        Mark::Text { text, op, .. } => Some(serde_json::json!({"op": op.name(), "text": text})),
        Mark::Figure {
            id, old, new, op, ..
        } => Some(serde_json::json!({
            "op": if mark.is_changed_figure() { "figure" } else { op.name() },
            "figure": id,
            "old": old,
            "new": new,
        })),
    }
}

/// The marks as one line of text: `[-deleted-]{+inserted+}`, a changed figure `〔old→new〕`.
pub fn marked_text(marks: &[Mark]) -> String {
    let mut out = String::new();
    let mut open = Op::Same;
    let mut switch = |out: &mut String, op: Op| {
        if op != open {
            out.push_str(match open {
                Op::Inserted => "+}",
                Op::Deleted => "-]",
                Op::Same => "",
            });
            out.push_str(match op {
                Op::Inserted => "{+",
                Op::Deleted => "[-",
                Op::Same => "",
            });
            open = op;
        }
    };
    for m in marks {
        match m {
            Mark::Break { op: Op::Same, .. } => {}
            Mark::Break { op, .. } => {
                switch(&mut out, *op);
                out.push('¶');
            }
            Mark::Text { text, op, .. } => {
                switch(&mut out, *op);
                out.push_str(text);
            }
            Mark::Figure { old, new, op, .. } => {
                switch(&mut out, *op);
                let (old, new) = (old.as_deref().unwrap_or(""), new.as_deref().unwrap_or(""));
                match op {
                    Op::Same if old != new => {
                        let _ = write!(out, "〔{old}→{new}〕");
                    }
                    Op::Deleted => out.push_str(old),
                    _ => out.push_str(new),
                }
            }
        }
    }
    switch(&mut out, Op::Same);
    out
}

const STYLE: &str = "body { margin: 0; background: #f4f4f2; color: #1f1f1f; font: 17px/1.9 \"Noto Serif CJK SC\", \"Songti SC\", serif; }
header { max-width: 46rem; margin: 0 auto; padding: 1.5rem 2rem 0; font-family: sans-serif; font-size: 14px; }
header h1 { font-size: 18px; margin: 0 0 .3rem; }
article.speech { max-width: 46rem; margin: 1rem auto 3rem; padding: 2rem 3rem; background: #fff; box-shadow: 0 1px 3px rgba(0,0,0,.08); }
article.speech h1 { text-align: center; font-size: 24px; }
article.speech h2, article.speech h3 { font-size: 19px; font-family: sans-serif; }
article.speech p { text-indent: 2em; margin: 0 0 .4rem; }
ins { color: #1a5fb4; text-decoration: underline; background: #e8f0fb; }
del { color: #c01c28; text-decoration: line-through; background: #fbeaea; }
.deleted, .deleted * { color: #c01c28; text-decoration: line-through; }
.inserted { border-left: 3px solid #1a5fb4; padding-left: .5rem; }
.figure.changed { border: 1px solid #986a44; border-radius: 3px; padding: 0 .15em; background: #fdf3e7; }
.figure.changed ins, .figure.changed del { background: none; }
";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::Inline;

    fn inline(text: &str, figure: Option<&str>, lead: bool) -> Inline {
        Inline {
            text: text.into(),
            style: if lead {
                InlineStyle::Lead
            } else {
                InlineStyle::Plain
            },
            figure: figure.map(str::to_owned),
            unfilled: false,
        }
    }

    /// A document from paragraphs written with `{id=value}` for figures and `**…**` for a lead.
    fn doc(paragraphs: &[&str]) -> Document {
        let blocks = paragraphs
            .iter()
            .map(|p| {
                let (level, p) = match p.strip_prefix("## ") {
                    Some(rest) => (Some(2), rest),
                    None => (None, *p),
                };
                let mut inlines = Vec::new();
                let mut rest = p;
                let mut lead = false;
                while !rest.is_empty() {
                    if let Some(r) = rest.strip_prefix("**") {
                        lead = !lead;
                        rest = r;
                    } else if let Some(r) = rest.strip_prefix('{') {
                        let end = r.find('}').unwrap();
                        let (id, value) = r[..end].split_once('=').unwrap();
                        inlines.push(inline(value, Some(id), lead));
                        rest = &r[end + 1..];
                    } else {
                        let end = rest
                            .find(['{', '*'])
                            .unwrap_or(rest.len())
                            .max(rest.chars().next().unwrap().len_utf8());
                        inlines.push(inline(&rest[..end], None, lead));
                        rest = &rest[end..];
                    }
                }
                match level {
                    Some(level) => Block::Heading { level, inlines },
                    None => Block::Paragraph { inlines },
                }
            })
            .collect();
        Document {
            title: "发言".into(),
            blocks,
            ..Document::default()
        }
    }

    #[test]
    fn sentences_end_at_stops_with_their_closing_quotes() {
        let d = doc(&["甲说：“好。”乙。丙！丁？戊；己"]);
        let texts: Vec<String> = sentences(tokens(&d)).iter().map(|s| plain(s)).collect();
        assert_eq!(
            texts,
            ["发言", "甲说：“好。”", "乙。", "丙！", "丁？", "戊；", "己"]
        );
    }

    #[test]
    fn a_changed_figure_is_a_figure_change_not_rewording() {
        let old = doc(&["**扛起责任**。配备{a=37}人，占{b=96.7}%。其余不变。"]);
        let new = doc(&["**扛起责任**。配备{a=40}人，占{b=96.7}%。其余不变。"]);
        let d = diff(&old, &new, "2021 年", "2022 年");
        assert_eq!(d.changes.len(), 1);
        assert_eq!(d.changes[0].kind, ChangeKind::Figures);
        assert_eq!(
            marked_text(&d.changes[0].marks),
            "配备〔37→40〕人，占96.7%。"
        );
        assert_eq!(
            d.summary(),
            "改写 0 处，新增 0 句，删除 0 句，数字变化 1 句"
        );
    }

    #[test]
    fn rewording_is_marked_by_character_and_whole_sentences_whole() {
        let old = doc(&[
            "## 一、部分",
            "面对突如其来的疫情，第一时间响应{a=号召}。制作宣传片。不变的句子。",
            "整段删去的一句话。",
        ]);
        let new = doc(&[
            "## 一、部分",
            "坚持常态化疫情防控，第一时间响应{a=号召}。不变的句子。完全不同的新句子在此。",
        ]);
        let d = diff(&old, &new, "2021 年", "2022 年");
        let lines: Vec<(ChangeKind, String)> = d
            .changes
            .iter()
            .map(|c| (c.kind, marked_text(&c.marks)))
            .collect();
        assert_eq!(
            lines,
            [
                (
                    ChangeKind::Reworded,
                    "[-面对突如其来的疫情-]{+坚持常态化疫情防控+}，第一时间响应号召。".into()
                ),
                (ChangeKind::Deleted, "[-制作宣传片。-]".into()),
                (ChangeKind::Inserted, "{+完全不同的新句子在此。+}".into()),
                (ChangeKind::Deleted, "[-¶整段删去的一句话。-]".into()),
            ]
        );
        assert!(
            d.changes
                .iter()
                .all(|c| c.part.as_deref() == Some("一、部分"))
        );
        let text = d.text();
        assert!(
            text.contains("## 一、部分\n改写  [-面对突如其来的疫情-]{+坚持常态化疫情防控+}"),
            "{text}"
        );
        assert!(text.contains("\n删除  整段删去的一句话。\n"), "{text}");

        let html = d.html();
        assert!(
            html.contains("<del>面对突如其来的疫情</del><ins>坚持常态化疫情防控</ins>"),
            "{html}"
        );
        assert!(
            html.contains("<p class=\"deleted\"><del>整段删去的一句话。</del></p>"),
            "{html}"
        );
        assert!(html.contains("<del>制作宣传片。</del>"));
        let json = d.json();
        assert_eq!(json["summary"]["deleted"], 2);
        assert_eq!(
            json["changes"][0]["old"],
            "面对突如其来的疫情，第一时间响应号召。"
        );
        assert_eq!(
            json["changes"][0]["new"],
            "坚持常态化疫情防控，第一时间响应号召。"
        );
    }

    #[test]
    fn a_figure_taken_out_of_a_rewritten_sentence_is_deleted_as_a_figure() {
        let old = doc(&["培训带头人{t=1001}名，举办{c=“甲”}等培训班。"]);
        let new = doc(&["培训带头人{t=1001}名，举办多期培训班。"]);
        let d = diff(&old, &new, "a", "b");
        assert_eq!(
            marked_text(&d.changes[0].marks),
            "培训带头人1001名，举办[-“甲”等-]{+多期+}培训班。"
        );
        assert!(
            d.changes[0]
                .marks
                .iter()
                .any(|m| matches!(m, Mark::Figure { id, op: Op::Deleted, .. } if id == "c"))
        );
        let html = d.html();
        assert!(
            html.contains("<del><span class=\"figure\" data-figure=\"c\""),
            "{html}"
        );
    }

    #[test]
    fn the_years_own_year_is_a_figure() {
        let old = doc(&["2021年，全年12021人，2020年。"]);
        let new = doc(&["2022年，全年12021人，2020年。"]);
        let d = diff_years(&old, &new, "a", "b", Some((2021, 2022)));
        assert_eq!(d.changes.len(), 1);
        assert_eq!(d.changes[0].kind, ChangeKind::Figures);
        assert_eq!(
            marked_text(&d.changes[0].marks),
            "〔2021→2022〕年，全年12021人，2020年。"
        );
        // Without the years, a reworded number.
        let d = diff(&old, &new, "a", "b");
        assert_eq!(d.changes[0].kind, ChangeKind::Reworded);
    }

    #[test]
    fn the_same_speech_has_no_change() {
        let d = doc(&["## 一、部分", "**扛起责任**。配备{a=37}人。"]);
        let diff = diff(&d, &d, "a", "b");
        assert!(diff.changes.is_empty());
        assert_eq!(diff.summary(), "措辞相同，数字也相同");
        assert!(
            diff.html()
                .contains("<p><strong>扛起责任</strong>。配备<span class=\"figure\"")
        );
    }
}
