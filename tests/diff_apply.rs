//! `check --diff` applies: on a copy of every fixture, the diff that `maillint check --diff .`
//! prints is applied with `git apply` to one copy and with `patch -p1` to another, and both
//! copies must then hold exactly the bytes `maillint check --fix .` writes to a third.
//!
//! Redacted secrets must never be part of a hunk (a masked context line would not match the
//! file), and paths must be `a/fixtures/...`, not `a/./fixtures/...`. UTF-16 files are left
//! out: their diff is of the decoded text, for reading (see `maillint_report::diff`).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        let kind = entry.file_type().unwrap();
        if kind.is_dir() {
            copy_tree(&entry.path(), &target);
        } else if kind.is_file() {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Every file under `root`, relative, with its bytes.
fn tree(root: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let bytes = std::fs::read(&path).unwrap();
                files.push((path.strip_prefix(root).unwrap().to_path_buf(), bytes));
            }
        }
    }
    files.sort();
    files
}

fn is_utf16(bytes: &[u8]) -> bool {
    bytes.starts_with(&[0xff, 0xfe]) || bytes.starts_with(&[0xfe, 0xff]) || bytes.contains(&0)
}

fn maillint(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_maillint"))
        .args(args)
        .current_dir(dir)
        .env("MAILLINT_TODAY", "2026-12-06")
        .output()
        .unwrap()
}

/// The diff split into one patch per file, each with its `+++ b/` path.
fn per_file(diff: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut starts = Vec::new();
    let mut at = 0;
    for line in diff.split_inclusive(|&b| b == b'\n') {
        if line.starts_with(b"--- a/") || line.starts_with(b"--- /dev/null") {
            starts.push(at);
        }
        at += line.len();
    }
    assert_eq!(starts.first(), Some(&0).filter(|_| !diff.is_empty()), "the diff starts a file");
    starts.push(diff.len());
    starts
        .windows(2)
        .map(|pair| {
            let patch = &diff[pair[0]..pair[1]];
            let header = String::from_utf8_lossy(patch);
            let path = header.lines().find_map(|l| l.strip_prefix("+++ b/")).expect("+++ line");
            (path.to_owned(), patch.to_vec())
        })
        .collect()
}

fn program_missing(name: &str) -> bool {
    Command::new(name).arg("--version").output().is_err()
}

#[test]
fn every_fixture_diff_applies_with_git_apply_and_patch_and_gives_the_fixed_bytes() {
    for program in ["git", "patch"] {
        if program_missing(program) {
            maillint_core::testing::skip(&format!("`{program}` is not installed"));
            return;
        }
    }
    let scratch = tempfile::tempdir().unwrap();
    let [by_git, by_patch, by_fix] = ["git", "patch", "fix"].map(|n| scratch.path().join(n));
    for copy in [&by_git, &by_patch, &by_fix] {
        copy_tree(&workspace().join("fixtures"), &copy.join("fixtures"));
    }
    // `.` as pre-commit users and CI jobs write it: the paths must not become `a/./...`.
    let diff = maillint(&by_git, &["check", "--diff", "."]);
    assert_eq!(diff.status.code(), Some(1), "--diff exits 1 when something would change");
    assert!(!diff.stdout.windows(4).any(|w| w == b"a/./"), "paths are normalised");
    let patches = per_file(&diff.stdout);
    assert!(patches.len() >= 20, "the fixtures have many fixable files: {}", patches.len());
    let fix = maillint(&by_fix, &["check", "--fix", "."]);
    assert_ne!(fix.status.code(), Some(2), "{}", String::from_utf8_lossy(&fix.stderr));

    let mut applied = 0;
    for (path, patch) in &patches {
        let original = std::fs::read(by_git.join(path)).unwrap_or_default();
        if is_utf16(&original) {
            continue;
        }
        // A hunk whose trailing context stops early at a secret line has less context after
        // than before, which GNU patch reads as anchored at the end of the file: it applies
        // the hunk correctly but keeps a `.orig` backup, so none is asked for.
        let patch_argv = ["patch", "-p1", "-s", "--no-backup-if-mismatch"];
        for (dir, argv) in [(&by_git, &["git", "apply", "-"][..]), (&by_patch, &patch_argv[..])] {
            let mut child = Command::new(argv[0])
                .args(&argv[1..])
                .current_dir(dir)
                .stdin(std::process::Stdio::piped())
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap();
            use std::io::Write as _;
            child.stdin.take().unwrap().write_all(patch).unwrap();
            let output = child.wait_with_output().unwrap();
            assert!(
                output.status.success(),
                "`{}` failed on {path}:\n{}{}\n{}",
                argv.join(" "),
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr),
                String::from_utf8_lossy(patch)
            );
        }
        applied += 1;
    }
    assert!(applied >= 20, "only {applied} diffs applied");

    // Both trees now hold --fix's bytes, except the UTF-16 files the diffs left alone.
    let fixed = tree(&by_fix);
    for (dir, how) in [(&by_git, "git apply"), (&by_patch, "patch")] {
        let files = tree(dir);
        assert_eq!(files.len(), fixed.len(), "{how}: the same files");
        for ((path, bytes), (fixed_path, fixed_bytes)) in files.iter().zip(&fixed) {
            assert_eq!(path, fixed_path, "{how}: the same files");
            if is_utf16(fixed_bytes) && bytes != fixed_bytes {
                continue;
            }
            assert!(
                bytes == fixed_bytes,
                "{how}: {} differs from --fix's:\n{}\n---\n{}",
                path.display(),
                String::from_utf8_lossy(bytes),
                String::from_utf8_lossy(fixed_bytes)
            );
        }
    }
}
