//! The speech template (`templates/speech.md.tera`), rendered with Tera into Markdown.
//!
//! Figures never enter Tera as their values. Each `{{ fig.<id> }}` is given a single private-use
//! character (a placeholder) instead, and the stages after Markdown put the value in: escaped for
//! Markdown in the .md file, as a `<span data-figure>` in HTML, as text in the PDF. So a campaign
//! name holding `{{ 7*7 }}`, `**` or `<script>` can never be evaluated, turn bold or run, and one
//! character cannot be split by the Markdown parser.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::diagnostic::{Diagnostic, Location};
use crate::text::did_you_mean;

mod tags;

use tags::{Misuse, Problem};

/// Placeholders are taken from Supplementary Private Use Area-A, which no speech text contains.
const PLACEHOLDER_BASE: u32 = 0xF0000;
const PLACEHOLDER_LIMIT: u32 = 0xFFFFD;

pub fn placeholder(index: usize) -> char {
    char::from_u32(PLACEHOLDER_BASE + index as u32).expect("placeholder index in range")
}

pub fn placeholder_index(c: char) -> Option<usize> {
    let code = c as u32;
    (PLACEHOLDER_BASE..=PLACEHOLDER_LIMIT)
        .contains(&code)
        .then(|| (code - PLACEHOLDER_BASE) as usize)
}

#[derive(Debug, Clone)]
pub struct Template {
    pub path: PathBuf,
    /// The template's text. Read it, never change it: `tags` was scanned from it.
    pub source: String,
    /// The tags of `source`, scanned once when the template is made ([`Template::new`]): the
    /// figure ids, the tag check and the usage check all read this one scan.
    tags: tags::Scan,
}

/// One `fig.<id>` in the template, with where it stands (1-based line and column).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Usage {
    pub id: String,
    pub line: usize,
    pub column: usize,
}

impl Template {
    /// Reads the template as the YAML files are read: at most 1 MB, a byte-order mark dropped
    /// (Notepad saves one, and before `# 标题` it would make the title a paragraph), a control
    /// character or a byte that is not UTF-8 reported at its place.
    pub fn load(path: &Path) -> Result<Template, Diagnostic> {
        Template::from_bytes(path, &crate::yaml::read_bounded(path)?)
    }

    /// The template from the bytes of the file at `path` (as `yaml::read_bounded` read them).
    pub fn from_bytes(path: &Path, bytes: &[u8]) -> Result<Template, Diagnostic> {
        Ok(Template::new(path, crate::yaml::decode(path, bytes)?))
    }

    /// The template of text `source`, said to stand at `path`, its tags scanned.
    pub fn new(path: impl Into<PathBuf>, source: String) -> Template {
        let tags = tags::scan(&source);
        Template {
            path: path.into(),
            source,
            tags,
        }
    }

    fn diagnostic(
        &self,
        code: &'static str,
        line: usize,
        column: usize,
        message: String,
    ) -> Diagnostic {
        let location = Location {
            file: self.path.clone(),
            line,
            column,
        };
        let mut d = Diagnostic::error(code, message, Some(location));
        d.source_line = self
            .source
            .lines()
            .nth(line.wrapping_sub(1))
            .map(str::to_owned);
        d
    }

    /// The distinct figure ids the template uses, in order of first use: `placeholder(i)` stands
    /// for `figure_ids()[i]` in a render.
    pub fn figure_ids(&self) -> Vec<String> {
        let mut ids: Vec<String> = Vec::new();
        for usage in &self.tags.usages {
            if !ids.contains(&usage.id) {
                ids.push(usage.id.clone());
            }
        }
        ids
    }

    /// An error about the character at byte `offset` of this template's rendered output, placed at
    /// the template line it came from (see [`Template::locate`]).
    pub fn error_in_output(
        &self,
        code: &'static str,
        rendered: &str,
        offset: usize,
        message: String,
    ) -> Diagnostic {
        let (line, column) = self.locate(rendered, offset);
        self.diagnostic(code, line, column, message)
    }

