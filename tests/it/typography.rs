//! The printed page as a Chinese typesetter sets it, checked on the PDF the binary writes (with
//! the bundled faces, so the same everywhere): figures never split from their units, no lone
//! last character (孤字) and no lone line at a page's head or foot (寡行, 孤行), adjacent marks
//! sharing one blank half and no mark squeezed below half a cell, page numbers on alternating
//! sides as GB/T 9704 7.5 sets them (or centred); and the HTML printed by chromium on the same
//! page. Glyph positions are read from the file (`harness::pdf_glyphs`), checked against
//! pdftotext `-bbox`.

use std::collections::HashMap;
use std::process::Command;

use crate::harness::pdf_glyphs::{self, Glyph};
use crate::harness::{Project, pdf_tools, programs};

/// GB/T 9704: the text block's left and right edges, its foot, in points from the page's
/// top-left corner; the grid cell.
const LEFT: f64 = 28.0 * 72.0 / 25.4;
const RIGHT: f64 = (210.0 - 26.0) * 72.0 / 25.4;
const TOP: f64 = 37.0 * 72.0 / 25.4;
const FOOT: f64 = (297.0 - 35.0) * 72.0 / 25.4;
/// Above the digest stamp, whose baseline is 12 mm above the page's foot.
const STAMP_TOP: f64 = (297.0 - 20.0) * 72.0 / 25.4;
const CELL: f64 = 156.0 * 72.0 / 25.4 / 28.0;
/// How closely the PDF places a glyph where the layout wants it: a kern is written only past a
/// twentieth of a point, in thousandths of the size.
const PLACED: f64 = 0.06;

/// The sample rendered with the bundled faces: its PDF and HTML.
fn render(p: &Project) -> (Vec<u8>, String) {
    p.run(["render", "-o", "out", "--fonts", "bundled"])
        .expect_code(0);
    (
        std::fs::read(p.path("out/speech.pdf")).unwrap(),
        p.read("out/speech.html"),
    )
}

/// The sample with generated paragraphs appended to its template: a run of characters of every
/// length from 0 to 27 before the same figures, so that each figure and its unit fall at every
/// place in a line.
pub(crate) fn generated() -> Project {
    let p = Project::sample();
    let mut template = p.read("templates/speech.md.tera");
    let filler: Vec<char> = "党建工作品牌建设提升强化赋能驱动作用凡被命名的星级党组织必须要有过硬"
        .chars()
        .collect();
    for k in 0..28 {
        let prefix: String = filler.iter().cycle().take(k).collect();
        template.push_str(&format!(
            "\n{prefix}每天到岗党员干部达{{{{ fig.daily_on_duty }}}}人，占比{{{{ fig.three_star_share }}}}%，\
             服务{{{{ fig.people_served }}}}人次，五星级{{{{ fig.five_star }}}}个，专职{{{{ fig.party_workers }}}}人，\
             通报{{{{ fig.documents_relayed }}}}次。\n"
        ));
    }
    p.write("templates/speech.md.tera", &template);
    p
}

/// Per figure id, its kind and unit, read from the project's declarations (two-space ids,
/// four-space keys: the file's own layout).
fn declarations(p: &Project) -> HashMap<String, (String, String)> {
    let mut out: HashMap<String, (String, String)> = HashMap::new();
    let mut current: Option<String> = None;
    for line in p.read("templates/figures.yaml").lines() {
        if let Some(id) = line
            .strip_prefix("  ")
            .filter(|l| !l.starts_with(' ') && l.ends_with(':'))
        {
            current = Some(id.trim_end_matches(':').to_owned());
            out.insert(current.clone().unwrap(), Default::default());
        } else if let (Some(id), Some(rest)) = (&current, line.strip_prefix("    ")) {
            let entry = out.get_mut(id).unwrap();
            if let Some(kind) = rest.strip_prefix("kind: ") {
                entry.0 = kind.trim().to_owned();
            } else if let Some(unit) = rest.strip_prefix("unit: ") {
                entry.1 = unit.trim().trim_matches('"').to_owned();
            }
        } else if !line.starts_with(' ') {
            current = None;
        }
    }
    out
}

