//! Finding the configuration file: `maillint.toml`, then `.maillint.toml`, in the checked
//! path's folder and then in each parent folder. The closest file wins and is used alone
//! (ruff's rule: no implicit merging with files further up).
//!
//! `check` asks this for every unit it finds; [`ConfigFinder`] remembers the answer of every
//! folder it searched, so that the folders above a home (and the home itself) are searched
//! once per run rather than once per unit: on 2,000 homes that was two failed `stat`s per
//! folder level per unit, about 100,000 in all.

use std::collections::HashMap;
use std::io;
use std::path::{Path, PathBuf};

use foldhash::fast::RandomState;

use crate::paths::{absolute, normalize};

/// The file names looked for in each folder, in order of preference.
pub const CONFIG_FILE_NAMES: [&str; 2] = ["maillint.toml", ".maillint.toml"];

/// The closest configuration file at or above `start` (a file or a folder; a file's own
/// folder is the first one searched). `Ok(None)` when there is none up to the file system root.
pub fn find_config(start: &Path) -> io::Result<Option<PathBuf>> {
    ConfigFinder::new().find(start)
}

/// [`find_config`] for many paths in one run: the answer for a folder is the answer for every
/// folder below it up to the next configuration file, so each folder's answer is kept and a
/// search stops at the first folder already answered.
///
/// The answers describe the file system as it was when first asked (as any one search does);
/// a finder lives for one run. A search that fails (a folder that may not be looked into)
/// remembers nothing, so asking again fails again, as [`find_config`] would.
#[derive(Debug, Default)]
pub struct ConfigFinder {
    /// The closest configuration file at or above each absolute folder searched, by the
    /// folder's bytes. Every folder asked is an ancestor of a path in normal form (see
    /// [`normalize`]), whose bytes are equal exactly when its components are; hashing a
    /// `Path` parses it into components (about 1,000 instructions for a folder of a home,
    /// several per file of a `check`).
    by_folder: HashMap<Box<[u8]>, Option<PathBuf>, RandomState>,
    /// The current folder, asked once: relative paths are made absolute against it.
    cwd: Option<PathBuf>,
}

impl ConfigFinder {
    /// A finder that knows nothing yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// The closest configuration file at or above `start`, as [`find_config`] says.
    pub fn find(&mut self, start: &Path) -> io::Result<Option<PathBuf>> {
        let start = self.absolute(start);
        let first = match std::fs::metadata(&start) {
            Ok(meta) if meta.is_dir() => start.as_path(),
            // A file, or a path that does not exist (yet): search from its folder.
            _ => start.parent().unwrap_or(&start),
        };
        self.search_up(first, |_| false)
    }

    /// The closest configuration file to the file `file` (which need not exist; a folder is
    /// never meant): [`find`](Self::find) without asking what `file` is, and without looking
    /// into a folder for which `listed` answers `true`: one that a walk listed in full and saw
    /// no entry named as a configuration file in ([`CONFIG_FILE_NAMES`]). `listed` is asked
    /// for absolute folders in normal form, each an ancestor of `file`.
    pub fn find_for_file(
        &mut self,
        file: &Path,
        listed: impl Fn(&Path) -> bool,
    ) -> io::Result<Option<PathBuf>> {
        let file = self.absolute(file);
        self.search_up(file.parent().unwrap_or(&file), listed)
    }

    /// Searches `first` and the folders above it, up to the first one already answered.
    fn search_up(
        &mut self,
        first: &Path,
        listed: impl Fn(&Path) -> bool,
    ) -> io::Result<Option<PathBuf>> {
        let mut searched = Vec::new();
        let mut found = None;
        for folder in first.ancestors() {
            if let Some(answer) = self.by_folder.get(folder.as_os_str().as_encoded_bytes()) {
                found = answer.clone();
                break;
            }
            searched.push(folder);
            found = if listed(folder) { None } else { config_in(folder)? };
            if found.is_some() {
                break;
            }
        }
        for folder in searched {
            let key = folder.as_os_str().as_encoded_bytes().into();
            self.by_folder.insert(key, found.clone());
        }
        Ok(found)
    }

    /// [`absolute`], with the current folder asked once per finder rather than once per path
    /// (maillint never changes its current folder).
    fn absolute(&mut self, path: &Path) -> PathBuf {
        if path.is_absolute() {
            return normalize(path);
        }
        if self.cwd.is_none() {
            self.cwd = std::env::current_dir().ok();
        }
        match &self.cwd {
            Some(cwd) => normalize(&cwd.join(path)),
            None => absolute(path),
        }
    }
}

/// The configuration file in `folder` itself, if any.
fn config_in(folder: &Path) -> io::Result<Option<PathBuf>> {
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
    Ok(None)
}
