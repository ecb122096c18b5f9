//! The workspace's rules over raw HTTP (issue 21, "safe on a shared office machine"): the secret
//! made at each start, exchanged once for an HttpOnly SameSite=Strict cookie and required on every
//! request; changes only by POST with the secret in a header and our Origin; writes only on
//! loopback; body limits with a Chinese 413. Each rule is tried as another user of the machine, or
//! another site's page, would try it, and the facts file is checked to be byte-identical after.

use serde_json::json;

use crate::harness::{Project, Served};

fn facts_bytes(p: &Project) -> Vec<u8> {
    std::fs::read(p.facts()).unwrap()
}

/// A save the page would send, for a fact of the sample, with the file's current hash.
fn a_save(p: &Project) -> serde_json::Value {
    use sha2::Digest as _;
    let sha = hex(&sha2::Sha256::digest(facts_bytes(p)));
    json!({ "year": 2021, "sha256": sha, "path": "supervision.reminder_talks", "raw": "70" })
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn post_without(server: &Served, path: &str, body: &str, skip: &[&str], extra: &str) -> u16 {
    let addr = server.addr;
    let mut head = format!("POST {path} HTTP/1.1\r\nHost: {addr}\r\n");
    let lines = [
        ("cookie", server.client().cookie()),
        ("secret", format!("X-Speechgen-Secret: {}", server.secret)),
        ("origin", format!("Origin: http://{addr}")),
    ];
    for (what, line) in lines {
        if !skip.contains(&what) {
            head.push_str(&line);
            head.push_str("\r\n");
        }
    }
    head.push_str(extra);
    head.push_str(&format!(
        "Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    ));
    server
        .raw_as_is(head.as_bytes())
        .expect("the server answers")
        .status
}

#[test]
fn every_request_without_the_secret_is_refused_with_a_page_saying_what_to_open() {
    let project = Project::sample();
    let server = project.serve();
    for path in [
        "/",
        "/view",
        "/version?after=x",
        "/speech.pdf",
        "/speech.docx",
        "/download/final.pdf",
        "/api/form",
        "/assets/preview.js",
        "/no-such-page",
    ] {
        let res = server
            .raw_as_is(
                format!(
                    "GET {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
                    server.addr
                )
                .as_bytes(),
            )
            .unwrap();
        assert_eq!(res.status, 403, "{path}");
        let text = res.text();
        assert!(
            text.contains("请打开程序窗口中显示的地址") && text.contains("?key="),
            "{path}: {text}"
        );
        assert!(
            !text.contains("<article"),
            "{path}: no draft without the secret"
        );
    }
    // A wrong cookie, or the right value under another server's name, is no better.
    let wrong = format!(
        "GET / HTTP/1.1\r\nHost: {}\r\nCookie: {}={}\r\nConnection: close\r\n\r\n",
        server.addr,
        speechgen::serve::cookie_name(server.addr.port()),
        "0".repeat(64)
    );
    assert_eq!(server.raw_as_is(wrong.as_bytes()).unwrap().status, 403);
    let other_name = format!(
        "GET / HTTP/1.1\r\nHost: {}\r\nCookie: speechgen-1={}\r\nConnection: close\r\n\r\n",
        server.addr, server.secret
    );
    assert_eq!(server.raw_as_is(other_name.as_bytes()).unwrap().status, 403);
    assert_eq!(server.get("/").status, 200, "with the cookie");
}

#[test]
fn the_key_in_the_opened_address_becomes_a_strict_http_only_cookie_and_leaves_the_address() {
    let project = Project::sample();
    let server = project.serve();
    let res = server
        .raw_as_is(
            format!(
                "GET /?key={} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
                server.secret, server.addr
            )
            .as_bytes(),
        )
        .unwrap();
    assert_eq!(res.status, 303, "{}", res.head);
    assert_eq!(res.header("location").as_deref(), Some("/"));
    let cookie = res.header("set-cookie").expect("a cookie");
    let name = speechgen::serve::cookie_name(server.addr.port());
    assert!(
        cookie.starts_with(&format!("{name}={}", server.secret)),
        "{cookie}"
    );
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Strict"), "{cookie}");
    assert!(cookie.contains("Path=/"), "{cookie}");
    assert_eq!(
        res.header("referrer-policy").as_deref(),
        Some("no-referrer")
    );

    // A wrong key gives no cookie.
    let res = server
        .raw_as_is(
            format!(
                "GET /?key={} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
                "a".repeat(64),
                server.addr
            )
            .as_bytes(),
        )
        .unwrap();
    assert_eq!(res.status, 403);
    assert!(res.header("set-cookie").is_none());

    // Each start makes another secret: the first server's cookie does not open the second.
    let second = project.serve();
    assert_ne!(second.secret, server.secret);
    let res = second
        .raw_as_is(
            format!(
                "GET / HTTP/1.1\r\nHost: {}\r\nCookie: {}={}\r\nConnection: close\r\n\r\n",
                second.addr,
                speechgen::serve::cookie_name(second.addr.port()),
                server.secret
            )
            .as_bytes(),
        )
        .unwrap();
    assert_eq!(res.status, 403);
}

#[test]
fn a_change_needs_the_cookie_the_secret_header_and_our_origin_or_nothing_changes() {
    let project = Project::sample();
    let server = project.serve();
    let before = facts_bytes(&project);
    let body = a_save(&project).to_string();
    let cases: [(&str, &[&str], &str); 6] = [
        ("no cookie", &["cookie"], ""),
        ("no secret header", &["secret"], ""),
        ("no Origin", &["origin"], ""),
        (
            "another site's Origin",
            &["origin"],
            "Origin: http://evil.example\r\n",
        ),
        (
            "the secret in the header but a page of another site",
            &[],
            "Sec-Fetch-Site: cross-site\r\n",
        ),
        (
            "a wrong secret in the header",
            &["secret"],
            "X-Speechgen-Secret: 0000\r\n",
        ),
    ];
    for (what, skip, extra) in cases {
        let status = post_without(&server, "/api/save", &body, skip, extra);
        assert_eq!(status, 403, "{what}");
        assert_eq!(
            facts_bytes(&project),
            before,
            "{what}: the facts file changed"
        );
    }
    // A GET never changes anything: the change routes take POST only.
    assert_eq!(server.get("/api/save").status, 405);
    assert_eq!(facts_bytes(&project), before);
}

#[test]
fn bodies_over_their_limit_are_refused_in_chinese_and_the_connection_closed() {
    let project = Project::sample();
    let server = project.serve();
    let client = server.client();
    let before = facts_bytes(&project);
    // Declared too large: refused before a byte of the body is read.
    let over = |path: &str, len: usize| {
        let head = format!(
            "POST {path} HTTP/1.1\r\nHost: {addr}\r\n{cookie}\r\nX-Speechgen-Secret: {secret}\r\nOrigin: http://{addr}\r\nContent-Length: {len}\r\n\r\n",
            addr = server.addr,
            cookie = client.cookie(),
            secret = server.secret,
        );
        let mut req = head.into_bytes();
        req.extend(std::iter::repeat_n(b'x', 4096));
        server.raw_as_is(&req).expect("an answer")
    };
    let edit = over("/api/save", speechgen::serve::EDIT_LIMIT + 1);
    assert_eq!(edit.status, 413);
    assert!(edit.text().contains("64 KB"), "{}", edit.text());
    assert_eq!(edit.header("connection").as_deref(), Some("close"));
    let upload = over("/api/verify", speechgen::serve::UPLOAD_LIMIT + 1);
    assert_eq!(upload.status, 413);
    assert!(upload.text().contains("16 MB"), "{}", upload.text());
    // An edit's limit is not an upload's: 1 MB to verify is read (and judged), not refused.
    let print = client.post(
        "/api/verify",
        "application/octet-stream",
        &vec![b'x'; 1 << 20],
    );
    assert_ne!(print.status, 413, "{}", print.text());
    // Chunked, so no length to see first: still cut at the limit.
    let chunk = "x".repeat(16 * 1024);
    let mut chunked = format!(
        "POST /api/save HTTP/1.1\r\nHost: {addr}\r\n{cookie}\r\nX-Speechgen-Secret: {secret}\r\nOrigin: http://{addr}\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n",
        addr = server.addr,
        cookie = client.cookie(),
        secret = server.secret,
    );
    for _ in 0..5 {
        chunked.push_str(&format!("{:x}\r\n{chunk}\r\n", chunk.len()));
    }
    chunked.push_str("0\r\n\r\n");
    let res = server.raw_as_is(chunked.as_bytes()).expect("an answer");
    assert_eq!(res.status, 413, "{}", res.text());
    // A read still carries no body.
    let get = server
        .raw(
            b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello",
        )
        .unwrap();
    assert_eq!(get.status, 413);
    assert_eq!(facts_bytes(&project), before);
    assert_eq!(server.get("/").status, 200, "still serving");
}

#[test]
fn on_another_address_than_loopback_the_page_is_a_read_only_preview() {
    let project = Project::sample();
    let server = project.serve_with(|opts| {
        opts.host = speechgen::serve::parse_host("0.0.0.0").unwrap();
    });
    let before = facts_bytes(&project);
    let page = server.get("/");
    assert_eq!(page.status, 200);
    let page = page.text();
    assert!(page.contains("data-writable=\"0\""), "{page}");
    assert!(page.contains("只读预览"));
    let res = server.post_json("/api/save", &a_save(&project));
    assert_eq!(res.status, 403);
    assert!(res.text().contains("只读预览"), "{}", res.text());
    let form = server.get("/api/form");
    assert_eq!(form.status, 200);
    let form: serde_json::Value = serde_json::from_slice(&form.body).unwrap();
    assert_eq!(form["writable"], json!(false));
    assert_eq!(facts_bytes(&project), before);
}

#[test]
fn the_page_takes_no_path_and_unknown_years_or_fields_write_nothing() {
    let project = Project::sample();
    let server = project.serve();
    let before = facts_bytes(&project);
    let mut save = a_save(&project);
    // A year other than the one served.
    save["year"] = json!(2020);
    let res = server.post_json("/api/save", &save);
    assert_eq!(res.status, 409, "{}", res.text());
    // A fact path that climbs out, or is a file path: core checks it against the file.
    for path in [
        "../../etc/passwd",
        "/etc/passwd",
        "facts/2021.yaml",
        "supervision.no_such_fact",
    ] {
        let mut save = a_save(&project);
        save["path"] = json!(path);
        let res = server.post_json("/api/save", &save);
        assert!(res.status >= 400, "{path}: {}", res.status);
    }
    // Not JSON at all.
    let res = server
        .client()
        .post("/api/save", "application/json", b"year=2021");
    assert_eq!(res.status, 400);
    assert!(res.text().contains("格式"), "{}", res.text());
    assert_eq!(facts_bytes(&project), before);
}

#[test]
fn a_save_with_a_stale_hash_writes_nothing_and_shows_both_values() {
    let project = Project::sample();
    let server = project.serve();
    let mut save = a_save(&project);
    save["sha256"] = json!("0".repeat(64));
    let before = facts_bytes(&project);
    let res = server.post_json("/api/save", &save);
    assert_eq!(res.status, 409, "{}", res.text());
    let answer: serde_json::Value = serde_json::from_slice(&res.body).unwrap();
    assert_eq!(answer["kind"], json!("conflict"), "{answer}");
    assert_eq!(answer["yours"], json!("70"), "{answer}");
    assert_eq!(answer["on_disk_value"], json!("68"), "{answer}");
    assert_eq!(facts_bytes(&project), before);
}

#[test]
fn a_save_changes_that_value_only_and_the_undo_puts_it_back() {
    let project = Project::sample();
    let server = project.serve();
    let before = project.read_facts();
    let res = server.post_json("/api/save", &a_save(&project));
    assert_eq!(res.status, 200, "{}", res.text());
    let answer: serde_json::Value = serde_json::from_slice(&res.body).unwrap();
    let after = project.read_facts();
    assert_eq!(
        after,
        before.replacen("reminder_talks: 68", "reminder_talks: 70", 1),
        "only the value's bytes changed"
    );
    assert_eq!(answer["undo"], json!(true));
    // The draft shows it at once (no wait for the watcher).
    assert!(server.get("/view").text().contains(">70</span>"));
    let undo = server.post_json(
        "/api/undo",
        &json!({ "year": 2021, "sha256": answer["sha256"] }),
    );
    assert_eq!(undo.status, 200, "{}", undo.text());
    assert_eq!(project.read_facts(), before);
    // Nothing more to undo.
    let again = server.post_json(
        "/api/undo",
        &json!({ "year": 2021, "sha256": serde_json::from_slice::<serde_json::Value>(&undo.body).unwrap()["sha256"] }),
    );
    assert_eq!(again.status, 409);
}

#[test]
fn the_explain_route_reads_the_raw_typed_text() {
    let project = Project::sample();
    let server = project.serve();
    let res = server.post_json("/api/explain", &json!({ "kind": "count", "raw": "１２６" }));
    assert_eq!(res.status, 200, "{}", res.text());
    let answer: serde_json::Value = serde_json::from_slice(&res.body).unwrap();
    let problems = answer["problems"].as_array().unwrap();
    assert!(
        !problems.is_empty(),
        "a full-width number is explained: {answer}"
    );
    assert!(
        problems[0]["message"].as_str().unwrap().contains("全角"),
        "{answer}"
    );
    let fine = server.post_json("/api/explain", &json!({ "kind": "count", "raw": "126" }));
    let fine: serde_json::Value = serde_json::from_slice(&fine.body).unwrap();
    assert_eq!(fine["problems"], json!([]));
    let unknown = server.post_json("/api/explain", &json!({ "kind": "path", "raw": "/etc" }));
    assert_eq!(unknown.status, 400);
}

#[test]
fn the_final_speech_is_refused_while_figures_are_unfilled_and_served_when_complete() {
    let project = Project::sample();
    let server = project.serve();
    // The sample is complete: the final PDF, the circulation copy and the sheet are made.
    for (path, name) in [
        ("/download/final.pdf", "speech.pdf"),
        ("/download/masked.pdf", "speech-masked.pdf"),
        ("/download/sheet.pdf", "figures.pdf"),
        ("/download/final.docx", "speech.docx"),
    ] {
        let res = server.get(path);
        assert_eq!(res.status, 200, "{path}: {}", res.text());
        assert_eq!(
            res.header("content-disposition"),
            Some(format!("attachment; filename=\"{name}\"")),
            "{path}"
        );
    }
    project.edit_facts("reminder_talks: 68", "reminder_talks:");
    crate::harness::wait_for(
        "the unfilled draft",
        std::time::Duration::from_secs(5),
        || server.get("/view").text().contains("未填").then_some(()),
    );
    let res = server.get("/download/final.pdf");
    assert_eq!(res.status, 409);
    assert!(res.text().contains("还不能生成"), "{}", res.text());
}

#[test]
fn a_dropped_print_is_verified_and_one_naming_a_file_outside_the_project_is_refused() {
    let project = Project::sample();
    project.run(["render", "--format", "md"]).expect_code(0);
    let print = std::fs::read(project.path("output/2021/speech.md")).unwrap();
    let server = project.serve();
    let client = server.client();
    let verdict = |bytes: &[u8]| {
        let res = client.post("/api/verify", "application/octet-stream", bytes);
        (
            res.status,
            serde_json::from_slice::<serde_json::Value>(&res.body).unwrap(),
        )
    };
    let (status, answer) = verdict(&print);
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["current"], json!(true), "{answer}");
    assert!(
        answer["text"].as_str().unwrap().contains("一致"),
        "{answer}"
    );
    assert!(
        !answer["text"]
            .as_str()
            .unwrap()
            .contains("speechgen-upload"),
        "the temporary folder is not shown: {answer}"
    );
    // A fact changed since: 已过期, naming it.
    project.edit_facts("reminder_talks: 68", "reminder_talks: 69");
    let (status, answer) = verdict(&print);
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["current"], json!(false), "{answer}");
    let text = answer["text"].as_str().unwrap();
    assert!(
        text.contains("已过期") && text.contains("reminder_talks"),
        "{text}"
    );
    // The print names the facts it came from: a path out of the project is not read.
    let crafted = String::from_utf8(print)
        .unwrap()
        .replace("from=facts/2021.yaml", "from=../../outside.yaml");
    let (status, answer) = verdict(crafted.as_bytes());
    assert_eq!(status, 422, "{answer}");
    assert!(
        answer["message"].as_str().unwrap().contains("不在本项目"),
        "{answer}"
    );
    // Not a print of ours at all.
    let (status, answer) = verdict(b"just some text");
    assert_eq!(status, 422, "{answer}");
}

/// The OFD, downloaded from the page and dropped back on it, is verified as one (named so in
/// the verdict, not as a Word file, which a zip was taken for).
#[test]
fn the_ofd_is_downloaded_and_a_dropped_ofd_is_verified() {
    let project = Project::sample();
    // The OFD is laid out as the PDF is: the real typesetter, not the fake PDF engine.
    let server = project.serve_with(|opts| {
        opts.renderers = std::sync::Arc::new(speechgen::format::Renderers::new(
            crate::harness::bundled_fonts(),
        ))
    });
    let client = server.client();
    let page = server.get("/").text();
    assert!(
        page.contains("href=\"/download/final.ofd\""),
        "offered on the page"
    );
    assert!(page.contains(".ofd"), "the verify picker takes .ofd");
    let ofd = server.get("/download/final.ofd");
    assert_eq!(ofd.status, 200, "{}", ofd.text());
    assert_eq!(
        ofd.header("content-disposition"),
        Some("attachment; filename=\"speech.ofd\"".to_owned())
    );
    assert_eq!(
        ofd.header("content-type").as_deref(),
        Some("application/ofd")
    );
    assert!(ofd.body.starts_with(b"PK"), "a zip package");
    let res = client.post("/api/verify", "application/octet-stream", &ofd.body);
    let answer: serde_json::Value = serde_json::from_slice(&res.body).unwrap();
    assert_eq!(res.status, 200, "{answer}");
    assert_eq!(answer["current"], json!(true), "{answer}");
    let text = answer["text"].as_str().unwrap();
    assert!(text.contains(".ofd") && !text.contains(".docx"), "{text}");
}

#[test]
fn a_word_copy_brought_back_shows_its_changes_and_is_written_with_a_click() {
    let project = crate::import::rendered_sample();
    crate::import::edit_docx(&project, "out/speech.docx", "edited.docx", |xml| {
        xml.replace("真正把党务干部培养成为", "着力把党务干部培养成为")
    });
    let server = project.serve();
    let client = server.client();
    // Nothing to write before an upload.
    assert_eq!(
        server.post_json("/api/import/apply", &json!({})).status,
        409
    );
    let edited = std::fs::read(project.path("edited.docx")).unwrap();
    let res = client.post("/api/import", "application/octet-stream", &edited);
    assert_eq!(res.status, 200, "{}", res.text());
    let answer: serde_json::Value = serde_json::from_slice(&res.body).unwrap();
    assert_eq!(answer["changed"], json!(true), "{answer}");
    assert_eq!(answer["can_apply"], json!(true), "{answer}");
    assert!(
        answer["text"].as_str().unwrap().contains("{+着力+}"),
        "the change shown: {answer}"
    );
    assert!(
        !project.path("templates/2021/speech.md.tera").exists(),
        "not yet written"
    );
    let res = server.post_json("/api/import/apply", &json!({}));
    assert_eq!(res.status, 200, "{}", res.text());
    assert!(
        project
            .read("templates/2021/speech.md.tera")
            .contains("着力把党务干部培养成为")
    );
    // Applied once.
    assert_eq!(
        server.post_json("/api/import/apply", &json!({})).status,
        409
    );
    // The speech shows the new wording.
    crate::harness::wait_for("the new wording", std::time::Duration::from_secs(5), || {
        server
            .get("/view")
            .text()
            .contains("着力把党务干部")
            .then_some(())
    });
}

#[test]
fn the_next_year_is_started_from_the_page_and_served_and_years_switch() {
    let project = Project::sample();
    let server = project.serve();
    let res = server.post_json("/api/next-year", &json!({ "year": 2021 }));
    assert_eq!(res.status, 200, "{}", res.text());
    let answer: serde_json::Value = serde_json::from_slice(&res.body).unwrap();
    assert_eq!(answer["year"], json!(2022));
    assert!(
        answer["message"]
            .as_str()
            .unwrap()
            .contains("已建立 2022 年"),
        "{answer}"
    );
    assert!(project.path("facts/2022.yaml").is_file());
    let page = server.get("/").text();
    assert!(page.contains("data-year=\"2022\""), "2022 served");
    assert!(
        page.contains("<option value=\"2021\">")
            && page.contains("<option value=\"2022\" selected>")
    );
    // Again: 2022 exists already, nothing is overwritten.
    let before = project.read("facts/2022.yaml");
    let res = server.post_json("/api/next-year", &json!({ "year": 2022 }));
    assert_eq!(res.status, 409, "{}", res.text());
    assert_eq!(project.read("facts/2022.yaml"), before);
    // A page still showing 2021 may not write into 2022.
    let res = server.post_json("/api/next-year", &json!({ "year": 2021 }));
    assert_eq!(res.status, 409);
    let res = server.post_json("/api/year", &json!({ "year": 2021 }));
    assert_eq!(res.status, 200, "{}", res.text());
    assert!(server.get("/").text().contains("data-year=\"2021\""));
    assert_eq!(
        server
            .post_json("/api/year", &json!({ "year": 1999 }))
            .status,
        404
    );
}
