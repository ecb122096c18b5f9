//! The PDF as a reader gets it, checked with the poppler tools on the seed speech and on a long
//! speech of many pages, with the bundled faces so that no result depends on the machine.

use crate::harness;

use crate::harness::bundled_fonts;
use crate::harness::pdf_tools::{self, is_page_mark, is_page_number, squeeze};
use speechgen::document::{Block, Document};
use speechgen::pdf::linebreak::{forbidden_end, forbidden_start};
use speechgen::pdf::{
    FontChoice, Metadata, PdfError, PdfOptions, PdfOutput, Typesetter, write_pdf,
};

/// The author a speech's settings give (`templates/speech.yaml`).
const AUTHOR: &str = "某某单位";

fn render(doc: &Document) -> PdfOutput {
    let meta = Metadata {
        title: None,
        author: Some(AUTHOR.into()),
        ..Metadata::default()
    };
    Typesetter::new(&bundled_fonts())
        .and_then(|t| t.typeset(doc, &meta))
        .unwrap_or_else(|e| panic!("{e}"))
}

/// The document's text as the reader should get it back: title, then each block.
fn document_text(doc: &Document) -> Vec<String> {
    std::iter::once(doc.title.clone())
        .chain(doc.blocks.iter().map(Block::plain_text))
        .collect()
}

/// pdftotext's pages as lines, page-number lines and blank lines left out.
fn body_lines(pages: &str) -> Vec<Vec<String>> {
    pages
        .split('\u{c}')
        .filter(|p| !p.trim().is_empty())
        .map(|p| {
            p.lines()
                .map(|l| l.trim().to_string())
                .filter(|l| !l.is_empty() && !is_page_mark(l))
                .collect()
        })
        .collect()
}

/// Full-width marks with a blank half (the ink on one side).
fn is_half_blank_mark(c: char) -> bool {
    "，。、；：？！”’）》」』〉】“‘（《「『〈【".contains(c)
}

/// Width of a line in grid cells: Chinese characters and full-width marks one, Latin letters,
/// digits and ASCII marks half; two marks in a row are set in a cell and a half (”“ ，“ 。”).
fn cells(line: &str) -> f64 {
    let chars: Vec<char> = line.chars().filter(|c| !c.is_whitespace()).collect();
    let base: f64 = chars
        .iter()
        .map(|c| if c.is_ascii() { 0.5 } else { 1.0 })
        .sum();
    let pairs = chars
        .windows(2)
        .filter(|w| is_half_blank_mark(w[0]) && is_half_blank_mark(w[1]))
        .count();
    base - 0.5 * pairs as f64
}

/// How many cells a line's marks may give up when it is compressed: the blank half of a closing
/// mark ending it or an opening mark starting it, a quarter cell of each other mark whose blank
/// half does not face a neighbouring mark (that one it shares already: ”“ 》，).
fn compressible(line: &str) -> f64 {
    compressible_by(line, 0.25)
}

/// `compressible` with the marks inside the line giving `inner` of a cell each: half a cell in
/// a paragraph the pagination set a line shorter.
fn compressible_by(line: &str, inner: f64) -> f64 {
    let chars: Vec<char> = line.chars().filter(|c| !c.is_whitespace()).collect();
    let n = chars.len();
    (0..n)
        .filter(|&i| is_half_blank_mark(chars[i]))
        .map(|i| {
            let opening = "“‘（《「『〈【".contains(chars[i]);
            let faces_mark = if opening {
                i > 0 && is_half_blank_mark(chars[i - 1])
            } else {
                i + 1 < n && is_half_blank_mark(chars[i + 1])
            };
            if (i + 1 == n && !opening) || (i == 0 && opening) {
                0.5
            } else if faces_mark {
                0.0
            } else {
                inner
            }
        })
        .sum()
}

