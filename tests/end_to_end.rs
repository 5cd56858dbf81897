//! End-to-end behaviour through the binary that needs a live setup rather than a fixture:
//! a running Thunderbird (locked profile) and `--verify` against loopback sockets.

#![allow(clippy::print_stderr)] // tests report what they covered

use std::net::TcpListener;
use std::path::Path;
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

const PREFS: &str = "user_pref(\"mail.account.account1.identities\", \"id1\");\n\
user_pref(\"mail.account.account1.server\", \"server1\");\n\
user_pref(\"mail.accountmanager.accounts\", \"account1\");\n\
user_pref(\"mail.identity.id1.useremail\", \"someone@example.org\");\n\
user_pref(\"mail.server.server1.hostname\", \"mail.example.org\");\n\
user_pref(\"mail.server.server1.socketType\", 1);\n\
user_pref(\"mail.server.server1.type\", \"imap\");\n";

/// A profile folder in `dir` with `PREFS` as prefs.js, locked the way a running Thunderbird
/// locks it (thunderbird.md sections 5 and 6: the `lock` symlink names a live local process;
/// this test process is alive and 127.0.0.1 is this machine).
fn running_profile(dir: &Path) -> std::path::PathBuf {
    let profile = dir.join("abcd1234.default-release");
    std::fs::create_dir(&profile).unwrap();
    std::fs::write(profile.join("prefs.js"), PREFS).unwrap();
    std::os::unix::fs::symlink(format!("127.0.0.1:+{}", std::process::id()), profile.join("lock"))
        .unwrap();
    profile
}

/// A running Thunderbird rewrites prefs.js, so the fix goes into user.js and prefs.js is not
/// touched.
#[test]
fn a_locked_profile_is_fixed_through_user_js() {
    let dir = tempfile::tempdir().unwrap();
    let profile = running_profile(dir.path());
    std::fs::write(profile.join("user.js"), "// user overrides\n").unwrap();

    let (code, stdout, stderr) =
        maillint(&["check", "--fix", "--output-format", "concise", "."], &profile);
    assert_ne!(code, 2, "{stdout}{stderr}");
    assert_eq!(
        std::fs::read_to_string(profile.join("prefs.js")).unwrap(),
        PREFS,
        "prefs.js was edited while locked"
    );
    let user_js = std::fs::read_to_string(profile.join("user.js")).unwrap();
    assert!(user_js.starts_with("// user overrides\n"), "{user_js}");
    assert!(
        user_js.contains("user_pref(\"mail.server.server1.socketType\", 2);"),
        "the STARTTLS fix is not in user.js:\n{user_js}"
    );
    // The effective value is now fixed: no opportunistic STARTTLS finding remains.
    let (_, after, _) = maillint(&["check", "--output-format", "concise", "."], &profile);
    assert!(!after.contains("opportunistic-starttls"), "{after}");
}

/// A running profile without user.js gets one: created atomically, only by `--fix`, as
/// private as prefs.js, and shown by `--diff` as a new file.
#[test]
fn a_locked_profile_without_user_js_gets_one_created_by_the_fix() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let profile = running_profile(dir.path());
    std::fs::set_permissions(profile.join("prefs.js"), std::fs::Permissions::from_mode(0o600))
        .unwrap();

    // Linting and --diff create nothing; the diff shows a new file.
    let (code, stdout, stderr) = maillint(&["check", "--output-format", "concise", "."], &profile);
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert!(stdout.contains("prefs.js:"), "findings stay in prefs.js:\n{stdout}");
    assert!(
        !stdout.contains("user.js"),
        "no finding points into a file that does not exist:\n{stdout}"
    );
    // Fix edits may name the user.js to create; locations and file lists never do.
    let (_, junit, _) = maillint(&["check", "--output-format", "junit", "."], &profile);
    assert!(!junit.contains("user.js"), "a test suite for a file that does not exist:\n{junit}");
    let (_, json, _) = maillint(&["check", "--output-format", "json", "."], &profile);
    let json: serde_json::Value = serde_json::from_str(&json).unwrap();
    for d in json.as_array().unwrap() {
        assert!(d["path"].as_str().unwrap().ends_with("prefs.js"), "{d}");
    }
    let (_, sarif, _) = maillint(&["check", "--output-format", "sarif", "."], &profile);
    let sarif: serde_json::Value = serde_json::from_str(&sarif).unwrap();
    for result in sarif["runs"][0]["results"].as_array().unwrap() {
        let uri = &result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"];
        assert_eq!(uri, "prefs.js", "{result}");
        // The endpoint a finding is about rides along as the result's property bag.
        let endpoint = &result["properties"];
        assert!(endpoint["host"].is_string() && endpoint["protocol"].is_string(), "{result}");
        assert!(endpoint["account"]["id"].is_string(), "{result}");
    }
    let (code, diff, stderr) = maillint(&["check", "--diff", "."], &profile);
    assert_eq!(code, 1, "{diff}{stderr}");
    assert!(diff.contains("--- /dev/null\n+++ b/user.js\n"), "{diff}");
    assert!(diff.contains("+user_pref(\"mail.server.server1.socketType\", 2);"), "{diff}");
    assert!(!profile.join("user.js").exists(), "--diff wrote user.js");

    let (code, stdout, stderr) =
        maillint(&["check", "--fix", "--output-format", "concise", "."], &profile);
    assert_ne!(code, 2, "{stdout}{stderr}");
    assert!(stderr.contains("maillint: created ./user.js"), "{stderr}");
    assert_eq!(std::fs::read_to_string(profile.join("prefs.js")).unwrap(), PREFS);
    let user_js = std::fs::read_to_string(profile.join("user.js")).unwrap();
    assert_eq!(user_js, "user_pref(\"mail.server.server1.socketType\", 2);\n");
    let mode = std::fs::metadata(profile.join("user.js")).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600, "user.js is as private as prefs.js");
    let (_, after, _) = maillint(&["check", "--output-format", "concise", "."], &profile);
    assert!(!after.contains("opportunistic-starttls"), "{after}");
    // The second --fix has nothing left to do.
    let (_, diff, _) = maillint(&["check", "--diff", "."], &profile);
    assert!(diff.is_empty(), "{diff}");
}

