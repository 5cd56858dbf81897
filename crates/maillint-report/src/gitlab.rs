//! `gitlab`: GitLab Code Quality, the JSON array a job uploads as
//! `artifacts: reports: codequality` so that findings show in the merge request widget and on
//! the changed lines of its diff (ruff's and eslint's `gitlab` formats).
//!
//! GitLab's documentation ("Code Quality report format",
//! <https://docs.gitlab.com/ci/testing/code_quality/#code-quality-report-format>) names the
//! fields it reads, all required: `description`, `check_name`, `fingerprint`, `severity`
//! (`info`, `minor`, `major`, `critical` or `blocker`) and `location.path` with either
//! `location.lines.begin` or `location.positions.begin.line`. maillint writes `lines.begin`
//! (and `lines.end`), a path relative to the folder maillint ran in (no leading `./`, forward
//! slashes) as GitLab resolves it against the repository root, and maps `error` to `major`,
//! `warning` to `minor`, `info` to `info`.
//!
//! GitLab compares the fingerprints of the source and target branches to tell new findings
//! from fixed ones, so a fingerprint must survive unrelated edits: it hashes the rule code,
//! the path and the text of the finding's line (trimmed, secrets masked), plus the occurrence
//! of that hash in the file (32 hex digits in all), as SARIF's `primaryLocationLineHash` does; never the line number.

use std::collections::HashMap;
use std::io::{self, Write};

use maillint_core::{Diagnostic, Severity};
use maillint_engine::UnitReport;
use serde::Serialize;

use crate::location::Location;
use crate::{redact, sarif};

/// One Code Quality issue.
#[derive(Serialize)]
struct Issue {
    description: String,
    check_name: String,
    fingerprint: String,
    severity: &'static str,
    location: IssueLocation,
}

#[derive(Serialize)]
struct IssueLocation {
    path: String,
    lines: Lines,
}

#[derive(Serialize)]
struct Lines {
    begin: u32,
    end: u32,
}

/// Writes every finding of `units` as one Code Quality JSON array.
pub fn render(units: &[UnitReport], out: &mut dyn Write) -> io::Result<()> {
    let mut issues = Vec::new();
    for unit in units {
        let secrets = redact::secret_texts(&unit.sources, unit.secrets());
        let mut masked: HashMap<maillint_core::FileId, String> = HashMap::new();
        let mut occurrences: HashMap<String, usize> = HashMap::new();
        for d in &unit.diagnostics {
            let text = masked.entry(d.span.file).or_insert_with(|| {
                redact::redacted_text(&unit.sources, d.span.file, unit.secrets())
            });
            let issue = issue(d, unit, text, &secrets, &mut occurrences);
            issues.push(issue);
        }
    }
    serde_json::to_writer_pretty(&mut *out, &issues)?;
    writeln!(out)
}

/// The issue for one diagnostic; `masked_text` is its file's text with secrets masked.
fn issue(
    d: &Diagnostic,
    unit: &UnitReport,
    masked_text: &str,
    secrets: &[&str],
    occurrences: &mut HashMap<String, usize>,
) -> Issue {
    let loc = Location::of(&unit.sources, d.span);
    let path = relative_path(&loc.path);
    let line_range = unit.sources.get(d.span.file).line_range(loc.line);
    let line_text = masked_text.get(line_range.as_range()).unwrap_or("").trim();
    let line_hash = sarif::line_hash(&d.rule.code, &path, line_text);
    let occurrence = occurrences.entry(line_hash.clone()).or_insert(0);
    *occurrence += 1;
    let severity = match d.severity {
        Severity::Error => "major",
        Severity::Warning => "minor",
        Severity::Info => "info",
    };
    Issue {
        description: format!("{} ({})", redact::scrub(&d.message, secrets), d.rule.name),
        check_name: d.rule.code.clone(),
        fingerprint: format!("{line_hash}{occurrence:016x}"),
        severity,
        location: IssueLocation { path, lines: Lines { begin: loc.line, end: loc.end_line } },
    }
}

