//! The integration tests, one binary with a module per area (as mdBook's `tests/testsuite/`):
//! each module drives the real `speechgen` binary or the library on a project in a temporary
//! folder, through the one harness in `harness/`.
//!
//! Two tests keep binaries of their own: `tests/font_pages.rs` measures the process's resident
//! memory, and `tests/fuzz.rs` replaces the panic hook (the README runs it by name).
//!
//! The modules' tests run in parallel threads of this one process, so none may change what the
//! process shares: no environment variable, current directory or panic hook is set here (a child
//! process gets its own through `Project::command`), and every test has its own temporary folder
//! and asks the system for a free port.

mod harness;

mod batch;
mod bounded_reads;
mod check;
mod check_agrees_with_render;
mod diff;
mod digest;
mod document_model;
mod docx;
mod docx_print;
mod foundations;
mod html_browser;
mod html_print;
mod import;
mod import_trust;
mod init;
mod layers;
mod length;
mod libreoffice_import;
mod lockfile;
mod new_figure;
mod next_year;
mod ofd;
mod office_fonts;
mod page_faces;
mod pages;
mod pdf;
mod pdf_cli;
mod pdf_fonts;
mod pdf_standard;
mod render;
mod review;
mod safety;
mod sample_last_year;
mod schema;
mod serve_browser;
mod serve_http;
mod sheet;
mod slips;
mod trust;
mod trust_render;
mod typography;
mod verify_truth;
mod wording_diff;
mod workflow;
mod workspace;
mod workspace_browser;
mod workspace_http;
mod workspace_start;
mod year_wording;
