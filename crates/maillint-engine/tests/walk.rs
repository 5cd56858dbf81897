//! The folder walk of `check` (`discover` on a folder): which files it offers to the parsers,
//! which it never follows or opens, and, as root, with whose rights it reads them.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use maillint_core::ParserRegistry;
use maillint_core::testing::ClaimingParser;
use maillint_engine::discover::DiscoveryErrorKind;
use maillint_engine::{DiscoverOptions, discover};

fn registry() -> ParserRegistry {
    let mut parsers = ParserRegistry::new();
    // `*.kv` by name, a head starting with `kv:` by content.
    parsers.register(Arc::new(ClaimingParser { extension: "kv" }));
    parsers
}

fn write(path: &Path, text: &str) -> PathBuf {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
    path.to_path_buf()
}

fn roots(found: &maillint_engine::Discovery) -> Vec<PathBuf> {
    found.units.iter().map(|unit| unit.root.clone()).collect()
}

#[test]
fn every_regular_file_is_offered_once_and_links_special_files_and_bulk_folders_never() {
    let tmp = tempfile::tempdir().unwrap();
    let top = tmp.path();
    let by_name = write(&top.join("a/x.kv"), "host = h\n");
    let by_content = write(&top.join("a/b/c/.hidden"), "kv: host = h\n");
    write(&top.join("a/b/notes.txt"), "nothing here\n");
    for bulk in [".git", ".hg", ".svn", "node_modules", "target", ".cache"] {
        write(&top.join("a").join(bulk).join("skipped.kv"), "host = h\n");
    }
    // A link to a folder and a link to a file: not followed, not counted.
    std::os::unix::fs::symlink(top.join("a"), top.join("link-to-a")).unwrap();
    std::os::unix::fs::symlink(&by_name, top.join("link.kv")).unwrap();
    // A FIFO named like a configuration: never opened (opening it could block the walk).
    rustix::fs::mknodat(
        rustix::fs::CWD,
        top.join("fifo.kv"),
        rustix::fs::FileType::Fifo,
        rustix::fs::Mode::from_raw_mode(0o644),
        0,
    )
    .unwrap();

    for threads in [1, 2, 0] {
        let found = discover(
            &[top.to_path_buf()],
            &registry(),
            &DiscoverOptions { threads, ..DiscoverOptions::default() },
        );
        assert_eq!(roots(&found), [by_content.clone(), by_name.clone()], "threads {threads}");
        assert_eq!(found.files_seen, 3, "x.kv, .hidden, notes.txt");
        assert!(found.walk_errors.is_empty(), "{:?}", found.walk_errors);
        assert!(found.errors.is_empty(), "{:?}", found.errors);
    }
    // A bulk folder named as the root is walked (only folders met inside are skipped), and two
    // roots that overlap find each file once.
    let git = top.join("a/.git");
    let found = discover(&[git.clone(), git.clone()], &registry(), &DiscoverOptions::default());
    assert_eq!(roots(&found), [git.join("skipped.kv")]);
}

/// A folder the runner may not read is reported with its path, and the rest is walked. As
/// root (which reads every folder), the walk runs on a thread that took the credentials of
/// `nobody` first: the walk's threads are made by it and have the same.
/// A file whose extension names another format (`notes.md`, `x.json`) is offered by its name
/// only: a parser that knows the name claims it, content detection never sees it, and the file
/// is not opened (one its runner may not read is no error; root reads every file, so only the
/// unprivileged run shows that). Named on the command line, it is read.
#[test]
fn a_file_of_another_format_is_offered_by_name_only_unless_named() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    let top = tmp.path();
    let sniffed = write(&top.join("notes.txt"), "kv: host = h\n");
    let foreign = write(&top.join("notes.md"), "kv: host = h\n");
    write(&top.join("upper.MD"), "kv: host = h\n");
    let by_name = write(&top.join("x.json"), "kv: host = h\n");
    let locked = write(&top.join("locked.png"), "kv: host = h\n");
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    let mut parsers = registry();
    parsers.register(Arc::new(ClaimingParser { extension: "json" }));

    for threads in [1, 0] {
        let found = discover(
            &[top.to_path_buf()],
            &parsers,
            &DiscoverOptions { threads, ..DiscoverOptions::default() },
        );
        assert_eq!(roots(&found), [sniffed.clone(), by_name.clone()], "threads {threads}");
        assert_eq!(found.files_seen, 5, "every regular file is looked at, by name at least");
        assert!(found.walk_errors.is_empty(), "nothing was opened: {:?}", found.walk_errors);
    }
    let named = discover(std::slice::from_ref(&foreign), &parsers, &DiscoverOptions::default());
    assert_eq!(roots(&named), [foreign]);
}

#[test]
fn an_unreadable_folder_is_reported_with_its_path_and_the_walk_goes_on() {
    use maillint_core::confine::{Owner, ReadAs, running_as_root};
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let kept = write(&tmp.path().join("open/x.kv"), "host = h\n");
    write(&tmp.path().join("closed/y.kv"), "host = h\n");
    let closed = tmp.path().join("closed");
    std::fs::set_permissions(&closed, std::fs::Permissions::from_mode(0o000)).unwrap();
    let walk = || discover(&[tmp.path().to_path_buf()], &registry(), &DiscoverOptions::default());
    let found = if running_as_root() {
        std::thread::scope(|scope| {
            let as_nobody = scope.spawn(|| {
                let _nobody = ReadAs::enter(Some(&Owner::of_uid(65534, 65534))).unwrap();
                assert!(!running_as_root());
                walk()
            });
            as_nobody.join().unwrap()
        })
    } else {
        walk()
    };
    std::fs::set_permissions(&closed, std::fs::Permissions::from_mode(0o755)).unwrap();
    assert_eq!(roots(&found), [kept]);
    assert_eq!(found.walk_errors.len(), 1, "{:?}", found.walk_errors);
    assert_eq!(found.walk_errors[0].path, closed);
    assert!(found.walk_errors[0].to_string().contains("Permission denied"));
}

