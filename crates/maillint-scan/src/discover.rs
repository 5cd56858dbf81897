//! Discovery inside one home: the known locations of each client (see [`locations`]), turned
//! into units through the parser registry.
//!
//! Every candidate file is looked at before it is opened (see [`fsx`]), opened once, and its
//! first bytes are offered to [`ParserRegistry::detect`]; the parser's
//! [`unit_root`](maillint_core::Parser::unit_root) says which file roots the unit. The bytes
//! read are kept, so the linter does not read the file a second time. A file reached by two
//! paths (a symlinked `.muttrc`, a profile named both relatively and absolutely) becomes one
//! unit.
//!
//! [`locations`]: crate::locations

use std::collections::{BTreeSet, HashMap};
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use maillint_core::FileIdentity;
use maillint_core::confine::{self, Owner, ReadAs};
use maillint_core::{Client, Parser, ParserRegistry};
use maillint_engine::Unit;
use maillint_engine::discover::HEAD_LEN;

use crate::fsx::{self, FileKey, Looked};
use crate::home::Home;
use crate::locations::{
    self, MUTT_SEARCH_ORDER, NEOMUTT_SEARCH_ORDER, OUTLOOK_EXTENSIONS, OUTLOOK_FOLDERS,
    THUNDERBIRD_PREFS, THUNDERBIRD_PROFILE_PARENTS, THUNDERBIRD_ROOTS, THUNDERBIRD_USER_PREFS,
};
use crate::problem::{Problem, ProblemKind};
use crate::profiles_ini::{IniFile, ProfileEntry, Profiles};

/// Options for discovery.
#[derive(Clone, Debug)]
pub struct ScanOptions {
    /// Files larger than this are not read (and are reported): no mail configuration is that
    /// large, and a scan must not stall on a multi-gigabyte file that happens to end in `.reg`.
    pub max_file_size: u64,
    /// How many homes are processed between two points where output is written in order.
    /// Memory holds at most about this many homes' results at once.
    pub chunk_size: usize,
}

