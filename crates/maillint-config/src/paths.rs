//! Glob patterns for `exclude`, `extend-exclude` and `per-file-ignores`, matched as ruff
//! matches its own (`docs/configuration.md`):
//!
//! * a pattern without `/` (`backup`, `*.bak.prf`) matches a file or folder name anywhere below
//!   the project root;
//! * a pattern with `/` (`legacy/*.prf`, `profiles/**/user.js`) is relative to the folder that
//!   holds the configuration file.
//!
//! `*` and `?` never cross a `/`; `**` does. A folder that matches excludes everything in it, so
//! a path matches when it or any of its parent folders (below the root) does.

use std::path::{Component, Path, PathBuf};

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};

/// A compiled set of patterns.
#[derive(Clone, Debug)]
pub struct PathMatcher {
    root: PathBuf,
    patterns: Vec<String>,
    names: GlobSet,
    paths: GlobSet,
    empty: bool,
}

/// A pattern that is not a valid glob.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BadGlob {
    /// Index of the pattern in the list given to [`PathMatcher::new`].
    pub index: usize,
    /// What is wrong with it.
    pub message: String,
}

impl PathMatcher {
    /// A matcher that matches nothing.
    pub fn empty(root: &Path) -> Self {
        Self {
            root: normalize(root),
            patterns: Vec::new(),
            names: GlobSet::empty(),
            paths: GlobSet::empty(),
            empty: true,
        }
    }

    /// Compiles `patterns` relative to `root` (an absolute folder).
    pub fn new<'a>(
        root: &Path,
        patterns: impl IntoIterator<Item = &'a str>,
    ) -> Result<Self, BadGlob> {
        let root = normalize(root);
        let mut names = GlobSetBuilder::new();
        let mut paths = GlobSetBuilder::new();
        let mut empty = true;
        let mut texts = Vec::new();
        for (index, pattern) in patterns.into_iter().enumerate() {
            let pattern = pattern.trim();
            texts.push(pattern.to_owned());
            let bad = |e: globset::Error| BadGlob { index, message: e.kind().to_string() };
            if pattern.is_empty() {
                return Err(BadGlob { index, message: "empty pattern".into() });
            }
            empty = false;
            let relative = pattern.trim_start_matches("./").trim_end_matches('/');
            if !relative.contains('/') {
                names.add(glob(relative).map_err(bad)?);
            }
            // The root is a literal prefix: escape it so a folder named `[x]` stays literal.
            let root_text = globset::escape(&root.to_string_lossy());
            let joined = format!("{}/{}", root_text.trim_end_matches('/'), relative);
            paths.add(glob(&joined).map_err(bad)?);
        }
        let build = |builder: GlobSetBuilder| {
            builder.build().map_err(|e| BadGlob { index: 0, message: e.kind().to_string() })
        };
        Ok(Self { root, patterns: texts, names: build(names)?, paths: build(paths)?, empty })
    }

    /// The patterns, as written.
    pub fn patterns(&self) -> &[String] {
        &self.patterns
    }

    /// The folder patterns are relative to.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Whether `path` (absolute, or relative to the current folder) or one of its parent
    /// folders below the root matches.
    pub fn is_match(&self, path: &Path) -> bool {
        if self.empty {
            return false;
        }
        let path = absolute(path);
        let inside_root = path.starts_with(&self.root);
        let mut current: Option<&Path> = Some(&path);
        while let Some(candidate) = current {
            if candidate == self.root {
                break;
            }
            if self.paths.is_match(candidate) {
                return true;
            }
            if let Some(name) = candidate.file_name()
                && self.names.is_match(Path::new(name))
            {
                return true;
            }
            // Outside the project only the path itself is matched: the folders above it are
            // not the project's to exclude.
            if !inside_root {
                break;
            }
            current = candidate.parent();
        }
        false
    }
}

fn glob(pattern: &str) -> Result<globset::Glob, globset::Error> {
    GlobBuilder::new(pattern).literal_separator(true).build()
}

/// The absolute form of `path` with `.` and `..` resolved lexically (no file system access, so
/// it works for paths that do not exist and never follows links).
pub fn absolute(path: &Path) -> PathBuf {
    let joined = if path.is_absolute() {
        path.to_path_buf()
    } else {
        match std::env::current_dir() {
            Ok(dir) => dir.join(path),
            Err(_) => path.to_path_buf(),
        }
    };
    normalize(&joined)
}

/// `.` and `..` resolved lexically.
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matcher(patterns: &[&str]) -> PathMatcher {
        PathMatcher::new(Path::new("/project"), patterns.iter().copied()).unwrap()
    }

    #[test]
    fn names_match_anywhere_and_paths_from_the_root() {
        let m = matcher(&["backup", "*.old.prf", "legacy/*.reg"]);
        assert!(m.is_match(Path::new("/project/a/backup/muttrc")));
        assert!(m.is_match(Path::new("/project/backup")));
        assert!(m.is_match(Path::new("/project/x/outlook.old.prf")));
        assert!(m.is_match(Path::new("/project/legacy/a.reg")));
        assert!(!m.is_match(Path::new("/project/legacy/sub/a.reg")), "* does not cross /");
        assert!(!m.is_match(Path::new("/project/other/legacy/a.reg")));
        assert!(!m.is_match(Path::new("/project/muttrc")));
        // The root's own name never matches: it is not below the root.
        let m = matcher(&["project"]);
        assert!(!m.is_match(Path::new("/project/muttrc")));
    }

    #[test]
    fn double_star_crosses_folders_and_dot_segments_are_resolved() {
        let m = matcher(&["profiles/**/user.js"]);
        assert!(m.is_match(Path::new("/project/profiles/a/b/user.js")));
        assert!(m.is_match(Path::new("/project/x/../profiles/a/user.js")));
        assert!(!m.is_match(Path::new("/project/user.js")));
    }

    #[test]
    fn bad_globs_name_their_index() {
        let err = PathMatcher::new(Path::new("/p"), ["ok", "a[b"]).unwrap_err();
        assert_eq!(err.index, 1);
        assert!(err.message.contains("unclosed"), "{}", err.message);
    }

    #[test]
    fn a_root_with_glob_characters_stays_literal() {
        let m = PathMatcher::new(Path::new("/we[ir]d"), ["a/*.prf"]).unwrap();
        assert!(m.is_match(Path::new("/we[ir]d/a/x.prf")));
        assert!(!m.is_match(Path::new("/wed/a/x.prf")));
    }
}
