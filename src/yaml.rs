//! A YAML tree that remembers where every key and value stands in its file.
//!
//! Facts and figure declarations are checked across fields (a part against its whole, a series
//! against itself), and every message must point at the offending value's own line and column.
//! serde loses positions after deserialising, so both files are read into this tree instead.

use std::path::Path;

use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};

use crate::diagnostic::{Diagnostic, Location};

/// Files larger than this are refused before parsing: a facts file is a few kilobytes.
pub const MAX_FILE_BYTES: usize = 1 << 20;

/// A 1-based line and column, counted in characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Pos {
    pub line: usize,
    pub column: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    /// A number with a fraction; the text is kept so that decimals are read exactly.
    Float(f64, String),
    Str(String),
    Seq(Vec<Node>),
    Map(Vec<Entry>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub value: Value,
    pub pos: Pos,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub key: String,
    pub key_pos: Pos,
    pub value: Node,
}

impl Node {
    pub fn get(&self, key: &str) -> Option<&Entry> {
        match &self.value {
            Value::Map(entries) => entries.iter().find(|e| e.key == key),
            _ => None,
        }
    }

    pub fn entries(&self) -> &[Entry] {
        match &self.value {
            Value::Map(entries) => entries,
            _ => &[],
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }
}

/// A parsed file: its text (to show offending lines) and its root node.
#[derive(Debug, Clone)]
pub struct Document {
    pub path: std::path::PathBuf,
    pub text: String,
    pub root: Node,
}

impl Document {
    pub fn location(&self, pos: Pos) -> Location {
        Location {
            file: self.path.clone(),
            line: pos.line,
            column: pos.column,
        }
    }

    pub fn line_text(&self, line: usize) -> Option<String> {
        self.text
            .lines()
            .nth(line.wrapping_sub(1))
            .map(str::to_owned)
    }

    /// An error at `pos` with the offending line attached.
    pub fn error(&self, code: &'static str, pos: Pos, message: impl Into<String>) -> Diagnostic {
        Diagnostic::error(code, message, Some(self.location(pos)))
            .with_source_line(self.line_text(pos.line))
    }

    /// A warning at `pos` with the offending line attached.
    pub fn warning(&self, code: &'static str, pos: Pos, message: impl Into<String>) -> Diagnostic {
        Diagnostic::warning(code, message, Some(self.location(pos)))
            .with_source_line(self.line_text(pos.line))
    }
}

/// Reads and parses a YAML file. Errors are diagnostics at the place the parser stopped.
pub fn load(path: &Path) -> Result<Document, Diagnostic> {
    let bytes = std::fs::read(path).map_err(|e| io_error(path, &e))?;
    if bytes.len() > MAX_FILE_BYTES {
        return Err(plain_error(
            path,
            "file-too-large",
            format!(
                "文件过大（{} 字节），超过上限 {} 字节",
                bytes.len(),
                MAX_FILE_BYTES
            ),
        ));
    }
    let text = String::from_utf8(bytes).map_err(|e| {
        plain_error(
            path,
            "not-utf8",
            format!(
                "文件不是 UTF-8 编码（第 {} 个字节起无法识别）；请用 UTF-8 保存",
                e.utf8_error().valid_up_to() + 1
            ),
        )
    })?;
    // Notepad and other Windows editors save UTF-8 with a byte-order mark; it is not part of
    // the first key.
    let text = match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_owned(),
        None => text,
    };
    parse(path, text)
}

pub fn parse(path: &Path, text: String) -> Result<Document, Diagnostic> {
    let mut builder = Builder::default();
    let mut parser = Parser::new_from_str(&text);
    let syntax = |pos: Pos, message: String, text: &str| {
        let location = Location {
            file: path.to_path_buf(),
            line: pos.line,
            column: pos.column,
        };
        let mut d = Diagnostic::error("yaml-syntax", message, Some(location));
        d.hint = Some("检查这一行及上一行的缩进、冒号和引号是否成对".into());
        d.source_line = text
            .lines()
            .nth(pos.line.wrapping_sub(1))
            .map(str::to_owned);
        d
    };
    if let Err(e) = parser.load(&mut builder, false) {
        let pos = to_pos(e.marker());
        return Err(syntax(
            pos,
            format!("YAML 格式错误：{}", translate_scan_error(e.info())),
            &text,
        ));
    }
    if let Some((pos, message)) = builder.error {
        return Err(syntax(pos, message, &text));
    }
    let root = builder.root.unwrap_or(Node {
        value: Value::Map(Vec::new()),
        pos: Pos { line: 1, column: 1 },
    });
    let mut doc = Document {
        path: path.to_path_buf(),
        text,
        root,
    };
    fix_empty_value_positions(&mut doc.root, &doc.text);
    Ok(doc)
}

