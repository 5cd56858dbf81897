//! Data-driven CLI cases (typos' trycmd style): each `tests/cmd/*.toml` names the arguments,
//! the expected exit code, and text the standard output and error must (or must not) contain.
//! Adding a case is adding a file.

#![allow(clippy::print_stderr)] // tests report what they covered

use std::path::{Path, PathBuf};
use std::process::Command;

use serde::Deserialize;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    /// What the case shows.
    description: String,
    /// Arguments after `maillint`.
    args: Vec<String>,
    /// Expected exit code.
    status: i32,
    /// Substrings stdout must contain, in order.
    #[serde(default)]
    stdout_contains: Vec<String>,
    /// Substrings stderr must contain, in order.
    #[serde(default)]
    stderr_contains: Vec<String>,
    /// Substrings neither stream may contain.
    #[serde(default)]
    never_contains: Vec<String>,
    /// A file (from the workspace root) fed to standard input; none: standard input is empty.
    stdin_file: Option<PathBuf>,
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap()
}

fn contains_in_order(haystack: &str, needles: &[String]) -> Result<(), String> {
    let mut rest = haystack;
    for needle in needles {
        match rest.find(needle.as_str()) {
            Some(i) => rest = &rest[i + needle.len()..],
            None => return Err(needle.clone()),
        }
    }
    Ok(())
}

#[test]
fn cli_cases() {
    let root = workspace_root();
    let mut cases: Vec<PathBuf> = std::fs::read_dir(root.join("tests/cmd"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    cases.sort();
    assert!(!cases.is_empty(), "no CLI cases found");
    let mut failures = Vec::new();
    for path in &cases {
        let case: Case = toml::from_str(&std::fs::read_to_string(path).unwrap())
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let stdin = match &case.stdin_file {
            Some(file) => std::fs::File::open(root.join(file)).unwrap().into(),
            None => std::process::Stdio::null(),
        };
        let output = Command::new(env!("CARGO_BIN_EXE_maillint"))
            .args(&case.args)
            .current_dir(&root)
            .env_remove("NO_COLOR")
            // Provider policies change on given days: the snapshots hold for this one.
            .env("MAILLINT_TODAY", "2026-12-06")
            .stdin(stdin)
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        let name = path.file_name().unwrap().to_string_lossy();
        let code = output.status.code().unwrap_or(-1);
        if code != case.status {
            failures.push(format!(
                "{name} ({}): exit {code}, expected {}\nstdout:\n{stdout}\nstderr:\n{stderr}",
                case.description, case.status
            ));
            continue;
        }
        if let Err(missing) = contains_in_order(&stdout, &case.stdout_contains) {
            failures.push(format!("{name}: stdout lacks {missing:?}\nstdout:\n{stdout}"));
        }
        if let Err(missing) = contains_in_order(&stderr, &case.stderr_contains) {
            failures.push(format!("{name}: stderr lacks {missing:?}\nstderr:\n{stderr}"));
        }
        for never in &case.never_contains {
            if stdout.contains(never.as_str()) || stderr.contains(never.as_str()) {
                failures.push(format!("{name}: output contains {never:?}"));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} CLI cases failed:\n\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n\n")
    );
}

/// Every rule pack shipped in `rules/packs/` loads next to the built-in rules (no name or code
/// clash) and its rules run: `check --rule-pack` on the demo finishes without an error.
#[test]
fn every_shipped_pack_loads_next_to_the_built_ins() {
    let root = workspace_root();
    let mut packs: Vec<PathBuf> = std::fs::read_dir(root.join("rules/packs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    packs.sort();
    assert!(!packs.is_empty(), "rules/packs holds no pack");
    for pack in &packs {
        let run = |args: &[&str]| {
            Command::new(env!("CARGO_BIN_EXE_maillint"))
                .args(args)
                .args(["--rule-pack", pack.to_str().unwrap()])
                .current_dir(&root)
                .env("MAILLINT_TODAY", "2026-12-06")
                .output()
                .unwrap()
        };
        let listed = run(&["plugins", "--json"]);
        let listing = String::from_utf8_lossy(&listed.stdout);
        assert!(
            listed.status.success(),
            "{}: does not load:\n{}",
            pack.display(),
            String::from_utf8_lossy(&listed.stderr)
        );
        let name = toml::from_str::<toml::Value>(&std::fs::read_to_string(pack).unwrap()).unwrap()
            ["pack"]["name"]
            .as_str()
            .unwrap()
            .to_owned();
        assert!(listing.contains(&format!("\"{name}\"")), "{name} not listed:\n{listing}");
        let checked = run(&["check", "--output-format", "concise", "fixtures/demo"]);
        assert_ne!(
            checked.status.code(),
            Some(2),
            "{}: check fails:\n{}",
            pack.display(),
            String::from_utf8_lossy(&checked.stderr)
        );
    }
}
