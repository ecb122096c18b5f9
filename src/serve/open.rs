//! Opening the workspace in the default browser, and noticing a program run from inside a zip.

use std::path::Path;

/// Set (to anything) to keep `speechgen` from opening a browser: the tests, and machines where
/// the default browser is not the one to use (the address is printed either way).
pub const NO_BROWSER_ENV: &str = "SPEECHGEN_NO_BROWSER";

/// Opens `url` in the default browser, without waiting for it. Does nothing when
/// `SPEECHGEN_NO_BROWSER` is set.
pub fn open_in_browser(url: &str) -> std::io::Result<()> {
    if std::env::var_os(NO_BROWSER_ENV).is_some() {
        return Ok(());
    }
    open_url(url)
}

/// Windows: ShellExecuteW hands the address to the default browser as one string. (`cmd /C start`
/// reads `&` in an address as the end of a command, and a window title from its first quoted
/// argument.)
#[cfg(windows)]
fn open_url(url: &str) -> std::io::Result<()> {
    use windows_sys::Win32::UI::Shell::ShellExecuteW;
    use windows_sys::Win32::UI::WindowsAndMessaging::SW_SHOWNORMAL;
    let wide = |s: &str| s.encode_utf16().chain([0]).collect::<Vec<u16>>();
    let (verb, file) = (wide("open"), wide(url));
    // SAFETY: both strings are NUL-terminated UTF-16 that outlive the call; the other pointers
    // may be null.
    let result = unsafe {
        ShellExecuteW(
            std::ptr::null_mut(),
            verb.as_ptr(),
            file.as_ptr(),
            std::ptr::null(),
            std::ptr::null(),
            SW_SHOWNORMAL,
        )
    };
    // Values above 32 mean success (the documented contract of ShellExecute).
    if result as usize > 32 {
        Ok(())
    } else {
        Err(std::io::Error::other(format!(
            "ShellExecuteW 返回 {}",
            result as usize
        )))
    }
}

#[cfg(not(windows))]
fn open_url(url: &str) -> std::io::Result<()> {
    let program = if cfg!(target_os = "macos") {
        "open"
    } else {
        "xdg-open"
    };
    std::process::Command::new(program)
        .arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .map(drop)
}

/// What the console says when the program runs from inside a zip.
pub const INSIDE_ZIP: &str = "speechgen 正在压缩包里运行（Windows 把它临时解压到了一个临时文件夹，关闭后其中的文件会被删除）。\n请先把压缩包全部解压：在压缩包上点右键，选“全部解压缩…”，选一个文件夹（如“文档”）；然后双击解压出来的 speechgen.exe。";

/// Whether `exe` runs from a folder Windows or an archiver unpacked a zip into for the moment:
/// Explorer's `%TEMP%\Temp1_讲话稿.zip\`, 7-Zip's `%TEMP%\7zO1A2B\`, WinRAR's `%TEMP%\Rar$EXa…`,
/// or any folder named like a zip. Work saved there is lost when the archive window closes.
/// Both separators are read, so the rule is tested on any machine.
pub fn inside_zip(exe: &Path) -> bool {
    let text = exe.to_string_lossy();
    let parts: Vec<&str> = text.split(['\\', '/']).collect();
    // The file itself is the program, not a folder.
    let folders = &parts[..parts.len().saturating_sub(1)];
    let in_temp = folders
        .iter()
        .any(|p| p.eq_ignore_ascii_case("temp") || p.eq_ignore_ascii_case("tmp"));
    folders.iter().any(|p| {
        let lower = p.to_ascii_lowercase();
        lower.ends_with(".zip")
            || (in_temp
                && (lower.starts_with("7zo")
                    || lower.starts_with("rar$ex")
                    || lower.starts_with("temp1_")))
    })
}

/// Whether this process has a console window of its own (started by a double-click on Windows):
/// then the window closes the moment the program ends, and a message must wait for a key.
#[cfg(windows)]
pub fn own_console() -> bool {
    use windows_sys::Win32::System::Console::GetConsoleProcessList;
    let mut ids = [0u32; 2];
    // SAFETY: the buffer holds 2 ids and its length says so.
    let n = unsafe { GetConsoleProcessList(ids.as_mut_ptr(), ids.len() as u32) };
    n == 1
}

#[cfg(not(windows))]
pub fn own_console() -> bool {
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_program_in_a_zips_temporary_folder_is_noticed() {
        for inside in [
            r"C:\Users\li\AppData\Local\Temp\Temp1_speechgen-windows.zip\speechgen\speechgen.exe",
            r"C:\Users\li\AppData\Local\Temp\Temp1_speechgen-windows.zip\speechgen.exe",
            r"C:\Users\li\AppData\Local\Temp\7zO4C21A3B2\speechgen.exe",
            r"C:\Users\li\AppData\Local\Temp\Rar$EXa1234.5678\speechgen\speechgen.exe",
            r"D:\下载\speechgen.zip\speechgen.exe",
            "/tmp/speechgen.zip/speechgen",
        ] {
            assert!(inside_zip(Path::new(inside)), "{inside}");
        }
        for outside in [
            r"C:\Users\li\Documents\speechgen\speechgen.exe",
            r"C:\Users\li\Desktop\讲话稿工具\speechgen.exe",
            r"C:\Users\li\AppData\Local\Temp\speechgen\speechgen.exe",
            "/home/li/speechgen/target/release/speechgen",
            r"C:\Users\li\Desktop\speechgen.zip.exe",
        ] {
            assert!(!inside_zip(Path::new(outside)), "{outside}");
        }
    }
}
