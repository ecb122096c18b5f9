//! The office fonts real machines have, as `speechgen render --fonts auto` finds and uses them:
//! a face inside a `.ttc` collection, an OpenType CFF face (embedded as it is, CFF, subset),
//! a family named only in the PRC encoding (GBK bytes, as older 仿宋_GB2312 and 楷体_GB2312 files
//! carry it), fonts in the Windows folders found from `WINDIR`/`LOCALAPPDATA`; and the one 提示
//! that names what stands in for a missing office face.
//!
//! The fixtures are the free faces in `fonts/` and Debian's fonts-noto-cjk (a CFF collection; CI
//! installs it), renamed to office families by rewriting their `name` table.

use crate::harness;

use std::path::{Path, PathBuf};

use crate::harness::pdf_tools::{self, pdf_speech_text};
use crate::harness::{Project, markdown_speech_text};
use skrifa::{FontRef, MetadataProvider};
use write_fonts::FontBuilder;
use write_fonts::types::Tag;

const NOTO_SERIF_CJK: &str = "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc";

/// One record of a `name` table: platform, encoding, language, name ID, the encoded string.
pub(crate) type NameRecord = (u16, u16, u16, u16, Vec<u8>);

pub(crate) fn utf16(s: &str) -> Vec<u8> {
    s.encode_utf16().flat_map(u16::to_be_bytes).collect()
}

/// `s` in GBK, packed (`wide == false`) or in 16-bit units with a zero byte before each
/// single-byte character, the two forms PRC-encoded names come in.
fn gbk(s: &str, wide: bool) -> Vec<u8> {
    let mut out = Vec::new();
    for c in s.chars() {
        let mut buf = [0; 4];
        let (bytes, _, bad) = encoding_rs::GBK.encode(c.encode_utf8(&mut buf));
        assert!(!bad, "{c} is not in GBK");
        if wide && bytes.len() == 1 {
            out.push(0);
        }
        out.extend_from_slice(&bytes);
    }
    out
}

/// Records naming a face: the family in each given encoding, and an ASCII PostScript name (what
/// the PDF's font resource is called, so pdffonts shows which face was embedded).
pub(crate) fn names(families: Vec<(u16, u16, u16, Vec<u8>)>, postscript: &str) -> Vec<NameRecord> {
    let mut records: Vec<NameRecord> = families
        .into_iter()
        .map(|(platform, encoding, language, bytes)| (platform, encoding, language, 1, bytes))
        .collect();
    records.push((3, 1, 0x409, 6, utf16(postscript)));
    records
}

/// A `name` table (format 0) holding exactly `records`.
fn name_table(mut records: Vec<NameRecord>) -> Vec<u8> {
    records.sort_by_key(|r| (r.0, r.1, r.2, r.3));
    let storage_at = 6 + 12 * records.len();
    let mut head: Vec<u8> = [0u16, records.len() as u16, storage_at as u16]
        .into_iter()
        .flat_map(u16::to_be_bytes)
        .collect();
    let mut storage = Vec::new();
    for (platform, encoding, language, id, bytes) in &records {
        let fields = [
            *platform,
            *encoding,
            *language,
            *id,
            bytes.len() as u16,
            storage.len() as u16,
        ];
        head.extend(fields.into_iter().flat_map(u16::to_be_bytes));
        storage.extend_from_slice(bytes);
    }
    head.extend(storage);
    head
}

/// Face `index` of a font file, every table kept but `name`, which says `records` only.
pub(crate) fn renamed(data: &[u8], index: u32, records: Vec<NameRecord>) -> Vec<u8> {
    let font = FontRef::from_index(data, index).expect("a font");
    let cff = font.table_data(Tag::new(b"CFF ")).is_some();
    let mut out = FontBuilder::new()
        .add_raw(Tag::new(b"name"), name_table(records))
        .copy_missing_tables(font)
        .build();
    if cff {
        // write-fonts always writes the TrueType tag; an OpenType CFF file starts with OTTO.
        out[0..4].copy_from_slice(b"OTTO");
    }
    out
}

