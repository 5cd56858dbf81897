//! The `.reg` grammar: the header, `[key]` blocks, `"name"=value` lines with their
//! continuations, and the merge of blocks in file order as regedit imports them
//! (outlook.md 3.1).

use std::borrow::Cow;
use std::collections::HashMap;

use maillint_core::builtin::ParseError;
use maillint_core::{Diagnostic, FileId, Span, TextRange};

use super::bytes::HexBytes;
use super::hex::{HexLayout, LineCounts, REGEDIT_INDENT};
use crate::text::{Line, LineIter, fast_trim_end, fast_trim_start};

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
pub(super) struct Value<'t> {
    /// Borrowed from the text unless it has an escape: an owned copy of every name cost an
    /// allocation per value.
    pub(super) name: Cow<'t, str>,
    pub(super) data: Data,
    /// Everything after `=`, continuations included.
    pub(super) data_range: TextRange,
    /// The value's last line, continuations included.
    pub(super) last_line: Line,
}

#[derive(Clone, Debug)]
pub(super) struct KeyBlock<'t> {
    pub(super) path: String,
    pub(super) deleted: bool,
    pub(super) header: Line,
    pub(super) values: Vec<Value<'t>>,
}

impl KeyBlock<'_> {
    pub(super) fn last_line(&self) -> Line {
        self.values.last().map_or(self.header, |v| v.last_line)
    }
}

pub(super) fn parse_error(file: FileId, at: usize, message: impl Into<String>) -> Diagnostic {
    Diagnostic::new(ParseError::metadata(), Span::point(file, at), message)
}

/// Reads a quoted name or string starting at `start` (the opening quote). Returns the
/// unescaped text and the offset after the closing quote. `\\` and `\"` are the only escapes
/// (outlook.md 3.1).
///
/// The text between escapes is copied a run at a time, found with `memchr2`: pushing it char
/// by char cost 775 instructions per value name of the bench tree's exports.
fn quoted(text: &str, start: usize, end: usize) -> Option<(Cow<'_, str>, usize)> {
    let inside = &text[start + 1..end];
    let bytes = inside.as_bytes();
    let at = memchr::memchr2(b'"', b'\\', bytes)?;
    if bytes[at] == b'"' {
        return Some((Cow::Borrowed(&inside[..at]), start + 1 + at + 1));
    }
    let mut out = String::new();
    let mut from = 0;
    loop {
        let at = from + memchr::memchr2(b'"', b'\\', &bytes[from..])?;
        out.push_str(&inside[from..at]);
        if bytes[at] == b'"' {
            return Some((Cow::Owned(out), start + 1 + at + 1));
        }
        // A backslash: `\\` and `\"` stand for the second character; before any other
        // character the backslash is kept, and the character is read as usual after it. A
        // backslash at the very end leaves the text without its closing quote.
        match bytes.get(at + 1) {
            Some(&escaped @ (b'\\' | b'"')) => {
                out.push(char::from(escaped));
                from = at + 2;
            }
            Some(_) => {
                out.push('\\');
                from = at + 1;
            }
            None => return None,
        }
    }
}

pub(super) fn escape_string(text: &str) -> String {
    text.replace('\\', "\\\\").replace('"', "\\\"")
}

pub(super) struct Scan<'t> {
    pub(super) blocks: Vec<KeyBlock<'t>>,
}

pub(super) fn scan<'t>(
    text: &'t str,
    file: FileId,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Scan<'t>> {
    let mut lines = LineIter::new(text);
    let first = lines.next().expect("a text has at least one line");
    let header = text[first.start..first.end].trim();
    if header != HEADER_V5 && header != HEADER_V4 {
        diagnostics.push(parse_error(
            file,
            first.start,
            format!("a registry export starts with `{HEADER_V5}` or `{HEADER_V4}`; regedit refuses this file"),
        ));
        return None;
    }
    let mut scanner = Scanner { text, lines, file, diagnostics, scratch: Vec::new() };
    let mut blocks: Vec<KeyBlock> = Vec::new();
    while let Some(line) = scanner.lines.next() {
        let content = &text[line.start..line.end];
        let trimmed = fast_trim_start(content);
        let start = line.end - trimmed.len();
        let trimmed = fast_trim_end(trimmed);
        if trimmed.is_empty() || trimmed.starts_with(';') {
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
                        header: line,
                        values: Vec::new(),
                    });
                }
                None => scanner.diagnostics.push(parse_error(
                    file,
                    start + trimmed.len(),
                    "key path has no closing `]`",
                )),
            }
            continue;
        }
        if let Some(value) = scanner.value(line, start) {
            match blocks.last_mut() {
                Some(block) => block.values.push(value),
                None => scanner.diagnostics.push(parse_error(
                    file,
                    start,
                    "value before the first `[key]`",
                )),
            }
        }
    }
    Some(Scan { blocks })
}

