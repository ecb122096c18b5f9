//! Stage 3, lines: each block broken into lines, each line into runs of glyphs.
//!
//! Takes the collected blocks and the embedded faces. Gives the lines of the whole speech in
//! reading order (`SetLine`): its runs placed across the text block (baselines still 0, set when
//! paginated) and whether it must stay on a page with the line after it. Where lines break is
//! `linebreak`'s business (the 禁则 rules, squeezing, spreading); this stage measures the
//! characters for it and turns its glyph positions into as few runs as the PDF needs. A segment
//! that cannot be broken and is wider than a line is refused here, at its place.

use super::collect::BlockChars;
use super::embed::Embedded;
use super::{Run, block_width, pitch};
use crate::pdf::PdfError;
use crate::pdf::linebreak::{self, Line, Piece};

/// One line of the text block.
pub(super) struct SetLine {
    pub runs: Vec<Run>,
    /// A heading line (or the blank line after the title): never left alone at a page's foot.
    pub keep_with_next: bool,
}

pub(super) fn set_lines(
    blocks: &[BlockChars],
    embedded: &Embedded,
) -> Result<Vec<SetLine>, PdfError> {
    let mut lines: Vec<SetLine> = Vec::new();
    for b in blocks {
        for line in break_block(b, embedded)? {
            lines.push(SetLine {
                runs: line_runs(b, &line, embedded),
                keep_with_next: b.heading,
            });
        }
        if b.blank_after {
            // Kept with the title and the body's first line, as a heading line is.
            lines.push(SetLine {
                runs: Vec::new(),
                keep_with_next: true,
            });
        }
    }
    Ok(lines)
}

/// The block's lines, each with its glyphs' positions.
fn break_block(b: &BlockChars, embedded: &Embedded) -> Result<Vec<Line>, PdfError> {
    let em = pitch();
    let pieces: Vec<Piece> = b
        .chars
        .iter()
        .map(|c| embedded.metrics[embedded.face(c.face)].piece(c.ch, c.size))
        .collect();
    let indent = if b.indent { 2.0 * em } else { 0.0 };
    linebreak::break_lines(&pieces, block_width(), indent, em, b.align).map_err(|e| {
        PdfError::Overlong {
            place: b.place.clone(),
            segment: b.chars[e.range.clone()].iter().map(|c| c.ch).collect(),
        }
    })
}

/// A set line as runs: consecutive glyphs of one face and size at even spacing share a run.
fn line_runs(b: &BlockChars, line: &Line, embedded: &Embedded) -> Vec<Run> {
    let em = pitch();
    let metrics = &embedded.metrics;
    let mut runs: Vec<Run> = Vec::new();
    let mut prev_end: Option<f64> = None;
    for (k, i) in line.range.clone().enumerate() {
        let c = b.chars[i];
        // A word space the line broke at ends it and is not printed; any other is a glyph.
        if c.ch == ' ' && i + 1 == line.range.end {
            continue;
        }
        let face = embedded.face(c.face);
        let size = if c.lead {
            embedded.lead_size(c.face)
        } else {
            c.size
        };
        // A glyph set larger than its cell is centred on it.
        let wider = metrics[face].advance(c.ch, size) - metrics[face].advance(c.ch, c.size);
        let x = line.x[k] - wider / 2.0;
        let gap = prev_end.map(|e| x - e);
        let same = runs
            .last()
            .is_some_and(|r| r.face == face && r.size == size);
        match (runs.last_mut(), gap) {
            (Some(r), Some(g)) if same && r.joins(g, em) => {
                if r.text.chars().count() == 1 {
                    r.spacing = g;
                }
                r.text.push(c.ch);
            }
            _ => runs.push(Run {
                face,
                size,
                x,
                baseline: 0.0,
                text: c.ch.to_string(),
                spacing: 0.0,
            }),
        }
        prev_end = Some(x + metrics[face].advance(c.ch, size));
    }
    runs
}
