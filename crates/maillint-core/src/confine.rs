//! Confinement: reading a configuration with its owner's rights, never more.
//!
//! The rule (`docs/security.md`): maillint never reads a file for a configuration whose owner
//! could not read it themselves. Two layers enforce it.
//!
//! * On Linux, when maillint runs as root for someone else, the thread that reads a unit takes
//!   the owner's effective user, group and supplementary groups for the read phase
//!   ([`ReadAs`]). Credentials are per thread in the kernel; the raw system calls (through
//!   `rustix::thread`) change only the calling thread, where the C library would change every
//!   thread of the process. The kernel then judges each `open` exactly as for the owner: search
//!   permission on every path component, symlinks, ACLs, at the moment of the `open` itself, so
//!   no check can be raced.
//! * Everywhere, the owner of what was opened (from `fstat` of the handle) must be the
//!   configuration's owner or root ([`Owner::admits`]): a file of a third user is not this
//!   owner's configuration, whichever path leads there. Where credentials cannot be switched
//!   (macOS), a root-owned file must also be readable by the owner by its mode bits.

#[cfg(unix)]
use std::borrow::Cow;
use std::collections::HashMap;
use std::io;
use std::path::Path;
use std::sync::OnceLock;

use crate::read::{FileIdentity, ReadError};

/// The owner of a configuration: the user whose rights reading it is limited to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Owner {
    /// User id.
    pub uid: u32,
    /// Primary group id.
    pub gid: u32,
    /// Supplementary groups (the primary group included).
    pub groups: Vec<u32>,
}

impl Owner {
    /// The user `uid` with their primary group from `/etc/passwd` and the groups `/etc/group`
    /// lists them in. A user missing from `/etc/passwd` gets `fallback_gid` and no other group;
    /// a group known only to NSS (LDAP, sssd) is missing too. Both can only make a read fail
    /// that the owner could do, never succeed where the owner would fail.
    pub fn of_uid(uid: u32, fallback_gid: u32) -> Self {
        let accounts = accounts();
        let (gid, groups) = match accounts.users.get(&uid) {
            Some((name, gid)) => {
                let mut groups: Vec<u32> = accounts
                    .members
                    .iter()
                    .filter(|(_, members)| members.iter().any(|m| m == name))
                    .map(|(group, _)| *group)
                    .collect();
                groups.push(*gid);
                groups.sort_unstable();
                groups.dedup();
                (*gid, groups)
            }
            None => (fallback_gid, vec![fallback_gid]),
        };
        Self { uid, gid, groups }
    }

    /// The owner to confine the configuration at `path` to, as `check` sees it, when maillint
    /// runs as root: the first owner other than root of the file itself (a final symlink not
    /// followed: the link is what the user placed), then of each folder the path goes through,
    /// from the file's own folder up (see [`folder_owner`]). `None` when all are root's (a
    /// system file), or when maillint does not run as root (the kernel already limits a user to
    /// their own rights).
    ///
    /// Every folder of the path counts, each judged without following it: a user's folder that
    /// is a symlink to a folder only root may enter (or was swapped for one after a walk listed
    /// it) makes the path theirs, although the file and the folder it resolves to are root's.
    #[cfg(unix)]
    pub fn of_config_file(path: &Path) -> Option<Self> {
        use std::os::unix::fs::MetadataExt;
        if !running_as_root() {
            return None;
        }
        if let Ok(own) = std::fs::symlink_metadata(path)
            && own.uid() != 0
        {
            return Some(Owner::of_uid(own.uid(), own.gid()));
        }
        // Only a file of root's (or one that is gone) is judged by its folders: they are not
        // looked at otherwise, one `stat` less per file of a user's home. A relative path is
        // judged with the folders above the working folder too.
        let absolute = absolute(path)?;
        let (uid, gid) = folder_owner(absolute.parent()?)?;
        Some(Owner::of_uid(uid, gid))
    }

    /// Without Unix owners, there is nobody to confine to.
    #[cfg(not(unix))]
    pub fn of_config_file(_path: &Path) -> Option<Self> {
        None
    }

