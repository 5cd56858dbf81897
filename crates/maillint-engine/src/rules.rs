//! Stage 4, rules: every enabled check runs over the unit's accounts, and each finding becomes
//! a diagnostic whose fix the unit's parser has lowered into text edits.
//!
//! Each rule runs under `catch_unwind`: a rule that panics becomes one `internal-error`
//! diagnostic naming the rule, and the other rules still run. The same holds for a parser that
//! panics while lowering a rule's fix.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;

use maillint_core::{
    Applicability, Diagnostic, FileId, Finding, Fix, FixAction, ParsedUnit, Parser, ProposedFix,
    RuleContext, RuleMeta, Sources,
};

use crate::lint::Linter;
use crate::parse::internal_error;

/// Runs the enabled checks over `parsed` and returns their diagnostics, in rule order.
pub fn run_rules(
    linter: &Linter,
    parser: &dyn Parser,
    root: FileId,
    parsed: &ParsedUnit,
    sources: &Sources,
) -> Vec<Diagnostic> {
    let cx = RuleContext {
        accounts: &parsed.accounts,
        providers: &linter.providers,
        settings: &linter.settings,
        run: &linter.run,
    };
    let mut diagnostics = Vec::new();
    let mut findings = Vec::new();
    for rule in linter.rules.checks() {
        let meta = rule.meta();
        if !linter.enabled.contains(&meta.name) {
            continue;
        }
        findings.clear();
        if catch_unwind(AssertUnwindSafe(|| rule.check(&cx, &mut findings))).is_err() {
            diagnostics.push(internal_error(
                root,
                format!(
                    "internal error: rule `{}` crashed on this file; its findings are missing \
                     (please report this)",
                    meta.name
                ),
            ));
            continue;
        }
        let lower = Lowering { parser, parsed, sources };
        for finding in findings.drain(..) {
            lower.diagnostic(meta, finding, root, &mut diagnostics);
        }
    }
    diagnostics
}

/// What turning a finding's proposed fix into text edits needs.
struct Lowering<'a> {
    parser: &'a dyn Parser,
    parsed: &'a ParsedUnit,
    sources: &'a Sources,
}

impl Lowering<'_> {
    /// Pushes the diagnostic for one finding of the rule `meta` (and an `internal-error` when
    /// the parser crashed lowering its fix).
    fn diagnostic(
        &self,
        meta: &Arc<RuleMeta>,
        finding: Finding,
        root: FileId,
        out: &mut Vec<Diagnostic>,
    ) {
        let mut d = Diagnostic::new(meta, finding.span, finding.message);
        d.severity = finding.severity.unwrap_or(meta.severity);
        d.why = finding.why;
        d.help = finding.help;
        d.labels = finding.labels;
        d.endpoint = finding.endpoint;
        if let Some(proposed) = finding.fix {
            match catch_unwind(AssertUnwindSafe(|| self.fix(proposed))) {
                Ok(fix) => d.fix = Some(fix),
                // The finding stays; only its fix is lost, and the crash is reported.
                Err(_) => out.push(internal_error(
                    root,
                    format!(
                        "internal error: the {} parser crashed while writing the fix for rule \
                         `{}` (please report this)",
                        self.parser.name(),
                        meta.name
                    ),
                )),
            }
        }
        out.push(d);
    }

    /// The proposed fix as text edits, or as advice when the parser cannot write it here.
    fn fix(&self, proposed: ProposedFix) -> Fix {
        let edits = match proposed.action {
            FixAction::Fields { account, endpoint, changes } => self
                .parser
                .lower(self.parsed, self.sources, account, endpoint, &changes)
                .map(maillint_core::fix::merge_insertions)
                .map_err(|e| e.0),
            FixAction::Edits(edits) => Ok(edits),
            FixAction::Describe => Ok(Vec::new()),
        };
        match edits {
            Ok(edits) if !edits.is_empty() => {
                Fix { title: proposed.title, applicability: proposed.applicability, edits }
            }
            Ok(_) => Fix {
                title: proposed.title,
                applicability: Applicability::DisplayOnly,
                edits: Vec::new(),
            },
            // The parser cannot write this change here (e.g. a running Thunderbird): keep the
            // advice, say why it cannot be applied automatically.
            Err(reason) => Fix {
                title: format!("{} (not applied automatically: {reason})", proposed.title),
                applicability: Applicability::DisplayOnly,
                edits: Vec::new(),
            },
        }
    }
}
