//! Trust (issue 8, §1–§3): `check` refuses everything `render` refuses, the circulation copy holds
//! no real value anywhere and never replaces the final speech, and a speech from sample facts says
//! so in every output. Each test failed on the main branch before the change it pins.

use crate::harness::{FACTS, FIGURES, Project, Run, TEMPLATE, at, check_with, pdf_tools, unzip};

/// The fonts every run here takes: the faces compiled in, whatever the machine has.
const BUNDLED: &[&str] = &["--fonts", "bundled"];

fn render(p: &Project, extra: &[&str]) -> Run {
    let mut args = vec!["render"];
    args.extend_from_slice(BUNDLED);
    args.extend_from_slice(&["-o", "out"]);
    args.extend_from_slice(extra);
    p.run(&args)
}

/// Both commands refuse, and `check` names the place.
fn refused_by_both(p: &Project, file: &str, at: (usize, usize), code: &str, words: &str) -> Run {
    let run = check_with(p, BUNDLED);
    run.expect_code(1).expect_problem(file, at, code, words);
    render(p, &[]).expect_code(1);
    assert!(!p.path("out").exists(), "render wrote nothing");
    run
}

// ---------------------------------------------------------------------------------------------
// §1 `check` refuses everything `render` refuses

#[test]
fn an_unclosed_if_is_reported_at_its_own_line_not_past_the_end() {
    let p = Project::sample();
    p.edit(
        TEMPLATE,
        "**扛起主体责任**。",
        "{% if year > 2000 %}**扛起主体责任**。",
    );
    let place = p.position(TEMPLATE, "{% if year");
    let run = refused_by_both(
        &p,
        TEMPLATE,
        place,
        "template",
        "这里的 {% if %} 没有对应的 {% endif %}",
    );
    let lines = p.read(TEMPLATE).lines().count();
    assert!(place.0 < lines, "{place:?} is inside the file");
    assert!(!run.stderr.contains(&format!("{TEMPLATE}:{}:", lines + 1)));
}

#[test]
fn a_tag_missing_a_brace_is_refused_where_it_opens() {
    // Tera renders `{{ fig.x }，…` without a word: the speech printed, the brace never noticed.
    let p = Project::sample();
    p.edit(
        TEMPLATE,
        "{{ fig.guideline_document }}",
        "{{ fig.guideline_document }",
    );
    refused_by_both(
        &p,
        TEMPLATE,
        p.position(TEMPLATE, "{{ fig.guideline_document }"),
        "template",
        "这个 {{ 没有配对的 }}",
    );
}

#[test]
fn a_variable_that_does_not_exist_is_explained_in_chinese_first() {
    let p = Project::sample();
    p.edit(
        TEMPLATE,
        "**扛起主体责任**。",
        "{{ nothing }}**扛起主体责任**。",
    );
    let run = refused_by_both(
        &p,
        TEMPLATE,
        at(&p, TEMPLATE, "{{ nothing }}", 3),
        "template",
        "模板用了不存在的名字（Tera 的说明：Variable `nothing` is not defined",
    );
    assert!(run.stderr.contains("fig.<id>（数据项）和 year（年份）"));
}

#[test]
fn a_figure_used_other_than_plainly_is_refused_at_its_template_line() {
    // Each of these printed something other than the figure, or nothing, without a word:
    // `| length` printed 1 for 1001 trainees.
    let cases = [
        ("{{ fig.trainees | length }}", "经过了过滤器"),
        (
            "{% raw %}{{ fig.trainees }}{% endraw %}",
            "写在 {% raw %} 中",
        ),
        (
            "{% if fig.trainees is defined %}1001{% endif %}",
            "用在了 {% if %} 中",
        ),
        ("{% set n = fig.trainees %}{{ n }}", "用在了 {% set %} 中"),
        ("{% if fig.trainees %}很多{% endif %}", "用在了 {% if %} 中"),
        (
            "{% filter upper %}{{ fig.trainees }}{% endfilter %}",
            "写在 {% filter %} 块中",
        ),
    ];
    for (written, words) in cases {
        let p = Project::sample();
        p.edit(TEMPLATE, "{{ fig.trainees }}", written);
        let column = written.find("fig.").unwrap();
        let run = refused_by_both(
            &p,
            TEMPLATE,
            at(&p, TEMPLATE, written, written[..column].chars().count()),
            "template",
            words,
        );
        assert!(
            run.stderr
                .contains("数据项 fig.trainees 只能以 {{ fig.trainees }} 原样印出"),
            "{written}\n{}",
            run.stderr
        );
        assert!(
            !run.stderr.contains("warning[unused-figure]"),
            "a misused figure is not also unused\n{}",
            run.stderr
        );
    }
}

