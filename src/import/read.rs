//! Reading a delivered speech (.docx, .md or .txt) into the [`Document`] model: its title, part
//! headings, paragraphs and lead sentences, and, in a .docx, the figures its content controls
//! tag (`fig:<id>`), each as a figure inline holding the text the control holds now.

use std::io::Read as _;
use std::path::{Path, PathBuf};

use roxmltree::Node;

use crate::diagnostic::{Diagnostic, Location};
use crate::document::{Block, Document, Inline, InlineStyle};
use crate::error::Error;
use crate::wording::SENTENCE_ENDS;

const W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";

/// What kind of file the speech came in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// Word: figures known by their content controls' tags.
    Docx,
    /// Markdown as `speechgen render` writes it: figures known only by their printed values.
    Markdown,
    /// Plain text, a paragraph a line: figures known by their values, lead sentences guessed.
    Text,
}

/// A delivered speech, read.
#[derive(Debug, Clone)]
pub struct Delivered {
    pub path: PathBuf,
    pub source: Source,
    /// The speech. Only a .docx gives figure inlines: `figure` is the id its tag names.
    pub document: Document,
    /// How it was read, where that is worth knowing (tracked changes accepted, a table read as
    /// paragraphs, lead sentences guessed in a .txt).
    pub notes: Vec<String>,
}

impl Delivered {
    /// Whether any figure came tagged (a .docx written by speechgen, content controls kept).
    pub fn has_tags(&self) -> bool {
        self.document
            .blocks
            .iter()
            .flat_map(|b| b.inlines())
            .any(|i| i.figure.is_some())
    }
}

pub fn read(path: &Path) -> Result<Delivered, Error> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    let (source, (document, notes)) = match ext.as_str() {
        "docx" => (Source::Docx, read_docx(path)?),
        "md" | "markdown" => (Source::Markdown, read_markdown(path)?),
        "txt" | "text" => (Source::Text, read_text(path)?),
        _ => {
            return Err(Error::Io {
                path: path.to_path_buf(),
                message: "只能导入 .docx（Word）、.md 或 .txt 文件；WPS 的 .wps 与旧版 .doc 请先另存为 .docx"
                    .into(),
            });
        }
    };
    if document.blocks.is_empty() {
        return Err(Error::Io {
            path: path.to_path_buf(),
            message: "文件中没有正文".into(),
        });
    }
    Ok(Delivered {
        path: path.to_path_buf(),
        source,
        document,
        notes,
    })
}

fn utf8(path: &Path, bytes: Vec<u8>) -> Result<String, Error> {
    let text = String::from_utf8(bytes).map_err(|_| Error::Io {
        path: path.to_path_buf(),
        message: "文件不是 UTF-8 编码：请用记事本打开，“另存为”时编码选 UTF-8".into(),
    })?;
    Ok(without_program_marks(
        &text
            .strip_prefix('\u{feff}')
            .unwrap_or(&text)
            .replace("\r\n", "\n"),
    ))
}

/// The text without the lines speechgen itself adds to a Markdown or text copy (the sample mark,
/// the draft and circulation lines, the digest comment): they are marks of the copy, not wording.
fn without_program_marks(text: &str) -> String {
    use crate::document::{CIRCULATION_LINE, DRAFT_LINE, SAMPLE_MARK};
    let sample = format!("<!-- {SAMPLE_MARK} -->");
    text.lines()
        .filter(|line| {
            let l = line.trim();
            l != sample
                && l != SAMPLE_MARK
                && l != DRAFT_LINE
                && l != CIRCULATION_LINE
                && !(l.starts_with("<!-- speechgen-digest:") && l.ends_with("-->"))
        })
        .map(|l| format!("{l}\n"))
        .collect()
}

fn read_bytes(path: &Path) -> Result<Vec<u8>, Error> {
    crate::input::read(path, crate::input::TEXT_LIMIT).map_err(|e| Error::io(path, "无法读取", &e))
}

// ---------------------------------------------------------------------------------------------
// Markdown