fn io_error(path: &Path, e: &std::io::Error) -> Diagnostic {
    plain_error(
        path,
        Diagnostic::IO,
        format!("无法读取文件：{}", crate::error::explain_io(e)),
    )
}

fn plain_error(path: &Path, code: &'static str, message: String) -> Diagnostic {
    let location = Location {
        file: path.to_path_buf(),
        line: 1,
        column: 1,
    };
    Diagnostic::error(code, message, Some(location))
}

fn to_pos(m: &Marker) -> Pos {
    Pos {
        line: m.line(),
        column: m.col() + 1,
    }
}

/// The scanner's English reasons, said in Chinese for office staff (the English stays in brackets).
fn translate_scan_error(info: &str) -> String {
    let said = if info.contains("quoted scalar") {
        "引号里的文字没有结束（缺少右引号？）"
    } else if info.contains("flow construct")
        || info.contains("flow sequence")
        || info.contains("flow mapping")
    {
        "方括号 [ ] 或花括号 { } 没有成对闭合"
    } else if info.contains("mapping values are not allowed") {
        "这里不能出现“键: 值”，多半是缩进不对或冒号后缺空格"
    } else if info.contains("did not find expected key") {
        "缩进不一致，找不到应有的键"
    } else if info.contains("did not find expected") || info.contains("while parsing a flow") {
        "括号或引号没有成对闭合"
    } else if info.contains("tab") {
        "缩进里有制表符（Tab），请改用空格"
    } else if info.contains("found unknown escape") || info.contains("unexpected end of") {
        "引号内的文字没有正确结束"
    } else {
        "无法解析"
    };
    format!("{said}（{info}）")
}

/// Builds the tree from the parser's events.
#[derive(Default)]
struct Builder {
    stack: Vec<Frame>,
    root: Option<Node>,
    error: Option<(Pos, String)>,
}

enum Frame {
    Seq(Pos, Vec<Node>),
    /// A mapping under construction; `pending` is a key waiting for its value.
    Map(Pos, Vec<Entry>, Option<(String, Pos)>),
}

impl Builder {
    fn push_node(&mut self, node: Node) {
        if self.error.is_some() {
            return;
        }
        match self.stack.last_mut() {
            None => self.root = Some(node),
            Some(Frame::Seq(_, items)) => items.push(node),
            Some(Frame::Map(_, entries, pending)) => match pending.take() {
                None => {
                    let key = match &node.value {
                        Value::Str(s) => s.clone(),
                        Value::Int(i) => i.to_string(),
                        Value::Float(_, text) => text.clone(),
                        Value::Bool(b) => b.to_string(),
                        Value::Null => {
                            self.error = Some((node.pos, "键不能为空".into()));
                            return;
                        }
                        Value::Seq(_) | Value::Map(_) => {
                            self.error = Some((node.pos, "键必须是简单的文字或数字".into()));
                            return;
                        }
                    };
                    if let Some(first) = entries.iter().find(|e| e.key == key) {
                        self.error = Some((
                            node.pos,
                            format!(
                                "键“{key}”重复出现（第一次在第 {} 行）；同一分组里每个键只能写一次",
                                first.key_pos.line
                            ),
                        ));
                        return;
                    }
                    *pending = Some((key, node.pos));
                }
                Some((key, key_pos)) => entries.push(Entry {
                    key,
                    key_pos,
                    value: node,
                }),
            },
        }
    }
}

impl MarkedEventReceiver for Builder {
    fn on_event(&mut self, ev: Event, mark: Marker) {
        if self.error.is_some() {
            return;
        }
        let pos = to_pos(&mark);
        match ev {
            Event::Scalar(text, style, _, _) => {
                let value = if style == TScalarStyle::Plain {
                    plain_scalar(text)
                } else {
                    Value::Str(text)
                };
                self.push_node(Node { value, pos });
            }
            Event::SequenceStart(..) => self.stack.push(Frame::Seq(pos, Vec::new())),
            Event::MappingStart(..) => self.stack.push(Frame::Map(pos, Vec::new(), None)),
            Event::SequenceEnd | Event::MappingEnd => {
                let node = match self.stack.pop() {
                    Some(Frame::Seq(pos, items)) => Node {
                        value: Value::Seq(items),
                        pos,
                    },
                    Some(Frame::Map(pos, entries, _)) => Node {
                        value: Value::Map(entries),
                        pos,
                    },
                    None => return,
                };
                self.push_node(node);
            }
            Event::Alias(_) => {
                self.error = Some((pos, "不支持锚点和别名（*名字）：请把数值直接写出来".into()))
            }
            Event::DocumentStart if self.root.is_some() => {
                self.error = Some((pos, "一个文件只能有一份文档（不要用 --- 分隔多份）".into()))
            }
            _ => {}
        }
    }
}

