//! `speechgen serve` over real HTTP: a server on 127.0.0.1:0 over a temp project folder.

use std::time::Duration;

use speechgen::format::Renderers;

use crate::harness::{Project, change_one_count, figure_text, figures, pdf_tools, wait_for};

/// Generous: a render is milliseconds and the debounce 80 ms, but CI machines stall.
const UPDATE: Duration = Duration::from_secs(5);

#[test]
fn the_page_shows_the_draft_with_its_figures_and_panel() {
    let project = Project::sample();
    let server = project.serve();
    let res = server.get("/");
    assert_eq!(res.status, 200);
    assert_eq!(
        res.header("content-type").as_deref(),
        Some("text/html; charset=utf-8")
    );
    assert!(res.header("content-security-policy").is_some());
    let page = res.text();
    assert!(page.contains("草稿"), "the draft is marked");
    assert!(page.contains("<article class=\"speech\">"));
    assert!(
        page.contains("<span class=\"figure"),
        "figures are marked in the speech"
    );
    assert!(page.contains("href=\"/speech.pdf\""), "the PDF is linked");
    let figs = figures(&page);
    assert!(!figs.is_empty(), "the panel lists the figures");
    for f in &figs {
        if f.status == "ok" {
            assert_eq!(
                figure_text(&page, &f.id).as_deref(),
                Some(f.value.as_str()),
                "{f:?}"
            );
        }
        assert!(
            f.sources.iter().all(|s| s.contains(".yaml:")),
            "sources carry file:line: {f:?}"
        );
    }
    // The sample is a draft: at least one figure is unfilled, and shows as a marker.
    if let Some(unfilled) = figs.iter().find(|f| f.status == "unfilled") {
        let marker = figure_text(&page, &unfilled.id).unwrap();
        assert!(marker.contains("未填"), "{marker}");
        assert!(page.contains("figure unfilled"));
    }
    let js = server.get("/assets/preview.js");
    assert_eq!(js.status, 200);
    assert!(js.text().contains("/version?after="));
    assert_eq!(server.get("/assets/preview.css").status, 200);
    server.shutdown();
}

#[test]
fn a_changed_fact_appears_in_the_page() {
    let project = Project::sample();
    let server = project.serve();
    let page = server.get("/").text();
    let tag = server.get("/view").header("x-preview-tag").unwrap();
    let (id, changed, new) = change_one_count(&project, &page);
    project.save_facts(&changed);
    // The long-poll answers with the next version once it is rendered.
    let next = server.get(&format!("/version?after={tag}")).text();
    assert_ne!(next, tag);
    let page = wait_for("the new value", UPDATE, || {
        let page = server.get("/").text();
        (figure_text(&page, &id).as_deref() == Some(new.as_str())).then_some(page)
    });
    let fig = figures(&page).into_iter().find(|f| f.id == id).unwrap();
    assert_eq!(fig.value, new);
    // /view carries the same version as the page.
    let view = server.get("/view");
    assert_eq!(view.header("x-preview-tag").as_deref(), Some(next.as_str()));
    assert!(view.text().contains(&format!(">{new}</span>")));
}

#[test]
fn an_unchanged_save_publishes_no_new_version() {
    let project = Project::sample();
    let server = project.serve();
    let tag = server.get("/view").header("x-preview-tag").unwrap();
    project.save_facts(&project.read_facts());
    std::thread::sleep(Duration::from_millis(600));
    assert_eq!(server.get("/view").header("x-preview-tag"), Some(tag));
}

#[test]
fn a_broken_facts_file_is_shown_as_an_error_then_recovers() {
    let project = Project::sample();
    let server = project.serve();
    let good = project.read_facts();
    let name = project
        .facts()
        .file_name()
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    // A mapping value where none may be: malformed YAML in any schema, reported on its own line.
    let broken = format!("{good}broken: a: b\n");
    let broken_line = good.lines().count() + 1;
    project.save_facts(&broken);
    let page = wait_for("the error page", UPDATE, || {
        let page = server.get("/").text();
        page.contains("class=\"broken\"").then_some(page)
    });
    assert!(
        !page.contains("<article class=\"speech\">"),
        "no stale speech under the error"
    );
    assert!(
        page.contains(&format!("facts/{name}:")),
        "the file is named: {page}"
    );
    assert!(
        page.contains(&format!(
            "<span class=\"ln\">{broken_line} | </span>broken: a"
        )),
        "the offending line is shown with its number: {page}"
    );
    assert!(
        page.contains(&format!("facts/{name}:{broken_line}:")),
        "file:line: {page}"
    );
    assert_eq!(
        server.get("/speech.pdf").status,
        503,
        "no PDF of a broken draft"
    );

    project.save_facts(&good);
    wait_for_speech(&server, "the speech to come back");
}

