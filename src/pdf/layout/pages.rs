//! Stage 4, pages: the lines on the 22-line grid, and what is printed around the text block.
//!
//! `paginate` takes the set lines and gives the runs of each page with their baselines: a
//! heading never left alone at a page's foot, nor a paragraph's first line (孤行), and no page
//! begins with a paragraph's last line alone (寡行); a page ends a line short rather. `decorate`
//! takes the page count and the faces of the marks and gives each page's “— n —” below the text
//! block (as `page_numbers:` in speech.yaml places it) and, for a draft, 草稿 above it (for a
//! speech from sample facts, the sample mark too); with a digest, the stamp at the foot of the
//! last page.

use super::collect::{MarkFaces, is_blank};
use super::embed::{Embedded, Metrics};
use super::lines::SetLine;
use super::{
    BLOCK_H_MM, BLOCK_W_MM, BODY_PT, DRAFT_TEXT, LINES_PER_PAGE, MARGIN_LEFT_MM, MARGIN_TOP_MM,
    PAGE_H_MM, PAGE_NUMBER_PT, PAGE_W_MM, PT_PER_MM, PageNumbers, Part, Run, SAMPLE_TEXT, STAMP_PT,
    block_width, line_pitch,
};

pub(super) fn paginate(lines: &[SetLine]) -> Vec<Vec<Run>> {
    // Lines that must share a page: a line kept with the next one is grouped with it (a
    // heading with its paragraph's first two lines, a paragraph's first two and last two).
    let mut groups: Vec<&[SetLine]> = Vec::new();
    let mut rest = lines;
    while !rest.is_empty() {
        let len = rest
            .iter()
            .position(|l| !l.keep_with_next)
            .map_or(rest.len(), |i| i + 1);
        let (group, next) = rest.split_at(len);
        groups.push(group);
        rest = next;
    }
    let mut pages: Vec<Vec<Run>> = Vec::new();
    let mut page: Vec<Run> = Vec::new();
    let mut row = 0usize;
    for group in groups {
        // A group that does not fit below starts the next page, leaving the rows here blank
        // (a group longer than a whole page is split where the page ends).
        if row > 0 && row + group.len() > LINES_PER_PAGE && group.len() <= LINES_PER_PAGE {
            pages.push(std::mem::take(&mut page));
            row = 0;
        }
        for line in group {
            if row >= LINES_PER_PAGE {
                pages.push(std::mem::take(&mut page));
                row = 0;
            }
            let row_top = row as f64 * line_pitch();
            for r in &line.runs {
                let mut r = r.clone();
                r.baseline = row_top + line_pitch() / 2.0 + 0.38 * f64::from(r.size);
                page.push(r);
            }
            row += 1;
        }
    }
    if !page.is_empty() || pages.is_empty() {
        pages.push(page);
    }
    pages
}

/// Per page, the runs placed on the page itself: its number and, for a draft, the draft mark;
/// from sample facts, the sample mark; for the circulation copy, its line (from the second page:
/// the first has it above the title); on the last page, the digest stamp.
pub(super) fn decorate(
    pages: usize,
    style: PageNumbers,
    marks: &MarkFaces,
    embedded: &Embedded,
) -> Vec<Vec<Run>> {
    let metrics = &embedded.metrics;
    let dash = embedded.face(marks.dash);
    let digits = marks.digits.map(|f| embedded.face(f));
    let draft_faces: Vec<usize> = marks.draft.iter().map(|f| embedded.face(*f)).collect();
    let sample_faces: Vec<usize> = marks.sample.iter().map(|f| embedded.face(*f)).collect();
    let circulation_faces: Vec<usize> = marks
        .circulation
        .iter()
        .map(|f| embedded.face(*f))
        .collect();
    let stamp = marks.stamp.as_ref().map(|s| {
        let faces: Vec<usize> = s.faces.iter().map(|f| embedded.face(*f)).collect();
        stamp_runs(&s.text, &faces, metrics)
    });
    (1..=pages)
        .map(|n| {
            let mut runs = page_number(n, style, dash, &digits, metrics);
            if !draft_faces.is_empty() {
                runs.extend(top_mark(DRAFT_TEXT, &draft_faces, metrics, Side::Right));
            }
            if !sample_faces.is_empty() {
                runs.extend(top_mark(SAMPLE_TEXT, &sample_faces, metrics, Side::Left));
            }
            // The circulation copy is marked on every page: the first carries its line above
            // the title, every later page in the top margin where a draft's 草稿 would be (a
            // circulation copy is never a draft).
            if !circulation_faces.is_empty() && n > 1 {
                let mut line = top_mark(
                    crate::document::CIRCULATION_LINE,
                    &circulation_faces,
                    metrics,
                    Side::Right,
                );
                // Beside the sample mark the two would meet: a line higher.
                if !sample_faces.is_empty() {
                    for run in &mut line {
                        run.baseline -= 7.0 * PT_PER_MM;
                    }
                }
                runs.extend(line);
            }
            if n == pages {
                runs.extend(stamp.iter().flatten().cloned());
            }
            runs
        })
        .collect()
}

/// The digest stamp, `摘要 1a2b3c4d5e6f` in 7 pt, its right edge on the text block's, its
/// baseline 12 mm above the page's foot: below the page number, so that a printout can be
/// matched to a signed verification sheet.
fn stamp_runs(text: &str, faces: &[usize], metrics: &[Metrics]) -> Vec<Run> {
    let size = STAMP_PT;
    let right = MARGIN_LEFT_MM * PT_PER_MM + block_width();
    let x = right - mark_width(text, faces, size, metrics);
    let baseline = (PAGE_H_MM - 12.0) * PT_PER_MM;
    mark_runs(text, faces, size, x, baseline, metrics)
}

