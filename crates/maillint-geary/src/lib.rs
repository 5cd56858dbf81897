//! Geary's accounts: one `geary.ini` (a GLib key file) per account folder.
//!
//! ```text
//! [Metadata]
//! version=1
//!
//! [Account]
//! service_provider=other
//! sender_mailboxes=Alice <alice@example.org>;
//!
//! [Incoming]
//! login=alice
//! host=imap.example.org
//! port=993
//! transport_security=transport
//! credentials=custom
//!
//! [Outgoing]
//! host=smtp.example.org
//! port=587
//! transport_security=start-tls
//! credentials=use-incoming
//! ```
//!
//! Only accounts of `service_provider=other` name their servers: for Gmail and Outlook.com,
//! and for accounts of GNOME Online Accounts (`[Metadata] goa_id`), Geary takes them from its
//! own code or from GOA, and the file has none to check. Passwords are in the keyring.

mod client;
mod layout;
mod service;

use std::path::Path;
use std::sync::Arc;

use maillint_core::builtin::ParseError;
use maillint_core::ini::{IniDialect, IniFile};
use maillint_core::parser::{HeadNeedle, head_text};
use maillint_core::{
    Account, Confidence, Diagnostic, Edit, FieldChange, FileId, Located, LowerError, ParseOptions,
    ParsedUnit, Parser, Security, Sources,
};

pub use client::{CLIENT, Geary};

use crate::layout::LEGACY_GROUP;

/// The parser of `geary.ini`.
#[derive(Debug, Default, Clone, Copy)]
pub struct GearyParser;

impl Parser for GearyParser {
    fn name(&self) -> &'static str {
        "geary"
    }

    fn client(&self) -> maillint_core::Client {
        CLIENT
    }

    /// By name: `geary.ini`. By content: an `[Incoming]` or `[Outgoing]` group with a
    /// `transport_security`, or the legacy `[AccountInformation]` with `primary_email`.
    fn highest_confidence(&self) -> Confidence {
        Confidence::Name
    }

    fn detect(&self, path: &Path, head: &[u8]) -> Option<Confidence> {
        if maillint_core::parser::file_name(path).is_some_and(|n| n == "geary.ini") {
            return Some(Confidence::Name);
        }
        // A match needs one of these keys; most files a walk meets have neither.
        static SECURITY: HeadNeedle = HeadNeedle::new("transport_security");
        static EMAIL: HeadNeedle = HeadNeedle::new("primary_email");
        if !SECURITY.is_in(head) && !EMAIL.is_in(head) {
            return None;
        }
        // One pass without allocating: detection runs on every file a walk meets.
        let (mut service, mut security, mut legacy, mut email) = (false, false, false, false);
        for line in head_text(head).lines().map(str::trim) {
            service |= line == "[Incoming]" || line == "[Outgoing]";
            security |= line.starts_with("transport_security");
            legacy |= line == "[AccountInformation]";
            email |= line.starts_with("primary_email");
        }
        ((service && security) || (legacy && email)).then_some(Confidence::Content)
    }

    fn parse(&self, root: FileId, sources: &mut Sources, _options: &ParseOptions) -> ParsedUnit {
        let file = IniFile::new(root, Arc::clone(sources.get(root)), IniDialect::GKEYFILE);
        let mut diagnostics = Vec::new();
        let account = account(&file, &mut diagnostics);
        ParsedUnit { accounts: account.into_iter().collect(), diagnostics, ..ParsedUnit::default() }
    }

    /// The versioned layout writes `port`, `host` and `transport_security` in the service's
    /// group; the legacy one writes `imap_`/`smtp_` keys, and its security is two flags.
    fn lower(
        &self,
        unit: &ParsedUnit,
        sources: &Sources,
        account: usize,
        endpoint: usize,
        changes: &[FieldChange],
    ) -> Result<Vec<Edit>, LowerError> {
        let endpoint = &unit.accounts[account].endpoints[endpoint];
        let (group, prefix) = endpoint
            .locator
            .split_once('\u{1f}')
            .ok_or_else(|| LowerError("not a Geary endpoint".to_owned()))?;
        let file = IniFile::new(
            endpoint.span.file,
            Arc::clone(sources.get(endpoint.span.file)),
            IniDialect::GKEYFILE,
        );
        let mut settings: Vec<(String, String)> = Vec::new();
        for change in changes {
            match change {
                FieldChange::Port(port) => {
                    settings.push((format!("{prefix}port"), port.to_string()))
                }
                FieldChange::Host(host) => settings.push((format!("{prefix}host"), host.clone())),
                FieldChange::Security(security) if group == LEGACY_GROUP => {
                    let (ssl, starttls) = legacy_flags(*security)?;
                    settings.push((format!("{prefix}ssl"), ssl.to_string()));
                    settings.push((format!("{prefix}starttls"), starttls.to_string()));
                }
                FieldChange::Security(security) => {
                    let nick = service::nick(*security).ok_or_else(|| no_method(*security))?;
                    settings.push(("transport_security".to_owned(), nick.to_owned()));
                }
                _ => return Err(LowerError(format!("Geary has no setting for {change:?}"))),
            }
        }
        Ok(file.set_all(group, &settings))
    }
}

