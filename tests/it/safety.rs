//! Issue 18 §4: what the outputs carry is safe to open. The CSV sheet holds no cell a spreadsheet
//! runs as a formula; no character that prints as nothing reaches a speech; text given to `init`
//! on the command line is printed as typed, never run as a template tag.
//!
//! (§4's last bullet, faces with zero advance widths and spaces beside Chinese in the PDF, belongs
//! to the PDF writer's move to krilla and is tested there.)

use crate::harness::{FACTS, Project, check};

/// The CSV sheet of the sample's 2021, one record per row.
fn csv_rows(p: &Project) -> Vec<Vec<String>> {
    let run = p.run(["figures", "2021", "--format", "csv"]);
    run.expect_code(0);
    let text = run.stdout.trim_start_matches('\u{feff}');
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect()
}

fn row<'a>(rows: &'a [Vec<String>], id: &str) -> &'a [String] {
    rows.iter()
        .find(|r| r[2] == id)
        .unwrap_or_else(|| panic!("no row {id}"))
}

#[test]
fn csv_cells_that_a_spreadsheet_would_run_are_neutralised() {
    for (name, cell) in [
        (
            "\"=HYPERLINK(\"\"http://evil.example\"\",\"\"点此\"\")\"",
            "'=HYPERLINK(\"http://evil.example\",\"点此\")、广西干部学院、市委党校",
        ),
        ("\"@SUM(1+1)\"", "'@SUM(1+1)、广西干部学院、市委党校"),
        ("\"+1+2\"", "'+1+2、广西干部学院、市委党校"),
        ("\"-2+3\"", "'-2+3、广西干部学院、市委党校"),
    ] {
        let p = Project::sample();
        p.edit_facts(
            "training_bases: [红旗渠干部学院,",
            &format!("training_bases: [{}, ", name.replace("\"\"", "\\\"")),
        );
        let rows = csv_rows(&p);
        assert_eq!(row(&rows, "training_bases")[4], cell, "{name}");
    }
}

#[test]
fn csv_cells_that_are_wholly_numbers_stay() {
    let p = Project::sample();
    let last = p
        .read(FACTS)
        .replace("year: 2021", "year: 2020")
        .replace(
            "full_time_party_workers: 126",
            "full_time_party_workers: 130",
        )
        .replace("branches_qualified: 1380", "branches_qualified: 1300");
    p.write("facts/2020.yaml", &last);
    let rows = csv_rows(&p);
    assert_eq!(row(&rows, "party_workers")[11], "-3.1%");
    assert_eq!(row(&rows, "branches_qualified")[11], "+6.2%");
    let share = &row(&rows, "branches_qualified_share")[11];
    assert!(
        share.starts_with('+') && share.ends_with(" 个百分点"),
        "{share}"
    );
}

#[test]
fn default_ignorable_code_points_and_noncharacters_are_refused_in_names() {
    for (written, said) in [
        ("\\u00AD", "U+00AD"),
        ("\\u034F", "U+034F"),
        ("\\u115F", "U+115F"),
        ("\\u17B4", "U+17B4"),
        ("\\u180E", "U+180E"),
        ("\\u2061", "U+2061"),
        ("\\u3164", "U+3164"),
        ("\\uFE0F", "U+FE0F"),
        ("\\uFFA0", "U+FFA0"),
        ("\\uFFF0", "U+FFF0"),
        ("\\uFDD0", "U+FDD0"),
        ("\\uFFFE", "U+FFFE"),
        ("\\U0001BCA0", "U+1BCA0"),
        ("\\U0001D173", "U+1D173"),
        ("\\U000E0001", "U+E0001"),
        ("\\U000E0100", "U+E0100"),
        ("\\U0001FFFF", "U+1FFFF"),
        // Typed as they are, not escaped.
        ("\u{00AD}", "U+00AD"),
        ("\u{3164}", "U+3164"),
    ] {
        let p = Project::sample();
        p.edit_facts(
            "lecture_hall: 党课大讲堂",
            &format!("lecture_hall: \"党课{written}大讲堂\""),
        );
        let run = check(&p);
        run.expect_code(1).expect_problem(
            FACTS,
            p.position(FACTS, "\"党课"),
            "control-character",
            said,
        );
        p.run(["render", "-o", "out", "--format", "md"])
            .expect_code(1);
    }
}

#[test]
fn a_title_with_template_tags_prints_as_typed() {
    let p = Project::empty();
    p.run([
        "init",
        "a",
        "--title",
        "统计{{ 7*7 }}局",
        "--office",
        "市{# 注 #}局{%",
        "--year",
        "2025",
    ])
    .expect_code(0);
    let root = p.path("a");
    let root = root.to_str().unwrap();
    p.run(["--root", root, "check"]).expect_code(0);
    p.run(["--root", root, "render", "--format", "md,html", "-o", "out"])
        .expect_code(0);
    let html = p.read("out/speech.html");
    assert!(html.contains("统计{{ 7*7 }}局"), "{html}");
    assert!(!html.contains("统计49局"), "{html}");
    assert!(html.contains("近年来，市{# 注 #}局{%在上级"), "{html}");
    let md = crate::harness::markdown_speech_text(&p.read("out/speech.md"));
    assert!(md.contains("统计{{7*7}}局"), "{md}");
}

#[test]
fn a_title_with_a_broken_tag_makes_a_project_that_checks() {
    for title in ["x{% if %}", "x{{", "x{#", "{% raw %}y{% endraw %}", "a{{{b"] {
        let p = Project::empty();
        p.run(["init", "a", "--title", title]).expect_code(0);
        let root = p.path("a");
        let root = root.to_str().unwrap();
        p.run(["--root", root, "check"]).expect_code(0);
        p.run(["--root", root, "render", "--format", "html", "-o", "out"])
            .expect_code(0);
        let html = p.read("out/speech.html");
        assert!(
            html.contains(&title.replace('<', "&lt;")),
            "{title}\n{html}"
        );
    }
}
