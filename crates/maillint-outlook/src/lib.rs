//! maillint's Outlook parsers.
//!
//! Outlook accounts reach files in three forms, each with its own [`Parser`]:
//!
//! * [`PrfParser`] (`outlook-prf`): PRF profile files imported with `outlook.exe /importprf`.
//! * [`RegParser`] (`outlook-reg`): `.reg` exports of an Outlook profile's account subkeys.
//! * [`AutodiscoverParser`] (`outlook-autodiscover`): Autodiscover POX responses.
//!
//! All three produce the shared account model through [`accounts`](crate::accounts), which
//! maps Outlook's enumerations (outlook.md 1.4, 2.2, 4) in one place, and report the
//! Outlook-specific rules of [`rules`]. [`Outlook`] registers the three with maillint, with
//! the folders `maillint scan` looks in. Passwords (PRF service passwords, registry password
//! blobs) are recorded as secret spans and never decoded.

use std::sync::Arc;

use maillint_core::{ClientSupport, Parser, RuleMeta};

mod accounts;
pub mod autodiscover;
pub mod client;
pub mod prf;
pub mod reg;
pub mod rules;
mod secrets;
#[cfg(test)]
mod testing;
mod text;

pub use autodiscover::AutodiscoverParser;
pub use client::{CLIENT, Outlook};
pub use prf::PrfParser;
pub use reg::RegParser;

/// The three Outlook parsers.
pub fn parsers() -> Vec<Arc<dyn Parser>> {
    Outlook.parsers()
}

/// The Outlook-specific rules, reported by the parsers.
pub fn rules() -> Vec<Arc<RuleMeta>> {
    rules::all()
}
