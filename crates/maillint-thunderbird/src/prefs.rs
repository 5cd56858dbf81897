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
//! The lexer is a hand-written byte loop with a 256-entry character table, like Mozilla's.
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

// ---------------------------------------------------------------------------------------------
// Lexer
// ---------------------------------------------------------------------------------------------

/// What a byte means at the start of a token (Mozilla's `CharKind`).
const SINGLE: u8 = 0; // ( ) + , - ;
const SPACE: u8 = 1; // TAB LF VT FF SPACE
const KEYWORD: u8 = 2; // A-Z a-z _
const QUOTE: u8 = 3; // " '
const SLASH: u8 = 4; // /
const DIGIT: u8 = 5; // 0-9
const HASH: u8 = 6; // #
const CR: u8 = 7; // \r
const OTHER: u8 = 8; // everything else, including every byte >= 0x80

static CHAR_KINDS: [u8; 256] = {
    let mut table = [OTHER; 256];
    table[b'(' as usize] = SINGLE;
    table[b')' as usize] = SINGLE;
    table[b'+' as usize] = SINGLE;
    table[b',' as usize] = SINGLE;
    table[b'-' as usize] = SINGLE;
    table[b';' as usize] = SINGLE;
    table[b'\t' as usize] = SPACE;
    table[b'\n' as usize] = SPACE;
    table[0x0B] = SPACE;
    table[0x0C] = SPACE;
    table[b' ' as usize] = SPACE;
    table[b'"' as usize] = QUOTE;
    table[b'\'' as usize] = QUOTE;
    table[b'/' as usize] = SLASH;
    table[b'#' as usize] = HASH;
    table[b'\r' as usize] = CR;
    table[b'_' as usize] = KEYWORD;
    let mut c = b'0';
    while c <= b'9' {
        table[c as usize] = DIGIT;
        c += 1;
    }
    let mut c = b'A';
    while c <= b'Z' {
        table[c as usize] = KEYWORD;
        table[(c - b'A' + b'a') as usize] = KEYWORD;
        c += 1;
    }
    table
};

/// Whether a byte inside a string literal quoted with `quote` may need attention: the quote,
/// the backslash, or a control character (among them NUL, the end of input, and the line
/// breaks LF and CR, which are counted). Mozilla's `SPECIAL_STRING_CHARS` are the first five
/// of these; the other control characters are plain bytes that a caller copies as they are.
#[inline(always)]
fn stops_string(byte: u8, quote: u8) -> bool {
    byte == quote || byte == b'\\' || byte < STRING_CONTROL_LIMIT
}

/// Bytes below this stop a string scan ([`stops_string`]): NUL to CR, and a few more.
const STRING_CONTROL_LIMIT: u8 = 0x0E;

/// The first byte at or after `from` (and before `end`) that stops a string literal quoted with
/// `quote` ([`stops_string`]; `end` when there is none). Eight bytes at a time: string literals
/// are most of a profile's bytes.
pub(crate) fn skip_plain_string_bytes(buf: &[u8], from: usize, end: usize, quote: u8) -> usize {
    const ONES: u64 = u64::from_le_bytes([0x01; 8]);
    const HIGHS: u64 = u64::from_le_bytes([0x80; 8]);
    // The high bit of each byte of `x` that is below `limit` (at most 128), read as a mask:
    // a borrow starts only at such a byte, so a byte above one may be marked too, but the
    // lowest mark is exact. With a limit of 1 these are the zero bytes of `x`, so with
    // `x = word ^ (ONES * byte)` the bytes of `word` equal to `byte`.
    let below = |x: u64, limit: u8| x.wrapping_sub(ONES * u64::from(limit)) & !x & HIGHS;
    let (quotes, backslashes) = (ONES * u64::from(quote), ONES * u64::from(b'\\'));
    let mut i = from;
    if let Some(bytes) = buf.get(from..end) {
        for chunk in bytes.chunks_exact(8) {
            // Little-endian: the first byte in the text is the lowest in the word.
            let word = u64::from_le_bytes(chunk.try_into().unwrap_or_default());
            let stops = below(word ^ quotes, 1)
                | below(word ^ backslashes, 1)
                | below(word, STRING_CONTROL_LIMIT);
            if stops != 0 {
                return i + (stops.trailing_zeros() / 8) as usize;
            }
            i += 8;
        }
    }
    while i < end && !stops_string(buf[i], quote) {
        i += 1;
    }
    i
}

/// A malformed token: the message and where libpref reports it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct LexError {
    message: &'static str,
    offset: usize,
    line: u32,
    opened_at: Option<TextRange>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tok {
    Eof,
    LParen,
    RParen,
    Plus,
    Comma,
    Minus,
    Semicolon,
    Pref,
    StickyPref,
    UserPref,
    True,
    False,
    Sticky,
    Locked,
    /// A string literal. Its value is the text between the quotes, unless the lexer's
    /// `decoded` is set: then it is in the buffer passed to `next_token`.
    Str,
    /// An unsigned integer literal (signs are separate tokens).
    Int(u32),
    Error(LexError),
}

#[derive(Clone, Copy, Debug)]
struct Token {
    tok: Tok,
    start: usize,
    end: usize,
    /// The line the token starts on.
    start_line: u32,
}

const KEYWORDS: [(&[u8], Tok); 7] = [
    (b"pref", Tok::Pref),
    (b"true", Tok::True),
    (b"false", Tok::False),
    (b"user_pref", Tok::UserPref),
    (b"sticky", Tok::Sticky),
    (b"locked", Tok::Locked),
    (b"sticky_pref", Tok::StickyPref),
];

