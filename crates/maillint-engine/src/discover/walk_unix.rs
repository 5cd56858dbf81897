//! The folder walk on Unix: each folder is opened through its parent's handle, each file looked
//! up in its folder's handle.
//!
//! A path names every folder from `/` down, and the kernel resolves all of them again for each
//! `stat` and `open` of a file: on a tree of homes that was most of the walk's system time. Here
//! a folder is opened with `openat(parent, name, O_DIRECTORY | O_NOFOLLOW)` and a file with
//! `fstatat`/`openat` on its folder's handle, one name each. The folders are the ones listed:
//! a folder swapped for a symlink after its parent was listed is refused (and reported), never
//! followed.
//!
//! Confinement is decided exactly as [`Owner::of_config_file`] decides it for a path
//! (`docs/security.md`, "Confinement"), from the file's own entry and the folders the walk
//! went through, each judged by its handle's owner. A file that is read with its owner's
//! rights is then opened by its path under [`ReadAs`](maillint_core::confine::ReadAs), as
//! before, so that the kernel judges every folder of the path as it would for the owner. Only a
//! file read with the runner's own rights goes through the folder's handle: the runner opened
//! every folder above it itself.
//!
//! Work is spread over a rayon pool: a folder is one task, its subfolders new tasks that hold
//! the folder's handle until they have opened theirs, so the handles open at once stay few.

use std::ffi::{CStr, CString, OsStr, OsString};
use std::io;
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use maillint_core::ParserRegistry;
use maillint_core::confine::{Owner, ReadAs, folder_owner_of, running_as_root};
use maillint_core::read::{self, ReadError};
use rustix::fs::{AtFlags, FileType, Mode, OFlags};

use super::walked::{WalkOutcome, Walked};
use super::{
    DiscoverOptions, DiscoveryError, DiscoveryErrorKind, Found, HEAD_LEN, SKIPPED_DIRS, Unit,
    detect_file, detected, foreign, head_of, insert,
};

/// A folder being walked: its handle (the listing is done), its path, the answer of
/// [`folder_owner_of`] for it (`None` when the runner is not root: nobody to confine to), and
/// the walk root it is under (an index into the roots).
struct Folder {
    fd: OwnedFd,
    path: PathBuf,
    owner: Option<(u32, u32)>,
    root: usize,
}

impl Folder {
    fn fd(&self) -> BorrowedFd<'_> {
        self.fd.as_fd()
    }
}

/// How a folder's answer of [`folder_owner_of`] is found.
enum OwnerOf {
    /// Already known (a walk root, judged by its path; or the runner is not root).
    Known(Option<(u32, u32)>),
    /// From the folder's own handle and the answer for the folder above, once its listing
    /// shows that something needs it: a file to read, or a subfolder to walk. A folder of
    /// nothing else is not looked at (a third of a home's folders: one `fstat` each).
    Handle { above: Option<(u32, u32)> },
}

/// What an entry of a listing is, as far as the walk cares.
enum Kind {
    Folder,
    File,
    /// A symlink, FIFO, socket or device: not walked, not read (as the `ignore` walk did).
    Other,
}

impl Kind {
    fn of(file_type: FileType) -> Self {
        match file_type {
            FileType::Directory => Kind::Folder,
            FileType::RegularFile => Kind::File,
            _ => Kind::Other,
        }
    }
}

/// The walk's shared state.
struct Walker<'a> {
    parsers: &'a ParserRegistry,
    found: &'a Found,
    /// Whether confinement applies (decided once: each thread gets root's rights back after
    /// every read).
    as_root: bool,
    /// [`DiscoverOptions::noted_names`].
    noted_names: &'a [OsString],
    seen: AtomicUsize,
    errors: Mutex<Vec<DiscoveryError>>,
    /// Folders whose listing held a noted name or failed part way.
    unsure: Mutex<Vec<PathBuf>>,
}

