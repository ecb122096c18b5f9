//! speechgen: a year's facts → checked figures → the speech, as Markdown, HTML and PDF.
//!
//! The modules follow the pipeline: [`facts`] (read a year) → [`figures`] (declare, compute,
//! check) → [`template`] (Tera) → [`markdown`] (the .md and the [`document`] model) →
//! [`html`], [`pdf`], [`docx`]; [`pipeline`] runs them in memory, [`output`] writes, [`cli`] is the command line.

// A Diagnostic (~190 bytes) as the error of a cold path costs nothing worth boxing for.
#![allow(clippy::result_large_err)]

pub mod cli;
pub mod diagnostic;
pub mod document;
pub mod docx;
pub mod facts;
pub mod figures;
pub mod html;
pub mod markdown;
pub mod next_year;
pub mod output;
pub mod pdf;
pub mod pipeline;
pub mod project;
pub mod report;
pub mod serve;
pub mod template;
pub mod yaml;
