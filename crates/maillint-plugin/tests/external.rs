//! External plugins end to end: the fetchmail example parser plugin (a format maillint does not
//! read natively) and a rule plugin through the engine (discovery, parsing, pack and plugin
//! rules, fixes written in fetchmail's syntax), and every
//! way a plugin can fail: a wrong digest, a timeout, a crash, garbage, too much output, spans
//! and indices that do not fit, a wrong protocol version.

mod common;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use common::{linter, python_available, repo};
use maillint_core::{AuthMethod, Diagnostic, Origin, Protocol, Security, Selection, Sources};
use maillint_engine::{DiscoverOptions, FixOptions, Linter, UnitReport, discover};
use maillint_plugin::external::digest::sha256_file;
use maillint_plugin::{ExtensionConfig, ExtensionError, Extensions, PluginKind, PluginSpec};

fn fetchmail_plugin() -> PathBuf {
    repo().join("examples/plugins/fetchmail/maillint-fetchmail")
}

fn test_plugin(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/plugins").join(name)
}

fn spec(name: &str, kind: PluginKind, command: &Path, args: &[&str]) -> PluginSpec {
    PluginSpec {
        name: name.to_owned(),
        kind,
        command: command.to_path_buf(),
        args: args.iter().map(|a| (*a).to_owned()).collect(),
        sha256: sha256_file(command).unwrap(),
        formats: match kind {
            PluginKind::Parser => {
                vec![".fetchmailrc".into(), "fetchmailrc".into()]
            }
            PluginKind::Rule => vec![],
        },
        locations: vec![],
        timeout: Some(20.0),
        max_output: None,
    }
}

fn fetchmail_spec() -> PluginSpec {
    spec("fetchmail", PluginKind::Parser, &fetchmail_plugin(), &[])
}

fn load(plugins: Vec<PluginSpec>, packs: Vec<PathBuf>) -> Result<Extensions, ExtensionError> {
    Extensions::load(&ExtensionConfig {
        rule_packs: packs,
        provider_files: vec![],
        plugins,
        plugin_base_dir: repo(),
    })
}

fn lint_file(linter: &Linter, path: &Path) -> UnitReport {
    let parser = linter.parsers.detect(path, b"").expect("a plugin parser claims the file");
    let mut sources = Sources::new();
    let root = sources.load(path).unwrap();
    linter.lint_sources(parser, root, sources)
}

fn codes(report: &UnitReport) -> Vec<(String, u32)> {
    report
        .diagnostics
        .iter()
        .map(|d| (d.rule.name.clone(), report.sources.start(d.span).line))
        .collect()
}

fn text_of(report: &UnitReport, span: maillint_core::Span) -> &str {
    report.sources.slice(span)
}

const TEST_PACK: &str = r#"
[[rule]]
name = "no-plaintext"
code = "Z101"
severity = "error"
summary = "Mail without TLS to another machine."
message = "{connection} is not encrypted"
at = "security"
[rule.when]
security-in = "none"
not = { host-is-loopback = true }
[rule.fix]
title = "Require STARTTLS on the submission port"
applicability = "unsafe"
security = "starttls-required"
port = "starttls"
"#;

fn test_pack(dir: &Path) -> PathBuf {
    let path = dir.join("test-pack.toml");
    std::fs::write(&path, TEST_PACK).unwrap();
    path
}

