//! Issue 21's "Done when": the workspace in a real Chromium, driven over the DevTools protocol as
//! `serve_browser.rs` drives the preview, at 1366×768 (the most common office screen).
//!
//! On next year's facts (made by `speechgen next-year`: numbers empty, last year's in comments,
//! names carried over) it types a value into a field and sees the speech show it and the facts file
//! change in that value's bytes only, comments intact; types a full-width number and sees the
//! message at the field; edits the file on disk meanwhile and sees the page refuse to overwrite;
//! confirms a carried-over name; switches to the complete year, renders and downloads the final
//! PDF; and sees that a request without the secret, or from another origin, changes nothing.
//! Screenshots land in `target/tmp/workspace-browser/`.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::harness::browser::{Browser, Cdp};
use crate::harness::{Project, bundled_fonts, programs};

const WIDTH: u32 = 1366;
const HEIGHT: u32 = 768;

fn save_png(path: &Path, png: &[u8]) {
    std::fs::write(path, png).unwrap();
    println!("screenshot: {}", path.display());
}

/// Types `text` into the field of fact `path` as a person does (focus, then the keyboard's text).
fn type_into(cdp: &mut Cdp, path: &str, text: &str) {
    let sel = field_input(path);
    cdp.eval(&format!(
        "(() => {{ const i = document.querySelector('{sel}'); i.scrollIntoView({{block: 'center'}}); i.focus(); i.select(); }})()"
    ));
    cdp.call("Input.insertText", json!({ "text": text }));
}

fn press_enter(cdp: &mut Cdp) {
    for kind in ["keyDown", "keyUp"] {
        cdp.call(
            "Input.dispatchKeyEvent",
            json!({"type": kind, "key": "Enter", "code": "Enter", "windowsVirtualKeyCode": 13, "nativeVirtualKeyCode": 13}),
        );
    }
}

fn field_input(path: &str) -> String {
    format!(".field[data-path=\"{path}\"] input, .field[data-path=\"{path}\"] textarea")
}

/// The lines of `after` that differ from `before`; panics when lines were added or removed.
fn changed_lines(before: &str, after: &str) -> Vec<(String, String)> {
    let (b, a): (Vec<&str>, Vec<&str>) =
        (before.split('\n').collect(), after.split('\n').collect());
    assert_eq!(b.len(), a.len(), "lines added or removed:\n{after}");
    b.iter()
        .zip(&a)
        .filter(|(x, y)| x != y)
        .map(|(x, y)| (x.to_string(), y.to_string()))
        .collect()
}

/// The form as the server gives it.
fn form(server: &crate::harness::Served) -> Value {
    let res = server.get("/api/form");
    assert_eq!(res.status, 200, "{}", res.text());
    serde_json::from_slice::<Value>(&res.body).unwrap()["form"].clone()
}

fn leaves(fields: &Value, out: &mut Vec<Value>) {
    for f in fields.as_array().into_iter().flatten() {
        if f["children"].as_array().is_some_and(|c| !c.is_empty()) {
            leaves(&f["children"], out);
        } else {
            out.push(f.clone());
        }
    }
}

fn all_fields(form: &Value) -> Vec<Value> {
    let mut out = Vec::new();
    for g in form["groups"].as_array().unwrap() {
        leaves(&g["fields"], &mut out);
    }
    out
}

fn field<'a>(fields: &'a [Value], path: &str) -> &'a Value {
    fields
        .iter()
        .find(|f| f["path"] == json!(path))
        .unwrap_or_else(|| panic!("no field {path}"))
}

