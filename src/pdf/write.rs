//! The file written with krilla from what the layout placed: each run's glyphs at the positions
//! the layout gave them (glyph ids and advances, `Surface::draw_glyphs`), the sheet's rules as
//! paths, the metadata, and the standard the file declares (PDF/A-2b by default), which krilla
//! checks as it writes. krilla embeds each face as it is (TrueType, CFF, a face of a
//! collection), subset to the glyphs printed, with a ToUnicode map built from the text each
//! glyph stands for: nothing is parsed back or patched afterwards.

use std::ops::Range;

use krilla::configure::{Accessibility, Archival, ConfigurationBuilder, PdfVersion, Validator};
use krilla::destination::XyzDestination;
use krilla::geom::{PathBuilder, Point, Size};
use krilla::metadata::{DateTime, Metadata};
use krilla::outline::{Outline, OutlineNode};
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::surface::Surface;
use krilla::tagging::{
    Artifact, ArtifactType, ContentTag, SpanTag, Tag, TagGroup, TagKind, TagTree,
};
use krilla::text::{Font, GlyphId, KrillaGlyph};
use krilla::{Data, Document, SerializeSettings};
use skrifa::instance::{LocationRef, Size as FontSize};
use skrifa::raw::TableProvider;
use skrifa::{FontRef, GlyphId as SkrifaGlyphId, MetadataProvider};

mod trim;

/// A subset face without what no fixed-layout reader uses (hinting, long names, glyph names):
/// the PDF's trim, which the OFD's faces go through too.
pub(crate) use trim::trim as trim_face;

pub use crate::date::Date;

use super::PdfError;
use super::layout::{Metrics, Part, Run, UsedFace};

/// The standard a PDF declares and krilla checks it against (`--pdf-standard`, Typst's names).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum PdfStandard {
    /// Plain PDF 1.7: what a draft is written as.
    V1_7,
    /// PDF/A-2b (ISO 19005-2, level b): archival, every face embedded, colours device-independent,
    /// XMP metadata. GB/T 18894 accepts PDF/A for keeping electronic records.
    #[default]
    A2b,
    /// PDF/A-2u: A-2b and every glyph's text known (the ToUnicode maps).
    A2u,
    /// PDF/UA-1: accessible, tagged, with a title shown in the window and headings' titles.
    Ua1,
}

impl PdfStandard {
    /// The names `--pdf-standard` takes.
    pub const NAMES: [&'static str; 4] = ["1.7", "a-2b", "a-2u", "ua-1"];

    pub fn from_name(name: &str) -> Option<PdfStandard> {
        match name {
            "1.7" => Some(PdfStandard::V1_7),
            "a-2b" => Some(PdfStandard::A2b),
            "a-2u" => Some(PdfStandard::A2u),
            "ua-1" => Some(PdfStandard::Ua1),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            PdfStandard::V1_7 => "1.7",
            PdfStandard::A2b => "a-2b",
            PdfStandard::A2u => "a-2u",
            PdfStandard::Ua1 => "ua-1",
        }
    }

    fn settings(self) -> SerializeSettings {
        let builder = ConfigurationBuilder::new().with_version(PdfVersion::Pdf17);
        let builder = match self {
            PdfStandard::V1_7 => builder,
            PdfStandard::A2b => builder.set_validator(Validator::A(Archival::A2_B)),
            PdfStandard::A2u => builder.set_validator(Validator::A(Archival::A2_U)),
            PdfStandard::Ua1 => builder.set_validator(Validator::Ua(Accessibility::UA1)),
        };
        SerializeSettings {
            configuration: builder
                .finish()
                .expect("PDF 1.7 takes each of these standards"),
            enable_tagging: true,
            ..SerializeSettings::default()
        }
    }
}

/// What the file says about itself.
pub struct DocInfo<'a> {
    pub title: &'a str,
    pub author: Option<&'a str>,
    /// The Keywords entry (Info and XMP): the digest and its manifest.
    pub keywords: Vec<String>,
    pub date: Option<Date>,
    pub standard: PdfStandard,
}

/// A rule: from (x0, y0) to (x1, y1), its width; in points from the page's top-left corner.
pub type Rule = (f64, f64, f64, f64, f64);

