//! The speech as a Word document (.docx) that offices edit, laid out as the PDF is.
//!
//! `write_docx(&Document, &DocxMeta)` writes the OOXML package from the same [`Document`] the PDF
//! is laid out from: the GB/T 9704 page (`page.rs`: A4, margins, the 22 × 28 document grid), named
//! styles with the fonts as offices name them (`styles.rs`), and the body (`body.rs`), where every
//! figure is a content control tagged `fig:<id>`, so a later import binds it by tag, and in a
//! draft carries its provenance as a Word comment, one per occurrence in the text.
//!
//! Why the parts are written by hand over the `zip` crate rather than with docx-rs: the page as
//! GB/T 9704 sets it needs the document grid (`w:docGrid`, 22 lines) with the body set a quarter
//! point tight (28 characters a line), indents in characters (`w:firstLineChars`), tagged content controls around runs
//! and comments around them; docx-rs reaches some of these only through its internals and writes
//! `firstLineChars` not at all. The whole of WordprocessingML the speech needs is a few hundred
//! lines of XML text, which also fixes every byte: the parts are written in a fixed order with
//! fixed zip timestamps, no dates or random ids inside, so the same input gives the same file.

mod body;
pub mod embed;
mod page;
mod styles;
mod xml;

use std::io::{Cursor, Write};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

use crate::document::Document;
use body::{EVEN_FOOTER_RID, FIRST_HEADER_RID, FOOTER_RID, HEADER_RID, PageSide};
use xml::esc;

pub use crate::document::DRAFT_MARK;
pub use body::{WORD_JOINER, figure_tag, wording_of};
pub use embed::EmbeddedFace;
pub use styles::{BODY_FONT, HEADING_FONT, KAI_FONT, PAGE_NUMBER_FONT, TITLE_FONT};

/// What the package says about the speech beside its text; the caller fills it in.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DocxMeta {
    /// The document's title (core property `dc:title`).
    pub title: String,
    /// Who the speech is by (`dc:creator`); left out when empty.
    pub author: String,
    /// The digest of the inputs the speech was rendered from, kept as the custom property
    /// `speechgen-digest` (it identifies the inputs; it says nothing of their values).
    pub digest: Option<String>,
    /// The creation date (`dcterms:created`): the PDF's, from the inputs, never the clock.
    pub created: Option<crate::date::Date>,
    /// Faces carried in the package (`--embed-fonts`), each under its office name; empty: none.
    pub fonts: Vec<EmbeddedFace>,
}

