//! The `.reg` grammar: the header, `[key]` blocks, `"name"=value` lines with their
//! continuations, and the merge of blocks in file order as regedit imports them
//! (outlook.md 3.1).

use std::collections::HashMap;

use maillint_core::builtin::ParseError;
use maillint_core::{Diagnostic, FileId, Span, TextRange};

use super::hex::{HexLayout, Wrapping, regedit_line_counts};
use crate::text::{Line, lines};

/// The first line of a version 5 export, and of the older ANSI format (outlook.md 3.1).
pub(super) const HEADER_V5: &str = "Windows Registry Editor Version 5.00";
pub(super) const HEADER_V4: &str = "REGEDIT4";

/// One value's data.
#[derive(Clone, Debug)]
pub(super) enum Data {
    /// `"text"`; `range` is inside the quotes.
    String { value: String, range: TextRange },
    /// `dword:000003e1`; `range` covers the digits.
    Dword { value: u32, range: TextRange },
    /// `hex:` (`kind` None) or `hex(N):`; `range` runs from the first to the last byte.
    Hex {
        kind: Option<u32>,
        bytes: Vec<u8>,
        range: TextRange,
        layout: HexLayout,
        prefix_chars: usize,
    },
    /// `-`: delete the value.
    Delete,
}

#[derive(Clone, Debug)]
pub(super) struct Value {
    pub(super) name: String,
    pub(super) data: Data,
    /// Everything after `=`, continuations included.
    pub(super) data_range: TextRange,
    pub(super) last_line: usize,
}

#[derive(Clone, Debug)]
pub(super) struct KeyBlock {
    pub(super) path: String,
    pub(super) deleted: bool,
    pub(super) header_line: usize,
    pub(super) values: Vec<Value>,
}

impl KeyBlock {
    pub(super) fn last_line(&self) -> usize {
        self.values.last().map_or(self.header_line, |v| v.last_line)
    }
}

pub(super) fn parse_error(file: FileId, at: usize, message: impl Into<String>) -> Diagnostic {
    Diagnostic::new(ParseError::metadata(), Span::point(file, at), message)
}

/// Reads a quoted name or string starting at `start` (the opening quote). Returns the
/// unescaped text and the offset after the closing quote. `\\` and `\"` are the only escapes
/// (outlook.md 3.1).
fn quoted(text: &str, start: usize, end: usize) -> Option<(String, usize)> {
    let mut out = String::new();
    let mut chars = text[start + 1..end].char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return Some((out, start + 1 + i + 1)),
            '\\' => match chars.next() {
                Some((_, escaped @ ('\\' | '"'))) => out.push(escaped),
                Some((_, other)) => {
                    out.push('\\');
                    out.push(other);
                }
                None => out.push('\\'),
            },
            _ => out.push(c),
        }
    }
    None
}

pub(super) fn escape_string(text: &str) -> String {
    text.replace('\\', "\\\\").replace('"', "\\\"")
}

pub(super) struct Scan {
    pub(super) lines: Vec<Line>,
    pub(super) blocks: Vec<KeyBlock>,
}

pub(super) fn scan(text: &str, file: FileId, diagnostics: &mut Vec<Diagnostic>) -> Option<Scan> {
    let lines = lines(text);
    let header = text[lines[0].start..lines[0].end].trim();
    if header != HEADER_V5 && header != HEADER_V4 {
        diagnostics.push(parse_error(
            file,
            lines[0].start,
            format!("a registry export starts with `{HEADER_V5}` or `{HEADER_V4}`; regedit refuses this file"),
        ));
        return None;
    }
    let mut blocks: Vec<KeyBlock> = Vec::new();
    let mut index = 1;
    while index < lines.len() {
        let line = lines[index];
        let content = &text[line.start..line.end];
        let trimmed = content.trim_start();
        let start = line.end - trimmed.len();
        let trimmed = trimmed.trim_end();
        if trimmed.is_empty() || trimmed.starts_with(';') {
            index += 1;
            continue;
        }
        if let Some(inside) = trimmed.strip_prefix('[') {
            match trimmed.rfind(']') {
                Some(close) => {
                    let deleted = inside.starts_with('-');
                    let path_start = start + 1 + usize::from(deleted);
                    blocks.push(KeyBlock {
                        path: text[path_start..start + close].to_owned(),
                        deleted,
                        header_line: index,
                        values: Vec::new(),
                    });
                }
                None => diagnostics.push(parse_error(
                    file,
                    start + trimmed.len(),
                    "key path has no closing `]`",
                )),
            }
            index += 1;
            continue;
        }
        let (value, next) = parse_value(text, &lines, index, start, file, diagnostics);
        if let Some(value) = value {
            match blocks.last_mut() {
                Some(block) => block.values.push(value),
                None => {
                    diagnostics.push(parse_error(file, start, "value before the first `[key]`"))
                }
            }
        }
        index = next;
    }
    Some(Scan { lines, blocks })
}

