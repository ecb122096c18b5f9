//! The faces and places of what GB/T 9704 sizes exactly, read from the PDF: page numbers in a
//! Song face (宋体 when the machine has it, else the bundled Song, whatever the body is set in),
//! their dashes' stroke 7 mm below the text block (7.5: 一字线上距版心下边缘 7 mm); lead
//! sentences at 16 pt (3号) in the office 楷体, while the bundled Kai is scaled to the body's ink.

use std::collections::BTreeSet;

use lopdf::{Document, Object};

use crate::harness::pdf_glyphs;
use crate::harness::pdf_tools;
use crate::harness::{Project, programs};
use crate::office_fonts::{bundled, names, prc_kai, renamed, render, utf16, write};

const PT_PER_MM: f64 = 72.0 / 25.4;
/// The text block's left edge, width and foot, in points from the page's top-left corner.
const LEFT: f64 = 28.0 * PT_PER_MM;
const WIDTH: f64 = 156.0 * PT_PER_MM;
const FOOT: f64 = (297.0 - 35.0) * PT_PER_MM;

/// Per font of the file whose BaseFont contains `name`: the characters its ToUnicode map holds.
fn characters_of(pdf: &[u8], name: &str) -> Vec<BTreeSet<char>> {
    let doc = Document::load_mem(pdf).unwrap();
    let mut out = Vec::new();
    for obj in doc.objects.values() {
        let Ok(dict) = obj.as_dict() else { continue };
        let is_font = dict.get(b"Type").and_then(Object::as_name).ok() == Some(b"Font");
        let base = dict
            .get(b"BaseFont")
            .and_then(Object::as_name)
            .map(|n| String::from_utf8_lossy(n).into_owned())
            .unwrap_or_default();
        if !is_font || !base.contains(name) {
            continue;
        }
        let Some(stream) = dict
            .get(b"ToUnicode")
            .ok()
            .and_then(|o| o.as_reference().ok())
            .and_then(|id| doc.get_object(id).ok())
            .and_then(|o| o.as_stream().ok())
        else {
            continue;
        };
        let bytes = stream
            .decompressed_content()
            .unwrap_or_else(|_| stream.content.clone());
        let text = String::from_utf8_lossy(&bytes);
        let mut chars = BTreeSet::new();
        // Inside bfchar and bfrange sections, lines of hex: <GGGG> <UUUU> or <GGGG> <GGGG>
        // <UUUU> (the first character of a range is enough here).
        let mut inside = false;
        for line in text.lines() {
            if line.contains("beginbfchar") || line.contains("beginbfrange") {
                inside = true;
                continue;
            }
            if line.contains("endbf") {
                inside = false;
            }
            if !inside {
                continue;
            }
            let hex: Vec<&str> = line
                .split(['<', '>'])
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .collect();
            if let Some(u) = hex.last().filter(|_| hex.len() >= 2)
                && let Ok(v) = u32::from_str_radix(u, 16)
                && let Some(c) = char::from_u32(v)
            {
                chars.insert(c);
            }
        }
        out.push(chars);
    }
    out
}

/// Where the stroke of page `page`'s page-number dashes lies, in mm below the text block's
/// foot: its top, bottom and middle, from the page rendered at 720 dpi (the rows under the
/// block where a horizontal run of ink is as long as half a 14 pt dash).
fn dash_stroke(pdf: &[u8], page: usize) -> (f64, f64, f64) {
    let scale = 10.0; // pixels a point
    let px = |v: f64| ((v * scale) as i64).to_string();
    let (x, y, width, height) = (px(LEFT), px(FOOT), px(WIDTH), px(12.0 * PT_PER_MM));
    let args = ["-r", "720", "-x", &x, "-y", &y, "-W", &width, "-H", &height];
    let (w, h, pixels) = pdf_tools::gray_page(pdf, page, &args);
    let rows: Vec<usize> = (0..h)
        .filter(|y| {
            let row = &pixels[y * w..(y + 1) * w];
            let (mut run, mut best) = (0, 0);
            for p in row {
                run = if *p < 128 { run + 1 } else { 0 };
                best = best.max(run);
            }
            best as f64 >= 7.0 * scale
        })
        .collect();
    assert!(!rows.is_empty(), "no dash under the text block");
    let mm = |row: f64| row / scale / PT_PER_MM;
    let (top, bottom) = (rows[0] as f64, *rows.last().unwrap() as f64 + 1.0);
    (mm(top), mm(bottom), mm((top + bottom) / 2.0))
}

#[test]
fn the_page_numbers_dash_stands_7_mm_below_the_text_block() {
    if !programs::have(&["pdftoppm"]) {
        return;
    }
    let p = Project::sample();
    p.run([
        "render", "-o", "out", "--format", "pdf", "--fonts", "bundled",
    ])
    .expect_code(0);
    let pdf = std::fs::read(p.path("out/speech.pdf")).unwrap();
    for page in 1..=2 {
        let (top, bottom, middle) = dash_stroke(&pdf, page);
        // The stroke is a quarter of a millimetre thick; its middle at 7 mm to a pixel at 720 dpi.
        assert!(
            (middle - 7.0).abs() < 0.06,
            "page {page}: the dash's stroke from {top:.2} to {bottom:.2} mm below the block"
        );
    }
}

