//! Figures: what each placeholder of the speech prints, declared in data and computed from facts.

pub mod compute;
pub mod declaration;
pub mod format;

pub use compute::{Evaluation, Figure, evaluate};
pub use declaration::{Declarations, FigureDecl, Kind};
