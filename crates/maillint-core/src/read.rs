//! Opening and reading files that someone else controls: the one way every reader goes.
//!
//! The files maillint lints live in other people's homes, and those people can race it (see
//! `docs/security.md`). So a file is opened non-blocking and without becoming a controlling
//! terminal, the decision that it is a regular file is taken on the opened handle (a FIFO or a
//! device swapped in after any earlier look can neither block nor stream), and at most one
//! byte more than the cap is read, whatever the file's size claims to be. The identity of what
//! was read comes from the same `fstat`, so that a later write can tell whether the file it
//! replaces is still the one that was read.

use std::fmt;
use std::fs::{File, Metadata};
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// The largest file read by default: real profiles are 20–120 KB, a muttrc a few KB.
pub const DEFAULT_MAX_FILE_BYTES: u64 = 32 * 1024 * 1024;
/// The most bytes read for one unit (a muttrc and every file it sources), by default.
pub const DEFAULT_MAX_UNIT_BYTES: u64 = 64 * 1024 * 1024;
/// The most files read for one unit, by default.
pub const DEFAULT_MAX_UNIT_FILES: usize = 1000;
/// The most bytes `scan` reads in one home, all units together, by default: several
/// Thunderbird profiles, a few muttrc trees and PRF/`.reg` exports fit many times over.
pub const DEFAULT_MAX_HOME_BYTES: u64 = 128 * 1024 * 1024;
/// The most files `scan` opens in one home, by default.
pub const DEFAULT_MAX_HOME_FILES: usize = 10_000;

/// Bounds on what one unit may read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReadLimits {
    /// Bytes of one file.
    pub max_file_bytes: u64,
    /// Bytes of all files of a unit together.
    pub max_unit_bytes: u64,
    /// Number of files of a unit.
    pub max_unit_files: usize,
}

impl Default for ReadLimits {
    fn default() -> Self {
        Self {
            max_file_bytes: DEFAULT_MAX_FILE_BYTES,
            max_unit_bytes: DEFAULT_MAX_UNIT_BYTES,
            max_unit_files: DEFAULT_MAX_UNIT_FILES,
        }
    }
}

/// What `fstat` of the read handle said about a file: enough to tell whether a file found
/// later at the same path is the same, unchanged file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct FileIdentity {
    /// Device number.
    pub dev: u64,
    /// Inode number.
    pub ino: u64,
    /// Size in bytes when it was opened.
    pub size: u64,
    /// Modification time: seconds since the epoch.
    pub mtime: i64,
    /// Modification time: nanoseconds within the second.
    pub mtime_nsec: i64,
    /// Status change time (contents, owner, mode, links, extended attributes): seconds.
    pub ctime: i64,
    /// Status change time: nanoseconds within the second.
    pub ctime_nsec: i64,
    /// Owner.
    pub uid: u32,
    /// Group.
    pub gid: u32,
    /// Type and permission bits.
    pub mode: u32,
    /// Number of hard links.
    pub nlink: u64,
}

impl FileIdentity {
    /// The identity in `meta` (which must come from `fstat` of the handle that is read).
    #[cfg(unix)]
    pub fn of(meta: &Metadata) -> Self {
        use std::os::unix::fs::MetadataExt;
        Self {
            dev: meta.dev(),
            ino: meta.ino(),
            size: meta.size(),
            mtime: meta.mtime(),
            mtime_nsec: meta.mtime_nsec(),
            ctime: meta.ctime(),
            ctime_nsec: meta.ctime_nsec(),
            uid: meta.uid(),
            gid: meta.gid(),
            mode: meta.mode(),
            nlink: meta.nlink(),
        }
    }

    /// The identity in `meta`. Without inode numbers, files are told apart by size and time
    /// only.
    #[cfg(not(unix))]
    pub fn of(meta: &Metadata) -> Self {
        let mtime = meta
            .modified()
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .unwrap_or_default();
        Self {
            dev: 0,
            ino: 0,
            size: meta.len(),
            mtime: mtime.as_secs() as i64,
            mtime_nsec: i64::from(mtime.subsec_nanos()),
            ctime: 0,
            ctime_nsec: 0,
            uid: 0,
            gid: 0,
            mode: 0,
            nlink: 1,
        }
    }

