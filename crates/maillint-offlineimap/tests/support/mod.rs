//! Helpers shared by the integration tests.

#![allow(dead_code)]

use std::path::PathBuf;

use maillint_core::{ParsedUnit, Sources};
use maillint_offlineimap::OfflineImapParser;

/// Parses `text` as `/nonexistent/.offlineimaprc`.
pub fn parse_text(text: &str) -> (Sources, ParsedUnit) {
    maillint_core::testing::parse_text(&OfflineImapParser, "/nonexistent/.offlineimaprc", text)
}

/// `fixtures/offlineimap` of the workspace, relative to the crate folder (the tests' working
/// directory), so that snapshot names do not depend on where the checkout is.
pub fn fixtures_dir() -> PathBuf {
    let relative = PathBuf::from("../../fixtures/offlineimap");
    assert!(relative.is_dir(), "{} not found", relative.display());
    relative
}
