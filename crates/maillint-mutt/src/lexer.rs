//! Reading muttrc text the way NeoMutt reads it: logical lines, then tokens.
//!
//! Lines: NeoMutt's `mutt_file_read_line` ends a line at `\n`, drops one `\r` before it, and
//! when the line then ends with `\` drops the backslash and the line break and reads on
//! (mutt.md section 1: lines are joined before parsing). A continuation that runs into the end
//! of the file loses the whole line (`fgets` fails and the buffer is freed).
//!
//! Tokens: [`Cursor::extract`] mirrors NeoMutt's `parse_extract_token` (mutt.md section 1):
//! unquoted `#` ends the token even inside a word, `;` ends it, single quotes are literal,
//! double quotes allow escapes, backticks and `$VAR`, quotes concatenate (`a"b c"d`), and
//! `\` escapes (`\n`, `\t`, `\e`, `\cX`, `\NNN` octal, `\<other>`) work outside single quotes.
//! Backticks are never run: their output is an unknown stretch of the token.

use std::ops::Range;

use maillint_core::{FileId, Span};

use crate::text::{SpannedText, UnknownKind};

mod shape;

pub(crate) use shape::{LineShape, line_shape, plain_args};

/// Where a logical line ends.
#[derive(Clone, Copy, Debug)]
pub(crate) struct LineEnd {
    /// Offset just past the last terminator: where a new line would be inserted.
    pub next_line: usize,
    /// Whether the last physical line had a terminator.
    pub terminated: bool,
}

/// Reads a file's logical lines one at a time into a buffer the caller reuses, so that
/// reading a file allocates once, not once per line.
pub(crate) struct LineReader<'t> {
    file: FileId,
    text: &'t str,
    pos: usize,
}

impl<'t> LineReader<'t> {
    /// A reader at the start of `text`, the text of `file`.
    pub(crate) fn new(file: FileId, text: &'t str) -> Self {
        Self { file, text, pos: 0 }
    }

    /// Replaces `line` with the next logical line (joined, without terminators and
    /// continuation backslashes), or returns `None` at the end of the file.
    ///
    /// A line without continuation (nearly all) replaces the buffer's text and its one piece
    /// at once ([`SpannedText::set_copy`]): clearing the buffer and pushing a piece cost ~80
    /// instructions more for each of the 32,000 lines of the 100-home bench.
    #[cfg(test)]
    pub(crate) fn next_into(&mut self, line: &mut SpannedText) -> Option<LineEnd> {
        self.next_into_skipping(line, |_, _| false)
    }

    /// [`LineReader::next_into`], passing over each line that is a whole logical line (no
    /// continuation joins it to the next or the one before) and that `inert(start, text)`
    /// accepts: such a line is never put in the buffer. The interpreter passes over comments
    /// and `color`/`bind`/`macro` lines this way (see `Interpreter::inert_line`).
    pub(crate) fn next_into_skipping(
        &mut self,
        line: &mut SpannedText,
        mut inert: impl FnMut(usize, &str) -> bool,
    ) -> Option<LineEnd> {
        let (file, text) = (self.file, self.text);
        let bytes = text.as_bytes();
        let mut joined = false;
        while self.pos < bytes.len() {
            let pos = self.pos;
            let (end, next_line, terminated) = match memchr::memchr(b'\n', &bytes[pos..]) {
                // The last line has no terminator: returned as it is (no `\r` stripping, no
                // continuation), as `mutt_file_read_line` does at end of file.
                None => (bytes.len(), bytes.len(), false),
                Some(at) => {
                    let newline = pos + at;
                    let mut end = newline;
                    if end > pos && bytes[end - 1] == b'\r' {
                        end -= 1;
                    }
                    if end > pos && bytes[end - 1] == b'\\' {
                        self.pos = newline + 1;
                        put(line, joined, file, pos, &text[pos..end - 1]);
                        joined = true;
                        continue;
                    }
                    (end, newline + 1, true)
                }
            };
            self.pos = next_line;
            // `inert` is called from this one place: called from two (the last line apart),
            // it was not always inlined, and a call per line cost ~1.2M instructions of the
            // 100-home bench when it was not.
            if !joined && inert(pos, &text[pos..end]) {
                if terminated {
                    continue;
                }
                return None;
            }
            put(line, joined, file, pos, &text[pos..end]);
            return Some(LineEnd { next_line, terminated });
        }
        // A continuation at the very end of the file: NeoMutt drops the pending line.
        if !joined {
            line.clear();
        }
        None
    }

