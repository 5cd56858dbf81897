//! Discovery: from the paths a user gives to the units that will be parsed.
//!
//! A folder is walked (in parallel, hidden files included, `.git` and friends skipped, symlinks
//! not followed; on Unix through folder handles, see `walk_unix.rs`); each file is offered to
//! the parser registry by name and by its first bytes (by name only when its extension names
//! another format, see [`foreign`]). Files that belong together
//! (a profile's `prefs.js` and `user.js`) collapse into one unit through
//! [`Parser::unit_root`](maillint_core::Parser::unit_root). The result is sorted, so output
//! order never depends on thread timing.

use std::collections::{BTreeMap, HashSet};
use std::ffi::OsString;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use maillint_core::confine::{Owner, ReadAs};
use maillint_core::{Parser, ParserRegistry, read};

mod foreign;
#[cfg(unix)]
#[path = "walk_unix.rs"]
mod walk;
#[cfg(not(unix))]
#[path = "walk_portable.rs"]
mod walk;
mod walked;

/// How many leading bytes detection looks at.
pub const HEAD_LEN: usize = 1024;

/// One unit to parse: its root file and the parser that reads it.
#[derive(Clone)]
pub struct Unit {
    /// The file the unit is rooted at.
    pub root: PathBuf,
    /// The parser for it.
    pub parser: Arc<dyn Parser>,
    /// What the walk knew of the root file when it met it; `None` for a file named on the
    /// command line or a unit a caller built, which are judged by their paths.
    pub walked: Option<Walked>,
}

pub use walked::Walked;

impl std::fmt::Debug for Unit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Unit")
            .field("root", &self.root)
            .field("parser", &self.parser.name())
            .field("walked", &self.walked)
            .finish()
    }
}

/// A path that could not be used.
#[derive(Debug)]
pub struct DiscoveryError {
    /// The path.
    pub path: PathBuf,
    /// What went wrong.
    pub kind: DiscoveryErrorKind,
}

/// Why a path could not be used.
#[derive(Debug)]
pub enum DiscoveryErrorKind {
    /// Reading or walking failed.
    Io(io::Error),
    /// A file given by name is not a format maillint reads.
    Unrecognised,
}

impl std::fmt::Display for DiscoveryError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.kind {
            DiscoveryErrorKind::Io(e) => write!(f, "{}: {e}", self.path.display()),
            DiscoveryErrorKind::Unrecognised => write!(
                f,
                "{}: not a mail-client configuration maillint can read (see `maillint formats`)",
                self.path.display()
            ),
        }
    }
}

impl std::error::Error for DiscoveryError {}

/// What discovery found.
#[derive(Debug, Default)]
pub struct Discovery {
    /// Units, sorted by root path.
    pub units: Vec<Unit>,
    /// Paths given explicitly that could not be read or recognised: the CLI exits 2.
    pub errors: Vec<DiscoveryError>,
    /// Problems met while walking a folder (unreadable subfolders, broken links): reported,
    /// never fatal.
    pub walk_errors: Vec<DiscoveryError>,
    /// Number of files looked at.
    pub files_seen: usize,
    /// The folders walked from, each as [`std::path::absolute`] makes it (`None` where it
    /// cannot), in the order [`Walked::root`] counts them.
    pub walk_roots: Vec<Option<PathBuf>>,
    /// Folders the walk went through whose listing held one of
    /// [`DiscoverOptions::noted_names`], or failed part way: the walk does not know whether such
    /// a name is there. Made absolute as the roots are.
    pub unsure_folders: HashSet<PathBuf>,
}

/// Options for discovery.
#[derive(Clone, Debug, Default)]
pub struct DiscoverOptions {
    /// Worker threads for walking (0: automatic).
    pub threads: usize,
    /// File names whose presence in a walked folder the caller wants to know of without
    /// looking again ([`Discovery::listed_without_noted`]): `check` asks for the names of its
    /// configuration file, looked for in every folder above each unit.
    pub noted_names: Vec<OsString>,
}

