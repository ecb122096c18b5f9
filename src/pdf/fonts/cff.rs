//! An OpenType CFF face (`.otf`, the CFF `.ttc` of Noto CJK and Source Han) turned into a
//! TrueType font holding just the glyphs a document prints.
//!
//! printpdf 0.3 (under genpdf) embeds only TrueType font programs and rusttype reads only `glyf`
//! outlines, so a CFF face is converted here, before subsetting, and genpdf only ever sees
//! TrueType. Only the glyphs of the characters the document prints are converted (a CJK face has
//! some 30 000; a speech prints about 900): skrifa draws each outline, kurbo approximates every
//! cubic segment by quadratic ones within one font unit, and write-fonts
//! encodes them as `glyf`/`loca`. Metrics and naming come from the face's own tables.

use std::collections::{BTreeMap, BTreeSet};

use fontcull_skrifa::instance::{LocationRef, Size};
use fontcull_skrifa::outline::{DrawSettings, OutlinePen};
use fontcull_skrifa::{FontRef, GlyphId, MetadataProvider, Tag};
use fontcull_write_fonts::FontBuilder;
use fontcull_write_fonts::tables::cmap::Cmap;
use fontcull_write_fonts::tables::glyf::{Bbox, GlyfLocaBuilder, Glyph, SimpleGlyph};
use fontcull_write_fonts::tables::loca::LocaFormat;
use kurbo::{BezPath, CubicBez, Point, Shape};

/// Whether a face draws with CFF or CFF2 outlines and has no `glyf` table.
pub fn is_cff(font: &FontRef) -> bool {
    let has = |t: &[u8; 4]| font.table_data(Tag::new(t)).is_some();
    !has(b"glyf") && (has(b"CFF ") || has(b"CFF2"))
}

