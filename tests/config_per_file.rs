//! Configuration per file: every file uses the closest `maillint.toml` above it, so the result
//! for a file is the same whichever other paths are named, in whatever order (pre-commit
//! passes staged files in any order).

use std::path::Path;
use std::process::Command;

/// A muttrc with a plaintext password (A002) and certificate checks off (T005).
const MUTTRC: &str = "set imap_pass = \"not-a-real-secret\"\nset folder = \"imaps://imap.example.com/\"\nset ssl_verify_host = no\n";

fn write(root: &Path, relative: &str, text: &str) {
    let path = root.join(relative);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// `maillint check ARGS` in `dir`: exit code, standard output, standard error.
fn maillint(dir: &Path, args: &[&str]) -> (Option<i32>, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_maillint"))
        .arg("check")
        .args(args)
        .current_dir(dir)
        .env("MAILLINT_TODAY", "2026-12-06")
        .output()
        .unwrap();
    let text = |bytes: &[u8]| String::from_utf8_lossy(bytes).into_owned();
    (output.status.code(), text(&output.stdout), text(&output.stderr))
}

/// `maillint check --output-format concise --quiet ARGS` in `dir`: exit code and standard
/// output (standard error must be empty unless the run failed with 2).
fn check(dir: &Path, args: &[&str]) -> (Option<i32>, String) {
    let concise = ["--output-format", "concise", "--quiet"];
    let (code, stdout, stderr) = maillint(dir, &[&concise[..], args].concat());
    assert!(stderr.is_empty() || code != Some(2), "{stderr}");
    (code, stdout)
}

/// Every order of `items`.
fn permutations(items: &[&'static str]) -> Vec<Vec<&'static str>> {
    if items.len() <= 1 {
        return vec![items.to_vec()];
    }
    let mut all = Vec::new();
    for (i, first) in items.iter().enumerate() {
        let mut rest = items.to_vec();
        rest.remove(i);
        for mut tail in permutations(&rest) {
            tail.insert(0, first);
            all.push(tail);
        }
    }
    all
}

#[test]
fn each_file_uses_its_closest_configuration_in_every_argument_order() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    // The repository's configuration turns the password rule off; `work/` has its own, which
    // keeps it and turns the certificate rule off instead.
    write(root, "maillint.toml", "ignore = [\"plaintext-password\"]\n");
    write(root, "work/maillint.toml", "ignore = [\"certificate-verification-disabled\"]\n");
    write(root, "home/muttrc", MUTTRC);
    write(root, "work/muttrc", MUTTRC);
    write(root, "work/mail/muttrc", MUTTRC);

    let files = ["work/muttrc", "home/muttrc", "work/mail/muttrc"];
    let (code, expected) = check(root, &files);
    assert_eq!(code, Some(1), "{expected}");
    let lines: Vec<&str> = expected.lines().collect();
    let has = |file: &str, rule: &str| {
        lines.iter().any(|l| l.starts_with(&format!("{file}:")) && l.contains(rule))
    };
    assert!(has("home/muttrc", "certificate-verification-disabled"), "{expected}");
    assert!(!has("home/muttrc", "plaintext-password"), "root config:\n{expected}");
    for file in ["work/muttrc", "work/mail/muttrc"] {
        assert!(has(file, "plaintext-password"), "work/ config for {file}:\n{expected}");
        assert!(!has(file, "certificate-verification-disabled"), "{file}:\n{expected}");
    }
    for order in permutations(&files) {
        assert_eq!(check(root, &order), (code, expected.clone()), "order {order:?}");
    }
    // A folder argument and the files inside it give the same findings.
    assert_eq!(check(root, &["work", "home/muttrc"]).1, expected);
    assert_eq!(check(root, &["home/muttrc", "work"]).1, expected);
}

/// A walk tells the search for each file's configuration which folders it listed, so that
/// these are not looked into again: a configuration deep in the tree, one in the folder walked
/// from, and an entry with the configuration's name that is a folder (never a configuration)
/// are all met exactly as when each file is named on its own.
#[test]
fn a_walked_file_gets_the_same_configuration_as_the_file_named_alone() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "maillint.toml", "ignore = [\"plaintext-password\"]\n");
    write(root, "a/b/maillint.toml", "ignore = [\"certificate-verification-disabled\"]\n");
    write(root, "a/b/c/d/muttrc", MUTTRC);
    write(root, "a/x/muttrc", MUTTRC);
    std::fs::create_dir_all(root.join("a/y/maillint.toml")).unwrap();
    write(root, "a/y/muttrc", MUTTRC);
    write(root, "a/b/.maillint.toml/muttrc", MUTTRC);

    let files = ["a/b/.maillint.toml/muttrc", "a/b/c/d/muttrc", "a/x/muttrc", "a/y/muttrc"];
    let (code, alone) = check(root, &files);
    assert_eq!(code, Some(1), "{alone}");
    assert!(alone.contains("a/b/c/d/muttrc:1:") && !alone.contains("a/b/c/d/muttrc:3:"), "{alone}");
    assert!(alone.contains("a/y/muttrc:3:") && !alone.contains("a/y/muttrc:1:"), "{alone}");
    for walked in [&["."][..], &["a"], &["a/b", "a/x", "a/y"]] {
        let (walked_code, out) = check(root, walked);
        let out: String =
            out.lines().map(|l| l.strip_prefix("./").unwrap_or(l).to_owned() + "\n").collect();
        assert_eq!((walked_code, out), (code, alone.clone()), "check {walked:?}");
    }
}

