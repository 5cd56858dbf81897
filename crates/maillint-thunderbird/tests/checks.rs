//! The parser's own diagnostics: libpref parse errors (`parse-error`), and the K101-K103
//! rules with their fixes, applied and re-parsed.

mod common;

use common::{ProfileDir, parse_file};
use maillint_core::{Applicability, Diagnostic, Parser, Security};
use maillint_thunderbird::ThunderbirdParser;

fn diagnostics<'a>(parsed: &'a common::Parsed, rule: &str) -> Vec<&'a Diagnostic> {
    parsed.unit.diagnostics.iter().filter(|d| d.rule.name == rule).collect()
}

/// Applies the fix of `diagnostic`, writes the files back and re-parses.
fn apply_fix(
    profile: &ProfileDir,
    parsed: &common::Parsed,
    diagnostic: &Diagnostic,
) -> common::Parsed {
    let fix = diagnostic.fix.as_ref().expect("a fix");
    for (name, text) in parsed.apply(&fix.edits) {
        std::fs::write(profile.path(&name), text).unwrap();
    }
    parse_file(&profile.path("prefs.js"))
}

#[test]
fn parse_errors_carry_mozillas_message_and_the_lost_statement() {
    let prefs = "user_pref(\"mail.server.server1.socketType\", 3)\nuser_pref(\"mail.server.server1.port\", 993);\nuser_pref(\"mail.server.server1.type\", \"imap\");\n";
    let profile = ProfileDir::new(&[("prefs.js", prefs)]);
    let parsed = profile.parse("prefs.js");
    let errors = diagnostics(&parsed, "parse-error");
    assert_eq!(errors.len(), 1);
    let error = errors[0];
    assert_eq!(error.message, "expected ';' after ')'");
    assert_eq!(error.rule.code, "P001");
    // Reported where libpref notices it: the next statement, whose text recovery consumes.
    assert_eq!(parsed.at(error.span), "prefs.js:2:1");
    assert!(error.span.range.is_empty());
    assert_eq!(parsed.at(error.labels[0].span), "prefs.js:1:1");
    let why = error.why.as_deref().unwrap();
    assert!(why.contains("to the next `;` (line 2)"), "{why}");
    assert!(why.contains("Invalidprefs.js"), "{why}");
    // Both statements are lost: socketType and port fall back to their defaults.
    let (_, _, imap) = parsed.endpoint("server:server1");
    assert!(imap.security.is_default() && imap.port.as_ref().unwrap().is_default());
}

#[test]
fn a_byte_order_mark_is_reported_at_the_start() {
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend_from_slice(b"user_pref(\"a\", 1);\n");
    let profile = ProfileDir::new(&[]);
    std::fs::write(profile.path("user.js"), &bytes).unwrap();
    let parsed = profile.parse("user.js");
    let errors = diagnostics(&parsed, "parse-error");
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].message, "unexpected character");
    assert_eq!(parsed.at(errors[0].span), "user.js:1:1");
    assert!(errors[0].help.as_deref().unwrap().contains("byte-order mark"));
}

#[test]
fn obsolete_realhostname_with_the_same_value_is_deleted() {
    let prefs = "user_pref(\"mail.server.server1.hostname\", \"imap.example.com\");\nuser_pref(\"mail.server.server1.realhostname\", \"imap.example.com\");\nuser_pref(\"mail.server.server1.realuserName\", \"old\");\nuser_pref(\"mail.server.server1.type\", \"imap\");\nuser_pref(\"mail.server.server1.userName\", \"new\");\n";
    let profile = ProfileDir::new(&[("prefs.js", prefs)]);
    let parsed = profile.parse("prefs.js");
    let found = diagnostics(&parsed, "obsolete-pref");
    assert_eq!(found.len(), 2);
    assert_eq!(
        found[0].message,
        "`mail.server.server1.realhostname` is obsolete: Thunderbird 102 and later ignore it"
    );
    assert_eq!(found[0].fix.as_ref().unwrap().applicability, Applicability::Safe);
    // Different value: no fix, and the label shows what current Thunderbird uses.
    assert!(found[1].fix.is_none());
    assert_eq!(parsed.text(found[1].labels[0].span), "\"new\"");
    let fixed = apply_fix(&profile, &parsed, found[0]);
    assert_eq!(
        std::fs::read_to_string(profile.path("prefs.js")).unwrap(),
        prefs.replace(
            "user_pref(\"mail.server.server1.realhostname\", \"imap.example.com\");\n",
            ""
        )
    );
    assert_eq!(diagnostics(&fixed, "obsolete-pref").len(), 1);
}

