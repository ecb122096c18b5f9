//! `speechgen render --format docx` as a user runs it: the package's XML holds the GB/T 9704
//! page, named styles and a tagged content control for every figure; a draft carries comments
//! and 草稿, a final none, a masked copy no real value; the same input gives the same bytes; and
//! LibreOffice, a real client, prints it as the speech.

use crate::harness::pdf_tools::{self, is_page_mark, is_page_number, squeeze};
use crate::harness::{Project, office, unzip, without_digest};

const W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";

fn parse(text: &str) -> roxmltree::Document<'_> {
    roxmltree::Document::parse(text).unwrap_or_else(|e| panic!("{e}\n{text}"))
}

/// Every `w:<name>` element under `node`, in document order.
fn w<'a>(node: roxmltree::Node<'a, 'a>, name: &str) -> Vec<roxmltree::Node<'a, 'a>> {
    node.descendants()
        .filter(|n| n.tag_name().namespace() == Some(W) && n.tag_name().name() == name)
        .collect()
}

fn attr<'a>(node: roxmltree::Node<'a, 'a>, name: &str) -> &'a str {
    node.attribute((W, name))
        .unwrap_or_else(|| panic!("w:{name} missing on {node:?}"))
}

fn text_of(node: roxmltree::Node<'_, '_>) -> String {
    w(node, "t").iter().filter_map(|t| t.text()).collect()
}

/// The style with this id in styles.xml.
fn style<'a>(styles: &'a roxmltree::Document<'a>, id: &str) -> roxmltree::Node<'a, 'a> {
    w(styles.root(), "style")
        .into_iter()
        .find(|s| s.attribute((W, "styleId")) == Some(id))
        .unwrap_or_else(|| panic!("no style {id}"))
}

/// The figures' content controls (tagged `fig:`), not the untagged ones inside some of them.
fn tagged_controls<'a>(document: &'a roxmltree::Document<'a>) -> Vec<roxmltree::Node<'a, 'a>> {
    w(document.root(), "sdt")
        .into_iter()
        .filter(|c| !w(*c, "tag").is_empty())
        .collect()
}

/// The figure ids the template prints, in order, once per use.
fn template_figures(p: &Project) -> Vec<String> {
    let template = p.read("templates/speech.md.tera");
    let body = template
        .split_once("-#}")
        .map_or(template.as_str(), |(_, b)| b);
    body.split("{{ fig.")
        .skip(1)
        .map(|s| s.split_once(" }}").expect("a closed figure").0.to_owned())
        .collect()
}

/// The Markdown's text without markup: what a reader of the printed .docx should get back.
/// The Markdown's text as printed: without its marks of sample data (a comment) and of a draft
/// (a line the PDF prints as 草稿 in the margin).
fn markdown_text(md: &str) -> String {
    // The digest comment at the end is not printed either.
    let md: String = without_digest(md)
        .lines()
        .filter(|l| !l.starts_with("<!--") && *l != "草稿 · 未定稿，请勿印发")
        .map(|l| format!("{l}\n"))
        .collect();
    squeeze(
        &md.replace("**", "")
            .replace("## ", "")
            .replace("# ", "")
            .replace('\\', ""),
    )
}

fn render_docx(p: &Project, args: &[&str], out: &str) -> Vec<u8> {
    let mut all = vec!["render", "--format", "md,docx", "-o", out];
    all.extend_from_slice(args);
    p.run(&all).expect_code(0);
    // Each copy has its own name: speech.docx, speech-draft.docx, speech-masked.docx.
    let stem = if args.contains(&"--draft") {
        "speech-draft"
    } else if args.contains(&"--mask") {
        "speech-masked"
    } else {
        "speech"
    };
    std::fs::read(p.path(&format!("{out}/{stem}.docx"))).unwrap()
}

#[test]
fn render_writes_the_docx_with_the_other_formats() {
    let p = Project::sample();
    let run = p.run(["render", "--fonts", "bundled", "-o", "out"]);
    run.expect_code(0);
    for name in ["speech.md", "speech.html", "speech.pdf", "speech.docx"] {
        assert!(p.path("out").join(name).is_file(), "{name}\n{}", run.stderr);
    }
    assert!(run.stderr.contains("speech.docx"), "{}", run.stderr);
}

