//! A YAML tree that remembers where every key and value stands in its file.
//!
//! Facts and figure declarations are checked across fields (a part against its whole, a series
//! against itself), and every message must point at the offending value's own line and column.
//! serde loses positions after deserialising, so both files are read into this tree instead:
//! `read.rs` takes a file's bytes (bounded) and decodes them, `parse.rs` builds the positioned
//! tree (`tree.rs`) from the parser's events, `explain.rs` says the parser's errors in Chinese,
//! and `spans.rs` finds each value's bytes, so that the workspace rewrites one value and keeps
//! every other byte.

mod explain;
mod parse;
mod read;
mod spans;
mod tree;

pub use parse::{MAX_DEPTH, parse};
pub use read::{MAX_FILE_BYTES, decode, from_bytes, load, read_bounded};
pub use spans::{
    Span, Style, byte_offset, comment_start, is_flow, line_comment, replace_value, span_at, spans,
    typed_text, written_for,
};
pub use tree::{Document, Entry, Node, Pos, Value, describe};