fn read_markdown(path: &Path) -> Result<(Document, Vec<String>), Error> {
    let text = utf8(path, read_bytes(path)?)?;
    let document = crate::markdown::parse(&text, &[], false).map_err(|refused| {
        Error::Invalid(
            refused
                .iter()
                .map(|u| {
                    let line = text[..u.offset].matches('\n').count() + 1;
                    let line_start = text[..u.offset].rfind('\n').map_or(0, |i| i + 1);
                    let column = text[line_start..u.offset].chars().count() + 1;
                    Diagnostic::error(
                        "unsupported-markdown",
                        format!("讲话稿不支持{}", u.construct.name()),
                        Some(Location {
                            file: path.to_path_buf(),
                            line,
                            column,
                        }),
                    )
                    .with_source_line(text.lines().nth(line - 1).map(str::to_owned))
                    .with_hint(u.construct.hint())
                })
                .collect(),
        )
    })?;
    Ok((document, Vec::new()))
}

// ---------------------------------------------------------------------------------------------
// Plain text

/// A line that is a part heading: 一、… or （一）…, short, with no sentence end.
fn heading_level(line: &str) -> Option<u8> {
    let numeral = |c: char| "一二三四五六七八九十".contains(c);
    let short = line.chars().count() <= 40 && !line.ends_with(SENTENCE_ENDS);
    if !short {
        return None;
    }
    let head: String = line.chars().take_while(|c| numeral(*c)).collect();
    if !head.is_empty() && line[head.len()..].starts_with('、') {
        return Some(2);
    }
    let inner = line.strip_prefix('（').or_else(|| line.strip_prefix('('))?;
    let head: String = inner.chars().take_while(|c| numeral(*c)).collect();
    let rest = &inner[head.len()..];
    (!head.is_empty() && (rest.starts_with('）') || rest.starts_with(')'))).then_some(3)
}

/// The lead sentence a paragraph opens with, as speeches write them: a short first sentence
/// (at most 12 characters, no comma) with more text after it.
pub fn lead_sentence(paragraph: &str) -> Option<&str> {
    let end = paragraph.find('。')?;
    let lead = &paragraph[..end];
    let n = lead.chars().count();
    let plain = !lead.contains(['，', '、', '；', '：', '“', '《']);
    let more_after = paragraph.len() > end + '。'.len_utf8();
    let no_digits = !lead.chars().any(|c| c.is_ascii_digit());
    ((2..=12).contains(&n) && plain && more_after && no_digits).then_some(lead)
}

fn read_text(path: &Path) -> Result<(Document, Vec<String>), Error> {
    let text = utf8(path, read_bytes(path)?)?;
    let lines: Vec<&str> = text
        .lines()
        .map(|l| l.trim_matches(|c: char| c.is_whitespace()))
        .filter(|l| !l.is_empty())
        .collect();
    let mut document = Document::default();
    let mut leads = 0;
    for (i, line) in lines.iter().enumerate() {
        if i == 0 && !line.ends_with(SENTENCE_ENDS) && line.chars().count() <= 60 {
            document.title = (*line).to_owned();
            continue;
        }
        if let Some(level) = heading_level(line) {
            document.blocks.push(Block::Heading {
                level,
                inlines: vec![plain(line)],
            });
            continue;
        }
        let inlines = match lead_sentence(line) {
            Some(lead) => {
                leads += 1;
                vec![
                    Inline {
                        style: InlineStyle::Lead,
                        ..plain(lead)
                    },
                    plain(&line[lead.len()..]),
                ]
            }
            None => vec![plain(line)],
        };
        document.blocks.push(Block::Paragraph { inlines });
    }
    let mut notes = Vec::new();
    if leads > 0 {
        notes.push(format!(
            "纯文本没有加粗：{leads} 个段落开头的短句（不超过 12 字、以句号结束）按段首句（加粗）读入"
        ));
    }
    Ok((document, notes))
}

fn plain(text: &str) -> Inline {
    Inline {
        text: text.to_owned(),
        style: InlineStyle::Plain,
        figure: None,
        unfilled: false,
    }
}

