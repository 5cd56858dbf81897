//! What the msmtp parser makes of small files: accounts, inheritance, defaults, errors,
//! detection and fixes.

mod support;

use std::path::Path;

use maillint_core::fix::apply_edits;
use maillint_core::{AuthMethod, Confidence, FieldChange, Origin, Parser, Security, Severity};
use maillint_msmtp::MsmtpParser;
use support::parse_text;

#[test]
fn an_account_gets_the_defaults_above_it_and_msmtps_own_defaults() {
    let text = "defaults\ntls on\nport 587\naccount work\nhost smtp.example.net\nfrom me@example.net\n\
                account bare\nhost mail.example.org\n";
    let (sources, unit) = parse_text(text);
    assert!(unit.diagnostics.is_empty(), "{:?}", unit.diagnostics);
    let work = &unit.accounts[0].endpoints[0];
    assert_eq!(sources.slice(work.host.as_ref().unwrap().span), "smtp.example.net");
    assert_eq!(work.port.as_ref().unwrap().value, 587);
    assert_eq!(work.security.value, Security::StarttlsRequired);
    assert!(matches!(work.security.origin, Origin::Derived { .. }));
    assert_eq!(unit.accounts[0].email.as_ref().unwrap().value, "me@example.net");
    // Without `auth`, msmtp does not sign in.
    assert_eq!((work.auth.value, work.auth.is_default()), (AuthMethod::None, true));
    let bare = &unit.accounts[1].endpoints[0];
    assert_eq!(bare.security.value, Security::StarttlsRequired);
    assert_eq!(bare.port.as_ref().unwrap().value, 587);
}

#[test]
fn defaults_apply_only_to_accounts_below_them() {
    let text = "account early\nhost a.example\ndefaults\ntls on\ntls_starttls off\naccount late\nhost b.example\n";
    let (_, unit) = parse_text(text);
    let early = &unit.accounts[0].endpoints[0];
    assert_eq!(early.security.value, Security::None);
    assert!(early.security.is_default());
    assert_eq!(
        (early.port.as_ref().unwrap().value, early.port.as_ref().unwrap().is_default()),
        (25, true)
    );
    let late = &unit.accounts[1].endpoints[0];
    assert_eq!(late.security.value, Security::ImplicitTls);
    assert_eq!(late.port.as_ref().unwrap().value, 465);
}

#[test]
fn inheritance_copies_what_the_parent_set_and_default_is_an_alias() {
    let text = "account base\nhost smtp.example.net\ntls on\ntls_certcheck off\npassword hunter2-not-real\n\
                account child : base\nport 2525\naccount default : base\n";
    let (sources, unit) = parse_text(text);
    assert!(unit.diagnostics.is_empty(), "{:?}", unit.diagnostics);
    let names: Vec<&str> = unit.accounts.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(names, ["base (also `default`)", "child"]);
    let child = &unit.accounts[1].endpoints[0];
    assert_eq!(child.port.as_ref().unwrap().value, 2525);
    let off = child.certificate_verification_disabled.as_ref().unwrap();
    assert_eq!(sources.slice(off.span), "off");
    // One secret, shared by both accounts.
    assert_eq!(unit.secrets.len(), 1);
    assert_eq!(sources.slice(unit.secrets[0]), "hunter2-not-real");
    assert_eq!(child.secrets[0].span, unit.secrets[0]);
}

#[test]
fn settings_before_any_account_are_the_implicit_default_account() {
    let (_, unit) = parse_text("host smtp.example.net\ntls\n");
    assert_eq!(unit.accounts[0].name, "default");
    // `tls` without an argument means `tls on`.
    assert_eq!(unit.accounts[0].endpoints[0].security.value, Security::StarttlsRequired);
    let (_, unit) = parse_text("host smtp.example.net\naccount default\nhost b.example\n");
    assert_eq!(unit.diagnostics[0].message, "account `default` was already defined");
}

#[test]
fn errors_are_reported_where_msmtp_stops_and_the_rest_is_still_read() {
    let text = "account a : missing\nhost smtp.example.net\ntls yes\nauth PLAIN\nport 0587\n\
                bogus x\naccount a\ntls_nocertcheck on\naccount x,y\n";
    let (sources, unit) = parse_text(text);
    let found: Vec<(usize, &str, &str)> = unit
        .diagnostics
        .iter()
        .map(|d| (sources.start(d.span).line as usize, sources.slice(d.span), d.message.as_str()))
        .collect();
    assert_eq!(
        found,
        [
            (1, "missing", "account `missing` not (yet) defined"),
            (3, "yes", "invalid argument `yes` for command `tls`"),
            (4, "PLAIN", "invalid argument `PLAIN` for command `auth`"),
            (5, "0587", "invalid argument `0587` for command `port`"),
            (6, "bogus", "unknown command `bogus`"),
            (7, "a", "account `a` was already defined"),
            (8, "on", "command `tls_nocertcheck` does not take an argument"),
            (9, "x,y", "an account name must not contain colons or commas"),
        ]
    );
    assert!(unit.diagnostics.iter().all(|d| d.rule.name == "parse-error"));
    assert_eq!(unit.accounts[0].endpoints[0].host.as_ref().unwrap().value, "smtp.example.net");
}

