//! maillint's reader of mbsync's configuration (isync; `~/.mbsyncrc`, and from v1.5
//! `$XDG_CONFIG_HOME/isyncrc`): the IMAP accounts and stores, with a span on every value.
//!
//! The flow: [`syntax`] splits lines into words as mbsync does, [`config`] finds the IMAP
//! server sections and what mbsync refuses in them, [`values`] reads each value with mbsync's
//! own rules, [`model`] builds maillint's accounts, and the parser lowers fixes. Facts come
//! from isync's source at tags v1.5.0 and v1.4.4 (the version Debian 12 ships):
//! `src/config.c`, `src/drv_imap.c`, `src/mbsync.1.in`. Nothing a file names is ever run:
//! `PassCmd`, `UserCmd` and `Tunnel` are read as text.

pub mod client;
pub mod config;
pub mod model;
pub mod syntax;
pub mod values;

use std::path::Path;

use maillint_core::builtin::ParseError;
use maillint_core::parser::{HeadNeedle, head_text};
use maillint_core::{
    Client, Confidence, Diagnostic, Edit, FieldChange, FileId, LowerError, ParseOptions,
    ParsedUnit, Parser, Security, Sources, Span, TlsVersion,
};

pub use client::{CLIENT, Mbsync};
use config::{Config, Server};

/// The mbsyncrc parser.
#[derive(Debug, Default, Clone, Copy)]
pub struct MbsyncParser;

struct LowerState {
    config: Config,
    servers: Vec<usize>,
}

impl Parser for MbsyncParser {
    fn name(&self) -> &'static str {
        "mbsync"
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
        if !may_name_a_store(head) {
            return None;
        }
        looks_like_mbsyncrc(&head_text(head)).then_some(Confidence::Content)
    }

    fn parse(&self, root: FileId, sources: &mut Sources, _options: &ParseOptions) -> ParsedUnit {
        let config = config::read(sources.get(root).text());
        let mut diagnostics: Vec<Diagnostic> = config
            .errors
            .iter()
            .map(|e| {
                Diagnostic::new(ParseError::metadata(), Span::new(root, e.range.start, e.range.end), e.message.clone())
                    .with_why("mbsync refuses the whole file when one setting is wrong, so no account in it syncs")
            })
            .collect();
        diagnostics.sort_by_key(|d| d.span.range.start);
        let mut accounts = Vec::new();
        let mut servers = Vec::new();
        for (index, server) in config.servers.iter().enumerate() {
            if let Some(account) = model::account(root, server, index) {
                accounts.push(account);
                servers.push(index);
            }
        }
        let secrets = accounts
            .iter()
            .flat_map(|a| &a.endpoints)
            .flat_map(|e| &e.secrets)
            .map(|s| s.span)
            .collect();
        ParsedUnit {
            accounts,
            diagnostics,
            secrets,
            state: Some(Box::new(LowerState { config, servers })),
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
        let state = unit.state_of::<LowerState>("mbsync")?;
        let (Some(&index), 0) = (state.servers.get(account), endpoint) else {
            return Err(LowerError(format!("no endpoint {account}/{endpoint} in this unit")));
        };
        let file = unit.accounts[account].span.file;
        let text = sources.get(file).text();
        lower(text, file, &state.config.servers[index], changes)
    }
}

/// Lowers field changes: a written value is replaced where it is; a missing one is added
/// after the section's first line, with mbsync 1.4's keyword (`SSLType`, which 1.5 still
/// reads) unless the file already uses 1.5's `TLSType`.
fn lower(
    text: &str,
    file: FileId,
    server: &Server,
    changes: &[FieldChange],
) -> Result<Vec<Edit>, LowerError> {
    let mut edits = Vec::new();
    let mut inserted = String::new();
    let newline = if text.contains("\r\n") { "\r\n" } else { "\n" };
    for change in changes {
        let (keyword, value) = match change {
            FieldChange::Host(host) => ("host", host.clone()),
            FieldChange::Port(port) => ("port", port.to_string()),
            FieldChange::Security(security) => ("ssltype", tls_type_word(*security)?.to_owned()),
            FieldChange::DisableTlsVersion(version) => {
                edits.push(disable_version(file, server, *version)?);
                continue;
            }
            _ => return Err(LowerError(format!("mbsync has no setting for {change:?}"))),
        };
        let written =
            if keyword == "ssltype" { model::tls_type_line(server) } else { server.get(keyword) };
        if keyword == "ssltype" && written.is_none() && values::legacy(server).is_some() {
            return Err(LowerError(
                "the legacy `UseIMAPS`/`RequireSSL` options exclude `SSLType`".to_owned(),
            ));
        }
        match written.and_then(|c| c.value()) {
            Some(word) => {
                edits.push(Edit::replace(Span::new(file, word.raw.start, word.raw.end), value))
            }
            None => {
                let name = match keyword {
                    "host" => "Host",
                    "port" => "Port",
                    _ if text.to_ascii_lowercase().contains("tlstype") => "TLSType",
                    _ => "SSLType",
                };
                inserted.push_str(&format!("{name} {value}{newline}"));
            }
        }
    }
    if !inserted.is_empty() {
        let at = server.insert_at;
        if at == text.len() && !text.is_empty() && !text.ends_with('\n') {
            inserted = format!("{newline}{}", &inserted[..inserted.len() - newline.len()]);
        }
        edits.push(Edit::insert(Span::point(file, at), inserted));
    }
    Ok(edits)
}