// ---------------------------------------------------------------------------------------------
// Word

fn read_docx(path: &Path) -> Result<(Document, Vec<String>), Error> {
    let not_word = |what: String| Error::Io {
        path: path.to_path_buf(),
        message: format!("不是可读的 Word 文档（.docx）：{what}"),
    };
    let file = crate::input::open(path, crate::input::OUTPUT_LIMIT)
        .map_err(|e| Error::io(path, "无法读取", &e))?;
    let mut zip = zip::ZipArchive::new(file).map_err(|e| not_word(e.to_string()))?;
    let mut part = |name: &str| -> Result<Option<String>, Error> {
        let entry = match zip.by_name(name) {
            Ok(entry) => entry,
            Err(zip::result::ZipError::FileNotFound) => return Ok(None),
            Err(e) => return Err(not_word(format!("{name}：{e}"))),
        };
        let bytes = read_part(entry).map_err(|e| not_word(format!("{name}{e}")))?;
        xml_text(&bytes)
            .map(Some)
            .map_err(|e| not_word(format!("{name}{e}")))
    };
    let body =
        part("word/document.xml")?.ok_or_else(|| not_word("缺少 word/document.xml".into()))?;
    let styles = part("word/styles.xml").ok().flatten().unwrap_or_default();
    let styles = Styles::read(&styles);
    let xml = roxmltree::Document::parse(&body).map_err(|e| not_word(e.to_string()))?;
    let mut reader = DocxReader {
        styles: &styles,
        paragraphs: Vec::new(),
        tracked: false,
        table: false,
        subsections: 0,
        typed_headings: Vec::new(),
        typed_leads: 0,
    };
    reader.blocks(xml.root_element());
    let mut document = Document::default();
    for (role, inlines) in reader.paragraphs {
        let inlines = trimmed(inlines);
        // The circulation copy's line above the title marks the copy; it is not wording.
        let text: String = inlines.iter().map(|i| i.text.as_str()).collect();
        if inlines.is_empty() || text == crate::document::CIRCULATION_LINE {
            continue;
        }
        match role {
            Role::Title if document.title.is_empty() && document.blocks.is_empty() => {
                document.title = inlines.iter().map(|i| i.text.as_str()).collect()
            }
            Role::Heading(level) => document.blocks.push(Block::Heading { level, inlines }),
            _ => document.blocks.push(Block::Paragraph { inlines }),
        }
    }
    // A document without a Title style: its first paragraph is the title when it reads as one.
    if document.title.is_empty()
        && let Some(Block::Paragraph { inlines }) = document.blocks.first()
    {
        let text: String = inlines.iter().map(|i| i.text.as_str()).collect();
        if !text.ends_with(SENTENCE_ENDS)
            && text.chars().count() <= 60
            && inlines.iter().all(|i| i.figure.is_none())
        {
            document.title = text;
            document.blocks.remove(0);
        }
    }
    let mut notes = Vec::new();
    if reader.tracked {
        notes.push("文档中有修订（修订痕迹）：按接受全部修订后的文字读入".into());
    }
    if reader.table {
        notes.push("文档中有表格：表格中的文字按段落读入".into());
    }
    if !reader.typed_headings.is_empty() {
        notes.push(format!(
            "{} 行没有用标题样式，按它们的格式（加粗、黑体）或编号（一、（一））按标题读入：{}；其余 {} 段按正文读入",
            reader.typed_headings.len(),
            reader.typed_headings.join("；"),
            document
                .blocks
                .iter()
                .filter(|b| matches!(b, Block::Paragraph { .. }))
                .count()
        ));
    }
    if reader.typed_leads > 0 {
        notes.push(format!(
            "{} 处楷体或加粗的文字按段首句（加粗）读入",
            reader.typed_leads
        ));
    }
    if reader.subsections > 0 {
        notes.push(format!(
            "{} 个三级标题按正文段落读入（讲话稿只有一、二级标题）",
            reader.subsections
        ));
    }
    Ok((document, notes))
}

