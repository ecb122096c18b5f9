//! Issue 20: the HTML printed by Chromium (`--print-to-pdf`) as the PDF is printed, measured on
//! every glyph of Chromium's PDF (`harness::pdf_glyphs`): adjacent marks share one blank half,
//! no line is spread wider than 1.1 cells a character, and the body's lines stand on one steady
//! pitch. Printed twice: with the machine's own fonts (here Noto CJK, whose `halt` feature
//! Chromium's own trimming uses) and with the bundled AR PL faces added to fontconfig (which the
//! page names first and which have no `halt`: 0 of 14 pairs were at a half with them).
//!
//! Runs where chromium and the poppler tools are installed; fails under `CI=true` where missing.

use std::path::Path;
use std::process::Command;

use crate::harness::pdf_glyphs::{self, Glyph};
use crate::harness::{Project, REPO, pdf_tools, programs};

const CELL: f64 = 156.0 * 72.0 / 25.4 / 28.0;
const TOP: f64 = 37.0 * 72.0 / 25.4;
const FOOT: f64 = (297.0 - 35.0) * 72.0 / 25.4;

/// The HTML Chromium prints, with the bundled faces added to the machine's fonts when `bundled`.
fn print(chromium: &Path, html: &Path, bundled: bool) -> Vec<u8> {
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("printed.pdf");
    let mut command = Command::new(chromium);
    command
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-pdf-header-footer",
            "--no-first-run",
            "--disable-background-networking",
        ])
        .arg(format!(
            "--user-data-dir={}",
            dir.path().join("profile").display()
        ))
        .arg(format!("--print-to-pdf={}", pdf.display()))
        .arg(format!("file://{}", html.display()));
    if bundled {
        let conf = dir.path().join("fonts.conf");
        std::fs::write(
            &conf,
            format!(
                "<?xml version=\"1.0\"?>\n<!DOCTYPE fontconfig SYSTEM \"fonts.dtd\">\n<fontconfig>\
                 <include ignore_missing=\"yes\">/etc/fonts/fonts.conf</include>\
                 <dir>{REPO}/fonts</dir><cachedir>{}</cachedir></fontconfig>\n",
                dir.path().join("fc-cache").display()
            ),
        )
        .unwrap();
        command.env("FONTCONFIG_FILE", conf);
    }
    let out = command.output().unwrap();
    assert!(
        out.status.success() && pdf.is_file(),
        "chromium printed nothing: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::read(pdf).unwrap()
}

fn is_mark(c: char) -> bool {
    "，。、；：？！”’）》〉】〕」』“‘（《〈【〔「『".contains(c)
}

/// Chinese characters other than marks (Chromium's ToUnicode maps some to their Kangxi radical
/// look-alikes, ⼈ for 人: both count).
fn is_hanzi(c: char) -> bool {
    matches!(c as u32, 0x2E80..=0x2FDF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF)
}

/// The body's lines of each page: 16 pt glyphs inside the text block.
fn body_lines(pdf: &[u8]) -> Vec<Vec<Vec<Glyph>>> {
    pdf_glyphs::glyphs(pdf)
        .iter()
        .map(|page| {
            pdf_glyphs::lines(page)
                .into_iter()
                .map(|line| {
                    line.into_iter()
                        .filter(|g| (g.size - 16.0).abs() < 0.3)
                        .collect::<Vec<_>>()
                })
                .filter(|line| {
                    !line.is_empty() && line[0].baseline > TOP && line[0].baseline < FOOT
                })
                .collect()
        })
        .collect()
}

struct Measures {
    pairs: usize,
    at_half: usize,
    widest: f64,
    widest_line: String,
    pitches: Vec<f64>,
}

fn measure(pdf: &[u8]) -> Measures {
    let mut m = Measures {
        pairs: 0,
        at_half: 0,
        widest: 0.0,
        widest_line: String::new(),
        pitches: Vec::new(),
    };
    for page in body_lines(pdf) {
        for line in &page {
            for w in line.windows(2) {
                let (a, b) = (&w[0], &w[1]);
                let step = (b.x - a.x) / CELL;
                if is_mark(a.ch) && is_mark(b.ch) {
                    m.pairs += 1;
                    if (0.45..0.6).contains(&step) {
                        m.at_half += 1;
                    }
                }
                // Spacing: the step from one Chinese character to the next.
                if is_hanzi(a.ch) && is_hanzi(b.ch) && step > m.widest {
                    m.widest = step;
                    m.widest_line = pdf_glyphs::text(line);
                }
            }
        }
        // Pitch between consecutive lines, headings (in faces of their own) included.
        for w in page.windows(2) {
            m.pitches.push(w[1][0].baseline - w[0][0].baseline);
        }
    }
    m
}

/// Adjacent marks at a half (0 of 14 with the AR PL faces), no line spread (1.12 and 1.17 cells
/// around figures that go down with their units), one pitch (29.25 and 28.5 pt in turn, 30 and
/// 27.75 beside a lead sentence in another face, a heading in WenQuanYi Micro Hei 0.75 pt off).
#[test]
fn chromium_prints_marks_at_a_half_no_spread_line_and_a_steady_pitch() {
    let Some(chromium) = programs::chromium() else {
        return;
    };
    if !pdf_tools::have(&["pdftotext"]) {
        return;
    }
    let p = Project::sample();
    p.run(["render", "--format", "html", "-o", "out"])
        .expect_code(0);
    let html = p.path("out/speech.html");
    for bundled in [false, true] {
        let m = measure(&print(&chromium, &html, bundled));
        let what = if bundled { "AR PL faces" } else { "own fonts" };
        let mut distinct: Vec<String> = m.pitches.iter().map(|q| format!("{q:.2}")).collect();
        distinct.sort();
        distinct.dedup();
        eprintln!(
            "{what}: {} of {} mark pairs at a half; widest spacing {:.3} cells ({}); pitches {distinct:?}",
            m.at_half, m.pairs, m.widest, m.widest_line
        );
        assert!(m.pairs >= 10, "{what}: only {} pairs", m.pairs);
        assert_eq!(m.at_half, m.pairs, "{what}: marks at a half");
        assert!(
            m.widest <= 1.1,
            "{what}: a line spaced {:.2} cells a character: {}",
            m.widest,
            m.widest_line
        );
        // Every pitch one row of the first (or whole rows, where a page's lines skip one).
        let pitch = m.pitches[0];
        for q in &m.pitches {
            let rows = (q / pitch).round();
            assert!(
                rows >= 1.0 && (q - rows * pitch).abs() < 0.05,
                "{what}: a pitch of {q} pt on a grid of {pitch}: {:?}",
                m.pitches
            );
        }
    }
}
