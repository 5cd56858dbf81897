//! Every fixture, through the real binary.
//!
//! For each file under `fixtures/` (except parser-internal fixtures that a parser crate tests
//! itself), this runs `maillint check` and
//! - snapshots the `full` output a user sees (`tests/snapshots/`),
//! - checks the convention of rule fixtures: a file in `.../rules/<rule-name>/` named `bad-*`
//!   must produce at least one finding of `<rule-name>`, and one named `good-*` must produce none,
//! - checks that no output format ever contains a fixture's fake secret.

#![allow(clippy::print_stderr)] // tests report what they covered

use std::path::{Path, PathBuf};
use std::process::Command;

/// Fake passwords used in fixtures. They must never appear in any output.
const FAKE_SECRETS: &[&str] = &["hunter2-not-real"];

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap()
}

fn fixture_files() -> Vec<PathBuf> {
    let root = workspace_root();
    let mut files = Vec::new();
    let mut stack = vec![root.join("fixtures")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                // Plugin fixtures need their plugin configured; maillint-plugin's tests run them.
                if !path.ends_with("fixtures/plugins") {
                    stack.push(path);
                }
            } else if is_fixture(&path) {
                files.push(path.strip_prefix(&root).unwrap().to_path_buf());
            }
        }
    }
    files.sort();
    files
}

struct Run {
    stdout: String,
    stderr: String,
    code: i32,
}

/// Notes, git attributes and the readable UTF-8 twins of binary fixtures are not fixtures.
fn is_fixture(path: &Path) -> bool {
    let name = path.file_name().unwrap().to_string_lossy();
    !matches!(name.as_ref(), ".gitattributes" | ".gitignore")
        && path.extension().is_none_or(|e| e != "md" && e != "txt")
}

fn maillint(args: &[&str]) -> Run {
    let output = Command::new(env!("CARGO_BIN_EXE_maillint"))
        .args(args)
        .current_dir(workspace_root())
        .env_remove("NO_COLOR")
        // Provider policies change on given days: the snapshots hold for this one.
        .env("MAILLINT_TODAY", "2026-12-06")
        .output()
        .unwrap();
    Run {
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        code: output.status.code().unwrap_or(-1),
    }
}

/// The rule a fixture is about, from `.../rules/<rule-name>/<file>`.
fn rule_of(path: &Path) -> Option<String> {
    let parts: Vec<_> =
        path.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
    let i = parts.iter().position(|p| p == "rules")?;
    (i + 2 == parts.len() - 1).then(|| parts[i + 1].clone())
}

fn findings(path: &str) -> Vec<serde_json::Value> {
    let run = maillint(&["check", "--output-format", "json-lines", "--color", "never", path]);
    assert_ne!(run.code, 2, "{path}: exit 2, stderr: {}", run.stderr);
    run.stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

#[test]
fn rule_fixtures_trigger_their_rule_and_clean_ones_do_not() {
    let mut checked = 0;
    for file in fixture_files() {
        let Some(rule) = rule_of(&file) else { continue };
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        let path = file.to_string_lossy().into_owned();
        let hits = findings(&path).into_iter().filter(|f| f["rule"] == rule.as_str()).count();
        if name.starts_with("bad-") {
            assert!(hits > 0, "{path} should trigger `{rule}` but does not");
        } else if name.starts_with("good-") {
            assert_eq!(hits, 0, "{path} should not trigger `{rule}`");
        } else {
            panic!("{path}: rule fixtures are named bad-* or good-*");
        }
        checked += 1;
    }
    eprintln!("checked {checked} rule fixtures");
}

#[test]
fn full_output_snapshots() {
    for file in fixture_files() {
        let path = file.to_string_lossy().into_owned();
        let run = maillint(&["check", "--color", "never", &path]);
        let name = path.replace(['/', '\\'], "__");
        let body = format!("exit code: {}\n{}{}", run.code, run.stdout, run.stderr);
        insta::with_settings!({ snapshot_path => workspace_root().join("tests/snapshots"), prepend_module_to_snapshot => false, description => path.clone() }, {
            insta::assert_snapshot!(name, body);
        });
    }
}

/// Every secret the parsers found in a fixture (passwords, tokens, password blobs), read
/// through the library.
fn secrets_of(path: &Path) -> Vec<String> {
    let args = maillint_cli::args::RuleArgs {
        config: maillint_cli::args::ConfigArgs { isolated: true, ..Default::default() },
        ..Default::default()
    };
    let linter = maillint_cli::setup::build(&args, path, None).unwrap().linter;
    let units =
        maillint_engine::discover(&[path.to_path_buf()], &linter.parsers, &Default::default())
            .units;
    let mut secrets = Vec::new();
    for unit in &units {
        let report = linter.lint_unit(unit).unwrap();
        for span in report.secrets() {
            let text = report.sources.slice(*span).trim().to_owned();
            // Very short values ("x") would match ordinary text; they are masked in snippets
            // all the same.
            if text.chars().count() >= 6 {
                secrets.push(text);
            }
        }
    }
    secrets
}

#[test]
fn no_output_format_contains_a_secret() {
    let mut checked = 0;
    for file in fixture_files() {
        let path = file.to_string_lossy().into_owned();
        let mut secrets = secrets_of(&workspace_root().join(&file));
        secrets.extend(FAKE_SECRETS.iter().map(|s| s.to_string()));
        for format in ["full", "concise", "json", "json-lines", "github", "sarif", "junit"] {
            let run = maillint(&["check", "--output-format", format, "--color", "never", &path]);
            // The placeholder itself is not a leak (a fixture's secret may be the word REDACTED).
            let (stdout, stderr) =
                (run.stdout.replace("[REDACTED]", ""), run.stderr.replace("[REDACTED]", ""));
            for secret in &secrets {
                assert!(
                    !stdout.contains(secret.as_str()) && !stderr.contains(secret.as_str()),
                    "{path}: the {format} output shows a secret of the file"
                );
            }
            checked += 1;
        }
        // The diff of a fix never shows one either.
        let run = maillint(&["check", "--diff", "--unsafe-fixes", &path]);
        let stdout = run.stdout.replace("[REDACTED]", "");
        for secret in &secrets {
            assert!(!stdout.contains(secret.as_str()), "{path}: --diff shows a secret of the file");
        }
    }
    eprintln!("checked {checked} outputs for secrets");
}
