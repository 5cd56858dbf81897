//! What a checked file may not do to the person reading maillint's output (docs/security.md,
//! "Output: escaping and secrets"): drive their terminal with control characters from its
//! bytes, its name or its path, or get a stored secret printed in any format.

use std::path::{Path, PathBuf};
use std::process::Command;

fn maillint(args: &[&str], cwd: &Path) -> (i32, String, String) {
    let out =
        Command::new(env!("CARGO_BIN_EXE_maillint")).args(args).current_dir(cwd).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// OSC 52 (writes the clipboard), terminated by BEL.
const OSC52: &str = "\x1b]52;c;aGk=\x07";

/// The characters no human-readable output may carry raw: C0 controls but line feed, DEL, C1
/// controls, and the bidi embeddings, overrides, isolates and marks.
fn dangerous(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{9}' | '\u{b}'..='\u{1f}' | '\u{7f}'..='\u{9f}'
        | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' | '\u{61c}')
}

fn assert_no_raw_controls(what: &str, text: &str) {
    if let Some((at, c)) = text.char_indices().find(|&(_, c)| dangerous(c)) {
        panic!("{what}: raw {c:?} at byte {at}:\n{}", text.escape_debug());
    }
}

/// A folder (itself named with escapes) holding a muttrc whose name, value, comment and
/// unknown command carry OSC 52, CSI, BEL, backspace, CR, DEL, a C1 control and a bidi
/// override. Returns the folder and the muttrc's path.
fn hostile_muttrc(root: &Path) -> (PathBuf, PathBuf) {
    let dir = root.join(format!("home{OSC52}\u{202e}"));
    std::fs::create_dir(&dir).unwrap();
    let file = dir.join(format!("evil{OSC52}\x1b[2J\u{9b}1m.muttrc"));
    let text = format!(
        "# a comment {OSC52} \u{202e}txt.exe\n\
         set ssl_force_tls = no\n\
         set realname = \"Eve{OSC52}\x08\x7f\u{2066}\"\n\
         bogus{OSC52}\x1b[31m\r\u{85}x = 1\n\
         set folder = \"imap://eve@mail.example.com/\"\n"
    );
    std::fs::write(&file, text).unwrap();
    (dir, file)
}

#[test]
fn human_formats_show_control_characters_visibly() {
    let root = tempfile::tempdir().unwrap();
    let (dir, _) = hostile_muttrc(root.path());
    for format in ["full", "concise", "github"] {
        let (code, stdout, stderr) = maillint(&["check", "--output-format", format, "."], &dir);
        assert_eq!(code, 1, "{format}: {stdout}{stderr}");
        assert_no_raw_controls(format, &stdout);
        assert_no_raw_controls(format, &stderr);
        // The escapes are shown, not dropped: the reader sees what the file holds.
        assert!(stdout.contains(r"bogus\x1b]52"), "{format}:\n{stdout}");
        assert!(stdout.contains(r"evil\x1b]52;c;aGk=\x07\x1b[2J\u{9b}1m.muttrc"), "{format}");
    }
    // The full format's snippet shows the lines around a finding, comment and value included.
    let (_, full, _) = maillint(&["check", "--output-format", "full", "."], &dir);
    assert!(full.contains(r"# a comment \x1b]52;c;aGk=\x07 \u{202e}txt.exe"), "{full}");
}

#[test]
fn machine_formats_stay_valid_and_escape_by_their_own_rules() {
    let root = tempfile::tempdir().unwrap();
    let (dir, _) = hostile_muttrc(root.path());
    for format in ["json", "json-lines", "sarif", "junit"] {
        let (code, stdout, stderr) = maillint(&["check", "--output-format", format, "."], &dir);
        assert_eq!(code, 1, "{format}: {stdout}{stderr}");
        // JSON writes C0 controls as \u001b; XML 1.0 cannot carry them at all.
        assert!(!stdout.contains('\x1b') && !stdout.contains('\x07'), "{format}: raw C0");
        match format {
            "json" | "sarif" => {
                serde_json::from_str::<serde_json::Value>(&stdout).unwrap();
            }
            "json-lines" => {
                for line in stdout.lines() {
                    serde_json::from_str::<serde_json::Value>(line).unwrap();
                }
            }
            _ => {
                let mut reader = quick_xml::Reader::from_str(&stdout);
                while !matches!(reader.read_event().unwrap(), quick_xml::events::Event::Eof) {}
            }
        }
    }
}

#[test]
fn scan_output_and_summary_show_control_characters_visibly() {
    let root = tempfile::tempdir().unwrap();
    let (home, file) = hostile_muttrc(root.path());
    // The muttrc is found in the home under its usual name; a dangling link adds a problem
    // to the summary whose path carries the escapes too.
    std::fs::rename(&file, home.join(".muttrc")).unwrap();
    std::fs::create_dir(home.join(".mutt")).unwrap();
    std::os::unix::fs::symlink(
        root.path().join(format!("gone{OSC52}")),
        home.join(".mutt").join("muttrc"),
    )
    .unwrap();
    let root_arg = root.path().to_str().unwrap();
    for format in ["full", "concise"] {
        let (code, stdout, stderr) =
            maillint(&["scan", "--all-users", root_arg, "--output-format", format], root.path());
        assert_ne!(code, 2, "{format}: {stdout}{stderr}");
        assert_no_raw_controls(format, &stdout);
        assert_no_raw_controls(format, &stderr);
        assert!(stdout.contains(r"home\x1b]52;c;aGk=\x07\u{202e}"), "{format}:\n{stdout}");
        assert!(stdout.contains(r"bogus\x1b]52"), "{format}:\n{stdout}");
    }
}

#[test]
fn error_messages_show_control_characters_visibly() {
    let root = tempfile::tempdir().unwrap();
    let missing = format!("missing{OSC52}.muttrc");
    let (code, stdout, stderr) = maillint(&["check", &missing], root.path());
    assert_eq!(code, 2, "{stdout}{stderr}");
    assert_no_raw_controls("stderr", &stderr);
    assert!(stderr.contains(r"missing\x1b]52;c;aGk=\x07.muttrc"), "{stderr}");
}

/// Every way maillint prints a unit: `check` in each format, `--diff`, `--fix --show-fixes` (on
/// a copy), and `scan` in each of its formats with `dir` as a home under a scan root.
fn every_output(dir: &Path) -> Vec<(String, String)> {
    let mut outputs = Vec::new();
    let mut run = |what: String, args: &[&str], cwd: &Path| {
        let (_, stdout, stderr) = maillint(args, cwd);
        outputs.push((what, format!("{stdout}{stderr}")));
    };
    for format in ["full", "concise", "json", "json-lines", "github", "sarif", "junit"] {
        run(format!("check {format}"), &["check", "--output-format", format, "."], dir);
    }
    run("check --diff".into(), &["check", "--diff", "."], dir);
    let copy = tempfile::tempdir().unwrap();
    let home = copy.path().join("user");
    std::fs::create_dir(&home).unwrap();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, home.join(path.file_name().unwrap())).unwrap();
    }
    run("check --fix --show-fixes".into(), &["check", "--fix", "--show-fixes", "."], &home);
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, home.join(path.file_name().unwrap())).unwrap();
    }
    let root = copy.path().to_str().unwrap();
    for format in ["full", "concise", "json", "json-lines"] {
        let args = ["scan", "--all-users", root, "--output-format", format];
        run(format!("scan {format}"), &args, copy.path());
    }
    outputs
}

