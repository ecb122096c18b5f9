//! Stage 4, pages: the lines on the 22-line grid, and what is printed around the text block.
//!
//! `paginate` takes the set blocks and gives the runs of each page with their baselines: a
//! heading never left alone at a page's foot, and a paragraph's first line (孤行) or last line
//! (寡行) alone only where keeping them costs more (a page ending rows short, a near-empty last
//! page); a paragraph may be set a line shorter or longer where that lets the pages end well.
//! `decorate`
//! takes the page count and the faces of the marks and gives each page's “— n —” below the text
//! block (as `page_numbers:` in speech.yaml places it) and, for a draft, 草稿 above it (for a
//! speech from sample facts, the sample mark too); with a digest, the stamp at the foot of the
//! last page.

use super::collect::{MarkFaces, is_blank};
use skrifa::MetadataProvider;
use skrifa::instance::{LocationRef, Size};
use skrifa::raw::TableProvider;

use super::embed::{Embedded, Metrics};
use super::lines::{SetBlock, SettingKind};
use super::{
    BLOCK_H_MM, BLOCK_W_MM, BODY_PT, DRAFT_TEXT, LINES_PER_PAGE, MARGIN_LEFT_MM, MARGIN_TOP_MM,
    PAGE_H_MM, PAGE_NUMBER_PT, PAGE_W_MM, PT_PER_MM, PageNumbers, Part, Run, SAMPLE_TEXT, STAMP_PT,
    block_width, line_pitch,
};
use crate::pdf::fonts::Face;

/// What a page layout costs, in the units `paginate` minimises: each page, and each thing a
/// reader would see as badly ended. Settled by what must win: a page ending two rows short (not
/// before a heading) is worst, since nothing in the text forces it; then a near-empty last page
/// (where the text cannot be set on the pages before without a page ending short, it stays);
/// then a line alone at a page's head or foot, a paragraph set a line shorter or longer.
mod cost {
    /// Every page printed.
    pub const PAGE: i64 = 100;
    /// The last page of several holding fewer than `LAST_PAGE_LINES` lines.
    pub const SHORT_LAST_PAGE: i64 = 5_000;
    pub const LAST_PAGE_LINES: usize = 5;
    /// A page ending one row short of its 22 (a paragraph's last two lines kept together).
    pub const ONE_ROW_SHORT: i64 = 3;
    /// Each row past the first a page ends short, when a heading does not follow.
    pub const ROW_SHORT: i64 = 10_000;
    /// Each row a page ends short before a heading, which is kept with its text.
    pub const ROW_BEFORE_HEADING: i64 = 2;
    /// A paragraph's first line alone at a page's foot (孤行) or its last alone at the next
    /// page's head (寡行).
    pub const LONE_LINE: i64 = 400;
    /// A paragraph set a line shorter (marks compressed to half a cell)...
    pub const TIGHT: i64 = 120;
    /// ... or a line longer (lines spread a little more)...
    pub const LOOSE: i64 = 100;
    /// ... and each line it sets otherwise than its own (crowded, or spread off the grid): of
    /// two paragraphs that would end the pages as well, the one that changes fewer lines.
    pub const CHANGED_LINE: i64 = 10;
    /// What the rules forbid: a heading parted from its text, a heading broken. Finite, so that
    /// a block longer than a page is still set (broken where its page ends).
    pub const FORBIDDEN: i64 = 10_000_000;
}

/// The cost of ending a page with `short` rows left blank, when the next page begins with a
/// heading that must take `heading_next` rows together (itself and its text's first two lines):
/// rows it could not have filled are no fault, rows it could have are.
fn short_cost(short: usize, heading_next: Option<usize>) -> i64 {
    match (short, heading_next) {
        (0, _) => 0,
        (n, Some(unit)) if n < unit => cost::ROW_BEFORE_HEADING * n as i64,
        (n, Some(_)) => cost::ROW_SHORT * n as i64,
        (1, None) => cost::ONE_ROW_SHORT,
        (n, None) => cost::ROW_SHORT * (n as i64 - 1),
    }
}

/// Per block, the rows a heading takes with what it is kept with (its own lines, then the next
/// heading's unit or the next paragraph's first two lines); None for a paragraph.
fn heading_units(blocks: &[SetBlock]) -> Vec<Option<usize>> {
    let mut units: Vec<Option<usize>> = vec![None; blocks.len()];
    for b in (0..blocks.len()).rev() {
        if !blocks[b].heading {
            continue;
        }
        let own = blocks[b].settings[0].lines.len();
        let next = match blocks.get(b + 1) {
            None => 0,
            Some(n) if n.heading => units[b + 1].unwrap_or(0),
            Some(n) => n.settings[0].lines.len().min(2),
        };
        units[b] = Some(own + next);
    }
    units
}

