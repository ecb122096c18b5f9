//! Markdown: the rendered template with its placeholders, turned into the `.md` file and parsed
//! (pulldown-cmark) into the [`Document`] every other format lays out.

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use crate::diagnostic::Diagnostic;
use crate::document::{
    Block, CIRCULATION_LINE, DRAFT_LINE, Document, FigureNote, Inline, InlineStyle, SAMPLE_MARK,
};
use crate::template::{Template, placeholder_index};

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
    /// The declared unit (个, %); empty when none.
    pub unit: String,
    /// A number, not a name: kept on one line in print.
    pub number: bool,
}

/// The Markdown parser: CommonMark, with tables and footnotes recognised only so that they are
/// refused by name (without the options a table would print as its pipes and dashes).
/// Strikethrough stays off: `~` is an ordinary character in Chinese text (5~10人).
pub fn parser(markdown: &str) -> Parser<'_> {
    Parser::new_ext(markdown, Options::ENABLE_TABLES | Options::ENABLE_FOOTNOTES)
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

/// The `.md` file: the filled Markdown, with the marks of its copy at the top: the sample mark
/// as a comment, the draft's line and the circulation copy's line above the title.
pub fn file(doc: &Document, filled: &str) -> String {
    let mut out = String::with_capacity(filled.len() + 160);
    if doc.sample {
        out.push_str(&format!("<!-- {SAMPLE_MARK} -->\n\n"));
    }
    if doc.draft {
        out.push_str(&format!("{DRAFT_LINE}\n\n"));
    }
    if doc.circulation {
        out.push_str(&format!("{CIRCULATION_LINE}\n\n"));
    }
    out.push_str(filled.trim_start_matches('\n'));
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

/// Markdown the document model does not hold. The model is what every format lays out, so such
/// Markdown could only be shown by some formats and lost by others (a list was a `<ul>` in the HTML
/// and one run-on paragraph in the PDF); it is refused at its template line instead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Construct {
    List,
    OrderedList,
    Table,
    Link,
    /// `[name]: https://…` on a line of its own: it prints nothing anywhere, silently.
    LinkDefinition,
    Image,
    Html,
    BlockQuote,
    CodeBlock,
    Footnote,
    ThematicBreak,
    /// `*text*` or `_text_`: the model's only style besides body text is the bold lead sentence.
    Emphasis,
    /// A level-1 heading after the title.
    SecondTitle,
    /// A heading below level 3 (`####`…).
    DeepHeading(u8),
    /// Markdown that only parser options not set here produce (strikethrough, math, …).
    Other,
}

/// One construct refused, with the byte offset where it starts in the rendered Markdown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unsupported {
    pub construct: Construct,
    pub offset: usize,
}

/// What every hint begins with: the whole of what a speech may hold.
const SUPPORTED: &str = "讲话稿只支持标题、段落和加粗的段首句";

impl Construct {
    /// Its name in a message, with the syntax that makes it, so that a clerk can find it.
    pub fn name(self) -> String {
        match self {
            Construct::List => "列表（以 -、* 或 + 开头的行）".into(),
            Construct::OrderedList => "编号列表（以“1.”或“1)”开头的行）".into(),
            Construct::Table => "表格".into(),
            Construct::Link => "链接".into(),
            Construct::LinkDefinition => "链接定义（[名称]: 网址）".into(),
            Construct::Image => "图片".into(),
            Construct::Html => "网页标记（HTML，如 <b> 或 <!-- -->）".into(),
            Construct::BlockQuote => "引用（以 > 开头的行）".into(),
            Construct::CodeBlock => "代码块（``` 围起的文字，或行首缩进四个空格的行）".into(),
            Construct::Footnote => "脚注".into(),
            Construct::ThematicBreak => "分隔线（单独一行的 ---、*** 或 ___）".into(),
            Construct::Emphasis => "斜体（单个 * 或 _ 围起的文字）".into(),
            Construct::SecondTitle => "第二个一级标题（# 开头）".into(),
            Construct::DeepHeading(level) => {
                format!("{level} 级标题（{} 开头）", "#".repeat(level.into()))
            }
            Construct::Other => "这种 Markdown 写法".into(),
        }
    }