#[test]
fn the_page_is_gbt_9704_a4_with_the_22_by_28_grid_and_page_numbers() {
    let p = Project::sample();
    let parts = unzip(&render_docx(&p, &[], "out"));
    let document = parse(&parts["word/document.xml"]);
    let sect = w(document.root(), "sectPr")[0];
    let size = w(sect, "pgSz")[0];
    // 210 × 297 mm in twips (1/1440 inch).
    assert_eq!((attr(size, "w"), attr(size, "h")), ("11906", "16838"));
    let margins = w(sect, "pgMar")[0];
    // 37, 26, 35, 28 mm.
    assert_eq!(
        ["top", "right", "bottom", "left"].map(|side| attr(margins, side)),
        ["2098", "1474", "1984", "1587"]
    );
    let grid = w(sect, "docGrid")[0];
    // Lines only: a character grid makes LibreOffice give each 16 pt character two cells.
    assert_eq!(attr(grid, "type"), "lines");
    assert_eq!(attr(grid, "linePitch"), "579", "225 mm / 22 lines");
    assert!(grid.attribute((W, "charSpace")).is_none());

    // The footer: “— PAGE —” in 四号 宋体, centred.
    let footer_ref = w(sect, "footerReference")[0];
    assert_eq!(attr(footer_ref, "type"), "default");
    let footer = parse(&parts["word/footer1.xml"]);
    let instr: String = w(footer.root(), "instrText")
        .iter()
        .filter_map(|n| n.text())
        .collect();
    assert_eq!(instr.trim(), "PAGE");
    let chars: Vec<&str> = w(footer.root(), "fldChar")
        .into_iter()
        .map(|n| attr(n, "fldCharType"))
        .collect();
    assert_eq!(chars, ["begin", "separate", "end"]);
    assert_eq!(
        text_of(footer.root()),
        "— 1 —",
        "the number stands in for the field"
    );
    let styles = parse(&parts["word/styles.xml"]);
    let footer_style = style(&styles, "Footer");
    assert_eq!(attr(w(footer_style, "rFonts")[0], "ascii"), "宋体");
    assert_eq!(attr(w(footer_style, "sz")[0], "val"), "28");
    assert_eq!(attr(w(footer_style, "jc")[0], "val"), "center");
}

