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
//!
//! `tokens` cuts a speech into tokens and sentences, `diff` compares them; the comparison is
//! written as text (`text`), a page (`html`) or JSON (`json`).

mod diff;
mod html;
mod json;
mod text;
mod tokens;

pub use diff::{diff, diff_years};
pub use text::marked_text;
pub(crate) use tokens::{Key, Token, level, tokens};
pub use tokens::{SENTENCE_ENDS, YEAR_FIGURE};

/// A change's part of the speech: the same in both, or only in the old or the new one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Same,
    Inserted,
    Deleted,
}

impl Op {
    pub(super) fn name(self) -> &'static str {
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
}

#[cfg(test)]
mod tests {
    use super::tokens::{plain, sentences};
    use super::*;
    use crate::document::{Block, Document, Inline, InlineStyle};

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
