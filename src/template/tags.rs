//! The template's tags, read before Tera sees the template.
//!
//! Three kinds of mistake are found here, each at its own line and column, so that `check` refuses
//! them in Chinese before Tera runs: a tag left open (`{{ fig.x }` missing a brace, which Tera
//! renders without a word), a block never closed (`{% if %}` without `{% endif %}`, which Tera
//! reports in English past the end of the file), and a figure used other than as a plain
//! `{{ fig.<id> }}`. A figure enters Tera as a one-character placeholder (see the parent module),
//! so anything Tera does to it prints something other than the figure: `{{ fig.trainees | length }}`
//! prints 1 for 1001, `{% raw %}{{ fig.x }}{% endraw %}` prints the tag itself, `{% if fig.x %}`
//! is always true.
//!
//! Only the structure is read: quoted strings inside tags are skipped, comments are opaque, and
//! what a tag says beyond its first word is left to Tera.

use super::{Usage, placeholder_index};

/// A place in the template: 1-based line and column, counted in characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct At {
    pub line: usize,
    pub column: usize,
}

/// One mistake in the template's tags.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// `{{`, `{%` or `{#` with no closing `}}`, `%}` or `#}` before the next tag opens or the file
    /// ends.
    Unclosed {
        open: &'static str,
        close: &'static str,
        at: At,
    },
    /// `{% raw %}` without `{% endraw %}`.
    UnclosedRaw { at: At },
    /// A block (`if`, `for`, `filter`, `set`, …) never closed.
    UnclosedBlock { name: String, at: At },
    /// `{% endif %}` (or another end) with no open block of its name; `open` is the block it
    /// would close instead, if any.
    StrayEnd {
        name: String,
        open: Option<String>,
        at: At,
    },
    /// `{% else %}` or `{% elif %}` outside a block that takes it.
    StrayBranch { name: String, at: At },
    /// A figure used other than as a plain `{{ fig.<id> }}`.
    FigureMisuse {
        /// The figure's id, when written as `fig.<id>`.
        id: Option<String>,
        how: Misuse,
        at: At,
    },
    /// A character of the placeholder range written in the template: it would print as a figure.
    PlaceholderChar { ch: char, at: At },
}

/// How a figure is used where only `{{ fig.<id> }}` is allowed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Misuse {
    /// Inside `{% raw %}`: the tag itself is printed.
    Raw,
    /// Through a filter: `{{ fig.x | length }}`.
    Filter,
    /// In an expression: `{{ fig.x ~ "人" }}`, `{{ fig }}`, `{{ fig["x"] }}`.
    Expression,
    /// In a statement: `{% if fig.x %}`, `{% set n = fig.x %}`, `{% for f in fig %}`.
    Statement(String),
    /// A plain `{{ fig.x }}` inside a block that captures its output and changes it
    /// (`{% filter upper %}`, `{% set s %}`).
    Captured(String),
}

/// What the scan found: the plain figure uses, in order, and every problem.
#[derive(Debug, Default, Clone)]
pub struct Scan {
    pub usages: Vec<Usage>,
    pub problems: Vec<Problem>,
}

impl Scan {
    /// The ids of figures used other than plainly: refused, but not unused.
    pub fn misused(&self) -> Vec<&str> {
        self.problems
            .iter()
            .filter_map(|p| match p {
                Problem::FigureMisuse { id: Some(id), .. } => Some(id.as_str()),
                _ => None,
            })
            .collect()
    }
}

/// Blocks that take an end tag (`{% endif %}` …). `set` and `set_global` only in their block form
/// (`{% set s %}…{% endset %}`), told apart by the absence of `=`.
const BLOCKS: &[&str] = &["if", "for", "filter", "block", "component", "set"];

/// Blocks whose body is captured and may be changed before it is printed.
const CAPTURES: &[&str] = &["filter", "set"];

pub fn scan(source: &str) -> Scan {
    let mut scanner = Scanner {
        chars: source.chars().collect(),
        places: Vec::new(),
        scan: Scan::default(),
        blocks: Vec::new(),
    };
    scanner.places = places(&scanner.chars);
    scanner.run();
    scanner.scan
}

