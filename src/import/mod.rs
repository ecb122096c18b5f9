//! Bringing a delivered speech back (`speechgen import`): the copy the leader edited in Word, or
//! the Markdown or plain text of one.
//!
//! - [`read`] reads a .docx, .md or .txt into the [`Document`] model: title, part headings,
//!   paragraphs, lead sentences; in a .docx also the figures, by their content controls' tags.
//! - [`update`] (`import FILE --year Y`) turns it into year Y's template, every figure bound to
//!   its declaration: by its tag in a .docx, by where it stands and what it prints in text. A
//!   figure changed by hand, a value that could be one of several figures, a figure whose sentence
//!   is gone and a number no figure prints are reported for the clerk, never guessed.
//! - [`detect`] (`import FILE --new DIR`) proposes a project for a speech with none: every number
//!   and name found becomes a figure with a kind, an id and a label, its value a fact;
//!   [`new_project`] writes it and proves it prints the speech it came from.
//!
//! Both write the template from the model with [`template_source`].

pub mod bind;
pub mod detect;
pub mod new_project;
pub mod numbers;
pub mod read;

pub use bind::{Report, Update, update};
pub use detect::{Detection, Proposal, detect};
pub use new_project::{NewProject, create};
pub use read::{Delivered, Source, read};

use crate::document::{Block, Document, Inline, InlineStyle};
use crate::markdown::escape_into;

/// The figure id [`template_source`] writes as `{{ year }}`: a year printed in the speech that is
/// the facts' own year.
pub const YEAR: &str = "=year";
/// … as `{{ year - 1 }}`: the year before.
pub const YEAR_BEFORE: &str = "=year-1";

/// The Markdown template of a document whose figure inlines are the figures: `# title`,
/// `## heading`, paragraphs, lead sentences in `**…**`, each figure as `{{ fig.<id> }}` (the
/// year as `{{ year }}`). Text is escaped so that it reads back as written, whatever it holds.
/// `header` goes first (the Tera comment that says what the file is).
pub fn template_source(header: &str, doc: &Document) -> String {
    let mut out = header.to_owned();
    if !doc.title.is_empty() {
        out.push_str("# ");
        escape_text(&doc.title, &mut out);
        out.push_str("\n\n");
    }
    for block in &doc.blocks {
        match block {
            Block::Heading { level, inlines } => {
                out.push_str(&"#".repeat(usize::from((*level).clamp(2, 3))));
                out.push(' ');
                out.push_str(&inlines_source(inlines));
            }
            Block::Paragraph { inlines } => {
                let text = inlines_source(inlines);
                out.push_str(&protect_start(&text));
            }
        }
        out.push_str("\n\n");
    }
    let trimmed = out.trim_end().len();
    out.truncate(trimmed);
    out.push('\n');
    out
}

/// A paragraph whose text would start a list (`1.`, `1)`, `- `, `+ `) or a rule is written with
/// that character escaped.
fn protect_start(text: &str) -> String {
    let digits = text.chars().take_while(char::is_ascii_digit).count();
    let after = text[digits..].chars().next();
    if digits > 0 && matches!(after, Some('.' | ')')) {
        return format!("{}\\{}", &text[..digits], &text[digits..]);
    }
    if text.starts_with(['-', '+', '=']) {
        return format!("\\{text}");
    }
    text.to_owned()
}

fn figure_source(id: &str) -> String {
    match id {
        YEAR => "{{ year }}".to_owned(),
        YEAR_BEFORE => "{{ year - 1 }}".to_owned(),
        id => format!("{{{{ fig.{id} }}}}"),
    }
}

/// Not a letter, digit or figure: punctuation as CommonMark sees it at the edge of `**`.
fn is_mark(c: char) -> bool {
    !c.is_alphanumeric()
}

/// A block's runs as template text, lead sentences in `**…**` with any punctuation at their
/// edges left outside: CommonMark cannot close `**扛起主体责任。**` before a letter.
fn inlines_source(inlines: &[Inline]) -> String {
    let mut out = String::new();
    let mut i = 0;
    while i < inlines.len() {
        let lead = inlines[i].style == InlineStyle::Lead;
        let end = i + inlines[i..]
            .iter()
            .take_while(|x| (x.style == InlineStyle::Lead) == lead)
            .count();
        let group = &inlines[i..end];
        i = end;
        if !lead {
            for inline in group {
                run_source(inline, &mut out);
            }
            continue;
        }
        // The lead's text with its edge punctuation split off (figures are never at an edge's
        // punctuation: they print letters or digits).
        let mut pieces: Vec<Inline> = group.to_vec();
        let mut before = String::new();
        let mut after = String::new();
        if let Some(first) = pieces.first_mut().filter(|p| p.figure.is_none()) {
            let cut = first.text.len() - first.text.trim_start_matches(is_mark).len();
            before = first.text[..cut].to_owned();
            first.text = first.text[cut..].to_owned();
        }
        if let Some(last) = pieces.last_mut().filter(|p| p.figure.is_none()) {
            let keep = last.text.trim_end_matches(is_mark).len();
            after = last.text[keep..].to_owned();
            last.text.truncate(keep);
        }
        escape_text(&before, &mut out);
        let inner: Vec<&Inline> = pieces
            .iter()
            .filter(|p| p.figure.is_some() || !p.text.is_empty())
            .collect();
        if !inner.is_empty() {
            out.push_str("**");
            for p in inner {
                run_source(p, &mut out);
            }
            out.push_str("**");
        }
        escape_text(&after, &mut out);
    }
    out
}

