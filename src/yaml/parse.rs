//! The positioned tree built from the parser's events, one event at a time, refusing what a facts
//! file never needs (tags, anchors, a second document, nesting past [`MAX_DEPTH`]).

use std::path::Path;

use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};

use super::explain::{colon_slip, ime_slip, tab_slip, translate_scan_error};
use super::tree::{Document, Entry, Node, Pos, Value, at, line_in, line_starts};
use crate::diagnostic::Diagnostic;

/// Deeper nesting than this is refused: facts nest four levels at most, and every later stage
/// walks the tree recursively (200 000 nested `- ` overflowed the stack).
pub const MAX_DEPTH: usize = 64;

/// Parses a file's text (as `decode` made it) into the positioned tree; the first problem is a
/// diagnostic at its place.
pub fn parse(path: &Path, text: String) -> Result<Document, Diagnostic> {
    let syntax = |pos: Pos, message: String, hint: String| {
        let mut d = Diagnostic::error("yaml-syntax", message, Some(at(path, pos)));
        d.hint = Some(hint);
        d.source_line = text
            .lines()
            .nth(pos.line.wrapping_sub(1))
            .map(str::to_owned);
        d
    };
    if let Some(slip) = ime_slip(&text, None).or_else(|| colon_slip(&text)) {
        return Err(syntax(slip.pos, slip.message, slip.hint));
    }
    let mut builder = Builder::default();
    let mut parser = Parser::new_from_str(&text);
    // Events are pulled one by one rather than through `Parser::load`, which recurses once per
    // level of nesting (200 000 nested `- ` overflowed the stack before the builder could refuse
    // them), and reading stops at the builder's first error. Every document is read, so that a
    // second one is an error rather than silently ignored.
    let loaded = loop {
        match parser.next_token() {
            Ok((Event::StreamEnd, _)) => break Ok(()),
            Ok((event, mark)) => {
                builder.on_event(event, mark);
                if builder.error.is_some() {
                    break Ok(());
                }
            }
            Err(e) => break Err(e),
        }
    };
    // The builder sees events before the parser fails further on: its error comes first.
    if let Some((mut pos, mut message, hint)) = builder.error {
        if builder.tag_before
            && let Some(line) = text.lines().nth(pos.line - 1)
        {
            let chars: Vec<char> = line.chars().collect();
            let end = (pos.column - 1).min(chars.len());
            if let Some(start) = (0..end)
                .rev()
                .find(|&i| chars[i] == '!' && (i == 0 || chars[i - 1].is_whitespace()))
            {
                let tag: String = chars[start..end].iter().collect();
                message = format!("不支持 YAML 标签（{}）：值直接写出即可", tag.trim_end());
                pos.column = start + 1;
            }
        }
        return Err(syntax(pos, message, hint));
    }
    if let Err(e) = loaded {
        let pos = to_pos(e.marker());
        if let Some(slip) = ime_slip(&text, Some(pos.line)).or_else(|| tab_slip(&text, pos.line)) {
            return Err(syntax(slip.pos, slip.message, slip.hint));
        }
        let (said, hint) = translate_scan_error(e.info());
        return Err(syntax(
            pos,
            format!("YAML 格式错误：{said}（解析器原文：{}）", e.info()),
            hint,
        ));
    }
    let root = builder.root.unwrap_or(Node {
        value: Value::Map(Vec::new()),
        pos: Pos { line: 1, column: 1 },
        written: None,
    });
    let line_starts = line_starts(&text);
    let mut doc = Document {
        path: path.to_path_buf(),
        text,
        root,
        line_starts,
    };
    fix_empty_value_positions(&mut doc.root, &doc.text, &doc.line_starts);
    Ok(doc)
}

fn to_pos(m: &Marker) -> Pos {
    Pos {
        line: m.line(),
        column: m.col() + 1,
    }
}

/// Builds the tree from the parser's events.
#[derive(Default)]
struct Builder {
    stack: Vec<Frame>,
    root: Option<Node>,
    /// The first problem: where, what, and the hint.
    error: Option<(Pos, String, String)>,
    /// The error is a tag, which stands before the place the parser marked.
    tag_before: bool,
}

enum Frame {
    Seq(Pos, Vec<Node>),
    /// A mapping under construction; `pending` is a key waiting for its value.
    Map(Pos, Vec<Entry>, Option<(String, Pos)>),
}

