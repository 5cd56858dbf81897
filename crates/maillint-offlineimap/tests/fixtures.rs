//! What maillint makes of every offlineimaprc fixture under `fixtures/msmtp/` (parser behaviour and
//! rule examples), pinned in reviewed snapshots. Every fixture starts with a `# ` comment that
//! says what it shows.

mod support;

use maillint_core::testing::describe_unit;
use support::{files_under, fixtures_dir, parse_file};

#[test]
fn every_fixture_matches_its_snapshot() {
    let dir = fixtures_dir();
    let mut count = 0;
    for path in files_under(&dir) {
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.starts_with("# "), "{}: a fixture starts with a `# ` comment", path.display());
        let (sources, unit) = parse_file(&path);
        for secret in &unit.secrets {
            let secret_text = sources.slice(*secret);
            assert!(
                unit.diagnostics.iter().all(|d| !d.message.contains(secret_text)),
                "{}: secret in a message",
                path.display()
            );
        }
        let name = path.strip_prefix(&dir).unwrap().to_string_lossy().replace('/', "__");
        insta::assert_snapshot!(name, describe_unit(&sources, &unit));
        count += 1;
    }
    assert!(count >= 20, "only {count} fixtures");
}
