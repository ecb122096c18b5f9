//! Stage 2, embed: the faces as the PDF will carry them, and their measures.
//!
//! Takes the chosen faces and the collected characters. Gives `Embedded`: every face that prints
//! something, subset to exactly the characters it prints with its advances scaled to the grid
//! pitch (`fonts::subset`); the widths a PDF viewer will read from each subset (`Metrics`); and
//! the size lead characters are set at in each face. The subsetting is most of the time a render
//! takes.

use std::collections::{BTreeSet, HashMap};

use super::collect::{Collected, is_blank};
use super::{BODY_PT, DRAFT_TEXT, SAMPLE_TEXT, UsedFace, pitch};
use crate::pdf::PdfError;
use crate::pdf::fonts::{self, FaceSet, Role};
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

/// `made` is given each subset as soon as it is made (`finish::FontPacker::take`).
pub(super) fn embed(
    faces: &FaceSet,
    text: &Collected,
    made: &(dyn Fn(&[u8]) + Sync),
) -> Result<Embedded, PdfError> {
    let per_face = chars_per_face(faces, text);
    let lead_pt = lead_sizes(faces, &per_face);
    let grid = pitch() / f64::from(BODY_PT);
    let mut used: Vec<UsedFace> = Vec::new();
    let mut face_map: Vec<Option<usize>> = vec![None; faces.faces.len()];
    // Read before the subsetting hands a compiled-in face's pages back (`Face::release_pages`):
    // read after, the name table and the tables `parse` checks are mapped in again, which
    // now and then waited 2 ms on the threads deflating beside it.
    let mut postscript: Vec<Option<String>> = (per_face.iter().enumerate())
        .map(|(i, chars)| (!chars.is_empty()).then(|| faces.faces[i].postscript_name()))
        .collect();
    let mut subsets = subsets(faces, &per_face, grid, made);
    for (i, chars) in per_face.iter().enumerate() {
        if chars.is_empty() {
            continue;
        }
        let face = &faces.faces[i];
        let subset = subsets[i].take().expect("a face that prints is subset")?;
        let postscript = postscript[i].take().expect("a face that prints is named");
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
    let metrics = used.iter().map(|f| Metrics::new(&f.subset)).collect();
    Ok(Embedded {
        faces: used,
        metrics,
        face_map,
        lead_pt,
    })
}

/// Each face that prints something subset to its characters (None for the others): the body's
/// face, most of the work, on this thread, the others beside it on another.
fn subsets(
    faces: &FaceSet,
    per_face: &[BTreeSet<char>],
    grid: f64,
    made: &(dyn Fn(&[u8]) + Sync),
) -> Vec<Option<Result<Vec<u8>, PdfError>>> {
    let body = faces.for_role(Role::Body);
    let subset = |i: usize| {
        let chars = &per_face[i];
        let subset = (!chars.is_empty()).then(|| fonts::subset(&faces.faces[i], chars, grid));
        // Done with the face's glyphs: a compiled-in face's pages need not stay resident.
        faces.release_pages(i);
        if let Some(Ok(bytes)) = &subset {
            made(bytes);
        }
        subset
    };
    std::thread::scope(|scope| {
        let others = scope.spawn(|| {
            (0..per_face.len())
                .map(|i| if i == body { None } else { subset(i) })
                .collect::<Vec<_>>()
        });
        let mine = subset(body);
        let mut all = others
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        all[body] = mine;
        all
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

/// Per chosen face, the size its lead characters are set at (their cell stays the body's).
fn lead_sizes(faces: &FaceSet, per_face: &[BTreeSet<char>]) -> Vec<u8> {
    let body_face = faces.for_role(Role::Body);
    let body_ink = faces.ink_height(body_face);
    (0..faces.faces.len())
        .map(|i| {
            if i == body_face || per_face[i].is_empty() {
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
                    // The ink (an outline walked) only where `piece` reads it.
                    let (x0, x1) = squeezable(c)
                        .then(|| face.glyph_bounding_box(g))
                        .flatten()
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

    /// A full-width mark's blank half may be squeezed: the side away from its ink, by half the
    /// cell at most (GB/T 15834: never below half an em). A mark whose ink sits in the middle
    /// of its cell has no blank half.
    pub fn piece(&self, c: char, size: u8) -> Piece {
        let mut p = Piece::new(c, self.advance(c, size));
        if let (true, Some(&(w, x0, x1))) = (squeezable(c), self.widths.get(&c)) {
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

/// A full-width mark whose blank half `Metrics::piece` may squeeze.
fn squeezable(c: char) -> bool {
    !c.is_ascii()
        && (linebreak::forbidden_start(c) || linebreak::forbidden_end(c))
        && !matches!(c, '—' | '…' | '々' | '℃' | '‰')
}