#[test]
fn the_fetchmail_plugin_reads_accounts_with_exact_spans_and_defaults() {
    if !python_available("the_fetchmail_plugin_reads_accounts_with_exact_spans_and_defaults") {
        return;
    }
    let extensions = load(vec![fetchmail_spec()], vec![]).unwrap();
    let linter = linter(&extensions);
    let report = lint_file(&linter, &repo().join("fixtures/plugins/fetchmail/home/.fetchmailrc"));
    assert_eq!(report.client().unwrap().as_str(), "fetchmail");
    let names: Vec<&str> = report.accounts().iter().map(|a| a.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "jane@corp.example on imap.corp.example",
            "jsmith on pop.legacy.example",
            "lab on mail.lab.example",
            "jane on bridge.local",
        ]
    );
    assert_eq!(codes(&report), [("fetchmail-plugin-not-followed".to_owned(), 24)]);

    let work = &report.accounts()[0].endpoints[0];
    assert_eq!(work.protocol, Protocol::Imap);
    assert_eq!(text_of(&report, work.host.as_ref().unwrap().span), "imap.corp.example");
    let port = work.port.as_ref().unwrap();
    assert_eq!(port.value, 993);
    assert!(port.is_default() && port.span.range.is_empty());
    assert_eq!(work.security.value, Security::ImplicitTls);
    assert_eq!(text_of(&report, work.security.span), "ssl");
    assert_eq!(work.auth.value, AuthMethod::Unknown);
    // `sslcertck` in the `defaults` entry applies to every entry after it.
    let checks = work.certificate_verification_disabled.as_ref().unwrap();
    assert!(!checks.value);
    assert_eq!(text_of(&report, checks.span), "sslcertck");

    let legacy = &report.accounts()[1].endpoints[0];
    assert_eq!(legacy.protocol, Protocol::Pop3);
    assert_eq!(text_of(&report, legacy.port.as_ref().unwrap().span), "110");
    assert_eq!(legacy.security.value, Security::StarttlsOptional);
    assert!(matches!(legacy.security.origin, Origin::Default { .. }));
    assert_eq!(legacy.auth.value, AuthMethod::PasswordCleartext);
    let secret = legacy.secrets[0].span;
    assert_eq!(text_of(&report, secret), "fixture-not-a-secret");
    assert!(report.secrets().contains(&secret), "every stored secret is redacted");

    let lab = &report.accounts()[2].endpoints[0];
    assert_eq!(text_of(&report, lab.host.as_ref().unwrap().span), "192.0.2.7", "`via` wins");
    assert_eq!(lab.security.value, Security::None);
    assert!(matches!(lab.security.origin, Origin::Derived { .. }));
    let disabled = lab.certificate_verification_disabled.as_ref().unwrap();
    assert!(disabled.value);
    assert_eq!(text_of(&report, disabled.span), "no sslcertck");

    assert_eq!(report.accounts()[3].endpoints[0].auth.value, AuthMethod::None, "auth ssh");
}

#[test]
fn utf8_before_values_and_crlf_keep_byte_spans_right() {
    if !python_available("utf8_before_values_and_crlf_keep_byte_spans_right") {
        return;
    }
    let extensions =
        load(vec![fetchmail_spec()], vec![repo().join("rules/packs/builtin-equivalents.toml")])
            .unwrap();
    let linter = linter(&extensions);
    let path = repo().join("fixtures/plugins/fetchmail/crlf/.fetchmailrc");
    let report = lint_file(&linter, &path);
    let account = &report.accounts()[0];
    assert_eq!(account.name, "jörg on mail.büro.example");
    let endpoint = &account.endpoints[0];
    assert_eq!(text_of(&report, endpoint.host.as_ref().unwrap().span), "mail.büro.example");
    assert_eq!(text_of(&report, endpoint.security.span), "ssl");
    assert_eq!(
        codes(&report),
        [("pack-certificate-verification-disabled".to_owned(), 5)],
        "the pack rule reports `no sslcertck`"
    );
    let outcome = linter.fix_report(report, FixOptions { unsafe_fixes: false });
    assert_eq!(outcome.changes.len(), 1);
    let fixed = &outcome.changes[0].new_text;
    assert!(
        fixed.ends_with("     user \"jörg\" there\r\n     sslcertck ssl\r\n"),
        "the fix rewrites the option in place and keeps the file's CRLF:\n{fixed:?}"
    );
    assert!(outcome.after.diagnostics.is_empty());
}

