//! The generic rules (maillint-rules) over `fixtures/outlook/rules/<rule>/`: each `bad-*`
//! fixture triggers its rule and each `good-*` fixture does not, so the Outlook model carries
//! what the rules need. Every fix they propose lowers into edits that apply and parse again.

mod support;

use maillint_core::fix::apply_edits;
use maillint_core::{FixAction, TextRange};
use maillint_rules::test_support::findings;
use support::*;

#[test]
fn rule_fixtures_trigger_their_rule_and_fixes_lower() {
    let dir = fixtures_dir().join("rules");
    let mut checked = 0;
    for path in files_under(&dir) {
        if !matches!(path.extension().and_then(|e| e.to_str()), Some("prf" | "reg" | "xml")) {
            continue;
        }
        let rule_name = path.parent().unwrap().file_name().unwrap().to_string_lossy().into_owned();
        let (sources, unit, parser) = parse_file(&path);
        let mut fired = Vec::new();
        for (rule, finding) in findings(&unit) {
            fired.push(rule);
            let Some(fix) = finding.fix else { continue };
            let FixAction::Fields { account, endpoint, changes } = fix.action else { continue };
            // A change Outlook cannot express is a clean error; anything else must apply.
            if let Ok(edits) = parser.lower(&unit, &sources, account, endpoint, &changes) {
                let text = sources.get(maillint_core::FileId(0)).text();
                let pairs: Vec<(TextRange, &str)> =
                    edits.iter().map(|e| (e.span.range, e.content.as_str())).collect();
                let fixed = apply_edits(text, &pairs).expect("non-overlapping edits");
                let (_, reparsed, _) = parse_bytes(&path, fixed.as_bytes());
                assert!(reparsed.diagnostics.is_empty(), "{}: {:?}", path.display(), changes);
            }
        }
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let has_rule = fired.contains(&rule_name);
        if name.starts_with("bad-") {
            assert!(has_rule, "{}: `{rule_name}` did not fire; fired {fired:?}", path.display());
        } else {
            assert!(!has_rule, "{}: `{rule_name}` fired on a good fixture", path.display());
        }
        checked += 1;
    }
    assert!(checked >= 17, "checked {checked} rule fixtures");
}
