//! speechgen: a year's facts → checked figures → the speech, as Markdown, HTML and PDF.

pub mod diagnostic;
pub mod document;
pub mod pdf;
pub mod pipeline;
