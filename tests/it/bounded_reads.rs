//! Every read bounded, nothing hangs, `-o` writes files only (issue 18, §3). A named pipe
//! nobody writes to, a device that never ends (/dev/zero), a folder: given as an input to any
//! command, each is refused at once (exit 2, a message naming the file); given to `-o`, none is
//! replaced. Each run has a timeout, so that a hang fails the test instead of blocking it.

#![cfg(unix)]

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::harness::{Project, Run};

/// Makes a named pipe at `path` (nothing ever writes to it).
fn mkfifo(path: &Path) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let made = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .unwrap();
    assert!(made.success(), "mkfifo {}", path.display());
}

/// `speechgen ARGS` in the project, killed after 20 s (a hang then exits -1, not 2); with the
/// time it took.
fn run_bounded(p: &Project, args: &[&str]) -> (Run, Duration) {
    let mut cmd = p.command(args);
    cmd.timeout(Duration::from_secs(20));
    let start = Instant::now();
    let run = Run::of(&mut cmd);
    (run, start.elapsed())
}

/// Refused with exit 2 at once, the message naming `file` and saying what it is. "At once" is
/// under a second for the refusal itself; the bound is looser for a busy test machine, and a
/// hang meets the 20 s timeout either way.
fn expect_refused(p: &Project, args: &[&str], file: &str, what: &str) {
    let (run, took) = run_bounded(p, args);
    run.expect_code(2)
        .expect_stderr(file)
        .expect_stderr(what)
        .expect_stderr("不是普通文件");
    assert!(took < Duration::from_secs(3), "{args:?} took {took:?}");
}

#[test]
fn a_named_pipe_as_any_input_is_refused_at_once() {
    let p = Project::sample();
    p.run(["render", "--format", "md", "-o", "out"])
        .expect_code(0);
    for name in ["f.yaml", "f.pdf", "f.md", "f.txt", "f.docx"] {
        mkfifo(&p.path(name));
    }
    let pipe = "命名管道";
    expect_refused(&p, &["check", "f.yaml"], "f.yaml", pipe);
    expect_refused(&p, &["render", "f.yaml"], "f.yaml", pipe);
    expect_refused(&p, &["figures", "f.yaml"], "f.yaml", pipe);
    expect_refused(&p, &["verify", "f.pdf"], "f.pdf", pipe);
    for file in ["f.md", "f.txt", "f.docx"] {
        expect_refused(&p, &["import", file, "--year", "2021"], file, pipe);
    }
    expect_refused(&p, &["import", "f.md", "--new", "new"], "f.md", pipe);
    assert!(!p.path("new").exists());
    // The project's own inputs, read by every command through the same reader.
    for rel in ["templates/speech.md.tera", "templates/figures.yaml"] {
        let bytes = std::fs::read(p.path(rel)).unwrap();
        std::fs::remove_file(p.path(rel)).unwrap();
        mkfifo(&p.path(rel));
        expect_refused(&p, &["check"], rel, pipe);
        std::fs::remove_file(p.path(rel)).unwrap();
        std::fs::write(p.path(rel), bytes).unwrap();
    }
}

#[test]
fn a_device_that_never_ends_is_refused_before_it_is_read() {
    let p = Project::sample();
    expect_refused(&p, &["verify", "/dev/zero"], "/dev/zero", "设备");
    expect_refused(&p, &["check", "/dev/zero"], "/dev/zero", "设备");
    // A link is followed to what it names (only read here: no device is ever written).
    std::os::unix::fs::symlink("/dev/zero", p.path("zero.md")).unwrap();
    expect_refused(
        &p,
        &["import", "zero.md", "--year", "2021"],
        "zero.md",
        "设备",
    );
}

#[test]
fn a_folder_or_a_large_file_to_import_is_refused() {
    let p = Project::sample();
    std::fs::create_dir(p.path("folder.md")).unwrap();
    let (run, _) = run_bounded(&p, &["import", "folder.md", "--year", "2021"]);
    run.expect_code(2)
        .expect_stderr("folder.md")
        .expect_stderr("文件夹");
    // A speech is some kilobytes; a 2 MB "speech" is not read whole.
    p.write("big.txt", &"讲话。\n".repeat(200_000));
    let (run, _) = run_bounded(&p, &["import", "big.txt", "--year", "2021"]);
    run.expect_code(2)
        .expect_stderr("big.txt")
        .expect_stderr("文件过大");
}

/// What `path` is now: a named pipe, a folder, or a regular file.
fn kind(path: &PathBuf) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    let t = std::fs::symlink_metadata(path).unwrap().file_type();
    if t.is_fifo() {
        "fifo"
    } else if t.is_dir() {
        "dir"
    } else {
        "file"
    }
}

#[test]
fn dash_o_never_replaces_a_pipe_or_a_folder() {
    let p = Project::sample();
    mkfifo(&p.path("pipe.json"));
    std::fs::create_dir(p.path("folder.json")).unwrap();
    for (args, target, what) in [
        (vec!["schema", "-o", "pipe.json"], "pipe.json", "fifo"),
        (vec!["schema", "-o", "folder.json"], "folder.json", "dir"),
        (
            vec!["figures", "--format", "csv", "-o", "pipe.json"],
            "pipe.json",
            "fifo",
        ),
        (
            vec!["diff", "2021", "2021", "-o", "folder.json"],
            "folder.json",
            "dir",
        ),
    ] {
        let (run, _) = run_bounded(&p, &args);
        run.expect_code(2)
            .expect_stderr(target)
            .expect_stderr("不是普通文件");
        assert_eq!(kind(&p.path(target)), what, "{args:?} replaced {target}");
    }
    // A render is all or nothing: with speech.pdf a pipe, no other format is written either.
    mkfifo(&p.path("out/speech.pdf"));
    let (run, _) = run_bounded(&p, &["render", "--fonts", "bundled", "-o", "out"]);
    run.expect_code(2).expect_stderr("speech.pdf");
    assert_eq!(kind(&p.path("out/speech.pdf")), "fifo");
    let left: Vec<_> = std::fs::read_dir(p.path("out"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(left.len(), 1, "{left:?}");
    // And nothing was left behind beside the targets.
    let stray: Vec<_> = std::fs::read_dir(p.root())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".speechgen-"))
        .collect();
    assert!(stray.is_empty(), "{stray:?}");
}