/// Walks `roots` (folders), offering every regular file to the parsers; returns the number of
/// files looked at, the problems met and the folders whose listing says nothing sure about
/// the noted names.
pub(super) fn walk(
    roots: &[PathBuf],
    parsers: &ParserRegistry,
    options: &DiscoverOptions,
    found: &Found,
) -> WalkOutcome {
    let walker = Walker::new(parsers, found, running_as_root(), &options.noted_names);
    match rayon::ThreadPoolBuilder::new().num_threads(thread_count(options)).build() {
        Ok(pool) => pool.scope(|scope| walker.roots(scope, roots)),
        // No threads to be had: the caller's pool (or this thread) walks.
        Err(_) => rayon::scope(|scope| walker.roots(scope, roots)),
    }
    let Walker { seen, errors, unsure, .. } = walker;
    WalkOutcome {
        seen: seen.into_inner(),
        errors: errors.into_inner().unwrap_or_else(|e| e.into_inner()),
        unsure: unsure.into_inner().unwrap_or_else(|e| e.into_inner()),
    }
}

/// The threads asked for, or as many as there are cores up to 12 (what the `ignore` walk took).
fn thread_count(options: &DiscoverOptions) -> usize {
    if options.threads > 0 {
        return options.threads;
    }
    std::thread::available_parallelism().map_or(1, |n| n.get()).min(12)
}

impl<'a> Walker<'a> {
    fn new(
        parsers: &'a ParserRegistry,
        found: &'a Found,
        as_root: bool,
        noted_names: &'a [OsString],
    ) -> Self {
        Self {
            parsers,
            found,
            as_root,
            noted_names,
            seen: AtomicUsize::new(0),
            errors: Mutex::new(Vec::new()),
            unsure: Mutex::new(Vec::new()),
        }
    }

