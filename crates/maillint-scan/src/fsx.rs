//! Looking at paths without ever blocking or looping.
//!
//! Every path the scan touches is first looked at with `lstat` (and `stat` through a symlink),
//! so its type is known before anything is opened: FIFOs, sockets and devices are never
//! opened, a broken symlink or a symlink loop is recognised by its error, and folders are only
//! listed, never walked without bound. Files are opened with `O_NONBLOCK` as a second line of
//! defence (a file swapped for a FIFO between the look and the open still cannot block the
//! scan), and the opened descriptor is checked again with `fstat`.

use std::ffi::OsString;
use std::fs::{self, File, FileType, Metadata};
use std::io;
use std::path::{Path, PathBuf};

use maillint_core::confine::Owner;
use maillint_core::read::{self, FileIdentity, ReadError};

use crate::problem::{ProblemKind, SpecialKind};

/// Identifies a file whatever path reaches it (through a symlink, a relative or an absolute
/// `Path` in `profiles.ini`), so that one file is never linted twice.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FileKey {
    /// Device and inode numbers.
    Inode(u64, u64),
    /// The canonical path, where inode numbers are not available.
    Path(PathBuf),
}

/// What a path turned out to be.
#[derive(Debug)]
pub(crate) enum Looked {
    /// Nothing there (or a parent is not a folder).
    Missing,
    /// A regular file (possibly through symlinks).
    File { key: FileKey },
    /// A folder (possibly through symlinks).
    Dir,
    /// Something that must not be used; `at` is the path the problem is about (the parent
    /// folder when the folder could not be searched).
    Problem { at: PathBuf, kind: ProblemKind },
}

/// Looks at `path`, following symlinks, without opening anything. Under an entered home, from
/// its handle ([`crate::base`]).
pub(crate) fn look(path: &Path) -> Looked {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    if let Some(looked) = crate::base::with_relative(path, |dir, rest| look_at(dir, rest, path)) {
        return looked;
    }
    match fs::symlink_metadata(path) {
        Err(error) => lookup_error(path, &error),
        Ok(meta) if meta.file_type().is_symlink() => match fs::metadata(path) {
            Ok(target) => classify(path, &target),
            Err(error) => through_symlink_error(path, &error),
        },
        Ok(meta) => classify(path, &meta),
    }
}

/// [`look`] for `rest`, the part of `path` after the folder open as `dir`: `lstat` and, through
/// a symlink, `stat`, each from the folder.
#[cfg(any(target_os = "linux", target_os = "android"))]
fn look_at(dir: std::os::fd::BorrowedFd<'_>, rest: &Path, path: &Path) -> Looked {
    use rustix::fs::{AtFlags, FileType as Raw};
    let of = |stat: rustix::fs::Stat| (Raw::from_raw_mode(stat.st_mode), stat);
    match rustix::fs::statat(dir, rest, AtFlags::SYMLINK_NOFOLLOW).map(of) {
        Err(error) => lookup_error(path, &error.into()),
        Ok((Raw::Symlink, _)) => match rustix::fs::statat(dir, rest, AtFlags::empty()).map(of) {
            Ok((file_type, stat)) => classify_raw(path, file_type, &stat),
            Err(error) => through_symlink_error(path, &error.into()),
        },
        Ok((file_type, stat)) => classify_raw(path, file_type, &stat),
    }
}

/// What a symlink whose target could not be looked at is: a loop, broken, or unreadable.
fn through_symlink_error(path: &Path, error: &io::Error) -> Looked {
    let kind = if is_loop(error) {
        ProblemKind::SymlinkLoop
    } else if matches!(error.kind(), io::ErrorKind::NotFound | io::ErrorKind::NotADirectory) {
        ProblemKind::BrokenSymlink
    } else {
        ProblemKind::unreadable_file(error)
    };
    Looked::Problem { at: path.to_path_buf(), kind }
}