#[test]
fn the_clerk_fills_in_a_year_in_the_browser_and_nothing_else_in_the_file_moves() {
    let Some(chromium) = programs::chromium() else {
        return;
    };
    let shots = Path::new(env!("CARGO_TARGET_TMPDIR")).join("workspace-browser");
    std::fs::create_dir_all(&shots).unwrap();
    let downloads = tempfile::tempdir().unwrap();

    let project = Project::sample();
    project.run(["next-year"]).expect_code(0);
    let next = project.path("facts/2022.yaml");
    let server = project.serve_with(|opts| {
        opts.facts = next.clone();
        opts.renderers = Arc::new(speechgen::format::Renderers::new(bundled_fonts()));
    });
    let fields = all_fields(&form(&server));
    // The fields this test uses, as next-year leaves them.
    let typed = "supervision.reminder_talks";
    assert_eq!(
        field(&fields, typed)["raw"],
        json!(""),
        "next year's numbers are empty"
    );
    assert_eq!(field(&fields, typed)["unfilled"], json!(true));
    let figure = field(&fields, typed)["figures"][0]
        .as_str()
        .expect("a figure reads it")
        .to_owned();
    let carried = fields
        .iter()
        .find(|f| f["carried_over"] == json!(true) && f["kind"] == json!("name"))
        .or_else(|| fields.iter().find(|f| f["carried_over"] == json!(true)))
        .expect("next year carries names over")["path"]
        .as_str()
        .unwrap()
        .to_owned();

    let browser = Browser::launch(&chromium);
    let mut cdp = browser.page();
    cdp.call(
        "Emulation.setDeviceMetricsOverride",
        json!({"width": WIDTH, "height": HEIGHT, "deviceScaleFactor": 1, "mobile": false}),
    );
    cdp.call(
        "Page.setDownloadBehavior",
        json!({"behavior": "allow", "downloadPath": downloads.path().to_str().unwrap()}),
    );
    cdp.call("Page.navigate", json!({ "url": server.url() }));
    cdp.wait_for(
        "the form beside the speech",
        "document.readyState === 'complete' && !!document.querySelector('#form .field input') && !!document.querySelector('article.speech')",
    );
    assert_eq!(
        cdp.eval("location.search"),
        json!(""),
        "the key left the address bar"
    );
    assert_eq!(
        cdp.eval("document.cookie"),
        json!(""),
        "the cookie is HttpOnly: no script reads it"
    );
    // Unfilled fields stand out; last year's value sits beside.
    let row = format!(".field[data-path=\"{typed}\"]");
    assert_eq!(
        cdp.eval(&format!(
            "document.querySelector('{row}').classList.contains('unfilled')"
        )),
        json!(true)
    );
    let beside = cdp.eval(&format!(
        "document.querySelector('{row} .last').textContent"
    ));
    assert!(
        beside.as_str().unwrap().contains("68"),
        "last year's value: {beside}"
    );
    assert_eq!(
        cdp.eval("document.querySelectorAll('#form input[type=number]').length"),
        json!(0),
        "no number inputs: the raw typed text is read"
    );
    save_png(&shots.join("1-opened.png"), &cdp.screenshot());

    // 1. A value typed and saved: the speech shows it, and only that value's bytes changed.
    let before = project.read("facts/2022.yaml");
    type_into(&mut cdp, typed, "70");
    press_enter(&mut cdp);
    let fig = format!("article.speech .figure[data-figure=\"{figure}\"]");
    cdp.wait_for(
        "the speech to show 70",
        &format!("document.querySelector('{fig}')?.textContent.includes('70')"),
    );
    let after = project.read("facts/2022.yaml");
    let changed = changed_lines(&before, &after);
    assert_eq!(changed.len(), 1, "{changed:?}");
    let (old_line, new_line) = &changed[0];
    assert!(new_line.contains("reminder_talks: 70"), "{new_line}");
    let comment = old_line.split_once('#').unwrap().1;
    assert!(
        new_line.ends_with(comment),
        "the comment intact: {old_line} → {new_line}"
    );
    // The save's answer (the new form) may arrive after the new draft's long-poll.
    cdp.wait_for(
        "the field no longer unfilled",
        &format!("!document.querySelector('{row}').classList.contains('unfilled')"),
    );
    save_png(&shots.join("2-typed.png"), &cdp.screenshot());

    // Clicking the figure in the speech goes to its field.
    cdp.eval("document.activeElement.blur()");
    cdp.eval(&format!("document.querySelector('{fig}').click()"));
    cdp.wait_for(
        "the figure's field focused",
        &format!(
            "document.activeElement === document.querySelector('{}')",
            field_input(typed)
        ),
    );

    // 2. A full-width number: explained at the field as it is typed; never saved.
    let wide = "political.full_time_party_workers";
    let before = project.read("facts/2022.yaml");
    type_into(&mut cdp, wide, "１２６");
    let msg = format!(".field[data-path=\"{wide}\"] .msg");
    cdp.wait_for(
        "the message at the field",
        &format!("document.querySelector('{msg}').textContent.includes('全角')"),
    );
    let said = cdp.eval(&format!("document.querySelector('{msg}').textContent"));
    println!("full-width digits: {said}");
    save_png(&shots.join("3-full-width.png"), &cdp.screenshot());
    press_enter(&mut cdp);
    std::thread::sleep(Duration::from_millis(400));
    assert_eq!(
        project.read("facts/2022.yaml"),
        before,
        "１２６ is not written"
    );
    assert!(
        cdp.eval(&format!("document.querySelector('{msg}').textContent"))
            .as_str()
            .unwrap()
            .contains("全角"),
        "still explained after the refused save"
    );

    // 3. The file edited on disk while the clerk types the same value: the page refuses.
    let raced = "organisation.branches_qualified";
    type_into(&mut cdp, raced, "1390");
    let on_disk = project.read("facts/2022.yaml");
    let line = on_disk
        .lines()
        .find(|l| l.trim_start().starts_with("branches_qualified:"))
        .unwrap()
        .to_owned();
    let edited_line = line.replacen("branches_qualified:", "branches_qualified: 1400", 1);
    project.save_facts_file("facts/2022.yaml", &on_disk.replacen(&line, &edited_line, 1));
    let edited = project.read("facts/2022.yaml");
    // The page sees the new version (the draft's figure changes) while the field keeps the typing.
    std::thread::sleep(Duration::from_millis(1500));
    press_enter(&mut cdp);
    cdp.wait_for(
        "the page to show both values",
        "!document.getElementById('dialog').hidden && document.getElementById('dialog').textContent.includes('1400') && document.getElementById('dialog').textContent.includes('1390')",
    );
    save_png(&shots.join("4-conflict.png"), &cdp.screenshot());
    assert_eq!(
        project.read("facts/2022.yaml"),
        edited,
        "the edit made on disk is not overwritten"
    );
    // The clerk takes the file's value.
    cdp.eval("[...document.querySelectorAll('#dialog-actions button')].find(b => b.textContent.includes('采用文件中的值')).click()");
    cdp.wait_for(
        "the field to show the file's value",
        &format!(
            "document.querySelector('{}').value === '1400'",
            field_input(raced)
        ),
    );

    // 4. A carried-over name confirmed with one click: written to `confirmed:`.
    let before = project.read("facts/2022.yaml");
    let carried_row = format!(".field[data-path=\"{carried}\"]");
    cdp.eval(&format!(
        "(() => {{ const b = document.querySelector('{carried_row} button.confirm'); b.scrollIntoView({{block: 'center'}}); b.click(); }})()"
    ));
    cdp.wait_for(
        "the name confirmed",
        &format!("!document.querySelector('{carried_row}').classList.contains('carried')"),
    );
    let after = project.read("facts/2022.yaml");
    assert!(
        after.contains("confirmed:") && after.contains(&carried),
        "{carried} in confirmed:\n{after}"
    );
    assert!(
        after.starts_with(
            before
                .trim_end_matches('\n')
                .split("\nconfirmed:")
                .next()
                .unwrap()
        ),
        "the lines before confirmed: untouched"
    );

    // Undo puts back the last change (the confirmation).
    cdp.eval("document.getElementById('undo').click()");
    let deadline = Instant::now() + Duration::from_secs(10);
    while project.read("facts/2022.yaml") != before {
        assert!(Instant::now() < deadline, "undo did not restore the file");
        std::thread::sleep(Duration::from_millis(50));
    }

    // 5. A request without the secret, or from another origin, changes nothing (403).
    let before = project.read("facts/2022.yaml");
    let sha = form(&server)["sha256"].as_str().unwrap().to_owned();
    let body = json!({"year": 2022, "sha256": sha, "path": typed, "raw": "99"}).to_string();
    let without_secret = cdp.eval(&format!(
        "fetch('/api/save', {{method: 'POST', headers: {{'Content-Type': 'application/json'}}, body: {body:?}}}).then(r => r.status)"
    ));
    assert_eq!(without_secret, json!(403), "no secret header");
    assert_eq!(project.read("facts/2022.yaml"), before, "nothing changed");
    // 6. The complete year: switch to 2021, render and download the final PDF.
    cdp.eval("(() => { const s = document.getElementById('year'); s.value = '2021'; s.dispatchEvent(new Event('change')); })()");
    cdp.wait_for(
        "2021 served",
        "!!document.body && document.body.dataset.year === '2021' && !!document.querySelector('#form .field input')",
    );
    cdp.eval("(() => { document.querySelector('.downloads').open = true; document.querySelector('a[href=\"/download/final.pdf\"]').click(); })()");
    let pdf = downloads.path().join("2021-speech.pdf");
    let deadline = Instant::now() + Duration::from_secs(60);
    while !pdf.exists() || std::fs::metadata(&pdf).map_or(0, |m| m.len()) == 0 {
        assert!(
            Instant::now() < deadline,
            "the final PDF was not downloaded"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    std::thread::sleep(Duration::from_millis(300));
    let bytes = std::fs::read(&pdf).unwrap();
    assert!(bytes.starts_with(b"%PDF-"), "a PDF");
    let digest = speechgen::digest::Digest::find_in(&bytes).expect("the final PDF's digest");
    assert_eq!(digest.facts_path(), Some("facts/2021.yaml"));
    save_png(&shots.join("5-downloaded.png"), &cdp.screenshot());
    // Last, the same browser on another origin (localhost is another site than 127.0.0.1):
    // no cookie goes there, and what its page posts blind to the workspace changes nothing.
    let before = project.read("facts/2022.yaml");
    let before_2021 = project.read("facts/2021.yaml");
    let body = json!({"year": 2021, "sha256": form(&server)["sha256"], "path": typed, "raw": "99"})
        .to_string();
    let other = format!("http://localhost:{}/", server.addr.port());
    cdp.call("Page.navigate", json!({ "url": other }));
    cdp.wait_for(
        "the other origin's page",
        "location.hostname === 'localhost' && document.readyState === 'complete'",
    );
    assert!(
        cdp.eval("document.body.textContent")
            .as_str()
            .unwrap()
            .contains("请打开程序窗口中显示的地址"),
        "no cookie for another origin: 403"
    );
    cdp.eval(&format!(
        "fetch('http://127.0.0.1:{port}/api/save', {{method: 'POST', mode: 'no-cors', credentials: 'include', headers: {{'Content-Type': 'text/plain'}}, body: {body:?}}}).then(() => 1, () => 0)",
        port = server.addr.port()
    ));
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(project.read("facts/2022.yaml"), before, "nothing changed");
    assert_eq!(
        project.read("facts/2021.yaml"),
        before_2021,
        "nothing changed"
    );

    println!("screenshots: {}", shots.display());
}
