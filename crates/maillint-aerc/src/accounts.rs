//! From `accounts.conf` sections to maillint's account model: one account per section, one
//! endpoint for `source` (IMAP) and one for `outgoing` (SMTP) when they name a server.
//!
//! What each scheme means comes from aerc's own code (rjarry/aerc at 018e6f81):
//!
//! * `worker/imap/connect.go`: `imap` runs `StartTLS` and fails without it; `imap+insecure`
//!   does not; `imaps` is TLS from the first byte and `imaps+insecure` sets
//!   `InsecureSkipVerify` (no certificate check). Without a port, the protocol name is the
//!   service (`addr += ":" + protocol`): 143 for `imap`, 993 for `imaps`, and no port at all
//!   for `+insecure`, whose service name does not exist.
//! * `lib/send/smtp.go`: `smtp` dials with `DialStartTLS` (fails without STARTTLS; aerc 0.15.0
//!   removed `smtp-starttls`, CHANGELOG), `smtp+insecure` without; `smtps` is TLS. Without a
//!   port: 587 for both `smtp` forms, 465 for `smtps`.
//! * `lib/auth/sasl.go`: the mechanism is `plain` unless written; `oauthbearer` and `xoauth2`
//!   use the URL's password as an OAuth2 token, `none` sends no credentials.
//!
//! `source-cred-cmd` and `outgoing-cred-cmd` are commands aerc runs for the password
//! (aerc-accounts(5)); maillint never runs them.

use std::ops::Range;

use maillint_core::{
    Account, AuthMethod, Endpoint, FileId, HostName, Located, Protocol, SecretKind, Security, Span,
    StoredSecret,
};

use crate::conf::{Entry, Section};
use crate::url::{self, AercUrl};

/// Where a fix may edit one endpoint's URL, in file offsets.
#[derive(Clone, Debug)]
pub(crate) struct UrlEdit {
    pub protocol: Protocol,
    /// The protocol word (`imap` of `imap+insecure`).
    pub protocol_word: Range<usize>,
    /// `+insecure`, with its `+`.
    pub insecure: Option<Range<usize>>,
    pub host: Option<Range<usize>>,
    pub port: Option<Range<usize>>,
    /// Where `:PORT` is inserted when no port is written.
    pub host_end: usize,
}

/// An account and the edit information of its endpoints.
pub(crate) struct BuiltAccount {
    pub account: Account,
    pub edits: Vec<UrlEdit>,
}

/// The account of one section, if `source` or `outgoing` names a server.
pub(crate) fn account(file: FileId, section: &Section) -> Option<BuiltAccount> {
    let span = |r: Range<usize>| Span::new(file, r.start, r.end);
    let mut endpoints = Vec::new();
    let mut edits = Vec::new();
    for (key, protocol) in [("source", Protocol::Imap), ("outgoing", Protocol::Smtp)] {
        let Some(entry) = section.get(key) else { continue };
        let Some(parsed) = url::parse(&entry.value) else { continue };
        let Some((endpoint, edit)) = endpoint(file, section, entry, &parsed, protocol) else {
            continue;
        };
        endpoints.push(endpoint);
        edits.push(edit);
    }
    if endpoints.is_empty() {
        return None;
    }
    let email = section.get("from").and_then(|from| {
        let range = address_in(&from.value)?;
        let at = from.range.start + range.start..from.range.start + range.end;
        Some(Located::explicit(from.value[range].to_owned(), span(at)))
    });
    let name = match &email {
        Some(email) => format!("{} ({})", section.name, email.value),
        None => section.name.clone(),
    };
    let account = Account {
        client: crate::CLIENT,
        name,
        email,
        span: span(section.header.clone()),
        endpoints,
    };
    Some(BuiltAccount { account, edits })
}

/// The scheme's security, and whether certificate checks are off.
fn security_of(url: &AercUrl, protocol: Protocol) -> Option<(Security, bool, &'static str)> {
    let insecure = url.insecure.is_some();
    Some(match (protocol, url.protocol.as_str(), insecure) {
        (Protocol::Imap, "imap", false) => (
            Security::StarttlsRequired,
            false,
            "imap:// runs STARTTLS and fails without it (aerc worker/imap/connect.go)",
        ),
        (Protocol::Smtp, "smtp", false) => (
            Security::StarttlsRequired,
            false,
            "smtp:// dials with STARTTLS and fails without it (aerc lib/send/smtp.go, since 0.15.0)",
        ),
        (Protocol::Imap, "imap", true) | (Protocol::Smtp, "smtp", true) => {
            (Security::None, false, "+insecure turns STARTTLS off: no TLS at all")
        }
        (Protocol::Imap, "imaps", false) | (Protocol::Smtp, "smtps", false) => {
            (Security::ImplicitTls, false, "the s scheme means TLS from the first byte")
        }
        (Protocol::Imap, "imaps", true) => (
            Security::ImplicitTls,
            true,
            "imaps+insecure is TLS without a certificate check (InsecureSkipVerify)",
        ),
        _ => return None,
    })
}

