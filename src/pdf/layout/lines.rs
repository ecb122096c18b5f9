//! Stage 3, lines: each block broken into lines, each line into runs of glyphs.
//!
//! Takes the collected blocks and the embedded faces. Gives each block of the speech in reading
//! order (`SetBlock`) as its lines (`SetLine`: runs placed across the text block, baselines
//! still 0, set when paginated), set as the speech's grid setting says and, for a paragraph, also
//! one line shorter (marks compressed to half a cell in as few of its last lines as that takes)
//! and one line longer (filled a little short) where the text allows: the pagination picks the setting that lets its pages end well.
//! Where lines break is
//! `linebreak`'s business (the 禁则 rules, squeezing, spreading); this stage measures the
//! characters for it and turns its glyph positions into as few runs as the PDF needs. A segment
//! that cannot be broken and is wider than a line is refused here, at its place.

use super::collect::BlockChars;
use super::embed::Embedded;
use super::{Part, Run, block_width, pitch};
use crate::pdf::PdfError;
use crate::pdf::linebreak::{self, Line, Piece, Rules};

/// One line of the text block.
pub(super) struct SetLine {
    pub runs: Vec<Run>,
}

/// A block's lines as one setting gives them.
pub(super) struct Setting {
    pub lines: Vec<SetLine>,
    /// How it is set off the speech's own setting (`Setting::cost`): none for the block's own.
    pub kind: SettingKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum SettingKind {
    /// As the speech's `grid:` setting fills lines.
    Own,
    /// One line fewer: marks inside `lines` of its lines (the last ones) compressed to half a
    /// cell.
    Tight { lines: usize },
    /// One line more: `lines` lines, each filled a cell or more short and spread.
    Loose { lines: usize },
}

/// A title, heading or paragraph set: its settings, the block's own first.
pub(super) struct SetBlock {
    pub settings: Vec<Setting>,
    /// A heading (or the title and the blank line after it): never broken, and kept on a page
    /// with the first two lines of what follows.
    pub heading: bool,
}

pub(super) fn set_lines(
    blocks: &[BlockChars],
    embedded: &Embedded,
    grid: bool,
) -> Result<Vec<SetBlock>, PdfError> {
    let own = Rules {
        grid,
        ..Rules::default()
    };
    let mut out = Vec::with_capacity(blocks.len());
    for b in blocks {
        let pieces = pieces(b, embedded);
        let lines = break_block(b, &pieces, own)?;
        let count = lines.len();
        let mut settings = vec![(lines, SettingKind::Own)];
        // Other settings only for a paragraph of some length: a heading is never reflowed.
        if !b.heading && count >= 2 {
            // Compressed from as late a line as takes the last line in: the fewest lines
            // crowded (a few tries from the end, then the whole paragraph).
            let froms = (count.saturating_sub(6)..count).rev().chain([0]);
            for from in froms {
                let tight = break_block(b, &pieces, own.tight_from(from))?;
                if tight.len() < count {
                    let lines = tight.len().saturating_sub(from).max(1);
                    settings.push((tight, SettingKind::Tight { lines }));
                    break;
                }
            }
            for cells in 1..=3 {
                let loose = break_block(b, &pieces, own.loose(f64::from(cells), pitch()))?;
                if loose.len() == count + 1 {
                    let lines = loose.len();
                    settings.push((loose, SettingKind::Loose { lines }));
                    break;
                }
            }
        }
        let part = Part::of(&b.place);
        let settings = settings
            .into_iter()
            .map(|(lines, kind)| {
                let mut lines: Vec<SetLine> = lines
                    .iter()
                    .map(|line| SetLine {
                        runs: line_runs(b, line, embedded, part),
                    })
                    .collect();
                if b.blank_after {
                    lines.push(SetLine { runs: Vec::new() });
                }
                Setting { lines, kind }
            })
            .collect();
        out.push(SetBlock {
            settings,
            heading: b.heading,
        });
    }
    Ok(out)
}

/// The block's characters measured for the line breaker.
fn pieces(b: &BlockChars, embedded: &Embedded) -> Vec<Piece> {
    b.chars
        .iter()
        .map(|c| Piece {
            joined: c.joined,
            ..embedded.metrics[embedded.face(c.face)].piece(c.ch, c.size)
        })
        .collect()
}

/// The block's lines, each with its glyphs' positions.
fn break_block(b: &BlockChars, pieces: &[Piece], rules: Rules) -> Result<Vec<Line>, PdfError> {
    let em = pitch();
    let indent = if b.indent { 2.0 * em } else { 0.0 };
    linebreak::break_lines_with(pieces, block_width(), indent, b.align, rules).map_err(|e| {
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