fn check_text_and_lines(doc: &Document, out: &PdfOutput) {
    let text = pdf_tools::pdftotext(&out.bytes);
    let pages = body_lines(&text);
    assert_eq!(pages.len(), out.pages, "page count");

    // The same text, character for character (no look-alike code points, nothing dropped).
    let got = squeeze(&pages.iter().flatten().cloned().collect::<String>());
    let want = squeeze(&document_text(doc).concat());
    if got != want {
        let at = got
            .chars()
            .zip(want.chars())
            .position(|(a, b)| a != b)
            .unwrap_or(got.len().min(want.len()));
        let ctx = |s: &str| {
            s.chars()
                .skip(at.saturating_sub(10))
                .take(30)
                .collect::<String>()
        };
        panic!(
            "text differs at char {at}:\n  pdf: {}\n  doc: {}",
            ctx(&got),
            ctx(&want)
        );
    }

    // 22 lines a page at most; no line starts or ends with a forbidden mark.
    for (n, page) in pages.iter().enumerate() {
        assert!(
            page.len() <= 22,
            "page {} holds {} lines",
            n + 1,
            page.len()
        );
        for l in page {
            let (first, last) = (l.chars().next().unwrap(), l.chars().last().unwrap());
            assert!(!forbidden_start(first), "line starts with {first}: {l}");
            assert!(!forbidden_end(last), "line ends with {last}: {l}");
        }
    }

    // Full lines hold 28 characters (26 after the two-character indent). A line can hold half a
    // cell more or less where digits are half-width or a mark was squeezed or pushed down, but
    // the grid must hold for nearly every line.
    let blocks: Vec<String> = document_text(doc).iter().map(|t| squeeze(t)).collect();
    let mut block = 0;
    let mut acc = String::new();
    let mut first_in_block = true;
    let (mut full, mut on_grid) = (0usize, 0usize);
    let mut tight_blocks: Vec<usize> = Vec::new();
    let all: Vec<&String> = pages.iter().flatten().collect();
    // Index in `all` of each page's last line: a heading may not stand there alone.
    let page_ends: Vec<usize> = pages
        .iter()
        .scan(0, |n, p| {
            *n += p.len();
            Some(*n - 1)
        })
        .collect();
    for (i, l) in all.iter().enumerate() {
        acc.push_str(&squeeze(l));
        let last_of_block = acc == blocks[block];
        assert!(
            blocks[block].starts_with(&acc),
            "lines do not follow block {block}: {acc}"
        );
        if block > 0 && !last_of_block {
            let c = cells(l) + if first_in_block { 2.0 } else { 0.0 };
            // A number is never split: one that does not fit goes down whole.
            let number_follows = all
                .get(i + 1)
                .and_then(|n| n.chars().next())
                .is_some_and(|c| c.is_ascii_alphanumeric() || c == '*');
            // A character pushed down to keep a mark (or a ——) from starting the next line.
            let pushed_down = all
                .get(i + 1)
                .and_then(|n| n.chars().find(|c| !c.is_whitespace()).map(|_| n))
                .and_then(|n| n.chars().filter(|c| !c.is_whitespace()).nth(1))
                .is_some_and(|c| forbidden_start(c) || c == '—');
            let min = if number_follows {
                23.0
            } else if pushed_down {
                25.5
            } else {
                27.0
            };
            // Marks give room when a line must hold more (compressed before a line is
            // spread): the blank half of a mark at either end, a quarter of one inside; half
            // of one in a paragraph set a line shorter so that the pages end well.
            let mut room = compressible(l);
            if c > 28.0 + room + 1e-9 {
                room = compressible_by(l, 0.5);
                if !tight_blocks.contains(&block) {
                    tight_blocks.push(block);
                }
            }
            assert!(
                (min..=28.0 + room + 1e-9).contains(&c),
                "line of {c} cells: {l}"
            );
            full += 1;
            if c - room <= 28.5 && c >= 27.5 {
                on_grid += 1;
            }
        }
        let is_heading = block == 0 || matches!(doc.blocks[block - 1], Block::Heading { .. });
        if is_heading && last_of_block && block + 1 < blocks.len() {
            assert!(
                !page_ends.contains(&i),
                "heading left at the foot of a page: {l}"
            );
        }
        first_in_block = last_of_block;
        if last_of_block {
            block += 1;
            acc.clear();
        }
    }
    assert_eq!(block, blocks.len(), "every block found");
    assert!(
        tight_blocks.len() <= 2,
        "paragraphs with marks at half a cell: {tight_blocks:?}"
    );
    eprintln!("{on_grid} of {full} full lines on the grid");
    assert!(
        on_grid * 10 >= full * 9,
        "only {on_grid} of {full} full lines hold 28 characters"
    );
}

