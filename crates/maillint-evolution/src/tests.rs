//! The parser on account chains written to a temporary sources folder.

use std::path::Path;

use maillint_core::{AuthMethod, Protocol, Security, SourceFile};

use super::*;

const ACCOUNT: &str = "[Data Source]\nDisplayName=Work\nParent=\n\n[Mail Account]\nBackendName=imapx\nIdentityUid=ident-1\n\n[Authentication]\nHost=imap.example.com\nMethod=PLAIN\nPort=143\nUser=alice\n\n[Security]\nMethod=none\n";
const IDENTITY: &str = "[Data Source]\nDisplayName=Work\nParent=acct-1\n\n[Mail Identity]\nAddress=alice@example.com\n\n[Mail Submission]\nTransportUid=trans-1\n";
const TRANSPORT: &str = "[Data Source]\nDisplayName=Work SMTP\nParent=acct-1\n\n[Mail Transport]\nBackendName=smtp\n\n[Authentication]\nHost=smtp.example.com\nPort=587\n\n[Security]\nMethod=starttls-on-standard-port\n";

fn folder(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    dir
}

fn parse_file(path: &Path) -> (Sources, ParsedUnit) {
    let mut sources = Sources::new();
    let root = sources.load(path).unwrap();
    let unit = EvolutionParser.parse(root, &mut sources, &ParseOptions::default());
    (sources, unit)
}

fn parse_text(text: &str) -> (Sources, ParsedUnit) {
    let mut sources = Sources::new();
    let root = sources.add(SourceFile::from_text("x.source", text));
    let unit = EvolutionParser.parse(root, &mut sources, &ParseOptions::default());
    (sources, unit)
}

#[test]
fn detected_by_path_and_by_content() {
    let path = Path::new("/h/.config/evolution/sources/1234.source");
    assert_eq!(EvolutionParser.detect(path, b""), Some(Confidence::Name));
    assert_eq!(
        EvolutionParser.detect(Path::new("x.source"), b"# c\n\n[Data Source]\nDisplayName=a\n"),
        Some(Confidence::Content)
    );
    assert_eq!(EvolutionParser.detect(Path::new("x.source"), b"[Other]\n[Data Source]\n"), None);
    assert_eq!(EvolutionParser.detect(Path::new("/h/sources/1.source"), b""), None);
}

#[test]
fn the_account_and_its_transport_each_report_their_server() {
    let dir = folder(&[
        ("acct-1.source", ACCOUNT),
        ("ident-1.source", IDENTITY),
        ("trans-1.source", TRANSPORT),
    ]);
    let (sources, unit) = parse_file(&dir.path().join("acct-1.source"));
    assert!(unit.diagnostics.is_empty(), "{:?}", unit.diagnostics);
    let account = &unit.accounts[0];
    assert_eq!(account.name, "Work");
    assert_eq!(account.email.as_ref().unwrap().value, "alice@example.com");
    let [imap] = &account.endpoints[..] else { panic!("{:?}", account.endpoints) };
    assert_eq!(imap.protocol, Protocol::Imap);
    assert_eq!((imap.security.value, sources.slice(imap.security.span)), (Security::None, "none"));
    assert_eq!(imap.auth.value, AuthMethod::PasswordCleartext);
    assert_eq!(sources.slice(imap.username.as_ref().unwrap().span), "alice");

    // The transport, under the account's name and its identity's address.
    let (sources, unit) = parse_file(&dir.path().join("trans-1.source"));
    let account = &unit.accounts[0];
    assert_eq!(account.name, "Work");
    assert_eq!(account.email.as_ref().unwrap().value, "alice@example.com");
    let [smtp] = &account.endpoints[..] else { panic!("{:?}", account.endpoints) };
    assert_eq!(smtp.protocol, Protocol::Smtp);
    assert_eq!(sources.slice(smtp.host.as_ref().unwrap().span), "smtp.example.com");
    assert_eq!(smtp.security.value, Security::StarttlsRequired);
    assert_eq!(smtp.auth.value, AuthMethod::None);

    // Alone, under its own name.
    let lone = folder(&[("trans-1.source", TRANSPORT)]);
    let (_, alone) = parse_file(&lone.path().join("trans-1.source"));
    assert_eq!(
        (alone.accounts[0].name.as_str(), alone.accounts[0].email.is_none()),
        ("Work SMTP", true)
    );
}