/// A `.ttc` collection of single fonts: a header listing where each font's table directory
/// starts, then the fonts one after another, their table offsets moved to the file's start.
fn collection(fonts: &[Vec<u8>]) -> Vec<u8> {
    let header = 12 + 4 * fonts.len();
    let mut out = Vec::new();
    out.extend_from_slice(b"ttcf");
    out.extend(0x0001_0000u32.to_be_bytes());
    out.extend((fonts.len() as u32).to_be_bytes());
    let mut at = header;
    let mut bodies = Vec::new();
    for font in fonts {
        out.extend((at as u32).to_be_bytes());
        let mut body = font.clone();
        let tables = u16::from_be_bytes([body[4], body[5]]) as usize;
        for i in 0..tables {
            let field = 12 + 16 * i + 8;
            let offset = u32::from_be_bytes(body[field..field + 4].try_into().unwrap());
            body[field..field + 4].copy_from_slice(&(offset + at as u32).to_be_bytes());
        }
        while body.len() % 4 != 0 {
            body.push(0);
        }
        at += body.len();
        bodies.push(body);
    }
    for body in bodies {
        out.extend(body);
    }
    out
}

pub(crate) fn bundled(file: &str) -> Vec<u8> {
    std::fs::read(Path::new(harness::REPO).join("fonts").join(file)).unwrap()
}

/// `office.ttc`: face 0 is WenQuanYi Micro Hei named 黑体/SimHei, face 1 AR PL SungtiL GB named
/// 方正小标宋简体 (Unicode names, as Windows' and the Founder fonts carry them).
pub(crate) fn office_collection() -> Vec<u8> {
    let hei = renamed(
        &bundled("wqy-microhei.ttf"),
        0,
        names(
            vec![(3, 1, 0x804, utf16("黑体")), (3, 1, 0x409, utf16("SimHei"))],
            "SimHei",
        ),
    );
    let xiaobiaosong = renamed(
        &bundled("gbsn00lp.ttf"),
        0,
        names(
            vec![
                (3, 1, 0x804, utf16("方正小标宋简体")),
                (3, 1, 0x409, utf16("FZXiaoBiaoSong-B05S")),
            ],
            "FZXBSJW--GB1-0",
        ),
    );
    collection(&[hei, xiaobiaosong])
}

/// `fangsong.otf`: the Simplified Chinese face of Noto Serif CJK (CFF outlines), whose only
/// family name is 仿宋_GB2312 in the PRC encoding, 16-bit form. None when fonts-noto-cjk is not
/// installed (outside CI; under CI that fails).
pub(crate) fn cff_fangsong() -> Option<Vec<u8>> {
    let data = match std::fs::read(NOTO_SERIF_CJK) {
        Ok(d) => d,
        Err(_) if std::env::var("CI").as_deref() == Ok("true") => {
            panic!("{NOTO_SERIF_CJK} missing: CI installs fonts-noto-cjk")
        }
        Err(_) => {
            eprintln!("note: {NOTO_SERIF_CJK} missing, CFF test passed over");
            return None;
        }
    };
    let sc = (0..)
        .map_while(|i| FontRef::from_index(&data, i).ok().map(|f| (i, f)))
        .find(|(_, f)| {
            let family = f.localized_strings(skrifa::string::StringId::FAMILY_NAME);
            family
                .into_iter()
                .any(|s| s.to_string() == "Noto Serif CJK SC")
        })
        .map(|(i, _)| i)
        .expect("Noto Serif CJK SC in the collection");
    Some(renamed(
        &data,
        sc,
        names(
            vec![(3, 3, 0x804, gbk("仿宋_GB2312", true))],
            "FangSong_GB2312",
        ),
    ))
}

/// `kai.ttf`: AR PL KaitiM GB whose only family name is 楷体_GB2312 in the PRC encoding, packed.
pub(crate) fn prc_kai() -> Vec<u8> {
    renamed(
        &bundled("gkai00mp.ttf"),
        0,
        names(
            vec![(3, 3, 0x804, gbk("楷体_GB2312", false))],
            "KaiTi_GB2312",
        ),
    )
}

/// `tests/fixtures/fonts-cff/fake-fangsong-cff.otf`: a few characters of Noto Serif CJK SC (CFF
/// outlines) named 仿宋_GB2312, PostScript name FangSong_GB2312-CFF.
fn fake_cff_fangsong() -> Vec<u8> {
    std::fs::read(Path::new(harness::REPO).join("tests/fixtures/fonts-cff/fake-fangsong-cff.otf"))
        .unwrap()
}

/// `office.ttc` whose face 0 is the CFF 仿宋_GB2312 with its outlines (the `CFF ` table) wiped,
/// names intact, and face 1 WenQuanYi Micro Hei named 黑体.
fn collection_with_a_broken_face() -> Vec<u8> {
    let mut broken = fake_cff_fangsong();
    let tables = u16::from_be_bytes([broken[4], broken[5]]) as usize;
    let cff = (0..tables)
        .map(|i| 12 + 16 * i)
        .find(|r| &broken[*r..*r + 4] == b"CFF ")
        .expect("the fixture has CFF outlines");
    let word = |at: usize| u32::from_be_bytes(broken[at..at + 4].try_into().unwrap()) as usize;
    let (at, len) = (word(cff + 8), word(cff + 12));
    broken[at..at + len].fill(0);
    let hei = renamed(
        &bundled("wqy-microhei.ttf"),
        0,
        names(vec![(3, 1, 0x804, utf16("黑体"))], "SimHei"),
    );
    collection(&[broken, hei])
}

