//! Text helpers every layer's messages use: a value's invisible characters spelt out, the
//! "did you mean" guess, a file error explained in Chinese. At the bottom with `diagnostic`: this
//! module imports nothing of the crate but `input` (whose refusals it explains), so any module
//! may use it.

/// The closest candidate, if it is close enough to be a typo of `word`.
pub fn did_you_mean<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    candidates
        .iter()
        .map(|c| (strsim::levenshtein(word, c), *c))
        .filter(|(d, c)| *d > 0 && *d <= (c.chars().count() / 3).max(2))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// Escapes text for XML element content and for attributes in double or single quotes (the .docx
/// and the OFD packages' parts). Characters XML 1.0 cannot hold at all (control characters other
/// than tab, newline and carriage return, U+FFFE, U+FFFF) are dropped: Word refuses a whole
/// document over one of them, and an OFD reader would refuse the part.
pub fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

/// `1e3`, `2.5E-1`: a number with an exponent.
pub fn is_scientific(text: &str) -> bool {
    text.contains(['e', 'E'])
}

/// A character that prints as nothing or changes what is around it: control characters (a line
/// break in a name can start a Markdown list), bidirectional controls (U+202E shows text reversed),
/// line separators, every Unicode `Default_Ignorable_Code_Point` (zero-width characters, the soft
/// hyphen U+00AD, the Hangul fillers U+3164 and U+FFA0, variation selectors, tag characters) and
/// every noncharacter (U+FDD0–U+FDEF, U+FFFE, U+FFFF and their like in every plane).
pub fn is_invisible(c: char) -> bool {
    c.is_control()
        || is_default_ignorable(c)
        || is_noncharacter(c)
        || matches!(c, '\u{2028}' | '\u{2029}')
}

/// Unicode's `Default_Ignorable_Code_Point` (DerivedCoreProperties.txt, Unicode 15).
pub fn is_default_ignorable(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{034F}'
            | '\u{061C}'
            | '\u{115F}'..='\u{1160}'
            | '\u{17B4}'..='\u{17B5}'
            | '\u{180B}'..='\u{180F}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{206F}'
            | '\u{3164}'
            | '\u{FE00}'..='\u{FE0F}'
            | '\u{FEFF}'
            | '\u{FFA0}'
            | '\u{FFF0}'..='\u{FFF8}'
            | '\u{1BCA0}'..='\u{1BCA3}'
            | '\u{1D173}'..='\u{1D17A}'
            | '\u{E0000}'..='\u{E0FFF}'
    )
}

/// A noncharacter: U+FDD0–U+FDEF and the last two code points of every plane (U+FFFE, U+1FFFF…).
pub fn is_noncharacter(c: char) -> bool {
    let n = u32::from(c);
    (0xFDD0..=0xFDEF).contains(&n) || n & 0xFFFE == 0xFFFE
}

/// A text with every invisible character written out (`\n`, `\t`, `<U+202E>`).
pub fn escape_invisible(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if is_invisible(c) => out.push_str(&format!("<U+{:04X}>", u32::from(c))),
            c => out.push(c),
        }
    }
    out
}

/// What went wrong reading or writing a file, in Chinese with the system's words after it.
pub fn explain_io(e: &std::io::Error) -> String {
    use std::io::ErrorKind;
    // A file `input` refused to read says why in its own words.
    if let Some(refused) = crate::input::Refused::in_error(e) {
        return refused.to_string();
    }
    let said = match e.kind() {
        ErrorKind::NotFound => "文件或文件夹不存在",
        ErrorKind::PermissionDenied => "没有访问权限",
        ErrorKind::IsADirectory => "这是一个文件夹，不是文件",
        ErrorKind::NotADirectory => "路径中有一段不是文件夹",
        ErrorKind::StorageFull => "磁盘已满",
        ErrorKind::ReadOnlyFilesystem => "磁盘是只读的",
        ErrorKind::AlreadyExists => "已经存在",
        _ => return e.to_string(),
    };
    format!("{said}（{e}）")
}
