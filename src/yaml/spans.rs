//! Byte spans of the values in a parsed file, and one value replaced with every other byte kept.
//!
//! The tree keeps where a value starts, not where it ends, and yaml-rust2 marks an empty value
//! (`key:    # 上年：12`, the main case next year) at the next token; the workspace must rewrite
//! one value and leave comments, order, blank lines and every other value byte-identical. So the
//! start comes from the tree (an empty value's from its key) and the end is scanned here in the
//! value's own line: a plain scalar up to its comment (or, in a flow list, its comma), a quoted
//! one up to its closing quote, a block scalar (`|`, `>`) over its more-indented lines. A value
//! whose bytes are not found exactly as the parser read it (a plain scalar folded over several
//! lines) has no span and is not rewritten.
//!
//! The comment scanner `next-year` uses lives here too ([`comment_start`]): the form's labels are
//! the same comments.

use super::tree::{Document, Node, Value, line_in};

/// How a value is written in the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// Nothing after the colon (`key:` or `key:    # comment`).
    Empty,
    Plain,
    Single,
    Double,
    /// `|`, `|-`, `>` … with the lines under it.
    Block,
}

/// Where a scalar value's bytes are in the document's text (without a byte-order mark).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    /// Byte range in `Document::text`.
    pub start: usize,
    pub end: usize,
    pub style: Style,
    /// Inside `[…]` or `{…}`: a comma or bracket ends a plain value there.
    pub flow: bool,
    /// An empty value at the end of its line (`key:`): what is written needs a space before it.
    pub needs_space: bool,
    /// The column (from 0) of the key or `-` that owns the value: lines of a block scalar are
    /// indented two further.
    pub indent: usize,
}

/// The character index where a line's comment starts (`#` outside quotes, at the start or after
/// a space), if it has one. A `#` inside a name (`C#`) is not a comment.
pub fn comment_start(chars: &[char]) -> Option<usize> {
    let mut quote: Option<char> = None;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match quote {
            Some('"') if c == '\\' => i += 1,
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '"' || c == '\'' => quote = Some(c),
            None if c == '#' && (i == 0 || chars[i - 1].is_whitespace()) => return Some(i),
            None => {}
        }
        i += 1;
    }
    None
}

/// The comment of line `line` (from 1), without its `#` and surrounding spaces; None when the
/// line has none or it is empty.
pub fn line_comment(doc: &Document, line: usize) -> Option<String> {
    let text = line_in(&doc.text, &doc.line_starts, line)?;
    let chars: Vec<char> = text.chars().collect();
    let at = comment_start(&chars)?;
    let comment: String = chars[at + 1..].iter().collect();
    let comment = comment.trim();
    (!comment.is_empty()).then(|| comment.to_owned())
}

/// The node at a fact path (`a.b.0.c`) and its span, when it is a scalar whose bytes are found.
pub fn span_at<'d>(doc: &'d Document, path: &str) -> Option<(&'d Node, Option<Span>)> {
    let mut node = &doc.root;
    let mut flow = false;
    let mut owner: Option<Owner> = None;
    for part in path.split('.') {
        flow = flow || is_flow(doc, node);
        match &node.value {
            Value::Map(entries) => {
                let e = entries.iter().find(|e| e.key == part)?;
                owner = Some(Owner::Key(e.key_pos, e.key.chars().count()));
                node = &e.value;
            }
            Value::Seq(items) => {
                let i: usize = part.parse().ok()?;
                // Only a plain index: `01` or `+1` is not the path the form gave.
                if i.to_string() != part {
                    return None;
                }
                node = items.get(i)?;
                owner = Some(Owner::Item);
            }
            _ => return None,
        }
    }
    let owner = owner?;
    Some((node, span_of(doc, node, owner, flow)))
}

/// Every scalar value in the file with its path and span (None where its bytes are not found).
pub fn spans(doc: &Document) -> Vec<(String, Option<Span>)> {
    let mut out = Vec::new();
    walk(doc, &doc.root, String::new(), false, &mut out);
    out
}

