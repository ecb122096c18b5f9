//! The example CI workflows, read and run as GitHub would: `.github/workflows/speech.yml`'s
//! check job step by step in a copy of the project (the built binary standing in for the
//! installed `speechgen`, GITHUB_ACTIONS=true, bash as the runner calls it), and `release.yml`
//! read for its jobs, matrix and profile. Only the host target exists here, so the release
//! builds are not run.

#![cfg(unix)]

use crate::harness;

use std::path::{Path, PathBuf};

use crate::harness::{Project, REPO, Run};
use yaml_rust2::{Yaml, YamlLoader};

fn workflow(name: &str) -> Yaml {
    let path = Path::new(REPO).join(".github/workflows").join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{name}: {e}"));
    let mut docs = YamlLoader::load_from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
    assert_eq!(docs.len(), 1, "{name} is one YAML document");
    docs.remove(0)
}

fn text(y: &Yaml) -> &str {
    y.as_str().unwrap_or("")
}

/// One `run:` step of a job as it ran.
struct Ran {
    name: String,
    script: String,
    run: Run,
}

/// What running a job's steps gave: the steps run, in order (stopping at the first that fails,
/// as a job does), and the names of those skipped.
struct Job {
    ran: Vec<Ran>,
    skipped: Vec<String>,
}

impl Job {
    fn step(&self, command: &str) -> &Ran {
        self.ran
            .iter()
            .find(|r| r.script.contains(command))
            .unwrap_or_else(|| panic!("no step ran {command:?}"))
    }
}

/// A folder holding only `speechgen`, a link to the binary under test: first on PATH, it
/// stands in for the one the workflow installs.
fn speechgen_on_path() -> (tempfile::TempDir, String) {
    let bin = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(
        env!("CARGO_BIN_EXE_speechgen"),
        bin.path().join("speechgen"),
    )
    .unwrap();
    let path = std::env::var_os("PATH").unwrap_or_default();
    let mut dirs = vec![bin.path().to_path_buf()];
    dirs.extend(std::env::split_paths(&path));
    let joined = std::env::join_paths(dirs).unwrap();
    (bin, joined.to_string_lossy().into_owned())
}

/// Runs every `run:` step of the speech workflow's check job in `p`, the way the runner does
/// (`bash --noprofile --norc -eo pipefail`, in the checkout, CI=true, GITHUB_ACTIONS=true), the
/// step that installs speechgen with cargo skipped. `extra` is appended to the check step.
fn run_check_job(p: &Project, extra: &str) -> Job {
    let doc = workflow("speech.yml");
    let steps = doc["jobs"]["check"]["steps"]
        .as_vec()
        .expect("the check job has steps");
    let (_bin, path) = speechgen_on_path();
    let mut job = Job {
        ran: Vec::new(),
        skipped: Vec::new(),
    };
    for step in steps {
        let Some(script) = step["run"].as_str() else {
            continue;
        };
        let name = text(&step["name"]).to_owned();
        if script.contains("cargo install") {
            job.skipped.push(name);
            continue;
        }
        let script = if script.contains("speechgen check") {
            format!("{}{extra}", script.trim_end())
        } else {
            script.to_owned()
        };
        let mut cmd = assert_cmd::Command::new("bash");
        cmd.args(["--noprofile", "--norc", "-eo", "pipefail", "-c", &script])
            .current_dir(p.root())
            .env("PATH", &path)
            .env("CI", "true")
            .env("GITHUB_ACTIONS", "true")
            .env("NO_COLOR", "1");
        let run = Run::of(&mut cmd);
        let failed = run.code != 0;
        job.ran.push(Ran { name, script, run });
        if failed {
            break;
        }
    }
    job
}

/// The files a path pattern of upload-artifact matches (`*` within one folder level).
fn matches(root: &Path, pattern: &str) -> Vec<PathBuf> {
    let mut found = vec![root.to_path_buf()];
    for segment in pattern.split('/') {
        let mut next = Vec::new();
        for dir in &found {
            for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
                let name = entry.file_name().to_string_lossy().into_owned();
                if glob(segment, &name) {
                    next.push(entry.path());
                }
            }
        }
        found = next;
    }
    found
}

