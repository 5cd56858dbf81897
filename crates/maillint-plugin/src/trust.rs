//! Whether a configuration may start programs: git's `safe.directory` idea for plugins.
//!
//! A `[[plugin]]` table makes maillint run a program. The SHA-256 pinned beside it proves
//! nothing when the same person writes the table and the digest, so the configuration itself
//! must be trusted (`docs/security.md`, "Executables and plugins"): the file is owned by the
//! user running maillint or by root and is writable by nobody else, and so is every folder
//! above it up to `/`, both along the path as written and along the path with symlinks
//! resolved. Then nobody else can have written it, nor swap it for another file between the
//! moment it was read and the moment it is checked: the check need not run on the very handle
//! the configuration was read from.
//!
//! The program a trusted configuration names must be trusted the same way
//! ([`require_trusted_program`]): its SHA-256 is checked before every start, but between that
//! check and the start someone who may write the file, or any folder above it, could swap it
//! for another one. When only the invoking user and root can write them, nobody else can.

use std::fmt;
use std::path::{Path, PathBuf};

use maillint_core::read;

/// What was judged.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Subject {
    /// A configuration that declares plugins.
    Configuration,
    /// The program a plugin runs.
    Program,
}

/// Why a configuration may not start programs, or a program may not be started.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Untrusted {
    /// What was judged.
    pub subject: Subject,
    /// The configuration file, or the program.
    pub config: PathBuf,
    /// The file or folder at fault (the configuration itself, or a folder above it).
    pub at: PathBuf,
    /// What is wrong with it.
    pub reason: String,
}

impl fmt::Display for Untrusted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self.subject {
            Subject::Configuration => "declares plugins, but is not trusted to run programs",
            Subject::Program => "is a plugin's program, but is not trusted to be run",
        };
        write!(
            f,
            "{}: {what}: {} {}; nothing was run (the file and every folder above it must \
             belong to you or root and be writable by nobody else)",
            self.config.display(),
            self.at.display(),
            self.reason
        )
    }
}

impl std::error::Error for Untrusted {}

/// Checks that `config` may declare programs to run, for the current effective user.
pub fn require_trusted(config: &Path) -> Result<(), Untrusted> {
    require(Subject::Configuration, config)
}

/// Checks that the plugin program at `program` may be started, for the current effective
/// user: the file and every folder above it belong to that user or root, and nobody else may
/// write them.
pub fn require_trusted_program(program: &Path) -> Result<(), Untrusted> {
    require(Subject::Program, program)
}

fn require(subject: Subject, file: &Path) -> Result<(), Untrusted> {
    #[cfg(unix)]
    {
        unix::require_trusted(subject, file, rustix::process::geteuid().as_raw())
    }
    #[cfg(not(unix))]
    {
        let _ = (subject, file);
        Ok(())
    }
}

#[cfg(unix)]
mod unix {
    use std::os::unix::fs::MetadataExt;
    use std::path::{Component, Path, PathBuf};

    use super::{Subject, Untrusted, read};

    const WRITABLE_BY_GROUP_OR_OTHERS: u32 = 0o022;
    const STICKY: u32 = 0o1000;

    pub(super) fn require_trusted(
        subject: Subject,
        config: &Path,
        me: u32,
    ) -> Result<(), Untrusted> {
        let untrusted = |at: &Path, reason: String| Untrusted {
            subject,
            config: config.to_path_buf(),
            at: at.to_path_buf(),
            reason,
        };
        let (_, identity) = read::open_regular(config)
            .map_err(|error| untrusted(config, format!("cannot be opened ({error})")))?;
        if let Some(reason) = fault(identity.uid, identity.mode, me, false) {
            return Err(untrusted(config, reason));
        }
        let absolute = std::path::absolute(config)
            .map_err(|error| untrusted(config, format!("has no absolute path ({error})")))?;
        let resolved = std::fs::canonicalize(config)
            .map_err(|error| untrusted(config, format!("cannot be resolved ({error})")))?;
        for folder in ancestors(&absolute).into_iter().chain(ancestors(&resolved)) {
            let meta = std::fs::metadata(&folder)
                .map_err(|error| untrusted(&folder, format!("cannot be examined ({error})")))?;
            if let Some(reason) = fault(meta.uid(), meta.mode(), me, true) {
                return Err(untrusted(&folder, reason));
            }
        }
        Ok(())
    }

    /// What is wrong with a file or folder owned by `uid` with `mode`, for user `me`.
    fn fault(uid: u32, mode: u32, me: u32, folder: bool) -> Option<String> {
        if uid != me && uid != 0 {
            return Some(format!("belongs to uid {uid}, neither you (uid {me}) nor root"));
        }
        // In a sticky folder (`/tmp`) others may add entries but not rename or remove ours.
        let sticky = folder && mode & STICKY != 0;
        if mode & WRITABLE_BY_GROUP_OR_OTHERS != 0 && !sticky {
            return Some(format!("is writable by group or others (mode {:o})", mode & 0o7777));
        }
        None
    }

    /// The folders above `path` (absolute), nearest first, each with `..` taken lexically.
    fn ancestors(path: &Path) -> Vec<PathBuf> {
        let mut normal = PathBuf::new();
        for component in path.components() {
            match component {
                Component::ParentDir => {
                    normal.pop();
                }
                Component::CurDir => {}
                other => normal.push(other),
            }
        }
        let mut folders: Vec<PathBuf> = normal.ancestors().skip(1).map(Path::to_path_buf).collect();
        folders.retain(|f| !f.as_os_str().is_empty());
        folders
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn owners_and_write_bits_decide() {
            assert_eq!(fault(1000, 0o100644, 1000, false), None);
            assert_eq!(fault(0, 0o100644, 1000, false), None);
            assert!(fault(1001, 0o100644, 1000, false).unwrap().contains("uid 1001"));
            assert!(fault(1000, 0o100664, 1000, false).unwrap().contains("writable"));
            assert_eq!(fault(0, 0o41777, 1000, true), None, "/tmp is sticky");
            assert!(fault(0, 0o40777, 1000, true).is_some());
        }

        #[test]
        fn a_program_in_a_folder_others_may_write_is_refused_and_named() {
            use std::os::unix::fs::PermissionsExt;
            let dir = tempfile::tempdir().unwrap();
            let open = dir.path().join("open");
            std::fs::create_dir(&open).unwrap();
            let program = open.join("plugin.sh");
            std::fs::write(&program, "#!/bin/sh\n").unwrap();
            let me = rustix::process::geteuid().as_raw();
            assert_eq!(require_trusted(Subject::Program, &program, me), Ok(()));
            std::fs::set_permissions(&open, std::fs::Permissions::from_mode(0o777)).unwrap();
            let refused = require_trusted(Subject::Program, &program, me).unwrap_err();
            assert_eq!(refused.at, open);
            let message = refused.to_string();
            assert!(message.contains("is a plugin's program, but is not trusted"), "{message}");
            assert!(message.contains("writable by group or others (mode 777)"), "{message}");
        }

        #[test]
        fn ancestors_are_lexical_and_end_at_the_root() {
            assert_eq!(
                ancestors(Path::new("/a/b/../c/maillint.toml")),
                [PathBuf::from("/a/c"), PathBuf::from("/a"), PathBuf::from("/")]
            );
        }
    }
}
