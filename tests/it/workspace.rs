//! The clerk's workspace below the HTTP line (issue 21): the facts as a form, an edit saved in
//! its value's bytes only, a file changed on disk found by its hash and never overwritten, undo,
//! and `confirm` (the page's click and the command).

use std::collections::BTreeMap;
use std::path::Path;

use speechgen::project::Project as Proj;
use speechgen::workspace::{self, Edit, Field, FieldKind, Form, SaveError};
use speechgen::yaml;

use crate::harness::Project;
use crate::harness::mutate::Rng;

fn proj(p: &Project) -> Proj {
    Proj::at(p.root()).unwrap()
}

fn find<'f>(fields: &'f [Field], path: &str) -> Option<&'f Field> {
    fields.iter().find_map(|f| {
        if f.path == path {
            Some(f)
        } else {
            find(&f.children, path)
        }
    })
}

fn field<'f>(form: &'f Form, path: &str) -> &'f Field {
    form.groups
        .iter()
        .find_map(|g| find(&g.fields, path))
        .unwrap_or_else(|| panic!("no field {path}"))
}

fn edit(path: &str, raw: &str) -> Edit {
    Edit {
        path: path.into(),
        raw: raw.into(),
    }
}

/// Every scalar of a facts text, by path, as the clerk would type it.
fn values(text: &str) -> BTreeMap<String, String> {
    let doc = yaml::parse(Path::new("facts/x.yaml"), text.to_owned()).unwrap();
    yaml::spans(&doc)
        .into_iter()
        .map(|(p, _)| {
            let node = yaml::span_at(&doc, &p).unwrap().0;
            (p, yaml::typed_text(node).unwrap())
        })
        .collect()
}

/// Asserts `after` is `before` with bytes `before[start..end]` replaced, nothing else.
fn only_one_place_changed(before: &str, after: &str) -> (usize, usize) {
    let start = before
        .bytes()
        .zip(after.bytes())
        .take_while(|(a, b)| a == b)
        .count();
    let tail = before[start..]
        .bytes()
        .rev()
        .zip(after[start..].bytes().rev())
        .take_while(|(a, b)| a == b)
        .count();
    (start, before.len() - tail)
}

#[test]
fn the_form_groups_the_facts_as_the_file_does() {
    let p = Project::sample();
    let form = workspace::form(&proj(&p), 2021).unwrap();
    let keys: Vec<&str> = form.groups.iter().map(|g| g.key.as_str()).collect();
    assert_eq!(
        keys,
        ["political", "organisation", "supervision", "service"]
    );
    assert_eq!(
        form.groups[0].label,
        "一、强化政治引领，把好机关党建“方向盘”"
    );
    assert_eq!(form.facts_file, "facts/2021.yaml");
    assert_eq!(
        form.sha256,
        speechgen::digest::sha256_hex(p.read("facts/2021.yaml").as_bytes())
    );
    let qualified = field(&form, "organisation.branches_qualified");
    assert_eq!(qualified.kind, FieldKind::PartWhole);
    assert_eq!(qualified.label, "达标党支部（个）");
    assert_eq!(qualified.raw, "1380");
    assert_eq!(qualified.percent.as_deref(), Some("96.7%"));
    assert!(
        qualified
            .figures
            .contains(&"branches_qualified_share".to_owned())
    );
    assert_eq!(
        field(&form, "political.full_time_party_workers").kind,
        FieldKind::Count
    );
    let funds = field(&form, "political.party_funds");
    assert_eq!(funds.kind, FieldKind::Series);
    let years: Vec<&str> = funds.children.iter().map(|c| c.label.as_str()).collect();
    assert_eq!(years, ["2019", "2020", "2021"]);
    let classes = field(&form, "organisation.training_classes");
    assert_eq!(classes.kind, FieldKind::Records);
    assert_eq!(classes.children.len(), 4);
    assert_eq!(
        field(&form, "organisation.training_classes.1.trainees").raw,
        "486"
    );
    let forms = field(&form, "political.branch_lecture_forms");
    assert_eq!(forms.kind, FieldKind::Names);
    assert_eq!(forms.children[1].kind, FieldKind::Name);
    assert_eq!(forms.children[1].raw, "微课堂");
    assert_eq!(field(&form, "political.lecture_hall").kind, FieldKind::Name);
    assert_eq!(field(&form, "organisation.stars").kind, FieldKind::Group);
    // A fact a rule reads (全部) is a part or whole too.
    assert_eq!(
        field(&form, "supervision.party_committees").kind,
        FieldKind::PartWhole
    );
    // The sample's own warning is the form's, tied to no field.
    assert!(
        form.problems.iter().any(|p| p.code == "sample-data"),
        "{:?}",
        form.problems
    );
    // The page reads it as JSON.
    let json = serde_json::to_value(&form).unwrap();
    assert_eq!(json["groups"][1]["fields"][0]["kind"], "names");
}

