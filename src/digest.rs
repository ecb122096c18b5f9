//! The digest that ties an output to the inputs it was rendered from.
//!
//! Every output (the speech's Markdown, HTML, PDF and Word file, draft and masked included, and
//! the verification sheet) carries a manifest: the program version, the facts file it was made
//! from, and one SHA-256 over what the speech is made from: this year's facts, last year's (the
//! sheet's 上年/变化 columns and the carried-over warnings read them), the declarations, the
//! template and the settings. Each input is hashed in its canonical form ([`canonical`]): a YAML
//! file as parsed, one `path=value` line per value, so that a comment or a quote style changes
//! nothing; the template as its bytes. A reviewer's signed sheet and a printout match when their
//! 12-digit short digests match; `speechgen verify` reads the manifest back and names what
//! changed since (a fact by its path, old → new).
//!
//! Beside the combined digest the manifest lists each input's hash, each fact's value and (in a
//! PDF) each face with the SHA-256 of its file. The faces are not in the combined digest: the
//! sheet and a print made with other fonts still match. The circulation copy carries the
//! combined digest alone ([`Digest::masked`]): a per-input hash would let a reader confirm a
//! guessed facts file.
//!
//! The combined digest is SHA-256 over the version and, per input in the order read, its path
//! and the SHA-256 of its canonical form, so that `verify` can check that a manifest read back
//! is whole.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use sha2::{Digest as _, Sha256};

/// The program version that goes into every digest: a new version may print differently.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The key of the HTML meta tag, the Markdown comment and the PDF metadata entry.
pub const KEY: &str = "speechgen-digest";

/// The PDF Info entry that held the manifest in files written before krilla (a custom key,
/// PDF 32000 14.3.3): `verify` still reads it. Files now carry it in Keywords (`pdf_keywords`).
pub const PDF_INFO_KEY: &str = "SpeechgenDigest";

/// One file a render read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Input {
    /// As people in the project know it: `facts/2021.yaml` (relative to the project, `/`).
    pub path: String,
    /// SHA-256 of its exact bytes, 64 lowercase hex digits.
    pub sha256: String,
}

/// What a render read, and one digest over it all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Digest {
    pub version: String,
    /// 64 lowercase hex digits.
    pub sha256: String,
    /// In the order read; the facts file first. Empty in the circulation copy, which carries
    /// the combined digest alone (a per-input hash would let a reader confirm a guessed facts
    /// file).
    pub inputs: Vec<Input>,
    /// The facts file the output was made from, as listed (`facts/2021.yaml`): a name, no value.
    pub from: String,
    /// Which copy: `speech`, `speech-draft`, `speech-masked`; None for the sheet.
    pub copy: Option<String>,
    /// Each fact of the facts files read (this year's and last year's), as parsed: what `verify`
    /// names when a value changed (`facts/2021.yaml` `political.members`: 9412 → 9413). Not in
    /// the circulation copy.
    pub values: Vec<Fact>,
    /// Each face the PDF was set in (only a PDF has them). Not part of the combined digest: the
    /// sheet and a print must match by their short digests wherever each was printed.
    pub faces: Vec<Face>,
}

/// One fact as parsed: its file, its path and its value in canonical form (a number as written,
/// a text in JSON quotes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fact {
    pub file: String,
    pub path: String,
    pub value: String,
}

/// One face a PDF was set in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Face {
    /// What it sets: 正文, 标题, …
    pub role: String,
    pub family: String,
    /// SHA-256 of the font file's bytes.
    pub sha256: String,
}

/// How an output's inputs differ from the current ones.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// The file's bytes differ.
    Changed(String),
    /// The file is read now but was not then (e.g. templates/speech.yaml created since).
    Added(String),
    /// The file was read then but is not now (deleted, or no longer read).
    Removed(String),
    /// Another version of speechgen wrote the output.
    Version { then: String, now: String },
    /// A fact's value differs (`old`/`new` None: the fact was not there).
    Value {
        file: String,
        path: String,
        old: Option<String>,
        new: Option<String>,
    },
    /// The circulation copy records the combined digest alone: which input changed cannot be said.
    Unnamed,
}