#[test]
fn the_styles_carry_the_look_and_the_document_uses_them() {
    let p = Project::sample();
    let parts = unzip(&render_docx(&p, &[], "out"));
    let styles = parse(&parts["word/styles.xml"]);
    let font = |id: &str| attr(w(style(&styles, id), "rFonts")[0], "eastAsia").to_owned();
    let name = |id: &str| attr(w(style(&styles, id), "name")[0], "val").to_owned();
    // 正文 and 标题 are Word's Normal and Title (shown so in Chinese Word and WPS).
    assert_eq!(
        (name("Normal"), font("Normal")),
        ("Normal".into(), "仿宋_GB2312".into())
    );
    assert_eq!(
        (name("Title"), font("Title")),
        ("Title".into(), "方正小标宋简体".into())
    );
    assert_eq!(name("PartHeading"), "一级标题");
    assert_eq!(font("PartHeading"), "黑体");
    assert_eq!(
        (name("LeadSentence"), font("LeadSentence")),
        ("段首句".into(), "楷体_GB2312".into())
    );
    assert_eq!(name("Figure"), "数据项");
    let normal = style(&styles, "Normal");
    assert_eq!(attr(w(normal, "sz")[0], "val"), "32", "三号 16 pt");
    assert_eq!(attr(w(normal, "ind")[0], "firstLineChars"), "200");
    // Issue 20: widow and orphan control on (on by default: no w:val="0"), nothing hung past
    // the margin in LibreOffice (which reads overflowPunct 1 as "do not hang"), headings kept
    // with their text and whole.
    let on = |node: roxmltree::Node, name: &str| {
        w(node, name).first().is_some_and(|e| {
            e.attribute((W, "val"))
                .is_none_or(|v| v != "0" && v != "false")
        })
    };
    assert!(on(normal, "widowControl"), "widow control on");
    assert_eq!(attr(w(normal, "overflowPunct")[0], "val"), "1");
    for id in ["PartHeading", "SectionHeading", "SubsectionHeading"] {
        assert!(
            on(style(&styles, id), "keepNext"),
            "{id} kept with its text"
        );
        assert!(on(style(&styles, id), "keepLines"), "{id} kept whole");
    }
    // Lead sentences in 楷体 at 三号 16 pt: the character style sets no size of its own, so
    // it takes Normal's 32 half-points.
    assert!(w(style(&styles, "LeadSentence"), "sz").is_empty());
    assert!(w(style(&styles, "LeadFigure"), "sz").is_empty());
    let title = style(&styles, "Title");
    assert_eq!(attr(w(title, "sz")[0], "val"), "44", "二号 22 pt");
    assert_eq!(attr(w(title, "jc")[0], "val"), "center");
    // Office names, not embedded: the font table names each face's stand-ins; no font parts.
    let fonts = parse(&parts["word/fontTable.xml"]);
    let body_font = w(fonts.root(), "font")
        .into_iter()
        .find(|f| attr(*f, "name") == "仿宋_GB2312")
        .expect("仿宋_GB2312 in the font table");
    assert!(attr(w(body_font, "altName")[0], "val").contains("仿宋"));
    // The title's stand-in, after the office's 小标宋 names: the heavy serif the PDF bundles.
    let title_font = w(fonts.root(), "font")
        .into_iter()
        .find(|f| attr(*f, "name") == "方正小标宋简体")
        .expect("方正小标宋简体 in the font table");
    let alt = attr(w(title_font, "altName")[0], "val");
    let names: Vec<&str> = alt.split(',').collect();
    let noto = names.iter().position(|n| *n == "Noto Serif CJK SC");
    let office = names
        .iter()
        .rposition(|n| n.contains("小标宋") || n.contains("XiaoBiaoSong"));
    assert!(noto > office && office.is_some(), "{alt}");
    assert!(
        !parts.keys().any(|k| k.starts_with("word/fonts/")),
        "no embedded fonts"
    );

    // Used: every paragraph names its style; headings and lead sentences as in the Markdown.
    let md = p.read("out/speech.md");
    let document = parse(&parts["word/document.xml"]);
    let paragraphs = w(document.root(), "p");
    let style_of = |p: &roxmltree::Node| attr(w(*p, "pStyle")[0], "val").to_owned();
    assert!(paragraphs.iter().all(|p| !w(*p, "pStyle").is_empty()));
    let count = |id: &str| paragraphs.iter().filter(|p| style_of(p) == id).count();
    assert_eq!(count("Title"), 1);
    assert_eq!(count("PartHeading"), md.matches("\n## ").count());
    assert_eq!(
        count("Normal"),
        paragraphs.len() - 1 - md.matches("\n## ").count()
    );
    let leads: Vec<String> = w(document.root(), "rStyle")
        .into_iter()
        .filter(|s| attr(*s, "val") == "LeadSentence")
        .map(|s| text_of(s.parent().unwrap().parent().unwrap()))
        .collect();
    let bold: Vec<&str> = md.split("**").skip(1).step_by(2).collect();
    assert_eq!(leads, bold);
    // No direct formatting in the body: the look is all in the styles.
    let body = &parts["word/document.xml"];
    for direct in [
        "<w:rFonts",
        "<w:sz ",
        "<w:ind ",
        "<w:jc ",
        "<w:b/>",
        "<w:highlight",
    ] {
        assert!(!body.contains(direct), "{direct} in document.xml");
    }
}

