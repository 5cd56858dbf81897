//! What a physical line starts with, read without the token loop: nothing (blank or a
//! comment), or a plain command word. With [`plain_args`], the interpreter passes over the
//! lines whose command it does not interpret without putting them in its line buffer (see
//! `Interpreter::inert_line`).

use std::ops::Range;

use super::{class, has_command_break, is_space, plain_run_end};

/// The shape of a line, as [`line_shape`] reads it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum LineShape {
    /// Only white space, or white space and a `#` comment: the line does nothing.
    Blank,
    /// A plain command word (a range of the line) followed by white space or the end of the
    /// line: what [`super::Cursor::plain_word`] reads with no flags.
    Command(Range<usize>),
    /// Anything else (a word glued to a quote, escape, `$`, backtick, `;` or `#`, a line
    /// that starts with one of those): read by the token loop.
    Other,
}

/// The shape of `text`, a whole logical line read from a file.
pub(crate) fn line_shape(text: &str) -> LineShape {
    let bytes = text.as_bytes();
    let mut start = 0;
    while bytes.get(start).copied().is_some_and(is_space) {
        start += 1;
    }
    match bytes.get(start) {
        None | Some(b'#') => return LineShape::Blank,
        _ => {}
    }
    let end = plain_run_end(bytes, start, class::OUTSIDE_QUOTES | class::SPACE);
    if end == start || bytes.get(end).is_some_and(|&b| !is_space(b)) {
        return LineShape::Other;
    }
    LineShape::Command(start..end)
}

/// Whether the arguments after the command word that ends at `word_end` hold no backtick,
/// `$`, `;` or `#`: then skipping them token by token ([`super::Cursor::skip_plain_words`])
/// goes to the end of the line, and nothing in them reaches the expander.
pub(crate) fn plain_args(text: &str, word_end: usize) -> bool {
    !has_command_break(&text.as_bytes()[word_end..])
}
