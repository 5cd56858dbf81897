//! The summary that ends `scan`'s human output (and `--summary-only`), printed from the
//! [`ScanReport`]: the headline numbers, users affected per rule, the servers most users point
//! at, the users with the most to fix, and the problems met while scanning.
//!
//! It fits one screen whatever the number of homes: every table shows its first
//! [`TABLE_ROWS`] rows and says how many more `report-json` lists. So a scan need not keep a
//! row per home to print it: what it prints about users, servers' users and problems comes
//! from a [`Digest`], folded as homes arrive.

use std::io::{self, Write};

use super::digest::Digest;
use super::model::{ScanReport, ServerRow, UserRow};
use crate::escape;

/// Rows per table: the summary of 2,000 homes stays within a screen. It also bounds what a
/// scan keeps of its users and problems for the summary ([`Digest`]).
pub const TABLE_ROWS: usize = 8;

fn plural(n: usize, word: &str) -> String {
    if n == 1 { format!("{n} {word}") } else { format!("{n} {word}s") }
}

/// Writes the summary of a report that kept its rows.
pub fn render(report: &ScanReport, out: &mut dyn Write) -> io::Result<()> {
    render_with(report, &Digest::of(report), out)
}

/// Writes the summary of `report` (its totals, rules and servers) and `digest` (the rest).
pub fn render_with(report: &ScanReport, digest: &Digest, out: &mut dyn Write) -> io::Result<()> {
    headline(report, digest, out)?;
    rules(report, out)?;
    servers(report, digest, out)?;
    worst_users(report, digest, out)?;
    problems(digest, out)
}

fn headline(report: &ScanReport, digest: &Digest, out: &mut dyn Write) -> io::Result<()> {
    let t = &report.totals;
    let on = if t.hosts > 1 { format!(" on {} hosts", t.hosts) } else { String::new() };
    writeln!(out)?;
    writeln!(
        out,
        "Scanned {}{on} ({} with mail configuration), {} read, {} found.",
        plural(t.homes, "home"),
        t.users_with_config,
        plural(t.files_read, "file"),
        plural(t.accounts, "account"),
    )?;
    if !digest.clients.is_empty() {
        let list: Vec<String> = digest
            .clients
            .iter()
            .map(|(c, n)| format!("{} {}", escape::line(c), plural(*n, "user")))
            .collect();
        writeln!(out, "Clients: {}.", list.join(", "))?;
    }
    if t.counts.findings == 0 {
        writeln!(out, "No findings.")?;
    } else {
        writeln!(
            out,
            "Found {}, {}, {} info ({} fixable with `maillint check --fix`).",
            plural(t.counts.errors, "error"),
            plural(t.counts.warnings, "warning"),
            t.counts.infos,
            t.counts.fixable
        )?;
    }
    if let Some(baseline) = &report.baseline {
        writeln!(
            out,
            "Baseline: {}, {} known and not shown, {} fixed since it was written.",
            plural(t.counts.findings, "new finding"),
            baseline.known,
            baseline.fixed
        )?;
    }
    writeln!(
        out,
        "Users: {} affected (an error or a warning), {} clean, {} where something could not be checked.",
        t.users_affected, t.users_clean, digest.users_with_problems
    )
}

/// `… and N more` when a table was cut.
fn more(out: &mut dyn Write, total: usize, what: &str) -> io::Result<()> {
    if total > TABLE_ROWS {
        writeln!(
            out,
            "  … and {} (report-json lists every one)",
            plural(total - TABLE_ROWS, what)
        )?;
    }
    Ok(())
}

fn rules(report: &ScanReport, out: &mut dyn Write) -> io::Result<()> {
    if report.rules.is_empty() {
        return Ok(());
    }
    let shown = &report.rules[..report.rules.len().min(TABLE_ROWS)];
    let width = shown.iter().map(|r| r.code.len() + 1 + r.name.len()).max().unwrap_or(4).max(4);
    writeln!(out)?;
    writeln!(
        out,
        "{:<width$} {:>7} {:>7} {:>7} {:>7} {:>7}",
        "RULE", "USERS", "ERROR", "WARNING", "INFO", "FIXABLE"
    )?;
    for rule in shown {
        let c = &rule.counts;
        let name = format!("{} {}", rule.code, escape::line(&rule.name));
        writeln!(
            out,
            "{name:<width$} {:>7} {:>7} {:>7} {:>7} {:>7}",
            rule.users, c.errors, c.warnings, c.infos, c.fixable
        )?;
    }
    more(out, report.rules.len(), "more rule")
}