    /// Whether both identities name the same file (device and inode), changed or not.
    pub fn same_file(&self, other: &FileIdentity) -> bool {
        cfg!(unix) && self.dev == other.dev && self.ino == other.ino
    }
}

/// Why a file was not read. None of these carries any of the file's content.
#[derive(Debug)]
pub enum ReadError {
    /// Opening or reading failed (permission denied, no such file, a symlink loop, ...).
    Io(io::Error),
    /// Not a regular file: a FIFO, a socket, a device or a folder.
    NotRegular(&'static str),
    /// Larger than the per-file limit.
    TooLarge {
        /// The limit in bytes.
        limit: u64,
    },
    /// Reading it would pass the limit on the bytes of one unit.
    UnitBytes {
        /// The limit in bytes.
        limit: u64,
    },
    /// Reading it would pass the limit on the number of files of one unit.
    UnitFiles {
        /// The limit.
        limit: usize,
    },
    /// A limit shared by several units (the files of one home in `scan`) is reached.
    Budget(BudgetHit),
    /// Owned by someone other than the configuration's owner (and not by root): it is not
    /// their configuration, whatever path leads to it.
    OtherOwner {
        /// The file's owner.
        uid: u32,
        /// The configuration's owner.
        owner: u32,
    },
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReadError::Io(error) if error.kind() == io::ErrorKind::PermissionDenied => {
                f.write_str("permission denied")
            }
            ReadError::Io(error) if error.kind() == io::ErrorKind::NotFound => {
                f.write_str("no such file")
            }
            ReadError::Io(error) => write!(f, "{error}"),
            ReadError::NotRegular(kind) => write!(f, "not a regular file ({kind})"),
            ReadError::TooLarge { limit } => {
                write!(f, "larger than the limit of {} for one file", bytes(*limit))
            }
            ReadError::UnitBytes { limit } => write!(
                f,
                "not read: the files of this configuration already reach the limit of {} \
                 together",
                bytes(*limit)
            ),
            ReadError::UnitFiles { limit } => {
                write!(f, "not read: this configuration already reads the limit of {limit} files")
            }
            ReadError::OtherOwner { uid, owner } => write!(
                f,
                "owned by uid {uid}, not by the configuration's owner (uid {owner}): not read \
                 as their configuration"
            ),
            ReadError::Budget(hit) => write!(f, "not read: {hit}"),
        }
    }
}

impl std::error::Error for ReadError {}

impl From<io::Error> for ReadError {
    fn from(error: io::Error) -> Self {
        ReadError::Io(error)
    }
}

impl From<ReadError> for io::Error {
    fn from(error: ReadError) -> Self {
        let kind = match &error {
            ReadError::Io(inner) => return io::Error::new(inner.kind(), error),
            ReadError::NotRegular(_) => io::ErrorKind::InvalidInput,
            ReadError::TooLarge { .. } | ReadError::UnitBytes { .. } => io::ErrorKind::FileTooLarge,
            ReadError::UnitFiles { .. } | ReadError::Budget(BudgetHit::Files { .. }) => {
                io::ErrorKind::QuotaExceeded
            }
            ReadError::Budget(BudgetHit::Bytes { .. }) => io::ErrorKind::FileTooLarge,
            ReadError::OtherOwner { .. } => io::ErrorKind::PermissionDenied,
        };
        io::Error::new(kind, error)
    }
}

/// Which limit of a [`ReadBudget`] was reached.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum BudgetHit {
    /// The bytes of all files together.
    Bytes {
        /// The limit in bytes.
        limit: u64,
    },
    /// The number of files.
    Files {
        /// The limit.
        limit: usize,
    },
}

impl fmt::Display for BudgetHit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BudgetHit::Bytes { limit } => write!(
                f,
                "the files read in this home already reach the limit of {} together",
                bytes(*limit)
            ),
            BudgetHit::Files { limit } => {
                write!(f, "this home already reached the limit of {limit} files read")
            }
        }
    }
}

