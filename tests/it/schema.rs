//! `speechgen schema`: the JSON Schema of the facts file, checked with a JSON-Schema validator as
//! an editor would use it: the sample validates, a broken copy does not, a new figure's fact
//! appears with its label.

use crate::harness::Project;
use serde_json::{Map, Value};
use yaml_rust2::{Yaml, YamlLoader};

/// YAML as an editor hands it to a JSON-Schema validator: keys as strings.
fn to_json(y: &Yaml) -> Value {
    match y {
        Yaml::Integer(i) => Value::from(*i),
        Yaml::Real(r) => Value::from(r.parse::<f64>().unwrap()),
        Yaml::String(s) => Value::from(s.clone()),
        Yaml::Boolean(b) => Value::from(*b),
        Yaml::Array(items) => Value::Array(items.iter().map(to_json).collect()),
        Yaml::Hash(map) => {
            let mut out = Map::new();
            for (k, v) in map {
                let key = match k {
                    Yaml::String(s) => s.clone(),
                    Yaml::Integer(i) => i.to_string(),
                    other => panic!("key {other:?}"),
                };
                out.insert(key, to_json(v));
            }
            Value::Object(out)
        }
        Yaml::Null => Value::Null,
        other => panic!("{other:?}"),
    }
}

fn facts_json(text: &str) -> Value {
    to_json(&YamlLoader::load_from_str(text).unwrap()[0])
}

fn schema(p: &Project) -> Value {
    let run = p.run(["schema"]);
    run.expect_code(0);
    serde_json::from_str(&run.stdout).unwrap()
}

/// The validator's complaints about `facts` (empty: valid).
fn errors(schema: &Value, facts: &str) -> Vec<String> {
    let validator = jsonschema::validator_for(schema).expect("a valid schema");
    validator
        .iter_errors(&facts_json(facts))
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

#[test]
fn the_sample_validates_and_a_broken_copy_does_not() {
    let p = Project::sample();
    let s = schema(&p);
    assert_eq!(s["$schema"], "https://json-schema.org/draft/2020-12/schema");
    let sample = p.read("facts/2021.yaml");
    assert_eq!(errors(&s, &sample), Vec::<String>::new());

    let broken = [
        (
            "full_time_party_workers: 126",
            "full_time_party_workerz: 126",
            "full_time_party_workerz",
        ),
        (
            "full_time_party_workers: 126",
            "full_time_party_workers: \"126人\"",
            "/political/full_time_party_workers",
        ),
        (
            "full_time_party_workers: 126",
            "full_time_party_workers: -3",
            "/political/full_time_party_workers",
        ),
        ("    2020: 315", "    twenty: 315", "twenty"),
        ("    - name: 党务干部", "    - nam: 党务干部", "nam"),
    ];
    for (from, to, expected) in broken {
        assert_eq!(sample.matches(from).count(), 1, "{from}");
        let errs = errors(&s, &sample.replacen(from, to, 1));
        assert!(errs.iter().any(|e| e.contains(expected)), "{to}: {errs:#?}");
    }

    // An empty value is unfilled, not wrong: the editor must not underline it.
    let unfilled = sample.replacen(
        "full_time_party_workers: 126",
        "full_time_party_workers:",
        1,
    );
    assert_eq!(errors(&s, &unfilled), Vec::<String>::new());
    // next-year's file (every number emptied, the series given 2022:) validates as it is.
    p.run(["next-year"]).expect_code(0);
    assert_eq!(errors(&s, &p.read("facts/2022.yaml")), Vec::<String>::new());

    // sources and confirmed are known; a source key that is no group or fact is not.
    let with_sources = format!(
        "{sample}\nsources:\n  political: 市委组织部\n  service.daily_on_duty: 市文明办\n  organisation.training_classes.0: 组织科\nconfirmed: [political.lecture_hall]\n"
    );
    assert_eq!(errors(&s, &with_sources), Vec::<String>::new());
    let errs = errors(&s, &format!("{sample}\nsources:\n  politics: 市委组织部\n"));
    assert!(errs.iter().any(|e| e.contains("politics")), "{errs:#?}");
    // confirmed: lists fact paths, a list's items by index or *; a typo is underlined.
    let confirmed = format!(
        "{sample}\nconfirmed:\n  - organisation.training_classes.0.name\n  - organisation.training_classes.*.trainees\n"
    );
    assert_eq!(errors(&s, &confirmed), Vec::<String>::new());
    let errs = errors(
        &s,
        &format!("{sample}\nconfirmed: [political.lecture_hal]\n"),
    );
    assert!(!errs.is_empty(), "a confirmed path that is no fact");
}

#[test]
fn the_schema_describes_each_fact_in_chinese_and_series_by_year() {
    let p = Project::sample();
    let s = schema(&p);
    let political = &s["properties"]["political"];
    let workers = &political["properties"]["full_time_party_workers"];
    assert_eq!(workers["type"], serde_json::json!(["integer", "null"]));
    assert_eq!(workers["minimum"], 0);
    assert!(
        workers["description"]
            .as_str()
            .unwrap()
            .starts_with("落实专职党务工作人员（人）"),
        "{workers}"
    );
    assert!(
        political["required"]
            .as_array()
            .unwrap()
            .contains(&Value::from("members"))
    );
    let funds = &political["properties"]["party_funds"];
    assert!(
        funds["patternProperties"]["^[0-9]{4}$"].is_object(),
        "{funds}"
    );
    assert!(
        funds["description"]
            .as_str()
            .unwrap()
            .contains("党建经费逐年提升")
    );
    let classes = &s["properties"]["organisation"]["properties"]["training_classes"];
    assert_eq!(classes["type"], "array");
    assert!(classes["items"]["properties"]["trainees"].is_object());
    for key in ["year", "sample", "sources", "confirmed"] {
        assert!(s["properties"][key].is_object(), "{key}");
    }
}

#[test]
fn adding_a_figure_adds_its_fact_with_its_label() {
    let p = Project::sample();
    let before = schema(&p);
    assert!(before["properties"]["service"]["properties"]["blood_drive"].is_null());
    let figures = p.read("templates/figures.yaml");
    p.write(
        "templates/figures.yaml",
        &figures.replacen(
            "\nrules:\n",
            "  blood_donor_share:\n    label: 献血人次占机关干部职工比例\n    unit: \"%\"\n    kind: percent\n    part: service.blood_drive.donors\n    whole: service.blood_drive.staff\n\nrules:\n",
            1,
        ),
    );
    p.run(["schema", "-o", "facts/schema.json"]).expect_code(0);
    let after: Value = serde_json::from_str(&p.read("facts/schema.json")).unwrap();
    let drive = &after["properties"]["service"]["properties"]["blood_drive"];
    assert_eq!(drive["required"], serde_json::json!(["donors", "staff"]));
    let donors = drive["properties"]["donors"]["description"]
        .as_str()
        .unwrap();
    assert!(donors.contains("献血人次占机关干部职工比例"), "{donors}");
    // The sample lacks the new facts: the editor underlines the missing group.
    let errs = errors(&after, &p.read("facts/2021.yaml"));
    assert!(errs.iter().any(|e| e.contains("blood_drive")), "{errs:#?}");
}