/// `imap mail.example.org:993`.
pub fn server_name(server: &ServerRow) -> String {
    let host = escape::line(&server.host);
    match server.port {
        Some(port) => format!("{} {host}:{port}", server.protocol),
        None => format!("{} {host}", server.protocol),
    }
}

/// `tls 3, none 1`: accounts per security setting.
pub fn security_mix(server: &ServerRow) -> String {
    let parts: Vec<String> =
        server.security.iter().map(|(s, n)| format!("{} {n}", escape::line(s))).collect();
    parts.join(", ")
}

fn servers(report: &ScanReport, digest: &Digest, out: &mut dyn Write) -> io::Result<()> {
    if report.servers.is_empty() {
        return Ok(());
    }
    let shown = &report.servers[..report.servers.len().min(TABLE_ROWS)];
    let width = shown.iter().map(|s| server_name(s).chars().count()).max().unwrap_or(6).max(6);
    writeln!(out)?;
    let verify = if report.verified { "  VERIFY" } else { "" };
    writeln!(
        out,
        "{:<width$} {:>7} {:>8} {:>8}  SECURITY{verify}",
        "SERVER", "USERS", "ACCOUNTS", "FINDINGS"
    )?;
    for server in shown {
        let verify = match &server.verify {
            Some(v) if v.problems.is_empty() => format!("  {}", v.status),
            Some(v) => {
                let codes: Vec<&str> = v.problems.iter().map(|p| p.code.as_str()).collect();
                format!("  {}", codes.join(","))
            }
            None => String::new(),
        };
        writeln!(
            out,
            "{:<width$} {:>7} {:>8} {:>8}  {}{verify}",
            server_name(server),
            digest.users_of(server),
            server.accounts,
            server.findings,
            security_mix(server),
        )?;
    }
    more(out, report.servers.len(), "more server")
}

/// The user's name, with the host once reports are merged.
pub fn user_name(user: &UserRow) -> String {
    match &user.host {
        Some(host) => format!("{}/{}", escape::line(host), escape::line(&user.user)),
        None => escape::line(&user.user).into_owned(),
    }
}

fn worst_users(report: &ScanReport, digest: &Digest, out: &mut dyn Write) -> io::Result<()> {
    let shown = &digest.worst;
    if shown.is_empty() {
        return Ok(());
    }
    let width = shown.iter().map(|u| user_name(u).chars().count()).max().unwrap_or(4).max(4);
    writeln!(out)?;
    writeln!(out, "{:<width$} {:>7} {:>7} {:>7}  TOP RULE", "USER", "ERROR", "WARNING", "FIXABLE")?;
    for user in shown {
        let top = user.top_rule.as_deref().unwrap_or("");
        let name = report.rules.iter().find(|r| r.code == top).map_or("", |r| r.name.as_str());
        writeln!(
            out,
            "{:<width$} {:>7} {:>7} {:>7}  {top} {}",
            user_name(user),
            user.counts.errors,
            user.counts.warnings,
            user.counts.fixable,
            escape::line(name),
        )?;
    }
    more(out, digest.affected, "more affected user")
}

fn problems(digest: &Digest, out: &mut dyn Write) -> io::Result<()> {
    if digest.problems == 0 {
        return Ok(());
    }
    writeln!(out)?;
    writeln!(
        out,
        "{} met while scanning (what they hide was not checked):",
        plural(digest.problems, "problem")
    )?;
    for problem in &digest.first_problems {
        let user = match &problem.host {
            Some(host) => format!("{host}/{}", problem.user),
            None => problem.user.clone(),
        };
        writeln!(
            out,
            "  [{}] {}: {}",
            escape::line(&user),
            escape::line(&problem.path),
            escape::line(&problem.message)
        )?;
    }
    if digest.problems > TABLE_ROWS {
        let kinds: Vec<String> = digest
            .later_problem_kinds
            .iter()
            .map(|(k, n)| format!("{} {n}", escape::line(k)))
            .collect();
        writeln!(
            out,
            "  … and {} more ({}; report-json lists every one)",
            digest.problems - TABLE_ROWS,
            kinds.join(", ")
        )?;
    }
    Ok(())
}