#[test]
fn packs_and_a_rule_plugin_check_fetchmail_files_and_fixes_are_written_in_its_syntax() {
    if !python_available("packs_and_a_rule_plugin_check_fetchmail_files_and_fixes_are_written") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let marker = dir.path().join("starts");
    let marker_arg = marker.to_string_lossy().into_owned();
    let rules = spec("test-rules", PluginKind::Rule, &test_plugin("rule-plugin"), &[&marker_arg]);
    let extensions = load(
        vec![fetchmail_spec(), rules],
        vec![repo().join("rules/packs/builtin-equivalents.toml"), test_pack(dir.path())],
    )
    .unwrap();
    let linter = linter(&extensions);

    let fixtures = repo().join("fixtures/plugins/fetchmail");
    let found =
        discover(std::slice::from_ref(&fixtures), &linter.parsers, &DiscoverOptions::default());
    let roots: Vec<String> = found
        .units
        .iter()
        .map(|u| u.root.strip_prefix(&fixtures).unwrap().display().to_string())
        .collect();
    assert_eq!(roots, ["broken/fetchmailrc", "crlf/.fetchmailrc", "home/.fetchmailrc"]);

    let report = lint_file(&linter, &repo().join("fixtures/plugins/fetchmail/home/.fetchmailrc"));
    assert_eq!(
        codes(&report),
        [
            ("pack-opportunistic-starttls".to_owned(), 15),
            ("no-clear-text-port".to_owned(), 15),
            ("stored-password".to_owned(), 16),
            ("no-clear-text-port".to_owned(), 19),
            ("no-plaintext".to_owned(), 21),
            ("pack-certificate-verification-disabled".to_owned(), 21),
            ("pack-opportunistic-starttls".to_owned(), 24),
            ("no-clear-text-port".to_owned(), 24),
            ("fetchmail-plugin-not-followed".to_owned(), 24),
        ]
    );
    let plugin_finding =
        report.diagnostics.iter().find(|d| d.rule.name == "no-clear-text-port").unwrap();
    assert!(
        !plugin_finding.message.contains('\u{1b}'),
        "terminal escapes are removed: {:?}",
        plugin_finding.message
    );
    let password = report.diagnostics.iter().find(|d| d.rule.code == "ZR002").unwrap();
    assert_eq!(password.labels.len(), 1);
    assert_eq!(text_of(&report, password.labels[0].span), "pop.legacy.example");
    assert!(password.fix.as_ref().unwrap().edits.is_empty());
    // One process start per unit answers for both of the plugin's rules (+1 for describe).
    assert_eq!(std::fs::read_to_string(&marker).unwrap().lines().count(), 2);

    let outcome = linter.fix_report(report, FixOptions { unsafe_fixes: true });
    assert!(outcome.failure.is_none(), "{:?}", outcome.failure);
    let fixed = &outcome.changes[0].new_text;
    assert!(
        fixed.contains(
            "poll pop.legacy.example proto pop3 service 995 auth password\n     \
             user \"jsmith\" there with password \"fixture-not-a-secret\" is jane here \
             sslproto tls1.2+ ssl\n"
        ),
        "server options after the name, user options at the end of the user's part: {fixed}"
    );
    assert!(fixed.contains("     sslproto 'tls1.2+' sslcertck ssl\n"), "in place: {fixed}");
    let after: Vec<&str> = outcome.after.diagnostics.iter().map(|d| d.rule.name.as_str()).collect();
    assert_eq!(after, ["stored-password", "fetchmail-plugin-not-followed"]);
    let applied: Vec<&str> = outcome.applied.iter().map(|a| a.rule.as_str()).collect();
    assert!(applied.contains(&"pack-certificate-verification-disabled"), "{applied:?}");
}

