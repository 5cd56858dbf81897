//! Is Thunderbird running with this profile? (reference section 6)
//!
//! Thunderbird rewrites `prefs.js` while it runs and when it exits, so an edit made to
//! `prefs.js` in the meantime is lost (reference section 5). The fixer asks this module first.
//!
//! What can be checked without `unsafe` (which the workspace forbids):
//!
//! * Linux and other Unix: the `lock` symbolic link, whose target is `<IPv4>:+<pid>` (or
//!   `<IPv4>:<pid>` where `fcntl` locks are unavailable). It is removed on a clean exit. The
//!   pid is checked for liveness with `kill(pid, 0)` (rustix) when the address is this
//!   machine's. The
//!   `fcntl` lock on `.parentlock` would be the authoritative check but needs `fcntl(2)`;
//!   `.parentlock` itself is kept after exit, so its presence means nothing.
//! * macOS: the lock is an `fcntl` lock on `.parentlock`, with a symbolic link of the same
//!   name as fallback. A symbolic link is read like `lock`; a regular `.parentlock` cannot be
//!   checked, so the answer is "possibly running".
//! * Windows: `parent.lock` is held open without sharing while Thunderbird runs; opening it
//!   fails with a sharing violation. It is never deleted, so its presence means nothing: a
//!   Windows profile copied to another system is not locked by it.

use std::net::Ipv4Addr;
use std::path::{Path, PathBuf};

/// What the lock files say.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LockState {
    /// No live lock: Thunderbird is not running with this profile (on this machine).
    NotRunning,
    /// Thunderbird holds the profile.
    Running {
        /// The lock file that says so.
        lock_file: PathBuf,
        /// The process, when the lock names it.
        pid: Option<u32>,
    },
    /// The lock cannot be checked from here: treat the profile as in use.
    PossiblyRunning {
        /// The lock file looked at.
        lock_file: PathBuf,
        /// Why it cannot be decided.
        reason: String,
    },
}

impl LockState {
    /// Whether edits to `prefs.js` may be overwritten by a running Thunderbird.
    pub fn may_be_running(&self) -> bool {
        !matches!(self, LockState::NotRunning)
    }

    /// One sentence for messages.
    pub fn describe(&self) -> String {
        match self {
            LockState::NotRunning => "Thunderbird is not running with this profile".to_owned(),
            LockState::Running { lock_file, pid: Some(pid) } => format!(
                "Thunderbird is running with this profile (process {pid}, lock {})",
                lock_file.display()
            ),
            LockState::Running { lock_file, pid: None } => {
                format!("Thunderbird is running with this profile (lock {})", lock_file.display())
            }
            LockState::PossiblyRunning { lock_file, reason } => format!(
                "Thunderbird may be running with this profile ({}: {reason})",
                lock_file.display()
            ),
        }
    }
}

/// The lock state of the profile folder `dir`, checked on this machine.
pub fn profile_lock_state(dir: &Path) -> LockState {
    lock_state_with(dir, &ThisMachine)
}

/// What the lock check needs to know about the machine it runs on.
pub(crate) trait Machine {
    /// Whether process `pid` exists here; `None` when that cannot be checked.
    fn process_alive(&self, pid: u32) -> Option<bool>;
    /// Whether `address` belongs to this machine; `None` when that cannot be checked.
    fn is_local_address(&self, address: Ipv4Addr) -> Option<bool>;
}

/// The machine maillint runs on: processes through `kill(pid, 0)`, addresses through
/// `/proc/net/fib_trie` (Linux).
struct ThisMachine;

impl Machine for ThisMachine {
    /// `kill(pid, 0)` asks the kernel whether the process exists, without sending anything:
    /// unlike a look for `/proc/<pid>`, it also works without `/proc` (macOS, BSD) and where
    /// `hidepid` hides other users' processes. `EPERM` means it exists but is someone else's.
    #[cfg(unix)]
    fn process_alive(&self, pid: u32) -> Option<bool> {
        use rustix::io::Errno;
        use rustix::process::{Pid, test_kill_process};
        let Some(pid) = i32::try_from(pid).ok().and_then(Pid::from_raw) else {
            return Some(false); // pid 0 or beyond any pid: no such process
        };
        match test_kill_process(pid) {
            Ok(()) | Err(Errno::PERM) => Some(true),
            Err(Errno::SRCH) => Some(false),
            Err(_) => None,
        }
    }

