//! The built-in parsers, rules and provider facts, assembled in one place.
//!
//! Adding a client crate or a rule crate means one line here. A binary outside this crate (an
//! example client, a company's own build) adds its clients with
//! [`run_with_clients`](crate::run_with_clients) instead.

use std::sync::{Arc, OnceLock};

use maillint_core::builtin::{InternalError, IoError, NotFollowed, ParseError};
use maillint_core::rule::DuplicateRule;
use maillint_core::{ClientSupport, ParserRegistry, ProviderDb, RuleMeta, RuleRegistry};

/// Every built-in client with its parsers, in detection priority order (on equal confidence
/// the first wins), then the clients of [`run_with_clients`](crate::run_with_clients).
pub fn parsers() -> ParserRegistry {
    let mut registry = ParserRegistry::new();
    registry.register_client(Arc::new(maillint_thunderbird::Thunderbird));
    registry.register_client(Arc::new(maillint_thunderbird::Betterbird));
    registry.register_client(Arc::new(maillint_mutt::Mutt));
    registry.register_client(Arc::new(maillint_aerc::Aerc));
    registry.register_client(Arc::new(maillint_himalaya::Himalaya));
    registry.register_client(Arc::new(maillint_outlook::Outlook));
    registry.register_client(Arc::new(maillint_msmtp::Msmtp));
    registry.register_client(Arc::new(maillint_mbsync::Mbsync));
    registry.register_client(Arc::new(maillint_evolution::Evolution));
    registry.register_client(Arc::new(maillint_kmail::Kmail));
    registry.register_client(Arc::new(maillint_geary::Geary));
    registry.register_client(Arc::new(maillint_claws::Claws));
    registry.register_client(Arc::new(maillint_offlineimap::OfflineImap));
    for client in EXTRA_CLIENTS.get().into_iter().flatten() {
        registry.register_client(Arc::clone(client));
    }
    registry
}

/// Clients a binary built on this crate adds to the built-in ones (see
/// [`run_with_clients`](crate::run_with_clients)); set once, before any command runs.
pub(crate) static EXTRA_CLIENTS: OnceLock<Vec<Arc<dyn ClientSupport>>> = OnceLock::new();

/// Every built-in rule: the core's, the rule crate's, those the parsers report, and the
/// verifier's (which only produce findings under `--verify`).
pub fn rules(parsers: &ParserRegistry) -> Result<RuleRegistry, DuplicateRule> {
    let mut registry = RuleRegistry::new();
    registry.register_meta(Arc::clone(ParseError::metadata()))?;
    registry.register_meta(Arc::clone(IoError::metadata()))?;
    registry.register_meta(Arc::clone(NotFollowed::metadata()))?;
    registry.register_meta(Arc::clone(InternalError::metadata()))?;
    for rule in maillint_rules::builtin_rules() {
        registry.register(rule)?;
    }
    registry.register_meta(Arc::clone(maillint_engine::suppress::UnusedSuppression::metadata()))?;
    let reported = parsers.iter().flat_map(|p| p.rules()).chain(maillint_verify::rules());
    for meta in reported {
        register_once(&mut registry, meta)?;
    }
    Ok(registry)
}

/// Several parsers of one client (Outlook's PRF, .reg and Autodiscover) report the same
/// rules: the same rule listed twice is one rule; two different rules with one name or code
/// are a bug.
fn register_once(registry: &mut RuleRegistry, meta: Arc<RuleMeta>) -> Result<(), DuplicateRule> {
    match registry.get(&meta.name) {
        Some(existing) if existing.code == meta.code => Ok(()),
        _ => registry.register_meta(meta),
    }
}

/// The built-in provider facts.
pub fn providers() -> ProviderDb {
    maillint_rules::builtin_providers()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_has_a_unique_name_and_code_and_documentation() {
        let parsers = parsers();
        let rules = rules(&parsers).expect("no two rules share a name or code");
        for meta in rules.metas() {
            assert!(!meta.summary.is_empty(), "{} has no summary", meta.name);
            assert!(meta.doc.contains("## What it does"), "{} lacks `## What it does`", meta.name);
            assert!(
                meta.doc.contains("## Why is this bad?"),
                "{} lacks `## Why is this bad?`",
                meta.name
            );
            assert!(
                meta.name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
                "{} is not kebab-case",
                meta.name
            );
        }
    }

    /// The engine judges suppressions of verify rules only when it verifies, by their group.
    #[test]
    fn verify_rules_are_in_the_group_the_engine_defers() {
        let rules = maillint_verify::rules();
        assert!(!rules.is_empty());
        for meta in rules {
            assert_eq!(meta.group, maillint_engine::verify::GROUP, "{}", meta.name);
        }
        let parsers = parsers();
        let registry = super::rules(&parsers).unwrap();
        let deferred: Vec<&str> = registry
            .metas()
            .iter()
            .filter(|m| m.group == maillint_engine::verify::GROUP)
            .map(|m| m.name.as_str())
            .collect();
        assert!(deferred.iter().all(|name| name.starts_with("verify-")), "{deferred:?}");
    }
}
