//! How a plugin is declared in the configuration: a `[[plugin]]` table.
//!
//! ```toml
//! [[plugin]]
//! name = "msmtp"
//! kind = "parser"
//! command = "plugins/maillint-msmtp"      # relative to the configuration file's folder
//! sha256 = "3f1c…"                         # of the command file; refused when it differs
//! formats = [".msmtprc", "msmtprc", "**/msmtp/config"]
//! locations = [".msmtprc", ".config/msmtp/config"]  # where `maillint scan` looks, in a home
//! timeout = 10                             # seconds per request
//! ```
//!
//! The command is the file that is hashed and started: no `PATH` search, so the digest always
//! covers what runs. A script with a `#!` line is its own command (its digest then covers the
//! code, not the interpreter).

use std::path::{Path, PathBuf};
use std::time::Duration;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::pack::is_kebab_case;

/// What a plugin does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum PluginKind {
    /// Reads a file format maillint lacks and returns accounts with spans.
    Parser,
    /// Looks at the account model and returns findings and fixes.
    Rule,
}

impl PluginKind {
    /// `parser` or `rule`.
    pub fn as_str(self) -> &'static str {
        match self {
            PluginKind::Parser => "parser",
            PluginKind::Rule => "rule",
        }
    }
}

/// The default time a plugin gets per request.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);
/// The longest timeout a configuration may ask for.
pub const MAX_TIMEOUT: Duration = Duration::from_secs(600);
/// The default bound on a plugin's standard output per request.
pub const DEFAULT_MAX_OUTPUT: u64 = 8 * 1024 * 1024;
/// The largest bound a configuration may ask for.
pub const MAX_MAX_OUTPUT: u64 = 256 * 1024 * 1024;

/// One `[[plugin]]` table.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct PluginSpec {
    /// Kebab-case name, shown in diagnostics and `maillint plugins`.
    pub name: String,
    /// Parser or rule plugin.
    pub kind: PluginKind,
    /// The executable, absolute or relative to the configuration file's folder.
    pub command: PathBuf,
    /// Arguments passed before nothing else (maillint adds none).
    #[serde(default)]
    pub args: Vec<String>,
    /// The SHA-256 digest of the command file, 64 hex digits.
    pub sha256: String,
    /// For parser plugins: the file names it reads, as globs. A glob without `/` matches the
    /// file name (`.msmtprc`, `*.msmtprc`); one with `/` matches the whole path
    /// (`**/msmtp/config`).
    #[serde(default)]
    pub formats: Vec<String>,
    /// For parser plugins: where the client keeps these files inside a home folder, relative
    /// to the home with `/` between folders (`.msmtprc`, `.config/msmtp/config`).
    /// `maillint scan` offers each file found there to the parsers; without `locations` the
    /// plugin's files are read by `check` only.
    #[serde(default)]
    pub locations: Vec<String>,
    /// Seconds a request may take before the plugin is killed (default 10).
    #[serde(default)]
    pub timeout: Option<f64>,
    /// Bytes of standard output a request may produce before the plugin is killed (default
    /// 8 MiB).
    #[serde(default)]
    pub max_output: Option<u64>,
}

/// Whether `path` names something inside a home: relative, `/`-separated, with no `.`, `..`
/// or empty component and no `\\` (a scan must never leave the home it was given).
fn is_home_relative(path: &str) -> bool {
    !path.is_empty()
        && !path.contains('\\')
        && path.split('/').all(|part| !matches!(part, "" | "." | ".."))
}

/// A `[[plugin]]` table that cannot be used as written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SpecError {
    /// The key at fault (`sha256`, `formats`, ...).
    pub field: &'static str,
    /// What is wrong.
    pub message: String,
}

