//! Text helpers the three formats share: lines with their offsets, sniffing the first bytes of
//! a file for detection, and a set of edits that merges insertions at the same point.

use std::borrow::Cow;

use maillint_core::fix::{Edit, Fix};
use maillint_core::parser::head_text;
use maillint_core::span::{FileId, Span, TextRange};
use maillint_core::{Diagnostic, LowerError};

/// One line of decoded text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Line {
    /// First byte of the line.
    pub start: usize,
    /// One past the last byte before the terminator.
    pub end: usize,
    /// One past the terminator (the next line's start).
    pub next: usize,
}

impl Line {
    /// Whether the line ends with a terminator (the last line of a file may not).
    pub fn has_terminator(&self) -> bool {
        self.next > self.end
    }
}

/// Splits text into lines the way [`maillint_core::SourceFile`] counts them: `\r\n`, `\n` and a
/// lone `\r` each end a line, so line numbers agree with the file's line index.
pub(crate) fn lines(text: &str) -> Vec<Line> {
    LineIter::new(text).collect()
}

/// The lines of [`lines`] one at a time, for a reader that never goes back: a `Vec` of every
/// line cost 130 instructions a line, 0.8 M for the bench tree's `.reg` exports.
///
/// The terminators are found with a vectorised search (`memchr2`), not byte by byte: this
/// was a tenth of reading a `.reg` export.
#[derive(Clone, Debug)]
pub(crate) struct LineIter<'t> {
    bytes: &'t [u8],
    /// Where the next line starts.
    start: usize,
    /// Whether a line was given (an empty text still has one line).
    any: bool,
    done: bool,
}

impl<'t> LineIter<'t> {
    /// The lines of `text`.
    pub fn new(text: &'t str) -> Self {
        LineIter { bytes: text.as_bytes(), start: 0, any: false, done: false }
    }
}

impl Iterator for LineIter<'_> {
    type Item = Line;

    fn next(&mut self) -> Option<Line> {
        if self.done {
            return None;
        }
        let (bytes, start) = (self.bytes, self.start);
        let Some(offset) = memchr::memchr2(b'\n', b'\r', &bytes[start..]) else {
            self.done = true;
            let last = start < bytes.len() || !self.any;
            return last.then_some(Line { start, end: bytes.len(), next: bytes.len() });
        };
        let end = start + offset;
        let next = if bytes[end] == b'\r' && bytes.get(end + 1) == Some(&b'\n') {
            end + 2
        } else {
            end + 1
        };
        self.start = next;
        self.any = true;
        Some(Line { start, end, next })
    }
}

/// `text.trim_start()`, reading ASCII white space as bytes and handing the rest to
/// `str::trim_start` only from a non-ASCII character on: `str`'s trims decode every char,
/// and a `.reg` scan trims each of its lines (0.3 M of the bench tree's exports).
pub(crate) fn fast_trim_start(text: &str) -> &str {
    let blanks = text.bytes().take_while(is_ascii_white).count();
    let rest = &text[blanks..];
    if rest.as_bytes().first().is_some_and(|b| !b.is_ascii()) { rest.trim_start() } else { rest }
}

/// `text.trim_end()`, as [`fast_trim_start`] does it.
pub(crate) fn fast_trim_end(text: &str) -> &str {
    let blanks = text.bytes().rev().take_while(is_ascii_white).count();
    let rest = &text[..text.len() - blanks];
    if rest.as_bytes().last().is_some_and(|b| !b.is_ascii()) { rest.trim_end() } else { rest }
}

/// `char::is_whitespace` for an ASCII byte (it counts U+000B, unlike
/// `u8::is_ascii_whitespace`).
fn is_ascii_white(b: &u8) -> bool {
    matches!(b, b' ' | b'\t'..=b'\r')
}

