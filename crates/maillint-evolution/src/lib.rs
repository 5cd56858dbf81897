//! GNOME Evolution's mail accounts, as evolution-data-server keeps them: one GLib key file per
//! source in `$XDG_CONFIG_HOME/evolution/sources/<uid>.source`.
//!
//! A mail account is three sources: the account (`[Mail Account]`, with the IMAP or POP3
//! server in `[Authentication]` and `[Security]`), its identity (`[Mail Identity]` `Address`,
//! `[Mail Submission]` `TransportUid`) and the transport (`[Mail Transport]`, with the SMTP
//! server in the same two groups). Each server is reported from the file that holds it: the
//! account's file yields the store, with the address of the identity it names; the
//! transport's file yields the SMTP server, under the name and address of the account whose
//! identity sends through it. Other sources (calendars, address books, identities) hold no
//! server and yield nothing.
//!
//! ```text
//! [Data Source]
//! DisplayName=me@example.org
//!
//! [Mail Account]
//! BackendName=imapx
//! IdentityUid=1234.identity
//!
//! [Authentication]
//! Host=imap.example.org
//! Port=993
//! User=me
//! Method=PLAIN
//!
//! [Security]
//! Method=ssl-on-alternate-port
//! ```
//!
//! Passwords are never in these files: evolution-data-server keeps them in the keyring.

mod account;
mod client;
mod endpoint;
mod keyfile;

use std::path::Path;
use std::sync::Arc;

use maillint_core::builtin::ParseError;
use maillint_core::parser::{HeadNeedle, head_text};
use maillint_core::{
    Confidence, Diagnostic, Edit, FieldChange, FileId, LowerError, ParseOptions, ParsedUnit,
    Parser, Sources, Span,
};

pub use client::{CLIENT, Evolution};

use crate::account::Siblings;
use crate::keyfile::{
    AUTHENTICATION, DATA_SOURCE, KeyFile, MAIL_ACCOUNT, MAIL_TRANSPORT, SECURITY,
};

/// The parser of evolution-data-server's `.source` files.
#[derive(Debug, Default, Clone, Copy)]
pub struct EvolutionParser;

impl Parser for EvolutionParser {
    fn name(&self) -> &'static str {
        "evolution"
    }

    fn client(&self) -> maillint_core::Client {
        CLIENT
    }

    /// By path: a `.source` file in a folder `evolution/sources`. By content: a key file
    /// whose first group is `[Data Source]`, the group every source has and writes first.
    fn highest_confidence(&self) -> Confidence {
        Confidence::Name
    }

    fn detect(&self, path: &Path, head: &[u8]) -> Option<Confidence> {
        let named =
            |p: Option<&Path>, name: &str| p.and_then(Path::file_name).is_some_and(|n| n == name);
        // The folders only for a `.source` file: this runs for every file a walk meets.
        if maillint_core::parser::extension(path).is_some_and(|e| e == "source")
            && named(path.parent(), "sources")
            && named(path.parent().and_then(Path::parent), "evolution")
        {
            return Some(Confidence::Name);
        }
        static DATA_SOURCE: HeadNeedle = HeadNeedle::new("[Data Source]");
        if !DATA_SOURCE.is_in(head) {
            return None;
        }
        let text = head_text(head);
        let first = text.lines().map(str::trim).find(|l| !l.is_empty() && !l.starts_with('#'));
        (first == Some("[Data Source]")).then_some(Confidence::Content)
    }

    fn parse(&self, root: FileId, sources: &mut Sources, _options: &ParseOptions) -> ParsedUnit {
        let source = KeyFile::new(root, Arc::clone(sources.get(root)));
        let mut diagnostics = syntax_errors(&source);
        let mut siblings = Siblings { sources, diagnostics: Vec::new() };
        let account = if source.has_group(MAIL_ACCOUNT) {
            account::mail_account(&source, &mut siblings)
        } else if source.has_group(MAIL_TRANSPORT) {
            account::transport(&source, &mut siblings)
        } else {
            None
        };
        diagnostics.append(&mut siblings.diagnostics);
        ParsedUnit { accounts: account.into_iter().collect(), diagnostics, ..ParsedUnit::default() }
    }

    /// A value written in the file is replaced; one left to its default is written after its
    /// group's header (the group is added when the file has none).
    fn lower(
        &self,
        unit: &ParsedUnit,
        sources: &Sources,
        account: usize,
        endpoint: usize,
        changes: &[FieldChange],
    ) -> Result<Vec<Edit>, LowerError> {
        let endpoint = &unit.accounts[account].endpoints[endpoint];
        let file = endpoint::file_of(endpoint)
            .ok_or_else(|| LowerError("the endpoint has no file".to_owned()))?
            .file;
        let source = KeyFile::new(file, Arc::clone(sources.get(file)));
        changes
            .iter()
            .map(|change| {
                let (group, key, value) = match change {
                    FieldChange::Port(port) => (AUTHENTICATION, "Port", port.to_string()),
                    FieldChange::Host(host) => (AUTHENTICATION, "Host", host.clone()),
                    FieldChange::Security(security) => {
                        let nick = endpoint::nick(*security).ok_or_else(|| {
                            LowerError(format!("Evolution has no security method for {security}"))
                        })?;
                        (SECURITY, "Method", nick.to_owned())
                    }
                    _ => {
                        return Err(LowerError(format!("Evolution has no setting for {change:?}")));
                    }
                };
                Ok(source.0.set(group, key, &value))
            })
            .collect()
    }
}

/// What `g_key_file_load_from_data` refuses, and a `Port` that is not a number (the registry
/// cannot load the source then).
fn syntax_errors(source: &KeyFile) -> Vec<Diagnostic> {
    let mut diagnostics: Vec<Diagnostic> = source
        .invalid_lines()
        .into_iter()
        .map(|(span, message)| Diagnostic::new(ParseError::metadata(), span, message))
        .collect();
    if let Some((port, span)) = source.value(AUTHENTICATION, "Port")
        && !port.is_empty()
        && port.parse::<u16>().is_err()
    {
        diagnostics.push(Diagnostic::new(
            ParseError::metadata(),
            span,
            "`Port` is not a port number (0 to 65535)",
        ));
    }
    if !source.has_group(DATA_SOURCE)
        && (source.has_group(MAIL_ACCOUNT) || source.has_group(MAIL_TRANSPORT))
    {
        diagnostics.push(Diagnostic::new(
            ParseError::metadata(),
            Span::point(source.file(), 0),
            "no `[Data Source]` group: evolution-data-server does not load this source",
        ));
    }
    diagnostics
}

#[cfg(test)]
mod tests;