    /// How to write it instead.
    pub fn hint(self) -> String {
        let how = match self {
            Construct::List => "请把列表改写为段落（每项一段，或用“一是……二是……”连成一段）",
            Construct::OrderedList => "请把编号列表改写为段落；行首确要印出“1.”时写作 1\\.",
            Construct::Table => "请把表格改写为段落",
            Construct::Link => {
                "讲话稿印在纸上，链接无处可点：请只留下链接文字，删去 [ ] 与 ( ) 中的网址"
            }
            Construct::LinkDefinition => "这一行什么也印不出：请删去它",
            Construct::Image => "请删去图片",
            Construct::Html => {
                "网页标记印不进 PDF：请删去它；给自己看的注释请写作 {# …… #}；要印出 < 请写作 \\<"
            }
            Construct::BlockQuote => "请删去行首的 >",
            Construct::CodeBlock => {
                "请删去 ``` 围栏或行首的空格（段落首行空两字由排版完成，不必手工缩进）"
            }
            Construct::Footnote => "请把脚注的内容写进正文，或删去它",
            Construct::ThematicBreak => "请删去这一行；各部分之间用 ## 小标题分开",
            Construct::Emphasis => {
                "只有段首句可以加粗（**段首句**。），斜体印不出：请删去 * 或 _；要印出 * 请写作 \\*"
            }
            Construct::SecondTitle => "讲话稿只有一个标题；小标题请以 ## 开头",
            Construct::DeepHeading(_) => {
                "小标题只有两级：## 一级（如“一、……”，黑体）和 ### 二级（如“（一）……”，楷体）；更细的层次请写进段落"
            }
            Construct::Other => "请把它改写为普通文字",
        };
        format!("{SUPPORTED}；{how}")
    }
}

/// The construct a tag opens, when the model does not hold it. Every variant is named so that a
/// new kind of Markdown (a newer pulldown-cmark, another option) must be decided here.
fn refused_tag(tag: &Tag, title_seen: bool) -> Option<Construct> {
    match tag {
        Tag::Paragraph | Tag::Strong => None,
        Tag::Heading { level, .. } => match heading_level(*level) {
            1 if title_seen => Some(Construct::SecondTitle),
            level @ 4.. => Some(Construct::DeepHeading(level)),
            _ => None,
        },
        Tag::List(None) | Tag::Item => Some(Construct::List),
        Tag::List(Some(_)) => Some(Construct::OrderedList),
        Tag::Table(_) | Tag::TableHead | Tag::TableRow | Tag::TableCell => Some(Construct::Table),
        Tag::Link { .. } => Some(Construct::Link),
        Tag::Image { .. } => Some(Construct::Image),
        Tag::HtmlBlock => Some(Construct::Html),
        Tag::BlockQuote(_) => Some(Construct::BlockQuote),
        Tag::CodeBlock(_) => Some(Construct::CodeBlock),
        Tag::FootnoteDefinition(_) => Some(Construct::Footnote),
        Tag::Emphasis => Some(Construct::Emphasis),
        // Parsed only with options `parser` does not set.
        Tag::Strikethrough
        | Tag::Superscript
        | Tag::Subscript
        | Tag::DefinitionList
        | Tag::DefinitionListTitle
        | Tag::DefinitionListDefinition
        | Tag::MetadataBlock(_) => Some(Construct::Other),
    }
}

