//! Every real-world muttrc of the shared corpus parses without a panic, and a compact summary
//! of what maillint makes of it (diagnostics with line:column, accounts, endpoints with the
//! origin of every value) is pinned in a reviewed snapshot.
//!
//! The corpus is read from `../shared/corpus/muttrc`; when it is absent the test says so and
//! returns.

// Tests report what they skipped and what they compared on stderr.
#![allow(clippy::print_stderr)]

mod support;

use std::path::Path;

use maillint_core::{Located, Origin, ParsedUnit, Sources, Span};
use serde::Serialize;
use support::*;

#[derive(Serialize)]
struct Summary {
    diagnostics: Vec<String>,
    secrets: usize,
    accounts: Vec<AccountSummary>,
}

#[derive(Serialize)]
struct AccountSummary {
    name: String,
    email: Option<String>,
    endpoints: Vec<Vec<String>>,
}

fn at(sources: &Sources, span: Span) -> String {
    let start = sources.start(span);
    let file = if span.file == ROOT {
        String::new()
    } else {
        let path = sources.get(span.file).path();
        format!("{}:", path.file_name().map(|n| n.to_string_lossy()).unwrap_or_default())
    };
    format!("{file}{}:{}", start.line, start.column)
}

fn located<T: std::fmt::Display>(sources: &Sources, label: &str, value: &Located<T>) -> String {
    let origin = match &value.origin {
        Origin::Explicit => "explicit".to_owned(),
        Origin::Default { reason } => format!("default ({reason})"),
        Origin::Derived { reason } => format!("derived ({reason})"),
    };
    format!("{label} {} @ {} {origin}", value.value, at(sources, value.span))
}

fn summary(sources: &Sources, unit: &ParsedUnit) -> Summary {
    let diagnostics = unit
        .diagnostics
        .iter()
        .map(|d| format!("{} {} {}: {}", at(sources, d.span), d.severity, d.rule.name, d.message))
        .collect();
    let accounts = unit
        .accounts
        .iter()
        .map(|a| AccountSummary {
            name: a.name.clone(),
            email: a.email.as_ref().map(|e| located(sources, "email", e)),
            endpoints: a
                .endpoints
                .iter()
                .map(|e| {
                    let mut lines = vec![format!("{} {}", e.protocol, e.locator)];
                    lines.extend(e.host.as_ref().map(|h| located(sources, "host", h)));
                    lines.extend(e.port.as_ref().map(|p| located(sources, "port", p)));
                    lines.push(located(sources, "security", &e.security));
                    lines.push(located(sources, "auth", &e.auth));
                    lines.extend(e.username.as_ref().map(|u| located(sources, "user", u)));
                    lines.extend(
                        e.certificate_verification_disabled
                            .as_ref()
                            .map(|c| located(sources, "certificate-checks-off", c)),
                    );
                    for s in &e.secrets {
                        lines.push(format!("secret {} @ {}", s.setting, at(sources, s.span)));
                    }
                    for v in &e.tls_versions {
                        lines.push(format!(
                            "tls-version {} @ {}",
                            v.value.display_name(),
                            at(sources, v.span)
                        ));
                    }
                    lines
                })
                .collect(),
        })
        .collect();
    Summary { diagnostics, secrets: unit.secrets.len(), accounts }
}

fn corpus_dir() -> Option<std::path::PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/muttrc");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("SKIPPED: muttrc corpus not found at {}", dir.display());
        None
    }
}

#[test]
fn every_corpus_muttrc_parses_and_matches_its_snapshot() {
    let Some(dir) = corpus_dir() else { return };
    let files = files_under(&dir);
    assert_eq!(files.len(), 26, "the corpus has 26 muttrc files");
    for path in files {
        let (sources, unit) = parse_file(&path);
        // A secret's text never appears in a message.
        for diagnostic in &unit.diagnostics {
            for secret in &unit.secrets {
                let text = sources.slice(*secret);
                if text.len() >= 6 {
                    assert!(
                        !diagnostic.message.contains(text),
                        "{}: secret in a message",
                        path.display()
                    );
                }
            }
        }
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        insta::assert_yaml_snapshot!(name, summary(&sources, &unit));
    }
}

#[test]
fn truncated_and_mangled_corpus_files_do_not_panic() {
    let Some(dir) = corpus_dir() else { return };
    for path in files_under(&dir) {
        let bytes = std::fs::read(&path).unwrap();
        let text = String::from_utf8_lossy(&bytes).into_owned();
        // Cut at many points (inside quotes, escapes, continuations).
        let step = (text.len() / 97).max(1);
        for cut in (0..text.len()).step_by(step) {
            let cut = (0..=cut).rev().find(|&i| text.is_char_boundary(i)).unwrap();
            parse_text(&text[..cut]);
        }
        // Swap quotes, backslashes and separators around.
        let mangled: String = text
            .chars()
            .map(|c| match c {
                '"' => '\'',
                '\'' => '`',
                '=' => '\\',
                ';' => '"',
                other => other,
            })
            .collect();
        parse_text(&mangled);
    }
}
