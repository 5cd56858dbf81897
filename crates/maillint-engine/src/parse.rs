//! Stage 3, parse: the unit's parser turns its files into the account model.
//!
//! The parser runs under `catch_unwind`: a parser that panics on a file becomes one
//! `internal-error` diagnostic naming the parser, and the run goes on with the other files.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;

use maillint_core::builtin::InternalError;
use maillint_core::{Diagnostic, FileId, ParseOptions, ParsedUnit, Parser, Sources, Span};

/// Parses the unit whose root file is `root`; a panic becomes an `internal-error` finding.
pub fn parse(
    parser: &Arc<dyn Parser>,
    root: FileId,
    sources: &mut Sources,
    options: &ParseOptions,
) -> ParsedUnit {
    catch_unwind(AssertUnwindSafe(|| parser.parse(root, sources, options))).unwrap_or_else(|_| {
        ParsedUnit {
            diagnostics: vec![internal_error(
                root,
                format!(
                    "internal error: the {} parser crashed on this file; nothing in it was \
                     checked (please report this)",
                    parser.name()
                ),
            )],
            ..ParsedUnit::default()
        }
    })
}

/// An `internal-error` diagnostic at the start of `file`.
pub(crate) fn internal_error(file: FileId, message: String) -> Diagnostic {
    Diagnostic::new(InternalError::metadata(), Span::point(file, 0), message)
}
