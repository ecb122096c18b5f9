//! `word/document.xml` and what hangs off it: the comments of a draft, the 草稿 header and the
//! page-number footer.

use super::XML_HEAD;
use super::page::*;
use super::styles::*;
use super::xml::{esc, text_element};
use crate::document::{
    Block, CIRCULATION_LINE, DRAFT_MARK, Document, Inline, InlineStyle, SAMPLE_MARK,
};

pub const W_NS: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
pub const R_NS: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

/// Relationship ids of `word/_rels/document.xml.rels` that the body refers to.
pub const HEADER_RID: &str = "rIdHeader";
pub const FOOTER_RID: &str = "rIdFooter";
/// Even pages' footer (`word/footer2.xml`): the number at the left.
pub const EVEN_FOOTER_RID: &str = "rIdFooterEven";
/// The circulation copy's first page carries its line above the title: its header leaves it out.
pub const FIRST_HEADER_RID: &str = "rIdHeaderFirst";

/// The body, and in a draft one comment per figure occurrence.
pub struct Body {
    pub document: String,
    /// `word/comments.xml`, when there is a comment (draft with figures).
    pub comments: Option<String>,
}

/// A content control's tag: how a later import finds a figure again, whatever its text now says.
pub fn figure_tag(id: &str) -> String {
    format!("fig:{id}")
}

pub fn body(doc: &Document) -> Body {
    let mut w = Writer {
        doc,
        xml: String::new(),
        comments: Vec::new(),
        controls: 0,
    };
    w.xml.push_str(&format!(
        "{XML_HEAD}\
         <w:document xmlns:w=\"{W_NS}\" xmlns:r=\"{R_NS}\"><w:body>"
    ));
    if doc.circulation {
        w.xml.push_str(&format!(
            "<w:p>{}<w:r>{}</w:r></w:p>",
            paragraph_style(CIRCULATION),
            text_element(CIRCULATION_LINE)
        ));
    }
    if !doc.title.is_empty() {
        w.xml.push_str(&format!(
            "<w:p>{}<w:r>{}</w:r></w:p>",
            paragraph_style(TITLE),
            text_element(&doc.title)
        ));
    }
    for block in &doc.blocks {
        let style = match block {
            Block::Heading { level, .. } => match level {
                0..=2 => PART_HEADING,
                3 => SECTION_HEADING,
                _ => SUBSECTION_HEADING,
            },
            Block::Paragraph { .. } => NORMAL,
        };
        w.xml.push_str("<w:p>");
        w.xml.push_str(&paragraph_style(style));
        // Characters of the next run already written with the figure before it (its unit).
        let mut skip = 0;
        let inlines = block.inlines();
        for (n, inline) in inlines.iter().enumerate() {
            if inline.figure.is_some() {
                skip = w.figure(inlines, n);
            } else {
                w.text(&inline.text[skip..], inline.style);
                skip = 0;
            }
        }
        w.xml.push_str("</w:p>");
    }
    w.xml
        .push_str(&section(has_header(doc), has_first_page_header(doc)));
    w.xml.push_str("</w:body></w:document>");
    let comments = (!w.comments.is_empty()).then(|| {
        format!(
            "{XML_HEAD}\
             <w:comments xmlns:w=\"{W_NS}\">{}</w:comments>",
            w.comments.concat()
        )
    });
    Body {
        document: w.xml,
        comments,
    }
}

fn paragraph_style(id: &str) -> String {
    format!("<w:pPr><w:pStyle w:val=\"{id}\"/></w:pPr>")
}

struct Writer<'a> {
    doc: &'a Document,
    xml: String,
    /// `<w:comment>` elements, in order of their ids.
    comments: Vec<String>,
    /// Content controls written so far (their `w:id`s are 1, 2, …: fixed, so the file is too).
    controls: u32,
}

