//! Resolution: a configuration file (or none) plus the command-line flags become [`Settings`],
//! and, against the rule registry, [`ResolvedRules`].
//!
//! Precedence follows ruff: `--select` on the command line replaces the whole selection of the
//! file (its `select`, `extend-select` and `ignore`); without it, the command line's
//! `--extend-select` and `--ignore` are added to the file's. Every selector is checked against
//! the registry before use, so an unknown rule in the file is reported at its line and column
//! with the closest known name, and an unknown rule on the command line is a usage error.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;
use std::path::{Path, PathBuf};

use maillint_core::selection::UnknownSelector;
use maillint_core::{
    EnabledRules, Provider, ProviderDb, RuleRegistry, RuleSettings, Selection, Severity,
};
use toml::Spanned;

use crate::discover::find_config;
use crate::error::{ConfigError, line_column};
use crate::extend::load_chain;
use crate::options::{KEYS, Options};
use crate::paths::{PathMatcher, absolute, normalize};

/// Where the configuration comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConfigSource {
    /// `--isolated`: no configuration file at all.
    Isolated,
    /// `--config FILE`: this file, wherever it is.
    File(PathBuf),
    /// The closest `maillint.toml` or `.maillint.toml` at or above this path (a checked file
    /// or folder); none found means defaults.
    Discover(PathBuf),
}

/// What the command line says about rules and files.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Overrides {
    /// `--select`.
    pub select: Option<Vec<String>>,
    /// `--extend-select`.
    pub extend_select: Vec<String>,
    /// `--ignore`.
    pub ignore: Vec<String>,
    /// `--force-exclude`.
    pub force_exclude: bool,
}

/// Where a rule selector was written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SelectorOrigin {
    /// On the command line.
    CommandLine,
    /// In the configuration file, at this 1-based line and column, under this key.
    File {
        /// The configuration file (the one in use or a file it extends).
        file: PathBuf,
        /// Line.
        line: usize,
        /// Column.
        column: usize,
        /// The key (`select`, `severity`, `per-file-ignores`).
        field: String,
    },
}

/// A rule selector (name, code, code prefix or `ALL`) and where it was written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Selector {
    /// What was written.
    pub text: String,
    /// Where.
    pub origin: SelectorOrigin,
}

/// An unknown rule selector, from the file or from the command line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RuleError {
    /// Written in the configuration file: the error names the file, line and column.
    Config(ConfigError),
    /// Given on the command line: a usage error.
    CommandLine(UnknownSelector),
}

impl fmt::Display for RuleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RuleError::Config(e) => e.fmt(f),
            RuleError::CommandLine(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for RuleError {}

/// The settings of one run (or of the files one configuration file governs).
#[derive(Clone, Debug)]
pub struct Settings {
    /// The configuration file read, if any.
    pub config_file: Option<PathBuf>,
    /// The folder globs and relative paths are resolved against: the configuration file's
    /// folder, or the current folder without a file.
    pub root: PathBuf,
    /// The files this one extends, base first (empty without `extend`).
    pub extends: Vec<PathBuf>,
    /// Which files set each key (`select` -> the file whose `select` holds; keys whose values
    /// join, such as `ignore`, list every file that added to them). Keys no file sets are
    /// absent: their defaults hold.
    pub origins: BTreeMap<&'static str, Vec<PathBuf>>,
    pub(crate) select: Option<Vec<Selector>>,
    pub(crate) extend_select: Vec<Selector>,
    pub(crate) ignore: Vec<Selector>,
    pub(crate) per_file_ignores: Vec<(PathMatcher, Vec<Selector>)>,
    pub(crate) severity: Vec<(Selector, Severity)>,
    /// `exclude` plus `extend-exclude` of each file, each relative to its own file's folder.
    pub(crate) excludes: Vec<PathMatcher>,
    /// Whether `exclude` applies to files named on the command line too.
    pub force_exclude: bool,
    /// `home`, resolved against the root: the folder `~` stands for in the checked files.
    pub home: Option<PathBuf>,
    /// Settings rules read (`trusted-hosts`).
    pub rule_settings: RuleSettings,
    /// Providers read from `provider-files`, in order, each with the file it came from.
    pub providers: Vec<(PathBuf, Provider)>,
    /// `rule-packs`, resolved against the root.
    pub rule_packs: Vec<PathBuf>,
    /// `[[plugin]]` tables; their paths are relative to `root`.
    pub plugins: Vec<maillint_plugin::PluginSpec>,
    /// `max-file-size`: the largest file read, in bytes.
    pub max_file_size: Option<u64>,
    /// `max-home-size`: the most bytes `scan` reads in one home.
    pub max_home_size: Option<u64>,
    /// `max-home-files`: the most files `scan` opens in one home.
    pub max_home_files: Option<usize>,
    /// Client settings for the parsers (`[mutt] flavour`), as `<client>.<key>` → value.
    pub client_settings: BTreeMap<String, String>,
}

/// The rule choices of [`Settings`], resolved against a registry.
#[derive(Clone, Debug)]
pub struct ResolvedRules {
    /// The rules that run.
    pub enabled: EnabledRules,
    /// Severity per rule name, for the rules the `[severity]` table names.
    pub severity_overrides: HashMap<String, Severity>,
    /// Rules turned off in some files.
    pub per_file_ignores: PerFileIgnores,
}

/// `per-file-ignores`, resolved to rule names.
#[derive(Clone, Debug, Default)]
pub struct PerFileIgnores {
    entries: Vec<(PathMatcher, BTreeSet<String>)>,
}

impl PerFileIgnores {
    /// Whether the rule named `rule` is turned off for `path`.
    pub fn is_ignored(&self, path: &Path, rule: &str) -> bool {
        self.entries.iter().any(|(matcher, rules)| rules.contains(rule) && matcher.is_match(path))
    }

    /// Every rule name turned off for `path`.
    pub fn ignored(&self, path: &Path) -> BTreeSet<&str> {
        self.entries
            .iter()
            .filter(|(matcher, _)| matcher.is_match(path))
            .flat_map(|(_, rules)| rules.iter().map(String::as_str))
            .collect()
    }

    /// Whether no pattern is configured.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// Reads and parses a configuration file.
pub fn load(path: &Path) -> Result<(Options, String), ConfigError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| ConfigError::file(path, format!("cannot read the configuration file: {e}")))?;
    let options = parse(path, &text)?;
    Ok((options, text))
}

