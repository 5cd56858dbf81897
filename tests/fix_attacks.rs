//! `check --fix` against a user who controls the files being fixed and races the admin.
//!
//! Most tests run as root (like an admin fixing a user's files) against a home owned by the
//! unprivileged user `nobody` (65534), with attacker processes dropped to that user by
//! `setpriv`. Without root they print SKIPPED on a developer's machine and fail under `CI`.
//! Each scenario is one the issue showed working against the path-based writer: a folder
//! swapped for a symbolic link between the read and the write, a line appended after the read,
//! a sourced file of another user, a file one cannot write in a folder one owns, extended
//! attributes and ACLs, hard links.

#![allow(clippy::print_stderr)] // a skipped test says so

mod attack_support;

use std::fs;
use std::io::Write;
use std::os::unix::fs::{MetadataExt, PermissionsExt, chown};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use attack_support::{NOBODY, OTHER_USER as BOB, have_program, running_as_root};

/// A muttrc with one safe fix (`ssl_force_tls = no` becomes `yes`: STARTTLS is not optional).
const FIXABLE: &str = "set folder = \"imap://imap.example.org/\"\nset ssl_force_tls = no\n";

/// A scratch folder everyone may traverse, so that `nobody` reaches the home inside it.
fn scratch() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o755)).unwrap();
    dir
}

/// A folder owned by `uid` with `mode`.
fn folder(path: &Path, uid: u32, mode: u32) -> PathBuf {
    fs::create_dir_all(path).unwrap();
    fs::set_permissions(path, fs::Permissions::from_mode(mode)).unwrap();
    chown(path, Some(uid), Some(uid)).unwrap();
    path.to_path_buf()
}

/// A file owned by `uid` with `mode` holding `text`.
fn file(path: &Path, text: &str, uid: u32, mode: u32) -> PathBuf {
    fs::write(path, text).unwrap();
    fs::set_permissions(path, fs::Permissions::from_mode(mode)).unwrap();
    chown(path, Some(uid), Some(uid)).unwrap();
    path.to_path_buf()
}

/// `setpriv` dropping to `uid` (util-linux), as PROTOCOL.md asks for attacker processes.
fn as_user(uid: u32, program: &str) -> Command {
    let mut command = Command::new("setpriv");
    command.args([
        format!("--reuid={uid}"),
        format!("--regid={uid}"),
        "--clear-groups".to_owned(),
        "--".to_owned(),
        program.to_owned(),
    ]);
    command
}

/// A python3 that `nobody` can run: the system's, not one under root's home (pyenv).
fn python_for_everyone() -> String {
    let system = Path::new("/usr/bin/python3");
    if system.exists() { system.display().to_string() } else { "python3".to_owned() }
}

/// A copy of the maillint binary that every user can run. The checkout (and so
/// `CARGO_BIN_EXE_maillint`) may sit below a folder only root can enter, such as `/root`.
fn binary_for_everyone() -> &'static str {
    static COPY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    COPY.get_or_init(|| {
        let dir = scratch().keep();
        let copy = dir.join("maillint");
        fs::copy(env!("CARGO_BIN_EXE_maillint"), &copy).unwrap();
        fs::set_permissions(&copy, fs::Permissions::from_mode(0o755)).unwrap();
        copy.display().to_string()
    })
}

/// Runs `maillint check --fix --isolated PATH`, as root or as `uid`.
fn fix(path: &Path, uid: Option<u32>) -> Output {
    let mut command = match uid {
        Some(uid) => as_user(uid, binary_for_everyone()),
        None => Command::new(env!("CARGO_BIN_EXE_maillint")),
    };
    command.args(["check", "--fix", "--isolated", "--output-format", "concise"]).arg(path);
    command.current_dir("/").env("HOME", path.parent().unwrap());
    command.output().unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Names in `dir` that look like a temporary file of maillint.
fn leftovers(dir: &Path) -> Vec<String> {
    fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("maillint-tmp"))
        .collect()
}

