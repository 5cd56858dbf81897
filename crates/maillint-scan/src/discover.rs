//! Discovery inside one home: the locations each registered client declares
//! ([`ClientSupport::locations`]), turned into units through the parser registry. Discovery
//! knows the kinds of location (profiles named by an index, search orders, folders of files by
//! extension), never a client by name.
//!
//! Every candidate file is looked at before it is opened (see [`fsx`]), opened once, and its
//! first bytes are offered to [`ParserRegistry::detect`]; the parser's
//! [`unit_root`](maillint_core::Parser::unit_root) says which file roots the unit. The bytes
//! read are kept, so the linter does not read the file a second time. A file reached by two
//! paths (a symlinked `.muttrc`, a profile named both relatively and absolutely) becomes one
//! unit.

use std::borrow::Cow;
use std::collections::{BTreeSet, HashMap};

use foldhash::fast::RandomState;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use maillint_core::client::name_matches;
use maillint_core::confine::{self, Owner, ReadAs};
use maillint_core::read::{self, DEFAULT_MAX_HOME_BYTES, DEFAULT_MAX_HOME_FILES};
use maillint_core::{Client, ClientSupport, IndexedFolder, LocationKind, Parser, ParserRegistry};
use maillint_core::{FileIdentity, ReadBudget};
use maillint_engine::Unit;
use maillint_engine::discover::HEAD_LEN;

use crate::fsx::{self, FileKey, Looked};
use crate::home::Home;
use crate::listed::Listings;
use crate::locations;
use crate::problem::{Problem, ProblemKind};

/// Options for discovery.
#[derive(Clone, Debug)]
pub struct ScanOptions {
    /// Files larger than this are not read (and are reported): no mail configuration is that
    /// large, and a scan must not stall on a multi-gigabyte file that happens to end in `.reg`.
    pub max_file_size: u64,
    /// The most bytes read in one home, all its files together (discovery and every unit's
    /// includes): a home of ten thousand files just under `max_file_size` must not cost ten
    /// thousand times that. Past it, nothing more of the home is read and a problem says so.
    pub max_home_bytes: u64,
    /// The most files opened in one home.
    pub max_home_files: usize,
    /// How many homes may be scanned ahead of the one whose output is written next (see
    /// [`crate::ordered`]): memory holds at most this many homes' results at once.
    pub window: usize,
}

impl Default for ScanOptions {
    fn default() -> Self {
        Self {
            max_file_size: 32 * 1024 * 1024,
            max_home_bytes: DEFAULT_MAX_HOME_BYTES,
            max_home_files: DEFAULT_MAX_HOME_FILES,
            window: 256,
        }
    }
}

/// Whether a client reads a file on its own or only when something names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    /// The client reads it at start: a profile `profiles.ini` names (or the only profiles
    /// there are), the first muttrc in mutt's or neomutt's search order, a PRF or `.reg` file.
    Entry,
    /// At a known location, but the client reads it only when another file `source`s it (or
    /// it is named with `-F`): a second muttrc, or one only a single version reads
    /// (`.muttrc-2.2.9`). It is linted on its own only when no entry file of the home already
    /// read it.
    Candidate,
}

/// One unit found in a home.
#[derive(Debug)]
pub struct ScanUnit {
    /// The root file and its parser.
    pub unit: Unit,
    /// The user: the home folder's name.
    pub user: String,
    /// The client, from the parser.
    pub client: Client,
    /// Entry or candidate.
    pub role: Role,
    /// The root file's identity (device and inode).
    pub key: FileKey,
    /// The root file's bytes, when discovery read them; `None` when the root is not the file
    /// that was detected and could not be read (the linter then reports why).
    pub content: Option<Vec<u8>>,
    /// What `fstat` of the handle `content` was read from said (for the fix protocol).
    pub identity: Option<FileIdentity>,
}

