//! The exact text of the fixes in both layouts: every other byte of the file stays, keys that
//! are written are replaced in place, and a key that is missing is added on its own line after
//! its neighbour, with the neighbour's dotted prefix and line ending.

use maillint_core::fix::apply_edits;
use maillint_core::testing::parse_text;
use maillint_core::{FieldChange, Parser, Security, TextRange};
use maillint_himalaya::HimalayaParser;

/// `text` after lowering `changes` for the first endpoint of the first account.
fn fixed(text: &str, changes: &[FieldChange]) -> String {
    let (sources, unit) = parse_text(&HimalayaParser, "/h/.config/himalaya/config.toml", text);
    let edits = HimalayaParser.lower(&unit, &sources, 0, 0, changes).expect("lowers");
    let pairs: Vec<(TextRange, &str)> =
        edits.iter().map(|e| (e.span.range, e.content.as_str())).collect();
    apply_edits(text, &pairs).expect("non-overlapping edits")
}

#[test]
fn v2_plain_imap_becomes_imaps_on_993_in_one_edit() {
    let text = "[accounts.a]\nimap.server = \"imap://me@imap.fastmail.com/x\"  # mine\n";
    let changes = [FieldChange::Port(993), FieldChange::Security(Security::ImplicitTls)];
    assert_eq!(
        fixed(text, &changes),
        "[accounts.a]\nimap.server = \"imaps://me@imap.fastmail.com:993/x\"  # mine\n"
    );
}

#[test]
fn v2_starttls_is_added_after_the_server_with_its_prefix_and_line_ending() {
    let text = "[accounts.a]\r\n  smtp.server = 'smtp://mail.example.org:587'\r\nx = 1\r\n";
    let changes = [FieldChange::Security(Security::StarttlsRequired)];
    assert_eq!(
        fixed(text, &changes),
        "[accounts.a]\r\n  smtp.server = 'smtp://mail.example.org:587'\r\n  smtp.starttls = true\r\nx = 1\r\n"
    );
    let last_line = "[accounts.a.smtp]\nserver = \"smtp://mail.example.org:587\"";
    assert_eq!(
        fixed(last_line, &changes),
        "[accounts.a.smtp]\nserver = \"smtp://mail.example.org:587\"\nstarttls = true"
    );
}

#[test]
fn v2_implicit_tls_turns_a_written_starttls_off() {
    let text = "[accounts.a]\nimap.server = \"imap://h.example.org:143\"\nimap.starttls = true\n";
    let changes = [FieldChange::Port(993), FieldChange::Security(Security::ImplicitTls)];
    assert_eq!(
        fixed(text, &changes),
        "[accounts.a]\nimap.server = \"imaps://h.example.org:993\"\nimap.starttls = false\n"
    );
}

#[test]
fn v2_a_bare_authority_stays_bare_when_only_the_host_changes() {
    let text = "[accounts.a]\nimap.server = \"imap.gmial.com\"\n";
    let changes = [FieldChange::Host("imap.gmail.com".into())];
    assert_eq!(fixed(text, &changes), "[accounts.a]\nimap.server = \"imap.gmail.com\"\n");
}

#[test]
fn v1_keys_are_replaced_or_added_after_the_host() {
    let text = "[accounts.a]\nbackend.type = \"imap\"\nbackend.host = \"h.example.org\"\n\
                backend.port = 143\nbackend.encryption.type = \"none\"\n";
    let changes = [FieldChange::Port(993), FieldChange::Security(Security::ImplicitTls)];
    assert_eq!(
        fixed(text, &changes),
        "[accounts.a]\nbackend.type = \"imap\"\nbackend.host = \"h.example.org\"\n\
         backend.port = 993\nbackend.encryption.type = \"tls\"\n"
    );
    let no_encryption = "[accounts.a]\nbackend.type = \"imap\"\nbackend.host = \"h.example.org\"\nbackend.port = 993\n";
    let starttls = [FieldChange::Security(Security::StarttlsRequired), FieldChange::Port(143)];
    assert_eq!(
        fixed(no_encryption, &starttls),
        "[accounts.a]\nbackend.type = \"imap\"\nbackend.host = \"h.example.org\"\n\
         backend.encryption.type = \"start-tls\"\nbackend.port = 143\n"
    );
}

