//! Short texts set outside the speech's own layout: the verification sheet's table. Each role's
//! face is measured for exactly the characters given (the same rule as the speech: krilla
//! embeds only the glyphs printed, a character no face has is an error, never an invisible
//! glyph), and texts are measured with the advances the PDF is written with.

use std::collections::{BTreeSet, HashMap};

use super::fonts::{FaceSet, Role};
use super::layout::{self, Metrics, Part, Run, UsedFace};
use super::{PdfError, Place};

/// Characters that are never printed as glyphs: the speech's blanks (the ideographic space is
/// not one: it holds a cell) and the zero-width space that marks a break in the sheet's cells.
fn is_blank(c: char) -> bool {
    layout::is_blank(c) || c == '\u{200b}'
}

/// The subset faces that set some texts, and their widths.
pub struct TextFaces {
    /// In the order of the face set; hand them to the PDF writer.
    pub faces: Vec<UsedFace>,
    /// `metrics[i]` measures `faces[i]`.
    pub metrics: Vec<Metrics>,
    face_of: HashMap<(Role, char), usize>,
}

impl TextFaces {
    /// Subsets the faces that `texts` need (each text in its role). `place` says where a
    /// character no face has was found, for the message.
    pub fn new(
        set: &FaceSet,
        texts: &[(Role, &str)],
        place: impl Fn(&str) -> Place,
    ) -> Result<TextFaces, PdfError> {
        let mut face_of: HashMap<(Role, char), usize> = HashMap::new();
        let mut per_source: Vec<BTreeSet<char>> = vec![BTreeSet::new(); set.faces.len()];
        for (role, text) in texts {
            for c in text.chars().filter(|c| !is_blank(*c)) {
                // The sheet repeats its characters: each is resolved once.
                if face_of.contains_key(&(*role, c)) {
                    continue;
                }
                let source = set.resolve(*role, c).ok_or_else(|| PdfError::MissingChar {
                    face: set.faces[set.for_role(*role)].family.clone(),
                    ch: c,
                    place: place(text),
                })?;
                per_source[source].insert(c);
                face_of.insert((*role, c), source);
            }
        }
        let mut faces = Vec::new();
        let mut metrics = Vec::new();
        let mut used_index: Vec<Option<usize>> = vec![None; set.faces.len()];
        for (i, chars) in per_source.iter().enumerate() {
            if chars.is_empty() {
                continue;
            }
            let face = &set.faces[i];
            let measured = Metrics::new(face, chars, 1.0).map_err(|reason| PdfError::Font {
                face: face.family.clone(),
                reason,
            })?;
            metrics.push(measured);
            used_index[i] = Some(faces.len());
            faces.push(UsedFace {
                family: face.family.clone(),
                source: face.clone(),
                describe: face.describe(),
                roles: Vec::new(),
            });
        }
        for f in face_of.values_mut() {
            *f = used_index[*f].expect("a face with characters is subset");
        }
        Ok(TextFaces {
            faces,
            metrics,
            face_of,
        })
    }

    /// The advance of `c` in `role` at `size` points (blanks: none).
    pub fn advance(&self, role: Role, c: char, size: u8) -> f64 {
        if is_blank(c) {
            return if c == ' ' { f64::from(size) / 4.0 } else { 0.0 };
        }
        self.metrics[self.face_of[&(role, c)]].advance(c, size)
    }

    /// The width of `text` set in `role` at `size` points.
    pub fn width(&self, role: Role, text: &str, size: u8) -> f64 {
        text.chars().map(|c| self.advance(role, c, size)).sum()
    }

    /// `text` as runs starting at `x` on `baseline`: one per stretch of one face, blanks left
    /// out (a space moves the next run on, a zero-width space only marks a break).
    pub fn runs(&self, role: Role, text: &str, size: u8, x: f64, baseline: f64) -> Vec<Run> {
        let mut runs: Vec<Run> = Vec::new();
        let mut x = x;
        let mut joined = false;
        for c in text.chars() {
            if is_blank(c) {
                x += self.advance(role, c, size);
                joined = c == '\u{200b}' && joined;
                continue;
            }
            let face = self.face_of[&(role, c)];
            match runs.last_mut() {
                Some(r) if joined && r.face == face => r.text.push(c),
                _ => runs.push(Run {
                    face,
                    size,
                    x,
                    baseline,
                    text: c.to_string(),
                    spacing: 0.0,
                    kerns: Vec::new(),
                    part: Part::Paragraph(0),
                }),
            }
            joined = true;
            x += self.advance(role, c, size);
        }
        runs
    }
}