#[test]
fn every_figure_is_a_tagged_content_control_in_every_copy() {
    let p = Project::sample();
    let expected: Vec<String> = template_figures(&p)
        .iter()
        .map(|id| format!("fig:{id}"))
        .collect();
    assert!(expected.len() > 20, "the sample prints many figures");
    for (args, out) in [
        (&[][..], "final"),
        (&["--draft"][..], "draft"),
        (&["--mask"][..], "masked"),
    ] {
        let parts = unzip(&render_docx(&p, args, out));
        let document = parse(&parts["word/document.xml"]);
        let controls = tagged_controls(&document);
        let tags: Vec<&str> = controls
            .iter()
            .map(|c| attr(w(*c, "tag")[0], "val"))
            .collect();
        assert_eq!(tags, expected, "{out}");
        for c in &controls {
            // One run a figure; a figure of digits and words (1200多) two, its digits in an
            // untagged control of their own (LibreOffice set a gap between them otherwise).
            let runs = w(*c, "r");
            assert!((1..=2).contains(&runs.len()), "{out}: {runs:?}");
            for r in &runs {
                assert_eq!(attr(w(*r, "rStyle")[0], "val"), "Figure", "{out}");
            }
            let inner: Vec<_> = w(*c, "sdt").into_iter().filter(|i| i != c).collect();
            assert_eq!(inner.len(), runs.len() - 1, "{out}");
            for i in &inner {
                assert!(
                    w(*i, "tag").is_empty(),
                    "{out}: the digits' control is untagged"
                );
                assert!(text_of(*i).chars().all(|c| c.is_ascii_digit() || c == '.'));
            }
            assert!(!text_of(*c).is_empty());
        }
        if out == "final" {
            // Its 多 joined to the digits by a word joiner (LibreOffice parted them otherwise).
            assert!(
                controls.iter().any(|c| text_of(*c) == "1200\u{2060}多"),
                "the sample has a figure with 多"
            );
        }
    }
}

#[test]
fn a_draft_comments_every_figure_and_marks_unfilled_ones() {
    let p = Project::sample();
    p.edit_facts(
        "full_time_deputy_secretaries: 37",
        "full_time_deputy_secretaries:",
    );
    let parts = unzip(&render_docx(&p, &["--draft"], "draft"));
    let document = parse(&parts["word/document.xml"]);
    let controls = tagged_controls(&document).len();
    assert_eq!(w(document.root(), "commentReference").len(), controls);
    let comments = parse(&parts["word/comments.xml"]);
    let comments = w(comments.root(), "comment");
    assert_eq!(
        comments.len(),
        controls,
        "one comment per figure occurrence"
    );
    let texts: Vec<String> = comments
        .iter()
        .map(|c| {
            w(*c, "p")
                .iter()
                .map(|p| text_of(*p))
                .collect::<Vec<_>>()
                .join("\n")
        })
        .collect();
    let deputies = texts
        .iter()
        .find(|t| t.starts_with("数据项 deputy_secretaries"))
        .expect("a comment on the unfilled figure");
    assert!(
        deputies.starts_with("数据项 deputy_secretaries（未填）"),
        "{deputies}"
    );
    assert!(
        deputies.contains("直属党组织已配备专职副书记"),
        "{deputies}"
    );
    // A filled figure's comment gives its value, formula and the facts line it comes from.
    let workers = texts
        .iter()
        .find(|t| t.starts_with("数据项 party_workers"))
        .expect("a comment on a filled figure");
    let (line, column) = p.position("facts/2021.yaml", "126");
    assert!(workers.contains("落实专职党务工作人员：126人"), "{workers}");
    assert!(workers.contains("算法："), "{workers}");
    assert!(
        workers.contains(&format!("facts/2021.yaml:{line}:{column}")),
        "{workers}"
    );
    let highlighted: Vec<String> = w(document.root(), "highlight")
        .into_iter()
        .map(|h| text_of(h.parent().unwrap().parent().unwrap()))
        .collect();
    assert_eq!(highlighted, ["【未填：直属党组织已配备专职副书记】"]);
    assert!(text_of(parse(&parts["word/header1.xml"]).root()).contains("草稿"));
    assert!(parts["docProps/core.xml"].contains("草稿"));
}

#[test]
fn a_final_carries_no_comment_highlight_or_draft_mark() {
    let p = Project::sample();
    // Real facts: the sample's are marked 样例 in the header.
    p.edit_facts("\nsample: true\n", "\nsample: false\n");
    let parts = unzip(&render_docx(&p, &[], "out"));
    assert!(!parts.contains_key("word/comments.xml"));
    assert!(!parts.contains_key("word/header1.xml"));
    let body = &parts["word/document.xml"];
    for absent in [
        "commentReference",
        "commentRangeStart",
        "highlight",
        "headerReference",
    ] {
        assert!(!body.contains(absent), "{absent}");
    }
    assert!(!parts.values().any(|t| t.contains("草稿")));
    let core = parse(&parts["docProps/core.xml"]);
    let title = core
        .descendants()
        .find(|n| n.tag_name().name() == "title")
        .and_then(|n| n.text());
    assert_eq!(title, Some("市直工委在全市机关党建工作推进会上的发言"));
}

