//! The positioned tree: every key and value with the line and column it stands at, and the file
//! it came from, to show the offending line in a message.

use std::path::Path;

use crate::diagnostic::{Diagnostic, Location};
use crate::text::{escape_invisible, is_scientific};

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
    /// An unquoted scalar exactly as written (`+1380`, `037`, `1e3`): the value alone forgets
    /// how it was written, and a sign or leading zeros must be refused, not silently read.
    pub written: Option<String>,
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
    /// Where each line of `text` starts: a diagnostic shows its line, and a figure printed from a
    /// list of 20 000 names keeps one place per name; finding each line by counting from the top
    /// made a long list cost the square of its length.
    pub(super) line_starts: Vec<usize>,
}

impl Document {
    pub fn location(&self, pos: Pos) -> Location {
        Location {
            file: self.path.clone(),
            line: pos.line,
            column: pos.column,
        }
    }

    /// Line `line` (from 1) as [`str::lines`] gives it: without its `\n` or `\r\n`.
    pub fn line_text(&self, line: usize) -> Option<String> {
        line_in(&self.text, &self.line_starts, line).map(str::to_owned)
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

/// A value described for a message: `文字“1,380”`, `小数 12.5`, `科学记数法 1e3`, `空值`.
/// Text from the file is shown with invisible characters spelt out, so that a value can never
/// break a message into two lines or reverse its direction.
pub fn describe(node: &Node) -> String {
    match &node.value {
        Value::Null => "空值".into(),
        Value::Bool(b) => format!("真假值 {b}"),
        Value::Int(i) => format!("整数 {}", node.written.as_deref().unwrap_or(&i.to_string())),
        Value::Float(_, t) if is_scientific(t) => format!("科学记数法 {t}"),
        Value::Float(_, t) => format!("小数 {t}"),
        Value::Str(s) => format!("文字“{}”", escape_invisible(s)),
        Value::Seq(_) => "一个列表".into(),
        Value::Map(_) => "一个分组".into(),
    }
}

/// The place `pos` in the file at `path`.
pub(super) fn at(path: &Path, pos: Pos) -> Location {
    Location {
        file: path.to_path_buf(),
        line: pos.line,
        column: pos.column,
    }
}

/// The byte offset each line starts at; a `\n` at the very end starts no line.
pub(super) fn line_starts(text: &str) -> Vec<usize> {
    std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .filter(|&start| start < text.len())
        .collect()
}

/// Line `line` (from 1) of `text`, found through its `starts`, as `text.lines().nth(line - 1)`.
pub(super) fn line_in<'t>(text: &'t str, starts: &[usize], line: usize) -> Option<&'t str> {
    let start = *starts.get(line.wrapping_sub(1))?;
    let rest = &text[start..];
    Some(match rest.find('\n') {
        Some(end) => rest[..end].strip_suffix('\r').unwrap_or(&rest[..end]),
        None => rest,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_found_through_the_index_is_the_line_lines_gives() {
        for text in [
            "",
            "a",
            "a\n",
            "a\n\n",
            "a\r\nb\r\n",
            "\nx\r",
            "键: 值\n\n- 名称\n",
        ] {
            let starts = line_starts(text);
            for line in 0..6 {
                assert_eq!(
                    line_in(text, &starts, line),
                    text.lines().nth(line.wrapping_sub(1)),
                    "{text:?} line {line}"
                );
            }
        }
    }
}
