//! What the OfflineIMAP parser makes of small files: repositories, defaults, detection and
//! fixes.

mod support;

use std::path::Path;

use maillint_core::fix::apply_edits;
use maillint_core::{AuthMethod, Confidence, FieldChange, Parser, Security, TlsVersion};
use maillint_offlineimap::OfflineImapParser;
use support::parse_text;

#[test]
fn a_repository_gets_offlineimaps_defaults() {
    let (_, unit) = parse_text("[Repository r]\ntype = IMAP\nremotehost = imap.example.net\n");
    let imap = &unit.accounts[0].endpoints[0];
    assert_eq!((imap.security.value, imap.security.is_default()), (Security::ImplicitTls, true));
    assert_eq!(imap.port.as_ref().unwrap().value, 993);
    assert_eq!(imap.auth.value, AuthMethod::Unknown);
    assert_eq!(unit.accounts[0].name, "r");
}

#[test]
fn ssl_no_is_opportunistic_starttls_without_a_certificate_check() {
    let (_, unit) = parse_text("[Repository r]\ntype = IMAP\nremotehost = h.example\nssl = No\n");
    let imap = &unit.accounts[0].endpoints[0];
    assert_eq!(imap.security.value, Security::StarttlsOptional);
    assert_eq!(imap.port.as_ref().unwrap().value, 143);
    assert!(imap.certificate_verification_disabled.as_ref().unwrap().value);
    let (_, unit) = parse_text(
        "[Repository r]\ntype = IMAP\nremotehost = h.example\nssl = no\nstarttls = off\n",
    );
    assert_eq!(unit.accounts[0].endpoints[0].security.value, Security::None);
}

#[test]
fn gmail_type_local_repositories_and_eval_hosts() {
    let text = "[Repository g]\ntype = Gmail\n[Repository l]\ntype = Maildir\n\
                [Repository e]\ntype = IMAP\nremotehosteval = get_host()\n";
    let (_, unit) = parse_text(text);
    assert_eq!(unit.accounts.len(), 1);
    let host = unit.accounts[0].endpoints[0].host.as_ref().unwrap();
    assert_eq!((host.value.as_str(), host.is_default()), ("imap.gmail.com", true));
}

#[test]
fn secrets_versions_and_interpolation() {
    let text = "[DEFAULT]\nv = tls1\n[Repository r]\ntype = IMAP\nremotehost = h.example\n\
                remotepass = hunter2-not-real\noauth2_refresh_token = tok3n-not-real\nssl_version = %(v)s\n";
    let (sources, unit) = parse_text(text);
    let imap = &unit.accounts[0].endpoints[0];
    let secrets: Vec<&str> = unit.secrets.iter().map(|s| sources.slice(*s)).collect();
    assert_eq!(secrets, ["hunter2-not-real", "tok3n-not-real"]);
    assert_eq!(imap.tls_versions[0].value, TlsVersion::Tls1_0);
}

#[test]
fn an_interpolation_error_never_shows_the_value() {
    let (_, unit) =
        parse_text("[Repository r]\ntype = IMAP\nremotehost = h.example\nremotepass = 1%secret\n");
    assert_eq!(unit.diagnostics.len(), 1);
    assert!(!unit.diagnostics[0].message.contains("secret"), "{}", unit.diagnostics[0].message);
}

#[test]
fn detected_by_name_and_by_content() {
    let parser = OfflineImapParser;
    for name in ["/h/.offlineimaprc", "/h/.config/offlineimap/config", "/d/work.offlineimaprc"] {
        assert_eq!(parser.detect(Path::new(name), b""), Some(Confidence::Name), "{name}");
    }
    let content = b"# mail\n[general]\naccounts = a, b\n\n[Account a]\n";
    assert_eq!(parser.detect(Path::new("/d/x"), content), Some(Confidence::Content));
    assert_eq!(parser.detect(Path::new("/d/x"), b"[general]\nname = x\n"), None);
}

fn fix(text: &str, changes: &[FieldChange]) -> String {
    let (sources, unit) = parse_text(text);
    let edits = OfflineImapParser.lower(&unit, &sources, 0, 0, changes).unwrap();
    let ranges: Vec<_> = edits.iter().map(|e| (e.span.range, e.content.as_str())).collect();
    apply_edits(text, &ranges).unwrap()
}

#[test]
fn fixes_replace_the_sections_values_and_add_missing_keys_after_the_header() {
    let text = "[DEFAULT]\nssl = no\n[Repository r]\ntype = IMAP\nremotehost = h.example\nremoteport: 143\n";
    assert_eq!(
        fix(text, &[FieldChange::Port(993), FieldChange::Security(Security::ImplicitTls)]),
        "[DEFAULT]\nssl = no\n[Repository r]\nssl = yes\ntype = IMAP\nremotehost = h.example\nremoteport: 993\n"
    );
    let (sources, unit) = parse_text(text);
    let refused = OfflineImapParser.lower(
        &unit,
        &sources,
        0,
        0,
        &[FieldChange::Security(Security::StarttlsRequired)],
    );
    assert!(refused.is_err());
}