/// A scan past the header: the lines not read yet (read once, in order, rather than
/// collected first), and where errors go.
struct Scanner<'t, 'd> {
    text: &'t str,
    lines: LineIter<'t>,
    file: FileId,
    diagnostics: &'d mut Vec<Diagnostic>,
    /// The bytes of the hex value being read, kept from value to value so that each value's
    /// bytes are allocated once at their final size, not grown byte by byte.
    scratch: Vec<u8>,
}

impl<'t> Scanner<'t, '_> {
    /// Reports an error and skips the value: `line`, where the error is, and the lines its
    /// `\` continuations join to it. (Every line of the value before `line` ended in a `\`.)
    fn fail(&mut self, line: Line, at: usize, message: String) -> Option<Value<'t>> {
        self.diagnostics.push(parse_error(self.file, at, message));
        let mut line = line;
        while fast_trim_end(&self.text[line.start..line.end]).ends_with('\\') {
            match self.lines.next() {
                Some(next) => line = next,
                None => break,
            }
        }
        None
    }

    /// Parses the value starting on `line` at `start`, reading its continuation lines; None
    /// after an error.
    fn value(&mut self, line: Line, start: usize) -> Option<Value<'t>> {
        let text = self.text;
        let (name, after_name) = if text[start..].starts_with('@') {
            (Cow::Borrowed("@"), start + 1)
        } else if text[start..].starts_with('"') {
            match quoted(text, start, line.end) {
                Some(found) => found,
                None => {
                    return self.fail(line, line.end, "value name has no closing `\"`".to_owned());
                }
            }
        } else {
            return self.fail(
                line,
                start,
                "expected a `[key]`, a `\"name\"=value` line or a `;` comment".to_owned(),
            );
        };
        let rest = &text[after_name..line.end];
        let equals = after_name + (rest.len() - fast_trim_start(rest).len());
        if !text[equals..line.end].starts_with('=') {
            return self.fail(line, equals, format!("expected `=` after the value name `{name}`"));
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
        let simple = |name, data, end| {
            Some(Value { name, data, data_range: TextRange::new(data_start, end), last_line: line })
        };
        if fast_trim_end(data_text) == "-" {
            return simple(name, Data::Delete, line.end);
        }
        if data_text.starts_with('"') {
            let Some((value, after)) = quoted(text, data_start, line.end) else {
                return self.fail(line, line.end, "string value has no closing `\"`".to_owned());
            };
            if !text[after..line.end].trim().is_empty() {
                return self.fail(line, after, "unexpected text after the closing `\"`".to_owned());
            }
            let range = TextRange::new(data_start + 1, after - 1);
            return simple(name, Data::String { value: value.into_owned(), range }, after);
        }
        if let Some(digits) = after_prefix("dword:") {
            let digits_start = data_start + 6;
            let digits = digits.trim_end();
            if digits.is_empty()
                || digits.len() > 8
                || !digits.bytes().all(|b| b.is_ascii_hexdigit())
            {
                return self.fail(
                    line,
                    digits_start,
                    format!(
                        "`dword:` takes up to 8 hexadecimal digits, not `{}`",
                        &data_text[6..].trim_end()
                    ),
                );
            }
            let value = u32::from_str_radix(digits, 16).unwrap_or_default();
            let end = digits_start + digits.len();
            return simple(
                name,
                Data::Dword { value, range: TextRange::new(digits_start, end) },
                end,
            );
        }
        let kind_and_prefix = if after_prefix("hex:").is_some() {
            Some((None, 4))
        } else if let Some(inner) = after_prefix("hex(") {
            inner.find("):").and_then(|close| {
                u32::from_str_radix(&inner[..close], 16)
                    .ok()
                    .map(|kind| (Some(kind), 4 + close + 2))
            })
        } else {
            None
        };
        let Some((kind, prefix_len)) = kind_and_prefix else {
            return self.fail(
                line,
                data_start,
                "expected `\"string\"`, `dword:`, `hex:`, `hex(N):` or `-` after `=`".to_owned(),
            );
        };
        let data = HexStart { line, kind, data_start, bytes_start: data_start + prefix_len };
        self.hex(name, data)
    }

    /// The bytes of a `hex:` or `hex(N):` value, across its `\` continuation lines, and how
    /// they were wrapped.
    fn hex(&mut self, name: Cow<'t, str>, at: HexStart) -> Option<Value<'t>> {
        let text = self.text;
        let prefix_chars = text[at.line.start..at.bytes_start].chars().count();
        let mut scratch = std::mem::take(&mut self.scratch);
        scratch.clear();
        let mut read = HexBytes { bytes: scratch, upper: false, last_byte_end: at.bytes_start };
        let mut counts = LineCounts::new(prefix_chars);
        let mut indent = Cow::Borrowed(REGEDIT_INDENT);
        let (mut current, mut segment_start) = (at.line, at.bytes_start);
        loop {
            let segment = &text[segment_start..current.end];
            let trimmed = fast_trim_end(segment);
            let (body, continues) = match trimmed.strip_suffix('\\') {
                Some(body) => (body, true),
                None => (trimmed, false),
            };
            match read.read(body, segment_start) {
                Ok(count) => counts.push(count),
                Err((token, token_start)) => {
                    let message = format!("`{token}` is not a two-digit hex byte");
                    self.scratch = read.bytes;
                    return self.fail(current, token_start, message);
                }
            }
            if !continues {
                break;
            }
            let Some(next_line) = self.lines.next() else {
                self.diagnostics.push(parse_error(
                    self.file,
                    current.end,
                    "the file ends after a `\\` continuation",
                ));
                break;
            };
            let next_text = &text[next_line.start..next_line.end];
            let body = fast_trim_start(next_text);
            let blank = &next_text[..next_text.len() - body.len()];
            if current.start == at.line.start && blank != REGEDIT_INDENT {
                indent = Cow::Owned(blank.to_owned());
            }
            current = next_line;
            segment_start = next_line.end - body.len();
        }
        let HexBytes { bytes, upper, last_byte_end } = read;
        let data = Data::Hex {
            kind: at.kind,
            bytes: bytes.as_slice().to_vec(),
            range: TextRange::new(at.bytes_start, last_byte_end),
            layout: HexLayout { wrapping: counts.wrapping(), indent, upper },
            prefix_chars,
        };
        self.scratch = bytes;
        let data_range = TextRange::new(at.data_start, last_byte_end);
        Some(Value { name, data, data_range, last_line: current })
    }
}

