//! Mail URLs as NeoMutt parses and prints them.
//!
//! Form (mutt.md section 5): `proto[s]://[user[:password]@]server[:port][/path]`. The parser
//! follows NeoMutt's `url_parse` (`email/url.c` with the `PREX_URL` regex of `mutt/prex.c`):
//! the user name may contain `@` (the last `@` ends it), the password may not contain `:`
//! or `@`, the port must fit 16 bits, `%XX` escapes must be valid, and a value that does not
//! fit the authority form is read as `scheme:path`. Every component keeps its byte range in
//! the value, so a fix can edit the host, the port or the scheme in the file.

use std::borrow::Cow;
use std::ops::Range;

use crate::text::SpannedText;

/// URL schemes NeoMutt knows (`UrlMap` in `email/url.c`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Scheme {
    /// `file:`
    File,
    /// `imap://`
    Imap,
    /// `imaps://`
    Imaps,
    /// `pop://`
    Pop,
    /// `pops://`
    Pops,
    /// `news://`, `nntp://`
    Nntp,
    /// `snews://`, `nntps://`
    Nntps,
    /// `mailto:`
    Mailto,
    /// `notmuch://`
    Notmuch,
    /// `smtp://`
    Smtp,
    /// `smtps://`
    Smtps,
}

impl Scheme {
    pub(crate) fn from_name(name: &str) -> Option<Scheme> {
        const MAP: [(&str, Scheme); 13] = [
            ("file", Scheme::File),
            ("imap", Scheme::Imap),
            ("imaps", Scheme::Imaps),
            ("pop", Scheme::Pop),
            ("pops", Scheme::Pops),
            ("news", Scheme::Nntp),
            ("nntp", Scheme::Nntp),
            ("snews", Scheme::Nntps),
            ("nntps", Scheme::Nntps),
            ("mailto", Scheme::Mailto),
            ("notmuch", Scheme::Notmuch),
            ("smtp", Scheme::Smtp),
            ("smtps", Scheme::Smtps),
        ];
        MAP.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, s)| *s)
    }

    /// The name NeoMutt prints (the first of its names).
    pub(crate) fn name(self) -> &'static str {
        match self {
            Scheme::File => "file",
            Scheme::Imap => "imap",
            Scheme::Imaps => "imaps",
            Scheme::Pop => "pop",
            Scheme::Pops => "pops",
            Scheme::Nntp => "news",
            Scheme::Nntps => "snews",
            Scheme::Mailto => "mailto",
            Scheme::Notmuch => "notmuch",
            Scheme::Smtp => "smtp",
            Scheme::Smtps => "smtps",
        }
    }
}

