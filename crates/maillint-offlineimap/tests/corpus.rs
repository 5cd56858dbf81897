//! Every real-world offlineimaprc of the shared corpus parses without a panic and without a wrong
//! error, and what maillint makes of it (diagnostics with line:column, accounts, endpoints
//! with the origin of every value) is pinned in a reviewed snapshot.
//!
//! The corpus is read from `../shared/corpus/offlineimaprc`; when it is absent the test says
//! SKIPPED and returns, and fails under CI (`maillint_core::testing::corpus_dir`). That the
//! reading is Python's own (the same sections, keys, values and errors) is proved by the
//! differential test, `tests/oracle.rs`.

mod support;

use maillint_core::testing::{corpus_dir, describe_unit};
use support::{files_under, parse_file, parse_text};

#[test]
fn every_corpus_offlineimaprc_parses_and_matches_its_snapshot() {
    let Some(dir) = corpus_dir(env!("CARGO_MANIFEST_DIR"), "offlineimaprc") else { return };
    let files = files_under(&dir);
    assert_eq!(files.len(), 26, "the corpus has 26 offlineimaprc files");
    for path in files {
        let (sources, unit) = parse_file(&path);
        for diagnostic in &unit.diagnostics {
            for secret in &unit.secrets {
                let text = sources.slice(*secret);
                assert!(
                    text.len() < 6 || !diagnostic.message.contains(text),
                    "{}: secret in a message",
                    path.display()
                );
            }
        }
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        insta::assert_snapshot!(name, describe_unit(&sources, &unit));
    }
}

#[test]
fn truncated_and_mangled_corpus_files_do_not_panic() {
    let Some(dir) = corpus_dir(env!("CARGO_MANIFEST_DIR"), "offlineimaprc") else { return };
    for path in files_under(&dir) {
        let text = String::from_utf8_lossy(&std::fs::read(&path).unwrap()).into_owned();
        let step = (text.len() / 97).max(1);
        for cut in (0..text.len()).step_by(step) {
            let cut = (0..=cut).rev().find(|&i| text.is_char_boundary(i)).unwrap();
            parse_text(&text[..cut]);
        }
        let mangled: String = text
            .chars()
            .map(|c| match c {
                '"' => ':',
                ':' => ',',
                ' ' => '"',
                '\n' => '\t',
                other => other,
            })
            .collect();
        parse_text(&mangled);
    }
}
