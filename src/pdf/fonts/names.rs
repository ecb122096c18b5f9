//! Family names from a font's `name` table, in every encoding office fonts carry them.
//!
//! Older Chinese office fonts (仿宋_GB2312, 楷体_GB2312 as shipped with Windows XP and by many
//! vendors since) name themselves only in the PRC encoding (platform 3, encoding 3): GB2312/GBK
//! bytes, stored either packed or in 16-bit units with a zero byte before each single-byte
//! character. Readers that take only Unicode and Mac names (fontdb, ttf-parser's `to_string`)
//! see no family at all in such a file, so an installed 仿宋_GB2312 would go unnoticed.

use encoding_rs::Encoding;
use skrifa::raw::tables::name::Name;
use skrifa::raw::{FontData, FontRead};

/// Name IDs that give a face's family: 1 (family) and 16 (typographic family).
const FAMILY_IDS: [u16; 2] = [1, 16];

/// The family names in a `name` table, every platform and language, in table order without
/// repeats. Records in an encoding this cannot decode are passed over.
pub fn family_names(name_table: &[u8]) -> Vec<String> {
    let Ok(name) = Name::read(FontData::new(name_table)) else {
        return Vec::new();
    };
    let strings = name.string_data();
    let mut out: Vec<String> = Vec::new();
    for record in name.name_record() {
        if !FAMILY_IDS.contains(&record.name_id().to_u16()) {
            continue;
        }
        let start = record.string_offset().to_u32() as usize;
        let Some(bytes) = strings
            .as_bytes()
            .get(start..start + usize::from(record.length()))
        else {
            continue;
        };
        let decoded = decode(record.platform_id(), record.encoding_id(), bytes);
        if let Some(s) = decoded.map(|s| s.trim_end_matches(['\0', ' ']).to_string())
            && !s.is_empty()
            && !out.contains(&s)
        {
            out.push(s);
        }
    }
    out
}

/// One name record's string, by its platform and encoding.
pub fn decode(platform: u16, encoding: u16, bytes: &[u8]) -> Option<String> {
    match (platform, encoding) {
        (0, _) | (3, 0 | 1 | 10) => utf16_be(bytes),
        (1, 0) => Some(bytes.iter().map(|b| mac_roman(*b)).collect()),
        // Macintosh simplified and traditional Chinese.
        (1, 25) => decode_legacy(encoding_rs::GBK, bytes),
        (1, 2) => decode_legacy(encoding_rs::BIG5, bytes),
        // Windows: ShiftJIS, PRC (GB2312/GBK), Big5, Wansung.
        (3, 2) => decode_legacy(encoding_rs::SHIFT_JIS, bytes),
        (3, 3) => decode_legacy(encoding_rs::GBK, bytes),
        (3, 4) => decode_legacy(encoding_rs::BIG5, bytes),
        (3, 5) => decode_legacy(encoding_rs::EUC_KR, bytes),
        _ => None,
    }
}

/// A double-byte legacy encoding (GBK, Big5, …), packed or in 16-bit units.
///
/// In the 16-bit form each unit holds either a double-byte character or a zero byte and a
/// single-byte one (`00 5F` for `_`). No byte of a packed string in these encodings is zero (a
/// lead byte is 0x81 or above, a trail byte 0x40 or above), so dropping every zero byte turns
/// either form into the packed one. A record that still does not decode is sometimes UTF-16
/// under the wrong encoding ID; that is tried last.
pub fn decode_legacy(encoding: &'static Encoding, bytes: &[u8]) -> Option<String> {
    let packed: Vec<u8> = bytes.iter().copied().filter(|b| *b != 0).collect();
    encoding
        .decode_without_bom_handling_and_without_replacement(&packed)
        .map(|s| s.into_owned())
        .or_else(|| utf16_be(bytes))
}

fn utf16_be(bytes: &[u8]) -> Option<String> {
    if !bytes.len().is_multiple_of(2) {
        return None;
    }
    let units = bytes
        .chunks_exact(2)
        .map(|u| u16::from_be_bytes([u[0], u[1]]));
    char::decode_utf16(units)
        .collect::<Result<String, _>>()
        .ok()
}