#[test]
fn next_years_form_shows_last_year_unfilled_and_carried_over() {
    let p = Project::sample();
    p.run(["next-year"]).expect_code(0);
    let form = workspace::form(&proj(&p), 2022).unwrap();
    let workers = field(&form, "political.full_time_party_workers");
    assert_eq!(workers.raw, "");
    assert!(workers.unfilled);
    assert_eq!(workers.last_year.as_deref(), Some("126"));
    // The label is the comment, without next-year's 上年 note.
    assert_eq!(workers.label, "落实专职党务工作人员（人）");
    assert_eq!(workers.problems[0].code, "unfilled");
    assert!(
        workers.problems[0]
            .message
            .starts_with("political.full_time_party_workers 还没有填写"),
        "{:?}",
        workers.problems
    );
    let hall = field(&form, "political.lecture_hall");
    assert!(hall.carried_over && !hall.unfilled);
    assert_eq!(hall.problems[0].code, "carried-over-name");
    let new_year = field(&form, "political.party_funds.2022");
    assert!(new_year.unfilled);
    assert_eq!(new_year.kind, FieldKind::Count);
    assert!(field(&form, "political.branch_lecture_forms").carried_over);
}

#[test]
fn problems_are_placed_at_their_field_in_checks_words() {
    let p = Project::sample();
    let text = p.read("facts/2021.yaml");
    p.write(
        "facts/2021.yaml",
        &text
            .replace("branches_qualified: 1380", "branches_qualified: 1,380")
            .replace(
                "- name: 党务干部\n      trainees: 486",
                "- name: 党务干部\n      trainees: 48.6",
            ),
    );
    let form = workspace::form(&proj(&p), 2021).unwrap();
    let check = p.run(["check", "2021"]);
    for (path, code) in [
        ("organisation.branches_qualified", "wrong-type"),
        ("organisation.training_classes.1.trainees", "not-integer"),
    ] {
        let f = field(&form, path);
        assert_eq!(f.problems.len(), 1, "{path}: {:?}", f.problems);
        assert_eq!(f.problems[0].code, code);
        assert!(
            check.stderr.contains(&f.problems[0].message),
            "check says it in the same words: {}\n{}",
            f.problems[0].message,
            check.stderr
        );
    }
}