/// The lines of `stderr` starting with `prefix` (`警告：`, `提示：`).
fn lines_starting<'a>(stderr: &'a str, prefix: &str) -> Vec<&'a str> {
    stderr.lines().filter(|l| l.starts_with(prefix)).collect()
}

/// What a broken body face in `office-fonts/office.ttc` must make `render` and `serve` print:
/// one warning naming the file and its face, and the one 提示 naming the body's stand-in, each
/// line with its own prefix.
fn assert_warned_and_noted(stderr: &str) {
    let warnings = lines_starting(stderr, "警告：");
    assert_eq!(warnings.len(), 1, "{stderr}");
    assert!(
        warnings[0].starts_with("警告：字体文件 office-fonts/office.ttc（仿宋_GB2312）无法使用：")
            && warnings[0].contains("已跳过"),
        "{stderr}"
    );
    let notes = lines_starting(stderr, "提示：");
    assert_eq!(notes.len(), 1, "{stderr}");
    assert!(
        notes[0].starts_with("提示：未找到仿宋_GB2312，正文改用 AR PL SungtiL GB；")
            && notes[0].ends_with("指定其所在文件夹"),
        "{stderr}"
    );
    assert_eq!(stderr.matches("提示").count(), 1, "{stderr}");
}

pub(crate) fn write(path: &Path, bytes: &[u8]) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap();
}

/// `speechgen ARGS` with the per-user and Windows font folders pointed into the project, so only
/// the fixtures and the machine's shared folders are searched.
pub(crate) fn render(p: &Project, args: &[&str], env: &[(&str, PathBuf)]) -> harness::Run {
    let mut cmd = p.command(args);
    cmd.env("HOME", p.path("home"))
        .env_remove("XDG_DATA_HOME")
        .env_remove("XDG_DATA_DIRS")
        .env_remove("WINDIR")
        .env_remove("SystemRoot")
        .env_remove("LOCALAPPDATA");
    for (k, v) in env {
        cmd.env(k, v);
    }
    harness::Run::of(&mut cmd)
}

/// The outlines a face embeds as: TrueType (`glyf`, FontFile2) or CFF (FontFile3).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Outlines {
    TrueType,
    Cff,
}

/// The pdffonts line of the face whose PostScript name is `name`, asserted embedded, subset
/// (`ABCDEF+Name`; a CID-keyed CFF face's name carries its encoding, `-Identity-H`), with
/// `outlines` as they are in the face's file and with a ToUnicode map.
fn assert_embedded_subset(fonts: &str, name: &str, outlines: Outlines) {
    let line = fonts
        .lines()
        .find(|l| {
            l.split_whitespace().next().is_some_and(|n| {
                let (tag, rest) = n.split_once('+').unwrap_or(("", n));
                tag.len() == 6
                    && tag.bytes().all(|b| b.is_ascii_uppercase())
                    && (rest == name || rest == format!("{name}-Identity-H"))
            })
        })
        .unwrap_or_else(|| panic!("no subset of {name} in\n{fonts}"));
    let kind = match outlines {
        Outlines::TrueType => "CID TrueType",
        Outlines::Cff => "CID Type 0C",
    };
    assert!(line.contains(kind), "{kind}: {line}");
    let flags: Vec<&str> = line.split_whitespace().rev().skip(2).take(3).collect();
    assert_eq!(flags, ["yes", "yes", "yes"], "emb sub uni: {line}");
}