struct Lexer<'t> {
    buf: &'t [u8],
    /// The first NUL byte, or the length: libpref's end of input.
    end: usize,
    /// Next byte to read.
    i: usize,
    /// Current line, counted as libpref counts it.
    line: u32,
    /// Whether the last string read had an escape, so that its value is the decoded buffer
    /// rather than the text between its quotes.
    decoded: bool,
}

impl<'t> Lexer<'t> {
    fn new(buf: &'t [u8]) -> Self {
        let end = memchr::memchr(0, buf).unwrap_or(buf.len());
        Self { buf, end, i: 0, line: 1, decoded: false }
    }

    /// The next byte, or 0 (end of input) without moving past the end.
    #[inline(always)]
    fn peek(&self) -> u8 {
        if self.i < self.end { self.buf[self.i] } else { 0 }
    }

    #[inline(always)]
    fn bump(&mut self) {
        if self.i < self.end {
            self.i += 1;
        }
    }

    #[inline(always)]
    fn eat(&mut self, c: u8) -> bool {
        if self.i < self.end && self.buf[self.i] == c {
            self.i += 1;
            true
        } else {
            false
        }
    }

    /// Whether the keyword token at `start` is `word`: the bytes are there, before the end of
    /// input, and no keyword character follows them.
    #[inline(always)]
    fn is_word_at(&self, start: usize, word: &[u8]) -> bool {
        let after = start + word.len();
        after <= self.end
            && self.buf.get(start..after) == Some(word)
            && (after == self.end || CHAR_KINDS[self.buf[after] as usize] != KEYWORD)
    }

    fn error(&self, message: &'static str, offset: usize) -> Tok {
        Tok::Error(LexError { message, offset, line: self.line, opened_at: None })
    }

    /// Returns the next token. A string's decoded bytes go into `string`.
    fn next_token(&mut self, string: &mut Vec<u8>) -> Token {
        // The line break and keyword that start the next line of prefs.js, read at once.
        if self.i < self.end
            && self.buf[self.i] == b'\n'
            && self.is_word_at(self.i + 1, b"user_pref")
        {
            let start = self.i + 1;
            self.line += 1;
            self.i = start + b"user_pref".len();
            return Token { tok: Tok::UserPref, start, end: self.i, start_line: self.line };
        }
        loop {
            let start = self.i;
            if start >= self.end {
                return Token {
                    tok: Tok::Eof,
                    start: self.end,
                    end: self.end,
                    start_line: self.line,
                };
            }
            let c = self.buf[start];
            self.i += 1;
            let start_line = self.line;
            let tok = match CHAR_KINDS[c as usize] {
                SINGLE => match c {
                    b'(' => Tok::LParen,
                    b')' => Tok::RParen,
                    b'+' => Tok::Plus,
                    b',' => Tok::Comma,
                    b'-' => Tok::Minus,
                    _ => Tok::Semicolon,
                },
                SPACE => {
                    if c == b'\n' {
                        self.line += 1;
                    }
                    continue;
                }
                CR => {
                    self.eat(b'\n');
                    self.line += 1;
                    continue;
                }
                // `user_pref` starts every line of prefs.js: known without the table search.
                KEYWORD if self.is_word_at(start, b"user_pref") => {
                    self.i = start + b"user_pref".len();
                    Tok::UserPref
                }
                KEYWORD => {
                    while self.i < self.end && CHAR_KINDS[self.buf[self.i] as usize] == KEYWORD {
                        self.i += 1;
                    }
                    let word = &self.buf[start..self.i];
                    match KEYWORDS.iter().find(|(text, _)| *text == word) {
                        Some((_, tok)) => *tok,
                        None => self.error("unknown keyword", start),
                    }
                }
                QUOTE => self.string(c, start, string),
                SLASH => match self.peek() {
                    b'/' => {
                        self.bump();
                        self.line_comment();
                        continue;
                    }
                    b'*' => {
                        self.bump();
                        if self.block_comment() {
                            continue;
                        }
                        Tok::Error(LexError {
                            message: "unterminated /* comment",
                            offset: self.i,
                            line: self.line,
                            opened_at: Some(TextRange::new(start, start + 2)),
                        })
                    }
                    next => {
                        // Newer libpref leaves a line break after the `/` in place so that it
                        // is counted; any other character is consumed with the `/`.
                        if next != b'\n' && next != b'\r' {
                            self.bump();
                        }
                        self.error("expected '/' or '*' after '/'", start)
                    }
                },
                DIGIT => self.integer(c, start),
                HASH => {
                    self.line_comment();
                    continue;
                }
                _ => self.error("unexpected character", start),
            };
            return Token { tok, start, end: self.i, start_line };
        }
    }

    fn integer(&mut self, first: u8, start: usize) -> Tok {
        // Digits accumulate as an unsigned 32-bit number, so that `-2147483648` can be
        // negated later; more than 4294967295 overflows while lexing (reference 2.3).
        let mut value = Some(u32::from(first - b'0'));
        loop {
            let c = self.peek();
            match CHAR_KINDS[c as usize] {
                DIGIT if self.i < self.end => {
                    self.i += 1;
                    value = value
                        .and_then(|v| v.checked_mul(10))
                        .and_then(|v| v.checked_add(u32::from(c - b'0')));
                }
                KEYWORD => {
                    // `100foo`: the error is reported and recovery re-lexes from `foo`.
                    return self.error("unexpected character in integer literal", self.i);
                }
                _ => break,
            }
        }
        match value {
            Some(v) => Tok::Int(v),
            None => self.error("integer literal overflowed", start),
        }
    }

    fn line_comment(&mut self) {
        while self.i < self.end {
            let c = self.buf[self.i];
            self.i += 1;
            if c == b'\n' {
                self.line += 1;
                return;
            }
            if c == b'\r' {
                self.line += 1;
                self.eat(b'\n');
                return;
            }
        }
    }