#[test]
fn the_masked_docx_holds_no_real_value_anywhere() {
    let p = Project::sample();
    // A value that cannot occur by chance anywhere else in the package.
    p.edit_facts(
        "full_time_deputy_secretaries: 37",
        "full_time_deputy_secretaries: 987654",
    );
    let final_parts = unzip(&render_docx(&p, &[], "final"));
    assert!(
        final_parts["word/document.xml"].contains("987654"),
        "the sentinel is printed in the final copy"
    );
    let masked = render_docx(&p, &["--mask"], "masked");
    for (name, text) in unzip(&masked) {
        assert!(
            !name.contains("987654") && !text.contains("987654"),
            "{name}"
        );
    }
    let parts = unzip(&masked);
    let document = parse(&parts["word/document.xml"]);
    // The mask joined to its unit as the number was (a word joiner between).
    assert!(
        text_of(document.root()).contains("专职副书记*\u{2060}人"),
        "masked as *"
    );
}

#[test]
fn the_same_input_gives_the_same_bytes() {
    let a = Project::sample();
    let b = Project::sample();
    for args in [&[][..], &["--draft"][..]] {
        let first = render_docx(&a, args, "one");
        assert_eq!(first, render_docx(&a, args, "two"), "{args:?}");
        assert_eq!(
            first,
            render_docx(&b, args, "one"),
            "another folder: {args:?}"
        );
    }
}

/// The text a reader gets back from a printed page, page numbers and the draft mark aside. Read
/// as laid out (`-layout`): on LibreOffice's widely spaced grid lines pdftotext's default
/// reading order takes the gaps for columns and interleaves neighbouring lines.
fn printed_text(pdf: &[u8]) -> String {
    let text = pdf_tools::pdftotext_layout(pdf);
    let lines: String = text
        .lines()
        .map(str::trim)
        .filter(|l| !is_page_mark(l))
        .collect();
    squeeze(&lines)
}

#[test]
fn libreoffice_prints_the_speech_on_a4_with_at_most_22_lines_a_page() {
    if office::soffice().is_none() || !pdf_tools::have(&["pdftotext", "pdfinfo"]) {
        return;
    }
    let p = Project::sample();
    let docx = render_docx(&p, &[], "out");
    let pdf = office::docx_to_pdf(&docx);
    assert_eq!(printed_text(&pdf), markdown_text(&p.read("out/speech.md")));
    let info = pdf_tools::pdfinfo(&pdf);
    assert!(info.contains("(A4)"), "{info}");
    assert!(
        info.contains("Title:           市直工委在全市机关党建工作推进会上的发言"),
        "{info}"
    );
    let layout = pdf_tools::pdftotext_layout(&pdf);
    let pages: Vec<&str> = layout
        .split('\x0c')
        .filter(|p| !p.trim().is_empty())
        .collect();
    assert!(pages.len() >= 2, "{} pages", pages.len());
    for (n, page) in pages.iter().enumerate() {
        let lines: Vec<&str> = page.lines().filter(|l| !l.trim().is_empty()).collect();
        let numbers: Vec<&str> = lines
            .iter()
            .copied()
            .filter(|l| is_page_number(l))
            .collect();
        let body: Vec<&str> = lines.iter().copied().filter(|l| !is_page_mark(l)).collect();
        assert_eq!(numbers.len(), 1, "page {} has its number", n + 1);
        assert_eq!(squeeze(numbers[0]), format!("—{}—", n + 1));
        assert!(body.len() <= 22, "page {}: {} lines", n + 1, body.len());
    }
}