#[test]
fn a_save_in_templates_re_renders_and_other_files_do_not_disturb() {
    let project = Project::sample();
    let server = project.serve();
    // Other years and editor leftovers beside the facts are not inputs.
    std::fs::write(project.root().join("facts/.2021.yaml.swp"), "x").unwrap();
    std::fs::write(project.root().join("facts/1999.yaml"), "year: [").unwrap();
    // Saving the figure declarations unchanged renders the same speech: still served.
    let figures_file = project.root().join("templates/figures.yaml");
    let text = std::fs::read_to_string(&figures_file).unwrap();
    std::fs::write(&figures_file, text).unwrap();
    std::thread::sleep(Duration::from_millis(400));
    let page = server.get("/").text();
    assert!(page.contains("<article class=\"speech\">"), "{page}");
}

#[test]
fn only_the_defined_routes_exist() {
    let project = Project::sample();
    // A file beside the project whose content must never be served.
    let secret = "SECRET-SHOULD-NOT-LEAK";
    std::fs::write(project.root().join("Cargo.toml"), secret).unwrap();
    let server = project.serve();
    let facts_text = project.read_facts();
    let facts_name = project
        .facts()
        .file_name()
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    for path in [
        "/../Cargo.toml".to_string(),
        "/%2e%2e/Cargo.toml".to_string(),
        "/%2e%2e%2fCargo.toml".to_string(),
        "/..%2fCargo.toml".to_string(),
        "/assets/../Cargo.toml".to_string(),
        "/assets/..%2f..%2fCargo.toml".to_string(),
        format!("/facts/{facts_name}"),
        "//etc/passwd".to_string(),
        "/etc/passwd".to_string(),
        "/assets/".to_string(),
        "/assets/preview.js/../../Cargo.toml".to_string(),
        "/output/".to_string(),
        "/speech.html".to_string(),
        "/%00".to_string(),
    ] {
        let res = server.raw(
            format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                .as_bytes(),
        );
        if let Some(res) = res {
            assert!(
                res.status == 404 || res.status == 400,
                "{path}: {}",
                res.status
            );
            let body = res.text();
            assert!(!body.contains(secret), "{path} leaked a file");
            assert!(!body.contains("root:"), "{path} leaked /etc/passwd");
            assert!(
                !body.contains(facts_text.lines().nth(1).unwrap_or("year:")),
                "{path} leaked the facts"
            );
        }
    }
    // A POST without the secret in its header changes nothing (403); with it, a POST to a
    // route that takes none is refused as a method the route does not have.
    let post = server
        .raw(
            b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
        )
        .unwrap();
    assert_eq!(post.status, 403);
    assert_eq!(server.post_json("/", &serde_json::json!({})).status, 405);
    // A page on another site, re-pointed at 127.0.0.1 by its DNS, may not read the draft.
    let rebound = server
        .raw(b"GET / HTTP/1.1\r\nHost: evil.example:4000\r\nConnection: close\r\n\r\n")
        .unwrap();
    assert_eq!(rebound.status, 403);
    assert_eq!(server.get("/").status, 200);
}

#[test]
fn malformed_and_oversized_requests_are_refused_and_the_server_keeps_serving() {
    let project = Project::sample();
    let server = project.serve();
    let huge_header = format!(
        "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: {}\r\n\r\n",
        "a".repeat(64 * 1024)
    );
    let huge_path = format!(
        "GET /{} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
        "a".repeat(64 * 1024)
    );
    let many_headers = format!(
        "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n{}\r\n",
        "X-A: b\r\n".repeat(200)
    );
    let body = format!(
        "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1000000\r\n\r\n{}",
        "x".repeat(1000)
    );
    let chunked = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n".to_string();
    let cases: [(&str, String); 6] = [
        ("huge header", huge_header),
        ("huge path", huge_path),
        ("many headers", many_headers),
        ("body", body),
        ("chunked body", chunked),
        (
            "garbage",
            "\x16\x03\x01\x02\x00 not http at all\r\n\r\n".to_string(),
        ),
    ];
    for (what, req) in cases {
        // Either an error status or a closed connection; never a page.
        let res = server.raw(req.as_bytes());
        println!("{what}: {:?}", res.as_ref().map(|r| r.status));
        if let Some(res) = res {
            assert!((400..500).contains(&res.status), "{what}: {}", res.status);
        }
        assert_eq!(server.get("/").status, 200, "still serving after {what}");
    }
}

