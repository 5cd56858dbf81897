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
    use maillint_core::Confidence;

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

    /// Every file under `dir`, with the head detection reads.
    fn files_with_heads(dir: &std::path::Path, out: &mut Vec<(std::path::PathBuf, Vec<u8>)>) {
        let Ok(entries) = std::fs::read_dir(dir) else { return };
        for entry in entries.flatten() {
            let path = entry.path();
            match entry.file_type() {
                Ok(kind) if kind.is_dir() => files_with_heads(&path, out),
                Ok(kind) if kind.is_file() => {
                    let mut head = std::fs::read(&path).unwrap();
                    head.truncate(maillint_engine::discover::HEAD_LEN);
                    out.push((path, head));
                }
                _ => {}
            }
        }
    }

    /// `ParserRegistry::detect` skips a parser whose `highest_confidence` cannot outrank the
    /// one found: that holds only when no parser ever answers above what it states, and then
    /// the skipping picks what asking every parser picks. Checked on every fixture and corpus
    /// file, and on the paths only Betterbird's and the installation's parsers claim.
    #[test]
    fn no_parser_answers_above_its_highest_confidence_and_skipping_changes_nothing() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let mut files = Vec::new();
        files_with_heads(&root.join("fixtures"), &mut files);
        if let Some(corpus) = maillint_core::testing::corpus_dir(env!("CARGO_MANIFEST_DIR"), "") {
            files_with_heads(&corpus, &mut files);
        }
        let prefs = b"user_pref(\"mail.server.server1.hostname\", \"imap.example.org\");\n";
        for path in [
            ".var/app/eu.betterbird.Betterbird/.thunderbird/x.default/prefs.js",
            "/usr/lib/thunderbird/defaults/pref/local-settings.js",
            "/usr/lib/thunderbird/mailnews.cfg",
        ] {
            files.push((path.into(), prefs.to_vec()));
        }
        assert!(files.len() > 100, "only {} files", files.len());
        let registry = parsers();
        for (path, head) in &files {
            let mut asked_all: Option<(Confidence, &str)> = None;
            for parser in registry.iter() {
                let answer = parser.detect(path, head);
                assert!(
                    answer.is_none_or(|c| c <= parser.highest_confidence()),
                    "{} answers {answer:?} for {}",
                    parser.name(),
                    path.display()
                );
                if let Some(c) = answer
                    && asked_all.is_none_or(|(best, _)| c > best)
                {
                    asked_all = Some((c, parser.name()));
                }
            }
            let skipping = registry.detect(path, head).map(|p| p.name());
            assert_eq!(skipping, asked_all.map(|(_, name)| name), "{}", path.display());
        }
    }
}