#[test]
fn what_has_no_place_is_refused() {
    let text = "[accounts.a]\nimap.server = { server = 1 }\nsmtp = { server = \"smtp://h\" }\n";
    let (sources, unit) = parse_text(&HimalayaParser, "/x/config.toml", text);
    let error = HimalayaParser
        .lower(&unit, &sources, 0, 0, &[FieldChange::Security(Security::StarttlsRequired)])
        .unwrap_err();
    assert!(error.0.contains("add `starttls = true` by hand"), "{error}");
    let auth = HimalayaParser.lower(
        &unit,
        &sources,
        0,
        0,
        &[FieldChange::Auth(maillint_core::AuthMethod::Oauth2)],
    );
    assert!(auth.unwrap_err().0.contains("by hand"));
}

#[test]
fn raw_secrets_are_found_anywhere_and_commands_are_not_secrets() {
    let text = "[accounts.a]\nimap.server = \"h\"\nimap.sasl.plain.username = \"me\"\n\
                imap.sasl.plain.password.raw = \"hunter2-not-real\"\n\
                smtp.server = \"h\"\nsmtp.sasl.xoauth2.username = \"me\"\n\
                smtp.sasl.xoauth2.token.command = \"secret-tool lookup x\"\n\
                pgp.secret-key-passphrase.raw = \"passphrase-not-real\"\n";
    let (sources, unit) = parse_text(&HimalayaParser, "/x/config.toml", text);
    let secrets: Vec<&str> = unit.secrets.iter().map(|s| sources.slice(*s)).collect();
    assert_eq!(secrets, ["hunter2-not-real", "passphrase-not-real"]);
    let endpoint = &unit.accounts[0].endpoints;
    assert_eq!(endpoint[0].secrets.len(), 1);
    assert!(endpoint[1].secrets.is_empty());
}

/// The security himalaya reads from `text` for the first account's endpoint of `protocol`.
fn security_of(text: &str, protocol: maillint_core::Protocol) -> Security {
    let (_, unit) = parse_text(&HimalayaParser, "/h/.config/himalaya/config.toml", text);
    let endpoint = unit.accounts[0].endpoints.iter().find(|e| e.protocol == protocol);
    endpoint.expect("the endpoint is read").security.value
}

/// The advice's backquoted words, in order.
fn quoted_words(advice: &str) -> Vec<&str> {
    advice.split('`').skip(1).step_by(2).collect()
}

#[test]
fn tls_advice_written_as_said_reads_back_as_the_advised_security() {
    use maillint_core::{Protocol, TlsAdvice};
    let client = maillint_himalaya::client::CLIENT;
    for (protocol, table, v1_table) in
        [(Protocol::Imap, "imap", "backend"), (Protocol::Smtp, "smtp", "message.send.backend")]
    {
        for security in [Security::ImplicitTls, Security::StarttlsRequired] {
            let advice = client.with_tls_advice(String::new(), TlsAdvice::Use(security), protocol);
            let words = quoted_words(&advice);
            // 2.x: the scheme (and `starttls = true` when advised) on a server.
            let scheme = words[0].trim_end_matches("://");
            let mut v2 = format!("[accounts.a]\n{table}.server = \"{scheme}://h.example.org\"\n");
            if let Some(starttls) = words.iter().find(|w| w.ends_with(".starttls = true")) {
                v2.push_str(starttls);
                v2.push('\n');
            }
            assert_eq!(security_of(&v2, protocol), security, "2.x: {advice}");
            // 1.x: the `encryption.type` entry in the backend table.
            let entry = words.last().unwrap();
            let v1 = format!(
                "[accounts.a]\n{v1_table}.type = \"{table}\"\n{v1_table}.host = \"h.example.org\"\n\
                 {v1_table}.port = 1234\n{v1_table}.{entry}\n"
            );
            assert_eq!(security_of(&v1, protocol), security, "1.x: {advice}");
        }
    }
    let pop =
        client.with_tls_advice("h".into(), TlsAdvice::Use(Security::ImplicitTls), Protocol::Pop3);
    assert_eq!(pop, "h");
}
