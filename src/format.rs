//! The output formats, and the one way each is made from a render: the command line and the
//! preview server both call [`Format::render`], so a new format is one module and one arm here.

use std::sync::{Arc, Mutex, OnceLock};

use crate::diagnostic::Diagnostic;
use crate::document::Document;
use crate::error::Error;
use crate::pdf::{Metadata, PdfError, PdfOptions, Typesetter};
use crate::pipeline::Rendered;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, clap::ValueEnum)]
pub enum Format {
    /// Markdown 文本（speech.md）
    Md,
    /// 网页（speech.html）
    Html,
    /// A4，按 GB/T 9704 公文格式排版（A4, laid out as GB/T 9704 official documents are）
    Pdf,
    /// Word（.docx），供修改文字：版面相同，样式有名称，数字为内容控件（Word, for editing the
    /// wording）
    Docx,
    /// OFD（GB/T 33190 版式文档，电子公文的格式），版面与 PDF 相同（OFD, the fixed-layout format of
    /// China's electronic official documents, laid out as the PDF）
    Ofd,
}

impl Format {
    /// What `render` writes when no `--format` is given.
    pub const DEFAULT: [Format; 4] = [Format::Md, Format::Html, Format::Pdf, Format::Docx];

    pub fn extension(self) -> &'static str {
        match self {
            Format::Md => "md",
            Format::Html => "html",
            Format::Pdf => "pdf",
            Format::Docx => "docx",
            Format::Ofd => "ofd",
        }
    }

    /// The MIME type, for the preview server.
    pub fn media_type(self) -> &'static str {
        match self {
            Format::Md => "text/markdown; charset=utf-8",
            Format::Html => "text/html; charset=utf-8",
            Format::Pdf => "application/pdf",
            Format::Docx => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
            Format::Ofd => "application/ofd",
        }
    }

    /// Whether the format is laid out on the GB/T 9704 page (the PDF's layout): `check` then
    /// lays the speech out to find what would stop it.
    pub fn lays_out(self) -> bool {
        matches!(self, Format::Pdf | Format::Ofd)
    }

    /// The file a render is written to in this format: `speech.pdf` for the final speech. The
    /// stem comes from the render's kind, so that copies of different kinds never share a name.
    pub fn file_name(self, rendered: &Rendered) -> String {
        format!("{}.{}", rendered.kind.stem(), self.extension())
    }

    /// The render in this format, as the bytes of its file.
    pub fn render(self, rendered: &Rendered, renderers: &Renderers) -> Result<Vec<u8>, Error> {
        match self {
            Format::Md => Ok(rendered.markdown.clone().into_bytes()),
            Format::Html => Ok(rendered.html_page.clone().into_bytes()),
            Format::Pdf => renderers.pdf(rendered),
            Format::Ofd => renderers.ofd(rendered),
            Format::Docx => {
                let meta = crate::docx::DocxMeta {
                    title: rendered
                        .settings
                        .title
                        .clone()
                        .unwrap_or_else(|| rendered.document.title.clone()),
                    author: rendered.settings.author.clone().unwrap_or_default(),
                    digest: Some(rendered.digest.manifest()),
                    created: crate::date::Date::of_inputs(rendered.settings.date, rendered.year),
                    fonts: renderers.docx_fonts()?,
                };
                crate::docx::write_docx(&rendered.document, &meta).map_err(Error::Internal)
            }
        }
    }
}

/// Lays out a document as PDF in place of the typesetter: for tests of the preview server, which
/// count, slow down or break renders.
pub type PdfEngine = Arc<dyn Fn(&Document) -> Result<Vec<u8>, Error> + Send + Sync>;

/// What the formats need beside the render, made once per command or preview server and shared
/// by every render it makes: the PDF's faces are chosen once, on the first PDF asked for (it walks
/// the font folders and reads megabytes of office fonts; a command writing only Markdown never
/// pays for it).
pub struct Renderers {
    pdf: Pdf,
    /// Every face a PDF was set in so far, one line each (`正文: AR PL SungtiL GB (内置)`).
    faces_used: Mutex<Vec<String>>,
    /// Lines about the faces not yet shown to the user, each printed as it stands: `警告：…` for
    /// a broken font file skipped, `提示：…` for an office face not found; taken by
    /// [`Renderers::take_font_notes`].
    font_notes: Mutex<Vec<String>>,
    /// `--embed-fonts`: the .docx carries the faces, chosen once on the first .docx.
    embed_fonts: bool,
    docx_fonts: OnceLock<Result<Vec<crate::docx::EmbeddedFace>, PdfError>>,
}