/// A parsed URL: decoded components and their byte ranges in the parsed text `'t`. A
/// component without a `%` escape borrows from the text: parsing allocates nothing for the
/// URLs mail configurations hold.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Url<'t> {
    /// The scheme.
    pub scheme: Scheme,
    /// Range of the scheme name.
    pub scheme_range: Range<usize>,
    /// Decoded user name, and the range of its encoded form.
    pub user: Option<(Cow<'t, str>, Range<usize>)>,
    /// Decoded password, and the range of its encoded form.
    pub pass: Option<(Cow<'t, str>, Range<usize>)>,
    /// Host (without IPv6 brackets when written as `[…]`), and its range.
    pub host: Option<(Cow<'t, str>, Range<usize>)>,
    /// Where the host part ends (after a closing `]`): where `:port` would be inserted.
    pub host_end: usize,
    /// Port (0 when written as 0), and the range of its digits.
    pub port: Option<(u16, Range<usize>)>,
    /// Decoded path, and the range of its encoded form (without the `/` after the host).
    pub path: Option<(Cow<'t, str>, Range<usize>)>,
    /// Decoded query pairs.
    pub query: Vec<(Cow<'t, str>, Cow<'t, str>)>,
}

impl Url<'_> {
    /// The URL with its components copied: for a URL of a text that does not live long.
    pub(crate) fn into_owned(self) -> Url<'static> {
        let own = |part: Option<(Cow<'_, str>, Range<usize>)>| {
            part.map(|(text, range)| (Cow::Owned(text.into_owned()), range))
        };
        Url {
            scheme: self.scheme,
            scheme_range: self.scheme_range,
            user: own(self.user),
            pass: own(self.pass),
            host: own(self.host),
            host_end: self.host_end,
            port: self.port,
            path: own(self.path),
            query: (self.query.into_iter())
                .map(|(k, v)| (Cow::Owned(k.into_owned()), Cow::Owned(v.into_owned())))
                .collect(),
        }
    }
}

/// The byte classes of URL components, one bit each in [`BYTE_CLASSES`].
const USER: u8 = 1;
const PASS_OR_HOST: u8 = 2;
const PATH: u8 = 4;
const QUERY_PART: u8 = 8;

/// The classes of every byte, built once at compile time: a URL is checked byte by byte in
/// every component, and a `contains` over a list of punctuation per byte was most of a parse.
static BYTE_CLASSES: [u8; 256] = byte_classes();

const fn byte_classes() -> [u8; 256] {
    // `UNR_PCTENC_SUBDEL` of mutt/prex.c: "][[:alnum:]._~%!$&'()*+,;=" (both brackets are
    // literal members of the bracket expression).
    const UNRESERVED_PUNCTUATION: &[u8] = b"[]._~%!$&'()*+,;=";
    // `parse_query_string`'s characters of a key or value.
    const QUERY_PUNCTUATION: &[u8] = b"-._~%!$'()*+,;:@/";
    let mut classes = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        let byte = b as u8;
        let mut class = 0;
        if byte.is_ascii_alphanumeric() || contains(UNRESERVED_PUNCTUATION, byte) {
            class |= USER | PASS_OR_HOST | PATH;
        }
        if byte == b'@' || byte == b'-' {
            class |= USER;
        }
        if byte == b'-' {
            class |= PASS_OR_HOST;
        }
        if contains(b":@/ -", byte) {
            class |= PATH;
        }
        if byte.is_ascii_alphanumeric() || contains(QUERY_PUNCTUATION, byte) {
            class |= QUERY_PART;
        }
        classes[b] = class;
        b += 1;
    }
    classes
}

const fn contains(list: &[u8], byte: u8) -> bool {
    let mut i = 0;
    while i < list.len() {
        if list[i] == byte {
            return true;
        }
        i += 1;
    }
    false
}

fn is(class: u8, b: u8) -> bool {
    BYTE_CLASSES[usize::from(b)] & class != 0
}

fn is_user_char(b: u8) -> bool {
    is(USER, b)
}

fn is_pass_or_host_char(b: u8) -> bool {
    is(PASS_OR_HOST, b)
}

fn is_path_char(b: u8) -> bool {
    is(PATH, b)
}

/// Whether `b` may be part of a URL's path ([`parse`] reads a path of these bytes only).
pub(crate) fn is_path_byte(b: u8) -> bool {
    is_path_char(b)
}

/// `url_pct_decode`: `%XX` must be two hex digits. Borrows text without escapes.
fn pct_decode(text: &str) -> Option<Cow<'_, str>> {
    if !text.contains('%') {
        return Some(Cow::Borrowed(text));
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = |b: u8| (b as char).to_digit(16);
            let high = bytes.get(i + 1).copied().and_then(hex)?;
            let low = bytes.get(i + 2).copied().and_then(hex)?;
            out.push((high * 16 + low) as u8);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    Some(Cow::Owned(String::from_utf8_lossy(&out).into_owned()))
}

/// `url_pct_encode`: only ` /:&%=` are encoded, in upper-case hex. Borrows text that has
/// none of them.
pub(crate) fn pct_encode(text: &str) -> Cow<'_, str> {
    if !text.bytes().any(|b| b" /:&%=".contains(&b)) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 4);
    for b in text.bytes() {
        if b" /:&%=".contains(&b) {
            out.push_str(&format!("%{b:02X}"));
        } else {
            out.push(b as char);
        }
    }
    Cow::Owned(out)
}

struct Authority {
    user: Option<Range<usize>>,
    pass: Option<Range<usize>>,
    host: Option<Range<usize>>,
    host_end: usize,
    port: Option<Range<usize>>,
}

