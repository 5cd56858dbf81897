//! Finding the configuration file: `maillint.toml`, then `.maillint.toml`, in the checked
//! path's folder and then in each parent folder. The closest file wins and is used alone
//! (ruff's rule: no implicit merging with files further up).

use std::io;
use std::path::{Path, PathBuf};

use crate::paths::absolute;

/// The file names looked for in each folder, in order of preference.
pub const CONFIG_FILE_NAMES: [&str; 2] = ["maillint.toml", ".maillint.toml"];

/// The closest configuration file at or above `start` (a file or a folder; a file's own
/// folder is the first one searched). `Ok(None)` when there is none up to the file system root.
pub fn find_config(start: &Path) -> io::Result<Option<PathBuf>> {
    let start = absolute(start);
    let first = match std::fs::metadata(&start) {
        Ok(meta) if meta.is_dir() => start.as_path(),
        // A file, or a path that does not exist (yet): search from its folder.
        _ => start.parent().unwrap_or(&start),
    };
    for folder in first.ancestors() {
        for name in CONFIG_FILE_NAMES {
            let candidate = folder.join(name);
            match std::fs::metadata(&candidate) {
                Ok(meta) if meta.is_file() => return Ok(Some(candidate)),
                Ok(_) => {}
                Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                // A folder we may not look into ends the search there, as for any other
                // tool that walks up (git does the same): report it rather than guess.
                Err(e) if e.kind() == io::ErrorKind::PermissionDenied => {
                    return Err(io::Error::new(e.kind(), format!("{}: {e}", candidate.display())));
                }
                Err(_) => {}
            }
        }
    }
    Ok(None)
}