    /// [`LineReader::next_into`] with a cleared buffer and a push for every part.
    #[cfg(test)]
    fn next_into_pushed(&mut self, line: &mut SpannedText) -> Option<LineEnd> {
        let (file, text) = (self.file, self.text);
        let bytes = text.as_bytes();
        line.clear();
        while self.pos < bytes.len() {
            let pos = self.pos;
            let Some(newline) = memchr::memchr(b'\n', &bytes[pos..]).map(|i| pos + i) else {
                // The last line has no terminator: returned as it is (no `\r` stripping, no
                // continuation), as `mutt_file_read_line` does at end of file.
                line.push_copy(file, pos, &text[pos..]);
                self.pos = bytes.len();
                return Some(LineEnd { next_line: bytes.len(), terminated: false });
            };
            self.pos = newline + 1;
            let mut end = newline;
            if end > pos && bytes[end - 1] == b'\r' {
                end -= 1;
            }
            if end > pos && bytes[end - 1] == b'\\' {
                line.push_copy(file, pos, &text[pos..end - 1]);
                continue;
            }
            line.push_copy(file, pos, &text[pos..end]);
            return Some(LineEnd { next_line: newline + 1, terminated: true });
        }
        // A continuation at the very end of the file: NeoMutt drops the pending line.
        None
    }
}

/// Puts the physical line `text` (at `start` of `file`) into `line`: after the parts
/// `joined` before it, or in place of what the buffer held.
fn put(line: &mut SpannedText, joined: bool, file: FileId, start: usize, text: &str) {
    if joined {
        line.push_copy(file, start, text);
    } else {
        line.set_copy(file, start, text);
    }
}

/// One logical line of a file (for tests: the interpreter reads lines with [`LineReader`]).
#[cfg(test)]
#[derive(Clone, Debug)]
pub(crate) struct LogicalLine {
    /// The joined text.
    pub text: SpannedText,
    /// Offset just past the last terminator.
    pub next_line: usize,
    /// Whether the last physical line had a terminator.
    pub terminated: bool,
}

/// Splits a file's text into logical lines.
#[cfg(test)]
pub(crate) fn logical_lines(file: FileId, text: &str) -> Vec<LogicalLine> {
    let mut reader = LineReader::new(file, text);
    let mut lines = Vec::new();
    let mut buffer = SpannedText::new();
    while let Some(end) = reader.next_into(&mut buffer) {
        let LineEnd { next_line, terminated } = end;
        lines.push(LogicalLine { text: buffer.clone(), next_line, terminated });
    }
    lines
}

/// Token extraction flags (NeoMutt `TokenFlags`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Flags(u8);

impl Flags {
    /// No flags.
    pub const NONE: Flags = Flags(0);
    /// Whitespace does not end the token (hook commands, `ifdef`).
    pub const SPACE: Flags = Flags(1);
    /// `=` ends the token (variable names).
    pub const EQUAL: Flags = Flags(2);
    /// `?` ends the token.
    pub const QUESTION: Flags = Flags(4);
    /// `+` ends the token.
    pub const PLUS: Flags = Flags(8);
    /// `-` ends the token.
    pub const MINUS: Flags = Flags(16);

    fn has(self, other: Flags) -> bool {
        self.0 & other.0 != 0
    }
}

impl std::ops::BitOr for Flags {
    type Output = Flags;
    fn bitor(self, rhs: Flags) -> Flags {
        Flags(self.0 | rhs.0)
    }
}

/// What a `$name` expands to.
pub(crate) enum Expansion {
    /// This text.
    Text(SpannedText),
    /// Not known to maillint.
    Unknown(UnknownKind),
}

