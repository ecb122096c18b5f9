//! What every command shares, through the binary: one exit code for one kind of failure, the
//! speech's own settings (`templates/speech.yaml`) reaching its files, and outputs that never
//! overwrite each other.

use crate::harness;

use crate::harness::Project;

const SETTINGS: &str = "templates/speech.yaml";

/// A file that cannot be read. A directory in its place: tests may run as root, and `chmod 000`
/// does not stop root.
fn make_unreadable(p: &Project, rel: &str) {
    let path = p.path(rel);
    std::fs::remove_file(&path).unwrap();
    std::fs::create_dir(&path).unwrap();
}

/// Every command that reads the inputs, as a user would type it.
const COMMANDS: [&[&str]; 5] = [
    &["check"],
    &["figures"],
    &["render", "-o", "out"],
    &["diff", "2021", "2021"],
    &["next-year"],
];

#[test]
fn an_unreadable_input_exits_2_in_every_command() {
    // Before, `diff` and `next-year` said exit 1 (the speech has errors) for an unreadable
    // figures.yaml, while check, figures and render said 2.
    for input in [
        "templates/figures.yaml",
        "templates/speech.md.tera",
        SETTINGS,
    ] {
        let p = Project::sample();
        make_unreadable(&p, input);
        let name = input.rsplit('/').next().unwrap();
        for args in COMMANDS {
            let run = p.run(args);
            assert_eq!(
                run.code, 2,
                "{input} unreadable, {args:?}\n--- stderr\n{}",
                run.stderr
            );
            assert!(
                run.stderr.contains("无法读取") && run.stderr.contains(name),
                "{input} unreadable, {args:?}: the message names the file\n{}",
                run.stderr
            );
            assert!(
                run.stderr.contains("这是一个文件夹，不是文件"),
                "the system's reason explained in Chinese first\n{}",
                run.stderr
            );
        }
        assert!(!p.path("out").exists(), "render wrote nothing");
        assert!(
            !p.path("facts/2022.yaml").exists(),
            "next-year wrote nothing"
        );
    }
}