/// Where a value starts: the line and the file, for its errors.
struct At<'a> {
    text: &'a str,
    lines: &'a [Line],
    index: usize,
    file: FileId,
}

impl At<'_> {
    /// Reports an error and skips the value, its continuation lines included.
    fn fail(
        &self,
        diagnostics: &mut Vec<Diagnostic>,
        at: usize,
        message: String,
    ) -> (Option<Value>, usize) {
        diagnostics.push(parse_error(self.file, at, message));
        let mut next = self.index;
        while next < self.lines.len()
            && self.text[self.lines[next].start..self.lines[next].end].trim_end().ends_with('\\')
        {
            next += 1;
        }
        (None, next + 1)
    }
}

/// Parses the value starting on line `index` at `start`; returns it (None after an error) and
/// the index of the line after it.
fn parse_value(
    text: &str,
    lines: &[Line],
    index: usize,
    start: usize,
    file: FileId,
    diagnostics: &mut Vec<Diagnostic>,
) -> (Option<Value>, usize) {
    let line = lines[index];
    let at = At { text, lines, index, file };
    let (name, after_name) = if text[start..].starts_with('@') {
        ("@".to_owned(), start + 1)
    } else if text[start..].starts_with('"') {
        match quoted(text, start, line.end) {
            Some(found) => found,
            None => {
                return at.fail(diagnostics, line.end, "value name has no closing `\"`".to_owned());
            }
        }
    } else {
        return at.fail(
            diagnostics,
            start,
            "expected a `[key]`, a `\"name\"=value` line or a `;` comment".to_owned(),
        );
    };
    let rest = &text[after_name..line.end];
    let equals = after_name + (rest.len() - rest.trim_start().len());
    if !text[equals..line.end].starts_with('=') {
        return at.fail(diagnostics, equals, format!("expected `=` after the value name `{name}`"));
    }
    let data_start = equals + 1;
    let data_text = &text[data_start..line.end];
    // The type prefix is matched whatever its case, as always, now without a lowercased copy
    // of the line for every value.
    let after_prefix = |prefix: &str| {
        data_text
            .get(..prefix.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(prefix))
            .then(|| &data_text[prefix.len()..])
    };
    let simple = |data: Data, end: usize| {
        (
            Some(Value {
                name: name.clone(),
                data,
                data_range: TextRange::new(data_start, end),
                last_line: index,
            }),
            index + 1,
        )
    };
    if data_text.trim_end() == "-" {
        return simple(Data::Delete, line.end);
    }
    if data_text.starts_with('"') {
        let Some((value, after)) = quoted(text, data_start, line.end) else {
            return at.fail(diagnostics, line.end, "string value has no closing `\"`".to_owned());
        };
        if !text[after..line.end].trim().is_empty() {
            return at.fail(
                diagnostics,
                after,
                "unexpected text after the closing `\"`".to_owned(),
            );
        }
        return simple(
            Data::String { value, range: TextRange::new(data_start + 1, after - 1) },
            after,
        );
    }
    if let Some(digits) = after_prefix("dword:") {
        let digits_start = data_start + 6;
        let digits = digits.trim_end();
        if digits.is_empty() || digits.len() > 8 || !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
            return at.fail(
                diagnostics,
                digits_start,
                format!(
                    "`dword:` takes up to 8 hexadecimal digits, not `{}`",
                    &data_text[6..].trim_end()
                ),
            );
        }
        let value = u32::from_str_radix(digits, 16).unwrap_or_default();
        return simple(
            Data::Dword { value, range: TextRange::new(digits_start, digits_start + digits.len()) },
            digits_start + digits.len(),
        );
    }
    let kind_and_prefix = if after_prefix("hex:").is_some() {
        Some((None, 4))
    } else if let Some(inner) = after_prefix("hex(") {
        inner.find("):").and_then(|close| {
            u32::from_str_radix(&inner[..close], 16).ok().map(|kind| (Some(kind), 4 + close + 2))
        })
    } else {
        None
    };
    let Some((kind, prefix_len)) = kind_and_prefix else {
        return at.fail(
            diagnostics,
            data_start,
            "expected `\"string\"`, `dword:`, `hex:`, `hex(N):` or `-` after `=`".to_owned(),
        );
    };
    parse_hex(&at, name, kind, data_start, data_start + prefix_len, diagnostics)
}

