//! The secret sweep: credentials in a muttrc's raw text, wherever they are.
//!
//! The interpreter records the secrets of the commands it runs, but a password is in the file
//! whether or not NeoMutt would run its line: after `finish`, inside an `ifdef` or a macro, a
//! hook or a `tunnel` command, in a comment, on a line that does not parse. The sweep reads
//! every line of every file of the unit without interpreting it and records:
//!
//! - the value of any assignment `NAME=VALUE` whose name is a credential (`imap_pass`,
//!   `my_pass`, `smtp_pass`; [`maillint_core::secrets::is_credential_name`]), also with
//!   `+=`, and `setenv NAME VALUE`, unless the value is a backtick command or a `$variable`
//!   (which say where the password comes from, and are shown);
//! - the password of any URL (`imaps://user:password@host`, RFC 3986 userinfo), unless it is
//!   a `$variable` or a backtick command;
//! - the password given to `sshpass` with `-p PASSWORD` or `-pPASSWORD` (sshpass(1)), as in
//!   `set tunnel="sshpass -p secret ssh host /usr/sbin/imapd"`.
//!
//! A value's end is found leniently: a quoted value runs to its closing quote (or the end of
//! the line), an unquoted one to white space, `;` or a quote. Nested quoting (`\"` inside a
//! quoted `ifdef` or macro body) is read the same way one level down.

use std::ops::Range;
use std::sync::LazyLock;

use maillint_core::secrets::{is_credential_name, may_be_credential_name, url_password_ranges};
use maillint_core::{FileId, Sources, Span};
use memchr::memmem::Finder;

/// The secret spans of every file of `sources` (files a fix would create excepted).
pub(crate) fn sweep(sources: &Sources) -> Vec<Span> {
    let mut spans = Vec::new();
    for (file, source) in sources.iter().filter(|(_, s)| !s.is_new()) {
        spans.extend(sweep_text(source.text()).into_iter().map(|r| span(file, r)));
    }
    spans
}

fn span(file: FileId, range: Range<usize>) -> Span {
    Span::new(file, range.start, range.end)
}

/// The secret ranges of one file's text, line by line: on each line the assignments, then
/// the URL passwords, then the `sshpass` passwords, in the order of the text.
///
/// One pass over the text: the URL passwords of the whole text are found at once (an
/// authority ends at white space, so none runs across a line), `=`, `sshpass` and `setenv`
/// are looked for once each, and only the lines that hold one of them are read: a line
/// without any holds no secret (most lines of colours, key bindings and comments).
fn sweep_text(text: &str) -> Vec<Range<usize>> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    // Most files (colours, key bindings, the main muttrc) hold no URL: no URL scan for them.
    let urls =
        if NEEDLES.url.find(bytes).is_some() { url_password_ranges(text) } else { Vec::new() };
    let mut urls = urls.into_iter().peekable();
    let find = |word: &Finder<'_>, from: usize| word.find(&bytes[from..]).map(|at| from + at);
    let mut next_sshpass = find(&NEEDLES.sshpass, 0);
    let mut next_setenv = find(&NEEDLES.setenv, 0);
    // Only an `=` after a credential name can start a secret: the others (nearly all) are
    // dropped here, so the lines that hold only those are never read (finding each line's
    // bounds cost ~1.5M instructions of the 100-home bench).
    let mut equals =
        memchr::memchr_iter(b'=', bytes).filter(|&e| after_credential_name(text, e)).peekable();
    let mut from = 0;
    loop {
        let next =
            [equals.peek().copied(), next_setenv, next_sshpass, urls.peek().map(|r| r.start)];
        let Some(at) = next.into_iter().flatten().min() else { break };
        // The line that holds `at` (every line before it, from `from` on, holds nothing).
        let at = at.max(from);
        let line_start = memchr::memrchr(b'\n', &bytes[from..at]).map_or(from, |i| from + i + 1);
        let line_end = memchr::memchr(b'\n', &bytes[at..]).map_or(bytes.len(), |i| at + i + 1);
        let line = &text[line_start..line_end];
        let shift = |r: Range<usize>| line_start + r.start..line_start + r.end;
        let setenv = next_setenv.is_some_and(|at| at < line_end);
        if setenv {
            next_setenv = find(&NEEDLES.setenv, line_end);
        }
        let mut line_equals =
            std::iter::from_fn(|| equals.next_if(|&e| e < line_end)).map(|e| e - line_start);
        let assignments = if setenv {
            word_assignments(line, true)
        } else {
            equals_assignments(line, &mut line_equals)
        };
        line_equals.for_each(drop);
        found.extend(assignments.into_iter().map(shift));
        while let Some(url) = urls.next_if(|r| r.start < line_end) {
            if !is_reference(&text[url.clone()]) {
                found.push(url);
            }
        }
        if next_sshpass.is_some_and(|at| at < line_end) {
            found.extend(sshpass_passwords(line).into_iter().map(shift));
            next_sshpass = find(&NEEDLES.sshpass, line_end);
        }
        from = line_end;
    }
    found.retain(|r| !r.is_empty());
    found
}