#[test]
fn a_character_no_face_can_print_is_refused_at_the_facts_value() {
    // 𠀀 (CJK Extension B), an emoji, a private-use character: check passed, render failed.
    let cases = [
        ('𠀀', "请换成常用字"),
        ('😀', "这是表情符号"),
        ('\u{E000}', "这是私用区字符"),
    ];
    for (ch, hint) in cases {
        let p = Project::sample();
        p.edit_facts(
            "media_column: 机关党建先锋",
            &format!("media_column: 机关党建{ch}先锋"),
        );
        let value = at(&p, FACTS, "media_column: ", "media_column: ".len());
        let run = refused_by_both(
            &p,
            FACTS,
            value,
            "missing-glyph",
            &format!(
                "所选字体都缺少字符“{ch}”(U+{:04X})，PDF 里印不出来：它在 political.media_column 的值“机关党建{ch}先锋”中",
                u32::from(ch)
            ),
        );
        assert!(run.stderr.contains(hint), "{ch}\n{}", run.stderr);
        assert!(!run.stderr.contains("请改用该字"), "{}", run.stderr);
        // render says the same, at the same place.
        let rendered = render(&p, &[]);
        assert!(
            rendered
                .stderr
                .contains(&format!("--> {FACTS}:{}:{}", value.0, value.1)),
            "{}",
            rendered.stderr
        );
    }
}

#[test]
fn every_character_no_face_has_is_reported_in_one_run() {
    let p = Project::sample();
    p.edit_facts(
        "media_column: 机关党建先锋",
        "media_column: 机关党建𠀀先锋😀",
    );
    p.edit_facts(
        "cloud_platform: 智慧党建云平台",
        "cloud_platform: 智慧\u{E000}平台",
    );
    let run = check_with(&p, BUNDLED);
    run.expect_code(1);
    for ch in ['𠀀', '😀', '\u{E000}'] {
        assert!(
            run.stderr.contains(&format!("缺少字符“{ch}”")),
            "{ch}\n{}",
            run.stderr
        );
    }
    assert!(run.stderr.contains("3 个错误"), "{}", run.stderr);
}

#[test]
fn a_latin_word_wider_than_a_line_is_refused_where_it_is_written() {
    let word = "Supercalifragilisticexpialidocious".repeat(2);
    let p = Project::sample();
    p.edit_facts(
        "media_column: 机关党建先锋",
        &format!("media_column: {word}"),
    );
    refused_by_both(
        &p,
        FACTS,
        at(&p, FACTS, "media_column: ", "media_column: ".len()),
        "overlong",
        "中间不能换行，又比一整行还宽",
    );
    // In the template: a web address, at its line.
    let p = Project::sample();
    let url = format!("https://example.org/{}", "dangjian".repeat(8));
    p.edit(
        TEMPLATE,
        "**扛起主体责任**。",
        &format!("**扛起主体责任**。详见 {url} 。"),
    );
    refused_by_both(
        &p,
        TEMPLATE,
        p.position(TEMPLATE, &url),
        "overlong",
        "它在模板的这一行中",
    );
}

#[test]
fn check_takes_the_font_options_of_render() {
    let p = Project::sample();
    let fonts = p.path("fonts");
    std::fs::create_dir_all(&fonts).unwrap();
    p.run([
        "check",
        "--fonts",
        "bundled",
        "--font-dir",
        fonts.to_str().unwrap(),
    ])
    .expect_code(0);
    p.run(["check", "--fonts", "auto"]).expect_code(0);
    p.run(["check", "--fonts", "none"]).expect_code(2);
}

