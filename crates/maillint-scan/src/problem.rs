//! Problems: what kept the scan from reading something, or what it noticed on the way that is
//! not a finding of a rule (an unreadable folder, a broken symlink, a FIFO named `.muttrc`, a
//! profile hidden by a gap in `profiles.ini`).
//!
//! Problems never stop a scan. Each is recorded once per home (a set, not a list) and the CLI
//! lists them once, in the summary at the end.

use std::fmt;
use std::io;
use std::path::PathBuf;

use maillint_core::{BudgetHit, IndexNote};

/// One problem, with the user and the path it concerns.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Problem {
    /// The user (home folder name) whose scan met it.
    pub user: String,
    /// The path concerned.
    pub path: PathBuf,
    /// What happened.
    pub kind: ProblemKind,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path.display(), self.kind)
    }
}

/// A file that is neither a regular file nor a folder. Opening one can block (a FIFO waits for a
/// writer) or mean nothing (a socket), so the scan never opens them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SpecialKind {
    /// A named pipe.
    Fifo,
    /// A Unix domain socket.
    Socket,
    /// A block device.
    BlockDevice,
    /// A character device.
    CharDevice,
    /// Anything else that is not a file, folder or symlink.
    Other,
}

impl SpecialKind {
    /// The name people use.
    pub fn as_str(self) -> &'static str {
        match self {
            SpecialKind::Fifo => "FIFO (named pipe)",
            SpecialKind::Socket => "socket",
            SpecialKind::BlockDevice => "block device",
            SpecialKind::CharDevice => "character device",
            SpecialKind::Other => "special file",
        }
    }
}

/// What went wrong, or what was noticed.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ProblemKind {
    /// A folder whose entries could not be listed or looked up.
    UnreadableFolder {
        /// The operating system's words.
        error: String,
    },
    /// A file that could not be opened or read.
    UnreadableFile {
        /// The operating system's words.
        error: String,
    },
    /// A symlink whose target does not exist.
    BrokenSymlink,
    /// A symlink that (through other links) points back at itself.
    SymlinkLoop,
    /// A FIFO, socket or device where a configuration file or folder was expected.
    Special(SpecialKind),
    /// A configuration file too large to be one; not read.
    TooLarge {
        /// Its size in bytes.
        size: u64,
        /// The limit in bytes.
        limit: u64,
    },
    /// A profile folder named in an index file (`profiles.ini`) that does not exist.
    MissingProfile {
        /// The index file's name.
        index: String,
        /// The entry that names it (`Profile3`).
        section: String,
    },
    /// What a client's index file (`profiles.ini`) says it skips or never reaches, in the
    /// client's words ([`ClientSupport::read_index`](maillint_core::ClientSupport::read_index)).
    Noted(IndexNote),
    /// The home reached the limit on the bytes or files read in one home: what came after was
    /// not read.
    HomeLimit(BudgetHit),
}

impl ProblemKind {
    /// A short, stable label for grouping in the summary.
    pub fn label(&self) -> &'static str {
        match self {
            ProblemKind::UnreadableFolder { .. } => "unreadable folder",
            ProblemKind::UnreadableFile { .. } => "unreadable file",
            ProblemKind::BrokenSymlink => "broken symlink",
            ProblemKind::SymlinkLoop => "symlink loop",
            ProblemKind::Special(_) => "special file",
            ProblemKind::TooLarge { .. } => "too large",
            ProblemKind::MissingProfile { .. } => "missing profile",
            ProblemKind::Noted(note) => note.label,
            ProblemKind::HomeLimit(_) => "home limit",
        }
    }

    pub(crate) fn unreadable_folder(error: &io::Error) -> Self {
        ProblemKind::UnreadableFolder { error: describe(error) }
    }

    pub(crate) fn unreadable_file(error: &io::Error) -> Self {
        ProblemKind::UnreadableFile { error: describe(error) }
    }
}

/// The error without the "(os error 13)" suffix: the same words on every run and platform
/// version, which keeps output stable.
fn describe(error: &io::Error) -> String {
    let text = error.to_string();
    match text.find(" (os error") {
        Some(end) => text[..end].to_owned(),
        None => text,
    }
}

impl fmt::Display for ProblemKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProblemKind::UnreadableFolder { error } => {
                write!(f, "folder cannot be read ({error}); what it holds was not checked")
            }
            ProblemKind::UnreadableFile { error } => {
                write!(f, "file cannot be read ({error}); it was not checked")
            }
            ProblemKind::BrokenSymlink => {
                f.write_str("broken symlink (its target does not exist); not checked")
            }
            ProblemKind::SymlinkLoop => f.write_str("symlink loop; not followed"),
            ProblemKind::Special(kind) => {
                write!(f, "is a {} where a file or folder was expected; not opened", kind.as_str())
            }
            ProblemKind::TooLarge { size, limit } => write!(
                f,
                "{size} bytes, larger than any mail configuration ({limit} bytes at most); not read"
            ),
            ProblemKind::MissingProfile { index, section } => {
                write!(f, "profile folder named in {index} [{section}] does not exist; not checked")
            }
            ProblemKind::Noted(note) => f.write_str(&note.message),
            ProblemKind::HomeLimit(BudgetHit::Bytes { limit }) => write!(
                f,
                "this home reached the limit of {} read in one home (`--max-home-size`); the \
                 files past it were not read and not checked",
                maillint_core::read::bytes(*limit)
            ),
            ProblemKind::HomeLimit(BudgetHit::Files { limit }) => write!(
                f,
                "this home reached the limit of {limit} {} read in one home \
                 (`--max-home-files`); the files past it were not read and not checked",
                if *limit == 1 { "file" } else { "files" }
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn os_error_numbers_are_dropped_from_messages() {
        let error = io::Error::from_raw_os_error(13);
        let kind = ProblemKind::unreadable_folder(&error);
        let text = kind.to_string();
        assert!(text.starts_with("folder cannot be read (Permission denied)"), "{text}");
        assert!(!text.contains("os error"));
    }
}
