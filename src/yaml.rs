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

/// Deeper nesting than this is refused: facts nest four levels at most, and every later stage
/// walks the tree recursively (200 000 nested `- ` overflowed the stack).
pub const MAX_DEPTH: usize = 64;

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
    line_starts: Vec<usize>,
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

/// Reads and parses a YAML file. Errors are diagnostics at the place the parser stopped.
pub fn load(path: &Path) -> Result<Document, Diagnostic> {
    from_bytes(path, &read_bounded(path)?)
}

/// Parses the bytes of the file at `path` (as [`read_bounded`] read them; `path` is where the
/// diagnostics point). A render reads each input once and hashes these same bytes for its digest.
pub fn from_bytes(path: &Path, bytes: &[u8]) -> Result<Document, Diagnostic> {
    parse(path, decode(path, bytes)?)
}

/// The file's bytes, never more than [`MAX_FILE_BYTES`] + 1 of them in memory: a device such as
/// /dev/zero or a pipe has no length to check beforehand, and reading it whole never ends. The
/// template is read through here too.
pub fn read_bounded(path: &Path) -> Result<Vec<u8>, Diagnostic> {
    use std::io::Read as _;
    let meta = std::fs::metadata(path).map_err(|e| io_error(path, &e))?;
    if meta.is_dir() {
        return Err(plain_error(
            path,
            "io",
            "无法读取：这是一个文件夹，不是文件".into(),
        ));
    }
    let too_large = |size: Option<u64>| {
        let size = size.map_or_else(String::new, |s| format!("（{s} 字节）"));
        let mut d = plain_error(
            path,
            "file-too-large",
            format!(
                "文件过大{size}，超过上限 {MAX_FILE_BYTES} 字节（1 MB）：事实文件通常只有几 KB，模板和数据项声明也不过几十 KB"
            ),
        );
        d.hint = Some("确认选对了文件；事实文件只放一年的数字和名称".into());
        d
    };
    if meta.is_file() && meta.len() > MAX_FILE_BYTES as u64 {
        return Err(too_large(Some(meta.len())));
    }
    let file = std::fs::File::open(path).map_err(|e| io_error(path, &e))?;
    let mut bytes = Vec::new();
    file.take(MAX_FILE_BYTES as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| io_error(path, &e))?;
    if bytes.len() > MAX_FILE_BYTES {
        return Err(too_large(None));
    }
    Ok(bytes)
}

/// UTF-8 text without a byte-order mark and without control characters, or the place of the first
/// byte or character that is not text. The YAML files and the template alike.
pub fn decode(path: &Path, bytes: &[u8]) -> Result<String, Diagnostic> {
    let (text, bad_byte) = match std::str::from_utf8(bytes) {
        Ok(text) => (text, None),
        Err(e) => {
            let valid = e.valid_up_to();
            let prefix = std::str::from_utf8(&bytes[..valid]).expect("valid up to here");
            (prefix, Some(valid))
        }
    };
    // Notepad and other Windows editors save UTF-8 with a byte-order mark; it is not part of
    // the first key, nor of the template's first line.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text).to_owned();
    // A control character comes before the undecodable byte (binary files start with them), so
    // it is looked for first.
    if let Some(d) = control_character(path, &text) {
        return Err(d);
    }
    if let Some(valid) = bad_byte {
        let pos = end_pos(&text);
        let mut d = Diagnostic::error(
            "not-utf8",
            format!(
                "文件不是 UTF-8 编码：第 {} 个字节起无法识别（多半是 GBK 等旧编码）",
                valid + 1
            ),
            Some(at(path, pos)),
        );
        d.hint = Some("在编辑器中用“另存为”，编码选 UTF-8".into());
        d.source_line = text.lines().nth(pos.line - 1).map(str::to_owned);
        return Err(d);
    }
    Ok(text)
}

/// Where the text ends: the place of the character that would come next.
fn end_pos(text: &str) -> Pos {
    let line = text.matches('\n').count() + 1;
    let last = text.rsplit('\n').next().unwrap_or("");
    Pos {
        line,
        column: last.chars().count() + 1,
    }
}

fn at(path: &Path, pos: Pos) -> Location {
    Location {
        file: path.to_path_buf(),
        line: pos.line,
        column: pos.column,
    }
}

