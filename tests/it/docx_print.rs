//! Issue 20: the .docx printed by LibreOffice as the PDF is printed, measured on LibreOffice's own
//! PDF (`soffice --convert-to pdf`, then pdftotext `-bbox` and pdftohtml's fonts): no heading
//! and no lone line at a page's foot, nothing past the right margin, no gap inside a figure and
//! no number broken across lines, and with `--embed-fonts` each role in the face the package
//! carries, on this machine's own fonts (no office face; with fonts-noto-cjk LibreOffice set
//! every role in Noto Sans CJK).
//!
//! Each test runs where soffice and the poppler tools are installed and fails under `CI=true`
//! where they are missing.

use crate::harness::{Project, office, pdf_tools, unzip};

/// GB/T 9704's text block in points from the page's top-left corner, and its grid cell.
const LEFT: f64 = 28.0 * 72.0 / 25.4;
const RIGHT: f64 = (210.0 - 26.0) * 72.0 / 25.4;
const FOOT: f64 = (297.0 - 35.0) * 72.0 / 25.4;
const CELL: f64 = 156.0 * 72.0 / 25.4 / 28.0;

fn tools() -> bool {
    office::soffice().is_some() && pdf_tools::have(&["pdftotext", "pdftohtml", "pdffonts"])
}

/// The project's speech as a .docx (`render --format docx` with `args`).
fn docx(p: &Project, args: &[&str]) -> Vec<u8> {
    let mut all = vec!["render", "--format", "docx", "-o", "out"];
    all.extend_from_slice(args);
    p.run(&all).expect_code(0);
    std::fs::read(p.path("out/speech.docx")).unwrap()
}

/// The sample with paragraphs appended that put the figures with 多 and 余, percentages and
/// counts at every place of a line (the typography tests' own).
fn shifted() -> Project {
    crate::typography::generated()
}

/// A printed line: its page (from 1), top, left and right edges, and its words with their
/// left and right edges.
#[derive(Debug)]
struct Line {
    page: usize,
    top: f64,
    left: f64,
    right: f64,
    words: Vec<(f64, f64, String)>,
}

impl Line {
    fn text(&self) -> String {
        self.words.iter().map(|w| w.2.as_str()).collect()
    }
}

/// The body's lines, page by page, top to bottom: the words of `pdftotext -bbox` inside the
/// text block (not the page numbers below it nor the marks above it).
fn body_lines(pdf: &[u8]) -> Vec<Line> {
    let bbox = pdf_tools::pdftotext_bbox(pdf);
    let attr = |tag: &str, name: &str| -> f64 {
        let at = tag.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
        tag[at..at + tag[at..].find('"').unwrap()].parse().unwrap()
    };
    let mut lines: Vec<Line> = Vec::new();
    let mut page = 0;
    for tag in bbox.lines().map(str::trim) {
        if tag.starts_with("<page ") {
            page += 1;
        }
        if !tag.starts_with("<word ") {
            continue;
        }
        let word = tag[tag.find('>').unwrap() + 1..tag.rfind("</word>").unwrap()].to_owned();
        let (x0, y0, x1) = (attr(tag, "xMin"), attr(tag, "yMin"), attr(tag, "xMax"));
        if y0 > FOOT || word.contains("样例") {
            continue;
        }
        match lines
            .iter_mut()
            .find(|l| l.page == page && (l.top - y0).abs() < 3.0)
        {
            Some(l) => {
                l.left = l.left.min(x0);
                l.right = l.right.max(x1);
                l.words.push((x0, x1, word));
            }
            None => lines.push(Line {
                page,
                top: y0,
                left: x0,
                right: x1,
                words: vec![(x0, x1, word)],
            }),
        }
    }
    for l in &mut lines {
        l.words.sort_by(|a, b| a.0.total_cmp(&b.0));
    }
    lines.sort_by(|a, b| (a.page, a.top).partial_cmp(&(b.page, b.top)).unwrap());
    lines
}

/// 一、… and （一）…: a heading's line.
fn is_heading(text: &str) -> bool {
    let numeral = |c: char| "一二三四五六七八九十".contains(c);
    let mut chars = text.chars();
    match chars.next() {
        Some('（') => chars.next().is_some_and(numeral),
        Some(c) if numeral(c) => chars.find(|c| !numeral(*c)) == Some('、'),
        _ => false,
    }
}

/// A paragraph's first line: indented two characters.
fn indented(line: &Line) -> bool {
    line.left > LEFT + 1.5 * CELL
}

/// The title's page-1 line is centred, not a paragraph: skip lines wider on both sides.
fn is_title(line: &Line) -> bool {
    line.page == 1 && line.left > LEFT + 3.0 * CELL
}