#[test]
fn check_goes_on_past_a_facts_file_it_cannot_read_as_render_does() {
    let p = Project::sample();
    let sample = std::fs::read_to_string(p.path("facts/2021.yaml")).unwrap();
    std::fs::create_dir_all(p.path("batch/a.yaml")).unwrap();
    std::fs::write(p.path("batch/b.yaml"), &sample).unwrap();
    let run = p.run(["check", "batch/a.yaml", "batch/b.yaml"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    // b was checked all the same, and the unreadable a is the command's error.
    assert!(run.stderr.contains("batch/b.yaml：通过"), "{}", run.stderr);
    assert!(run.stderr.contains("a.yaml"), "{}", run.stderr);
    assert!(
        run.stderr.contains("这是一个文件夹，不是文件"),
        "{}",
        run.stderr
    );
}

/// The Info dictionary's entry `key` of a PDF, decoded.
fn info(pdf: &[u8], key: &[u8]) -> Option<String> {
    let doc = lopdf::Document::load_mem(pdf).expect("a PDF lopdf reads");
    let info = doc.trailer.get(b"Info").expect("an Info dictionary");
    let info = doc
        .dereference(info)
        .expect("Info resolves")
        .1
        .as_dict()
        .expect("Info is a dictionary");
    info.get(key)
        .ok()
        .map(|v| lopdf::decode_text_string(v).expect("a text string"))
}

#[test]
fn author_and_title_in_speech_yaml_reach_the_pdf_metadata() {
    let p = Project::sample();
    p.write(
        SETTINGS,
        "title: 某某单位年度工作讲话\nauthor: 某某单位办公室\n",
    );
    p.run(["render", "--fonts", "bundled", "-o", "out"])
        .expect_code(0);
    let pdf = std::fs::read(p.path("out/speech.pdf")).unwrap();
    assert_eq!(info(&pdf, b"Author").as_deref(), Some("某某单位办公室"));
    assert_eq!(
        info(&pdf, b"Title").as_deref(),
        Some("某某单位年度工作讲话")
    );
    if harness::pdf_tools::have(&["pdfinfo"]) {
        let shown = harness::pdf_tools::pdfinfo(&pdf);
        assert!(shown.contains("某某单位办公室"), "{shown}");
    }
    // The HTML page is named as the settings name the speech; the printed heading stays.
    let html = p.read("out/speech.html");
    assert!(
        html.contains("<title>某某单位年度工作讲话</title>"),
        "{html}"
    );
    assert!(html.contains("市直工委在全市机关党建工作推进会上的发言</h1>"));
}

#[test]
fn without_speech_yaml_the_pdf_has_no_author_and_the_template_title() {
    let p = Project::sample();
    std::fs::remove_file(p.path(SETTINGS)).unwrap();
    p.run(["render", "--fonts", "bundled", "-o", "out"])
        .expect_code(0);
    let pdf = std::fs::read(p.path("out/speech.pdf")).unwrap();
    assert_eq!(info(&pdf, b"Author"), None, "nothing office-specific");
    assert_eq!(
        info(&pdf, b"Title").as_deref(),
        Some("市直工委在全市机关党建工作推进会上的发言"),
        "the template's heading"
    );
    p.run(["check"]).expect_code(0);
}

#[test]
fn the_sample_names_its_office_in_speech_yaml_not_in_the_program() {
    let p = Project::sample();
    p.run([
        "render", "--format", "pdf", "--fonts", "bundled", "-o", "out",
    ])
    .expect_code(0);
    let pdf = std::fs::read(p.path("out/speech.pdf")).unwrap();
    assert_eq!(info(&pdf, b"Author").as_deref(), Some("市直机关工委"));
    let help = p.run(["--help"]);
    assert!(
        !help.stdout.contains("市直") && !help.stdout.contains("工委"),
        "{}",
        help.stdout
    );
}

#[test]
fn a_wrong_setting_is_reported_at_its_line() {
    let p = Project::sample();
    p.write(
        SETTINGS,
        "title: 某某发言\nauthr: 某某单位\nchars_per_minute: 很快\n",
    );
    let run = p.run(["check", "--message-format", "short"]);
    run.expect_code(1)
        .expect_problem(SETTINGS, (2, 1), "unknown-key", "未知的设置“authr”")
        .expect_problem(SETTINGS, (3, 19), "wrong-type", "chars_per_minute");
    assert!(
        run.stderr.contains("是不是想写“author”"),
        "did you mean\n{}",
        run.stderr
    );
    // render refuses what check refuses, and writes nothing.
    p.run(["render", "-o", "out"]).expect_code(1);
    assert!(!p.path("out").exists());
    // The human format shows the line itself.
    let human = p.run(["check"]);
    assert!(human.stderr.contains("authr: 某某单位"), "{}", human.stderr);
}

#[test]
fn two_facts_files_sharing_an_output_folder_are_refused() {
    let p = Project::sample();
    p.write("other/2021.yaml", &p.read("facts/2021.yaml"));
    for args in [
        &["render", "facts/2021.yaml", "other/2021.yaml", "-o", "out"][..],
        &["render", "facts/2021.yaml", "other/2021.yaml"][..],
        &["render", "2021", "facts/2021.yaml", "-o", "out"][..],
    ] {
        let run = p.run(args);
        run.expect_code(2);
        assert!(
            run.stderr.contains("会写入同一个文件夹"),
            "{args:?}\n{}",
            run.stderr
        );
        let (first, second) = (args[1], args[2]);
        let names = |arg: &str| {
            // A year is shown as the file it names.
            let shown = if arg == "2021" {
                "facts/2021.yaml"
            } else {
                arg
            };
            run.stderr.contains(shown)
        };
        assert!(names(first) && names(second), "names both\n{}", run.stderr);
    }
    assert!(!p.path("out").exists(), "nothing written");
    assert!(!p.path("output").exists(), "nothing written");
}

#[test]
fn figures_and_diff_show_an_unfilled_value_the_same_way() {
    let p = Project::sample();
    let facts_2022 = p
        .read("facts/2021.yaml")
        .replace("year: 2021", "year: 2022")
        .replace("    2021: 342\n", "    2021: 342\n    2022: 360\n")
        .replace("branches_qualified: 1380", "branches_qualified:");
    p.write("facts/2022.yaml", &facts_2022);
    let figures = p.run(["figures", "2022"]);
    figures.expect_code(1);
    // The listing is the verification sheet's text form.
    assert!(
        figures
            .stdout
            .contains("达标党支部  [branches_qualified]\n     印出：【未填】"),
        "{}",
        figures.stdout
    );
    assert!(
        figures.stderr.contains("未填或有误 2 个"),
        "{}",
        figures.stderr
    );
    let diff = p.run(["diff", "2021", "2022"]);
    diff.expect_code(0);
    assert!(
        diff.stdout
            .contains("branches_qualified  达标党支部：1380个 → 【未填】"),
        "{}",
        diff.stdout
    );
}

/// The body of `GET path` from a preview server, once it answers 200.
fn get(server: &speechgen::serve::Server, path: &str) -> (u16, Vec<u8>) {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(server.addr).unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: {}={}\r\nConnection: close\r\n\r\n",
        speechgen::serve::cookie_name(server.addr.port()),
        server.secret()
    )
    .unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    let end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a head");
    let head = String::from_utf8_lossy(&raw[..end]).into_owned();
    let status = head[9..12].parse().unwrap();
    // Bodies here are sent whole (Content-Length), never chunked.
    assert!(!head.to_ascii_lowercase().contains("chunked"), "{head}");
    (status, raw[end + 4..].to_vec())
}

fn preview(p: &Project) -> speechgen::serve::Server {
    let renderers = speechgen::format::Renderers::new(harness::bundled_fonts());
    let mut options =
        speechgen::serve::ServeOptions::new(p.root(), p.path("facts/2021.yaml"), renderers);
    options.port = 0;
    speechgen::serve::start(options).expect("the preview starts")
}

#[test]
fn the_preview_pdf_carries_the_author_and_follows_speech_yaml() {
    let p = Project::sample();
    p.write(SETTINGS, "author: 某某单位办公室\n");
    let server = preview(&p);
    let (status, pdf) = get(&server, "/speech.pdf");
    assert_eq!(status, 200);
    assert_eq!(info(&pdf, b"Author").as_deref(), Some("某某单位办公室"));

    // A wrong key saved in speech.yaml shows in the page at its line; mended, the speech is back.
    p.write(SETTINGS, "author: 某某单位办公室\nauthr: 某某\n");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    let page = loop {
        let page = String::from_utf8(get(&server, "/view").1).unwrap();
        if page.contains("authr") || std::time::Instant::now() > deadline {
            break page;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    assert!(
        page.contains("未知的设置“authr”") && page.contains("speech.yaml:2:1"),
        "{page}"
    );
    p.write(SETTINGS, "author: 另一个单位\n");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    let pdf = loop {
        let (status, pdf) = get(&server, "/speech.pdf");
        if status == 200 || std::time::Instant::now() > deadline {
            break pdf;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    assert_eq!(info(&pdf, b"Author").as_deref(), Some("另一个单位"));
    server.shutdown();
}
