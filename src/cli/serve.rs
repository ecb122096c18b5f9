//! `speechgen serve`: the draft previewed live in a browser.

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
    serve::run_blocking(options, |addr| {
        let url = serve::url(addr);
        eprintln!("草稿预览：{url}（保存事实文件或模板后页面自动更新；Ctrl-C 停止）");
        if open && let Err(e) = serve::open_in_browser(&url) {
            eprintln!("无法打开浏览器（{e}）：请手动访问 {url}");
        }
    })
}
