//! Building the registries and the [`Linter`] from the command line and the configuration
//! file: rule packs, provider files and plugins; the rule selection, severity overrides,
//! per-file ignores, excludes and trusted hosts. Shared by every command.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use maillint_config::paths::absolute;
use maillint_config::{ConfigSource, Overrides, Settings};
use maillint_core::{ParseOptions, ParserRegistry, ProviderDb, RuleRegistry};
use maillint_engine::Linter;
use maillint_plugin::extensions::ProviderEntry;
use maillint_plugin::{ExtensionConfig, Extensions, Inventory};

use crate::args::{ConfigArgs, RuleArgs};
use crate::registry;

/// Everything maillint knows in this run: built-ins plus the configured extensions.
pub struct Loaded {
    /// Parsers, built-in and from parser plugins.
    pub parsers: ParserRegistry,
    /// Rules, built-in, from packs and from rule plugins.
    pub rules: RuleRegistry,
    /// Provider facts, built-in and from provider files.
    pub providers: ProviderDb,
    /// The resolved configuration.
    pub settings: Settings,
    /// The loaded packs, provider files and plugins (for `maillint plugins`).
    pub extensions: Extensions,
}

impl Loaded {
    /// What `maillint plugins` lists: the configuration's `provider-files` first (they are
    /// installed first), then what the extensions loaded.
    pub fn inventory(&self) -> Inventory {
        let mut inventory = self.extensions.inventory();
        let configured = self.settings.providers.iter().map(|(path, provider)| ProviderEntry {
            path: path.clone(),
            id: provider.id.clone(),
            name: provider.name.clone(),
        });
        inventory.provider_files.splice(0..0, configured);
        inventory
    }
}

/// A linter and the settings it was built from.
pub struct Setup {
    /// The linter.
    pub linter: Linter,
    /// The resolved configuration (excludes are applied by the caller).
    pub settings: Settings,
}

/// Reads the configuration for `first_path` (unless `--isolated`) and loads the extensions it
/// and the command line name. Errors are messages for the user; the caller exits 2.
pub fn load(
    config: &ConfigArgs,
    overrides: &Overrides,
    first_path: &Path,
) -> Result<Loaded, String> {
    let source = if config.isolated {
        ConfigSource::Isolated
    } else if let Some(file) = &config.config {
        ConfigSource::File(file.clone())
    } else {
        ConfigSource::Discover(first_path.to_path_buf())
    };
    let settings = Settings::resolve(&source, overrides).map_err(|e| e.to_string())?;
    // Plugins are started only when the configuration declares them, and only when that
    // configuration is trusted (docs/security.md); loading checks each executable's SHA-256
    // against the declared digest.
    if !settings.plugins.is_empty()
        && let Some(file) = &settings.config_file
    {
        maillint_plugin::trust::require_trusted(file).map_err(|e| e.to_string())?;
    }
    let extensions = Extensions::load(&ExtensionConfig {
        rule_packs: settings.rule_packs.iter().chain(&config.rule_packs).cloned().collect(),
        provider_files: Vec::new(), // the configuration reads `provider-files` itself
        plugins: settings.plugins.clone(),
        plugin_base_dir: settings.root.clone(),
    })
    .map_err(|e| e.to_string())?;
    let mut parsers = registry::parsers();
    // Plugin parsers first: their rules join the registry with the built-in parsers' rules.
    extensions.install_parsers(&mut parsers);
    let mut rules = registry::rules(&parsers).map_err(|e| e.to_string())?;
    extensions.install_rules(&mut rules).map_err(|e| e.to_string())?;
    let mut providers = registry::providers();
    settings.add_providers_to(&mut providers);
    extensions.install_providers(&mut providers);
    Ok(Loaded { parsers, rules, providers, settings, extensions })
}

/// Loads everything for `first_path` and builds the linter. `home` is `--home` (relative to the
/// current folder); without it, the configuration's `home` (relative to its file) holds.
pub fn build(args: &RuleArgs, first_path: &Path, home: Option<PathBuf>) -> Result<Setup, String> {
    let overrides = Overrides {
        select: args.select.clone(),
        extend_select: args.extend_select.clone(),
        ignore: args.ignore.clone(),
        force_exclude: args.force_exclude,
    };
    let Loaded { parsers, rules, providers, settings, .. } =
        load(&args.config, &overrides, first_path)?;
    let resolved = settings.rules(&rules).map_err(|e| e.to_string())?;
    let per_file = resolved.per_file_ignores;
    let ignored_in_file: Option<maillint_engine::lint::FileRuleFilter> = if per_file.is_empty() {
        None
    } else {
        Some(Arc::new(move |path: &Path, rule: &str| per_file.is_ignored(path, rule)))
    };
    let linter = Linter {
        parsers,
        rules,
        providers,
        enabled: resolved.enabled,
        severity_overrides: resolved.severity_overrides,
        settings: settings.rule_settings.clone(),
        parse_options: ParseOptions {
            home: home.map(|home| absolute(&home)).or_else(|| settings.home.clone()),
            client_settings: settings.client_settings.clone(),
        },
        ignored_in_file,
        inline_suppressions: !args.no_inline_suppressions,
        read: maillint_core::source::ReadPolicy::default(),
        run: Arc::default(),
    };
    Ok(Setup { linter, settings })
}
