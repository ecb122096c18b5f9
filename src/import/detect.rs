//! `import FILE --new DIR`: a project proposed for a speech that has none. Every number found in
//! its paragraphs (a count with its measure word, a percentage, a 多/余 approximation, a Chinese
//! numeral such as 两次) and every “name” and 《title》 becomes a figure: a kind, an id, a Chinese
//! label from the words before it, its value a fact. The year printed as the facts' own year
//! becomes `{{ year }}`. What cannot be a figure as printed (a decimal without %, 2.3万, a date,
//! a number with no measure word) stays text and is listed for the clerk; so are the proposals a
//! person must confirm (the exact count behind 1200多, a numeral that may be a set phrase).
//!
//! Headings and the title are left as written: their quoted words are slogans, not data.

use std::collections::BTreeMap;

use super::numbers::{self, Found, Names, Number};
use super::read::Delivered;
use super::{YEAR, YEAR_BEFORE};
use crate::document::{Block, Document, Inline, InlineStyle};
use crate::figures::format::approx;

/// What a proposed figure is, with the value the facts get.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Proposed {
    Count(u64),
    /// A percentage as printed (`96.7`): a reported rate, since the speech gives no counts.
    Rate(String),
    /// 1200多: `exact` is the smallest count printed so; the true one is for the clerk.
    Approx {
        exact: u64,
        suffix: char,
    },
    CnCount(u64),
    Names {
        names: Vec<String>,
        /// `“”`, `《》` or `none`.
        quote: &'static str,
    },
}

impl Proposed {
    pub fn kind(&self) -> &'static str {
        match self {
            Proposed::Count(_) => "count",
            Proposed::Rate(_) => "percent",
            Proposed::Approx { .. } => "approx",
            Proposed::CnCount(_) => "cn_count",
            Proposed::Names { .. } => "names",
        }
    }

    /// The kind in words, for the listing.
    pub fn word(&self) -> &'static str {
        match self {
            Proposed::Count(_) => "计数",
            Proposed::Rate(_) => "百分比",
            Proposed::Approx { .. } => "约数",
            Proposed::CnCount(_) => "汉字数字",
            Proposed::Names { .. } => "名称",
        }
    }
}

/// A figure proposed for the new project.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proposal {
    pub id: String,
    pub label: String,
    /// The measure word after it (人, 个, %), for the declaration.
    pub unit: String,
    pub kind: Proposed,
    /// What the speech prints (`1200多`, `“小讲堂”“微课堂”`).
    pub printed: String,
    /// The facts group it goes in: `opening` before the first part heading, then `part1`, ….
    pub group: String,
    pub sentence: String,
    /// Why a person should look at it, if they should.
    pub confirm: Option<String>,
}

/// A number left as text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unclassified {
    pub text: String,
    pub why: String,
    pub sentence: String,
}

#[derive(Debug, Clone)]
pub struct Detection {
    /// The speech with its figures as figure inlines (ids of the proposals; the year as
    /// [`YEAR`]).
    pub document: Document,
    pub proposals: Vec<Proposal>,
    pub unclassified: Vec<Unclassified>,
    /// The facts groups, in order, each with the heading it stands for.
    pub groups: Vec<(String, String)>,
    /// How many times the year was printed (now `{{ year }}`).
    pub years: usize,
    /// Whether the title prints the year (it is then `{{ year }}` in the template's heading).
    pub title_year: bool,
}

impl Detection {
    /// Proposals a person must look at.
    pub fn to_confirm(&self) -> impl Iterator<Item = &Proposal> {
        self.proposals.iter().filter(|p| p.confirm.is_some())
    }

    /// Figures printed in digits (counts, percentages, approximations).
    pub fn digit_figures(&self) -> usize {
        self.proposals
            .iter()
            .filter(|p| {
                matches!(
                    p.kind,
                    Proposed::Count(_) | Proposed::Rate(_) | Proposed::Approx { .. }
                )
            })
            .count()
    }
}

/// One thing found in a paragraph, by character positions.
#[derive(Debug, Clone)]
struct Item {
    start: usize,
    end: usize,
    what: What,
    /// The id a .docx content control gave it.
    tag: Option<String>,
}

