//! aerc end to end, through the binary: `formats` lists it, `scan` finds `accounts.conf` at
//! the places aerc reads it (Linux `~/.config/aerc/`, macOS `~/Library/Preferences/aerc/`) and
//! nowhere else, `check` finds it by name and by content, and `--fix` turns `imap+insecure://`
//! into `imaps://` on 993 with every other byte kept.

#![cfg(unix)]

mod support;

use std::fs;

use support::{maillint, text, write};

const INSECURE: &str = "# mine\n[Fastmail]\n\
    source = imap+insecure://me%40fastmail.com@imap.fastmail.com\n\
    source-cred-cmd = pass show fastmail\n";

#[test]
fn formats_lists_aerc() {
    let out = text(&maillint(&["formats"]).stdout);
    assert!(out.lines().any(|l| l.split_whitespace().eq(["aerc", "aerc"])), "{out}");
}

#[test]
fn scan_finds_accounts_conf_where_aerc_reads_it_and_nowhere_else() {
    let root = tempfile::tempdir().unwrap();
    write(&root.path().join("alice/.config/aerc/accounts.conf"), INSECURE);
    write(&root.path().join("bob/Library/Preferences/aerc/accounts.conf"), INSECURE);
    write(&root.path().join("carol/.aerc/accounts.conf"), INSECURE);
    let root_arg = root.path().to_str().unwrap();
    let output = maillint(&["scan", "--all-users", root_arg, "--output-format", "concise"]);
    let out = text(&output.stdout);
    // Findings start with `[user/client]`; the summary table below them names rules too.
    let tls: Vec<&str> =
        out.lines().filter(|l| l.starts_with('[') && l.contains("tls-disabled")).collect();
    assert_eq!(tls.len(), 2, "{out}");
    assert!(tls[0].starts_with("[alice/aerc] ") && tls[0].contains(".config/aerc/accounts.conf"));
    assert!(tls[1].starts_with("[bob/aerc] ") && tls[1].contains("Preferences/aerc/accounts.conf"));
    assert!(!out.lines().any(|l| l.starts_with("[carol/")), "{out}");
}

#[test]
fn check_finds_it_by_name_and_content_and_fix_writes_imaps() {
    let dir = tempfile::tempdir().unwrap();
    let by_name = dir.path().join("aerc/accounts.conf");
    let by_content = dir.path().join("work.conf");
    write(&by_name, INSECURE);
    write(&by_content, INSECURE);
    let out = text(
        &maillint(&["check", "--output-format", "concise", dir.path().to_str().unwrap()]).stdout,
    );
    assert_eq!(out.lines().filter(|l| l.contains("tls-disabled")).count(), 2, "{out}");
    maillint(&["check", "--fix", by_name.to_str().unwrap()]);
    let fixed = fs::read_to_string(&by_name).unwrap();
    assert_eq!(
        fixed,
        INSECURE.replace(
            "imap+insecure://me%40fastmail.com@imap.fastmail.com",
            "imaps://me%40fastmail.com@imap.fastmail.com:993"
        )
    );
}
