//! The options of `maillint.toml`, exactly as written: what serde reads and what the JSON
//! Schema (`docs/maillint.schema.json`) describes.
//!
//! Keys are kebab-case and unknown keys are refused (`deny_unknown_fields`), so a typo such as
//! `extend_select` is an error rather than a silently ignored setting. Values whose position an
//! error may have to name later (rule selectors, globs, paths) keep their span.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Deserialize;
use toml::Spanned;

/// A severity as written in the `[severity]` table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum SeverityName {
    /// Broken or dangerous.
    Error,
    /// Works, but is insecure or fragile.
    Warning,
    /// Worth knowing; never fails a run.
    Info,
}

impl From<SeverityName> for maillint_core::Severity {
    fn from(name: SeverityName) -> Self {
        match name {
            SeverityName::Error => maillint_core::Severity::Error,
            SeverityName::Warning => maillint_core::Severity::Warning,
            SeverityName::Info => maillint_core::Severity::Info,
        }
    }
}

/// maillint's configuration file, `maillint.toml` or `.maillint.toml`. The file closest to a
/// checked path wins (no merging with files further up); `--config FILE` names one explicitly
/// and `--isolated` ignores them all. Command-line flags override the file.
#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
#[schemars(title = "maillint configuration")]
pub struct Options {
    /// Another configuration file this one builds on, relative to the folder of this file
    /// (`extend = "../maillint.toml"`). Its settings hold unless this file sets them:
    /// `select`, `exclude`, `home` and the limits replace the base's; `extend-select`, `ignore`,
    /// `per-file-ignores`, `severity`, `extend-exclude`, `trusted-hosts`, `provider-files` and
    /// `rule-packs` add to them. A base may extend another; a cycle is an error.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub extend: Option<Spanned<String>>,

    /// Rules to run, replacing the default set: rule names, codes or code prefixes
    /// (`tls-disabled`, `T002`, `T`, `ALL`).
    #[serde(default)]
    #[schemars(with = "Option<Vec<String>>")]
    pub select: Option<Vec<Spanned<String>>>,

    /// Rules to run in addition to the selected set (names, codes or code prefixes).
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub extend_select: Vec<Spanned<String>>,

    /// Rules to turn off (names, codes or code prefixes).
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub ignore: Vec<Spanned<String>>,

    /// Rules to turn off in some files only: a glob (relative to the folder of this file; a
    /// pattern without `/` matches a file or folder name anywhere) mapped to rule names, codes
    /// or code prefixes.
    #[serde(default)]
    #[schemars(with = "BTreeMap<String, Vec<String>>")]
    pub per_file_ignores: BTreeMap<Spanned<String>, Vec<Spanned<String>>>,

    /// Severity overrides: a rule name, code or code prefix mapped to `error`, `warning` or
    /// `info`. Findings of `info` never fail a run.
    #[serde(default)]
    #[schemars(with = "BTreeMap<String, SeverityName>")]
    pub severity: BTreeMap<Spanned<String>, SeverityName>,

    /// Files and folders not to check, as globs (relative to the folder of this file; a pattern
    /// without `/` matches a file or folder name anywhere). Replaces the default list, which is
    /// empty.
    #[serde(default)]
    #[schemars(with = "Option<Vec<String>>")]
    pub exclude: Option<Vec<Spanned<String>>>,

    /// More files and folders not to check, added to `exclude`.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub extend_exclude: Vec<Spanned<String>>,

    /// Apply `exclude` even to files named on the command line. pre-commit passes every staged
    /// file by name, so its hooks need this (the hook definitions pass `--force-exclude`).
    #[serde(default)]
    pub force_exclude: bool,

    /// The home folder that `~` and `$HOME` stand for in the checked files (mutt's `source
    /// ~/.mutt/accounts/work`), relative to the folder of this file: `home = "."` in a dotfiles
    /// repository laid out as the home. Without it (and without `--home`, which overrides it)
    /// such paths are not followed: maillint never reads the environment. `maillint scan` uses
    /// each scanned home instead.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub home: Option<Spanned<String>>,

