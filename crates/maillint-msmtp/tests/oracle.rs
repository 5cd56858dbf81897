//! Differential test: msmtp itself is the reference for what an msmtprc means.
//!
//! For every msmtprc fixture and every corpus msmtprc, `msmtp --pretend -C COPY -a ACCOUNT`
//! (Debian's msmtp 1.8.23) prints the values it resolved for each account; maillint's reading
//! of the same copy (`config::read` and `resolve`) must give the same host, port, `auth`,
//! `user`, password (set or not), `tls`, `tls_starttls`, `tls_certcheck`, `tls_trust_file`,
//! `tls_fingerprint`, `from` and `protocol`; where msmtp refuses the file, maillint must report
//! its first error on the same line; where msmtp refuses an account, for the same reason.
//!
//! msmtp never gets a file as written. `--pretend` runs `passwordeval` (verified, see
//! ../shared/reference/other-clients.md section 2) and `eval` runs while the file is read, so
//! the copy differs from the original in these ways, each of which keeps every line where it
//! was:
//! * `passwordeval CMD` becomes `password placeholder` (the value is printed as `*` only);
//! * `eval CMD` becomes a comment (its output is unknown to maillint as well);
//! * `aliases FILE` becomes `aliases /dev/null` (sendmail mode reads the aliases file before it
//!   stops for `--pretend`) and `logfile FILE` becomes `logfile /dev/null`;
//! * a `%` in `domain` or `from` becomes `_` (`%C` looks the host name up in the DNS).
//!
//! maillint reads the same copy, so the normalisations hide nothing from the comparison.
//! msmtp runs in a new network namespace (`unshare -n`), as `nobody` (`setpriv`), with an
//! empty environment but `HOME` (a fresh folder) and `LC_ALL=C`, stdin closed, and a timeout;
//! the copy belongs to `nobody` with mode 0600 (msmtp's own check for files with secrets).
//! Without msmtp or root the test says SKIPPED, and fails under CI.

// Tests report what they compared on stderr.
#![allow(clippy::print_stderr)]

mod support;

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use maillint_core::testing::files_under;
use maillint_core::testing::{corpus_dir, skip};
use maillint_msmtp::config::{self, AccountConfig};
use maillint_msmtp::resolve::{Auth, TrustFile, expand_tilde, normalise_fingerprint};
use support::fixtures_dir;

const NOBODY: u32 = 65534;

/// The copy msmtp may read: nothing in it runs or reads anything (see the module doc).
fn neutralise(text: &str) -> String {
    let mut out = String::new();
    for line in text.split_inclusive('\n') {
        let body = line.trim_start_matches([' ', '\t']);
        let indent = &line[..line.len() - body.len()];
        let command = body.split([' ', '\t', '\r', '\n']).next().unwrap_or("");
        let ending = if line.ends_with("\r\n") {
            "\r\n"
        } else if line.ends_with('\n') {
            "\n"
        } else {
            ""
        };
        let replaced = match command {
            "passwordeval" => format!("{indent}password placeholder{ending}"),
            "eval" => format!("{indent}# eval removed{ending}"),
            "aliases" | "logfile" => format!("{indent}{command} /dev/null{ending}"),
            "domain" | "from" => line.replace('%', "_"),
            _ => line.to_owned(),
        };
        out.push_str(&replaced);
    }
    out
}

/// What msmtp prints for one account, or the error it stops with.
enum Outcome {
    Values(Vec<(String, String)>),
    Refused(String),
}

fn run_msmtp(file: &Path, home: &Path, account: &str) -> Outcome {
    let output = Command::new("unshare")
        .args(["-n", "--", "timeout", "20", "setpriv", "--reuid=65534", "--regid=65534"])
        .args(["--clear-groups", "--", "msmtp", "--pretend", "-C"])
        .arg(file)
        .arg("-a")
        .arg(account)
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .env("HOME", home)
        .env("LC_ALL", "C")
        .stdin(Stdio::null())
        .output()
        .expect("run msmtp");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    if !output.status.success() {
        return Outcome::Refused(stderr.trim().to_owned());
    }
    let values = stdout
        .lines()
        .filter_map(|l| l.split_once(" = "))
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
    Outcome::Values(values)
}

