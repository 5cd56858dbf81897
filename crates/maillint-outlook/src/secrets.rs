//! The secret sweep: credentials in Outlook files' raw text, parsed or not.
//!
//! The parsers record the password values they read, but a credential is in the file whether
//! or not its value parses (a `.reg` password with bad hex, an account without a server
//! value) or has a name the account model reads (`IMAP Password2`, `POP3 Password2`, which
//! Outlook writes beside `IMAP Password`). The sweep reads the raw text and records:
//!
//! - in `.reg` exports and PRF files, the data of every `name=data` line whose name (quotes
//!   dropped) ends in `password` or is a credential name, trailing digits ignored
//!   ([`maillint_core::secrets::is_credential_name`]), with the `\` continuation lines of a
//!   `.reg` value (outlook.md 2.2: password values are DPAPI blobs, secret in an export; 1.x:
//!   PRF `Password=` keys of service sections);
//! - in Autodiscover XML, the content of every `<Password>` element, to its end tag or, if it
//!   has none, to the end of the file (the `POX` schema's `Protocol/Password`, which some
//!   servers fill in);
//! - the password of any URL (RFC 3986 userinfo).

use std::ops::Range;

use maillint_core::secrets::{is_credential_name, url_password_ranges};
use maillint_core::{FileId, ParsedUnit, Span};

/// Adds the secrets the sweep finds in `text` (the file `file`) to `unit`.
pub(crate) fn add_swept(unit: &mut ParsedUnit, file: FileId, text: &str) {
    for range in sweep_text(text) {
        let span = Span::new(file, range.start, range.end);
        if !unit.secrets.contains(&span) {
            unit.secrets.push(span);
        }
    }
}

/// Whether a value or key named `name` holds a password: a credential name with trailing
/// digits ignored (`IMAP Password2`), not `RememberPassword`, whose last word is longer.
pub(crate) fn is_password_name(name: &str) -> bool {
    is_credential_name(name.trim_end_matches(|c: char| c.is_ascii_digit()))
}

fn sweep_text(text: &str) -> Vec<Range<usize>> {
    let mut found = assignments(text);
    found.extend(password_elements(text));
    found.extend(url_password_ranges(text));
    found.retain(|r| !r.is_empty());
    found
}

/// The data of `name=data` lines with a password name, continuation lines included.
///
/// The search goes from `=` to `=` (memchr), and only the line of each `=`, and the lines a
/// password value's `\` continuations join to it, are cut out: a `.reg` export's lines are
/// mostly hex continuations without a `=`, and finding every line end and then each line's
/// `=` (two searches a line) cost 1.8 M instructions for the 22 exports of the bench tree.
fn assignments(text: &str) -> Vec<Range<usize>> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    // A line start, after every continuation of a password value before it.
    let mut from = 0;
    while let Some(offset) = memchr::memchr(b'=', &bytes[from..]) {
        let eq_at = from + offset;
        let start = memchr::memrchr(b'\n', &bytes[from..eq_at]).map_or(from, |i| from + i + 1);
        let next = line_after(bytes, eq_at);
        let line = &text[start..next];
        let eq = eq_at - start;
        let name = line[..eq].trim().trim_matches('"');
        // A PRF's mapping sections say which MAPI property a key is (`PT_STRING8,0x6703`).
        let is_mapping = line[eq + 1..].trim_start().starts_with("PT_");
        from = next;
        if !is_password_name(name) || is_mapping {
            continue;
        }
        let data = start + eq + 1 + type_prefix_len(&line[eq + 1..]);
        let mut line_start = start;
        loop {
            let end = line_start + text[line_start..from].trim_end_matches(['\r', '\n']).len();
            if !text[line_start..end].trim_end().ends_with('\\') {
                found.push(data..end);
                break;
            }
            if from == text.len() {
                found.push(data..text.len());
                break;
            }
            line_start = from;
            from = line_after(bytes, from);
        }
    }
    found
}

/// Where the line holding `at` ends, its `\n` included (the text's end for the last line).
fn line_after(bytes: &[u8], at: usize) -> usize {
    memchr::memchr(b'\n', &bytes[at..]).map_or(bytes.len(), |i| at + i + 1)
}

/// The length of a `.reg` data type prefix (`hex:`, `hex(2):`, `dword:`), which is not secret.
fn type_prefix_len(data: &str) -> usize {
    let lower = data.get(..10).unwrap_or(data).to_ascii_lowercase();
    if !(lower.starts_with("hex") || lower.starts_with("dword:")) {
        return 0;
    }
    lower.find(':').map_or(0, |i| i + 1)
}

/// The content of every `<Password>` element (tag name case ignored).
///
/// The tag is looked for at each `<` and compared without regard to case, where a lowercased
/// copy of the whole file was searched before (a `.reg` export has next to no `<`). Every
/// offset is the same in both: ASCII case changes no byte's length.
fn password_elements(text: &str) -> Vec<Range<usize>> {
    const OPEN: &str = "<password";
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(tag) = find_ignoring_case(text, from, OPEN) {
        let Some(close) = text[tag..].find('>').map(|i| tag + i) else { break };
        from = close + 1;
        if text[tag + OPEN.len()..close].starts_with(|c: char| c.is_alphanumeric()) {
            continue; // `<PasswordPolicy>` and the like
        }
        if text[..close].ends_with('/') {
            continue; // `<Password/>`
        }
        let end = find_ignoring_case(text, from, "</password").unwrap_or(text.len());
        found.push(from..end);
        from = end;
    }
    found
}

