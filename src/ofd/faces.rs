//! The faces as the OFD embeds them: each subset to the glyphs its pages print, and given back
//! the `cmap` a reader needs.
//!
//! A `TextCode` holds Unicode text, not glyph ids: a reader finds each character's glyph through
//! the embedded face's `cmap`. The subsetter the PDF uses (`subsetter`, krilla's) drops the
//! `cmap` (a PDF maps glyphs itself) and `OS/2`; it keeps the outlines (TrueType `glyf` or CFF,
//! a face of a collection taken out), `head`, `hhea`, `hmtx`, `maxp`, `name` and `post`. So the
//! subset is made with it, as for the PDF, and a `cmap` is added for exactly the characters
//! printed (format 4, and format 12 when one lies past U+FFFF), with the face's own `OS/2`:
//! one font parser and one subsetter in the tree, no new dependency. A CFF face (an office
//! .otf, Noto Serif CJK) stays CFF: OpenType with CFF outlines is OpenType, which GB/T 33190
//! asks of an embedded face; no `CGTransform` is needed since every character has its glyph
//! through the `cmap`.

use std::collections::BTreeMap;

use skrifa::raw::TableProvider;
use skrifa::{FontRef, Tag};

use crate::pdf::PdfError;
use crate::pdf::layout::{Metrics, UsedFace};
use crate::sfnt;

/// A face subset for the package: the file's bytes and its extension (`ttf` for TrueType
/// outlines, `otf` for CFF).
pub struct Subset {
    pub bytes: Vec<u8>,
    pub extension: &'static str,
}

/// Subsets `face` (measured by `metrics`) to the characters `chars`, each mapped to its glyph
/// by a new `cmap`.
pub fn subset(
    face: &UsedFace,
    metrics: &Metrics,
    chars: &BTreeMap<char, ()>,
) -> Result<Subset, PdfError> {
    let err = |reason: String| PdfError::Font {
        face: face.family.clone(),
        reason,
    };
    let glyphs: Vec<(char, u16)> = chars
        .keys()
        .filter_map(|&c| Some((c, u16::try_from(metrics.glyph(c)?).ok()?)))
        .collect();
    let ids: Vec<u16> = glyphs.iter().map(|(_, g)| *g).collect();
    let remap = subsetter::GlyphRemapper::new_from_glyphs_sorted(&ids);
    let data: &[u8] = (*face.source.data).as_ref();
    let subset = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        subsetter::subset(data, face.source.index, &remap)
    }))
    .map_err(|_| err("字形轮廓已损坏，无法取子集写入 OFD".into()))?
    .map_err(|e| err(format!("字形轮廓无法取子集写入 OFD（{e}）")))?;
    // Without hinting, long names and glyph names, as the PDF embeds it (the outlines as drawn).
    let subset = crate::pdf::write::trim_face(&subset).unwrap_or(subset);
    let mapping: Vec<(u32, u16)> = glyphs
        .iter()
        .filter_map(|&(c, g)| Some((c as u32, remap.get(g)?)))
        .collect();
    let original = FontRef::from_index(data, face.source.index).map_err(|e| err(format!("{e}")))?;
    let os2 = original
        .table_data(Tag::new(b"OS/2"))
        .map(|d| d.as_bytes().to_vec());
    let mut extra = vec![(*b"cmap", cmap(&mapping))];
    // `post` without glyph names (format 3, its first 32 bytes as they are): a reader maps
    // characters through the cmap, and names like `uni9734` spell numbers (the circulation
    // copy holds no digits of a value, not even in a glyph's name). The PDF trims them too.
    if let Some(post) = sfnt::table(&subset, b"post").filter(|p| p.len() >= 32) {
        let mut post = post[..32].to_vec();
        post[..4].copy_from_slice(&0x0003_0000u32.to_be_bytes());
        extra.push((*b"post", post));
    }
    if let Some(os2) = os2 {
        extra.push((*b"OS/2", os2));
    }
    let cff = original.cff().is_ok();
    let bytes = with_tables(&subset, extra).ok_or_else(|| err("子集的表目录无法读取".into()))?;
    Ok(Subset {
        bytes,
        extension: if cff { "otf" } else { "ttf" },
    })
}

/// A `cmap` table mapping each code point of `mapping` (sorted) to its glyph: a format 4
/// subtable (Windows, Unicode BMP) for the characters up to U+FFFF and, when there are others,
/// a format 12 subtable (Windows, Unicode full) for all of them.
fn cmap(mapping: &[(u32, u16)]) -> Vec<u8> {
    let bmp: Vec<(u32, u16)> = mapping
        .iter()
        .copied()
        .filter(|(c, _)| *c < 0xFFFF)
        .collect();
    let full = mapping.iter().any(|(c, _)| *c > 0xFFFF);
    let f4 = format4(&bmp);
    let f12 = full.then(|| format12(mapping));
    let count: u16 = if full { 2 } else { 1 };
    let mut out = Vec::new();
    put16(&mut out, 0);
    put16(&mut out, count);
    let first = 4 + 8 * u32::from(count);
    put16(&mut out, 3);
    put16(&mut out, 1);
    put32(&mut out, first);
    if full {
        put16(&mut out, 3);
        put16(&mut out, 10);
        put32(&mut out, first + f4.len() as u32);
    }
    out.extend(f4);
    out.extend(f12.unwrap_or_default());
    out
}

/// Runs of consecutive characters whose glyphs are consecutive too: (first char, last char,
/// first glyph).
fn runs(mapping: &[(u32, u16)]) -> Vec<(u32, u32, u16)> {
    let mut out: Vec<(u32, u32, u16)> = Vec::new();
    for &(c, g) in mapping {
        match out.last_mut() {
            Some((first, last, g0))
                if c == *last + 1 && u32::from(g) == u32::from(*g0) + (c - *first) =>
            {
                *last = c
            }
            _ => out.push((c, c, g)),
        }
    }
    out
}

