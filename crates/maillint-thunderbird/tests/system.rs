//! The installation's files as formats of their own: default-prefs files and AutoConfig files
//! are read with the keywords that are right there (no `default-pref-in-user-js`), their mail
//! prefs become accounts the common rules check, a lock on no encryption is reported, and a
//! byte-shifted AutoConfig file is reported as not read.

use std::path::Path;

use maillint_core::{AuthMethod, ParseOptions, ParsedUnit, Parser, Security, SourceFile, Sources};
use maillint_thunderbird::{AutoConfigParser, DefaultPrefsParser, ThunderbirdParser};

fn parse(parser: &dyn Parser, path: &str, text: &[u8]) -> (Sources, ParsedUnit) {
    let mut sources = Sources::new();
    let root = sources.add(SourceFile::from_bytes(Path::new(path), text));
    let unit = parser.parse(root, &mut sources, &ParseOptions::default());
    (sources, unit)
}

fn rules(unit: &ParsedUnit) -> Vec<&str> {
    unit.diagnostics.iter().map(|d| d.rule.name.as_str()).collect()
}

const ACCOUNT: &str = r#"pref("mail.accountmanager.accounts", "account1");
pref("mail.account.account1.server", "server1");
pref("mail.server.server1.type", "imap");
pref("mail.server.server1.hostname", "mail.example.org");
pref("mail.server.server1.port", 143);
pref("mail.server.server1.socketType", 0, locked);
"#;

#[test]
fn default_prefs_files_take_pref_and_give_accounts() {
    let (_, unit) = parse(&DefaultPrefsParser, "/etc/thunderbird/pref/mail.js", ACCOUNT.as_bytes());
    assert_eq!(rules(&unit), ["locked-plaintext"]);
    let endpoint = &unit.accounts[0].endpoints[0];
    assert_eq!(endpoint.host.as_ref().unwrap().value, "mail.example.org");
    assert_eq!(endpoint.security.value, Security::None);
    assert_eq!(endpoint.auth.value, AuthMethod::PasswordCleartext);

    // The same lines in a user.js are the user's mistake: K103 on every `pref(`.
    let (_, unit) = parse(&ThunderbirdParser, "/home/u/p/user.js", ACCOUNT.as_bytes());
    assert!(rules(&unit).iter().filter(|r| **r == "default-pref-in-user-js").count() >= 5);
}

#[test]
fn autoconfig_calls_set_the_values_prefcalls_js_says() {
    let cfg = "// skipped line\n\
        defaultPref(\"mail.server.server1.type\", \"imap\");\n\
        defaultPref(\"mail.server.server1.hostname\", \"mail.example.org\");\n\
        lockPref(\"mail.server.server1.socketType\", 0);\n\
        pref(\"mail.server.server1.socketType\", 3);\n\
        defaultPref(\"mail.server.server1.userName\", getenv(\"USER\"));\n";
    let (sources, unit) =
        parse(&AutoConfigParser, "/usr/lib/thunderbird/thunderbird.cfg", cfg.as_bytes());
    // The user value of `pref()` does not apply over a lock.
    let endpoint = &unit.accounts[0].endpoints[0];
    assert_eq!(endpoint.security.value, Security::None);
    assert_eq!(sources.slice(endpoint.security.span), "0");
    assert_eq!(sources.start(endpoint.security.span).line, 4);
    let found: Vec<(&str, &str)> =
        unit.diagnostics.iter().map(|d| (d.rule.name.as_str(), sources.slice(d.span))).collect();
    assert_eq!(found, [("not-followed", ""), ("locked-plaintext", "0")]);
    assert!(
        unit.diagnostics[0].message.starts_with("`defaultPref()` with a value JavaScript computes")
    );
    assert_eq!(sources.start(unit.diagnostics[0].span).line, 6);
    // Nothing in an installation file is rewritten.
    assert!(unit.diagnostics.iter().all(|d| d.fix.is_none()));
    let lowered = AutoConfigParser.lower(
        &unit,
        &sources,
        0,
        0,
        &[maillint_core::FieldChange::Security(Security::ImplicitTls)],
    );
    assert!(lowered.unwrap_err().0.contains("does not rewrite"));
}

#[test]
fn a_byte_shifted_autoconfig_file_is_reported_not_read() {
    let plain = "// x\nlockPref(\"mail.server.server1.type\", \"imap\");\n\
                 lockPref(\"mail.server.server1.hostname\", \"mail.example.org\");\n";
    let shifted: Vec<u8> = plain.bytes().map(|b| b + 13).collect();
    let (_, unit) = parse(&AutoConfigParser, "/usr/lib/thunderbird/mozilla.cfg", &shifted);
    assert_eq!(rules(&unit), ["not-followed"]);
    assert!(unit.diagnostics[0].message.contains("general.config.obscure_value"));
    assert!(unit.accounts.is_empty());
}