    /// The template line and column (1-based, in characters) that the character at byte `offset`
    /// of the rendered output comes from.
    ///
    /// Tera keeps no map from its output back to the template, so the place is found by its line.
    /// Each template line is read as a pattern in which its literal text must appear as written and
    /// each `{{ }}`, `{% %}` or `{# #}` tag may stand for any text (a figure's placeholder, the
    /// year, a loop's item, nothing); the output line holding `offset` is matched against every
    /// pattern. The line with the most literal text that matches wins; when the same sentence is
    /// written on several template lines, the k-th equal output line is given the k-th of them.
    /// The column is that of the literal character the place was matched to. Where no line
    /// matches, or the place falls in a tag's part of the match, the longest run of literal text
    /// that the output line shares with a template line is taken instead, if it holds the place.
    ///
    /// Limits: a line printed wholly by tags (`{{ item }}` in a loop) has no literal text to match
    /// and is found only through a line of the same shape; an output line joined from several
    /// template lines (`{%-`/`-%}` eat the line break) is placed by the run of literal text holding
    /// the place, or by the line the run belongs to; failing everything, the output line's own
    /// number is given.
    pub fn locate(&self, rendered: &str, offset: usize) -> (usize, usize) {
        let offset = offset.min(rendered.len());
        let line_start = rendered[..offset].rfind('\n').map_or(0, |i| i + 1);
        let line_end = rendered[offset..]
            .find('\n')
            .map_or(rendered.len(), |i| offset + i);
        let line_text = rendered[line_start..line_end].trim_end_matches('\r');
        let text: Vec<char> = line_text.chars().collect();
        let at = rendered[line_start..offset].chars().count();
        let patterns = line_patterns(&self.source);

        let mut best: Vec<(&LinePattern, Vec<usize>)> = Vec::new();
        let mut best_score = 1;
        for pattern in &patterns {
            let score = pattern.literal_count();
            if score < best_score {
                continue;
            }
            if let Some(starts) = match_line(&pattern.items, &text) {
                if score > best_score {
                    best.clear();
                    best_score = score;
                }
                best.push((pattern, starts));
            }
        }
        let matched = (!best.is_empty()).then(|| {
            let equal_before = rendered[..line_start]
                .lines()
                .filter(|l| l.trim_end_matches('\r') == line_text)
                .count();
            let (pattern, starts) = &best[equal_before.min(best.len() - 1)];
            let (column, literal) = column_at(&pattern.items, starts, at);
            (pattern.line, column, literal)
        });
        match matched {
            Some((line, column, true)) => (line, column),
            Some((line, column, false)) => {
                shared_run(&patterns, &text, at, true).unwrap_or((line, column))
            }
            None => shared_run(&patterns, &text, at, false).unwrap_or_else(|| {
                let output_line = rendered[..line_start].matches('\n').count() + 1;
                (output_line.min(patterns.len()), at + 1)
            }),
        }
    }

    /// Every plain `{{ fig.<id> }}` of the template, in order of appearance. A figure used any
    /// other way is not a use but a problem ([`Template::check_tags`]).
    pub fn usages(&self) -> Vec<Usage> {
        self.tags.usages.clone()
    }

    /// Mistakes in the template's tags, each at its place, found before Tera runs: a tag or block
    /// left open, and a figure used other than as a plain `{{ fig.<id> }}` (see `tags`). A
    /// template with any of these is not rendered.
    pub fn check_tags(&self) -> Vec<Diagnostic> {
        self.tags
            .problems
            .iter()
            .map(|p| self.tag_problem(p.clone()))
            .collect()
    }

