//! Helpers shared by the integration tests: parsing text and files.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use maillint_core::{ParseOptions, ParsedUnit, Parser, SourceFile, Sources};
use maillint_offlineimap::OfflineImapParser;

/// Parses `text` as `/nonexistent/.offlineimaprc`.
pub fn parse_text(text: &str) -> (Sources, ParsedUnit) {
    let mut sources = Sources::new();
    let root = sources.add(SourceFile::from_text("/nonexistent/.offlineimaprc", text));
    let unit = OfflineImapParser.parse(root, &mut sources, &ParseOptions::default());
    (sources, unit)
}

/// Parses a file on disk.
pub fn parse_file(path: &Path) -> (Sources, ParsedUnit) {
    let mut sources = Sources::new();
    let root = sources.load(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let unit = OfflineImapParser.parse(root, &mut sources, &ParseOptions::default());
    (sources, unit)
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

/// `fixtures/offlineimap` of the workspace, relative to the crate folder (the tests' working
/// directory).
pub fn fixtures_dir() -> PathBuf {
    let relative = PathBuf::from("../../fixtures/offlineimap");
    assert!(relative.is_dir(), "{} not found", relative.display());
    relative
}
