//! An OFD read back, for `verify`: the text each page shows, page by page. (Its digest is read
//! where every output's is, `digest::Digest::find_in`.)

use std::io::Read;

/// Whether `bytes` is an OFD package: a zip holding `OFD.xml`.
pub fn is_ofd(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04")
        && zip::ZipArchive::new(std::io::Cursor::new(bytes))
            .is_ok_and(|mut z| z.by_name("OFD.xml").is_ok())
}

/// The text of every page, in the order `Document.xml` lists them: the `TextCode`s of each
/// page's `Content.xml` in the order they stand. Err says in words why the file cannot be read.
pub fn page_texts(bytes: &[u8]) -> Result<Vec<String>, String> {
    const CAP: u64 = 64 << 20;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|e| format!("OFD 文件无法读取（{e}）"))?;
    let mut part = |name: &str| -> Result<String, String> {
        let mut xml = String::new();
        zip.by_name(name)
            .map_err(|_| format!("OFD 文件中缺少 {name}"))?
            .take(CAP)
            .read_to_string(&mut xml)
            .map_err(|e| format!("OFD 文件无法读取（{e}）"))?;
        Ok(xml)
    };
    let parse = |xml: &str| -> Result<Vec<(String, String)>, String> {
        let doc =
            roxmltree::Document::parse(xml).map_err(|e| format!("OFD 文件无法读取（{e}）"))?;
        Ok(doc
            .descendants()
            .filter(|n| n.is_element())
            .map(|n| {
                let value = match n.tag_name().name() {
                    "Page" => n.attribute("BaseLoc").unwrap_or_default().to_owned(),
                    "DocRoot" => n.text().unwrap_or_default().trim().to_owned(),
                    _ => n.text().unwrap_or_default().to_owned(),
                };
                (n.tag_name().name().to_owned(), value)
            })
            .collect())
    };
    let root = parse(&part("OFD.xml")?)?
        .into_iter()
        .find(|(name, _)| name == "DocRoot")
        .map(|(_, loc)| loc.trim_start_matches('/').to_owned())
        .ok_or_else(|| "OFD 文件中缺少 DocRoot".to_owned())?;
    let dir = root.rsplit_once('/').map_or("", |(d, _)| d);
    let join = |loc: &str| {
        if dir.is_empty() {
            loc.to_owned()
        } else {
            format!("{dir}/{loc}")
        }
    };
    let pages: Vec<String> = parse(&part(&root)?)?
        .into_iter()
        .filter(|(name, loc)| name == "Page" && !loc.is_empty())
        .map(|(_, loc)| join(&loc))
        .collect();
    pages
        .iter()
        .map(|page| {
            Ok(parse(&part(page)?)?
                .into_iter()
                .filter(|(name, _)| name == "TextCode")
                .map(|(_, text)| text)
                .collect())
        })
        .collect()
}