#[test]
fn the_draft_is_offered_as_a_word_document() {
    let project = Project::sample();
    let server = project.serve();
    assert!(
        String::from_utf8_lossy(&server.get("/").body).contains("href=\"/speech.docx\""),
        "the page links the .docx"
    );
    let res = server.get("/speech.docx");
    assert_eq!(res.status, 200);
    assert_eq!(
        res.header("content-type").as_deref(),
        Some("application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    );
    assert_eq!(
        res.header("content-disposition").as_deref(),
        Some("attachment; filename=\"speech-draft.docx\"")
    );
    assert!(res.body.starts_with(b"PK"), "a zip package");
    // The draft's .docx is the draft: its header says 草稿 (the part is stored deflated, so look
    // for the header part's name in the package's directory instead of its text).
    assert!(
        res.body
            .windows(b"word/header".len())
            .any(|w| w == b"word/header"),
        "a draft .docx has a header part"
    );
    // It names the inputs it was made from, as a rendered .docx does (`speechgen verify`).
    let digest = speechgen::digest::Digest::find_in(&res.body).expect("the .docx's digest");
    assert_eq!(digest.facts_path(), Some("facts/2021.yaml"));
    // A broken facts file: no download, a message instead.
    project.edit_facts("year: 2021", "year: [");
    wait_for("the broken draft", UPDATE, || {
        (server.get("/speech.docx").status == 503).then_some(())
    });
}

#[test]
fn the_pdf_is_served_and_rendered_once_per_version() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    let project = Project::sample();
    let renders = Arc::new(AtomicUsize::new(0));
    let counter = renders.clone();
    let pdf = Renderers::with_pdf_engine(move |doc| {
        counter.fetch_add(1, Ordering::SeqCst);
        assert!(doc.draft, "the preview lays out the draft");
        // Slow enough that the concurrent requests below overlap.
        std::thread::sleep(Duration::from_millis(300));
        Ok(b"%PDF-1.7 fake".to_vec())
    });
    let server = project.serve_with(|opts| opts.renderers = std::sync::Arc::new(pdf));
    let client = server.client();
    let answers: Vec<_> = (0..4)
        .map(|_| {
            let client = client.clone();
            std::thread::spawn(move || client.get("/speech.pdf"))
        })
        .collect::<Vec<_>>()
        .into_iter()
        .map(|t| t.join().unwrap())
        .collect();
    for res in &answers {
        assert_eq!(res.status, 200);
        assert_eq!(
            res.header("content-type").as_deref(),
            Some("application/pdf")
        );
        assert!(res.body.starts_with(b"%PDF"));
    }
    assert_eq!(
        renders.load(Ordering::SeqCst),
        1,
        "concurrent requests share one render"
    );
    client.get("/speech.pdf");
    assert_eq!(renders.load(Ordering::SeqCst), 1, "cached for the version");

    let page = client.get("/").text();
    let (_, changed, _) = change_one_count(&project, &page);
    let tag = client.get("/view").header("x-preview-tag").unwrap();
    project.save_facts(&changed);
    client.get(&format!("/version?after={tag}"));
    assert!(client.get("/speech.pdf").body.starts_with(b"%PDF"));
    assert_eq!(
        renders.load(Ordering::SeqCst),
        2,
        "a new version, a new PDF"
    );
}

#[test]
fn a_failing_pdf_renderer_does_not_stop_the_server() {
    let project = Project::sample();
    let pdf = Renderers::with_pdf_engine(|_| panic!("layout bug"));
    let server = project.serve_with(|opts| opts.renderers = std::sync::Arc::new(pdf));
    assert_eq!(server.get("/speech.pdf").status, 500);
    assert_eq!(server.get("/").status, 200);
    // The thread that makes the downloads survived the panic.
    assert_eq!(server.get("/speech.docx").status, 200);
}

/// The threads of this test process (the server runs in it).
fn threads() -> usize {
    std::fs::read_dir("/proc/self/task").map_or(0, |d| d.count())
}

#[test]
fn clients_waiting_for_a_pdf_hold_no_thread_each() {
    use std::sync::{Arc, Mutex};

    if !std::path::Path::new("/proc/self/task").exists() {
        return; // Linux only: the count of threads is read from /proc.
    }
    let project = Project::sample();
    let made_on = Arc::new(Mutex::new(Vec::new()));
    let record = made_on.clone();
    let pdf = Renderers::with_pdf_engine(move |_| {
        let name = std::thread::current().name().map(str::to_owned);
        record.lock().unwrap().push(name);
        // Long enough for every client below to be waiting while it runs.
        std::thread::sleep(Duration::from_millis(1500));
        Ok(b"%PDF-1.7 fake".to_vec())
    });
    let server = project.serve_with(|opts| opts.renderers = Arc::new(pdf));
    let client = server.client();
    assert_eq!(client.get("/").status, 200);
    let before = threads();
    let clients: Vec<_> = (0..32)
        .map(|_| {
            let client = client.clone();
            std::thread::spawn(move || client.get("/speech.pdf").status)
        })
        .collect();
    // While the one render runs, 32 clients wait: with a blocking thread per request the
    // server would hold 32 more threads; it holds none more than its own. The count is the
    // whole test process's, where other tests start servers and renders of their own at the
    // same time (53 against a slack of 4 was seen once on a loaded machine): a slack of 16
    // still fails a server that holds a thread per waiting client (32 more).
    std::thread::sleep(Duration::from_millis(900));
    let during = threads();
    for c in clients {
        assert_eq!(c.join().unwrap(), 200);
    }
    assert!(
        during <= before + 32 + 16,
        "threads: {before} before, {during} with 32 clients waiting"
    );
    assert_eq!(
        *made_on.lock().unwrap(),
        [Some("speechgen-downloads".to_owned())],
        "one render, on the downloads thread"
    );
}

#[test]
fn a_port_in_use_is_reported_in_plain_words() {
    let project = Project::sample();
    let first = project.serve();
    let err = project
        .try_serve_with(|opts| opts.port = first.addr.port())
        .err()
        .expect("the port is taken");
    assert!(err.to_string().contains("已被占用"), "{err}");
}

#[test]
fn shutdown_ends_open_long_polls_promptly() {
    let project = Project::sample();
    let server = project.serve();
    let client = server.client();
    let tag = client.get("/view").header("x-preview-tag").unwrap();
    let poll = std::thread::spawn(move || {
        client.raw(
            format!(
                "GET /version?after={tag} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
            )
            .as_bytes(),
        )
    });
    std::thread::sleep(Duration::from_millis(200));
    let start = std::time::Instant::now();
    server.shutdown();
    assert!(
        start.elapsed() < Duration::from_secs(3),
        "shutdown took {:?}",
        start.elapsed()
    );
    let _ = poll.join();
}

#[test]
fn listens_on_ipv6_loopback_when_asked() {
    if std::net::TcpListener::bind("[::1]:0").is_err() {
        eprintln!("SKIPPED: this machine has no IPv6 loopback");
        return;
    }
    let project = Project::sample();
    let server = project.serve_with(|opts| {
        opts.host = speechgen::serve::parse_host("::1").unwrap();
    });
    assert!(
        server.url().starts_with("http://[::1]:"),
        "{}",
        server.url()
    );
    assert_eq!(server.get("/").status, 200);
}

#[test]
fn head_requests_get_headers_only() {
    let project = Project::sample();
    let server = project.serve();
    let res = server
        .raw(b"HEAD / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        .unwrap();
    assert_eq!(res.status, 200);
    assert!(res.body.is_empty());
}

#[test]
fn a_missing_facts_file_is_an_error_in_the_page_until_it_is_created() {
    let project = Project::sample();
    let good = project.read_facts();
    std::fs::remove_file(project.facts()).unwrap();
    let server = project.serve();
    let page = server.get("/").text();
    assert!(page.contains("class=\"broken\""), "{page}");
    project.save_facts(&good);
    wait_for_speech(&server, "the speech");
}

#[test]
fn serving_writes_nothing_into_the_project() {
    fn listing(dir: &std::path::Path) -> Vec<(std::path::PathBuf, u64)> {
        let mut out = Vec::new();
        for e in std::fs::read_dir(dir).unwrap() {
            let e = e.unwrap();
            if e.file_type().unwrap().is_dir() {
                out.extend(listing(&e.path()));
            } else {
                out.push((e.path(), e.metadata().unwrap().len()));
            }
        }
        out.sort();
        out
    }
    let project = Project::sample();
    let before = listing(project.root());
    let server = project.serve();
    let page = server.get("/").text();
    let tag = server.get("/view").header("x-preview-tag").unwrap();
    let original = project.read_facts();
    let (_, changed, _) = change_one_count(&project, &page);
    project.save_facts(&changed);
    server.get(&format!("/version?after={tag}"));
    assert_eq!(server.get("/speech.pdf").status, 200);
    project.save_facts(&original);
    std::thread::sleep(Duration::from_millis(300));
    server.shutdown();
    assert_eq!(
        listing(project.root()),
        before,
        "no output/, no temp files left behind"
    );
}

#[test]
fn the_serve_command_serves_the_draft_and_its_pdf_and_stops_on_ctrl_c() {
    let project = Project::sample();
    let server = project.serve_command(["--fonts", "bundled"]);
    assert!(
        server.url().starts_with("http://127.0.0.1:"),
        "{}",
        server.url()
    );
    let page = server.page();
    assert!(page.contains("<article class=\"speech\">"), "{page}");
    assert!(page.contains("草稿"), "the draft is marked");
    // The real layout, not a stand-in: a PDF with the draft mark on its pages.
    let pdf = server.get("/speech.pdf");
    assert_eq!(pdf.status, 200);
    assert!(pdf.body.starts_with(b"%PDF-"));
    // It carries the digest of its inputs like a rendered PDF: on its last page and in its
    // metadata, so a preview saved from the browser can be verified.
    let digest = speechgen::digest::Digest::find_in(&pdf.body).expect("the preview PDF's digest");
    assert_eq!(digest.facts_path(), Some("facts/2021.yaml"));
    if pdf_tools::have(&["pdftotext"]) {
        let text = pdf_tools::pdftotext(&pdf.body);
        assert!(text.contains("草稿"));
        assert!(text.contains(&format!("摘要 {}", digest.short())), "{text}");
    }
    let url = server.url();
    let run = server.interrupt();
    run.expect_code(0)
        .expect_stderr(&format!("讲话稿工作台：{url}"))
        .expect_stderr("停止：按 Ctrl+C");
    assert!(
        !project.path("output").exists(),
        "serve writes nothing into the project"
    );
    std::fs::write(project.path("preview.pdf"), &pdf.body).unwrap();
    project
        .run(["verify", "preview.pdf"])
        .expect_code(0)
        .expect_stdout("与当前输入一致");
}

/// Waits until the page shows the speech again (not an error view).
fn wait_for_speech(server: &crate::harness::Served, what: &str) {
    wait_for(what, UPDATE, || {
        server
            .get("/")
            .text()
            .contains("<article class=\"speech\">")
            .then_some(())
    });
}

#[test]
fn requests_whose_host_is_missing_doubled_or_contradicted_are_refused() {
    let project = Project::sample();
    let server = project.serve_command(["--fonts", "bundled"]);
    let here = format!("127.0.0.1:{}", server.addr.port());
    let refused = [
        (
            "two Host headers, ours first",
            format!(
                "GET / HTTP/1.1\r\nHost: {here}\r\nHost: evil.example\r\nConnection: close\r\n\r\n"
            ),
        ),
        (
            "two Host headers, ours last",
            format!(
                "GET / HTTP/1.1\r\nHost: evil.example\r\nHost: {here}\r\nConnection: close\r\n\r\n"
            ),
        ),
        (
            "the same Host twice",
            format!("GET / HTTP/1.1\r\nHost: {here}\r\nHost: {here}\r\nConnection: close\r\n\r\n"),
        ),
        (
            "an absolute target naming another host",
            format!(
                "GET http://evil.example/ HTTP/1.1\r\nHost: {here}\r\nConnection: close\r\n\r\n"
            ),
        ),
        (
            "an absolute target naming another host, HTTP/1.0",
            format!("GET http://evil.example/view HTTP/1.0\r\nHost: {here}\r\n\r\n"),
        ),
        (
            "an absolute target with another host behind user info",
            format!(
                "GET http://{here}@evil.example/ HTTP/1.1\r\nHost: {here}\r\nConnection: close\r\n\r\n"
            ),
        ),
        (
            "HTTP/1.0 without Host",
            "GET / HTTP/1.0\r\n\r\n".to_string(),
        ),
        (
            "HTTP/1.1 without Host",
            "GET / HTTP/1.1\r\nConnection: close\r\n\r\n".to_string(),
        ),
    ];
    for (what, request) in refused {
        let res = server
            .raw(request.as_bytes())
            .unwrap_or_else(|| panic!("{what}: closed without an answer"));
        assert_eq!(res.status, 400, "{what}:\n{}", res.head);
        assert!(!res.text().contains("<article"), "{what}: no draft");
    }
    // What browsers and curl send is still answered, and the loopback-only rule still holds.
    let answered = [
        (
            "HTTP/1.0 with Host",
            format!("GET / HTTP/1.0\r\nHost: {here}\r\n\r\n"),
            200,
        ),
        (
            "an absolute target naming this host",
            format!("GET http://{here}/ HTTP/1.1\r\nHost: {here}\r\nConnection: close\r\n\r\n"),
            200,
        ),
        (
            "a single Host of another name",
            "GET / HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n".to_string(),
            403,
        ),
    ];
    for (what, request, status) in answered {
        let res = server
            .raw(request.as_bytes())
            .unwrap_or_else(|| panic!("{what}: closed without an answer"));
        assert_eq!(res.status, status, "{what}:\n{}", res.head);
    }
    assert_eq!(server.get("/").status, 200);
}

#[test]
fn slow_headers_do_not_delay_a_new_request() {
    use std::io::{Read, Write};
    use std::net::TcpStream;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::time::Instant;

    /// More than the server keeps open at once.
    const SLOW: usize = 300;
    let project = Project::sample();
    let server = project.serve_command(["--fonts", "bundled"]);
    let addr = server.addr;
    let client = server.client();
    let connect = || {
        let s = TcpStream::connect_timeout(&addr, Duration::from_secs(5)).unwrap();
        s.set_write_timeout(Some(Duration::from_secs(1))).unwrap();
        s
    };
    // An open page's long-poll: a request under way, which must outlive the slow clients.
    let tag = client.get("/view").header("x-preview-tag").unwrap();
    let mut poll = connect();
    poll.write_all(&client.with_cookie(
        format!("GET /version?after={tag} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").as_bytes(),
    ))
    .unwrap();
    std::thread::sleep(Duration::from_millis(200));
    // Slowloris: each sends the start of a request, then a header line now and then, never the end.
    let mut slow: Vec<TcpStream> = (0..SLOW)
        .map(|_| {
            let mut s = connect();
            let _ = s.write_all(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n");
            s
        })
        .collect();
    let done = Arc::new(AtomicBool::new(false));
    let trickle = {
        let done = done.clone();
        std::thread::spawn(move || {
            // At most 15 s, well past the time the slow clients would have held the server.
            for _ in 0..60 {
                if done.load(Ordering::Relaxed) {
                    break;
                }
                for s in &mut slow {
                    let _ = s.write_all(b"X-Slow: 1\r\n");
                }
                std::thread::sleep(Duration::from_millis(250));
            }
        })
    };
    // Time for the server to take them all in.
    std::thread::sleep(Duration::from_millis(500));
    let start = Instant::now();
    let res = client.raw(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    let waited = start.elapsed();
    println!("a new request with {SLOW} slow connections open was answered in {waited:?}");
    // The long-poll is still waiting (a read times out), not closed (a read of 0 bytes).
    poll.set_read_timeout(Some(Duration::from_millis(100)))
        .unwrap();
    let still_open = matches!(poll.read(&mut [0u8; 64]), Err(e) if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut));
    done.store(true, Ordering::Relaxed);
    trickle.join().unwrap();
    let res = res.expect("the new request is answered");
    assert_eq!(res.status, 200);
    assert!(
        waited < Duration::from_secs(1),
        "a new request waited {waited:?} behind {SLOW} slow clients"
    );
    assert!(still_open, "the open page's long-poll was dropped");
}
