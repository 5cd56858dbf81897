//! `json` (one array) and `json-lines` (one object per line): the machine-readable findings.
//!
//! Each object carries `code`, `rule` (the kebab name), `severity`, `client`, `path`, `line`,
//! `column`, `end_line`, `end_column` (1-based, end exclusive), `message`, `why`, `help` and
//! `fix` (null, or `title`, `applicability` and the `edits` with their locations). A finding
//! about one connection also says which: `account` (`id`, the parser's stable name for it, and
//! `address`), `protocol`, `host` (in normal form), `port` and `security`; these are null for
//! findings about something else (a parse error, a whole file).

use std::io::{self, Write};

use maillint_core::{Diagnostic, Sources};
use maillint_engine::UnitReport;
use serde::Serialize;

use crate::location::Location;
use crate::redact;

/// One finding as JSON.
#[derive(Serialize)]
pub struct JsonDiagnostic {
    /// Short code.
    pub code: String,
    /// Kebab-case rule name.
    pub rule: String,
    /// `error`, `warning` or `info`.
    pub severity: &'static str,
    /// The client the file belongs to (null for a path no parser read).
    pub client: Option<String>,
    /// Where.
    #[serde(flatten)]
    pub location: Location,
    /// What is wrong.
    pub message: String,
    /// Why it matters.
    pub why: Option<String>,
    /// What to do.
    pub help: Option<String>,
    /// The fix.
    pub fix: Option<JsonFix>,
    /// The account of the endpoint the finding is about.
    pub account: Option<JsonAccount>,
    /// The endpoint's protocol (`imap`, `pop3`, `smtp`).
    pub protocol: Option<&'static str>,
    /// The endpoint's host.
    pub host: Option<String>,
    /// The endpoint's port.
    pub port: Option<u16>,
    /// The endpoint's security (`none`, `starttls-optional`, ...).
    pub security: Option<&'static str>,
}

/// An account as JSON.
#[derive(Serialize)]
pub struct JsonAccount {
    /// The parser's stable name for the account within its file or profile.
    pub id: String,
    /// The account's mail address, if known.
    pub address: Option<String>,
}

/// A fix as JSON.
#[derive(Serialize)]
pub struct JsonFix {
    /// What it does.
    pub title: String,
    /// `safe`, `unsafe` or `display-only`.
    pub applicability: &'static str,
    /// The edits.
    pub edits: Vec<JsonEdit>,
}

/// An edit as JSON.
#[derive(Serialize)]
pub struct JsonEdit {
    /// The replaced range.
    #[serde(flatten)]
    pub location: Location,
    /// The new text.
    pub content: String,
}

/// Converts one diagnostic.
pub fn to_json(
    d: &Diagnostic,
    sources: &Sources,
    client: Option<&str>,
    secrets: &[&str],
) -> JsonDiagnostic {
    JsonDiagnostic {
        code: d.rule.code.clone(),
        rule: d.rule.name.clone(),
        severity: d.severity.as_str(),
        client: client.map(str::to_owned),
        location: Location::of(sources, d.span),
        message: redact::scrub(&d.message, secrets),
        why: d.why.as_deref().map(|w| redact::scrub(w, secrets)),
        help: d.help.as_deref().map(|h| redact::scrub(h, secrets)),
        fix: d.fix.as_ref().map(|fix| JsonFix {
            title: redact::scrub(&fix.title, secrets),
            applicability: fix.applicability.as_str(),
            edits: fix
                .edits
                .iter()
                .map(|e| JsonEdit {
                    location: Location::of(sources, e.span),
                    content: redact::scrub(&e.content, secrets),
                })
                .collect(),
        }),
        account: d.endpoint.as_ref().map(|e| JsonAccount {
            id: redact::scrub(&e.account.id, secrets),
            address: e.account.address.as_deref().map(|a| redact::scrub(a, secrets)),
        }),
        protocol: d.endpoint.as_ref().map(|e| e.protocol.as_str()),
        host: d
            .endpoint
            .as_ref()
            .and_then(|e| e.host.as_deref())
            .map(|h| redact::scrub(h, secrets)),
        port: d.endpoint.as_ref().and_then(|e| e.port),
        security: d.endpoint.as_ref().map(|e| e.security.as_str()),
    }
}

fn all(units: &[UnitReport]) -> impl Iterator<Item = JsonDiagnostic> + '_ {
    units.iter().flat_map(|unit| {
        let secrets = redact::secret_texts(&unit.sources, unit.secrets());
        let client = unit.client().map(|c| c.as_str().to_owned());
        unit.diagnostics
            .iter()
            .map(move |d| to_json(d, &unit.sources, client.as_deref(), &secrets))
            .collect::<Vec<_>>()
    })
}

/// Writes one JSON array.
pub fn render_array(units: &[UnitReport], out: &mut dyn Write) -> io::Result<()> {
    let items: Vec<JsonDiagnostic> = all(units).collect();
    serde_json::to_writer_pretty(&mut *out, &items)?;
    writeln!(out)
}

/// Writes one JSON object per line.
pub fn render_lines(units: &[UnitReport], out: &mut dyn Write) -> io::Result<()> {
    for item in all(units) {
        serde_json::to_writer(&mut *out, &item)?;
        writeln!(out)?;
    }
    Ok(())
}
