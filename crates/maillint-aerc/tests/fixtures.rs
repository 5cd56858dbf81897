//! aerc's fixtures (`fixtures/aerc/`) and the shared corpus (`../shared/corpus/aerc`): what
//! maillint makes of each file is pinned in a reviewed snapshot (diagnostics, accounts,
//! endpoints with the origin of every value, and the rules that fire); each
//! `rules/<rule>/bad-*` fixture triggers its rule and each `good-*` does not; every fix the
//! rules propose lowers into edits that apply, parse again and make the finding go away.

use std::path::{Path, PathBuf};

use maillint_aerc::AercParser;
use maillint_core::fix::apply_edits;
use maillint_core::testing::{files_under, parse_text};
use maillint_core::{FixAction, ParsedUnit, Parser, Sources, TextRange};
use maillint_rules::test_support::fired;

fn parse(path: &Path, text: &str) -> (Sources, ParsedUnit) {
    parse_text(&AercParser, &path.to_string_lossy(), text)
}

/// What the parser made of the file (maillint-core's description for snapshots), then the
/// rules that fire.
fn summary(sources: &Sources, unit: &ParsedUnit) -> String {
    let mut out = maillint_core::testing::describe_unit(sources, unit);
    for (name, _) in fired(unit) {
        out.push_str(&format!("fires {name}\n"));
    }
    out
}

/// Applies every fix of `rule` and checks that it no longer fires.
fn fixes_apply(path: &Path, text: &str, unit: &ParsedUnit, sources: &Sources, rule: &str) -> usize {
    let mut applied = 0;
    for (_, fix) in fired(unit).into_iter().filter(|(n, _)| n == rule) {
        let Some(fix) = fix else { continue };
        let FixAction::Fields { account, endpoint, changes } = &fix.action else { continue };
        let Ok(edits) = AercParser.lower(unit, sources, *account, *endpoint, changes) else {
            continue;
        };
        let pairs: Vec<(TextRange, &str)> =
            edits.iter().map(|e| (e.span.range, e.content.as_str())).collect();
        let fixed = apply_edits(text, &pairs).expect("non-overlapping edits");
        let (_, reparsed) = parse(path, &fixed);
        assert!(reparsed.diagnostics.is_empty(), "{}: {fixed}", path.display());
        let after = fired(&reparsed);
        assert!(!after.iter().any(|(n, _)| n == rule), "{rule} after {changes:?}:\n{fixed}");
        applied += 1;
    }
    applied
}

#[test]
fn every_fixture_matches_its_snapshot_and_fires_its_rule() {
    let dir = PathBuf::from("../../fixtures/aerc");
    let (mut checked, mut applied) = (0, 0);
    for path in files_under(&dir) {
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.starts_with("# "), "{}: starts with a `# ` comment", path.display());
        let (sources, unit) = parse(&path, &text);
        let name = path.strip_prefix(&dir).unwrap().to_string_lossy().replace('/', "__");
        insta::assert_snapshot!(name, summary(&sources, &unit));
        let parent = path.parent().unwrap().file_name().unwrap().to_string_lossy().into_owned();
        let file = path.file_name().unwrap().to_string_lossy().into_owned();
        if path.parent().unwrap().parent().unwrap().ends_with("rules") {
            let names: Vec<String> = fired(&unit).into_iter().map(|(n, _)| n).collect();
            assert_eq!(file.starts_with("bad-"), names.contains(&parent), "{file}: {names:?}");
            applied += fixes_apply(&path, &text, &unit, &sources, &parent);
            checked += 1;
        }
    }
    assert!(checked >= 18, "checked {checked} rule fixtures");
    assert!(applied >= 3, "applied {applied} fixes");
}

#[test]
fn every_corpus_file_parses_and_matches_its_snapshot() {
    let Some(dir) = maillint_core::testing::corpus_dir(env!("CARGO_MANIFEST_DIR"), "aerc") else {
        return;
    };
    let files = files_under(&dir);
    assert_eq!(files.len(), 26, "the corpus has 26 aerc files");
    for path in files {
        let text = String::from_utf8_lossy(&std::fs::read(&path).unwrap()).into_owned();
        let (sources, unit) = parse(&path, &text);
        for secret in &unit.secrets {
            let secret = sources.slice(*secret);
            assert!(unit.diagnostics.iter().all(|d| !d.message.contains(secret)));
        }
        let name = format!("corpus__{}", path.file_name().unwrap().to_string_lossy());
        insta::assert_snapshot!(name, summary(&sources, &unit));
    }
}