impl std::fmt::Display for Change {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Change::Changed(p) => write!(f, "{p}：内容已改变"),
            Change::Added(p) => write!(f, "{p}：新增的输入（生成时还没有读取它）"),
            Change::Removed(p) => write!(f, "{p}：生成时读取过，现在已不存在或不再读取"),
            Change::Version { then, now } => {
                write!(f, "speechgen 版本：生成时为 {then}，现在为 {now}")
            }
            Change::Value {
                file,
                path,
                old,
                new,
            } => {
                let shown = |v: &Option<String>| v.clone().unwrap_or_else(|| "（无）".into());
                write!(f, "{file}：{path}：{} → {}", shown(old), shown(new))
            }
            Change::Unnamed => write!(
                f,
                "传阅稿只记录总摘要，不记录各个输入的摘要：无法指出是哪一个输入变了"
            ),
        }
    }
}

/// Why no manifest could be read from a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FindError {
    /// The file holds no `speechgen-digest` at all.
    Missing,
    /// It holds one, but not in the form speechgen writes.
    Malformed(String),
    /// The file cannot be read as what it starts like (a broken PDF, a ZIP that is no Word
    /// file): no digest can be found in it.
    Unreadable(String),
}

impl std::fmt::Display for FindError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FindError::Missing => write!(
                f,
                "文件中没有 speechgen 的摘要（不是 speechgen 生成的，或生成它的版本还不写摘要）"
            ),
            FindError::Malformed(why) => write!(f, "文件中的摘要不完整或已被改动：{why}"),
            FindError::Unreadable(why) => write!(
                f,
                "{why}：文件已损坏或不是 speechgen 生成的，其中找不到 speechgen 的摘要"
            ),
        }
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().fold(String::with_capacity(64), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// SHA-256 of `bytes`, 64 lowercase hex digits.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

fn is_hex64(s: &str) -> bool {
    s.len() == 64
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// A path as it is listed in a manifest: relative to the project root with `/` separators when
/// inside it (so the digest is the same on every machine), else as given.
pub fn shown_path(root: &Path, path: &Path) -> String {
    let rel: Option<PathBuf> = path
        .strip_prefix(root)
        .map(Path::to_path_buf)
        .ok()
        .or_else(|| {
            let (r, p) = (root.canonicalize().ok()?, path.canonicalize().ok()?);
            p.strip_prefix(&r).ok().map(Path::to_path_buf)
        });
    match rel {
        Some(rel) => rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/"),
        None => path.display().to_string(),
    }
}

impl Digest {
    /// The digest of `files` (path as listed, the bytes hashed: the canonical form of each, see
    /// [`canonical`]), in the order given.
    pub fn of(version: &str, files: &[(String, &[u8])]) -> Digest {
        let inputs: Vec<Input> = files
            .iter()
            .map(|(path, bytes)| Input {
                path: path.clone(),
                sha256: hex(&Sha256::digest(bytes)),
            })
            .collect();
        Digest {
            version: version.to_owned(),
            sha256: Self::combine(version, &inputs),
            from: inputs.first().map(|i| i.path.clone()).unwrap_or_default(),
            inputs,
            copy: None,
            values: Vec::new(),
            faces: Vec::new(),
        }
    }

    /// Reads `paths` (files of the project at `root`) and digests them, each in its canonical
    /// form, with this program's version. `facts` are the paths that are facts files: their
    /// values are listed too. Fails with the file that cannot be read.
    pub fn read(
        root: &Path,
        paths: &[PathBuf],
        facts: &[PathBuf],
    ) -> Result<Digest, (PathBuf, std::io::Error)> {
        let mut files = Vec::with_capacity(paths.len());
        for p in paths {
            let bytes =
                crate::input::read(p, crate::input::TEXT_LIMIT).map_err(|e| (p.clone(), e))?;
            files.push((p.clone(), bytes));
        }
        Ok(Self::of_read(root, &files, facts))
    }

    /// The digest of files already read (path, exact bytes), each hashed in its canonical form.
    pub fn of_read(root: &Path, files: &[(PathBuf, Vec<u8>)], facts: &[PathBuf]) -> Digest {
        let mut canon = Vec::with_capacity(files.len());
        let mut values = Vec::new();
        for (path, bytes) in files {
            let shown = shown_path(root, path);
            let (c, leaves) = canonical(path, bytes);
            if facts.contains(path)
                && let Some(leaves) = leaves
            {
                values.extend(leaves.into_iter().map(|(p, v)| Fact {
                    file: shown.clone(),
                    path: p,
                    value: v,
                }));
            }
            canon.push((shown, c));
        }
        let borrowed: Vec<(String, &[u8])> = canon
            .iter()
            .map(|(p, b)| (p.clone(), b.as_slice()))
            .collect();
        let mut d = Digest::of(VERSION, &borrowed);
        d.values = values;
        d
    }

    /// What the circulation copy carries: the combined digest, the facts file's name and the
    /// faces, without the per-input hashes and the values.
    pub fn masked(&self) -> Digest {
        Digest {
            inputs: Vec::new(),
            values: Vec::new(),
            ..self.clone()
        }
    }

    /// True for the circulation copy's digest: the combined digest alone.
    pub fn is_masked(&self) -> bool {
        self.inputs.is_empty()
    }

    fn combine(version: &str, inputs: &[Input]) -> String {
        let mut h = Sha256::new();
        h.update(b"speechgen\n");
        h.update(version.as_bytes());
        h.update(b"\n");
        for i in inputs {
            h.update(i.path.as_bytes());
            h.update(b"\n");
            h.update(i.sha256.as_bytes());
            h.update(b"\n");
        }
        hex(&h.finalize())
    }

    /// The first 12 hex digits: what is printed, on the PDF's last page and in the sheet's header.
    pub fn short(&self) -> &str {
        &self.sha256[..12]
    }

    /// The facts file this digest was made from.
    pub fn facts_path(&self) -> Option<&str> {
        (!self.from.is_empty()).then_some(self.from.as_str())
    }

    /// One line: `sha256=…; speechgen=0.1.0; from=facts/2021.yaml; copy=speech;
    /// facts/2021.yaml=…; templates/figures.yaml=…; value:facts/2021.yaml#a.b=37; face:正文=…@…`.
    pub fn manifest(&self) -> String {
        let mut s = format!(
            "sha256={}; speechgen={}; from={}",
            self.sha256,
            self.version,
            escape(&self.from)
        );
        if let Some(copy) = &self.copy {
            let _ = write!(s, "; copy={copy}");
        }
        for i in &self.inputs {
            let _ = write!(s, "; {}={}", i.path, i.sha256);
        }
        for v in &self.values {
            let _ = write!(
                s,
                "; value:{}#{}={}",
                escape(&v.file),
                escape(&v.path),
                escape(&v.value)
            );
        }
        for f in &self.faces {
            let _ = write!(
                s,
                "; face:{}={}@{}",
                escape(&f.role),
                escape(&f.family),
                f.sha256
            );
        }
        s
    }

    /// Reads a manifest back, checking that its digest is the one its entries give.
    pub fn parse_manifest(text: &str) -> Result<Digest, FindError> {
        let bad = |why: &str| FindError::Malformed(why.to_owned());
        let mut parts = text.trim().split("; ");
        let sha256 = parts
            .next()
            .and_then(|p| p.strip_prefix("sha256="))
            .filter(|h| is_hex64(h))
            .ok_or_else(|| bad("缺少 sha256="))?;
        let version = parts
            .next()
            .and_then(|p| p.strip_prefix("speechgen="))
            .ok_or_else(|| bad("缺少 speechgen= 版本"))?;
        let from = parts
            .next()
            .and_then(|p| p.strip_prefix("from="))
            .ok_or_else(|| bad("缺少 from= 事实文件"))?;
        let mut d = Digest {
            version: version.to_owned(),
            sha256: sha256.to_owned(),
            from: unescape(from),
            inputs: Vec::new(),
            copy: None,
            values: Vec::new(),
            faces: Vec::new(),
        };
        for p in parts {
            let unknown = || bad(&format!("无法识别“{p}”"));
            if let Some(copy) = p.strip_prefix("copy=") {
                d.copy = Some(copy.to_owned());
            } else if let Some(v) = p.strip_prefix("value:") {
                let (place, value) = v.split_once('=').ok_or_else(unknown)?;
                let (file, path) = place.split_once('#').ok_or_else(unknown)?;
                d.values.push(Fact {
                    file: unescape(file),
                    path: unescape(path),
                    value: unescape(value),
                });
            } else if let Some(f) = p.strip_prefix("face:") {
                let (role, rest) = f.split_once('=').ok_or_else(unknown)?;
                let (family, sha) = rest
                    .rsplit_once('@')
                    .filter(|(_, h)| is_hex64(h))
                    .ok_or_else(unknown)?;
                d.faces.push(Face {
                    role: unescape(role),
                    family: unescape(family),
                    sha256: sha.to_owned(),
                });
            } else {
                let (path, digest) = p
                    .rsplit_once('=')
                    .filter(|(path, d)| !path.is_empty() && is_hex64(d))
                    .ok_or_else(unknown)?;
                d.inputs.push(Input {
                    path: path.to_owned(),
                    sha256: digest.to_owned(),
                });
            }
        }
        // The circulation copy lists no inputs: its combined digest cannot be checked here.
        if !d.inputs.is_empty() && Self::combine(&d.version, &d.inputs) != d.sha256 {
            return Err(bad("总摘要与各文件的摘要不符"));
        }
        Ok(d)
    }

    /// Appended to the Markdown file: invisible wherever the Markdown is shown.
    pub fn markdown_comment(&self) -> String {
        format!("\n<!-- {KEY}: {} -->\n", self.manifest())
    }

    /// A `<meta>` tag for the page's head.
    pub fn html_meta(&self) -> String {
        format!(
            "<meta name=\"{KEY}\" content=\"{}\">",
            html_escape(&self.manifest())
        )
    }

    /// The PDF's keywords (the Info dictionary's Keywords and the XMP's pdf:Keywords, a
    /// standard field every viewer's properties dialog shows and PDF/A keeps in step): the
    /// digest, then the whole manifest, which `verify` reads back.
    ///
    /// In ASCII (`ascii_escaped`): a PDF text string holding one Chinese character is written
    /// whole in UTF-16 as hexadecimal, four bytes a character, and the names in the manifest
    /// made the sample's keywords 21 KB of its PDF; written as ASCII they take 6 KB.
    ///
    /// PDF/A allows no string longer than 32,767 bytes, and the Keywords are one string: a
    /// manifest listing more facts values than that holds (a facts file of some thousand
    /// values) leaves the values out of the PDF. The digest and every input's hash stay, so
    /// `verify` still tells current from stale, without naming the values that changed (the
    /// .md, .html and .docx beside it name them).
    pub fn pdf_keywords(&self) -> Vec<String> {
        let key = format!("{KEY}={}", self.sha256);
        let manifest = ascii_escaped(&self.manifest());
        // A literal string writes `\\`, `(` and `)` escaped; ", " between the two keywords.
        let bytes = |m: &str| key.len() + 2 + m.len() + m.matches(['\\', '(', ')']).count();
        if bytes(&manifest) <= PDF_STRING_MAX {
            return vec![key, manifest];
        }
        let without_values = Digest {
            values: Vec::new(),
            ..self.clone()
        };
        vec![key, ascii_escaped(&without_values.manifest())]
    }

    /// The manifest an output carries: a PDF's Info entry, a Word file's custom property, an HTML
    /// meta tag, a Markdown comment or the JSON sheet's field.
    pub fn find_in(bytes: &[u8]) -> Result<Digest, FindError> {
        if bytes.starts_with(b"%PDF") {
            return Self::find_in_pdf(bytes);
        }
        if bytes.starts_with(b"PK\x03\x04") {
            return Self::find_in_docx(bytes);
        }
        let text = String::from_utf8_lossy(bytes);
        let meta = format!("<meta name=\"{KEY}\" content=\"");
        if let Some(start) = text.find(&meta) {
            let rest = &text[start + meta.len()..];
            let end = rest
                .find('"')
                .ok_or(FindError::Malformed("meta 未结束".into()))?;
            return Self::parse_manifest(&html_unescape(&rest[..end]));
        }
        let comment = format!("<!-- {KEY}: ");
        if let Some(start) = text.rfind(&comment) {
            let rest = &text[start + comment.len()..];
            let end = rest
                .find("-->")
                .ok_or(FindError::Malformed("注释未结束".into()))?;
            return Self::parse_manifest(&rest[..end]);
        }
        // The machine-readable sheet (`figures --format json`) carries the manifest as a field.
        let field = format!("\"{KEY}\": \"");
        if let Some(start) = text.find(&field) {
            let rest = &text[start + field.len()..];
            let end = rest
                .find('"')
                .ok_or(FindError::Malformed("字段未结束".into()))?;
            return Self::parse_manifest(&rest[..end]);
        }
        Err(FindError::Missing)
    }

    fn find_in_pdf(bytes: &[u8]) -> Result<Digest, FindError> {
        let doc = lopdf::Document::load_mem(bytes)
            .map_err(|e| FindError::Unreadable(format!("PDF 无法读取（{e}）")))?;
        let info = doc
            .trailer
            .get(b"Info")
            .and_then(|o| match o {
                lopdf::Object::Reference(r) => doc.get_dictionary(*r),
                o => o.as_dict(),
            })
            .map_err(|_| FindError::Missing)?;
        let decode = |entry| {
            lopdf::decode_text_string(entry)
                .map_err(|e| FindError::Malformed(format!("PDF 中的摘要无法解码（{e}）")))
        };
        // Older files: the manifest under its own key.
        if let Ok(entry) = info.get(PDF_INFO_KEY.as_bytes()) {
            return Self::parse_manifest(&decode(entry)?);
        }
        // Now: the keywords `speechgen-digest=<sha256>, <manifest>`; the manifest is the last
        // keyword and starts with its digest.
        let keywords = decode(info.get(b"Keywords").map_err(|_| FindError::Missing)?)?;
        let start = keywords
            .find(&format!("{KEY}="))
            .ok_or(FindError::Missing)?;
        let manifest = keywords[start..]
            .find(", sha256=")
            .map(|at| &keywords[start + at + 2..])
            .ok_or(FindError::Malformed("关键词中缺少摘要清单".into()))?;
        Self::parse_manifest(&ascii_unescaped(manifest))
    }

    /// A Word file keeps the manifest as its custom property `speechgen-digest`
    /// ([`KEY`], in `docProps/custom.xml`).
    fn find_in_docx(bytes: &[u8]) -> Result<Digest, FindError> {
        use std::io::Read;
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes))
            .map_err(|e| FindError::Unreadable(format!("Word 文件无法读取（{e}）")))?;
        let mut xml = String::new();
        // An OFD (GB/T 33190) keeps it as the custom datum `speechgen-digest` of OFD.xml's
        // DocInfo (src/ofd).
        if let Ok(part) = zip.by_name("OFD.xml") {
            part.take(64 << 20)
                .read_to_string(&mut xml)
                .map_err(|e| FindError::Unreadable(format!("OFD 文件无法读取（{e}）")))?;
            let doc = roxmltree::Document::parse(&xml)
                .map_err(|e| FindError::Unreadable(format!("OFD 文件无法读取（{e}）")))?;
            let datum = doc
                .descendants()
                .find(|n| n.has_tag_name("CustomData") && n.attribute("Name") == Some(KEY))
                .ok_or(FindError::Missing)?;
            return Self::parse_manifest(datum.text().unwrap_or_default());
        }
        match zip.by_name("docProps/custom.xml") {
            Ok(mut part) => part
                .read_to_string(&mut xml)
                .map_err(|e| FindError::Malformed(format!("Word 文件无法读取（{e}）")))?,
            Err(_) => return Err(FindError::Missing),
        };
        let name = format!("name=\"{}\"", KEY);
        let start = xml.find(&name).ok_or(FindError::Missing)?;
        let rest = &xml[start..];
        let value = rest
            .find("<vt:lpwstr>")
            .map(|i| &rest[i + "<vt:lpwstr>".len()..])
            .and_then(|v| v.find("</vt:lpwstr>").map(|end| &v[..end]))
            .ok_or(FindError::Malformed("属性未结束".into()))?;
        Self::parse_manifest(&html_unescape(&value.replace("&apos;", "'")))
    }

    /// What differs between the inputs this digest records (`self`, then) and `now`: for a
    /// facts file whose values both list, each fact that differs (path, old → new).
    pub fn changes(&self, now: &Digest) -> Vec<Change> {
        let mut out = Vec::new();
        if self.is_masked() && self.sha256 != now.sha256 {
            out.push(Change::Unnamed);
        }
        for then in &self.inputs {
            match now.inputs.iter().find(|n| n.path == then.path) {
                None => out.push(Change::Removed(then.path.clone())),
                Some(n) if n.sha256 != then.sha256 => {
                    let values = fact_changes(&then.path, &self.values, &now.values);
                    if values.is_empty() {
                        out.push(Change::Changed(then.path.clone()));
                    } else {
                        out.extend(values);
                    }
                }
                Some(_) => {}
            }
        }
        if !self.is_masked() {
            for n in &now.inputs {
                if !self.inputs.iter().any(|t| t.path == n.path) {
                    out.push(Change::Added(n.path.clone()));
                }
            }
        }
        if self.version != now.version {
            out.push(Change::Version {
                then: self.version.clone(),
                now: now.version.clone(),
            });
        }
        out
    }
}