#[test]
fn an_edit_changes_only_that_values_bytes() {
    let p = Project::sample();
    p.run(["next-year"]).expect_code(0);
    let project = proj(&p);
    let mut sha = workspace::form(&project, 2022).unwrap().sha256;
    for (path, typed, expected_line) in [
        (
            "political.full_time_party_workers",
            "130",
            "  full_time_party_workers: 130          # 上年：126；落实专职党务工作人员（人）",
        ),
        ("political.party_funds.2022", "360", "    2022: 360"),
        (
            "political.lecture_hall",
            "党课大讲堂: 新篇",
            "  lecture_hall: '党课大讲堂: 新篇'",
        ),
        (
            "political.branch_lecture_forms.1",
            "云课堂",
            "  branch_lecture_forms: [小讲堂, 云课堂]",
        ),
        ("political.special_lectures.0", "#1 主题", "    - '#1 主题'"),
        (
            "organisation.training_classes.1.trainees",
            "490",
            "      trainees: 490",
        ),
        ("organisation.stars.four", "99", "    four: 99"),
    ] {
        let before = p.read("facts/2022.yaml");
        let saved = workspace::apply(&project, 2022, &sha, &edit(path, typed)).unwrap();
        let after = p.read("facts/2022.yaml");
        let shown = |l: &str| {
            l.strip_prefix(expected_line)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with(' '))
        };
        assert!(after.lines().any(shown), "{path}: {after}");
        let (start, end) = only_one_place_changed(&before, &after);
        let changed_lines = before[..end].lines().count() - before[..start].lines().count();
        assert!(changed_lines <= 1, "{path}: one value's bytes, one line");
        assert_eq!(
            saved.sha256,
            speechgen::digest::sha256_hex(after.as_bytes())
        );
        assert_eq!(saved.form.sha256, saved.sha256);
        assert_eq!(field(&saved.form, path).raw, typed);
        // Every other value reads as before.
        let (mut a, mut b) = (values(&before), values(&after));
        assert_eq!(b.remove(path).as_deref(), Some(typed));
        a.remove(path);
        assert_eq!(a, b, "{path}");
        sha = saved.sha256;
    }
}

