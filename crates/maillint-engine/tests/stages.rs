//! What the engine's stages promise whatever the client: a parser or rule that panics becomes
//! an `internal-error` naming it and the run goes on, and the verify stage's findings go
//! through severity overrides, per-file ignores and suppressions like every other finding.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use maillint_core::builtin::{InternalError, ParseError};
use maillint_core::{
    Applicability, Client, Confidence, Diagnostic, Edit, FieldChange, FileId, Finding, FixAction,
    LowerError, ParseOptions, ParsedUnit, Parser, ParserRegistry, ProposedFix, ProviderDb, Rule,
    RuleContext, RuleMeta, RuleRegistry, Selection, Severity, SourceFile, Sources, Span,
    declare_rule,
};
use maillint_engine::suppress::UnusedSuppression;
use maillint_engine::{FixOptions, Linted, Linter, Mode, Unit, UnitReport, Verifier};

/// A toy format: `#` comments; the parser panics on a file that says `parser-bomb`.
struct Toy;

impl Parser for Toy {
    fn name(&self) -> &'static str {
        "toy"
    }
    fn client(&self) -> Client {
        Client::named("toy")
    }
    fn detect(&self, _: &Path, _: &[u8]) -> Option<Confidence> {
        Some(Confidence::Name)
    }
    fn parse(&self, root: FileId, sources: &mut Sources, _: &ParseOptions) -> ParsedUnit {
        assert!(!sources.get(root).text().contains("parser-bomb"), "the toy parser blew up");
        ParsedUnit::default()
    }
    fn lower(
        &self,
        _: &ParsedUnit,
        _: &Sources,
        _: usize,
        _: usize,
        _: &[FieldChange],
    ) -> Result<Vec<Edit>, LowerError> {
        Ok(Vec::new())
    }
}

declare_rule! {
    /// ## What it does
    /// Panics, always.
    ///
    /// ## Why is this bad?
    /// It is a test.
    pub struct Bomb { code: "Z001", name: "bomb", group: "test", severity: Error, fix: None }
}

declare_rule! {
    /// ## What it does
    /// Reports the first four bytes of the root file.
    ///
    /// ## Why is this bad?
    /// It is a test.
    pub struct Counted { code: "Z002", name: "counted", group: "test", severity: Warning, fix: None }
}

declare_rule! {
    /// ## What it does
    /// Stands for a verify rule (its group is the verify stage's).
    ///
    /// ## Why is this bad?
    /// It is a test.
    pub struct Probed { code: "Z003", name: "probed", group: "verify", severity: Error, fix: None }
}

struct BombRule;

impl Rule for BombRule {
    fn meta(&self) -> &Arc<RuleMeta> {
        Bomb::metadata()
    }
    fn check(&self, _: &RuleContext<'_>, _: &mut Vec<Finding>) {
        panic!("the bomb rule blew up");
    }
}

/// Counts its runs, so that the test sees the rules after a crashed one still run.
struct CountedRule(AtomicUsize);

impl Rule for CountedRule {
    fn meta(&self) -> &Arc<RuleMeta> {
        Counted::metadata()
    }
    fn check(&self, _: &RuleContext<'_>, out: &mut Vec<Finding>) {
        self.0.fetch_add(1, Ordering::SeqCst);
        out.push(Finding::new(Span::new(FileId(0), 0, 4), "counted"));
    }
}

fn linter(checks: Vec<Arc<dyn Rule>>) -> Linter {
    let mut parsers = ParserRegistry::new();
    parsers.register(Arc::new(Toy));
    let mut rules = RuleRegistry::new();
    for meta in [ParseError::metadata(), InternalError::metadata(), UnusedSuppression::metadata()] {
        rules.register_meta(Arc::clone(meta)).unwrap();
    }
    rules.register_meta(Arc::clone(Probed::metadata())).unwrap();
    for check in checks {
        rules.register(check).unwrap();
    }
    let enabled = rules.resolve(&Selection::default()).unwrap();
    Linter::new(parsers, rules, ProviderDb::new(), enabled)
}