/// One page: its runs, each at an offset (the text block's corner, or the page's),
/// and rules, all in points from the page's top-left corner.
pub struct PageContent<'a> {
    pub runs: Vec<(&'a Run, (f64, f64))>,
    pub rules: &'a [Rule],
}

fn engine(e: impl std::fmt::Display) -> PdfError {
    PdfError::Engine(format!("krilla: {e}"))
}

/// A face as the file embeds it: subset to the glyphs the pages print (`subsetter`, the
/// subsetter krilla itself uses) and its advances set to the layout's grid (`Metrics::grid`).
/// The PDF's glyph widths (/W) are then the grid cells the layout set the glyphs in, as the
/// speech is drawn: a run needs no adjustment for each glyph, only where the layout moves one
/// off the grid, and a glyph's box is never wider than its cell (two marks sharing one blank
/// half overlap by half a cell of the grid, not by more than half the size: text extraction
/// (pdftotext) reads more as a new line).
struct GridFace {
    font: Font,
    /// Old glyph id to the subset's.
    remap: subsetter::GlyphRemapper,
    /// The subset's advances (its glyph id), in ems as the file declares them.
    advances: Vec<f32>,
}

impl GridFace {
    fn new(face: &UsedFace, metrics: &Metrics, glyphs: &[u16]) -> Result<GridFace, PdfError> {
        let err = |reason: String| PdfError::Font {
            face: face.family.clone(),
            reason,
        };
        let remap = subsetter::GlyphRemapper::new_from_glyphs_sorted(glyphs);
        let data: &[u8] = (*face.source.data).as_ref();
        let subset = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            subsetter::subset(data, face.source.index, &remap)
        }))
        .map_err(|_| err("字形轮廓已损坏，无法取子集写入 PDF".into()))?
        .map_err(|e| err(format!("字形轮廓无法取子集写入 PDF（{e}）")))?;
        let subset = scale_advances(subset, metrics.grid())
            .ok_or_else(|| err("子集缺少 hhea/hmtx 表".into()))?;
        let subset = trim::trim(&subset).unwrap_or(subset);
        let advances = {
            let font = FontRef::new(&subset).map_err(|e| err(format!("子集无法读取（{e}）")))?;
            let upem = font
                .head()
                .map_err(|_| err("缺少 head 表（字体头），或该表已损坏".into()))?
                .units_per_em();
            let measure = font.glyph_metrics(FontSize::unscaled(), LocationRef::default());
            (0..remap.num_gids())
                .map(|g| {
                    measure
                        .advance_width(SkrifaGlyphId::new(u32::from(g)))
                        .unwrap_or(0.0)
                        / f32::from(upem)
                })
                .collect()
        };
        let font =
            Font::new(Data::from(subset), 0).ok_or_else(|| err("PDF 引擎无法读取该字体".into()))?;
        Ok(GridFace {
            font,
            remap,
            advances,
        })
    }
}

/// Sets every advance of `font` (a TrueType or CFF OpenType font, not a collection) to `factor`
/// of its own, to the nearest unit; None when it has no hhea or hmtx.
fn scale_advances(mut font: Vec<u8>, factor: f64) -> Option<Vec<u8>> {
    let table = |font: &[u8], tag: &[u8; 4]| -> Option<(usize, usize)> {
        let n = usize::from(u16::from_be_bytes(font.get(4..6)?.try_into().ok()?));
        (0..n).find_map(|i| {
            let rec = font.get(12 + 16 * i..12 + 16 * i + 16)?;
            (&rec[0..4] == tag).then(|| {
                (
                    u32::from_be_bytes(rec[8..12].try_into().unwrap()) as usize,
                    u32::from_be_bytes(rec[12..16].try_into().unwrap()) as usize,
                )
            })
        })
    };
    let (hhea, _) = table(&font, b"hhea")?;
    let (hmtx, hmtx_len) = table(&font, b"hmtx")?;
    let scale = |v: u16| ((f64::from(v) * factor).round() as u16).to_be_bytes();
    let metrics = usize::from(u16::from_be_bytes(
        font.get(hhea + 34..hhea + 36)?.try_into().ok()?,
    ));
    if 4 * metrics > hmtx_len || font.len() < hmtx + hmtx_len {
        return None;
    }
    for i in 0..metrics {
        let at = hmtx + 4 * i;
        let adv = u16::from_be_bytes(font[at..at + 2].try_into().ok()?);
        font[at..at + 2].copy_from_slice(&scale(adv));
    }
    let max = hhea + 10;
    let adv_max = u16::from_be_bytes(font.get(max..max + 2)?.try_into().ok()?);
    font[max..max + 2].copy_from_slice(&scale(adv_max));
    Some(font)
}

