//! The parser's errors said in Chinese for office staff: the slips of a Chinese input method
//! (a full-width colon or space) and tabs named for what they are, with the line as it should be;
//! every other reason of the parser translated, with a hint.

use super::tree::Pos;

/// A slip of the Chinese input method, named for what it is with the line as it should be.
pub(super) struct Slip {
    pub(super) pos: Pos,
    pub(super) message: String,
    pub(super) hint: String,
}

/// A key (ASCII, as every fact path is), optionally as a list item, at the start of a line.
fn key_at_line_start(rest: &str) -> Option<(&str, &str)> {
    let rest = rest.strip_prefix("- ").unwrap_or(rest);
    let end = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
        .unwrap_or(rest.len());
    (end > 0).then(|| rest.split_at(end))
}

/// Per line of `text`, whether it is inside a block scalar (`key: |`, `- >-` and the lines
/// indented under it): text there is the value as typed, `a:0` or `时间：10点` included, never a
/// key to be checked for a slip.
fn in_block_scalar(text: &str) -> Vec<bool> {
    let mut inside = Vec::new();
    // The indentation of the line that opened the block scalar being read.
    let mut open: Option<usize> = None;
    for line in text.lines() {
        let indent = line.len() - line.trim_start_matches(' ').len();
        let blank = line.trim().is_empty();
        if let Some(at) = open {
            if blank || indent > at {
                inside.push(true);
                continue;
            }
            open = None;
        }
        inside.push(false);
        if opens_block_scalar(line) {
            open = Some(indent);
        }
    }
    inside
}

/// Whether a line ends in a block scalar's header (`|`, `>-`, `|2+`, a comment after it).
fn opens_block_scalar(line: &str) -> bool {
    let rest = line.trim_start_matches(' ');
    let value = if let Some(item) = rest.strip_prefix("- ") {
        item
    } else if let Some((_, after)) = key_at_line_start(rest) {
        match after.strip_prefix(':') {
            Some(v) if v.is_empty() || v.starts_with([' ', '\t']) => v,
            _ => return false,
        }
    } else {
        return false;
    };
    let header = value.split(" #").next().unwrap_or("").trim();
    let mut chars = header.chars();
    matches!(chars.next(), Some('|' | '>'))
        && chars.all(|c| c == '-' || c == '+' || c.is_ascii_digit())
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
pub(super) fn ime_slip(text: &str, error_line: Option<usize>) -> Option<Slip> {
    let in_block = in_block_scalar(text);
    for (index, line) in text.lines().enumerate() {
        if in_block[index] {
            continue;
        }
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

/// A key with no space after its colon (`seminars:73`): YAML reads the whole line as one text,
/// and the parser complains on the next line, or not at all at the end of the file. Named on its
/// own line, at the value, with the line as it should be. A list item (`- 5G:智慧党建`) may be a
/// name holding a colon, so only an item whose value is a number is taken for a slip.
pub(super) fn colon_slip(text: &str) -> Option<Slip> {
    let in_block = in_block_scalar(text);
    for (index, line) in text.lines().enumerate() {
        if in_block[index] {
            continue;
        }
        let rest = line.trim_start_matches(' ');
        let Some((key, after)) = key_at_line_start(rest) else {
            continue;
        };
        let Some(value) = after.strip_prefix(':') else {
            continue;
        };
        if value.is_empty() || value.starts_with([' ', '\t', ':', '/', '\'']) {
            continue;
        }
        let value = value_part(value);
        let item = if rest.starts_with("- ") { "- " } else { "" };
        if !item.is_empty() && !value.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
            continue;
        }
        let column = line.chars().count() - after.chars().count() + 2;
        return Some(Slip {
            pos: Pos {
                line: index + 1,
                column,
            },
            message: format!(
                "键 {key} 的冒号后面缺一个空格：YAML 会把“{key}:{value}”整个当作一段文字"
            ),
            hint: format!("{item}{key}: {value}"),
        });
    }
    None
}

/// A tab where YAML wants spaces: in an indentation, or right after a key's colon. The parser
/// notices some of them only on the line before or after, so on a parse error the lines up to the
/// one after it are searched.
pub(super) fn tab_slip(text: &str, error_line: usize) -> Option<Slip> {
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

const CHECK_LINE: &str = "检查这一行及上一行的缩进、冒号和引号是否成对";

/// The parser's English reasons, said in Chinese for office staff, with a hint for each; the
/// English follows in the message as the parser's own words.
pub(super) fn translate_scan_error(info: &str) -> (String, String) {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_slip_after_a_block_scalar_is_found_and_none_inside_it() {
        let text =
            "a: |\n  seminars:73\n  时间：10点\n\n  PPT：3页\nl:\n  - >-  # 注\n    b:5\nbad:5\n";
        assert_eq!(
            in_block_scalar(text),
            [false, true, true, true, true, false, false, true, false]
        );
        let slip = colon_slip(text).expect("the slip on the last line");
        assert_eq!(slip.pos.line, 9);
        assert!(ime_slip(text, None).is_none());
        // Outside a block scalar both are still slips.
        assert_eq!(
            colon_slip("a:\n  seminars:73\n").map(|s| s.pos.line),
            Some(2)
        );
        assert_eq!(ime_slip("a：3\n", None).map(|s| s.pos.line), Some(1));
    }
}