/// The words the sweep looks for in every file. Each searcher is built once: `memmem::find`
/// builds one per call, about a thousand instructions, three times per file.
struct Needles {
    url: Finder<'static>,
    sshpass: Finder<'static>,
    setenv: Finder<'static>,
}

static NEEDLES: LazyLock<Needles> = LazyLock::new(|| Needles {
    url: Finder::new("://"),
    sshpass: Finder::new("sshpass"),
    setenv: Finder::new("setenv"),
});

/// The lines of `text` with their line breaks, as `str::split_inclusive('\n')` gives them,
/// each break found with memchr (the line-by-line sweep the tests compare with).
#[cfg(test)]
fn lines_inclusive(text: &str) -> impl Iterator<Item = &str> {
    let mut breaks = memchr::memchr_iter(b'\n', text.as_bytes());
    let mut start = 0;
    std::iter::from_fn(move || {
        if start == text.len() {
            return None;
        }
        let end = breaks.next().map_or(text.len(), |at| at + 1);
        let line = &text[start..end];
        start = end;
        Some(line)
    })
}

/// A value that says where the secret comes from rather than being it: a backtick command or
/// a `$variable` (the interpreter follows a variable to the bytes of its own value).
fn is_reference(value: &str) -> bool {
    value.starts_with(['`', '$'])
}

fn is_name_byte(b: u8) -> bool {
    // One table read: asked of every byte of the name before each `=` of every file
    // (1.1M instructions of the 100-home bench as two range checks and a compare).
    NAME_BYTES[usize::from(b)]
}

/// [`is_name_byte`] for each byte: ASCII letters and digits, and `_`.
static NAME_BYTES: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        let byte = b as u8;
        table[b] = byte.is_ascii_alphanumeric() || byte == b'_';
        b += 1;
    }
    table
};

/// Values of `credential=value`, `credential+=value` and `setenv credential value`.
/// `setenv` says whether the line holds that word (what [`sweep_text`] does per line).
#[cfg(test)]
fn assignments(line: &str, setenv: bool) -> Vec<Range<usize>> {
    if setenv {
        word_assignments(line, true)
    } else {
        equals_assignments(line, memchr::memchr_iter(b'=', line.as_bytes()))
    }
}

/// The assignments of a line without `setenv`, where every name is followed by `=`: from
/// one `=` to the next (`equals`: the offsets of the line's `=`s, in order), reading the name
/// before each, instead of every word of the line. It finds what [`word_assignments`] finds
/// (tested on the corpus): a name is a whole run of name bytes, and nothing inside a
/// credential's value is a name.
fn equals_assignments(line: &str, equals: impl Iterator<Item = usize>) -> Vec<Range<usize>> {
    let bytes = line.as_bytes();
    let mut found = Vec::new();
    // Names start at or after the end of the last credential value found.
    let mut names_from = 0;
    for equals in equals {
        if equals < names_from {
            continue;
        }
        let Range { start, end } = name_before(bytes, equals);
        if start == end || start < names_from || !is_credential_name(&line[start..end]) {
            continue;
        }
        if let Some(value) = value_at(line, skip_blanks(bytes, equals + 1)) {
            names_from = end.max(value.end);
            if !is_reference(&line[value.clone()]) {
                found.push(value);
            }
        }
    }
    found
}

