//! The release workflow (`.github/workflows/*.yml`) cannot run here (it needs GitHub's
//! runners), so it is linted: every workflow file is validated against the GitHub workflow
//! JSON Schema (SchemaStore's `github-workflow.json`, as vendored by `check-jsonschema`, which
//! `.ci/run` installs from PyPI), and the release workflow's jobs are checked for what issue 21
//! asks of a release: every platform, wheels, the `.deb`, checksums, man pages and completions
//! in the archives. What can run here does run in `cargo xtask ci`: the wheel (`wheel.rs`) and
//! the `.deb`, installed with `dpkg -i` (`deb.rs`).
//!
//! Without `check-jsonschema` on PATH the schema check says SKIPPED, and fails under CI.

#![allow(clippy::print_stderr)]

use std::path::{Path, PathBuf};
use std::process::Command;

fn workflows() -> Vec<PathBuf> {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../.github/workflows");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&folder)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "yml" || e == "yaml"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no workflow in {}", folder.display());
    files
}

#[test]
fn every_workflow_matches_the_github_workflow_schema() {
    let probe = Command::new("check-jsonschema").arg("--version").output();
    if !probe.is_ok_and(|out| out.status.success()) {
        maillint_core::testing::skip("check-jsonschema is not on PATH (.ci/run installs it)");
        return;
    }
    let run = |file: &Path| {
        Command::new("check-jsonschema")
            .args(["--builtin-schema", "vendor.github-workflows"])
            .arg(file)
            .output()
            .unwrap()
    };
    for file in workflows() {
        let out = run(&file);
        assert!(
            out.status.success(),
            "{}:\n{}{}",
            file.display(),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    // The check can fail: a misspelt job key is refused.
    let scratch = tempfile::tempdir().unwrap();
    let broken = scratch.path().join("release.yml");
    let text = std::fs::read_to_string(&workflows()[0]).unwrap();
    std::fs::write(&broken, text.replacen("runs-on:", "runs_on:", 1)).unwrap();
    assert!(!run(&broken).status.success(), "a workflow with `runs_on` passed the schema");
}

#[test]
fn the_release_workflow_builds_every_artifact_with_docs_and_checksums() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../.github/workflows/release.yml");
    let text = std::fs::read_to_string(path).unwrap();
    for target in [
        "x86_64-unknown-linux-gnu",
        "aarch64-unknown-linux-gnu",
        "aarch64-apple-darwin",
        "x86_64-apple-darwin",
        "x86_64-pc-windows-msvc",
    ] {
        assert!(text.contains(&format!("target: {target}")), "no binary for {target}");
    }
    for expected in [
        "--profile dist",
        "cp docs/man/*.1",
        "cp docs/completions/*",
        "PyO3/maturin-action",
        "cargo xtask deb --profile dist",
        "sudo dpkg -i",
        "sha256sum * > SHA256SUMS",
        "tags: [\"v*\"]",
    ] {
        assert!(text.contains(expected), "release.yml lacks `{expected}`");
    }
    // Every job the release waits for exists.
    let needs = text.split("needs: [").nth(1).unwrap().split(']').next().unwrap();
    for job in needs.split(',').map(str::trim) {
        assert!(text.contains(&format!("\n  {job}:\n")), "release needs `{job}`, no such job");
    }
}