#[test]
fn uids_that_are_not_file_names_are_not_followed() {
    let account = ACCOUNT.replace("IdentityUid=ident-1", "IdentityUid=../ident-1");
    let dir = folder(&[("acct-1.source", &account)]);
    std::fs::write(dir.path().parent().unwrap().join("ident-1.source"), IDENTITY).ok();
    let (sources, unit) = parse_file(&dir.path().join("acct-1.source"));
    assert_eq!(unit.accounts[0].endpoints.len(), 1);
    assert_eq!(sources.len(), 1);
}

#[test]
fn defaults_are_camels() {
    // No [Security]: "none"; no Port: the default for the method; no Method: LOGIN.
    let text =
        "[Data Source]\n[Mail Account]\nBackendName=pop\n[Authentication]\nHost=pop.example.com\n";
    let (_, unit) = parse_text(text);
    let pop = &unit.accounts[0].endpoints[0];
    assert_eq!(pop.protocol, Protocol::Pop3);
    assert!(pop.security.is_default());
    assert_eq!(pop.security.value, Security::None);
    let port = pop.port.as_ref().unwrap();
    assert_eq!((port.value, port.is_default()), (110, true));
    assert_eq!(pop.auth.value, AuthMethod::PasswordCleartext);

    let text = "[Data Source]\n[Mail Account]\nBackendName=imapx\n[Authentication]\nHost=h\nPort=0\n[Security]\nMethod=ssl-on-alternate-port\n";
    let port = parse_text(text).1.accounts[0].endpoints[0].port.clone().unwrap();
    assert_eq!((port.value, port.is_default()), (993, true));

    // A value that is no nick: Camel keeps starttls-on-standard-port.
    let text = "[Data Source]\n[Mail Account]\nBackendName=imapx\n[Authentication]\nHost=h\n[Security]\nMethod=tls\n";
    let security = parse_text(text).1.accounts[0].endpoints[0].security.clone();
    assert_eq!(security.value, Security::StarttlsRequired);
    assert!(security.reason().unwrap().contains("`tls`"));

    // Local stores and sources without a mail account have no server.
    assert!(
        parse_text("[Data Source]\n[Mail Account]\nBackendName=maildir\n").1.accounts.is_empty()
    );
    assert!(parse_text("[Data Source]\n[Calendar]\nBackendName=local\n").1.accounts.is_empty());
}

#[test]
fn syntax_errors_have_positions() {
    let (sources, unit) = parse_text(
        "Key=before\n[Data Source]\nno equals\n[Mail Account]\n[Authentication]\nPort=x\n",
    );
    let shown: Vec<&str> = unit.diagnostics.iter().map(|d| sources.slice(d.span)).collect();
    assert_eq!(shown, ["Key=before", "no equals", "x"]);
}

#[test]
fn fixes_replace_written_values_and_insert_missing_ones() {
    let text = "[Data Source]\r\n[Mail Account]\r\nBackendName=imapx\r\n[Authentication]\r\nHost=h\r\nPort=143\r\n";
    let (sources, unit) = parse_text(text);
    let changes =
        [FieldChange::Port(993), FieldChange::Security(maillint_core::Security::ImplicitTls)];
    let edits = EvolutionParser.lower(&unit, &sources, 0, 0, &changes).unwrap();
    assert_eq!((sources.slice(edits[0].span), edits[0].content.as_str()), ("143", "993"));
    assert_eq!(edits[1].span.range.start as usize, text.len());
    assert_eq!(edits[1].content, "\r\n[Security]\r\nMethod=ssl-on-alternate-port\r\n");
    let refused = EvolutionParser.lower(
        &unit,
        &sources,
        0,
        0,
        &[FieldChange::Security(maillint_core::Security::StarttlsOptional)],
    );
    assert!(refused.is_err());
}
