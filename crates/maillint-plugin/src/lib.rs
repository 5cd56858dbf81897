//! Extending maillint without forking it.
//!
//! * [`pack`]: rule packs, rules written in TOML over the account model, with message templates
//!   and fixes that set endpoint fields. Each becomes an ordinary [`maillint_core::Rule`].
//! * [`providers`]: provider data packs, the user's own mail hosts in the format of
//!   `rules/providers/*.toml`.
//! * [`external`]: plugins in any language, declared with their SHA-256 digest and speaking a
//!   versioned JSON protocol over standard input and output; a parser plugin reads a format
//!   maillint lacks, a rule plugin checks the account model.
//!
//! * [`trust`]: whether a configuration may start programs at all (owned by the user running
//!   maillint or root, writable by nobody else, nor is any folder above it).
//!
//! [`Extensions`] loads all three from the configuration and installs them into the registries.
//!
//! This crate never prints: errors are values with file, line and column, and plugin failures
//! become diagnostics.

pub mod extensions;
pub mod external;
pub mod location;
pub mod pack;
pub mod providers;
pub mod trust;

pub use extensions::{ExtensionConfig, ExtensionError, Extensions, Inventory};
pub use external::{ExternalPlugin, PluginKind, PluginLoadError, PluginSpec};
pub use pack::{PackError, PackRule, RulePack, load_pack, parse_pack};
pub use providers::{add_provider_files, load_provider_file};