/// The range of `inner` (a sub-slice of `text`'s `range`) with ASCII blanks trimmed at both
/// ends.
pub(crate) fn trim_range(text: &str, start: usize, end: usize) -> (usize, usize) {
    let slice = &text[start..end];
    let left = slice.len() - slice.trim_start_matches([' ', '\t']).len();
    let right = slice.trim_end_matches([' ', '\t']).len();
    if left >= right { (start + left, start + left) } else { (start + left, start + right) }
}

/// Decodes the first bytes of a file for content detection, the way
/// [`maillint_core::SourceFile`] would decode the whole file (BOMs, UTF-16LE, else UTF-8 as
/// [`head_text`] reads it, without a copy). Only ever used to look for markers, so losing a
/// character does not matter.
pub(crate) fn sniff(head: &[u8]) -> Cow<'_, str> {
    let utf16 = |bytes: &[u8], big: bool| {
        let units = bytes.chunks_exact(2).map(|pair| {
            if big {
                u16::from_be_bytes([pair[0], pair[1]])
            } else {
                u16::from_le_bytes([pair[0], pair[1]])
            }
        });
        Cow::Owned(
            char::decode_utf16(units).map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER)).collect(),
        )
    };
    if let Some(rest) = head.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return head_text(rest);
    }
    match utf16_of(head) {
        Some(Utf16 { bom, big_endian }) => utf16(&head[bom..], big_endian),
        None => head_text(head),
    }
}

/// How a head in UTF-16 is laid out: the length of its byte-order mark and its byte order.
pub(crate) struct Utf16 {
    bom: usize,
    big_endian: bool,
}

/// Whether [`sniff`] decodes `head` as UTF-16 (a UTF-16 BOM, or UTF-16LE text without one:
/// ASCII characters each followed by a zero byte), and how. When it does not, the sniffed
/// text keeps every ASCII byte of the head as it is, so a detector can look for an ASCII
/// marker in the raw bytes and rule out a file without decoding it.
pub(crate) fn utf16_of(head: &[u8]) -> Option<Utf16> {
    if head.starts_with(&[0xFF, 0xFE]) {
        return Some(Utf16 { bom: 2, big_endian: false });
    }
    if head.starts_with(&[0xFE, 0xFF]) {
        return Some(Utf16 { bom: 2, big_endian: true });
    }
    let sample = &head[..head.len().min(64)];
    let bare = sample.len() >= 8
        && sample.chunks(2).all(|pair| pair.len() == 2 && pair[1] == 0 && pair[0] != 0);
    bare.then_some(Utf16 { bom: 0, big_endian: false })
}

impl Utf16 {
    /// Whether the UTF-16 text of `head` may hold one of `markers` (ASCII, each starting with
    /// `[`), ASCII case ignored, judged from the bytes: each character of a marker is a code
    /// unit with a zero high byte, so wherever [`sniff`]'s text holds a marker, the bytes hold
    /// it in that form, after a `[` byte found with `memchr`. (A hit at an odd offset is a
    /// false one, which only costs the decoding.) Decoding the UTF-16 heads of the bench
    /// tree's 22 `.reg` exports, which have no PRF marker, cost 0.6 M instructions.
    pub fn may_hold(&self, head: &[u8], markers: &[&str]) -> bool {
        memchr::memchr_iter(b'[', head).any(|at| {
            let Some(start) = at.checked_sub(usize::from(self.big_endian)) else { return false };
            markers.iter().any(|marker| {
                let Some(units) = head.get(start..start + 2 * marker.len()) else { return false };
                units.chunks_exact(2).zip(marker.bytes()).all(|(unit, c)| {
                    let (low, high) =
                        if self.big_endian { (unit[1], unit[0]) } else { (unit[0], unit[1]) };
                    high == 0 && low.eq_ignore_ascii_case(&c)
                })
            })
        })
    }
}

