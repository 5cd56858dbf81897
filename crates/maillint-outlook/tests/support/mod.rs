//! Shared helpers for the integration tests: the fixture folder, the generator that writes
//! the binary-encoded fixtures from their readable UTF-8 twins, and a compact, secret-free
//! summary of a parsed unit for snapshots.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::Arc;

use maillint_core::{
    Diagnostic, Located, Origin, ParseOptions, ParsedUnit, Parser, ParserRegistry, SourceFile,
    Sources,
};
use serde::Serialize;

/// `fixtures/outlook` of the workspace.
pub fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/outlook")
}

/// Every file under `dir`, sorted, recursively.
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).expect("readable fixture folder") {
            let path = entry.expect("readable entry").path();
            if path.is_dir() {
                pending.push(path);
            } else {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// The fixtures the parsers read (twins and snapshots excluded).
pub fn fixture_files() -> Vec<PathBuf> {
    files_under(&fixtures_dir())
        .into_iter()
        .filter(|p| matches!(p.extension().and_then(|e| e.to_str()), Some("prf" | "reg" | "xml")))
        .collect()
}

/// The bytes a readable twin (`name.ext.txt`, UTF-8) stands for: the encoding is named in the
/// fixture's file name (`-utf16le`, `-utf8bom`, `-cp1252`).
pub fn encode_twin(target: &Path, text: &str) -> Vec<u8> {
    let name = target.file_name().and_then(|n| n.to_str()).expect("UTF-8 file name");
    if name.contains("-utf16le.") {
        let mut bytes = vec![0xFF, 0xFE];
        bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        bytes
    } else if name.contains("-utf8bom.") {
        let mut bytes = vec![0xEF, 0xBB, 0xBF];
        bytes.extend_from_slice(text.as_bytes());
        bytes
    } else if name.contains("-cp1252.") {
        let (bytes, _, unmappable) = encoding_rs::WINDOWS_1252.encode(text);
        assert!(!unmappable, "{name}: text not representable in Windows-1252");
        bytes.into_owned()
    } else {
        panic!("{name}: a twin needs -utf16le, -utf8bom or -cp1252 in the fixture name");
    }
}

/// The three Outlook parsers, registered like the engine would.
pub fn registry() -> ParserRegistry {
    let mut registry = ParserRegistry::new();
    for parser in maillint_outlook::parsers() {
        registry.register(parser);
    }
    registry
}

/// Reads a fixture, picks its parser by detection and parses it.
pub fn parse_file(path: &Path) -> (Sources, ParsedUnit, Arc<dyn Parser>) {
    let bytes = std::fs::read(path).expect("readable fixture");
    parse_bytes(path, &bytes)
}

/// Parses bytes as if read from `path`.
pub fn parse_bytes(path: &Path, bytes: &[u8]) -> (Sources, ParsedUnit, Arc<dyn Parser>) {
    let registry = registry();
    let parser = Arc::clone(
        registry
            .detect(path, &bytes[..bytes.len().min(512)])
            .expect("an Outlook parser detects the fixture"),
    );
    let mut sources = Sources::new();
    let id = sources.add(SourceFile::from_bytes(path, bytes));
    let unit = parser.parse(id, &mut sources, &ParseOptions::default());
    (sources, unit, parser)
}

/// A snapshot of a parsed unit: diagnostics and values with line:column as an editor shows
/// them, never the text of a secret.
#[derive(Serialize)]
pub struct Summary {
    pub parser: String,
    pub encoding: String,
    pub line_ending: String,
    pub diagnostics: Vec<String>,
    pub accounts: Vec<AccountSummary>,
    pub secrets: Vec<String>,
}

#[derive(Serialize)]
pub struct AccountSummary {
    pub name: String,
    pub email: Option<String>,
    pub endpoints: Vec<EndpointSummary>,
}

#[derive(Serialize)]
pub struct EndpointSummary {
    pub protocol: String,
    pub locator: String,
    pub host: Option<String>,
    pub port: Option<String>,
    pub security: String,
    pub auth: String,
    pub username: Option<String>,
    pub secrets: Vec<String>,
}

fn at(sources: &Sources, span: maillint_core::Span) -> String {
    let start = sources.start(span);
    format!("{}:{}", start.line, start.column)
}

fn located<T: std::fmt::Display>(sources: &Sources, value: &Located<T>) -> String {
    let origin = match &value.origin {
        Origin::Explicit => "explicit".to_owned(),
        Origin::Default { reason } => format!("default ({reason})"),
        Origin::Derived { reason } => format!("derived ({reason})"),
    };
    format!("{} @ {} {origin}", value.value, at(sources, value.span))
}

fn diagnostic(sources: &Sources, d: &Diagnostic) -> String {
    let mut line = format!(
        "{} {} {} {}: {}",
        at(sources, d.span),
        d.rule.code,
        d.rule.name,
        d.severity,
        d.message
    );
    if let Some(fix) = &d.fix {
        line.push_str(&format!(" [fix {}: {}]", fix.applicability.as_str(), fix.title));
    }
    line
}

/// Builds the summary.
pub fn summarize(sources: &Sources, unit: &ParsedUnit, parser: &dyn Parser) -> Summary {
    let file = sources.get(maillint_core::FileId(0));
    let mut bom = String::new();
    if file.has_bom() {
        bom.push_str(" with BOM");
    }
    Summary {
        parser: parser.name().to_owned(),
        encoding: format!("{:?}{bom}", file.encoding()),
        line_ending: format!("{:?}", file.line_ending()),
        diagnostics: unit.diagnostics.iter().map(|d| diagnostic(sources, d)).collect(),
        accounts: unit
            .accounts
            .iter()
            .map(|a| AccountSummary {
                name: a.name.clone(),
                email: a.email.as_ref().map(|e| located(sources, e)),
                endpoints: a
                    .endpoints
                    .iter()
                    .map(|e| EndpointSummary {
                        protocol: e.protocol.to_string(),
                        locator: e.locator.clone(),
                        host: e.host.as_ref().map(|h| located(sources, h)),
                        port: e.port.as_ref().map(|p| located(sources, p)),
                        security: located(sources, &e.security),
                        auth: located(sources, &e.auth),
                        username: e.username.as_ref().map(|u| located(sources, u)),
                        secrets: e
                            .secrets
                            .iter()
                            .map(|s| {
                                format!("{} ({:?}) @ {}", s.setting, s.kind, at(sources, s.span))
                            })
                            .collect(),
                    })
                    .collect(),
            })
            .collect(),
        secrets: unit
            .secrets
            .iter()
            .map(|s| {
                let end = sources.end(*s);
                format!("{}-{}:{}", at(sources, *s), end.line, end.column)
            })
            .collect(),
    }
}
