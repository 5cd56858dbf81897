//! The mail-fetching and -sending companions of mutt (msmtp, mbsync, OfflineIMAP)
//! through the binary: `maillint formats` lists each format, `check` finds a file by its name
//! and by its content alone, and `scan` finds it at every place in a home where the client
//! reads it, and nowhere else.

#![cfg(unix)]

mod support;

use std::process::Output;

use support::{maillint, write};

/// One client's case: its format, a file with a finding, the rule that finding is of, the
/// home-relative places the client reads, and a place it does not.
struct Case {
    format: &'static str,
    text: &'static str,
    rule: &'static str,
    locations: &'static [&'static str],
    elsewhere: &'static str,
}

const CASES: &[Case] = &[
    Case {
        format: "msmtp",
        text: "# sends without TLS\ndefaults\nauth on\n\naccount work\nhost smtp.example.net\nport 587\ntls off\n",
        rule: "tls-disabled",
        locations: &[".msmtprc", ".config/msmtp/config"],
        elsewhere: ".msmtp/config",
    },
    Case {
        format: "mbsync",
        text: "# syncs without TLS\nCreate Both\n\nIMAPAccount work\nHost imap.example.net\nSSLType None\n",
        rule: "tls-disabled",
        locations: &[".mbsyncrc", ".config/isyncrc"],
        elsewhere: ".config/isync/config",
    },
    Case {
        format: "offlineimap",
        text: "# syncs without TLS\n[general]\naccounts = work\n\n[Repository work-remote]\ntype = IMAP\nremotehost = imap.example.net\nssl = no\nstarttls = no\n",
        rule: "tls-disabled",
        locations: &[".offlineimaprc", ".config/offlineimap/config"],
        elsewhere: ".offlineimap/config",
    },
];

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn formats_lists_every_format() {
    let listed = stdout(&maillint(&["formats"]));
    for case in CASES {
        assert!(
            listed.lines().any(|l| l.split_whitespace().next() == Some(case.format)),
            "{} is not listed:\n{listed}",
            case.format
        );
    }
}

#[test]
fn check_finds_each_format_by_name_and_by_content() {
    let tmp = tempfile::tempdir().unwrap();
    for case in CASES {
        for (name, how) in [(case.locations[0], "name"), ("notes/unnamed.txt", "content")] {
            let path = tmp.path().join(case.format).join(name);
            write(&path, case.text);
            let output = maillint(&["check", "--output-format", "concise", path.to_str().unwrap()]);
            let text = stdout(&output);
            assert!(
                text.contains(&format!("/{}] ", case.rule)) || text.contains(case.rule),
                "{} by {how}: no `{}` in\n{text}{}",
                case.format,
                case.rule,
                String::from_utf8_lossy(&output.stderr)
            );
            assert_eq!(output.status.code(), Some(1), "{} by {how}", case.format);
        }
    }
}

#[test]
fn scan_finds_each_client_where_it_reads_its_files_and_nowhere_else() {
    let tmp = tempfile::tempdir().unwrap();
    for case in CASES {
        for (index, location) in case.locations.iter().enumerate() {
            let home = tmp.path().join(format!("{}-{index}", case.format));
            write(&home.join(location), case.text);
            let output = maillint(&["scan", home.to_str().unwrap(), "--output-format", "concise"]);
            let text = stdout(&output);
            let user = home.file_name().unwrap().to_string_lossy();
            assert!(
                text.contains(&format!("[{user}/{}] ", case.format)) && text.contains(case.rule),
                "{}: not found at {location}:\n{text}",
                case.format
            );
        }
        let home = tmp.path().join(format!("{}-elsewhere", case.format));
        write(&home.join(case.elsewhere), case.text);
        let output = maillint(&["scan", home.to_str().unwrap(), "--output-format", "concise"]);
        assert!(
            !stdout(&output).contains(case.rule),
            "{}: read at {}",
            case.format,
            case.elsewhere
        );
    }
}
