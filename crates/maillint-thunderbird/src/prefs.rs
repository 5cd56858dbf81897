//! The `prefs.js` / `user.js` grammar, exactly as Mozilla's libpref parser accepts it.
//!
//! Thunderbird reads its profile preferences with the same parser as Firefox
//! (`modules/libpref/parser/src/lib.rs` in gecko; see `reference/thunderbird.md` sections 2
//! and 4). This module re-implements that parser byte for byte: the same tokens, the same error
//! messages, the same line numbers and the same panic-mode recovery (skip to the next `;`), so
//! that what maillint reports as lost is exactly what Thunderbird loses.
//!
//! On top of Mozilla's behaviour it records where things are: every statement carries the
//! ranges of its specifier, name, value and of the whole statement, and every error a byte
//! offset on the line Mozilla reports, so diagnostics and fixes can point into the text.
//!
//! The lexer (`lexer`) is a hand-written byte loop with a 256-entry character table, like
//! Mozilla's; `parser` reads statements from its tokens, or canonical ones in one go; both
//! skip the plain bytes of string literals a word or two at a time (`strings`).
//! Nothing is copied or allocated per statement unless it must be: names and string values
//! borrow from the text (a `Cow` that owns only a string whose escapes had to be decoded), and
//! integers and booleans are stored as they are. A profile has one or two thousand prefs and
//! no rule looks at most of them, so parsing costs little more than reading the bytes.
//!
//! Revision: this follows the parser revision the reference's conformance table comes from
//! (which already rejects an unpaired low surrogate). Current mozilla-central differs in two
//! places the reference does not cover: in User kind it rejects `pref(` and `sticky_pref(`
//! with `expected 'user_pref' at start of pref definition`, and it words the E15 error
//! `invalid low surrogate after high surrogate`. The `default-pref-in-user-js` rule tells
//! users about the first.

use std::borrow::Cow;

use maillint_core::{Encoding, SourceFile, TextRange};

mod lexer;
mod parser;
mod strings;
#[cfg(test)]
mod tests;

use lexer::*;
use parser::*;
pub(crate) use strings::skip_plain_string_bytes;
use strings::*;

/// Which grammar variant to apply (reference section 1). The kind changes only whether
/// attributes (`, sticky`, `, locked`) are accepted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    /// Application defaults (`greprefs.js`, `defaults/pref/*.js`): attributes allowed.
    Default,
    /// Profile files (`prefs.js`, `user.js`): no attributes.
    User,
}

/// The keyword a statement starts with. It decides which value is set (reference 2.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Spec {
    /// `pref(...)`: sets the default value.
    Pref,
    /// `sticky_pref(...)`: sets the default value and marks it sticky.
    StickyPref,
    /// `user_pref(...)`: sets the user value, the one Thunderbird saves to `prefs.js`.
    UserPref,
}

impl Spec {
    /// The keyword as written.
    pub fn as_str(self) -> &'static str {
        match self {
            Spec::Pref => "pref",
            Spec::StickyPref => "sticky_pref",
            Spec::UserPref => "user_pref",
        }
    }

    /// Whether the statement sets the user value (as opposed to the default value).
    pub fn sets_user_value(self) -> bool {
        self == Spec::UserPref
    }
}

/// A pref value, borrowed from the text (see [`PrefString`] for strings).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PrefValue<'t> {
    /// `true` / `false`.
    Bool(bool),
    /// A signed 32-bit integer.
    Int(i32),
    /// A string, as bytes: `\xNN` inserts a raw byte, so the value need not be UTF-8
    /// (reference 4.3, V20).
    String(PrefString<'t>),
}

/// A string value. A literal without escapes is the text between its quotes, borrowed. A
/// literal whose only escapes are the ones Thunderbird writes (`\"`, `\'`, `\\`, `\n`, `\r`,
/// reference section 3) is kept as written and decoded when read: most of those are the
/// escaped JSON of add-on prefs that no rule reads, so decoding them while parsing would be
/// wasted. A literal with any other escape is decoded while parsing, where its errors are
/// found. Two values are equal when their decoded bytes are.
#[derive(Clone, Debug)]
pub struct PrefString<'t>(StringRepr<'t>);