    fn tag_problem(&self, problem: Problem) -> Diagnostic {
        let (at, message, hint, figure) = match problem {
            Problem::Unclosed { open, close, at } => (
                at,
                format!("模板中这个 {open} 没有配对的 {close}"),
                match open {
                    "{{" => "补上 }}，数据项写作 {{ fig.<id> }}".to_owned(),
                    "{%" => "补上 %}，例如 {% if year > 2020 %}".to_owned(),
                    _ => "补上 #}，注释写作 {# …… #}".to_owned(),
                },
                None,
            ),
            Problem::UnclosedRaw { at } => (
                at,
                "这里的 {% raw %} 没有对应的 {% endraw %}".to_owned(),
                "在原样印出的文字末尾加上 {% endraw %}".to_owned(),
                None,
            ),
            Problem::UnclosedBlock { name, at } => (
                at,
                format!("这里的 {{% {name} %}} 没有对应的 {{% end{name} %}}"),
                format!("在这一部分结束处加上 {{% end{name} %}}"),
                None,
            ),
            Problem::StrayEnd { name, open, at } => (
                at,
                match &open {
                    Some(open) => format!(
                        "{{% {name} %}} 与前面的 {{% {open} %}} 不配对（那里应以 {{% end{open} %}} 结束）"
                    ),
                    None => format!(
                        "{{% {name} %}} 前面没有对应的 {{% {} %}}",
                        name.trim_start_matches("end")
                    ),
                },
                "检查 {% … %} 是否成对：每个 {% if %} 以 {% endif %} 结束，{% for %} 以 {% endfor %} 结束"
                    .to_owned(),
                None,
            ),
            Problem::StrayBranch { name, at } => (
                at,
                format!("{{% {name} %}} 只能写在 {{% if %}}（else 也可在 {{% for %}}）之中"),
                "检查前面的 {% if %} 是否写全".to_owned(),
                None,
            ),
            Problem::FigureMisuse { id, how, at } => {
                let shown = match &id {
                    Some(id) => format!("数据项 fig.{id}"),
                    None => "数据项 fig".to_owned(),
                };
                let how = match how {
                    Misuse::Raw => "写在 {% raw %} 中，印出的是标签本身".to_owned(),
                    Misuse::Filter => "经过了过滤器（|），印出的是加工后的结果".to_owned(),
                    Misuse::Expression => "用在了表达式中".to_owned(),
                    Misuse::Statement(w) => format!("用在了 {{% {w} %}} 中"),
                    Misuse::Captured(w) => {
                        format!("写在 {{% {w} %}} 块中，印出前会被加工")
                    }
                };
                let plain = format!("{{{{ fig.{} }}}}", id.as_deref().unwrap_or("<id>"));
                (
                    at,
                    format!(
                        "{shown} 只能以 {plain} 原样印出，这里{how}：印出的可能不是算出并核对过的数字"
                    ),
                    format!(
                        "单独写 {plain}；数据项不能经过过滤器，也不能用于判断、赋值或循环"
                    ),
                    id,
                )
            }
            Problem::PlaceholderChar { ch, at } => (
                at,
                format!(
                    "模板中有私用区字符 U+{:04X}：speechgen 用这类字符代表数据项，它会被印成某个数字",
                    u32::from(ch)
                ),
                "删去这个字符（多半是从别处复制来的）".to_owned(),
                None,
            ),
        };
        let mut d = self.diagnostic("template", at.line, at.column, message);
        d.hint = Some(hint);
        d.figure = figure;
        d
    }

    /// Problems between the template and the declarations: a figure used but not declared
    /// (an error, with "did you mean") and a figure declared but never printed (the warning
    /// `unused_at` builds at its declaration).
    pub fn check_usages(
        &self,
        declared: &[&str],
        unused_at: impl Fn(&str) -> Option<Diagnostic>,
    ) -> Vec<Diagnostic> {
        let usages = &self.tags.usages;
        let misused = self.tags.misused();
        let mut out = Vec::new();
        for u in usages {
            if !declared.contains(&u.id.as_str()) {
                let mut d = self.diagnostic(
                    "undeclared-figure",
                    u.line,
                    u.column,
                    format!("模板使用了未声明的数据项 fig.{}", u.id),
                );
                d.figure = Some(u.id.clone());
                d.hint = Some(match did_you_mean(&u.id, declared) {
                    Some(s) => format!("是不是想写 fig.{s}？"),
                    None => "请先在 templates/figures.yaml 中声明它（label、kind 和它读取的事实）"
                        .into(),
                });
                out.push(d);
            }
        }
        for id in declared {
            if !usages.iter().any(|u| u.id == *id)
                && !misused.contains(id)
                && let Some(d) = unused_at(id)
            {
                out.push(d);
            }
        }
        out
    }

    /// Renders the template with one placeholder per figure id (see the module comment).
    /// `ids[i]` is the figure behind `placeholder(i)`.
    pub fn render(&self, ids: &[String], year: i64) -> Result<String, Diagnostic> {
        let name = self
            .path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("speech.md.tera")
            .to_owned();
        let mut tera = tera::Tera::new();
        // The output is Markdown: HTML escaping would be wrong here; values are escaped later.
        tera.autoescape_on(Vec::<&str>::new());
        tera.add_raw_template(&name, &self.source)
            .map_err(|e| self.tera_error(e))?;
        let fig: BTreeMap<&str, String> = ids
            .iter()
            .enumerate()
            .map(|(i, id)| (id.as_str(), placeholder(i).to_string()))
            .collect();
        let mut context = tera::Context::new();
        context.insert("fig", &fig);
        context.insert("year", &year);
        tera.render(&name, &context).map_err(|e| self.tera_error(e))
    }

