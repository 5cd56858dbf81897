//! Differential test: NeoMutt itself is the reference for what a muttrc means.
//!
//! For every muttrc fixture and every corpus muttrc that runs nothing, `neomutt -n -F FILE -Q
//! VAR` (mutt.md section 6) prints the values NeoMutt computed; maillint's
//! `effective_variables` must agree on every value it claims to know. A value maillint
//! declares unknown (it needs a command or the environment) is counted, not compared.
//!
//! Sandbox: the file is never one that runs a command (no backticks, no `source "cmd |"`, no
//! Lua, in the file or anything it sources); NeoMutt runs with an empty environment, HOME set
//! to a fresh temporary folder, stdin closed, no network (a new network namespace through
//! `unshare -rn`), and a timeout.
//!
//! Without `neomutt` on PATH the test fails when `CI` is set and is skipped loudly otherwise.
//! `MAILLINT_ORACLE_VERBOSE=1` prints every value compared.

// Tests report what they skipped and what they compared on stderr.
#![allow(clippy::print_stderr)]

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use maillint_core::{ParseOptions, Sources};
use maillint_mutt::{EffectiveValue, NEOMUTT_VERSION, effective_variables};

/// The variables compared (the brief of this test; mutt.md section 4).
const VARIABLES: [&str; 8] = [
    "folder",
    "spool_file",
    "smtp_url",
    "imap_user",
    "ssl_force_tls",
    "ssl_starttls",
    "ssl_verify_host",
    "ssl_verify_dates",
];

const TIMEOUT: Duration = Duration::from_secs(20);

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn muttrc_files() -> Vec<PathBuf> {
    let mut files = Vec::new();
    let fixtures = workspace().join("fixtures/mutt");
    collect(&fixtures, &mut files, &|p| p.extension().is_some_and(|e| e == "muttrc"));
    assert!(!files.is_empty(), "no fixtures found under {}", fixtures.display());
    if let Some(corpus) = maillint_core::testing::corpus_dir(env!("CARGO_MANIFEST_DIR"), "muttrc") {
        collect(&corpus, &mut files, &|_| true);
    }
    files.sort();
    files
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>, keep: &dyn Fn(&Path) -> bool) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, out, keep);
        } else if keep(&path) {
            out.push(path);
        }
    }
}

fn available(program: &str, args: &[&str]) -> bool {
    Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Why a file must not be given to NeoMutt: it (or a file it sources) would run something.
/// Only logical lines that are wholly comments are ignored (a `\` at the end of a line joins
/// the next one, as NeoMutt does); anything else with a backtick, `source ... |` or Lua is
/// refused.
fn runs_something(sources: &Sources) -> Option<String> {
    for (_, file) in sources.iter() {
        let mut logical = String::new();
        for (number, line) in file.text().split('\n').enumerate() {
            let line = line.strip_suffix('\r').unwrap_or(line);
            if let Some(joined) = line.strip_suffix('\\') {
                logical.push_str(joined);
                continue;
            }
            logical.push_str(line);
            let code = std::mem::take(&mut logical);
            let code = code.trim_start();
            if code.starts_with('#') {
                continue;
            }
            let first = code.split_whitespace().next().unwrap_or("");
            let reason = if code.contains('`') {
                "backtick"
            } else if code.contains('|') && code.contains("source") {
                "source of a command"
            } else if first.starts_with("lua") {
                "Lua"
            } else {
                continue;
            };
            return Some(format!("{}:{}: {reason}", file.path().display(), number + 1));
        }
    }
    None
}

fn unquote(value: &str) -> String {
    let inner = value.strip_prefix('"').and_then(|v| v.strip_suffix('"')).unwrap_or(value);
    let mut out = String::new();
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some('r') => out.push('\r'),
                Some(other) => out.push(other),
                None => out.push('\\'),
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// `neomutt -n -F file -Q var` in the sandbox; returns the printed value.
fn query(file: &Path, var: &str, home: &Path, network_namespace: bool) -> Result<String, String> {
    let mut command = if network_namespace {
        let mut c = Command::new("unshare");
        c.args(["-rn", "neomutt"]);
        c
    } else {
        Command::new("neomutt")
    };
    command
        .arg("-n")
        .arg("-F")
        .arg(file)
        .arg("-Q")
        .arg(var)
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .env("HOME", home)
        .current_dir(home)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command.spawn().map_err(|e| format!("cannot start neomutt: {e}"))?;
    let deadline = Instant::now() + TIMEOUT;
    loop {
        match child.try_wait() {
            Ok(Some(_)) => break,
            Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(5)),
            Ok(None) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!("neomutt timed out after {TIMEOUT:?}"));
            }
            Err(e) => return Err(format!("waiting for neomutt: {e}")),
        }
    }
    let mut stdout = String::new();
    child.stdout.take().expect("piped").read_to_string(&mut stdout).map_err(|e| e.to_string())?;
    let prefix = format!("set {var} = ");
    stdout
        .lines()
        .find_map(|line| line.strip_prefix(&prefix).map(unquote))
        .ok_or_else(|| format!("no `{prefix}` line in neomutt's output: {stdout:?}"))
}

