//! Year on year, as a reviewer and a clerk meet it: `diff` shows a raw change that prints the
//! same and every name carried over; `check` warns about last year's values until they are
//! confirmed; the JSON outputs parse and hold what the text says; `next-year` gives the editor
//! its schema and `check` notices when that schema is stale; every command explains itself in
//! Chinese.

use crate::harness;

use crate::harness::Project;
use serde_json::Value;

/// 2022 as a copy of the sample's 2021: every value last year's, the series given 2022.
fn copied_2022(p: &Project) -> String {
    let text = p
        .read_facts()
        .replace("year: 2021", "year: 2022")
        .replace("    2021: 342\n", "    2021: 342\n    2022: 360\n");
    p.write("facts/2022.yaml", &text);
    text
}

fn json(run: &harness::Run) -> Value {
    serde_json::from_str(&run.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}\n--- stdout\n{}\n--- stderr\n{}",
            run.stdout, run.stderr
        )
    })
}

/// The problems `check --message-format json` found in the one facts file it checked.
fn problems(p: &Project, args: &[&str]) -> (i32, Vec<Value>) {
    let mut all = vec!["check", "--message-format", "json"];
    all.extend_from_slice(args);
    let run = p.run(&all);
    let doc = json(&run);
    let files = doc["files"].as_array().expect("an array of facts files");
    assert_eq!(files.len(), 1, "{doc:#}");
    (run.code, files[0]["problems"].as_array().unwrap().clone())
}

fn with_code<'a>(problems: &'a [Value], code: &str) -> Vec<&'a Value> {
    problems.iter().filter(|p| p["code"] == code).collect()
}

#[test]
fn diff_shows_a_raw_change_that_prints_the_same_and_the_names_carried_over() {
    let p = Project::sample();
    let text = copied_2022(&p)
        .replace("responsibility_areas: 318", "responsibility_areas: 322")
        .replace("branches_qualified: 1380", "branches_qualified: 1400");
    p.write(
        "facts/2022.yaml",
        &format!("{text}confirmed:\n  - political.lecture_hall\n"),
    );

    let run = p.run(["diff", "2021", "2022"]);
    run.expect_code(0);
    let out = &run.stdout;
    // Both years print 300多个: the speech hides the change, the diff does not.
    let (line, column) = p.position("facts/2022.yaml", "322");
    assert!(
        out.contains(&format!(
            "service.responsibility_areas  认领责任区：318 → 322（印出不变：认领责任区 300多个）  facts/2022.yaml:{line}:{column}"
        )),
        "{out}"
    );
    assert!(
        !out.contains("responsibility_areas  认领责任区：300多个"),
        "not a printed change\n{out}"
    );
    // A change that prints differently is in both lists.
    assert!(
        out.contains("  branches_qualified  达标党支部：1380个 → 1400个\n"),
        "{out}"
    );
    assert!(
        out.contains("  organisation.branches_qualified  达标党支部：1380 → 1400  "),
        "{out}"
    );
    // A yearly series is compared year by year: only the new year is new.
    assert!(
        out.contains("political.party_funds.2022  党建经费逐年提升：（无） → 360"),
        "{out}"
    );
    assert!(!out.contains("party_funds.2021"), "{out}");
    // Every name copied over unchanged, the confirmed one marked.
    let (line, column) = p.position("facts/2022.yaml", "党课大讲堂");
    assert!(
        out.contains(&format!(
            "political.lecture_hall  市直机关党课载体：党课大讲堂（已确认）  facts/2022.yaml:{line}:{column}"
        )),
        "{out}"
    );
    assert!(
        out.contains("  political.media_column  电视台、日报专栏：机关党建先锋  "),
        "{out}"
    );
    assert!(
        out.contains(
            "  organisation.training_classes.3.name  举办的培训班：纪委书记（纪检委员）  "
        ),
        "{out}"
    );
    // And the numbers identical to last year's.
    assert!(
        out.contains("  service.daily_on_duty  每天到岗党员干部：1264  "),
        "{out}"
    );
    assert!(
        run.stderr
            .contains("2 个印出的数字不同；3 项原始数值不同（其中 1 项印出不变）"),
        "{}",
        run.stderr
    );
}

