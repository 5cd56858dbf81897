//! Writing a fixed file safely, even when the file and its folders belong to someone who races
//! maillint (an admin running `check --fix` as root on a user's files).
//!
//! Everything goes through handles, never through a path looked up twice. To replace a file
//! ([`write_atomic`]):
//!
//! 1. Take the identity recorded when the file was read (`fstat` of the read handle) and its
//!    real path (symbolic links resolved at read time, so a link is fixed at its target).
//! 2. Open the target's folder from `/` one component at a time with `O_NOFOLLOW |
//!    O_DIRECTORY`: a folder swapped for a symbolic link stops the write.
//! 3. `fstatat(AT_SYMLINK_NOFOLLOW)` the entry in that folder handle: it must be the same
//!    regular file as read (device, inode, size, mtime and ctime to the nanosecond, owner,
//!    group, mode, link count).
//! 4. Refuse a file with several hard links (replacing it would split them) and a read-only
//!    one (no write bit: its owner protected it).
//! 5. Open it for writing in place (`O_RDWR | O_NOFOLLOW | O_NONBLOCK`, no truncation): the
//!    kernel decides whether the caller may write it (owner, mode, ACL, read-only mount,
//!    immutable flag). Renaming over a file one cannot write would bypass all of that. Its
//!    `fstat` must again match, and its bytes must be the bytes that were read.
//! 6. Create the temporary file in the folder handle (`openat`, `O_CREAT | O_EXCL |
//!    O_NOFOLLOW`, mode 0600), write the new bytes, give it the old file's owner, group and
//!    mode, copy every extended attribute (the POSIX ACL included), check the result, fsync.
//! 7. Just before the rename, check steps 3 and 5 again (entry, handle, bytes).
//! 8. `renameat` within the folder handle, then fsync the folder.
//!
//! If anything changed, nothing is written, the temporary file is removed and the error says
//! the file changed while it was being fixed. What remains is the instant between the last
//! check and `renameat`: an append in that instant is lost, as with any editor that saves by
//! renaming; a folder swap in it cannot redirect the write, which goes through the handle.
//!
//! Creating a file ([`create_atomic`], a Thunderbird `user.js`) opens the folder the same way,
//! checks that it still holds the very file the unit was read from, and links the temporary
//! file into place with `linkat`, which never replaces an entry that appeared meanwhile.

mod attrs;
mod handle;

use std::io;
use std::path::{Path, PathBuf};

use maillint_core::{FileIdentity, SourceFile};
use rustix::fs::AtFlags;

use handle::{Temp, identity_at, identity_of_handle, open_dir_no_symlinks};

/// Why a file was not written.
#[derive(Debug)]
pub struct WriteError {
    /// The file.
    pub path: PathBuf,
    /// What went wrong.
    pub message: String,
}

impl std::fmt::Display for WriteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path.display(), self.message)
    }
}

impl std::error::Error for WriteError {}

/// Replaces the file `original` was read from with `bytes`, atomically and only if it is still
/// the file that was read (see the [module documentation](self) for each step and check).
pub fn write_atomic(original: &SourceFile, bytes: &[u8]) -> Result<(), WriteError> {
    let err = |message: String| WriteError { path: original.path().to_path_buf(), message };
    let (Some(read), Some(real_path)) = (original.identity(), original.real_path()) else {
        return Err(err("it was not read from disk, so maillint cannot check that it is still the same file; it was not changed".to_owned()));
    };
    // Fixes are only made to lossless files, whose text encodes back to the bytes read.
    let read_bytes = original
        .encode(original.text())
        .ok_or_else(|| err("its text cannot be encoded back; it was not changed".to_owned()))?;
    replace(read, real_path, &read_bytes, bytes).map_err(err)
}