fn check_page_ends(pdf: &[u8], what: &str) {
    let lines: Vec<Line> = body_lines(pdf)
        .into_iter()
        .filter(|l| !is_title(l))
        .collect();
    let pages = lines.last().map_or(0, |l| l.page);
    assert!(pages >= 2, "{what}: {pages} pages");
    for page in 1..pages {
        let on: Vec<&Line> = lines.iter().filter(|l| l.page == page).collect();
        let last = on.last().unwrap();
        assert!(
            !is_heading(&last.text()),
            "{what}: page {page} ends with the heading {}",
            last.text()
        );
        assert!(
            !indented(last),
            "{what}: page {page} ends with a paragraph's first line alone: {}",
            last.text()
        );
        // The next page's first line is not a paragraph's last line alone: the line after it
        // on that page does not start a paragraph (or a heading).
        let next: Vec<&Line> = lines.iter().filter(|l| l.page == page + 1).collect();
        if let [first, second, ..] = next[..]
            && !indented(first)
            && !is_heading(&first.text())
        {
            assert!(
                !(indented(second) || is_heading(&second.text())),
                "{what}: page {} starts with a paragraph's last line alone: {}",
                page + 1,
                first.text()
            );
        }
    }
}

/// Heading 四 stood alone at the foot of page 3 with one line of its paragraph (widowControl 0).
#[test]
fn libreoffice_leaves_no_heading_and_no_lone_line_at_a_page_foot() {
    if !tools() {
        return;
    }
    let p = Project::sample();
    let package = docx(&p, &[]);
    check_page_ends(&office::docx_to_pdf(&package), "bundled faces");
    check_page_ends(&office::docx_to_pdf_own_fonts(&package), "own fonts");
    let p = shifted();
    check_page_ends(&office::docx_to_pdf(&docx(&p, &[])), "shifted");
}

fn check_margin(pdf: &[u8], what: &str) -> usize {
    let lines = body_lines(pdf);
    for l in &lines {
        assert!(
            l.right <= RIGHT + 0.5,
            "{what}: page {} line ends {:.1} pt past the margin: {}",
            l.page,
            l.right - RIGHT,
            l.text()
        );
    }
    lines.len()
}

/// `，` hung 1.7 mm past the right margin on 5 lines of the sample.
#[test]
fn libreoffice_sets_nothing_past_the_right_margin() {
    if !tools() {
        return;
    }
    let package = docx(&Project::sample(), &[]);
    assert!(check_margin(&office::docx_to_pdf(&package), "bundled faces") > 60);
    check_margin(&office::docx_to_pdf_own_fonts(&package), "own fonts");
    check_margin(&office::docx_to_pdf(&docx(&shifted(), &[])), "shifted");
}

/// Gaps wider than a point after Latin digits before Chinese on one line (inside a figure,
/// 1200 多, or before its unit, 93 个), and numbers broken across two lines; the page numbers
/// (— 1 —) aside. (Before a figure, a justified line may put its spread where Chinese meets the
/// digits: 1.9 pt before 1380 with this machine's own fonts, whose digits are DejaVu Sans.)
fn gaps_and_broken_numbers(pdf: &[u8]) -> (Vec<String>, Vec<String>) {
    let lines = body_lines(pdf);
    let mut gaps = Vec::new();
    for l in &lines {
        // A line spread by justification so far that pdftotext cuts it into words at every
        // character: its own step between characters is no gap inside a figure.
        let mut steps: Vec<f64> = l.words.windows(2).map(|w| w[1].0 - w[0].1).collect();
        steps.sort_by(f64::total_cmp);
        let spread = if steps.len() >= 5 {
            steps[steps.len() / 2]
        } else {
            0.0
        };
        for w in l.words.windows(2) {
            let (a, b) = (&w[0], &w[1]);
            let (a_end, b_start) = (a.2.chars().last().unwrap(), b.2.chars().next().unwrap());
            let mixed = a_end.is_ascii_digit() && !b_start.is_ascii();
            if mixed && b.0 - a.1 > spread + 1.0 && !a.2.contains('—') && !b.2.contains('—') {
                gaps.push(format!("{} | {} ({:.1} pt)", a.2, b.2, b.0 - a.1));
            }
        }
    }
    let mut broken = Vec::new();
    for w in lines.windows(2) {
        let (a, b) = (w[0].text(), w[1].text());
        let a_end = a.chars().last().unwrap();
        let b_start = b.chars().next().unwrap();
        if a_end.is_ascii_digit() && (b_start.is_ascii_digit() || b_start == '.') {
            broken.push(format!("{a} / {b}"));
        }
    }
    (gaps, broken)
}