/// How far (in points) krilla's pen may drift from where the layout put a glyph before the run
/// moves it back: the face's advances are whole font units, the layout's are exact. A
/// twentieth of a point is invisible; an adjustment costs bytes.
const DRIFT: f64 = 0.05;

/// The glyphs of a run as krilla draws them: each glyph's id in the subset and its advance to
/// the next glyph's left edge, in ems. Where the face's own (grid) advance puts the next glyph
/// where the layout did (within `DRIFT`), that advance is given and krilla writes nothing for
/// it; elsewhere (a spread or squeezed line's spacing, a mark sharing a blank half, digits kept
/// tight) the exact distance, which krilla writes as one adjustment in the TJ array.
fn glyphs(run: &Run, metrics: &Metrics, face: &GridFace) -> Result<Vec<KrillaGlyph>, PdfError> {
    let positions = run.positions(metrics);
    let size = f64::from(run.size);
    let mut out = Vec::with_capacity(positions.len());
    let mut pen = positions.first().copied().unwrap_or(run.x);
    let count = positions.len();
    for (k, (at, c)) in run.text.char_indices().enumerate() {
        let gid = metrics
            .glyph(c)
            .and_then(|g| u16::try_from(g).ok())
            .and_then(|g| face.remap.get(g))
            .ok_or_else(|| engine(format!("no glyph measured for {c:?}")))?;
        let natural = face.advances[usize::from(gid)];
        let advance = match positions.get(k + 1) {
            Some(&next) if (pen + f64::from(natural) * size - next).abs() > DRIFT => {
                ((next - pen) / size) as f32
            }
            _ => natural,
        };
        if k + 1 < count {
            pen += f64::from(advance) * size;
        }
        let range: Range<usize> = at..at + c.len_utf8();
        out.push(KrillaGlyph::new(
            GlyphId::new(u32::from(gid)),
            advance,
            0.0,
            0.0,
            0.0,
            range,
            None,
        ));
    }
    Ok(out)
}

fn draw_run(
    surface: &mut Surface<'_>,
    run: &Run,
    (dx, dy): (f64, f64),
    face: &GridFace,
    metrics: &Metrics,
) -> Result<(), PdfError> {
    let glyphs = glyphs(run, metrics, face)?;
    let x = run.positions(metrics).first().copied().unwrap_or(run.x);
    let start = Point::from_xy((dx + x) as f32, (dy + run.baseline) as f32);
    surface.draw_glyphs(
        start,
        &glyphs,
        face.font.clone(),
        &run.text,
        f32::from(run.size),
        false,
    );
    Ok(())
}

/// A heading's title for its structure element (PDF/UA wants one): the text of its runs on the
/// page it starts on.
fn heading_title(runs: &[(&Run, (f64, f64))], role: Part) -> Option<String> {
    let text: String = runs
        .iter()
        .filter(|(run, _)| run.part == role)
        .map(|(run, _)| run.text.as_str())
        .collect();
    (!text.is_empty()).then_some(text)
}

