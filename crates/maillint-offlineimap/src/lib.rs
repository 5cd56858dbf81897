//! maillint's reader of OfflineIMAP's configuration (`~/.offlineimaprc`,
//! `$XDG_CONFIG_HOME/offlineimap/config`): the remote IMAP repositories, read with Python's
//! configparser semantics ([`configparser`]), with a span on every value.
//!
//! Facts come from OfflineIMAP/offlineimap3 at tag v8.0.1 (`offlineimap.conf`,
//! `offlineimap/repository/IMAP.py`, `Gmail.py`, `offlineimap/imapserver.py`,
//! `offlineimap/init.py`) and CPython 3.11's `Lib/configparser.py`. Nothing is ever run:
//! `remotepasseval`, `remotehosteval` and the other `*eval` keys are Python expressions,
//! read as text; a repository whose host comes from one is not checked.

pub mod client;
pub mod configparser;
pub mod model;

use std::path::Path;

use maillint_core::builtin::ParseError;
use maillint_core::parser::{HeadNeedle, head_text};
use maillint_core::{
    Client, Confidence, Diagnostic, Edit, FieldChange, FileId, LowerError, ParseOptions,
    ParsedUnit, Parser, Security, Sources, Span,
};

pub use client::{CLIENT, OfflineImap};
use configparser::Document;
use model::Repository;

/// The offlineimaprc parser.
#[derive(Debug, Default, Clone, Copy)]
pub struct OfflineImapParser;

struct LowerState {
    doc: Document,
    sections: Vec<usize>,
}

/// The remote repositories of `doc`: `[Repository NAME]` sections whose `type` is `IMAP` or
/// `Gmail` (`typemap` in `offlineimap/repository/__init__.py`), with their section index.
pub fn remote_repositories(doc: &Document) -> Vec<(usize, bool)> {
    doc.sections
        .iter()
        .enumerate()
        .filter(|(_, s)| s.name.starts_with("Repository "))
        .filter_map(|(index, section)| match doc.get(section, "type").ok().flatten().as_deref() {
            Some("IMAP") => Some((index, false)),
            Some("Gmail") => Some((index, true)),
            _ => None,
        })
        .collect()
}

impl Parser for OfflineImapParser {
    fn name(&self) -> &'static str {
        "offlineimap"
    }

    fn client(&self) -> Client {
        CLIENT
    }

    fn highest_confidence(&self) -> Confidence {
        Confidence::Name
    }

    fn detect(&self, path: &Path, head: &[u8]) -> Option<Confidence> {
        if detect_by_name(path) {
            return Some(Confidence::Name);
        }
        // The two sections `looks_like_offlineimaprc` needs, searched in the raw bytes first
        // (the decoded head keeps every ASCII byte): most files are then never decoded.
        static GENERAL: HeadNeedle = HeadNeedle::new("[general]");
        static REPOSITORY: HeadNeedle = HeadNeedle::new("[Repository ");
        if !GENERAL.is_in(head) && !REPOSITORY.is_in(head) {
            return None;
        }
        looks_like_offlineimaprc(&head_text(head)).then_some(Confidence::Content)
    }

    fn comment_leaders(&self) -> &'static [&'static str] {
        &["#", ";"]
    }

    fn parse(&self, root: FileId, sources: &mut Sources, _options: &ParseOptions) -> ParsedUnit {
        let doc = configparser::parse(sources.get(root).text());
        let mut diagnostics: Vec<Diagnostic> = doc
            .errors
            .iter()
            .map(|e| {
                let span = Span::new(root, e.range.start, e.range.end);
                Diagnostic::new(ParseError::metadata(), span, e.message.clone())
                    .with_why("Python's configparser stops here, and OfflineIMAP with it")
            })
            .collect();
        let (mut accounts, mut sections) = (Vec::new(), Vec::new());
        for (index, gmail) in remote_repositories(&doc) {
            let section = &doc.sections[index];
            for entry in &section.entries {
                if let Err(error) = doc.get(section, &entry.key) {
                    let span = Span::new(root, entry.value_range.start, entry.value_range.end);
                    diagnostics.push(Diagnostic::new(
                        ParseError::metadata(),
                        span,
                        error.to_string(),
                    ));
                }
            }
            let repository = Repository { doc: &doc, section, file: root, gmail };
            if let Some(account) = repository.account(index) {
                accounts.push(account);
                sections.push(index);
            }
        }
        diagnostics.sort_by_key(|d| d.span.range.start);
        let mut secrets: Vec<Span> = Vec::new();
        for secret in accounts
            .iter()
            .flat_map(|a: &maillint_core::Account| &a.endpoints)
            .flat_map(|e| &e.secrets)
        {
            if !secrets.contains(&secret.span) {
                secrets.push(secret.span);
            }
        }
        ParsedUnit {
            accounts,
            diagnostics,
            secrets,
            state: Some(Box::new(LowerState { doc, sections })),
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
        let state = unit.state_of::<LowerState>("OfflineIMAP")?;
        let (Some(&index), 0) = (state.sections.get(account), endpoint) else {
            return Err(LowerError(format!("no endpoint {account}/{endpoint} in this unit")));
        };
        let file = unit.accounts[account].span.file;
        lower(sources.get(file).text(), file, &state.doc.sections[index], changes)
    }
}

