//! The speech's length for the one who gives it: how many characters are spoken and how long that
//! takes at the speaking rate of `templates/speech.yaml` (`chars_per_minute`, 220 by default),
//! with a warning when it runs past `max_minutes`.
//!
//! What is counted is what is read aloud: the part headings and the paragraphs, every Chinese
//! character, letter and digit; not the title (announced, not read), punctuation or spaces. A
//! figure counts as printed (1200多 is five), which is near enough for a speaking time: 1200 is
//! read 一千二百 but 96.7 is 九十六点七, and speakers slow down at numbers either way.

use crate::diagnostic::Diagnostic;
use crate::document::Document;
use crate::settings::Settings;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Length {
    /// Characters spoken.
    pub chars: usize,
    /// The speaking rate, characters a minute.
    pub chars_per_minute: u32,
    /// The longest the speech may take, from the settings.
    pub max_minutes: Option<u32>,
}

/// Whether a character is read aloud (see the module comment).
pub fn is_spoken(c: char) -> bool {
    c.is_alphanumeric()
}

impl Length {
    pub fn of(document: &Document, settings: &Settings) -> Length {
        let chars = document
            .blocks
            .iter()
            .flat_map(|b| b.inlines())
            .map(|i| i.text.chars().filter(|c| is_spoken(*c)).count())
            .sum();
        Length {
            chars,
            chars_per_minute: settings.chars_per_minute.max(1),
            max_minutes: settings.max_minutes,
        }
    }

    /// The speaking time in whole seconds, rounded up.
    pub fn seconds(&self) -> u64 {
        (self.chars as u64 * 60).div_ceil(u64::from(self.chars_per_minute))
    }

    /// True when the speech takes longer than `max_minutes`.
    pub fn is_over(&self) -> bool {
        self.max_minutes
            .is_some_and(|max| self.seconds() > u64::from(max) * 60)
    }

    /// `全文 3456 字，按每分钟 220 字约需 15 分 43 秒`.
    pub fn summary(&self) -> String {
        let mut s = format!(
            "全文 {} 字，按每分钟 {} 字约需 {}",
            self.chars,
            self.chars_per_minute,
            duration(self.seconds())
        );
        if let Some(max) = self.max_minutes {
            s.push_str(&format!("（限 {max} 分钟）"));
        }
        s
    }

    /// The warning for a speech longer than `max_minutes`, at that setting's line in
    /// templates/speech.yaml when `settings` were read from it.
    pub fn warning(&self, settings: &Settings) -> Option<Diagnostic> {
        if !self.is_over() {
            return None;
        }
        let max = self.max_minutes?;
        let message = format!(
            "讲话稿约需 {}（{} 字，每分钟 {} 字），超过了 max_minutes 规定的 {max} 分钟",
            duration(self.seconds()),
            self.chars,
            self.chars_per_minute
        );
        let over = self.chars - (max as usize * self.chars_per_minute as usize);
        let hint = format!("删减约 {over} 字，或在 templates/speech.yaml 中调整 max_minutes");
        let warning = match &settings.max_minutes_at {
            Some((at, line)) => Diagnostic::warning("too-long", message, Some(at.clone()))
                .with_source_line(line.clone()),
            None => Diagnostic::warning("too-long", message, None),
        };
        Some(warning.with_hint(hint))
    }
}

/// `15 分 43 秒`, `9 分钟`, `40 秒`.
fn duration(seconds: u64) -> String {
    match (seconds / 60, seconds % 60) {
        (0, s) => format!("{s} 秒"),
        (m, 0) => format!("{m} 分钟"),
        (m, s) => format!("{m} 分 {s} 秒"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::{Block, Inline, InlineStyle};

    fn doc(paragraphs: &[&str]) -> Document {
        Document {
            title: "标题不计入".into(),
            blocks: paragraphs
                .iter()
                .map(|p| Block::Paragraph {
                    inlines: vec![Inline {
                        text: (*p).into(),
                        style: InlineStyle::Plain,
                        figure: None,
                        unfilled: false,
                    }],
                })
                .collect(),
            ..Document::default()
        }
    }

    #[test]
    fn counts_what_is_read_aloud() {
        let settings = Settings::default();
        // 11 characters and 6 digits; punctuation and spaces not counted, the title not at all.
        let l = Length::of(
            &doc(&["扛起主体责任。配备37人，", "共 1200 多。"]),
            &settings,
        );
        assert_eq!(l.chars, (6 + 2 + 2 + 1) + (1 + 4 + 1));
        assert_eq!(l.seconds(), 5); // 17 × 60 / 220 = 4.6, rounded up
        assert_eq!(l.summary(), "全文 17 字，按每分钟 220 字约需 5 秒");
    }

    #[test]
    fn over_the_limit_warns_at_the_setting() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("speech.yaml");
        std::fs::write(&file, "chars_per_minute: 60\nmax_minutes: 1\n").unwrap();
        let settings = Settings::load(&file).unwrap();
        assert_eq!(
            (settings.chars_per_minute, settings.max_minutes),
            (60, Some(1))
        );
        let exact = Length::of(&doc(&[&"字".repeat(60)]), &settings);
        assert_eq!(exact.seconds(), 60);
        assert!(!exact.is_over());
        assert!(exact.warning(&settings).is_none());
        let over = Length::of(&doc(&[&"字".repeat(61)]), &settings);
        assert!(over.is_over());
        let d = over.warning(&settings).unwrap();
        assert_eq!(d.code, "too-long");
        let at = d.location.as_ref().unwrap();
        assert_eq!((at.line, at.column), (2, 14));
        assert!(d.message.contains("约需 1 分 1 秒"), "{}", d.message);
        assert_eq!(
            d.hint.as_deref(),
            Some("删减约 1 字，或在 templates/speech.yaml 中调整 max_minutes")
        );
    }
}
