//! A folder's entries through a handle to it, each name borrowed from the listing: the one
//! listing loop of both walks (`maillint check`'s folder walk and `maillint scan`'s discovery).
//!
//! The caller opens the folder (with the flags and the rights its confinement asks for) and
//! decides what each entry is; this module only reads `getdents64`, in the order it gives.

use std::ffi::CStr;
use std::os::fd::BorrowedFd;

use rustix::fs::FileType;

/// Calls `entry` with each entry's name and type (`.` and `..` included, as the kernel lists
/// them), in the order `getdents64` gives them. Stops at the first error of the listing or of
/// `entry`, which it returns; the entries before it have been seen.
///
/// On Linux the entries are read straight out of one buffer ([`rustix::fs::RawDir`]).
/// rustix's `Dir` copied each name into a `CString` of its own, found its NUL with a byte loop,
/// and started with a 768-byte buffer that grows by as much on each call: about 400
/// instructions per entry, 13 M of a `check` of 100 bench homes, and more `getdents64` calls
/// per folder.
#[cfg(any(target_os = "linux", target_os = "android"))]
pub fn each_entry<E: From<rustix::io::Errno>>(
    fd: BorrowedFd<'_>,
    mut entry: impl FnMut(&CStr, FileType) -> Result<(), E>,
) -> Result<(), E> {
    let mut buffer = [const { std::mem::MaybeUninit::<u8>::uninit() }; 16 * 1024];
    let mut listing = rustix::fs::RawDir::new(fd, &mut buffer);
    while let Some(next) = listing.next() {
        let next = next?;
        entry(next.file_name(), next.file_type())?;
    }
    Ok(())
}

/// [`each_entry`] where there is no `RawDir`: rustix's `Dir` on a second handle to the folder
/// (`Dir::read_from` opens `.` through this one).
#[cfg(not(any(target_os = "linux", target_os = "android")))]
pub fn each_entry<E: From<rustix::io::Errno>>(
    fd: BorrowedFd<'_>,
    mut entry: impl FnMut(&CStr, FileType) -> Result<(), E>,
) -> Result<(), E> {
    let mut dir = rustix::fs::Dir::read_from(fd)?;
    while let Some(next) = dir.read() {
        let next = next?;
        entry(next.file_name(), next.file_type())?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::os::fd::AsFd;
    use std::os::unix::ffi::OsStrExt;

    use rustix::fs::{Mode, OFlags};

    use super::*;

    fn open(path: &std::path::Path) -> std::os::fd::OwnedFd {
        let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC;
        rustix::fs::open(path, flags, Mode::empty()).unwrap()
    }

    /// A folder whose listing fills the buffer many times over: every entry comes once, as
    /// `read_dir` lists them, with its type (where the file system gives one).
    #[test]
    fn a_listing_larger_than_its_buffer_gives_every_entry_once() {
        let tmp = tempfile::tempdir().unwrap();
        let long = "n".repeat(200);
        for i in 0..1500 {
            std::fs::write(tmp.path().join(format!("{long}-{i}.kv")), "").unwrap();
        }
        std::fs::create_dir(tmp.path().join("sub")).unwrap();
        std::os::unix::fs::symlink("sub", tmp.path().join("link")).unwrap();
        let fd = open(tmp.path());
        let mut listed = Vec::new();
        each_entry::<rustix::io::Errno>(fd.as_fd(), |name, file_type| {
            let expected = match name.to_bytes() {
                b"." | b".." | b"sub" => FileType::Directory,
                b"link" => FileType::Symlink,
                _ => FileType::RegularFile,
            };
            assert!(file_type == expected || file_type == FileType::Unknown, "{name:?}");
            listed.push(name.to_bytes().to_vec());
            Ok(())
        })
        .unwrap();
        listed.sort();
        let mut expected: Vec<Vec<u8>> = std::fs::read_dir(tmp.path())
            .unwrap()
            .map(|entry| entry.unwrap().file_name().as_bytes().to_vec())
            .chain([b".".to_vec(), b"..".to_vec()])
            .collect();
        expected.sort();
        assert_eq!(listed.len(), 1504);
        assert_eq!(listed, expected);
    }

    /// An error of the callback ends the listing there and is returned.
    #[test]
    fn the_callbacks_error_stops_the_listing() {
        let tmp = tempfile::tempdir().unwrap();
        for name in ["a", "b", "c"] {
            std::fs::write(tmp.path().join(name), "").unwrap();
        }
        let fd = open(tmp.path());
        let mut seen = 0;
        let result = each_entry(fd.as_fd(), |_, _| {
            seen += 1;
            if seen == 2 { Err(std::io::Error::other("stop")) } else { Ok(()) }
        });
        assert_eq!(result.unwrap_err().to_string(), "stop");
        assert_eq!(seen, 2);
    }
}
