//! `check`, `render --format md,html,docx`, `figures` (the sheet as text) and `diff` (against
//! last year, as text) on a facts file whose list of training classes holds
//! 2 500, 5 000, 10 000 and 20 000 items (the 20 000 file is about 800 KB, under the 1 MB cap), with
//! last year's file beside it holding the same names, as a year carried over does
//! (`cargo bench --bench linear`). The cost should double with the list: each line prints the
//! times and their ratio to the size before, about 2 when linear and about 4 when quadratic (as
//! it was, 52 s for `check` on 20 000 items, until lines were found through an index and last
//! year's values looked up by path). A benchmark, not a timed test: a shared machine's wall
//! times are too noisy to fail a build on.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use speechgen::batch::check_all;
use speechgen::diagnostic::Severity;
use speechgen::format::{Format, Renderers};
use speechgen::pdf::{FontChoice, PdfOptions};
use speechgen::pipeline::{self, RenderKind, RenderRequest, render};
use speechgen::review::DiffFormat;
use speechgen::review::year_on_year::YearOnYear;
use speechgen::sheet::{self, SheetFormat};

const SIZES: [usize; 4] = [2_500, 5_000, 10_000, 20_000];

/// This year's facts: the sample's, its training classes replaced by `items` short ones.
fn facts_with_classes(sample: &str, items: usize) -> String {
    let start = sample
        .find("  training_classes:")
        .expect("the sample lists training classes");
    let end = sample[start..]
        .find("  brand_plan:")
        .map(|i| start + i)
        .expect("brand_plan follows the training classes");
    let mut text = String::with_capacity(sample.len() + items * 40);
    text.push_str(&sample[..start]);
    text.push_str("  training_classes:\n");
    for i in 0..items {
        text.push_str(&format!(
            "    - name: 班{i}\n      trainees: {}\n",
            i % 500 + 1
        ));
    }
    text.push_str(&sample[end..]);
    text
}

/// A copy of the sample project whose 2021 facts hold `items` classes and whose 2020 facts the
/// same names with other numbers: every name is carried over.
fn project(items: usize) -> (tempfile::TempDir, PathBuf) {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().expect("a temporary folder");
    let templates = dir.path().join("templates");
    std::fs::create_dir_all(&templates).unwrap();
    for entry in std::fs::read_dir(repo.join("templates")).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_file() {
            std::fs::copy(entry.path(), templates.join(entry.file_name())).unwrap();
        }
    }
    let sample = std::fs::read_to_string(repo.join("facts/2021.yaml")).unwrap();
    let this_year = facts_with_classes(&sample, items);
    let last_year = this_year
        .replacen("year: 2021", "year: 2020", 1)
        .replace("trainees: ", "trainees: 1");
    std::fs::create_dir_all(dir.path().join("facts")).unwrap();
    let facts = dir.path().join("facts/2021.yaml");
    std::fs::write(&facts, this_year).unwrap();
    std::fs::write(dir.path().join("facts/2020.yaml"), last_year).unwrap();
    (dir, facts)
}

/// The shortest of `runs` runs: the least disturbed by the other work on the machine.
fn fastest(runs: usize, mut f: impl FnMut()) -> Duration {
    (0..runs)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .min()
        .unwrap()
}

fn main() {
    let renderers = Renderers::new(PdfOptions {
        fonts: FontChoice::Bundled,
        font_dirs: vec![],
        standard: None,
    });
    let formats = [Format::Md, Format::Html, Format::Docx];
    println!(
        "items      bytes   check (×)            render md,html,docx (×)   figures (×)          diff (×)"
    );
    let mut before: Option<[Duration; 4]> = None;
    for items in SIZES {
        let (dir, facts) = project(items);
        let bytes = std::fs::metadata(&facts).unwrap().len();
        let request = RenderRequest {
            root: dir.path().to_path_buf(),
            facts: facts.clone(),
            kind: RenderKind::Final,
        };
        let check = fastest(3, || {
            let found = check_all(dir.path(), &facts, &renderers, &Format::DEFAULT)
                .expect("the facts are read");
            assert!(
                found.iter().all(|d| d.severity != Severity::Error),
                "{items} items check without an error"
            );
        });
        let render = fastest(3, || {
            let rendered = render(&request).expect("the facts render");
            for f in formats {
                std::hint::black_box(f.render(&rendered, &renderers).unwrap());
            }
        });
        // The sheet and the year-on-year report: a figure summing the list reads every item,
        // so a search per item of each figure's inputs is quadratic (it was, until 2026-12).
        let figures = fastest(3, || {
            let built = sheet::build(dir.path(), &facts).expect("the sheet is built");
            std::hint::black_box(sheet::write(&built, SheetFormat::Text).unwrap());
        });
        let last_year = dir.path().join("facts/2020.yaml");
        let diff = fastest(3, || {
            let old = pipeline::check(dir.path(), &last_year).expect("last year is read");
            let new = pipeline::check(dir.path(), &facts).expect("this year is read");
            std::hint::black_box(YearOnYear::build(&old, &new).write(DiffFormat::Text));
        });
        let ratio = |now: Duration, then: Option<Duration>| {
            then.map_or(String::from("   "), |t| {
                format!("{:.1}", now.as_secs_f64() / t.as_secs_f64())
            })
        };
        let now = [check, render, figures, diff];
        let columns: Vec<String> = now
            .iter()
            .enumerate()
            .map(|(i, t)| {
                format!(
                    "{:>7.3} s ({})",
                    t.as_secs_f64(),
                    ratio(*t, before.map(|b| b[i]))
                )
            })
            .collect();
        println!("{items:>6} {bytes:>9}   {}", columns.join("   "));
        before = Some(now);
    }
}
