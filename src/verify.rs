//! `speechgen verify FILE [FACTS]`: was FILE (a speech or sheet speechgen wrote) rendered from the
//! inputs as they are now, and does it still say what they say? Reads the digest FILE carries
//! back (`digest::Digest::find_in`), digests the current inputs the same way and names every one
//! that differs (a fact by its path, old → new); then renders the speech again in memory and
//! compares the text FILE carries with it (the Markdown's and the page's lines, the Word file's
//! paragraphs, the PDF's extracted text, the OFD's text codes), the digest left out, and names the first place that
//! differs.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::digest::{Change, Digest, Face};
use crate::document::{CIRCULATION_LINE, DRAFT_MARK, Document, SAMPLE_MARK};
use crate::error::Error;
use crate::pipeline::{self, RenderKind, RenderRequest, Rendered};
use crate::project::Project;
use crate::report::shown_path;

/// What `verify` found.
#[derive(Debug, Clone)]
pub struct Verdict {
    /// The file verified, as given.
    pub file: PathBuf,
    /// The facts file compared with: the one given, else the one FILE was rendered from.
    pub facts: PathBuf,
    /// The digest FILE carries.
    pub then: Digest,
    /// The digest of the current inputs; None when the facts file FILE was rendered from is gone.
    pub now: Option<Digest>,
    /// Every input that differs; empty when FILE is current.
    pub changes: Vec<Change>,
    /// FILE's year and the year of the facts asked for, when they differ.
    pub years: Option<(i64, i64)>,
    /// What comparing FILE's text with the speech rendered again found.
    pub content: Content,
    /// The faces FILE (a PDF) was set in, each beside the one this machine would use when they
    /// differ: said, never a reason to call FILE stale.
    pub faces: Vec<String>,
}

/// The comparison of the text FILE carries with the speech rendered again from the inputs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Content {
    /// The same text.
    Same,
    /// The first place that differs, in words.
    Differs(String),
    /// Not compared, and why (None: nothing to say, e.g. the sheet).
    NotCompared(Option<String>),
}

impl Verdict {
    pub fn is_current(&self) -> bool {
        self.now.as_ref().is_some_and(|now| {
            self.changes.is_empty()
                && now.sha256 == self.then.sha256
                && self.years.is_none()
                && !matches!(self.content, Content::Differs(_))
        })
    }

    /// Ok when FILE is current, else [`Error::Stale`] (exit 1).
    pub fn into_result(self) -> Result<(), Error> {
        if self.is_current() {
            Ok(())
        } else {
            Err(Error::Stale {
                file: self.file,
                facts: self.facts,
            })
        }
    }
}

/// Reads FILE's digest and compares it with the current inputs of `facts` (default: the facts file
/// FILE was rendered from), then FILE's text with the speech rendered again. Fails when FILE
/// cannot be read or carries no digest (exit 2).
pub fn verify(project: &Project, file: &Path, facts: Option<&Path>) -> Result<Verdict, Error> {
    let bytes = crate::input::read(file, crate::input::OUTPUT_LIMIT)
        .map_err(|e| Error::io(file, "无法读取", &e))?;
    let then = Digest::find_in(&bytes).map_err(|why| Error::NoDigest {
        path: file.to_path_buf(),
        why,
    })?;
    let recorded = then.facts_path().unwrap_or_default().to_owned();
    let facts = match facts {
        Some(facts) => facts.to_path_buf(),
        None => {
            let path = project.root.join(&recorded);
            if !path.is_file() {
                return Ok(Verdict {
                    file: file.to_path_buf(),
                    facts: path,
                    changes: vec![Change::Removed(recorded)],
                    then,
                    now: None,
                    years: None,
                    content: Content::NotCompared(None),
                    faces: Vec::new(),
                });
            }
            path
        }
    };
    // The year's own wording when it has one, found as `check` finds it.
    let year = crate::facts::Facts::load(&facts)
        .ok()
        .map(|f| f.year)
        .or_else(|| pipeline::year_of(&facts));
    let then_year = pipeline::year_of(Path::new(&recorded));
    let years = match (then_year, year) {
        (Some(t), Some(n)) if t != n => Some((t, n)),
        _ => None,
    };
    // An input that is gone is a change (Removed), not a failure to read.
    let now = pipeline::current_digest(&project.root, &facts, year)
        .map_err(|(path, e)| Error::io(path, "无法读取", &e))?;
    let changes = then.changes(&now);
    // The text is compared when the inputs are the same: otherwise the changes say why it
    // differs.
    let content = if changes.is_empty() && years.is_none() && then.sha256 == now.sha256 {
        compare_content(project, &facts, &then, &bytes)
    } else {
        Content::NotCompared(None)
    };
    let faces = if bytes.starts_with(b"%PDF") || crate::ofd::read::is_ofd(&bytes) {
        faces_here(&then.faces)
    } else {
        Vec::new()
    };
    Ok(Verdict {
        file: file.to_path_buf(),
        facts,
        changes,
        then,
        now: Some(now),
        years,
        content,
        faces,
    })
}

