//! Why a fix was not written, as values: each refusal and each failed step of the write
//! protocol is a variant, so that callers and tests can tell them apart without reading the
//! words, and the words themselves live in one place.
//!
//! The system's own error is part of the message (`cannot sync: No space left on device`); it
//! is kept in a field, not as `source()`, so that a reporter walking the chain of causes does
//! not print it twice.

use std::fmt;
use std::io;
use std::path::PathBuf;

/// Why a file was not written: the file, and the reason.
#[derive(Debug, thiserror::Error)]
#[error("{}: {reason}", path.display())]
pub struct WriteError {
    /// The file.
    pub path: PathBuf,
    /// What went wrong.
    pub reason: WriteFailure,
}

/// What kept a fix from being written.
#[derive(Debug, thiserror::Error)]
pub enum WriteFailure {
    /// The text was not read from a file on disk (standard input, a test's text).
    #[error(
        "it was not read from disk, so maillint cannot check that it is still the same file; it was not changed"
    )]
    NotFromDisk,
    /// The text cannot be encoded back into the file's encoding.
    #[error("its text cannot be encoded back; it was not changed")]
    CannotEncode,
    /// The path has no file name (`/`, `..`).
    #[error("it has no file name")]
    NoFileName,
    /// The file changed between reading and writing; nothing was written.
    #[error(
        "the file changed while it was being fixed ({0}); nothing was written, run maillint again"
    )]
    Changed(Change),
    /// Not a regular file.
    #[error("it is not a regular file; it was not changed")]
    NotRegular,
    /// Several hard links: replacing the file would split them.
    #[error(
        "it has {0} hard links; replacing it would split them (the other names would keep the old text), so it was not changed: fix it by hand or remove the other links"
    )]
    HardLinks(u64),
    /// No write bit: its owner protected it.
    #[error("the file is read-only; it was not changed")]
    ReadOnly,
    /// The kernel refused to open the file for writing (owner, mode, ACL, read-only mount).
    #[error(
        "you cannot write this file ({0}): its owner, permissions or ACL do not allow it, and replacing it from the folder would bypass them; it was not changed"
    )]
    NotWritable(io::Error),
    /// A step of the protocol failed with a system error.
    #[error("cannot {step}: {error}")]
    Io {
        /// The step.
        step: Step,
        /// The system's error.
        error: io::Error,
    },
    /// The new file could not be given the old one's owner and group.
    #[error("cannot keep its owner and group ({uid}:{gid}): {error}; it was not changed")]
    Owner {
        /// The owner to keep.
        uid: u32,
        /// The group to keep.
        gid: u32,
        /// The system's error.
        error: io::Error,
    },
    /// An extended attribute of the old file could not be read.
    #[error("cannot read its extended attribute {name}: {error}")]
    ReadAttribute {
        /// The attribute's name (lossy UTF-8).
        name: String,
        /// The system's error.
        error: io::Error,
    },
    /// An extended attribute could not be set on the new file.
    #[error("cannot keep its extended attribute {name}: {error}; it was not changed")]
    KeepAttribute {
        /// The attribute's name (lossy UTF-8).
        name: String,
        /// The system's error.
        error: io::Error,
    },
    /// The new file ended up with another owner, group or mode than the old one.
    #[error(
        "the new file would not keep the owner and mode of the old one ({}:{} {:o}, not {}:{} {:o}); it was not changed",
        new.0, new.1, new.2, old.0, old.1, old.2
    )]
    NotKept {
        /// Owner, group and permission bits of the new file.
        new: (u32, u32, u32),
        /// Owner, group and permission bits of the old file.
        old: (u32, u32, u32),
    },
    /// A file to create appeared while maillint ran.
    #[error(
        "the file was created by someone else while maillint ran; it was not changed, run maillint again"
    )]
    CreatedMeanwhile,
    /// The file a new file is created beside was not read from disk.
    #[error("{} was not read from disk; nothing was created", .0.display())]
    SiblingNotFromDisk(PathBuf),
    /// A new file is only created in the folder of the file the unit was read from.
    #[error("a new file is only created beside {}; nothing was created", .0.display())]
    NotBeside(PathBuf),
}