#[test]
fn a_folder_swapped_for_a_symlink_to_a_root_folder_never_gets_the_fix() {
    if !running_as_root("directory swap race") {
        return;
    }
    let scratch = scratch();
    let home = folder(&scratch.path().join("home"), NOBODY, 0o755);
    let d = folder(&home.join("d"), NOBODY, 0o755);
    let target = file(&d.join("muttrc"), FIXABLE, NOBODY, 0o644);
    // Root's folder holds a file of the same name that has nothing to fix, so a read through
    // the link changes nothing; only a write redirected after the read could touch it.
    let root_dir = folder(&scratch.path().join("root-owned"), 0, 0o755);
    let root_text = "# root's own muttrc\nset folder = \"~/Mail\"\n";
    let root_file = file(&root_dir.join("muttrc"), root_text, 0, 0o644);
    let root_inode = fs::metadata(&root_file).unwrap().ino();

    // The attacker, as nobody, swaps `d` for a link to root's folder and back in a tight loop,
    // and puts the unfixed text back whenever a fix landed.
    let swapper = r#"
import os, sys
home, root_dir, text = sys.argv[1], sys.argv[2], sys.argv[3]
d, real = os.path.join(home, "d"), os.path.join(home, "d.real")
while True:
    try:
        os.rename(d, real)
        os.symlink(root_dir, d)
        os.unlink(d)
        os.rename(real, d)
        with open(os.path.join(d, "muttrc")) as f:
            fixed = f.read() != text
        if fixed:
            with open(os.path.join(d, "muttrc"), "w") as f:
                f.write(text)
    except OSError:
        pass
"#;
    let mut attacker = as_user(NOBODY, &python_for_everyone())
        .args(["-c", swapper])
        .arg(&home)
        .arg(&root_dir)
        .arg(FIXABLE)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let rounds = 200;
    let mut fixed = 0;
    let mut changed = 0;
    for round in 0..rounds {
        let output = fix(&target, None);
        let err = stderr(&output);
        fixed += usize::from(output.status.code() == Some(0));
        changed += usize::from(err.contains("changed while it was being fixed"));
        let now = fs::read_to_string(&root_file).unwrap();
        if now != root_text {
            let _ = attacker.kill();
            panic!("round {round}: root's file was overwritten:\n{now}\nstderr: {err}");
        }
    }
    let still_racing = attacker.try_wait().unwrap().is_none();
    let _ = attacker.kill();
    let _ = attacker.wait();
    assert!(still_racing, "the attacker stopped early: the test proved nothing");
    let meta = fs::metadata(&root_file).unwrap();
    assert_eq!((meta.ino(), meta.uid()), (root_inode, 0), "root's file was replaced");
    assert_eq!(leftovers(&root_dir), Vec::<String>::new(), "a temporary file in root's folder");
    eprintln!("{rounds} rounds: {fixed} fixed the user's file, {changed} refused as changed");
}

#[test]
fn a_line_appended_after_the_read_survives_and_the_fix_is_refused() {
    let dir = scratch();
    let path = dir.path().join("muttrc");
    fs::write(&path, FIXABLE).unwrap();
    let args = maillint_cli::args::RuleArgs {
        config: maillint_cli::args::ConfigArgs { isolated: true, ..Default::default() },
        ..Default::default()
    };
    let linter = maillint_cli::setup::build(&args, &path, None).unwrap().linter;
    let units = maillint_engine::discover(
        std::slice::from_ref(&path),
        &linter.parsers,
        &Default::default(),
    )
    .units;
    let report = linter.lint_unit(&units[0]).unwrap();
    // The user adds a line after maillint read the file.
    let appended = "set imap_keepalive = 300\n";
    fs::OpenOptions::new()
        .append(true)
        .open(&path)
        .unwrap()
        .write_all(appended.as_bytes())
        .unwrap();
    let outcome = linter.fix_report(report, maillint_engine::FixOptions::default());
    assert_eq!(outcome.changes.len(), 1, "the fix was computed on the text as read");
    let root = &outcome.changes[0].original;
    let err = outcome.changes[0].write(root).unwrap_err().to_string();
    assert!(
        err.contains("changed while it was being fixed") && err.contains("run maillint again"),
        "{err}"
    );
    assert_eq!(fs::read_to_string(&path).unwrap(), format!("{FIXABLE}{appended}"));
    assert_eq!(leftovers(dir.path()), Vec::<String>::new());
}

/// Alice's muttrc sourcing `sourced` (owned by `owner`, `mode`), fixed by root: the sourced
/// file must stay exactly as it was. Returns everything maillint printed.
fn fix_alice_sourcing(owner: u32, mode: u32) -> (PathBuf, String) {
    let scratch = scratch();
    let alice = folder(&scratch.path().join("alice"), NOBODY, 0o755);
    let other = folder(&scratch.path().join("other"), owner, 0o755);
    let text = "set ssl_verify_host = no\n";
    let sourced = file(&other.join("shared.muttrc"), text, owner, mode);
    let muttrc = file(
        &alice.join("muttrc"),
        &format!(
            "set folder = \"imap://imap.example.org/\"\nset ssl_force_tls = yes\nsource {}\n",
            sourced.display()
        ),
        NOBODY,
        0o644,
    );
    let before = fs::metadata(&sourced).unwrap();
    let output = fix(&muttrc, None);
    let printed = format!("{}{}", stdout(&output), stderr(&output));
    let after = fs::metadata(&sourced).unwrap();
    assert_eq!(fs::read_to_string(&sourced).unwrap(), text, "{printed}");
    assert_eq!((after.ino(), after.uid(), after.mtime()), (before.ino(), owner, before.mtime()));
    (sourced, printed)
}

