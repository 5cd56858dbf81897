//! himalaya end to end, through the binary: `formats` lists it, `scan` finds `config.toml` at
//! the places himalaya reads it (`~/.config/himalaya/config.toml`, `~/.himalayarc`, macOS'
//! `~/Library/Application Support/himalaya/`) when it is a user's only client and nowhere else,
//! `check` finds it by name and by content, and `--fix` turns a 2.x `imap://` without STARTTLS
//! into `imaps://` on 993 with every other byte kept.

#![cfg(unix)]

mod support;

use std::fs;

use support::{maillint, text, write};

const PLAIN_V2: &str = "# mine\n[accounts.fastmail]\nemail = \"me@fastmail.com\"\n\
    imap.server = \"imap://imap.fastmail.com\"\n\
    imap.sasl.xoauth2.username = \"me@fastmail.com\"\n\
    imap.sasl.xoauth2.token.command = \"oauth2-token fastmail\"\n";

const PLAIN_V1: &str = "[accounts.work]\nbackend.type = \"imap\"\n\
    backend.host = \"mail.example.org\"\nbackend.port = 143\n\
    backend.encryption.type = \"none\"\nbackend.auth.type = \"password\"\n\
    backend.auth.cmd = \"pass show work\"\n";

#[test]
fn formats_lists_himalaya() {
    let out = text(&maillint(&["formats"]).stdout);
    assert!(out.lines().any(|l| l.split_whitespace().eq(["himalaya", "himalaya"])), "{out}");
}

#[test]
fn scan_finds_config_toml_where_himalaya_reads_it_and_nowhere_else() {
    let root = tempfile::tempdir().unwrap();
    write(&root.path().join("alice/.config/himalaya/config.toml"), PLAIN_V2);
    write(&root.path().join("bob/.himalayarc"), PLAIN_V1);
    write(&root.path().join("carol/Library/Application Support/himalaya/config.toml"), PLAIN_V1);
    write(&root.path().join("dave/.himalaya/config.toml"), PLAIN_V1);
    let root_arg = root.path().to_str().unwrap();
    let output = maillint(&["scan", "--all-users", root_arg, "--output-format", "concise"]);
    let out = text(&output.stdout);
    let tls: Vec<&str> =
        out.lines().filter(|l| l.starts_with('[') && l.contains("tls-disabled")).collect();
    assert_eq!(tls.len(), 3, "{out}");
    assert!(
        tls[0].starts_with("[alice/himalaya] ") && tls[0].contains(".config/himalaya/config.toml")
    );
    assert!(tls[1].starts_with("[bob/himalaya] ") && tls[1].contains(".himalayarc"));
    assert!(tls[2].starts_with("[carol/himalaya] ") && tls[2].contains("Application Support"));
    assert!(!out.lines().any(|l| l.starts_with("[dave/")), "{out}");
}

#[test]
fn check_finds_it_by_name_and_content_and_fix_writes_imaps() {
    let dir = tempfile::tempdir().unwrap();
    let by_name = dir.path().join("himalaya/config.toml");
    let by_content = dir.path().join("mail.toml");
    write(&by_name, PLAIN_V2);
    write(&by_content, PLAIN_V1);
    let out = text(
        &maillint(&["check", "--output-format", "concise", dir.path().to_str().unwrap()]).stdout,
    );
    assert_eq!(out.lines().filter(|l| l.contains("tls-disabled")).count(), 2, "{out}");
    maillint(&["check", "--fix", by_name.to_str().unwrap()]);
    let fixed = fs::read_to_string(&by_name).unwrap();
    assert_eq!(
        fixed,
        PLAIN_V2.replace("imap://imap.fastmail.com", "imaps://imap.fastmail.com:993")
    );
}