/// `maillint check --verify` on `dir/muttrc`, with `mail.example.test:PORT` resolved to
/// 127.0.0.1 (tests talk to loopback only).
fn check_muttrc_with_verify(dir: &Path, port: u16) -> (i32, String, String) {
    let resolve = format!("mail.example.test:{port}:127.0.0.1");
    let args = [
        "check",
        "--verify",
        "--resolve",
        &resolve,
        "--verify-timeout",
        "5",
        "--output-format",
        "concise",
        "--isolated",
        "muttrc",
    ];
    maillint(&args, dir)
}

/// `--verify` connects (only to loopback here, through `--resolve`) and reports a refused
/// connection at the line that names the server; without `--verify` nothing connects.
#[test]
fn verify_reports_a_refused_connection_at_the_host_line() {
    // A port that was free a moment ago: connecting to it is refused.
    let port = {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let dir = tempfile::tempdir().unwrap();
    let muttrc = dir.path().join("muttrc");
    std::fs::write(
        &muttrc,
        format!("set folder = \"imaps://mail.example.test:{port}/\"\nset ssl_force_tls = yes\n"),
    )
    .unwrap();
    let (code, stdout, stderr) = check_muttrc_with_verify(dir.path(), port);
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert!(stdout.contains("muttrc:1:15: error[V001/verify-connect-failed]"), "{stdout}");
    assert!(stdout.to_lowercase().contains("refused"), "{stdout}");

    // Without --verify there is no network finding.
    let (_, stdout, _) =
        maillint(&["check", "--output-format", "concise", "--isolated", "muttrc"], dir.path());
    assert!(!stdout.contains("V001"), "{stdout}");
}

/// A verify finding goes through suppressions, per-file ignores and severity overrides like
/// every other finding: the `ignore[verify-connect-failed]` comment silences it, is not
/// reported as unused (with or without `--verify`) and `--fix` keeps it; `per-file-ignores`
/// and `[severity]` in maillint.toml apply to it.
#[test]
fn verify_findings_honour_suppressions_per_file_ignores_and_severity() {
    let port = {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let dir = tempfile::tempdir().unwrap();
    let muttrc = dir.path().join("muttrc");
    let text = format!(
        "# maillint: ignore[verify-connect-failed] the test server is down\n\
         set folder = \"imaps://mail.example.test:{port}/\"\nset ssl_force_tls = yes\n"
    );
    std::fs::write(&muttrc, &text).unwrap();
    let (code, stdout, stderr) = check_muttrc_with_verify(dir.path(), port);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(!stdout.contains("V001") && !stdout.contains("S001"), "{stdout}");
    let (code, stdout, stderr) =
        maillint(&["check", "--output-format", "concise", "--isolated", "muttrc"], dir.path());
    assert_eq!(code, 0, "without --verify the comment is not unused: {stdout}{stderr}");
    let resolve = format!("mail.example.test:{port}:127.0.0.1");
    let verify = ["--verify", "--resolve", &resolve, "--verify-timeout", "5", "--isolated"];
    let (code, stdout, stderr) =
        maillint(&[&["check", "--fix"][..], &verify, &["muttrc"]].concat(), dir.path());
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert_eq!(std::fs::read_to_string(&muttrc).unwrap(), text, "--fix changed the file");

    // Without the comment: per-file-ignores turn the rule off for this file, and [severity]
    // applies where it is on.
    std::fs::write(&muttrc, text.lines().skip(1).map(|l| format!("{l}\n")).collect::<String>())
        .unwrap();
    let config = dir.path().join("maillint.toml");
    let with_config = |toml: &str| {
        std::fs::write(&config, toml).unwrap();
        let args = ["check", "--verify", "--resolve", &resolve, "--verify-timeout", "5"];
        maillint(&[&args[..], &["--output-format", "concise", "muttrc"]].concat(), dir.path())
    };
    let (code, stdout, stderr) = with_config("[per-file-ignores]\n\"muttrc\" = [\"V001\"]\n");
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(!stdout.contains("V001"), "{stdout}");
    let (code, stdout, stderr) = with_config("[severity]\nverify-connect-failed = \"info\"\n");
    assert_eq!(code, 0, "an info finding does not fail the run: {stdout}{stderr}");
    assert!(stdout.contains("info[V001/verify-connect-failed]"), "{stdout}");
}

/// A listener that answers in plaintext on an implicit-TLS port is reported as not TLS.
#[test]
fn verify_reports_plaintext_on_a_tls_port() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = std::thread::spawn(move || {
        use std::io::Write;
        if let Ok((mut stream, _)) = listener.accept() {
            let _ = stream.write_all(b"* OK plaintext IMAP ready\r\n");
            std::thread::sleep(std::time::Duration::from_millis(300));
        }
    });
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("muttrc"),
        format!("set folder = \"imaps://mail.example.test:{port}/\"\n"),
    )
    .unwrap();
    let (code, stdout, stderr) = check_muttrc_with_verify(dir.path(), port);
    server.join().unwrap();
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert!(stdout.contains("error[V002/verify-not-tls]"), "{stdout}");
}

