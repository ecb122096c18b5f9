//! `speechgen render` as a user runs it: the files it writes and what they say.

use crate::harness;

use crate::harness::{Project, Run, without_digest};

/// Strips what the comparison with the seed ignores: Markdown markup, whitespace, heading
/// numbers and heading punctuation.
fn speech_words(markdown: &str) -> String {
    let mut out = String::new();
    for line in markdown.lines() {
        // The marks of the copy (sample data, circulation) are not the speech's words.
        if line.starts_with("<!--") || line == "传阅稿（数字已隐去）" {
            continue;
        }
        let line = if let Some(h) = line.strip_prefix("## ") {
            let h = h.trim_start_matches(['一', '二', '三', '四', '五', '六', '、']);
            h.replace('，', "")
        } else if let Some(h) = line.strip_prefix("# ") {
            h.to_owned()
        } else {
            line.to_owned()
        };
        out.push_str(&line.replace("**", "").replace("\\*", "*"));
    }
    out.chars().filter(|c| !c.is_whitespace()).collect()
}

/// The seed as it was handed over, with its five transcription defects mended (seed README) and
/// the headings' closing 。 dropped (headings carry no punctuation of their own).
fn mended_seed() -> String {
    let seed = std::fs::read_to_string(format!("{}/tests/fixtures/speech-seed.txt", harness::REPO))
        .unwrap();
    let mut s: String = seed.chars().filter(|c| !c.is_whitespace()).collect();
    let mends = [
        (
            "所属*个党组织中，“三星级”党组织*个、占比“四星级”党组织*个、占比*%，“五星*%，级”党组织*个、占比*%。",
            "所属*个党组织中，“三星级”党组织*个、占比*%，“四星级”党组织*个、占比*%，“五星级”党组织*个、占比*%。",
        ),
        ("协同推动机制线上依托", "协同推动机制。线上依托"),
        (
            "召开脱贫攻坚专题会议*次配合开展",
            "召开脱贫攻坚专题会议*次，配合开展",
        ),
        ("倡议书组织机关党员干部", "倡议书，组织机关党员干部"),
        (
            "聚焦“创建全国文明城市”“双报到双服务”活动为抓手，以“周五党日+”手，动员",
            "聚焦“创建全国文明城市”，以“双报到双服务”活动为抓手，以“周五党日+”为载体，动员",
        ),
    ];
    for (from, to) in mends {
        assert_eq!(s.matches(from).count(), 1, "seed defect not found: {from}");
        s = s.replacen(from, to, 1);
    }
    for heading in [
        "强化政治引领把好机关党建“方向盘”",
        "建强基层堡垒激活组织力提升“新引擎”",
        "持续正风肃纪筑牢监督执纪“防火墙”",
        "服务中心大局当好高质量发展“助推器”",
    ] {
        let with_stop = format!("{heading}。");
        assert_eq!(s.matches(&with_stop).count(), 1, "{heading}");
        s = s.replacen(&with_stop, heading, 1);
    }
    s
}

#[test]
fn masked_render_reproduces_the_seed_with_its_defects_mended() {
    let p = Project::sample();
    p.run(["render", "--mask", "--format", "md", "-o", "out"])
        .expect_code(0);
    let md = without_digest(&p.read("out/speech-masked.md"));
    let ours = speech_words(&md);
    assert_eq!(ours.matches('*').count(), 29, "{md}");
    let seed = mended_seed();
    if ours != seed {
        let at = ours
            .chars()
            .zip(seed.chars())
            .take_while(|(a, b)| a == b)
            .count();
        let show = |s: &str| {
            s.chars()
                .skip(at.saturating_sub(20))
                .take(60)
                .collect::<String>()
        };
        panic!(
            "differs at character {at}:\n ours: {}\n seed: {}",
            show(&ours),
            show(&seed)
        );
    }
}

