//! From the document to placed text: faces per character, subsets, measured pieces, lines on the
//! GB/T 9704 grid, pages. Everything here is plain data; `element.rs` hands it to genpdf.

use std::collections::{BTreeSet, HashMap};

use super::fonts::{self, FaceSet, Role};
use super::linebreak::{self, Align, Piece};
use super::{PdfError, Place};
use crate::document::{Block, Document, InlineStyle};

/// Points per millimetre.
pub const PT_PER_MM: f64 = 72.0 / 25.4;

/// GB/T 9704-2012: A4, text block 156 × 225 mm at 37 mm from the top and 28 mm from the left.
pub const PAGE_W_MM: f64 = 210.0;
pub const PAGE_H_MM: f64 = 297.0;
pub const MARGIN_TOP_MM: f64 = 37.0;
pub const MARGIN_BOTTOM_MM: f64 = 35.0;
pub const MARGIN_LEFT_MM: f64 = 28.0;
pub const MARGIN_RIGHT_MM: f64 = 26.0;
pub const BLOCK_W_MM: f64 = PAGE_W_MM - MARGIN_LEFT_MM - MARGIN_RIGHT_MM;
pub const BLOCK_H_MM: f64 = PAGE_H_MM - MARGIN_TOP_MM - MARGIN_BOTTOM_MM;
pub const LINES_PER_PAGE: usize = 22;
pub const CHARS_PER_LINE: usize = 28;
pub const BODY_PT: u8 = 16;
pub const TITLE_PT: u8 = 22;
pub const PAGE_NUMBER_PT: u8 = 14;
/// The draft mark above the text block.
pub const DRAFT_TEXT: &str = "草稿";

pub fn block_width() -> f64 {
    BLOCK_W_MM * PT_PER_MM
}

/// The width of one grid cell: 156 mm / 28.
pub fn pitch() -> f64 {
    block_width() / CHARS_PER_LINE as f64
}

fn line_pitch() -> f64 {
    BLOCK_H_MM * PT_PER_MM / LINES_PER_PAGE as f64
}

/// A run of glyphs set with one face and size at natural spacing.
#[derive(Debug, Clone, PartialEq)]
pub struct Run {
    /// Index into `Plan::faces`.
    pub face: usize,
    pub size: u8,
    /// Left edge of the first glyph, in points from the left of the text block (or of the page,
    /// for decorations).
    pub x: f64,
    /// Baseline, in points from the top of the text block (or of the page).
    pub baseline: f64,
    pub text: String,
    /// Space added after every glyph (PDF character spacing, `Tc`): a spread line is one run
    /// with even gaps rather than a run per glyph, which would cost a text object each.
    pub spacing: f64,
}

impl Run {
    /// Whether a glyph `gap` points after this run's last one may join it: the gap must be the
    /// run's spacing, or set it when the run holds one glyph. Only spreading (a few points at
    /// most) and glyphs set larger than their cell (a little below zero) make a spacing; a
    /// squeezed mark (half a cell back) or a wider jump starts a new run.
    fn joins(&self, gap: f64, em: f64) -> bool {
        if self.text.chars().count() == 1 {
            (-em / 4.0..em / 2.0).contains(&gap)
        } else {
            (gap - self.spacing).abs() < 0.01
        }
    }
}

/// A face as embedded: the subset and what finishing the PDF needs to know about it.
pub struct UsedFace {
    pub family: String,
    pub postscript: String,
    pub subset: Vec<u8>,
    pub describe: String,
    pub roles: Vec<Role>,
}

pub struct Plan {
    pub faces: Vec<UsedFace>,
    /// Per page: runs in the text block.
    pub pages: Vec<Vec<Run>>,
    /// Per page: runs placed on the page itself (page number, draft mark).
    pub decorations: Vec<Vec<Run>>,
}

/// One character to set, before measuring.
#[derive(Clone, Copy)]
struct Char {
    ch: char,
    face: usize,
    /// The size the grid cell is measured at.
    size: u8,
    /// A lead sentence or （一） heading (Kai): may be set larger than its cell, see `lead_size`.
    lead: bool,
}

struct BlockChars {
    chars: Vec<Char>,
    indent: bool,
    align: Align,
    heading: bool,
    /// An empty grid line follows the block (the title: GB/T 9704 7.3.1 sets one blank line
    /// between the title and the body).
    blank_after: bool,
    place: Place,
}

/// Characters that are never printed as glyphs. The ideographic space is printed: it holds a
/// cell like any character.
fn is_blank(c: char) -> bool {
    c.is_whitespace() && c != '\u{3000}'
}