/// As root, a file is read with its owner's rights, the owner decided from the file's entry and
/// the folders the walk went through; such a file is opened by its path, so the kernel judges
/// every folder above it as for the owner. A root-owned file behind a folder only root may
/// enter, inside a user's folder, is theirs to read or not: they cannot, so it is not read.
#[test]
fn as_root_a_users_files_are_read_with_their_rights_and_roots_own_with_roots() {
    use std::os::unix::fs::{PermissionsExt, chown};
    if !maillint_core::confine::running_as_root() {
        maillint_core::testing::skip("giving folders to another user needs root");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let top = tmp.path();
    std::fs::set_permissions(top, std::fs::Permissions::from_mode(0o755)).unwrap();
    let home = top.join("home");
    std::fs::create_dir(&home).unwrap();
    chown(&home, Some(65534), Some(65534)).unwrap();
    // Root's file in the user's folder, readable by them: read (as them).
    let theirs = write(&home.join("rc.kv"), "host = h\n");
    // Root's file behind a root-only folder in the user's folder: they cannot reach it.
    let locked = home.join("locked");
    let hidden = write(&locked.join("open/rc.kv"), "host = h\n");
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o700)).unwrap();
    // The user's own file that only they may read: read (as them).
    let private = write(&home.join("private"), "kv: host = h\n");
    chown(&private, Some(65534), Some(65534)).unwrap();
    std::fs::set_permissions(&private, std::fs::Permissions::from_mode(0o600)).unwrap();
    // A third user's files in the same folder: read as them, in their own stretch of the
    // folder's files (one owner's credentials are taken once for all their files).
    let third = [write(&home.join("third.kv"), "host = h\n"), write(&home.join("z"), "kv:\n")];
    for file in &third {
        chown(file, Some(1234), Some(1234)).unwrap();
        std::fs::set_permissions(file, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    // Theirs too, but with no read permission even for them: root could read it, they cannot.
    let denied = write(&home.join("denied.kv"), "host = h\n");
    chown(&denied, Some(1234), Some(1234)).unwrap();
    std::fs::set_permissions(&denied, std::fs::Permissions::from_mode(0o000)).unwrap();
    // Root's file outside any user's folder: read with root's rights.
    let system = write(&top.join("system.kv"), "host = h\n");
    std::fs::set_permissions(&system, std::fs::Permissions::from_mode(0o600)).unwrap();

    let found = discover(&[top.to_path_buf()], &registry(), &DiscoverOptions::default());
    let [third_kv, third_z] = third;
    assert_eq!(roots(&found), [private, theirs, third_kv, third_z, system]);
    let refused: Vec<&Path> = found.walk_errors.iter().map(|e| e.path.as_path()).collect();
    assert_eq!(refused, [denied.as_path(), hidden.as_path()], "{:?}", found.walk_errors);
    for refusal in &found.walk_errors {
        let DiscoveryErrorKind::Io(error) = &refusal.kind else { panic!("{refusal:?}") };
        assert_eq!(error.kind(), std::io::ErrorKind::PermissionDenied, "{error}");
    }
}

/// Folders are opened through their parent's handle, so a tree deeper than a path may be long
/// (PATH_MAX, 4,096 bytes on Linux) is walked to the bottom, and the walk holds no stack frame
/// per level (each folder is a task of its own).
#[test]
fn a_tree_deeper_than_a_path_can_name_is_walked_to_the_bottom() {
    let tmp = tempfile::tempdir().unwrap();
    let segment = "a-folder-name-of-thirty-bytes-";
    let depth = 200;
    let mut relative = PathBuf::new();
    let dir =
        rustix::fs::open(tmp.path(), rustix::fs::OFlags::DIRECTORY, rustix::fs::Mode::empty())
            .unwrap();
    let mut current = dir;
    for _ in 0..depth {
        rustix::fs::mkdirat(&current, segment, rustix::fs::Mode::from_raw_mode(0o755)).unwrap();
        current = rustix::fs::openat(
            &current,
            segment,
            rustix::fs::OFlags::DIRECTORY,
            rustix::fs::Mode::empty(),
        )
        .unwrap();
        relative.push(segment);
    }
    let file = rustix::fs::openat(
        &current,
        "deep.kv",
        rustix::fs::OFlags::WRONLY | rustix::fs::OFlags::CREATE,
        rustix::fs::Mode::from_raw_mode(0o644),
    )
    .unwrap();
    rustix::io::write(&file, b"host = h\n").unwrap();
    let bottom = tmp.path().join(&relative).join("deep.kv");
    assert!(bottom.as_os_str().len() > 4096);

    let found = discover(&[tmp.path().to_path_buf()], &registry(), &DiscoverOptions::default());
    // The file is the runner's own (or root's, as root): read through its folder's handle.
    assert_eq!(roots(&found), [bottom]);
    assert!(found.walk_errors.is_empty(), "{:?}", found.walk_errors);
    assert_eq!(found.files_seen, 1);
}