impl Writer<'_> {
    /// A run of the text around the figures, in its style.
    fn text(&mut self, text: &str, style: InlineStyle) {
        if text.is_empty() {
            return;
        }
        self.xml.push_str(&format!(
            "<w:r>{}{}</w:r>",
            text_style(style, false),
            text_element(text)
        ));
    }

    /// Figure `inlines[n]`'s content control and, when it prints a number whose unit starts the
    /// text after it (1200多 then 人, 42 then 个), that unit joined to it; returns how many bytes
    /// of the next run it wrote. (An ASCII unit, %, needs no joining: it is Latin text with its
    /// digits already.)
    fn figure(&mut self, inlines: &[Inline], n: usize) -> usize {
        let inline = &inlines[n];
        let id = inline.figure.as_deref().expect("a figure's run");
        let note = self.doc.figure(id);
        let unit = self.doc.unit_after(inlines, n).filter(|u| {
            inlines[n + 1].style == inline.style && !u.starts_with(|c: char| c.is_ascii())
        });
        let comment = self.doc.draft.then_some(self.comments.len());
        if let Some(c) = comment {
            self.xml
                .push_str(&format!("<w:commentRangeStart w:id=\"{c}\"/>"));
        }
        self.controls += 1;
        let style = match inline.style {
            InlineStyle::Plain => FIGURE,
            InlineStyle::Lead => LEAD_FIGURE,
        };
        // A draft shows an unfilled or invalid figure's marker highlighted; a final output never
        // holds one (it is refused before anything is written).
        let highlight = if self.doc.draft && inline.unfilled {
            let colour = match note.map(|n| n.status) {
                Some("invalid") => "red",
                _ => "yellow",
            };
            format!("<w:highlight w:val=\"{colour}\"/>")
        } else {
            String::new()
        };
        let run = |text: &str, joined: bool| {
            let lang = if joined { JOINED_LANG } else { "" };
            format!(
                "<w:r><w:rPr><w:rStyle w:val=\"{style}\"/>{highlight}{lang}</w:rPr>{}</w:r>",
                text_element(text)
            )
        };
        let number = self.doc.number_of(inline).is_some();
        let content = match digits_then_words(&inline.text) {
            // LibreOffice (7.4) sets a gap of a quarter em between the digits and the 多 of
            // 1200多 when both stand in one content control (not between 93 and the 个 after
            // its control): it spaces Latin from Chinese text, and reads no `w:autoSpaceDN`.
            // The digits in a control of their own, untagged, inside the figure's, close the gap
            // and keep the figure's text one control (import reads an untagged control's runs
            // as the text around it). With 多 outside the figure's control there would be no
            // gap either, but import would read the figure as retyped without its 多.
            // A number's 多 is joined to its digits as its unit is (see `JOINED_LANG`).
            Some((digits, words)) => format!(
                "<w:sdt><w:sdtPr/><w:sdtContent>{}</w:sdtContent></w:sdt>{}",
                run(digits, false),
                if number {
                    run(&format!("{WORD_JOINER}{words}"), true)
                } else {
                    run(words, false)
                }
            ),
            None => run(&inline.text, false),
        };
        self.xml.push_str(&format!(
            "<w:sdt><w:sdtPr><w:alias w:val=\"数据项 {}\"/><w:tag w:val=\"{}\"/><w:id w:val=\"{}\"/></w:sdtPr>\
             <w:sdtContent>{content}</w:sdtContent></w:sdt>",
            esc(id),
            esc(&figure_tag(id)),
            self.controls,
        ));
        if let Some(c) = comment {
            self.xml.push_str(&format!(
                "<w:commentRangeEnd w:id=\"{c}\"/><w:r><w:rPr><w:rStyle w:val=\"{COMMENT_REFERENCE}\"/></w:rPr><w:commentReference w:id=\"{c}\"/></w:r>"
            ));
            let mut lines = vec![match note.map(|n| n.status) {
                Some("unfilled") => format!("数据项 {id}（未填）"),
                Some("invalid") => format!("数据项 {id}（有误）"),
                _ => format!("数据项 {id}"),
            }];
            if let Some(n) = note {
                lines.extend(n.provenance.lines().map(str::to_owned));
            }
            self.comments.push(comment_xml(c, &lines));
        }
        let Some(unit) = unit else {
            return 0;
        };
        self.xml.push_str(&format!(
            "<w:r>{}{}</w:r>",
            text_style(inline.style, true),
            text_element(&format!("{WORD_JOINER}{unit}"))
        ));
        unit.len()
    }
}

/// U+2060 WORD JOINER: written between a number and its unit (before the 个 of 42个, and before
/// both the 多 and the 人 of 1200多人), where no line may break. Invisible and of no width;
/// import and `verify` drop it, so the wording and the figures read back as written.
pub const WORD_JOINER: char = '\u{2060}';

/// The wording a `w:t` of a .docx holds: its characters without the joiners this writer puts
/// between a number and its unit (what import and `verify` read).
pub fn wording_of(t: &str) -> impl Iterator<Item = char> + '_ {
    t.chars().filter(|&c| c != WORD_JOINER)
}

