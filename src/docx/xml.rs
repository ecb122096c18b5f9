//! Escaping text for the package's XML parts.

/// Escapes text for the package's XML: `crate::text::xml_escape`, shared with the OFD's parts.
pub use crate::text::xml_escape as esc;

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