#[test]
fn diff_as_json_and_html() {
    let p = Project::sample();
    let text = copied_2022(&p).replace("responsibility_areas: 318", "responsibility_areas: 322");
    p.write("facts/2022.yaml", &text);

    let run = p.run(["diff", "2021", "2022", "--format", "json"]);
    run.expect_code(0);
    let doc = json(&run);
    assert_eq!(doc["old"]["year"], 2021);
    assert_eq!(doc["new"]["file"], "facts/2022.yaml");
    assert_eq!(
        doc["figures"],
        serde_json::json!([]),
        "nothing prints differently"
    );
    let facts = doc["facts"].as_array().unwrap();
    let areas = facts
        .iter()
        .find(|f| f["path"] == "service.responsibility_areas")
        .expect("the raw change is listed");
    assert_eq!(areas["before"], "318");
    assert_eq!(areas["after"], "322");
    assert_eq!(
        areas["printed_same"],
        serde_json::json!(["认领责任区 300多个"])
    );
    let (line, column) = p.position("facts/2022.yaml", "322");
    assert_eq!(areas["place"]["line"], line);
    assert_eq!(areas["place"]["column"], column);
    let hall = doc["carried"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["path"] == "political.lecture_hall")
        .expect("the carried name is listed");
    assert_eq!(hall["kind"], "names");
    assert_eq!(hall["value"], "党课大讲堂");
    assert_eq!(hall["confirmed"], false);

    // -o writes the page and prints nothing on standard output.
    let run = p.run([
        "diff",
        "2021",
        "2022",
        "--format",
        "html",
        "-o",
        "diff.html",
    ]);
    run.expect_code(0);
    assert_eq!(run.stdout, "");
    let page = p.read("diff.html");
    assert!(page.starts_with("<!DOCTYPE html>"));
    assert!(
        page.contains("<td class=\"path\">service.responsibility_areas</td>"),
        "{page}"
    );
    assert!(page.contains("认领责任区 300多个"));
    assert!(page.contains("<span class=\"look\">未确认</span>"));
}

#[test]
fn last_years_values_warn_until_confirmed_with_the_hint_as_given() {
    let p = Project::sample();
    copied_2022(&p);
    let (code, found) = problems(&p, &["2022"]);
    assert_eq!(code, 0, "warnings do not fail check");
    let stale = with_code(&found, "same-as-last-year");
    let names = with_code(&found, "carried-over-name");
    assert!(stale.len() > 20 && names.len() > 15, "{found:#?}");

    let duty = stale
        .iter()
        .find(|p| p["fact"] == "service.daily_on_duty")
        .expect("an unchanged number warns");
    let (line, column) = p.position("facts/2022.yaml", "1264");
    assert_eq!(
        (duty["line"].clone(), duty["column"].clone()),
        (line.into(), column.into())
    );
    assert_eq!(duty["severity"], "warning");
    assert!(
        duty["message"]
            .as_str()
            .unwrap()
            .contains("与 2021 年（样例数据）相同"),
        "{duty}"
    );
    let hall = names
        .iter()
        .find(|p| p["fact"] == "political.lecture_hall")
        .expect("a carried-over name warns");
    assert_eq!(hall["line"], p.position("facts/2022.yaml", "党课大讲堂").0);

    // The hint is pasted as it stands: first the whole list, then one more line under it.
    let hint = duty["hint"].as_str().unwrap();
    let (_, yaml) = hint.split_once('\n').unwrap();
    assert_eq!(yaml, "confirmed:\n  - service.daily_on_duty");
    let mut text = p.read("facts/2022.yaml");
    text.push_str(yaml);
    text.push('\n');
    p.write("facts/2022.yaml", &text);
    let (code, found) = problems(&p, &["2022"]);
    assert_eq!(code, 0);
    assert!(
        !found.iter().any(|p| p["fact"] == "service.daily_on_duty"),
        "confirmed: no warning"
    );
    let hall = found
        .iter()
        .find(|p| p["fact"] == "political.lecture_hall")
        .expect("the other still warns");
    let (_, line) = hall["hint"].as_str().unwrap().split_once('\n').unwrap();
    assert_eq!(line, "  - political.lecture_hall");
    text.push_str(line);
    text.push('\n');
    p.write("facts/2022.yaml", &text);
    let (_, found) = problems(&p, &["2022"]);
    assert!(!found.iter().any(|p| p["fact"] == "political.lecture_hall"));

    // Confirm every one, and a real year (no sample: true) passes even --deny-warnings.
    p.run(["check", "2022", "--deny-warnings"]).expect_code(1);
    for d in found
        .iter()
        .filter(|d| d["code"] == "same-as-last-year" || d["code"] == "carried-over-name")
    {
        text.push_str(&format!("  - {}\n", d["fact"].as_str().unwrap()));
    }
    p.write("facts/2022.yaml", &text.replace("sample: true\n", ""));
    let run = p.run(["check", "2022", "--deny-warnings"]);
    run.expect_code(0);
    assert!(
        run.stderr.contains("通过（0 个错误，0 个警告）"),
        "{}",
        run.stderr
    );

    // A confirmation that names no fact is a typo, reported at its line.
    p.write(
        "facts/2022.yaml",
        &text.replace(
            "  - political.lecture_hall\n",
            "  - political.lecture_hal\n",
        ),
    );
    let (line, column) = p.position("facts/2022.yaml", "political.lecture_hal");
    p.run(["check", "2022", "--message-format", "short"])
        .expect_code(1)
        .expect_problem(
            "facts/2022.yaml",
            (line, column),
            "unknown-key",
            "confirmed 中的",
        );
}

