//! Each figure bound in the delivered speech (by place, then by value), the speech rebuilt with
//! its figures, and what the clerk must decide.

use std::collections::{BTreeMap, BTreeSet};

use super::Report;
use super::align::{Aligned, Claim, Occurrence, changed_at_place, fits};
use super::now::Now;
use crate::document::{Block, Document, Inline, InlineStyle};
use crate::import::numbers;
use crate::wording::{self, Key, SENTENCE_ENDS};

/// The figures bound so far, and what the clerk must decide.
#[derive(Default)]
pub(super) struct Binding {
    /// Stretches of the delivered speech that are figures.
    claims: Vec<Claim>,
    /// Stretches where a figure stood, typed over with another number.
    hand_changed: Vec<Claim>,
    /// Indexes into [`Aligned::occurrences`] of the figures whose place is gone.
    pending: Vec<usize>,
    /// Figures found by place in a copy that tags others: their tags were lost.
    untagged_found: BTreeSet<String>,
    ambiguous_ids: BTreeSet<String>,
    /// Tokens of the delivered speech that are controls with a wrong tag.
    wrong_at: BTreeSet<usize>,
    /// Figures at whose place a control with another tag stands.
    wrong_places: BTreeSet<String>,
    pub(super) reports: Vec<Report>,
}

/// The delivered speech with its figures in place.
pub(super) struct Rebuilt {
    pub(super) document: Document,
    /// The figures it prints.
    pub(super) used: BTreeSet<String>,
    /// Figure occurrences bound (by tag, place or value).
    pub(super) bound: usize,
}

impl Binding {
    fn claimed(&self, i: usize) -> bool {
        self.claims
            .iter()
            .chain(&self.hand_changed)
            .any(|c| (c.start..c.end).contains(&i))
    }

    /// Controls whose tag names another figure than the one printed at their place, and tags
    /// used more often than the template prints their figure: reported, for a person to decide.
    pub(super) fn wrong_tags(&mut self, now: &Now, aligned: &Aligned) {
        let mut uses: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        for (i, t) in aligned.new_tokens.iter().enumerate() {
            if let Key::Figure(id) = &t.key {
                uses.entry(id.as_str()).or_default().push(i);
            }
        }
        for (tag, places) in uses {
            if !now.is_declared(tag) {
                continue;
            }
            let own: Vec<&Occurrence> =
                aligned.occurrences.iter().filter(|o| o.id == tag).collect();
            for &i in &places {
                let Some(place) = aligned.place_of(i).filter(|o| o.id != tag) else {
                    continue;
                };
                self.wrong_at.insert(i);
                self.wrong_places.insert(place.id.clone());
                self.reports.push(Report::WrongTag {
                    tag: tag.to_owned(),
                    label: now.label(tag),
                    text: aligned.new_tokens[i].text.clone(),
                    sentence: sentence_at(&aligned.new_tokens, i),
                    place: place.id.clone(),
                    place_label: now.label(&place.id),
                    place_value: now.shown(&now.computed(&place.id), &place.id),
                    tag_value: now.shown(&now.computed(tag), tag),
                    tag_sentence: own.first().map_or_else(
                        || "（模板中没有印出它）".to_owned(),
                        |o| aligned.old_sentence_at(o.start),
                    ),
                });
            }
            if !own.is_empty() && places.len() > own.len() {
                self.wrong_at.extend(places.iter().copied());
                self.reports.push(Report::DuplicateTag {
                    tag: tag.to_owned(),
                    label: now.label(tag),
                    printed: own.len(),
                    sentences: places
                        .iter()
                        .map(|&i| sentence_at(&aligned.new_tokens, i))
                        .collect(),
                });
            }
        }
    }

