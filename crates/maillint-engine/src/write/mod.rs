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
mod error;
mod handle;

use std::io;
use std::path::Path;

use maillint_core::{FileIdentity, SourceFile};
use rustix::fs::AtFlags;

pub use error::{Change, Step, WriteError, WriteFailure};
use handle::{Temp, identity_at, identity_of_handle, open_dir_no_symlinks};

/// Replaces the file `original` was read from with `bytes`, atomically and only if it is still
/// the file that was read (see the [module documentation](self) for each step and check).
pub fn write_atomic(original: &SourceFile, bytes: &[u8]) -> Result<(), WriteError> {
    let err = |reason: WriteFailure| WriteError { path: original.path().to_path_buf(), reason };
    let (Some(read), Some(real_path)) = (original.identity(), original.real_path()) else {
        return Err(err(WriteFailure::NotFromDisk));
    };
    // Fixes are only made to lossless files, whose text encodes back to the bytes read.
    let read_bytes =
        original.encode(original.text()).ok_or_else(|| err(WriteFailure::CannotEncode))?;
    replace(read, real_path, &read_bytes, bytes).map_err(err)
}

/// Steps 2 to 8 of the module documentation.
fn replace(
    read: &FileIdentity,
    real_path: &Path,
    read_bytes: &[u8],
    bytes: &[u8],
) -> Result<(), WriteFailure> {
    let (folder, name) = split(real_path)?;
    let dir = open_dir_no_symlinks(folder).map_err(folder_error)?;
    let entry = identity_at(&dir, name).map_err(entry_error)?;
    unchanged(read, &entry)?;
    refuse_unsafe_target(read)?;
    let mut file = handle::open_in_place(&dir, name).map_err(open_error)?;
    still_as_read(&dir, name, &mut file, read, read_bytes)?;

    let mut temp = Temp::create(&dir, &name.to_string_lossy())
        .map_err(WriteFailure::io(Step::CreateTemporary))?;
    temp.write_all(bytes).map_err(WriteFailure::io(Step::Write))?;
    attrs::set_owner_and_mode(temp.file(), read.uid, read.gid, permissions(read))?;
    attrs::copy_xattrs(&file, temp.file())?;
    attrs::check_kept(temp.file(), read)?;
    temp.file().sync_all().map_err(WriteFailure::io(Step::Sync))?;

    still_as_read(&dir, name, &mut file, read, read_bytes)?;
    rustix::fs::renameat(&dir, temp.name(), &dir, name)
        .map_err(|e| WriteFailure::io(Step::Replace)(e.into()))?;
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
    let err = |reason: WriteFailure| WriteError { path: path.to_path_buf(), reason };
    let like_identity = like
        .identity()
        .ok_or_else(|| err(WriteFailure::SiblingNotFromDisk(like.path().to_path_buf())))?;
    let (folder, name) = split(path).map_err(err)?;
    let (like_folder, like_name) = split(like.path()).map_err(err)?;
    if folder != like_folder {
        return Err(err(WriteFailure::NotBeside(like.path().to_path_buf())));
    }
    let folder =
        std::fs::canonicalize(folder).map_err(|e| err(WriteFailure::io(Step::ResolveFolder)(e)))?;
    create_in(&folder, name, like_name, like_identity, bytes).map_err(err)
}

fn create_in(
    folder: &Path,
    name: &Path,
    like_name: &Path,
    like: &FileIdentity,
    bytes: &[u8],
) -> Result<(), WriteFailure> {
    let dir = open_dir_no_symlinks(folder).map_err(folder_error)?;
    // The sibling may be a symbolic link (into a dotfiles repository): follow it here, the
    // point is that this folder is the one whose file was read.
    let sibling = rustix::fs::statat(&dir, like_name, AtFlags::empty()).map_err(|e| {
        Change::SiblingGone { name: like_name.display().to_string(), error: e.into() }
    })?;
    if dev_ino(&sibling) != (like.dev, like.ino) {
        return Err(Change::Folder.into());
    }
    let mut temp = Temp::create(&dir, &name.to_string_lossy())
        .map_err(WriteFailure::io(Step::CreateTemporary))?;
    temp.write_all(bytes).map_err(WriteFailure::io(Step::Write))?;
    attrs::set_owner_and_mode(temp.file(), like.uid, like.gid, permissions(like) & 0o666 | 0o200)?;
    temp.file().sync_all().map_err(WriteFailure::io(Step::Sync))?;
    match rustix::fs::linkat(&dir, temp.name(), &dir, name, AtFlags::empty()) {
        Ok(()) => {}
        Err(rustix::io::Errno::EXIST) => return Err(WriteFailure::CreatedMeanwhile),
        Err(e) => return Err(WriteFailure::io(Step::Create)(e.into())),
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
) -> Result<(), WriteFailure> {
    unchanged(read, &identity_at(dir, name).map_err(entry_error)?)?;
    unchanged(read, &identity_of_handle(&*file).map_err(WriteFailure::io(Step::Inspect))?)?;
    let now = handle::read_all(file).map_err(WriteFailure::io(Step::ReadAgain))?;
    if now != read_bytes {
        return Err(Change::Contents.into());
    }
    Ok(())
}

/// A file maillint does not replace whatever the caller's rights.
fn refuse_unsafe_target(read: &FileIdentity) -> Result<(), WriteFailure> {
    if !handle::is_regular(read.mode) {
        return Err(WriteFailure::NotRegular);
    }
    if read.nlink > 1 {
        return Err(WriteFailure::HardLinks(read.nlink));
    }
    if permissions(read) & 0o222 == 0 {
        return Err(WriteFailure::ReadOnly);
    }
    Ok(())
}

/// The permission bits of a mode (`mode & 0o7777`).
pub(crate) fn permissions(identity: &FileIdentity) -> u32 {
    identity.mode & 0o7777
}

/// Fails with the first difference between the file as read and `now`, in words.
fn unchanged(read: &FileIdentity, now: &FileIdentity) -> Result<(), Change> {
    let why = if !read.same_file(now) {
        Change::AnotherFile
    } else if read.size != now.size {
        Change::Size
    } else if (read.mtime, read.mtime_nsec) != (now.mtime, now.mtime_nsec) {
        Change::Modified
    } else if (read.uid, read.gid, read.mode) != (now.uid, now.gid, now.mode) {
        Change::OwnerOrMode
    } else if read.nlink != now.nlink {
        Change::LinkCount
    } else if (read.ctime, read.ctime_nsec) != (now.ctime, now.ctime_nsec) {
        Change::Status
    } else {
        return Ok(());
    };
    Err(why)
}

fn split(path: &Path) -> Result<(&Path, &Path), WriteFailure> {
    let name = path.file_name().ok_or(WriteFailure::NoFileName)?;
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

fn folder_error(e: io::Error) -> WriteFailure {
    if is_swap(&e) { Change::FolderOnPath.into() } else { WriteFailure::io(Step::OpenFolder)(e) }
}

fn entry_error(e: io::Error) -> WriteFailure {
    if is_swap(&e) { Change::Moved.into() } else { WriteFailure::io(Step::Inspect)(e) }
}

fn open_error(e: io::Error) -> WriteFailure {
    match rustix::io::Errno::from_io_error(&e) {
        Some(rustix::io::Errno::ACCESS | rustix::io::Errno::PERM | rustix::io::Errno::ROFS) => {
            WriteFailure::NotWritable(e)
        }
        Some(rustix::io::Errno::LOOP) => Change::Symlinked.into(),
        _ => WriteFailure::io(Step::OpenForWriting)(e),
    }
}
