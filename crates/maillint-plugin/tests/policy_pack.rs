//! The worked example of `examples/policy-pack`: Example Corp's policy pack, loaded next to
//! maillint's built-in rules and providers, run on the Thunderbird profile and muttrc in
//! `examples/policy-pack/samples`, with its fixes written by each client's own parser.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use maillint_core::builtin::{IoError, NotFollowed, ParseError};
use maillint_core::{ParserRegistry, RuleRegistry, Selection, Sources};
use maillint_engine::{FixOptions, Linter, UnitReport};
use maillint_plugin::{ExtensionConfig, Extensions};

fn example() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/policy-pack")
}

/// maillint as the CLI assembles it (built-in parsers, rules and providers), plus the pack.
fn linter() -> Linter {
    let extensions = Extensions::load(&ExtensionConfig {
        rule_packs: vec![example().join("corp-policy.toml")],
        ..Default::default()
    })
    .unwrap_or_else(|e| panic!("{e}"));
    let mut parsers = ParserRegistry::new();
    parsers.register(Arc::new(maillint_thunderbird::ThunderbirdParser));
    parsers.register(Arc::new(maillint_mutt::MuttParser));
    extensions.install_parsers(&mut parsers);
    let mut rules = RuleRegistry::new();
    for meta in [ParseError::metadata(), IoError::metadata(), NotFollowed::metadata()] {
        rules.register_meta(Arc::clone(meta)).unwrap();
    }
    for rule in maillint_rules::builtin_rules() {
        rules.register(rule).unwrap();
    }
    for meta in parsers.iter().flat_map(|p| p.rules()) {
        if rules.get(&meta.name).is_none() {
            rules.register_meta(meta).unwrap();
        }
    }
    extensions.install_rules(&mut rules).unwrap_or_else(|e| panic!("{e}"));
    let mut providers = maillint_rules::builtin_providers();
    extensions.install_providers(&mut providers);
    let enabled = rules.resolve(&Selection::default()).unwrap();
    let mut linter = Linter::new(parsers, rules, providers, enabled);
    linter.inline_suppressions = false;
    linter
}

fn lint(linter: &Linter, path: &Path) -> UnitReport {
    let head = std::fs::read(path).unwrap();
    let parser = linter.parsers.detect(path, &head[..head.len().min(1024)]).unwrap();
    let mut sources = Sources::new();
    let root = sources.load(path).unwrap();
    linter.lint_sources(parser, root, sources)
}

fn found(report: &UnitReport) -> Vec<String> {
    report
        .diagnostics
        .iter()
        .map(|d| {
            let at = report.sources.start(d.span);
            format!(
                "{}:{} {} {} {:?}",
                at.line,
                at.column,
                d.rule.code,
                d.rule.name,
                report.sources.slice(d.span)
            )
        })
        .collect()
}