/// The most a part of a .docx may unpack to: a speech's document.xml is well under 10 MB.
const PART_CAP: u64 = 64 << 20;
/// The most a large part may unpack to per byte packed: Word's XML packs about 10:1, a file
/// made to fill the disk (a "zip bomb") hundreds or thousands to one.
const RATIO_CAP: u64 = 200;
/// Parts below this size are not held to the ratio (a short part of repeated tags packs well).
const RATIO_FROM: u64 = 1 << 20;

/// A part's bytes, read with a cap on its unpacked size and on its compression ratio (the
/// sizes in the package's directory are checked first, then what is actually unpacked); the
/// error says which, after the part's name.
fn read_part(entry: zip::read::ZipFile<'_, std::fs::File>) -> Result<Vec<u8>, String> {
    let packed = entry.compressed_size().max(1);
    let too_big = |size: u64| {
        format!(
            " 解压后超过 {} MB（压缩比超过 {}:1），不像是讲话稿，疑为构造出来撑满内存或磁盘的文件，未读取",
            (size.max(PART_CAP) >> 20),
            size / packed
        )
    };
    let over = |size: u64| size > PART_CAP || (size > RATIO_FROM && size / packed > RATIO_CAP);
    if over(entry.size()) {
        return Err(too_big(entry.size()));
    }
    let limit = PART_CAP.min((packed * RATIO_CAP).max(RATIO_FROM)) + 1;
    let mut bytes = Vec::new();
    entry
        .take(limit)
        .read_to_end(&mut bytes)
        .map_err(|e| format!(" 无法解压：{e}"))?;
    let size = bytes.len() as u64;
    if size >= limit {
        return Err(format!(
            " 解压后超过 {} MB 或压缩比超过 {RATIO_CAP}:1（目录中记的大小与实际不符），不像是讲话稿，疑为构造出来撑满内存或磁盘的文件，未读取",
            limit >> 20
        ));
    }
    Ok(bytes)
}

/// An XML part's text: UTF-8 (with or without its byte-order mark) or UTF-16 (by its mark), the
/// declaration then saying UTF-8 for the parser; any other encoding refused, saying so.
fn xml_text(bytes: &[u8]) -> Result<String, String> {
    let utf16 = |units: Vec<u16>| {
        String::from_utf16(&units).map_err(|_| " 标明是 UTF-16 编码，但其中有无效的字符".to_owned())
    };
    let text = match bytes {
        [0xFF, 0xFE, rest @ ..] => utf16(
            rest.chunks_exact(2)
                .map(|c| u16::from_le_bytes([c[0], c[1]]))
                .collect(),
        )?,
        [0xFE, 0xFF, rest @ ..] => utf16(
            rest.chunks_exact(2)
                .map(|c| u16::from_be_bytes([c[0], c[1]]))
                .collect(),
        )?,
        _ => {
            let bytes = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
            String::from_utf8(bytes.to_vec()).map_err(|_| {
                " 既不是 UTF-8 也不是（带字节顺序标记的）UTF-16 编码：请用 Word 或 WPS 打开后重新另存为 .docx"
                    .to_owned()
            })?
        }
    };
    // The declaration names the encoding just decoded; the text is UTF-8 now.
    if text.starts_with("<?xml")
        && let Some(end) = text.find("?>")
    {
        let declaration = text[..end]
            .replace("\"UTF-16\"", "\"UTF-8\"")
            .replace("\"utf-16\"", "\"UTF-8\"")
            .replace("'UTF-16'", "'UTF-8'");
        return Ok(format!("{declaration}{}", &text[end..]));
    }
    Ok(text)
}

