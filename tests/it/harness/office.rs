//! LibreOffice (headless) as a real client of the .docx: it converts a document to PDF, and opens
//! and saves it again as an office that edits it does.
//!
//! Like the poppler tools, it runs where it is installed (Debian's `libreoffice-writer-nogui`);
//! where it is missing the check is passed over with a note, except under CI (`CI=true`), where
//! a missing LibreOffice fails the test.
//!
//! Each conversion gets its own user profile, and conversions run one at a time: LibreOffice
//! instances sharing a profile, or started in parallel, can exit 0 and write nothing.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::REPO;

static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

/// `soffice` (or `libreoffice`), or None (with a note) when missing outside CI.
pub fn soffice() -> Option<PathBuf> {
    let found = ["soffice", "libreoffice"].iter().find_map(|name| {
        std::env::var_os("PATH").and_then(|paths| {
            std::env::split_paths(&paths)
                .map(|d| d.join(name))
                .find(|p| p.is_file())
        })
    });
    if found.is_none() {
        if std::env::var("CI").as_deref() == Ok("true") {
            panic!("soffice is required under CI (install libreoffice-writer-nogui)");
        }
        eprintln!("note: soffice not found, check skipped (install libreoffice-writer-nogui)");
    }
    found
}

/// A fontconfig file that makes the office's font names resolve to the faces bundled in
/// `fonts/`, as the PDF's `--fonts bundled` does, so the two can be compared by eye.
fn fonts_conf(dir: &Path) -> PathBuf {
    let alias = |office: &str, free: &str| {
        format!(
            "<alias binding=\"same\"><family>{office}</family><prefer><family>{free}</family></prefer></alias>"
        )
    };
    let conf = format!(
        "<?xml version=\"1.0\"?>\n<!DOCTYPE fontconfig SYSTEM \"fonts.dtd\">\n<fontconfig>\
         <include ignore_missing=\"yes\">/etc/fonts/fonts.conf</include>\
         <dir>{REPO}/fonts</dir><cachedir>{}</cachedir>{}{}{}{}{}</fontconfig>\n",
        dir.join("fc-cache").display(),
        alias("仿宋_GB2312", "AR PL SungtiL GB"),
        alias("宋体", "AR PL SungtiL GB"),
        alias("楷体_GB2312", "AR PL KaitiM GB"),
        alias("黑体", "WenQuanYi Micro Hei"),
        alias("方正小标宋简体", "WenQuanYi Micro Hei"),
    );
    let path = dir.join("fonts.conf");
    std::fs::write(&path, conf).unwrap();
    path
}

/// The PDF LibreOffice prints from a .docx.
pub fn docx_to_pdf(docx: &[u8]) -> Vec<u8> {
    convert(docx, "pdf", "pdf")
}

/// The PDF LibreOffice prints from a .docx with the machine's own fonts only: no office name
/// aliased to a bundled face, as on an office machine without the office fonts (issue 20: with
/// fonts-noto-cjk, every role fell back to Noto Sans CJK).
pub fn docx_to_pdf_own_fonts(docx: &[u8]) -> Vec<u8> {
    convert_with(docx, "pdf", "pdf", false)
}

/// The .docx as LibreOffice saves it after opening it (`--convert-to docx:"MS Word 2007 XML"`):
/// what a clerk's office hands back when they edit the speech there.
pub fn docx_resaved(docx: &[u8]) -> Vec<u8> {
    convert(docx, "docx:MS Word 2007 XML", "docx")
}

/// `docx` converted by LibreOffice with the filter `to`, read back from `speech.<ext>`.
fn convert(docx: &[u8], to: &str, ext: &str) -> Vec<u8> {
    convert_with(docx, to, ext, true)
}

/// `convert`, with the office names aliased to the bundled faces (`aliased`) or with the
/// machine's fontconfig as it is.
fn convert_with(docx: &[u8], to: &str, ext: &str, aliased: bool) -> Vec<u8> {
    let exe = soffice().expect("soffice");
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("speech.docx");
    std::fs::write(&input, docx).unwrap();
    // Its own folder for the output: a .docx saved as .docx would otherwise replace its input.
    let outdir = dir.path().join("out");
    let profile = format!("file://{}", dir.path().join("profile").display());
    let mut command = Command::new(exe);
    command
        .arg(format!("-env:UserInstallation={profile}"))
        .args(["--headless", "--norestore", "--convert-to", to, "--outdir"])
        .arg(&outdir)
        .arg(&input);
    if aliased {
        command.env("FONTCONFIG_FILE", fonts_conf(dir.path()));
    } else {
        command.env_remove("FONTCONFIG_FILE");
    }
    let mut child = command
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("run soffice");
    let deadline = Instant::now() + Duration::from_secs(180);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            child.kill().ok();
            panic!("soffice did not finish converting within 3 minutes");
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let output = outdir.join(format!("speech.{ext}"));
    assert!(
        status.success() && output.is_file(),
        "soffice wrote no {ext} ({status})"
    );
    std::fs::read(output).unwrap()
}
