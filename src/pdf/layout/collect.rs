//! Stage 1, collect: the characters to set, block by block, each with the face that prints it.
//!
//! Takes the document and the chosen faces. Gives `Collected`: the title and every heading and
//! paragraph as a `BlockChars` (its characters with face, size and style, and how the block is
//! set), and the faces of the page numbers' and the draft mark's characters. A character no face
//! has is refused here, at its place in the speech. Nothing is measured yet.
//!
//! Whitespace is settled here too: a run of it between two printed characters becomes one
//! space, printed, beside Chinese as between Latin words (the .md, .html and .docx print the
//! text as typed, and a browser shows a run of blanks as one space); at a block's ends it is
//! dropped. Soft line breaks of the template never get here: the document model joins Chinese
//! lines without a space.

use std::collections::HashMap;

use super::{BODY_PT, DRAFT_TEXT, SAMPLE_TEXT, STAMP_LABEL, TITLE_PT};
use crate::document::{Block, CIRCULATION_LINE, Document, Inline, InlineStyle};
use crate::pdf::fonts::{FaceSet, Role};
use crate::pdf::linebreak::Align;
use crate::pdf::{PdfError, Place};

/// One character to set, before measuring.
#[derive(Clone, Copy)]
pub(super) struct Char {
    pub ch: char,
    /// Index into `FaceSet::faces`.
    pub face: usize,
    /// The size the grid cell is measured at.
    pub size: u8,
    /// A lead sentence or （一） heading (Kai): may be set larger than its cell, see
    /// `embed::lead_size`.
    pub lead: bool,
    /// No line break before this character: it continues a figure's number or is the unit
    /// right after it (1200多|人, 42|个).
    pub joined: bool,
}

/// A title, heading or paragraph as characters, and how it is set.
pub(super) struct BlockChars {
    pub chars: Vec<Char>,
    pub indent: bool,
    pub align: Align,
    /// Kept on a page with the line that follows it.
    pub heading: bool,
    /// An empty grid line follows the block (the title: GB/T 9704 7.3.1 sets one blank line
    /// between the title and the body).
    pub blank_after: bool,
    pub place: Place,
}

/// The faces of the characters printed around the text block: “— 12 —”, 草稿, the sample mark
/// and the digest stamp.
pub(super) struct MarkFaces {
    /// The face of the page number's dashes.
    pub dash: usize,
    /// The face of each digit 0–9 (page numbers may run past 9: all ten are kept).
    pub digits: [usize; 10],
    /// The face of each character of `DRAFT_TEXT`; empty for a final document.
    pub draft: Vec<usize>,
    /// The face of each character of `SAMPLE_TEXT`; empty unless from sample facts.
    pub sample: Vec<usize>,
    /// The face of each character of `CIRCULATION_LINE`; empty unless the circulation copy.
    pub circulation: Vec<usize>,
    /// The digest stamp on the last page; `None` without a digest.
    pub stamp: Option<Stamp>,
}

/// The digest stamp, `摘要 1a2b3c4d5e6f`, with the face of each character that is not blank.
pub(super) struct Stamp {
    pub text: String,
    pub faces: Vec<usize>,
}

pub(super) struct Collected {
    pub blocks: Vec<BlockChars>,
    pub marks: MarkFaces,
}

/// Whitespace in the text: never printed as it comes (see `printed`). The ideographic space is
/// not blank: it holds a cell like any character.
pub(crate) fn is_blank(c: char) -> bool {
    c.is_whitespace() && c != '\u{3000}'
}

/// The characters of a block as printed, each with what it came with (its inline): every run of
/// whitespace between two printed characters becomes one space, and nothing at the block's
/// ends. A tab or a line break inside a name is whitespace like any other.
pub(crate) fn printed<T: Copy>(text: impl IntoIterator<Item = (char, T)>) -> Vec<(char, T)> {
    let mut out: Vec<(char, T)> = Vec::new();
    let mut space: Option<T> = None;
    for (c, tag) in text {
        if is_blank(c) {
            space = space.or(Some(tag));
            continue;
        }
        if let Some(tag) = space.take()
            && !out.is_empty()
        {
            out.push((' ', tag));
        }
        out.push((c, tag));
    }
    out
}