/// Bytes and files that several units may read together: `scan` gives each home one, so
/// that a home with thousands of files just under the per-file limit (or thousands of units)
/// costs bounded time and memory (`docs/security.md`, "Limits").
///
/// Shared by the units of a home (their [`Sources`](crate::Sources) hold it through their
/// policy) and by discovery, which reads the first bytes of every candidate file.
#[derive(Debug)]
pub struct ReadBudget {
    max_bytes: u64,
    max_files: usize,
    state: Mutex<BudgetState>,
}

#[derive(Debug, Default)]
struct BudgetState {
    bytes: u64,
    files: usize,
    /// The first limit a read was refused for.
    hit: Option<BudgetHit>,
}

impl ReadBudget {
    /// A budget of `max_bytes` over at most `max_files` files.
    pub fn new(max_bytes: u64, max_files: usize) -> Self {
        Self { max_bytes, max_files, state: Mutex::new(BudgetState::default()) }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, BudgetState> {
        // The state is a pair of counters: a panic elsewhere cannot leave it half-updated.
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Counts one more file to read and returns how many bytes are left for it; refuses (and
    /// remembers why) when no file or no byte is left, and after any refusal.
    pub fn open_file(&self) -> Result<u64, ReadError> {
        let mut state = self.state();
        // Once a read was refused, the group is cut short: nothing more is read, so what was
        // read does not depend on which later files happen to be small.
        let refused = if let Some(hit) = state.hit {
            Some(hit)
        } else if state.files >= self.max_files {
            Some(BudgetHit::Files { limit: self.max_files })
        } else if state.bytes >= self.max_bytes {
            Some(BudgetHit::Bytes { limit: self.max_bytes })
        } else {
            None
        };
        if let Some(hit) = refused {
            state.hit.get_or_insert(hit);
            return Err(ReadError::Budget(hit));
        }
        state.files += 1;
        Ok(self.max_bytes - state.bytes)
    }

    /// Counts bytes read.
    pub fn spend(&self, read: u64) {
        let mut state = self.state();
        state.bytes = state.bytes.saturating_add(read);
    }

    /// Records that a file was refused because its bytes did not fit in what was left.
    pub fn refuse_bytes(&self) -> ReadError {
        let hit = BudgetHit::Bytes { limit: self.max_bytes };
        self.state().hit.get_or_insert(hit);
        ReadError::Budget(hit)
    }

    /// The first limit a read was refused for, if any.
    pub fn hit(&self) -> Option<BudgetHit> {
        self.state().hit
    }

    /// Files opened and bytes read so far.
    pub fn used(&self) -> (usize, u64) {
        let state = self.state();
        (state.files, state.bytes)
    }
}

/// `1048576` as `1 MiB`.
pub fn bytes(n: u64) -> String {
    if n >= 1024 * 1024 && n.is_multiple_of(1024 * 1024) {
        format!("{} MiB", n / (1024 * 1024))
    } else {
        format!("{n} bytes")
    }
}

/// Opens `path` for reading without blocking, and returns it only when the handle is a
/// regular file.
///
/// `O_NONBLOCK` makes opening a FIFO return at once (and reading it return nothing); it has no
/// effect on regular files. `O_NOCTTY` keeps a terminal device from becoming the process's
/// controlling terminal. The type is decided on `fstat` of the handle, never on the path.
pub fn open_regular(path: &Path) -> Result<(File, FileIdentity), ReadError> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // std adds O_CLOEXEC itself.
        options.custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY);
    }
    let file = options.open(path)?;
    let meta = file.metadata()?;
    if !meta.file_type().is_file() {
        return Err(ReadError::NotRegular(kind_of(&meta)));
    }
    Ok((file, FileIdentity::of(&meta)))
}

/// [`open_regular`] for the entry `name` of the folder open as `dir`, without following a
/// symlink there (`O_NOFOLLOW`: an entry swapped for a symlink fails with `ELOOP`, and the
/// caller decides what a symlink means). The name is looked up in that folder only: a walk
/// that holds the folder open does not resolve the whole path again for each of its files.
#[cfg(unix)]
pub fn open_regular_at(
    dir: std::os::fd::BorrowedFd<'_>,
    name: &std::ffi::CStr,
) -> Result<(File, FileIdentity), ReadError> {
    use rustix::fs::{Mode, OFlags};
    let flags =
        OFlags::RDONLY | OFlags::NONBLOCK | OFlags::NOCTTY | OFlags::CLOEXEC | OFlags::NOFOLLOW;
    let file =
        File::from(rustix::fs::openat(dir, name, flags, Mode::empty()).map_err(io::Error::from)?);
    let meta = file.metadata()?;
    if !meta.file_type().is_file() {
        return Err(ReadError::NotRegular(kind_of(&meta)));
    }
    Ok((file, FileIdentity::of(&meta)))
}