/// maillint's reading of one account, in msmtp's `--pretend` words.
fn expected(account: &AccountConfig, text: &str, home: &str) -> Vec<(String, String)> {
    let not_set = || "(not set)".to_owned();
    let text_or = |field: &str| account.non_empty(field, text).map_or_else(not_set, str::to_owned);
    let on_off = |on: bool| if on { "on" } else { "off" }.to_owned();
    let auth = match account.auth(text) {
        Auth::None => "none".to_owned(),
        Auth::Choose => "choose".to_owned(),
        Auth::Method(method) => method.to_ascii_uppercase(),
    };
    let trust = match account.trust_file(text) {
        TrustFile::System => "system".to_owned(),
        TrustFile::NotSet => not_set(),
        TrustFile::File(file) => expand_tilde(file, home),
    };
    let from = account.text("from", text).map_or_else(not_set, str::to_owned);
    let protocol = if account.is_lmtp(text) { "lmtp" } else { "smtp" }.to_owned();
    [
        ("host", text_or("host")),
        ("port", account.port(text).to_string()),
        ("protocol", protocol),
        ("auth", auth),
        ("user", text_or("user")),
        ("password", account.non_empty("password", text).map_or_else(not_set, |_| "*".to_owned())),
        ("passwordeval", text_or("passwordeval")),
        ("tls", on_off(account.tls(text))),
        ("tls_starttls", on_off(account.starttls(text))),
        ("tls_trust_file", trust),
        ("tls_fingerprint", account.fingerprint(text).map_or_else(not_set, normalise_fingerprint)),
        ("tls_certcheck", on_off(account.certcheck(text))),
        ("from", from),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect()
}

/// Compares one file; returns the differences and the number of values compared.
fn compare(path: &Path, scratch: &Path) -> (Vec<String>, usize) {
    let original = String::from_utf8_lossy(&fs::read(path).unwrap()).into_owned();
    let text = neutralise(&original);
    let copy = scratch.join("msmtprc");
    fs::write(&copy, &text).unwrap();
    std::os::unix::fs::chown(&copy, Some(NOBODY), Some(NOBODY)).unwrap();
    fs::set_permissions(&copy, fs::Permissions::from_mode(0o600)).unwrap();
    let home = scratch.join("home");
    let config = config::read(&text);
    let name = path.display();
    let mut differences = Vec::new();
    if let Some(first) = config.errors.iter().map(|e| e.number).min() {
        let refused = match run_msmtp(&copy, &home, "any") {
            Outcome::Refused(message) => message,
            Outcome::Values(_) => String::from("(accepted)"),
        };
        if !refused.contains(&format!(": line {first}: ")) {
            differences.push(format!("{name}: maillint stops at line {first}, msmtp: {refused}"));
        }
        return (differences, 1);
    }
    let mut compared = 0;
    for account in &config.accounts {
        let id = &account.id;
        match (run_msmtp(&copy, &home, id), account.refusal(&text)) {
            (Outcome::Refused(message), Some(reason)) if message.ends_with(reason) => compared += 1,
            (Outcome::Refused(message), reason) => {
                differences
                    .push(format!("{name}: account {id}: msmtp: {message}; maillint: {reason:?}"));
            }
            (Outcome::Values(values), None) => {
                for (key, want) in expected(account, &text, &home.to_string_lossy()) {
                    let got = values.iter().find(|(k, _)| *k == key).map(|(_, v)| v.as_str());
                    compared += 1;
                    if got != Some(want.as_str()) {
                        differences.push(format!(
                            "{name}: account {id}: {key}: msmtp {got:?}, maillint {want:?}"
                        ));
                    }
                }
            }
            (Outcome::Values(_), Some(reason)) => {
                differences
                    .push(format!("{name}: account {id}: msmtp accepts it, maillint: {reason}"));
            }
        }
    }
    (differences, compared)
}

fn inputs() -> Vec<PathBuf> {
    let mut files = files_under(&fixtures_dir());
    assert!(files.len() >= 10, "the msmtp fixtures are missing");
    if let Some(corpus) = corpus_dir(env!("CARGO_MANIFEST_DIR"), "msmtprc") {
        files.extend(files_under(&corpus));
    }
    files
}

fn runs(program: &str, args: &[&str]) -> bool {
    Command::new(program)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

#[test]
fn msmtp_agrees_with_maillint_on_every_fixture_and_corpus_file() {
    if !runs("msmtp", &["--version"]) {
        return skip("msmtp is not installed (apt-get install msmtp)");
    }
    if !runs(
        "unshare",
        &["-n", "--", "setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--", "true"],
    ) {
        return skip(
            "msmtp must run as nobody without network: this needs root (unshare -n, setpriv)",
        );
    }
    let scratch = tempfile::tempdir().unwrap();
    fs::set_permissions(scratch.path(), fs::Permissions::from_mode(0o755)).unwrap();
    fs::create_dir(scratch.path().join("home")).unwrap();
    let (mut differences, mut compared, mut files) = (Vec::new(), 0, 0);
    for path in inputs() {
        let (found, count) = compare(&path, scratch.path());
        differences.extend(found);
        compared += count;
        files += 1;
    }
    eprintln!(
        "msmtp oracle: {files} files, {compared} values compared, {} differences",
        differences.len()
    );
    assert!(differences.is_empty(), "{}", differences.join("\n"));
    assert!(files >= 36 || std::env::var_os("CI").is_none(), "too few files compared");
}

#[test]
fn the_copy_runs_nothing_and_keeps_every_line_in_place() {
    let text =
        "  passwordeval gpg -d x\r\neval echo host a\naliases ~/.aliases\nfrom %U@%C\nhost a\n";
    let copy = neutralise(text);
    assert_eq!(
        copy,
        "  password placeholder\r\n# eval removed\naliases /dev/null\nfrom _U@_C\nhost a\n"
    );
    assert_eq!(copy.lines().count(), text.lines().count());
}
