//! Baselines end to end: a baseline written today makes tomorrow's run report only the findings
//! added in between, whatever moved in the files, and counts the ones that disappeared as
//! fixed; for `scan` (keyed per user) and for `check`.

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

const MUTTRC: &str = "set imap_user = \"alice@example.org\"\nset imap_pass = \"secret1\"\n\
    set folder = \"imaps://imap.example.org:993/\"\n\
    set smtp_url = \"smtps://alice@smtp.example.org:465/\"\n";

fn maillint(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_maillint")).current_dir(dir).args(args).output().unwrap()
}

fn json(bytes: &[u8]) -> serde_json::Value {
    serde_json::from_slice(bytes)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(bytes)))
}

fn write(path: &Path, text: &str) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

/// The day's edits: alice's file gets lines above her known finding (which must stay known) and
/// an SMTP password (new); bob removes his password (fixed); carol is a new user (new).
fn edit_homes(homes: &Path) {
    let alice = format!("# moved down\n# by three\n\n{MUTTRC}set smtp_pass = \"secret2\"\n");
    write(&homes.join("alice/.muttrc"), &alice);
    write(&homes.join("bob/.muttrc"), &MUTTRC.replace("set imap_pass = \"secret1\"\n", ""));
    write(&homes.join("carol/.muttrc"), MUTTRC);
}

/// (user, line, message) of every finding of a report.
fn findings(report: &serde_json::Value) -> Vec<(String, u64, String)> {
    let mut found: Vec<(String, u64, String)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let user = f["user"].as_str().unwrap().to_owned();
            (user, f["line"].as_u64().unwrap(), f["message"].as_str().unwrap().to_owned())
        })
        .collect();
    found.sort();
    found
}

#[test]
fn scan_reports_only_the_findings_added_since_the_baseline() {
    let tmp = tempfile::tempdir().unwrap();
    let homes = tmp.path().join("homes");
    write(&homes.join("alice/.muttrc"), MUTTRC);
    write(&homes.join("bob/.muttrc"), MUTTRC);
    let root = homes.to_str().unwrap();
    let report = ["scan", "--all-users", root, "--output-format", "report-json"];

    let today = maillint(tmp.path(), &[&report[..], &["--write-baseline", "base.json"]].concat());
    assert_eq!(today.status.code(), Some(1), "writing a baseline reports as usual");
    assert_eq!(json(&today.stdout)["totals"]["findings"], 2);
    let written = fs::read_to_string(tmp.path().join("base.json")).unwrap();
    assert!(!written.contains("\"line\""), "keys do not hold lines:\n{written}");

    // Nothing changed: nothing to report, and the run passes.
    let same = maillint(tmp.path(), &[&report[..], &["--baseline", "base.json"]].concat());
    assert_eq!(same.status.code(), Some(0), "{}", String::from_utf8_lossy(&same.stderr));
    let same = json(&same.stdout);
    assert_eq!(same["totals"]["findings"], 0);
    assert_eq!(same["baseline"], serde_json::json!({"known": 2, "fixed": 0}));

    edit_homes(&homes);
    let tomorrow = maillint(tmp.path(), &[&report[..], &["--baseline", "base.json"]].concat());
    assert_eq!(tomorrow.status.code(), Some(1), "new findings fail the run");
    let tomorrow = json(&tomorrow.stdout);
    let smtp = "the SMTP password is stored in plain text in `smtp_pass`".to_owned();
    let imap = "the IMAP password is stored in plain text in `imap_pass`".to_owned();
    assert_eq!(findings(&tomorrow), [("alice".into(), 8, smtp), ("carol".into(), 2, imap)]);
    assert_eq!(tomorrow["baseline"], serde_json::json!({"known": 1, "fixed": 1}));
    assert_eq!(tomorrow["totals"]["users_affected"], 2, "alice and carol; bob is clean");

    // The summary says it too.
    let summary = maillint(tmp.path(), &["scan", "--all-users", root, "--baseline", "base.json"]);
    let text = String::from_utf8(summary.stdout).unwrap();
    assert!(
        text.contains(
            "Baseline: 2 new findings, 1 known and not shown, 1 fixed since it was written."
        ),
        "{text}"
    );
}

#[test]
fn check_reports_only_the_findings_added_since_the_baseline() {
    let tmp = tempfile::tempdir().unwrap();
    write(&tmp.path().join("homes/alice/.muttrc"), MUTTRC);
    write(&tmp.path().join("homes/bob/.muttrc"), MUTTRC);
    let check = ["check", "homes", "--output-format", "json"];
    let today = maillint(tmp.path(), &[&check[..], &["--write-baseline", "base.json"]].concat());
    assert_eq!(json(&today.stdout).as_array().unwrap().len(), 2);

    edit_homes(&tmp.path().join("homes"));
    let tomorrow = maillint(tmp.path(), &[&check[..], &["--baseline", "base.json"]].concat());
    assert_eq!(tomorrow.status.code(), Some(1));
    let new: Vec<(String, u64)> = json(&tomorrow.stdout)
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["path"].as_str().unwrap().to_owned(), f["line"].as_u64().unwrap()))
        .collect();
    assert_eq!(new, [("homes/alice/.muttrc".to_owned(), 8), ("homes/carol/.muttrc".to_owned(), 2)]);
    let stderr = String::from_utf8(tomorrow.stderr).unwrap();
    assert!(
        stderr.contains("Baseline: 1 known and not shown, 1 fixed since it was written."),
        "{stderr}"
    );

    let broken = tmp.path().join("broken.json");
    fs::write(&broken, "{\"version\": 1,\n  \"findings\": [}").unwrap();
    let output = maillint(tmp.path(), &["check", "homes", "--baseline", "broken.json"]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("baseline broken.json: line 2, column"), "{stderr}");
}