/// [`open_regular`] for `relative`, resolved from the folder open as `dir` exactly as the
/// kernel resolves the same rest of a whole path from that folder (symlinks followed, as
/// [`open_regular`] follows them): a caller that holds a folder open does not have the kernel
/// walk every folder above it again for each file.
#[cfg(unix)]
pub fn open_regular_in(
    dir: std::os::fd::BorrowedFd<'_>,
    relative: &Path,
) -> Result<(File, FileIdentity), ReadError> {
    use rustix::fs::{Mode, OFlags};
    let flags = OFlags::RDONLY | OFlags::NONBLOCK | OFlags::NOCTTY | OFlags::CLOEXEC;
    let file = File::from(
        rustix::fs::openat(dir, relative, flags, Mode::empty()).map_err(io::Error::from)?,
    );
    let meta = file.metadata()?;
    if !meta.file_type().is_file() {
        return Err(ReadError::NotRegular(kind_of(&meta)));
    }
    Ok((file, FileIdentity::of(&meta)))
}

/// Reads at most `cap` bytes of `file`: one more byte means the file is too large, whatever
/// its size said when it was opened (it may lie). A file that grows while it is read is read
/// up to the size its `fstat` gave ([`read_to_size`]): what comes after is text written at this
/// very moment, as if it came after the read.
pub fn read_capped(
    mut file: File,
    identity: &FileIdentity,
    cap: u64,
) -> Result<Vec<u8>, ReadError> {
    if identity.size > cap {
        return Err(ReadError::TooLarge { limit: cap });
    }
    // The size is a hint for the allocation only, and never more than the cap.
    let mut bytes = Vec::with_capacity(identity.size.min(cap) as usize + 1);
    let want = usize::try_from(cap.saturating_add(1)).unwrap_or(usize::MAX);
    read_to_size(&mut file, &mut bytes, want, identity.size)?;
    if bytes.len() as u64 > cap {
        return Err(ReadError::TooLarge { limit: cap });
    }
    Ok(bytes)
}

/// Appends what `file` holds to `buf` until `buf` has `want` bytes or the file ends.
///
/// Each `read` fills all the room `buf` already has, so a buffer sized from `fstat` takes the
/// whole file in one system call. `Read::take(..).read_to_end` instead starts at 8 KiB and
/// doubles on every full read (a 96 KB prefs.js took 5 reads), because `Take` gives it no size
/// hint. When `buf` is full, a 32-byte probe asks whether anything follows before the buffer
/// is grown, so a file read to its known size costs one more small `read` and no reallocation.
pub fn read_up_to(file: &mut File, buf: &mut Vec<u8>, want: usize) -> io::Result<()> {
    read_to_size(file, buf, want, u64::MAX)
}

/// [`read_up_to`], which also stops once a `read` that returned bytes leaves `buf` holding
/// exactly `size` bytes: the end the file had at its `fstat` ([`FileIdentity::size`]), so the
/// `read` that would only return 0 is not made (one system call less per file). The size is a
/// hint: a short read, or a size of 0 (a `/proc` file), reads on to `want` or the end.
pub fn read_to_size(file: &mut File, buf: &mut Vec<u8>, want: usize, size: u64) -> io::Result<()> {
    while buf.len() < want {
        let room = want - buf.len();
        let read = loop {
            match read_once(file, buf, room) {
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                other => break other?,
            }
        };
        if read == 0 || buf.len() as u64 == size {
            break;
        }
    }
    Ok(())
}