    fn roots<'s>(&'s self, scope: &rayon::Scope<'s>, roots: &'s [PathBuf]) {
        for (index, root) in roots.iter().enumerate() {
            scope.spawn(move |scope| self.root(scope, root, index));
        }
    }

    /// A folder named on the command line: opened by its path (a symlink to a folder is
    /// followed, as the user named it), its owner judged by the path as `check` always did.
    fn root<'s>(&'s self, scope: &rayon::Scope<'s>, path: &Path, index: usize) {
        let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC | OFlags::NONBLOCK;
        match rustix::fs::open(path, flags, Mode::empty()) {
            Ok(fd) => {
                let owner = if self.as_root { folder_owner_of(path) } else { None };
                let folder = Folder { fd, path: path.to_path_buf(), owner: None, root: index };
                self.list(scope, folder, OwnerOf::Known(owner));
            }
            Err(error) => self.error(path.to_path_buf(), error.into()),
        }
    }

    /// A folder met in `parent`: opened through the parent's handle, never through a symlink.
    fn subfolder<'s>(
        &'s self,
        scope: &rayon::Scope<'s>,
        parent: &Folder,
        name: &CStr,
        path: PathBuf,
    ) {
        let flags = OFlags::RDONLY
            | OFlags::DIRECTORY
            | OFlags::NOFOLLOW
            | OFlags::CLOEXEC
            | OFlags::NONBLOCK;
        let fd = match rustix::fs::openat(parent.fd(), name, flags, Mode::empty()) {
            Ok(fd) => fd,
            Err(error) => return self.error(path, error.into()),
        };
        let owner = match self.as_root {
            true => OwnerOf::Handle { above: parent.owner },
            false => OwnerOf::Known(None),
        };
        self.list(scope, Folder { fd, path, owner: None, root: parent.root }, owner);
    }

    /// Lists a folder, then offers its files to the parsers and hands its subfolders to the
    /// pool.
    fn list<'s>(&'s self, scope: &rayon::Scope<'s>, mut folder: Folder, owner: OwnerOf) {
        let entries = self.entries(folder.fd(), &folder.path);
        folder.owner = match owner {
            OwnerOf::Known(owner) => owner,
            OwnerOf::Handle { .. }
                if !entries.iter().any(|(name, kind)| needs_owner(name, kind)) =>
            {
                None
            }
            // `folder_owner_of` of this folder, from its handle.
            OwnerOf::Handle { above } => match rustix::fs::fstat(&folder.fd) {
                Ok(stat) => Owner::ids_of_walked_entry(stat.st_uid, stat.st_gid, above),
                Err(error) => return self.error(folder.path, error.into()),
            },
        };
        let folder = Arc::new(folder);
        let mut files = Vec::new();
        for (name, kind) in entries {
            let path = || folder.path.join(OsStr::from_bytes(name.to_bytes()));
            match kind {
                Kind::File => files.push((path(), name)),
                Kind::Folder if !is_skipped(&name) => {
                    let (folder, path) = (Arc::clone(&folder), path());
                    scope.spawn(move |scope| self.subfolder(scope, &folder, &name, path));
                }
                Kind::Folder | Kind::Other => {}
            }
        }
        self.files(&folder, files);
    }

    /// The entries of a folder (without `.` and `..`); an error ends the listing, is
    /// reported, and keeps what was read before it. A folder whose listing failed part way, or
    /// held a noted name, is marked unsure.
    fn entries(&self, fd: BorrowedFd<'_>, path: &Path) -> Vec<(CString, Kind)> {
        let mut entries = Vec::new();
        let mut unsure = false;
        let result =
            maillint_core::listing::each_entry::<rustix::io::Errno>(fd, |name, file_type| {
                if matches!(name.to_bytes(), b"." | b"..") {
                    return Ok(());
                }
                unsure |= self.noted_names.iter().any(|n| n.as_bytes() == name.to_bytes());
                let kind = match file_type {
                    // The file system does not say (`DT_UNKNOWN`): `lstat` it, as `read_dir` does.
                    FileType::Unknown => match self.kind_of(fd, name) {
                        Ok(kind) => kind,
                        Err(error) => {
                            self.error(path.join(OsStr::from_bytes(name.to_bytes())), error);
                            return Ok(());
                        }
                    },
                    known => Kind::of(known),
                };
                entries.push((name.to_owned(), kind));
                Ok(())
            });
        if let Err(error) = result {
            unsure = true;
            self.error(path.to_path_buf(), error.into());
        }
        if unsure {
            self.unsure.lock().unwrap_or_else(|e| e.into_inner()).push(path.to_path_buf());
        }
        entries
    }

    fn kind_of(&self, fd: BorrowedFd<'_>, name: &CStr) -> io::Result<Kind> {
        let stat = rustix::fs::statat(fd, name, AtFlags::SYMLINK_NOFOLLOW)?;
        Ok(Kind::of(FileType::from_raw_mode(stat.st_mode)))
    }

    /// Offers a folder's files to the parsers, a file of another format by its name only
    /// ([`foreign`]). As root, the files read with an owner's rights
    /// are read in one stretch per owner: taking a thread's credentials and giving them back
    /// costs eight system calls, more than reading a head.
    fn files(&self, folder: &Folder, files: Vec<(PathBuf, CString)>) {
        self.seen.fetch_add(files.len(), Ordering::Relaxed);
        let mut by_owner = Vec::new();
        for (path, name) in files {
            if foreign::names_another_format(name.to_bytes()) {
                // Offered by its name only: nothing is opened (see `foreign`), and whose it
                // is was not decided.
                self.offer(path.clone(), Ok(detected(&path, b"", self.parsers, None)));
                continue;
            }
            match self.owner_ids(folder, &name) {
                Some(ids) => by_owner.push((ids, path)),
                None => {
                    let found = self.detect_own(folder, &name, &path);
                    self.offer(path, found);
                }
            }
        }
        by_owner.sort_by_key(|(ids, _)| *ids);
        for run in by_owner.chunk_by(|a, b| a.0 == b.0) {
            self.detect_as_owner(folder.root, run[0].0, run);
        }
    }

    /// Who a file is read for ([`Owner::ids_of_walked_entry`]): `None` when it is read with the
    /// runner's own rights.
    fn owner_ids(&self, folder: &Folder, name: &CStr) -> Option<(u32, u32)> {
        if !self.as_root {
            return None;
        }
        match rustix::fs::statat(folder.fd(), name, AtFlags::SYMLINK_NOFOLLOW) {
            Ok(stat) => Owner::ids_of_walked_entry(stat.st_uid, stat.st_gid, folder.owner),
            // Gone since the listing: judged by its folders, as `of_config_file` does.
            Err(_) => Owner::ids_of_walked_entry(0, 0, folder.owner),
        }
    }

    /// [`detect_file`] for files of one owner, each opened by its path under the owner's
    /// credentials, taken once for all of them.
    fn detect_as_owner(&self, root: usize, (uid, gid): (u32, u32), run: &[((u32, u32), PathBuf)]) {
        let owner = Owner::of_uid(uid, gid);
        let heads: Vec<io::Result<Vec<u8>>> = match ReadAs::enter(Some(&owner)) {
            Ok(_as_owner) => run.iter().map(|(_, path)| head_of(path, Some(&owner))).collect(),
            Err(error) => run.iter().map(|_| Err(same_error(&error))).collect(),
        };
        let walked = Walked { root, owner: Some((uid, gid)) };
        for ((_, path), head) in run.iter().zip(heads) {
            let found = head.map(|head| detected(path, &head, self.parsers, Some(walked)));
            self.offer(path.clone(), found);
        }
    }

    /// [`detect_file`] for a file read with the runner's own rights: opened through its
    /// folder's handle.
    fn detect_own(&self, folder: &Folder, name: &CStr, path: &Path) -> io::Result<Option<Unit>> {
        let head = match read::open_regular_at(folder.fd(), name) {
            Ok((mut file, identity)) => read::read_head(&mut file, identity.size, HEAD_LEN)?,
            // Swapped for a symlink since the listing: decided again by its path, exactly as
            // a file named on the command line.
            Err(ReadError::Io(error))
                if error.raw_os_error() == Some(rustix::io::Errno::LOOP.raw_os_error()) =>
            {
                return detect_file(path, self.parsers);
            }
            Err(error) => return Err(error.into()),
        };
        Ok(detected(path, &head, self.parsers, Some(Walked { root: folder.root, owner: None })))
    }

    /// Records what detecting the file at `path` found.
    fn offer(&self, path: PathBuf, found: io::Result<Option<Unit>>) {
        match found {
            Ok(Some(unit)) => insert(self.found, unit),
            Ok(None) => {}
            Err(error) => self.error(path, error),
        }
    }

    fn error(&self, path: PathBuf, error: io::Error) {
        let error = DiscoveryError { path, kind: DiscoveryErrorKind::Io(error) };
        self.errors.lock().unwrap_or_else(|e| e.into_inner()).push(error);
    }
}

