//! Font files on disk: listing the faces under the font folders with their family names.

use std::collections::HashSet;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use super::{dirs, names};

/// A face found on disk: file, index inside a collection, family names (every encoding).
#[derive(Debug, Clone)]
pub struct Found {
    pub path: PathBuf,
    pub index: u32,
    pub names: Vec<String>,
}

/// File name endings that hold fonts this can use: TrueType and OpenType CFF, single or
/// collections (Windows' simsun.ttc and msyh.ttc, Noto CJK's .ttc).
const FONT_EXTENSIONS: [&str; 4] = ["ttf", "ttc", "otf", "otc"];

/// Lists the faces under `--font-dir` folders and then the system's, in that order. Only the
/// table directory and the `name` table of each file are read, so a folder of large CJK fonts
/// scans quickly; a face is checked whole only when it is about to be chosen (`check_face`).
/// A folder the user named (`--font-dir`) that does not exist, and a file in it that is no
/// font, are reported in `warnings`; the system's folders are not the user's business.
pub fn discover(extra: &[PathBuf], warnings: &mut Vec<String>) -> Vec<Found> {
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    for (n, dir) in dirs::font_dirs(extra).into_iter().enumerate() {
        let named = n < extra.len();
        if named && !dir.is_dir() {
            warnings.push(format!(
                "字体文件夹 {} 不存在或不是文件夹，已忽略",
                dir.display()
            ));
            continue;
        }
        let mut files = Vec::new();
        walk(&dir, 0, &mut files, &mut seen);
        for path in files {
            match scan_file(&path) {
                Ok(mut found) => out.append(&mut found),
                Err(reason) if named => warnings.push(format!(
                    "字体文件 {} 无法读取：{reason}。已跳过",
                    path.display()
                )),
                Err(_) => {}
            }
        }
    }
    out
}

fn walk(dir: &Path, depth: usize, files: &mut Vec<PathBuf>, seen: &mut HashSet<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
    // Sorted, so that the same machine always picks the same file for a family.
    entries.sort();
    for p in entries {
        if p.is_dir() {
            if depth < 6 {
                walk(&p, depth + 1, files, seen);
            }
            continue;
        }
        let ext = p
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        if !ext.is_some_and(|e| FONT_EXTENSIONS.contains(&e.as_str())) {
            continue;
        }
        // A folder listed twice, or inside another listed one (/usr/share/fonts/wps-office),
        // or a link to a file already seen, is scanned once.
        let real = std::fs::canonicalize(&p).unwrap_or_else(|_| p.clone());
        if seen.insert(real) {
            files.push(p);
        }
    }
}