/// Matches `[user[:pass]@]host[:port]` against all of `text[range]`, preferring the longest
/// user part (the regex's leftmost-longest rule).
fn parse_authority(text: &str, range: Range<usize>) -> Option<Authority> {
    let bytes = text.as_bytes();
    // Every `@` from the last to the first, then none.
    let at_signs = memchr::memrchr_iter(b'@', &bytes[range.clone()]).map(|i| Some(range.start + i));
    for at in at_signs.chain([None]) {
        let (user, pass, host_start) = match at {
            Some(at) => {
                let userinfo = range.start..at;
                let colon = (userinfo.clone()).find(|&i| bytes[i] == b':');
                let (user, pass) = match colon {
                    Some(c) => (userinfo.start..c, Some(c + 1..at)),
                    None => (userinfo.clone(), None),
                };
                if !(user.clone()).all(|i| is_user_char(bytes[i])) {
                    continue;
                }
                if let Some(pass) = &pass
                    && !(pass.clone()).all(|i| is_pass_or_host_char(bytes[i]))
                {
                    continue;
                }
                (Some(user), pass, at + 1)
            }
            None => (None, None, range.start),
        };
        if let Some((host, host_end, port)) = parse_host_port(text, host_start..range.end) {
            return Some(Authority { user, pass, host, host_end, port });
        }
    }
    None
}

/// `host[:port]` filling all of `range`. The host is a name (possibly empty) or `[…]`.
#[allow(clippy::type_complexity)]
fn parse_host_port(
    text: &str,
    range: Range<usize>,
) -> Option<(Option<Range<usize>>, usize, Option<Range<usize>>)> {
    let bytes = text.as_bytes();
    let port_of = |from: usize| -> Option<Option<Range<usize>>> {
        if from == range.end {
            return Some(None);
        }
        if bytes[from] != b':' {
            return None;
        }
        let digits = from + 1..range.end;
        (!digits.is_empty() && (digits.clone()).all(|i| bytes[i].is_ascii_digit()))
            .then_some(Some(digits))
    };
    // A host name: the longest run of host characters, then an optional port.
    let name_end = (range.clone()).find(|&i| !is_pass_or_host_char(bytes[i])).unwrap_or(range.end);
    if let Some(port) = port_of(name_end) {
        let host = (name_end > range.start).then_some(range.start..name_end);
        return Some((host, name_end, port));
    }
    // `[IPv4 or IPv6]`.
    if bytes.get(range.start) == Some(&b'[') {
        let close = (range.start + 1..range.end).find(|&i| bytes[i] == b']')?;
        let inner = range.start + 1..close;
        if inner.is_empty()
            || !(inner.clone())
                .all(|i| bytes[i].is_ascii_alphanumeric() || b":.".contains(&bytes[i]))
        {
            return None;
        }
        let port = port_of(close + 1)?;
        return Some((Some(inner), close + 1, port));
    }
    None
}