    /// Host names you trust: never reported as look-alikes of a provider's host or as the wrong
    /// host for a provider (a company relay, a local bridge).
    #[serde(default)]
    pub trusted_hosts: Vec<String>,

    /// The largest file maillint reads, in bytes (default 32 MiB, `--max-file-size` overrides
    /// it). A larger file is reported and not read: real Thunderbird profiles are 20-120 KB,
    /// and a file swapped for something huge must not stall a run (docs/security.md).
    #[serde(default)]
    #[schemars(range(min = 1))]
    pub max_file_size: Option<u64>,

    /// `maillint scan`: the most bytes read in one home, all its files together (default
    /// 128 MiB, `--max-home-size` overrides it). Past it, nothing more of that home is read,
    /// a problem says so, and the scan goes on with the next home (docs/security.md).
    #[serde(default)]
    #[schemars(range(min = 1))]
    pub max_home_size: Option<u64>,

    /// `maillint scan`: the most files opened in one home (default 10000, `--max-home-files`
    /// overrides it).
    #[serde(default)]
    #[schemars(range(min = 1))]
    pub max_home_files: Option<usize>,

    /// Extra provider files (same TOML format as the built-in ones in `rules/providers/`),
    /// relative to the folder of this file. A provider with the id of a built-in one replaces
    /// it.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub provider_files: Vec<Spanned<String>>,

    /// Declarative rule packs to load, relative to the folder of this file.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub rule_packs: Vec<Spanned<String>>,

    /// mutt and NeoMutt (`[mutt]`): settings for the muttrc files this configuration governs.
    #[serde(default)]
    pub mutt: MuttOptions,

    /// External plugins (`[[plugin]]` tables): executables that parse a format maillint lacks
    /// or check the account model, started only when declared here and only when their
    /// SHA-256 matches. See docs/plugins.md.
    #[serde(default, rename = "plugin")]
    pub plugins: Vec<maillint_plugin::PluginSpec>,
}

/// The top-level keys, for "did you mean" suggestions on unknown keys. A test keeps this list
/// equal to the schema's properties.
pub const KEYS: &[&str] = &[
    "extend",
    "select",
    "extend-select",
    "ignore",
    "per-file-ignores",
    "severity",
    "exclude",
    "extend-exclude",
    "force-exclude",
    "home",
    "trusted-hosts",
    "max-file-size",
    "max-home-size",
    "max-home-files",
    "provider-files",
    "rule-packs",
    "mutt",
    "plugin",
];

/// The JSON Schema of the configuration file, pretty-printed with a final newline (the content
/// of `docs/maillint.schema.json`).
pub fn json_schema() -> String {
    let schema = schemars::schema_for!(Options);
    let mut text = serde_json::to_string_pretty(&schema).expect("a schema always serialises");
    text.push('\n');
    text
}

/// `[mutt]`: settings for muttrc files.
#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct MuttOptions {
    /// Which program reads these files: `mutt` or `neomutt` applies that program's defaults
    /// where they differ (`ssl_force_tls`); `either` checks both readings and reports the
    /// weaker. Without it, a file whose path names NeoMutt (`neomuttrc`, `.config/neomutt/`)
    /// is NeoMutt's and any other is `either`.
    pub flavour: Option<MuttFlavour>,
}

/// The program that reads a muttrc.
#[derive(Clone, Copy, Debug, Deserialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum MuttFlavour {
    /// mutt.
    Mutt,
    /// NeoMutt.
    Neomutt,
    /// Either program: both readings are checked.
    Either,
}

impl MuttFlavour {
    /// The word `maillint.toml` uses.
    pub fn as_str(self) -> &'static str {
        match self {
            MuttFlavour::Mutt => "mutt",
            MuttFlavour::Neomutt => "neomutt",
            MuttFlavour::Either => "either",
        }
    }
}
