//! The generic rules (maillint-rules) over `fixtures/mutt/rules/<rule>/`: each `bad-*` fixture
//! triggers its rule and each `good-*` fixture does not, so the mutt model carries what the
//! rules need. Every fix they propose lowers into edits that apply, parse again without new
//! diagnostics, and make the finding go away.

mod support;

use maillint_core::fix::apply_edits;
use maillint_core::{FixAction, Parser, SourceFile, Sources, TextRange};
use maillint_mutt::MuttParser;
use maillint_rules::test_support::fired;
use support::*;

#[test]
fn rule_fixtures_trigger_their_rule_and_fixes_lower() {
    let dir = fixtures_dir().join("rules");
    let mut checked = 0;
    let mut fixes_applied = 0;
    for path in files_under(&dir) {
        if !is_muttrc_fixture(&path) {
            continue;
        }
        let rule_name = path.parent().unwrap().file_name().unwrap().to_string_lossy().into_owned();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let (sources, unit) = parse_file(&path);
        let findings = fired(&unit);
        let names: Vec<&str> = findings.iter().map(|(n, _)| n.as_str()).collect();
        if name.starts_with("bad-") {
            assert!(
                names.contains(&rule_name.as_str()),
                "{name}: `{rule_name}` did not fire; fired {names:?}"
            );
        } else {
            assert!(
                !names.contains(&rule_name.as_str()),
                "{name}: `{rule_name}` fired on a good fixture"
            );
        }
        // Every fix of the fixture's own rule lowers (or is refused with a reason) and, once
        // applied, the rule no longer fires for it.
        for (rule, fix) in findings.iter().filter(|(n, _)| *n == rule_name) {
            let Some(fix) = fix else { continue };
            let FixAction::Fields { account, endpoint, changes } = &fix.action else { continue };
            match MuttParser.lower(&unit, &sources, *account, *endpoint, changes) {
                Ok(edits) => {
                    let text = sources.get(ROOT).text();
                    assert!(
                        edits.iter().all(|e| e.span.file == ROOT),
                        "{name}: edits another file"
                    );
                    let pairs: Vec<(TextRange, &str)> =
                        edits.iter().map(|e| (e.span.range, e.content.as_str())).collect();
                    let fixed = apply_edits(text, &pairs).expect("non-overlapping edits");
                    let mut fixed_sources = Sources::new();
                    let root = fixed_sources.add(SourceFile::from_text(&path, fixed.clone()));
                    let reparsed = MuttParser.parse(root, &mut fixed_sources, &options());
                    assert!(
                        reparsed.diagnostics.len() <= unit.diagnostics.len(),
                        "{name}: the fix {changes:?} added diagnostics:\n{fixed}"
                    );
                    let after = fired(&reparsed);
                    assert!(
                        !after.iter().any(|(n, _)| n == rule),
                        "{name}: `{rule}` still fires after {changes:?}:\n{fixed}"
                    );
                    fixes_applied += 1;
                }
                Err(error) => assert!(!error.0.is_empty(), "{name}: empty lower error"),
            }
        }
        checked += 1;
    }
    assert!(checked >= 24, "checked {checked} rule fixtures");
    assert!(fixes_applied >= 6, "applied {fixes_applied} fixes");
}
