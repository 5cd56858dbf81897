//! Path expansion: `~`, mailbox shortcuts (`=`, `+`, `!`, `<`, `>`, ...) and the IMAP
//! canonical form, as NeoMutt's `mutt_buffer_expand_path` does it.

use std::borrow::Cow;

use crate::text::{SpannedText, UnknownKind};
use crate::url;
use crate::vars::Known;

use super::Interpreter;

/// The variables path expansion reads, looked up once: it runs for every path value and
/// mailbox, and a lookup by name hashes the name.
pub(super) static FOLDER: Known = Known::new("folder");
static MBOX: Known = Known::new("mbox");
static RECORD: Known = Known::new("record");
static SPOOL_FILE: Known = Known::new("spool_file");
static IMAP_DELIM_CHARS: Known = Known::new("imap_delim_chars");

impl Interpreter<'_> {
    fn home_text(&self, origin: &SpannedText, range: std::ops::Range<usize>) -> SpannedText {
        let mut out = SpannedText::new();
        match self.state.home() {
            Some(home) => out.push_mapped_from(home, origin, range),
            None => out.push_unknown("~", UnknownKind::Home, origin.source_span(range)),
        }
        out
    }

    /// `mutt_path_tilde`: `~` and `~/…` become the home folder.
    pub(super) fn expand_tilde(&self, value: &SpannedText) -> SpannedText {
        let text = value.as_str();
        if text == "~" || text.starts_with("~/") {
            let mut out = self.home_text(value, 0..1);
            out.push_slice(value, 1..text.len());
            return out;
        }
        if text.starts_with('~') {
            return unknown_user_home(value);
        }
        value.clone()
    }

    /// NeoMutt `mutt_buffer_expand_path`: mailbox shortcuts, then IMAP canonical form.
    pub(crate) fn expand_path(&mut self, value: &SpannedText) -> SpannedText {
        let text = value.as_str();
        let len = text.len();
        let empty = SpannedText::new();
        // Which variable a shortcut reads: noted for the journal first (see `journal`).
        let reads = match text.as_bytes().first() {
            Some(b'=' | b'+') => Some(&FOLDER),
            Some(b'>') => Some(&MBOX),
            Some(b'<') => Some(&RECORD),
            Some(b'!') if text.as_bytes().get(1) != Some(&b'!') => Some(&SPOOL_FILE),
            _ => None,
        };
        if let Some(known) = reads {
            self.note_read_known(known);
        }
        self.note_read_known(&IMAP_DELIM_CHARS);
        let texts = |known: &Known| self.state.text_known(known);
        let mut out = SpannedText::new();
        match text.as_bytes().first() {
            Some(b'~') if len == 1 || text.as_bytes()[1] == b'/' => {
                out = self.home_text(value, 0..1);
                out.push_slice(value, 1..len);
            }
            Some(b'~') => out = unknown_user_home(value),
            Some(b'=' | b'+') => {
                let folder = texts(&FOLDER);
                let folder = or_empty(&folder, &empty);
                let f = folder.as_str();
                out = folder.copy_with_room(len);
                let keep = (is_imap(f) && (f.ends_with('}') || f.ends_with('/')))
                    || (!f.is_empty() && f.ends_with('/'));
                if !keep {
                    out.push_synth("/");
                }
                out.mark_seam();
                out.push_slice(value, 1..len);
            }
            Some(b'@') => {
                out.push_unknown(
                    text,
                    UnknownKind::MachineDefault("aliases and save-hooks".to_owned()),
                    value.source_span(0..len),
                );
            }
            Some(b'>') => {
                let text = texts(&MBOX);
                out.push_text(or_empty(&text, &empty));
                out.mark_seam();
                out.push_slice(value, 1..len);
            }
            Some(b'<') => {
                let text = texts(&RECORD);
                out.push_text(or_empty(&text, &empty));
                out.mark_seam();
                out.push_slice(value, 1..len);
            }
            Some(b'!') if text.as_bytes().get(1) == Some(&b'!') => {
                // The previous folder: none while the configuration is read.
                out.push_slice(value, 2..len);
            }
            Some(b'!') => {
                let text = texts(&SPOOL_FILE);
                out.push_text(or_empty(&text, &empty));
                out.mark_seam();
                out.push_slice(value, 1..len);
            }
            Some(b'-' | b'^') => {
                // The previous and the current folder: none while the configuration is read.
                out.push_slice(value, 1..len);
            }
            _ => out = value.clone(),
        }
        if is_imap(out.as_str()) {
            let delims = texts(&IMAP_DELIM_CHARS);
            let delims = or_empty(&delims, &empty);
            let delims = if delims.is_known() { delims.as_str() } else { "/." };
            // After a shortcut, the folder may be one whose expansions are canonical already
            // (see `prefix`).
            let tail = matches!(text.as_bytes().first(), Some(b'=' | b'+')).then(|| &text[1..]);
            if let Some(tail) = tail
                && self.prefix_keeps(tail, &out, delims)
            {
                return out;
            }
            if let Some(canonical) = url::imap_canonical(&out, delims) {
                if let Some(tail) = tail
                    && canonical == out
                {
                    self.remember_prefix(tail, &out);
                }
                return canonical;
            }
        }
        out
    }
}