/// The name before the `=` at `equals` (empty when there is none): `NAME =`, `NAME=`,
/// `NAME +=`; blanks may come before the operator, not inside it. A name never runs across
/// a line: a line break is neither a blank nor a name byte.
fn name_before(bytes: &[u8], equals: usize) -> Range<usize> {
    let end = name_end(bytes, equals);
    let mut start = end;
    while start > 0 && is_name_byte(bytes[start - 1]) {
        start -= 1;
    }
    start..end
}

/// Where the name before the `=` at `equals` ends (see [`name_before`]).
fn name_end(bytes: &[u8], equals: usize) -> usize {
    let mut end = equals;
    if end > 0 && bytes[end - 1] == b'+' {
        end -= 1;
    }
    while end > 0 && matches!(bytes[end - 1], b' ' | b'\t') {
        end -= 1;
    }
    end
}

/// Whether the `=` at `equals` of `text` follows a credential name: where
/// [`equals_assignments`] can find a value, read in the whole text (the name is the same as
/// in the line).
///
/// Only the name's last word is read: `is_credential_name` looks at what follows the last
/// `_` (its other separators are not name bytes), and an empty last word is no credential
/// word. Walking back over the whole name cost ~1M instructions of the 100-home bench.
fn after_credential_name(text: &str, equals: usize) -> bool {
    let bytes = text.as_bytes();
    let end = name_end(bytes, equals);
    // A credential word's last three letters end the name (trailing digits aside): most
    // names (`sort`, `index_format`) fail that test of three bytes before their last word is
    // walked and compared with every credential word (~100 instructions for each of the
    // bench's `=`). Given all the text before the name's end, the test can only be wrong
    // about a name that is no credential (a name of digits).
    if !may_be_credential_name(&bytes[..end]) {
        return false;
    }
    let mut start = end;
    while start > 0 && bytes[start - 1].is_ascii_alphanumeric() {
        start -= 1;
    }
    start < end && is_credential_name(&text[start..end])
}

/// [`after_credential_name`] with the whole name (what the tests compare it with).
#[cfg(test)]
fn after_credential_name_whole(text: &str, equals: usize) -> bool {
    let name = name_before(text.as_bytes(), equals);
    !name.is_empty() && is_credential_name(&text[name])
}