    /// The rule of [`of_config_file`](Self::of_config_file) and [`folder_owner_of`] for one
    /// entry a walk met while running as root (the walk asks [`running_as_root`] once, not once
    /// per file): the uid and gid of the entry's own owner (`fstatat` without following it, or
    /// `fstat` of a folder the walk opened) unless that is root, else the answer for the folder
    /// above. [`Owner::of_uid`] makes the owner of them.
    pub fn ids_of_walked_entry(
        uid: u32,
        gid: u32,
        folder: Option<(u32, u32)>,
    ) -> Option<(u32, u32)> {
        if uid != 0 { Some((uid, gid)) } else { folder }
    }

    /// Whether a file with this identity may be read as part of this owner's configuration:
    /// it is theirs or root's. Where the thread cannot take the owner's credentials, a file of
    /// root's must also be readable by the owner by its mode bits.
    pub fn admits(&self, identity: &FileIdentity) -> Result<(), ReadError> {
        if !cfg!(unix) || identity.uid == self.uid {
            return Ok(());
        }
        if identity.uid != 0 {
            return Err(ReadError::OtherOwner { uid: identity.uid, owner: self.uid });
        }
        if cfg!(target_os = "linux") || self.may_read_by_mode(identity) {
            Ok(())
        } else {
            Err(ReadError::Io(io::Error::from(io::ErrorKind::PermissionDenied)))
        }
    }

    fn may_read_by_mode(&self, identity: &FileIdentity) -> bool {
        const OTHERS_READ: u32 = 0o004;
        const GROUP_READ: u32 = 0o040;
        identity.mode & OTHERS_READ != 0
            || (identity.mode & GROUP_READ != 0 && self.groups.contains(&identity.gid))
    }
}

/// `path` as [`std::path::absolute`] makes it, without its cost (a new buffer and a pass over
/// the components, ~2,500 instructions) for a path that is already in that form, as every
/// path a walk from an absolute root is: absolute, no `.` component, no doubled or trailing
/// separator. `..` stays in both (it is not resolved).
#[cfg(unix)]
fn absolute(path: &Path) -> Option<Cow<'_, Path>> {
    use std::os::unix::ffi::OsStrExt;
    let bytes = path.as_os_str().as_bytes();
    let clean = bytes.first() == Some(&b'/')
        && (bytes.len() == 1 || !bytes.ends_with(b"/") && !bytes.ends_with(b"/."))
        && memchr::memmem::find(bytes, b"//").is_none()
        && memchr::memmem::find(bytes, b"/./").is_none();
    if clean {
        return Some(Cow::Borrowed(path));
    }
    std::path::absolute(path).ok().map(Cow::Owned)
}

/// The first owner other than root (uid and gid) of the folder `dir` or of a folder above it,
/// each judged by `lstat` of its path ([`Owner::of_config_file`] judges a file's folders so); a
/// relative path is judged with the folders above the working folder too. `None` when all are
/// root's, or on a platform without Unix owners.
pub fn folder_owner_of(dir: &Path) -> Option<(u32, u32)> {
    #[cfg(unix)]
    {
        folder_owner(&absolute(dir)?)
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        None
    }
}

