//! The aerc parser of maillint.
//!
//! aerc keeps its accounts in `accounts.conf` (aerc-accounts(5)): one INI section per account,
//! with `source` (the incoming URL: `imap://`, `imaps://`, `maildir://`, `notmuch://`,
//! `jmap://`) and `outgoing` (`smtp://`, `smtps://`, or a sendmail-like command). The flow:
//! [`conf`] (sections as go-ini reads them) → [`url`] (the parts of each URL) → [`accounts`]
//! (the account model) → [`lower`] (fixes written back into the URL). [`client`] registers
//! aerc with maillint ([`Aerc`]): where `accounts.conf` lives, for `maillint scan`.
//!
//! A password in a URL is a secret; `source-cred-cmd` and `outgoing-cred-cmd` name commands
//! aerc runs for the password, which maillint never runs.

mod accounts;
pub mod client;
mod conf;
mod lower;
mod url;

use std::path::Path;
use std::sync::Arc;

use maillint_core::builtin::ParseError;
use maillint_core::parser::{HeadNeedle, head_text};
use maillint_core::{
    Client, Confidence, Diagnostic, Edit, FieldChange, FileId, LowerError, ParseOptions,
    ParsedUnit, Parser, RuleMeta, Sources, Span,
};

pub use client::{Aerc, CLIENT};

/// The parser for aerc's `accounts.conf`.
#[derive(Debug, Default, Clone, Copy)]
pub struct AercParser;

/// What [`Parser::lower`] keeps from a parse.
struct LowerState {
    file: FileId,
    edits: Vec<Vec<accounts::UrlEdit>>,
}

/// The `source` schemes aerc knows (aerc-accounts(5), `source`), for content detection.
const SOURCE_SCHEMES: [&str; 7] =
    ["imap", "imaps", "maildir", "maildirpp", "notmuch", "jmap", "mbox"];

/// The `outgoing` schemes aerc knows (aerc-smtp(5), `lib/send/sender.go`).
const OUTGOING_SCHEMES: [&str; 3] = ["smtp", "smtps", "jmap"];

impl Parser for AercParser {
    fn name(&self) -> &'static str {
        "aerc"
    }

    fn client(&self) -> Client {
        CLIENT
    }

    /// `accounts.conf` in an `aerc` folder by name; by content, a file with a section header
    /// and a `source = <scheme>://` or `outgoing = <scheme>://` line of a scheme aerc reads.
    fn highest_confidence(&self) -> Confidence {
        Confidence::Name
    }

    fn detect(&self, path: &Path, head: &[u8]) -> Option<Confidence> {
        let name = maillint_core::parser::file_name(path).and_then(|n| n.to_str());
        // The folder only for an `accounts.conf`: this runs for every file a walk meets.
        let folder = || path.parent().and_then(Path::file_name).and_then(|n| n.to_str());
        if name == Some("accounts.conf") && folder() == Some("aerc") {
            return Some(Confidence::Name);
        }
        // A content match needs a `source` or `outgoing` URL (see `looks_like_accounts_conf`).
        static URL: HeadNeedle = HeadNeedle::new("://");
        if !URL.is_in(head) {
            return None;
        }
        looks_like_accounts_conf(&head_text(head)).then_some(Confidence::Content)
    }

    fn parse(&self, root: FileId, sources: &mut Sources, _options: &ParseOptions) -> ParsedUnit {
        let text = sources.get(root).text();
        let conf = conf::read(text);
        let mut diagnostics = Vec::new();
        for line in &conf.invalid {
            diagnostics.push(Diagnostic::new(
                ParseError::metadata(),
                Span::new(root, line.start, line.end),
                "not `key = value`: aerc reads accounts.conf with go-ini, which refuses this \
                 line and with it the whole file",
            ));
        }
        let mut found = Vec::new();
        let mut edits = Vec::new();
        for section in &conf.sections {
            if let Some(built) = accounts::account(root, section) {
                found.push(built.account);
                edits.push(built.edits);
            }
        }
        let secrets = secrets(root, &conf);
        ParsedUnit {
            accounts: found,
            diagnostics,
            secrets,
            state: Some(Box::new(LowerState { file: root, edits })),
        }
    }

    fn lower(
        &self,
        unit: &ParsedUnit,
        _sources: &Sources,
        account: usize,
        endpoint: usize,
        changes: &[FieldChange],
    ) -> Result<Vec<Edit>, LowerError> {
        let state = unit.state_of::<LowerState>("aerc")?;
        let url =
            state.edits.get(account).and_then(|a| a.get(endpoint)).ok_or_else(|| {
                LowerError(format!("no endpoint {account}/{endpoint} in this unit"))
            })?;
        lower::lower(state.file, url, changes)
    }

    fn rules(&self) -> Vec<Arc<RuleMeta>> {
        Vec::new()
    }
}

/// The password of every URL in the file, whichever key holds it.
fn secrets(file: FileId, conf: &conf::Conf) -> Vec<Span> {
    let mut spans = Vec::new();
    for entry in conf.sections.iter().flat_map(|s| &s.entries) {
        for range in maillint_core::secrets::url_password_ranges(&entry.value) {
            let span =
                Span::new(file, entry.range.start + range.start, entry.range.start + range.end);
            if !range.is_empty() && !spans.contains(&span) {
                spans.push(span);
            }
        }
    }
    spans
}

/// A section header and a `source` or `outgoing` URL of a scheme aerc reads.
fn looks_like_accounts_conf(text: &str) -> bool {
    let mut header = false;
    let mut url = false;
    for line in text.lines().map(str::trim) {
        if line.starts_with('[') && line.ends_with(']') {
            header = true;
        }
        let Some((key, value)) = line.split_once('=') else { continue };
        let schemes: &[&str] = match key.trim() {
            "source" => &SOURCE_SCHEMES,
            "outgoing" => &OUTGOING_SCHEMES,
            _ => continue,
        };
        let value = value.trim().trim_start_matches(['`', '"']);
        let protocol = value.split_once("://").map_or("", |(scheme, _)| scheme);
        url |= schemes.contains(&protocol.split('+').next().unwrap_or(""));
    }
    header && url
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detection_by_name_and_content() {
        let parser = AercParser;
        let conf = Path::new("/h/.config/aerc/accounts.conf");
        assert_eq!(parser.detect(conf, b""), Some(Confidence::Name));
        let head = b"[Work]\nsource = imaps://me@imap.example.org\noutgoing = smtps://x\n";
        assert_eq!(parser.detect(Path::new("/x/work.conf"), head), Some(Confidence::Content));
        assert_eq!(parser.detect(Path::new("/x/a.conf"), b"[a]\nsource = ~/file\n"), None);
        let smtp_only = b"[a]\noutgoing = smtps+plain://me@smtp.example.org\n";
        assert_eq!(parser.detect(Path::new("/x/a.conf"), smtp_only), Some(Confidence::Content));
        assert_eq!(parser.detect(Path::new("/x/accounts.conf"), b"[a]\nx = 1\n"), None);
    }
}
