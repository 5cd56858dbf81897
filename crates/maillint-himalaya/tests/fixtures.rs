//! himalaya's fixtures (`fixtures/himalaya/`): what maillint makes of each file is pinned in a
//! reviewed snapshot (diagnostics, accounts, endpoints with the origin of every value, and the
//! rules that fire); each `rules/<rule>/bad-*` fixture triggers its rule and each `good-*` does
//! not; every fix the rules propose lowers into edits that apply, parse again without errors
//! and make the finding go away. The shared corpus has no himalaya file (MANIFEST.tsv).

use std::path::{Path, PathBuf};

use maillint_core::fix::apply_edits;
use maillint_core::testing::{
    describe_unit, files_under, parse_cut_and_mangled, parse_file, parse_text,
};
use maillint_core::{FixAction, ParsedUnit, Parser, Sources, TextRange};
use maillint_himalaya::HimalayaParser;

use maillint_rules::test_support::fired;

fn summary(sources: &Sources, unit: &ParsedUnit) -> String {
    let mut out = describe_unit(sources, unit);
    for (name, _) in fired(unit) {
        out.push_str(&format!("fires {name}\n"));
    }
    out
}

/// Applies every fix of `rule` (safe or not) and checks that it no longer fires; returns the
/// fixed texts.
fn fixes_apply(
    path: &Path,
    text: &str,
    unit: &ParsedUnit,
    sources: &Sources,
    rule: &str,
) -> Vec<String> {
    let mut fixed_texts = Vec::new();
    for (_, fix) in fired(unit).into_iter().filter(|(n, _)| n == rule) {
        let Some(fix) = fix else { continue };
        let FixAction::Fields { account, endpoint, changes } = &fix.action else { continue };
        let Ok(edits) = HimalayaParser.lower(unit, sources, *account, *endpoint, changes) else {
            continue;
        };
        let pairs: Vec<(TextRange, &str)> =
            edits.iter().map(|e| (e.span.range, e.content.as_str())).collect();
        let fixed = apply_edits(text, &pairs).expect("non-overlapping edits");
        let (_, reparsed) = parse_text(&HimalayaParser, &path.to_string_lossy(), &fixed);
        assert!(reparsed.diagnostics.is_empty(), "{}: {fixed}", path.display());
        let after = fired(&reparsed);
        assert!(!after.iter().any(|(n, _)| n == rule), "{rule} after {changes:?}:\n{fixed}");
        fixed_texts.push(fixed);
    }
    fixed_texts
}

#[test]
fn every_fixture_matches_its_snapshot_and_fires_its_rule() {
    let dir = PathBuf::from("../../fixtures/himalaya");
    let (mut checked, mut applied) = (0, 0);
    for path in files_under(&dir) {
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.starts_with("# "), "{}: starts with a `# ` comment", path.display());
        let (sources, unit) = parse_file(&HimalayaParser, &path);
        let name = path.strip_prefix(&dir).unwrap().to_string_lossy().replace('/', "__");
        insta::assert_snapshot!(name, summary(&sources, &unit));
        let parent = path.parent().unwrap().file_name().unwrap().to_string_lossy().into_owned();
        let file = path.file_name().unwrap().to_string_lossy().into_owned();
        if path.parent().unwrap().parent().unwrap().ends_with("rules") {
            let names: Vec<String> = fired(&unit).into_iter().map(|(n, _)| n).collect();
            assert_eq!(file.starts_with("bad-"), names.contains(&parent), "{file}: {names:?}");
            applied += fixes_apply(&path, &text, &unit, &sources, &parent).len();
            checked += 1;
        }
        parse_cut_and_mangled(&HimalayaParser, &path, &[('"', '\''), ('.', '=')]);
    }
    assert!(checked >= 20, "checked {checked} rule fixtures");
    assert!(applied >= 5, "applied {applied} fixes");
}