#[derive(Clone, Debug)]
enum StringRepr<'t> {
    /// The bytes between the quotes, which are the value.
    Plain(&'t [u8]),
    /// The bytes between the quotes, holding only escapes [`decode_simple_escapes`] decodes
    /// (checked by the parser).
    Escaped(&'t [u8]),
    /// The value, decoded while parsing.
    Decoded(Vec<u8>),
}

impl<'t> PrefString<'t> {
    /// The value's bytes, escapes decoded.
    pub fn bytes(&self) -> Cow<'_, [u8]> {
        match &self.0 {
            StringRepr::Plain(bytes) => Cow::Borrowed(bytes),
            StringRepr::Escaped(raw) => Cow::Owned(decode_simple_escapes(raw)),
            StringRepr::Decoded(bytes) => Cow::Borrowed(bytes),
        }
    }

    /// The value as text (invalid UTF-8 replaced).
    pub fn as_text(&self) -> Cow<'_, str> {
        text_of(self.bytes())
    }

    /// A literal's inside that holds only simple escapes (see [`decode_simple_escapes`]).
    fn escaped(raw: &'t [u8]) -> Self {
        Self(StringRepr::Escaped(raw))
    }
}

impl PartialEq for PrefString<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.bytes() == other.bytes()
    }
}

impl Eq for PrefString<'_> {}

impl<'t> From<&'t [u8]> for PrefString<'t> {
    /// A value whose bytes are `bytes`, as they are.
    fn from(bytes: &'t [u8]) -> Self {
        Self(StringRepr::Plain(bytes))
    }
}

impl From<Vec<u8>> for PrefString<'_> {
    /// A value whose bytes are `bytes`, as they are.
    fn from(bytes: Vec<u8>) -> Self {
        Self(StringRepr::Decoded(bytes))
    }
}

impl<'t> From<Cow<'t, [u8]>> for PrefString<'t> {
    fn from(bytes: Cow<'t, [u8]>) -> Self {
        match bytes {
            Cow::Borrowed(bytes) => bytes.into(),
            Cow::Owned(bytes) => bytes.into(),
        }
    }
}

/// The bytes of a literal's inside whose escapes are all `\"`, `\'`, `\\`, `\n` or `\r`,
/// decoded as the lexer decodes them.
fn decode_simple_escapes(raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(backslash) = memchr::memchr(b'\\', rest) {
        out.extend_from_slice(&rest[..backslash]);
        let Some(&escaped) = rest.get(backslash + 1) else {
            // Not a literal the parser accepted as simple; keep the byte rather than lose it.
            out.push(b'\\');
            return out;
        };
        out.push(match escaped {
            b'n' => b'\n',
            b'r' => b'\r',
            other => other,
        });
        rest = &rest[backslash + 2..];
    }
    out.extend_from_slice(rest);
    out
}

impl PrefValue<'_> {
    /// The string value as text (invalid UTF-8 replaced), if this is a string.
    pub fn as_text(&self) -> Option<Cow<'_, str>> {
        match self {
            PrefValue::String(string) => Some(string.as_text()),
            _ => None,
        }
    }

    /// The integer value, if this is an integer.
    pub fn as_int(&self) -> Option<i32> {
        match self {
            PrefValue::Int(value) => Some(*value),
            _ => None,
        }
    }

    /// The boolean value, if this is a boolean.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            PrefValue::Bool(value) => Some(*value),
            _ => None,
        }
    }

    /// `string`, `integer` or `boolean`, for messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            PrefValue::Bool(_) => "boolean",
            PrefValue::Int(_) => "integer",
            PrefValue::String(_) => "string",
        }
    }
}

/// One statement that libpref accepted (its `;` was read).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Statement<'t> {
    /// `pref`, `sticky_pref` or `user_pref`.
    pub spec: Spec,
    /// The specifier keyword.
    pub spec_range: TextRange,
    /// The decoded pref name (escapes resolved; a name that is not UTF-8 after `\xNN`
    /// escapes is converted lossily), borrowed from the text when it has no escape.
    pub name: Cow<'t, str>,
    /// The name's string literal, quotes included.
    pub name_range: TextRange,
    /// The decoded value.
    pub value: PrefValue<'t>,
    /// The value's literal text: a quoted string, `true`/`false`, or an integer from its sign
    /// (comments between sign and digits included) to its last digit.
    pub value_range: TextRange,
    /// `, sticky` was given (Default kind only) or the specifier is `sticky_pref`.
    pub sticky: bool,
    /// `, locked` was given (Default kind only).
    pub locked: bool,
    /// The name's literal holds a `(`: a `pref` in the name could then start what the secret
    /// sweep reads as a statement. The one-go path reads only names without one (the `(` is
    /// among the bytes its scan of a name stops at), so it needs no scan of its own there.
    pub name_holds_paren: bool,
    /// From the specifier to the `;`, inclusive.
    pub range: TextRange,
}

