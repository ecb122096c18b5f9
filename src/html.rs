//! HTML: the speech's [`Document`] as a fragment and as a standalone page.
//!
//! Built from the same model the PDF is laid out from, so the two say the same thing block for
//! block. Figures become `<span class="figure" data-figure="<id>" data-status="…" title="…">`; the
//! tooltip is an attribute, so nothing but the speech's own words is text in the body.

use std::fmt::Write as _;

use crate::document::{
    Block, CIRCULATION_LINE, DRAFT_LINE, Document, Inline, InlineStyle, SAMPLE_MARK,
};
use crate::settings::PageNumbers;

/// The speech as `<article class="speech">…</article>`: the title as `<h1>` (in the circulation
/// copy its line above it), headings at their level, paragraphs, lead sentences as `<strong>`.
pub fn body(doc: &Document) -> String {
    let mut html = String::with_capacity(4096);
    html.push_str("<article class=\"speech\">\n");
    if doc.circulation {
        let _ = writeln!(html, "<p class=\"circulation\">{CIRCULATION_LINE}</p>");
    }
    if !doc.title.is_empty() {
        html.push_str("<h1>");
        escape_text_into(&doc.title, &mut html);
        html.push_str("</h1>\n");
    }
    for block in &doc.blocks {
        match block {
            Block::Heading { level, inlines } => {
                let level = (*level).clamp(1, 6);
                let _ = write!(html, "<h{level}>");
                let mut text = String::new();
                inlines_into(doc, inlines, &mut text);
                html.push_str(&mark_pairs(&text));
                let _ = writeln!(html, "</h{level}>");
            }
            Block::Paragraph { inlines } => {
                html.push_str("<p>");
                let mut text = String::new();
                inlines_into(doc, inlines, &mut text);
                html.push_str(&mark_pairs(&text));
                html.push_str("</p>\n");
            }
        }
    }
    html.push_str("</article>\n");
    html
}

/// A block's runs; consecutive lead runs (a lead sentence holding a figure) share one `<strong>`.
/// A figure that prints a number is kept on one line with the unit right after it, as in the
/// PDF: `<span class="nobr">` around both (1200多人, 96.7%).
fn inlines_into(doc: &Document, inlines: &[Inline], out: &mut String) {
    let mut in_lead = false;
    // Characters of the next run already written with the figure before it (its unit).
    let mut skip = 0;
    for (n, inline) in inlines.iter().enumerate() {
        let lead = inline.style == InlineStyle::Lead;
        if lead != in_lead {
            out.push_str(if lead { "<strong>" } else { "</strong>" });
            in_lead = lead;
        }
        match &inline.figure {
            Some(id) => {
                if doc.number_of(inline).is_none() {
                    figure_span(doc, id, inline, out);
                    continue;
                }
                // The unit goes inside only when it is set in the same style.
                let unit = doc
                    .unit_after(inlines, n)
                    .filter(|_| inlines[n + 1].style == inline.style)
                    .unwrap_or("");
                out.push_str("<span class=\"nobr\">");
                figure_span(doc, id, inline, out);
                escape_text_into(unit, out);
                out.push_str("</span>");
                skip = unit.len();
            }
            None => {
                escape_text_into(&inline.text[skip..], out);
                skip = 0;
            }
        }
    }
    if in_lead {
        out.push_str("</strong>");
    }
}

/// Full-width marks: each sets its ink in one half of its cell and leaves the other blank.
fn is_mark(c: char) -> bool {
    "，。、；：？！”’）》〉】〕」』〗“‘（《〈【〔「『〖".contains(c)
}

