//! Positions as output formats show them: path, 1-based line and column (in characters),
//! and the exclusive end.

use maillint_core::{Sources, Span};
use serde::Serialize;

/// Where a span is, for output.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Location {
    /// The file's path as given.
    pub path: String,
    /// 1-based start line.
    pub line: u32,
    /// 1-based start column, in characters.
    pub column: u32,
    /// 1-based end line.
    pub end_line: u32,
    /// 1-based column just after the last character.
    pub end_column: u32,
}

impl Location {
    /// The location of `span`.
    pub fn of(sources: &Sources, span: Span) -> Self {
        let start = sources.start(span);
        let end = sources.end(span);
        Self {
            path: sources.get(span.file).path().display().to_string(),
            line: start.line,
            column: start.column,
            end_line: end.line,
            end_column: end.column,
        }
    }
}
