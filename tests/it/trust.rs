//! Trust (issue 8, §3–§5): no figure printed wrong or lost on odd input, messages a clerk can act
//! on, and hostile files refused with a place and a reason. Each test was found by trying the input
//! against the binary; each failed before the fix it pins.

use crate::harness::{FACTS, FIGURES, Project, Run, at, check, check_with, render_md};

/// The lines of `stderr` that are diagnostics in the short format.
fn problems(run: &Run) -> Vec<&str> {
    run.stderr
        .lines()
        .filter(|l| l.contains(": error[") || l.contains(": warning["))
        .collect()
}

fn errors(run: &Run) -> Vec<&str> {
    run.stderr
        .lines()
        .filter(|l| l.contains(": error["))
        .collect()
}

// ---------------------------------------------------------------------------------------------
// §3 Yearly series (逐年提升)

#[test]
fn a_rising_series_is_judged_in_year_order_not_file_order() {
    let p = Project::sample();
    // {2020: 286, 2019: 315, 2021: 342}: in the file it rises, in time it fell in 2020.
    p.edit_facts(
        "    2019: 286\n    2020: 315\n",
        "    2020: 286\n    2019: 315\n",
    );
    check(&p).expect_code(1).expect_problem(
        FACTS,
        at(&p, FACTS, "2020: 286", 6),
        "claim-rising",
        "讲话说“党建经费逐年提升”，但 political.party_funds 中 2020 年的 286 不高于 2019 年的 315",
    );
}

#[test]
fn a_gap_year_in_a_rising_series_is_an_error() {
    let p = Project::sample();
    p.edit_facts("    2020: 315\n", "");
    check(&p).expect_code(1).expect_problem(
        FACTS,
        p.position(FACTS, "2021: 342"),
        "claim-rising",
        "缺少 2020 年",
    );
}

#[test]
fn a_rising_series_without_the_current_year_is_an_error() {
    let p = Project::sample();
    p.edit_facts("    2021: 342\n", "");
    let run = check(&p);
    run.expect_code(1).expect_problem(
        FACTS,
        p.position(FACTS, "party_funds:"),
        "claim-rising",
        "没有本年度 2021 年的数",
    );
    assert!(
        run.stderr.contains("2021: "),
        "a pasteable hint\n{}",
        run.stderr
    );
    // A year after the facts' own year is no better.
    let p = Project::sample();
    p.edit_facts("    2021: 342\n", "    2021: 342\n    2022: 360\n");
    check(&p).expect_code(1).expect_problem(
        FACTS,
        p.position(FACTS, "2022: 360"),
        "claim-rising",
        "2022 年晚于本年度 2021",
    );
}

#[test]
fn a_large_series_rising_by_one_is_rising() {
    let p = Project::sample();
    // 2^53 − 1, 2^53, 2^53 + 1: the last two are one double apart from nothing.
    p.edit_facts(
        "    2019: 286\n    2020: 315\n    2021: 342\n",
        "    2019: 9007199254740991\n    2020: 9007199254740992\n    2021: 9007199254740993\n",
    );
    let run = check(&p);
    run.expect_code(0);
    assert!(!run.stderr.contains("claim-rising"), "{}", run.stderr);
    // …and a fall by one at the same size is still seen.
    p.edit_facts("2021: 9007199254740993", "2021: 9007199254740992");
    check(&p).expect_code(1).expect_problem(
        FACTS,
        at(&p, FACTS, "2021: 9007199254740992", 6),
        "claim-rising",
        "不高于",
    );
}

// ---------------------------------------------------------------------------------------------
// §3 Arithmetic

#[test]
fn a_sum_that_overflows_is_out_of_range_at_the_value_that_overflows() {
    let p = Project::sample();
    for n in ["214", "486", "173"] {
        p.edit_facts(
            &format!("trainees: {n}\n"),
            "trainees: 9000000000000000000\n",
        );
    }
    let run = check(&p);
    // The third value is the one that no longer fits: 3 × 9×10^18 > 2^64 − 1.
    let (third_line, _) = p.position(FACTS, "name: 新任党支部书记");
    let column = p
        .read(FACTS)
        .lines()
        .nth(third_line)
        .unwrap()
        .find('9')
        .unwrap()
        + 1;
    run.expect_code(1).expect_problem(
        FACTS,
        (third_line + 1, column),
        "out-of-range",
        "合计超出可处理的范围",
    );
    assert!(!run.stderr.contains("18446744073709551615名"));
    p.run(["render", "--format", "md", "-o", "out"])
        .expect_code(1);
    assert!(!p.path("out").exists());
}