/// Parses configuration text read from `path`.
pub fn parse(path: &Path, text: &str) -> Result<Options, ConfigError> {
    toml::from_str::<Options>(text).map_err(|e| {
        let at = maillint_core::locate_toml_error(text, &e);
        let mut message = at.message.trim_start().to_owned();
        if let Some(unknown) = unknown_field(&message) {
            let closest = KEYS
                .iter()
                .map(|key| (strsim::jaro_winkler(&unknown, key), *key))
                .filter(|(score, _)| *score >= 0.8)
                .max_by(|a, b| a.0.total_cmp(&b.0));
            if let Some((_, key)) = closest {
                message.push_str(&format!(" (did you mean `{key}`?)"));
            }
        }
        ConfigError::toml(path, text, &at, message)
    })
}

/// The name in serde's "unknown field `x`, expected ..." message.
fn unknown_field(message: &str) -> Option<String> {
    let rest = message.strip_prefix("unknown field `")?;
    Some(rest.split('`').next()?.to_owned())
}

impl Settings {
    /// Finds and reads the configuration, then applies the command line.
    pub fn resolve(source: &ConfigSource, overrides: &Overrides) -> Result<Self, ConfigError> {
        let file = match source {
            ConfigSource::Isolated => None,
            ConfigSource::File(path) => Some(path.clone()),
            ConfigSource::Discover(start) => find_config(start).map_err(|e| {
                ConfigError::file(start, format!("cannot look for a configuration file: {e}"))
            })?,
        };
        let Some(path) = file else {
            return Self::from_options(Options::default(), None, "", overrides);
        };
        // Base first; the command line applies to the file in use, on top of everything.
        let mut chain = load_chain(&path)?.into_iter();
        let in_use = chain.next_back().expect("a chain holds at least the file in use");
        let mut settings: Option<Settings> = None;
        for base in chain {
            let layer = Self::from_options(
                base.options,
                Some(&base.path),
                &base.text,
                &Overrides::default(),
            )?;
            settings = Some(match settings {
                None => layer,
                Some(below) => below.extended_by(layer)?,
            });
        }
        let top = Self::from_options(in_use.options, Some(&in_use.path), &in_use.text, overrides)?;
        match settings {
            None => Ok(top),
            Some(below) => below.extended_by(top),
        }
    }

