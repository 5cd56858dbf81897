//! Control characters from input, made visible before they reach a terminal or a log viewer.
//!
//! Every byte of a checked file, its name and its path is written by whoever owns the file, and
//! the person reading maillint's output is often someone else (an admin running `scan` as
//! root). A raw ESC lets that file drive the reader's terminal: OSC 52 writes the clipboard,
//! CSI moves the cursor and erases lines, BEL and backspace hide text, a lone CR overwrites a
//! line, and the Unicode bidirectional overrides ("Trojan Source") reorder what is shown.
//!
//! One convention, used by every human-readable output (full, concise, github, the scan
//! summary, error messages and every file name and path shown):
//!
//! - tab, line feed and carriage return are `\t`, `\n` and `\r` where they are escaped at all
//!   (a multi-line help text keeps its line feeds and tabs);
//! - every other C0 control and DEL is `\xNN` in lower-case hex (ESC is `\x1b`);
//! - the C1 controls (U+0080–U+009F), the bidirectional embeddings, overrides and isolates
//!   (U+202A–U+202E, U+2066–U+2069) and the bidi marks (U+200E, U+200F, U+061C) are
//!   `\u{NNNN}`, as Rust writes them.
//!
//! A backslash is not doubled: paths on Windows stay readable, and a literal `\x1b` in a file
//! is harmless text either way. Machine formats (JSON, SARIF, JUnit) escape by their own rules
//! instead.

use std::borrow::Cow;
use std::fmt::{self, Write as _};

/// Which whitespace controls may stay raw.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Keep {
    /// Nothing: for one-line formats and for names (a line feed in a message would start a
    /// fake finding in `concise`).
    Nothing,
    /// Tabs and line feeds: for texts that are laid out over several lines (help, snippets).
    TabsAndLineFeeds,
}

/// Whether `c` must never reach a terminal raw (tab and line feed aside, see [`Keep`]).
pub fn is_dangerous(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}'
        // Bidi embeddings and overrides, isolates, and the implicit marks (Unicode UAX #9).
        | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
        | '\u{200e}' | '\u{200f}' | '\u{61c}')
}

/// `text` with every dangerous character written visibly; borrowed when nothing changes.
pub fn visible(text: &str, keep: Keep) -> Cow<'_, str> {
    // Printable ASCII needs no escape whatever `keep` says: a byte test answers for nearly
    // every path and message, where decoding each character cost about 10 instructions.
    if text.bytes().all(|b| (0x20..0x7f).contains(&b))
        || !text.chars().any(|c| needs_escape(c, keep))
    {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        push_visible(&mut out, c, keep);
    }
    Cow::Owned(out)
}

/// `text` for a one-line context: a name, a path, a `concise` message.
pub fn line(text: &str) -> Cow<'_, str> {
    visible(text, Keep::Nothing)
}

/// `text` for a multi-line context: a help text, a `full` message.
pub fn block(text: &str) -> Cow<'_, str> {
    visible(text, Keep::TabsAndLineFeeds)
}

/// A value whose `Display` output is made visible for one line, for `eprintln!` and
/// `writeln!` of error messages that quote paths and file contents.
pub struct Line<T>(pub T);

impl<T: fmt::Display> fmt::Display for Line<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = self.0.to_string();
        f.write_str(&line(&text))
    }
}

fn needs_escape(c: char, keep: Keep) -> bool {
    match c {
        '\t' | '\n' => keep == Keep::Nothing,
        c => is_dangerous(c),
    }
}

fn push_visible(out: &mut String, c: char, keep: Keep) {
    if !needs_escape(c, keep) {
        out.push(c);
        return;
    }
    match c {
        '\t' => out.push_str("\\t"),
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        c if (c as u32) < 0x80 => {
            let _ = write!(out, "\\x{:02x}", c as u32);
        }
        c => {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        }
    }
}