#[test]
fn a_sourced_file_of_another_user_is_not_fixed_and_its_finding_says_why() {
    if !running_as_root("sourced file of another user") {
        return;
    }
    // Bob's private file: untouched. (Once reads are confined to what alice may read, it is
    // not even read; until then it is read and its fix withheld.)
    let (bobs, printed) = fix_alice_sourcing(BOB, 0o600);
    assert!(printed.contains(&bobs.display().to_string()), "{printed}");
    // A shared file of root's that alice may read: read, its finding shown, its fix withheld.
    let (shared, printed) = fix_alice_sourcing(0, 0o644);
    let says_why = format!("not fixed: {} belongs to another user (uid 0)", shared.display());
    assert!(printed.contains(&says_why), "{printed}");
}

#[test]
fn an_unprivileged_user_cannot_replace_a_root_file_they_cannot_write_in_their_own_folder() {
    if !running_as_root("unwritable file in a writable folder") {
        return;
    }
    let scratch = scratch();
    let home = folder(&scratch.path().join("home"), NOBODY, 0o755);
    let path = file(&home.join("muttrc"), FIXABLE, 0, 0o644);
    let inode = fs::metadata(&path).unwrap().ino();
    let output = fix(&path, Some(NOBODY));
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(2), "{err}");
    assert!(err.contains("you cannot write this file"), "{err}");
    let meta = fs::metadata(&path).unwrap();
    assert_eq!(fs::read_to_string(&path).unwrap(), FIXABLE);
    assert_eq!((meta.ino(), meta.uid(), meta.mode() & 0o7777), (inode, 0, 0o644));
    assert_eq!(leftovers(&home), Vec::<String>::new());
}

#[test]
fn root_fixing_a_users_file_keeps_owner_group_mode_acl_and_extended_attributes() {
    let test = "ACL and xattr kept";
    if !running_as_root(test) || !have_program("setfacl", test) || !have_program("setfattr", test) {
        return;
    }
    let scratch = scratch();
    let home = folder(&scratch.path().join("home"), NOBODY, 0o755);
    let path = file(&home.join("muttrc"), FIXABLE, NOBODY, 0o640);
    let tool = |program: &str, args: &[&str]| {
        let status = Command::new(program).args(args).arg(&path).status();
        assert!(
            status.is_ok_and(|s| s.success()),
            "{program} {args:?} failed (apt-get install acl attr)"
        );
    };
    tool("setfacl", &["-m", &format!("u:{BOB}:rw")]);
    tool("setfattr", &["-n", "user.origin", "-v", "dotfiles"]);
    let acl_before = Command::new("getfacl").args(["-n", "-c"]).arg(&path).output().unwrap().stdout;
    let mode_before = fs::metadata(&path).unwrap().mode();

    let output = fix(&path, None);
    assert!(
        fs::read_to_string(&path).unwrap().contains("ssl_force_tls = yes"),
        "{}",
        stderr(&output)
    );
    let meta = fs::metadata(&path).unwrap();
    assert_eq!((meta.uid(), meta.gid(), meta.mode()), (NOBODY, NOBODY, mode_before));
    let acl_after = Command::new("getfacl").args(["-n", "-c"]).arg(&path).output().unwrap().stdout;
    assert_eq!(String::from_utf8_lossy(&acl_after), String::from_utf8_lossy(&acl_before));
    assert!(String::from_utf8_lossy(&acl_after).contains(&format!("user:{BOB}:rw-")));
    let xattr = Command::new("getfattr")
        .args(["-n", "user.origin", "--only-values"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&xattr.stdout),
        "dotfiles",
        "{}",
        String::from_utf8_lossy(&xattr.stderr)
    );
}

#[test]
fn a_file_with_several_hard_links_is_refused_and_the_links_stay_one_file() {
    let dir = scratch();
    let path = dir.path().join("muttrc");
    fs::write(&path, FIXABLE).unwrap();
    let other = dir.path().join("muttrc.link");
    fs::hard_link(&path, &other).unwrap();
    let output = fix(&path, None);
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(2), "{err}");
    assert!(err.contains("2 hard links") && err.contains("not changed"), "{err}");
    assert_eq!(fs::read_to_string(&path).unwrap(), FIXABLE);
    assert_eq!(fs::metadata(&path).unwrap().ino(), fs::metadata(&other).unwrap().ino(), "split");
    assert_eq!(fs::metadata(&path).unwrap().nlink(), 2);
}