/// A parse error, as libpref reports it, plus where it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    /// Mozilla's message, verbatim (reference 2.4).
    pub message: &'static str,
    /// The line Mozilla reports (1-based; LF, CR and CR LF each end one line).
    pub line: u32,
    /// A byte offset on that line: the offending token, escape or character, or the end of
    /// the input for errors Mozilla detects there.
    pub offset: usize,
    /// For an unterminated string or comment: where it was opened.
    pub opened_at: Option<TextRange>,
    /// For errors inside a statement: where that statement started (its specifier).
    pub statement_start: Option<usize>,
    /// The end of the last token read before the offending one (for `expected ';' after ')'`:
    /// just after the `)`, where the `;` belongs).
    pub previous_end: usize,
    /// Where parsing resumes after recovery: just after the `;` that ended the skipped text,
    /// or the end of the input.
    pub resume_at: usize,
}

impl ParseError {
    /// The text Mozilla skips because of this error: from the start of the statement it was
    /// found in (or the quote or comment that opened an unterminated string or comment, or the
    /// offending token) to where parsing resumes. A statement there does not apply, and a line
    /// inserted there would be skipped too.
    pub fn skipped(&self) -> std::ops::Range<usize> {
        let start = [self.statement_start, self.opened_at.map(|r| r.start as usize)]
            .into_iter()
            .flatten()
            .fold(self.offset, usize::min);
        start..self.resume_at.max(start)
    }
}

/// Why a file cannot be read by libpref as the text maillint decoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EncodingIssue {
    /// The file starts with a UTF-8 byte-order mark, which libpref reads as three unexpected
    /// characters (reference 2.3, 4.4).
    Utf8Bom,
    /// The file is UTF-16: libpref reads bytes and stops at the first NUL, so it loads
    /// nothing from it.
    Utf16,
}

/// The result of parsing one prefs file, borrowing from its text.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PrefsFile<'t> {
    /// The statements libpref accepts, in file order.
    pub statements: Vec<Statement<'t>>,
    /// Every error libpref reports, in order.
    pub errors: Vec<ParseError>,
    /// Where libpref stops reading: the first NUL byte, or the end of the text.
    pub end: usize,
    /// Set when the file's encoding makes libpref see something other than the text.
    pub encoding_issue: Option<EncodingIssue>,
}

/// Parses `text` as libpref does.
pub fn parse(text: &[u8], kind: FileKind) -> PrefsFile<'_> {
    Parser::new(text, kind).run(None)
}

/// Parses a decoded source file, emulating what libpref does with the file's real bytes:
/// a UTF-8 byte-order mark (which [`SourceFile`] strips from the text) is an unexpected
/// character on line 1 that costs the first statement, and a UTF-16 file loads nothing.
/// Offsets in the result are offsets into [`SourceFile::text`].
pub fn parse_source(file: &SourceFile, kind: FileKind) -> PrefsFile<'_> {
    parse_source_text(file, file.text(), kind)
}

/// [`parse_source`] of `file`, with the result borrowing from `text`, a copy of its text.
pub fn parse_source_text<'t>(file: &SourceFile, text: &'t str, kind: FileKind) -> PrefsFile<'t> {
    match file.encoding() {
        Encoding::Utf16Le | Encoding::Utf16Be => parse_utf16(file, kind),
        Encoding::Utf8 if file.has_bom() => {
            // The BOM's first byte (0xEF) is an "unexpected character" on line 1; recovery
            // then swallows the other two BOM bytes and everything up to the first `;`.
            let mut result = Parser::for_text(text, kind).run(Some(LexError {
                message: "unexpected character",
                offset: 0,
                line: 1,
                opened_at: None,
            }));
            result.encoding_issue = Some(EncodingIssue::Utf8Bom);
            result
        }
        Encoding::Utf8 | Encoding::Windows1252 => Parser::for_text(text, kind).run(None),
    }
}

/// libpref reads bytes, so a UTF-16 file ends at its first NUL byte: within the first two
/// bytes. Run the parser over the real bytes (at most one error, no statement can complete)
/// and place whatever it reports at the start of the decoded text.
fn parse_utf16(file: &SourceFile, kind: FileKind) -> PrefsFile<'static> {
    let bytes = file.encode(file.text()).unwrap_or_default();
    let raw = parse(&bytes, kind);
    PrefsFile {
        statements: Vec::new(),
        errors: raw
            .errors
            .into_iter()
            .map(|error| ParseError {
                offset: 0,
                opened_at: None,
                statement_start: None,
                previous_end: 0,
                resume_at: 0,
                ..error
            })
            .collect(),
        end: 0,
        encoding_issue: Some(EncodingIssue::Utf16),
    }
}
