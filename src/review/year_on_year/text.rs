//! The year-on-year report as text: one section per part, one line per item, so that `grep`
//! finds a fact and a reviewer reads it top to bottom.

use std::fmt::Write;

use super::YearOnYear;

pub fn write(r: &YearOnYear) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{} 年 → {} 年（{} → {}）",
        r.old.year, r.new.year, r.old.file, r.new.file
    );
    for note in [&r.old, &r.new]
        .iter()
        .filter_map(|side| side.sample_note())
    {
        let _ = writeln!(s, "{note}");
    }
    section(&mut s, "印出的数字不同", r.figures.len(), "个");
    for change in &r.figures {
        let _ = writeln!(s, "  {change}");
    }
    section(&mut s, "原始数值不同", r.facts.len(), "项");
    for f in &r.facts {
        let _ = write!(s, "  {}  {}：{} → {}", f.path, f.label, f.before, f.after);
        if !f.printed_same.is_empty() {
            let _ = write!(s, "（印出不变：{}）", f.printed_same.join("；"));
        }
        if let Some(p) = &f.place {
            let _ = write!(s, "  {p}");
        }
        s.push('\n');
    }
    for (name, title) in [
        (true, "沿用上年、未改动的名称"),
        (false, "与上年相同的数值"),
    ] {
        let items: Vec<_> = r.carried.iter().filter(|c| c.name == name).collect();
        section(&mut s, title, items.len(), "项");
        for c in items {
            let mark = if c.confirmed { "（已确认）" } else { "" };
            let _ = writeln!(
                s,
                "  {}  {}：{}{mark}  {}",
                c.path, c.label, c.value, c.place
            );
        }
    }
    s
}

/// `\n原始数值不同（2 项）：` or `\n原始数值不同：无`.
fn section(s: &mut String, title: &str, count: usize, unit: &str) {
    if count == 0 {
        let _ = writeln!(s, "\n{title}：无");
    } else {
        let _ = writeln!(s, "\n{title}（{count} {unit}）：");
    }
}
