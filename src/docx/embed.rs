//! `--embed-fonts`: the faces the speech is set in, carried inside the package as Word embeds
//! fonts (ECMA-376 Part 1, §17.8.1): each an obfuscated part `word/fonts/fontN.odttf`, named in
//! the font table by `w:embedRegular` with its key, and `w:embedTrueTypeFonts` in the settings.
//!
//! Why: LibreOffice on a machine without the office fonts reads none of the font table's hints
//! (`w:altName`, `w:family`, `w:panose1`) and sets every role in fontconfig's default sans; a
//! face carried in the package is used under the office name it is registered for, so body,
//! title, headings and lead sentences print in a Song, a heavy serif, a Hei and a Kai as the PDF
//! does (tried with LibreOffice 7.4.7).
//!
//! Faces are embedded whole, not subset: the .docx is for editing, and a subset face would leave
//! every character a clerk adds in a stand-in. LibreOffice loads an embedded face only where its
//! OS/2 `fsType` allows editing (installable 0 or editable 8; "preview & print" 4 is ignored on
//! load, Word opens such a document read-only). The bundled AR PL faces are marked 4; their
//! licence (the Arphic Public License, §2) allows a modified copy, so their embedded copy is
//! marked editable (8) and says so in its version string (name ID 5), as §2a asks. A face found
//! on the machine is embedded only as its own `fsType` allows, never changed.

use sha2::{Digest, Sha256};

use crate::sfnt;

/// A face to carry in the package, for the role whose office font is `office_name`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmbeddedFace {
    /// The font table entry it is registered for (仿宋_GB2312, 黑体, …).
    pub office_name: &'static str,
    /// The face's own family name, for messages.
    pub family: String,
    /// The face's bytes as they go into the package (before obfuscation).
    pub data: Vec<u8>,
}

/// The faces of `set` (the PDF's choice: the office fonts found, else the bundled faces) for the
/// package, each under the office names of its role; the body's face also stands for 宋体, the
/// page numbers' face. Notes (提示) say which were left out and why.
pub fn from_face_set(set: &crate::pdf::fonts::FaceSet) -> (Vec<EmbeddedFace>, Vec<String>) {
    use super::styles::{BODY_FONT, HEADING_FONT, KAI_FONT, PAGE_NUMBER_FONT, TITLE_FONT};
    use crate::pdf::fonts::Role;
    let roles = [
        (BODY_FONT, Role::Body),
        (PAGE_NUMBER_FONT, Role::Body),
        (TITLE_FONT, Role::Title),
        (HEADING_FONT, Role::Heading),
        (KAI_FONT, Role::Lead),
    ];
    let faces: Vec<(&'static str, String, &[u8], bool)> = roles
        .iter()
        .map(|&(office, role)| {
            let face = &set.faces[set.for_role(role)];
            (
                office,
                face.family.clone(),
                face.bytes(),
                face.path.is_none(),
            )
        })
        .collect();
    prepare(&faces)
}

/// What a face's OS/2 `fsType` allows an office to do with it once embedded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Embedding {
    /// Installable (0) or editable (8): the document opens for editing with it.
    Editable,
    /// Preview & print (4): shown read-only by Word and ignored by LibreOffice.
    PreviewAndPrint,
    /// Restricted (2): may not be embedded at all.
    Restricted,
}

