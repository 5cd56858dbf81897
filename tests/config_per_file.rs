//! Configuration per file: every file uses the closest `maillint.toml` above it, so the result
//! for a file is the same whichever other paths are named, in whatever order (pre-commit
//! passes staged files in any order).

use std::path::Path;
use std::process::Command;

/// A muttrc with a plaintext password (A002) and certificate checks off (T005).
const MUTTRC: &str = "set imap_pass = \"not-a-real-secret\"\nset folder = \"imaps://imap.example.com/\"\nset ssl_verify_host = no\n";

fn write(root: &Path, relative: &str, text: &str) {
    let path = root.join(relative);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// `maillint check --output-format concise ARGS` in `dir`: exit code and standard output.
fn check(dir: &Path, args: &[&str]) -> (Option<i32>, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_maillint"))
        .args(["check", "--output-format", "concise", "--quiet"])
        .args(args)
        .current_dir(dir)
        .env("MAILLINT_TODAY", "2026-12-06")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.is_empty() || output.status.code() != Some(2), "{stderr}");
    (output.status.code(), String::from_utf8_lossy(&output.stdout).into_owned())
}

/// Every order of `items`.
fn permutations(items: &[&'static str]) -> Vec<Vec<&'static str>> {
    if items.len() <= 1 {
        return vec![items.to_vec()];
    }
    let mut all = Vec::new();
    for (i, first) in items.iter().enumerate() {
        let mut rest = items.to_vec();
        rest.remove(i);
        for mut tail in permutations(&rest) {
            tail.insert(0, first);
            all.push(tail);
        }
    }
    all
}

#[test]
fn each_file_uses_its_closest_configuration_in_every_argument_order() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    // The repository's configuration turns the password rule off; `work/` has its own, which
    // keeps it and turns the certificate rule off instead.
    write(root, "maillint.toml", "ignore = [\"plaintext-password\"]\n");
    write(root, "work/maillint.toml", "ignore = [\"certificate-verification-disabled\"]\n");
    write(root, "home/muttrc", MUTTRC);
    write(root, "work/muttrc", MUTTRC);
    write(root, "work/mail/muttrc", MUTTRC);

    let files = ["work/muttrc", "home/muttrc", "work/mail/muttrc"];
    let (code, expected) = check(root, &files);
    assert_eq!(code, Some(1), "{expected}");
    let lines: Vec<&str> = expected.lines().collect();
    let has = |file: &str, rule: &str| {
        lines.iter().any(|l| l.starts_with(&format!("{file}:")) && l.contains(rule))
    };
    assert!(has("home/muttrc", "certificate-verification-disabled"), "{expected}");
    assert!(!has("home/muttrc", "plaintext-password"), "root config:\n{expected}");
    for file in ["work/muttrc", "work/mail/muttrc"] {
        assert!(has(file, "plaintext-password"), "work/ config for {file}:\n{expected}");
        assert!(!has(file, "certificate-verification-disabled"), "{file}:\n{expected}");
    }
    for order in permutations(&files) {
        assert_eq!(check(root, &order), (code, expected.clone()), "order {order:?}");
    }
    // A folder argument and the files inside it give the same findings.
    assert_eq!(check(root, &["work", "home/muttrc"]).1, expected);
    assert_eq!(check(root, &["home/muttrc", "work"]).1, expected);
}

#[test]
fn config_names_one_configuration_for_every_file() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "maillint.toml", "ignore = [\"plaintext-password\"]\n");
    write(root, "work/maillint.toml", "ignore = [\"certificate-verification-disabled\"]\n");
    write(root, "work/muttrc", MUTTRC);
    let (_, out) = check(root, &["--config", "maillint.toml", "work/muttrc"]);
    assert!(out.contains("certificate-verification-disabled"), "{out}");
    assert!(!out.contains("plaintext-password"), "{out}");
    let (_, out) = check(root, &["--isolated", "work/muttrc"]);
    assert!(out.contains("certificate-verification-disabled"), "{out}");
    assert!(out.contains("plaintext-password"), "{out}");
}