/// YAML 1.2 core schema resolution of an unquoted scalar.
fn plain_scalar(text: String) -> Value {
    match text.as_str() {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        _ => {}
    }
    let digits = text.strip_prefix(['-', '+']).unwrap_or(&text);
    if !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit())
        && let Ok(i) = text.parse::<i64>()
    {
        return Value::Int(i);
    }
    let looks_numeric = digits
        .bytes()
        .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'-' | b'+'))
        && digits.bytes().any(|b| b.is_ascii_digit());
    if looks_numeric && let Ok(f) = text.parse::<f64>() {
        return Value::Float(f, text);
    }
    Value::Str(text)
}

/// An empty value (`key:` with nothing after it) is reported by the parser at the next token,
/// often on another line. Users expect the error right after the colon, so move it there.
fn fix_empty_value_positions(node: &mut Node, text: &str) {
    match &mut node.value {
        Value::Map(entries) => {
            for entry in entries {
                if entry.value.value == Value::Null && entry.value.pos.line != entry.key_pos.line {
                    entry.value.pos = after_colon(text, entry.key_pos, &entry.key);
                }
                fix_empty_value_positions(&mut entry.value, text);
            }
        }
        Value::Seq(items) => items
            .iter_mut()
            .for_each(|n| fix_empty_value_positions(n, text)),
        _ => {}
    }
}

fn after_colon(text: &str, key_pos: Pos, key: &str) -> Pos {
    let line = text.lines().nth(key_pos.line - 1).unwrap_or("");
    let chars: Vec<char> = line.chars().collect();
    let from = key_pos.column - 1 + key.chars().count();
    let colon = (from..chars.len()).find(|&i| chars[i] == ':');
    Pos {
        line: key_pos.line,
        column: colon.map_or(key_pos.column, |c| c + 2),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(text: &str) -> Document {
        parse(Path::new("t.yaml"), text.to_owned()).unwrap()
    }

    #[test]
    fn positions_point_at_values_and_keys() {
        let d = doc("year: 2021\na:\n  b: 12   # x\n  f: 中文\n");
        let a = d.root.get("a").unwrap();
        assert_eq!(a.key_pos, Pos { line: 2, column: 1 });
        let b = a.value.get("b").unwrap();
        assert_eq!(b.key_pos, Pos { line: 3, column: 3 });
        assert_eq!(b.value.pos, Pos { line: 3, column: 6 });
        assert_eq!(b.value.value, Value::Int(12));
        assert_eq!(a.value.get("f").unwrap().value.as_str(), Some("中文"));
    }

    #[test]
    fn empty_value_is_placed_after_its_colon() {
        let d = doc("a:\n  c:\n  d: 1\n");
        let c = d.root.get("a").unwrap().value.get("c").unwrap();
        assert_eq!(c.value.value, Value::Null);
        assert_eq!(c.value.pos, Pos { line: 2, column: 5 });
    }

    #[test]
    fn scalars_resolve_like_yaml_core_schema() {
        let d = doc("a: 1\nb: -3\nc: 96.6\nd: '12'\ne: ~\nf: 1,380\ng: true\n");
        let v = |k: &str| d.root.get(k).unwrap().value.value.clone();
        assert_eq!(v("a"), Value::Int(1));
        assert_eq!(v("b"), Value::Int(-3));
        assert_eq!(v("c"), Value::Float(96.6, "96.6".into()));
        assert_eq!(v("d"), Value::Str("12".into()));
        assert_eq!(v("e"), Value::Null);
        assert_eq!(v("f"), Value::Str("1,380".into()));
        assert_eq!(v("g"), Value::Bool(true));
    }

    #[test]
    fn duplicate_keys_and_aliases_are_errors() {
        let e = parse(Path::new("t.yaml"), "a: 1\nb: 2\na: 3\n".into()).unwrap_err();
        assert_eq!(e.location.unwrap().line, 3);
        assert!(e.message.contains("重复"), "{}", e.message);
        let e = parse(Path::new("t.yaml"), "a: &x 1\nb: *x\n".into()).unwrap_err();
        assert!(e.message.contains("别名"), "{}", e.message);
    }

    #[test]
    fn a_byte_order_mark_is_not_part_of_the_first_key() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("2021.yaml");
        std::fs::write(&path, "\u{feff}year: 2021\n").unwrap();
        let d = load(&path).unwrap();
        let year = d.root.get("year").expect("the key is year");
        assert_eq!(year.key_pos, Pos { line: 1, column: 1 });
    }

    #[test]
    fn syntax_error_names_line_and_column() {
        let e = parse(Path::new("t.yaml"), "a: 1\n b: 2\n".into()).unwrap_err();
        assert_eq!(e.code, "yaml-syntax");
        let loc = e.location.unwrap();
        assert_eq!((loc.line, loc.column), (2, 3));
        assert_eq!(e.source_line.as_deref(), Some(" b: 2"));
    }
}
