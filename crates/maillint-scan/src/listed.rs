//! Folder listings taken while one home is discovered, kept so that a folder is listed once,
//! and a name that is not in it is known to be missing (and a folder in it to be a folder)
//! without a system call.
//!
//! Discovery looks for a few dozen names per home (every client's locations: `~/.muttrc`,
//! `~/.mbsyncrc`, `~/Library/Thunderbird`, ...), and nearly all of them are missing: one
//! `lstat` each, most of the scan's system calls. The home (and each of its folders that
//! several locations go through, such as `~/.config`) is listed once instead, and a lookup
//! whose path leaves a listed folder through a name the listing does not hold is answered
//! "missing" from memory, and one that names a folder the listing holds as a folder (not a
//! symlink to one) is answered "a folder". Everything else is still looked at with
//! `lstat`/`stat` (see [`crate::fsx`]): a listing stands in for a look only where it says
//! exactly what the look would (a file's look also gives its device and inode, which a listing
//! does not have).
//!
//! A listing answers only when that is exactly what the look would have said:
//! - it was read completely, without an error, with the home owner's rights (discovery runs
//!   under [`ReadAs`](maillint_core::confine::ReadAs));
//! - the folder could be searched (`lstat` of `folder/.` succeeded), since a folder that can
//!   be read but not searched makes every look inside it fail with "permission denied", which
//!   is reported, not "missing";
//! - every entry's name is ASCII, and the name looked for matches none of them even ignoring
//!   ASCII case: on a case-insensitive or normalising file system (a Windows share, an ext4
//!   `casefold` folder, macOS) `APPDATA` or a non-ASCII name may be the same entry.
//!
//! A file created between the listing and the look is missed, as it would be when created
//! just after the look: a listing is a moment of the folder as the look is.

use std::cell::Cell;
use std::ffi::OsString;

use std::io;
use std::path::{Path, PathBuf};
use std::rc::Rc;

use crate::fsx::{self, EntryType, Looked};

/// A folder's entries (name and type, sorted by name), shared by everyone who asks.
pub(crate) type Entries = Rc<[(OsString, EntryType)]>;

/// The listings of one home.
///
/// A home has a handful of listed folders and discovery asks about a few hundred paths, so
/// they sit in a vector compared by bytes: hashing a `Path` walks its components, and the
/// walk up a path's ancestors hashed each of them (4% of a scan's time).
#[derive(Default)]
pub(crate) struct Listings {
    folders: Vec<(PathBuf, Listed)>,
}

struct Listed {
    entries: Entries,
    /// Every entry's name in ASCII lower case, sorted; `None` unless every name is ASCII.
    /// One binary search then answers "the same ignoring ASCII case", which compared the
    /// name with every entry in turn before (about 1,300 instructions a lookup, 5,000
    /// lookups per 100 homes of the bench tree).
    lowered: Option<Vec<Box<[u8]>>>,
    /// Whether the folder can be searched: asked the first time the listing could rule a
    /// name out (most listings never are asked, and cost no extra system call).
    searchable: Cell<Option<bool>>,
}

impl Listings {
    /// The entries of `dir`, listed once: a folder listed completely is not listed again. A
    /// listing that failed is not kept: the next caller lists again and sees the error too.
    pub(crate) fn list(&mut self, dir: &Path) -> (Entries, Option<io::Error>) {
        // Kept in normal form (`home/` is `home`: the home's own Outlook location names it so),
        // so that a folder is listed once however its path was written.
        let dir: PathBuf = dir.components().collect();
        let key = dir.as_os_str().as_encoded_bytes();
        if let Some((_, listed)) =
            self.folders.iter().find(|(folder, _)| folder.as_os_str().as_encoded_bytes() == key)
        {
            return (Rc::clone(&listed.entries), None);
        }
        let (entries, error) = fsx::list(&dir);
        let entries: Entries = entries.into();
        if error.is_none() {
            let listed = Listed {
                lowered: lowered_names(&entries),
                entries: Rc::clone(&entries),
                searchable: Cell::new(None),
            };
            // Kept longest first, so that `known_missing` stops at the first folder a path
            // leaves instead of comparing it with every folder for the longest.
            let at = self
                .folders
                .partition_point(|(folder, _)| folder.as_os_str().len() >= dir.as_os_str().len());
            self.folders.insert(at, (dir, listed));
        }
        (entries, error)
    }