/// Runs merged where style and figure agree, the paragraph's leading and trailing spaces
/// (offices indent with full-width spaces) dropped.
fn trimmed(inlines: Vec<Inline>) -> Vec<Inline> {
    let mut out: Vec<Inline> = Vec::new();
    for inline in inlines {
        if inline.text.is_empty() && inline.figure.is_none() {
            continue;
        }
        if let Some(last) = out.last_mut()
            && last.figure.is_none()
            && inline.figure.is_none()
            && last.style == inline.style
        {
            last.text.push_str(&inline.text);
            continue;
        }
        out.push(inline);
    }
    while let Some(first) = out.first_mut() {
        if first.figure.is_some() {
            break;
        }
        first.text = first.text.trim_start().to_owned();
        if !first.text.is_empty() {
            break;
        }
        out.remove(0);
    }
    while let Some(last) = out.last_mut() {
        if last.figure.is_some() {
            break;
        }
        last.text = last.text.trim_end().to_owned();
        if !last.text.is_empty() {
            break;
        }
        out.pop();
    }
    out
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Title,
    Heading(u8),
    Body,
}

/// What the styles of `word/styles.xml` are: by id, the style's name and outline level.
struct Styles {
    styles: Vec<(String, String, Option<u8>, Option<String>)>,
}

impl Styles {
    fn read(xml: &str) -> Styles {
        let Ok(doc) = roxmltree::Document::parse(xml) else {
            return Styles { styles: Vec::new() };
        };
        let styles = doc
            .descendants()
            .filter(|n| is(n, "style"))
            .filter_map(|s| {
                let id = s.attribute((W, "styleId"))?.to_owned();
                let name = child(s, "name")
                    .and_then(|n| n.attribute((W, "val")))
                    .unwrap_or("")
                    .to_owned();
                let outline = child(s, "pPr")
                    .and_then(|p| child(p, "outlineLvl"))
                    .and_then(|o| o.attribute((W, "val")))
                    .and_then(|v| v.parse().ok());
                let based_on = child(s, "basedOn")
                    .and_then(|b| b.attribute((W, "val")))
                    .map(str::to_owned);
                Some((id, name, outline, based_on))
            })
            .collect();
        Styles { styles }
    }

    fn find(&self, id: &str) -> Option<&(String, String, Option<u8>, Option<String>)> {
        self.styles.iter().find(|s| s.0 == id)
    }

    /// A paragraph style's role: by the names speechgen and Word give the styles, else by the
    /// outline level the style (or one it is based on) sets.
    fn role(&self, id: &str) -> Role {
        let name = self.find(id).map_or("", |s| s.1.as_str());
        let named = |names: &[&str]| {
            names
                .iter()
                .any(|n| n.eq_ignore_ascii_case(id) || n.eq_ignore_ascii_case(name))
        };
        if named(&["Title", "标题"]) {
            return Role::Title;
        }
        if named(&["PartHeading", "一级标题", "heading 1", "Heading1", "标题 1"]) {
            return Role::Heading(2);
        }
        if named(&[
            "SectionHeading",
            "二级标题",
            "heading 2",
            "Heading2",
            "标题 2",
        ]) {
            return Role::Heading(3);
        }
        if named(&[
            "SubsectionHeading",
            "三级标题",
            "heading 3",
            "Heading3",
            "标题 3",
        ]) {
            return Role::Heading(4);
        }
        let mut at = Some(id.to_owned());
        for _ in 0..8 {
            let Some(style) = at.as_deref().and_then(|i| self.find(i)) else {
                break;
            };
            if let Some(level) = style.2 {
                return Role::Heading(level.saturating_add(2));
            }
            at = style.3.clone();
        }
        Role::Body
    }

    /// A character style that marks a lead sentence.
    fn is_lead(&self, id: &str) -> bool {
        let name = self.find(id).map_or("", |s| s.1.as_str());
        ["LeadSentence", "LeadFigure", "段首句", "段首句数据项"]
            .iter()
            .any(|n| *n == id || *n == name)
    }
}

fn is(node: &Node, name: &str) -> bool {
    node.is_element() && node.tag_name().name() == name && node.tag_name().namespace() == Some(W)
}

fn child<'a, 'i>(node: Node<'a, 'i>, name: &str) -> Option<Node<'a, 'i>> {
    node.children().find(|c| is(c, name))
}

fn val<'a>(node: Node<'a, '_>, name: &str) -> Option<&'a str> {
    child(node, name).and_then(|n| n.attribute((W, "val")))
}