/// One `read` into `buf`, of at most `room` bytes: into its spare capacity where it has some.
fn read_once(file: &mut File, buf: &mut Vec<u8>, room: usize) -> io::Result<usize> {
    let spare = buf.capacity() - buf.len();
    if spare == 0 {
        let mut probe = [0u8; 32];
        let read = file.read(&mut probe[..room.min(32)])?;
        buf.extend_from_slice(&probe[..read]);
        return Ok(read);
    }
    #[cfg(unix)]
    if spare <= room {
        // Reads straight into the uninitialised spare capacity: no zeroing first, and rustix
        // extends the length by what the kernel wrote.
        return Ok(rustix::io::read(&*file, rustix::buffer::spare_capacity(buf))?);
    }
    let start = buf.len();
    buf.resize(start + spare.min(room), 0);
    let read = file.read(&mut buf[start..]);
    buf.truncate(start + *read.as_ref().unwrap_or(&0));
    read
}

/// Opens and reads a regular file of at most `cap` bytes.
pub fn read_regular(path: &Path, cap: u64) -> Result<(Vec<u8>, FileIdentity), ReadError> {
    let (file, identity) = open_regular(path)?;
    let bytes = read_capped(file, &identity, cap)?;
    Ok((bytes, identity))
}

/// The real path of the file open as `file` (opened from `path`), with every symbolic link
/// resolved: from the handle itself (`/proc/self/fd`) where the system has it, so that it names
/// the file that was opened even if `path` changed since; elsewhere by resolving `path`, which
/// the fix stage then checks against the identity of the handle. A fix is written beside this
/// path, so a symlinked file is fixed at the target that was read.
pub fn real_path(file: &File, path: &Path) -> io::Result<PathBuf> {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    {
        use std::os::fd::AsRawFd;
        let by_handle = std::fs::read_link(format!("/proc/self/fd/{}", file.as_raw_fd()));
        if let Ok(real) = by_handle
            && real.is_absolute()
            && !real.to_string_lossy().ends_with(" (deleted)")
        {
            return Ok(real);
        }
    }
    let _ = file;
    std::fs::canonicalize(path)
}