/// Steps 2 to 8 of the module documentation.
fn replace(
    read: &FileIdentity,
    real_path: &Path,
    read_bytes: &[u8],
    bytes: &[u8],
) -> Result<(), String> {
    let (folder, name) = split(real_path)?;
    let dir = open_dir_no_symlinks(folder).map_err(|e| folder_error(&e))?;
    let entry = identity_at(&dir, name).map_err(|e| entry_error(&e))?;
    unchanged(read, &entry)?;
    refuse_unsafe_target(read)?;
    let mut file = handle::open_in_place(&dir, name).map_err(|e| open_error(&e))?;
    still_as_read(&dir, name, &mut file, read, read_bytes)?;

    let mut temp = Temp::create(&dir, &name.to_string_lossy())
        .map_err(|e| format!("cannot create a temporary file beside it: {e}"))?;
    temp.write_all(bytes).map_err(|e| format!("cannot write: {e}"))?;
    attrs::set_owner_and_mode(temp.file(), read.uid, read.gid, permissions(read))?;
    attrs::copy_xattrs(&file, temp.file())?;
    attrs::check_kept(temp.file(), read)?;
    temp.file().sync_all().map_err(|e| format!("cannot sync: {e}"))?;

    still_as_read(&dir, name, &mut file, read, read_bytes)?;
    rustix::fs::renameat(&dir, temp.name(), &dir, name)
        .map_err(|e| format!("cannot replace the file: {e}"))?;
    temp.keep();
    // Make the rename itself durable.
    let _ = rustix::fs::fsync(&dir);
    Ok(())
}

/// Creates `path` with `bytes`, owned like `like` (the file the unit was read from, in the
/// same folder) and as private as it, without execute bits and writable by its owner. The
/// folder is opened without following symbolic links and must still hold `like`; the file is
/// linked into place with `linkat`, so a file someone created meanwhile is never replaced.
pub fn create_atomic(path: &Path, bytes: &[u8], like: &SourceFile) -> Result<(), WriteError> {
    let err = |message: String| WriteError { path: path.to_path_buf(), message };
    let like_identity = like.identity().ok_or_else(|| {
        err(format!("{} was not read from disk; nothing was created", like.path().display()))
    })?;
    let (folder, name) = split(path).map_err(err)?;
    let (like_folder, like_name) = split(like.path()).map_err(err)?;
    if folder != like_folder {
        return Err(err(format!(
            "a new file is only created beside {}; nothing was created",
            like.path().display()
        )));
    }
    let folder = std::fs::canonicalize(folder)
        .map_err(|e| err(format!("cannot resolve its folder: {e}")))?;
    create_in(&folder, name, like_name, like_identity, bytes).map_err(err)
}

fn create_in(
    folder: &Path,
    name: &Path,
    like_name: &Path,
    like: &FileIdentity,
    bytes: &[u8],
) -> Result<(), String> {
    let dir = open_dir_no_symlinks(folder).map_err(|e| folder_error(&e))?;
    // The sibling may be a symbolic link (into a dotfiles repository): follow it here, the
    // point is that this folder is the one whose file was read.
    let sibling = rustix::fs::statat(&dir, like_name, AtFlags::empty())
        .map_err(|e| changed(&format!("{} is gone ({e})", like_name.display())))?;
    if dev_ino(&sibling) != (like.dev, like.ino) {
        return Err(changed("its folder was moved or replaced"));
    }
    let mut temp = Temp::create(&dir, &name.to_string_lossy())
        .map_err(|e| format!("cannot create a temporary file beside it: {e}"))?;
    temp.write_all(bytes).map_err(|e| format!("cannot write: {e}"))?;
    attrs::set_owner_and_mode(temp.file(), like.uid, like.gid, permissions(like) & 0o666 | 0o200)?;
    temp.file().sync_all().map_err(|e| format!("cannot sync: {e}"))?;
    match rustix::fs::linkat(&dir, temp.name(), &dir, name, AtFlags::empty()) {
        Ok(()) => {}
        Err(rustix::io::Errno::EXIST) => {
            return Err("the file was created by someone else while maillint ran; it was not changed, run maillint again".to_owned());
        }
        Err(e) => return Err(format!("cannot create the file: {e}")),
    }
    // Dropping the temporary file unlinks its own name; the new name stays.
    drop(temp);
    let _ = rustix::fs::fsync(&dir);
    Ok(())
}

// `struct stat` field types differ between platforms.
#[allow(clippy::unnecessary_cast)]
fn dev_ino(st: &rustix::fs::Stat) -> (u64, u64) {
    (st.st_dev as u64, st.st_ino as u64)
}

