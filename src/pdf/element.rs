//! genpdf as the page engine: an `Element` that draws the planned text block page by page, and a
//! `PageDecorator` that sets the GB/T 9704 margins and draws the page number and draft mark.

use genpdf::fonts::{Font, FontData, FontFamily};
use genpdf::render::Area;
use genpdf::style::Style;
use genpdf::{Context, Element, Mm, Position, RenderResult};

use super::PdfError;
use super::layout::{self, Plan, Run, UsedFace};
use crate::document::Document;

pub(crate) fn engine(e: impl std::fmt::Display) -> PdfError {
    PdfError::Engine(e.to_string())
}

/// A genpdf document set in `faces` (the first is the default family), on `paper`, titled; with
/// each face's regular font, by the face's index, for `print`.
pub(crate) fn document(
    faces: &[UsedFace],
    paper: impl Into<genpdf::Size>,
    title: &str,
) -> Result<(genpdf::Document, Vec<Font>), PdfError> {
    // Only the regular style is ever used. A builtin stands in for the others so that genpdf
    // does not embed a face four times; finish drops them. Their metrics are never asked for, so
    // one set, read from the smallest subset, serves every face (a copy of a subset each).
    let smallest = faces.iter().map(|f| &f.subset).min_by_key(|s| s.len());
    let builtin = |b| FontData::new(smallest.cloned().unwrap_or_default(), Some(b)).map_err(engine);
    let bold = builtin(printpdf::BuiltinFont::HelveticaBold)?;
    let italic = builtin(printpdf::BuiltinFont::HelveticaOblique)?;
    let bold_italic = builtin(printpdf::BuiltinFont::HelveticaBoldOblique)?;
    let family = |subset: &[u8]| -> Result<FontFamily<FontData>, PdfError> {
        Ok(FontFamily {
            regular: FontData::new(subset.to_vec(), None).map_err(engine)?,
            bold: bold.clone(),
            italic: italic.clone(),
            bold_italic: bold_italic.clone(),
        })
    };
    let mut faces = faces.iter();
    let first = faces.next().ok_or_else(|| engine("no face"))?;
    let mut pdf = genpdf::Document::new(family(&first.subset)?);
    let mut fonts: Vec<Font> = vec![pdf.font_cache().default_font_family().regular];
    for f in faces {
        fonts.push(pdf.add_font_family(family(&f.subset)?).regular);
    }
    pdf.set_paper_size(paper);
    pdf.set_title(title);
    pdf.set_minimal_conformance();
    Ok((pdf, fonts))
}

/// Renders the plan with genpdf; the result still needs `finish`.
pub fn render(doc: &Document, plan: &Plan) -> Result<Vec<u8>, PdfError> {
    let (mut pdf, fonts) = document(&plan.faces, genpdf::PaperSize::A4, &doc.title)?;
    pdf.set_page_decorator(Decorator {
        fonts: fonts.clone(),
        pages: plan.decorations.clone(),
        next: 0,
    });
    pdf.push(TextBlock {
        fonts,
        pages: plan.pages.clone(),
        next: 0,
    });
    let mut out = Vec::new();
    pdf.render(&mut out).map_err(engine)?;
    Ok(out)
}

/// Prints one run with its baseline where the plan put it. genpdf positions text by the top of
/// the face's ascent-to-descent box, so the baseline is moved up by that height.
pub(crate) fn print(
    area: &Area<'_>,
    context: &Context,
    fonts: &[Font],
    run: &Run,
) -> Result<(), genpdf::error::Error> {
    let font = fonts[run.face];
    let style = Style::new().with_font_size(run.size);
    let mut style = style;
    style.set_font_family(FontFamily {
        regular: font,
        bold: font,
        italic: font,
        bold_italic: font,
    });
    let top = Mm::from(run.baseline / layout::PT_PER_MM) - font.glyph_height(run.size);
    let pos = Position::new(Mm::from(run.x / layout::PT_PER_MM), top);
    if area.print_str(&context.font_cache, pos, style, &run.text)? {
        Ok(())
    } else {
        // genpdf refuses text below the area; the plan never puts any there, so this is a bug.
        Err(genpdf::error::Error::new(
            format!("text outside the page: {:?}", run.text),
            genpdf::error::ErrorKind::PageSizeExceeded,
        ))
    }
}

struct TextBlock {
    fonts: Vec<Font>,
    pages: Vec<Vec<Run>>,
    next: usize,
}

impl Element for TextBlock {
    fn render(
        &mut self,
        context: &Context,
        area: Area<'_>,
        _style: Style,
    ) -> Result<RenderResult, genpdf::error::Error> {
        let mut result = RenderResult::default();
        if let Some(runs) = self.pages.get(self.next) {
            for run in runs {
                print(&area, context, &self.fonts, run)?;
            }
            self.next += 1;
        }
        result.size = area.size();
        result.has_more = self.next < self.pages.len();
        Ok(result)
    }
}

struct Decorator {
    fonts: Vec<Font>,
    pages: Vec<Vec<Run>>,
    next: usize,
}

impl genpdf::PageDecorator for Decorator {
    fn decorate_page<'a>(
        &mut self,
        context: &Context,
        mut area: Area<'a>,
        _style: Style,
    ) -> Result<Area<'a>, genpdf::error::Error> {
        if let Some(runs) = self.pages.get(self.next) {
            for run in runs {
                print(&area, context, &self.fonts, run)?;
            }
        }
        self.next += 1;
        area.add_margins(genpdf::Margins::trbl(
            layout::MARGIN_TOP_MM,
            layout::MARGIN_RIGHT_MM,
            layout::MARGIN_BOTTOM_MM,
            layout::MARGIN_LEFT_MM,
        ));
        Ok(area)
    }
}
