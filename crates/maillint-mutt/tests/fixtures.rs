//! What maillint makes of every muttrc fixture under `fixtures/mutt/` (parser behaviour and
//! rule examples), pinned in reviewed snapshots: diagnostics with line:column, accounts,
//! endpoints and where each value came from. Every fixture starts with a `# ` comment that
//! says what it shows.

mod support;

use support::*;

#[test]
fn every_fixture_matches_its_snapshot() {
    let dir = fixtures_dir();
    let mut count = 0;
    for path in files_under(&dir) {
        if !is_muttrc_fixture(&path) {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.starts_with("# "), "{}: a fixture starts with a `# ` comment", path.display());
        let (sources, unit) = parse_file(&path);
        // No secret's text in any message (fixture passwords are long enough to be unique).
        for secret in &unit.secrets {
            let secret_text = sources.slice(*secret);
            for d in &unit.diagnostics {
                assert!(
                    !d.message.contains(secret_text),
                    "{}: secret in a message",
                    path.display()
                );
            }
        }
        let name = path.strip_prefix(&dir).unwrap().to_string_lossy().replace('/', "__");
        insta::assert_yaml_snapshot!(name, summary(&sources, &unit));
        count += 1;
    }
    assert!(count >= 50, "only {count} fixtures");
}
