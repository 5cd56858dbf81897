//! Field changes lowered into edits on the fixtures, applied, written back in the file's own
//! encoding and parsed again: the new values are read back and every byte outside the edits
//! is unchanged, in UTF-16LE and Windows-1252 files too.

mod support;

use maillint_core::fix::apply_edits;
use maillint_core::{
    AuthMethod, Edit, FieldChange, ParsedUnit, Security, SourceFile, Sources, TextRange,
};
use support::*;

struct Lowered {
    text: String,
    sources: Sources,
    unit: ParsedUnit,
}

/// Lowers `changes` on one endpoint of a fixture, applies them, re-encodes, checks that the
/// untouched text and bytes are the same, and parses the result.
fn lower(fixture: &str, account: usize, endpoint: usize, changes: &[FieldChange]) -> Lowered {
    let path = fixtures_dir().join(fixture);
    let old_bytes = std::fs::read(&path).unwrap();
    let (sources, unit, parser) = parse_bytes(&path, &old_bytes);
    let edits: Vec<Edit> =
        parser.lower(&unit, &sources, account, endpoint, changes).expect("lowerable");
    assert!(!edits.is_empty());
    let file = sources.get(maillint_core::FileId(0));
    let old_text = file.text();
    let pairs: Vec<(TextRange, &str)> =
        edits.iter().map(|e| (e.span.range, e.content.as_str())).collect();
    let new_text = apply_edits(old_text, &pairs).expect("edits do not overlap");

    // Every stretch of text between edits is copied unchanged, in order.
    let mut cursor = 0;
    let mut search_from = 0;
    for edit in &edits {
        let kept = &old_text[cursor..edit.span.range.start as usize];
        let found = new_text[search_from..].find(kept).map(|i| i + search_from);
        assert_eq!(found, Some(search_from), "text before an edit changed");
        search_from += kept.len() + edit.content.len();
        cursor = edit.span.range.end as usize;
    }
    assert_eq!(&new_text[search_from..], &old_text[cursor..], "text after the last edit changed");

    // The bytes before the first edit and after the last are the original bytes.
    let new_bytes = file.encode(&new_text).expect("the new text fits the file's encoding");
    let first = edits[0].span.range.start as usize;
    let last = edits.iter().map(|e| e.span.range.end as usize).max().unwrap();
    let prefix = file.encode(&old_text[..first]).unwrap();
    let bom = file.encode("").unwrap().len();
    let suffix = file.encode(&old_text[last..]).unwrap()[bom..].to_vec();
    assert!(old_bytes.starts_with(&prefix) && new_bytes.starts_with(&prefix));
    assert!(old_bytes.ends_with(&suffix) && new_bytes.ends_with(&suffix));

    let (sources, unit, _) = parse_bytes(&path, &new_bytes);
    let reread = sources.get(maillint_core::FileId(0));
    assert_eq!(reread.encoding(), file.encoding());
    assert_eq!(reread.has_bom(), file.has_bom());
    assert!(
        unit.diagnostics.is_empty(),
        "{:?}",
        summarize(&sources, &unit, parser.as_ref()).diagnostics
    );
    Lowered { text: new_text, sources, unit }
}

#[test]
fn prf_utf16le_host_port_and_smtp_security() {
    let imap = lower(
        "prf/good-imap-utf16le.prf",
        0,
        0,
        &[FieldChange::Host("mail.example.net".into()), FieldChange::Port(143)],
    );
    let endpoint = &imap.unit.accounts[0].endpoints[0];
    assert_eq!(endpoint.host.as_ref().unwrap().value, "mail.example.net");
    assert_eq!(endpoint.port.as_ref().unwrap().value, 143);
    assert_eq!(imap.sources.slice(endpoint.port.as_ref().unwrap().span), "143");

    let smtp = lower(
        "prf/good-imap-utf16le.prf",
        0,
        1,
        &[FieldChange::Security(Security::ImplicitTls), FieldChange::Port(465)],
    );
    let endpoint = &smtp.unit.accounts[0].endpoints[1];
    assert_eq!(endpoint.security.value, Security::ImplicitTls);
    assert!(smtp.text.contains("SMTPSecureConnection=1\r\n"));
}

#[test]
fn prf_cp1252_keeps_hex_style_and_refuses_what_the_old_map_cannot_say() {
    let pop = lower(
        "prf/good-pop3-cp1252.prf",
        0,
        0,
        &[FieldChange::Port(110), FieldChange::Security(Security::None)],
    );
    assert!(pop.text.contains("POP3Port=0x06E\r\n"), "hex style and width kept");
    assert!(pop.text.contains("POP3UseSSL=0x0\r\n"));
    assert!(pop.text.contains("DisplayName=Jürgen Müller"));
    assert_eq!(pop.unit.accounts[0].endpoints[0].security.value, Security::None);

    let path = fixtures_dir().join("prf/good-pop3-cp1252.prf");
    let (sources, unit, parser) = parse_file(&path);
    let error = parser
        .lower(&unit, &sources, 0, 1, &[FieldChange::Security(Security::StarttlsRequired)])
        .unwrap_err();
    assert!(error.0.contains("SMTPUseSSL"), "{error}");
}

