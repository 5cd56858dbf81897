//! Every real-world offlineimaprc of the shared corpus parses without a panic and without a wrong
//! error, and what maillint makes of it (diagnostics with line:column, accounts, endpoints
//! with the origin of every value) is pinned in a reviewed snapshot.
//!
//! The corpus is read from `../shared/corpus/offlineimaprc`; when it is absent the test says
//! SKIPPED and returns, and fails under CI (`maillint_core::testing::corpus_dir`). That the
//! reading is Python's own (the same sections, keys, values and errors) is proved by the
//! differential test, `tests/oracle.rs`.

use maillint_core::testing::{
    corpus_dir, describe_unit, files_under, parse_cut_and_mangled, parse_file,
};
use maillint_offlineimap::OfflineImapParser;

#[test]
fn every_corpus_file_parses_and_matches_its_snapshot() {
    let Some(dir) = corpus_dir(env!("CARGO_MANIFEST_DIR"), "offlineimaprc") else { return };
    let files = files_under(&dir);
    assert_eq!(files.len(), 26, "the corpus has 26 offlineimaprc files");
    for path in files {
        let (sources, unit) = parse_file(&OfflineImapParser, &path);
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        insta::assert_snapshot!(name, describe_unit(&sources, &unit));
    }
}

#[test]
fn truncated_and_mangled_corpus_files_do_not_panic() {
    let Some(dir) = corpus_dir(env!("CARGO_MANIFEST_DIR"), "offlineimaprc") else { return };
    for path in files_under(&dir) {
        parse_cut_and_mangled(
            &OfflineImapParser,
            &path,
            &[('=', ':'), (':', '='), ('[', ' '), ('%', '('), ('\n', '\r')],
        );
    }
}
