//! `speechgen render` of one or more facts files. Each file is rendered on its own and is
//! all-or-nothing on its own: its formats are staged to temporary files as they are made and
//! renamed into place together once the last is done, so a file that fails writes nothing and
//! the others are still written. Several files are rendered on every core, sharing one
//! typesetter (the faces are chosen once); each file's messages are printed in one piece when it
//! is done, a progress line shows on a terminal, and a summary lists what was written and what
//! was not. `check_all` is what `speechgen check` runs for one file: all of the render, writing
//! nothing.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};

use crate::diagnostic::Diagnostic;
use crate::error::Error;
use crate::format::{Format, Renderers};
use crate::length::Length;
use crate::output::{self, Staged};
use crate::pipeline::{self, RenderKind, RenderRequest, Rendered};
use crate::project::Project;
use crate::report::{self, MessageFormat, shown_path};

/// What `render` writes, and how.
pub struct RenderOptions {
    /// `-o DIR`.
    pub output: Option<PathBuf>,
    pub formats: Vec<Format>,
    pub renderers: Renderers,
    /// The final speech, the draft or the circulation copy.
    pub kind: RenderKind,
}

/// What became of one facts file.
struct Done {
    index: usize,
    /// Its messages (diagnostics, the files written or why none were), printed in one piece.
    messages: String,
    /// Why it wrote nothing; None when its files were written.
    failure: Option<Error>,
}

/// Renders every facts file and writes each one's outputs, or none of them for a file that
/// fails. Exit 1 when any file failed for its facts or templates; a failure of the machine (a
/// file that cannot be written, a font engine error) is returned after the others are done, as
/// the command's error (exit 2).
pub fn render(
    project: &Project,
    files: &[PathBuf],
    options: &RenderOptions,
    color: bool,
) -> Result<(), Error> {
    project.refuse_shared_output(options.output.as_deref(), files)?;
    let several = files.len() > 1;
    let progress = if several && std::io::stderr().is_terminal() {
        let bar = ProgressBar::new(files.len() as u64).with_style(
            ProgressStyle::with_template("[{elapsed}] {pos}/{len} 个事实文件已处理 {wide_bar}")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        bar.enable_steady_tick(Duration::from_millis(250));
        bar
    } else {
        ProgressBar::hidden()
    };
    let mut failures: Vec<Option<Error>> = files.iter().map(|_| None).collect();
    // One file needs no workers (and no reading of the cgroup's cpu quota to count them).
    let workers = match files.len() {
        0 | 1 => 1,
        n => std::thread::available_parallelism().map_or(1, |cores| cores.get().min(n)),
    };
    std::thread::scope(|scope| {
        if options.formats.iter().any(|f| f.lays_out()) {
            // The faces are chosen (the font folders walked, office fonts read) on another core
            // while the first file's facts and template are read; its PDF waits for them only
            // if they are not chosen by then. A failure is kept and met again by the PDF.
            scope.spawn(|| options.renderers.choose_fonts());
        }
        each_file(
            files.len(),
            workers,
            |index| render_file(project, files, index, options, color),
            |done| {
                progress.suspend(|| {
                    eprint!("{}", done.messages);
                    // What choosing the faces found (a font file skipped, an office face
                    // missing): once, with the first file written. The faces are chosen ahead
                    // of any facts file; a file refused for its facts never met them.
                    if done.failure.is_none() {
                        for note in options.renderers.take_font_notes() {
                            eprintln!("{note}");
                        }
                    }
                });
                progress.inc(1);
                failures[done.index] = done.failure;
            },
        );
    });
    progress.finish_and_clear();

    let failed: Vec<&Path> = files
        .iter()
        .zip(&failures)
        .filter(|(_, f)| f.is_some())
        .map(|(p, _)| p.as_path())
        .collect();
    if several {
        let written: Vec<String> = files
            .iter()
            .zip(&failures)
            .filter(|(_, f)| f.is_none())
            .map(|(p, _)| shown_path(p))
            .collect();
        eprintln!(
            "汇总：共 {} 个事实文件，{} 个已生成，{} 个未生成",
            files.len(),
            written.len(),
            failed.len()
        );
        if !written.is_empty() {
            eprintln!("  已生成：{}", written.join("、"));
        }
        if !failed.is_empty() {
            let names: Vec<String> = failed.iter().map(|p| shown_path(p)).collect();
            eprintln!("  未生成（未写入任何文件）：{}", names.join("、"));
        }
    }
    if failed.len() < files.len() {
        let faces = options.renderers.faces_used();
        if !faces.is_empty() {
            // The OFD is set in the PDF's faces; an OFD alone names its own.
            let label = if options.formats.contains(&Format::Pdf) {
                "PDF"
            } else {
                "OFD"
            };
            eprintln!("{label} 字体：{}", faces.join("；"));
        }
    }
    // A machine failure is the command's own error, printed last by the caller.
    let mut failures = failures.into_iter().flatten();
    match failures.find(|e| !e.is_in_the_speech()) {
        Some(machine) => Err(machine),
        None if !failed.is_empty() => Err(Error::Failed),
        None => Ok(()),
    }
}

/// Runs `work` for each index below `count` on `workers` threads (inline for one) and hands
/// each result to `done` on the calling thread, as soon as it is ready.
fn each_file(
    count: usize,
    workers: usize,
    work: impl Fn(usize) -> Done + Sync,
    mut done: impl FnMut(Done),
) {
    if workers <= 1 {
        (0..count).for_each(|i| done(work(i)));
        return;
    }
    let next = AtomicUsize::new(0);
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::scope(|scope| {
        for _ in 0..workers {
            let (tx, next, work) = (tx.clone(), &next, &work);
            // The main thread's stack size: deeply nested facts or templates render here too.
            let spawned = std::thread::Builder::new()
                .name("speechgen-render".into())
                .stack_size(8 << 20)
                .spawn_scoped(scope, move || {
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        if i >= count || tx.send(work(i)).is_err() {
                            break;
                        }
                    }
                });
            // Without a thread of its own (none could be started), the rest is left to the
            // threads that were; with none at all, to this one.
            if spawned.is_err() {
                break;
            }
        }
        drop(tx);
        for d in rx {
            done(d);
        }
    });
    // Any index no thread took (none could be started): render it here.
    loop {
        let i = next.fetch_add(1, Ordering::Relaxed);
        if i >= count {
            break;
        }
        done(work(i));
    }
}

