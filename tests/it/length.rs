//! The speech's length for the speaker: characters and speaking time after every render and in
//! the preview, a warning past `max_minutes`.

use crate::harness;

use crate::harness::Project;

#[test]
fn render_shows_the_length_and_warns_past_max_minutes() {
    let p = Project::sample();
    let run = p.run(["render", "--format", "md", "-o", "out"]);
    run.expect_code(0)
        .expect_stderr("facts/2021.yaml：全文 1976 字，按每分钟 220 字约需 8 分 59 秒");
    assert!(!run.stderr.contains("too-long"), "{}", run.stderr);

    // A slower speaker and a limit: the time follows the rate, and running past the limit is a
    // warning at the setting's line, the files still written.
    p.write(
        "templates/speech.yaml",
        &format!(
            "{}chars_per_minute: 200\nmax_minutes: 9\n",
            p.read("templates/speech.yaml")
        ),
    );
    let (line, column) = p.position("templates/speech.yaml", "max_minutes: 9");
    let run = p.run(["render", "--format", "md", "-o", "out2"]);
    run.expect_code(0)
        .expect_stderr("全文 1976 字，按每分钟 200 字约需 9 分 53 秒（限 9 分钟）")
        .expect_stderr("warning[too-long]: 讲话稿约需 9 分 53 秒（1976 字，每分钟 200 字），超过了 max_minutes 规定的 9 分钟")
        .expect_stderr(&format!("templates/speech.yaml:{line}:{}", column + 13))
        .expect_stderr("删减约 176 字");
    assert!(p.path("out2/speech.md").exists());

    // The preview shows the same, marked when over.
    let server = p.serve();
    let page = server.get("/").text();
    assert!(
        page.contains(
            "<p class=\"length over\">全文 1976 字，按每分钟 200 字约需 9 分 53 秒（限 9 分钟）</p>"
        ),
        "{page}"
    );
    assert!(
        page.contains("讲话稿约需 9 分 53 秒"),
        "the warning is in the panel"
    );
    server.shutdown();
}

/// The too-long warning stands at `max_minutes` as the settings were read, without reading
/// templates/speech.yaml a second time: the file is opened once.
#[cfg(target_os = "linux")]
#[test]
fn the_too_long_warning_is_placed_from_the_settings_as_read() {
    let p = Project::sample();
    let text = format!(
        "{}chars_per_minute: 200\nmax_minutes: 9\n",
        p.read("templates/speech.yaml")
    );
    p.write("templates/speech.yaml", &text);
    let (line, column) = p.position("templates/speech.yaml", "max_minutes: 9");
    let (render, opens) = p.opens_during(&["templates/speech.yaml"], || {
        let mut render = p.command(["render", "--format", "md", "-o", "out"]);
        render.timeout(std::time::Duration::from_secs(30));
        harness::Run::of(&mut render)
    });
    render
        .expect_code(0)
        .expect_stderr("warning[too-long]: 讲话稿约需 9 分 53 秒")
        .expect_stderr(&format!("templates/speech.yaml:{line}:{}", column + 13));
    assert_eq!(opens, [1], "templates/speech.yaml opened once");
}
