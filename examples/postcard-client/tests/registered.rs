//! The proof that one crate and one registration line add a client: the `maillint-postcard`
//! binary (`src/main.rs`) finds Postcard's files with `check` (by name and by content) and
//! with `scan` (at the locations the crate declares for each OS), and writes fixes in
//! Postcard's syntax. Nothing outside this crate names Postcard.

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

fn maillint(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_maillint-postcard")).args(args).output().unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

fn write(path: &Path, content: &str) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, content).unwrap();
}

fn samples() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("samples")
}

#[test]
fn check_reads_postcard_files_by_name_and_by_content() {
    let output = maillint(&["check", samples().to_str().unwrap(), "--output-format", "json"]);
    assert_eq!(output.status.code(), Some(1), "findings remain");
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let mut found: Vec<(String, String, String)> = json
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let file = d["path"].as_str().unwrap();
            let file = Path::new(file).file_name().unwrap().to_string_lossy().into_owned();
            (file, d["client"].as_str().unwrap_or("").to_owned(), d["code"].to_string())
        })
        .collect();
    found.sort();
    found.dedup();
    let names: Vec<String> = found.iter().map(|(f, c, code)| format!("{f} {c} {code}")).collect();
    // `.postcardrc` by its name: IMAP without TLS, the password in the file; `work.conf` by its
    // `[postcard]` header: SMTP without TLS.
    for expected in [".postcardrc postcard", "work.conf postcard"] {
        assert!(names.iter().any(|n| n.starts_with(expected)), "{expected} in {names:#?}");
    }
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.contains("`password-command`"), "the client's own advice is the help");
    assert!(!text.contains("example-not-a-real-password"), "the password is never printed");
}

#[test]
fn scan_finds_postcard_at_each_declared_location_and_nowhere_else() {
    let tmp = tempfile::tempdir().unwrap();
    let homes = tmp.path();
    let file = "[postcard]\nimap-host = mail.example.org\nimap-security = none\n";
    write(&homes.join("alice/.postcardrc"), file);
    write(&homes.join("bob/Library/Application Support/Postcard/config"), file);
    write(&homes.join("carol/AppData/Roaming/Postcard/config"), file);
    write(&homes.join("dave/.var/app/org.example.Postcard/config/postcard/config"), file);
    // A Postcard file at no place Postcard reads: `check` would read it, `scan` does not look.
    write(&homes.join("erin/Documents/postcard.conf"), file);
    let root = homes.to_str().unwrap();
    let output = maillint(&["scan", "--all-users", root, "--output-format", "concise"]);
    let text = stdout(&output);
    for user in ["alice", "bob", "carol", "dave"] {
        assert!(text.contains(&format!("[{user}/postcard] ")), "{user} in:\n{text}");
    }
    assert!(!text.contains("[erin/"), "{text}");
    assert!(text.contains("tls-disabled"), "{text}");
}

#[test]
fn the_registered_format_is_listed_and_fixed_in_its_own_syntax() {
    let output = maillint(&["formats"]);
    assert!(stdout(&output).lines().any(|l| l.starts_with("postcard ") && l.ends_with("postcard")));

    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join(".postcardrc");
    write(&path, "[postcard]\nimap-host = mail.example.org\nimap-security = none\n");
    let output = maillint(&["check", "--fix", "--unsafe-fixes", path.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    // `tls-disabled`: require STARTTLS on the port in use. The defaulted port is written on a
    // new line after the header, the written security is replaced.
    assert_eq!(
        fs::read_to_string(&path).unwrap(),
        "[postcard]\nimap-port = 143\nimap-host = mail.example.org\nimap-security = starttls\n"
    );
}