/// The bytes of a `hex:` or `hex(N):` value from `bytes_start` on, across its `\`
/// continuation lines, and how they were wrapped.
fn parse_hex(
    at: &At<'_>,
    name: String,
    kind: Option<u32>,
    data_start: usize,
    bytes_start: usize,
    diagnostics: &mut Vec<Diagnostic>,
) -> (Option<Value>, usize) {
    let (text, lines, index) = (at.text, at.lines, at.index);
    let line = lines[index];
    let prefix_chars = text[line.start..bytes_start].chars().count();
    let mut read = HexBytes { last_byte_end: bytes_start, ..HexBytes::default() };
    let mut counts = Vec::new();
    let mut indent = "  ".to_owned();
    let mut current = index;
    let mut segment_start = bytes_start;
    loop {
        let segment_line = lines[current];
        let segment = &text[segment_start..segment_line.end];
        let trimmed = segment.trim_end();
        let (body, continues) = match trimmed.strip_suffix('\\') {
            Some(body) => (body, true),
            None => (trimmed, false),
        };
        let count = match read.read(body, segment_start) {
            Ok(count) => count,
            Err((token, token_start)) => {
                return at.fail(
                    diagnostics,
                    token_start,
                    format!("`{token}` is not a two-digit hex byte"),
                );
            }
        };
        counts.push(count);
        if !continues {
            break;
        }
        if current + 1 >= lines.len() {
            diagnostics.push(parse_error(
                at.file,
                segment_line.end,
                "the file ends after a `\\` continuation",
            ));
            break;
        }
        current += 1;
        let next_line = lines[current];
        let next_text = &text[next_line.start..next_line.end];
        let body = next_text.trim_start();
        if current == index + 1 {
            indent = next_text[..next_text.len() - body.len()].to_owned();
        }
        segment_start = next_line.end - body.len();
    }
    let HexBytes { bytes, upper, last_byte_end } = read;
    let data = Data::Hex {
        kind,
        bytes,
        range: TextRange::new(bytes_start, last_byte_end),
        layout: HexLayout { wrapping: wrapping_of(prefix_chars, &counts), indent, upper },
        prefix_chars,
    };
    (
        Some(Value {
            name,
            data,
            data_range: TextRange::new(data_start, last_byte_end),
            last_line: current,
        }),
        current + 1,
    )
}

/// The bytes of a hex value, read line by line.
#[derive(Default)]
struct HexBytes {
    bytes: Vec<u8>,
    /// Whether any digit was written in upper case (a fix writes its bytes the same way).
    upper: bool,
    /// Where the last byte read ends in the file.
    last_byte_end: usize,
}

