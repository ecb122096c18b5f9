//! Watches the inputs of the draft (the facts file, the templates and figure declarations) and
//! calls back, debounced, when one of them changed.
//!
//! Folders are watched, never single files: editors save by writing a new file and renaming it
//! over the old one, and a watch on the old file's inode would go silent after the first save.
//! Nothing the server produces is written anywhere, least of all into these folders, so a render
//! can never trigger another render.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::Duration;

use notify_debouncer_full::notify::{
    EventKind, RecommendedWatcher, RecursiveMode, event::ModifyKind,
};
use notify_debouncer_full::{DebounceEventResult, Debouncer, RecommendedCache, new_debouncer};

use crate::error::Error;

/// How long the folders must stay quiet before a render: long enough to gather the several events
/// of one save (write temp file, rename, chmod), short enough to stay well inside the one second a
/// page may take to update.
pub const DEBOUNCE: Duration = Duration::from_millis(80);

/// The files whose changes matter.
#[derive(Debug, Clone)]
pub struct Inputs {
    /// The facts file (canonical path).
    pub facts: PathBuf,
    /// The templates folder (canonical path): templates and figure declarations, any file in it.
    pub templates: PathBuf,
}

impl Inputs {
    fn folders(&self) -> Vec<(PathBuf, RecursiveMode)> {
        let mut folders = Vec::new();
        if let Some(dir) = self.facts.parent() {
            folders.push((dir.to_path_buf(), RecursiveMode::NonRecursive));
        }
        if self.templates.is_dir() && !self.facts.starts_with(&self.templates) {
            folders.push((self.templates.clone(), RecursiveMode::Recursive));
        }
        folders
    }

    /// True when `path` is an input. Other facts years and editor leftovers in the same folders
    /// (`.swp`, `~`, `.#lock`, vim's `4913` probe) are not.
    pub fn is_input(&self, path: &Path) -> bool {
        if path == self.facts {
            return true;
        }
        if !path.starts_with(&self.templates) {
            return false;
        }
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        !(name.is_empty()
            || name.starts_with('.')
            || name.ends_with('~')
            || name.ends_with(".swp")
            || name.ends_with(".swx")
            || name.ends_with(".tmp")
            || name == "4913")
    }
}

/// A running watch; dropping it stops the watcher and its render thread.
pub struct Watch {
    debouncer: Option<Debouncer<RecommendedWatcher, RecommendedCache>>,
    thread: Option<JoinHandle<()>>,
}

/// Watches `inputs` and calls `on_change` on a thread of its own after each debounced change.
/// Changes arriving while `on_change` runs are coalesced into one more call.
pub fn watch(inputs: Inputs, mut on_change: impl FnMut() + Send + 'static) -> Result<Watch, Error> {
    let (tx, rx) = mpsc::channel::<()>();
    let filter = inputs.clone();
    let mut debouncer = new_debouncer(DEBOUNCE, None, move |result: DebounceEventResult| {
        let relevant = match result {
            Ok(events) => events.iter().any(|e| {
                // Our own reads of the inputs show up as access events: reacting to them would
                // render forever. Metadata (touch, chmod) does not change what is rendered.
                !matches!(
                    e.kind,
                    EventKind::Access(_) | EventKind::Modify(ModifyKind::Metadata(_))
                ) && e.paths.iter().any(|p| filter.is_input(p))
            }),
            // The watcher lost track (e.g. its queue overflowed): render again to be sure.
            Err(_) => true,
        };
        if relevant {
            let _ = tx.send(());
        }
    })
    .map_err(|e| Error::Watch {
        path: inputs.facts.clone(),
        source: e,
    })?;
    for (folder, mode) in inputs.folders() {
        debouncer.watch(&folder, mode).map_err(|e| Error::Watch {
            path: folder.clone(),
            source: e,
        })?;
    }
    let thread = std::thread::Builder::new()
        .name("speechgen-render".into())
        .spawn(move || {
            // Ends when the debouncer, and with it the sender, is dropped.
            while rx.recv().is_ok() {
                while rx.try_recv().is_ok() {}
                on_change();
            }
        })
        .map_err(|e| Error::Internal(format!("无法启动渲染线程：{e}")))?;
    Ok(Watch {
        debouncer: Some(debouncer),
        thread: Some(thread),
    })
}

