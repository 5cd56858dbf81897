//! What maillint makes of every offlineimaprc fixture under `fixtures/offlineimap/` (parser behaviour and
//! rule examples), pinned in reviewed snapshots. Every fixture starts with a `# ` comment that
//! says what it shows.

mod support;

use maillint_core::testing::{describe_unit, files_under, parse_file};
use maillint_offlineimap::OfflineImapParser;

#[test]
fn every_fixture_matches_its_snapshot() {
    let dir = support::fixtures_dir();
    let files = files_under(&dir);
    assert!(files.len() >= 20, "only {} fixtures in {}", files.len(), dir.display());
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.starts_with("# "), "{}: a fixture starts with a `# ` comment", path.display());
        let (sources, unit) = parse_file(&OfflineImapParser, &path);
        let name = path.strip_prefix(&dir).unwrap().to_string_lossy().replace('/', "__");
        insta::assert_snapshot!(name, describe_unit(&sources, &unit));
    }
}