    /// Skips a `/* ... */` comment after its opening; false when the input ends first.
    fn block_comment(&mut self) -> bool {
        while self.i < self.end {
            let c = self.buf[self.i];
            self.i += 1;
            match c {
                b'*' if self.eat(b'/') => return true,
                b'\n' => self.line += 1,
                b'\r' => {
                    self.line += 1;
                    self.eat(b'\n');
                }
                _ => {}
            }
        }
        false
    }

    /// `count` hex digits; a non-hex character is left unread.
    fn hex_digits(&mut self, count: usize) -> Option<u16> {
        let mut value: u16 = 0;
        for _ in 0..count {
            let digit = match self.peek() {
                c @ b'0'..=b'9' => c - b'0',
                c @ b'a'..=b'f' => c - b'a' + 10,
                c @ b'A'..=b'F' => c - b'A' + 10,
                _ => return None,
            };
            self.bump();
            value = (value << 4) | u16::from(digit);
        }
        Some(value)
    }

    fn string(&mut self, quote: u8, start: usize, out: &mut Vec<u8>) -> Tok {
        self.decoded = false;
        // Fast path: no escape, no line break, no other quote before the closing quote. The
        // value is the text between the quotes; nothing is copied.
        let scan = skip_plain_string_bytes(self.buf, self.i, self.end, quote);
        if scan < self.end && self.buf[scan] == quote {
            self.i = scan + 1;
            return Tok::Str;
        }
        out.clear();

        // Slow path. Only the first error inside a string is kept, with the line where it
        // occurred; lexing goes on to the string's end (reference 2.4). Runs of plain bytes
        // are copied at once.
        let mut first_error: Option<LexError> = None;
        loop {
            let run_end = skip_plain_string_bytes(self.buf, self.i, self.end, quote);
            out.extend_from_slice(&self.buf[self.i..run_end]);
            self.i = run_end;
            if self.i >= self.end {
                if first_error.is_none() {
                    first_error = Some(LexError {
                        message: "unterminated string literal",
                        offset: self.end,
                        line: self.line,
                        opened_at: Some(TextRange::new(start, start + 1)),
                    });
                }
                break;
            }
            let c = self.buf[self.i];
            self.i += 1;
            if c == quote {
                break;
            }
            match c {
                b'\\' => {
                    // Only an escape makes the value differ from the text between the quotes.
                    self.decoded = true;
                    let escape = self.i - 1;
                    match self.peek() {
                        e @ (b'"' | b'\'' | b'\\') => {
                            self.bump();
                            out.push(e);
                        }
                        b'n' => {
                            self.bump();
                            out.push(b'\n');
                        }
                        b'r' => {
                            self.bump();
                            out.push(b'\r');
                        }
                        b'x' => {
                            self.bump();
                            match self.hex_digits(2) {
                                Some(0) => {
                                    self.fail(&mut first_error, "\\x00 is not allowed", escape)
                                }
                                // A raw byte, valid UTF-8 or not (reference 4.3, V20).
                                Some(byte) => out.push(byte as u8),
                                None => self.fail(
                                    &mut first_error,
                                    "malformed \\x escape sequence",
                                    escape,
                                ),
                            }
                        }
                        b'u' => {
                            self.bump();
                            self.unicode_escape(escape, out, &mut first_error);
                        }
                        next => {
                            // A line break is left in place so that it is counted.
                            if next != b'\n' && next != b'\r' {
                                self.bump();
                            }
                            self.fail(
                                &mut first_error,
                                "unexpected escape sequence character after '\\'",
                                escape,
                            );
                        }
                    }
                }
                b'\n' => {
                    self.line += 1;
                    out.push(c);
                }
                b'\r' => {
                    self.line += 1;
                    out.push(c);
                    if self.eat(b'\n') {
                        out.push(b'\n');
                    }
                }
                _ => out.push(c),
            }
        }
        match first_error {
            Some(error) => Tok::Error(error),
            None => Tok::Str,
        }
    }

    /// Keeps the first error met inside a string, with the current line.
    fn fail(&self, first_error: &mut Option<LexError>, message: &'static str, offset: usize) {
        if first_error.is_none() {
            *first_error = Some(LexError { message, offset, line: self.line, opened_at: None });
        }
    }

    /// After `\u`: four hex digits, a surrogate pair, or one of the `\u` errors.
    fn unicode_escape(
        &mut self,
        escape: usize,
        out: &mut Vec<u8>,
        first_error: &mut Option<LexError>,
    ) {
        let Some(unit) = self.hex_digits(4) else {
            self.fail(first_error, "malformed \\u escape sequence", escape);
            return;
        };
        let code_point = if unit & 0xFC00 == 0xD800 {
            // A high surrogate must be followed by `\u` and a low surrogate. libpref consumes
            // the `\` even when no `u` follows, and the digits it could read.
            let mut low = None;
            if self.eat(b'\\')
                && self.eat(b'u')
                && let Some(second) = self.hex_digits(4)
            {
                if second & 0xFC00 != 0xDC00 {
                    // Message as in the reference table (older libpref wording).
                    self.fail(
                        first_error,
                        "invalid low surrogate value after high surrogate",
                        escape,
                    );
                    return;
                }
                low = Some(second);
            }
            let Some(low) = low else {
                self.fail(first_error, "expected low surrogate after high surrogate", escape);
                return;
            };
            0x10000 + ((u32::from(unit) - 0xD800) << 10) + (u32::from(low) - 0xDC00)
        } else if unit & 0xFC00 == 0xDC00 {
            // Newer libpref revisions reject an unpaired low surrogate (reference 2.3).
            self.fail(first_error, "expected high surrogate before low surrogate", escape);
            return;
        } else if unit == 0 {
            self.fail(first_error, "\\u0000 is not allowed", escape);
            return;
        } else {
            u32::from(unit)
        };
        let c = char::from_u32(code_point).unwrap_or(char::REPLACEMENT_CHARACTER);
        let mut utf8 = [0u8; 4];
        out.extend_from_slice(c.encode_utf8(&mut utf8).as_bytes());
    }
}

