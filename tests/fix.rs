//! `--fix` on every fixture that has fixable findings (not a hand-picked few):
//! - after `--fix --unsafe-fixes` no applicable fix remains,
//! - a second run changes nothing,
//! - a line comparison shows that only lines the reported edits touch have changed, and every
//!   other byte (comments, order, blank lines, CRLF, BOM, encoding) is identical,
//! - `--diff` on the original writes nothing and exits 1.

#![allow(clippy::print_stderr)] // tests report what they covered

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap()
}

fn fixture_files() -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut stack = vec![workspace_root().join("fixtures")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_none_or(|e| e != "md" && e != "txt") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

fn maillint(args: &[&str], cwd: &Path) -> (i32, String, String) {
    let out =
        Command::new(env!("CARGO_BIN_EXE_maillint")).args(args).current_dir(cwd).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn findings(file: &str, cwd: &Path) -> Vec<serde_json::Value> {
    let (code, stdout, stderr) = maillint(&["check", "--output-format", "json-lines", file], cwd);
    assert_ne!(code, 2, "{file}: {stderr}");
    stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

fn applicable(f: &serde_json::Value) -> bool {
    let fix = &f["fix"];
    !fix.is_null()
        && fix["applicability"] != "display-only"
        && fix["edits"].as_array().is_some_and(|e| !e.is_empty())
}

/// Copies the fixture's folder (siblings can belong to the same unit, e.g. user.js).
fn copy_folder(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() {
            std::fs::copy(&path, to.join(path.file_name().unwrap())).unwrap();
        }
    }
}

/// Lines (1-based, of the original) that the reported edits touch.
fn touched_lines(fixable: &[serde_json::Value]) -> BTreeSet<u64> {
    let mut lines = BTreeSet::new();
    for f in fixable {
        for e in f["fix"]["edits"].as_array().unwrap() {
            let (start, end) = (e["line"].as_u64().unwrap(), e["end_line"].as_u64().unwrap());
            lines.extend(start..=end);
        }
    }
    lines
}

#[test]
fn every_fixable_fixture_is_fixed_completely_and_only_where_the_edits_say() {
    let mut fixed_fixtures = 0;
    for fixture in fixture_files() {
        let dir = tempfile::tempdir().unwrap();
        copy_folder(fixture.parent().unwrap(), dir.path());
        let name = fixture.file_name().unwrap().to_string_lossy().into_owned();
        let label = fixture.strip_prefix(workspace_root()).unwrap().display().to_string();
        let before = findings(&name, dir.path());
        let fixable: Vec<_> =
            before.into_iter().filter(applicable).filter(|f| f["path"] == name.as_str()).collect();
        if fixable.is_empty() {
            continue;
        }
        let original = std::fs::read(dir.path().join(&name)).unwrap();

        // --diff writes nothing and exits 1.
        let (code, diff, _) = maillint(&["check", "--unsafe-fixes", "--diff", &name], dir.path());
        assert_eq!(code, 1, "{label}: --diff should exit 1");
        assert!(diff.contains(&format!("+++ b/{name}")), "{label}: diff lacks header:\n{diff}");
        assert_eq!(
            std::fs::read(dir.path().join(&name)).unwrap(),
            original,
            "{label}: --diff wrote"
        );

        let (code, _, stderr) = maillint(&["check", "--fix", "--unsafe-fixes", &name], dir.path());
        assert_ne!(code, 2, "{label}: --fix failed: {stderr}");
        let after = findings(&name, dir.path());
        let left: Vec<_> = after.iter().filter(|f| applicable(f)).collect();
        assert!(left.is_empty(), "{label}: fixable findings remain after --fix: {left:#?}");
        let fixed = std::fs::read(dir.path().join(&name)).unwrap();
        assert_ne!(fixed, original, "{label}: --fix changed nothing");

        // A second run changes nothing.
        maillint(&["check", "--fix", "--unsafe-fixes", &name], dir.path());
        assert_eq!(
            std::fs::read(dir.path().join(&name)).unwrap(),
            fixed,
            "{label}: second --fix changed the file"
        );

        // Only the lines the edits named changed; everything else is byte-identical. Compare
        // decoded lines with their terminators, so CRLF and the encoding are checked too (the
        // encoding itself: the BOM and width must be identical).
        let decode = |bytes: &[u8]| maillint_core::SourceFile::from_bytes(&name, bytes);
        let (old, new) = (decode(&original), decode(&fixed));
        assert_eq!(
            (old.encoding(), old.has_bom()),
            (new.encoding(), new.has_bom()),
            "{label}: encoding changed"
        );
        let touched = touched_lines(&fixable);
        let old_lines: Vec<&str> = old.text().split_inclusive('\n').collect();
        let new_lines: Vec<&str> = new.text().split_inclusive('\n').collect();
        let diff = similar::capture_diff_slices(similar::Algorithm::Myers, &old_lines, &new_lines);
        for op in diff {
            let (tag, old_range, _) = op.as_tag_tuple();
            match tag {
                similar::DiffTag::Equal => {}
                similar::DiffTag::Insert => {
                    let at = old_range.start as u64; // inserted before 0-based line `at`
                    assert!(
                        touched.contains(&(at + 1)) || touched.contains(&at),
                        "{label}: a line was inserted at line {} where no edit was reported (edits touch {touched:?})",
                        at + 1
                    );
                }
                similar::DiffTag::Delete | similar::DiffTag::Replace => {
                    for line in old_range {
                        assert!(
                            touched.contains(&(line as u64 + 1)),
                            "{label}: line {} changed but no edit touches it (edits touch {touched:?})",
                            line + 1
                        );
                    }
                }
            }
        }
        fixed_fixtures += 1;
    }
    eprintln!("fixed {fixed_fixtures} fixtures");
}
