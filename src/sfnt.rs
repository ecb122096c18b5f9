//! A single-face sfnt's table directory (TrueType or CFF outlines), read and written: what the
//! PDF's trim, the OFD's faces (a `cmap` given back to a subset) and the .docx's editable copies
//! of the bundled faces rebuild. At the bottom: imports nothing of the crate.

/// The tables of `font` (one face, not a collection), in the order of its directory. None when
/// the directory points outside the file.
pub fn tables(font: &[u8]) -> Option<Vec<([u8; 4], &[u8])>> {
    let count = usize::from(u16::from_be_bytes(font.get(4..6)?.try_into().ok()?));
    (0..count)
        .map(|i| {
            let record = font.get(12 + 16 * i..28 + 16 * i)?;
            let tag: [u8; 4] = record[0..4].try_into().ok()?;
            let offset = u32::from_be_bytes(record[8..12].try_into().ok()?) as usize;
            let length = u32::from_be_bytes(record[12..16].try_into().ok()?) as usize;
            Some((tag, font.get(offset..offset.checked_add(length)?)?))
        })
        .collect()
}

/// The table `tag` of `font`, if it has one.
pub fn table<'a>(font: &'a [u8], tag: &[u8; 4]) -> Option<&'a [u8]> {
    tables(font)?
        .into_iter()
        .find_map(|(t, data)| (&t == tag).then_some(data))
}

/// The OpenType checksum of a table (or of a whole file): its big-endian words summed.
pub fn checksum(data: &[u8]) -> u32 {
    data.chunks(4).fold(0u32, |sum, chunk| {
        let mut word = [0u8; 4];
        word[..chunk.len()].copy_from_slice(chunk);
        sum.wrapping_add(u32::from_be_bytes(word))
    })
}

/// A single-face sfnt of `tables` with the sfnt `version` (the first four bytes of the face it
/// came from): the directory sorted by tag, each table 4-byte aligned with its checksum, and
/// `head.checkSumAdjustment` set for the whole file.
pub fn assemble(version: [u8; 4], mut tables: Vec<([u8; 4], Vec<u8>)>) -> Vec<u8> {
    tables.sort_by_key(|(tag, _)| *tag);
    let n = tables.len() as u16;
    let entry_selector = 15 - n.max(1).leading_zeros() as u16;
    let search_range = (1u16 << entry_selector) * 16;
    let mut out = Vec::new();
    out.extend_from_slice(&version);
    for v in [n, search_range, entry_selector, n * 16 - search_range] {
        out.extend_from_slice(&v.to_be_bytes());
    }
    let mut offset = 12 + 16 * tables.len();
    let mut head_at = None;
    for (tag, data) in &mut tables {
        if tag == b"head"
            && let Some(adjustment) = data.get_mut(8..12)
        {
            // Zero while the checksums are taken.
            adjustment.fill(0);
            head_at = Some(offset);
        }
        out.extend_from_slice(tag);
        out.extend_from_slice(&checksum(data).to_be_bytes());
        out.extend_from_slice(&(offset as u32).to_be_bytes());
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        offset += data.len().next_multiple_of(4);
    }
    for (_, data) in &tables {
        out.extend_from_slice(data);
        out.resize(out.len().next_multiple_of(4), 0);
    }
    if let Some(at) = head_at {
        let adjustment = 0xB1B0_AFBAu32.wrapping_sub(checksum(&out));
        out[at + 8..at + 12].copy_from_slice(&adjustment.to_be_bytes());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_face_reassembled_reads_back_table_by_table_and_sums_to_the_magic_number() {
        let song = include_bytes!("../fonts/gbsn00lp.ttf");
        let read = tables(song).unwrap();
        let version: [u8; 4] = song[0..4].try_into().unwrap();
        let out = assemble(
            version,
            read.iter().map(|(t, d)| (*t, d.to_vec())).collect(),
        );
        assert_eq!(checksum(&out), 0xB1B0_AFBA);
        for (tag, data) in &read {
            let back = table(&out, tag).unwrap();
            if tag == b"head" {
                assert_eq!((&back[..8], &back[12..]), (&data[..8], &data[12..]));
            } else {
                assert_eq!(back, *data, "{}", String::from_utf8_lossy(tag));
            }
        }
        assert!(table(&out, b"zzzz").is_none());
    }
}