/// The first owner other than root of `dir` or of a folder above it, each looked at with
/// `lstat` (a symlink is judged by its own owner, who placed it), or `None` when all are root's.
///
/// The answers are remembered per thread (a walk asks for every file of a folder, and the
/// folders above are the same for all), up to a bound. Remembering is sound: an answer of
/// "root's all the way up" holds as long as root's folders hold the same entries, which only
/// root can change; an answer naming a user holds for every path that goes through that user's
/// folder or link, and a swap below it can only be made by that user or one below (whose
/// rights are then the ones used, and `Owner::admits` still checks each opened file).
#[cfg(unix)]
fn folder_owner(dir: &Path) -> Option<(u32, u32)> {
    use std::cell::RefCell;
    use std::ffi::OsString;
    use std::os::unix::fs::MetadataExt;
    const REMEMBERED: usize = 4096;
    /// The owner's uid and gid, or `None` for root's all the way up.
    type Answer = Option<(u32, u32)>;
    thread_local! {
        // Keyed by the path's bytes: hashing those is several times cheaper than `Path`'s
        // hash, which walks the components (a walk asks once per file it meets).
        static ANSWERS: RefCell<HashMap<OsString, Answer>> = RefCell::default();
        // The folder asked last, and its answer: a walk asks for every file of a folder in a
        // row, and comparing bytes is cheaper than hashing them.
        static LAST: RefCell<Option<(OsString, Answer)>> = const { RefCell::new(None) };
    }
    let key = dir.as_os_str();
    let last = LAST.with(|last| match &*last.borrow() {
        Some((known, answer)) if known == key => Some(*answer),
        _ => None,
    });
    if let Some(answer) = last {
        return answer;
    }
    let answer = match ANSWERS.with(|answers| answers.borrow().get(key).copied()) {
        Some(known) => known,
        None => {
            let answer = match std::fs::symlink_metadata(dir) {
                Ok(meta) if meta.uid() != 0 => Some((meta.uid(), meta.gid())),
                _ => dir.parent().and_then(folder_owner),
            };
            ANSWERS.with(|answers| {
                let mut answers = answers.borrow_mut();
                if answers.len() >= REMEMBERED {
                    answers.clear();
                }
                answers.insert(key.to_owned(), answer);
            });
            answer
        }
    };
    LAST.with(|last| *last.borrow_mut() = Some((key.to_owned(), answer)));
    answer
}

/// Whether the process's effective user is root (on Linux: this thread's).
pub fn running_as_root() -> bool {
    effective_uid() == 0
}

/// The effective user id (on Linux: this thread's); `u32::MAX` where there is none.
///
/// Remembered per thread: `check` asks once per unit it reads, and a system call each time
/// was 600 of them per 100 homes. maillint changes a thread's user only through [`ReadAs`],
/// which forgets the remembered answer whenever it switches.
pub fn effective_uid() -> u32 {
    #[cfg(unix)]
    {
        KNOWN_EUID.with(|known| match known.get() {
            Some(uid) => uid,
            None => {
                let uid = rustix::process::geteuid().as_raw();
                known.set(Some(uid));
                uid
            }
        })
    }
    #[cfg(not(unix))]
    {
        u32::MAX
    }
}

#[cfg(unix)]
thread_local! {
    /// This thread's effective user id, once asked; forgotten when [`ReadAs`] switches.
    static KNOWN_EUID: std::cell::Cell<Option<u32>> = const { std::cell::Cell::new(None) };
}

/// Forgets the remembered effective user id of this thread (its credentials are changing).
#[cfg(target_os = "linux")]
fn forget_effective_uid() {
    KNOWN_EUID.with(|known| known.set(None));
}

struct Accounts {
    /// uid → (user name, primary gid).
    users: HashMap<u32, (String, u32)>,
    /// gid → member names.
    members: Vec<(u32, Vec<String>)>,
}

/// `/etc/passwd` and `/etc/group`, read once per process (root-owned system files; a scan of
/// many homes asks for every owner).
fn accounts() -> &'static Accounts {
    static ACCOUNTS: OnceLock<Accounts> = OnceLock::new();
    ACCOUNTS.get_or_init(|| {
        let read = |path: &str| {
            crate::read::read_regular(Path::new(path), crate::read::DEFAULT_MAX_FILE_BYTES)
                .map(|(bytes, _)| String::from_utf8_lossy(&bytes).into_owned())
                .unwrap_or_default()
        };
        Accounts {
            users: parse_passwd(&read("/etc/passwd")),
            members: parse_group(&read("/etc/group")),
        }
    })
}

/// `name:password:uid:gid:...` lines (passwd(5)).
fn parse_passwd(text: &str) -> HashMap<u32, (String, u32)> {
    let mut users = HashMap::new();
    for line in text.lines() {
        let fields: Vec<&str> = line.split(':').collect();
        if let [name, _, uid, gid, ..] = fields[..]
            && let (Ok(uid), Ok(gid)) = (uid.parse(), gid.parse())
        {
            users.entry(uid).or_insert_with(|| (name.to_owned(), gid));
        }
    }
    users
}

