//! The parser on `accountrc` files, with and without `passwordstorerc` and `clawsrc`.

use maillint_core::{AuthMethod, Protocol, Security};

use super::*;

const ACCOUNTRC: &str = "[Account: 1]\naccount_name=Work\naddress=alice@example.org\nprotocol=1\nreceive_server=imap.example.org\nsmtp_server=smtp.example.org\nuser_id=alice\nssl_imap=0\nssl_smtp=2\nset_smtpport=1\nsmtp_port=465\nset_imapport=0\nimap_port=993\n\n[Account: 2]\nprotocol=0\nreceive_server=pop.example.org\nuse_smtp_auth=0\n\n[Account: 1]\nreceive_server=ignored.example.org\n";

fn folder(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    dir
}

fn parse(path: &Path) -> (Sources, ParsedUnit) {
    let mut sources = Sources::new();
    let root = sources.load(path).unwrap();
    let unit = ClawsParser.parse(root, &mut sources, &ParseOptions::default());
    (sources, unit)
}

#[test]
fn detected_by_name_and_content_and_the_store_joins_its_accountrc() {
    let parser = ClawsParser;
    assert_eq!(parser.detect(Path::new("/h/.claws-mail/accountrc"), b""), Some(Confidence::Name));
    assert_eq!(
        parser.detect(Path::new("x"), b"[Account: 3]\nprotocol=1\n"),
        Some(Confidence::Content)
    );
    assert_eq!(parser.detect(Path::new("x"), b"[Common]\n[Account: 3]\n"), None);
    assert_eq!(
        parser.unit_root(Path::new("/h/.claws-mail/passwordstorerc")),
        Path::new("/h/.claws-mail/accountrc")
    );
}

#[test]
fn accounts_ports_and_security_as_claws_reads_them() {
    let dir = folder(&[("accountrc", ACCOUNTRC)]);
    let (sources, unit) = parse(&dir.path().join("accountrc"));
    assert_eq!(unit.accounts.len(), 2);
    let work = &unit.accounts[0];
    assert_eq!(
        (work.name.as_str(), work.email.as_ref().unwrap().value.as_str()),
        ("Work", "alice@example.org")
    );
    let [imap, smtp] = &work.endpoints[..] else { panic!("{:?}", work.endpoints) };
    // The first block counts; the repeated one is ignored.
    assert_eq!(sources.slice(imap.host.as_ref().unwrap().span), "imap.example.org");
    assert_eq!((imap.security.value, sources.slice(imap.security.span)), (Security::None, "0"));
    // set_imapport=0: the port is the one for the SSL mode, 143.
    assert_eq!(imap.port.as_ref().map(|p| (p.value, p.is_default())), Some((143, true)));
    assert_eq!(smtp.security.value, Security::StarttlsRequired);
    assert_eq!(smtp.port.as_ref().map(|p| (p.value, p.is_default())), Some((465, false)));
    assert_eq!(sources.slice(imap.username.as_ref().unwrap().span), "alice");

    let [pop] = &unit.accounts[1].endpoints[..] else { panic!() };
    assert_eq!(pop.protocol, Protocol::Pop3);
    assert_eq!((pop.security.value, pop.security.is_default()), (Security::ImplicitTls, true));
    assert_eq!(pop.port.as_ref().unwrap().value, 995);
    assert_eq!(pop.auth.value, AuthMethod::PasswordCleartext);
}

#[test]
fn stored_passwords_count_unless_a_primary_passphrase_protects_them() {
    let store = "[config_version:1]\n[account:1]\nrecv c2VjcmV0\nsend c2VjcmV0Mg==\n[account:2]\nrecv x y\n";
    let dir = folder(&[("accountrc", ACCOUNTRC), ("passwordstorerc", store)]);
    let (sources, unit) = parse(&dir.path().join("accountrc"));
    let [imap, smtp] = &unit.accounts[0].endpoints[..] else { panic!() };
    assert_eq!(sources.slice(imap.secrets[0].span), "c2VjcmV0");
    assert_eq!(imap.secrets[0].setting, "passwordstorerc [account:1] recv");
    assert_eq!(sources.slice(smtp.secrets[0].span), "c2VjcmV0Mg==");
    // `recv x y` is three words: not a password line.
    assert!(unit.accounts[1].endpoints[0].secrets.is_empty());
    assert_eq!(unit.secrets.len(), 2);

    let dir = folder(&[
        ("accountrc", ACCOUNTRC),
        ("passwordstorerc", store),
        ("clawsrc", "[Common]\nuse_master_passphrase=1\n"),
    ]);
    let (_, unit) = parse(&dir.path().join("accountrc"));
    assert!(unit.accounts[0].endpoints[0].secrets.is_empty());
    assert_eq!(unit.secrets.len(), 2, "still redacted");
}

#[test]
fn fixes_set_the_ssl_mode_and_turn_the_port_on() {
    let dir = folder(&[("accountrc", ACCOUNTRC)]);
    let (sources, unit) = parse(&dir.path().join("accountrc"));
    let changes = [FieldChange::Security(Security::ImplicitTls), FieldChange::Port(993)];
    let edits = ClawsParser.lower(&unit, &sources, 0, 0, &changes).unwrap();
    let shown: Vec<(&str, &str)> =
        edits.iter().map(|e| (sources.slice(e.span), e.content.as_str())).collect();
    assert_eq!(shown, [("0", "1"), ("0", "1"), ("993", "993")]);
}
