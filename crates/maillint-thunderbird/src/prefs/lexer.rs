//! The tokenizer of the libpref grammar: Mozilla's character table and tokens (the loops that
//! skip plain string bytes are in `strings`).

use super::*;

/// What a byte means at the start of a token (Mozilla's `CharKind`).
pub(super) const SINGLE: u8 = 0; // ( ) + , - ;
pub(super) const SPACE: u8 = 1; // TAB LF VT FF SPACE
pub(super) const KEYWORD: u8 = 2; // A-Z a-z _
pub(super) const QUOTE: u8 = 3; // " '
pub(super) const SLASH: u8 = 4; // /
pub(super) const DIGIT: u8 = 5; // 0-9
pub(super) const HASH: u8 = 6; // #
pub(super) const CR: u8 = 7; // \r
pub(super) const OTHER: u8 = 8; // everything else, including every byte >= 0x80

pub(super) static CHAR_KINDS: [u8; 256] = {
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

/// A malformed token: the message and where libpref reports it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct LexError {
    pub(super) message: &'static str,
    pub(super) offset: usize,
    pub(super) line: u32,
    pub(super) opened_at: Option<TextRange>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Tok {
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
pub(super) struct Token {
    pub(super) tok: Tok,
    pub(super) start: usize,
    pub(super) end: usize,
    /// The line the token starts on.
    pub(super) start_line: u32,
}

pub(super) const KEYWORDS: [(&[u8], Tok); 7] = [
    (b"pref", Tok::Pref),
    (b"true", Tok::True),
    (b"false", Tok::False),
    (b"user_pref", Tok::UserPref),
    (b"sticky", Tok::Sticky),
    (b"locked", Tok::Locked),
    (b"sticky_pref", Tok::StickyPref),
];

pub(super) struct Lexer<'t> {
    pub(super) buf: &'t [u8],
    /// The first NUL byte, or the length: libpref's end of input.
    pub(super) end: usize,
    /// Next byte to read.
    pub(super) i: usize,
    /// Current line, counted as libpref counts it.
    pub(super) line: u32,
    /// Whether the last string read had an escape, so that its value is the decoded buffer
    /// rather than the text between its quotes.
    pub(super) decoded: bool,
}

impl<'t> Lexer<'t> {
    pub(super) fn new(buf: &'t [u8]) -> Self {
        let end = memchr::memchr(0, buf).unwrap_or(buf.len());
        Self { buf, end, i: 0, line: 1, decoded: false }
    }

    /// The next byte, or 0 (end of input) without moving past the end.
    #[inline(always)]
    pub(super) fn peek(&self) -> u8 {
        if self.i < self.end { self.buf[self.i] } else { 0 }
    }

    #[inline(always)]
    pub(super) fn bump(&mut self) {
        if self.i < self.end {
            self.i += 1;
        }
    }

    #[inline(always)]
    pub(super) fn eat(&mut self, c: u8) -> bool {
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
    pub(super) fn is_word_at(&self, start: usize, word: &[u8]) -> bool {
        let after = start + word.len();
        after <= self.end
            && self.buf.get(start..after) == Some(word)
            && (after == self.end || CHAR_KINDS[self.buf[after] as usize] != KEYWORD)
    }

    pub(super) fn error(&self, message: &'static str, offset: usize) -> Tok {
        Tok::Error(LexError { message, offset, line: self.line, opened_at: None })
    }

    /// Returns the next token. A string's decoded bytes go into `string`.
    pub(super) fn next_token(&mut self, string: &mut Vec<u8>) -> Token {
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

    pub(super) fn integer(&mut self, first: u8, start: usize) -> Tok {
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

    pub(super) fn line_comment(&mut self) {
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
    pub(super) fn block_comment(&mut self) -> bool {
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
    pub(super) fn hex_digits(&mut self, count: usize) -> Option<u16> {
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

    pub(super) fn string(&mut self, quote: u8, start: usize, out: &mut Vec<u8>) -> Tok {
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
    pub(super) fn fail(
        &self,
        first_error: &mut Option<LexError>,
        message: &'static str,
        offset: usize,
    ) {
        if first_error.is_none() {
            *first_error = Some(LexError { message, offset, line: self.line, opened_at: None });
        }
    }

    /// After `\u`: four hex digits, a surrogate pair, or one of the `\u` errors.
    pub(super) fn unicode_escape(
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