/// `name:password:gid:member,member` lines (group(5)).
fn parse_group(text: &str) -> Vec<(u32, Vec<String>)> {
    let mut groups = Vec::new();
    for line in text.lines() {
        let fields: Vec<&str> = line.split(':').collect();
        if let [_, _, gid, members] = fields[..]
            && let Ok(gid) = gid.parse()
        {
            let members = members.split(',').filter(|m| !m.is_empty()).map(str::to_owned);
            groups.push((gid, members.collect()));
        }
    }
    groups
}

/// While alive, the current thread reads with an owner's credentials (Linux, when running as
/// root for another user); dropping it gives the thread its own back.
///
/// A thread that could not get its credentials back must not go on with someone else's (or
/// with root's where the owner's were meant): the process aborts.
#[must_use = "the credentials are switched back when this is dropped"]
pub struct ReadAs {
    #[cfg(target_os = "linux")]
    saved: Option<linux::Saved>,
}

impl ReadAs {
    /// Takes `owner`'s credentials on this thread when the process runs as root and the owner
    /// is not root; otherwise changes nothing (the kernel already limits a non-root runner to
    /// their own rights). Fails when the credentials cannot be switched: nothing must then be
    /// read for this owner.
    pub fn enter(owner: Option<&Owner>) -> io::Result<Self> {
        #[cfg(target_os = "linux")]
        {
            let saved = match owner {
                Some(owner) if owner.uid != 0 && running_as_root() => {
                    Some(linux::switch_to(owner)?)
                }
                _ => None,
            };
            Ok(Self { saved })
        }
        #[cfg(not(target_os = "linux"))]
        {
            let _ = owner;
            Ok(Self {})
        }
    }
}

impl Drop for ReadAs {
    fn drop(&mut self) {
        #[cfg(target_os = "linux")]
        if let Some(saved) = self.saved.take() {
            linux::restore(saved);
        }
    }
}

#[cfg(target_os = "linux")]
mod linux {
    use std::io;

    use rustix::process::{Gid, Uid, getegid, geteuid};
    use rustix::thread::{set_thread_groups, set_thread_res_gid, set_thread_res_uid};

    use super::Owner;

    /// The credentials to go back to.
    pub(super) struct Saved {
        uid: Uid,
        gid: Gid,
        groups: Vec<Gid>,
    }

    /// Groups first, then the group, then the user: once the effective user is not root the
    /// thread has no right left to change its groups. The real and saved ids stay root's, so
    /// that [`restore`] can switch back.
    pub(super) fn switch_to(owner: &Owner) -> io::Result<Saved> {
        super::forget_effective_uid();
        let saved = Saved { uid: geteuid(), gid: getegid(), groups: rustix::process::getgroups()? };
        let groups: Vec<Gid> = owner.groups.iter().map(|&g| Gid::from_raw(g)).collect();
        let switched = set_thread_groups(&groups)
            .and_then(|()| set_thread_res_gid(None, Gid::from_raw(owner.gid), None))
            .and_then(|()| set_thread_res_uid(None, Uid::from_raw(owner.uid), None));
        if let Err(error) = switched {
            restore(saved);
            return Err(error.into());
        }
        Ok(saved)
    }