/// The TrueType font for `chars` of face `index` in `data` (a single font or a collection):
/// glyph 0 (.notdef), then the glyphs the characters map to in the face's order, a cmap of
/// exactly those characters, and the face's own metrics and names.
pub fn to_truetype(data: &[u8], index: u32, chars: &BTreeSet<char>) -> Result<Vec<u8>, String> {
    let font = FontRef::from_index(data, index).map_err(|e| format!("{e}"))?;
    let charmap = font.charmap();
    let mapped: Vec<(char, GlyphId)> = chars
        .iter()
        .filter_map(|c| charmap.map(*c).filter(|g| g.to_u32() != 0).map(|g| (*c, g)))
        .collect();
    let order: BTreeSet<GlyphId> = std::iter::once(GlyphId::NOTDEF)
        .chain(mapped.iter().map(|(_, g)| *g))
        .collect();
    let new_id: BTreeMap<GlyphId, GlyphId> = order
        .iter()
        .enumerate()
        .map(|(i, g)| (*g, GlyphId::new(i as u32)))
        .collect();

    let outlines = font.outline_glyphs();
    let metrics = font.glyph_metrics(Size::unscaled(), LocationRef::default());
    let mut glyf = GlyfLocaBuilder::new();
    let mut hmtx: Vec<u8> = Vec::with_capacity(4 * order.len());
    let (mut max_points, mut max_contours) = (0u16, 0u16);
    let mut font_box: Option<Bbox> = None;
    for gid in &order {
        let glyph = match outlines.get(*gid) {
            Some(outline) => {
                let mut pen = QuadPen::default();
                outline
                    .draw(
                        DrawSettings::unhinted(Size::unscaled(), LocationRef::default()),
                        &mut pen,
                    )
                    .map_err(|e| format!("字形 {} 无法读取：{e}", gid.to_u32()))?;
                pen.glyph()
                    .map_err(|e| format!("字形 {} 无法转换：{e:?}", gid.to_u32()))?
            }
            None => Glyph::Empty,
        };
        if let Glyph::Simple(simple) = &glyph {
            max_contours = max_contours.max(simple.contours.len() as u16);
            let points: usize = simple.contours.iter().map(|c| c.len()).sum();
            max_points = max_points.max(points as u16);
        }
        let bbox = glyph.bbox();
        if let Some(b) = bbox {
            font_box = Some(font_box.map_or(b, |f| f.union(b)));
        }
        let advance = metrics.advance_width(*gid).unwrap_or(0.0).round() as u16;
        let lsb = bbox.map_or(0, |b| b.x_min);
        hmtx.extend(advance.to_be_bytes());
        hmtx.extend(lsb.to_be_bytes());
        glyf.add_glyph(&glyph)
            .map_err(|e| format!("字形 {} 无法写入：{e}", gid.to_u32()))?;
    }
    let (glyf, loca, loca_format) = glyf.build();
    let glyphs = order.len() as u16;

    let table = |tag: &[u8; 4]| -> Result<Vec<u8>, String> {
        font.table_data(Tag::new(tag))
            .map(|d| d.as_bytes().to_vec())
            .ok_or_else(|| format!("缺少 {} 表", String::from_utf8_lossy(tag)))
    };
    let mut head = table(b"head")?;
    if head.len() < 54 {
        return Err("head 表过短".into());
    }
    let format: i16 = match loca_format {
        LocaFormat::Short => 0,
        LocaFormat::Long => 1,
    };
    head[50..52].copy_from_slice(&format.to_be_bytes());
    if let Some(b) = font_box {
        for (at, v) in [(36, b.x_min), (38, b.y_min), (40, b.x_max), (42, b.y_max)] {
            head[at..at + 2].copy_from_slice(&v.to_be_bytes());
        }
    }
    let mut hhea = table(b"hhea")?;
    if hhea.len() < 36 {
        return Err("hhea 表过短".into());
    }
    hhea[34..36].copy_from_slice(&glyphs.to_be_bytes());

    // maxp 1.0, as TrueType requires; no hinting, so the instruction limits are zero.
    let mut maxp = Vec::with_capacity(32);
    maxp.extend(0x0001_0000u32.to_be_bytes());
    for v in [glyphs, max_points, max_contours, 0, 0, 2] {
        maxp.extend(v.to_be_bytes());
    }
    maxp.resize(32, 0);

    // post 3.0: no glyph names (the converted glyphs are renumbered), the face's own italic
    // angle and underline.
    let mut post = table(b"post").unwrap_or_default();
    post.resize(32, 0);
    post[0..4].copy_from_slice(&0x0003_0000u32.to_be_bytes());

    let new_map = mapped.iter().map(|(c, g)| (*c, new_id[g]));
    let cmap = Cmap::from_mappings(new_map).map_err(|e| format!("{e:?}"))?;

    let mut builder = FontBuilder::new();
    builder
        .add_raw(Tag::new(b"head"), head)
        .add_raw(Tag::new(b"hhea"), hhea)
        .add_raw(Tag::new(b"maxp"), maxp)
        .add_raw(Tag::new(b"hmtx"), hmtx)
        .add_raw(Tag::new(b"post"), post);
    builder.add_table(&cmap).map_err(|e| e.to_string())?;
    builder.add_table(&glyf).map_err(|e| e.to_string())?;
    builder.add_table(&loca).map_err(|e| e.to_string())?;
    for tag in [b"name", b"OS/2"] {
        if let Ok(t) = table(tag) {
            builder.add_raw(Tag::new(tag), t);
        }
    }
    Ok(builder.build())
}

/// Collects an outline as a path of lines and quadratic curves, converting cubic segments.
#[derive(Default)]
struct QuadPen {
    path: BezPath,
    current: Point,
}

/// The largest distance, in font units (1000 or 2048 to the em), between a cubic segment and
/// the quadratic spline that replaces it: far below a printer's dot at 16 pt.
const ACCURACY: f64 = 1.0;

impl QuadPen {
    /// The outline as a TrueType glyph, contours turned clockwise as TrueType draws its outer
    /// contours (CFF turns them the other way; the fill is the same, but viewers that honour
    /// the convention, and anyone reading the font, expect it).
    fn glyph(self) -> Result<Glyph, fontcull_write_fonts::tables::glyf::MalformedPath> {
        if self.path.elements().is_empty() {
            return Ok(Glyph::Empty);
        }
        let path = self.path.reverse_subpaths();
        let mut simple = SimpleGlyph::from_bezpath(&path)?;
        // from_bezpath takes the box of the points; a box of the curves is what `head` wants.
        let b = path.bounding_box();
        simple.bbox = Bbox {
            x_min: b.x0.floor() as i16,
            y_min: b.y0.floor() as i16,
            x_max: b.x1.ceil() as i16,
            y_max: b.y1.ceil() as i16,
        };
        Ok(Glyph::Simple(simple))
    }
}

impl OutlinePen for QuadPen {
    fn move_to(&mut self, x: f32, y: f32) {
        self.current = Point::new(x.into(), y.into());
        self.path.move_to(self.current);
    }