/// Where `needle` (ASCII, starting with `<`) first occurs in `text` at or after `from`,
/// ASCII case ignored.
fn find_ignoring_case(text: &str, from: usize, needle: &str) -> Option<usize> {
    let (bytes, needle) = (text.as_bytes(), needle.as_bytes());
    let mut at = from;
    // memchr for the `<`: a `.reg` export has next to none, and a byte loop over its whole
    // text was a third of the sweep (2 M instructions of a scan of 100 bench homes).
    while let Some(offset) = memchr::memchr(needle[0], &bytes[at..]) {
        let start = at + offset;
        if bytes.get(start..start + needle.len()).is_some_and(|b| b.eq_ignore_ascii_case(needle)) {
            return Some(start);
        }
        at = start + 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn swept(text: &str) -> Vec<&str> {
        sweep_text(text).into_iter().map(|r| &text[r]).collect()
    }

    #[test]
    fn reg_password_values_with_bad_hex_and_numbered_names() {
        assert_eq!(swept("\"IMAP Password\"=hex:02,zz,bb\r\n\"X\"=dword:1\r\n"), ["02,zz,bb"]);
        assert_eq!(
            swept("\"POP3 Password2\"=hex:02,aa,\\\r\n  bb,cc\r\n\"X\"=dword:1\r\n"),
            ["02,aa,\\\r\n  bb,cc"]
        );
        assert_eq!(swept("[Service1]\nPassword=pst-secret\nName=x\n"), ["pst-secret"]);
        assert!(swept("Password=PT_STRING8,0x6703\nRememberPassword=TRUE\n").is_empty());
        assert!(swept("\"IMAP Server\"=hex:69,00\r\n").is_empty());
    }

    /// [`assignments`] as it was written with `str`'s own line and `=` searches.
    fn assignments_by_str(text: &str) -> Vec<Range<usize>> {
        let mut found = Vec::new();
        let mut start = 0;
        let mut open: Option<usize> = None;
        for line in text.split_inclusive('\n') {
            let end = start + line.trim_end_matches(['\r', '\n']).len();
            let continued = text[start..end].trim_end().ends_with('\\');
            if let Some(from) = open {
                if !continued {
                    found.push(from..end);
                    open = None;
                }
            } else if let Some(eq) = line.find('=') {
                let name = line[..eq].trim().trim_matches('"');
                let is_mapping = line[eq + 1..].trim_start().starts_with("PT_");
                if is_password_name(name) && !is_mapping {
                    let data = start + eq + 1 + type_prefix_len(&line[eq + 1..]);
                    if continued {
                        open = Some(data);
                    } else {
                        found.push(data..end);
                    }
                }
            }
            start += line.len();
        }
        if let Some(from) = open {
            found.push(from..text.len());
        }
        found
    }

    /// Every join of up to four pieces (passwords, continuations, line ends of every kind,
    /// a missing last line end, non-ASCII), and the corpus's `.reg` exports.
    #[test]
    fn assignments_by_memchr_as_by_str() {
        let pieces = [
            "\"IMAP Password\"=hex:02,aa,\\",
            "\r\n",
            "\n",
            "\r",
            "  bb,cc",
            "Password=pst",
            "Password=PT_STRING8",
            "Password=",
            "é=x",
            "\\ ",
            "=",
            "",
        ];
        for a in pieces {
            for b in pieces {
                for c in pieces {
                    for d in pieces {
                        let text = format!("{a}{b}{c}{d}");
                        assert_eq!(assignments(&text), assignments_by_str(&text), "{text:?}");
                    }
                }
            }
        }
        let corpus =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus");
        if !corpus.is_dir() {
            return maillint_core::testing::skip("the corpus is missing");
        }
        let entries = std::fs::read_dir(corpus.join("outlook_reg")).unwrap();
        for path in entries.map(|entry| entry.unwrap().path()) {
            let file = maillint_core::SourceFile::from_vec(&path, std::fs::read(&path).unwrap());
            let text = file.text();
            assert_eq!(assignments(text), assignments_by_str(text), "{}", path.display());
        }
    }

    #[test]
    fn autodiscover_password_elements() {
        let xml = "<Protocol><Type>IMAP</Type><Password>s3cret</Password><PasswordPolicy>x</PasswordPolicy><Password/></Protocol>";
        assert_eq!(swept(xml), ["s3cret"]);
        assert_eq!(swept("<Protocol><password>open-ended"), ["open-ended"]);
        assert_eq!(swept("<PASSWORD>Up</pAsSwOrD><passwordé>no</passwordé>"), ["Up"]);
        assert_eq!(swept("<x><password attr='1'>v</password ><pass<password>w"), ["v", "w"]);
        assert!(swept("<password").is_empty());
    }
}