#[derive(Debug, Clone)]
enum What {
    Number(Number),
    Names(Names),
    /// A span a .docx tagged as a figure that is no number or quoted name: names as written.
    Tagged(String),
}

pub fn detect(delivered: &Delivered, year: i64) -> Detection {
    let mut detection = Detection {
        document: Document {
            title: delivered.document.title.clone(),
            ..Document::default()
        },
        proposals: Vec::new(),
        unclassified: Vec::new(),
        groups: vec![("opening".into(), "开头".into())],
        years: 0,
        title_year: false,
    };
    let mut counters: BTreeMap<&'static str, usize> = BTreeMap::new();
    let mut group = "opening".to_owned();
    let mut parts = 0;
    for block in &delivered.document.blocks {
        let inlines = match block {
            Block::Heading { level, inlines } => {
                if *level == 2 {
                    parts += 1;
                    group = format!("part{parts}");
                    detection.groups.push((group.clone(), block.plain_text()));
                }
                detection.document.blocks.push(Block::Heading {
                    level: *level,
                    inlines: inlines
                        .iter()
                        .map(|i| Inline {
                            figure: None,
                            ..i.clone()
                        })
                        .collect(),
                });
                continue;
            }
            Block::Paragraph { inlines } => inlines,
        };
        let paragraph = Paragraph::of(inlines);
        let items = items(&paragraph);
        let mut out: Vec<Inline> = Vec::new();
        let mut at = 0;
        for item in items.iter().cloned() {
            paragraph.text_into(at, item.start, &mut out);
            at = item.end;
            let printed: String = paragraph.chars[item.start..item.end].iter().collect();
            let sentence = sentence(&paragraph.chars, item.start);
            let bound = match &item.what {
                What::Number(n) => match &n.found {
                    Found::Year(y) if *y == year => Some(Bound::Known(YEAR.to_owned())),
                    Found::Year(y) if *y == year - 1 => Some(Bound::Known(YEAR_BEFORE.to_owned())),
                    Found::Year(_) => {
                        detection.unclassified.push(Unclassified {
                            text: format!("{printed}年"),
                            why: "其他年份".into(),
                            sentence,
                        });
                        None
                    }
                    Found::Other(why) => {
                        detection.unclassified.push(Unclassified {
                            text: format!("{printed}{}", next_chars(&paragraph.chars, item.end, 2)),
                            why: (*why).into(),
                            sentence,
                        });
                        None
                    }
                    found => {
                        let proposed = number_proposal(found);
                        match proposed {
                            Some((kind, confirm)) => {
                                let label = number_label(&paragraph.chars, &item, n, &items);
                                let unit = if matches!(kind, Proposed::Rate(_)) {
                                    "%".into()
                                } else {
                                    n.unit.clone()
                                };
                                Some(Bound::New(label, unit, kind, confirm, sentence))
                            }
                            None => {
                                detection.unclassified.push(Unclassified {
                                    text: printed.clone(),
                                    why: "约数的写法与程序印出的不同（程序按十、百、千取整）"
                                        .into(),
                                    sentence,
                                });
                                None
                            }
                        }
                    }
                },
                What::Names(names) => {
                    let quote = if names.open == '《' {
                        "《》"
                    } else {
                        "“”"
                    };
                    let label = names_label(&paragraph.chars, &item, quote, &items);
                    let kind = Proposed::Names {
                        names: names.names.clone(),
                        quote,
                    };
                    Some(Bound::New(label, String::new(), kind, None, sentence))
                }
                What::Tagged(text) => {
                    let names: Vec<String> = text.split('、').map(str::to_owned).collect();
                    let label = names_label(&paragraph.chars, &item, "", &items);
                    let kind = Proposed::Names {
                        names,
                        quote: "none",
                    };
                    Some(Bound::New(label, String::new(), kind, None, sentence))
                }
            };
            let figure = bound.map(|bound| match bound {
                Bound::Known(id) => id,
                Bound::New(label, unit, kind, confirm, sentence) => propose(
                    &mut detection.proposals,
                    &mut counters,
                    item.tag.clone(),
                    Proposal {
                        id: String::new(),
                        label,
                        unit,
                        kind,
                        printed: printed.clone(),
                        group: group.clone(),
                        sentence,
                        confirm,
                    },
                ),
            });
            match figure {
                Some(id) => {
                    if id == YEAR || id == YEAR_BEFORE {
                        detection.years += 1;
                    }
                    out.push(Inline {
                        text: printed,
                        style: paragraph.styles[item.start],
                        figure: Some(id),
                        unfilled: false,
                    });
                }
                None => paragraph.text_into(item.start, item.end, &mut out),
            }
        }
        paragraph.text_into(at, paragraph.chars.len(), &mut out);
        detection
            .document
            .blocks
            .push(Block::Paragraph { inlines: out });
    }
    detection
        .groups
        .retain(|(g, _)| detection.proposals.iter().any(|p| &p.group == g));
    // The title's year is the facts' year too (市生态环境局2024年工作情况汇报).
    detection.title_year = detection.document.title.contains(&format!("{year}年"));
    detection.years += usize::from(detection.title_year);
    detection
}