/// The East Asian language of a number's unit (and of its 多 or 余): en-US, as its digits, so
/// that LibreOffice keeps the unit with the number.
///
/// LibreOffice (7.4) breaks a line of zh-CN text with its CJK break iterator, which knows only
/// the marks that may not start or end a line: where a mark after a unit did not fit
/// (`…人员126人，` with no room for `，`, which may not hang past the margin), it carried the one
/// character before the mark down and parted the figure from its unit (`126` / `人，`), 2 places
/// in the sample and 12 in the shifted paragraphs of the typography test. A joiner alone does
/// nothing there (that iterator ignores it); text in a non-CJK language is broken by its ICU
/// iterator, which never breaks at a word joiner, so with both the break goes before the
/// number (the joiner alone in en-US, the unit zh-CN, still parted 12 there). The unit alone
/// takes the language: the marks after it stay zh-CN, as does the rest of the text. Word, by
/// Unicode's line breaking rules, does not break at a word joiner either (not tried here).
const JOINED_LANG: &str = "<w:lang w:eastAsia=\"en-US\"/>";

/// A run's properties for text around the figures: its style, and for a number's unit the
/// language it is joined in.
fn text_style(style: InlineStyle, joined: bool) -> String {
    let rstyle = match style {
        InlineStyle::Plain => String::new(),
        InlineStyle::Lead => format!("<w:rStyle w:val=\"{LEAD}\"/>"),
    };
    let lang = if joined { JOINED_LANG } else { "" };
    if rstyle.is_empty() && lang.is_empty() {
        String::new()
    } else {
        format!("<w:rPr>{rstyle}{lang}</w:rPr>")
    }
}

/// A figure's text cut where its leading number (ASCII digits, a decimal point) meets the words
/// after it: `1200多` → (`1200`, `多`). None for a text that is all number (`37`, `96.7%`), has
/// none (`两`), or is anything else.
fn digits_then_words(text: &str) -> Option<(&str, &str)> {
    let end = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .filter(|&end| end > 0)?;
    let (digits, words) = text.split_at(end);
    (digits.starts_with(|c: char| c.is_ascii_digit()) && !words.starts_with(|c: char| c.is_ascii()))
        .then_some((digits, words))
}

/// One comment, one paragraph a line. No date: the same input gives the same file.
fn comment_xml(id: usize, lines: &[String]) -> String {
    let mut x = format!("<w:comment w:id=\"{id}\" w:author=\"speechgen\" w:initials=\"sg\">");
    for (i, line) in lines.iter().enumerate() {
        x.push_str("<w:p>");
        x.push_str(&paragraph_style(COMMENT_TEXT));
        if i == 0 {
            x.push_str(&format!(
                "<w:r><w:rPr><w:rStyle w:val=\"{COMMENT_REFERENCE}\"/></w:rPr><w:annotationRef/></w:r>"
            ));
        }
        x.push_str(&format!("<w:r>{}</w:r></w:p>", text_element(line)));
    }
    x.push_str("</w:comment>");
    x
}

/// Whether the pages carry a header: a draft (草稿), the circulation copy (传阅稿) or a speech
/// from sample facts (样例).
pub fn has_header(doc: &Document) -> bool {
    doc.draft || doc.sample || doc.circulation
}

/// Whether page 1 has a header of its own: the circulation copy, whose first page carries
/// [`CIRCULATION_LINE`] above the title, so its header must not say it a second time.
pub fn has_first_page_header(doc: &Document) -> bool {
    doc.circulation
}

