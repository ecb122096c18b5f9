//! A JSON Schema (draft 2020-12) of the facts file, made from the figure declarations: every fact
//! some figure or rule reads, with its type and range, and the Chinese label and unit of what
//! reads it as its description. Editors that read JSON Schema for YAML (VS Code's YAML extension)
//! then complete keys and underline a typo'd key, `"126人"` or a negative count as the clerk types.
//!
//! Every key is required, but a value may be null: an empty value is *unfilled*, which `check`
//! reports in its own words, not wrong. Yearly series (`逐年提升`) are maps of four-digit years.
//! Like the facts file itself, the schema has no fact in Rust: adding a figure adds its facts.

use std::path::Path;

use serde_json::{Map, Value, json};

use crate::diagnostic::Diagnostic;
use crate::error::Error;
use crate::facts::Facts;
use crate::figures::Declarations;
use crate::figures::declaration::{FactRef, Kind, RuleKind};
use crate::project::Project;

/// What a fact holds, as far as the schema can say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Leaf {
    Count,
    Rate,
    Names,
    Series,
}

#[derive(Debug)]
enum Shape {
    Group(Vec<(String, Shape)>),
    /// `*`: every item of a list.
    List(Box<Shape>),
    Fact {
        leaf: Leaf,
        notes: Vec<String>,
    },
}

impl Shape {
    fn insert(&mut self, segments: &[&str], leaf: Leaf, note: String) {
        let Some((first, rest)) = segments.split_first() else {
            if let Shape::Fact { notes, .. } = self
                && !notes.contains(&note)
            {
                notes.push(note);
            }
            return;
        };
        let fresh = |rest: &[&str]| match rest.first() {
            None => Shape::Fact {
                leaf,
                notes: Vec::new(),
            },
            Some(&"*") => Shape::List(Box::new(Shape::Group(Vec::new()))),
            Some(_) => Shape::Group(Vec::new()),
        };
        match self {
            Shape::List(item) if *first == "*" => {
                // A list of plain values (`names.*`): the item is the fact.
                if rest.is_empty() {
                    if !matches!(**item, Shape::Fact { .. }) {
                        **item = fresh(rest);
                    }
                    item.insert(rest, leaf, note);
                } else if matches!(**item, Shape::Group(_)) {
                    item.insert(rest, leaf, note);
                }
            }
            Shape::Group(children) if *first != "*" => {
                let index = match children.iter().position(|(k, _)| k == first) {
                    Some(i) => i,
                    None => {
                        children.push((first.to_string(), fresh(rest)));
                        children.len() - 1
                    }
                };
                children[index].1.insert(rest, leaf, note);
            }
            // A path that reads into a fact, or a list where a group was (a broken
            // declaration that `check` reports): the first reading stands.
            _ => {}
        }
    }

    fn to_json(&self) -> Value {
        match self {
            Shape::Group(children) => {
                let mut props = Map::new();
                for (k, v) in children {
                    props.insert(k.clone(), v.to_json());
                }
                json!({
                    "type": "object",
                    "properties": props,
                    "required": children.iter().map(|(k, _)| k.clone()).collect::<Vec<_>>(),
                    "additionalProperties": false,
                })
            }
            Shape::List(item) => json!({
                "type": "array",
                "minItems": 1,
                "items": item.to_json(),
            }),
            Shape::Fact { leaf, notes } => {
                let mut v = match leaf {
                    Leaf::Count => json!({
                        "type": ["integer", "null"],
                        "minimum": 0,
                    }),
                    Leaf::Rate => json!({
                        "type": ["number", "null"],
                        "minimum": 0,
                        "maximum": 100,
                    }),
                    Leaf::Names => json!({
                        "anyOf": [
                            {"type": "string", "minLength": 1},
                            {"type": "array", "minItems": 1, "items": {"type": "string", "minLength": 1}},
                            {"type": "null"},
                        ],
                    }),
                    Leaf::Series => json!({
                        "type": ["object", "array", "null"],
                        "patternProperties": {"^[0-9]{4}$": {"type": ["number", "null"]}},
                        "additionalProperties": false,
                        "items": {"type": ["number", "null"]},
                    }),
                };
                let what = match leaf {
                    Leaf::Count => "整数，不小于 0",
                    Leaf::Rate => "0 到 100 的比率，不带 %",
                    Leaf::Names => "名称，或名称的列表（不加《》“”）",
                    Leaf::Series => "逐年的数列，键为四位年份（如 2021: 342）",
                };
                v["description"] = json!(format!("{}。{what}；留空表示未填", notes.join("；")));
                v
            }
        }
    }
}

