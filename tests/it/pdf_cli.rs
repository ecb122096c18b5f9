//! `speechgen render --format pdf` as a user runs it: the PDF file's text is the Markdown's text,
//! the same input gives the same bytes, and a character no face has is refused by name.

use crate::harness::pdf_tools::{self, pdf_speech_text, squeeze};
use crate::harness::{Project, markdown_speech_text};

#[test]
fn the_pdf_says_what_the_markdown_says() {
    if !pdf_tools::have(&["pdftotext", "pdfinfo"]) {
        return;
    }
    let p = Project::sample();
    let run = p.run(["render", "--fonts", "bundled", "-o", "out"]);
    run.expect_code(0);
    assert!(
        run.stderr
            .contains("PDF 字体：正文: AR PL SungtiL GB (内置)"),
        "{}",
        run.stderr
    );
    let pdf = std::fs::read(p.path("out/speech.pdf")).unwrap();
    assert_eq!(
        pdf_speech_text(&pdf),
        markdown_speech_text(&p.read("out/speech.md"))
    );
    let info = pdf_tools::pdfinfo(&pdf);
    assert!(
        info.contains("Title:           市直工委在全市机关党建工作推进会上的发言"),
        "{info}"
    );
    assert!(info.contains("A4"), "{info}");
    assert!(
        !pdf_tools::pdftotext(&pdf).contains("草稿"),
        "a final PDF is never marked draft"
    );
}

#[test]
fn the_masked_and_draft_pdfs() {
    if !pdf_tools::have(&["pdftotext"]) {
        return;
    }
    let p = Project::sample();
    p.run([
        "render", "--mask", "--fonts", "bundled", "--format", "md,pdf", "-o", "masked",
    ])
    .expect_code(0);
    let pdf = std::fs::read(p.path("masked/speech-masked.pdf")).unwrap();
    assert_eq!(pdf_speech_text(&pdf).matches('*').count(), 29);
    assert_eq!(
        pdf_speech_text(&pdf),
        markdown_speech_text(&p.read("masked/speech-masked.md"))
    );

    p.edit_facts(
        "full_time_deputy_secretaries: 37",
        "full_time_deputy_secretaries:",
    );
    p.run([
        "render", "--draft", "--fonts", "bundled", "--format", "pdf", "-o", "draft",
    ])
    .expect_code(0);
    let text = pdf_tools::pdftotext(&std::fs::read(p.path("draft/speech-draft.pdf")).unwrap());
    let pages: Vec<&str> = text
        .split('\u{c}')
        .filter(|p| !p.trim().is_empty())
        .collect();
    assert!(
        pages.iter().all(|page| page.contains("草稿")),
        "草稿 on every page"
    );
    assert!(squeeze(&text).contains("【未填：直属党组织已配备专职副书记】"));
}

#[test]
fn two_renders_are_byte_identical() {
    let p = Project::sample();
    p.run(["render", "--fonts", "bundled", "--format", "pdf", "-o", "a"])
        .expect_code(0);
    p.run(["render", "--fonts", "bundled", "--format", "pdf", "-o", "b"])
        .expect_code(0);
    let (a, b) = (
        std::fs::read(p.path("a/speech.pdf")).unwrap(),
        std::fs::read(p.path("b/speech.pdf")).unwrap(),
    );
    assert!(a.starts_with(b"%PDF-"));
    assert!(a == b, "the same input must give the same bytes");
}

#[test]
fn a_character_no_face_has_is_refused_by_name_and_nothing_is_written() {
    let p = Project::sample();
    p.edit_facts("media_column: 机关党建先锋", "media_column: 机关党建𠀀先锋");
    let run = p.run(["render", "--fonts", "bundled", "-o", "out"]);
    run.expect_code(1);
    assert!(
        run.stderr.contains("缺少字符“𠀀”(U+20000)"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("media_column"), "{}", run.stderr);
    assert!(
        !p.path("out").exists(),
        "nothing is written, not even the Markdown"
    );
    // Without the PDF the same facts render.
    p.run(["render", "--format", "md,html", "-o", "out"])
        .expect_code(0);
}

#[test]
fn a_space_between_latin_words_is_printed() {
    if !pdf_tools::have(&["pdftotext"]) {
        return;
    }
    let p = Project::sample();
    p.edit_facts("media_column: 机关党建先锋", "media_column: Party Building");
    p.run([
        "render", "--fonts", "bundled", "--format", "pdf", "-o", "out",
    ])
    .expect_code(0);
    let text = pdf_tools::pdftotext(&std::fs::read(p.path("out/speech.pdf")).unwrap());
    assert!(squeeze(&text).contains("日报“PartyBuilding”专栏"), "{text}");
    // The space where the name has it: not lost (PartyBuilding), not doubled. A line may
    // break at it.
    assert!(
        text.contains("Party Building") || text.contains("Party\nBuilding"),
        "{text}"
    );
}

/// Issue 18 §4: a space beside Chinese prints in the PDF as the other formats print it (the
/// .md, .html and .docx keep the name as typed): `党课 大讲堂` is not `党课大讲堂`, nor is
/// `机关 Party 先锋` run together. A run of blanks is one space, as HTML shows it.
#[test]
fn a_space_beside_chinese_is_printed_as_in_the_other_formats() {
    if !pdf_tools::have(&["pdftotext"]) {
        return;
    }
    let p = Project::sample();
    p.edit_facts("lecture_hall: 党课大讲堂", "lecture_hall: 党课  大讲堂");
    p.edit_facts(
        "media_column: 机关党建先锋",
        "media_column: 机关 Party 先锋",
    );
    p.run([
        "render", "--fonts", "bundled", "--format", "md,pdf", "-o", "out",
    ])
    .expect_code(0);
    let md = p.read("out/speech.md");
    assert!(
        md.contains("“党课  大讲堂”") && md.contains("“机关 Party 先锋”"),
        "{md}"
    );
    let text = pdf_tools::pdftotext(&std::fs::read(p.path("out/speech.pdf")).unwrap());
    // pdftotext shows a gap of a quarter em as a space; a line may break at it instead.
    let joined = text.replace('\n', " ");
    assert!(joined.contains("“党课 大讲堂”"), "{text}");
    assert!(joined.contains("“机关 Party 先锋”"), "{text}");
}
