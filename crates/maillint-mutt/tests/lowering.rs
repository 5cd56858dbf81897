//! Lowering: field changes become edits of muttrc text. Each test applies the edits with
//! `maillint_core::fix::apply_edits`, compares the whole new text (so every other byte is
//! checked too), parses it again and checks the new values.

mod support;

use std::collections::BTreeMap;

use maillint_core::fix::apply_edits;
use maillint_core::{
    AuthMethod, FieldChange, FileId, Parser, Security, SourceFile, Sources, TextRange, TlsVersion,
};
use maillint_mutt::MuttParser;
use support::*;

/// Lowers `changes` for endpoint `(account, endpoint)` of `text` and returns the new text of
/// the root file.
fn fix(text: &str, account: usize, endpoint: usize, changes: &[FieldChange]) -> String {
    let (sources, unit) = parse_text(text);
    let edits = MuttParser
        .lower(&unit, &sources, account, endpoint, changes)
        .unwrap_or_else(|e| panic!("{changes:?}: {e}"));
    assert!(!edits.is_empty(), "{changes:?}: no edit");
    assert!(edits.iter().all(|e| e.span.file == ROOT));
    let pairs: Vec<(TextRange, &str)> =
        edits.iter().map(|e| (e.span.range, e.content.as_str())).collect();
    apply_edits(text, &pairs).expect("edits do not overlap")
}

fn fix_error(text: &str, changes: &[FieldChange]) -> String {
    let (sources, unit) = parse_text(text);
    MuttParser.lower(&unit, &sources, 0, 0, changes).unwrap_err().0
}

#[test]
fn host_is_replaced_in_every_url_of_the_server_and_quotes_stay() {
    let text = "set folder = \"imaps://mail.gmail.com/\"\n\
                set spoolfile = 'imaps://mail.gmail.com/INBOX'\n\
                mailboxes imaps://mail.gmail.com/Sent # sent mail\n";
    let fixed = fix(text, 0, 0, &[FieldChange::Host("imap.gmail.com".into())]);
    assert_eq!(
        fixed,
        "set folder = \"imaps://imap.gmail.com/\"\n\
         set spoolfile = 'imaps://imap.gmail.com/INBOX'\n\
         mailboxes imaps://imap.gmail.com/Sent # sent mail\n"
    );
    assert_eq!(value(&fixed, "folder"), "imaps://imap.gmail.com/");
    assert_eq!(value(&fixed, "spool_file"), "imaps://imap.gmail.com/INBOX");
}

#[test]
fn host_from_a_my_variable_is_changed_where_it_is_written() {
    let text = "set my_server = mail.gmail.com\nset folder = imaps://$my_server/\n";
    let fixed = fix(text, 0, 0, &[FieldChange::Host("imap.gmail.com".into())]);
    assert_eq!(fixed, "set my_server = imap.gmail.com\nset folder = imaps://$my_server/\n");
    assert_eq!(value(&fixed, "folder"), "imaps://imap.gmail.com/");
}

#[test]
fn port_is_replaced_or_inserted_after_the_host() {
    let text = "set smtp_url=\"smtp://me@smtp.gmail.com:25/\"\n";
    let fixed = fix(text, 0, 0, &[FieldChange::Port(587)]);
    assert_eq!(fixed, "set smtp_url=\"smtp://me@smtp.gmail.com:587/\"\n");

    // smtp:// without a port means 25: a port is written after the host.
    let text = "set smtp_url=smtp://me@smtp.gmail.com/\n";
    let fixed = fix(text, 0, 0, &[FieldChange::Port(587)]);
    assert_eq!(fixed, "set smtp_url=smtp://me@smtp.gmail.com:587/\n");
    let (_, unit) = parse_text(&fixed);
    let port = unit.accounts[0].endpoints[0].port.clone().unwrap();
    assert_eq!(port.value, 587);
    assert!(port.is_explicit());
}

