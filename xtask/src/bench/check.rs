//! `cargo xtask bench --check`: the short version of the benchmark that CI runs. It times
//! nothing; it checks that the work was done. A small real-size tree is generated, `scan` and
//! `check` run over it, and each must report every mistake planted in the `prefs.js` files: an
//! unencrypted IMAP and SMTP connection (T003) for each plaintext account, an opportunistic
//! STARTTLS (T004) for each opportunistic one. `scan` must also say that it scanned every home
//! and found mail configuration in each, and write the homes' findings in home order (its
//! output is streamed home by home; `crates/maillint-cli/tests/scan_stream.rs` proves that it
//! starts before the walk ends). A parser that skipped prefs, a reader that skipped files, or
//! a scan that lost or reordered homes to go faster fails here, never a slow machine.

use std::path::Path;
use std::process::{Command, Stdio};

use super::tree::{self, Shape};

/// Homes in the checked tree: a few seconds on a loaded machine.
pub const HOMES: usize = 40;

/// Generates the tree under `dir`, runs both commands of `maillint` and compares what they
/// report with what was planted. Returns the summary line.
pub fn run(maillint: &Path, dir: &Path, homes: usize) -> Result<String, String> {
    let stats = tree::generate(dir, homes, 5, Shape::Real)?;
    let planted = stats.planted;
    if planted.plaintext == 0 || planted.opportunistic == 0 {
        return Err(format!("the {homes} homes hold no planted mistakes: use more homes"));
    }
    let mut summary = format!("bench --check: {homes} homes, {} files", stats.files);
    for (name, args) in [("scan", &["scan", "--all-users"][..]), ("check", &["check"][..])] {
        let output = Command::new(maillint)
            .args(args)
            .arg(dir)
            .args(["--output-format", "json-lines", "--exit-zero"])
            .stdin(Stdio::null())
            .output()
            .map_err(|e| format!("{}: {e}", maillint.display()))?;
        if !output.status.success() {
            return Err(format!("maillint {name} failed ({})", output.status));
        }
        let lines = String::from_utf8_lossy(&output.stdout);
        if name == "scan" {
            every_home_in_order(&lines, &String::from_utf8_lossy(&output.stderr), homes)?;
        }
        for (code, accounts) in [("T003", planted.plaintext), ("T004", planted.opportunistic)] {
            // One finding for the IMAP and one for the SMTP server of each account.
            let expected = 2 * accounts;
            let found = count(&lines, code);
            if found != expected {
                return Err(format!(
                    "maillint {name}: {found} {code} findings in prefs.js files, {expected} \
                     planted ({accounts} accounts, IMAP and SMTP each)"
                ));
            }
            summary.push_str(&format!(", {name} {code} {found}/{expected}"));
        }
    }
    Ok(summary)
}

/// `scan`'s summary (on standard error with json-lines) counts every home as one with mail
/// configuration, and the findings come home after home, in the order of the homes' names.
fn every_home_in_order(lines: &str, summary: &str, homes: usize) -> Result<(), String> {
    let scanned = format!("Scanned {homes} homes ({homes} with mail configuration)");
    if !summary.contains(&scanned) {
        let first = summary.lines().find(|l| l.starts_with("Scanned")).unwrap_or("no summary");
        return Err(format!("maillint scan: `{first}`, expected `{scanned}`"));
    }
    let users: Vec<&str> = lines.lines().filter_map(user_of).collect();
    if let Some(pair) = users.windows(2).find(|pair| pair[0] > pair[1]) {
        return Err(format!("maillint scan: {}'s findings came after {}'s", pair[1], pair[0]));
    }
    if users.is_empty() {
        return Err("maillint scan: no finding names its user".to_owned());
    }
    Ok(())
}

/// The `"user"` of a JSON line, which the scan writes first.
fn user_of(line: &str) -> Option<&str> {
    let rest = line.strip_prefix(r#"{"user":""#)?;
    rest.split_once('"').map(|(user, _)| user)
}

/// JSON lines of findings of rule `code` in a `prefs.js`.
fn count(lines: &str, code: &str) -> u64 {
    let code = format!("\"code\":\"{code}\"");
    lines.lines().filter(|line| line.contains(&code) && line.contains("/prefs.js\"")).count() as u64
}