impl Default for ScanOptions {
    fn default() -> Self {
        Self { max_file_size: 32 * 1024 * 1024, chunk_size: 256 }
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
}

/// Finds the units in `home`, reading with the rights of the home's owner (see
/// [`home_owner`]): what they could not read is reported, never read.
pub fn discover_home(home: &Home, parsers: &ParserRegistry, options: &ScanOptions) -> HomeScan {
    let owner = home_owner(&home.path);
    let mut ctx = Ctx {
        home,
        parsers,
        options,
        owner: owner.as_ref(),
        units: Vec::new(),
        seen: HashMap::new(),
        offered: HashMap::new(),
        problems: BTreeSet::new(),
        files_read: 0,
    };
    match ReadAs::enter(owner.as_ref()) {
        Ok(_as_owner) => {
            if let Looked::Dir = ctx.look(&home.path) {
                ctx.thunderbird();
                ctx.mutt();
                ctx.outlook();
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
    units: Vec<ScanUnit>,
    /// Index into `units` by (file, parser): one unit per file and format.
    seen: HashMap<(FileKey, &'static str), usize>,
    /// Files already offered to the parsers, and the unit each became (if any).
    offered: HashMap<FileKey, Option<usize>>,
    problems: BTreeSet<Problem>,
    files_read: usize,
}

impl Ctx<'_> {
    fn problem(&mut self, path: PathBuf, kind: ProblemKind) {
        self.problems.insert(Problem { user: self.home.user.clone(), path, kind });
    }

    /// Looks at a path and records a problem when it is one.
    fn look(&mut self, path: &Path) -> Looked {
        let looked = fsx::look(path);
        if let Looked::Problem { at, kind } = &looked {
            self.problem(at.clone(), kind.clone());
        }
        looked
    }

    /// Reads a whole small file (`profiles.ini`).
    fn read_whole(&mut self, path: &Path) -> Option<(Vec<u8>, FileIdentity)> {
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
        self.files_read += 1;
        let mut bytes = Vec::with_capacity(len as usize);
        match fsx::read_up_to(&mut file, &mut bytes, self.options.max_file_size as usize) {
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
        let (mut file, identity) = match fsx::open_regular(path, self.owner) {
            Ok(opened) => opened,
            Err(kind) => return self.problem(path.to_path_buf(), kind),
        };
        let len = identity.size;
        self.files_read += 1;
        let mut bytes = Vec::with_capacity((len as usize).min(HEAD_LEN));
        if let Err(error) = fsx::read_up_to(&mut file, &mut bytes, HEAD_LEN) {
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
            if let Err(error) = fsx::read_up_to(&mut file, &mut bytes, len as usize) {
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
            unit: Unit { root, parser },
            user: self.home.user.clone(),
            client,
            role,
            key,
            identity: content.as_ref().map(|(_, identity)| *identity),
            content: content.map(|(bytes, _)| bytes),
        });
        Some(index)
    }

    // ---- Thunderbird -------------------------------------------------------------------

    fn thunderbird(&mut self) {
        for relative in THUNDERBIRD_ROOTS {
            let root = self.home.path.join(relative);
            if !matches!(self.look(&root), Looked::Dir) {
                continue;
            }
            let ini_path = root.join("profiles.ini");
            let from_ini = match self.look(&ini_path) {
                Looked::File { .. } => self.read_whole(&ini_path).map(|(bytes, _)| bytes),
                _ => None,
            };
            match from_ini {
                Some(bytes) => {
                    for (section, dir) in self.profiles_from_ini(&root, &ini_path, &bytes) {
                        self.profile(&dir, Some(&section));
                    }
                }
                // No usable profiles.ini: every folder with a prefs.js is a profile.
                None => {
                    for dir in self.profile_folders(&root) {
                        self.profile(&dir, None);
                    }
                }
            }
        }
    }

    fn profiles_from_ini(
        &mut self,
        root: &Path,
        ini_path: &Path,
        bytes: &[u8],
    ) -> Vec<(String, PathBuf)> {
        let profiles = Profiles::of(&IniFile::parse(bytes));
        for (section, missing) in profiles.skipped {
            self.problem(
                ini_path.to_path_buf(),
                ProblemKind::ProfileSectionSkipped { section, missing },
            );
        }
        if let Some((gap, hidden)) = profiles.hidden {
            self.problem(ini_path.to_path_buf(), ProblemKind::ProfilesHidden { gap, hidden });
        }
        profiles
            .entries
            .into_iter()
            .map(|entry| {
                let dir = self.resolve_profile(root, &entry);
                (entry.section, dir)
            })
            .collect()
    }

    /// The folder a `[ProfileN]` names (thunderbird.md 7.3). A relative `Path` is joined to
    /// the folder holding `profiles.ini`, split on `/` (and on `\`, which Windows also
    /// accepts). An absolute `Path` names a folder on the machine that wrote it: when the home
    /// is a copy (a Windows profile on a share, a backup of `/home`), the same folder inside
    /// the scanned home is preferred, found by re-rooting what follows `Users\<name>\`,
    /// `home/<name>/` or `Documents and Settings\<name>\` onto the home.
    ///
    /// A folder outside the home (absolute, `..`, a symlink) is followed as Thunderbird
    /// would, but its files are read only when they belong to the home's owner (or root):
    /// another user's `prefs.js` is refused when it is opened, never attributed to this user
    /// (`docs/security.md`).
    fn resolve_profile(&mut self, root: &Path, entry: &ProfileEntry) -> PathBuf {
        if entry.is_relative {
            let mut dir = root.to_path_buf();
            dir.extend(entry.path.split(['/', '\\']).filter(|part| !part.is_empty()));
            return dir;
        }
        let native = PathBuf::from(&entry.path);
        if native.is_absolute() && native.starts_with(&self.home.path) {
            return native;
        }
        if let Some(rebased) = rebase_onto_home(&entry.path, &self.home.path)
            && matches!(fsx::look(&rebased), Looked::Dir)
        {
            return rebased;
        }
        native
    }

    /// Profile folders under a Thunderbird root found without `profiles.ini`: direct
    /// subfolders of the root and of its `Profiles/` that hold a `prefs.js`.
    fn profile_folders(&mut self, root: &Path) -> Vec<PathBuf> {
        let mut found = Vec::new();
        for parent in THUNDERBIRD_PROFILE_PARENTS {
            let dir = root.join(parent);
            if !parent.is_empty() && !matches!(self.look(&dir), Looked::Dir) {
                continue;
            }
            let (entries, error) = fsx::list(&dir);
            if let Some(error) = error {
                self.problem(dir.clone(), ProblemKind::unreadable_folder(&error));
            }
            for (name, file_type) in entries {
                let candidate = dir.join(&name);
                let is_dir = file_type.is_dir()
                    || (file_type.is_symlink() && matches!(self.look(&candidate), Looked::Dir));
                if is_dir
                    && matches!(fsx::look(&candidate.join(THUNDERBIRD_PREFS)), Looked::File { .. })
                {
                    found.push(candidate);
                }
            }
        }
        found
    }

    fn profile(&mut self, dir: &Path, section: Option<&str>) {
        match self.look(dir) {
            Looked::Dir => {}
            Looked::Missing => {
                if let Some(section) = section {
                    self.problem(
                        dir.to_path_buf(),
                        ProblemKind::MissingProfile { section: section.to_owned() },
                    );
                }
                return;
            }
            Looked::File { .. } | Looked::Problem { .. } => return,
        }
        let prefs = dir.join(THUNDERBIRD_PREFS);
        match self.look(&prefs) {
            Looked::File { key } => self.offer(&prefs, key, Role::Entry),
            Looked::Missing => {
                let user = dir.join(THUNDERBIRD_USER_PREFS);
                if let Looked::File { key } = self.look(&user) {
                    self.offer(&user, key, Role::Entry);
                }
            }
            Looked::Dir | Looked::Problem { .. } => {}
        }
    }

    // ---- mutt and neomutt --------------------------------------------------------------

    fn mutt(&mut self) {
        let mut candidates: Vec<&str> = NEOMUTT_SEARCH_ORDER.to_vec();
        for name in MUTT_SEARCH_ORDER {
            if !candidates.contains(name) {
                candidates.push(name);
            }
        }
        let mut looked: HashMap<&str, Looked> = HashMap::new();
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
        let mutt_entry = MUTT_SEARCH_ORDER.iter().find(|name| exists(looked.get(*name)));
        let neomutt_entry = NEOMUTT_SEARCH_ORDER.iter().find(|name| exists(looked.get(*name)));
        for &name in &candidates {
            let Some(Looked::File { key }) = looked.remove(name) else { continue };
            let role = if Some(&name) == mutt_entry || Some(&name) == neomutt_entry {
                Role::Entry
            } else {
                Role::Candidate
            };
            let path = self.home.path.join(name);
            self.offer(&path, key, role);
        }
        self.versioned_muttrcs(&candidates);
    }

    /// `muttrc-<VERSION>` files beside the search orders' names (see
    /// [`locations::is_versioned`]): candidates, as the version that will run is not known.
    /// Only the folders of the search orders are listed. A folder that cannot be listed was
    /// already reported when its muttrc was looked for, so it is not reported again here.
    fn versioned_muttrcs(&mut self, searched: &[&str]) {
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
            if !folder.is_empty() && !matches!(fsx::look(&dir), Looked::Dir) {
                continue;
            }
            for (name, _) in fsx::list(&dir).0 {
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

    // ---- Outlook -----------------------------------------------------------------------

    fn outlook(&mut self) {
        for &(relative, depth) in OUTLOOK_FOLDERS {
            let dir = self.home.path.join(relative);
            if !relative.is_empty() && !matches!(self.look(&dir), Looked::Dir) {
                continue;
            }
            self.outlook_folder(&dir, depth);
        }
    }

    /// The `.prf` and `.reg` files of a folder, and of its subfolders down to `depth` levels.
    /// Symlinked subfolders are not entered, so a loop cannot be walked into.
    fn outlook_folder(&mut self, dir: &Path, depth: usize) {
        let (entries, error) = fsx::list(dir);
        if let Some(error) = error {
            self.problem(dir.to_path_buf(), ProblemKind::unreadable_folder(&error));
        }
        for (name, file_type) in entries {
            let path = dir.join(&name);
            if has_outlook_extension(&name) {
                if file_type.is_file() || file_type.is_symlink() {
                    if let Looked::File { key } = self.look(&path) {
                        self.offer(&path, key, Role::Entry);
                    }
                } else if !file_type.is_dir() {
                    self.problem(path, ProblemKind::Special(fsx::special(file_type)));
                }
            } else if depth > 1 && file_type.is_dir() {
                self.outlook_folder(&path, depth - 1);
            }
        }
    }
}

fn has_outlook_extension(name: &OsStr) -> bool {
    Path::new(name).extension().and_then(OsStr::to_str).is_some_and(|extension| {
        OUTLOOK_EXTENSIONS.iter().any(|wanted| extension.eq_ignore_ascii_case(wanted))
    })
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

    #[test]
    fn outlook_extensions_ignore_case() {
        assert!(has_outlook_extension(OsStr::new("OUTLOOK.PRF")));
        assert!(has_outlook_extension(OsStr::new("mail.reg")));
        assert!(!has_outlook_extension(OsStr::new("prf")));
        assert!(!has_outlook_extension(OsStr::new("notes.txt")));
    }
}