/// [`assignments`] word by word: each word is a name if `=` follows it, or if it follows
/// `setenv` (when `setenv` says the line holds that word).
fn word_assignments(line: &str, setenv: bool) -> Vec<Range<usize>> {
    let bytes = line.as_bytes();
    let mut found = Vec::new();
    // A name is followed by `=` or comes after `setenv`: past the last `=` of a line without
    // `setenv` no name can be, and most lines (bind, color, macro, comments) end the scan early.
    let end = if setenv {
        bytes.len()
    } else {
        match line.rfind('=') {
            Some(last) => last,
            None => return found,
        }
    };
    let mut i = 0;
    while i < end {
        if !is_name_byte(bytes[i]) || (i > 0 && is_name_byte(bytes[i - 1])) {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && is_name_byte(bytes[i]) {
            i += 1;
        }
        let mut at = skip_blanks(bytes, i);
        if line[at..].starts_with("+=") {
            at += 1;
        }
        // What follows the name is checked first: most words are not followed by `=`, and
        // then only `setenv NAME VALUE` can make them an assignment.
        let equals = bytes.get(at) == Some(&b'=');
        if !equals && (at == i || !line[..start].trim_end().ends_with("setenv")) {
            continue;
        }
        if !is_credential_name(&line[start..i]) {
            continue;
        }
        let value =
            if equals { value_at(line, skip_blanks(bytes, at + 1)) } else { value_at(line, at) };
        if let Some(value) = value {
            // Go on after the value: each byte is looked at a bounded number of times.
            i = i.max(value.end);
            if !is_reference(&line[value.clone()]) {
                found.push(value);
            }
        }
    }
    found
}

fn skip_blanks(bytes: &[u8], mut at: usize) -> usize {
    while at < bytes.len() && (bytes[at] == b' ' || bytes[at] == b'\t') {
        at += 1;
    }
    at
}

/// The value that starts at `at`: inside its quotes when quoted (`"…"`, `'…'`, or `\"…\"`
/// one level down), else up to white space, `;` or a quote.
fn value_at(line: &str, at: usize) -> Option<Range<usize>> {
    let rest = &line[at..];
    let line_end = rest.trim_end_matches(['\n', '\r']).len();
    for quote in ["\\\"", "\\'", "\"", "'"] {
        if let Some(body) = rest.strip_prefix(quote) {
            let open = at + quote.len();
            let close = closing_quote(body, quote).unwrap_or(line_end - quote.len());
            return Some(open..open + close);
        }
    }
    let end = rest[..line_end]
        .find(|c: char| c.is_whitespace() || ";\"'`".contains(c))
        .unwrap_or(line_end);
    Some(at..at + end)
}

/// Where `quote` closes `body`: for `"`, a quote not escaped by a backslash.
fn closing_quote(body: &str, quote: &str) -> Option<usize> {
    if quote != "\"" {
        return body.find(quote);
    }
    let bytes = body.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => return Some(i),
            _ => i += 1,
        }
    }
    None
}

/// The passwords given to `sshpass` on this line: `-p PASSWORD` or `-pPASSWORD`, among the
/// options before the command sshpass runs.
fn sshpass_passwords(line: &str) -> Vec<Range<usize>> {
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(at) = line[from..].find("sshpass") {
        let mut pos = from + at + "sshpass".len();
        from = pos;
        loop {
            pos = skip_blanks(line.as_bytes(), pos);
            let Some(word) = value_at(line, pos) else { break };
            let text = &line[word.clone()];
            if text == "-p" {
                found.extend(value_at(line, skip_blanks(line.as_bytes(), word.end)));
                break;
            }
            if let Some(password) = text.strip_prefix("-p") {
                found.push(word.end - password.len()..word.end);
                break;
            }
            if !text.starts_with('-') || word.is_empty() {
                break;
            }
            pos = word.end;
        }
    }
    found
}

#[cfg(test)]
mod tests {
    #[test]
    fn name_bytes_are_ascii_letters_digits_and_underscore() {
        for b in 0..=255u8 {
            assert_eq!(super::is_name_byte(b), b.is_ascii_alphanumeric() || b == b'_', "{b}");
        }
    }

    use super::*;

    fn swept(text: &str) -> Vec<&str> {
        sweep_text(text).into_iter().map(|r| &text[r]).collect()
    }

    #[test]
    fn assignments_anywhere() {
        assert_eq!(swept("set imap_pass=\"s1\"\n"), ["s1"]);
        assert_eq!(swept("set imap_pass = 's 2' smtp_pass=s3;set x=1\n"), ["s 2", "s3"]);
        assert_eq!(swept("finish\nset smtp_pass=\"a\\\"b\"\n"), ["a\\\"b"]);
        assert_eq!(swept("ifdef sidebar 'set imap_pass=\"p4\"'\n"), ["p4"]);
        assert_eq!(swept("ifdef x \"set imap_pass=\\\"p5\\\"\"\n"), ["p5"]);
        assert_eq!(swept("# set pop_pass=old\n"), ["old"]);
        assert_eq!(swept("set my_pass += more\n"), ["more"]);
        assert_eq!(swept("setenv MAIL_PASSWORD envsecret\n"), ["envsecret"]);
        assert_eq!(swept("set imap_pass=\"unterminated\n"), ["unterminated"]);
        assert!(swept("set imap_user=me passive=1 imap_pass\n").is_empty());
        assert!(swept("set imap_pass=\"`pass show mail`\" smtp_pass=$my_pass\n").is_empty());
    }

