//! From the document to placed text on the GB/T 9704 grid. Everything here is plain data;
//! `write.rs` hands it to krilla.
//!
//! `plan` runs four stages, each in its own file, each taking what the one before gives:
//! 1. `collect`: the characters of the title, headings and paragraphs, each with the face that
//!    prints it (a character no face has is refused here);
//! 2. `embed`: the faces that print something, their glyphs measured;
//! 3. `lines`: each block broken into lines by `linebreak` and the lines into runs of glyphs
//!    (typography: where lines break, how they are spread);
//! 4. `pages`: the lines on the 22-line pages, and the page numbers, the marks and the digest
//!    stamp.

mod collect;
mod embed;
mod lines;
mod pages;

pub(crate) use collect::{is_blank, printed};
pub use embed::Metrics;

use super::fonts::{Face, FaceSet, Role};
use super::{Grid, PageNumbers, PdfError};
use crate::document::Document;

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
pub const DRAFT_TEXT: &str = crate::document::DRAFT_MARK;
/// The sample mark above the text block, on every page of a speech from sample facts.
pub const SAMPLE_TEXT: &str = crate::document::SAMPLE_MARK;
/// The digest stamp, `摘要 1a2b3c4d5e6f` at the foot of the last page: its label and size.
pub const STAMP_LABEL: &str = "摘要";
pub const STAMP_PT: u8 = 7;

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
    /// Space added after every glyph, in points: the even share of a spread line's slack.
    pub spacing: f64,
    /// Glyphs set off the even spacing: `(k, u)` moves glyph `k` and those after it `u`
    /// thousandths of the run's size to the right (left when negative): a mark that shares or
    /// gives up its blank half, digits kept tight.
    pub kerns: Vec<(usize, i32)>,
    /// What the run is part of, in the reading order the PDF's tags give.
    pub part: Part,
}

/// What a run is part of when the document is read (the PDF's structure tags): a block of the
/// speech, or what is printed around it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    Title,
    /// A heading, by its number (1-based).
    Heading(usize),
    /// A paragraph, by its number (1-based; 0 for a line the program prints, the circulation
    /// copy's line).
    Paragraph(usize),
    /// Printed around the text (page numbers, marks, the digest stamp, a sheet's foot): never
    /// read as the speech.
    Artifact,
}

impl Part {
    /// The part a block at `place` is.
    pub fn of(place: &super::Place) -> Part {
        match place {
            super::Place::Title { .. } => Part::Title,
            super::Place::Heading { number, .. } => Part::Heading(*number),
            super::Place::Paragraph { number, .. } => Part::Paragraph(*number),
            _ => Part::Paragraph(0),
        }
    }
}

impl Run {
    /// Where each glyph's left edge lies, as a PDF viewer places it from the run's position,
    /// spacing and kerns with the advances of `metrics`.
    pub fn positions(&self, metrics: &Metrics) -> Vec<f64> {
        let mut out = Vec::with_capacity(self.text.len());
        let mut pen = self.x;
        let mut kerns = self.kerns.iter().peekable();
        for (k, c) in self.text.chars().enumerate() {
            if let Some(&(_, u)) = kerns.next_if(|(at, _)| *at == k) {
                pen += f64::from(u) * f64::from(self.size) / 1000.0;
            }
            out.push(pen);
            pen += metrics.advance(c, self.size) + self.spacing;
        }
        out
    }
}

/// A face that prints something: the face itself (the PDF writer subsets it) and what the
/// messages say about it.
pub struct UsedFace {
    pub family: String,
    pub source: Face,
    pub describe: String,
    pub roles: Vec<Role>,
}

pub struct Plan {
    pub faces: Vec<UsedFace>,
    /// `metrics[i]` measures `faces[i]`: the glyphs and advances the PDF is written with.
    pub metrics: Vec<Metrics>,
    /// Per page: runs in the text block.
    pub pages: Vec<Vec<Run>>,
    /// Per page: runs placed on the page itself (page number, marks, digest stamp).
    pub decorations: Vec<Vec<Run>>,
}

/// Lays the document out with the chosen faces: the faces to embed and every run on every page,
/// its page numbers placed as `page_numbers` says and, given the first 12 digits of the digest
/// (`digest_short`), the stamp at the foot of the last page, set in the speech's own faces.
pub fn plan(
    doc: &Document,
    faces: &FaceSet,
    page_numbers: PageNumbers,
    digest_short: Option<&str>,
) -> Result<Plan, PdfError> {
    let setup = Setup {
        page_numbers,
        grid: Grid::default(),
    };
    plan_with(doc, faces, setup, digest_short)
}