#[test]
fn libreoffice_prints_a_draft_with_its_mark_and_without_its_comments() {
    if office::soffice().is_none() || !pdf_tools::have(&["pdftotext"]) {
        return;
    }
    let p = Project::sample();
    p.edit_facts(
        "full_time_deputy_secretaries: 37",
        "full_time_deputy_secretaries:",
    );
    let docx = render_docx(&p, &["--draft"], "draft");
    let pdf = office::docx_to_pdf(&docx);
    let text = pdf_tools::pdftotext_layout(&pdf);
    let pages: Vec<&str> = text
        .split('\x0c')
        .filter(|p| !p.trim().is_empty())
        .collect();
    for (n, page) in pages.iter().enumerate() {
        assert!(
            page.lines().any(|l| l.trim().ends_with("草稿")),
            "page {} carries 草稿",
            n + 1
        );
    }
    assert_eq!(
        printed_text(&pdf),
        markdown_text(&p.read("draft/speech-draft.md"))
    );
}

/// Issue 18 §6: the circulation copy is marked on every page, and once a page: page 1 carries
/// the line above the title, so its header must not say it again (a first-page header).
#[test]
fn libreoffice_prints_the_circulation_line_once_on_every_page() {
    if office::soffice().is_none() || !pdf_tools::have(&["pdftotext"]) {
        return;
    }
    const LINE: &str = "传阅稿（数字已隐去）";
    let p = Project::sample();
    let docx = render_docx(&p, &["--mask"], "masked");
    let pdf = office::docx_to_pdf(&docx);
    let text = pdf_tools::pdftotext_layout(&pdf);
    let pages: Vec<&str> = text
        .split('\x0c')
        .filter(|p| !p.trim().is_empty())
        .collect();
    assert!(pages.len() >= 2, "{} pages", pages.len());
    for (n, page) in pages.iter().enumerate() {
        // A header line may wrap: count in the page's text without its breaks and spaces.
        assert_eq!(
            squeeze(page).matches(LINE).count(),
            1,
            "page {} carries the line once:\n{page}",
            n + 1
        );
        assert_eq!(
            page.lines().filter(|l| is_page_number(l)).count(),
            1,
            "page {} keeps its number",
            n + 1
        );
    }
}

/// A word of `pdftotext -bbox`: its left and right x, and its text.
type Word = (f64, f64, String);

/// Issue 20 (a first step): GB/T 9704 sets the page number outside, odd pages at the right and
/// even pages at the left, each a character in from the edge of the text block. The .docx centred
/// it on every page (one default footer, no `evenAndOddHeaders`). Read from LibreOffice's print.
#[test]
fn libreoffice_prints_odd_page_numbers_right_and_even_ones_left() {
    if office::soffice().is_none() || !pdf_tools::have(&["pdftotext"]) {
        return;
    }
    for args in [&[][..], &["--mask"][..]] {
        let p = Project::sample();
        let docx = render_docx(&p, args, "out");
        let pdf = office::docx_to_pdf(&docx);
        let bbox = pdf_tools::pdftotext_bbox(&pdf);
        // Per page, the page width and each word with its left and right x.
        let mut pages: Vec<(f64, Vec<Word>)> = Vec::new();
        let attr = |line: &str, name: &str| -> f64 {
            let at = line.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
            line[at..].split('"').next().unwrap().parse().unwrap()
        };
        for line in bbox.lines().map(str::trim) {
            if line.starts_with("<page ") {
                pages.push((attr(line, "width"), Vec::new()));
            } else if line.starts_with("<word ") {
                let word =
                    line[line.find('>').unwrap() + 1..line.rfind("</word>").unwrap()].to_string();
                pages
                    .last_mut()
                    .unwrap()
                    .1
                    .push((attr(line, "xMin"), attr(line, "xMax"), word));
            }
        }
        assert!(pages.len() >= 3, "{} pages", pages.len());
        for (n, (width, words)) in pages.iter().enumerate() {
            let number = (n + 1).to_string();
            // The number word nearest the foot: the last one equal to the page's number.
            let (x0, x1, _) = words
                .iter()
                .rev()
                .find(|(_, _, w)| *w == number)
                .unwrap_or_else(|| panic!("page {} has no number: {words:?}", n + 1));
            let centre = (x0 + x1) / 2.0;
            if (n + 1) % 2 == 1 {
                assert!(
                    centre > width * 0.7,
                    "odd page {}: number at {centre} of {width}",
                    n + 1
                );
            } else {
                assert!(
                    centre < width * 0.3,
                    "even page {}: number at {centre} of {width}",
                    n + 1
                );
            }
        }
    }
}