#[test]
fn a_file_changed_on_disk_is_never_overwritten() {
    let p = Project::sample();
    let project = proj(&p);
    let sha = workspace::form(&project, 2021).unwrap().sha256;
    // Another program saves the file: same length, same time would not matter, the bytes do.
    let theirs = p
        .read("facts/2021.yaml")
        .replace("members: 9412", "members: 9413");
    p.write("facts/2021.yaml", &theirs);
    let err =
        workspace::apply(&project, 2021, &sha, &edit("political.members", "9500")).unwrap_err();
    match err {
        SaveError::Conflict {
            on_disk_sha256,
            on_disk_value,
            yours,
        } => {
            assert_eq!(
                on_disk_sha256,
                speechgen::digest::sha256_hex(theirs.as_bytes())
            );
            assert_eq!(on_disk_value.as_deref(), Some("9413"));
            assert_eq!(yours, "9500");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(p.read("facts/2021.yaml"), theirs, "nothing written");
    let json = serde_json::to_value(
        workspace::apply(&project, 2021, &sha, &edit("political.members", "1")).unwrap_err(),
    )
    .unwrap();
    assert_eq!(json["kind"], "conflict");
}

#[test]
fn undo_puts_the_previous_bytes_back() {
    let p = Project::sample();
    let project = proj(&p);
    let original = p.read("facts/2021.yaml");
    let sha = workspace::form(&project, 2021).unwrap().sha256;
    let saved = workspace::apply(
        &project,
        2021,
        &sha,
        &edit("service.joint_model", "社区吹哨、部门报到、群众响应"),
    )
    .unwrap();
    let undone = workspace::undo(&project, 2021, &saved.sha256, &saved.undo).unwrap();
    assert_eq!(p.read("facts/2021.yaml"), original);
    assert_eq!(undone.sha256, sha);
    // Its own undo puts the edit back.
    let redone = workspace::undo(&project, 2021, &undone.sha256, &undone.undo).unwrap();
    assert_eq!(redone.sha256, saved.sha256);
    // An undo of an older state is refused: the file changed since that edit.
    let again = workspace::apply(
        &project,
        2021,
        &redone.sha256,
        &edit("political.members", "9500"),
    )
    .unwrap();
    let err = workspace::undo(&project, 2021, &again.sha256, &saved.undo).unwrap_err();
    assert!(matches!(err, SaveError::Conflict { .. }), "{err:?}");
}

#[test]
fn a_slip_or_a_path_not_in_the_file_is_refused() {
    let p = Project::sample();
    let project = proj(&p);
    let original = p.read("facts/2021.yaml");
    let sha = workspace::form(&project, 2021).unwrap().sha256;
    let refused =
        |path: &str, raw: &str| match workspace::apply(&project, 2021, &sha, &edit(path, raw)) {
            Err(SaveError::Invalid(problems)) => problems,
            other => panic!("{path} {raw}: {other:?}"),
        };
    let full = refused("political.members", "９４１２");
    assert!(full[0].message.contains("全角数字“９４１２”"), "{full:?}");
    assert!(
        refused("political.members", "9,412")[0]
            .message
            .contains("千位分隔符")
    );
    assert!(
        refused("political.members", "9412人")[0]
            .message
            .contains("单位")
    );
    assert_eq!(refused("political.members", "94.5")[0].code, "not-integer");
    assert_eq!(refused("political.members", "-3")[0].code, "negative");
    assert_eq!(
        refused("political.nothing_here", "1")[0].code,
        "unknown-path"
    );
    assert_eq!(refused("../../etc/passwd", "1")[0].code, "unknown-path");
    assert_eq!(refused("political.party_funds", "1")[0].code, "not-a-value");
    assert_eq!(p.read("facts/2021.yaml"), original, "nothing written");
    // An empty value may be saved: next year starts with them.
    let saved = workspace::apply(&project, 2021, &sha, &edit("political.members", "")).unwrap();
    assert!(field(&saved.form, "political.members").unfilled);
    assert!(
        p.read("facts/2021.yaml")
            .contains("\n  members:                          # 机关党员总数（人）\n")
    );
}

#[test]
fn a_file_with_a_bom_and_crlf_keeps_them() {
    let p = Project::sample();
    let project = proj(&p);
    let text = p.read("facts/2021.yaml").replace('\n', "\r\n");
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend_from_slice(text.as_bytes());
    std::fs::write(p.path("facts/2021.yaml"), &bytes).unwrap();
    let sha = workspace::form(&project, 2021).unwrap().sha256;
    assert_eq!(sha, speechgen::digest::sha256_hex(&bytes));
    let saved = workspace::apply(&project, 2021, &sha, &edit("political.members", "9500")).unwrap();
    let after = std::fs::read(p.path("facts/2021.yaml")).unwrap();
    let expected = String::from_utf8(bytes.clone())
        .unwrap()
        .replace("members: 9412", "members: 9500");
    assert_eq!(String::from_utf8(after).unwrap(), expected);
    workspace::undo(&project, 2021, &saved.sha256, &saved.undo).unwrap();
    assert_eq!(std::fs::read(p.path("facts/2021.yaml")).unwrap(), bytes);
}

/// 500 edits from the page, interleaved with edits of the file by another program (seeded, not
/// timed): nothing the page saved is lost unless the other program changed it afterwards, every
/// change of the other program is either kept or reported as a conflict, and the file always
/// parses.
#[test]
fn five_hundred_edits_interleaved_with_another_program() {
    let p = Project::sample();
    let project = proj(&p);
    let form = workspace::form(&project, 2021).unwrap();
    let mut counts = Vec::new();
    let mut names = Vec::new();
    fn collect(fields: &[Field], counts: &mut Vec<String>, names: &mut Vec<String>) {
        for f in fields {
            match f.kind {
                FieldKind::Count | FieldKind::PartWhole => counts.push(f.path.clone()),
                FieldKind::Name => names.push(f.path.clone()),
                _ => {}
            }
            collect(&f.children, counts, names);
        }
    }
    for g in &form.groups {
        collect(&g.fields, &mut counts, &mut names);
    }
    let typed_names = [
        "党课大讲堂",
        "甲: 乙",
        "C#",
        "#号开头",
        "[方括号]",
        "2021",
        "true",
        "it's",
        "\"引号\"",
        "两行\n名称",
        " 前空格",
        "",
        "周五党日+",
        "社区吹哨、部门报到",
    ];
    let mut rng = Rng::new(21);
    let mut sha = form.sha256;
    // What the file must hold: the page's view of every value.
    let mut model = values(&p.read("facts/2021.yaml"));
    let mut last_undo = None;
    let (mut saved_n, mut conflicts, mut theirs_n, mut undone_n, mut refused_n) = (0, 0, 0, 0, 0);
    for step in 0..500 {
        match rng.below(10) {
            // Another program edits a number in the file (or adds a comment), not atomically.
            0 | 1 => {
                let text = p.read("facts/2021.yaml");
                let new = if rng.below(3) == 0 {
                    format!("# 另一个程序 {step}\n{text}")
                } else {
                    let path = rng.pick(&counts).clone();
                    let doc = yaml::parse(Path::new("x.yaml"), text.clone()).unwrap();
                    let span = yaml::span_at(&doc, &path).unwrap().1.unwrap();
                    let n = rng.below(5000).to_string();
                    let space = if span.needs_space { " " } else { "" };
                    model.insert(path, n.clone());
                    format!("{}{space}{n}{}", &text[..span.start], &text[span.end..])
                };
                std::fs::write(p.path("facts/2021.yaml"), new).unwrap();
                theirs_n += 1;
            }
            2 if last_undo.is_some() => {
                let undo = last_undo.take().unwrap();
                match workspace::undo(&project, 2021, &sha, &undo) {
                    Ok(saved) => {
                        undone_n += 1;
                        sha = saved.sha256;
                        model = values(&p.read("facts/2021.yaml"));
                    }
                    Err(SaveError::Conflict { on_disk_sha256, .. }) => {
                        conflicts += 1;
                        sha = on_disk_sha256;
                    }
                    Err(e) => panic!("step {step}: {e:?}"),
                }
            }
            _ => {
                let (path, raw) = if rng.below(2) == 0 {
                    let n = rng.below(20000);
                    let raw = match rng.below(8) {
                        0 => format!("{n}人"),
                        1 => String::new(),
                        _ => n.to_string(),
                    };
                    (rng.pick(&counts).clone(), raw)
                } else {
                    (rng.pick(&names).clone(), rng.pick(&typed_names).to_string())
                };
                match workspace::apply(&project, 2021, &sha, &edit(&path, &raw)) {
                    Ok(saved) => {
                        saved_n += 1;
                        sha = saved.sha256;
                        model.insert(path.clone(), raw.clone());
                        last_undo = Some(saved.undo);
                        assert_eq!(field(&saved.form, &path).raw, raw);
                    }
                    Err(SaveError::Conflict {
                        on_disk_sha256,
                        yours,
                        ..
                    }) => {
                        // The page shows both and reloads: the file's bytes are what it now holds.
                        assert_eq!(yours, raw);
                        conflicts += 1;
                        sha = on_disk_sha256;
                        last_undo = None;
                    }
                    Err(SaveError::Invalid(problems)) => {
                        // A unit typed along, or a line break in a name: check's words.
                        assert!(
                            raw.ends_with('人') || raw.contains('\n'),
                            "step {step}: {raw:?} refused: {problems:?}"
                        );
                        refused_n += 1;
                    }
                    Err(e) => panic!("step {step}: {e:?}"),
                }
            }
        }
        assert_eq!(
            values(&p.read("facts/2021.yaml")),
            model,
            "step {step}: the file holds every value saved and every change of the other program"
        );
    }
    assert!(
        saved_n > 250 && conflicts > 50 && theirs_n > 50 && undone_n > 5 && refused_n > 10,
        "saved {saved_n}, conflicts {conflicts}, theirs {theirs_n}, undone {undone_n}, refused {refused_n}"
    );
    assert!(
        std::fs::read_dir(p.path("facts")).unwrap().all(|e| {
            !e.unwrap()
                .file_name()
                .to_string_lossy()
                .starts_with(".speechgen-")
        }),
        "no temporary file left"
    );
}

#[test]
fn confirm_lists_confirms_and_refuses() {
    let p = Project::sample();
    p.run(["next-year"]).expect_code(0);
    let before = p.read("facts/2022.yaml");
    let listed = p.run(["confirm", "2022"]);
    listed.expect_code(0);
    assert!(
        listed.stdout.contains("political.lecture_hall\t"),
        "{}",
        listed.stdout
    );
    // A path not carried over: exit 1, nothing written.
    let wrong = p.run([
        "confirm",
        "2022",
        "political.lecture_hall",
        "political.members",
    ]);
    wrong.expect_code(1);
    assert!(
        wrong.stderr.contains("political.members 不是"),
        "{}",
        wrong.stderr
    );
    assert_eq!(p.read("facts/2022.yaml"), before);
    let done = p.run([
        "confirm",
        "2022",
        "political.lecture_hall",
        "organisation.training_classes.1.name",
    ]);
    done.expect_code(0);
    assert_eq!(
        done.stdout,
        "political.lecture_hall\norganisation.training_classes.1.name\n"
    );
    let after = p.read("facts/2022.yaml");
    let (start, end) = only_one_place_changed(&before, &after);
    assert_eq!(start, end, "only inserted");
    assert!(
        after.contains("\n  - political.lecture_hall\n  - organisation.training_classes.1.name\n"),
        "{after}"
    );
    // Its comments kept, and the warnings gone.
    assert!(after.contains("# 一、强化政治引领"));
    let check = p.run(["check", "2022"]);
    assert!(
        !check
            .stderr
            .contains("lecture_hall（political.lecture_hall）沿用"),
        "{}",
        check.stderr
    );
    // Confirmed already: nothing to confirm for it.
    p.run(["confirm", "2022", "political.lecture_hall"])
        .expect_code(1);
    // The page's click is the same code, under the hash rule.
    let project = proj(&p);
    let form = workspace::form(&project, 2022).unwrap();
    assert!(!field(&form, "political.lecture_hall").carried_over);
    let saved = workspace::confirm(
        &project,
        2022,
        &form.sha256,
        &["political.media_column".to_owned()],
    )
    .unwrap();
    assert!(!field(&saved.form, "political.media_column").carried_over);
    let stale = workspace::confirm(
        &project,
        2022,
        &form.sha256,
        &["service.joint_model".to_owned()],
    );
    assert!(matches!(stale, Err(SaveError::Conflict { .. })));
    // And it can be undone.
    workspace::undo(&project, 2022, &saved.sha256, &saved.undo).unwrap();
    assert_eq!(p.read("facts/2022.yaml"), after);
}

#[test]
fn confirm_with_nothing_carried_over_says_so() {
    let p = Project::sample();
    let run = p.run(["confirm", "2021"]);
    run.expect_code(1);
    assert!(
        run.stderr.contains("没有沿用上年而待确认的值"),
        "{}",
        run.stderr
    );
}

#[test]
fn confirm_that_cannot_write_exits_2() {
    let p = Project::sample();
    p.run(["next-year"]).expect_code(0);
    // The facts folder made read-only: the temporary file cannot be made beside the file.
    if nix_root() {
        return;
    }
    let dir = p.path("facts");
    let mut perm = std::fs::metadata(&dir).unwrap().permissions();
    perm.set_readonly(true);
    std::fs::set_permissions(&dir, perm.clone()).unwrap();
    let run = p.run(["confirm", "2022", "political.lecture_hall"]);
    perm.set_readonly(false);
    std::fs::set_permissions(&dir, perm).unwrap();
    run.expect_code(2);
}

/// Root ignores a read-only folder.
fn nix_root() -> bool {
    std::process::Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}