/// The font files the PDF embeds, by the face's name (after its subset tag): the descriptor's
/// key (FontFile2: TrueType; FontFile3: CFF, its Subtype saying which) and that Subtype.
fn embedded_files(pdf: &[u8]) -> Vec<(String, String, Option<String>)> {
    let doc = lopdf::Document::load_mem(pdf).unwrap();
    let mut out = Vec::new();
    for object in doc.objects.values() {
        let Ok(dict) = object.as_dict() else { continue };
        if !dict
            .get(b"Type")
            .and_then(|t| t.as_name())
            .is_ok_and(|t| t == b"FontDescriptor")
        {
            continue;
        }
        let name = String::from_utf8_lossy(dict.get(b"FontName").unwrap().as_name().unwrap());
        let name = name
            .split_once('+')
            .map_or(name.to_string(), |(_, n)| n.to_owned());
        for key in ["FontFile", "FontFile2", "FontFile3"] {
            if let Ok(r) = dict.get(key.as_bytes()).and_then(|o| o.as_reference()) {
                let stream = doc.get_object(r).unwrap().as_stream().unwrap();
                let subtype = stream
                    .dict
                    .get(b"Subtype")
                    .and_then(|s| s.as_name())
                    .ok()
                    .map(|s| String::from_utf8_lossy(s).into_owned());
                out.push((name.clone(), key.to_owned(), subtype));
            }
        }
    }
    out
}

/// Asserts the face `name` is embedded as CFF outlines, as its .otf holds them (FontFile3,
/// CIDFontType0C): not converted to TrueType.
fn assert_cff_embedded(pdf: &[u8], name: &str) {
    let files = embedded_files(pdf);
    let file = files
        .iter()
        .find(|(n, _, _)| n == name)
        .unwrap_or_else(|| panic!("{name} not embedded: {files:?}"));
    assert_eq!(
        (file.1.as_str(), file.2.as_deref()),
        ("FontFile3", Some("CIDFontType0C")),
        "{files:?}"
    );
}

#[test]
fn a_collection_face_and_a_cff_face_named_in_the_prc_encoding_are_found_embedded_and_extractable() {
    if !pdf_tools::have(&["pdftotext", "pdffonts"]) {
        return;
    }
    let Some(fangsong) = cff_fangsong() else {
        return;
    };
    let p = Project::sample();
    write(&p.path("office-fonts/office.ttc"), &office_collection());
    write(&p.path("office-fonts/cff/fangsong.otf"), &fangsong);

    let run = render(
        &p,
        &[
            "render",
            "--fonts",
            "auto",
            "--font-dir",
            "office-fonts",
            "-o",
            "out",
        ],
        &[],
    );
    run.expect_code(0)
        .expect_stderr("正文: 仿宋_GB2312 (office-fonts/cff/fangsong.otf)")
        .expect_stderr("标题: 方正小标宋简体 (office-fonts/office.ttc)")
        .expect_stderr("一级标题: 黑体 (office-fonts/office.ttc)")
        .expect_stderr("段首句: AR PL KaitiM GB (内置)");
    // Only the Kai face is missing, and the note says so, once.
    assert_eq!(run.stderr.matches("提示").count(), 1, "{}", run.stderr);
    run.expect_stderr(
        "提示：未找到楷体_GB2312，段首句改用 AR PL KaitiM GB；安装该字体或用 --font-dir 指定其所在文件夹",
    );

    let pdf = std::fs::read(p.path("out/speech.pdf")).unwrap();
    let fonts = pdf_tools::pdffonts(&pdf);
    assert_embedded_subset(&fonts, "FangSong_GB2312", Outlines::Cff);
    assert_cff_embedded(&pdf, "FangSong_GB2312");
    for name in ["FZXBSJW--GB1-0", "SimHei", "GBZenKai-Medium"] {
        assert_embedded_subset(&fonts, name, Outlines::TrueType);
    }
    assert_eq!(
        pdf_speech_text(&pdf),
        markdown_speech_text(&p.read("out/speech.md"))
    );
    // Only the glyphs printed are embedded: the PDF of a 20 MB CFF face stays the size of the
    // bundled faces' one.
    assert!(pdf.len() < 400_000, "{} bytes", pdf.len());
}

#[test]
fn office_fonts_in_the_windows_folders_are_found_from_windir_and_localappdata() {
    if !pdf_tools::have(&["pdftotext", "pdffonts"]) {
        return;
    }
    let p = Project::sample();
    let windir = p.path("C/Windows");
    let local = p.path("C/Users/clerk/AppData/Local");
    write(&windir.join("Fonts/OFFICE.TTC"), &office_collection());
    write(&local.join("Microsoft/Windows/Fonts/kai.ttf"), &prc_kai());

    let run = render(
        &p,
        &["render", "--format", "md,pdf", "-o", "out"],
        &[("WINDIR", windir), ("LOCALAPPDATA", local)],
    );
    run.expect_code(0)
        .expect_stderr("标题: 方正小标宋简体 (")
        .expect_stderr("一级标题: 黑体 (")
        .expect_stderr("段首句: 楷体_GB2312 (")
        .expect_stderr(
            "提示：未找到仿宋_GB2312，正文改用 AR PL SungtiL GB；安装该字体或用 --font-dir 指定其所在文件夹",
        );
    let pdf = std::fs::read(p.path("out/speech.pdf")).unwrap();
    let fonts = pdf_tools::pdffonts(&pdf);
    for name in ["KaiTi_GB2312", "FZXBSJW--GB1-0", "SimHei"] {
        assert_embedded_subset(&fonts, name, Outlines::TrueType);
    }
    assert_eq!(
        pdf_speech_text(&pdf),
        markdown_speech_text(&p.read("out/speech.md"))
    );
}