    /// The user first (root again, so that the group and groups may be set), then the rest.
    pub(super) fn restore(saved: Saved) {
        super::forget_effective_uid();
        let restored = set_thread_res_uid(None, saved.uid, None)
            .and_then(|()| set_thread_res_gid(None, saved.gid, None))
            .and_then(|()| set_thread_groups(&saved.groups));
        if restored.is_err() {
            // Going on would read (or write) with the wrong rights.
            std::process::abort();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn a_clean_absolute_path_is_taken_as_it_is_and_any_other_as_std_makes_it() {
        for path in [
            "/",
            "/home/ann/.muttrc",
            "/home/ann/../bob/x",
            "/home//ann/x",
            "/home/./ann/x",
            "/home/ann/.",
            "/home/ann/",
            "relative/x",
            "./x",
            "",
            "//x",
            "/a/..",
            "/.x/.y",
        ] {
            let path = Path::new(path);
            let ours = absolute(path).map(|p| p.into_owned());
            assert_eq!(ours, std::path::absolute(path).ok(), "{}", path.display());
        }
        // No copy for the paths a walk from an absolute root gives.
        assert!(matches!(absolute(Path::new("/home/ann/.muttrc")), Some(Cow::Borrowed(_))));
    }

    #[cfg(unix)]
    #[test]
    fn check_confines_to_the_files_owner_then_its_folders_unless_both_are_roots() {
        use std::os::unix::fs::{chown, lchown, symlink};
        if !running_as_root() {
            crate::testing::skip("giving files to other users needs root");
            return;
        }
        let tmp = tempfile::tempdir().unwrap();
        let (root_dir, user_dir) = (tmp.path(), tmp.path().join("home"));
        std::fs::create_dir(&user_dir).unwrap();
        chown(&user_dir, Some(65534), Some(65534)).unwrap();
        let file = |path: std::path::PathBuf, uid: u32| {
            std::fs::write(&path, "").unwrap();
            chown(&path, Some(uid), Some(uid)).unwrap();
            path
        };
        let owner = |path: &Path| Owner::of_config_file(path).map(|owner| owner.uid);
        assert_eq!(owner(&file(root_dir.join("system"), 0)), None);
        assert_eq!(owner(&file(root_dir.join("theirs"), 1234)), Some(1234));
        assert_eq!(owner(&file(user_dir.join("rc"), 0)), Some(65534));
        assert_eq!(owner(&file(user_dir.join("other"), 1234)), Some(1234));
        assert_eq!(owner(&user_dir.join("gone")), Some(65534));
        assert_eq!(owner(&root_dir.join("gone")), None);
        // A link is judged as what the user placed, not by its target.
        let link = root_dir.join("link");
        symlink(root_dir.join("system"), &link).unwrap();
        lchown(&link, Some(1234), Some(1234)).unwrap();
        assert_eq!(owner(&link), Some(1234));
    }

    /// The remembered effective user follows every switch of [`ReadAs`], both ways.
    #[cfg(target_os = "linux")]
    #[test]
    fn the_remembered_effective_user_follows_read_as() {
        if !running_as_root() {
            crate::testing::skip("switching to another user needs root");
            return;
        }
        let nobody = Owner { uid: 65534, gid: 65534, groups: vec![65534] };
        assert_eq!(effective_uid(), 0);
        {
            let _as_nobody = ReadAs::enter(Some(&nobody)).unwrap();
            assert_eq!(effective_uid(), 65534);
            assert!(!running_as_root());
            assert_eq!(effective_uid(), rustix::process::geteuid().as_raw());
        }
        assert_eq!(effective_uid(), 0);
        assert!(running_as_root());
    }

    #[test]
    fn passwd_and_group_give_primary_and_supplementary_groups() {
        let users = parse_passwd(
            "root:x:0:0:root:/root:/bin/sh\nalice:x:1000:1000::/home/alice:/bin/sh\nbroken\n",
        );
        assert_eq!(users.get(&1000), Some(&("alice".to_owned(), 1000)));
        let groups = parse_group("mail:x:8:alice,bob\nwheel:x:10:bob\nalice:x:1000:\n");
        let in_alice: Vec<u32> = groups
            .iter()
            .filter(|(_, m)| m.iter().any(|n| n == "alice"))
            .map(|(g, _)| *g)
            .collect();
        assert_eq!(in_alice, [8]);
    }

    #[test]
    fn a_third_users_file_is_never_admitted_and_roots_only_by_mode_off_linux() {
        let owner = Owner { uid: 1000, gid: 1000, groups: vec![1000] };
        let file = |uid, gid, mode| FileIdentity {
            dev: 1,
            ino: 2,
            size: 0,
            mtime: 0,
            mtime_nsec: 0,
            ctime: 0,
            ctime_nsec: 0,
            uid,
            gid,
            mode,
            nlink: 1,
        };
        assert!(owner.admits(&file(1000, 1000, 0o600)).is_ok());
        if cfg!(unix) {
            assert!(matches!(
                owner.admits(&file(1001, 1001, 0o644)),
                Err(ReadError::OtherOwner { uid: 1001, owner: 1000 })
            ));
        }
        assert!(owner.may_read_by_mode(&file(0, 0, 0o644)));
        assert!(!owner.may_read_by_mode(&file(0, 0, 0o640)));
        assert!(owner.may_read_by_mode(&file(0, 1000, 0o640)));
    }
}