/// A variable's text, or `empty` for a name that is no variable.
fn or_empty<'a>(text: &'a Option<Cow<'_, SpannedText>>, empty: &'a SpannedText) -> &'a SpannedText {
    text.as_deref().unwrap_or(empty)
}

/// Whether a mailbox is an IMAP URL (NeoMutt `imap_path_probe`, case-insensitive).
pub(crate) fn is_imap(text: &str) -> bool {
    // The first eight bytes as one word, the letters' case bit set: asked of every expanded
    // path, mailbox and source path (~6,000 times in the bench), the two byte-by-byte
    // case-blind comparisons cost ~80 instructions a call. `b | 0x20` equals a lower-case
    // letter only for that letter in either case; `:` and `/` are compared as they are.
    if let Some(head) = text.as_bytes().first_chunk::<8>() {
        const IMAPS: u64 = u64::from_le_bytes(*b"imaps://");
        const IMAP: u64 = u64::from_le_bytes(*b"imap://\0");
        const CASE_IMAPS: u64 = u64::from_le_bytes([0x20, 0x20, 0x20, 0x20, 0x20, 0, 0, 0]);
        const CASE_IMAP: u64 = u64::from_le_bytes([0x20, 0x20, 0x20, 0x20, 0, 0, 0, 0]);
        const SEVEN_BYTES: u64 = u64::from_le_bytes([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0]);
        let word = u64::from_le_bytes(*head);
        return word | CASE_IMAPS == IMAPS || (word | CASE_IMAP) & SEVEN_BYTES == IMAP;
    }
    is_imap_bytewise(text)
}

/// [`is_imap`] byte by byte (a text shorter than eight bytes; the tests compare both).
fn is_imap_bytewise(text: &str) -> bool {
    // Compared in place: asked of every expanded path and mailbox, a lower-cased copy of the
    // prefix was an allocation each time.
    let starts = |scheme: &str| {
        text.as_bytes()
            .get(..scheme.len())
            .is_some_and(|p| p.eq_ignore_ascii_case(scheme.as_bytes()))
    };
    starts("imap://") || starts("imaps://")
}

/// `~user/...`: the user's home from the password database, which maillint does not read.
fn unknown_user_home(value: &SpannedText) -> SpannedText {
    let text = value.as_str();
    let end = text.find('/').unwrap_or(text.len());
    let mut out = SpannedText::new();
    out.push_unknown(
        &text[..end],
        UnknownKind::MachineDefault("the password database (`~user`)".to_owned()),
        value.source_span(0..end),
    );
    out.push_slice(value, end..text.len());
    out
}

#[cfg(test)]
mod tests {
    use super::{FOLDER, IMAP_DELIM_CHARS, MBOX, RECORD, SPOOL_FILE, is_imap};

    #[test]
    fn the_variables_expansion_reads_are_neomutt_variables() {
        for known in [&FOLDER, &MBOX, &RECORD, &SPOOL_FILE, &IMAP_DELIM_CHARS] {
            assert_eq!(known.def().map(|d| d.name), Some(known.name));
        }
    }

    #[test]
    fn imap_urls_are_recognised_in_any_ascii_case_and_nothing_else() {
        // What the lower-cased copy of the first eight bytes said.
        let old = |text: &str| {
            let lower = text.get(..8).unwrap_or(text).to_ascii_lowercase();
            lower.starts_with("imap://") || lower.starts_with("imaps://")
        };
        let cases = [
            "imap://h",
            "IMAPS://h/INBOX",
            "ImAp://",
            "imaps:/",
            "imap:",
            "",
            "imap",
            "imapx://h",
            "pop://h",
            "imaps://\u{e9}",
            "imap\u{e9}://",
            "\u{130}map://",
            "imaps:///",
        ];
        for text in cases {
            assert_eq!(is_imap(text), old(text), "{text:?}");
        }
        // Every ASCII character and a few others in every place of an IMAP URL's start.
        let others = (0..128u8).map(char::from).chain(['\u{e9}', '\u{130}', '\u{212a}']);
        let others: Vec<char> = others.collect();
        let mut imap = 0;
        for base in ["imaps://h/x", "imap://h/x", "IMAP://"] {
            let chars: Vec<char> = base.chars().collect();
            for at in 0..chars.len() {
                for &other in &others {
                    let mut text = chars.clone();
                    text[at] = other;
                    let text: String = text.into_iter().collect();
                    for end in (0..=text.len()).filter(|&e| text.is_char_boundary(e)) {
                        assert_eq!(is_imap(&text[..end]), old(&text[..end]), "{text:?}");
                        imap += usize::from(is_imap(&text[..end]));
                    }
                }
            }
        }
        assert!(imap > 1000, "{imap}");
        assert!(is_imap("IMAPS://h") && !is_imap("imap:/h"));
    }
}