    fn line_to(&mut self, x: f32, y: f32) {
        self.current = Point::new(x.into(), y.into());
        self.path.line_to(self.current);
    }

    fn quad_to(&mut self, cx0: f32, cy0: f32, x: f32, y: f32) {
        self.current = Point::new(x.into(), y.into());
        self.path
            .quad_to(Point::new(cx0.into(), cy0.into()), self.current);
    }

    fn curve_to(&mut self, cx0: f32, cy0: f32, cx1: f32, cy1: f32, x: f32, y: f32) {
        let end = Point::new(x.into(), y.into());
        let cubic = CubicBez::new(
            self.current,
            Point::new(cx0.into(), cy0.into()),
            Point::new(cx1.into(), cy1.into()),
            end,
        );
        // Measured on Noto Serif CJK SC, the sample speech's 479 glyphs: one quadratic per
        // piece of `to_quads` gave 10 ms and 132 KB, kurbo's `approx_spline` 25 ms and 146 KB
        // (its implied on-curve points are written out).
        for (_, _, q) in cubic.to_quads(ACCURACY) {
            self.path.quad_to(q.p1, q.p2);
        }
        self.current = end;
    }

    fn close(&mut self) {
        self.path.close_path();
    }
}
#[cfg(test)]
mod tests {
    use super::*;

    /// An outline exactly as drawn, cubic segments kept.
    #[derive(Default)]
    struct PathPen(BezPath);

    impl OutlinePen for PathPen {
        fn move_to(&mut self, x: f32, y: f32) {
            self.0.move_to((f64::from(x), f64::from(y)));
        }
        fn line_to(&mut self, x: f32, y: f32) {
            self.0.line_to((f64::from(x), f64::from(y)));
        }
        fn quad_to(&mut self, cx: f32, cy: f32, x: f32, y: f32) {
            self.0
                .quad_to((f64::from(cx), f64::from(cy)), (f64::from(x), f64::from(y)));
        }
        fn curve_to(&mut self, cx0: f32, cy0: f32, cx1: f32, cy1: f32, x: f32, y: f32) {
            self.0.curve_to(
                (f64::from(cx0), f64::from(cy0)),
                (f64::from(cx1), f64::from(cy1)),
                (f64::from(x), f64::from(y)),
            );
        }
        fn close(&mut self) {
            self.0.close_path();
        }
    }

    fn outline(font: &FontRef, c: char) -> BezPath {
        let gid = font.charmap().map(c).unwrap();
        let mut pen = PathPen::default();
        font.outline_glyphs()
            .get(gid)
            .unwrap()
            .draw(
                DrawSettings::unhinted(Size::unscaled(), LocationRef::default()),
                &mut pen,
            )
            .unwrap();
        pen.0
    }

    /// fonts-noto-cjk (CI installs it): Noto Serif CJK SC, face 2 of the collection.
    #[test]
    fn converted_outlines_keep_the_cff_shapes_turned_clockwise() {
        let path = "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc";
        let Ok(data) = std::fs::read(path) else {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "{path} missing"
            );
            return;
        };
        let chars: BTreeSet<char> = "党建、（100%）".chars().collect();
        let converted = to_truetype(&data, 2, &chars).unwrap();
        let cff = FontRef::from_index(&data, 2).unwrap();
        let tt = FontRef::new(&converted).unwrap();
        assert!(is_cff(&cff) && !is_cff(&tt));
        for c in chars {
            let (a, b) = (outline(&cff, c), outline(&tt, c));
            let (ba, bb) = (a.bounding_box(), b.bounding_box());
            for (x, y) in [
                (ba.x0, bb.x0),
                (ba.y0, bb.y0),
                (ba.x1, bb.x1),
                (ba.y1, bb.y1),
            ] {
                // Points are rounded to whole units; the curves stay within one more.
                assert!((x - y).abs() <= 1.5, "{c}: {ba:?} vs {bb:?}");
            }
            // Same ink, contours reversed: CFF counter-clockwise, TrueType clockwise.
            let (area_a, area_b) = (a.area(), b.area());
            assert!(area_a > 0.0 && area_b < 0.0, "{c}: {area_a} {area_b}");
            assert!(
                (area_a + area_b).abs() / area_a < 0.005,
                "{c}: {area_a} {area_b}"
            );
        }
    }
}