fn walk(
    doc: &Document,
    node: &Node,
    path: String,
    flow: bool,
    out: &mut Vec<(String, Option<Span>)>,
) {
    let flow = flow || is_flow(doc, node);
    let join = |key: &str| {
        if path.is_empty() {
            key.to_owned()
        } else {
            format!("{path}.{key}")
        }
    };
    match &node.value {
        Value::Map(entries) => {
            for e in entries {
                let p = join(&e.key);
                if is_scalar(&e.value) {
                    let owner = Owner::Key(e.key_pos, e.key.chars().count());
                    out.push((p, span_of(doc, &e.value, owner, flow)));
                } else {
                    walk(doc, &e.value, p, flow, out);
                }
            }
        }
        Value::Seq(items) => {
            for (i, item) in items.iter().enumerate() {
                let p = join(&i.to_string());
                if is_scalar(item) {
                    out.push((p, span_of(doc, item, Owner::Item, flow)));
                } else {
                    walk(doc, item, p, flow, out);
                }
            }
        }
        _ => {}
    }
}

fn is_scalar(node: &Node) -> bool {
    !matches!(node.value, Value::Map(_) | Value::Seq(_))
}

/// Whether a collection is written in flow style (`[…]`, `{…}`).
pub fn is_flow(doc: &Document, node: &Node) -> bool {
    matches!(node.value, Value::Map(_) | Value::Seq(_))
        && line_in(&doc.text, &doc.line_starts, node.pos.line)
            .and_then(|l| l.chars().nth(node.pos.column.wrapping_sub(1)))
            .is_some_and(|c| c == '[' || c == '{')
}

#[derive(Clone, Copy)]
enum Owner {
    /// A map entry: its key's place and length in characters.
    Key(super::Pos, usize),
    /// A list item.
    Item,
}

/// The byte offset in `doc.text` of a 1-based line and character column (one past the line's
/// end allowed: an empty value at the end of its line is placed there).
pub fn byte_offset(doc: &Document, line: usize, column: usize) -> Option<usize> {
    let start = *doc.line_starts.get(line.checked_sub(1)?)?;
    let text = line_in(&doc.text, &doc.line_starts, line)?;
    let col = column.checked_sub(1)?;
    let in_line = text
        .char_indices()
        .map(|(i, _)| i)
        .chain([text.len()])
        .nth(col)?;
    Some(start + in_line)
}

/// The column (from 0) of line `line`'s first character that is not a space or a `- `.
fn line_indent(doc: &Document, line: usize) -> usize {
    line_in(&doc.text, &doc.line_starts, line)
        .map_or(0, |l| l.len() - l.trim_start_matches(' ').len())
}