/// Supplies `$name` values and hears about backticks.
pub(crate) trait Expander {
    /// The value of `$name` (config variable, `my_` variable, environment).
    fn expand(&mut self, name: &str, origin: Option<Span>) -> Expansion;
    /// A backtick command was found (and not run); `origin` is where it is written.
    fn backtick(&mut self, origin: Option<Span>);
}

/// An expander that knows nothing (for tests of the tokenizer alone).
#[cfg(test)]
pub(crate) struct NoExpansion;

#[cfg(test)]
impl Expander for NoExpansion {
    fn expand(&mut self, name: &str, _origin: Option<Span>) -> Expansion {
        Expansion::Unknown(UnknownKind::Environment(name.to_owned()))
    }
    fn backtick(&mut self, _origin: Option<Span>) {}
}

/// One token.
#[derive(Clone, Debug)]
pub(crate) struct Token {
    /// The decoded value.
    pub value: SpannedText,
    /// The bytes of the line the token was read from (quotes included).
    pub raw: Range<usize>,
    /// The quote character of the first quoted part, when the token is exactly one quoted
    /// string (`"abc"`), so an edit can replace the inside and keep the quotes.
    pub sole_quote: Option<u8>,
    /// Whether a `#` glued to the token's text ended it (`abc#def` reads as `abc`).
    pub cut_by_hash: bool,
    /// Whether NeoMutt would report an error reading it (a `\` at the very end, a backtick
    /// without its pair).
    pub broken: bool,
}

/// A position in a line.
pub(crate) struct Cursor<'a> {
    line: &'a SpannedText,
    pos: usize,
    /// `line.is_copied()`, asked once: every plain word and token read asks it.
    copied: bool,
}

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c)
}

impl<'a> Cursor<'a> {
    /// A cursor at the start of `line`.
    pub fn new(line: &'a SpannedText) -> Self {
        Self { line, pos: 0, copied: line.is_copied() }
    }

