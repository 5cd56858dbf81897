//! `--output-format html`: the scan report as one self-contained page for the admin.
//!
//! One file: the style, the script (sortable and filterable tables) and the charts (inline SVG
//! from [`svg`](super::svg)) are inside it; nothing is fetched when it is viewed, and it prints.
//! Everything that comes from a user's files or folder names is escaped ([`esc`]), and the
//! page's Content-Security-Policy lets only its own script run (by hash), so a home named
//! `<script>…` shows as text and could not run even if an escape were missed.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{self, Write};

use serde_json::Value;
use sha2::{Digest as _, Sha256};

use super::digest::Digest;
use super::model::{ScanReport, UserRow};
use super::summary::{security_mix, user_name};
use super::svg;
use crate::escape;

const SCRIPT: &str = include_str!("report.js");
const STYLE: &str = include_str!("report.css");

/// Text for HTML (and SVG) text and attribute values: control and bidi characters made visible
/// first (as in every human format), then `& < > " '` escaped.
pub fn esc(text: &str) -> String {
    let visible = escape::line(text);
    let mut out = String::with_capacity(visible.len());
    for c in visible.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Standard base64 (RFC 4648 section 4), for the script's hash in the CSP.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |n, (i, &b)| n | u32::from(b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[(n >> (18 - 6 * i)) as usize & 63]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Writes the page of a report that kept its rows.
pub fn render(report: &ScanReport, out: &mut dyn Write) -> io::Result<()> {
    render_with(report, &Digest::of(report), out)
}

/// Writes the page of `report`, each server's number of users from `digest` (a scan's report
/// counts them instead of listing them: [`ReportBuilder::page`](super::ReportBuilder::page)).
pub fn render_with(report: &ScanReport, digest: &Digest, out: &mut dyn Write) -> io::Result<()> {
    let mut page = String::new();
    head(report, &mut page);
    headline(report, &mut page);
    charts(report, &mut page);
    users(report, &mut page);
    servers(report, digest, &mut page);
    rules(report, &mut page);
    problems(report, &mut page);
    findings(report, &mut page);
    let _ = write!(page, "<script>{SCRIPT}</script>\n</body>\n</html>\n");
    out.write_all(page.as_bytes())
}

fn head(report: &ScanReport, page: &mut String) {
    let hash = base64(&Sha256::digest(SCRIPT.as_bytes()));
    let title = match &report.host {
        Some(host) => format!("maillint scan report: {}", esc(host)),
        None => "maillint scan report".to_owned(),
    };
    let _ = write!(
        page,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; \
         style-src 'unsafe-inline'; script-src 'sha256-{hash}'\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{title}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<h1>{title}</h1>\n\
         <p class=\"meta\">{} {}{}</p>\n",
        esc(&report.tool.name),
        esc(&report.tool.version),
        if report.verified { " · servers verified (--verify)" } else { "" },
    );
}

fn headline(report: &ScanReport, page: &mut String) {
    let t = &report.totals;
    let mut items = vec![
        ("homes", "Homes scanned", t.homes),
        ("users-with-config", "With mail configuration", t.users_with_config),
        ("users-affected", "Users affected", t.users_affected),
        ("users-clean", "Users clean", t.users_clean),
        ("accounts", "Accounts", t.accounts),
        ("servers", "Servers", t.servers),
        ("errors", "Errors", t.counts.errors),
        ("warnings", "Warnings", t.counts.warnings),
        ("fixable", "Fixable with --fix", t.counts.fixable),
        ("problems", "Not checked (problems)", t.problems),
    ];
    if t.hosts > 1 {
        items.insert(0, ("hosts", "Hosts", t.hosts));
    }
    if let Some(baseline) = &report.baseline {
        items.push(("baseline-known", "Known (baseline)", baseline.known));
        items.push(("baseline-fixed", "Fixed since baseline", baseline.fixed));
    }
    page.push_str("<dl class=\"headline\">\n");
    for (id, label, value) in items {
        let _ = writeln!(page, "<div><dt>{label}</dt><dd id=\"total-{id}\">{value}</dd></div>");
    }
    page.push_str("</dl>\n");
}

fn charts(report: &ScanReport, page: &mut String) {
    if report.rules.is_empty() && report.servers.is_empty() {
        return;
    }
    page.push_str("<div class=\"charts\">\n");
    if !report.rules.is_empty() {
        let _ = writeln!(
            page,
            "<figure><figcaption>Users affected per rule</figcaption>{}</figure>",
            svg::users_per_rule(&report.rules)
        );
    }
    if !report.servers.is_empty() {
        let _ = writeln!(
            page,
            "<figure><figcaption>Security by server (accounts)</figcaption>{}</figure>",
            svg::security_by_server(&report.servers)
        );
    }
    page.push_str("</div>\n");
}

/// A sortable table's head, with its filter box. Numeric columns end with `#`.
fn table_head(page: &mut String, id: &str, title: &str, columns: &[&str]) {
    let _ = write!(
        page,
        "<h2 id=\"{id}-title\">{title}</h2>\n<input type=\"search\" placeholder=\"Filter…\" \
         aria-label=\"Filter {title}\" data-filter=\"{id}\">\n\
         <table id=\"{id}\" class=\"sortable\"><thead><tr>"
    );
    for column in columns {
        match column.strip_suffix('#') {
            Some(name) => {
                let _ = write!(page, "<th class=\"n\">{name}</th>");
            }
            None => {
                let _ = write!(page, "<th>{column}</th>");
            }
        }
    }
    page.push_str("</tr></thead><tbody>\n");
}

fn num(page: &mut String, n: usize) {
    let _ = write!(page, "<td class=\"n\">{n}</td>");
}

fn users(report: &ScanReport, page: &mut String) {
    let merged = report.totals.hosts > 1;
    let mut columns = vec![
        "User",
        "Clients",
        "Accounts#",
        "Errors#",
        "Warnings#",
        "Fixable#",
        "Top rule",
        "Problems#",
        "Clean",
    ];
    if merged {
        columns.insert(0, "Host");
    }
    table_head(page, "users", "Users", &columns);
    for user in &report.users {
        page.push_str("<tr>");
        if merged {
            let _ = write!(page, "<td>{}</td>", esc(user.host.as_deref().unwrap_or("")));
        }
        let _ = write!(
            page,
            "<td><a href=\"#findings-{}\">{}</a></td><td>{}</td>",
            anchor(user),
            esc(&user.user),
            esc(&user.clients.join(", "))
        );
        num(page, user.accounts);
        num(page, user.counts.errors);
        num(page, user.counts.warnings);
        num(page, user.counts.fixable);
        let _ = write!(page, "<td>{}</td>", esc(user.top_rule.as_deref().unwrap_or("")));
        num(page, user.problems);
        let clean = if user.clean { "<td class=\"ok\">yes</td>" } else { "<td>no</td>" };
        let _ = writeln!(page, "{clean}</tr>");
    }
    page.push_str("</tbody></table>\n");
}

/// The id of a user's findings: host and user, hex-encoded so that any name makes a valid id.
fn anchor(user: &UserRow) -> String {
    let name = user_name(user);
    name.bytes().map(|b| format!("{b:02x}")).collect()
}

fn servers(report: &ScanReport, digest: &Digest, page: &mut String) {
    if report.servers.is_empty() {
        return;
    }
    table_head(
        page,
        "servers",
        "Servers",
        &["Protocol", "Host", "Port#", "Users#", "Accounts#", "Findings#", "Security", "Verify"],
    );
    for server in &report.servers {
        let _ =
            write!(page, "<tr><td>{}</td><td>{}</td>", esc(&server.protocol), esc(&server.host));
        let _ = write!(
            page,
            "<td class=\"n\">{}</td>",
            server.port.map_or(String::new(), |p| p.to_string())
        );
        num(page, digest.users_of(server));
        num(page, server.accounts);
        num(page, server.findings);
        let verify = match &server.verify {
            None => "not run".to_owned(),
            Some(v) if v.problems.is_empty() => esc(&v.status),
            Some(v) => v
                .problems
                .iter()
                .map(|p| {
                    format!("<span class=\"error\">{}</span> {}", esc(&p.code), esc(&p.message))
                })
                .collect::<Vec<_>>()
                .join("<br>"),
        };
        let _ = writeln!(page, "<td>{}</td><td>{verify}</td></tr>", esc(&security_mix(server)));
    }
    page.push_str("</tbody></table>\n");
}

fn rules(report: &ScanReport, page: &mut String) {
    if report.rules.is_empty() {
        return;
    }
    table_head(
        page,
        "rules",
        "Rules",
        &["Code", "Rule", "Users#", "Findings#", "Errors#", "Warnings#", "Infos#", "Fixable#"],
    );
    for rule in &report.rules {
        let _ = write!(page, "<tr><td>{}</td><td>{}</td>", esc(&rule.code), esc(&rule.name));
        let c = &rule.counts;
        for n in [rule.users, c.findings, c.errors, c.warnings, c.infos, c.fixable] {
            num(page, n);
        }
        page.push_str("</tr>\n");
    }
    page.push_str("</tbody></table>\n");
}

fn problems(report: &ScanReport, page: &mut String) {
    if report.problems.is_empty() {
        return;
    }
    table_head(
        page,
        "problems",
        "Problems met while scanning (not checked)",
        &["User", "Kind", "Path", "What happened"],
    );
    for p in &report.problems {
        let user = match &p.host {
            Some(host) => format!("{host}/{}", p.user),
            None => p.user.clone(),
        };
        let _ = writeln!(
            page,
            "<tr><td>{}</td><td>{}</td><td><code>{}</code></td><td>{}</td></tr>",
            esc(&user),
            esc(&p.kind),
            esc(&p.path),
            esc(&p.message)
        );
    }
    page.push_str("</tbody></table>\n");
}

fn text<'a>(finding: &'a Value, field: &str) -> &'a str {
    finding.get(field).and_then(Value::as_str).unwrap_or("")
}