fn unit(u: &str) -> String {
    if u.is_empty() || u == "%" {
        String::new()
    } else {
        format!("（{u}）")
    }
}

/// Every fact the declarations read, with what it is and who reads it.
fn facts_read(decls: &Declarations) -> Vec<(&FactRef, Leaf, String)> {
    let mut out = Vec::new();
    for f in &decls.figures {
        let label = &f.label;
        let u = unit(&f.unit);
        match &f.kind {
            Kind::Count { fact } | Kind::CnCount { fact } | Kind::Approx { fact, .. } => {
                out.push((fact, Leaf::Count, format!("{label}{u}")));
            }
            Kind::Sum { facts } => {
                for fact in facts {
                    out.push((fact, Leaf::Count, format!("{label}{u}的一项（各项相加）")));
                }
            }
            Kind::Percent { part, whole, .. } => {
                out.push((part, Leaf::Count, format!("{label}的分子（部分）")));
                out.push((
                    whole,
                    Leaf::Count,
                    format!("{label}的分母（总数，不能为 0）"),
                ));
            }
            Kind::Rate { fact, .. } => out.push((fact, Leaf::Rate, format!("{label}（%）"))),
            Kind::Names { fact, .. } => out.push((fact, Leaf::Names, label.clone())),
        }
    }
    for r in &decls.rules {
        let label = &r.label;
        match &r.kind {
            RuleKind::Rising { fact } => {
                out.push((fact, Leaf::Series, format!("{label}：须逐年上升")));
            }
            RuleKind::All { part, whole } => {
                out.push((part, Leaf::Count, format!("{label}：部分，须等于总数")));
                out.push((whole, Leaf::Count, format!("{label}：总数")));
            }
            RuleKind::SumAtMost { parts, whole } => {
                for p in parts {
                    out.push((p, Leaf::Count, format!("{label}：部分")));
                }
                out.push((whole, Leaf::Count, format!("{label}：总数")));
            }
        }
    }
    out
}

/// The keys `sources:` may use: every group and fact path, `*` standing for a list index.
fn source_keys(decls: &Declarations) -> Value {
    let mut names: Vec<String> = Vec::new();
    let mut patterns: Vec<String> = Vec::new();
    for p in decls.fact_patterns() {
        let segs: Vec<&str> = p.split('.').collect();
        for n in 1..=segs.len() {
            let prefix = &segs[..n];
            if prefix.contains(&"*") {
                let re: Vec<String> = prefix
                    .iter()
                    .map(|s| {
                        if *s == "*" {
                            "[^.]+".to_owned()
                        } else {
                            s.replace('.', "\\.")
                        }
                    })
                    .collect();
                let re = format!("^{}$", re.join("\\."));
                if !patterns.contains(&re) {
                    patterns.push(re);
                }
            } else {
                let name = prefix.join(".");
                if !names.contains(&name) {
                    names.push(name);
                }
            }
        }
    }
    let mut any = vec![json!({"enum": names})];
    any.extend(patterns.into_iter().map(|p| json!({"pattern": p})));
    json!({"anyOf": any})
}

/// The entries `confirmed:` may list: every fact path the declarations read, a list index
/// written as a number or `*`.
fn confirmed_items(decls: &Declarations) -> Value {
    let mut names: Vec<&str> = Vec::new();
    let mut patterns: Vec<String> = Vec::new();
    for p in decls.fact_patterns() {
        if p.split('.').any(|s| s == "*") {
            let re: Vec<String> = p
                .split('.')
                .map(|s| match s {
                    "*" => "([0-9]+|\\*)".to_owned(),
                    s => s.to_owned(),
                })
                .collect();
            let re = format!("^{}$", re.join("\\."));
            if !patterns.contains(&re) {
                patterns.push(re);
            }
        } else if !names.contains(&p) {
            names.push(p);
        }
    }
    let mut any = vec![json!({"enum": names})];
    any.extend(patterns.into_iter().map(|p| json!({"pattern": p})));
    json!({"type": "string", "anyOf": any})
}

