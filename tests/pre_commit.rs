//! pre-commit end to end: the hooks this repository ships (`.pre-commit-hooks.yaml`) block a
//! commit of a broken muttrc, fix it, and then let the commit through, in a scratch git
//! repository.
//!
//! The hooks run as `repo: local` with `language: system` against the binary under test, with
//! the `entry` and `files` of the shipped definitions: `language: rust` would make pre-commit
//! build maillint with cargo, which needs the network (`shared/reference/test-servers.md`
//! section 6). The shipped manifest itself is checked with `pre-commit validate-manifest`.
//!
//! Without pre-commit installed the test is skipped, loudly, except under CI (`CI` set), where
//! a missing pre-commit is a failure: `.ci/run` installs it.

#![allow(clippy::print_stderr)] // a skipped test says so loudly

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The workspace root.
fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// How to run pre-commit here: the `pre-commit` command, or the Python module.
fn pre_commit_command() -> Option<Vec<String>> {
    let candidates: [&[&str]; 3] =
        [&["pre-commit"], &["python3", "-m", "pre_commit"], &["python", "-m", "pre_commit"]];
    candidates.into_iter().find_map(|argv| {
        let works = Command::new(argv[0])
            .args(&argv[1..])
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success());
        works.then(|| argv.iter().map(|s| s.to_string()).collect())
    })
}

/// A hook of the shipped manifest: its `entry` and `files`, read line by line (the file is
/// simple YAML with one `- id:` block per hook; a YAML parser is not a dependency).
struct HookDefinition {
    entry: String,
    files: String,
}

fn shipped_hook(id: &str) -> HookDefinition {
    let manifest = std::fs::read_to_string(workspace().join(".pre-commit-hooks.yaml")).unwrap();
    let block: Vec<&str> = manifest
        .lines()
        .skip_while(|line| line.trim() != format!("- id: {id}"))
        .skip(1)
        .take_while(|line| !line.starts_with("- "))
        .collect();
    let field = |name: &str| -> String {
        let line = block
            .iter()
            .find_map(|line| line.trim().strip_prefix(&format!("{name}: ")))
            .unwrap_or_else(|| panic!("hook `{id}` has no `{name}`"));
        line.trim().trim_matches('\'').to_owned()
    };
    HookDefinition { entry: field("entry"), files: field("files") }
}

struct Scratch {
    dir: tempfile::TempDir,
    pre_commit: Vec<String>,
}

