//! Extending maillint without forking it.
//!
//! * [`pack`]: rule packs, rules written in TOML over the account model, with message templates
//!   and fixes that set endpoint fields. Each becomes an ordinary [`maillint_core::Rule`].
//! * [`providers`]: provider data packs, the user's own mail hosts in the format of
//!   `rules/providers/*.toml`.
//!
//! This crate never prints: errors are values with file, line and column, and plugin failures
//! become diagnostics.

pub mod location;
pub mod pack;
pub mod providers;

pub use pack::{PackError, PackRule, RulePack, load_pack, parse_pack};
pub use providers::{add_provider_files, load_provider_file};