pub(super) fn collect(
    doc: &Document,
    faces: &FaceSet,
    stamp: Option<&str>,
) -> Result<Collected, PdfError> {
    let mut resolver = Resolver {
        faces,
        cache: HashMap::new(),
    };
    let mut blocks: Vec<BlockChars> = Vec::new();
    if doc.circulation {
        blocks.push(circulation_block(&mut resolver)?);
    }
    blocks.extend(title_block(&doc.title, &mut resolver)?);
    let (mut n_para, mut n_head) = (0usize, 0usize);
    for block in &doc.blocks {
        let number = match block {
            Block::Heading { .. } => &mut n_head,
            Block::Paragraph { .. } => &mut n_para,
        };
        *number += 1;
        blocks.extend(body_block(doc, block, *number, &mut resolver)?);
    }
    let marks = mark_faces(doc, stamp, &mut resolver)?;
    Ok(Collected { blocks, marks })
}

/// Which face sets a character in a role, remembered: the speech repeats its characters.
struct Resolver<'a> {
    faces: &'a FaceSet,
    cache: HashMap<(Role, char), usize>,
}

impl Resolver<'_> {
    fn resolve(&mut self, role: Role, c: char, place: &Place) -> Result<usize, PdfError> {
        let faces = self.faces;
        if let Some(&f) = self.cache.get(&(role, c)) {
            return Ok(f);
        }
        let f = faces
            .resolve(role, c)
            .ok_or_else(|| PdfError::MissingChar {
                face: faces.faces[faces.for_role(role)].family.clone(),
                ch: c,
                place: place.clone(),
            })?;
        self.cache.insert((role, c), f);
        Ok(f)
    }
}

fn excerpt(s: &str) -> String {
    let t: String = s.chars().take(20).collect();
    if s.chars().count() > 20 {
        format!("{t}……")
    } else {
        t
    }
}

/// The title, centred in the title face at 22 pt; None for an empty title.
fn title_block(title: &str, resolver: &mut Resolver<'_>) -> Result<Option<BlockChars>, PdfError> {
    let place = Place::Title {
        excerpt: excerpt(title),
    };
    let chars = printed(title.chars().map(|c| (c, ())))
        .into_iter()
        .map(|(ch, ())| {
            Ok(Char {
                ch,
                face: resolver.resolve(Role::Title, ch, &place)?,
                size: TITLE_PT,
                lead: false,
                joined: false,
            })
        })
        .collect::<Result<Vec<_>, PdfError>>()?;
    if chars.is_empty() {
        return Ok(None);
    }
    Ok(Some(BlockChars {
        chars,
        indent: false,
        align: Align::Center,
        heading: true,
        blank_after: true,
        place,
    }))
}

/// The circulation copy's line above the title, flush left in the heading face, as GB/T 9704
/// places a document's 密级 mark.
fn circulation_block(resolver: &mut Resolver<'_>) -> Result<BlockChars, PdfError> {
    let place = Place::Mark {
        text: CIRCULATION_LINE,
    };
    let chars = CIRCULATION_LINE
        .chars()
        .map(|ch| {
            Ok(Char {
                ch,
                face: resolver.resolve(Role::Heading, ch, &place)?,
                size: BODY_PT,
                lead: false,
                joined: false,
            })
        })
        .collect::<Result<Vec<_>, PdfError>>()?;
    Ok(BlockChars {
        chars,
        indent: false,
        align: Align::Justify,
        heading: true,
        blank_after: false,
        place,
    })
}

