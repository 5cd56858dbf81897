//! The two KMail parsers on small files.

use maillint_core::{AuthMethod, Protocol, SourceFile};

use super::*;

fn parse(parser: &dyn Parser, name: &str, text: &str) -> (Sources, ParsedUnit) {
    let mut sources = Sources::new();
    let root = sources.add(SourceFile::from_text(name, text));
    let unit = parser.parse(root, &mut sources, &ParseOptions::default());
    (sources, unit)
}

#[test]
fn detected_by_name_and_by_content() {
    let imap = ImapResourceParser;
    let path = Path::new("/h/.config/akonadi_imap_resource_3rc");
    assert_eq!(imap.detect(path, b""), Some(Confidence::Name));
    let head = b"[cache]\nIntervalCheckTime=5\n\n[network]\nImapServer=imap.example.org\n";
    assert_eq!(imap.detect(Path::new("a.conf"), head), Some(Confidence::Content));
    assert_eq!(imap.detect(Path::new("a.conf"), b"[network]\nHost=x\n"), None);

    let transports = MailTransportsParser;
    assert_eq!(
        transports.detect(Path::new("/h/.config/mailtransports"), b""),
        Some(Confidence::Name)
    );
    let head = b"[General]\ndefault-transport=123\n\n[Transport 123]\nhost=smtp.example.org\n";
    assert_eq!(transports.detect(Path::new("a.conf"), head), Some(Confidence::Content));
    assert_eq!(transports.detect(Path::new("a.conf"), b"[Transport x]\n"), None);
}

#[test]
fn imap_safety_is_compared_exactly_and_defaults_come_from_the_kcfg() {
    let imap = |network: &str| {
        let text = format!("[network]\nImapServer=imap.example.org\n{network}");
        let (sources, unit) = parse(&ImapResourceParser, "akonadi_imap_resource_0rc", &text);
        let endpoint = unit.accounts[0].endpoints[0].clone();
        (sources, endpoint)
    };
    let (_, defaults) = imap("");
    assert_eq!(defaults.protocol, Protocol::Imap);
    assert_eq!(
        (defaults.security.value, defaults.security.is_default()),
        (Security::ImplicitTls, true)
    );
    assert_eq!(defaults.port.as_ref().map(|p| p.value), Some(993));
    assert_eq!(defaults.auth.value, AuthMethod::PasswordCleartext);
    for (safety, security) in [
        ("SSL", Security::ImplicitTls),
        ("STARTTLS", Security::StarttlsRequired),
        ("None", Security::None),
        ("ssl", Security::None),
    ] {
        let (sources, endpoint) = imap(&format!("Safety={safety}\n"));
        assert_eq!(endpoint.security.value, security, "{safety}");
        assert_eq!(sources.slice(endpoint.security.span), safety);
    }
    // OverrideEncryption wins when it is a word the resource knows.
    let (sources, endpoint) = imap("Safety=SSL\nOverrideEncryption=UNENCRYPTED\n");
    assert_eq!(
        (endpoint.security.value, sources.slice(endpoint.security.span)),
        (Security::None, "UNENCRYPTED")
    );
    let (_, endpoint) = imap("Safety=SSL\nOverrideEncryption=bogus\n");
    assert_eq!(endpoint.security.value, Security::ImplicitTls);
    // Authentication is an index of the transport enum: 9 is XOAUTH2, 2 CRAM_MD5.
    assert_eq!(imap("Authentication=9\n").1.auth.value, AuthMethod::Oauth2);
    assert_eq!(imap("Authentication=2\n").1.auth.value, AuthMethod::PasswordEncrypted);
    // An expanded server is not known; a port that is no number is the default.
    let (_, expanded) = imap("ImapServer[$e]=$(hostname)\nImapPort=abc\n");
    assert!(expanded.host.is_none());
    assert_eq!(expanded.port.unwrap().value, 993);
}