/// Each figure the HTML prints, in order: its id, its text and the text right after it.
fn printed_figures(html: &str) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(at) = rest.find("data-figure=\"") {
        rest = &rest[at + "data-figure=\"".len()..];
        let id = &rest[..rest.find('"').unwrap()];
        let open = rest.find('>').unwrap();
        let close = rest.find("</span>").unwrap();
        let text = &rest[open + 1..close];
        let after = &rest[close + "</span>".len()..];
        let after = &after[..after.find('<').unwrap_or(after.len())];
        out.push((id.to_owned(), text.to_owned(), after.to_owned()));
        rest = &rest[close..];
    }
    out
}

/// The text block's lines of every page (the page number and a draft mark left out).
fn body_lines(pdf: &[u8]) -> Vec<Vec<Vec<Glyph>>> {
    pdf_glyphs::glyphs(pdf)
        .iter()
        .map(|page| {
            pdf_glyphs::lines(page)
                .into_iter()
                .filter(|l| l[0].baseline < FOOT && l[0].baseline > 37.0 * 72.0 / 25.4)
                .collect()
        })
        .collect()
}

/// A line that starts a block: indented two cells (a heading or paragraph), or the title.
fn starts_block(line: &[Glyph]) -> bool {
    line[0].x > LEFT + 0.75 * CELL || line[0].size > 20.0
}

fn is_mark(c: char) -> bool {
    "，。、；：？！”’）》」』〉】“‘（《「『〈【".contains(c)
}

fn is_opening(c: char) -> bool {
    "“‘（《「『〈【".contains(c)
}

/// Characters other than punctuation.
fn letters(line: &[Glyph]) -> usize {
    line.iter()
        .filter(|g| !is_mark(g.ch) && !"…—·".contains(g.ch))
        .count()
}

pub(crate) fn check_figures_whole(p: &Project) -> usize {
    let (pdf, html) = render(p);
    let decls = declarations(p);
    // The text of all lines joined, and where each line starts in it.
    let mut text: Vec<char> = Vec::new();
    let mut starts: Vec<usize> = Vec::new();
    for line in body_lines(&pdf).iter().flatten() {
        starts.push(text.len());
        text.extend(line.iter().map(|g| g.ch));
    }
    let mut cursor = 0;
    let mut checked = 0;
    for (id, value, after) in printed_figures(&html) {
        let (kind, unit) = &decls[&id];
        if kind == "names" {
            continue;
        }
        let unit = if !unit.is_empty() && after.starts_with(unit.as_str()) {
            unit.as_str()
        } else {
            ""
        };
        let whole: Vec<char> = format!("{value}{unit}").chars().collect();
        let at = (cursor..=text.len().saturating_sub(whole.len()))
            .find(|&i| text[i..i + whole.len()] == whole[..])
            .unwrap_or_else(|| panic!("{id} “{value}{unit}” not found in the PDF's text"));
        let split = starts.iter().find(|&&s| s > at && s < at + whole.len());
        assert!(
            split.is_none(),
            "figure {id} “{value}{unit}” is split across lines: {:?} | {:?}",
            text[at..split.copied().unwrap()].iter().collect::<String>(),
            text[split.copied().unwrap()..at + whole.len()]
                .iter()
                .collect::<String>(),
        );
        cursor = at + whole.len();
        checked += 1;
    }
    checked
}

#[test]
fn figures_stay_on_one_line_with_their_units() {
    let checked = check_figures_whole(&Project::sample());
    assert!(checked >= 25, "only {checked} figures checked");
    // Generated text: the same figures at every place in a line.
    let checked = check_figures_whole(&generated());
    assert!(checked >= 25 + 28 * 6, "only {checked} figures checked");
}

/// Blocks as their lines, following a block over a page break.
fn blocks(pages: &[Vec<Vec<Glyph>>]) -> Vec<Vec<(usize, Vec<Glyph>)>> {
    let mut out: Vec<Vec<(usize, Vec<Glyph>)>> = Vec::new();
    for (n, page) in pages.iter().enumerate() {
        for line in page {
            if starts_block(line) || out.is_empty() {
                out.push(Vec::new());
            }
            out.last_mut().unwrap().push((n, line.clone()));
        }
    }
    out
}