    /// Settings from parsed options; `path` and `text` are the file they came from (for
    /// positions in errors and for resolving relative paths).
    #[allow(
        clippy::too_many_lines,
        reason = "each option of maillint.toml resolved in its turn against the same file text and command-line overrides"
    )]
    pub fn from_options(
        options: Options,
        path: Option<&Path>,
        text: &str,
        overrides: &Overrides,
    ) -> Result<Self, ConfigError> {
        let root = match path {
            Some(p) => absolute(p)
                .parent()
                .map(Path::to_path_buf)
                .unwrap_or_else(|| absolute(Path::new("."))),
            None => absolute(Path::new(".")),
        };
        let config_path = path.map(Path::to_path_buf).unwrap_or_default();
        let from_file = |value: &Spanned<String>, field: &str| {
            let (line, column) = line_column(text, value.span().start);
            Selector {
                text: value.get_ref().clone(),
                origin: SelectorOrigin::File {
                    file: config_path.clone(),
                    line,
                    column,
                    field: field.to_owned(),
                },
            }
        };
        let from_cli =
            |text: &String| Selector { text: text.clone(), origin: SelectorOrigin::CommandLine };
        let error_at = |value_span: std::ops::Range<usize>, message: String| {
            ConfigError::at(&config_path, text, Some(value_span), message)
        };

        let (select, extend_select, ignore) = match &overrides.select {
            // `--select` replaces the file's whole selection.
            Some(cli) => (
                Some(cli.iter().map(from_cli).collect()),
                overrides.extend_select.iter().map(from_cli).collect(),
                overrides.ignore.iter().map(from_cli).collect(),
            ),
            None => (
                options.select.as_ref().map(|s| s.iter().map(|v| from_file(v, "select")).collect()),
                options
                    .extend_select
                    .iter()
                    .map(|v| from_file(v, "extend-select"))
                    .chain(overrides.extend_select.iter().map(from_cli))
                    .collect(),
                options
                    .ignore
                    .iter()
                    .map(|v| from_file(v, "ignore"))
                    .chain(overrides.ignore.iter().map(from_cli))
                    .collect(),
            ),
        };

        let mut per_file_ignores = Vec::new();
        for (pattern, rules) in &options.per_file_ignores {
            let matcher = PathMatcher::new(&root, [pattern.get_ref().as_str()]).map_err(|e| {
                error_at(
                    pattern.span(),
                    format!("invalid glob `{}`: {}", pattern.get_ref(), e.message),
                )
            })?;
            let selectors = rules.iter().map(|r| from_file(r, "per-file-ignores")).collect();
            per_file_ignores.push((matcher, selectors));
        }

        let severity = options
            .severity
            .iter()
            .map(|(rule, level)| (from_file(rule, "severity"), Severity::from(*level)))
            .collect();

        let exclude_patterns: Vec<&Spanned<String>> =
            options.exclude.iter().flatten().chain(options.extend_exclude.iter()).collect();
        let exclude =
            PathMatcher::new(&root, exclude_patterns.iter().map(|p| p.get_ref().as_str()))
                .map_err(|e| {
                    let pattern = exclude_patterns[e.index];
                    error_at(
                        pattern.span(),
                        format!("invalid glob `{}`: {}", pattern.get_ref(), e.message),
                    )
                })?;

        let mut providers = Vec::new();
        for file in &options.provider_files {
            let provider_path = root.join(file.get_ref());
            let provider_text = std::fs::read_to_string(&provider_path).map_err(|e| {
                error_at(
                    file.span(),
                    format!("cannot read provider file `{}`: {e}", provider_path.display()),
                )
            })?;
            let parsed = ProviderDb::parse_many(&provider_path, &provider_text).map_err(|e| {
                ConfigError {
                    path: e.path,
                    line: e.line,
                    column: e.column,
                    field: None,
                    message: e.message,
                }
            })?;
            providers.extend(parsed.into_iter().map(|provider| (provider_path.clone(), provider)));
        }

        // The run's date decides which dated provider policy holds (`MAILLINT_TODAY` pins it).
        let today = maillint_core::Date::today().map_err(|e| ConfigError {
            path: PathBuf::from(maillint_core::date::TODAY_VAR),
            line: None,
            column: None,
            field: None,
            message: e.to_string(),
        })?;
        let rule_settings =
            RuleSettings { trusted_hosts: options.trusted_hosts.clone(), today: Some(today) };

        // `--select` replaces the file's selection: the file no longer sets those keys.
        let replaced: &[&str] =
            if overrides.select.is_some() { &["select", "extend-select", "ignore"] } else { &[] };
        let origins = match path {
            Some(path) => keys_set(&options)
                .into_iter()
                .filter(|key| !replaced.contains(key))
                .map(|key| (key, vec![path.to_path_buf()]))
                .collect(),
            None => BTreeMap::new(),
        };
        Ok(Settings {
            config_file: path.map(Path::to_path_buf),
            root: root.clone(),
            extends: Vec::new(),
            origins,
            select,
            extend_select,
            ignore,
            per_file_ignores,
            severity,
            excludes: vec![exclude],
            force_exclude: options.force_exclude || overrides.force_exclude,
            home: options.home.as_ref().map(|home| normalize(&root.join(home.get_ref()))),
            rule_settings,
            providers,
            rule_packs: options.rule_packs.iter().map(|p| root.join(p.get_ref())).collect(),
            plugins: options.plugins.clone(),
            max_file_size: options.max_file_size,
            max_home_size: options.max_home_size,
            max_home_files: options.max_home_files,
            client_settings: options
                .mutt
                .flavour
                .map(|f| ("mutt.flavour".to_owned(), f.as_str().to_owned()))
                .into_iter()
                .collect(),
        })
    }

    /// The selection as plain strings (for display; [`Settings::rules`] resolves it).
    pub fn selection(&self) -> Selection {
        let texts = |s: &[Selector]| s.iter().map(|s| s.text.clone()).collect::<Vec<_>>();
        Selection {
            select: self.select.as_deref().map(texts),
            extend_select: texts(&self.extend_select),
            ignore: texts(&self.ignore),
        }
    }

    fn check<'r>(
        &self,
        registry: &'r RuleRegistry,
        selector: &Selector,
    ) -> Result<Vec<&'r maillint_core::RuleMeta>, RuleError> {
        registry.matching(&selector.text).map_err(|unknown| match &selector.origin {
            SelectorOrigin::CommandLine => RuleError::CommandLine(unknown),
            SelectorOrigin::File { file, line, column, field } => RuleError::Config(ConfigError {
                path: file.clone(),
                line: Some(*line),
                column: Some(*column),
                field: Some(field.clone()),
                message: unknown.to_string(),
            }),
        })
    }

    /// Resolves the rule choices against `registry`.
    pub fn rules(&self, registry: &RuleRegistry) -> Result<ResolvedRules, RuleError> {
        for selector in self.select.iter().flatten().chain(&self.extend_select).chain(&self.ignore)
        {
            self.check(registry, selector)?;
        }
        let enabled = registry.resolve(&self.selection()).map_err(RuleError::CommandLine)?;

        // Broad selectors first, so that `T001 = "error"` beats `T = "warning"` whatever the
        // order in the file.
        let mut severity: Vec<(usize, Vec<String>, Severity)> = Vec::new();
        for (selector, level) in &self.severity {
            let names: Vec<String> =
                self.check(registry, selector)?.into_iter().map(|m| m.name.clone()).collect();
            severity.push((names.len(), names, *level));
        }
        severity.sort_by_key(|(breadth, _, _)| std::cmp::Reverse(*breadth));
        let mut severity_overrides = HashMap::new();
        for (_, names, level) in severity {
            for name in names {
                severity_overrides.insert(name, level);
            }
        }

        let mut per_file_ignores = PerFileIgnores::default();
        for (matcher, selectors) in &self.per_file_ignores {
            let mut names = BTreeSet::new();
            for selector in selectors {
                names.extend(self.check(registry, selector)?.into_iter().map(|m| m.name.clone()));
            }
            per_file_ignores.entries.push((matcher.clone(), names));
        }
        Ok(ResolvedRules { enabled, severity_overrides, per_file_ignores })
    }

    /// Whether `path` matches `exclude` or `extend-exclude`.
    pub fn is_excluded(&self, path: &Path) -> bool {
        self.excludes.iter().any(|matcher| matcher.is_match(path))
    }

    /// Whether to check `path`: files found by walking a folder are skipped when excluded;
    /// files named on the command line only with `force-exclude`.
    pub fn should_check(&self, path: &Path, named_on_command_line: bool) -> bool {
        if named_on_command_line && !self.force_exclude {
            return true;
        }
        !self.is_excluded(path)
    }

    /// Adds the providers of `provider-files` to `db` (replacing built-in ones with the same id).
    pub fn add_providers_to(&self, db: &mut ProviderDb) {
        for (_, provider) in &self.providers {
            db.add(provider.clone());
        }
    }
}

/// The keys `options` sets (a key left at its default is not listed).
fn keys_set(options: &Options) -> Vec<&'static str> {
    let flags = [
        ("extend", options.extend.is_some()),
        ("select", options.select.is_some()),
        ("extend-select", !options.extend_select.is_empty()),
        ("ignore", !options.ignore.is_empty()),
        ("per-file-ignores", !options.per_file_ignores.is_empty()),
        ("severity", !options.severity.is_empty()),
        ("exclude", options.exclude.is_some()),
        ("extend-exclude", !options.extend_exclude.is_empty()),
        ("force-exclude", options.force_exclude),
        ("home", options.home.is_some()),
        ("trusted-hosts", !options.trusted_hosts.is_empty()),
        ("max-file-size", options.max_file_size.is_some()),
        ("max-home-size", options.max_home_size.is_some()),
        ("max-home-files", options.max_home_files.is_some()),
        ("provider-files", !options.provider_files.is_empty()),
        ("rule-packs", !options.rule_packs.is_empty()),
        ("mutt", options.mutt.flavour.is_some()),
        ("plugin", !options.plugins.is_empty()),
    ];
    flags.into_iter().filter(|(_, set)| *set).map(|(key, _)| key).collect()
}