// ---------------------------------------------------------------------------------------------
// Parser
// ---------------------------------------------------------------------------------------------

/// Bytes as text: borrowed when they are UTF-8 (a name always is, unless `\xNN` escapes made
/// it something else), else converted lossily.
fn text_of(bytes: Cow<'_, [u8]>) -> Cow<'_, str> {
    match bytes {
        Cow::Borrowed(bytes) => match std::str::from_utf8(bytes) {
            Ok(name) => Cow::Borrowed(name),
            Err(_) => String::from_utf8_lossy(bytes),
        },
        Cow::Owned(bytes) => Cow::Owned(
            String::from_utf8(bytes)
                .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()),
        ),
    }
}

/// The specifier a keyword token stands for.
fn token_spec(tok: Tok) -> Option<Spec> {
    match tok {
        Tok::Pref => Some(Spec::Pref),
        Tok::StickyPref => Some(Spec::StickyPref),
        Tok::UserPref => Some(Spec::UserPref),
        _ => None,
    }
}

/// A value at `start` as Thunderbird writes one: a string without line breaks whose escapes
/// are those Thunderbird writes ([`simple_string_end`]), `true`, `false`, or an integer of at
/// most ten digits (`-` right before them) that fits in 32 bits. Returns the value and the end
/// of its literal, or `None` for anything the token-by-token path must read (an integer that
/// does not fit is an error there). The caller requires `)` right after the literal, so
/// `truex` or an eleventh digit falls back.
fn canonical_value(buf: &[u8], end: usize, start: usize) -> Option<(PrefValue<'_>, usize)> {
    let at = |i: usize| if i < end { buf[i] } else { 0 };
    let word = |w: &[u8]| buf.get(start..start + w.len()) == Some(w);
    match at(start) {
        b'"' => {
            let (close, escaped) = simple_string_end(buf, end, start + 1)?;
            let inside = &buf[start + 1..close];
            let value = if escaped { PrefString::escaped(inside) } else { inside.into() };
            Some((PrefValue::String(value), close + 1))
        }
        b't' if word(b"true") => Some((PrefValue::Bool(true), start + 4)),
        b'f' if word(b"false") => Some((PrefValue::Bool(false), start + 5)),
        b'-' => {
            let (magnitude, digits_end) = canonical_digits(buf, end, start + 1)?;
            let value = i32::try_from(-i64::try_from(magnitude).ok()?).ok()?;
            Some((PrefValue::Int(value), digits_end))
        }
        _ => {
            let (magnitude, digits_end) = canonical_digits(buf, end, start)?;
            Some((PrefValue::Int(i32::try_from(magnitude).ok()?), digits_end))
        }
    }
}

/// The closing quote of a `"` literal whose inside starts at `from`, and whether it has an
/// escape, when its only escapes are `\"`, `\'`, `\\`, `\n` and `\r` (all valid, decoded
/// by [`decode_simple_escapes`]) and it holds no control character (so no line break to
/// count); `None` for any other literal, which the token-by-token path reads.
fn simple_string_end(buf: &[u8], end: usize, from: usize) -> Option<(usize, bool)> {
    let at = |i: usize| if i < end { buf[i] } else { 0 };
    let mut escaped = false;
    let mut i = from;
    loop {
        i = skip_plain_string_bytes(buf, i, end, b'"');
        match (at(i), at(i + 1)) {
            (b'"', _) => return Some((i, escaped)),
            (b'\\', b'"' | b'\'' | b'\\' | b'n' | b'r') => {
                escaped = true;
                i += 2;
            }
            _ => return None,
        }
    }
}

/// One to ten decimal digits at `start` (a Unix time in seconds has ten): no overflow of the
/// 64-bit value is possible.
fn canonical_digits(buf: &[u8], end: usize, start: usize) -> Option<(u64, usize)> {
    let mut value = 0u64;
    let mut i = start;
    while i < end && buf[i].is_ascii_digit() && i - start < 10 {
        value = value * 10 + u64::from(buf[i] - b'0');
        i += 1;
    }
    (i > start).then_some((value, i))
}

struct Parser<'t> {
    lexer: Lexer<'t>,
    /// Whether canonical statements are read in one go ([`Parser::canonical_rest`]); off only
    /// in the tests that compare both paths.
    fast: bool,
    /// The input as text, when it is known to be UTF-8: a name between two quotes (ASCII) is
    /// then UTF-8 too and is sliced without being checked again.
    text: Option<&'t str>,
    /// End of the token before the current one, and of the current one.
    previous_end: usize,
    current_end: usize,
    kind: FileKind,
    statements: Vec<Statement<'t>>,
    errors: Vec<ParseError>,
    /// The decoded value of the last string that had an escape.
    decoded: Vec<u8>,
}

impl<'t> Parser<'t> {
    fn for_text(text: &'t str, kind: FileKind) -> Self {
        Self { text: Some(text), ..Self::new(text.as_bytes(), kind) }
    }

