//! The rendered HTML page in a real browser (Debian's headless chromium): it shows the speech and
//! nothing else, every figure carries its provenance, the Chinese style applies, and it asks for
//! nothing from the network. A screenshot lands in `target/tmp/html-browser/`.

use serde_json::json;

use crate::harness::browser::{Browser, Cdp};
use crate::harness::programs;
use crate::harness::{Project, without_digest};

fn without_whitespace(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// A headless chromium showing a rendered page (keep the Browser alive while using the session).
fn open(chromium: &std::path::Path, page: &std::path::Path) -> (Browser, Cdp) {
    let browser = Browser::launch(chromium);
    let mut cdp = browser.page();
    let url = format!("file://{}", page.display());
    cdp.call("Page.navigate", json!({ "url": url }));
    cdp.wait_for(
        "the page",
        "document.readyState === 'complete' && document.querySelector('article.speech')",
    );
    (browser, cdp)
}

#[test]
fn the_page_shows_the_speech_and_nothing_else() {
    let Some(chromium) = programs::chromium() else {
        return;
    };
    let p = Project::sample();
    p.run(["render", "-o", "out"]).expect_code(0);
    let markdown = p.read("out/speech.md");
    // The digest comment at the end is not shown.
    let markdown = without_digest(&markdown);
    // The sample facts' mark is a comment in the Markdown and a banner on the page.
    let expected = without_whitespace(
        &markdown
            .replace("<!-- ", "")
            .replace(" -->", "")
            .replace("**", "")
            .replace("## ", "")
            .replace("# ", ""),
    );

    let (_browser, mut cdp) = open(&chromium, &p.path("out/speech.html"));

    assert_eq!(cdp.eval("document.documentElement.lang"), json!("zh-CN"));
    let body = cdp
        .eval("document.body.innerText")
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        without_whitespace(&body),
        expected,
        "the page's text is the speech's, word for word"
    );

    let figures = cdp.eval(
        "[...document.querySelectorAll('[data-figure]')].map(e => [e.dataset.figure, e.title])",
    );
    let figures = figures.as_array().unwrap();
    assert_eq!(figures.len(), 49);
    for f in figures {
        let title = f[1].as_str().unwrap();
        assert!(
            title.contains("算法：") && title.contains("来源：facts/2021.yaml:"),
            "{f}"
        );
    }
    // 3号 (16 pt) body, first line indented two characters of the 28-character grid
    // (156 mm / 28 each, as in the PDF).
    let style = cdp.eval("(() => { const s = getComputedStyle(document.querySelector('article p')); return [s.fontSize, parseFloat(s.textIndent)]; })()");
    assert_eq!(style[0], json!("21.3333px"));
    let indent = style[1].as_f64().unwrap();
    let cell = 156.0 / 25.4 * 96.0 / 28.0;
    assert!((indent - 2.0 * cell).abs() < 0.05, "{indent}");
    // Standalone: no stylesheet, font or script fetched from anywhere.
    assert_eq!(
        cdp.eval("performance.getEntriesByType('resource').length"),
        json!(0)
    );

    let shots = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("html-browser");
    std::fs::create_dir_all(&shots).unwrap();
    std::fs::write(shots.join("speech.png"), cdp.screenshot()).unwrap();
}

#[test]
fn a_draft_page_is_marked_and_shows_unfilled_figures() {
    let Some(chromium) = programs::chromium() else {
        return;
    };
    let p = Project::sample();
    p.edit_facts(
        "full_time_deputy_secretaries: 37",
        "full_time_deputy_secretaries: ~",
    );
    p.run(["render", "--draft", "-o", "out"]).expect_code(0);
    let (_browser, mut cdp) = open(&chromium, &p.path("out/speech-draft.html"));
    let banner = cdp.eval("document.querySelector('.draft-banner').innerText");
    assert!(banner.as_str().unwrap().contains("草稿"));
    let unfilled = cdp.eval("(() => { const e = document.querySelector('.figure.unfilled'); return [e.dataset.figure, e.innerText, getComputedStyle(e).color]; })()");
    assert_eq!(unfilled[0], json!("deputy_secretaries"));
    assert_eq!(unfilled[1], json!("【未填：直属党组织已配备专职副书记】"));
    assert_eq!(
        unfilled[2],
        json!("rgb(179, 38, 30)"),
        "unfilled figures stand out in colour"
    );
}
