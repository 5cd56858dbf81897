//! The [`Linter`] (everything a run needs) and linting one unit: the read, parse and rules
//! stages, then the user's overrides, ignores and suppressions ([`filter`](crate::filter)).

use std::collections::HashMap;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use maillint_core::confine::ReadAs;
use maillint_core::source::ReadPolicy;
use maillint_core::{
    Account, Client, Diagnostic, EnabledRules, FileId, ParseOptions, ParsedUnit, Parser,
    ParserRegistry, ProviderDb, RuleMeta, RuleRegistry, RuleSettings, RunState, Severity, Sources,
    Span,
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
    /// Limits on reading, and whose rights bound it: `scan` sets the home's owner; without
    /// one, [`lint_unit`](Self::lint_unit) confines each unit to its own file's owner.
    pub read: ReadPolicy,
    /// What the rules build once for the run from `providers` and `settings` (the host rules'
    /// provider index), handed to them in every unit's context. Clones of the linter (one per
    /// worker thread) share it. It is built on the first unit linted: set `providers` and
    /// `settings` first, or give a linter whose facts changed a new `RunState`.
    pub run: Arc<RunState>,
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
        Self::about(path, parser, maillint_core::builtin::IoError::metadata(), message)
    }

    /// A report with one diagnostic of `rule` about the file at `path` as a whole, with no
    /// parse result (the file could not be read, or its work crashed).
    pub fn about(
        path: PathBuf,
        parser: Option<Arc<dyn Parser>>,
        rule: &Arc<RuleMeta>,
        message: String,
    ) -> Self {
        let mut sources = Sources::new();
        let file = sources.add(maillint_core::SourceFile::from_text(&path, ""));
        let diagnostic = Diagnostic::new(rule, Span::point(file, 0), message);
        UnitReport {
            root: path,
            parser,
            sources,
            parsed: ParsedUnit::default(),
            diagnostics: vec![diagnostic],
        }
    }

    /// The client the unit belongs to, when a parser read it: as the parse decided it
    /// ([`Parser::unit_client`]), which is the parser's client except where the files say
    /// otherwise (a native Betterbird profile, read by the Thunderbird parser).
    pub fn client(&self) -> Option<Client> {
        self.parser.as_ref().map(|p| p.unit_client(&self.parsed))
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
            read: ReadPolicy::default(),
            run: Arc::new(RunState::new()),
        }
    }

    /// Reads the unit's root file and lints the unit, reading with its owner's rights
    /// (`docs/security.md`, see [`read_root`](crate::read::read_root)).
    pub fn lint_unit(&self, unit: &Unit) -> io::Result<UnitReport> {
        self.lint_unit_reading(unit, self.read.clone())
    }

    /// [`lint_unit`](Self::lint_unit), reading by `policy` instead of the linter's own.
    pub(crate) fn lint_unit_reading(
        &self,
        unit: &Unit,
        policy: ReadPolicy,
    ) -> io::Result<UnitReport> {
        let (sources, root) = crate::read::read_root(unit, policy)?;
        Ok(self.lint_sources(&unit.parser, root, sources))
    }

    /// Lints a unit whose root (and possibly other files, e.g. edited text) is already in
    /// `sources`: the parse and rules stages, then overrides, per-file ignores and
    /// suppressions. Parsers load further files through `sources`, which returns a file
    /// already present by path without reading the disk: this is how the fix loop re-lints
    /// edited text. Suppressions run here, so the fix loop never applies a suppressed fix.
    pub fn lint_sources(
        &self,
        parser: &Arc<dyn Parser>,
        root: FileId,
        mut sources: Sources,
    ) -> UnitReport {
        let root_path = sources.get(root).path().to_path_buf();
        // Parsers read further files (`source`, a profile's `user.js`) with the owner's rights;
        // the rules that follow (external plugins among them) run with maillint's own.
        let as_owner = match ReadAs::enter(sources.policy().owner.as_ref()) {
            Ok(guard) => guard,
            Err(error) => {
                let message = format!("cannot read with the owner's rights: {error}");
                return UnitReport::unreadable(root_path, Some(Arc::clone(parser)), message);
            }
        };
        let parsed = crate::parse::parse(parser, root, &mut sources, &self.parse_options);
        drop(as_owner);
        let mut found = parsed.diagnostics.clone();
        found.extend(crate::rules::run_rules(self, parser.as_ref(), root, &parsed, &sources));
        let mut report = UnitReport {
            root: root_path,
            parser: Some(Arc::clone(parser)),
            sources,
            parsed,
            diagnostics: Vec::new(),
        };
        crate::filter::settle(self, &mut report, found, crate::filter::Stage::Lint);
        report
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
