//! The long fuzz run (issue 8, §5), in-process: ten minutes on the facts reader, the template
//! checker, the line breaker, and `check` against `render` on a project on disk. Ignored in the
//! normal suite; run it with
//!
//! ```text
//! cargo test --release --test fuzz -- --ignored fuzz --nocapture
//! SPEECHGEN_FUZZ_SECONDS=60 SPEECHGEN_FUZZ_SEED=7 cargo test --release --test fuzz -- --ignored fuzz
//! ```
//!
//! Each input is made from the sample (its facts and template mutated, see `harness::mutate`) or
//! at random; a panic anywhere, or a property broken, is a failure, kept with its input under
//! `target/tmp/fuzz-failures/`. The run prints how many cases each target ran.

#[path = "it/harness/mod.rs"]
mod harness;

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use harness::mutate::{self, Rng};
use harness::{REPO, copy_dir};
use speechgen::facts::Facts;
use speechgen::figures::{Declarations, evaluate};
use speechgen::format::{Format, Renderers};
use speechgen::pdf::linebreak::{Align, Piece, break_lines};
use speechgen::pipeline::{self, RenderKind, RenderRequest};
use speechgen::template::{Template, placeholder_index};
use speechgen::{markdown, next_year, yaml};

/// The message of the last panic, taken by the hook instead of printed.
static LAST_PANIC: Mutex<String> = Mutex::new(String::new());

struct Target {
    name: &'static str,
    cases: u64,
    failures: u64,
}

struct Fuzz {
    rng: Rng,
    sample_facts: String,
    sample_template: String,
    decls: Declarations,
    project: tempfile::TempDir,
    renderers: Renderers,
    failures_dir: PathBuf,
    kept: usize,
}

impl Fuzz {
    /// Runs one case of a target; a panic is a failure, kept with its input.
    fn case(&mut self, target: &mut Target, input: &str, run: impl FnOnce(&mut Fuzz)) {
        target.cases += 1;
        let result = catch_unwind(AssertUnwindSafe(|| run(self)));
        if result.is_err() {
            target.failures += 1;
            let why = LAST_PANIC.lock().unwrap().clone();
            if self.kept < 20 {
                self.kept += 1;
                std::fs::create_dir_all(&self.failures_dir).unwrap();
                let file = self
                    .failures_dir
                    .join(format!("{}-{}.txt", target.name, self.kept));
                std::fs::write(&file, format!("{why}\n--- input\n{input}")).unwrap();
                eprintln!(
                    "failure in {}: {why} (input in {})",
                    target.name,
                    file.display()
                );
            }
        }
    }

    /// A facts text: the sample with values replaced, bytes changed, lines moved; or random.
    fn facts_text(&mut self) -> String {
        let sample = self.sample_facts.clone();
        match self.rng.below(6) {
            0..=2 => {
                let picks: Vec<(u64, u64)> = (0..1 + self.rng.below(4))
                    .map(|_| (self.rng.next(), self.rng.next()))
                    .collect();
                mutate::mutate_facts(&sample, &picks)
            }
            3 => {
                const BYTES: &[&str] = &[
                    ":", "-", " ", "\n", "\t", "[", "]", "{", "}", "'", "\"", "#", "&", "*", "!",
                    "|", ">", "%", "@", "0", "7", "：", "党", "---", "...", "\r", "?", ",",
                ];
                let mut chars: Vec<char> = sample.chars().collect();
                for _ in 0..1 + self.rng.below(6) {
                    let at = self.rng.below(chars.len() + 1);
                    if self.rng.below(3) == 0 && at < chars.len() {
                        chars.remove(at);
                    } else {
                        for (k, c) in self.rng.pick(BYTES).chars().enumerate() {
                            chars.insert(at + k, c);
                        }
                    }
                }
                chars.into_iter().collect()
            }
            4 => {
                let mut lines: Vec<&str> = sample.lines().collect();
                for _ in 0..1 + self.rng.below(3) {
                    let (a, b) = (self.rng.below(lines.len()), self.rng.below(lines.len()));
                    match self.rng.below(3) {
                        0 => lines.swap(a, b),
                        1 => {
                            lines.remove(a);
                        }
                        _ => lines.insert(a, lines[b]),
                    }
                }
                lines.join("\n")
            }
            _ => {
                let len = self.rng.below(400);
                let bytes: Vec<u8> = (0..len).map(|_| self.rng.next() as u8).collect();
                String::from_utf8_lossy(&bytes).into_owned()
            }
        }
    }
}

