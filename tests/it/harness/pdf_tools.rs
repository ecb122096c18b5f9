//! The poppler tools (pdftotext, pdfinfo, pdffonts, pdftoppm) run on PDF bytes. Found through
//! `programs::program`: missing outside CI, a test is passed over; under `CI=true`, it fails.

use std::path::{Path, PathBuf};
use std::process::Command;

pub use super::programs::have;

/// The tool's path, or None (with a note on stderr) when it is missing outside CI.
pub fn tool(name: &str) -> Option<PathBuf> {
    super::programs::program(name)
}

fn run(name: &str, args: &[&str], pdf: &[u8]) -> String {
    // Every PDF a test reads back is also one qpdf finds no error in.
    qpdf_check_bytes(pdf);
    let exe = tool(name).unwrap_or_else(|| panic!("{name} missing"));
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("in.pdf");
    std::fs::write(&path, pdf).expect("write pdf");
    let out = Command::new(exe)
        .args(args)
        .arg(&path)
        .args(if name == "pdftotext" {
            &["-"][..]
        } else {
            &[][..]
        })
        .output()
        .unwrap_or_else(|e| panic!("run {name}: {e}"));
    assert!(
        out.status.success(),
        "{name} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

/// `qpdf --check` on a PDF: no error and no warning (exit 0), or the test fails with qpdf's
/// words. Under `CI=true` a missing qpdf fails; elsewhere the check is passed over.
pub fn qpdf_check(path: &Path) {
    let Some(qpdf) = tool("qpdf") else { return };
    let out = Command::new(qpdf)
        .arg("--check")
        .arg(path)
        .output()
        .unwrap_or_else(|e| panic!("run qpdf: {e}"));
    assert!(
        out.status.success(),
        "qpdf --check {}: exit {:?}\n{}{}",
        path.display(),
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `qpdf_check` on the PDF bytes a test made in memory, once per distinct file.
pub fn qpdf_check_bytes(pdf: &[u8]) {
    use std::hash::{Hash, Hasher};
    static SEEN: std::sync::Mutex<Vec<u64>> = std::sync::Mutex::new(Vec::new());
    let mut h = std::collections::hash_map::DefaultHasher::new();
    pdf.hash(&mut h);
    let key = h.finish();
    if SEEN.lock().unwrap().contains(&key) {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("in.pdf");
    std::fs::write(&path, pdf).expect("write pdf");
    qpdf_check(&path);
    SEEN.lock().unwrap().push(key);
}

/// `qpdf_check` on every `.pdf` under `dir` (five folders deep at most) written since `since`
/// (what one run of the binary wrote).
pub fn qpdf_check_written(dir: &Path, since: std::time::SystemTime) {
    check_written(dir, since, 5);
}

fn check_written(dir: &Path, since: std::time::SystemTime, depth: usize) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let Ok(meta) = entry.metadata() else { continue };
        if meta.is_dir() {
            if depth > 0 {
                check_written(&path, since, depth - 1);
            }
        } else if path.extension().is_some_and(|e| e == "pdf")
            && meta.modified().is_ok_and(|m| m >= since)
        {
            qpdf_check(&path);
        }
    }
}

/// The text, page by page (form feeds between pages), in reading order.
pub fn pdftotext(pdf: &[u8]) -> String {
    run("pdftotext", &["-enc", "UTF-8"], pdf)
}

/// The text laid out as on the page (`-layout`): one text line a line, pages split by form feeds.
pub fn pdftotext_layout(pdf: &[u8]) -> String {
    run("pdftotext", &["-layout", "-enc", "UTF-8"], pdf)
}

/// Every word with its box (`-bbox`): an XHTML page of `<word xMin=".." yMin=".." xMax=".."
/// yMax="..">` lines, one `<page>` a page.
pub fn pdftotext_bbox(pdf: &[u8]) -> String {
    run("pdftotext", &["-bbox", "-enc", "UTF-8"], pdf)
}

pub fn pdfinfo(pdf: &[u8]) -> String {
    run("pdfinfo", &["-enc", "UTF-8"], pdf)
}

pub fn pdffonts(pdf: &[u8]) -> String {
    run("pdffonts", &[], pdf)
}

/// `pdftohtml -xml`: the text in pieces, each with its font (`<fontspec id family>` and
/// `<text font>`), to tell which face printed which words.
pub fn pdftohtml_xml(pdf: &[u8]) -> String {
    run("pdftohtml", &["-xml", "-i", "-stdout"], pdf)
}

/// Renders pages to PNG files `prefix-N.png` (for looking at them).
pub fn pdftoppm(pdf: &[u8], dpi: u32, prefix: &Path) {
    let exe = tool("pdftoppm").expect("pdftoppm");
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("in.pdf");
    std::fs::write(&path, pdf).expect("write pdf");
    let status = Command::new(exe)
        .args(["-png", "-r", &dpi.to_string()])
        .arg(&path)
        .arg(prefix)
        .status()
        .expect("run pdftoppm");
    assert!(status.success());
}

/// Page `page` (1-based) rendered by pdftoppm in gray with `args` (resolution, crop): its width,
/// height and a byte a pixel, row by row (0 black, 255 white).
pub fn gray_page(pdf: &[u8], page: usize, args: &[&str]) -> (usize, usize, Vec<u8>) {
    let exe = tool("pdftoppm").expect("pdftoppm");
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("in.pdf");
    std::fs::write(&path, pdf).expect("write pdf");
    let page = page.to_string();
    let out = Command::new(exe)
        .args(["-gray", "-f", &page, "-l", &page])
        .args(args)
        .arg(&path)
        .output()
        .expect("run pdftoppm");
    assert!(out.status.success());
    // A binary PGM: "P5\n<width> <height>\n<max>\n" then a byte a pixel.
    let pgm = out.stdout;
    let mut fields = Vec::new();
    let mut at = 0;
    while fields.len() < 4 {
        while pgm[at].is_ascii_whitespace() {
            at += 1;
        }
        let start = at;
        while !pgm[at].is_ascii_whitespace() {
            at += 1;
        }
        fields.push(String::from_utf8_lossy(&pgm[start..at]).into_owned());
    }
    assert_eq!(fields[0], "P5");
    let (width, height) = (fields[1].parse().unwrap(), fields[2].parse().unwrap());
    (width, height, pgm[at + 1..].to_vec())
}

/// The bands of ink on page `page` (1-based), top to bottom, in points from the page's top:
/// runs of pixel rows (at 72 dpi: a row a point) holding any dark pixel. What the page shows,
/// whatever the file declares about its faces (a word's box in pdftotext comes from the face's
/// declared ascent and descent, which differ between writers for the same glyphs).
pub fn ink_bands(pdf: &[u8], page: usize) -> Vec<(f64, f64)> {
    let (width, height, pixels) = gray_page(pdf, page, &["-r", "72"]);
    let pixels = &pixels[..];
    let mut bands: Vec<(f64, f64)> = Vec::new();
    let mut open: Option<usize> = None;
    for row in 0..=height {
        let inked = row < height
            && pixels[row * width..(row + 1) * width]
                .iter()
                .any(|p| *p < 128);
        match (inked, open) {
            (true, None) => open = Some(row),
            (false, Some(top)) => {
                bands.push((top as f64, row as f64));
                open = None;
            }
            _ => {}
        }
    }
    bands
}

/// A line that is only a page number, “— 3 —”.
pub fn is_page_number(line: &str) -> bool {
    let t: String = line.chars().filter(|c| !c.is_whitespace()).collect();
    t.starts_with('—')
        && t.ends_with('—')
        && t.chars().count() > 2
        && t.trim_matches('—').chars().all(|c| c.is_ascii_digit())
}

/// The digest stamp at the foot of a speech's last page: `摘要 1a2b3c4d5e6f`.
pub fn is_digest_stamp(line: &str) -> bool {
    line.trim().strip_prefix("摘要 ").is_some_and(|d| {
        d.len() == 12
            && d.bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    })
}

/// A line printed around the text block rather than in it: a page number, the draft mark 草稿,
/// the digest stamp at the last page's foot, the sample mark (on every page of a speech from sample facts), or the two marks on one line.
pub fn is_page_mark(line: &str) -> bool {
    const SAMPLE: &str = "样例：数字是虚构的，不能用于正式讲话";
    let t = squeeze(line);
    is_page_number(line)
        || is_digest_stamp(line)
        || t == "草稿"
        || t == SAMPLE
        || t == format!("{SAMPLE}草稿")
}

/// Text with all whitespace removed, for comparing content regardless of line breaks.
pub fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// The speech's words as pdftotext reads them from a PDF, whitespace removed: without the marks
/// printed around the text block (page numbers, 草稿, 样例, the digest stamp).
/// The circulation copy's line stands above the title on the first page and in the top margin of
/// every later one: only the first is the speech's.
pub fn pdf_speech_text(pdf: &[u8]) -> String {
    let text = pdftotext(pdf);
    squeeze(
        &text
            .split('\u{c}')
            .enumerate()
            .flat_map(|(i, page)| {
                page.lines()
                    .map(str::trim)
                    .filter(move |l| i == 0 || squeeze(l) != "传阅稿（数字已隐去）")
                    .collect::<Vec<_>>()
            })
            .filter(|l| !is_page_mark(l))
            .collect::<String>(),
    )
}