/// What every PDF must satisfy: text and grid, page and fonts, page numbers.
fn check_everything(doc: &Document, out: &PdfOutput) {
    check_text_and_lines(doc, out);
    check_info_and_fonts(out);
    check_page_numbers(out);
}

fn check_info_and_fonts(out: &PdfOutput) {
    let info = pdf_tools::pdfinfo(&out.bytes);
    assert!(info.contains("595.28 x 841.89 pts (A4)"), "{info}");
    assert!(
        info.contains(&format!("Pages:           {}", out.pages)),
        "{info}"
    );
    assert!(
        info.contains("Title:           市直工委在全市机关党建工作推进会上的发言"),
        "{info}"
    );
    assert!(
        info.contains(&format!("Author:          {AUTHOR}")),
        "{info}"
    );
    assert!(!info.contains("CreationDate"), "no timestamps: {info}");

    let fonts = pdf_tools::pdffonts(&out.bytes);
    let rows: Vec<&str> = fonts
        .lines()
        .skip(2)
        .filter(|l| !l.trim().is_empty())
        .collect();
    assert!(!rows.is_empty(), "{fonts}");
    for row in rows {
        let cols: Vec<&str> = row.split_whitespace().collect();
        let name = cols[0];
        let tag = name.split('+').next().unwrap();
        assert!(
            tag.len() == 6 && tag.chars().all(|c| c.is_ascii_uppercase()) && name.contains('+'),
            "subset tag: {row}"
        );
        // name, type (2 words), encoding, emb, sub, uni, object id (2)
        let n = cols.len();
        assert_eq!(
            &cols[n - 5..n - 2],
            ["yes", "yes", "yes"],
            "emb sub uni: {row}"
        );
    }
}

fn check_page_numbers(out: &PdfOutput) {
    let text = pdf_tools::pdftotext(&out.bytes);
    let pages: Vec<&str> = text
        .split('\u{c}')
        .filter(|p| !p.trim().is_empty())
        .collect();
    assert_eq!(pages.len(), out.pages);
    for (i, p) in pages.iter().enumerate() {
        let want = format!("—{}—", i + 1);
        assert!(
            p.lines().any(|l| is_page_number(l) && squeeze(l) == want),
            "page {} lacks its number {want}",
            i + 1
        );
    }
}

/// The speech as the pipeline makes it from the repository's sample facts, edited by `edit`.
fn sample_document(edit: impl Fn(String) -> String) -> Document {
    let p = harness::Project::sample();
    p.write("facts/2021.yaml", &edit(p.read("facts/2021.yaml")));
    let request = speechgen::pipeline::RenderRequest {
        root: p.root().to_path_buf(),
        facts: p.path("facts/2021.yaml"),
        kind: speechgen::pipeline::RenderKind::Final,
    };
    match speechgen::pipeline::render(&request) {
        Ok(rendered) => rendered.document,
        Err(d) => panic!("{d:#?}"),
    }
}

/// The size goal: no larger than Typst's own PDF of the same speech. Issue 19 set it against
/// Typst's file all in the Song face (156.3 KB); since issue 20 the title has a face of its own
/// (the bundled heavy serif, a 4.1 KB subset), and Typst 0.15 setting the speech in the same four
/// faces per role writes 188.5 KB (`benches/compare.py`). The bound keeps this file where it is
/// (158.9 KB without the manifest) with 1 KB of room, well under Typst's: a regression of a few
/// KB fails here. krilla adds the structure tree and marked content of tagged PDF and an XMP
/// packet (some 6 KB) to what genpdf wrote; its face subsets are within 0.5 KB of genpdf's.
const TYPST_BYTES: usize = 160_000;