/// Whether `path` ends in `.<wanted>` (`wanted` lower-case), in any case. Detection asks this
/// of every file a walk meets, so it does not allocate.
pub(crate) fn has_extension(path: &std::path::Path, wanted: &str) -> bool {
    maillint_core::parser::extension(path)
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case(wanted))
}

/// Orders diagnostics by where they start (stable for one position), so output follows the
/// file rather than the order of the checks.
pub(crate) fn sort_by_position(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by_key(|d| (d.span.file, d.span.range.start, d.span.range.end));
}

/// Attaches a fix to a diagnostic (core's `Diagnostic` has builders for everything else).
pub(crate) trait WithFix {
    /// The diagnostic with `fix`.
    fn with_fix(self, fix: Fix) -> Self;
}

impl WithFix for Diagnostic {
    fn with_fix(mut self, fix: Fix) -> Self {
        self.fix = Some(fix);
        self
    }
}

/// `host` when a fix may write it as a server name: not empty and without control characters
/// (a line break would end a `.reg` value or split an XML element's text).
pub(crate) fn writable_host(host: &str) -> Result<&str, LowerError> {
    if host.is_empty() || host.chars().any(char::is_control) {
        return Err(LowerError(format!("`{}` is not a host name", host.escape_debug())));
    }
    Ok(host)
}

/// Edits being collected for one lowering. Replacements are kept as they are; several
/// insertions at the same offset (a missing port and a missing security flag after the same
/// line) are merged into one edit, because the fix engine refuses two insertions at one point.
/// An empty value being filled in (`IMAPPort=` at the end of a file) is an insertion too, and
/// comes before any line inserted at the same point, so that the line follows the value.
#[derive(Debug)]
pub(crate) struct EditSet {
    file: FileId,
    replacements: Vec<(TextRange, String)>,
    /// Per offset: the filled-in empty values, then the inserted lines.
    insertions: Vec<(usize, String, String)>,
}

impl EditSet {
    /// An empty set for edits in `file`.
    pub fn new(file: FileId) -> Self {
        Self { file, replacements: Vec::new(), insertions: Vec::new() }
    }

    /// Replaces `range` with `content`.
    pub fn replace(&mut self, range: TextRange, content: impl Into<String>) {
        if range.is_empty() {
            self.slot(range.start as usize).0.push_str(&content.into());
        } else {
            self.replacements.push((range, content.into()));
        }
    }

    /// Inserts `content` at `offset`, after anything already inserted there.
    pub fn insert(&mut self, offset: usize, content: impl Into<String>) {
        self.slot(offset).1.push_str(&content.into());
    }

    /// The values and lines inserted at `offset` so far.
    fn slot(&mut self, offset: usize) -> (&mut String, &mut String) {
        let index = match self.insertions.iter().position(|(at, ..)| *at == offset) {
            Some(index) => index,
            None => {
                self.insertions.push((offset, String::new(), String::new()));
                self.insertions.len() - 1
            }
        };
        let (_, values, lines) = &mut self.insertions[index];
        (values, lines)
    }

    /// Whether an insertion at `offset` already holds `content` (so a shared line, such as a
    /// mapping line, is added once).
    pub fn inserts(&self, offset: usize, content: &str) -> bool {
        self.insertions.iter().any(|(at, _, lines)| *at == offset && lines.contains(content))
    }