/// [`classify`] for what `fstatat` said: the same answers, the key from the same device and
/// inode numbers.
#[cfg(any(target_os = "linux", target_os = "android"))]
fn classify_raw(path: &Path, file_type: rustix::fs::FileType, stat: &rustix::fs::Stat) -> Looked {
    use rustix::fs::FileType as Raw;
    let special = match file_type {
        Raw::RegularFile => {
            return Looked::File { key: FileKey::Inode(stat.st_dev, stat.st_ino) };
        }
        Raw::Directory => return Looked::Dir,
        Raw::Fifo => SpecialKind::Fifo,
        Raw::Socket => SpecialKind::Socket,
        Raw::BlockDevice => SpecialKind::BlockDevice,
        Raw::CharacterDevice => SpecialKind::CharDevice,
        _ => SpecialKind::Other,
    };
    Looked::Problem { at: path.to_path_buf(), kind: ProblemKind::Special(special) }
}

fn lookup_error(path: &Path, error: &io::Error) -> Looked {
    if matches!(error.kind(), io::ErrorKind::NotFound | io::ErrorKind::NotADirectory) {
        return Looked::Missing;
    }
    if is_loop(error) {
        // A loop in a parent component: the parent was looked at first, so this only
        // happens when it changed in between. Report it where it was met.
        return Looked::Problem { at: path.to_path_buf(), kind: ProblemKind::SymlinkLoop };
    }
    if error.kind() == io::ErrorKind::PermissionDenied {
        // `lstat` of a name fails with EACCES when its folder cannot be searched: the folder
        // is what is unreadable.
        let at = path.parent().unwrap_or(path).to_path_buf();
        return Looked::Problem { at, kind: ProblemKind::unreadable_folder(error) };
    }
    Looked::Problem { at: path.to_path_buf(), kind: ProblemKind::unreadable_file(error) }
}

fn classify(path: &Path, meta: &Metadata) -> Looked {
    let file_type = meta.file_type();
    if file_type.is_file() {
        Looked::File { key: file_key(path, meta) }
    } else if file_type.is_dir() {
        Looked::Dir
    } else {
        Looked::Problem { at: path.to_path_buf(), kind: ProblemKind::Special(special(file_type)) }
    }
}

/// What a folder's listing says an entry is, without a `stat` of it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum EntryType {
    /// A regular file.
    File,
    /// A folder.
    Dir,
    /// A symlink (to be looked at before it is used).
    Symlink,
    /// Anything else: never opened.
    Special(SpecialKind),
}

impl EntryType {
    /// The type of `file_type`, which comes from `lstat` (a symlink is a symlink).
    fn of(file_type: FileType) -> Self {
        if file_type.is_symlink() {
            EntryType::Symlink
        } else if file_type.is_dir() {
            EntryType::Dir
        } else if file_type.is_file() {
            EntryType::File
        } else {
            EntryType::Special(special(file_type))
        }
    }

    pub(crate) fn is_file(self) -> bool {
        self == EntryType::File
    }

    pub(crate) fn is_dir(self) -> bool {
        self == EntryType::Dir
    }

    pub(crate) fn is_symlink(self) -> bool {
        self == EntryType::Symlink
    }

    /// The kind of a special file ([`SpecialKind::Other`] for the other types).
    pub(crate) fn special(self) -> SpecialKind {
        match self {
            EntryType::Special(kind) => kind,
            _ => SpecialKind::Other,
        }
    }
}

/// The kind of a file that is neither regular, a folder nor a symlink.
pub(crate) fn special(file_type: FileType) -> SpecialKind {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_fifo() {
            return SpecialKind::Fifo;
        }
        if file_type.is_socket() {
            return SpecialKind::Socket;
        }
        if file_type.is_block_device() {
            return SpecialKind::BlockDevice;
        }
        if file_type.is_char_device() {
            return SpecialKind::CharDevice;
        }
    }
    let _ = file_type;
    SpecialKind::Other
}

#[cfg(unix)]
fn file_key(_path: &Path, meta: &Metadata) -> FileKey {
    use std::os::unix::fs::MetadataExt;
    FileKey::Inode(meta.dev(), meta.ino())
}

