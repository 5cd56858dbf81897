//! The toolchain-free install, for real: the wheel that `cargo xtask ci` builds with maturin
//! (`pyproject.toml`, into `target/wheels`) is installed with pip into a fresh virtualenv and
//! run; then the hook repository `contrib/pre-commit` (`language: python`, as ruff-pre-commit),
//! published by the README's own commands, is used by the real `pre-commit` with the README's
//! `.pre-commit-config.yaml` on a scratch dotfiles repository, with pip limited to the built
//! wheel (`PIP_NO_INDEX`, `PIP_FIND_LINKS`) and no Rust toolchain on `PATH`.
//!
//! Without a built wheel or without pre-commit the test says SKIPPED, and fails under CI.

#![allow(clippy::print_stderr)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap()
}

/// The wheel built by `cargo xtask ci` (or by the README's commands).
fn built_wheel() -> Option<PathBuf> {
    let dir = std::env::var_os("MAILLINT_WHEEL_DIR")
        .map_or_else(|| workspace().join("target/wheels"), PathBuf::from);
    let mut wheels: Vec<PathBuf> = std::fs::read_dir(&dir)
        .ok()?
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with("maillint-"))
        .filter(|p| p.extension().is_some_and(|e| e == "whl"))
        .collect();
    wheels.sort();
    wheels.pop()
}

/// The folder of the `pre-commit` program on `PATH`.
fn pre_commit_folder() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).find(|dir| dir.join("pre-commit").is_file())
}

/// A `PATH` with the system's programs and pre-commit, and no Rust toolchain.
fn plain_path(pre_commit: &Path) -> String {
    format!("{}:/usr/local/bin:/usr/bin:/bin", pre_commit.display())
}

fn run(cmd: &mut Command) -> Output {
    cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: {e}"))
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

fn git(dir: &Path, args: &[&str]) -> Output {
    ok(
        run(Command::new("git")
            .args(["-c", "user.email=test@example.invalid", "-c", "user.name=maillint test"])
            .args(["-c", "commit.gpgsign=false", "-c", "tag.gpgsign=false"])
            .args(args)
            .current_dir(dir)
            .env_remove("GIT_DIR")
            .env_remove("GIT_INDEX_FILE")
            .env_remove("GIT_WORK_TREE")),
        &format!("git {args:?}"),
    )
}

/// The fenced block (```` ```lang ````) after `<!-- ci: NAME -->` in the README.
fn readme_block(readme: &str, name: &str, lang: &str) -> String {
    let marker = format!("<!-- ci: {name} -->");
    let after = readme.split_once(&marker).unwrap_or_else(|| panic!("README: no {marker}")).1;
    let body =
        after.split_once(&format!("```{lang}\n")).and_then(|(_, rest)| rest.split_once("```"));
    body.unwrap_or_else(|| panic!("README: no ```{lang} block after {marker}")).0.to_owned()
}

fn copy_folder(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_file() {
            std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
        }
    }
}

