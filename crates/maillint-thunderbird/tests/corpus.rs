//! Every real-world prefs file of the shared corpus parses without panicking, and a compact
//! summary of what maillint makes of it (parse errors, parser diagnostics, accounts with their
//! endpoints and where each value came from) is kept as a reviewed snapshot.

mod common;

use std::path::Path;

use common::{origin, parse_file};
use serde::Serialize;

#[derive(Serialize)]
struct Summary {
    statements: usize,
    /// `line:column rule message`, parse errors first.
    diagnostics: Vec<String>,
    accounts: Vec<AccountSummary>,
}

#[derive(Serialize)]
struct AccountSummary {
    name: String,
    email: Option<String>,
    /// `protocol host port security auth [origins of host, port, security, auth]`.
    endpoints: Vec<String>,
}

fn summarize(path: &Path) -> Summary {
    let parsed = parse_file(path);
    let state = parsed
        .unit
        .state
        .as_ref()
        .and_then(|s| s.downcast_ref::<maillint_thunderbird::ThunderbirdState>())
        .expect("Thunderbird state");
    let profile = state.profile();
    let statements = profile.files.iter().map(|f| f.parsed.statements.len()).sum();
    let diagnostics = parsed
        .unit
        .diagnostics
        .iter()
        .map(|d| {
            let start = parsed.sources.start(d.span);
            let fix = if d.fix.is_some() { " [fix]" } else { "" };
            format!("{}:{} {} {}{fix}", start.line, start.column, d.rule.code, d.message)
        })
        .collect();
    let accounts = parsed
        .unit
        .accounts
        .iter()
        .map(|account| AccountSummary {
            name: account.name.clone(),
            email: account.email.as_ref().map(|e| e.value.clone()),
            endpoints: account
                .endpoints
                .iter()
                .map(|e| {
                    format!(
                        "{} {} {} {} {} [{}, {}, {}, {}]",
                        e.protocol.as_str(),
                        e.host.as_ref().map_or("-".into(), |h| h.value.clone()),
                        e.port.as_ref().map_or("-".into(), |p| p.value.to_string()),
                        e.security.value,
                        e.auth.value,
                        e.host.as_ref().map_or("-", |h| origin(&h.origin)),
                        e.port.as_ref().map_or("-", |p| origin(&p.origin)),
                        origin(&e.security.origin),
                        origin(&e.auth.origin),
                    )
                })
                .collect(),
        })
        .collect();
    Summary { statements, diagnostics, accounts }
}

#[test]
fn corpus_files_parse_and_match_their_reviewed_summaries() {
    let Some(dir) =
        maillint_core::testing::corpus_dir(env!("CARGO_MANIFEST_DIR"), "thunderbird_prefs")
    else {
        return;
    };
    let dir = dir.as_path();
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .expect("read corpus folder")
        .map(|entry| entry.expect("corpus entry").path())
        .filter(|path| path.is_file())
        .collect();
    paths.sort();
    assert!(paths.len() >= 20, "the corpus shrank: {} files", paths.len());
    for path in paths {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let summary = summarize(&path);
        insta::assert_yaml_snapshot!(name, summary);
    }
}
