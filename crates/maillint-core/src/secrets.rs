//! Where credentials sit in raw text, for the parsers' secret sweeps.
//!
//! A parser records the span of every secret it interprets, but a secret also sits where the
//! parser does not interpret: after mutt's `finish`, inside an `ifdef` whose symbol is unknown,
//! in a macro or hook body, in a statement that does not parse. Every such byte is still in
//! the file, and so in a snippet, a parse error or a diff. Each parser therefore also sweeps
//! its raw text with these conservative helpers and records what they find as secret spans: a
//! sweep may mask a little more than the secret, never less.

use std::ops::Range;

use crate::parser::HeadNeedle;

/// The last words of setting names that hold a credential (`imap_pass`, `smtp_pass`,
/// `mail.server.server1.password`, Netscape's `…passwd`, `IMAP Password2`, `auth.password`).
const CREDENTIAL_WORDS: &[&str] =
    &["pass", "passwd", "password", "pwd", "passphrase", "secret", "token"];

/// Whether a setting named `name` holds a credential: its last word (after the last `.`, `_`,
/// `-` or space, with trailing digits dropped, case ignored) is a credential word.
pub fn is_credential_name(name: &str) -> bool {
    // Bytes, not chars: the separators and digits are ASCII, and a profile asks this of every
    // string pref (a `char` pattern split cost ~200 instructions a call).
    let bytes = name.as_bytes();
    let last = match bytes.iter().rposition(|b| matches!(b, b'.' | b'_' | b'-' | b' ')) {
        Some(separator) => &bytes[separator + 1..],
        None => bytes,
    };
    let digits = last.iter().rev().take_while(|b| b.is_ascii_digit()).count();
    let word = &last[..last.len() - digits];
    CREDENTIAL_WORDS.iter().any(|w| word.eq_ignore_ascii_case(w.as_bytes()))
}

/// The last three letters of each of [`CREDENTIAL_WORDS`], lower case, taken from the words
/// when compiling (each has three at least), so that the quick test below never falls out of
/// step with the list.
const CREDENTIAL_TAILS: [[u8; 3]; CREDENTIAL_WORDS.len()] = {
    let mut tails = [[0u8; 3]; CREDENTIAL_WORDS.len()];
    let mut i = 0;
    while i < tails.len() {
        let word = CREDENTIAL_WORDS[i].as_bytes();
        assert!(word.len() >= 3, "a credential word has three letters at least");
        let mut k = 0;
        while k < 3 {
            tails[i][k] = word[word.len() - 3 + k].to_ascii_lowercase();
            k += 1;
        }
        i += 1;
    }
    tails
};

/// Whether `name` may be a credential name: false only when [`is_credential_name`] is false.
/// A credential name's last word, trailing digits dropped, is a credential word, so the name
/// without its trailing digits ends with that word's last three letters (case ignored). A
/// sweep that asks of every value's name (a profile's 300 string prefs) tests this first: the
/// full test cost 122 instructions a name (3.8 M for 30,866 string prefs of 100 bench homes).
#[inline]
pub fn may_be_credential_name(name: &[u8]) -> bool {
    let mut end = name.len();
    while end > 0 && name[end - 1].is_ascii_digit() {
        end -= 1;
    }
    let Some(tail) = name.get(end.wrapping_sub(3)..end) else { return false };
    // `| 0x20` lower-cases a letter and makes no other byte a letter.
    let tail = [tail[0] | 0x20, tail[1] | 0x20, tail[2] | 0x20];
    CREDENTIAL_TAILS.contains(&tail)
}

/// The byte ranges of URL passwords in `text`: for every `scheme://`, the userinfo's password
/// as RFC 3986 section 3.2.1 splits it (everything after the first `:` up to the last `@` before
/// the host). The authority is read leniently (up to white space, a quote, a backtick or `<`),
/// because a password with `:`, `?` or `/` is not a valid URL to the client, yet it is still a
/// password in the file. A path that holds an `@` makes the range longer, never shorter.
pub fn url_password_ranges(text: &str) -> Vec<Range<usize>> {
    let mut found = Vec::new();
    // memchr's vectorised search: `str::find` with a string pattern (Two-Way, a byte at a
    // time) was 1.5–2.4% of a mutt parse, which sweeps every file that holds a `://`. Its
    // searcher is built once: building it on every call (the Thunderbird sweep calls this for
    // each value holding a `://`, some 30 per profile) cost about 1,500 instructions a call,
    // 4.8 M of a scan of 100 bench homes.
    static SCHEME_END: HeadNeedle = HeadNeedle::new("://");
    let mut from = 0;
    while let Some(at) = SCHEME_END.find(&text.as_bytes()[from..]) {
        let start = from + at + 3;
        let end = url_end(text, start);
        let authority = &text[start..end];
        // `://]` closes an optional part of a syntax description, as in mutt's sample
        // configuration `[pop[s]://][username[:password]@]server`: no URL, no password.
        let describes_syntax = authority.starts_with(']');
        if !describes_syntax
            && let Some(last_at) = authority.rfind('@')
            && let Some(colon) = authority[..last_at].find(':')
            && colon + 1 < last_at
        {
            found.push(start + colon + 1..start + last_at);
        }
        // A URL inside this authority (a redirect in a query) is covered by this range
        // already; going on from `end` keeps the sweep linear.
        from = end.max(start);
    }
    found
}

