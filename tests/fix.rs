//! `--fix` on every fixture that has fixable findings (not a hand-picked few):
//! - after `--fix --unsafe-fixes` no applicable fix remains,
//! - a second run changes nothing,
//! - stepping through the fix rounds one at a time, each round changes only lines that its
//!   reported edits touch, and every other byte (comments, order, blank lines, CRLF, BOM,
//!   encoding) is identical,
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
                // Plugin fixtures need their plugin configured; maillint-plugin's tests run them.
                if !path.ends_with("fixtures/plugins") {
                    stack.push(path);
                }
            } else if is_fixture(&path) {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// Notes, git attributes and the readable UTF-8 twins of binary fixtures are not fixtures.
fn is_fixture(path: &Path) -> bool {
    let name = path.file_name().unwrap().to_string_lossy();
    !matches!(name.as_ref(), ".gitattributes" | ".gitignore")
        && path.extension().is_none_or(|e| e != "md" && e != "txt")
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

/// Per file, the 1-based lines that the applicable fixes of a lint touch.
fn touched_lines_in(
    report: &maillint_engine::UnitReport,
) -> std::collections::BTreeMap<PathBuf, BTreeSet<u64>> {
    let mut touched: std::collections::BTreeMap<PathBuf, BTreeSet<u64>> = Default::default();
    for d in &report.diagnostics {
        let Some(fix) = &d.fix else { continue };
        if fix.applicability == maillint_core::Applicability::DisplayOnly {
            continue;
        }
        for edit in &fix.edits {
            let file = report.sources.get(edit.span.file);
            let start = file.line_col(edit.span.range.start as usize).line as u64;
            let end = file.line_col(edit.span.range.end as usize).line as u64;
            touched.entry(file.path().to_path_buf()).or_default().extend(start..=end);
        }
    }
    touched
}

/// Fails when a line outside `touched` changed between `old` and `new`.
fn check_only_touched(label: &str, round: usize, old: &str, new: &str, touched: &BTreeSet<u64>) {
    let old_lines: Vec<&str> = old.split_inclusive('\n').collect();
    let new_lines: Vec<&str> = new.split_inclusive('\n').collect();
    for op in similar::capture_diff_slices(similar::Algorithm::Myers, &old_lines, &new_lines) {
        let (tag, old_range, _) = op.as_tag_tuple();
        match tag {
            similar::DiffTag::Equal => {}
            similar::DiffTag::Insert => {
                let at = old_range.start as u64; // inserted before 0-based line `at`
                assert!(
                    touched.contains(&(at + 1)) || touched.contains(&at),
                    "{label}: round {round}: a line was inserted at line {} where no edit was reported (edits touch {touched:?})",
                    at + 1
                );
            }
            similar::DiffTag::Delete | similar::DiffTag::Replace => {
                for line in old_range {
                    assert!(
                        touched.contains(&(line as u64 + 1)),
                        "{label}: round {round}: line {} changed but no edit touches it (edits touch {touched:?})",
                        line + 1
                    );
                }
            }
        }
    }
}

#[test]
fn every_fixable_fixture_is_fixed_completely_and_only_where_the_edits_say() {
    let mut fixed_fixtures = 0;
    for fixture in fixture_files() {
        // The copy keeps the fixture's relative path: some formats are recognised by their
        // folder (`mutt/*.rc`).
        let label = fixture.strip_prefix(workspace_root()).unwrap().display().to_string();
        let dir = tempfile::tempdir().unwrap();
        let rel_parent = fixture.parent().unwrap().strip_prefix(workspace_root()).unwrap();
        std::fs::create_dir_all(dir.path().join(rel_parent)).unwrap();
        copy_folder(fixture.parent().unwrap(), &dir.path().join(rel_parent));
        let name = label.clone();
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

        // Step through the same fixes one round at a time with the library, on a second
        // copy: in every round only the lines that round's reported edits touch may change
        // (decoded lines with their terminators, so CRLF is checked too), the encoding and BOM
        // stay, and the end result is the CLI's.
        let stepped = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(stepped.path().join(rel_parent)).unwrap();
        copy_folder(fixture.parent().unwrap(), &stepped.path().join(rel_parent));
        let target = stepped.path().join(&name);
        let args = maillint_cli::args::RuleArgs {
            config: maillint_cli::args::ConfigArgs { isolated: true, ..Default::default() },
            ..Default::default()
        };
        let linter = maillint_cli::setup::build(&args, &target, None).unwrap().linter;
        let units = maillint_engine::discover(
            std::slice::from_ref(&target),
            &linter.parsers,
            &Default::default(),
        )
        .units;
        let options = maillint_engine::FixOptions { unsafe_fixes: true };
        for round in 1..=maillint_engine::fix::MAX_ITERATIONS {
            let report = linter.lint_unit(&units[0]).unwrap();
            let touched = touched_lines_in(&report);
            let outcome = linter.fix_report_rounds(report, options, 1);
            assert!(outcome.failure.is_none(), "{label}: round {round}: {:?}", outcome.failure);
            if outcome.changes.is_empty() {
                break;
            }
            for change in &outcome.changes {
                let path = change.original.path().to_path_buf();
                let new = maillint_core::SourceFile::from_bytes(&path, &change.new_bytes);
                assert_eq!(
                    (change.original.encoding(), change.original.has_bom()),
                    (new.encoding(), new.has_bom()),
                    "{label}: encoding changed"
                );
                let empty = BTreeSet::new();
                let lines = touched.get(&path).unwrap_or(&empty);
                check_only_touched(&label, round, change.original.text(), new.text(), lines);
                maillint_engine::write_atomic(&change.original, &change.new_bytes).unwrap();
            }
        }
        assert_eq!(
            std::fs::read(&target).unwrap(),
            fixed,
            "{label}: stepping the rounds gave another result than --fix"
        );
        fixed_fixtures += 1;
    }
    eprintln!("fixed {fixed_fixtures} fixtures");
}

/// A file sourced by one muttrc and checked as a unit of its own gets the same fix twice in one
/// run: the second copy is the one already written, not a file that changed under the fix.
#[test]
fn a_sourced_file_fixed_by_two_units_is_written_once_without_error() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path();
    std::fs::create_dir(home.join("accounts")).unwrap();
    std::fs::write(home.join("muttrc"), "source ~/accounts/work.rc\n").unwrap();
    let work =
        "set folder=\"imap://mail.example.com:143/\"\nset ssl_starttls=yes\nset ssl_force_tls=no\n";
    std::fs::write(home.join("accounts/work.rc"), work).unwrap();
    let home_arg = home.to_str().unwrap();
    let (code, _, stderr) = maillint(&["check", "--fix", "--home", home_arg, "."], home);
    assert_eq!(code, 0, "stderr: {stderr}");
    assert!(!stderr.contains("changed while it was being fixed"), "stderr: {stderr}");
    let fixed = std::fs::read_to_string(home.join("accounts/work.rc")).unwrap();
    assert_eq!(fixed, work.replace("ssl_force_tls=no", "ssl_force_tls=yes"));
}
