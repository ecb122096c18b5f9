//! Turns genpdf's output into the file we ship: subset fonts tagged as subsets, unused font
//! resources dropped, streams compressed, metadata in Unicode, and nothing that changes from one
//! run to the next (printpdf writes the current time and random document ids).

use std::collections::BTreeSet;

use lopdf::content::Content;
use lopdf::{Dictionary, Object, ObjectId, StringFormat};

use super::PdfError;
use super::layout::{Plan, Run};

fn engine(e: impl std::fmt::Display) -> PdfError {
    PdfError::Engine(format!("lopdf: {e}"))
}

/// SHA-256 over `parts`, each preceded by its length so that two lists of parts never hash
/// alike by running together. Stable across Rust versions and platforms, unlike
/// `DefaultHasher`, so the subset tags and the document id are the same wherever the same
/// input is rendered; and fast where FNV-1a, a byte at a time, was not (the CPU's SHA
/// instructions; the sample's fonts and pages, hashed three times with FNV-1a, were 0.7 ms of
/// a 16 ms render).
pub fn fingerprint(parts: &[&[u8]]) -> [u8; 32] {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    for p in parts {
        h.update((p.len() as u64).to_be_bytes());
        h.update(p);
    }
    h.finalize().into()
}

/// The six capital letters that mark a subset font (PDF 32000 9.6.4), derived from its bytes.
pub fn subset_tag(subset: &[u8]) -> String {
    let digest = fingerprint(&[subset]);
    let mut h = u64::from_be_bytes(digest[..8].try_into().expect("8 bytes"));
    (0..6)
        .map(|_| {
            let c = (b'A' + (h % 26) as u8) as char;
            h /= 26;
            c
        })
        .collect()
}

/// `info_entries`: more entries for the document information dictionary (the digest).
pub fn finish(
    raw: &[u8],
    plan: &Plan,
    title: &str,
    author: Option<&str>,
    info_entries: &[(String, String)],
) -> Result<Vec<u8>, PdfError> {
    finish_packed(raw, plan, || pack_fonts(plan), title, author, info_entries)
}

/// Deflates as every stream of the file is deflated: level 6 is within a percent of level 9 in
/// size at a third of the time.
pub fn deflate(bytes: &[u8]) -> std::io::Result<Vec<u8>> {
    Deflater::new().deflate(bytes)
}

/// A deflate state used for one stream after another. zlib-rs's state is about 300 KB, which
/// the allocator maps fresh (and the kernel zeroes page by page) for each new one: made anew
/// for every stream, that was 12% of a render's cpu time in page faults and setting up.
pub struct Deflater(flate2::Compress);

impl Deflater {
    pub fn new() -> Deflater {
        Deflater(flate2::Compress::new(flate2::Compression::new(6), true))
    }

    /// `bytes` as one zlib stream, all of it given at once with the finish flag.
    pub fn deflate(&mut self, bytes: &[u8]) -> std::io::Result<Vec<u8>> {
        self.0.reset();
        let mut out = Vec::with_capacity(bytes.len() / 2 + 64);
        loop {
            let read = usize::try_from(self.0.total_in()).expect("a stream in memory");
            let status = self
                .0
                .compress_vec(&bytes[read..], &mut out, flate2::FlushCompress::Finish)
                .map_err(std::io::Error::other)?;
            match status {
                flate2::Status::StreamEnd => return Ok(out),
                // Out of room: more, and go on where it stopped.
                _ => out.reserve(out.capacity().max(4096)),
            }
        }
    }
}

impl Default for Deflater {
    fn default() -> Deflater {
        Deflater::new()
    }
}

/// The embedded faces deflated, in the order of `plan.faces`: most of the deflating a file
/// needs.
pub fn pack_fonts(plan: &Plan) -> std::io::Result<Vec<Vec<u8>>> {
    let mut deflater = Deflater::new();
    plan.faces
        .iter()
        .map(|f| deflater.deflate(&f.subset))
        .collect()
}