/// The first control character other than tab and line breaks. The parser stops at a NUL without
/// a word (what follows it would be lost), and no facts file holds one.
fn control_character(path: &Path, text: &str) -> Option<Diagnostic> {
    for (index, line) in text.split('\n').enumerate() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        let Some((column, c)) = line
            .chars()
            .enumerate()
            .find(|(_, c)| c.is_control() && *c != '\t')
        else {
            continue;
        };
        let pos = Pos {
            line: index + 1,
            column: column + 1,
        };
        let what = if c == '\0' {
            "空字符（U+0000）：这多半不是文本文件，或文件已损坏".to_owned()
        } else {
            format!("看不见的控制字符（U+{:04X}）", u32::from(c))
        };
        let mut d = Diagnostic::error(
            "control-character",
            format!("文件中有{what}"),
            Some(at(path, pos)),
        );
        d.hint = Some("确认选对了文件；若是复制来的文字，删去这个字符后重新输入".into());
        d.source_line = Some(crate::facts::escape_invisible(line));
        return Some(d);
    }
    None
}

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
    if let Some(slip) = ime_slip(&text, None) {
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

/// The byte offset each line starts at; a `\n` at the very end starts no line.
fn line_starts(text: &str) -> Vec<usize> {
    std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .filter(|&start| start < text.len())
        .collect()
}

/// Line `line` (from 1) of `text`, found through its `starts`, as `text.lines().nth(line - 1)`.
fn line_in<'t>(text: &'t str, starts: &[usize], line: usize) -> Option<&'t str> {
    let start = *starts.get(line.wrapping_sub(1))?;
    let rest = &text[start..];
    Some(match rest.find('\n') {
        Some(end) => rest[..end].strip_suffix('\r').unwrap_or(&rest[..end]),
        None => rest,
    })
}

/// A slip of the Chinese input method, named for what it is with the line as it should be.
struct Slip {
    pos: Pos,
    message: String,
    hint: String,
}

/// A key (ASCII, as every fact path is), optionally as a list item, at the start of a line.
fn key_at_line_start(rest: &str) -> Option<(&str, &str)> {
    let rest = rest.strip_prefix("- ").unwrap_or(rest);
    let end = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
        .unwrap_or(rest.len());
    (end > 0).then(|| rest.split_at(end))
}

/// The value part of a line: after the key's colon, without its comment.
fn value_part(after_colon: &str) -> &str {
    let comment = after_colon.find(" #").unwrap_or(after_colon.len());
    after_colon[..comment].trim()
}

/// Full-width colons after a key and full-width spaces in an indentation: never right in a facts
/// file, and the parser reports the first on the next line in English and reads the second as part
/// of a key. A list item (`- 5G：智慧党建`) may be a name holding a full-width colon, so list items
/// are looked at only where the file failed to parse (`error_line`, or the line before or after).
fn ime_slip(text: &str, error_line: Option<usize>) -> Option<Slip> {
    for (index, line) in text.lines().enumerate() {
        let indent_end = line
            .find(|c: char| c != ' ' && c != '\u{3000}')
            .unwrap_or(line.len());
        let (indent, rest) = line.split_at(indent_end);
        let Some((key, after)) = key_at_line_start(rest) else {
            continue;
        };
        let item = if rest.starts_with("- ") { "- " } else { "" };
        let near_error = error_line.is_some_and(|l| (index + 1).abs_diff(l) <= 1);
        if !item.is_empty() && !near_error {
            continue;
        }
        if let Some(column) = indent.chars().position(|c| c == '\u{3000}') {
            let after = after.trim_start();
            if after.starts_with(':') || after.starts_with('：') {
                return Some(Slip {
                    pos: Pos {
                        line: index + 1,
                        column: column + 1,
                    },
                    message: "缩进里有全角空格（中文输入法下的空格）：YAML 只能用半角空格缩进"
                        .into(),
                    hint: "把行首的全角空格换成半角空格，与同组的键对齐".into(),
                });
            }
        }
        let after_spaces = after.trim_start_matches(' ');
        if let Some(value) = after_spaces.strip_prefix('：') {
            let column = line.chars().count() - after_spaces.chars().count() + 1;
            let value = value_part(value);
            return Some(Slip {
                pos: Pos {
                    line: index + 1,
                    column,
                },
                message: format!(
                    "键 {key} 后面是全角冒号“：”（中文输入法下的冒号）：YAML 要用半角冒号加一个空格"
                ),
                hint: format!("{item}{key}: {value}").trim_end().to_owned(),
            });
        }
    }
    None
}

