//! Stage 4, pages: the lines on the 22-line grid, and what is printed around the text block.
//!
//! `paginate` takes the set lines and gives the runs of each page with their baselines, a
//! heading never left alone at a page's foot. `decorate` takes the page count and the faces of
//! the marks and gives each page's “— n —” below the text block and, for a draft, 草稿 above it.

use super::collect::MarkFaces;
use super::embed::{Embedded, Metrics};
use super::lines::SetLine;
use super::{
    BLOCK_H_MM, BLOCK_W_MM, BODY_PT, DRAFT_TEXT, LINES_PER_PAGE, MARGIN_LEFT_MM, MARGIN_TOP_MM,
    PAGE_NUMBER_PT, PAGE_W_MM, PT_PER_MM, Run, block_width, line_pitch,
};

pub(super) fn paginate(lines: &[SetLine]) -> Vec<Vec<Run>> {
    let mut pages: Vec<Vec<Run>> = Vec::new();
    let mut page: Vec<Run> = Vec::new();
    let mut row = 0usize;
    for (idx, line) in lines.iter().enumerate() {
        let keep = line.keep_with_next;
        // A heading is not left alone at the foot of a page.
        let heading_run = lines[idx..].iter().take_while(|l| l.keep_with_next).count();
        let needs = if keep { heading_run + 1 } else { 1 };
        let first_of_run = idx == 0 || !lines[idx - 1].keep_with_next || !keep;
        if row > 0 && (row >= LINES_PER_PAGE || (first_of_run && row + needs > LINES_PER_PAGE)) {
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
    if !page.is_empty() || pages.is_empty() {
        pages.push(page);
    }
    pages
}

/// Per page, the runs placed on the page itself: its number and, for a draft, the draft mark.
pub(super) fn decorate(
    pages: usize,
    draft: bool,
    marks: &MarkFaces,
    embedded: &Embedded,
) -> Vec<Vec<Run>> {
    let metrics = &embedded.metrics;
    let dash = embedded.face(marks.dash);
    let digits = marks.digits.map(|f| embedded.face(f));
    let draft_faces: Vec<usize> = marks.draft.iter().map(|f| embedded.face(*f)).collect();
    (1..=pages)
        .map(|n| {
            let mut runs = page_number(n, dash, &digits, metrics);
            if draft {
                runs.extend(draft_mark(&draft_faces, metrics));
            }
            runs
        })
        .collect()
}

/// “— 7 —”, 14 pt, centred below the text block, its dashes 7 mm under the block's foot
/// (GB/T 9704 7.5).
fn page_number(n: usize, dash: usize, digit: &[usize; 10], metrics: &[Metrics]) -> Vec<Run> {
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
    // Centred on the text block, not the page: the block sits 1 mm right of the page centre.
    let mut x = left_block + (block_width() - total) / 2.0;
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
    });
    merge_runs(runs, metrics)
}

/// 草稿 at the right of the top margin, a line above the text block.
fn draft_mark(faces: &[usize], metrics: &[Metrics]) -> Vec<Run> {
    let size = BODY_PT;
    let w: f64 = DRAFT_TEXT
        .chars()
        .zip(faces)
        .map(|(c, f)| metrics[*f].advance(c, size))
        .sum();
    let mut x = (MARGIN_LEFT_MM + BLOCK_W_MM) * PT_PER_MM - w;
    let baseline = (MARGIN_TOP_MM - 12.0) * PT_PER_MM;
    let mut runs = Vec::new();
    for (c, f) in DRAFT_TEXT.chars().zip(faces) {
        runs.push(Run {
            face: *f,
            size,
            x,
            baseline,
            text: c.to_string(),
            spacing: 0.0,
            kerns: Vec::new(),
        });
        x += metrics[*f].advance(c, size);
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