    /// Tera's error, explained in Chinese first, its English after as detail, at its place
    /// (never past the end of the file).
    fn tera_error(&self, e: tera::Error) -> Diagnostic {
        let lines = self.source.lines().count().max(1);
        let (report, what, hint) = match e.kind() {
            tera::ErrorKind::SyntaxError(r) => (
                Some(r),
                "模板写法有误，无法读懂",
                "检查这一行的 {{ }} 与 {% %}：数据项写作 {{ fig.<id> }}，年份写作 {{ year }}",
            ),
            tera::ErrorKind::RenderingError(r) => (
                Some(r),
                "模板无法生成讲话稿",
                "模板中只能用 fig.<id>（数据项）和 year（年份）",
            ),
            _ => (None, "模板无法生成讲话稿", "检查模板中的 {{ }} 与 {% %}"),
        };
        let (line, column, detail) = match report {
            Some(r) => {
                let span = r.span();
                let (line, column) = if span.start_line > lines {
                    let last = self.source.lines().last().unwrap_or("");
                    (lines, last.chars().count().max(1))
                } else {
                    (span.start_line.max(1), span.start_col + 1)
                };
                (line, column, r.message().to_owned())
            }
            None => {
                // Tera's other errors carry their place only in their text
                // (`error: Unknown filter `date`\n  --> speech.md.tera:13:11 …`).
                let text = e.to_string();
                let (line, column) = tera_place(&text)
                    .filter(|(line, _)| (1..=lines).contains(line))
                    .unwrap_or((1, 1));
                let first = text.lines().next().unwrap_or("");
                let first = first.strip_prefix("error: ").unwrap_or(first).to_owned();
                (line, column, first)
            }
        };
        let (what, hint) = if detail.contains("is not defined") {
            ("模板用了不存在的名字", hint)
        } else if detail.starts_with("Unknown filter") {
            (
                "模板用了 Tera 没有的过滤器",
                "数据项写作 {{ fig.<id> }}，不加过滤器；年份写作 {{ year }}",
            )
        } else if detail.starts_with("Unknown template") {
            (
                "模板引用了不存在的模板文件",
                "讲话稿模板是一个文件：把要引用的内容直接写进 speech.md.tera",
            )
        } else {
            (what, hint)
        };
        let mut d = self.diagnostic(
            "template",
            line,
            column,
            format!("{what}（Tera 的说明：{detail}）"),
        );
        d.hint = Some(hint.into());
        d
    }
}

/// The line and column in Tera's own text of an error (`  --> speech.md.tera:13:11`).
fn tera_place(text: &str) -> Option<(usize, usize)> {
    let place = text
        .lines()
        .find_map(|l| l.trim_start().strip_prefix("--> "))?;
    let mut parts = place.rsplitn(3, ':');
    let column = parts.next()?.trim().parse().ok()?;
    let line = parts.next()?.trim().parse().ok()?;
    Some((line, column))
}

/// One template line read as a pattern for the output lines it can print (see [`Template::locate`]).
struct LinePattern {
    /// 1-based.
    line: usize,
    items: Vec<Item>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Item {
    /// A character written as is, with its 1-based column.
    Literal(char, usize),
    /// A Tera tag, or the part of one on this line: it may print any text or none. Its column.
    Tag(usize),
}

impl LinePattern {
    /// How much the line says of itself: its literal characters other than spaces.
    fn literal_count(&self) -> usize {
        self.items
            .iter()
            .filter(|i| matches!(i, Item::Literal(c, _) if !c.is_whitespace()))
            .count()
    }