    fn new(text: &'t [u8], kind: FileKind) -> Self {
        Self {
            lexer: Lexer::new(text),
            fast: true,
            text: None,
            previous_end: 0,
            current_end: 0,
            kind,
            // A prefs.js line is about 60 bytes.
            statements: Vec::with_capacity(text.len() / 64),
            errors: Vec::new(),
            decoded: Vec::new(),
        }
    }

    fn next(&mut self) -> Token {
        let token = self.lexer.next_token(&mut self.decoded);
        self.previous_end = self.current_end;
        self.current_end = token.end;
        token
    }

    /// The value of the string token just read: the text between its quotes, or, when it had
    /// an escape, a copy of what the lexer decoded.
    fn string_value(&self, token: Token) -> Cow<'t, [u8]> {
        if self.lexer.decoded {
            Cow::Owned(self.decoded.clone())
        } else {
            Cow::Borrowed(&self.lexer.buf[token.start + 1..token.end - 1])
        }
    }

    /// The name in the string token just read, as text.
    fn name_value(&self, token: Token) -> Cow<'t, str> {
        let inner = token.start + 1..token.end - 1;
        match self.text {
            Some(text) if !self.lexer.decoded => match text.get(inner) {
                Some(name) => Cow::Borrowed(name),
                None => text_of(self.string_value(token)),
            },
            _ => text_of(self.string_value(token)),
        }
    }

    fn run(mut self, leading_error: Option<LexError>) -> PrefsFile<'t> {
        let mut token = match leading_error {
            Some(error) => {
                let synthetic =
                    Token { tok: Tok::Error(error), start: 0, end: 0, start_line: error.line };
                self.error_and_recover(synthetic, "", None)
            }
            None => self.next(),
        };
        loop {
            token = match self.statement(token) {
                Ok(next) | Err(next) => next,
            };
            if token.tok == Tok::Eof {
                break;
            }
        }
        PrefsFile {
            statements: self.statements,
            errors: self.errors,
            end: self.lexer.end,
            encoding_issue: None,
        }
    }

    /// Parses one statement starting at `token`; returns the token after it (after recovery
    /// when the statement is malformed).
    fn statement(&mut self, token: Token) -> Result<Token, Token> {
        if self.fast
            && let Some(spec) = token_spec(token.tok)
            && let Some(statement) = self.canonical_rest(spec, token)
        {
            self.statements.push(statement);
            return Ok(self.next());
        }
        let (spec, mut sticky) = match token.tok {
            Tok::Pref => (Spec::Pref, false),
            Tok::StickyPref => (Spec::StickyPref, true),
            Tok::UserPref => (Spec::UserPref, false),
            Tok::Eof => return Ok(token),
            _ => {
                return Err(self.error_and_recover(
                    token,
                    "expected pref specifier at start of pref definition",
                    None,
                ));
            }
        };
        let start = Some(token.start);
        let spec_range = TextRange::new(token.start, token.end);

        let token = self.next();
        if token.tok != Tok::LParen {
            return Err(self.error_and_recover(token, "expected '(' after pref specifier", start));
        }

        let token = self.next();
        if token.tok != Tok::Str {
            return Err(self.error_and_recover(token, "expected pref name after '('", start));
        }
        let name_range = TextRange::new(token.start, token.end);
        let name = self.name_value(token);

        let token = self.next();
        if token.tok != Tok::Comma {
            return Err(self.error_and_recover(token, "expected ',' after pref name", start));
        }

        let token = self.next();
        let value_start = token.start;
        let (value, value_end) = match token.tok {
            Tok::True => (PrefValue::Bool(true), token.end),
            Tok::False => (PrefValue::Bool(false), token.end),
            Tok::Str => (PrefValue::String(self.string_value(token).into()), token.end),
            Tok::Int(u) => match i32::try_from(u) {
                Ok(v) => (PrefValue::Int(v), token.end),
                Err(_) => return Err(self.overflow(token, start)),
            },
            Tok::Minus | Tok::Plus => {
                let negative = token.tok == Tok::Minus;
                let digits = self.next();
                let Tok::Int(u) = digits.tok else {
                    let message = if negative {
                        "expected integer literal after '-'"
                    } else {
                        "expected integer literal after '+'"
                    };
                    return Err(self.error_and_recover(digits, message, start));
                };
                // -2147483648 fits once negated; +2147483648 does not.
                let value = if negative {
                    i32::try_from(-i64::from(u)).ok()
                } else {
                    i32::try_from(u).ok()
                };
                match value {
                    Some(v) => (PrefValue::Int(v), digits.end),
                    None => return Err(self.overflow(digits, start)),
                }
            }
            _ => {
                return Err(self.error_and_recover(token, "expected pref value after ','", start));
            }
        };
        let value_range = TextRange::new(value_start, value_end);

        let locked = self.attributes(&mut sticky, start)?;

        let semicolon = self.next();
        if semicolon.tok != Tok::Semicolon {
            return Err(self.error_and_recover(semicolon, "expected ';' after ')'", start));
        }

        self.statements.push(Statement {
            spec,
            spec_range,
            name,
            name_range,
            value,
            value_range,
            sticky,
            locked,
            range: TextRange::new(spec_range.start as usize, semicolon.end),
        });
        Ok(self.next())
    }

    /// The rest of a statement written the way Thunderbird writes every line of `prefs.js`
    /// (`("name", value);` right after the specifier, with only spaces after the comma, a name
    /// without escapes, a string value without line breaks whose escapes are those Thunderbird
    /// writes, an integer that fits), read in one
    /// go instead of token by token. Anything else gives `None` before the lexer moved, and the
    /// token-by-token path reads the statement: the result is the same either way (tested
    /// against that path on every statement shape and on mutated files).
    fn canonical_rest(&mut self, spec: Spec, keyword: Token) -> Option<Statement<'t>> {
        let (buf, end) = (self.lexer.buf, self.lexer.end);
        let at = |i: usize| if i < end { buf[i] } else { 0 };
        let open = self.lexer.i;
        if at(open) != b'(' || at(open + 1) != b'"' {
            return None;
        }
        let name_close = skip_plain_string_bytes(buf, open + 2, end, b'"');
        if at(name_close) != b'"' || at(name_close + 1) != b',' {
            return None;
        }
        let mut value_start = name_close + 2;
        while at(value_start) == b' ' {
            value_start += 1;
        }
        let (value, value_end) = canonical_value(buf, end, value_start)?;
        if at(value_end) != b')' || at(value_end + 1) != b';' {
            return None;
        }
        let name_range = TextRange::new(open + 1, name_close + 1);
        let name = match self.text {
            Some(text) => Cow::Borrowed(text.get(open + 2..name_close)?),
            None => text_of(Cow::Borrowed(&buf[open + 2..name_close])),
        };
        let semicolon_end = value_end + 2;
        self.lexer.i = semicolon_end;
        self.current_end = semicolon_end;
        Some(Statement {
            spec,
            spec_range: TextRange::new(keyword.start, keyword.end),
            name,
            name_range,
            value,
            value_range: TextRange::new(value_start, value_end),
            sticky: spec == Spec::StickyPref,
            locked: false,
            range: TextRange::new(keyword.start, semicolon_end),
        })
    }

    fn overflow(&mut self, digits: Token, start: Option<usize>) -> Token {
        let error = LexError {
            message: "integer literal overflowed",
            offset: digits.start,
            line: self.lexer.line,
            opened_at: None,
        };
        self.error_and_recover(Token { tok: Tok::Error(error), ..digits }, "", start)
    }

    /// Reads the attributes after a pref value (`, sticky`, `, locked`; default-prefs files
    /// only) up to and including the `)`. Returns whether the pref is locked; `sticky` is set
    /// when the attribute is given.
    fn attributes(&mut self, sticky: &mut bool, start: Option<usize>) -> Result<bool, Token> {
        let mut locked = false;
        let mut has_attrs = false;
        let mut token = self.next();
        if self.kind == FileKind::Default {
            while token.tok == Tok::Comma {
                let attr = self.next();
                match attr.tok {
                    Tok::Sticky => *sticky = true,
                    Tok::Locked => locked = true,
                    _ => {
                        return Err(self.error_and_recover(
                            attr,
                            "expected pref attribute after ','",
                            start,
                        ));
                    }
                }
                has_attrs = true;
                token = self.next();
            }
        }
        if token.tok != Tok::RParen {
            let message = match (self.kind, has_attrs) {
                (FileKind::Default, true) => "expected ',' or ')' after pref attribute",
                (FileKind::Default, false) => "expected ',' or ')' after pref value",
                (FileKind::User, _) => "expected ')' after pref value",
            };
            return Err(self.error_and_recover(token, message, start));
        }
        Ok(locked)
    }

    /// Reports the error (a lexing error carried by `token`, else `message` at `token`) and
    /// skips tokens up to and including the next `;`. Errors met while skipping are not
    /// reported. Returns the token after the `;`, or the end of input.
    fn error_and_recover(
        &mut self,
        token: Token,
        message: &'static str,
        statement_start: Option<usize>,
    ) -> Token {
        let (message, line, offset, opened_at) = match token.tok {
            Tok::Error(error) => (error.message, error.line, error.offset, error.opened_at),
            _ => {
                // libpref reports the line it is on after reading the offending token. Only a
                // string can span lines; then its closing quote is on that line.
                let line = self.lexer.line;
                let offset = if token.start_line == line || token.end == token.start {
                    token.start
                } else {
                    token.end - 1
                };
                (message, line, offset, None)
            }
        };
        let index = self.errors.len();
        self.errors.push(ParseError {
            message,
            line,
            offset,
            opened_at,
            statement_start,
            previous_end: self.previous_end,
            resume_at: 0,
        });

        let mut token = token;
        loop {
            match token.tok {
                Tok::Semicolon => {
                    self.errors[index].resume_at = token.end;
                    return self.next();
                }
                Tok::Eof => {
                    self.errors[index].resume_at = token.start;
                    return token;
                }
                _ => token = self.next(),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(text: &str) -> PrefsFile<'_> {
        parse(text.as_bytes(), FileKind::User)
    }

    #[test]
    fn string_bytes_are_skipped_to_the_first_special_byte_at_any_alignment() {
        let naive = |buf: &[u8], from: usize, end: usize, quote: u8| {
            (from..end).find(|&i| stops_string(buf[i], quote)).unwrap_or(end)
        };
        let mut text = b"mail.server.server1.directory-rel=[ProfD]Mail/\xc3\xa9x".to_vec();
        // Bytes one above a special one (`#`, `&`, `]`, 0x01), which a borrow can mark too.
        text.extend_from_slice(b"0123456789abcdef\x7f\x0e\x80\xff#&]\x01#&]\x01\x0f");
        for special in [b'"', b'\'', b'\\', b'\n', b'\r', 0, b'\t', 0x0d, 0x0e, 0x1f] {
            for at in 0..text.len() {
                let mut buf = text.clone();
                buf[at] = special;
                for from in 0..at.min(12) {
                    for end in [at, at + 1, buf.len()] {
                        for quote in [b'"', b'\''] {
                            let got = skip_plain_string_bytes(&buf, from, end, quote);
                            let want = naive(&buf, from, end, quote);
                            assert_eq!(got, want, "{special} at {at} from {from}");
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn string_bytes_are_skipped_exactly_among_many_special_bytes() {
        // Special bytes, the bytes a borrow can mark after them, and plain ones, mixed.
        let alphabet = b"\"'\\\0\n\r\x0d\x0e#&]\x01\x0fa\x80\xff";
        let mut state = 0x9E37_79B9_7F4A_7C15_u64;
        for _ in 0..3000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let len = (state % 40) as usize;
            let buf: Vec<u8> = (0..len)
                .map(|i| {
                    let pick = (state >> (i % 60)) as usize ^ (i * 7);
                    // Mostly plain bytes, so that whole words are skipped too.
                    if pick.is_multiple_of(5) { alphabet[pick % alphabet.len()] } else { b'a' }
                })
                .collect();
            for from in 0..=len {
                for end in from..=len {
                    for quote in [b'"', b'\''] {
                        let want = (from..end).find(|&i| stops_string(buf[i], quote));
                        let got = skip_plain_string_bytes(&buf, from, end, quote);
                        assert_eq!(got, want.unwrap_or(end), "{buf:?} {from} {end}");
                    }
                }
            }
        }
    }

    #[test]
    fn user_pref_is_a_keyword_only_as_a_whole_word_before_the_end() {
        let cases: [(&[u8], usize, Option<&str>); 11] = [
            (b"\nuser_pref(\"a\", 1);\nuser_pref(\"b\", 1);", 2, None),
            (b"\nuser_prefs(\"a\", 1);", 0, Some("unknown keyword")),
            (b"\nuser_pref", 0, Some("expected '(' after pref specifier")),
            (b"\nuser_pre\0f", 0, Some("unknown keyword")),
            (b"user_pref(\"a\", 1);", 1, None),
            (b"user_prefs(\"a\", 1);", 0, Some("unknown keyword")),
            (b"user_pref_(\"a\", 1);", 0, Some("unknown keyword")),
            (b"user_pre(\"a\", 1);", 0, Some("unknown keyword")),
            (b"user_pref", 0, Some("expected '(' after pref specifier")),
            (b"user_pref\0s(\"a\", 1);", 0, Some("expected '(' after pref specifier")),
            (b"user_pre\0f(\"a\", 1);", 0, Some("unknown keyword")),
        ];
        for (text, statements, error) in cases {
            let file = parse(text, FileKind::User);
            assert_eq!(file.statements.len(), statements, "{text:?}");
            assert_eq!(file.errors.first().map(|e| e.message), error, "{text:?}");
        }
        // Lines are counted across the keyword read with its line break.
        let file = parse(b"user_pref(\"a\", 1);\nuser_pref\n(\"b\" 1);", FileKind::User);
        assert_eq!((file.errors[0].line, file.errors[0].offset), (3, 34));
        assert_eq!(file.statements[0].range, TextRange::new(0, 18));
    }

    #[test]
    fn records_ranges_of_every_part() {
        let text = "  user_pref(\"mail.server.server1.port\", - /* c */ 993);\n";
        let file = user(text);
        assert!(file.errors.is_empty());
        let stmt = &file.statements[0];
        assert_eq!(&text[stmt.spec_range.as_range()], "user_pref");
        assert_eq!(&text[stmt.name_range.as_range()], "\"mail.server.server1.port\"");
        assert_eq!(&text[stmt.value_range.as_range()], "- /* c */ 993");
        assert_eq!(&text[stmt.range.as_range()], text.trim());
        assert_eq!(stmt.value, PrefValue::Int(-993));
        assert_eq!(stmt.name, "mail.server.server1.port");
    }

    #[test]
    fn string_with_escapes_is_decoded_and_its_range_covers_the_quotes() {
        let text = r#"user_pref('a', "x\"y\\z\n");"#;
        let file = user(text);
        let stmt = &file.statements[0];
        assert_eq!(stmt.value, PrefValue::String(b"x\"y\\z\n".to_vec().into()));
        assert_eq!(&text[stmt.value_range.as_range()], r#""x\"y\\z\n""#);
    }

    #[test]
    fn lone_slash_before_a_line_break_keeps_line_numbers() {
        let file = user("/\n/\n/");
        let lines: Vec<u32> = file.errors.iter().map(|e| e.line).collect();
        assert_eq!(lines, vec![1]);
        // The other two slashes are swallowed by recovery (no `;` follows).
        assert_eq!(file.errors[0].resume_at, 5);
    }

    #[test]
    fn recovery_resumes_after_the_semicolon() {
        let text = "user_pref(\"a\" 1);user_pref(\"b\", 2);";
        let file = user(text);
        assert_eq!(file.errors.len(), 1);
        assert_eq!(file.errors[0].offset, text.find('1').unwrap());
        assert_eq!(file.errors[0].statement_start, Some(0));
        assert_eq!(file.errors[0].resume_at, text.find(';').unwrap() + 1);
        assert_eq!(file.statements.len(), 1);
        assert_eq!(file.statements[0].name, "b");
    }

    #[test]
    fn multi_line_string_error_points_at_its_closing_quote() {
        // libpref reports "expected ',' after pref name" on the line where the name ends.
        let text = "user_pref(\"a\" \"b\nc\");";
        let file = user(text);
        assert_eq!(file.errors[0].message, "expected ',' after pref name");
        assert_eq!(file.errors[0].line, 2);
        assert_eq!(file.errors[0].offset, text.rfind('"').unwrap());
    }

    #[test]
    fn unterminated_comment_points_at_the_end_and_remembers_the_opening() {
        let text = "user_pref(\"a\", 1); /* open\n";
        let file = user(text);
        assert_eq!(file.errors[0].message, "unterminated /* comment");
        assert_eq!(file.errors[0].offset, text.len());
        assert_eq!(file.errors[0].opened_at, Some(TextRange::new(19, 21)));
        assert_eq!(file.statements.len(), 1);
    }

    #[test]
    fn high_surrogate_consumes_a_backslash_without_u() {
        // `\uD83C\"`: libpref eats the `\`, so the `"` closes the string.
        let file = parse(br#"pref("a", "\uD83C\"); pref("b", 1);"#, FileKind::Default);
        assert_eq!(file.errors.len(), 1);
        assert_eq!(file.errors[0].message, "expected low surrogate after high surrogate");
        assert_eq!(file.statements.len(), 1);
        assert_eq!(file.statements[0].name, "b");
    }

    #[test]
    fn utf16_files_load_nothing() {
        let text = "user_pref(\"a\", 1);\n";
        let mut bytes = vec![0xFF, 0xFE];
        for unit in text.encode_utf16() {
            bytes.extend_from_slice(&unit.to_le_bytes());
        }
        let file = SourceFile::from_bytes("prefs.js", &bytes);
        let parsed = parse_source(&file, FileKind::User);
        assert!(parsed.statements.is_empty());
        assert_eq!(parsed.encoding_issue, Some(EncodingIssue::Utf16));
        assert_eq!(parsed.errors.len(), 1);
        assert_eq!(parsed.errors[0].message, "unexpected character");
        assert_eq!(parsed.errors[0].line, 1);

        // Without a BOM the first byte is `u` followed by NUL: an unknown keyword.
        let file = SourceFile::from_bytes("prefs.js", &bytes[2..]);
        let parsed = parse_source(&file, FileKind::User);
        assert_eq!(parsed.errors[0].message, "unknown keyword");
        assert!(parsed.statements.is_empty());
    }

    #[test]
    fn windows_1252_text_outside_strings_is_an_unexpected_character() {
        let bytes =
            b"user_pref(\"a\", \"M\xfcller\");\n\xe9user_pref(\"b\", 1);\nuser_pref(\"c\", 2);";
        let file = SourceFile::from_bytes("prefs.js", bytes);
        let parsed = parse_source(&file, FileKind::User);
        assert_eq!(parsed.statements[0].value.as_text().unwrap(), "Müller");
        assert_eq!(parsed.errors.len(), 1);
        assert_eq!(parsed.errors[0].line, 2);
        let names: Vec<&str> = parsed.statements.iter().map(|s| s.name.as_ref()).collect();
        assert_eq!(names, ["a", "c"]);
    }
    /// Both paths over `text`: the result with canonical statements read in one go must be
    /// the token-by-token result, field for field.
    fn assert_paths_agree(text: &[u8], kind: FileKind) {
        let fast = Parser::new(text, kind).run(None);
        let slow = Parser { fast: false, ..Parser::new(text, kind) }.run(None);
        assert_eq!(fast, slow, "{:?}", String::from_utf8_lossy(text));
        if let Ok(text) = std::str::from_utf8(text) {
            let fast = Parser::for_text(text, kind).run(None);
            let slow = Parser { fast: false, ..Parser::for_text(text, kind) }.run(None);
            assert_eq!(fast, slow, "{text:?}");
        }
    }

    #[test]
    fn canonical_statements_read_in_one_go_equal_the_token_path() {
        let names = ["\"a.b\"", "\"\"", "'a'", "\"a\\\"b\"", "\"a\nb\"", "\"é\"", "\"a'b\""];
        let values = [
            "\"v\"",
            "\"\"",
            "\"x'y\"",
            "\"x\\ny\"",
            // Escapes Thunderbird writes (read in one go, decoded when asked), and others.
            r#""{\"a\":\"b\\c\"}\r\n""#,
            r#""\'\\\"""#,
            r#""\\""#,
            r#""a\""#,
            r#""\x41\n""#,
            r#""\u00e9\n""#,
            r#""\n\q""#,
            "\"\\\n\"",
            "\"\\\tx\\n\"",
            "\"x\\n\ty\"",
            "'v'",
            "true",
            "false",
            "truex",
            "true1",
            "0",
            "007",
            "123456789",
            "1234567890",
            "1637817339",
            "4294967295",
            "9999999999",
            "12345678901",
            "-2147483649",
            "-4294967296",
            "-9999999999",
            "2147483647",
            "2147483648",
            "4294967296",
            "-0",
            "-5",
            "- 5",
            "-2147483648",
            "-123456789",
            "+5",
            "5x",
            "55_",
            "\"a\nb\"",
            "\"unterminated",
        ];
        let separators = [",", ", ", ",   ", ",\t", ",\n", " ,"];
        let tails = [");", ") ;", ")", ", locked);", ", sticky);", ");x", ";", ")\n;"];
        let specs = ["user_pref", "pref", "sticky_pref", "user_pref ", "user_pref\n", "user_prefs"];
        for spec in specs {
            for name in names {
                for separator in separators {
                    for value in values {
                        for tail in tails {
                            let statement = format!("{spec}({name}{separator}{value}{tail}");
                            let text = format!("{statement}\nuser_pref(\"z\", 1);\n{statement}");
                            for kind in [FileKind::User, FileKind::Default] {
                                assert_paths_agree(text.as_bytes(), kind);
                            }
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn canonical_statements_agree_on_truncated_and_nul_cut_files() {
        let text = b"user_pref(\"mail.server.server1.hostname\", \"imap.example.org\");\r\n\
                     user_pref(\"mail.server.server1.port\", 993);\ruser_pref(\"b\", true);";
        for cut in 0..text.len() {
            assert_paths_agree(&text[..cut], FileKind::User);
            let mut with_nul = text.to_vec();
            with_nul[cut] = 0;
            assert_paths_agree(&with_nul, FileKind::User);
        }
    }
}