/// Each subset deflated on a thread of its own as soon as the layout has made it
/// (`FontPacker::take`, the layout's hook), so that the largest part of finishing, the body
/// face's deflate, runs beside the rest of the layout, genpdf's drawing and `finish`'s
/// rewriting of the pages instead of after them.
pub struct FontPacker<'scope> {
    tx: std::sync::mpsc::Sender<Vec<u8>>,
    packed: std::thread::ScopedJoinHandle<'scope, Vec<Packed>>,
}

/// A subset and its deflated bytes.
type Packed = (Vec<u8>, std::io::Result<Vec<u8>>);

impl<'scope> FontPacker<'scope> {
    pub fn start<'env>(scope: &'scope std::thread::Scope<'scope, 'env>) -> FontPacker<'scope> {
        let (tx, rx) = std::sync::mpsc::channel::<Vec<u8>>();
        let packed = scope.spawn(move || {
            let mut deflater = Deflater::new();
            rx.into_iter()
                .map(|subset| {
                    let packed = deflater.deflate(&subset);
                    (subset, packed)
                })
                .collect()
        });
        FontPacker { tx, packed }
    }

    /// A subset the layout has made: deflated from now on.
    pub fn take(&self, subset: &[u8]) {
        // The thread is gone only when it panicked; `faces` reports that.
        let _ = self.tx.send(subset.to_vec());
    }

    /// The faces of `plan` deflated, in its order, once the thread is done with them: the
    /// layout gives every face it embeds to `take` (the marks and the digest stamp included).
    pub fn faces(self, plan: &Plan) -> std::io::Result<Vec<Vec<u8>>> {
        let FontPacker { tx, packed } = self;
        drop(tx);
        let mut packed = packed
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        plan.faces
            .iter()
            .map(
                |f| match packed.iter().position(|(subset, _)| *subset == f.subset) {
                    Some(i) => packed.swap_remove(i).1,
                    None => Err(std::io::Error::other(format!(
                        "字体 {} 的子集未交给压缩线程（程序内部错误）",
                        f.family
                    ))),
                },
            )
            .collect()
    }
}