#[test]
fn neomutt_agrees_with_maillint_on_every_safe_muttrc() {
    let in_ci = std::env::var_os("CI").is_some();
    if !available("neomutt", &["-v"]) {
        if in_ci {
            panic!("neomutt is not installed; CI must run this test (apt-get install neomutt)");
        }
        eprintln!(
            "\n========\nSKIPPED: neomutt not installed (apt-get install neomutt)\n========\n"
        );
        return;
    }
    let network_namespace = available("unshare", &["-rn", "true"]);
    if !network_namespace {
        if in_ci {
            panic!(
                "`unshare -rn` does not work here, so neomutt cannot run without network; allow \
                 unprivileged user namespaces (sysctl kernel.apparmor_restrict_unprivileged_userns=0) \
                 or run the test as root"
            );
        }
        eprintln!(
            "\n========\nSKIPPED: `unshare -rn` unavailable: neomutt cannot be cut off the \
             network\n========\n"
        );
        return;
    }
    let version = Command::new("neomutt").arg("-v").output().expect("neomutt -v");
    let version = String::from_utf8_lossy(&version.stdout).lines().next().unwrap_or("").to_owned();
    assert_eq!(
        version, NEOMUTT_VERSION,
        "the variable tables were generated from {NEOMUTT_VERSION}; regenerate them \
         (tools/gen_neomutt_tables.py) for {version}"
    );

    let mut mismatches = Vec::new();
    let (mut files_compared, mut values_compared, mut values_unknown) = (0, 0, 0);
    let mut skipped = Vec::new();
    for path in muttrc_files() {
        let path = std::fs::canonicalize(&path).expect("canonical path");
        let home = tempfile::tempdir().expect("temporary home");
        let options =
            ParseOptions { home: Some(home.path().to_path_buf()), ..ParseOptions::default() };
        let mut sources = Sources::new();
        let root = sources.load(&path).expect("read muttrc");
        let effective = effective_variables(root, &mut sources, &options);
        if let Some(reason) = runs_something(&sources) {
            skipped.push(format!("{} ({reason})", path.display()));
            continue;
        }
        files_compared += 1;
        for var in VARIABLES {
            let ours = effective.get(var).unwrap_or_else(|| panic!("{var} is not in the tables"));
            let EffectiveValue::Known(ours) = ours else {
                values_unknown += 1;
                continue;
            };
            match query(&path, var, home.path(), network_namespace) {
                Ok(theirs) => {
                    values_compared += 1;
                    if std::env::var_os("MAILLINT_ORACLE_VERBOSE").is_some() {
                        eprintln!("{}: {var} = {theirs:?}", path.display());
                    }
                    if *ours != theirs {
                        mismatches.push(format!(
                            "{}: {var}: neomutt {theirs:?}, maillint {ours:?}",
                            path.display()
                        ));
                    }
                }
                Err(e) => mismatches.push(format!("{}: {var}: {e}", path.display())),
            }
        }
    }
    eprintln!(
        "oracle ({version}): {files_compared} files compared, {values_compared} values equal or \
         reported below, {values_unknown} values unknown to maillint (not compared), {} files \
         skipped because they would run a command:",
        skipped.len()
    );
    for s in &skipped {
        eprintln!("  skipped {s}");
    }
    assert!(files_compared >= 10, "too few files compared: {files_compared}");
    assert!(mismatches.is_empty(), "maillint disagrees with neomutt:\n{}", mismatches.join("\n"));
}