#[test]
fn check_writes_nothing() {
    let p = Project::sample();
    let before = listing(p.root());
    check_with(&p, BUNDLED).expect_code(0);
    assert_eq!(listing(p.root()), before);
}

fn listing(dir: &std::path::Path) -> Vec<String> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        out.push(path.display().to_string());
        if path.is_dir() {
            out.extend(listing(&path));
        }
    }
    out.sort();
    out
}

// ---------------------------------------------------------------------------------------------
// §2 The circulation copy

/// Facts whose every number is distinctive: no run of four digits of them, or of the figures
/// computed from them, occurs in the template, the declarations or anything speechgen adds.
const SENTINEL_FACTS: &str = "\
year: 2021
sample: false

political:
  guideline_document: 关于全面加强新时代机关党的建设的意见
  full_time_deputy_secretaries: 7391
  full_time_party_workers: 4812
  party_funds:
    2019: 5137
    2020: 5246
    2021: 5358
  lecture_hall: 党课大讲堂
  branch_lecture_forms: [小讲堂, 微课堂]
  members: 8623
  members_reached_by_lectures: 8623
  special_lectures:
    - 湘江战役主题演讲市直机关巡演
    - 脱贫感党恩奋进新起点主题活动进机关
  media_column: 机关党建先锋
  epidemic_film: 强化机关党建引领助力常态化疫情防控

organisation:
  training_bases: [红旗渠干部学院, 广西干部学院, 市委党校]
  training_classes:
    - name: 市直机关党组织书记
      trainees: 1729
    - name: 党务干部
      trainees: 2836
    - name: 新任党支部书记
      trainees: 3947
    - name: 纪委书记（纪检委员）
      trainees: 1658
  brand_plan: 深化市直机关党建品牌建设暨基层党组织达标创优工作方案
  position_standard: 八有
  branches: 9734
  branches_qualified: 8561
  rated_organisations: 6185
  stars:
    three: 2417
    four: 1863
    five: 1329
  cloud_platform: 智慧党建云平台
  liaison_system: 机关工委领导干部联系基层党组织制度
  leader_lectures:
    required: 4712
    done: 4689
  branch_meetings:
    required: 8354
    on_time: 8216

supervision:
  documents_relayed: 5813
  poverty_alleviation_meetings: 6142
  special_inspections: 7
  reminder_talks: 7264
  inspected_units: 3857
  party_building_issues: 4973
  party_committees: 6371
  committees_with_discipline_commission: 6371
  rectification_letters: 5492

service:
  epidemic_initiative: 筑堡垒战疫情齐行动
  communities_paired: 7183
  daily_on_duty: 8426
  responsibility_areas: 3618
  service_posts: 4527
  pairing_notice: 关于开展市直机关扶贫后盾单位党组织与扶贫村党组织结对共建活动的通知
  civilised_city_campaign: 创建全国文明城市
  double_report_campaign: 双报到双服务
  friday_party_day: 周五党日+
  joint_model: 社区吹哨、部门报到
  volunteer_plan: 市直机关党员志愿服务活动实施方案
  organisations_guided: 5961
  volunteer_teams: 6834
  volunteer_activities_per_year: 9263
  people_served: 73915
";

/// The sentinel project: its facts, and the cn_count figure declared `mask: true`.
pub(crate) fn sentinel_project() -> Project {
    let p = Project::sample();
    p.write(FACTS, SENTINEL_FACTS);
    let figures = p.read(FIGURES);
    let at = figures
        .find("  special_inspections:\n")
        .expect("the declaration");
    let mut changed = figures.clone();
    changed.insert_str(at + "  special_inspections:\n".len(), "    mask: true\n");
    p.write(FIGURES, &changed);
    p
}