// ---------------------------------------------------------------------------------------------
// §3 A reported rate follows the percent rules

/// The leader-lecture completion rate as a reported rate instead of done ÷ required.
fn leader_lectures_as_rate(p: &Project, rate: &str) {
    p.edit(
        FIGURES,
        "    part: organisation.leader_lectures.done\n    whole: organisation.leader_lectures.required\n",
        "    rate: organisation.leader_lectures_rate\n",
    );
    p.edit_facts(
        "  leader_lectures:                      # 党员领导干部讲党课\n    required: 412                       # 应讲（次）\n    done: 409                           # 已讲（次）\n",
        &format!("  leader_lectures_rate: {rate}\n"),
    );
}

#[test]
fn a_reported_rate_is_printed_like_part_of_whole() {
    for (rate, printed) in [
        ("99.95", "完成率99.9%"),
        ("0.04", "完成率0.1%"),
        ("0", "完成率0%"),
        ("100", "完成率100%"),
        ("100.0", "完成率100%"),
        ("96.65", "完成率96.7%"),
    ] {
        let p = Project::sample();
        leader_lectures_as_rate(&p, rate);
        let md = render_md(&p);
        assert!(md.contains(printed), "{rate} should print {printed}");
    }
    // Above 100 by any amount is refused, even when it would round to 100.
    let p = Project::sample();
    leader_lectures_as_rate(&p, "100.04");
    check(&p).expect_code(1).expect_problem(
        FACTS,
        p.position(FACTS, "100.04"),
        "rate-out-of-range",
        "应在 0 到 100 之间",
    );
}

#[test]
fn a_reported_rate_below_100_cannot_claim_full_coverage() {
    let p = Project::sample();
    p.edit(
        FIGURES,
        "    part: political.members_reached_by_lectures\n    whole: political.members\n",
        "    rate: political.lecture_rate\n",
    );
    p.edit_facts(
        "  members: 9412                         # 机关党员总数（人）\n  members_reached_by_lectures: 9412",
        "  lecture_rate: 99.95",
    );
    check(&p).expect_code(1).expect_problem(
        FACTS,
        p.position(FACTS, "99.95"),
        "claim-full-coverage",
        "讲话说“全覆盖”，但 political.lecture_rate 为 99.95，不是 100",
    );
    p.edit_facts("lecture_rate: 99.95", "lecture_rate: 100");
    assert!(render_md(&p).contains("100%全覆盖"));
}

// ---------------------------------------------------------------------------------------------
// §3 Numbers however written

#[test]
fn a_count_with_a_sign_or_leading_zeros_is_an_error_with_the_plain_number() {
    let p = Project::sample();
    p.edit_facts(
        "full_time_party_workers: 126",
        "full_time_party_workers: +126",
    );
    p.edit_facts("communities_paired: 93", "communities_paired: 010");
    p.edit_facts("volunteer_teams: 164", "volunteer_teams: 0189");
    let run = check(&p);
    run.expect_code(1)
        .expect_problem(FACTS, p.position(FACTS, "+126"), "number-format", "+126")
        .expect_problem(FACTS, p.position(FACTS, "010"), "number-format", "010")
        .expect_problem(FACTS, p.position(FACTS, "0189"), "number-format", "0189");
    let line = |needle: &str| {
        *errors(&run)
            .iter()
            .find(|l| l.contains(needle))
            .unwrap_or_else(|| panic!("{needle}\n{}", run.stderr))
    };
    assert!(line("+126").contains("提示：full_time_party_workers: 126）"));
    // 010 is octal 8 to YAML 1.1 tools and 10 here: the message says so.
    let octal = line("010");
    assert!(octal.contains('8') && octal.contains("10"), "{octal}");
    assert!(octal.contains("提示：communities_paired: 10）"), "{octal}");
    // 0189 is no octal number: still refused, with the plain number and no talk of 八进制.
    let plain = line("0189");
    assert!(plain.contains("提示：volunteer_teams: 189）"), "{plain}");
    assert!(!plain.contains("八进制"), "{plain}");
}