/// The facts of `file` that differ between `then` and `now`, in the order listed.
fn fact_changes(file: &str, then: &[Fact], now: &[Fact]) -> Vec<Change> {
    let of = |list: &[Fact]| -> Vec<(String, String)> {
        list.iter()
            .filter(|f| f.file == file)
            .map(|f| (f.path.clone(), f.value.clone()))
            .collect()
    };
    let (then, now) = (of(then), of(now));
    if then.is_empty() || now.is_empty() {
        return Vec::new();
    }
    let find = |list: &[(String, String)], path: &str| {
        list.iter().find(|(p, _)| p == path).map(|(_, v)| v.clone())
    };
    let mut out = Vec::new();
    for (path, old) in &then {
        let new = find(&now, path);
        if new.as_ref() != Some(old) {
            out.push(Change::Value {
                file: file.to_owned(),
                path: path.clone(),
                old: Some(old.clone()),
                new,
            });
        }
    }
    for (path, new) in &now {
        if find(&then, path).is_none() {
            out.push(Change::Value {
                file: file.to_owned(),
                path: path.clone(),
                old: None,
                new: Some(new.clone()),
            });
        }
    }
    out
}

/// The form a file is hashed in: a YAML file (facts, declarations, settings) as parsed, one line
/// per value (`path=value`), so that a comment, a blank line or a quote style changes nothing;
/// with its values. Any other file (the template), or YAML that does not parse, as its bytes.
pub fn canonical(path: &Path, bytes: &[u8]) -> (Vec<u8>, Option<Vec<(String, String)>>) {
    let yaml = path.extension().is_some_and(|e| e == "yaml" || e == "yml");
    if !yaml {
        return (bytes.to_vec(), None);
    }
    match crate::yaml::from_bytes(path, bytes) {
        Ok(doc) => {
            let mut leaves = Vec::new();
            flatten(&doc.root, String::new(), &mut leaves);
            let mut text = String::from("yaml\n");
            for (p, v) in &leaves {
                let _ = writeln!(text, "{}={}", escape(p), escape(v));
            }
            (text.into_bytes(), Some(leaves))
        }
        Err(_) => (bytes.to_vec(), None),
    }
}

