//! mutt's own truth: the gaps issue 16 found by running maillint on held-out real muttrc
//! files, one test each. Each was red on the code before the fix.

mod support;

use std::path::Path;

use maillint_core::{Origin, Protocol, Security};
use maillint_rules::test_support::{findings, fired};
use support::*;

/// The endpoints of a unit as (protocol, host, security).
fn servers(unit: &maillint_core::ParsedUnit) -> Vec<(Protocol, String, Security)> {
    unit.accounts
        .iter()
        .flat_map(|a| &a.endpoints)
        .map(|e| {
            let host = e.host.as_ref().map(|h| h.value.to_string()).unwrap_or_default();
            (e.protocol, host, e.security.value)
        })
        .collect()
}

// ----- flavour: mutt or NeoMutt -----------------------------------------------------------

const SMTP_587: &str = "set smtp_url=smtp://me@mail.example.org:587/\n";

#[test]
fn a_file_mutt_reads_gets_both_readings_of_ssl_force_tls() {
    // `~/.muttrc` and `~/.mutt/muttrc` are read by mutt, whose ssl_force_tls is unset before
    // 2.0.0 and in Fedora's build: STARTTLS there only when the server offers it.
    for path in ["/home/user/.muttrc", "/home/user/.mutt/muttrc", "/home/user/.mutt/work.rc"] {
        let (_, unit) = parse_text_at(Path::new(path), SMTP_587);
        let endpoint = &unit.accounts[0].endpoints[0];
        assert_eq!(endpoint.security.value, Security::StarttlsOptional, "{path}");
        let Origin::Derived { reason } = &endpoint.security.origin else {
            panic!("{path}: {:?}", endpoint.security.origin)
        };
        assert!(reason.contains("mutt before 2.0.0"), "{path}: {reason}");
        let names: Vec<String> = fired(&unit).into_iter().map(|(n, _)| n).collect();
        assert!(names.contains(&"opportunistic-starttls".to_owned()), "{path}: {names:?}");
    }
}

#[test]
fn a_file_only_neomutt_reads_gets_neomutts_default() {
    for path in ["/home/user/.config/neomutt/neomuttrc", "/home/user/.neomuttrc"] {
        let (_, unit) = parse_text_at(Path::new(path), SMTP_587);
        assert_eq!(unit.accounts[0].endpoints[0].security.value, Security::StarttlsRequired);
    }
}

#[test]
fn maillint_toml_sets_the_flavour_of_a_file() {
    use maillint_core::{ParseOptions, Parser, SourceFile, Sources};
    let read = |flavour: &str, path: &str| {
        let mut options = ParseOptions { home: Some(HOME.into()), ..ParseOptions::default() };
        options.client_settings.insert("mutt.flavour".to_owned(), flavour.to_owned());
        let mut sources = Sources::new();
        let root = sources.add(SourceFile::from_text(path, SMTP_587));
        let unit = maillint_mutt::MuttParser.parse(root, &mut sources, &options);
        unit.accounts[0].endpoints[0].security.value
    };
    // `[mutt] flavour = "neomutt"`: a ~/.muttrc gets NeoMutt's default.
    assert_eq!(read("neomutt", "/home/user/.muttrc"), Security::StarttlsRequired);
    // `[mutt] flavour = "mutt"`: even a neomuttrc gets mutt's reading.
    assert_eq!(read("mutt", "/home/user/.neomuttrc"), Security::StarttlsOptional);
    assert_eq!(read("either", "/home/user/.neomuttrc"), Security::StarttlsOptional);
}

#[test]
fn an_explicit_ssl_force_tls_decides_under_either_flavour() {
    let text = format!("set ssl_force_tls\n{SMTP_587}");
    let (_, unit) = parse_text_at(Path::new("/home/user/.muttrc"), &text);
    assert_eq!(unit.accounts[0].endpoints[0].security.value, Security::StarttlsRequired);
}