    /// The runs of literal characters between tags, each with the column of its first character.
    fn literal_runs(&self) -> Vec<(usize, Vec<char>)> {
        let mut runs: Vec<(usize, Vec<char>)> = Vec::new();
        let mut in_run = false;
        for item in &self.items {
            match *item {
                Item::Literal(c, column) => {
                    if in_run {
                        runs.last_mut().expect("a run is open").1.push(c);
                    } else {
                        runs.push((column, vec![c]));
                        in_run = true;
                    }
                }
                Item::Tag(_) => in_run = false,
            }
        }
        runs
    }
}

/// The template's lines as patterns: literal characters, and one `Tag` for each stretch of a
/// `{{ }}`, `{% %}` or `{# #}` tag on the line (a tag spanning lines, such as the opening comment,
/// leaves lines with no literal text, which then match nothing).
fn line_patterns(source: &str) -> Vec<LinePattern> {
    let chars: Vec<char> = source.chars().collect();
    let mut lines = vec![LinePattern {
        line: 1,
        items: Vec::new(),
    }];
    let mut closer: Option<char> = None;
    let mut column = 1;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let items = &mut lines.last_mut().expect("one line at least").items;
        let tag_here = |items: &mut Vec<Item>| {
            if !matches!(items.last(), Some(Item::Tag(_))) {
                items.push(Item::Tag(column));
            }
        };
        match (c, closer) {
            ('\n', _) => {
                let line = lines.len() + 1;
                lines.push(LinePattern {
                    line,
                    items: Vec::new(),
                });
                column = 1;
                i += 1;
                continue;
            }
            ('\r', _) if chars.get(i + 1) == Some(&'\n') => {}
            ('{', None) if matches!(chars.get(i + 1), Some('{' | '%' | '#')) => {
                closer = Some(if chars[i + 1] == '{' {
                    '}'
                } else {
                    chars[i + 1]
                });
                tag_here(items);
                i += 2;
                column += 2;
                continue;
            }
            (_, None) => items.push(Item::Literal(c, column)),
            (_, Some(close)) => {
                tag_here(items);
                if c == close && chars.get(i + 1) == Some(&'}') {
                    closer = None;
                    i += 2;
                    column += 2;
                    continue;
                }
            }
        }
        i += 1;
        column += 1;
    }
    lines
}

/// Matches a whole output line against a pattern, a tag standing for any text (glob matching with
/// backtracking, each tag taking as little as it can). For each item, the index of the output
/// character where it starts.
fn match_line(items: &[Item], text: &[char]) -> Option<Vec<usize>> {
    let mut starts = vec![0; items.len()];
    let (mut p, mut t) = (0, 0);
    // The last tag passed and the output index up to which it currently extends.
    let mut retry: Option<(usize, usize)> = None;
    while p < items.len() || t < text.len() {
        match items.get(p) {
            Some(Item::Tag(_)) => {
                starts[p] = t;
                retry = Some((p, t));
                p += 1;
                continue;
            }
            Some(Item::Literal(c, _)) if text.get(t) == Some(c) => {
                starts[p] = t;
                p += 1;
                t += 1;
                continue;
            }
            _ => {}
        }
        match retry {
            Some((tag, end)) if end < text.len() => {
                retry = Some((tag, end + 1));
                p = tag + 1;
                t = end + 1;
            }
            _ => return None,
        }
    }
    Some(starts)
}

/// The template column of output character `at`, given where each item of the match starts, and
/// whether it is a literal character (else the tag whose output holds it).
fn column_at(items: &[Item], starts: &[usize], at: usize) -> (usize, bool) {
    let of = |item: &Item| match *item {
        Item::Literal(_, c) => (c, true),
        Item::Tag(c) => (c, false),
    };
    items
        .iter()
        .zip(starts)
        .take_while(|(_, start)| **start <= at)
        .last()
        .map(|(item, _)| of(item))
        .or_else(|| items.first().map(of))
        .unwrap_or((1, false))
}

/// The template line and column of output character `at` by the longest run of literal text
/// (two characters or more besides spaces) that a template line shares with the output line.
/// With `holding`, only a run whose occurrence holds `at` counts; without, the place is the run's
/// own column when the run does not hold it.
fn shared_run(
    patterns: &[LinePattern],
    text: &[char],
    at: usize,
    holding: bool,
) -> Option<(usize, usize)> {
    let mut best: Option<(usize, (usize, usize))> = None;
    for pattern in patterns {
        for (column, run) in pattern.literal_runs() {
            let weight = run.iter().filter(|c| !c.is_whitespace()).count();
            if weight < 2 || best.is_some_and(|(w, _)| w >= weight) {
                continue;
            }
            let Some(index) = find_chars(text, &run) else {
                continue;
            };
            let holds = (index..index + run.len()).contains(&at);
            if holds {
                best = Some((weight, (pattern.line, column + (at - index))));
            } else if !holding {
                best = Some((weight, (pattern.line, column)));
            }
        }
    }
    best.map(|(_, place)| place)
}