#[test]
fn keys_of_the_wrong_case_or_server_kind_are_renamed() {
    let prefs = "user_pref(\"mail.account.account1.identities\", \"id1\");\nuser_pref(\"mail.account.account1.server\", \"server1\");\nuser_pref(\"mail.accountmanager.accounts\", \"account1\");\nuser_pref(\"mail.identity.id1.smtpServer\", \"smtp1\");\nuser_pref(\"mail.server.server1.hostname\", \"imap.example.com\");\nuser_pref(\"mail.server.server1.try_ssl\", 3);\nuser_pref(\"mail.server.server1.type\", \"imap\");\nuser_pref(\"mail.server.server1.username\", \"me\");\nuser_pref(\"mail.smtpserver.smtp1.hostname\", \"smtp.example.com\");\nuser_pref(\"mail.smtpserver.smtp1.socketType\", 3);\nuser_pref(\"mail.smtpserver.smtp1.userName\", \"me\");\nuser_pref(\"mail.smtpserver.smtp1.username\", \"me2\");\n";
    let profile = ProfileDir::new(&[("prefs.js", prefs)]);
    let parsed = profile.parse("prefs.js");
    let found = diagnostics(&parsed, "ignored-pref");
    let messages: Vec<&str> = found.iter().map(|d| d.message.as_str()).collect();
    assert_eq!(
        messages,
        [
            "Thunderbird ignores `mail.server.server1.try_ssl`: the incoming server key is `socketType`",
            "Thunderbird ignores `mail.server.server1.username`: the incoming server key is `userName`",
            "Thunderbird ignores `mail.smtpserver.smtp1.socketType`: the outgoing server key is `try_ssl`",
            "Thunderbird ignores `mail.smtpserver.smtp1.userName`: the outgoing server key is `username`",
        ]
    );
    // The right key is set as well for the last one: no rename.
    assert!(found[3].fix.is_none());
    assert!(found[..3].iter().all(|d| d.fix.is_some()));

    let (_, _, imap) = parsed.endpoint("server:server1");
    assert_eq!(imap.security.value, Security::None);
    assert!(imap.username.is_none());
    let fixed = apply_fix(&profile, &parsed, found[0]);
    let fixed = apply_fix(&profile, &fixed, diagnostics(&fixed, "ignored-pref")[0]);
    let (_, _, imap) = fixed.endpoint("server:server1");
    assert_eq!(imap.security.value, Security::ImplicitTls);
    assert_eq!(imap.username.as_ref().unwrap().value, "me");
    let fixed = apply_fix(&profile, &fixed, diagnostics(&fixed, "ignored-pref")[0]);
    assert_eq!(fixed.endpoint("smtp:smtp1").2.security.value, Security::ImplicitTls);
}

#[test]
fn values_of_the_wrong_type_are_retyped() {
    let prefs = "user_pref(\"mail.smtpserver.smtp1.hostname\", \"smtp.example.com\");\nuser_pref(\"mail.smtpserver.smtp1.port\", \"465\");\nuser_pref(\"mail.smtpserver.smtp1.try_ssl\", '3');\n";
    let profile = ProfileDir::new(&[("prefs.js", prefs)]);
    let parsed = profile.parse("prefs.js");
    let found = diagnostics(&parsed, "ignored-pref");
    assert_eq!(found.len(), 2);
    assert_eq!(
        found[0].message,
        "Thunderbird ignores `mail.smtpserver.smtp1.port`: it holds a string, but Thunderbird reads an integer"
    );
    assert_eq!(parsed.text(found[0].span), "\"465\"");
    let fixed = apply_fix(&profile, &parsed, found[0]);
    let fixed = apply_fix(&profile, &fixed, diagnostics(&fixed, "ignored-pref")[0]);
    assert!(diagnostics(&fixed, "ignored-pref").is_empty());
    let (_, _, smtp) = fixed.endpoint("smtp:smtp1");
    assert_eq!(smtp.port.as_ref().unwrap().value, 465);
    assert!(smtp.port.as_ref().unwrap().is_explicit());
    assert_eq!(smtp.security.value, Security::ImplicitTls);
}

