//! A year's facts: `facts/<year>.yaml`, read into a positioned tree and looked up by path.
//!
//! The facts file has no schema in Rust: which keys exist is decided by the figure declarations
//! (every fact some figure or rule reads). Anything else is an unknown key, most likely a typo.

use std::path::Path;

use crate::date::Date;
use crate::diagnostic::Diagnostic;
use crate::text::did_you_mean;
use crate::yaml::{self, Node, Pos, Value, describe};

/// Top-level keys every facts file may hold besides the facts themselves: `sources` (who gave
/// the figures, see the `sources` module), `confirmed` (fact paths whose value carried over from
/// last year is deliberate) and `date` (the meeting's, the files' creation date) are checked on
/// their own, not as facts.
pub const RESERVED_KEYS: &[&str] = &["year", "sample", "sources", "confirmed", "date"];

#[derive(Debug, Clone)]
pub struct Facts {
    pub doc: yaml::Document,
    pub year: i64,
    /// `sample: true` marks invented demonstration data.
    pub sample: bool,
    /// `date: 2021-06-30`, the meeting's date: the creation date the files declare (before the
    /// settings' `date:`). A value that is no date is reported by `reserved_key_problems`.
    pub date: Option<Date>,
}

/// What a fact path reaches. Found paths are concrete (`a.items.0.count` for the pattern
/// `a.items.*.count`).
#[derive(Debug)]
pub enum Resolved<'a> {
    Found(Vec<(String, &'a Node)>),
    /// The path stops at `missing`; `parent` is the deepest group that exists and where it is.
    Missing {
        missing: String,
        parent: Option<(String, Pos)>,
    },
    /// A segment of the path is not a group (`a.b` when `a` is a number).
    NotAGroup {
        path: String,
        node: &'a Node,
    },
}

/// The years a facts file may be for: from the founding of the People's Republic on.
pub const YEARS: std::ops::RangeInclusive<i64> = 1949..=2200;

impl Facts {
    pub fn load(path: &Path) -> Result<Facts, Vec<Diagnostic>> {
        let doc = yaml::load(path).map_err(|d| vec![d])?;
        Facts::from_document(doc)
    }

    pub fn from_document(doc: yaml::Document) -> Result<Facts, Vec<Diagnostic>> {
        if !matches!(doc.root.value, Value::Map(_)) {
            return Err(vec![doc.error(
                "wrong-type",
                doc.root.pos,
                "事实文件的最外层应是“键: 值”的分组",
            )]);
        }
        let year = match doc.root.get("year") {
            None => {
                let mut d = doc.error(
                    "unfilled",
                    Pos { line: 1, column: 1 },
                    "缺少年份：事实文件开头应有一行 year: <年份>",
                );
                d.fact = Some("year".into());
                d.hint = Some("例如 year: 2021".into());
                return Err(vec![d]);
            }
            Some(entry) => match entry.value.value {
                Value::Int(y) if YEARS.contains(&y) => y,
                _ => {
                    let mut d = doc.error(
                        "wrong-type",
                        entry.value.pos,
                        format!(
                            "year 应是 {} 到 {} 之间的年份（四位数），这里是{}",
                            YEARS.start(),
                            YEARS.end(),
                            describe(&entry.value)
                        ),
                    );
                    d.fact = Some("year".into());
                    d.hint = Some("写这份事实所属的年份，例如 year: 2021".into());
                    return Err(vec![d]);
                }
            },
        };
        let stem = doc.path.file_stem().and_then(|s| s.to_str()).unwrap_or("");
        if stem.bytes().all(|b| b.is_ascii_digit()) && stem != year.to_string() {
            let pos = doc
                .root
                .get("year")
                .map(|e| e.value.pos)
                .unwrap_or(doc.root.pos);
            let mut d = doc.error(
                "year-mismatch",
                pos,
                format!("文件名是 {stem}.yaml，但 year 写的是 {year}：两者必须一致"),
            );
            d.fact = Some("year".into());
            d.hint = Some(format!(
                "若这是 {year} 年的事实，请把文件改名为 {year}.yaml；否则改正 year"
            ));
            return Err(vec![d]);
        }
        let sample = matches!(
            doc.root.get("sample").map(|e| &e.value.value),
            Some(Value::Bool(true))
        );
        let date = doc
            .root
            .get("date")
            .and_then(|e| e.value.as_str())
            .and_then(Date::parse);
        Ok(Facts {
            doc,
            year,
            sample,
            date,
        })
    }

    /// Problems with the keys every facts file may hold besides the facts (`year` is checked on
    /// loading, since nothing can be read without it).
    pub fn reserved_key_problems(&self) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        if let Some(entry) = self.doc.root.get("sample")
            && !matches!(entry.value.value, Value::Bool(_))
        {
            // `sample: yes` or `sample: "true"` read as "not sample" would print invented numbers
            // as final ones; read as "sample" it would hide a typo. Neither: say so.
            let mut d = self.doc.error(
                "wrong-type",
                entry.value.pos,
                format!(
                    "sample 只能是 true 或 false，这里是{}",
                    describe(&entry.value)
                ),
            );
            d.fact = Some("sample".into());
            d.hint = Some("sample: true".into());
            out.push(d);
        }
        if let Some(entry) = self.doc.root.get("date")
            && entry.value.value != Value::Null
            && self.date.is_none()
        {
            let mut d = self.doc.error(
                "wrong-type",
                entry.value.pos,
                format!(
                    "date 应是会议的日期，写作 年-月-日，这里是{}",
                    describe(&entry.value)
                ),
            );
            d.fact = Some("date".into());
            d.hint = Some(format!("date: {}-06-30", self.year));
            out.push(d);
        }
        out
    }

    /// Finds the nodes at a dotted path; `*` stands for every item of a list or every value of
    /// a group.
    pub fn resolve(&self, path: &str) -> Resolved<'_> {
        let mut current: Vec<(String, &Node)> = vec![(String::new(), &self.doc.root)];
        for segment in path.split('.') {
            let mut next = Vec::new();
            for (prefix, node) in &current {
                let join = |k: &str| {
                    if prefix.is_empty() {
                        k.to_owned()
                    } else {
                        format!("{prefix}.{k}")
                    }
                };
                match (&node.value, segment) {
                    (Value::Map(entries), "*") => {
                        next.extend(entries.iter().map(|e| (join(&e.key), &e.value)));
                    }
                    (Value::Seq(items), "*") => {
                        next.extend(
                            items
                                .iter()
                                .enumerate()
                                .map(|(i, n)| (join(&i.to_string()), n)),
                        );
                    }
                    (Value::Map(entries), key) => match entries.iter().find(|e| e.key == key) {
                        Some(e) => next.push((join(key), &e.value)),
                        None => {
                            // The group looked in, even one item of a list reached through `*`:
                            // a list item missing a key is reported at that item.
                            let parent = if prefix.is_empty() {
                                None
                            } else {
                                self.key_pos(prefix).map(|pos| (prefix.clone(), pos))
                            };
                            return Resolved::Missing {
                                missing: join(key),
                                parent,
                            };
                        }
                    },
                    _ => {
                        return Resolved::NotAGroup {
                            path: prefix.clone(),
                            node,
                        };
                    }
                }
            }
            current = next;
        }
        Resolved::Found(current)
    }

    /// Where the key of a concrete path stands (its value's position for list items).
    pub fn key_pos(&self, path: &str) -> Option<Pos> {
        let mut node = &self.doc.root;
        let mut pos = None;
        for segment in path.split('.') {
            match &node.value {
                Value::Map(entries) => {
                    let e = entries.iter().find(|e| e.key == segment)?;
                    pos = Some(e.key_pos);
                    node = &e.value;
                }
                Value::Seq(items) => {
                    node = items.get(segment.parse::<usize>().ok()?)?;
                    pos = Some(node.pos);
                }
                _ => return None,
            }
        }
        pos
    }

    /// Every key in the file that no declared fact path (pattern) reaches: typos and leftovers.
    pub fn unknown_keys(&self, patterns: &[&str]) -> Vec<UnknownKey> {
        let patterns: Vec<Vec<&str>> = patterns.iter().map(|p| p.split('.').collect()).collect();
        let mut out = Vec::new();
        for entry in self.doc.root.entries() {
            if RESERVED_KEYS.contains(&entry.key.as_str()) {
                continue;
            }
            self.walk_unknown(
                &entry.key,
                &[entry.key.as_str()],
                entry.key_pos,
                &entry.value,
                &patterns,
                &mut out,
            );
        }
        out
    }

    fn walk_unknown(
        &self,
        path: &str,
        segments: &[&str],
        key_pos: Pos,
        node: &Node,
        patterns: &[Vec<&str>],
        out: &mut Vec<UnknownKey>,
    ) {
        let matches = |p: &Vec<&str>| {
            p.len() >= segments.len()
                && p.iter()
                    .zip(segments)
                    .all(|(pat, seg)| *pat == "*" || pat == seg)
        };
        let live: Vec<&Vec<&str>> = patterns.iter().filter(|p| matches(p)).collect();
        if live.is_empty() {
            let parent = &segments[..segments.len() - 1];
            let key = segments[segments.len() - 1];
            // Keys that would be right here, for "did you mean".
            let siblings: Vec<&str> = patterns
                .iter()
                .filter(|p| {
                    p.len() > parent.len()
                        && p.iter()
                            .zip(parent)
                            .all(|(pat, seg)| *pat == "*" || pat == seg)
                })
                .map(|p| p[parent.len()])
                .filter(|s| *s != "*")
                .collect();
            let meant = did_you_mean(key, &siblings);
            let message = match meant {
                Some(_) => format!("未知的键“{key}”"),
                None => format!("未知的键“{key}”：没有任何数据项或规则读取 {path}"),
            };
            let mut d = self.doc.error("unknown-key", key_pos, message);
            d.fact = Some(path.to_owned());
            d.hint = Some(match meant {
                Some(s) => format!("是不是想写“{s}”？"),
                None if siblings.is_empty() => {
                    "若这是新的事实，请先在 templates/figures.yaml 中声明读取它的数据项".into()
                }
                None => format!("这里可以写的键有：{}", dedup(&siblings).join("、")),
            });
            let meant = meant.map(|m| match path.rsplit_once('.') {
                Some((parent, _)) => format!("{parent}.{m}"),
                None => m.to_owned(),
            });
            out.push(UnknownKey {
                diagnostic: d,
                meant,
            });
            return;
        }
        // A path that is a whole fact (a number, a series, a list of names) is not looked into.
        if live.iter().any(|p| p.len() == segments.len()) {
            return;
        }
        match &node.value {
            Value::Map(entries) => {
                for e in entries {
                    let mut segs = segments.to_vec();
                    segs.push(&e.key);
                    self.walk_unknown(
                        &format!("{path}.{}", e.key),
                        &segs,
                        e.key_pos,
                        &e.value,
                        patterns,
                        out,
                    );
                }
            }
            Value::Seq(items) => {
                let indices: Vec<String> = (0..items.len()).map(|i| i.to_string()).collect();
                for (item, index) in items.iter().zip(&indices) {
                    let mut segs = segments.to_vec();
                    segs.push(index);
                    // List items themselves are reached through `*`; look at their keys.
                    for e in item.entries() {
                        let mut inner = segs.clone();
                        inner.push(&e.key);
                        self.walk_unknown(
                            &format!("{path}.{index}.{}", e.key),
                            &inner,
                            e.key_pos,
                            &e.value,
                            patterns,
                            out,
                        );
                    }
                }
            }
            _ => {}
        }
    }
}

