//! HTML: the speech through pulldown-cmark, as a fragment and as a standalone page.
//!
//! Figures become `<span class="figure" data-figure="<id>" title="…">`; the tooltip is an
//! attribute, so nothing but the speech's own words is text in the body.

use pulldown_cmark::{CowStr, Event};

use crate::markdown::{self, Piece, Slot};

/// The speech as `<article class="speech">…</article>`.
pub fn body(markdown_with_placeholders: &str, slots: &[Slot]) -> String {
    let mut events = Vec::new();
    for event in markdown::parser(markdown_with_placeholders) {
        match event {
            Event::Text(text) => {
                for piece in markdown::split_placeholders(&text, slots) {
                    match piece {
                        Piece::Text(t) => events.push(Event::Text(CowStr::from(t.to_owned()))),
                        Piece::Slot(s) => {
                            events.push(Event::InlineHtml(CowStr::from(figure_span(s))))
                        }
                    }
                }
            }
            // Chinese lines are joined without a space: a soft break would show as one.
            Event::SoftBreak => {}
            other => events.push(other),
        }
    }
    let mut html = String::from("<article class=\"speech\">\n");
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    html.push_str("</article>\n");
    html
}

fn figure_span(slot: &Slot) -> String {
    let class = if slot.unfilled {
        format!("figure {}", slot.status)
    } else {
        "figure".to_owned()
    };
    format!(
        "<span class=\"{class}\" data-figure=\"{}\" data-status=\"{}\" title=\"{}\">{}</span>",
        escape(&slot.figure),
        slot.status,
        escape(&slot.tooltip),
        escape(&slot.text)
    )
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

/// The reading style: 仿宋 first, as the printed speech; a Song/serif face where it is missing.
pub const STYLE: &str = r#"
:root { --ink: #1a1a1a; --paper: #fff; --accent: #b3261e; }
html { background: #f3f1ec; }
body { margin: 0; color: var(--ink); }
.draft-banner { background: #fff4d6; border-bottom: 2px solid #e0a800; color: #6b4e00; text-align: center;
  font: 600 15px/2.2 "Microsoft YaHei", "PingFang SC", "Noto Sans CJK SC", sans-serif; letter-spacing: .3em; }
article.speech { box-sizing: border-box; max-width: 210mm; margin: 24px auto; padding: 37mm 26mm 35mm 28mm;
  background: var(--paper); box-shadow: 0 1px 6px rgba(0,0,0,.12);
  font-family: "FangSong_GB2312", "仿宋_GB2312", "FangSong", "仿宋", "STFangsong", "Noto Serif CJK SC",
    "Source Han Serif SC", "AR PL SungtiL GB", "SimSun", serif;
  font-size: 16pt; line-height: 1.8; text-align: justify; line-break: strict; }
article.speech h1 { font-family: "方正小标宋简体", "FZXiaoBiaoSong-B05S", "Noto Serif CJK SC", "SimSun", serif;
  font-size: 22pt; font-weight: normal; text-align: center; line-height: 1.5; margin: 0 0 1.2em; }
article.speech h2 { font-family: "黑体", "SimHei", "Noto Sans CJK SC", "WenQuanYi Micro Hei", sans-serif;
  font-size: 16pt; font-weight: normal; text-indent: 2em; margin: .6em 0 0; }
article.speech p { text-indent: 2em; margin: 0; }
article.speech strong { font-family: "楷体_GB2312", "KaiTi_GB2312", "KaiTi", "楷体", "STKaiti", "AR PL KaitiM GB",
  inherit; font-weight: bold; }
.figure { border-bottom: 1px dotted #8a8a8a; cursor: help; }
.figure.unfilled, .figure.invalid { color: var(--accent); background: #fde7e4; border-bottom: 2px solid var(--accent); }
@media screen and (max-width: 820px) {
  article.speech { margin: 0; padding: 24px 18px; box-shadow: none; font-size: 14pt; }
}
@page { size: A4; margin: 37mm 26mm 35mm 28mm; }
@media print {
  html, body { background: none; }
  .draft-banner { border: 1px solid #999; background: none; }
  article.speech { max-width: none; margin: 0; padding: 0; box-shadow: none; }
  .figure { border: 0; cursor: auto; }
  h1, h2 { break-after: avoid; }
  p { orphans: 2; widows: 2; }
}
"#;

/// A standalone page: UTF-8, zh-CN, inline style, no external requests.
pub fn page(title: &str, body: &str, draft: bool) -> String {
    let banner = if draft {
        "<div class=\"draft-banner\" role=\"note\">草稿 · 未定稿，请勿印发</div>\n"
    } else {
        ""
    };
    let title_prefix = if draft { "【草稿】" } else { "" };
    format!(
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"generator\" content=\"speechgen\">\n<title>{title_prefix}{}</title>\n\
         <style>{STYLE}</style>\n</head>\n<body>\n{banner}{body}</body>\n</html>\n",
        escape(title)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::template::placeholder;

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
            },
            Slot {
                figure: "deputies".into(),
                text: "【未填：专职副书记】".into(),
                unfilled: true,
                tooltip: String::new(),
                status: "unfilled",
            },
        ];
        let html = body(&md, &slots);
        assert!(html.contains("<strong>扛起</strong>"), "{html}");
        assert!(
            html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
            "{html}"
        );
        assert!(!html.contains("<script>"));
        assert!(html.contains("data-figure=\"deputies\""));
        assert!(html.contains("class=\"figure unfilled\""));
        assert!(html.contains("title=\"名称&#10;来源：facts/2021.yaml:3:5\""));
    }

    #[test]
    fn page_is_standalone_chinese_and_marks_drafts() {
        let p = page("发言", "<article></article>", true);
        assert!(p.contains("lang=\"zh-CN\""));
        assert!(p.contains("charset=\"utf-8\""));
        assert!(p.contains("草稿"));
        assert!(!p.contains("http://") && !p.contains("https://"));
        assert!(!page("发言", "", false).contains("草稿"));
    }
}
