//! A speech as tokens (a block start, a character, a whole figure) and the tokens as sentences.

use crate::document::{Block, Document, InlineStyle};

/// The characters a sentence ends at.
pub const SENTENCE_ENDS: &[char] = &['。', '！', '？', '；'];
/// What may follow a sentence's end and still belong to it (`。”`).
const CLOSERS: &[char] = &['”', '’', '）', '》', '」', '』', ')'];

/// A token of a speech: a block start, a character, or a whole figure.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Key {
    Break(u8),
    Char(char),
    Figure(String),
}

#[derive(Debug, Clone)]
pub(crate) struct Token {
    pub(crate) key: Key,
    pub(crate) lead: bool,
    /// A figure's printed text.
    pub(crate) text: String,
}

pub(super) type Sentence = Vec<Token>;

/// A document's blocks as tokens, its title first.
pub(crate) fn tokens(doc: &Document) -> Vec<Token> {
    let mut out = Vec::new();
    let brk = |level| Token {
        key: Key::Break(level),
        lead: false,
        text: String::new(),
    };
    if !doc.title.is_empty() {
        out.push(brk(1));
        out.extend(doc.title.chars().map(|c| Token {
            key: Key::Char(c),
            lead: false,
            text: String::new(),
        }));
    }
    for block in &doc.blocks {
        out.push(brk(level(block)));
        for inline in block.inlines() {
            let lead = inline.style == InlineStyle::Lead;
            match &inline.figure {
                Some(id) => out.push(Token {
                    key: Key::Figure(id.clone()),
                    lead,
                    text: inline.text.clone(),
                }),
                None => out.extend(inline.text.chars().map(|c| Token {
                    key: Key::Char(c),
                    lead,
                    text: String::new(),
                })),
            }
        }
    }
    out
}

/// A block's level as its `Key::Break`: a heading's level, 0 for a paragraph.
pub(crate) fn level(block: &Block) -> u8 {
    match block {
        Block::Heading { level, .. } => *level,
        Block::Paragraph { .. } => 0,
    }
}

/// The id the speech's own year goes by as a figure.
pub const YEAR_FIGURE: &str = "year";

/// The year's digits, where they stand alone (not in 12021 or 2021.5), made one figure token.
pub(super) fn with_year(tokens: Vec<Token>, year: Option<i64>) -> Vec<Token> {
    let Some(year) = year else {
        return tokens;
    };
    let digits: Vec<char> = year.to_string().chars().collect();
    let is_digit = |t: Option<&Token>| matches!(t, Some(Token { key: Key::Char(c), .. }) if c.is_ascii_digit() || *c == '.');
    let mut out: Vec<Token> = Vec::with_capacity(tokens.len());
    let mut i = 0;
    while i < tokens.len() {
        let here = tokens.len() - i >= digits.len()
            && tokens[i..i + digits.len()]
                .iter()
                .zip(&digits)
                .all(|(t, d)| t.key == Key::Char(*d))
            && !is_digit(i.checked_sub(1).and_then(|b| tokens.get(b)))
            && !is_digit(tokens.get(i + digits.len()));
        if here {
            out.push(Token {
                key: Key::Figure(YEAR_FIGURE.to_owned()),
                lead: tokens[i].lead,
                text: year.to_string(),
            });
            i += digits.len();
        } else {
            out.push(tokens[i].clone());
            i += 1;
        }
    }
    out
}

/// The tokens cut into sentences: at each block start, and after 。！？； and what closes with them.
pub(super) fn sentences(tokens: Vec<Token>) -> Vec<Sentence> {
    let mut out: Vec<Sentence> = Vec::new();
    let mut current: Sentence = Vec::new();
    let mut ended = false;
    for token in tokens {
        let starts_new = match &token.key {
            Key::Break(_) => true,
            Key::Char(c) if ended && CLOSERS.contains(c) => false,
            _ => ended,
        };
        if starts_new && !current.is_empty() {
            out.push(std::mem::take(&mut current));
        }
        ended = matches!(&token.key, Key::Char(c) if SENTENCE_ENDS.contains(c) || (ended && CLOSERS.contains(c)));
        current.push(token);
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

pub(super) fn keys(sentence: &Sentence) -> Vec<Key> {
    sentence.iter().map(|t| t.key.clone()).collect()
}

/// The heading text each sentence stands under (level-2 headings: the speech's parts).
pub(super) fn parts(sentences: &[Sentence]) -> Vec<Option<String>> {
    let mut current = None;
    sentences
        .iter()
        .map(|s| {
            if let Some(Token {
                key: Key::Break(level),
                ..
            }) = s.first()
            {
                if *level == 2 {
                    current = Some(plain(s));
                } else if *level == 1 {
                    current = None;
                }
            }
            current.clone()
        })
        .collect()
}

pub(super) fn plain(sentence: &[Token]) -> String {
    sentence
        .iter()
        .map(|t| match &t.key {
            Key::Char(c) => c.to_string(),
            Key::Figure(_) => t.text.clone(),
            Key::Break(_) => String::new(),
        })
        .collect()
}