#[test]
fn the_sample_speech_reads_back_and_keeps_the_grid() {
    if !pdf_tools::have(&["pdftotext", "pdfinfo", "pdffonts"]) {
        return;
    }
    let doc = sample_document(|t| t);
    let out = render(&doc);
    check_everything(&doc, &out);
    assert!(out.bytes.len() < TYPST_BYTES, "{} bytes", out.bytes.len());
}

#[test]
fn a_sample_with_long_campaign_lists_runs_over_many_pages() {
    if !pdf_tools::have(&["pdftotext", "pdfinfo", "pdffonts"]) {
        return;
    }
    let doc = sample_document(|t| {
        let lectures: String = (1..=60)
            .map(|i| format!("    - 第{i}期“学党史、悟思想”主题演讲市直机关巡演——走进{i}号楼\n"))
            .collect();
        let bases: String = (1..=40).map(|i| format!("第{i}干部学院, ")).collect();
        t.replace(
            "    - 湘江战役主题演讲市直机关巡演\n    - 脱贫感党恩奋进新起点主题活动进机关\n",
            &lectures,
        )
        .replace(
            "[红旗渠干部学院, 广西干部学院, 市委党校]",
            &format!("[{bases}市委党校]"),
        )
    });
    let out = render(&doc);
    assert!(out.pages >= 8, "{} pages", out.pages);
    check_everything(&doc, &out);
}

#[test]
fn seed_speech_reads_back_and_keeps_the_grid() {
    if !pdf_tools::have(&["pdftotext", "pdfinfo", "pdffonts"]) {
        return;
    }
    let doc = harness::seed_document();
    let out = render(&doc);
    check_everything(&doc, &out);
}

#[test]
fn long_speech_over_many_pages() {
    if !pdf_tools::have(&["pdftotext", "pdfinfo", "pdffonts"]) {
        return;
    }
    let doc = harness::long_document();
    let out = render(&doc);
    assert!(out.pages >= 15, "{} pages", out.pages);
    check_everything(&doc, &out);
}

#[test]
fn seed_speech_is_small() {
    let out = render(&harness::seed_document());
    assert!(
        out.bytes.len() < TYPST_BYTES,
        "{} bytes with the bundled faces",
        out.bytes.len()
    );
}

#[test]
fn same_input_gives_the_same_bytes() {
    let doc = harness::long_document();
    let a = render(&doc);
    let b = render(&doc);
    assert!(a.bytes == b.bytes, "two renders differ");
}

#[test]
fn faces_used_are_reported() {
    let out = render(&harness::seed_document());
    assert_eq!(
        out.faces_used,
        [
            "正文: AR PL SungtiL GB (内置)",
            "标题: Noto Serif CJK SC (内置)",
            "一级标题: WenQuanYi Micro Hei (内置)",
            "段首句: AR PL KaitiM GB (内置)",
        ]
    );
}

#[test]
fn draft_pages_carry_the_mark() {
    if !pdf_tools::have(&["pdftotext"]) {
        return;
    }
    let mut doc = harness::seed_document();
    doc.draft = true;
    let out = render(&doc);
    let text = pdf_tools::pdftotext(&out.bytes);
    let pages: Vec<&str> = text
        .split('\u{c}')
        .filter(|p| !p.trim().is_empty())
        .collect();
    assert_eq!(pages.len(), out.pages);
    for p in pages {
        assert!(p.lines().any(|l| l.trim() == "草稿"), "no 草稿 on a page");
    }
    // A final output never carries it.
    let final_text = pdf_tools::pdftotext(&render(&harness::seed_document()).bytes);
    assert!(!final_text.contains("草稿"));
}

#[test]
fn masked_figures_lay_out() {
    if !pdf_tools::have(&["pdftotext"]) {
        return;
    }
    let mut doc = harness::seed_document();
    doc.blocks.push(harness::paragraph(vec![harness::plain(
        "所属*个党组织中，“三星级”党组织*个、占比*%，“四星级”党组织*个、占比*%，“五星级”党组织*个、占比*%。",
    )]));
    let out = render(&doc);
    check_text_and_lines(&doc, &out);
}

