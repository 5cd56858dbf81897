//! The secret sweep: credentials in prefs.js and user.js raw text, parsed or not.
//!
//! The account model records the `.password` prefs of servers it assembles, but a credential
//! is in the file whether or not its statement parses or belongs to a server: a string left
//! unterminated (the prefs lexer reads it to the next quote, across lines), an LDAP
//! directory's or another component's password pref (`ldap_2.servers.NAME.auth.password`,
//! Netscape-era `…passwd`), a URL with a password in any string value. The sweep reads every
//! `pref(` / `user_pref(` / `sticky_pref(` statement lexically (thunderbird.md section 2: the
//! three specifiers, strings quoted with `"` or `'`, `\` escapes) and records:
//!
//! - the string value of a pref whose name is a credential
//!   ([`maillint_core::secrets::is_credential_name`]: last word `password`, `passwd`, …), up to
//!   its closing quote or, unterminated, to the end of the file, as the lexer reads it;
//! - the password of a URL inside any string value (RFC 3986 userinfo).

use std::ops::Range;

use memchr::memmem;

use maillint_core::secrets::{is_credential_name, url_password_ranges};
use maillint_core::{Sources, Span};

use crate::prefs::skip_plain_string_bytes;

/// The secret spans of every file of `sources` (files a fix would create excepted).
pub(crate) fn sweep(sources: &Sources) -> Vec<Span> {
    let mut spans = Vec::new();
    for (file, source) in sources.iter().filter(|(_, s)| !s.is_new()) {
        let found = sweep_text(source.text());
        spans.extend(found.into_iter().map(|r| Span::new(file, r.start, r.end)));
    }
    spans
}

/// The secret ranges of one file's text.
///
/// Every `pref` is a candidate (a profile has one per line), so the loop does little per
/// statement: the specifier and the quotes are found with memchr, and a value is searched for
/// a URL password only when one of the text's `://` (found in one pass up front, a handful
/// per profile) lies inside it.
fn sweep_text(text: &str) -> Vec<Range<usize>> {
    let bytes = text.as_bytes();
    let mut urls = memmem::find_iter(bytes, b"://").peekable();
    let mut found = Vec::new();
    let mut from = 0;
    let pref = memmem::Finder::new(b"pref");
    while let Some(at) = pref.find(&bytes[from..]) {
        let after = from + at + "pref".len();
        from = after;
        let open = skip_blanks(text, after);
        if !text[open..].starts_with('(') {
            continue;
        }
        let Some(name) = string_at(text, skip_blanks(text, open + 1)) else { continue };
        if name.end >= text.len() {
            break; // the name itself runs to the end: no value follows
        }
        let comma = skip_blanks(text, name.end + 1);
        if !text[comma..].starts_with(',') {
            continue;
        }
        let Some(value) = string_at(text, skip_blanks(text, comma + 1)) else { continue };
        if is_credential_name(&text[name.clone()]) {
            found.push(value.clone());
        } else {
            // Values come in text order, so the `://` before this one are passed for good.
            while urls.next_if(|&url| url < value.start).is_some() {}
            if urls.peek().is_some_and(|&url| url + 3 <= value.end) {
                let shift = |r: Range<usize>| value.start + r.start..value.start + r.end;
                found.extend(url_password_ranges(&text[value.clone()]).into_iter().map(shift));
            }
        }
        from = from.max(value.end);
    }
    found.retain(|r| !r.is_empty());
    found
}

fn skip_blanks(text: &str, at: usize) -> usize {
    at + text[at..].len() - text[at..].trim_start().len()
}

/// The inside of the string literal that starts at `at` (quoted with `"` or `'`, `\` escapes
/// the next character): to its closing quote, or unterminated to the end of the text.
fn string_at(text: &str, at: usize) -> Option<Range<usize>> {
    let quote = *text.as_bytes().get(at).filter(|&&b| b == b'"' || b == b'\'')?;
    let bytes = text.as_bytes();
    let mut i = at + 1;
    // The lexer's word-at-a-time scan: escaped strings (JSON in a string) have a backslash
    // every few bytes. It also stops at control characters, which are plain here.
    while i < bytes.len() {
        i = skip_plain_string_bytes(bytes, i, bytes.len(), quote);
        match bytes.get(i) {
            Some(&b) if b == quote => return Some(at + 1..i),
            Some(b'\\') => i += 2,
            _ => i += 1,
        }
    }
    Some(at + 1..text.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn swept(text: &str) -> Vec<&str> {
        sweep_text(text).into_iter().map(|r| &text[r]).collect()
    }

    #[test]
    fn credential_prefs_of_any_component() {
        assert_eq!(swept("user_pref(\"mail.server.server1.password\", \"p1\");"), ["p1"]);
        assert_eq!(swept("user_pref('mail.smtpserver.smtp1.passwd', 'p\\'2');"), ["p\\'2"]);
        assert_eq!(swept("pref(\"ldap_2.servers.corp.auth.password\", \"p3\");"), ["p3"]);
        assert!(swept("user_pref(\"mail.server.server1.hostname\", \"host\");").is_empty());
        assert!(swept("user_pref(\"signon.rememberSignons\", false);").is_empty());
    }

    #[test]
    fn an_unterminated_string_runs_to_the_next_quote_or_the_end() {
        let text = "user_pref(\"mail.server.server1.password\", \"p4);\nuser_pref(\"x\", 1);\n";
        assert_eq!(swept(text), ["p4);\nuser_pref("]);
        assert_eq!(swept("user_pref(\"mail.server.s.password\", \"p5"), ["p5"]);
        // Found by mutate_fuzz: a name left unterminated at the end of the file.
        assert!(swept("user_pref(\"mail.server.s.password").is_empty());
    }

    #[test]
    fn url_passwords_in_any_string() {
        let text = "user_pref(\"ldap_2.servers.corp.uri\", \"ldap://cn=me:p6@ldap.example.com/\");";
        assert_eq!(swept(text), ["p6"]);
        // Only a URL inside a string value counts; one in a comment between values does not.
        let text = "user_pref(\"a\", \"x\"); // http://u:p@h/\nuser_pref(\"b\", \"imap://u:p7@h/\");\n\
                    user_pref(\"c\", \"//\\\"://\"); user_pref(\"d\", 'ldap://u:p8@h');";
        assert_eq!(swept(text), ["p7", "p8"]);
    }
    /// The definition `string_at` speeds up: the next quote or backslash, a backslash
    /// escaping the byte after it.
    fn string_at_by_memchr(text: &str, at: usize) -> Option<Range<usize>> {
        let quote = *text.as_bytes().get(at).filter(|&&b| b == b'"' || b == b'\'')?;
        let bytes = text.as_bytes();
        let mut i = at + 1;
        while let Some(stop) = bytes.get(i..).and_then(|rest| memchr::memchr2(quote, b'\\', rest)) {
            if bytes[i + stop] == quote {
                return Some(at + 1..i + stop);
            }
            i += stop + 2;
        }
        Some(at + 1..text.len())
    }

    #[test]
    fn strings_end_where_the_backslash_rule_says_at_any_alignment() {
        let pieces = ["a", "\"", "'", "\\", "\n", "\t", "\0", "é", "0123456789"];
        for a in pieces {
            for b in pieces {
                for c in pieces {
                    for quote in ["\"", "'"] {
                        let text = format!("{quote}{a}{b}xy{c}{a}z{b}");
                        for at in 0..text.len() {
                            assert_eq!(
                                string_at(&text, at),
                                string_at_by_memchr(&text, at),
                                "{text:?} {at}"
                            );
                        }
                    }
                }
            }
        }
    }
}