/// A project whose font folder holds 仿宋_GB2312 (WenQuanYi Micro Hei renamed: a face plainly
/// not a Song) and, with `simsun`, 宋体 (AR PL SungtiL GB renamed SimSun).
fn office_project(simsun: bool) -> (Project, std::path::PathBuf) {
    let p = Project::sample();
    let dir = p.path("fonts");
    let fangsong = renamed(
        &bundled("wqy-microhei.ttf"),
        0,
        names(
            vec![
                (3, 1, 0x804, utf16("仿宋_GB2312")),
                (3, 1, 0x409, utf16("FangSong_GB2312")),
            ],
            "FangSong_GB2312",
        ),
    );
    write(&dir.join("fangsong.ttf"), &fangsong);
    if simsun {
        let song = renamed(
            &bundled("gbsn00lp.ttf"),
            0,
            names(
                vec![(3, 1, 0x804, utf16("宋体")), (3, 1, 0x409, utf16("SimSun"))],
                "SimSun",
            ),
        );
        write(&dir.join("simsun.ttf"), &song);
    }
    (p, dir)
}

#[test]
fn page_numbers_are_set_in_simsun_when_found_else_in_the_bundled_song() {
    let digits: BTreeSet<char> = "—0123456789".chars().collect();
    // The PDF rendered with the office faces (and 宋体 among them when `simsun`), the face list
    // it reports checked, and the characters of the one subset of the face `numbers`: the dash
    // and digits only.
    let numbers_in = |simsun: bool, reported: &[&str], numbers: &str| -> Vec<u8> {
        let (p, dir) = office_project(simsun);
        let dir = dir.to_str().unwrap().to_owned();
        let run = render(
            &p,
            &["render", "--format", "pdf", "-o", "out", "--font-dir", &dir],
            &[],
        );
        run.expect_code(0);
        for line in reported {
            run.expect_stderr(line);
        }
        let pdf = std::fs::read(p.path("out/speech.pdf")).unwrap();
        let song = characters_of(&pdf, numbers);
        assert_eq!(song.len(), 1, "one {numbers} subset");
        assert!(
            song[0].contains(&'—') && song[0].is_subset(&digits),
            "{:?}",
            song[0]
        );
        pdf
    };
    // 宋体 found: it sets the numbers, and nothing else.
    let pdf = numbers_in(true, &["正文: 仿宋_GB2312 (", "页码: 宋体 ("], "SimSun");
    // The body's face prints no page number: its subset has no dash (the text has none).
    let body = characters_of(&pdf, "FangSong_GB2312");
    assert!(!body[0].contains(&'—'), "{:?}", body[0]);

    // No 宋体: the bundled Song sets them, though the body is the office 仿宋.
    let pdf = numbers_in(false, &["页码: AR PL SungtiL GB (内置)"], "BousungEG");
    if pdf_tools::have(&["pdftotext"]) {
        let text = pdf_tools::pdftotext(&pdf);
        assert!(text.contains("— 1 —") || text.contains("—1—"), "{text}");
    }
}

/// The sizes the glyphs of the sample's first lead sentence (扛起主体责任) are set at.
fn lead_sizes(pdf: &[u8]) -> BTreeSet<u32> {
    let pages = pdf_glyphs::glyphs(pdf);
    let line = pages
        .iter()
        .flat_map(|page| pdf_glyphs::lines(page))
        .find(|l| pdf_glyphs::text(l).starts_with("扛起主体责任"))
        .expect("the first lead sentence");
    line.iter()
        .take(6)
        .map(|g| (g.size * 10.0).round() as u32)
        .collect()
}

#[test]
fn lead_sentences_are_16_pt_in_the_office_kai_and_scaled_only_in_the_bundled_one() {
    let p = Project::sample();
    let dir = p.path("fonts");
    write(&dir.join("kai.ttf"), &prc_kai());
    let dir = dir.to_str().unwrap().to_owned();
    render(
        &p,
        &["render", "--format", "pdf", "-o", "out", "--font-dir", &dir],
        &[],
    )
    .expect_code(0)
    .expect_stderr("段首句: 楷体_GB2312 (");
    let office = std::fs::read(p.path("out/speech.pdf")).unwrap();
    assert_eq!(
        lead_sizes(&office),
        BTreeSet::from([160]),
        "3号 in 楷体_GB2312"
    );

    p.run([
        "render", "--format", "pdf", "-o", "bundled", "--fonts", "bundled",
    ])
    .expect_code(0);
    let own = std::fs::read(p.path("bundled/speech.pdf")).unwrap();
    assert_eq!(
        lead_sizes(&own),
        BTreeSet::from([180]),
        "AR PL KaitiM GB scaled to the ink"
    );
}