#[test]
fn the_fix_for_the_mutt_reading_writes_ssl_force_tls() {
    use maillint_core::{FixAction, Parser};
    let (sources, unit) = parse_text_at(Path::new("/home/user/.muttrc"), SMTP_587);
    let fix = fired(&unit)
        .into_iter()
        .find(|(n, _)| n == "opportunistic-starttls")
        .and_then(|(_, f)| f)
        .expect("a fix");
    let FixAction::Fields { account, endpoint, changes } = &fix.action else { panic!() };
    let edits =
        maillint_mutt::MuttParser.lower(&unit, &sources, *account, *endpoint, changes).unwrap();
    let contents: Vec<&str> = edits.iter().map(|e| e.content.as_str()).collect();
    assert!(contents.iter().any(|c| c.contains("ssl_force_tls")), "{contents:?}");
}

// ----- account-hook matching ----------------------------------------------------------------

const TWO_ACCOUNTS: &str = "\
account-hook imaps://imap.gmail.com 'set imap_user=a@gmail.com imap_pass=gmail-pass-1'
account-hook imaps://mail.example.org 'set imap_user=b@example.org imap_pass=other-pass-2'
set folder=imaps://imap.gmail.com/
mailboxes imaps://imap.gmail.com/INBOX imaps://mail.example.org/INBOX
";

#[test]
fn an_account_hooks_password_belongs_only_to_the_accounts_its_regex_matches() {
    let (sources, unit) = parse_text(TWO_ACCOUNTS);
    for endpoint in unit.accounts.iter().flat_map(|a| &a.endpoints) {
        let host = endpoint.host.as_ref().unwrap().value.as_str();
        let secrets: Vec<String> =
            endpoint.secrets.iter().map(|s| slice(&sources, s.span)).collect();
        let expected = match host {
            "imap.gmail.com" => "gmail-pass-1",
            "mail.example.org" => "other-pass-2",
            other => panic!("{other}"),
        };
        assert_eq!(secrets, [expected], "{host}");
    }
    // The Gmail OAuth2 finding names Gmail's own password, never the other account's.
    for (name, finding) in findings(&unit) {
        if name == "oauth2-required" || name == "plaintext-password" {
            let at = slice(&sources, finding.span);
            assert_ne!(
                (finding.message.contains("gmail"), at.as_str()),
                (true, "other-pass-2"),
                "{name}"
            );
        }
    }
}

#[test]
fn account_hook_regexes_are_case_sensitive_and_unanchored_like_mutts() {
    // mutt compiles hook regexes with regcomp(REG_EXTENDED) and no REG_ICASE (hook.c), and
    // matches them anywhere in the account URL.
    let text = "\
account-hook GMAIL 'set imap_pass=never-applies'
account-hook gmail 'set imap_pass=applies-here'
set folder=imaps://imap.gmail.com/
";
    let (sources, unit) = parse_text(text);
    let gmail: Vec<String> = unit
        .accounts
        .iter()
        .flat_map(|a| &a.endpoints)
        .flat_map(|e| &e.secrets)
        .filter(|s| s.setting == "imap_pass" && slice(&sources, s.span) == "applies-here")
        .map(|s| slice(&sources, s.span))
        .collect();
    assert_eq!(gmail, ["applies-here"]);
}

/// The text of every password `plaintext-password` reports in a muttrc.
fn plaintext_passwords(text: &str) -> Vec<String> {
    let (sources, unit) = parse_text(text);
    findings(&unit)
        .into_iter()
        .filter(|(n, _)| n == "plaintext-password")
        .map(|(_, f)| slice(&sources, f.span))
        .collect()
}

#[test]
fn a_password_in_a_hook_that_matches_no_account_is_still_reported() {
    let text = "\
set folder=imaps://imap.example.org/
account-hook imaps://old.example.net 'set imap_user=me imap_pass=forgotten-pass'
";
    assert_eq!(plaintext_passwords(text), ["forgotten-pass"]);
}

#[test]
fn a_password_in_a_macro_is_reported() {
    let text = "\
set folder=imaps://imap.example.org/
macro index ,w '<enter-command>set imap_pass=macro-pass-3<enter><change-folder>=INBOX<enter>'
";
    assert_eq!(plaintext_passwords(text), ["macro-pass-3"]);
}

// ----- every protocol a setting affects -----------------------------------------------------