/// What discovery found in one home.
#[derive(Debug)]
pub struct HomeScan {
    /// The home.
    pub home: Home,
    /// Units, sorted by root path, then parser name.
    pub units: Vec<ScanUnit>,
    /// Problems, sorted, each once.
    pub problems: Vec<Problem>,
    /// Files opened and read (in part or in full).
    pub files_read: usize,
    /// Whose rights the home's files were read with, and whose files alone they may be: the
    /// home folder's owner, when maillint runs as root and the home is not root's.
    pub owner: Option<Owner>,
    /// What the home may still read: linting its units draws on the same budget.
    pub budget: Arc<ReadBudget>,
}

/// Finds the units in `home`, reading with the rights of the home's owner (see
/// [`home_owner`]): what they could not read is reported, never read.
pub fn discover_home(home: &Home, parsers: &ParserRegistry, options: &ScanOptions) -> HomeScan {
    let owner = home_owner(&home.path);
    let budget = Arc::new(ReadBudget::new(options.max_home_bytes, options.max_home_files));
    let mut ctx = Ctx {
        home,
        parsers,
        options,
        owner: owner.as_ref(),
        budget: &budget,
        units: Vec::new(),
        seen: HashMap::default(),
        offered: HashMap::default(),
        problems: BTreeSet::new(),
        files_read: 0,
        listings: Listings::default(),
    };
    match ReadAs::enter(owner.as_ref()) {
        Ok(_as_owner) => {
            // Paths under the home are looked up from its handle from here on (see `base`).
            let _home_entered = crate::base::enter(&home.path);
            if let Looked::Dir = ctx.look(&home.path) {
                ctx.list_busy_folders();
                for client in parsers.clients() {
                    ctx.client(client.as_ref());
                }
            }
        }
        Err(error) => ctx.problem(home.path.clone(), ProblemKind::unreadable_folder(&error)),
    }
    let mut units = ctx.units;
    units.sort_by(|a, b| {
        a.unit.root.cmp(&b.unit.root).then_with(|| a.unit.parser.name().cmp(b.unit.parser.name()))
    });
    HomeScan {
        home: home.clone(),
        units,
        problems: ctx.problems.into_iter().collect(),
        files_read: ctx.files_read,
        owner,
        budget,
    }
}

/// The owner a home's reads are confined to: the home folder's owner, unless that is the user
/// maillint runs as, or root (a root-owned folder is the administrator's own). Running as
/// root, reads then take that owner's rights; in every case only files of theirs (or root's)
/// are read as their configuration.
pub fn home_owner(path: &Path) -> Option<Owner> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let meta = std::fs::metadata(path).ok()?;
        let foreign = meta.uid() != 0 && meta.uid() != confine::effective_uid();
        foreign.then(|| Owner::of_uid(meta.uid(), meta.gid()))
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        None
    }
}

struct Ctx<'a> {
    home: &'a Home,
    parsers: &'a ParserRegistry,
    options: &'a ScanOptions,
    owner: Option<&'a Owner>,
    /// The home's budget: every file opened and byte read is counted; when it is spent,
    /// nothing more is opened (the problem is added once, after linting).
    budget: &'a ReadBudget,
    units: Vec<ScanUnit>,
    /// Index into `units` by (file, parser): one unit per file and format.
    seen: HashMap<(FileKey, &'static str), usize, RandomState>,
    /// Files already offered to the parsers, and the unit each became (if any).
    offered: HashMap<FileKey, Option<usize>, RandomState>,
    problems: BTreeSet<Problem>,
    files_read: usize,
    /// Folders listed in this home, which rule out names that are not there.
    listings: Listings,
}

/// A folder of the home that this many of the clients' locations go through is listed before
/// any of them is looked at (see [`crate::listed`]): one listing instead of as many lookups.
const BUSY_FOLDER: usize = 3;

