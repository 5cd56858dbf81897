//! What a walk already knows about the files it found, so that later stages need not ask the
//! file system again.
//!
//! A walk lists every folder on its way down and, as root, decides whose rights each file is
//! read with ([`Owner::of_config_file`](maillint_core::confine::Owner::of_config_file)'s rule,
//! from its handles). Both used to be asked again per unit, by path: `check` of 2,000 homes
//! made 36,000 `stat`s on the main thread before the lint stage (the configuration file looked
//! for in each folder above a unit, and the unit's own file), while both cores waited for it.
//! The walk now hands its answers on with each unit ([`Walked`]) and in [`Discovery`]. The
//! read stage takes a user the walk found as the owner; a file the walk found to be root's is
//! decided again by its path (see [`read_root`](crate::read::read_root)).
//!
//! What is known is only what was seen: a folder whose listing failed part way, or held a
//! noted name (the entry might be a folder, a dangling link), is marked unsure and looked into
//! again; a file named on the command line has no [`Walked`] and is judged by its path.

use std::path::{Path, PathBuf};

use super::{Discovery, DiscoveryError};

/// What the walk knew of a unit's root file when it met it in a folder's listing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Walked {
    /// The folder the walk started from: an index into [`Discovery::walk_roots`]. Every folder
    /// from that root down to the file's own was listed on the way.
    pub root: usize,
    /// Whose rights the file is read with, decided as
    /// [`Owner::of_config_file`](maillint_core::confine::Owner::of_config_file) decides it for
    /// a path, from the file's entry and the handles of the folders above it: `None` for the
    /// runner's own rights, else the uid and gid of the owner.
    pub owner: Option<(u32, u32)>,
}

/// What one walk returns besides the units.
#[derive(Debug, Default)]
pub(super) struct WalkOutcome {
    /// Files looked at.
    pub seen: usize,
    /// Problems met, reported and never fatal.
    pub errors: Vec<DiscoveryError>,
    /// Folders (as the walk named them, under their root) whose listing held a noted name or
    /// failed part way.
    pub unsure: Vec<PathBuf>,
}

impl Discovery {
    /// Whether the walk listed `folder` in full and met none of the
    /// [noted names](super::DiscoverOptions::noted_names) there, for a folder above the root
    /// file of a unit the walk found (`walked`). `folder` must be absolute and in normal form
    /// (no `.` or `..`, no doubled or trailing separator) and an ancestor of the unit's root
    /// file: those at or below the walk root are the folders the walk went through to it. Any
    /// other folder, and a root the walk could not make absolute, answers `false`: look.
    pub fn listed_without_noted(&self, walked: &Walked, folder: &Path) -> bool {
        let Some(Some(root)) = self.walk_roots.get(walked.root) else { return false };
        is_at_or_below(folder, root) && !self.unsure_folders.contains(folder)
    }
}

/// Whether `path` is `root` or a path below it, comparing bytes (both in the same form).
fn is_at_or_below(path: &Path, root: &Path) -> bool {
    let (path, root) = (path.as_os_str().as_encoded_bytes(), root.as_os_str().as_encoded_bytes());
    match path.strip_prefix(root) {
        Some(rest) => rest.is_empty() || rest[0] == b'/' || root.ends_with(b"/"),
        None => false,
    }
}

/// A walk root as [`std::path::absolute`] makes it, without a trailing separator. A root
/// with a `..` keeps it (it is not resolved), so that no folder in normal form is ever at or
/// below it: its folders are looked into.
pub(super) fn absolute_root(root: &Path) -> Option<PathBuf> {
    // Collecting the components drops a trailing separator and keeps `..`.
    Some(std::path::absolute(root).ok()?.components().collect())
}

/// The walk's unsure folders, named under their root as given (`roots`), made absolute under
/// the same root's [`absolute_root`] (`absolute_roots`, in the same order). A folder under no
/// root, or under one that cannot be made absolute, is left out: no folder is then taken as
/// listed under that root.
pub(super) fn absolute_folders(
    roots: &[PathBuf],
    absolute_roots: &[Option<PathBuf>],
    folders: Vec<PathBuf>,
) -> std::collections::HashSet<PathBuf> {
    let mut absolute = std::collections::HashSet::new();
    for folder in folders {
        let under = roots.iter().zip(absolute_roots).find_map(|(given, absolute)| {
            Some((folder.strip_prefix(given).ok()?, absolute.as_ref()?))
        });
        if let Some((below, root)) = under {
            absolute.insert(if below.as_os_str().is_empty() {
                root.clone()
            } else {
                root.join(below)
            });
        }
    }
    absolute
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folder_is_at_or_below_a_root_by_whole_components_only() {
        let root = Path::new("/home/ann");
        for (path, expected) in [
            ("/home/ann", true),
            ("/home/ann/.mutt", true),
            ("/home/annex", false),
            ("/home", false),
            ("/srv/home/ann", false),
        ] {
            assert_eq!(is_at_or_below(Path::new(path), root), expected, "{path}");
        }
        assert!(is_at_or_below(Path::new("/home"), Path::new("/")));
    }

    #[cfg(unix)]
    #[test]
    fn roots_are_made_absolute_without_a_trailing_separator_and_keep_dot_dot() {
        let cwd = std::env::current_dir().unwrap();
        assert_eq!(absolute_root(Path::new("/srv/homes/")), Some(PathBuf::from("/srv/homes")));
        assert_eq!(absolute_root(Path::new("/")), Some(PathBuf::from("/")));
        assert_eq!(absolute_root(Path::new("x/")), Some(cwd.join("x")));
        let with_dot_dot = absolute_root(Path::new("/a/../b")).unwrap();
        assert!(!is_at_or_below(Path::new("/b/c"), &with_dot_dot), "{}", with_dot_dot.display());
    }

    #[cfg(unix)]
    #[test]
    fn unsure_folders_are_named_under_their_absolute_root() {
        let roots = [PathBuf::from("/srv/homes/"), PathBuf::from("/other")];
        let folders = vec![
            PathBuf::from("/srv/homes/ann/.mutt"),
            PathBuf::from("/srv/homes/"),
            PathBuf::from("/elsewhere/x"),
        ];
        let absolute_roots: Vec<_> = roots.iter().map(|root| absolute_root(root)).collect();
        let absolute = absolute_folders(&roots, &absolute_roots, folders);
        let expected = ["/srv/homes/ann/.mutt", "/srv/homes"].map(PathBuf::from);
        assert_eq!(absolute, expected.into_iter().collect());
    }

    #[test]
    fn only_folders_the_walk_went_through_in_full_are_known() {
        let discovery = Discovery {
            walk_roots: vec![Some(PathBuf::from("/srv/homes")), None],
            unsure_folders: [PathBuf::from("/srv/homes/ann")].into_iter().collect(),
            ..Discovery::default()
        };
        let walked = |root| Walked { root, owner: None };
        let listed =
            |root, folder: &str| discovery.listed_without_noted(&walked(root), Path::new(folder));
        assert!(listed(0, "/srv/homes/bob/.mutt"));
        assert!(listed(0, "/srv/homes"));
        assert!(!listed(0, "/srv/homes/ann"), "unsure");
        assert!(!listed(0, "/srv"), "above the root");
        assert!(!listed(1, "/srv/homes/bob"), "a root that could not be made absolute");
        assert!(!listed(2, "/srv/homes/bob"), "no such root");
    }
}