#[test]
fn without_office_fonts_one_note_names_every_stand_in_and_bundled_fonts_give_none() {
    let p = Project::sample();
    std::fs::create_dir_all(p.path("no-fonts")).unwrap();
    let run = render(
        &p,
        &[
            "render",
            "--format",
            "pdf",
            "--font-dir",
            "no-fonts",
            "-o",
            "out",
        ],
        &[],
    );
    run.expect_code(0).expect_stderr(
        "提示：未找到仿宋_GB2312，正文改用 AR PL SungtiL GB；\
         未找到方正小标宋简体，标题改用 Noto Serif CJK SC；\
         未找到黑体，一级标题改用 WenQuanYi Micro Hei；\
         未找到楷体_GB2312，段首句改用 AR PL KaitiM GB；\
         安装这些字体或用 --font-dir 指定其所在文件夹",
    );
    assert_eq!(run.stderr.matches("提示").count(), 1, "{}", run.stderr);

    let run = render(
        &p,
        &[
            "render", "--format", "pdf", "--fonts", "bundled", "-o", "out",
        ],
        &[],
    );
    run.expect_code(0);
    assert!(!run.stderr.contains("提示"), "{}", run.stderr);
}

#[test]
fn a_cff_office_face_is_checked_and_embedded_as_cff_subset_and_extractable() {
    if !pdf_tools::have(&["pdftotext", "pdffonts"]) {
        return;
    }
    let p = Project::sample();
    write(&p.path("office-fonts/fangsong.otf"), &fake_cff_fangsong());
    let run = render(
        &p,
        &[
            "render",
            "--format",
            "md,pdf",
            "--font-dir",
            "office-fonts",
            "-o",
            "out",
        ],
        &[],
    );
    run.expect_code(0)
        .expect_stderr("正文: 仿宋_GB2312 (office-fonts/fangsong.otf)");
    assert!(
        lines_starting(&run.stderr, "警告：").is_empty(),
        "{}",
        run.stderr
    );
    let pdf = std::fs::read(p.path("out/speech.pdf")).unwrap();
    assert_embedded_subset(
        &pdf_tools::pdffonts(&pdf),
        "FangSong_GB2312-CFF",
        Outlines::Cff,
    );
    assert_cff_embedded(&pdf, "FangSong_GB2312-CFF");
    assert_eq!(
        pdf_speech_text(&pdf),
        markdown_speech_text(&p.read("out/speech.md"))
    );
}

#[test]
fn a_broken_face_of_a_collection_is_skipped_with_a_warning_and_the_note_names_its_stand_in() {
    let p = Project::sample();
    write(
        &p.path("office-fonts/office.ttc"),
        &collection_with_a_broken_face(),
    );
    let args = [
        "render",
        "--format",
        "pdf",
        "--font-dir",
        "office-fonts",
        "-o",
        "out",
    ];
    let run = render(&p, &args, &[]);
    // The good face of the same file is used.
    run.expect_code(0)
        .expect_stderr("一级标题: 黑体 (office-fonts/office.ttc)");
    assert_warned_and_noted(&run.stderr);

    // Neither is a diagnostic: the render ends the same with or without them.
    let bundled = render(&p, &[&args[..], &["--fonts", "bundled"]].concat(), &[]);
    bundled.expect_code(0);
    assert!(
        !bundled.stderr.contains("警告") && !bundled.stderr.contains("提示"),
        "{}",
        bundled.stderr
    );
}

#[test]
fn serve_prints_the_font_warning_and_the_note_when_it_starts() {
    let p = Project::sample();
    write(
        &p.path("office-fonts/office.ttc"),
        &collection_with_a_broken_face(),
    );
    let run = p.serve_command(["--font-dir", "office-fonts"]).interrupt();
    assert_warned_and_noted(&run.stderr);

    let run = p
        .serve_command(["--font-dir", "office-fonts", "--fonts", "bundled"])
        .interrupt();
    assert!(
        !run.stderr.contains("警告") && !run.stderr.contains("提示"),
        "{}",
        run.stderr
    );
}
