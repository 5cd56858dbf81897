//! Linting one unit: parse it, run the enabled rules over its accounts, and turn findings into
//! diagnostics whose fixes the owning parser has lowered into text edits.

use std::collections::HashMap;
use std::io;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use maillint_core::builtin::ParseError;
use maillint_core::{
    Account, Client, Diagnostic, EnabledRules, FileId, Finding, Fix, FixAction, ParseOptions,
    ParsedUnit, Parser, ParserRegistry, ProviderDb, RuleContext, RuleMeta, RuleRegistry,
    RuleSettings, Severity, Sources, Span,
};

use crate::discover::Unit;

/// Decides whether a rule is turned off for a file (`per-file-ignores`).
pub type FileRuleFilter = Arc<dyn Fn(&Path, &str) -> bool + Send + Sync>;

/// Everything needed to lint: parsers, rules, provider facts and the user's choices.
#[derive(Clone)]
pub struct Linter {
    /// Known formats.
    pub parsers: ParserRegistry,
    /// Known rules (checks and rules reported by parsers or the verifier).
    pub rules: RuleRegistry,
    /// Provider facts.
    pub providers: ProviderDb,
    /// Which rules are on.
    pub enabled: EnabledRules,
    /// Per-rule severity overrides, by rule name.
    pub severity_overrides: HashMap<String, Severity>,
    /// Settings rules read.
    pub settings: RuleSettings,
    /// Options for parsers (home folder for `~`).
    pub parse_options: ParseOptions,
    /// Rules turned off per file (`per-file-ignores`): returns true when the rule named by the
    /// second argument is off for the file at the first.
    pub ignored_in_file: Option<FileRuleFilter>,
    /// Whether inline `maillint: ignore[...]` comments are honoured (and unused ones reported).
    pub inline_suppressions: bool,
}

/// The result of linting one unit.
pub struct UnitReport {
    /// The unit's root file.
    pub root: PathBuf,
    /// The parser that read it; `None` for a report about a path no parser could read (an
    /// unreadable folder met while walking).
    pub parser: Option<Arc<dyn Parser>>,
    /// The files read.
    pub sources: Sources,
    /// The parse result: accounts, secret spans, parser state for lowering fixes.
    pub parsed: ParsedUnit,
    /// Diagnostics, sorted by file and position.
    pub diagnostics: Vec<Diagnostic>,
}

impl UnitReport {
    /// A report with one diagnostic about a path that could not be read at all.
    pub fn unreadable(path: PathBuf, parser: Option<Arc<dyn Parser>>, message: String) -> Self {
        let mut sources = Sources::new();
        let file = sources.add(maillint_core::SourceFile::from_text(&path, ""));
        let diagnostic = Diagnostic::new(
            maillint_core::builtin::IoError::metadata(),
            Span::point(file, 0),
            message,
        );
        UnitReport {
            root: path,
            parser,
            sources,
            parsed: ParsedUnit::default(),
            diagnostics: vec![diagnostic],
        }
    }

    /// The client the unit belongs to, when a parser read it.
    pub fn client(&self) -> Option<Client> {
        self.parser.as_ref().map(|p| p.client())
    }

    /// The accounts found.
    pub fn accounts(&self) -> &[Account] {
        &self.parsed.accounts
    }

    /// Spans of secrets, which renderers redact.
    pub fn secrets(&self) -> &[Span] {
        &self.parsed.secrets
    }
}

impl Linter {
    /// A linter with these parsers, rules, provider facts and enabled rules, and the defaults
    /// for everything else: no severity overrides, default rule settings and parse options, no
    /// per-file ignores, inline suppressions honoured. Set the public fields to change them.
    /// Crates that build their own linter (see `examples/custom-rule-crate`) start here, so
    /// that a field added later does not break them.
    pub fn new(
        parsers: ParserRegistry,
        rules: RuleRegistry,
        providers: ProviderDb,
        enabled: EnabledRules,
    ) -> Self {
        Self {
            parsers,
            rules,
            providers,
            enabled,
            severity_overrides: HashMap::new(),
            settings: RuleSettings::default(),
            parse_options: ParseOptions::default(),
            ignored_in_file: None,
            inline_suppressions: true,
        }
    }

    /// Reads the unit's root file and lints the unit.
    pub fn lint_unit(&self, unit: &Unit) -> io::Result<UnitReport> {
        let mut sources = Sources::new();
        let root = sources.load(&unit.root)?;
        Ok(self.lint_sources(&unit.parser, root, sources))
    }