#[test]
fn next_year_empties_every_number_however_written() {
    let p = Project::sample();
    p.edit_facts("branches_qualified: 1380", "branches_qualified: +1380");
    p.edit_facts(
        "full_time_deputy_secretaries: 37",
        "full_time_deputy_secretaries: 037",
    );
    p.edit_facts(
        "full_time_party_workers: 126",
        "full_time_party_workers: \"126\"",
    );
    p.edit_facts("reminder_talks: 68", "reminder_talks: 68人");
    p.edit_facts(
        "    three: 148\n    four: 97\n    five: 42\n",
        "    three: 148\n    four: 97\n    five: 4_2\n",
    );
    p.run(["next-year"]).expect_code(0);
    let new = p.read("facts/2022.yaml");
    for gone in ["+1380", "037", "\"126\"", "68人", "4_2"] {
        let kept: Vec<&str> = new
            .lines()
            .filter(|l| l.split('#').next().unwrap().contains(gone))
            .collect();
        assert!(kept.is_empty(), "{gone} copied as this year's: {kept:?}");
    }
    assert!(new.contains("# 上年：+1380；"), "{new}");
    let run = p.run(["check", "2022", "--message-format", "short"]);
    run.expect_code(1);
    for fact in [
        "organisation.branches_qualified",
        "political.full_time_deputy_secretaries",
        "political.full_time_party_workers",
        "supervision.reminder_talks",
        "organisation.stars.five",
    ] {
        assert!(
            run.stderr
                .contains(&format!("error[unfilled]: {fact} 还没有填写")),
            "{fact}\n{}",
            run.stderr
        );
    }
}

#[test]
fn next_year_on_flow_style_collections_writes_yaml_that_parses() {
    let p = Project::sample();
    p.edit_facts(
        "  party_funds:                          # 党建经费（万元），讲话称“逐年提升”：须逐年上升\n    2019: 286\n    2020: 315\n    2021: 342\n",
        "  party_funds: {2019: 286, 2020: 315, 2021: 342}   # 党建经费（万元）\n",
    );
    p.edit_facts(
        "  stars:                                # 星级党组织（个）；三者合计不能超过参评总数\n    three: 148\n    four: 97\n    five: 42\n",
        "  stars: {three: 148, four: 97, five: 42}\n",
    );
    check(&p).expect_code(0);
    p.run(["next-year"]).expect_code(0);
    let new = p.read("facts/2022.yaml");
    assert!(
        new.contains("  party_funds: {2019: 286, 2020: 315, 2021: 342, 2022: ~}"),
        "{new}"
    );
    assert!(
        new.contains("  stars: {three: ~, four: ~, five: ~}"),
        "{new}"
    );
    let run = p.run(["check", "2022", "--message-format", "short"]);
    run.expect_code(1);
    assert!(!run.stderr.contains("yaml-syntax"), "{}", run.stderr);
    assert!(
        run.stderr
            .contains("error[unfilled]: political.party_funds.2022 还没有填写")
    );
    assert!(
        run.stderr
            .contains("error[unfilled]: organisation.stars.three 还没有填写")
    );
}

#[test]
fn next_year_refuses_a_year_that_is_still_unfilled() {
    let p = Project::sample();
    p.run(["next-year"]).expect_code(0);
    // The latest year is now 2022, not filled in yet: a 2023 from it would carry 2021's values
    // in its comments, labelled 上年.
    let run = p.run(["next-year"]);
    run.expect_code(1);
    assert!(run.stderr.contains("未填"), "{}", run.stderr);
    assert!(
        run.stderr.contains("直属党组织已配备专职副书记"),
        "names the unfilled figures\n{}",
        run.stderr
    );
    assert!(!p.path("facts/2023.yaml").exists());
}

// ---------------------------------------------------------------------------------------------
// §3 Names

