//! Escaping text for the package's XML parts.

/// Escapes text for XML element content and for attributes in double or single quotes. Characters
/// XML 1.0 cannot hold at all (control characters other than tab, newline and carriage return,
/// U+FFFE, U+FFFF) are dropped: Word refuses a whole document over one of them.
pub fn esc(text: &str) -> String {
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

/// A run of text: `<w:t>` keeps leading and trailing spaces only with `xml:space="preserve"`.
pub fn text_element(text: &str) -> String {
    format!("<w:t xml:space=\"preserve\">{}</w:t>", esc(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_and_quotes_are_escaped_and_control_characters_dropped() {
        assert_eq!(
            esc("<b>&\"x\"'\u{1}\u{FFFF}《》"),
            "&lt;b&gt;&amp;&quot;x&quot;&apos;《》"
        );
        assert_eq!(esc("a\tb"), "a\tb");
    }
}