#[test]
fn the_fetchmail_plugin_reports_what_fetchmail_would_refuse() {
    if !python_available("the_fetchmail_plugin_reports_what_fetchmail_would_refuse") {
        return;
    }
    let extensions = load(vec![fetchmail_spec()], vec![]).unwrap();
    let linter = linter(&extensions);
    let report = lint_file(&linter, &repo().join("fixtures/plugins/fetchmail/broken/fetchmailrc"));
    assert_eq!(
        codes(&report),
        [
            ("fetchmail-syntax".to_owned(), 2),
            ("fetchmail-syntax".to_owned(), 4),
            ("fetchmail-syntax".to_owned(), 5),
        ]
    );
    let unknown = &report.diagnostics[0];
    assert_eq!(unknown.rule.code, "FM001");
    assert_eq!(text_of(&report, unknown.span), "imap4x");
    assert_eq!(report.accounts().len(), 1, "the entry with an unknown protocol is not read");
}

fn misbehaving(kind: PluginKind, mode: &str) -> PluginSpec {
    let mut spec = spec("misbehaving", kind, &test_plugin("misbehaving"), &[kind_arg(kind), mode]);
    if kind == PluginKind::Parser {
        spec.formats = vec!["*.bad".into()];
    }
    // Generous: Python's start-up on a loaded machine must never pass for a timeout. The
    // timeout test sets its own.
    spec.timeout = Some(20.0);
    spec.max_output = Some(256 * 1024);
    spec
}

fn kind_arg(kind: PluginKind) -> &'static str {
    kind.as_str()
}

/// Lints a `.bad` file with a misbehaving parser plugin and returns its only diagnostic.
fn parser_failure(mode: &str, text: &str) -> (Diagnostic, UnitReport) {
    parser_failure_with(misbehaving(PluginKind::Parser, mode), text)
}

fn parser_failure_with(spec: PluginSpec, text: &str) -> (Diagnostic, UnitReport) {
    let mode = spec.args[1].clone();
    let extensions = load(vec![spec], vec![]).unwrap();
    let linter = linter(&extensions);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("account.bad");
    std::fs::write(&path, text).unwrap();
    let report = lint_file(&linter, &path);
    assert_eq!(report.diagnostics.len(), 1, "{mode}: {:?}", codes(&report));
    assert!(report.accounts().is_empty(), "{mode}: a failed answer is dropped whole");
    (report.diagnostics[0].clone(), report)
}

#[test]
fn every_parser_plugin_failure_is_a_plugin_error_diagnostic() {
    if !python_available("every_parser_plugin_failure_is_a_plugin_error_diagnostic") {
        return;
    }
    let cases = [
        ("crash", "failed (exit status: 1)"),
        ("garbage", "answered with invalid JSON"),
        ("huge", "wrote more than 262144 bytes to standard output and was stopped"),
        ("wrong-protocol", "answered in protocol version 2, but this maillint speaks version 1"),
        ("error", "cannot read this: unsupported version line"),
        ("invalid-span", "accounts[0].span: span 0..26 lies outside the text (16 bytes)"),
        ("split-char", "diagnostics[0]: span 1..2 cuts a UTF-8 character"),
        ("undeclared-rule", "the rule `nope`, which the plugin did not declare"),
    ];
    for (mode, expected) in cases {
        let (diagnostic, report) = parser_failure(mode, "éccount = 1234\n");
        assert_eq!(diagnostic.rule.code, "X001", "{mode}");
        assert!(diagnostic.message.contains(expected), "{mode}: {}", diagnostic.message);
        assert!(
            diagnostic.message.starts_with("the `misbehaving` parser plugin "),
            "{}",
            diagnostic.message
        );
        assert_eq!(report.sources.start(diagnostic.span).line, 1);
    }
}

#[test]
fn a_plugin_that_hangs_is_stopped_at_its_timeout() {
    if !python_available("a_plugin_that_hangs_is_stopped_at_its_timeout") {
        return;
    }
    let mut spec = misbehaving(PluginKind::Parser, "timeout");
    spec.timeout = Some(2.0);
    let start = Instant::now();
    let (diagnostic, _) = parser_failure_with(spec, "x\n");
    assert!(
        diagnostic.message.contains("did not answer within 2.0 s and was stopped"),
        "{}",
        diagnostic.message
    );
    // The plugin sleeps 60 s; it was stopped long before.
    assert!(start.elapsed() < Duration::from_secs(30), "{:?}", start.elapsed());
}

