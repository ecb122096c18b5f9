//! The sheet as CSV (RFC 4180) for a spreadsheet: one header row, then one row per figure and
//! one per claim. UTF-8 with a byte-order mark, which Excel needs to read Chinese; several
//! inputs share a cell, one per line. The digest and the year are in the JSON and the printed
//! sheets; a CSV holds rows only.

use super::{FigureRow, Sheet};
use crate::figures::FigureStatus;

pub const COLUMNS: &[&str] = &[
    "类别",
    "序号",
    "标识",
    "名称",
    "印出",
    "单位",
    "输入",
    "算法或核对",
    "位置",
    "来源",
    "上年",
    "变化",
    "提示",
    "状态",
    "核对",
    "核对人",
];

/// A cell a spreadsheet would read as a formula (`=HYPERLINK(…)`, `+`, `-`, `@`, or a tab or
/// carriage return before one) gets a leading `'`, as OWASP advises against CSV injection; a cell
/// that is wholly a number (the 变化 column's `+7.1%`, `-12.3 个百分点`, `-5`) stays as it is.
fn neutralised(s: &str) -> std::borrow::Cow<'_, str> {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) && !is_signed_number(s) {
        format!("'{s}").into()
    } else {
        s.into()
    }
}

/// `+7.1`, `-12.3`, `-5`, with at most a `%` or ` 个百分点` after it.
fn is_signed_number(s: &str) -> bool {
    let Some(rest) = s.strip_prefix(['+', '-']) else {
        return false;
    };
    let number = rest
        .strip_suffix('%')
        .or_else(|| rest.strip_suffix(" 个百分点"))
        .unwrap_or(rest);
    let (whole, fraction) = number.split_once('.').unwrap_or((number, "0"));
    !whole.is_empty()
        && !fraction.is_empty()
        && whole.bytes().all(|b| b.is_ascii_digit())
        && fraction.bytes().all(|b| b.is_ascii_digit())
}

fn field(s: &str) -> String {
    let s = &*neutralised(s);
    if s.contains([',', '"', '\n', '\r']) || s.starts_with(' ') || s.ends_with(' ') {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

fn row(out: &mut String, cells: &[String]) {
    let line: Vec<String> = cells.iter().map(|c| field(c)).collect();
    out.push_str(&line.join(","));
    out.push_str("\r\n");
}

fn status(f: &FigureRow) -> &'static str {
    match f.status {
        FigureStatus::Ok => "正常",
        FigureStatus::Unfilled => "未填",
        FigureStatus::Invalid => "有误",
    }
}

pub fn write(sheet: &Sheet) -> String {
    let mut out = String::from("\u{feff}");
    row(
        &mut out,
        &COLUMNS.iter().map(|c| c.to_string()).collect::<Vec<_>>(),
    );
    for f in &sheet.figures {
        let inputs: Vec<String> = f.inputs.iter().map(|i| i.shown()).collect();
        row(
            &mut out,
            &[
                "数字".into(),
                f.number.to_string(),
                f.id.clone(),
                f.label.clone(),
                f.printed_or_marker(),
                f.unit.clone(),
                inputs.join("\n"),
                f.formula.clone(),
                f.places().join("\n"),
                f.source.clone().unwrap_or_default(),
                f.last_year.as_ref().map(|l| l.shown()).unwrap_or_default(),
                f.change
                    .as_ref()
                    .map(|c| c.text.clone())
                    .unwrap_or_default(),
                f.change.as_ref().and_then(|c| c.note()).unwrap_or_default(),
                status(f).into(),
                String::new(),
                String::new(),
            ],
        );
    }
    for c in &sheet.claims {
        let inputs: Vec<String> = c.inputs.iter().map(|i| i.shown()).collect();
        row(
            &mut out,
            &[
                "判断".into(),
                c.number.to_string(),
                c.id.clone(),
                c.label.clone(),
                c.verdict().into(),
                String::new(),
                inputs.join("\n"),
                c.detail.clone(),
                c.places().join("\n"),
                c.source.clone().unwrap_or_default(),
                String::new(),
                String::new(),
                c.kind.into(),
                match c.holds {
                    Some(true) => "正常",
                    Some(false) => "不成立",
                    None => "无法判断",
                }
                .into(),
                String::new(),
                String::new(),
            ],
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::field;

    #[test]
    fn formulas_are_neutralised_and_numbers_kept() {
        assert_eq!(field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(field("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(field("-1+2"), "'-1+2");
        assert_eq!(field("\tx"), "'\tx");
        assert_eq!(field("\r=1"), "\"'\r=1\"");
        for kept in [
            "+7.1",
            "-12.3",
            "-5",
            "+7.1%",
            "-0.4 个百分点",
            "党课",
            "37人",
        ] {
            assert_eq!(field(kept), kept);
        }
    }
}
