//! The speech as a PDF on the GB/T 9704 page: A4, 22 lines of 28 characters, written by krilla.
//!
//! The path a render takes: `fonts` chooses the faces (office fonts or the compiled-in ones) →
//! `layout` resolves a face for every character, measures, breaks lines (`linebreak`, the 禁则
//! rules) and paginates → `write` hands the placed glyphs to krilla, which subsets the faces,
//! tags the text in reading order and checks the standard the file declares (PDF/A-2b).

mod error;
pub mod fonts;
pub mod layout;
pub mod linebreak;
pub mod textset;
pub mod write;

pub use write::{Date, PdfStandard};

use std::path::PathBuf;

pub use self::error::{PdfError, Place};
use crate::document::Document;
pub use crate::settings::{Grid, PageNumbers};

/// How the faces are chosen, and the standard the file declares.
#[derive(Debug, Clone, Default)]
pub struct PdfOptions {
    pub fonts: FontChoice,
    /// Searched before the system's font folders (`--font-dir`).
    pub font_dirs: Vec<PathBuf>,
    /// `--pdf-standard`; None: PDF/A-2b for the final speech and the circulation copy, plain
    /// PDF for a draft.
    pub standard: Option<PdfStandard>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum FontChoice {
    /// The office fonts (仿宋_GB2312, 方正小标宋简体, 黑体, 楷体_GB2312) when found, else the bundled faces.
    #[default]
    Auto,
    /// Only the compiled-in faces: the same output on every machine (tests use this).
    Bundled,
}

#[derive(Debug, Clone)]
pub struct PdfOutput {
    pub bytes: Vec<u8>,
    /// One line per face used, e.g. "正文: AR PL SungtiL GB (内置)".
    pub faces_used: Vec<String>,
    pub pages: usize,
}

/// What the speech's settings (`templates/speech.yaml`) say about the file: what it says about
/// itself beside its pages (its Info dictionary), and where its page numbers stand. The default
/// is plain PDF without a date: a caller that asks for nothing gets nothing it did not ask for;
/// `render` asks for PDF/A-2b with the date of its inputs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Metadata {
    /// The speech's name; None: the document's title.
    pub title: Option<String>,
    /// Who gives the speech; None: no Author entry.
    pub author: Option<String>,
    /// The digest of the inputs the speech was rendered from: its manifest in the Keywords
    /// (Info and XMP; `speechgen verify` reads it back) and its short form on the last page.
    pub digest: Option<crate::digest::Digest>,
    /// GB/T 9704 (odd pages right, even pages left) or centred.
    pub page_numbers: PageNumbers,
    /// How full lines are filled (`grid:` in speech.yaml).
    pub grid: Grid,
    /// The creation date the file declares (PDF/A needs one): from the inputs, never the clock.
    pub date: Option<Date>,
    /// The standard the file declares and is checked against.
    pub standard: PdfStandard,
}

impl Default for Metadata {
    fn default() -> Metadata {
        Metadata {
            title: None,
            author: None,
            digest: None,
            page_numbers: PageNumbers::default(),
            grid: Grid::default(),
            date: None,
            standard: PdfStandard::V1_7,
        }
    }
}

/// Lays out the document on the GB/T 9704 page and returns the finished PDF, its metadata
/// the document's title alone.
pub fn write_pdf(doc: &Document, opts: &PdfOptions) -> Result<PdfOutput, PdfError> {
    Typesetter::new(opts)?.typeset(doc, &Metadata::default())
}

/// The faces chosen once, for any number of documents. Choosing them walks the system's font
/// folders and reads the office fonts (megabytes each), so a command that lays out several
/// speeches, or the preview that lays out every version, chooses once and keeps this.
#[derive(Clone)]
pub struct Typesetter {
    faces: fonts::FaceSet,
    /// Each role's face with the SHA-256 of its file, hashed on the first PDF made.
    records: std::sync::OnceLock<Vec<crate::digest::Face>>,
}

impl Typesetter {
    pub fn new(opts: &PdfOptions) -> Result<Typesetter, PdfError> {
        Ok(Typesetter {
            faces: fonts::choose(opts)?,
            records: std::sync::OnceLock::new(),
        })
    }

    /// The face of each role (正文, 标题, …), its family and the SHA-256 of its font file: what
    /// the PDF's digest manifest records, so that `verify` can tell other faces from other inputs.
    pub fn face_records(&self) -> Vec<crate::digest::Face> {
        self.records
            .get_or_init(|| {
                // Each face hashed once (two roles may share one), and a compiled-in face's
                // pages handed back as soon as it is: hashing reads every page of megabytes of
                // outlines, and the layout then reads only the few glyphs it sets.
                let mut hashed: Vec<(usize, String)> = Vec::new();
                fonts::Role::ALL
                    .iter()
                    .map(|role| {
                        let i = self.faces.for_role(*role);
                        let face = &self.faces.faces[i];
                        let sha256 = match hashed.iter().find(|(j, _)| *j == i) {
                            Some((_, sha)) => sha.clone(),
                            None => {
                                let sha = crate::digest::sha256_hex(face.bytes());
                                self.faces.release_pages(i);
                                hashed.push((i, sha.clone()));
                                sha
                            }
                        };
                        crate::digest::Face {
                            role: role.label().to_owned(),
                            family: face.family.clone(),
                            sha256,
                        }
                    })
                    .collect()
            })
            .clone()
    }

    /// Font files skipped while choosing the faces, each with its path and why (printed by the
    /// caller; they never stop a render).
    pub fn warnings(&self) -> &[String] {
        self.faces.warnings()
    }

    /// Notes for the user about the faces chosen (an office face missing and what stands in),
    /// to print once per render; never diagnostics, so `--deny-warnings` ignores them.
    pub fn notes(&self) -> &[String] {
        self.faces.notes()
    }