/// `finish` with the faces deflated by `fonts` (`pack_fonts`), which is called only once the
/// pages are done: `Typesetter::typeset` deflates them on another thread meanwhile.
pub fn finish_packed(
    raw: &[u8],
    plan: &Plan,
    fonts: impl FnOnce() -> std::io::Result<Vec<Vec<u8>>>,
    title: &str,
    author: Option<&str>,
    info_entries: &[(String, String)],
) -> Result<Vec<u8>, PdfError> {
    let mut doc = lopdf::Document::load_mem(raw).map_err(engine)?;

    // Fonts the pages actually set; genpdf lists every font (the builtin stand-ins for bold and
    // italic too) in a font dictionary the pages may share, so filter by the union.
    let mut contents: Vec<Vec<u8>> = Vec::new();
    let mut used: BTreeSet<Vec<u8>> = BTreeSet::new();
    let pages: Vec<ObjectId> = doc.get_pages().into_values().collect();
    for (no, &page_id) in pages.iter().enumerate() {
        let content = doc.get_page_content(page_id);
        let mut ops = Content::decode(&content).map_err(engine)?;
        // Decorations are printed before the text block on each page (genpdf decorates first).
        let runs = plan
            .decorations
            .get(no)
            .into_iter()
            .chain(plan.pages.get(no))
            .flatten();
        set_positions(&mut ops, runs)?;
        let content = ops.encode().map_err(engine)?;
        set_page_content(&mut doc, page_id, content.clone())?;
        used.extend(
            ops.operations
                .iter()
                .filter(|op| op.operator == "Tf")
                .filter_map(|op| op.operands.first()?.as_name().ok().map(<[u8]>::to_vec)),
        );
        contents.push(content);
    }
    for &page_id in &pages {
        let fonts = match font_dict_location(&doc, page_id)? {
            FontDict::Object(id) => doc.get_dictionary_mut(id).map_err(engine)?,
            FontDict::InResources(id) => doc
                .get_dictionary_mut(id)
                .map_err(engine)?
                .get_mut(b"Font")
                .and_then(Object::as_dict_mut)
                .map_err(engine)?,
            FontDict::InPage => doc
                .get_dictionary_mut(page_id)
                .map_err(engine)?
                .get_mut(b"Resources")
                .and_then(Object::as_dict_mut)
                .and_then(|r| r.get_mut(b"Font"))
                .and_then(Object::as_dict_mut)
                .map_err(engine)?,
            FontDict::None => continue,
        };
        let unused: Vec<Vec<u8>> = fonts
            .iter()
            .map(|(k, _)| k.clone())
            .filter(|k| !used.contains(k))
            .collect();
        for k in unused {
            fonts.remove(&k);
        }
    }

    let fonts = fonts().map_err(|e| PdfError::Engine(format!("deflate: {e}")))?;
    // Name each embedded face TAG+PostScriptName and give it its real bounding box.
    let mut renames: Vec<(ObjectId, ObjectId, usize)> = Vec::new();
    for (&id, obj) in &doc.objects {
        let Ok(dict) = obj.as_dict() else { continue };
        if dict.get(b"Subtype").and_then(Object::as_name).ok() != Some(b"Type0") {
            continue;
        }
        let Some(fd_id) = dict
            .get(b"DescendantFonts")
            .and_then(Object::as_array)
            .ok()
            .and_then(|a| a.first())
            .and_then(|d| match d {
                Object::Reference(r) => doc.get_dictionary(*r).ok(),
                o => o.as_dict().ok(),
            })
            .and_then(|d| d.get(b"FontDescriptor").and_then(Object::as_reference).ok())
        else {
            continue;
        };
        let file = doc
            .get_dictionary(fd_id)
            .and_then(|fd| fd.get(b"FontFile2").and_then(Object::as_reference))
            .and_then(|r| doc.get_object(r))
            .and_then(Object::as_stream)
            .and_then(|s| s.decompressed_content())
            .map_err(engine)?;
        if let Some(face) = plan.faces.iter().position(|f| f.subset == file) {
            renames.push((id, fd_id, face));
        }
    }
    for (font_id, fd_id, face) in renames {
        let f = &plan.faces[face];
        let name = format!("{}+{}", subset_tag(&f.subset), f.postscript);
        let font = doc.get_dictionary_mut(font_id).map_err(engine)?;
        font.set("BaseFont", Object::Name(name.clone().into_bytes()));
        let to_unicode = font.get(b"ToUnicode").and_then(Object::as_reference).ok();
        if let Ok(arr) = font
            .get_mut(b"DescendantFonts")
            .and_then(Object::as_array_mut)
            && let Some(Object::Dictionary(d)) = arr.first_mut()
        {
            d.set("BaseFont", Object::Name(name.clone().into_bytes()));
        }
        let fd = doc.get_dictionary_mut(fd_id).map_err(engine)?;
        fd.set("FontName", Object::Name(name.into_bytes()));
        if let Ok(face) = ttf_parser::Face::parse(&f.subset, 0) {
            let b = face.global_bounding_box();
            let k = 1000.0 / f64::from(face.units_per_em());
            let s = |v: i16| Object::Integer((f64::from(v) * k).round() as i64);
            fd.set(
                "FontBBox",
                Object::Array(vec![s(b.x_min), s(b.y_min), s(b.x_max), s(b.y_max)]),
            );
            // Symbolic: a CJK subset's glyphs lie outside the standard Latin set.
            fd.set("Flags", Object::Integer(4));
        }
        // printpdf writes each code point as four hex digits, which garbles characters beyond
        // U+FFFF (rare name characters of CJK Extension B); write the map again in UTF-16.
        if let (Some(id), Some(cmap)) = (to_unicode, to_unicode_cmap(&f.subset)) {
            let stream = doc
                .get_object_mut(id)
                .and_then(Object::as_stream_mut)
                .map_err(engine)?;
            stream.dict.remove(b"Filter");
            stream.set_content(cmap.into_bytes());
        }
        // The face's file, deflated already.
        let file = doc
            .get_dictionary(fd_id)
            .and_then(|fd| fd.get(b"FontFile2"))
            .and_then(Object::as_reference);
        if let (Ok(file), Some(packed)) = (file, fonts.get(face)) {
            let stream = doc
                .get_object_mut(file)
                .and_then(Object::as_stream_mut)
                .map_err(engine)?;
            if packed.len() < stream.content.len() {
                stream
                    .dict
                    .set("Filter", Object::Name(b"FlateDecode".to_vec()));
                stream.set_content(packed.clone());
            }
        }
    }

    // Metadata: Unicode title, no timestamps, an id derived from the content.
    let mut info = Dictionary::new();
    info.set("Title", lopdf::text_string(title));
    if let Some(author) = author {
        info.set("Author", lopdf::text_string(author));
    }
    info.set("Creator", lopdf::text_string("speechgen"));
    info.set("Producer", lopdf::text_string("speechgen (genpdf, lopdf)"));
    for (key, value) in info_entries {
        info.set(key.as_bytes().to_vec(), lopdf::text_string(value));
    }
    let info_id = doc.add_object(info);
    doc.trailer.set("Info", Object::Reference(info_id));
    let mut parts: Vec<&[u8]> = vec![title.as_bytes(), author.unwrap_or("").as_bytes()];
    parts.extend(contents.iter().map(Vec::as_slice));
    parts.extend(plan.faces.iter().map(|f| f.subset.as_slice()));
    let id: Vec<u8> = fingerprint(&parts)[..16].to_vec();
    doc.trailer.set(
        "ID",
        Object::Array(vec![
            Object::String(id.clone(), StringFormat::Hexadecimal),
            Object::String(id, StringFormat::Hexadecimal),
        ]),
    );

    doc.prune_objects();
    doc.delete_zero_length_streams();
    doc.renumber_objects();
    compress_streams(&mut doc)?;
    // Object and cross-reference streams need PDF 1.5 (2003); every current reader has it.
    doc.version = "1.5".into();
    let mut out = Vec::new();
    let opts = lopdf::SaveOptions::builder()
        .use_object_streams(true)
        .use_xref_streams(true)
        .compression_level(9)
        .build();
    doc.save_with_options(&mut out, opts).map_err(engine)?;
    Ok(out)
}