    /// Lints a unit whose root (and possibly other files, e.g. edited text) is already in
    /// `sources`. Parsers load further files through `sources`, which returns a file already
    /// present by path without reading the disk: this is how the fix loop re-lints edited text.
    pub fn lint_sources(
        &self,
        parser: &Arc<dyn Parser>,
        root: FileId,
        mut sources: Sources,
    ) -> UnitReport {
        let root_path = sources.get(root).path().to_path_buf();
        let parsed = catch_unwind(AssertUnwindSafe(|| {
            parser.parse(root, &mut sources, &self.parse_options)
        }))
        .unwrap_or_else(|_| crashed(parser.name(), root));
        let mut diagnostics: Vec<Diagnostic> = parsed
            .diagnostics
            .iter()
            .filter(|d| self.enabled.contains(&d.rule.name))
            .cloned()
            .collect();

        let cx = RuleContext {
            accounts: &parsed.accounts,
            providers: &self.providers,
            settings: &self.settings,
        };
        let mut findings = Vec::new();
        for rule in self.rules.checks() {
            let meta = rule.meta();
            if !self.enabled.contains(&meta.name) {
                continue;
            }
            findings.clear();
            if catch_unwind(AssertUnwindSafe(|| rule.check(&cx, &mut findings))).is_err() {
                let d = Diagnostic::new(
                    ParseError::metadata(),
                    maillint_core::Span::point(root, 0),
                    format!(
                        "internal error: rule `{}` crashed on this file; its findings are missing (please report this)",
                        meta.name
                    ),
                );
                diagnostics.push(d);
                continue;
            }
            for finding in findings.drain(..) {
                diagnostics.push(self.finding_to_diagnostic(
                    meta,
                    finding,
                    parser.as_ref(),
                    &parsed,
                    &sources,
                ));
            }
        }
        for d in &mut diagnostics {
            if let Some(&severity) = self.severity_overrides.get(&d.rule.name) {
                d.severity = severity;
            }
        }
        if let Some(ignored) = &self.ignored_in_file {
            diagnostics.retain(|d| !ignored(sources.get(d.span.file).path(), &d.rule.name));
        }
        sort_diagnostics(&mut diagnostics, &sources);
        // One setting can reach a rule through several accounts (an SMTP server shared by two
        // identities): the same finding at the same place is reported once.
        diagnostics.dedup_by(|a, b| {
            a.span == b.span && a.rule.name == b.rule.name && a.message == b.message
        });
        let mut report = UnitReport {
            root: root_path,
            parser: Some(Arc::clone(parser)),
            sources,
            parsed,
            diagnostics,
        };
        // Suppressions run inside the lint, so the fix loop never applies a suppressed fix.
        if self.inline_suppressions {
            crate::suppress::apply_suppressions(
                &mut report,
                parser.comment_leaders(),
                &self.rules,
                &self.enabled,
            );
        }
        report
    }

    fn finding_to_diagnostic(
        &self,
        meta: &Arc<RuleMeta>,
        finding: Finding,
        parser: &dyn Parser,
        parsed: &ParsedUnit,
        sources: &Sources,
    ) -> Diagnostic {
        let mut d = Diagnostic::new(meta, finding.span, finding.message);
        d.severity = finding.severity.unwrap_or(meta.severity);
        d.why = finding.why;
        d.help = finding.help;
        d.labels = finding.labels;
        d.fix = finding.fix.map(|proposed| {
            let edits = match proposed.action {
                FixAction::Fields { account, endpoint, changes } => {
                    match parser.lower(parsed, sources, account, endpoint, &changes) {
                        Ok(edits) => Ok(edits),
                        Err(e) => Err(e.0),
                    }
                }
                FixAction::Edits(edits) => Ok(edits),
                FixAction::Describe => Ok(Vec::new()),
            };
            match edits {
                Ok(edits) if !edits.is_empty() => {
                    Fix { title: proposed.title, applicability: proposed.applicability, edits }
                }
                Ok(_) => Fix {
                    title: proposed.title,
                    applicability: maillint_core::Applicability::DisplayOnly,
                    edits: Vec::new(),
                },
                // The parser cannot write this change here (e.g. a running Thunderbird): keep
                // the advice, say why it cannot be applied automatically.
                Err(reason) => Fix {
                    title: format!("{} (not applied automatically: {reason})", proposed.title),
                    applicability: maillint_core::Applicability::DisplayOnly,
                    edits: Vec::new(),
                },
            }
        });
        d
    }
}

fn crashed(parser: &str, root: FileId) -> ParsedUnit {
    ParsedUnit {
        diagnostics: vec![Diagnostic::new(
            ParseError::metadata(),
            Span::point(root, 0),
            format!(
                "internal error: the {parser} parser crashed on this file (please report this)"
            ),
        )],
        ..ParsedUnit::default()
    }
}

/// Sorts by file path, then position, then rule code: stable output whatever the rule order.
pub fn sort_diagnostics(diagnostics: &mut [Diagnostic], sources: &Sources) {
    diagnostics.sort_by(|a, b| {
        let pa = sources.get(a.span.file).path();
        let pb = sources.get(b.span.file).path();
        pa.cmp(pb)
            .then(a.span.range.start.cmp(&b.span.range.start))
            .then(a.span.range.end.cmp(&b.span.range.end))
            .then(a.rule.code.cmp(&b.rule.code))
            .then(a.message.cmp(&b.message))
    });
}
