//! `[mutt] flavour` in maillint.toml, end to end: a `~/.muttrc` may be read by mutt, whose
//! `ssl_force_tls` was unset before 2.0.0, so `smtp://…:587` without it is reported; telling
//! maillint the file is NeoMutt's applies NeoMutt's default; a wrong word is a config error.

use std::fs;
use std::process::{Command, Output};

const MUTTRC: &str = "set smtp_url = \"smtp://me@mail.example.org:587/\"\n";

fn check(dir: &std::path::Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_maillint"))
        .args(["check", "--output-format", "concise", "--color", "never"])
        .arg(dir.join(".muttrc"))
        .current_dir(dir)
        .output()
        .unwrap()
}

#[test]
fn the_flavour_in_maillint_toml_decides_the_default_of_ssl_force_tls() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join(".muttrc"), MUTTRC).unwrap();
    let out = String::from_utf8(check(dir.path()).stdout).unwrap();
    assert!(out.contains("opportunistic-starttls"), "{out}");

    fs::write(dir.path().join("maillint.toml"), "[mutt]\nflavour = \"neomutt\"\n").unwrap();
    let run = check(dir.path());
    let out = String::from_utf8(run.stdout).unwrap();
    assert!(!out.contains("opportunistic-starttls"), "{out}");
    assert_eq!(run.status.code(), Some(0), "{out}");

    fs::write(dir.path().join("maillint.toml"), "[mutt]\nflavour = \"elm\"\n").unwrap();
    let run = check(dir.path());
    let err = String::from_utf8(run.stderr).unwrap();
    assert_eq!(run.status.code(), Some(2), "{err}");
    assert!(err.contains("maillint.toml") && err.contains("elm"), "{err}");
}