/// Parses `text` like NeoMutt's `url_parse`. `None` when NeoMutt would not accept it.
pub(crate) fn parse(text: &str) -> Option<Url<'_>> {
    let bytes = text.as_bytes();
    // Bytes, not chars, are searched (`str::find(char)` costs more on short texts): the
    // delimiters are ASCII, so a byte match is the character.
    let colon = memchr::memchr(b':', bytes)?;
    let scheme_range = 0..colon;
    if colon < 2
        || !bytes[0].is_ascii_alphabetic()
        || !bytes[1..colon].iter().all(|&b| b.is_ascii_alphanumeric() || b"+-.".contains(&b))
    {
        return None;
    }
    let scheme = Scheme::from_name(&text[scheme_range.clone()])?;
    let rest = colon + 1;
    let query_start = memchr::memchr(b'?', &bytes[rest..]).map(|i| rest + i);
    let body_end = query_start.unwrap_or(text.len());
    let query_ok =
        query_start.is_none_or(|q| bytes[q + 1..].iter().all(|&b| is_path_char(b) || b == b'?'));
    if !query_ok {
        return None;
    }
    let mut url = Url {
        scheme,
        scheme_range,
        user: None,
        pass: None,
        host: None,
        host_end: rest,
        port: None,
        path: None,
        query: Vec::new(),
    };
    let mut authority_parsed = false;
    if text[rest..body_end].starts_with("//") {
        let auth_start = rest + 2;
        let auth_end = memchr::memchr(b'/', &bytes[auth_start..body_end])
            .map(|i| auth_start + i)
            .unwrap_or(body_end);
        let path_ok = bytes[auth_end..body_end].iter().all(|&b| is_path_char(b));
        if path_ok && let Some(auth) = parse_authority(text, auth_start..auth_end) {
            authority_parsed = true;
            if let Some(user) = auth.user {
                url.user = Some((pct_decode(&text[user.clone()])?, user));
            }
            if let Some(pass) = auth.pass {
                url.pass = Some((pct_decode(&text[pass.clone()])?, pass));
            }
            url.host = auth.host.map(|h| (Cow::Borrowed(&text[h.clone()]), h));
            url.host_end = auth.host_end;
            if let Some(port) = auth.port {
                // `mutt_str_atous_full`: the whole number must fit 16 bits.
                let value: u16 = text[port.clone()].parse().ok()?;
                url.port = Some((value, port));
            }
            if auth_end < body_end {
                // `/path`: the slash is not part of the path, unless there is no host.
                let path_start = if url.host.is_some() { auth_end + 1 } else { auth_end };
                let range = path_start..body_end;
                url.path = Some((pct_decode(&text[range.clone()])?, range));
            }
        }
    }
    if !authority_parsed {
        if !bytes[rest..body_end].iter().all(|&b| is_path_char(b)) {
            return None;
        }
        url.path = Some((pct_decode(&text[rest..body_end])?, rest..body_end));
    }
    if let Some(q) = query_start {
        url.query = parse_query(&text[q + 1..])?;
    }
    Some(url)
}

/// `parse_query_string`: `key=value` pairs separated by `&`.
fn parse_query(text: &str) -> Option<Vec<(Cow<'_, str>, Cow<'_, str>)>> {
    let part = |b: u8| is(QUERY_PART, b);
    let mut pairs = Vec::new();
    for pair in text.split('&') {
        let (key, value) = pair.split_once('=')?;
        if key.is_empty()
            || value.is_empty()
            || !key.bytes().all(part)
            || !value.bytes().all(|b| part(b) || b == b' ')
        {
            return None;
        }
        pairs.push((pct_decode(key)?, pct_decode(value)?));
    }
    Some(pairs)
}

/// NeoMutt's canonical form of an IMAP URL (`imap_path_canon`): the path tidied by
/// `imap_fix_path` (repeated delimiters collapsed, a trailing one dropped; the first of
/// `delim_chars` seen becomes the delimiter), then printed by `url_tostring` (no password,
/// user re-encoded, `/` after the host). The result keeps the origins of the parts it kept.
/// `None` when the text is not a URL NeoMutt parses (it is then stored as written).
pub(crate) fn imap_canonical(value: &SpannedText, delim_chars: &str) -> Option<SpannedText> {
    let text = value.as_str();
    let url = parse(text)?;
    // Scheme, `:`, `//`, user, `@`, host, `:`, port, `/`, path: one allocation each.
    let mut out = SpannedText::with_capacity(text.len() + 4, 10);
    out.push_mapped_from(url.scheme.name(), value, url.scheme_range.clone());
    out.push_synth(":");
    if let Some((host, host_range)) = &url.host {
        out.push_synth("//");
        if let Some((user, user_range)) = &url.user {
            let encoded = pct_encode(user);
            if *encoded == text[user_range.clone()] {
                out.push_slice(value, user_range.clone());
            } else {
                out.push_mapped_from(&encoded, value, user_range.clone());
            }
            out.push_synth("@");
        }
        if host.contains(':') {
            out.push_synth("[");
            out.push_slice(value, host_range.clone());
            out.push_synth("]");
        } else if text[host_range.clone()] == **host {
            out.push_slice(value, host_range.clone());
        } else {
            out.push_mapped_from(host, value, host_range.clone());
        }
        if let Some((port, port_range)) = &url.port
            && *port != 0
        {
            out.push_synth(":");
            // Printed as written unless written with leading zeros.
            let written = &text[port_range.clone()];
            if !written.starts_with('0') {
                out.push_slice(value, port_range.clone());
            } else {
                out.push_mapped_from(&port.to_string(), value, port_range.clone());
            }
        }
        out.push_synth("/");
    }
    if let Some((path, path_range)) = &url.path {
        let path = fix_path(path, delim_chars);
        if text[path_range.clone()] == *path {
            out.push_slice(value, path_range.clone());
        } else if !path.is_empty() {
            out.push_mapped_from(&path, value, path_range.clone());
        }
    }
    if !url.query.is_empty() {
        out.push_synth("?");
        let encoded: Vec<String> =
            url.query.iter().map(|(k, v)| format!("{}={}", pct_encode(k), pct_encode(v))).collect();
        let query_start = text.find('?').map(|i| i + 1).unwrap_or(text.len());
        out.push_mapped_from(&encoded.join("&"), value, query_start..text.len());
    }
    Some(out)
}