    /// Each untagged figure bound where it stood, or found typed over there; the rest pending.
    pub(super) fn by_place(&mut self, now: &Now, aligned: &Aligned) {
        let map = &aligned.map;
        for (index, occ) in aligned.occurrences.iter().enumerate() {
            if aligned.tagged.contains(&occ.id) {
                continue;
            }
            let mapped: Vec<Option<usize>> = map[occ.start..occ.end].to_vec();
            let contiguous = mapped.iter().all(Option::is_some)
                && mapped.windows(2).all(|w| w[1] == w[0].map(|x| x + 1));
            if let (true, Some(Some(first))) = (contiguous, mapped.first()) {
                let (start, end) = (*first, *first + occ.end - occ.start);
                // Its place is certain only with the text on one side of it still beside it: a
                // lone 两 or 6 of a rewritten sentence may have been paired with any 两 or 6.
                let anchored = (occ.start > 0
                    && map[occ.start - 1].is_some()
                    && map[occ.start - 1] == start.checked_sub(1))
                    || map.get(occ.end).copied().flatten() == Some(end);
                if anchored && fits(&aligned.new_chars, start, end, now.kind_of(&occ.id)) {
                    self.claims.push(Claim {
                        id: occ.id.clone(),
                        start,
                        end,
                    });
                    if !aligned.tagged.is_empty() {
                        self.untagged_found.insert(occ.id.clone());
                    }
                    continue;
                }
            }
            if let Some((start, end)) = changed_at_place(map, &aligned.new_chars, occ) {
                let claim = Claim {
                    id: occ.id.clone(),
                    start,
                    end,
                };
                // The circulation copy's * (or *多) where the figure stood is the figure, masked;
                // its number with the thousands parted (1,001) is the figure, as typed.
                if now.prints(&occ.id, &aligned.text(start, end)) {
                    self.claims.push(claim);
                } else {
                    self.hand_changed.push(claim);
                }
                continue;
            }
            self.pending.push(index);
        }
    }