/// A paragraph's characters with each one's style, and the spans a .docx tagged as figures.
struct Paragraph {
    chars: Vec<char>,
    styles: Vec<InlineStyle>,
    spans: Vec<(usize, usize, String)>,
}

impl Paragraph {
    fn of(inlines: &[Inline]) -> Paragraph {
        let mut p = Paragraph {
            chars: Vec::new(),
            styles: Vec::new(),
            spans: Vec::new(),
        };
        for inline in inlines {
            let start = p.chars.len();
            p.chars.extend(inline.text.chars());
            p.styles.extend(std::iter::repeat_n(
                inline.style,
                inline.text.chars().count(),
            ));
            if let Some(id) = &inline.figure
                && p.chars.len() > start
            {
                p.spans.push((start, p.chars.len(), id.clone()));
            }
        }
        p
    }

    /// The characters `from..to` as text runs, one a style.
    fn text_into(&self, from: usize, to: usize, out: &mut Vec<Inline>) {
        for i in from..to {
            let style = self.styles[i];
            match out.last_mut() {
                Some(last) if last.figure.is_none() && last.style == style => {
                    last.text.push(self.chars[i])
                }
                _ => out.push(Inline {
                    text: self.chars[i].to_string(),
                    style,
                    figure: None,
                    unfilled: false,
                }),
            }
        }
    }
}

/// The numbers and names of a paragraph, in order, not overlapping; a .docx's tags decide where
/// they disagree.
fn items(p: &Paragraph) -> Vec<Item> {
    let names = numbers::names(&p.chars);
    let mut items: Vec<Item> = names
        .iter()
        .map(|n| Item {
            start: n.start,
            end: n.end,
            what: What::Names(n.clone()),
            tag: None,
        })
        .collect();
    // Numbers outside the names (a number inside 《……》 is part of the title).
    let mut from = 0;
    let mut gaps: Vec<(usize, usize)> = Vec::new();
    for n in &names {
        gaps.push((from, n.start));
        from = n.end;
    }
    gaps.push((from, p.chars.len()));
    for (start, end) in gaps {
        for mut n in numbers::numbers(&p.chars[start..end]) {
            n.start += start;
            n.end += start;
            items.push(Item {
                start: n.start,
                end: n.end,
                what: What::Number(n),
                tag: None,
            });
        }
    }
    for (start, end, id) in &p.spans {
        if let Some(item) = items
            .iter_mut()
            .find(|i| i.start == *start && i.end == *end)
        {
            item.tag = Some(id.clone());
            continue;
        }
        items.retain(|i| i.end <= *start || i.start >= *end);
        items.push(Item {
            start: *start,
            end: *end,
            what: What::Tagged(p.chars[*start..*end].iter().collect()),
            tag: Some(id.clone()),
        });
    }
    items.sort_by_key(|i| i.start);
    items
}

