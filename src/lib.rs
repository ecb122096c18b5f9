//! speechgen: a year's facts → checked figures → the speech, as Markdown, HTML and PDF.
//!
//! The modules follow the pipeline: [`settings`] (the speech's own settings) and [`facts`] (read a
//! year) → [`figures`] (declare, compute, check) → [`template`] (Tera) → [`markdown`] (the .md and
//! the [`document`] model) → [`html`], [`pdf`] and [`docx`]; [`pipeline`] runs them in memory, [`format`]
//! turns a render into each output file, each carrying the [`digest`] of its inputs; [`review`]
//! is what reviewers read (values as shown, the year-on-year diff), [`sheet`] the verification
//! sheet they sign (with the facts' [`sources`]), [`carried_over`] warns of values still last
//! year's (two years' facts [`compare`]d) unless [`confirmed`], [`verify`] matches an output to
//! the current inputs, [`schema`] describes the facts for editors, [`workspace`] is the clerk's
//! form over the facts (one value saved in its own bytes); [`output`] writes, [`error`] is
//! every way a command fails, [`cli`] is the command line. At the bottom, imported by any module
//! and importing none above them: [`diagnostic`], [`text`], [`input`] (every file read, bounded) and
//! [`yaml`].
//! `docs/architecture.md` is the map: who owns what, where a new figure kind, format or command
//! goes, and which way imports may point (`tests/it/layers.rs` keeps them so).

// A Diagnostic (~190 bytes) as the error of a cold path costs nothing worth boxing for.
#![allow(clippy::result_large_err)]

pub mod batch;
pub mod carried_over;
pub mod cli;
pub mod compare;
pub mod confirmed;
pub mod date;
pub mod diagnostic;
pub mod digest;
pub mod document;
pub mod docx;
pub mod error;
pub mod facts;
pub mod figures;
pub mod format;
pub mod html;
pub mod import;
pub mod init;
pub mod input;
pub mod length;
pub mod markdown;
pub mod next_year;
pub mod ofd;
pub mod output;
pub mod pdf;
pub mod pipeline;
pub mod preflight;
pub mod project;
pub mod report;
pub mod review;
pub mod schema;
pub mod serve;
pub mod settings;
pub mod sfnt;
pub mod sheet;
pub mod sources;
pub mod template;
pub mod text;
pub mod verify;
pub mod wording;
pub mod workspace;
pub mod yaml;