/// Writes the pages (each of `size` points) set in `faces` (measured by `metrics`, in the same
/// order) into a finished PDF. The content is tagged in reading order: the runs of one
/// structure element (`Run::part`) on every page gathered under it, page after page; artifacts
/// marked as pagination. A validation error of the chosen standard fails the render, named.
pub fn write(
    faces: &[UsedFace],
    metrics: &[Metrics],
    size: (f64, f64),
    pages: &[PageContent<'_>],
    info: &DocInfo<'_>,
) -> Result<Vec<u8>, PdfError> {
    // Per face, the glyphs the pages print: what its subset holds.
    let mut printed: Vec<Vec<u16>> = vec![Vec::new(); faces.len()];
    for page in pages {
        for (run, _) in &page.runs {
            let m = &metrics[run.face];
            printed[run.face].extend(
                run.text
                    .chars()
                    .filter_map(|c| m.glyph(c))
                    .filter_map(|g| u16::try_from(g).ok()),
            );
        }
    }
    let fonts: Vec<GridFace> = faces
        .iter()
        .zip(metrics)
        .zip(&printed)
        .map(|((face, m), glyphs)| GridFace::new(face, m, glyphs))
        .collect::<Result<_, _>>()?;
    let mut doc = Document::new_with(info.standard.settings());
    // Per structure element, in the order first met: the marked content of its runs.
    let mut elements: Vec<(Part, TagGroup)> = Vec::new();
    // The page's size to a hundredth of a point (A4: 595.28 × 841.89, as every PDF of the
    // speech declared it before): f32's 595.2756 names no more paper.
    let hundredth = |v: f64| ((v * 100.0).round() / 100.0) as f32;
    let page_settings = PageSettings::new(
        Size::from_wh(hundredth(size.0), hundredth(size.1)).ok_or_else(|| engine("page size"))?,
    );
    // The title and each heading, with where it starts: PDF/UA's outline (bookmarks).
    let mut outline: Vec<(Part, String, usize, Point)> = Vec::new();
    for (page_index, page) in pages.iter().enumerate() {
        let mut p = doc.start_page_with(page_settings.clone());
        let mut surface = p.surface();
        if !page.rules.is_empty() {
            surface.start_tagged(ContentTag::Artifact(Artifact::with_kind(
                ArtifactType::Layout,
            )));
            surface.set_fill(None);
            for &(x0, y0, x1, y1, width) in page.rules {
                surface.set_stroke(Some(Stroke {
                    width: width as f32,
                    ..Stroke::default()
                }));
                let mut path = PathBuilder::new();
                path.move_to(x0 as f32, y0 as f32);
                path.line_to(x1 as f32, y1 as f32);
                if let Some(path) = path.finish() {
                    surface.draw_path(&path);
                }
            }
            surface.set_stroke(None);
            surface.end_tagged();
        }
        surface.set_fill(Some(Fill::default()));
        for &(run, offset) in &page.runs {
            let role = run.part;
            let font = &fonts[run.face];
            if role == Part::Artifact {
                surface.start_tagged(ContentTag::Artifact(Artifact::with_kind(
                    ArtifactType::PaginationOther,
                )));
                draw_run(&mut surface, run, offset, font, &metrics[run.face])?;
                surface.end_tagged();
                continue;
            }
            let id = surface.start_tagged(ContentTag::Span(SpanTag::empty()));
            draw_run(&mut surface, run, offset, font, &metrics[run.face])?;
            surface.end_tagged();
            let group = match elements.iter_mut().find(|(r, _)| *r == role) {
                Some((_, group)) => group,
                None => {
                    let level = |n| std::num::NonZeroU16::new(n).expect("not zero");
                    let title = match role {
                        Part::Title => Some(info.title.to_string()),
                        Part::Heading(_) => heading_title(&page.runs, role),
                        _ => None,
                    };
                    if let Some(title) = &title {
                        let (dx, dy) = offset;
                        let top = dy + run.baseline - f64::from(run.size);
                        let at = Point::from_xy(dx as f32, top.max(0.0) as f32);
                        outline.push((role, title.clone(), page_index, at));
                    }
                    let tag: TagKind = match role {
                        Part::Title => Tag::Hn(level(1), title).into(),
                        Part::Heading(_) => Tag::Hn(level(2), title).into(),
                        _ => Tag::P.into(),
                    };
                    elements.push((role, TagGroup::new(tag)));
                    &mut elements.last_mut().expect("just pushed").1
                }
            };
            group.push(id);
        }
        surface.finish();
        p.finish();
    }
    let mut tree = TagTree::new().with_lang(Some("zh-CN".to_string()));
    for (_, group) in elements {
        tree.push(group);
    }
    doc.set_tag_tree(tree);
    // PDF/UA asks for the outline; the other standards leave it out, as the files were before.
    if info.standard == PdfStandard::Ua1 {
        let mut bookmarks = Outline::new();
        let mut title: Option<OutlineNode> = None;
        for (role, text, page, at) in outline {
            let node = OutlineNode::new(text, XyzDestination::new(page, at));
            // The headings under the title, as the speech reads.
            if role == Part::Title && title.is_none() {
                title = Some(node.with_open(true));
            } else if let Some(t) = title.as_mut() {
                t.push_child(node);
            } else {
                bookmarks.push_child(node);
            }
        }
        if let Some(t) = title {
            bookmarks.push_child(t);
        }
        doc.set_outline(bookmarks);
    }
    let mut meta = Metadata::new()
        .title(info.title.to_string())
        .creator("speechgen".to_string())
        .producer(format!("speechgen {} (krilla)", env!("CARGO_PKG_VERSION")))
        .language("zh-CN".to_string())
        .keywords(info.keywords.clone());
    if let Some(author) = info.author {
        meta = meta.authors(vec![author.to_string()]);
    }
    if let Some(d) = info.date {
        meta = meta.creation_date(DateTime::new(d.year).month(d.month).day(d.day));
    }
    doc.set_metadata(meta);
    let fonts: Vec<Font> = fonts.into_iter().map(|f| f.font).collect();
    finish(doc, faces, &fonts)
}

/// `Document::finish`, its errors in words: a face krilla cannot embed, or what the standard
/// forbids. A panic inside the font subsetter (a face damaged deep inside its outlines) is
/// an error naming the faces, never a crash of the whole program.
fn finish(doc: Document, faces: &[UsedFace], fonts: &[Font]) -> Result<Vec<u8>, PdfError> {
    let families = || {
        faces
            .iter()
            .map(|f| f.family.as_str())
            .collect::<Vec<_>>()
            .join("、")
    };
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| doc.finish()));
    match result {
        Ok(Ok(bytes)) => Ok(bytes),
        Ok(Err(krilla::error::KrillaError::Font(font, reason))) => {
            let face = (fonts.iter().position(|f| *f == font))
                .map_or_else(families, |i| faces[i].family.clone());
            Err(PdfError::Font {
                face,
                reason: format!("字形轮廓无法写入 PDF（{reason}）"),
            })
        }
        Ok(Err(krilla::error::KrillaError::Validation(errors))) => Err(PdfError::Engine(format!(
            "PDF 不符合所选标准：{}",
            errors
                .iter()
                .map(|(e, _)| format!("{e:?}"))
                .collect::<Vec<_>>()
                .join("；")
        ))),
        Ok(Err(e)) => Err(engine(format!("{e:?}"))),
        Err(_) => Err(PdfError::Font {
            face: families(),
            reason: "字形轮廓已损坏，无法取子集写入 PDF".into(),
        }),
    }
}

