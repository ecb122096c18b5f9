//! Helpers shared by the preview server's tests and benchmark: a project folder in a temp dir, a
//! raw HTTP client, and reading the figures panel of the page.
#![allow(dead_code)] // each test file uses a different part

pub mod browser;
// Test binaries that use both support modules load this file twice; it holds one function.
#[allow(clippy::duplicate_mod)]
#[path = "../common/fs.rs"]
mod fs;

use fs::copy_dir;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use speechgen::format::Renderers;
use speechgen::serve::{self, ServeOptions, Server};

/// A speech project in a temp folder: a copy of the repository's own sample (`facts/`,
/// `templates/`), so the tests exercise the real pipeline.
pub struct Project {
    pub dir: tempfile::TempDir,
    pub facts: PathBuf,
}

impl Project {
    pub fn new() -> Project {
        let source = Path::new(env!("CARGO_MANIFEST_DIR"));
        let dir = tempfile::tempdir().unwrap();
        for sub in ["facts", "templates"] {
            copy_dir(&source.join(sub), &dir.path().join(sub));
        }
        let facts = latest_facts(&dir.path().join("facts")).expect("the sample has a facts file");
        Project { dir, facts }
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn read_facts(&self) -> String {
        std::fs::read_to_string(&self.facts).unwrap()
    }

    /// Saves the facts file the way editors do: a new file renamed over the old one.
    pub fn save_facts(&self, text: &str) {
        let tmp = self.facts.with_extension("yaml.tmp-save");
        std::fs::write(&tmp, text).unwrap();
        std::fs::rename(&tmp, &self.facts).unwrap();
    }

    pub fn start(&self) -> Server {
        let fake_pdf = Renderers::with_pdf_engine(|_doc| Ok(b"%PDF-1.7 fake".to_vec()));
        let mut opts = ServeOptions::new(self.root(), &self.facts, fake_pdf);
        opts.port = 0;
        serve::start(opts).expect("the server starts")
    }
}

fn latest_facts(dir: &Path) -> Option<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    files.pop()
}

pub struct Response {
    pub status: u16,
    pub head: String,
    pub body: Vec<u8>,
}

impl Response {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn header(&self, name: &str) -> Option<String> {
        self.head.lines().skip(1).find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case(name).then(|| v.trim().to_owned())
        })
    }
}

/// Sends raw bytes and reads the answer until the server closes. `None` when the server closed
/// without answering.
pub fn raw(addr: SocketAddr, request: &[u8]) -> Option<Response> {
    let mut s = TcpStream::connect_timeout(&addr, Duration::from_secs(5)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    s.set_write_timeout(Some(Duration::from_secs(5))).unwrap();
    // The server may answer and close before reading everything we send: ignore write errors.
    let _ = s.write_all(request);
    let mut buf = Vec::new();
    let mut chunk = [0u8; 16 * 1024];
    // Read to the end, or to Content-Length: not every server closes when asked (chromium's
    // DevTools endpoint keeps the connection open).
    loop {
        match s.read(&mut chunk) {
            Ok(0) | Err(_) => break,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
        if let Some(split) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..split]).to_ascii_lowercase();
            let length = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse::<usize>().ok());
            if length.is_some_and(|n| buf.len() >= split + 4 + n) {
                break;
            }
        }
    }
    let split = buf.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = String::from_utf8_lossy(&buf[..split]).into_owned();
    let status = head.split(' ').nth(1)?.parse().ok()?;
    let mut body = buf[split + 4..].to_vec();
    if head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        body = dechunk(&body);
    }
    Some(Response { status, head, body })
}

fn dechunk(mut b: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(eol) = b.windows(2).position(|w| w == b"\r\n") {
        let size =
            usize::from_str_radix(std::str::from_utf8(&b[..eol]).unwrap().trim(), 16).unwrap_or(0);
        if size == 0 {
            break;
        }
        out.extend_from_slice(&b[eol + 2..eol + 2 + size]);
        b = &b[eol + 2 + size + 2..];
    }
    out
}

/// The preview page as the server would show it, without a server: for the benchmark's setup.
pub fn get_page_for_bench(project: &Project) -> String {
    let req = speechgen::pipeline::RenderRequest {
        root: project.root().to_path_buf(),
        facts: project.facts.clone(),
        draft: true,
        mask: false,
    };
    serve::rerender(&req).view.html
}

pub fn get(addr: SocketAddr, path: &str) -> Response {
    let req = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    raw(addr, req.as_bytes()).expect("the server answers")
}

/// Polls `check` until it returns Some or the deadline passes.
pub fn wait_for<T>(what: &str, timeout: Duration, mut check: impl FnMut() -> Option<T>) -> T {
    let start = Instant::now();
    loop {
        if let Some(t) = check() {
            return t;
        }
        assert!(
            start.elapsed() < timeout,
            "timed out after {timeout:?} waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

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

fn unescape(s: &str) -> String {
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
    let open = rest.find('>')? + 1;
    let close = rest[open..].find('<')?;
    Some(rest[open..open + close].to_owned())
}
