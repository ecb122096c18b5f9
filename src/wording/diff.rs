//! The two speeches compared: sentence by sentence, then, in a rewritten stretch, the sentences
//! paired and diffed character by character.

use similar::{Algorithm, DiffOp, capture_diff_slices};

use super::tokens::{Key, Sentence, Token, keys, parts, sentences, tokens, with_year};
use super::{Change, ChangeKind, Mark, Op, WordingDiff};
use crate::document::Document;

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
                old_index, old_len, ..
            } => {
                // A deleted sentence stands under its own heading in the old speech, not under
                // the heading of the new sentence that follows the gap (the next part's).
                for (k, s) in old_s[old_index..old_index + old_len].iter().enumerate() {
                    whole(
                        s,
                        Op::Deleted,
                        old_parts[old_index + k].clone(),
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
                        Pair::Deleted(o) => whole(
                            &olds[o],
                            Op::Deleted,
                            old_parts[old_index + o].clone(),
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
/// deleted (old; it stays under its own heading), one inserted (new).
enum Pair {
    Reworded(usize, usize),
    Deleted(usize),
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
            pairs.push(Pair::Deleted(i));
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