/// Every real value of the sentinel facts: each number in the facts file and each figure's
/// printed value (a percent, a sum, 3800多), as runs of four characters or more of digits and
/// points; and 七, the cn_count figure declared `mask: true`.
pub(crate) fn real_values(p: &Project) -> Vec<String> {
    let mut values: Vec<String> = Vec::new();
    let mut add = |text: &str| {
        for run in text.split(|c: char| !(c.is_ascii_digit() || c == '.')) {
            let run = run.trim_matches('.');
            if run.len() >= 4 && run != "2021" && !values.iter().any(|v| v == run) {
                values.push(run.to_owned());
            }
        }
    };
    for line in SENTINEL_FACTS
        .lines()
        .filter(|l| !l.trim_start().starts_with("20"))
    {
        if let Some((_, value)) = line.split_once(": ") {
            add(value);
        }
    }
    for year_value in ["5137", "5246", "5358"] {
        add(year_value);
    }
    let listing = p.run(["figures"]);
    listing.expect_code(0);
    for line in listing.stdout.lines() {
        if let Some((_, value)) = line.split_once(" = ") {
            add(value);
        }
    }
    assert!(values.len() > 40, "{values:?}");
    values.push("七".into());
    values
}

pub(crate) fn assert_holds_none(what: &str, text: &str, values: &[String]) {
    // The combined digest (64 hex digits) is no value, though its digits may spell one.
    let mut kept = String::with_capacity(text.len());
    let mut rest = text;
    while !rest.is_empty() {
        let hex = rest
            .bytes()
            .take_while(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(b))
            .count();
        if hex >= 64 {
            rest = &rest[hex..];
            kept.push(' ');
        } else {
            let step = rest.chars().next().map_or(1, char::len_utf8).max(hex);
            kept.push_str(&rest[..step]);
            rest = &rest[step..];
        }
    }
    let text = kept.as_str();
    for v in values {
        assert!(
            !text.contains(v.as_str()),
            "{what} holds the real value {v}"
        );
    }
}

/// The PDF's Info dictionary and every stream that is not a font or a page's drawing, each
/// decompressed (the XMP metadata, if any), as text, with the `\uXXXX` escapes of the
/// keywords given back (a value hidden there in escapes is still found).
fn pdf_metadata(pdf: &[u8]) -> String {
    let doc = lopdf::Document::load_mem(pdf).unwrap();
    let mut out = String::new();
    if let Ok(info) = doc.trailer.get(b"Info") {
        let info = match info {
            lopdf::Object::Reference(id) => doc.get_object(*id).unwrap().clone(),
            other => other.clone(),
        };
        if let Ok(dict) = info.as_dict() {
            for (key, value) in dict.iter() {
                out.push_str(&String::from_utf8_lossy(key));
                out.push('=');
                if let Ok(bytes) = value.as_str() {
                    out.push_str(
                        &lopdf::decode_text_string(value)
                            .unwrap_or_else(|_| String::from_utf8_lossy(bytes).into_owned()),
                    );
                }
                out.push('\n');
            }
        }
    }
    for object in doc.objects.values() {
        if let lopdf::Object::Stream(stream) = object {
            let is_metadata = stream
                .dict
                .get(b"Type")
                .and_then(|t| t.as_name())
                .is_ok_and(|n| n == b"Metadata");
            if is_metadata {
                let content = stream
                    .decompressed_content()
                    .unwrap_or_else(|_| stream.content.clone());
                out.push_str(&String::from_utf8_lossy(&content));
            }
        }
    }
    speechgen::digest::ascii_unescaped(&out)
}