/// Lowers field changes: a value written in the repository's own section on one line and
/// without `%` is replaced; otherwise a `key = value` line is added after the section header
/// (a key in the section overrides `DEFAULT`; a second one would be a duplicate, so a key
/// written in a way that cannot be replaced is refused).
fn lower(
    text: &str,
    file: FileId,
    section: &configparser::Section,
    changes: &[FieldChange],
) -> Result<Vec<Edit>, LowerError> {
    let mut wanted: Vec<(&str, String)> = Vec::new();
    for change in changes {
        match change {
            FieldChange::Host(host) => wanted.push(("remotehost", host.clone())),
            FieldChange::Port(port) => wanted.push(("remoteport", port.to_string())),
            FieldChange::Security(Security::ImplicitTls) => wanted.push(("ssl", "yes".to_owned())),
            FieldChange::Security(Security::None) => {
                wanted.push(("ssl", "no".to_owned()));
                wanted.push(("starttls", "no".to_owned()));
            }
            _ => return Err(LowerError(format!("OfflineIMAP has no setting for {change:?}"))),
        }
    }
    let newline = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let mut edits = Vec::new();
    let mut inserted = String::new();
    for (key, value) in wanted {
        match section.entries.iter().find(|e| e.key == key) {
            Some(entry) if entry.continued || entry.value.contains('%') => {
                return Err(LowerError(format!(
                    "`{key}` is written over several lines or interpolated"
                )));
            }
            Some(entry) => edits.push(Edit::replace(
                Span::new(file, entry.value_range.start, entry.value_range.end),
                value,
            )),
            None => inserted.push_str(&format!("{key} = {value}{newline}")),
        }
    }
    if !inserted.is_empty() {
        let at = section.body_start;
        if at == text.len() && !text.is_empty() && !text.ends_with(['\n', '\r']) {
            inserted = format!("{newline}{}", &inserted[..inserted.len() - newline.len()]);
        }
        edits.push(Edit::insert(Span::point(file, at), inserted));
    }
    Ok(edits)
}

/// `.offlineimaprc`, `offlineimaprc`, `NAME.offlineimaprc`, and `offlineimap/config`
/// (`$XDG_CONFIG_HOME/offlineimap/config`, `offlineimap/init.py`).
pub fn detect_by_name(path: &Path) -> bool {
    let name = maillint_core::parser::file_name(path).and_then(|n| n.to_str()).unwrap_or_default();
    // The folder is looked at only for a `config`: this runs for every file a walk meets.
    let folder = || path.parent().and_then(Path::file_name).and_then(|n| n.to_str());
    matches!(name, ".offlineimaprc" | "offlineimaprc")
        || name.ends_with(".offlineimaprc")
        || (name == "config" && folder() == Some("offlineimap"))
}

/// Content detection: a `[general]` section with an `accounts` key, or a `[Repository NAME]`
/// or `[Account NAME]` header, in the head.
pub fn looks_like_offlineimaprc(head: &str) -> bool {
    // A section's name is the text between its brackets, as written: without `[general]` or
    // `[Repository ` in the head, neither section is there, and nothing needs parsing (most
    // files `check` walks are not configuration at all).
    if !head.contains("[general]") && !head.contains("[Repository ") {
        return false;
    }
    let doc = configparser::parse(head);
    let general =
        doc.section("general").is_some_and(|s| s.entries.iter().any(|e| e.key == "accounts"));
    general
        || doc
            .sections
            .iter()
            .any(|s| s.name.starts_with("Repository ") && s.entries.iter().any(|e| e.key == "type"))
}
