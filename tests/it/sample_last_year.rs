//! Issue 18 §7: a last year marked `sample: true` is named wherever it backs a comparison. The
//! first real year is most often made with `next-year` from the sample: every value it still
//! shares with last year is a sample value, and the clerk must be told so, not only "同上年".

use serde_json::Value;

use crate::harness::{Project, check_with};

fn next_year() -> Project {
    Project::sample_with("next-year")
}

#[test]
fn diff_names_a_sample_last_year_in_text_html_and_json() {
    let p = next_year();
    let text = p.run(["diff", "2021", "2022"]);
    text.expect_code(0);
    assert!(
        text.stdout.contains(
            "注意：facts/2021.yaml 标着 sample: true（样例数据，数字是虚构的）：与它相同的值只说明还是样例里的值"
        ),
        "{}",
        text.stdout
    );
    let html = p.run(["diff", "2021", "2022", "--format", "html"]);
    html.expect_code(0);
    assert!(
        html.stdout
            .contains("<p class=\"sample\">注意：facts/2021.yaml 标着 sample: true"),
        "{}",
        &html.stdout[..html.stdout.len().min(2000)]
    );
    let json = p.run(["diff", "2021", "2022", "--format", "json"]);
    json.expect_code(0);
    let doc: Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(doc["old"]["sample"], Value::Bool(true));
    assert_eq!(doc["new"]["sample"], Value::Bool(false));
}

#[test]
fn diff_of_two_real_years_says_nothing_of_sample_data() {
    let p = next_year();
    p.edit("facts/2021.yaml", "sample: true\n", "");
    let text = p.run(["diff", "2021", "2022"]);
    text.expect_code(0);
    assert!(!text.stdout.contains("sample"), "{}", text.stdout);
}

#[test]
fn carried_over_warnings_name_a_sample_last_year() {
    let p = next_year();
    let run = check_with(&p, &["2022", "--verbose"]);
    run.expect_code(0);
    assert!(
        run.stderr
            .contains("沿用了 2021 年（样例数据）的名称“八有”"),
        "{}",
        run.stderr
    );
    // The grouped block (without --verbose) names it too.
    let run = check_with(&p, &["2022"]);
    assert!(
        run.stderr
            .contains("沿用了 2021 年（样例数据）的名称“八有”"),
        "{}",
        run.stderr
    );
    // A real last year is named as before.
    p.edit("facts/2021.yaml", "sample: true\n", "");
    let run = check_with(&p, &["2022"]);
    assert!(
        run.stderr.contains("沿用了 2021 年的名称“八有”"),
        "{}",
        run.stderr
    );
}
