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
