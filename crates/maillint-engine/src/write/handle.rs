//! Handles the write protocol works through: a folder opened without following any symbolic
//! link on the way, the identity of an entry in it, and a temporary file that removes itself
//! unless it was put in place.

use std::fs::File;
use std::hash::{BuildHasher, Hasher};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::os::fd::{AsFd, OwnedFd};
use std::path::{Component, Path};

use maillint_core::FileIdentity;
use rustix::fs::{AtFlags, Mode, OFlags};

/// Opens the folder at the absolute `path` one component at a time from `/`, each with
/// `O_NOFOLLOW | O_DIRECTORY`: a component that is (or was swapped for) a symbolic link makes
/// the open fail with `ELOOP`/`ENOTDIR` instead of leading somewhere else. `path` is a real
/// path resolved when the file was read, so it has no link, `.` or `..` of its own.
pub(crate) fn open_dir_no_symlinks(path: &Path) -> io::Result<OwnedFd> {
    let search = OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC;
    let mut dir = rustix::fs::openat(rustix::fs::CWD, "/", search | OFlags::RDONLY, Mode::empty())?;
    let mut components = path.components().peekable();
    if components.next() != Some(Component::RootDir) {
        return Err(io::Error::new(io::ErrorKind::InvalidInput, "not an absolute path"));
    }
    while let Some(component) = components.next() {
        let Component::Normal(name) = component else {
            return Err(io::Error::new(io::ErrorKind::InvalidInput, "not a resolved path"));
        };
        // The folders on the way are only searched (`O_PATH` needs no read permission); the
        // last one is read-only-opened so that it can be synced after the rename.
        let flags = if components.peek().is_some() { path_only() } else { OFlags::RDONLY };
        dir = rustix::fs::openat(&dir, name, search | flags, Mode::empty())?;
    }
    Ok(dir)
}

#[cfg(any(target_os = "linux", target_os = "android"))]
fn path_only() -> OFlags {
    OFlags::PATH
}

#[cfg(not(any(target_os = "linux", target_os = "android")))]
fn path_only() -> OFlags {
    OFlags::RDONLY
}

/// The identity of the entry `name` in `dir`, without following a symbolic link
/// (`fstatat(AT_SYMLINK_NOFOLLOW)`).
pub(crate) fn identity_at(dir: impl AsFd, name: &Path) -> io::Result<FileIdentity> {
    Ok(identity_of(&rustix::fs::statat(dir, name, AtFlags::SYMLINK_NOFOLLOW)?))
}

/// The identity of an open handle (`fstat`).
pub(crate) fn identity_of_handle(fd: impl AsFd) -> io::Result<FileIdentity> {
    Ok(identity_of(&rustix::fs::fstat(fd)?))
}

// The field types of `struct stat` differ between platforms (and are already u64 on some), so
// the casts are needed somewhere and unnecessary elsewhere.
#[allow(clippy::unnecessary_cast)]
fn identity_of(st: &rustix::fs::Stat) -> FileIdentity {
    FileIdentity {
        dev: st.st_dev as u64,
        ino: st.st_ino as u64,
        size: st.st_size as u64,
        mtime: st.st_mtime as i64,
        mtime_nsec: st.st_mtime_nsec as i64,
        ctime: st.st_ctime as i64,
        ctime_nsec: st.st_ctime_nsec as i64,
        uid: st.st_uid as u32,
        gid: st.st_gid as u32,
        mode: st.st_mode as u32,
        nlink: st.st_nlink as u64,
    }
}

/// Whether `mode` is a regular file's.
pub(crate) fn is_regular(mode: u32) -> bool {
    rustix::fs::FileType::from_raw_mode(mode as _) == rustix::fs::FileType::RegularFile
}

/// Opens the entry `name` in `dir` for reading and writing, without following a symbolic link,
/// without blocking (a FIFO swapped in does not hang) and without becoming a controlling
/// terminal. No truncation: opening it changes nothing. The kernel decides whether the caller
/// may write it (owner, mode, ACL, read-only mount, immutable flag), which is the point.
pub(crate) fn open_in_place(dir: impl AsFd, name: &Path) -> io::Result<File> {
    let flags =
        OFlags::RDWR | OFlags::NOFOLLOW | OFlags::NONBLOCK | OFlags::NOCTTY | OFlags::CLOEXEC;
    Ok(File::from(rustix::fs::openat(dir, name, flags, Mode::empty())?))
}

/// Every byte of `file` from its start.
pub(crate) fn read_all(file: &mut File) -> io::Result<Vec<u8>> {
    file.seek(SeekFrom::Start(0))?;
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// A temporary file created in a folder handle; removed when dropped unless [`Temp::keep`] was
/// called after it was renamed or linked into place.
pub(crate) struct Temp<'a> {
    dir: &'a OwnedFd,
    name: String,
    file: Option<File>,
}

impl<'a> Temp<'a> {
    /// Creates `.TARGET.XXXXXXXX.maillint-tmp` in `dir` (so a leftover is recognisable) with
    /// `O_CREAT | O_EXCL | O_NOFOLLOW` and mode 0600: a name someone prepared (a file, a link)
    /// is never opened, and nobody else can read the new bytes before they are complete.
    pub(crate) fn create(dir: &'a OwnedFd, target: &str) -> io::Result<Self> {
        let flags = OFlags::WRONLY
            | OFlags::CREATE
            | OFlags::EXCL
            | OFlags::NOFOLLOW
            | OFlags::NOCTTY
            | OFlags::CLOEXEC;
        let random = std::collections::hash_map::RandomState::new();
        let mut last = None;
        for attempt in 0..16u64 {
            let mut hasher = random.build_hasher();
            hasher.write_u64(attempt);
            hasher.write_u32(std::process::id());
            let name = format!(".{target}.{:08x}.maillint-tmp", hasher.finish() as u32);
            match rustix::fs::openat(dir, name.as_str(), flags, Mode::from_raw_mode(0o600)) {
                Ok(fd) => return Ok(Self { dir, name, file: Some(File::from(fd)) }),
                Err(rustix::io::Errno::EXIST) => last = Some(rustix::io::Errno::EXIST),
                Err(e) => return Err(e.into()),
            }
        }
        Err(last.unwrap_or(rustix::io::Errno::EXIST).into())
    }

    /// The open file.
    pub(crate) fn file(&self) -> &File {
        self.file.as_ref().expect("open until dropped")
    }

    /// Writes `bytes` (the caller syncs once the attributes are set too).
    pub(crate) fn write_all(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.file.as_mut().expect("open until dropped").write_all(bytes)
    }

    /// Its name in the folder.
    pub(crate) fn name(&self) -> &str {
        &self.name
    }

    /// It was put in place under another name: do not remove it.
    pub(crate) fn keep(mut self) {
        self.file = None;
        self.name.clear();
    }
}

impl Drop for Temp<'_> {
    fn drop(&mut self) {
        if !self.name.is_empty() {
            let _ = rustix::fs::unlinkat(self.dir, self.name.as_str(), AtFlags::empty());
        }
    }
}