/// A block's HTML with the first of every two adjacent marks (”“ 》， ，“) in
/// `<span class="pair">`, which the style sets half a cell wide: the two share one blank half, as
/// in the PDF, whatever the face. (Chromium's own `text-spacing-trim` does it only in a face
/// with the OpenType `halt`/`chws` features, which the AR PL faces lack: 0 of 14 pairs at a half
/// with them; the style turns it off so that a face with them is not trimmed twice.) Marks are
/// neighbours across tags (a figure's text ends in ” and the next begins with “), never across
/// a tag's attributes.
fn mark_pairs(html: &str) -> String {
    // The text's characters: byte offset and character, outside tags and entities.
    let mut text: Vec<(usize, char)> = Vec::new();
    let mut in_tag = false;
    for (at, c) in html.char_indices() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            _ if !in_tag => text.push((at, c)),
            _ => {}
        }
    }
    let firsts: Vec<usize> = text
        .windows(2)
        .filter(|w| is_mark(w[0].1) && is_mark(w[1].1))
        .map(|w| w[0].0)
        .collect();
    if firsts.is_empty() {
        return html.to_owned();
    }
    let mut out = String::with_capacity(html.len() + firsts.len() * 28);
    let mut from = 0;
    for at in firsts {
        let c = html[at..].chars().next().expect("a mark at this offset");
        out.push_str(&html[from..at]);
        out.push_str("<span class=\"pair\">");
        out.push(c);
        out.push_str("</span>");
        from = at + c.len_utf8();
    }
    out.push_str(&html[from..]);
    out
}

fn figure_span(doc: &Document, id: &str, inline: &Inline, out: &mut String) {
    let note = doc.figure(id);
    let status = note.map_or("invalid", |n| n.status);
    let provenance = note.map_or("", |n| n.provenance.as_str());
    let class = if inline.unfilled {
        format!("figure {status}")
    } else {
        "figure".to_owned()
    };
    let _ = write!(
        out,
        "<span class=\"{class}\" data-figure=\"{}\" data-status=\"{}\" title=\"{}\" tabindex=\"0\">{}</span>",
        escape(id),
        escape(status),
        escape(provenance),
        escape(&inline.text)
    );
}

/// Escapes text between tags: `&`, `<` and `>` (quotes need no escape there).
fn escape_text_into(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            _ => out.push(c),
        }
    }
}

/// Escapes text for HTML content and double-quoted attributes.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\n' => out.push_str("&#10;"),
            _ => out.push(c),
        }
    }
    out
}

/// The reading and printing style.
///
/// The grid as Chromium prints it: every character one cell (`letter-spacing`), lines set flush
/// left rather than justified, so that the columns align as on Word's document grid and no line
/// is spread: justified, the line before a figure that goes down with its unit and mark
/// (`126人，`, three and a half cells) was spread to 1.13–1.17 cells a character. The line pitch is
/// 38 px (28.5 pt): Chromium sets lines on whole pixels of 1/96 in, so 225 mm / 22 (38.6 px)
/// printed 29.25 and 28.5 pt in turn; 38 px is the nearest pitch that still holds 22 lines. The
/// lead sentences and figures (inline, in other faces) take no height of their own
/// (`line-height: 0`): a face with a taller ascent made its line 30 pt and the next 27.75. And
/// every role's face is read through an `@font-face` of the same names with one ascent and
/// descent (88 % and 12 % of the em, the ideographic em box): a heading in WenQuanYi Micro Hei
/// otherwise stood 0.75 pt off the body's baselines. A name none of whose faces is installed
/// leaves its family to the plain names after it, as before. On paper (Ctrl-P) the page is the PDF's: GB/T 9704 A4 with
/// margins 37/26/35/28 mm, 16 pt type on the grid of 28 characters by 22 lines (characters set
/// a little tight, as in the PDF, so that 28 fill 156 mm), titles, headings and lead sentences
/// in their faces and weights, page numbers “— 1 —” odd pages right and even pages left. On
/// screen the same column. 仿宋 first, as the printed speech; a Song/serif face where missing.
///
/// Weights follow the PDF whatever face is found: the title asks for bold with synthesis off,
/// so 方正小标宋 (one weight, heavy by design) and 黑体 stay as they are while a serif stand-in
/// takes its real bold; a lead sentence likewise is plain 楷体 where one is installed, and
/// bold (to stand out) only in a face that has a bold.
///
/// A final speech shows no marks on its figures: their provenance shows on hover and focus
/// only. A draft (`body.draft`) keeps them underlined, unfilled ones in red.
pub const STYLE: &str = r#"
@font-face { font-family: "speech-body"; src: local("FangSong_GB2312"), local("仿宋_GB2312"), local("FangSong"),
  local("仿宋"), local("STFangsong"), local("AR PL SungtiL GB"), local("Noto Serif CJK SC"),
  local("NotoSerifCJKsc-Regular"), local("Source Han Serif SC"), local("SourceHanSerifSC-Regular"), local("SimSun");
  ascent-override: 88%; descent-override: 12%; line-gap-override: 0%; }
