//! aerc's `source` and `outgoing` URLs: `<scheme>[+<part>...]://[user[:password]@]host[:port]
//! [/path][?query]`, read the way aerc reads them.
//!
//! aerc splits the scheme at `+` (`lib/auth/sasl.go`, `ParseScheme`): the first part is the
//! protocol, an `insecure` part anywhere is kept with it (`imap+insecure`), and what is left is
//! the authentication mechanism (`plain` when none is written). Go's `net/url` finds the user
//! information before the last `@` of the authority, and the port after the last `:` outside
//! `[...]`. Every range is relative to the value.

use std::ops::Range;

/// A URL with the byte range of each part.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct AercUrl {
    /// `imap`, `imaps`, `smtp`, `smtps`, `maildir`, `jmap`, ...
    pub protocol: String,
    /// The protocol word in the value (`imap` of `imap+insecure+plain`).
    pub protocol_range: Range<usize>,
    /// Whether `+insecure` is written, and its range (with its `+`).
    pub insecure: Option<Range<usize>>,
    /// The mechanism (`plain`, `login`, `none`, `oauthbearer`, `xoauth2`), `None` when not
    /// written.
    pub mechanism: Option<String>,
    /// The whole scheme (`imap+insecure+plain`).
    pub scheme_range: Range<usize>,
    /// The user name, percent-decoded, and its range.
    pub user: Option<(String, Range<usize>)>,
    /// The password's range (still percent-encoded in the file).
    pub password: Option<Range<usize>>,
    /// The host and its range (without brackets).
    pub host: Option<(String, Range<usize>)>,
    /// The port and the range of its digits.
    pub port: Option<(Option<u16>, Range<usize>)>,
    /// Where `:PORT` would be inserted.
    pub host_end: usize,
}

/// Parses a value with `://`; `None` for anything else (`/usr/bin/msmtp`, a path).
pub(crate) fn parse(value: &str) -> Option<AercUrl> {
    let scheme_end = value.find("://")?;
    let scheme = &value[..scheme_end];
    if scheme.is_empty() || !scheme.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'+') {
        return None;
    }
    let (protocol_range, insecure, mechanism) = split_scheme(scheme);
    let authority_start = scheme_end + 3;
    let rest = &value[authority_start..];
    let authority_len = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..authority_len];
    let (user, password, host_start) = match authority.rfind('@') {
        Some(at) => {
            let info = &authority[..at];
            let (user, password) = match info.find(':') {
                Some(colon) => (&info[..colon], Some(colon + 1..at)),
                None => (info, None),
            };
            let user = (decode(user), authority_start..authority_start + user.len());
            let shift = |r: Range<usize>| authority_start + r.start..authority_start + r.end;
            (Some(user), password.map(shift), at + 1)
        }
        None => (None, None, 0),
    };
    let host_port = &authority[host_start..];
    let (host, port) = split_host_port(host_port, authority_start + host_start);
    let host_end = host.as_ref().map_or(authority_start + host_start, |(_, r)| {
        r.end + usize::from(host_port.starts_with('['))
    });
    Some(AercUrl {
        protocol: value[protocol_range.clone()].to_ascii_lowercase(),
        protocol_range,
        insecure,
        mechanism,
        scheme_range: 0..scheme_end,
        user: user.filter(|(u, _)| !u.is_empty()),
        password,
        host,
        port,
        host_end,
    })
}

type SchemeParts = (Range<usize>, Option<Range<usize>>, Option<String>);

/// The protocol, the `+insecure` part and the mechanism of a scheme.
fn split_scheme(scheme: &str) -> SchemeParts {
    let mut offset = 0;
    let mut protocol = 0..0;
    let mut insecure = None;
    let mut mechanism: Vec<&str> = Vec::new();
    for (index, part) in scheme.split('+').enumerate() {
        let range = offset..offset + part.len();
        offset = range.end + 1;
        if index == 0 {
            protocol = range;
        } else if part.eq_ignore_ascii_case("insecure") && insecure.is_none() {
            insecure = Some(range.start - 1..range.end);
        } else {
            mechanism.push(part);
        }
    }
    let mechanism = (!mechanism.is_empty()).then(|| mechanism.join("+").to_ascii_lowercase());
    (protocol, insecure, mechanism)
}

type HostPort = (Option<(String, Range<usize>)>, Option<(Option<u16>, Range<usize>)>);

fn split_host_port(text: &str, base: usize) -> HostPort {
    let (host_range, port_text) = if let Some(inner) = text.strip_prefix('[') {
        match inner.find(']') {
            Some(close) => (1..1 + close, inner[close + 1..].strip_prefix(':').map(|_| close + 3)),
            None => (0..text.len(), None),
        }
    } else {
        match text.rfind(':') {
            Some(colon) => (0..colon, Some(colon + 1)),
            None => (0..text.len(), None),
        }
    };
    let host = (!host_range.is_empty()).then(|| {
        let range = base + host_range.start..base + host_range.end;
        (decode(&text[host_range]).to_ascii_lowercase(), range)
    });
    let port = port_text.map(|start| {
        let digits = &text[start..];
        (digits.parse().ok(), base + start..base + text.len())
    });
    (host, port)
}

/// Percent-decoding (`%40` is `@`); bytes that do not decode stay as written.
pub(crate) fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%'
            && let (Some(h), Some(l)) =
                (bytes.get(i + 1).and_then(|&b| hex(b)), bytes.get(i + 2).and_then(|&b| hex(b)))
        {
            out.push((h * 16 + l) as u8);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_part_has_its_range() {
        let v = "imap+insecure+plain://me%40x.org:p%3Ass@Mail.x.org:1143/INBOX?a=b";
        let u = parse(v).unwrap();
        assert_eq!(u.protocol, "imap");
        assert_eq!(&v[u.insecure.clone().unwrap()], "+insecure");
        assert_eq!(u.mechanism.as_deref(), Some("plain"));
        assert_eq!(&v[u.scheme_range.clone()], "imap+insecure+plain");
        assert_eq!(u.user.as_ref().unwrap().0, "me@x.org");
        assert_eq!(&v[u.password.clone().unwrap()], "p%3Ass");
        assert_eq!(u.host.as_ref().unwrap().0, "mail.x.org");
        assert_eq!(&v[u.host.as_ref().unwrap().1.clone()], "Mail.x.org");
        assert_eq!(u.port.as_ref().unwrap().0, Some(1143));
        assert_eq!(&v[u.port.as_ref().unwrap().1.clone()], "1143");
    }

    #[test]
    fn no_port_no_user_and_not_a_url() {
        let u = parse("smtps+oauthbearer://smtp.x.org").unwrap();
        assert_eq!((u.user, u.password, u.port), (None, None, None));
        assert_eq!(u.host_end, "smtps+oauthbearer://smtp.x.org".len());
        assert_eq!(u.mechanism.as_deref(), Some("oauthbearer"));
        assert!(parse("/usr/bin/msmtp").is_none());
        let v6 = parse("imaps://[::1]:993").unwrap();
        assert_eq!(v6.host.unwrap().0, "::1");
    }
}
