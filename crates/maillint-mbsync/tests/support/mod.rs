//! Helpers shared by the integration tests.

#![allow(dead_code)]

use std::path::PathBuf;

use maillint_core::{ParsedUnit, Sources};
use maillint_mbsync::MbsyncParser;

/// Parses `text` as `/nonexistent/.mbsyncrc`.
pub fn parse_text(text: &str) -> (Sources, ParsedUnit) {
    maillint_core::testing::parse_text(&MbsyncParser, "/nonexistent/.mbsyncrc", text)
}

/// `fixtures/mbsync` of the workspace, relative to the crate folder (the tests' working
/// directory), so that snapshot names do not depend on where the checkout is.
pub fn fixtures_dir() -> PathBuf {
    let relative = PathBuf::from("../../fixtures/mbsync");
    assert!(relative.is_dir(), "{} not found", relative.display());
    relative
}
