//! Stage 6: severity overrides, per-file ignores and inline suppressions, for every finding.
//!
//! Findings reach this stage in two passes: the lint's (parse errors and rule findings, in
//! every round of the fix loop too, so that a suppressed fix is never applied) and, under
//! `--verify`, the verify stage's. Both go through this one function, so a `[severity]` entry,
//! a `per-file-ignores` entry or a `# maillint: ignore[...]` comment treats every finding
//! alike. Each pass judges the suppressions of the rules that ran in it (see
//! [`suppress::Pass`]).

use maillint_core::builtin::InternalError;
use maillint_core::{Diagnostic, RuleMeta};

use crate::lint::{Linter, UnitReport, sort_diagnostics};
use crate::suppress::{self, Pass};

/// Which stage produced the findings being settled.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    /// Parse and rules: every rule but the verify group's.
    Lint,
    /// `--verify`: the verify group's rules.
    Verify,
}

impl Stage {
    /// Whether the rule reports its findings in this stage.
    fn runs(self, rule: &RuleMeta) -> bool {
        (rule.group == crate::verify::GROUP) == (self == Stage::Verify)
    }
}

/// Applies the user's choices to the findings `new` of `stage` and adds what is left to the
/// report, sorted, with exact duplicates removed.
pub fn settle(linter: &Linter, report: &mut UnitReport, mut new: Vec<Diagnostic>, stage: Stage) {
    // A crash is never hidden by the rule selection: it means findings are missing.
    let internal = &InternalError::metadata().name;
    new.retain(|d| &d.rule.name == internal || linter.enabled.contains(&d.rule.name));
    overrides_and_ignores(linter, report, &mut new);
    if linter.inline_suppressions {
        let leaders = report.parser.as_ref().map_or(&[][..], |p| p.comment_leaders());
        let ran = |rule: &RuleMeta| stage.runs(rule);
        let pass = Pass { ran: &ran, reports_malformed: stage == Stage::Lint };
        let mut unused = suppress::suppress(
            &report.sources,
            &mut new,
            leaders,
            &linter.rules,
            &linter.enabled,
            pass,
        );
        overrides_and_ignores(linter, report, &mut unused);
        new.extend(unused);
    }
    report.diagnostics.extend(new);
    sort_diagnostics(&mut report.diagnostics, &report.sources);
    // One setting can reach a rule through several accounts (an SMTP server shared by two
    // identities): the same finding at the same place is reported once.
    report
        .diagnostics
        .dedup_by(|a, b| a.span == b.span && a.rule.name == b.rule.name && a.message == b.message);
}

/// `[severity]` overrides, then `per-file-ignores`.
fn overrides_and_ignores(linter: &Linter, report: &UnitReport, diagnostics: &mut Vec<Diagnostic>) {
    for d in diagnostics.iter_mut() {
        if let Some(&severity) = linter.severity_overrides.get(&d.rule.name) {
            d.severity = severity;
        }
    }
    if let Some(ignored) = &linter.ignored_in_file {
        diagnostics.retain(|d| !ignored(report.sources.get(d.span.file).path(), &d.rule.name));
    }
}