fn check_no_lone_lines(pdf: &[u8]) {
    let pages = body_lines(pdf);
    let blocks = blocks(&pages);
    assert!(blocks.len() > 15, "{} blocks", blocks.len());
    for b in &blocks {
        let texts: Vec<String> = b.iter().map(|(_, l)| pdf_glyphs::text(l)).collect();
        if b.len() >= 2 {
            let last = &b[b.len() - 1].1;
            assert!(
                letters(last) >= 2,
                "a paragraph ends with one character alone: {texts:?}"
            );
            // A page break inside the paragraph leaves two lines at least on each side.
            let (first_page, last_page) = (b[0].0, b[b.len() - 1].0);
            if first_page != last_page {
                let before = b.iter().filter(|(n, _)| *n == first_page).count();
                let after = b.iter().filter(|(n, _)| *n == last_page).count();
                assert!(
                    before >= 2,
                    "page {} ends with a paragraph's first line alone: {texts:?}",
                    first_page + 1
                );
                assert!(
                    after >= 2,
                    "page {} begins with a paragraph's last line alone: {texts:?}",
                    last_page + 1
                );
            }
        }
    }
}

#[test]
fn no_lone_last_character_and_no_lone_line_at_a_page_break() {
    let (pdf, _) = render(&Project::sample());
    check_no_lone_lines(&pdf);
    let (pdf, _) = render(&generated());
    check_no_lone_lines(&pdf);
}

pub(crate) fn check_marks(pdf: &[u8]) -> usize {
    let mut pairs = 0;
    for line in body_lines(pdf).iter().flatten() {
        for w in line.windows(2) {
            let (a, b) = (&w[0], &w[1]);
            // Body glyphs only: lead sentences are set larger than their cells.
            if (a.size - 16.0).abs() > 0.01 || (b.size - 16.0).abs() > 0.01 {
                continue;
            }
            let (am, bm) = (is_mark(a.ch), is_mark(b.ch));
            if am || bm {
                // No mark below half its cell, and never a gap cut from both sides.
                let half = if am && !is_opening(a.ch) || bm && is_opening(b.ch) {
                    0.5 * a.width.max(b.width)
                } else {
                    0.0
                };
                assert!(
                    b.x - a.right() >= -half - PLACED,
                    "{}{} overlap by {:.2} pt in {}",
                    a.ch,
                    b.ch,
                    a.right() - b.x,
                    pdf_glyphs::text(line)
                );
            }
            if am && bm {
                // Adjacent marks share one blank half: the second stands half a cell after
                // the first (a little more on a spread line), never a whole cell.
                let step = (b.x - a.x) / a.width;
                assert!(
                    (0.5 - PLACED / a.width..0.75).contains(&step),
                    "{}{} set {step:.2} of a cell apart in {}",
                    a.ch,
                    b.ch,
                    pdf_glyphs::text(line)
                );
                pairs += 1;
            }
        }
    }
    pairs
}

#[test]
fn adjacent_marks_share_one_blank_half_and_none_is_squeezed_below_half() {
    let (pdf, _) = render(&Project::sample());
    let pairs = check_marks(&pdf);
    assert!(pairs >= 10, "only {pairs} pairs of marks");
    let (pdf, _) = render(&generated());
    check_marks(&pdf);
}

/// pdftotext `-bbox` words: (page, text, xMin, yMin, xMax).
fn bbox_words(pdf: &[u8]) -> Vec<(usize, String, f64, f64, f64)> {
    let html = pdf_tools::pdftotext_bbox(pdf);
    let attr = |tag: &str, name: &str| -> f64 {
        let at = tag.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
        tag[at..at + tag[at..].find('"').unwrap()].parse().unwrap()
    };
    let mut words = Vec::new();
    let mut page = 0;
    for line in html.lines() {
        let line = line.trim();
        if line.starts_with("<page ") {
            page += 1;
        } else if line.starts_with("<word ") {
            let end = line.find('>').unwrap();
            let tag = &line[..end];
            let text = line[end + 1..line.rfind("</word>").unwrap()].to_owned();
            words.push((
                page,
                text,
                attr(tag, "xMin"),
                attr(tag, "yMin"),
                attr(tag, "xMax"),
            ));
        }
    }
    words
}

