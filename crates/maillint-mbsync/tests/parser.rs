//! What the mbsync parser makes of small files: sections, defaults, legacy options, errors,
//! detection and fixes.

mod support;

use std::path::Path;

use maillint_core::fix::apply_edits;
use maillint_core::{AuthMethod, Confidence, FieldChange, Parser, Security, TlsVersion};
use maillint_mbsync::MbsyncParser;
use support::parse_text;

#[test]
fn an_account_without_ssltype_uses_starttls_on_143() {
    let (sources, unit) =
        parse_text("IMAPAccount a\nHost imap.example.net\nPass hunter2-not-real\n");
    assert!(unit.diagnostics.is_empty(), "{:?}", unit.diagnostics);
    let imap = &unit.accounts[0].endpoints[0];
    assert_eq!(imap.security.value, Security::StarttlsRequired);
    assert!(imap.security.is_default());
    assert_eq!(imap.port.as_ref().unwrap().value, 143);
    assert_eq!(imap.auth.value, AuthMethod::Unknown);
    assert_eq!(sources.slice(unit.secrets[0]), "hunter2-not-real");
}

#[test]
fn keywords_ignore_case_and_the_later_of_ssltype_and_tlstype_wins() {
    let (_, unit) = parse_text("imapaccount a\nHOST h.example\nTLSType None\nsslTYPE imaps\n");
    let imap = &unit.accounts[0].endpoints[0];
    assert_eq!(imap.security.value, Security::ImplicitTls);
    assert_eq!(imap.port.as_ref().unwrap().value, 993);
}

#[test]
fn sections_end_at_a_blank_line_and_stores_with_an_account_add_nothing() {
    let text = "IMAPAccount a\nHost h.example\n# comment\nSSLType IMAPS\n\nIMAPStore s\nAccount a\n\n\
                Channel c\nFar :s:\nNear :l:\n";
    let (_, unit) = parse_text(text);
    assert!(unit.diagnostics.is_empty(), "{:?}", unit.diagnostics);
    assert_eq!(unit.accounts.len(), 1);
    assert_eq!(unit.accounts[0].endpoints[0].security.value, Security::ImplicitTls);
}

#[test]
fn legacy_options_and_versions() {
    let (_, unit) = parse_text("IMAPAccount a\nHost h.example\nUseIMAPS yes\n");
    let imap = &unit.accounts[0].endpoints[0];
    assert_eq!(imap.security.value, Security::ImplicitTls);
    assert_eq!(imap.tls_versions[0].value, TlsVersion::Tls1_0);
    let (_, unit) = parse_text(
        "IMAPAccount a\nHost h.example\nSSLVersions TLSv1.2 TLSv1\nTLSVersions -1.0 +1.1\n",
    );
    let versions: Vec<TlsVersion> =
        unit.accounts[0].endpoints[0].tls_versions.iter().map(|v| v.value).collect();
    assert_eq!(versions, [TlsVersion::Tls1_1, TlsVersion::Tls1_2, TlsVersion::Tls1_0]);
}

#[test]
fn errors_mbsync_refuses() {
    let text = "IMAPAccount a\nHost h.example\nSSLType TLS\nPort 99999\nPassCmd pass show\nFolder x\nPass y\n\nIMAPAccount b\nUser u\n";
    let (sources, unit) = parse_text(text);
    let found: Vec<(u32, &str)> =
        unit.diagnostics.iter().map(|d| (sources.start(d.span).line, d.message.as_str())).collect();
    assert_eq!(
        found,
        [
            (1, "IMAPAccount `a` has both Pass and PassCmd"),
            (3, "invalid TLS type `TLS` (None, STARTTLS or IMAPS)"),
            (4, "invalid port number `99999`"),
            (5, "excess token `show` (quote a value with spaces)"),
            (6, "keyword `Folder` is not recognized in IMAPAccount sections"),
            (9, "IMAPAccount `b` has neither Tunnel nor Host"),
        ]
    );
}

#[test]
fn detected_by_name_and_by_content() {
    let parser = MbsyncParser;
    for name in ["/h/.mbsyncrc", "/h/.config/isyncrc", "/d/work.mbsyncrc"] {
        assert_eq!(parser.detect(Path::new(name), b""), Some(Confidence::Name), "{name}");
    }
    let content = b"# sync\nCreate Both\n\nIMAPAccount gmail\nHost imap.gmail.com\n";
    assert_eq!(parser.detect(Path::new("/d/x"), content), Some(Confidence::Content));
    assert_eq!(parser.detect(Path::new("/d/x"), b"account gmail\nhost smtp.gmail.com\n"), None);
    assert_eq!(parser.detect(Path::new("/d/x"), b"set folder = x\nIMAPStore a\n"), None);
    // Keywords in any case, each store kind alone: the quick reject never hides one.
    for head in ["imapaccount a\n", "IMAPSTORE s\n", "  MaildirStore local\n", "mAiLdIrStOrE m"] {
        assert_eq!(parser.detect(Path::new("/d/x"), head.as_bytes()), Some(Confidence::Content));
    }
    // `imap` somewhere is not enough.
    assert_eq!(parser.detect(Path::new("/d/x"), b"imap is a protocol\nIMAP\n"), None);
}

fn fix(text: &str, changes: &[FieldChange]) -> String {
    let (sources, unit) = parse_text(text);
    let edits = MbsyncParser.lower(&unit, &sources, 0, 0, changes).unwrap();
    let ranges: Vec<_> = edits.iter().map(|e| (e.span.range, e.content.as_str())).collect();
    apply_edits(text, &ranges).unwrap()
}

#[test]
fn fixes_replace_written_values_and_add_missing_ones_after_the_section_line() {
    let text = "IMAPAccount a\nHost imap.example.net\nPort 993\n";
    assert_eq!(
        fix(text, &[FieldChange::Security(Security::ImplicitTls)]),
        "IMAPAccount a\nSSLType IMAPS\nHost imap.example.net\nPort 993\n"
    );
    let text = "IMAPAccount a\nHost imap.example.net\nTLSType None\n";
    assert_eq!(
        fix(text, &[FieldChange::Port(993), FieldChange::Security(Security::ImplicitTls)]),
        "IMAPAccount a\nPort 993\nHost imap.example.net\nTLSType IMAPS\n"
    );
    let text = "IMAPAccount a\nHost h.example\nSSLVersions TLSv1 TLSv1.2\nTLSVersions +1.1\n";
    assert_eq!(
        fix(text, &[FieldChange::DisableTlsVersion(TlsVersion::Tls1_0)]),
        "IMAPAccount a\nHost h.example\nSSLVersions TLSv1.2\nTLSVersions +1.1\n"
    );
    assert_eq!(
        fix(text, &[FieldChange::DisableTlsVersion(TlsVersion::Tls1_1)]),
        "IMAPAccount a\nHost h.example\nSSLVersions TLSv1 TLSv1.2\nTLSVersions -1.1\n"
    );
}