/// `<w:b/>`, `<w:b w:val="1"/>`: on; `w:val="0"` or `false`: off.
fn on(node: Node, name: &str) -> bool {
    child(node, name).is_some_and(|b| {
        !matches!(
            b.attribute((W, "val")),
            Some("0" | "false" | "off" | "none")
        )
    })
}

/// Whether a run's properties set a face whose name holds `word` (黑体, 楷 for 楷体_GB2312).
fn face(rpr: Node, word: &str) -> bool {
    child(rpr, "rFonts").is_some_and(|f| {
        ["eastAsia", "ascii", "hAnsi"]
            .iter()
            .any(|a| f.attribute((W, *a)).is_some_and(|v| v.contains(word)))
    })
}

struct DocxReader<'s> {
    styles: &'s Styles,
    paragraphs: Vec<(Role, Vec<Inline>)>,
    tracked: bool,
    table: bool,
    subsections: usize,
    /// Paragraphs taken as headings by their direct formatting or numbering.
    typed_headings: Vec<String>,
    /// Runs taken as lead sentences by their face (楷体) or bold, not by a style.
    typed_leads: usize,
}

impl DocxReader<'_> {
    /// Block-level content: paragraphs, and what holds them (the body, tables, content controls
    /// around paragraphs, tracked insertions).
    fn blocks(&mut self, node: Node) {
        for c in node.children().filter(Node::is_element) {
            if c.tag_name().namespace() != Some(W) {
                continue;
            }
            match c.tag_name().name() {
                "p" => self.paragraph(c),
                "tbl" => {
                    self.table = true;
                    self.blocks(c);
                }
                "del" | "moveFrom" => self.tracked = true,
                "ins" | "moveTo" => {
                    self.tracked = true;
                    self.blocks(c);
                }
                "sectPr" | "sdtPr" | "tblPr" | "tblGrid" | "trPr" | "tcPr" => {}
                _ => self.blocks(c),
            }
        }
    }

    fn paragraph(&mut self, p: Node) {
        let style = child(p, "pPr").and_then(|ppr| val(ppr, "pStyle"));
        let mut role = style.map_or(Role::Body, |s| self.styles.role(s));
        if let Some(level) = child(p, "pPr")
            .and_then(|ppr| val(ppr, "outlineLvl"))
            .and_then(|v| v.parse::<u8>().ok())
            && role == Role::Body
            && level < 9
        {
            role = Role::Heading(level + 2);
        }
        if let Role::Heading(level) = role
            && level > 3
        {
            self.subsections += 1;
            role = Role::Body;
        }
        let mut inlines = Vec::new();
        let leads_before = self.typed_leads;
        self.inlines(p, false, &mut inlines);
        if role == Role::Body
            && let Some(level) = self.typed_heading(p, &inlines)
        {
            // Bold or 黑体 runs make a heading, not a lead sentence.
            for inline in &mut inlines {
                inline.style = InlineStyle::Plain;
            }
            self.typed_headings
                .push(inlines.iter().map(|i| i.text.as_str()).collect());
            self.typed_leads = leads_before;
            role = Role::Heading(level);
        }
        self.paragraphs.push((role, inlines));
    }

    /// A paragraph typed as a heading without a heading style, as offices type them: short, no
    /// sentence end, and either numbered as a part (`一、`, `（一）`) or all in bold or a 黑体
    /// face.
    fn typed_heading(&self, p: Node, inlines: &[Inline]) -> Option<u8> {
        if inlines.is_empty() || inlines.iter().any(|i| i.figure.is_some()) {
            return None;
        }
        let text: String = inlines.iter().map(|i| i.text.as_str()).collect();
        let text = text.trim_matches(|c: char| c.is_whitespace());
        if let Some(level) = heading_level(text) {
            return Some(level);
        }
        let short = !text.is_empty()
            && text.chars().count() <= 40
            && !text.ends_with(SENTENCE_ENDS)
            && !text.contains(['。', '；']);
        let runs: Vec<Node> = p
            .descendants()
            .filter(|r| is(r, "r") && r.descendants().any(|t| is(&t, "t")))
            .collect();
        let paragraph_mark = child(p, "pPr").and_then(|ppr| child(ppr, "rPr"));
        let heavy = |rpr: Option<Node>| rpr.is_some_and(|rpr| on(rpr, "b") || face(rpr, "黑体"));
        let all_heavy = !runs.is_empty()
            && runs.iter().all(|r| {
                heavy(child(*r, "rPr")) || (child(*r, "rPr").is_none() && heavy(paragraph_mark))
            });
        (short && all_heavy && !self.paragraphs.is_empty()).then_some(2)
    }

    /// Inline content: runs, content controls, and what holds runs.
    fn inlines(&mut self, node: Node, lead: bool, out: &mut Vec<Inline>) {
        for c in node.children().filter(Node::is_element) {
            if c.tag_name().namespace() != Some(W) {
                continue;
            }
            match c.tag_name().name() {
                "r" => {
                    if let Some(inline) = self.run(c, lead) {
                        out.push(inline);
                    }
                }
                "sdt" => {
                    let tag = child(c, "sdtPr").and_then(|p| val(p, "tag"));
                    let Some(content) = child(c, "sdtContent") else {
                        continue;
                    };
                    match tag.and_then(|t| t.strip_prefix("fig:")) {
                        Some(id) => {
                            let mut runs = Vec::new();
                            self.inlines(content, lead, &mut runs);
                            let text: String = runs.iter().map(|r| r.text.as_str()).collect();
                            let is_lead = !runs.is_empty()
                                && runs.iter().all(|r| r.style == InlineStyle::Lead);
                            out.push(Inline {
                                text,
                                style: if is_lead {
                                    InlineStyle::Lead
                                } else {
                                    InlineStyle::Plain
                                },
                                figure: Some(id.to_owned()),
                                unfilled: false,
                            });
                        }
                        None => self.inlines(content, lead, out),
                    }
                }
                "del" | "moveFrom" => self.tracked = true,
                "ins" | "moveTo" => {
                    self.tracked = true;
                    self.inlines(c, lead, out);
                }
                "pPr" | "rPr" | "sdtPr" => {}
                _ => self.inlines(c, lead, out),
            }
        }
    }

    fn run(&mut self, r: Node, lead: bool) -> Option<Inline> {
        let rpr = child(r, "rPr");
        let styled_lead = rpr
            .and_then(|p| val(p, "rStyle"))
            .is_some_and(|s| self.styles.is_lead(s));
        // Bold, or a 楷体 face set on the run: how offices type a lead sentence.
        let bold = rpr.is_some_and(|p| on(p, "b") || face(p, "楷"));
        if bold && !styled_lead && !lead {
            self.typed_leads += 1;
        }
        let mut text = String::new();
        for c in r.children().filter(|c| c.is_element()) {
            match c.tag_name().name() {
                // The joiner speechgen writes between a number and its unit is no part of
                // the wording.
                "t" => text.extend(crate::docx::wording_of(c.text().unwrap_or(""))),
                "noBreakHyphen" => text.push('-'),
                _ => {}
            }
        }
        (!text.is_empty()).then_some(Inline {
            text,
            style: if lead || styled_lead || bold {
                InlineStyle::Lead
            } else {
                InlineStyle::Plain
            },
            figure: None,
            unfilled: false,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_and_lead_sentences_of_plain_text() {
        assert_eq!(
            heading_level("一、强化政治引领，把好机关党建“方向盘”"),
            Some(2)
        );
        assert_eq!(heading_level("（二）建强干部队伍"), Some(3));
        assert_eq!(heading_level("一、这是一句很长的话。"), None);
        assert_eq!(heading_level("一是加强学习"), None);
        assert_eq!(
            lead_sentence("扛起主体责任。立足新时代"),
            Some("扛起主体责任")
        );
        assert_eq!(lead_sentence("近年来，我们做了很多。然后"), None);
        assert_eq!(lead_sentence("只有一句。"), None);
        assert_eq!(lead_sentence("全年培训3次。然后"), None);
    }
}