/// The package's embedded font parts: per distinct face its part name, relationship id and key,
/// and per office name the part it is registered with.
struct FontParts {
    parts: Vec<(String, String, Vec<u8>)>,
    table: Vec<(&'static str, String, String)>,
}

fn font_parts(fonts: &[EmbeddedFace]) -> FontParts {
    let mut parts: Vec<(String, String, Vec<u8>)> = Vec::new();
    let mut table = Vec::new();
    for face in fonts {
        let key = embed::font_key(&face.data);
        let n = match parts.iter().position(|(_, k, _)| *k == key) {
            Some(n) => n,
            None => {
                parts.push((
                    format!("word/fonts/font{}.odttf", parts.len() + 1),
                    key.clone(),
                    embed::obfuscate(&face.data, &key),
                ));
                parts.len() - 1
            }
        };
        table.push((face.office_name, format!("rIdFont{}", n + 1), key));
    }
    FontParts { parts, table }
}

/// The .docx file's bytes. The only failure is the zip writer's, which writes to memory.
pub fn write_docx(doc: &Document, meta: &DocxMeta) -> Result<Vec<u8>, String> {
    let body = body::body(doc);
    let mut parts: Vec<(&str, String)> = vec![
        ("[Content_Types].xml", content_types(doc, &body, meta)),
        ("_rels/.rels", package_rels(meta)),
        ("docProps/core.xml", core_properties(doc, meta)),
        ("docProps/app.xml", app_properties()),
    ];
    if let Some(digest) = &meta.digest {
        parts.push(("docProps/custom.xml", custom_properties(digest)));
    }
    parts.push(("word/document.xml", body.document.clone()));
    parts.push(("word/_rels/document.xml.rels", document_rels(doc, &body)));
    parts.push(("word/styles.xml", styles::styles()));
    let fonts = font_parts(&meta.fonts);
    parts.push(("word/settings.xml", settings(!fonts.parts.is_empty())));
    parts.push(("word/fontTable.xml", styles::font_table(&fonts.table)));
    if !fonts.parts.is_empty() {
        let rels: Vec<(String, String, String)> = fonts
            .parts
            .iter()
            .enumerate()
            .map(|(n, (name, _, _))| {
                (
                    format!("rIdFont{}", n + 1),
                    format!("{OFFICE_REL}/font"),
                    name.trim_start_matches("word/").to_owned(),
                )
            })
            .collect();
        let rels: Vec<(&str, String, &str)> = rels
            .iter()
            .map(|(id, kind, target)| (id.as_str(), kind.clone(), target.as_str()))
            .collect();
        parts.push(("word/_rels/fontTable.xml.rels", relationships(&rels)));
    }
    parts.push(("word/footer1.xml", body::page_number_footer(PageSide::Odd)));
    parts.push(("word/footer2.xml", body::page_number_footer(PageSide::Even)));
    if body::has_header(doc) {
        parts.push(("word/header1.xml", body::header(doc, false)));
    }
    if body::has_first_page_header(doc) {
        parts.push(("word/header2.xml", body::header(doc, true)));
    }
    if let Some(comments) = &body.comments {
        parts.push(("word/comments.xml", comments.clone()));
    }
    let binary: Vec<(&str, &[u8])> = fonts
        .parts
        .iter()
        .map(|(name, _, data)| (name.as_str(), data.as_slice()))
        .collect();
    zip(&parts, &binary).map_err(|e| format!("写入 .docx 压缩包失败：{e}"))
}

/// The package: entries in the order given, each deflated, dated 1980-01-01 00:00 (the zip
/// format's earliest date), mode 0644.
fn zip(parts: &[(&str, String)], binary: &[(&str, &[u8])]) -> zip::result::ZipResult<Vec<u8>> {
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .last_modified_time(DateTime::default())
        .unix_permissions(0o644);
    let mut writer = ZipWriter::new(Cursor::new(Vec::new()));
    for (name, text) in parts {
        writer.start_file(*name, options)?;
        writer.write_all(text.as_bytes())?;
    }
    for (name, bytes) in binary {
        writer.start_file(*name, options)?;
        writer.write_all(bytes)?;
    }
    Ok(writer.finish()?.into_inner())
}

/// The XML declaration every part of the package opens with.
const XML_HEAD: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n";
const WML: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml";

fn content_types(doc: &Document, body: &body::Body, meta: &DocxMeta) -> String {
    let mut overrides = vec![
        ("/word/document.xml", format!("{WML}.document.main+xml")),
        ("/word/styles.xml", format!("{WML}.styles+xml")),
        ("/word/settings.xml", format!("{WML}.settings+xml")),
        ("/word/fontTable.xml", format!("{WML}.fontTable+xml")),
        ("/word/footer1.xml", format!("{WML}.footer+xml")),
        ("/word/footer2.xml", format!("{WML}.footer+xml")),
        (
            "/docProps/core.xml",
            "application/vnd.openxmlformats-package.core-properties+xml".into(),
        ),
        (
            "/docProps/app.xml",
            "application/vnd.openxmlformats-officedocument.extended-properties+xml".into(),
        ),
    ];
    if body::has_header(doc) {
        overrides.push(("/word/header1.xml", format!("{WML}.header+xml")));
    }
    if body::has_first_page_header(doc) {
        overrides.push(("/word/header2.xml", format!("{WML}.header+xml")));
    }
    if body.comments.is_some() {
        overrides.push(("/word/comments.xml", format!("{WML}.comments+xml")));
    }
    if meta.digest.is_some() {
        overrides.push((
            "/docProps/custom.xml",
            "application/vnd.openxmlformats-officedocument.custom-properties+xml".into(),
        ));
    }
    let mut x = format!(
        "{XML_HEAD}<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">\
         <Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>\
         <Default Extension=\"xml\" ContentType=\"application/xml\"/>"
    );
    if !meta.fonts.is_empty() {
        x.push_str(&format!(
            "<Default Extension=\"odttf\" ContentType=\"{}\"/>",
            "application/vnd.openxmlformats-officedocument.obfuscatedFont"
        ));
    }
    for (part, kind) in overrides {
        x.push_str(&format!(
            "<Override PartName=\"{part}\" ContentType=\"{kind}\"/>"
        ));
    }
    x.push_str("</Types>");
    x
}

const REL_NS: &str = "http://schemas.openxmlformats.org/package/2006/relationships";
const OFFICE_REL: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

fn relationships(rels: &[(&str, String, &str)]) -> String {
    let mut x = format!("{XML_HEAD}<Relationships xmlns=\"{REL_NS}\">");
    for (id, kind, target) in rels {
        x.push_str(&format!(
            "<Relationship Id=\"{id}\" Type=\"{kind}\" Target=\"{target}\"/>"
        ));
    }
    x.push_str("</Relationships>");
    x
}

fn package_rels(meta: &DocxMeta) -> String {
    let mut rels = vec![
        (
            "rIdDocument",
            format!("{OFFICE_REL}/officeDocument"),
            "word/document.xml",
        ),
        (
            "rIdCore",
            "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties"
                .to_owned(),
            "docProps/core.xml",
        ),
        (
            "rIdApp",
            format!("{OFFICE_REL}/extended-properties"),
            "docProps/app.xml",
        ),
    ];
    if meta.digest.is_some() {
        rels.push((
            "rIdCustom",
            format!("{OFFICE_REL}/custom-properties"),
            "docProps/custom.xml",
        ));
    }
    relationships(&rels)
}

fn document_rels(doc: &Document, body: &body::Body) -> String {
    let mut rels = vec![
        ("rIdStyles", format!("{OFFICE_REL}/styles"), "styles.xml"),
        (
            "rIdSettings",
            format!("{OFFICE_REL}/settings"),
            "settings.xml",
        ),
        (
            "rIdFonts",
            format!("{OFFICE_REL}/fontTable"),
            "fontTable.xml",
        ),
        (FOOTER_RID, format!("{OFFICE_REL}/footer"), "footer1.xml"),
        (
            EVEN_FOOTER_RID,
            format!("{OFFICE_REL}/footer"),
            "footer2.xml",
        ),
    ];
    if body::has_header(doc) {
        rels.push((HEADER_RID, format!("{OFFICE_REL}/header"), "header1.xml"));
    }
    if body::has_first_page_header(doc) {
        rels.push((
            FIRST_HEADER_RID,
            format!("{OFFICE_REL}/header"),
            "header2.xml",
        ));
    }
    if body.comments.is_some() {
        rels.push((
            "rIdComments",
            format!("{OFFICE_REL}/comments"),
            "comments.xml",
        ));
    }
    relationships(&rels)
}

/// Title, author, language; the status says which copy it is (草稿, 传阅稿) and 样例 for sample
/// facts; the creation date of the inputs (as the PDF's), never the clock's, which would change
/// every render.
fn core_properties(doc: &Document, meta: &DocxMeta) -> String {
    let mut x = format!(
        "{XML_HEAD}<cp:coreProperties \
         xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" \
         xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:dcterms=\"http://purl.org/dc/terms/\" \
         xmlns:dcmitype=\"http://purl.org/dc/dcmitype/\" \
         xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">\
         <dc:title>{}</dc:title>",
        esc(&meta.title)
    );
    if !meta.author.is_empty() {
        x.push_str(&format!("<dc:creator>{}</dc:creator>", esc(&meta.author)));
    }
    x.push_str("<dc:language>zh-CN</dc:language>");
    let mut status = Vec::new();
    if doc.sample {
        status.push("样例");
    }
    if doc.draft {
        status.push(DRAFT_MARK);
    }
    if doc.circulation {
        status.push("传阅稿");
    }
    if !status.is_empty() {
        x.push_str(&format!(
            "<cp:contentStatus>{}</cp:contentStatus>",
            status.join("；")
        ));
    }
    if let Some(date) = meta.created {
        x.push_str(&format!(
            "<dcterms:created xsi:type=\"dcterms:W3CDTF\">{date}T00:00:00Z</dcterms:created>"
        ));
    }
    x.push_str("</cp:coreProperties>");
    x
}

fn app_properties() -> String {
    format!(
        "{XML_HEAD}<Properties xmlns=\"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties\">\
         <Application>speechgen</Application></Properties>"
    )
}

/// `docProps/custom.xml`: the digest as the custom property [`crate::digest::KEY`].
fn custom_properties(digest: &str) -> String {
    let key = crate::digest::KEY;
    format!(
        "{XML_HEAD}<Properties xmlns=\"http://schemas.openxmlformats.org/officeDocument/2006/custom-properties\" \
         xmlns:vt=\"http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes\">\
         <property fmtid=\"{{D5CDD505-2E9C-101B-9397-08002B2CF9AE}}\" pid=\"2\" name=\"{key}\">\
         <vt:lpwstr>{}</vt:lpwstr></property></Properties>",
        esc(digest)
    )
}

/// Punctuation is not compressed (each mark keeps its full cell, as on the grid); the East Asian
/// language is Chinese (line-breaking rules, 禁则, are Word's own for zh-CN); with faces in the
/// package, `w:embedTrueTypeFonts` says so (Word then keeps them when it saves).
fn settings(embedded: bool) -> String {
    let embed = if embedded {
        "<w:embedTrueTypeFonts/>"
    } else {
        ""
    };
    format!(
        "{XML_HEAD}<w:settings xmlns:w=\"{}\">\
         <w:zoom w:percent=\"100\"/>{embed}<w:defaultTabStop w:val=\"420\"/><w:evenAndOddHeaders/>\
         <w:characterSpacingControl w:val=\"doNotCompress\"/>\
         <w:compat><w:compatSetting w:name=\"compatibilityMode\" w:uri=\"http://schemas.microsoft.com/office/word\" w:val=\"15\"/></w:compat>\
         <w:themeFontLang w:val=\"en-US\" w:eastAsia=\"zh-CN\"/>\
         <w:decimalSymbol w:val=\".\"/><w:listSeparator w:val=\",\"/></w:settings>",
        body::W_NS
    )
}

#[cfg(test)]
mod tests;
