//! The project and year being served: its facts file, the draft rendered from it and the watch on
//! its inputs, held together and replaced as a whole when the clerk switches year, starts the next
//! year or makes a project from the page. A request takes the current one once and keeps it to
//! the end, so it never mixes two years.

use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

use crate::error::Error;
use crate::pipeline::{self, RenderKind, RenderRequest};
use crate::project::Project;

use super::page;
use super::state::State as Drafts;
use super::watch::{self, Watch};

pub struct Live {
    pub project: Project,
    /// The facts file (canonical path).
    pub facts: PathBuf,
    /// Its year, when its name is one (`facts/2021.yaml`): the form needs it.
    pub year: Option<i64>,
    /// The facts file as shown in the banner (`facts/2021.yaml`).
    pub source: String,
    pub state: Arc<Drafts>,
    _watch: Watch,
}

impl Live {
    /// Renders the draft of `facts` and starts watching its inputs.
    pub fn open(root: &Path, facts: &Path) -> Result<Live, Error> {
        // Canonical paths, so that the watcher's event paths compare equal to ours.
        let canonical = |p: &Path, what: &str| {
            p.canonicalize()
                .map_err(|e| Error::io(p, &format!("找不到{what}"), &e))
        };
        let root = canonical(root, "项目文件夹")?;
        // `2021.yaml` alone has the empty path as parent: that is the current folder.
        let facts_dir = match facts.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let facts =
            canonical(&facts_dir, "事实文件夹")?.join(facts.file_name().unwrap_or_default());
        let request = RenderRequest {
            root: root.clone(),
            facts: facts.clone(),
            kind: RenderKind::Draft,
        };
        let state = Drafts::new(request);
        let inputs = watch::Inputs {
            facts: facts.clone(),
            templates: root.join("templates"),
        };
        let watch = {
            let state = state.clone();
            watch::watch(inputs, move || {
                state.refresh();
            })?
        };
        // A save between the first render and the start of the watch would otherwise go unseen;
        // when nothing changed, this publishes nothing.
        state.refresh();
        Ok(Live {
            source: page::display_path(&root, &facts).display().to_string(),
            year: pipeline::year_of(&facts),
            project: Project { root },
            facts,
            state,
            _watch: watch,
        })
    }

    /// The facts file of `year` in the same project, when there is one.
    pub fn facts_of(&self, year: i64) -> Option<PathBuf> {
        self.project
            .years()
            .into_iter()
            .find_map(|(y, path)| (y == year).then_some(path))
    }
}

/// The one `Live` being served, or none while the page offers to make a project.
#[derive(Default)]
pub struct Slot(RwLock<Option<Arc<Live>>>);

impl Slot {
    pub fn new(live: Option<Live>) -> Slot {
        Slot(RwLock::new(live.map(Arc::new)))
    }

    pub fn get(&self) -> Option<Arc<Live>> {
        self.0.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Serves `live` from now on; the one before stops once the last request using it is done.
    pub fn replace(&self, live: Live) {
        *self.0.write().unwrap_or_else(|e| e.into_inner()) = Some(Arc::new(live));
    }
}
