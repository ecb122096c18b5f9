//! Layers that only look down: no top-level module of `src/` imports one that imports it back,
//! directly or through others. A loop means no module in it can be read, tested or replaced
//! without the rest, and it grows: the next import in either direction meets no resistance.
//!
//! The test reads the source as text (a `crate::` path needs no compiler to be found): every
//! `crate::` path outside `#[cfg(test)]` items, in `use` lines (grouped ones included) and
//! inline (`crate::text::escape_invisible(s)`). A file `src/x.rs` or anything under `src/x/`
//! belongs to the module `x`. Tests may reach anywhere: a test of `confirmed` builds figure
//! declarations to have facts to confirm.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Module → module it imports → the files that make the edge.
type Graph = BTreeMap<String, BTreeMap<String, BTreeSet<String>>>;

#[test]
fn no_module_imports_one_that_imports_it_back() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let graph = graph_of(&src);
    // Reading nothing finds no loop: the crate has some thirty modules, most importing others.
    assert!(
        graph.values().filter(|to| !to.is_empty()).count() > 10,
        "too few imports read from {}: {graph:#?}",
        src.display()
    );
    let loops = loops(&graph);
    let mut report = String::new();
    for members in &loops {
        let names: Vec<&str> = members.iter().map(String::as_str).collect();
        report.push_str(&format!(
            "\nmodules importing each other: {}\n",
            names.join(", ")
        ));
        for from in members {
            for (to, files) in &graph[from] {
                if members.contains(to) {
                    let file = files.first().expect("an edge has a file");
                    report.push_str(&format!("  {from} -> {to}  ({file})\n"));
                }
            }
        }
    }
    assert!(
        loops.is_empty(),
        "{} import loop(s) between the modules of src/. Each module sits in a layer and imports \
         only below it (diagnostic, text and yaml at the bottom; facts; figures; template; \
         markdown; html, pdf and docx; pipeline; format; the commands; cli on top): move what \
         a lower module takes from a higher one down to it, or pass it in.\n{report}",
        loops.len()
    );
}

#[test]
fn the_reader_finds_grouped_and_inline_paths_and_skips_test_code() {
    let example = r##"
use std::fmt;
use crate::{alpha, beta::{One, two::Three}};
use crate::gamma::Thing;
// crate::in_a_comment
/* crate::in_a /* nested */ crate::block_comment */
fn f<'a>(s: &'a str) -> String {
    let quoted = "crate::in_a_string {";
    let raw = r#"crate::in_a_raw "string" {"#;
    let brace = '{';
    crate::delta::call(s, quoted, raw, brace)
}
#[cfg(test)]
mod tests {
    use crate::only_in_tests;
    fn g() { let _ = '}'; crate::only_in_tests_too::h(); }
}
#[cfg(test)]
use crate::test_use;
#[cfg(test)]
#[allow(dead_code)]
fn sized(x: [u8; 2]) -> char { crate::hidden::x(x); '\'' }
#[cfg(test)]
mod test_file;
pub fn after(x: [u8; 2]) -> u8 { crate::epsilon::first(x) }
"##;
    let read = read_source(example);
    let modules: Vec<&str> = read.modules.iter().map(String::as_str).collect();
    assert_eq!(modules, ["alpha", "beta", "delta", "epsilon", "gamma"]);
    assert_eq!(read.test_modules, ["test_file"]);
}

#[test]
fn the_loop_finder_names_each_loop_once() {
    let mut graph = Graph::new();
    let mut edge = |from: &str, to: &str| {
        graph
            .entry(from.to_owned())
            .or_default()
            .entry(to.to_owned())
            .or_default()
            .insert(format!("src/{from}.rs"));
        graph.entry(to.to_owned()).or_default();
    };
    edge("a", "b");
    edge("b", "c");
    edge("c", "a");
    edge("c", "d");
    edge("d", "e");
    edge("e", "d");
    edge("f", "a");
    assert_eq!(loops(&graph), [vec!["a", "b", "c"], vec!["d", "e"]]);
}