fn excerpt(s: &str) -> String {
    let t: String = s.chars().take(20).collect();
    if s.chars().count() > 20 {
        format!("{t}……")
    } else {
        t
    }
}

pub fn plan(doc: &Document, faces: &FaceSet) -> Result<Plan, PdfError> {
    let mut cache: HashMap<(Role, char), usize> = HashMap::new();
    let mut resolve = |role: Role, c: char, place: &Place| -> Result<usize, PdfError> {
        if is_blank(c) {
            return Ok(faces.for_role(role));
        }
        if let Some(&f) = cache.get(&(role, c)) {
            return Ok(f);
        }
        let f = faces
            .resolve(role, c)
            .ok_or_else(|| PdfError::MissingChar {
                face: faces.faces[faces.for_role(role)].family.clone(),
                ch: c,
                place: place.clone(),
            })?;
        cache.insert((role, c), f);
        Ok(f)
    };

    let mut blocks: Vec<BlockChars> = Vec::new();
    let title_place = Place::Title {
        excerpt: excerpt(&doc.title),
    };
    let chars = doc
        .title
        .chars()
        .map(|ch| {
            Ok(Char {
                ch,
                face: resolve(Role::Title, ch, &title_place)?,
                size: TITLE_PT,
                lead: false,
            })
        })
        .collect::<Result<Vec<_>, PdfError>>()?;
    if !chars.is_empty() {
        blocks.push(BlockChars {
            chars,
            indent: false,
            align: Align::Center,
            heading: true,
            blank_after: true,
            place: title_place,
        });
    }
    let (mut n_para, mut n_head) = (0usize, 0usize);
    for block in &doc.blocks {
        let text = block.plain_text();
        let (place, role_of): (Place, Box<dyn Fn(InlineStyle) -> Role>) = match block {
            Block::Heading { level, .. } => {
                n_head += 1;
                let role = if *level <= 2 {
                    Role::Heading
                } else {
                    Role::Lead
                };
                (
                    Place::Heading {
                        number: n_head,
                        excerpt: excerpt(&text),
                        figure: None,
                    },
                    Box::new(move |_| role),
                )
            }
            Block::Paragraph { .. } => {
                n_para += 1;
                (
                    Place::Paragraph {
                        number: n_para,
                        excerpt: excerpt(&text),
                        figure: None,
                    },
                    Box::new(|s| match s {
                        InlineStyle::Plain => Role::Body,
                        InlineStyle::Lead => Role::Lead,
                    }),
                )
            }
        };
        let mut chars = Vec::new();
        for inline in block.inlines() {
            let place = place.with_figure(inline.figure.clone());
            let role = role_of(inline.style);
            for ch in inline.text.chars() {
                // Soft line breaks inside a Markdown paragraph are not breaks in print.
                let ch = if ch == '\n' || ch == '\r' || ch == '\t' {
                    ' '
                } else {
                    ch
                };
                chars.push(Char {
                    ch,
                    face: resolve(role, ch, &place)?,
                    size: BODY_PT,
                    lead: role == Role::Lead,
                });
            }
        }
        // An empty block would print as a blank line: the document has nothing there.
        if chars.iter().all(|c| is_blank(c.ch)) {
            continue;
        }
        blocks.push(BlockChars {
            chars,
            indent: true,
            align: Align::Justify,
            heading: matches!(block, Block::Heading { .. }),
            blank_after: false,
            place,
        });
    }

    // Page numbers and the draft mark: digits and dashes in the body face.
    let deco_place = Place::PageNumber;
    let dash = resolve(Role::Body, '—', &deco_place)?;
    let mut digit_face = [0usize; 10];
    for (d, slot) in digit_face.iter_mut().enumerate() {
        let c = char::from_digit(d as u32, 10).expect("digit");
        *slot = resolve(Role::Body, c, &deco_place)?;
    }
    let draft_faces = if doc.draft {
        DRAFT_TEXT
            .chars()
            .map(|c| resolve(Role::Heading, c, &Place::Draft))
            .collect::<Result<Vec<_>, _>>()?
    } else {
        Vec::new()
    };

    // Subset each face to what it prints. Page numbers may run past 9: all digits are kept.
    let mut per_face: Vec<BTreeSet<char>> = vec![BTreeSet::new(); faces.faces.len()];
    for b in &blocks {
        for c in &b.chars {
            if !is_blank(c.ch) {
                per_face[c.face].insert(c.ch);
            }
        }
    }
    per_face[dash].insert('—');
    for (d, f) in digit_face.iter().enumerate() {
        per_face[*f].insert(char::from_digit(d as u32, 10).expect("digit"));
    }
    for (c, f) in DRAFT_TEXT.chars().zip(&draft_faces) {
        per_face[*f].insert(c);
    }
    // The size each face's lead characters are set at (their cell stays the body's).
    let body_face = faces.for_role(Role::Body);
    let lead_pt: Vec<u8> = (0..faces.faces.len())
        .map(|i| {
            if i == body_face {
                return BODY_PT;
            }
            lead_size(
                ink_height(&faces.faces[body_face], &per_face[body_face]),
                ink_height(&faces.faces[i], &per_face[i]),
            )
        })
        .collect();
    let grid = pitch() / f64::from(BODY_PT);
    let mut used: Vec<UsedFace> = Vec::new();
    let mut face_map: Vec<Option<usize>> = vec![None; faces.faces.len()];
    for (i, chars) in per_face.iter().enumerate() {
        if chars.is_empty() {
            continue;
        }
        let face = &faces.faces[i];
        let subset = fonts::subset(face, chars, grid)?;
        let postscript = postscript_name(face);
        let roles = Role::ALL
            .iter()
            .copied()
            .filter(|r| faces.for_role(*r) == i)
            .collect();
        face_map[i] = Some(used.len());
        used.push(UsedFace {
            family: face.family.clone(),
            postscript,
            subset,
            describe: face.describe(),
            roles,
        });
    }
    let metrics: Vec<Metrics> = used.iter().map(|f| Metrics::new(&f.subset)).collect();
    let fm = |f: usize| face_map[f].expect("a face that prints is subset");

    // Lines, then pages.
    let width = block_width();
    let em = pitch();
    let mut lines: Vec<(Vec<Run>, bool)> = Vec::new(); // (runs, keep with next)
    for b in &blocks {
        let pieces: Vec<Piece> = b
            .chars
            .iter()
            .map(|c| metrics[fm(c.face)].piece(c.ch, c.size))
            .collect();
        let indent = if b.indent { 2.0 * em } else { 0.0 };
        let set = linebreak::break_lines(&pieces, width, indent, em, b.align).map_err(|e| {
            PdfError::Overlong {
                place: b.place.clone(),
                segment: b.chars[e.range.clone()].iter().map(|c| c.ch).collect(),
            }
        })?;
        for line in set {
            let mut runs: Vec<Run> = Vec::new();
            let mut prev_end: Option<f64> = None;
            for (k, i) in line.range.clone().enumerate() {
                let c = b.chars[i];
                if is_blank(c.ch) {
                    prev_end = None;
                    continue;
                }
                let face = fm(c.face);
                let size = if c.lead { lead_pt[c.face] } else { c.size };
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
            lines.push((runs, b.heading));
        }
        if b.blank_after {
            // Kept with the title and the body's first line, as a heading line is.
            lines.push((Vec::new(), true));
        }
    }

    let mut pages: Vec<Vec<Run>> = Vec::new();
    let mut page: Vec<Run> = Vec::new();
    let mut row = 0usize;
    for (idx, (runs, keep)) in lines.iter().enumerate() {
        // A heading is not left alone at the foot of a page.
        let heading_run = lines[idx..].iter().take_while(|(_, k)| *k).count();
        let needs = if *keep { heading_run + 1 } else { 1 };
        let first_of_run = idx == 0 || !lines[idx - 1].1 || !*keep;
        if row > 0 && (row >= LINES_PER_PAGE || (first_of_run && row + needs > LINES_PER_PAGE)) {
            pages.push(std::mem::take(&mut page));
            row = 0;
        }
        let row_top = row as f64 * line_pitch();
        for r in runs {
            let mut r = r.clone();
            r.baseline = row_top + line_pitch() / 2.0 + 0.38 * f64::from(r.size);
            page.push(r);
        }
        row += 1;
    }
    if !page.is_empty() || pages.is_empty() {
        pages.push(page);
    }

    let total = pages.len();
    let decorations = (1..=total)
        .map(|n| {
            let mut runs = page_number(n, fm(dash), &digit_face.map(fm), &metrics);
            if doc.draft {
                runs.extend(draft_mark(
                    &draft_faces.iter().map(|f| fm(*f)).collect::<Vec<_>>(),
                    &metrics,
                ));
            }
            runs
        })
        .collect();
    Ok(Plan {
        faces: used,
        pages,
        decorations,
    })
}

/// The mean ink height of a face's ideographs among `chars`, in ems.
fn ink_height(face: &fonts::Face, chars: &BTreeSet<char>) -> Option<f64> {
    let f = face.parse();
    let upem = f64::from(f.units_per_em());
    let heights: Vec<f64> = chars
        .iter()
        .filter(|c| ('\u{4E00}'..='\u{9FFF}').contains(*c))
        .filter_map(|c| f.glyph_bounding_box(f.glyph_index(*c)?))
        .map(|b| f64::from(b.y_max - b.y_min) / upem)
        .collect();
    (!heights.is_empty()).then(|| heights.iter().sum::<f64>() / heights.len() as f64)
}

/// The size lead characters are set at so their ink matches the body's: AR PL KaitiM GB draws
/// its ideographs in 0.83 em against SungtiL's 0.92, so at the same size a lead sentence looks
/// smaller and letter-spaced. At most two points larger (18 pt), centred on the 16 pt cell; a
/// Kai as large as the body (楷体_GB2312) stays at 16 pt.
fn lead_size(body_ink: Option<f64>, lead_ink: Option<f64>) -> u8 {
    let (Some(body), Some(lead)) = (body_ink, lead_ink) else {
        return BODY_PT;
    };
    let pt = (f64::from(BODY_PT) * body / lead).round();
    pt.clamp(f64::from(BODY_PT), f64::from(BODY_PT + 2)) as u8
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

fn postscript_name(face: &fonts::Face) -> String {
    let p = face.parse();
    let name = p
        .names()
        .into_iter()
        .filter(|n| n.name_id == ttf_parser::name_id::POST_SCRIPT_NAME)
        .find_map(|n| n.to_string())
        .unwrap_or_else(|| face.family.clone());
    let clean: String = name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    if clean.is_empty() {
        "CJKFont".into()
    } else {
        clean
    }
}

/// Widths as the PDF viewer will use them: printpdf writes each advance to the /W array in
/// whole thousandths of an em, so the layout measures the same truncated values.
pub struct Metrics {
    widths: HashMap<char, (u32, f64, f64)>, // (width in 1/1000 em, ink xmin, ink xmax) in 1/1000 em
}

impl Metrics {
    pub fn new(subset: &[u8]) -> Metrics {
        let face = ttf_parser::Face::parse(subset, 0).expect("fontcull writes a valid font");
        let upem = f64::from(face.units_per_em());
        let mut widths = HashMap::new();
        if let Some(cmap) = face.tables().cmap {
            for sub in cmap.subtables.into_iter().filter(|s| s.is_unicode()) {
                sub.codepoints(|cp| {
                    let (Some(c), Some(g)) = (char::from_u32(cp), sub.glyph_index(cp)) else {
                        return;
                    };
                    let adv = f64::from(face.glyph_hor_advance(g).unwrap_or(0));
                    let w = (adv * 1000.0 / upem) as u32;
                    let (x0, x1) = face
                        .glyph_bounding_box(g)
                        .map(|b| (f64::from(b.x_min), f64::from(b.x_max)))
                        .unwrap_or((0.0, adv));
                    widths.insert(c, (w, x0 * 1000.0 / upem, x1 * 1000.0 / upem));
                });
            }
        }
        Metrics { widths }
    }

    pub fn advance(&self, c: char, size: u8) -> f64 {
        self.widths
            .get(&c)
            .map(|w| f64::from(w.0) / 1000.0 * f64::from(size))
            .unwrap_or(if is_blank(c) { 0.0 } else { f64::from(size) })
    }

    /// A full-width mark's blank half may be squeezed: the side away from its ink.
    pub fn piece(&self, c: char, size: u8) -> Piece {
        let mut p = Piece::new(c, self.advance(c, size));
        if c == ' ' {
            p.advance = 0.0;
        }
        let punct = !c.is_ascii()
            && (linebreak::forbidden_start(c) || linebreak::forbidden_end(c))
            && !matches!(c, '—' | '…' | '々' | '℃' | '‰');
        if let (true, Some(&(w, x0, x1))) = (punct, self.widths.get(&c)) {
            let w = f64::from(w);
            // Only marks set in a full cell have a blank half to give.
            if w >= 900.0 {
                let half = p.advance / 2.0;
                if x1 <= 0.55 * w {
                    p.squeeze_right = half;
                } else if x0 >= 0.45 * w {
                    p.squeeze_left = half;
                }
            }
        }
        p
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::Inline;
    use crate::pdf::{FontChoice, PdfOptions};

    fn plan_of(title: &str, body: &str) -> Plan {
        let doc = Document {
            title: title.into(),
            blocks: vec![Block::Paragraph {
                inlines: vec![Inline {
                    text: body.into(),
                    style: InlineStyle::Plain,
                    figure: None,
                    unfilled: false,
                }],
            }],
            draft: false,
            figures: Vec::new(),
        };
        let faces = fonts::choose(&PdfOptions {
            fonts: FontChoice::Bundled,
            font_dirs: Vec::new(),
        })
        .unwrap();
        plan(&doc, &faces).unwrap()
    }

    /// The row a run sits on (its baseline is 0.38 of its size below the row's middle).
    fn row(r: &Run) -> f64 {
        (r.baseline - 0.38 * f64::from(r.size) - line_pitch() / 2.0) / line_pitch()
    }

    #[test]
    fn one_blank_line_between_title_and_body() {
        let p = plan_of("标题", "正文第一段。");
        let rows: Vec<f64> = p.pages[0].iter().map(row).collect();
        assert_eq!(rows.len(), 2, "{rows:?}");
        assert!(
            rows[0].abs() < 1e-9 && (rows[1] - 2.0).abs() < 1e-9,
            "{rows:?}"
        );
    }

    #[test]
    fn the_blank_line_counts_in_the_22_line_grid() {
        // Title, blank, then 21 lines of body: the last one goes to page 2.
        let p = plan_of("标题", &"建".repeat(26 + 20 * 28));
        assert_eq!(p.pages.len(), 2);
        assert!((row(p.pages[0].last().unwrap()) - 21.0).abs() < 1e-9);
        assert_eq!(p.pages[1].len(), 1);
    }

    #[test]
    fn lead_size_matches_the_body_ink() {
        // Bundled Kai against bundled Song.
        assert_eq!(lead_size(Some(0.92), Some(0.83)), 18);
        // An office Kai as large as the body is left alone; a larger one is not shrunk.
        assert_eq!(lead_size(Some(0.92), Some(0.91)), BODY_PT);
        assert_eq!(lead_size(Some(0.80), Some(0.92)), BODY_PT);
        // A very small face is scaled two points at most.
        assert_eq!(lead_size(Some(0.92), Some(0.5)), BODY_PT + 2);
        assert_eq!(lead_size(None, Some(0.8)), BODY_PT);
    }

    #[test]
    fn lead_glyphs_are_larger_but_keep_the_grid() {
        let doc = Document {
            title: String::new(),
            blocks: vec![Block::Paragraph {
                inlines: vec![
                    Inline {
                        text: "深化理论武装。".into(),
                        style: InlineStyle::Lead,
                        figure: None,
                        unfilled: false,
                    },
                    Inline {
                        text: "以市直机关为载体。".into(),
                        style: InlineStyle::Plain,
                        figure: None,
                        unfilled: false,
                    },
                ],
            }],
            draft: false,
            figures: Vec::new(),
        };
        let faces = fonts::choose(&PdfOptions {
            fonts: FontChoice::Bundled,
            font_dirs: Vec::new(),
        })
        .unwrap();
        let p = plan(&doc, &faces).unwrap();
        let runs = &p.pages[0];
        let lead = &runs[0];
        let body = runs.iter().find(|r| r.text.starts_with('以')).unwrap();
        assert_eq!(lead.size, 18);
        assert_eq!(body.size, BODY_PT);
        let m = Metrics::new(&p.faces[lead.face].subset);
        let (big, cell) = (m.advance('深', 18), m.advance('深', BODY_PT));
        // Centred on the indented cell, and every glyph one cell on: the negative spacing
        // takes back what the larger size adds.
        assert!((lead.x - (2.0 * pitch() - (big - cell) / 2.0)).abs() < 0.01);
        assert!((lead.spacing + big - cell).abs() < 0.01, "{}", lead.spacing);
        // The body resumes on the grid: two cells of indent and seven lead cells.
        assert!(
            (body.x - 9.0 * cell).abs() < 0.05,
            "{} {}",
            body.x,
            9.0 * cell
        );
    }

    #[test]
    fn a_spread_line_is_one_run_with_even_spacing() {
        // 28 cells: the 。 glued to the last 建 pushes it down, leaving 27 characters spread
        // over the full width in one run.
        let p = plan_of("", &format!("{}。", "建".repeat(26 + 28)));
        let first_full = &p.pages[0][1];
        assert_eq!(first_full.text.chars().count(), 27);
        let adv = Metrics::new(&p.faces[first_full.face].subset).advance('建', BODY_PT);
        let end = first_full.x + 27.0 * adv + 26.0 * first_full.spacing;
        assert!((end - block_width()).abs() < 0.01, "{end}");
        assert!(first_full.spacing > 0.5, "{}", first_full.spacing);
    }
}
