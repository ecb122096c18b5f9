//! Figures: what each placeholder of the speech prints, declared in data and computed from facts.
//!
//! [`evaluate`] is the one evaluator: it reads the facts (`read`), computes each figure's value
//! (`value`), judges each claim (`rules`) and words the formulas and comparisons (`wording`).
//! What it finds is a [`trace`] that `check`, the sheet, `diff`, the preview and the tooltips
//! format without judging again.

pub mod declaration;
mod evaluate;
pub mod format;
mod inputs;
mod place;
mod read;
mod rules;
mod trace;
mod value;
mod wording;

pub use declaration::{Declarations, FigureDecl, Kind};
pub use evaluate::evaluate;
pub use place::{display_path, source_ref};
pub use read::{ReadAs, read_one};
pub use trace::{Claim, Evaluation, Figure, FigureReport, FigureStatus, Input, InputValue};
