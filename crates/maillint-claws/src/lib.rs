//! Claws Mail's accounts: `~/.claws-mail/accountrc`, one `[Account: <n>]` block per account,
//! and the passwords in `passwordstorerc` beside it.
//!
//! ```text
//! [Account: 1]
//! account_name=Work
//! address=alice@example.org
//! protocol=1
//! receive_server=imap.example.org
//! smtp_server=smtp.example.org
//! user_id=alice
//! ssl_imap=1
//! ssl_smtp=2
//! set_smtpport=1
//! smtp_port=587
//! ```
//!
//! `protocol` is `RecvProtocol` (0 POP3, 1 IMAP), `ssl_*` is `SSLType` (0 none, 1 SSL/TLS,
//! 2 STARTTLS), and a port counts only when its `set_*port` flag is on.

mod account;
mod client;
mod passwordstore;
mod rcfile;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use maillint_core::builtin::IoError;
use maillint_core::ini::{IniDialect, IniFile};
use maillint_core::parser::{HeadNeedle, head_text};
use maillint_core::{
    Confidence, Diagnostic, Edit, FieldChange, FileId, LowerError, ParseOptions, ParsedUnit,
    Parser, Sources, Span,
};

pub use client::{CLIENT, Claws};

use crate::account::{keys, ssl_number};
use crate::passwordstore::Stored;

/// The parser of Claws Mail's `accountrc` (with its `passwordstorerc`).
#[derive(Debug, Default, Clone, Copy)]
pub struct ClawsParser;

const ACCOUNT_RC: &str = "accountrc";
const PASSWORD_STORE_RC: &str = "passwordstorerc";

fn named(path: &Path, name: &str) -> bool {
    maillint_core::parser::file_name(path).is_some_and(|n| n == name)
}

impl Parser for ClawsParser {
    fn name(&self) -> &'static str {
        "claws-mail"
    }

    fn client(&self) -> maillint_core::Client {
        CLIENT
    }

    /// By name: `accountrc`, and `passwordstorerc` (parsed with the `accountrc` beside it). By
    /// content: a first line that is an `[Account: <n>]` header.
    fn highest_confidence(&self) -> Confidence {
        Confidence::Name
    }

    fn detect(&self, path: &Path, head: &[u8]) -> Option<Confidence> {
        if named(path, ACCOUNT_RC) || named(path, PASSWORD_STORE_RC) {
            return Some(Confidence::Name);
        }
        static ACCOUNT: HeadNeedle = HeadNeedle::new("[Account: ");
        if !ACCOUNT.is_in(head) {
            return None;
        }
        let text = head_text(head);
        let first = text.lines().map(str::trim).find(|l| !l.is_empty() && !l.starts_with('#'));
        first.is_some_and(|l| l.starts_with("[Account: ")).then_some(Confidence::Content)
    }

    fn unit_root(&self, path: &Path) -> PathBuf {
        match path.parent() {
            Some(folder) if named(path, PASSWORD_STORE_RC) => folder.join(ACCOUNT_RC),
            _ => path.to_path_buf(),
        }
    }

    fn parse(&self, root: FileId, sources: &mut Sources, _options: &ParseOptions) -> ParsedUnit {
        let file = IniFile::new(root, Arc::clone(sources.get(root)), IniDialect::GKEYFILE);
        let mut diagnostics = Vec::new();
        let store = password_store(&file, sources, &mut diagnostics);
        let mut secrets: Vec<Span> = store.iter().map(|s| s.span).collect();
        let mut accounts = Vec::new();
        // With a primary passphrase the stored passwords are encrypted with it.
        let readable = !primary_passphrase(&file, sources);
        for block in rcfile::blocks(&file) {
            let mut passwords = account::inline_passwords(&file, &block);
            secrets.extend(account::spans(&passwords));
            if readable {
                for stored in store.iter().filter(|s| s.account == block.id()) {
                    match stored.id.as_str() {
                        "recv" => passwords.receive.push(passwordstore::secret(stored)),
                        "send" => passwords.send.push(passwordstore::secret(stored)),
                        _ => {}
                    }
                }
            }
            accounts.extend(account::account(&file, &block, passwords));
        }
        ParsedUnit { accounts, diagnostics, secrets, ..ParsedUnit::default() }
    }

    /// `ssl_*` takes the `SSLType` number; a port is written with its `set_*port=1`.
    fn lower(
        &self,
        unit: &ParsedUnit,
        sources: &Sources,
        account: usize,
        endpoint: usize,
        changes: &[FieldChange],
    ) -> Result<Vec<Edit>, LowerError> {
        let endpoint = &unit.accounts[account].endpoints[endpoint];
        let (label, _) = endpoint
            .locator
            .split_once('\u{1f}')
            .ok_or_else(|| LowerError("not a Claws Mail endpoint".to_owned()))?;
        let file = endpoint.host.as_ref().map_or(endpoint.span.file, |h| h.span.file);
        let file = IniFile::new(file, Arc::clone(sources.get(file)), IniDialect::GKEYFILE);
        let keys = keys(endpoint.protocol);
        let mut values: Vec<(String, String)> = Vec::new();
        for change in changes {
            match change {
                FieldChange::Port(port) => {
                    values.push((keys.set_port.to_owned(), "1".to_owned()));
                    values.push((keys.port.to_owned(), port.to_string()));
                }
                FieldChange::Host(host) => values.push((keys.server.to_owned(), host.clone())),
                FieldChange::Security(security) => {
                    let number = ssl_number(*security).ok_or_else(|| {
                        LowerError(format!("Claws Mail has no SSL mode for {security}"))
                    })?;
                    values.push((keys.ssl.to_owned(), number.to_string()));
                }
                _ => return Err(LowerError(format!("Claws Mail has no setting for {change:?}"))),
            }
        }
        Ok(file.set_all(label, &values))
    }

    fn comment_leaders(&self) -> &'static [&'static str] {
        &["#"]
    }
}

/// The passwords of `passwordstorerc` beside `accountrc`, when it exists.
fn password_store(
    file: &IniFile,
    sources: &mut Sources,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Stored> {
    let Some(path) = file.source.path().parent().map(|f| f.join(PASSWORD_STORE_RC)) else {
        return Vec::new();
    };
    if sources.find(&path).is_none() && !path.is_file() {
        return Vec::new();
    }
    match sources.load(&path) {
        Ok(id) => passwordstore::read(id, sources.get(id).text()),
        Err(error) => {
            let message = format!("cannot read {}: {error}", path.display());
            diagnostics.push(Diagnostic::new(
                IoError::metadata(),
                Span::point(file.file, 0),
                message,
            ));
            Vec::new()
        }
    }
}

/// Whether `clawsrc` beside `accountrc` turns the primary passphrase on (`[Common]`
/// `use_master_passphrase`, a `P_BOOL`, default FALSE; `src/prefs_common.c`).
fn primary_passphrase(file: &IniFile, sources: &mut Sources) -> bool {
    let Some(path) = file.source.path().parent().map(|f| f.join("clawsrc")) else { return false };
    if sources.find(&path).is_none() && !path.is_file() {
        return false;
    }
    let Ok(id) = sources.load(&path) else { return false };
    let rc = IniFile::new(id, Arc::clone(sources.get(id)), IniDialect::GKEYFILE);
    rc.value(Some("Common"), "use_master_passphrase")
        .is_some_and(|(value, _)| !(value.is_empty() || value.starts_with('0')))
}

#[cfg(test)]
mod tests;