#[test]
fn transports_with_defaults_passwords_and_other_plugins() {
    let text = "[General]\ndefault-transport=1\n\n\
        [Transport 1]\nname=Work\nhost=smtp.example.org\nport=587\nencryption=tls\nauth=true\nuser=alice\nstorepass=true\npassword=hunter2-not-real\n\n\
        [Transport 2]\nhost=smtp.example.net\n\n\
        [Transport 3]\nidentifier=sendmail\nhost=/usr/sbin/sendmail\n";
    let (sources, unit) = parse(&MailTransportsParser, "mailtransports", text);
    assert_eq!(unit.accounts.len(), 2);
    let work = &unit.accounts[0].endpoints[0];
    assert_eq!(unit.accounts[0].name, "Work");
    assert_eq!(
        (work.security.value, sources.slice(work.security.span)),
        (Security::StarttlsRequired, "tls")
    );
    assert_eq!(work.auth.value, AuthMethod::PasswordCleartext);
    assert_eq!(sources.slice(work.secrets[0].span), "hunter2-not-real");
    assert_eq!(unit.secrets, [work.secrets[0].span]);
    let bare = &unit.accounts[1].endpoints[0];
    assert_eq!(bare.security.value, Security::ImplicitTls);
    assert!(bare.security.is_default());
    assert_eq!(bare.port.as_ref().map(|p| (p.value, p.is_default())), Some((465, true)));
    assert_eq!(bare.auth.value, AuthMethod::None);
    // Integer enum values are choice indexes.
    let (_, unit) =
        parse(&MailTransportsParser, "mailtransports", "[Transport 1]\nhost=h\nencryption=0\n");
    assert_eq!(unit.accounts[0].endpoints[0].security.value, Security::None);
}

#[test]
fn fixes_write_each_files_own_words() {
    let text = "[network]\nImapServer=imap.example.org\nSafety=None\n";
    let (sources, unit) = parse(&ImapResourceParser, "akonadi_imap_resource_0rc", text);
    let changes = [FieldChange::Security(Security::ImplicitTls), FieldChange::Port(993)];
    let edits = ImapResourceParser.lower(&unit, &sources, 0, 0, &changes).unwrap();
    assert_eq!((sources.slice(edits[0].span), edits[0].content.as_str()), ("None", "SSL"));
    assert_eq!(edits[1].content, "ImapPort=993\n");
    assert_eq!(edits[1].span.range.start as usize, "[network]\n".len());

    let text = "[Transport 7]\nhost=smtp.example.org\nport=25\nencryption=None\n";
    let (sources, unit) = parse(&MailTransportsParser, "mailtransports", text);
    let changes = [FieldChange::Security(Security::StarttlsRequired), FieldChange::Port(587)];
    let edits = MailTransportsParser.lower(&unit, &sources, 0, 0, &changes).unwrap();
    assert_eq!((sources.slice(edits[0].span), edits[0].content.as_str()), ("None", "TLS"));
    assert_eq!((sources.slice(edits[1].span), edits[1].content.as_str()), ("25", "587"));
    let refused = MailTransportsParser.lower(
        &unit,
        &sources,
        0,
        0,
        &[FieldChange::Security(Security::StarttlsOptional)],
    );
    assert!(refused.is_err());
}

#[test]
fn tls_advice_names_words_that_read_back_as_the_advised_security() {
    use maillint_core::{Security, TlsAdvice};
    for security in [Security::ImplicitTls, Security::StarttlsRequired] {
        let imap = CLIENT.with_tls_advice("help".into(), TlsAdvice::Use(security), Protocol::Imap);
        let word = imap.split('`').nth(1).and_then(|kv| kv.strip_prefix("Safety=")).unwrap();
        assert_eq!(imap::safety(word), security, "{imap}");
        assert!(imap.starts_with("help; in KMail: "), "{imap}");

        let smtp = CLIENT.with_tls_advice("help".into(), TlsAdvice::Use(security), Protocol::Smtp);
        let word = smtp.split('`').nth(1).and_then(|kv| kv.strip_prefix("encryption=")).unwrap();
        let read = transport::ENCRYPTIONS.iter().find(|(name, _)| *name == word).map(|e| e.1);
        assert_eq!(read, Some(security), "{smtp}");
    }
    let pop = CLIENT.with_tls_advice(
        "help".into(),
        TlsAdvice::Use(Security::ImplicitTls),
        Protocol::Pop3,
    );
    assert_eq!(pop, "help");
    let verify =
        CLIENT.with_tls_advice("help".into(), TlsAdvice::VerifyCertificates, Protocol::Imap);
    assert_eq!(verify, "help");
}