fn glob(pattern: &str, name: &str) -> bool {
    match pattern.split_once('*') {
        None => pattern == name,
        Some((head, tail)) => {
            name.len() >= head.len() + tail.len() && name.starts_with(head) && name.ends_with(tail)
        }
    }
}

#[test]
fn the_speech_workflow_is_valid_and_runs_check_on_facts_and_template_changes() {
    let doc = workflow("speech.yml");
    for event in ["push", "pull_request"] {
        let paths: Vec<&str> = doc["on"][event]["paths"]
            .as_vec()
            .unwrap_or_else(|| panic!("on.{event}.paths"))
            .iter()
            .map(text)
            .collect();
        assert!(
            paths.contains(&"facts/**") && paths.contains(&"templates/**"),
            "{paths:?}"
        );
    }
    let scripts: Vec<&str> = doc["jobs"]["check"]["steps"]
        .as_vec()
        .unwrap()
        .iter()
        .map(|s| text(&s["run"]))
        .collect();
    assert!(
        scripts
            .iter()
            .any(|s| s.contains("speechgen check --message-format github")),
        "{scripts:?}"
    );
}

#[test]
fn the_check_job_passes_a_filled_year_and_keeps_the_speech_and_the_sheet() {
    let p = Project::sample();
    let job = run_check_job(&p, "");
    assert_eq!(
        job.skipped,
        ["Install speechgen"],
        "only the cargo install step is skipped"
    );
    for ran in &job.ran {
        ran.run.expect_code(0);
    }
    assert_eq!(job.ran.len(), 3, "check, render and the sheet all ran");
    let check = &job.step("speechgen check").run;
    // The sample is filled; its one warning (sample: true) is an annotation, not a failure.
    let line = 1 + p
        .read_facts()
        .lines()
        .position(|l| l.starts_with("sample: true"))
        .unwrap();
    assert!(
        check.stderr.contains(&format!(
            "::warning file=facts/2021.yaml,line={line},col=1,title=speechgen sample-data::"
        )),
        "{}",
        check.stderr
    );
    assert!(!check.stderr.contains("::error"), "{}", check.stderr);
    // Every path the artifact step uploads exists.
    let doc = workflow("speech.yml");
    let upload = doc["jobs"]["check"]["steps"]
        .as_vec()
        .unwrap()
        .iter()
        .find(|s| text(&s["uses"]).starts_with("actions/upload-artifact"))
        .expect("an artifact step");
    for pattern in text(&upload["with"]["path"])
        .lines()
        .filter(|l| !l.is_empty())
    {
        assert!(
            !matches(p.root(), pattern.trim()).is_empty(),
            "{pattern} matches nothing after the job"
        );
    }
    assert!(p.path("output/2021/speech.pdf").is_file());
    assert!(p.path("output/2021/figures.pdf").is_file());
}

#[test]
fn the_check_job_fails_with_an_annotation_at_an_emptied_value() {
    let p = Project::sample();
    p.edit_facts("reminder_talks: 68", "reminder_talks:");
    let (line, column) = p.position(harness::FACTS, "reminder_talks:");
    let job = run_check_job(&p, "");
    assert_eq!(job.skipped, ["Install speechgen"]);
    let last = job.ran.last().unwrap();
    assert!(
        last.script.contains("speechgen check"),
        "the job stops at check"
    );
    last.run.expect_code(1);
    assert!(
        last.run.stderr.contains(&format!(
            "::error file=facts/2021.yaml,line={line},col={},title=speechgen unfilled::",
            column + "reminder_talks:".len()
        )),
        "{}\n(step {})",
        last.run.stderr,
        last.name
    );
    assert!(
        !p.path("output").exists(),
        "nothing rendered after a failed check"
    );
}

