//! Next year: start the new facts from last year's, and see what changed.

use crate::harness::Project;

#[test]
fn next_year_keeps_names_empties_numbers_and_refuses_to_overwrite() {
    let p = Project::sample();
    let run = p.run(["next-year"]);
    run.expect_code(0);
    assert!(
        run.stderr.contains("已创建 facts/2022.yaml"),
        "{}",
        run.stderr
    );
    let new = p.read("facts/2022.yaml");
    assert!(new.contains("year: 2022"));
    assert!(
        new.contains(
            "  full_time_deputy_secretaries:       # 上年：37；直属党组织已配备专职副书记（人）"
        ),
        "{new}"
    );
    assert!(new.contains("  lecture_hall: 党课大讲堂"));
    assert!(
        new.contains("    2021: 342\n    2022:\n"),
        "the series gains the new year"
    );
    // Every number is unfilled: the new year cannot be printed with last year's figures.
    let check = p.run(["check", "2022", "--message-format", "short"]);
    check.expect_code(1);
    assert!(
        check
            .stderr
            .contains("error[unfilled]: political.full_time_deputy_secretaries 还没有填写")
    );
    p.run(["render", "2022"]).expect_code(1);
    // Filled in, it passes.
    let filled = new
        .lines()
        .map(|l| match l.split_once("上年：") {
            Some((head, tail)) => {
                let value: String = tail.chars().take_while(|c| c.is_ascii_digit()).collect();
                format!("{} {value}", head.trim_end_matches(['#', ' ']))
            }
            None if l.trim() == "2022:" => format!("{l} 360"),
            None => l.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("\n");
    p.write("facts/2022.yaml", &filled);
    p.run(["check", "2022"]).expect_code(0);
    // A second run would overwrite what was filled in: refused, exit 1.
    let again = p.run(["next-year", "2021"]);
    again.expect_code(1);
    assert!(again.stderr.contains("已存在，未覆盖"));
    assert_eq!(p.read("facts/2022.yaml"), filled);
}

#[test]
fn diff_lists_the_figures_that_changed() {
    let p = Project::sample();
    let facts_2022 = p
        .read("facts/2021.yaml")
        .replace("year: 2021", "year: 2022")
        .replace("    2021: 342\n", "    2021: 342\n    2022: 360\n")
        .replace("branches_qualified: 1380", "branches_qualified: 1400")
        .replace("media_column: 机关党建先锋", "media_column: 机关先锋");
    p.write("facts/2022.yaml", &facts_2022);
    let run = p.run(["diff", "2021", "2022"]);
    run.expect_code(0);
    assert!(
        run.stdout
            .contains("branches_qualified  达标党支部：1380个 → 1400个"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("branches_qualified_share  达标党支部占比：96.7% → 98.1%")
    );
    assert!(
        run.stdout
            .contains("media_column  电视台、日报专栏：“机关党建先锋” → “机关先锋”")
    );
    // Three figures print differently; the raw facts and the carried-over values follow.
    assert!(
        run.stdout.contains("\n印出的数字不同（3 个）：\n"),
        "{}",
        run.stdout
    );
}