#[test]
fn a_changed_value_does_not_warn_and_the_first_year_has_nothing_to_compare() {
    let p = Project::sample();
    // The sample has no 2020: nothing is last year's.
    let (_, found) = problems(&p, &[]);
    assert!(with_code(&found, "same-as-last-year").is_empty());
    assert!(with_code(&found, "carried-over-name").is_empty());
    let text = copied_2022(&p)
        .replace("daily_on_duty: 1264", "daily_on_duty: 1301")
        .replace("media_column: 机关党建先锋", "media_column: 机关先锋");
    p.write("facts/2022.yaml", &text);
    let (_, found) = problems(&p, &["2022"]);
    assert!(!found.iter().any(|p| p["fact"] == "service.daily_on_duty"));
    assert!(!found.iter().any(|p| p["fact"] == "political.media_column"));
    assert!(found.iter().any(|p| p["fact"] == "service.service_posts"));
}

#[test]
fn check_json_is_one_document_holding_each_problem() {
    let p = Project::sample();
    p.edit_facts("reminder_talks: 68", "reminder_talks:");
    let run = p.run(["check", "2021", "2021", "--message-format", "json"]);
    run.expect_code(1);
    let doc = json(&run);
    let files = doc["files"].as_array().unwrap();
    assert_eq!(files.len(), 2, "an array per facts file checked");
    let file = &files[0];
    assert_eq!(file["facts"], "facts/2021.yaml");
    assert_eq!(file["passed"], false);
    assert_eq!(file["errors"], 1);
    let (line, column) = p.position(harness::FACTS, "reminder_talks:");
    let unfilled = &with_code(file["problems"].as_array().unwrap(), "unfilled")[0];
    assert_eq!(unfilled["file"], "facts/2021.yaml");
    assert_eq!(unfilled["line"], line);
    assert_eq!(unfilled["column"], column + "reminder_talks:".len());
    assert_eq!(unfilled["severity"], "error");
    assert_eq!(unfilled["fact"], "supervision.reminder_talks");
    assert_eq!(unfilled["figure"], "reminder_talks");
    assert!(unfilled["message"].as_str().unwrap().contains("还没有填写"));
    assert!(unfilled["hint"].is_string());
    let sample = &with_code(file["problems"].as_array().unwrap(), "sample-data")[0];
    assert_eq!(sample["severity"], "warning");
    // Human messages stay on standard error: the verdict, not the problems again.
    assert!(
        run.stderr
            .contains("facts/2021.yaml：未通过（1 个错误，1 个警告）"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("还没有填写"), "{}", run.stderr);
}

#[test]
fn next_year_gives_the_editor_its_schema_and_check_notices_a_stale_one() {
    let p = Project::sample();
    p.edit_facts(
        "sample: true\n",
        "sample: true\nconfirmed:\n  - political.lecture_hall   # 2021 年确认\n",
    );
    p.run(["check"]).expect_code(0);
    let run = p.run(["next-year"]);
    run.expect_code(0);
    assert!(
        run.stderr.contains("已写入 facts/facts.schema.json"),
        "{}",
        run.stderr
    );
    let new = p.read("facts/2022.yaml");
    assert_eq!(
        new.lines().next(),
        Some("# yaml-language-server: $schema=facts.schema.json"),
        "the editor reads the first line"
    );
    assert!(
        !new.contains("political.lecture_hall   # 2021"),
        "confirmed: emptied\n{new}"
    );
    assert!(new.contains("\nconfirmed:   # "), "{new}");
    let schema = p.run(["schema"]);
    assert_eq!(p.read("facts/facts.schema.json"), schema.stdout);
    let check = p.run(["check", "2022", "--message-format", "short"]);
    assert!(!check.stderr.contains("stale-schema"), "{}", check.stderr);

    // A figure added to 2022's declarations (next-year gave the year its own copy): the editor's
    // schema lacks its fact.
    let figures = p.read("templates/2022/figures.yaml").replace(
        "rules:\n",
        "  blood_donors:\n    label: 献血人次\n    unit: 人次\n    kind: count\n    fact: service.blood_donors\nrules:\n",
    );
    p.write("templates/2022/figures.yaml", &figures);
    let check = p.run(["check", "2022", "--message-format", "json"]);
    let doc = json(&check);
    let stale = doc["files"][0]["problems"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "stale-schema")
        .cloned()
        .unwrap_or_else(|| panic!("no stale-schema warning\n{doc:#}"));
    assert_eq!(stale["severity"], "warning");
    // The declarations that changed are named: this year's own copy.
    assert!(
        stale["message"]
            .as_str()
            .unwrap()
            .contains("与 templates/2022/figures.yaml 中的数据项声明不一致"),
        "{stale:#}"
    );
    assert_eq!(
        (stale["line"].clone(), stale["column"].clone()),
        (1.into(), 33.into())
    );
    assert_eq!(
        stale["hint"],
        "重新生成：speechgen schema -o facts/facts.schema.json"
    );
    // The command in the hint refreshes it.
    p.run(["schema", "-o", "facts/facts.schema.json"])
        .expect_code(0);
    let check = p.run(["check", "2022", "--message-format", "short"]);
    assert!(!check.stderr.contains("stale-schema"), "{}", check.stderr);
    // A file gone is stale too.
    std::fs::remove_file(p.path("facts/facts.schema.json")).unwrap();
    let check = p.run(["check", "2022", "--message-format", "short"]);
    assert!(
        check
            .stderr
            .contains("warning[stale-schema]: 编辑器读取的 facts/facts.schema.json 不存在"),
        "{}",
        check.stderr
    );
}

#[test]
fn every_command_explains_itself_in_chinese() {
    let p = Project::sample();
    let chinese = |s: &str| s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
    let top = p.run(["--help"]);
    top.expect_code(0);
    let commands: Vec<String> = top
        .stdout
        .split("命令:\n")
        .nth(1)
        .expect("a list of commands")
        .lines()
        .take_while(|l| !l.is_empty())
        .filter(|l| l.starts_with("  ") && !l.starts_with("   "))
        .map(|l| l.split_whitespace().next().unwrap().to_owned())
        .collect();
    assert!(commands.len() >= 8, "{commands:?}");
    for command in &commands {
        for flag in ["-h", "--help"] {
            let run = p.run([command.as_str(), flag]);
            run.expect_code(0);
            let about = run.stdout.lines().next().unwrap_or("");
            assert!(chinese(about), "{command} {flag}: {about}");
            // Each argument's entry (its line and any continuation) holds Chinese.
            let mut entries: Vec<String> = Vec::new();
            let mut in_args = false;
            for line in run.stdout.lines() {
                if line == "参数:" || line == "选项:" {
                    in_args = true;
                } else if !line.starts_with(' ') && !line.is_empty() {
                    in_args = false;
                } else if in_args {
                    let trimmed = line.trim_start();
                    let indent = line.len() - trimmed.len();
                    if indent <= 6 && trimmed.starts_with(['-', '<', '[']) {
                        entries.push(line.to_owned());
                    } else if let Some(last) = entries.last_mut() {
                        last.push_str(line);
                    }
                }
            }
            assert!(!entries.is_empty(), "{command}: {}", run.stdout);
            for entry in entries {
                assert!(chinese(&entry), "{command} {flag}: {entry}");
            }
        }
    }
    // A refused command line says so in Chinese first.
    let run = p.run(["check", "--no-such-option"]);
    run.expect_code(2);
    assert!(
        run.stderr
            .starts_with("speechgen：命令行有误：没有这个选项"),
        "{}",
        run.stderr
    );
}