/// The faces in one font file that have outlines this can draw (`glyf`, `CFF `, `CFF2`), with
/// their family names; Err says why the file is no font (empty, cut short, something else).
pub fn scan_file(path: &Path) -> Result<Vec<Found>, String> {
    let mut f = crate::input::open(path, crate::input::FONT_LIMIT)
        .map_err(|e| format!("无法打开（{e}）"))?;
    let len = f.metadata().map_err(|e| e.to_string())?.len();
    if len == 0 {
        return Err("文件是空的（0 字节）".into());
    }
    let mut read_at = |offset: u64, len: usize| -> Result<Vec<u8>, String> {
        let mut buf = vec![0; len];
        f.seek(SeekFrom::Start(offset))
            .and_then(|_| f.read_exact(&mut buf))
            .map_err(|e| match e.kind() {
                std::io::ErrorKind::UnexpectedEof => {
                    "文件不完整（在字体数据中间就结束了），可能复制时被截断".to_string()
                }
                _ => e.to_string(),
            })?;
        Ok(buf)
    };
    let be32 = |b: &[u8], at: usize| u32::from_be_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]]);
    let head = read_at(0, 12)?;
    let offsets: Vec<u32> = match &head[0..4] {
        b"ttcf" => {
            let n = be32(&head, 8).min(64) as usize;
            let list = read_at(12, 4 * n)?;
            (0..n).map(|i| be32(&list, 4 * i)).collect()
        }
        [0, 1, 0, 0] | b"true" | b"OTTO" => vec![0],
        _ => return Err("不是 TrueType 字体文件".into()),
    };
    let mut out = Vec::new();
    for (index, off) in offsets.into_iter().enumerate() {
        let dir = read_at(u64::from(off), 12)?;
        let tables = u16::from_be_bytes([dir[4], dir[5]]) as usize;
        let records = read_at(u64::from(off) + 12, 16 * tables)?;
        let mut name = None;
        let mut outlines = false;
        for r in records.chunks_exact(16) {
            match &r[0..4] {
                b"name" => name = Some((be32(r, 8), be32(r, 12))),
                b"glyf" | b"CFF " | b"CFF2" => outlines = true,
                _ => {}
            }
        }
        // A bitmap-only face would print nothing.
        let (Some((at, len)), true) = (name, outlines) else {
            continue;
        };
        let table = read_at(u64::from(at), len.min(1 << 20) as usize)?;
        let names = names::family_names(&table);
        if !names.is_empty() {
            out.push(Found {
                path: path.to_path_buf(),
                index: index as u32,
                names,
            });
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOTO_SERIF_CJK: &str = "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc";

    #[test]
    fn scans_family_names_from_a_font_folder() {
        let mut warnings = Vec::new();
        let found = discover(
            &[PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/fonts"))],
            &mut warnings,
        );
        assert!(warnings.is_empty(), "{warnings:?}");
        let names: Vec<&String> = found.iter().flat_map(|f| &f.names).collect();
        assert!(names.iter().any(|n| *n == "AR PL SungtiL GB"), "{names:?}");
        assert!(names.iter().any(|n| *n == "文泉驿微米黑"), "{names:?}");
    }

    /// fonts-noto-cjk (CI installs it): a CFF collection, every face a candidate.
    fn noto() -> Option<Vec<u8>> {
        match std::fs::read(NOTO_SERIF_CJK) {
            Ok(d) => Some(d),
            Err(_) if std::env::var_os("CI").is_some_and(|v| v == "true") => {
                panic!("{NOTO_SERIF_CJK} missing: CI installs fonts-noto-cjk")
            }
            Err(_) => None,
        }
    }

    #[test]
    fn every_face_of_a_cff_collection_is_found() {
        if noto().is_none() {
            return;
        }
        let found = scan_file(Path::new(NOTO_SERIF_CJK)).unwrap();
        let sc = found
            .iter()
            .find(|f| f.names.iter().any(|n| n == "Noto Serif CJK SC"))
            .expect("the SC face");
        assert!(found.len() >= 4, "{found:?}");
        assert!(sc.index > 0, "{found:?}");
    }

    #[test]
    fn a_cff_face_of_a_collection_is_measured_and_written_with_just_the_characters_asked_for() {
        let Some(data) = noto() else { return };
        let index = scan_file(Path::new(NOTO_SERIF_CJK))
            .unwrap()
            .into_iter()
            .find(|f| f.names.iter().any(|n| n == "Noto Serif CJK SC"))
            .unwrap()
            .index;
        let chars: std::collections::BTreeSet<char> = "党建工作，1。".chars().collect();
        let face = crate::pdf::fonts::Face {
            family: "Noto Serif CJK SC".into(),
            data: std::sync::Arc::new(data),
            index,
            path: None,
        };
        let start = std::time::Instant::now();
        let m = crate::pdf::layout::Metrics::new(&face, &chars, 1.0).unwrap();
        for c in chars.iter() {
            // Every printed character has a glyph and an advance, the comma and full stop
            // included.
            assert!(m.glyph(*c).is_some_and(|g| g != 0), "{c}");
            assert!(m.advance(*c, 16) > 0.0, "{c}");
        }
        assert!(m.glyph('市').is_none());
        // The ideographs are a full em wide, as in the CFF face.
        assert!((m.advance('党', 16) - 16.0).abs() < 1e-9);
        // Written as krilla writes a render: subset, CFF as it is.
        crate::pdf::write::trial(face.data.clone(), index, &chars).unwrap();
        let took = start.elapsed();
        assert!(took.as_millis() < 400, "{took:?}");
    }

    #[test]
    fn a_face_of_a_collection_is_read_where_it_lies() {
        let Some(data) = noto() else { return };
        let face = skrifa::FontRef::from_index(&data, 2).unwrap();
        assert_eq!(
            face.table_directory.sfnt_version(),
            0x4F54_544F,
            "OTTO: CFF"
        );
        assert!(skrifa::FontRef::from_index(&data, 99).is_err());
    }
}