/// The facts reader: parse, read as a year's facts, compute every figure, start next year. No
/// panic, and every problem placed inside the file.
fn facts_reader(f: &mut Fuzz, text: &str) {
    let path = Path::new("facts/2021.yaml");
    let lines = text.lines().count() + 1;
    let Ok(doc) = yaml::parse(path, text.to_owned()) else {
        return;
    };
    let facts = match Facts::from_document(doc) {
        Ok(facts) => facts,
        Err(diagnostics) => {
            for d in diagnostics {
                if let Some(l) = d.location {
                    assert!(
                        l.line >= 1 && l.line <= lines,
                        "{}: line {}",
                        d.message,
                        l.line
                    );
                }
            }
            return;
        }
    };
    let evaluation = evaluate(&f.decls, &facts);
    for d in &evaluation.diagnostics {
        if let Some(l) = &d.location
            && l.file == path
        {
            assert!(
                l.line >= 1 && l.line <= lines,
                "{}: line {}",
                d.message,
                l.line
            );
        }
    }
    let _ = next_year::next_year(&facts, &f.decls, &evaluation, Path::new("facts/2022.yaml"));
}

/// The template checker: tags, uses, Tera, the document model and the way back from the output
/// to the template line. No panic; a template whose tags pass prints placeholders only for its
/// plain figure uses; every problem on a line of the template.
fn template_checker(text: &str) {
    let t = Template::new("templates/speech.md.tera", text.to_owned());
    let lines = text.lines().count().max(1);
    let problems = t.check_tags();
    for d in &problems {
        let l = d.location.as_ref().expect("a place");
        assert!(
            l.line >= 1 && l.line <= lines + 1,
            "{}: line {}",
            d.message,
            l.line
        );
    }
    let ids = t.figure_ids();
    if !problems.is_empty() {
        return;
    }
    match t.render(&ids, 2021) {
        Ok(md) => {
            for c in md.chars() {
                if let Some(i) = placeholder_index(c) {
                    assert!(i < ids.len(), "placeholder {i} for {} uses", ids.len());
                }
            }
            if let Err(found) = markdown::to_document(&t, &md, &[], false) {
                for d in found {
                    let l = d.location.expect("a place");
                    assert!(l.line >= 1 && l.line <= lines + 1, "{}", d.message);
                }
            }
        }
        Err(d) => {
            let l = d.location.expect("a place");
            assert!(
                l.line >= 1 && l.line <= lines,
                "{}: line {}",
                d.message,
                l.line
            );
        }
    }
}

const EM: f64 = 16.0;

/// A line-breaking problem: pieces, width, first-line indent, alignment.
struct LineCase {
    pieces: Vec<Piece>,
    width: f64,
    indent: f64,
    align: Align,
}

impl std::fmt::Display for LineCase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let text: String = self.pieces.iter().map(|p| p.ch).collect();
        let advances: Vec<f64> = self.pieces.iter().map(|p| p.advance).collect();
        write!(
            f,
            "{text:?}\nadvances {advances:?}\nwidth {} indent {} {:?}",
            self.width, self.indent, self.align
        )
    }
}

fn line_case(rng: &mut Rng) -> LineCase {
    const CHARS: &[char] = &[
        '党', '建', '工', '作', '，', '。', '、', '；', '：', '？', '！', '“', '”', '‘', '’', '《',
        '》', '（', '）', '【', '】', '—', '…', '·', '1', '3', '8', '0', '.', '%', '*', 'A', 'b',
        ' ', '-', '/', '\u{3000}', '𠀀',
    ];
    let n = rng.below(200);
    let pieces: Vec<Piece> = (0..n)
        .map(|_| {
            let ch = *rng.pick(CHARS);
            let advance = match rng.below(20) {
                0 => 0.0,
                1 => EM * 3.0,
                _ if ch.is_ascii() => EM * (0.25 + rng.below(50) as f64 / 100.0),
                _ => EM,
            };
            let (left, right) = if "，。、；：？！”’》）】".contains(ch) {
                (0.0, advance / 2.0)
            } else if "“‘《（【".contains(ch) {
                (advance / 2.0, 0.0)
            } else {
                (0.0, 0.0)
            };
            Piece {
                ch,
                advance,
                squeeze_left: left,
                squeeze_right: right,
                // Now and then held to the piece before, as a figure's digits and unit are.
                joined: rng.below(6) == 0,
            }
        })
        .collect();
    LineCase {
        pieces,
        width: EM * (1 + rng.below(40)) as f64 + rng.below(16) as f64,
        indent: EM * rng.below(3) as f64,
        align: if rng.below(4) == 0 {
            Align::Center
        } else {
            Align::Justify
        },
    }
}

/// The line breaker: whatever the pieces and width, every piece set once in order and none past
/// the right edge, or an overlong segment named.
fn line_breaker(case: &LineCase) {
    let (pieces, width, n) = (&case.pieces, case.width, case.pieces.len());
    match break_lines(pieces, width, case.indent, case.align) {
        Err(e) => {
            assert!(e.range.start < e.range.end && e.range.end <= n, "{e:?}");
        }
        Ok(lines) => {
            let mut next = 0;
            for l in &lines {
                assert_eq!(
                    l.range.start, next,
                    "a piece dropped or repeated: {lines:?}"
                );
                assert_eq!(l.x.len(), l.range.len());
                next = l.range.end;
                for (k, i) in l.range.clone().enumerate() {
                    let p = pieces[i];
                    assert!(
                        p.ch == ' ' || l.x[k] + p.advance - p.squeeze_right <= width + 1e-6,
                        "past the edge: {} at {}",
                        p.ch,
                        l.x[k]
                    );
                }
            }
            assert_eq!(next, n, "every piece set");
        }
    }
}