fn tls_type_word(security: Security) -> Result<&'static str, LowerError> {
    match security {
        Security::None => Ok("None"),
        Security::StarttlsRequired => Ok("STARTTLS"),
        Security::ImplicitTls => Ok("IMAPS"),
        other => Err(LowerError(format!("mbsync has no TLS type for {}", other.describe()))),
    }
}

/// Stops allowing `version`: `+1.0` in `TLSVersions` becomes `-1.0`; a `TLSv1` word of
/// `SSLVersions` is removed when other versions stay listed.
fn disable_version(file: FileId, server: &Server, version: TlsVersion) -> Result<Edit, LowerError> {
    if let Some(line) = server.get("tlsversions")
        && let Some(word) =
            line.args.iter().find(|w| values::tls_version(&w.value) == Ok((true, version)))
    {
        let minus = format!("-{}", &word.value[1..]);
        return Ok(Edit::replace(Span::new(file, word.raw.start, word.raw.end), minus));
    }
    for key in ["sslversions", "sslversion"] {
        let Some(line) = server.get(key) else { continue };
        let Some(at) =
            line.args.iter().position(|w| values::ssl_version(&w.value) == Ok(Some(version)))
        else {
            continue;
        };
        if line.args.len() < 2 {
            return Err(LowerError("it is the only version listed".to_owned()));
        }
        let word = &line.args[at];
        let start = if at == 0 { word.raw.start } else { line.args[at - 1].raw.end };
        let end = if at == 0 { line.args[1].raw.start } else { word.raw.end };
        return Ok(Edit::delete(Span::new(file, start, end)));
    }
    Err(LowerError(format!(
        "{} is not enabled by a word that can be removed",
        version.display_name()
    )))
}

/// `.mbsyncrc` and `mbsyncrc`, `NAME.mbsyncrc`, and `isyncrc` (v1.5: `$XDG_CONFIG_HOME/isyncrc`,
/// `load_config` in `src/config.c`).
pub fn detect_by_name(path: &Path) -> bool {
    let name = maillint_core::parser::file_name(path).and_then(|n| n.to_str()).unwrap_or_default();
    matches!(name, ".mbsyncrc" | "mbsyncrc" | "isyncrc" | ".isyncrc") || name.ends_with(".mbsyncrc")
}

/// A quick reject for [`looks_like_mbsyncrc`], which runs on every file a walk meets: each of
/// its keywords holds `imap` or `maildir`, and it compares them in any ASCII case, so a head
/// that holds neither in any case has no such line. One lower-cased copy of the head and two
/// vectorised searches instead of a pass over every line's first word.
fn may_name_a_store(head: &[u8]) -> bool {
    static IMAP: HeadNeedle = HeadNeedle::new("imap");
    static MAILDIR: HeadNeedle = HeadNeedle::new("maildir");
    let lower = head.to_ascii_lowercase();
    IMAP.is_in(&lower) || MAILDIR.is_in(&lower)
}

/// Content detection: a line of the head whose first word is `IMAPAccount`, `IMAPStore` or
/// `MaildirStore` (any case) with a name after it, and no muttrc `set` line.
pub fn looks_like_mbsyncrc(head: &str) -> bool {
    let mut found = false;
    for line in head.lines() {
        let mut words = line.split_whitespace();
        // Compared without a lower-cased copy: detection runs on every file a walk meets.
        let first = words.next().unwrap_or("");
        if first.eq_ignore_ascii_case("set") {
            return false;
        }
        found |= ["imapaccount", "imapstore", "maildirstore"]
            .iter()
            .any(|keyword| first.eq_ignore_ascii_case(keyword))
            && words.next().is_some();
    }
    found
}
