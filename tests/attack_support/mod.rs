//! What the attack tests share: a lab folder with homes owned by `nobody`, files only root may
//! read, the attacker's actions run as `nobody`, and maillint run with a deadline and its peak
//! memory measured.
//!
//! These tests need root (to own files as root and as `nobody`, and to be the administrator
//! the attacks aim at). Without root they print SKIPPED; under CI (`CI` set) they fail.

#![allow(dead_code, clippy::print_stderr)] // each test file uses a part; tests report skips

use std::io::Read;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// `nobody`, the unprivileged attacker.
pub const NOBODY: u32 = 65534;
/// A second unprivileged user (no account needed: only its numbers own files).
pub const OTHER_USER: u32 = 65533;

/// Every output format of `check`.
pub const CHECK_FORMATS: [&str; 7] =
    ["full", "concise", "json", "json-lines", "github", "sarif", "junit"];
/// Every output format of `scan`.
pub const SCAN_FORMATS: [&str; 10] = [
    "full",
    "concise",
    "json",
    "json-lines",
    "github",
    "sarif",
    "junit",
    "csv",
    "report-json",
    "html",
];

/// Whether the test can run: as root. Otherwise it says SKIPPED, or fails under CI.
pub fn running_as_root(test: &str) -> bool {
    let root = std::fs::metadata("/proc/self").map(|m| {
        use std::os::unix::fs::MetadataExt;
        m.uid() == 0
    });
    if root.unwrap_or(false) {
        return true;
    }
    if std::env::var_os("CI").is_some() {
        panic!("{test}: attack tests must run as root under CI");
    }
    eprintln!("SKIPPED: {test}: needs root (homes owned by nobody, files only root may read)");
    false
}

/// Whether `program` can be started. Otherwise the test says SKIPPED, or fails under CI.
pub fn have_program(program: &str, test: &str) -> bool {
    if Command::new(program).arg("--version").output().is_ok() {
        return true;
    }
    if std::env::var_os("CI").is_some() {
        panic!("{test}: {program} is missing, and CI is set: .ci/run must install it");
    }
    eprintln!("SKIPPED: {test}: {program} is missing");
    false
}

/// A folder the tests build homes in: readable and searchable by everyone, owned by root.
pub struct Lab {
    dir: tempfile::TempDir,
}

impl Lab {
    /// A new lab.
    pub fn new() -> Self {
        let dir = tempfile::Builder::new().prefix("maillint-attack-").tempdir().unwrap();
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
        Lab { dir }
    }

    /// The lab folder.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// A home folder `name` owned by `uid`.
    pub fn home(&self, name: &str, uid: u32) -> PathBuf {
        let home = self.path().join(name);
        std::fs::create_dir(&home).unwrap();
        std::fs::set_permissions(&home, std::fs::Permissions::from_mode(0o755)).unwrap();
        std::os::unix::fs::chown(&home, Some(uid), Some(uid)).unwrap();
        home
    }

    /// A file only root may read (mode 0600), holding `content`.
    pub fn root_only(&self, name: &str, content: &str) -> PathBuf {
        let path = self.path().join(name);
        std::fs::write(&path, content).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        path
    }
}

/// Writes `content` at `path` (creating folders) and gives it, and the folders created under
/// the home, to `uid`.
pub fn write_as(uid: u32, path: &Path, content: impl AsRef<[u8]>) {
    let parent = path.parent().unwrap();
    std::fs::create_dir_all(parent).unwrap();
    std::fs::write(path, content).unwrap();
    for made in [path, parent] {
        std::os::unix::fs::lchown(made, Some(uid), Some(uid)).unwrap();
    }
}

/// A symlink at `link` to `target`, owned by `uid`.
pub fn symlink_as(uid: u32, target: &Path, link: &Path) {
    std::os::unix::fs::symlink(target, link).unwrap();
    std::os::unix::fs::lchown(link, Some(uid), Some(uid)).unwrap();
}

/// A command run as `nobody` (the attacker), with no supplementary groups.
pub fn as_nobody(script: &str) -> Command {
    let mut command = Command::new("setpriv");
    command.args(["--reuid=65534", "--regid=65534", "--clear-groups", "--", "sh", "-c", script]);
    command
}

/// What one run of maillint did.
#[derive(Debug)]
pub struct Run {
    /// Exit code; `None` when it was killed at the deadline.
    pub code: Option<i32>,
    /// Standard output and standard error, together.
    pub output: String,
    /// How long it ran.
    pub elapsed: Duration,
    /// Peak resident memory in KiB, when measured.
    pub peak_rss_kib: Option<u64>,
}

impl Run {
    /// Panics unless the run ended by itself before its deadline.
    pub fn finished(&self, what: &str) -> &Self {
        assert!(self.code.is_some(), "{what}: still running after {:?}, killed", self.elapsed);
        self
    }

    /// Panics when `marker` appears in the output.
    pub fn never_shows(&self, marker: &str, what: &str) -> &Self {
        assert!(!self.output.contains(marker), "{what}: `{marker}` was printed:\n{}", self.output);
        self
    }
}

/// Runs maillint with `args` in `cwd`, killing it after `deadline`.
pub fn maillint(args: &[&str], cwd: &Path, deadline: Duration) -> Run {
    let mut command = Command::new(env!("CARGO_BIN_EXE_maillint"));
    command.args(args);
    run(command, cwd, deadline, false)
}

/// Runs maillint with `args` under GNU time to measure its peak memory; `None` (with
/// SKIPPED, or a failure under CI) when `/usr/bin/time` is missing.
pub fn maillint_measured(args: &[&str], cwd: &Path, deadline: Duration) -> Option<Run> {
    if !Path::new("/usr/bin/time").exists() {
        if std::env::var_os("CI").is_some() {
            panic!("/usr/bin/time is missing, and CI is set: .ci/run must install `time`");
        }
        eprintln!(
            "SKIPPED: peak memory not measured: /usr/bin/time is missing (apt-get install time)"
        );
        return None;
    }
    let mut command = Command::new("/usr/bin/time");
    command.args(["-f", "PEAK-RSS-KIB=%M", env!("CARGO_BIN_EXE_maillint")]).args(args);
    Some(run(command, cwd, deadline, true))
}

fn run(mut command: Command, cwd: &Path, deadline: Duration, measured: bool) -> Run {
    let output = tempfile::tempfile().unwrap();
    use std::os::unix::process::CommandExt;
    let mut child = command
        // Its own process group, so that a run past its deadline is stopped whole (GNU time
        // and the maillint it started), never left reading /dev/zero.
        .process_group(0)
        .current_dir(cwd)
        .env_remove("CI") // the child's behaviour must not depend on it
        .stdin(Stdio::null())
        .stdout(output.try_clone().unwrap())
        .stderr(output.try_clone().unwrap())
        .spawn()
        .unwrap();
    let start = Instant::now();
    let code = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break Some(status.code().unwrap_or(-1));
        }
        if start.elapsed() > deadline {
            let group = format!("-{}", child.id());
            let _ = Command::new("kill").args(["-KILL", "--", &group]).status();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let elapsed = start.elapsed();
    let mut text = String::new();
    let mut output = output;
    use std::io::Seek;
    output.rewind().unwrap();
    let mut bytes = Vec::new();
    output.read_to_end(&mut bytes).unwrap();
    text.push_str(&String::from_utf8_lossy(&bytes));
    let peak_rss_kib = if measured {
        text.lines().rev().find_map(|l| l.strip_prefix("PEAK-RSS-KIB=")?.trim().parse().ok())
    } else {
        None
    };
    Run { code, output: text, elapsed, peak_rss_kib }
}
