//! Everything the configuration adds to maillint, loaded together and installed into the
//! registries the engine uses: rule packs, provider files and external plugins.
//!
//! The CLI builds an [`ExtensionConfig`] from the configuration (`rule-packs`, `providers`,
//! `[[plugin]]`) and the command line (`--rule-pack`), calls [`Extensions::load`], and then
//! installs in this order:
//!
//! 1. [`Extensions::install_providers`] into the provider database;
//! 2. [`Extensions::install_parsers`] into the parser registry, before the rule registry is
//!    built from the parsers (each parser's `rules()`, plugin parsers included, is registered
//!    there like a built-in parser's);
//! 3. [`Extensions::install_rules`] into the rule registry, after the built-in rules, so that a
//!    name or code clash names the built-in rule.
//!
//! [`Extensions::inventory`] describes what was loaded, for `maillint plugins`.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use maillint_core::providers::ProviderError;
use maillint_core::{
    FixAvailability, ParserRegistry, Provider, ProviderDb, RuleMeta, RuleRegistry, Severity,
};
use serde::Serialize;

use crate::external::{
    ExternalPlugin, PluginErrorRule, PluginKind, PluginLoadError, PluginSpec, plugin_error_check,
};
use crate::pack::{PackError, RulePack, describe_origin, load_pack};
use crate::providers::load_provider_file;

/// What to load. Paths are used as given: resolve them against the configuration file's folder
/// (or the current folder, for command-line flags) before.
#[derive(Clone, Debug, Default)]
pub struct ExtensionConfig {
    /// Rule pack files, in order.
    pub rule_packs: Vec<PathBuf>,
    /// Provider files (the format of `rules/providers/*.toml`), in order.
    pub provider_files: Vec<PathBuf>,
    /// External plugins.
    pub plugins: Vec<PluginSpec>,
    /// The folder relative plugin commands are resolved against: the configuration file's.
    pub plugin_base_dir: PathBuf,
}

/// Something the configuration asks for that cannot be loaded or installed.
#[derive(Debug)]
pub enum ExtensionError {
    /// A rule pack.
    Pack(PackError),
    /// A provider file.
    Provider(ProviderError),
    /// A plugin.
    Plugin(PluginLoadError),
}

