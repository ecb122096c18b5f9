//! `speechgen` with no arguments, as a clerk starts it (issue 21, "Start"): in a terminal (here a
//! real pseudo-terminal from util-linux's `script`, as a double-click's console is one) it serves
//! the workspace of the project it finds and says the address and how to stop; from a script or a
//! pipe it prints the help and exits 2 as before; from a zip's temporary folder it says to unpack
//! first; with no project the page offers to make one beside the program. No browser is opened
//! (`SPEECHGEN_NO_BROWSER`).

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::json;

use crate::harness::{Client, Project, programs};

/// `speechgen` with no arguments under a pseudo-terminal, started in `dir`.
struct Terminal {
    child: Child,
    /// Everything printed to the terminal so far, line by line.
    lines: std::sync::mpsc::Receiver<String>,
    printed: String,
    _stdin: Option<std::process::ChildStdin>,
}

impl Terminal {
    fn start(exe: &Path, dir: &Path) -> Option<Terminal> {
        let script = programs::program("script")?;
        let mut child = Command::new(script)
            // -q quiet, -e the program's exit code, -f flush each write, -c the command.
            .args(["-qefc", &format!("'{}'", exe.display()), "/dev/null"])
            .current_dir(dir)
            .env("SPEECHGEN_NO_BROWSER", "1")
            .env("NO_COLOR", "1")
            .env_remove("GITHUB_ACTIONS")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("script starts");
        let out = child.stdout.take().unwrap();
        let (tx, lines) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let stdin = child.stdin.take();
        Some(Terminal {
            child,
            lines,
            printed: String::new(),
            _stdin: stdin,
        })
    }

    /// Reads what is printed until a line holds `words`; panics after 30 s.
    fn until(&mut self, words: &str) -> String {
        let deadline = std::time::Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(line) = self.printed.lines().find(|l| l.contains(words)) {
                return line.to_owned();
            }
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    self.printed.push_str(line.trim_end_matches('\r'));
                    self.printed.push('\n');
                }
                Err(_) => panic!("never printed “{words}”; printed:\n{}", self.printed),
            }
        }
    }

    /// The address printed and a client holding its key.
    fn client(&mut self) -> Client {
        let line = self.until("?key=");
        let rest = line.split("http://").nth(1).expect("an address");
        let addr: SocketAddr = rest.split('/').next().unwrap().parse().unwrap();
        let secret: String = rest
            .split("key=")
            .nth(1)
            .unwrap()
            .chars()
            .take_while(char::is_ascii_hexdigit)
            .collect();
        assert_eq!(secret.len(), 64, "{line}");
        Client { addr, secret }
    }

    /// Waits for the program to end by itself; its exit code.
    fn exit_code(&mut self) -> i32 {
        let deadline = std::time::Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                while let Ok(line) = self.lines.recv_timeout(Duration::from_millis(200)) {
                    self.printed.push_str(&line);
                    self.printed.push('\n');
                }
                return status.code().unwrap_or(-1);
            }
            assert!(
                std::time::Instant::now() < deadline,
                "still running:\n{}",
                self.printed
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Terminal {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A copy of the binary in `dir`, as a clerk's unpacked download holds it.
fn program_in(dir: &Path) -> std::path::PathBuf {
    std::fs::create_dir_all(dir).unwrap();
    let exe = dir.join("speechgen");
    std::fs::copy(env!("CARGO_BIN_EXE_speechgen"), &exe).unwrap();
    exe
}

#[test]
fn with_no_arguments_from_a_script_it_prints_the_help_and_exits_2() {
    let project = Project::sample();
    let run = project.run(Vec::<&str>::new());
    run.expect_code(2);
    assert!(
        format!("{}{}", run.stdout, run.stderr).contains("用法"),
        "{}{}",
        run.stdout,
        run.stderr
    );
}

#[test]
fn with_no_arguments_in_a_terminal_it_serves_the_project_found_and_says_how_to_stop() {
    let project = Project::sample();
    let Some(mut terminal) =
        Terminal::start(Path::new(env!("CARGO_BIN_EXE_speechgen")), project.root())
    else {
        return;
    };
    let client = terminal.client();
    let printed = terminal.until("停止");
    assert!(
        printed.contains("Ctrl+C") && printed.contains("关闭本窗口"),
        "{printed}"
    );
    assert!(
        terminal.printed.contains("讲话稿工作台：http://127.0.0.1:"),
        "{}",
        terminal.printed
    );
    let page = client.get("/");
    assert_eq!(page.status, 200);
    assert!(page.text().contains("<article class=\"speech\">"));
    assert!(
        page.text().contains("data-writable=\"1\""),
        "loopback: the form may save"
    );
    // Without the key, nothing.
    let bare = crate::harness::get(client.addr, "/");
    assert_eq!(bare.status, 403);
}

#[test]
fn from_inside_a_zips_temporary_folder_it_says_to_unpack_first() {
    let tmp = tempfile::tempdir().unwrap();
    let exe = program_in(
        &tmp.path()
            .join("Temp1_speechgen-windows.zip")
            .join("speechgen"),
    );
    let Some(mut terminal) = Terminal::start(&exe, exe.parent().unwrap()) else {
        return;
    };
    let code = terminal.exit_code();
    assert!(
        terminal.printed.contains("请先把压缩包全部解压"),
        "{}",
        terminal.printed
    );
    assert_eq!(code, 2, "{}", terminal.printed);
}

#[test]
fn with_no_project_the_page_offers_to_make_one_beside_the_program_and_then_serves_it() {
    let tmp = tempfile::tempdir().unwrap();
    let exe = program_in(&tmp.path().join("工具"));
    let elsewhere = tmp.path().join("别处");
    std::fs::create_dir_all(&elsewhere).unwrap();
    let Some(mut terminal) = Terminal::start(&exe, &elsewhere) else {
        return;
    };
    let client = terminal.client();
    let place = tmp.path().join("工具").join("讲话稿");
    assert!(
        terminal.printed.contains(&place.display().to_string()),
        "{}",
        terminal.printed
    );
    let page = client.get("/").text();
    assert!(page.contains("还没有讲话稿项目"), "{page}");
    assert!(
        page.contains(&place.display().to_string()),
        "the folder is named: {page}"
    );
    assert!(!place.exists(), "nothing made before the clerk asks");
    // No path comes from the page: a `dir` in the request is not read.
    let made = client.post(
        "/api/new?from=sample&dir=/tmp/evil",
        "application/json",
        b"{}",
    );
    assert_eq!(made.status, 200, "{}", made.text());
    assert!(place.join("templates").is_dir() && place.join("facts").is_dir());
    assert!(!Path::new("/tmp/evil/templates").exists());
    let page = client.get("/").text();
    assert!(page.contains("<article class=\"speech\">"), "{page}");
    let form: serde_json::Value = serde_json::from_slice(&client.get("/api/form").body).unwrap();
    assert!(
        form["form"].is_object() || form["error"].is_string(),
        "{form}"
    );
    // Made once: a second request makes nothing more.
    let again = client.post_json("/api/new?from=sample", &json!({}));
    assert_eq!(again.status, 409);
}