fn no_method(security: Security) -> LowerError {
    LowerError(format!("Geary has no TLS method for {security}"))
}

/// The legacy `ssl` and `starttls` flags for a security.
fn legacy_flags(security: Security) -> Result<(bool, bool), LowerError> {
    match security {
        Security::ImplicitTls => Ok((true, false)),
        Security::StarttlsRequired => Ok((false, true)),
        Security::None => Ok((false, false)),
        Security::StarttlsOptional | Security::Unknown => Err(no_method(security)),
    }
}

/// The account of a `geary.ini`, when it names its own servers.
fn account(file: &IniFile, diagnostics: &mut Vec<Diagnostic>) -> Option<Account> {
    // `[Metadata] goa_id`: the servers come from GNOME Online Accounts.
    if file.value(Some("Metadata"), "goa_id").is_some() {
        return None;
    }
    // `version` is read with `get_int` (0 when missing or not a number).
    let written = file.value(Some("Metadata"), "version");
    let version = written.map_or(0, |(v, _)| v.trim().parse::<i64>().unwrap_or(0));
    let group = match version {
        0 => LEGACY_GROUP,
        1 => "Account",
        other => {
            let at = written.map_or_else(|| file.whole(), |(_, span)| span);
            let message = format!("config version {other} is not one Geary reads (0 or 1)");
            diagnostics.push(Diagnostic::new(ParseError::metadata(), at, message));
            return None;
        }
    };
    if !is_other_provider(file, group, diagnostics) {
        return None;
    }
    let endpoints = match version {
        0 => layout::legacy_endpoints(file, diagnostics),
        _ => layout::v1_endpoints(file, diagnostics),
    };
    if endpoints.is_empty() {
        return None;
    }
    let email = email(file, version);
    let name = email.as_ref().map_or_else(|| folder_name(file), |e| e.value.clone());
    Some(Account { client: CLIENT, name, email, span: file.whole(), endpoints })
}

/// `service_provider` (required; `gmail`, `outlook` or `other`, without case).
fn is_other_provider(file: &IniFile, group: &str, diagnostics: &mut Vec<Diagnostic>) -> bool {
    match file.value(Some(group), "service_provider") {
        Some((provider, _)) => provider.eq_ignore_ascii_case("other"),
        None => {
            let message =
                format!("[{group}] has no `service_provider`: Geary refuses to load the account");
            diagnostics.push(Diagnostic::new(
                ParseError::metadata(),
                file.insert_at(group),
                message,
            ));
            false
        }
    }
}

/// The address the account sends as: the first of `[Account] sender_mailboxes` (a GKeyFile
/// string list, `;`-separated, of `Name <address>` mailboxes), or the legacy `primary_email`.
fn email(file: &IniFile, version: i64) -> Option<Located<String>> {
    let (text, span) = match version {
        0 => file.value(Some(LEGACY_GROUP), "primary_email")?,
        _ => file.value(Some("Account"), "sender_mailboxes")?,
    };
    let first = text.split(';').next()?.trim();
    let address = match (first.rfind('<'), first.rfind('>')) {
        (Some(open), Some(close)) if open < close => &first[open + 1..close],
        _ => first,
    };
    (!address.is_empty()).then(|| Located::explicit(address.to_owned(), span))
}

/// The account folder's name (`account_01`, or the address in the old layout).
fn folder_name(file: &IniFile) -> String {
    let folder = file.source.path().parent().and_then(Path::file_name);
    folder.map_or_else(|| "geary".to_owned(), |name| name.to_string_lossy().into_owned())
}

#[cfg(test)]
mod tests;