#[test]
fn implicit_tls_adds_the_s_to_every_scheme() {
    let text = "set folder=imap://mail.example.org/\nmailboxes imap://mail.example.org/INBOX\n";
    let fixed =
        fix(text, 0, 0, &[FieldChange::Security(Security::ImplicitTls), FieldChange::Port(993)]);
    assert_eq!(
        fixed,
        "set folder=imaps://mail.example.org:993/\nmailboxes imaps://mail.example.org:993/INBOX\n"
    );
    let (_, unit) = parse_text(&fixed);
    assert_eq!(unit.accounts[0].endpoints[0].security.value, Security::ImplicitTls);
}

#[test]
fn starttls_required_edits_the_setting_that_turned_ssl_force_tls_off() {
    let cases = [
        ("unset ssl_force_tls\n", "set ssl_force_tls\n"),
        ("set nossl_force_tls\n", "set ssl_force_tls\n"),
        ("set invssl_force_tls\n", "set ssl_force_tls\n"),
        ("set ssl_force_tls = \"no\"\n", "set ssl_force_tls = \"yes\"\n"),
        ("toggle ssl_force_tls\n", "set ssl_force_tls\n"),
        ("set imap_user=me nossl_force_tls\n", "set imap_user=me ssl_force_tls\n"),
    ];
    for (setting, expected) in cases {
        let text = format!("{setting}set folder=imaps://mail.example.org:143/\n");
        let fixed = fix(
            &text,
            0,
            0,
            &[FieldChange::Security(Security::StarttlsRequired), FieldChange::Port(143)],
        );
        assert_eq!(fixed, format!("{expected}set folder=imap://mail.example.org:143/\n"));
        assert_eq!(value(&fixed, "ssl_force_tls"), "yes", "{setting}");
        let (_, unit) = parse_text(&fixed);
        assert_eq!(unit.accounts[0].endpoints[0].security.value, Security::StarttlsRequired);
    }
}

#[test]
fn a_setting_shared_with_other_variables_gets_a_new_line_after_it() {
    let text = "unset ssl_force_tls imap_passive\r\nset folder=imap://mail.example.org/\r\n";
    let fixed = fix(text, 0, 0, &[FieldChange::Security(Security::StarttlsRequired)]);
    assert_eq!(
        fixed,
        "unset ssl_force_tls imap_passive\r\nset ssl_force_tls=yes\r\nset folder=imap://mail.example.org/\r\n"
    );
    assert_eq!(value(&fixed, "ssl_force_tls"), "yes");
    assert_eq!(value(&fixed, "imap_passive"), "no");

    // On a last line without a line break, the new line starts with one.
    let text = "set folder=imap://mail.example.org/\nunset ssl_force_tls imap_passive";
    let fixed = fix(text, 0, 0, &[FieldChange::Security(Security::StarttlsRequired)]);
    assert_eq!(
        fixed,
        "set folder=imap://mail.example.org/\nunset ssl_force_tls imap_passive\nset ssl_force_tls=yes"
    );
}

#[test]
fn certificate_verification_is_turned_back_on_in_place() {
    let text = "set folder=imaps://mail.example.org/\nunset ssl_verify_host ssl_verify_dates\n";
    let fixed = fix(text, 0, 0, &[FieldChange::EnableCertificateVerification]);
    assert_eq!(
        fixed,
        "set folder=imaps://mail.example.org/\nset ssl_verify_host ssl_verify_dates\n"
    );
    assert_eq!(value(&fixed, "ssl_verify_host"), "yes");
    assert_eq!(value(&fixed, "ssl_verify_dates"), "yes");

    let text = "set folder=imaps://h/\nset nossl_verify_host ssl_verify_dates='no'\n";
    let fixed = fix(text, 0, 0, &[FieldChange::EnableCertificateVerification]);
    assert_eq!(fixed, "set folder=imaps://h/\nset ssl_verify_host ssl_verify_dates='yes'\n");
    let (_, unit) = parse_text(&fixed);
    assert!(unit.accounts[0].endpoints[0].certificate_verification_disabled.is_none());
}