impl HexBytes {
    /// Reads the bytes of one line's `body` (which starts at `offset` of the file): how many
    /// there were, or the first token that is not a two-digit hex byte and where it starts.
    fn read<'t>(&mut self, body: &'t str, offset: usize) -> Result<usize, (&'t str, usize)> {
        match self.read_regedit_layout(body, offset) {
            Some(count) => Ok(count),
            None => self.read_tokens(body, offset),
        }
    }

    /// [`read`](Self::read) for any line: token by token.
    fn read_tokens<'t>(&mut self, body: &'t str, offset: usize) -> Result<usize, (&'t str, usize)> {
        let mut count = 0;
        for (token, token_start) in hex_tokens(body, offset) {
            let byte = hex_byte(token).ok_or((token, token_start))?;
            self.bytes.push(byte);
            count += 1;
            self.upper |= token.bytes().any(|b| b.is_ascii_uppercase());
            self.last_byte_end = token_start + 2;
        }
        Ok(count)
    }

    /// The line as regedit writes it, `xx,xx,...,xx` with or without a last comma and no
    /// blank, in one pass over the bytes: nearly every line of an export is so, and the token
    /// loop ([`read_tokens`](Self::read_tokens)) costs about ten times more per byte. `None`
    /// (nothing read) for any other line, which the token loop then reads as it always did.
    fn read_regedit_layout(&mut self, body: &str, offset: usize) -> Option<usize> {
        let text = body.as_bytes();
        if text.is_empty() || text.len() % 3 == 1 {
            return None;
        }
        let count = text.len().div_ceil(3);
        let first = self.bytes.len();
        let mut upper = false;
        for triple in text.chunks(3) {
            let comma_ok = triple.get(2).is_none_or(|&c| c == b',');
            match (hex_digit(triple[0]), hex_digit(triple[1])) {
                (Some(high), Some(low)) if comma_ok => {
                    self.bytes.push(high << 4 | low);
                    upper |= triple[..2].iter().any(u8::is_ascii_uppercase);
                }
                _ => {
                    self.bytes.truncate(first);
                    return None;
                }
            }
        }
        self.upper |= upper;
        self.last_byte_end = offset + 3 * (count - 1) + 2;
        Some(count)
    }
}

/// The value of one ASCII hex digit.
fn hex_digit(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// The non-empty comma-separated tokens of a hex line's `body` (which starts at `offset` of
/// the file), trimmed as `str::trim` does, with where each starts. `str::split` and `trim`
/// cost 12% of reading a 55 KB export, so the commas and blanks are found in the bytes: both
/// are ASCII, and a non-ASCII blank (which `trim` also removes) sends the piece to `trim`.
fn hex_tokens(body: &str, offset: usize) -> impl Iterator<Item = (&str, usize)> {
    // `char::is_whitespace` on ASCII (it counts U+000B, unlike `u8::is_ascii_whitespace`).
    let blank = |b: &u8| matches!(b, b' ' | b'\t'..=b'\r');
    let bytes = body.as_bytes();
    let mut piece_start = 0;
    let mut done = false;
    std::iter::from_fn(move || {
        while !done {
            let start = piece_start;
            let end =
                bytes[start..].iter().position(|&b| b == b',').map_or(bytes.len(), |i| start + i);
            done = end == bytes.len();
            piece_start = end + 1;
            let piece = &body[start..end];
            let (lead, token) = if piece.is_ascii() {
                let lead = piece.bytes().take_while(|b| blank(b)).count();
                let trail = piece.bytes().rev().take_while(|b| blank(b)).count();
                (lead, &piece[lead.min(piece.len() - trail)..piece.len() - trail])
            } else {
                (piece.len() - piece.trim_start().len(), piece.trim())
            };
            if !token.is_empty() {
                return Some((token, offset + start + lead));
            }
        }
        None
    })
}

/// The byte a token of exactly two hex digits stands for.
fn hex_byte(token: &str) -> Option<u8> {
    let digit = |b: u8| char::from(b).to_digit(16);
    match token.as_bytes() {
        &[high, low] => Some((digit(high)? * 16 + digit(low)?) as u8),
        _ => None,
    }
}

/// How `counts` bytes per line were wrapped: as regedit does, on one line, or by hand.
fn wrapping_of(prefix_chars: usize, counts: &[usize]) -> Wrapping {
    let total: usize = counts.iter().sum();
    if regedit_line_counts(prefix_chars, total) == counts {
        Wrapping::Regedit
    } else if counts.len() == 1 {
        Wrapping::SingleLine
    } else {
        Wrapping::Fixed {
            first: counts[0],
            rest: counts[1..].iter().copied().max().unwrap_or(1).max(1),
        }
    }
}

/// The values of one key after applying every block in file order.
pub(super) struct KeyValues<'a> {
    pub(super) path: &'a str,
    pub(super) values: Vec<&'a Value>,
    /// The block whose end receives new values.
    pub(super) last_block: &'a KeyBlock,
}

impl KeyValues<'_> {
    pub(super) fn get(&self, name: &str) -> Option<&Value> {
        self.values.iter().copied().find(|v| v.name.eq_ignore_ascii_case(name))
    }
}