#[test]
fn prf_missing_key_is_inserted_after_the_last_entry_of_the_account() {
    // The POP3 account writes no SMTPUseSPA; its mapping section maps it, so no mapping line.
    let lowered = lower("prf/good-pop3-cp1252.prf", 0, 1, &[FieldChange::Auth(AuthMethod::Ntlm)]);
    assert!(lowered.text.contains("LeaveOnServer=0x20007\r\nSMTPUseSPA=1\r\n\r\n"));
    assert_eq!(lowered.text.matches("SMTPUseSPA=PT_LONG,0x0207").count(), 1);
    assert_eq!(lowered.unit.accounts[0].endpoints[1].auth.value, AuthMethod::Ntlm);
}

#[test]
fn reg_utf16le_host_grows_and_wraps_like_regedit() {
    let host = "imap.mail.example-provider.org";
    let lowered = lower(
        "reg/good-imap-v5-utf16le.reg",
        0,
        0,
        &[
            FieldChange::Host(host.into()),
            FieldChange::Port(143),
            FieldChange::Security(Security::None),
        ],
    );
    let endpoint = &lowered.unit.accounts[0].endpoints[0];
    assert_eq!(endpoint.host.as_ref().unwrap().value, host);
    assert_eq!(endpoint.port.as_ref().unwrap().value, 143);
    assert_eq!(endpoint.security.value, Security::None);
    let lines: Vec<&str> = lowered.text.lines().collect();
    let start = lines.iter().position(|l| l.starts_with("\"IMAP Server\"=hex:")).unwrap();
    // regedit: 20 bytes after `"IMAP Server"=hex:`, then 25 per line, indented by two.
    assert_eq!(lines[start].len(), "\"IMAP Server\"=hex:".len() + 20 * 3 + 1);
    assert!(lines[start + 1].starts_with("  ") && lines[start + 1].len() == 2 + 25 * 3 + 1);
    assert!(lines[start + 2].starts_with("  ") && lines[start + 2].ends_with("00,00"));
    assert!(lowered.text.contains("\"IMAP Port\"=dword:0000008f\r\n"));
    assert!(lowered.text.contains("\"IMAP Use SSL\"=dword:00000000\r\n"));
}

#[test]
fn reg_cp1252_missing_value_is_inserted_at_the_end_of_the_key() {
    let lowered =
        lower("reg/good-pop3-regedit4-cp1252.reg", 0, 0, &[FieldChange::Auth(AuthMethod::Ntlm)]);
    assert!(lowered.text.contains(
        "  c2,00,00,6d,73,70,73,74,2e,64,6c,6c,00\r\n\"POP3 Use SPA\"=dword:00000001\r\n"
    ));
    assert_eq!(lowered.unit.accounts[0].endpoints[0].auth.value, AuthMethod::Ntlm);
    assert!(lowered.text.contains("Jürgen Müller"));
}

#[test]
fn autodiscover_prefixed_crlf_inserts_in_the_files_style() {
    let lowered = lower(
        "autodiscover/good-prefixed-pop3.xml",
        0,
        0,
        &[FieldChange::Port(110), FieldChange::Security(Security::StarttlsRequired)],
    );
    assert!(lowered.text.contains("<r:Port>110</r:Port>"));
    assert!(lowered.text.contains("<r:AuthRequired>on</r:AuthRequired>\r\n        <r:Encryption>TLS</r:Encryption>\r\n      </r:Protocol>"));
    let endpoint = &lowered.unit.accounts[0].endpoints[0];
    assert_eq!(endpoint.security.value, Security::StarttlsRequired);
    assert_eq!(lowered.sources.slice(endpoint.security.span), "TLS");
}

#[test]
fn not_expressible_changes_are_refused() {
    for (fixture, change) in [
        ("prf/good-imap-oct.prf", FieldChange::Auth(AuthMethod::Oauth2)),
        ("reg/good-imap-v5-utf16le.reg", FieldChange::EnableCertificateVerification),
        ("autodiscover/good-imap-smtp.xml", FieldChange::Auth(AuthMethod::Gssapi)),
        ("prf/good-imap-oct.prf", FieldChange::Security(Security::StarttlsRequired)),
    ] {
        let (sources, unit, parser) = parse_file(&fixtures_dir().join(fixture));
        assert!(
            parser.lower(&unit, &sources, 0, 0, std::slice::from_ref(&change)).is_err(),
            "{fixture}: {change:?}"
        );
    }
}

#[test]
fn lowering_an_unknown_endpoint_is_an_error_not_a_panic() {
    let (sources, unit, parser) = parse_file(&fixtures_dir().join("prf/good-imap-oct.prf"));
    assert!(parser.lower(&unit, &sources, 3, 0, &[FieldChange::Port(993)]).is_err());
    let empty = ParsedUnit::default();
    assert!(parser.lower(&empty, &sources, 0, 0, &[FieldChange::Port(993)]).is_err());
    let _ = SourceFile::from_text("unused", "");
}