/// `scan --verify` probes each server once for all the homes that name it, and reports it in
/// every home at the line that names it; without `--verify` nothing connects.
#[test]
fn scan_verify_probes_a_shared_server_once_and_reports_it_for_every_user() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    // A server that accepts and hangs up at once (a reset or a close, as the timing falls).
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let accepted = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&accepted);
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            counter.fetch_add(1, Ordering::SeqCst);
            drop(stream);
        }
    });
    let root = tempfile::tempdir().unwrap();
    for user in ["alice", "bob"] {
        let home = root.path().join(user);
        std::fs::create_dir(&home).unwrap();
        std::fs::write(
            home.join(".muttrc"),
            format!("# {user}\nset folder = \"imaps://mail.example.test:{port}/\"\n"),
        )
        .unwrap();
    }
    let root_arg = root.path().to_str().unwrap();
    let (_, stdout, stderr) =
        maillint(&["scan", "--all-users", root_arg, "--output-format", "concise"], root.path());
    assert!(!stdout.contains("V001"), "{stdout}{stderr}");
    assert_eq!(accepted.load(Ordering::SeqCst), 0, "scan without --verify connected");

    let resolve = format!("mail.example.test:{port}:127.0.0.1");
    let args = [
        "scan",
        "--all-users",
        root_arg,
        "--verify",
        "--resolve",
        &resolve,
        "--verify-timeout",
        "5",
        "--output-format",
        "concise",
    ];
    let (code, stdout, stderr) = maillint(&args, root.path());
    assert_eq!(code, 1, "{stdout}{stderr}");
    let verify_lines: Vec<&str> =
        stdout.lines().filter(|l| l.starts_with('[') && l.contains("V001")).collect();
    assert_eq!(verify_lines.len(), 2, "{stdout}");
    for (line, user) in verify_lines.iter().zip(["alice", "bob"]) {
        assert!(line.starts_with(&format!("[{user}/mutt] ")), "{line}");
        assert!(line.contains(".muttrc:2:15: error[V001/verify-connect-failed]"), "{line}");
        assert!(line.contains(&format!("IMAP server mail.example.test:{port}: ")), "{line}");
    }
    assert!(stdout.contains("Found 2 errors"), "the summary counts the verify findings:\n{stdout}");
    assert_eq!(accepted.load(Ordering::SeqCst), 1, "one probe for the server both homes name");
}