pub(super) fn merge(blocks: &[KeyBlock]) -> Vec<KeyValues<'_>> {
    let mut keys: Vec<KeyValues<'_>> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    for block in blocks {
        let lower = block.path.to_ascii_lowercase();
        if block.deleted {
            // `[-Key]` deletes the key and its subkeys.
            for key in &mut keys {
                let path = key.path.to_ascii_lowercase();
                if path == lower || path.starts_with(&format!("{lower}\\")) {
                    key.values.clear();
                }
            }
            continue;
        }
        let slot = *index.entry(lower).or_insert_with(|| {
            keys.push(KeyValues { path: &block.path, values: Vec::new(), last_block: block });
            keys.len() - 1
        });
        let key = &mut keys[slot];
        key.last_block = block;
        for value in &block.values {
            key.values.retain(|v| !v.name.eq_ignore_ascii_case(&value.name));
            if !matches!(value.data, Data::Delete) {
                key.values.push(value);
            }
        }
    }
    keys
}

#[cfg(test)]
mod hex_token_tests {
    use super::*;

    /// The definition `hex_tokens` and `hex_byte` speed up.
    fn by_split(body: &str, offset: usize) -> Vec<(&str, usize, Option<u8>)> {
        let mut out = Vec::new();
        let mut at = offset;
        for piece in body.split(',') {
            let token = piece.trim();
            let token_start = at + (piece.len() - piece.trim_start().len());
            at += piece.len() + 1;
            if token.is_empty() {
                continue;
            }
            let two = token.len() == 2 && token.bytes().all(|b| b.is_ascii_hexdigit());
            out.push((
                token,
                token_start,
                two.then(|| u8::from_str_radix(token, 16).ok()).flatten(),
            ));
        }
        out
    }

    /// The count (or the bad token, owned), the bytes, `upper` and the end after one line.
    type Outcome = (Result<usize, (String, usize)>, Vec<u8>, bool, usize);

    /// What reading one line with `read` gives.
    fn outcome<'t>(
        reader: &mut HexBytes,
        read: impl FnOnce(&mut HexBytes) -> Result<usize, (&'t str, usize)>,
    ) -> Outcome {
        let count = read(reader).map_err(|(token, at)| (token.to_owned(), at));
        (count, std::mem::take(&mut reader.bytes), reader.upper, reader.last_byte_end)
    }

    #[test]
    fn the_regedit_layout_is_read_as_the_token_loop_reads_it() {
        let parts = ["", "0a", "FF", "e9", "g0", "0", " ", ",", "\u{a0}", "é", "12 "];
        for a in parts {
            for b in ["", ","] {
                for c in parts {
                    for d in ["", ",", "A"] {
                        let body = format!("{a}{b}{c}{d}");
                        let read = outcome(&mut HexBytes::default(), |r| r.read(&body, 9));
                        let tokens = outcome(&mut HexBytes::default(), |r| r.read_tokens(&body, 9));
                        if read.0.is_ok() {
                            assert_eq!(read, tokens, "{body:?}");
                        } else {
                            assert_eq!(read.0, tokens.0, "{body:?}");
                        }
                    }
                }
            }
        }
        // The layout itself, long lines included, takes the fast path and agrees too.
        let body = "75,00,73,00,65,00,72,00,30,00,30,00,30,00,30,00,30,00,2E,";
        let fast =
            outcome(&mut HexBytes::default(), |r| r.read_regedit_layout(body, 100).ok_or(("", 0)));
        assert_eq!(fast.0, Ok(19));
        assert_eq!(fast, outcome(&mut HexBytes::default(), |r| r.read_tokens(body, 100)));
    }

    #[test]
    fn tokens_and_bytes_as_split_and_trim_give_them() {
        let parts = [
            "", ",", " ", "\t", "\u{b}", "\u{3000}", "\u{a0}", "0a", "FF", "f", "1g", "é1", "+1",
            "123",
        ];
        for a in parts {
            for b in parts {
                for c in parts {
                    for d in ["", ",", " 7e"] {
                        let body = format!("{a}{b}{c}{d}");
                        let fast: Vec<_> =
                            hex_tokens(&body, 9).map(|(t, at)| (t, at, hex_byte(t))).collect();
                        assert_eq!(fast, by_split(&body, 9), "{body:?}");
                    }
                }
            }
        }
    }
}