impl fmt::Display for ExtensionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ExtensionError::Pack(e) => write!(f, "{e}"),
            ExtensionError::Provider(e) => write!(f, "{e}"),
            ExtensionError::Plugin(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for ExtensionError {}

/// Loaded rule packs, provider files and plugins.
#[derive(Debug, Default)]
pub struct Extensions {
    packs: Vec<RulePack>,
    provider_files: Vec<(PathBuf, Provider)>,
    plugins: Vec<ExternalPlugin>,
}

impl Extensions {
    /// Loads everything `config` names. Each plugin is started once, to describe itself; no
    /// plugin starts unless `config` declares it.
    pub fn load(config: &ExtensionConfig) -> Result<Self, ExtensionError> {
        let mut extensions = Extensions::default();
        for path in &config.rule_packs {
            extensions.packs.push(load_pack(path).map_err(ExtensionError::Pack)?);
        }
        for path in &config.provider_files {
            for provider in load_provider_file(path).map_err(ExtensionError::Provider)? {
                extensions.provider_files.push((path.clone(), provider));
            }
        }
        for spec in &config.plugins {
            if extensions.plugins.iter().any(|p| p.name() == spec.name) {
                return Err(ExtensionError::Plugin(PluginLoadError {
                    plugin: spec.name.clone(),
                    field: Some("name"),
                    message: "two [[plugin]] tables use this name".to_owned(),
                }));
            }
            extensions.plugins.push(
                ExternalPlugin::load(spec, &config.plugin_base_dir)
                    .map_err(ExtensionError::Plugin)?,
            );
        }
        Ok(extensions)
    }

    /// The loaded packs.
    pub fn packs(&self) -> &[RulePack] {
        &self.packs
    }

    /// The loaded plugins.
    pub fn plugins(&self) -> &[ExternalPlugin] {
        &self.plugins
    }

    /// Adds provider files, then the packs' providers (a later provider with a known id replaces
    /// the earlier one).
    pub fn install_providers(&self, db: &mut ProviderDb) {
        for (_, provider) in &self.provider_files {
            db.add(provider.clone());
        }
        for pack in &self.packs {
            pack.add_providers(db);
        }
    }

    /// Adds the parser plugins, after the parsers already registered: a built-in parser that
    /// recognises a file by its content keeps it. Each plugin's client is registered with the
    /// locations its table declares, so `maillint scan` looks there.
    pub fn install_parsers(&self, parsers: &mut ParserRegistry) {
        for plugin in &self.plugins {
            if let Some(parser) = plugin.parser() {
                parsers.register(parser);
            }
            if let Some(client) = plugin.client() {
                parsers.register_client_only(client);
            }
        }
    }

    /// Adds the packs' rules, the rule plugins' rules, and `plugin-error` (always, so that it
    /// can be selected and documented even without plugins). A name or code already in use is
    /// an error naming both rules.
    pub fn install_rules(&self, rules: &mut RuleRegistry) -> Result<(), ExtensionError> {
        for pack in &self.packs {
            pack.register(rules).map_err(ExtensionError::Pack)?;
        }
        for plugin in &self.plugins {
            for check in plugin.checks() {
                let meta = Arc::clone(check.meta());
                if let Some(clash) = clash(rules, &meta) {
                    return Err(plugin_error(plugin, clash));
                }
                rules.register(check).map_err(|e| plugin_error(plugin, e.to_string()))?;
            }
        }
        if let Some(existing) = rules.get(&PluginErrorRule::metadata().name) {
            return Err(ExtensionError::Plugin(PluginLoadError {
                plugin: "plugin-error".to_owned(),
                field: None,
                message: format!(
                    "the rule `plugin-error` (X001) is already registered by the {} `{}`",
                    describe_origin(&existing.origin),
                    existing.name
                ),
            }));
        }
        // Last: it reads the answers the plugin rules above asked for.
        rules
            .register(plugin_error_check(&self.plugins))
            .map_err(|e| plugin_error_named("plugin-error", e.to_string()))?;
        Ok(())
    }

    /// What was loaded, for `maillint plugins`.
    pub fn inventory(&self) -> Inventory {
        Inventory {
            packs: self
                .packs
                .iter()
                .map(|pack| PackEntry {
                    path: pack.path().to_path_buf(),
                    name: pack.name().to_owned(),
                    version: pack.version().map(str::to_owned),
                    description: pack.description().map(str::to_owned),
                    rules: pack
                        .rules()
                        .iter()
                        .map(|r| RuleEntry::of(maillint_core::Rule::meta(r.as_ref())))
                        .collect(),
                    providers: pack.providers().iter().map(|p| p.id.clone()).collect(),
                })
                .collect(),
            provider_files: self
                .provider_files
                .iter()
                .map(|(path, provider)| ProviderEntry {
                    path: path.clone(),
                    id: provider.id.clone(),
                    name: provider.name.clone(),
                })
                .collect(),
            plugins: self
                .plugins
                .iter()
                .map(|plugin| {
                    let (declared_name, declared_version) = plugin.declared();
                    PluginEntry {
                        name: plugin.name().to_owned(),
                        kind: plugin.kind(),
                        command: plugin.command().to_path_buf(),
                        sha256: plugin.digest().to_owned(),
                        declared_name: declared_name.map(str::to_owned),
                        declared_version: declared_version.map(str::to_owned),
                        formats: plugin.spec().formats.clone(),
                        client: plugin.parser().map(|p| p.client().as_str().to_owned()),
                        rules: plugin.rules().iter().map(RuleEntry::of).collect(),
                    }
                })
                .collect(),
        }
    }
}

fn clash(rules: &RuleRegistry, meta: &RuleMeta) -> Option<String> {
    for (key, what) in [(&meta.name, "name"), (&meta.code, "code")] {
        if let Some(existing) = rules.get(key) {
            return Some(format!(
                "its rule `{}` ({}) uses the {what} `{key}`, which the {} `{}` ({}) already uses",
                meta.name,
                meta.code,
                describe_origin(&existing.origin),
                existing.name,
                existing.code
            ));
        }
    }
    None
}

fn plugin_error(plugin: &ExternalPlugin, message: String) -> ExtensionError {
    plugin_error_named(plugin.name(), message)
}

fn plugin_error_named(name: &str, message: String) -> ExtensionError {
    ExtensionError::Plugin(PluginLoadError { plugin: name.to_owned(), field: None, message })
}

/// What `maillint plugins` lists.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Inventory {
    /// Rule packs.
    pub packs: Vec<PackEntry>,
    /// Provider files.
    pub provider_files: Vec<ProviderEntry>,
    /// External plugins.
    pub plugins: Vec<PluginEntry>,
}

impl Inventory {
    /// Whether nothing is loaded.
    pub fn is_empty(&self) -> bool {
        self.packs.is_empty() && self.provider_files.is_empty() && self.plugins.is_empty()
    }
}

/// A rule, in a listing.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct RuleEntry {
    /// Code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Default severity.
    pub severity: Severity,
    /// Whether findings carry fixes.
    pub fix: FixAvailability,
    /// One sentence.
    pub summary: String,
}

impl RuleEntry {
    fn of(meta: &Arc<RuleMeta>) -> Self {
        Self {
            code: meta.code.clone(),
            name: meta.name.clone(),
            severity: meta.severity,
            fix: meta.fix,
            summary: meta.summary.clone(),
        }
    }
}

/// A rule pack, in a listing.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct PackEntry {
    /// The file.
    pub path: PathBuf,
    /// Its name.
    pub name: String,
    /// Its version.
    pub version: Option<String>,
    /// Its description.
    pub description: Option<String>,
    /// Its rules.
    pub rules: Vec<RuleEntry>,
    /// The ids of the providers it ships.
    pub providers: Vec<String>,
}

/// A provider file, in a listing.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct ProviderEntry {
    /// The file.
    pub path: PathBuf,
    /// The provider's id.
    pub id: String,
    /// Its name.
    pub name: String,
}

/// An external plugin, in a listing.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct PluginEntry {
    /// Configured name.
    pub name: String,
    /// Parser or rule plugin.
    pub kind: PluginKind,
    /// The command file.
    pub command: PathBuf,
    /// Its verified SHA-256 digest.
    pub sha256: String,
    /// The name the plugin gives itself.
    pub declared_name: Option<String>,
    /// The version the plugin gives itself.
    pub declared_version: Option<String>,
    /// File-name globs (parser plugins).
    pub formats: Vec<String>,
    /// The client its accounts belong to (parser plugins).
    pub client: Option<String>,
    /// Its rules.
    pub rules: Vec<RuleEntry>,
}

/// Resolves `path` against `base` unless it is absolute.
pub fn resolve(base: &Path, path: &Path) -> PathBuf {
    if path.is_absolute() { path.to_path_buf() } else { base.join(path) }
}