    /// The line.
    pub fn line(&self) -> &'a SpannedText {
        self.line
    }

    /// Current byte offset in the line.
    pub fn pos(&self) -> usize {
        self.pos
    }

    /// Moves to `pos`.
    pub fn set_pos(&mut self, pos: usize) {
        self.pos = pos.min(self.line.len());
    }

    fn bytes(&self) -> &'a [u8] {
        self.line.as_str().as_bytes()
    }

    /// The byte at the cursor.
    pub fn peek(&self) -> Option<u8> {
        self.bytes().get(self.pos).copied()
    }

    /// The rest of the line.
    pub fn rest(&self) -> &'a str {
        &self.line.as_str()[self.pos..]
    }

    /// Skips whitespace.
    pub fn skip_ws(&mut self) {
        while self.peek().is_some_and(is_space) {
            self.pos += 1;
        }
    }

    /// NeoMutt's `MoreArgs`: something other than the end, `;` or `#` follows.
    pub fn more_args(&self) -> bool {
        !matches!(self.peek(), None | Some(b';') | Some(b'#'))
    }

    /// The source span of `range` of the line.
    pub fn span_of(&self, range: Range<usize>) -> Option<Span> {
        self.line.source_span(range)
    }

    /// Reads one token (NeoMutt `parse_extract_token`).
    pub fn extract(&mut self, flags: Flags, expander: &mut dyn Expander) -> Token {
        if let Some(token) = self.simple_token(flags) {
            return token;
        }
        self.extract_scanned(flags, expander)
    }

    /// [`Cursor::extract`] through the token loop.
    fn extract_scanned(&mut self, flags: Flags, expander: &mut dyn Expander) -> Token {
        let mut value = SpannedText::new();
        let scanned = self.scan(flags, expander, &mut value);
        Token { value, ..scanned }
    }

    /// The token ahead when it is one plain run or one double-quoted string of plain bytes
    /// (`threads`, `"User Name"`) in a line read from a file, read without the token loop;
    /// `None`, and the cursor unmoved, for any other. Most values are one of these: the
    /// loop cost ~100 instructions more for each of the 16,000 tokens of the 100-home bench.
    fn simple_token(&mut self, flags: Flags) -> Option<Token> {
        if !self.copied {
            return None;
        }
        let bytes = self.bytes();
        let mut start = self.pos;
        while bytes.get(start).copied().is_some_and(is_space) {
            start += 1;
        }
        let outside = stop_mask(flags, None);
        let (inner, end, sole_quote) = if bytes.get(start) == Some(&b'"') {
            let close = plain_run_end(bytes, start + 1, class::IN_DOUBLE_QUOTES);
            if bytes.get(close) != Some(&b'"') {
                return None;
            }
            (start + 1..close, close + 1, Some(b'"'))
        } else {
            let end = plain_run_end(bytes, start, outside);
            (start..end, end, None)
        };
        // The byte after must end the token: a quote, escape, `$` or backtick goes on with it,
        // and so does any byte after a closing quote that is not a stop byte.
        if let Some(&next) = bytes.get(end)
            && (BYTE_CLASS[usize::from(next)] & outside == 0
                || matches!(next, b'\'' | b'"' | b'\\' | b'`' | b'$'))
        {
            return None;
        }
        let cut_by_hash = bytes.get(end) == Some(&b'#') && end > start && !is_space(bytes[end - 1]);
        let mut value = SpannedText::new();
        value.push_slice(self.line, inner);
        self.pos = end;
        self.skip_ws();
        Some(Token { value, raw: start..end, sole_quote, cut_by_hash, broken: false })
    }

    /// Reads one token and drops its value: what a command maillint does not interpret does
    /// with its arguments (the expander still hears of every `$name` and backtick).
    pub fn skip(&mut self, flags: Flags, expander: &mut dyn Expander) {
        self.scan(flags, expander, &mut Discard);
    }

    /// Moves past the plain words ahead (no quote, escape, `$`, backtick, `;` or `#` in
    /// them), to the start of the first token that holds one of those, or to the end of the
    /// line: where [`Cursor::skip`] with no flags, token after token, would stand, without
    /// the token loop.
    ///
    /// When the rest of the line holds no backtick, `$`, `;` or `#` ([`has_command_break`]),
    /// the token loop runs to the end of the line whatever the quotes and escapes (nothing in
    /// it ends a command or reaches the expander), so the cursor goes there at once: a `color`
    /// line with a quoted pattern or a `macro` line cost ~325 instructions in the token loop.
    pub fn skip_plain_words(&mut self) {
        let bytes = self.bytes();
        let rest = &bytes[self.pos..];
        if !has_command_break(rest) {
            self.pos = bytes.len();
            return;
        }
        // `OUTSIDE_QUOTES`: quotes, `\`, backtick, `$`, `;`, `#` (one table lookup a byte).
        let special =
            rest.iter().position(|&b| BYTE_CLASS[usize::from(b)] & class::OUTSIDE_QUOTES != 0);
        self.pos = match special {
            None => bytes.len(),
            // The token that holds it starts after the last white space before it.
            Some(i) => self.pos + rest[..i].iter().rposition(|&b| is_space(b)).map_or(0, |j| j + 1),
        };
    }

    /// Reads one token that is a plain word (no quote, escape, `$` or backtick, so its value
    /// is the bytes of the line) without building its value: the range of the word in the
    /// line, or `None` (and the cursor does not move) when the next token is not plain. The
    /// cursor then stands where [`Cursor::extract`] would leave it.
    pub fn plain_word(&mut self, flags: Flags) -> Option<Range<usize>> {
        if !self.copied {
            return None;
        }
        let bytes = self.bytes();
        let mut start = self.pos;
        while bytes.get(start).copied().is_some_and(is_space) {
            start += 1;
        }
        let end = plain_run_end(bytes, start, stop_mask(flags, None));
        // A quote, escape, `$` or backtick goes on with the token: not plain.
        if bytes.get(end).is_some_and(|&b| matches!(b, b'\'' | b'"' | b'\\' | b'`' | b'$')) {
            return None;
        }
        self.pos = end;
        self.skip_ws();
        Some(start..end)
    }

    /// The loop of [`Cursor::extract`], writing the value to `out`.
    #[allow(
        clippy::too_many_lines,
        reason = "mirrors NeoMutt's parse_extract_token, one loop over the token's bytes in the upstream order, so that the two can be compared line by line"
    )]
    fn scan<S: TokenSink>(
        &mut self,
        flags: Flags,
        expander: &mut dyn Expander,
        out: &mut S,
    ) -> Token {
        let bytes = self.bytes();
        let line = self.line;
        let copied_line = self.copied;
        self.skip_ws();
        let start = self.pos;
        let mut quote: Option<u8> = None;
        let mut quotes_opened = 0usize;
        let mut first_quote: Option<u8> = None;
        let mut outside_quotes_text = false;
        let mut cut_by_hash = false;
        let mut broken = false;
        while let Some(&ch) = bytes.get(self.pos) {
            if quote.is_none() {
                if is_space(ch) && !flags.has(Flags::SPACE) {
                    break;
                }
                if ch == b'#' {
                    cut_by_hash = self.pos > start && !is_space(bytes[self.pos - 1]);
                    break;
                }
                if (ch == b'+' && flags.has(Flags::PLUS))
                    || (ch == b'-' && flags.has(Flags::MINUS))
                    || (ch == b'=' && flags.has(Flags::EQUAL))
                    || (ch == b'?' && flags.has(Flags::QUESTION))
                    || ch == b';'
                {
                    break;
                }
            }
            let at = self.pos;
            self.pos += 1;
            if Some(ch) == quote {
                quote = None;
            } else if quote.is_none() && (ch == b'\'' || ch == b'"') {
                quote = Some(ch);
                quotes_opened += 1;
                first_quote.get_or_insert(ch);
            } else if ch == b'\\' && quote != Some(b'\'') {
                if quote.is_none() {
                    outside_quotes_text = true;
                }
                let Some(&next) = bytes.get(self.pos) else {
                    // "premature end of token": NeoMutt stops and reports an error.
                    broken = true;
                    break;
                };
                self.pos += 1;
                let decoded: Option<char> = match next {
                    b'c' | b'C' => match bytes.get(self.pos) {
                        Some(&c) => {
                            // NeoMutt takes one byte; of a multi-byte character that leaves
                            // stray continuation bytes, which a `str` cannot hold: the whole
                            // character is consumed, and its first byte decides the control
                            // character, as in NeoMutt.
                            self.pos = next_char_boundary(line.as_str(), self.pos);
                            Some(char::from((c.to_ascii_uppercase().wrapping_sub(b'@')) & 0x7f))
                        }
                        None => {
                            broken = true;
                            None
                        }
                    },
                    b'e' => Some('\u{1b}'),
                    b'f' => Some('\u{c}'),
                    b'n' => Some('\n'),
                    b'r' => Some('\r'),
                    b't' => Some('\t'),
                    d if d.is_ascii_digit()
                        && bytes.get(self.pos).is_some_and(u8::is_ascii_digit)
                        && bytes.get(self.pos + 1).is_some_and(u8::is_ascii_digit) =>
                    {
                        let value = (u32::from(d) << 6)
                            + (u32::from(bytes[self.pos]) << 3)
                            + u32::from(bytes[self.pos + 1]);
                        self.pos += 2;
                        // NeoMutt: (ch << 6) + (d1 << 3) + d2 - 3504, truncated to a byte.
                        Some(char::from((value.wrapping_sub(3504) & 0xff) as u8))
                    }
                    _ => None,
                };
                match decoded {
                    Some(c) => out.push_char(c, line, at..self.pos),
                    None if broken => break,
                    None => {
                        // `\<other>`: the character itself (which may be a multi-byte one).
                        let char_end = next_char_boundary(line.as_str(), self.pos - 1);
                        self.pos = char_end;
                        out.push_mapped_from(&line.as_str()[at + 1..char_end], line, at..char_end);
                    }
                }
            } else if ch == b'`' && quote != Some(b'\'') {
                if quote.is_none() {
                    outside_quotes_text = true;
                }
                // Find the closing backtick, skipping backslash-escaped characters.
                let mut end = self.pos;
                let mut found = None;
                while end < bytes.len() {
                    match bytes[end] {
                        b'\\' if end + 1 < bytes.len() => end += 2,
                        b'\\' => break,
                        b'`' => {
                            found = Some(end);
                            break;
                        }
                        _ => end += 1,
                    }
                }
                let Some(close) = found else {
                    // "mismatched backticks": NeoMutt gives up on the token.
                    broken = true;
                    break;
                };
                let origin = line.source_span(at..close + 1);
                expander.backtick(origin);
                out.push_unknown("COMMAND_OUTPUT", UnknownKind::Command, origin);
                self.pos = close + 1;
            } else if ch == b'$'
                && quote != Some(b'\'')
                && bytes.get(self.pos).is_some_and(|&b| b == b'{' || b.is_ascii_alphabetic())
            {
                if quote.is_none() {
                    outside_quotes_text = true;
                }
                let name_range = if bytes[self.pos] == b'{' {
                    match bytes[self.pos..].iter().position(|&b| b == b'}') {
                        Some(i) => {
                            let range = self.pos + 1..self.pos + i;
                            self.pos += i + 1;
                            Some(range)
                        }
                        // No `}`: the `$` is dropped and the rest read as text (NeoMutt).
                        None => None,
                    }
                } else {
                    let name_start = self.pos;
                    while bytes
                        .get(self.pos)
                        .is_some_and(|&b| b.is_ascii_alphanumeric() || b == b'_')
                    {
                        self.pos += 1;
                    }
                    Some(name_start..self.pos)
                };
                if let Some(name_range) = name_range {
                    let name = &line.as_str()[name_range];
                    let origin = line.source_span(at..self.pos);
                    match expander.expand(name, origin) {
                        Expansion::Text(text) => out.push_joined(&text),
                        Expansion::Unknown(kind) => out.push_unknown_variable(name, kind, origin),
                    }
                }
            } else {
                if quote.is_none() {
                    outside_quotes_text = true;
                }
                // In a line read from a file, a run of bytes that all take this branch is
                // one push (a multi-byte character is never cut: every byte that ends a run
                // is ASCII). A line built from values (a hook body) keeps one push per
                // character, so that its pieces stay exactly as they were.
                let end = if copied_line {
                    plain_run_end(bytes, self.pos, stop_mask(flags, quote))
                } else {
                    next_char_boundary(line.as_str(), at)
                };
                self.pos = end;
                out.push_slice(line, at..end);
            }
        }
        let raw = start..self.pos;
        let unterminated_quote = quote.is_some();
        self.skip_ws();
        let sole_quote = (quotes_opened == 1 && !outside_quotes_text && !unterminated_quote)
            .then_some(first_quote)
            .flatten()
            .filter(|_| bytes.get(raw.end.saturating_sub(1)) == first_quote.as_ref());
        Token { value: SpannedText::new(), raw, sole_quote, cut_by_hash, broken }
    }
}