#[cfg(not(unix))]
fn file_key(path: &Path, _meta: &Metadata) -> FileKey {
    FileKey::Path(fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf()))
}

/// Whether an error is "too many levels of symbolic links" (ELOOP). `io::ErrorKind` has no
/// stable variant for it yet, so the raw error number is compared.
fn is_loop(error: &io::Error) -> bool {
    #[cfg(unix)]
    {
        error.raw_os_error() == Some(libc::ELOOP)
    }
    #[cfg(not(unix))]
    {
        let _ = error;
        false
    }
}

/// Opens a regular file for reading, the one safe way ([`read::open_regular`]): non-blocking,
/// and refused unless `fstat` of the handle says it is a regular file, so a path that became a
/// FIFO after it was looked at is refused, not waited on. With an `owner`, the file must be
/// theirs or root's ([`Owner::admits`]).
pub(crate) fn open_regular(
    path: &Path,
    owner: Option<&Owner>,
) -> Result<(File, FileIdentity), ProblemKind> {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    let opened = crate::base::with_relative(path, read::open_regular_in)
        .unwrap_or_else(|| read::open_regular(path));
    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    let opened = read::open_regular(path);
    let (file, identity) = opened.map_err(|error| match error {
        ReadError::Io(error) if is_loop(&error) => ProblemKind::SymlinkLoop,
        ReadError::Io(error) => ProblemKind::unreadable_file(&error),
        ReadError::NotRegular(_) => match file_type_of(path) {
            Some(file_type) => ProblemKind::Special(special(file_type)),
            None => ProblemKind::Special(SpecialKind::Other),
        },
        other => ProblemKind::unreadable_file(&other.into()),
    })?;
    if let Some(owner) = owner
        && let Err(refused) = owner.admits(&identity)
    {
        return Err(ProblemKind::unreadable_file(&refused.into()));
    }
    Ok((file, identity))
}

/// The type of what `path` leads to now (only to name a special file in a message).
fn file_type_of(path: &Path) -> Option<FileType> {
    fs::metadata(path).ok().map(|meta| meta.file_type())
}

/// The entries of a folder: names and types (from the directory listing itself, no `stat` per
/// entry, except for an entry whose type the file system does not say). Entries read before
/// an error are kept; the error is returned beside them. Sorted by name: folder listings come
/// in file-system order, and sorting makes every later step (and the problems it records)
/// independent of it.
pub(crate) fn list(path: &Path) -> (Vec<(OsString, EntryType)>, Option<io::Error>) {
    let mut entries = Vec::new();
    let error = read_entries(path, &mut entries).err();
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    (entries, error)
}

/// Lists with the system calls the listing needs and no more: `open` (non-blocking, a folder
/// only, as `std::fs::read_dir` opens it) and `getdents64` until it says the end
/// ([`maillint_core::listing`]), without the `fstat` the C library's `opendir` adds to every
/// listing. Under [`ReadAs`](maillint_core::confine::ReadAs), both run with the owner's rights
/// on this thread, as `read_dir` did.
#[cfg(unix)]
fn read_entries(path: &Path, entries: &mut Vec<(OsString, EntryType)>) -> io::Result<()> {
    use rustix::fs::{FileType as Raw, Mode, OFlags};
    use std::ffi::OsStr;
    use std::os::fd::AsFd;
    use std::os::unix::ffi::OsStrExt;

    let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC | OFlags::NONBLOCK;
    #[cfg(any(target_os = "linux", target_os = "android"))]
    let fd = crate::base::with_relative(path, |dir, rest| {
        rustix::fs::openat(dir, rest, flags, Mode::empty())
    })
    .unwrap_or_else(|| rustix::fs::open(path, flags, Mode::empty()))?;
    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    let fd = rustix::fs::open(path, flags, Mode::empty())?;
    maillint_core::listing::each_entry::<io::Error>(fd.as_fd(), |name, file_type| {
        let name = name.to_bytes();
        if name == b"." || name == b".." {
            return Ok(());
        }
        let name = OsStr::from_bytes(name).to_os_string();
        let entry_type = match file_type {
            Raw::RegularFile => EntryType::File,
            Raw::Directory => EntryType::Dir,
            Raw::Symlink => EntryType::Symlink,
            Raw::Fifo => EntryType::Special(SpecialKind::Fifo),
            Raw::Socket => EntryType::Special(SpecialKind::Socket),
            Raw::CharacterDevice => EntryType::Special(SpecialKind::CharDevice),
            Raw::BlockDevice => EntryType::Special(SpecialKind::BlockDevice),
            // The file system does not say (`DT_UNKNOWN`): `lstat`, as `read_dir` does.
            Raw::Unknown => EntryType::of(fs::symlink_metadata(path.join(&name))?.file_type()),
        };
        entries.push((name, entry_type));
        Ok(())
    })
}