/// The schema of a facts file that these declarations read.
pub fn schema(decls: &Declarations) -> Value {
    let mut root = Shape::Group(Vec::new());
    for (fact, leaf, note) in facts_read(decls) {
        let segs: Vec<&str> = fact.path.split('.').collect();
        root.insert(&segs, leaf, note);
    }
    let mut v = root.to_json();
    let groups = v["required"].clone();
    let props = v["properties"].as_object_mut().expect("a group");
    let facts: Map<String, Value> = std::mem::take(props);
    props.insert(
        "year".into(),
        json!({"type": "integer", "minimum": 1949, "maximum": 2200,
               "description": "年份：须与文件名一致（2021.yaml 写 year: 2021）"}),
    );
    props.insert(
        "sample".into(),
        json!({"type": "boolean",
               "description": "sample: true 表示样例数据（数字是虚构的）；填入真实数据后删除这一行"}),
    );
    props.insert(
        "date".into(),
        json!({"type": ["string", "null"], "pattern": "^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}$",
               "description": "会议日期（年-月-日，如 2021-06-30）：写入 PDF 等文件的创建日期；不写则取 templates/speech.yaml 的 date，再不写取当年 1 月 1 日"}),
    );
    props.insert(
        crate::sources::KEY.into(),
        json!({"type": ["object", "null"],
               "description": "数据来源：键为分组或事实路径，值为提供数字的单位（如 political: 市委组织部）；最具体的键优先",
               "propertyNames": source_keys(decls),
               "additionalProperties": {"type": ["string", "null"]}}),
    );
    props.insert(
        crate::confirmed::KEY.into(),
        json!({"type": ["array", "null"],
               "description": "与上年相同而确属无误的数值、名称的事实路径（如 political.lecture_hall），check 不再就它们警告；next-year 每年清空",
               "items": confirmed_items(decls)}),
    );
    props.extend(facts);
    let mut required = vec![json!("year")];
    required.extend(groups.as_array().cloned().unwrap_or_default());
    v["required"] = Value::Array(required);
    let mut out = Map::new();
    out.insert(
        "$schema".into(),
        json!("https://json-schema.org/draft/2020-12/schema"),
    );
    out.insert(
        "title".into(),
        json!("speechgen 事实文件（facts/<年份>.yaml）"),
    );
    out.insert(
        "description".into(),
        json!("由 templates/figures.yaml 中的声明生成（speechgen schema）：列出每个数字读取的事实、类型与范围。"),
    );
    if let Value::Object(body) = v {
        out.extend(body);
    }
    Value::Object(out)
}

/// The schema as pretty-printed JSON, ending with a newline.
pub fn to_string(decls: &Declarations) -> String {
    let mut s = serde_json::to_string_pretty(&schema(decls)).expect("a JSON value serialises");
    s.push('\n');
    s
}

/// The schema of the facts a project's declarations read (`speechgen schema`). Fails when the
/// declarations cannot be read (exit 2) or have errors (exit 1).
pub fn of_project(project: &Project) -> Result<String, Error> {
    // The latest year's own declarations when it has them (templates/<year>/figures.yaml): the
    // facts being filled in are that year's, and the schema file is the one beside them.
    let latest = project.years().last().map(|(year, _)| *year);
    Ok(to_string(&Declarations::load(
        &project.figures_for(latest),
    )?))
}

/// The schema file `next-year` writes beside the facts files (`facts/facts.schema.json`).
pub const FILE_NAME: &str = "facts.schema.json";

/// How a YAML file names its schema for editors that use yaml-language-server (VS Code's YAML
/// extension among them); a relative path is read from the YAML file's folder.
const MODELINE: &str = "# yaml-language-server: $schema=";

/// The line naming `schema` (`# yaml-language-server: $schema=facts.schema.json`).
pub fn modeline(schema: &str) -> String {
    format!("{MODELINE}{schema}")
}

/// `text` with the line naming `schema` first, in place of any such line it held.
pub fn with_modeline(text: &str, schema: &str) -> String {
    let mut out = modeline(schema);
    out.push('\n');
    for line in text.split_inclusive('\n') {
        if !line.trim_start().starts_with(MODELINE) {
            out.push_str(line);
        }
    }
    out
}

/// The schema a facts file names for editors, as written, and where the name stands.
pub fn named_by(facts: &Facts) -> Option<(String, crate::yaml::Pos)> {
    facts.doc.text.lines().enumerate().find_map(|(i, line)| {
        let start = line.find(MODELINE)?;
        if !line[..start].trim().is_empty() {
            return None;
        }
        let name_at = start + MODELINE.len();
        let name = line[name_at..].split_whitespace().next()?.to_owned();
        let pos = crate::yaml::Pos {
            line: i + 1,
            column: line[..name_at].chars().count() + 1,
        };
        Some((name, pos))
    })
}