fn span_of(doc: &Document, node: &Node, owner: Owner, flow: bool) -> Option<Span> {
    let text = doc.text.as_str();
    let indent = match owner {
        Owner::Key(pos, _) => pos.column - 1,
        Owner::Item => line_indent(doc, node.pos.line),
    };
    let empty = node.value == Value::Null && node.written.as_deref() == Some("");
    if empty {
        // Found from the key: the parser's mark for an empty value is the next token's.
        let Owner::Key(key_pos, key_len) = owner else {
            return None;
        };
        if flow {
            return None;
        }
        let key_start = byte_offset(doc, key_pos.line, key_pos.column)?;
        let line_end = key_start
            + text[key_start..]
                .find(['\n', '\r'])
                .unwrap_or(text.len() - key_start);
        let after_key = key_start + text[key_start..].char_indices().nth(key_len)?.0;
        let colon = after_key + text[after_key..line_end].find(':')?;
        let next = text.as_bytes().get(colon + 1).copied();
        let (at, needs_space) = match next {
            Some(b' ') | Some(b'\t') => (colon + 2, false),
            _ => (colon + 1, true),
        };
        return Some(Span {
            start: at,
            end: at,
            style: Style::Empty,
            flow,
            needs_space,
            indent,
        });
    }
    let mut start = byte_offset(doc, node.pos.line, node.pos.column)?;
    let mut first = text[start..].chars().next()?;
    // The parser marks a block scalar where its text starts, a line below its `|` or `>`.
    if node.written.is_none() && !matches!(first, '\'' | '"') && !flow {
        start = block_header(doc, node.pos.line.checked_sub(1)?)?;
        first = text[start..].chars().next()?;
    }
    let rest = &text[start..];
    let (end, style) = match first {
        '\'' | '"' => (
            start + quoted_len(rest)?,
            if first == '\'' {
                Style::Single
            } else {
                Style::Double
            },
        ),
        '|' | '>' if !flow => (block_end(doc, node.pos.line, indent)?, Style::Block),
        _ => {
            let written = node.written.as_deref()?;
            let line_end = rest.find(['\n', '\r']).unwrap_or(rest.len());
            let mut end = line_end;
            let bytes = rest.as_bytes();
            for (i, &b) in bytes[..line_end].iter().enumerate() {
                let comment = b == b'#' && i > 0 && matches!(bytes[i - 1], b' ' | b'\t');
                let flow_end = flow && matches!(b, b',' | b']' | b'}');
                if comment || flow_end {
                    end = i;
                    break;
                }
            }
            let value = rest[..end].trim_end_matches([' ', '\t']);
            if value != written {
                return None;
            }
            (start + value.len(), Style::Plain)
        }
    };
    Some(Span {
        start,
        end,
        style,
        flow,
        needs_space: false,
        indent,
    })
}

/// The length in bytes of a quoted scalar at the start of `rest`, quotes included.
fn quoted_len(rest: &str) -> Option<usize> {
    let quote = rest.as_bytes()[0];
    let bytes = rest.as_bytes();
    let mut i = 1;
    while i < bytes.len() {
        match (quote, bytes[i]) {
            (b'"', b'\\') => i += 1,
            (b'"', b'"') => return Some(i + 1),
            (b'\'', b'\'') if bytes.get(i + 1) == Some(&b'\'') => i += 1,
            (b'\'', b'\'') => return Some(i + 1),
            _ => {}
        }
        i += 1;
    }
    None
}

/// The byte offset of the block indicator (`|`, `>-`, `|2`…) ending line `line`, before any comment.
fn block_header(doc: &Document, line: usize) -> Option<usize> {
    let text = line_in(&doc.text, &doc.line_starts, line)?;
    let chars: Vec<char> = text.chars().collect();
    let code: String = chars[..comment_start(&chars).unwrap_or(chars.len())]
        .iter()
        .collect();
    let code = code.trim_end();
    let token_start = code.rfind([' ', '\t']).map_or(0, |i| i + 1);
    let token = &code[token_start..];
    let mut tail = token.chars();
    let ok = matches!(tail.next(), Some('|' | '>'))
        && tail.all(|c| c == '-' || c == '+' || c.is_ascii_digit());
    ok.then(|| doc.line_starts[line - 1] + token_start)
}

/// The end (a byte offset) of a block scalar whose indicator is on line `line`: the header line
/// and every following line indented past `indent` or blank, up to the end of the last such line
/// that is not blank (trailing blank lines stay outside: they separate it from what follows).
fn block_end(doc: &Document, line: usize, indent: usize) -> Option<usize> {
    let header = line_in(&doc.text, &doc.line_starts, line)?;
    let mut end = *doc.line_starts.get(line - 1)? + header.len();
    let mut l = line + 1;
    while let Some(t) = line_in(&doc.text, &doc.line_starts, l) {
        let blank = t.trim().is_empty();
        let deeper = t.len() - t.trim_start_matches(' ').len() > indent;
        if !blank && !deeper {
            break;
        }
        if !blank {
            end = doc.line_starts[l - 1] + t.len();
        }
        l += 1;
    }
    Some(end)
}