impl Builder {
    fn fail(&mut self, pos: Pos, message: impl Into<String>, hint: impl Into<String>) {
        if self.error.is_none() {
            self.error = Some((pos, message.into(), hint.into()));
        }
    }

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
                        Value::Int(i) => node.written.clone().unwrap_or_else(|| i.to_string()),
                        Value::Float(_, text) => text.clone(),
                        Value::Bool(b) => b.to_string(),
                        Value::Null => {
                            self.fail(node.pos, "键不能为空", "在冒号前写上键名");
                            return;
                        }
                        Value::Seq(_) | Value::Map(_) => {
                            self.fail(
                                node.pos,
                                "键必须是简单的文字或数字",
                                "键写成英文单词，如 members:",
                            );
                            return;
                        }
                    };
                    if let Some(first) = entries.iter().find(|e| e.key == key) {
                        let line = first.key_pos.line;
                        self.fail(
                            node.pos,
                            format!(
                                "键“{key}”重复出现（第一次在第 {line} 行）；同一分组里每个键只能写一次"
                            ),
                            format!("删去其中一行，或改正键名（另一行在第 {line} 行）"),
                        );
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
        // `!!str 68` is text to other YAML tools and would be read as the number here: tags are
        // refused rather than read two ways.
        let tag = match &ev {
            Event::Scalar(_, _, _, tag)
            | Event::SequenceStart(_, tag)
            | Event::MappingStart(_, tag) => tag.as_ref(),
            _ => None,
        };
        if tag.is_some() {
            // The parser marks the value after the tag; the tag is found in the line by `parse`.
            self.tag_before = true;
            self.fail(
                pos,
                "不支持 YAML 标签（以 ! 开头）：值直接写出即可",
                "删去以 ! 开头的标签；以 ! 开头的文字请加引号",
            );
            return;
        }
        match ev {
            Event::Scalar(text, style, _, _) => {
                let node = if style == TScalarStyle::Plain {
                    Node {
                        value: plain_scalar(&text),
                        pos,
                        written: Some(text),
                    }
                } else {
                    Node {
                        value: Value::Str(text),
                        pos,
                        written: None,
                    }
                };
                self.push_node(node);
            }
            Event::SequenceStart(..) | Event::MappingStart(..) if self.stack.len() >= MAX_DEPTH => {
                self.fail(
                    pos,
                    format!("嵌套层数太多（超过 {MAX_DEPTH} 层）：事实文件只需要几层分组"),
                    "检查是否多写了 - 、[ 或 {，或缩进越来越深",
                );
            }
            Event::SequenceStart(..) => self.stack.push(Frame::Seq(pos, Vec::new())),
            Event::MappingStart(..) => self.stack.push(Frame::Map(pos, Vec::new(), None)),
            Event::SequenceEnd | Event::MappingEnd => {
                let node = match self.stack.pop() {
                    Some(Frame::Seq(pos, items)) => Node {
                        value: Value::Seq(items),
                        pos,
                        written: None,
                    },
                    // A block mapping starts where its first key does (the parser marks it
                    // at the first colon); a flow mapping at its `{`.
                    Some(Frame::Map(pos, entries, _)) => Node {
                        pos: entries.first().map_or(pos, |e| e.key_pos.min(pos)),
                        value: Value::Map(entries),
                        written: None,
                    },
                    None => return,
                };
                self.push_node(node);
            }
            Event::Alias(_) => self.fail(
                pos,
                "不支持锚点和别名（*名字）：请把数值直接写出来",
                "把 * 开头的别名换成它所指的数值或名称",
            ),
            Event::DocumentStart if self.root.is_some() => self.fail(
                pos,
                "一个文件只能有一份文档：--- 或 ... 之后又开始了一份，它的内容不会被读取",
                "删去 --- 或 ... 这一行；另一年的事实放进它自己的文件（如 facts/2022.yaml）",
            ),
            _ => {}
        }
    }
}

/// YAML 1.2 core schema resolution of an unquoted scalar.
pub(super) fn plain_scalar(text: &str) -> Value {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        _ => {}
    }
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
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
        return Value::Float(f, text.to_owned());
    }
    Value::Str(text.to_owned())
}

/// An empty value (`key:` with nothing after it) is reported by the parser at the next token,
/// often on another line. Users expect the error right after the colon, so move it there.
fn fix_empty_value_positions(node: &mut Node, text: &str, starts: &[usize]) {
    match &mut node.value {
        Value::Map(entries) => {
            for entry in entries {
                if entry.value.value == Value::Null && entry.value.pos.line != entry.key_pos.line {
                    entry.value.pos = after_colon(text, starts, entry.key_pos, &entry.key);
                }
                fix_empty_value_positions(&mut entry.value, text, starts);
            }
        }
        Value::Seq(items) => items
            .iter_mut()
            .for_each(|n| fix_empty_value_positions(n, text, starts)),
        _ => {}
    }
}

fn after_colon(text: &str, starts: &[usize], key_pos: Pos, key: &str) -> Pos {
    let line = line_in(text, starts, key_pos.line).unwrap_or("");
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
    fn syntax_error_names_line_and_column() {
        let e = parse(Path::new("t.yaml"), "a: 1\n b: 2\n".into()).unwrap_err();
        assert_eq!(e.code, "yaml-syntax");
        let loc = e.location.unwrap();
        assert_eq!((loc.line, loc.column), (2, 3));
        assert_eq!(e.source_line.as_deref(), Some(" b: 2"));
    }
}
