//! `speechgen render` with several facts files: each file is all-or-nothing on its own, a failed
//! one writes nothing, the others are written, a summary lists both and the exit code is 1.

use std::path::Path;

use crate::harness::programs::program;
use crate::harness::{FACTS, Project, without_digest};

/// Every file under `dir`, relative to it, sorted (nothing when it does not exist).
fn files_under(dir: &Path) -> Vec<String> {
    fn walk(base: &Path, dir: &Path, out: &mut Vec<String>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(base, &p, out);
            } else {
                out.push(p.strip_prefix(base).unwrap().display().to_string());
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

/// Three copies of the sample's facts under `batch/`, named a, b and c (the output folders'
/// names), with `edit` applied to b.
fn three_facts(p: &Project, edit: impl Fn(&str) -> String) {
    let sample = p.read(FACTS);
    p.write("batch/a.yaml", &sample);
    p.write("batch/b.yaml", &edit(&sample));
    p.write("batch/c.yaml", &sample);
}

const ARGS: [&str; 8] = [
    "render",
    "batch/a.yaml",
    "batch/b.yaml",
    "batch/c.yaml",
    "--fonts",
    "bundled",
    "-o",
    "out",
];

fn expected_outputs(dirs: &[&str]) -> Vec<String> {
    let mut out: Vec<String> = dirs
        .iter()
        .flat_map(|d| ["docx", "html", "md", "pdf"].map(|ext| format!("{d}/speech.{ext}")))
        .collect();
    out.sort();
    out
}

#[test]
fn a_broken_facts_file_writes_nothing_and_the_others_are_written() {
    let p = Project::sample();
    three_facts(&p, |s| {
        s.replacen("reminder_talks: 68", "reminder_talks:", 1)
    });
    let run = p.run(ARGS);
    run.expect_code(1)
        .expect_stderr("batch/b.yaml：1 个错误")
        .expect_stderr("未写入任何文件")
        .expect_stderr("汇总：共 3 个事实文件，2 个已生成，1 个未生成")
        .expect_stderr("已生成：batch/a.yaml、batch/c.yaml")
        .expect_stderr("未生成（未写入任何文件）：batch/b.yaml");
    // a and c complete, b not even a folder, and no temporary file left anywhere.
    assert_eq!(files_under(&p.path("out")), expected_outputs(&["a", "c"]));
    assert!(!p.path("out/b").exists());
    // The good ones are the speech itself, whole.
    let md = p.read("out/a/speech.md");
    assert!(md.contains("\n# 市直工委"), "{md}");
    assert!(md.contains("\n## 四、"), "{md}");
    // The same speech but for the digest, which names the facts file it came from.
    assert_eq!(
        without_digest(&md),
        without_digest(&p.read("out/c/speech.md"))
    );
    assert!(p.read("out/a/speech.html").contains("</html>"));
}

#[test]
fn a_character_no_face_has_fails_its_file_before_any_format_is_made() {
    // The PDF's layout is checked with the facts (as `check` does), so b is refused whole at
    // its facts line; a and c are written.
    let p = Project::sample();
    three_facts(&p, |s| {
        s.replacen("lecture_hall: 党课大讲堂", "lecture_hall: 党课𠀀讲堂", 1)
    });
    let run = p.run(ARGS);
    run.expect_code(1)
        .expect_stderr("U+20000")
        .expect_stderr("batch/b.yaml:18:17")
        // The sample-data warning printed above is counted (issue 18 §7: the summary counts the
        // warnings it printed, a layout error included).
        .expect_stderr("batch/b.yaml：1 个错误，1 个警告；未写入任何文件")
        .expect_stderr("2 个已生成，1 个未生成");
    assert_eq!(files_under(&p.path("out")), expected_outputs(&["a", "c"]));
    assert!(!p.path("out/b").exists());
}

#[test]
fn all_good_files_are_written_with_a_summary_and_exit_0() {
    let p = Project::sample();
    three_facts(&p, str::to_owned);
    p.run(ARGS)
        .expect_code(0)
        .expect_stderr("汇总：共 3 个事实文件，3 个已生成，0 个未生成")
        .expect_stderr("已写入 out/b/speech.pdf");
    assert_eq!(
        files_under(&p.path("out")),
        expected_outputs(&["a", "b", "c"])
    );
    // Rendered on several threads, each file's PDF is the one a single render gives.
    p.run([
        "render",
        "batch/b.yaml",
        "--fonts",
        "bundled",
        "-o",
        "single",
    ])
    .expect_code(0);
    assert_eq!(
        std::fs::read(p.path("out/b/speech.pdf")).unwrap(),
        std::fs::read(p.path("single/speech.pdf")).unwrap()
    );
}

#[test]
fn no_progress_line_when_stderr_is_not_a_terminal() {
    let p = Project::sample();
    three_facts(&p, str::to_owned);
    let run = p.run(ARGS);
    run.expect_code(0);
    // indicatif draws with carriage returns and cursor escapes; piped, there are none.
    assert!(
        !run.stderr.contains('\r') && !run.stderr.contains("\u{1b}["),
        "{:?}",
        run.stderr
    );
    assert!(!run.stderr.contains("个事实文件已处理"), "{}", run.stderr);
}

#[test]
fn on_a_terminal_a_progress_line_counts_the_files_done() {
    // `script` (util-linux) runs the command on a pseudo-terminal and copies what it printed.
    let Some(script) = program("script") else {
        return;
    };
    let p = Project::sample();
    let sample = p.read(FACTS);
    let mut names = Vec::new();
    for n in 1..=6 {
        p.write(&format!("batch/f{n}.yaml"), &sample);
        names.push(format!("batch/f{n}.yaml"));
    }
    let command = format!(
        "{} render {} --fonts bundled --format md,pdf -o out",
        env!("CARGO_BIN_EXE_speechgen"),
        names.join(" ")
    );
    let out = std::process::Command::new(script)
        .args(["-q", "-e", "-c", &command, "/dev/null"])
        .current_dir(p.root())
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let terminal = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{terminal}");
    // The bar's line, drawn with a carriage return, and the summary after it is cleared.
    assert!(terminal.contains("/6 个事实文件已处理"), "{terminal:?}");
    assert!(terminal.contains('\r'), "{terminal:?}");
    assert!(
        terminal.contains("汇总：共 6 个事实文件，6 个已生成，0 个未生成"),
        "{terminal:?}"
    );
}

#[test]
fn a_file_refused_for_its_facts_prints_no_note_about_fonts() {
    // The faces are chosen while the facts are read; a speech that never reached its PDF says
    // nothing about them (this machine has no office fonts: a written PDF would carry a 提示).
    let p = Project::sample();
    p.edit_facts("reminder_talks: 68", "reminder_talks:");
    let run = p.run(["render", "--format", "md,pdf", "-o", "out"]);
    run.expect_code(1).expect_stderr("未写入任何文件");
    assert!(!run.stderr.contains("提示："), "{}", run.stderr);
    assert!(!run.stderr.contains("PDF 字体"), "{}", run.stderr);
    // Written, the same render names what stood in for the office faces.
    let good = Project::sample();
    let run = good.run(["render", "--format", "md,pdf", "-o", "out"]);
    run.expect_code(0).expect_stderr("PDF 字体");
}
