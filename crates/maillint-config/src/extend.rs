//! `extend = "../maillint.toml"`: a configuration built on another one (ruff's `extend`).
//!
//! The chain is read from the file in use to the last base ([`load_chain`]); each file becomes
//! [`Settings`] on its own (paths and globs relative to its own folder, errors naming it), and
//! the layers are merged base first ([`Settings::extended_by`]):
//!
//! * `select`, `exclude`, `home`, `force-exclude`, the size limits and `[mutt] flavour` set in
//!   the extending file replace the base's; `select` replaces the base's whole selection (its
//!   `extend-select` and `ignore` too), as it does for the command line;
//! * `extend-select`, `ignore`, `per-file-ignores`, `severity`, `extend-exclude`,
//!   `trusted-hosts`, `provider-files` and `rule-packs` add to the base's (`severity` of the
//!   extending file wins for the same rules);
//! * `[[plugin]]` tables are refused in a base: plugins are started only when the file in use
//!   declares them and is trusted (docs/security.md).
//!
//! A cycle (`a` extends `b` extends `a`) is an error naming every file of the cycle.

use std::path::{Path, PathBuf};

use crate::error::ConfigError;
use crate::options::Options;
use crate::paths::absolute;
use crate::settings::{Settings, load};

/// The longest chain of `extend`s followed (a chain longer than this is surely a mistake, and a
/// cycle through links that name the same file differently still ends).
pub const MAX_CHAIN: usize = 32;

/// One file of a chain: its path, options and text.
pub struct Layer {
    /// The file.
    pub path: PathBuf,
    /// Its options.
    pub options: Options,
    /// Its text (for positions in errors).
    pub text: String,
}

/// Reads `path` and every file it extends, base first (the file in use last).
pub fn load_chain(path: &Path) -> Result<Vec<Layer>, ConfigError> {
    let mut chain: Vec<Layer> = Vec::new();
    let mut current = absolute(path);
    loop {
        let this_file = identity(&current);
        if let Some(start) = chain.iter().position(|layer| identity(&layer.path) == this_file) {
            let cycle: Vec<String> = chain[start..]
                .iter()
                .map(|layer| layer.path.display().to_string())
                .chain([current.display().to_string()])
                .collect();
            let last = chain.last().expect("a cycle has a file before it");
            return Err(extend_error(
                last,
                format!("`extend` makes a cycle: {}", cycle.join(" -> ")),
            ));
        }
        if chain.len() == MAX_CHAIN {
            let last = chain.last().expect("the chain is not empty");
            return Err(extend_error(
                last,
                format!("more than {MAX_CHAIN} files extend each other"),
            ));
        }
        let (options, text) = match load(&current) {
            Ok(loaded) => loaded,
            // A base that cannot be read is reported where the `extend` names it.
            Err(error) if error.line.is_none() && !chain.is_empty() => {
                let last = chain.last().expect("the chain is not empty");
                let why = error.message.trim_start_matches("cannot read the configuration file: ");
                let message = format!("cannot read `{}`: {why}", current.display());
                return Err(extend_error(last, message));
            }
            Err(error) => return Err(error),
        };
        let next = options
            .extend
            .as_ref()
            .map(|base| absolute(&current.parent().unwrap_or(Path::new("/")).join(base.get_ref())));
        chain.push(Layer { path: current, options, text });
        match next {
            Some(base) => current = base,
            None => break,
        }
    }
    chain.reverse();
    Ok(chain)
}

/// The path that names a file, whatever links lead to it (the path itself when it cannot be
/// resolved: the error comes when it is read).
fn identity(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

/// An error at the `extend` key of `layer`.
fn extend_error(layer: &Layer, message: String) -> ConfigError {
    let span = layer.options.extend.as_ref().map(toml::Spanned::span);
    let mut error = ConfigError::at(&layer.path, &layer.text, span, message);
    error.field = Some("extend".to_owned());
    error
}

impl Settings {
    /// These settings (of a base) with `child`'s on top: see the module documentation.
    pub fn extended_by(mut self, child: Settings) -> Result<Settings, ConfigError> {
        if !self.plugins.is_empty() {
            let base = self.config_file.clone().unwrap_or_default();
            return Err(ConfigError::file(
                &base,
                format!(
                    "`[[plugin]]` in a file that another extends ({}): declare plugins in the \
                     file in use, which must be trusted",
                    child.config_file.clone().unwrap_or_default().display()
                ),
            ));
        }
        self.merge_selection(&child);
        self.per_file_ignores.extend(child.per_file_ignores);
        self.severity.extend(child.severity);
        if child.origins.contains_key("exclude") {
            self.excludes = child.excludes;
            self.origins.remove("extend-exclude");
        } else {
            self.excludes.extend(child.excludes);
        }
        self.force_exclude |= child.force_exclude;
        self.home = child.home.or(self.home);
        self.rule_settings.trusted_hosts.extend(child.rule_settings.trusted_hosts);
        self.rule_settings.today = child.rule_settings.today.or(self.rule_settings.today);
        self.providers.extend(child.providers);
        self.rule_packs.extend(child.rule_packs);
        self.plugins = child.plugins;
        self.max_file_size = child.max_file_size.or(self.max_file_size);
        self.max_home_size = child.max_home_size.or(self.max_home_size);
        self.max_home_files = child.max_home_files.or(self.max_home_files);
        self.client_settings.extend(child.client_settings);
        for (key, files) in child.origins {
            let joined =
                JOINED.contains(&key) && !(SELECTION.contains(&key) && child.select.is_some());
            let entry = self.origins.entry(key).or_default();
            if !joined {
                entry.clear();
            }
            entry.extend(files);
        }
        self.extends.push(self.config_file.clone().unwrap_or_default());
        self.extends.extend(child.extends);
        self.config_file = child.config_file;
        self.root = child.root;
        Ok(self)
    }

    /// `select` in the child replaces the base's whole selection; otherwise the lists join.
    fn merge_selection(&mut self, child: &Settings) {
        if child.select.is_some() {
            self.select.clone_from(&child.select);
            self.extend_select.clone_from(&child.extend_select);
            self.ignore.clone_from(&child.ignore);
            self.origins.remove("extend-select");
            self.origins.remove("ignore");
        } else {
            self.extend_select.extend(child.extend_select.iter().cloned());
            self.ignore.extend(child.ignore.iter().cloned());
        }
    }
}

/// The keys whose values join the base's rather than replace them.
const JOINED: &[&str] = &[
    "extend-select",
    "ignore",
    "per-file-ignores",
    "severity",
    "extend-exclude",
    "trusted-hosts",
    "provider-files",
    "rule-packs",
];

/// The keys a `select` of the extending file resets.
const SELECTION: &[&str] = &["extend-select", "ignore"];