fn render_file(
    project: &Project,
    files: &[PathBuf],
    index: usize,
    options: &RenderOptions,
    color: bool,
) -> Done {
    let file = &files[index];
    let mut messages = String::new();
    let request = RenderRequest {
        root: project.root.clone(),
        facts: file.clone(),
        kind: options.kind,
    };
    // The warnings printed before a format fails to lay out: the summary counts them.
    let mut warned = 0;
    let result = pipeline::render(&request)
        .map_err(Error::from)
        .and_then(|rendered| {
            warned = rendered
                .diagnostics
                .iter()
                .filter(|d| !d.is_error())
                .count();
            for d in &rendered.diagnostics {
                messages.push_str(&report::format(d, MessageFormat::Human, color));
                messages.push('\n');
            }
            let length = Length::of(&rendered.document, &rendered.settings);
            messages.push_str(&format!("{}：{}\n", shown_path(file), length.summary()));
            let several = files.len() > 1;
            let dir = project.output_dir(options.output.as_deref(), file, several, rendered.year);
            write_formats(&rendered, options, &dir)
        });
    let failure = match result {
        Ok(written) => {
            for path in written {
                messages.push_str(&format!("已写入 {}\n", shown_path(&path)));
            }
            None
        }
        // The speech's own errors are reported with the file; the machine's by the caller.
        Err(e) if e.is_in_the_speech() => {
            messages.push_str(&e.message(color));
            let why = match &e {
                Error::Invalid(diagnostics) => {
                    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
                    let warnings = diagnostics.len() - errors + warned;
                    format!(
                        "{errors} 个错误，{warnings} 个警告；未写入任何文件（草稿可用 --draft 生成）"
                    )
                }
                _ => format!("1 个错误，{warned} 个警告；无法排版，未写入任何文件"),
            };
            messages.push_str(&format!("{}：{why}\n", shown_path(file)));
            Some(e)
        }
        Err(e) => Some(e),
    };
    Done {
        index,
        messages,
        failure,
    }
}

/// Makes each format and stages it at once (only one format's bytes are in memory at a time),
/// then puts them all in place. On failure the staged files are removed, and so are the folders
/// made for them.
fn write_formats(
    rendered: &Rendered,
    options: &RenderOptions,
    dir: &Path,
) -> Result<Vec<PathBuf>, Error> {
    let new_dirs: Vec<PathBuf> = dir
        .ancestors()
        .take_while(|d| !d.as_os_str().is_empty() && !d.exists())
        .map(Path::to_path_buf)
        .collect();
    let staged: Result<Vec<Staged>, Error> = options
        .formats
        .iter()
        .map(|format| {
            let bytes = format.render(rendered, &options.renderers)?;
            Staged::new(&dir.join(format.file_name(rendered)), &bytes)
        })
        .collect();
    let staged = match staged {
        Ok(staged) => staged,
        Err(e) => {
            // Deepest first; a folder another file has written into meanwhile stays.
            for d in &new_dirs {
                let _ = std::fs::remove_dir(d);
            }
            return Err(e);
        }
    };
    let paths = staged.iter().map(|s| s.path().to_path_buf()).collect();
    output::commit(staged)?;
    Ok(paths)
}

