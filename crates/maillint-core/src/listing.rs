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
    entry: impl FnMut(&CStr, FileType) -> Result<(), E>,
) -> Result<(), E> {
    each_entry_counting(fd, entry).map(|_| ())
}

/// [`each_entry`], answering how many `getdents64` calls the listing took.
///
/// A listing usually ends with a call that returns nothing. It is not made when the last
/// batch already says the folder has no more entries: the kernel had room for another entry
/// in the buffer and stopped, and the last entry's position for the next read is the end of
/// the folder. ext4 (whose hashed folder listings make the end position `i64::MAX`, a hash
/// position it never gives an entry, `ext4fs_dirhash`) and tmpfs (`i32::MAX`) say so; a
/// listing that stopped on an error is not at that position, so the next call still reports
/// the error. On the benchmark's homes, that was one system call in five of `check`'s walk
/// (133,000 of them on 2,000 homes: each of their 66 folders a home listed twice).
#[cfg(any(target_os = "linux", target_os = "android"))]
fn each_entry_counting<E: From<rustix::io::Errno>>(
    fd: BorrowedFd<'_>,
    mut entry: impl FnMut(&CStr, FileType) -> Result<(), E>,
) -> Result<usize, E> {
    const BUFFER: usize = 16 * 1024;
    let mut buffer = [const { std::mem::MaybeUninit::<u8>::uninit() }; BUFFER];
    let mut listing = rustix::fs::RawDir::new(fd, &mut buffer);
    let (mut calls, mut batch) = (0, 0);
    loop {
        if listing.is_buffer_empty() {
            calls += 1;
        }
        let Some(next) = listing.next() else { return Ok(calls) };
        let next = next?;
        batch += record_len(next.file_name());
        let position_after = next.next_entry_cookie();
        entry(next.file_name(), next.file_type())?;
        if listing.is_buffer_empty() {
            // `RawDir` may give up to 7 bytes of the buffer to alignment.
            let room_for_another = batch + MAX_RECORD_LEN <= BUFFER - 8;
            if room_for_another && is_end_position(position_after) {
                return Ok(calls);
            }
            batch = 0;
        }
    }
}

/// The length of a `linux_dirent64` record holding `name`: its 19 bytes of fixed fields, the
/// name and its NUL, rounded up to 8 bytes (`fs/readdir.c`, `filldir64`).
#[cfg(any(target_os = "linux", target_os = "android"))]
fn record_len(name: &CStr) -> usize {
    (19 + name.to_bytes_with_nul().len()).next_multiple_of(8)
}

/// The longest record: a name of 255 bytes (`NAME_MAX`).
#[cfg(any(target_os = "linux", target_os = "android"))]
const MAX_RECORD_LEN: usize = (19 + 256usize).next_multiple_of(8);

/// Whether a position for the next read is one the file systems that have one give for the
/// end of a folder: `i64::MAX` (ext4's `EXT4_HTREE_EOF_64BIT`, btrfs) or `i32::MAX` (ext4's
/// 32-bit `EXT4_HTREE_EOF_32BIT`, tmpfs, XFS).
#[cfg(any(target_os = "linux", target_os = "android"))]
fn is_end_position(position: u64) -> bool {
    position == i64::MAX as u64 || position == i32::MAX as u64
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

    /// A small folder is listed in one `getdents64` call where the file system says where the
    /// folder ends (ext4, tmpfs), in two elsewhere; a folder of many batches in as many calls
    /// plus the last, empty one unless its last batch says so. Every entry comes once either
    /// way.
    #[cfg(any(target_os = "linux", target_os = "android"))]
    #[test]
    fn a_listing_that_says_where_the_folder_ends_takes_no_empty_last_call() {
        let tmp = tempfile::tempdir().unwrap();
        for name in ["a", "b", "c"] {
            std::fs::write(tmp.path().join(name), "").unwrap();
        }
        // Where this file system says the folder ends, as a plain listing sees it.
        let mut last_position = 0;
        let mut raw = [const { std::mem::MaybeUninit::<u8>::uninit() }; 16 * 1024];
        let mut plain = rustix::fs::RawDir::new(open(tmp.path()), &mut raw);
        while let Some(next) = plain.next() {
            last_position = next.unwrap().next_entry_cookie();
        }
        let fd = open(tmp.path());
        let mut names = Vec::new();
        let calls = each_entry_counting::<rustix::io::Errno>(fd.as_fd(), |name, _| {
            names.push(name.to_bytes().to_vec());
            Ok(())
        })
        .unwrap();
        names.sort();
        assert_eq!(names, [&b"."[..], b"..", b"a", b"b", b"c"]);
        assert_eq!(calls, if is_end_position(last_position) { 1 } else { 2 }, "{last_position}");
    }

    #[cfg(any(target_os = "linux", target_os = "android"))]
    #[test]
    fn records_are_measured_as_the_kernel_lays_them_out() {
        assert_eq!(record_len(c"."), 24);
        assert_eq!(record_len(c"abcd"), 24);
        assert_eq!(record_len(c"abcde"), 32);
        assert_eq!(MAX_RECORD_LEN, 280);
        assert!(is_end_position(9_223_372_036_854_775_807) && is_end_position(2_147_483_647));
        assert!(!is_end_position(7_709_387_121_495_409_031) && !is_end_position(3));
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