/// A state of the pagination between two lines: the rows used on the current page and whether
/// that page is the first.
#[derive(Clone, Copy, PartialEq, Eq)]
struct At {
    row: usize,
    first: bool,
}

impl At {
    const COUNT: usize = (LINES_PER_PAGE + 1) * 2;

    fn index(self) -> usize {
        self.row * 2 + usize::from(self.first)
    }

    fn of(index: usize) -> At {
        At {
            row: index / 2,
            first: index % 2 == 1,
        }
    }
}

/// How the cheapest way to a state after a line came: the state before the line, and whether a
/// page break came before it.
#[derive(Clone, Copy)]
struct Back {
    from: u8,
    broke: bool,
}

/// The cheapest cost of each state (None: not reachable).
type Costs = Vec<Option<i64>>;

/// The lines on the 22-line pages: the page breaks and, for each paragraph, the setting (its
/// own, a line shorter or a line longer) that cost least (`cost`), found by a dynamic programme
/// over the lines and the row each is set on, linear in the lines. The rules it keeps: a
/// heading is never broken and stays on a page with the first two lines of what follows; a
/// paragraph breaks leaving two lines on each side unless that costs more than a lone line
/// (`cost::LONE_LINE`); no page ends two rows short unless a heading follows; the last page is
/// not near-empty where the text can be set on the pages before.
pub(super) fn paginate(blocks: &[SetBlock]) -> Vec<Vec<Run>> {
    let units = heading_units(blocks);
    let mut costs: Costs = vec![None; At::COUNT];
    costs[At {
        row: 0,
        first: true,
    }
    .index()] = Some(cost::PAGE);
    // Per block: per setting, per line, per state after it, how it was reached; and per state
    // after the block, the setting that reached it.
    let mut backs: Vec<Vec<Vec<Vec<Option<Back>>>>> = Vec::with_capacity(blocks.len());
    let mut settings_chosen: Vec<Vec<usize>> = Vec::with_capacity(blocks.len());
    for (b, block) in blocks.iter().enumerate() {
        let after_heading = b > 0 && blocks[b - 1].heading;
        let mut best: Costs = vec![None; At::COUNT];
        let mut chosen = vec![0usize; At::COUNT];
        let mut block_backs = Vec::with_capacity(block.settings.len());
        for (k, setting) in block.settings.iter().enumerate() {
            let extra = match setting.kind {
                SettingKind::Own => 0,
                SettingKind::Tight { lines } => cost::TIGHT + cost::CHANGED_LINE * lines as i64,
                SettingKind::Loose { lines } => cost::LOOSE + cost::CHANGED_LINE * lines as i64,
            };
            let start: Costs = costs.iter().map(|c| c.map(|c| c + extra)).collect();
            let rules = BlockRules {
                len: setting.lines.len(),
                heading: block.heading,
                not_first: b > 0,
                after_heading,
                unit: units[b],
            };
            let (end, line_backs) = place_block(&rules, start);
            for (i, c) in end.iter().enumerate() {
                if let Some(c) = c
                    && best[i].is_none_or(|b| *c < b)
                {
                    best[i] = Some(*c);
                    chosen[i] = k;
                }
            }
            block_backs.push(line_backs);
        }
        costs = best;
        backs.push(block_backs);
        settings_chosen.push(chosen);
    }
    // The end: the last page's lines counted.
    let end = costs
        .iter()
        .enumerate()
        .filter_map(|(i, c)| c.map(|c| (At::of(i), c)))
        .map(|(at, c)| {
            let short_last = !at.first && at.row < cost::LAST_PAGE_LINES;
            (at, c + if short_last { cost::SHORT_LAST_PAGE } else { 0 })
        })
        .min_by_key(|(_, c)| *c);
    // Walk back to the choices made: per block, its setting and the lines a page break comes
    // before.
    let mut chosen: Vec<(usize, Vec<usize>)> = Vec::with_capacity(blocks.len());
    if let Some((at, _)) = end {
        let mut state = at.index();
        for b in (0..blocks.len()).rev() {
            let k = settings_chosen[b][state];
            let mut breaks = Vec::new();
            for j in (0..blocks[b].settings[k].lines.len()).rev() {
                let back = backs[b][k][j][state].expect("reached");
                if back.broke {
                    breaks.push(j);
                }
                state = usize::from(back.from);
            }
            breaks.reverse();
            chosen.push((k, breaks));
        }
    }
    chosen.reverse();
    let mut pages: Vec<Vec<Run>> = Vec::new();
    let mut page: Vec<Run> = Vec::new();
    let mut row = 0usize;
    for (block, (k, breaks)) in blocks.iter().zip(chosen) {
        for (j, line) in block.settings[k].lines.iter().enumerate() {
            if breaks.contains(&j) {
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

/// What decides where a block of `len` lines may break: a heading is never broken; a page may
/// break before the block when one precedes it (`not_first`) unless `after_heading` (a heading
/// keeps its text's first two lines); `unit`, for a heading, the rows it takes with its text.
struct BlockRules {
    len: usize,
    heading: bool,
    not_first: bool,
    after_heading: bool,
    unit: Option<usize>,
}

impl BlockRules {
    /// The cost of a page break before line `j`, the rows it leaves blank aside; None where
    /// none can come (before the speech's first line).
    fn break_cost(&self, j: usize) -> Option<i64> {
        if j == 0 {
            match (self.not_first, self.after_heading) {
                (false, _) => None,
                (true, true) => Some(cost::FORBIDDEN),
                (true, false) => Some(0),
            }
        } else if self.heading || (j == 1 && self.after_heading) {
            // A heading is not broken, nor parted from its text's first two lines.
            Some(cost::FORBIDDEN)
        } else {
            let lone = usize::from(j == 1) + usize::from(self.len - j == 1);
            Some(cost::LONE_LINE * lone as i64)
        }
    }
}

/// Sets a block's lines from every state in `start` (its cost so far): the cheapest cost of each
/// state after its last line, and per line, per state after it, how it was reached.
fn place_block(rules: &BlockRules, start: Costs) -> (Costs, Vec<Vec<Option<Back>>>) {
    let mut costs = start;
    let mut backs = Vec::with_capacity(rules.len);
    for j in 0..rules.len {
        let break_cost = rules.break_cost(j);
        let heading_next = if j == 0 { rules.unit } else { None };
        let mut next: Costs = vec![None; At::COUNT];
        let mut back: Vec<Option<Back>> = vec![None; At::COUNT];
        let mut offer = |to: At, c: i64, from: usize, broke: bool| {
            let i = to.index();
            if next[i].is_none_or(|n| c < n) {
                next[i] = Some(c);
                back[i] = Some(Back {
                    from: from as u8,
                    broke,
                });
            }
        };
        for (i, c) in costs.iter().enumerate() {
            let Some(c) = *c else { continue };
            let at = At::of(i);
            if at.row < LINES_PER_PAGE {
                let to = At {
                    row: at.row + 1,
                    first: at.first,
                };
                offer(to, c, i, false);
            }
            if let Some(bc) = break_cost
                && at.row > 0
            {
                let short = LINES_PER_PAGE - at.row;
                let to = At {
                    row: 1,
                    first: false,
                };
                offer(
                    to,
                    c + bc + cost::PAGE + short_cost(short, heading_next),
                    i,
                    true,
                );
            }
        }
        costs = next;
        backs.push(back);
    }
    (costs, backs)
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
    let dash_middle = ink_middle(&embedded.faces[dash].source, '—');
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
            let mut runs = page_number(n, style, dash, dash_middle, &digits, metrics);
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

/// How far above the baseline the ink of `c` in `face` is centred, in ems; None for a face
/// without it (or with an empty glyph).
fn ink_middle(face: &Face, c: char) -> Option<f64> {
    let f = face.parse();
    let upem = f64::from(f.head().ok()?.units_per_em());
    let g = f.charmap().map(c)?;
    let b = f
        .glyph_metrics(Size::unscaled(), LocationRef::default())
        .bounds(g)?;
    (b.y_max > b.y_min).then(|| f64::from(b.y_max + b.y_min) / 2.0 / upem)
}

/// “— 7 —” in 4号 (14 pt), the stroke of its dashes (一字线) 7 mm under the text block's foot
/// (GB/T 9704 7.5: 一字线上距版心下边缘 7 mm), placed by the dash's own ink (`dash_middle`,
/// its height above the baseline in ems; a face without one is taken to centre it at 0.38 em, an
/// ideograph's middle). As the standard sets it (`gbt9704`), odd pages carry it at the right and
/// even pages at the left, one character (of its own size) in from the edge of the text block;
/// `centred` centres it.
fn page_number(
    n: usize,
    style: PageNumbers,
    dash: usize,
    dash_middle: Option<f64>,
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
    let baseline = (MARGIN_TOP_MM + BLOCK_H_MM + 7.0) * PT_PER_MM
        + dash_middle.unwrap_or(0.38) * f64::from(size);
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