/// Whether `bytes` hold a backtick, `$`, `;` or `#`: eight bytes at a time, each word
/// tested for the four bytes with the "has a zero byte" bit trick (exact: it is nonzero only
/// when some byte of the word is zero). Two `memchr` searches of a short line cost ~186
/// instructions (mostly their set-up), a byte-by-byte table scan ~210.
fn has_command_break(bytes: &[u8]) -> bool {
    const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
    const HIGHS: u64 = u64::from_ne_bytes([0x80; 8]);
    // The high bit of each byte of `word` equal to `b` (and maybe of bytes after one).
    let equal_bytes = |word: u64, b: u8| {
        let x = word ^ (ONES * u64::from(b));
        x.wrapping_sub(ONES) & !x & HIGHS
    };
    // One test of the four masks, not four branches.
    let found = |chunk: &[u8]| {
        let word = u64::from_ne_bytes(chunk.try_into().expect("eight bytes"));
        equal_bytes(word, b'`')
            | equal_bytes(word, b'$')
            | equal_bytes(word, b';')
            | equal_bytes(word, b'#')
            != 0
    };
    let mut chunks = bytes.chunks_exact(8);
    if chunks.by_ref().any(found) {
        return true;
    }
    let tail = chunks.remainder();
    if tail.is_empty() {
        return false;
    }
    // The last eight bytes as one more word (overlapping the words before): the byte loop
    // over the rest cost ~25 instructions a line.
    if bytes.len() >= 8 {
        return found(&bytes[bytes.len() - 8..]);
    }
    tail.iter().any(|&b| matches!(b, b'`' | b'$' | b';' | b'#'))
}

