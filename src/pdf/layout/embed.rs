//! Stage 2, embed: the faces as the PDF will carry them, and their measures.
//!
//! Takes the chosen faces and the collected characters. Gives `Embedded`: every face that prints
//! something (the PDF writer subsets it to the glyphs printed); its glyphs measured, their
//! advances scaled to the grid pitch (`Metrics`); and the size lead characters are set at in
//! each face.

use std::collections::{BTreeSet, HashMap};

use skrifa::instance::{LocationRef, Size};
use skrifa::raw::TableProvider;
use skrifa::{FontRef, MetadataProvider};

use super::collect::{Collected, is_blank};
use super::{BODY_PT, DRAFT_TEXT, SAMPLE_TEXT, UsedFace, pitch};
use crate::pdf::PdfError;
use crate::pdf::fonts::{Face, FaceSet, Role};
use crate::pdf::linebreak::{self, Piece};

pub(super) struct Embedded {
    /// The faces that print something, in the order of `FaceSet::faces`.
    pub faces: Vec<UsedFace>,
    /// `metrics[i]` measures `faces[i]`.
    pub metrics: Vec<Metrics>,
    /// Per chosen face: its index in `faces`, None when it prints nothing.
    face_map: Vec<Option<usize>>,
    /// Per chosen face: the size its lead characters are set at.
    lead_pt: Vec<u8>,
}

impl Embedded {
    /// The embedded face standing for chosen face `chosen` (an index into `FaceSet::faces`).
    pub fn face(&self, chosen: usize) -> usize {
        self.face_map[chosen].expect("a face that prints is subset")
    }

    /// The size lead characters of chosen face `chosen` are set at.
    pub fn lead_size(&self, chosen: usize) -> u8 {
        self.lead_pt[chosen]
    }
}

pub(super) fn embed(faces: &FaceSet, text: &Collected) -> Result<Embedded, PdfError> {
    let per_face = chars_per_face(faces, text);
    let lead_pt = lead_sizes(faces, &per_face);
    let grid = pitch() / f64::from(BODY_PT);
    let mut used: Vec<UsedFace> = Vec::new();
    let mut metrics: Vec<Metrics> = Vec::new();
    let mut face_map: Vec<Option<usize>> = vec![None; faces.faces.len()];
    for (i, chars) in per_face.iter().enumerate() {
        if chars.is_empty() {
            continue;
        }
        let face = &faces.faces[i];
        let measured = Metrics::new(face, chars, grid).map_err(|reason| PdfError::Font {
            face: face.family.clone(),
            reason,
        })?;
        let roles = Role::ALL
            .iter()
            .copied()
            .filter(|r| faces.for_role(*r) == i)
            .collect();
        face_map[i] = Some(used.len());
        used.push(UsedFace {
            family: face.family.clone(),
            source: face.clone(),
            describe: face.describe(),
            roles,
        });
        metrics.push(measured);
    }
    Ok(Embedded {
        faces: used,
        metrics,
        face_map,
        lead_pt,
    })
}

/// Per chosen face, the characters it prints: in the text, in page numbers, in the marks and
/// the digest stamp.
fn chars_per_face(faces: &FaceSet, text: &Collected) -> Vec<BTreeSet<char>> {
    let mut per_face: Vec<BTreeSet<char>> = vec![BTreeSet::new(); faces.faces.len()];
    for b in &text.blocks {
        for c in &b.chars {
            per_face[c.face].insert(c.ch);
        }
    }
    let marks = &text.marks;
    per_face[marks.dash].insert('—');
    for (d, f) in marks.digits.iter().enumerate() {
        per_face[*f].insert(char::from_digit(d as u32, 10).expect("digit"));
    }
    for (c, f) in DRAFT_TEXT.chars().zip(&marks.draft) {
        per_face[*f].insert(c);
    }
    for (c, f) in SAMPLE_TEXT.chars().zip(&marks.sample) {
        per_face[*f].insert(c);
    }
    for (c, f) in crate::document::CIRCULATION_LINE
        .chars()
        .zip(&marks.circulation)
    {
        per_face[*f].insert(c);
    }
    if let Some(stamp) = &marks.stamp {
        let printed = stamp.text.chars().filter(|c| !is_blank(*c));
        for (c, f) in printed.zip(&stamp.faces) {
            per_face[*f].insert(c);
        }
    }
    per_face
}

/// Per chosen face, the size its lead characters are set at (their cell stays the body's): an
/// office face (楷体_GB2312, KaiTi, found with `--fonts auto`) at the body's 16 pt, 3号 as GB/T
/// 9704 sets every line of the text; only a bundled stand-in scaled to match the body's ink.
fn lead_sizes(faces: &FaceSet, per_face: &[BTreeSet<char>]) -> Vec<u8> {
    let body_face = faces.for_role(Role::Body);
    let body_ink = faces.ink_height(body_face);
    (0..faces.faces.len())
        .map(|i| {
            if i == body_face || per_face[i].is_empty() || faces.faces[i].path.is_some() {
                return BODY_PT;
            }
            lead_size(body_ink, faces.ink_height(i))
        })
        .collect()
}