#[test]
fn stderr_is_withheld_when_the_request_held_the_file_text() {
    if !python_available("stderr_is_withheld_when_the_request_held_the_file_text") {
        return;
    }
    let (diagnostic, _) = parser_failure("stderr-echo", "password = fixture-not-a-secret\n");
    assert!(!diagnostic.message.contains("fixture-not-a-secret"), "{}", diagnostic.message);
    assert!(diagnostic.message.contains("standard error is not shown"), "{}", diagnostic.message);
}

#[test]
fn rule_plugin_failures_are_reported_once_per_file_and_only_when_its_rules_run() {
    if !python_available("rule_plugin_failures_are_reported_once_per_file") {
        return;
    }
    let fixture = repo().join("fixtures/plugins/fetchmail/crlf/.fetchmailrc");
    for (mode, expected) in [
        ("invalid-span", "findings[0]: account 7 does not exist (1 accounts)"),
        ("undeclared-rule", "the rule `nope`, which the plugin did not declare"),
        // Check requests hold no file text: the plugin's standard error is quoted.
        ("stderr-echo", "failed (exit status: 3); standard error: I read:"),
    ] {
        let extensions =
            load(vec![fetchmail_spec(), misbehaving(PluginKind::Rule, mode)], vec![]).unwrap();
        let report = lint_file(&linter(&extensions), &fixture);
        let errors: Vec<&Diagnostic> = report.diagnostics.iter().collect();
        assert_eq!(errors.len(), 1, "{mode}: {:?}", codes(&report));
        assert_eq!(errors[0].rule.name, "plugin-error");
        assert!(errors[0].message.contains(expected), "{mode}: {}", errors[0].message);
        assert!(
            errors[0].message.starts_with("the `misbehaving` rule plugin "),
            "{}",
            errors[0].message
        );
    }

    // With every rule of the plugin turned off, the plugin is never started for a file.
    let dir = tempfile::tempdir().unwrap();
    let marker = dir.path().join("starts");
    let mut quiet = misbehaving(PluginKind::Rule, "crash");
    quiet.args.push(marker.to_string_lossy().into_owned());
    let extensions = load(vec![fetchmail_spec(), quiet], vec![]).unwrap();
    let mut linter = linter(&extensions);
    linter.enabled = linter
        .rules
        .resolve(&Selection { ignore: vec!["misbehaving-rule".into()], ..Default::default() })
        .unwrap();
    let report = lint_file(&linter, &fixture);
    assert!(report.diagnostics.is_empty(), "{:?}", codes(&report));
    assert_eq!(std::fs::read_to_string(&marker).unwrap(), "crash\n", "only the describe start");
}

#[test]
fn loading_refuses_a_wrong_digest_and_unusable_describe_answers() {
    if !python_available("loading_refuses_a_wrong_digest_and_unusable_describe_answers") {
        return;
    }
    let mut wrong = fetchmail_spec();
    let actual = wrong.sha256.clone();
    wrong.sha256 = "0".repeat(64);
    let err = load(vec![wrong], vec![]).unwrap_err().to_string();
    assert!(err.starts_with("plugin `fetchmail`: `sha256`: refused to run"), "{err}");
    assert!(
        err.contains(&actual) && err.contains(&"0".repeat(64)),
        "both digests are named: {err}"
    );

    let err = load(vec![misbehaving(PluginKind::Parser, "describe-garbage")], vec![]).unwrap_err();
    assert!(err.to_string().contains("the describe request answered with invalid JSON"), "{err}");

    let err =
        load(vec![misbehaving(PluginKind::Parser, "describe-wrong-kind")], vec![]).unwrap_err();
    assert!(
        err.to_string()
            .contains("configured as a parser plugin, but it describes itself as a rule plugin"),
        "{err}"
    );

    let mut missing = fetchmail_spec();
    missing.command = PathBuf::from("examples/plugins/fetchmail/no-such-plugin");
    let err = load(vec![missing], vec![]).unwrap_err().to_string();
    assert!(err.starts_with("plugin `fetchmail`: `command`: cannot read"), "{err}");

    let err = load(vec![fetchmail_spec(), fetchmail_spec()], vec![]).unwrap_err().to_string();
    assert!(err.contains("two [[plugin]] tables use this name"), "{err}");
}