/// Finds the units under `paths`.
pub fn discover(
    paths: &[PathBuf],
    parsers: &ParserRegistry,
    options: &DiscoverOptions,
) -> Discovery {
    let found: Found = Mutex::new(BTreeMap::new());
    let mut discovery = Discovery::default();
    let mut walk_roots = Vec::new();
    for path in paths {
        match std::fs::metadata(path) {
            Ok(meta) if meta.is_dir() => walk_roots.push(path.clone()),
            Ok(_) => {
                discovery.files_seen += 1;
                match detect_file(path, parsers) {
                    Ok(Some(unit)) => insert(&found, unit),
                    Ok(None) => discovery.errors.push(DiscoveryError {
                        path: path.clone(),
                        kind: DiscoveryErrorKind::Unrecognised,
                    }),
                    Err(e) => discovery.errors.push(DiscoveryError {
                        path: path.clone(),
                        kind: DiscoveryErrorKind::Io(e),
                    }),
                }
            }
            Err(e) => discovery
                .errors
                .push(DiscoveryError { path: path.clone(), kind: DiscoveryErrorKind::Io(e) }),
        }
    }
    if !walk_roots.is_empty() {
        let walk = walk::walk(&walk_roots, parsers, options, &found);
        discovery.files_seen += walk.seen;
        discovery.walk_errors = walk.errors;
        discovery.walk_roots = walk_roots.iter().map(|root| walked::absolute_root(root)).collect();
        discovery.unsure_folders =
            walked::absolute_folders(&walk_roots, &discovery.walk_roots, walk.unsure);
    }
    discovery.units = found.into_inner().unwrap_or_else(|e| e.into_inner()).into_values().collect();
    discovery.walk_errors.sort_by(|a, b| a.path.cmp(&b.path));
    discovery
}

fn insert(found: &Found, unit: Unit) {
    let key = (unit.root.clone(), unit.parser.name());
    found.lock().unwrap_or_else(|e| e.into_inner()).entry(key).or_insert(unit);
}

/// Offers one file to the parsers. Its head is read the safe way (a FIFO or a device is an
/// error, never waited on) and, when maillint runs as root for a user's file, with that user's
/// rights ([`Owner::of_config_file`]).
pub fn detect_file(path: &Path, parsers: &ParserRegistry) -> io::Result<Option<Unit>> {
    detect_as(path, Owner::of_config_file(path), parsers)
}

/// [`detect_file`] with the owner already known.
fn detect_as(
    path: &Path,
    owner: Option<Owner>,
    parsers: &ParserRegistry,
) -> io::Result<Option<Unit>> {
    let head = {
        let _as_owner = ReadAs::enter(owner.as_ref())?;
        head_of(path, owner.as_ref())?
    };
    Ok(detected(path, &head, parsers, None))
}

/// The first [`HEAD_LEN`] bytes of `path`, opened by its path the safe way (a FIFO or a device
/// is an error, never waited on); with an owner, the file must be theirs or root's. The caller
/// holds the owner's credentials ([`ReadAs`]).
fn head_of(path: &Path, owner: Option<&Owner>) -> io::Result<Vec<u8>> {
    let (mut file, identity) = read::open_regular(path)?;
    if let Some(owner) = owner {
        owner.admits(&identity)?;
    }
    read::read_head(&mut file, identity.size, HEAD_LEN)
}

/// The unit `path` belongs to, if a parser claims it by its name and `head`. What the walk
/// knew of `path` (`walked`) is kept only when the unit is rooted at `path` itself.
fn detected(
    path: &Path,
    head: &[u8],
    parsers: &ParserRegistry,
    walked: Option<Walked>,
) -> Option<Unit> {
    parsers.detect(path, head).map(|parser| {
        let root = parser.unit_root(path);
        let walked = walked.filter(|_| root == path);
        Unit { root, parser: Arc::clone(parser), walked }
    })
}

/// Folders that never hold mail configuration and can be huge.
const SKIPPED_DIRS: &[&str] = &[".git", ".hg", ".svn", "node_modules", "target", ".cache"];

/// Where walks put what they find.
type Found = Mutex<BTreeMap<(PathBuf, &'static str), Unit>>;
