//! `speechgen diff OLD NEW --wording`: what two years' speeches say differently, sentence by
//! sentence, a changed figure marked as a figure and not as rewording.

use crate::harness::Project;

/// The sample with a 2022 whose wording and one figure changed.
fn reworded_2022() -> Project {
    let p = Project::sample();
    p.run(["next-year"]).expect_code(0);
    p.write(
        "facts/2022.yaml",
        &p.read("facts/2021.yaml")
            .replace("year: 2021", "year: 2022")
            .replace("    2021: 342\n", "    2021: 342\n    2022: 360\n")
            .replace("branches_qualified: 1380", "branches_qualified: 1400"),
    );
    let t = "templates/2022/speech.md.tera";
    p.edit(
        t,
        "面对突如其来的新冠肺炎疫情，第一时间响应市委号召",
        "坚持常态化疫情防控，第一时间响应市委号召",
    );
    p.edit(t, "真正把党务干部培养成为", "着力把党务干部培养成为");
    p.edit(t, "着力丰富教育形式，", "着力丰富教育形式。新增一句话，");
    let text = p.read(t);
    let start = text.find("**决战决胜奋斗有我**").unwrap();
    let end = start + text[start..].find("\n\n").unwrap() + 2;
    p.write(t, &format!("{}{}", &text[..start], &text[end..]));
    p
}

#[test]
fn text_lists_rewording_deletions_and_figures_apart() {
    let p = reworded_2022();
    let run = p.run(["diff", "2021", "2022", "--wording"]);
    run.expect_code(0).expect_stderr(
        "2021 年与 2022 年的讲话相比：改写 3 处，新增 1 句，删除 3 句，数字变化 1 句",
    );
    let out = &run.stdout;
    assert!(
        out.contains("## 四、服务中心大局，当好高质量发展“助推器”\n改写  [-面对突如其来的新冠肺炎疫情-]{+坚持常态化疫情防控+}，第一时间响应市委号召，"),
        "{out}"
    );
    assert!(out.contains("改写  通过基层党建联系点工作制度，开展一对一传授、手把手帮带、面对面交流，[-真正-]{+着力+}把党务干部"), "{out}");
    // The figures changed; the sentence did not.
    assert!(
        out.contains("数字  所属党支部中，达标〔1380→1400〕个，占比〔96.7→98.1〕%；"),
        "{out}"
    );
    assert!(out.contains("删除  决战决胜奋斗有我。\n"), "{out}");
    assert!(out.contains("删除  通过共学理论、共筑堡垒"), "{out}");
    // A sentence split in two: the new one is inserted, the rest of the old one reworded.
    assert!(
        out.contains(
            "新增  着力丰富教育形式。\n改写  [-着力丰富教育形式-]{+新增一句话+}，先后举办"
        ),
        "{out}"
    );

    // The same speech twice: nothing to show.
    let same = p.run(["diff", "2021", "2021", "--wording"]);
    same.expect_code(0).expect_stdout("措辞相同，数字也相同。");
}

#[test]
fn html_shows_tracked_changes_and_json_gives_each_change() {
    let p = reworded_2022();
    let run = p.run([
        "diff",
        "2021",
        "2022",
        "--wording",
        "--format",
        "html",
        "-o",
        "changes.html",
    ]);
    run.expect_code(0).expect_stderr("已写入 changes.html");
    assert!(run.stdout.is_empty());
    let html = p.read("changes.html");
    assert!(html.starts_with("<!doctype html>"));
    assert!(
        html.contains("<del>面对突如其来的新冠肺炎疫情</del><ins>坚持常态化疫情防控</ins>"),
        "{html}"
    );
    assert!(html.contains("<span class=\"figure changed\" data-figure=\"branches_qualified\" title=\"数字 branches_qualified：1380 → 1400\"><del>1380</del><ins>1400</ins></span>"), "{html}");
    // The paragraph deleted whole is a struck-through paragraph, its lead sentence bold.
    assert!(
        html.contains(
            "<p class=\"deleted\"><del><strong>决战决胜奋斗有我</strong>。深入推进抓党建促脱贫攻坚"
        ),
        "{html}"
    );
    // An unchanged figure is a figure, unmarked.
    assert!(html.contains("已配备专职副书记<span class=\"figure\" data-figure=\"deputy_secretaries\" title=\"数字 deputy_secretaries\">37</span>人"));

    let run = p.run(["diff", "2021", "2022", "--wording", "--format", "json"]);
    run.expect_code(0);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(json["old"], "2021 年");
    assert_eq!(json["summary"]["figures"], 1);
    let figures = json["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["kind"] == "figures")
        .unwrap();
    assert_eq!(figures["old"], "所属党支部中，达标1380个，占比96.7%；");
    assert_eq!(figures["new"], "所属党支部中，达标1400个，占比98.1%；");
    let marks = figures["marks"].as_array().unwrap();
    assert!(marks.iter().any(|m| m["op"] == "figure"
        && m["figure"] == "branches_qualified"
        && m["old"] == "1380"
        && m["new"] == "1400"));

    // Without --wording, --format shows the year-on-year comparison of figures and facts instead.
    let facts_html = p.run(["diff", "2021", "2022", "--format", "html"]);
    facts_html.expect_code(0);
    assert!(
        facts_html.stdout.contains("逐年对照"),
        "{}",
        facts_html.stdout
    );
    assert!(!facts_html.stdout.contains("<del>"));
}

#[test]
fn a_sentence_deleted_at_the_end_of_a_part_stays_under_its_heading() {
    let p = Project::sample();
    p.run(["next-year"]).expect_code(0);
    p.write(
        "facts/2022.yaml",
        &p.read("facts/2021.yaml")
            .replace("year: 2021", "year: 2022")
            .replace("    2021: 342\n", "    2021: 342\n    2022: 360\n"),
    );
    // 2021's wording ends part 三 with a sentence 2022's copy does not have.
    p.edit(
        "templates/speech.md.tera",
        "问题整改意见书{{ fig.rectification_letters }}份。",
        "问题整改意见书{{ fig.rectification_letters }}份。三部分末尾删去的一句话。",
    );
    for format in ["text", "html"] {
        let run = p.run(["diff", "2021", "2022", "--wording", "--format", format]);
        run.expect_code(0);
        let out = &run.stdout;
        let at = out
            .find("三部分末尾删去的一句话")
            .unwrap_or_else(|| panic!("{format}: {out}"));
        let before = &out[..at];
        let heading = ["一、", "二、", "三、", "四、"]
            .into_iter()
            .max_by_key(|h| before.rfind(h).map_or(-1, |i| i as i64))
            .unwrap();
        assert_eq!(heading, "三、", "{format}: {out}");
    }
}
