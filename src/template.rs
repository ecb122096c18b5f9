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
use crate::facts::did_you_mean;

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
    pub source: String,
}

/// One `fig.<id>` in the template, with where it stands (1-based line and column).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Usage {
    pub id: String,
    pub line: usize,
    pub column: usize,
}

impl Template {
    pub fn load(path: &Path) -> Result<Template, Diagnostic> {
        let source = std::fs::read_to_string(path).map_err(|e| {
            let location = Location {
                file: path.to_path_buf(),
                line: 1,
                column: 1,
            };
            Diagnostic::error(
                Diagnostic::IO,
                format!("无法读取讲话稿模板：{}", crate::error::explain_io(&e)),
                Some(location),
            )
        })?;
        Ok(Template {
            path: path.to_path_buf(),
            source,
        })
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
        for usage in self.usages() {
            if !ids.contains(&usage.id) {
                ids.push(usage.id);
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

    /// Every `fig.<id>` the template refers to, in order of appearance.
    pub fn usages(&self) -> Vec<Usage> {
        let mut out = Vec::new();
        for (line_index, line) in self.source.lines().enumerate() {
            let chars: Vec<char> = line.chars().collect();
            let mut i = 0;
            while i + 4 <= chars.len() {
                let starts_word = i == 0
                    || !(chars[i - 1].is_ascii_alphanumeric()
                        || chars[i - 1] == '_'
                        || chars[i - 1] == '.');
                if starts_word && chars[i..i + 4] == ['f', 'i', 'g', '.'] {
                    let id: String = chars[i + 4..]
                        .iter()
                        .take_while(|c| c.is_ascii_alphanumeric() || **c == '_')
                        .collect();
                    if !id.is_empty() {
                        out.push(Usage {
                            id: id.clone(),
                            line: line_index + 1,
                            column: i + 1,
                        });
                        i += 4 + id.len();
                        continue;
                    }
                }
                i += 1;
            }
        }
        out
    }

    /// Problems between the template and the declarations: a figure used but not declared
    /// (an error, with "did you mean") and a figure declared but never printed (the warning
    /// `unused_at` builds at its declaration).
    pub fn check_usages(
        &self,
        declared: &[&str],
        unused_at: impl Fn(&str) -> Option<Diagnostic>,
    ) -> Vec<Diagnostic> {
        let usages = self.usages();
        let mut out = Vec::new();
        for u in &usages {
            if !declared.contains(&u.id.as_str()) {
                let mut d = self.diagnostic(
                    "undeclared-figure",
                    u.line,
                    u.column,
                    format!("模板使用了未声明的图 fig.{}", u.id),
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

    fn tera_error(&self, e: tera::Error) -> Diagnostic {
        let (report, kind) = match e.kind() {
            tera::ErrorKind::SyntaxError(r) => (Some(r), "模板语法错误"),
            tera::ErrorKind::RenderingError(r) => (Some(r), "模板渲染错误"),
            _ => (None, "模板错误"),
        };
        match report {
            Some(r) => {
                let span = r.span();
                let mut d = self.diagnostic(
                    "template",
                    span.start_line,
                    span.start_col + 1,
                    format!("{kind}：{}", r.message()),
                );
                d.hint = Some("检查 {{ }} 与 {% %} 是否成对，图写作 {{ fig.<id> }}".into());
                d
            }
            None => self.diagnostic("template", 1, 1, format!("{kind}：{e}")),
        }
    }
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
        Template {
            path: "templates/speech.md.tera".into(),
            source: source.into(),
        }
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