/// A step of the write protocol, as the message names it (`cannot <step>: ...`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// Opening the file's folder.
    OpenFolder,
    /// Resolving the folder of a file to create.
    ResolveFolder,
    /// `fstatat`/`fstat` of the file.
    Inspect,
    /// Opening the file for writing.
    OpenForWriting,
    /// Reading the file again before replacing it.
    ReadAgain,
    /// Creating the temporary file.
    CreateTemporary,
    /// Writing the new bytes.
    Write,
    /// `fsync` of the new file.
    Sync,
    /// `fstat` of the new file.
    InspectNew,
    /// Setting the permission bits of the new file.
    KeepPermissions,
    /// Listing the old file's extended attributes.
    ListAttributes,
    /// `renameat` over the old file.
    Replace,
    /// `linkat` of a new file into place.
    Create,
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Step::OpenFolder => "open its folder",
            Step::ResolveFolder => "resolve its folder",
            Step::Inspect => "inspect it",
            Step::OpenForWriting => "open it for writing",
            Step::ReadAgain => "read it again",
            Step::CreateTemporary => "create a temporary file beside it",
            Step::Write => "write",
            Step::Sync => "sync",
            Step::InspectNew => "inspect the new file",
            Step::KeepPermissions => "keep its permissions",
            Step::ListAttributes => "list its extended attributes",
            Step::Replace => "replace the file",
            Step::Create => "create the file",
        })
    }
}

/// How the file changed between reading and writing (the words in parentheses).
#[derive(Debug, thiserror::Error)]
pub enum Change {
    /// Another file is at the path now.
    #[error("it is another file now")]
    AnotherFile,
    /// Its size changed.
    #[error("its size changed")]
    Size,
    /// Its modification time changed.
    #[error("it was modified")]
    Modified,
    /// Owner, group or mode changed.
    #[error("its owner or permissions changed")]
    OwnerOrMode,
    /// Its link count changed.
    #[error("its number of hard links changed")]
    LinkCount,
    /// Its status-change time changed.
    #[error("its status changed (links, attributes or contents)")]
    Status,
    /// Same identity, other bytes.
    #[error("its contents changed")]
    Contents,
    /// The file is gone from its folder.
    #[error("it was moved or removed")]
    Moved,
    /// The file became a symbolic link.
    #[error("it was replaced by a symbolic link")]
    Symlinked,
    /// A folder on the way was moved or became a symbolic link.
    #[error("a folder on its path was moved or replaced by a symbolic link")]
    FolderOnPath,
    /// The folder no longer holds the file the unit was read from.
    #[error("its folder was moved or replaced")]
    Folder,
    /// The file the unit was read from is gone from the folder of a file to create.
    #[error("{name} is gone ({error})")]
    SiblingGone {
        /// Its name.
        name: String,
        /// The system's error.
        error: io::Error,
    },
}

impl WriteFailure {
    /// `cannot <step>: <error>`.
    pub(crate) fn io(step: Step) -> impl FnOnce(io::Error) -> WriteFailure {
        move |error| WriteFailure::Io { step, error }
    }
}

impl From<Change> for WriteFailure {
    fn from(change: Change) -> WriteFailure {
        WriteFailure::Changed(change)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_the_file_the_step_and_the_system_error() {
        let error = WriteError {
            path: PathBuf::from("/home/a/.muttrc"),
            reason: WriteFailure::Io { step: Step::Sync, error: io::Error::from_raw_os_error(28) },
        };
        assert!(error.to_string().starts_with("/home/a/.muttrc: cannot sync: "), "{error}");
        let changed = WriteFailure::from(Change::Size);
        assert_eq!(
            changed.to_string(),
            "the file changed while it was being fixed (its size changed); nothing was written, run maillint again"
        );
        let kept = WriteFailure::NotKept { new: (0, 0, 0o644), old: (1000, 100, 0o600) };
        assert_eq!(
            kept.to_string(),
            "the new file would not keep the owner and mode of the old one (0:0 644, not 1000:100 600); it was not changed"
        );
    }
}