#[test]
fn the_thunderbird_profile_breaks_the_policy_where_expected() {
    let linter = linter();
    let report = lint(&linter, &example().join("samples/thunderbird/prefs.js"));
    assert_eq!(
        found(&report),
        [
            // One finding for the personal account, at its address, not one per server.
            r#"16:42 CRP003 no-personal-gmail "\"jane.doe@gmail.com\"""#,
            r#"18:43 CRP001 corp-imap-server "\"imap.corp.example\"""#,
            // The pack's provider facts make the built-in host rules protect corp.example.
            r#"18:43 H001 wrong-provider-host "\"imap.corp.example\"""#,
            r#"37:45 CRP004 smtp-only-via-relay "\"mail.corp.exmaple\"""#,
            r#"37:45 H003 lookalike-host "\"mail.corp.exmaple\"""#,
        ]
    );
    let imap = report.diagnostics.iter().find(|d| d.rule.code == "CRP001").unwrap();
    assert_eq!(
        imap.message,
        "account1 (jane@corp.example) reads mail from `imap.corp.example` on port 143 with \
         STARTTLS; company accounts use `mail.corp.example` on port 993 with SSL/TLS"
    );
    assert_eq!(report.sources.slice(imap.labels[0].span), "143");
    assert_eq!(imap.fix.as_ref().unwrap().applicability, maillint_core::Applicability::Unsafe);

    // `--fix` alone applies no policy fix (they are all unsafe); the built-in host rules'
    // safe fixes, which the pack's provider facts made possible, do apply.
    let safe = linter.fix_report(
        lint(&linter, &example().join("samples/thunderbird/prefs.js")),
        FixOptions { unsafe_fixes: false },
    );
    let applied: Vec<&str> = safe.applied.iter().map(|a| a.code.as_str()).collect();
    assert!(!applied.is_empty() && applied.iter().all(|c| c.starts_with('H')), "{applied:?}");

    // With unsafe fixes, the Thunderbird parser writes the pack's field changes as prefs.
    let outcome = linter.fix_report(report, FixOptions { unsafe_fixes: true });
    let fixed = &outcome.changes[0].new_text;
    for pref in [
        r#"user_pref("mail.server.server1.hostname", "mail.corp.example");"#,
        r#"user_pref("mail.server.server1.port", 993);"#,
        r#"user_pref("mail.server.server1.socketType", 3);"#,
        r#"user_pref("mail.smtpserver.smtp1.hostname", "relay.corp.example");"#,
        r#"user_pref("mail.smtpserver.smtp1.port", 465);"#,
        r#"user_pref("mail.smtpserver.smtp1.try_ssl", 3);"#,
    ] {
        assert!(fixed.contains(pref), "{pref} missing from:\n{fixed}");
    }
    // What no fix can do is left: the personal account must be removed by a person.
    assert_eq!(
        found(&outcome.after),
        [r#"16:42 CRP003 no-personal-gmail "\"jane.doe@gmail.com\"""#]
    );
}

#[test]
fn the_muttrc_breaks_the_policy_where_expected_and_mutt_writes_the_fix() {
    let linter = linter();
    let report = lint(&linter, &example().join("samples/muttrc"));
    assert_eq!(
        found(&report),
        [
            r#"5:18 A002 plaintext-password "fixture-not-a-secret""#,
            r#"5:18 CRP005 corp-password-in-file "fixture-not-a-secret""#,
            r#"6:29 CRP004 smtp-only-via-relay "smtp.corp.example""#,
            r#"6:29 H001 wrong-provider-host "smtp.corp.example""#,
        ]
    );
    // The stored password is pointed at, never quoted.
    for d in &report.diagnostics {
        assert!(!d.message.contains("fixture-not-a-secret"), "{}", d.message);
    }
    let outcome = linter.fix_report(report, FixOptions { unsafe_fixes: true });
    let fixed = &outcome.changes[0].new_text;
    assert!(fixed.contains(r#"set smtp_url = "smtps://jane@relay.corp.example:465/""#), "{fixed}");
    assert_eq!(
        found(&outcome.after),
        [
            r#"5:18 A002 plaintext-password "fixture-not-a-secret""#,
            r#"5:18 CRP005 corp-password-in-file "fixture-not-a-secret""#,
        ]
    );
}

#[test]
fn policy_rules_are_selected_documented_and_described_like_built_ins() {
    let linter = linter();
    let meta = linter.rules.get("corp-imap-server").unwrap();
    assert_eq!(meta.code, "CRP001");
    assert!(
        matches!(&meta.origin, maillint_core::RuleOrigin::Pack { path } if path.ends_with("corp-policy.toml"))
    );
    for section in
        ["## What it does", "## Why is this bad?", "## Conditions", "## Fix", "## Example"]
    {
        assert!(meta.doc.contains(section), "{section}:\n{}", meta.doc);
    }
    assert!(
        meta.doc.contains(
            "- the address's domain is or matches one of `corp.example`, `*.corp.example`"
        ),
        "{}",
        meta.doc
    );
    assert!(
        meta.doc.contains("host = \"mail.corp.example\""),
        "the doc quotes the rule:\n{}",
        meta.doc
    );
    // Selecting by code prefix picks the pack's rules, as for built-ins.
    let selected = linter.rules.matching("CRP").unwrap();
    assert_eq!(selected.len(), 5);
    let only_policy = linter
        .rules
        .resolve(&Selection {
            select: Some(vec!["CRP".into()]),
            ignore: vec!["corp-no-pop3".into()],
            ..Default::default()
        })
        .unwrap();
    assert_eq!(only_policy.names().count(), 4);
}

#[test]
fn policy_findings_go_through_every_renderer_with_their_rule_metadata() {
    let linter = linter();
    let reports = vec![lint(&linter, &example().join("samples/muttrc"))];

    let mut sarif = Vec::new();
    maillint_report::sarif::render(&reports, linter.rules.metas(), &mut sarif).unwrap();
    let sarif: serde_json::Value = serde_json::from_slice(&sarif).unwrap();
    let run = &sarif["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let policy = rules.iter().find(|r| r["id"] == "CRP004").expect("the pack rule is described");
    assert_eq!(policy["name"], "smtp-only-via-relay");
    assert_eq!(
        policy["shortDescription"]["text"],
        "Mail is sent through a server other than the company relay."
    );
    assert_eq!(policy["defaultConfiguration"]["level"], "error");
    assert!(policy["help"]["markdown"].as_str().unwrap().contains("## Conditions"));
    let results = run["results"].as_array().unwrap();
    assert!(results.iter().any(|r| r["ruleId"] == "CRP004"));

    // Secrets stay redacted in machine output too.
    let mut json = Vec::new();
    maillint_report::json::render_array(&reports, &mut json).unwrap();
    let json = String::from_utf8(json).unwrap();
    assert!(json.contains("corp-password-in-file"), "{json}");
    assert!(!json.contains("fixture-not-a-secret"), "the password leaked:\n{json}");

    let mut concise = Vec::new();
    maillint_report::concise::render(&reports, &mut concise).unwrap();
    let concise = String::from_utf8(concise).unwrap();
    assert!(concise.contains("error[CRP004/smtp-only-via-relay]"), "{concise}");
}