/// The copy the digest says FILE is, None for the sheet.
fn kind_of(then: &Digest) -> Option<RenderKind> {
    [RenderKind::Final, RenderKind::Draft, RenderKind::Masked]
        .into_iter()
        .find(|k| then.copy.as_deref() == Some(k.stem()))
}

fn compare_content(project: &Project, facts: &Path, then: &Digest, bytes: &[u8]) -> Content {
    let Some(kind) = kind_of(then) else {
        return Content::NotCompared(None);
    };
    let req = RenderRequest {
        root: project.root.clone(),
        facts: facts.to_path_buf(),
        kind,
    };
    let rendered = match pipeline::render(&req) {
        Ok(r) => r,
        Err(_) => {
            return Content::NotCompared(Some(
                "现在的输入无法生成讲话稿（请运行 speechgen check），未比较文字".into(),
            ));
        }
    };
    let found = if bytes.starts_with(b"%PDF") {
        compare_pdf(&rendered.document, bytes)
    } else if crate::ofd::read::is_ofd(bytes) {
        compare_ofd(&rendered.document, bytes)
    } else if bytes.starts_with(b"PK\x03\x04") {
        compare_docx(&rendered, bytes)
    } else {
        let text = String::from_utf8_lossy(bytes);
        if text.contains(&format!("<meta name=\"{}\"", crate::digest::KEY)) {
            compare_lines(&without_meta(&text), &without_meta(&rendered.html_page))
        } else {
            compare_lines(
                &without_comment(&text),
                &without_comment(&rendered.markdown),
            )
        }
    };
    match found {
        Ok(None) => Content::Same,
        Ok(Some(place)) => Content::Differs(place),
        Err(why) => Content::NotCompared(Some(why)),
    }
}

/// The Markdown without its digest comment.
fn without_comment(text: &str) -> String {
    let key = format!("\n<!-- {}: ", crate::digest::KEY);
    match text.rfind(&key) {
        Some(i) => text[..i].to_owned(),
        None => text.to_owned(),
    }
}

/// The page without its digest meta tag.
fn without_meta(text: &str) -> String {
    let key = format!("<meta name=\"{}\"", crate::digest::KEY);
    match text.find(&key) {
        Some(i) => match text[i..].find('>') {
            Some(end) => format!("{}{}", &text[..i], &text[i + end + 1..]),
            None => text[..i].to_owned(),
        },
        None => text.to_owned(),
    }
}

/// The first line that differs: `第 3 行：文件中为“…”，按当前输入应为“…”`.
fn compare_lines(file: &str, now: &str) -> Result<Option<String>, String> {
    let (a, b): (Vec<&str>, Vec<&str>) = (file.lines().collect(), now.lines().collect());
    Ok(first_difference(&a, &b).map(|(i, x, y)| format!("第 {} 行：{}", i + 1, contrast(x, y))))
}

/// The first item that differs, its index and both sides (None: not there).
fn first_difference<'a, T: AsRef<str>>(
    a: &'a [T],
    b: &'a [T],
) -> Option<(usize, Option<&'a str>, Option<&'a str>)> {
    (0..a.len().max(b.len()))
        .map(|i| (i, a.get(i).map(T::as_ref), b.get(i).map(T::as_ref)))
        .find(|(_, x, y)| x != y)
}

/// `文件中为“…有效推动37人…”，按当前输入应为“…有效推动38人…”`: each side around the first
/// character that differs.
fn contrast(file: Option<&str>, now: Option<&str>) -> String {
    let (x, y): (Vec<char>, Vec<char>) = (
        file.unwrap_or_default().chars().collect(),
        now.unwrap_or_default().chars().collect(),
    );
    let at = x.iter().zip(&y).take_while(|(a, b)| a == b).count();
    let around = |cs: &[char], there: bool| -> String {
        if !there {
            return "（无）".into();
        }
        let from = at.saturating_sub(12);
        let to = (at + 12).min(cs.len());
        format!(
            "“{}{}{}”",
            if from > 0 { "…" } else { "" },
            cs[from.min(to)..to].iter().collect::<String>(),
            if to < cs.len() { "…" } else { "" }
        )
    };
    format!(
        "文件中为{}，按当前输入应为{}",
        around(&x, file.is_some()),
        around(&y, now.is_some())
    )
}

