//! What is wrong with a raw typed value at once, before saving: full-width digits (１２６),
//! thousands separators (1,380 / 1，380 / 1 380), a unit typed along (1380人), a decimal in a
//! count, a negative, an empty required value. The page reads the raw text (an
//! `<input type=number>` would turn １２６ into 126 and lose the chance to say so); the words are
//! `check`'s own: the value is written as the save would write it and read by the figures'
//! reader (`figures::read_one`), so there is no second wording to drift.

use std::path::Path;

use super::form::{FieldKind, Problem};
use crate::facts::Facts;
use crate::figures::{ReadAs, read_one};
use crate::yaml::{self, Style};

/// The name a value is given in a message when the field's path is not known.
const THIS_VALUE: &str = "此项";

/// The problems of `raw` typed into a field of `kind`; empty when it can be saved as it is.
pub fn explain(kind: FieldKind, raw: &str) -> Vec<Problem> {
    explain_at(kind, THIS_VALUE, raw)
}

/// [`explain`] with the field's fact path named in the messages, as `check` names it.
pub fn explain_at(kind: FieldKind, path: &str, raw: &str) -> Vec<Problem> {
    let read_as = match kind {
        FieldKind::Count | FieldKind::PartWhole | FieldKind::Decimal => ReadAs::Count,
        FieldKind::Name => ReadAs::Name,
        _ => return Vec::new(),
    };
    // A decimal is a number with a fraction: the reader of counts would refuse the fraction.
    if kind == FieldKind::Decimal
        && raw.parse::<f64>().is_ok_and(f64::is_finite)
        && !raw.contains(['e', 'E'])
    {
        return Vec::new();
    }
    // The value written as the save writes it, in a file of its own, read by check's reader.
    let span = yaml::Span {
        start: 3,
        end: 3,
        style: Style::Empty,
        flow: false,
        needs_space: true,
        indent: 0,
    };
    let text = "v:\n";
    let written = yaml::replace_value(text, &span, raw, read_as == ReadAs::Name);
    let Ok(doc) = yaml::parse(Path::new("field.yaml"), format!("year: 2000\n{written}")) else {
        return vec![Problem::error("yaml-syntax", "无法写成 YAML")];
    };
    let Ok(facts) = Facts::from_document(doc) else {
        return Vec::new();
    };
    let Some(entry) = facts.doc.root.get("v") else {
        return Vec::new();
    };
    read_one(&facts, path, &entry.value, read_as)
        .iter()
        .map(|d| {
            let mut p = Problem::from_diagnostic(d);
            // The place is the typed text's, not a line of a file.
            p.line = 0;
            p.column = 0;
            // check's hint is the line to paste (`v: 126`): the field wants the value alone.
            p.hint = d
                .hint
                .as_ref()
                .map(|h| h.strip_prefix("v: ").unwrap_or(h).to_owned());
            p
        })
        .collect()
}

/// The problems of an explanation that keep a value from being saved: an empty value may be
/// saved (next year starts with them), a slip may not.
pub(crate) fn refuses(problems: &[Problem]) -> bool {
    problems
        .iter()
        .any(|p| p.severity == "error" && p.code != "unfilled")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn said(kind: FieldKind, raw: &str) -> Vec<(String, String)> {
        explain(kind, raw)
            .into_iter()
            .map(|p| (p.code, p.message))
            .collect()
    }

    #[test]
    fn ime_slips_are_explained_in_checks_words() {
        let full = said(FieldKind::Count, "１２６");
        assert_eq!(full[0].0, "wrong-type");
        assert!(full[0].1.contains("全角数字“１２６”"), "{full:?}");
        assert_eq!(
            explain(FieldKind::Count, "１２６")[0].hint.as_deref(),
            Some("126")
        );
        for dressed in ["1,380", "1，380", "1 380", "1380人"] {
            let p = explain(FieldKind::Count, dressed);
            assert_eq!(p.len(), 1, "{dressed}");
            assert!(
                p[0].message
                    .contains("只写数字，不加千位分隔符、单位或引号"),
                "{dressed}: {}",
                p[0].message
            );
            assert_eq!(p[0].hint.as_deref(), Some("1380"), "{dressed}");
        }
        let decimal = said(FieldKind::Count, "12.5");
        assert_eq!(decimal[0].0, "not-integer");
        assert!(decimal[0].1.contains("应是整数，这里是小数 12.5"));
        let negative = said(FieldKind::Count, "-5");
        assert_eq!(negative[0].0, "negative");
        assert!(negative[0].1.contains("不能为负数"));
        let empty = said(FieldKind::Count, "");
        assert_eq!(empty[0].0, "unfilled");
        assert!(empty[0].1.contains("还没有填写"));
        assert!(said(FieldKind::Name, "")[0].1.contains("还没有填写"));
        assert_eq!(said(FieldKind::Count, "+12")[0].0, "number-format");
    }

    #[test]
    fn good_values_have_nothing_to_say() {
        assert!(explain(FieldKind::Count, "1380").is_empty());
        assert!(explain(FieldKind::PartWhole, "0").is_empty());
        assert!(explain(FieldKind::Decimal, "96.6").is_empty());
        assert!(explain(FieldKind::Name, "党课大讲堂").is_empty());
        assert!(explain(FieldKind::Name, "2021").is_empty());
        assert!(explain(FieldKind::Text, "任何文字").is_empty());
    }

    #[test]
    fn an_empty_value_may_be_saved_a_slip_may_not() {
        assert!(!refuses(&explain(FieldKind::Count, "")));
        assert!(refuses(&explain(FieldKind::Count, "１２６")));
    }
}
