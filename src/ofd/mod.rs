//! The speech as OFD (GB/T 33190-2016 电子文件存储与交换格式 版式文档), the fixed-layout format
//! of China's electronic official documents, written from the PDF's own layout
//! (`pdf::layout::plan`): the same pages, lines, positions and faces.
//!
//! The package, as the standard lays it out (docs/ofd.md says what is written and what not):
//! - `OFD.xml`: the entry, with the document's metadata (`DocInfo`: title, author, the
//!   creation date of the inputs, and the digest manifest as the custom datum
//!   `speechgen-digest`, which `verify` reads back);
//! - `Doc_0/Document.xml`: the page area (A4 in mm), the resources, the pages in order;
//! - `Doc_0/PublicRes.xml`: the faces, each an embedded subset under `Doc_0/Res/`;
//!   `Doc_0/DocumentRes.xml`: the document's own resources (none: the speech has no image);
//! - `Doc_0/Pages/Page_N/Content.xml` (N from 0): one `TextObject` per run (per figure's piece
//!   of a run), its `TextCode` holding the characters it shows and a `DeltaX` per glyph after
//!   the first; the page's numbers, marks and digest stamp in a layer of their own;
//! - `Doc_0/Tags/CustomTags.xml` and `CustomTag.xml`: each figure's id and the text objects
//!   that print it, so that a later tool can find the figures.
//!
//! Every element carries the `ofd:` prefix of `http://www.ofdspec.org/2016`; every location is
//! relative; lengths are millimetres. The zip is written as the .docx is: fixed timestamps and
//! order, no clock, no random id (the DocID is made from the digest), so the same inputs give
//! the same bytes.

mod faces;
mod pages;
pub mod read;

use std::collections::BTreeMap;
use std::io::{Cursor, Write};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

use crate::date::Date;
use crate::digest::Digest;
use crate::document::Document;
use crate::pdf::PdfError;
use crate::pdf::layout::{PAGE_H_MM, PAGE_W_MM, Plan};

/// The namespace of every element of the package.
pub const NS: &str = "http://www.ofdspec.org/2016";

/// The name of the custom datum (`DocInfo/CustomDatas/CustomData`) that holds the manifest.
pub const DIGEST_NAME: &str = crate::digest::KEY;

/// The `TypeID` of the custom tags that name the figures.
pub const FIGURE_TAGS: &str = "speechgen-figures";

/// What the OFD says about itself: `OFD.xml`'s `DocInfo`.
#[derive(Debug, Clone, Default)]
pub struct OfdMeta {
    pub title: String,
    pub author: Option<String>,
    /// The date of the inputs (the PDF's creation date), never the clock.
    pub date: Option<Date>,
    /// The digest of the inputs: its manifest as the custom datum `speechgen-digest`.
    pub digest: Option<Digest>,
}

/// The XML declaration every part opens with.
const XML_HEAD: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";

/// Escapes text for the package's XML parts (shared with the .docx's).
pub(crate) use crate::text::xml_escape as esc;

/// A length in millimetres as the package writes it: to a thousandth, without trailing zeros.
pub(crate) fn mm(v: f64) -> String {
    thousandths((v * 1000.0).round() as i64)
}

/// `n` thousandths as a decimal: 5644 → "5.644", 1000 → "1", -250 → "-0.25".
pub(crate) fn thousandths(n: i64) -> String {
    let sign = if n < 0 { "-" } else { "" };
    let (whole, frac) = (n.unsigned_abs() / 1000, n.unsigned_abs() % 1000);
    if frac == 0 {
        return format!("{sign}{whole}");
    }
    let frac = format!("{frac:03}");
    format!("{sign}{whole}.{}", frac.trim_end_matches('0'))
}

/// Object ids, unique in the document, from 1 (the standard's `ST_ID`), given out in the order
/// the parts are written: the same document gets the same ids.
pub(crate) struct Ids(u32);