/// `check` passes exactly when `render` (md, html, pdf) succeeds, on the project on disk.
fn check_against_render(f: &mut Fuzz, text: &str) {
    let root = f.project.path().to_path_buf();
    let facts = root.join("facts/2021.yaml");
    std::fs::write(&facts, text).unwrap();
    let passed = match speechgen::batch::check_all(&root, &facts, &f.renderers, &Format::DEFAULT) {
        Ok(diagnostics) => !diagnostics.iter().any(|d| d.is_error()),
        Err(_) => false,
    };
    let request = RenderRequest {
        root: root.clone(),
        facts,
        kind: RenderKind::Final,
    };
    let rendered = pipeline::render(&request).ok().and_then(|r| {
        [Format::Md, Format::Html, Format::Pdf]
            .iter()
            .map(|format| format.render(&r, &f.renderers))
            .collect::<Result<Vec<_>, _>>()
            .ok()
    });
    assert_eq!(
        passed,
        rendered.is_some(),
        "check {} but render {}",
        if passed { "passed" } else { "failed" },
        if rendered.is_some() {
            "succeeded"
        } else {
            "failed"
        }
    );
}

#[test]
#[ignore = "ten minutes: cargo test --release --test fuzz -- --ignored fuzz --nocapture"]
fn fuzz_the_facts_reader_the_template_checker_and_the_line_breaker() {
    let seconds: u64 = std::env::var("SPEECHGEN_FUZZ_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(600);
    let seed: u64 = std::env::var("SPEECHGEN_FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos() as u64
        });
    let repo = Path::new(REPO);
    let project = tempfile::tempdir().unwrap();
    for sub in ["templates", "facts"] {
        copy_dir(&repo.join(sub), &project.path().join(sub));
    }
    let mut f = Fuzz {
        rng: Rng::new(seed),
        sample_facts: std::fs::read_to_string(repo.join("facts/2021.yaml")).unwrap(),
        sample_template: std::fs::read_to_string(repo.join("templates/speech.md.tera")).unwrap(),
        decls: Declarations::load(&repo.join("templates/figures.yaml")).unwrap(),
        project,
        renderers: Renderers::new(harness::bundled_fonts()),
        failures_dir: Path::new(env!("CARGO_TARGET_TMPDIR")).join("fuzz-failures"),
        kept: 0,
    };
    let mut targets = [
        Target {
            name: "facts-reader",
            cases: 0,
            failures: 0,
        },
        Target {
            name: "template-checker",
            cases: 0,
            failures: 0,
        },
        Target {
            name: "line-breaker",
            cases: 0,
            failures: 0,
        },
        Target {
            name: "check-vs-render",
            cases: 0,
            failures: 0,
        },
    ];
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|info| {
        let at = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        let message = info
            .payload()
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| {
                info.payload()
                    .downcast_ref::<&str>()
                    .map(|s| (*s).to_owned())
            })
            .unwrap_or_default();
        *LAST_PANIC.lock().unwrap() = format!("{message}{at}");
    }));
    let start = Instant::now();
    let deadline = start + Duration::from_secs(seconds);
    let mut agreements = 0u64;
    while Instant::now() < deadline {
        let [facts, template, breaker, agree] = &mut targets;
        for _ in 0..20 {
            let text = f.facts_text();
            f.case(facts, &text, |f| facts_reader(f, &text));
        }
        for _ in 0..20 {
            let source = mutate::mutate_template(&f.sample_template, &mut f.rng);
            f.case(template, &source, |_| template_checker(&source));
        }
        for _ in 0..50 {
            let case = line_case(&mut f.rng);
            f.case(breaker, &case.to_string(), |_| line_breaker(&case));
        }
        let text = f.facts_text();
        f.case(agree, &text, |f| check_against_render(f, &text));
        agreements += 1;
    }
    std::panic::set_hook(hook);
    let total: u64 = targets.iter().map(|t| t.cases).sum();
    let failed: u64 = targets.iter().map(|t| t.failures).sum();
    println!(
        "fuzz: seed {seed}, {:.0} s, {total} cases, {failed} failures ({agreements} rounds)",
        start.elapsed().as_secs_f64()
    );
    for t in &targets {
        println!(
            "  {:<17} {:>9} cases {:>5} failures",
            t.name, t.cases, t.failures
        );
    }
    assert_eq!(failed, 0, "failures kept in {}", f.failures_dir.display());
}
