//! The two layouts of `geary.ini`: `[Metadata] version=1` with `[Account]`, `[Incoming]` and
//! `[Outgoing]` (`AccountConfigV1`, `ServiceConfigV1`), and the unversioned one with every key
//! in `[AccountInformation]` behind an `imap_` or `smtp_` prefix (`AccountConfigLegacy`,
//! `ServiceConfigLegacy`), all in `src/client/accounts/accounts-manager.vala`.

use maillint_core::builtin::ParseError;
use maillint_core::ini::IniFile;
use maillint_core::{Diagnostic, Endpoint, Located, Protocol, Security, Span};

use crate::service::{Credentials, Service, TLS_METHODS};

/// The legacy layout's one group (`AccountConfigLegacy.GROUP`).
pub const LEGACY_GROUP: &str = "AccountInformation";

/// The services of the versioned layout: `[Incoming]` is IMAP, `[Outgoing]` SMTP.
pub fn v1_endpoints(file: &IniFile, diagnostics: &mut Vec<Diagnostic>) -> Vec<Endpoint> {
    let mut endpoints = Vec::new();
    for (group, protocol) in [("Incoming", Protocol::Imap), ("Outgoing", Protocol::Smtp)] {
        let mut service = Service { file, protocol, group, prefix: "", diagnostics };
        let security = v1_security(&mut service);
        let credentials = v1_credentials(&mut service);
        endpoints.extend(service.endpoint(security, credentials, false));
    }
    endpoints
}

/// `transport_security`: required, one of [`TLS_METHODS`]; anything else makes Geary refuse
/// the account.
fn v1_security(service: &mut Service<'_>) -> Located<Security> {
    let Some((word, span)) = service.value("transport_security") else {
        let at = service.file.insert_at(service.group);
        refused(service, at, "has no `transport_security`");
        return Located::default(Security::Unknown, at, "`transport_security` is missing");
    };
    let lower = word.to_ascii_lowercase();
    match TLS_METHODS.iter().find(|(nick, _)| *nick == lower) {
        Some(&(_, security)) => Located::explicit(security, span),
        None => {
            refused(
                service,
                span,
                "has a `transport_security` that is not none, start-tls or transport",
            );
            Located::derived(Security::Unknown, span, "not a TLS method Geary knows")
        }
    }
}

/// `credentials` (`Credentials.Requirement`): required; the default only matters for the
/// port when it is missing (SMTP `use-incoming`, IMAP `custom`, `ServiceInformation ()`).
fn v1_credentials(service: &mut Service<'_>) -> Credentials {
    let fallback = match service.protocol {
        Protocol::Smtp => Credentials::UseIncoming,
        _ => Credentials::Custom,
    };
    let Some((word, span)) = service.value("credentials") else {
        let at = service.file.insert_at(service.group);
        refused(service, at, "has no `credentials`");
        return fallback;
    };
    match word.to_ascii_lowercase().as_str() {
        "none" => Credentials::None,
        "use-incoming" => Credentials::UseIncoming,
        "custom" => Credentials::Custom,
        _ => {
            refused(service, span, "has `credentials` that are not none, use-incoming or custom");
            fallback
        }
    }
}

fn refused(service: &mut Service<'_>, at: Span, what: &str) {
    let message = format!("[{}] {what}: Geary refuses to load the account", service.group);
    service.diagnostics.push(Diagnostic::new(ParseError::metadata(), at, message));
}

/// The services of the legacy layout.
pub fn legacy_endpoints(file: &IniFile, diagnostics: &mut Vec<Diagnostic>) -> Vec<Endpoint> {
    let mut endpoints = Vec::new();
    for (prefix, protocol) in [("imap_", Protocol::Imap), ("smtp_", Protocol::Smtp)] {
        let mut service = Service { file, protocol, group: LEGACY_GROUP, prefix, diagnostics };
        let security = legacy_security(&service);
        let credentials = legacy_credentials(&service);
        endpoints.extend(service.endpoint(security, credentials, true));
    }
    endpoints
}

/// A GKeyFile boolean (`g_key_file_get_boolean`: `true`/`1`, `false`/`0`; anything else
/// fails, and Geary's `get_bool` keeps the default).
fn boolean(service: &Service<'_>, key: &str) -> Option<(bool, Span)> {
    let (text, span) = service.value(key)?;
    match text {
        "true" | "1" => Some((true, span)),
        "false" | "0" => Some((false, span)),
        _ => None,
    }
}

/// `ssl` (default true for IMAP, false for SMTP), then `starttls` (default true): TLS from
/// the start when `ssl`, else STARTTLS when `starttls`, else none.
fn legacy_security(service: &Service<'_>) -> Located<Security> {
    let ssl = boolean(service, "ssl");
    let starttls = boolean(service, "starttls");
    let ssl_on = ssl.map_or(service.protocol == Protocol::Imap, |(on, _)| on);
    let starttls_on = starttls.is_none_or(|(on, _)| on);
    let security = match (ssl_on, starttls_on) {
        (true, _) => Security::ImplicitTls,
        (false, true) => Security::StarttlsRequired,
        (false, false) => Security::None,
    };
    // The setting that decided it: `ssl` when it is on, else `starttls`, else `ssl`.
    let decided = if ssl_on { ssl } else { starttls.or(ssl) };
    match decided {
        Some((_, span)) => Located::derived(security, span, "from the `ssl` and `starttls` flags"),
        None => Located::default(
            security,
            service.file.insert_at(LEGACY_GROUP),
            "Geary's defaults: `ssl` for IMAP, `starttls` for SMTP",
        ),
    }
}

/// SMTP: `smtp_use_imap_credentials` (default: whether a login is known, and the legacy loader
/// always knows one, the address), else `smtp_noauth` (default false).
fn legacy_credentials(service: &Service<'_>) -> Credentials {
    if service.protocol != Protocol::Smtp {
        return Credentials::Custom;
    }
    let unprefixed = Service { prefix: "", diagnostics: &mut Vec::new(), ..*service };
    if boolean(&unprefixed, "smtp_use_imap_credentials").is_none_or(|(on, _)| on) {
        Credentials::UseIncoming
    } else if boolean(&unprefixed, "smtp_noauth").is_some_and(|(on, _)| on) {
        Credentials::None
    } else {
        Credentials::Custom
    }
}