impl Ids {
    pub(crate) fn next(&mut self) -> u32 {
        self.0 += 1;
        self.0
    }
}

/// Writes the OFD of `doc`, laid out as `plan` (the PDF's layout of it), with `meta`.
pub fn write_ofd(doc: &Document, plan: &Plan, meta: &OfdMeta) -> Result<Vec<u8>, PdfError> {
    let mut ids = Ids(0);
    // The faces, each subset to what the pages print with it.
    let mut printed: Vec<BTreeMap<char, ()>> = vec![BTreeMap::new(); plan.faces.len()];
    for run in plan.pages.iter().chain(&plan.decorations).flatten() {
        for c in run.text.chars() {
            printed[run.face].insert(c, ());
        }
    }
    let mut font_ids = Vec::with_capacity(plan.faces.len());
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    let mut fonts_xml = String::new();
    for (i, face) in plan.faces.iter().enumerate() {
        let id = ids.next();
        font_ids.push(id);
        if printed[i].is_empty() {
            continue;
        }
        let subset = faces::subset(face, &plan.metrics[i], &printed[i])?;
        let name = format!("font_{i}.{}", subset.extension);
        fonts_xml.push_str(&format!(
            "<ofd:Font ID=\"{id}\" FontName=\"{}\" FamilyName=\"{}\"><ofd:FontFile>{name}</ofd:FontFile></ofd:Font>",
            esc(&face.family),
            esc(&face.family)
        ));
        files.push((format!("Doc_0/Res/{name}"), subset.bytes));
    }
    let written = pages::write(doc, plan, &font_ids, &mut ids);
    let mut parts: Vec<(String, Vec<u8>)> = Vec::new();
    parts.push(("OFD.xml".into(), ofd_xml(meta).into_bytes()));
    parts.push((
        "Doc_0/Document.xml".into(),
        document_xml(written.pages.len(), &written.page_ids, ids.0).into_bytes(),
    ));
    parts.push((
        "Doc_0/PublicRes.xml".into(),
        format!(
            "{XML_HEAD}<ofd:Res xmlns:ofd=\"{NS}\" BaseLoc=\"Res\"><ofd:Fonts>{fonts_xml}</ofd:Fonts></ofd:Res>\n"
        )
        .into_bytes(),
    ));
    parts.push((
        "Doc_0/DocumentRes.xml".into(),
        format!("{XML_HEAD}<ofd:Res xmlns:ofd=\"{NS}\" BaseLoc=\"Res\"/>\n").into_bytes(),
    ));
    for (n, page) in written.pages.into_iter().enumerate() {
        parts.push((
            format!("Doc_0/Pages/Page_{n}/Content.xml"),
            page.into_bytes(),
        ));
    }
    parts.push((
        "Doc_0/Tags/CustomTags.xml".into(),
        format!(
            "{XML_HEAD}<ofd:CustomTags xmlns:ofd=\"{NS}\"><ofd:CustomTag TypeID=\"{FIGURE_TAGS}\"><ofd:FileLoc>CustomTag.xml</ofd:FileLoc></ofd:CustomTag></ofd:CustomTags>\n"
        )
        .into_bytes(),
    ));
    parts.push(("Doc_0/Tags/CustomTag.xml".into(), written.tags.into_bytes()));
    parts.extend(files);
    zip(&parts).map_err(|e| PdfError::Engine(format!("写入 OFD 压缩包失败：{e}")))
}