/// The kind a number is proposed as, with why to confirm it; None for a 多/余 the program could
/// not print as written (1250多: it rounds to hundreds).
fn number_proposal(found: &Found) -> Option<(Proposed, Option<String>)> {
    match found {
        Found::Count(n) => Some((Proposed::Count(*n), None)),
        Found::Percent(text) => Some((Proposed::Rate(text.clone()), None)),
        Found::CnCount(n) => Some((
            Proposed::CnCount(*n),
            Some("汉字数字：请确认它是统计数字，而不是固定的说法".into()),
        )),
        Found::Approx { floor, suffix } => {
            let exact = floor + 1;
            let printed = format!("{floor}{suffix}");
            (approx(exact, &suffix.to_string()) == printed).then(|| {
                (
                    Proposed::Approx {
                        exact,
                        suffix: *suffix,
                    },
                    Some(format!(
                        "讲话写作“{printed}”，确切数不详：事实文件暂填 {exact}（印出来一样），请填入确切数字"
                    )),
                )
            })
        }
        Found::Year(_) | Found::Other(_) => None,
    }
}

/// Gives a proposal its id (the .docx tag's, else `<kind>_NN`), records it, returns the id.
/// What a number or a name in the text is bound to.
enum Bound {
    /// A figure already known: the year's own.
    Known(String),
    /// A figure to propose: label, unit, kind, what to confirm, sentence.
    New(String, String, Proposed, Option<String>, String),
}

fn propose(
    proposals: &mut Vec<Proposal>,
    counters: &mut BTreeMap<&'static str, usize>,
    tag: Option<String>,
    mut proposal: Proposal,
) -> String {
    let valid = |id: &str| {
        !id.is_empty()
            && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
            && !id.starts_with(|c: char| c.is_ascii_digit())
            && !proposals.iter().any(|p| p.id == id)
    };
    let id = match tag.filter(|t| valid(t)) {
        Some(tag) => tag,
        None => loop {
            let prefix = match proposal.kind.kind() {
                "percent" => "rate",
                "names" => "name",
                kind => kind,
            };
            let n = counters.entry(prefix).or_default();
            *n += 1;
            let id = format!("{prefix}_{n:02}");
            if valid(&id) {
                break id;
            }
        },
    };
    proposal.id = id.clone();
    proposals.push(proposal);
    id
}

const CLAUSE_ENDS: &[char] = &['，', '。', '；', '：', '！', '？', '、', ',', ';'];

/// The clause around `start..end`: from after the last clause mark before it to the first after.
fn clause(chars: &[char], start: usize, end: usize) -> (usize, usize) {
    let from = chars[..start]
        .iter()
        .rposition(|c| CLAUSE_ENDS.contains(c))
        .map_or(0, |i| i + 1);
    let to = chars[end..]
        .iter()
        .position(|c| CLAUSE_ENDS.contains(c))
        .map_or(chars.len(), |i| end + i);
    (from, to)
}

/// Words for a label from `chars[from..to]`: other numbers taken out with their measure words;
/// other names kept as written when `keep_names` (“三星级”党组织 says what is counted), else shown
/// by their marks alone (建立线上“”与线下“”).
fn words(chars: &[char], from: usize, to: usize, items: &[Item], keep_names: bool) -> String {
    let mut out = String::new();
    let mut i = from;
    while i < to {
        if let Some(item) = items.iter().find(|it| it.start == i && it.end <= to) {
            match &item.what {
                What::Number(n) => i = (item.end + n.unit.chars().count()).min(to),
                What::Names(names) if !keep_names => {
                    out.push_str(if names.open == '《' {
                        "《》"
                    } else {
                        "“”"
                    });
                    i = item.end;
                }
                What::Names(_) => {
                    out.extend(&chars[item.start..item.end]);
                    i = item.end;
                }
                What::Tagged(_) => i = item.end,
            }
            continue;
        }
        out.push(chars[i]);
        i += 1;
    }
    out.trim_matches(|c: char| c.is_whitespace() || matches!(c, '%' | '％'))
        .to_owned()
}

/// Words before a figure, without the connecting words at their edges (共、其中…达、为).
fn before_words(
    chars: &[char],
    from: usize,
    to: usize,
    items: &[Item],
    keep_names: bool,
) -> String {
    words(chars, from, to, items, keep_names)
        .trim_start_matches("其中")
        .trim_start_matches(['共', '和', '及', '与', '并', '另'])
        .trim_end_matches(['达', '共', '约', '为', '有', '计'])
        .to_owned()
}