/// The text a clerk would type for a scalar: a plain one as written (`1,380`, `+12`, `` for an
/// empty value), a quoted or block one as the string it means. None for a list or a map.
pub fn typed_text(node: &Node) -> Option<String> {
    match &node.value {
        Value::Map(_) | Value::Seq(_) => None,
        Value::Str(s) if node.written.is_none() => Some(s.clone()),
        _ => node.written.clone(),
    }
}

/// `text` with the value at `span` replaced by `typed`, written so that it reads back as typed:
/// plain when YAML allows (and, when `as_text`, when it would not be read as a number, a truth
/// value or nothing), else in single quotes, else in double quotes with escapes; several lines
/// as a literal block (`|-`) where the value ends its line. Every byte outside the span is kept.
pub fn replace_value(text: &str, span: &Span, typed: &str, as_text: bool) -> String {
    let written = written_for(text, span, typed, as_text);
    let mut out = String::with_capacity(text.len() + written.len());
    out.push_str(&text[..span.start]);
    out.push_str(&written);
    out.push_str(&text[span.end..]);
    out
}

/// What [`replace_value`] writes in place of the span.
pub fn written_for(text: &str, span: &Span, typed: &str, as_text: bool) -> String {
    let space = if span.needs_space { " " } else { "" };
    if typed.is_empty() {
        // An empty value reads as unfilled; in a flow list `[a, , b]` is no YAML, so it is ''.
        return if span.flow {
            format!("{space}''")
        } else {
            String::new()
        };
    }
    let body = if plain_ok(typed, span.flow, as_text) {
        typed.to_owned()
    } else if typed.contains('\n')
        && !span.flow
        && ends_its_line(text, span.end)
        && literal_ok(typed)
    {
        let line_break = if text[span.end..].starts_with("\r\n") || text.contains("\r\n") {
            "\r\n"
        } else {
            "\n"
        };
        literal(typed, span.indent + 2, line_break)
    } else if typed.chars().all(|c| !needs_escape(c) && c != '\n') {
        format!("'{}'", typed.replace('\'', "''"))
    } else {
        double_quoted(typed)
    };
    format!("{space}{body}")
}

/// A character that plain or single-quoted YAML cannot hold as it is.
fn needs_escape(c: char) -> bool {
    c == '\t' || c == '\r' || (c != '\n' && crate::text::is_invisible(c))
}

fn plain_ok(t: &str, flow: bool, as_text: bool) -> bool {
    let mut chars = t.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    let second = chars.next();
    if t.starts_with([' ', '\u{3000}']) || t.ends_with([' ', '\u{3000}']) {
        return false;
    }
    if t.chars().any(|c| c == '\n' || needs_escape(c)) {
        return false;
    }
    let indicator = match first {
        '-' | '?' | ':' => second.is_none_or(|c| c == ' ' || (flow && ",[]{}".contains(c))),
        ',' | '[' | ']' | '{' | '}' | '#' | '&' | '*' | '!' | '|' | '>' | '\'' | '"' | '%'
        | '@' | '`' => true,
        _ => false,
    };
    if indicator || t.contains(": ") || t.contains(" #") || t.ends_with(':') {
        return false;
    }
    if flow && t.contains([',', '[', ']', '{', '}']) {
        return false;
    }
    // Something the parser would not read as this text: `2021` or `true` typed as a name.
    !as_text || matches!(super::parse::plain_scalar(t), Value::Str(_))
}

/// Whether nothing but spaces follow `at` up to the end of its line.
fn ends_its_line(text: &str, at: usize) -> bool {
    let rest = &text[at..];
    let end = rest.find(['\n', '\r']).unwrap_or(rest.len());
    rest[..end].trim_matches([' ', '\t']).is_empty()
}

/// A literal block can hold it: no escapes needed, the first line not indented (that would need
/// an indentation indicator), no line of spaces only.
fn literal_ok(t: &str) -> bool {
    !t.starts_with([' ', '\n'])
        && !t.chars().any(needs_escape)
        && t.split('\n').all(|l| l.is_empty() || !l.trim().is_empty())
}

