//! Markdown: the rendered template with its placeholders, turned into the `.md` file and parsed
//! (pulldown-cmark) into the [`Document`] every other format lays out.

use pulldown_cmark::{Event, HeadingLevel, Parser, Tag, TagEnd};

use crate::document::{Block, Document, FigureNote, Inline, InlineStyle};
use crate::template::placeholder_index;

/// What a placeholder stands for in this render.
#[derive(Debug, Clone)]
pub struct Slot {
    pub figure: String,
    /// The text to print: the value, the masked value, or a draft marker.
    pub text: String,
    /// True when `text` is a draft marker for an unfilled or invalid figure.
    pub unfilled: bool,
    /// Label, value, formula and sources, for the HTML tooltip.
    pub tooltip: String,
    /// `ok`, `unfilled` or `invalid`.
    pub status: &'static str,
}

/// Markdown parser options: plain CommonMark, which is all a speech needs.
pub fn parser(markdown: &str) -> Parser<'_> {
    Parser::new(markdown)
}

/// The `.md` file: placeholders replaced by their text, escaped so that a value is always text.
pub fn fill(markdown: &str, slots: &[Slot]) -> String {
    let mut out = String::with_capacity(markdown.len() + slots.len() * 8);
    for c in markdown.chars() {
        match placeholder_index(c).and_then(|i| slots.get(i)) {
            Some(slot) => escape_into(&slot.text, &mut out),
            None => out.push(c),
        }
    }
    out
}

/// Backslash-escapes the characters that could make a value markup in CommonMark.
pub fn escape_into(text: &str, out: &mut String) {
    for c in text.chars() {
        if matches!(
            c,
            '\\' | '`'
                | '*'
                | '_'
                | '['
                | ']'
                | '<'
                | '>'
                | '#'
                | '|'
                | '~'
                | '!'
                | '&'
                | '{'
                | '}'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
}

/// Splits text at placeholders: plain runs and the slots between them.
pub fn split_placeholders<'a>(text: &'a str, slots: &'a [Slot]) -> Vec<Piece<'a>> {
    let mut pieces = Vec::new();
    let mut start = 0;
    for (i, c) in text.char_indices() {
        if let Some(slot) = placeholder_index(c).and_then(|n| slots.get(n)) {
            if start < i {
                pieces.push(Piece::Text(&text[start..i]));
            }
            pieces.push(Piece::Slot(slot));
            start = i + c.len_utf8();
        }
    }
    if start < text.len() {
        pieces.push(Piece::Text(&text[start..]));
    }
    pieces
}

pub enum Piece<'a> {
    Text(&'a str),
    Slot(&'a Slot),
}

/// Parses the rendered Markdown (with placeholders) into the document model.
pub fn to_document(markdown: &str, slots: &[Slot], draft: bool) -> Document {
    let mut title = String::new();
    let mut blocks = Vec::new();
    let mut inlines: Vec<Inline> = Vec::new();
    let mut heading: Option<u8> = None;
    let mut strong = 0usize;
    let flush = |inlines: &mut Vec<Inline>,
                 heading: Option<u8>,
                 blocks: &mut Vec<Block>,
                 title: &mut String| {
        if inlines.is_empty() {
            return;
        }
        let taken = std::mem::take(inlines);
        match heading {
            Some(1) if title.is_empty() => *title = taken.iter().map(|i| i.text.as_str()).collect(),
            Some(level) => blocks.push(Block::Heading {
                level,
                inlines: taken,
            }),
            None => blocks.push(Block::Paragraph { inlines: taken }),
        }
    };
    for event in parser(markdown) {
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                flush(&mut inlines, heading, &mut blocks, &mut title);
                heading = Some(heading_level(level));
            }
            Event::End(TagEnd::Heading(_)) => {
                flush(&mut inlines, heading, &mut blocks, &mut title);
                heading = None;
            }
            Event::Start(Tag::Paragraph) | Event::End(TagEnd::Paragraph) => {
                flush(&mut inlines, heading, &mut blocks, &mut title)
            }
            Event::Start(Tag::Strong) => strong += 1,
            Event::End(TagEnd::Strong) => strong = strong.saturating_sub(1),
            Event::Text(text) | Event::Code(text) => {
                let style = if strong > 0 {
                    InlineStyle::Lead
                } else {
                    InlineStyle::Plain
                };
                for piece in split_placeholders(&text, slots) {
                    match piece {
                        Piece::Text(t) => push_inline(&mut inlines, t, style, None, false),
                        Piece::Slot(s) => {
                            push_inline(&mut inlines, &s.text, style, Some(&s.figure), s.unfilled)
                        }
                    }
                }
            }
            // Chinese lines are joined without a space.
            Event::SoftBreak | Event::HardBreak => {}
            _ => {}
        }
    }
    flush(&mut inlines, heading, &mut blocks, &mut title);
    let figures = slots
        .iter()
        .map(|s| FigureNote {
            id: s.figure.clone(),
            provenance: s.tooltip.clone(),
            status: s.status,
        })
        .collect();
    Document {
        title,
        blocks,
        draft,
        figures,
    }
}

fn push_inline(
    inlines: &mut Vec<Inline>,
    text: &str,
    style: InlineStyle,
    figure: Option<&str>,
    unfilled: bool,
) {
    if text.is_empty() {
        return;
    }
    if let Some(last) = inlines.last_mut()
        && figure.is_none()
        && last.figure.is_none()
        && last.style == style
    {
        last.text.push_str(text);
        return;
    }
    inlines.push(Inline {
        text: text.to_owned(),
        style,
        figure: figure.map(str::to_owned),
        unfilled,
    });
}

fn heading_level(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::template::placeholder;

    fn slot(figure: &str, text: &str) -> Slot {
        Slot {
            figure: figure.into(),
            text: text.into(),
            unfilled: false,
            tooltip: String::new(),
            status: "ok",
        }
    }

    #[test]
    fn values_are_escaped_in_markdown() {
        let md = format!("开展{}活动", placeholder(0));
        let out = fill(&md, &[slot("x", "**<script>** #1 {{ 7*7 }}")]);
        assert_eq!(out, r"开展\*\*\<script\>\*\* \#1 \{\{ 7\*7 \}\}活动");
    }

    #[test]
    fn document_has_title_headings_leads_and_figures() {
        let md = format!(
            "# 标题\n\n## 一、部分\n\n**扛起主体责任**。配备{}人。\n",
            placeholder(0)
        );
        let doc = to_document(&md, &[slot("deputies", "37")], false);
        assert_eq!(doc.title, "标题");
        assert_eq!(doc.blocks.len(), 2);
        assert_eq!(doc.blocks[0].plain_text(), "一、部分");
        let p = doc.blocks[1].inlines();
        assert_eq!(p[0].text, "扛起主体责任");
        assert_eq!(p[0].style, InlineStyle::Lead);
        assert_eq!(p[1].text, "。配备");
        assert_eq!(p[2].figure.as_deref(), Some("deputies"));
        assert_eq!(p[2].text, "37");
        assert_eq!(doc.blocks[1].plain_text(), "扛起主体责任。配备37人。");
    }
}
