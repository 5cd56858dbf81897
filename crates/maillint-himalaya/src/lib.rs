//! The himalaya parser of maillint.
//!
//! himalaya keeps its accounts in one TOML file (`~/.config/himalaya/config.toml`), one
//! `[accounts.NAME]` table each. Two layouts are in use:
//!
//! ```toml
//! # 1.x (v1.0.0 – v1.2.0): one backend table per feature
//! [accounts.work]
//! backend.type = "imap"
//! backend.host = "imap.example.org"
//! backend.port = 993
//! backend.encryption.type = "tls"          # or "start-tls", "none"
//! backend.auth.type = "password"
//! backend.auth.cmd = "pass show work"      # or auth.raw, auth.keyring
//! message.send.backend.type = "smtp"
//! message.send.backend.host = "smtp.example.org"
//!
//! # 2.x (v2.0.0 –): a server URL per protocol
//! [accounts.home]
//! imap.server = "imap://imap.example.org"  # a bare host is imaps://
//! imap.starttls = true
//! imap.sasl.plain.username = "me"
//! imap.sasl.plain.password.command = "pass show home"
//! smtp.server = "smtp.example.org:465"
//! ```
//!
//! Both are read, account by account ([`v1`], [`v2`]); [`doc`] keeps the span of every key and
//! value, [`lower`] writes fixes back. A `raw` secret is a plaintext secret; `cmd`, `command`
//! and `keyring` name a command or a keyring entry that himalaya uses, which maillint never
//! runs. [`client`] registers himalaya with maillint ([`Himalaya`]).

mod anchor;
pub mod client;
mod doc;
mod lower;
mod server;
mod v1;
mod v2;

use std::path::Path;
use std::sync::Arc;

use maillint_core::builtin::ParseError;
use maillint_core::parser::{HeadNeedle, head_text};
use maillint_core::{
    Account, Client, Confidence, Diagnostic, Edit, FieldChange, FileId, Located, LowerError,
    ParseOptions, ParsedUnit, Parser, RuleMeta, Sources, Span,
};
use toml::de::DeTable;

pub use client::{CLIENT, Himalaya};

use crate::lower::EndpointEdit;

/// The parser for himalaya's `config.toml`.
#[derive(Debug, Default, Clone, Copy)]
pub struct HimalayaParser;

/// What [`Parser::lower`] keeps from a parse.
struct LowerState {
    file: FileId,
    edits: Vec<Vec<EndpointEdit>>,
}

impl Parser for HimalayaParser {
    fn name(&self) -> &'static str {
        "himalaya"
    }

    fn client(&self) -> Client {
        CLIENT
    }

    /// `config.toml` in a `himalaya` folder, or `.himalayarc`, by name; by content, an
    /// `[accounts.…]` table with a backend key of either layout.
    fn highest_confidence(&self) -> Confidence {
        Confidence::Name
    }

    fn detect(&self, path: &Path, head: &[u8]) -> Option<Confidence> {
        let name = maillint_core::parser::file_name(path).and_then(|n| n.to_str());
        // The folder only for a `config.toml`: this runs for every file a walk meets.
        let folder = || path.parent().and_then(Path::file_name).and_then(|n| n.to_str());
        if name == Some(".himalayarc")
            || (name == Some("config.toml") && folder() == Some("himalaya"))
        {
            return Some(Confidence::Name);
        }
        // A content match needs a line starting with `[accounts.` (see `looks_like_config`).
        static ACCOUNTS: HeadNeedle = HeadNeedle::new("[accounts.");
        if !ACCOUNTS.is_in(head) {
            return None;
        }
        looks_like_config(&head_text(head)).then_some(Confidence::Content)
    }

    fn parse(&self, root: FileId, sources: &mut Sources, _options: &ParseOptions) -> ParsedUnit {
        let source = Arc::clone(sources.get(root));
        let (text, errors) = doc::repaired(source.text());
        let table = DeTable::parse_recoverable(&text).0;
        let mut diagnostics: Vec<Diagnostic> = errors
            .iter()
            .map(|error| {
                Diagnostic::new(
                    ParseError::metadata(),
                    Span::new(root, error.at.start, error.at.end),
                    format!("not valid TOML, which himalaya refuses: {}", error.message),
                )
            })
            .collect();
        let mut accounts = Vec::new();
        let mut edits = Vec::new();
        let listed = doc::get(table.get_ref(), "accounts").and_then(|a| a.table());
        for entry in listed.into_iter().flat_map(doc::entries) {
            let Some(body) = entry.table() else { continue };
            let (account, account_edits) = account(root, &text, &entry, body, &mut diagnostics);
            if !account.endpoints.is_empty() {
                accounts.push(account);
                edits.push(account_edits);
            }
        }
        let mut raw = Vec::new();
        doc::raw_values(&text, table.get_ref(), &mut raw);
        let secrets = raw.into_iter().map(|r| Span::new(root, r.start, r.end)).collect();
        ParsedUnit {
            accounts,
            diagnostics,
            secrets,
            state: Some(Box::new(LowerState { file: root, edits })),
        }
    }

    fn lower(
        &self,
        unit: &ParsedUnit,
        sources: &Sources,
        account: usize,
        endpoint: usize,
        changes: &[FieldChange],
    ) -> Result<Vec<Edit>, LowerError> {
        let state =
            unit.state.as_ref().and_then(|s| s.downcast_ref::<LowerState>()).ok_or_else(|| {
                LowerError("this unit was not parsed by the himalaya parser".to_owned())
            })?;
        let edit =
            state.edits.get(account).and_then(|a| a.get(endpoint)).ok_or_else(|| {
                LowerError(format!("no endpoint {account}/{endpoint} in this unit"))
            })?;
        lower::lower(state.file, sources.get(state.file).text(), edit, changes)
    }

    fn rules(&self) -> Vec<Arc<RuleMeta>> {
        Vec::new()
    }
}