#[cfg(not(unix))]
fn read_entries(path: &Path, entries: &mut Vec<(OsString, EntryType)>) -> io::Result<()> {
    for entry in fs::read_dir(path)? {
        let entry = entry?;
        entries.push((entry.file_name(), EntryType::of(entry.file_type()?)));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_and_not_a_directory_are_missing() {
        let dir = tempfile::tempdir().unwrap();
        assert!(matches!(look(&dir.path().join("nope")), Looked::Missing));
        fs::write(dir.path().join("file"), "x").unwrap();
        assert!(matches!(look(&dir.path().join("file/child")), Looked::Missing));
        assert!(matches!(look(&dir.path().join("file")), Looked::File { .. }));
        assert!(matches!(look(dir.path()), Looked::Dir));
    }

    #[cfg(unix)]
    #[test]
    fn broken_links_and_loops_are_told_apart() {
        let dir = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink("nowhere", dir.path().join("broken")).unwrap();
        std::os::unix::fs::symlink("b", dir.path().join("a")).unwrap();
        std::os::unix::fs::symlink("a", dir.path().join("b")).unwrap();
        assert!(matches!(
            look(&dir.path().join("broken")),
            Looked::Problem { kind: ProblemKind::BrokenSymlink, .. }
        ));
        assert!(matches!(
            look(&dir.path().join("a")),
            Looked::Problem { kind: ProblemKind::SymlinkLoop, .. }
        ));
        assert!(matches!(open_regular(&dir.path().join("a"), None), Err(ProblemKind::SymlinkLoop)));
    }

    /// The listing's own types are the ones `std::fs::read_dir` gives (an `lstat` of each
    /// entry), `.` and `..` are not entries, and the entries are sorted.
    #[cfg(unix)]
    #[test]
    fn a_listing_types_each_entry_as_read_dir_does() {
        use std::os::unix::{fs::symlink, net::UnixListener};
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("muttrc"), "x").unwrap();
        fs::create_dir(dir.path().join(".config")).unwrap();
        symlink("muttrc", dir.path().join("link")).unwrap();
        symlink("nowhere", dir.path().join("broken")).unwrap();
        let _socket = UnixListener::bind(dir.path().join("socket")).unwrap();
        rustix::fs::mknodat(
            rustix::fs::CWD,
            dir.path().join("fifo"),
            rustix::fs::FileType::Fifo,
            rustix::fs::Mode::RUSR | rustix::fs::Mode::WUSR,
            0,
        )
        .unwrap();

        let (listed, error) = list(dir.path());
        assert!(error.is_none());
        let mut expected: Vec<(OsString, EntryType)> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap())
            .map(|e| (e.file_name(), EntryType::of(e.file_type().unwrap())))
            .collect();
        expected.sort_by(|a, b| a.0.cmp(&b.0));
        assert_eq!(listed, expected);
        let types: Vec<EntryType> = listed.iter().map(|(_, t)| *t).collect();
        assert_eq!(
            types,
            [
                EntryType::Dir,
                EntryType::Symlink,
                EntryType::Special(SpecialKind::Fifo),
                EntryType::Symlink,
                EntryType::File,
                EntryType::Special(SpecialKind::Socket),
            ]
        );
        let (nothing, error) = list(&dir.path().join("muttrc"));
        assert!(nothing.is_empty() && error.is_some(), "a file is not a folder to list");
    }

    #[cfg(unix)]
    #[test]
    fn two_paths_to_one_file_share_a_key() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("real"), "x").unwrap();
        std::os::unix::fs::symlink("real", dir.path().join("link")).unwrap();
        let (Looked::File { key: a }, Looked::File { key: b }) =
            (look(&dir.path().join("real")), look(&dir.path().join("link")))
        else {
            panic!("both are files");
        };
        assert_eq!(a, b);
    }

    /// Every look, listing and opening gives the same answer through an entered home's handle
    /// as through the whole path: files, folders, symlinks to either, broken and looping
    /// symlinks, a FIFO, a symlink leaving the home, `..`, doubled slashes, a file in place of
    /// a folder, and (run as `nobody`, since root searches every folder) a folder that can be
    /// read but not searched.
    #[cfg(target_os = "linux")]
    #[test]
    fn an_entered_home_answers_as_whole_paths_do() {
        use maillint_core::confine::{Owner, ReadAs, running_as_root};
        use std::os::unix::fs::{PermissionsExt, symlink};
        let dir = tempfile::tempdir().unwrap();
        let outside = dir.path().join("outside");
        fs::create_dir(&outside).unwrap();
        fs::write(outside.join("secret"), "x").unwrap();
        let home = dir.path().join("home");
        fs::create_dir_all(home.join(".mutt/accounts")).unwrap();
        fs::create_dir_all(home.join("locked/inner")).unwrap();
        fs::write(home.join(".mutt/muttrc"), "set x=1").unwrap();
        fs::write(home.join("locked/inner/f"), "x").unwrap();
        symlink(".mutt/muttrc", home.join(".muttrc")).unwrap();
        symlink(".mutt", home.join("mutt-link")).unwrap();
        symlink("nowhere", home.join("broken")).unwrap();
        symlink("loop-b", home.join("loop-a")).unwrap();
        symlink("loop-a", home.join("loop-b")).unwrap();
        symlink(outside.join("secret"), home.join("leaves")).unwrap();
        rustix::fs::mknodat(
            rustix::fs::CWD,
            home.join("fifo"),
            rustix::fs::FileType::Fifo,
            rustix::fs::Mode::from_raw_mode(0o644),
            0,
        )
        .unwrap();
        for mode in [0o755, 0o711, 0o744] {
            fs::set_permissions(&home, fs::Permissions::from_mode(0o755)).unwrap();
            fs::set_permissions(home.join("locked"), fs::Permissions::from_mode(mode)).unwrap();
            fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o755)).unwrap();
            let nobody = Owner::of_uid(65534, 65534);
            let _as_nobody = running_as_root().then(|| ReadAs::enter(Some(&nobody)).unwrap());
            let rests = [
                ".muttrc",
                ".mutt",
                ".mutt/muttrc",
                ".mutt/accounts",
                "mutt-link",
                "mutt-link/muttrc",
                "broken",
                "loop-a",
                "leaves",
                "fifo",
                "missing",
                ".mutt/missing/x",
                ".mutt/muttrc/child",
                "locked",
                "locked/inner",
                "locked/inner/f",
                ".mutt/../.muttrc",
                "./.mutt",
                ".mutt/.",
                "locked/.",
                "../outside/secret",
            ];
            for rest in rests {
                let path = home.join(rest);
                let whole = answers(&path);
                let through_handle = {
                    let _entered = crate::base::enter(&home).unwrap();
                    answers(&path)
                };
                assert_eq!(through_handle, whole, "{rest} (locked {mode:o})");
            }
        }
    }

    /// What looking at, listing and opening `path` give, as text.
    #[cfg(target_os = "linux")]
    fn answers(path: &Path) -> String {
        let (entries, error) = list(path);
        let opened = open_regular(path, None).map(|(_, identity)| (identity.dev, identity.ino));
        format!("{:?} | {entries:?} {:?} | {opened:?}", look(path), error.map(|e| e.kind()))
    }
}
