//! The sheet as plain text, for the terminal: one block per row.

use std::fmt::Write;

use super::{FigureRow, Sheet};
use crate::figures::FigureStatus;

pub fn write(sheet: &Sheet) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}", sheet.title());
    for (key, value) in sheet.header() {
        let _ = writeln!(out, "{key}：{value}");
    }
    let _ = writeln!(out, "核对人：______________    日期：______________\n");
    let _ = writeln!(
        out,
        "一、数字（{} 个，按讲话中出现的顺序）\n",
        sheet.figures.len()
    );
    for f in &sheet.figures {
        figure(&mut out, f);
    }
    let _ = writeln!(out, "二、讲话中的判断（{} 项）\n", sheet.claims.len());
    for c in &sheet.claims {
        let _ = writeln!(out, "{:>3}. {}  [{}]  {}", c.number, c.label, c.id, c.kind);
        for i in &c.inputs {
            let _ = writeln!(
                out,
                "     依据：{}{}",
                i.shown(),
                i.place
                    .as_ref()
                    .map(|p| format!("（{p}）"))
                    .unwrap_or_default()
            );
        }
        let _ = writeln!(out, "     结论：{} —— {}", c.detail, c.verdict());
        if let Some(s) = &c.source {
            let _ = writeln!(out, "     来源：{s}");
        }
        let _ = writeln!(out, "     核对：[  ]  核对人：________\n");
    }
    let _ = writeln!(out, "{}", summary(sheet));
    out
}

fn figure(out: &mut String, f: &FigureRow) {
    let _ = writeln!(out, "{:>3}. {}  [{}]", f.number, f.label, f.id);
    let _ = writeln!(out, "     印出：{}", f.printed_or_marker());
    for i in &f.inputs {
        let _ = writeln!(out, "     输入：{}", i.shown());
    }
    let _ = writeln!(out, "     算法：{}", f.formula);
    let mut place = format!("     位置：{}", f.places().join("，"));
    if let Some(s) = &f.source {
        let _ = write!(place, "    来源：{s}");
    }
    let _ = writeln!(out, "{place}");
    let last = f.last_year_lines();
    if !last.is_empty() {
        let mut line = format!("     上年与变化：{}", last.join("，"));
        if let Some(flag) = f.change.as_ref().and_then(|c| c.flag_text()) {
            let _ = write!(line, "    ※{flag}，请核实");
        }
        let _ = writeln!(out, "{line}");
    }
    if f.status != FigureStatus::Ok {
        let _ = writeln!(out, "     ※ 此数字{}，不能签发", marker_words(f.status));
    }
    let _ = writeln!(out, "     核对：[  ]  核对人：________\n");
}

fn marker_words(status: FigureStatus) -> &'static str {
    match status {
        FigureStatus::Invalid => "有误",
        _ => "未填",
    }
}

/// The closing line every format shows.
pub fn summary(sheet: &Sheet) -> String {
    let unfilled = sheet
        .figures
        .iter()
        .filter(|f| f.status != FigureStatus::Ok)
        .count();
    let failed = sheet
        .claims
        .iter()
        .filter(|c| c.holds != Some(true))
        .count();
    let mut line = format!(
        "共 {} 个数字、{} 项判断；未填或有误 {unfilled} 个，判断不成立或无法判断 {failed} 项，变化超出合理范围 {} 个。",
        sheet.figures.len(),
        sheet.claims.len(),
        sheet.flagged()
    );
    if sheet.errors > 0 {
        line.push_str(&format!(
            "speechgen check 报告 {} 个错误，不得签发。",
            sheet.errors
        ));
    }
    line
}