/// Whether `imap_fix_path` with `delim_chars` leaves `path` as it is (what
/// [`imap_canonical`] asks before it keeps the path's pieces).
pub(crate) fn path_is_fixed(path: &str, delim_chars: &str) -> bool {
    *fix_path(path, delim_chars) == *path
}

/// `imap_fix_path` with no known server delimiter. Borrows a path it leaves as it is.
fn fix_path<'m>(mailbox: &'m str, delim_chars: &str) -> Cow<'m, str> {
    let bytes = mailbox.as_bytes();
    // Only a repeated delimiter or one at the end changes the path: the first delimiter
    // character seen is the delimiter, and none is repeated or last.
    let delim = bytes.iter().find(|b| delim_chars.as_bytes().contains(b));
    if delim.is_none_or(|&d| bytes.last() != Some(&d) && !bytes.windows(2).any(|w| w == [d, d])) {
        return Cow::Borrowed(mailbox);
    }
    let mut out: Vec<u8> = Vec::with_capacity(bytes.len());
    let mut delim: Option<u8> = None;
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        if Some(c) == delim || (delim.is_none() && delim_chars.as_bytes().contains(&c)) {
            delim = Some(c);
            while i + 1 < bytes.len() && bytes[i + 1] == c {
                i += 1;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    if let (Some(&last), Some(d)) = (out.last(), delim)
        && last == d
    {
        out.pop();
    }
    Cow::Owned(String::from_utf8_lossy(&out).into_owned())
}

#[cfg(test)]
mod tests {
    use maillint_core::FileId;

    use super::*;

    fn canon(text: &str) -> String {
        let value = SpannedText::copied(FileId(0), 0, text);
        imap_canonical(&value, "/.").map(|v| v.as_str().to_owned()).unwrap_or(text.to_owned())
    }

    #[test]
    fn byte_classes_are_the_character_lists() {
        let unreserved = |b: u8| b.is_ascii_alphanumeric() || b"[]._~%!$&'()*+,;=".contains(&b);
        let query = |b: u8| b.is_ascii_alphanumeric() || b"-._~%!$'()*+,;:@/".contains(&b);
        for b in 0..=255u8 {
            assert_eq!(is_user_char(b), unreserved(b) || b == b'@' || b == b'-', "{b}");
            assert_eq!(is_pass_or_host_char(b), unreserved(b) || b == b'-', "{b}");
            assert_eq!(is_path_char(b), unreserved(b) || b":@/ -".contains(&b), "{b}");
            assert_eq!(is(QUERY_PART, b), query(b), "{b}");
        }
    }

    #[test]
    fn components_and_ranges() {
        let text = "smtps://me%40x.org:pa-ss@smtp.gmail.com:465/path?a=b";
        let url = parse(text).unwrap();
        assert_eq!(url.scheme, Scheme::Smtps);
        assert_eq!(url.user.as_ref().unwrap().0, "me@x.org");
        assert_eq!(&text[url.user.as_ref().unwrap().1.clone()], "me%40x.org");
        assert_eq!(url.pass.as_ref().unwrap().0, "pa-ss");
        assert_eq!(url.host.as_ref().unwrap().0, "smtp.gmail.com");
        assert_eq!(url.port.as_ref().unwrap().0, 465);
        assert_eq!(&text[url.port.as_ref().unwrap().1.clone()], "465");
        assert_eq!(url.path.as_ref().map(|p| p.0.as_ref()), Some("path"));
        assert_eq!(url.query, [(Cow::Borrowed("a"), Cow::Borrowed("b"))]);
    }

    #[test]
    fn the_last_at_sign_ends_the_user_name() {
        // Corpus: `smtp://johan@user@smtp.gmail.com:587` and a password after the user.
        let url = parse("smtp://johan@user@smtp.gmail.com:587").unwrap();
        assert_eq!(url.user.unwrap().0, "johan@user");
        assert_eq!(url.host.unwrap().0, "smtp.gmail.com");
        let url = parse("smtp://nathan@musicnate.ca:secret@hp93.hostpapa.com:467").unwrap();
        assert_eq!(url.user.unwrap().0, "nathan@musicnate.ca");
        assert_eq!(url.pass.unwrap().0, "secret");
        assert_eq!(url.port.unwrap().0, 467);
    }

    #[test]
    fn rejected_urls() {
        assert!(parse("imaps://u@h:99999/").is_none(), "port must fit 16 bits");
        assert!(parse("imaps://u%zz@h/").is_none(), "bad escape");
        assert!(parse("http://h/").is_none(), "unknown scheme");
        assert!(parse("/home/u/Mail").is_none());
        assert!(parse("imaps://h/a\"b").is_none());
    }

    #[test]
    fn ipv6_hosts() {
        let url = parse("imaps://[::1]:993/a").unwrap();
        assert_eq!(url.host.unwrap().0, "::1");
        assert_eq!(url.port.unwrap().0, 993);
    }

    #[test]
    fn canonical_forms_match_neomutt() {
        // Each pair was printed by `neomutt -Q` (NeoMutt 20220429) for `set folder=<input>`.
        let cases = [
            ("imaps://imap.gmail.com", "imaps://imap.gmail.com/"),
            ("imaps://imap.gmail.com:993", "imaps://imap.gmail.com:993/"),
            ("IMAPS://Imap.Gmail.COM:0993/a//b", "imaps://Imap.Gmail.COM:993/a/b"),
            ("imap://a.b/x/", "imap://a.b/x"),
            ("imaps://h/a..b/", "imaps://h/a.b/"),
            ("imaps://h/a//b..c/", "imaps://h/a/b..c"),
            ("imaps://h/x/../y/./z", "imaps://h/x/../y/./z"),
            ("imaps://u:pass@h/", "imaps://u@h/"),
            ("imaps://u%3apass@h/", "imaps://u%3Apass@h/"),
            ("imaps://me%40gmail.com@imap.gmail.com", "imaps://me@gmail.com@imap.gmail.com/"),
            ("imaps://u@h:abc/", "imaps:/u@h:abc"),
            ("imaps://[::1]:993/a", "imaps://[::1]:993/a"),
            ("imaps://h/a b", "imaps://h/a b"),
            ("imaps://h/a%20b?x=y", "imaps://h/a b?x=y"),
            ("imaps://@imap.gmail.com", "imaps://@imap.gmail.com/"),
            ("imap://u@h:0/", "imap://u@h/"),
            ("imaps://u@h:65536/", "imaps://u@h:65536/"),
            ("imaps://u@h/~x/%7e", "imaps://u@h/~x/~"),
        ];
        for (input, expected) in cases {
            assert_eq!(canon(input), expected, "{input}");
        }
    }

    #[test]
    fn canonical_form_keeps_host_and_port_origins() {
        let text = "IMAPS://imap.gmail.com:0993";
        let value = SpannedText::copied(FileId(3), 10, text);
        let out = imap_canonical(&value, "/.").unwrap();
        assert_eq!(out.as_str(), "imaps://imap.gmail.com:993/");
        let host = out.source_span(8..22).unwrap();
        assert_eq!(host.range.start, 18);
        let port = out.source_span(23..26).unwrap();
        assert_eq!((port.range.start, port.range.end), (33, 37));
        let scheme = out.source_span(0..5).unwrap();
        assert_eq!((scheme.range.start, scheme.range.end), (10, 15));
    }
}