fn findings(report: &ScanReport, page: &mut String) {
    let Some(findings) = &report.findings else { return };
    let _ = writeln!(page, "<h2 id=\"findings\">Findings ({})</h2>", findings.len());
    let mut by_user: BTreeMap<(Option<&str>, &str), Vec<&Value>> = BTreeMap::new();
    for finding in findings {
        let host = finding.get("scan_host").and_then(Value::as_str);
        by_user.entry((host, text(finding, "user"))).or_default().push(finding);
    }
    for user in &report.users {
        let Some(list) = by_user.get(&(user.host.as_deref(), user.user.as_str())) else { continue };
        let _ = writeln!(
            page,
            "<section id=\"findings-{}\"><h3>{} ({})</h3>",
            anchor(user),
            esc(&user_name(user)),
            list.len()
        );
        for finding in list {
            one_finding(finding, page);
        }
        page.push_str("</section>\n");
    }
}

fn one_finding(finding: &Value, page: &mut String) {
    let severity = text(finding, "severity");
    let line = finding.get("line").and_then(Value::as_u64).unwrap_or(0);
    let column = finding.get("column").and_then(Value::as_u64).unwrap_or(0);
    let _ = write!(
        page,
        "<article class=\"finding sev-{sev}\"><p><span class=\"{sev}\">{sev}</span> \
         <code>{code}</code> {rule}: {message}</p><p class=\"where\">{path}:{line}:{column}</p>",
        sev = esc(severity),
        code = esc(text(finding, "code")),
        rule = esc(text(finding, "rule")),
        message = esc(text(finding, "message")),
        path = esc(text(finding, "path")),
    );
    let why = text(finding, "why");
    if !why.is_empty() {
        let _ = write!(page, "<p><b>Why:</b> {}</p>", esc(why));
    }
    let help = text(finding, "help");
    if !help.is_empty() {
        let _ = write!(page, "<p><b>Fix:</b> {}</p>", esc(help));
    }
    if let Some(fix) = finding.get("fix").filter(|f| f.is_object()) {
        let _ = write!(
            page,
            "<p><b>maillint can fix it</b> ({}): {}</p>",
            esc(text(fix, "applicability")),
            esc(text(fix, "title"))
        );
    }
    page.push_str("</article>\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_rfc_4648_test_vectors() {
        // RFC 4648 section 10.
        let cases = [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ];
        for (plain, encoded) in cases {
            assert_eq!(base64(plain.as_bytes()), encoded);
        }
    }

    #[test]
    fn names_from_homes_are_text_never_markup() {
        let mut report =
            ScanReport::empty(super::super::ReportOptions { findings: true, verified: false });
        report.users.push(UserRow {
            user: "<script>alert(1)</script>\u{202e}".into(),
            ..UserRow::default()
        });
        report.findings = Some(vec![
            serde_json::json!({"user": "<script>alert(1)</script>\u{202e}", "message": "<img src=x onerror=alert(1)>", "severity": "error"}),
        ]);
        let mut out = Vec::new();
        render(&report, &mut out).unwrap();
        let page = String::from_utf8(out).unwrap();
        assert!(!page.contains("<script>alert") && !page.contains("<img src=x"), "{page}");
        assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;\\u{202e}"), "{page}");
        assert!(page.contains("&lt;img src=x onerror=alert(1)&gt;"));
        assert_eq!(page.matches("<script>").count(), 1, "only the report's own script");
    }
}
