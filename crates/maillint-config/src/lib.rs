//! maillint's configuration: `maillint.toml` or `.maillint.toml`.
//!
//! 1. [`discover`]: the closest file at or above a checked path wins (`--config FILE` names
//!    one, `--isolated` uses none).
//! 2. [`options`]: the file as written, read with serde (`deny_unknown_fields`, kebab-case
//!    keys). Every error names the file, line, column and key ([`ConfigError`]).
//! 3. [`extend`]: a file may build on another (`extend = "../maillint.toml"`).
//! 4. [`settings`]: the file plus the command line become [`Settings`]; against the rule
//!    registry they become [`ResolvedRules`] (enabled rules, severity overrides, per-file
//!    ignores). [`paths`] matches `exclude` and `per-file-ignores` globs.
//!
//! The JSON Schema of the file ([`json_schema`]) is generated from the same types and committed
//! as `docs/maillint.schema.json` (`cargo xtask docs`).
//!
//! ```toml
//! select = ["ALL"]
//! ignore = ["not-followed"]
//! extend-exclude = ["backup"]
//! trusted-hosts = ["mail.corp.example"]
//! provider-files = ["providers/corp.toml"]
//!
//! [severity]
//! legacy-host = "info"
//!
//! [per-file-ignores]
//! "test/**" = ["T"]
//! ```

pub mod discover;
pub mod error;
pub mod extend;
pub mod options;
pub mod paths;
pub mod settings;
pub mod show;

pub use discover::{CONFIG_FILE_NAMES, ConfigFinder, find_config};
pub use error::ConfigError;
pub use options::{Options, SeverityName, json_schema};
pub use paths::PathMatcher;
pub use settings::{
    ConfigSource, Overrides, PerFileIgnores, ResolvedRules, RuleError, Selector, SelectorOrigin,
    Settings, load, parse,
};