/// A tab where YAML wants spaces: in an indentation, or right after a key's colon. The parser
/// notices some of them only on the line before or after, so on a parse error the lines up to the
/// one after it are searched.
fn tab_slip(text: &str, error_line: usize) -> Option<Slip> {
    for (index, line) in text.lines().enumerate().take(error_line + 1) {
        let indent_end = line
            .find(|c: char| c != ' ' && c != '\t')
            .unwrap_or(line.len());
        let (indent, rest) = line.split_at(indent_end);
        if rest.is_empty() || rest.starts_with('#') {
            continue;
        }
        if let Some(column) = indent.chars().position(|c| c == '\t') {
            return Some(Slip {
                pos: Pos {
                    line: index + 1,
                    column: column + 1,
                },
                message: "缩进里有制表符（Tab）：YAML 只能用空格缩进".into(),
                hint: "把行首的制表符换成空格，与同组的键对齐".into(),
            });
        }
        if let Some((key, after)) = key_at_line_start(rest)
            && let Some(value) = after.strip_prefix(":\t")
        {
            let item = if rest.starts_with("- ") { "- " } else { "" };
            let column = line.chars().count() - after.chars().count() + 2;
            return Some(Slip {
                pos: Pos {
                    line: index + 1,
                    column,
                },
                message: format!("键 {key} 的冒号后面是制表符（Tab）：YAML 要求冒号后面是一个空格"),
                hint: format!(
                    "{item}{key}: {}",
                    value_part(value.trim_start_matches('\t'))
                )
                .trim_end()
                .to_owned(),
            });
        }
    }
    None
}

fn io_error(path: &Path, e: &std::io::Error) -> Diagnostic {
    plain_error(
        path,
        Diagnostic::IO,
        format!("无法读取文件：{}", crate::error::explain_io(e)),
    )
}

fn plain_error(path: &Path, code: &'static str, message: String) -> Diagnostic {
    Diagnostic::error(code, message, Some(at(path, Pos { line: 1, column: 1 })))
}

fn to_pos(m: &Marker) -> Pos {
    Pos {
        line: m.line(),
        column: m.col() + 1,
    }
}

const CHECK_LINE: &str = "检查这一行及上一行的缩进、冒号和引号是否成对";