    #[cfg(not(unix))]
    fn process_alive(&self, _pid: u32) -> Option<bool> {
        None
    }

    fn is_local_address(&self, address: Ipv4Addr) -> Option<bool> {
        if address.is_loopback() {
            return Some(true);
        }
        let table = std::fs::read_to_string("/proc/net/fib_trie").ok()?;
        Some(local_addresses(&table).contains(&address))
    }
}

/// The addresses marked `/32 host LOCAL` in `/proc/net/fib_trie`: those of this machine.
fn local_addresses(fib_trie: &str) -> Vec<Ipv4Addr> {
    let mut previous: Option<Ipv4Addr> = None;
    let mut found = Vec::new();
    for line in fib_trie.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with("/32 host LOCAL") {
            if let Some(address) = previous {
                found.push(address);
            }
        } else if let Some(rest) = trimmed.strip_prefix("|-- ") {
            previous = rest.trim().parse().ok();
        }
    }
    found
}

pub(crate) fn lock_state_with(dir: &Path, machine: &dyn Machine) -> LockState {
    #[cfg(windows)]
    {
        let parent_lock = dir.join("parent.lock");
        if let Some(state) = windows_parent_lock(&parent_lock) {
            return state;
        }
    }
    let lock = dir.join("lock");
    if let Some(state) = symlink_lock(&lock, machine) {
        return state;
    }
    let parent_lock = dir.join(".parentlock");
    if let Some(state) = symlink_lock(&parent_lock, machine) {
        return state;
    }
    if cfg!(target_os = "macos") && parent_lock.is_file() {
        return LockState::PossiblyRunning {
            lock_file: parent_lock,
            reason: "macOS holds an fcntl lock on this file, which maillint cannot test".into(),
        };
    }
    LockState::NotRunning
}

/// Reads a lock that is a symbolic link to `<IPv4>:+<pid>`; `None` when `path` is absent.
fn symlink_lock(path: &Path, machine: &dyn Machine) -> Option<LockState> {
    let metadata = std::fs::symlink_metadata(path).ok()?;
    let possibly =
        |reason: String| Some(LockState::PossiblyRunning { lock_file: path.to_path_buf(), reason });
    if !metadata.file_type().is_symlink() {
        // `.parentlock` as a regular file is the normal leftover of an exit on Linux.
        if path.file_name().is_some_and(|n| n == "lock") {
            return possibly("`lock` is not a symbolic link as Thunderbird creates it".into());
        }
        return None;
    }
    let target = match std::fs::read_link(path) {
        Ok(target) => target.to_string_lossy().into_owned(),
        Err(error) => return possibly(format!("cannot read the link: {error}")),
    };
    let Some((address, pid)) = parse_lock_target(&target) else {
        return possibly(format!("unexpected link target `{target}`"));
    };
    let running = LockState::Running { lock_file: path.to_path_buf(), pid: Some(pid) };
    match (machine.is_local_address(address), machine.process_alive(pid)) {
        // A lock from another machine (profile on a network share): its process cannot be
        // checked from here.
        (Some(false), _) => {
            possibly(format!("locked by process {pid} on another machine ({address})"))
        }
        (_, Some(true)) => Some(running),
        // Our own address and no such process: a stale lock left by a crash.
        (Some(true), Some(false)) => Some(LockState::NotRunning),
        (None, Some(false)) => possibly(format!(
            "process {pid} is not running here, but {address} may be another machine's address"
        )),
        (_, None) => possibly(format!("cannot check whether process {pid} is running")),
    }
}

/// `<IPv4>:+<pid>` or `<IPv4>:<pid>`.
fn parse_lock_target(target: &str) -> Option<(Ipv4Addr, u32)> {
    let (address, pid) = target.rsplit_once(':')?;
    let pid = pid.strip_prefix('+').unwrap_or(pid);
    Some((address.parse().ok()?, pid.parse().ok()?))
}