/// The length of the run of printable ASCII, tabs and line feeds at the start of `bytes`: text
/// a snippet shows as it is.
fn plain_ascii_run(bytes: &[u8]) -> usize {
    let is_plain = |b: &u8| matches!(b, b' '..=b'~' | b'\t' | b'\n');
    // Eight bytes at a time while none of them is a control character, DEL or non-ASCII (a
    // full file goes through here for every file with a finding); a word with one of those,
    // or with a tab or line feed, is looked at byte by byte.
    let mut at = 0;
    while let Some(word) = bytes.get(at..at + 8) {
        if word_may_need_a_look(u64::from_le_bytes(word.try_into().expect("eight bytes")))
            && let Some(i) = word.iter().position(|b| !is_plain(b))
        {
            return at + i;
        }
        at += 8;
    }
    at + bytes[at..].iter().position(|b| !is_plain(b)).unwrap_or(bytes.len() - at)
}

/// Whether a byte of `word` is below 0x20 (a control character, or a tab or line feed) or at
/// or above 0x7F (DEL, or part of a non-ASCII character). Never false when one is.
fn word_may_need_a_look(word: u64) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    // The classic "has a byte less than n" test (exact as a yes or no).
    let below_space = word.wrapping_sub(ONES * 0x20) & !word & HIGHS;
    // A byte whose low seven bits are all set (0x7F or 0xFF) carries into its own high bit;
    // no lane carries into the next one.
    let del = ((word & !HIGHS) + ONES) & HIGHS;
    (below_space | del | (word & HIGHS)) != 0
}

/// A source text made visible for a snippet, with a map from the original byte offsets to the
/// new ones, so that spans (labels, underlines) still point at the same characters.
///
/// Line ends stay: a line feed, and a carriage return right before one (CRLF files), are the
/// snippet's layout. Tabs stay too; the snippet renderer expands them.
#[derive(Debug)]
pub struct VisibleSource {
    /// The text to show.
    pub text: String,
    /// `(original offset, shift)` at each escaped character, ascending: an offset at or after
    /// the character moves by `shift` bytes in total.
    shifts: Vec<(usize, usize)>,
}

impl VisibleSource {
    /// Makes `text` visible.
    pub fn new(text: &str) -> Self {
        let bytes = text.as_bytes();
        let mut out = String::with_capacity(text.len());
        let mut shifts = Vec::new();
        let mut shift = 0;
        let mut at = 0;
        loop {
            // Most of a file is printable ASCII: copy such a run at once.
            let run = plain_ascii_run(&bytes[at..]);
            out.push_str(&text[at..at + run]);
            at += run;
            let Some(c) = text[at..].chars().next() else { break };
            let next = at + c.len_utf8();
            let line_end = c == '\r' && bytes.get(next) == Some(&b'\n');
            if line_end || !needs_escape(c, Keep::TabsAndLineFeeds) {
                out.push(c);
            } else {
                let before = out.len();
                push_visible(&mut out, c, Keep::TabsAndLineFeeds);
                shift += (out.len() - before) - c.len_utf8();
                // Offsets after this character (from the next one on) move by `shift`.
                shifts.push((next, shift));
            }
            at = next;
        }
        Self { text: out, shifts }
    }

    /// Where the original byte offset `offset` is in [`VisibleSource::text`].
    pub fn offset(&self, offset: usize) -> usize {
        let index = self.shifts.partition_point(|&(at, _)| at <= offset);
        offset + index.checked_sub(1).map_or(0, |i| self.shifts[i].1)
    }

