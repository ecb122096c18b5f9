//! `speechgen diff 2021 2022`, with and without `--wording`, over the sample and a filled second
//! year (`tests/fixtures/next-year/`: its facts and the year's own template and declarations):
//! each changed figure listed with its old and new printed value, a reworded sentence marked
//! apart from a sentence whose figures alone changed.

use serde_json::Value;

use crate::harness::{Project, Run};

fn next_year() -> Project {
    Project::sample_with("next-year")
}

fn json(run: &Run) -> Value {
    run.expect_code(0);
    serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}\n--- stdout\n{}", run.stdout))
}

#[test]
fn figures_text_lists_each_changed_figure_old_to_new() {
    let p = next_year();
    let run = p.run(["diff", "2021", "2022"]);
    run.expect_code(0).expect_stderr(
        "2021 年与 2022 年相比：22 个印出的数字不同；37 项原始数值不同（其中 14 项印出不变）",
    );
    let out = &run.stdout;
    assert!(
        out.starts_with("2021 年 → 2022 年（facts/2021.yaml → facts/2022.yaml）\n"),
        "{out}"
    );
    for line in [
        "印出的数字不同（22 个）：\n",
        "  branches_qualified  达标党支部：1380个 → 1450个\n",
        "  three_star_share  “三星级”党组织占比：38.3% → 38.4%\n",
        // A figure in Chinese words, an approximation and a name change like any other.
        "  special_inspections  扶贫资金使用专项监督检查：两次 → 三次\n",
        "  daily_on_duty  每天到岗党员干部：1200多人 → 1300多人\n",
        "  media_column  电视台、日报专栏：“机关党建先锋” → “机关党建先锋行”\n",
        // A raw value that changed while the printed figure did not, at its place in 2022.
        "  organisation.branches  达标党支部占比（分母）：1427 → 1499（印出不变：达标党支部占比 96.7%）  facts/2022.yaml:38:13\n",
        // A value new this year.
        "  political.party_funds.2022  党建经费逐年提升：（无） → 360  facts/2022.yaml:13:11\n",
        "沿用上年、未改动的名称（21 项）：\n",
        "  political.lecture_hall  市直机关党课载体：党课大讲堂（已确认）  facts/2022.yaml:14:17\n",
    ] {
        assert!(out.contains(line), "{line:?} not in\n{out}");
    }
    // A figure that prints the same both years is not listed as changed.
    assert!(!out.contains("  branches_qualified_share  "), "{out}");
}

#[test]
fn figures_json_gives_each_changed_figure_before_and_after() {
    let p = next_year();
    let doc = json(&p.run(["diff", "2021", "2022", "--format", "json"]));
    assert_eq!(doc["old"]["year"], 2021);
    assert_eq!(doc["new"]["file"], "facts/2022.yaml");
    let figures = doc["figures"].as_array().unwrap();
    assert_eq!(figures.len(), 22);
    let qualified = figures
        .iter()
        .find(|f| f["id"] == "branches_qualified")
        .expect("branches_qualified changed");
    assert_eq!(qualified["label"], "达标党支部");
    assert_eq!(qualified["before"], "1380个");
    assert_eq!(qualified["after"], "1450个");
    let branches = doc["facts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"] == "organisation.branches")
        .expect("organisation.branches changed");
    assert_eq!(branches["before"], "1427");
    assert_eq!(branches["after"], "1499");
    assert_eq!(branches["place"]["line"], 38);
    assert_eq!(
        doc["summary"],
        "22 个印出的数字不同；37 项原始数值不同（其中 14 项印出不变）；21 个名称、0 个数值与上年相同（已确认 1 个）"
    );
}

#[test]
fn wording_text_marks_the_reworded_sentence_and_the_changed_figures() {
    let p = next_year();
    let run = p.run(["diff", "2021", "2022", "--wording"]);
    run.expect_code(0).expect_stderr(
        "2021 年与 2022 年的讲话相比：改写 1 处，新增 0 句，删除 0 句，数字变化 11 句",
    );
    let out = &run.stdout;
    // The one sentence the 2022 template rewords, the words it adds marked.
    assert!(
        out.contains("改写  近年来，市直机关工委在市委的正确领导下，"),
        "{out}"
    );
    assert!(
        out.contains("扎实推进机关党建工作往{+深里走、往+}实里做、朝高处走。\n"),
        "{out}"
    );
    // Sentences whose figures alone changed, each figure old → new.
    for line in [
        "## 二、建强基层堡垒，激活组织力提升“新引擎”\n",
        "数字  所属党支部中，达标〔1380→1450〕个，占比96.7%；\n",
        "数字  组织传达学习中央和自治区、市纪委有关文件通报〔23→25〕次，召开脱贫攻坚专题会议〔6→7〕次，配合开展扶贫资金使用专项监督检查〔两→三〕次。\n",
        "每天到岗党员干部达〔1200多→1300多〕人，",
    ] {
        assert!(out.contains(line), "{line:?} not in\n{out}");
    }
    // Rewording and figures are told apart: no figure shows as reworded text.
    assert_eq!(out.matches("\n改写  ").count(), 1, "{out}");
    // Below the legend line, nothing is marked deleted: 2022 only adds words.
    assert!(
        out.lines().skip(1).all(|l| !l.contains("[-")),
        "nothing was deleted\n{out}"
    );
}

#[test]
fn wording_json_gives_the_reworded_sentence_and_each_figure_mark() {
    let p = next_year();
    let doc = json(&p.run(["diff", "2021", "2022", "--wording", "--format", "json"]));
    assert_eq!(doc["old"], "2021 年");
    assert_eq!(doc["new"], "2022 年");
    assert_eq!(
        doc["summary"],
        serde_json::json!({"reworded": 1, "inserted": 0, "deleted": 0, "figures": 11})
    );
    let changes = doc["changes"].as_array().unwrap();
    let reworded: Vec<&Value> = changes.iter().filter(|c| c["kind"] == "reworded").collect();
    assert_eq!(reworded.len(), 1, "{doc:#}");
    assert!(
        reworded[0]["new"]
            .as_str()
            .unwrap()
            .ends_with("往深里走、往实里做、朝高处走。")
    );
    let inserted: Vec<&Value> = reworded[0]["marks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["op"] != "same")
        .collect();
    assert_eq!(
        inserted,
        [&serde_json::json!({"op": "inserted", "text": "深里走、往"})]
    );
    let qualified = changes
        .iter()
        .filter(|c| c["kind"] == "figures")
        .flat_map(|c| c["marks"].as_array().unwrap())
        .find(|m| m["op"] == "figure" && m["figure"] == "branches_qualified")
        .expect("a mark for branches_qualified");
    assert_eq!(qualified["old"], "1380");
    assert_eq!(qualified["new"], "1450");
}