#[test]
fn eval_and_passwordeval_are_never_run_and_not_secrets() {
    let text = "account a\nhost smtp.example.net\neval echo tls off\npasswordeval pass show mail\n";
    let (_, unit) = parse_text(text);
    assert_eq!(unit.diagnostics.len(), 1);
    assert_eq!(unit.diagnostics[0].rule.name, "not-followed");
    assert_eq!(unit.diagnostics[0].severity, Severity::Info);
    assert!(unit.secrets.is_empty());
}

#[test]
fn auth_methods_map_to_the_model() {
    let auth = |line: &str| {
        let (_, unit) = parse_text(&format!("account a\nhost h.example\ntls on\n{line}\n"));
        unit.accounts[0].endpoints[0].auth.value
    };
    assert_eq!(auth("auth on"), AuthMethod::PasswordCleartext);
    assert_eq!(auth("auth"), AuthMethod::PasswordCleartext);
    assert_eq!(auth("auth off"), AuthMethod::None);
    assert_eq!(auth("auth xoauth2"), AuthMethod::Oauth2);
    assert_eq!(auth("auth scram-sha-256"), AuthMethod::PasswordEncrypted);
    assert_eq!(auth("auth gssapi"), AuthMethod::Gssapi);
}

#[test]
fn quotes_and_trailing_text_are_part_of_the_value_as_msmtp_reads_it() {
    let (sources, unit) =
        parse_text("account a\nhost \"smtp.example.net\"\nfrom me@x.example # work\n");
    let account = &unit.accounts[0];
    assert_eq!(sources.slice(account.endpoints[0].host.as_ref().unwrap().span), "smtp.example.net");
    assert_eq!(account.email.as_ref().unwrap().value, "me@x.example # work");
}

#[test]
fn accounts_without_a_host_lmtp_or_a_socket_make_no_smtp_connection() {
    let text = "account common\ntls on\naccount l\nhost h.example\nprotocol lmtp\nport 24\n\
                account s\nhost h.example\nsocket /run/x\n";
    let (_, unit) = parse_text(text);
    assert!(unit.accounts.is_empty());
}

#[test]
fn detected_by_name_and_by_content() {
    let parser = MsmtpParser;
    for name in ["/h/.msmtprc", "/etc/msmtprc", "/h/.config/msmtp/config", "/d/work.msmtprc"] {
        assert_eq!(parser.detect(Path::new(name), b""), Some(Confidence::Name), "{name}");
    }
    assert_eq!(parser.detect(Path::new("/h/.config/other/config"), b""), None);
    let content = b"# mail\ndefaults\ntls on\n\naccount gmail\nhost smtp.gmail.com\n";
    assert_eq!(parser.detect(Path::new("/d/x"), content), Some(Confidence::Content));
    assert_eq!(parser.detect(Path::new("/d/x"), b"set from = x\nhost a\n"), None);
    assert_eq!(parser.detect(Path::new("/d/x"), b"IMAPAccount a\nHost b\n"), None);
    assert_eq!(parser.detect(Path::new("/d/x"), b"tls on\nport 25\n"), None);
}

fn fix(text: &str, changes: &[FieldChange]) -> String {
    let (sources, unit) = parse_text(text);
    let edits = MsmtpParser.lower(&unit, &sources, 0, 0, changes).unwrap();
    let ranges: Vec<_> = edits.iter().map(|e| (e.span.range, e.content.as_str())).collect();
    apply_edits(text, &ranges).unwrap()
}

#[test]
fn fixes_change_the_accounts_own_lines_in_place() {
    let text = "account a\nhost  smtp.example.net\ntls    off\ntls_nocertcheck\nport 25\n";
    assert_eq!(
        fix(text, &[FieldChange::Security(Security::ImplicitTls), FieldChange::Port(465)]),
        "account a\ntls_starttls off\nhost  smtp.example.net\ntls    on\ntls_nocertcheck\nport 465\n"
    );
    assert_eq!(
        fix(text, &[FieldChange::EnableCertificateVerification]),
        "account a\nhost  smtp.example.net\ntls    off\ntls_certcheck on\nport 25\n"
    );
}

#[test]
fn fixes_override_shared_settings_in_the_accounts_own_block() {
    let text = "defaults\r\ntls off\r\naccount a\r\nhost smtp.example.net\r\n";
    assert_eq!(
        fix(text, &[FieldChange::Security(Security::StarttlsRequired), FieldChange::Port(587)]),
        "defaults\r\ntls off\r\naccount a\r\ntls on\r\nport 587\r\nhost smtp.example.net\r\n"
    );
    let (sources, unit) = parse_text(text);
    let refused = MsmtpParser.lower(
        &unit,
        &sources,
        0,
        0,
        &[FieldChange::Security(Security::StarttlsOptional)],
    );
    assert!(refused.is_err());
}

#[test]
fn a_fix_after_a_last_line_without_a_line_break_starts_a_new_line() {
    let text = "defaults\nhost smtp.example.net\naccount a";
    assert_eq!(
        fix(text, &[FieldChange::Port(587)]),
        "defaults\nhost smtp.example.net\naccount a\nport 587"
    );
}