/// `1200 多人`: a gap inside the figure (its digits and 多 in one content control), not in
/// `93个`; and LibreOffice broke numbers inside (五星级4 / 2个) when the Latin text was zh-CN.
#[test]
fn libreoffice_sets_no_gap_inside_a_figure_and_breaks_no_number() {
    if !tools() {
        return;
    }
    for (what, pdf) in [
        (
            "sample",
            office::docx_to_pdf(&docx(&Project::sample(), &[])),
        ),
        (
            "sample, own fonts",
            office::docx_to_pdf_own_fonts(&docx(&Project::sample(), &[])),
        ),
        ("shifted", office::docx_to_pdf(&docx(&shifted(), &[]))),
    ] {
        let (gaps, broken) = gaps_and_broken_numbers(&pdf);
        assert!(gaps.is_empty(), "{what}: gaps {gaps:?}");
        assert!(broken.is_empty(), "{what}: numbers broken {broken:?}");
    }
}

/// Places where a number is parted from its unit at a line's end: a line ending in a digit,
/// or in a digit and its 多 or 余, whose next line starts with a Chinese character
/// (`…工作人员126` / `人，…`, `…达1200` / `多人，…`).
fn parted_from_unit(pdf: &[u8]) -> Vec<String> {
    body_lines(pdf)
        .windows(2)
        .filter_map(|w| {
            let (a, b) = (w[0].text(), w[1].text());
            let mut back = a.chars().rev();
            let last = back.next()?;
            let number = last.is_ascii_digit()
                || ("多余".contains(last) && back.next().is_some_and(|c| c.is_ascii_digit()));
            let next = b.chars().next()?;
            (number && !next.is_ascii()).then(|| format!("{a} / {b}"))
        })
        .collect()
}

/// LibreOffice breaks zh-CN text with its CJK iterator, which knows only the marks that may not
/// start a line: where `，` after a unit did not fit, it carried the unit down alone and parted
/// it from its number (`…工作人员126` / `人，…`): 2 places in the sample, 4 with this
/// machine's own fonts, 12 and 10 in the shifted paragraphs. The unit written in en-US after a
/// word joiner (`body.rs`) keeps the two together.
#[test]
fn libreoffice_never_parts_a_number_from_its_unit() {
    if !tools() {
        return;
    }
    let sample = docx(&Project::sample(), &[]);
    let shifted = docx(&shifted(), &[]);
    for (what, pdf) in [
        ("sample", office::docx_to_pdf(&sample)),
        ("sample, own fonts", office::docx_to_pdf_own_fonts(&sample)),
        ("shifted", office::docx_to_pdf(&shifted)),
        (
            "shifted, own fonts",
            office::docx_to_pdf_own_fonts(&shifted),
        ),
    ] {
        assert!(body_lines(&pdf).len() > 80, "{what}: lines read");
        let parted = parted_from_unit(&pdf);
        assert!(parted.is_empty(), "{what}: parted {parted:?}");
    }
}

/// Per piece of text in LibreOffice's PDF, the face it is set in (subset prefix dropped).
fn faces(pdf: &[u8]) -> Vec<(String, String)> {
    let xml = pdf_tools::pdftohtml_xml(pdf);
    let attr = |tag: &str, name: &str| -> String {
        let at = tag.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
        tag[at..at + tag[at..].find('"').unwrap()].to_owned()
    };
    let mut specs = std::collections::HashMap::new();
    let mut pieces = Vec::new();
    for tag in xml.lines().map(str::trim) {
        if tag.starts_with("<fontspec ") {
            let family = attr(tag, "family");
            let family = family.split_once('+').map_or(family.as_str(), |(_, f)| f);
            specs.insert(attr(tag, "id"), family.to_owned());
        } else if tag.starts_with("<text ") {
            let text = tag[tag.find('>').unwrap() + 1..tag.rfind("</text>").unwrap()]
                .replace("<b>", "")
                .replace("</b>", "");
            pieces.push((specs[&attr(tag, "font")].clone(), text));
        }
    }
    pieces
}

/// The face of the first piece that starts with `text`.
fn face_of<'a>(pieces: &'a [(String, String)], text: &str) -> &'a str {
    pieces
        .iter()
        .find(|(_, t)| t.starts_with(text))
        .map(|(f, _)| f.as_str())
        .unwrap_or_else(|| panic!("no piece starts with {text}: {pieces:?}"))
}