    #[test]
    fn lines_are_split_as_split_inclusive_splits_them() {
        for text in ["", "a", "a\n", "a\nb", "\n\n", "a\r\nb\n\nc", "\nx"] {
            let ours: Vec<&str> = lines_inclusive(text).collect();
            let std: Vec<&str> = text.split_inclusive('\n').collect();
            assert_eq!(ours, std, "{text:?}");
        }
    }

    #[test]
    fn the_equals_scan_finds_what_the_word_scan_finds() {
        let tricky = [
            "set imap_pass=my_pass =x",
            "set x=imap_pass=foo smtp_pass+=b pop_pass +=c my_pass+ =d",
            "set imap_pass=abc,my_pass=x; smtp_pass='q=r' pop_pass=\"s\\\"=t\" a_pass=1",
            "set imap_pass=\"x\"y_pass=1 ==pass= =",
            "ifdef x \"set imap_pass=\\\"p=5\\\" smtp_pass=\\'z\\'\"",
            "macro index X \"<enter-command>set imap_pass=secret<enter>\"",
            "=imap_pass=1 smtp_pass2 = 2 pass==3",
        ];
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let mut files = Vec::new();
        for dir in [root.join("fixtures"), root.join("../shared/corpus")] {
            let walk = std::fs::read_dir(&dir).into_iter().flatten().flatten();
            let mut stack: Vec<_> = walk.map(|e| e.path()).collect();
            while let Some(path) = stack.pop() {
                if path.is_dir() {
                    stack.extend(
                        std::fs::read_dir(&path).into_iter().flatten().flatten().map(|e| e.path()),
                    );
                } else if let Ok(text) = std::fs::read_to_string(&path) {
                    files.push(text);
                }
            }
        }
        assert!(!files.is_empty(), "the fixtures are read");
        let lines = tricky
            .iter()
            .map(|l| l.to_string())
            .chain(files.iter().flat_map(|t| t.split_inclusive('\n')).map(str::to_owned));
        for line in lines {
            let equals = memchr::memchr_iter(b'=', line.as_bytes());
            assert_eq!(
                equals_assignments(&line, equals),
                word_assignments(&line, false),
                "{line:?}"
            );
        }
    }

    #[test]
    fn a_names_last_word_decides_as_the_whole_name() {
        let names = [
            "imap_pass",
            "my_pass",
            "pass",
            "imap_pass2",
            "x_y_token",
            "pass_",
            "my__pwd",
            "_pass",
            "imappass",
            "IMAP_PASSWORD",
            "smtp_pass_",
            "a9_secret99",
            "pass_x",
            "",
            "_",
            "9",
            "ass",
            "pas",
            "9pass",
            "pass99",
            "xpwd",
            "passwd1",
            "mytoken",
            "tokens",
            "PaSsWoRd",
            "sec ret",
            "x-secret",
        ];
        let mut credentials = 0;
        for name in names {
            for operator in ["=", " =", "+=", "\t+=", "+ ="] {
                for before in ["set ", "", "pass ", "x_pass9"] {
                    let text = format!("{before}{name}{operator}v");
                    let equals = text.rfind('=').unwrap();
                    let whole = after_credential_name_whole(&text, equals);
                    assert_eq!(after_credential_name(&text, equals), whole, "{text:?}");
                }
                let text = format!("set {name}{operator}v");
                let equals = text.rfind('=').unwrap();
                let whole = after_credential_name_whole(&text, equals);
                credentials += usize::from(whole);
                assert_eq!(after_credential_name(&text, equals), whole, "{text:?}");
            }
        }
        assert!(credentials >= 30, "{credentials}");
    }