/// Panics with every (secret, output) pair where the secret was printed.
fn assert_never_printed(dir: &Path, secrets: &[&str]) {
    let outputs = every_output(dir);
    let mut leaks = Vec::new();
    for (what, text) in &outputs {
        for secret in secrets.iter().filter(|s| text.contains(**s)) {
            leaks.push(format!("{secret} in {what}"));
        }
    }
    assert!(leaks.is_empty(), "leaked:\n{}\n\n{}", leaks.join("\n"), outputs[0].1);
}

/// A muttrc with a secret in each place the interpreter does not run or NeoMutt does not read
/// as a URL, next to findings whose snippets show those lines.
#[test]
fn mutt_secrets_never_printed() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join(".muttrc"),
        "set ssl_force_tls = no\n\
         set folder = \"imap://me@mail.example.com/\"\n\
         fcc-hook . \"imaps://me:FccHookPw1@mail.example.com/Sent\"\n\
         ifdef nosuchfeature \"set smtp_pass=IfdefPw4\"\n\
         macro index gx \"<change-folder>imaps://me:MacroPw2@mail.example.com/INBOX<enter>\"\n\
         set spool_file = \"imaps://me:Colon:Qm?Pw3@mail.example.com/\"\n\
         ifdef otherfeature 'set pop_pass=IfdefPw7'\n\
         set tunnel = \"sshpass -p SshpassPw5 ssh -q mail.example.com imapd\"\n\
         set smtp_url = \"smtp://me@mail.example.com:25/\"\n\
         finish\n\
         set imap_pass = \"FinishPw6\"\n",
    )
    .unwrap();
    assert_never_printed(
        dir.path(),
        &["FccHookPw1", "MacroPw2", "Qm?Pw3", "IfdefPw4", "SshpassPw5", "FinishPw6", "IfdefPw7"],
    );
}

/// `--diff` never shows a password of any length: a 2-character password on the line before a
/// fix is left out of the hunk's context (a masked line would not apply either).
#[test]
fn diff_masks_short_passwords() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join(".muttrc"),
        "set imap_pass = \"Q7\"\nset ssl_force_tls = no\nset folder = \"imap://me@mail.example.com/\"\n",
    )
    .unwrap();
    let (code, stdout, stderr) = maillint(&["check", "--diff", "."], dir.path());
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert!(stdout.contains("+set ssl_force_tls"), "no diff:\n{stdout}");
    assert!(!stdout.contains("imap_pass"), "the secret's line is context:\n{stdout}");
    assert!(!stdout.contains("Q7"), "{stdout}");
}