#[test]
fn glyph_positions_agree_with_pdftotext() {
    if !pdf_tools::have(&["pdftotext"]) {
        return;
    }
    let (pdf, _) = render(&Project::sample());
    let pages = body_lines(&pdf);
    let mut matched = 0;
    for (page, text, x_min, _, x_max) in bbox_words(&pdf) {
        let Some(line) = pages[page - 1].iter().find(|l| pdf_glyphs::text(l) == text) else {
            continue;
        };
        let (first, last) = (&line[0], &line[line.len() - 1]);
        assert!(
            (first.x - x_min).abs() < 0.05 && (last.right() - x_max).abs() < 0.05,
            "{text}: glyphs from {} to {}, pdftotext {x_min} to {x_max}",
            first.x,
            last.right()
        );
        matched += 1;
    }
    assert!(matched >= 40, "only {matched} lines compared");
}

/// Per page, the page number's words: (xMin, xMax) of “— n —” and n.
fn page_numbers(pdf: &[u8]) -> Vec<(f64, f64, String)> {
    let words = bbox_words(pdf);
    let pages = words.iter().map(|w| w.0).max().unwrap_or(0);
    (1..=pages)
        .map(|n| {
            // Between the text block's foot and the digest stamp low on the last page.
            let below: Vec<_> = words
                .iter()
                .filter(|w| w.0 == n && w.3 > FOOT && w.3 < STAMP_TOP)
                .collect();
            assert!(!below.is_empty(), "page {n} has no number");
            let x0 = below.iter().map(|w| w.2).fold(f64::MAX, f64::min);
            let x1 = below.iter().map(|w| w.4).fold(f64::MIN, f64::max);
            let text: String = below.iter().map(|w| w.1.as_str()).collect();
            (x0, x1, text)
        })
        .collect()
}

#[test]
fn page_numbers_alternate_sides_as_gbt_9704_sets_them() {
    if !pdf_tools::have(&["pdftotext"]) {
        return;
    }
    let (pdf, _) = render(&Project::sample());
    let numbers = page_numbers(&pdf);
    assert!(numbers.len() >= 3, "{numbers:?}");
    for (i, (x0, x1, text)) in numbers.iter().enumerate() {
        let n = i + 1;
        assert_eq!(text, &format!("—{n}—"), "page {n}");
        // One 4号 (14 pt) character in from the text block's edge.
        if n % 2 == 1 {
            assert!(
                (x1 - (RIGHT - 14.0)).abs() < 1.0,
                "odd page {n} at the right: {x0}–{x1}"
            );
        } else {
            assert!(
                (x0 - (LEFT + 14.0)).abs() < 1.0,
                "even page {n} at the left: {x0}–{x1}"
            );
        }
    }
}

#[test]
fn centred_page_numbers_still_work() {
    if !pdf_tools::have(&["pdftotext"]) {
        return;
    }
    let p = Project::sample();
    let settings = p.read("templates/speech.yaml");
    p.write(
        "templates/speech.yaml",
        &format!("{settings}\npage_numbers: centred\n"),
    );
    let (pdf, html) = render(&p);
    for (i, (x0, x1, _)) in page_numbers(&pdf).iter().enumerate() {
        let centre = (LEFT + RIGHT) / 2.0;
        assert!(
            ((x0 + x1) / 2.0 - centre).abs() < 1.0,
            "page {} centred: {x0}–{x1}",
            i + 1
        );
    }
    assert!(
        html.contains("@bottom-center"),
        "the HTML prints them centred too"
    );
}