#[test]
fn legacy_tls_versions_are_turned_off_in_place() {
    let text =
        "set folder=imaps://h/\nset ssl_use_tlsv1=yes ssl_use_sslv3\ntoggle ssl_use_tlsv1_1\n";
    let fixed = fix(
        text,
        0,
        0,
        &[
            FieldChange::DisableTlsVersion(TlsVersion::Tls1_0),
            FieldChange::DisableTlsVersion(TlsVersion::Ssl3),
            FieldChange::DisableTlsVersion(TlsVersion::Tls1_1),
        ],
    );
    assert_eq!(
        fixed,
        "set folder=imaps://h/\nset ssl_use_tlsv1=no nossl_use_sslv3\nunset ssl_use_tlsv1_1\n"
    );
    let (_, unit) = parse_text(&fixed);
    assert!(unit.accounts[0].endpoints[0].tls_versions.is_empty());
}

#[test]
fn a_setting_inside_a_hook_body_is_edited_there() {
    let text = "set folder=imaps://imap.example.org/\n\
                account-hook imap.example.org 'set imap_user=me nossl_verify_host'\n";
    let (_, unit) = parse_text(text);
    let account = unit.accounts.iter().position(|a| a.name.starts_with("account-hook")).unwrap();
    let fixed = fix(text, account, 0, &[FieldChange::EnableCertificateVerification]);
    assert_eq!(
        fixed,
        "set folder=imaps://imap.example.org/\n\
         account-hook imap.example.org 'set imap_user=me ssl_verify_host'\n"
    );
    let (_, unit) = parse_text(&fixed);
    assert!(
        unit.accounts
            .iter()
            .all(|a| a.endpoints.iter().all(|e| e.certificate_verification_disabled.is_none()))
    );
}

#[test]
fn edits_land_in_the_sourced_file_that_holds_the_setting() {
    let dir = tempfile::tempdir().unwrap();
    let account = "set folder = \"imaps://mail.gmail.com/\"\n";
    std::fs::write(dir.path().join("gmail.rc"), account).unwrap();
    let root_path = dir.path().join("muttrc");
    let (sources, unit) = parse_text_at(&root_path, "source gmail.rc\n");
    let edits = MuttParser
        .lower(&unit, &sources, 0, 0, &[FieldChange::Host("imap.gmail.com".into())])
        .unwrap();
    let mut by_file: BTreeMap<FileId, Vec<(TextRange, &str)>> = BTreeMap::new();
    for edit in &edits {
        by_file.entry(edit.span.file).or_default().push((edit.span.range, edit.content.as_str()));
    }
    assert_eq!(by_file.len(), 1);
    let (file, pairs) = by_file.into_iter().next().unwrap();
    assert!(sources.get(file).path().ends_with("gmail.rc"));
    let fixed = apply_edits(sources.get(file).text(), &pairs).unwrap();
    assert_eq!(fixed, "set folder = \"imaps://imap.gmail.com/\"\n");
    let mut again = Sources::new();
    let root = again.add(SourceFile::from_text(dir.path().join("gmail.rc"), fixed));
    let config = maillint_mutt::effective_variables(root, &mut again, &options());
    assert_eq!(
        config.get("folder"),
        Some(&maillint_mutt::EffectiveValue::Known("imaps://imap.gmail.com/".into()))
    );
}

#[test]
fn oauth2_and_unwritable_changes_are_refused_with_a_reason() {
    let text = "set folder=imaps://outlook.office365.com/\nset imap_pass=hunter2-not-real\n";
    let error = fix_error(text, &[FieldChange::Auth(AuthMethod::Oauth2)]);
    assert!(error.contains("refresh_command") && error.contains("secret"), "{error}");
    let error = fix_error(text, &[FieldChange::Security(Security::None)]);
    assert!(error.contains("secure"), "{error}");
    // A host that comes from a command cannot be edited.
    let error = fix_error(
        "set folder=imaps://`cat host`/\nset spoolfile=imaps://h.example/\n",
        &[FieldChange::Host("x".into())],
    );
    assert!(!error.is_empty());
    // ssl_force_tls from a command cannot be made `yes` in place.
    let error = fix_error(
        "set ssl_force_tls=`echo no`\nset folder=imap://h.example/\n",
        &[FieldChange::Security(Security::StarttlsRequired)],
    );
    assert!(error.contains("ssl_force_tls"), "{error}");
}
