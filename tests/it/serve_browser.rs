//! The preview in a real browser: Debian's headless chromium, driven over the DevTools protocol
//! by a small client here (no crate that downloads a browser of its own).
//!
//! Loads the page, scrolls into the speech, changes a fact on disk and waits for the new value to
//! appear without a reload, at the same scroll position; then breaks the facts file, sees the
//! error in the page, mends it and sees the speech come back where it was. Screenshots land in
//! `target/tmp/serve-browser/`.
//!
//! Without chromium the test is skipped with a message, except under `CI=true`, where it fails.

use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::json;

use crate::harness::browser::{Browser, HEIGHT, WIDTH};
use crate::harness::programs;
use crate::harness::{Project, change_one_count, figures};

#[test]
fn the_page_updates_in_place_and_keeps_its_scroll_position() {
    let Some(chromium) = programs::chromium() else {
        return;
    };
    let shots = Path::new(env!("CARGO_TARGET_TMPDIR")).join("serve-browser");
    std::fs::create_dir_all(&shots).unwrap();

    let project = Project::sample();
    let server = project.serve();
    let url = server.url();
    let browser = Browser::launch(&chromium);
    let mut cdp = browser.page();
    cdp.call(
        "Emulation.setDeviceMetricsOverride",
        json!({"width": WIDTH, "height": HEIGHT, "deviceScaleFactor": 1, "mobile": false}),
    );
    cdp.call("Page.navigate", json!({ "url": url }));
    cdp.wait_for(
        "the speech",
        "document.readyState === 'complete' && !!document.querySelector('article.speech .figure')",
    );

    // The figure to change, and a scroll position well inside the speech with it in view.
    let page = server.get("/").text();
    let (id, changed, new) = change_one_count(&project, &page);
    let sel = format!("article.speech .figure[data-figure=\"{id}\"]");
    let old = cdp
        .eval(&format!("document.querySelector('{sel}').textContent"))
        .as_str()
        .unwrap()
        .to_owned();
    let y = cdp.eval(&format!(
        "(() => {{ const top = document.querySelector('{sel}').getBoundingClientRect().top + scrollY;
                   window.scrollTo(0, Math.max(160, top - {HEIGHT} / 3)); return scrollY; }})()"
    ));
    let y = y.as_f64().unwrap();
    assert!(
        y >= 100.0,
        "the speech is long enough to scroll (scrollY {y})"
    );
    // Survives only if the page is not reloaded.
    cdp.eval("window.__notReloaded = true");

    let t0 = Instant::now();
    project.save_facts(&changed);
    cdp.wait_for(
        "the new value",
        &format!("document.querySelector('{sel}').textContent === '{new}'"),
    );
    let latency = t0.elapsed();
    println!("changed {id}: {old} -> {new}; visible in the browser after {latency:?}");
    assert!(
        latency < Duration::from_secs(1),
        "the page updates within a second: {latency:?}"
    );
    assert_eq!(
        cdp.eval("window.__notReloaded === true"),
        json!(true),
        "updated without a reload"
    );
    assert_eq!(
        cdp.eval("scrollY").as_f64().unwrap(),
        y,
        "same scroll position"
    );
    let panel_value = cdp.eval(&format!(
        "document.querySelector('#panel tr[data-figure=\"{id}\"]').dataset.value"
    ));
    assert_eq!(panel_value, json!(new), "the panel follows");
    // Hovering a figure shows its label, value and where it comes from.
    cdp.eval(&format!("document.querySelector('{sel}').dispatchEvent(new MouseEvent('mouseover', {{bubbles: true}}))"));
    let tip = cdp.eval(
        "document.getElementById('tip').hidden ? '' : document.getElementById('tip').textContent",
    );
    let tip = tip.as_str().unwrap();
    assert!(
        tip.contains(&new) && tip.contains(".yaml:"),
        "tooltip: {tip}"
    );
    save(&shots.join("1-updated.png"), &cdp.screenshot());

    // Broken facts: the error replaces the speech; mended: the speech comes back where it was.
    let good = changed;
    project.save_facts(&format!("{good}broken: a: b\n"));
    cdp.wait_for("the error view", "!!document.querySelector('main.broken .diag') && !document.querySelector('article.speech')");
    let error_text = cdp.eval("document.querySelector('main.broken').textContent");
    assert!(
        error_text.as_str().unwrap().contains("broken: a"),
        "the line is shown: {error_text}"
    );
    save(&shots.join("2-error.png"), &cdp.screenshot());
    project.save_facts(&good);
    cdp.wait_for(
        "the speech again",
        &format!("document.querySelector('{sel}')?.textContent === '{new}'"),
    );
    assert_eq!(
        cdp.eval("scrollY").as_f64().unwrap(),
        y,
        "back at the same place after the error"
    );
    assert_eq!(cdp.eval("window.__notReloaded === true"), json!(true));

    // Clicking a problem about a figure brings that figure into view.
    let target = cdp.eval("(() => { const p = document.querySelector('#panel li.problem:not([data-figure=\"\"])'); if (!p) return null; p.click(); return p.dataset.figure; })()");
    if let Some(fig) = target.as_str() {
        cdp.wait_for(
            "the problem's figure in view",
            &format!("(() => {{ const r = document.querySelector('article.speech .figure[data-figure=\"{fig}\"]').getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight; }})()"),
        );
        save(&shots.join("2b-problem.png"), &cdp.screenshot());
        cdp.eval(&format!("window.scrollTo(0, {y})"));
    }

    // Printing shows the speech only.
    cdp.call("Emulation.setEmulatedMedia", json!({"media": "print"}));
    let hidden = cdp.eval("getComputedStyle(document.getElementById('panel')).display + ' ' + getComputedStyle(document.querySelector('.banner')).display");
    assert_eq!(hidden, json!("none none"));
    cdp.call("Emulation.setEmulatedMedia", json!({"media": ""}));

    // The side panel lists every figure the server reports.
    let rows = cdp.eval("document.querySelectorAll('#panel tr[data-figure]').length");
    assert_eq!(
        rows.as_u64().unwrap() as usize,
        figures(&server.get("/").text()).len()
    );
    cdp.eval("window.scrollTo(0, 0)");
    save(&shots.join("3-top.png"), &cdp.screenshot());

    // On a phone the panel goes below the speech, and nothing overflows sideways.
    cdp.call(
        "Emulation.setDeviceMetricsOverride",
        json!({"width": 414, "height": 860, "deviceScaleFactor": 1, "mobile": true}),
    );
    let overflow = cdp.eval("document.documentElement.scrollWidth - innerWidth");
    assert!(
        overflow.as_f64().unwrap() <= 0.0,
        "horizontal overflow on a phone: {overflow}"
    );
    save(&shots.join("4-phone.png"), &cdp.screenshot());
    println!("screenshots: {}", shots.display());
}

fn save(path: &Path, png: &[u8]) {
    std::fs::write(path, png).unwrap();
    println!("screenshot: {}", path.display());
}