/// `path` with forward slashes and without leading `./`, so that `maillint check .` and
/// `maillint check prefs.js` name a file (and fingerprint its findings) alike.
fn relative_path(path: &str) -> String {
    let path = if cfg!(windows) { path.replace('\\', "/") } else { path.to_owned() };
    let mut relative = path.as_str();
    while let Some(rest) = relative.strip_prefix("./") {
        relative = rest.trim_start_matches('/');
    }
    relative.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{SECRET, sample_units};

    fn rendered() -> serde_json::Value {
        let mut out = Vec::new();
        render(&sample_units(), &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(!text.contains(SECRET), "secret leaked:\n{text}");
        serde_json::from_str(&text).unwrap()
    }

    #[test]
    fn every_issue_has_the_fields_gitlab_requires() {
        let issues = rendered();
        let issues = issues.as_array().unwrap();
        assert!(!issues.is_empty());
        for issue in issues {
            for field in ["description", "check_name", "fingerprint", "severity"] {
                assert!(issue[field].is_string(), "{field} missing in {issue}");
            }
            assert!(
                ["info", "minor", "major", "critical", "blocker"]
                    .contains(&issue["severity"].as_str().unwrap())
            );
            assert!(issue["location"]["path"].is_string());
            assert!(issue["location"]["lines"]["begin"].as_u64().unwrap() >= 1);
        }
    }

    #[test]
    fn fingerprints_are_unique_and_ignore_line_numbers() {
        let issues = rendered();
        let prints: Vec<&str> =
            issues.as_array().unwrap().iter().map(|i| i["fingerprint"].as_str().unwrap()).collect();
        let mut unique = prints.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), prints.len(), "fingerprints repeat: {prints:?}");
    }

    /// A unit of one muttrc holding `text`, with one finding on `needle`.
    fn unit_with_finding(text: &str, needle: &str) -> UnitReport {
        use maillint_core::{ParsedUnit, SourceFile, Sources, Span};
        let mut sources = Sources::new();
        let file = sources.add(SourceFile::from_text("./home/.muttrc", text));
        let start = text.find(needle).unwrap();
        let span = Span::new(file, start, start + needle.len());
        let rule = crate::test_support::sample_rules()[3].clone();
        let d = Diagnostic::new(&rule, span, "the password is sent without TLS");
        UnitReport {
            root: "./home/.muttrc".into(),
            parser: None,
            sources,
            parsed: ParsedUnit::default(),
            diagnostics: vec![d],
        }
    }

    #[test]
    fn a_line_added_above_keeps_the_fingerprint() {
        let line = "set folder = \"imap://mail.example.com/\"\n";
        let render_one = |text: &str| {
            let mut out = Vec::new();
            render(&[unit_with_finding(text, "imap://")], &mut out).unwrap();
            serde_json::from_slice::<serde_json::Value>(&out).unwrap()[0].clone()
        };
        let before = render_one(line);
        let after = render_one(&format!("# a new first line\n{line}"));
        assert_eq!(before["location"]["lines"]["begin"], 1);
        assert_eq!(after["location"]["lines"]["begin"], 2);
        assert_eq!(before["fingerprint"], after["fingerprint"]);
        assert_eq!(before["location"]["path"], "home/.muttrc");
        // Another line's text is another finding.
        let other = render_one("set folder = \"imap://other.example.com/\"\n");
        assert_ne!(before["fingerprint"], other["fingerprint"]);
    }

    #[test]
    fn paths_are_relative_without_dot_slash() {
        assert_eq!(relative_path("./home/.muttrc"), "home/.muttrc");
        assert_eq!(relative_path(".//a/b"), "a/b");
        assert_eq!(relative_path("a/./b"), "a/./b");
    }

    #[test]
    fn snapshot() {
        insta::assert_json_snapshot!(rendered());
    }
}