    /// What a look at `path` would say, where a listing already says it: `Missing` when the
    /// nearest listed folder on its way rules the name it leaves through out, `Dir` when that
    /// folder is `path`'s parent and lists it as a folder. `None`: look.
    ///
    /// A listing's type of an entry is the entry's own (a symlink is listed as one), so a
    /// folder listed as a folder in a folder that can be searched is what `lstat` would have
    /// found a moment earlier: discovery looked at `.config`, `.mutt`, `.thunderbird`,
    /// `Documents` after listing the home that holds them (6 of a bench home's 27 `lstat`s).
    pub(crate) fn look(&self, path: &Path) -> Option<Looked> {
        let (folder, listed, rest) = self.nearest(path)?;
        let name = rest.split(|&b| std::path::is_separator(char::from(b))).next().unwrap_or(&[]);
        if name.is_empty() || name == b"." || name == b".." {
            return None; // not a plain name: `..` leaves the folder another way
        }
        let leaf = name.len() == rest.len();
        if leaf && listed.entry_type(name) == Some(EntryType::Dir) && listed.searchable(folder) {
            return Some(Looked::Dir);
        }
        // A name that is not UTF-8 may be any entry (see `may_hold`).
        let name = std::str::from_utf8(name).ok()?;
        let ruled_out = listed.lowered.as_ref().is_some_and(|lowered| !may_hold(lowered, name));
        (ruled_out && listed.searchable(folder)).then_some(Looked::Missing)
    }

    /// Whether `path` is certainly missing (see [`look`](Self::look)).
    #[cfg(test)]
    pub(crate) fn known_missing(&self, path: &Path) -> bool {
        matches!(self.look(path), Some(Looked::Missing))
    }

    /// The nearest listed folder `path` leaves, and the rest of `path` after its separator.
    ///
    /// Paths are compared as written (bytes), not as components: a path spelled another way
    /// (`a//b`, `a/./b`) finds no folder or no plain name and is looked at, which is always
    /// right since a listing only answers for plain names.
    fn nearest<'p>(&self, path: &'p Path) -> Option<(&Path, &Listed, &'p [u8])> {
        let bytes = path.as_os_str().as_encoded_bytes();
        // Longest first (see `list`): the first folder the path leaves is the nearest.
        self.folders.iter().find_map(|(folder, listed)| {
            let folder_bytes = folder.as_os_str().as_encoded_bytes();
            let separator = *bytes.get(folder_bytes.len())?;
            let leaves =
                std::path::is_separator(char::from(separator)) && bytes.starts_with(folder_bytes);
            leaves.then(|| (folder.as_path(), listed, &bytes[folder_bytes.len() + 1..]))
        })
    }
}

/// The names of `entries` in ASCII lower case, sorted; `None` when a name is not ASCII.
fn lowered_names(entries: &[(OsString, EntryType)]) -> Option<Vec<Box<[u8]>>> {
    let mut lowered = entries
        .iter()
        .map(|(name, _)| {
            let name = name.to_str().filter(|name| name.is_ascii())?;
            Some(name.as_bytes().to_ascii_lowercase().into_boxed_slice())
        })
        .collect::<Option<Vec<_>>>()?;
    lowered.sort_unstable();
    Some(lowered)
}

/// Whether `name` may be one of the entries whose [`lowered_names`] are `lowered`: the same
/// ignoring ASCII case (which includes the same bytes). A name that is not ASCII is none of
/// them: its other bytes would have to match exactly, and every entry is ASCII.
fn may_hold(lowered: &[Box<[u8]>], name: &str) -> bool {
    let name = name.as_bytes();
    let lower = || name.iter().map(u8::to_ascii_lowercase);
    lowered.binary_search_by(|entry| entry.iter().copied().cmp(lower())).is_ok()
}

impl Listed {
    /// The type of the entry called exactly `name`, if listed.
    fn entry_type(&self, name: &[u8]) -> Option<EntryType> {
        let at =
            self.entries.binary_search_by(|(entry, _)| entry.as_encoded_bytes().cmp(name)).ok()?;
        Some(self.entries[at].1)
    }

