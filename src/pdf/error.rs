//! What can go wrong laying out the speech as a PDF, and where in the speech it sits. In a file
//! of its own because the failure type of every command (`error::Error`) wraps it: it needs
//! nothing else of the PDF writer.

use std::fmt;

/// Where in the speech a problem sits, for the message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    Title {
        excerpt: String,
    },
    /// The n-th heading (1-based).
    Heading {
        number: usize,
        excerpt: String,
        figure: Option<String>,
    },
    /// The n-th body paragraph (1-based).
    Paragraph {
        number: usize,
        excerpt: String,
        figure: Option<String>,
    },
    PageNumber,
    Draft,
    /// Outside the speech (the digest stamp, a cell of the verification sheet), said in words.
    Elsewhere(String),
    /// A fixed line the program prints: the circulation copy's line, the sample mark.
    Mark {
        text: &'static str,
    },
}

impl Place {
    pub(super) fn with_figure(&self, figure: Option<String>) -> Place {
        match (self.clone(), figure) {
            (
                Place::Heading {
                    number, excerpt, ..
                },
                Some(f),
            ) => Place::Heading {
                number,
                excerpt,
                figure: Some(f),
            },
            (
                Place::Paragraph {
                    number, excerpt, ..
                },
                Some(f),
            ) => Place::Paragraph {
                number,
                excerpt,
                figure: Some(f),
            },
            (p, _) => p,
        }
    }
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Place::Title { excerpt } => write!(f, "标题“{excerpt}”中"),
            Place::Heading {
                number,
                excerpt,
                figure,
            } => {
                if let Some(fig) = figure {
                    write!(
                        f,
                        "数据项 {fig} 的值中（第 {number} 个小标题：“{excerpt}”）"
                    )
                } else {
                    write!(f, "第 {number} 个小标题：“{excerpt}”")
                }
            }
            Place::Paragraph {
                number,
                excerpt,
                figure,
            } => {
                if let Some(fig) = figure {
                    write!(f, "数据项 {fig} 的值中（第 {number} 段：“{excerpt}”）")
                } else {
                    write!(f, "第 {number} 段：“{excerpt}”")
                }
            }
            Place::PageNumber => write!(f, "页码中"),
            Place::Draft => write!(f, "“草稿”标记中"),
            Place::Elsewhere(place) => write!(f, "{place}"),
            Place::Mark { text } => write!(f, "“{text}”一行中"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PdfError {
    /// No available face has the character: printing it would give an invisible glyph.
    MissingChar {
        face: String,
        ch: char,
        place: Place,
    },
    /// A segment that may not be broken (a long number or Latin word) is wider than a line.
    Overlong { place: Place, segment: String },
    /// A font could not be read or subset.
    Font { face: String, reason: String },
    /// The PDF writer failed: a bug, not a problem of the speech.
    Engine(String),
}

impl fmt::Display for PdfError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PdfError::MissingChar { face, ch, place } => write!(
                f,
                "字体“{face}”缺少字符“{ch}”(U+{:04X})，位于{place}。请改用该字，或用 --font-dir 指定含有此字的字体",
                *ch as u32
            ),
            PdfError::Overlong { place, segment } => write!(
                f,
                "“{segment}”不能断开，且比一整行还宽，无法排版，位于{place}。请在其中加空格或改写"
            ),
            PdfError::Font { face, reason } => write!(f, "字体“{face}”无法使用：{reason}"),
            PdfError::Engine(msg) => write!(f, "生成 PDF 时出现内部错误：{msg}"),
        }
    }
}

impl std::error::Error for PdfError {}
