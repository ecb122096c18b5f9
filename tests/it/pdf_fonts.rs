//! `render --format pdf --font-dir DIR` with font files a clerk may have copied badly: a face
//! named like an office font that is broken never stops or crashes a render; it is skipped with
//! a warning naming the file, and the speech is set as if the file were not there.

use std::path::Path;

use crate::harness::{Project, REPO};
use skrifa::FontRef;
use write_fonts::tables::name::{Name, NameRecord};
use write_fonts::types::NameId;

/// The stand-in office font of the other PDF tests: a few glyphs of AR PL SungtiL GB.
fn fixture() -> Vec<u8> {
    std::fs::read(Path::new(REPO).join("tests/fixtures/fonts/fake-fangsong.ttf")).unwrap()
}

/// A name table calling the face `family` (Windows, Unicode, Chinese PRC), as the office's
/// 仿宋_GB2312 file does.
fn name_table(family: &str) -> Vec<u8> {
    let record = |id: NameId| NameRecord::new(3, 1, 0x0804, id, family.to_string().into());
    let name = Name::new(vec![record(NameId::FAMILY_NAME), record(NameId::FULL_NAME)]);
    write_fonts::dump_table(&name).unwrap()
}

/// The fixture's tables, the name table replaced by one calling the face `family`.
fn tables_named(family: &str) -> Vec<([u8; 4], Vec<u8>)> {
    let data = fixture();
    let font = FontRef::new(&data).unwrap();
    let mut tables: Vec<([u8; 4], Vec<u8>)> = font
        .table_directory()
        .table_records()
        .iter()
        .map(|r| {
            let tag = r.tag();
            (
                tag.to_be_bytes(),
                font.table_data(tag).unwrap().as_bytes().to_vec(),
            )
        })
        .collect();
    for (tag, data) in &mut tables {
        if tag == b"name" {
            *data = name_table(family);
        }
    }
    assert!(
        tables.iter().any(|(tag, _)| tag == b"name"),
        "the fixture has a name table to replace"
    );
    tables
}

/// A TrueType file holding `tables`, their data in the order given (the directory sorted by tag,
/// as the format requires).
fn sfnt(tables: &[([u8; 4], Vec<u8>)]) -> Vec<u8> {
    let n = tables.len();
    let mut out = Vec::new();
    out.extend_from_slice(&0x0001_0000u32.to_be_bytes());
    out.extend_from_slice(&(n as u16).to_be_bytes());
    out.extend_from_slice(&[0; 6]); // search range, entry selector, range shift: unread
    let mut offset = 12 + 16 * n;
    let mut records = Vec::new();
    let mut body = Vec::new();
    for (tag, data) in tables {
        records.push((*tag, offset, data.len()));
        body.extend_from_slice(data);
        while body.len() % 4 != 0 {
            body.push(0);
        }
        offset = 12 + 16 * n + body.len();
    }
    records.sort();
    for (tag, at, len) in records {
        out.extend_from_slice(&tag);
        out.extend_from_slice(&[0; 4]); // checksum: unread
        out.extend_from_slice(&(at as u32).to_be_bytes());
        out.extend_from_slice(&(len as u32).to_be_bytes());
    }
    out.extend_from_slice(&body);
    out
}

/// The font: named 仿宋_GB2312 in its name table, but with no head table.
fn fangsong_without_head() -> Vec<u8> {
    let tables: Vec<_> = tables_named("仿宋_GB2312")
        .into_iter()
        .filter(|(tag, _)| tag != b"head")
        .collect();
    sfnt(&tables)
}

/// A 仿宋_GB2312 file broken off in the middle of its outlines: the name table comes first in the
/// file, so the face is found by name and only reading it whole shows the loss.
fn fangsong_cut_in_its_outlines() -> Vec<u8> {
    let mut tables = tables_named("仿宋_GB2312");
    tables.sort_by_key(|(tag, _)| match tag {
        b"name" => 0,
        b"glyf" => 2,
        _ => 1,
    });
    let whole = sfnt(&tables);
    let glyf_len = tables.last().unwrap().1.len();
    whole[..whole.len() - glyf_len / 2].to_vec()
}