fn lint(linter: &Linter, path: &str, text: &str) -> UnitReport {
    let mut sources = Sources::new();
    let root = sources.add(SourceFile::from_text(path, text));
    let parser = Arc::clone(linter.parsers.get("toy").unwrap());
    linter.lint_sources(&parser, root, sources)
}

fn rules_reported(report: &UnitReport) -> Vec<(&str, &str)> {
    report.diagnostics.iter().map(|d| (d.rule.name.as_str(), d.message.as_str())).collect()
}

#[test]
fn a_panicking_rule_is_an_internal_error_naming_it_and_the_other_rules_run() {
    let counted = Arc::new(CountedRule(AtomicUsize::new(0)));
    let linter = linter(vec![Arc::new(BombRule), Arc::clone(&counted) as Arc<dyn Rule>]);
    let report = lint(&linter, "a.toy", "host example.org\n");
    let reported = rules_reported(&report);
    assert_eq!(reported.len(), 2, "{reported:?}");
    assert!(reported.contains(&("counted", "counted")), "{reported:?}");
    let internal = reported.iter().find(|(rule, _)| *rule == "internal-error");
    let (_, message) = internal.unwrap_or_else(|| panic!("no internal-error: {reported:?}"));
    assert!(message.contains("rule `bomb` crashed"), "{message}");
    assert_eq!(counted.0.load(Ordering::SeqCst), 1);
    assert!(!reported.iter().any(|(rule, _)| *rule == "parse-error"), "{reported:?}");
}

#[test]
fn a_panicking_parser_is_an_internal_error_naming_it_and_the_next_file_is_linted() {
    let counted = Arc::new(CountedRule(AtomicUsize::new(0)));
    let linter = linter(vec![Arc::clone(&counted) as Arc<dyn Rule>]);
    let report = lint(&linter, "a.toy", "parser-bomb\n");
    let messages: Vec<&str> = report
        .diagnostics
        .iter()
        .filter(|d| d.rule.name == "internal-error" && d.message.contains("parser"))
        .map(|d| d.message.as_str())
        .collect();
    assert_eq!(messages.len(), 1, "{:?}", rules_reported(&report));
    assert!(messages[0].contains("the toy parser crashed"), "{}", messages[0]);
    assert!(!report.diagnostics.iter().any(|d| d.rule.name == "parse-error"));
    // The next file goes through every stage.
    let next = lint(&linter, "b.toy", "host example.org\n");
    assert!(rules_reported(&next).contains(&("counted", "counted")));
}

declare_rule! {
    /// ## What it does
    /// Proposes a safe fix whose edit lies past the end of the file.
    ///
    /// ## Why is this bad?
    /// It is a test.
    pub struct Wild { code: "Z004", name: "wild", group: "test", severity: Error, fix: Always }
}

/// A rule whose fix is out of bounds: applying it panics inside the fix loop, outside the
/// parser's and the rules' own guards.
struct WildRule;

impl Rule for WildRule {
    fn meta(&self) -> &Arc<RuleMeta> {
        Wild::metadata()
    }
    fn check(&self, _: &RuleContext<'_>, out: &mut Vec<Finding>) {
        let edit = Edit::replace(Span::new(FileId(0), 1_000, 2_000), "x");
        out.push(Finding::new(Span::new(FileId(0), 0, 1), "wild").fix(ProposedFix {
            title: "replace bytes that are not there".to_owned(),
            applicability: Applicability::Safe,
            action: FixAction::Edits(vec![edit]),
        }));
    }
}

