//! The sheet as a page to print: A4 landscape, a ruled table whose header row repeats on every
//! page, no row split across pages, the sign-off fields at the top and the bottom. Black on
//! white: a flag is marked ※ and bold, not only coloured.

use std::fmt::Write;

use super::{ClaimRow, FigureRow, Sheet};
use crate::figures::FigureStatus;
use crate::html::escape as esc;

/// Lines of a cell, each escaped, joined with `<br>`.
fn lines<S: AsRef<str>>(items: &[S]) -> String {
    items
        .iter()
        .map(|s| esc(s.as_ref()))
        .collect::<Vec<_>>()
        .join("<br>")
}

const STYLE: &str = r#"
@page { size: A4 landscape; margin: 10mm 10mm 12mm 10mm; }
* { box-sizing: border-box; }
body { font-family: "SimSun", "宋体", "Songti SC", "Noto Serif CJK SC", "AR PL SungtiL GB", serif;
       font-size: 9pt; line-height: 1.35; color: #000; background: #fff; margin: 0 auto; max-width: 277mm; padding: 4mm 0; }
h1, h2, th { font-family: "SimHei", "黑体", "Heiti SC", "Noto Sans CJK SC", "WenQuanYi Micro Hei", sans-serif; }
h1 { font-size: 15pt; margin: 0 0 2mm; }
h2 { font-size: 11pt; margin: 5mm 0 2mm; break-after: avoid; page-break-after: avoid; }
table.meta { border-collapse: collapse; margin-bottom: 2mm; }
table.meta th { text-align: left; font-weight: normal; padding: 0 3mm 0 0; white-space: nowrap; }
table.meta td { padding: 0; overflow-wrap: anywhere; }
.signoff { margin: 3mm 0; font-size: 10.5pt; }
.blank { display: inline-block; min-width: 45mm; border-bottom: 0.75pt solid #000; margin-right: 8mm; }
table.sheet { width: 100%; border-collapse: collapse; table-layout: fixed; }
table.sheet th, table.sheet td { border: 0.5pt solid #000; padding: 0.8mm 1.2mm; vertical-align: top;
       text-align: left; overflow-wrap: anywhere; word-break: break-word; }
table.sheet th { font-weight: bold; font-size: 8.5pt; }
thead { display: table-header-group; }
tr { break-inside: avoid; page-break-inside: avoid; }
td.no { text-align: right; }
.id, .path { font-family: "Consolas", "DejaVu Sans Mono", monospace; font-size: 7.5pt; color: #333; }
td.printed { font-weight: bold; }
tr.open td.printed, .flag, .fails { font-weight: bold; }
tr.open td.printed::before, .flag::before, .fails::before { content: "※"; }
.flag, .fails, tr.open td.printed { color: #b00; }
.summary { margin-top: 4mm; }
@media print { body { padding: 0; max-width: none; } }
"#;

pub fn write(sheet: &Sheet) -> String {
    let mut h = String::new();
    let title = esc(&sheet.title());
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n{}\n\
         <meta name=\"generator\" content=\"speechgen {}\">\n<title>{title}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<h1>{title}</h1>\n",
        sheet.digest.html_meta(),
        esc(&sheet.digest.version)
    );
    h.push_str("<table class=\"meta\">\n");
    for (key, value) in sheet.header() {
        let _ = writeln!(
            h,
            "<tr><th>{}：</th><td>{}</td></tr>",
            esc(key),
            esc(&value)
        );
    }
    h.push_str("</table>\n");
    signoff(&mut h);

    let _ = writeln!(
        h,
        "<h2>一、数字（{} 个，按讲话中出现的顺序）</h2>",
        sheet.figures.len()
    );
    h.push_str(
        "<table class=\"sheet figures\">\n<colgroup><col style=\"width:3%\"><col style=\"width:14%\">\
         <col style=\"width:10%\"><col style=\"width:22%\"><col style=\"width:17%\"><col style=\"width:12%\">\
         <col style=\"width:12%\"><col style=\"width:4%\"><col style=\"width:6%\"></colgroup>\n\
         <thead><tr><th>序号</th><th>数字</th><th>印出</th><th>输入（确数、部分与整体、加数）</th><th>算法</th>\
         <th>位置与来源</th><th>上年与变化</th><th>✓</th><th>核对人</th></tr></thead>\n<tbody>\n",
    );
    for f in &sheet.figures {
        figure_row(&mut h, f);
    }
    h.push_str("</tbody>\n</table>\n");

    let _ = writeln!(h, "<h2>二、讲话中的判断（{} 项）</h2>", sheet.claims.len());
    h.push_str(
        "<table class=\"sheet claims\">\n<colgroup><col style=\"width:3%\"><col style=\"width:17%\">\
         <col style=\"width:28%\"><col style=\"width:22%\"><col style=\"width:12%\"><col style=\"width:8%\">\
         <col style=\"width:4%\"><col style=\"width:6%\"></colgroup>\n\
         <thead><tr><th>序号</th><th>判断</th><th>依据</th><th>核对</th><th>位置与来源</th><th>结论</th>\
         <th>✓</th><th>核对人</th></tr></thead>\n<tbody>\n",
    );
    for c in &sheet.claims {
        claim_row(&mut h, c);
    }
    h.push_str("</tbody>\n</table>\n");
    let _ = writeln!(
        h,
        "<p class=\"summary\">{}</p>",
        esc(&super::text::summary(sheet))
    );
    signoff(&mut h);
    h.push_str("</body>\n</html>\n");
    h
}

fn signoff(h: &mut String) {
    h.push_str(
        "<p class=\"signoff\">核对人：<span class=\"blank\"></span>日期：<span class=\"blank\"></span></p>\n",
    );
}

fn figure_row(h: &mut String, f: &FigureRow) {
    let class = if f.status == FigureStatus::Ok {
        "ok"
    } else {
        "open"
    };
    let inputs: Vec<String> = f.inputs.iter().map(|i| i.shown()).collect();
    let mut place = lines(&f.places());
    if let Some(s) = &f.source {
        let _ = write!(place, "<br>来源：{}", esc(s));
    }
    let mut last = lines(&f.last_year_lines());
    if let Some(flag) = f.change.as_ref().and_then(|c| c.flag_text()) {
        let _ = write!(last, "<br><span class=\"flag\">{}</span>", esc(&flag));
    }
    let _ = writeln!(
        h,
        "<tr class=\"{class}\" data-figure=\"{id}\"><td class=\"no\">{}</td><td>{}<br><span class=\"id\">{id}</span></td>\
         <td class=\"printed\">{}</td><td class=\"path\">{}</td><td>{}</td><td>{place}</td><td>{last}</td><td></td><td></td></tr>",
        f.number,
        esc(&f.label),
        esc(&f.printed_or_marker()),
        lines(&inputs),
        esc(&f.formula),
        id = esc(&f.id),
    );
}

fn claim_row(h: &mut String, c: &ClaimRow) {
    let class = if c.holds == Some(true) { "ok" } else { "open" };
    let inputs: Vec<String> = c.inputs.iter().map(|i| i.shown()).collect();
    let mut place = lines(&c.places());
    if let Some(s) = &c.source {
        let _ = write!(place, "<br>来源：{}", esc(s));
    }
    let verdict = if c.holds == Some(true) {
        esc(c.verdict())
    } else {
        format!("<span class=\"fails\">{}</span>", esc(c.verdict()))
    };
    let _ = writeln!(
        h,
        "<tr class=\"{class}\" data-claim=\"{id}\"><td class=\"no\">{}</td><td>{}<br><span class=\"id\">{id}（{}）</span></td>\
         <td class=\"path\">{}</td><td>{}</td><td>{place}</td><td>{verdict}</td><td></td><td></td></tr>",
        c.number,
        esc(&c.label),
        esc(c.kind),
        lines(&inputs),
        esc(&c.detail),
        id = esc(&c.id),
    );
}