#[test]
fn one_unset_ssl_starttls_is_reported_for_imap_and_smtp() {
    let text = "\
unset ssl_force_tls
unset ssl_starttls
set folder=imap://mail.example.org/
set smtp_url=smtp://mail.example.org:587/
";
    let (sources, unit) = parse_text_at(Path::new("/home/user/.config/neomutt/neomuttrc"), text);
    assert_eq!(
        servers(&unit),
        [
            (Protocol::Imap, "mail.example.org".to_owned(), Security::None),
            (Protocol::Smtp, "mail.example.org".to_owned(), Security::None),
        ]
    );
    // One finding at the one setting, naming both connections.
    let tls_off: Vec<maillint_core::Finding> =
        findings(&unit).into_iter().filter(|(n, _)| n == "tls-disabled").map(|(_, f)| f).collect();
    assert_eq!(tls_off.len(), 1);
    assert_eq!(slice(&sources, tls_off[0].span), "ssl_starttls");
    let said: Vec<&str> = std::iter::once(tls_off[0].message.as_str())
        .chain(tls_off[0].labels.iter().map(|l| l.message.as_str()))
        .collect();
    assert!(said.iter().any(|m| m.contains("IMAP")), "{said:?}");
    assert!(said.iter().any(|m| m.contains("SMTP")), "{said:?}");
}

// ----- single quotes ---------------------------------------------------------------------------

#[test]
fn a_variable_in_single_quotes_is_sent_literally_and_said_so() {
    let (sources, unit) = parse_text("set my_pass=x\nset imap_pass = '$my_pass'\n");
    let said: Vec<_> = unit
        .diagnostics
        .iter()
        .filter(|d| d.rule.name == "single-quoted-variable")
        .map(|d| slice(&sources, d.span))
        .collect();
    assert_eq!(said, ["$my_pass"]);
    // Double quotes expand it: nothing to say.
    let (_, unit) = parse_text("set my_pass=x\nset imap_pass = \"$my_pass\"\n");
    assert!(!rule_names(&unit).contains(&"single-quoted-variable".to_owned()));
}

// ----- detection ------------------------------------------------------------------------------

#[test]
fn detection_survives_a_long_continued_mailboxes_list() {
    use maillint_core::{Confidence, Parser};
    let mut text = String::from(
        "# account\nsource ~/.mutt/common\nset folder=\"imaps://me@imap.example.org/\"\n\
         set spoolfile=+INBOX\nmailboxes \\\n",
    );
    for i in 0..40 {
        text.push_str(&format!("    +\"Folder {i}\" \\\n"));
    }
    text.push_str("    +Last\nset record=+Sent\n");
    let found = maillint_mutt::MuttParser.detect(Path::new("/x/account"), text.as_bytes());
    assert_eq!(found, Some(Confidence::Content));
}

#[test]
fn a_file_in_a_mutt_folder_is_mutt_by_where_it_is() {
    use maillint_core::Parser;
    let text = b"macro index gw '<change-folder>imaps://imap.example.org/<enter>'\n\
                 account-hook imaps://me@imap.example.org \\\n    'set imap_user=me \\\n    \
                 imap_pass=`pass mail`'\n";
    for path in [
        "/home/u/.mutt/accounts",
        "/home/u/.config/mutt/work",
        "/home/u/.neomutt/gmail",
        "/home/u/.config/neomutt/accounts/personal",
    ] {
        let found = maillint_mutt::MuttParser.detect(Path::new(path), text);
        assert!(found.is_some(), "{path}");
    }
    // One line only a muttrc has is enough there, and only there.
    let colors = b"color index brightyellow default ~N\ncolor status white blue\n";
    let found = maillint_mutt::MuttParser.detect(Path::new("/home/u/.mutt/colors"), colors);
    assert!(found.is_some());
    assert_eq!(maillint_mutt::MuttParser.detect(Path::new("/home/u/notes/colors"), colors), None);
    // Not just any file there: a shell script stays a shell script.
    let script = b"#!/bin/sh\nexec mbsync -a\n";
    assert_eq!(maillint_mutt::MuttParser.detect(Path::new("/home/u/.mutt/sync.sh"), script), None);
}
