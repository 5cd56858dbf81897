//! KMail's servers, as KDE PIM keeps them in KConfig files in `$XDG_CONFIG_HOME`:
//!
//! * each IMAP account is an Akonadi resource, `akonadi_imap_resource_<N>rc`, whose `[network]`
//!   group names the server (`ImapServer`, `ImapPort`, `Safety`, `Authentication`, `UserName`;
//!   kdepim-runtime `resources/imap/imapresource.kcfg`);
//! * the outgoing servers are `[Transport <id>]` groups of `mailtransports` (`host`, `port`,
//!   `encryption`, `auth`, `authtype`, `user`, `storepass`, and a scrambled `password` when
//!   the wallet was not available; kmailtransport `src/mailtransport.kcfg`).
//!
//! Each file is its own unit: which identity uses which transport is in KMail's own files,
//! which hold no server.

mod client;
mod imap;
mod kconfig;
mod transport;

use std::path::Path;
use std::sync::Arc;

use maillint_core::parser::{HeadNeedle, head_text};
use maillint_core::{
    Confidence, Edit, Endpoint, FieldChange, FileId, LowerError, ParseOptions, ParsedUnit, Parser,
    Security, Sources,
};

pub use client::{CLIENT, Kmail};

use crate::kconfig::KConfigFile;

/// The parser of an Akonadi IMAP resource's settings.
#[derive(Debug, Default, Clone, Copy)]
pub struct ImapResourceParser;

/// The parser of kmailtransport's `mailtransports`.
#[derive(Debug, Default, Clone, Copy)]
pub struct MailTransportsParser;

/// The lines of a file's head, trimmed, without blanks and comments. Detection runs on every
/// file a walk meets: nothing is allocated when the head is UTF-8.
fn head_lines(text: &str) -> impl Iterator<Item = &str> {
    text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#'))
}

fn file_name(path: &Path) -> &str {
    maillint_core::parser::file_name(path).and_then(|n| n.to_str()).unwrap_or_default()
}

fn key_file(root: FileId, sources: &Sources) -> KConfigFile {
    KConfigFile::new(root, Arc::clone(sources.get(root)))
}

/// The edits that set one key per change, in the group `group` of the endpoint's file.
fn set_values<'a>(
    sources: &Sources,
    endpoint: &Endpoint,
    group: &str,
    changes: impl Iterator<Item = Result<(&'a str, String), LowerError>>,
) -> Result<Vec<Edit>, LowerError> {
    let file = key_file(endpoint.span.file, sources);
    changes
        .map(|change| {
            let (key, value) = change?;
            Ok(file.0.set(group, key, &value))
        })
        .collect()
}

fn no_word(security: Security) -> LowerError {
    LowerError(format!("KMail has no setting for {security}"))
}

impl Parser for ImapResourceParser {
    fn name(&self) -> &'static str {
        "kmail-imap-resource"
    }

    fn client(&self) -> maillint_core::Client {
        CLIENT
    }

    /// By name: `akonadi_imap_resource_<N>rc`. By content: a `[network]` group with an
    /// `ImapServer` entry.
    fn highest_confidence(&self) -> Confidence {
        Confidence::Name
    }

    fn detect(&self, path: &Path, head: &[u8]) -> Option<Confidence> {
        let name = file_name(path);
        if maillint_core::client::name_matches(name, "akonadi_imap_resource_", "rc") {
            return Some(Confidence::Name);
        }
        static NETWORK: HeadNeedle = HeadNeedle::new("[network]");
        static SERVER: HeadNeedle = HeadNeedle::new("ImapServer");
        if !NETWORK.is_in(head) || !SERVER.is_in(head) {
            return None;
        }
        let text = head_text(head);
        let mut lines = head_lines(&text).skip_while(|l| *l != "[network]");
        lines.next()?;
        lines.any(|l| l.starts_with("ImapServer")).then_some(Confidence::Content)
    }

    fn parse(&self, root: FileId, sources: &mut Sources, _options: &ParseOptions) -> ParsedUnit {
        let file = key_file(root, sources);
        ParsedUnit { accounts: imap::account(&file).into_iter().collect(), ..ParsedUnit::default() }
    }

    /// `Safety` takes the security, or `OverrideEncryption` when that is what decides it.
    fn lower(
        &self,
        unit: &ParsedUnit,
        sources: &Sources,
        account: usize,
        endpoint: usize,
        changes: &[FieldChange],
    ) -> Result<Vec<Edit>, LowerError> {
        let endpoint = &unit.accounts[account].endpoints[endpoint];
        let overridden = imap::is_overridden(&key_file(endpoint.span.file, sources));
        let values = changes.iter().map(|change| match change {
            FieldChange::Port(port) => Ok(("ImapPort", port.to_string())),
            FieldChange::Host(host) => Ok(("ImapServer", host.clone())),
            FieldChange::Security(security) if overridden => imap::override_word(*security)
                .map(|word| ("OverrideEncryption", word.to_owned()))
                .ok_or_else(|| no_word(*security)),
            FieldChange::Security(security) => imap::safety_word(*security)
                .map(|word| ("Safety", word.to_owned()))
                .ok_or_else(|| no_word(*security)),
            _ => Err(LowerError(format!("KMail has no setting for {change:?}"))),
        });
        set_values(sources, endpoint, imap::NETWORK, values)
    }
}

impl Parser for MailTransportsParser {
    fn name(&self) -> &'static str {
        "kmail-mailtransports"
    }

    fn client(&self) -> maillint_core::Client {
        CLIENT
    }

    /// By name: `mailtransports`. By content: a `[Transport <number>]` group.
    fn highest_confidence(&self) -> Confidence {
        Confidence::Name
    }

    fn detect(&self, path: &Path, head: &[u8]) -> Option<Confidence> {
        if file_name(path) == "mailtransports" {
            return Some(Confidence::Name);
        }
        let is_transport = |line: &str| {
            line.strip_prefix("[Transport ")
                .and_then(|rest| rest.strip_suffix(']'))
                .is_some_and(|id| !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()))
        };
        static TRANSPORT: HeadNeedle = HeadNeedle::new("[Transport ");
        if !TRANSPORT.is_in(head) {
            return None;
        }
        head_lines(&head_text(head)).any(is_transport).then_some(Confidence::Content)
    }

    fn parse(&self, root: FileId, sources: &mut Sources, _options: &ParseOptions) -> ParsedUnit {
        let file = key_file(root, sources);
        let (accounts, secrets) = transport::accounts(&file);
        ParsedUnit { accounts, secrets, ..ParsedUnit::default() }
    }

    fn lower(
        &self,
        unit: &ParsedUnit,
        sources: &Sources,
        account: usize,
        endpoint: usize,
        changes: &[FieldChange],
    ) -> Result<Vec<Edit>, LowerError> {
        let endpoint = &unit.accounts[account].endpoints[endpoint];
        let values = changes.iter().map(|change| match change {
            FieldChange::Port(port) => Ok(("port", port.to_string())),
            FieldChange::Host(host) => Ok(("host", host.clone())),
            FieldChange::Security(security) => transport::encryption_word(*security)
                .map(|word| ("encryption", word.to_owned()))
                .ok_or_else(|| no_word(*security)),
            _ => Err(LowerError(format!("KMail has no setting for {change:?}"))),
        });
        set_values(sources, endpoint, &endpoint.locator, values)
    }
}

#[cfg(test)]
mod tests;