/// Gives each text object the character spacing (`Tc`) and the kerns of the run it prints.
/// genpdf can set neither, so they are written here: the n-th text object (BT … ET) of a page
/// is the n-th run the plan printed on it. `Tc` is graphics state that outlives ET, so it is
/// written where it changes. Each TJ array is written anew from the run: its glyphs in one
/// string between kerns (genpdf writes a string per glyph, and kerning numbers of its own that
/// the plan's positions already settle). A text object whose glyph count differs from its
/// run's is a bug and fails the render rather than spacing the wrong text.
fn set_positions<'a>(
    content: &mut Content,
    runs: impl Iterator<Item = &'a Run>,
) -> Result<(), PdfError> {
    use lopdf::content::Operation;
    let mut runs = runs;
    let mut out = Vec::with_capacity(content.operations.len());
    let mut current = 0.0f32;
    let mut run: Option<&Run> = None;
    for op in content.operations.drain(..) {
        match op.operator.as_str() {
            "BT" => {
                let r = runs
                    .next()
                    .ok_or_else(|| engine("more text objects than planned runs"))?;
                let tc = r.spacing as f32;
                out.push(op);
                if tc != current {
                    out.push(Operation::new("Tc", vec![Object::Real(tc)]));
                    current = tc;
                }
                run = Some(r);
            }
            "TJ" => {
                let glyphs: Vec<u8> = op
                    .operands
                    .first()
                    .and_then(|a| a.as_array().ok())
                    .map(|a| {
                        a.iter()
                            .filter_map(|o| o.as_str().ok())
                            .flatten()
                            .copied()
                            .collect()
                    })
                    .unwrap_or_default();
                let r = run.ok_or_else(|| engine("text outside a text object"))?;
                let expected = r.text.chars().count();
                // Two bytes a glyph: genpdf writes embedded fonts with Identity-H.
                if glyphs.len() != 2 * expected {
                    return Err(engine(format!(
                        "text object of {} glyphs where the plan has {expected}",
                        glyphs.len() / 2
                    )));
                }
                out.push(Operation::new(
                    "TJ",
                    vec![Object::Array(tj_array(&glyphs, r))],
                ));
            }
            _ => out.push(op),
        }
    }
    if runs.next().is_some() {
        return Err(engine("fewer text objects than planned runs"));
    }
    content.operations = out;
    Ok(())
}

