//! Every real-world muttrc of the shared corpus parses without a panic, and a compact summary
//! of what maillint makes of it (diagnostics with line:column, accounts, endpoints with the
//! origin of every value) is pinned in a reviewed snapshot.
//!
//! The corpus is read from `../shared/corpus/muttrc`; when it is absent the test says
//! SKIPPED and returns, and fails under CI (`maillint_core::testing::corpus_dir`).

// Tests report what they skipped and what they compared on stderr.
#![allow(clippy::print_stderr)]

mod support;

use support::*;

fn corpus_dir() -> Option<std::path::PathBuf> {
    maillint_core::testing::corpus_dir(env!("CARGO_MANIFEST_DIR"), "muttrc")
}

#[test]
fn every_corpus_muttrc_parses_and_matches_its_snapshot() {
    let Some(dir) = corpus_dir() else { return };
    let files = files_under(&dir);
    assert_eq!(files.len(), 26, "the corpus has 26 muttrc files");
    for path in files {
        let (sources, unit) = parse_file(&path);
        // A secret's text never appears in a message.
        for diagnostic in &unit.diagnostics {
            for secret in &unit.secrets {
                let text = sources.slice(*secret);
                if text.len() >= 6 {
                    assert!(
                        !diagnostic.message.contains(text),
                        "{}: secret in a message",
                        path.display()
                    );
                }
            }
        }
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        insta::assert_yaml_snapshot!(name, summary(&sources, &unit));
    }
}

#[test]
fn truncated_and_mangled_corpus_files_do_not_panic() {
    let Some(dir) = corpus_dir() else { return };
    for path in files_under(&dir) {
        let bytes = std::fs::read(&path).unwrap();
        let text = String::from_utf8_lossy(&bytes).into_owned();
        // Cut at many points (inside quotes, escapes, continuations).
        let step = (text.len() / 97).max(1);
        for cut in (0..text.len()).step_by(step) {
            let cut = (0..=cut).rev().find(|&i| text.is_char_boundary(i)).unwrap();
            parse_text(&text[..cut]);
        }
        // Swap quotes, backslashes and separators around.
        let mangled: String = text
            .chars()
            .map(|c| match c {
                '"' => '\'',
                '\'' => '`',
                '=' => '\\',
                ';' => '"',
                other => other,
            })
            .collect();
        parse_text(&mangled);
    }
}