#[test]
fn a_character_missing_from_every_face_is_refused() {
    let mut doc = harness::seed_document();
    let mut figure = harness::plain("𠀀");
    figure.figure = Some("branches_total".into());
    doc.blocks.push(harness::paragraph(vec![
        harness::plain("所属"),
        figure,
        harness::plain("个党组织。"),
    ]));
    let err = write_pdf(&doc, &bundled_fonts()).unwrap_err();
    assert!(
        matches!(err, PdfError::MissingChar { ch: '𠀀', .. }),
        "{err:?}"
    );
    let msg = err.to_string();
    assert!(msg.contains("“𠀀”(U+20000)"), "{msg}");
    assert!(msg.contains("branches_total"), "{msg}");
    assert!(msg.contains("AR PL SungtiL GB"), "{msg}");

    // In running text the message quotes the paragraph.
    let mut doc = harness::seed_document();
    doc.blocks.insert(
        0,
        harness::paragraph(vec![harness::plain("这一段里有𠀀字。")]),
    );
    let msg = write_pdf(&doc, &bundled_fonts()).unwrap_err().to_string();
    assert!(msg.contains("第 1 段：“这一段里有𠀀字。”"), "{msg}");
}

#[test]
fn a_character_another_face_has_is_set_from_it() {
    // 𬌗 (U+2C317) is in no bundled face, but the Hei face has some characters the Song
    // lacks; the fallback prints them rather than failing or leaving a blank.
    let doc = Document {
        title: "标题".into(),
        blocks: vec![harness::paragraph(vec![harness::plain("温馨提示：®")])],
        draft: false,
        figures: Vec::new(),
        ..Default::default()
    };
    let out = render(&doc);
    assert!(
        out.faces_used.iter().any(|l| l.contains("WenQuanYi")),
        "{:?}",
        out.faces_used
    );
}

#[test]
fn an_unbreakable_segment_wider_than_a_line_is_an_error() {
    let mut doc = harness::seed_document();
    doc.blocks
        .push(harness::paragraph(vec![harness::plain(&format!(
            "编号{}。",
            "1234567890".repeat(7)
        ))]));
    let err = write_pdf(&doc, &bundled_fonts()).unwrap_err();
    assert!(matches!(err, PdfError::Overlong { .. }), "{err:?}");
    assert!(err.to_string().contains("不能断开"), "{err}");
}

/// Every page rasterises to an image with ink on it (a page whose text vanished would not), and
/// the images stay in target/tmp/pdf-pages for looking at them.
#[test]
fn pages_render_to_images_with_text_on_them() {
    if !pdf_tools::have(&["pdftoppm"]) {
        return;
    }
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("pdf-pages");
    std::fs::create_dir_all(&dir).unwrap();
    for (name, doc) in [
        ("sample", sample_document(|t| t)),
        ("long", harness::long_document()),
    ] {
        let out = render(&doc);
        // Pages of an earlier run that had more of them are not this run's.
        for e in std::fs::read_dir(&dir).unwrap() {
            let path = e.unwrap().path();
            let n = path.file_name().unwrap().to_string_lossy().into_owned();
            if n.starts_with(&format!("{name}-")) && n.ends_with(".png") {
                std::fs::remove_file(path).unwrap();
            }
        }
        std::fs::write(dir.join(format!("{name}.pdf")), &out.bytes).unwrap();
        pdf_tools::pdftoppm(&out.bytes, 60, &dir.join(name));
        let pngs: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| {
                let n = p.file_name().unwrap().to_string_lossy().into_owned();
                n.starts_with(&format!("{name}-")) && n.ends_with(".png")
            })
            .collect();
        assert_eq!(pngs.len(), out.pages, "{name}: one image a page");
        for png in pngs {
            let size = std::fs::metadata(&png).unwrap().len();
            // A blank A4 page at 60 dpi compresses to about 1 KB; a page of text to 20 KB and more.
            assert!(
                size > 8_000,
                "{} is nearly blank ({size} bytes)",
                png.display()
            );
        }
    }
}

fn fixture_fonts() -> PdfOptions {
    PdfOptions {
        fonts: FontChoice::Auto,
        font_dirs: vec![
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fonts"),
        ],
        standard: None,
    }
}

