//! What a subset face carries that a PDF never uses, taken out before krilla embeds it: the
//! hinting (the `cvt `, `fpgm` and `prep` tables and each glyph's instructions: a viewer scales
//! the outlines itself, and the speech prints at one size), the `name` table's records beyond
//! the face's own names (IDs 0–6: copyright, family, style, unique id, full name, version,
//! PostScript name; the licence texts, often in several languages, are kilobytes per face) and
//! the glyph names of a version 2 `post` table. What is kept is every outline as drawn: the
//! pages look the same and extract the same; the sample's PDF is a quarter smaller.

/// The tables a PDF's embedded face never reads.
const DROPPED: [&[u8; 4]; 6] = [b"cvt ", b"fpgm", b"prep", b"hdmx", b"LTSH", b"VDMX"];

fn u16_at(data: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes(data.get(at..at + 2)?.try_into().ok()?))
}

fn u32_at(data: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(data.get(at..at + 4)?.try_into().ok()?))
}

/// `font` (one face, TrueType or CFF) without hinting, long names and glyph names; None when its
/// tables cannot be read as expected (the caller then embeds the subset untrimmed).
pub(crate) fn trim(font: &[u8]) -> Option<Vec<u8>> {
    let tables = crate::sfnt::tables(font)?;
    let count = tables.len();
    let find = |tag: &[u8; 4]| tables.iter().find(|(t, _)| t == tag).map(|(_, d)| *d);
    let mut out: Vec<([u8; 4], Vec<u8>)> = Vec::with_capacity(count);
    let mut loca = None;
    let head = find(b"head")?;
    if let (Some(glyf), Some(old_loca)) = (find(b"glyf"), find(b"loca")) {
        let long = u16_at(head, 50)? != 0;
        let glyphs = usize::from(u16_at(find(b"maxp")?, 4)?);
        let (g, l) = strip_glyf(glyf, old_loca, glyphs, long)?;
        loca = Some(l);
        out.push((*b"glyf", g));
    }
    for (tag, data) in &tables {
        let kept = match tag {
            t if DROPPED.contains(&t) => continue,
            b"glyf" => continue,
            b"loca" => loca.take()?,
            b"name" => short_names(data)?,
            b"post" if u32_at(data, 0)? == 0x0002_0000 => {
                // Version 3: the same header, no glyph names.
                let mut post = data.get(..32)?.to_vec();
                post[0..4].copy_from_slice(&0x0003_0000u32.to_be_bytes());
                post
            }
            b"maxp" if data.len() >= 32 => {
                let mut maxp = data.to_vec();
                // maxZones 1; twilight points, storage, function and instruction definitions,
                // stack elements and the size of instructions: none.
                maxp[14..16].copy_from_slice(&1u16.to_be_bytes());
                maxp[16..28].copy_from_slice(&[0; 12]);
                maxp
            }
            _ => data.to_vec(),
        };
        out.push((*tag, kept));
    }
    Some(crate::sfnt::assemble(font.get(0..4)?.try_into().ok()?, out))
}

/// The glyf table without instructions and its loca, in the same format (short offsets are
/// halved, so each glyph stays at an even offset).
fn strip_glyf(glyf: &[u8], loca: &[u8], glyphs: usize, long: bool) -> Option<(Vec<u8>, Vec<u8>)> {
    let offset = |i: usize| -> Option<usize> {
        if long {
            u32_at(loca, 4 * i).map(|v| v as usize)
        } else {
            u16_at(loca, 2 * i).map(|v| 2 * usize::from(v))
        }
    };
    let mut new_glyf = Vec::with_capacity(glyf.len());
    let mut new_loca = Vec::with_capacity(loca.len());
    let push_offset = |at: usize, to: &mut Vec<u8>| -> Option<()> {
        if long {
            to.extend_from_slice(&u32::try_from(at).ok()?.to_be_bytes());
        } else {
            to.extend_from_slice(&u16::try_from(at / 2).ok()?.to_be_bytes());
        }
        Some(())
    };
    for i in 0..glyphs {
        push_offset(new_glyf.len(), &mut new_loca)?;
        let (start, end) = (offset(i)?, offset(i + 1)?);
        if end <= start {
            continue;
        }
        new_glyf.extend(strip_glyph(glyf.get(start..end)?)?);
        if !long && new_glyf.len() % 2 == 1 {
            new_glyf.push(0);
        }
    }
    push_offset(new_glyf.len(), &mut new_loca)?;
    Some((new_glyf, new_loca))
}