/// Reads up to `want` bytes from the start of a file (detection looks at a file's head).
///
/// `size` is the size the file's `fstat` gave when it was opened ([`FileIdentity::size`]). A
/// read that returns exactly that many bytes has reached the end the file had then, so the
/// head is complete without the extra `read` that would only return 0: one system call less
/// for every file smaller than the head, which is most files a walk meets. The size is a hint,
/// never a bound: a file that grew (more bytes than `size`), a short read (fewer), or a
/// `/proc` file (size 0) is read on until `want` bytes or the end, as before.
pub fn read_head(file: &mut File, size: u64, want: usize) -> io::Result<Vec<u8>> {
    let mut head = vec![0; want];
    let mut filled = 0;
    while filled < want {
        match file.read(&mut head[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        }
        if filled as u64 == size {
            break;
        }
    }
    head.truncate(filled);
    Ok(head)
}

fn kind_of(meta: &Metadata) -> &'static str {
    let file_type = meta.file_type();
    if file_type.is_dir() {
        return "a folder";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_fifo() {
            return "a FIFO";
        }
        if file_type.is_socket() {
            return "a socket";
        }
        if file_type.is_block_device() {
            return "a block device";
        }
        if file_type.is_char_device() {
            return "a character device";
        }
    }
    "a special file"
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn a_file_one_byte_over_the_cap_is_too_large_and_one_at_the_cap_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("prefs.js");
        std::fs::write(&path, vec![b'x'; 100]).unwrap();
        assert_eq!(read_regular(&path, 100).unwrap().0.len(), 100);
        assert!(matches!(read_regular(&path, 99), Err(ReadError::TooLarge { limit: 99 })));
    }

    #[test]
    fn a_budget_refuses_the_file_past_its_count_and_remembers_the_first_hit() {
        let budget = ReadBudget::new(100, 2);
        assert_eq!(budget.open_file().unwrap(), 100);
        budget.spend(60);
        assert_eq!(budget.open_file().unwrap(), 40);
        budget.spend(10);
        assert!(matches!(
            budget.open_file(),
            Err(ReadError::Budget(BudgetHit::Files { limit: 2 }))
        ));
        assert!(matches!(budget.refuse_bytes(), ReadError::Budget(BudgetHit::Bytes { .. })));
        assert_eq!(budget.hit(), Some(BudgetHit::Files { limit: 2 }), "the first hit is kept");
        assert_eq!(budget.used(), (2, 70));
    }

    #[test]
    fn a_budget_with_no_byte_left_refuses_the_next_file() {
        let budget = ReadBudget::new(10, 5);
        budget.open_file().unwrap();
        budget.spend(10);
        let refused = budget.open_file().unwrap_err();
        assert_eq!(
            refused.to_string(),
            "not read: the files read in this home already reach the limit of 10 bytes together"
        );
        assert_eq!(budget.hit(), Some(BudgetHit::Bytes { limit: 10 }));
    }

    #[test]
    fn read_up_to_stops_at_want_or_the_end_whatever_room_the_buffer_has() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("prefs.js");
        let content: Vec<u8> = (0..70_000u32).map(|i| (i % 251) as u8).collect();
        std::fs::write(&path, &content).unwrap();
        for capacity in [0, 1, 31, 32, 1024, 69_999, 70_000, 70_001, 200_000] {
            for want in [0, 1, 33, 1024, 69_999, 70_000, 70_001, usize::MAX] {
                let mut file = File::open(&path).unwrap();
                let mut buf = Vec::with_capacity(capacity);
                buf.extend_from_slice(b"head");
                read_up_to(&mut file, &mut buf, want.saturating_add(4)).unwrap();
                let expected = &content[..want.min(content.len())];
                assert_eq!(&buf[4..], expected, "capacity {capacity}, want {want}");
            }
        }
    }

    #[test]
    fn read_to_size_stops_at_the_size_fstat_gave_and_reads_on_when_it_said_0_or_more() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("muttrc");
        std::fs::write(&path, [b'x'; 5000]).unwrap();
        let read = |capacity: usize, size: u64| {
            let mut file = File::open(&path).unwrap();
            let mut buf = Vec::with_capacity(capacity);
            read_to_size(&mut file, &mut buf, 100_000, size).unwrap();
            buf.len()
        };
        // The file grew to 5000 bytes after an fstat that said 3000: a read that ends at
        // 3000 bytes ends where the file ended then.
        assert_eq!(read(3000, 3000), 3000);
        // A size of 0 (a /proc file) or one past the end: on to the end.
        assert_eq!(read(1, 0), 5000);
        assert_eq!(read(6000, 6000), 5000);
        // A read that passes the size goes on: the size is a hint, not a bound.
        assert_eq!(read(3001, 3000), 5000);
        assert_eq!(read(4000, 3000), 5000);
    }

    #[cfg(unix)]
    #[test]
    fn a_head_is_read_to_the_size_given_or_on_when_the_file_grew_or_lied() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("muttrc");
        std::fs::write(&path, b"set imap_user = me\n").unwrap();
        let (mut file, identity) = open_regular(&path).unwrap();
        assert_eq!(read_head(&mut file, identity.size, 1024).unwrap(), b"set imap_user = me\n");
        // The file grows between the fstat and the read: the head is still read up to `want`.
        let (mut file, identity) = open_regular(&path).unwrap();
        std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .unwrap()
            .write_all(&[b'x'; 3000])
            .unwrap();
        let head = read_head(&mut file, identity.size, 1024).unwrap();
        assert_eq!((head.len(), &head[..4]), (1024, &b"set "[..]));
        // A size that says 0 (a /proc file) or more than there is: read to the end.
        let (mut file, _) = open_regular(&path).unwrap();
        assert_eq!(read_head(&mut file, 0, 1024).unwrap().len(), 1024);
        std::fs::write(&path, b"short").unwrap();
        let (mut file, _) = open_regular(&path).unwrap();
        assert_eq!(read_head(&mut file, 1 << 20, 1024).unwrap(), b"short");
        let (mut file, identity) = open_regular(&path).unwrap();
        assert_eq!(read_head(&mut file, identity.size, 3).unwrap(), b"sho");
    }

    #[test]
    fn devices_and_folders_are_refused_on_the_handle() {
        assert!(matches!(
            open_regular(Path::new("/dev/zero")),
            Err(ReadError::NotRegular("a character device"))
        ));
        assert!(matches!(open_regular(Path::new("/")), Err(ReadError::NotRegular("a folder"))));
    }
}