impl Ctx<'_> {
    /// Lists the home, and each of its folders that several locations go through
    /// (`~/.config`), so that lookups of the names they lack cost no system call.
    fn list_busy_folders(&mut self) {
        let mut through: HashMap<String, usize, RandomState> = HashMap::default();
        for client in self.parsers.clients() {
            for location in client.locations() {
                for path in location_paths(&location.kind) {
                    if let Some((first, _)) = path.split_once('/') {
                        *through.entry(first.to_owned()).or_default() += 1;
                    }
                }
            }
        }
        let (entries, _) = self.listings.list(&self.home.path);
        for (name, file_type) in entries.iter() {
            let busy = name.to_str().and_then(|name| through.get(name));
            if file_type.is_dir() && busy.is_some_and(|&n| n >= BUSY_FOLDER) {
                self.listings.list(&self.home.path.join(name));
            }
        }
    }

    /// Looks at a path without recording a problem, unless a listing already says what it is
    /// (missing, or a folder: see [`Listings::look`]).
    fn look_quiet(&self, path: &Path) -> Looked {
        self.listings.look(path).unwrap_or_else(|| fsx::look(path))
    }

    fn problem(&mut self, path: PathBuf, kind: ProblemKind) {
        self.problems.insert(Problem { user: self.home.user.clone(), path, kind });
    }

    /// Looks at a path and records a problem when it is one.
    fn look(&mut self, path: &Path) -> Looked {
        let looked = self.look_quiet(path);
        if let Looked::Problem { at, kind } = &looked {
            self.problem(at.clone(), kind.clone());
        }
        looked
    }

    /// Reads a whole small file (an index such as `profiles.ini`).
    fn read_whole(&mut self, path: &Path) -> Option<(Vec<u8>, FileIdentity)> {
        let home_left = self.budget.open_file().ok()?;
        let (mut file, identity) = match fsx::open_regular(path, self.owner) {
            Ok(opened) => opened,
            Err(kind) => {
                self.problem(path.to_path_buf(), kind);
                return None;
            }
        };
        let len = identity.size;
        if len > self.options.max_file_size {
            self.problem(
                path.to_path_buf(),
                ProblemKind::TooLarge { size: len, limit: self.options.max_file_size },
            );
            return None;
        }
        if len > home_left {
            self.budget.refuse_bytes();
            return None;
        }
        self.files_read += 1;
        let mut bytes = Vec::with_capacity(len as usize);
        let cap = self.options.max_file_size.min(home_left);
        let read = read::read_to_size(&mut file, &mut bytes, cap as usize, len);
        self.budget.spend(bytes.len() as u64);
        match read {
            Ok(()) => Some((bytes, identity)),
            Err(error) => {
                self.problem(path.to_path_buf(), ProblemKind::unreadable_file(&error));
                None
            }
        }
    }

    /// Offers a regular file to the parsers; adds a unit when one reads it. A file already
    /// offered under another path is not read again.
    fn offer(&mut self, path: &Path, key: FileKey, role: Role) {
        match self.offered.get(&key) {
            Some(&Some(index)) => {
                // The same file again: a muttrc that is both mutt's and neomutt's entry, or a
                // second path to it. Keep the first path; an entry role wins.
                let unit = &mut self.units[index];
                unit.role = unit.role.min(role);
                return;
            }
            Some(None) => return,
            None => {}
        }
        self.offered.insert(key.clone(), None);
        let Ok(home_left) = self.budget.open_file() else { return };
        let (mut file, identity) = match fsx::open_regular(path, self.owner) {
            Ok(opened) => opened,
            Err(kind) => return self.problem(path.to_path_buf(), kind),
        };
        let len = identity.size;
        self.files_read += 1;
        let mut bytes = Vec::with_capacity((len as usize).min(HEAD_LEN));
        let head = read::read_to_size(&mut file, &mut bytes, HEAD_LEN.min(home_left as usize), len);
        self.budget.spend(bytes.len() as u64);
        if let Err(error) = head {
            return self.problem(path.to_path_buf(), ProblemKind::unreadable_file(&error));
        }
        let Some(parser) = self.parsers.detect(path, &bytes) else { return };
        let parser = Arc::clone(parser);
        let root = parser.unit_root(path);
        let detected_key = key.clone();
        let (key, content) = if root == path {
            if len > self.options.max_file_size {
                let limit = self.options.max_file_size;
                return self
                    .problem(path.to_path_buf(), ProblemKind::TooLarge { size: len, limit });
            }
            if len > home_left {
                self.budget.refuse_bytes();
                return;
            }
            let head_len = bytes.len() as u64;
            // The size is known (and within the limits): room for the rest at once, so that it
            // comes in one `read` instead of one per doubling of the buffer (a 60 KB prefs.js:
            // 2 instead of 8, and no copy of what was read at each growth).
            bytes.reserve_exact((len as usize).saturating_sub(bytes.len()));
            let rest = read::read_up_to(&mut file, &mut bytes, len as usize);
            self.budget.spend(bytes.len() as u64 - head_len);
            if let Err(error) = rest {
                return self.problem(path.to_path_buf(), ProblemKind::unreadable_file(&error));
            }
            // A file that grew since `fstat` is read up to its size then; the rest would be
            // text the client writes at this very moment.
            (key, Some((bytes, identity)))
        } else {
            drop(file);
            match self.look(&root) {
                Looked::File { key: root_key } => {
                    let Some(content) = self.read_whole(&root) else { return };
                    (root_key, Some(content))
                }
                // The detected file's own root is missing (a `user.js` without `prefs.js`):
                // the unit stays, and linting says that its root cannot be read.
                Looked::Missing => (key, None),
                Looked::Dir | Looked::Problem { .. } => return,
            }
        };
        if let Some(index) = self.add(parser, root, key, role, content) {
            self.offered.insert(detected_key, Some(index));
        }
    }

    /// Adds a unit, or finds the one with the same root file and parser (two detected files
    /// with one root, such as `user.js` beside `prefs.js`); returns its index.
    fn add(
        &mut self,
        parser: Arc<dyn Parser>,
        root: PathBuf,
        key: FileKey,
        role: Role,
        content: Option<(Vec<u8>, FileIdentity)>,
    ) -> Option<usize> {
        let slot = (key.clone(), parser.name());
        if let Some(&index) = self.seen.get(&slot) {
            let existing = &mut self.units[index];
            existing.role = existing.role.min(role);
            return Some(index);
        }
        let index = self.units.len();
        self.seen.insert(slot, index);
        let client = parser.client();
        self.units.push(ScanUnit {
            unit: Unit { root, parser, walked: None },
            user: self.home.user.clone(),
            client,
            role,
            key,
            identity: content.as_ref().map(|(_, identity)| *identity),
            content: content.map(|(bytes, _)| bytes),
        });
        Some(index)
    }

    // ---- a client's locations --------------------------------------------------------

    /// Every location of one client. Its search orders are taken together: mutt's and
    /// neomutt's name the same files.
    fn client(&mut self, client: &dyn ClientSupport) {
        let locations = client.locations();
        let mut orders: Vec<(&[Cow<'static, str>], bool)> = Vec::new();
        for location in &locations {
            match &location.kind {
                LocationKind::Profiles { root, index, parents, files } => {
                    self.profiles(client, &Profiles { root, index, parents, files });
                }
                LocationKind::SearchOrder { files, versioned } => orders.push((files, *versioned)),
                LocationKind::Folder { folder, depth, extensions } => {
                    let dir = self.home.path.join(folder.as_ref());
                    if !folder.is_empty() && !matches!(self.look(&dir), Looked::Dir) {
                        continue;
                    }
                    self.folder(&dir, *depth, extensions);
                }
                LocationKind::Matching { folder, prefix, suffix } => {
                    let dir = self.home.path.join(folder.as_ref());
                    if !folder.is_empty() && !matches!(self.look(&dir), Looked::Dir) {
                        continue;
                    }
                    self.matching(&dir, prefix, suffix);
                }
            }
        }
        if !orders.is_empty() {
            self.search_orders(&orders);
        }
    }

    // ---- profiles named by an index ------------------------------------------------------

    fn profiles(&mut self, client: &dyn ClientSupport, location: &Profiles<'_>) {
        let root = self.home.path.join(location.root.as_ref());
        if !matches!(self.look(&root), Looked::Dir) {
            return;
        }
        let index_path = root.join(location.index.as_ref());
        let from_index = match self.look(&index_path) {
            Looked::File { .. } => self.read_whole(&index_path).map(|(bytes, _)| bytes),
            _ => None,
        };
        match from_index {
            Some(bytes) => {
                for (entry, dir) in self.profiles_from_index(client, &root, &index_path, &bytes) {
                    self.profile(&dir, Some((location.index, &entry)), location.files);
                }
            }
            // No usable index: every folder with the profile's first file is a profile.
            None => {
                for dir in self.profile_folders(&root, location) {
                    self.profile(&dir, None, location.files);
                }
            }
        }
    }

    fn profiles_from_index(
        &mut self,
        client: &dyn ClientSupport,
        root: &Path,
        index_path: &Path,
        bytes: &[u8],
    ) -> Vec<(String, PathBuf)> {
        let index = client.read_index(bytes);
        for note in index.notes {
            self.problem(index_path.to_path_buf(), ProblemKind::Noted(note));
        }
        index
            .folders
            .into_iter()
            .map(|folder| {
                let dir = self.resolve_profile(root, &folder);
                (folder.entry, dir)
            })
            .collect()
    }

    /// The folder an index entry names (thunderbird.md 7.3). A relative path is joined to the
    /// folder holding the index, split on `/` (and on `\`, which Windows also accepts). An
    /// absolute path names a folder on the machine that wrote it: when the home is a copy (a
    /// Windows profile on a share, a backup of `/home`), the same folder inside the scanned
    /// home is preferred, found by re-rooting what follows `Users\<name>\`, `home/<name>/` or
    /// `Documents and Settings\<name>\` onto the home.
    ///
    /// A folder outside the home (absolute, `..`, a symlink) is followed as the client would,
    /// but its files are read only when they belong to the home's owner (or root): another
    /// user's `prefs.js` is refused when it is opened, never attributed to this user
    /// (`docs/security.md`).
    fn resolve_profile(&mut self, root: &Path, folder: &IndexedFolder) -> PathBuf {
        if folder.relative {
            let mut dir = root.to_path_buf();
            dir.extend(folder.path.split(['/', '\\']).filter(|part| !part.is_empty()));
            return dir;
        }
        let native = PathBuf::from(&folder.path);
        if native.is_absolute() && native.starts_with(&self.home.path) {
            return native;
        }
        if let Some(rebased) = rebase_onto_home(&folder.path, &self.home.path)
            && matches!(self.look_quiet(&rebased), Looked::Dir)
        {
            return rebased;
        }
        native
    }

    /// Profile folders under a root found without an index: direct subfolders of the root
    /// and of its profile parents (`Profiles/`) that hold the profile's first file.
    fn profile_folders(&mut self, root: &Path, location: &Profiles<'_>) -> Vec<PathBuf> {
        let mut found = Vec::new();
        let Some(first) = location.files.first() else { return found };
        for parent in location.parents {
            let dir = root.join(parent.as_ref());
            if !parent.is_empty() && !matches!(self.look(&dir), Looked::Dir) {
                continue;
            }
            let (entries, error) = self.listings.list(&dir);
            if let Some(error) = error {
                self.problem(dir.clone(), ProblemKind::unreadable_folder(&error));
            }
            for (name, file_type) in entries.iter() {
                let candidate = dir.join(name);
                let is_dir = file_type.is_dir()
                    || (file_type.is_symlink() && matches!(self.look(&candidate), Looked::Dir));
                if is_dir
                    && matches!(
                        self.look_quiet(&candidate.join(first.as_ref())),
                        Looked::File { .. }
                    )
                {
                    found.push(candidate);
                }
            }
        }
        found
    }

    /// Offers the first of `files` in a profile folder: a later file only when the ones
    /// before it are missing (a profile with `user.js` but no `prefs.js`).
    /// `entry` is the index file's name and the entry in it that names the folder.
    fn profile(&mut self, dir: &Path, entry: Option<(&str, &str)>, files: &[Cow<'static, str>]) {
        match self.look(dir) {
            Looked::Dir => {}
            Looked::Missing => {
                if let Some((index, section)) = entry {
                    let (index, section) = (index.to_owned(), section.to_owned());
                    self.problem(dir.to_path_buf(), ProblemKind::MissingProfile { index, section });
                }
                return;
            }
            Looked::File { .. } | Looked::Problem { .. } => return,
        }
        for file in files {
            let path = dir.join(file.as_ref());
            match self.look(&path) {
                Looked::File { key } => return self.offer(&path, key, Role::Entry),
                Looked::Missing => continue,
                Looked::Dir | Looked::Problem { .. } => return,
            }
        }
    }

    // ---- search orders -------------------------------------------------------------------

    /// The files of a client's search orders: the first that exists in each order is an
    /// entry, the others candidates.
    fn search_orders(&mut self, orders: &[(&[Cow<'static, str>], bool)]) {
        let mut candidates: Vec<&str> = Vec::new();
        let mut versioned: Vec<&str> = Vec::new();
        for (files, is_versioned) in orders {
            for file in files.iter() {
                if !candidates.contains(&file.as_ref()) {
                    candidates.push(file);
                }
                if *is_versioned && !versioned.contains(&file.as_ref()) {
                    versioned.push(file);
                }
            }
        }
        let mut looked: HashMap<&str, Looked, RandomState> = HashMap::default();
        for name in &candidates {
            let path = self.home.path.join(name);
            looked.insert(name, self.look(&path));
        }
        // mutt and neomutt test with `access(F_OK)`, which follows symlinks: a FIFO or a
        // folder "exists" (and stops the search), a broken link or a loop does not.
        let exists = |looked: Option<&Looked>| {
            matches!(
                looked,
                Some(Looked::File { .. } | Looked::Dir)
                    | Some(Looked::Problem { kind: ProblemKind::Special(_), .. })
            )
        };
        let entries: Vec<&str> = orders
            .iter()
            .filter_map(|(files, _)| files.iter().find(|name| exists(looked.get(name.as_ref()))))
            .map(AsRef::as_ref)
            .collect();
        for &name in &candidates {
            let Some(Looked::File { key }) = looked.remove(name) else { continue };
            let role = if entries.contains(&name) { Role::Entry } else { Role::Candidate };
            let path = self.home.path.join(name);
            self.offer(&path, key, role);
        }
        self.versioned_files(&versioned);
    }

    /// `NAME-<VERSION>` files beside the search orders' names (see
    /// [`locations::is_versioned`]): candidates, as the version that will run is not known.
    /// Only the folders of the search orders are listed. A folder that cannot be listed was
    /// already reported when its files were looked for, so it is not reported again here.
    fn versioned_files(&mut self, searched: &[&str]) {
        let mut folders: Vec<(&str, Vec<&str>)> = Vec::new();
        for relative in searched {
            let (folder, base) = relative.rsplit_once('/').unwrap_or(("", relative));
            match folders.iter_mut().find(|(f, _)| *f == folder) {
                Some((_, bases)) => bases.push(base),
                None => folders.push((folder, vec![base])),
            }
        }
        for (folder, bases) in folders {
            let dir = self.home.path.join(folder);
            if !folder.is_empty() && !matches!(self.look_quiet(&dir), Looked::Dir) {
                continue;
            }
            for (name, _) in self.listings.list(&dir).0.iter() {
                let Some(name) = name.to_str() else { continue };
                if bases.iter().any(|base| locations::is_versioned(name, base)) {
                    let path = dir.join(name);
                    if let Looked::File { key } = self.look(&path) {
                        self.offer(&path, key, Role::Candidate);
                    }
                }
            }
        }
    }

    // ---- folders of files by extension ---------------------------------------------------

    /// The files of a folder with one of `extensions`, and of its subfolders down to `depth`
    /// levels. Symlinked subfolders are not entered, so a loop cannot be walked into.
    fn folder(&mut self, dir: &Path, depth: usize, extensions: &[Cow<'static, str>]) {
        let (entries, error) = self.listings.list(dir);
        if let Some(error) = error {
            self.problem(dir.to_path_buf(), ProblemKind::unreadable_folder(&error));
        }
        for &(ref name, file_type) in entries.iter() {
            if locations::has_extension(name, extensions) {
                let path = dir.join(name);
                if file_type.is_file() || file_type.is_symlink() {
                    if let Looked::File { key } = self.look(&path) {
                        self.offer(&path, key, Role::Entry);
                    }
                } else if !file_type.is_dir() {
                    self.problem(path, ProblemKind::Special(file_type.special()));
                }
            } else if depth > 1 && file_type.is_dir() {
                self.folder(&dir.join(name), depth - 1, extensions);
            }
        }
    }

    /// The files of a [`LocationKind::Matching`]: the folder's own files whose names match.
    fn matching(&mut self, dir: &Path, prefix: &str, suffix: &str) {
        let (entries, error) = self.listings.list(dir);
        if let Some(error) = error {
            self.problem(dir.to_path_buf(), ProblemKind::unreadable_folder(&error));
        }
        for &(ref name, file_type) in entries.iter() {
            if !name.to_str().is_some_and(|name| name_matches(name, prefix, suffix)) {
                continue;
            }
            let path = dir.join(name);
            if file_type.is_file() || file_type.is_symlink() {
                if let Looked::File { key } = self.look(&path) {
                    self.offer(&path, key, Role::Entry);
                }
            } else if !file_type.is_dir() {
                self.problem(path, ProblemKind::Special(file_type.special()));
            }
        }
    }
}

/// The paths a location names, relative to the home: what it looks up there.
fn location_paths(kind: &LocationKind) -> Vec<&str> {
    match kind {
        LocationKind::Profiles { root, .. } => vec![root.as_ref()],
        LocationKind::SearchOrder { files, .. } => files.iter().map(AsRef::as_ref).collect(),
        LocationKind::Folder { folder, .. } | LocationKind::Matching { folder, .. } => {
            vec![folder.as_ref()]
        }
    }
}

/// A [`LocationKind::Profiles`], borrowed.
struct Profiles<'a> {
    root: &'a Cow<'static, str>,
    index: &'a Cow<'static, str>,
    parents: &'a [Cow<'static, str>],
    files: &'a [Cow<'static, str>],
}

/// Re-roots an absolute path written on another machine onto `home`: what follows
/// `<Users|home|Documents and Settings>/<name>/` is joined to the home. Both separators are
/// accepted and the marker is compared without case (Windows paths).
pub fn rebase_onto_home(path: &str, home: &Path) -> Option<PathBuf> {
    let parts: Vec<&str> = path.split(['/', '\\']).filter(|part| !part.is_empty()).collect();
    let marker = parts.iter().position(|part| {
        part.eq_ignore_ascii_case("Users")
            || *part == "home"
            || part.eq_ignore_ascii_case("Documents and Settings")
    })?;
    let rest = parts.get(marker + 2..).filter(|rest| !rest.is_empty())?;
    let mut rebased = home.to_path_buf();
    rebased.extend(rest);
    Some(rebased)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rebase_takes_what_follows_the_user_folder() {
        let home = Path::new("/srv/share/bob");
        assert_eq!(
            rebase_onto_home(r"C:\Users\bob\AppData\Roaming\Thunderbird\Profiles\x.default", home),
            Some(PathBuf::from("/srv/share/bob/AppData/Roaming/Thunderbird/Profiles/x.default"))
        );
        assert_eq!(
            rebase_onto_home("/home/bob/.thunderbird/x", home),
            Some(PathBuf::from("/srv/share/bob/.thunderbird/x"))
        );
        assert_eq!(
            rebase_onto_home(r"C:\Documents and Settings\bob\Application Data\T", home),
            Some(PathBuf::from("/srv/share/bob/Application Data/T"))
        );
        assert_eq!(rebase_onto_home("/opt/profiles/x", home), None);
        assert_eq!(rebase_onto_home("/home/bob", home), None);
    }
}
