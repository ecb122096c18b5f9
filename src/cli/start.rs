//! `speechgen` with no arguments, from a terminal or by a double-click on `speechgen.exe`: the
//! workspace for the project found, opened in the default browser. With no project, the page
//! offers to make one in `讲话稿` beside the program.

use std::io::IsTerminal;
use std::net::{IpAddr, Ipv4Addr};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use super::{FontArgs, FontsChoice};
use crate::error::Error;
use crate::project::Project;
use crate::serve::{self, ServeOptions};

/// The folder a project made from the page goes into, beside the program.
pub const NEW_PROJECT_NAME: &str = "讲话稿";

/// Whether a person started the program with no arguments: standard input and output are a
/// terminal (a double-click on Windows gives the program a console of its own, which is one).
/// A script or a pipe gets the help and exit 2, as before.
pub fn wanted() -> bool {
    std::env::args_os().len() == 1
        && std::io::stdin().is_terminal()
        && std::io::stdout().is_terminal()
}

pub fn run() -> ExitCode {
    let exe = std::env::current_exe().ok();
    let code = if exe.as_deref().is_some_and(serve::inside_zip) {
        // Work saved in the archive's temporary folder is lost when the archive window closes.
        eprintln!("{}", serve::INSIDE_ZIP);
        ExitCode::from(2)
    } else {
        match serve_workspace(exe.as_deref()) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                e.print(std::io::stderr().is_terminal());
                e.exit_code()
            }
        }
    };
    // A double-click's console window closes the moment the program ends: keep the message up.
    if serve::own_console() {
        eprintln!("按回车键关闭本窗口。");
        let _ = std::io::stdin().read_line(&mut String::new());
    }
    code
}

fn serve_workspace(exe: Option<&Path>) -> Result<(), Error> {
    let exe_dir = exe
        .and_then(Path::parent)
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."));
    let fonts = FontArgs {
        fonts: FontsChoice::Auto,
        font_dirs: Vec::new(),
        embed_fonts: false,
    };
    let renderers = fonts.renderers(None);
    let mut options = match find_project(&exe_dir) {
        Some(project) => {
            let facts = project.facts_file(None)?;
            renderers.choose_fonts()?;
            for note in renderers.take_font_notes() {
                eprintln!("{note}");
            }
            eprintln!("讲话稿项目：{}", project.root.display());
            ServeOptions::new(&project.root, facts, renderers)
        }
        None => {
            let dir = new_project_dir(&exe_dir);
            eprintln!(
                "没有找到讲话稿项目：请在浏览器中新建，将建在 {}",
                dir.display()
            );
            ServeOptions::without_project(dir, renderers)
        }
    };
    options.host = IpAddr::V4(Ipv4Addr::LOCALHOST);
    // The usual port, or any free one when it is taken (a second copy running, another program).
    options.port = serve::DEFAULT_PORT;
    let server = match serve::start(options.clone()) {
        Ok(server) => server,
        Err(Error::Bind { .. }) => {
            options.port = 0;
            serve::start(options)?
        }
        Err(e) => return Err(e),
    };
    announce(&server, true);
    serve::wait_for_ctrl_c(server)
}

/// The console's lines: the address (with its key) and how to stop.
pub fn announce(server: &serve::Server, open: bool) {
    let address = server.url_with_key();
    eprintln!("讲话稿工作台：{address}");
    eprintln!("（请用这个完整的地址打开；每次启动地址都不同。其他人和其他程序打不开。）");
    eprintln!("停止：按 Ctrl+C，或直接关闭本窗口。停止后网页不能再保存。");
    if open && let Err(e) = serve::open_in_browser(&address) {
        eprintln!(
            "无法自动打开浏览器（{e}）：请把上面的地址复制到 Edge 或 Chrome 的地址栏中打开。"
        );
    }
}

/// The project to open: from the current folder upward, else the program's folder, else a
/// `讲话稿` folder made beside the program before (`讲话稿`, `讲话稿2`, …).
fn find_project(exe_dir: &Path) -> Option<Project> {
    if let Ok(p) = Project::discover(Path::new(".")) {
        return Some(p);
    }
    if let Ok(p) = Project::at(exe_dir) {
        return Some(p);
    }
    numbered(exe_dir).find_map(|dir| Project::at(&dir).ok())
}

/// Where a project made from the page goes: `讲话稿` beside the program, or the first of
/// `讲话稿2`, `讲话稿3`, … that does not exist or is empty.
pub fn new_project_dir(exe_dir: &Path) -> PathBuf {
    numbered(exe_dir)
        .find(|dir| {
            !dir.exists()
                || std::fs::read_dir(dir).is_ok_and(|mut entries| entries.next().is_none())
        })
        .unwrap_or_else(|| exe_dir.join(NEW_PROJECT_NAME))
}

fn numbered(exe_dir: &Path) -> impl Iterator<Item = PathBuf> + '_ {
    (1..=99).map(move |n| {
        if n == 1 {
            exe_dir.join(NEW_PROJECT_NAME)
        } else {
            exe_dir.join(format!("{NEW_PROJECT_NAME}{n}"))
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_project_goes_beside_the_program_numbered_when_taken() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(new_project_dir(dir.path()), dir.path().join("讲话稿"));
        std::fs::create_dir(dir.path().join("讲话稿")).unwrap();
        // An empty folder of that name is used as it is.
        assert_eq!(new_project_dir(dir.path()), dir.path().join("讲话稿"));
        std::fs::write(dir.path().join("讲话稿/别的.txt"), "x").unwrap();
        assert_eq!(new_project_dir(dir.path()), dir.path().join("讲话稿2"));
    }
}
