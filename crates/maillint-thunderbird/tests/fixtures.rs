//! The parser fixtures (`fixtures/thunderbird/parser/*/`), each parsed as a profile and
//! recorded in full: every diagnostic with its location, explanation, labels and fix edits,
//! and every account value with its origin, location and reason. The snapshots are reviewed
//! against `reference/thunderbird.md`.

mod common;

use std::path::Path;

use common::{Parsed, origin, parse_file};
use maillint_core::{Diagnostic, Located};
use serde::Serialize;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/thunderbird/parser");

#[derive(Serialize)]
struct Detail {
    files: Vec<String>,
    diagnostics: Vec<DiagnosticDetail>,
    accounts: Vec<AccountDetail>,
}

#[derive(Serialize)]
struct DiagnosticDetail {
    at: String,
    rule: String,
    message: String,
    why: Option<String>,
    help: Option<String>,
    labels: Vec<String>,
    fix: Option<String>,
}

#[derive(Serialize)]
struct AccountDetail {
    name: String,
    email: Option<String>,
    endpoints: Vec<EndpointDetail>,
}

#[derive(Serialize)]
struct EndpointDetail {
    locator: String,
    protocol: String,
    host: String,
    port: String,
    security: String,
    auth: String,
    username: String,
    secrets: Vec<String>,
}

fn value<T: std::fmt::Display>(parsed: &Parsed, located: Option<&Located<T>>) -> String {
    let Some(located) = located else { return "-".into() };
    let reason = located.reason().map(|r| format!(": {r}")).unwrap_or_default();
    format!(
        "{} ({} at {}{reason})",
        located.value,
        origin(&located.origin),
        parsed.at(located.span)
    )
}

fn diagnostic(parsed: &Parsed, d: &Diagnostic) -> DiagnosticDetail {
    DiagnosticDetail {
        at: parsed.at(d.span),
        rule: format!("{} {}", d.rule.code, d.rule.name),
        message: d.message.clone(),
        why: d.why.clone(),
        help: d.help.clone(),
        labels: d.labels.iter().map(|l| format!("{}: {}", parsed.at(l.span), l.message)).collect(),
        fix: d.fix.as_ref().map(|fix| {
            let edits: Vec<String> = fix
                .edits
                .iter()
                .map(|e| {
                    format!("{} {:?} -> {:?}", parsed.at(e.span), parsed.text(e.span), e.content)
                })
                .collect();
            format!("{} [{}]: {}", fix.title, fix.applicability.as_str(), edits.join("; "))
        }),
    }
}

fn detail(parsed: &Parsed) -> Detail {
    Detail {
        files: parsed.sources.iter().map(|(id, _)| parsed.file_name(id)).collect(),
        diagnostics: parsed.unit.diagnostics.iter().map(|d| diagnostic(parsed, d)).collect(),
        accounts: parsed
            .unit
            .accounts
            .iter()
            .map(|account| AccountDetail {
                name: account.name.clone(),
                email: account.email.as_ref().map(|e| e.value.clone()),
                endpoints: account
                    .endpoints
                    .iter()
                    .map(|e| EndpointDetail {
                        locator: e.locator.clone(),
                        protocol: e.protocol.as_str().into(),
                        host: value(parsed, e.host.as_ref()),
                        port: value(parsed, e.port.as_ref()),
                        security: value(parsed, Some(&e.security)),
                        auth: value(parsed, Some(&e.auth)),
                        username: value(parsed, e.username.as_ref()),
                        secrets: e
                            .secrets
                            .iter()
                            .map(|s| format!("{} at {}", s.setting, parsed.at(s.span)))
                            .collect(),
                    })
                    .collect(),
            })
            .collect(),
    }
}

#[test]
fn parser_fixtures_match_their_reviewed_details() {
    let root = Path::new(FIXTURES);
    let mut folders: Vec<_> = std::fs::read_dir(root)
        .expect("fixtures folder")
        .map(|entry| entry.expect("fixture entry").path())
        .filter(|path| path.is_dir())
        .collect();
    folders.sort();
    assert_eq!(folders.len(), 5);
    for folder in folders {
        let entry = ["prefs.js", "user.js"]
            .iter()
            .map(|name| folder.join(name))
            .find(|path| path.is_file())
            .expect("a prefs file");
        let parsed = parse_file(&entry);
        // No secret may reach any message.
        let text = format!("{:?}", parsed.unit.diagnostics);
        assert!(!text.contains("REDACTED"), "a secret leaked into a diagnostic");
        let name = folder.file_name().unwrap().to_string_lossy().into_owned();
        insta::assert_yaml_snapshot!(name, detail(&parsed));
    }
}