/// Whether an entry of a folder's listing needs the folder's owner: a file that is read (one
/// offered by its name only is not), or a subfolder that is walked (its own files may need
/// it).
fn needs_owner(name: &CStr, kind: &Kind) -> bool {
    match kind {
        Kind::File => !foreign::names_another_format(name.to_bytes()),
        Kind::Folder => !is_skipped(name),
        Kind::Other => false,
    }
}

/// Whether a subfolder of this name is not walked ([`SKIPPED_DIRS`]).
fn is_skipped(name: &CStr) -> bool {
    SKIPPED_DIRS.iter().any(|s| s.as_bytes() == name.to_bytes())
}

/// The same error again, for each file it stopped (`io::Error` cannot be cloned); it reads
/// the same.
fn same_error(error: &io::Error) -> io::Error {
    match error.raw_os_error() {
        Some(code) => io::Error::from_raw_os_error(code),
        None => io::Error::new(error.kind(), error.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::path::Path;
    use std::sync::Arc;

    use maillint_core::testing::ClaimingParser;

    use super::*;

    fn registry() -> ParserRegistry {
        let mut parsers = ParserRegistry::new();
        parsers.register(Arc::new(ClaimingParser { extension: "kv" }));
        parsers
    }

    fn folder(path: &Path) -> Folder {
        let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC;
        let fd = rustix::fs::open(path, flags, Mode::empty()).unwrap();
        Folder { fd, path: path.to_path_buf(), owner: None, root: 0 }
    }

    /// The race the walk closes: a folder listed as a folder, then swapped for a symlink (here
    /// already one when the walk opens it) is refused where it is met, never followed.
    #[test]
    fn a_folder_swapped_for_a_symlink_after_the_listing_is_refused_not_followed() {
        let tmp = tempfile::tempdir().unwrap();
        let elsewhere = tmp.path().join("elsewhere");
        std::fs::create_dir(&elsewhere).unwrap();
        std::fs::write(elsewhere.join("x.kv"), "host = h\n").unwrap();
        let parent = tmp.path().join("parent");
        std::fs::create_dir(&parent).unwrap();
        std::os::unix::fs::symlink(&elsewhere, parent.join("sub")).unwrap();

        let (parsers, found) = (registry(), Found::new(BTreeMap::new()));
        let walker = Walker::new(&parsers, &found, false, &[]);
        let parent_folder = folder(&parent);
        rayon::scope(|scope| walker.subfolder(scope, &parent_folder, c"sub", parent.join("sub")));

        assert!(found.lock().unwrap().is_empty(), "the symlink was followed");
        assert_eq!(walker.seen.load(Ordering::Relaxed), 0);
        let errors = walker.errors.into_inner().unwrap();
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].path, parent.join("sub"));
        let DiscoveryErrorKind::Io(error) = &errors[0].kind else { panic!("{errors:?}") };
        // O_NOFOLLOW | O_DIRECTORY on a symlink: ENOTDIR or ELOOP, depending on the kernel.
        assert!(
            [rustix::io::Errno::NOTDIR, rustix::io::Errno::LOOP]
                .map(|e| Some(e.raw_os_error()))
                .contains(&error.raw_os_error()),
            "{error}"
        );
    }

    /// A file listed as a regular file and then swapped for a symlink is not opened through
    /// the folder's handle (`O_NOFOLLOW`), but decided again by its path, exactly as a file
    /// named on the command line.
    #[test]
    fn a_file_swapped_for_a_symlink_is_decided_by_its_path_again() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::write(tmp.path().join("target.kv"), "host = h\n").unwrap();
        std::os::unix::fs::symlink("target.kv", tmp.path().join("link.kv")).unwrap();
        let (parsers, found) = (registry(), Found::new(BTreeMap::new()));
        let walker = Walker::new(&parsers, &found, false, &[]);
        let link = tmp.path().join("link.kv");
        let unit = walker.detect_own(&folder(tmp.path()), c"link.kv", &link).unwrap().unwrap();
        let by_path = detect_file(&link, &parsers).unwrap().unwrap();
        assert_eq!((unit.root, unit.parser.name()), (by_path.root, by_path.parser.name()));
        assert_eq!(
            walker
                .detect_own(&folder(tmp.path()), c"gone.kv", &tmp.path().join("gone.kv"))
                .unwrap_err()
                .kind(),
            io::ErrorKind::NotFound
        );
    }

    /// As root, the walk decides whose rights each file it finds is read with exactly as
    /// `Owner::of_config_file` decides it for the file's path, and hands that on with the unit
    /// so that the read stage need not ask again: a user's file, root's file in a user's folder
    /// (the user's), a third user's file there (the third user's), root's file in root's
    /// folder (nobody's: read with the runner's rights).
    #[test]
    fn as_root_the_walk_decides_each_files_owner_as_the_path_rule_does() {
        use std::os::unix::fs::chown;
        if !running_as_root() {
            maillint_core::testing::skip("giving files to other users needs root");
            return;
        }
        let tmp = tempfile::tempdir().unwrap();
        let home = tmp.path().join("home");
        std::fs::create_dir(&home).unwrap();
        chown(&home, Some(65534), Some(65534)).unwrap();
        // Root's folders under the home, the first holding nothing but the second: the answer
        // for the home reaches the file through a folder that has no file of its own.
        std::fs::create_dir_all(home.join("a/b")).unwrap();
        std::fs::create_dir(home.join("pictures")).unwrap();
        std::fs::write(home.join("pictures/cat.png"), "").unwrap();
        for (path, uid) in [
            (home.join("theirs.kv"), 65534),
            (home.join("roots.kv"), 0),
            (home.join("third.kv"), 1234),
            (home.join("a/b/deep.kv"), 0),
            (tmp.path().join("system.kv"), 0),
        ] {
            std::fs::write(&path, "host = h\n").unwrap();
            chown(&path, Some(uid), Some(uid)).unwrap();
        }
        let found = Found::new(BTreeMap::new());
        let parsers = registry();
        walk(&[tmp.path().to_path_buf()], &parsers, &DiscoverOptions::default(), &found);
        let units = found.into_inner().unwrap();
        assert_eq!(units.len(), 5, "{units:?}");
        for unit in units.values() {
            let walked = unit.walked.expect("found by the walk");
            let by_path = Owner::of_config_file(&unit.root).map(|o| o.uid);
            assert_eq!(walked.owner.map(|(uid, _)| uid), by_path, "{}", unit.root.display());
        }
        let owner_of = |name: &str| {
            let key = units.keys().find(|(p, _)| p.ends_with(name)).unwrap();
            units[key].walked.unwrap().owner.map(|(uid, _)| uid)
        };
        assert_eq!(
            ["theirs.kv", "roots.kv", "third.kv", "deep.kv", "system.kv"].map(owner_of),
            [Some(65534), Some(65534), Some(1234), Some(65534), None]
        );
    }
}