#[test]
fn the_wheel_installs_without_rust_and_the_python_hook_checks_a_dotfiles_repository() {
    let (Some(wheel), Some(pre_commit)) = (built_wheel(), pre_commit_folder()) else {
        maillint_core::testing::skip(
            "no built wheel in target/wheels (cargo xtask ci builds it with maturin) or no \
             pre-commit on PATH (.ci/run installs both in a venv)",
        );
        return;
    };
    let scratch = tempfile::tempdir().unwrap();
    let path = plain_path(&pre_commit);
    assert!(
        Command::new("cargo").arg("--version").env("PATH", &path).output().is_err(),
        "cargo must not be on the test's PATH"
    );

    // 1. pip install of the wheel in a fresh venv gives a working `maillint`.
    let venv = scratch.path().join("venv");
    ok(run(Command::new("python3").args(["-m", "venv"]).arg(&venv)), "python3 -m venv");
    ok(
        run(Command::new(venv.join("bin/pip"))
            .args(["install", "--quiet", "--no-index"])
            .arg(&wheel)
            .env("PATH", &path)),
        "pip install the wheel",
    );
    let demo = run(Command::new(venv.join("bin/maillint"))
        .args(["check", "--output-format", "concise", "fixtures/demo"])
        .current_dir(workspace())
        .env("PATH", &path));
    assert_eq!(demo.status.code(), Some(1), "{}", text(&demo));
    assert!(text(&demo).contains("H001/wrong-provider-host"), "{}", text(&demo));

    // 2. The hook repository, made by the README's commands from a clone of this repository
    //    (`scratch/maillint`), beside the dotfiles repository as the README's `repo` expects.
    let clone = scratch.path().join("maillint");
    copy_folder(&workspace().join("contrib/pre-commit"), &clone.join("contrib/pre-commit"));
    let readme = std::fs::read_to_string(workspace().join("README.md")).unwrap();
    ok(
        run(Command::new("bash")
            .args(["-euo", "pipefail", "-c", &readme_block(&readme, "pre-commit-hooks", "sh")])
            .current_dir(&clone)
            .env("PATH", &path)
            .env_remove("GIT_DIR")
            .env_remove("GIT_INDEX_FILE")
            .env_remove("GIT_WORK_TREE")),
        "the README's commands that make the hook repository",
    );

    // 3. A dotfiles repository laid out as the home (`home = "."`): the muttrc sources the
    //    account file that holds the mistake through `~`, and pre-commit passes only the muttrc.
    let dotfiles = scratch.path().join("dotfiles");
    std::fs::create_dir_all(dotfiles.join(".mutt/accounts")).unwrap();
    let write = |relative: &str, content: &str| {
        std::fs::write(dotfiles.join(relative), content).unwrap();
    };
    write(".pre-commit-config.yaml", &readme_block(&readme, "pre-commit-config", "yaml"));
    write("maillint.toml", "home = \".\"\n");
    write(".mutt/muttrc", "set realname = \"Me\"\nsource ~/.mutt/accounts/work\n");
    let work = "set folder = \"imaps://imap.example.com/\"\nset ssl_verify_host = no\n";
    write(".mutt/accounts/work", work);
    git(&dotfiles, &["init", "-q"]);
    git(&dotfiles, &["add", "."]);

    let pre_commit_run = |hook: &[&str]| {
        run(Command::new(pre_commit.join("pre-commit"))
            .arg("run")
            .args(hook)
            .arg("--all-files")
            .current_dir(&dotfiles)
            .env("PATH", &path)
            .env("PRE_COMMIT_HOME", scratch.path().join("cache"))
            .env("PRE_COMMIT_COLOR", "never")
            .env("NO_COLOR", "1")
            .env("PIP_NO_INDEX", "1")
            .env("PIP_FIND_LINKS", wheel.parent().unwrap())
            .env_remove("GIT_DIR")
            .env_remove("GIT_INDEX_FILE")
            .env_remove("GIT_WORK_TREE"))
    };
    let first = pre_commit_run(&[]);
    let report = text(&first);
    assert_eq!(first.status.code(), Some(1), "the fix hook must fail the run:\n{report}");
    assert!(report.contains("maillint (fix)") && report.contains("Failed"), "{report}");
    assert!(report.contains("files were modified by this hook"), "{report}");
    let fixed = std::fs::read_to_string(dotfiles.join(".mutt/accounts/work")).unwrap();
    assert_ne!(fixed, work, "maillint-fix changed the sourced file");
    assert!(fixed.contains("ssl_verify_host = yes"), "{fixed}");

    // Once the fix is staged, both hooks pass.
    git(&dotfiles, &["add", "."]);
    let second = pre_commit_run(&[]);
    assert_eq!(second.status.code(), Some(0), "{}", text(&second));
    assert!(text(&second).contains("Passed"), "{}", text(&second));

    // The check hook alone reports the finding in the sourced file, by its path.
    write(".mutt/accounts/work", work);
    let third = pre_commit_run(&["maillint"]);
    let report = text(&third);
    assert_eq!(third.status.code(), Some(1), "{report}");
    assert!(report.contains(".mutt/accounts/work:2:5"), "the sourced file is named:\n{report}");
    assert!(report.contains("certificate-verification-disabled"), "{report}");
}