/// Checks 3 and 5 of the module documentation, run once before the temporary file is made and
/// once just before the rename: the entry in the folder, the open handle and its bytes.
fn still_as_read(
    dir: &impl std::os::fd::AsFd,
    name: &Path,
    file: &mut std::fs::File,
    read: &FileIdentity,
    read_bytes: &[u8],
) -> Result<(), String> {
    unchanged(read, &identity_at(dir, name).map_err(|e| entry_error(&e))?)?;
    unchanged(read, &identity_of_handle(&*file).map_err(|e| format!("cannot inspect it: {e}"))?)?;
    let now = handle::read_all(file).map_err(|e| format!("cannot read it again: {e}"))?;
    if now != read_bytes {
        return Err(changed("its contents changed"));
    }
    Ok(())
}

/// A file maillint does not replace whatever the caller's rights.
fn refuse_unsafe_target(read: &FileIdentity) -> Result<(), String> {
    if !handle::is_regular(read.mode) {
        return Err("it is not a regular file; it was not changed".to_owned());
    }
    if read.nlink > 1 {
        return Err(format!(
            "it has {} hard links; replacing it would split them (the other names would keep the old text), so it was not changed: fix it by hand or remove the other links",
            read.nlink
        ));
    }
    if permissions(read) & 0o222 == 0 {
        return Err("the file is read-only; it was not changed".to_owned());
    }
    Ok(())
}

/// The permission bits of a mode (`mode & 0o7777`).
pub(crate) fn permissions(identity: &FileIdentity) -> u32 {
    identity.mode & 0o7777
}

/// Fails with the first difference between the file as read and `now`, in words.
fn unchanged(read: &FileIdentity, now: &FileIdentity) -> Result<(), String> {
    let why = if !read.same_file(now) {
        "it is another file now"
    } else if read.size != now.size {
        "its size changed"
    } else if (read.mtime, read.mtime_nsec) != (now.mtime, now.mtime_nsec) {
        "it was modified"
    } else if (read.uid, read.gid, read.mode) != (now.uid, now.gid, now.mode) {
        "its owner or permissions changed"
    } else if read.nlink != now.nlink {
        "its number of hard links changed"
    } else if (read.ctime, read.ctime_nsec) != (now.ctime, now.ctime_nsec) {
        "its status changed (links, attributes or contents)"
    } else {
        return Ok(());
    };
    Err(changed(why))
}

fn changed(why: &str) -> String {
    format!(
        "the file changed while it was being fixed ({why}); nothing was written, run maillint again"
    )
}

fn split(path: &Path) -> Result<(&Path, &Path), String> {
    let name = path.file_name().ok_or_else(|| "it has no file name".to_owned())?;
    let folder = match path.parent() {
        Some(folder) if !folder.as_os_str().is_empty() => folder,
        _ => Path::new("."),
    };
    Ok((folder, Path::new(name)))
}

fn is_swap(e: &io::Error) -> bool {
    matches!(
        rustix::io::Errno::from_io_error(e),
        Some(rustix::io::Errno::LOOP | rustix::io::Errno::NOTDIR | rustix::io::Errno::NOENT)
    )
}

fn folder_error(e: &io::Error) -> String {
    if is_swap(e) {
        changed("a folder on its path was moved or replaced by a symbolic link")
    } else {
        format!("cannot open its folder: {e}")
    }
}

fn entry_error(e: &io::Error) -> String {
    if is_swap(e) { changed("it was moved or removed") } else { format!("cannot inspect it: {e}") }
}

fn open_error(e: &io::Error) -> String {
    match rustix::io::Errno::from_io_error(e) {
        Some(rustix::io::Errno::ACCESS | rustix::io::Errno::PERM | rustix::io::Errno::ROFS) => {
            format!(
                "you cannot write this file ({e}): its owner, permissions or ACL do not allow it, and replacing it from the folder would bypass them; it was not changed"
            )
        }
        Some(rustix::io::Errno::LOOP) => changed("it was replaced by a symbolic link"),
        _ => format!("cannot open it for writing: {e}"),
    }
}
