//! The year-on-year report as a page: a table per part, to read on screen or print on A4.
//! Black on white; what needs a look (a change that prints the same, a value not confirmed) is
//! marked ※ and bold, not only coloured.

use std::fmt::Write;

use super::YearOnYear;
use crate::html::escape as esc;

const STYLE: &str = r#"
@page { size: A4; margin: 15mm; }
body { font-family: "SimSun", "宋体", "Songti SC", "Noto Serif CJK SC", "AR PL SungtiL GB", serif;
       font-size: 10.5pt; line-height: 1.4; color: #000; background: #fff; margin: 0 auto; max-width: 190mm; padding: 4mm; }
h1, h2, th { font-family: "SimHei", "黑体", "Heiti SC", "Noto Sans CJK SC", "WenQuanYi Micro Hei", sans-serif; }
h1 { font-size: 15pt; margin: 0 0 2mm; }
h2 { font-size: 12pt; margin: 6mm 0 2mm; break-after: avoid; page-break-after: avoid; }
table { width: 100%; border-collapse: collapse; }
th, td { border: 0.5pt solid #000; padding: 1mm 1.5mm; text-align: left; vertical-align: top; overflow-wrap: anywhere; }
th, td.state { white-space: nowrap; }
tr { break-inside: avoid; page-break-inside: avoid; }
.path, .place { font-family: "Consolas", "DejaVu Sans Mono", monospace; font-size: 8.5pt; color: #333; }
.look { font-weight: bold; color: #b00; }
.look::before { content: "※"; }
p.none { color: #444; }
p.sample { font-weight: bold; border: 0.5pt solid #000; padding: 1mm 2mm; }
@media print { body { padding: 0; max-width: none; } }
"#;

pub fn write(r: &YearOnYear) -> String {
    let mut h = String::new();
    let title = format!("{} 年 → {} 年：逐年对照", r.old.year, r.new.year);
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n\
         <title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<h1>{}</h1>\n\
         <p>{} → {}</p>\n<p>{}</p>\n",
        esc(&title),
        esc(&title),
        esc(&r.old.file),
        esc(&r.new.file),
        esc(&r.summary()),
    );
    for note in [&r.old, &r.new]
        .iter()
        .filter_map(|side| side.sample_note())
    {
        let _ = writeln!(h, "<p class=\"sample\">{}</p>", esc(&note));
    }

    let old = format!("{} 年", r.old.year);
    let new = format!("{} 年", r.new.year);
    heading(&mut h, "印出的数字不同", r.figures.len());
    if !r.figures.is_empty() {
        table_head(&mut h, &["数字", "名称", &old, &new]);
        for c in &r.figures {
            let _ = writeln!(
                h,
                "<tr><td class=\"path\">{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(&c.id),
                esc(&c.label),
                esc(&c.before),
                esc(&c.after)
            );
        }
        h.push_str("</tbody></table>\n");
    }

    heading(&mut h, "原始数值不同", r.facts.len());
    if !r.facts.is_empty() {
        table_head(&mut h, &["事实", "名称", &old, &new, "印出不变", "位置"]);
        for f in &r.facts {
            let same = if f.printed_same.is_empty() {
                String::new()
            } else {
                format!(
                    "<span class=\"look\">{}</span>",
                    esc(&f.printed_same.join("；"))
                )
            };
            let place = f
                .place
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default();
            let _ = writeln!(
                h,
                "<tr><td class=\"path\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{same}</td><td class=\"place\">{}</td></tr>",
                esc(&f.path),
                esc(&f.label),
                esc(&f.before),
                esc(&f.after),
                esc(&place)
            );
        }
        h.push_str("</tbody></table>\n");
    }

    for (name, title) in [
        (true, "沿用上年、未改动的名称"),
        (false, "与上年相同的数值"),
    ] {
        let items: Vec<_> = r.carried.iter().filter(|c| c.name == name).collect();
        heading(&mut h, title, items.len());
        if items.is_empty() {
            continue;
        }
        table_head(&mut h, &["事实", "名称", "值", "已确认", "位置"]);
        for c in items {
            let confirmed = if c.confirmed {
                "已确认".to_owned()
            } else {
                "<span class=\"look\">未确认</span>".to_owned()
            };
            let _ = writeln!(
                h,
                "<tr><td class=\"path\">{}</td><td>{}</td><td>{}</td><td class=\"state\">{confirmed}</td><td class=\"place\">{}</td></tr>",
                esc(&c.path),
                esc(&c.label),
                esc(&c.value),
                esc(&c.place.to_string())
            );
        }
        h.push_str("</tbody></table>\n");
    }
    h.push_str("</body>\n</html>\n");
    h
}

fn heading(h: &mut String, title: &str, count: usize) {
    let _ = writeln!(h, "<h2>{}（{count}）</h2>", esc(title));
    if count == 0 {
        h.push_str("<p class=\"none\">无</p>\n");
    }
}

fn table_head(h: &mut String, columns: &[&str]) {
    h.push_str("<table><thead><tr>");
    for c in columns {
        let _ = write!(h, "<th>{}</th>", esc(c));
    }
    h.push_str("</tr></thead><tbody>\n");
}