#[test]
fn sample_renders_markdown_and_html_with_every_figure_filled() {
    let p = Project::sample();
    let run = p.run(["render"]);
    run.expect_code(0);
    // The sample says it is sample data, every time it is rendered.
    assert!(
        run.stderr.contains("warning[sample-data]"),
        "{}",
        run.stderr
    );
    let md = p.read("output/2021/speech.md");
    let html = p.read("output/2021/speech.html");
    assert!(!md.contains('*') || md.matches("**").count() * 2 == md.matches('*').count());
    assert!(!md.contains("\\*"));
    assert!(!md.contains("【"), "no draft marker in a final render");
    for expected in [
        "专职副书记37人",
        "100%全覆盖",
        "培训党建带头人1001名",
        "达标1380个，占比96.7%",
        "“三星级”党组织148个、占比38.3%",
        "推动30多个被巡察单位100多个党建问题",
        "专项监督检查两次",
        "每天到岗党员干部达1200多人",
        "2600余场次",
        "28000多人次",
    ] {
        assert!(md.contains(expected), "{expected} missing from\n{md}");
    }
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("<html lang=\"zh-CN\">"));
    assert!(!html.contains("草稿"), "final output is never marked draft");
    // 29 numbers, 两, and 19 named documents, campaigns and platforms.
    assert_eq!(
        html.matches("data-figure=").count(),
        49,
        "every figure use is an element"
    );
    assert!(html.contains("data-figure=\"branches_qualified_share\""));
    assert!(html.contains("title=\"达标党支部占比：96.7%&#10;算法：organisation.branches_qualified ÷ organisation.branches"));
    assert!(html.contains("来源：facts/2021.yaml:43:23（organisation.branches_qualified）"));
    assert!(
        !html.contains("http://") && !html.contains("https://"),
        "no external requests"
    );
}

#[test]
fn every_numeric_fact_changes_the_speech_or_the_check() {
    let p = Project::sample();
    p.run(["render", "--format", "md", "-o", "base"])
        .expect_code(0);
    let base = without_digest(&p.read("base/speech.md"));
    let original = p.read("facts/2021.yaml");
    let mut changed = 0;
    for (index, line) in original.lines().enumerate() {
        // Every `key: <integer>` and `- <integer>` but the year itself.
        let Some((head, rest)) = line.split_once(": ") else {
            continue;
        };
        let value = rest.split('#').next().unwrap().trim();
        if head.trim() == "year" || value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
            continue;
        }
        let n: u64 = value.parse().unwrap();
        // Up and down: raising the last year of a rising series, say, rightly changes nothing.
        let differs = [n * 2 + 13, n / 2].iter().any(|new| {
            let new_line = line.replacen(&format!(": {value}"), &format!(": {new}"), 1);
            let mut lines: Vec<&str> = original.lines().collect();
            lines[index] = &new_line;
            p.write("facts/2021.yaml", &(lines.join("\n") + "\n"));
            let run = p.run(["render", "--format", "md", "-o", "changed"]);
            run.code != 0 || without_digest(&p.read("changed/speech.md")) != base
        });
        assert!(
            differs,
            "changing line {} ({line}) changed neither the speech nor the check",
            index + 1
        );
        changed += 1;
    }
    assert!(changed >= 38, "only {changed} numeric facts were tried");
}

#[test]
fn a_render_with_errors_writes_nothing() {
    let p = Project::sample();
    p.edit_facts(
        "full_time_deputy_secretaries: 37",
        "full_time_deputy_secretaries:",
    );
    let run = p.run(["render"]);
    run.expect_code(1);
    assert!(run.stderr.contains("未写入任何文件"), "{}", run.stderr);
    assert!(!p.path("output").exists(), "nothing may be written");
}

