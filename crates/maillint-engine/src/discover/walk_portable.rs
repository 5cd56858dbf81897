//! The folder walk where there are no Unix folder handles: the `ignore` crate's parallel walk,
//! each file offered to the parsers by [`detect_file`].

use std::io;
use std::path::PathBuf;
use std::sync::Mutex;

use maillint_core::ParserRegistry;

use super::walked::WalkOutcome;
use super::{
    DiscoverOptions, DiscoveryError, DiscoveryErrorKind, Found, SKIPPED_DIRS, detect_file,
    detected, foreign, insert,
};

pub(super) fn walk(
    roots: &[PathBuf],
    parsers: &ParserRegistry,
    options: &DiscoverOptions,
    found: &Found,
) -> WalkOutcome {
    let mut builder = ignore::WalkBuilder::new(&roots[0]);
    for root in &roots[1..] {
        builder.add(root);
    }
    // Mail configuration lives in hidden files (.muttrc, .thunderbird) and is often listed in
    // .gitignore (it holds passwords): look everywhere, skip only known bulk folders.
    builder.standard_filters(false).follow_links(false).threads(options.threads).filter_entry(
        |entry| {
            !(entry.file_type().is_some_and(|t| t.is_dir())
                && entry.depth() > 0
                && entry.file_name().to_str().is_some_and(|n| SKIPPED_DIRS.contains(&n)))
        },
    );
    let seen = std::sync::atomic::AtomicUsize::new(0);
    let errors = Mutex::new(Vec::new());
    builder.build_parallel().run(|| {
        Box::new(|result| {
            match result {
                Ok(entry) => {
                    if entry.file_type().is_some_and(|t| t.is_file()) {
                        seen.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        // A file of another format is offered by its name only (see `foreign`).
                        let name = entry.file_name().as_encoded_bytes();
                        let found = if foreign::names_another_format(name) {
                            Ok(detected(entry.path(), b"", parsers, None))
                        } else {
                            detect_file(entry.path(), parsers)
                        };
                        match found {
                            Ok(Some(unit)) => insert(found, unit),
                            Ok(None) => {}
                            Err(e) => errors.lock().unwrap_or_else(|e| e.into_inner()).push(
                                DiscoveryError {
                                    path: entry.path().to_path_buf(),
                                    kind: DiscoveryErrorKind::Io(e),
                                },
                            ),
                        }
                    }
                }
                Err(err) => {
                    let path = error_path(&err).unwrap_or_default();
                    let io = err.into_io_error().unwrap_or_else(|| io::Error::other("walk error"));
                    errors
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .push(DiscoveryError { path, kind: DiscoveryErrorKind::Io(io) });
                }
            }
            ignore::WalkState::Continue
        })
    });
    // Nothing is known of the folders: `check` looks into each again.
    WalkOutcome {
        seen: seen.into_inner(),
        errors: errors.into_inner().unwrap_or_else(|e| e.into_inner()),
        unsure: Vec::new(),
    }
}

fn error_path(err: &ignore::Error) -> Option<PathBuf> {
    match err {
        ignore::Error::WithPath { path, .. } => Some(path.clone()),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            error_path(err)
        }
        ignore::Error::Loop { child, .. } => Some(child.clone()),
        _ => None,
    }
}