    /// Whether `folder` (this listing's) can be searched: resolving `folder/.` needs it.
    fn searchable(&self, folder: &Path) -> bool {
        // Through the entered home's handle when under it, as every look is (fsx::look).
        let searchable = self.searchable.get().unwrap_or_else(|| {
            !matches!(fsx::look(&folder.join(".")), Looked::Missing | Looked::Problem { .. })
        });
        self.searchable.set(Some(searchable));
        searchable
    }
}

#[cfg(test)]
mod tests {
    use std::fs;

    use super::*;

    fn listed(dir: &Path) -> Listings {
        let mut listings = Listings::default();
        assert!(listings.list(dir).1.is_none());
        listings
    }

    #[test]
    fn a_name_not_listed_is_missing_and_one_listed_is_looked_at() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir(dir.path().join(".config")).unwrap();
        fs::write(dir.path().join(".muttrc"), "").unwrap();
        let listings = listed(dir.path());
        assert!(listings.known_missing(&dir.path().join(".neomuttrc")));
        assert!(listings.known_missing(&dir.path().join(".mutt/muttrc")));
        assert!(!listings.known_missing(&dir.path().join(".muttrc")));
        // Inside a folder that was not listed itself: not known.
        assert!(!listings.known_missing(&dir.path().join(".config/mutt/muttrc")));
        assert!(!listings.known_missing(&dir.path().join("../elsewhere")));
        assert!(!listings.known_missing(dir.path()));
    }

    #[test]
    fn the_nearest_listing_decides_and_another_spelling_is_looked_at() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir_all(dir.path().join(".config/mutt")).unwrap();
        let mut listings = listed(dir.path());
        assert!(listings.list(&dir.path().join(".config")).1.is_none());
        assert!(listings.known_missing(&dir.path().join(".config/aerc/accounts.conf")));
        assert!(!listings.known_missing(&dir.path().join(".config/mutt/muttrc")));
        assert!(listings.known_missing(&dir.path().join(".muttrc")));
        // Spelled another way: no plain name follows a listed folder, so it is looked at.
        for odd in [".config//aerc", ".config/./aerc", "./.muttrc", ".config/../x"] {
            assert!(!listings.known_missing(&dir.path().join(odd)), "{odd}");
        }
        // A sibling whose name starts with a listed folder's name: the home's listing rules it out.
        assert!(listings.known_missing(&dir.path().join(".config-old/x")));
    }

    /// A folder the listing holds as a folder is one, as `lstat` says; a file, a symlink to a
    /// folder, a name in another case and a path below the listed folder's children are
    /// looked at.
    #[test]
    fn a_listed_folder_is_a_folder_and_everything_else_is_looked_at() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir_all(dir.path().join("Documents/IT")).unwrap();
        fs::create_dir(dir.path().join("Téléchargements")).unwrap();
        fs::write(dir.path().join(".muttrc"), "").unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink("Documents", dir.path().join("docs")).unwrap();
        let listings = listed(dir.path());
        for folder in ["Documents", "Téléchargements"] {
            let path = dir.path().join(folder);
            assert!(matches!(listings.look(&path), Some(Looked::Dir)), "{folder}");
            assert!(matches!(fsx::look(&path), Looked::Dir), "{folder}");
        }
        for other in [".muttrc", "docs", "documents", "Documents/IT", "Documents/", "./Documents"] {
            assert!(listings.look(&dir.path().join(other)).is_none(), "{other}");
        }
        assert!(listings.look(dir.path()).is_none());
    }

    #[test]
    fn a_name_in_another_case_or_a_non_ascii_listing_is_not_ruled_out() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir(dir.path().join("APPDATA")).unwrap();
        let listings = listed(dir.path());
        assert!(!listings.known_missing(&dir.path().join("AppData/Roaming/Thunderbird")));
        assert!(listings.known_missing(&dir.path().join("Library/Thunderbird")));

        fs::create_dir(dir.path().join("Téléchargements")).unwrap();
        let listings = listed(dir.path());
        assert!(!listings.known_missing(&dir.path().join("Library/Thunderbird")));
    }

    /// The sorted lower-case search answers as the comparison with every entry did.
    #[test]
    fn may_hold_is_the_same_ignoring_ascii_case() {
        let names = [".config", ".Mutt", "APPDATA", "Mail", "mail", ".muttrc", "a", "Z", "z_"];
        let entries: Vec<(OsString, EntryType)> =
            names.iter().map(|name| (OsString::from(name), EntryType::File)).collect();
        let lowered = lowered_names(&entries).unwrap();
        let asked = [
            ".config", ".CONFIG", ".mutt", ".MUTT", "appdata", "AppData", "mail", "MAIL",
            ".muttrc", ".muttr", ".muttrcx", "A", "b", "", "z", "Z_", "z-", "Ａ", "mäil",
            ".config/",
        ];
        for name in asked {
            let by_comparison = entries.iter().any(|(entry, _)| {
                entry.to_str().is_none_or(|entry| entry.eq_ignore_ascii_case(name))
            });
            assert_eq!(may_hold(&lowered, name), by_comparison, "{name}");
        }
        let non_ascii = [(OsString::from("Téléchargements"), entries[0].1)];
        assert!(lowered_names(&non_ascii).is_none());
    }

    #[test]
    fn a_folder_is_listed_once_and_a_failed_listing_is_not_kept() {
        let dir = tempfile::tempdir().unwrap();
        let mut listings = Listings::default();
        assert!(listings.list(dir.path()).0.is_empty());
        fs::write(dir.path().join("later"), "").unwrap();
        assert!(listings.list(dir.path()).0.is_empty(), "the first listing is kept");
        let spelled_with_a_slash = dir.path().join("");
        assert!(listings.list(&spelled_with_a_slash).0.is_empty(), "`dir/` is `dir`");

        let gone = dir.path().join("gone");
        assert!(listings.list(&gone).1.is_some());
        fs::create_dir(&gone).unwrap();
        fs::write(gone.join("f"), "").unwrap();
        assert_eq!(listings.list(&gone).0.len(), 1, "a failed listing is taken again");
    }

    /// A folder its owner may read but not search (`r--`): every look inside it fails with
    /// "permission denied", which discovery reports, so its listing must not answer
    /// "missing". Root searches every folder, so the check runs as `nobody`.
    #[cfg(target_os = "linux")]
    #[test]
    fn a_folder_that_cannot_be_searched_rules_nothing_out() {
        use maillint_core::confine::{Owner, ReadAs};
        use std::os::unix::fs::PermissionsExt;
        if !maillint_core::confine::running_as_root() {
            return maillint_core::testing::skip("reading as nobody needs root");
        }
        let dir = tempfile::tempdir().unwrap();
        fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o755)).unwrap();
        let home = dir.path().join("home");
        fs::create_dir(&home).unwrap();
        fs::write(home.join(".muttrc"), "").unwrap();
        fs::set_permissions(&home, fs::Permissions::from_mode(0o444)).unwrap();
        let nobody = Owner::of_uid(65534, 65534);
        let _as_nobody = ReadAs::enter(Some(&nobody)).unwrap();
        let mut listings = Listings::default();
        let (entries, error) = listings.list(&home);
        assert!(error.is_none() && entries.len() == 1, "{error:?}");
        assert!(!listings.known_missing(&home.join(".neomuttrc")));
        assert!(matches!(fsx::look(&home.join(".neomuttrc")), fsx::Looked::Problem { .. }));
        // Nor does it say a folder it lists is one: looking at it fails too.
        drop(_as_nobody);
        fs::set_permissions(&home, fs::Permissions::from_mode(0o755)).unwrap();
        fs::create_dir(home.join(".mutt")).unwrap();
        fs::set_permissions(&home, fs::Permissions::from_mode(0o444)).unwrap();
        let _as_nobody = ReadAs::enter(Some(&nobody)).unwrap();
        let mut listings = Listings::default();
        assert!(listings.list(&home).1.is_none());
        assert!(listings.look(&home.join(".mutt")).is_none());
        assert!(matches!(fsx::look(&home.join(".mutt")), fsx::Looked::Problem { .. }));
    }
}
