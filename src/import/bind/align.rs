//! The speech printed now paired with the delivered one, and where a figure can stand in it.

use std::collections::BTreeSet;

use similar::{Algorithm, DiffOp, capture_diff_slices};

use crate::document::Document;
use crate::import::numbers::{CN_NUMERALS, thousands_group, ungrouped};
use crate::wording::{self, Key, level};

/// A figure as the template prints it now.
pub(super) struct Occurrence {
    pub(super) id: String,
    pub(super) text: String,
    /// Its tokens in the old stream (one `Figure` token when bound by tag).
    pub(super) start: usize,
    pub(super) end: usize,
}

/// How a stretch of the delivered speech's characters was bound.
#[derive(Debug, Clone)]
pub(super) struct Claim {
    pub(super) id: String,
    pub(super) start: usize,
    pub(super) end: usize,
}

/// The speech printed now aligned with the delivered one, character by character (Myers), a
/// figure tagged in the delivered copy one unit.
pub(super) struct Aligned {
    pub(super) new_tokens: Vec<wording::Token>,
    /// The delivered speech's characters by token (`\0` for a break or a tagged figure).
    pub(super) new_chars: Vec<char>,
    /// The figures the delivered copy tags.
    pub(super) tagged: BTreeSet<String>,
    /// Each figure printed now, with its tokens in the old stream.
    pub(super) occurrences: Vec<Occurrence>,
    /// Each old token's place in the new stream, where the diff found it unchanged.
    pub(super) map: Vec<Option<usize>>,
    /// New characters paired with the template's own words (not with a figure's printed
    /// characters, which any 6 or 两 of a rewritten sentence may have been paired with).
    pub(super) equal_new: Vec<bool>,
    /// The speech printed now as keys (a tagged figure one `Figure` key).
    pub(super) old_keys: Vec<Key>,
    /// Each new token's place in the old stream, where the diff found it unchanged.
    pub(super) new_to_old: Vec<Option<usize>>,
}

impl Aligned {
    pub(super) fn new(old: &Document, delivered: &Document) -> Aligned {
        let new_tokens = wording::tokens(delivered);
        let tagged: BTreeSet<String> = new_tokens
            .iter()
            .filter_map(|t| match &t.key {
                Key::Figure(id) => Some(id.clone()),
                _ => None,
            })
            .collect();
        let (old_keys, occurrences) = old_tokens(old, &tagged);
        let new_keys: Vec<Key> = new_tokens.iter().map(|t| t.key.clone()).collect();
        let mut map: Vec<Option<usize>> = vec![None; old_keys.len()];
        let mut equal_new = vec![false; new_keys.len()];
        let mut new_to_old: Vec<Option<usize>> = vec![None; new_keys.len()];
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
                    new_to_old[new_index + k] = Some(old_index + k);
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
        Aligned {
            new_tokens,
            new_chars,
            tagged,
            occurrences,
            map,
            equal_new,
            old_keys,
            new_to_old,
        }
    }

    /// The figure printed now at the place where the delivered speech's token `at` stands: the
    /// text right before it (or right after it) unchanged, and a figure of the old speech right
    /// after (or before) that text.
    pub(super) fn place_of(&self, at: usize) -> Option<&Occurrence> {
        let after_left = at
            .checked_sub(1)
            .and_then(|i| self.new_to_old[i])
            .map(|j| j + 1);
        let before_right = self.new_to_old.get(at + 1).copied().flatten();
        let by_left = after_left.and_then(|j| self.occurrences.iter().find(|o| o.start == j));
        let by_right = before_right.and_then(|j| self.occurrences.iter().find(|o| o.end == j));
        match (by_left, by_right) {
            (Some(l), Some(r)) if l.id != r.id => None,
            (Some(o), _) | (None, Some(o)) => Some(o),
            (None, None) => None,
        }
    }

    /// The sentence of the speech printed now that old token `at` stands in.
    pub(super) fn old_sentence_at(&self, at: usize) -> String {
        let keys = &self.old_keys;
        let ends = |k: &Key| matches!(k, Key::Char(c) if wording::SENTENCE_ENDS.contains(c));
        let mut start = at.min(keys.len());
        while start > 0 && !matches!(keys[start - 1], Key::Break(_)) && !ends(&keys[start - 1]) {
            start -= 1;
        }
        let mut end = at;
        while end < keys.len() && !matches!(keys[end], Key::Break(_)) {
            end += 1;
            if ends(&keys[end - 1]) {
                break;
            }
        }
        let mut out = String::new();
        for (i, k) in keys.iter().enumerate().take(end).skip(start) {
            match k {
                Key::Char(c) => out.push(*c),
                Key::Figure(_) => {
                    if let Some(o) = self.occurrences.iter().find(|o| o.start == i) {
                        out.push_str(&o.text);
                    }
                }
                Key::Break(_) => {}
            }
        }
        out
    }

    pub(super) fn text(&self, start: usize, end: usize) -> String {
        self.new_chars[start..end].iter().collect()
    }
}

/// The speech as the template prints it now: a figure tagged in the delivered copy is one token,
/// any other figure its printed characters, each marked with its occurrence.
pub(super) fn old_tokens(doc: &Document, tagged: &BTreeSet<String>) -> (Vec<Key>, Vec<Occurrence>) {
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
pub(super) fn fits(chars: &[char], start: usize, end: usize, kind: &str) -> bool {
    let first = chars[start];
    let last = chars[end - 1];
    let before = start.checked_sub(1).map(|i| chars[i]);
    let after = chars.get(end).copied();
    if first.is_ascii_digit() && before.is_some_and(|b| b.is_ascii_digit() || b == '.') {
        return false;
    }
    // Not a group of a number written with thousands separators (536 of 1,536, 1 of 1,536).
    if first.is_ascii_digit()
        && start >= 2
        && chars[start - 2].is_ascii_digit()
        && thousands_group(chars, start - 1).is_some()
    {
        return false;
    }
    if last.is_ascii_digit() && thousands_group(chars, end).is_some() {
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
pub(super) fn changed_at_place(
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
    // A number typed with its thousands parted (1,001, 1,200多) is one number too.
    let typed: String = span.iter().collect();
    let numeric = ungrouped(&typed).unwrap_or(typed).chars().all(|c| {
        c.is_ascii_digit() || matches!(c, '.' | '多' | '余' | '*') || CN_NUMERALS.contains(c)
    });
    let has_number = span
        .iter()
        .any(|c| c.is_ascii_digit() || *c == '*' || CN_NUMERALS.contains(*c));
    (numeric && has_number).then_some((start, end))
}
