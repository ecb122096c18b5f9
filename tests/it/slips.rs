//! Issue 18 §7: slips a clerk makes, and messages that send them to the right place: lists typed
//! with the Chinese input method on, a key without a space after its colon, the year's real rule,
//! Tera's own line, help in Chinese throughout.

use crate::harness::{FACTS, FIGURES, Project, REPO, TEMPLATE, at, check};

fn expect_hint(run: &crate::harness::Run, hint: &str) {
    assert!(
        run.stderr.contains(&format!("提示：{hint}")),
        "no hint {hint:?}\n{}",
        run.stderr
    );
}

#[test]
fn full_width_commas_and_brackets_in_a_list_are_named_with_the_fix() {
    for (written, at_text, said, fixed) in [
        (
            "[红旗渠干部学院，广西干部学院, 市委党校]",
            "红旗渠",
            "全角逗号",
            "training_bases: [红旗渠干部学院, 广西干部学院, 市委党校]",
        ),
        (
            "[红旗渠干部学院、广西干部学院、市委党校]",
            "红旗渠",
            "顿号",
            "training_bases: [红旗渠干部学院, 广西干部学院, 市委党校]",
        ),
        (
            "［红旗渠干部学院, 广西干部学院］",
            "［",
            "全角",
            "training_bases: [红旗渠干部学院, 广西干部学院]",
        ),
        (
            "【红旗渠干部学院，广西干部学院】",
            "【",
            "全角",
            "training_bases: [红旗渠干部学院, 广西干部学院]",
        ),
    ] {
        let p = Project::sample();
        p.edit_facts(
            "training_bases: [红旗渠干部学院, 广西干部学院, 市委党校]",
            &format!("training_bases: {written}"),
        );
        let run = check(&p);
        run.expect_code(1)
            .expect_problem(FACTS, p.position(FACTS, at_text), "list-slip", said);
        expect_hint(&run, fixed);
    }
    // A name that holds a comma, quoted, is one name; so is a name with 、 outside a list.
    let p = Project::sample();
    p.edit_facts(
        "training_bases: [红旗渠干部学院, 广西干部学院, 市委党校]",
        "training_bases: [\"红旗渠干部学院，广西干部学院\", 市委党校]",
    );
    check(&p).expect_code(0);
}

#[test]
fn a_key_without_a_space_after_its_colon_is_named_on_its_own_line() {
    let p = Project::sample();
    p.edit_facts("branches_qualified: 1380 ", "branches_qualified:1380 ");
    let run = check(&p);
    run.expect_code(1).expect_problem(
        FACTS,
        at(&p, FACTS, "branches_qualified:1380", 19),
        "yaml-syntax",
        "冒号后面缺一个空格",
    );
    expect_hint(&run, "branches_qualified: 1380");

    // At the end of the file, where the parser showed no line at all.
    let p = Project::sample();
    let text = p.read(FACTS) + "  extra_count:73\n";
    p.write(FACTS, &text);
    let line = text.lines().count();
    let run = check(&p);
    run.expect_code(1)
        .expect_problem(FACTS, (line, 15), "yaml-syntax", "extra_count");
    expect_hint(&run, "extra_count: 73");
}

#[test]
fn a_year_out_of_range_states_the_range() {
    let p = Project::sample();
    p.edit_facts("year: 2021", "year: 1948");
    check(&p)
        .expect_code(1)
        .expect_problem(FACTS, (6, 7), "wrong-type", "1949 到 2200 之间");
}

#[test]
fn tera_errors_without_a_span_are_placed_at_tera_s_own_line() {
    for (tag, column, said) in [
        ("{{ year | date(format=\"%Y\") }}", 11, "过滤器"),
        ("{% include \"x.md\" %}", 12, "模板文件"),
    ] {
        let p = Project::sample();
        let text = p.read(TEMPLATE);
        let mut lines: Vec<&str> = text.lines().collect();
        lines.insert(12, tag);
        p.write(TEMPLATE, &(lines.join("\n") + "\n"));
        check(&p)
            .expect_code(1)
            .expect_problem(TEMPLATE, (13, column), "template", said);
    }
}