/// One `[accounts.NAME]` table: its endpoints in both layouts, and where fixes edit them.
fn account(
    file: FileId,
    text: &str,
    entry: &doc::Entry<'_, '_>,
    body: &DeTable<'_>,
    diagnostics: &mut Vec<Diagnostic>,
) -> (Account, Vec<EndpointEdit>) {
    let mut endpoints = Vec::new();
    let mut edits = Vec::new();
    for (endpoint, edit) in v1::endpoints(file, text, body, diagnostics) {
        endpoints.push(endpoint);
        edits.push(EndpointEdit::Keys(edit));
    }
    for (endpoint, edit) in v2::endpoints(file, text, body, diagnostics) {
        endpoints.push(endpoint);
        edits.push(EndpointEdit::Server(edit));
    }
    let email = doc::get(body, "email").and_then(|e| {
        let at = doc::literal_content(text, &e).unwrap_or_else(|| e.span());
        Some(Located::explicit(e.str()?.to_owned(), Span::new(file, at.start, at.end)))
    });
    let key = entry.key.get_ref();
    let name = match &email {
        Some(email) => format!("{key} ({})", email.value),
        None => key.to_string(),
    };
    let span = entry.key.span();
    let account = Account {
        client: CLIENT,
        name,
        email,
        span: Span::new(file, span.start, span.end),
        endpoints,
    };
    (account, edits)
}

/// An `[accounts.…]` table and a key of either layout that names a server.
fn looks_like_config(text: &str) -> bool {
    const KEYS: [&str; 6] = [
        "backend.type",
        "backend.host",
        "message.send.backend.",
        "imap.server",
        "smtp.server",
        "server",
    ];
    let (mut accounts, mut server) = (false, false);
    let mut in_backend_table = false;
    for line in text.lines().map(str::trim) {
        if line.starts_with('[') {
            accounts |= line.starts_with("[accounts.");
            in_backend_table = [".imap]", ".smtp]", ".backend]"].iter().any(|t| line.ends_with(t));
            continue;
        }
        let key = line.split('=').next().unwrap_or("").trim();
        server |= KEYS[..5].iter().any(|k| key.starts_with(k))
            || (in_backend_table && (key == KEYS[5] || key == "host"));
    }
    accounts && server
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detection_by_name_and_content() {
        let parser = HimalayaParser;
        let by_name = Path::new("/h/.config/himalaya/config.toml");
        assert_eq!(parser.detect(by_name, b""), Some(Confidence::Name));
        assert_eq!(parser.detect(Path::new("/h/.himalayarc"), b""), Some(Confidence::Name));
        assert_eq!(parser.detect(Path::new("/h/.config/x/config.toml"), b"a = 1\n"), None);
        let v1 = b"[accounts.work]\nbackend.type = \"imap\"\nbackend.host = \"h\"\n";
        assert_eq!(parser.detect(Path::new("/x/a.toml"), v1), Some(Confidence::Content));
        let v2 = b"[accounts.home]\nimap.server = \"h\"\n";
        assert_eq!(parser.detect(Path::new("/x/a.toml"), v2), Some(Confidence::Content));
        let table = b"[accounts.home.smtp]\nserver = \"h\"\n";
        assert_eq!(parser.detect(Path::new("/x/a.toml"), table), Some(Confidence::Content));
        let cargo = b"[package]\nname = \"x\"\n[dependencies]\nserver = \"1\"\n";
        assert_eq!(parser.detect(Path::new("/x/Cargo.toml"), cargo), None);
    }
}