enum Pdf {
    Typesetter {
        options: PdfOptions,
        chosen: OnceLock<Result<Typesetter, PdfError>>,
    },
    Engine(PdfEngine),
}

impl Renderers {
    pub fn new(pdf: PdfOptions) -> Renderers {
        Renderers {
            pdf: Pdf::Typesetter {
                options: pdf,
                chosen: OnceLock::new(),
            },
            faces_used: Mutex::default(),
            font_notes: Mutex::default(),
            embed_fonts: false,
            docx_fonts: OnceLock::new(),
        }
    }

    /// PDFs laid out by `engine` instead of the typesetter.
    pub fn with_pdf_engine(
        engine: impl Fn(&Document) -> Result<Vec<u8>, Error> + Send + Sync + 'static,
    ) -> Renderers {
        Renderers {
            pdf: Pdf::Engine(Arc::new(engine)),
            faces_used: Mutex::default(),
            font_notes: Mutex::default(),
            embed_fonts: false,
            docx_fonts: OnceLock::new(),
        }
    }

    /// With `yes`, every .docx carries the faces the PDF is set in (`--embed-fonts`).
    pub fn embedding_fonts(mut self, yes: bool) -> Renderers {
        self.embed_fonts = yes;
        self
    }

    /// The faces a .docx carries: none without `--embed-fonts`; else the PDF's choice of faces
    /// (the office fonts found, else the bundled ones), each as its licence allows, chosen once.
    fn docx_fonts(&self) -> Result<Vec<crate::docx::EmbeddedFace>, Error> {
        if !self.embed_fonts {
            return Ok(Vec::new());
        }
        self.docx_fonts
            .get_or_init(|| {
                let options = match &self.pdf {
                    Pdf::Typesetter { options, .. } => options.clone(),
                    Pdf::Engine(_) => PdfOptions {
                        fonts: crate::pdf::FontChoice::Bundled,
                        ..PdfOptions::default()
                    },
                };
                let set = crate::pdf::fonts::choose(&options)?;
                let (faces, notes) = crate::docx::embed::from_face_set(&set);
                self.font_notes
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .extend(notes);
                Ok(faces)
            })
            .clone()
            .map_err(Error::Pdf)
    }

    /// The faces the PDFs made so far were set in, one line per role (`正文: …`), each once.
    pub fn faces_used(&self) -> Vec<String> {
        self.faces_used
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Lines about the fonts found while choosing the faces, each returned once and to be
    /// printed as it stands (it carries its `警告：` or `提示：`). Never diagnostics: they do not
    /// count for `--deny-warnings`.
    pub fn take_font_notes(&self) -> Vec<String> {
        std::mem::take(&mut *self.font_notes.lock().unwrap_or_else(|e| e.into_inner()))
    }

    /// Chooses the PDF's faces now rather than at the first PDF (the preview does, so that a
    /// font problem shows when it starts).
    pub fn choose_fonts(&self) -> Result<(), Error> {
        match &self.pdf {
            Pdf::Engine(_) => Ok(()),
            Pdf::Typesetter { options, chosen } => self.typesetter(options, chosen).map(|_| ()),
        }
    }

    fn typesetter<'a>(
        &self,
        options: &PdfOptions,
        chosen: &'a OnceLock<Result<Typesetter, PdfError>>,
    ) -> Result<&'a Typesetter, Error> {
        chosen
            .get_or_init(|| {
                let typesetter = Typesetter::new(options)?;
                let mut notes = self.font_notes.lock().unwrap_or_else(|e| e.into_inner());
                notes.extend(typesetter.warnings().iter().map(|w| format!("警告：{w}")));
                // The 提示 naming missing office faces comes prefixed already.
                notes.extend(typesetter.notes().iter().cloned());
                Ok(typesetter)
            })
            .as_ref()
            .map_err(|e| Error::Pdf(e.clone()))
    }

    /// Every problem the render's PDF would stop at (a character no face has, a segment wider
    /// than a line), each at its facts value or template line, found by laying the speech out
    /// without making the file: what `check` runs. `Err` when the fonts or the engine fail.
    pub fn pdf_problems(&self, rendered: &Rendered) -> Result<Vec<Diagnostic>, Error> {
        match &self.pdf {
            Pdf::Engine(engine) => engine(&rendered.document).map(|_| Vec::new()),
            Pdf::Typesetter { options, chosen } => {
                let typesetter = self.typesetter(options, chosen)?;
                let meta = pdf_metadata(rendered, options);
                Ok(crate::preflight::problems(
                    &rendered.document,
                    &rendered.origins,
                    |doc| typesetter.lay_out(doc, &meta),
                )?)
            }
        }
    }

    fn pdf(&self, rendered: &Rendered) -> Result<Vec<u8>, Error> {
        match &self.pdf {
            Pdf::Engine(engine) => engine(&rendered.document),
            Pdf::Typesetter { options, chosen } => {
                let typesetter = self.typesetter(options, chosen)?;
                let meta = pdf_metadata(rendered, options);
                // A problem of the speech is reported as `check` reports it: every one, each at
                // its source.
                let out = match typesetter.typeset(&rendered.document, &meta) {
                    Ok(out) => out,
                    Err(e) if rendered.origins.diagnostic(&e).is_some() => {
                        let found = self.pdf_problems(rendered)?;
                        return Err(if found.is_empty() {
                            e.into()
                        } else {
                            Error::Invalid(found)
                        });
                    }
                    Err(e) => return Err(e.into()),
                };
                let mut faces = self.faces_used.lock().unwrap_or_else(|e| e.into_inner());
                for face in out.faces_used {
                    if !faces.contains(&face) {
                        faces.push(face);
                    }
                }
                Ok(out.bytes)
            }
        }
    }
}