/// The faces for an embedding: per office name the face of its role. `bundled` says whether the
/// face is one compiled into the binary (whose licence allows marking its copy editable); notes
/// (提示) say which faces were left out and why.
pub fn prepare(faces: &[(&'static str, String, &[u8], bool)]) -> (Vec<EmbeddedFace>, Vec<String>) {
    let mut out: Vec<EmbeddedFace> = Vec::new();
    let mut notes = Vec::new();
    for &(office_name, ref family, data, bundled) in faces {
        if data.starts_with(b"ttcf") {
            notes.push(format!(
                "提示：--embed-fonts：{family}（{office_name}）在字体集合文件（.ttc）中，Word 只嵌入单个字体文件，未嵌入"
            ));
            continue;
        }
        let data = match (embedding(data), bundled) {
            (Some(Embedding::Editable), _) => data.to_vec(),
            (Some(Embedding::PreviewAndPrint), true) => match editable_copy(data) {
                Some(copy) => copy,
                None => continue,
            },
            (Some(Embedding::PreviewAndPrint), false) => {
                notes.push(format!(
                    "提示：--embed-fonts：{family}（{office_name}）只许嵌入后预览和打印，LibreOffice 不用这样的嵌入字体，未嵌入"
                ));
                continue;
            }
            (Some(Embedding::Restricted), _) | (None, _) => {
                notes.push(format!(
                    "提示：--embed-fonts：{family}（{office_name}）不许嵌入，未嵌入"
                ));
                continue;
            }
        };
        out.push(EmbeddedFace {
            office_name,
            family: family.clone(),
            data,
        });
    }
    (out, notes)
}

/// The embedding a face's OS/2 table allows; None when it has none (or is not a font).
pub fn embedding(data: &[u8]) -> Option<Embedding> {
    let os2 = sfnt::table(data, b"OS/2")?;
    let fs_type = u16::from_be_bytes(os2.get(8..10)?.try_into().ok()?);
    Some(if fs_type & 0x000E == 0 || fs_type & 0x0008 != 0 {
        Embedding::Editable
    } else if fs_type & 0x0004 != 0 {
        Embedding::PreviewAndPrint
    } else {
        Embedding::Restricted
    })
}

/// The version string's addition in an AR PL face's embedded copy (Arphic Public License §2a: a
/// prominent notice in the modified file of how and when it was changed).
pub const NOTICE: &str = "; embedded copy changed by speechgen's .docx writer when the document was written: OS/2 fsType 4 (preview & print) set to 8 (editable), so that word processors load it";

/// A copy of a single-face font with `fsType` 8 (editable) and the [`NOTICE`] after its English
/// version strings.
fn editable_copy(data: &[u8]) -> Option<Vec<u8>> {
    let mut tables: Vec<([u8; 4], Vec<u8>)> = sfnt::tables(data)?
        .into_iter()
        .map(|(tag, bytes)| (tag, bytes.to_vec()))
        .collect();
    for (tag, bytes) in &mut tables {
        match &*tag {
            b"OS/2" => bytes.get_mut(8..10)?.copy_from_slice(&8u16.to_be_bytes()),
            b"name" => *bytes = with_notice(bytes)?,
            _ => {}
        }
    }
    Some(sfnt::assemble(data.get(0..4)?.try_into().ok()?, tables))
}

/// A `name` table (format 0) whose version strings (name ID 5) end with [`NOTICE`]: UTF-16BE
/// for Unicode and Windows records, ASCII for Macintosh Roman ones.
fn with_notice(name: &[u8]) -> Option<Vec<u8>> {
    let count = u16::from_be_bytes(name.get(2..4)?.try_into().ok()?) as usize;
    let storage = u16::from_be_bytes(name.get(4..6)?.try_into().ok()?) as usize;
    let mut records = Vec::with_capacity(count * 12);
    let mut strings: Vec<u8> = Vec::new();
    for i in 0..count {
        let r = name.get(6 + 12 * i..18 + 12 * i)?;
        let field = |k: usize| u16::from_be_bytes([r[2 * k], r[2 * k + 1]]);
        let (platform, name_id, length, offset) = (field(0), field(3), field(4), field(5));
        let start = storage + offset as usize;
        let mut text = name.get(start..start + length as usize)?.to_vec();
        if name_id == 5 {
            match platform {
                0 | 3 => text.extend(NOTICE.encode_utf16().flat_map(u16::to_be_bytes)),
                1 => text.extend(NOTICE.bytes()),
                _ => {}
            }
        }
        records.extend_from_slice(&r[0..8]);
        records.extend_from_slice(&u16::try_from(text.len()).ok()?.to_be_bytes());
        records.extend_from_slice(&u16::try_from(strings.len()).ok()?.to_be_bytes());
        strings.extend(text);
    }
    let mut out = Vec::with_capacity(6 + records.len() + strings.len());
    out.extend_from_slice(&0u16.to_be_bytes());
    out.extend_from_slice(&(count as u16).to_be_bytes());
    out.extend_from_slice(&u16::try_from(6 + records.len()).ok()?.to_be_bytes());
    out.extend(records);
    out.extend(strings);
    Some(out)
}

/// The key a face is obfuscated with, a GUID in braces, from the face's own bytes: the same face
/// gives the same key, so the same input gives the same package.
pub fn font_key(data: &[u8]) -> String {
    let h = Sha256::digest(data);
    let hex: String = h[..16].iter().map(|b| format!("{b:02X}")).collect();
    format!(
        "{{{}-{}-{}-{}-{}}}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// The face as the package carries it: its first 32 bytes XORed with the key's 16 bytes, which
/// are the key's hexadecimal digits read from its end (ECMA-376 Part 1, §17.8.1).
pub fn obfuscate(data: &[u8], key: &str) -> Vec<u8> {
    let digits: Vec<u8> = key
        .chars()
        .filter_map(|c| c.to_digit(16))
        .map(|d| d as u8)
        .collect();
    let bytes: Vec<u8> = digits.chunks(2).map(|p| p[0] << 4 | p[1]).collect();
    let mut out = data.to_vec();
    for i in 0..32.min(out.len()) {
        out[i] ^= bytes[15 - i % 16];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn obfuscation_reverses_the_key_and_undoes_itself() {
        let key = "{00112233-4455-6677-8899-AABBCCDDEEFF}";
        let data = vec![0u8; 40];
        let once = obfuscate(&data, key);
        assert_eq!(once[0], 0xFF, "the key's last byte first");
        assert_eq!(once[15], 0x00);
        assert_eq!(once[16], 0xFF);
        assert_eq!(&once[32..], &[0u8; 8], "only the first 32 bytes");
        assert_eq!(obfuscate(&once, key), data);
    }

    #[test]
    fn the_bundled_song_face_gets_an_editable_copy_with_its_notice() {
        let song: &[u8] = include_bytes!("../../fonts/gbsn00lp.ttf");
        assert_eq!(embedding(song), Some(Embedding::PreviewAndPrint));
        let copy = editable_copy(song).unwrap();
        assert_eq!(embedding(&copy), Some(Embedding::Editable));
        let font = skrifa::FontRef::new(&copy).expect("a font skrifa reads");
        use skrifa::MetadataProvider;
        let version: Vec<String> = font
            .localized_strings(skrifa::string::StringId::VERSION_STRING)
            .map(|s| s.to_string())
            .collect();
        assert!(version.iter().any(|v| v.ends_with(NOTICE)), "{version:?}");
        let family = font
            .localized_strings(skrifa::string::StringId::FAMILY_NAME)
            .english_or_first()
            .unwrap()
            .to_string();
        assert_eq!(family, "AR PL SungtiL GB");
        // The whole file sums to the magic number, as head.checkSumAdjustment promises.
        assert_eq!(sfnt::checksum(&copy), 0xB1B0_AFBA);
        let hei: &[u8] = include_bytes!("../../fonts/wqy-microhei.ttf");
        assert_eq!(embedding(hei), Some(Embedding::Editable));
    }
}