/// Parses the rendered Markdown (with placeholders) into the document model, or names every
/// construct in it that the model does not hold (see [`Construct`]).
///
/// Inline code (`` `text` ``) is taken as its text, in the style around it, in every format: a
/// speech has no code, and the backticks are most likely a slip that should not lose words. A hard
/// line break (two spaces or `\` at a line's end) joins the lines as a soft one does: Chinese lines
/// are joined without a space, and the model has no line break within a paragraph.
pub fn parse(markdown: &str, slots: &[Slot], draft: bool) -> Result<Document, Vec<Unsupported>> {
    let parser = parser(markdown);
    // A link reference definition prints nothing and leaves no event: only the parser's table of
    // them shows it was there.
    let definitions: Vec<Unsupported> = parser
        .reference_definitions()
        .iter()
        .map(|(_, def)| Unsupported {
            construct: Construct::LinkDefinition,
            offset: def.span.start,
        })
        .collect();
    let mut refused: Vec<Unsupported> = Vec::new();
    let mut title = String::new();
    let mut title_seen = false;
    let mut blocks = Vec::new();
    let mut inlines: Vec<Inline> = Vec::new();
    let mut heading: Option<u8> = None;
    let mut strong = 0usize;
    // Depth inside a refused construct: what it holds is not looked at again.
    let mut skipping = 0usize;
    let flush = |inlines: &mut Vec<Inline>,
                 heading: Option<u8>,
                 blocks: &mut Vec<Block>,
                 title: &mut String| {
        if inlines.is_empty() {
            return;
        }
        let taken = std::mem::take(inlines);
        match heading {
            Some(1) => *title = taken.iter().map(|i| i.text.as_str()).collect(),
            Some(level) => blocks.push(Block::Heading {
                level,
                inlines: taken,
            }),
            None => blocks.push(Block::Paragraph { inlines: taken }),
        }
    };
    for (event, range) in parser.into_offset_iter() {
        if skipping > 0 {
            match event {
                Event::Start(_) => skipping += 1,
                Event::End(_) => skipping -= 1,
                _ => {}
            }
            continue;
        }
        let refuse = match &event {
            Event::Start(tag) => refused_tag(tag, title_seen),
            Event::Html(_) | Event::InlineHtml(_) => Some(Construct::Html),
            Event::FootnoteReference(_) => Some(Construct::Footnote),
            Event::Rule => Some(Construct::ThematicBreak),
            Event::TaskListMarker(_) => Some(Construct::List),
            Event::InlineMath(_) | Event::DisplayMath(_) => Some(Construct::Other),
            Event::End(_)
            | Event::Text(_)
            | Event::Code(_)
            | Event::SoftBreak
            | Event::HardBreak => None,
        };
        if let Some(construct) = refuse {
            // `<b>…</b>`, or two links on one line: one message for the line is enough.
            let repeated = refused.last().is_some_and(|last| {
                last.construct == construct && !markdown[last.offset..range.start].contains('\n')
            });
            if !repeated {
                refused.push(Unsupported {
                    construct,
                    offset: range.start,
                });
            }
            if matches!(event, Event::Start(_)) {
                skipping = 1;
            }
            continue;
        }
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                flush(&mut inlines, heading, &mut blocks, &mut title);
                let level = heading_level(level);
                title_seen |= level == 1;
                heading = Some(level);
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
            _ => {}
        }
    }
    refused.extend(definitions);
    if !refused.is_empty() {
        refused.sort_by_key(|u| u.offset);
        return Err(refused);
    }
    flush(&mut inlines, heading, &mut blocks, &mut title);
    let figures = slots
        .iter()
        .map(|s| FigureNote {
            id: s.figure.clone(),
            provenance: s.tooltip.clone(),
            status: s.status,
            unit: s.unit.clone(),
            number: s.number,
        })
        .collect();
    Ok(Document {
        title,
        blocks,
        draft,
        circulation: false,
        sample: false,
        figures,
    })
}