    /// The sweep as it was: every line of the text, one after the other.
    fn sweep_by_lines(text: &str) -> Vec<Range<usize>> {
        let urls = url_password_ranges(text);
        let mut urls = urls.into_iter().peekable();
        let mut found = Vec::new();
        let mut line_start = 0;
        for line in lines_inclusive(text) {
            let line_end = line_start + line.len();
            let shift = |r: Range<usize>| line_start + r.start..line_start + r.end;
            found.extend(assignments(line, line.contains("setenv")).into_iter().map(shift));
            while let Some(url) = urls.next_if(|r| r.start < line_end) {
                if !is_reference(&text[url.clone()]) {
                    found.push(url);
                }
            }
            if line.contains("sshpass") {
                found.extend(sshpass_passwords(line).into_iter().map(shift));
            }
            line_start = line_end;
        }
        found.retain(|r| !r.is_empty());
        found
    }

    #[test]
    fn reading_only_the_lines_that_can_hold_a_secret_finds_what_reading_all_finds() {
        let tricky = [
            "",
            "=",
            "\n\n=\n",
            "no secret here\nset imap_pass=a1\n\n# x\nsetenv P_PASS b2 # = c\n",
            "set tunnel='sshpass -pc3 ssh h'\nx=1 smtp_url=smtp://u:d4@h\nsshpass -p e5",
            "imaps://u:f6@h/ =\nset my_pass=g7 imap_pass\n=\nset pop_pass=\"h8",
            "setenv\nIMAP_PASS i9\nsshpass\n-p j10\nfolder=imap://k:l11@h\r\n",
            // Names next to line breaks, blanks and `+=`.
            "x\nimap_pass=m12\nimap_pass\n=n13\n\timap_pass \t+= o14\r\nsmtp_pass+ =p15\n",
            "set a=1 imap_pass = \"q16 = r\" my_pass=s17\nimap_pass\r=t18\n=imap_pass=u19",
        ];
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let mut texts: Vec<String> = tricky.iter().map(|t| t.to_string()).collect();
        for dir in [root.join("fixtures"), root.join("../shared/corpus")] {
            let mut stack = vec![dir];
            while let Some(path) = stack.pop() {
                if path.is_dir() {
                    let entries = std::fs::read_dir(&path).into_iter().flatten().flatten();
                    stack.extend(entries.map(|e| e.path()));
                } else if let Ok(text) = std::fs::read_to_string(&path) {
                    texts.push(text);
                }
            }
        }
        assert!(texts.len() > tricky.len() + 10, "the fixtures and corpus are read");
        let mut secrets = 0;
        for text in &texts {
            let expected = sweep_by_lines(text);
            secrets += expected.len();
            assert_eq!(sweep_text(text), expected, "{text:?}");
        }
        assert!(secrets > 20, "the texts hold secrets to find ({secrets})");
    }

    #[test]
    fn urls_in_hooks_and_macros() {
        assert_eq!(swept("fcc-hook . \"imaps://me:p6@host/Sent\"\n"), ["p6"]);
        assert!(swept("set smtp_url=smtps://$imap_user:$imap_pass@host\n").is_empty());
        assert_eq!(
            swept("macro index X \"<change-folder>imaps://me:p:7?@host/<enter>\"\n"),
            ["p:7?"]
        );
    }

    #[test]
    fn each_line_gets_its_own_urls_and_sshpass_passwords_in_order() {
        let text = "set imap_pass=a1 folder=imaps://u:b2@h\nx\nset tunnel='sshpass -pc3 ssh h' \
                    smtp_url=smtp://u:d4@h\nset pop_pass=e5";
        assert_eq!(swept(text), ["a1", "b2", "d4", "c3", "e5"]);
        assert_eq!(swept("sshpass -p f6\nsshpass -p g7\n"), ["f6", "g7"]);
    }

    #[test]
    fn sshpass_in_tunnel() {
        assert_eq!(swept("set tunnel=\"sshpass -p s8 ssh -q host imapd\"\n"), ["s8"]);
        assert_eq!(swept("set tunnel=\"sshpass -e -p's 9' ssh host\"\n"), ["s 9"]);
        assert_eq!(swept("set tunnel='sshpass -ps10 ssh host'\n"), ["s10"]);
        assert!(swept("set tunnel='sshpass -f ~/.pw ssh host'\n").is_empty());
    }
}