/// “— 7 —” in 4号 (14 pt), its dashes 7 mm under the text block's foot (GB/T 9704 7.5). As the
/// standard sets it (`gbt9704`), odd pages carry it at the right and even pages at the left, one
/// character (of its own size) in from the edge of the text block; `centred` centres it.
fn page_number(
    n: usize,
    style: PageNumbers,
    dash: usize,
    digit: &[usize; 10],
    metrics: &[Metrics],
) -> Vec<Run> {
    let size = PAGE_NUMBER_PT;
    let gap = f64::from(size) / 2.0;
    let digits: Vec<char> = n.to_string().chars().collect();
    let dash_w = metrics[dash].advance('—', size);
    let digits_w: f64 = digits
        .iter()
        .map(|c| metrics[digit[c.to_digit(10).expect("digit") as usize]].advance(*c, size))
        .sum();
    let total = 2.0 * dash_w + 2.0 * gap + digits_w;
    let page_w = PAGE_W_MM * PT_PER_MM;
    let left_block = MARGIN_LEFT_MM * PT_PER_MM;
    let one_char = f64::from(size);
    let mut x = match style {
        // Centred on the text block, not the page: the block sits 1 mm right of the page centre.
        PageNumbers::Centred => left_block + (block_width() - total) / 2.0,
        PageNumbers::Gbt9704 if n % 2 == 1 => left_block + block_width() - one_char - total,
        PageNumbers::Gbt9704 => left_block + one_char,
    };
    debug_assert!(x + total < page_w);
    let baseline = (MARGIN_TOP_MM + BLOCK_H_MM + 7.0) * PT_PER_MM + 0.38 * f64::from(size);
    let mut runs = vec![Run {
        face: dash,
        size,
        x,
        baseline,
        text: "—".into(),
        spacing: 0.0,
        kerns: Vec::new(),
        part: Part::Artifact,
    }];
    x += dash_w + gap;
    for c in digits {
        let f = digit[c.to_digit(10).expect("digit") as usize];
        runs.push(Run {
            face: f,
            size,
            x,
            baseline,
            text: c.to_string(),
            spacing: 0.0,
            kerns: Vec::new(),
            part: Part::Artifact,
        });
        x += metrics[f].advance(c, size);
    }
    x += gap;
    runs.push(Run {
        face: dash,
        size,
        x,
        baseline,
        text: "—".into(),
        spacing: 0.0,
        kerns: Vec::new(),
        part: Part::Artifact,
    });
    merge_runs(runs, metrics)
}

enum Side {
    Left,
    Right,
}

/// A mark in the top margin, a line above the text block: 草稿 at the right, the sample mark at
/// the left.
fn top_mark(text: &str, faces: &[usize], metrics: &[Metrics], side: Side) -> Vec<Run> {
    let size = BODY_PT;
    let x = match side {
        Side::Right => {
            (MARGIN_LEFT_MM + BLOCK_W_MM) * PT_PER_MM - mark_width(text, faces, size, metrics)
        }
        Side::Left => MARGIN_LEFT_MM * PT_PER_MM,
    };
    let baseline = (MARGIN_TOP_MM - 12.0) * PT_PER_MM;
    mark_runs(text, faces, size, x, baseline, metrics)
}

/// The advance of a mark's character `c` in face `f`: a space is a quarter em (no face is asked
/// for it).
fn mark_advance(c: char, f: Option<usize>, size: u8, metrics: &[Metrics]) -> f64 {
    match f {
        Some(f) => metrics[f].advance(c, size),
        None if c == ' ' => f64::from(size) / 4.0,
        None => 0.0,
    }
}

/// Each character of a mark with its face (`faces`: one per character that is not blank;
/// blanks have none).
fn mark_chars<'a>(
    text: &'a str,
    faces: &'a [usize],
) -> impl Iterator<Item = (char, Option<usize>)> + 'a {
    let mut faces = faces.iter().copied();
    text.chars().map(move |c| {
        if is_blank(c) {
            (c, None)
        } else {
            (c, Some(faces.next().expect("a face per printed character")))
        }
    })
}

/// The width of a mark set in `size`.
fn mark_width(text: &str, faces: &[usize], size: u8, metrics: &[Metrics]) -> f64 {
    mark_chars(text, faces)
        .map(|(c, f)| mark_advance(c, f, size, metrics))
        .sum()
}

/// A mark set in `size` from `x` on `baseline`: a run per stretch of one face, blanks left out
/// (a space moves the next run on).
fn mark_runs(
    text: &str,
    faces: &[usize],
    size: u8,
    mut x: f64,
    baseline: f64,
    metrics: &[Metrics],
) -> Vec<Run> {
    let mut runs = Vec::new();
    for (c, f) in mark_chars(text, faces) {
        if let Some(face) = f {
            runs.push(Run {
                face,
                size,
                x,
                baseline,
                text: c.to_string(),
                spacing: 0.0,
                kerns: Vec::new(),
                part: Part::Artifact,
            });
        }
        x += mark_advance(c, f, size, metrics);
    }
    merge_runs(runs, metrics)
}

/// Joins runs that follow each other at natural spacing in the same face.
fn merge_runs(runs: Vec<Run>, metrics: &[Metrics]) -> Vec<Run> {
    let mut out: Vec<Run> = Vec::new();
    for r in runs {
        if let Some(last) = out.last_mut() {
            let end = last.x
                + last
                    .text
                    .chars()
                    .map(|c| metrics[last.face].advance(c, last.size))
                    .sum::<f64>();
            if last.face == r.face
                && last.size == r.size
                && last.baseline == r.baseline
                && (end - r.x).abs() < 0.01
            {
                last.text.push_str(&r.text);
                continue;
            }
        }
        out.push(r);
    }
    out
}