#[test]
fn pref_instead_of_user_pref_is_rewritten() {
    let prefs = "user_pref(\"mail.server.server1.socketType\", 2);\nuser_pref(\"mail.server.server1.type\", \"imap\");\n";
    let user_js = "pref(\"mail.server.server1.socketType\", 3);\nsticky_pref(\"mail.server.server1.hostname\", \"imap.example.com\");\n";
    let profile = ProfileDir::new(&[("prefs.js", prefs), ("user.js", user_js)]);
    let parsed = profile.parse("prefs.js");
    let found = diagnostics(&parsed, "default-pref-in-user-js");
    assert_eq!(found.len(), 2);
    assert_eq!(
        found[0].message,
        "`pref(` sets only the default value of `mail.server.server1.socketType`"
    );
    // The user value from prefs.js overrides the default: the user.js line has no effect.
    assert_eq!(parsed.at(found[0].labels[0].span), "prefs.js:1:45");
    assert_eq!(parsed.endpoint("server:server1").2.security.value, Security::StarttlsRequired);
    let fixed = apply_fix(&profile, &parsed, found[0]);
    assert_eq!(
        std::fs::read_to_string(profile.path("user.js")).unwrap(),
        user_js.replacen("pref(", "user_pref(", 1)
    );
    assert_eq!(fixed.endpoint("server:server1").2.security.value, Security::ImplicitTls);
}

#[test]
fn no_fix_touches_prefs_js_while_thunderbird_runs() {
    if !std::path::Path::new("/proc/self").exists() {
        #[allow(clippy::print_stderr)]
        {
            eprintln!("SKIPPED: no /proc, the lock check cannot see a live process");
        }
        return;
    }
    let prefs = "pref(\"mail.server.server1.type\", \"imap\");\nuser_pref(\"mail.server.server1.try_ssl\", 3);\n";
    let profile = ProfileDir::new(&[("prefs.js", prefs)]);
    std::os::unix::fs::symlink(format!("127.0.0.1:+{}", std::process::id()), profile.path("lock"))
        .unwrap();
    let parsed = profile.parse("prefs.js");
    let found: Vec<&Diagnostic> =
        parsed.unit.diagnostics.iter().filter(|d| d.rule.code.starts_with('K')).collect();
    assert_eq!(found.len(), 2);
    for diagnostic in found {
        assert!(diagnostic.fix.is_none());
        assert!(
            diagnostic.help.as_deref().unwrap().contains("Thunderbird is running"),
            "{:?}",
            diagnostic.help
        );
    }
}

#[test]
fn rules_are_declared_with_their_documentation() {
    let rules = ThunderbirdParser.rules();
    let names: Vec<(&str, &str)> =
        rules.iter().map(|r| (r.code.as_str(), r.name.as_str())).collect();
    assert_eq!(
        names,
        [
            ("K101", "obsolete-pref"),
            ("K102", "ignored-pref"),
            ("K103", "default-pref-in-user-js"),
            ("K104", "locked-plaintext"),
        ]
    );
    for rule in &rules {
        for section in ["## What it does", "## Why is this bad?", "## Example", "## Fix"] {
            assert!(rule.doc.contains(section), "{} lacks {section}", rule.name);
        }
    }
}

#[test]
fn a_nul_byte_that_hides_settings_is_reported() {
    let prefs = "user_pref(\"a\", 1);\n\0user_pref(\"mail.server.server1.type\", \"imap\");\n";
    let profile = ProfileDir::new(&[("prefs.js", prefs)]);
    let parsed = profile.parse("prefs.js");
    let found = diagnostics(&parsed, "parse-error");
    assert_eq!(found.len(), 1);
    assert_eq!(
        found[0].message,
        "a NUL byte ends the file for Thunderbird: nothing after it is read"
    );
    assert_eq!(parsed.at(found[0].span), "prefs.js:2:1");
    assert!(parsed.unit.accounts.is_empty());
    // A trailing NUL with nothing after it hides nothing.
    let profile = ProfileDir::new(&[("prefs.js", "user_pref(\"a\", 1);\n\0\n")]);
    assert!(profile.parse("prefs.js").unit.diagnostics.is_empty());
}

#[test]
fn a_missing_semicolon_is_added() {
    let prefs = "user_pref(\"mail.server.server1.port\", 993) // no ;\nuser_pref(\"mail.server.server1.socketType\", 3);\nuser_pref(\"mail.server.server1.type\", \"imap\");\n";
    let profile = ProfileDir::new(&[("prefs.js", prefs)]);
    let parsed = profile.parse("prefs.js");
    let errors = diagnostics(&parsed, "parse-error");
    assert_eq!(errors[0].fix.as_ref().unwrap().applicability, Applicability::Safe);
    let fixed = apply_fix(&profile, &parsed, errors[0]);
    assert_eq!(
        std::fs::read_to_string(profile.path("prefs.js")).unwrap(),
        prefs.replacen("993)", "993);", 1)
    );
    assert!(fixed.unit.diagnostics.is_empty());
    let (_, _, imap) = fixed.endpoint("server:server1");
    assert_eq!(imap.security.value, Security::ImplicitTls);
    assert!(imap.port.as_ref().unwrap().is_explicit());
}