#[test]
fn a_failed_render_leaves_earlier_outputs_untouched() {
    let p = Project::sample();
    p.run(["render", "-o", "out"]).expect_code(0);
    let before = p.read("out/speech.md");
    p.edit_facts("reminder_talks: 68", "reminder_talks: 69x");
    p.run(["render", "-o", "out"]).expect_code(1);
    assert_eq!(p.read("out/speech.md"), before);
    let leftovers: Vec<_> = std::fs::read_dir(p.path("out"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(
        leftovers.len(),
        4,
        "speech.md, .html, .pdf, .docx and no temporary file: {leftovers:?}"
    );
}

#[test]
fn draft_shows_unfilled_figures_as_markers_and_is_marked() {
    let p = Project::sample();
    p.edit_facts(
        "full_time_deputy_secretaries: 37",
        "full_time_deputy_secretaries: ~",
    );
    p.edit_facts("branches_qualified: 1380", "branches_qualified: 1500");
    let run = p.run(["render", "--draft", "-o", "draft"]);
    run.expect_code(0);
    let md = p.read("draft/speech-draft.md");
    assert!(
        md.contains("已配备专职副书记【未填：直属党组织已配备专职副书记】人"),
        "{md}"
    );
    // The count itself is a valid count; the share over a smaller whole is not.
    assert!(
        md.contains("达标1500个，占比【有误：达标党支部占比】%"),
        "{md}"
    );
    let html = p.read("draft/speech-draft.html");
    assert!(html.contains("class=\"draft-banner\""));
    assert!(html.contains("<title>【草稿】"));
    assert!(
        html.contains("class=\"figure unfilled\" data-figure=\"deputy_secretaries\""),
        "{html}"
    );
    assert!(html.contains("class=\"figure invalid\" data-figure=\"branches_qualified_share\""));
    // The errors are still reported.
    assert!(run.stderr.contains("error[unfilled]"));
}

#[test]
fn values_from_facts_are_text_in_every_format() {
    let p = Project::sample();
    p.edit_facts(
        "media_column: 机关党建先锋",
        "media_column: \"<script>alert(1)</script> **粗** # {{ 7*7 }} [链接](javascript:x)\"",
    );
    p.run(["render", "-o", "out"]).expect_code(0);
    let html = p.read("out/speech.html");
    assert!(
        !html.contains("<script>"),
        "raw HTML from facts must not pass"
    );
    assert!(
        html.contains(
            "“&lt;script&gt;alert(1)&lt;/script&gt; **粗** # {{ 7*7 }} [链接](javascript:x)”"
        ),
        "{html}"
    );
    assert!(!html.contains("href=\"javascript"));
    let md = p.read("out/speech.md");
    assert!(
        md.contains(
            r"“\<script\>alert(1)\</script\> \*\*粗\*\* \# \{\{ 7\*7 \}\} \[链接\](javascript:x)”"
        ),
        "{md}"
    );
}

#[test]
fn several_facts_files_each_get_their_own_folder() {
    let p = Project::sample();
    let facts_2020 = p
        .read("facts/2021.yaml")
        .replace("year: 2021", "year: 2020")
        .replace("    2021: 342\n", "");
    p.write("facts/2020.yaml", &facts_2020);
    p.run(["render", "2020", "facts/2021.yaml", "--format", "md"])
        .expect_code(0);
    assert!(p.path("output/2020/speech.md").exists());
    assert!(p.path("output/2021/speech.md").exists());
    assert!(
        !p.path("output/2021/speech.html").exists(),
        "only the formats asked for"
    );
    p.run(["render", "2020", "2021", "-o", "both"])
        .expect_code(0);
    assert!(p.path("both/2020/speech.html").exists());
    assert!(p.path("both/2021/speech.html").exists());
}

#[test]
fn default_facts_is_the_latest_year_and_the_project_is_found_from_below() {
    let p = Project::sample();
    let facts_2022 = p
        .read("facts/2021.yaml")
        .replace("year: 2021", "year: 2022")
        .replace("    2021: 342\n", "    2021: 342\n    2022: 360\n");
    p.write("facts/2022.yaml", &facts_2022);
    std::fs::create_dir_all(p.path("facts/notes")).unwrap();
    let run = Run::of(
        p.command(["render", "--format", "md"])
            .current_dir(p.path("facts/notes")),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(p.path("output/2022/speech.md").exists());
}

#[test]
fn markdown_snapshot() {
    let p = Project::sample();
    p.run(["render", "--format", "md", "-o", "out"])
        .expect_code(0);
    insta::assert_snapshot!("sample_speech_md", without_digest(&p.read("out/speech.md")));
}

#[test]
fn masked_markdown_snapshot() {
    let p = Project::sample();
    p.run(["render", "--mask", "--format", "md", "-o", "out"])
        .expect_code(0);
    insta::assert_snapshot!(
        "sample_speech_masked_md",
        without_digest(&p.read("out/speech-masked.md"))
    );
}

/// A template saved with a byte-order mark (Notepad's UTF-8) keeps its title: the mark is not
/// part of the text, so `# …` on its first line is still the heading, and the digest still
/// hashes the file as saved, mark and all.
#[test]
fn a_template_saved_with_a_byte_order_mark_keeps_its_title() {
    let p = Project::sample();
    let template = p.read("templates/speech.md.tera");
    p.write("templates/speech.md.tera", &format!("\u{feff}{template}"));
    p.run(["render", "--format", "md,html", "-o", "out"])
        .expect_code(0);
    let md = p.read("out/speech.md");
    assert!(!md.contains('\u{feff}'), "{md}");
    assert!(
        md.lines()
            .any(|l| l == "# 市直工委在全市机关党建工作推进会上的发言"),
        "{md}"
    );
    let html = p.read("out/speech.html");
    assert!(
        html.contains("<h1>市直工委在全市机关党建工作推进会上的发言</h1>"),
        "{html}"
    );
    p.run(["verify", "out/speech.md"]).expect_code(0);
}

/// A template is read as the YAML files are: a control character is reported at its own line
/// and column, with a hint, not as a failure to read the file.
#[test]
fn a_control_character_in_the_template_is_reported_at_its_place() {
    let p = Project::sample();
    p.edit("templates/speech.md.tera", "# 市直工委", "# 市直\u{7}工委");
    p.run(["check", "--message-format", "short"])
        .expect_code(1)
        .expect_problem(
            "templates/speech.md.tera",
            (7, 5),
            "control-character",
            "U+0007",
        );
}