fn literal(t: &str, indent: usize, line_break: &str) -> String {
    let trailing = t.len() - t.trim_end_matches('\n').len();
    let (chomp, body) = match trailing {
        0 => ("-", t),
        1 => ("", &t[..t.len() - 1]),
        _ => ("+", &t[..t.len() - 1]),
    };
    let pad = " ".repeat(indent);
    let lines: Vec<String> = body
        .split('\n')
        .map(|l| {
            if l.is_empty() {
                String::new()
            } else {
                format!("{pad}{l}")
            }
        })
        .collect();
    format!("|{chomp}{line_break}{}", lines.join(line_break))
}

fn double_quoted(t: &str) -> String {
    let mut out = String::from("\"");
    for c in t.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if crate::text::is_invisible(c) => {
                let n = c as u32;
                if n <= 0xFFFF {
                    out.push_str(&format!("\\u{n:04X}"));
                } else {
                    out.push_str(&format!("\\U{n:08X}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::yaml::parse;

    fn doc(text: &str) -> Document {
        parse(Path::new("t.yaml"), text.to_owned()).unwrap()
    }

    /// The bytes of the value at `path`.
    fn at(text: &str, path: &str) -> (String, Style) {
        let d = doc(text);
        let span = span_at(&d, path).unwrap().1.unwrap();
        (text[span.start..span.end].to_owned(), span.style)
    }

    /// `text` with `path` set to `typed`, checked to read back as typed with every other byte kept.
    fn set(text: &str, path: &str, typed: &str, as_text: bool) -> String {
        let d = doc(text);
        let span = span_at(&d, path).unwrap().1.unwrap();
        let out = replace_value(text, &span, typed, as_text);
        let written = written_for(text, &span, typed, as_text);
        assert_eq!(&out[..span.start], &text[..span.start]);
        assert_eq!(&out[span.start + written.len()..], &text[span.end..]);
        let back = doc(&out);
        let node = span_at(&back, path).unwrap().0;
        assert_eq!(typed_text(node).as_deref(), Some(typed), "{out}");
        out
    }

    #[test]
    fn every_shape_has_the_span_of_its_own_bytes() {
        let text = "a:\n  e1:\n  e2:    # 上年：12\n  p: 126   # 人\n  s: 'C: D'\n  d: \"x\\\"y\"  # q\n  f: [小讲堂, 微课堂]\n  l:\n    - 甲\n    - '乙'\n  y:\n    2019: 286\n    2020: 315\n  r:\n    - name: 党务干部\n      trainees: 214\n  b: |\n    第一行\n    第二行\n\n  z: {2020: 1, 2021: 2}\n";
        assert_eq!(at(text, "a.e1"), (String::new(), Style::Empty));
        assert_eq!(at(text, "a.e2"), (String::new(), Style::Empty));
        assert_eq!(at(text, "a.p"), ("126".into(), Style::Plain));
        assert_eq!(at(text, "a.s"), ("'C: D'".into(), Style::Single));
        assert_eq!(at(text, "a.d"), ("\"x\\\"y\"".into(), Style::Double));
        assert_eq!(at(text, "a.f.0"), ("小讲堂".into(), Style::Plain));
        assert_eq!(at(text, "a.f.1"), ("微课堂".into(), Style::Plain));
        assert_eq!(at(text, "a.l.0"), ("甲".into(), Style::Plain));
        assert_eq!(at(text, "a.l.1"), ("'乙'".into(), Style::Single));
        assert_eq!(at(text, "a.y.2020"), ("315".into(), Style::Plain));
        assert_eq!(at(text, "a.r.0.name"), ("党务干部".into(), Style::Plain));
        assert_eq!(at(text, "a.r.0.trainees"), ("214".into(), Style::Plain));
        assert_eq!(
            at(text, "a.b"),
            ("|\n    第一行\n    第二行".into(), Style::Block)
        );
        assert_eq!(at(text, "a.z.2021"), ("2".into(), Style::Plain));
        // Every scalar of the file has a span.
        assert!(spans(&doc(text)).iter().all(|(_, s)| s.is_some()));
    }

    #[test]
    fn an_empty_value_is_filled_after_its_colon_keeping_its_comment() {
        let text = "a:\n  e1:\n  e2:    # 上年：12\n  n: 1\n";
        let out = set(text, "a.e2", "13", false);
        assert_eq!(out, "a:\n  e1:\n  e2: 13   # 上年：12\n  n: 1\n");
        let out = set(text, "a.e1", "7", false);
        assert_eq!(out, "a:\n  e1: 7\n  e2:    # 上年：12\n  n: 1\n");
        // And emptied again: the value's bytes go, the comment stays.
        let out = set("a:\n  n: 126   # 人\n", "a.n", "", false);
        assert_eq!(out, "a:\n  n:    # 人\n");
    }

    #[test]
    fn each_shape_is_replaced_in_its_own_bytes() {
        let text = "a:\n  s: 'C: D'  # q\n  d: \"x\"\n  f: [小讲堂, 微课堂]\n  l:\n    - 甲\n  y:\n    2019: 286\n  r:\n    - name: 党务干部\n      trainees: 214\n  b: >\n    第一行\n    第二行\n\n  z: 1\n";
        assert_eq!(set(text, "a.s", "E", true), text.replace("'C: D'", "E"));
        assert_eq!(set(text, "a.d", "y", true), text.replace("\"x\"", "y"));
        assert_eq!(
            set(text, "a.f.1", "云, 课堂", true),
            text.replace("微课堂]", "'云, 课堂']")
        );
        assert_eq!(set(text, "a.l.0", "丙", true), text.replace("- 甲", "- 丙"));
        assert_eq!(
            set(text, "a.y.2019", "290", false),
            text.replace("286", "290")
        );
        assert_eq!(
            set(text, "a.r.0.name", "新任党支部书记", true),
            text.replace("党务干部", "新任党支部书记")
        );
        assert_eq!(
            set(text, "a.r.0.trainees", "173", false),
            text.replace("214", "173")
        );
        assert_eq!(
            set(text, "a.b", "一行", true),
            text.replace(">\n    第一行\n    第二行", "一行")
        );
        assert_eq!(
            set(text, "a.b", "甲\n乙", true),
            text.replace(">\n    第一行\n    第二行", "|-\n    甲\n    乙")
        );
    }

    #[test]
    fn quotes_only_where_yaml_needs_them() {
        let text = "a:\n  n: x\n";
        for (typed, written) in [
            ("党课大讲堂", "党课大讲堂"),
            ("社区吹哨、部门报到", "社区吹哨、部门报到"),
            ("周五党日+", "周五党日+"),
            ("C#", "C#"),
            ("甲: 乙", "'甲: 乙'"),
            ("甲 #乙", "'甲 #乙'"),
            ("[云]课堂", "'[云]课堂'"),
            ("it's", "it's"),
            ("'引'", "'''引'''"),
            ("2021", "'2021'"),
            ("true", "'true'"),
            ("~", "'~'"),
            (" 前有空格", "' 前有空格'"),
            ("甲\t乙", "\"甲\\t乙\""),
            ("零\u{200b}宽", "\"零\\u200B宽\""),
        ] {
            let out = set(text, "a.n", typed, true);
            assert_eq!(out, format!("a:\n  n: {written}\n"), "{typed:?}");
        }
        // A number typed into a count stays plain.
        assert_eq!(set(text, "a.n", "2021", false), "a:\n  n: 2021\n");
        // Several lines where the value ends its line: a literal block; else double quotes.
        assert_eq!(
            set(text, "a.n", "甲\n乙", true),
            "a:\n  n: |-\n    甲\n    乙\n"
        );
        assert_eq!(
            set("a:\n  n: x  # 注\n", "a.n", "甲\n乙", true),
            "a:\n  n: \"甲\\n乙\"  # 注\n"
        );
    }

    #[test]
    fn crlf_line_ends_are_kept() {
        let text = "a:\r\n  e:   # 注\r\n  n: 12\r\n  b: |\r\n    x\r\n  z: 1\r\n";
        assert_eq!(at(text, "a.n"), ("12".into(), Style::Plain));
        assert_eq!(at(text, "a.b"), ("|\r\n    x".into(), Style::Block));
        assert_eq!(set(text, "a.n", "13", false), text.replace("12", "13"));
        assert_eq!(
            set(text, "a.e", "5", false),
            text.replace("e:   #", "e: 5  #")
        );
        assert_eq!(
            set(text, "a.b", "甲\n乙", true),
            text.replace("|\r\n    x", "|-\r\n    甲\r\n    乙")
        );
    }

    #[test]
    fn the_comment_scanner_reads_labels() {
        let d = doc("a:\n  n: 1   # 人数（人）\n  m: 'x # y'\n  c: C#\n");
        assert_eq!(line_comment(&d, 2).as_deref(), Some("人数（人）"));
        assert_eq!(line_comment(&d, 3), None);
        assert_eq!(line_comment(&d, 4), None);
    }

    /// Found by the property below: a text of several lines whose second line looks like a
    /// key with no space after its colon (`a:0`) is written as a block scalar, where it is text;
    /// the check for that slip took it for a key and refused the edit.
    #[test]
    fn a_line_of_a_block_scalar_that_looks_like_a_key_reads_back_as_typed() {
        let text = "a:\n  l:\n    - 丙\n  b: |\n    x\nz: 1\n";
        for (path, typed) in [
            ("a.l.0", "🌀\na:0"),
            ("a.b", "时间：10点\nPPT：3页\nseminars:73"),
        ] {
            for as_text in [false, true] {
                let d = doc(text);
                let span = span_at(&d, path).unwrap().1.unwrap();
                let out = replace_value(text, &span, typed, as_text);
                let back = parse(Path::new("t.yaml"), out.clone());
                let back = back.unwrap_or_else(|e| panic!("{out:?}: {e:?}"));
                let node = span_at(&back, path).map(|(n, _)| typed_text(n));
                assert_eq!(node, Some(Some(typed.to_owned())), "{out}");
            }
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(400))]
        /// Whatever the clerk types, the value reads back as typed (or the edit is refused by the
        /// parse: none is, for these), and every byte outside the span is kept.
        #[test]
        fn any_typed_text_reads_back_as_typed(
            typed in "(\\PC|[ :#'\"\\[\\]{},\\-?|>!&*%@`~\\n\\t\u{3000}\u{200b}]){0,12}",
            path in proptest::sample::select(vec!["a.n", "a.e", "a.f.1", "a.l.0", "a.b", "a.q"]),
            as_text in proptest::bool::ANY,
        ) {
            let text = "a:\n  n: 12   # 注\n  e:    # 上年：3\n  f: [甲, 乙]\n  l:\n    - 丙\n  b: |\n    x\n  q: 'y'\nz: 1\n";
            let d = doc(text);
            let span = span_at(&d, path).unwrap().1.unwrap();
            let out = replace_value(text, &span, &typed, as_text);
            let written = written_for(text, &span, &typed, as_text);
            proptest::prop_assert_eq!(&out[..span.start], &text[..span.start]);
            proptest::prop_assert_eq!(&out[span.start + written.len()..], &text[span.end..]);
            // Every text the generator makes is written so that it parses: none is refused.
            let back = parse(Path::new("t.yaml"), out.clone());
            proptest::prop_assert!(back.is_ok(), "{:?} {:?}", out, back.err());
            let back = back.unwrap();
            let node = span_at(&back, path).map(|(n, _)| typed_text(n));
            proptest::prop_assert_eq!(node, Some(Some(typed.clone())), "{}", out);
            let z = back.root.get("z").map(|e| &e.value.value);
            proptest::prop_assert_eq!(z, Some(&Value::Int(1)));
        }
    }
}