/// A key no figure or rule reads, and the declared path it is probably a typo of.
#[derive(Debug, Clone)]
pub struct UnknownKey {
    pub diagnostic: Diagnostic,
    /// The full fact path the key was probably meant to be (`supervision.rectification_letters`):
    /// that fact is then missing because of this one typo, and is not reported again.
    pub meant: Option<String>,
}

fn dedup<'a>(items: &[&'a str]) -> Vec<&'a str> {
    let mut out: Vec<&str> = Vec::new();
    for i in items {
        if !out.contains(i) {
            out.push(i);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(text: &str) -> Facts {
        let doc = yaml::parse(Path::new("facts/2021.yaml"), text.into()).unwrap();
        Facts::from_document(doc).unwrap()
    }

    #[test]
    fn resolves_plain_and_wildcard_paths() {
        let f = facts(
            "year: 2021\na:\n  b: 1\n  list:\n    - n: x\n      c: 2\n    - n: y\n      c: 3\n",
        );
        match f.resolve("a.b") {
            Resolved::Found(v) => assert_eq!(v[0].0, "a.b"),
            other => panic!("{other:?}"),
        }
        match f.resolve("a.list.*.c") {
            Resolved::Found(v) => {
                let paths: Vec<_> = v.iter().map(|(p, _)| p.as_str()).collect();
                assert_eq!(paths, ["a.list.0.c", "a.list.1.c"]);
            }
            other => panic!("{other:?}"),
        }
        match f.resolve("a.zz") {
            Resolved::Missing { missing, parent } => {
                assert_eq!(missing, "a.zz");
                assert_eq!(parent.unwrap().1, Pos { line: 2, column: 1 });
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn unknown_keys_are_found_with_suggestions() {
        let f = facts(
            "year: 2021\na:\n  members: 1\n  membres_reached: 2\n  list:\n    - name: x\n      cnt: 2\n",
        );
        let d = f.unknown_keys(&[
            "a.members",
            "a.members_reached",
            "a.list.*.name",
            "a.list.*.count",
        ]);
        assert_eq!(d.len(), 2, "{d:#?}");
        assert_eq!(d[0].diagnostic.location.as_ref().unwrap().line, 4);
        assert!(
            d[0].diagnostic
                .hint
                .as_ref()
                .unwrap()
                .contains("members_reached")
        );
        assert_eq!(d[0].meant.as_deref(), Some("a.members_reached"));
        assert_eq!(d[1].diagnostic.location.as_ref().unwrap().line, 7);
        assert_eq!(d[1].diagnostic.location.as_ref().unwrap().column, 7);
        assert_eq!(d[1].meant.as_deref(), Some("a.list.0.count"));
    }

    #[test]
    fn year_must_match_file_name() {
        let doc = yaml::parse(Path::new("facts/2021.yaml"), "year: 2020\n".into()).unwrap();
        let e = Facts::from_document(doc).unwrap_err();
        assert_eq!(e[0].code, "year-mismatch");
        assert_eq!(e[0].location.as_ref().unwrap().column, 7);
    }
}
