//! A speech project in a temporary folder (removed on drop): a copy of the repository's own
//! templates and sample facts, or of a fixture, edited by a test and then run or served.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};

use assert_cmd::Command;

use super::Run;

/// The repository, whose `templates/` and `facts/` are the sample project.
pub const REPO: &str = env!("CARGO_MANIFEST_DIR");

/// The sample's facts file, relative to the project's root.
pub const FACTS: &str = "facts/2021.yaml";

/// The sample's figure declarations, relative to the project's root.
pub const FIGURES: &str = "templates/figures.yaml";

/// The sample's speech template, relative to the project's root.
pub const TEMPLATE: &str = "templates/speech.md.tera";

pub struct Project {
    pub dir: tempfile::TempDir,
}

impl Project {
    /// A copy of the repository's templates/ and facts/, so the tests exercise the real pipeline
    /// on the real sample.
    pub fn sample() -> Project {
        let p = Project::empty();
        for sub in ["templates", "facts"] {
            copy_dir(&Path::new(REPO).join(sub), &p.path(sub));
        }
        p
    }

    /// A copy of `tests/fixtures/<name>/`.
    pub fn fixture(name: &str) -> Project {
        let p = Project::empty();
        copy_dir(&Path::new(REPO).join("tests/fixtures").join(name), p.root());
        p
    }

    /// The sample with `tests/fixtures/<name>/` laid over it (a second year's facts and
    /// templates, say).
    pub fn sample_with(name: &str) -> Project {
        let p = Project::sample();
        copy_dir(&Path::new(REPO).join("tests/fixtures").join(name), p.root());
        p
    }

    /// An empty folder: no speech project at all.
    pub fn empty() -> Project {
        Project {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    /// A path inside the project, from a path relative to its root.
    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
    }

    /// Writes a file, creating its folders.
    pub fn write(&self, rel: &str, text: &str) {
        let path = self.path(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    /// Replaces exactly one occurrence of `from` in a file (fails loudly if it is not there once).
    pub fn edit(&self, rel: &str, from: &str, to: &str) -> &Self {
        let text = self.read(rel);
        assert_eq!(
            text.matches(from).count(),
            1,
            "{from:?} must occur once in {rel}"
        );
        self.write(rel, &text.replacen(from, to, 1));
        self
    }

    /// `edit` on the sample's facts file.
    pub fn edit_facts(&self, from: &str, to: &str) -> &Self {
        self.edit(FACTS, from, to)
    }

    /// The 1-based line and column of `needle`'s first character in a file (characters, not bytes).
    pub fn position(&self, rel: &str, needle: &str) -> (usize, usize) {
        let text = self.read(rel);
        for (i, line) in text.lines().enumerate() {
            if let Some(byte) = line.find(needle) {
                return (i + 1, line[..byte].chars().count() + 1);
            }
        }
        panic!("{needle:?} not in {rel}");
    }

    /// The sample's facts file, which `edit_facts`, `read_facts`, `save_facts` and `serve` use.
    pub fn facts(&self) -> PathBuf {
        self.path(FACTS)
    }

    pub fn read_facts(&self) -> String {
        self.read(FACTS)
    }

    /// Saves the facts file the way editors do: a new file renamed over the old one.
    pub fn save_facts(&self, text: &str) {
        let facts = self.facts();
        let tmp = facts.with_extension("yaml.tmp-save");
        std::fs::write(&tmp, text).unwrap();
        std::fs::rename(&tmp, &facts).unwrap();
    }

    /// Saves any file of the project the way editors do (`save_facts` for another year).
    pub fn save_facts_file(&self, rel: &str, text: &str) {
        let path = self.path(rel);
        let tmp = path.with_extension("yaml.tmp-save");
        std::fs::write(&tmp, text).unwrap();
        std::fs::rename(&tmp, &path).unwrap();
    }

    /// Runs `run` and counts how often each of the files `rels` was opened meanwhile (inotify's
    /// `IN_OPEN`): a command that reads an input once opens it once. (Named pipes that give their
    /// bytes to the first reader only did this before; speechgen now refuses any file that is not
    /// a regular one.)
    #[cfg(target_os = "linux")]
    pub fn opens_during(&self, rels: &[&str], run: impl FnOnce() -> Run) -> (Run, Vec<usize>) {
        use std::os::unix::ffi::OsStrExt;
        // SAFETY: plain system calls on a descriptor this function owns and closes.
        let fd = unsafe { libc::inotify_init1(libc::IN_NONBLOCK | libc::IN_CLOEXEC) };
        assert!(fd >= 0, "inotify_init1");
        let watches: Vec<i32> = rels
            .iter()
            .map(|rel| {
                let path = std::ffi::CString::new(self.path(rel).as_os_str().as_bytes()).unwrap();
                let wd = unsafe { libc::inotify_add_watch(fd, path.as_ptr(), libc::IN_OPEN) };
                assert!(wd >= 0, "inotify_add_watch {rel}");
                wd
            })
            .collect();
        let ran = run();
        let mut opens = vec![0; rels.len()];
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            let n = unsafe { libc::read(fd, buf.as_mut_ptr().cast(), buf.len()) };
            if n <= 0 {
                break;
            }
            let mut at = 0;
            while at < n as usize {
                // struct inotify_event { int wd; uint32_t mask, cookie, len; char name[len]; }
                let field = |i: usize| {
                    let b = &buf[at + 4 * i..at + 4 * i + 4];
                    u32::from_ne_bytes([b[0], b[1], b[2], b[3]])
                };
                let (wd, mask, len) = (field(0) as i32, field(1), field(3) as usize);
                if mask & libc::IN_OPEN != 0
                    && let Some(i) = watches.iter().position(|w| *w == wd)
                {
                    opens[i] += 1;
                }
                at += 16 + len;
            }
        }
        unsafe { libc::close(fd) };
        (ran, opens)
    }

    /// `speechgen ARGS` in the project folder, ready to run (`Run::of`) after any change the test
    /// makes to it (another folder, an environment variable).
    pub fn command<I, S>(&self, args: I) -> Command
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        Command::from(self.process(args))
    }

    /// `command` as a plain `std::process::Command`, for a process the test does not wait for.
    /// Colour is off, and GitHub Actions is not detected unless the test sets `GITHUB_ACTIONS`.
    pub fn process<I, S>(&self, args: I) -> std::process::Command
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_speechgen"));
        cmd.current_dir(self.root())
            .env_remove("GITHUB_ACTIONS")
            .env("NO_COLOR", "1")
            .args(args);
        cmd
    }

    /// Runs `speechgen ARGS` in the project folder and waits for it.
    pub fn run<I, S>(&self, args: I) -> Run
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        Run::of(&mut self.command(args))
    }
}

/// Copies a folder tree.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap_or_else(|e| panic!("{}: {e}", from.display())) {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}