#[test]
fn the_masked_copy_holds_no_real_value_anywhere() {
    let p = sentinel_project();
    let values = real_values(&p);
    // The final speech prints them: the test would catch a leak.
    render(&p, &[]).expect_code(0);
    let final_md = p.read("out/speech.md");
    for v in ["7391", "4812", "10170", "七次"] {
        assert!(final_md.contains(v), "{v} in the final speech");
    }

    render(&p, &["--mask"]).expect_code(0);
    let names: Vec<String> = std::fs::read_dir(p.path("out"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    for name in &names {
        assert_holds_none(&format!("file name {name}"), name, &values);
    }
    let md = p.read("out/speech-masked.md");
    assert_holds_none("speech-masked.md", &md, &values);
    assert!(md.contains("专职副书记\\*人"), "masked as *");
    assert!(
        md.contains("专项监督检查\\*次"),
        "mask: true hides a cn_count"
    );
    // The whole page: text, attributes (the tooltips), comments, the head.
    let html = p.read("out/speech-masked.html");
    assert_holds_none("speech-masked.html", &html, &values);
    assert!(
        html.contains("title=\"直属党组织已配备专职副书记："),
        "{html}"
    );

    let pdf = std::fs::read(p.path("out/speech-masked.pdf")).unwrap();
    assert_holds_none("the PDF's metadata", &pdf_metadata(&pdf), &values);
    assert_holds_none("the PDF's bytes", &String::from_utf8_lossy(&pdf), &values);
    if pdf_tools::have(&["pdftotext"]) {
        assert_holds_none("the PDF's text", &pdf_tools::pdftotext(&pdf), &values);
    }
    let docx = std::fs::read(p.path("out/speech-masked.docx")).unwrap();
    for (name, text) in unzip(&docx) {
        assert_holds_none(
            &format!("speech-masked.docx:{name}"),
            &format!("{name}\n{text}"),
            &values,
        );
    }
}

#[test]
fn the_circulation_copy_is_written_beside_the_final_speech_and_says_so_above_its_title() {
    let p = Project::sample();
    render(&p, &[]).expect_code(0);
    let final_files: Vec<Vec<u8>> = ["md", "html", "pdf", "docx"]
        .iter()
        .map(|e| std::fs::read(p.path(&format!("out/speech.{e}"))).unwrap())
        .collect();
    let run = render(&p, &["--mask"]);
    run.expect_code(0);
    for (e, before) in ["md", "html", "pdf", "docx"].iter().zip(&final_files) {
        let after = std::fs::read(p.path(&format!("out/speech.{e}"))).unwrap();
        assert!(after == *before, "speech.{e} left as it was");
        assert!(
            run.stderr
                .contains(&format!("已写入 out/speech-masked.{e}")),
            "{}",
            run.stderr
        );
    }
    const LINE: &str = "传阅稿（数字已隐去）";
    const TITLE: &str = "市直工委在全市机关党建工作推进会上的发言";
    let md = p.read("out/speech-masked.md");
    assert!(
        md.contains(&format!("{LINE}\n\n# {TITLE}\n")),
        "{}",
        &md[..300]
    );
    let html = p.read("out/speech-masked.html");
    assert!(
        html.contains(&format!(
            "<p class=\"circulation\">{LINE}</p>\n<h1>{TITLE}</h1>"
        )),
        "{html}"
    );
    let docx = unzip(&std::fs::read(p.path("out/speech-masked.docx")).unwrap());
    let body = &docx["word/document.xml"];
    let (line_at, title_at) = (body.find(LINE).unwrap(), body.find(TITLE).unwrap());
    assert!(line_at < title_at);
    if pdf_tools::have(&["pdftotext"]) {
        let pdf = std::fs::read(p.path("out/speech-masked.pdf")).unwrap();
        let text = pdf_tools::pdftotext(&pdf);
        let lines: Vec<&str> = text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect();
        let title = lines.iter().position(|l| *l == TITLE).expect("the title");
        assert_eq!(lines[title - 1], LINE, "{lines:?}");
    }
    // The final speech never carries it.
    assert!(!p.read("out/speech.md").contains(LINE));
    assert!(!p.read("out/speech.html").contains(LINE));
}

#[test]
fn draft_and_mask_together_are_refused_with_the_reason() {
    let p = Project::sample();
    let run = render(&p, &["--draft", "--mask"]);
    run.expect_code(2)
        .expect_stderr("--draft 与 --mask 不能同时使用")
        .expect_stderr("传阅稿不能含有任何数字");
    assert!(!p.path("out").exists());
}

#[test]
fn the_draft_is_written_as_speech_draft_and_its_markdown_is_marked() {
    let p = Project::sample();
    p.edit_facts("reminder_talks: 68", "reminder_talks:");
    render(&p, &["--draft"]).expect_code(0);
    let md = p.read("out/speech-draft.md");
    assert!(
        md.contains("草稿 · 未定稿，请勿印发\n\n# 市直工委"),
        "{}",
        &md[..300]
    );
    assert!(md.contains("【未填："));
    for e in ["md", "html", "pdf", "docx"] {
        assert!(p.path(&format!("out/speech-draft.{e}")).is_file());
        assert!(
            !p.path(&format!("out/speech.{e}")).exists(),
            "no speech.{e}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// §3 A speech from sample facts says so in every output

#[test]
fn a_speech_from_sample_facts_is_marked_in_every_output() {
    const MARK: &str = "样例：数字是虚构的，不能用于正式讲话";
    let p = Project::sample();
    render(&p, &[]).expect_code(0);
    assert!(
        p.read("out/speech.md")
            .starts_with(&format!("<!-- {MARK} -->\n\n# ")),
        "the Markdown opens with the mark"
    );
    assert!(
        p.read("out/speech.html").contains(&format!(
            "<div class=\"sample-banner\" role=\"note\">{MARK}</div>"
        )),
        "the HTML banner"
    );
    let docx = unzip(&std::fs::read(p.path("out/speech.docx")).unwrap());
    assert!(docx["word/header1.xml"].contains(MARK), "the Word header");
    assert!(docx["word/document.xml"].contains("headerReference"));
    if pdf_tools::have(&["pdftotext"]) {
        let pdf = std::fs::read(p.path("out/speech.pdf")).unwrap();
        let text = pdf_tools::pdftotext(&pdf);
        let pages: Vec<&str> = text
            .split('\u{c}')
            .filter(|p| !p.trim().is_empty())
            .collect();
        assert!(pages.len() > 1);
        for (n, page) in pages.iter().enumerate() {
            assert!(page.contains(MARK), "page {} carries the mark", n + 1);
        }
    }

    // Real facts carry no mark at all.
    p.edit_facts("\nsample: true\n", "\nsample: false\n");
    render(&p, &["--format", "md,html,docx,pdf"]).expect_code(0);
    assert!(!p.read("out/speech.md").contains("样例"));
    assert!(!p.read("out/speech.html").contains("样例"));
    let docx = unzip(&std::fs::read(p.path("out/speech.docx")).unwrap());
    assert!(!docx.contains_key("word/header1.xml"));
    if pdf_tools::have(&["pdftotext"]) {
        let pdf = std::fs::read(p.path("out/speech.pdf")).unwrap();
        assert!(!pdf_tools::pdftotext(&pdf).contains("样例"));
    }
}

#[test]
fn next_year_drops_the_sample_mark_and_its_banner() {
    let p = Project::sample();
    p.run(["next-year"]).expect_code(0);
    let next = p.read("facts/2022.yaml");
    assert!(!next.contains("sample:"), "{next}");
    assert!(!next.contains("样例数据"), "{next}");
    // The editor's schema line, then the year: no sample comment between them.
    assert!(
        next.starts_with("# yaml-language-server: $schema=facts.schema.json\nyear: 2022\n"),
        "{next}"
    );
    // A year started from real facts keeps its own opening comment.
    let p = Project::sample();
    let facts = p.read(FACTS);
    let body = &facts[facts.find("year: 2021").unwrap()..];
    p.write(
        FACTS,
        &format!(
            "# 市直机关工委 2021 年数据\n{}",
            body.replace("sample: true\n", "")
        ),
    );
    p.run(["next-year"]).expect_code(0);
    assert!(
        p.read("facts/2022.yaml").starts_with(
            "# yaml-language-server: $schema=facts.schema.json\n# 市直机关工委 2021 年数据\nyear: 2022\n"
        )
    );
}

#[test]
fn mask_in_a_declaration_is_true_or_false() {
    let p = Project::sample();
    let figures = p.read(FIGURES);
    let at_decl =
        figures.find("  special_inspections:\n").unwrap() + "  special_inspections:\n".len();
    let mut changed = figures.clone();
    changed.insert_str(at_decl, "    mask: yes please\n");
    p.write(FIGURES, &changed);
    check_with(&p, BUNDLED).expect_code(1).expect_problem(
        FIGURES,
        at(&p, FIGURES, "mask: yes please", "mask: ".len()),
        "bad-declaration",
        "数据项 special_inspections 的 mask 只能写 true 或 false",
    );
}
