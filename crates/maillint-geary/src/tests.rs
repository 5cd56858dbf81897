//! The parser on both layouts of `geary.ini`.

use maillint_core::{AuthMethod, Protocol, SourceFile};

use super::*;

const V1: &str = "[Metadata]\nversion=1\nstatus=enabled\n\n[Account]\nservice_provider=other\nsender_mailboxes=Alice <alice@example.org>;\n\n[Incoming]\nlogin=alice\nremember_password=true\nhost=imap.example.org\nport=143\ntransport_security=none\ncredentials=custom\n\n[Outgoing]\nhost=smtp.example.org\nport=0\ntransport_security=Start-TLS\ncredentials=none\n";

fn parse(text: &str) -> (Sources, ParsedUnit) {
    let mut sources = Sources::new();
    let root = sources.add(SourceFile::from_text("/h/.config/geary/account_01/geary.ini", text));
    let unit = GearyParser.parse(root, &mut sources, &ParseOptions::default());
    (sources, unit)
}

#[test]
fn detected_by_name_and_content() {
    assert_eq!(GearyParser.detect(Path::new("a/geary.ini"), b""), Some(Confidence::Name));
    assert_eq!(GearyParser.detect(Path::new("x.ini"), V1.as_bytes()), Some(Confidence::Content));
    let legacy = b"[AccountInformation]\nprimary_email=a@b.c\n";
    assert_eq!(GearyParser.detect(Path::new("x.ini"), legacy), Some(Confidence::Content));
    assert_eq!(GearyParser.detect(Path::new("x.ini"), b"[Incoming]\nhost=x\n"), None);
}

#[test]
fn the_versioned_layout() {
    let (sources, unit) = parse(V1);
    assert!(unit.diagnostics.is_empty(), "{:?}", unit.diagnostics);
    let account = &unit.accounts[0];
    assert_eq!(account.email.as_ref().unwrap().value, "alice@example.org");
    let [imap, smtp] = &account.endpoints[..] else { panic!() };
    assert_eq!(imap.protocol, Protocol::Imap);
    assert_eq!((imap.security.value, sources.slice(imap.security.span)), (Security::None, "none"));
    assert_eq!(sources.slice(imap.username.as_ref().unwrap().span), "alice");
    assert_eq!(smtp.security.value, Security::StarttlsRequired);
    // Port 0 with no credentials: SMTP's default for that, 25.
    let port = smtp.port.as_ref().unwrap();
    assert_eq!((port.value, port.is_default(), sources.slice(port.span)), (25, true, "0"));
    assert_eq!(smtp.auth.value, AuthMethod::None);
}

#[test]
fn what_geary_refuses_and_what_it_takes_from_elsewhere() {
    let (_, unit) = parse(&V1.replace("transport_security=none", "transport_security=ssl"));
    assert_eq!(unit.diagnostics.len(), 1);
    assert_eq!(unit.accounts[0].endpoints[0].security.value, Security::Unknown);
    // Gmail: the servers are Geary's own; GOA: GNOME Online Accounts'.
    assert!(parse(&V1.replace("=other", "=gmail")).1.accounts.is_empty());
    assert!(parse(&V1.replace("version=1", "version=1\ngoa_id=account_1")).1.accounts.is_empty());
    let (_, unit) = parse(&V1.replace("version=1", "version=2"));
    assert!(unit.accounts.is_empty() && unit.diagnostics.len() == 1);
}

#[test]
fn the_legacy_layout() {
    let text = "[AccountInformation]\nprimary_email=alice@example.org\nservice_provider=OTHER\nimap_host=imap.example.org\nimap_port=993\nsmtp_host=smtp.example.org\nsmtp_port=25\nsmtp_starttls=false\n";
    let (sources, unit) = parse(text);
    let [imap, smtp] = &unit.accounts[0].endpoints[..] else { panic!("{:?}", unit.accounts) };
    // imap_ssl defaults to true; smtp_ssl to false, and smtp_starttls=false leaves none.
    assert_eq!((imap.security.value, imap.security.is_default()), (Security::ImplicitTls, true));
    assert_eq!((smtp.security.value, sources.slice(smtp.security.span)), (Security::None, "false"));
    let edits = GearyParser
        .lower(&unit, &sources, 0, 1, &[FieldChange::Security(Security::StarttlsRequired)])
        .unwrap();
    let shown: Vec<(&str, &str)> =
        edits.iter().map(|e| (sources.slice(e.span), e.content.as_str())).collect();
    assert_eq!(shown, [("", "smtp_ssl=false\n"), ("false", "true")]);
}

#[test]
fn fixes_in_the_versioned_layout() {
    let (sources, unit) = parse(V1);
    let changes = [FieldChange::Security(Security::ImplicitTls), FieldChange::Port(993)];
    let edits = GearyParser.lower(&unit, &sources, 0, 0, &changes).unwrap();
    let shown: Vec<(&str, &str)> =
        edits.iter().map(|e| (sources.slice(e.span), e.content.as_str())).collect();
    assert_eq!(shown, [("none", "transport"), ("143", "993")]);
}