/// Words after a figure, up to a 的 (30多个被巡察单位的整改 → 被巡察单位).
fn after_words(chars: &[char], from: usize, to: usize, items: &[Item], keep_names: bool) -> String {
    let w = words(chars, from, to, items, keep_names);
    w.split('的')
        .next()
        .unwrap_or("")
        .trim_end_matches('中')
        .to_owned()
}

fn last_chars(s: &str, n: usize) -> String {
    let count = s.chars().count();
    s.chars().skip(count.saturating_sub(n)).collect()
}

fn next_chars(chars: &[char], from: usize, n: usize) -> String {
    chars[from..(from + n).min(chars.len())]
        .iter()
        .take_while(|c| !CLAUSE_ENDS.contains(c))
        .collect()
}

/// A number's label from the words around it in its clause. What follows the measure word is
/// what is counted (30多个被巡察单位 → 推动被巡察单位); with nothing after it, the words before
/// (已配备专职副书记37人 → 已配备专职副书记); when those are too few to say anything (达标, 占比),
/// the clause before is put in front (所属党支部中 → 达标占比 …).
fn number_label(chars: &[char], item: &Item, n: &Number, items: &[Item]) -> String {
    let (from, to) = clause(chars, item.start, item.end);
    let previous = items
        .iter()
        .filter(|it| it.end <= item.start && it.start >= from && matches!(it.what, What::Number(_)))
        .map(|it| match &it.what {
            What::Number(p) => it.end + p.unit.chars().count(),
            _ => it.end,
        })
        .max();
    let before = before_words(
        chars,
        previous.unwrap_or(from).min(item.start),
        item.start,
        items,
        true,
    );
    let unit_end = (item.end + n.unit.chars().count()).min(to);
    let stop = items
        .iter()
        .filter(|it| it.start >= unit_end && it.start < to && matches!(it.what, What::Number(_)))
        .map(|it| it.start)
        .min()
        .unwrap_or(to);
    let after: String = after_words(chars, unit_end, stop, items, true)
        .chars()
        .take(16)
        .collect();
    let mut label = if after.chars().count() >= 2 && !matches!(n.found, Found::Percent(_)) {
        // The verb before the number (完成, 推动), not a name or a figure before that.
        let lead = if previous.is_some() {
            String::new()
        } else {
            let verb = before.rsplit(['》', '”']).next().unwrap_or("");
            last_chars(verb.trim_end_matches('的'), 8)
        };
        format!("{lead}{after}")
    } else {
        last_chars(&before, 24)
    };
    if label.chars().count() < 3 && from > 0 {
        let (prev_from, _) = clause(chars, from - 1, from - 1);
        let prev = before_words(chars, prev_from, from - 1, items, true);
        label = last_chars(&format!("{prev}{label}"), 24);
    }
    if label.is_empty() {
        "（待命名）".into()
    } else {
        label
    }
}

/// A name's label: the words around it in its clause, the name's own marks in its place
/// (起草下发《》, 以市直机关“”为重要载体).
fn names_label(chars: &[char], item: &Item, quote: &str, items: &[Item]) -> String {
    let (from, to) = clause(chars, item.start, item.end);
    let before = last_chars(&before_words(chars, from, item.start, items, false), 16);
    let after: String = words(chars, item.end, to, items, false)
        .chars()
        .take(8)
        .collect();
    let label = format!("{before}{quote}{after}");
    if label.chars().count() <= quote.chars().count() {
        "名称（待命名）".into()
    } else {
        label
    }
}

/// The sentence of `chars` that position `at` stands in.
fn sentence(chars: &[char], at: usize) -> String {
    let ends = crate::wording::SENTENCE_ENDS;
    let from = chars[..at]
        .iter()
        .rposition(|c| ends.contains(c))
        .map_or(0, |i| i + 1);
    let to = chars[at..]
        .iter()
        .position(|c| ends.contains(c))
        .map_or(chars.len(), |i| at + i + 1);
    chars[from..to].iter().collect()
}