#[test]
fn the_html_prints_on_the_pdfs_page() {
    let Some(chromium) = programs::chromium() else {
        return;
    };
    if !pdf_tools::have(&["pdftotext", "pdfinfo", "pdftoppm"]) {
        return;
    }
    let p = Project::sample();
    let (own, _) = render(&p);
    let printed = p.path("out/printed.pdf");
    let status = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-pdf-header-footer",
        ])
        .arg(format!("--print-to-pdf={}", printed.display()))
        .arg(format!("file://{}", p.path("out/speech.html").display()))
        .output()
        .unwrap();
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    let pdf = std::fs::read(&printed).unwrap();
    let info = pdf_tools::pdfinfo(&pdf);
    assert!(info.contains("(A4)"), "{info}");
    let words = bbox_words(&pdf);
    let body: Vec<_> = words
        .iter()
        // The text block: not the page numbers below it nor the sample mark above it.
        .filter(|w| {
            w.3 < FOOT
                && w.3 > TOP - 2.0 * CELL
                && !w.1.chars().all(|c| c == '—' || c.is_ascii_digit())
        })
        .collect();
    // The text block where the PDF has it: 28 mm from the left, nothing past 26 mm from the
    // right (a closing mark's blank half may reach into it), the title's top where the PDF's is.
    let left = body.iter().map(|w| w.2).fold(f64::MAX, f64::min);
    let right = body.iter().map(|w| w.4).fold(f64::MIN, f64::max);
    assert!((left - LEFT).abs() < 1.5, "left edge {left}");
    assert!(right < RIGHT + CELL / 2.0 + 1.0, "right edge {right}");
    // The title's top where the PDF's is: the top of its ink, the second band of ink on the
    // first page (the first is the sample mark above it), in each file. Not the word boxes'
    // tops: a box's top is the face's ascent as the file declares it, and the printed HTML
    // declares other faces' (Type 3 glyphs with boxes of their own).
    let title_top = |pdf: &[u8]| {
        let bands = pdf_tools::ink_bands(pdf, 1);
        assert!(bands.len() > 2 && bands[0].1 < TOP, "{bands:?}");
        bands[1].0
    };
    let (top, own_top) = (title_top(&pdf), title_top(&own));
    assert!(
        (top - own_top).abs() < 3.0,
        "title's top {top}, the PDF's {own_top}"
    );
    // 28 characters a line: the full lines of the text (digits half, the two-character indent
    // counted) hold 27–29 cells.
    let mut lines: Vec<(usize, f64, f64, String)> = Vec::new(); // page, top, left, text
    for w in &body {
        match lines
            .iter_mut()
            .find(|l| l.0 == w.0 && (l.1 - w.3).abs() < 3.0)
        {
            Some(l) => {
                l.2 = l.2.min(w.2);
                l.3.push_str(&w.1);
            }
            None => lines.push((w.0, w.3, w.2, w.1.clone())),
        }
    }
    let full: Vec<f64> = lines
        .iter()
        .map(|(_, _, left, text)| {
            let indent = if *left > LEFT + CELL { 2.0 } else { 0.0 };
            indent
                + text
                    .chars()
                    .map(|c| if c.is_ascii() { 0.5 } else { 1.0 })
                    .sum::<f64>()
        })
        .filter(|c| *c >= 24.0)
        .collect();
    let on_grid = full.iter().filter(|c| (27.0..=29.0).contains(*c)).count();
    assert!(
        on_grid * 10 >= full.len() * 8 && full.len() > 40,
        "{on_grid} of {} lines hold 28 characters: {full:?}",
        full.len()
    );
    // Page numbers: page 1 at the right, page 2 at the left. (A face with a tall ascent, as
    // Noto's, puts their boxes' tops a little above the block's foot.)
    let number = |page: usize| {
        words
            .iter()
            .filter(|w| w.0 == page && w.3 > FOOT - 6.0)
            .map(|w| (w.2, w.4))
            .fold((f64::MAX, f64::MIN), |a, b| (a.0.min(b.0), a.1.max(b.1)))
    };
    let (_, r1) = number(1);
    let (l2, _) = number(2);
    assert!(
        (r1 - (RIGHT - 14.0)).abs() < 3.0,
        "page 1's number ends at {r1}"
    );
    assert!(
        (l2 - (LEFT + 14.0)).abs() < 3.0,
        "page 2's number starts at {l2}"
    );
}
