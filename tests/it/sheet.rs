//! `speechgen figures --format …`: the verification sheet (核对表) as a reviewer uses it. One row
//! per printed figure with its exact inputs, last year's value and the change; one row per claim;
//! the CSV and JSON parse; the PDF is a ruled table whose rows are all there, each on one
//! baseline band.

use crate::harness::Project;
use crate::harness::pdf_tools;
use serde_json::Value;

/// Last year's facts: the sample with some numbers moved, as a real 2020 would differ.
fn with_2020(p: &Project) {
    let text = p
        .read("facts/2021.yaml")
        .replace("year: 2021", "year: 2020")
        .replace(
            "full_time_party_workers: 126",
            "full_time_party_workers: 80",
        )
        .replace("branches_qualified: 1380", "branches_qualified: 1300")
        .replace("daily_on_duty: 1264", "daily_on_duty: 1250")
        .replace("    2021: 342\n", "");
    p.write("facts/2020.yaml", &text);
}

fn sheet_json(p: &Project, args: &[&str]) -> (i32, Value) {
    let mut all = vec!["figures", "--format", "json"];
    all.extend_from_slice(args);
    let run = p.run(&all);
    let json = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("{e}\n{}\n{}", run.stdout, run.stderr));
    (run.code, json)
}

fn figure<'a>(sheet: &'a Value, id: &str) -> &'a Value {
    sheet["figures"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == id)
        .unwrap_or_else(|| panic!("no row for {id}"))
}

fn claim<'a>(sheet: &'a Value, id: &str) -> &'a Value {
    sheet["claims"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == id)
        .unwrap_or_else(|| panic!("no claim {id}"))
}

/// The figures the template prints, each once, in order of first use.
fn printed_ids(p: &Project) -> Vec<String> {
    let template = p.read("templates/speech.md.tera");
    let mut ids: Vec<String> = Vec::new();
    for piece in template.split("fig.").skip(1) {
        let id: String = piece
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        if !id.is_empty() && !ids.contains(&id) {
            ids.push(id);
        }
    }
    ids
}

fn line_of(p: &Project, needle: &str) -> String {
    format!(
        "facts/2021.yaml:{}",
        p.position("facts/2021.yaml", needle).0
    )
}