    /// Figures whose place is gone: found by their value in the rewritten text, if certainly;
    /// a value that could be several figures, or stands at too many places, reported.
    pub(super) fn by_value(&mut self, now: &Now, aligned: &Aligned) {
        let mut by_value: BTreeMap<String, Vec<&Occurrence>> = BTreeMap::new();
        for &index in &self.pending {
            let occ = &aligned.occurrences[index];
            by_value.entry(occ.text.clone()).or_default().push(occ);
        }
        let new_chars = &aligned.new_chars;
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
            let kind = now.kind_of(&ids[0]);
            let places: Vec<usize> = (0..new_chars.len().saturating_sub(needle.len() - 1))
                .filter(|&s| {
                    new_chars[s..s + needle.len()] == needle[..]
                        && (s..s + needle.len()).all(|i| !aligned.equal_new[i] && !self.claimed(i))
                        && fits(new_chars, s, s + needle.len(), kind)
                })
                .collect();
            if places.is_empty() {
                continue;
            }
            if ids.len() == 1 && places.len() == occs.len() {
                for s in places {
                    self.claims.push(Claim {
                        id: ids[0].clone(),
                        start: s,
                        end: s + needle.len(),
                    });
                }
                continue;
            }
            self.ambiguous_ids.extend(ids.iter().cloned());
            self.reports.push(Report::Ambiguous {
                ids,
                value,
                sentences: places
                    .iter()
                    .map(|&s| sentence_at(&aligned.new_tokens, s))
                    .collect(),
            });
        }
    }

    /// The delivered speech as a document, each bound figure a figure inline; a tagged figure
    /// or a claim typed over reported as changed by hand, a tag no figure declares as unknown.
    pub(super) fn rebuild(&mut self, now: &Now, aligned: &Aligned) -> Rebuilt {
        let new_tokens = &aligned.new_tokens;
        let mut rebuilt = Rebuilt {
            document: Document::default(),
            used: BTreeSet::new(),
            bound: 0,
        };
        let mut block: Option<(u8, Vec<Inline>)> = None;
        let mut i = 0;
        while i < new_tokens.len() {
            let token = &new_tokens[i];
            match &token.key {
                Key::Break(level) => {
                    finish(block.take(), &mut rebuilt.document);
                    block = Some((*level, Vec::new()));
                    i += 1;
                }
                Key::Figure(id) => {
                    let inlines = &mut block.get_or_insert((0, Vec::new())).1;
                    let style = style(token.lead);
                    if now.is_declared(id) {
                        if !now.prints(id, &token.text) && !self.wrong_at.contains(&i) {
                            let report = now.hand_changed(id, aligned, i, token.text.clone());
                            self.reports.push(report);
                        }
                        rebuilt.used.insert(id.clone());
                        rebuilt.bound += 1;
                        inlines.push(Inline {
                            text: now
                                .regrouped(id, &token.text)
                                .unwrap_or_else(|| token.text.clone()),
                            style,
                            figure: Some(id.clone()),
                            unfilled: false,
                        });
                    } else {
                        self.reports.push(Report::UnknownTag {
                            id: id.clone(),
                            text: token.text.clone(),
                            sentence: sentence_at(new_tokens, i),
                        });
                        push_text(inlines, &token.text, style);
                    }
                    i += 1;
                }
                Key::Char(c) => {
                    let inlines = &mut block.get_or_insert((0, Vec::new())).1;
                    let claim = self
                        .claims
                        .iter()
                        .chain(&self.hand_changed)
                        .find(|cl| cl.start == i)
                        .cloned();
                    match claim {
                        Some(cl) => {
                            let typed = aligned.text(cl.start, cl.end);
                            if self.hand_changed.iter().any(|h| h.start == cl.start) {
                                let report = now.hand_changed(&cl.id, aligned, i, typed.clone());
                                self.reports.push(report);
                            }
                            rebuilt.used.insert(cl.id.clone());
                            rebuilt.bound += 1;
                            inlines.push(Inline {
                                text: now.regrouped(&cl.id, &typed).unwrap_or(typed),
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
        finish(block.take(), &mut rebuilt.document);
        rebuilt
    }

    /// Numbers in new wording that no figure prints; one that stands in a copy of a figure's
    /// sentence (its value, with the words beside it) is that copy, for a person to decide.
    pub(super) fn report_unbound_numbers(&mut self, now: &Now, aligned: &Aligned) {
        let mut reported = BTreeSet::new();
        for block in split_blocks(&aligned.new_tokens) {
            let chars: Vec<char> = block
                .iter()
                .map(|i| i.map_or('\u{0}', |i| aligned.new_chars[i]))
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
                let new_text = at.iter().any(|&i| !aligned.equal_new[i])
                    && !at.iter().any(|&i| self.claimed(i));
                let digits = n.text.chars().any(|c| c.is_ascii_digit());
                let is_ambiguous = self
                    .reports
                    .iter()
                    .any(|r| matches!(r, Report::Ambiguous { value, .. } if *value == n.text));
                if new_text && digits && !is_ambiguous && reported.insert(at[0]) {
                    if let Some(report) = self.copied_figure(now, aligned, &n.text, &at) {
                        self.reports.push(report);
                        continue;
                    }
                    self.reports.push(Report::UnboundNumber {
                        text: format!("{}{}", n.text, n.unit),
                        sentence: sentence_at(&aligned.new_tokens, at[0]),
                    });
                }
            }
        }
    }

    /// The figure whose sentence the new number at `at` was copied from: a figure bound elsewhere
    /// that prints the same number (`1,001` is 1001), with the same words right beside it (at
    /// least four characters on the two sides together). With the tags lost (an office that
    /// drops them on saving), this is what a tag used twice is in a tagged copy.
    fn copied_figure(
        &self,
        now: &Now,
        aligned: &Aligned,
        text: &str,
        at: &[usize],
    ) -> Option<Report> {
        let value = numbers::without_group_separators(text).unwrap_or_else(|| text.to_owned());
        let (first, last) = (*at.first()?, *at.last()?);
        let new_char = |i: usize| aligned.new_chars.get(i).copied().filter(|c| *c != '\u{0}');
        let old_char = |j: usize| match aligned.old_keys.get(j) {
            Some(Key::Char(c)) => Some(*c),
            _ => None,
        };
        let alike = |old: &mut dyn Iterator<Item = Option<char>>,
                     new: &mut dyn Iterator<Item = Option<char>>| {
            old.zip(new)
                .take(8)
                .take_while(|(o, n)| o.is_some() && o == n)
                .count()
        };
        let occ = aligned.occurrences.iter().find(|occ| {
            occ.text == value && {
                let left = alike(
                    &mut (0..occ.start).rev().map(old_char),
                    &mut (0..first).rev().map(new_char),
                );
                let right = alike(
                    &mut (occ.end..aligned.old_keys.len()).map(old_char),
                    &mut (last + 1..aligned.new_chars.len()).map(new_char),
                );
                left + right >= 4
            }
        })?;
        // Where the figure stands in the delivered speech: bound there, or tagged there.
        let original = self
            .claims
            .iter()
            .find(|c| c.id == occ.id)
            .map(|c| c.start)
            .or_else(|| {
                aligned
                    .new_tokens
                    .iter()
                    .position(|t| t.key == Key::Figure(occ.id.clone()))
            });
        let (sentence, paragraph) = match original {
            Some(i) => (
                sentence_at(&aligned.new_tokens, i),
                paragraph_at(&aligned.new_tokens, i),
            ),
            None => (aligned.old_sentence_at(occ.start), 0),
        };
        Some(Report::CopiedFigure {
            id: occ.id.clone(),
            label: now.label(&occ.id),
            value: now.shown(&occ.text, &occ.id),
            sentence,
            paragraph,
            copy: sentence_at(&aligned.new_tokens, first),
            copy_paragraph: paragraph_at(&aligned.new_tokens, first),
        })
    }

    /// Figures the template printed that the delivered speech does not.
    pub(super) fn report_unused(&mut self, now: &Now, aligned: &Aligned, used: &BTreeSet<String>) {
        let mut seen = BTreeSet::new();
        for occ in &aligned.occurrences {
            if !used.contains(&occ.id)
                && !self.ambiguous_ids.contains(&occ.id)
                && !self.wrong_places.contains(&occ.id)
                && seen.insert(&occ.id)
            {
                self.reports.push(Report::Unused {
                    id: occ.id.clone(),
                    label: now.label(&occ.id),
                    value: now.shown(&occ.text, &occ.id),
                });
            }
        }
    }

    /// How it was bound, where worth knowing: figures whose tags were lost, and the template's
    /// statements written out as the text they printed.
    pub(super) fn notes(&self, now: &Now, used: &BTreeSet<String>) -> Vec<String> {
        let mut notes = Vec::new();
        let found_without_tag: Vec<&String> = self
            .untagged_found
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
        if now.checked.template.source.contains("{%") {
            notes.push(format!(
                "{} 中的 {{% … %}} 语句（条件、循环）在导入后的模板中写成了它们这一年印出的文字",
                crate::figures::display_path(&now.checked.template.path)
            ));
        }
        notes
    }
}

/// Ends the block being built: the title (level 1), a heading or a paragraph.
fn finish(block: Option<(u8, Vec<Inline>)>, document: &mut Document) {
    let Some((level, inlines)) = block else {
        return;
    };
    match level {
        0 => document.blocks.push(Block::Paragraph { inlines }),
        1 => document.title = inlines.iter().map(|i| i.text.as_str()).collect(),
        level => document.blocks.push(Block::Heading { level, inlines }),
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

/// The paragraph of the delivered speech that token `at` stands in, counted from 1 as Word
/// counts them (the title is the first).
fn paragraph_at(tokens: &[wording::Token], at: usize) -> usize {
    tokens[..=at.min(tokens.len().saturating_sub(1))]
        .iter()
        .filter(|t| matches!(t.key, Key::Break(_)))
        .count()
        .max(1)
}

/// The sentence of the delivered speech that the token at `at` stands in, figures as typed.
pub(super) fn sentence_at(tokens: &[wording::Token], at: usize) -> String {
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