@font-face { font-family: "speech-hei"; src: local("黑体"), local("SimHei"), local("WenQuanYi Micro Hei"),
  local("Noto Sans CJK SC"), local("NotoSansCJKsc-Regular");
  ascent-override: 88%; descent-override: 12%; line-gap-override: 0%; }
@font-face { font-family: "speech-kai"; src: local("楷体_GB2312"), local("KaiTi_GB2312"), local("KaiTi"), local("楷体"),
  local("STKaiti"), local("AR PL KaitiM GB");
  ascent-override: 88%; descent-override: 12%; line-gap-override: 0%; }
:root { --ink: #1a1a1a; --paper: #fff; --accent: #b3261e;
  --cell: calc(156mm / 28); --line: 38px; }
html { background: #f3f1ec; }
body { margin: 0; color: var(--ink); }
.draft-banner, .sample-banner { background: #fff4d6; border-bottom: 2px solid #e0a800; color: #6b4e00; text-align: center;
  font: 600 15px/2.2 "Microsoft YaHei", "PingFang SC", "Noto Sans CJK SC", sans-serif; letter-spacing: .3em; }
.sample-banner { background: #fde7e4; border-color: #b3261e; color: #7a1a14; }
article.speech { box-sizing: border-box; width: 210mm; max-width: 100%; margin: 24px auto; padding: 37mm 26mm 35mm 28mm;
  background: var(--paper); box-shadow: 0 1px 6px rgba(0,0,0,.12);
  font-family: "speech-body", "FangSong_GB2312", "仿宋_GB2312", "FangSong", "仿宋", "STFangsong", "AR PL SungtiL GB",
    "Noto Serif CJK SC", "Source Han Serif SC", "SimSun", serif;
  font-size: 16pt; line-height: var(--line); letter-spacing: calc(var(--cell) - 16pt);
  text-align: start; line-break: strict; text-spacing-trim: space-all; }
article.speech .pair { letter-spacing: calc(var(--cell) / 2 - 1em); }
article.speech strong, article.speech span { line-height: 0; }
article.speech h1 { font-family: "方正小标宋简体", "FZXiaoBiaoSong-B05S", "FZXiaoBiaoSong-B05", "Noto Serif CJK SC",
    "Source Han Serif SC", "SimHei", "黑体", "WenQuanYi Micro Hei", serif;
  font-size: 22pt; font-weight: bold; font-synthesis: none; text-align: center; line-height: var(--line);
  margin: 0 0 var(--line); }
article.speech h2 { font-family: "speech-hei", "黑体", "SimHei", "WenQuanYi Micro Hei", "Noto Sans CJK SC", sans-serif;
  font-size: 16pt; font-weight: normal; text-indent: calc(2 * var(--cell)); margin: 0; }
article.speech h3 { font-family: "speech-kai", "楷体_GB2312", "KaiTi_GB2312", "KaiTi", "楷体", "STKaiti", "AR PL KaitiM GB", serif;
  font-size: 16pt; font-weight: normal; text-indent: calc(2 * var(--cell)); margin: 0; }
article.speech p { text-indent: calc(2 * var(--cell)); margin: 0; text-wrap: pretty; }
article.speech p.circulation { text-indent: 0; margin: 0;
  font-family: "speech-hei", "黑体", "SimHei", "WenQuanYi Micro Hei", "Noto Sans CJK SC", sans-serif; }
article.speech strong { font-family: "speech-kai", "楷体_GB2312", "KaiTi_GB2312", "KaiTi", "楷体", "STKaiti", "AR PL KaitiM GB",
  serif; font-weight: bold; font-synthesis: none; }
.figure { position: relative; }
.nobr { white-space: nowrap; }
.figure:hover, .figure:focus-visible { background: #f6efd9; outline: none; cursor: help; }
body.draft .figure { border-bottom: 1px dotted #8a8a8a; cursor: help; }
.figure.unfilled, .figure.invalid { color: var(--accent); background: #fde7e4; border-bottom: 2px solid var(--accent); }
@media screen {
  .figure:focus-visible::after { content: attr(title); position: absolute; left: 0; top: 100%; z-index: 1;
    width: max-content; max-width: 24em; padding: .4em .6em; background: #fffdf5; border: 1px solid #c9b98a;
    font: 12px/1.5 "Microsoft YaHei", "PingFang SC", "Noto Sans CJK SC", sans-serif; letter-spacing: normal;
    text-indent: 0; text-align: left; white-space: pre-line; color: var(--ink); }
}
@media screen and (max-width: 820px) {
  article.speech { width: auto; margin: 0; padding: 24px 18px; box-shadow: none; font-size: 14pt;
    line-height: 1.8; letter-spacing: normal; }
  article.speech h1 { line-height: 1.5; }
  article.speech p, article.speech h2, article.speech h3 { text-indent: 2em; }
}
@page { size: A4; margin: 37mm 26mm 35mm 28mm; }
@page :right { @bottom-right { content: "— " counter(page) " —"; vertical-align: top; padding: 4.5mm 14pt 0 0;
  font: 14pt/1 "SimSun", "宋体", "AR PL SungtiL GB", "Noto Serif CJK SC", serif; } }
@page :left { @bottom-left { content: "— " counter(page) " —"; vertical-align: top; padding: 4.5mm 0 0 14pt;
  font: 14pt/1 "SimSun", "宋体", "AR PL SungtiL GB", "Noto Serif CJK SC", serif; } }
@media print {
  html, body { background: none; }
  .draft-banner, .sample-banner { display: none; }
  article.speech { width: auto; max-width: none; margin: 0; padding: 0; box-shadow: none; }
  .figure { cursor: auto; }
  body:not(.draft) .figure { border: 0; background: none; }
  h1, h2, h3 { break-after: avoid; }
  p { orphans: 2; widows: 2; }
}
"#;

/// Page numbers centred on every page (`page_numbers: centred`), in place of the GB/T 9704
/// sides of `STYLE`.
const CENTRED_PAGE_NUMBERS: &str = r#"
@page :right { @bottom-right { content: none; } }
@page :left { @bottom-left { content: none; } }
@page { @bottom-center { content: "— " counter(page) " —"; vertical-align: top; padding-top: 4.5mm;
  font: 14pt/1 "SimSun", "宋体", "AR PL SungtiL GB", "Noto Serif CJK SC", serif; } }
"#;
/// What the page's `<head>` says about the speech besides its text.
#[derive(Debug, Clone, Copy)]
pub struct PageMeta<'a> {
    /// The page title: the speech's name from `templates/speech.yaml`, else the template's heading.
    pub title: &'a str,
    pub author: Option<&'a str>,
    /// The digest of the inputs, as a `<meta name="speechgen-digest">` tag (`speechgen verify`
    /// reads it back).
    pub digest: Option<&'a crate::digest::Digest>,
    /// Where the printed page carries its number (`page_numbers:` in speech.yaml).
    pub page_numbers: PageNumbers,
}

/// The speech as a standalone page: UTF-8, zh-CN, inline style, no external requests; a draft
/// carries a 草稿 banner and title, a speech from sample facts the sample banner (on paper both
/// print in the top margin of every page instead). `body` is [`body`]`(doc)`, made once by the
/// caller, which keeps it as the fragment too.
pub fn page(doc: &Document, body: &str, meta: &PageMeta) -> String {
    let mut banner = String::new();
    if doc.sample {
        banner.push_str(&format!(
            "<div class=\"sample-banner\" role=\"note\">{SAMPLE_MARK}</div>\n"
        ));
    }
    if doc.draft {
        banner.push_str(&format!(
            "<div class=\"draft-banner\" role=\"note\">{DRAFT_LINE}</div>\n"
        ));
    }
    let title_prefix = match (doc.draft, doc.circulation) {
        (true, _) => "【草稿】",
        (false, true) => "【传阅稿】",
        (false, false) => "",
    };
    let body_class = if doc.draft { " class=\"draft\"" } else { "" };
    let numbers = match meta.page_numbers {
        PageNumbers::Gbt9704 => "",
        PageNumbers::Centred => CENTRED_PAGE_NUMBERS,
    };
    // On paper the marks stand where the PDF has them, in the top margin of every page (the
    // sample mark at the left, 草稿 at the right), not as banners that push the text off its grid.
    let mut paper_marks = String::new();
    for (show, side, text) in [
        (doc.sample, "top-left", SAMPLE_MARK),
        (doc.draft, "top-right", "草稿"),
    ] {
        if show {
            write!(
                paper_marks,
                "\n@page {{ @{side} {{ content: \"{text}\"; vertical-align: bottom; \
                 padding-bottom: 10mm; font: 16pt/1 \"黑体\", \"SimHei\", \"WenQuanYi Micro Hei\", \
                 \"Noto Sans CJK SC\", sans-serif; }} }}"
            )
            .expect("writing to a String");
        }
    }
    let author = meta.author.map_or(String::new(), |a| {
        format!("<meta name=\"author\" content=\"{}\">\n", escape(a))
    });
    let digest = meta
        .digest
        .map_or(String::new(), |d| format!("{}\n", d.html_meta()));
    format!(
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"generator\" content=\"speechgen\">\n{author}{digest}<title>{title_prefix}{}</title>\n\
         <style>{STYLE}{numbers}{paper_marks}</style>\n</head>\n<body{body_class}>\n{banner}{}</body>\n</html>\n",
        escape(meta.title),
        body
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markdown::{self, Slot};
    use crate::template::placeholder;

    fn document(md: &str, slots: &[Slot], draft: bool) -> Document {
        markdown::parse(md, slots, draft).unwrap()
    }

    fn page_of(doc: &Document, meta: &PageMeta) -> String {
        page(doc, &body(doc), meta)
    }

    #[test]
    fn figures_become_spans_and_values_stay_text() {
        let md = format!(
            "**扛起**。开展{}活动，配备{}人。",
            placeholder(0),
            placeholder(1)
        );
        let slots = [
            Slot {
                figure: "campaign".into(),
                text: "“<script>alert(1)</script>”".into(),
                unfilled: false,
                tooltip: "名称\n来源：facts/2021.yaml:3:5".into(),
                status: "ok",
                unit: String::new(),
                number: false,
            },
            Slot {
                figure: "deputies".into(),
                text: "【未填：专职副书记】".into(),
                unfilled: true,
                tooltip: String::new(),
                status: "unfilled",
                unit: "人".into(),
                number: true,
            },
        ];
        let html = body(&document(&md, &slots, false));
        assert!(html.contains("<strong>扛起</strong>"), "{html}");
        assert!(
            html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
            "{html}"
        );
        assert!(!html.contains("<script>"));
        assert!(html.contains("data-figure=\"deputies\" data-status=\"unfilled\""));
        assert!(html.contains("class=\"figure unfilled\""));
        assert!(html.contains("title=\"名称&#10;来源：facts/2021.yaml:3:5\""));
    }

    #[test]
    fn blocks_follow_the_document() {
        let md = format!(
            "# 标题 <甲> & “乙”\n\n## 一、部分\n\n### （一）小节\n\n**扛起{}责任**。正文。\n\n第二段。\n",
            placeholder(0)
        );
        let slots = [Slot {
            figure: "n".into(),
            text: "37".into(),
            unfilled: false,
            tooltip: "人数".into(),
            status: "ok",
            unit: "人".into(),
            number: true,
        }];
        assert_eq!(
            body(&document(&md, &slots, false)),
            "<article class=\"speech\">\n\
             <h1>标题 &lt;甲&gt; &amp; “乙”</h1>\n\
             <h2>一、部分</h2>\n\
             <h3>（一）小节</h3>\n\
             <p><strong>扛起<span class=\"nobr\"><span class=\"figure\" data-figure=\"n\" data-status=\"ok\" title=\"人数\" tabindex=\"0\">37</span></span>责任</strong>。正文。</p>\n\
             <p>第二段。</p>\n\
             </article>\n"
        );
    }

    #[test]
    fn a_number_is_kept_with_its_unit_and_a_name_is_not() {
        let md = format!("党组织{}个、{}等", placeholder(0), placeholder(1));
        let slot = |figure: &str, text: &str, unit: &str, number: bool| Slot {
            figure: figure.into(),
            text: text.into(),
            unfilled: false,
            tooltip: String::new(),
            status: "ok",
            unit: unit.into(),
            number,
        };
        let slots = [
            slot("five_star", "42", "个", true),
            slot("lectures", "“小讲堂”", "", false),
        ];
        let html = body(&document(&md, &slots, false));
        assert!(
            html.contains(
                "党组织<span class=\"nobr\"><span class=\"figure\" data-figure=\"five_star\""
            ) && html
                .contains(">42</span>个</span><span class=\"pair\">、</span><span class=\"figure\" data-figure=\"lectures\""),
            "{html}"
        );
    }

    #[test]
    fn the_first_of_two_adjacent_marks_is_set_half_a_cell() {
        // Across tags (a figure's closing ” and the next figure's “), never inside a tag's
        // attribute, and not for a mark beside a character.
        let html = "<p>“小讲堂”<span title=\"“”\">“微课堂”</span>，实现《意见》。好</p>";
        assert_eq!(
            mark_pairs(html),
            "<p>“小讲堂<span class=\"pair\">”</span><span title=\"“”\">“微课堂<span class=\"pair\">”</span></span>，实现《意见<span class=\"pair\">》</span>。好</p>"
        );
        assert_eq!(mark_pairs("甲，乙。"), "甲，乙。");
    }

    #[test]
    fn page_is_standalone_chinese_and_marks_drafts() {
        let meta = PageMeta {
            title: "发言",
            author: Some("某办公室"),
            digest: None,
            page_numbers: PageNumbers::Gbt9704,
        };
        let p = page_of(&document("# 发言\n\n正文。", &[], true), &meta);
        assert!(p.contains("<meta name=\"author\" content=\"某办公室\">"));
        assert!(p.contains("lang=\"zh-CN\""));
        assert!(p.contains("charset=\"utf-8\""));
        assert!(p.contains("<title>【草稿】发言</title>"), "{p}");
        assert!(p.contains("<article class=\"speech\">\n<h1>发言</h1>\n<p>正文。</p>"));
        assert!(!p.contains("http://") && !p.contains("https://"));
        assert!(
            p.contains("@top-right { content: \"草稿\""),
            "on paper 草稿 stands in the top margin of every page, as in the PDF"
        );
        assert!(
            p.contains("<body class=\"draft\">"),
            "a draft keeps its figure markers"
        );
        let final_page = page_of(&document("# 发言", &[], false), &meta);
        assert!(!final_page.contains("草稿"));
        assert!(!final_page.contains("@top-"));
        assert!(final_page.contains("<body>\n"));
        // Page numbers: GB/T 9704 sides by default, centred on request.
        assert!(final_page.contains("@bottom-right") && !final_page.contains("@bottom-center"));
        let centred = PageMeta {
            page_numbers: PageNumbers::Centred,
            ..meta
        };
        assert!(page_of(&document("# 发言", &[], false), &centred).contains("@bottom-center"));
    }
}
