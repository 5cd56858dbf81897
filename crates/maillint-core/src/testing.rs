//! For the workspace's tests, not for production code: one rule for a test that needs
//! something this machine may lack (the shared corpus, a program such as neomutt).
//!
//! On a developer's machine such a test says `SKIPPED: <why>` on standard error and returns;
//! under CI (the `CI` environment variable set, as `.ci/run` does) it fails instead, so that
//! no test passes silently where it must run.

use std::path::{Path, PathBuf};

/// Reports that a test cannot run here: panics under CI, else prints `SKIPPED: {why}`.
#[allow(clippy::print_stderr)] // the loud notice is the point
pub fn skip(why: &str) {
    if std::env::var_os("CI").is_some() {
        panic!("CI must run this test, but {why}");
    }
    eprintln!("SKIPPED: {why}");
}

/// The shared corpus folder `part` (e.g. `muttrc`), which sits beside the repository
/// (`<repository>/../shared/corpus`); `manifest_dir` is the test crate's
/// `CARGO_MANIFEST_DIR`, whose repository is found by its `Cargo.lock`. `None` after
/// [`skip`] when the folder is absent.
pub fn corpus_dir(manifest_dir: &str, part: &str) -> Option<PathBuf> {
    let repository = Path::new(manifest_dir)
        .ancestors()
        .find(|dir| dir.join("Cargo.lock").is_file())
        .unwrap_or(Path::new(manifest_dir));
    let dir = repository.join("../shared/corpus").join(part);
    if dir.is_dir() {
        return Some(dir);
    }
    skip(&format!("the corpus folder {} is missing", dir.display()));
    None
}

#[cfg(test)]
mod tests {
    use std::panic::catch_unwind;

    use super::*;

    #[test]
    fn a_missing_corpus_skips_here_and_fails_under_ci() {
        let missing = || corpus_dir("/nonexistent/maillint/crates/x", "muttrc");
        if std::env::var_os("CI").is_some() {
            assert!(catch_unwind(missing).is_err(), "under CI a missing corpus must fail");
        } else {
            assert_eq!(missing(), None);
        }
        let here = corpus_dir(env!("CARGO_MANIFEST_DIR"), ".");
        if let Some(dir) = here {
            assert!(dir.ends_with("shared/corpus/."), "{}", dir.display());
        }
    }
}