    /// Lays the document out on the GB/T 9704 page and writes the file without keeping it: what
    /// `check` runs to find every character no face has and every segment wider than a line,
    /// as `typeset` would, and whatever the PDF writer refuses (a face it cannot embed, a rule
    /// of the standard `meta` declares: krilla's `Document::finish` validates as it writes), so
    /// that a green `check` means `render` succeeds.
    pub fn lay_out(&self, doc: &Document, meta: &Metadata) -> Result<(), PdfError> {
        // The whole file as render writes it, metadata and all (a manifest too long for the
        // standard's strings would fail here as there), dropped.
        self.typeset(doc, meta).map(|_| ())
    }

    /// Lays out the document on the GB/T 9704 page and returns the finished PDF.
    /// With a digest in `meta`, the manifest goes into the Keywords and its first 12 digits in
    /// small type at the foot of the last page, set like the page numbers.
    pub fn typeset(&self, doc: &Document, meta: &Metadata) -> Result<PdfOutput, PdfError> {
        let (bytes, faces_used, pages) = self.with_plan(doc, meta, |plan, meta| {
            (
                Typesetter::write(doc, plan, meta),
                self.faces_used(plan),
                plan.pages.len(),
            )
        })?;
        Ok(PdfOutput {
            bytes: bytes?,
            faces_used,
            pages,
        })
    }

    /// The layout `typeset` writes, handed to `write` with the metadata `typeset` records (the
    /// digest naming the faces): what another fixed-layout format (the OFD, `crate::ofd`) is
    /// written from too, so that its pages, lines and positions are the PDF's.
    pub fn with_plan<R>(
        &self,
        doc: &Document,
        meta: &Metadata,
        write: impl FnOnce(&layout::Plan, &Metadata) -> R,
    ) -> Result<R, PdfError> {
        // The manifest names the faces too (not the short digest: the sheet and the print
        // match). The circulation copy carries the combined digest alone (issue 18 §6): no
        // faces either.
        let digest = meta.digest.clone().map(|mut d| {
            if !d.is_masked() {
                d.faces = self.face_records();
            }
            d
        });
        let short = digest.as_ref().map(|d| d.short());
        let plan = layout::plan_with(
            doc,
            &self.faces,
            layout::Setup {
                page_numbers: meta.page_numbers,
                grid: meta.grid,
            },
            short,
        )?;
        let meta = Metadata {
            digest,
            ..meta.clone()
        };
        let out = write(&plan, &meta);
        // Done with the faces' glyphs: the compiled-in faces' pages need not stay resident.
        for i in 0..self.faces.faces.len() {
            self.faces.release_pages(i);
        }
        Ok(out)
    }

    /// What a plan sets each role in, a line each (`正文: AR PL SungtiL GB (内置)`), then the faces
    /// with no role: the Song face that sets only the page numbers (`FaceSet::song`) as 页码, any
    /// other (characters a role's face lacks) as 补字. What the PDF and the OFD say they were set
    /// in.
    pub fn faces_used(&self, plan: &layout::Plan) -> Vec<String> {
        let mut out = Vec::new();
        for role in fonts::Role::ALL {
            if let Some(f) = plan.faces.iter().find(|f| f.roles.contains(&role)) {
                out.push(format!("{}: {}", role.label(), f.describe));
            }
        }
        let song = &self.faces.faces[self.faces.song()];
        for (f, m) in plan.faces.iter().zip(&plan.metrics) {
            if !f.roles.is_empty() {
                continue;
            }
            let numbers_only = f.source.family == song.family
                && f.source.path == song.path
                && m.chars().all(|c| c == '—' || c.is_ascii_digit());
            let what = if numbers_only { "页码" } else { "补字" };
            out.push(format!("{what}: {}", f.describe));
        }
        out
    }

    /// The first stage of `typeset` (public so that `benches/render.rs` times each): every
    /// face measured and every run placed on its page.
    pub fn plan(
        &self,
        doc: &Document,
        page_numbers: PageNumbers,
    ) -> Result<layout::Plan, PdfError> {
        layout::plan(doc, &self.faces, page_numbers, None)
    }

    /// The second stage of `typeset`: krilla writes the plan's pages, decorations and text
    /// block, with the metadata of `meta`.
    pub fn write(
        doc: &Document,
        plan: &layout::Plan,
        meta: &Metadata,
    ) -> Result<Vec<u8>, PdfError> {
        use layout::{MARGIN_LEFT_MM, MARGIN_TOP_MM, PAGE_H_MM, PAGE_W_MM, PT_PER_MM};
        let block = (MARGIN_LEFT_MM * PT_PER_MM, MARGIN_TOP_MM * PT_PER_MM);
        let pages: Vec<write::PageContent<'_>> = (plan.pages.iter().zip(&plan.decorations))
            .map(|(text, decorations)| write::PageContent {
                // The text block first, in reading order; what is printed around it after.
                runs: (text.iter().map(|r| (r, block)))
                    .chain(decorations.iter().map(|r| (r, (0.0, 0.0))))
                    .collect(),
                rules: &[],
            })
            .collect();
        let info = write::DocInfo {
            title: meta.title.as_deref().unwrap_or(&doc.title),
            author: meta.author.as_deref(),
            keywords: meta
                .digest
                .as_ref()
                .map_or_else(Vec::new, |d| d.pdf_keywords()),
            date: meta.date,
            standard: meta.standard,
        };
        let size = (PAGE_W_MM * PT_PER_MM, PAGE_H_MM * PT_PER_MM);
        write::write(&plan.faces, &plan.metrics, size, &pages, &info)
    }
}
