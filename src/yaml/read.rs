//! A YAML file's bytes, read with a bound, and decoded into text: UTF-8 without a byte-order mark
//! or control characters. The template is read through here too.

use std::path::Path;

use super::parse::parse;
use super::tree::{Document, Pos, at};
use crate::diagnostic::Diagnostic;
use crate::input::{self, Refused};
use crate::text::{escape_invisible, explain_io};

/// Files larger than this are refused before parsing: a facts file is a few kilobytes.
pub const MAX_FILE_BYTES: usize = input::TEXT_LIMIT as usize;

/// Reads and parses a YAML file. Errors are diagnostics at the place the parser stopped.
pub fn load(path: &Path) -> Result<Document, Diagnostic> {
    from_bytes(path, &read_bounded(path)?)
}

/// Parses the bytes of the file at `path` (as [`read_bounded`] read them; `path` is where the
/// diagnostics point). A render reads each input once and hashes these same bytes for its digest.
pub fn from_bytes(path: &Path, bytes: &[u8]) -> Result<Document, Diagnostic> {
    parse(path, decode(path, bytes)?)
}

/// The file's bytes, never more than [`MAX_FILE_BYTES`] of them, read through [`input::read`]:
/// a device such as /dev/zero, a named pipe or a folder is refused without waiting, a larger file
/// before it is read. The template is read through here too.
pub fn read_bounded(path: &Path) -> Result<Vec<u8>, Diagnostic> {
    input::read(path, MAX_FILE_BYTES as u64).map_err(|e| match Refused::in_error(&e) {
        Some(Refused::TooLarge { size, .. }) => {
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
        }
        Some(refused) => plain_error(path, Diagnostic::IO, format!("无法读取：{refused}")),
        None => io_error(path, &e),
    })
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
        d.source_line = Some(escape_invisible(line));
        return Some(d);
    }
    None
}

fn io_error(path: &Path, e: &std::io::Error) -> Diagnostic {
    plain_error(
        path,
        Diagnostic::IO,
        format!("无法读取文件：{}", explain_io(e)),
    )
}

fn plain_error(path: &Path, code: &'static str, message: String) -> Diagnostic {
    Diagnostic::error(code, message, Some(at(path, Pos { line: 1, column: 1 })))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_byte_order_mark_is_not_part_of_the_first_key() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("2021.yaml");
        std::fs::write(&path, "\u{feff}year: 2021\n").unwrap();
        let d = load(&path).unwrap();
        let year = d.root.get("year").expect("the key is year");
        assert_eq!(year.key_pos, Pos { line: 1, column: 1 });
    }
}