/// A heading or paragraph (the `number`-th of its kind), indented and justified; None when it
/// holds nothing to print.
fn body_block(
    doc: &Document,
    block: &Block,
    number: usize,
    resolver: &mut Resolver<'_>,
) -> Result<Option<BlockChars>, PdfError> {
    let text = block.plain_text();
    let (place, role_of): (Place, Box<dyn Fn(InlineStyle) -> Role>) = match block {
        Block::Heading { level, .. } => {
            let role = if *level <= 2 {
                Role::Heading
            } else {
                Role::Lead
            };
            (
                Place::Heading {
                    number,
                    excerpt: excerpt(&text),
                    figure: None,
                },
                Box::new(move |_| role),
            )
        }
        Block::Paragraph { .. } => (
            Place::Paragraph {
                number,
                excerpt: excerpt(&text),
                figure: None,
            },
            Box::new(|s| match s {
                InlineStyle::Plain => Role::Body,
                InlineStyle::Lead => Role::Lead,
            }),
        ),
    };
    let inlines = block.inlines();
    let places: Vec<Place> = inlines
        .iter()
        .map(|i| place.with_figure(i.figure.clone()))
        .collect();
    let text = inlines
        .iter()
        .enumerate()
        .flat_map(|(n, i)| i.text.chars().enumerate().map(move |(k, c)| (c, (n, k))));
    let unbroken = unbroken_lengths(doc, inlines);
    let mut chars = Vec::new();
    for (ch, (n, k)) in printed(text) {
        let role = role_of(inlines[n].style);
        chars.push(Char {
            ch,
            face: resolver.resolve(role, ch, &places[n])?,
            size: BODY_PT,
            lead: role == Role::Lead,
            // Inside a figure's number, or a unit's first character after its number.
            joined: k < unbroken[n] && (k > 0 || inlines[n].figure.is_none()),
        });
    }
    // An empty block would print as a blank line: the document has nothing there.
    if chars.is_empty() {
        return Ok(None);
    }
    Ok(Some(BlockChars {
        chars,
        indent: true,
        align: Align::Justify,
        heading: matches!(block, Block::Heading { .. }),
        blank_after: false,
        place,
    }))
}

/// Per inline, how many of its first characters are held together with what comes before
/// them: all of a figure that prints a number (1200多, 96.7), and of the text right after such a
/// figure the declared unit it starts with (个, %). Zero for names, draft markers and other text.
/// Nothing else is glued: 占比|96.7% may still break before the number.
fn unbroken_lengths(doc: &Document, inlines: &[Inline]) -> Vec<usize> {
    inlines
        .iter()
        .enumerate()
        .map(|(n, inline)| {
            if doc.number_of(inline).is_some() {
                return inline.text.chars().count();
            }
            n.checked_sub(1)
                .and_then(|p| doc.unit_after(inlines, p))
                .map_or(0, |u| u.chars().count())
        })
        .collect()
}

/// Page numbers are in the Song face (GB/T 9704 7.5: 宋体; `FaceSet::song`), the digest stamp
/// in the body face; the draft and sample marks are in the heading face.
fn mark_faces(
    doc: &Document,
    stamp: Option<&str>,
    resolver: &mut Resolver<'_>,
) -> Result<MarkFaces, PdfError> {
    let song = resolver.faces.song();
    let mut number_face = |c: char| -> Result<usize, PdfError> {
        if resolver.faces.maps(song, c) {
            Ok(song)
        } else {
            resolver.resolve(Role::Body, c, &Place::PageNumber)
        }
    };
    let dash = number_face('—')?;
    let mut digits = [0usize; 10];
    for (d, slot) in digits.iter_mut().enumerate() {
        *slot = number_face(char::from_digit(d as u32, 10).expect("digit"))?;
    }
    let draft = if doc.draft {
        DRAFT_TEXT
            .chars()
            .map(|c| resolver.resolve(Role::Heading, c, &Place::Draft))
            .collect::<Result<Vec<_>, _>>()?
    } else {
        Vec::new()
    };
    let sample_place = Place::Mark { text: SAMPLE_TEXT };
    let sample = if doc.sample {
        SAMPLE_TEXT
            .chars()
            .map(|c| resolver.resolve(Role::Heading, c, &sample_place))
            .collect::<Result<Vec<_>, _>>()?
    } else {
        Vec::new()
    };
    let circulation_place = Place::Mark {
        text: CIRCULATION_LINE,
    };
    let circulation = if doc.circulation {
        CIRCULATION_LINE
            .chars()
            .map(|c| resolver.resolve(Role::Heading, c, &circulation_place))
            .collect::<Result<Vec<_>, _>>()?
    } else {
        Vec::new()
    };
    let stamp = match stamp {
        Some(short) => {
            let text = format!("{STAMP_LABEL} {short}");
            let place = Place::Elsewhere("末页页脚的摘要".into());
            let faces = text
                .chars()
                .filter(|c| !is_blank(*c))
                .map(|c| resolver.resolve(Role::Body, c, &place))
                .collect::<Result<Vec<_>, _>>()?;
            Some(Stamp { text, faces })
        }
        None => None,
    };
    Ok(MarkFaces {
        dash,
        digits,
        draft,
        sample,
        circulation,
        stamp,
    })
}