/// What `templates/speech.yaml` says about the page: where its numbers stand, how its lines are
/// filled.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Setup {
    pub page_numbers: PageNumbers,
    pub grid: Grid,
}

/// `plan` with every setting of the page (`plan` takes the default grid).
pub fn plan_with(
    doc: &Document,
    faces: &FaceSet,
    setup: Setup,
    digest_short: Option<&str>,
) -> Result<Plan, PdfError> {
    let text = collect::collect(doc, faces, digest_short)?;
    let embedded = embed::embed(faces, &text)?;
    let blocks = lines::set_lines(&text.blocks, &embedded, setup.grid == Grid::Strict)?;
    let pages = pages::paginate(&blocks);
    let decorations = pages::decorate(pages.len(), setup.page_numbers, &text.marks, &embedded);
    Ok(Plan {
        faces: embedded.faces,
        metrics: embedded.metrics,
        pages,
        decorations,
    })
}

#[cfg(test)]
mod tests {
    use super::embed::lead_size;
    use super::*;
    use crate::document::{Block, Inline, InlineStyle};
    use crate::pdf::fonts;
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
            ..Default::default()
        };
        let faces = fonts::choose(&PdfOptions {
            fonts: FontChoice::Bundled,
            font_dirs: Vec::new(),
            standard: None,
        })
        .unwrap();
        plan(&doc, &faces, PageNumbers::default(), None).unwrap()
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
        // Title, blank, then 21 lines of body: the last one goes to page 2, and the one before
        // goes with it rather than leave it alone there (a row stays blank on page 1).
        let p = plan_of("标题", &"建".repeat(26 + 20 * 28));
        assert_eq!(p.pages.len(), 2);
        assert!((row(p.pages[0].last().unwrap()) - 20.0).abs() < 1e-9);
        assert_eq!(p.pages[1].len(), 2);
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
            ..Default::default()
        };
        let faces = fonts::choose(&PdfOptions {
            fonts: FontChoice::Bundled,
            font_dirs: Vec::new(),
            standard: None,
        })
        .unwrap();
        let p = plan(&doc, &faces, PageNumbers::default(), None).unwrap();
        let runs = &p.pages[0];
        let lead = &runs[0];
        let body = runs.iter().find(|r| r.text.starts_with('以')).unwrap();
        assert_eq!(lead.size, 18);
        assert_eq!(body.size, BODY_PT);
        let m = &p.metrics[lead.face];
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
    fn a_run_of_blanks_prints_as_one_space_beside_chinese_as_between_latin_words() {
        let p = plan_of("", " 日报 Party \t Building\n专栏 ");
        let text: String = p.pages[0].iter().map(|r| r.text.as_str()).collect();
        assert_eq!(text, "日报 Party Building 专栏");
        // Each glyph's left edge, walking the runs.
        let mut at: Vec<(char, f64, f64)> = Vec::new(); // (char, x, advance)
        for r in &p.pages[0] {
            let m = &p.metrics[r.face];
            let mut x = r.x;
            for c in r.text.chars() {
                at.push((c, x, m.advance(c, r.size)));
                x += m.advance(c, r.size) + r.spacing;
            }
        }
        // The space between Party and Building: the one after y.
        let i = at.iter().position(|(c, ..)| *c == 'y').unwrap();
        let ((_, y, y_adv), (sp_ch, sp, sp_adv), (_, b, _)) = (at[i], at[i + 1], at[i + 2]);
        assert_eq!(sp_ch, ' ');
        assert!(sp_adv > 4.0, "the face's space, not nothing: {sp_adv}");
        assert!((sp - (y + y_adv)).abs() < 1e-6 && (b - (sp + sp_adv)).abs() < 1e-6);
    }

    #[test]
    fn a_spread_line_is_one_run_with_even_spacing() {
        // 28 cells: the 。 glued to the last 建 pushes it down, leaving 27 characters spread
        // over the full width in one run.
        let p = plan_of("", &format!("{}。{}", "建".repeat(26 + 28), "建".repeat(3)));
        let first_full = &p.pages[0][1];
        assert_eq!(first_full.text.chars().count(), 27);
        let adv = p.metrics[first_full.face].advance('建', BODY_PT);
        let end = first_full.x + 27.0 * adv + 26.0 * first_full.spacing;
        assert!((end - block_width()).abs() < 0.01, "{end}");
        assert!(first_full.spacing > 0.5, "{}", first_full.spacing);
    }
}