impl Drop for Watch {
    fn drop(&mut self) {
        if let Some(d) = self.debouncer.take() {
            d.stop();
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_facts_file_and_template_files_are_inputs() {
        let inputs = Inputs {
            facts: "/p/facts/2021.yaml".into(),
            templates: "/p/templates".into(),
        };
        assert!(inputs.is_input(Path::new("/p/facts/2021.yaml")));
        assert!(!inputs.is_input(Path::new("/p/facts/2020.yaml")));
        assert!(!inputs.is_input(Path::new("/p/facts/.2021.yaml.swp")));
        assert!(inputs.is_input(Path::new("/p/templates/speech.md.tera")));
        assert!(inputs.is_input(Path::new("/p/templates/figures.yaml")));
        assert!(inputs.is_input(Path::new("/p/templates/speech.yaml")));
        assert!(!inputs.is_input(Path::new("/p/templates/.figures.yaml.swp")));
        assert!(!inputs.is_input(Path::new("/p/templates/speech.md.tera~")));
        assert!(!inputs.is_input(Path::new("/p/output/2021/speech.html")));
    }
}

#[cfg(test)]
mod folder_tests {
    use super::*;
    use std::sync::mpsc::RecvTimeoutError;

    fn project() -> (tempfile::TempDir, Inputs, mpsc::Receiver<()>, Watch) {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        std::fs::create_dir_all(root.join("facts")).unwrap();
        std::fs::create_dir_all(root.join("templates/parts")).unwrap();
        std::fs::write(root.join("facts/2021.yaml"), "year: 2021\n").unwrap();
        let inputs = Inputs {
            facts: root.join("facts/2021.yaml"),
            templates: root.join("templates"),
        };
        let (tx, rx) = mpsc::channel();
        let w = watch(inputs.clone(), move || {
            let _ = tx.send(());
        })
        .unwrap();
        (dir, inputs, rx, w)
    }

    const WAIT: Duration = Duration::from_secs(3);

    #[test]
    fn a_save_by_rename_is_seen_again_and_again() {
        let (_dir, inputs, rx, _w) = project();
        for n in 0..3 {
            let tmp = inputs.facts.with_extension("yaml.new");
            std::fs::write(&tmp, format!("year: 202{n}\n")).unwrap();
            std::fs::rename(&tmp, &inputs.facts).unwrap();
            assert_eq!(rx.recv_timeout(WAIT), Ok(()), "save {n}");
            while rx.recv_timeout(DEBOUNCE * 3).is_ok() {}
        }
    }

    #[test]
    fn templates_are_watched_recursively() {
        let (_dir, inputs, rx, _w) = project();
        std::fs::write(inputs.templates.join("parts/one.md.tera"), "x").unwrap();
        assert_eq!(rx.recv_timeout(WAIT), Ok(()));
    }

    #[test]
    fn other_files_and_reads_do_not_trigger() {
        let (_dir, inputs, rx, _w) = project();
        let facts_dir = inputs.facts.parent().unwrap();
        std::fs::write(facts_dir.join("2020.yaml"), "year: 2020\n").unwrap();
        std::fs::write(facts_dir.join(".2021.yaml.swp"), "x").unwrap();
        // Reading the inputs is what a render does: it must not cause another.
        let _ = std::fs::read_to_string(&inputs.facts).unwrap();
        assert_eq!(
            rx.recv_timeout(DEBOUNCE * 6),
            Err(RecvTimeoutError::Timeout)
        );
    }
}
