//! Where a year's facts came from: the optional top-level `sources:` map of a facts file, keyed
//! by group or fact path, so a reviewer knows whom to ask about a figure:
//!
//! ```yaml
//! sources:
//!   political: 市委组织部
//!   service.daily_on_duty: 市文明办
//! ```
//!
//! The most specific key wins: `service.daily_on_duty` over `service`. A key must name a group or
//! a fact some figure or rule reads, like every other key of the file.

use crate::diagnostic::Diagnostic;
use crate::facts::Facts;
use crate::text::did_you_mean;
use crate::yaml::{Pos, Value, describe};

/// The top-level key of the map.
pub const KEY: &str = "sources";

/// One stated source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    /// A group or fact path: `political`, `service.daily_on_duty`.
    pub key: String,
    /// Who gave the figures: 市委组织部.
    pub text: String,
    pub pos: Pos,
}

/// The stated sources, in file order. Entries that are not text are left out (`check` reports them).
pub fn read(facts: &Facts) -> Vec<Source> {
    let Some(map) = facts.doc.root.get(KEY) else {
        return Vec::new();
    };
    map.value
        .entries()
        .iter()
        .filter_map(|e| {
            let text = e.value.as_str()?.trim();
            (!text.is_empty()).then(|| Source {
                key: e.key.clone(),
                text: text.to_owned(),
                pos: e.value.pos,
            })
        })
        .collect()
}

/// Whether `key` is `path` or a group above it (`organisation` for `organisation.stars.three`).
fn covers(key: &str, path: &str) -> bool {
    path == key
        || path
            .strip_prefix(key)
            .is_some_and(|rest| rest.starts_with('.'))
}

/// The source of one concrete fact path: the most specific key that covers it.
pub fn for_fact<'a>(sources: &'a [Source], path: &str) -> Option<&'a Source> {
    sources
        .iter()
        .filter(|s| covers(&s.key, path))
        .max_by_key(|s| s.key.split('.').count())
}

/// The sources of several facts (a figure's part and whole), each named once, joined with “；”.
pub fn for_facts<'a>(
    sources: &[Source],
    paths: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    let mut texts: Vec<&str> = Vec::new();
    for p in paths {
        if let Some(s) = for_fact(sources, p)
            && !texts.contains(&s.text.as_str())
        {
            texts.push(&s.text);
        }
    }
    (!texts.is_empty()).then(|| texts.join("；"))
}

/// Every path a `sources:` key may name: each declared fact path and each group above one,
/// with `*` standing for any list index.
fn names_real_group_or_fact(key: &str, patterns: &[Vec<&str>]) -> bool {
    let segs: Vec<&str> = key.split('.').collect();
    patterns.iter().any(|p| {
        p.len() >= segs.len()
            && p.iter()
                .zip(&segs)
                .all(|(pat, seg)| !seg.is_empty() && (*pat == "*" || pat == seg))
    })
}

/// Problems in the `sources:` map: not a map, a key that names no group or fact the
/// declarations read (most likely a typo), a value that is not text.
pub fn check(facts: &Facts, patterns: &[&str]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let Some(entry) = facts.doc.root.get(KEY) else {
        return out;
    };
    let map = &entry.value;
    match &map.value {
        Value::Map(_) => {}
        Value::Null => return out,
        _ => {
            let mut d = facts.doc.error(
                "wrong-type",
                map.pos,
                format!(
                    "sources 应是“分组或事实路径: 提供单位”的列表，这里是{}",
                    describe(map)
                ),
            );
            d.fact = Some(KEY.into());
            d.hint = Some("例如：\nsources:\n  political: 市委组织部".into());
            out.push(d);
            return out;
        }
    }
    let split: Vec<Vec<&str>> = patterns.iter().map(|p| p.split('.').collect()).collect();
    // Every group and fact path without `*`, for "did you mean".
    let mut known: Vec<String> = Vec::new();
    for p in &split {
        for n in 1..=p.len() {
            if p[..n].contains(&"*") {
                break;
            }
            let prefix = p[..n].join(".");
            if !known.contains(&prefix) {
                known.push(prefix);
            }
        }
    }
    for e in map.entries() {
        if !names_real_group_or_fact(&e.key, &split) {
            let candidates: Vec<&str> = known.iter().map(String::as_str).collect();
            let mut d = facts.doc.error(
                "unknown-key",
                e.key_pos,
                format!(
                    "sources 中的“{}”不是任何分组或事实：来源要写在读取的分组或事实路径下",
                    e.key
                ),
            );
            d.fact = Some(format!("{KEY}.{}", e.key));
            d.hint = Some(match did_you_mean(&e.key, &candidates) {
                Some(s) => format!("是不是想写“{s}”？"),
                None => "写分组名（如 political）或事实路径（如 service.daily_on_duty）".into(),
            });
            out.push(d);
        }
        match &e.value.value {
            Value::Str(s) if !s.trim().is_empty() => {}
            Value::Null => {}
            _ => {
                let mut d = facts.doc.error(
                    "wrong-type",
                    e.value.pos,
                    format!(
                        "sources 中 {} 的来源应是单位名称（文字），这里是{}",
                        e.key,
                        describe(&e.value)
                    ),
                );
                d.fact = Some(format!("{KEY}.{}", e.key));
                d.hint = Some(format!("{}: 市委组织部", e.key));
                out.push(d);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn facts(text: &str) -> Facts {
        let doc = crate::yaml::parse(Path::new("facts/2021.yaml"), text.into()).unwrap();
        Facts::from_document(doc).unwrap()
    }

    const PATTERNS: &[&str] = &["a.n", "a.m", "b.list.*.count", "b.x"];

    #[test]
    fn the_most_specific_key_wins() {
        let f = facts("year: 2021\nsources:\n  a: 甲单位\n  a.n: 乙单位\n  b: 丙单位\n");
        let s = read(&f);
        assert_eq!(for_fact(&s, "a.n").unwrap().text, "乙单位");
        assert_eq!(for_fact(&s, "a.m").unwrap().text, "甲单位");
        assert_eq!(for_fact(&s, "b.list.0.count").unwrap().text, "丙单位");
        assert!(
            for_fact(&s, "ab.n").is_none(),
            "a key covers whole segments only"
        );
        assert_eq!(
            for_facts(&s, ["a.n", "a.m", "a.n"]).as_deref(),
            Some("乙单位；甲单位")
        );
        assert!(check(&f, PATTERNS).is_empty());
    }

    #[test]
    fn keys_must_name_real_groups_or_facts() {
        let f = facts("year: 2021\nsources:\n  a.nn: 甲\n  b.list.0.count: 乙\n  c: 丙\n  b: 3\n");
        let d = check(&f, PATTERNS);
        let codes: Vec<(&str, usize)> = d
            .iter()
            .map(|d| (d.code, d.location.as_ref().unwrap().line))
            .collect();
        assert_eq!(
            codes,
            [("unknown-key", 3), ("unknown-key", 5), ("wrong-type", 6)]
        );
        assert!(
            d[0].hint.as_ref().unwrap().contains("a.n"),
            "{:?}",
            d[0].hint
        );
    }
}