/// The size lead characters are set at so their ink matches the body's: AR PL KaitiM GB draws
/// its ideographs in 0.83 em against SungtiL's 0.92, so at the same size a lead sentence looks
/// smaller and letter-spaced. At most two points larger (18 pt), centred on the 16 pt cell; a
/// Kai as large as the body (楷体_GB2312) stays at 16 pt.
pub(super) fn lead_size(body_ink: Option<f64>, lead_ink: Option<f64>) -> u8 {
    let (Some(body), Some(lead)) = (body_ink, lead_ink) else {
        return BODY_PT;
    };
    let pt = (f64::from(BODY_PT) * body / lead).round();
    pt.clamp(f64::from(BODY_PT), f64::from(BODY_PT + 2)) as u8
}

/// A face's glyphs for the characters a document prints: each one's glyph id, advance and (for
/// the marks whose blank half may be squeezed) ink, read from the face itself with skrifa and
/// kept at full precision. The advances are the grid's (`grid` of the face's own): the PDF
/// writer places every glyph at the advance given, so what the layout measures is where the
/// viewer draws.
#[derive(Debug, Clone)]
pub struct Metrics {
    /// (glyph id, advance, ink xmin, ink xmax), the last three in thousandths of an em.
    glyphs: HashMap<char, (u32, f64, f64, f64)>,
    /// The factor the face's own advances were scaled by (the grid pitch over the size).
    grid: f64,
}

impl Metrics {
    /// Measures `chars` in `face`, each advance times `grid`; Err names a character the face
    /// has no glyph for, or a face that cannot be read.
    pub fn new(face: &Face, chars: &BTreeSet<char>, grid: f64) -> Result<Metrics, String> {
        let font = FontRef::from_index(face.bytes(), face.index)
            .map_err(|e| format!("字体文件已损坏（{e}）"))?;
        let upem = font
            .head()
            .map_err(|_| "缺少 head 表（字体头），或该表已损坏".to_string())?
            .units_per_em();
        let k = 1000.0 / f64::from(upem);
        let charmap = font.charmap();
        let measure = font.glyph_metrics(Size::unscaled(), LocationRef::default());
        let mut glyphs = HashMap::with_capacity(chars.len());
        for &c in chars {
            let Some(g) = charmap.map(c).filter(|g| g.to_u32() != 0) else {
                return Err(format!("缺少字符“{c}”(U+{:04X})", c as u32));
            };
            let adv = f64::from(measure.advance_width(g).unwrap_or(0.0)) * k * grid;
            // The ink (an outline walked) only where `piece` reads it; the outlines keep their
            // size, only the advances are the grid's.
            let (x0, x1) = squeezable(c)
                .then(|| measure.bounds(g))
                .flatten()
                .filter(|b| b.x_max > b.x_min)
                .map(|b| (f64::from(b.x_min) * k, f64::from(b.x_max) * k))
                .unwrap_or((0.0, adv));
            glyphs.insert(c, (g.to_u32(), adv, x0, x1));
        }
        Ok(Metrics { glyphs, grid })
    }

    /// The factor the face's own advances are scaled by: the PDF writer gives the embedded face
    /// these advances, so that a glyph's box is its grid cell.
    pub fn grid(&self) -> f64 {
        self.grid
    }

    /// The characters measured.
    pub fn chars(&self) -> impl Iterator<Item = char> + '_ {
        self.glyphs.keys().copied()
    }

    /// The glyph id of `c`, when it was measured.
    pub fn glyph(&self, c: char) -> Option<u32> {
        self.glyphs.get(&c).map(|g| g.0)
    }

    pub fn advance(&self, c: char, size: u8) -> f64 {
        self.glyphs
            .get(&c)
            .map(|g| g.1 / 1000.0 * f64::from(size))
            .unwrap_or(if is_blank(c) { 0.0 } else { f64::from(size) })
    }

    /// A full-width mark's blank half may be squeezed: the side away from its ink, by half the
    /// cell at most (GB/T 15834: never below half an em). A mark whose ink sits in the middle
    /// of its cell has no blank half.
    pub fn piece(&self, c: char, size: u8) -> Piece {
        let mut p = Piece::new(c, self.advance(c, size));
        if let (true, Some(&(_, w, x0, x1))) = (squeezable(c), self.glyphs.get(&c)) {
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

/// A full-width mark whose blank half `Metrics::piece` may squeeze.
fn squeezable(c: char) -> bool {
    !c.is_ascii()
        && (linebreak::forbidden_start(c) || linebreak::forbidden_end(c))
        && !matches!(c, '—' | '…' | '々' | '℃' | '‰')
}