/// The line and column of every character (and of the end).
fn places(chars: &[char]) -> Vec<At> {
    let mut out = Vec::with_capacity(chars.len() + 1);
    let (mut line, mut column) = (1, 1);
    for c in chars {
        out.push(At { line, column });
        if *c == '\n' {
            line += 1;
            column = 1;
        } else {
            column += 1;
        }
    }
    out.push(At { line, column });
    out
}

fn is_ident(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

struct Scanner {
    chars: Vec<char>,
    places: Vec<At>,
    scan: Scan,
    /// Open blocks: name (`if`, `set`, …) and where each opened.
    blocks: Vec<(String, At)>,
}

impl Scanner {
    fn at(&self, i: usize) -> At {
        self.places[i.min(self.places.len() - 1)]
    }

    fn starts_with(&self, i: usize, s: &str) -> bool {
        (i..)
            .zip(s.chars())
            .all(|(j, c)| self.chars.get(j) == Some(&c))
    }

    fn run(&mut self) {
        let mut i = 0;
        while i < self.chars.len() {
            let c = self.chars[i];
            if placeholder_index(c).is_some() {
                let at = self.at(i);
                self.scan
                    .problems
                    .push(Problem::PlaceholderChar { ch: c, at });
            }
            if c != '{' {
                i += 1;
                continue;
            }
            match self.chars.get(i + 1) {
                Some('#') => match self.find(i + 2, "#}") {
                    Some(end) => i = end + 2,
                    None => {
                        let at = self.at(i);
                        self.scan.problems.push(Problem::Unclosed {
                            open: "{#",
                            close: "#}",
                            at,
                        });
                        return;
                    }
                },
                Some('{') => i = self.tag(i, "{{", "}}"),
                Some('%') => i = self.tag(i, "{%", "%}"),
                _ => i += 1,
            }
        }
        for (name, at) in std::mem::take(&mut self.blocks) {
            self.scan.problems.push(Problem::UnclosedBlock { name, at });
        }
    }

    /// The index of the next `what` at or after `from`.
    fn find(&self, from: usize, what: &str) -> Option<usize> {
        (from..self.chars.len()).find(|&j| self.starts_with(j, what))
    }

    /// The tag opening at `open`; returns where scanning goes on.
    fn tag(&mut self, open: usize, opener: &'static str, closer: &'static str) -> usize {
        let start = open + 2;
        let Some(end) = self.tag_end(start, closer) else {
            let at = self.at(open);
            self.scan.problems.push(Problem::Unclosed {
                open: opener,
                close: closer,
                at,
            });
            // The next tag is read on its own: one missing brace is one problem.
            return start;
        };
        // Whitespace control: `{{-`, `-}}`, `{%-`, `-%}`.
        let mut a = start;
        let mut b = end;
        if self.chars.get(a) == Some(&'-') {
            a += 1;
        }
        if b > a && self.chars[b - 1] == '-' {
            b -= 1;
        }
        let after = end + 2;
        if opener == "{{" {
            self.print_tag(a, b);
            after
        } else {
            self.statement_tag(open, a, b, after)
        }
    }

    /// The index of `closer` ending the tag whose inside starts at `from`, skipping quoted
    /// strings; None when the file ends or another tag opens first.
    fn tag_end(&self, from: usize, closer: &str) -> Option<usize> {
        let mut j = from;
        let mut quote: Option<char> = None;
        while j < self.chars.len() {
            let d = self.chars[j];
            if let Some(q) = quote {
                if d == '\\' {
                    j += 2;
                    continue;
                }
                if d == q {
                    quote = None;
                }
                j += 1;
                continue;
            }
            if self.starts_with(j, closer) {
                return Some(j);
            }
            match d {
                '"' | '\'' | '`' => quote = Some(d),
                '{' if matches!(self.chars.get(j + 1), Some('{' | '%' | '#')) => return None,
                // A quoted string does not run past its line in a template.
                '\n' if quote.is_some() => return None,
                _ => {}
            }
            j += 1;
        }
        None
    }

    /// The `fig` words in `chars[a..b]` outside quoted strings: index of each.
    fn fig_words(&self, a: usize, b: usize) -> Vec<usize> {
        let mut out = Vec::new();
        let mut quote: Option<char> = None;
        let mut j = a;
        while j < b {
            let d = self.chars[j];
            if let Some(q) = quote {
                if d == '\\' {
                    j += 2;
                    continue;
                }
                if d == q {
                    quote = None;
                }
                j += 1;
                continue;
            }
            if matches!(d, '"' | '\'' | '`') {
                quote = Some(d);
                j += 1;
                continue;
            }
            let before_ok = j == a || !(is_ident(self.chars[j - 1]) || self.chars[j - 1] == '.');
            let after_ok = !self.chars.get(j + 3).is_some_and(|c| is_ident(*c)) || j + 3 >= b;
            if before_ok && after_ok && j + 3 <= b && self.starts_with(j, "fig") {
                out.push(j);
                j += 3;
                continue;
            }
            j += 1;
        }
        out
    }

    /// `fig.<id>` at `j`: the id.
    fn id_after(&self, j: usize, b: usize) -> Option<String> {
        if self.chars.get(j + 3) != Some(&'.') {
            return None;
        }
        let id: String = self.chars[(j + 4).min(b)..b]
            .iter()
            .take_while(|c| is_ident(**c))
            .collect();
        (!id.is_empty()).then_some(id)
    }

    /// Whether `chars[a..b]` holds `c` outside quoted strings.
    fn holds(&self, a: usize, b: usize, c: char) -> bool {
        let mut quote: Option<char> = None;
        for &d in &self.chars[a..b] {
            match quote {
                Some(q) if d == q => quote = None,
                Some(_) => {}
                None if matches!(d, '"' | '\'' | '`') => quote = Some(d),
                None if d == c => return true,
                None => {}
            }
        }
        false
    }

    fn misuse(&mut self, j: usize, b: usize, how: Misuse) {
        let id = self.id_after(j, b);
        let at = self.at(j);
        self.scan
            .problems
            .push(Problem::FigureMisuse { id, how, at });
    }

    /// `{{ … }}`: a plain `fig.<id>` is a use; any other mention of `fig` is refused.
    fn print_tag(&mut self, a: usize, b: usize) {
        let words = self.fig_words(a, b);
        if words.is_empty() {
            return;
        }
        let inner: String = self.chars[a..b].iter().collect();
        let trimmed = inner.trim();
        let plain = trimmed
            .strip_prefix("fig.")
            .filter(|id| !id.is_empty() && id.chars().all(is_ident))
            .filter(|id| !id.starts_with(|c: char| c.is_ascii_digit()));
        if let (Some(id), [j]) = (plain, words.as_slice()) {
            let capture = self
                .blocks
                .iter()
                .rev()
                .find(|(name, _)| CAPTURES.contains(&name.as_str()))
                .map(|(name, _)| name.clone());
            match capture {
                Some(block) => self.misuse(*j, b, Misuse::Captured(block)),
                None => {
                    let at = self.at(*j);
                    self.scan.usages.push(Usage {
                        id: id.to_owned(),
                        line: at.line,
                        column: at.column,
                    });
                }
            }
            return;
        }
        let how = if self.holds(a, b, '|') {
            Misuse::Filter
        } else {
            Misuse::Expression
        };
        for j in words {
            self.misuse(j, b, how.clone());
        }
    }

    /// `{% … %}`: blocks opened and closed, `raw` skipped to its end, `fig` refused.
    fn statement_tag(&mut self, open: usize, a: usize, b: usize, after: usize) -> usize {
        let inner: String = self.chars[a..b].iter().collect();
        let word: String = inner
            .trim_start()
            .chars()
            .take_while(|c| is_ident(*c))
            .collect();
        let at = self.at(open);
        for j in self.fig_words(a, b) {
            self.misuse(j, b, Misuse::Statement(word.clone()));
        }
        match word.as_str() {
            "raw" => return self.raw(open, after),
            "set" | "set_global" if !self.holds(a, b, '=') => {
                self.blocks.push(("set".into(), at));
            }
            "set" | "set_global" => {}
            w if BLOCKS.contains(&w) => self.blocks.push((w.to_owned(), at)),
            "elif" | "else" => {
                let takes = match self.blocks.last() {
                    Some((name, _)) => name == "if" || (word == "else" && name == "for"),
                    None => false,
                };
                if !takes {
                    self.scan
                        .problems
                        .push(Problem::StrayBranch { name: word, at });
                }
            }
            w if w.starts_with("end") => self.end(&w[3..], at),
            _ => {}
        }
        after
    }

    /// `{% endX %}`: closes the innermost open X; blocks opened inside it and left open are
    /// reported.
    fn end(&mut self, name: &str, at: At) {
        let known = BLOCKS.contains(&name) || name == "raw";
        match self.blocks.iter().rposition(|(open, _)| open == name) {
            Some(k) => {
                for (inner, inner_at) in self.blocks.split_off(k + 1) {
                    self.scan.problems.push(Problem::UnclosedBlock {
                        name: inner,
                        at: inner_at,
                    });
                }
                self.blocks.pop();
            }
            None if known => {
                let open = self.blocks.last().map(|(n, _)| n.clone());
                self.scan.problems.push(Problem::StrayEnd {
                    name: format!("end{name}"),
                    open,
                    at,
                });
            }
            // Not a block this scan knows: Tera judges it.
            None => {}
        }
    }

    /// `{% raw %}` at `open`, its tag ending before `after`: the body up to `{% endraw %}` is
    /// printed as it stands, so a figure in it is refused. Returns where scanning goes on.
    fn raw(&mut self, open: usize, after: usize) -> usize {
        let mut j = after;
        while let Some(start) = self.find(j, "{%") {
            let mut k = start + 2;
            if self.chars.get(k) == Some(&'-') {
                k += 1;
            }
            while self.chars.get(k).is_some_and(|c| c.is_whitespace()) {
                k += 1;
            }
            if self.starts_with(k, "endraw") {
                let mut m = k + 6;
                while self.chars.get(m).is_some_and(|c| c.is_whitespace()) {
                    m += 1;
                }
                if self.chars.get(m) == Some(&'-') {
                    m += 1;
                }
                if self.starts_with(m, "%}") {
                    for f in self.raw_figures(after, start) {
                        self.misuse(f, start, Misuse::Raw);
                    }
                    return m + 2;
                }
            }
            j = start + 2;
        }
        let at = self.at(open);
        self.scan.problems.push(Problem::UnclosedRaw { at });
        self.chars.len()
    }

    /// `fig.<id>` in raw text.
    fn raw_figures(&self, a: usize, b: usize) -> Vec<usize> {
        (a..b.saturating_sub(3))
            .filter(|&j| {
                self.starts_with(j, "fig.")
                    && (j == 0 || !(is_ident(self.chars[j - 1]) || self.chars[j - 1] == '.'))
                    && self.chars.get(j + 4).is_some_and(|c| is_ident(*c))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problems(source: &str) -> Vec<Problem> {
        scan(source).problems
    }

    fn at(line: usize, column: usize) -> At {
        At { line, column }
    }

    #[test]
    fn plain_uses_are_found_in_order_with_their_places() {
        let s =
            scan("# 标题\n达标{{ fig.branches }}个，占比{{fig.share}}%。config.x\n{{- fig.a -}}");
        assert!(s.problems.is_empty(), "{:?}", s.problems);
        let found: Vec<(&str, usize, usize)> = s
            .usages
            .iter()
            .map(|u| (u.id.as_str(), u.line, u.column))
            .collect();
        assert_eq!(found, [("branches", 2, 6), ("share", 2, 27), ("a", 3, 5)]);
    }

    #[test]
    fn a_tag_missing_a_brace_is_found_where_it_opens() {
        let p = problems("第一行\n起草下发{{ fig.a }，机关{{ fig.b }}。");
        assert_eq!(
            p,
            [Problem::Unclosed {
                open: "{{",
                close: "}}",
                at: at(2, 5)
            }]
        );
        let s = scan("{{ fig.a }，机关{{ fig.b }}。");
        assert_eq!(s.usages.len(), 1, "the next tag is still read");
        assert!(matches!(
            problems("末尾 {% if year")[0],
            Problem::Unclosed { open: "{%", .. }
        ));
        assert!(matches!(
            problems("{# 说明")[0],
            Problem::Unclosed { open: "{#", .. }
        ));
    }

    #[test]
    fn an_unclosed_block_is_found_at_its_own_line() {
        let p = problems("一\n{% if year > 2000 %}二\n三\n");
        assert_eq!(
            p,
            [Problem::UnclosedBlock {
                name: "if".into(),
                at: at(2, 1)
            }]
        );
        let p = problems("{% for x in [1] %}{% if true %}{% endfor %}");
        assert_eq!(
            p,
            [Problem::UnclosedBlock {
                name: "if".into(),
                at: at(1, 19)
            }]
        );
        assert!(
            matches!(&problems("{% endif %}")[0], Problem::StrayEnd { name, open: None, .. } if name == "endif")
        );
        assert!(matches!(
            &problems("{% else %}")[0],
            Problem::StrayBranch { .. }
        ));
        assert!(problems("{% if a %}1{% elif b %}2{% else %}3{% endif %}").is_empty());
        assert!(problems("{% for a in b %}1{% else %}2{% endfor %}").is_empty());
        assert!(problems("{% set x = 1 %}{{ x }}").is_empty());
        assert!(
            matches!(&problems("{% set x %}1")[0], Problem::UnclosedBlock { name, .. } if name == "set")
        );
        assert!(problems("{% set x %}1{% endset %}").is_empty());
    }

    #[test]
    fn strings_and_comments_are_not_read_as_tags() {
        assert!(problems("{{ \"}}{%\" }}{# {{ fig.x | length }} {% if %} #}").is_empty());
        assert!(
            scan("{# 每个 {{ fig.<id> }} 是一个数据项 #}")
                .usages
                .is_empty()
        );
    }

    #[test]
    fn a_figure_other_than_plain_is_refused() {
        let cases = [
            ("{{ fig.trainees | length }}", Misuse::Filter),
            ("{{ fig.a ~ \"人\" }}", Misuse::Expression),
            ("{{ fig }}", Misuse::Expression),
            ("{{ fig[\"a\"] }}", Misuse::Expression),
            ("{% if fig.a %}x{% endif %}", Misuse::Statement("if".into())),
            ("{% set n = fig.a %}", Misuse::Statement("set".into())),
            (
                "{% for f in fig %}{% endfor %}",
                Misuse::Statement("for".into()),
            ),
            (
                "{% if fig.a is defined %}x{% endif %}",
                Misuse::Statement("if".into()),
            ),
            ("{% raw %}{{ fig.a }}{% endraw %}", Misuse::Raw),
            (
                "{% filter upper %}{{ fig.a }}{% endfilter %}",
                Misuse::Captured("filter".into()),
            ),
            (
                "{% set s %}{{ fig.a }}{% endset %}",
                Misuse::Captured("set".into()),
            ),
        ];
        for (source, how) in cases {
            let p = problems(source);
            assert!(
                matches!(&p[..], [Problem::FigureMisuse { how: h, .. }] if *h == how),
                "{source}: {p:?}"
            );
            assert!(scan(source).usages.is_empty(), "{source}");
        }
        // Words that merely contain the letters are not figures.
        assert!(problems("{{ config.x }}{{ a.fig }}{{ figure }}").is_empty());
    }

    #[test]
    fn a_placeholder_character_in_the_template_is_refused() {
        let p = problems("达标\u{F0001}个");
        assert_eq!(
            p,
            [Problem::PlaceholderChar {
                ch: '\u{F0001}',
                at: at(1, 3)
            }]
        );
    }

    #[test]
    fn an_unclosed_raw_block_is_found() {
        assert_eq!(
            problems("一\n{% raw %}{{ x }}"),
            [Problem::UnclosedRaw { at: at(2, 1) }]
        );
        assert!(problems("{%- raw -%}{{ x }}{%- endraw -%}").is_empty());
    }
}