/// A TJ array for the run's glyph codes (two bytes each): one string per stretch between
/// kerns, each kern a number before its glyph (TJ moves left by a positive number).
fn tj_array(glyphs: &[u8], run: &Run) -> Vec<Object> {
    let mut array = Vec::with_capacity(2 * run.kerns.len() + 1);
    let mut from = 0;
    for &(k, units) in &run.kerns {
        if k > from {
            array.push(Object::String(
                glyphs[2 * from..2 * k].to_vec(),
                StringFormat::Hexadecimal,
            ));
        }
        array.push(Object::Integer(-i64::from(units)));
        from = k;
    }
    array.push(Object::String(
        glyphs[2 * from..].to_vec(),
        StringFormat::Hexadecimal,
    ));
    array
}

/// A ToUnicode CMap (glyph id → text) for a subset font. Where several code points share a
/// glyph, a compatibility ideograph (U+F900…) never wins over the unified one, so copied text
/// holds the characters the speech was written with.
pub fn to_unicode_cmap(font: &[u8]) -> Option<String> {
    use std::collections::BTreeMap;
    use std::fmt::Write;
    let face = ttf_parser::Face::parse(font, 0).ok()?;
    let compat = |c: char| matches!(c as u32, 0xF900..=0xFAFF | 0x2F800..=0x2FA1F);
    let mut map: BTreeMap<u16, char> = BTreeMap::new();
    for sub in face
        .tables()
        .cmap?
        .subtables
        .into_iter()
        .filter(|s| s.is_unicode())
    {
        sub.codepoints(|cp| {
            let (Some(c), Some(g)) = (char::from_u32(cp), sub.glyph_index(cp)) else {
                return;
            };
            let better = match map.get(&g.0) {
                None => true,
                Some(&old) => (compat(old), old) > (compat(c), c),
            };
            if better && g.0 != 0 {
                map.insert(g.0, c);
            }
        });
    }
    let mut out = String::from(
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n\
         /CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n\
         /CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n\
         1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n",
    );
    let pairs: Vec<(u16, char)> = map.into_iter().collect();
    for chunk in pairs.chunks(100) {
        let _ = writeln!(out, "{} beginbfchar", chunk.len());
        for (g, c) in chunk {
            let mut units = [0u16; 2];
            let hex: String = c
                .encode_utf16(&mut units)
                .iter()
                .map(|u| format!("{u:04X}"))
                .collect();
            let _ = writeln!(out, "<{g:04X}> <{hex}>");
        }
        out.push_str("endbfchar\n");
    }
    out.push_str("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
    Some(out)
}

/// Deflates every stream not yet filtered (`deflate`), on both cores.
fn compress_streams(doc: &mut lopdf::Document) -> Result<(), PdfError> {
    let mut streams: Vec<&mut lopdf::Stream> = doc
        .objects
        .values_mut()
        .filter_map(|o| o.as_stream_mut().ok())
        .filter(|s| s.dict.get(b"Filter").is_err() && s.allows_compression)
        .collect();
    // Largest first, handed out alternately, so the two halves take about the same time.
    streams.sort_by_key(|s| std::cmp::Reverse(s.content.len()));
    let (mut a, mut b) = (Vec::new(), Vec::new());
    for (i, s) in streams.into_iter().enumerate() {
        if i % 2 == 0 { a.push(s) } else { b.push(s) }
    }
    let deflate = |list: Vec<&mut lopdf::Stream>| -> std::io::Result<()> {
        let mut deflater = Deflater::new();
        for s in list {
            let packed = deflater.deflate(&s.content)?;
            if packed.len() < s.content.len() {
                s.dict.set("Filter", Object::Name(b"FlateDecode".to_vec()));
                s.set_content(packed);
            }
        }
        Ok(())
    };
    std::thread::scope(|scope| {
        let other = scope.spawn(|| deflate(b));
        let mine = deflate(a);
        let theirs = other
            .join()
            .unwrap_or_else(|_| Err(std::io::Error::other("deflate panicked")));
        mine.and(theirs)
    })
    .map_err(engine)
}

/// Puts a page's new content in its stream as it is, for `compress_streams` to deflate with the
/// others on both cores (lopdf's `change_page_content` deflates it at level 9 on the spot).
fn set_page_content(
    doc: &mut lopdf::Document,
    page_id: ObjectId,
    content: Vec<u8>,
) -> Result<(), PdfError> {
    match doc.get_page_contents(page_id).as_slice() {
        [stream] => {
            doc.get_object_mut(*stream)
                .and_then(Object::as_stream_mut)
                .map_err(engine)?
                .set_plain_content(content);
            Ok(())
        }
        _ => doc.change_page_content(page_id, content).map_err(engine),
    }
}

enum FontDict {
    Object(ObjectId),
    InResources(ObjectId),
    InPage,
    None,
}

/// Where a page's /Font dictionary lives: printpdf may write it inline or by reference.
fn font_dict_location(doc: &lopdf::Document, page_id: ObjectId) -> Result<FontDict, PdfError> {
    let page = doc.get_dictionary(page_id).map_err(engine)?;
    let Ok(res) = page.get(b"Resources") else {
        return Ok(FontDict::None);
    };
    let (res_dict, res_id) = match res {
        Object::Reference(r) => (doc.get_dictionary(*r).map_err(engine)?, Some(*r)),
        o => (o.as_dict().map_err(engine)?, None),
    };
    Ok(match (res_dict.get(b"Font"), res_id) {
        (Ok(Object::Reference(r)), _) => FontDict::Object(*r),
        (Ok(_), Some(r)) => FontDict::InResources(r),
        (Ok(_), None) => FontDict::InPage,
        (Err(_), _) => FontDict::None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn to_unicode_maps_glyphs_to_utf16() {
        let hei = include_bytes!("../../fonts/wqy-microhei.ttf");
        let face = ttf_parser::Face::parse(hei, 0).unwrap();
        let nian = face.glyph_index('年').unwrap().0;
        let cmap = to_unicode_cmap(hei).unwrap();
        // 年 and its compatibility twin U+F98E share a glyph: 年 is what the map gives back.
        assert!(cmap.contains(&format!("<{nian:04X}> <5E74>")), "年");
        assert!(!cmap.contains("<F98E>"));
        assert!(cmap.contains("beginbfchar") && cmap.ends_with("end\nend\n"));
    }

    fn run(text: &str, spacing: f64) -> Run {
        Run {
            face: 0,
            size: 16,
            x: 0.0,
            baseline: 0.0,
            text: text.into(),
            spacing,
            kerns: Vec::new(),
        }
    }

    /// BT … TJ ET per run, as genpdf writes them.
    fn text_objects(runs: &[Run]) -> Content {
        use lopdf::content::Operation;
        let mut operations = Vec::new();
        for r in runs {
            let glyphs = r
                .text
                .chars()
                .map(|_| Object::String(vec![0, 1], StringFormat::Hexadecimal))
                .collect();
            operations.push(Operation::new("BT", vec![]));
            operations.push(Operation::new("TJ", vec![Object::Array(glyphs)]));
            operations.push(Operation::new("ET", vec![]));
        }
        Content { operations }
    }

    #[test]
    fn character_spacing_is_written_where_it_changes() {
        let runs = [
            run("甲乙", 0.0),
            run("丙丁", 0.571),
            run("戊", 0.571),
            run("己", 0.0),
        ];
        let mut content = text_objects(&runs);
        set_positions(&mut content, runs.iter()).unwrap();
        let tc: Vec<f32> = content
            .operations
            .iter()
            .filter(|op| op.operator == "Tc")
            .map(|op| op.operands[0].as_float().unwrap())
            .collect();
        // Set once for two runs, reset for the last.
        assert_eq!(tc, [0.571, 0.0]);
    }

    #[test]
    fn kerns_go_into_the_tj_array_between_glyph_strings() {
        let mut r = run("甲，乙丙", 0.0);
        // The ， gives a quarter em: 乙 and 丙 move left 250 thousandths.
        r.kerns = vec![(2, -250)];
        let mut content = text_objects(std::slice::from_ref(&r));
        set_positions(&mut content, [r].iter()).unwrap();
        let tj = content
            .operations
            .iter()
            .find(|op| op.operator == "TJ")
            .unwrap();
        let array = tj.operands[0].as_array().unwrap();
        assert_eq!(array.len(), 3, "{array:?}");
        assert_eq!(
            array[0].as_str().unwrap().len(),
            4,
            "two glyphs in one string"
        );
        assert_eq!(array[1].as_i64().unwrap(), 250);
        assert_eq!(array[2].as_str().unwrap().len(), 4);
    }

    #[test]
    fn a_text_object_that_does_not_match_its_run_is_refused() {
        let mut content = text_objects(&[run("甲乙", 0.0)]);
        assert!(set_positions(&mut content, [run("甲", 0.0)].iter()).is_err());
        let mut content = text_objects(&[run("甲", 0.0)]);
        let two = [run("甲", 0.0), run("乙", 0.0)];
        assert!(set_positions(&mut content, two.iter()).is_err());
    }

    #[test]
    fn a_deflater_used_again_gives_what_a_new_one_gives_and_inflates_back() {
        use std::io::Read;
        // Text that compresses, bytes that do not (more out than `deflate` first makes room
        // for), and nothing.
        let text = "机关党建工作推进会 2021 ".repeat(4000).into_bytes();
        let mut noise = Vec::new();
        let mut x = 0x2545_f491_4f6c_dd1du64;
        for _ in 0..200_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            noise.push(x as u8);
        }
        let mut reused = Deflater::new();
        for input in [&text[..], &noise[..], &[][..], &text[..]] {
            let packed = reused.deflate(input).unwrap();
            assert_eq!(packed, Deflater::new().deflate(input).unwrap());
            let mut back = Vec::new();
            flate2::read::ZlibDecoder::new(&packed[..])
                .read_to_end(&mut back)
                .unwrap();
            assert!(
                back == input,
                "{} bytes in, {} back",
                input.len(),
                back.len()
            );
        }
    }

    #[test]
    fn fingerprints_keep_parts_apart() {
        assert_ne!(fingerprint(&[b"ab", b"c"]), fingerprint(&[b"a", b"bc"]));
        assert_ne!(fingerprint(&[b"abc"]), fingerprint(&[b"abc", b""]));
        assert_eq!(fingerprint(&[b"ab", b"c"]), fingerprint(&[b"ab", b"c"]));
    }

    #[test]
    fn subset_tags_are_six_capitals_and_stable() {
        let t = subset_tag(b"font bytes");
        assert_eq!(t.len(), 6);
        assert!(t.chars().all(|c| c.is_ascii_uppercase()));
        assert_eq!(t, subset_tag(b"font bytes"));
        assert_ne!(t, subset_tag(b"other bytes"));
    }
}