impl PluginSpec {
    /// Checks the table's values (the file itself is checked when the plugin loads).
    pub fn validate(&self) -> Result<(), SpecError> {
        if !is_kebab_case(&self.name) {
            return Err(SpecError {
                field: "name",
                message: format!("`{}` is not a kebab-case plugin name", self.name),
            });
        }
        if self.command.as_os_str().is_empty() {
            return Err(SpecError { field: "command", message: "the command is empty".to_owned() });
        }
        if self.sha256.len() != 64 || !self.sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(SpecError {
                field: "sha256",
                message: format!(
                    "`{}` is not a SHA-256 digest (64 hex digits; `sha256sum FILE` prints it)",
                    self.sha256
                ),
            });
        }
        match self.kind {
            PluginKind::Parser if self.formats.is_empty() => {
                return Err(SpecError {
                    field: "formats",
                    message: "a parser plugin needs `formats`: the file names it reads, as globs"
                        .to_owned(),
                });
            }
            PluginKind::Rule if !self.locations.is_empty() => {
                return Err(SpecError {
                    field: "locations",
                    message: "only parser plugins read files; a rule plugin has no locations"
                        .to_owned(),
                });
            }
            PluginKind::Rule if !self.formats.is_empty() => {
                return Err(SpecError {
                    field: "formats",
                    message: "only parser plugins read files; a rule plugin sees the account \
                              model"
                        .to_owned(),
                });
            }
            _ => {}
        }
        for format in &self.formats {
            if let Err(e) = globset::Glob::new(format) {
                return Err(SpecError {
                    field: "formats",
                    message: format!("invalid glob `{format}`: {}", e.kind()),
                });
            }
        }
        if let Some(location) = self.locations.iter().find(|l| !is_home_relative(l)) {
            return Err(SpecError {
                field: "locations",
                message: format!(
                    "`{location}` is not a path inside the home: write it relative to the home, \
                     with `/` between folders and no `..`"
                ),
            });
        }
        if let Some(seconds) = self.timeout
            && !(seconds > 0.0 && seconds <= MAX_TIMEOUT.as_secs_f64())
        {
            return Err(SpecError {
                field: "timeout",
                message: format!(
                    "{seconds} is not a timeout in seconds between 0 and {}",
                    MAX_TIMEOUT.as_secs()
                ),
            });
        }
        if let Some(bytes) = self.max_output
            && !(1..=MAX_MAX_OUTPUT).contains(&bytes)
        {
            return Err(SpecError {
                field: "max-output",
                message: format!("{bytes} is not a byte count between 1 and {MAX_MAX_OUTPUT}"),
            });
        }
        Ok(())
    }

    /// The command's path, resolving a relative one against `base_dir` (the configuration
    /// file's folder).
    pub fn command_path(&self, base_dir: &Path) -> PathBuf {
        if self.command.is_absolute() { self.command.clone() } else { base_dir.join(&self.command) }
    }

    /// The timeout per request.
    pub fn timeout(&self) -> Duration {
        self.timeout.map_or(DEFAULT_TIMEOUT, Duration::from_secs_f64)
    }

    /// The bound on standard output per request.
    pub fn max_output(&self) -> u64 {
        self.max_output.unwrap_or(DEFAULT_MAX_OUTPUT)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(extra: &str) -> Result<PluginSpec, toml::de::Error> {
        toml::from_str(&format!(
            "name = \"msmtp\"\nkind = \"parser\"\ncommand = \"p\"\nsha256 = \"{}\"\n{extra}",
            "ab".repeat(32)
        ))
    }

    #[test]
    fn the_schema_has_the_kebab_case_keys_and_refuses_others() {
        let schema = serde_json::to_value(schemars::schema_for!(PluginSpec)).unwrap();
        let keys: Vec<&str> =
            schema["properties"].as_object().unwrap().keys().map(String::as_str).collect();
        let all = ["name", "kind", "command", "args", "sha256", "formats", "locations", "timeout"];
        for key in all.into_iter().chain(["max-output"]) {
            assert!(keys.contains(&key), "{key} missing from {keys:?}");
        }
        assert_eq!(schema["additionalProperties"], false);
    }

    #[test]
    fn a_parser_needs_formats_and_values_are_checked() {
        assert_eq!(spec("").unwrap().validate().unwrap_err().field, "formats");
        let ok = spec("formats = [\".msmtprc\"]").unwrap();
        ok.validate().unwrap();
        assert_eq!(ok.timeout(), DEFAULT_TIMEOUT);
        assert_eq!(ok.command_path(Path::new("/etc/maillint")), Path::new("/etc/maillint/p"));
        let err = spec("formats = [\"a\"]\ntimeout = 0").unwrap().validate().unwrap_err();
        assert_eq!(err.field, "timeout");
        let err = spec("formats = [\"a[\"]").unwrap().validate().unwrap_err();
        assert_eq!(err.field, "formats");
        assert!(spec("formats = []\nenv = 1").unwrap_err().to_string().contains("unknown field"));
        let mut bad = ok.clone();
        bad.sha256 = "xyz".into();
        assert_eq!(bad.validate().unwrap_err().field, "sha256");
    }

    #[test]
    fn locations_stay_inside_the_home() {
        let with = |locations: &str| {
            spec(&format!("formats = [\"a\"]\nlocations = {locations}")).unwrap().validate()
        };
        with(r#"[".msmtprc", ".config/msmtp/config"]"#).unwrap();
        for bad in ["/etc/msmtprc", "../bob/.msmtprc", ".config/../../x", "a//b", "", r"a\b", "./a"]
        {
            let error = with(&format!("[{bad:?}]")).unwrap_err();
            assert_eq!(error.field, "locations", "{bad}");
        }
        let rule = toml::from_str::<PluginSpec>(&format!(
            "name = \"r\"\nkind = \"rule\"\ncommand = \"p\"\nsha256 = \"{}\"\nlocations = [\"a\"]",
            "ab".repeat(32)
        ))
        .unwrap();
        assert_eq!(rule.validate().unwrap_err().field, "locations");
    }
}