/// aerc's port when none is written.
fn default_port(url: &AercUrl, protocol: Protocol) -> Option<(u16, &'static str)> {
    match (protocol, url.protocol.as_str(), url.insecure.is_some()) {
        (Protocol::Imap, "imap", false) => {
            Some((143, "no port: aerc dials the `imap` service, 143 (worker/imap/connect.go)"))
        }
        (Protocol::Imap, "imaps", false) => {
            Some((993, "no port: aerc dials the `imaps` service, 993 (worker/imap/connect.go)"))
        }
        (Protocol::Smtp, "smtp", _) => {
            Some((587, "no port: aerc uses the submission port 587 (lib/send/smtp.go)"))
        }
        (Protocol::Smtp, "smtps", _) => {
            Some((465, "no port: aerc uses the smtps port 465 (lib/send/smtp.go)"))
        }
        _ => None,
    }
}

fn endpoint(
    file: FileId,
    section: &Section,
    entry: &Entry,
    url: &AercUrl,
    protocol: Protocol,
) -> Option<(Endpoint, UrlEdit)> {
    let at = |r: &Range<usize>| entry.range.start + r.start..entry.range.start + r.end;
    let span = |r: Range<usize>| Span::new(file, r.start, r.end);
    let (security, no_checks, reason) = security_of(url, protocol)?;
    let (host_value, host_range) = url.host.clone()?;
    let scheme_span = span(at(&url.scheme_range));
    let host_end = entry.range.start + url.host_end;
    let port = match &url.port {
        Some((Some(port), range)) => Some(Located::explicit(*port, span(at(range)))),
        Some((None, _)) => None,
        None => default_port(url, protocol)
            .map(|(port, why)| Located::default(port, Span::point(file, host_end), why)),
    };
    let secret_kind = match url.mechanism.as_deref() {
        Some("oauthbearer" | "xoauth2") => SecretKind::Token,
        _ => SecretKind::Password,
    };
    let secrets: Vec<StoredSecret> = url
        .password
        .iter()
        .filter(|r| !r.is_empty())
        .map(|r| StoredSecret {
            kind: secret_kind,
            setting: format!("{} (password in the URL)", entry.key),
            span: span(at(r)),
        })
        .collect();
    let endpoint = Endpoint {
        protocol,
        host: Some(Located::explicit(HostName::new(&host_value), span(at(&host_range)))),
        port: port.clone(),
        security: Located::derived(security, scheme_span, reason),
        auth: auth(url, section, entry, scheme_span),
        username: url.user.as_ref().map(|(u, r)| Located::explicit(u.clone(), span(at(r)))),
        certificate_verification_disabled: no_checks.then(|| Located::explicit(true, scheme_span)),
        secrets,
        tls_versions: Vec::new(),
        span: span(entry.range.clone()),
        locator: format!(
            "{}{}://{host_value}:{}",
            url.protocol,
            if url.insecure.is_some() { "+insecure" } else { "" },
            port.as_ref().map_or_else(|| "?".to_owned(), |p| p.value.to_string())
        ),
    };
    let edit = UrlEdit {
        protocol,
        protocol_word: at(&url.protocol_range),
        insecure: url.insecure.as_ref().map(at),
        host: Some(at(&host_range)),
        port: url.port.as_ref().map(|(_, r)| at(r)),
        host_end,
    };
    Some((endpoint, edit))
}

/// The mechanism: written in the scheme, else `plain` (`lib/auth/sasl.go`).
fn auth(url: &AercUrl, section: &Section, entry: &Entry, scheme: Span) -> Located<AuthMethod> {
    let method = match url.mechanism.as_deref() {
        Some("oauthbearer" | "xoauth2") => AuthMethod::Oauth2,
        Some("none") => AuthMethod::None,
        Some("plain" | "login") => AuthMethod::PasswordCleartext,
        Some(_) => AuthMethod::Unknown,
        None => {
            let command = format!("{}-cred-cmd", entry.key);
            let from = if section.get(&command).is_some() {
                format!(
                    "no mechanism in the scheme: aerc uses PLAIN, with the password `{command}` prints"
                )
            } else {
                "no mechanism in the scheme: aerc uses PLAIN (lib/auth/sasl.go)".to_owned()
            };
            return Located::default(AuthMethod::PasswordCleartext, scheme, from);
        }
    };
    Located::explicit(method, scheme)
}

/// The address in `Name <me@example.org>` or `me@example.org`.
fn address_in(text: &str) -> Option<Range<usize>> {
    if let (Some(open), Some(close)) = (text.rfind('<'), text.rfind('>'))
        && open < close
        && text[open + 1..close].contains('@')
    {
        return Some(open + 1..close);
    }
    let trimmed = text.trim();
    let start = text.len() - text.trim_start().len();
    (trimmed.contains('@') && !trimmed.contains(' ')).then(|| start..start + trimmed.len())
}
