//! Every real-world mbsyncrc of the shared corpus parses without a panic and without a wrong
//! error, and what maillint makes of it (diagnostics with line:column, accounts, endpoints
//! with the origin of every value) is pinned in a reviewed snapshot.
//!
//! The corpus is read from `../shared/corpus/mbsyncrc`; when it is absent the test says
//! SKIPPED and returns, and fails under CI (`maillint_core::testing::corpus_dir`). mbsync is not
//! installed here, so no oracle runs: each error in the snapshots was checked by hand against
//! `imap_parse_store` (isync `src/drv_imap.c`, v1.5.0 and v1.4.4).

use maillint_core::testing::{
    corpus_dir, describe_unit, files_under, parse_cut_and_mangled, parse_file,
};
use maillint_mbsync::MbsyncParser;

#[test]
fn every_corpus_file_parses_and_matches_its_snapshot() {
    let Some(dir) = corpus_dir(env!("CARGO_MANIFEST_DIR"), "mbsyncrc") else { return };
    let files = files_under(&dir);
    assert_eq!(files.len(), 26, "the corpus has 26 mbsyncrc files");
    for path in files {
        let (sources, unit) = parse_file(&MbsyncParser, &path);
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        insta::assert_snapshot!(name, describe_unit(&sources, &unit));
    }
}

#[test]
fn truncated_and_mangled_corpus_files_do_not_panic() {
    let Some(dir) = corpus_dir(env!("CARGO_MANIFEST_DIR"), "mbsyncrc") else { return };
    for path in files_under(&dir) {
        parse_cut_and_mangled(
            &MbsyncParser,
            &path,
            &[('"', '\\'), ('\\', '#'), (' ', '"'), ('\n', ' ')],
        );
    }
}
