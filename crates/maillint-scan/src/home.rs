//! Home folders: which folders are scanned, and whose they are.
//!
//! A home is a folder and the name of the user it belongs to, which is the folder's own name
//! (`/home/alice` is alice's, `\\share\Users\bob` copied to `/srv/users/bob` is bob's). The
//! library never reads the environment: the CLI passes the current user's home in.

use std::io;
use std::path::{Path, PathBuf};

use crate::fsx::{self, Looked};
use crate::problem::{Problem, ProblemKind};

/// One home folder to scan.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Home {
    /// The user: the home folder's name.
    pub user: String,
    /// The folder, as given or as listed under its root (not canonicalised: every path in the
    /// output starts with it).
    pub path: PathBuf,
}

impl Home {
    /// A home at `path`, named after the folder. `.` or a path ending in `..` is named after
    /// the folder it resolves to.
    pub fn new(path: impl Into<PathBuf>) -> Self {
        let path = path.into();
        let user = match path.file_name() {
            Some(name) => name.to_string_lossy().into_owned(),
            None => std::fs::canonicalize(&path)
                .ok()
                .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
                .unwrap_or_else(|| path.display().to_string()),
        };
        Home { user, path }
    }

    /// A home given explicitly (`maillint scan DIR`): it must be a folder.
    pub fn given(path: impl Into<PathBuf>) -> io::Result<Self> {
        let path = path.into();
        let meta = std::fs::metadata(&path)
            .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", path.display())))?;
        if !meta.is_dir() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("{}: not a folder (scan takes home folders)", path.display()),
            ));
        }
        Ok(Home::new(path))
    }
}

/// The roots `--all-users` uses by default: `/home` (Linux and other Unix) and `/Users`
/// (macOS), each where it exists.
pub fn default_roots() -> Vec<PathBuf> {
    default_roots_in(Path::new("/"))
}

/// [`default_roots`] below another file-system root (a mounted disk image, a test tree).
pub fn default_roots_in(base: &Path) -> Vec<PathBuf> {
    ["home", "Users"].iter().map(|name| base.join(name)).filter(|root| root.is_dir()).collect()
}

/// Folders under a root that are never homes. `lost+found` is the file-system checker's
/// folder at the top of a Linux file system, and `/home` is often a file system of its own.
const NOT_HOMES: &[&str] = &["lost+found"];

/// The homes under `root`: each direct subfolder (a symlink to a folder counts; Windows'
/// `Public` and `Default` count too: a copied `C:\Users` keeps them, and they may hold
/// configuration deployed to every new user). The root itself must be readable; problems with
/// single entries (a broken symlink, a loop, a FIFO) are returned beside the homes.
pub fn homes_under(root: &Path) -> io::Result<(Vec<Home>, Vec<Problem>)> {
    let meta = std::fs::metadata(root)
        .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", root.display())))?;
    if !meta.is_dir() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("{}: not a folder", root.display()),
        ));
    }
    let (entries, error) = fsx::list(root);
    if let Some(error) = &error
        && entries.is_empty()
    {
        return Err(io::Error::new(error.kind(), format!("{}: {error}", root.display())));
    }
    let mut homes = Vec::new();
    let mut problems = Vec::new();
    let root_user = root.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    for (name, file_type) in entries {
        if name.to_str().is_some_and(|n| NOT_HOMES.contains(&n)) {
            continue;
        }
        let path = root.join(&name);
        let is_home = if file_type.is_dir() {
            true
        } else if file_type.is_symlink() {
            match fsx::look(&path) {
                Looked::Dir => true,
                Looked::Problem { at, kind } => {
                    problems.push(Problem {
                        user: name.to_string_lossy().into_owned(),
                        path: at,
                        kind,
                    });
                    false
                }
                Looked::Missing | Looked::File { .. } => false,
            }
        } else {
            // Files beside the homes (Windows' `desktop.ini`) are not homes; a FIFO or socket
            // there is not opened and not worth a problem either.
            false
        };
        if is_home {
            homes.push(Home { user: name.to_string_lossy().into_owned(), path });
        }
    }
    if let Some(error) = error {
        problems.push(Problem {
            user: root_user,
            path: root.to_path_buf(),
            kind: ProblemKind::unreadable_folder(&error),
        });
    }
    Ok((homes, problems))
}

/// Sorts homes by user, then path, and drops a home given twice.
pub fn sort_homes(homes: &mut Vec<Home>) {
    homes.sort();
    homes.dedup_by(|a, b| a.path == b.path);
}