#[test]
fn help_is_chinese_throughout() {
    let p = Project::sample();
    for command in [
        "render",
        "check",
        "diff",
        "figures",
        "serve",
        "import",
        "init",
        "next-year",
    ] {
        for flag in ["-h", "--help"] {
            let run = p.run([command, flag]);
            run.expect_code(0);
            for english in ["[default:", "[possible values:", "Possible values:"] {
                assert!(
                    !run.stdout.contains(english),
                    "{command} {flag}: {english}\n{}",
                    run.stdout
                );
            }
        }
    }
    let render = p.run(["render", "--help"]);
    render
        .expect_stdout("[默认：auto]")
        .expect_stdout("可选值：");
    p.run(["render", "-h"]).expect_stdout("[可选：");
    p.run(["import", "--help"])
        .expect_stdout("示例")
        .expect_stdout("显示改了什么")
        .expect_stdout("退出码 0");
    p.run(["init", "--help"])
        .expect_stdout("示例")
        .expect_stdout("退出码 1");
    let run = p.run(["render", "--draft", "--mask"]);
    run.expect_code(2).expect_stderr("用法：speechgen render");
    assert!(!run.stderr.contains("Usage:"), "{}", run.stderr);
    assert!(
        !run.stderr.contains("For more information"),
        "{}",
        run.stderr
    );
}

#[test]
fn the_shipped_template_calls_a_figure_a_data_item() {
    let template = std::fs::read_to_string(format!("{REPO}/templates/speech.md.tera")).unwrap();
    let comment = template.split("-#}").next().unwrap();
    assert!(!comment.contains("一个图"), "{comment}");
    assert!(comment.contains("数据项"), "{comment}");
    let figures = std::fs::read_to_string(format!("{REPO}/templates/figures.yaml")).unwrap();
    assert!(!figures.contains("# 图"), "{}", &figures[..200]);
}

#[test]
fn an_empty_list_is_reported_at_the_list() {
    let p = Project::sample();
    let text = p.read(FACTS);
    let mut lines: Vec<String> = Vec::new();
    let mut skipping = false;
    for line in text.lines() {
        if line.starts_with("  training_classes:") {
            lines.push("  training_classes: []".into());
            skipping = true;
            continue;
        }
        if skipping && line.starts_with("    ") {
            continue;
        }
        skipping = false;
        lines.push(line.into());
    }
    p.write(FACTS, &(lines.join("\n") + "\n"));
    check(&p).expect_code(1).expect_problem(
        FACTS,
        at(&p, FACTS, "training_classes: []", 18),
        "unfilled",
        "是空的",
    );
}

#[test]
fn deleting_an_unused_declaration_names_the_fact_it_leaves_behind() {
    let p = Project::sample();
    p.edit(
        FIGURES,
        "rules:\n",
        "  blood_donors:\n    label: 献血人次\n    unit: 人次\n    kind: count\n    fact: service.blood_donors\nrules:\n",
    );
    p.edit_facts("service:\n", "service:\n  blood_donors: 120\n");
    let decl = p.position(FIGURES, "blood_donors:").0;
    let fact = p.position(FACTS, "blood_donors:").0;
    let run = check(&p);
    run.expect_code(0);
    let warning = run
        .stderr
        .lines()
        .find(|l| l.contains("warning[unused-figure]"))
        .unwrap_or_else(|| panic!("{}", run.stderr));
    assert!(
        warning.contains(&format!(
            "删除这条声明（templates/figures.yaml 第 {decl} 行）"
        )),
        "{warning}"
    );
    assert!(
        warning.contains(&format!("service.blood_donors（第 {fact} 行）")),
        "{warning}"
    );
}

#[test]
fn after_a_layout_error_the_summary_counts_the_warnings_printed() {
    let p = Project::sample();
    p.edit_facts("lecture_hall: 党课大讲堂", "lecture_hall: 党课😀大讲堂");
    let run = p.run([
        "render", "--format", "pdf", "--fonts", "bundled", "-o", "out",
    ]);
    run.expect_code(1);
    let printed = run.stderr.matches("warning[").count();
    assert!(printed >= 1, "{}", run.stderr);
    run.expect_stderr(&format!("1 个错误，{printed} 个警告；"));
}

#[test]
fn a_first_real_year_shows_errors_first_and_carried_over_names_as_one_group() {
    let p = Project::sample();
    p.run(["next-year"]).expect_code(0);
    // A first real year: the numbers left empty are errors, the names carried over are warnings.
    let run = p.run(["check", "2022"]);
    run.expect_code(1);
    let err = &run.stderr;
    let first_error = err.find("error[").unwrap_or_else(|| panic!("{err}"));
    let group = err
        .find("项与上年相同或沿用了上年的名称")
        .unwrap_or_else(|| panic!("{err}"));
    assert!(first_error < group, "{err}");
    assert!(
        !err[first_error..group].contains("warning[carried-over-name]"),
        "{err}"
    );
    assert!(!err.contains("warning[carried-over-name]"), "{err}");
    let lines: Vec<&str> = err[group..]
        .lines()
        .skip(1)
        .take_while(|l| l.starts_with("  facts/2022.yaml:"))
        .collect();
    assert!(lines.len() > 15, "{err}");
    let hall = lines
        .iter()
        .find(|l| l.contains("political.lecture_hall"))
        .unwrap_or_else(|| panic!("{err}"));
    assert!(
        hall.contains("沿用了 2021 年（样例数据）的名称“党课大讲堂”"),
        "{hall}"
    );
    // In full with --verbose.
    let verbose = p.run(["check", "2022", "--verbose"]);
    verbose.expect_code(1);
    assert_eq!(
        verbose.stderr.matches("warning[carried-over-name]").count()
            + verbose.stderr.matches("warning[same-as-last-year]").count(),
        lines.len(),
        "{}",
        verbose.stderr
    );
}