impl Detection {
    /// The files of the new project, relative to its folder: the template, the declarations,
    /// the settings, the facts of `year` (values as the speech printed them) and a README.
    pub fn files(
        &self,
        year: i64,
        office: Option<&str>,
        source_name: &str,
    ) -> Vec<(std::path::PathBuf, String)> {
        use crate::init::{FIGURES_HEADER, TEMPLATE_HEADER, readme, settings_text, yaml_text};
        use crate::project::{FIGURES_FILE, SETTINGS_FILE, TEMPLATE_FILE};
        use std::fmt::Write as _;
        use std::path::{Path, PathBuf};

        let mut template = super::template_source(TEMPLATE_HEADER, &self.document);
        if self.title_year {
            let heading = format!("# {}\n", self.document.title);
            let with_year = heading.replacen(&format!("{year}年"), "{{ year }}年", 1);
            template = template.replacen(&heading, &with_year, 1);
        }
        let mut figures = format!("{FIGURES_HEADER}\nfigures:\n");
        let mut facts = format!(
            "# 由 speechgen import 从 {source_name} 导入：数值取自讲话原文，逐项核对后再用。\n# 注有“待确认”的几项，请按提示核对。\nyear: {year}\n"
        );
        for (group, heading) in &self.groups {
            let _ = writeln!(figures, "  # {heading}");
            let _ = writeln!(facts, "\n# {heading}\n{group}:");
            for p in self.proposals.iter().filter(|p| &p.group == group) {
                let fact = format!("{group}.{}", p.id);
                let _ = writeln!(figures, "  {}:", p.id);
                let _ = writeln!(figures, "    label: {}", yaml_text(&p.label));
                if !p.unit.is_empty() {
                    let _ = writeln!(figures, "    unit: {}", yaml_text(&p.unit));
                }
                let _ = writeln!(figures, "    kind: {}", p.kind.kind());
                let comment = if p.unit.is_empty() {
                    p.label.clone()
                } else {
                    format!("{}（{}）", p.label, p.unit)
                };
                let comment = match &p.confirm {
                    Some(why) => format!("{comment}；待确认：{why}"),
                    None => comment,
                };
                match &p.kind {
                    Proposed::Count(n) | Proposed::CnCount(n) => {
                        let _ = writeln!(figures, "    fact: {fact}");
                        if *n == 0 {
                            let _ = writeln!(figures, "    zero: ok");
                        }
                        let _ = writeln!(facts, "  {}: {n}    # {comment}", p.id);
                    }
                    Proposed::Rate(text) => {
                        let _ = writeln!(figures, "    rate: {fact}");
                        let _ = writeln!(facts, "  {}: {text}    # {comment}", p.id);
                    }
                    Proposed::Approx { exact, suffix } => {
                        let _ = writeln!(figures, "    suffix: {suffix}\n    fact: {fact}");
                        let _ = writeln!(facts, "  {}: {exact}    # {comment}", p.id);
                    }
                    Proposed::Names { names, quote } => {
                        let _ = writeln!(figures, "    quote: {quote}\n    fact: {fact}");
                        if let [name] = names.as_slice() {
                            let _ =
                                writeln!(facts, "  {}: {}    # {comment}", p.id, yaml_text(name));
                        } else {
                            let _ = writeln!(facts, "  {}:    # {comment}", p.id);
                            for name in names {
                                let _ = writeln!(facts, "    - {}", yaml_text(name));
                            }
                        }
                    }
                }
            }
            figures.push('\n');
        }
        if self.proposals.is_empty() {
            figures.push_str("  {}\n");
        }
        let title = if self.document.title.is_empty() {
            "讲话稿".to_owned()
        } else {
            self.document.title.clone()
        };
        let origin = format!(
            "由 `speechgen import {source_name} --new` 从讲话原文生成：每个数字和名称都成了一个数据项，\n数值写在 `facts/{year}.yaml` 中。数据项的名称（label）是按上下文拟的，请逐个核对改好。"
        );
        vec![
            (Path::new("templates").join(TEMPLATE_FILE), template),
            (Path::new("templates").join(FIGURES_FILE), figures),
            (
                Path::new("templates").join(SETTINGS_FILE),
                settings_text((!self.title_year).then_some(title.as_str()), office),
            ),
            (Path::new("facts").join(format!("{year}.yaml")), facts),
            (PathBuf::from("README.md"), readme(&title, &origin)),
        ]
    }
}