/// The page: A4, GB/T 9704 margins, the 22 × 28 grid, the footer and (draft, sample,
/// circulation) the header; with `first_page` (`w:titlePg`) page 1 takes its own header and the
/// same footer, since a first page without its own footer reference would print no number.
fn section(header: bool, first_page: bool) -> String {
    let mut references = String::new();
    if header {
        // With odd and even pages told apart (the settings' `w:evenAndOddHeaders`), even pages
        // take only an even header: the same marks.
        references.push_str(&format!(
            "<w:headerReference w:type=\"default\" r:id=\"{HEADER_RID}\"/>\
             <w:headerReference w:type=\"even\" r:id=\"{HEADER_RID}\"/>"
        ));
    }
    if first_page {
        references.push_str(&format!(
            "<w:headerReference w:type=\"first\" r:id=\"{FIRST_HEADER_RID}\"/>"
        ));
    }
    references.push_str(&format!(
        "<w:footerReference w:type=\"default\" r:id=\"{FOOTER_RID}\"/>\
         <w:footerReference w:type=\"even\" r:id=\"{EVEN_FOOTER_RID}\"/>"
    ));
    if first_page {
        references.push_str(&format!(
            "<w:footerReference w:type=\"first\" r:id=\"{FOOTER_RID}\"/>"
        ));
    }
    let title_page = if first_page { "<w:titlePg/>" } else { "" };
    format!(
        "<w:sectPr>{references}\
         <w:pgSz w:w=\"{PAGE_W}\" w:h=\"{PAGE_H}\"/>\
         <w:pgMar w:top=\"{MARGIN_TOP}\" w:right=\"{MARGIN_RIGHT}\" w:bottom=\"{MARGIN_BOTTOM}\" w:left=\"{MARGIN_LEFT}\" \
         w:header=\"{HEADER_DISTANCE}\" w:footer=\"{FOOTER_DISTANCE}\" w:gutter=\"0\"/>\
         <w:cols w:space=\"425\"/>{title_page}\
         <w:docGrid w:type=\"lines\" w:linePitch=\"{LINE_PITCH}\"/></w:sectPr>"
    )
}

/// `word/header1.xml` (every page) or, with `first_page`, `word/header2.xml` (page 1 of the
/// circulation copy): the sample mark, 草稿 and the circulation line at the right, above the
/// text block, each on a line of its own (on one line they would not fit the width and wrap
/// mid-mark). Page 1 of the circulation copy leaves its line out: the body carries it there.
pub fn header(doc: &Document, first_page: bool) -> String {
    let mut marks = Vec::new();
    if doc.sample {
        marks.push(SAMPLE_MARK);
    }
    if doc.draft {
        marks.push(DRAFT_MARK);
    }
    if doc.circulation && !first_page {
        marks.push(CIRCULATION_LINE);
    }
    // A header holds at least one paragraph, empty when no mark is left.
    let paragraphs: String = if marks.is_empty() {
        format!("<w:p>{}</w:p>", paragraph_style(HEADER))
    } else {
        marks
            .iter()
            .map(|m| {
                format!(
                    "<w:p>{}<w:r>{}</w:r></w:p>",
                    paragraph_style(HEADER),
                    text_element(m)
                )
            })
            .collect()
    };
    format!(
        "{XML_HEAD}\
         <w:hdr xmlns:w=\"{W_NS}\">{paragraphs}</w:hdr>"
    )
}

/// Which pages a footer serves: GB/T 9704 sets the number outside, odd pages at the right and
/// even pages at the left, one character in from the text block's edge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageSide {
    /// `word/footer1.xml`: the default footer, on odd pages (page 1 included).
    Odd,
    /// `word/footer2.xml`: on even pages (`w:evenAndOddHeaders` in the settings).
    Even,
}

/// One character of the page number's size (4号, 14 pt), in twips: its indent from the edge.
const PAGE_NUMBER_INDENT: u32 = PAGE_NUMBER_SIZE * 10;

/// A footer: “— 1 —”, the number a PAGE field, at the outer side of the page.
pub fn page_number_footer(side: PageSide) -> String {
    let place = match side {
        PageSide::Odd => format!(
            "<w:ind w:left=\"0\" w:right=\"{PAGE_NUMBER_INDENT}\" w:firstLine=\"0\"/><w:jc w:val=\"right\"/>"
        ),
        PageSide::Even => format!(
            "<w:ind w:left=\"{PAGE_NUMBER_INDENT}\" w:right=\"0\" w:firstLine=\"0\"/><w:jc w:val=\"left\"/>"
        ),
    };
    format!(
        "{XML_HEAD}\
         <w:ftr xmlns:w=\"{W_NS}\"><w:p><w:pPr><w:pStyle w:val=\"{FOOTER}\"/>{place}</w:pPr>\
         <w:r>{}</w:r>\
         <w:r><w:fldChar w:fldCharType=\"begin\"/></w:r>\
         <w:r><w:instrText xml:space=\"preserve\"> PAGE </w:instrText></w:r>\
         <w:r><w:fldChar w:fldCharType=\"separate\"/></w:r>\
         <w:r><w:t>1</w:t></w:r>\
         <w:r><w:fldChar w:fldCharType=\"end\"/></w:r>\
         <w:r>{}</w:r></w:p></w:ftr>",
        text_element("— "),
        text_element(" —")
    )
}