#[test]
fn an_office_font_in_a_font_dir_is_preferred_and_named() {
    let doc = Document {
        title: "党建工作".into(),
        blocks: vec![harness::paragraph(vec![harness::plain("正文一段。")])],
        draft: false,
        figures: Vec::new(),
        ..Default::default()
    };
    let out = write_pdf(&doc, &fixture_fonts()).unwrap();
    let body = &out.faces_used[0];
    assert!(
        body.starts_with("正文: 仿宋_GB2312 ("),
        "{:?}",
        out.faces_used
    );
    assert!(body.contains("fake-fangsong.ttf"), "{body}");
    if pdf_tools::have(&["pdffonts", "pdftotext"]) {
        let fonts = pdf_tools::pdffonts(&out.bytes);
        assert!(fonts.contains("+FangSong_GB2312"), "{fonts}");
        assert_eq!(
            squeeze(&pdf_tools::pdftotext(&out.bytes)).replace("—1—", ""),
            "党建工作正文一段。"
        );
    }
}

#[test]
fn characters_the_office_font_lacks_come_from_another_face() {
    // The stand-in 仿宋 has only a few characters: the rest of the speech is set from the bundled
    // Song, reported as a fall-back face, never as blank glyphs.
    let doc = harness::seed_document();
    let out = write_pdf(&doc, &fixture_fonts()).unwrap();
    assert!(
        out.faces_used[0].starts_with("正文: 仿宋_GB2312"),
        "{:?}",
        out.faces_used
    );
    assert!(
        out.faces_used
            .iter()
            .any(|l| l == "补字: AR PL SungtiL GB (内置)"),
        "{:?}",
        out.faces_used
    );
    if pdf_tools::have(&["pdftotext"]) {
        let text = squeeze(&pdf_tools::pdftotext(&out.bytes));
        assert!(text.contains(&squeeze(&doc.blocks[0].plain_text())));
    }
}

#[test]
fn hei_headings_extract_without_look_alike_code_points() {
    // WenQuanYi Micro Hei maps 年 and 不 also from compatibility ideographs (U+F98E, U+F967);
    // a whole-font ToUnicode map would give those back. The subset's map must not.
    if !pdf_tools::have(&["pdftotext"]) {
        return;
    }
    let doc = Document {
        title: "二〇二一年不忘初心工作报告".into(),
        blocks: vec![
            harness::heading("一、年年不断线，不忘来时路"),
            harness::paragraph(vec![harness::plain("全年不间断开展工作。")]),
            harness::paragraph(vec![]),
        ],
        draft: false,
        figures: Vec::new(),
        ..Default::default()
    };
    let out = render(&doc);
    let text = squeeze(&pdf_tools::pdftotext(&out.bytes)).replace("—1—", "");
    assert_eq!(text, squeeze(&document_text(&doc).concat()));
    assert!(
        !text.chars().any(|c| ('\u{F900}'..='\u{FAFF}').contains(&c)),
        "{text}"
    );
}

#[test]
fn a_heading_is_not_left_at_the_foot_of_a_page() {
    if !pdf_tools::have(&["pdftotext"]) {
        return;
    }
    // Title on line 1, a blank line, a paragraph on lines 3–21: the heading would fall on
    // line 22.
    let doc = Document {
        title: "标题".into(),
        blocks: vec![
            harness::paragraph(vec![harness::plain(&"建".repeat(26 + 18 * 28))]),
            harness::heading("一、强化政治引领，把好机关党建“方向盘”"),
            harness::paragraph(vec![harness::plain("扛起主体责任。")]),
        ],
        draft: false,
        figures: Vec::new(),
        ..Default::default()
    };
    let out = render(&doc);
    assert_eq!(out.pages, 2);
    check_text_and_lines(&doc, &out);
    let text = pdf_tools::pdftotext(&out.bytes);
    let second = text.split('\u{c}').nth(1).unwrap();
    assert!(
        second.trim_start().starts_with("一、强化政治引领"),
        "{second}"
    );
}