/// Writes a file into the project (creating its folder).
fn put(p: &Project, rel: &str, bytes: &[u8]) {
    let path = p.path(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap();
}

fn pdf_faces(stderr: &str) -> &str {
    stderr
        .lines()
        .find(|l| l.starts_with("PDF 字体："))
        .unwrap_or_else(|| panic!("no faces line\n{stderr}"))
}

/// Renders the sample's PDF with `--font-dir fonts` (the project's fonts/ folder, holding what
/// the test put there) and checks it is the PDF a render without that folder writes, warning
/// once about each file named in `broken`, each warning containing its words.
fn renders_as_without_the_folder(p: &Project, broken: &[(&str, &str)]) {
    let plain = p.run(["render", "--format", "pdf", "-o", "plain"]);
    plain.expect_code(0);
    let run = p.run([
        "render",
        "--format",
        "pdf",
        "--font-dir",
        "fonts",
        "-o",
        "out",
    ]);
    run.expect_code(0);
    for (file, words) in broken {
        let warnings: Vec<&str> = run
            .stderr
            .lines()
            .filter(|l| l.starts_with("警告：") && l.contains(file))
            .collect();
        assert_eq!(warnings.len(), 1, "one warning for {file}\n{}", run.stderr);
        assert!(
            warnings[0].contains(words) && warnings[0].contains("已跳过"),
            "{}",
            warnings[0]
        );
    }
    assert_eq!(pdf_faces(&run.stderr), pdf_faces(&plain.stderr));
    let (with, without) = (
        std::fs::read(p.path("out/speech.pdf")).unwrap(),
        std::fs::read(p.path("plain/speech.pdf")).unwrap(),
    );
    assert!(
        with == without,
        "the broken files change nothing in the PDF"
    );
}

#[test]
fn a_font_without_head_named_like_the_office_fangsong_is_skipped_with_a_warning() {
    let p = Project::sample();
    put(&p, "fonts/仿宋_GB2312.ttf", &fangsong_without_head());
    renders_as_without_the_folder(&p, &[("仿宋_GB2312.ttf", "head")]);
}

#[test]
fn a_cut_off_empty_or_foreign_font_file_is_skipped_with_a_warning() {
    let p = Project::sample();
    // Found by its name table, broken off in the outlines.
    put(&p, "fonts/fs.ttf", &fangsong_cut_in_its_outlines());
    // Broken off before its name table: not even its name can be read.
    let data = fixture();
    put(&p, "fonts/黑体.ttf", &data[..data.len() / 2]);
    // Empty, and a text file, named like office fonts.
    put(&p, "fonts/楷体_GB2312.ttf", b"");
    put(&p, "fonts/方正小标宋简体.TTF", "不是字体".as_bytes());
    renders_as_without_the_folder(
        &p,
        &[
            ("fs.ttf", "glyf 表超出了文件末尾"),
            ("黑体.ttf", "文件不完整"),
            ("楷体_GB2312.ttf", "0 字节"),
            ("方正小标宋简体.TTF", "不是 TrueType 字体文件"),
        ],
    );
}

#[test]
fn a_broken_copy_does_not_hide_a_good_one() {
    let p = Project::sample();
    // Sorted first, so it is the first 仿宋_GB2312 found.
    put(&p, "fonts/a-broken.ttf", &fangsong_without_head());
    put(&p, "fonts/b-good.ttf", &sfnt(&tables_named("仿宋_GB2312")));
    let run = p.run([
        "render",
        "--format",
        "pdf",
        "--font-dir",
        "fonts",
        "-o",
        "out",
    ]);
    run.expect_code(0);
    assert!(
        run.stderr
            .lines()
            .any(|l| l.starts_with("警告：") && l.contains("a-broken.ttf")),
        "{}",
        run.stderr
    );
    let faces = pdf_faces(&run.stderr);
    assert!(
        faces.starts_with("PDF 字体：正文: 仿宋_GB2312 (") && faces.contains("b-good.ttf"),
        "{faces}"
    );
    assert!(p.path("out/speech.pdf").is_file());
}

#[test]
fn a_font_dir_that_does_not_exist_is_named() {
    let p = Project::sample();
    let run = p.run([
        "render",
        "--format",
        "pdf",
        "--font-dir",
        "no-such-folder",
        "-o",
        "out",
    ]);
    run.expect_code(0);
    assert!(
        run.stderr
            .lines()
            .any(|l| l.starts_with("警告：") && l.contains("no-such-folder")),
        "{}",
        run.stderr
    );
}

/// Issue 18 §4: a 仿宋_GB2312 whose advance widths are all 0 (a broken hmtx): found by name,
/// but its characters would print on top of each other (37 and 126 as one blot).
fn fangsong_without_advances() -> Vec<u8> {
    let mut tables = tables_named("仿宋_GB2312");
    let metrics = {
        let hhea = &tables.iter().find(|(tag, _)| tag == b"hhea").unwrap().1;
        usize::from(u16::from_be_bytes([hhea[34], hhea[35]]))
    };
    for (tag, data) in &mut tables {
        if tag == b"hmtx" {
            // Each long metric: advance (u16), then left side bearing (i16).
            for m in 0..metrics {
                data[4 * m] = 0;
                data[4 * m + 1] = 0;
            }
        }
    }
    sfnt(&tables)
}

#[test]
fn a_face_whose_characters_take_no_room_is_skipped_with_a_warning() {
    let p = Project::sample();
    put(&p, "fonts/仿宋_GB2312.ttf", &fangsong_without_advances());
    renders_as_without_the_folder(&p, &[("仿宋_GB2312.ttf", "字宽（hmtx 表）为 0")]);
}