#[test]
fn a_unit_whose_fix_loop_panics_is_an_internal_error_and_the_next_unit_runs() {
    let dir = tempfile::tempdir().unwrap();
    let (first, second) = (dir.path().join("a.toy"), dir.path().join("b.toy"));
    std::fs::write(&first, "short\n").unwrap();
    std::fs::write(&second, "short\n").unwrap();
    let linter = linter(vec![Arc::new(WildRule)]);
    let parser = Arc::clone(linter.parsers.get("toy").unwrap());
    let units: Vec<Unit> = [first, second]
        .into_iter()
        .map(|root| Unit { root, parser: Arc::clone(&parser), walked: None })
        .collect();
    let pool = rayon::ThreadPoolBuilder::new().num_threads(2).build().unwrap();
    let mut seen = Vec::new();
    let fix = Mode::Fix(FixOptions { unsafe_fixes: false });
    let Ok(()) = linter.run_units(&pool, &units, fix, |chunk| {
        seen.extend(chunk);
        Ok::<(), std::convert::Infallible>(())
    });
    assert_eq!(seen.len(), 2);
    for (linted, unit) in seen.iter().zip(&units) {
        let Linted::Report(report) = linted else { panic!("the fix loop did not crash") };
        assert_eq!(report.root, unit.root);
        assert_eq!(names(report), ["internal-error"]);
        assert!(report.diagnostics[0].message.contains("toy parser"));
    }
}

/// Reports `probed` on every line that says `probe me`.
struct FakeVerifier;

impl Verifier for FakeVerifier {
    type Error = std::convert::Infallible;

    fn verify(
        &self,
        reports: &[&UnitReport],
        _: &ProviderDb,
    ) -> Result<Vec<Vec<Diagnostic>>, Self::Error> {
        Ok(reports
            .iter()
            .map(|report| {
                let text = report.sources.get(FileId(0)).text();
                text.match_indices("probe me")
                    .map(|(at, s)| {
                        let span = Span::new(FileId(0), at, at + s.len());
                        Diagnostic::new(Probed::metadata(), span, "probed")
                    })
                    .collect()
            })
            .collect())
    }
}

fn verified(linter: &Linter, path: &str, text: &str) -> UnitReport {
    let mut report = lint(linter, path, text);
    let Ok(()) = maillint_engine::verify::verify(linter, &FakeVerifier, [&mut report]);
    report
}

fn names(report: &UnitReport) -> Vec<&str> {
    report.diagnostics.iter().map(|d| d.rule.name.as_str()).collect()
}

#[test]
fn verify_findings_are_suppressed_and_their_suppressions_judged_only_when_verifying() {
    let mut linter = linter(Vec::new());
    let text = "# maillint: ignore[probed] known\nprobe me\n";
    // Linting alone (also each round of the fix loop): the rule did not run, so the comment
    // is neither used nor unused, and no fix removes it.
    assert_eq!(names(&lint(&linter, "a.toy", text)), Vec::<&str>::new());
    // Verifying: the finding is suppressed and the comment is used.
    assert_eq!(names(&verified(&linter, "a.toy", text)), Vec::<&str>::new());
    // A comment for a verify rule that found nothing there is unused once verify ran.
    let stale = "# maillint: ignore[probed] known\nall fine\n";
    assert_eq!(names(&lint(&linter, "a.toy", stale)), Vec::<&str>::new());
    assert_eq!(names(&verified(&linter, "a.toy", stale)), ["unused-suppression"]);
    // Without the comment: reported, with the [severity] override, unless per-file ignored.
    linter.severity_overrides.insert("probed".to_owned(), Severity::Info);
    let report = verified(&linter, "a.toy", "probe me\n");
    assert_eq!(names(&report), ["probed"]);
    assert_eq!(report.diagnostics[0].severity, Severity::Info);
    linter.ignored_in_file =
        Some(Arc::new(|path: &Path, rule: &str| path == Path::new("a.toy") && rule == "probed"));
    assert_eq!(names(&verified(&linter, "a.toy", "probe me\n")), Vec::<&str>::new());
    assert_eq!(names(&verified(&linter, "b.toy", "probe me\n")), ["probed"]);
}
