//! The SHA-256 check that stands between a configuration and a process start.
//!
//! A plugin is not sandboxed, so maillint only runs the exact file the configuration vouches for
//! (tflint and dprint do the same with checksums). The file is hashed when the plugin loads and
//! again before every start, so a file swapped after loading is refused too. Hashing a script
//! takes microseconds; for a large binary (over [`REHASH_ALWAYS_BELOW`]) a start skips the hash
//! while the size, modification time and inode are those of the last verified hash.

use std::fs::{File, Metadata};
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::SystemTime;

use sha2::{Digest, Sha256};

/// The SHA-256 digest of a file, as 64 lower-case hex digits.
pub fn sha256_file(path: &Path) -> io::Result<String> {
    let mut file = File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; 64 * 1024];
    loop {
        match file.read(&mut buffer) {
            Ok(0) => break,
            Ok(n) => hasher.update(&buffer[..n]),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        }
    }
    Ok(hasher.finalize().iter().map(|b| format!("{b:02x}")).collect())
}

/// Files up to this size are hashed before every start, whatever their timestamps say (a
/// same-size rewrite can keep the modification time within the filesystem's granularity).
pub const REHASH_ALWAYS_BELOW: u64 = 1024 * 1024;

/// What identifies a file's content cheaply between two hashes.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Stamp {
    len: u64,
    modified: Option<SystemTime>,
    inode: u64,
}

impl Stamp {
    fn of(meta: &Metadata) -> Self {
        #[cfg(unix)]
        let inode = std::os::unix::fs::MetadataExt::ino(meta);
        #[cfg(not(unix))]
        let inode = 0;
        Self { len: meta.len(), modified: meta.modified().ok(), inode }
    }
}

/// Why a command may not run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DigestError {
    /// The file cannot be read (or is not a file).
    Unreadable(String),
    /// The digest differs from the configured one.
    Mismatch {
        /// The digest in the configuration.
        expected: String,
        /// The digest of the file now.
        actual: String,
    },
}

impl std::fmt::Display for DigestError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DigestError::Unreadable(message) => f.write_str(message),
            DigestError::Mismatch { expected, actual } => write!(
                f,
                "refused to run: the file's SHA-256 digest is {actual}, but the configuration \
                 says {expected}; review the file, then update `sha256` if the change is yours"
            ),
        }
    }
}

/// A command file with the digest it must have.
#[derive(Debug)]
pub struct VerifiedCommand {
    path: PathBuf,
    expected: String,
    verified: Mutex<Option<Stamp>>,
}

impl VerifiedCommand {
    /// Hashes `path` now and refuses it when its digest is not `expected`.
    pub fn new(path: PathBuf, expected: &str) -> Result<Self, DigestError> {
        let command =
            Self { path, expected: expected.to_ascii_lowercase(), verified: Mutex::new(None) };
        command.check()?;
        Ok(command)
    }

    /// The command's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The digest the file has (the configured one, since it was verified).
    pub fn digest(&self) -> &str {
        &self.expected
    }

    /// Verifies the file again if it may have changed since the last check.
    pub fn check(&self) -> Result<(), DigestError> {
        let meta = std::fs::metadata(&self.path).map_err(|e| {
            DigestError::Unreadable(format!("cannot read `{}`: {e}", self.path.display()))
        })?;
        if !meta.is_file() {
            return Err(DigestError::Unreadable(format!(
                "`{}` is not a file",
                self.path.display()
            )));
        }
        let stamp = Stamp::of(&meta);
        let mut verified = self.verified.lock().unwrap_or_else(|e| e.into_inner());
        if stamp.len > REHASH_ALWAYS_BELOW && verified.as_ref() == Some(&stamp) {
            return Ok(());
        }
        let actual = sha256_file(&self.path).map_err(|e| {
            DigestError::Unreadable(format!("cannot read `{}`: {e}", self.path.display()))
        })?;
        if actual != self.expected {
            *verified = None;
            return Err(DigestError::Mismatch { expected: self.expected.clone(), actual });
        }
        *verified = Some(stamp);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_digest_and_a_swapped_file_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("tool");
        std::fs::write(&path, b"abc").unwrap();
        // FIPS 180-2 test vector for "abc".
        let abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
        assert_eq!(sha256_file(&path).unwrap(), abc);
        let command = VerifiedCommand::new(path.clone(), &abc.to_ascii_uppercase()).unwrap();
        std::fs::write(&path, b"abd").unwrap();
        match command.check().unwrap_err() {
            DigestError::Mismatch { expected, actual } => {
                assert_eq!(expected, abc);
                assert_ne!(actual, abc);
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            VerifiedCommand::new(dir.path().join("none"), abc),
            Err(DigestError::Unreadable(_))
        ));
    }
}