/// Whether byte `b` ends a run of plain text inside a token: it needs the token loop's
/// attention (a quote, an escape, `$`, a backtick), or ends the token outside quotes.
#[cfg(test)]
fn ends_plain_run(b: u8, flags: Flags, quote: Option<u8>) -> bool {
    BYTE_CLASS[usize::from(b)] & stop_mask(flags, quote) != 0
}

/// The end of the run of bytes from `from` that no class in `stop` ends.
fn plain_run_end(bytes: &[u8], from: usize, stop: u8) -> usize {
    bytes[from..]
        .iter()
        .position(|&b| BYTE_CLASS[usize::from(b)] & stop != 0)
        .map_or(bytes.len(), |i| from + i)
}

/// The classes of [`BYTE_CLASS`] that end a plain run in this state.
fn stop_mask(flags: Flags, quote: Option<u8>) -> u8 {
    match quote {
        Some(b'\'') => class::SINGLE_QUOTE,
        Some(_) => class::IN_DOUBLE_QUOTES,
        // Read from a table: the loop over the flags cost ~20 instructions for each of the
        // 36,000 command words and names of the 100-home bench.
        None => OUTSIDE_QUOTES_STOP[usize::from(flags.0 & 31)],
    }
}

/// [`stop_mask`] outside quotes, for each combination of the five flags.
static OUTSIDE_QUOTES_STOP: [u8; 32] = {
    let mut table = [0u8; 32];
    let mut bits = 0;
    while bits < 32 {
        table[bits] = outside_quotes_stop(Flags(bits as u8));
        bits += 1;
    }
    table
};