/// cmap format 4: one segment per run (`idDelta` takes the character to its glyph), then the
/// closing segment at U+FFFF that the format requires.
fn format4(bmp: &[(u32, u16)]) -> Vec<u8> {
    let mut segments: Vec<(u16, u16, u16)> = runs(bmp)
        .into_iter()
        .map(|(first, last, g)| (first as u16, last as u16, g.wrapping_sub(first as u16)))
        .collect();
    segments.push((0xFFFF, 0xFFFF, 1));
    let n = segments.len() as u16;
    let selector = 15 - n.leading_zeros() as u16; // floor(log2 n)
    let range = 2 * (1u16 << selector);
    let mut out = Vec::new();
    put16(&mut out, 4);
    put16(&mut out, 16 + 8 * n);
    put16(&mut out, 0); // language
    put16(&mut out, 2 * n);
    put16(&mut out, range);
    put16(&mut out, selector);
    put16(&mut out, 2 * n - range);
    segments.iter().for_each(|s| put16(&mut out, s.1));
    put16(&mut out, 0); // reservedPad
    segments.iter().for_each(|s| put16(&mut out, s.0));
    segments.iter().for_each(|s| put16(&mut out, s.2));
    segments.iter().for_each(|_| put16(&mut out, 0)); // idRangeOffset
    out
}

/// cmap format 12: one group per run.
fn format12(mapping: &[(u32, u16)]) -> Vec<u8> {
    let groups = runs(mapping);
    let mut out = Vec::new();
    put16(&mut out, 12);
    put16(&mut out, 0);
    put32(&mut out, 16 + 12 * groups.len() as u32);
    put32(&mut out, 0); // language
    put32(&mut out, groups.len() as u32);
    for (first, last, g) in groups {
        put32(&mut out, first);
        put32(&mut out, last);
        put32(&mut out, u32::from(g));
    }
    out
}

fn put16(out: &mut Vec<u8>, v: u16) {
    out.extend_from_slice(&v.to_be_bytes());
}

fn put32(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&v.to_be_bytes());
}

/// The font `font` (one face, not a collection) with the tables of `extra` added (or put in
/// place of its own of the same tag), reassembled (`sfnt::assemble`: directory, checksums and
/// `head`'s `checkSumAdjustment` anew). None when its table directory cannot be read.
fn with_tables(font: &[u8], extra: Vec<([u8; 4], Vec<u8>)>) -> Option<Vec<u8>> {
    let mut tables: Vec<([u8; 4], Vec<u8>)> = sfnt::tables(font)?
        .into_iter()
        .filter(|(tag, _)| !extra.iter().any(|(t, _)| t == tag))
        .map(|(tag, data)| (tag, data.to_vec()))
        .collect();
    tables.extend(extra);
    Some(sfnt::assemble(font.get(0..4)?.try_into().ok()?, tables))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reads a format 4 subtable back the way a reader does, segment by segment.
    fn lookup4(table: &[u8], c: u16) -> u16 {
        let rd = |at: usize| u16::from_be_bytes([table[at], table[at + 1]]);
        let n = usize::from(rd(6) / 2);
        let ends = 14;
        let starts = ends + 2 * n + 2;
        let deltas = starts + 2 * n;
        for i in 0..n {
            if c <= rd(ends + 2 * i) {
                if c < rd(starts + 2 * i) {
                    return 0;
                }
                return c.wrapping_add(rd(deltas + 2 * i));
            }
        }
        0
    }

    #[test]
    fn format_4_maps_each_character_and_nothing_else() {
        let mapping = vec![
            (0x20, 3),
            (0x4E00, 1),
            (0x4E01, 2),
            (0x4E03, 7),
            (0x9F99, 4),
        ];
        let table = format4(&mapping);
        for (c, g) in &mapping {
            assert_eq!(lookup4(&table, *c as u16), *g, "U+{c:04X}");
        }
        assert_eq!(lookup4(&table, 0x4E02), 0);
        assert_eq!(lookup4(&table, 0x41), 0);
        // Two runs merge (4E00, 4E01 → 1, 2): four segments and the closing one.
        assert_eq!(u16::from_be_bytes([table[6], table[7]]), 2 * 5);
    }

    #[test]
    fn a_supplementary_character_gets_a_format_12_subtable() {
        let table = cmap(&[(0x4E00, 1), (0x20000, 2)]);
        assert_eq!(u16::from_be_bytes([table[2], table[3]]), 2);
        assert!(!cmap(&[(0x4E00, 1)]).is_empty());
    }

    #[test]
    fn the_rebuilt_font_sums_to_the_magic_number() {
        // A face of the bundled Song, subset to three glyphs, and its rebuilt directory.
        let faces = crate::pdf::fonts::choose(&crate::pdf::PdfOptions {
            fonts: crate::pdf::FontChoice::Bundled,
            ..Default::default()
        })
        .unwrap();
        let face = &faces.faces[faces.for_role(crate::pdf::fonts::Role::Body)];
        let data: &[u8] = face.bytes();
        let remap = subsetter::GlyphRemapper::new_from_glyphs_sorted(&[1, 2, 3]);
        let sub = subsetter::subset(data, face.index, &remap).unwrap();
        let out = with_tables(&sub, vec![(*b"cmap", cmap(&[(0x4E00, 1)]))]).unwrap();
        assert_eq!(sfnt::checksum(&out), 0xB1B0_AFBA);
        let font = FontRef::new(&out).unwrap();
        assert!(font.cmap().is_ok() && font.head().is_ok() && font.glyf().is_ok());
    }
}