/// The Done-when of issue 20: on a machine without the office faces, LibreOffice's print of the
/// .docx made with `--embed-fonts` sets each role in the face the package carries (the PDF's
/// bundled faces): body and page numbers in the Song (AR PL SungtiL GB, PostScript name
/// BousungEG-Light-GB), lead sentences in the Kai (AR PL KaitiM GB, GBZenKai-Medium), headings
/// in WenQuanYi Micro Hei; the title in the title role's bundled face, not the Noto Sans CJK
/// that LibreOffice falls back to for every role without it.
#[test]
fn libreoffice_prints_each_role_in_the_face_the_docx_carries() {
    if !tools() {
        return;
    }
    let p = Project::sample();
    let plain = faces(&office::docx_to_pdf_own_fonts(&docx(&p, &[])));
    let embedded = faces(&office::docx_to_pdf_own_fonts(&docx(
        &p,
        &["--embed-fonts", "--fonts", "bundled"],
    )));
    let roles = [
        ("body", "近年来"),
        ("lead sentence", "扛起主体责任"),
        ("heading", "一、强化政治引领"),
        ("title", "市直工委"),
        ("page number", "— 1 —"),
    ];
    for (role, text) in roles {
        eprintln!(
            "{role}: without --embed-fonts {}, with it {}",
            face_of(&plain, text),
            face_of(&embedded, text)
        );
    }
    assert!(face_of(&embedded, "近年来").starts_with("BousungEG"));
    assert!(face_of(&embedded, "— 1 —").starts_with("BousungEG"));
    assert!(face_of(&embedded, "扛起主体责任").starts_with("GBZenKai"));
    assert!(face_of(&embedded, "一、强化政治引领").starts_with("WenQuanYi"));
    assert!(!face_of(&embedded, "市直工委").contains("Sans"));
}

/// The package with `--embed-fonts`: each face once, obfuscated with its key as ECMA-376 sets
/// it (the first 32 bytes XORed with the key read backwards), named in the font table under the
/// office names of its role, and marked editable (LibreOffice ignores an embedded face that is
/// "preview & print" only, as the AR PL faces are marked). Without the option nothing is carried.
#[test]
fn the_docx_carries_the_faces_only_with_embed_fonts() {
    let p = Project::sample();
    let plain = docx(&p, &[]);
    let parts = unzip(&plain);
    assert!(!parts.keys().any(|k| k.starts_with("word/fonts/")));
    assert!(!parts["word/settings.xml"].contains("embedTrueTypeFonts"));
    let embedded = docx(&p, &["--embed-fonts", "--fonts", "bundled"]);
    eprintln!(
        ".docx {} bytes, with --embed-fonts {} bytes",
        plain.len(),
        embedded.len()
    );
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(&embedded)).unwrap();
    let read = |archive: &mut zip::ZipArchive<_>, name: &str| -> Vec<u8> {
        let mut f = archive.by_name(name).unwrap();
        let mut out = Vec::new();
        std::io::Read::read_to_end(&mut f, &mut out).unwrap();
        out
    };
    let table = String::from_utf8(read(&mut archive, "word/fontTable.xml")).unwrap();
    let settings = String::from_utf8(read(&mut archive, "word/settings.xml")).unwrap();
    assert!(settings.contains("<w:embedTrueTypeFonts/>"));
    let rels = String::from_utf8(read(&mut archive, "word/_rels/fontTable.xml.rels")).unwrap();
    let types = String::from_utf8(read(&mut archive, "[Content_Types].xml")).unwrap();
    assert!(types.contains("Extension=\"odttf\""));
    for office in [
        "仿宋_GB2312",
        "宋体",
        "黑体",
        "楷体_GB2312",
        "方正小标宋简体",
    ] {
        let entry = &table[table.find(&format!("w:name=\"{office}\"")).unwrap()..];
        let entry = &entry[..entry.find("</w:font>").unwrap()];
        let embed = &entry[entry.find("<w:embedRegular").expect(office)..];
        let field = |name: &str| {
            let at = embed.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
            embed[at..at + embed[at..].find('"').unwrap()].to_owned()
        };
        let (rid, key) = (field("r:id"), field("w:fontKey"));
        let rel = &rels[rels.find(&format!("Id=\"{rid}\"")).unwrap()..];
        let target = &rel[rel.find("Target=\"").unwrap() + 8..];
        let target = &target[..target.find('"').unwrap()];
        let mut face = read(&mut archive, &format!("word/{target}"));
        let hex: Vec<u8> = key
            .chars()
            .filter_map(|c| c.to_digit(16))
            .map(|d| d as u8)
            .collect();
        let bytes: Vec<u8> = hex.chunks(2).map(|p| p[0] << 4 | p[1]).collect();
        for (i, b) in face.iter_mut().take(32).enumerate() {
            *b ^= bytes[15 - i % 16];
        }
        assert!(
            face.starts_with(&[0, 1, 0, 0]) || face.starts_with(b"OTTO"),
            "{office}: a font once unobfuscated"
        );
        let font = skrifa::FontRef::new(&face).unwrap_or_else(|e| panic!("{office}: {e}"));
        use skrifa::raw::TableProvider;
        let fs_type = font.os2().unwrap().fs_type();
        assert!(
            fs_type & 0x6 == 0,
            "{office}: fsType {fs_type:#x} lets an editor load it"
        );
    }
}