/// Sets `chars` of face `index` of `data` as a render would (measured, drawn, subset and
/// written by krilla): the trial `fonts::check_face` runs before it accepts a face.
pub fn trial(
    data: std::sync::Arc<dyn AsRef<[u8]> + Send + Sync>,
    index: u32,
    chars: &std::collections::BTreeSet<char>,
) -> Result<(), String> {
    let source = super::fonts::Face {
        family: String::new(),
        data,
        index,
        path: None,
    };
    let metrics = Metrics::new(&source, chars, 1.0)?;
    let text: String = chars.iter().collect();
    let run = Run {
        face: 0,
        size: 16,
        x: 0.0,
        baseline: 20.0,
        text,
        spacing: 0.0,
        kerns: Vec::new(),
        part: Part::Paragraph(1),
    };
    let faces = [UsedFace {
        family: String::new(),
        source,
        describe: String::new(),
        roles: Vec::new(),
    }];
    let page = PageContent {
        runs: vec![(&run, (0.0, 0.0))],
        rules: &[],
    };
    let info = DocInfo {
        title: "trial",
        author: None,
        keywords: Vec::new(),
        date: None,
        standard: PdfStandard::V1_7,
    };
    write(&faces, &[metrics], (100.0, 100.0), &[page], &info)
        .map(|_| ())
        .map_err(|e| match e {
            PdfError::Font { reason, .. } => reason,
            e => format!("字形轮廓无法写入 PDF（{e}）"),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn standards_go_by_typst_names() {
        for name in PdfStandard::NAMES {
            assert_eq!(
                PdfStandard::from_name(name).map(PdfStandard::name),
                Some(name)
            );
        }
        assert_eq!(PdfStandard::from_name("a-3b"), None);
        assert_eq!(PdfStandard::default(), PdfStandard::A2b);
    }
}
