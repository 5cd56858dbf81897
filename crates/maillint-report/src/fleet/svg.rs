//! The HTML report's charts, drawn here as inline SVG: nothing is fetched when the report is
//! viewed, and nothing but numbers and escaped labels goes into them.

use std::fmt::Write as _;

use super::html::esc;
use super::model::{RuleRow, ServerRow};
use super::summary::server_name;

/// Bars per chart: the rest is in the tables below.
const BARS: usize = 12;
const WIDTH: usize = 560;
const LABEL: usize = 250;
const BAR: usize = 20;

/// Colour per security setting, from worst to best (legend order).
const SECURITY_COLOURS: [(&str, &str); 5] = [
    ("none", "#cf222e"),
    ("starttls-optional", "#e16f24"),
    ("unknown", "#8c959f"),
    ("starttls-required", "#4493f8"),
    ("implicit-tls", "#1a7f37"),
];

fn open(out: &mut String, id: &str, title: &str, rows: usize, extra: usize) {
    let height = rows * BAR + 8 + extra;
    let _ = write!(
        out,
        r#"<svg id="{id}" role="img" aria-label="{title}" width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}" xmlns="http://www.w3.org/2000/svg">"#,
        title = esc(title)
    );
}

/// A label cut to fit the label column.
fn label(text: &str) -> String {
    const MAX: usize = 36;
    if text.chars().count() <= MAX {
        return esc(text);
    }
    let cut: String = text.chars().take(MAX - 1).collect();
    esc(&format!("{cut}…"))
}

/// Horizontal bars: users affected per rule, most first.
pub fn users_per_rule(rules: &[RuleRow]) -> String {
    let rules = &rules[..rules.len().min(BARS)];
    let max = rules.iter().map(|r| r.users).max().unwrap_or(0).max(1);
    let mut out = String::new();
    open(&mut out, "chart-rules", "Users affected per rule", rules.len(), 0);
    let span = WIDTH - LABEL - 60;
    for (i, rule) in rules.iter().enumerate() {
        let y = i * BAR + 4;
        let width = (rule.users * span).div_ceil(max).max(1);
        let colour = if rule.counts.errors > 0 { "#cf222e" } else { "#bf8700" };
        let name = format!("{} {}", rule.code, rule.name);
        let _ = write!(
            out,
            r#"<text x="0" y="{ty}">{name}</text><rect x="{LABEL}" y="{y}" width="{width}" height="{h}" fill="{colour}"><title>{title}</title></rect><text x="{tx}" y="{ty}" class="value">{users}</text>"#,
            ty = y + 14,
            name = label(&name),
            h = BAR - 6,
            title =
                esc(&format!("{name}: {} users, {} findings", rule.users, rule.counts.findings)),
            tx = LABEL + width + 6,
            users = rule.users,
        );
    }
    out.push_str("</svg>");
    out
}

/// Stacked bars: each server's accounts by the security they use, the most used servers first,
/// with a legend.
pub fn security_by_server(servers: &[ServerRow]) -> String {
    let servers = &servers[..servers.len().min(BARS)];
    let max = servers.iter().map(|s| s.security.values().sum::<usize>()).max().unwrap_or(0).max(1);
    let mut out = String::new();
    open(&mut out, "chart-servers", "Security by server (accounts)", servers.len(), 24);
    let span = WIDTH - LABEL - 60;
    for (i, server) in servers.iter().enumerate() {
        let y = i * BAR + 4;
        let _ = write!(out, r#"<text x="0" y="{}">{}</text>"#, y + 14, label(&server_name(server)));
        let mut x = LABEL;
        for (security, colour) in SECURITY_COLOURS {
            let Some(&count) = server.security.get(security) else { continue };
            let width = (count * span).div_ceil(max).max(1);
            let title = format!("{}: {count} accounts with {security}", server_name(server));
            let _ = write!(
                out,
                r#"<rect x="{x}" y="{y}" width="{width}" height="{h}" fill="{colour}"><title>{title}</title></rect>"#,
                h = BAR - 6,
                title = esc(&title),
            );
            x += width;
        }
        let total: usize = server.security.values().sum();
        let _ = write!(out, r#"<text x="{}" y="{}" class="value">{total}</text>"#, x + 6, y + 14);
    }
    let y = servers.len() * BAR + 12;
    let mut x = 0;
    for (security, colour) in SECURITY_COLOURS {
        let _ = write!(
            out,
            r#"<rect x="{x}" y="{y}" width="10" height="10" fill="{colour}"/><text x="{tx}" y="{ty}">{security}</text>"#,
            tx = x + 14,
            ty = y + 10,
        );
        x += 34 + security.len() * 7;
    }
    out.push_str("</svg>");
    out
}
