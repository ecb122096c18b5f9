//! One document model every output reads: Markdown the model does not hold is refused at its
//! template line by `check` and by `render`, and the HTML says what the PDF says, block for block.
//!
//! The bug this pins: the HTML was built from the Markdown and the PDF from the document model,
//! so a two-item list in the template was a `<ul>` in the HTML and one merged paragraph
//! (“第一项工作第二项工作”) in the PDF.

use crate::harness::pdf_tools::{self, is_page_mark, squeeze};
use crate::harness::preview::unescape;
use crate::harness::{Project, TEMPLATE};

/// The test's Markdown goes into the template before part two, below the template's opening
/// comment, so the template line differs from the line of Tera's output.
const PART_TWO: &str = "\n## 二、建强基层堡垒";

/// The sample project with `markdown` written into the template before part two.
fn with_template_text(markdown: &str) -> Project {
    let p = Project::sample();
    p.edit(TEMPLATE, PART_TWO, &format!("\n{markdown}\n{PART_TWO}"));
    p
}

/// `check` and `render` (final and draft) refuse with exit 1 at `at` in the template, naming
/// `what`; nothing is written.
fn refused_at(p: &Project, at: (usize, usize), what: &str) {
    p.run(["check", "--message-format", "short"])
        .expect_code(1)
        .expect_problem(TEMPLATE, at, "unsupported-markdown", what);
    let place = format!("{TEMPLATE}:{}:{}", at.0, at.1);
    for args in [
        &["render", "-o", "out"][..],
        &["render", "--draft", "-o", "out"],
    ] {
        let run = p.run(args);
        run.expect_code(1);
        assert!(
            run.stderr.contains(&place) && run.stderr.contains(what),
            "{args:?} should refuse at {place}:\n{}",
            run.stderr
        );
        assert!(!p.path("out").exists(), "{args:?} wrote files");
    }
}

#[test]
fn a_two_item_list_is_refused_at_its_template_line() {
    let p = with_template_text("- 第一项工作\n- 第二项工作\n");
    let at = p.position(TEMPLATE, "- 第一项工作");
    refused_at(&p, at, "列表");
    let run = p.run(["check"]);
    assert!(
        run.stderr.contains("请把列表改写为段落"),
        "the hint says what to do:\n{}",
        run.stderr
    );
}

#[test]
fn a_list_printed_by_a_loop_is_refused_at_the_loop_body() {
    let p = with_template_text(
        "{% for item in [\"第一项\", \"第二项\"] %}\n- {{ item }}工作，培训{{ fig.trainees }}名\n{% endfor %}\n",
    );
    let at = p.position(TEMPLATE, "- {{ item }}");
    refused_at(&p, at, "列表");
}

#[test]
fn a_link_an_image_and_raw_html_are_refused_where_they_stand() {
    let cases = [
        (
            "详见[市直机关党建网](https://example.org)。",
            "[市直",
            "链接",
        ),
        ("![合影](photo.png)", "![合影]", "图片"),
        ("<div class=\"note\">备注</div>", "<div", "网页标记"),
        (
            "培训{{ fig.trainees }}名，<b>成效明显</b>。",
            "<b>",
            "网页标记",
        ),
    ];
    for (markdown, at, what) in cases {
        let p = with_template_text(markdown);
        let at = p.position(TEMPLATE, at);
        refused_at(&p, at, what);
    }
}

/// The speech's blocks in the HTML file (title, headings, paragraphs; list items, cells, … where
/// there are any), as text without spaces.
fn html_blocks(html: &str) -> Vec<String> {
    let start = html
        .find("<article class=\"speech\">")
        .expect("the speech's article");
    let end = html[start..].find("</article>").expect("its end") + start;
    let mut blocks = Vec::new();
    let mut block = String::new();
    let mut in_tag = false;
    let mut tag = String::new();
    for c in html[start..end].chars() {
        match (in_tag, c) {
            (false, '<') => {
                in_tag = true;
                tag.clear();
            }
            (false, c) => block.push(c),
            (true, '>') => {
                in_tag = false;
                // Every element that ends a block in a browser, not only those the model makes.
                let closes_block = [
                    "/h1", "/h2", "/h3", "/h4", "/h5", "/h6", "/p", "/li", "/pre",
                ]
                .contains(&tag.as_str())
                    || ["/blockquote", "/td", "/th", "/div"].contains(&tag.as_str());
                if closes_block && !block.trim().is_empty() {
                    blocks.push(squeeze(&unescape(&std::mem::take(&mut block))));
                }
            }
            (true, c) => tag.push(c),
        }
    }
    blocks
}

/// Asserts that the PDF's lines, read in order, fall into exactly these blocks: every block
/// starts on a line of its own and no line runs from one block into the next.
fn assert_pdf_reads_as(pdf: &[u8], blocks: &[String]) {
    let text = pdf_tools::pdftotext(pdf);
    let lines: Vec<String> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !is_page_mark(l))
        .map(squeeze)
        .collect();
    let mut block = 0;
    let mut read = String::new();
    for line in &lines {
        read.push_str(line);
        let want = blocks.get(block).map_or("", String::as_str);
        assert!(
            want.starts_with(&read),
            "the PDF's block {} reads\n  {read}\nthe HTML's reads\n  {want}",
            block + 1
        );
        if read == want {
            block += 1;
            read.clear();
        }
    }
    assert_eq!(
        (block, read.as_str()),
        (blocks.len(), ""),
        "the PDF ends before the HTML"
    );
}

fn render_html_and_pdf(p: &Project) -> (String, Vec<u8>) {
    p.run([
        "render", "--format", "html,pdf", "--fonts", "bundled", "-o", "out",
    ])
    .expect_code(0);
    (
        p.read("out/speech.html"),
        std::fs::read(p.path("out/speech.pdf")).unwrap(),
    )
}

#[test]
fn the_html_says_what_the_pdf_says_paragraph_for_paragraph() {
    if !pdf_tools::have(&["pdftotext"]) {
        return;
    }
    let p = Project::sample();
    let (html, pdf) = render_html_and_pdf(&p);
    let blocks = html_blocks(&html);
    // Title, opening paragraph, four part headings and eleven units.
    assert_eq!(blocks.len(), 17, "{blocks:#?}");
    assert_eq!(blocks[0], "市直工委在全市机关党建工作推进会上的发言");
    assert_pdf_reads_as(&pdf, &blocks);
}

#[test]
fn what_the_model_holds_beyond_the_sample_reads_the_same_in_html_and_pdf() {
    if !pdf_tools::have(&["pdftotext"]) {
        return;
    }
    // A second-level heading, inline code (taken as its text) and a hard line break (joined, as
    // Chinese lines are).
    let p = with_template_text(
        "### （一）加强作风建设\n\n坚持`每月一课`制度，  \n培训{{ fig.trainees }}名。\n",
    );
    p.run(["check"]).expect_code(0);
    let (html, pdf) = render_html_and_pdf(&p);
    assert!(html.contains("<h3>（一）加强作风建设</h3>"), "{html}");
    assert!(!html.contains("<code>") && !html.contains("<br"), "{html}");
    let blocks = html_blocks(&html);
    assert!(
        blocks
            .iter()
            .any(|b| b.starts_with("坚持每月一课制度，培训") && b.ends_with("名。")),
        "{blocks:#?}"
    );
    assert_pdf_reads_as(&pdf, &blocks);
}