/// The parser's English reasons, said in Chinese for office staff, with a hint for each; the
/// English follows in the message as the parser's own words.
fn translate_scan_error(info: &str) -> (String, String) {
    let table: &[(&str, &str, &str)] = &[
        (
            "recursion limit",
            "嵌套层数太多：方括号、花括号或列表套得太深",
            "事实文件只需要几层分组；检查是否多写了 [ 或 {",
        ),
        (
            "tab",
            "缩进里有制表符（Tab）：YAML 只能用空格缩进",
            "把制表符换成空格",
        ),
        (
            "':' must be followed",
            "冒号后面要有一个空格",
            "在冒号后面加一个空格，如 members: 9412",
        ),
        (
            "'-' must be followed",
            "列表项的 - 后面要有一个空格",
            "在 - 后面加一个空格，如 - 党课大讲堂",
        ),
        (
            "unknown escape",
            "双引号里的反斜杠 \\ 后面跟了无法识别的字符",
            "要写反斜杠本身请写两个 \\\\，或改用单引号",
        ),
        (
            "hexadecimal",
            "双引号里的 \\x 或 \\u 后面不是有效的十六进制编码",
            "直接写出这个字符，或改用单引号",
        ),
        (
            "Unicode character escape",
            "双引号里的 \\u 编码不是有效的字符",
            "直接写出这个字符，或改用单引号",
        ),
        (
            "trailing content after double-quoted",
            "右引号后面还有文字：整个值要么都放在引号里，要么都不加引号",
            CHECK_LINE,
        ),
        (
            "quoted scalar",
            "引号里的文字没有结束（缺少右引号？）",
            "在文字末尾补上右引号",
        ),
        (
            "flow sequence",
            "方括号 [ ] 没有成对闭合，或两项之间缺少逗号",
            "检查这一行的 [ ] 和逗号",
        ),
        (
            "flow mapping",
            "花括号 { } 没有成对闭合，或两项之间缺少逗号",
            "检查这一行的 { } 和逗号",
        ),
        (
            "flow construct",
            "方括号或花括号里换行后的缩进不够",
            "把方括号或花括号写在一行里",
        ),
        (
            "mapping values are not allowed",
            "这里不能出现“键: 值”，多半是缩进不对，或值里的冒号后面有空格",
            "含“: ”的文字请整个加引号；否则检查缩进",
        ),
        (
            "block sequence entries are not allowed",
            "这里不能出现列表项（- ），多半是缩进不对",
            "列表项要写在键的下一行并多缩进两格，或把这一行与同组的键对齐",
        ),
        (
            "did not find expected key",
            "缩进不一致，找不到应有的键",
            "同一组的键要对齐（用同样多的空格缩进）",
        ),
        (
            "expected '-' indicator",
            "列表的缩进不一致：这一行应以 - 开头，或与上一级的键对齐",
            "同一个列表的各项要对齐",
        ),
        (
            "simple key",
            "这一行缺少“键: 值”的冒号，或冒号后面缺空格",
            "写成 键: 值（半角冒号加一个空格）",
        ),
        (
            "comments must be separated",
            "注释的 # 前面要有空格",
            "在 # 前面加一个空格；值本身含 # 时请加引号",
        ),
        (
            "mapping keys are not allowed",
            "这里不能出现“? ”开头的键",
            "删去行首的 ?",
        ),
        ("':' indicator", "冒号的位置不对", CHECK_LINE),
        (
            "cannot start with '-'",
            "以 - 开头的文字要加引号",
            "把这段文字放进引号里",
        ),
        (
            "anchor",
            "锚点或别名（& 或 *）写得不对：事实文件里不用它们",
            "把数值直接写出来；以 & 或 * 开头的文字请加引号",
        ),
        (
            "block scalar",
            "多行文字（| 或 >）的写法不对",
            "把文字写在一行里",
        ),
        ("tag", "不支持以 ! 开头的标签", "以 ! 开头的文字请加引号"),
        (
            "directive",
            "不支持以 % 开头的指令行",
            "以 % 开头的文字请加引号",
        ),
        (
            "document",
            "--- 或 ... 的用法不对：一个文件只写一年的事实",
            "删去 --- 或 ... 这一行",
        ),
        (
            "did not find expected node content",
            "这里缺少值",
            CHECK_LINE,
        ),
        (
            "indentation",
            "缩进不对",
            "同一组的键要对齐（用同样多的空格缩进）",
        ),
        ("eof", "文件在这里意外结束", CHECK_LINE),
        ("next token", "这里的写法无法识别", CHECK_LINE),
    ];
    if let Some(rest) = info.strip_prefix("unexpected character: `") {
        let c: String = rest.chars().take_while(|c| *c != '\'').collect();
        return (
            format!("值不能以“{c}”开头"),
            format!("以“{c}”开头的文字请整个加引号"),
        );
    }
    for (needle, said, hint) in table {
        if info.contains(needle) {
            return ((*said).to_owned(), (*hint).to_owned());
        }
    }
    ("YAML 写法有误".to_owned(), CHECK_LINE.to_owned())
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
fn plain_scalar(text: &str) -> Value {
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
    fn a_byte_order_mark_is_not_part_of_the_first_key() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("2021.yaml");
        std::fs::write(&path, "\u{feff}year: 2021\n").unwrap();
        let d = load(&path).unwrap();
        let year = d.root.get("year").expect("the key is year");
        assert_eq!(year.key_pos, Pos { line: 1, column: 1 });
    }

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

    #[test]
    fn syntax_error_names_line_and_column() {
        let e = parse(Path::new("t.yaml"), "a: 1\n b: 2\n".into()).unwrap_err();
        assert_eq!(e.code, "yaml-syntax");
        let loc = e.location.unwrap();
        assert_eq!((loc.line, loc.column), (2, 3));
        assert_eq!(e.source_line.as_deref(), Some(" b: 2"));
    }
}
