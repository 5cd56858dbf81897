//! Where a fix writes a key the file does not have yet: on a new line after a key of the same
//! table, with that key's indentation and dotted prefix (`imap.server = …` gets
//! `imap.starttls = true` below it) and the file's line ending.

use crate::doc::Entry;

/// A place to add `key = value` lines beside an existing key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Anchor {
    /// The byte offset where the new line goes.
    pub at: usize,
    /// The indentation and dotted prefix of the key beside it (`  imap.`).
    pub prefix: String,
    /// The line ending of that line (or of the file).
    pub eol: &'static str,
    /// Whether the key's line is the last one, without a line ending: the new line starts
    /// with one.
    pub at_end: bool,
}

impl Anchor {
    /// The anchor after `entry`'s line; `None` when the key is inside an inline table or
    /// written with quotes, where a line of its own cannot be added safely.
    pub fn after(text: &str, entry: &Entry<'_, '_>) -> Option<Anchor> {
        let key_start = entry.key.span().start;
        let line_start = text[..key_start].rfind('\n').map_or(0, |i| i + 1);
        let prefix = &text[line_start..key_start];
        let plain = |c: char| c.is_ascii_alphanumeric() || "_-. \t".contains(c);
        if !prefix.chars().all(plain) {
            return None;
        }
        let value_end = entry.span().end;
        let file_eol = if text.contains("\r\n") { "\r\n" } else { "\n" };
        Some(match text[value_end..].find('\n') {
            Some(i) => {
                let newline = value_end + i;
                let crlf = text[..newline].ends_with('\r');
                Anchor {
                    at: newline + 1,
                    prefix: prefix.to_owned(),
                    eol: if crlf { "\r\n" } else { "\n" },
                    at_end: false,
                }
            }
            None => {
                Anchor { at: text.len(), prefix: prefix.to_owned(), eol: file_eol, at_end: true }
            }
        })
    }

    /// The text of a new line `key = value` (`key` after the prefix).
    pub fn line(&self, key: &str, value: &str) -> String {
        if self.at_end {
            format!("{}{}{key} = {value}", self.eol, self.prefix)
        } else {
            format!("{}{key} = {value}{}", self.prefix, self.eol)
        }
    }
}