#[test]
fn a_plugin_swapped_after_loading_is_refused_at_its_next_start() {
    if !python_available("a_plugin_swapped_after_loading_is_refused_at_its_next_start") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("maillint-fetchmail");
    std::fs::copy(fetchmail_plugin(), &copy).unwrap();
    let extensions = load(vec![spec("fetchmail", PluginKind::Parser, &copy, &[])], vec![]).unwrap();
    let linter = linter(&extensions);
    let mut text = std::fs::read_to_string(&copy).unwrap();
    text.push_str("\n# changed\n");
    std::fs::write(&copy, text).unwrap();
    let report = lint_file(&linter, &repo().join("fixtures/plugins/fetchmail/home/.fetchmailrc"));
    assert_eq!(report.diagnostics.len(), 1);
    assert!(
        report.diagnostics[0].message.contains("refused to run"),
        "{}",
        report.diagnostics[0].message
    );
}

#[test]
fn the_inventory_lists_packs_plugins_and_their_rules() {
    if !python_available("the_inventory_lists_packs_plugins_and_their_rules") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let extensions = load(
        vec![
            fetchmail_spec(),
            spec("test-rules", PluginKind::Rule, &test_plugin("rule-plugin"), &[]),
        ],
        vec![test_pack(dir.path())],
    )
    .unwrap();
    let inventory = extensions.inventory();
    assert_eq!(inventory.packs[0].rules[0].name, "no-plaintext");
    let fetchmail = &inventory.plugins[0];
    let kind = (fetchmail.kind, fetchmail.client.as_deref());
    assert_eq!(kind, (PluginKind::Parser, Some("fetchmail")));
    assert_eq!(fetchmail.declared_name.as_deref(), Some("maillint-fetchmail"));
    assert_eq!(fetchmail.sha256, sha256_file(&fetchmail_plugin()).unwrap());
    let codes: Vec<&str> = fetchmail.rules.iter().map(|r| r.code.as_str()).collect();
    assert_eq!(codes, ["FM001", "FM002"]);
    assert_eq!(inventory.plugins[1].rules.len(), 2);
    let json = serde_json::to_value(&inventory).unwrap();
    assert_eq!(json["plugins"][1]["declared-version"], "0.1");
}

#[test]
fn a_plugin_rule_that_clashes_with_a_registered_rule_names_both() {
    if !python_available("a_plugin_rule_that_clashes_with_a_registered_rule_names_both") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let pack = dir.path().join("clash.toml");
    std::fs::write(&pack, "[[rule]]\nname = \"stored-password\"\ncode = \"Z900\"\nseverity = \"info\"\nsummary = \"s\"\nmessage = \"m\"\n[rule.when]\n").unwrap();
    let extensions = load(
        vec![spec("test-rules", PluginKind::Rule, &test_plugin("rule-plugin"), &[])],
        vec![pack],
    )
    .unwrap();
    let mut rules = maillint_core::RuleRegistry::new();
    let err = extensions.install_rules(&mut rules).unwrap_err().to_string();
    assert!(err.contains("plugin `test-rules`"), "{err}");
    assert!(err.contains("rule of the pack"), "{err}");
}

