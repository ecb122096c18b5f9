//! `speechgen check`: every kind of bad input, through the binary, with exit code, the value's own
//! file:line:column and a plain message.

use crate::harness::{FACTS, FIGURES, Project, Run, TEMPLATE, check};

#[test]
fn the_sample_passes_with_its_sample_warning() {
    let p = Project::sample();
    let run = check(&p);
    run.expect_code(0);
    assert!(
        run.stderr
            .contains("facts/2021.yaml:7:1: warning[sample-data]"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("通过（0 个错误，1 个警告）"));
    // Sample data is refused where warnings are not tolerated.
    p.run(["check", "--deny-warnings"]).expect_code(1);
}

#[test]
fn null_value_is_unfilled_at_the_value() {
    let p = Project::sample();
    p.edit_facts(
        "full_time_deputy_secretaries: 37",
        "full_time_deputy_secretaries: ~",
    );
    let at = p.position(FACTS, "~      #");
    check(&p)
        .expect_code(1)
        .expect_problem(FACTS, at, "unfilled", "还没有填写");
}

#[test]
fn empty_value_is_unfilled_right_after_its_colon() {
    let p = Project::sample();
    p.edit_facts("reminder_talks: 68", "reminder_talks:");
    let (line, col) = p.position(FACTS, "reminder_talks:");
    check(&p).expect_code(1).expect_problem(
        FACTS,
        (line, col + "reminder_talks:".len()),
        "unfilled",
        "supervision.reminder_talks 还没有填写",
    );
}

#[test]
fn missing_key_is_unfilled_at_its_group() {
    let p = Project::sample();
    p.edit_facts(
        "  poverty_alleviation_meetings: 6       # 召开脱贫攻坚专题会议（次）\n",
        "",
    );
    let at = p.position(FACTS, "supervision:");
    check(&p).expect_code(1).expect_problem(
        FACTS,
        at,
        "unfilled",
        "缺少事实 supervision.poverty_alleviation_meetings",
    );
}

#[test]
fn wrong_type_names_what_was_expected() {
    let p = Project::sample();
    p.edit_facts(
        "full_time_party_workers: 126",
        "full_time_party_workers: \"1,26\"",
    );
    let at = p.position(FACTS, "\"1,26\"");
    let run = check(&p);
    run.expect_code(1)
        .expect_problem(FACTS, at, "wrong-type", "应是整数，这里是文字“1,26”");
    assert!(run.stderr.contains("不加千位分隔符"));
}

#[test]
fn negative_and_fractional_counts_are_refused() {
    let p = Project::sample();
    p.edit_facts("communities_paired: 93", "communities_paired: -3");
    p.edit_facts("volunteer_teams: 164", "volunteer_teams: 16.4");
    let neg = p.position(FACTS, "-3");
    let frac = p.position(FACTS, "16.4");
    check(&p)
        .expect_code(1)
        .expect_problem(FACTS, neg, "negative", "不能为负数")
        .expect_problem(FACTS, frac, "not-integer", "应是整数，这里是小数 16.4");
}

#[test]
fn a_number_too_large_for_any_count_is_out_of_range_not_a_fraction() {
    let p = Project::sample();
    p.edit_facts("members: 9412 ", "members: 99999999999999999999 ");
    let at = p.position(FACTS, "99999999999999999999");
    check(&p)
        .expect_code(1)
        .expect_problem(FACTS, at, "out-of-range", "数值太大");
}

#[test]
fn a_reported_rate_must_lie_between_0_and_100() {
    let p = Project::sample();
    // Where no counts exist, a percentage may be a reported rate.
    p.edit(
        FIGURES,
        "    part: organisation.leader_lectures.done\n    whole: organisation.leader_lectures.required\n",
        "    rate: organisation.leader_lectures_rate\n",
    );
    p.edit_facts(
        "  leader_lectures:                      # 党员领导干部讲党课\n    required: 412                       # 应讲（次）\n    done: 409                           # 已讲（次）\n",
        "  leader_lectures_rate: 103.5\n",
    );
    let at = p.position(FACTS, "103.5");
    check(&p)
        .expect_code(1)
        .expect_problem(FACTS, at, "rate-out-of-range", "应在 0 到 100 之间");
    p.edit_facts("leader_lectures_rate: 103.5", "leader_lectures_rate: 99.25");
    p.run(["render", "--format", "md", "-o", "out"])
        .expect_code(0);
    assert!(p.read("out/speech.md").contains("讲党课完成率99.3%"));
}

#[test]
fn a_part_larger_than_its_whole_is_refused_at_the_part() {
    let p = Project::sample();
    p.edit_facts("on_time: 6744", "on_time: 6900");
    let at = p.position(FACTS, "6900");
    check(&p)
        .expect_code(1)
        .expect_problem(FACTS, at, "part-exceeds-whole", "部分大于整体：organisation.branch_meetings.on_time 为 6900，超过了 organisation.branch_meetings.required 的 6850");
}

#[test]
fn star_ratings_cannot_add_up_to_more_than_all_rated() {
    let p = Project::sample();
    p.edit_facts("five: 42", "five: 242");
    let at = p.position(FACTS, "386");
    check(&p).expect_code(1).expect_problem(
        FACTS,
        at,
        "sum-exceeds-whole",
        "合计 487，超过了 organisation.rated_organisations 的 386",
    );
}

#[test]
fn a_zero_whole_is_refused() {
    let p = Project::sample();
    p.edit_facts("required: 412", "required: 0");
    let (line, col) = p.position(FACTS, "required: 0");
    check(&p).expect_code(1).expect_problem(
        FACTS,
        (line, col + "required: ".len()),
        "zero-whole",
        "不能为 0",
    );
}

#[test]
fn an_unknown_key_suggests_the_known_one() {
    let p = Project::sample();
    p.edit_facts("  rectification_letters: 14", "  rectification_leters: 14");
    let at = p.position(FACTS, "rectification_leters");
    let run = check(&p);
    run.expect_code(1)
        .expect_problem(FACTS, at, "unknown-key", "未知的键“rectification_leters”");
    assert!(
        run.stderr.contains("是不是想写“rectification_letters”"),
        "{}",
        run.stderr
    );
}

#[test]
fn full_coverage_below_100_percent_is_a_false_claim() {
    let p = Project::sample();
    p.edit_facts(
        "members_reached_by_lectures: 9412",
        "members_reached_by_lectures: 9411",
    );
    let at = p.position(FACTS, "9411");
    check(&p)
        .expect_code(1)
        .expect_problem(FACTS, at, "claim-full-coverage", "讲话说“全覆盖”，但 political.members_reached_by_lectures 为 9411，少于 political.members 的 9412（99.9%）");
}

#[test]
fn a_series_that_does_not_rise_is_a_false_claim() {
    let p = Project::sample();
    p.edit_facts("    2021: 342", "    2021: 315");
    let at = p.position(FACTS, "2021: 315");
    check(&p).expect_code(1).expect_problem(
        FACTS,
        (at.0, at.1 + 6),
        "claim-rising",
        "党建经费逐年提升",
    );
}

#[test]
fn all_when_not_all_is_a_false_claim() {
    let p = Project::sample();
    p.edit_facts(
        "committees_with_discipline_commission: 52",
        "committees_with_discipline_commission: 51",
    );
    let at = p.position(FACTS, "51");
    check(&p).expect_code(1).expect_problem(
        FACTS,
        at,
        "claim-all",
        "讲话说“直属机关党委已全部设立机关纪委”",
    );
}

#[test]
fn malformed_yaml_is_reported_where_the_parser_stopped() {
    let p = Project::sample();
    p.edit_facts("lecture_hall: 党课大讲堂", "lecture_hall: \"党课大讲堂");
    let at = p.position(FACTS, "\"党课大讲堂");
    check(&p).expect_code(1).expect_problem(
        FACTS,
        at,
        "yaml-syntax",
        "YAML 格式错误：引号里的文字没有结束",
    );
    // A badly indented key: reported on its line or the next, and nothing else is checked.
    let p = Project::sample();
    p.edit_facts("  documents_relayed: 23", " documents_relayed: 23");
    let run = check(&p);
    run.expect_code(1);
    let line = p.position(FACTS, " documents_relayed: 23").0;
    let near = [line, line + 1]
        .iter()
        .any(|l| run.stderr.contains(&format!("facts/2021.yaml:{l}:")));
    assert!(near, "{}", run.stderr);
    assert!(run.stderr.contains("未通过（1 个错误"), "{}", run.stderr);
}

#[test]
fn a_duplicate_key_is_reported_at_its_second_occurrence() {
    let p = Project::sample();
    p.edit_facts(
        "  reminder_talks: 68",
        "  reminder_talks: 68\n  reminder_talks: 70",
    );
    let run = check(&p);
    run.expect_code(1);
    let at = p.position(FACTS, "reminder_talks: 70");
    run.expect_problem(FACTS, at, "yaml-syntax", "键“reminder_talks”重复出现");
}

#[test]
fn a_figure_the_template_uses_must_be_declared() {
    let p = Project::sample();
    p.edit(
        TEMPLATE,
        "{{ fig.reminder_talks }}",
        "{{ fig.reminder_talk }}",
    );
    let at = p.position(TEMPLATE, "fig.reminder_talk }}");
    let run = check(&p);
    run.expect_code(1).expect_problem(
        TEMPLATE,
        at,
        "undeclared-figure",
        "模板使用了未声明的数据项 fig.reminder_talk",
    );
    assert!(run.stderr.contains("是不是想写 fig.reminder_talks"));
    // …and the declared one, now unused, is a warning at its declaration.
    let decl = p.position(FIGURES, "reminder_talks:");
    assert!(
        run.stderr.contains(&format!(
            "templates/figures.yaml:{}:{}: warning[unused-figure]",
            decl.0, decl.1
        )),
        "{}",
        run.stderr
    );
}

#[test]
fn a_figure_declared_over_facts_that_do_not_exist() {
    let p = Project::sample();
    p.edit(
        FIGURES,
        "fact: supervision.rectification_letters",
        "fact: discipline.rectification_letters",
    );
    let at = p.position(FIGURES, "discipline.rectification_letters");
    let run = check(&p);
    run.expect_code(1).expect_problem(
        FIGURES,
        at,
        "missing-fact",
        "声明读取事实 discipline.rectification_letters",
    );
    // The fact no figure reads any more is an unknown key.
    let key = p.position(FACTS, "rectification_letters");
    run.expect_problem(FACTS, key, "unknown-key", "rectification_letters");
}

#[test]
fn a_template_syntax_error_points_into_the_template() {
    let p = Project::sample();
    p.edit(
        TEMPLATE,
        "{{ fig.poverty_meetings }}",
        "{{ fig.poverty_meetings }",
    );
    let run = p.run(["render", "--message-format-is-not-a-render-flag"]);
    run.expect_code(2);
    let run = p.run(["render", "-o", "out"]);
    run.expect_code(1);
    let line = p.position(TEMPLATE, "{{ fig.poverty_meetings }").0;
    assert!(
        run.stderr
            .contains(&format!("templates/speech.md.tera:{line}:")),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("error[template]"), "{}", run.stderr);
    assert!(!p.path("out").exists());
}

#[test]
fn a_bad_figure_declaration_is_reported_in_the_declarations() {
    let p = Project::sample();
    p.edit(FIGURES, "    kind: cn_count\n", "    kind: cn_cuont\n");
    let at = p.position(FIGURES, "cn_cuont");
    let run = check(&p);
    run.expect_code(1)
        .expect_problem(FIGURES, at, "bad-declaration", "种类“cn_cuont”不存在");
    assert!(run.stderr.contains("cn_count"));
}

#[test]
fn a_year_that_disagrees_with_the_file_name() {
    let p = Project::sample();
    p.edit_facts("year: 2021", "year: 2020");
    check(&p).expect_code(1).expect_problem(
        FACTS,
        (6, 7),
        "year-mismatch",
        "文件名是 2021.yaml，但 year 写的是 2020",
    );
}

#[test]
fn every_problem_is_reported_in_one_run() {
    let p = Project::sample();
    p.edit_facts(
        "full_time_deputy_secretaries: 37",
        "full_time_deputy_secretaries:",
    );
    p.edit_facts("communities_paired: 93", "communities_paired: -3");
    p.edit_facts("  rectification_letters: 14", "  rectification_leters: 14");
    let run = check(&p);
    run.expect_code(1);
    // Three mistakes, three errors. This said 4 until issue 8: the misspelt key was reported
    // twice, as an unknown key and again as the fact it left missing (one typo, one error now).
    assert!(
        run.stderr.contains("未通过（3 个错误，1 个警告）"),
        "{}",
        run.stderr
    );
}

#[test]
fn human_messages_show_the_line_and_a_hint() {
    let p = Project::sample();
    p.edit_facts(
        "full_time_party_workers: 126",
        "full_time_party_workers: 126人",
    );
    let run = p.run(["check"]);
    run.expect_code(1);
    let line = p.position(FACTS, "126人").0;
    assert!(
        run.stderr
            .contains(&format!("--> facts/2021.yaml:{line}:28")),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("full_time_party_workers: 126人"));
    assert!(run.stderr.contains("^^^"));
    // Until issue 8 the hint was `…：political.full_time_party_workers: 126`, a dotted path that
    // is no YAML one can paste. The explanation moved into the message; the hint is the line as it
    // should be written, at its own nesting.
    assert!(
        run.stderr
            .contains("应是整数，这里是文字“126人”：只写数字，不加千位分隔符、单位或引号"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("help: full_time_party_workers: 126\n"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_number_with_letters_in_it_gets_no_guessed_number() {
    let p = Project::sample();
    p.edit_facts(
        "full_time_party_workers: 126",
        "full_time_party_workers: 1a6",
    );
    let run = check(&p);
    run.expect_code(1);
    assert!(run.stderr.contains("这里要填一个整数"), "{}", run.stderr);
    assert!(
        !run.stderr.contains("full_time_party_workers: 16"),
        "no guess at which number was meant"
    );
}

#[test]
fn github_annotations_for_ci() {
    let p = Project::sample();
    p.edit_facts(
        "full_time_party_workers: 126",
        "full_time_party_workers: 12x",
    );
    let run = p.run(["check", "--message-format", "github"]);
    run.expect_code(1);
    let line = p.position(FACTS, "12x").0;
    let expected = format!(
        "::error file=facts/2021.yaml,line={line},col=28,title=speechgen wrong-type::political.full_time_party_workers 应是整数"
    );
    assert!(run.stderr.contains(&expected), "{}", run.stderr);
    assert!(
        run.stderr
            .contains("::warning file=facts/2021.yaml,line=7,col=1,title=speechgen sample-data::")
    );
    // GitHub Actions is recognised without the flag.
    let auto = Run::of(p.command(["check"]).env("GITHUB_ACTIONS", "true"));
    assert!(auto.stderr.contains(&expected));
}

#[test]
fn usage_and_io_errors_exit_2() {
    let p = Project::sample();
    p.run(["check", "facts/1999.yaml"]).expect_code(2);
    p.run(["render", "--format", "odt"]).expect_code(2);
    let run = Project::empty().run(["check"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("找不到讲话稿项目"));
}

#[test]
fn help_teaches_with_examples() {
    let p = Project::sample();
    let run = p.run(["--help"]);
    run.expect_code(0);
    assert!(run.stdout.contains("Examples:"));
    assert!(
        run.stdout
            .contains("speechgen check --message-format github")
    );
    assert!(run.stdout.contains("Exit codes"));
}

#[test]
fn figures_lists_value_formula_and_source() {
    let p = Project::sample();
    let run = p.run(["figures"]);
    run.expect_code(0);
    let line = p.position("facts/2021.yaml", "branches_qualified: 1380").0;
    let block = format!(
        "达标党支部占比  [branches_qualified_share]\n     印出：96.7%\n\
         \x20    输入：部分 organisation.branches_qualified = 1380\n\
         \x20    输入：整体 organisation.branches = 1427\n\
         \x20    算法：1380 ÷ 1427 × 100 = 96.706，保留一位小数为 96.7\n\
         \x20    位置：facts/2021.yaml:{line}，facts/2021.yaml:{}",
        line - 1
    );
    assert!(run.stdout.contains(&block), "{}", run.stdout);
    assert!(
        run.stdout
            .contains("培训党建带头人  [trainees]\n     印出：1001名"),
        "{}",
        run.stdout
    );
}