/// The classes that end a plain run outside quotes with `flags`.
const fn outside_quotes_stop(flags: Flags) -> u8 {
    let mut mask = class::OUTSIDE_QUOTES;
    let pairs = [
        (Flags::PLUS, class::PLUS),
        (Flags::MINUS, class::MINUS),
        (Flags::EQUAL, class::EQUAL),
        (Flags::QUESTION, class::QUESTION),
    ];
    let mut i = 0;
    while i < pairs.len() {
        if flags.0 & pairs[i].0.0 != 0 {
            mask |= pairs[i].1;
        }
        i += 1;
    }
    if flags.0 & Flags::SPACE.0 == 0 {
        mask |= class::SPACE;
    }
    mask
}

/// Byte classes: whether a byte ends a run of plain text inside a token (it needs the token
/// loop's attention, or ends the token) is one table lookup ([`stop_mask`]).
mod class {
    /// `'`.
    pub const SINGLE_QUOTE: u8 = 1;
    /// What the token loop handles inside double quotes: `"`, `\`, backtick, `$`.
    pub const IN_DOUBLE_QUOTES: u8 = 2;
    /// What the token loop handles, or ends the token, outside quotes: both quotes, `\`,
    /// backtick, `$`, `#`, `;`.
    pub const OUTSIDE_QUOTES: u8 = 4;
    /// White space (ends a token unless [`super::Flags::SPACE`]).
    pub const SPACE: u8 = 8;
    /// `+`, `-`, `=`, `?`: end a token with the matching flag.
    pub const PLUS: u8 = 16;
    pub const MINUS: u8 = 32;
    pub const EQUAL: u8 = 64;
    pub const QUESTION: u8 = 128;
}