#[test]
fn next_year_replaces_last_years_note_instead_of_appending() {
    let p = Project::sample();
    // A 2022 made by next-year and filled in: its numbers carry 2021's values as notes.
    let text = p
        .read(FACTS)
        .replace("year: 2021", "year: 2022")
        .replace("    2021: 342\n", "    2021: 342\n    2022: 360\n")
        .replace(
            "full_time_party_workers: 126          # 落实",
            "full_time_party_workers: 130          # 上年：126；落实",
        )
        .replace(
            "full_time_deputy_secretaries: 37      # 直属党组织已配备专职副书记（人）",
            "full_time_deputy_secretaries: 39      # 上年：37",
        )
        .replace("daily_on_duty: 1264 ", "daily_on_duty: 1350 ")
        .replace("inspected_units: 34 ", "inspected_units: 41 ");
    p.write("facts/2022.yaml", &text);
    p.run(["next-year", "2022"]).expect_code(0);
    let made = p.read("facts/2023.yaml");
    let line = |key: &str| {
        made.lines()
            .find(|l| l.trim_start().starts_with(key))
            .unwrap_or_else(|| panic!("{key}\n{made}"))
            .to_owned()
    };
    let workers = line("full_time_party_workers:");
    assert!(
        workers.ends_with("# 上年：130；落实专职党务工作人员（人）"),
        "{workers}"
    );
    let deputies = line("full_time_deputy_secretaries:");
    assert!(deputies.ends_with("# 上年：39"), "{deputies}");
    // The note on how the speech prints the value says what 2022 printed.
    let duty = line("daily_on_duty:");
    assert!(duty.contains("# 上年：1350；"), "{duty}");
    assert!(duty.contains("讲话写作“1300多人”"), "{duty}");
    let units = line("inspected_units:");
    assert!(units.contains("讲话写作“40多个”"), "{units}");
}

#[test]
fn the_sheet_honours_confirmed() {
    let p = Project::sample();
    let last = p.read(FACTS).replace("year: 2021", "year: 2020");
    p.write("facts/2020.yaml", &last);
    let text = p.read(FACTS) + "confirmed:\n  - political.lecture_hall\n";
    p.write(FACTS, &text);
    let run = p.run(["figures", "2021", "--format", "json"]);
    run.expect_code(0);
    let sheet: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let row = |id: &str| {
        sheet["figures"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["id"] == id)
            .unwrap()
            .clone()
    };
    assert_eq!(row("lecture_hall")["change"]["confirmed"], true);
    assert_eq!(row("media_column")["change"]["confirmed"], false);
    let text = p.run(["figures", "2021"]).stdout;
    let hall = text
        .lines()
        .position(|l| l.contains("lecture_hall") || l.contains("市直机关党课载体"))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(
        text.lines()
            .skip(hall)
            .take(8)
            .any(|l| l.contains("已确认仍适用")),
        "{text}"
    );
    let csv = p.run(["figures", "2021", "--format", "csv"]).stdout;
    let line = csv
        .lines()
        .find(|l| l.contains(",lecture_hall,"))
        .unwrap_or_else(|| panic!("{csv}"));
    assert!(line.contains("已确认（confirmed:）"), "{line}");
}

#[test]
fn a_sample_last_year_is_named_where_the_sheet_compares_with_it() {
    let p = Project::sample();
    let last = p.read(FACTS).replace("year: 2021", "year: 2020");
    p.write("facts/2020.yaml", &last);
    let said = "样例数据 sample: true：上年与变化两列比较的是虚构的数字";
    p.run(["figures", "2021"])
        .expect_code(0)
        .expect_stdout(said);
    let json = p.run(["figures", "2021", "--format", "json"]).stdout;
    assert!(
        json.contains("\"sample\": true") || json.contains("\"sample\":true"),
        "{json}"
    );
    p.write(
        "facts/2020.yaml",
        &last.replace("\nsample: true\n", "\nsample: false\n"),
    );
    let run = p.run(["figures", "2021"]);
    assert!(!run.stdout.contains(said), "{}", run.stdout);
}