impl Scratch {
    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn write(&self, relative: &str, text: &str) {
        let path = self.path().join("repo").join(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    fn read(&self, relative: &str) -> String {
        std::fs::read_to_string(self.path().join("repo").join(relative)).unwrap()
    }

    fn command(&self, program: &str) -> Command {
        let mut cmd = Command::new(program);
        cmd.current_dir(self.path().join("repo"))
            .env("PRE_COMMIT_HOME", self.path().join("cache"))
            .env("PRE_COMMIT_COLOR", "never")
            .env("NO_COLOR", "1")
            // Running inside another git hook must not leak that repository into this one.
            .env_remove("GIT_DIR")
            .env_remove("GIT_INDEX_FILE")
            .env_remove("GIT_WORK_TREE");
        cmd
    }

    fn git(&self, args: &[&str]) -> Output {
        self.command("git").args(args).output().unwrap()
    }

    fn pre_commit(&self, args: &[&str]) -> Output {
        self.command(&self.pre_commit[0]).args(&self.pre_commit[1..]).args(args).output().unwrap()
    }
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

fn ok(output: Output, what: &str) -> Output {
    assert!(output.status.success(), "{what} failed:\n{}", text(&output));
    output
}

/// A muttrc whose certificate checks are off: maillint reports it, and `--fix` turns them on.
const BAD_MUTTRC: &str = "set folder = \"imaps://imap.example.com/\"\nset smtp_url = \"smtps://me@smtp.example.com/\"\nset ssl_verify_host = no\n";

#[test]
fn hooks_block_a_bad_muttrc_and_pass_after_the_fix() {
    let Some(pre_commit) = pre_commit_command() else {
        if std::env::var_os("CI").is_some() {
            panic!(
                "pre-commit is not installed, and CI is set: .ci/run must install it (Debian package `pre-commit`)"
            );
        }
        eprintln!(
            "SKIPPED: pre-commit end-to-end test: pre-commit is not installed (apt-get install pre-commit, or pip install pre-commit)"
        );
        return;
    };
    let scratch = Scratch { dir: tempfile::tempdir().unwrap(), pre_commit };
    std::fs::create_dir_all(scratch.path().join("repo")).unwrap();

    // The shipped manifest is valid for pre-commit.
    ok(
        scratch.pre_commit(&[
            "validate-manifest",
            workspace().join(".pre-commit-hooks.yaml").to_str().unwrap(),
        ]),
        "pre-commit validate-manifest",
    );

    ok(scratch.git(&["init", "-q"]), "git init");
    for (key, value) in [
        ("user.email", "test@example.invalid"),
        ("user.name", "maillint test"),
        ("commit.gpgsign", "false"),
    ] {
        ok(scratch.git(&["config", key, value]), "git config");
    }

    // Local hooks with the shipped entries and file patterns, run by the binary under test.
    let binary = env!("CARGO_BIN_EXE_maillint");
    let hook = |id: &str| {
        let definition = shipped_hook(id);
        let entry = definition
            .entry
            .strip_prefix("maillint ")
            .unwrap_or_else(|| panic!("hook `{id}` does not run maillint: {}", definition.entry));
        format!(
            "      - id: {id}\n        name: {id}\n        entry: \"'{binary}' {entry}\"\n        language: system\n        files: '{}'\n        require_serial: true\n",
            definition.files
        )
    };
    // The fix hook first, as the manifest's comment recommends.
    scratch.write(
        ".pre-commit-config.yaml",
        &format!(
            "repos:\n  - repo: local\n    hooks:\n{}{}",
            hook("maillint-fix"),
            hook("maillint")
        ),
    );
    ok(scratch.pre_commit(&["validate-config"]), "pre-commit validate-config");
    // Excludes must hold for the files pre-commit names (`--force-exclude`).
    scratch.write("maillint.toml", "extend-exclude = [\"vendor\"]\n");
    scratch.write("vendor/muttrc", BAD_MUTTRC);
    scratch.write("muttrc", BAD_MUTTRC);
    // A file the pattern does not cover is never passed to maillint.
    scratch.write("notes.txt", "set ssl_verify_host = no\n");
    ok(scratch.git(&["add", "."]), "git add");
    ok(scratch.pre_commit(&["install"]), "pre-commit install");

    // The check hook alone fails on the muttrc and says why.
    let check =
        scratch.pre_commit(&["run", "maillint", "--files", "muttrc", "vendor/muttrc", "notes.txt"]);
    assert_eq!(check.status.code(), Some(1), "the check hook must fail:\n{}", text(&check));
    let report = text(&check);
    assert!(report.contains("certificate-verification-disabled"), "{report}");
    assert!(!report.contains("vendor/muttrc"), "vendor/ is excluded:\n{report}");

    // The commit is refused: the fix hook rewrites the file, which fails the commit so that a
    // person reviews the change.
    let refused = scratch.git(&["commit", "-q", "-m", "mail setup"]);
    assert!(!refused.status.success(), "the commit must be refused:\n{}", text(&refused));
    assert!(text(&refused).contains("files were modified by this hook"), "{}", text(&refused));
    assert!(
        !scratch.git(&["rev-parse", "--verify", "-q", "HEAD"]).status.success(),
        "nothing was committed"
    );
    let fixed = scratch.read("muttrc");
    assert!(
        fixed.contains("ssl_verify_host = yes") || !fixed.contains("ssl_verify_host"),
        "not fixed:\n{fixed}"
    );
    assert_eq!(scratch.read("vendor/muttrc"), BAD_MUTTRC, "excluded files are not touched");

    // With the fix staged, both hooks pass and the commit goes through.
    ok(scratch.git(&["add", "muttrc"]), "git add");
    let accepted = scratch.git(&["commit", "-q", "-m", "mail setup"]);
    assert!(accepted.status.success(), "the commit must pass after the fix:\n{}", text(&accepted));
    let committed = text(&ok(scratch.git(&["show", "HEAD:muttrc"]), "git show"));
    assert_eq!(committed, fixed);
}