/// The rendered template (with placeholders) as the document model; Markdown the model does not
/// hold is refused with an error at the template line it was written on.
pub fn to_document(
    template: &Template,
    markdown: &str,
    slots: &[Slot],
    draft: bool,
) -> Result<Document, Vec<Diagnostic>> {
    parse(markdown, slots, draft).map_err(|found| {
        found
            .iter()
            .map(|u| {
                let mut d = template.error_in_output(
                    "unsupported-markdown",
                    markdown,
                    u.offset,
                    format!("讲话稿不支持{}", u.construct.name()),
                );
                d.hint = Some(u.construct.hint());
                d
            })
            .collect()
    })
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
            unit: String::new(),
            number: true,
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
        let doc = parse(&md, &[slot("deputies", "37")], false).unwrap();
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

    /// Each construct the model does not hold, found where it starts (`at` is the text it starts
    /// with), and only the outermost one when they nest.
    #[test]
    fn markdown_the_model_does_not_hold_is_refused_where_it_starts() {
        let cases: &[(&str, &str, Construct)] = &[
            (
                "前文。\n\n- 第一项工作\n- 第二项工作\n",
                "- 第一",
                Construct::List,
            ),
            ("* 第一项\n", "* 第一", Construct::List),
            ("1. 第一项\n2. 第二项\n", "1. 第一", Construct::OrderedList),
            (
                "| 甲 | 乙 |\n|---|---|\n| 1 | 2 |\n",
                "| 甲",
                Construct::Table,
            ),
            (
                "详见[网站](https://example.org)。",
                "[网站]",
                Construct::Link,
            ),
            ("详见<https://example.org>。", "<https", Construct::Link),
            (
                "[网站]: https://example.org\n\n正文。",
                "[网站]:",
                Construct::LinkDefinition,
            ),
            (
                "正文<b>甲</b>。\n\n[乙]: https://example.org\n",
                "<b>",
                Construct::Html,
            ),
            ("![照片](a.png)", "![照片]", Construct::Image),
            ("正文<b>加粗</b>。", "<b>", Construct::Html),
            ("<!-- 备注 -->\n\n正文。", "<!--", Construct::Html),
            ("<div>\n正文\n</div>\n", "<div>", Construct::Html),
            ("> 引文\n", "> 引文", Construct::BlockQuote),
            ("```\n代码\n```\n", "```", Construct::CodeBlock),
            (
                "正文。\n\n    缩进四格的一段。\n",
                "缩进四格",
                Construct::CodeBlock,
            ),
            (
                "正文[^1]。\n\n[^1]: 注释。\n",
                "[^1]。",
                Construct::Footnote,
            ),
            ("甲。\n\n---\n\n乙。", "---", Construct::ThematicBreak),
            ("这是*斜体*。", "*斜体", Construct::Emphasis),
            ("# 标题\n\n# 又一个标题\n", "# 又", Construct::SecondTitle),
            ("#### 四级\n", "####", Construct::DeepHeading(4)),
            ("- 项内有[链接](x)\n", "- 项", Construct::List),
        ];
        for (md, at, construct) in cases {
            let found = parse(md, &[], false).expect_err(md);
            let offset = md.find(at).unwrap();
            let first = found.first().unwrap();
            assert_eq!(
                (first.construct, first.offset),
                (*construct, offset),
                "{md}"
            );
            let expected = if md.contains("[^1]:") || md.contains("[乙]:") {
                2
            } else {
                1
            };
            assert_eq!(found.len(), expected, "{md}: {found:?}");
        }
    }

    #[test]
    fn what_the_model_holds_is_not_refused() {
        let md = "# 标题\n\n## 一、部分\n\n### （一）小节\n\n**扛起主体责任**。正文\\*与\\<b\\>，用`代码`写的字，\n硬换行前两个空格  \n续行。\n";
        let doc = parse(md, &[], false).unwrap();
        assert_eq!(doc.title, "标题");
        assert!(matches!(doc.blocks[1], Block::Heading { level: 3, .. }));
        // Inline code is its text; a hard break joins lines as a soft one does.
        assert_eq!(
            doc.blocks[2].plain_text(),
            "扛起主体责任。正文*与<b>，用代码写的字，硬换行前两个空格续行。"
        );
        // A `~` is text: strikethrough is not parsed (5~10人 is a range).
        let doc = parse("参加5~10人、3~5次。", &[], false).unwrap();
        assert_eq!(doc.blocks[0].plain_text(), "参加5~10人、3~5次。");
    }

    #[test]
    fn refusals_point_at_the_template_line() {
        let template = Template::new(
            "templates/speech.md.tera",
            "{#- 说明\n   两行 -#}\n# 标题\n\n第一段{{ fig.a }}。\n\n- 第一项{{ fig.a }}工作\n- 第二项工作\n".into(),
        );
        let md = template.render(&template.figure_ids(), 2021).unwrap();
        let found = to_document(&template, &md, &[], false).unwrap_err();
        assert_eq!(found.len(), 1);
        let d = &found[0];
        assert_eq!(d.code, "unsupported-markdown");
        let at = d.location.as_ref().unwrap();
        assert_eq!((at.line, at.column), (7, 1));
        assert_eq!(d.source_line.as_deref(), Some("- 第一项{{ fig.a }}工作"));
        assert!(d.message.contains("列表"), "{}", d.message);
        assert!(d.hint.as_ref().unwrap().contains("请把列表改写为段落"));
    }
}