static BYTE_CLASS: [u8; 256] = {
    let mut table = [0u8; 256];
    table[b'\'' as usize] = class::SINGLE_QUOTE | class::OUTSIDE_QUOTES;
    let mut i = 0;
    let handled = *b"\"\\`$";
    while i < handled.len() {
        table[handled[i] as usize] = class::IN_DOUBLE_QUOTES | class::OUTSIDE_QUOTES;
        i += 1;
    }
    table[b'#' as usize] = class::OUTSIDE_QUOTES;
    table[b';' as usize] = class::OUTSIDE_QUOTES;
    // `is_space`.
    let spaces = [b' ', b'\t', b'\n', b'\r', 0x0b, 0x0c];
    i = 0;
    while i < spaces.len() {
        table[spaces[i] as usize] = class::SPACE;
        i += 1;
    }
    table[b'+' as usize] = class::PLUS;
    table[b'-' as usize] = class::MINUS;
    table[b'=' as usize] = class::EQUAL;
    table[b'?' as usize] = class::QUESTION;
    table
};

/// Where [`Cursor::scan`] writes a token's value.
trait TokenSink {
    fn push_slice(&mut self, line: &SpannedText, range: Range<usize>);
    fn push_char(&mut self, c: char, line: &SpannedText, range: Range<usize>);
    fn push_mapped_from(&mut self, text: &str, line: &SpannedText, range: Range<usize>);
    fn push_unknown(&mut self, text: &str, kind: UnknownKind, origin: Option<Span>);
    fn push_unknown_variable(&mut self, name: &str, kind: UnknownKind, origin: Option<Span>);
    fn push_joined(&mut self, text: &SpannedText);
}

impl TokenSink for SpannedText {
    fn push_slice(&mut self, line: &SpannedText, range: Range<usize>) {
        SpannedText::push_slice(self, line, range);
    }
    fn push_char(&mut self, c: char, line: &SpannedText, range: Range<usize>) {
        let mut buf = [0u8; 4];
        SpannedText::push_mapped_from(self, c.encode_utf8(&mut buf), line, range);
    }
    fn push_mapped_from(&mut self, text: &str, line: &SpannedText, range: Range<usize>) {
        SpannedText::push_mapped_from(self, text, line, range);
    }
    fn push_unknown(&mut self, text: &str, kind: UnknownKind, origin: Option<Span>) {
        SpannedText::push_unknown(self, text, kind, origin);
    }
    fn push_unknown_variable(&mut self, name: &str, kind: UnknownKind, origin: Option<Span>) {
        SpannedText::push_unknown(self, &format!("${name}"), kind, origin);
    }
    fn push_joined(&mut self, text: &SpannedText) {
        SpannedText::push_joined(self, text);
    }
}

/// A sink that keeps nothing ([`Cursor::skip`]).
struct Discard;

impl TokenSink for Discard {
    fn push_slice(&mut self, _: &SpannedText, _: Range<usize>) {}
    fn push_char(&mut self, _: char, _: &SpannedText, _: Range<usize>) {}
    fn push_mapped_from(&mut self, _: &str, _: &SpannedText, _: Range<usize>) {}
    fn push_unknown(&mut self, _: &str, _: UnknownKind, _: Option<Span>) {}
    fn push_unknown_variable(&mut self, _: &str, _: UnknownKind, _: Option<Span>) {}
    fn push_joined(&mut self, _: &SpannedText) {}
}

/// The end of the character starting at byte `at`.
fn next_char_boundary(text: &str, at: usize) -> usize {
    let mut end = at + 1;
    while end < text.len() && !text.is_char_boundary(end) {
        end += 1;
    }
    end.min(text.len())
}

impl Token {
    /// The source span of the whole token, quotes included.
    pub fn span(&self, line: &SpannedText) -> Option<Span> {
        line.source_span(self.raw.clone()).or_else(|| self.value.best_span())
    }

    /// The source span of the token's inside (without the quotes of a sole quoted string).
    pub fn inner_span(&self, line: &SpannedText) -> Option<Span> {
        let range = if self.sole_quote.is_some() && self.raw.len() >= 2 {
            self.raw.start + 1..self.raw.end - 1
        } else {
            self.raw.clone()
        };
        line.source_span(range)
    }
}

#[cfg(test)]
mod tests;