/// One glyph without its instructions.
fn strip_glyph(glyph: &[u8]) -> Option<Vec<u8>> {
    let contours = u16_at(glyph, 0)? as i16;
    if contours >= 0 {
        // Header, the contours' end points, then the instructions' length and the instructions.
        let at = 10 + 2 * contours as usize;
        let len = usize::from(u16_at(glyph, at)?);
        let rest = glyph.get(at + 2 + len..)?;
        let mut out = glyph.get(..at)?.to_vec();
        out.extend_from_slice(&[0, 0]);
        out.extend_from_slice(rest);
        return Some(out);
    }
    // A composite: its components, then (when one says so) the instructions, dropped.
    const WORDS: u16 = 0x0001;
    const SCALE: u16 = 0x0008;
    const MORE: u16 = 0x0020;
    const XY_SCALE: u16 = 0x0040;
    const TWO_BY_TWO: u16 = 0x0080;
    const INSTRUCTIONS: u16 = 0x0100;
    let mut out = glyph.get(..10)?.to_vec();
    let mut at = 10;
    loop {
        let flags = u16_at(glyph, at)?;
        let mut len = 4 + if flags & WORDS != 0 { 4 } else { 2 };
        len += match () {
            _ if flags & SCALE != 0 => 2,
            _ if flags & XY_SCALE != 0 => 4,
            _ if flags & TWO_BY_TWO != 0 => 8,
            _ => 0,
        };
        let component = glyph.get(at..at + len)?;
        out.extend_from_slice(&(flags & !INSTRUCTIONS).to_be_bytes());
        out.extend_from_slice(&component[2..]);
        at += len;
        if flags & MORE == 0 {
            return Some(out);
        }
    }
}

/// A `name` table (format 0) with the records of IDs 0–6 only, their strings alone.
fn short_names(name: &[u8]) -> Option<Vec<u8>> {
    if u16_at(name, 0)? != 0 {
        return Some(name.to_vec());
    }
    let count = usize::from(u16_at(name, 2)?);
    let storage = usize::from(u16_at(name, 4)?);
    let mut records = Vec::new();
    let mut strings: Vec<u8> = Vec::new();
    for i in 0..count {
        let rec = name.get(6 + 12 * i..18 + 12 * i)?;
        if u16_at(rec, 6)? > 6 {
            continue;
        }
        let len = usize::from(u16_at(rec, 8)?);
        let offset = storage + usize::from(u16_at(rec, 10)?);
        let text = name.get(offset..offset + len)?;
        let at = match strings.windows(len.max(1)).position(|w| w == text) {
            Some(at) if len > 0 => at,
            _ => {
                strings.extend_from_slice(text);
                strings.len() - len
            }
        };
        let mut rec = rec.to_vec();
        rec[10..12].copy_from_slice(&u16::try_from(at).ok()?.to_be_bytes());
        records.push(rec);
    }
    let mut out = Vec::with_capacity(6 + 12 * records.len() + strings.len());
    out.extend_from_slice(&0u16.to_be_bytes());
    out.extend_from_slice(&u16::try_from(records.len()).ok()?.to_be_bytes());
    out.extend_from_slice(&u16::try_from(6 + 12 * records.len()).ok()?.to_be_bytes());
    for rec in records {
        out.extend(rec);
    }
    out.extend(strings);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_simple_glyph_loses_its_instructions_only() {
        // One contour ending at point 0, three bytes of instructions, one flag and two coords.
        let glyph = [
            0, 1, 0, 0, 0, 0, 0, 10, 0, 10, // header
            0, 0, // end point
            0, 3, 0xb0, 0x01, 0x2f, // instructions
            0x37, 5, 5, // flag, x, y
        ];
        let stripped = strip_glyph(&glyph).unwrap();
        assert_eq!(
            stripped,
            [0, 1, 0, 0, 0, 0, 0, 10, 0, 10, 0, 0, 0, 0, 0x37, 5, 5]
        );
    }

    #[test]
    fn a_composite_keeps_its_components_and_drops_the_flag() {
        let glyph = [
            0xff, 0xff, 0, 0, 0, 0, 0, 10, 0, 10, // header
            0x01, 0x23, 0, 4, 0, 1, 0, 2, // words, more, instructions: glyph 4 at (1, 2)
            0x00, 0x00, 0, 5, 3, 4, // glyph 5 at (3, 4), last
            0, 2, 0xb0, 0x01, // instructions
        ];
        let stripped = strip_glyph(&glyph).unwrap();
        assert_eq!(
            stripped,
            [
                0xff, 0xff, 0, 0, 0, 0, 0, 10, 0, 10, 0x00, 0x23, 0, 4, 0, 1, 0, 2, 0, 0, 0, 5, 3,
                4
            ]
        );
    }
}
