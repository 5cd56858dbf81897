//! Helpers shared by the integration tests: parsing fixture files and strings.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use maillint_core::{FileId, ParseOptions, ParsedUnit, Parser, SourceFile, Sources};
use maillint_mutt::MuttParser;

/// The home folder every test parses with (never the process's own).
pub const HOME: &str = "/home/user";

/// The options every test parses with.
pub fn options() -> ParseOptions {
    ParseOptions { home: Some(PathBuf::from(HOME)) }
}

/// `fixtures/mutt` in the workspace.
pub fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/mutt")
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