/// The paragraphs of a Word file's `word/document.xml`, each the text of its runs (how Word
/// splits the runs when it saves does not matter), without the joiners the writer puts between
/// a number and its unit (no part of the wording: an office that drops them changes nothing).
fn docx_paragraphs(bytes: &[u8]) -> Result<Vec<String>, String> {
    use std::io::Read;
    const CAP: u64 = 64 << 20;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|e| format!("Word 文件无法读取（{e}）"))?;
    let mut xml = String::new();
    zip.by_name("word/document.xml")
        .map_err(|_| "Word 文件中缺少 word/document.xml".to_owned())?
        .take(CAP)
        .read_to_string(&mut xml)
        .map_err(|e| format!("Word 文件无法读取（{e}）"))?;
    let doc = roxmltree::Document::parse(&xml).map_err(|e| format!("Word 文件无法读取（{e}）"))?;
    const W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
    Ok(doc
        .descendants()
        .filter(|n| n.has_tag_name((W, "p")))
        .map(|p| {
            p.descendants()
                .filter(|n| n.has_tag_name((W, "t")))
                .filter_map(|t| t.text())
                .flat_map(crate::docx::wording_of)
                .collect::<String>()
        })
        .filter(|p| !p.is_empty())
        .collect())
}

fn compare_docx(rendered: &Rendered, bytes: &[u8]) -> Result<Option<String>, String> {
    let renderers = crate::format::Renderers::new(crate::pdf::PdfOptions::default());
    let fresh = crate::format::Format::Docx
        .render(rendered, &renderers)
        .map_err(|e| e.to_string())?;
    let (a, b) = (docx_paragraphs(bytes)?, docx_paragraphs(&fresh)?);
    Ok(first_difference(&a, &b).map(|(i, x, y)| format!("第 {} 段：{}", i + 1, contrast(x, y))))
}

/// The speech's text as the PDF prints it, without spaces: the title and every block.
fn document_chars(doc: &Document) -> Vec<char> {
    std::iter::once(doc.title.clone())
        .chain(doc.blocks.iter().map(|b| b.plain_text()))
        .flat_map(|t| t.chars().collect::<Vec<_>>())
        .filter(|c| !c.is_whitespace())
        .collect()
}

/// `text` without what the pages carry beside the speech: the page numbers (— 3 —), the digest
/// stamp (摘要 0123456789ab), the circulation, draft and sample marks.
fn without_decorations(text: &str) -> String {
    let mut s: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    for mark in [CIRCULATION_LINE, SAMPLE_MARK, DRAFT_MARK] {
        let mark: String = mark.chars().filter(|c| !c.is_whitespace()).collect();
        s = s.replace(&mark, "");
    }
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < chars.len() {
        // — 12 —
        if chars[i] == '—' {
            let digits = chars[i + 1..]
                .iter()
                .take_while(|c| c.is_ascii_digit())
                .count();
            if digits > 0 && chars.get(i + 1 + digits) == Some(&'—') {
                i += digits + 2;
                continue;
            }
        }
        // 摘要 + 12 hex digits
        if chars[i] == '摘' && chars.get(i + 1) == Some(&'要') {
            let hex = chars[i + 2..]
                .iter()
                .take(12)
                .filter(|c| c.is_ascii_hexdigit())
                .count();
            if hex == 12 {
                i += 14;
                continue;
            }
        }
        out.push(chars[i]);
        i += 1;
    }
    out
}

/// Compares the PDF's text, as lopdf extracts it page by page, with the speech's.
fn compare_pdf(doc: &Document, bytes: &[u8]) -> Result<Option<String>, String> {
    const LIMIT: usize = 64 << 20;
    let pdf = lopdf::Document::load_mem(bytes).map_err(|e| format!("PDF 无法读取（{e}）"))?;
    let mut pages: Vec<(u32, String)> = Vec::new();
    for number in pdf.get_pages().keys() {
        let text = pdf
            .extract_text_with_limit(&[*number], LIMIT)
            .map_err(|e| format!("PDF 第 {number} 页的文字无法提取（{e}）"))?;
        pages.push((*number, text));
    }
    compare_pages(doc, &pages)
}

