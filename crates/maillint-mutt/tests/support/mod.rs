//! Helpers shared by the integration tests: parsing fixture files and strings.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use maillint_core::{
    FileId, Located, Origin, ParseOptions, ParsedUnit, Parser, SourceFile, Sources, Span,
};
use maillint_mutt::MuttParser;
use serde::Serialize;

/// The home folder every test parses with (never the process's own).
pub const HOME: &str = "/home/user";

/// The options every test parses with.
pub fn options() -> ParseOptions {
    ParseOptions { home: Some(PathBuf::from(HOME)), ..ParseOptions::default() }
}

/// `fixtures/mutt` in the workspace, relative to the crate folder (the tests' working
/// directory), so that paths in snapshots do not depend on where the checkout is.
pub fn fixtures_dir() -> PathBuf {
    let relative = PathBuf::from("../../fixtures/mutt");
    assert!(relative.is_dir(), "tests run from the crate folder; {} not found", relative.display());
    relative
}

/// Every file under `dir`, sorted.
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// Whether a fixture file is a muttrc (`*.muttrc`, or `*.neomuttrc` for a file only NeoMutt
/// reads).
pub fn is_muttrc_fixture(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "muttrc" || e == "neomuttrc")
}

/// Parses a file on disk (with what it sources).
pub fn parse_file(path: &Path) -> (Sources, ParsedUnit) {
    let mut sources = Sources::new();
    let root = sources.load(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let unit = MuttParser.parse(root, &mut sources, &options());
    (sources, unit)
}

/// Parses text as a muttrc at `path` (which need not exist; `source` resolves from its
/// folder).
pub fn parse_text_at(path: &Path, text: &str) -> (Sources, ParsedUnit) {
    let mut sources = Sources::new();
    let root = sources.add(SourceFile::from_text(path, text));
    let unit = MuttParser.parse(root, &mut sources, &options());
    (sources, unit)
}

/// Parses text as `/nonexistent/muttrc`.
pub fn parse_text(text: &str) -> (Sources, ParsedUnit) {
    parse_text_at(Path::new("/nonexistent/muttrc"), text)
}

/// The text a span covers.
pub fn slice(sources: &Sources, span: maillint_core::Span) -> String {
    sources.slice(span).to_owned()
}

/// The root file id.
pub const ROOT: FileId = FileId(0);

/// What a parse made of a file, for snapshots.
#[derive(Serialize)]
pub struct Summary {
    diagnostics: Vec<String>,
    secrets: usize,
    accounts: Vec<AccountSummary>,
}

/// One account in a [`Summary`].
#[derive(Serialize)]
pub struct AccountSummary {
    name: String,
    email: Option<String>,
    endpoints: Vec<Vec<String>>,
}

fn at(sources: &Sources, span: Span) -> String {
    let start = sources.start(span);
    let file = if span.file == ROOT {
        String::new()
    } else {
        let path = sources.get(span.file).path();
        format!("{}:", path.file_name().map(|n| n.to_string_lossy()).unwrap_or_default())
    };
    format!("{file}{}:{}", start.line, start.column)
}

fn located<T: std::fmt::Display>(sources: &Sources, label: &str, value: &Located<T>) -> String {
    let origin = match &value.origin {
        Origin::Explicit => "explicit".to_owned(),
        Origin::Default { reason } => format!("default ({reason})"),
        Origin::Derived { reason } => format!("derived ({reason})"),
    };
    format!("{label} {} @ {} {origin}", value.value, at(sources, value.span))
}

/// A compact summary: diagnostics with line:column, accounts, endpoints and the origin of
/// every value.
pub fn summary(sources: &Sources, unit: &ParsedUnit) -> Summary {
    let diagnostics = unit
        .diagnostics
        .iter()
        .map(|d| format!("{} {} {}: {}", at(sources, d.span), d.severity, d.rule.name, d.message))
        .collect();
    let accounts = unit
        .accounts
        .iter()
        .map(|a| AccountSummary {
            name: a.name.clone(),
            email: a.email.as_ref().map(|e| located(sources, "email", e)),
            endpoints: a
                .endpoints
                .iter()
                .map(|e| {
                    let mut lines = vec![format!("{} {}", e.protocol, e.locator)];
                    lines.extend(e.host.as_ref().map(|h| located(sources, "host", h)));
                    lines.extend(e.port.as_ref().map(|p| located(sources, "port", p)));
                    lines.push(located(sources, "security", &e.security));
                    lines.push(located(sources, "auth", &e.auth));
                    lines.extend(e.username.as_ref().map(|u| located(sources, "user", u)));
                    lines.extend(
                        e.certificate_verification_disabled
                            .as_ref()
                            .map(|c| located(sources, "certificate-checks-off", c)),
                    );
                    for s in &e.secrets {
                        lines.push(format!("secret {} @ {}", s.setting, at(sources, s.span)));
                    }
                    for v in &e.tls_versions {
                        lines.push(format!(
                            "tls-version {} @ {}",
                            v.value.display_name(),
                            at(sources, v.span)
                        ));
                    }
                    lines
                })
                .collect(),
        })
        .collect();
    Summary { diagnostics, secrets: unit.secrets.len(), accounts }
}

/// The final variable values of a muttrc text.
pub fn effective(text: &str) -> maillint_mutt::EffectiveConfig {
    let mut sources = Sources::new();
    let root = sources.add(SourceFile::from_text("/nonexistent/muttrc", text));
    maillint_mutt::effective_variables(root, &mut sources, &options())
}

/// A known final value (panics when maillint reports it unknown).
pub fn value(text: &str, name: &str) -> String {
    match effective(text).get(name) {
        Some(maillint_mutt::EffectiveValue::Known(v)) => v.clone(),
        other => panic!("{name}: {other:?}"),
    }
}

/// Whether the final value is unknown to maillint.
pub fn is_unknown(text: &str, name: &str) -> bool {
    matches!(effective(text).get(name), Some(maillint_mutt::EffectiveValue::Unknown(_)))
}

/// The rule names of a unit's diagnostics.
pub fn rule_names(unit: &ParsedUnit) -> Vec<String> {
    unit.diagnostics.iter().map(|d| d.rule.name.clone()).collect()
}