#[test]
fn a_strict_gate_fails_on_the_sample_but_not_on_a_real_year_beside_it() {
    // The sample alone: its sample: true is a warning, so --deny-warnings fails.
    let p = Project::sample();
    let job = run_check_job(&p, " --deny-warnings");
    job.ran.last().unwrap().run.expect_code(1);

    // A real 2022 beside it: check reads the latest year only; the values that are still last
    // year's have been confirmed, and nothing else warns.
    let text = p
        .read_facts()
        .replace("year: 2021", "year: 2022")
        .replace("sample: true\n", "")
        .replace("    2021: 342\n", "    2021: 342\n    2022: 360\n");
    p.write("facts/2022.yaml", &text);
    let found = p.run(["check", "2022", "--message-format", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&found.stdout).unwrap();
    let mut confirmed = String::from("confirmed:\n");
    for d in doc["files"][0]["problems"].as_array().unwrap() {
        assert!(
            ["same-as-last-year", "carried-over-name"].contains(&d["code"].as_str().unwrap()),
            "{d}"
        );
        confirmed.push_str(&format!("  - {}\n", d["fact"].as_str().unwrap()));
    }
    p.write("facts/2022.yaml", &format!("{text}{confirmed}"));
    let job = run_check_job(&p, " --deny-warnings");
    for ran in &job.ran {
        ran.run.expect_code(0);
    }
    assert!(p.path("output/2022/speech.pdf").is_file());
}

#[test]
fn the_release_workflow_publishes_a_zip_per_platform_with_checksums_from_the_dist_profile() {
    let doc = workflow("release.yml");
    assert!(!doc["on"]["push"]["tags"].is_badvalue(), "built on a tag");
    let build = &doc["jobs"]["build"];
    let include = build["strategy"]["matrix"]["include"]
        .as_vec()
        .expect("a matrix of targets");
    let oses: Vec<&str> = include.iter().map(|m| text(&m["os"])).collect();
    for family in ["windows", "macos", "ubuntu"] {
        assert!(
            oses.iter().any(|os| os.starts_with(family)),
            "{family}: {oses:?}"
        );
    }
    for m in include {
        let (target, binary) = (text(&m["target"]), text(&m["binary"]));
        assert!(!target.is_empty(), "{m:?}");
        assert_eq!(
            binary.ends_with(".exe"),
            target.contains("windows"),
            "{m:?}"
        );
    }
    assert_eq!(text(&build["runs-on"]), "${{ matrix.os }}");
    let steps = build["steps"].as_vec().unwrap();
    let builds: Vec<&str> = steps
        .iter()
        .map(|s| text(&s["run"]))
        .filter(|r| r.contains("cargo build"))
        .collect();
    assert_eq!(builds.len(), 1, "{builds:?}");
    assert!(builds[0].contains("--profile dist"), "{}", builds[0]);
    assert!(
        builds[0].contains("--target ${{ matrix.target }}"),
        "{}",
        builds[0]
    );
    // The retired Intel runner is gone; the Intel Macs' build is cross-compiled instead.
    assert!(!oses.contains(&"macos-13"), "{oses:?}");
    assert!(
        include
            .iter()
            .any(|m| text(&m["target"]) == "x86_64-apple-darwin"),
        "Intel Macs still get a build"
    );
    // Each platform's zip holds the program, the README and the sample project.
    let zip = steps
        .iter()
        .map(|s| text(&s["run"]))
        .find(|r| r.contains(".zip"))
        .expect("a step puts the zip together");
    for part in [
        "target/${{ matrix.target }}/dist/${{ matrix.binary }}",
        "cp README.md",
        "templates facts",
        "示例项目",
    ] {
        assert!(zip.contains(part), "{part} in the zip:\n{zip}");
    }
    let upload = steps
        .iter()
        .find(|s| text(&s["uses"]).starts_with("actions/upload-artifact"))
        .expect("the zips are kept");
    assert_eq!(text(&upload["with"]["path"]), "${{ env.ZIP }}");
    // A tag publishes a release of the zips with their SHA-256 checksums.
    let publish = &doc["jobs"]["publish"];
    assert_eq!(text(&publish["needs"]), "build");
    assert_eq!(text(&publish["permissions"]["contents"]), "write");
    let runs: Vec<&str> = publish["steps"]
        .as_vec()
        .unwrap()
        .iter()
        .map(|s| text(&s["run"]))
        .collect();
    assert!(
        runs.iter()
            .any(|r| r.contains("sha256sum *.zip > SHA256SUMS.txt")),
        "{runs:?}"
    );
    assert!(
        runs.iter()
            .any(|r| r.contains("gh release create") && r.contains("SHA256SUMS.txt")),
        "{runs:?}"
    );

    // The profile it names exists, and is release's with the size and speed options.
    let cargo = std::fs::read_to_string(Path::new(REPO).join("Cargo.toml")).unwrap();
    let dist: Vec<&str> = cargo
        .split("\n[profile.dist]\n")
        .nth(1)
        .expect("Cargo.toml has [profile.dist]")
        .lines()
        .take_while(|l| !l.starts_with('['))
        .collect();
    for setting in [
        "inherits = \"release\"",
        "lto = \"fat\"",
        "codegen-units = 1",
        "strip = true",
    ] {
        assert!(dist.contains(&setting), "{setting}: {dist:?}");
    }
}

#[test]
fn the_release_zip_holds_the_program_the_readme_and_the_sample_project() {
    let (Some(_), Some(_)) = (
        crate::harness::programs::program("zip"),
        crate::harness::programs::program("unzip"),
    ) else {
        return;
    };
    let doc = workflow("release.yml");
    let script = doc["jobs"]["build"]["steps"]
        .as_vec()
        .unwrap()
        .iter()
        .map(|s| text(&s["run"]))
        .find(|r| r.contains(".zip"))
        .expect("a step puts the zip together")
        .replace("${{ matrix.target }}", "x86_64-unknown-linux-gnu")
        .replace("${{ matrix.binary }}", "speechgen")
        .replace("${{ matrix.name }}", "linux-x64");
    // The checkout as the runner has it, with a stand-in for the built program.
    let dir = tempfile::tempdir().unwrap();
    let repo = Path::new(REPO);
    std::fs::copy(repo.join("README.md"), dir.path().join("README.md")).unwrap();
    harness::copy_dir(&repo.join("templates"), &dir.path().join("templates"));
    harness::copy_dir(&repo.join("facts"), &dir.path().join("facts"));
    let built = dir.path().join("target/x86_64-unknown-linux-gnu/dist");
    std::fs::create_dir_all(&built).unwrap();
    std::fs::write(built.join("speechgen"), "the program").unwrap();
    let env_file = dir.path().join("github_env");
    let run = Run::from(
        std::process::Command::new("bash")
            .args(["-eo", "pipefail", "-c", &script])
            .current_dir(dir.path())
            .env("GITHUB_REF_NAME", "v1.2.3")
            .env("GITHUB_REF_TYPE", "tag")
            .env("RUNNER_OS", "Linux")
            .env("GITHUB_ENV", &env_file)
            .output()
            .unwrap(),
    );
    run.expect_code(0);
    let zip = "dist/speechgen-1.2.3-linux-x64.zip";
    assert!(
        std::fs::read_to_string(&env_file)
            .unwrap()
            .contains(&format!("ZIP={zip}")),
        "the zip is named for the upload"
    );
    let listing = Run::from(
        std::process::Command::new("unzip")
            .args(["-Z1", zip])
            .current_dir(dir.path())
            .output()
            .unwrap(),
    );
    listing.expect_code(0);
    for part in [
        "speechgen-1.2.3-linux-x64/speechgen",
        "speechgen-1.2.3-linux-x64/README.md",
        "speechgen-1.2.3-linux-x64/示例项目/templates/speech.md.tera",
        "speechgen-1.2.3-linux-x64/示例项目/templates/figures.yaml",
        "speechgen-1.2.3-linux-x64/示例项目/facts/2021.yaml",
    ] {
        assert!(
            listing.stdout.contains(part),
            "{part} in:\n{}",
            listing.stdout
        );
    }
}