/// Compares the OFD's text, its pages' `TextCode`s in order, with the speech's.
fn compare_ofd(doc: &Document, bytes: &[u8]) -> Result<Option<String>, String> {
    let pages = crate::ofd::read::page_texts(bytes)?;
    let numbered: Vec<(u32, String)> = (1u32..).zip(pages).collect();
    compare_pages(doc, &numbered)
}

/// Compares the text of the pages (each with its number) with the speech's, what the pages
/// carry around it left out: the first place that differs, with its page.
fn compare_pages(doc: &Document, pages: &[(u32, String)]) -> Result<Option<String>, String> {
    let mut printed: Vec<(u32, char)> = Vec::new();
    for (number, text) in pages {
        printed.extend(without_decorations(text).chars().map(|c| (*number, c)));
    }
    let expected: String = document_chars(doc).into_iter().collect();
    let got: String = printed.iter().map(|(_, c)| *c).collect();
    if got == expected {
        return Ok(None);
    }
    let at = got
        .chars()
        .zip(expected.chars())
        .take_while(|(a, b)| a == b)
        .count();
    let page = printed
        .get(at)
        .or(printed.last())
        .map_or(1, |(page, _)| *page);
    Ok(Some(format!(
        "第 {page} 页：{}",
        contrast(Some(&got), Some(&expected))
    )))
}

/// Each face FILE was set in that differs from the face this machine would set that role in,
/// in words. The faces are not in the combined digest: a print made on a machine with other
/// fonts is not stale for it.
fn faces_here(then: &[Face]) -> Vec<String> {
    if then.is_empty() {
        return Vec::new();
    }
    let here = crate::pdf::Typesetter::new(&crate::pdf::PdfOptions::default())
        .map(|t| t.face_records())
        .unwrap_or_default();
    then.iter()
        .filter_map(|f| {
            let now = here.iter().find(|h| h.role == f.role);
            match now {
                Some(h) if h.sha256 == f.sha256 => None,
                Some(h) => Some(format!(
                    "{}：生成时用 {}（SHA-256 {}），本机为 {}（SHA-256 {}）",
                    f.role,
                    f.family,
                    &f.sha256[..12],
                    h.family,
                    &h.sha256[..12]
                )),
                None => Some(format!(
                    "{}：生成时用 {}（SHA-256 {}），本机没有",
                    f.role,
                    f.family,
                    &f.sha256[..12]
                )),
            }
        })
        .collect()
}

impl fmt::Display for Verdict {
    /// `out/speech.pdf：与当前输入一致（摘要 …，facts/2021.yaml、…）`, or `已过期` and each change.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let file = shown_path(&self.file);
        if let Some((then, asked)) = self.years {
            writeln!(
                f,
                "{file}：年份不符：它是 {then} 年的讲话稿或核对表，要比较的事实文件是 {asked} 年的"
            )?;
        }
        match &self.now {
            Some(now) if self.is_current() => {
                let inputs: Vec<&str> = now.inputs.iter().map(|i| i.path.as_str()).collect();
                writeln!(
                    f,
                    "{file}：与当前输入一致（摘要 {}，{}）",
                    now.short(),
                    inputs.join("、")
                )?;
            }
            Some(now) if self.changes.is_empty() && now.sha256 == self.then.sha256 => {
                if let Content::Differs(place) = &self.content {
                    writeln!(
                        f,
                        "{file}：已过期：摘要与当前输入一致（摘要 {}），但文字与按当前输入重新生成的不同（文件生成后被改过）：",
                        now.short()
                    )?;
                    writeln!(f, "  {place}")?;
                } else {
                    writeln!(f, "{file}：已过期")?;
                }
            }
            Some(now) => {
                writeln!(
                    f,
                    "{file}：已过期（生成时摘要 {}，现在为 {}），变化的输入：",
                    self.then.short(),
                    now.short()
                )?;
                self.changes.iter().try_for_each(|c| writeln!(f, "  {c}"))?;
            }
            None => {
                writeln!(f, "{file}：已过期")?;
                self.changes.iter().try_for_each(|c| writeln!(f, "  {c}"))?;
            }
        }
        if self.then.is_masked() && self.now.is_some() {
            writeln!(
                f,
                "  这是传阅稿：它只记录总摘要，比较了它的文字；其中隐去的数字无法与当前的数字比较"
            )?;
        }
        if let Content::NotCompared(Some(why)) = &self.content {
            writeln!(f, "  {why}")?;
        }
        if !self.faces.is_empty() {
            writeln!(
                f,
                "  字体与本机不同（不影响是否过期，只影响在本机重新生成时的字形）："
            )?;
            self.faces.iter().try_for_each(|l| writeln!(f, "    {l}"))?;
        }
        Ok(())
    }
}