/// Where the URL whose authority starts at `start` ends: at the first whitespace character
/// or `"`, `'`, `` ` ``, `<`, `>`, else at the end of `text`.
///
/// Byte by byte, decoding a character only where a byte is not ASCII: a `char` search with a
/// closure decoded every character and searched the five delimiters for each (about 50
/// instructions a character, 3 M of a scan of 100 bench homes).
fn url_end(text: &str, start: usize) -> usize {
    let bytes = text.as_bytes();
    let mut at = start;
    while let Some(&byte) = bytes.get(at) {
        if byte.is_ascii() {
            if matches!(
                byte,
                b'\t' | b'\n' | 0x0B | 0x0C | b'\r' | b' ' | b'"' | b'\'' | b'`' | b'<' | b'>'
            ) {
                return at;
            }
            at += 1;
        } else {
            let c = text[at..].chars().next().unwrap_or_default();
            if c.is_whitespace() {
                return at;
            }
            at += c.len_utf8();
        }
    }
    text.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every credential name passes [`may_be_credential_name`]: names joined from the
    /// credential words (as listed, upper case, capitalised), near misses, separators, digits
    /// and other text. A word added to the list is among the pieces, so the quick test cannot
    /// fall out of step with it.
    #[test]
    fn credential_names_pass_the_tail_check() {
        let mut pieces: Vec<String> = Vec::new();
        for word in CREDENTIAL_WORDS {
            let capitalised = word[..1].to_ascii_uppercase() + &word[1..];
            pieces.extend([word.to_string(), word.to_ascii_uppercase(), capitalised]);
            pieces.push(word[1..].to_string());
        }
        for other in
            ["word", ".", "_", "-", " ", "1", "42", "x", "é", "mail.server.server1.", "auth"]
        {
            pieces.push(other.to_owned());
        }
        let mut passed = 0;
        let mut state = 0x0bad_5eed_1234_5678_u64;
        let mut next = || crate::testing::xorshift(&mut state);
        for round in 0..50_000 {
            let mut name = String::new();
            for _ in 0..(round % 6) {
                name.push_str(&pieces[(next() % pieces.len() as u64) as usize]);
            }
            if is_credential_name(&name) {
                assert!(may_be_credential_name(name.as_bytes()), "{name:?}");
                passed += 1;
            }
        }
        assert!(passed > 1000, "only {passed} credential names generated");
        assert!(!may_be_credential_name(b"mail.server.server1.hostname"));
        assert!(!may_be_credential_name(b"ss1"));
    }

    /// The definition [`url_end`] speeds up.
    fn url_end_by_chars(text: &str, start: usize) -> usize {
        text[start..]
            .find(|c: char| c.is_whitespace() || "\"'`<>".contains(c))
            .map_or(text.len(), |i| start + i)
    }

    #[test]
    fn url_end_byte_wise_as_by_chars() {
        let parts = [
            "",
            "a",
            "é",
            "\u{85}",
            "\u{a0}",
            "\u{2028}",
            "\u{3000}",
            "\u{200b}",
            " ",
            "\t",
            "\u{b}",
            "\u{c}",
            "\r\n",
            "\"",
            "'",
            "`",
            "<",
            ">",
            ":",
            "@",
            "\u{1f600}",
            "\0",
            "\u{7f}",
        ];
        for a in parts {
            for b in parts {
                for c in parts {
                    let text = format!("x{a}{b}{c}");
                    for start in (0..=text.len()).filter(|&i| text.is_char_boundary(i)) {
                        assert_eq!(
                            url_end(&text, start),
                            url_end_by_chars(&text, start),
                            "{text:?} {start}"
                        );
                    }
                }
            }
        }
    }

    /// The definition the byte-wise [`is_credential_name`] speeds up.
    fn is_credential_name_by_chars(name: &str) -> bool {
        let last = name.rsplit(['.', '_', '-', ' ']).next().unwrap_or(name);
        let word = last.trim_end_matches(|c: char| c.is_ascii_digit());
        CREDENTIAL_WORDS.iter().any(|w| word.eq_ignore_ascii_case(w))
    }

    #[test]
    fn credential_names_byte_wise_as_by_chars() {
        let parts =
            ["", ".", "_", "-", " ", "pass", "PassWord", "pwd", "token", "1", "42", "é", "x"];
        for a in parts {
            for b in parts {
                for c in parts {
                    let name = format!("{a}{b}{c}");
                    assert_eq!(
                        is_credential_name(&name),
                        is_credential_name_by_chars(&name),
                        "{name:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn credential_names_by_their_last_word() {
        for name in [
            "imap_pass",
            "smtp_pass",
            "my_pass",
            "mail.server.server1.password",
            "mail.smtpserver.smtp1.passwd",
            "ldap_2.servers.corp.auth.password",
            "IMAP Password2",
            "POP3 Password2",
            "Password",
        ] {
            assert!(is_credential_name(name), "{name}");
        }
        for name in ["imap_user", "passive", "mail.password_protect_local_cache", "bypass_x"] {
            assert!(!is_credential_name(name), "{name}");
        }
    }

    #[test]
    fn url_passwords_follow_rfc3986_userinfo() {
        let cases = [
            ("imaps://me:pw@host/", Some("pw")),
            ("imaps://me:p:w?x/y@host:993/INBOX", Some("p:w?x/y")),
            ("x \"imap://a@b:c@host\" y", Some("c")),
            ("imaps://me@host/", None),
            ("imaps://host:993/", None),
            ("imaps://me:@host/", None),
            ("# [pop[s]://][username[:password]@]popserver[:port]", None),
        ];
        for (text, want) in cases {
            let got: Vec<&str> = url_password_ranges(text).into_iter().map(|r| &text[r]).collect();
            assert_eq!(got, want.into_iter().collect::<Vec<_>>(), "{text}");
        }
        let two =
            "fcc-hook . imaps://a:one@h/x; macro index x \"<change-folder>pop://b:two@h<enter>\"";
        let got: Vec<&str> = url_password_ranges(two).into_iter().map(|r| &two[r]).collect();
        assert_eq!(got, ["one", "two"]);
    }
}
