//! Reading the preview page as a test sees it: the figures panel, a figure's printed text, and a
//! change to the facts that changes what the page shows.

use super::Project;

/// One row of the page's figures panel.
#[derive(Debug, Clone)]
pub struct Figure {
    pub id: String,
    pub kind: String,
    pub value: String,
    pub status: String,
    pub sources: Vec<String>,
}

/// The figures listed in the page's panel.
pub fn figures(page: &str) -> Vec<Figure> {
    page.split("<tr class=\"st-")
        .skip(1)
        .map(|row| {
            let row = &row[..row.find('>').unwrap()];
            let attr = |name: &str| {
                let start = row.find(&format!(" data-{name}=\"")).unwrap() + name.len() + 8;
                unescape(&row[start..start + row[start..].find('"').unwrap()])
            };
            Figure {
                id: attr("figure"),
                kind: attr("kind"),
                value: attr("value"),
                status: attr("status"),
                sources: attr("sources").lines().map(str::to_owned).collect(),
            }
        })
        .collect()
}

/// HTML text or an attribute's value as written, its character references resolved.
pub fn unescape(s: &str) -> String {
    s.replace("&#10;", "\n")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// A change to one fact that changes what the page shows: a `count` figure read from one fact is
/// lowered by one (raised from 0 or 1), found through the `file:line:column` the panel gives for
/// it. Works with whatever sample the project has. Returns (figure id, new facts text, new value).
pub fn change_one_count(project: &Project, page: &str) -> (String, String, String) {
    let fig = figures(page)
        .into_iter()
        .find(|f| {
            f.kind == "count"
                && f.status == "ok"
                && f.sources.len() == 1
                && f.value.parse::<u64>().is_ok()
        })
        .expect("the sample has a filled count figure read from one fact");
    let (_, line, column) = split_location(&fig.sources[0]);
    let text = project.read_facts();
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    let l = &mut lines[line - 1];
    let chars: Vec<char> = l.chars().collect();
    let start = (column - 1..chars.len())
        .find(|&i| chars[i].is_ascii_digit())
        .expect("a number at the source");
    let end = (start..chars.len())
        .find(|&i| !chars[i].is_ascii_digit())
        .unwrap_or(chars.len());
    let old: u64 = chars[start..end]
        .iter()
        .collect::<String>()
        .parse()
        .unwrap();
    assert_eq!(
        old.to_string(),
        fig.value,
        "the panel's source points at the figure's fact"
    );
    let new = if old > 1 { old - 1 } else { old + 1 };
    *l = format!(
        "{}{}{}",
        chars[..start].iter().collect::<String>(),
        new,
        chars[end..].iter().collect::<String>()
    );
    let mut changed = lines.join("\n");
    changed.push('\n');
    (fig.id, changed, new.to_string())
}

fn split_location(s: &str) -> (String, usize, usize) {
    let mut parts = s.rsplitn(3, ':');
    let column = parts.next().unwrap().parse().unwrap();
    let line = parts.next().unwrap().parse().unwrap();
    (parts.next().unwrap().to_owned(), line, column)
}

/// The printed text of the first occurrence of a figure in the speech.
pub fn figure_text(page: &str, id: &str) -> Option<String> {
    let article = &page[page.find("<article")?..];
    let at = article.find(&format!("data-figure=\"{id}\""))?;
    let rest = &article[at..];
    let mut rest = &rest[rest.find('>')? + 1..];
    // Its text up to its own closing tag, through the spans inside it (a mark that shares a
    // blank half with the next is in a `<span class="pair">` of its own).
    let (mut text, mut depth) = (String::new(), 0usize);
    loop {
        let tag = rest.find('<')?;
        text.push_str(&rest[..tag]);
        rest = &rest[tag..];
        let end = rest.find('>')? + 1;
        if rest.starts_with("</span") {
            if depth == 0 {
                return Some(text);
            }
            depth -= 1;
        } else if rest.starts_with("<span") {
            depth += 1;
        }
        rest = &rest[end..];
    }
}