fn flatten(node: &crate::yaml::Node, path: String, out: &mut Vec<(String, String)>) {
    use crate::yaml::Value;
    let join = |key: &str| {
        if path.is_empty() {
            key.to_owned()
        } else {
            format!("{path}.{key}")
        }
    };
    match &node.value {
        Value::Map(entries) if !entries.is_empty() => {
            for e in entries {
                flatten(&e.value, join(&e.key), out);
            }
        }
        Value::Seq(items) if !items.is_empty() => {
            for (i, item) in items.iter().enumerate() {
                flatten(item, join(&i.to_string()), out);
            }
        }
        Value::Map(_) => out.push((path, "{}".into())),
        Value::Seq(_) => out.push((path, "[]".into())),
        Value::Null => out.push((path, "null".into())),
        Value::Bool(b) => out.push((path, b.to_string())),
        Value::Int(i) => out.push((path, i.to_string())),
        Value::Float(_, written) => out.push((path, written.clone())),
        Value::Str(s) => out.push((
            path,
            serde_json::to_string(s).unwrap_or_else(|_| format!("{s:?}")),
        )),
    }
}

/// A manifest entry's text with the characters that delimit entries (and could close the
/// comment or the attribute holding them) written as `\u00XX`.
/// The longest string PDF/A allows (ISO 19005-2, 6.1.13), in bytes.
const PDF_STRING_MAX: usize = 32_767;

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            ';' | '=' | '#' | '@' | '<' | '>' | '&' | '"' | '\\' | '\n' | '\r' => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find("\\u") {
        out.push_str(&rest[..i]);
        let code = rest
            .get(i + 2..i + 6)
            .and_then(|h| u32::from_str_radix(h, 16).ok());
        match code.and_then(char::from_u32) {
            Some(c) => {
                out.push(c);
                rest = &rest[i + 6..];
            }
            None => {
                out.push_str("\\u");
                rest = &rest[i + 2..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The manifest with every character beyond ASCII written as `\uXXXX` (UTF-16 units, a pair
/// for a character beyond the BMP). `escape` writes only ASCII characters that way, so
/// `ascii_unescaped` can tell the two apart and give back the manifest exactly.
fn ascii_escaped(manifest: &str) -> String {
    let mut out = String::with_capacity(manifest.len());
    for c in manifest.chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            for unit in c.encode_utf16(&mut [0; 2]) {
                let _ = write!(out, "\\u{unit:04x}");
            }
        }
    }
    out
}

/// Undoes `ascii_escaped`: only escapes of characters beyond ASCII, so the entries' own
/// escapes (`\u003b` for `;`) stay for `parse_manifest`. A manifest written before the
/// PDF's keywords were ASCII holds no such escape and comes back unchanged. Public for the
/// tests that read a PDF's keywords (a real value hidden in a masked copy is searched for in
/// the text a reader would see, not in its escapes).
pub fn ascii_unescaped(text: &str) -> String {
    let unit_at = |s: &str, i: usize| -> Option<u16> {
        let hex = s.get(i..i + 6)?.strip_prefix("\\u")?;
        u16::from_str_radix(hex, 16).ok().filter(|u| *u >= 0x80)
    };
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < text.len() {
        if let Some(first) = unit_at(text, i) {
            let second = unit_at(text, i + 6);
            let pair = second.map(|s| char::decode_utf16([first, s]).next());
            match (pair, char::decode_utf16([first]).next()) {
                (Some(Some(Ok(c))), _) if c as u32 > 0xffff => {
                    out.push(c);
                    i += 12;
                    continue;
                }
                (_, Some(Ok(c))) => {
                    out.push(c);
                    i += 6;
                    continue;
                }
                _ => {}
            }
        }
        let c = text[i..]
            .chars()
            .next()
            .expect("i is on a character boundary");
        out.push(c);
        i += c.len_utf8();
    }
    out
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn html_unescape(s: &str) -> String {
    s.replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Digest {
        Digest::of(
            "0.1.0",
            &[
                ("facts/2021.yaml".into(), b"year: 2021\n".as_slice()),
                ("templates/figures.yaml".into(), b"figures: {}\n".as_slice()),
            ],
        )
    }

    #[test]
    fn any_byte_path_or_version_changes_the_digest() {
        let d = sample();
        assert_eq!(d.sha256.len(), 64);
        assert_eq!(d.short().len(), 12);
        let other_bytes = Digest::of(
            "0.1.0",
            &[
                ("facts/2021.yaml".into(), b"year: 2021 \n".as_slice()),
                ("templates/figures.yaml".into(), b"figures: {}\n".as_slice()),
            ],
        );
        let other_version = Digest::of(
            "0.2.0",
            &[
                ("facts/2021.yaml".into(), b"year: 2021\n".as_slice()),
                ("templates/figures.yaml".into(), b"figures: {}\n".as_slice()),
            ],
        );
        let other_path = Digest::of(
            "0.1.0",
            &[
                ("facts/2022.yaml".into(), b"year: 2021\n".as_slice()),
                ("templates/figures.yaml".into(), b"figures: {}\n".as_slice()),
            ],
        );
        for o in [&other_bytes, &other_version, &other_path] {
            assert_ne!(o.sha256, d.sha256);
        }
        // SHA-256 of the empty string, as a known answer for the per-file digest.
        let empty = Digest::of("0", &[("a".into(), b"".as_slice())]);
        assert_eq!(
            empty.inputs[0].sha256,
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }

    #[test]
    fn manifests_read_back_in_every_carrier() {
        let d = sample();
        assert_eq!(Digest::parse_manifest(&d.manifest()), Ok(d.clone()));
        let md = format!("# 标题\n\n正文。\n{}", d.markdown_comment());
        assert_eq!(Digest::find_in(md.as_bytes()), Ok(d.clone()));
        let html = format!("<head>{}</head>", d.html_meta());
        assert_eq!(Digest::find_in(html.as_bytes()), Ok(d.clone()));
        assert_eq!(Digest::find_in(b"# no digest"), Err(FindError::Missing));
    }

    #[test]
    fn a_manifest_edited_by_hand_is_refused() {
        let d = sample();
        let edited = d.manifest().replace(&d.inputs[0].sha256, &"0".repeat(64));
        assert!(matches!(
            Digest::parse_manifest(&edited),
            Err(FindError::Malformed(_))
        ));
    }

    #[test]
    fn changes_name_the_file() {
        let then = sample();
        let now = Digest::of(
            "0.1.0",
            &[
                ("facts/2021.yaml".into(), b"year: 2021\n".as_slice()),
                (
                    "templates/figures.yaml".into(),
                    b"figures: {a: 1}\n".as_slice(),
                ),
                ("templates/speech.yaml".into(), b"author: x\n".as_slice()),
            ],
        );
        assert_eq!(
            then.changes(&now),
            [
                Change::Changed("templates/figures.yaml".into()),
                Change::Added("templates/speech.yaml".into())
            ]
        );
        assert!(then.changes(&then).is_empty());
    }

    #[test]
    fn yaml_is_hashed_as_parsed_and_values_are_listed() {
        let path = Path::new("facts/2021.yaml");
        let (a, leaves) = canonical(
            path,
            b"year: 2021\na:\n  b: 37 # \xe4\xba\xba\n  c: [x, 'y;z']\n",
        );
        let (b, _) = canonical(
            path,
            b"# note\nyear: 2021\na:\n  b: 37\n  c: [\"x\", y;z]\n",
        );
        assert_eq!(a, b, "comments and quoting change nothing");
        let (c, _) = canonical(path, b"year: 2021\na:\n  b: 38\n  c: [x, 'y;z']\n");
        assert_ne!(a, c);
        assert_eq!(
            leaves.unwrap(),
            [
                ("year".to_owned(), "2021".to_owned()),
                ("a.b".into(), "37".into()),
                ("a.c.0".into(), "\"x\"".into()),
                ("a.c.1".into(), "\"y;z\"".into()),
            ]
        );
        // A template is hashed as its bytes.
        let (t, none) = canonical(Path::new("templates/speech.md.tera"), b"# x\n");
        assert_eq!((t.as_slice(), none), (b"# x\n".as_slice(), None));
    }

    #[test]
    fn the_pdf_keywords_are_ascii_and_read_back_exactly() {
        let mut d = sample();
        d.values.push(Fact {
            file: "facts/二〇二一.yaml".into(),
            path: "activities.names[0]".into(),
            value: "“党课大讲堂”; 𠀀=\\u4e2d".into(),
        });
        let keywords = d.pdf_keywords();
        assert!(keywords.iter().all(|k| k.is_ascii()), "{keywords:?}");
        let manifest = &keywords[1];
        assert_eq!(ascii_unescaped(manifest), d.manifest());
        let back = Digest::parse_manifest(&ascii_unescaped(manifest)).unwrap();
        assert_eq!(back.values, d.values);
        // A manifest written before the keywords were ASCII reads as it did.
        assert_eq!(ascii_unescaped(&d.manifest()), d.manifest());
    }

    #[test]
    fn values_and_faces_read_back_and_the_masked_manifest_holds_neither() {
        let mut d = sample();
        d.copy = Some("speech".into());
        d.values = vec![Fact {
            file: "facts/2021.yaml".into(),
            path: "a.names".into(),
            value: "\"x; y=z --> <b>\"".into(),
        }];
        d.faces = vec![Face {
            role: "正文".into(),
            family: "Sung; Ti".into(),
            sha256: "a".repeat(64),
        }];
        assert_eq!(Digest::parse_manifest(&d.manifest()), Ok(d.clone()));
        let md = d.markdown_comment();
        assert_eq!(md.matches("-->").count(), 1, "{md}");
        let masked = d.masked();
        let m = masked.manifest();
        assert!(
            !m.contains(&d.inputs[0].sha256) && !m.contains("value:"),
            "{m}"
        );
        let back = Digest::parse_manifest(&m).unwrap();
        assert!(back.is_masked());
        assert_eq!(back.facts_path(), Some("facts/2021.yaml"));
        assert!(back.changes(&d).is_empty());
        let mut other = d.clone();
        other.sha256 = "b".repeat(64);
        assert_eq!(back.changes(&other), [Change::Unnamed]);
    }
}