/// Everything `render --format FORMATS` runs, writing nothing, for `speechgen check`: the inputs
/// read and checked, the speech built as `render` builds it and, when `formats` holds the PDF,
/// laid out as its PDF with the faces `renderers` chooses (HTML, Markdown and Word cannot fail on
/// a speech that gets this far), and the circulation copy (`--mask`) too, whose `*` and 传阅稿
/// line the faces must also print. Without the PDF no face is asked for a character: a speech
/// `render --format md,html,docx` writes passes. When the
/// facts have errors the draft is laid out instead, so that a name no face can print is reported
/// in the same run. Every problem, sorted. `Err` when an input cannot be read or parsed, or the
/// machine fails (no font can be read).
pub fn check_all(
    root: &Path,
    facts_path: &Path,
    renderers: &Renderers,
    formats: &[Format],
) -> Result<Vec<Diagnostic>, Error> {
    let checked = pipeline::check(root, facts_path)?;
    if checked.output.is_none() {
        return Ok(checked.diagnostics);
    }
    let errors = checked.has_errors();
    let request = RenderRequest {
        root: root.to_path_buf(),
        facts: facts_path.to_path_buf(),
        kind: if errors {
            RenderKind::Draft
        } else {
            RenderKind::Final
        },
    };
    let masked = (!errors).then(|| checked.clone());
    let rendered = match pipeline::build(checked, &request) {
        Ok(rendered) => rendered,
        Err(diagnostics) => return Ok(diagnostics),
    };
    if !formats.iter().any(|f| f.lays_out()) {
        return Ok(rendered.diagnostics);
    }
    let mut found = renderers.pdf_problems(&rendered)?;
    // The OFD's own writing (its faces subset with their cmaps), when it is asked for.
    if found.is_empty() && formats.contains(&Format::Ofd) {
        renderers.ofd(&rendered)?;
    }
    if let Some(checked) = masked.filter(|_| found.is_empty()) {
        let request = RenderRequest {
            kind: RenderKind::Masked,
            ..request
        };
        if let Ok(masked) = pipeline::build(checked, &request) {
            found = renderers.pdf_problems(&masked)?;
        }
    }
    Ok(pipeline::joined(rendered.diagnostics, found))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pdf::{FontChoice, PdfOptions};

    /// The sample's speech, rendered from the repository's own facts.
    fn sample() -> Rendered {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        pipeline::render(&RenderRequest {
            facts: root.join("facts/2021.yaml"),
            root,
            kind: RenderKind::Final,
        })
        .expect("the sample renders")
    }

    fn options(renderers: Renderers) -> RenderOptions {
        RenderOptions {
            output: None,
            formats: vec![Format::Md, Format::Html, Format::Pdf],
            renderers,
            kind: RenderKind::Final,
        }
    }

    #[test]
    fn a_format_that_fails_after_others_were_staged_leaves_no_file_and_no_folder() {
        let rendered = sample();
        let out = tempfile::tempdir().unwrap();
        let dir = out.path().join("new/b");
        let failing = options(Renderers::with_pdf_engine(|_| {
            Err(Error::Usage("the PDF engine broke".into()))
        }));
        let e = write_formats(&rendered, &failing, &dir).unwrap_err();
        assert!(matches!(e, Error::Usage(_)), "{e:?}");
        // The Markdown and HTML were staged in `new/b` before the PDF failed: both folders,
        // made for them, are gone, and nothing was left beside them.
        assert!(!out.path().join("new").exists());
        assert_eq!(std::fs::read_dir(out.path()).unwrap().count(), 0);
    }

    #[test]
    fn a_folder_that_was_there_stays_and_holds_nothing_new() {
        let rendered = sample();
        let out = tempfile::tempdir().unwrap();
        let failing = options(Renderers::with_pdf_engine(|_| {
            Err(Error::Usage("the PDF engine broke".into()))
        }));
        assert!(write_formats(&rendered, &failing, out.path()).is_err());
        assert!(out.path().exists());
        assert_eq!(std::fs::read_dir(out.path()).unwrap().count(), 0);
        // And with a working engine every format is put in place.
        let working = options(Renderers::new(PdfOptions {
            fonts: FontChoice::Bundled,
            font_dirs: Vec::new(),
            standard: None,
        }));
        let written = write_formats(&rendered, &working, out.path()).unwrap();
        assert_eq!(written.len(), 3);
        assert!(written.iter().all(|p| p.is_file()));
    }
}
