//! The 1.x layout: `backend.*` (the IMAP backend, `backend.type = "imap"`) and
//! `message.send.backend.*` (SMTP, `type = "smtp"`) in `[accounts.NAME]`.
//!
//! Keys and values from himalaya's `config.sample.toml` at v1.1.0 (the same at v1.0.0 and
//! v1.2.0): `host`, `port`, `encryption.type` = `tls` | `start-tls` | `none`, `login`,
//! `auth.type` = `password` (with `auth.raw`, `auth.keyring` or `auth.cmd`) | `oauth2` (with
//! `client-secret`, `access-token`, `refresh-token`, each `.raw`/`.keyring`/`.cmd`).
//! Defaults from email-lib 0.26 (pimalaya/core), which himalaya 1.x deserialises into:
//! `email/src/tls.rs` `impl Default for Encryption` is `Tls`, and `ImapConfig` /
//! `SmtpConfig::is_encryption_enabled` (`email/src/imap/config.rs`, `smtp/config.rs`) count a
//! missing `encryption` as TLS; `port` is a required `u16`; `start-tls` upgrades the
//! connection or fails (`email/src/imap/mod.rs` `build`).

use maillint_core::builtin::ParseError;
use maillint_core::{
    AuthMethod, Diagnostic, Endpoint, FileId, HostName, Located, Protocol, SecretKind, Security,
    Span, StoredSecret,
};
use toml::de::DeTable;

use crate::anchor::Anchor;
use crate::doc::{self, Entry};

/// What a fix needs to rewrite one 1.x endpoint: the value spans of its keys.
#[derive(Clone, Debug)]
pub(crate) struct KeysEdit {
    /// `host`'s value.
    pub host: std::ops::Range<usize>,
    /// `port`'s value.
    pub port: Option<std::ops::Range<usize>>,
    /// `encryption.type`'s value.
    pub encryption: Option<std::ops::Range<usize>>,
    /// Where missing keys go: after `host`.
    pub anchor: Option<Anchor>,
}

/// The backend tables of one account in the 1.x layout, with their protocol.
pub(crate) fn endpoints(
    file: FileId,
    text: &str,
    account: &DeTable<'_>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<(Endpoint, KeysEdit)> {
    let places: [(&[&str], &str, Protocol); 2] = [
        (&["backend"], "imap", Protocol::Imap),
        (&["message", "send", "backend"], "smtp", Protocol::Smtp),
    ];
    let mut out = Vec::new();
    for (path, kind, protocol) in places {
        let Some(backend) = doc::path(account, path).and_then(|e| e.table()) else { continue };
        if doc::get(backend, "type").and_then(|t| t.str()) != Some(kind) {
            continue; // maildir, notmuch, sendmail: nothing on the network.
        }
        let prefix = path.join(".");
        if let Some(built) = endpoint(file, text, &prefix, protocol, backend, diagnostics) {
            out.push(built);
        }
    }
    out
}

fn endpoint(
    file: FileId,
    text: &str,
    prefix: &str,
    protocol: Protocol,
    backend: &DeTable<'_>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<(Endpoint, KeysEdit)> {
    let span = |e: &Entry<'_, '_>| {
        let r = doc::literal_content(text, e).unwrap_or_else(|| e.span());
        Span::new(file, r.start, r.end)
    };
    let host_entry = doc::get(backend, "host")?;
    let host = host_entry.str()?;
    let port = doc::get(backend, "port");
    let encryption = doc::path(backend, &["encryption", "type"]);
    let security = security(file, prefix, encryption, span(&host_entry), diagnostics);
    let (auth, secrets) = auth(file, text, prefix, backend);
    let endpoint = Endpoint {
        protocol,
        host: Some(Located::explicit(HostName::new(host), span(&host_entry))),
        port: port.and_then(|p| Some(Located::explicit(p.int::<u16>()?, span(&p)))),
        security,
        auth,
        username: doc::get(backend, "login")
            .and_then(|l| Some(Located::explicit(l.str()?.to_owned(), span(&l)))),
        certificate_verification_disabled: None,
        secrets,
        tls_versions: Vec::new(),
        span: Span::new(file, host_entry.span().start, host_entry.span().end),
        locator: format!("{prefix}:{host}"),
    };
    let edit = KeysEdit {
        host: host_entry.span(),
        port: port.map(|p| p.span()),
        encryption: encryption.map(|e| e.span()),
        anchor: Anchor::after(text, &host_entry),
    };
    Some((endpoint, edit))
}

fn security(
    file: FileId,
    prefix: &str,
    encryption: Option<Entry<'_, '_>>,
    host: Span,
    diagnostics: &mut Vec<Diagnostic>,
) -> Located<Security> {
    let Some(entry) = encryption else {
        let why = format!(
            "no `{prefix}.encryption`: himalaya 1.x uses TLS (email-lib's `Encryption::default()`)"
        );
        return Located::default(
            Security::ImplicitTls,
            Span::new(file, host.range.end as usize, host.range.end as usize),
            why,
        );
    };
    let at = Span::new(file, entry.span().start, entry.span().end);
    let security = match entry.str() {
        Some("tls") => Security::ImplicitTls,
        Some("start-tls") => Security::StarttlsRequired,
        Some("none") => Security::None,
        _ => {
            diagnostics.push(Diagnostic::new(
                ParseError::metadata(),
                at,
                format!(
                    "himalaya 1.x reads `{prefix}.encryption.type` as \"tls\", \"start-tls\" or \
                     \"none\" (email-lib `Encryption`) and refuses the file with any other value"
                ),
            ));
            Security::Unknown
        }
    };
    Located::explicit(security, at)
}

/// `auth.type` and the literal secrets of the auth table.
fn auth(
    file: FileId,
    text: &str,
    prefix: &str,
    backend: &DeTable<'_>,
) -> (Located<AuthMethod>, Vec<StoredSecret>) {
    let Some(table) = doc::get(backend, "auth").and_then(|a| a.table()) else {
        let at = Span::point(file, 0);
        return (Located::default(AuthMethod::Unknown, at, "no `auth` table"), Vec::new());
    };
    let kind = doc::get(table, "type");
    let method = match kind.and_then(|k| k.str()) {
        Some("password") => AuthMethod::PasswordCleartext,
        Some("oauth2") => AuthMethod::Oauth2,
        _ => AuthMethod::Unknown,
    };
    let auth = match kind {
        Some(kind) => {
            Located::explicit(method, Span::new(file, kind.span().start, kind.span().end))
        }
        None => Located::default(method, Span::point(file, 0), "no `auth.type`"),
    };
    let holders: [(&[&str], SecretKind); 4] = [
        (&["raw"], SecretKind::Password),
        (&["client-secret", "raw"], SecretKind::Token),
        (&["access-token", "raw"], SecretKind::Token),
        (&["refresh-token", "raw"], SecretKind::Token),
    ];
    let mut secrets = Vec::new();
    for (path, kind) in holders {
        let Some(raw) = doc::path(table, path).filter(|e| e.str().is_some_and(|s| !s.is_empty()))
        else {
            continue;
        };
        let r = doc::literal_content(text, &raw).unwrap_or_else(|| raw.span());
        let setting = format!("{prefix}.auth.{}", path.join("."));
        secrets.push(StoredSecret { kind, setting, span: Span::new(file, r.start, r.end) });
    }
    (auth, secrets)
}
