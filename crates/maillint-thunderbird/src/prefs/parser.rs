//! The statement parser: the one-go path for canonical statements as Thunderbird writes them,
//! and Mozilla's token-by-token grammar with its panic-mode recovery for everything else.

use std::borrow::Cow;

use super::lexer::*;
use super::*;

/// Bytes as text: borrowed when they are UTF-8 (a name always is, unless `\xNN` escapes made
/// it something else), else converted lossily.
pub(super) fn text_of(bytes: Cow<'_, [u8]>) -> Cow<'_, str> {
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
pub(super) fn token_spec(tok: Tok) -> Option<Spec> {
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
/// does not fit is an error there). `buf` is the input up to libpref's end of input. The caller
/// requires `)` right after the literal, so `truex` or an eleventh digit falls back. Inlined
/// into [`Parser::canonical_rest`], once a statement (parse of 100 bench homes 36.0 M -> 35.4 M
/// instructions).
#[inline(always)]
pub(super) fn canonical_value(buf: &[u8], start: usize) -> Option<(PrefValue<'_>, usize)> {
    let word = |w: &[u8]| buf.get(start..start + w.len()) == Some(w);
    match byte_at(buf, start) {
        b'"' => {
            let (close, escaped) = simple_string_end(buf, start + 1)?;
            let inside = &buf[start + 1..close];
            let value = if escaped { PrefString::escaped(inside) } else { inside.into() };
            Some((PrefValue::String(value), close + 1))
        }
        b't' if word(b"true") => Some((PrefValue::Bool(true), start + 4)),
        b'f' if word(b"false") => Some((PrefValue::Bool(false), start + 5)),
        b'-' => {
            let (magnitude, digits_end) = canonical_digits(buf, start + 1)?;
            let value = i32::try_from(-i64::try_from(magnitude).ok()?).ok()?;
            Some((PrefValue::Int(value), digits_end))
        }
        _ => {
            let (magnitude, digits_end) = canonical_digits(buf, start)?;
            Some((PrefValue::Int(i32::try_from(magnitude).ok()?), digits_end))
        }
    }
}

/// The byte at `i` of `buf`, or 0 (libpref's end of input) past its end. The one-go path
/// reads the input sliced to its end: one bounds check a read, not two (the end and the
/// slice), some ten reads a statement.
#[inline(always)]
pub(super) fn byte_at(buf: &[u8], i: usize) -> u8 {
    buf.get(i).copied().unwrap_or(0)
}

/// The closing quote of a `"` literal whose inside starts at `from`, and whether it has an
/// escape, when its only escapes are `\"`, `\'`, `\\`, `\n` and `\r` (all valid, decoded
/// by [`decode_simple_escapes`]) and it holds no control character (so no line break to
/// count); `None` for any other literal, which the token-by-token path reads. `buf` ends where
/// the input ends. After an escape the scan goes on with [`next_string_stop`], which has no
/// setup to repeat: the escaped JSON of add-on prefs has an escape every few bytes (108,578 in
/// the 100 bench homes).
pub(super) fn simple_string_end(buf: &[u8], from: usize) -> Option<(usize, bool)> {
    let mut escaped = false;
    let mut i = from;
    loop {
        i = next_string_stop(buf, i, b'"');
        match (byte_at(buf, i), byte_at(buf, i + 1)) {
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
pub(super) fn canonical_digits(buf: &[u8], start: usize) -> Option<(u64, usize)> {
    let mut value = 0u64;
    let mut i = start;
    while let Some(digit) = buf.get(i).filter(|b| b.is_ascii_digit())
        && i - start < 10
    {
        value = value * 10 + u64::from(digit - b'0');
        i += 1;
    }
    (i > start).then_some((value, i))
}

pub(super) struct Parser<'t> {
    pub(super) lexer: Lexer<'t>,
    /// Whether canonical statements are read in one go ([`Parser::canonical_rest`]); off only
    /// in the tests that compare both paths.
    pub(super) fast: bool,
    /// The input as text, when it is known to be UTF-8: a name between two quotes (ASCII) is
    /// then UTF-8 too and is sliced without being checked again.
    pub(super) text: Option<&'t str>,
    /// End of the token before the current one, and of the current one.
    pub(super) previous_end: usize,
    pub(super) current_end: usize,
    pub(super) kind: FileKind,
    pub(super) statements: Vec<Statement<'t>>,
    pub(super) errors: Vec<ParseError>,
    /// The decoded value of the last string that had an escape.
    pub(super) decoded: Vec<u8>,
}

impl<'t> Parser<'t> {
    pub(super) fn for_text(text: &'t str, kind: FileKind) -> Self {
        Self { text: Some(text), ..Self::new(text.as_bytes(), kind) }
    }

    pub(super) fn new(text: &'t [u8], kind: FileKind) -> Self {
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

    pub(super) fn next(&mut self) -> Token {
        let token = self.lexer.next_token(&mut self.decoded);
        self.previous_end = self.current_end;
        self.current_end = token.end;
        token
    }

    /// The value of the string token just read: the text between its quotes, or, when it had
    /// an escape, a copy of what the lexer decoded.
    pub(super) fn string_value(&self, token: Token) -> Cow<'t, [u8]> {
        if self.lexer.decoded {
            Cow::Owned(self.decoded.clone())
        } else {
            Cow::Borrowed(&self.lexer.buf[token.start + 1..token.end - 1])
        }
    }

    /// The name in the string token just read, as text.
    pub(super) fn name_value(&self, token: Token) -> Cow<'t, str> {
        let inner = token.start + 1..token.end - 1;
        match self.text {
            Some(text) if !self.lexer.decoded => match text.get(inner) {
                Some(name) => Cow::Borrowed(name),
                None => text_of(self.string_value(token)),
            },
            _ => text_of(self.string_value(token)),
        }
    }

    pub(super) fn run(mut self, leading_error: Option<LexError>) -> PrefsFile<'t> {
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
    pub(super) fn statement(&mut self, token: Token) -> Result<Token, Token> {
        if self.fast
            && let Some(spec) = token_spec(token.tok)
            && self.canonical_rest(spec, token)
        {
            self.canonical_lines();
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
            name_holds_paren: memchr::memchr(
                b'(',
                &self.lexer.buf[name_range.start as usize..name_range.end as usize],
            )
            .is_some(),
            range: TextRange::new(spec_range.start as usize, semicolon.end),
        });
        Ok(self.next())
    }

    /// The rest of a statement written the way Thunderbird writes every line of `prefs.js`
    /// (`("name", value);` right after the specifier, with only spaces after the comma, a name
    /// without escapes, a string value without line breaks whose escapes are those Thunderbird
    /// writes, an integer that fits), read in one go instead of token by token and pushed.
    /// Anything else gives `false` before the lexer moved, and the token-by-token path reads
    /// the statement: the result is the same either way (tested against that path on every
    /// statement shape and on mutated files). Inlined: called once a statement, its entry and
    /// exit and the copy of the statement it returned cost 3.1 M instructions on the parse of
    /// 100 bench homes (39.0 M -> 36.0 M); the statement is pushed here, not returned, for the
    /// same reason (32.6 M -> 32.2 M).
    #[inline(always)]
    pub(super) fn canonical_rest(&mut self, spec: Spec, keyword: Token) -> bool {
        match self.canonical_statement(spec, keyword) {
            Some(statement) => {
                self.statements.push(statement);
                true
            }
            None => false,
        }
    }

    /// The statement [`Parser::canonical_rest`] reads, when it is one.
    #[inline(always)]
    fn canonical_statement(&mut self, spec: Spec, keyword: Token) -> Option<Statement<'t>> {
        // `end` is at most the length (the first NUL, or the length).
        let buf = self.lexer.buf.get(..self.lexer.end)?;
        let at = |i: usize| byte_at(buf, i);
        let open = self.lexer.i;
        if at(open) != b'(' || at(open + 1) != b'"' {
            return None;
        }
        let name_close = next_name_stop(buf, open + 2);
        if at(name_close) != b'"' || at(name_close + 1) != b',' {
            return None;
        }
        let mut value_start = name_close + 2;
        while at(value_start) == b' ' {
            value_start += 1;
        }
        let (value, value_end) = canonical_value(buf, value_start)?;
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
            // Its scan stopped at the closing quote, not at a `(`.
            name_holds_paren: false,
            range: TextRange::new(keyword.start, semicolon_end),
        })
    }

    /// Reads the canonical statements that follow the one just read, each on the next line
    /// as Thunderbird writes `prefs.js` (a line feed right after the `;`, then `user_pref`),
    /// without making tokens: the lexer would read the line feed and keyword as one token
    /// ([`Lexer::next_token`]) and [`Parser::canonical_rest`] the rest, which is what is done
    /// here in line. Stops before the first line that is not one, with the lexer where it was,
    /// so that the next token is read as it would have been. A statement read here saves the
    /// token's call and copies (parse of 100 bench homes 41.2 M -> 38.2 M instructions).
    fn canonical_lines(&mut self) {
        loop {
            let line_feed = self.lexer.i;
            let keyword_end = line_feed + 1 + b"user_pref".len();
            // The line feed and the keyword's bytes, compared as nine bytes. What a token would
            // check too, that no keyword character follows them (`user_prefs`), the `(` that
            // `canonical_rest` requires there checks; and bytes before the end of input are not
            // NUL, so these are before it (parse of 100 bench homes 31.3 M -> 30.6 M).
            let line = self.lexer.buf.get(line_feed..keyword_end);
            if line.is_none_or(|line| line != b"\nuser_pref") {
                return;
            }
            let keyword = Token {
                tok: Tok::UserPref,
                start: line_feed + 1,
                end: keyword_end,
                start_line: self.lexer.line + 1,
            };
            self.lexer.i = keyword_end;
            if !self.canonical_rest(Spec::UserPref, keyword) {
                self.lexer.i = line_feed;
                return;
            }
            self.lexer.line += 1;
        }
    }

    pub(super) fn overflow(&mut self, digits: Token, start: Option<usize>) -> Token {
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
    pub(super) fn attributes(
        &mut self,
        sticky: &mut bool,
        start: Option<usize>,
    ) -> Result<bool, Token> {
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
    pub(super) fn error_and_recover(
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
