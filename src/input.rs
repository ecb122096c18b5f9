//! The one way speechgen reads a file: opened without waiting, refused unless it is a regular
//! file, and never more than a limit of it read. A named pipe waits for a writer on open and a
//! device such as /dev/zero never ends; read as files, either would hang the command or fill the
//! memory. At the bottom with `text`: this module imports nothing of the crate.
//!
//! The failures are `std::io::Error`s, so that every caller reports them as it reports any other
//! read error; a refusal carries a [`Refused`] whose words (Chinese) [`crate::text::explain_io`]
//! prints as they stand.

use std::fmt;
use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

/// The facts, declarations, settings and templates (and a speech imported as .md or .txt, which
/// becomes a template): a facts file is a few kilobytes, a template a few dozen.
pub const TEXT_LIMIT: u64 = 1 << 20;
/// A speechgen output read back (`verify`, a .docx for `import`): a PDF with its faces embedded
/// is a few megabytes.
pub const OUTPUT_LIMIT: u64 = 64 << 20;
/// A font file: a CJK collection holds tens of megabytes.
pub const FONT_LIMIT: u64 = 256 << 20;

/// Why a path was not read: it is no regular file, or it is larger than the limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    Folder,
    Pipe,
    Device,
    Socket,
    /// Something else that is no regular file.
    Other,
    /// Larger than `limit` bytes; `size` when it was known before reading.
    TooLarge {
        size: Option<u64>,
        limit: u64,
    },
}

impl fmt::Display for Refused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refused::Folder => f.write_str("这是一个文件夹，不是文件"),
            Refused::Pipe | Refused::Device | Refused::Socket | Refused::Other => write!(
                f,
                "这是一个{}，不是普通文件；speechgen 只读取普通文件",
                self.what()
            ),
            Refused::TooLarge { size, limit } => {
                let size = size.map_or_else(String::new, |s| format!("（{s} 字节）"));
                write!(f, "文件过大{size}，超过上限 {limit} 字节")
            }
        }
    }
}

impl std::error::Error for Refused {}

impl Refused {
    /// What the path is, for a file that is no regular one: 文件夹, 命名管道（FIFO）, 设备, ….
    pub fn what(self) -> &'static str {
        match self {
            Refused::Folder => "文件夹",
            Refused::Pipe => "命名管道（FIFO）",
            Refused::Device => "设备",
            Refused::Socket => "套接字",
            Refused::Other | Refused::TooLarge { .. } => "特殊文件",
        }
    }

    /// What kind of file `meta` describes, when it is no regular file.
    pub fn of(meta: &std::fs::Metadata) -> Option<Refused> {
        let kind = meta.file_type();
        if kind.is_file() {
            return None;
        }
        if kind.is_dir() {
            return Some(Refused::Folder);
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::FileTypeExt;
            if kind.is_fifo() {
                return Some(Refused::Pipe);
            }
            if kind.is_char_device() || kind.is_block_device() {
                return Some(Refused::Device);
            }
            if kind.is_socket() {
                return Some(Refused::Socket);
            }
        }
        Some(Refused::Other)
    }

    /// The refusal an error carries, if it is one.
    pub fn in_error(e: &io::Error) -> Option<Refused> {
        e.get_ref()
            .and_then(|inner| inner.downcast_ref::<Refused>())
            .copied()
    }

    fn into_error(self) -> io::Error {
        let kind = match self {
            Refused::Folder => io::ErrorKind::IsADirectory,
            Refused::TooLarge { .. } => io::ErrorKind::FileTooLarge,
            _ => io::ErrorKind::InvalidInput,
        };
        io::Error::new(kind, self)
    }
}

/// Opens `path` for reading if it is a regular file of at most `limit` bytes. It is opened
/// without blocking (a named pipe would wait for a writer) and checked as opened, so that
/// nothing swapped in between is read.
pub fn open(path: &Path, limit: u64) -> io::Result<File> {
    // Where a pipe cannot be opened without blocking, it is refused before it is opened.
    #[cfg(not(unix))]
    if let Some(refused) = Refused::of(&std::fs::metadata(path)?) {
        return Err(refused.into_error());
    }
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(path)?;
    let meta = file.metadata()?;
    if let Some(refused) = Refused::of(&meta) {
        return Err(refused.into_error());
    }
    if meta.len() > limit {
        return Err(Refused::TooLarge {
            size: Some(meta.len()),
            limit,
        }
        .into_error());
    }
    Ok(file)
}

/// The bytes of the regular file at `path`, at most `limit` of them (see [`open`]). A file that
/// grows past the limit while it is read is refused too.
pub fn read(path: &Path, limit: u64) -> io::Result<Vec<u8>> {
    let file = open(path, limit)?;
    let mut bytes = Vec::new();
    file.take(limit + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(Refused::TooLarge { size: None, limit }.into_error());
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_regular_file_is_read_and_a_larger_one_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.txt");
        std::fs::write(&path, "12345").unwrap();
        assert_eq!(read(&path, 5).unwrap(), b"12345");
        let e = read(&path, 4).unwrap_err();
        assert_eq!(
            Refused::in_error(&e),
            Some(Refused::TooLarge {
                size: Some(5),
                limit: 4
            })
        );
        let e = read(dir.path(), 4).unwrap_err();
        assert_eq!(Refused::in_error(&e), Some(Refused::Folder));
    }

    #[cfg(unix)]
    #[test]
    fn a_device_and_a_pipe_are_refused_at_once() {
        let e = read(Path::new("/dev/zero"), TEXT_LIMIT).unwrap_err();
        assert_eq!(Refused::in_error(&e), Some(Refused::Device));
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("f.yaml");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(made.success());
        // No writer ever comes: a blocking open would wait here for ever.
        let e = read(&fifo, TEXT_LIMIT).unwrap_err();
        assert_eq!(Refused::in_error(&e), Some(Refused::Pipe));
        assert!(e.to_string().contains("命名管道"), "{e}");
    }
}