/// What one file's code (tests left out) refers to.
#[derive(Debug, Default)]
struct Read {
    /// The first segment of every `crate::` path, each once, sorted.
    modules: BTreeSet<String>,
    /// Modules declared `#[cfg(test)] mod x;`: their files hold only tests.
    test_modules: Vec<String>,
}

/// The import graph between the top-level modules of the crate whose source is `src`.
fn graph_of(src: &Path) -> Graph {
    let mut files = Vec::new();
    rust_files(src, &mut files);
    files.sort();
    let read: Vec<(PathBuf, Read)> = files
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let read = read_source(&text);
            (path, read)
        })
        .collect();
    // Files of a test-only module (`docx/tests.rs`), and all under its folder.
    let mut test_only: Vec<PathBuf> = Vec::new();
    for (path, r) in &read {
        let dir = match path.file_name().and_then(|n| n.to_str()) {
            Some("mod.rs" | "lib.rs" | "main.rs") => path.parent().expect("in src").to_path_buf(),
            _ => path.with_extension(""),
        };
        for m in &r.test_modules {
            test_only.push(dir.join(format!("{m}.rs")));
            test_only.push(dir.join(m));
        }
    }
    let mut graph = Graph::new();
    let module_of = |path: &Path| -> Option<String> {
        let first = path.strip_prefix(src).ok()?.components().next()?;
        let name = first.as_os_str().to_str()?;
        let name = name.strip_suffix(".rs").unwrap_or(name);
        (name != "lib" && name != "main").then(|| name.to_owned())
    };
    for (path, _) in &read {
        if let Some(m) = module_of(path) {
            graph.entry(m).or_default();
        }
    }
    let known: BTreeSet<String> = graph.keys().cloned().collect();
    for (path, r) in &read {
        if test_only.iter().any(|t| path.starts_with(t)) {
            continue;
        }
        let Some(from) = module_of(path) else {
            continue;
        };
        let shown = format!("src/{}", path.strip_prefix(src).expect("in src").display());
        for to in r
            .modules
            .iter()
            .filter(|to| **to != from && known.contains(*to))
        {
            graph
                .get_mut(&from)
                .expect("every module is a node")
                .entry(to.clone())
                .or_default()
                .insert(shown.clone());
        }
    }
    graph
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    for entry in entries {
        let path = entry.expect("a folder entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The modules one file's code names through `crate::`, outside comments, literals and
/// `#[cfg(test)]` items.
fn read_source(text: &str) -> Read {
    let mut code = blank_comments_and_literals(text);
    let test_modules = blank_test_items(&mut code);
    let code = String::from_utf8(code).expect("only ASCII was written over");
    let mut modules = BTreeSet::new();
    let bytes = code.as_bytes();
    let mut from = 0;
    while let Some(found) = code[from..].find("crate::") {
        let at = from + found;
        from = at + "crate::".len();
        if at > 0 && is_ident(bytes[at - 1]) {
            continue; // `my_crate::`
        }
        let rest = code[from..].trim_start();
        if let Some(group) = rest.strip_prefix('{') {
            let group = &group[..closing(group)];
            for part in split_top_level(group) {
                let first = leading_ident(part.trim());
                if !first.is_empty() && first != "self" {
                    modules.insert(first.to_owned());
                }
            }
        } else {
            let first = leading_ident(rest);
            if !first.is_empty() {
                modules.insert(first.to_owned());
            }
        }
    }
    Read {
        modules,
        test_modules,
    }
}

fn is_ident(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

fn leading_ident(s: &str) -> &str {
    let end = s.bytes().position(|b| !is_ident(b)).unwrap_or(s.len());
    &s[..end]
}

/// The length of the text up to the `}` closing a `{` just before it (all of it if unclosed).
fn closing(s: &str) -> usize {
    let mut depth = 0usize;
    for (i, b) in s.bytes().enumerate() {
        match b {
            b'{' => depth += 1,
            b'}' if depth == 0 => return i,
            b'}' => depth -= 1,
            _ => {}
        }
    }
    s.len()
}

/// The items of a `use` group, split at the commas not inside a nested group.
fn split_top_level(group: &str) -> Vec<&str> {
    let (mut parts, mut depth, mut start) = (Vec::new(), 0usize, 0);
    for (i, b) in group.bytes().enumerate() {
        match b {
            b'{' => depth += 1,
            b'}' => depth = depth.saturating_sub(1),
            b',' if depth == 0 => {
                parts.push(&group[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&group[start..]);
    parts
}

/// The source with every comment and the inside of every string and character literal written
/// over with spaces (line breaks kept), so that braces and `crate::` found after are code.
fn blank_comments_and_literals(text: &str) -> Vec<u8> {
    let src = text.as_bytes();
    let mut out = src.to_vec();
    let blank = |out: &mut Vec<u8>, from: usize, to: usize| {
        for b in &mut out[from..to.min(src.len())] {
            if *b != b'\n' {
                *b = b' ';
            }
        }
    };
    let mut i = 0;
    while i < src.len() {
        let prev_is_ident = i > 0 && is_ident(src[i - 1]);
        match src[i] {
            b'/' if src.get(i + 1) == Some(&b'/') => {
                let end = src[i..]
                    .iter()
                    .position(|&b| b == b'\n')
                    .map_or(src.len(), |p| i + p);
                blank(&mut out, i, end);
                i = end;
            }
            b'/' if src.get(i + 1) == Some(&b'*') => {
                let (mut depth, mut j) = (0usize, i);
                while j < src.len() {
                    if src[j..].starts_with(b"/*") {
                        depth += 1;
                        j += 2;
                    } else if src[j..].starts_with(b"*/") {
                        depth -= 1;
                        j += 2;
                        if depth == 0 {
                            break;
                        }
                    } else {
                        j += 1;
                    }
                }
                blank(&mut out, i, j);
                i = j;
            }
            b'r' if !prev_is_ident || (i == 1 || !is_ident(src[i - 2])) && src[i - 1] == b'b' => {
                let hashes = src[i + 1..].iter().take_while(|&&b| b == b'#').count();
                if src.get(i + 1 + hashes) != Some(&b'"') {
                    i += 1;
                    continue;
                }
                let body = i + 2 + hashes;
                let mut close = Vec::from(&b"\""[..]);
                close.extend(std::iter::repeat_n(b'#', hashes));
                let end = src[body..]
                    .windows(close.len())
                    .position(|w| w == close.as_slice())
                    .map_or(src.len(), |p| body + p);
                blank(&mut out, body, end);
                i = end + close.len();
            }
            b'"' => {
                let mut j = i + 1;
                while j < src.len() && src[j] != b'"' {
                    j += if src[j] == b'\\' { 2 } else { 1 };
                }
                blank(&mut out, i + 1, j);
                i = j + 1;
            }
            b'\'' => {
                // A character literal ('x', '\n', '\u{7f}') or a lifetime ('a, 'static).
                let end = if src.get(i + 1) == Some(&b'\\') {
                    // The escaped character itself may be a quote ('\'').
                    let after = (i + 3).min(src.len());
                    src[after..]
                        .iter()
                        .position(|&b| b == b'\'')
                        .map(|p| after + p)
                } else {
                    let c = text[i + 1..].chars().next().map_or(0, char::len_utf8);
                    (src.get(i + 1 + c) == Some(&b'\'')).then_some(i + 1 + c)
                };
                match end {
                    Some(end) => {
                        blank(&mut out, i + 1, end);
                        i = end + 1;
                    }
                    None => i += 1,
                }
            }
            _ => i += 1,
        }
    }
    out
}

/// Writes over every item under `#[cfg(test)]` (a `mod tests { … }`, a function, a `use`), and
/// returns the modules so declared in files of their own (`#[cfg(test)] mod tests;`).
fn blank_test_items(code: &mut [u8]) -> Vec<String> {
    const ATTRIBUTE: &[u8] = b"#[cfg(test)]";
    let mut test_modules = Vec::new();
    let mut from = 0;
    while let Some(found) = code[from..]
        .windows(ATTRIBUTE.len())
        .position(|w| w == ATTRIBUTE)
    {
        let start = from + found;
        let mut i = start + ATTRIBUTE.len();
        // Further attributes of the same item.
        loop {
            while i < code.len() && code[i].is_ascii_whitespace() {
                i += 1;
            }
            if code[i..].starts_with(b"#[") {
                i += 2 + closing_bracket(&code[i + 2..]);
            } else {
                break;
            }
        }
        let item_start = i;
        // The item ends at its first `;` or at the `}` of its first `{`, outside brackets.
        let mut nesting = 0usize;
        let end = loop {
            match code.get(i) {
                None => break code.len(),
                Some(b'(' | b'[') => nesting += 1,
                Some(b')' | b']') => nesting = nesting.saturating_sub(1),
                Some(b';') if nesting == 0 => break i + 1,
                Some(b'{') if nesting == 0 => {
                    let body = std::str::from_utf8(&code[i + 1..]).expect("ASCII around braces");
                    break i + 1 + closing(body) + 1;
                }
                _ => {}
            }
            i += 1;
        };
        let end = end.min(code.len());
        let item = String::from_utf8_lossy(&code[item_start..end]).into_owned();
        let words: Vec<&str> = item
            .trim_end_matches(';')
            .split_whitespace()
            .filter(|w| *w != "pub" && !w.starts_with("pub("))
            .collect();
        if let ["mod", name] = words.as_slice()
            && item.trim_end().ends_with(';')
        {
            test_modules.push((*name).to_owned());
        }
        for b in &mut code[start..end] {
            if *b != b'\n' {
                *b = b' ';
            }
        }
        from = end;
    }
    test_modules
}

/// The length up to the `]` closing a `[` just before it.
fn closing_bracket(s: &[u8]) -> usize {
    let mut depth = 0usize;
    for (i, b) in s.iter().enumerate() {
        match b {
            b'[' => depth += 1,
            b']' if depth == 0 => return i + 1,
            b']' => depth -= 1,
            _ => {}
        }
    }
    s.len()
}

/// The groups of modules that import each other (the strongly connected components of more than
/// one module, by Tarjan's algorithm), each sorted, in order of their first module.
fn loops(graph: &Graph) -> Vec<Vec<String>> {
    struct Walk<'g> {
        graph: &'g Graph,
        index: BTreeMap<&'g str, usize>,
        low: BTreeMap<&'g str, usize>,
        stack: Vec<&'g str>,
        on_stack: BTreeSet<&'g str>,
        found: Vec<Vec<String>>,
    }
    impl<'g> Walk<'g> {
        fn visit(&mut self, v: &'g str) {
            let n = self.index.len();
            self.index.insert(v, n);
            self.low.insert(v, n);
            self.stack.push(v);
            self.on_stack.insert(v);
            for w in self.graph[v].keys() {
                let w = w.as_str();
                if !self.index.contains_key(w) {
                    self.visit(w);
                    let low = self.low[v].min(self.low[w]);
                    self.low.insert(v, low);
                } else if self.on_stack.contains(w) {
                    let low = self.low[v].min(self.index[w]);
                    self.low.insert(v, low);
                }
            }
            if self.low[v] == self.index[v] {
                let mut members = Vec::new();
                loop {
                    let w = self.stack.pop().expect("v is on the stack");
                    self.on_stack.remove(w);
                    members.push(w.to_owned());
                    if w == v {
                        break;
                    }
                }
                if members.len() > 1 {
                    members.sort();
                    self.found.push(members);
                }
            }
        }
    }
    let mut walk = Walk {
        graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        found: Vec::new(),
    };
    for v in graph.keys() {
        if !walk.index.contains_key(v.as_str()) {
            walk.visit(v);
        }
    }
    walk.found.sort();
    walk.found
}