    /// The original range `start..end` in [`VisibleSource::text`]: an escaped character inside
    /// or at the end of the range is covered whole.
    pub fn range(&self, start: usize, end: usize) -> (usize, usize) {
        (self.offset(start), self.offset(end))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_dangerous_class_is_visible() {
        let text = "a\x1b]52;c;aGk=\x07b\x1b[2Jc\x08d\re\x7ff\u{85}g\u{9b}h\u{202e}i\u{2066}j";
        assert_eq!(
            line(text),
            r"a\x1b]52;c;aGk=\x07b\x1b[2Jc\x08d\re\x7ff\u{85}g\u{9b}h\u{202e}i\u{2066}j"
        );
        assert!(!line(text).chars().any(is_dangerous));
    }

    /// The printable-ASCII fast path borrows exactly where the character test finds nothing
    /// to escape: every ASCII character and a few others, alone and between letters.
    #[test]
    fn the_ascii_fast_path_answers_as_the_character_test() {
        let others =
            ['\u{80}', '\u{85}', '\u{9f}', '\u{a0}', 'é', '\u{61c}', '\u{200e}', '\u{202e}'];
        for c in (0u8..0x80).map(char::from).chain(others) {
            for text in [c.to_string(), format!("ab{c}cd")] {
                for keep in [Keep::Nothing, Keep::TabsAndLineFeeds] {
                    let needed = text.chars().any(|c| needs_escape(c, keep));
                    let borrowed = matches!(visible(&text, keep), Cow::Borrowed(_));
                    assert_eq!(borrowed, !needed, "{text:?} {keep:?}");
                }
            }
        }
    }

    #[test]
    fn blocks_keep_tabs_and_line_feeds_lines_do_not() {
        assert_eq!(block("a\tb\nc\r\n"), "a\tb\nc\\r\n");
        assert_eq!(line("a\tb\nc"), "a\\tb\\nc");
        assert!(matches!(line("plain ünïcode ✓"), Cow::Borrowed(_)));
    }

    #[test]
    fn display_wrapper_escapes_what_it_wraps() {
        assert_eq!(Line("x\x1b[31my").to_string(), "x\\x1b[31my");
    }

    #[test]
    fn source_offsets_follow_the_escapes() {
        let text = "ab\x1bcd\u{202e}ef\r\ng\rh\n";
        let v = VisibleSource::new(text);
        assert_eq!(v.text, "ab\\x1bcd\\u{202e}ef\r\ng\\rh\n");
        // Every original character start maps onto the same character (or its escape).
        for (at, c) in text.char_indices() {
            let mapped = v.offset(at);
            let shown = &v.text[mapped..];
            if needs_escape(c, Keep::TabsAndLineFeeds)
                && !(c == '\r' && text[at..].starts_with("\r\n"))
            {
                assert!(shown.starts_with('\\'), "{at}: {shown:?}");
            } else {
                assert!(shown.starts_with(c), "{at}: {shown:?}");
            }
        }
        assert_eq!(v.offset(text.len()), v.text.len());
        assert_eq!(v.range(2, 3), (2, 6));
    }
    /// The character-by-character definition that [`VisibleSource::new`] speeds up.
    fn visible_source_by_chars(text: &str) -> (String, Vec<(usize, usize)>) {
        let (mut out, mut shifts, mut shift) = (String::new(), Vec::new(), 0);
        let mut chars = text.char_indices().peekable();
        while let Some((at, c)) = chars.next() {
            let line_end = c == '\r' && chars.peek().is_some_and(|&(_, next)| next == '\n');
            if line_end || !needs_escape(c, Keep::TabsAndLineFeeds) {
                out.push(c);
                continue;
            }
            let before = out.len();
            push_visible(&mut out, c, Keep::TabsAndLineFeeds);
            shift += (out.len() - before) - c.len_utf8();
            shifts.push((at + c.len_utf8(), shift));
        }
        (out, shifts)
    }

    #[test]
    fn plain_runs_by_words_end_where_byte_by_byte_they_would() {
        let naive =
            |bytes: &[u8]| bytes.iter().position(|&b| !matches!(b, b' '..=b'~' | b'\t' | b'\n'));
        for len in [0, 1, 7, 8, 9, 16, 23, 24] {
            let mut bytes: Vec<u8> = (0..len).map(|i| b"user_pref(\"a\t\n~ \")"[i % 18]).collect();
            assert_eq!(plain_ascii_run(&bytes), naive(&bytes).unwrap_or(len), "{bytes:?}");
            for at in 0..len {
                for byte in 0..=u8::MAX {
                    let kept = std::mem::replace(&mut bytes[at], byte);
                    let expected = naive(&bytes).unwrap_or(len);
                    assert_eq!(plain_ascii_run(&bytes), expected, "{byte:#x} at {at} of {len}");
                    bytes[at] = kept;
                }
            }
        }
    }

    #[test]
    fn runs_of_plain_text_are_copied_as_the_characters_would_be() {
        let pieces =
            ["a", "é", "\t", "\n", "\r", "\r\n", "\x1b", "\u{85}", "\u{202e}", "~", "\x7f"];
        for a in pieces {
            for b in pieces {
                for c in pieces {
                    let text = format!("{a}xy{b}{c}z{a}");
                    let v = VisibleSource::new(&text);
                    assert_eq!((v.text, v.shifts), visible_source_by_chars(&text), "{text:?}");
                }
            }
        }
    }
}
