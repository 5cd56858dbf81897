//! For the workspace's tests, not for production code: every built-in rule run over a parsed
//! unit's accounts, as maillint runs them (the built-in provider facts, default settings), for
//! the fixture tests of the client crates.

use std::sync::LazyLock;

use maillint_core::{Finding, ParsedUnit, ProposedFix, RuleContext, RuleSettings, RunState};

/// The findings of the built-in rules on `unit`'s accounts, by rule name, in rule order.
pub fn findings(unit: &ParsedUnit) -> Vec<(String, Finding)> {
    // One run state for every call: the built-in provider facts never change, so the host
    // rules' provider index is built once for the whole test binary, as once per run in maillint.
    static RUN: LazyLock<RunState> = LazyLock::new(RunState::new);
    let providers = crate::builtin_providers();
    let settings = RuleSettings::default();
    let cx = RuleContext {
        accounts: &unit.accounts,
        providers: &providers,
        settings: &settings,
        run: &RUN,
    };
    let mut out = Vec::new();
    for rule in crate::builtin_rules() {
        let mut found = Vec::new();
        rule.check(&cx, &mut found);
        out.extend(found.into_iter().map(|finding| (rule.meta().name.clone(), finding)));
    }
    out
}

/// The built-in rules that fire on `unit`'s accounts, by name, with the fix each proposes.
pub fn fired(unit: &ParsedUnit) -> Vec<(String, Option<ProposedFix>)> {
    findings(unit).into_iter().map(|(name, finding)| (name, finding.fix)).collect()
}