#[test]
fn config_names_one_configuration_for_every_file() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "maillint.toml", "ignore = [\"plaintext-password\"]\n");
    write(root, "work/maillint.toml", "ignore = [\"certificate-verification-disabled\"]\n");
    write(root, "work/muttrc", MUTTRC);
    let (_, out) = check(root, &["--config", "maillint.toml", "work/muttrc"]);
    assert!(out.contains("certificate-verification-disabled"), "{out}");
    assert!(!out.contains("plaintext-password"), "{out}");
    let (_, out) = check(root, &["--isolated", "work/muttrc"]);
    assert!(out.contains("certificate-verification-disabled"), "{out}");
    assert!(out.contains("plaintext-password"), "{out}");
}

/// A dotfiles repository laid out as a home: the muttrc sources the account file through `~`.
fn dotfiles(root: &Path, config: &str) {
    write(root, "maillint.toml", config);
    write(root, ".mutt/muttrc", "set realname = \"Me\"\nsource ~/.mutt/accounts/work\n");
    write(root, ".mutt/accounts/work", MUTTRC);
}

#[test]
fn home_in_the_configuration_is_relative_to_its_file_and_makes_sourced_files_checked() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    dotfiles(root, "home = \".\"\n");
    // From the repository root and from a folder below it: `home` is relative to the
    // configuration file, not to the current folder nor to the sourcing file.
    let (code, out) = check(root, &[".mutt/muttrc"]);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains(".mutt/accounts/work:3:5:"), "the sourced file is checked:\n{out}");
    let (code, below) = check(&root.join(".mutt"), &["muttrc"]);
    assert_eq!(code, Some(1), "{below}");
    assert!(below.contains("accounts/work:3:5:"), "{below}");
    assert!(!below.contains("not-followed"), "{below}");
}

#[test]
fn a_relative_home_flag_is_resolved_against_the_current_folder() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    dotfiles(root, "");
    let (code, out) = check(root, &["--home", ".", ".mutt/muttrc"]);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains(".mutt/accounts/work:3:5:"), "{out}");
    // `--home` wins over the configuration's `home`.
    write(root, "maillint.toml", "home = \"elsewhere\"\n");
    let (_, out) = check(root, &["--home", ".", ".mutt/muttrc"]);
    assert!(out.contains(".mutt/accounts/work:3:5:"), "{out}");
}

#[test]
fn a_source_through_an_unknown_home_names_the_options_that_follow_it() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    dotfiles(root, "");
    let (_, out) = check(root, &["--select", "not-followed", ".mutt/muttrc"]);
    assert!(out.contains(".mutt/muttrc:2:8:"), "{out}");
    assert!(
        out.contains("`--home DIR`") && out.contains("`home = \".\"` in maillint.toml"),
        "{out}"
    );
}