/// Where `needle` first occurs in `haystack`, as a character index.
fn find_chars(haystack: &[char], needle: &[char]) -> Option<usize> {
    if needle.is_empty() || needle.len() > haystack.len() {
        return None;
    }
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn template(source: &str) -> Template {
        Template::new("templates/speech.md.tera", source.into())
    }

    #[test]
    fn finds_usages_with_positions() {
        let t = template("# 标题\n达标{{ fig.branches }}个，占比{{fig.share}}%。config.x\n");
        let u = t.usages();
        assert_eq!(u.len(), 2);
        assert_eq!(
            (u[0].id.as_str(), u[0].line, u[0].column),
            ("branches", 2, 6)
        );
        assert_eq!((u[1].id.as_str(), u[1].column), ("share", 27));
    }

    #[test]
    fn renders_placeholders_not_values() {
        let t = template("达标{{ fig.a }}个，{{ fig.b }}。{{ year }}");
        let out = t.render(&["a".into(), "b".into()], 2021).unwrap();
        assert_eq!(
            out,
            format!("达标{}个，{}。2021", placeholder(0), placeholder(1))
        );
        assert_eq!(placeholder_index(placeholder(7)), Some(7));
        assert_eq!(placeholder_index('达'), None);
    }

    #[test]
    fn syntax_error_points_into_the_template() {
        let t = template("第一行\n第二行 {{ fig.a \n");
        let e = t.render(&["a".into()], 2021).unwrap_err();
        assert_eq!(e.code, "template");
        assert_eq!(e.location.unwrap().line, 2, "{}", e.message);
    }

    #[test]
    fn undeclared_figure_suggests_the_declared_one() {
        let t = template("达标{{ fig.branchs }}个");
        let d = t.check_usages(&["branches"], |_| None);
        assert_eq!(d[0].code, "undeclared-figure");
        assert_eq!(d[0].location.as_ref().unwrap().column, 6);
        assert!(d[0].hint.as_ref().unwrap().contains("fig.branches"));
    }

    /// Where `needle` (its first occurrence at or after byte `from`) stands in the render of `t`,
    /// located back in the template.
    fn locate_in_render(t: &Template, needle: &str, from: usize) -> (usize, usize) {
        let out = t.render(&t.figure_ids(), 2021).unwrap();
        let offset = from + out[from..].find(needle).expect("needle in the output");
        t.locate(&out, offset)
    }

    #[test]
    fn output_places_are_found_at_their_template_line() {
        // The opening comment vanishes from the output: output line 1 is template line 3.
        let t = template(
            "{#- 说明\n两行 -#}\n# 标题\n\n达标{{ fig.a }}个，详见[网站](x)。\n\n{{ year }}年[另一处](y)。\n",
        );
        assert_eq!(locate_in_render(&t, "# 标题", 0), (3, 1));
        // After a tag, columns count the tag as written, not its output.
        assert_eq!(locate_in_render(&t, "[网站]", 0), (5, 18));
        assert_eq!(locate_in_render(&t, "[另一处]", 0), (7, 12));
        // A place inside a tag's output is given the tag.
        assert_eq!(locate_in_render(&t, "2021", 0), (7, 1));
    }

    #[test]
    fn lines_printed_by_loops_and_repeated_lines() {
        let t = template(
            "开头。\n\n{% for x in [\"甲\", \"乙\"] %}\n- 第{{ x }}项\n{% endfor %}\n\n- 同一句\n\n中间。\n\n- 同一句\n",
        );
        assert_eq!(locate_in_render(&t, "- 第乙项", 0), (4, 1));
        let out = t.render(&[], 2021).unwrap();
        let second = out.rfind("- 同一句").unwrap();
        assert_eq!(locate_in_render(&t, "- 同一句", 0), (7, 1));
        assert_eq!(t.locate(&out, second), (11, 1));
    }

    #[test]
    fn lines_joined_by_whitespace_control() {
        // `{%-` eats the line break: the output line is template lines 1 and 2 together.
        let t = template("第一段的文字\n{%- if true %}[链接](x)在后{% endif %}\n");
        assert_eq!(locate_in_render(&t, "[链接]", 0), (2, 15));
        let t = template("{% if true -%}\n前面的一些文字\n{%- endif %}[链接](x)\n");
        assert_eq!(locate_in_render(&t, "一些", 0), (2, 4));
        assert_eq!(locate_in_render(&t, "[链接]", 0), (3, 13));
    }
}