#[test]
fn a_name_ending_in_a_title_mark_keeps_it() {
    let p = Project::sample();
    p.edit_facts(
        "lecture_hall: 党课大讲堂",
        "lecture_hall: 学习《条例（试行）》",
    );
    // A name wrapped whole in the marks the template adds is printed with one pair, not two.
    p.edit_facts(
        "brand_plan: 深化市直机关党建品牌建设暨基层党组织达标创优工作方案",
        "brand_plan: 《工作方案》",
    );
    p.edit_facts(
        "epidemic_film: 强化机关党建引领助力常态化疫情防控",
        "epidemic_film: 《战疫》与《同心》",
    );
    let md = render_md(&p);
    assert!(md.contains("以市直机关“学习《条例（试行）》”为"), "{md}");
    assert!(md.contains("制定下发《工作方案》，"), "{md}");
    assert!(md.contains("《《战疫》与《同心》》"), "{md}");
}

#[test]
fn control_and_bidi_characters_in_a_name_are_refused_at_its_line() {
    for (escape, said) in [
        ("\\n", "U+000A"),
        ("\\t", "U+0009"),
        ("\\0", "U+0000"),
        ("\\u202E", "U+202E"),
        ("\\u2066", "U+2066"),
    ] {
        let p = Project::sample();
        p.edit_facts(
            "lecture_hall: 党课大讲堂",
            &format!("lecture_hall: \"党课{escape}大讲堂\""),
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

// ---------------------------------------------------------------------------------------------
// §3 The file as a whole

#[test]
fn a_second_document_is_an_error() {
    for separator in ["---", "..."] {
        let p = Project::sample();
        let text = p.read(FACTS) + &format!("{separator}\nyear: 2022\n");
        p.write(FACTS, &text);
        let line = text.lines().count() - 1;
        let run = check(&p);
        run.expect_code(1);
        let problem = errors(&run)
            .into_iter()
            .find(|l| {
                l.starts_with(&format!("{FACTS}:{line}:"))
                    || l.starts_with(&format!("{FACTS}:{}:", line + 1))
            })
            .unwrap_or_else(|| panic!("{separator}: no error at line {line}\n{}", run.stderr));
        assert!(problem.contains("一份文档"), "{problem}");
    }
}

#[test]
fn sample_must_be_true_or_false() {
    for value in ["yes", "\"true\"", "1", "~"] {
        let p = Project::sample();
        p.edit_facts("\nsample: true\n", &format!("\nsample: {value}\n"));
        let run = check(&p);
        run.expect_code(1).expect_problem(
            FACTS,
            (7, 9),
            "wrong-type",
            "sample 只能是 true 或 false",
        );
        assert!(run.stderr.contains("提示：sample: true"), "{}", run.stderr);
    }
    let p = Project::sample();
    p.edit_facts("\nsample: true\n", "\nsample: false\n");
    let run = check(&p);
    run.expect_code(0);
    assert!(!run.stderr.contains("sample-data"));
}

#[test]
fn a_count_printed_as_zero_is_a_warning_unless_declared() {
    let p = Project::sample();
    p.edit_facts("special_inspections: 2", "special_inspections: 0");
    p.edit_facts(
        "poverty_alleviation_meetings: 6",
        "poverty_alleviation_meetings: 0",
    );
    p.edit_facts("inspected_units: 34", "inspected_units: 0");
    let run = check(&p);
    run.expect_code(0);
    let warn = |needle: &str, words: &str| {
        let (line, column) = at(&p, FACTS, needle, needle.len() - 1);
        let head = format!("{FACTS}:{line}:{column}: warning[zero-count]: ");
        let found = run.stderr.lines().find(|l| l.starts_with(&head));
        let l = found.unwrap_or_else(|| panic!("no {head}\n{}", run.stderr));
        assert!(l.contains(words), "{l}");
        assert!(l.contains("zero: ok"), "{l}");
    };
    warn("special_inspections: 0", "零次");
    warn("poverty_alleviation_meetings: 0", "0次");
    warn("inspected_units: 0", "0个");
    p.run(["check", "--deny-warnings"]).expect_code(1);
    // Declared as a zero that may be printed, it is not warned about.
    p.edit(
        FIGURES,
        "    fact: supervision.poverty_alleviation_meetings\n",
        "    fact: supervision.poverty_alleviation_meetings\n    zero: ok\n",
    );
    let run = check(&p);
    let (line, _) = p.position(FACTS, "poverty_alleviation_meetings: 0");
    assert!(
        !run.stderr.contains(&format!("{FACTS}:{line}:")),
        "{}",
        run.stderr
    );
    assert_eq!(
        problems(&run)
            .iter()
            .filter(|l| l.contains("zero-count"))
            .count(),
        2,
        "{}",
        run.stderr
    );
    // zero: anything but ok is a mistake in the declaration.
    p.edit(FIGURES, "    zero: ok\n", "    zero: yes\n");
    check(&p).expect_code(1).expect_problem(
        FIGURES,
        at(&p, FIGURES, "zero: yes", "zero: ".len()),
        "bad-declaration",
        "zero",
    );
}

// ---------------------------------------------------------------------------------------------
// §4 Messages a clerk can act on

#[test]
fn hints_are_yaml_at_the_right_nesting() {
    let p = Project::sample();
    p.edit_facts(
        "full_time_party_workers: 126",
        "full_time_party_workers: \"1,260\"",
    );
    p.edit_facts(
        "  daily_on_duty: 1264                   # 每天到岗党员干部（人，讲话写作“1200多人”）\n",
        "",
    );
    p.edit_facts("    done: 409                           # 已讲（次）\n", "");
    let run = check(&p);
    run.expect_code(1);
    let all = run.stderr.as_str();
    assert!(
        all.contains("提示：full_time_party_workers: 1260）"),
        "{all}"
    );
    for dotted in [
        "political.full_time_party_workers:",
        "service.daily_on_duty:",
        "organisation.leader_lectures:",
        "leader_lectures.done:",
    ] {
        assert!(
            !all.contains(dotted),
            "{dotted} is not YAML one can paste\n{all}"
        );
    }
    let service = p.position(FACTS, "service:");
    let missing = errors(&run)
        .into_iter()
        .find(|l| l.contains("service.daily_on_duty"))
        .unwrap();
    assert!(
        missing.starts_with(&format!("{FACTS}:{}:{}:", service.0, service.1)),
        "{missing}"
    );
    assert!(
        missing.contains("service:") && missing.contains("daily_on_duty: "),
        "{missing}"
    );
    let lectures = p.position(FACTS, "leader_lectures:");
    let missing = errors(&run)
        .into_iter()
        .find(|l| l.contains("leader_lectures.done"))
        .unwrap();
    assert!(
        missing.starts_with(&format!("{FACTS}:{}:{}:", lectures.0, lectures.1)),
        "{missing}"
    );
    assert!(
        missing.contains("leader_lectures:") && missing.contains("done: "),
        "{missing}"
    );
}

#[test]
fn one_typo_is_one_error() {
    let p = Project::sample();
    p.edit_facts("  rectification_letters: 14", "  rectification_leters: 14");
    let run = check(&p);
    run.expect_code(1).expect_problem(
        FACTS,
        p.position(FACTS, "rectification_leters"),
        "unknown-key",
        "rectification_leters",
    );
    assert_eq!(errors(&run).len(), 1, "{}", run.stderr);
    assert!(run.stderr.contains("是不是想写“rectification_letters”"));
    // A misspelt group hides every fact under it: still one error, at the misspelling.
    let p = Project::sample();
    p.edit_facts("supervision:\n", "supervison:\n");
    let run = check(&p);
    run.expect_code(1).expect_problem(
        FACTS,
        p.position(FACTS, "supervison:"),
        "unknown-key",
        "supervison",
    );
    assert_eq!(errors(&run).len(), 1, "{}", run.stderr);
    assert!(run.stderr.contains("是不是想写“supervision”"));
}

#[test]
fn a_full_width_colon_is_named_on_its_line() {
    let p = Project::sample();
    p.edit_facts("  reminder_talks: 68", "  reminder_talks：68");
    let run = check(&p);
    run.expect_code(1).expect_problem(
        FACTS,
        at(&p, FACTS, "reminder_talks：", "reminder_talks".len()),
        "yaml-syntax",
        "全角冒号",
    );
    assert!(
        run.stderr.contains("提示：reminder_talks: 68"),
        "{}",
        run.stderr
    );
    assert_eq!(errors(&run).len(), 1);
    // A full-width colon inside a name is text, not a slip.
    let p = Project::sample();
    p.edit_facts("lecture_hall: 党课大讲堂", "lecture_hall: 党课：大讲堂");
    check(&p).expect_code(0);
}

#[test]
fn full_width_digits_are_named_with_the_half_width_number() {
    let p = Project::sample();
    p.edit_facts(
        "full_time_party_workers: 126",
        "full_time_party_workers: １２６",
    );
    let run = check(&p);
    run.expect_code(1)
        .expect_problem(FACTS, p.position(FACTS, "１２６"), "wrong-type", "全角数字");
    assert!(
        run.stderr.contains("提示：full_time_party_workers: 126"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_tab_after_a_colon_is_named() {
    let p = Project::sample();
    p.edit_facts("  reminder_talks: 68", "  reminder_talks:\t68");
    let run = check(&p);
    run.expect_code(1).expect_problem(
        FACTS,
        p.position(FACTS, "\t68"),
        "yaml-syntax",
        "冒号后面是制表符",
    );
    assert!(
        run.stderr.contains("提示：reminder_talks: 68"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_tab_indent_is_reported_on_its_own_line() {
    for (from, to) in [
        ("    2020: 315", "\t  2020: 315"),
        ("    three: 148", "\t  three: 148"),
        ("  members: 9412", "\tmembers: 9412"),
    ] {
        let p = Project::sample();
        p.edit_facts(from, to);
        let (line, _) = p.position(FACTS, to);
        let run = check(&p);
        run.expect_code(1)
            .expect_problem(FACTS, (line, 1), "yaml-syntax", "制表符");
        assert_eq!(errors(&run).len(), 1);
    }
    // A full-width space (U+3000) typed by the IME is named too.
    let p = Project::sample();
    p.edit_facts("  members: 9412", "\u{3000}members: 9412");
    let (line, _) = p.position(FACTS, "\u{3000}members");
    check(&p)
        .expect_code(1)
        .expect_problem(FACTS, (line, 1), "yaml-syntax", "全角空格");
}

#[test]
fn a_list_item_missing_a_key_is_reported_at_the_item() {
    let p = Project::sample();
    p.edit_facts("      trainees: 173\n", "");
    let run = check(&p);
    run.expect_code(1).expect_problem(
        FACTS,
        p.position(FACTS, "name: 新任党支部书记"),
        "unfilled",
        "缺少事实 organisation.training_classes.2.trainees",
    );
    assert!(run.stderr.contains("trainees: "));
}

#[test]
fn library_messages_are_explained_in_chinese_first() {
    // The YAML parser: a Chinese explanation first, the parser's English after it in brackets.
    let deep = format!("  reminder_talks: {}68{}", "[".repeat(300), "]".repeat(300));
    let cases = [
        ("  reminder_talks: 68\n  @x: 1".to_owned(), "@"),
        ("  reminder_talks: \"68\"# 人次".to_owned(), "注释"),
        (deep, "嵌套"),
    ];
    for (to, words) in cases {
        let p = Project::sample();
        p.edit_facts("  reminder_talks: 68", &to);
        let run = check(&p);
        run.expect_code(1);
        let line = errors(&run)
            .into_iter()
            .find(|l| l.contains("yaml-syntax"))
            .unwrap_or_else(|| panic!("{}", run.stderr));
        assert!(!line.contains("无法解析"), "{line}");
        let message = line.split("]: ").nth(1).unwrap();
        let english = message.find(|c: char| c.is_ascii_lowercase());
        let chinese = message
            .find(words)
            .unwrap_or_else(|| panic!("{words}: {line}"));
        assert!(english.is_some_and(|e| chinese < e), "{line}");
    }
    // The operating system: a folder given where a facts file should be.
    let p = Project::sample();
    std::fs::create_dir(p.path("facts/folder.yaml")).unwrap();
    let run = p.run(["check", "facts/folder.yaml"]);
    run.expect_code(2);
    assert!(run.stderr.contains("是一个文件夹"), "{}", run.stderr);
}

#[test]
fn scientific_notation_is_not_called_a_decimal() {
    let p = Project::sample();
    p.edit_facts(
        "full_time_party_workers: 126",
        "full_time_party_workers: 1e3",
    );
    let run = check(&p);
    run.expect_code(1).expect_problem(
        FACTS,
        p.position(FACTS, "1e3"),
        "not-integer",
        "科学记数法 1e3",
    );
    assert!(!run.stderr.contains("小数"), "{}", run.stderr);
    assert!(
        run.stderr.contains("提示：full_time_party_workers: 1000"),
        "{}",
        run.stderr
    );
}

#[test]
fn messages_never_call_a_figure_a_chart() {
    // 图 reads as a chart to a clerk: a figure is a 数字 or a 数据项.
    let edits: &[(&str, &str, &str)] = &[
        (
            FACTS,
            "full_time_deputy_secretaries: 37",
            "full_time_deputy_secretaries:",
        ),
        (
            FACTS,
            "  rectification_letters: 14",
            "  rectification_lettres_sent: 14",
        ),
        (FACTS, "supervision:\n", "oversight:\n"),
        (
            FIGURES,
            "    kind: cn_count\n",
            "    kind: cn_count\n    colour: red\n",
        ),
        (FIGURES, "  reminder_talks:\n", "  reminder-talks:\n"),
        (FIGURES, "rules:\n", "rulez:\n"),
        (FIGURES, "    label: 开展提醒谈话\n", ""),
    ];
    for (file, from, to) in edits {
        let p = Project::sample();
        p.edit(file, from, to);
        let run = check(&p);
        run.expect_code(1);
        for line in problems(&run) {
            assert!(!line.contains('图'), "{to:?}: {line}");
        }
    }
}

#[test]
fn human_messages_carry_no_id_tails() {
    let p = Project::sample();
    p.edit_facts(
        "full_time_deputy_secretaries: 37",
        "full_time_deputy_secretaries:",
    );
    let run = p.run(["check"]);
    run.expect_code(1);
    assert!(run.stderr.contains("还没有填写"), "{}", run.stderr);
    assert!(!run.stderr.contains("[figure="), "{}", run.stderr);
    assert!(!run.stderr.contains("fact="), "{}", run.stderr);
}

#[test]
fn a_value_cannot_forge_a_line_of_the_short_format() {
    let forged = "facts/2021.yaml:1:1: error[forged]: 伪造";
    for (from, to) in [
        (
            "full_time_party_workers: 126",
            format!("full_time_party_workers: \"126\\n{forged}\""),
        ),
        (
            "lecture_hall: 党课大讲堂",
            format!("lecture_hall: \"党课\\n{forged}\""),
        ),
    ] {
        let p = Project::sample();
        p.edit_facts(from, &to);
        for format in ["short", "human", "github"] {
            let run = p.run(["check", "--message-format", format]);
            run.expect_code(1);
            assert!(
                !run.stderr
                    .lines()
                    .any(|l| l.starts_with("facts/2021.yaml:1:1")),
                "{format}\n{}",
                run.stderr
            );
            assert!(
                !run.stderr
                    .lines()
                    .any(|l| l.starts_with("::error file=facts/2021.yaml,line=1,")),
                "{format}\n{}",
                run.stderr
            );
        }
    }
}

#[test]
fn a_file_over_the_size_limit_is_refused_before_it_is_read_whole() {
    let p = Project::sample();
    std::os::unix::fs::symlink("/dev/zero", p.path("facts/2022.yaml")).unwrap();
    // Under a 1 GB address-space limit: reading /dev/zero whole would abort, not be refused.
    // A device is no facts file at all (issue 18, §3): refused before a byte is read, exit 2.
    let binary = assert_cmd::cargo::cargo_bin("speechgen");
    let output = std::process::Command::new("sh")
        .arg("-c")
        .arg("ulimit -v 1048576; exec \"$0\" check 2022 --message-format short")
        .arg(&binary)
        .current_dir(p.root())
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let run = Run::from(output);
    run.expect_code(2)
        .expect_stderr("facts/2022.yaml")
        .expect_stderr("这是一个设备，不是普通文件");
    // A regular file over the limit (sparse: 2 GB of nothing on disk) is refused by its size.
    std::fs::remove_file(p.path("facts/2022.yaml")).unwrap();
    std::fs::File::create(p.path("facts/2022.yaml"))
        .unwrap()
        .set_len(2 << 30)
        .unwrap();
    check_with(&p, &["2022"]).expect_code(1).expect_problem(
        "facts/2022.yaml",
        (1, 1),
        "file-too-large",
        "2147483648 字节",
    );
}

// ---------------------------------------------------------------------------------------------
// §5 Hostile files already handled, each through the binary with code, place and message

/// Writes `bytes` as the facts file and asserts exactly one error, the first at `at`
/// (line, column) with `code` and `words` in its message.
fn refused(name: &str, bytes: &[u8], (line, column): (usize, usize), code: &str, words: &str) {
    let p = Project::sample();
    std::fs::write(p.path(FACTS), bytes).unwrap();
    let run = check(&p);
    assert_eq!(run.code, 1, "{name}\n{}", run.stderr);
    let errors = errors(&run);
    let first = errors
        .first()
        .unwrap_or_else(|| panic!("{name}: no error\n{}", run.stderr));
    let head = format!("{FACTS}:{line}:{column}: error[{code}]: ");
    assert!(first.starts_with(&head), "{name}: {first}");
    assert!(first.contains(words), "{name}: {first}");
    assert_eq!(errors.len(), 1, "{name}: one error\n{}", run.stderr);
}

#[test]
fn hostile_files_are_refused_with_a_place_and_a_reason() {
    refused(
        "alias bomb",
        b"year: 2021\na: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n",
        (3, 8),
        "yaml-syntax",
        "不支持锚点和别名",
    );
    // 100 000 brackets: the parser's scanner stops at its own limit (at the 256th), said in Chinese.
    let mut deep_flow = b"year: 2021\nx: ".to_vec();
    deep_flow.extend(std::iter::repeat_n(b'[', 100_000));
    deep_flow.extend(std::iter::repeat_n(b']', 100_000));
    refused(
        "deep flow nesting",
        &deep_flow,
        (2, 259),
        "yaml-syntax",
        "嵌套层数太多",
    );
    // 200 000 nested `- `: overflowed the stack (exit 134) before.
    let mut deep_block = b"year: 2021\nx:\n  ".to_vec();
    for _ in 0..200_000 {
        deep_block.extend_from_slice(b"- ");
    }
    deep_block.extend_from_slice(b"1\n");
    refused(
        "deep block nesting",
        &deep_block,
        (3, 129),
        "yaml-syntax",
        "嵌套层数太多",
    );
    let mut huge = b"year: 2021\n# ".to_vec();
    huge.extend(std::iter::repeat_n(b'x', 2 << 20));
    refused("huge file", &huge, (1, 1), "file-too-large", "超过上限");
    // 党课 in GBK: the place of the first byte that is not UTF-8.
    refused(
        "GBK",
        b"year: 2021\npolitical:\n  lecture_hall: \xb5\xb3\xbf\xce\n",
        (3, 17),
        "not-utf8",
        "不是 UTF-8",
    );
    let binary: Vec<u8> = (0u8..=255).cycle().take(4096).collect();
    refused("binary", &binary, (1, 1), "control-character", "U+0000");
    // The parser stops at a NUL without a word: what follows it was silently lost.
    refused(
        "NUL inside text",
        b"year: 2021\nsample: true\x00\npolitical: 1\n",
        (2, 13),
        "control-character",
        "U+0000",
    );
    refused("empty", b"", (1, 1), "unfilled", "缺少年份");
    refused(
        "duplicate keys",
        b"year: 2021\nyear: 2021\n",
        (2, 1),
        "yaml-syntax",
        "重复出现",
    );
    refused(
        "a YAML tag",
        b"year: 2021\nsample: !!str true\n",
        (2, 9),
        "yaml-syntax",
        "不支持 YAML 标签（!!str）",
    );
}