fn run_source(inline: &Inline, out: &mut String) {
    match &inline.figure {
        Some(id) => {
            // A `{` just before the figure's `{{` would open a Tera tag (`\{{{`): printed by
            // Tera as raw text instead. Every `{` of text is escaped (`\{`) and nothing else
            // ends in `{`: the braces the text ends with go into one raw block.
            let mut braces = 0;
            while out.ends_with('{') {
                out.truncate(out.len() - 2);
                braces += 1;
            }
            if braces > 0 {
                out.push_str("{% raw %}");
                out.push_str(&"{".repeat(braces));
                out.push_str("{% endraw %}");
            }
            out.push_str(&figure_source(id));
        }
        None => escape_text(&inline.text, out),
    }
}

/// Text as template source: Markdown's escapes (see [`escape_into`]), and nothing Tera reads
/// as a tag: `{%` is written `\{\%` (Tera sees no `{%`, Markdown prints `{%`), as `{{` and
/// `{#` already are (`\{\{`, `\{\#`).
fn escape_text(text: &str, out: &mut String) {
    let mut buf = [0u8; 4];
    for c in text.chars() {
        // Every `{` of text is escaped, so a `{` the output ends with is one.
        if c == '%' && out.ends_with('{') {
            out.push_str("\\%");
        } else {
            escape_into(c.encode_utf8(&mut buf), out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inline(text: &str, lead: bool, figure: Option<&str>) -> Inline {
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

    #[test]
    fn a_document_as_template_text() {
        let doc = Document {
            title: "发言".into(),
            blocks: vec![
                Block::Heading {
                    level: 2,
                    inlines: vec![inline("一、部分", false, None)],
                },
                Block::Paragraph {
                    inlines: vec![
                        inline("扛起主体责任。", true, None),
                        inline("配备", false, None),
                        inline("37", false, Some("deputies")),
                        inline("人，*星*与{{ x }}。", false, None),
                        inline("2021", false, Some(YEAR)),
                        inline("年。", false, None),
                    ],
                },
                Block::Paragraph {
                    inlines: vec![inline("1. 不是列表。", false, None)],
                },
            ],
            ..Document::default()
        };
        assert_eq!(
            template_source("{# 说明 #}\n", &doc),
            "{# 说明 #}\n# 发言\n\n## 一、部分\n\n**扛起主体责任**。配备{{ fig.deputies }}人，\\*星\\*与\\{\\{ x \\}\\}。{{ year }}年。\n\n1\\. 不是列表。\n"
        );
    }

    /// The template's text for `doc` rendered again as Markdown and read back.
    fn read_back(doc: &Document) -> Document {
        let source = template_source("", doc);
        let made = crate::template::Template::new("speech.md.tera", source.clone());
        let md = made
            .render(&made.figure_ids(), 2021)
            .unwrap_or_else(|e| panic!("{source}: {}", e.message));
        crate::markdown::to_document(&made, &md, &[], false)
            .unwrap_or_else(|_| panic!("{source}: {md}"))
    }

    fn words(inlines: &[Inline]) -> String {
        inlines
            .iter()
            .filter(|i| i.figure.is_none())
            .flat_map(|i| i.text.chars())
            // Without the figures' values a figure reads back as its placeholder.
            .filter(|c| !('\u{f0000}'..='\u{ffffd}').contains(c))
            .collect()
    }

    proptest::proptest! {
        /// Any sentence, as a clerk may type it, reads back as typed: Tera's `{{`, `{%`, `{#`,
        /// Markdown's marks, commas, full-width digits, quotes; before and after a figure.
        #[test]
        fn any_edited_sentence_reads_back_as_typed(
            text in "[a中{}%#*,，１2\"“”'\\!\\[\\]()`~|<>&;. _+=-]{1,24}",
            figure in proptest::bool::ANY,
        ) {
            let text = text.trim().to_owned();
            proptest::prop_assume!(!text.is_empty());
            let mut inlines = vec![inline(&text, false, None)];
            if figure {
                inlines.push(inline("37", false, Some("deputies")));
                inlines.push(inline(&text, false, None));
            }
            let doc = Document {
                title: "发言".into(),
                blocks: vec![Block::Paragraph { inlines }],
                ..Document::default()
            };
            let back = read_back(&doc);
            let expected = if figure { format!("{text}{text}") } else { text.clone() };
            proptest::prop_assert_eq!(words(back.blocks[0].inlines()), expected);
        }
    }

    #[test]
    fn tera_tags_in_text_are_text() {
        for text in ["{% raw %}x", "a{%", "{{ y }}", "{# z #}", "a{", "\\{%"] {
            let doc = Document {
                title: "发言".into(),
                blocks: vec![Block::Paragraph {
                    inlines: vec![
                        inline(text, false, None),
                        inline("37", false, Some("deputies")),
                    ],
                }],
                ..Document::default()
            };
            assert_eq!(words(read_back(&doc).blocks[0].inlines()), text, "{text}");
        }
    }

    #[test]
    fn the_template_reads_back_as_the_document() {
        let doc = Document {
            title: "发言".into(),
            blocks: vec![Block::Paragraph {
                inlines: vec![
                    inline("“关键”时刻。", true, None),
                    inline("正文<b>#1</b> & [链接] - 完。", false, None),
                ],
            }],
            ..Document::default()
        };
        let source = template_source("", &doc);
        let back = crate::markdown::parse(&source, &[], false).unwrap();
        assert_eq!(back.title, "发言");
        assert_eq!(back.blocks[0].plain_text(), doc.blocks[0].plain_text());
        // The opening quote and the full stop are outside the bold, so that CommonMark closes it.
        assert_eq!(back.blocks[0].inlines()[0].text, "“");
        assert_eq!(back.blocks[0].inlines()[1].text, "关键”时刻");
        assert_eq!(back.blocks[0].inlines()[1].style, InlineStyle::Lead);
    }
}