/// A warning when the schema file a facts file names (a file of the project, not an address)
/// is missing or differs from what `speechgen schema` prints now: the editor would complete keys
/// no figure reads any more, or underline a new one. Line endings do not count (a checkout on
/// Windows may turn them into CRLF).
pub fn stale_warning(decls: &Declarations, facts: &Facts, root: &Path) -> Option<Diagnostic> {
    let (name, pos) = named_by(facts)?;
    if name.contains("://") {
        return None;
    }
    let path = facts
        .doc
        .path
        .parent()
        .unwrap_or(Path::new("."))
        .join(&name);
    let shown = crate::digest::shown_path(root, &path);
    let text = crate::input::read(&path, crate::input::TEXT_LIMIT).map(String::from_utf8);
    let message = match text {
        Err(_) => format!("编辑器读取的 {shown} 不存在：编辑器无法补全键名、标出错误"),
        Ok(Ok(text)) if text.replace('\r', "") == to_string(decls) => return None,
        Ok(_) => format!(
            "编辑器读取的 {shown} 不是最新的：它与 {} 中的数据项声明不一致，编辑器的补全和检查会出错",
            crate::digest::shown_path(root, &decls.doc.path)
        ),
    };
    Some(
        facts
            .doc
            .warning("stale-schema", pos, message)
            .with_hint(format!("重新生成：speechgen schema -o {shown}")),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn decls(text: &str) -> Declarations {
        Declarations::from_document(
            crate::yaml::parse(Path::new("figures.yaml"), text.into()).unwrap(),
        )
        .unwrap()
    }

    #[test]
    fn the_schema_line_comes_first_once() {
        let text = "# 样例\n# yaml-language-server: $schema=old.json\nyear: 2022\n";
        let out = with_modeline(text, FILE_NAME);
        assert_eq!(
            out,
            "# yaml-language-server: $schema=facts.schema.json\n# 样例\nyear: 2022\n"
        );
        assert_eq!(with_modeline(&out, FILE_NAME), out);
        let facts =
            Facts::from_document(crate::yaml::parse(Path::new("facts/2022.yaml"), out).unwrap())
                .unwrap();
        let (name, pos) = named_by(&facts).unwrap();
        assert_eq!(name, FILE_NAME);
        assert_eq!((pos.line, pos.column), (1, 33));
    }

    #[test]
    fn facts_become_typed_required_nullable_properties() {
        let d = decls(
            "figures:\n  n:\n    label: 党员\n    unit: 人\n    kind: count\n    fact: a.n\n  \
             s:\n    label: 学员\n    unit: 名\n    kind: sum\n    facts: [a.list.*.count]\n  \
             t:\n    label: 名称\n    kind: names\n    fact: a.list.*.name\n\
             rules:\n  r:\n    label: 经费逐年提升\n    kind: rising\n    fact: b.funds\n",
        );
        let s = schema(&d);
        assert_eq!(s["required"], json!(["year", "a", "b"]));
        let a = &s["properties"]["a"];
        assert_eq!(a["required"], json!(["n", "list"]));
        assert_eq!(a["properties"]["n"]["type"], json!(["integer", "null"]));
        assert!(
            a["properties"]["n"]["description"]
                .as_str()
                .unwrap()
                .starts_with("党员（人）")
        );
        let item = &a["properties"]["list"]["items"];
        assert_eq!(item["required"], json!(["count", "name"]));
        let funds = &s["properties"]["b"]["properties"]["funds"];
        assert!(funds["patternProperties"]["^[0-9]{4}$"].is_object());
        let keys = &s["properties"]["sources"]["propertyNames"]["anyOf"];
        assert_eq!(
            keys[0]["enum"],
            json!(["a", "a.n", "a.list", "b", "b.funds"])
        );
        assert_eq!(keys[1]["pattern"], json!("^a\\.list\\.[^.]+$"));
        let confirmed = &s["properties"]["confirmed"]["items"]["anyOf"];
        assert_eq!(confirmed[0]["enum"], json!(["a.n", "b.funds"]));
        assert_eq!(
            confirmed[1]["pattern"],
            json!("^a\\.list\\.([0-9]+|\\*)\\.count$")
        );
    }
}