/// Where a hex value starts: its first line, its type (None for `hex:`), its data (the type
/// prefix) and its bytes.
struct HexStart {
    line: Line,
    kind: Option<u32>,
    data_start: usize,
    bytes_start: usize,
}

/// The values of one key after applying every block in file order.
pub(super) struct KeyValues<'a> {
    pub(super) path: &'a str,
    pub(super) values: Vec<&'a Value<'a>>,
    /// The block whose end receives new values.
    pub(super) last_block: &'a KeyBlock<'a>,
}

impl KeyValues<'_> {
    pub(super) fn get(&self, name: &str) -> Option<&Value<'_>> {
        self.values.iter().copied().find(|v| v.name.eq_ignore_ascii_case(name))
    }
}

pub(super) fn merge<'a>(blocks: &'a [KeyBlock<'_>]) -> Vec<KeyValues<'a>> {
    // Sized for every block being a key of its own, as in most exports: growing the table
    // and the lists block by block was a fifth of merging.
    let mut keys: Vec<KeyValues<'_>> = Vec::with_capacity(blocks.len());
    let mut index: HashMap<String, usize> = HashMap::with_capacity(blocks.len());
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
            let values = Vec::with_capacity(block.values.len());
            keys.push(KeyValues { path: &block.path, values, last_block: block });
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
mod tests {
    use super::*;

    /// The char-by-char definition [`quoted`] speeds up.
    fn quoted_char_by_char(text: &str, start: usize, end: usize) -> Option<(String, usize)> {
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

    #[test]
    fn quoted_reads_as_char_by_char() {
        let parts = ["", "a", "\"", "\\", "é", "\\\"", "\\\\", "\\n", " ", "\\é", "=x"];
        for a in parts {
            for b in parts {
                for c in parts {
                    for d in parts {
                        let text = format!("\"{a}{b}{c}{d}");
                        for end in (1..=text.len()).filter(|&end| text.is_char_boundary(end)) {
                            assert_eq!(
                                quoted(&text, 0, end).map(|(t, at)| (t.into_owned(), at)),
                                quoted_char_by_char(&text, 0, end),
                                "{text:?} {end}"
                            );
                        }
                    }
                }
            }
        }
    }
}
