//! Building a [`Linter`] from the command line and the configuration file: the rule
//! selection, severity overrides, per-file ignores, excludes, trusted hosts and extra
//! providers. Shared by `check` and `scan`.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use maillint_config::{ConfigSource, Overrides, Settings};
use maillint_core::ParseOptions;
use maillint_engine::Linter;

use crate::args::RuleArgs;
use crate::registry;

/// A linter and the settings it was built from.
pub struct Setup {
    /// The linter.
    pub linter: Linter,
    /// The resolved configuration (excludes are applied by the caller).
    pub settings: Settings,
}

/// Reads the configuration (unless `--isolated`) for `first_path` and builds the linter.
/// Errors are messages for the user; the caller exits 2.
pub fn build(args: &RuleArgs, first_path: &Path, home: Option<PathBuf>) -> Result<Setup, String> {
    let source = if args.isolated {
        ConfigSource::Isolated
    } else if let Some(file) = &args.config {
        ConfigSource::File(file.clone())
    } else {
        ConfigSource::Discover(first_path.to_path_buf())
    };
    let overrides = Overrides {
        select: args.select.clone(),
        extend_select: args.extend_select.clone(),
        ignore: args.ignore.clone(),
        force_exclude: args.force_exclude,
    };
    let settings = Settings::resolve(&source, &overrides).map_err(|e| e.to_string())?;
    let parsers = registry::parsers();
    let rules = registry::rules(&parsers).map_err(|e| e.to_string())?;
    let resolved = settings.rules(&rules).map_err(|e| e.to_string())?;
    let mut providers = registry::providers();
    settings.add_providers_to(&mut providers);
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
        parse_options: ParseOptions { home },
        ignored_in_file,
        inline_suppressions: !args.no_inline_suppressions,
    };
    Ok(Setup { linter, settings })
}