    /// The edits, sorted by position.
    pub fn finish(self) -> Vec<Edit> {
        let file = self.file;
        let mut edits: Vec<Edit> =
            self.replacements
                .into_iter()
                .map(|(range, content)| Edit::replace(Span { file, range }, content))
                .chain(self.insertions.into_iter().map(|(at, values, lines)| {
                    Edit::insert(Span::point(file, at), values + &lines)
                }))
                .collect();
        edits.sort_by_key(|e| (e.span.range.start, e.span.range.end));
        edits
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_host_with_a_control_character_or_nothing_is_not_written() {
        assert_eq!(writable_host("imap.example.org").ok(), Some("imap.example.org"));
        for bad in ["", "imap.example.org\r\nEvil=1", "a\u{0}b"] {
            let error = writable_host(bad).expect_err(bad);
            assert!(error.0.ends_with("is not a host name"), "{}", error.0);
        }
    }

    #[test]
    fn lines_follow_every_terminator_like_the_source_index() {
        let text = "a\r\nb\nc\rd";
        let found: Vec<&str> = lines(text).iter().map(|l| &text[l.start..l.end]).collect();
        assert_eq!(found, ["a", "b", "c", "d"]);
        let file = maillint_core::SourceFile::from_text("x", text);
        assert_eq!(lines(text).len(), file.line_count());
        assert!(!lines(text)[3].has_terminator());
        assert_eq!(lines("a\r\n").len(), 1);
    }

    /// The byte-by-byte definition `lines` speeds up.
    fn lines_byte_by_byte(text: &str) -> Vec<(usize, usize, usize)> {
        let bytes = text.as_bytes();
        let (mut out, mut start, mut i) = (Vec::new(), 0, 0);
        while i < bytes.len() {
            match bytes[i] {
                b'\n' => {
                    out.push((start, i, i + 1));
                    start = i + 1;
                }
                b'\r' => {
                    let next = if bytes.get(i + 1) == Some(&b'\n') { i + 2 } else { i + 1 };
                    out.push((start, i, next));
                    start = next;
                    i = next - 1;
                }
                _ => {}
            }
            i += 1;
        }
        if start < bytes.len() || out.is_empty() {
            out.push((start, bytes.len(), bytes.len()));
        }
        out
    }

    #[test]
    fn lines_are_the_byte_by_byte_definitions_for_every_mix_of_terminators() {
        let parts = ["", "a", "\r", "\n", "\r\n", "\n\r", "é"];
        for a in parts {
            for b in parts {
                for c in parts {
                    for d in parts {
                        let text = format!("{a}{b}{c}{d}");
                        let found: Vec<_> =
                            lines(&text).iter().map(|l| (l.start, l.end, l.next)).collect();
                        assert_eq!(found, lines_byte_by_byte(&text), "{text:?}");
                    }
                }
            }
        }
    }

    /// Wherever the sniffed text holds a marker, [`Utf16::may_hold`] says so: markers in any
    /// case and position, in UTF-16LE with and without a BOM and in UTF-16BE, cut off at
    /// every length, with odd bytes and non-ASCII around them.
    #[test]
    fn utf16_heads_holding_a_marker_may_hold_it() {
        let markers = ["[general]", "[service list]"];
        let texts = [
            "[General]\r\nCustom=1",
            "x[SERVICE LIST]",
            "[[genERal]",
            "é[general]",
            "[genera]",
            "[service\u{0}list]",
            "\u{10000}[general]",
            "[",
            "",
        ];
        let mut checked = 0;
        for text in texts {
            for prefix in ["", "REGEDIT4\r\n", "a"] {
                let full = format!("{prefix}{text}");
                let le: Vec<u8> = full.encode_utf16().flat_map(u16::to_le_bytes).collect();
                let be: Vec<u8> = full.encode_utf16().flat_map(u16::to_be_bytes).collect();
                let bare = le.clone();
                for head in
                    [[&[0xFF, 0xFE][..], &le].concat(), [&[0xFE, 0xFF][..], &be].concat(), bare]
                {
                    for cut in 0..=head.len() {
                        let head = &head[..cut];
                        let Some(utf16) = utf16_of(head) else { continue };
                        let lower = sniff(head).to_ascii_lowercase();
                        if markers.iter().any(|m| lower.contains(m)) {
                            assert!(utf16.may_hold(head, &markers), "{head:?}");
                            checked += 1;
                        }
                    }
                }
            }
        }
        assert!(checked > 50, "only {checked} heads with a marker");
        let le: Vec<u8> = "[general]".encode_utf16().flat_map(u16::to_le_bytes).collect();
        let head = [&[0xFF, 0xFE][..], &le].concat();
        assert!(!utf16_of(&head).unwrap().may_hold(&head, &["[service list]"]));
    }

    #[test]
    fn fast_trims_are_strs_trims() {
        let parts = [
            "", " ", "\t", "\u{b}", "\r\n", "\u{85}", "\u{a0}", "\u{3000}", "\u{2028}", "a", "é",
            "\\",
        ];
        for a in parts {
            for b in parts {
                for c in parts {
                    let text = format!("{a}{b}{c}");
                    assert_eq!(fast_trim_start(&text), text.trim_start(), "{text:?}");
                    assert_eq!(fast_trim_end(&text), text.trim_end(), "{text:?}");
                }
            }
        }
    }

    #[test]
    fn sniff_decodes_utf16le_with_and_without_bom() {
        let mut bytes = vec![0xFF, 0xFE];
        bytes.extend("REGEDIT4".encode_utf16().flat_map(u16::to_le_bytes));
        assert_eq!(sniff(&bytes), "REGEDIT4");
        assert_eq!(sniff(&bytes[2..]), "REGEDIT4");
        assert_eq!(sniff(b"\xEF\xBB\xBF[General]"), "[General]");
    }

    #[test]
    fn detection_by_content_is_the_same_in_utf8_and_utf16_with_or_without_bom() {
        use crate::autodiscover::{AutodiscoverParser, NS_AUTODISCOVER};
        use crate::prf::PrfParser;
        use crate::reg::RegParser;
        use maillint_core::{Confidence, Parser};
        use std::path::Path;
        let parsers: [(&dyn Parser, String); 4] = [
            (&RegParser, "Windows Registry Editor Version 5.00\r\n\r\n[HKEY_X]\r\n".into()),
            (&RegParser, "REGEDIT4\n\n[HKEY_X]\n".into()),
            (&PrfParser, "[Internet Account List]\r\nAccount1=x\r\n".into()),
            (
                &AutodiscoverParser,
                format!("<?xml version=\"1.0\"?>\n<Autodiscover xmlns=\"{NS_AUTODISCOVER}\"/>\n"),
            ),
        ];
        let path = Path::new("/h/export.txt");
        for (parser, text) in parsers {
            let le: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
            let be: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
            let heads = [
                text.as_bytes().to_vec(),
                [&[0xEF, 0xBB, 0xBF][..], text.as_bytes()].concat(),
                [&[0xFF, 0xFE][..], &le].concat(),
                [&[0xFE, 0xFF][..], &be].concat(),
                le,
            ];
            for head in heads {
                assert_eq!(parser.detect(path, &head), Some(Confidence::Content), "{text:?}");
            }
            // Not one marker: ruled out before decoding, as after.
            assert_eq!(parser.detect(path, b"plain text, no marker\n"), None);
        }
    }

    #[test]
    fn insertions_at_one_point_merge_into_one_edit() {
        let mut set = EditSet::new(FileId(0));
        set.insert(4, "a=1\n");
        set.insert(4, "b=2\n");
        set.replace(TextRange::new(0, 1), "x");
        assert!(set.inserts(4, "b=2"));
        let edits = set.finish();
        assert_eq!(edits.len(), 2);
        assert_eq!(edits[1].content, "a=1\nb=2\n");
    }

    #[test]
    fn an_empty_value_filled_at_an_insertion_point_comes_before_the_inserted_line() {
        // `SMTPPort=` as the file's last bytes: the port's value and a new line for the
        // security flag land on the same offset.
        let mut set = EditSet::new(FileId(0));
        set.insert(9, "\r\nSMTPUseSSL=1");
        set.replace(TextRange::new(9, 9), "465");
        let edits = set.finish();
        assert_eq!(edits.len(), 1);
        assert_eq!(edits[0].content, "465\r\nSMTPUseSSL=1");
    }
}