/// Windows: opening `parent.lock` fails with a sharing violation while Thunderbird holds it.
#[cfg(windows)]
fn windows_parent_lock(path: &Path) -> Option<LockState> {
    /// `ERROR_SHARING_VIOLATION` (winerror.h).
    const ERROR_SHARING_VIOLATION: i32 = 32;
    if !path.is_file() {
        return None;
    }
    match std::fs::OpenOptions::new().read(true).open(path) {
        Ok(_) => None,
        Err(error) if error.raw_os_error() == Some(ERROR_SHARING_VIOLATION) => {
            Some(LockState::Running { lock_file: path.to_path_buf(), pid: None })
        }
        Err(error) => Some(LockState::PossiblyRunning {
            lock_file: path.to_path_buf(),
            reason: format!("cannot open it: {error}"),
        }),
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    struct FakeMachine {
        alive: Option<bool>,
        local: Option<bool>,
    }

    impl Machine for FakeMachine {
        fn process_alive(&self, _pid: u32) -> Option<bool> {
            self.alive
        }
        fn is_local_address(&self, _address: Ipv4Addr) -> Option<bool> {
            self.local
        }
    }

    #[test]
    fn this_machine_sees_a_live_process_and_a_finished_one() {
        assert_eq!(ThisMachine.process_alive(std::process::id()), Some(true));
        // init (pid 1) exists in every pid namespace, and is not ours: EPERM is alive.
        assert_eq!(ThisMachine.process_alive(1), Some(true));
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let pid = child.id();
        child.wait().unwrap();
        assert_eq!(ThisMachine.process_alive(pid), Some(false), "pid {pid} was reaped");
        assert_eq!(ThisMachine.process_alive(0), Some(false));
        assert_eq!(ThisMachine.process_alive(u32::MAX), Some(false));
    }

    fn profile_with_lock(target: &str) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        symlink(target, dir.path().join("lock")).unwrap();
        dir
    }

    #[test]
    fn no_lock_link_means_not_running_even_with_parentlock_and_parent_lock() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(".parentlock"), b"").unwrap();
        std::fs::write(dir.path().join("parent.lock"), b"").unwrap();
        let machine = FakeMachine { alive: Some(true), local: Some(true) };
        if !cfg!(target_os = "macos") {
            assert_eq!(lock_state_with(dir.path(), &machine), LockState::NotRunning);
        }
    }

    #[test]
    fn lock_link_of_a_live_local_process_means_running() {
        let dir = profile_with_lock("192.168.1.20:+4242");
        let machine = FakeMachine { alive: Some(true), local: Some(true) };
        assert_eq!(
            lock_state_with(dir.path(), &machine),
            LockState::Running { lock_file: dir.path().join("lock"), pid: Some(4242) }
        );
    }

    #[test]
    fn stale_local_lock_means_not_running() {
        let dir = profile_with_lock("127.0.1.1:4242");
        let machine = FakeMachine { alive: Some(false), local: Some(true) };
        assert_eq!(lock_state_with(dir.path(), &machine), LockState::NotRunning);
    }

    #[test]
    fn locks_that_cannot_be_decided_are_possibly_running() {
        for (alive, local) in [(Some(false), Some(false)), (None, Some(true)), (Some(false), None)]
        {
            let dir = profile_with_lock("10.0.0.5:+77");
            let state = lock_state_with(dir.path(), &FakeMachine { alive, local });
            assert!(matches!(state, LockState::PossiblyRunning { .. }), "{alive:?} {local:?}");
            assert!(state.may_be_running());
        }
        let dir = profile_with_lock("garbage");
        let state = lock_state_with(dir.path(), &FakeMachine { alive: None, local: None });
        assert!(
            matches!(state, LockState::PossiblyRunning { ref reason, .. } if reason.contains("garbage"))
        );
    }

    #[test]
    #[allow(clippy::print_stderr)] // the loud skip notice the project asks for
    fn real_check_against_this_process() {
        if !Path::new("/proc/self").exists() {
            eprintln!("SKIPPED: no /proc on this system");
            return;
        }
        let dir = profile_with_lock(&format!("127.0.0.1:+{}", std::process::id()));
        assert!(matches!(profile_lock_state(dir.path()), LockState::Running { .. }));
        // pid_max on Linux is at most 2^22, so this process cannot exist.
        let dir = profile_with_lock("127.0.0.1:+2147483646");
        assert_eq!(profile_lock_state(dir.path()), LockState::NotRunning);
    }

    #[test]
    fn reads_local_addresses_from_fib_trie() {
        let table = "Main:\n  +-- 0.0.0.0/0 3 0 5\n     |-- 0.0.0.0\n        /0 universe UNICAST\n     |-- 192.168.1.20\n        /32 host LOCAL\n     |-- 192.168.1.255\n        /32 link BROADCAST\n";
        assert_eq!(local_addresses(table), vec![Ipv4Addr::new(192, 168, 1, 20)]);
    }
}
