//! The built-in parsers, rules and provider facts, assembled in one place.
//!
//! Adding a client format or a rule crate means one line here.

use std::sync::Arc;

use maillint_core::builtin::{IoError, NotFollowed, ParseError};
use maillint_core::{ParserRegistry, ProviderDb, RuleRegistry};

/// Every built-in parser, in detection priority order.
pub fn parsers() -> ParserRegistry {
    let registry = ParserRegistry::new();
    registry
}

/// Every built-in rule: the core's, the rule crate's, and those the parsers report.
pub fn rules(parsers: &ParserRegistry) -> Result<RuleRegistry, maillint_core::rule::DuplicateRule> {
    let mut registry = RuleRegistry::new();
    registry.register_meta(Arc::clone(ParseError::metadata()))?;
    registry.register_meta(Arc::clone(IoError::metadata()))?;
    registry.register_meta(Arc::clone(NotFollowed::metadata()))?;
    for parser in parsers.iter() {
        for meta in parser.rules() {
            registry.register_meta(meta)?;
        }
    }
    for meta in maillint_verify::rules() {
        registry.register_meta(meta)?;
    }
    Ok(registry)
}

/// The built-in provider facts.
pub fn providers() -> ProviderDb {
    ProviderDb::new()
}