/// `OFD.xml`: the entry, its one document and what it says about itself.
fn ofd_xml(meta: &OfdMeta) -> String {
    let mut info = String::new();
    // A DocID is 32 hex digits; made from the digest (or the title), so that it is the same
    // for the same inputs.
    let seed = meta
        .digest
        .as_ref()
        .map_or_else(|| meta.title.clone(), |d| d.sha256.clone());
    let doc_id = &crate::digest::sha256_hex(format!("ofd-docid:{seed}").as_bytes())[..32];
    info.push_str(&format!("<ofd:DocID>{doc_id}</ofd:DocID>"));
    info.push_str(&format!("<ofd:Title>{}</ofd:Title>", esc(&meta.title)));
    if let Some(author) = &meta.author {
        info.push_str(&format!("<ofd:Author>{}</ofd:Author>", esc(author)));
    }
    if let Some(d) = meta.date {
        info.push_str(&format!(
            "<ofd:CreationDate>{:04}-{:02}-{:02}</ofd:CreationDate>",
            d.year, d.month, d.day
        ));
    }
    info.push_str("<ofd:Creator>speechgen</ofd:Creator>");
    info.push_str(&format!(
        "<ofd:CreatorVersion>{}</ofd:CreatorVersion>",
        env!("CARGO_PKG_VERSION")
    ));
    if let Some(d) = &meta.digest {
        info.push_str(&format!(
            "<ofd:CustomDatas><ofd:CustomData Name=\"{DIGEST_NAME}\">{}</ofd:CustomData></ofd:CustomDatas>",
            esc(&d.manifest())
        ));
    }
    format!(
        "{XML_HEAD}<ofd:OFD xmlns:ofd=\"{NS}\" Version=\"1.0\" DocType=\"OFD\"><ofd:DocBody><ofd:DocInfo>{info}</ofd:DocInfo><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>\n"
    )
}

/// `Doc_0/Document.xml`: the page area, the resources, the pages (`BaseLoc` relative, from
/// `Pages/Page_0`) and the custom tags.
fn document_xml(pages: usize, page_ids: &[u32], max_id: u32) -> String {
    let list: String = (0..pages)
        .map(|n| {
            format!(
                "<ofd:Page ID=\"{}\" BaseLoc=\"Pages/Page_{n}/Content.xml\"/>",
                page_ids[n]
            )
        })
        .collect();
    format!(
        "{XML_HEAD}<ofd:Document xmlns:ofd=\"{NS}\"><ofd:CommonData><ofd:MaxUnitID>{max_id}</ofd:MaxUnitID><ofd:PageArea><ofd:PhysicalBox>0 0 {} {}</ofd:PhysicalBox></ofd:PageArea><ofd:PublicRes>PublicRes.xml</ofd:PublicRes><ofd:DocumentRes>DocumentRes.xml</ofd:DocumentRes></ofd:CommonData><ofd:Pages>{list}</ofd:Pages><ofd:CustomTags>Tags/CustomTags.xml</ofd:CustomTags></ofd:Document>\n",
        mm(PAGE_W_MM),
        mm(PAGE_H_MM)
    )
}

/// The package: entries in the order given, each deflated, dated 1980-01-01 00:00, mode 0644
/// (as the .docx: the same input gives the same bytes).
fn zip(parts: &[(String, Vec<u8>)]) -> zip::result::ZipResult<Vec<u8>> {
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .last_modified_time(DateTime::default())
        .unix_permissions(0o644);
    let mut writer = ZipWriter::new(Cursor::new(Vec::new()));
    for (name, bytes) in parts {
        writer.start_file(name.as_str(), options)?;
        writer.write_all(bytes)?;
    }
    Ok(writer.finish()?.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths_are_written_to_a_thousandth_without_trailing_zeros() {
        assert_eq!(mm(210.0), "210");
        assert_eq!(mm(5.644_44), "5.644");
        assert_eq!(mm(0.25), "0.25");
        assert_eq!(mm(-0.25), "-0.25");
        assert_eq!(mm(-0.0001), "0");
        assert_eq!(thousandths(7), "0.007");
    }

    #[test]
    fn text_is_escaped_for_content_and_attributes() {
        assert_eq!(esc("a<b>&\"c\"\u{1}"), "a&lt;b&gt;&amp;&quot;c&quot;");
    }
}