/// With the password `pass`, messages keep the words that contain it.
#[test]
fn redaction_keeps_the_words_around_a_secret() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join(".muttrc"),
        "set imap_pass = \"pass\"\nset folder = \"imaps://me@mail.example.com/\"\n",
    )
    .unwrap();
    let (_, stdout, stderr) = maillint(&["check", "--output-format", "concise", "."], dir.path());
    assert!(
        stdout.contains("the IMAP password is stored in plain text in `imap_pass`"),
        "{stdout}{stderr}"
    );
    assert!(!stdout.contains("REDACTED"), "{stdout}");
}

fn fixture(path: &str) -> String {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/");
    std::fs::read_to_string(format!("{root}{path}")).unwrap()
}

/// prefs.js: an LDAP directory's password, a Netscape-era `.passwd`, a URL with a password,
/// and a password in a string left unterminated, each on a line a finding's snippet shows
/// (lines 3 and 6 around the IMAP finding on lines 4-5, line 8 above the findings on line 9),
/// so that each would be printed if it were not masked.
#[test]
fn thunderbird_secrets_never_printed() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("prefs.js"),
        "user_pref(\"mail.account.account1.server\", \"server1\");\n\
         user_pref(\"mail.accountmanager.accounts\", \"account1\");\n\
         user_pref(\"ldap_2.servers.corp.auth.password\", \"LdapPw1\");\n\
         user_pref(\"mail.server.server1.hostname\", \"mail.example.org\");\n\
         user_pref(\"mail.server.server1.socketType\", 0);\n\
         user_pref(\"mail.smtpserver.smtp1.passwd\", \"PasswdPw2\");\n\
         user_pref(\"mail.server.server1.type\", \"imap\");\n\
         user_pref(\"ldap_2.servers.corp.uri\", \"ldap://cn=me:LdapUriPw3@ldap.example.org/\");\n\
         user_pref(\"mail.server.server1.password\", \"UntermPw4);\n",
    )
    .unwrap();
    assert_never_printed(dir.path(), &["LdapPw1", "PasswdPw2", "LdapUriPw3", "UntermPw4"]);
}

/// A `.reg` export: a password value with bad hex and the numbered `IMAP Password2`; an
/// Autodiscover response with a `<Password>` element on the line above a finding (`<SSL>on`
/// on port 143), which the finding's snippet shows.
#[test]
fn outlook_secrets_never_printed() {
    let dir = tempfile::tempdir().unwrap();
    let reg = fixture("outlook/rules/plaintext-password/bad-exported-password-blobs.reg");
    let mut lines: Vec<&str> = reg.split_inclusive('\n').collect();
    let at = lines.iter().position(|l| l.starts_with("\"IMAP Password\"")).unwrap();
    lines.splice(
        at..at + 2,
        ["\"IMAP Password\"=hex:02,zz,BadHexPw1\r\n", "\"IMAP Password2\"=hex:02,ab,cd,9e,8f\r\n"],
    );
    std::fs::write(dir.path().join("account.reg"), lines.concat()).unwrap();
    let xml = fixture("outlook/autodiscover/good-imap-smtp.xml")
        .replacen("<Port>993</Port>", "<Port>143</Port>", 1)
        .replacen(
            "<SPA>off</SPA>",
            "<SPA>off</SPA>\n        <Password>AutodiscoverPw1</Password>",
            1,
        );
    std::fs::write(dir.path().join("autodiscover.xml"), xml).unwrap();
    assert_never_printed(dir.path(), &["BadHexPw1", "ab,cd,9e,8f", "AutodiscoverPw1"]);
}

/// XML entities are never expanded: an internal entity and an external one (a file on this
/// machine) used as the IMAP host of an Autodiscover answer are reported as unknown, and
/// neither's text appears in any output.
#[test]
fn xml_entities_are_never_expanded() {
    let dir = tempfile::tempdir().unwrap();
    let outside = tempfile::tempdir().unwrap();
    let secret = outside.path().join("secret.txt");
    std::fs::write(&secret, "ExternalEntityMarker").unwrap();
    let doctype = format!(
        "<!DOCTYPE Autodiscover [<!ENTITY inner \"InternalEntityMarker\">\
         <!ENTITY leak SYSTEM \"file://{}\">]>",
        secret.display()
    );
    let xml = fixture("outlook/autodiscover/good-imap-smtp.xml")
        .replacen("?>", &format!("?>\n{doctype}"), 1)
        .replacen("<Server>imap.example.org</Server>", "<Server>&inner;&leak;</Server>", 1);
    std::fs::write(dir.path().join("autodiscover.xml"), xml).unwrap();
    let (_, stdout, _) = maillint(&["check", "--output-format", "concise", "."], dir.path());
    assert!(stdout.contains("unknown entity `&inner;`"), "{stdout}");
    assert_never_printed(dir.path(), &["InternalEntityMarker", "ExternalEntityMarker"]);
}