#[test]
fn pack_and_plugin_rules_are_suppressed_by_name_or_code_like_built_ins() {
    if !python_available("pack_and_plugin_rules_are_suppressed_by_name_or_code_like_built_ins") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let extensions = load(
        vec![
            fetchmail_spec(),
            spec("test-rules", PluginKind::Rule, &test_plugin("rule-plugin"), &[]),
        ],
        vec![test_pack(dir.path())],
    )
    .unwrap();
    let linter = linter(&extensions);
    let path = dir.path().join(".fetchmailrc");
    std::fs::write(
        &path,
        "poll mail.example.net proto imap\n# maillint: ignore[ZR001] the old box only listens on 143\nservice 143\n# maillint: ignore[no-plaintext, Z101] internal network\nuser \"me\" sslproto ''\n",
    )
    .unwrap();
    let mut report = lint_file(&linter, &path);
    let leaders = report.parser.as_ref().unwrap().comment_leaders();
    maillint_engine::suppress::apply_suppressions(
        &mut report,
        leaders,
        &linter.rules,
        &linter.enabled,
    );
    assert!(report.diagnostics.is_empty(), "{:?}", codes(&report));

    // The same file without the comments: both findings are there.
    let text = std::fs::read_to_string(&path).unwrap();
    let bare: String =
        text.lines().filter(|l| !l.starts_with('#')).map(|l| format!("{l}\n")).collect();
    std::fs::write(&path, bare).unwrap();
    let report = lint_file(&linter, &path);
    assert_eq!(
        codes(&report),
        [("no-clear-text-port".to_owned(), 2), ("no-plaintext".to_owned(), 3)]
    );
}

/// Every fixture, and a hundred cuts of each (the corpus has no fetchmail file): the plugin
/// never fails, and every span it gives covers the value it names.
#[test]
fn the_fetchmail_plugin_reads_every_fixture_and_its_cuts_without_failing() {
    if !python_available("the_fetchmail_plugin_reads_every_fixture_and_its_cuts_without_failing") {
        return;
    }
    let mut spec = fetchmail_spec();
    spec.formats = vec!["*".into()];
    let extensions = load(vec![spec], vec![]).unwrap();
    let linter = linter(&extensions);
    let dir = tempfile::tempdir().unwrap();
    let files = maillint_core::testing::files_under(&repo().join("fixtures/plugins/fetchmail"));
    let mut accounts = 0;
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        let cuts = (0..text.len()).step_by((text.len() / 12).max(1));
        for cut in cuts.filter(|&c| text.is_char_boundary(c)).chain([text.len()]) {
            let path = dir.path().join("cut");
            std::fs::write(&path, &text[..cut]).unwrap();
            let report = lint_file(&linter, &path);
            let failures: Vec<&Diagnostic> =
                report.diagnostics.iter().filter(|d| d.rule.code == "X001").collect();
            assert!(
                failures.is_empty(),
                "{} cut at {cut}: {}",
                file.display(),
                failures[0].message
            );
            for endpoint in report.accounts().iter().flat_map(|a| &a.endpoints) {
                let host = endpoint.host.as_ref().unwrap();
                let written = maillint_core::HostName::new(text_of(&report, host.span));
                assert_eq!(written, host.value, "{}", file.display());
                if let Some(port) = endpoint.port.as_ref().filter(|p| p.is_explicit()) {
                    assert_eq!(text_of(&report, port.span), port.value.to_string());
                }
                for secret in &endpoint.secrets {
                    assert!(report.secrets().contains(&secret.span), "{}", file.display());
                }
            }
            if cut == text.len() {
                accounts += report.accounts().len();
            }
        }
    }
    assert_eq!(accounts, 6, "every fixture's accounts, whole");
}

#[test]
fn the_readme_shows_the_digest_of_the_committed_plugin() {
    let readme =
        std::fs::read_to_string(repo().join("examples/plugins/fetchmail/README.md")).unwrap();
    let shown = readme
        .lines()
        .find_map(|l| l.strip_prefix("sha256 = \""))
        .and_then(|rest| rest.strip_suffix('"'))
        .expect("the README's [[plugin]] example has a sha256 line");
    assert_eq!(
        shown,
        sha256_file(&fetchmail_plugin()).unwrap(),
        "update the digest in examples/plugins/fetchmail/README.md"
    );
}