#[test]
fn one_row_per_printed_figure_in_reading_order_with_its_exact_inputs() {
    let p = Project::sample();
    let (code, sheet) = sheet_json(&p, &[]);
    assert_eq!(code, 0);
    let rows = sheet["figures"].as_array().unwrap();
    let ids: Vec<&str> = rows.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(ids, printed_ids(&p));
    for (i, r) in rows.iter().enumerate() {
        assert_eq!(r["number"], i + 1);
        assert_eq!(r["status"], "ok");
    }
    assert_eq!(sheet["year"], 2021);
    assert_eq!(sheet["facts"], "facts/2021.yaml");

    let share = figure(&sheet, "branches_qualified_share");
    assert_eq!(share["printed"], "96.7%");
    let inputs = share["inputs"].as_array().unwrap();
    assert_eq!(inputs.len(), 2);
    assert_eq!(
        (&inputs[0]["role"], &inputs[0]["path"], &inputs[0]["value"]),
        (
            &Value::from("部分"),
            &Value::from("organisation.branches_qualified"),
            &Value::from(1380)
        )
    );
    assert_eq!(inputs[0]["place"], line_of(&p, "branches_qualified: 1380"));
    assert_eq!(
        (&inputs[1]["role"], &inputs[1]["value"]),
        (&Value::from("整体"), &Value::from(1427))
    );
    assert!(
        share["formula"]
            .as_str()
            .unwrap()
            .starts_with("1380 ÷ 1427 × 100 = 96.706"),
        "{}",
        share["formula"]
    );

    // The count behind 多, every addend of a sum.
    let on_duty = figure(&sheet, "daily_on_duty");
    assert_eq!(on_duty["printed"], "1200多人");
    assert_eq!(on_duty["inputs"][0]["value"], 1264);
    assert_eq!(on_duty["inputs"][0]["role"], "确数");
    let trainees = figure(&sheet, "trainees");
    let addends: Vec<&Value> = trainees["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| &i["value"])
        .collect();
    assert_eq!(addends, [214, 486, 173, 128]);
    assert_eq!(trainees["formula"], "214 + 486 + 173 + 128 = 1001");
    assert_eq!(
        trainees["inputs"][3]["path"],
        "organisation.training_classes.3.trainees"
    );

    // No 2020 facts: no last-year column, and the header says why.
    assert_eq!(sheet["previous"]["state"], "missing");
    assert!(share["last_year"].is_null() && share["change"].is_null());
}

#[test]
fn last_years_value_and_the_change_with_a_flag_beyond_the_plausible_range() {
    let p = Project::sample();
    with_2020(&p);
    let (code, sheet) = sheet_json(&p, &[]);
    assert_eq!(code, 0, "a flag asks the reviewer, it does not fail");
    assert_eq!(sheet["previous"]["file"], "facts/2020.yaml");

    let workers = figure(&sheet, "party_workers");
    assert_eq!(workers["last_year"]["printed"], "80人");
    assert_eq!(workers["change"]["text"], "+57.5%");
    assert_eq!(workers["change"]["flagged"], true);
    assert_eq!(workers["change"]["limit"], 30.0);

    // Both years print 1200多: the sheet still shows the raw change.
    let on_duty = figure(&sheet, "daily_on_duty");
    assert_eq!(on_duty["last_year"]["printed"], "1200多人");
    assert_eq!(on_duty["change"]["text"], "+1.1%");
    assert_eq!(on_duty["change"]["flagged"], false);

    // Percentages change in points.
    let share = figure(&sheet, "branches_qualified_share");
    assert_eq!(share["last_year"]["printed"], "91.1%");
    assert_eq!(share["change"]["text"], "+5.6 个百分点");
    assert_eq!(share["change"]["unit"], "points");

    let same = figure(&sheet, "deputy_secretaries");
    assert_eq!(same["change"]["text"], "持平");
    let names = figure(&sheet, "lecture_hall");
    assert_eq!(names["change"]["text"], "同上年");
    assert_eq!(sheet["flagged"], 1);

    let text = p.run(["figures"]);
    assert!(
        text.stdout
            .contains("上年与变化：上年 80人，变化 +57.5%    ※超出合理范围 ±30%"),
        "{}",
        text.stdout
    );

    // A figure may declare how much change is plausible for it.
    p.edit(
        "templates/figures.yaml",
        "    fact: political.full_time_party_workers\n",
        "    fact: political.full_time_party_workers\n    plausible_change: 60\n",
    );
    let (_, sheet) = sheet_json(&p, &[]);
    let workers = figure(&sheet, "party_workers");
    assert_eq!(workers["change"]["flagged"], false);
    assert_eq!(workers["change"]["limit"], 60.0);
}

#[test]
fn one_row_per_claim_with_the_whole_series_and_both_counts() {
    let p = Project::sample();
    let (_, sheet) = sheet_json(&p, &[]);
    let claims = sheet["claims"].as_array().unwrap();
    let figures = sheet["figures"].as_array().unwrap().len();
    assert_eq!(claims[0]["number"], figures + 1, "numbering goes on");

    let rising = claim(&sheet, "party_funds_rising");
    assert_eq!(rising["kind"], "逐年提升");
    let series: Vec<(&Value, &Value)> = rising["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (&i["role"], &i["value"]))
        .collect();
    assert_eq!(
        series,
        [
            (&Value::from("2019"), &Value::from(286)),
            (&Value::from("2020"), &Value::from(315)),
            (&Value::from("2021"), &Value::from(342))
        ]
    );
    assert_eq!(rising["holds"], true);

    let all = claim(&sheet, "discipline_commissions_all");
    assert_eq!(all["kind"], "全部");
    assert_eq!(all["inputs"][0]["value"], 52);
    assert_eq!(all["inputs"][1]["value"], 52);
    assert_eq!(all["detail"], "52 = 52，全部");

    let stars = claim(&sheet, "star_ratings_within_rated");
    assert_eq!(stars["detail"], "148 + 97 + 42 = 287 ≤ 386");
    assert_eq!(stars["inputs"].as_array().unwrap().len(), 4);

    let coverage = claim(&sheet, "lecture_coverage");
    assert_eq!(coverage["kind"], "全覆盖");
    assert_eq!(coverage["holds"], true);

    // A claim that fails is a row the reviewer cannot sign: exit 1.
    p.edit_facts("    2020: 315", "    2020: 345");
    let (code, sheet) = sheet_json(&p, &[]);
    assert_eq!(code, 1);
    let rising = claim(&sheet, "party_funds_rising");
    assert_eq!(rising["holds"], false);
    assert_eq!(rising["detail"], "286 → 345 → 342，并非逐年上升");
}

#[test]
fn an_unfilled_figure_is_a_marked_row_and_exit_1() {
    let p = Project::sample();
    p.edit_facts("full_time_party_workers: 126", "full_time_party_workers:");
    let run = p.run(["figures"]);
    run.expect_code(1);
    assert!(
        run.stdout
            .contains("  3. 落实专职党务工作人员  [party_workers]\n     印出：【未填】"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("输入：取值 political.full_time_party_workers = 【未填】")
    );
    assert!(run.stdout.contains("※ 此数字未填，不能签发"));
    let (code, sheet) = sheet_json(&p, &[]);
    assert_eq!(code, 1);
    let row = figure(&sheet, "party_workers");
    assert_eq!(row["status"], "unfilled");
    assert!(row["printed"].is_null());
    assert_eq!(row["inputs"][0]["state"], "unfilled");
    assert_eq!(sheet["open_rows"], 1);
}

#[test]
fn the_csv_parses_into_one_record_per_row() {
    let p = Project::sample();
    let run = p.run(["figures", "--format", "csv"]);
    run.expect_code(0);
    assert!(run.stdout.starts_with('\u{feff}'), "Excel needs the BOM");
    let mut reader = csv::Reader::from_reader(run.stdout.as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(header[..5], ["类别", "序号", "标识", "名称", "印出"]);
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let (_, sheet) = sheet_json(&p, &[]);
    let figures = sheet["figures"].as_array().unwrap().len();
    let claims = sheet["claims"].as_array().unwrap().len();
    assert_eq!(records.len(), figures + claims);
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let share = records
        .iter()
        .find(|r| &r[col("标识")] == "branches_qualified_share")
        .unwrap();
    assert_eq!(&share[col("印出")], "96.7%");
    assert_eq!(
        &share[col("输入")],
        "部分 organisation.branches_qualified = 1380\n整体 organisation.branches = 1427"
    );
    let names = records
        .iter()
        .find(|r| &r[col("标识")] == "guideline_document")
        .unwrap();
    assert_eq!(
        &names[col("印出")],
        "《关于全面加强新时代机关党的建设的意见》"
    );
    assert_eq!(records.last().unwrap()[col("类别")].to_owned(), "判断");
}

#[test]
fn sources_show_in_the_sheet_the_most_specific_key_wins() {
    let p = Project::sample();
    let facts = p.read("facts/2021.yaml");
    p.write(
        "facts/2021.yaml",
        &format!("{facts}\nsources:\n  service: 市委办公室\n  service.daily_on_duty: 市文明办\n"),
    );
    p.run(["check"]).expect_code(0);
    let (_, sheet) = sheet_json(&p, &[]);
    assert_eq!(figure(&sheet, "daily_on_duty")["source"], "市文明办");
    assert_eq!(figure(&sheet, "service_posts")["source"], "市委办公室");
    assert!(figure(&sheet, "deputy_secretaries")["source"].is_null());

    // A key that names no group or fact is found like any unknown key, at its place.
    p.edit_facts(
        "  service.daily_on_duty: 市文明办",
        "  service.daily_on_dutty: 市文明办",
    );
    let run = p.run(["check", "--message-format", "short"]);
    run.expect_code(1);
    run.expect_problem(
        "facts/2021.yaml",
        p.position("facts/2021.yaml", "service.daily_on_dutty"),
        "unknown-key",
        "service.daily_on_dutty",
    );
    assert!(
        run.stderr.contains("是不是想写“service.daily_on_duty”"),
        "{}",
        run.stderr
    );

    // next-year keeps who gives the figures.
    p.edit_facts(
        "  service.daily_on_dutty: 市文明办",
        "  service.daily_on_duty: 市文明办",
    );
    p.run(["next-year"]).expect_code(0);
    assert!(
        p.read("facts/2022.yaml")
            .contains("sources:\n  service: 市委办公室\n  service.daily_on_duty: 市文明办\n")
    );
}

#[test]
fn the_html_sheet_prints_on_a4_landscape_with_every_row() {
    let p = Project::sample();
    with_2020(&p);
    let run = p.run(["figures", "--format", "html"]);
    run.expect_code(0);
    let html = p.read("output/2021/figures.html");
    assert!(html.contains("@page { size: A4 landscape;"));
    assert!(html.contains("<meta name=\"speechgen-digest\" content=\"sha256="));
    assert!(
        html.contains("thead { display: table-header-group; }"),
        "header row repeats"
    );
    let (_, sheet) = sheet_json(&p, &[]);
    let figures = sheet["figures"].as_array().unwrap().len();
    assert_eq!(
        html.matches("<tr class=\"ok\" data-figure=").count(),
        figures
    );
    assert_eq!(html.matches(" data-claim=").count(), 4);
    assert!(html.contains("<span class=\"flag\">超出合理范围 ±30%</span>"));
    assert!(html.contains(sheet["digest"]["short"].as_str().unwrap()));
    assert!(
        html.matches("核对人：<span class=\"blank\"></span>")
            .count()
            == 2
    );
    // `-o FILE` writes elsewhere.
    p.run(["figures", "--format", "html", "-o", "sheet.html"])
        .expect_code(0);
    assert!(p.path("sheet.html").is_file());
}

/// `pdftotext -bbox`: every word of every page with its box.
struct Word {
    page: usize,
    x0: f64,
    y0: f64,
    y1: f64,
    text: String,
}

fn words(pdf: &[u8]) -> Vec<Word> {
    let text = pdf_tools::pdftotext_bbox(pdf);
    let attr = |line: &str, name: &str| -> f64 {
        let start = line.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
        line[start..].split('"').next().unwrap().parse().unwrap()
    };
    let mut page = 0;
    let mut out = Vec::new();
    for line in text.lines() {
        if line.trim_start().starts_with("<page") {
            page += 1;
        }
        if let Some(rest) = line.trim_start().strip_prefix("<word ") {
            let text = rest.split('>').nth(1).unwrap().split('<').next().unwrap();
            out.push(Word {
                page,
                x0: attr(line, "xMin"),
                y0: attr(line, "yMin"),
                y1: attr(line, "yMax"),
                text: text
                    .replace("&amp;", "&")
                    .replace("&lt;", "<")
                    .replace("&gt;", ">"),
            });
        }
    }
    out
}

/// How much of the smaller of two vertical extents they share (1.0: one inside the other).
fn overlap(a: (f64, f64), b: (f64, f64)) -> f64 {
    let shared = a.1.min(b.1) - a.0.max(b.0);
    shared.max(0.0) / (a.1 - a.0).min(b.1 - b.0)
}

/// A text object as drawn: page (1-based), where its first glyph's origin is (points from the
/// page's top left: the baseline, exactly) and its text, decoded through the font's ToUnicode map.
struct Drawn {
    page: usize,
    x: f64,
    baseline: f64,
    text: String,
}

/// A PDF matrix [a b c d e f].
type Matrix = [f64; 6];
const IDENTITY: Matrix = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0];

fn to_matrix(v: &[f64]) -> Matrix {
    [v[0], v[1], v[2], v[3], v[4], v[5]]
}

/// `m` then `n` (PDF's row-vector convention: a point p goes to p × m × n).
fn multiply(m: Matrix, n: Matrix) -> Matrix {
    [
        m[0] * n[0] + m[1] * n[2],
        m[0] * n[1] + m[1] * n[3],
        m[2] * n[0] + m[3] * n[2],
        m[2] * n[1] + m[3] * n[3],
        m[4] * n[0] + m[5] * n[2] + n[4],
        m[4] * n[1] + m[5] * n[3] + n[5],
    ]
}

fn drawn_text(pdf: &[u8]) -> Vec<Drawn> {
    use lopdf::Object;
    let doc = lopdf::Document::load_mem(pdf).unwrap();
    let mut out = Vec::new();
    for (page_no, page_id) in doc.get_pages() {
        let height = 595.28;
        // glyph id → text, per font resource.
        let mut maps: std::collections::HashMap<Vec<u8>, std::collections::HashMap<u16, String>> =
            Default::default();
        for (name, font) in doc.get_page_fonts(page_id).unwrap() {
            let Ok(r) = font.get(b"ToUnicode").and_then(Object::as_reference) else {
                continue;
            };
            let cmap = doc.get_object(r).unwrap().as_stream().unwrap();
            let cmap = cmap
                .decompressed_content()
                .unwrap_or_else(|_| cmap.content.clone());
            let mut map = std::collections::HashMap::new();
            for line in String::from_utf8_lossy(&cmap).lines() {
                let parts: Vec<&str> = line.split_whitespace().collect();
                if let [g, u] = parts[..]
                    && g.starts_with('<')
                    && u.starts_with('<')
                {
                    let gid = u16::from_str_radix(g.trim_matches(['<', '>']), 16).unwrap();
                    let hex = u.trim_matches(['<', '>']);
                    let units: Vec<u16> = (0..hex.len() / 4)
                        .map(|i| u16::from_str_radix(&hex[4 * i..4 * i + 4], 16).unwrap())
                        .collect();
                    map.insert(gid, String::from_utf16(&units).unwrap());
                }
            }
            maps.insert(name, map);
        }
        // Where each text object's first glyph lands on the page, as a viewer places it: the
        // text matrix (Tm, Td, TD) times the current transformation (cm, saved and restored
        // by q and Q), whatever operators the writer chose to say it with.
        let content = lopdf::content::Content::decode(&doc.get_page_content(page_id)).unwrap();
        let num = |o: &Object| o.as_float().map(f64::from).unwrap();
        let nums =
            |op: &lopdf::content::Operation| -> Vec<f64> { op.operands.iter().map(num).collect() };
        let mut ctm = IDENTITY;
        let mut saved = Vec::new();
        let (mut tm, mut line, mut font) = (IDENTITY, IDENTITY, Vec::new());
        for op in &content.operations {
            match op.operator.as_str() {
                "q" => saved.push(ctm),
                "Q" => ctm = saved.pop().unwrap(),
                "cm" => ctm = multiply(to_matrix(&nums(op)), ctm),
                "BT" => (tm, line) = (IDENTITY, IDENTITY),
                "Tm" => (tm, line) = (to_matrix(&nums(op)), to_matrix(&nums(op))),
                "Td" | "TD" => {
                    let v = nums(op);
                    line = multiply([1.0, 0.0, 0.0, 1.0, v[0], v[1]], line);
                    tm = line;
                }
                "Tf" => font = op.operands[0].as_name().unwrap().to_vec(),
                "TJ" | "Tj" => {
                    let strings: Vec<&[u8]> = match op.operator.as_str() {
                        "TJ" => op.operands[0]
                            .as_array()
                            .unwrap()
                            .iter()
                            .filter_map(|o| o.as_str().ok())
                            .collect(),
                        _ => vec![op.operands[0].as_str().unwrap()],
                    };
                    let text: String = strings
                        .into_iter()
                        .flat_map(|b| b.chunks(2).map(|c| u16::from_be_bytes([c[0], c[1]])))
                        .map(|g| maps[&font][&g].clone())
                        .collect();
                    let at = multiply(tm, ctm);
                    out.push(Drawn {
                        page: page_no as usize,
                        x: at[4],
                        baseline: height - at[5],
                        text,
                    });
                }
                _ => {}
            }
        }
    }
    out
}

#[test]
fn the_pdf_sheet_is_a_ruled_table_holding_every_row_each_on_one_baseline() {
    if !pdf_tools::have(&["pdftotext", "pdfinfo", "pdffonts"]) {
        return;
    }
    let p = Project::sample();
    with_2020(&p);
    p.run(["figures", "--format", "pdf"]).expect_code(0);
    let pdf = std::fs::read(p.path("output/2021/figures.pdf")).unwrap();
    let (_, sheet) = sheet_json(&p, &[]);
    let figures = sheet["figures"].as_array().unwrap();
    let claims = sheet["claims"].as_array().unwrap();

    let info = pdf_tools::pdfinfo(&pdf);
    assert!(
        info.contains("841.89 x 595.28 pts (A4)"),
        "landscape: {info}"
    );
    assert!(info.contains(&format!(
        "Keywords:        speechgen-digest={}",
        sheet["digest"]["sha256"].as_str().unwrap()
    )));
    let fonts = pdf_tools::pdffonts(&pdf);
    for row in fonts.lines().skip(2).filter(|l| !l.trim().is_empty()) {
        let cols: Vec<&str> = row.split_whitespace().collect();
        assert!(cols[0].contains('+'), "subset: {row}");
        assert_eq!(
            &cols[cols.len() - 5..cols.len() - 2],
            ["yes", "yes", "yes"],
            "{row}"
        );
    }

    // Ruled: every row has its rules (a path of at least one segment per column edge).
    let doc = lopdf::Document::load_mem(&pdf).unwrap();
    let mut segments = 0;
    for (_, id) in doc.get_pages() {
        let content = lopdf::content::Content::decode(&doc.get_page_content(id)).unwrap();
        segments += content
            .operations
            .iter()
            .filter(|o| o.operator == "l")
            .count();
    }
    assert!(
        segments >= (figures.len() + claims.len()) * 9,
        "{segments} rules"
    );

    let words = words(&pdf);
    // The number column: words starting at the left margin plus the cell padding.
    let numbers: Vec<&Word> = words
        .iter()
        .filter(|w| (w.x0 - 36.02).abs() < 0.5 && w.text.bytes().all(|b| b.is_ascii_digit()))
        .collect();
    let found: Vec<usize> = numbers.iter().map(|w| w.text.parse().unwrap()).collect();
    let want: Vec<usize> = (1..=figures.len() + claims.len()).collect();
    assert_eq!(found, want, "every row, in order");

    let rows: Vec<(&str, &str)> = figures
        .iter()
        .map(|f| (f["label"].as_str().unwrap(), f["printed"].as_str().unwrap()))
        .chain(
            claims
                .iter()
                .map(|c| (c["label"].as_str().unwrap(), "成立")),
        )
        .collect();
    // pdftotext: every row's number, label and first lines of its Song cells on one band
    // (words of one face and size share their box top exactly when they share a baseline).
    for (number, (label, _)) in numbers.iter().zip(&rows) {
        let band: String = words
            .iter()
            .filter(|w| w.page == number.page && (w.y0 - number.y0).abs() < 0.05)
            .map(|w| w.text.as_str())
            .collect();
        let head: String = label.chars().take(4).collect();
        assert!(
            band.contains(&head),
            "row {}: {band:?} lacks {head}",
            number.text
        );
        // Nothing of another row shares the band.
        assert!(
            numbers
                .iter()
                .filter(|n| n.page == number.page
                    && overlap((n.y0, n.y1), (number.y0, number.y1)) > 0.0)
                .count()
                == 1
        );
    }

    // The drawn text objects: every cell's first line, whatever its face, on the row's baseline.
    let drawn = drawn_text(&pdf);
    let row_numbers: Vec<&Drawn> = drawn
        .iter()
        .filter(|d| (d.x - 36.02).abs() < 0.05 && d.text.bytes().all(|b| b.is_ascii_digit()))
        .collect();
    assert_eq!(
        row_numbers
            .iter()
            .map(|d| d.text.parse().unwrap())
            .collect::<Vec<usize>>(),
        want
    );
    for (number, (label, printed)) in row_numbers.iter().zip(&rows) {
        let line: Vec<&Drawn> = drawn
            .iter()
            .filter(|d| d.page == number.page && (d.baseline - number.baseline).abs() < 0.01)
            .collect();
        let text: String = line.iter().map(|d| d.text.as_str()).collect();
        let head: String = label.chars().take(4).collect();
        assert!(
            text.contains(&head),
            "row {}: {text:?} lacks {head}",
            number.text
        );
        let value: String = printed.chars().take(2).collect();
        assert!(
            text.contains(&value),
            "row {}: {text:?} lacks {value}",
            number.text
        );
        let mut columns: Vec<i64> = line.iter().map(|d| d.x.round() as i64).collect();
        columns.sort();
        columns.dedup();
        assert!(
            columns.len() >= 5,
            "row {}: {text:?} in {columns:?}",
            number.text
        );
    }

    // The flag and last year's value are on the sheet; every page names the digest.
    let text = pdf_tools::pdftotext(&pdf);
    assert!(text.contains("※超出合理范围 ±30%"), "{text}");
    let pages = text.split('\u{c}').filter(|p| !p.trim().is_empty()).count();
    let short = sheet["digest"]["short"].as_str().unwrap();
    assert_eq!(text.matches(&format!("摘要 {short}")).count(), pages);
    assert!(text.contains("核对人："));
}

/// The sheet must never call a claim 成立, or exit 0, where `check` refuses the facts: a series
/// rising in the file's order but not in year order, or one that stops before this year.
#[test]
fn a_claim_check_refuses_is_never_signable_on_the_sheet() {
    let p = Project::sample();
    let check = p.run(["check"]);
    check.expect_code(0);

    // Rising as written (286, 315, 342) but not by year: 2019 286, 2020 342, 2021 315.
    p.edit_facts(
        "    2020: 315\n    2021: 342\n",
        "    2021: 315\n    2020: 342\n",
    );
    p.run(["check"]).expect_code(1);
    let (code, sheet) = sheet_json(&p, &[]);
    assert_eq!(code, 1, "{sheet}");
    assert_ne!(sheet["errors"], 0, "check's errors are on the sheet");
    let rising = claim(&sheet, "party_funds_rising");
    assert_eq!(rising["holds"], false, "{rising}");
    assert_eq!(rising["detail"], "286 → 342 → 315，并非逐年上升");
    let years: Vec<&Value> = rising["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| &i["role"])
        .collect();
    assert_eq!(years, ["2019", "2020", "2021"], "in year order");

    // Rising, but without this year's number: check says the claim is not shown.
    p.edit_facts("    2021: 315\n    2020: 342\n", "    2020: 342\n");
    p.run(["check"]).expect_code(1);
    let (code, sheet) = sheet_json(&p, &[]);
    assert_eq!(code, 1, "{sheet}");
    let rising = claim(&sheet, "party_funds_rising");
    assert_ne!(rising["holds"], true, "{rising}");
    let run = p.run(["figures"]);
    run.expect_code(1);
    assert!(
        !run.stdout.contains("逐年上升（最后一年不是 2021） —— 成立"),
        "{}",
        run.stdout
    );

    // A plain list has no years: check refuses it, the sheet cannot judge it.
    p.edit_facts("    2019: 286\n    2020: 342\n", "    - 286\n    - 342\n");
    p.run(["check"]).expect_code(1);
    let (code, sheet) = sheet_json(&p, &[]);
    assert_eq!(code, 1, "{sheet}");
    assert_ne!(claim(&sheet, "party_funds_rising")["holds"], true);
}

/// An error `check` reports outside every row (here a `confirmed:` entry naming no fact) still
/// makes the sheet unsignable: every row may hold, the facts are not ready.
#[test]
fn an_error_check_reports_outside_the_rows_makes_the_sheet_unsignable() {
    let p = Project::sample();
    let facts = p.read("facts/2021.yaml");
    p.write(
        "facts/2021.yaml",
        &format!("{facts}confirmed:\n  - political.no_such_fact\n"),
    );
    p.run(["check"]).expect_code(1);
    let (code, sheet) = sheet_json(&p, &[]);
    assert_eq!(code, 1, "{sheet}");
    assert_eq!(sheet["open_rows"], 0, "every row holds");
    assert_eq!(sheet["errors"], 1);
    let run = p.run(["figures"]);
    run.expect_code(1);
    assert!(
        run.stdout
            .contains("检查：speechgen check 报告 1 个错误，改正之前不得签发"),
        "{}",
        run.stdout
    );
    assert!(
        run.stderr
            .contains("speechgen check 报告 1 个错误，不得签发。"),
        "{}",
        run.stderr
    );
}