/// Mac OS Roman; family names are almost always ASCII, the upper half is read-fonts' table.
fn mac_roman(b: u8) -> char {
    skrifa::raw::tables::name::MacRomanMapping.decode(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    // 仿宋_GB2312 in GBK: 仿 = B7 C2, 宋 = CB CE, then ASCII.
    const FANGSONG_PACKED: &[u8] = &[
        0xB7, 0xC2, 0xCB, 0xCE, 0x5F, 0x47, 0x42, 0x32, 0x33, 0x31, 0x32,
    ];
    // The same in 16-bit units, as Windows' own 仿宋_GB2312 (SIMFANG.TTF of XP) stores it.
    const FANGSONG_WIDE: &[u8] = &[
        0xB7, 0xC2, 0xCB, 0xCE, 0x00, 0x5F, 0x00, 0x47, 0x00, 0x42, 0x00, 0x32, 0x00, 0x33, 0x00,
        0x31, 0x00, 0x32,
    ];

    #[test]
    fn prc_names_decode_packed_and_in_16_bit_units() {
        assert_eq!(
            decode(3, 3, FANGSONG_PACKED).as_deref(),
            Some("仿宋_GB2312")
        );
        assert_eq!(decode(3, 3, FANGSONG_WIDE).as_deref(), Some("仿宋_GB2312"));
        // 楷体_GB2312: 楷 = BF AC, 体 = CC E5.
        let kai = [0xBF, 0xAC, 0xCC, 0xE5, 0x00, 0x5F, 0x00, 0x4B];
        assert_eq!(decode(3, 3, &kai).as_deref(), Some("楷体_K"));
    }

    #[test]
    fn unicode_and_mac_names_decode_and_unknown_encodings_do_not() {
        let utf16: Vec<u8> = "黑体"
            .encode_utf16()
            .flat_map(|u| u.to_be_bytes())
            .collect();
        assert_eq!(decode(3, 1, &utf16).as_deref(), Some("黑体"));
        assert_eq!(decode(0, 3, &utf16).as_deref(), Some("黑体"));
        assert_eq!(decode(1, 0, b"SimHei").as_deref(), Some("SimHei"));
        assert_eq!(decode(3, 7, b"x"), None);
        // A PRC record that is really UTF-16 (a mislabelled file) still reads when its bytes are
        // not GBK: 仿宋 is 4E FF 5B 8B, and FF is no GBK lead byte.
        let fangsong: Vec<u8> = "仿宋"
            .encode_utf16()
            .flat_map(|u| u.to_be_bytes())
            .collect();
        assert_eq!(decode(3, 3, &fangsong).as_deref(), Some("仿宋"));
    }

    /// A name table holding one family record: 3/3 (PRC), 16-bit form.
    fn prc_only_table() -> Vec<u8> {
        let mut t = Vec::new();
        for v in [0u16, 1, 6 + 12] {
            t.extend(v.to_be_bytes());
        }
        for v in [3u16, 3, 0x0804, 1, FANGSONG_WIDE.len() as u16, 0] {
            t.extend(v.to_be_bytes());
        }
        t.extend(FANGSONG_WIDE);
        t
    }

    #[test]
    fn a_family_named_only_in_the_prc_encoding_is_found() {
        assert_eq!(family_names(&prc_only_table()), ["仿宋_GB2312"]);
        assert!(family_names(b"not a name table").is_empty());
    }

    #[test]
    fn names_of_the_bundled_faces() {
        let font = skrifa::FontRef::new(include_bytes!("../../../fonts/wqy-microhei.ttf")).unwrap();
        let table = font.table_data(skrifa::Tag::new(b"name")).unwrap();
        let names = family_names(table.as_bytes());
        assert!(
            names.contains(&"WenQuanYi Micro Hei".to_string()),
            "{names:?}"
        );
        assert!(names.contains(&"文泉驿微米黑".to_string()), "{names:?}");
    }
}
