//! `speechgen serve`: the workspace (the year's facts as a form beside the live draft) in a
//! browser; with `--host` other than loopback, a read-only preview.

use std::net::IpAddr;
use std::path::Path;

use super::FontArgs;
use crate::error::Error;
use crate::project::Project;
use crate::serve;

pub fn run(
    project: &Project,
    facts: Option<&Path>,
    (host, port): (IpAddr, u16),
    open: bool,
    fonts: &FontArgs,
) -> Result<(), Error> {
    let file = project.facts_file(facts)?;
    // Chosen once, now: each version of the draft is laid out with the same faces, and a font
    // problem shows when the preview starts.
    let renderers = fonts.renderers(None);
    renderers.choose_fonts()?;
    // Each line as it stands: `警告：…` (a font file skipped) or `提示：…` (an office face missing).
    for note in renderers.take_font_notes() {
        eprintln!("{note}");
    }
    let mut options = serve::ServeOptions::new(&project.root, file, renderers);
    options.host = host;
    options.port = port;
    let server = serve::start(options)?;
    if !host.is_loopback() {
        eprintln!(
            "只读预览：监听 {host}，局域网内的电脑可以用下面的地址查看（把 127.0.0.1 换成本机的地址），网页上不能修改文件。"
        );
    }
    super::start::announce(&server, open);
    serve::wait_for_ctrl_c(server)
}