#[test]
fn extend_builds_on_a_base_and_show_settings_says_where_each_value_came_from() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    // A chain: work/maillint.toml -> maillint.toml -> base.toml.
    write(root, "base.toml", "ignore = [\"plaintext-password\"]\nextend-exclude = [\"backup\"]\n");
    write(root, "maillint.toml", "extend = \"base.toml\"\n[severity]\nT005 = \"info\"\n");
    write(root, "work/maillint.toml", "extend = \"../maillint.toml\"\nignore = [\"A\"]\n");
    write(root, "work/muttrc", MUTTRC);
    write(root, "work/backup/muttrc", MUTTRC);

    // The base's ignore and the middle file's severity hold in work/; the base's exclude too.
    let (code, out) = check(root, &["work"]);
    assert_eq!(code, Some(0), "only an info finding is left:\n{out}");
    assert!(out.contains("work/muttrc:3:5: info[T005/"), "{out}");
    assert!(!out.contains("A002") && !out.contains("backup"), "{out}");

    let (code, out, err) = maillint(root, &["--show-settings", "work/muttrc"]);
    assert_eq!(code, Some(0), "{err}");
    let line = |key: &str| {
        out.lines()
            .find(|l| l.starts_with(&format!("{key} = ")))
            .unwrap_or_else(|| panic!("{key}:\n{out}"))
            .to_owned()
    };
    let base = root.join("base.toml").canonicalize().unwrap();
    let middle = root.join("maillint.toml").canonicalize().unwrap();
    let work = root.join("work/maillint.toml").canonicalize().unwrap();
    assert!(line("configuration-file").contains(&work.display().to_string()), "{out}");
    assert!(line("extends").contains(&base.display().to_string()), "{out}");
    let ignore = line("ignore");
    assert!(ignore.contains("\"plaintext-password\", \"A\""), "{ignore}");
    assert!(ignore.ends_with(&format!("# {}, {}", base.display(), work.display())), "{ignore}");
    assert!(line("severity").ends_with(&format!("# {}", middle.display())), "{out}");
    assert!(line("exclude").contains("backup"), "{out}");
    assert!(line("home").ends_with("# default"), "{out}");
    assert!(line("enabled-rules").contains("certificate-verification-disabled"), "{out}");
    assert!(!line("enabled-rules").contains("\"plaintext-password\""), "{out}");
    // The command line's --select replaces the whole selection, and says so.
    let (_, out, _) = maillint(root, &["--show-settings", "--select", "T", "work/muttrc"]);
    assert!(out.contains("select = [\"T\"]  # command line"), "{out}");
    assert!(out.contains("ignore = []  # default"), "{out}");
}

#[test]
fn an_extend_cycle_or_a_missing_base_is_an_error_naming_the_files() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "maillint.toml", "extend = \"sub/maillint.toml\"\n");
    write(root, "sub/maillint.toml", "extend = \"../maillint.toml\"\n");
    write(root, "sub/muttrc", MUTTRC);
    let (code, _, err) = maillint(root, &["sub/muttrc"]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("`extend` makes a cycle:"), "{err}");
    assert!(err.contains("maillint.toml:1:10: extend:"), "the error points at the key:\n{err}");
    assert!(
        err.matches("maillint.toml ->").count() == 2,
        "every file of the cycle is named:\n{err}"
    );

    write(root, "maillint.toml", "extend = \"nope.toml\"\n");
    let (code, _, err) = maillint(root, &["sub/muttrc"]);
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("maillint.toml:1:10: extend: cannot read `") && err.contains("nope.toml`"),
        "{err}"
    );
}

#[test]
fn show_files_lists_the_files_to_check_with_their_format_after_excludes() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "maillint.toml", "extend-exclude = [\"backup\"]\n");
    write(root, "mutt/muttrc", MUTTRC);
    write(root, "backup/muttrc", MUTTRC);
    write(
        root,
        "tb/prefs.js",
        "user_pref(\"mail.server.server1.hostname\", \"imap.example.com\");\n",
    );
    write(root, "notes.txt", "not mail configuration\n");
    let (code, out, err) = maillint(root, &["--show-files", "."]);
    assert_eq!(code, Some(0), "{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2, "{out}");
    assert!(lines.iter().any(|l| l.ends_with("mutt/muttrc\tmutt")), "{out}");
    assert!(lines.iter().any(|l| l.contains("tb/prefs.js\t")), "{out}");
}