impl Renderers {
    /// The OFD of `rendered`: the PDF's layout of it (the same faces, pages and positions),
    /// written as GB/T 33190 lays a package out, with the same metadata and digest.
    pub fn ofd(&self, rendered: &Rendered) -> Result<Vec<u8>, Error> {
        let Pdf::Typesetter { options, chosen } = &self.pdf else {
            return Err(Error::Internal("OFD 需要排版引擎".into()));
        };
        let typesetter = self.typesetter(options, chosen)?;
        let meta = pdf_metadata(rendered, options);
        let laid_out = typesetter.with_plan(&rendered.document, &meta, |plan, meta| {
            let ofd = crate::ofd::OfdMeta {
                title: meta
                    .title
                    .clone()
                    .unwrap_or_else(|| rendered.document.title.clone()),
                author: meta.author.clone(),
                date: meta.date,
                digest: meta.digest.clone(),
            };
            let mut faces = self.faces_used.lock().unwrap_or_else(|e| e.into_inner());
            for line in typesetter.faces_used(plan) {
                if !faces.contains(&line) {
                    faces.push(line);
                }
            }
            drop(faces);
            crate::ofd::write_ofd(&rendered.document, plan, &ofd)
        });
        match laid_out {
            Ok(Ok(bytes)) => Ok(bytes),
            Ok(Err(e)) => Err(e.into()),
            // A problem of the speech is reported as `check` reports it, each at its source.
            Err(e) if rendered.origins.diagnostic(&e).is_some() => {
                let found = self.pdf_problems(rendered)?;
                Err(if found.is_empty() {
                    e.into()
                } else {
                    Error::Invalid(found)
                })
            }
            Err(e) => Err(e.into()),
        }
    }
}

/// What the PDF of `rendered` says about itself, as `render` writes it and `check` validates it:
/// the settings' title and author, the digest, the date of the inputs and the standard
/// (`--pdf-standard`, else PDF/A-2b for what is kept, the final speech and the circulation
/// copy, and plain PDF for a draft).
fn pdf_metadata(rendered: &Rendered, options: &PdfOptions) -> Metadata {
    Metadata {
        title: rendered.settings.title.clone(),
        author: rendered.settings.author.clone(),
        digest: Some(rendered.digest.clone()),
        page_numbers: rendered.settings.page_numbers,
        grid: rendered.settings.grid,
        date: crate::date::Date::of_inputs(rendered.settings.date, rendered.year),
        standard: options.standard.unwrap_or(match rendered.kind {
            crate::pipeline::RenderKind::Draft => crate::pdf::PdfStandard::V1_7,
            _ => crate::pdf::PdfStandard::A2b,
        }),
    }
}
