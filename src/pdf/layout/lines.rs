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
use super::{Part, Run, block_width, pitch};
use crate::pdf::PdfError;
use crate::pdf::linebreak::{self, Line, Piece};

/// One line of the text block.
pub(super) struct SetLine {
    pub runs: Vec<Run>,
    /// Set on the same page as the line after it: a heading line (or the blank line after the
    /// title), a paragraph's first line and its last but one.
    pub keep_with_next: bool,
}

pub(super) fn set_lines(
    blocks: &[BlockChars],
    embedded: &Embedded,
) -> Result<Vec<SetLine>, PdfError> {
    let mut lines: Vec<SetLine> = Vec::new();
    for b in blocks {
        let set = break_block(b, embedded)?;
        let count = set.len();
        for (no, line) in set.iter().enumerate() {
            // A heading stays with what follows; a paragraph's first line is not left alone at
            // a page's foot, nor its last line alone at the next page's head.
            let keep = b.heading || (count >= 2 && (no == 0 || no + 2 == count));
            lines.push(SetLine {
                runs: line_runs(b, line, embedded, Part::of(&b.place)),
                keep_with_next: keep,
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
        .map(|c| Piece {
            joined: c.joined,
            ..embedded.metrics[embedded.face(c.face)].piece(c.ch, c.size)
        })
        .collect();
    let indent = if b.indent { 2.0 * em } else { 0.0 };
    linebreak::break_lines(&pieces, block_width(), indent, b.align).map_err(|e| {
        PdfError::Overlong {
            place: b.place.clone(),
            segment: b.chars[e.range.clone()].iter().map(|c| c.ch).collect(),
        }
    })
}

/// A set line as runs: consecutive glyphs of one face and size share a run. Its character
/// spacing is the gap most of its glyphs keep (a spread line's share of slack); a glyph
/// set off that (a mark sharing or giving its blank half, a number's tight digits) is moved by
/// a kern in the run's TJ array, so a line costs one text object per face, not one per gap.
fn line_runs(b: &BlockChars, line: &Line, embedded: &Embedded, part: Part) -> Vec<Run> {
    let metrics = &embedded.metrics;
    // (face, size, x, char, advance) of each glyph printed.
    let mut glyphs: Vec<(usize, u8, f64, char, f64)> = Vec::new();
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
        let adv = metrics[face].advance(c.ch, size);
        let wider = adv - metrics[face].advance(c.ch, c.size);
        glyphs.push((face, size, line.x[k] - wider / 2.0, c.ch, adv));
    }
    let mut runs = Vec::new();
    let mut rest = glyphs.as_slice();
    while let Some(&(face, size, ..)) = rest.first() {
        let len = rest
            .iter()
            .take_while(|g| g.0 == face && g.1 == size)
            .count();
        let (group, next) = rest.split_at(len);
        runs.push(run_of(face, size, group, part));
        rest = next;
    }
    runs
}

/// Positions closer than this to where the spacing puts a glyph are left to it (a twentieth of a
/// point is invisible; a kern costs bytes).
const KERN_TOLERANCE: f64 = 0.05;

/// One run for glyphs of one face and size at the given positions.
fn run_of(face: usize, size: u8, glyphs: &[(usize, u8, f64, char, f64)], part: Part) -> Run {
    let gaps: Vec<f64> = glyphs
        .windows(2)
        .map(|w| w[1].2 - (w[0].2 + w[0].4))
        .collect();
    // The most common gap (gaps within a hundredth of a point counted together), at full
    // precision: the mean of the gaps of that kind, so a spread line ends on the block's edge.
    let mut counts: Vec<(i64, usize, f64)> = Vec::new();
    for g in &gaps {
        let key = (g * 1000.0).round() as i64;
        match counts.iter_mut().find(|(k, ..)| (*k - key).abs() <= 10) {
            Some(c) => {
                c.1 += 1;
                c.2 += g;
            }
            None => counts.push((key, 1, *g)),
        }
    }
    let spacing = counts
        .iter()
        .max_by_key(|(k, n, _)| (*n, -k.abs()))
        .map_or(0.0, |(_, n, sum)| sum / *n as f64);
    let mut kerns = Vec::new();
    let mut pen = glyphs[0].2;
    for k in 1..glyphs.len() {
        pen += glyphs[k - 1].4 + spacing;
        let off = glyphs[k].2 - pen;
        if off.abs() > KERN_TOLERANCE {
            let units = (off * 1000.0 / f64::from(size)).round() as i32;
            kerns.push((k, units));
            pen += f64::from(units) * f64::from(size) / 1000.0;
        }
    }
    Run {
        face,
        size,
        x: glyphs[0].2,
        baseline: 0.0,
        text: glyphs.iter().map(|g| g.3).collect(),
        spacing,
        kerns,
        part,
    }
}
