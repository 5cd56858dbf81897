//! `maillint scan` writes each home's findings while the walk goes on, in home order, and
//! holds only a bounded number of homes ahead of its output: checked without timing, by
//! planting a mistake in the last home only after the first home's findings were read.

#![cfg(unix)]

use std::fs;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::{Command, Stdio};

/// An IMAP and an SMTP server with STARTTLS only if offered: two findings of about 1 KB each
/// in JSON, so a few dozen homes fill a pipe.
const MUTTRC: &str = "set folder = \"imap://u@mail.example.org/\"\n\
                      set smtp_url = \"smtp://u@mail.example.org:25/\"\n";

/// More homes than the scan may work ahead of its output (`ScanOptions::window`, 256), plus
/// what a pipe (64 KiB) and the output buffer hold: a scan that wrote its findings only at the
/// end would reach the last home before the test read anything.
const HOMES: usize = 600;

fn write(path: &Path, content: &str) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, content).unwrap();
}

fn streams(format: &str, first_user_marker: &str, last_user_marker: &str) {
    let tmp = tempfile::tempdir().unwrap();
    for i in 0..HOMES {
        write(&tmp.path().join(format!("user{i:04}/.muttrc")), MUTTRC);
    }
    // Sorted last, and empty while the scan starts.
    let last = tmp.path().join("zz-last");
    fs::create_dir(&last).unwrap();

    let mut child = Command::new(env!("CARGO_BIN_EXE_maillint"))
        .args(["scan", "--all-users"])
        .arg(tmp.path())
        .args(["--output-format", format, "--exit-zero", "--threads", "2"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    stdout.read_line(&mut first).unwrap();
    assert!(first.contains(first_user_marker), "the first home comes first: {first}");

    // The scan cannot have reached the last home yet: it waits for this test to read.
    write(&last.join(".muttrc"), MUTTRC);
    let mut rest = String::new();
    stdout.read_to_string(&mut rest).unwrap();
    assert!(child.wait().unwrap().success());
    assert!(
        rest.contains(last_user_marker),
        "the last home was scanned after the first home's findings were written"
    );
    let users: Vec<usize> = (0..HOMES).filter_map(|i| rest.find(&format!("user{i:04}"))).collect();
    assert!(users.windows(2).all(|w| w[0] < w[1]), "homes are written in order");
}

#[test]
fn json_lines_are_written_while_the_walk_goes_on() {
    streams("json-lines", r#""user":"user0000""#, r#""user":"zz-last""#);
}

#[test]
fn concise_lines_are_written_while_the_walk_goes_on() {
    streams("concise", "[user0000/mutt]", "[zz-last/mutt]");
}
