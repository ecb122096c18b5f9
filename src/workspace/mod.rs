//! The clerk's workspace below the HTTP line: a year's facts file as a form ([`form`]), a typed
//! value judged before it is saved ([`field`]), one edit written atomically with only that value's
//! bytes changed ([`save`]), and a carried-over value confirmed ([`confirm`]). The server
//! (`serve/`) turns these into JSON for the page; nothing here knows HTTP. `docs/workspace.md`
//! says the save rules.

pub mod confirm;
pub mod field;
pub mod form;
pub mod save;

pub use confirm::confirm;
pub use field::explain;
pub use form::{Field, FieldKind, Form, Group, Problem, form};
pub use save::{Edit, SaveError, Saved, Undo, apply, undo};
